"""Rendering: citation numbers, escaping, and the JSON contract, on a hand-built brief."""

from __future__ import annotations

import json

from newsweave import (
    Actor,
    Article,
    Brief,
    CitedQuote,
    Relation,
    Span,
    SummarySentence,
    render_html,
    render_json,
    render_markdown,
)

FIRST = Article(
    id="a1",
    text="Russia kept its embassy open.\n\nIt said <script>alert(1)</script> nothing.",
    title="Embassy stays",
    outlet="The Planet",
    published="2021-08-16",
)
SECOND = Article(id="b2", text="Moscow did not evacuate its embassy in Kabul.", path="b.txt")
BRIEF = Brief(
    title="Russia & the Taliban",
    articles=(FIRST, SECOND),
    summary=(
        SummarySentence(FIRST.text[:29], (FIRST.span(0, 29), SECOND.span(0, 45))),
        SummarySentence(FIRST.text[31:], (FIRST.span(31, len(FIRST.text)),)),
    ),
)


def test_markdown_citations_and_sources() -> None:
    text = render_markdown(BRIEF)
    assert "- Russia kept its embassy open. [1][2] (2 sources)" in text
    assert "nothing. [1] (1 source)\n" in text
    assert "## Timeline" in text and "## Sources differ" in text
    assert "No publication date for [2]" in text
    assert "1. **Embassy stays**. The Planet, 2021-08-16. a1" in text
    assert "2. **(untitled)**. outlet unknown, date unknown. b.txt" in text


def test_html_escapes_article_text_and_links_citations() -> None:
    page = render_html(BRIEF)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Russia &amp; the Taliban" in page
    assert '<mark id="span-b2-0">Moscow did not evacuate its embassy in Kabul.</mark>' in page
    assert 'href="#span-b2-0"' in page and ">[2]</a>" in page
    assert "2 sources" in page


def test_json_round_trip() -> None:
    data = json.loads(render_json(BRIEF))
    assert data["summary"][0]["sources"][1] == {
        "article": "b2",
        "start": 0,
        "end": 45,
        "text": "Moscow did not evacuate its embassy in Kabul.",
    }
    assert data["summary"][0]["support"] == 2
    assert Article.from_dict(data["articles"][0]) == FIRST
    assert Span.from_dict(data["summary"][0]["sources"][0]) == FIRST.span(0, 29)


def test_an_empty_summary_says_why() -> None:
    empty = Brief(title="Nothing", articles=(SECOND,), summary=())
    assert "_No summary: no sentence of these articles" in render_markdown(empty)
    assert "No summary: no sentence of these articles" in render_html(empty)


QUOTED = Article(
    id="q1",
    text='"We will stay," Kabulov said. "<b>Bold</b> claims," a source said. "Nobody knows."',
)
WITH_QUOTES = Brief(
    title="Quotes",
    articles=(QUOTED, SECOND),
    summary=(),
    quotes=(
        CitedQuote(
            "We will stay",
            "direct",
            "Zamir Kabulov",
            "zamir-kabulov",
            "said",
            (QUOTED.span(1, 13), SECOND.span(0, 6)),
        ),
        CitedQuote(
            "<b>Bold</b> claims", "partial", "a source", None, "said", (QUOTED.span(31, 49),)
        ),
        CitedQuote("Nobody knows.", "direct", None, None, None, (QUOTED.span(68, 81),)),
    ),
    actors=(
        Actor(
            "zamir-kabulov",
            "Zamir Kabulov",
            "person",
            ("Kabulov",),
            ("special envoy",),
            1,
            (QUOTED.span(16, 23),),
        ),
    ),
    relations=(
        Relation(
            "Zamir Kabulov",
            "zamir-kabulov",
            "engage with",
            "Taliban",
            "taliban",
            "cooperation",
            (SECOND.span(0, 45),),
        ),
    ),
)


def test_who_said_what_groups_by_speaker_unknown_last() -> None:
    text = render_markdown(WITH_QUOTES)
    section = text[text.index("## Who said what") : text.index("## Actors")]
    assert section.index("**Zamir Kabulov** (special envoy)") < section.index("**a source**")
    assert section.index("**a source**") < section.index("**Speaker not named**")
    assert "- “We will stay” [1][2]" in section
    assert "(partial)" in section
    actors = text[text.index("## Actors") : text.index("## Sources")]
    assert "**Zamir Kabulov** (person; special envoy; also Kabulov): 1 mention [1]" in actors
    assert "Zamir Kabulov *engage with* Taliban (cooperation) [2]" in actors


def test_html_quotes_and_actors_are_escaped() -> None:
    page = render_html(WITH_QUOTES)
    assert "Who said what" in page and "How they relate" in page
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page


def test_json_sections_filled() -> None:
    data = json.loads(render_json(WITH_QUOTES))
    assert data["quotes"][0]["speaker_id"] == "zamir-kabulov"
    assert data["actors"][0]["aliases"] == ["Kabulov"]
    assert data["relations"][0]["type"] == "cooperation"
    assert data["timeline"] == [] and data["claims"] == []
