"""Time expressions: TIMEX3 values from hand-built phrases and sentences, and bad input."""

from __future__ import annotations

from datetime import date

import pytest

from newsweave import Article
from newsweave.analyze.annotate import parse_article
from newsweave.analyze.timeunits import FUTURE, PAST, UNKNOWN, Context
from newsweave.analyze.timevalue import normalise

from .conftest import MODELS

MONDAY = date(2021, 8, 16)


@pytest.mark.parametrize(
    ("phrase", "direction", "value"),
    [
        ("Sunday", PAST, "2021-08-15"),
        ("Monday", PAST, "2021-08-16"),
        ("Tuesday", FUTURE, "2021-08-17"),
        ("Tuesday", PAST, "2021-08-10"),
        ("last Friday", UNKNOWN, "2021-08-13"),
        ("next Monday", UNKNOWN, "2021-08-23"),
        ("this week", UNKNOWN, "2021-W33"),
        ("last week", UNKNOWN, "2021-W32"),
        ("In July", PAST, "2021-07"),
        ("October", PAST, "2020-10"),
        ("October", FUTURE, "2021-10"),
        ("last May", UNKNOWN, "2021-05"),
        ("back in 2003", UNKNOWN, "2003"),
        ("since 2018", UNKNOWN, "2018"),
        ("from 1996 to 2001", UNKNOWN, "1996/2001"),
        ("last year", UNKNOWN, "2020"),
        ("two days ago", UNKNOWN, "2021-08-14"),
        ("three years ago", UNKNOWN, "2018"),
        ("yesterday", UNKNOWN, "2021-08-15"),
        ("Aug. 21, 2021", UNKNOWN, "2021-08-21"),
        ("21 August 2021", UNKNOWN, "2021-08-21"),
        ("the third quarter", UNKNOWN, "2021-Q3"),
        ("this summer", UNKNOWN, "2021-SU"),
        ("the 1990s", UNKNOWN, "199"),
        ("the 20th century", UNKNOWN, "19"),
        ("three years", UNKNOWN, "P3Y"),
        ("a five-hour", UNKNOWN, "PT5H"),
        ("two decades", UNKNOWN, "P20Y"),
        ("several months", UNKNOWN, "PXM"),
        ("daily", UNKNOWN, "P1D"),
        ("every Thursday", UNKNOWN, "XXXX-WXX-4"),
        ("now", UNKNOWN, "PRESENT_REF"),
        ("recently", UNKNOWN, "PAST_REF"),
        ("the near future", UNKNOWN, "FUTURE_REF"),
        ("10:35 a.m.", UNKNOWN, "2021-08-16T10:35"),
        ("Saturday night", PAST, "2021-08-14TNI"),
    ],
)
def test_values_against_the_publication_date(phrase: str, direction: int, value: str) -> None:
    found = normalise(phrase, Context(MONDAY, direction))
    assert found is not None and found.value == value


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("Monday", "XXXX-WXX-1"),
        ("In July", "XXXX-07"),
        ("this week", "XXXX-WXX"),
        ("yesterday", "XXXX-XX-XX"),
        ("last year", "XXXX"),
    ],
)
def test_relative_phrases_keep_their_form_without_a_date(phrase: str, value: str) -> None:
    found = normalise(phrase, Context(None))
    assert found is not None and found.relative and found.value == value


@pytest.mark.parametrize(
    "phrase",
    [
        "52-year-old",
        "52 years old",
        "Feb. 30, 2021",
        "13/13/2021",
        "the year 3000",
        "44",
        "80486",
        "Stauber",
        "",
    ],
)
def test_non_dates_and_impossible_dates_get_no_value(phrase: str) -> None:
    assert normalise(phrase, Context(MONDAY)) is None


def test_ambiguous_numeric_date_keeps_only_the_year() -> None:
    found = normalise("03/04/2021", Context(MONDAY))
    assert found is not None and found.value == "2021"
    unambiguous = normalise("03/24/2021", Context(MONDAY))
    assert unambiguous is not None and unambiguous.value == "2021-03-24"


def _times(text: str, published: str | None) -> list[tuple[str, str, str]]:
    article = Article("t", text, published=published)
    layer = parse_article(article, MODELS.spacy)
    for time in layer.times:
        assert article.text[time.span.start : time.span.end] == time.span.text
    return [(t.span.text, t.value, t.anchor) for t in layer.times]


@pytest.mark.slow
def test_tense_decides_the_direction_of_a_weekday() -> None:
    text = (
        "Kabulov told the radio Monday that the embassy was open.\n\n"
        "Russia's ambassador is scheduled to meet with Taliban leaders on Tuesday.\n\n"
        "The minister will travel to Doha on Sunday."
    )
    found = _times(text, "2021-08-18")
    assert ("Monday", "2021-08-16", "published") in found
    assert ("Tuesday", "2021-08-24", "published") in found
    assert ("Sunday", "2021-08-22", "published") in found


@pytest.mark.slow
def test_names_and_headings_that_look_like_dates_are_not_dated() -> None:
    text = (
        "Peter has worked as an editor at The Week since the site's launch.\n\n"
        "Today's Big Question His money could help conservatives."
    )
    assert _times(text, "2021-08-16") == []


@pytest.mark.slow
def test_no_publication_date_flags_relative_expressions() -> None:
    found = _times("The talks began on Monday and ended in July 2020.", None)
    assert ("Monday", "XXXX-WXX-1", "none") in found
    assert ("July 2020", "2020-07", "text") in found


@pytest.mark.slow
def test_thousands_of_year_like_numbers() -> None:
    numbers = " ".join(str(n) for n in range(1000, 4000))
    found = _times(f"The codes were {numbers}.", "2021-08-16")
    assert all(value.isdigit() and 1000 <= int(value) <= 2199 for _, value, _ in found)
