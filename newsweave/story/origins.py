"""Independent origins: articles that are one text, re-filed or re-published, count as one source.

A wire story is filed again as it develops (a new lead, the same body) and printed by other
outlets under their own names; a brief that counts each copy as a source would call one report
"confirmed by 3 sources". Two articles share an origin when they come from the same outlet, or
when most of the shorter one is copied from the other: at least `COPIED` of its word 8-grams
(shingles, after Broder 1997) appear in the longer one. Eight words in a row almost never recur by
chance between independently written texts, while a copy keeps them even when its lead,
headline or last paragraphs change. Origins are the connected groups.

Written by hand: exact shingle sets are cheap at the size of a story, and MinHash libraries
(datasketch) estimate the same containment with sampling error a brief does not need.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations

from newsweave.models import Article

# Shingle length in words, and the share of the shorter article's shingles that must be in the
# other for the two to be one text.
SHINGLE = 8
COPIED = 0.5
# A shingle in more articles than this is a stock phrase ("said in a statement on ..."), or text
# every article quotes; it says nothing about copying, and skipping it keeps the pair count small.
_COMMON = 20
_WORD = re.compile(r"[^\W_]+")


def find_origins(articles: Sequence[Article]) -> tuple[tuple[str, ...], ...]:
    """Group articles into independent origins.

    Args:
        articles: The story's articles, in citation order.

    Returns:
        One tuple of article ids per origin, in the order of each origin's first article; an
        article that copies nothing and shares no outlet is an origin of its own.
    """
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_outlet: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        if article.outlet:
            by_outlet[article.outlet.casefold()].append(i)
    for members in by_outlet.values():
        for i in members[1:]:
            join(members[0], i)
    for i, j in copied_pairs([article.text for article in articles]):
        join(i, j)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, article in enumerate(articles):
        groups[root(i)].append(article.id)
    return tuple(tuple(ids) for ids in groups.values())


def copied_pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of texts where most of the shorter one is in the longer one."""
    shingles = [_shingles(text) for text in texts]
    holders: dict[str, list[int]] = defaultdict(list)
    for i, own in enumerate(shingles):
        for shingle in own:
            holders[shingle].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in holders.values():
        if 1 < len(members) <= _COMMON:
            shared.update(combinations(members, 2))
    return sorted(
        (i, j)
        for (i, j), count in shared.items()
        if count >= COPIED * min(len(shingles[i]), len(shingles[j]))
    )


def origin_of(origins: Sequence[Sequence[str]]) -> Mapping[str, int]:
    """Each article id's origin number."""
    return {article: number for number, ids in enumerate(origins) for article in ids}


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.casefold())
    return {" ".join(words[k : k + SHINGLE]) for k in range(len(words) - SHINGLE + 1)}
