"""The story's quotes: each statement once, with every article that reports it and one speaker.

Two reports of one quote are found by their word pairs (an index, so each quote is compared only
with the few that share several pairs) and confirmed with difflib's matching blocks: most words in
the same order, or one contained in the other. The same words from two different people are two
quotes; the speaker is the actor (actors.py) the speaker mention resolves to.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Sequence

from newsweave.models import Annotation, CitedQuote, Quote
from newsweave.story.actors import ActorIndex
from newsweave.story.conflicts import numbers

# Two reports of one quote share this share of their words, in order.
_SAME_QUOTE_RATIO = 0.8
# A quote this long found inside a longer one is the same quote, cut shorter by one outlet.
_MIN_CONTAINED_WORDS = 6


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _same_statement(first: str, second: str) -> bool:
    """Whether two quotes are one statement reported twice.

    Small differences in wording or punctuation aside: most words in the same order, or one
    contained in the other, and no number that the other contradicts.
    """
    a, b = _words(first), _words(second)
    if not a or not b:
        return False
    # "The quake killed 231 people" is not "The quake killed 612 people", however alike; a
    # shorter report may leave a number out.
    counts_a, counts_b = set(numbers(first)), set(numbers(second))
    if not (counts_a <= counts_b or counts_b <= counts_a):
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    shorter = min(len(a), len(b))
    return matched >= _SAME_QUOTE_RATIO * max(len(a), len(b)) or (
        shorter >= _MIN_CONTAINED_WORDS and matched >= _SAME_QUOTE_RATIO * shorter
    )


def cite_quotes(annotations: Sequence[Annotation], index: ActorIndex) -> tuple[CitedQuote, ...]:
    """The story's quotes: each statement once, with every article that reports it.

    Args:
        annotations: The story's annotated articles.
        index: Its actors (`actors.identify_actors`), to give each speaker one identity.

    Returns:
        Quotes in the order they first appear (articles in story order).
    """
    groups: list[list[Quote]] = []
    voices: list[str | None] = []
    # Groups by the word pairs of their first quote, so each quote is compared only with quotes
    # it shares several word pairs with, not with every quote of a large story.
    by_pair: dict[tuple[str, str], list[int]] = {}
    for annotation in annotations:
        for quote in annotation.quotes:
            words = _words(quote.span.text)
            pairs = set(itertools.pairwise(words)) or {(w, "") for w in words}
            shared: Counter[int] = Counter(n for pair in pairs for n in by_pair.get(pair, ()))
            needed = min(3, max(1, len(pairs) // 2))
            voice = _voice(quote, index)
            # Most shared pairs first, then the earliest group: the same answer on every run.
            candidates = sorted(
                (number for number, count in shared.items() if count >= needed),
                key=lambda number: (-shared[number], number),
            )
            same = next(
                (
                    number
                    for number in candidates
                    if (groups[number][0].kind == "indirect") == (quote.kind == "indirect")
                    # The same words from two different people are two quotes.
                    and (voice is None or voices[number] is None or voice == voices[number])
                    and _same_statement(groups[number][0].span.text, quote.span.text)
                ),
                None,
            )
            if same is not None:
                groups[same].append(quote)
                voices[same] = voices[same] or voice
                continue
            for pair in pairs:
                by_pair.setdefault(pair, []).append(len(groups))
            groups.append([quote])
            voices.append(voice)
    return tuple(_cited(group, index) for group in groups)


def _voice(quote: Quote, index: ActorIndex) -> str | None:
    """Who said a quote, comparable across articles: an actor id, else the speaker's words."""
    actor = index.actor_of(quote.speaker_ref) or index.find(quote.speaker)
    if actor is not None:
        return actor.id
    return None if quote.speaker is None else quote.speaker.lower()


def _cited(group: Sequence[Quote], index: ActorIndex) -> CitedQuote:
    speaker: str | None = None
    speaker_id: str | None = None
    for quote in group:
        actor = index.actor_of(quote.speaker_ref) or index.find(quote.speaker)
        if actor is not None:
            speaker, speaker_id = actor.name, actor.id
            break
        if speaker is None and quote.speaker is not None:
            speaker = quote.speaker
    first = group[0]
    cue = next((q.cue.text for q in group if q.cue is not None), None)
    return CitedQuote(
        first.span.text, first.kind, speaker, speaker_id, cue, tuple(q.span for q in group)
    )
