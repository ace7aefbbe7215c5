"""The web app under load: page latencies and a bounded load test on 127.0.0.1.

Store: the 3,187 articles of benchmarks/store_scale.py (AllSides, DUC 2004, Multi-News; the
annotations cached by benchmarks/clustering.py), stored as `newsweave add` stores them. Then
`newsweave serve` runs in its own process, and in the same run:
- latency of single requests, one at a time (medians and p95 of 30 each): the story list, a
  cached brief page (the 20 largest stories, woven once beforehand), an article page, a search,
  and the server's static stylesheet: the floor of the stack (uvicorn + FastAPI, no store);
- a load test: 50 concurrent clients for 30 s over the same mix of pages, reporting requests per
  second, p50/p95 latency and errors (any status but 200, any failed connection);
- the server's resident memory before the load and after it.
The load generator shares this machine's 2 cores with the server, so the rate is a floor.

    python -m benchmarks.web_load [--eval-dir DIR] [--clients 50] [--seconds 30]

Writes benchmarks/results/web_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.clustering import annotate_set, load_set
from benchmarks.report import add_eval_dir, write_results
from newsweave import Models, Settings
from newsweave.corpus.add import AddReport, store_annotation
from newsweave.corpus.store import Store

NEWSWEAVE = str(Path(sys.executable).parent / "newsweave")
BRIEFS = 20


def _store(eval_dir: Path, path: Path) -> None:
    models = Models(Settings(), threads=2)
    pools = {name: load_set(eval_dir, name)[0] for name in ("allsides", "duc2004", "multinews")}
    settings, report = Settings(), AddReport()
    with Store(path) as store:
        for name, rows in pools.items():
            for annotation in annotate_set(name, rows, models):
                store_annotation(store, annotation, models.annotator(), settings, report)


def _memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=600) as response:
        return response.read()


def _timed(url: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        _get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


async def _load(urls: list[str], clients: int, seconds: float) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors: Counter[str] = Counter()
    deadline = time.perf_counter() + seconds
    cycle = itertools.cycle(urls)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def one_client() -> None:
            while time.perf_counter() < deadline:
                url = next(cycle)
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                    if response.status_code != 200:
                        errors[f"{response.status_code} {url}: {response.text[:120]}"] += 1
                except httpx.HTTPError as error:
                    errors[f"{type(error).__name__} {url}: {error}"] += 1
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "requests per second": len(latencies) / elapsed,
        "p50 ms": statistics.median(latencies),
        "p95 ms": _p95(latencies),
        "errors": sum(errors.values()),
        "error kinds": dict(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "web.db"
        _store(args.eval_dir, db)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([NEWSWEAVE, "serve", "--db", str(db), "--port", str(port)])
        try:
            for _ in range(600):
                try:
                    stories = json.loads(_get(f"{base}/stories.json?size=100"))
                    break
                except OSError:
                    time.sleep(0.1)
            largest = sorted(stories["items"], key=lambda s: -len(s["articles"]))[:BRIEFS]
            briefs = [f"{base}/stories/{s['id']}" for s in largest]
            started = time.perf_counter()
            for url in briefs:
                _get(url)  # woven and cached
            results["weave 20 briefs s"] = time.perf_counter() - started
            article = f"{base}/articles/{largest[0]['articles'][0]}"
            pages = {
                "static stylesheet (floor)": f"{base}/static/newsweave.css",
                "story list": f"{base}/",
                "story list JSON": f"{base}/stories.json",
                "cached brief": briefs[0],
                "article": article,
                "search": f"{base}/search?q=supreme+court+ruling",
            }
            print(f"{'page, one request at a time':<32}{'p50 ms':>10}{'p95 ms':>10}")
            for name, url in pages.items():
                times = _timed(url, 30)
                results[f"{name} p50 ms"] = statistics.median(times)
                results[f"{name} p95 ms"] = _p95(times)
                print(f"{name:<32}{statistics.median(times):>10.1f}{_p95(times):>10.1f}")
            results["server MB before load"] = _memory_mb(server.pid)
            mix = [f"{base}/", *briefs, article, f"{base}/search?q=election"]
            load = asyncio.run(_load(mix, args.clients, args.seconds))
            results["server MB after load"] = _memory_mb(server.pid)
            results |= {f"load: {k}": v for k, v in load.items()}
            results["load: clients"], results["load: seconds"] = args.clients, args.seconds
        finally:
            server.terminate()
            server.wait(timeout=30)
    pages_mixed = "list, 20 briefs, article, search"
    print(f"\nload: {args.clients} clients for {args.seconds:.0f} s over {pages_mixed}")
    for key in ("requests", "requests per second", "p50 ms", "p95 ms", "errors"):
        print(f"  {key:<24}{results[f'load: {key}']:>10.1f}")
    for kind, count in results["load: error kinds"].items():
        print(f"  error x{count}: {kind}")
    before, after = results["server MB before load"], results["server MB after load"]
    print(f"server memory: {before:.0f} MB before, {after:.0f} MB after")
    write_results("web_load", "web", results, settings="defaults")


if __name__ == "__main__":
    main()
