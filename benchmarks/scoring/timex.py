"""Scoring time expressions against TimeBank/AQUAINT (../shared/eval/timex), TempEval-3 style.

Detection is relaxed: a predicted expression is correct when it overlaps a gold one, and a gold
expression is found when some prediction overlaps it. Value accuracy is over the gold
expressions found: the value of the prediction that overlaps it most must equal the gold value.
Values are compared in one canonical spelling, since TimeBank writes the same value two ways
(weeks "2000-W7" and "2000-W07", decades "198X" and "198"). benchmarks/timex.py and the `eval`
test score through here; the plain dateparser baseline is scored by the same code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.scoring.quotes import MatchScore
from newsweave.analyze.timex import find_times
from newsweave.errors import NewsweaveError
from newsweave.models import Article

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class Timex:
    """One time expression: character offsets, text and TIMEX3 value."""

    start: int
    end: int
    text: str
    value: str


@dataclass(frozen=True)
class TimexDocument:
    """A TimeBank document: its creation date (DCT), text and gold expressions."""

    id: str
    dct: str
    text: str
    timexes: tuple[Timex, ...]


def load_timebank(eval_dir: Path) -> list[TimexDocument]:
    """TimeBank + AQUAINT documents with their creation dates and gold TIMEX3 expressions."""
    path = eval_dir / "timex" / "tbaq_timex.jsonl"
    if not path.is_file():
        raise NewsweaveError(f"{path}: evaluation data not found")
    documents = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        timexes = tuple(
            Timex(int(t["start"]), int(t["end"]), str(t["text"]), str(t["value"]))
            for t in row["timexes"]
        )
        documents.append(TimexDocument(str(row["id"]), str(row["dct"]), str(row["text"]), timexes))
    return documents


def canonical_value(value: str) -> str:
    """One spelling per TIMEX3 value: weeks padded to two digits, decades without the X."""
    value = re.sub(r"-W(\d)(?!\d)", r"-W0\1", value.strip())
    return re.sub(r"^(\d{3})X$", r"\1", value)


def newsweave_timexes(document: TimexDocument, nlp: Callable[[str], Doc]) -> list[Timex]:
    """Newsweave's expressions in a document, parsed paragraph by paragraph as annotate does."""
    article = Article(document.id, document.text, published=document.dct)
    paragraphs = [
        (start, nlp(document.text[start:end])) for start, end in article.paragraph_bounds()
    ]
    return [
        Timex(t.span.start, t.span.end, t.span.text, t.value)
        for t in find_times(article, paragraphs)
    ]


def dateparser_timexes(document: TimexDocument) -> list[Timex]:
    """The baseline: dateparser's `search_dates` relative to the DCT, each found date a day.

    dateparser returns the matched substrings in text order without offsets, so each one is
    located after the previous match.
    """
    from dateparser.search import search_dates

    base = datetime.fromisoformat(document.dct[:10])
    found = search_dates(document.text, languages=["en"], settings={"RELATIVE_BASE": base}) or []
    timexes = []
    position = 0
    for phrase, moment in found:
        start = document.text.find(phrase, position)
        if start < 0:
            continue
        position = start + len(phrase)
        timexes.append(Timex(start, position, phrase, moment.date().isoformat()))
    return timexes


@dataclass(frozen=True)
class TimexScores:
    """Relaxed detection (precision, recall, F1) and value accuracy on found expressions."""

    detection: MatchScore
    right_values: int

    @property
    def precision(self) -> float:
        """Share of predicted expressions that overlap a gold one."""
        return self.detection.precision

    @property
    def recall(self) -> float:
        """Share of gold expressions that some prediction overlaps."""
        return self.detection.recall

    @property
    def f1(self) -> float:
        """Harmonic mean of detection precision and recall."""
        return self.detection.f1

    @property
    def value_accuracy(self) -> float:
        """Share of found gold expressions given the gold value."""
        found = self.detection.found
        return self.right_values / found if found else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: detection scores and counts, value accuracy, rounded."""
        return {
            **self.detection.to_dict(),
            "value_accuracy": round(self.value_accuracy, 4),
            "right_values": self.right_values,
        }


def _overlap(a: Timex, b: Timex) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def score_timexes(
    documents: Sequence[TimexDocument], predictions: Sequence[Sequence[Timex]]
) -> TimexScores:
    """Score predictions (one list per document, same order) against the gold expressions."""
    predicted = correct = gold = found = right = 0
    for document, predicted_here in zip(documents, predictions, strict=True):
        predicted += len(predicted_here)
        correct += sum(any(_overlap(p, g) > 0 for g in document.timexes) for p in predicted_here)
        gold += len(document.timexes)
        for expression in document.timexes:
            overlapping = [p for p in predicted_here if _overlap(p, expression) > 0]
            if not overlapping:
                continue
            found += 1
            best = max(overlapping, key=lambda p: _overlap(p, expression))
            right += canonical_value(best.value) == canonical_value(expression.value)
    return TimexScores(MatchScore(correct, predicted, found, gold), right)
