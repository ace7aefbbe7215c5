"""Online story clustering: how articles and stories are seen and compared.

Written here rather than taken from a library: the clusterers at hand (scikit-learn's,
HDBSCAN) regroup the whole corpus at each call, so story ids would change as articles arrive,
and their cost grows with the corpus. A newsroom needs the opposite: ids that never change and
a constant cost per article. The rule is the single-pass one of topic detection and tracking
(Allan et al., 1998), with a time window and two views of an article:

- *meaning*: the mean of the MiniLM embeddings of its first `story_lead_sentences` sentences
  (the lead says what the story is; later paragraphs drift into background that many stories
  of one topic share), of unit length;
- *words*: TF-IDF over the content lemmas of its first TERM_SENTENCES sentences and the names
  it mentions anywhere (each named entity's words as one term, "@hun sen"), with document
  frequencies counted incrementally over the store (the classic online IDF of TDT), of unit
  length. Names and rare words separate two stories on one topic, which embeddings blur; a
  name as one term counts a shared "Hun Sen" once more than its words alone, and the names of
  a whole article reach the people and places its lead leaves for later paragraphs;
- a story holds the sum of its members' vectors in each view, words truncated to STORY_TERMS
  weights so a long story stays small;
- the similarity of an article and a story is its mean similarity to the story's members
  (average linkage, from those sums): `story_embedding_weight` times the cosine of meaning plus
  the rest times the cosine of words. The candidates are the stories seen within
  `story_window_days` of the article's date (the store's index on `last_seen` finds them, so
  the cost does not grow with the store), and a bounded number of the newest undated stories;
  an undated article, which no window places, also looks its key terms (`key_terms`) up in the
  store's index of each story's STORY_KEYS heaviest (corpus/filing.py);
- the article and the candidates it comes near are then clustered again by average linkage,
  cut at `story_similarity` (corpus/regroup.py): it joins a story or starts one, and what it
  shows about its neighbours (two stories that are one, an article that belongs elsewhere)
  is applied there.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from newsweave.config import Settings
from newsweave.models import Annotation

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vector = npt.NDArray[np.float32]

# Sentences whose terms make an article's word view: its first paragraphs.
TERM_SENTENCES = 10
# Entity labels whose mentions are names of the people, groups, places and things a story is
# about (not DATE, MONEY, CARDINAL...: numbers and dates that any story has).
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
)
# Weights a story keeps in its word view: its most weighty terms.
STORY_TERMS = 300
# A story's terms in the store's index of key terms (story_terms; schema 3 says 20 too).
STORY_KEYS = 20
# The fewest documents IDF assumes: in a young store a word seen in one of two articles is not
# thereby common, and the IDF of so few documents would weigh down exactly the words that two
# reports of one story share.
MIN_DOCUMENTS = 100


@dataclass(frozen=True)
class ArticleView:
    """An article as clustering sees it: unit meaning vector, unit TF-IDF weights, its day."""

    vector: Vector
    terms: Mapping[str, float]
    day: str | None = None


@dataclass(frozen=True)
class StoryCentroid:
    """A story as clustering sees it: sums of its members' views, and when it was seen."""

    id: str
    total: Vector
    terms: Mapping[str, float]
    articles: int
    first_seen: str | None
    last_seen: str | None

    def similarity(self, article: ArticleView, settings: Settings) -> float:
        """The article's mean similarity to the story's members, both views weighted.

        Average linkage: the dot product with the sum of the members' unit vectors, over their
        number. The cosine with the centroid instead (the sum's direction) favours big, varied
        stories, which then swallow their neighbours: on AllSides it merged too much (B-cubed
        precision 0.61 at the threshold where this one has 0.90).
        """
        count = max(self.articles, 1)
        meaning = float(self.total @ article.vector) / count
        words = _dot(self.terms, article.terms) / count
        weight = settings.story_embedding_weight
        return weight * meaning + (1.0 - weight) * words


