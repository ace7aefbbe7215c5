"""Summarizers on hand-built annotations: budget, redundancy, citations, candidate rules."""

from __future__ import annotations

import numpy as np
import pytest

from newsweave import (
    Annotation,
    Article,
    Sentence,
    Settings,
    SettingsError,
    SummarySentence,
    Vectors,
)
from newsweave.config import SUMMARIZER_NAMES
from newsweave.story.index import build_index
from newsweave.story.summarize import SUMMARIZERS
from newsweave.story.summarize import summarize_story as summarize_index

from .conftest import aligned

DIMENSIONS = 8


def vector(*weights: tuple[int, float]) -> np.ndarray:
    row = np.zeros(DIMENSIONS, dtype=np.float32)
    for axis, weight in weights:
        row[axis] = weight
    return row / np.linalg.norm(row)


def annotation(article_id: str, sentences: list[tuple[str, np.ndarray]]) -> Annotation:
    """An article whose paragraphs are the given sentences, with terms from their long words."""
    text = "\n\n".join(text for text, _ in sentences)
    article = Article(id=article_id, text=text)
    built, start = [], 0
    for number, (sentence, _) in enumerate(sentences):
        terms = tuple(
            w.strip('.,"“”').lower() for w in sentence.split() if len(w.strip('.,"“”')) > 3
        )
        built.append(Sentence(article.span(start, start + len(sentence)), terms, number))
        start += len(sentence) + 2
    return Annotation(
        article, tuple(built), (), Vectors.from_array(np.vstack([v for _, v in sentences]))
    )


def summarize_story(story: list[Annotation], settings: Settings) -> tuple[SummarySentence, ...]:
    index = build_index(story, settings.neighbour_articles)
    return summarize_index(index, settings, aligned(index, settings))


EMBASSY_A = (
    "Russia kept its embassy in Kabul open while Western nations evacuated theirs on Sunday."
)
EMBASSY_B = (
    "Unlike Western nations, Russia kept its Kabul embassy open and evacuated only some staff."
)
GUARDS = (
    "Taliban fighters now guard the perimeter of the Russian compound "
    "day and night, officials said."
)
RECOGNITION = (
    "Moscow will decide on recognition of the new government based on its conduct, the envoy said."
)
PAKISTAN = (
    "Pakistan's prime minister appeared to celebrate the takeover in remarks on Monday morning."
)
HISTORY = (
    "Russia listed the group as a terrorist organisation in 2003 "
    "but has hosted its delegations since 2018."
)


@pytest.fixture
def story() -> list[Annotation]:
    return [
        annotation(
            "a",
            [
                (EMBASSY_A, vector((0, 1.0))),
                (GUARDS, vector((1, 1.0))),
                (PAKISTAN, vector((2, 1.0), (0, 0.2))),
            ],
        ),
        annotation(
            "b",
            [
                (EMBASSY_B, vector((0, 1.0), (3, 0.3))),
                (RECOGNITION, vector((4, 1.0))),
                (HISTORY, vector((5, 1.0), (4, 0.2))),
            ],
        ),
    ]


@pytest.mark.parametrize("name", sorted(SUMMARIZERS))
@pytest.mark.parametrize("words", [15, 30, 60, 150])
def test_word_budget_is_respected(story: list[Annotation], name: str, words: int) -> None:
    summary = summarize_story(story, Settings(summarizer=name, summary_words=words))
    assert sum(len(s.text.split()) for s in summary) <= words
    assert summary, "a budget that fits a sentence gives a sentence"


def test_byte_budget_is_respected(story: list[Annotation]) -> None:
    summary = summarize_story(story, Settings(summary_bytes=200))
    assert len(" ".join(s.text for s in summary).encode()) <= 200


def test_same_fact_appears_once_and_cites_both_articles(story: list[Annotation]) -> None:
    summary = summarize_story(story, Settings(summary_words=150))
    texts = [s.text for s in summary]
    assert (EMBASSY_A in texts) != (EMBASSY_B in texts), "the repeated fact is chosen once"
    (embassy,) = [s for s in summary if s.text in (EMBASSY_A, EMBASSY_B)]
    assert embassy.articles in (("a", "b"), ("b", "a"))
    others = [s for s in summary if s is not embassy]
    assert all(len(s.articles) == 1 for s in others)


def test_every_source_span_resolves(story: list[Annotation]) -> None:
    texts = {a.article.id: a.article.text for a in story}
    for sentence in summarize_story(story, Settings()):
        assert sentence.sources[0].text == sentence.text
        assert all(span.resolves_in(texts[span.article]) for span in sentence.sources)


