"""RSS and Atom feeds (feedparser) into article records: one per item, teasers marked partial.

An item becomes a record of the JSON Lines form (ingest.py builds the Article): its link, title,
the feed's title as outlet, its published date (else its updated date: Atom items often carry
only that), its author, and its text. The text is the item's full content (`content:encoded`,
Atom `content`) when it carries more than its summary; otherwise it is the summary alone, marked
`partial`, and never padded with anything else. Item HTML becomes paragraphs through lxml (the
library trafilatura itself uses); trafilatura's whole-page extraction would discard a short item.

feedparser reads broken feeds as far as it can ("bozo" feeds: whitespace before the XML
declaration, an encoding that lies, malformed XML); each such feed gets one warning naming the
problem, and its readable items are kept. A file that is no feed at all (an HTML page saved as
.xml) is refused with one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from newsweave.errors import InputError
from newsweave.read.sources import ProblemHandler

# Elements whose boundaries are paragraph breaks in an item's HTML.
_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "figure",
    "figcaption",
    "section",
    "article",
)
_BREAK = "\n\n"
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def feed_records(data: bytes, label: str, report: ProblemHandler) -> Iterator[tuple[str, Any]]:
    """The items of a feed as (where, record) pairs for ingest's record reader.

    Args:
        data: The feed file's bytes (feedparser finds the encoding itself).
        label: The input's name, for messages.
        report: Called with a note when the feed is malformed but still read.

    Raises:
        InputError: When the file is not an RSS or Atom feed.
    """
    import feedparser  # type: ignore[import-untyped]

    if data[:1].isspace():
        report(InputError(label, "whitespace before the XML declaration; ignored", skipped=False))
    parsed = feedparser.parse(data.lstrip())
    if not parsed.get("version") and not parsed.entries:
        looks = " (it looks like an HTML page)" if b"<html" in data[:2000].lower() else ""
        raise InputError(label, f"not an RSS or Atom feed{looks}")
    if parsed.get("bozo"):
        problem = _one_line(str(parsed.get("bozo_exception", "malformed")))
        message = f"feed is not well formed ({problem}); read as far as possible"
        report(InputError(label, message, skipped=False))
    outlet = _one_line(str(parsed.feed.get("title", ""))) or None
    if not parsed.entries:
        raise InputError(label, "feed has no items")
    for number, entry in enumerate(parsed.entries, start=1):
        yield f"{label} item {number}", _record(entry, outlet)


def _record(entry: Any, outlet: str | None) -> dict[str, Any]:
    summary = html_text(str(entry.get("summary", "")))
    contents = [html_text(str(c.get("value", ""))) for c in entry.get("content", [])]
    full = max(contents, key=len, default="")
    partial = len(full) <= len(summary)
    return {
        "text": summary if partial else full,
        "partial": partial,
        "title": _one_line(html_text(str(entry.get("title", "")))) or None,
        "url": entry.get("link") or None,
        "outlet": outlet,
        "published": _date(entry, "published") or _date(entry, "updated"),
        "author": entry.get("author") or None,
    }


def _date(entry: Any, key: str) -> str | None:
    """An item's date in ISO 8601 UTC as feedparser read it, else as written, else None."""
    parsed = entry.get(f"{key}_parsed")
    if parsed:
        year, month, day, hour, minute, second = parsed[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    written = entry.get(key)
    return str(written) if written else None


def html_text(html: str) -> str:
    """The text of an HTML fragment as paragraphs separated by blank lines; scripts dropped.

    Args:
        html: The fragment (an item's summary or content); plain text passes through.
    """
    if "<" not in html:
        return _paragraphs(html.replace("&nbsp;", " "))
    import lxml.html  # type: ignore[import-untyped]
    from lxml.etree import ParserError  # type: ignore[import-untyped]
    from lxml_html_clean import Cleaner

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        root = Cleaner(scripts=True, javascript=True, style=True, comments=True).clean_html(root)
    except (ParserError, ValueError):
        return ""
    for element in root.iter(*_BLOCKS):
        element.text = _BREAK + (element.text or "")
        element.tail = _BREAK + (element.tail or "")
    return _paragraphs(str(root.text_content()))


def _paragraphs(text: str) -> str:
    found = (_SPACES.sub(" ", p).replace("\n", " ").strip() for p in _PARAGRAPHS.split(text))
    return _BREAK.join(p for p in found if p)


def _one_line(text: str) -> str:
    return " ".join(text.split())
