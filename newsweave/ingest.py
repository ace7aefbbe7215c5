"""Read articles from files, directories, JSON Lines, HTML, Markdown and stdin into Articles.

Each input is decoded (UTF-8, else charset-normalizer's guess), parsed by its format, stripped of
its header and boilerplate, and given a stable id: the `id` a JSON record gives, else a hash of
the text. An input that cannot be read is reported (one line naming it and the problem) and
skipped; the others are still read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.boilerplate import Paragraph, split_paragraphs, strip_boilerplate
from newsweave.config import Settings
from newsweave.errors import InputError, NoArticlesError
from newsweave.markup import extract_html, markdown_paragraphs
from newsweave.metadata import infer_outlet, parse_published, read_header
from newsweave.models import Article

ProblemHandler = Callable[[InputError], None]

TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
# Multi-News and similar dumps put several articles in one text, separated by this marker.
ARTICLE_SEPARATOR = "|||||"
_STDIN = "-"
_log = logging.getLogger("newsweave")


@dataclass(frozen=True)
class _Given:
    """Metadata a source states outright (JSON fields, HTML meta tags)."""

    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    author: str | None = None


def read_articles(
    sources: Iterable[str | Path],
    settings: Settings | None = None,
    on_problem: ProblemHandler | None = None,
) -> list[Article]:
    """Read every article in the given files, directories, and `-` (stdin).

    Args:
        sources: Paths of files or directories (read recursively, in sorted order), or "-".
        settings: Limits and cleaning options; defaults to `Settings()`.
        on_problem: Called with an InputError for each input skipped; by default each is
            logged as a warning on the "newsweave" logger.

    Returns:
        The articles, in input order, without duplicates (same id or same text).

    Raises:
        NoArticlesError: When no input gave a usable article.
    """
    settings = settings or Settings()
    report: ProblemHandler = on_problem or (lambda problem: _log.warning("%s", problem))
    articles: list[Article] = []
    seen: dict[str, str] = {}
    inputs = 0
    for source in _expand(sources, report):
        inputs += 1
        try:
            found = list(_read_source(source, settings, report))
        except InputError as problem:
            report(problem)
            continue
        for article in found:
            label = article.path or _STDIN
            if article.id in seen:
                report(InputError(label, f"article {article.id} repeats {seen[article.id]}"))
                continue
            seen[article.id] = label
            articles.append(article)
    if not articles:
        what = f"{inputs} input(s)" if inputs else "the given paths"
        raise NoArticlesError(f"no usable article in {what}; see the messages above")
    return articles


def _expand(sources: Iterable[str | Path], report: ProblemHandler) -> Iterator[str | Path]:
    for source in sources:
        if str(source) == _STDIN:
            yield _STDIN
            continue
        if str(source).startswith(("http://", "https://")):
            report(
                InputError(
                    str(source),
                    "URLs are not fetched (newsweave works offline); "
                    "save the page and pass the file",
                )
            )
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                report(InputError(str(path), "directory has no files"))
            yield from files
        elif path.exists():
            yield path
        else:
            report(InputError(str(path), "no such file or directory"))


def _read_source(
    source: str | Path, settings: Settings, report: ProblemHandler
) -> Iterator[Article]:
    if source == _STDIN:
        data = sys.stdin.buffer.read()
        label = "<stdin>"
        kind = _sniff(data)
        path = None
    else:
        path = Path(source)
        label = str(path)
        kind = _kind_of(path)
        if kind != "json":
            size_mb = path.stat().st_size / 1e6
            if size_mb > settings.max_file_mb:
                raise InputError(
                    label,
                    f"file is {size_mb:.1f} MB, over the {settings.max_file_mb:g} MB limit for one "
                    "article (setting max_file_mb); split it or pass it as JSON Lines",
                )
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(label, f"cannot read: {error.strerror or error}") from None
    text = decode_bytes(data, label)
    if kind == "json":
        yield from _read_json(text, label, path, settings, report)
    elif kind == "html":
        page = extract_html(text, label)
        given = _Given(
            title=page.title,
            outlet=page.sitename,
            published=page.published,
            url=page.url,
            author=page.author,
        )
        yield from _build(page.text, label, path, given, settings)
    elif kind == "markdown":
        yield from _build(text, label, path, _Given(), settings, markdown=True)
    else:
        yield from _build(text, label, path, _Given(), settings)


def _kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    known = ", ".join(sorted(SUFFIXES))
    raise InputError(
        str(path), f"unknown file type {suffix or '(no extension)'!r}; newsweave reads {known}"
    )


def _sniff(data: bytes) -> str:
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return "json"
    if head == b"<":
        return "html"
    return "text"


def decode_bytes(data: bytes, label: str) -> str:
    """Decode the bytes of a text file.

    UTF-8 (with or without BOM) first, UTF-16 when it has a BOM, else the encoding
    charset-normalizer finds.

    Args:
        data: The file's bytes.
        label: The file's name, for messages.

    Returns:
        The text.

    Raises:
        InputError: When the file is empty, binary, or in no encoding that can be told.
    """
    if not data.strip():
        raise InputError(label, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(label, "starts like UTF-16 but does not decode as UTF-16") from None
    if b"\x00" in data[:8192]:
        raise InputError(label, "looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:1_000_000])
    best = matches.best()
    if best is None or best.chaos > 0.3:
        raise InputError(
            label, "cannot tell the text encoding (undecodable bytes); save it as UTF-8"
        )
    # Short Western texts fit cp1250, cp1252 and cp1257 equally well. Like browsers (WHATWG),
    # prefer windows-1252, the usual legacy encoding of Western news text, when it ties.
    ties = {m.encoding for m in matches if m.chaos <= best.chaos} | set(best.could_be_from_charset)
    encoding = "cp1252" if "cp1252" in ties else best.encoding
    return data.decode(encoding, errors="replace")


def _read_json(
    text: str, label: str, path: Path | None, settings: Settings, report: ProblemHandler
) -> Iterator[Article]:
    """JSON Lines (one object per line), or one JSON object, or a JSON array of objects."""
    records: Iterable[tuple[str, Any]]
    stripped = text.lstrip()
    whole: Any = None
    if stripped.startswith("["):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(label, f"not valid JSON ({error.msg}, line {error.lineno})") from None
    if isinstance(whole, list):
        records = ((f"{label} item {n}", item) for n, item in enumerate(whole, start=1))
    else:
        records = _json_lines(text, label, report)
    records_read = 0
    for where, record in records:
        records_read += 1
        try:
            yield from list(_json_record(record, where, path, settings, report))
        except InputError as problem:
            report(problem)
    if not records_read:
        raise InputError(label, "no JSON records in this file")


def _json_lines(text: str, label: str, report: ProblemHandler) -> Iterator[tuple[str, Any]]:
    try:
        # One object, perhaps pretty-printed over many lines. On JSON Lines this stops with
        # "Extra data" after the first line, so it costs little.
        yield label, json.loads(text)
        return
    except json.JSONDecodeError:
        pass
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{label} line {number}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as error:
            report(InputError(where, f"not valid JSON ({error.msg})"))


def _json_record(
    record: Any, where: str, path: Path | None, settings: Settings, report: ProblemHandler
) -> Iterator[Article]:
    if not isinstance(record, Mapping):
        raise InputError(where, 'expected a JSON object with a "text" field')
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise InputError(where, 'no "text" string (required)')
    published = record.get("published")
    parsed: str | None = None
    if published not in (None, ""):
        parsed = normalize_published(str(published))
        if parsed is None:
            report(InputError(where, f"published {published!r} is not a date; left unknown"))
    given = _Given(
        id=None if record.get("id") in (None, "") else str(record["id"]),
        title=_field(record, "title"),
        outlet=_field(record, "outlet"),
        published=parsed,
        url=_field(record, "url"),
        author=_field(record, "author"),
    )
    yield from _build(body, where, path, given, settings)


def _field(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def normalize_published(value: str) -> str | None:
    """A publication date given by the user or a JSON field, as ISO 8601, or None if invalid.

    ISO 8601 forms are kept at the precision given; other explicit dates go through
    `metadata.parse_published`.
    """
    from datetime import date, datetime

    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.isoformat()
    except ValueError:
        return parse_published(text)


def _build(
    raw: str,
    where: str,
    path: Path | None,
    given: _Given,
    settings: Settings,
    *,
    markdown: bool = False,
) -> Iterator[Article]:
    """Turn one decoded text (possibly several articles joined by `|||||`) into Articles."""
    text = unicodedata.normalize("NFC", raw)
    pieces = [p for p in text.split(ARTICLE_SEPARATOR) if p.strip()]
    if not pieces:
        raise InputError(where, "no text")
    for number, piece in enumerate(pieces, start=1):
        label = where if len(pieces) == 1 else f"{where} part {number}"
        if len(piece) > settings.max_article_chars:
            raise InputError(
                label,
                f"article text is {len(piece):,} characters, over the limit of "
                f"{settings.max_article_chars:,} (setting max_article_chars)",
            )
        if given.id is None:
            article_id = hashlib.sha256(piece.strip().encode("utf-8")).hexdigest()[:16]
        else:
            article_id = given.id if len(pieces) == 1 else f"{given.id}-{number}"
        if markdown:
            paragraphs, heading = markdown_paragraphs(piece)
        else:
            paragraphs, heading = split_paragraphs(piece), None
        yield _article(
            article_id=article_id,
            paragraphs=paragraphs,
            label=label,
            path=path,
            given=given,
            settings=settings,
            heading=heading,
        )


def _article(
    *,
    article_id: str,
    paragraphs: list[Paragraph],
    label: str,
    path: Path | None,
    given: _Given,
    settings: Settings,
    heading: str | None,
) -> Article:
    header = read_header(paragraphs, title=given.title or heading)
    if settings.remove_boilerplate:
        kept, removed = strip_boilerplate(header.body)
    else:
        kept, removed = header.body, []
    if not kept:
        raise InputError(label, "no article text left after removing the header and boilerplate")
    removed_lines = sorted([*header.removed, *removed], key=lambda line: line.line)
    return Article(
        id=article_id,
        text="\n\n".join(p.text for p in kept),
        title=header.title,
        outlet=given.outlet or infer_outlet(removed_lines),
        published=given.published or header.published,
        url=given.url,
        path=None if path is None else str(path),
        author=given.author or header.author,
        removed_lines=tuple(removed_lines),
    )