def test_questions_fragments_and_quote_middles_are_not_candidates() -> None:
    question = "Will Moscow recognize the new government in Kabul before the end of the year?"
    short = "Russia waits."
    opening = "“We are now being guarded by the Taliban, their big unit."
    middle = (
        "They made a good impression on us, well-armed guys who stood along the outer perimeter."
    )
    closing = "No one could penetrate us,” the ambassador said on Russian state television."
    normal = "Moscow kept its embassy in Kabul open while Western nations left."
    text = f"{opening} {middle} {closing}"
    article = Article(id="q", text=f"{question}\n\n{short}\n\n{text}\n\n{normal}")
    spans = [(0, len(question)), (len(question) + 2, len(question) + 2 + len(short))]
    base = len(question) + len(short) + 4
    spans += [
        (base, base + len(opening)),
        (base + len(opening) + 1, base + len(opening) + 1 + len(middle)),
        (base + len(text) - len(closing), base + len(text)),
        (len(article.text) - len(normal), len(article.text)),
    ]
    sentences = tuple(Sentence(article.span(s, e), ("moscow",), 0) for s, e in spans)
    vectors = np.vstack([vector((i, 1.0)) for i in range(len(sentences))])
    summary = summarize_story(
        [Annotation(article, sentences, (), Vectors.from_array(vectors))], Settings()
    )
    chosen = {s.text for s in summary}
    assert chosen == {normal}, "no part of the multi-sentence quotation can stand alone"


def test_lead_summarizer_takes_leads_first(story: list[Annotation]) -> None:
    summary = summarize_story(story, Settings(summarizer="lead", summary_words=30))
    # Leads of a and b, then second sentences; EMBASSY_B is skipped as it repeats EMBASSY_A.
    assert [s.text for s in summary] == [EMBASSY_A, GUARDS]


def test_deterministic(story: list[Annotation]) -> None:
    assert summarize_story(story, Settings()) == summarize_story(story, Settings())


def test_unknown_summarizer_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="invalid setting summarizer='magic'"):
        Settings(summarizer="magic")
    assert tuple(SUMMARIZERS) == SUMMARIZER_NAMES


def test_empty_story_gives_empty_summary() -> None:
    empty = Annotation(
        Article(id="e", text="x"),
        (),
        (),
        Vectors.from_array(np.zeros((0, DIMENSIONS), dtype=np.float32)),
    )
    assert summarize_story([empty], Settings()) == ()


def test_an_article_of_fragments_falls_back_to_its_longer_parts() -> None:
    opening = '"Unbalanced quote here and it goes on for a while, said nobody in particular'
    article = Article(id="f", text=f"{opening}\n\nHi there.")
    sentences = (
        Sentence(article.span(0, len(opening)), ("unbalanced",), 0),
        Sentence(article.span(len(opening) + 2, len(article.text)), (), 1),
    )
    vectors = np.vstack([vector((0, 1.0)), vector((1, 1.0))])
    summary = summarize_story(
        [Annotation(article, sentences, (), Vectors.from_array(vectors))], Settings()
    )
    assert [s.text for s in summary] == [opening]


def test_non_latin_stories_get_a_summary() -> None:
    russian = [
        "Россия сохранила своё посольство в Кабуле открытым, когда западные страны уехали.",
        "Талибы теперь охраняют периметр российского посольства днём и ночью.",
    ]
    chinese = [
        "俄罗斯在西方国家撤离时仍然保持其驻喀布尔大使馆开放。",
        "塔利班武装分子现在日夜守卫俄罗斯大院的周边。",
    ]
    for sentences in (russian, chinese):
        story = [
            annotation("a", [(s, vector((k, 1.0))) for k, s in enumerate(sentences)]),
            annotation("b", [(s + " ", vector((k + 2, 1.0))) for k, s in enumerate(sentences)]),
        ]
        for name in SUMMARIZERS:
            assert summarize_story(story, Settings(summarizer=name)), (name, sentences[0])


def test_lead_keeps_the_lead_order_even_for_pronoun_openings() -> None:
    first = "This is the first time the league has cancelled games in its 51-year history."
    story = [
        annotation("a", [(first, vector((0, 1.0))), (GUARDS, vector((1, 1.0)))]),
        annotation("b", [(RECOGNITION, vector((2, 1.0)))]),
    ]
    summary = summarize_story(story, Settings(summarizer="lead", summary_words=32))
    assert [s.text for s in summary][:2] == [first, RECOGNITION]


def test_the_same_text_is_never_chosen_twice() -> None:
    # Different embeddings (as from another embedder), identical text: still a repeat.
    story = [
        annotation("a", [(EMBASSY_A, vector((0, 1.0))), (GUARDS, vector((1, 1.0)))]),
        annotation("b", [(EMBASSY_A, vector((5, 1.0))), (PAKISTAN, vector((2, 1.0)))]),
    ]
    for name in SUMMARIZERS:
        texts = [s.text for s in summarize_story(story, Settings(summarizer=name))]
        assert len(texts) == len(set(texts)), name


def test_concept_sums_do_not_depend_on_set_order() -> None:
    import math

    from newsweave.story.concepts import covered_weight

    weights = {("a",): 1e16, ("b",): 1.0, ("c",): -1e16, ("d",): 1.0}
    assert covered_weight(list(weights), weights) == math.fsum(weights.values()) == 2.0
    assert covered_weight(list(reversed(weights)), weights) == 2.0
