"""Quote attribution: newsweave beside textacy's `direct_quotations` on PolNeAR, same scorer.

Both systems read the same PolNeAR dev articles with the same spaCy pipeline
(en_core_web_sm 3.8). Scoring is benchmarks/scoring/quotes.py: precision, recall and F1 of
(quote, speaker) pairs on direct quotations, and, for newsweave alone (textacy has none), on the
other attributions (reported speech and partial quotes). One annotator's file is scored per
article, and the pieces of a quotation split around its cue count once in precision (see the
scorer). `--old-scoring` also prints the figures of the scoring before that fix (every piece
counted, every annotator's file scored), from the same predictions, and records them.

Speed: the share quotes, roles and interactions add to annotation (spaCy parse + sentence
embeddings), measured on the same articles in this run, medians over articles.

Usage: python -m benchmarks.quotes [--eval-dir DIR] [--limit N] [--old-scoring]
Writes benchmarks/results/quotes.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.report import add_eval_dir, write_results
from benchmarks.scoring.quotes import (
    GoldDocument,
    PredictedQuote,
    line_bounds,
    load_polnear,
    names,
    newsweave_quotes,
    parse_lines,
    score_attributions,
    score_newsweave,
)
from newsweave import Models, Settings
from newsweave.analyze.relations import extract_interactions, extract_roles
from newsweave.models import Article, Quote

ROOT = Path(__file__).resolve().parent.parent


def run_newsweave(
    documents: list[GoldDocument], models: Models, batch_size: int
) -> tuple[list[list[Quote]], dict[str, list[float]]]:
    """newsweave's quotes of each document, and the seconds each part of annotation took."""
    nlp = models.spacy
    embedder = models.embedder
    quotes: list[list[Quote]] = []
    seconds: dict[str, list[float]] = {"parse": [], "embed": [], "extract": []}
    for document in documents:
        article = Article(id=document.id, text=document.text)
        started = time.perf_counter()
        paragraphs = parse_lines(document.text, nlp)
        parsed = time.perf_counter()
        embedder.encode([s.text for _, doc in paragraphs for s in doc.sents], batch_size)
        embedded = time.perf_counter()
        found = newsweave_quotes(document, paragraphs)
        extract_roles(article, paragraphs)
        extract_interactions(article, paragraphs)
        extracted = time.perf_counter()
        quotes.append(found)
        seconds["parse"].append(parsed - started)
        seconds["embed"].append(embedded - parsed)
        seconds["extract"].append(extracted - embedded)
    return quotes, seconds


def run_textacy(documents: list[GoldDocument], models: Models) -> list[list[PredictedQuote]]:
    """textacy's direct quotations of each document, from the same spaCy pipeline."""
    from textacy.extract.triples import direct_quotations

    nlp = models.spacy
    predictions = []
    for document in documents:
        found = []
        # Paragraph by paragraph: textacy refuses a whole text with an odd number of marks,
        # which news has wherever a quote runs over paragraphs.
        for offset, end in line_bounds(document.text):
            try:
                triples = list(direct_quotations(nlp(document.text[offset:end])))
            except ValueError:
                continue
            for triple in triples:
                speaker = triple.speaker
                span = (
                    (offset + speaker[0].idx, offset + speaker[-1].idx + len(speaker[-1].text))
                    if speaker
                    else None
                )
                text = document.text[span[0] : span[1]] if span else None
                content = triple.content
                found.append(
                    PredictedQuote(
                        offset + content.start_char, offset + content.end_char, span, names(text)
                    )
                )
        predictions.append(found)
    return predictions


def score(
    documents: Sequence[GoldDocument],
    quotes: Sequence[Sequence[Quote]],
    textacy: Sequence[Sequence[PredictedQuote]] | None,
    merge_pieces: bool = True,
) -> dict[str, Any]:
    """Both systems' scores ({system: {"direct", "indirect"}}), textacy's only when it ran."""
    scores: dict[str, Any] = {
        "newsweave": {
            kind: found.to_dict()
            for kind, found in score_newsweave(documents, quotes, merge_pieces).items()
        }
    }
    if textacy is not None:
        scores["textacy"] = {
            "direct": score_attributions(
                documents, textacy, direct=True, merge_pieces=merge_pieces
            ).to_dict(),
            "indirect": None,
        }
    return scores


