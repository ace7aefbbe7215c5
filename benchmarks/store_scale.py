"""The store at scale: adding 3,000 real articles, and reading stories, search and briefs back.

Articles: AllSides (2,677, dated, from ../shared/eval/clustering), DUC 2004 (250 wire articles,
dated by their wire ids) and Multi-News (the web articles of 100 clusters, undated), pooled as
the issue asks; annotated once and cached as benchmarks/clustering.py caches its sets. Measured
in one run:
- storing: each annotation committed as `newsweave add` commits it (article, annotation, story
  filing, term frequencies: corpus/add.py `store_annotation`), timed one by one: articles per
  second, the median of the first 500 dated articles against the last 500 (the cost must not
  grow with the store), the undated ones apart (they are compared with a bounded set of stories
  rather than a time window), peak memory of the process and the store's size on disk.
  Annotation, the per-article NLP, comes before and is measured by benchmarks/throughput.py;
- `newsweave stories` and `newsweave search` on that store: wall time of the command (a new
  process, as a user runs it) and of the function alone, medians of 5;
- `newsweave brief --story ID` (woven from stored annotations, the cached brief deleted before
  each run; and cached) against `newsweave brief FILE` of the same articles as JSON Lines,
  medians of 3.

    python -m benchmarks.store_scale [--eval-dir DIR]

Writes benchmarks/results/store_scale.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.clustering import annotate_set, load_set
from benchmarks.report import add_eval_dir, write_results
from newsweave import Models, Settings
from newsweave.corpus.add import AddReport, store_annotation
from newsweave.corpus.lookup import list_stories, search_articles
from newsweave.corpus.store import Store

NEWSWEAVE = str(Path(sys.executable).parent / "newsweave")
QUERY = "supreme court ruling"


def _median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _command(*args: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run([NEWSWEAVE, *args], capture_output=True, check=True)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    args = parser.parse_args()
    models = Models(Settings(), threads=2)
    records: dict[str, dict[str, Any]] = {}
    annotations = []
    pools = {
        name: load_set(args.eval_dir, name)[0] for name in ("allsides", "duc2004", "multinews")
    }
    for name, rows in pools.items():
        records.update({r["id"]: r for r in rows})
        annotations += annotate_set(name, rows, models)
    # Articles arrive as feeds deliver them: in order of publication (DUC's 1998 wire, then
    # AllSides 2016-2020), the undated ones spread evenly among them. (Shuffled across 22 years
    # instead, every day's time window keeps filling as the store grows, which no stream does:
    # then the last 500 cost 1.9x the first.)
    dated_first = sorted(
        (a for a in annotations if a.article.published), key=lambda a: a.article.published or ""
    )
    undated_ones = [a for a in annotations if not a.article.published]
    step = len(dated_first) / max(len(undated_ones), 1)
    slots = {round(n * step): a for n, a in enumerate(undated_ones)}
    annotations = []
    for n, annotation in enumerate(dated_first):
        if n in slots:
            annotations.append(slots[n])
        annotations.append(annotation)
    results: dict[str, Any] = {"articles": len(annotations)}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "scale.db"
        settings, report, annotator = Settings(), AddReport(), models.annotator()
        times = []
        with Store(db) as store:
            for annotation in annotations:
                started = time.perf_counter()
                store_annotation(store, annotation, annotator, settings, report)
                times.append(time.perf_counter() - started)
        # Dated articles (AllSides, DUC) are compared with the stories of a time window, undated
        # ones (Multi-News) with a bounded set of the newest stories: the growth is measured
        # within the dated ones, and the undated cost reported apart.
        dated = [t for t, a in zip(times, annotations, strict=True) if a.article.published]
        undated = [t for t, a in zip(times, annotations, strict=True) if not a.article.published]
        first = statistics.median(dated[:500]) * 1000
        last = statistics.median(dated[-500:]) * 1000
        buckets = [
            round(statistics.median(dated[n : n + 500]) * 1000, 2)
            for n in range(0, len(dated), 500)
        ]
        results |= {
            "store articles per second": len(times) / sum(times),
            "dated: first 500 median ms": first,
            "dated: last 500 median ms": last,
            "dated: last/first": last / first,
            "dated: median ms per 500": str(buckets),
            "undated median ms": statistics.median(undated) * 1000,
            "peak memory MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "store MB": sum(p.stat().st_size for p in Path(folder).glob("scale.db*")) / 1e6,
            "stories": report.new_stories - report.merged_stories,
        }
        with Store(db, readonly=True) as store:
            results["stories (function) ms"] = 1000 * _median_seconds(
                lambda: list_stories(store), 5
            )
            results["search (function) ms"] = 1000 * _median_seconds(
                lambda: search_articles(store, QUERY), 5
            )
            stories = list_stories(store)
        results["stories (command) ms"] = 1000 * _median_seconds(
            _command("stories", "--db", str(db), "--format", "json"), 5
        )
        results["search (command) ms"] = 1000 * _median_seconds(
            _command("search", QUERY, "--db", str(db), "--format", "json"), 5
        )
        story = max(stories, key=lambda s: (len(s.articles), s.id))
        dump = Path(folder) / "story.jsonl"
        dump.write_text("".join(json.dumps(records[a]) + "\n" for a in story.articles), "utf-8")
        results["brief story articles"] = len(story.articles)
        results["brief FILE s"] = _median_seconds(_command("brief", str(dump), "-q"), 3)
        brief = _command("brief", "--story", story.id, "--db", str(db), "-q")

        def woven() -> None:
            # The cached brief goes first, so that each run weaves it from the annotations.
            with Store(db) as store, store.transaction() as connection:
                connection.execute("DELETE FROM briefs")
            started = time.perf_counter()
            brief()
            wove.append(time.perf_counter() - started)

        wove: list[float] = []
        for _ in range(3):
            woven()
        results["brief --story, woven s"] = statistics.median(wove)
        results["brief --story, cached s"] = _median_seconds(
            _command("brief", "--story", story.id, "--db", str(db), "-q"), 3
        )
    width = max(len(key) for key in results)
    print()
    for key, value in results.items():
        print(
            f"{key:<{width}}  {value:,.2f}"
            if isinstance(value, float)
            else f"{key:<{width}}  {value}"
        )
    files = results["brief FILE s"]
    woven, cached = results["brief --story, woven s"], results["brief --story, cached s"]
    print(f"brief FILE / brief --story: {files / woven:.1f}x woven, {files / cached:.1f}x cached")
    write_results("store_scale", "store_scale", results)


if __name__ == "__main__":
    main()
