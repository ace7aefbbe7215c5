"""The story index: every sentence of a story, and which sentences of other articles are near it.

Built once per brief and shared by the summary, its citations and the claims, so they all see
the same neighbours. For each sentence it keeps, in every other article, the `NEAR_PER_ARTICLE`
sentences closest in meaning (MiniLM cosine) that reach `NEAR_COSINE`, and of those articles only
the `neighbour_articles` whose nearest sentence is closest. Memory therefore grows with the
number of sentences, not with its square: a 500-article story (15,000 sentences) would need a
900 MB similarity matrix, and its index takes a few MB. The cosines are computed block by block
(a matrix product per block of rows: quadratic arithmetic, but a few seconds at that size).

`NEAR_COSINE` is far below every threshold that reads the index (support, claims, repeats and
events all need a cosine plus word overlap well above it), so on stories of up to
`neighbour_articles + 1` articles the index gives the same answers as the full matrix.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsweave.blas import one_blas_thread
from newsweave.models import Annotation, Sentence
from newsweave.story.origins import find_origins, origin_of

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Sentences of another article kept per sentence: claims choose among the three closest.
NEAR_PER_ARTICLE = 3
# Cosines below this are never near: no rule that reads the index accepts a pair this far apart.
NEAR_COSINE = 0.3
# Rows of the similarity matrix computed at once: 512 x 15,000 float32 is 30 MB.
_BLOCK_ROWS = 512


@dataclass(frozen=True)
class StoryIndex:
    """All sentences of a story, flattened, with what comparing them needs.

    `sentences[i]` belongs to `annotations[article_of[i]]` at `position[i]` in it; `embeddings`
    has one row per sentence; `idf` weighs content terms by their rarity across the sentences,
    and `informative` are the terms rare enough to tie two sentences to one statement. The near
    sentences of sentence i are groups `near_start[i]:near_start[i + 1]` of `near_article` (in
    article order) and `near` (up to NEAR_PER_ARTICLE sentences each, closest first, -1 padded).
    """

    annotations: tuple[Annotation, ...]
    sentences: tuple[Sentence, ...]
    article_of: tuple[int, ...]
    position: tuple[int, ...]
    article_sentences: tuple[range, ...]
    embeddings: npt.NDArray[np.float32]
    idf: dict[str, float]
    informative: frozenset[str]
    term_sets: tuple[frozenset[str], ...]
    term_mass: tuple[float, ...]
    near_start: npt.NDArray[np.int64]
    near_article: npt.NDArray[np.int32]
    near: npt.NDArray[np.int32]
    # The articles' ids grouped by independent origin (story/origins.py), and each article's
    # origin number: corroboration, in the summary and the claims, counts origins.
    origins: tuple[tuple[str, ...], ...]
    origin_of: tuple[int, ...]

    def cosine(self, first: int, second: int) -> float:
        """Cosine similarity of two sentences' embeddings."""
        return float(self.embeddings[first] @ self.embeddings[second])

    def near_articles(self, sentence: int) -> list[int]:
        """The other articles with a sentence near `sentence`, in article order."""
        start, end = self.near_start[sentence], self.near_start[sentence + 1]
        return [int(article) for article in self.near_article[start:end]]

    def candidates(self, sentence: int, article: int) -> list[int]:
        """The sentences of `article` near `sentence`, closest first (none: an empty list)."""
        group = self._group(sentence, article)
        if group < 0:
            return []
        return [int(j) for j in self.near[group] if j >= 0]

    def closest(self, sentence: int, article: int) -> int:
        """The sentence of `article` closest to `sentence`, or -1 when none is near."""
        group = self._group(sentence, article)
        return -1 if group < 0 else int(self.near[group, 0])

    def _group(self, sentence: int, article: int) -> int:
        import numpy as np

        start, end = int(self.near_start[sentence]), int(self.near_start[sentence + 1])
        found = start + int(np.searchsorted(self.near_article[start:end], article))
        return found if found < end and self.near_article[found] == article else -1

    def word_overlap(self, first: int, second: int) -> float:
        """IDF-weighted Dice overlap of two sentences' content terms, from 0 to 1."""
        total = self.term_mass[first] + self.term_mass[second]
        if total == 0:
            return 0.0
        shared = self.term_sets[first] & self.term_sets[second]
        # fsum is exact, so the result does not depend on the (hash-seeded) order of the set.
        return 2 * math.fsum(self.idf[term] for term in shared) / total

    def share_informative_word(self, first: int, second: int) -> bool:
        """Whether two sentences have a content word in common that is not a topic word."""
        shared = self.term_sets[first] & self.term_sets[second]
        return not shared.isdisjoint(self.informative)


