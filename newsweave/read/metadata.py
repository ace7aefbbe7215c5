"""Article metadata from plain text: headline, publication date, byline, and the outlet's name.

Text pasted from a page starts with a header: a headline, perhaps a standfirst, a byline and a
"Published: ..." line. These become metadata, not text. Dates are parsed with dateparser but only
accepted when they are explicit (a year, a month and a day) and unambiguous: a publication date is
never guessed, because every relative date in the article would inherit the guess.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from newsweave.errors import UsageError
from newsweave.models import Article, RemovedLine
from newsweave.read.boilerplate import Paragraph, is_byline, looks_like_story_text, word_count

# How far into the text a headline, byline or bare date line is still part of the header.
_HEADER_PARAGRAPHS = 6

_DATE_LABEL = re.compile(
    r"^(?P<label>(?:first |originally )?published|posted|updated|last (?:updated|modified)|"
    r"date(?:line)?)(?:\s+on)?\s*[:\-–—]?\s*(?P<date>.*\d.*)$",
    re.IGNORECASE,
)
# Labels of the publication date; "Updated ..." is kept as metadata but is not when it appeared.
_PUBLISHED_LABELS = ("published", "posted", "date", "first published", "originally published")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)")
_MONTH_NAME = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?=[\s,\d]|$)",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")
_ISO_DATE = re.compile(r"\b(?:1[89]|20)\d{2}-\d{2}-\d{2}\b")
_TIME = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b\.?|\b\d{1,2}:\d{2}(?::\d{2})?\b", re.IGNORECASE
)
# US zone names that dateparser does not know; a time in them has an unknown UTC offset.
_UNKNOWN_ZONES = re.compile(r"\b(?:ET|CT|MT|PT)\b")
# The commonest header date, "August 21, 2021 6:52 PM EDT", read without dateparser: its first
# call builds a regex per time zone of the world (0.1 s of a cold two-article brief). Anything
# else, and every zone not in this table, still goes to dateparser (the same answers: tested).
_PLAIN_DATE = re.compile(
    r"(?P<month>[A-Z][a-z]+)\.? (?P<day>\d{1,2}), (?P<year>\d{4})"
    r"(?: (?:at )?(?P<hour>\d{1,2}):(?P<minute>\d{2}) ?(?P<half>[AP]M)(?: (?P<zone>[A-Z]{3}))?)?"
)
_ZONE_HOURS = {"UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7}
_ZONE_HOURS |= {"MDT": -6, "PST": -8, "PDT": -7}
_MONTHS: tuple[str, ...] = ("january", "february", "march", "april", "may", "june", "july")
_MONTHS += ("august", "september", "october", "november", "december")
# "By Jane Roe and John Doe, The Planet": the names end at the first comma, bar or dash.
_AFFILIATION = re.compile(r"\s*[,|–—]\s*|\s+-\s+")
# A name: capitalised words, dots only inside abbreviations ("U.S."), so "NPR. All" stops at NPR.
_NAME_WORD = r"[A-Z][\w&'’-]*(?:\.[A-Z][\w&'’-]*)*"
_OUTLET = rf"(?P<name>(?:The |the )?{_NAME_WORD}(?: (?:{_NAME_WORD}|of|and|&)){{0,4}})"
_OUTLET_PATTERNS = tuple(
    re.compile(p)
    for p in (
        rf"^Subscribe to {_OUTLET}\W*$",
        rf"^Sign up for {_OUTLET}['’]s\b",
        rf"(?:©|Copyright)\s*(?:©\s*)?(?:\d{{4}}\s*)?{_OUTLET}",
        rf"\bthe best of {_OUTLET} delivered\b",
    )
)
_NOT_OUTLETS = frozenset({"Today", "Our", "Your", "The", "Free", "Daily", "Weekly", "All"})


@dataclass(frozen=True)
class Header:
    """What the header of a plain-text article says, and the paragraphs left as body."""

    title: str | None
    published: str | None
    author: str | None
    body: list[Paragraph]
    removed: list[RemovedLine]


def parse_published(value: str) -> str | None:
    """Parse an explicit publication date into ISO 8601, or None when it is not explicit.

    Accepted: a full date with a year ("August 21, 2021", "2021-08-21", "21 Aug 2021"), with an
    optional time and zone. Refused: relative dates ("yesterday"), dates without a year or day,
    and numeric dates whose day and month could be swapped ("03/04/2021").

    Args:
        value: The date text, without its label.

    Returns:
        "YYYY-MM-DD", or "YYYY-MM-DDTHH:MM:SS" plus the UTC offset when the text gives a zone
        dateparser knows, or None.
    """
    text = value.strip()
    if not _YEAR.search(text) or len(text) > 80:
        return None
    numeric = _NUMERIC_DATE.search(text)
    if not (_MONTH_NAME.search(text) or _ISO_DATE.search(text) or numeric):
        return None
    if numeric and not _ISO_DATE.search(text):
        first, second = int(numeric.group(1)), int(numeric.group(2))
        if first <= 12 and second <= 12 and first != second:
            return None
    plain = _plain_date(text)
    if plain is not None:
        return plain
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    has_time = bool(_TIME.search(text))
    if has_time and _UNKNOWN_ZONES.search(text):
        # The clock time is in a zone of unknown offset: keep only the calendar date.
        has_time = False
        text = _UNKNOWN_ZONES.sub(" ", _TIME.sub(" ", text))
    parsed = parser.get_date_data(text).date_obj
    if parsed is None:
        return None
    # A time is kept only with its UTC offset; otherwise the day alone is what is known.
    if has_time and parsed.tzinfo is not None:
        return str(parsed.isoformat())
    return str(parsed.date().isoformat())


def _plain_date(text: str) -> str | None:
    """A date such as "Aug. 21, 2021 6:52 PM EDT" in ISO 8601; None for any other form."""
    found = _PLAIN_DATE.fullmatch(text)
    if found is None:
        return None
    written = found["month"].lower()
    month = next(
        (
            n
            for n, name in enumerate(_MONTHS, 1)
            if written in (name, name[:3]) or (n == 9 and written == "sept")
        ),
        0,
    )
    if not month:
        return None
    try:
        day = date(int(found["year"]), month, int(found["day"]))
    except ValueError:
        return None
    if found["hour"] is None:
        return day.isoformat()
    if found["zone"] is None or found["zone"] not in _ZONE_HOURS:
        return None  # dateparser decides what a time without a known zone gives
    hour, minute = int(found["hour"]), int(found["minute"])
    if not 1 <= hour <= 12 or minute > 59:
        return None
    hour = hour % 12 + (12 if found["half"] == "PM" else 0)
    zone = timezone(timedelta(hours=_ZONE_HOURS[found["zone"]]))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).isoformat()


def clean_value(value: object) -> str | None:
    """A metadata string with whitespace normalised, or None when it is missing or empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _is_headline(text: str) -> bool:
    words = word_count(text)
    if not 3 <= words <= 30 or text[0] in "\"“'‘(":
        return False
    # One sentence that does not end in a full stop: "Russia is cozying up to the Taliban".
    return not text.endswith(".") and not re.search(r"[.!?]\s+[A-Z]", text)


