"""Support between articles: mutual best matches that share informative words, nothing less."""

from __future__ import annotations

from newsweave import Settings
from newsweave.story.index import build_index
from newsweave.story.support import find_support, says_the_same

from .test_summarize import annotation, vector

EMBASSY = "Russia kept its embassy in Kabul open while Western nations evacuated theirs."
EMBASSY_AGAIN = "Unlike Western nations, Russia kept its Kabul embassy open, evacuating some staff."
EMBASSY_NEARLY = "The Russian embassy in Kabul stayed open after the Western evacuation."
TOPIC_ONLY = "Russia and the Taliban have talked for years about Kabul and the embassy question."
OTHER = "Pakistan's prime minister appeared to celebrate the takeover on Monday."


def test_a_restatement_in_another_article_supports() -> None:
    story = [
        annotation("a", [(EMBASSY, vector((0, 1.0))), (OTHER, vector((1, 1.0)))]),
        annotation("b", [(EMBASSY_AGAIN, vector((0, 1.0), (2, 0.2)))]),
    ]
    index = build_index(story, Settings().neighbour_articles)
    assert find_support(index, 0, Settings()) == [2]
    assert find_support(index, 2, Settings()) == [0]
    assert find_support(index, 1, Settings()) == []


def test_only_a_mutual_best_match_supports() -> None:
    # EMBASSY_AGAIN is the closest sentence of b to EMBASSY_NEARLY, but EMBASSY (not
    # EMBASSY_NEARLY) is its closest in a: only EMBASSY gets b's citation.
    story = [
        annotation(
            "a",
            [(EMBASSY, vector((0, 1.0))), (EMBASSY_NEARLY, vector((0, 1.0), (3, 0.6)))],
        ),
        annotation("b", [(EMBASSY_AGAIN, vector((0, 1.0), (2, 0.1)))]),
    ]
    index = build_index(story, Settings().neighbour_articles)
    assert find_support(index, 0, Settings()) == [2]
    assert find_support(index, 1, Settings()) == []


def test_topic_words_alone_do_not_make_support() -> None:
    story = [
        annotation("a", [(EMBASSY, vector((0, 1.0)))]),
        annotation("b", [(TOPIC_ONLY, vector((0, 1.0), (4, 0.3)))]),
        annotation(
            "c",
            [(OTHER, vector((1, 1.0))), (TOPIC_ONLY.replace("years", "months"), vector((5, 1.0)))],
        ),
    ]
    index = build_index(story, Settings().neighbour_articles)
    assert index.cosine(0, 1) > 0.9, "the embeddings alone would call these the same"
    # "russia", "kabul" and "embassy" are in three of the four sentences: topic, not evidence.
    assert not index.share_informative_word(0, 1)
    assert not says_the_same(index, 0, 1, Settings())
    assert find_support(index, 0, Settings()) == []
