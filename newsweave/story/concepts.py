"""Concepts: the content units a summary should cover, and what each is worth to a story.

After Gillick & Favre (2009), a concept is a stemmed word bigram that is not two stop words, or a
stemmed content word. Its weight says how widely and how prominently the story's articles report
it: each article that has it adds 1 / (1 + p), where p is the position of its first sentence with
the concept (the lead adds 1, the second sentence 1/2, ...). So a fact in many articles, or in
the leads of a few, outweighs a detail one article mentions late. Unigrams count half, as a
bigram ("prime minister", "hun sen") pins a fact down better than a word.

Stemming is Porter's (snowballstemmer, cached per word); stop words are spaCy's English list, the
one `Sentence.terms` uses.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.errors import ModelNotInstalledError

if TYPE_CHECKING:
    from newsweave.story.index import StoryIndex

Concept = tuple[str, ...]

# Runs of letters and digits in any script (Cyrillic, Greek, accented Latin), as ROUGE's own
# tokenizer only keeps a-z0-9 but a brief may be in any language.
_WORD = re.compile(r"[^\W_]+")
# Words this short are left unstemmed, as ROUGE does: stemming "us" or "was" only adds noise.
_SHORTEST_STEMMED = 4
_UNIGRAM_WEIGHT = 0.5


@functools.cache
def _stop_words() -> frozenset[str]:
    """The English stop words of spaCy, the list annotation marks `is_stop` with.

    Read from the module's file rather than imported: importing `spacy.lang.en.stop_words`
    imports all of spaCy first (0.7 s), which a brief woven from stored annotations never needs.
    """
    import importlib.util

    found = importlib.util.find_spec("spacy")
    if found is None or not found.submodule_search_locations:
        raise ModelNotInstalledError("spaCy is not installed; run `make install`")
    path = Path(found.submodule_search_locations[0]) / "lang" / "en" / "stop_words.py"
    spec = importlib.util.spec_from_file_location("newsweave_spacy_stop_words", path)
    if spec is None or spec.loader is None:
        raise ModelNotInstalledError(f"spaCy's stop words are missing ({path})")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(word.lower() for word in module.STOP_WORDS)


@functools.cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if len(word) < _SHORTEST_STEMMED:
        return word
    stem: str = _stemmer().stemWord(word)
    return stem


@functools.lru_cache(maxsize=100_000)
def sentence_concepts(text: str) -> frozenset[Concept]:
    """The concepts of one sentence: stemmed bigrams (not both stop words) and content words.

    Args:
        text: The sentence.

    Returns:
        The set of concepts, as tuples of one or two stems.
    """
    words = _WORD.findall(text.lower())
    stop_words = _stop_words()
    stems = [_stem(word) for word in words]
    stop = [word in stop_words for word in words]
    concepts: set[Concept] = {(s,) for s, is_stop in zip(stems, stop, strict=True) if not is_stop}
    concepts.update(
        (stems[i], stems[i + 1]) for i in range(len(stems) - 1) if not (stop[i] and stop[i + 1])
    )
    return frozenset(concepts)


def concept_weights(index: StoryIndex) -> dict[Concept, float]:
    """What each concept of a story is worth: prominence summed over the articles that carry it.

    Concepts found in a single article are left out when the story has three or more articles:
    what only one source says is not what the story is about. With two articles, each counts.

    Args:
        index: The story's sentence index.

    Returns:
        Weight per concept (missing concepts are worth nothing).
    """
    first: dict[Concept, dict[int, int]] = {}
    for sentence, article, position in zip(
        index.sentences, index.article_of, index.position, strict=True
    ):
        for concept in sentence_concepts(sentence.span.text):
            first.setdefault(concept, {}).setdefault(article, position)
    articles = len(index.annotations)
    least = 2 if articles >= 3 else 1
    return {
        concept: sum(1.0 / (1.0 + p) for p in positions.values())
        * (_UNIGRAM_WEIGHT if len(concept) == 1 else 1.0)
        for concept, positions in first.items()
        if len(positions) >= least
    }


def covered_weight(concepts: Iterable[Concept], weights: dict[Concept, float]) -> float:
    """Total weight of some concepts (each counted once).

    math.fsum is exact, so the total, and every tie between two sentences, is the same whatever
    order the (hash-seeded) set yields its concepts in.
    """
    return math.fsum(weights.get(concept, 0.0) for concept in set(concepts))
