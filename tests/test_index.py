"""The story index keeps each sentence's nearest sentences of other articles, as a full matrix."""

from __future__ import annotations

import numpy as np
import pytest

from newsweave import Annotation, Article, Sentence, Vectors
from newsweave.story.index import NEAR_COSINE, NEAR_PER_ARTICLE, build_index


def random_story(articles: int, sentences: int, seed: int) -> list[Annotation]:
    """Articles of random unit vectors close to a few shared directions, like one story."""
    generator = np.random.default_rng(seed)
    topics = generator.normal(size=(4, 16))
    story = []
    for number in range(articles):
        count = int(generator.integers(1, sentences + 1))
        text = " ".join(f"s{k}." for k in range(count))
        article = Article(id=f"a{number}", text=text)
        spans, start = [], 0
        for k in range(count):
            word = f"s{k}."
            spans.append(Sentence(article.span(start, start + len(word)), (f"w{k}",), 0))
            start += len(word) + 1
        rows = topics[generator.integers(0, 4, size=count)] + generator.normal(
            scale=0.8, size=(count, 16)
        )
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        story.append(Annotation(article, tuple(spans), (), Vectors.from_array(rows)))
    return story


def full_matrix_neighbours(story: list[Annotation]) -> dict[tuple[int, int], list[int]]:
    """(sentence, article) -> the nearest sentences of that article, from the full matrix."""
    embeddings = np.vstack([a.embeddings for a in story])
    owner = np.concatenate([[n] * len(a.sentences) for n, a in enumerate(story)])
    cosine = embeddings @ embeddings.T
    expected = {}
    for i in range(len(owner)):
        for article in range(len(story)):
            if article == owner[i]:
                continue
            members = np.flatnonzero(owner == article)
            order = members[np.argsort(-cosine[i, members], kind="stable")]
            near = [int(j) for j in order[:NEAR_PER_ARTICLE] if cosine[i, j] >= NEAR_COSINE]
            if near:
                expected[(i, article)] = near
    return expected


def test_small_stories_match_the_full_matrix() -> None:
    for seed in range(5):
        story = random_story(articles=12, sentences=30, seed=seed)
        index = build_index(story, neighbour_articles=50)
        expected = full_matrix_neighbours(story)
        found = {
            (i, article): index.candidates(i, article)
            for i in range(len(index.sentences))
            for article in index.near_articles(i)
        }
        assert found == expected
        for (i, article), near in expected.items():
            assert index.closest(i, article) == near[0]


def test_large_stories_keep_only_the_closest_articles() -> None:
    story = random_story(articles=40, sentences=6, seed=7)
    index = build_index(story, neighbour_articles=5)
    expected = full_matrix_neighbours(story)
    for i in range(len(index.sentences)):
        kept = index.near_articles(i)
        assert len(kept) <= 5
        best = sorted(
            (-index.cosine(i, near[0]), article)
            for (row, article), near in expected.items()
            if row == i
        )
        assert sorted(kept) == sorted(article for _, article in best[:5])


def test_blocks_do_not_change_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsweave.story.index as module

    story = random_story(articles=8, sentences=20, seed=3)
    whole = build_index(story, 50)
    monkeypatch.setattr(module, "_BLOCK_ROWS", 7)
    blocked = build_index(story, 50)
    assert np.array_equal(whole.near_start, blocked.near_start)
    assert np.array_equal(whole.near, blocked.near)


def test_empty_and_single_article_stories() -> None:
    empty = Annotation(
        Article(id="e", text="x"), (), (), Vectors.from_array(np.zeros((0, 4), np.float32))
    )
    index = build_index([empty], 50)
    assert len(index.sentences) == 0 and list(index.near_start) == [0]
    one = random_story(articles=1, sentences=5, seed=1)
    index = build_index(one, 50)
    assert all(index.near_articles(i) == [] for i in range(len(index.sentences)))
