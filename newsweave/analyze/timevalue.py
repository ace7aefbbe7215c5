"""TIMEX3 values: a time phrase ("last Monday", "the third quarter", "two years") -> its value.

Written by hand because no maintained Python library does this offline: HeidelTime and SUTime
are Java, timexy only reads absolute formats, and dateparser resolves a phrase to one datetime
(always a day, never "2021-07", "2021-W33", "P3Y" or "PRESENT_REF"), so it cannot say how
precise a date is or tell a duration from a date. The rules follow the TIMEX3 conventions of
TimeML (TimeBank): a value is as precise as the phrase, relative phrases are resolved against
the publication date, and the verb's tense decides whether "Monday" is the past or the coming
one. With no publication date a relative phrase keeps its relative form ("XXXX-WXX-1").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from newsweave.analyze.timeunits import (
    DAY_PARTS,
    FUTURE,
    MAX_YEAR,
    MIN_YEAR,
    MONTHS,
    ORDINALS,
    PAST,
    SEASONS,
    WEEKDAYS,
    Context,
    TimeValue,
    duration,
    parse_number,
    quarter_value,
    shift,
    unit_of,
    week_of,
    weekday_date,
    year_for_month,
)

# Directions a relative phrase can point in, from the tense of the verb it modifies.
_VAGUE_COUNTS = r"(?:several|a\s+few|few|many|some|a\s+couple\s+of|a\s+number\s+of)"
_UNIT_RE = r"(second|minute|hour|day|week|month|quarter|year|decade|centur)(?:s|y|ies)?"
_NUMBER_RE = (
    r"(\d+(?:\.\d+)?(?:\s+1/2)?|(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen)[\s-]*)+)"
)
_MONTH_RE = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
)
_WEEKDAY_RE = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"


_Handler = Callable[[re.Match[str], Context], TimeValue | None]
_RULES: list[tuple[re.Pattern[str], _Handler]] = []


def _rule(pattern: str) -> Callable[[_Handler], _Handler]:
    """Register a handler for phrases matching `pattern` (tried in registration order)."""

    def register(handler: _Handler) -> _Handler:
        _RULES.append((re.compile(pattern), handler))
        return handler

    return register


def normalise(phrase: str, context: Context) -> TimeValue | None:
    """The TIMEX3 type and value of a time phrase, or None when it is not one.

    Args:
        phrase: The expression as written ("from 1996 to 2001", "Monday", "this week").
        context: Publication date, tense direction and the previous dated value.

    Returns:
        The TimeValue, or None for phrases that are not time expressions (ages such as
        "52-year-old", bare numbers, impossible dates).
    """
    text = re.sub(r"\s+", " ", phrase.lower().replace("’", "'")).strip(" .,;:")
    if re.search(r"\b(?:years?|months?|weeks?|days?)[\s-]old\b|\baged?\b", text):
        return None
    year = re.search(r"\byear (\d+)\b", text)
    if year and not MIN_YEAR <= int(year.group(1)) <= MAX_YEAR:
        return None
    for pattern, handler in _RULES:
        match = pattern.search(text)
        if match:
            return handler(match, context)
    return None


def _relative(value: str | None, fallback: str, type_: str = "DATE") -> TimeValue:
    """A value computed from the publication date, or its relative form when there is none."""
    return TimeValue(type_, value if value is not None else fallback, True)


@_rule(
    r"\b(?:from |between )?((?:1[0-9]|20|21)\d\d) ?(?:to|-|–|and|through|until) ?"
    r"((?:1[0-9]|20|21)\d\d)\b"
)
def _year_range(match: re.Match[str], context: Context) -> TimeValue | None:
    first, last = int(match.group(1)), int(match.group(2))
    if not first < last:
        return None
    return TimeValue("DATE", f"{first}/{last}", False)


@_rule(r"\b(\d{1,2})(?::(\d\d))? ?([ap])\.? ?m\b\.?|\b(noon|midnight|midday)\b")
def _clock_time(match: re.Match[str], context: Context) -> TimeValue | None:
    if match.group(4):
        hour, minute = (0, 0) if match.group(4) == "midnight" else (12, 0)
    else:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not (1 <= hour <= 12 and minute < 60):
            return None
        hour = hour % 12 + (12 if match.group(3) == "p" else 0)
    day = _day_of(match.string, context)
    clock = f"T{hour:02d}:{minute:02d}"
    if day is None:
        return TimeValue("TIME", "XXXX-XX-XX" + clock, True)
    return TimeValue("TIME", day.value + clock, day.relative)


def _day_of(text: str, context: Context) -> TimeValue | None:
    """The day a clock time belongs to.

    That is the day its phrase names ("9 a.m. Tuesday"), else the last day the text named, else
    the publication date.
    """
    for pattern, handler in _RULES:
        if handler is _clock_time:
            continue
        match = pattern.search(text)
        found = handler(match, context) if match else None
        if found is not None and re.fullmatch(r"\d{4}-\d\d-\d\d|XXXX-\S+", found.value[:10]):
            return TimeValue("DATE", found.value[:10], found.relative)
    if context.previous and re.fullmatch(r"\d{4}-\d\d-\d\d", context.previous):
        return TimeValue("DATE", context.previous, True)
    if context.published is None:
        return None
    return TimeValue("DATE", context.published.isoformat(), True)


@_rule(r"\b(\d{4})-(\d\d)-(\d\d)\b")
def _iso_date(match: re.Match[str], context: Context) -> TimeValue | None:
    return _checked_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), False)


@_rule(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d\d)\b")
def _slashed_date(match: re.Match[str], context: Context) -> TimeValue | None:
    first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if year < 100:
        year += 1900 if year >= 50 else 2000
    if first > 12 >= second:
        return _checked_date(year, second, first, False)
    if second > 12 >= first or first == second:
        return _checked_date(year, first, second, False)
    # 03/04/2021 is March 4 in the US and 3 April elsewhere: only the year is certain.
    return TimeValue("DATE", str(year), False) if MIN_YEAR <= year <= MAX_YEAR else None


def _checked_date(year: int, month: int, day: int, relative: bool) -> TimeValue | None:
    """A day's value when the date exists (no February 30), else None."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return TimeValue("DATE", date(year, month, day).isoformat(), relative)
    except ValueError:
        return None


