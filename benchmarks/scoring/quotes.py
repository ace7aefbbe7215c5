"""Scoring quote attribution against PolNeAR (../shared/eval/quotes), as its README prescribes.

A direct quotation is a gold attribution whose content is inside quotation marks. Speaker
attribution is scored as precision, recall and F1 of (quote, speaker) pairs: a predicted quote
matches a gold one when their spans overlap, and its speaker matches when the gold source and
the predicted speaker share the head name ("Trump" for "Donald Trump", "he" for "he"), or when
the predicted speaker mention is the gold source span itself. Recall counts every gold
attribution with a source. Precision counts every predicted quote that claims a speaker, except
that the pieces of one quotation split around its cue (`"...," he said. "..."`) count once: the
correct pieces that match the same gold attribution are one correct prediction, as the gold
quotation is one attribution in recall; a piece that matches no gold attribution is a false
positive of its own. PolNeAR has several annotators' files for some articles; `load_polnear`
keeps one per article. benchmarks/quotes.py and the `eval` test both score through here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsweave.analyze.quotes import extract_quotes
from newsweave.analyze.speech import ParsedParagraph
from newsweave.errors import NewsweaveError
from newsweave.models import Article, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc

_MARKS = '"“”„«»'
_HEAD_CUT = re.compile(r",|\s(?:with|of|from|at|for|who|which|in|on)\s|\s[-—–]\s", re.IGNORECASE)


@dataclass(frozen=True)
class GoldAttribution:
    """One annotated attribution: the content spans, the source span and text (None if none)."""

    content: tuple[tuple[int, int], ...]
    source: tuple[int, int] | None
    source_text: str | None
    direct: bool


@dataclass(frozen=True)
class GoldDocument:
    """A PolNeAR article and its attributions."""

    id: str
    text: str
    attributions: tuple[GoldAttribution, ...]


@dataclass(frozen=True)
class PredictedQuote:
    """A system's quote: its span, and its speaker as mention span, mention text and name."""

    start: int
    end: int
    speaker_span: tuple[int, int] | None
    speaker_names: tuple[str, ...]


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is enclosed in quotation marks (marks inside or just outside)."""
    piece = text[start:end].strip()
    while piece and piece[-1] in ".,;:!?":
        piece = piece[:-1].rstrip()
    before = text[max(start - 1, 0) : start]
    stripped_end = start + len(text[start:end].rstrip())
    after = text[stripped_end : stripped_end + 2]
    opens = piece[:1] in _MARKS or piece[:2] in ("''", "``") or before in _MARKS or before == "'"
    closes = piece[-1:] in _MARKS or piece[-2:] == "''" or any(c in _MARKS for c in after)
    return bool(piece) and opens and closes


def _blocks(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Content spans joined where only whitespace separates them.

    Annotators often cut one quotation into its sentences.
    """
    blocks: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if blocks and not text[blocks[-1][1] : start].strip():
            blocks[-1] = (blocks[-1][0], max(end, blocks[-1][1]))
        else:
            blocks.append((start, end))
    return blocks


def load_polnear(eval_dir: Path, every_annotator: bool = False) -> list[GoldDocument]:
    """PolNeAR's dev articles with their attributions, each marked direct or not.

    PolNeAR has one annotation file per article and annotator, and some articles were annotated
    by several annotators (in the dev set two articles have six files each: the same text, with
    annotations that differ a little). Scoring each file would count those articles six times,
    so by default one file per article is kept: the first in sorted order of its id
    (`<article>_<annotator>`, so the lowest annotator code), the article being the row's
    `article` field (its text where that is missing). The kept files stay in file order.

    Args:
        eval_dir: The evaluation data directory (holding quotes/polnear_dev.jsonl).
        every_annotator: Keep every annotator's file (how scoring worked before; for comparison).
    """
    path = eval_dir / "quotes" / "polnear_dev.jsonl"
    if not path.is_file():
        raise NewsweaveError(f"{path}: evaluation data not found")
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if not every_annotator:
        first: dict[str, str] = {}
        for row in rows:
            article = str(row.get("article") or row["text"])
            if article not in first or str(row["id"]) < first[article]:
                first[article] = str(row["id"])
        kept = set(first.values())
        rows = [row for row in rows if str(row["id"]) in kept]
    documents = []
    for row in rows:
        text = row["text"]
        attributions = []
        for item in row["attributions"]:
            content = tuple(
                (int(s), int(e)) for part in item.get("content", ()) for s, e in part["spans"]
            )
            if not content:
                continue
            sources = [tuple(span) for part in item.get("source", ()) for span in part["spans"]]
            source = (int(sources[0][0]), int(sources[-1][1])) if sources else None
            source_text = " ".join(part["text"] for part in item.get("source", ())) or None
            direct = all(_quoted(text, s, e) for s, e in _blocks(text, content))
            attributions.append(GoldAttribution(content, source, source_text, direct))
        documents.append(GoldDocument(row["id"], text, tuple(attributions)))
    return documents


def line_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line.

    PolNeAR's paragraphs are lines, and its offsets must be kept, so its text is not passed
    through ingest (which would re-join them).
    """
    bounds = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            bounds.append((start, start + len(line)))
        start += len(line) + 1
    return bounds


def parse_lines(text: str, nlp: Callable[[str], Doc]) -> list[ParsedParagraph]:
    """Parse a PolNeAR text line by line, as annotate.py parses an article's paragraphs."""
    return [(start, nlp(text[start:end])) for start, end in line_bounds(text)]


