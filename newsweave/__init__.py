"""newsweave: turn many news articles about one story into a brief you can trust.

    >>> from newsweave import Models, Settings, annotate_articles, read_articles, weave_brief
    >>> settings = Settings()
    >>> models = Models(settings)
    >>> articles = read_articles(["examples/russia-taliban/"])
    >>> annotations = list(annotate_articles(articles, models, settings))
    >>> brief = weave_brief(annotations, settings, models)

Heavy libraries (spaCy, NumPy, trafilatura) are imported only when a function needs them, and
the names below only when first used (PEP 562), so that a command such as `newsweave stories`
starts without loading the annotation and weaving stages it does not run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsweave.analyze.annotate import annotate_article, annotate_articles
    from newsweave.analyze.nlp import Models
    from newsweave.analyze.quotes import extract_quotes
    from newsweave.config import Settings, parse_settings
    from newsweave.corpus.files import read_annotations
    from newsweave.corpus.runners import LocalRunner, Runner
    from newsweave.errors import (
        InputError,
        ModelNotInstalledError,
        NewsweaveError,
        NoArticlesError,
        SchemaError,
        SettingsError,
    )
    from newsweave.models import (
        SCHEMA_VERSION,
        Actor,
        Annotation,
        Article,
        Brief,
        CitedQuote,
        Claim,
        ClaimConflict,
        Entity,
        Event,
        Interaction,
        Quote,
        Relation,
        RemovedLine,
        Role,
        Sentence,
        Span,
        SummarySentence,
        TimeExpr,
        Vectors,
    )
    from newsweave.read.ingest import read_articles, read_records
    from newsweave.render import render_html, render_json, render_markdown
    from newsweave.story.actors import identify_actors, relate_actors
    from newsweave.story.quotes import cite_quotes
    from newsweave.story.summarize import SUMMARIZERS, summarize_story
    from newsweave.story.weave import weave_brief

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "SUMMARIZERS",
    "Actor",
    "Annotation",
    "Article",
    "Brief",
    "CitedQuote",
    "Claim",
    "ClaimConflict",
    "Entity",
    "Event",
    "InputError",
    "Interaction",
    "LocalRunner",
    "ModelNotInstalledError",
    "Models",
    "NewsweaveError",
    "NoArticlesError",
    "Quote",
    "Relation",
    "RemovedLine",
    "Role",
    "Runner",
    "SchemaError",
    "Sentence",
    "Settings",
    "SettingsError",
    "Span",
    "SummarySentence",
    "TimeExpr",
    "Vectors",
    "__version__",
    "annotate_article",
    "annotate_articles",
    "cite_quotes",
    "extract_quotes",
    "identify_actors",
    "parse_settings",
    "read_annotations",
    "read_articles",
    "read_records",
    "relate_actors",
    "render_html",
    "render_json",
    "render_markdown",
    "summarize_story",
    "weave_brief",
]

# Where each public name lives, imported on first use.
_LAZY = {
    "annotate_article": "newsweave.analyze.annotate",
    "annotate_articles": "newsweave.analyze.annotate",
    "Models": "newsweave.analyze.nlp",
    "extract_quotes": "newsweave.analyze.quotes",
    "Settings": "newsweave.config",
    "parse_settings": "newsweave.config",
    "read_annotations": "newsweave.corpus.files",
    "LocalRunner": "newsweave.corpus.runners",
    "Runner": "newsweave.corpus.runners",
    "InputError": "newsweave.errors",
    "ModelNotInstalledError": "newsweave.errors",
    "NewsweaveError": "newsweave.errors",
    "NoArticlesError": "newsweave.errors",
    "SchemaError": "newsweave.errors",
    "SettingsError": "newsweave.errors",
    "SCHEMA_VERSION": "newsweave.models",
    "Actor": "newsweave.models",
    "Annotation": "newsweave.models",
    "Article": "newsweave.models",
    "Brief": "newsweave.models",
    "CitedQuote": "newsweave.models",
    "Claim": "newsweave.models",
    "ClaimConflict": "newsweave.models",
    "Entity": "newsweave.models",
    "Event": "newsweave.models",
    "Interaction": "newsweave.models",
    "Quote": "newsweave.models",
    "Relation": "newsweave.models",
    "RemovedLine": "newsweave.models",
    "Role": "newsweave.models",
    "Sentence": "newsweave.models",
    "Span": "newsweave.models",
    "SummarySentence": "newsweave.models",
    "TimeExpr": "newsweave.models",
    "Vectors": "newsweave.models",
    "read_articles": "newsweave.read.ingest",
    "read_records": "newsweave.read.ingest",
    "render_html": "newsweave.render",
    "render_json": "newsweave.render",
    "render_markdown": "newsweave.render",
    "identify_actors": "newsweave.story.actors",
    "relate_actors": "newsweave.story.actors",
    "cite_quotes": "newsweave.story.quotes",
    "SUMMARIZERS": "newsweave.story.summarize",
    "summarize_story": "newsweave.story.summarize",
    "weave_brief": "newsweave.story.weave",
}


if not TYPE_CHECKING:  # for type checkers, the imports above say what the package holds

    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'newsweave' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later uses skip this function
        return value


def __dir__() -> list[str]:
    return sorted(__all__)
