"""Every noun goes to JSON and back exactly: nouns built by hypothesis, and the example's."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave import (
    Actor,
    Annotation,
    Article,
    Brief,
    CitedQuote,
    Claim,
    ClaimConflict,
    Entity,
    Event,
    Interaction,
    Quote,
    Relation,
    RemovedLine,
    Role,
    SchemaError,
    Sentence,
    Span,
    SummarySentence,
    TimeExpr,
    Vectors,
)

# Any text, surrogates aside (JSON cannot carry a lone surrogate as UTF-8).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
WORDS = st.lists(TEXT, max_size=4).map(tuple)


def through_json(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False))


@st.composite
def articles(draw: st.DrawFn) -> Article:
    body = draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300))
    return Article(
        id=draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20)),
        text=body,
        title=draw(st.none() | TEXT),
        outlet=draw(st.none() | TEXT),
        published=draw(st.none() | st.just("2021-08-16T10:35:00+04:30")),
        url=draw(st.none() | TEXT),
        path=draw(st.none() | TEXT),
        author=draw(st.none() | TEXT),
        removed_lines=tuple(
            draw(st.lists(st.builds(RemovedLine, st.integers(1, 10**6), TEXT, TEXT), max_size=3))
        ),
    )


def spans_of(article: Article) -> st.SearchStrategy[Span]:
    length = len(article.text)
    return st.tuples(st.integers(0, length), st.integers(0, length)).map(
        lambda bounds: article.span(min(bounds), max(bounds))
    )


@st.composite
def annotations(draw: st.DrawFn) -> Annotation:
    article = draw(articles())
    span = spans_of(article)
    sentences = draw(
        st.lists(st.builds(Sentence, span, WORDS, st.integers(0, 50)), max_size=5).map(tuple)
    )
    # Any float32 bit pattern but NaN (NaN != NaN would make equal vectors unequal).
    values = draw(
        st.lists(
            st.floats(width=32, allow_nan=False),
            min_size=len(sentences) * 3,
            max_size=len(sentences) * 3,
        )
    )
    vectors = Vectors.from_array(np.array(values, dtype=np.float32).reshape(len(sentences), 3))
    optional = st.none() | span
    return Annotation(
        article=article,
        sentences=sentences,
        entities=tuple(draw(st.lists(st.builds(Entity, span, TEXT), max_size=4))),
        vectors=vectors,
        quotes=tuple(
            draw(
                st.lists(
                    st.builds(Quote, span, TEXT, st.none() | TEXT, optional, optional, optional),
                    max_size=3,
                )
            )
        ),
        roles=tuple(draw(st.lists(st.builds(Role, span, span), max_size=2))),
        interactions=tuple(
            draw(st.lists(st.builds(Interaction, span, TEXT, span, TEXT, span), max_size=2))
        ),
        times=tuple(draw(st.lists(st.builds(TimeExpr, span, TEXT, TEXT, TEXT), max_size=3))),
    )


@st.composite
def briefs(draw: st.DrawFn) -> Brief:
    article = draw(articles())
    span = spans_of(article)
    spans = st.lists(span, max_size=3).map(tuple)
    return Brief(
        title=draw(TEXT),
        articles=(article,),
        summary=tuple(draw(st.lists(st.builds(SummarySentence, TEXT, spans), max_size=3))),
        quotes=tuple(
            draw(
                st.lists(
                    st.builds(
                        CitedQuote,
                        TEXT,
                        TEXT,
                        st.none() | TEXT,
                        st.none() | TEXT,
                        st.none() | TEXT,
                        spans,
                    ),
                    max_size=2,
                )
            )
        ),
        actors=tuple(
            draw(
                st.lists(
                    st.builds(Actor, TEXT, TEXT, TEXT, WORDS, WORDS, st.integers(0, 99), spans),
                    max_size=2,
                )
            )
        ),
        relations=tuple(
            draw(
                st.lists(st.builds(Relation, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, spans), max_size=2)
            )
        ),
        timeline=tuple(
            draw(st.lists(st.builds(Event, TEXT, TEXT, TEXT, spans, spans), max_size=2))
        ),
        claims=tuple(
            draw(
                st.lists(
                    st.builds(
                        Claim,
                        TEXT,
                        TEXT,
                        spans,
                        st.lists(
                            st.builds(ClaimConflict, TEXT, TEXT, TEXT, st.tuples(span, span)),
                            max_size=2,
                        ).map(tuple),
                    ),
                    max_size=2,
                )
            )
        ),
    )


@settings(max_examples=150, deadline=None)
@given(annotations())
def test_annotation_round_trips_through_json(annotation: Annotation) -> None:
    again = Annotation.from_dict(through_json(annotation.to_dict()))
    assert again == annotation
    assert again.vectors.data == annotation.vectors.data  # every bit of every float
    assert pickle.loads(pickle.dumps(annotation)) == annotation


@settings(max_examples=100, deadline=None)
@given(briefs())
def test_brief_round_trips_through_json(brief: Brief) -> None:
    data = through_json(brief.to_dict())
    assert Brief.from_dict(data) == brief
    # Derived counts are written for readers, and ignored when read back.
    assert data["undated_articles"] == list(brief.undated_articles)
    assert [s["support"] for s in data["summary"]] == [len(s.articles) for s in brief.summary]


@pytest.mark.slow
def test_example_annotations_round_trip(example_annotations: list[Annotation]) -> None:
    for annotation in example_annotations:
        data = through_json(annotation.to_dict())
        assert Annotation.from_dict(data) == annotation
        assert np.array_equal(Annotation.from_dict(data).embeddings, annotation.embeddings)
    quotes = [q for a in example_annotations for q in a.quotes if q.speaker_ref is not None]
    assert quotes, "the example has quotes whose speaker was resolved to a named mention"


@pytest.mark.slow
def test_one_span_encoding_everywhere(example_annotations: list[Annotation]) -> None:
    data = example_annotations[0].to_dict()
    span_keys = {"article", "start", "end", "text"}
    assert set(data["sentences"][0]["span"]) == span_keys
    assert set(data["entities"][0]["span"]) == span_keys
    quote = next(q for q in data["quotes"] if q["speaker_ref"] is not None)
    assert set(quote["span"]) == set(quote["speaker_span"]) == set(quote["speaker_ref"])
    assert set(quote["speaker_ref"]) == span_keys


def test_embeddings_keep_full_float32_precision() -> None:
    values = np.array([[0.1, 1 / 3, -2.5e-8], [np.pi, 1e30, -0.0]], dtype=np.float32)
    vectors = Vectors.from_array(values)
    again = Vectors.from_dict(through_json(vectors.to_dict()))
    assert again.to_array().tobytes() == values.tobytes()


ARTICLE = Article(id="a1", text="Kabul fell on Sunday.")


def annotation_dict() -> dict[str, Any]:
    sentence = Sentence(ARTICLE.span(0, 21), ("kabul", "fall", "sunday"), 0)
    vectors = Vectors.from_array(np.zeros((1, 2), dtype=np.float32))
    return through_json(Annotation(ARTICLE, (sentence,), (), vectors).to_dict())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("sentences"), r"sentences: missing"),
        (lambda d: d.update(extra=1), r"unknown field\(s\) extra"),
        (
            lambda d: d["sentences"][0]["span"].update(start="0"),
            r"sentences\[0\]\.span\.start: "
            r"expected an integer",
        ),
        (lambda d: d["sentences"][0]["span"].update(start=True), r"expected an integer"),
        (lambda d: d["sentences"][0]["span"].update(end=5), r"does not resolve"),
        (lambda d: d["sentences"][0]["span"].update(article="b2"), r"of article 'b2', not"),
        (lambda d: d["vectors"].update(data="not base64!"), r"expected base64 data"),
        (lambda d: d["vectors"].update(rows=2), r"bytes of vectors for 2 x 2"),
        (lambda d: d["sentences"].append(d["sentences"][0]), r"1 embedding rows for 2 sentences"),
        (lambda d: d.update(article=[]), r"article: expected an object"),
    ],
)
def test_malformed_forms_are_refused_naming_the_field(change: Any, message: str) -> None:
    data = annotation_dict()
    assert Annotation.from_dict(data).article == ARTICLE
    change(data)
    with pytest.raises(SchemaError, match=message):
        Annotation.from_dict(data, "line 2")


@pytest.mark.eval
@pytest.mark.slow
def test_round_trip_on_100_real_articles(eval_dir: Path) -> None:
    """50 DUC 2004 and 50 Multi-News articles: annotation lines read back exactly."""
    from benchmarks.scoring.summaries import load_duc2004, load_multinews
    from newsweave import read_records
    from newsweave.corpus.files import annotation_line

    from .conftest import annotate

    records = [
        {"id": f"{cluster.id}-{number}", "text": text}
        for clusters in (load_duc2004(eval_dir)[:6], load_multinews(eval_dir)[:30])
        for cluster in clusters
        for number, text in enumerate(cluster.documents)
    ]
    articles = read_records(records, on_problem=lambda _problem: None)
    duc = [a for a in articles if a.id.startswith("d3")][:50]
    news = [a for a in articles if not a.id.startswith("d3")][:50]
    assert len(duc) == len(news) == 50
    for annotation in annotate(duc + news):
        line = annotation_line(annotation)
        again = Annotation.from_dict(json.loads(line))
        assert again == annotation and annotation_line(again) == line
        assert pickle.loads(pickle.dumps(annotation)) == annotation
