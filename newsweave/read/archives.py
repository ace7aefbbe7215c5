"""Web archives (WARC, WARC.gz, through warcio): each HTML response record is one page.

Only `response` records with an HTML content type and a 2xx status are pages; every other
record (requests, metadata, redirects, images, PDFs, revisits) is counted and skipped, and the
counts are reported once per archive, also when its parts were read apart (parts.py). A page
keeps its target URI and the record's WARC-Date, which ingest uses as the publication date only
when the page itself names none. A record cut short (a truncated archive) ends the archive with
one message; the pages before it are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from newsweave.errors import InputError
from newsweave.read.sources import ProblemHandler

# A page larger than this is not an article (a data dump, a single-page app's bundle).
MAX_PAGE_BYTES = 20_000_000


class Readable(Protocol):
    """A binary stream that can be read in blocks (a file, sources.open_input's reader)."""

    def read(self, size: int) -> bytes:
        """Up to `size` bytes; b"" at the end."""
        ...


@dataclass(frozen=True)
class ArchivedPage:
    """One HTML response of an archive: where it was, its URL, its capture date and bytes."""

    where: str
    url: str | None
    captured: str | None
    html: bytes


@dataclass
class ArchiveCounts:
    """What reading an archive (or a part of it) met: records, pages, records skipped by kind.

    Filled while the pages are read; the counts of an archive read in parts add up to those of
    the archive read whole, so the archive is summed up once (`finish_archive`) either way.
    """

    records: int = 0
    pages: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, other: ArchiveCounts) -> None:
        """Add the counts of another part of the same archive."""
        self.records += other.records
        self.pages += other.pages
        self.skipped.update(other.skipped)


def archive_pages(
    stream: Readable, label: str, report: ProblemHandler, counts: ArchiveCounts, first: int = 1
) -> Iterator[ArchivedPage]:
    """The HTML pages of a WARC (optionally gzipped) stream, in archive order.

    Args:
        stream: The archive's bytes (or a part's, starting at a record), read sequentially.
        label: The input's name, for messages.
        report: Called for an archive cut short or ending badly.
        counts: Filled with what was read; give it to `finish_archive` when the whole archive
            has been read.
        first: The number of the stream's first record in the archive (1 unless a part).

    Raises:
        InputError: When the file is not a WARC archive.
    """
    from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
    from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

    number = first - 1
    try:
        for record in ArchiveIterator(stream):
            number += 1
            counts.records += 1
            kind = _page_or_why_not(record)
            if kind is not None:
                counts.skipped[kind] += 1
                continue
            html = record.content_stream().read(MAX_PAGE_BYTES + 1)
            if len(html) > MAX_PAGE_BYTES:
                counts.skipped["page over 20 MB"] += 1
                continue
            counts.pages += 1
            yield ArchivedPage(
                f"{label} record {number}",
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("WARC-Date"),
                html,
            )
    except ArchiveLoadFailed as error:
        message = " ".join(str(error).split())[:200]
        if number == 0:
            raise InputError(label, f"not a WARC archive ({message})") from None
        report(InputError(label, f"archive ends badly after record {number} ({message})"))
    except (OSError, EOFError, ValueError) as error:
        if number == 0:
            raise InputError(label, f"not a readable WARC archive ({error})") from None
        report(InputError(label, f"archive cut short after record {number} ({error})"))


def finish_archive(label: str, counts: ArchiveCounts, report: ProblemHandler) -> None:
    """Sum up a whole archive: report the records skipped, by kind, once.

    Raises:
        InputError: When the archive held no HTML page.
    """
    if counts.skipped:
        listed = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.skipped.items()))
        report(
            InputError(label, f"skipped records that are not HTML pages: {listed}", skipped=False)
        )
    if not counts.pages:
        raise InputError(label, f"no HTML page among {counts.records} archive records")


def _page_or_why_not(record: object) -> str | None:
    """None for an HTML page with a 2xx status; else the kind of record it is instead."""
    kind = record.rec_type  # type: ignore[attr-defined]
    if kind != "response":
        return f"{kind} records"
    http = record.http_headers  # type: ignore[attr-defined]
    if http is None:
        return "responses without HTTP headers"
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        return f"HTTP {status or '?'} responses"
    content_type = (http.get_header("Content-Type") or "").lower()
    if "html" not in content_type:
        return f"{content_type.split(';')[0].strip() or 'untyped'} responses"
    return None
