"""Annotation throughput by runner: one process, the process pool, Ray; Ray's own overheads.

On the first N AllSides articles (../shared/eval/clustering/allsides_dev.jsonl), in one run,
each measured R times (medians):
- **one process**: `LocalRunner(1)`, annotating in this process;
- **process pool, 2 workers**: `LocalRunner(2)` (spawned workers, one BLAS thread each), its
  start-up (loading the models in each worker) included, as `annotate --workers 2` pays it;
- **Ray, 2 actors**: `RayRunner(2)` on a local Ray already started (ray.init is timed apart),
  actors loading the models included;
- **Ray's overheads**: `ray.init` of a local Ray with 2 CPUs; and per batch, a Ray Data pass of
  the same rows through an actor pool that does nothing (its time per batch of 4 articles).
- **reading**: Zyte's 181 real article pages (../shared/eval/html/aeb) packed into one WARC.gz,
  read in this process, and on Ray cut into 8 parts by record (a local Ray with 2 CPUs, started
  beforehand): trafilatura's extraction is most of it.
Where the time of one article goes (spaCy's parse and the rest, the sentence embeddings) is
measured in this process on the same articles, for the scaling model of docs/scaling.md.

    python -m benchmarks.scale [--eval-dir DIR] [--articles 60] [--repeats 3]

Writes benchmarks/results/scale.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.report import add_eval_dir, write_results
from newsweave import Article, Models, Settings
from newsweave.blas import limit_blas_threads
from newsweave.corpus.runners import LocalRunner, Runner
from newsweave.read.ingest import read_records


def _articles(eval_dir: Path, count: int) -> list[Article]:
    path = eval_dir / "clustering" / "allsides_dev.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()[:count]]
    keys = ("id", "text", "title", "outlet", "published", "url")
    records = [{k: r[k] for k in keys if r.get(k)} for r in rows]
    return read_records(records, Settings(), on_problem=lambda _p: None, source="allsides")


def _seconds(action: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def _annotate_all(runner: Runner, articles: Sequence[Article], settings: Settings) -> None:
    models = Models(settings, threads=1)
    for _annotation in runner.annotate(articles, models, settings):
        pass


def _split(articles: Sequence[Article], settings: Settings) -> dict[str, float]:
    """Seconds per article of spaCy's parse and of the sentence embeddings, in this process."""
    models = Models(settings, threads=1)
    texts = [a.text for a in articles]
    models.spacy("warm up")
    models.embedder.encode(["warm up"], 32)
    started = time.perf_counter()
    sentences = [s.text for doc in models.spacy.pipe(texts) for s in doc.sents]
    parse = time.perf_counter() - started
    started = time.perf_counter()
    models.embedder.encode(sentences, 64)
    embed = time.perf_counter() - started
    return {
        "spaCy parse s per article": parse / len(articles),
        "embedding s per article": embed / len(articles),
        "sentences per article": len(sentences) / len(articles),
        "CPU embedding sentences per second (1 core)": len(sentences) / embed,
    }


def _ray_overheads(articles: Sequence[Article], repeats: int) -> dict[str, float]:
    import ray

    init = []
    for _ in range(repeats):
        started = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
        init.append(time.perf_counter() - started)
        ray.shutdown()

    class Nothing:
        def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
            return batch

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        rows = [{"n": n, "article": json.dumps(a.to_dict())} for n, a in enumerate(articles)]
        batches = max(1, len(rows) // 4)

        def empty_pass() -> None:
            dataset = ray.data.from_items(rows, override_num_blocks=batches).map_batches(
                Nothing,
                batch_size=4,
                compute=ray.data.ActorPoolStrategy(size=2),
                num_cpus=1,
            )
            for _row in dataset.iter_rows():
                pass

        empty = _seconds(empty_pass, repeats)
    finally:
        ray.shutdown()
    return {
        "ray.init s (local, 2 CPUs)": statistics.median(init),
        "Ray Data empty pass s (2 actors)": statistics.median(empty),
        "Ray Data overhead ms per batch of 4": 1000 * statistics.median(empty) / batches,
    }


def _crawl(eval_dir: Path, folder: Path) -> Path:
    """Zyte's 181 real article pages (../shared/eval/html/aeb) as one WARC.gz crawl."""
    import gzip
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = folder / "aeb.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for page in sorted((eval_dir / "html" / "aeb" / "html").glob("*.html.gz")):
            body = gzip.decompress(page.read_bytes())
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            url = f"https://aeb.example/{page.name.split('.')[0]}"
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )
    return path


