"""Scoring summaries against human references (ROUGE) on the benchmark sets of ../shared/eval.

benchmarks/quality.py and the `eval` tests both score through here, so they cannot drift apart.
The scorer is `rouge-score` (Google's reimplementation of ROUGE-1.5.5) with Porter stemming, as
the eval README prescribes; it is a dev dependency, imported only when scoring. The data sets are
read from a directory the caller gives (they are never copied into the repository).
"""

from __future__ import annotations

import functools
import itertools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.analyze.annotate import annotate_articles
from newsweave.analyze.nlp import Models
from newsweave.config import Settings
from newsweave.errors import NewsweaveError
from newsweave.models import Annotation
from newsweave.read.ingest import read_records
from newsweave.story.index import build_index
from newsweave.story.summarize import choose_sentences, text_cost

DUC_WORDS = 100
DUC_BYTES = 665
MULTINEWS_WORDS = 260
# Systems write past the limit and are cut at it, as DUC and SumRepo did, so a summary is not
# short of the limit only because its next whole sentence did not fit.
_OVERGENERATE_WORDS = 40
_OVERGENERATE_BYTES = 250


@dataclass(frozen=True)
class Cluster:
    """A set of news articles about one event and its human-written reference summaries."""

    id: str
    documents: tuple[str, ...]
    references: tuple[str, ...]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise NewsweaveError(f"{path}: evaluation data not found")
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def load_duc2004(eval_dir: Path) -> list[Cluster]:
    """DUC 2004 task 2 clusters: 10 documents and 4 references (665 bytes) each."""
    return [
        Cluster(row["id"], tuple(d["text"] for d in row["docs"]), tuple(row["refs"]))
        for row in _read_jsonl(eval_dir / "duc2004" / "clusters.jsonl")
    ]


def load_multinews(eval_dir: Path) -> list[Cluster]:
    """Multi-News clusters: 2-10 crawled web articles and one editor-written summary each."""
    return [
        Cluster(row["id"], tuple(row["docs"]), (row["summary"],))
        for row in _read_jsonl(eval_dir / "multinews" / "clusters.jsonl")
    ]


def load_published_systems(eval_dir: Path) -> dict[str, dict[str, str]]:
    """The summaries of the 13 published DUC 2004 systems: {system: {cluster id: summary}}."""
    systems: dict[str, dict[str, str]] = {}
    for row in _read_jsonl(eval_dir / "duc2004" / "published_systems.jsonl"):
        systems.setdefault(row["system"], {})[row["id"]] = row["summary"]
    return systems


def truncate_words(text: str, limit: int) -> str:
    """The first `limit` whitespace-separated words of text."""
    return " ".join(text.split()[:limit])


def truncate_bytes(text: str, limit: int) -> str:
    """The first `limit` bytes of text in UTF-8 (whitespace normalised), cut at a character."""
    return " ".join(text.split()).encode("utf-8")[:limit].decode("utf-8", errors="ignore")


@functools.cache
def _scorer(metrics: tuple[str, ...]) -> Any:
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        raise NewsweaveError(
            "scoring needs rouge-score: pip install -e '.[dev]' (make install does)"
        ) from None
    return rouge_scorer.RougeScorer(list(metrics), use_stemmer=True)


def rouge(summary: str, references: Sequence[str], metrics: tuple[str, ...]) -> dict[str, Any]:
    """ROUGE of one summary, averaged over its references.

    Args:
        summary: The (already truncated) summary.
        references: One or more human summaries.
        metrics: rouge-score names, e.g. ("rouge1", "rouge2", "rougeL").

    Returns:
        {metric: {"recall", "precision", "f1"}} in percent.
    """
    scorer = _scorer(metrics)
    totals = {m: Counter[str]() for m in metrics}
    for reference in references:
        for metric, score in scorer.score(reference, summary).items():
            totals[metric].update(
                {"recall": score.recall, "precision": score.precision, "f1": score.fmeasure}
            )
    return {
        metric: {key: 100 * value / len(references) for key, value in total.items()}
        for metric, total in totals.items()
    }


@dataclass(frozen=True)
class Limit:
    """A summary length limit: words (whitespace-separated) or UTF-8 bytes, exactly one."""

    words: int | None = None
    bytes: int | None = None

    def cut(self, text: str) -> str:
        """Text cut at the limit."""
        if self.words is not None:
            return truncate_words(text, self.words)
        return truncate_bytes(text, self.bytes or 0)

    def size(self, text: str) -> int:
        """How much of the limit text uses (as a summary budget counts it)."""
        return text_cost(text, in_bytes=self.words is None)

    def fill(self, sentences: Sequence[str]) -> str:
        """Ranked sentences, as many as reach the limit, cut at it."""
        limit = self.words if self.words is not None else self.bytes or 0
        taken: list[str] = []
        used = 0
        for sentence in sentences:
            if used >= limit:
                break
            taken.append(sentence)
            used += self.size(sentence)
        return self.cut(" ".join(taken))


WORDS_100 = Limit(words=DUC_WORDS)
BYTES_665 = Limit(bytes=DUC_BYTES)
WORDS_260 = Limit(words=MULTINEWS_WORDS)


