"""Time expressions of an article: found on the parse, valued TIMEX3-style (timevalue.py).

Candidates are spaCy's DATE and TIME entities, which the parse already made, plus the words its
NER leaves out but TimeML counts as time expressions ("now", "recently", "the future",
"daily"). A candidate is kept only when timevalue.py can give it a value, which drops ages
("52-year-old"), bare numbers and impossible dates. Capitalised names that look like dates
("The Week", "Today's Big Question") are not dates. The verb a phrase modifies gives the
direction of relative days: "told the radio Monday" is the past Monday, "is scheduled to meet
on Tuesday" the coming one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from newsweave.analyze.speech import ParsedParagraph
from newsweave.analyze.timeunits import FUTURE, PAST, UNKNOWN, Context
from newsweave.analyze.timevalue import normalise
from newsweave.models import Article, TimeExpr

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_TIME_LABELS = frozenset({"DATE", "TIME"})
# Time words spaCy's NER (OntoNotes) does not tag but TimeML does.
_EXTRA = re.compile(
    r"\b(?:right now|now|currently|current|recently|recent (?:years|months|weeks|days)|"
    r"(?:in )?the (?:near |distant )?(?:past|future)|the (?:near|short|long) term|"
    r"nowadays|these days|daily|every day|each day)\b",
    re.IGNORECASE,
)
# Phrases that refer back to an earlier time ("a year earlier"): they never become the reference.
_BACK = re.compile(r"\b(?:ago|earlier|before|year-earlier|year-ago)\b", re.IGNORECASE)
# Month names spaCy's NER leaves alone when they stand without a day ("in January", "last May").
_MONTH_NAMES = re.compile(
    r"\b(?:(?:early|late|mid|last|this|next|in|since|until|by|through|from)[- ])?"
    r"(?:January|February|March|April|June|July|August|September|October|November|December)\b"
    r"|\b(?:early|late|mid|last|this|next|in|since|until|by|through|from)[- ]May\b"
    r"|\bthe (?:latest|current|previous|year-earlier|year-ago|same) (?:quarter|period)\b"
)
# Frequencies that, before a noun, describe a thing, not a time ("a quarterly dividend").
_FREQUENCY_ADJECTIVES = frozenset({"quarterly", "annual", "annually", "yearly", "monthly"})
# Words that lead into a span of years and belong to it ("from 1996 to 2001").
_RANGE_OPENERS = frozenset({"from", "between"})
# Calendar words that, capitalised inside a sentence, are part of a name ("The Week").
_CALENDAR_NOUNS = frozenset({"day", "week", "month", "year", "today", "quarter", "century"})
_FUTURE_AUXILIARIES = frozenset({"will", "'ll", "shall", "wo"})
_PLANNING_VERBS = frozenset(
    {
        "schedule",
        "plan",
        "expect",
        "set",
        "due",
        "go",
        "intend",
        "prepare",
        "aim",
        "hope",
        "want",
        "slate",
        "poise",
        "likely",
        "expected",
        "scheduled",
    }
)
# "has scheduled a news conference Thursday": the Thursday to come, whatever the tense.
_SCHEDULING_VERBS = frozenset({"schedule", "slate", "reschedule"})
# Words before a date that point forward from the writing: "effective Feb. 1", "payable Jan. 2".
_FORWARD_WORDS = frozenset({"effective", "payable", "due", "starting", "beginning"})
_HAVE = frozenset({"have", "has", "had", "'ve", "'d"})


def publication_day(published: str | None) -> date | None:
    """The calendar date of an ISO 8601 publication date ("2021-08-21T18:52:00-04:00").

    The date is the one written, in the publisher's own time zone, which is the day "today"
    meant to the writer. None when there is no date or it is not ISO 8601.
    """
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def find_times(article: Article, paragraphs: Sequence[ParsedParagraph]) -> tuple[TimeExpr, ...]:
    """The time expressions of an article, in text order, valued against its publication date.

    Args:
        article: The article (its `published` anchors relative expressions).
        paragraphs: Its parsed paragraphs (offset, Doc), as annotate.py makes them.
    """
    published = publication_day(article.published)
    times: list[TimeExpr] = []
    previous: str | None = None
    for offset, doc in paragraphs:
        for start, end in _candidates(doc):
            phrase = doc.text[start:end]
            context = Context(published, _direction(doc, start, end), previous)
            found = normalise(phrase, context)
            if found is None:
                continue
            if found.relative:
                anchor = "published" if published is not None else "none"
            else:
                anchor = "text"
            times.append(
                TimeExpr(
                    article.span(offset + start, offset + end), found.type, found.value, anchor
                )
            )
            if (
                found.type == "DATE"
                and re.match(r"\d{4}", found.value)
                and not _BACK.search(phrase)
            ):
                previous = found.value
    return tuple(times)


def _candidates(doc: Doc) -> Iterator[tuple[int, int]]:
    """Character spans of candidate expressions in one paragraph, in order, not overlapping."""
    spans = [
        (ent.start_char, ent.end_char)
        for ent in doc.ents
        if ent.label_ in _TIME_LABELS
        and not _is_name(doc, ent.start, ent.end)
        and not _is_frequency_adjective(doc, ent.start, ent.end)
    ]
    for pattern in (_EXTRA, _MONTH_NAMES):
        spans.extend(
            (match.start(), match.end())
            for match in pattern.finditer(doc.text)
            if not any(start < match.end() and match.start() < end for start, end in spans)
        )
    for start, end in sorted(spans):
        yield _with_opener(doc, start, end), end


def _is_name(doc: Doc, first: int, last: int) -> bool:
    """Whether a DATE entity is a name or heading ("The Week", "Today's Big Question")."""
    for token in doc[first:last]:
        if token.lower_ in _CALENDAR_NOUNS and token.text[0].isupper() and not token.is_sent_start:
            return True
    after = doc[last : last + 2]
    # "Today's Big Question": a possessive day word leading a capitalised phrase.
    return (
        doc[first].lower_ == "today"
        and len(after) == 2
        and after[0].lower_ == "'s"
        and after[1].text[:1].isupper()
    )


def _is_frequency_adjective(doc: Doc, first: int, last: int) -> bool:
    """Whether an entity is "quarterly" or "annual" describing a noun ("quarterly dividend")."""
    return (
        last - first == 1
        and doc[first].lower_ in _FREQUENCY_ADJECTIVES
        and (doc[first].dep_ == "amod")
    )


def _with_opener(doc: Doc, start: int, end: int) -> int:
    """Start the span at "from" or "between" when it is a range of years ("from 1996 to 2001")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or span.start == 0:
        return start
    before = doc[span.start - 1]
    if before.lower_ in _RANGE_OPENERS and re.search(r"\d{4}\D+\d{4}", span.text):
        return before.idx
    return start