def _reading(eval_dir: Path, settings: Settings, repeats: int) -> dict[str, Any]:
    """Reading a crawl (trafilatura on every page) here, and on Ray in parts of the archive."""
    import tempfile

    from newsweave.corpus.ray_runner import RayRunner

    with tempfile.TemporaryDirectory() as folder:
        crawl = _crawl(eval_dir, Path(folder))
        inputs = [str(crawl)]
        pages = len(LocalRunner(1).read(inputs, settings, lambda _p: None))
        here = _seconds(lambda: LocalRunner(1).read(inputs, settings, lambda _p: None), repeats)
        # Parts of an eighth of the archive: enough parts for both actors to stay busy.
        runner = RayRunner(2, part_bytes=crawl.stat().st_size // 8)
        with runner.session():  # a local Ray with 2 CPUs, started before the timing
            there = _seconds(lambda: runner.read(inputs, settings, lambda _p: None), repeats)
    return {
        "crawl pages read": pages,
        "read here s": statistics.median(here),
        "read on Ray (2 CPUs, 8 parts) s": statistics.median(there),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    limit_blas_threads(1)
    settings = Settings()
    articles = _articles(args.eval_dir, args.articles)
    results: dict[str, Any] = {"articles": len(articles), "repeats": args.repeats}
    results |= _split(articles, settings)
    runners: dict[str, Callable[[], Runner]] = {
        "one process": lambda: LocalRunner(1),
        "process pool, 2 workers": lambda: LocalRunner(2),
    }

    from newsweave.corpus.ray_runner import RayRunner

    times: dict[str, list[float]] = {}
    for name, make in runners.items():
        times[name] = _seconds(
            lambda make=make: _annotate_all(make(), articles, settings), args.repeats
        )
    with RayRunner(2).session():  # a local Ray with 2 CPUs, started before the timing
        times["Ray, 2 actors"] = _seconds(
            lambda: _annotate_all(RayRunner(2), articles, settings), args.repeats
        )
    results |= _ray_overheads(articles, args.repeats)
    results |= _reading(args.eval_dir, settings, args.repeats)
    base = statistics.median(times["one process"])
    print(f"{len(articles)} AllSides articles, medians of {args.repeats}")
    print(f"{'runner':<28}{'seconds':>10}{'articles/s':>12}{'speed-up':>10}")
    for name, values in times.items():
        seconds = statistics.median(values)
        results[f"{name} s"] = seconds
        results[f"{name} articles/s"] = len(articles) / seconds
        print(f"{name:<28}{seconds:>10.1f}{len(articles) / seconds:>12.2f}{base / seconds:>9.2f}x")
    pages = results["crawl pages read"]
    print(f"\nreading a WARC.gz of {pages} real pages (trafilatura), medians of {args.repeats}")
    print(f"{'reader':<28}{'seconds':>10}{'pages/s':>12}{'speed-up':>10}")
    for name in ("read here", "read on Ray (2 CPUs, 8 parts)"):
        seconds = results[f"{name} s"]
        speed_up = results["read here s"] / seconds
        print(f"{name:<28}{seconds:>10.1f}{pages / seconds:>12.1f}{speed_up:>9.2f}x")
    print()
    for key in (
        "ray.init s (local, 2 CPUs)",
        "Ray Data overhead ms per batch of 4",
        "spaCy parse s per article",
        "embedding s per article",
        "sentences per article",
        "CPU embedding sentences per second (1 core)",
    ):
        print(f"{key:<48}{results[key]:>10.3f}")
    write_results("scale", "scale", results, settings="defaults")


if __name__ == "__main__":
    main()
