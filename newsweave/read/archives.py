"""Web archives (WARC, WARC.gz, through warcio): each HTML response record is one page.

Only `response` records with an HTML content type and a 2xx status are pages; every other
record (requests, metadata, redirects, images, PDFs, revisits) is counted and skipped, and the
counts are reported once per archive. A page keeps its target URI and the record's WARC-Date,
which ingest uses as the publication date only when the page itself names none. A record cut
short (a truncated archive) ends the archive with one message; the pages before it are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
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


def archive_pages(stream: Readable, label: str, report: ProblemHandler) -> Iterator[ArchivedPage]:
    """The HTML pages of a WARC (optionally gzipped) stream, in archive order.

    Args:
        stream: The archive's bytes, read sequentially.
        label: The input's name, for messages.
        report: Called once with the counts of skipped records, and for a truncated archive.

    Raises:
        InputError: When the file is not a WARC archive or holds no HTML page.
    """
    from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
    from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

    skipped: Counter[str] = Counter()
    pages = 0
    number = 0
    try:
        for record in ArchiveIterator(stream):
            number += 1
            kind = _page_or_why_not(record)
            if kind is not None:
                skipped[kind] += 1
                continue
            html = record.content_stream().read(MAX_PAGE_BYTES + 1)
            if len(html) > MAX_PAGE_BYTES:
                skipped["page over 20 MB"] += 1
                continue
            pages += 1
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
    if skipped:
        listed = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        report(
            InputError(label, f"skipped records that are not HTML pages: {listed}", skipped=False)
        )
    if not pages:
        raise InputError(label, f"no HTML page among {number} archive records")


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
