"""newsweave: turn many news articles about one story into a brief you can trust.

    >>> from newsweave import read_articles, weave_brief, render_markdown
    >>> articles = read_articles(["examples/russia-taliban/"])
    >>> brief = weave_brief(articles)
    >>> print(render_markdown(brief))

Heavy libraries (spaCy, NumPy, trafilatura) are imported only when a function needs them.
"""

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
    Annotation,
    Article,
    Brief,
    Entity,
    RemovedLine,
    Sentence,
    Span,
    SummarySentence,
)
from newsweave.render import render_html, render_json, render_markdown
from newsweave.summarize import SUMMARIZERS, summarize_story
from newsweave.weave import weave_brief

__version__ = "0.1.0"

__all__ = [
    "SUMMARIZERS",
    "Annotation",
    "Article",
    "Brief",
    "Entity",
    "InputError",
    "ModelNotInstalledError",
    "NewsweaveError",
    "NoArticlesError",
    "RemovedLine",
    "Sentence",
    "Settings",
    "SettingsError",
    "Span",
    "SummarySentence",
    "__version__",
    "annotate_articles",
    "read_articles",
    "read_records",
    "render_html",
    "render_json",
    "render_markdown",
    "summarize_story",
    "weave_brief",
]
