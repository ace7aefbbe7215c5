"""Can citations, "Where sources agree" and "Sources differ" be trusted? Scored on labelled pairs.

The development set (benchmarks/scoring/claims.py, docs/labelling.md) is sentence pairs of 16
stories labelled same / partial / related / contradicts / update / unrelated. Each system below
makes its citations, claims and conflicts on the same annotations, in this run:
- **newsweave**: this checkout's brief, with a pair model (benchmarks/train_pair_model.py:
  weights and threshold) fitted on the labels of the *other* 15 stories: what a story nobody
  labelled gets. These are the figures to quote;
- **shipped model**: the brief with the pair model shipped in the package. When that model was
  fitted on these labels (`trained.labels` in pair_model.json), its figures are in-sample and
  show only how much fitting flatters them;
- **today's rule** (`--against COMMIT`, default the commit before the pair model): that
  commit's brief, run from a git worktree on this environment;
- **cosine >= t**: plain MiniLM cosine: each summary sentence of newsweave's summary cites, in
  every other article, its mutual closest sentence when their cosine reaches t; claims are the
  connected groups of such pairs (one sentence per article). It reports no conflicts.

Scores, each only over the pairs that have a label (the share labelled is printed as coverage):
- citation precision: cited pairs labelled `same`;
- corroborated precision: corroborated claims all of whose labelled pairs of different origins
  are `same`, for all such claims and for the ones the brief shows first; and pair precision;
- corroboration recall: labelled `same` pairs of two independent origins that one claim holds;
- single-source miss rate: statements drawn at random ("sample" pairs) that the system shows
  as single-source although a labelled pair says another origin states the same fact;
  and the share of those statements the system calls uncertain (says neither);
- contradiction precision and recall: conflict pairs labelled `contradicts`; recall over the
  labelled `contradicts` pairs; and how many reported conflicts are labelled `update`;
- *wider*: the same for contradictions and updates over 46 stories (24 AllSides, 12 DUC, the
  10 NewsWCL50), scored on every label there is, including benchmarks/labels/conflicts_dev.jsonl:
  the pairs on which conflicts.py finds any difference (benchmarks/claims_pool.py --conflicts),
  since real contradictions are rare and the 16 stories hold only three.
Each is split by wording: *verbatim* pairs share most of their words (token Jaccard >= 0.6),
the rest are *reworded*, the case the targets are about.

    python -m benchmarks.claims [--against COMMIT] [--eval-dir DIR]

Writes benchmarks/results/claims.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.commits import checkout
from benchmarks.report import add_eval_dir, write_results
from benchmarks.scoring.claims import (
    CONFLICT_LABELS,
    LABELS,
    WIDER_ALLSIDES_STORIES,
    WIDER_DUC_CLUSTERS,
    LabelledStory,
    annotate_story,
    find_sentence,
    load_labels,
    load_stories,
    resolve,
    sentence_key,
)
from newsweave import Annotation, Brief, Models, Settings
from newsweave.story.index import StoryIndex, build_index
from newsweave.story.weave import weave_brief

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AGAINST = "fe422ea"
COSINES = (0.6, 0.7, 0.8, 0.9)
VERBATIM_JACCARD = 0.6
# The conflict kind of a later, higher count (newsweave/story/claims.py); named here because
# `--emit` imports this file into commits that predate it.
UPDATE = "update"
SHOWN_FIRST = 5
Pair = tuple[int, int]


@dataclass
class Output:
    """What one system asserts about one story, as sentence numbers of the story's index."""

    citations: set[Pair] = field(default_factory=set)
    claims: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    conflicts: dict[Pair, str] = field(default_factory=dict)


def _pair(i: int, j: int) -> Pair:
    return (min(i, j), max(i, j))


