"""Claims across sources: what several outlets say, what only one says, where they differ.

Every sentence of at least `claim_min_words` words is a statement. Two statements of different
articles are the same claim when any of three kinds of evidence holds:
1. the summary's support rule (support.py), which is precise but misses paraphrases;
2. a mutual best match on meaning plus *soft* word overlap, where a word also matches a word of
   like meaning (MiniLM vectors of the two words: "protecting" ~ "guarded" 0.71), IDF-weighted,
   reaching `claim_score`: this is what finds "the Taliban is now protecting Russia's Kabul
   embassy" in "We are now being guarded by the Taliban";
3. a shared distinctive phrase, two content words in a row that no other sentence of the story
   has ("puppet government"), with the same score reaching `claim_phrase_score`: outlets that
   re-report a statement keep its key words.
Claims are the connected groups. Each aligned pair is checked for a differing number, date,
name or negation (conflicts.py); a claim with one is contradicted, and both wordings are kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from newsweave.analyze.nlp import Embedder
from newsweave.analyze.wordtable import WORD_BATCH
from newsweave.config import Settings
from newsweave.models import Claim, ClaimConflict, Span
from newsweave.story.conflicts import Statement, find_conflicts
from newsweave.story.index import StoryIndex
from newsweave.story.support import says_the_same

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Pairs less similar than this are scored on exact words: too far apart to be one claim.
_SOFT_COSINE = 0.45
# Word vectors at least this similar count as a soft match; below, words are unrelated.
_WORD_MATCH = 0.6
_STATUS_ORDER = {"contradicted": 0, "corroborated": 1, "single-source": 2}


class _Scorer:
    """Meaning plus soft word overlap for sentence pairs of one story, computed on demand.

    Word vectors cost a forward pass each, as much as a short sentence, so only the words of
    pairs close enough in meaning to be the same claim (cosine >= _SOFT_COSINE) are embedded;
    other pairs are scored with exact word overlap.
    """

    def __init__(self, index: StoryIndex, embedder: Embedder) -> None:
        import numpy as np

        self.index = index
        self._embedder = embedder
        self._ordered = [sorted(terms) for terms in index.term_sets]
        self._cache: dict[tuple[int, int], float] = {}
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

    def soft_overlap(self, first: int, second: int) -> float:
        """IDF-weighted overlap of two sentences' terms, a term matching its most similar."""
        import numpy as np

        if not self._ordered[first] or not self._ordered[second]:
            return 0.0
        rows_a, weights_a = self._words(first)
        rows_b, weights_b = self._words(second)
        similar: npt.NDArray[np.float32] = self._table[rows_a] @ self._table[rows_b].T
        similar = np.where(similar >= _WORD_MATCH, similar, 0.0)
        total = float(weights_a.sum() + weights_b.sum())
        matched = float(similar.max(axis=1) @ weights_a + similar.max(axis=0) @ weights_b)
        return matched / total if total else 0.0

    def score(self, first: int, second: int) -> float:
        """Cosine of the sentence embeddings plus soft word overlap (0-2)."""
        key = (min(first, second), max(first, second))
        if key not in self._cache:
            cosine = self.index.cosine(first, second)
            if cosine >= _SOFT_COSINE:
                overlap = self.soft_overlap(first, second)
            else:
                overlap = self.index.word_overlap(first, second)
            self._cache[key] = cosine + overlap
        return self._cache[key]

    def best_in(self, sentence: int, article: int) -> int:
        """The sentence of `article` scoring highest with `sentence` (-1 when none is near)."""
        found = self.index.candidates(sentence, article)
        return max(found, key=lambda j: self.score(sentence, j)) if found else -1


def align_claims(index: StoryIndex, settings: Settings, embedder: Embedder) -> tuple[Claim, ...]:
    """The claims of a story, contradicted first, then corroborated, then single-source.

    Args:
        index: The story's sentence index, in citation order.
        settings: Thresholds (`claim_score`, `claim_phrase_score`, `claim_min_words`, and the
            summary's `support_score`).
        embedder: Vectors of single words (a `WordVectors`, or the sentence embedder).

    Returns:
        Claims, each with its sources (sentence spans) and conflicts.
    """
    statements = [
        i
        for i, sentence in enumerate(index.sentences)
        if len(sentence.span.text.split()) >= settings.claim_min_words
    ]
    if not statements:
        return ()
    scorer = _Scorer(index, embedder)
    edges = _aligned_pairs(index, scorer, statements, settings)
    parent = {i: i for i in statements}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Strongest alignments first; two groups join only when no article is in both, so a claim
    # has at most one sentence per article and similar sentences do not chain into a topic.
    articles_of = {i: {index.article_of[i]} for i in statements}
    members_of = {i: [i] for i in statements}
    for first, second in sorted(edges, key=lambda pair: -scorer.score(*pair)):
        a, b = root(first), root(second)
        if a == b or not articles_of[a].isdisjoint(articles_of[b]):
            continue
        # Every sentence of the joined claim must be close to every other (complete linkage):
        # A ~ B and B ~ C do not make A ~ C.
        if all(
            scorer.score(x, y) >= settings.claim_phrase_score
            for x in members_of[a]
            for y in members_of[b]
        ):
            parent[a] = b
            articles_of[b] |= articles_of[a]
            members_of[b] += members_of[a]
    groups: dict[int, list[int]] = defaultdict(list)
    for i in statements:
        groups[root(i)].append(i)
    # Each aligned pair inside one claim is compared once, and only its two sentences are read.
    facts = {i: statement_of(index, i) for pair in edges for i in pair}
    conflicts: dict[int, list[ClaimConflict]] = defaultdict(list)
    for a, b in edges:
        if root(a) == root(b):
            conflicts[root(a)].extend(
                ClaimConflict(c.kind, c.this, c.other, (_span(index, a), _span(index, b)))
                for c in find_conflicts(facts[a], facts[b])
            )
    claims = []
    for key, members in groups.items():
        members.sort()
        claims.append(_claim(index, members, tuple(conflicts[key])))
    claims.sort(key=lambda c: (_STATUS_ORDER[c.status], -len(c.articles), _order(index, c)))
    return tuple(claims)


