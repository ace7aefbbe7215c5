"""Sentence embeddings: the all-MiniLM-L6-v2 encoder run as a NumPy forward pass.

Why by hand: sentence-transformers computes exactly this, but importing it (with transformers
and torch) takes about 3.5 s on a 2-core laptop, and torch being importable also makes spaCy
import it (another second). A brief of two articles must be ready in under 3 s cold, so the
six-layer BERT encoder, mean pooling and L2 normalisation are written out here over the same
weights (read with `safetensors`) and the same tokenizer (HF `tokenizers`). The result matches
sentence-transformers to about 1e-6 (tests/test_encoder.py checks a reference fixture made by
sentence-transformers itself). The torch backend stays available for GPU work (`nlp.py`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.blas import one_blas_thread

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float32]

# Abramowitz & Stegun 7.1.26, max abs error 1.5e-7: below float32 resolution for GELU's inputs,
# and it avoids importing SciPy (0.3 s) for a single special function.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


@dataclass(frozen=True)
class _Layer:
    """Weights of one transformer layer, pre-transposed for `x @ w`."""

    qkv_w: FloatArray
    qkv_b: FloatArray
    out_w: FloatArray
    out_b: FloatArray
    ln1_g: FloatArray
    ln1_b: FloatArray
    up_w: FloatArray
    up_b: FloatArray
    down_w: FloatArray
    down_b: FloatArray
    ln2_g: FloatArray
    ln2_b: FloatArray


class MiniLMEncoder:
    """A BERT-style sentence encoder (mean pooled, normalised) loaded from a model directory.

    The directory is a sentence-transformers model folder: `config.json`, `model.safetensors`,
    `tokenizer.json` and `sentence_bert_config.json`. `threads` batches run at once (see
    `_encode_into`); the results do not depend on it.
    """

    def __init__(self, model_dir: Path, threads: int = 1) -> None:
        import numpy as np

        self.threads = threads
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        st_config = json.loads(
            (model_dir / "sentence_bert_config.json").read_text(encoding="utf-8")
        )
        self.dimensions: int = int(config["hidden_size"])
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config["layer_norm_eps"])
        max_tokens = int(st_config.get("max_seq_length", 256))

        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        # Texts are padded here, batch by batch (tokenizer.json may ask for padding of its own).
        self._tokenizer.no_padding()
        self._pad_id = int(config.get("pad_token_id", 0))

        weights = load_file(str(model_dir / "model.safetensors"))

        def get(name: str) -> FloatArray:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        self._word = get("embeddings.word_embeddings.weight")
        self._position = get("embeddings.position_embeddings.weight")
        self._token_type = get("embeddings.token_type_embeddings.weight")[0]
        self._emb_ln = (get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"))
        layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            attn = p + "attention.self."
            layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(
                        np.concatenate(
                            [get(attn + n + ".weight") for n in ("query", "key", "value")]
                        ).T
                    ),
                    qkv_b=np.concatenate(
                        [get(attn + n + ".bias") for n in ("query", "key", "value")]
                    ),
                    out_w=np.ascontiguousarray(get(p + "attention.output.dense.weight").T),
                    out_b=get(p + "attention.output.dense.bias"),
                    ln1_g=get(p + "attention.output.LayerNorm.weight"),
                    ln1_b=get(p + "attention.output.LayerNorm.bias"),
                    up_w=np.ascontiguousarray(get(p + "intermediate.dense.weight").T),
                    up_b=get(p + "intermediate.dense.bias"),
                    down_w=np.ascontiguousarray(get(p + "output.dense.weight").T),
                    down_b=get(p + "output.dense.bias"),
                    ln2_g=get(p + "output.LayerNorm.weight"),
                    ln2_b=get(p + "output.LayerNorm.bias"),
                )
            )
        self._layers = tuple(layers)

    def encode(self, texts: Sequence[str], batch_size: int) -> FloatArray:
        """Embed texts as unit-length float32 vectors, one row per text, in input order.

        Args:
            texts: The sentences to embed; an empty sequence gives a (0, dimensions) array.
            batch_size: Texts per forward pass (sentences are best embedded a few at a time
                on a CPU, single words hundreds at a time).

        Returns:
            A (len(texts), dimensions) float32 array of L2-normalised embeddings.
        """
        import numpy as np

        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        with one_blas_thread():
            self._encode_into(out, encodings, batch_size)
        return out

    def _encode_into(self, out: FloatArray, encodings: list[Any], batch_size: int) -> None:
        import numpy as np

        # Batches of texts with the same number of tokens or close waste no work on padding;
        # ties keep input order, so the same texts always make the same batches.
        order = sorted(range(len(encodings)), key=lambda i: (len(encodings[i].ids), i))
        batches = [order[first : first + batch_size] for first in range(0, len(order), batch_size)]

        def run(batch: list[int]) -> None:
            length = max(len(encodings[i].ids) for i in batch)
            ids = np.full((len(batch), length), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.float32)
            for row, i in enumerate(batch):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            out[batch] = self._forward(ids, mask)

        # Whole batches go to threads, each on one BLAS thread: the same batches and the same
        # single-threaded products as on one thread, so the same bits (two BLAS threads change
        # the last bit), and NumPy releases the GIL inside them. Threads wait without spinning,
        # unlike OpenBLAS's own, so they share a busy machine fairly.
        if self.threads > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(self.threads, len(batches))) as pool:
                list(pool.map(run, batches))
        else:
            for batch in batches:
                run(batch)

    def _forward(self, ids: npt.NDArray[np.int64], mask: FloatArray) -> FloatArray:
        """The encoder on one padded batch: mean-pooled, normalised embeddings."""
        import numpy as np

        n, length = ids.shape
        width = self.dimensions
        hidden = self._word[ids] + self._position[:length][None, :, :] + self._token_type
        # Dense layers run on (tokens, width): one matrix product per layer instead of one per
        # text, which is several times faster for short texts such as single words.
        flat = _layer_norm(hidden.reshape(n * length, width), *self._emb_ln, self._eps)
        # Padding keys get a large negative score so softmax gives them no weight.
        key_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        head_dim = width // self._heads
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for layer in self._layers:
            qkv = flat @ layer.qkv_w + layer.qkv_b
            qkv = qkv.reshape(n, length, 3, self._heads, head_dim).transpose(2, 0, 3, 1, 4)
            query, key, value = qkv[0], qkv[1], qkv[2]
            scores = (query @ key.transpose(0, 1, 3, 2)) * scale + key_bias
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ value).transpose(0, 2, 1, 3).reshape(n * length, width)
            flat = _layer_norm(
                flat + context @ layer.out_w + layer.out_b, layer.ln1_g, layer.ln1_b, self._eps
            )
            up = _gelu(flat @ layer.up_w + layer.up_b)
            flat = _layer_norm(
                flat + up @ layer.down_w + layer.down_b, layer.ln2_g, layer.ln2_b, self._eps
            )
        hidden = flat.reshape(n, length, width)
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(
            mask.sum(axis=1, keepdims=True), 1e-9
        )
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: FloatArray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result


def _layer_norm(x: FloatArray, gain: FloatArray, bias: FloatArray, eps: float) -> FloatArray:
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    variance = (centered * centered).mean(axis=-1, keepdims=True)
    import numpy as np

    result: FloatArray = centered / np.sqrt(variance + np.float32(eps)) * gain + bias
    return result


def _gelu(x: FloatArray) -> FloatArray:
    """The exact (erf) GELU that BERT uses, computed in place on x's buffer where possible."""
    import numpy as np

    # erf(z) for z = x / sqrt(2), by Abramowitz & Stegun 7.1.26, with as few temporaries as the
    # (n, tokens, 1536) activations allow: this is a fifth of the encoder's time.
    z = np.abs(x) * np.float32(1.0 / np.sqrt(2.0))
    t = z * np.float32(_ERF_P)
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * np.float32(_ERF_A[4])
    for coefficient in (_ERF_A[3], _ERF_A[2], _ERF_A[1], _ERF_A[0]):
        poly += np.float32(coefficient)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    # 1 + erf(|x|/sqrt 2) * sign(x), times x / 2.
    np.subtract(1.0, poly, out=poly)
    poly *= np.sign(x)
    poly += 1.0
    poly *= x
    poly *= np.float32(0.5)
    result: FloatArray = poly
    return result
