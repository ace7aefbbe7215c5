"""Claims across sources: what several outlets say, what only one says, where they differ.

A claim is a group of the story's alignment (alignment.py): one statement, and the sentences of
other articles the pair model aligned with it. It is corroborated when two independent origins
make it (two outlets, not two copies of one wire story), contradicted when two of its reports
differ on a fact, uncertain when the alignment is unsure whether another origin says it too,
and single-source otherwise. A higher count of the same thing in a later
article (a toll of 231, two days later about 6,100) is an update, not a contradiction: it is
kept beside the claim with both dates, and the claim keeps its status.
"""

from __future__ import annotations

from newsweave.models import UPDATE, Claim, ClaimConflict, Span
from newsweave.story.alignment import Alignment
from newsweave.story.conflicts import Conflict, numbers
from newsweave.story.index import StoryIndex

_STATUS_ORDER = {"contradicted": 0, "corroborated": 1, "single-source": 2, "uncertain": 3}


def claims_of(index: StoryIndex, alignment: Alignment) -> tuple[Claim, ...]:
    """The claims of a story: contradicted, corroborated, single-source, then uncertain.

    Args:
        index: The story's sentence index, in citation order.
        alignment: The story's alignment (alignment.align_story).

    Returns:
        Claims, each with its sources (sentence spans, in citation order) and conflicts; within
        a status, claims made by more articles come first.
    """
    conflicts: dict[int, list[ClaimConflict]] = {}
    for (a, b), found in sorted(alignment.conflicts.items()):
        read = [_conflict(index, a, b, c) for c in found]
        if any(c.kind == UPDATE for c in read):
            # A later report is dated later: its different date is part of the update.
            read = [c for c in read if c.kind != "date"]
        conflicts.setdefault(alignment.group_of[a], []).extend(read)
    claims = [
        _claim(
            index,
            list(members),
            tuple(conflicts.get(number, ())),
            unsure=not alignment.unsure.isdisjoint(members),
        )
        for number, members in enumerate(alignment.groups)
    ]
    claims.sort(key=lambda c: (_STATUS_ORDER[c.status], -len(c.articles), _order(index, c)))
    return tuple(claims)


def _published(index: StoryIndex, sentence: int) -> str | None:
    return index.annotations[index.article_of[sentence]].article.published


def _conflict(index: StoryIndex, a: int, b: int, conflict: Conflict) -> ClaimConflict:
    """A conflict between two sentences, or an update when the later article counts more.

    A count that grows between two dated articles is what follow-up reports do ("the toll rose
    to"); a count that shrinks, or one in articles without dates, stays a contradiction.
    """
    spans = (_span(index, a), _span(index, b))
    first, second = _published(index, a), _published(index, b)
    if conflict.kind == "number" and first and second and first[:10] != second[:10]:
        this, other = _amount(conflict.this), _amount(conflict.other)
        if this is not None and other is not None and (first < second) == (this < other):
            if first < second:
                return ClaimConflict(UPDATE, conflict.this, conflict.other, spans)
            return ClaimConflict(UPDATE, conflict.other, conflict.this, (spans[1], spans[0]))
    return ClaimConflict(conflict.kind, conflict.this, conflict.other, spans)


def _amount(text: str) -> float | None:
    found = numbers(text)
    return found[0] if found else None


def _span(index: StoryIndex, sentence: int) -> Span:
    return index.sentences[sentence].span


def _order(index: StoryIndex, claim: Claim) -> tuple[int, int]:
    first = claim.sources[0]
    number = next(n for n, a in enumerate(index.annotations) if a.article.id == first.article)
    return number, first.start


def _claim(
    index: StoryIndex, members: list[int], conflicts: tuple[ClaimConflict, ...], *, unsure: bool
) -> Claim:
    """A claim from its sentences, with its status."""
    sources = tuple(_span(index, i) for i in sorted(members))
    voices = {index.origin_of[index.article_of[i]] for i in members}
    if any(c.kind != UPDATE for c in conflicts):
        status = "contradicted"
    elif len(voices) >= 2:
        status = "corroborated"
    elif unsure:
        status = "uncertain"
    else:
        status = "single-source"
    return Claim(sources[0].text, status, sources, conflicts)
