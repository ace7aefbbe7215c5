"""End to end on the example: the brief against gold.json, spans, boilerplate, determinism."""

from __future__ import annotations

from typing import Any

import pytest

from newsweave import Annotation, Article, Settings

from .conftest import weave

pytestmark = pytest.mark.slow  # loads the NLP models or runs the CLI


@pytest.fixture(scope="module")
def brief_dict(
    example_articles: list[Article], example_annotations: list[Annotation]
) -> dict[str, Any]:
    return weave(example_annotations, Settings()).to_dict()


def test_contract_keys(brief_dict: dict[str, Any]) -> None:
    assert set(brief_dict) == {
        "title",
        "articles",
        "summary",
        "quotes",
        "actors",
        "relations",
        "timeline",
        "undated_articles",
        "claims",
        "origins",
    }
    assert brief_dict["origins"] == [[a["id"]] for a in brief_dict["articles"]]
    assert set(brief_dict["timeline"][0]) == {"date", "precision", "text", "sources", "when"}
    assert set(brief_dict["claims"][0]) == {"text", "status", "support", "sources", "conflicts"}
    assert set(brief_dict["quotes"][0]) == {
        "text",
        "kind",
        "speaker",
        "speaker_id",
        "cue",
        "sources",
    }
    assert set(brief_dict["actors"][0]) == {
        "id",
        "name",
        "kind",
        "aliases",
        "roles",
        "mentions",
        "sources",
    }
    assert set(brief_dict["relations"][0]) >= {"subject", "predicate", "object", "type", "sources"}
    assert set(brief_dict["articles"][0]) >= {
        "id",
        "title",
        "outlet",
        "published",
        "url",
        "path",
        "text",
        "removed_lines",
    }
    assert set(brief_dict["summary"][0]) >= {"text", "sources"}
    assert set(brief_dict["summary"][0]["sources"][0]) == {"article", "start", "end", "text"}


def test_title_is_the_headline(brief_dict: dict[str, Any], gold: dict[str, Any]) -> None:
    assert brief_dict["title"] == gold["articles"]["000_2665c5d81ac27956.txt"]["title"]


def test_every_span_resolves(brief_dict: dict[str, Any]) -> None:
    texts = {a["id"]: a["text"] for a in brief_dict["articles"]}
    for sentence in brief_dict["summary"]:
        assert sentence["sources"][0]["text"] == sentence["text"]
        for span in sentence["sources"]:
            assert texts[span["article"]][span["start"] : span["end"]] == span["text"]


def test_a_summary_sentence_cites_exactly_its_claims_sources(brief_dict: dict[str, Any]) -> None:
    def spans(item: dict[str, Any]) -> set[tuple[str, int]]:
        return {(span["article"], span["start"]) for span in item["sources"]}

    claims = [spans(claim) for claim in brief_dict["claims"]]
    for sentence in brief_dict["summary"]:
        own = (sentence["sources"][0]["article"], sentence["sources"][0]["start"])
        mine = [claim for claim in claims if own in claim]
        assert (mine == [] and len(sentence["sources"]) == 1) or mine == [spans(sentence)]


def test_no_boilerplate_in_summary_or_text(
    brief_dict: dict[str, Any], gold: dict[str, Any], example_dir: Any
) -> None:
    for name, article in zip(sorted(gold["articles"]), brief_dict["articles"], strict=True):
        lines = (example_dir / name).read_text("utf-8").split("\n")
        for number in gold["articles"][name]["boilerplate_lines"]:
            line = lines[number - 1].strip()
            if len(line) > 3:
                assert line not in article["text"]
                assert all(line not in s["text"] for s in brief_dict["summary"])


def test_budget_and_determinism(
    example_articles: list[Article], example_annotations: list[Annotation]
) -> None:
    for words in (40, 100, 150):
        brief = weave(example_annotations, Settings(summary_words=words))
        assert 0 < sum(len(s.text.split()) for s in brief.summary) <= words
    first = weave(example_annotations, Settings()).to_dict()
    again = weave(example_annotations, Settings()).to_dict()
    assert first == again


def test_annotation_spans_and_entities(example_annotations: list[Annotation]) -> None:
    for annotation in example_annotations:
        text = annotation.article.text
        assert annotation.embeddings.shape == (len(annotation.sentences), 384)
        for sentence in annotation.sentences:
            assert sentence.span.resolves_in(text)
            assert "\n\n" not in sentence.span.text, "sentences never cross paragraphs"
        assert all(entity.span.resolves_in(text) for entity in annotation.entities)
    people = {e.span.text for a in example_annotations for e in a.entities if e.label == "PERSON"}
    assert {"Zamir Kabulov", "Dmitry Zhirnov", "Pavel Felgenhauer"} <= people
