"""Who said what on the example, against the hand annotation in gold.json."""

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


def _gold_names(gold: dict[str, Any], speaker: str) -> set[str]:
    names = {speaker}
    names.update(gold["speakers"].get(speaker, {}).get("aliases", []))
    if speaker.startswith("The "):
        names.add(speaker[4:])
    return names


def test_every_gold_quote_is_found_with_its_speaker(
    brief_dict: dict[str, Any], gold: dict[str, Any]
) -> None:
    found, right = 0, 0
    for expected in gold["quotes"]:
        matches = [q for q in brief_dict["quotes"] if q["text"].startswith(expected["starts"])]
        assert matches, f"quote not found: {expected['starts']!r}"
        found += 1
        quote = matches[0]
        right += quote["speaker"] in _gold_names(gold, expected["speaker"])
        assert quote["kind"] == expected["kind"], expected["starts"]
    assert found == 13
    assert right >= 12, f"right speaker for {right} of 13 quotes"


def test_quote_spans_resolve_and_nothing_comes_from_boilerplate(
    brief_dict: dict[str, Any], gold: dict[str, Any]
) -> None:
    texts = {a["id"]: a["text"] for a in brief_dict["articles"]}
    for quote in brief_dict["quotes"]:
        for span in quote["sources"]:
            assert texts[span["article"]][span["start"] : span["end"]] == span["text"]
        for not_quote in gold["not_quotes"]:
            assert not_quote.lower() not in quote["text"].lower()


def test_pronoun_speaker_is_resolved(brief_dict: dict[str, Any]) -> None:
    quote = next(q for q in brief_dict["quotes"] if q["text"].startswith("I have long decided"))
    assert quote["speaker"] == "Zamir Kabulov"
    assert quote["speaker_id"] == "zamir-kabulov"
    assert quote["cue"] == "told"


def test_actors_include_merge_and_exclude(brief_dict: dict[str, Any], gold: dict[str, Any]) -> None:
    by_name: dict[str, dict[str, Any]] = {}
    for actor in brief_dict["actors"]:
        for name in (actor["name"], *actor["aliases"]):
            by_name[name] = actor
    for name in gold["actors"]["must_include"]:
        assert name in by_name, f"missing actor {name}"
    for group in gold["actors"]["must_merge"]:
        ids = {by_name[name]["id"] for name in group}
        assert len(ids) == 1, f"not merged: {group}"
    for name in gold["actors"]["must_exclude_from_boilerplate"]:
        assert name not in by_name, f"actor from boilerplate: {name}"
    texts = {a["id"]: a["text"] for a in brief_dict["articles"]}
    for actor in brief_dict["actors"]:
        assert actor["mentions"] == len(actor["sources"])
        for span in actor["sources"]:
            assert texts[span["article"]][span["start"] : span["end"]] == span["text"]


def test_speaker_roles_are_kept(brief_dict: dict[str, Any]) -> None:
    actors = {a["name"]: a for a in brief_dict["actors"]}
    kabulov = " | ".join(actors["Zamir Kabulov"]["roles"])
    assert "special presidential representative for Afghanistan" in kabulov
    assert "special envoy to Afghanistan" in kabulov
    assert "Russian ambassador to Afghanistan" in actors["Dmitry Zhirnov"]["roles"]
    assert "Prime Minister" in actors["Imran Khan"]["roles"]
    assert actors["United States"]["kind"] == "country"
    assert actors["Zamir Kabulov"]["kind"] == "person"


def test_relations_name_the_story(brief_dict: dict[str, Any]) -> None:
    triples = {(r["subject"], r["object"], r["type"]) for r in brief_dict["relations"]}
    assert ("Russia", "Taliban", "cooperation") in triples  # Russia engaging with the Taliban
    assert ("Pakistan", "Taliban", "cooperation") in triples  # Pakistan, the Taliban's backer
    backer = next(r for r in brief_dict["relations"] if r["subject"] == "Pakistan")
    assert backer["predicate"] == "backer of"
    texts = {a["id"]: a["text"] for a in brief_dict["articles"]}
    for relation in brief_dict["relations"]:
        assert relation["subject_id"] != relation["object_id"]
        for span in relation["sources"]:
            assert texts[span["article"]][span["start"] : span["end"]] == span["text"]


def test_annotate_lines_carry_quotes(example_annotations: list[Annotation]) -> None:
    line = example_annotations[0].to_dict()
    quote = line["quotes"][0]
    assert set(quote) == {"span", "kind", "speaker", "speaker_span", "speaker_ref", "cue"}
    text = line["article"]["text"]
    for span in (quote["span"], quote["speaker_span"], quote["cue"]):
        assert text[span["start"] : span["end"]] == span["text"]
