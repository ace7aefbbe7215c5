"""Calendar words and arithmetic for TIMEX3 values: months, weekdays, counts, shifted dates.

Shared by timevalue.py (the phrase rules) and its callers; the directions PAST and FUTURE come
from the tense of the verb a phrase modifies (timex.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

PAST, UNKNOWN, FUTURE = -1, 0, 1
# A date against the tense's direction is chosen only this near ("extended to Nov. 20" on Nov. 2).
_AGAINST_TENSE_DAYS = 60
# Years outside this range are numbers, not dates ("the 3000 shares", "in 1066" is kept).
MIN_YEAR, MAX_YEAR = 1000, 2199

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ],
        start=1,
    )
    for name in names
}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
DAY_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
        fifteen sixteen seventeen eighteen nineteen""".split()  # noqa: SIM905
    )
}
_NUMBER_WORDS.update(
    {
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "a": 1,
        "an": 1,
        "one": 1,
    }
)
_SCALES = {"hundred": 100, "thousand": 1000, "dozen": 12}
# Unit words -> (TIMEX3 unit letter, whether it is a time unit written after "PT").
_UNITS = {
    "second": ("S", True),
    "minute": ("M", True),
    "hour": ("H", True),
    "day": ("D", False),
    "week": ("W", False),
    "weekend": ("WE", False),
    "month": ("M", False),
    "quarter": ("Q", False),
    "year": ("Y", False),
    "decade": ("DE", False),
    "century": ("CE", False),
}


@dataclass(frozen=True)
class Context:
    """What a phrase is resolved against.

    `published` is the article's publication date (None when unknown); `direction` is PAST,
    FUTURE or UNKNOWN from the tense of the verb the phrase modifies; `previous` is the value
    of the last dated expression before it in the article, for "a year earlier" and "the
    quarter", which refer back to it.
    """

    published: date | None
    direction: int = UNKNOWN
    previous: str | None = None


@dataclass(frozen=True)
class TimeValue:
    """A TIMEX3 type and value, and whether the value needed the publication date."""

    type: str
    value: str
    relative: bool


def parse_number(text: str) -> float | None:
    """A count written in digits or words ("3", "twenty-five", "a", "2 1/2"); None otherwise."""
    text = text.strip().lower()
    digits = re.fullmatch(r"(\d+(?:\.\d+)?)(\s+1/2)?", text)
    if digits:
        return float(digits.group(1)) + (0.5 if digits.group(2) else 0.0)
    total, current = 0, 0
    words = re.split(r"[\s-]+", text)
    if len(words) > 1 and words[0] in ("a", "an"):
        words = words[1:]  # "a five-hour" is five
    for word in words:
        if word in _NUMBER_WORDS:
            current += _NUMBER_WORDS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        elif word:
            return None
    return float(total + current) if total + current else None


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) `months` months after (or before, when negative) the given one."""
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def week_of(day: date) -> str:
    """The ISO week of a day as a TIMEX3 value ("2021-W33")."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def quarter_value(year: int, quarter: int) -> str:
    """A quarter as a TIMEX3 value; quarters past 4 or below 1 roll into other years."""
    year += (quarter - 1) // 4
    return f"{year}-Q{(quarter - 1) % 4 + 1}"


def year_for_month(month: int, day: int | None, context: Context) -> int | None:
    """The year of a month (and day) given without one: the nearest, leaning with the tense.

    "June" in a past-tense sentence of an October article is the June before it, "by Nov. 20"
    in one of November 2 the coming one even after a past-tense verb ("extended to Nov. 20"):
    the occurrence in the tense's direction wins unless the other is within a couple of months.
    """
    if context.published is None:
        return None
    published = context.published

    def cost(year: int) -> float:
        middle = date(year, month, min(day or 15, 28))
        days = (middle - published).days
        # With no tense to go by, news reports what has happened: lean to the past.
        against = (days > 0 and context.direction != FUTURE) or (
            days < 0 and context.direction == FUTURE
        )
        # Only a day can be near enough to go against the tense ("extended to Nov. 20");
        # a month named alone follows it.
        near = day is not None and abs(days) <= _AGAINST_TENSE_DAYS
        return abs(days) + (366 if against and not near else 0)

    return min((published.year - 1, published.year, published.year + 1), key=cost)


def weekday_date(weekday: int, context: Context, modifier: str) -> date | None:
    """The date of a weekday: the past one for past tense or "last", else the coming one."""
    if context.published is None:
        return None
    published = context.published
    back = (published.isoweekday() - weekday) % 7
    if modifier == "last":
        return published - timedelta(days=back or 7)
    if modifier == "next":
        return published + timedelta(days=(weekday - published.isoweekday()) % 7 or 7)
    if modifier == "this":
        return published + timedelta(days=weekday - published.isoweekday())
    if context.direction == FUTURE:
        return published + timedelta(days=(weekday - published.isoweekday()) % 7)
    return published - timedelta(days=back)


def duration(count: float | None, unit: str) -> str:
    """A TIMEX3 duration ("P3Y", "PT5H", "PXM" for an unknown count) of a count of a unit."""
    letter, is_time = _UNITS[unit]
    if letter == "DE":
        letter, count = "Y", None if count is None else count * 10
    elif letter == "CE":
        letter, count = "Y", None if count is None else count * 100
    elif letter == "WE":
        letter, count = "D", None if count is None else count * 2
    if count is None:
        amount = "X"
    elif count != int(count) and letter == "Y":
        return f"P{int(count)}Y6M"
    elif count != int(count) and letter == "H":
        return f"PT{int(count)}H30M"
    else:
        amount = str(int(count))
    return f"PT{amount}{letter}" if is_time else f"P{amount}{letter}"


def unit_of(word: str) -> str:
    """The unit a word names ("years" -> "year", "centuries" -> "century")."""
    word = word.lower()
    for unit in _UNITS:
        if word.startswith(unit[:5]) or (unit == "century" and word.startswith("centur")):
            return unit
    raise ValueError(word)


def shift(published: date, count: int, unit: str) -> str | None:
    """The date `count` units from the publication date, as precise as the unit."""
    if unit in ("day",):
        return (published + timedelta(days=count)).isoformat()
    if unit in ("week", "weekend"):
        return week_of(published + timedelta(weeks=count))
    if unit == "month":
        year, month = shift_month(published.year, published.month, count)
        return f"{year}-{month:02d}"
    if unit == "quarter":
        return quarter_value(published.year, (published.month - 1) // 3 + 1 + count)
    if unit == "year":
        return str(published.year + count)
    if unit == "decade":
        return str(published.year + 10 * count)[:3]
    return None
