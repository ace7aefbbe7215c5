"""Independent origins: copies of one text, and one outlet's articles, count as one source."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsweave import Article, Brief, render_html, render_markdown
from newsweave.render.sections import origins_note, support
from newsweave.story.origins import copied_pairs, find_origins

WIRE = (
    "Rescue teams searched through the night for survivors after a powerful earthquake struck "
    "the northern province on Tuesday, flattening hundreds of homes and cutting power to three "
    "towns. The provincial governor said at least 40 people had died and more than 200 were "
    "injured, and warned that the toll would rise as crews reached remote villages. Roads into "
    "the mountains were blocked by landslides, and helicopters carried water and tents to the "
    "worst-hit areas while aftershocks shook the region."
)
UPDATE = "The death toll from Tuesday's earthquake rose to 52 on Wednesday, officials said. " + WIRE
OWN_REPORT = (
    "In the mountain town of Ardal, residents dug with their hands through the rubble of a "
    "school, and a doctor at the only clinic said she had treated dozens of children with broken "
    "bones. The governor said at least 40 people had died and more than 200 were injured, "
    "according to a statement read on state television, but villagers said help had not come."
)


def _article(id_: str, text: str, outlet: str | None = None) -> Article:
    return Article(id=id_, text=text, outlet=outlet)


def test_a_refiled_wire_story_is_one_origin() -> None:
    articles = [
        _article("wire", WIRE, "Wire Service"),
        _article("paper", UPDATE, "Daily Paper"),  # the wire copy under another name
        _article("own", OWN_REPORT, "Evening Post"),  # shares one sentence's facts, not the text
    ]
    assert find_origins(articles) == (("wire", "paper"), ("own",))


def test_one_outlets_articles_are_one_origin_and_unknown_outlets_are_separate() -> None:
    articles = [
        _article("a", WIRE, "The Planet"),
        _article("b", OWN_REPORT, "the planet"),
        _article("c", OWN_REPORT.replace("Ardal", "Bexa").upper()[:60]),
        _article("d", "A different story about a football match that ended in a draw."),
    ]
    assert find_origins(articles) == (("a", "b"), ("c",), ("d",))


def test_copying_is_measured_on_the_shorter_text() -> None:
    first_half = WIRE[: len(WIRE) // 2]
    assert copied_pairs([WIRE, first_half, OWN_REPORT]) == [(0, 1)]
    # A shared clause of a dozen words is quoting, not copying.
    shared = "The provincial governor said at least 40 people had died and more than 200 were"
    assert copied_pairs([OWN_REPORT, f"Officials disagreed. {shared} hurt, he added."]) == []
    assert copied_pairs(["", "too short to shingle", WIRE]) == []


def test_labels_count_independent_sources() -> None:
    articles = tuple(_article(i, WIRE) for i in ("a", "b", "c"))
    brief = Brief(title="t", articles=articles, summary=(), origins=(("a", "b"), ("c",)))
    assert support(brief, ["a", "b", "c"]) == "3 articles, 2 independent sources"
    assert support(brief, ["a", "b"]) == "2 articles, 1 independent source"
    assert support(brief, ["a", "c"]) == "2 sources"
    assert support(brief, ["c"]) == "1 source"
    assert origins_note(brief) == (
        "3 articles, 2 independent sources: [1] [2] are copies of one text or come from one "
        "outlet, and count as one source."
    )
    assert origins_note(replace(brief, origins=(("a",), ("b",), ("c",)))) is None
    assert Brief.from_dict(brief.to_dict()) == brief


@pytest.mark.slow
def test_a_copy_does_not_corroborate(example_articles: list[Article]) -> None:
    from .conftest import annotate, weave

    original = example_articles[0]
    copy = replace(original, id="copy", outlet="Syndicating Daily", url=None, path=None)
    brief = weave(annotate([original, copy]))
    assert brief.origins == ((original.id, "copy"),)
    assert brief.claims, "the two copies state the same things"
    assert all(claim.status != "corroborated" for claim in brief.claims)
    both = [claim for claim in brief.claims if len(claim.articles) == 2]
    assert both and all(claim.status == "single-source" for claim in both)
    markdown = render_markdown(brief)
    assert "(2 articles, 1 independent source)" in markdown
    assert "count as one source" in markdown and "count as one source" in render_html(brief)
    # An outlet's own article that quotes one of the wire's sentences word for word corroborates
    # that sentence: two independent origins.
    quoted = original.text.split("\n\n")[1]
    own = replace(example_articles[1], text=example_articles[1].text + "\n\n" + quoted)
    three = weave(annotate([original, copy, own]))
    assert len(three.origins) == 2
    agreed = [claim for claim in three.claims if claim.status == "corroborated"]
    assert agreed and all(claim.text in quoted for claim in agreed)
