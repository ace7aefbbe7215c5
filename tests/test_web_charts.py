"""The web pages' charts and marked text, from hand-made briefs and annotations."""

from __future__ import annotations

from datetime import date

import numpy as np

from newsweave.models import (
    Actor,
    Annotation,
    Article,
    Brief,
    Entity,
    Event,
    Quote,
    Relation,
    Sentence,
    Span,
    TimeExpr,
    Vectors,
)
from newsweave.web.charts import actor_graph, period, sparkline, timeline_chart
from newsweave.web.pages import article_paragraphs, span_link

TEXT = "Kabul fell on Sunday. Russia said “we stay” in 2021.\n\nThe envoy met them."
ARTICLE = Article("a1", TEXT, title="Kabul", outlet="The Week")


def _span(start: int, end: int) -> Span:
    return ARTICLE.span(start, end)


def _words(words: str) -> Span:
    start = TEXT.index(words)
    return ARTICLE.span(start, start + len(words))


def _event(value: str, precision: str) -> Event:
    return Event(value, precision, f"event {value}", (_span(0, 21),), (_span(13, 19),))


def _brief(events: tuple[Event, ...] = (), relations: tuple[Relation, ...] = ()) -> Brief:
    actors = (
        Actor("russia", "Russia", "GPE", (), (), 2, (_span(22, 28),)),
        Actor("taliban", "Taliban", "ORG", (), (), 1, (_span(0, 5),)),
        Actor("nobody", "Nobody", "PERSON", (), (), 1, (_span(0, 5),)),
    )
    return Brief("Kabul", (ARTICLE,), (), actors=actors, relations=relations, timeline=events)


def test_dates_cover_the_period_their_precision_names() -> None:
    assert period(_event("2021-08-15", "day")) == (date(2021, 8, 15), date(2021, 8, 15))
    assert period(_event("2021-08-15T14:00", "time")) == (date(2021, 8, 15),) * 2
    assert period(_event("2021-02", "month")) == (date(2021, 2, 1), date(2021, 2, 28))
    assert period(_event("2021-W33", "week")) == (date(2021, 8, 16), date(2021, 8, 22))
    assert period(_event("2021-Q4", "quarter")) == (date(2021, 10, 1), date(2021, 12, 31))
    assert period(_event("2021-WI", "season")) == (date(2021, 12, 1), date(2022, 2, 28))
    assert period(_event("1996/2001", "years")) == (date(1996, 1, 1), date(2001, 12, 31))
    assert period(_event("199", "decade")) == (date(1990, 1, 1), date(1999, 12, 31))
    assert period(_event("PRESENT_REF", "day")) is None
    assert period(_event("2021-13", "month")) is None


def test_a_day_is_a_dot_and_a_month_or_year_a_bar_as_wide_as_it() -> None:
    events = (
        _event("2021-01-10", "day"),
        _event("2021-03", "month"),
        _event("2021", "year"),
        _event("FUTURE_REF", "day"),
    )
    chart = timeline_chart(_brief(events), span_link)
    assert chart is not None
    day, month, year = chart.marks  # the undated one is not placed
    assert day.width == 0 and 0 < month.width < year.width
    assert year.x <= day.x < month.x < year.x + year.width
    assert month.width * 11 < year.width < month.width * 13
    assert day.href == "/articles/a1?start=0&end=21#cited"
    labels = [t.label for t in chart.ticks]
    assert labels[0] == "2021-01" and labels == sorted(labels) and len(labels) <= 8
    # Labels near the right edge run leftwards, so none leaves the chart.
    assert all(m.label_anchor == "end" for m in chart.marks if m.x > chart.width / 2)
    assert timeline_chart(_brief((_event("PAST_REF", "day"),)), span_link) is None


def test_the_graph_draws_the_actors_in_relations_with_typed_linked_edges() -> None:
    relations = (
        Relation(
            "Russia", "russia", "meets", "Taliban", "taliban", "cooperation", (_span(22, 52),)
        ),
        Relation("Russia", "russia", "talks to", "Ghost", "ghost", "statement", (_span(22, 52),)),
    )
    graph = actor_graph(_brief(relations=relations), span_link)
    assert graph is not None
    assert [n.name for n in graph.nodes] == ["Russia", "Taliban"]  # "Nobody" relates to no one
    (edge,) = graph.edges  # the relation to an actor not drawn is left out
    assert edge.type == "cooperation" and edge.label == "Russia meets Taliban"
    assert edge.href == "/articles/a1?start=22&end=52#cited"
    assert actor_graph(_brief(), span_link) is None


def test_the_sparkline_counts_articles_per_day() -> None:
    line = sparkline(["2021-08-15", "2021-08-15", "2021-08-17", None, "not a date"])
    assert line is not None
    assert line.bars == (1.0, 0.0, 0.5)
    assert sparkline(["2021-08-15", None]) is None
    assert sparkline(["2021-08-15", "2021-08-15"]) is None
    long = sparkline(["2021-01-01", "2021-12-31"])
    assert long is not None and len(long.bars) <= 30


def test_marks_that_overlap_cut_the_text_into_runs_that_rebuild_it() -> None:
    annotation = Annotation(
        ARTICLE,
        (Sentence(_span(0, 21), ("kabul",), 0),),
        (
            Entity(_words("Kabul"), "GPE"),
            Entity(_words("Russia"), "GPE"),
            Entity(_words("Sunday"), "DATE"),
        ),
        Vectors.from_array(np.zeros((1, 4), np.float32)),
        quotes=(Quote(_words("we stay"), "direct"),),
        times=(TimeExpr(_words("Sunday"), "DATE", "2021-08-15", "publication"),),
    )
    paragraphs = article_paragraphs(annotation, (22, 52))
    assert ["".join(s.text for s in p) for p in paragraphs] == [TEXT[:52], TEXT[54:]]
    runs = {s.text: s for s in paragraphs[0]}
    assert runs["Kabul"].entity == "GPE" and runs["Sunday"].time == "2021-08-15"
    assert runs["Sunday"].entity is None  # dates are marked as times, not as names
    assert runs["Russia"].entity == "GPE" and runs["Russia"].cited
    assert runs["we stay"].quote and runs["we stay"].cited
    assert "".join(s.text for s in paragraphs[0] if s.cited) == TEXT[22:52]


def test_dates_the_axis_cannot_hold_are_left_off() -> None:
    assert period(_event("9999", "year")) is None
    assert period(_event("999", "decade")) is None
    assert timeline_chart(_brief((_event("9999-12-31", "day"),)), span_link) is None
