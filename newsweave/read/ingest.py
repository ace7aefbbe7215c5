"""Read articles from files, directories, JSON Lines, HTML, Markdown, feeds, web archives, stdin.

Each input (found and decoded by sources.py) is parsed by its format, stripped of its header and
boilerplate, and given a stable id: the `id` a JSON record gives, else a hash of the input text as
read (so ids survive changes to the cleaning rules). An input that cannot be used is reported (one
line naming it and the problem) and skipped; the others are still read. Feed items (feeds.py)
are read as JSON records are; archived HTML pages (archives.py) as HTML files are, the capture
date standing in for a publication date the page does not give.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.config import Settings
from newsweave.errors import InputError, NoArticlesError
from newsweave.models import Article, RemovedLine
from newsweave.read.archives import ArchiveCounts, ArchivedPage, archive_pages, finish_archive
from newsweave.read.boilerplate import split_paragraphs, strip_boilerplate
from newsweave.read.feeds import feed_records
from newsweave.read.markup import extract_html, markdown_paragraphs
from newsweave.read.metadata import clean_value, infer_outlet, normalize_published, read_header
from newsweave.read.parts import Part, split_source
from newsweave.read.sources import (
    ProblemHandler,
    Source,
    decode_bytes,
    find_sources,
    open_input,
    read_input,
    read_lines,
)

# Multi-News and similar JSON dumps put several articles in one text, separated by exactly five
# bars; longer runs of bars are decoration, not a separator.
ARTICLE_SEPARATOR = re.compile(r"(?<!\|)\|{5}(?!\|)")
# json.loads raises more than JSONDecodeError: too many digits (ValueError), too deep nesting.
_JSON_ERRORS = (ValueError, RecursionError)
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
    partial: bool = False


@dataclass(frozen=True)
class PartRead:
    """What reading one part of an input gave (see `read_part`).

    Attributes:
        part: The part.
        articles: Its articles, in order.
        problems: Problems with some of its records or pages, which were skipped (or noted).
        fatal: Why nothing of the input can be used (not a WARC archive, unreadable), if so.
        archive: For a WARC part, what its records were; summed per archive when joined.
    """

    part: Part
    articles: tuple[Article, ...]
    problems: tuple[InputError, ...]
    fatal: InputError | None = None
    archive: ArchiveCounts | None = None


# Reads parts (in this process, or on workers elsewhere) and gives their PartReads in order.
PartReader = Callable[[Sequence[Part]], Iterable[PartRead]]


def read_articles(
    sources: Iterable[str | Path],
    settings: Settings | None = None,
    on_problem: ProblemHandler | None = None,
    *,
    reader: PartReader | None = None,
    part_bytes: int | None = None,
) -> list[Article]:
    """Read every article in the given files, directories, and `-` (stdin).

    Args:
        sources: Paths of files or directories (read recursively, in sorted order), or "-".
        settings: Limits and cleaning options; defaults to `Settings()`.
        on_problem: Called with an InputError for each input skipped; by default each is
            logged as a warning on the "newsweave" logger.
        reader: Reads the inputs' parts somewhere else (the Ray runner); by default each is
            read here with `read_part`. Either way the same articles and messages result.
        part_bytes: Cut big JSON Lines files and WARC archives into parts of about this many
            bytes (parts.py), for a `reader` that reads parts in parallel; None reads each
            input as one part.

    Returns:
        The articles, in input order, without duplicates (same id or same text).

    Raises:
        NoArticlesError: When no input gave a usable article.
    """
    settings = settings or Settings()
    report = on_problem or _log_problem
    found: list[Source] = []

    def split() -> Iterator[list[Part]]:
        for source in find_sources(sources, report):
            found.append(source)
            yield split_source(source, part_bytes) if part_bytes else [Part(source)]

    groups: Iterator[tuple[list[Part], list[PartRead]]]
    if reader is None:
        # Input by input, as the inputs are found: a problem finding one (an unknown file
        # type) is told between the problems of the inputs before and after it.
        groups = ((parts, [read_part(part, settings) for part in parts]) for parts in split())
    else:
        every = list(split())
        reads = iter(reader([part for parts in every for part in parts]))
        groups = ((parts, [next(reads) for _part in parts]) for parts in every)
    articles = _unique(_join(groups, report), report)
    if not articles:
        what = f"{len(found)} input(s)" if found else "the given paths"
        raise NoArticlesError(f"no usable article in {what}; see the messages above")
    return articles


def read_part(part: Part, settings: Settings) -> PartRead:
    """Read the articles of one part of an input: a pure function of the part's bytes.

    Args:
        part: The part (a whole input, or a range of lines or records of one).
        settings: Limits and cleaning options.

    Returns:
        Its articles and problems; nothing is raised for a bad input, it is in `fatal`.
    """
    problems: list[InputError] = []
    counts = ArchiveCounts() if part.source.kind == "warc" else None
    try:
        articles = tuple(_read_source(part, settings, problems.append, counts))
    except InputError as problem:
        return PartRead(part, (), tuple(problems), fatal=problem)
    return PartRead(part, articles, tuple(problems), archive=counts)


def _join(
    groups: Iterable[tuple[list[Part], list[PartRead]]], report: ProblemHandler
) -> Iterator[tuple[str, list[Article]]]:
    """Each input's articles, its parts' reads put back together, problems reported in order."""
    for source_parts, group in groups:
        label = source_parts[0].source.label
        for read in group:
            for problem in read.problems:
                report(problem)
        fatal = next((read.fatal for read in group if read.fatal is not None), None)
        if fatal is None and source_parts[0].source.kind == "warc":
            counts = ArchiveCounts()
            for read in group:
                if read.archive is not None:
                    counts.add(read.archive)
            try:
                finish_archive(label, counts, report)
            except InputError as problem:
                fatal = problem
        if fatal is not None:
            report(fatal)
            continue
        yield label, [article for read in group for article in read.articles]


def read_records(
    records: Iterable[Mapping[str, Any]],
    settings: Settings | None = None,
    on_problem: ProblemHandler | None = None,
    source: str = "<records>",
) -> list[Article]:
    """Articles from records already in memory, with the fields of a JSON Lines input.

    Args:
        records: Mappings with `text` (required) and optionally `id`, `title`, `url`,
            `outlet`, `published`, `author`; cleaned exactly as JSON Lines files are.
        settings: Limits and cleaning options; defaults to `Settings()`.
        on_problem: Called with an InputError for each record skipped; by default logged.
        source: How messages name the records ("<records> item 3: ...").

    Returns:
        The articles, in order, without duplicates.

    Raises:
        NoArticlesError: When no record gave a usable article.
    """
    settings = settings or Settings()
    report = on_problem or _log_problem

    def batches() -> Iterator[tuple[str, list[Article]]]:
        for number, record in enumerate(records, start=1):
            where = f"{source} item {number}"
            try:
                yield where, list(_json_record(record, where, None, settings, report))
            except InputError as problem:
                report(problem)

    articles = _unique(batches(), report)
    if not articles:
        raise NoArticlesError(f"no usable article in {source}; see the messages above")
    return articles


def _log_problem(problem: InputError) -> None:
    _log.warning("%s", problem)


def _unique(batches: Iterable[tuple[str, list[Article]]], report: ProblemHandler) -> list[Article]:
    """Articles of all batches in order, without repeats.

    An article whose id, or whose clean text, was seen before is reported and dropped: the same
    text twice is one source, and citing it twice would overstate the support for a claim.
    """
    articles: list[Article] = []
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for label, found in batches:
        for article in found:
            where = article.path or label
            if article.id in ids:
                report(InputError(where, f"article {article.id} repeats {ids[article.id]}"))
                continue
            if article.text in texts:
                report(
                    InputError(
                        where, f"article {article.id} has the same text as {texts[article.text]}"
                    )
                )
                continue
            ids[article.id] = texts[article.text] = f"{where} ({article.id})"
            articles.append(article)
    return articles


def _read_source(
    part: Part, settings: Settings, report: ProblemHandler, counts: ArchiveCounts | None
) -> Iterator[Article]:
    source = part.source
    if source.kind == "jsonl":
        yield from _read_records(_json_lines(part), source, settings, report)
        return
    if source.kind == "feed":
        items = feed_records(read_input(source, settings), source.label, report)
        yield from _read_records(items, source, settings, report)
        return
    if source.kind == "warc":
        with open_input(source, part.start, part.end, part.stamp) as stream:
            pages = archive_pages(
                stream, source.label, report, counts or ArchiveCounts(), part.first
            )
            for archived in pages:
                try:
                    yield _archived_page(archived, source, settings)
                except InputError as problem:
                    report(problem)
        return
    text = decode_bytes(read_input(source, settings), source.label)
    kind = _sniff(text) if source.kind == "stdin" else source.kind
    if kind == "json":
        yield from _read_records(_json_document(text, source.label), source, settings, report)
    elif kind == "html":
        page = extract_html(text, source.label)
        given = _Given(
            title=page.title,
            outlet=page.sitename,
            published=page.published,
            url=page.url,
            author=page.author,
        )
        yield _build(page.text, source.label, _path_of(source), given, settings)
    elif kind == "markdown":
        yield _build(text, source.label, _path_of(source), _Given(), settings, markdown=True)
    else:
        yield _build(text, source.label, _path_of(source), _Given(), settings)


def _archived_page(page: ArchivedPage, source: Source, settings: Settings) -> Article:
    """An archived HTML page as an article; the capture date stands in for a missing one."""
    extracted = extract_html(decode_bytes(page.html, page.where), page.where)
    captured = normalize_published(page.captured) if page.captured else None
    given = _Given(
        title=extracted.title,
        outlet=extracted.sitename,
        published=extracted.published or captured,
        url=page.url or extracted.url,
        author=extracted.author,
    )
    return _build(extracted.text, page.where, _path_of(source), given, settings)


def _path_of(source: Source) -> str | None:
    """The file an article came from, as shown to the user; None for standard input."""
    return None if source.path is None else source.label


def _sniff(text: str) -> str:
    """The format of standard input, told from its decoded text.

    JSON if it parses as JSON (whole, or its first line), HTML if it starts with a tag, else
    plain text ("[UPDATED] ..." is text).
    """
    head = text.lstrip()
    if head.startswith(("{", "[")):
        for candidate in (head, head.split("\n", 1)[0]):
            try:
                json.loads(candidate)
                return "json"
            except _JSON_ERRORS:
                continue
    return "html" if head.startswith("<") else "text"


def _json_document(text: str, label: str) -> Iterator[tuple[str, Any]]:
    """Records of a .json input: one object, an array of objects, or JSON Lines in disguise."""
    try:
        whole = json.loads(text)
    except _JSON_ERRORS as error:
        lines = [line for line in text.split("\n") if line.strip()]
        if not lines:
            raise InputError(label, "file is empty") from None
        try:
            json.loads(lines[0])
        except _JSON_ERRORS:
            raise InputError(label, f"not valid JSON ({_json_problem(error)})") from None
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield from _parse_line(line, f"{label} line {number}")
        return
    if isinstance(whole, list):
        yield from ((f"{label} item {n}", item) for n, item in enumerate(whole, start=1))
    else:
        yield label, whole


def _json_lines(part: Part) -> Iterator[tuple[str, Any]]:
    """Records of a JSON Lines file or part, streamed line by line; a bad line is a problem."""
    source = part.source
    for number, raw in read_lines(source, part.start, part.end, part.first, part.stamp):
        where = f"{source.label} line {number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield where, InputError(where, "not UTF-8 (JSON Lines must be UTF-8)")
            continue
        if line.strip():
            yield from _parse_line(line, where)


def _parse_line(line: str, where: str) -> Iterator[tuple[str, Any]]:
    try:
        yield where, json.loads(line)
    except _JSON_ERRORS as error:
        yield where, InputError(where, f"not valid JSON ({_json_problem(error, one_line=True)})")


def _json_problem(error: Exception, *, one_line: bool = False) -> str:
    """What is wrong with a JSON text, and where, in words for a one-line message.

    Args:
        error: What json.loads raised.
        one_line: The text is one line of a file, which the message already names: only the
            column is given.
    """
    if isinstance(error, json.JSONDecodeError):
        # Some messages end in "at" ("Unterminated string starting at", "Invalid control
        # character at") because json appends the position; the position given here says "at".
        what = error.msg.removesuffix(" at")
        if not error.doc[error.pos :].strip():
            return f"{what} at the end of the {'line' if one_line else 'file'}"
        if one_line:
            return f"{what} at column {error.colno}"
        return f"{what} at line {error.lineno} column {error.colno}"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error).split(";")[0]


def _read_records(
    records: Iterable[tuple[str, Any]], source: Source, settings: Settings, report: ProblemHandler
) -> Iterator[Article]:
    records_read = 0
    for where, record in records:
        records_read += 1
        try:
            if isinstance(record, InputError):
                raise record
            yield from _json_record(record, where, _path_of(source), settings, report)
        except InputError as problem:
            report(problem)
    if not records_read:
        raise InputError(source.label, "no JSON records in this file")


def _json_record(
    record: Any, where: str, path: str | None, settings: Settings, report: ProblemHandler
) -> Iterator[Article]:
    if not isinstance(record, Mapping):
        raise InputError(where, 'expected a JSON object with a "text" field')
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise InputError(where, 'no "text" string (required)')
    published: str | None = None
    if record.get("published") not in (None, ""):
        published = normalize_published(str(record["published"]))
        if published is None:
            message = f"published {record['published']!r} is not a date; left unknown"
            report(InputError(where, message, skipped=False))
    given_id = record.get("id")
    if given_id in (None, "") or isinstance(given_id, bool) or not isinstance(given_id, str | int):
        if given_id not in (None, ""):
            report(
                InputError(
                    where,
                    "id is not a string or a number; a hash of the text is used",
                    skipped=False,
                )
            )
        given_id = None
    fields = {
        key: _field(record, key, where, report) for key in ("title", "outlet", "url", "author")
    }
    pieces = [piece for piece in ARTICLE_SEPARATOR.split(body) if piece.strip()]
    for number, piece in enumerate(pieces, start=1):
        label = where if len(pieces) == 1 else f"{where} part {number}"
        article_id = None if given_id is None else str(given_id)
        if article_id is not None and len(pieces) > 1:
            article_id = f"{article_id}-{number}"
        given = _Given(
            id=article_id, published=published, partial=record.get("partial") is True, **fields
        )
        try:
            yield _build(piece, label, path, given, settings)
        except InputError as problem:
            if len(pieces) == 1:
                raise
            report(problem)


def _field(record: Mapping[str, Any], key: str, where: str, report: ProblemHandler) -> str | None:
    """A text field of a JSON record: a string, or a list of strings (joined); else ignored."""
    value = record.get(key)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = ", ".join(value)
    if value is None or isinstance(value, str):
        return clean_value(value)
    report(InputError(where, f"{key} is not a string; ignored", skipped=False))
    return None


def _build(
    raw: str,
    label: str,
    path: str | None,
    given: _Given,
    settings: Settings,
    *,
    markdown: bool = False,
) -> Article:
    """Turn one decoded article text into an Article: header, boilerplate, id."""
    text = unicodedata.normalize("NFC", raw)
    if not text.strip():
        raise InputError(label, "no text")
    if len(text) > settings.max_article_chars:
        raise InputError(
            label,
            f"article text is {len(text):,} characters, over the limit of "
            f"{settings.max_article_chars:,} (setting max_article_chars)",
        )
    markup: list[RemovedLine] = []
    if markdown:
        paragraphs, heading, markup = markdown_paragraphs(text)
    else:
        paragraphs, heading = split_paragraphs(text), None
    header = read_header(paragraphs, title=given.title or heading)
    if settings.remove_boilerplate:
        kept, removed = strip_boilerplate(header.body)
    else:
        kept, removed = header.body, []
    if not kept:
        raise InputError(label, "no article text left after removing the header and boilerplate")
    removed_lines = sorted([*header.removed, *removed, *markup], key=lambda line: line.line)
    return Article(
        id=given.id or hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16],
        text="\n\n".join(p.text for p in kept),
        title=header.title,
        outlet=given.outlet or infer_outlet(removed_lines),
        published=given.published or header.published,
        url=given.url,
        path=path,
        author=given.author or header.author,
        removed_lines=tuple(removed_lines),
        partial=given.partial,
    )