def newsweave_quotes(document: GoldDocument, paragraphs: Sequence[ParsedParagraph]) -> list[Quote]:
    """The quotes newsweave finds in a PolNeAR document, from its parsed lines."""
    return list(extract_quotes(Article(id=document.id, text=document.text), paragraphs))


def as_predicted(quote: Quote) -> PredictedQuote:
    """A newsweave Quote in the scorer's terms: its span, speaker mention and names."""
    mention = quote.speaker_span
    return PredictedQuote(
        quote.span.start,
        quote.span.end,
        None if mention is None else (mention.start, mention.end),
        names(quote.speaker, None if mention is None else mention.text),
    )


def score_newsweave(
    documents: Sequence[GoldDocument],
    quotes: Sequence[Sequence[Quote]],
    merge_pieces: bool = True,
) -> dict[str, MatchScore]:
    """Score newsweave's quotes: direct ones on direct quotations, the rest on the others.

    `merge_pieces` is passed to `score_attributions`.
    """
    direct = [[as_predicted(q) for q in found if q.kind == "direct"] for found in quotes]
    other = [[as_predicted(q) for q in found if q.kind != "direct"] for found in quotes]
    return {
        "direct": score_attributions(documents, direct, direct=True, merge_pieces=merge_pieces),
        "indirect": score_attributions(documents, other, direct=False, merge_pieces=merge_pieces),
    }


def head_name(phrase: str) -> str:
    """The head of a speaker phrase, lower-cased, possessive dropped.

    The head is the last word before any modifier that follows it: "Pavel Felgenhauer with
    Novaya Gazeta" -> "felgenhauer".
    """
    phrase = _HEAD_CUT.split(phrase, maxsplit=1)[0]
    words = re.findall(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*", phrase)
    words = [w for w in words if w.lower() not in ("s",)]
    return re.sub(r"['’]s$", "", words[-1]).lower() if words else ""


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _speaker_matches(predicted: PredictedQuote, gold: GoldAttribution, text: str) -> bool:
    if gold.source is None:
        return False
    if predicted.speaker_span is not None and _overlaps(predicted.speaker_span, gold.source):
        return True
    gold_head = head_name(gold.source_text or text[gold.source[0] : gold.source[1]])
    return bool(gold_head) and any(head_name(name) == gold_head for name in predicted.speaker_names)


@dataclass(frozen=True)
class MatchScore:
    """Precision, recall and F1 of matched items, with their counts.

    For quotes the items are (quote, speaker) pairs; for time expressions (scoring/timex.py)
    overlapping expressions.
    """

    correct: int
    predicted: int
    found: int
    gold: int

    @property
    def precision(self) -> float:
        """Correct predictions over predictions."""
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Gold attributions found with the right speaker over all gold attributions."""
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        """The JSON form, rates rounded to 4 places."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "correct": self.correct,
            "predicted": self.predicted,
            "found": self.found,
            "gold": self.gold,
        }


def score_attributions(
    documents: Sequence[GoldDocument],
    predictions: Sequence[Sequence[PredictedQuote]],
    direct: bool,
    merge_pieces: bool = True,
) -> MatchScore:
    """Score predicted quotes against the direct (or the other) gold attributions.

    A predicted quote without a speaker is not scored. One with a speaker is correct when it
    overlaps a gold attribution whose source matches its speaker. Correct pieces that match a
    common gold attribution (the pieces of a quotation split around its cue) are merged, so they
    count once in precision, as the gold attribution counts once in recall.

    Args:
        documents: The gold documents.
        predictions: For each document, the system's quotes of the kind being scored.
        direct: Score against direct quotations (True) or all other attributions (False).
        merge_pieces: Merge correct pieces as above; False counts every piece on its own
            (how scoring worked before, kept for comparison).
    """
    correct = predicted = found = gold_total = 0
    for document, quotes in zip(documents, predictions, strict=True):
        gold = [a for a in document.attributions if a.direct == direct]
        scored = [a for a in gold if a.source is not None]
        gold_total += len(scored)
        matched: set[int] = set()
        groups: list[set[int]] = []  # the gold attributions of each merged correct prediction
        for quote in quotes:
            if not quote.speaker_names and quote.speaker_span is None:
                continue  # no speaker claimed, no pair to score
            hits = {
                index
                for index, attribution in enumerate(gold)
                if any(_overlaps((quote.start, quote.end), c) for c in attribution.content)
                and _speaker_matches(quote, attribution, document.text)
            }
            if not hits:
                predicted += 1  # a false positive of its own
                continue
            matched |= hits
            if not merge_pieces:
                predicted += 1
                correct += 1
                continue
            joined = [group for group in groups if group & hits]
            for group in joined:
                groups.remove(group)
                hits |= group
            groups.append(hits)
        if merge_pieces:
            predicted += len(groups)
            correct += len(groups)
        found += len(matched)
    return MatchScore(correct, predicted, found, gold_total)


def names(*candidates: str | None) -> tuple[str, ...]:
    """The non-empty speaker names among the candidates, without repeats."""
    return tuple(dict.fromkeys(c for c in candidates if c))
