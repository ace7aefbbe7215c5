"""Does a change alter briefs? This checkout's briefs against those of another commit.

Both run the same command (`newsweave brief FILE --format json`) on the first DUC 2004 clusters
(10 articles each), the other commit from a temporary git worktree on this checkout's
environment. The table counts what is identical: summary sentences with every cited span,
claims with their status and every source span, and whole sections for quotes, actors and the
timeline. A refactoring that only moves code or makes it faster should keep every count equal.

    python -m benchmarks.regression --against 263b716 --clusters 15

Needs the evaluation data (../shared/eval or NEWSWEAVE_EVAL_DATA) and git. Writes
benchmarks/results/regression.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.commits import checkout
from benchmarks.report import add_eval_dir, write_results

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("quotes", "actors", "timeline")


def _sources(item: dict[str, Any]) -> tuple[tuple[str, int, int], ...]:
    return tuple((s["article"], s["start"], s["end"]) for s in item["sources"])


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, int]:
    """Counts of what two briefs of the same articles share."""
    summary_old = [(s["text"], _sources(s)) for s in old["summary"]]
    summary_new = [(s["text"], _sources(s)) for s in new["summary"]]
    claims_old = {(c["status"], _sources(c)) for c in old["claims"]}
    claims_new = {(c["status"], _sources(c)) for c in new["claims"]}
    counts = {
        "summaries identical": int(summary_old == summary_new),
        "summary sentences (other commit)": len(summary_old),
        "summary sentences identical": len(set(summary_old) & set(summary_new)),
        # The same sentences chosen, whatever they cite: selection apart from citation.
        "summary sentence texts identical": len(
            {t for t, _ in summary_old} & {t for t, _ in summary_new}
        ),
        "claims (other commit)": len(claims_old),
        "claims (this checkout)": len(claims_new),
        "claims identical": len(claims_old & claims_new),
    }
    # Claims made of the same sentences whose status changed, by change.
    status_old = {_sources(c): c["status"] for c in old["claims"]}
    for claim in new["claims"]:
        before = status_old.get(_sources(claim))
        if before and before != claim["status"]:
            change = f"claims {before} -> {claim['status']}"
            counts[change] = counts.get(change, 0) + 1
    for section in SECTIONS:
        same = json.dumps(old[section], sort_keys=True) == json.dumps(new[section], sort_keys=True)
        counts[f"{section} identical"] = int(same)
    return counts


def _brief(code: Path, articles: Path, target: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "newsweave", "brief", str(articles), "--format", "json"]
    environment = {**os.environ, "PYTHONPATH": str(code)}
    subprocess.run([*command, "-q", "-o", str(target)], env=environment, check=True, cwd=code)
    loaded: dict[str, Any] = json.loads(target.read_text("utf-8"))
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", required=True, help="the commit to compare with")
    parser.add_argument("--clusters", type=int, default=15)
    add_eval_dir(parser)
    options = parser.parse_args()
    lines = (options.eval_dir / "duc2004" / "clusters.jsonl").read_text("utf-8").splitlines()
    clusters = [json.loads(line) for line in lines if line.strip()][: options.clusters]
    totals: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder, checkout(options.against) as other:
        for cluster in clusters:
            articles = Path(folder) / f"{cluster['id']}.jsonl"
            articles.write_text(
                "".join(
                    json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in cluster["docs"]
                ),
                "utf-8",
            )
            old = _brief(other, articles, Path(folder) / "old.json")
            new = _brief(ROOT, articles, Path(folder) / "new.json")
            counts = compare(old, new)
            for name, count in counts.items():
                totals[name] = totals.get(name, 0) + count
            print(f"{cluster['id']}: summary identical: {bool(counts['summaries identical'])}")
    print(f"\n{len(clusters)} DUC 2004 clusters, {options.against} against this checkout\n")
    for name, count in totals.items():
        print(f"  {name:<36} {count:>6}")
    write_results(
        "regression",
        "briefs of this checkout against another commit",
        {"against": options.against, "clusters": len(clusters), **totals},
    )


if __name__ == "__main__":
    main()
