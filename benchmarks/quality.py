"""Summary quality: newsweave beside published systems and baselines on DUC 2004 and Multi-News.

All systems choose among the same sentences: newsweave's reading of each document (boilerplate
removed, spaCy sentences). The 13 published DUC 2004 systems are scored from their own summaries.
Every summary is cut at the limit (100 words, 665 bytes, 260 words) and scored by the same
rouge-score code (benchmarks/scoring/summaries.py) in this run.

A cluster none of whose documents is a usable article (Multi-News has crawl noise: a document
may be only a web-archive notice or a "Tweet with a location" stub, which reading drops) is
skipped for every system, published ones included, so all are scored on the same clusters; each
table says how many were skipped and which, and the results file lists them.

- DUC 2004: ROUGE-1/2 recall, averaged over the 4 references, then over clusters.
- Multi-News: ROUGE-1/2/L F1 against the editor's summary.

Baselines: sumy's LexRank, TextRank and LSA (given newsweave's sentences, since sumy's own
splitter needs NLTK data that cannot be downloaded here), newsweave's `lead` and `centroid`
summarizers, and a greedy ROUGE oracle (an estimate of the ceiling for choosing among these
sentences; greedy, so not a guaranteed upper bound). Each table also shows the mean length of
the summaries after the cut: recall rewards length, and several published DUC summaries are
shorter than the limit.

Usage: python -m benchmarks.quality [--eval-dir DIR] [--only duc|multinews] [--limit N]
Writes benchmarks/results/quality.json.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.report import add_eval_dir, write_results
from benchmarks.scoring.summaries import (
    BYTES_665,
    MULTINEWS_WORDS,
    WORDS_100,
    WORDS_260,
    Cluster,
    Limit,
    annotate_cluster,
    duc_scores,
    load_duc2004,
    load_multinews,
    load_published_systems,
    multinews_scores,
    oracle_summary,
    ranked_summary,
)
from newsweave import Annotation, Models, Settings
from newsweave.errors import NewsweaveError, NoArticlesError

ROOT = Path(__file__).resolve().parent.parent
# (annotations, cluster, limit) -> sentences, most important first.
Ranker = Callable[[Sequence[Annotation], Cluster, Limit], list[str]]


class _Words:
    """A sumy tokenizer for sentences newsweave has already split."""

    _word = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

    def to_words(self, sentence: str) -> list[str]:
        return self._word.findall(sentence)


def _sumy(name: str) -> Ranker:
    """A ranker running sumy's summarizer `name` over newsweave's sentences."""

    def rank(annotations: Sequence[Annotation], _cluster: Cluster, _limit: Limit) -> list[str]:
        from sumy.models.dom import ObjectDocumentModel
        from sumy.models.dom import Paragraph as SumyParagraph
        from sumy.models.dom import Sentence as SumySentence
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.lsa import LsaSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words

        classes = {
            "lexrank": LexRankSummarizer,
            "textrank": TextRankSummarizer,
            "lsa": LsaSummarizer,
        }
        tokenizer = _Words()
        document = ObjectDocumentModel(
            [
                SumyParagraph([SumySentence(s.span.text, tokenizer) for s in a.sentences])
                for a in annotations
                if a.sentences
            ]
        )
        summarizer = classes[name](Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
        order: list[list[int]] = []

        def capture(sentences: Any, _count: int, rating: Any, *_args: Any, **_kw: Any) -> tuple[()]:
            rate = rating if callable(rating) else rating.__getitem__
            scores = [rate(sentence) for sentence in sentences]
            order.append(sorted(range(len(scores)), key=lambda i: -scores[i]))
            return ()

        summarizer._get_best_sentences = capture  # keep sumy's full ranking, not its top-k
        summarizer(document, len(document.sentences))
        sentences = [str(s) for s in document.sentences]
        return [sentences[i] for i in order[0]]

    return rank


def _newsweave(summarizer: str) -> Ranker:
    def rank(annotations: Sequence[Annotation], _cluster: Cluster, limit: Limit) -> list[str]:
        return ranked_summary(annotations, Settings(summarizer=summarizer), limit)

    return rank


def _oracle(annotations: Sequence[Annotation], cluster: Cluster, limit: Limit) -> list[str]:
    sentences = [s.span.text for a in annotations for s in a.sentences]
    return oracle_summary(sentences, cluster.references, limit)


RANKERS: dict[str, Ranker] = {
    "newsweave": _newsweave("concepts"),
    "newsweave centroid": _newsweave("centroid"),
    "lead (round-robin)": _newsweave("lead"),
    "sumy LexRank": _sumy("lexrank"),
    "sumy TextRank": _sumy("textrank"),
    "sumy LSA": _sumy("lsa"),
    "oracle (greedy ROUGE)": _oracle,
}


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.fmean(row[key] for row in rows) for key in rows[0]}


def run(
    clusters: list[Cluster],
    limits: tuple[Limit, ...],
    score: Callable[..., dict[str, float]],
    published: dict[str, dict[str, str]],
    label: str,
) -> dict[str, Any]:
    """Every system on every cluster, one summary per limit: mean scores, and newsweave's
    seconds per cluster (annotation, and summary for the first limit).

    A cluster with no usable article is skipped for every system; `skipped_clusters` lists
    their ids and `clusters` counts the clusters scored.
    """
    settings = Settings()
    models = Models(settings)
    scores: dict[str, list[dict[str, float]]] = {}
    timing: dict[str, list[float]] = {"annotation": [], "summary": []}
    skipped: list[str] = []
    for number, cluster in enumerate(clusters, start=1):
        started = time.perf_counter()
        try:
            annotations = annotate_cluster(cluster, models, settings)
        except NoArticlesError:
            skipped.append(cluster.id)
            print(
                f"  {label} {number}/{len(clusters)}: {cluster.id} skipped (no usable article)",
                file=sys.stderr,
            )
            continue
        timing["annotation"].append(time.perf_counter() - started)
        for system, ranker in RANKERS.items():
            texts = []
            for limit in limits:
                started = time.perf_counter()
                texts.append(limit.fill(ranker(annotations, cluster, limit)))
                if system == "newsweave" and len(texts) == 1:
                    timing["summary"].append(time.perf_counter() - started)
            scores.setdefault(system, []).append(score(*texts, cluster))
        for system, summaries in published.items():
            texts = [summaries[cluster.id]] * len(limits)
            scores.setdefault(f"published {system}", []).append(score(*texts, cluster))
        print(f"  {label} {number}/{len(clusters)}", file=sys.stderr)
    if not timing["annotation"]:
        raise NewsweaveError(f"{label}: no cluster had a usable article; nothing to score")
    return {
        "clusters": len(clusters) - len(skipped),
        "skipped_clusters": skipped,
        "scores": {system: _mean(rows) for system, rows in scores.items()},
        "seconds_per_cluster": {
            part: {"median": statistics.median(values), "max": max(values)}
            for part, values in timing.items()
        },
    }


def print_table(title: str, result: dict[str, Any], sort_key: str) -> None:
    scores: dict[str, dict[str, float]] = result["scores"]
    columns = list(next(iter(scores.values())))
    skipped: list[str] = result["skipped_clusters"]
    note = (
        f"; {len(skipped)} skipped for every system, no usable article: {', '.join(skipped)}"
        if skipped
        else "; none skipped"
    )
    print(f"\n{title} ({result['clusters']} clusters{note})")
    widths = [max(11, len(c) + 2) for c in columns]
    print(f"{'system':<28}" + "".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for system, row in sorted(scores.items(), key=lambda item: -item[1][sort_key]):
        cells = (f"{row[c]:{w}.2f}" for c, w in zip(columns, widths, strict=True))
        print(f"{system:<28}" + "".join(cells))
    seconds = result["seconds_per_cluster"]
    print(
        f"newsweave per cluster: annotation {seconds['annotation']['median']:.2f} s median "
        f"({seconds['annotation']['max']:.2f} max), summary {seconds['summary']['median']:.3f} s "
        f"median ({seconds['summary']['max']:.3f} max)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    parser.add_argument("--only", choices=["duc", "multinews"])
    parser.add_argument("--limit", type=int, help="first N clusters of each set (quick runs)")
    options = parser.parse_args()
    eval_dir = Path(options.eval_dir)
    if not eval_dir.is_dir():
        print(
            f"quality benchmark: evaluation data not found at {eval_dir}; "
            "set --eval-dir or NEWSWEAVE_EVAL_DATA",
            file=sys.stderr,
        )
        sys.exit(2)

    started = time.perf_counter()
    results: dict[str, Any] = {}
    if options.only in (None, "duc"):
        duc = load_duc2004(eval_dir)[: options.limit]
        published = load_published_systems(eval_dir)
        results["duc2004"] = run(duc, (WORDS_100, BYTES_665), duc_scores, published, "DUC")
        print_table(
            "DUC 2004, ROUGE recall (%), rouge-score + Porter stemming, 4 references",
            results["duc2004"],
            "R-2 @100w",
        )
    if options.only in (None, "multinews"):
        multinews = load_multinews(eval_dir)[: options.limit]
        results["multinews"] = run(multinews, (WORDS_260,), multinews_scores, {}, "Multi-News")
        print_table(
            f"Multi-News, ROUGE F1 (%) at {MULTINEWS_WORDS} words, rouge-score + stemming",
            results["multinews"],
            "R-1 F1",
        )
    elapsed = time.perf_counter() - started
    print(f"\nbenchmark took {elapsed / 60:.1f} min")
    if options.limit is None and options.only is None:
        write_results(
            "quality",
            "summary quality (benchmarks/quality.py)",
            results,
            minutes=round(elapsed / 60, 2),
        )


if __name__ == "__main__":
    main()