def brief_output(brief: Brief, index: StoryIndex) -> Output:
    """A brief's citations, claims and conflicts as sentence numbers."""
    where = {(s.span.article, s.span.start): i for i, s in enumerate(index.sentences)}
    output = Output()
    for sentence in brief.summary:
        own = where[sentence.sources[0].article, sentence.sources[0].start]
        output.citations |= {_pair(own, where[s.article, s.start]) for s in sentence.sources[1:]}
    for claim in brief.claims:
        members = tuple(where[s.article, s.start] for s in claim.sources)
        output.claims.append((claim.status, members))
        for conflict in claim.conflicts:
            a, b = conflict.sources
            output.conflicts[_pair(where[a.article, a.start], where[b.article, b.start])] = (
                conflict.kind
            )
    return output


def _as_keys(output: Output, index: StoryIndex) -> dict[str, Any]:
    def key(i: int) -> dict[str, Any]:
        return sentence_key(index, i)

    return {
        "citations": [[key(a), key(b)] for a, b in sorted(output.citations)],
        "claims": [[status, [key(i) for i in members]] for status, members in output.claims],
        "conflicts": [[key(a), key(b), kind] for (a, b), kind in output.conflicts.items()],
    }


def _from_keys(data: Mapping[str, Any], index: StoryIndex) -> Output:
    def number(key: Mapping[str, Any]) -> int:
        found = find_sentence(index, key)
        if found is None:
            raise ValueError(f"sentence not found: {key}")
        return found

    output = Output()
    output.citations = {_pair(number(a), number(b)) for a, b in data["citations"]}
    output.claims = [(s, tuple(number(k) for k in keys)) for s, keys in data["claims"]]
    output.conflicts = {_pair(number(a), number(b)): kind for a, b, kind in data["conflicts"]}
    return output


def cosine_output(
    index: StoryIndex, summary: Iterable[int], threshold: float, min_words: int
) -> Output:
    """The plain-cosine baseline: mutual closest sentences of two articles at >= threshold."""
    import numpy as np

    similarity = index.embeddings @ index.embeddings.T
    best: dict[tuple[int, int], int] = {}
    for i in range(len(index.sentences)):
        for article, rows in enumerate(index.article_sentences):
            if article != index.article_of[i] and len(rows):
                best[i, article] = rows[int(np.argmax(similarity[i, rows.start : rows.stop]))]

    def pairs_of(i: int) -> set[Pair]:
        return {
            _pair(i, j)
            for (first, article), j in best.items()
            if first == i
            and similarity[i, j] >= threshold
            and best.get((j, index.article_of[i])) == i
        }

    output = Output()
    for i in summary:
        output.citations |= pairs_of(i)
    statements = [i for i, s in enumerate(index.sentences) if len(s.span.text.split()) >= min_words]
    edges = sorted(
        {p for i in statements for p in pairs_of(i) if p[1] in set(statements)},
        key=lambda p: -float(similarity[p]),
    )
    group = {i: [i] for i in statements}
    for a, b in edges:
        ga, gb = group[a], group[b]
        articles_a = {index.article_of[x] for x in ga}
        if ga is gb or not articles_a.isdisjoint(index.article_of[x] for x in gb):
            continue
        ga += gb
        for x in gb:
            group[x] = ga
    seen: set[int] = set()
    for i in statements:
        if id(group[i]) in seen:
            continue
        seen.add(id(group[i]))
        origins = {index.origin_of[index.article_of[x]] for x in group[i]}
        status = "corroborated" if len(origins) >= 2 else "single-source"
        output.claims.append((status, tuple(sorted(group[i]))))
    return output


_WORD = re.compile(r"\w+")


def wording(index: StoryIndex, pair: Pair) -> str:
    """ "verbatim" when the two sentences share most words, else "reworded"."""
    a, b = (set(_WORD.findall(index.sentences[i].span.text.lower())) for i in pair)
    jaccard = len(a & b) / len(a | b) if a | b else 1.0
    return "verbatim" if jaccard >= VERBATIM_JACCARD else "reworded"


