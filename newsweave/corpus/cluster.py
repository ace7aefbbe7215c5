"""Online story clustering: each new article joins the story it is about, or starts one.

Written here rather than taken from a library: the clusterers at hand (scikit-learn's,
HDBSCAN) regroup the whole corpus at each call, so story ids would change as articles arrive,
and their cost grows with the corpus. A newsroom needs the opposite: ids that never change and
a constant cost per article. The rule is the classic single-pass one of topic detection and
tracking (Allan et al., 1998), with a time window:

- an article's vector is the mean of the MiniLM embeddings of its lead sentences (the first
  `story_lead_sentences`: the lead says what the story is; later paragraphs drift into
  background shared by many stories of one topic), unit length;
- the candidates are the stories seen within `story_window_days` of the article's date (the
  store's index on `last_seen` finds them, so the cost does not grow with the store), and a
  bounded number of the newest stories that have no date yet;
- the article joins the candidate whose centroid (the mean of its members' vectors) is most
  similar, when the cosine reaches `story_similarity`; else it starts a story. When it reaches
  the threshold with two stories whose centroids are as close to each other, they were one
  story all along: they merge into the older one, and the younger id keeps resolving to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from newsweave.config import Settings
from newsweave.models import Annotation

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class StoryCentroid:
    """A story as clustering sees it: the sum of its members' vectors, and when it was seen."""

    id: str
    total: Vector
    articles: int
    first_seen: str | None
    last_seen: str | None

    def similarity(self, vector: Vector) -> float:
        """Cosine of a unit vector with the story's mean vector."""
        import numpy as np

        norm = float(np.linalg.norm(self.total))
        return float(self.total @ vector) / norm if norm else 0.0


@dataclass(frozen=True)
class Placement:
    """Where an article goes: an existing story (and stories merged into it), or a new one."""

    story: str | None
    similarity: float
    merged: tuple[str, ...] = ()


def document_vector(annotation: Annotation, lead_sentences: int) -> Vector:
    """An article's vector: the mean of its first sentences' embeddings, of unit length.

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


def window(day: str, days: int) -> tuple[str, str]:
    """The first and last day (ISO) of the time window around a day."""
    center = date.fromisoformat(day)
    return (center - timedelta(days=days)).isoformat(), (center + timedelta(days=days)).isoformat()


def new_story_id(article_id: str) -> str:
    """A story's id, from the id of the article that started it: stable and unique per store."""
    return "s" + hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:11]


def place_article(
    vector: Vector, candidates: Sequence[StoryCentroid], settings: Settings
) -> Placement:
    """Which story an article joins, or None for a new one (see the module docstring).

    Args:
        vector: The article's unit vector (document_vector).
        candidates: The stories within the time window, oldest first.
        settings: `story_similarity`, the cosine from which an article joins a story.

    Returns:
        The placement: the story joined (the oldest of those that merge) or None.
    """
    scored = sorted(
        ((story.similarity(vector), n, story) for n, story in enumerate(candidates)),
        key=lambda entry: (-entry[0], entry[1]),
    )
    joined = [story for score, _n, story in scored if score >= settings.story_similarity]
    if not joined:
        return Placement(None, scored[0][0] if scored else 0.0)
    best = joined[0]
    merged = tuple(
        other.id
        for other in joined[1:]
        if _centroid_cosine(best, other) >= settings.story_similarity
    )
    if merged:
        # The oldest story keeps its id; the others merge into it.
        group = [best, *(s for s in joined if s.id in merged)]
        keeper = min(group, key=lambda s: (s.first_seen or "~", candidates.index(s)))
        merged = tuple(s.id for s in group if s is not keeper)
        return Placement(keeper.id, scored[0][0], merged)
    return Placement(best.id, scored[0][0])


def _centroid_cosine(first: StoryCentroid, second: StoryCentroid) -> float:
    import numpy as np

    norms = float(np.linalg.norm(first.total)) * float(np.linalg.norm(second.total))
    return float(first.total @ second.total) / norms if norms else 0.0
