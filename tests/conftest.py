"""Shared fixtures: the bundled example, its hand annotation, and the example annotated once."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from newsweave import (
    Annotation,
    Article,
    Brief,
    Models,
    Settings,
    annotate_articles,
    read_articles,
    weave_brief,
)
from newsweave.story.alignment import Alignment, align_story
from newsweave.story.index import StoryIndex

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


# One set of models for the whole session, as a process would have: they load on first use.
MODELS = Models(Settings())


def annotate(articles: Sequence[Article], settings: Settings | None = None) -> list[Annotation]:
    """The articles annotated in this process with the session's models."""
    return list(annotate_articles(articles, MODELS, settings or Settings()))


def weave(annotations: Sequence[Annotation], settings: Settings | None = None) -> Brief:
    """The brief of annotated articles, with the session's models."""
    return weave_brief(annotations, settings or Settings(), MODELS)


@pytest.fixture(scope="session")
def models() -> Models:
    return MODELS


@pytest.fixture(scope="session")
def example_annotations(example_articles: list[Article], models: Models) -> list[Annotation]:
    return list(annotate_articles(example_articles, models, Settings()))


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """The benchmark data (../shared/eval, or NEWSWEAVE_EVAL_DATA); its tests skip without it."""
    path = Path(os.environ.get("NEWSWEAVE_EVAL_DATA", ROOT.parent / "shared" / "eval"))
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path} (set NEWSWEAVE_EVAL_DATA)")
    return path


def aligned(index: StoryIndex, settings: Settings) -> Alignment:
    """The alignment of a (hand-built) story with this process's models."""
    return align_story(index, settings, MODELS)


# Article fields a hostile page could carry: markup, event handlers, script URLs, a style break.
HOSTILE_TITLE = '<script>alert("title")</script> Harbour <b>fire</b>'
HOSTILE_OUTLET = "</style><img src=x onerror=alert('outlet')>"
HOSTILE_TEXT = (
    "A fire broke out at the harbour of Port Elm on Monday, the fire service said. "
    "<script>alert('text')</script> Officials said 12 boats were damaged.\n\n"
    "\"><img src=x onerror=alert('attr')> The harbour master said the fire started in a "
    "warehouse near the fish market. Crews from three towns fought the fire for six hours.\n\n"
    "</style><style>body{display:none}</style> The harbour will reopen on Wednesday, "
    "the port authority said."
)


def hostile_articles() -> list[Article]:
    """Two reports of one harbour fire whose every field is hostile markup."""
    return [
        Article(
            "hostile-1",
            HOSTILE_TEXT,
            title=HOSTILE_TITLE,
            outlet=HOSTILE_OUTLET,
            published="2024-05-06",
            url="javascript:alert('url')",
        ),
        Article(
            "hostile-2",
            HOSTILE_TEXT.replace("12 boats", "twelve boats"),
            title="Fire at Port Elm harbour",
            outlet="The Coast <i>Herald</i>",
            published="2024-05-06",
            url='https://example.org/fire?x="><script>alert(1)</script>',
        ),
    ]


@pytest.fixture(scope="session")
def web_store(
    tmp_path_factory: pytest.TempPathFactory, example_annotations: list[Annotation], models: Models
) -> Path:
    """A store of the example (one story) and a hostile story, as the web tests serve it."""
    from newsweave.corpus.add import AddReport, store_annotation
    from newsweave.corpus.store import Store

    path = tmp_path_factory.mktemp("web") / "web.db"
    settings = Settings()
    with Store(path) as store:
        for annotation in [*example_annotations, *annotate(hostile_articles())]:
            store_annotation(store, annotation, models.annotator(), settings, AddReport())
    return path


def run_newsweave(*args: str, ok: bool = True, timeout: int = 1800) -> Any:
    """Run the `newsweave` command of this environment; with `ok`, fail the test on an error."""
    import subprocess
    import sys

    command = [str(Path(sys.executable).parent / "newsweave"), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if ok:
        assert result.returncode == 0, result.stderr
    return result
