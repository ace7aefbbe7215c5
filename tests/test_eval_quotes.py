"""The quote gate: speaker attribution on PolNeAR's dev articles may not drop.

Floors sit just under what benchmarks/quotes.py measured (docs/evaluation.md) and only move up.
Skipped when ../shared/eval (or NEWSWEAVE_EVAL_DATA) is absent. Also checks, without the data, that
the scorer counts a quotation split around its cue once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.scoring.quotes import (
    GoldAttribution,
    GoldDocument,
    PredictedQuote,
    load_polnear,
    newsweave_quotes,
    parse_lines,
    score_attributions,
    score_newsweave,
)

from .conftest import MODELS

# Measured 2026-11-28 (benchmarks/results/quotes.json), 84 articles with one annotator's file
# each, the pieces of a quotation split around its cue counted once: direct P 0.886 / R 0.875 /
# F1 0.880 (textacy's direct_quotations, same scorer and run: P 0.601 / R 0.774 / F1 0.676);
# other attributions P 0.812 / R 0.371 / F1 0.509. The scorer used before (every piece counted,
# all 94 annotator files) gave direct P 0.907 / F1 0.891 and other F1 0.511 on the same output,
# so the floors were lowered with that fix, not because newsweave got worse.
DIRECT_F1 = 0.875
DIRECT_PRECISION = 0.88
INDIRECT_F1 = 0.50


@pytest.mark.eval
@pytest.mark.slow
def test_polnear_attribution_floor(eval_dir: Path) -> None:
    documents = load_polnear(eval_dir)
    nlp = MODELS.spacy
    quotes = [newsweave_quotes(d, parse_lines(d.text, nlp)) for d in documents]
    scores = score_newsweave(documents, quotes)
    assert scores["direct"].f1 >= DIRECT_F1, scores["direct"].to_dict()
    assert scores["direct"].precision >= DIRECT_PRECISION, scores["direct"].to_dict()
    assert scores["indirect"].f1 >= INDIRECT_F1, scores["indirect"].to_dict()


def test_the_pieces_of_a_split_quotation_count_once() -> None:
    text = '"We will stay," Kabulov said. "The embassy is open." Lavrov said "nothing" else.'
    first, second = text.index("We will"), text.index("The embassy")
    said_nothing = text.index("nothing")
    gold = GoldAttribution(
        content=((first, first + 13), (second, second + 19)),
        source=(text.index("Kabulov"), text.index("Kabulov") + 7),
        source_text="Kabulov",
        direct=True,
    )
    document = GoldDocument("split", text, (gold,))
    pieces = [
        PredictedQuote(first, first + 13, None, ("Kabulov",)),
        PredictedQuote(second, second + 19, None, ("Kabulov",)),
        PredictedQuote(said_nothing, said_nothing + 7, None, ("Lavrov",)),  # matches no gold
    ]

    merged = score_attributions([document], [pieces], direct=True)
    separate = score_attributions([document], [pieces], direct=True, merge_pieces=False)

    assert (merged.correct, merged.predicted, merged.found, merged.gold) == (1, 2, 1, 1)
    assert (separate.correct, separate.predicted) == (2, 3)
