"""The one alignment of a story's statements across articles, read by every part of the brief.

A statement (a sentence of at least `claim_min_words` words) and a sentence of another article
are aligned when the pair model (pairs.py) gives them a probability of stating the same fact of
at least its threshold and each is the other's most probable match in its article. Aligned
statements form groups, strongest pairs first, with at most one sentence per article and every
two members of a group aligned by the model (complete linkage: A ~ B and B ~ C do not make
A ~ C). The summary cites a sentence's group, the claims are the groups, and quotes and timeline
events are attributed through them, so the brief never says "1 source" in one place and
"2 sources" in another.

Two sentences that would be aligned but differ on a number, a date or polarity (conflicts.py
names the difference) are never the same fact. When the difference is a number or a date they
are *counterparts*, joined to one claim as a contradiction, or as an update when a later article
reports a higher count (claims.py); a differing polarity only keeps them apart (pairs.py says
why).

A statement left alone is single-source only when no sentence of another origin comes near it:
a fifth of the statements shown single-source on the development set had a paraphrase in
another outlet that the model, tuned for precision, did not align. One whose best candidate in
another origin reaches `single_source_below` is marked unsure, and the brief says nothing about
how many sources make it.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsweave.analyze.nlp import Models
from newsweave.config import Settings
from newsweave.story.conflicts import Conflict, numbers
from newsweave.story.index import StoryIndex
from newsweave.story.pairs import REPORTED_KINDS, PairModel, PairScorer


@dataclass(frozen=True)
class Alignment:
    """Groups of sentences of different articles that state the same fact.

    `group_of[i]` is the number of sentence i's group in `groups` (-1 for a sentence too short
    to be a statement); each group is sorted and holds at most one sentence per article.
    `conflicts` are the counterpart pairs inside groups with what differs between them.
    `unsure` are the statements that some sentence of another origin may state too: the model
    gives the pair at least `single_source_below`, yet it is not aligned.
    """

    groups: tuple[tuple[int, ...], ...]
    group_of: tuple[int, ...]
    conflicts: dict[tuple[int, int], tuple[Conflict, ...]]
    unsure: frozenset[int] = frozenset()

    def partners(self, sentence: int) -> tuple[int, ...]:
        """The other sentences of `sentence`'s group, in citation order."""
        group = self.group_of[sentence]
        if group < 0:
            return ()
        return tuple(j for j in self.groups[group] if j != sentence)


class _Pairs:
    """The model's probabilities and the conflicts of one story's pairs, each computed once."""

    def __init__(self, scorer: PairScorer, model: PairModel) -> None:
        self.scorer = scorer
        self.model = model
        self.same: dict[tuple[int, int], float] = {}
        self.differ: dict[tuple[int, int], tuple[Conflict, ...]] = {}

    def probability(self, first: int, second: int) -> float:
        """The model's probability that the two state one fact, conflicts aside."""
        key = (min(first, second), max(first, second))
        if key not in self.same:
            self.same[key] = self.model.probability(self.scorer.features(*key))
        return self.same[key]

    def conflicts(self, first: int, second: int) -> tuple[Conflict, ...]:
        """The number, date or polarity on which the two differ."""
        key = (min(first, second), max(first, second))
        if key not in self.differ:
            self.differ[key] = self.scorer.conflicts(*key)
        return self.differ[key]


