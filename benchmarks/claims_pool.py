"""The pool of sentence pairs to label for the claims benchmark (docs/labelling.md).

Per story of the development set (benchmarks/scoring/claims.py) the pool holds:
- *sample*: statements drawn at random, each with its closest sentence (MiniLM cosine) in every
  other article, when that cosine reaches 0.45. These measure what the brief misses: a sampled
  statement the brief shows as single-source with a labelled "same" partner is a miss.
- *brief*: every pair the brief of this checkout asserts: a summary sentence and each sentence
  it cites, two sentences of one corroborated or contradicted claim, and each conflict.
- *cosine*: mutual closest pairs with cosine >= 0.6, what the plain-cosine baseline proposes,
  drawn at random up to a cap per story; each carries its sampling weight.

Writes DIR/pool.jsonl with the texts (for labelling only: keep it outside the repository) and
DIR/keys.jsonl with the sentence keys the labels are stored under.

    python -m benchmarks.claims_pool --out /tmp/claims_pool
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from benchmarks.report import add_eval_dir
from benchmarks.scoring.claims import (
    CONFLICT_LABELS,
    LABELS,
    PAIR_LABELS,
    WIDER_ALLSIDES_STORIES,
    WIDER_DUC_CLUSTERS,
    annotate_story,
    load_labels,
    load_stories,
    sentence_key,
)
from newsweave import Models, Settings
from newsweave.story.index import StoryIndex, build_index
from newsweave.story.weave import weave_brief

SAMPLED_STATEMENTS = 6
SAMPLE_COSINE = 0.45
COSINE_PROPOSAL = 0.6
COSINE_CAP = 22


def _locate(index: StoryIndex) -> dict[tuple[str, int], int]:
    return {(s.span.article, s.span.start): i for i, s in enumerate(index.sentences)}


def _context(index: StoryIndex, i: int) -> str:
    """The sentence before, so that a labeller can resolve "he" or "the agency"."""
    position = index.position[i]
    if position == 0:
        return ""
    return index.sentences[i - 1].span.text


def story_pool(
    index: StoryIndex, brief_pairs: dict[tuple[int, int], set[str]], seed: int, min_words: int
) -> list[dict[str, Any]]:
    """The labelled-to-be pairs of one story, each with why it is in the pool and its weight."""
    import numpy as np

    rng = random.Random(seed)
    similarity = index.embeddings @ index.embeddings.T
    statements = [i for i, s in enumerate(index.sentences) if len(s.span.text.split()) >= min_words]
    eligible = set(statements)
    best: dict[tuple[int, int], int] = {}
    for i in statements:
        for article, rows in enumerate(index.article_sentences):
            if article != index.article_of[i] and len(rows):
                best[i, article] = rows[int(np.argmax(similarity[i, rows.start : rows.stop]))]
    pool: dict[tuple[int, int], dict[str, Any]] = {}

    def add(i: int, j: int, why: str, weight: float = 1.0) -> None:
        key = (min(i, j), max(i, j))
        entry = pool.setdefault(key, {"why": [], "weight": {}})
        if why not in entry["why"]:
            entry["why"].append(why)
        entry["weight"][why] = weight

    for i in rng.sample(statements, min(SAMPLED_STATEMENTS, len(statements))):
        for (first, _article), j in best.items():
            if first == i and similarity[i, j] >= SAMPLE_COSINE:
                add(i, j, "sample")
    for pair, whys in brief_pairs.items():
        for why in whys:
            add(*pair, why)
    mutual = sorted(
        {
            (min(i, j), max(i, j))
            for (i, article), j in best.items()
            if j in eligible
            and similarity[i, j] >= COSINE_PROPOSAL
            and best.get((j, index.article_of[i])) == i
        }
    )
    chosen = rng.sample(mutual, min(COSINE_CAP, len(mutual)))
    for pair in chosen:
        add(*pair, "cosine", len(mutual) / len(chosen))
    items = []
    for (i, j), entry in sorted(pool.items()):
        items.append({"i": i, "j": j, "cosine": round(float(similarity[i, j]), 3), **entry})
    return items


def brief_pairs(
    index: StoryIndex, annotations: Any, settings: Settings, models: Models
) -> dict[tuple[int, int], set[str]]:
    """The pairs the brief asserts: citations, claim members and conflicts."""
    brief = weave_brief(annotations, settings, models)
    where = _locate(index)
    pairs: dict[tuple[int, int], set[str]] = {}

    def note(a: Any, b: Any, why: str) -> None:
        i, j = where[a.article, a.start], where[b.article, b.start]
        pairs.setdefault((min(i, j), max(i, j)), set()).add(why)

    for sentence in brief.summary:
        for cited in sentence.sources[1:]:
            note(sentence.sources[0], cited, "citation")
    for claim in brief.claims:
        for n, a in enumerate(claim.sources):
            for b in claim.sources[n + 1 :]:
                note(a, b, f"claim-{claim.status}")
        for conflict in claim.conflicts:
            note(*conflict.sources, "conflict")
    return pairs


CONFLICT_MIN_PROBABILITY = 0.3


def conflict_pool(index: StoryIndex, models: Models, min_words: int) -> list[tuple[int, int]]:
    """Mutual most probable pairs (pair model >= 0.3) on which conflicts.py finds a difference.

    Every kind counts here (number, date, name, negation), reported or not, so that the labels
    measure each detector and each choice of what a brief reports.
    """
    from newsweave.story.conflicts import find_conflicts
    from newsweave.story.pairs import PairScorer

    scorer = PairScorer(index, models.word_vectors)
    model = models.pair_model
    statements = {i for i, s in enumerate(index.sentences) if len(s.span.text.split()) >= min_words}
    scorer.prepare(
        (i, j)
        for i in statements
        for article in index.near_articles(i)
        for j in index.candidates(i, article)
    )

    def best(i: int, article: int) -> int:
        found = [j for j in index.candidates(i, article) if j in statements]
        return max(found, key=lambda j: model.probability(scorer.features(i, j)), default=-1)

    found = []
    for i in sorted(statements):
        for article in index.near_articles(i):
            j = best(i, article)
            if j < i or best(j, index.article_of[i]) != i:
                continue
            if model.probability(scorer.features(i, j)) < CONFLICT_MIN_PROBABILITY:
                continue
            if find_conflicts(scorer.statement(i), scorer.statement(j)):
                found.append((i, j))
    return found


def merge(folder: Path, target: Path = LABELS) -> None:
    """Write a labels file: each pool pair's keys (no text) with its label."""
    decided: dict[str, str] = {}
    for path in sorted(folder.glob("labels*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("label") in PAIR_LABELS:
                    decided[row["id"]] = row["label"]
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = 0
    with target.open("w", encoding="utf-8") as out:
        for line in (folder / "keys.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line)
            if row["id"] in decided:
                out.write(json.dumps({**row, "label": decided[row["id"]]}) + "\n")
                kept += 1
    print(f"{kept} labelled pairs written to {target}")


def _sides(index: StoryIndex, annotations: Any, i: int, j: int) -> dict[str, Any]:
    """The two sentences as a labeller sees them: outlet, date, title, context, text."""
    meta = {a.article.id: a.article for a in annotations}
    sides = {}
    for side, k in (("a", i), ("b", j)):
        span = index.sentences[k].span
        article = meta[span.article]
        sides[side] = {
            "outlet": article.outlet,
            "published": article.published,
            "title": article.title,
            "context": _context(index, k),
            "sentence": span.text,
        }
    return sides


def write_conflict_pool(eval_dir: Path, out: Path) -> None:
    """Write OUT/pool.jsonl and OUT/keys.jsonl for the conflict pairs of the wider story set."""
    settings = Settings()
    models = Models(settings)
    out.mkdir(parents=True, exist_ok=True)
    known = {(label.story, label.first["hash"], label.second["hash"]) for label in load_labels()}
    stories = load_stories(eval_dir, WIDER_ALLSIDES_STORIES, WIDER_DUC_CLUSTERS)
    with (out / "pool.jsonl").open("w") as pool_file, (out / "keys.jsonl").open("w") as keys:
        for story in stories:
            annotations = annotate_story(story, models, settings)
            index = build_index(annotations, settings.neighbour_articles)
            count = 0
            for k, (i, j) in enumerate(conflict_pool(index, models, settings.claim_min_words)):
                a, b = sentence_key(index, i), sentence_key(index, j)
                if (story.id, a["hash"], b["hash"]) in known:
                    continue
                item_id = f"{story.id}#c{k}"
                item = {"id": item_id, "story": story.id, **_sides(index, annotations, i, j)}
                pool_file.write(json.dumps(item) + "\n")
                keys.write(
                    json.dumps(
                        {"id": item_id, "story": story.id, "a": a, "b": b, "why": ["conflict-pool"]}
                    )
                    + "\n"
                )
                count += 1
            print(f"{story.id}: {count} pairs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--merge",
        action="store_true",
        help="join OUT/keys.jsonl with the labellers' OUT/labels*.jsonl into the labels file",
    )
    parser.add_argument(
        "--conflicts",
        action="store_true",
        help="pool (or merge) pairs with a difference conflicts.py finds, over more stories",
    )
    args = parser.parse_args()
    if args.merge:
        merge(args.out, CONFLICT_LABELS if args.conflicts else LABELS)
        return
    if args.conflicts:
        write_conflict_pool(args.eval_dir, args.out)
        return
    settings = Settings()
    models = Models(settings)
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        (args.out / "pool.jsonl").open("w") as pool_file,
        (args.out / "keys.jsonl").open("w") as keys,
    ):
        for number, story in enumerate(load_stories(args.eval_dir)):
            annotations = annotate_story(story, models, settings)
            index = build_index(annotations, settings.neighbour_articles)
            asserted = brief_pairs(index, annotations, settings, models)
            items = story_pool(index, asserted, number, settings.claim_min_words)
            for k, item in enumerate(items):
                item_id = f"{story.id}#{k}"
                sides = _sides(index, annotations, item["i"], item["j"])
                pool_file.write(json.dumps({"id": item_id, "story": story.id, **sides}) + "\n")
                keys.write(
                    json.dumps(
                        {
                            "id": item_id,
                            "story": story.id,
                            "a": sentence_key(index, item["i"]),
                            "b": sentence_key(index, item["j"]),
                            "why": item["why"],
                            "weight": item["weight"],
                            "cosine": item["cosine"],
                        }
                    )
                    + "\n"
                )
            print(
                f"{story.id}: {len(annotations)} articles, {len(index.sentences)} sentences, "
                f"{len(items)} pairs ({sum('sample' in x['why'] for x in items)} sample, "
                f"{sum(any(w not in ('sample', 'cosine') for w in x['why']) for x in items)} brief)"
            )


if __name__ == "__main__":
    main()
