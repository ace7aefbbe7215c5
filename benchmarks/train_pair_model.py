"""Train the pair model (newsweave/story/pairs.py) on labelled pairs; say how it generalises.

The labels are the claims development set, benchmarks/labels/claims_dev.jsonl
(docs/labelling.md): a pair is positive when labelled `same`, negative otherwise. The model
holds nine weights, a bias and a threshold, no text. As it is fitted on the stories the claims
benchmark scores, that benchmark's newsweave column refits it without each story in turn
(benchmarks/claims.py), and the figures to quote are those. `--ecbplus` fits on the ECB+
labels instead (benchmarks/labels/claims_train_ecbplus.jsonl, CC BY 3.0 text) and scores that
model on the development pairs it never saw: on 2026-11-29, precision 0.953 at recall 0.28
there, but in the brief its claims were right 0.89 of the time on reworded pairs (dev-fitted,
held out: 0.91) and its probabilities, calibrated on another corpus, left 77% of statements
"uncertain" (42%), so it is not the shipped model.
The model is a logistic regression over the FEATURES of pairs.py, fitted by iteratively
reweighted least squares with a small L2 penalty (NumPy only: a dozen weights need no learning
library). Its threshold is chosen by leave-one-story-out cross-
validation over the training stories: the lowest probability at which the held-out predictions
reach TARGET_PRECISION.

    python -m benchmarks.train_pair_model [--eval-dir DIR] [--write]

--write replaces newsweave/story/pair_model.json (weights, threshold, how it was trained).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.report import add_eval_dir
from benchmarks.scoring.claims import (
    LABELS,
    TRAINING_LABELS,
    annotate_story,
    load_labels,
    load_stories,
    load_training_stories,
    resolve,
)
from newsweave import Models, Settings
from newsweave.story.index import build_index
from newsweave.story.pairs import FEATURES, PairModel, PairScorer

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "newsweave" / "story" / "pair_model.json"
# Above the 0.90 the product promises: the alignment's own pairs are a different draw.
TARGET_PRECISION = 0.95
L2 = 1.0


def fit(x: Any, y: Any) -> tuple[Any, float]:
    """Logistic regression weights and bias by IRLS (Newton's method) with an L2 penalty."""
    import numpy as np

    design = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(design.shape[1])
    penalty = L2 * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def predict(weights: Any, bias: float, x: Any) -> Any:
    """Probabilities of the positive class."""
    import numpy as np

    return 1.0 / (1.0 + np.exp(-(x @ weights + bias)))


def threshold_for(probabilities: Any, y: Any, target: float) -> tuple[float, float, float]:
    """The lowest threshold whose precision reaches target, with its precision and recall."""
    import numpy as np

    order = np.argsort(-probabilities)
    hits = np.cumsum(y[order])
    precision = hits / np.arange(1, len(y) + 1)
    best = (1.0, 1.0, 0.0)
    for k in range(len(y)):
        # Only a cut between two distinct probabilities is a threshold one can set.
        if k + 1 < len(y) and probabilities[order[k + 1]] == probabilities[order[k]]:
            continue
        if precision[k] >= target:
            best = (float(probabilities[order[k]]), float(precision[k]), float(hits[k] / y.sum()))
    return best


def collect(eval_dir: Path, path: Path = LABELS) -> tuple[Any, Any, list[str]]:
    """Features, labels (1 for `same`) and story of every labelled pair of a labels file."""
    import numpy as np

    settings = Settings()
    models = Models(settings)
    by_story = defaultdict(list)
    for label in load_labels(path):
        by_story[label.story].append(label)
    rows, targets, stories = [], [], []
    stories_of = load_training_stories if path == TRAINING_LABELS else load_stories
    for story in stories_of(eval_dir):
        if story.id not in by_story:
            continue
        annotations = annotate_story(story, models, settings)
        index = build_index(annotations, settings.neighbour_articles)
        scorer = PairScorer(index, models.word_vectors)
        for (i, j), label in resolve(index, by_story[story.id]):
            rows.append(scorer.features(i, j))
            targets.append(float(label == "same"))
            stories.append(story.id)
    return np.array(rows), np.array(targets), stories


def held_out(x: Any, y: Any, stories: Sequence[str]) -> Any:
    """Each pair's probability from a model fitted without its story (leave one story out)."""
    import numpy as np

    probabilities = np.zeros(len(y))
    for story in sorted(set(stories)):
        test = np.array([s == story for s in stories])
        weights, bias = fit(x[~test], y[~test])
        probabilities[test] = predict(weights, bias, x[test])
    return probabilities


def train(x: Any, y: Any, stories: Sequence[str]) -> tuple[PairModel, dict[str, float]]:
    """The model fitted on all these pairs, its threshold chosen on held-out stories."""
    threshold, precision, recall = threshold_for(held_out(x, y, stories), y, TARGET_PRECISION)
    weights, bias = fit(x, y)
    model = PairModel(tuple(float(w) for w in weights), bias, threshold)
    return model, {"held_out_precision": precision, "held_out_recall": recall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    parser.add_argument("--write", action="store_true", help=f"write {MODEL.relative_to(ROOT)}")
    parser.add_argument(
        "--ecbplus",
        action="store_true",
        help="fit on the ECB+ training labels instead, and score that model on the "
        "development pairs it never saw",
    )
    args = parser.parse_args()
    labels = TRAINING_LABELS if args.ecbplus else LABELS
    x, y, stories = collect(args.eval_dir, labels)
    print(f"{len(y)} labelled pairs, {int(y.sum())} same, {len(set(stories))} stories")
    model, figures = train(x, y, stories)
    threshold, weights, bias = model.threshold, model.weights, model.bias
    precision, recall = figures["held_out_precision"], figures["held_out_recall"]
    print(
        f"leave-one-story-out: threshold {threshold:.3f} gives precision {precision:.3f}, "
        f"recall {recall:.3f} over all labelled pairs"
    )
    cosine = x[:, FEATURES.index("cosine")]
    c_threshold, c_precision, c_recall = threshold_for(cosine, y, TARGET_PRECISION)
    print(
        f"plain cosine, same target: threshold {c_threshold:.3f} gives precision "
        f"{c_precision:.3f}, recall {c_recall:.3f}"
    )
    for name, weight in zip(FEATURES, weights, strict=True):
        print(f"  {name:<18}{weight:+.3f}")
    print(f"  {'bias':<18}{bias:+.3f}")
    if args.ecbplus:
        dev_x, dev_y, dev_stories = collect(args.eval_dir, LABELS)
        found = predict(weights, bias, dev_x) >= threshold
        right = int((found & (dev_y == 1)).sum())
        print(
            f"on the {len(dev_y)} development pairs ({len(set(dev_stories))} stories, never "
            f"trained on): precision {right / max(int(found.sum()), 1):.3f} "
            f"({int(found.sum())} pairs), recall {right / dev_y.sum():.3f}"
        )
    if args.write:
        MODEL.write_text(
            json.dumps(
                {
                    "features": list(FEATURES),
                    "weights": [round(float(w), 6) for w in weights],
                    "bias": round(bias, 6),
                    "threshold": round(threshold, 6),
                    "trained": {
                        "by": "benchmarks/train_pair_model.py",
                        "labels": str(labels.relative_to(ROOT)),
                        "date": time.strftime("%Y-%m-%d"),
                        "pairs": len(y),
                        "positives": int(y.sum()),
                        "stories": len(set(stories)),
                        "target_precision": TARGET_PRECISION,
                        "held_out_precision": round(precision, 4),
                        "held_out_recall": round(recall, 4),
                    },
                },
                indent=2,
            )
            + "\n",
            "utf-8",
        )
        print(f"wrote {MODEL.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