def _aligned_pairs(
    index: StoryIndex, scorer: _Scorer, statements: Sequence[int], settings: Settings
) -> list[tuple[int, int]]:
    """Pairs of statements from different articles that make the same claim, each once."""
    eligible = set(statements)
    scorer.prepare(
        (i, j)
        for i in statements
        for article in index.near_articles(i)
        for j in index.candidates(i, article)
    )
    pairs: set[tuple[int, int]] = set()
    for i in statements:
        own = index.article_of[i]
        for article in index.near_articles(i):
            j = scorer.best_in(i, article)
            if j < 0 or j not in eligible or j < i:
                continue
            mutual = scorer.best_in(j, own) == i
            if mutual and (
                says_the_same(index, i, j, settings) or scorer.score(i, j) >= settings.claim_score
            ):
                pairs.add((i, j))
    for i, j in _phrase_pairs(index, eligible):
        if scorer.score(i, j) >= settings.claim_phrase_score:
            pairs.add((i, j))
    return sorted(pairs)


def _phrase_pairs(index: StoryIndex, eligible: set[int]) -> set[tuple[int, int]]:
    """Statement pairs of different articles sharing a phrase no other sentence has.

    A phrase is two consecutive content words. Words of names do not count: two sentences that
    both say "Zamir Kabulov" or "Russian state TV" share a name, not a statement.
    """
    named = {
        word.lower()
        for annotation in index.annotations
        for entity in annotation.entities
        for word in entity.span.text.split()
    }
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in range(len(index.sentences)):
        terms = index.sentences[i].terms
        for bigram in set(pairwise(terms)):
            if bigram[0] != bigram[1] and not named.intersection(bigram):
                holders[bigram].append(i)
    pairs = set()
    for members in holders.values():
        articles = [index.article_of[i] for i in members]
        if len(members) == 2 and articles[0] != articles[1] and eligible.issuperset(members):
            pairs.add((members[0], members[1]))
    return pairs


def statement_of(index: StoryIndex, sentence: int) -> Statement:
    """What conflicts.py compares in one sentence: names, dates and terms inside it."""
    annotation = index.annotations[index.article_of[sentence]]
    span = index.sentences[sentence].span

    def inside(other: Span) -> bool:
        return span.start <= other.start and other.end <= span.end

    return Statement(
        text=span.text,
        names=tuple((e.label, e.span.text) for e in annotation.entities if inside(e.span)),
        # A relative date of an undated article ("XXXX-WXX-5") cannot be compared with
        # another article's: the two Fridays may be weeks apart.
        dates=tuple(
            (t.value, t.span.text)
            for t in annotation.times
            if inside(t.span)
            and t.type in ("DATE", "TIME")
            and t.anchor != "none"
            and not t.value.endswith("_REF")
        ),
        terms=index.sentences[sentence].terms,
    )


def _span(index: StoryIndex, sentence: int) -> Span:
    return index.sentences[sentence].span


def _order(index: StoryIndex, claim: Claim) -> tuple[int, int]:
    first = claim.sources[0]
    number = next(n for n, a in enumerate(index.annotations) if a.article.id == first.article)
    return number, first.start


def _claim(index: StoryIndex, members: list[int], conflicts: tuple[ClaimConflict, ...]) -> Claim:
    """A claim from its sentences, with its status.

    Corroborated when two independent origins make it (two outlets, not two copies of one wire
    story), contradicted when its reports differ on a fact.
    """
    sources = tuple(_span(index, i) for i in members)
    voices = {index.origin_of[index.article_of[i]] for i in members}
    if conflicts:
        status = "contradicted"
    elif len(voices) >= 2:
        status = "corroborated"
    else:
        status = "single-source"
    return Claim(sources[0].text, status, sources, conflicts)
