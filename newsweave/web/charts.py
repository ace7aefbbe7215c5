"""The web pages' charts as plain shapes: a story's timeline, its actor graph, a sparkline.

Drawn on the server as SVG (templates/charts.html turns these shapes into elements), so the pages
work offline, need no script, and pass a strict Content-Security-Policy: colours and sizes come
from classes in the stylesheet and SVG presentation attributes, never inline styles. Written by
hand: the charts are a few dozen marks each, and a charting library would mean a script (or a
CDN) in the page for what a few lines of arithmetic place.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from newsweave.models import Brief, Event, Span

# Timeline geometry, in SVG user units (the SVG scales to the page's width).
TIMELINE_WIDTH = 720
_AXIS_LEFT, _AXIS_RIGHT = 16, 704
_ROW = 22
_TOP = 34
# Actor graph geometry and the most actors it draws.
GRAPH_SIZE = 520
GRAPH_ACTORS = 14
# Sparkline: at most this many bars (days, or longer bins for long stories).
SPARK_BARS = 30

Link = Callable[[Span], str]


@dataclass(frozen=True)
class Tick:
    """An axis label."""

    x: float
    label: str


@dataclass(frozen=True)
class TimelineMark:
    """One dated event: a dot for a day, a bar as wide as the week, month or year it names."""

    x: float
    width: float
    y: float
    label_x: float
    label_anchor: str  # "start" (label right of the mark) or "end" (left of it, near the edge)
    precision: str
    date: str
    text: str
    href: str


@dataclass(frozen=True)
class Timeline:
    """The timeline chart: marks on a time axis."""

    width: int
    height: int
    ticks: tuple[Tick, ...]
    marks: tuple[TimelineMark, ...]


def _months(year: int, first_month: int, months: int) -> tuple[date, date]:
    first = date(year, first_month, 1)
    following = date(
        year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1
    )
    return first, following - timedelta(days=1)


# The months a TIMEX3 season starts in, and quarters and halves (winter runs into the next year).
_SEASONS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def period(event: Event) -> tuple[date, date] | None:
    """The days an event's date covers, or None (see `_period`); none past the year 9998."""
    covered = _period(event)
    if covered is None or covered[1].year > 9998:
        return None  # the axis ends a day after the last date, which date cannot hold
    return covered


def _period(event: Event) -> tuple[date, date] | None:
    """The first and last day an event's TIMEX3 date covers, or None when it names no period.

    "2021-08-16" is one day; "2021-08" the whole month; "2021-W33" a week; "2021-Q3", "2021-H2"
    and "2021-SU" their months; "2021" the year; "1996/2001" those years; "199" the 1990s.
    """
    value = event.date
    try:
        year = int(value[:4]) if len(value) >= 4 and value[:4].isdigit() else None
        if event.precision in ("day", "time"):
            day = date.fromisoformat(value[:10])
            return day, day
        if year is None:
            if event.precision == "decade" and value[:3].isdigit():
                return date(int(value[:3]) * 10, 1, 1), date(int(value[:3]) * 10 + 9, 12, 31)
            if event.precision == "century" and value[:2].isdigit():
                return date(int(value[:2]) * 100, 1, 1), date(int(value[:2]) * 100 + 99, 12, 31)
            return None
        rest = value[5:]
        if event.precision == "week" and rest.startswith("W"):
            monday = date.fromisocalendar(year, int(rest[1:3]), 1)
            return monday, monday + timedelta(days=6)
        if event.precision == "month":
            return _months(year, int(rest[:2]), 1)
        if event.precision == "quarter" and rest.startswith("Q"):
            return _months(year, 3 * int(rest[1]) - 2, 3)
        if event.precision == "half" and rest.startswith("H"):
            return _months(year, 6 * int(rest[1]) - 5, 6)
        if event.precision == "season" and rest[:2] in _SEASONS:
            return _months(year, _SEASONS[rest[:2]], 3)
        if event.precision == "years" and "/" in value:
            last = int(value.split("/")[1][:4])
            return date(year, 1, 1), date(last, 12, 31)
        if event.precision == "year":
            return date(year, 1, 1), date(year, 12, 31)
    except (ValueError, IndexError, OverflowError):
        return None
    return None