@_rule(rf"\b{_MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b")
def _month_day_year(match: re.Match[str], context: Context) -> TimeValue | None:
    return _checked_date(int(match.group(3)), MONTHS[match.group(1)], int(match.group(2)), False)


@_rule(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH_RE},? (\d{{4}})\b")
def _day_month_year(match: re.Match[str], context: Context) -> TimeValue | None:
    return _checked_date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)), False)


@_rule(
    rf"\b{_MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?\b(?!:|,? \d)|"
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH_RE}(?!,? \d)"
)
def _month_day(match: re.Match[str], context: Context) -> TimeValue | None:
    month = MONTHS[match.group(1) or match.group(4)]
    day = int(match.group(2) or match.group(3))
    year = year_for_month(month, day, context)
    if year is None:
        return TimeValue("DATE", f"XXXX-{month:02d}-{day:02d}", True) if day <= 31 else None
    return _checked_date(year, month, day, True)


@_rule(rf"\b{_MONTH_RE},? (?:of )?((?:1[0-9]|20|21)\d\d)\b")
def _month_year(match: re.Match[str], context: Context) -> TimeValue | None:
    return TimeValue("DATE", f"{match.group(2)}-{MONTHS[match.group(1)]:02d}", False)


@_rule(rf"\b(?:(last|next|this|past|early|late|mid)[- ])?{_MONTH_RE}(?! \d)")
def _month(match: re.Match[str], context: Context) -> TimeValue | None:
    month = MONTHS[match.group(2)]
    if context.published is None:
        return TimeValue("DATE", f"XXXX-{month:02d}", True)
    if match.group(1) == "this":
        return TimeValue("DATE", f"{context.published.year}-{month:02d}", True)
    direction = {"last": PAST, "past": PAST, "next": FUTURE}.get(match.group(1) or "")
    year = year_for_month(month, None, Context(context.published, direction or context.direction))
    if direction is not None and year is not None:
        # "last May" is never this year's May to come, nor "next May" one gone by.
        gone = (year, month) < (context.published.year, context.published.month)
        year += 1 if direction == FUTURE and gone else 0
        year -= 1 if direction == PAST and not gone else 0
    return TimeValue("DATE", f"{year}-{month:02d}", True)


