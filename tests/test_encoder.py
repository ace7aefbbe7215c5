"""The NumPy MiniLM encoder gives what sentence-transformers gives (reference made by it)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from newsweave import Annotation

from .conftest import DATA, MODELS

pytestmark = pytest.mark.slow  # loads the NLP models or runs the CLI


def test_numpy_encoder_matches_sentence_transformers() -> None:
    reference = json.loads((DATA / "minilm_reference.json").read_text("utf-8"))
    encoder = MODELS.embedder
    vectors = encoder.encode(reference["sentences"], 8)
    expected = np.array(reference["embeddings"], dtype=np.float32)
    assert vectors.shape == expected.shape == (6, 384)
    assert np.abs(vectors - expected).max() < 1e-5
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_order_and_batching_do_not_change_embeddings() -> None:
    encoder = MODELS.embedder
    texts = ["The Taliban took Kabul.", "Russia kept its embassy open in Kabul on Monday.", "Yes."]
    one_by_one = np.vstack([encoder.encode([t], 8) for t in texts])
    together = encoder.encode(list(reversed(texts)), 8)[::-1]
    assert np.abs(one_by_one - together).max() < 1e-5


def test_empty_input_gives_empty_matrix() -> None:
    assert MODELS.embedder.encode([], 8).shape == (0, 384)


def test_threads_give_the_same_bits(example_annotations: list[Annotation]) -> None:
    from newsweave.analyze.encoder import MiniLMEncoder
    from newsweave.analyze.nlp import minilm_dir

    sentences = [s.span.text for a in example_annotations for s in a.sentences]
    one = MiniLMEncoder(minilm_dir(), threads=1).encode(sentences, 8)
    two = MiniLMEncoder(minilm_dir(), threads=2).encode(sentences, 8)
    assert len(sentences) > 16 and np.array_equal(one, two)