class Tally:
    """Right and total counts per metric and wording."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, metric: str, split: str, right: bool) -> None:
        for key in dict.fromkeys((f"{metric}|{split}", f"{metric}|all")):
            self.counts[key][0] += int(right)
            self.counts[key][1] += 1

    def rate(self, metric: str, split: str) -> tuple[float | None, int]:
        right, total = self.counts.get(f"{metric}|{split}", [0, 0])
        return (right / total if total else None), total


def score_story(
    index: StoryIndex, output: Output, labels: Mapping[Pair, str], sampled: set[int], tally: Tally
) -> None:
    """Add one story's outcomes for one system to its tally."""
    origin = [index.origin_of[index.article_of[i]] for i in range(len(index.sentences))]

    def independent(pair: Pair) -> bool:
        return origin[pair[0]] != origin[pair[1]]

    for pair in output.citations:
        tally.add("citation coverage", "all", pair in labels)
        if pair in labels:
            tally.add("citation precision", wording(index, pair), labels[pair] == "same")
    claim_of: dict[int, tuple[str, tuple[int, ...]]] = {}
    shown = 0
    for status, members in output.claims:
        for i in members:
            claim_of[i] = (status, members)
        if status != "corroborated":
            continue
        pairs = [
            _pair(a, b)
            for n, a in enumerate(members)
            for b in members[n + 1 :]
            if independent(_pair(a, b))
        ]
        labelled = [p for p in pairs if p in labels]
        for p in pairs:
            tally.add("claim-pair coverage", "all", p in labels)
        for p in labelled:
            tally.add("corroborated pair precision", wording(index, p), labels[p] == "same")
        if labelled:
            verbatim = all(wording(index, p) == "verbatim" for p in labelled)
            split = "verbatim" if verbatim else "reworded"
            right = all(labels[p] == "same" for p in labelled)
            tally.add("corroborated claim precision", split, right)
            if shown < SHOWN_FIRST:
                tally.add("shown claim precision", split, right)
        shown += 1
    for pair, label in labels.items():
        if label == "same" and independent(pair):
            status, members = claim_of.get(pair[0], ("", ()))
            together = pair[1] in members and status != "single-source"
            tally.add("corroboration recall", wording(index, pair), together)
        if label == "contradicts":
            tally.add("contradiction recall", wording(index, pair), pair in output.conflicts)
    for pair, _kind in output.conflicts.items():
        if pair in labels:
            tally.add(
                "contradiction precision", wording(index, pair), labels[pair] == "contradicts"
            )
            tally.add("conflicts labelled update", "all", labels[pair] == "update")
    for i in sampled:
        status, members = claim_of.get(i, ("single-source", (i,)))
        tally.add("uncertain (random statements)", "all", status == "uncertain")
        if status != "single-source":
            continue
        partners = [
            p for p, label in labels.items() if i in p and label == "same" and independent(p)
        ]
        split = wording(index, partners[0]) if partners else "reworded"
        tally.add("single-source miss rate", split, bool(partners))


METRICS = (
    "citation precision",
    "corroborated claim precision",
    "shown claim precision",
    "corroborated pair precision",
    "corroboration recall",
    "single-source miss rate",
    "uncertain (random statements)",
    "contradiction precision",
    "contradiction recall",
    "conflicts labelled update",
    "citation coverage",
    "claim-pair coverage",
    "wider: contradiction precision",
    "wider: contradicts recall",
    "wider: update precision",
    "wider: update recall",
    "wider: conflict coverage",
)


def _emit(eval_dir: Path, target: Path) -> None:
    """Write this code's brief outputs for every story (run inside another commit's worktree)."""
    settings = Settings()
    models = Models(settings)
    outputs = {}
    for story in load_stories(eval_dir, WIDER_ALLSIDES_STORIES, WIDER_DUC_CLUSTERS):
        annotations = annotate_story(story, models, settings)
        index = build_index(annotations, settings.neighbour_articles)
        outputs[story.id] = _as_keys(
            brief_output(weave_brief(annotations, settings, models), index), index
        )
    target.write_text(json.dumps(outputs), "utf-8")


