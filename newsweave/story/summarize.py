"""Extractive multi-document summaries: whole sentences from the articles, each with its citations.

Every summarizer has the same contract: `(StoryIndex, Settings, candidates) -> chosen sentence
indices`, choosing among the candidates (sentences that can stand alone) within the budget; and
`SUMMARIZERS` maps names to them. `summarize_story` then orders the choice for reading and attaches
to each sentence the Spans of every article that states the same fact: the other sentences of
its group in the story's alignment (alignment.py), the same sources its claim shows. The support
rule (support.py) only ranks and deduplicates candidates; the brief never asserts it.

- "concepts" (default): concept coverage after Gillick & Favre (2009). Greedily add the sentence
  that covers the most not-yet-covered concept weight per word (concepts.py: stemmed bigrams and
  words, weighted by how many articles report them and how early). Covered concepts count once,
  so a fact repeated across outlets is chosen once; it then cites every outlet that states it.
- "centroid": closest to the story's mean embedding first (Radev et al. 2004), without repeats.
- "lead": the first sentences of each article in turn, a strong news baseline.

All of them keep a summary readable: a candidate can stand alone (min_sentence_words to
max_sentence_words long, balanced quotes, not a question, not the middle of a quotation), and a
near-repeat of a chosen sentence is skipped. For concepts and centroid, one that leans on the
sentence before it ("He said ...") counts half unless that sentence is chosen; lead keeps the
articles' own order. When concepts finds nothing to cover (no concept is shared, as in text the
tokenizer cannot split), the leads are used. benchmarks/quality.py measures them on DUC 2004
and Multi-News.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from newsweave.config import Settings
from newsweave.models import SummarySentence
from newsweave.read.boilerplate import count_words
from newsweave.story.alignment import Alignment
from newsweave.story.concepts import Concept, concept_weights, covered_weight, sentence_concepts
from newsweave.story.index import StoryIndex
from newsweave.story.support import find_support, says_the_same

# (story, settings, candidate sentences in priority order) -> chosen sentences.
Summarizer = Callable[[StoryIndex, Settings, Sequence[int]], list[int]]

# Cost exponent of the centroid greedy: gain per word**r, a mild preference for short sentences.
_COST_EXPONENT = 0.3
# Gain per word**r of the concept summarizer: slightly below pure density (r = 1), as the
# sentences that best match human summaries run long (median 37 words in DUC 2004).
_CONCEPT_COST_EXPONENT = 0.85
# How much more a sentence is worth when every other article supports it (linear in between).
_CORROBORATION = 0.5
# When no sentence can stand alone, sentences of at least this many words are used instead.
_RELAXED_WORDS = 3
# Sentences that lean on the one before ("He said...", "But ...") are worth this much alone.
_DEPENDENT_FACTOR = 0.5
_DEPENDENT_START = re.compile(
    r"^(?:[\"“‘']\s*)?(?:he|she|it|they|this|that|these|those|his|her|its|their|but|however|"
    r"also|and|so|still|yet|meanwhile|instead|such|there|then|the two|both)\b",
    re.IGNORECASE,
)


def _open_quotes(text: str) -> int:
    """How many quotations text opens and leaves open (straight, curly, and ``TeX'' quotes)."""
    straight = text.count('"') % 2
    curly = max(text.count("“") - text.count("”"), 0)
    tex = max(text.count("``") - text.count("''"), 0)
    return straight + curly + tex


def _balanced_quotes(text: str) -> bool:
    return (
        text.count('"') % 2 == 0
        and text.count("“") == text.count("”")
        and text.count("``") == text.count("''")
    )


def is_candidate(text: str, settings: Settings) -> bool:
    """Whether a sentence can stand in a summary on its own: whole, balanced, not a question."""
    first = text[0]
    return (
        settings.min_sentence_words <= count_words(text) <= settings.max_sentence_words
        and _balanced_quotes(text)
        and not text.endswith(("?", ":", ","))
        # A sentence starts with a capital, a digit or a quotation mark; scripts without case
        # (Chinese, Arabic) start with any letter.
        and (first.isdigit() or first in "\"“‘'`" or (first.isalpha() and not first.islower()))
    )


def inside_quotation(index: StoryIndex, sentence: int) -> bool:
    """Whether a sentence starts inside a quotation opened earlier in its paragraph.

    The middle of a multi-sentence quote cannot stand alone in a summary.
    """
    span = index.sentences[sentence].span
    article = index.annotations[index.article_of[sentence]].article
    paragraph_start = article.text.rfind("\n", 0, span.start) + 1
    before = article.text[paragraph_start : span.start]
    return _open_quotes(before) > 0


def _leans_on_previous(text: str) -> bool:
    """A pronoun or connective opening, or a bare quotation (its speaker is named before it)."""
    if _DEPENDENT_START.match(text):
        return True
    bare_quote = text.startswith(('"', "“", "``")) and text.rstrip().endswith(('"', "”", "''"))
    return bare_quote and _balanced_quotes(text)


def text_cost(text: str, in_bytes: bool) -> int:
    """What a sentence costs of a summary budget.

    Its UTF-8 bytes plus a separating space, or its words (as count_words counts them).
    """
    return len(text.encode("utf-8")) + 1 if in_bytes else count_words(text)


def _cost(text: str, settings: Settings) -> int:
    return text_cost(text, settings.summary_bytes is not None)


def _budget(settings: Settings) -> int:
    return (
        settings.summary_bytes + 1 if settings.summary_bytes is not None else settings.summary_words
    )


def _repeats(index: StoryIndex, candidate: int, chosen: int, settings: Settings) -> bool:
    return (
        index.sentences[candidate].span.text == index.sentences[chosen].span.text
        or index.cosine(candidate, chosen) >= settings.redundancy_similarity
        or says_the_same(index, candidate, chosen, settings)
    )


def _greedy(
    index: StoryIndex,
    settings: Settings,
    gain: Callable[[int, list[int]], float],
    candidates: Sequence[int],
    *,
    cost_exponent: float = _COST_EXPONENT,
    lean_penalty: bool = True,
) -> list[int]:
    """Add the best candidate by gain per cost while the budget allows and the gain is positive.

    A candidate that no longer fits the budget, or that repeats a chosen sentence, can never
    come back, so it leaves the pool for good: each round checks only the newest choice.
    Equal scores go to the earlier candidate, so the result does not depend on anything else.
    """
    texts = [s.span.text for s in index.sentences]
    left = _budget(settings)
    chosen: list[int] = []
    chosen_set: set[int] = set()
    pool = [i for i in candidates if _cost(texts[i], settings) <= left]
    while pool:
        best, best_score = -1, 0.0
        for i in pool:
            value = gain(i, chosen)
            if lean_penalty and _leans_on_previous(texts[i]) and not _follows(index, i, chosen_set):
                value *= _DEPENDENT_FACTOR
            score = value / _cost(texts[i], settings) ** cost_exponent
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        chosen_set.add(best)
        left -= _cost(texts[best], settings)
        pool = [
            i
            for i in pool
            if i != best
            and _cost(texts[i], settings) <= left
            and not _repeats(index, i, best, settings)
        ]
    return chosen


def _follows(index: StoryIndex, sentence: int, chosen: set[int] | Sequence[int]) -> bool:
    """Whether the sentence just before `sentence` in its article is chosen."""
    return index.position[sentence] > 0 and (sentence - 1) in chosen


def summarize_concepts(
    index: StoryIndex, settings: Settings, candidates: Sequence[int]
) -> list[int]:
    """Concept coverage per word (Gillick & Favre 2009), greedily.

    A sentence that other articles support is worth up to half as much again, by the share of
    the other independent origins that say the same (a copy of its own article does not count):
    what several sources confirm is what a reader most needs, and a brief should show it.
    """
    weights = concept_weights(index)
    concepts = {i: sentence_concepts(index.sentences[i].span.text) for i in candidates}
    others = max(len(index.origins) - 1, 1)

    def confirming(i: int) -> int:
        origin = index.origin_of
        own = origin[index.article_of[i]]
        return len({origin[index.article_of[j]] for j in find_support(index, i, settings)} - {own})

    corroboration = {i: 1.0 + _CORROBORATION * confirming(i) / others for i in candidates}
    # Concepts of the chosen set, computed once per set rather than once per candidate.
    state: dict[tuple[int, ...], set[Concept]] = {}

    def gain(candidate: int, chosen: list[int]) -> float:
        key = tuple(chosen)
        if key not in state:
            state.clear()
            state[key] = set().union(*(concepts[i] for i in chosen))
        return covered_weight(concepts[candidate] - state[key], weights) * corroboration[candidate]

    return _greedy(index, settings, gain, candidates, cost_exponent=_CONCEPT_COST_EXPONENT)


def summarize_centroid(
    index: StoryIndex, settings: Settings, candidates: Sequence[int]
) -> list[int]:
    """Sentences closest to the story's centroid first, skipping repeats."""
    import numpy as np

    if not candidates:
        return []
    centroid = index.embeddings.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    scores = index.embeddings @ centroid
    return _greedy(index, settings, lambda i, _chosen: float(scores[i]) + 1.0, candidates)


