"""Word vectors made once, at install time, for the claims' soft word overlap.

Claims compare the words of sentence pairs by meaning ("protecting" ~ "guarded"), and a word's
MiniLM vector costs a forward pass, as much as a short sentence: embedding a story's words at
run time was most of a cold brief's weaving and most of `brief --annotations`. `make install`
therefore embeds a fixed vocabulary once and stores it in the environment (`share/newsweave/`
under `sys.prefix`): the lowercase words of the spaCy model's own vocabulary (about 50,000, from
the news and web text it was trained on, which covers over 90% of the content words of news
articles) and the numbers 0 to 2100. Words outside it are embedded at run time, as before.

The vectors are the embedder's own, computed the same way, so the brief does not depend on
whether the table is there; the table names the model it was made with and is ignored when that
differs from the installed one. It is data made by this script, not a download.

    python -m newsweave.analyze.wordtable            # build the table for the installed model
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from newsweave.analyze.nlp import Embedder

_WORD = re.compile(r"[a-z][a-z'-]*")
_NUMBERS = range(2101)
# Words are a few tokens each: large batches waste almost nothing on padding.
WORD_BATCH = 256


def table_dir() -> Path:
    """Where the installed word table lives: inside the Python environment."""
    return Path(sys.prefix) / "share" / "newsweave"


class WordTable:
    """Stored word vectors: a word list and a float32 matrix, one row per word.

    Args:
        words: The words, in row order.
        vectors: The (len(words), dimensions) matrix, usually memory-mapped.
    """

    def __init__(self, words: Sequence[str], vectors: npt.NDArray[np.float32]) -> None:
        self.row = {word: i for i, word in enumerate(words)}
        self.vectors = vectors

    @classmethod
    def load(cls, folder: Path, model: str) -> WordTable | None:
        """The table in `folder` made with `model`, or None when there is none or it differs."""
        import numpy as np

        try:
            about = json.loads((folder / "words.json").read_text("utf-8"))
            if about.get("model") != model:
                return None
            words = (folder / "words.txt").read_text("utf-8").split("\n")
            vectors = np.load(folder / "words.npy", mmap_mode="r")
        except (OSError, ValueError):
            return None
        if vectors.shape[0] != len(words) or vectors.dtype != np.float32:
            return None
        return cls(words, vectors)


class WordVectors:
    """An `Embedder` for single words: table rows where it has them, the encoder otherwise.

    Args:
        table: The installed table, or None.
        embedder: Called only when a word is missing from the table, so a brief whose words are
            all in the table never loads the encoder.
    """

    def __init__(self, table: WordTable | None, embedder: Callable[[], Embedder]) -> None:
        self._table = table
        self._embedder = embedder

    def encode(self, texts: Sequence[str], batch_size: int) -> npt.NDArray[np.float32]:
        """The vectors of `texts` (words), one unit-length row each, in input order."""
        import numpy as np

        row = self._table.row if self._table else {}
        known = [i for i, word in enumerate(texts) if word in row]
        unknown = [i for i, word in enumerate(texts) if word not in row]
        if not unknown:
            assert self._table is not None
            return np.array(self._table.vectors[[row[texts[i]] for i in known]])
        computed = self._embedder().encode([texts[i] for i in unknown], batch_size)
        out = np.zeros((len(texts), computed.shape[1]), dtype=np.float32)
        out[unknown] = computed
        if known:
            assert self._table is not None
            out[known] = self._table.vectors[[row[texts[i]] for i in known]]
        return out


def vocabulary(spacy_strings: Sequence[str]) -> list[str]:
    """The table's words: lowercase words of a spaCy vocabulary, and the numbers 0 to 2100."""
    words = {word for word in spacy_strings if _WORD.fullmatch(word)}
    words.update(str(number) for number in _NUMBERS)
    return sorted(words)


def build_table(words: Sequence[str], embedder: Embedder, model: str, folder: Path) -> Path:
    """Embed `words` and write the table to `folder`, replacing any table there atomically.

    Args:
        words: The vocabulary.
        embedder: The embedder whose vectors the claims use.
        model: The name and version of its model, checked when the table is loaded.
        folder: Where to write `words.txt`, `words.npy` and `words.json`.

    Returns:
        The folder.
    """
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    vectors = embedder.encode(words, WORD_BATCH)
    # words.json is written last and names the model: a table cut short by a killed build has
    # no (or an old) words.json that matches, so it is never read half made.
    (folder / "words.json").unlink(missing_ok=True)
    np.save(folder / "words.npy", vectors)
    (folder / "words.txt").write_text("\n".join(words), "utf-8")
    about = {"model": model, "words": len(words), "dimensions": int(vectors.shape[1])}
    (folder / "words.json").write_text(json.dumps(about) + "\n", "utf-8")
    return folder


def main() -> None:
    """Build the word table of the installed models (run by `make install`)."""
    from newsweave.analyze.nlp import Models
    from newsweave.config import Settings

    models = Models(Settings())
    started = time.perf_counter()
    words = vocabulary(list(models.spacy.vocab.strings))
    folder = build_table(words, models.embedder, models.embedder_model(), table_dir())
    seconds = time.perf_counter() - started
    print(f"newsweave: embedded {len(words)} words into {folder} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
