"""Main-text extraction from real pages: newsweave's ingest beside trafilatura alone.

Data: Zyte's article-extraction benchmark (../shared/eval/html/aeb: 181 news and blog pages of
126 sites, with the human-marked article body). The benchmark's protocol: whitespace tokens,
bag-of-words overlap with the gold body, precision and recall per page, averaged over pages.

Systems, same pages, same run:
- **newsweave**: each page read as `newsweave add page.html` reads it (read_articles: trafilatura
  with newsweave's options, then the text-level boilerplate pass); a page it refuses scores 0;
- **trafilatura (defaults)**: `trafilatura.extract(html)`;
- **trafilatura (newsweave's options)**: the same extraction newsweave starts from, without its
  boilerplate pass, to show what that pass adds or cuts.
"Cut" counts pages where the boilerplate pass removed gold body tokens (recall fell).

Publication dates: the gold has none, so pages whose URL carries a date (/2019/11/19/) are
scored against it: the share where newsweave's date is that day, is another day (wrong), or is
missing. Dates in URLs are the day of first publication at most sites; a mismatch of one day can
be a time zone.

    python -m benchmarks.extraction [--eval-dir DIR]

Writes benchmarks/results/extraction.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.report import add_eval_dir, write_results
from newsweave import Settings
from newsweave.errors import NewsweaveError
from newsweave.read.ingest import read_articles

_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|\b)")


def token_scores(predicted: str, gold: str) -> tuple[float, float]:
    """Bag-of-words precision and recall of whitespace tokens."""
    guess, truth = Counter(predicted.split()), Counter(gold.split())
    common = sum((guess & truth).values())
    precision = common / sum(guess.values()) if guess else 0.0
    recall = common / sum(truth.values()) if truth else 0.0
    return precision, recall


def _trafilatura(options: dict[str, Any]) -> Callable[[str], str]:
    import trafilatura

    def extract(html: str) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return trafilatura.extract(html, **options) or ""

    return extract


NEWSWEAVE_OPTIONS = {"include_comments": False, "include_tables": False, "include_images": False}


def url_day(url: str) -> str | None:
    """The day a URL's path names, as ISO, if any."""
    found = _URL_DATE.search(url)
    if not found:
        return None
    year, month, day = (int(part) for part in found.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def evaluate(eval_dir: Path) -> dict[str, Any]:
    """Scores of every system, and newsweave's date accuracy."""
    folder = eval_dir / "html" / "aeb"
    gold = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    systems: dict[str, Callable[[str], str]] = {
        "trafilatura (defaults)": _trafilatura({}),
        "trafilatura (newsweave's options)": _trafilatura(NEWSWEAVE_OPTIONS),
    }
    scores: dict[str, list[tuple[float, float]]] = {"newsweave": []}
    scores.update({name: [] for name in systems})
    dates: Counter[str] = Counter()
    cut = 0
    with tempfile.TemporaryDirectory() as scratch:
        for page_id, truth in sorted(gold.items()):
            html_bytes = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
            html = html_bytes.decode("utf-8", errors="replace")
            body = truth["articleBody"]
            for name, extract in systems.items():
                scores[name].append(token_scores(extract(html), body))
            page = Path(scratch) / f"{page_id}.html"
            page.write_bytes(html_bytes)
            try:
                (article,) = read_articles([page], Settings(), on_problem=lambda _p: None)
                text, published = article.text, article.published
            except NewsweaveError:
                text, published = "", None
            scores["newsweave"].append(token_scores(text, body))
            if scores["newsweave"][-1][1] < scores["trafilatura (newsweave's options)"][-1][1]:
                cut += 1
            expected = url_day(truth.get("url") or "")
            if expected is not None:
                if published is None:
                    dates["missing"] += 1
                else:
                    dates["right" if published[:10] == expected else "wrong"] += 1
    results: dict[str, Any] = {}
    print(f"\n{len(gold)} pages of {folder}")
    print(f"{'system':<36}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, pairs in scores.items():
        precision = sum(p for p, _r in pairs) / len(pairs)
        recall = sum(r for _p, r in pairs) / len(pairs)
        f1 = 2 * precision * recall / (precision + recall)
        results[name] = {"precision": precision, "recall": recall, "f1": f1, "pages": len(pairs)}
        print(f"{name:<36}{precision:>10.3f}{recall:>10.3f}{f1:>10.3f}")
    print(f"pages where newsweave's boilerplate pass cut gold body tokens: {cut}")
    dated = sum(dates.values())
    print(
        f"publication dates, {dated} pages with a date in the URL: "
        + ", ".join(f"{k} {v} ({v / dated:.0%})" for k, v in sorted(dates.items()))
    )
    results["boilerplate pass cut pages"] = cut
    results["dates vs URL"] = dict(dates)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    args = parser.parse_args()
    write_results("extraction", "extraction", evaluate(args.eval_dir))


if __name__ == "__main__":
    main()