def read_header(paragraphs: Sequence[Paragraph], title: str | None = None) -> Header:
    """Take the headline, date and byline off the top of an article's paragraphs.

    Args:
        paragraphs: All paragraphs of the article, in order.
        title: A title already known (from HTML or a Markdown heading); then no paragraph is
            taken as the headline.

    Returns:
        The Header: metadata found, the remaining body paragraphs, and the date and byline
        lines as RemovedLine of kind "metadata".
    """
    body: list[Paragraph] = []
    removed: list[RemovedLine] = []
    published: str | None = None
    author: str | None = None
    in_header = True
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text
        if in_header and (index >= _HEADER_PARAGRAPHS or looks_like_story_text(text)):
            in_header = False
        if index == 0:
            if title is not None and text.casefold() == " ".join(title.split()).casefold():
                continue  # the headline repeated as the first line of the text
            if title is None and len(paragraphs) > 1 and _is_headline(text):
                title = text
                continue
        label = _DATE_LABEL.match(text)
        if label and word_count(text) <= 14:
            parsed = parse_published(label.group("date"))
            if parsed is not None or in_header:
                if label.group("label").lower() in _PUBLISHED_LABELS:
                    published = published or parsed
                removed.append(RemovedLine(paragraph.line, "metadata", text))
                continue
        if in_header and author is None and is_byline(text):
            author = _AFFILIATION.split(text[3:].strip(), maxsplit=1)[0]
            removed.append(RemovedLine(paragraph.line, "metadata", text))
            continue
        if in_header and published is None and word_count(text) <= 8:
            parsed = parse_published(text)
            if parsed is not None:
                published = parsed
                removed.append(RemovedLine(paragraph.line, "metadata", text))
                continue
        body.append(paragraph)
    return Header(title, published, author, body, removed)