def summarize_lead(index: StoryIndex, settings: Settings, candidates: Sequence[int]) -> list[int]:
    """The first sentences of each article in turn: all leads, then all second sentences, ..."""
    order = sorted(candidates, key=lambda i: (index.position[i], index.article_of[i]))
    rank = {sentence: len(order) - k for k, sentence in enumerate(order)}
    # Cost is neutralised and no sentence discounted, so the greedy follows the lead order.
    return _greedy(
        index,
        settings,
        lambda i, _chosen: float(rank[i]),
        order,
        cost_exponent=0.0,
        lean_penalty=False,
    )


SUMMARIZERS: dict[str, Summarizer] = {
    "concepts": summarize_concepts,
    "centroid": summarize_centroid,
    "lead": summarize_lead,
}


def reading_order(index: StoryIndex, chosen: Sequence[int]) -> list[int]:
    """Order chosen sentences for reading: by relative position in their article, leads first.

    A sentence that continues the one before it in its article stays right after it.
    """
    lengths = [len(a.sentences) for a in index.annotations]

    def key(i: int) -> tuple[float, int, int]:
        article = index.article_of[i]
        return (index.position[i] / max(lengths[article], 1), article, index.position[i])

    ordered: list[int] = []
    for i in sorted(chosen, key=key):
        if _follows(index, i, chosen):
            continue
        ordered.append(i)
        follower = i + 1
        while follower in chosen and index.article_of[follower] == index.article_of[i]:
            ordered.append(follower)
            follower += 1
    return ordered


