"""The installed word table: the embedder's own vectors, ignored when absent, stale or broken."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsweave import Annotation, Settings
from newsweave.analyze.wordtable import WordTable, WordVectors, build_table, vocabulary
from newsweave.story.index import build_index
from newsweave.story.pairs import PairScorer

from .conftest import MODELS

pytestmark = pytest.mark.slow

WORDS = ["embassy", "guarded", "protecting", "taliban", "2021"]


class _Counting:
    """An embedder that counts the words it is asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        self.asked.extend(texts)
        return MODELS.embedder.encode(texts, batch_size)


def test_vocabulary_keeps_lowercase_words_and_numbers() -> None:
    words = vocabulary(["Kabul", "kabul", "U.S.", "don't", "well-being", "3.5", "", "x1"])
    assert {"kabul", "don't", "well-being"} <= set(words)
    assert {"Kabul", "U.S.", "3.5", "", "x1"}.isdisjoint(words)
    assert {"0", "1999", "2100"} <= set(words) and "2101" not in words
    assert words == sorted(words)


def test_the_table_gives_the_embedders_vectors(tmp_path: Path) -> None:
    build_table(WORDS, MODELS.embedder, "model 1", tmp_path)
    table = WordTable.load(tmp_path, "model 1")
    assert table is not None
    counting = _Counting()
    vectors = WordVectors(table, lambda: counting)
    asked = ["protecting", "unheard-of", "guarded", "2021"]
    got = vectors.encode(asked, 256)
    assert counting.asked == ["unheard-of"], "only the word outside the table is embedded"
    expected = MODELS.embedder.encode(asked, 256)
    assert got.dtype == np.float32 and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-6)
    # All words in the table: the embedder is not even made.
    never = WordVectors(table, lambda: pytest.fail("the embedder was loaded"))
    np.testing.assert_allclose(never.encode(["guarded"], 8), expected[2:3], atol=1e-6)


def test_a_table_of_another_model_or_half_written_is_ignored(tmp_path: Path) -> None:
    assert WordTable.load(tmp_path, "model 1") is None, "no table"
    build_table(WORDS, MODELS.embedder, "model 1", tmp_path)
    assert WordTable.load(tmp_path, "model 2") is None, "made with another model"
    (tmp_path / "words.txt").write_text("\n".join(WORDS[:-1]), "utf-8")
    assert WordTable.load(tmp_path, "model 1") is None, "words and rows disagree"
    (tmp_path / "words.json").write_text("{not json", "utf-8")
    assert WordTable.load(tmp_path, "model 1") is None
    (tmp_path / "words.json").write_text(json.dumps({"model": "model 1"}), "utf-8")
    (tmp_path / "words.npy").write_bytes(b"\x93NUMPY garbage")
    assert WordTable.load(tmp_path, "model 1") is None
    counting = _Counting()
    assert WordVectors(None, lambda: counting).encode(WORDS, 8).shape == (5, 384)
    assert counting.asked == WORDS


def test_pair_features_are_the_same_with_or_without_the_table(
    example_annotations: list[Annotation], tmp_path: Path
) -> None:
    settings = Settings()
    index = build_index(example_annotations, settings.neighbour_articles)
    words = sorted({term for terms in index.term_sets for term in terms})
    build_table(words[::2], MODELS.embedder, "model 1", tmp_path)  # half the words in it
    table = WordTable.load(tmp_path, "model 1")
    pairs = [
        (i, j)
        for i in range(len(index.sentences))
        for article in index.near_articles(i)
        for j in index.candidates(i, article)
    ]
    with_table = PairScorer(index, WordVectors(table, lambda: MODELS.embedder))
    without = PairScorer(index, WordVectors(None, lambda: MODELS.embedder))
    with_table.prepare(pairs)
    without.prepare(pairs)
    assert pairs
    soft = [with_table.features(i, j) for i, j in pairs]
    # Equal up to float32 rounding: a word's vector in the table was embedded in another batch.
    for mine, theirs in zip(soft, [without.features(i, j) for i, j in pairs], strict=True):
        assert mine == pytest.approx(theirs, abs=1e-6)
    # The soft overlap was really computed from word vectors: it exceeds the exact overlap.
    assert any(f[1] > f[3] for f in soft)
