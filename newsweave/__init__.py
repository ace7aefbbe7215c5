"""newsweave: turn many news articles about one story into a brief you can trust.

    >>> from newsweave import Models, Settings, annotate_articles, read_articles, weave_brief
    >>> settings = Settings()
    >>> models = Models(settings)
    >>> articles = read_articles(["examples/russia-taliban/"])
    >>> annotations = list(annotate_articles(articles, models, settings))
    >>> brief = weave_brief(annotations, settings, models)

Heavy libraries (spaCy, NumPy, trafilatura) are imported only when a function needs them.
"""

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
