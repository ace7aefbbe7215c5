"""The labelled stories of the claims benchmark: which stories, their sentences, and the labels.

The development set is sentence pairs of one story from two different articles, each labelled
by hand with what the second says about the first's fact (docs/labelling.md). The labels name
sentences by article id, character offsets in newsweave's clean text and a hash of the text,
never the text itself: the texts belong to their outlets and stay in the evaluation data, so the
labels can live in this repository (benchmarks/labels/claims_dev.jsonl).

Stories: the 10 NewsWCL50 events (5 US outlets that word things very differently), the first
AllSides stories told by three outlets (left, centre, right), and the first DUC 2004 clusters
(AP and NYT wire copy, where verbatim repeats are common).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave import Annotation, Models, Settings
from newsweave.analyze.annotate import annotate_articles
from newsweave.errors import NewsweaveError
from newsweave.read.ingest import read_records
from newsweave.story.index import StoryIndex

LABELS = Path(__file__).resolve().parent.parent / "labels" / "claims_dev.jsonl"
# Pairs of a wider set of stories on which conflicts.py finds a difference: what contradiction
# precision is measured on, as the 16 stories hold only a few real contradictions.
CONFLICT_LABELS = LABELS.with_name("conflicts_dev.jsonl")
# The pair model's training pairs: ECB+ events (CC BY 3.0), never one of the stories scored.
TRAINING_LABELS = LABELS.with_name("claims_train_ecbplus.jsonl")
TRAINING_DOCS = 6
WIDER_ALLSIDES_STORIES = 24
WIDER_DUC_CLUSTERS = 12
ALLSIDES_STORIES = 4
DUC_CLUSTERS = 2
# What a pair can be labelled (docs/labelling.md). Only "same" supports a citation or a
# corroboration; "contradicts" and "update" are what a conflict may report.
PAIR_LABELS = ("same", "partial", "related", "contradicts", "update", "unrelated")


@dataclass(frozen=True)
class LabelledStory:
    """One story of the development set: its id and its articles as JSON Lines records."""

    id: str
    records: tuple[Mapping[str, Any], ...]


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise NewsweaveError(f"{path}: evaluation data not found")
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _wire_date(doc_id: str) -> str | None:
    """The date a DUC document id carries ("APW19981016.0240" -> "1998-10-16")."""
    found = re.search(r"(19|20)(\d\d)(\d\d)(\d\d)", doc_id)
    return f"{found[1]}{found[2]}-{found[3]}-{found[4]}" if found else None


def load_stories(
    eval_dir: Path, allsides_stories: int = ALLSIDES_STORIES, duc_clusters: int = DUC_CLUSTERS
) -> list[LabelledStory]:
    """The development set's stories, in a fixed order, from the evaluation data.

    Args:
        eval_dir: The evaluation data.
        allsides_stories: How many AllSides stories of three outlets to take, in file order.
        duc_clusters: How many DUC 2004 clusters to take, in file order; each document gets the date
            its id carries as its publication date.
    """
    stories: list[LabelledStory] = []
    by_event: dict[int, list[dict[str, Any]]] = {}
    for row in _rows(eval_dir / "stories" / "newswcl50.jsonl"):
        by_event.setdefault(row["story"], []).append(
            {"id": row["id"], "text": row["text"], "outlet": row["outlet"], "url": row["url"]}
        )
    stories += [
        LabelledStory(f"newswcl50-{event}", tuple(rows)) for event, rows in by_event.items()
    ]
    allsides = _rows(eval_dir / "clustering" / "allsides_dev.jsonl")
    sizes = Counter(row["story"] for row in allsides)
    chosen = [
        story for story in dict.fromkeys(row["story"] for row in allsides) if sizes[story] == 3
    ]
    for story in chosen[:allsides_stories]:
        records = tuple(
            {key: row[key] for key in ("id", "text", "title", "outlet", "published", "url")}
            for row in allsides
            if row["story"] == story
        )
        stories.append(LabelledStory(f"allsides-{story}", records))
    for row in _rows(eval_dir / "duc2004" / "clusters.jsonl")[:duc_clusters]:
        records = tuple(
            {"id": doc["id"], "text": doc["text"], "published": _wire_date(doc["id"])}
            for doc in row["docs"]
        )
        stories.append(LabelledStory(f"duc2004-{row['id']}", records))
    return stories


def load_training_stories(eval_dir: Path, per_event: int = TRAINING_DOCS) -> list[LabelledStory]:
    """ECB+ events as stories of their first `per_event` documents: the pair model's training set.

    Each ECB+ event is told by several web outlets, and its text is CC BY 3.0, so a model fitted
    on its labels may ship; the development stories above are never trained on.
    """
    by_event: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(eval_dir / "clustering" / "ecbplus_dev.jsonl"):
        by_event.setdefault(row["story"], []).append({"id": row["id"], "text": row["text"]})
    return [
        LabelledStory(f"ecbplus-{event}", tuple(rows[:per_event]))
        for event, rows in by_event.items()
        if len(rows) >= 2
    ]


def annotate_story(story: LabelledStory, models: Models, settings: Settings) -> list[Annotation]:
    """Read and annotate a story's articles as `newsweave brief` reads JSON Lines."""
    articles = read_records(story.records, settings, on_problem=lambda _p: None, source=story.id)
    return list(annotate_articles(articles, models, settings))


def text_hash(text: str) -> str:
    """A short hash naming a sentence's text without keeping it."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def sentence_key(index: StoryIndex, sentence: int) -> dict[str, Any]:
    """How a label names one sentence of the index."""
    span = index.sentences[sentence].span
    return {
        "article": span.article,
        "start": span.start,
        "end": span.end,
        "hash": text_hash(span.text),
    }


def find_sentence(index: StoryIndex, key: Mapping[str, Any]) -> int | None:
    """The sentence a label names: by its offsets, else by its text hash in the same article."""
    matches = [
        i
        for i, sentence in enumerate(index.sentences)
        if sentence.span.article == key["article"] and text_hash(sentence.span.text) == key["hash"]
    ]
    exact = [i for i in matches if index.sentences[i].span.start == key["start"]]
    found = exact or matches
    return found[0] if found else None


@dataclass(frozen=True)
class PairLabel:
    """A labelled pair: the story, the two sentences' keys and what the second says of the first."""

    story: str
    first: Mapping[str, Any]
    second: Mapping[str, Any]
    label: str
    why: tuple[str, ...] = ()

    @property
    def sampled(self) -> bool:
        """Whether the first sentence was drawn at random to measure misses."""
        return "sample" in self.why


def load_labels(path: Path = LABELS) -> list[PairLabel]:
    """The labelled pairs (benchmarks/labels/claims_dev.jsonl)."""
    labels = []
    for row in _rows(path):
        if row["label"] not in PAIR_LABELS:
            raise NewsweaveError(f"{path}: unknown label {row['label']!r}")
        labels.append(
            PairLabel(row["story"], row["a"], row["b"], row["label"], tuple(row.get("why", ())))
        )
    return labels


def resolve(
    index: StoryIndex, labels: Sequence[PairLabel]
) -> Iterator[tuple[tuple[int, int], str]]:
    """The labelled pairs of one story as sentence numbers of its index (unordered, low first)."""
    for label in labels:
        first, second = find_sentence(index, label.first), find_sentence(index, label.second)
        if first is not None and second is not None:
            yield (min(first, second), max(first, second)), label.label
