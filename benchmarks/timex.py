"""Time expressions: newsweave beside plain dateparser on TimeBank/AQUAINT, same scorer, same run.

Both read the 256 TimeBank + AQUAINT documents with each document's creation date (DCT) as the
reference. Scoring is benchmarks/scoring/timex.py (TempEval-3 style): relaxed detection
precision, recall and F1, and value accuracy on the gold expressions found. The baseline is
dateparser's `search_dates` with the DCT as its relative base; each date it finds is a day.
For reference (not run here), HeidelTime reported about 77.6 value F1 on TempEval-3.

Speed: milliseconds per document for the time expressions alone (the parse is shared with the
rest of annotation and measured in benchmarks/speed.py) and for dateparser; medians.

Usage: python -m benchmarks.timex [--eval-dir DIR] [--limit N]
Writes benchmarks/results/timex.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.report import add_eval_dir, write_results
from benchmarks.scoring.timex import (
    Timex,
    TimexDocument,
    dateparser_timexes,
    load_timebank,
    score_timexes,
)
from newsweave import Models, Settings
from newsweave.analyze.timex import find_times
from newsweave.models import Article

ROOT = Path(__file__).resolve().parent.parent


def run_newsweave(documents: list[TimexDocument]) -> tuple[list[list[Timex]], list[float]]:
    """newsweave's expressions per document, and the milliseconds `find_times` took on each."""
    nlp = Models(Settings()).spacy
    predictions, timings = [], []
    for document in documents:
        article = Article(document.id, document.text, published=document.dct)
        paragraphs = [(s, nlp(document.text[s:e])) for s, e in article.paragraph_bounds()]
        started = time.perf_counter()
        found = find_times(article, paragraphs)
        timings.append((time.perf_counter() - started) * 1000)
        predictions.append([Timex(t.span.start, t.span.end, t.span.text, t.value) for t in found])
    return predictions, timings


def run_dateparser(documents: list[TimexDocument]) -> tuple[list[list[Timex]], list[float]]:
    """dateparser's expressions per document, and the milliseconds each document took."""
    predictions, timings = [], []
    for document in documents:
        started = time.perf_counter()
        predictions.append(dateparser_timexes(document))
        timings.append((time.perf_counter() - started) * 1000)
    return predictions, timings


def main() -> int:
    """Run both systems, print the table, write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    args = parser.parse_args()
    if not (args.eval_dir / "timex" / "tbaq_timex.jsonl").is_file():
        print(
            f"evaluation data not found in {args.eval_dir} (use --eval-dir or NEWSWEAVE_EVAL_DATA)",
            file=sys.stderr,
        )
        return 1
    documents = load_timebank(args.eval_dir)[: args.limit]
    results: dict[str, Any] = {}
    print(
        f"TimeBank + AQUAINT: {len(documents)} documents, "
        f"{sum(len(d.timexes) for d in documents)} gold expressions\n"
    )
    header = f"{'system':<12} {'P':>6} {'R':>6} {'F1':>6} {'value acc':>9} {'ms/doc':>7}"
    print(header)
    print("-" * len(header))
    for name, runner in (("newsweave", run_newsweave), ("dateparser", run_dateparser)):
        predictions, timings = runner(documents)
        scores = score_timexes(documents, predictions)
        results[name] = {**scores.to_dict(), "median_ms_per_document": statistics.median(timings)}
        print(
            f"{name:<12} {scores.precision:6.3f} {scores.recall:6.3f} {scores.f1:6.3f} "
            f"{scores.value_accuracy:9.3f} {statistics.median(timings):7.2f}"
        )
    if args.limit is None:  # a quick run does not replace the full results
        write_results(
            "timex",
            "TimeBank + AQUAINT time expressions (relaxed, TempEval-3 style)",
            results,
            documents=len(documents),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