def choose_sentences(index: StoryIndex, settings: Settings) -> list[int]:
    """Choose a story's summary sentences, in the order the summarizer picked them.

    Args:
        index: The story's sentence index.
        settings: The summarizer and the budget.

    Returns:
        The chosen sentence indices, most valuable first.
    """
    texts = [sentence.span.text for sentence in index.sentences]
    candidates = [
        i
        for i, text in enumerate(texts)
        if is_candidate(text, settings) and not inside_quotation(index, i)
    ]
    if not candidates:
        # Articles made only of fragments or open quotations still get their longest parts.
        candidates = [i for i, text in enumerate(texts) if count_words(text) >= _RELAXED_WORDS]
    chosen = SUMMARIZERS[settings.summarizer](index, settings, candidates)
    if not chosen and candidates and settings.summarizer == "concepts":
        # No concept is shared (text the tokenizer cannot split into words): take the leads.
        chosen = summarize_lead(index, settings, candidates)
    return chosen


def summarize_story(
    index: StoryIndex, settings: Settings, alignment: Alignment
) -> tuple[SummarySentence, ...]:
    """Summarize a story's annotated articles into cited sentences.

    Args:
        index: The story's sentence index (`story.index.build_index`).
        settings: The summarizer, the budget and the support thresholds.
        alignment: The story's alignment: a sentence cites the other sentences of its group,
            exactly the sources its claim lists.

    Returns:
        The summary sentences in reading order; each one's `sources` start with its own Span,
        followed by one Span per other article that says the same.
    """
    chosen = choose_sentences(index, settings)
    summary = []
    for i in reading_order(index, chosen):
        sentence = index.sentences[i]
        supporters = alignment.partners(i)
        spans = (sentence.span, *(index.sentences[j].span for j in supporters))
        summary.append(SummarySentence(sentence.span.text, spans))
    return tuple(summary)
