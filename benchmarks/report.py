"""What every benchmark shares: where the evaluation data is, and writing its results file."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
EVAL_DATA = Path(os.environ.get("NEWSWEAVE_EVAL_DATA", ROOT.parent / "shared" / "eval"))


def add_eval_dir(parser: argparse.ArgumentParser) -> None:
    """The `--eval-dir` option: ../shared/eval, or NEWSWEAVE_EVAL_DATA, unless given."""
    parser.add_argument(
        "--eval-dir", type=Path, default=EVAL_DATA, help=f"benchmark data (default {EVAL_DATA})"
    )


def write_results(name: str, benchmark: str, results: dict[str, Any], **extra: Any) -> Path:
    """Write benchmarks/results/NAME.json with the machine and the date, and return its path."""
    path = RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": benchmark,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%d"),
        **extra,
        "results": results,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path.relative_to(ROOT)}")
    return path