def _direction(doc: Doc, start: int, end: int) -> int:
    """PAST, FUTURE or UNKNOWN: the tense of the verb the expression modifies."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return UNKNOWN
    if span.start > 0 and doc[span.start - 1].lower_ in _FORWARD_WORDS:
        return FUTURE
    head: Token = span.root
    for _ in range(6):
        if head.pos_ in ("VERB", "AUX") or head.head.i == head.i:
            break
        head = head.head
    if head.pos_ not in ("VERB", "AUX"):
        head = span.sent.root
    return _tense(head)


def _tense(verb: Token, depth: int = 0) -> int:
    """The direction in time of a verb from its form and auxiliaries."""
    auxiliaries = [child for child in verb.children if child.dep_ in ("aux", "auxpass")]
    words = {child.lower_ for child in auxiliaries}
    if words & _FUTURE_AUXILIARIES or verb.lemma_.lower() in _SCHEDULING_VERBS:
        return FUTURE
    if words & _HAVE and verb.tag_ == "VBN":
        return PAST
    if "to" in words and verb.tag_ == "VB":
        governor = verb.head
        if governor.i == verb.i or depth > 3:
            return UNKNOWN
        if governor.lemma_.lower() in _PLANNING_VERBS:
            return FUTURE
        return _tense(governor, depth + 1)
    tenses = {child.tag_ for child in auxiliaries}
    if verb.tag_ == "VBD" or words & _HAVE or "VBD" in tenses:
        return PAST
    if "MD" in tenses:
        return FUTURE
    if verb.tag_ in ("VBN", "VBG") and tenses & {"VBZ", "VBP"}:
        # "is meeting Tuesday", "is expected Friday": the present of a planned event.
        return FUTURE
    if verb.tag_ == "VBN":
        return PAST
    return UNKNOWN