def document_vector(annotation: Annotation, lead_sentences: int) -> Vector:
    """An article's meaning: the mean of its first sentences' embeddings, of unit length.

    Args:
        annotation: The article's annotation (sentence embeddings in order).
        lead_sentences: How many leading sentences to average.
    """
    import numpy as np

    rows = annotation.embeddings[:lead_sentences]
    if not len(rows):
        return np.zeros(annotation.vectors.dimensions, np.float32)
    mean = rows.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    unit: Vector = (mean / norm if norm else mean).astype(np.float32)
    return unit


def article_terms(annotation: Annotation) -> Counter[str]:
    """The article's terms and their counts: its lead's content lemmas and all its names.

    Lemmas of the first TERM_SENTENCES sentences as they are; each mention of a named entity
    (NAME_LABELS) anywhere in the article as "@" and its lower-cased words, which no lemma
    can be.
    """
    terms = Counter(t for s in annotation.sentences[:TERM_SENTENCES] for t in s.terms if len(t) > 1)
    terms.update(
        "@" + " ".join(e.span.text.lower().split())
        for e in annotation.entities
        if e.label in NAME_LABELS
    )
    return terms


def weigh_terms(
    counts: Mapping[str, int], document_frequency: Mapping[str, int], documents: int
) -> dict[str, float]:
    """Unit-length TF-IDF weights: (1 + log tf) * (log((N + 1) / (df + 1)) + 1).

    The smoothed IDF of scikit-learn: in a young store every shared word has a document
    frequency near N, and the plain log(N / df) would weigh it zero, so that a second article
    could never join the first's story by its words.

    Args:
        counts: Term counts of one article.
        document_frequency: In how many stored articles each term occurs (before this one).
        documents: How many articles are stored (before this one); at least MIN_DOCUMENTS
            are assumed.
    """
    documents = max(documents, MIN_DOCUMENTS)
    weights = {
        term: (1.0 + math.log(count))
        * (math.log((documents + 1) / (document_frequency.get(term, 0) + 1)) + 1.0)
        for term, count in counts.items()
    }
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {term: w / norm for term, w in weights.items() if w > 0} if norm else {}


def add_terms(story: Mapping[str, float], article: Mapping[str, float]) -> dict[str, float]:
    """A story's word view with an article's added, truncated to its STORY_TERMS heaviest."""
    return sum_terms((story, article))


def sum_terms(views: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """The sum of word views, truncated to its STORY_TERMS heaviest: a story's word view."""
    total: dict[str, float] = {}
    for view in views:
        for term, weight in view.items():
            total[term] = total.get(term, 0.0) + weight
    if len(total) > STORY_TERMS:
        total = {term: total[term] for term in key_terms(total, STORY_TERMS)}
    return total


def key_terms(terms: Mapping[str, float], count: int) -> list[str]:
    """The `count` heaviest terms (ties by term): a story's or an article's rarest words and names.

    The store indexes each story's key terms (STORY_KEYS of them; schema 3 fills the index with
    the same choice in SQL), and an undated article looks its own up there.
    """
    return [term for term, _w in sorted(terms.items(), key=lambda item: (-item[1], item[0]))][
        :count
    ]


def remove_terms(story: Mapping[str, float], article: Mapping[str, float]) -> dict[str, float]:
    """A story's word view with an article's taken out (a revised article's old version).

    A weight the story dropped when truncated stays dropped; what is left of a term at or below
    zero (rounding) goes.
    """
    total = dict(story)
    for term, weight in article.items():
        if term in total:
            left = total[term] - weight
            if left > 1e-9:
                total[term] = left
            else:
                del total[term]
    return total


def window(day: str, days: int) -> tuple[str, str]:
    """The first and last day (ISO) of the time window around a day."""
    center = date.fromisoformat(day)
    return (center - timedelta(days=days)).isoformat(), (center + timedelta(days=days)).isoformat()


def _dot(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    if len(second) < len(first):
        first, second = second, first
    return sum(weight * second.get(term, 0.0) for term, weight in first.items())
