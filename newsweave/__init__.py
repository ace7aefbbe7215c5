"""newsweave: turn many news articles about one story into a brief you can trust.

    >>> from newsweave import read_articles, weave_brief, render_markdown
    >>> articles = read_articles(["examples/russia-taliban/"])
    >>> brief = weave_brief(articles)
    >>> print(render_markdown(brief))

Heavy libraries (spaCy, NumPy, trafilatura) are imported only when a function needs them.
"""

from newsweave.actors import identify_actors, relate_actors
from newsweave.annotate import annotate_articles
from newsweave.config import Settings
from newsweave.errors import (
    InputError,
    ModelNotInstalledError,
    NewsweaveError,
    NoArticlesError,
    SettingsError,
)
from newsweave.ingest import read_articles, read_records
from newsweave.models import (
    Actor,
    Annotation,
    Article,
    Brief,
    CitedQuote,
    Entity,
    Interaction,
    Quote,
    Relation,
    RemovedLine,
    Role,
    Sentence,
    Span,
    SummarySentence,
)
from newsweave.quotes import cite_quotes, extract_quotes
from newsweave.render import render_html, render_json, render_markdown
from newsweave.summarize import SUMMARIZERS, summarize_story
from newsweave.weave import weave_brief

__version__ = "0.1.0"

__all__ = [
    "SUMMARIZERS",
    "Actor",
    "Annotation",
    "Article",
    "Brief",
    "CitedQuote",
    "Entity",
    "InputError",
    "Interaction",
    "ModelNotInstalledError",
    "NewsweaveError",
    "NoArticlesError",
    "Quote",
    "Relation",
    "RemovedLine",
    "Role",
    "Sentence",
    "Settings",
    "SettingsError",
    "Span",
    "SummarySentence",
    "__version__",
    "annotate_articles",
    "cite_quotes",
    "extract_quotes",
    "identify_actors",
    "read_articles",
    "read_records",
    "relate_actors",
    "render_html",
    "render_json",
    "render_markdown",
    "summarize_story",
    "weave_brief",
]