@_rule(
    r"\b(?:(this|last|next|past|early|late|the|mid-?) )?(spring|summer|fall|autumn|winter)"
    r"(?: of)?(?: ((?:1[0-9]|20|21)\d\d))?\b"
)
def _season(match: re.Match[str], context: Context) -> TimeValue | None:
    season = SEASONS[match.group(2)]
    if match.group(3):
        return TimeValue("DATE", f"{match.group(3)}-{season}", False)
    if context.published is None:
        return TimeValue("DATE", f"XXXX-{season}", True)
    year = context.published.year
    if match.group(1) == "last" or (match.group(1) == "past" and season != "WI"):
        year -= 1 if match.group(1) == "last" else 0
    elif match.group(1) == "next":
        year += 1
    return TimeValue("DATE", f"{year}-{season}", True)


@_rule(
    r"\b(first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:fiscal )?(quarter|half)s?"
    r"(?: of)?(?: (?:fiscal )?((?:19|20)\d\d))?"
)
def _quarter_or_half(match: re.Match[str], context: Context) -> TimeValue | None:
    number = ORDINALS[match.group(1)]
    if match.group(2) == "half" and number > 2:
        return None
    letter = "Q" if match.group(2) == "quarter" else "H"
    if match.group(3):
        return TimeValue("DATE", f"{match.group(3)}-{letter}{number}", False)
    if context.published is None:
        return TimeValue("DATE", f"XXXX-{letter}{number}", True)
    year = context.published.year
    if re.search(r"\b(?:last|previous|a) year|year[- ](?:ago|earlier)", match.string):
        year -= 1
    return TimeValue("DATE", f"{year}-{letter}{number}", True)


@_rule(r"\b(?:the )?(early |mid-?|late )?(?:(1\d|20)(\d)0|'(\d)0)'?s\b")
def _decade(match: re.Match[str], context: Context) -> TimeValue | None:
    if match.group(4):
        return TimeValue("DATE", f"19{match.group(4)}", False)
    return TimeValue("DATE", f"{match.group(2)}{match.group(3)}", False)


@_rule(r"\b(\d{1,2})(?:st|nd|rd|th) century\b")
def _century(match: re.Match[str], context: Context) -> TimeValue | None:
    return TimeValue("DATE", f"{int(match.group(1)) - 1:02d}", False)


@_rule(r"\b(?:fiscal |the )?((?:1[0-9]|20|21)\d\d)\b(?![-/]\d)")
def _year(match: re.Match[str], context: Context) -> TimeValue | None:
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return TimeValue("DATE", str(year), False)


@_rule(
    r"\b(the day before yesterday|yesterday|today|tomorrow|tonight|last night|overnight)\b"
    r"(?: (morning|afternoon|evening|night))?"
)
def _deictic_day(match: re.Match[str], context: Context) -> TimeValue | None:
    word, part = match.group(1), match.group(2)
    offset = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "tomorrow": 1}.get(
        word, 0
    )
    if word in ("tonight", "last night", "overnight"):
        part = "night"
    suffix = f"T{DAY_PARTS[part]}" if part else ""
    if context.published is None:
        return TimeValue("TIME" if part else "DATE", "XXXX-XX-XX" + suffix, True)
    day = (context.published + timedelta(days=offset)).isoformat()
    return TimeValue("TIME" if part else "DATE", day + suffix, True)