def timeline_chart(brief: Brief, link: Link) -> Timeline | None:
    """The brief's dated events on one time axis, or None when none has a usable date.

    Args:
        brief: The brief.
        link: The address of a cited sentence (the event's first source).
    """
    dated = [(event, covered) for event in brief.timeline if (covered := period(event))]
    if not dated:
        return None
    start = min(first for _, (first, _last) in dated)
    end = max(last for _, (_first, last) in dated) + timedelta(days=1)
    days = max((end - start).days, 1)
    scale = (_AXIS_RIGHT - _AXIS_LEFT) / days

    def x_of(day: date) -> float:
        return round(_AXIS_LEFT + (day - start).days * scale, 1)

    marks = []
    for row, (event, (first, last)) in enumerate(dated):
        left = x_of(first)
        width = max(round((last - first).days * scale + scale, 1), 4.0)
        if first == last:
            width = 0.0  # a day (or a time of day) is a point, drawn as a dot
            left = round(left + scale / 2, 1)
        href = link(event.sources[0]) if event.sources else ""
        # A label runs right of its mark, or left of it when the mark is in the right half.
        right_half = left + width / 2 > TIMELINE_WIDTH / 2
        label_x, anchor = (left - 9, "end") if right_half else (left + width + 9, "start")
        y = _TOP + row * _ROW
        marks.append(
            TimelineMark(
                left, width, y, label_x, anchor, event.precision, event.date, event.text, href
            )
        )
    ticks = tuple(Tick(x_of(day), label) for day, label in _ticks(start, end))
    return Timeline(TIMELINE_WIDTH, _TOP + len(marks) * _ROW + 8, ticks, tuple(marks))


def _ticks(start: date, end: date) -> list[tuple[date, str]]:
    """Axis labels: days for a short span, months for a longer one, years beyond that."""
    span = (end - start).days
    if span <= 14:
        return [
            (start + timedelta(days=n), (start + timedelta(days=n)).isoformat()[5:])
            for n in range(0, span + 1, max(1, span // 6 or 1))
        ]
    if span <= 3 * 366:
        months = []
        day = start.replace(day=1)
        while day <= end:
            if day >= start:
                months.append((day, day.isoformat()[:7]))
            day = (day + timedelta(days=32)).replace(day=1)
        step = max(1, math.ceil(len(months) / 8))
        return months[::step]
    first_year = start.year if start == date(start.year, 1, 1) else start.year + 1
    years = [(date(y, 1, 1), str(y)) for y in range(first_year, end.year + 1)]
    step = max(1, math.ceil(len(years) / 8))
    return years[::step]


@dataclass(frozen=True)
class Node:
    """An actor in the graph."""

    id: str
    x: float
    y: float
    name: str
    kind: str


@dataclass(frozen=True)
class Edge:
    """A relation between two actors, linked to the sentence it was read from."""

    x1: float
    y1: float
    x2: float
    y2: float
    type: str
    label: str
    href: str


@dataclass(frozen=True)
class Graph:
    """The actor graph: nodes on a circle, relations as typed edges."""

    size: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def actor_graph(brief: Brief, link: Link) -> Graph | None:
    """The actors that take part in relations (the most mentioned first), or None if none do.

    Nodes sit on a circle in order of mentions, so the same brief always draws the same graph
    and no edge hides behind a node.

    Args:
        brief: The brief.
        link: The address of a relation's cited sentence.
    """
    involved = Counter(r.subject_id for r in brief.relations)
    involved.update(r.object_id for r in brief.relations)
    actors = [a for a in brief.actors if a.id in involved][:GRAPH_ACTORS]
    if not actors:
        return None
    center = GRAPH_SIZE / 2
    radius = center - 70 if len(actors) > 1 else 0
    nodes = {}
    for n, actor in enumerate(actors):
        angle = 2 * math.pi * n / len(actors) - math.pi / 2
        nodes[actor.id] = Node(
            actor.id,
            round(center + radius * math.cos(angle), 1),
            round(center + radius * math.sin(angle), 1),
            actor.name,
            actor.kind,
        )
    edges = []
    for relation in brief.relations:
        a, b = nodes.get(relation.subject_id), nodes.get(relation.object_id)
        if a is None or b is None or a is b:
            continue
        label = f"{relation.subject} {relation.predicate} {relation.object}"
        href = link(relation.sources[0]) if relation.sources else ""
        edges.append(Edge(a.x, a.y, b.x, b.y, relation.type, label, href))
    return Graph(GRAPH_SIZE, tuple(nodes.values()), tuple(edges))


@dataclass(frozen=True)
class Sparkline:
    """Articles per day (or per bin of days) over a story's life, as bar heights 0..1."""

    bars: tuple[float, ...]
    label: str


def sparkline(days: Sequence[str | None]) -> Sparkline | None:
    """A story's activity from its articles' publication days; None within a single day."""
    dated = []
    for day in days:
        try:
            dated.append(date.fromisoformat((day or "")[:10]))
        except ValueError:
            continue
    if len(set(dated)) < 2:
        return None  # one day has no shape worth drawing
    first, last = min(dated), max(dated)
    span = (last - first).days + 1
    width = math.ceil(span / SPARK_BARS)
    counts = Counter((day - first).days // width for day in dated)
    bins = math.ceil(span / width)
    peak = max(counts.values())
    unit = "day" if width == 1 else f"{width} days"
    label = f"{len(dated)} dated articles over {span} days, per {unit}"
    return Sparkline(tuple(counts.get(n, 0) / peak for n in range(bins)), label)
