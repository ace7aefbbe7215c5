"""Boilerplate removal: the example against its hand annotation, and each kind on hand-made text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.read.boilerplate import classify_paragraph, split_paragraphs, strip_boilerplate
from newsweave.read.metadata import read_header

STORY = (
    "The Kremlin appears to be willing to engage with the Taliban in order to secure its "
    "interests, officials in Moscow said on Tuesday after a meeting with envoys."
)


def clean(text: str) -> tuple[list[str], dict[int, str]]:
    kept, removed = strip_boilerplate(split_paragraphs(text))
    return [p.text for p in kept], {line.line: line.kind for line in removed}


@pytest.mark.parametrize("name", ["000_2665c5d81ac27956.txt", "002_fe18a11ffd38cfee.txt"])
def test_example_matches_gold(example_dir: Path, gold: dict[str, Any], name: str) -> None:
    expected = gold["articles"][name]
    lines = (example_dir / name).read_text("utf-8").split("\n")
    header = read_header(split_paragraphs("\n".join(lines)))
    kept, removed = strip_boilerplate(header.body)
    kept_lines = {p.line for p in kept}
    removed_lines = {r.line for r in removed} | {r.line for r in header.removed}
    assert set(expected["boilerplate_lines"]) <= removed_lines
    assert set(expected["content_lines"]) <= kept_lines
    assert not kept_lines & set(expected["boilerplate_lines"])


def test_newsletter_prompt_removed_but_story_about_newsletters_kept() -> None:
    text = "\n".join(
        [
            STORY,
            "Sign up for our free daily newsletter",
            "Get the best stories delivered straight to your inbox every morning.",
            "The newspaper said its subscriptions had fallen by a tenth last year, "
            "and that the newsletter business was growing faster than print.",
        ]
    )
    kept, removed = clean(text)
    assert kept[0] == STORY
    assert kept[-1].startswith("The newspaper said")
    assert removed == {2: "newsletter", 3: "newsletter"}


def test_story_paragraph_between_two_prompts_is_kept() -> None:
    middle = (
        "Russia and China are concerned the Taliban's victory could encourage uprisings in their "
        "own spheres of influence, but both countries are already moving to build ties."
    )
    text = "\n".join(
        [
            STORY,
            "Subscribe to The Daily Planet",
            middle,
            "Sign up for Today's Best Articles in your inbox",
        ]
    )
    kept, removed = clean(text)
    assert middle in kept
    assert set(removed) == {2, 4}


def test_related_article_list_removed() -> None:
    text = "\n".join(
        [
            STORY,
            "-",
            "Why is the senator targeting a state court race?",
            "Today's Big Question His money could help one party, but also produce a backlash",
            "By Jane Roe, The Planet US Published",
            "-",
            "How a drought is changing farming",
            "The explainer Farmers say 'we have no choice' as wells run dry",
            "By John Doe, The Planet UK Published",
        ]
    )
    kept, removed = clean(text)
    assert kept == [STORY]
    assert removed[5] == "byline" and removed[3] == "related" and removed[8] == "related"


def test_inline_related_link_does_not_swallow_the_story_after_it() -> None:
    after = [
        "Linda Woolley, president of the marketing association, said in a statement that such "
        "lists represent a tiny minority of products.",
        "She added that some names of lists may be misleading as to the information they contain.",
    ]
    text = "\n\n".join([STORY, "Related: Find out what Big Data knows about you", *after])
    kept, removed = clean(text)
    assert kept == [STORY, *after]
    assert list(removed.values()) == ["related"]


def test_author_bio_at_the_end_removed_profile_in_the_story_kept() -> None:
    bio = (
        "Peter has worked as a news and culture writer and editor at The Planet since 2008. "
        "He covers politics, world affairs and religion."
    )
    assert classify_paragraph(bio) == "bio"
    kept, removed = clean("\n".join([STORY, STORY.replace("Tuesday", "Monday"), bio]))
    assert removed == {3: "bio"}
    profile = bio.replace("Peter", "Khashoggi")
    kept, removed = clean(
        "\n".join([STORY, "Intro line of the story is here today.", profile, STORY])
    )
    assert profile in kept


@pytest.mark.parametrize(
    "caption",
    [
        "Russian President Vladimir Putin. Credit; Getty images via CBS News.",
        "President Donald Trump speaks during a news conference in the East Room of the White "
        "House in Washington, Thursday, Feb. 16, 2017. (AP Photo/Evan Vucci)",
        "Members of Occupy Philadelphia remain on site at City Hall. "
        "(David M Warren / Staff Photographer)",
        "FILE - In this June 30, 2010 file photo, a senator is seen on Capitol Hill in Washington.",
        "Jonathan Ernst/Reuters",
        "(Image: Getty)",
    ],
)
def test_captions_and_credits(caption: str) -> None:
    assert classify_paragraph(caption) == "caption"


@pytest.mark.parametrize(
    ("paragraph", "kind"),
    [
        (
            "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet "
            "Archive. Flowing in every day, these data are added to the Wayback Machine.",
            "notice",
        ),
        ("Advertisement", "notice"),
        ("Copyright 2017 NPR. All rights reserved.", "notice"),
        ("Follow us on Facebook, Twitter, Google+, Tumblr!", "sharing"),
        ("Facebook Twitter Email", "sharing"),
        ("***", "separator"),
        ("Read more:", "related"),
    ],
)
def test_other_kinds(paragraph: str, kind: str) -> None:
    assert classify_paragraph(paragraph) == kind


@pytest.mark.parametrize(
    "paragraph",
    [
        STORY,
        '"Haha, you would not let me take any of you," the email, allegedly sent from '
        "his email address, stated.",
        "Getty Images, the photo agency, said on Monday that it had agreed to buy a rival for "
        "$1 billion in a deal that would make it the largest picture library in the world, "
        "pending approval by regulators in the United States and Europe.",
        "The new privacy policy for smart TVs allows the company and its partners to listen in on "
        "everything their users say, critics warned on Friday.",
        # From a real page of the Zyte benchmark, once cut as a "like us" prompt.
        "Yes, that's it. No joke. The governor of South Dakota would like us to know that her "
        "state is on meth. You know, like solving the problem. On it!",
    ],
)
def test_story_text_is_not_furniture(paragraph: str) -> None:
    assert classify_paragraph(paragraph) is None


def test_hard_wrapped_and_broken_paragraphs_are_rejoined() -> None:
    wrapped = (
        "Russia has been engaging with the Taliban for years, and the withdrawal\n"
        "of American forces might give it an opportunity to expand its role in the\n"
        "region, analysts in Moscow and Washington said on Monday."
    )
    paragraphs = split_paragraphs(
        wrapped + "\n\nthe FISC in October, but the source lied to\n\nthose who asked."
    )
    assert [p.line for p in paragraphs] == [1, 5]
    assert paragraphs[0].text.startswith("Russia has been") and paragraphs[0].text.endswith(
        "on Monday."
    )
    assert paragraphs[1].text == "the FISC in October, but the source lied to those who asked."


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=80), max_size=30))
def test_nothing_is_lost(lines: list[str]) -> None:
    """Every paragraph of any input is either kept or reported as removed, never dropped."""
    paragraphs = split_paragraphs("\n".join(lines))
    kept, removed = strip_boilerplate(paragraphs)
    assert sorted([p.line for p in kept] + [r.line for r in removed]) == sorted(
        p.line for p in paragraphs
    )


def test_bylines_of_other_articles_but_not_sentences_starting_with_by() -> None:
    assert classify_paragraph("By Rafi Schwartz, The Week US Published") == "byline"
    assert classify_paragraph("By JOHN DOE, Associated Press Writer") == "byline"
    assert classify_paragraph("By Sunday, the long-awaited deal had collapsed in Kabul") is None


ADVERSARIAL = [
    "By Sunday, " + "a" * 200 + "!",
    "By A" + "andA" * 60 + "!",
    "By " + "A and " * 20 + "x!",
    "facebook" * 60 + "!",
    "x" * 300 + "!",
    "(" + "a/" * 200 + ")x",
    "Jonathan" + " Ernst" * 3 + "/" + "Reuters " * 30 + "x",
    "Subscribe " + "your " * 40 + "x",
    "\u201c" * 300 + "By",
]


def test_patterns_stay_fast_on_adversarial_text() -> None:
    """No pattern may backtrack catastrophically: each of these must take milliseconds."""
    import signal

    def too_slow(_signal: int, _frame: object) -> None:
        raise TimeoutError("a boilerplate pattern backtracks catastrophically")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(10)
    try:
        for text in ADVERSARIAL:
            classify_paragraph(text)
            read_header(split_paragraphs(f"{text}\n\n{STORY}"))
            strip_boilerplate(split_paragraphs("\n".join([STORY, text, text, STORY])))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
