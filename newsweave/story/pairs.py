"""The pair model: the probability that two sentences of different articles state the same fact.

Within one story every sentence shares the topic, so closeness in meaning alone (MiniLM cosine)
groups sentences that name the same people but state different facts. The model weighs the
evidence a careful reader uses: closeness in meaning, shared content words (exact and of like
meaning, IDF-weighted so that topic words count little), how much of the less covered sentence
the other covers (a fact in a side clause is not the sentence's fact), whether the two name the
same actors, give the same numbers and quote the same speaker, and whether each is the other's
best match. A differing
number, date or polarity is not weighed but checked (conflicts.py): it makes the pair a
contradiction to report, never the same fact.

The model is a logistic regression over the features, trained by
`benchmarks/train_pair_model.py` on the project's labelled sentence pairs (docs/labelling.md),
and shipped as `pair_model.json` beside this module: a dozen numbers, no text, nothing fetched.
No offline NLI or paraphrase model comes in a pinned PyPI package
(../shared/eval/pairs/NOTES.md); a MiniLM cross-encoder fine-tuned here on the labelled pairs
was tried and generalised worse to unseen stories than these features (docs/evaluation.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from newsweave.analyze.nlp import Embedder
from newsweave.analyze.wordtable import WORD_BATCH
from newsweave.models import Span
from newsweave.story.conflicts import Conflict, Statement, find_conflicts, name_key
from newsweave.story.index import StoryIndex

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Pairs less similar than this are scored on exact words: too far apart to be one claim.
_SOFT_COSINE = 0.45
# Word vectors at least this similar count as a soft match; below, words are unrelated.
_WORD_MATCH = 0.6
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})

FEATURES = (
    "cosine",
    "soft_overlap",
    "soft_coverage",
    "word_overlap",
    "informative",
    "mutual",
    "actors_unmatched",
    "number_shared",
    "same_speaker",
)
# Differences that keep two near-identical sentences from being one fact. Names are left out: on
# the labelled pairs a differing name marked 15 pairs, none of which contradicted (other words
# for one actor, "the Oval Office" / "the White House").
CONFLICT_KINDS = frozenset({"number", "date", "negation"})
# The differences a brief reports as "sources differ". A differing polarity only keeps the two
# apart: read off the words, it was right on none of the labelled pairs it marked ("no longer
# needed to test" / "will suspend tests"), so the brief abstains rather than report it.
REPORTED_KINDS = frozenset({"number", "date"})


@dataclass(frozen=True)
class PairModel:
    """A logistic regression over FEATURES, and the probability from which a pair is aligned."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    @classmethod
    def load(cls) -> PairModel:
        """The model shipped with the package (pair_model.json)."""
        text = resources.files("newsweave.story").joinpath("pair_model.json").read_text("utf-8")
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError("pair_model.json was trained on other features; retrain it")
        return cls(tuple(data["weights"]), float(data["bias"]), float(data["threshold"]))

    def probability(self, features: Sequence[float]) -> float:
        """The probability that a pair with these features states the same fact."""
        z = self.bias + math.fsum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


def statement_of(index: StoryIndex, sentence: int) -> Statement:
    """What conflicts.py compares in one sentence: names, dates and terms inside it."""
    annotation = index.annotations[index.article_of[sentence]]
    span = index.sentences[sentence].span

    def inside(other: Span) -> bool:
        return span.start <= other.start and other.end <= span.end

    return Statement(
        text=span.text,
        names=tuple((e.label, e.span.text) for e in annotation.entities if inside(e.span)),
        # Only dates the words give in full: a relative date ("Tuesday", "today") is resolved
        # against each article's own publication date, and a wire story re-filed the next day
        # would then contradict itself.
        dates=tuple(
            (t.value, t.span.text)
            for t in annotation.times
            if inside(t.span)
            and t.type in ("DATE", "TIME")
            and t.anchor == "text"
            and not t.value.endswith("_REF")
        ),
        terms=index.sentences[sentence].terms,
    )