def align_story(index: StoryIndex, settings: Settings, models: Models) -> Alignment:
    """Align the statements of a story's articles.

    Args:
        index: The story's sentence index.
        settings: `claim_min_words`, the shortest sentence that is a statement,
            `pair_threshold`, the model's own threshold when None, and `single_source_below`,
            the probability from which a candidate of another origin makes a statement unsure.
        models: The word vectors and the pair model (with its threshold).

    Returns:
        The alignment: groups and their conflicts.
    """
    statements = [
        i
        for i, sentence in enumerate(index.sentences)
        if len(sentence.span.text.split()) >= settings.claim_min_words
    ]
    eligible = set(statements)
    model = models.pair_model
    scorer = PairScorer(index, models.word_vectors)
    candidates = {
        (i, article): [j for j in index.candidates(i, article) if j in eligible]
        for i in statements
        for article in index.near_articles(i)
    }
    scorer.prepare((i, j) for (i, _a), found in candidates.items() for j in found)
    pairs = _Pairs(scorer, model)
    threshold = model.threshold if settings.pair_threshold is None else settings.pair_threshold

    def best(i: int, article: int) -> int:
        found = candidates.get((i, article), [])
        return max(found, key=lambda j: pairs.probability(i, j)) if found else -1

    same: list[tuple[float, int, int]] = []
    counterparts: list[tuple[int, int]] = []
    unsure: set[int] = set()
    for i, article in candidates:
        j = best(i, article)
        if j < 0:
            continue
        if _may_also_say(index, pairs, i, j, settings.single_source_below):
            unsure.add(i)
        if j < i or best(j, index.article_of[i]) != i:
            continue
        p = pairs.probability(i, j)
        if p < threshold:
            continue
        differ = {conflict.kind for conflict in pairs.conflicts(i, j)}
        if not differ:
            same.append((p, i, j))
        elif differ & REPORTED_KINDS and _one_number_apart(index, i, j):
            counterparts.append((i, j))
    group_of, groups = _link(index, statements, same, pairs, threshold)
    conflicts: dict[tuple[int, int], tuple[Conflict, ...]] = {}
    for i, k in counterparts:
        a, b = group_of[i], group_of[k]
        articles_a = {index.article_of[x] for x in groups[a]}
        if a != b and articles_a.isdisjoint(index.article_of[x] for x in groups[b]):
            groups[a] += groups[b]
            for x in groups[b]:
                group_of[x] = a
            groups[b] = []
            conflicts[i, k] = tuple(c for c in pairs.conflicts(i, k) if c.kind in REPORTED_KINDS)
    return _frozen(index, groups, conflicts, frozenset(unsure))


def _may_also_say(index: StoryIndex, pairs: _Pairs, i: int, j: int, floor: float) -> bool:
    """Whether sentence j, of another origin, may state i's fact: near enough, same polarity.

    "Ruled out" beside "refused to rule out" says the opposite, so i stays single-source.
    """
    origin = index.origin_of
    if origin[index.article_of[i]] == origin[index.article_of[j]]:
        return False
    if pairs.probability(i, j) < floor:
        return False
    return all(conflict.kind != "negation" for conflict in pairs.conflicts(i, j))


def _one_number_apart(index: StoryIndex, first: int, second: int) -> bool:
    """Whether at most one number differs between two sentences.

    "District 5 needs 8 bridges repaired" and "district 9 needs 12" differ in two numbers: two
    different things counted, not one count disputed, so no contradiction is reported.
    """
    a = set(numbers(index.sentences[first].span.text))
    b = set(numbers(index.sentences[second].span.text))
    return len(a ^ b) <= 2


def _link(
    index: StoryIndex,
    statements: list[int],
    same: list[tuple[float, int, int]],
    pairs: _Pairs,
    threshold: float,
) -> tuple[dict[int, int], list[list[int]]]:
    """Groups from aligned pairs, strongest first, one sentence per article, complete linkage."""
    group_of = {i: n for n, i in enumerate(statements)}
    groups = [[i] for i in statements]
    for _p, i, j in sorted(same, key=lambda entry: (-entry[0], entry[1], entry[2])):
        a, b = group_of[i], group_of[j]
        if a == b:
            continue
        articles = {index.article_of[x] for x in groups[a]}
        if not articles.isdisjoint(index.article_of[x] for x in groups[b]):
            continue
        if all(
            pairs.probability(x, y) >= threshold and not pairs.conflicts(x, y)
            for x in groups[a]
            for y in groups[b]
        ):
            groups[a] += groups[b]
            for x in groups[b]:
                group_of[x] = a
            groups[b] = []
    return group_of, groups


def _frozen(
    index: StoryIndex,
    groups: list[list[int]],
    conflicts: dict[tuple[int, int], tuple[Conflict, ...]],
    unsure: frozenset[int],
) -> Alignment:
    """The alignment with its groups renumbered in order of their first sentence."""
    kept = sorted((sorted(g) for g in groups if g), key=lambda g: g[0])
    group_of = [-1] * len(index.sentences)
    for number, group in enumerate(kept):
        for i in group:
            group_of[i] = number
    return Alignment(
        groups=tuple(tuple(g) for g in kept),
        group_of=tuple(group_of),
        conflicts=dict(conflicts),
        unsure=unsure,
    )
