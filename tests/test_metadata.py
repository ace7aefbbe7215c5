"""Headline, publication date, byline and outlet from the top of plain text; dates never guessed."""

from __future__ import annotations

import pytest

from newsweave.models import RemovedLine
from newsweave.read import metadata
from newsweave.read.boilerplate import split_paragraphs
from newsweave.read.metadata import infer_outlet, parse_published, read_header


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("August 21, 2021 6:52 PM EDT", "2021-08-21T18:52:00-04:00"),
        ("August 21, 2021", "2021-08-21"),
        ("Tuesday, October 16, 2018", "2018-10-16"),
        ("21 Aug 2021 10:00 GMT", "2021-08-21T10:00:00+00:00"),
        ("2021-08-21", "2021-08-21"),
        ("3:45 PM ET, Mon August 16, 2021", "2021-08-16"),  # ET's offset is unknown: day only
        ("21/08/2021", "2021-08-21"),  # day > 12: not ambiguous
    ],
)
def test_explicit_dates_are_parsed(text: str, expected: str) -> None:
    assert parse_published(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "Today's Big Question",
        "Monday",
        "August 2021",  # no day
        "03/04/2021",  # March 4 or April 3
        "February 30, 2021",  # impossible
        "The Week",
        "in 2008",
    ],
)
def test_vague_ambiguous_or_impossible_dates_are_refused(text: str) -> None:
    assert parse_published(text) is None


def test_header_gives_title_date_and_byline() -> None:
    text = (
        "Russia is already cozying up to the Taliban\n\nBy Peter Weber\n\n"
        "Published: August 21, 2021 6:52 PM EDT\n\nThe U.S. and other Western nations evacuated "
        "their embassies in Kabul on Sunday as the Taliban took control of the capital."
    )
    header = read_header(split_paragraphs(text))
    assert header.title == "Russia is already cozying up to the Taliban"
    assert header.author == "Peter Weber"
    assert header.published == "2021-08-21T18:52:00-04:00"
    assert [p.line for p in header.body] == [7]
    assert [(r.line, r.kind) for r in header.removed] == [(3, "metadata"), (5, "metadata")]


def test_a_two_sentence_standfirst_is_not_a_title() -> None:
    text = (
        "Russia has been engaging with the Taliban for years. The U.S. withdrawal might give it "
        "an opportunity.\n\nIn the Taliban's rapid takeover of Afghanistan, Russia sees a chance."
    )
    header = read_header(split_paragraphs(text))
    assert header.title is None
    assert len(header.body) == 2


def test_a_known_title_repeated_as_first_line_is_dropped() -> None:
    header = read_header(
        split_paragraphs("The Headline\nBody text of the story, long enough."), "The Headline"
    )
    assert [p.text for p in header.body] == ["Body text of the story, long enough."]


def test_outlet_from_sign_up_prompts_but_not_from_one_stray_match() -> None:
    removed = [
        RemovedLine(7, "newsletter", "Subscribe to The Week"),
        RemovedLine(10, "newsletter", "Sign up for The Week's Free Newsletters"),
        RemovedLine(15, "newsletter", "Sign up for Today's Best Articles in your inbox"),
    ]
    assert infer_outlet(removed) == "The Week"
    assert infer_outlet(removed[2:]) is None
    assert (
        infer_outlet([RemovedLine(4, "caption", "Putin. Credit; Getty images via CBS News.")])
        is None
    )
    assert (
        infer_outlet([RemovedLine(9, "notice", "Copyright 2017 NPR. All rights reserved.")])
        == "NPR"
    )


@pytest.mark.parametrize(
    "written",
    [
        "August 21, 2021 6:52 PM EDT",
        "Aug. 21, 2021",
        "Sept. 3, 2020 11:05 AM PST",
        "March 1, 2019 12:00 AM UTC",
        "May 5, 2018 1:00 PM CST",
        "February 30, 2021",
        "Febr 3, 2021",
        "Mar 3, 2021 3:00 PM CET",
        "June 4, 2021 10:00 AM",
    ],
)
def test_the_fast_path_for_plain_dates_agrees_with_dateparser(
    written: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = metadata.parse_published(written)
    monkeypatch.setattr(metadata, "_plain_date", lambda _text: None)
    assert fast == metadata.parse_published(written)