@_rule(
    rf"\b(?:(last|next|this|on|each|every) )?{_WEEKDAY_RE}(?: (morning|afternoon|evening|night))?"
)
def _weekday(match: re.Match[str], context: Context) -> TimeValue | None:
    modifier, weekday, part = match.group(1) or "", WEEKDAYS[match.group(2)], match.group(3)
    suffix = f"T{DAY_PARTS[part]}" if part else ""
    type_ = "TIME" if part else "DATE"
    if modifier in ("each", "every") or match.group(0).endswith("s"):
        return TimeValue("SET", f"XXXX-WXX-{weekday}{suffix}", False)
    day = weekday_date(weekday, context, modifier)
    if day is None:
        return TimeValue(type_, f"XXXX-WXX-{weekday}{suffix}", True)
    return TimeValue(type_, day.isoformat() + suffix, True)


@_rule(r"\b(this|that) (morning|afternoon|evening)\b|\b(?:the )?(morning|afternoon|evening)\b")
def _day_part(match: re.Match[str], context: Context) -> TimeValue | None:
    part = DAY_PARTS[match.group(2) or match.group(3)]
    if context.published is None:
        return TimeValue("TIME", f"XXXX-XX-XXT{part}", True)
    return TimeValue("TIME", f"{context.published.isoformat()}T{part}", True)


@_rule(rf"\b{_NUMBER_RE} ?{_UNIT_RE} (ago|earlier|before|later|after|from now|hence)\b")
def _units_ago(match: re.Match[str], context: Context) -> TimeValue | None:
    count = parse_number(match.group(1))
    unit = unit_of(match.group(2))
    if count is None or count != int(count):
        return None
    sign = 1 if match.group(3) in ("later", "after", "from now", "hence") else -1
    back_to_quarter = _previousquarter_value(context) if unit == "year" else None
    if back_to_quarter is not None and match.group(3) in ("ago", "earlier", "before"):
        year, quarter = back_to_quarter
        return TimeValue("DATE", quarter_value(year - int(count), quarter), True)
    if context.published is None:
        return TimeValue("DATE", "XXXX", True)
    return _relative(shift(context.published, sign * int(count), unit), "XXXX")


def _previousquarter_value(context: Context) -> tuple[int, int] | None:
    """The quarter the text last named, when it did: "a year earlier" then means that quarter."""
    found = re.fullmatch(r"(\d{4})-Q(\d)", context.previous or "")
    return (int(found.group(1)), int(found.group(2))) if found else None


@_rule(r"\byear[- ](?:ago|earlier)\b")
def _year_ago(match: re.Match[str], context: Context) -> TimeValue | None:
    quarter = _previousquarter_value(context)
    if quarter is not None:
        return TimeValue("DATE", quarter_value(quarter[0] - 1, quarter[1]), True)
    if context.published is None:
        return TimeValue("DATE", "XXXX", True)
    return TimeValue("DATE", str(context.published.year - 1), True)


@_rule(
    rf"\b(?:the )?(?:past|last|next|coming|first|previous|latest|final|recent|following) "
    rf"(?:{_NUMBER_RE}|{_VAGUE_COUNTS}) ?{_UNIT_RE}|"
    rf"\b(?:the )?{_NUMBER_RE} (?:more |full |straight |consecutive )?{_UNIT_RE}\b|"
    rf"\b{_NUMBER_RE}-{_UNIT_RE}\b"
)
def _countedduration(match: re.Match[str], context: Context) -> TimeValue | None:
    number = match.group(1) or match.group(3) or match.group(5)
    unit = unit_of(match.group(2) or match.group(4) or match.group(6))
    count = None if number is None else parse_number(number)
    if number is not None and count is None:
        return None
    return TimeValue("DURATION", duration(count, unit), False)


