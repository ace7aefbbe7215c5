"""Contradictions: the hand-built set of real sentences with one fact changed, and unit cases.

tests/data/contradictions.jsonl: sentences from the example articles (and, marked "written:",
wire-style sentences about well-known events) each paired with a copy that changes one number,
date, name or negation, or with a paraphrase, a compatible detail, a related statement or the
same sentence. The floors sit just under what docs/evaluation.md reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave import Article
from newsweave.analyze.annotate import parse_article
from newsweave.story.conflicts import Statement, find_conflicts

from .conftest import MODELS

DATA = Path(__file__).resolve().parent / "data" / "contradictions.jsonl"
PRECISION = 0.93
RECALL = 0.86


def statement(text: str) -> Statement:
    """A Statement read off the parse, as claims.py reads it off an annotation.

    The sentences have no publication date (the set's written ones are about other years), so
    relative dates keep their relative form and are compared as such.
    """
    article = Article("s", text)
    layer = parse_article(article, MODELS.spacy)
    return Statement(
        text=text,
        names=tuple((e.label, e.span.text) for e in layer.entities),
        dates=tuple(
            (t.value, t.span.text)
            for t in layer.times
            if t.type in ("DATE", "TIME") and not t.value.endswith("_REF")
        ),
        terms=tuple(term for sentence in layer.sentences for term in sentence.terms),
    )


@pytest.mark.slow
def test_contradiction_set_precision_and_recall() -> None:
    rows = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]
    assert len(rows) >= 100
    hits = wrong = missed = 0
    for row in rows:
        predicted = bool(find_conflicts(statement(row["a"]), statement(row["b"])))
        gold = row["label"] == "contradiction"
        hits += predicted and gold
        wrong += predicted and not gold
        missed += gold and not predicted
    precision, recall = hits / (hits + wrong), hits / (hits + missed)
    assert precision >= PRECISION and recall >= RECALL, (precision, recall)


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (
            "The blast killed 12 people in the market.",
            "The blast killed 21 people in the market.",
            "number",
        ),
        (
            "The talks were held in Doha on Monday.",
            "The talks were held in Doha on Tuesday.",
            "date",
        ),
        (
            "Kabulov said Moscow would keep its embassy open.",
            "Kabulov said Moscow would not keep its embassy open.",
            "negation",
        ),
        (
            "Pakistan hosted the delegation in Islamabad.",
            "Iran hosted the delegation in Islamabad.",
            "name",
        ),
    ],
)
@pytest.mark.slow
def test_each_kind_of_conflict(a: str, b: str, kind: str) -> None:
    assert [c.kind for c in find_conflicts(statement(a), statement(b))] == [kind]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The blast killed more than 50 people.", "The blast killed 57 people."),
        ("The deal was worth $68.7 billion.", "The deal was worth $69 billion."),
        ("The talks were held in August.", "The talks were held on Aug. 16, 2021."),
        ("Russia kept its embassy in Kabul open.", "Russia kept its embassy in Kabul open."),
    ],
)
@pytest.mark.slow
def test_compatible_reports_do_not_conflict(a: str, b: str) -> None:
    assert find_conflicts(statement(a), statement(b)) == ()


def _plain(text: str) -> Statement:
    """A Statement without the parse: its numbers come from the text, its terms are its words."""
    return Statement(text=text, names=(), dates=(), terms=tuple(text.lower().split()))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # The same distance in two units is a conversion, not a contradiction.
        (
            "The jet made a 630-nautical-mile flight to the island.",
            "The jet made a 1,160-kilometer flight to the island.",
        ),
        ("The storm, 10 miles wide, hit the coast.", "The storm hit the coast 40 kilometers away."),
        # A width is not a distance, though both are in miles.
        ("A 10-mile-wide storm hit the coast.", "The storm hit the coast 40 miles from the city."),
        # "No. 2" ranks; it does not negate.
        (
            "The party's No. 2 official resigned on Monday after the vote.",
            "The party's second official resigned on Monday after the vote.",
        ),
    ],
)
def test_units_dimensions_and_ranks_are_not_conflicts(a: str, b: str) -> None:
    assert find_conflicts(_plain(a), _plain(b)) == ()


def test_amounts_in_the_same_unit_still_conflict() -> None:
    conflicts = find_conflicts(
        _plain("The jet made a 630-mile flight to the island."),
        _plain("The jet made a 700-mile flight to the island."),
    )
    assert [(c.kind, c.this, c.other) for c in conflicts] == [("number", "630", "700")]
    negated = find_conflicts(
        _plain("No deal was reached on Monday after the vote."),
        _plain("A deal was reached on Monday after the vote."),
    )
    assert [c.kind for c in negated] == ["negation"]