def infer_outlet(removed: Sequence[RemovedLine]) -> str | None:
    """The outlet named by the page's own furniture ("Subscribe to X", "© 2021 X"), or None.

    Only sign-up prompts and copyright lines count: photo credits name agencies, and bylines
    of related articles may name other outlets. A name must come up twice, or once in a
    copyright line, so one stray match is not taken for the outlet.

    Args:
        removed: The removed lines of one article.

    Returns:
        The outlet's name, or None when the furniture does not say.
    """
    votes: Counter[str] = Counter()
    for line in removed:
        if line.kind not in ("newsletter", "notice", "bio"):
            continue  # captions credit agencies, related lists name other outlets
        for index, pattern in enumerate(_OUTLET_PATTERNS):
            match = pattern.search(line.text)
            if not match:
                continue
            name = match.group("name").strip(" .,'’")
            if name.split()[0] in _NOT_OUTLETS and len(name.split()) == 1:
                continue
            if name[0].islower():
                name = name[0].upper() + name[1:]
            votes[name] += 2 if index == 2 else 1
    if not votes:
        return None
    name, count = max(votes.items(), key=lambda item: (item[1], -len(item[0]), item[0]))
    return name if count >= 2 else None


def set_published(articles: Sequence[Article], given: Sequence[str]) -> list[Article]:
    """Articles with publication dates the user gave (`--published FILE=DATE`).

    A given date replaces what the source said: the user knows better than a page's metadata.
    FILE names the input file (as typed, or any path to it), its file name alone, or an
    article id; for a JSON Lines file it dates every article in it.

    Args:
        articles: The articles read.
        given: "FILE=DATE" strings; DATE is explicit ("2021-08-16", "August 16, 2021").

    Returns:
        The articles, dated where asked.

    Raises:
        UsageError: For a malformed item, a date that is not explicit, or a FILE that
            matches no article.
    """
    dated = list(articles)
    for item in given:
        where, separator, when = item.rpartition("=")
        if not separator or not where.strip() or not when.strip():
            raise UsageError(f"--published {item!r}: expected FILE=DATE")
        published = parse_published(when)
        if published is None:
            raise UsageError(
                f"--published {item!r}: {when.strip()!r} is not an explicit date (use YYYY-MM-DD)"
            )
        matched = [n for n, article in enumerate(dated) if _names(article, where.strip())]
        if not matched:
            raise UsageError(f"--published {item!r}: no article was read from {where!r}")
        for n in matched:
            dated[n] = replace(dated[n], published=published)
    return dated


def _names(article: Article, where: str) -> bool:
    """Whether FILE of `--published FILE=DATE` names this article."""
    if where in (article.id, article.path):
        return True
    if article.path is None:
        return False
    path = Path(article.path)
    return path.name == where or path.resolve() == Path(where).resolve()


def normalize_published(value: str) -> str | None:
    """A publication date given by the user or a JSON field, as ISO 8601, or None if invalid.

    ISO 8601 forms keep their precision: a date stays a date, and a time is kept with its UTC
    offset. A time without an offset is dropped (the day is known, the instant is not), as is
    any midnight that a date-only form would imply. Other explicit dates go through
    `metadata.parse_published`.
    """
    from datetime import date, datetime

    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return parse_published(text)
    return parsed.isoformat() if parsed.tzinfo is not None else parsed.date().isoformat()
