"""Brief -> Markdown, JSON or one self-contained HTML page.

Citations are numbered by the brief's article order: [1] is `brief.articles[0]`. In HTML each
citation links to the cited sentence, highlighted in the article's full text further down the page,
so a reader can check every summary sentence against its sources without leaving the page.

Every text of a brief comes from the input articles and may be crafted to attack whoever opens
the output: markdown.py escapes it for Markdown, html.py for HTML (and adds a Content-Security-
Policy); only http(s) URLs ever become links. sections.py holds what the two share.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from newsweave.models import Brief
from newsweave.render.html import render_html
from newsweave.render.markdown import render_markdown
from newsweave.render.sections import (
    NO_SUMMARY,
    SHOWN_ACTORS,
    SHOWN_CLAIMS,
    UNKNOWN_SPEAKER,
    SpeakerQuotes,
    agreeing,
    article_numbers,
    conflict_lines,
    group_quotes,
    undated_note,
    update_lines,
)

FORMATS = ("markdown", "json", "html")


def render_json(brief: Brief) -> str:
    """The brief as JSON (the contract in docs/output.md), indented, UTF-8 characters kept.

    Args:
        brief: The brief.

    Returns:
        The JSON text, ending with a line break. It is data, not markup: whoever shows its
        strings escapes them for their format.
    """
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Brief], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}

__all__ = [
    "FORMATS",
    "NO_SUMMARY",
    "RENDERERS",
    "SHOWN_ACTORS",
    "SHOWN_CLAIMS",
    "UNKNOWN_SPEAKER",
    "SpeakerQuotes",
    "agreeing",
    "article_numbers",
    "conflict_lines",
    "group_quotes",
    "render_html",
    "render_json",
    "render_markdown",
    "undated_note",
    "update_lines",
]
