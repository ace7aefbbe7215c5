"""Article text and metadata out of markup: HTML through trafilatura, Markdown through markdown-it.

trafilatura finds the main text of a page and its metadata (title, author, site name, date). Its
date comes from htmldate with the text-pattern search turned off, so only dates the page's markup
states are used; a full timestamp (`article:published_time`, JSON-LD `datePublished`) is read
directly because htmldate keeps only the day.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsweave.errors import InputError
from newsweave.models import RemovedLine
from newsweave.read.boilerplate import Paragraph, split_paragraphs
from newsweave.read.metadata import clean_value

_TIMESTAMP_META = re.compile(
    r"""<meta\s[^>]*(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|"""
    r"""og:published_time|datePublished|pubdate|publishdate|dc\.date\.issued)["'][^>]*>""",
    re.IGNORECASE,
)
_CONTENT_ATTR = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


@dataclass(frozen=True)
class HtmlPage:
    """The main text of a web page and what its markup says about it."""

    text: str
    title: str | None
    author: str | None
    sitename: str | None
    published: str | None
    url: str | None


def extract_html(html: str, label: str) -> HtmlPage:
    """Extract an article's main text and metadata from a web page.

    Args:
        html: The decoded page.
        label: The file's name, for messages.

    Returns:
        The HtmlPage; its text has one paragraph per line.

    Raises:
        InputError: When the page has no article text.
    """
    import trafilatura

    with warnings.catch_warnings():
        # lxml's FutureWarnings from inside trafilatura are not the user's business.
        warnings.simplefilter("ignore")
        try:
            document = trafilatura.bare_extraction(
                html,
                with_metadata=True,
                include_comments=False,
                include_tables=False,
                include_images=False,
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
        except Exception as error:  # trafilatura/lxml raise many kinds on broken markup
            raise InputError(label, f"cannot parse the HTML ({type(error).__name__})") from None
    if document is None:
        raise InputError(label, "no article text found in the HTML")
    fields: dict[str, Any] = document if isinstance(document, dict) else document.as_dict()
    text = str(fields.get("text") or "").strip()
    if not text:
        raise InputError(label, "no article text found in the HTML")
    date = fields.get("date")
    return HtmlPage(
        text=text,
        title=clean_value(fields.get("title")),
        author=clean_value(fields.get("author")),
        sitename=clean_value(fields.get("sitename")),
        published=_timestamp(html, date) or (str(date) if date else None),
        url=clean_value(fields.get("url")),
    )


def _timestamp(html: str, day: object) -> str | None:
    """A publication timestamp with its UTC offset, from meta tags or JSON-LD.

    Only one on the same day as htmldate's date (or any, if htmldate found none) is taken.
    """
    candidates = [m.group(1) for m in _JSON_LD_DATE.finditer(html)]
    for tag in _TIMESTAMP_META.finditer(html):
        content = _CONTENT_ATTR.search(tag.group(0))
        if content:
            candidates.insert(0, content.group(1))
    for candidate in candidates:
        try:
            parsed = datetime.fromisoformat(candidate.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if parsed.tzinfo is None or (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0):
            continue
        if day is None or parsed.date().isoformat() == str(day):
            return parsed.isoformat()
    return None


def markdown_paragraphs(text: str) -> tuple[list[Paragraph], str | None, list[RemovedLine]]:
    """The paragraphs of a Markdown document as plain text, its first heading, and raw HTML.

    Headings, paragraphs, list items, block quotes and code blocks (pasted text is often
    indented, which Markdown reads as code) become paragraphs with the line where they start;
    link text is kept, images and inline HTML dropped, emphasis marks removed. Raw HTML blocks
    (embeds, scripts) are not text: they come back as removed lines of kind "markup".

    Args:
        text: The Markdown source.

    Returns:
        The paragraphs (the first `#` heading excluded), that heading's text or None, and the
        removed HTML blocks.
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    paragraphs: list[Paragraph] = []
    removed: list[RemovedLine] = []
    title: str | None = None
    heading_level = 0
    for token in tokens:
        line = token.map[0] + 1 if token.map is not None else 1
        if token.type == "heading_open":
            heading_level = int(token.tag[1:])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type in ("code_block", "fence"):
            paragraphs.extend(
                Paragraph(line + block.line - 1, block.text)
                for block in split_paragraphs(token.content)
            )
        elif token.type == "html_block":
            removed.append(RemovedLine(line, "markup", " ".join(token.content.split())))
        elif token.type == "inline":
            plain = _inline_text(token.children or [])
            if not plain:
                continue
            if heading_level == 1 and title is None and not paragraphs:
                title = plain
                continue
            paragraphs.append(Paragraph(line, plain))
    return paragraphs, title, removed


def _inline_text(children: list[Any]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())
