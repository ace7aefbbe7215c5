"""The story's timeline: dated events from every article, merged across articles, in date order.

An event is the sentence a calendar date anchors ("Russia put the Taliban on its terrorist list
back in 2003"), dated by the time expression's TIMEX3 value (timex.py). Only calendar values
are placed: durations, sets, "now"/"recently", and relative dates of an article without a
publication date ("XXXX-WXX-1") are not, and the brief lists such articles instead of guessing.
A sentence with two dates ("put on the list in 2003 ... talks since 2018") is an event at each.
Two articles report the same event when they give the same date in sentences the story's
alignment (alignment.py) holds as one statement; the event then cites both, as the claim does.
Events are ordered by the start of their date, a coarser date before the finer ones it contains
(the year 2021 before July 2021).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from newsweave.models import Annotation, Event, Span
from newsweave.story.alignment import Alignment
from newsweave.story.index import StoryIndex

_PRECISIONS = [
    (re.compile(r"\d{4}/\d{4}"), "years"),
    (re.compile(r"\d{4}-\d\d-\d\dT"), "time"),
    (re.compile(r"\d{4}-\d\d-\d\d"), "day"),
    (re.compile(r"\d{4}-W\d\d(?:-WE)?"), "week"),
    (re.compile(r"\d{4}-\d\d"), "month"),
    (re.compile(r"\d{4}-Q\d"), "quarter"),
    (re.compile(r"\d{4}-H\d"), "half"),
    (re.compile(r"\d{4}-(?:SP|SU|FA|WI)"), "season"),
    (re.compile(r"\d{4}"), "year"),
    (re.compile(r"\d{3}"), "decade"),
    (re.compile(r"\d{2}"), "century"),
]
# Coarser first among events that start on the same day.
_RANK = {
    name: rank
    for rank, name in enumerate(
        [
            "century",
            "decade",
            "years",
            "year",
            "half",
            "season",
            "quarter",
            "month",
            "week",
            "day",
            "time",
        ]
    )
}
_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def precision_of(value: str) -> str | None:
    """How fine a TIMEX3 calendar value is ("2021-07" -> "month"), or None for other values."""
    for pattern, name in _PRECISIONS:
        if pattern.fullmatch(value):
            return name
    return None


def start_of(value: str) -> date:
    """The first day a calendar value covers ("2021-W33" -> 2021-08-16, "199" -> 1990-01-01)."""
    precision = precision_of(value)
    if precision in ("century", "decade"):
        return date(int(value.ljust(4, "0")), 1, 1)
    year = int(value[:4])
    rest = value[5:]
    if precision in ("day", "time"):
        return date.fromisoformat(value[:10])
    if precision == "week":
        return date.fromisocalendar(year, int(rest[1:3]), 1)
    if precision == "month":
        return date(year, int(rest), 1)
    if precision == "quarter":
        return date(year, 3 * int(rest[1]) - 2, 1)
    if precision == "half":
        return date(year, 6 * int(rest[1]) - 5, 1)
    if precision == "season":
        return date(year, _SEASON_MONTH[rest], 1)
    return date(year, 1, 1)


@dataclass(frozen=True)
class _Dated:
    """One sentence with one calendar value: an event as one article reports it."""

    value: str
    sentence: Span
    when: Span
    article: int
    row: int


def build_timeline(index: StoryIndex, alignment: Alignment) -> tuple[Event, ...]:
    """The dated events of a story, merged across articles and ordered by date.

    Args:
        index: The story's sentence index (its annotations carry the `times`).
        alignment: The story's alignment: sentences of two articles with the same date are one
            event when it aligns them.

    Returns:
        Events, earliest first; each cites every sentence that reports it.
    """
    dated = _dated_sentences(index.annotations)
    groups: list[list[_Dated]] = []
    for item in dated:
        for group in groups:
            if _same_event(index, alignment, group, item):
                group.append(item)
                break
        else:
            groups.append([item])
    events = []
    for group in groups:
        value = group[0].value
        precision = precision_of(value) or "year"
        sources = tuple(dict.fromkeys(item.sentence for item in group))
        when = tuple(dict.fromkeys(item.when for item in group))
        events.append(Event(value, precision, sources[0].text, sources, when))
    events.sort(key=lambda e: (start_of(e.date), _RANK[e.precision], e.sources[0].article))
    return tuple(events)


def _dated_sentences(annotations: Sequence[Annotation]) -> list[_Dated]:
    """Every (calendar value, sentence) pair of the story, in article and text order."""
    found = []
    for number, annotation in enumerate(annotations):
        sentences = annotation.sentences
        for time in annotation.times:
            if time.type not in ("DATE", "TIME") or time.anchor == "none":
                continue
            if precision_of(time.value) is None or not _plausible(time.value):
                continue
            for row, sentence in enumerate(sentences):
                if sentence.span.start <= time.span.start < sentence.span.end:
                    found.append(_Dated(time.value, sentence.span, time.span, number, row))
                    break
    return found


def _plausible(value: str) -> bool:
    """Whether a value names a real calendar period (no week 60, no month 13)."""
    try:
        start_of(value)
    except ValueError:
        return False
    return True


def _same_event(index: StoryIndex, alignment: Alignment, group: list[_Dated], item: _Dated) -> bool:
    """Whether a dated sentence reports the event of a group.

    It must give the same date, and be the very sentence of a member or a sentence of another
    article aligned with one.
    """
    if group[0].value != item.value:
        return False
    sentence = index.article_sentences[item.article][item.row]
    for member in group:
        if member.sentence == item.sentence:
            return True
        if member.article == item.article:
            continue
        if index.article_sentences[member.article][member.row] in alignment.partners(sentence):
            return True
    return False