def print_scores(label: str, scores: dict[str, Any]) -> None:
    """One row per system: direct and other attributions, P/R/F1."""
    for system, rows in scores.items():
        d, i = rows["direct"], rows["indirect"]
        rest = (
            f"{i['precision']:>10.3f} {i['recall']:>6.3f} {i['f1']:>6.3f}" if i else f"{'n/a':>10}"
        )
        print(
            f"{system + label:<24} {d['precision']:>9.3f} {d['recall']:>6.3f} {d['f1']:>6.3f}   "
            f"{rest}"
        )


def main() -> None:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_eval_dir(parser)
    parser.add_argument("--limit", type=int, help="first N articles (quick runs)")
    parser.add_argument(
        "--old-scoring",
        action="store_true",
        help="also score as before the fix: every piece of a split quote, every annotator's file",
    )
    options = parser.parse_args()
    eval_dir = Path(options.eval_dir)
    if not (eval_dir / "quotes").is_dir():
        print(
            f"quotes benchmark: evaluation data not found at {eval_dir}; "
            "set --eval-dir or NEWSWEAVE_EVAL_DATA",
            file=sys.stderr,
        )
        sys.exit(2)
    documents = load_polnear(eval_dir)[: options.limit]
    settings = Settings()
    models = Models(settings)
    quotes, seconds = run_newsweave(documents, models, settings.embed_batch_size)
    textacy: list[list[PredictedQuote]] | None
    try:
        textacy = run_textacy(documents, models)
    except ImportError:
        print("textacy is not installed (pip install -e '.[bench]'); baseline skipped")
        textacy = None
    results = score(documents, quotes, textacy)
    old: dict[str, Any] | None = None
    if options.old_scoring:
        # Every annotator's file of the same articles; the systems' output depends on the
        # text alone, so each file gets the predictions made for its article's text.
        texts = {d.text: n for n, d in enumerate(documents)}
        every = [d for d in load_polnear(eval_dir, every_annotator=True) if d.text in texts]
        old = score(
            every,
            [quotes[texts[d.text]] for d in every],
            None if textacy is None else [textacy[texts[d.text]] for d in every],
            merge_pieces=False,
        )
        old["annotation_files"] = len(every)
    print(
        f"\nPolNeAR dev, {len(documents)} articles (one annotator's file each): "
        "(quote, speaker) pairs"
    )
    print(
        f"{'system':<24} {'direct P':>9} {'R':>6} {'F1':>6}   {'indirect P':>10} {'R':>6} {'F1':>6}"
    )
    print_scores("", results)
    if old is not None:
        print(
            f"old scoring (pieces counted separately, all {old['annotation_files']} "
            "annotator files):"
        )
        print_scores(" (old)", {k: v for k, v in old.items() if k != "annotation_files"})
        results["old_scoring"] = {
            "what": "before the fix: every piece of a split quote counted in precision, "
            "every annotator's file of an article scored",
            **old,
        }
    medians = {part: statistics.median(values) for part, values in seconds.items()}
    share = statistics.median(
        e / (p + b)
        for p, b, e in zip(seconds["parse"], seconds["embed"], seconds["extract"], strict=True)
    )
    print(
        f"\nannotation per article (median): parse {medians['parse'] * 1000:.0f} ms, embed "
        f"{medians['embed'] * 1000:.0f} ms; quotes + roles + interactions "
        f"{medians['extract'] * 1000:.1f} ms = {share:.1%} of annotation"
    )
    results["seconds"] = {part: round(value, 5) for part, value in medians.items()}
    results["extract_share_of_annotation"] = round(share, 4)
    elapsed = time.perf_counter() - started
    print(f"benchmark took {elapsed:.0f} s")
    if options.limit is None:
        write_results(
            "quotes",
            "quote attribution (benchmarks/quotes.py)",
            results,
            articles=len(documents),
            benchmark_seconds=round(elapsed, 1),
        )


if __name__ == "__main__":
    main()
