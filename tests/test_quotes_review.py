"""Regressions from the review of quotes and actors: each input once gave a wrong answer."""

from __future__ import annotations

import time

import numpy as np
import pytest

from newsweave import Article, Vectors, render_markdown
from newsweave.models import Annotation, Entity, Quote, Span
from newsweave.story.actors import identify_actors, relate_actors
from newsweave.story.quotes import cite_quotes

from .conftest import annotate, weave


def _brief(*texts: str) -> dict:  # type: ignore[type-arg]
    articles = [Article(id=f"a{n}", text=text) for n, text in enumerate(texts)]
    return weave(annotate(articles)).to_dict()


def _speaker(brief: dict, starts: str) -> str | None:  # type: ignore[type-arg]
    quote = next(q for q in brief["quotes"] if q["text"].startswith(starts))
    return quote["speaker"]  # type: ignore[no-any-return]


@pytest.mark.slow
def test_pronoun_skips_names_inside_the_quote() -> None:
    brief = _brief(
        'Biden arrived late on Monday.\n\n"I spoke to Putin for an hour yesterday," he said.'
    )
    assert _speaker(brief, "I spoke to Putin") == "Biden"


@pytest.mark.slow
def test_no_carry_over_across_a_new_voice() -> None:
    brief = _brief(
        '"I will run again," Smith said. Jones shook his head. '
        '"That is a terrible idea for the party and everyone in it."'
    )
    assert _speaker(brief, "That is a terrible idea") != "Smith"
    scare = _brief('"We will win this race," Smith said. Critics call the plan "a fantasy".')
    assert all(q["speaker"] != "Smith" or q["text"] != "a fantasy" for q in scare["quotes"])


@pytest.mark.slow
def test_surnames_are_not_countries_and_companies_not_people() -> None:
    brief = _brief(
        "Tom Holland stars in the film.\n\n"
        '"It was the hardest role I have ever played," Holland said.',
        "Harrison Ford attended the premiere. Ford recalled 200,000 trucks on Monday.",
    )
    assert _speaker(brief, "It was the hardest role") == "Tom Holland"
    names = {a["name"]: a for a in brief["actors"]}
    assert "Netherlands" not in names
    assert "Ford" not in names.get("Harrison Ford", {}).get("aliases", [])


@pytest.mark.slow
def test_attribution_is_not_reported_content() -> None:
    brief = _brief(
        "Toyota recalled 50,000 cars that had faulty brakes, the regulator said on Monday."
    )
    for quote in brief["quotes"]:
        assert not quote["text"].startswith("the regulator said")
        assert quote["speaker"] != "Toyota"


@pytest.mark.slow
def test_inch_marks_are_not_quotation_marks() -> None:
    brief = _brief(
        'The company\'s 2" pipes burst. "We are looking into the cause of this failure," Acme said.'
    )
    assert _speaker(brief, "We are looking into") == "Acme"


@pytest.mark.slow
def test_relations_skip_quotes_and_keep_negation() -> None:
    brief = _brief(
        '"Russia will invade Ukraine within weeks," Smith said. '
        "Russia refused to meet with Ukraine."
    )
    relations = {(r["subject"], r["predicate"], r["object"]) for r in brief["relations"]}
    assert ("Russia", "invade", "Ukraine") not in relations
    assert ("Russia", "not meet with", "Ukraine") in relations
    assert all(r["type"] == "other" for r in brief["relations"] if r["predicate"].startswith("not"))


@pytest.mark.slow
def test_acronym_speaker_near_a_noun_is_not_the_country() -> None:
    brief = _brief('"We will not move the deadline again," the UK PM said on Friday.')
    quote = brief["quotes"][0]
    assert quote["speaker_id"] != "united-kingdom"


def test_hyphen_variants_are_one_actor_with_unique_ids() -> None:
    index = identify_actors(
        [
            _annotation("Al-Qaeda", "ORG"),
            _annotation("Al Qaeda", "ORG"),
            _annotation("Al–Qaeda", "ORG"),
        ]
    )
    assert len(index.actors) == 1
    assert len({a.id for a in index.actors}) == len(index.actors)


def _annotation(name: str, label: str, article: str | None = None) -> Annotation:
    import numpy as np

    identifier = article or f"x-{name}"
    text = f"{name} spoke."
    span = Span(identifier, 0, len(name), name)
    return Annotation(
        Article(id=identifier, text=text),
        (),
        (Entity(span, label),),
        Vectors.from_array(np.zeros((0, 384), dtype=np.float32)),
    )


@pytest.mark.slow
def test_markdown_escapes_quote_text() -> None:
    markdown = render_markdown(
        weave(
            annotate(
                [
                    Article(
                        id="a", text='"Read *this* [link](http://x) now, all of you," Kabulov said.'
                    )
                ]
            )
        )
    )
    assert "[link](http://x)" not in markdown
    assert "\\*this\\*" in markdown


@pytest.mark.slow
def test_many_quotes_stay_fast_and_deterministic() -> None:
    articles = [
        Article(id=f"a{n}", text=f'"Statement number {n} about the budget talks," Smith said.')
        for n in range(60)
    ]
    annotations = annotate(articles)
    quotes = [q for a in annotations for q in a.quotes]
    many = [
        Annotation(
            Article(id=f"c{copy}", text=annotations[0].article.text),
            (),
            (),
            Vectors.from_array(np.zeros((0, 384), dtype=np.float32)),
            quotes=tuple(
                Quote(Span(f"c{copy}", q.span.start, q.span.end, q.span.text), q.kind, "Smith")
                for q in quotes[:1]
            ),
        )
        for copy in range(2000)
    ]
    index = identify_actors(annotations)
    started = time.perf_counter()
    cited = cite_quotes(many, index)
    assert time.perf_counter() - started < 5
    assert len(cited) == 1 and len(cited[0].sources) == 2000
    assert relate_actors(annotations, index) == relate_actors(annotations, index)