def _against(commit: str, eval_dir: Path) -> dict[str, Any]:
    """Another commit's brief outputs: its newsweave package beside this checkout's benchmarks."""
    with checkout(commit) as tree, tempfile.TemporaryDirectory() as folder:
        mixed = Path(folder)
        (mixed / "newsweave").symlink_to(tree / "newsweave")
        (mixed / "benchmarks").symlink_to(ROOT / "benchmarks")
        target = mixed / "outputs.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.claims",
                "--emit",
                str(target),
                "--eval-dir",
                str(eval_dir),
            ],
            cwd=mixed,
            env={**os.environ, "PYTHONPATH": str(mixed)},
            check=True,
        )
        loaded: dict[str, Any] = json.loads(target.read_text("utf-8"))
        return loaded


def _summary_sentences(brief: Brief, index: StoryIndex) -> list[int]:
    where = {(s.span.article, s.span.start): i for i, s in enumerate(index.sentences)}
    return [where[s.sources[0].article, s.sources[0].start] for s in brief.summary]


class _WithPairModel(Models):
    """This process's models with another pair model (one trained without the story at hand)."""

    def __init__(self, settings: Settings, model: Any) -> None:
        super().__init__(settings)
        self._held_out = model

    @property
    def pair_model(self) -> Any:
        return self._held_out


def _held_out_models(
    indexes: Mapping[str, StoryIndex],
    labels: Mapping[str, Mapping[Pair, str]],
    models: Models,
    settings: Settings,
) -> dict[str, Models]:
    """For each story, models whose pair model was fitted on the other stories' labels."""
    # Imported here: `--emit` runs this file against older commits that have no pair model.
    import numpy as np

    from benchmarks.train_pair_model import train
    from newsweave.story.pairs import PairScorer

    rows, targets, owners = [], [], []
    for story, index in indexes.items():
        scorer = PairScorer(index, models.word_vectors)
        for (i, j), label in labels[story].items():
            rows.append(scorer.features(i, j))
            targets.append(float(label == "same"))
            owners.append(story)
    x, y = np.array(rows), np.array(targets)
    trained: dict[str, Models] = {}
    for story in indexes:
        keep = np.array([owner != story for owner in owners])
        model = train(x[keep], y[keep], [o for o in owners if o != story])[0]
        trained[story] = _WithPairModel(settings, model)
    return trained


def _labels_by_story(*paths: Path) -> dict[str, list[Any]]:
    """The labels of the files that exist, by story."""
    found: dict[str, list[Any]] = defaultdict(list)
    for path in paths:
        if path.is_file():
            for label in load_labels(path):
                found[label.story].append(label)
    return found


def evaluate(
    stories: Sequence[LabelledStory],
    against: Mapping[str, Any] | None,
    models: Models,
    settings: Settings,
) -> dict[str, Tally]:
    """Tallies per system over all labelled stories."""
    labels_by_story = _labels_by_story(LABELS)
    annotated: dict[str, list[Annotation]] = {}
    indexes: dict[str, StoryIndex] = {}
    labels: dict[str, dict[Pair, str]] = {}
    for story in stories:
        if story.id in labels_by_story:
            annotated[story.id] = annotate_story(story, models, settings)
            indexes[story.id] = build_index(annotated[story.id], settings.neighbour_articles)
            labels[story.id] = dict(resolve(indexes[story.id], labels_by_story[story.id]))
    held_out = _held_out_models(indexes, labels, models, settings)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for story, index in indexes.items():
        sampled = {
            find_sentence(index, label.first) for label in labels_by_story[story] if label.sampled
        }
        brief = weave_brief(annotated[story], settings, models)
        unseen = weave_brief(annotated[story], settings, held_out[story])
        systems = {
            "newsweave": brief_output(unseen, index),
            "shipped model": brief_output(brief, index),
        }
        if against is not None:
            systems["today's rule"] = _from_keys(against[story], index)
        summary = _summary_sentences(brief, index)
        for threshold in COSINES:
            systems[f"cosine >= {threshold}"] = cosine_output(
                index, summary, threshold, settings.claim_min_words
            )
        for name, output in systems.items():
            score_story(
                index, output, labels[story], {i for i in sampled if i is not None}, tallies[name]
            )
    return tallies