class PairScorer:
    """The features of sentence pairs of one story, computed on demand and cached.

    Word vectors cost a forward pass each, as much as a short sentence, so only the words of
    pairs close enough in meaning to be the same claim (cosine >= _SOFT_COSINE) are embedded;
    other pairs get their exact word overlap as the soft one.
    """

    def __init__(self, index: StoryIndex, embedder: Embedder) -> None:
        import numpy as np

        self.index = index
        self._embedder = embedder
        self._ordered = [sorted(terms) for terms in index.term_sets]
        self._statements: dict[int, Statement] = {}
        self._actors: dict[int, list[set[str]]] = {}
        self._speakers: dict[int, list[set[str]]] = {}
        # Each word's vector is one row of a table that grows by doubling; a sentence keeps the
        # rows of its terms and their IDF weights. Stacking vectors per pair cost more than the
        # products themselves, and a stacked copy per sentence cost hundreds of MB in big stories.
        self._row: dict[str, int] = {}
        self._table: npt.NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self._words_of: dict[int, tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]] = {}

    def prepare(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Embed, in one batch, the words of the pairs that will get a soft overlap."""
        self._embed(
            {
                term
                for pair in pairs
                if self.index.cosine(*pair) >= _SOFT_COSINE
                for sentence in pair
                for term in self._ordered[sentence]
            }
        )

    def _embed(self, terms: Iterable[str]) -> None:
        """Give each term not yet in the table a row with its vector."""
        import numpy as np

        missing = sorted(set(terms) - self._row.keys())
        if not missing:
            return
        vectors = self._embedder.encode(missing, WORD_BATCH)
        size = len(self._row)
        if size + len(missing) > len(self._table):
            rows = max(2 * len(self._table), size + len(missing))
            grown = np.zeros((rows, vectors.shape[1]), dtype=np.float32)
            if size:
                grown[:size] = self._table[:size]
            self._table = grown
        self._table[size : size + len(missing)] = vectors
        self._row.update((term, size + k) for k, term in enumerate(missing))

    def _words(self, sentence: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """The table rows of a sentence's terms, and the terms' IDF weights."""
        import numpy as np

        if sentence not in self._words_of:
            terms = self._ordered[sentence]
            self._embed(terms)
            idf = self.index.idf
            self._words_of[sentence] = (
                np.array([self._row[t] for t in terms], dtype=np.intp),
                np.array([idf[t] for t in terms]),
            )
        return self._words_of[sentence]

    def soft_overlap(self, first: int, second: int) -> tuple[float, float]:
        """IDF-weighted overlap of two sentences' terms, a term matching its most similar.

        Returns:
            The overlap of both sentences together (Dice), and the share of the less covered
            sentence's term weight matched in the other: low when one sentence says much more
            (its main fact may be missing from the other).
        """
        import numpy as np

        if not self._ordered[first] or not self._ordered[second]:
            return 0.0, 0.0
        if self.index.cosine(first, second) < _SOFT_COSINE:
            shared = self.index.term_sets[first] & self.index.term_sets[second]
            idf = self.index.idf
            covered = [
                math.fsum(idf[t] for t in shared) / max(self.index.term_mass[i], 1e-9)
                for i in (first, second)
            ]
            return self.index.word_overlap(first, second), min(covered)
        rows_a, weights_a = self._words(first)
        rows_b, weights_b = self._words(second)
        similar: npt.NDArray[np.float32] = self._table[rows_a] @ self._table[rows_b].T
        similar = np.where(similar >= _WORD_MATCH, similar, 0.0)
        matched_a = float(similar.max(axis=1) @ weights_a)
        matched_b = float(similar.max(axis=0) @ weights_b)
        total = float(weights_a.sum() + weights_b.sum())
        if not total:
            return 0.0, 0.0
        coverage = min(
            matched_a / max(float(weights_a.sum()), 1e-9),
            matched_b / max(float(weights_b.sum()), 1e-9),
        )
        return (matched_a + matched_b) / total, coverage

    def statement(self, sentence: int) -> Statement:
        """The sentence's names, dates and terms, read once."""
        if sentence not in self._statements:
            self._statements[sentence] = statement_of(self.index, sentence)
        return self._statements[sentence]

    def _actor_keys(self, sentence: int) -> list[set[str]]:
        if sentence not in self._actors:
            self._actors[sentence] = [
                name_key(text)
                for label, text in self.statement(sentence).names
                if label in _ACTOR_LABELS
            ]
        return self._actors[sentence]

    def _speaker_keys(self, sentence: int) -> list[set[str]]:
        """Name keys of the speakers the sentence's quotes are attributed to."""
        if sentence not in self._speakers:
            annotation = self.index.annotations[self.index.article_of[sentence]]
            span = self.index.sentences[sentence].span
            self._speakers[sentence] = [
                name_key(quote.speaker)
                for quote in annotation.quotes
                if quote.speaker and span.start <= quote.span.start < span.end
            ]
        return self._speakers[sentence]

    def features(self, first: int, second: int) -> tuple[float, ...]:
        """The pair's values of FEATURES, in order."""
        index = self.index
        a, b = self.statement(first), self.statement(second)
        actors_a, actors_b = self._actor_keys(first), self._actor_keys(second)
        matched_a = sum(any(key & other for other in actors_b) for key in actors_a)
        matched_b = sum(any(key & other for other in actors_a) for key in actors_b)
        actors = len(actors_a) + len(actors_b)
        mutual = (
            index.closest(first, index.article_of[second]) == second
            and index.closest(second, index.article_of[first]) == first
        )
        overlap, coverage = self.soft_overlap(first, second)
        return (
            index.cosine(first, second),
            overlap,
            coverage,
            index.word_overlap(first, second),
            float(index.share_informative_word(first, second)),
            float(mutual),
            (actors - matched_a - matched_b) / actors if actors else 0.0,
            float(bool(a.values & b.values)),
            # The same speaker in both: one person's statement, reported twice (a role).
            float(
                any(
                    mine & theirs
                    for mine in self._speaker_keys(first)
                    for theirs in self._speaker_keys(second)
                )
            ),
        )

    def conflicts(self, first: int, second: int) -> tuple[Conflict, ...]:
        """What differs between two sentences that may state one fact (CONFLICT_KINDS only)."""
        found = find_conflicts(self.statement(first), self.statement(second))
        return tuple(c for c in found if c.kind in CONFLICT_KINDS)