def duc_scores(by_words: str, by_bytes: str, cluster: Cluster) -> dict[str, float]:
    """ROUGE-1/2 recall of a DUC 2004 summary at 100 words and of one at 665 bytes.

    Also the length each really has after the cut: recall rewards length, and some published
    summaries are shorter than the limit.
    """
    short, small = WORDS_100.cut(by_words), BYTES_665.cut(by_bytes)
    words = rouge(short, cluster.references, ("rouge1", "rouge2"))
    cut = rouge(small, cluster.references, ("rouge1", "rouge2"))
    return {
        "R-1 @100w": words["rouge1"]["recall"],
        "R-2 @100w": words["rouge2"]["recall"],
        "R-1 @665b": cut["rouge1"]["recall"],
        "R-2 @665b": cut["rouge2"]["recall"],
        "words @100w": float(len(short.split())),
        "bytes @665b": float(len(small.encode("utf-8"))),
    }


def multinews_scores(text: str, cluster: Cluster) -> dict[str, float]:
    """ROUGE-1/2/L F1 of a Multi-News summary cut at 260 words."""
    metrics = ("rouge1", "rouge2", "rougeL")
    result = rouge(WORDS_260.cut(text), cluster.references, metrics)
    return {
        "R-1 F1": result["rouge1"]["f1"],
        "R-2 F1": result["rouge2"]["f1"],
        "R-L F1": result["rougeL"]["f1"],
        "words": float(len(WORDS_260.cut(text).split())),
    }


def annotate_cluster(cluster: Cluster, models: Models, settings: Settings) -> list[Annotation]:
    """Read a cluster's documents as articles (cleaned like JSON Lines input) and annotate them.

    Documents that are not usable articles (empty once boilerplate is removed, repeats) are
    dropped quietly.

    Raises:
        NoArticlesError: When no document of the cluster is a usable article (a Multi-News
            cluster can hold only crawl noise, such as a web-archive notice); callers skip it.
    """
    records = [
        {"id": f"{cluster.id}-{number}", "text": text}
        for number, text in enumerate(cluster.documents)
    ]
    articles = read_records(records, settings, on_problem=lambda _problem: None, source=cluster.id)
    return list(annotate_articles(articles, models, settings))


def ranked_summary(
    annotations: Sequence[Annotation], settings: Settings, limit: Limit
) -> list[str]:
    """A newsweave summary for scoring: its sentences in the order the summarizer chose them.

    It is planned a little past the limit (in words, or in bytes as `--bytes` plans), so that
    the cut falls inside a sentence rather than short of the limit.
    """
    if limit.words is not None:
        words = limit.words + _OVERGENERATE_WORDS
        budget = settings.with_(summary_words=words, summary_bytes=None)
    else:
        budget = settings.with_(summary_bytes=(limit.bytes or 0) + _OVERGENERATE_BYTES)
    index = build_index(annotations, settings.neighbour_articles)
    return [index.sentences[i].span.text for i in choose_sentences(index, budget)]


def oracle_summary(sentences: Sequence[str], references: Sequence[str], limit: Limit) -> list[str]:
    """A greedy ROUGE oracle: sentences chosen to raise ROUGE-1 + ROUGE-2 recall.

    Two greedy passes, one adding the sentence with the largest gain and one the largest gain
    per word (of the summary as cut at the limit), and the better result is kept. It estimates
    the ceiling for extractive systems choosing among the same sentences; being greedy, it is
    not a guaranteed upper bound, and a system can beat it on a cluster. Words are tokenized and
    stemmed once, as ROUGE does, and the cut is made on whole words.
    """
    tokenizer = _scorer(("rouge1", "rouge2"))._tokenizer
    cache: dict[str, list[str]] = {}

    def tokens_of(word: str) -> list[str]:
        if word not in cache:
            cache[word] = list(tokenizer.tokenize(word))
        return cache[word]

    words = [sentence.split() for sentence in sentences]
    targets = []
    for reference in references:
        tokens = tokenizer.tokenize(reference)
        targets.append((Counter(tokens), Counter(itertools.pairwise(tokens))))
    room = limit.words if limit.words is not None else limit.bytes or 0

    def value(summary_words: list[str]) -> float:
        kept: list[str] = []
        used = 0
        for word in summary_words:
            used += 1 if limit.words is not None else len(word.encode("utf-8")) + 1
            if used > room + (0 if limit.words is not None else 1):
                break
            kept.extend(tokens_of(word))
        unigrams, bigrams = Counter(kept), Counter(itertools.pairwise(kept))
        total = 0.0
        for ref_uni, ref_bi in targets:
            total += sum((unigrams & ref_uni).values()) / max(sum(ref_uni.values()), 1)
            total += sum((bigrams & ref_bi).values()) / max(sum(ref_bi.values()), 1)
        return total

    def greedy(per_word: bool) -> tuple[float, list[int]]:
        chosen: list[int] = []
        summary: list[str] = []
        current = 0.0
        while limit.size(" ".join(summary)) < room:
            best, best_score, best_value = -1, 0.0, current
            for i in range(len(sentences)):
                if i in chosen:
                    continue
                candidate = value(summary + words[i])
                score = (candidate - current) / (len(words[i]) if per_word else 1)
                if candidate > current and score > best_score:
                    best, best_score, best_value = i, score, candidate
            if best < 0:
                break
            chosen.append(best)
            summary += words[best]
            current = best_value
        return current, chosen

    _, chosen = max(greedy(per_word=False), greedy(per_word=True), key=lambda result: result[0])
    return [sentences[i] for i in chosen]
