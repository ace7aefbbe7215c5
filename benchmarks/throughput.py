"""Throughput: parallel annotation, and a story of 500 articles, beside their baselines.

1. `newsweave annotate --workers 2` against `--workers 1` on 100 AllSides articles (full-text
   news from 128 outlets): wall-clock seconds, articles per second, and the speed-up, median of
   `--runs`; the two outputs are checked byte-identical.
2. One story of 500 articles (the first 500 AllSides articles taken as one story: the size, not
   the topic, is what is measured): `brief --annotations` (the story-level stages alone) and
   `brief` from the files with `--workers 2` (annotation included). Seconds and the peak
   resident memory of the largest process, measured once each (minutes per run). With
   `--against COMMIT`, the same brief from the files by that commit's code is the baseline (the
   code before the story index: about 8 minutes and 2.2 GB on this machine when it was filed).

Needs the evaluation data (../shared/eval or NEWSWEAVE_EVAL_DATA). Writes
benchmarks/results/throughput.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.commits import checkout
from benchmarks.report import add_eval_dir, write_results

ROOT = Path(__file__).resolve().parent.parent

# Runs a command and reports its seconds and the peak memory of its largest process (the
# command itself or one of its workers: ru_maxrss of children is the maximum over them).
TIMED = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
if done.returncode:
    sys.exit(done.stderr.decode())
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


def timed(*args: str, code: Path = ROOT) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", TIMED, sys.executable, "-m", "newsweave", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
    )
    measured: dict[str, float] = json.loads(result.stdout)
    return measured


def allsides(eval_dir: Path, count: int, path: Path) -> Path:
    lines = (eval_dir / "clustering" / "allsides_dev.jsonl").read_text("utf-8").splitlines()
    path.write_text("\n".join(lines[:count]) + "\n", "utf-8")
    return path


def workers(runs: int, articles: Path, folder: Path, results: dict[str, Any]) -> float:
    print(f"\n1. annotate, 100 articles; median of {runs} runs\n")
    print(f"{'workers':<10} {'seconds':>8} {'range':>16} {'articles/s':>11} {'peak MB':>8}")
    medians = {}
    outputs = {}
    for count in (1, 2):
        output = folder / f"workers-{count}.jsonl"
        samples = [
            timed("annotate", "-q", "--workers", str(count), str(articles), "-o", str(output))
            for _ in range(runs)
        ]
        seconds = [s["seconds"] for s in samples]
        medians[count] = statistics.median(seconds)
        outputs[count] = output.read_bytes()
        results[f"annotate --workers {count}"] = {
            "seconds": {"median": medians[count], "min": min(seconds), "max": max(seconds)},
            "articles_per_second": 100 / medians[count],
            "peak_mb": max(s["peak_mb"] for s in samples),
        }
        print(
            f"{count:<10} {medians[count]:8.1f} {min(seconds):7.1f}-{max(seconds):<7.1f} "
            f"{100 / medians[count]:11.2f} {results[f'annotate --workers {count}']['peak_mb']:8.0f}"
        )
    identical = outputs[1] == outputs[2]
    speedup = medians[1] / medians[2]
    results["identical output"] = identical
    print(f"\nspeed-up with 2 workers: {speedup:.2f}x; outputs byte-identical: {identical}")
    return speedup


def big_story(articles: Path, folder: Path, against: str | None, results: dict[str, Any]) -> None:
    annotations = folder / "big.annotations.jsonl"
    print("\n2. one story of 500 articles (one run each)\n")
    made = timed("annotate", "-q", "--workers", "2", str(articles), "-o", str(annotations))
    woven = timed("brief", "-q", "--format", "json", "--annotations", str(annotations))
    whole = timed("brief", "-q", "--format", "json", "--workers", "2", str(articles))
    rows = {
        "annotate --workers 2": made,
        "brief --annotations (story-level stages)": woven,
        "brief from files --workers 2 (end to end)": whole,
    }
    if against:
        with checkout(against) as code:
            baseline = timed("brief", "-q", "--format", "json", str(articles), code=code)
        rows[f"baseline: brief from files at {against}"] = baseline
    print(f"{'measurement':<44} {'seconds':>8} {'peak MB':>8}")
    for name, measured in rows.items():
        results[f"500 articles: {name}"] = measured
        print(f"{name:<44} {measured['seconds']:8.1f} {measured['peak_mb']:8.0f}")
    print(
        "\ntargets: story-level brief of 500 articles under 120 s and 1024 MB: "
        f"{'met' if woven['seconds'] < 120 and woven['peak_mb'] < 1024 else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("workers", "story"))
    parser.add_argument("--against", help="a commit whose 500-article brief is the baseline")
    add_eval_dir(parser)
    options = parser.parse_args()
    if not (options.eval_dir / "clustering").is_dir():
        sys.exit(f"no evaluation data in {options.eval_dir}; set NEWSWEAVE_EVAL_DATA")
    results: dict[str, Any] = {}
    ratios: dict[str, float] = {}
    print(f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if options.only in (None, "workers"):
            hundred = allsides(options.eval_dir, 100, folder / "hundred.jsonl")
            ratios["annotate speed-up, 2 workers / 1"] = workers(
                options.runs, hundred, folder, results
            )
        if options.only in (None, "story"):
            big = allsides(options.eval_dir, 500, folder / "big.jsonl")
            big_story(big, folder, options.against, results)
    write_results(
        "throughput" if options.only is None else f"throughput-{options.only}",
        "parallel annotation and a 500-article story",
        results,
        ratios=ratios,
    )


if __name__ == "__main__":
    main()
