"""Shared fixtures: the bundled example, its hand annotation, and the example annotated once."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from newsweave import Annotation, Article, Settings, annotate_articles, read_articles

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "russia-taliban"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "russia-taliban-gold.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="session")
def example_articles() -> list[Article]:
    return read_articles([EXAMPLE])


@pytest.fixture(scope="session")
def example_annotations(example_articles: list[Article]) -> list[Annotation]:
    return annotate_articles(example_articles, Settings())


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """The benchmark data (../shared/eval, or NEWSWEAVE_EVAL_DATA); its tests skip without it."""
    path = Path(os.environ.get("NEWSWEAVE_EVAL_DATA", ROOT.parent / "shared" / "eval"))
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path} (set NEWSWEAVE_EVAL_DATA)")
    return path