def build_index(annotations: Sequence[Annotation], neighbour_articles: int) -> StoryIndex:
    """Index the sentences of a story's annotated articles.

    Args:
        annotations: One per article, in the story's article order.
        neighbour_articles: How many other articles are kept near each sentence (those whose
            nearest sentence is closest).

    Returns:
        The StoryIndex.
    """
    import numpy as np

    sentences: list[Sentence] = []
    article_of: list[int] = []
    position: list[int] = []
    ranges = []
    for number, annotation in enumerate(annotations):
        ranges.append(range(len(sentences), len(sentences) + len(annotation.sentences)))
        sentences.extend(annotation.sentences)
        article_of.extend([number] * len(annotation.sentences))
        position.extend(range(len(annotation.sentences)))
    rows = [a.embeddings for a in annotations if len(a.sentences)]
    embeddings = np.vstack(rows) if rows else np.zeros((0, 1), dtype=np.float32)
    with one_blas_thread():
        near_start, near_article, near = _near_sentences(
            embeddings, np.asarray(article_of, dtype=np.int32), neighbour_articles
        )
    term_sets = tuple(frozenset(sentence.terms) for sentence in sentences)
    frequency = Counter(term for terms in term_sets for term in terms)
    count = len(sentences)
    idf = {term: math.log((count + 1) / (df + 0.5)) for term, df in frequency.items()}
    rare = max(2.0, math.sqrt(count))
    origins = find_origins([annotation.article for annotation in annotations])
    origin_number = origin_of(origins)
    return StoryIndex(
        annotations=tuple(annotations),
        sentences=tuple(sentences),
        article_of=tuple(article_of),
        position=tuple(position),
        article_sentences=tuple(ranges),
        embeddings=embeddings,
        idf=idf,
        informative=frozenset(term for term, df in frequency.items() if df <= rare),
        term_sets=term_sets,
        term_mass=tuple(math.fsum(idf[term] for term in terms) for terms in term_sets),
        near_start=near_start,
        near_article=near_article,
        near=near,
        origins=origins,
        origin_of=tuple(origin_number[a.article.id] for a in annotations),
    )


def _near_sentences(
    embeddings: npt.NDArray[np.float32], article_of: npt.NDArray[np.int32], articles_kept: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """(near_start, near_article, near) of StoryIndex, computed a block of rows at a time."""
    import numpy as np

    count = len(article_of)
    group_rows: list[npt.NDArray[np.int64]] = []
    group_articles: list[npt.NDArray[np.int32]] = []
    group_members: list[npt.NDArray[np.int32]] = []
    for first in range(0, count, _BLOCK_ROWS):
        block = np.arange(first, min(first + _BLOCK_ROWS, count))
        cosine = embeddings[block] @ embeddings.T
        # A sentence is never near a sentence of its own article.
        cosine[article_of[block][:, None] == article_of[None, :]] = -np.inf
        row, column = np.nonzero(cosine >= NEAR_COSINE)
        if not len(row):
            continue
        values = cosine[row, column]
        article = article_of[column]
        # By row, then article, then closest first; equal cosines go to the earlier sentence.
        order = np.lexsort((column, -values, article, row))
        row, column, values, article = row[order], column[order], values[order], article[order]
        group_of, rank = _runs(np.r_[True, (row[1:] != row[:-1]) | (article[1:] != article[:-1])])
        starts = np.flatnonzero(rank == 0)
        keep = rank < NEAR_PER_ARTICLE
        members = np.full((len(starts), NEAR_PER_ARTICLE), -1, dtype=np.int32)
        members[group_of[keep], rank[keep]] = column[keep]
        g_row, g_article, g_best = row[starts], article[starts], values[starts]
        # Per sentence, only the articles whose nearest sentence is among the closest.
        by_best = np.lexsort((g_article, -g_best, g_row))
        _, row_rank = _runs(np.r_[True, g_row[by_best][1:] != g_row[by_best][:-1]])
        kept = np.sort(by_best[row_rank < articles_kept])
        group_rows.append(first + g_row[kept].astype(np.int64))
        group_articles.append(g_article[kept].astype(np.int32))
        group_members.append(members[kept])
    if group_rows:
        rows_all = np.concatenate(group_rows)
        near_article = np.concatenate(group_articles)
        near = np.concatenate(group_members)
    else:
        rows_all = np.zeros(0, dtype=np.int64)
        near_article = np.zeros(0, dtype=np.int32)
        near = np.zeros((0, NEAR_PER_ARTICLE), dtype=np.int32)
    near_start = np.searchsorted(rows_all, np.arange(count + 1)).astype(np.int64)
    return near_start, near_article, near


def _runs(starts: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For a sorted array whose runs begin where `starts` is True: each item's run and rank."""
    import numpy as np

    run = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    return run, np.arange(len(starts)) - first[run]