def evaluate_conflicts(
    stories: Sequence[LabelledStory],
    against: Mapping[str, Any] | None,
    models: Models,
    settings: Settings,
) -> dict[str, Tally]:
    """Contradictions and updates over the wider story set, scored on every label there is."""
    labels_by_story = _labels_by_story(LABELS, CONFLICT_LABELS)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for story in stories:
        annotations = annotate_story(story, models, settings)
        index = build_index(annotations, settings.neighbour_articles)
        labels = dict(resolve(index, labels_by_story[story.id]))
        systems = {"newsweave": brief_output(weave_brief(annotations, settings, models), index)}
        if against is not None:
            systems["today's rule"] = _from_keys(against[story.id], index)
        for name, output in systems.items():
            tally = tallies[name]
            for pair, kind in output.conflicts.items():
                tally.add("wider: conflict coverage", "all", pair in labels)
                if pair in labels:
                    reported = "update" if kind == UPDATE else "contradicts"
                    metric = f"wider: {'update' if kind == UPDATE else 'contradiction'} precision"
                    tally.add(metric, wording(index, pair), labels[pair] == reported)
            for pair, label in labels.items():
                if label in ("contradicts", "update"):
                    kind = output.conflicts.get(pair)
                    found = kind is not None and (kind == UPDATE) == (label == "update")
                    tally.add(f"wider: {label} recall", wording(index, pair), found)
    return tallies


def print_table(tallies: Mapping[str, Tally]) -> dict[str, Any]:
    """Print one row per metric and wording, one column per system; return the figures."""
    names = list(tallies)
    results: dict[str, Any] = {}
    print(f"\n{'metric':<34}{'wording':<10}" + "".join(f"{n:>16}" for n in names))
    for metric in METRICS:
        for split in ("reworded", "verbatim", "all"):
            cells = [tallies[n].rate(metric, split) for n in names]
            if all(total == 0 for _rate, total in cells):
                continue
            text = "".join(
                f"{'—':>16}" if rate is None else f"{rate:>10.2f} ({total:>3})"
                for rate, total in cells
            )
            print(f"{metric:<34}{split:<10}{text}")
            for name, (rate, total) in zip(names, cells, strict=True):
                results.setdefault(name, {})[f"{metric} ({split})"] = {"rate": rate, "n": total}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    parser.add_argument("--against", default=DEFAULT_AGAINST, help="commit of today's rule")
    parser.add_argument("--no-against", action="store_true", help="skip today's rule")
    parser.add_argument("--emit", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit:
        _emit(args.eval_dir, args.emit)
        return
    stories = load_stories(args.eval_dir)
    against = None if args.no_against else _against(args.against, args.eval_dir)
    settings = Settings()
    models = Models(settings)
    tallies = evaluate(stories, against, models, settings)
    wider = load_stories(args.eval_dir, WIDER_ALLSIDES_STORIES, WIDER_DUC_CLUSTERS)
    for name, tally in evaluate_conflicts(wider, against, models, settings).items():
        for key, counts in tally.counts.items():
            tallies[name].counts[key] = counts
    results = print_table(tallies)
    write_results("claims", "claims", results, against=None if args.no_against else args.against)


if __name__ == "__main__":
    main()