@_rule(
    r"\b(this|last|next|past|previous|coming|current|latest|the|that|same|early|late|earlier|"
    r"later)"
    r" (?:this |last |next )?(week|weekend|month|year|quarter|decade|century|period)\b"
)
def _named_period(match: re.Match[str], context: Context) -> TimeValue | None:
    modifier, unit = match.group(1), match.group(2)
    text = match.string
    if re.search(r"\b(?:last|next|this)\b", text[match.start(1) + len(modifier) :]):
        modifier = re.findall(r"\b(last|next|this)\b", text)[-1]
    if unit == "period":
        unit = "quarter" if _previousquarter_value(context) or "latest" in text else "year"
    offset = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(modifier, 0)
    if modifier in ("the", "that", "same", "past", "coming", "latest") and unit != "weekend":
        if modifier in ("the", "that", "same", "latest"):
            return _referred_period(unit, context)
        return TimeValue("DURATION", duration(1, unit), False)
    if unit == "weekend":
        if context.published is None:
            return TimeValue("DATE", "XXXX-WXX-WE", True)
        return TimeValue("DATE", week_of(context.published + timedelta(weeks=offset)) + "-WE", True)
    if context.published is None:
        return TimeValue("DATE", {"week": "XXXX-WXX", "month": "XXXX-XX"}.get(unit, "XXXX"), True)
    return _relative(shift(context.published, offset, unit), "XXXX")


def _referred_period(unit: str, context: Context) -> TimeValue | None:
    """The period "the quarter" or "that year" means: the last one named, else the current."""
    previous = context.previous or ""
    if unit == "quarter":
        quarter = _previousquarter_value(context)
        if quarter is not None:
            return TimeValue("DATE", quarter_value(*quarter), True)
        if context.published is None:
            return TimeValue("DATE", "XXXX-QX", True)
        return TimeValue("DATE", shift(context.published, -1, "quarter") or "XXXX-QX", True)
    if unit == "year" and re.match(r"\d{4}", previous):
        return TimeValue("DATE", previous[:4], True)
    return TimeValue("DURATION", duration(1, unit), False)


@_rule(
    r"\b(?:every|each|per|a) (day|week|month|year|quarter|hour|night|morning)\b|"
    r"\b(daily|nightly|weekly|monthly|annually|yearly|hourly|quarterly)\b"
)
def _set(match: re.Match[str], context: Context) -> TimeValue | None:
    word = (
        match.group(1)
        or {
            "daily": "day",
            "nightly": "night",
            "weekly": "week",
            "monthly": "month",
            "annually": "year",
            "yearly": "year",
            "hourly": "hour",
            "quarterly": "quarter",
        }[match.group(2)]
    )
    if word in ("night", "morning"):
        return TimeValue("SET", f"XXXX-XX-XXT{DAY_PARTS[word]}", False)
    return TimeValue("SET", duration(1, word), False)


_REFERENCES = [
    (
        r"\b(?:right )?now\b|\bcurrent(?:ly)?\b|\bthese days\b|\bnowadays\b|\bat present\b|"
        r"\bpresently\b|\bthe present\b|\bat the moment\b",
        "PRESENT_REF",
    ),
    (
        r"\brecent(?:ly)?\b|\blately\b|\bpreviously\b|\bformerly\b|\bin the past\b|\bthe past\b|"
        r"\bearlier\b|\bonce\b|\bpast\b",
        "PAST_REF",
    ),
    (
        r"\bfuture\b|\bsoon\b|\b(?:near|short|long|medium)[- ]term\b|\bcoming\b|\bahead\b|"
        r"\bone day\b|\beventually\b|\blater date\b",
        "FUTURE_REF",
    ),
]


@_rule(
    rf"\b(?:recent|coming|past|next|few|several|many) {_UNIT_RE}\b|^{_UNIT_RE}$|"
    r"^(?:the )?(year|month|week|day|decade|centur|hour|minute)(?:s|ies)\b"
)
def _vagueduration(match: re.Match[str], context: Context) -> TimeValue | None:
    text = match.string
    for pattern, value in _REFERENCES[1:]:
        if text.startswith(("recent", "coming")) and re.search(pattern, text):
            return TimeValue("DATE", value, False)
    unit = unit_of(match.group(1) or match.group(2) or match.group(3))
    return TimeValue("DURATION", duration(None, unit), False)


@_rule(r".")
def _reference(match: re.Match[str], context: Context) -> TimeValue | None:
    for pattern, value in _REFERENCES:
        if re.search(pattern, match.string):
            return TimeValue("DATE", value, False)
    return None
