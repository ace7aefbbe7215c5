"""Cutting inputs into parts that can be read apart: one per file, and big files by record.

A distributed reader (the Ray runner) reads each part on another worker. Most inputs are one
part: a page, a feed, a JSON document. A big JSON Lines file is cut between lines and a big WARC
archive between records (its gzip members: WARC.gz archives are gzipped record by record, and
warcio refuses those that are not), so one large dump or crawl spreads over many workers too.
Each part knows the number of its first line or record, so messages name the same line or record
as reading the file whole does, and ingest.py joins the parts' articles back in file order.

Finding the cuts reads the file once (lines are counted; a WARC's records are walked through
warcio without parsing their pages), which costs far less than reading the articles it holds.
A file that cannot be cut cleanly is one part: its reader then reports the problem.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from newsweave.errors import InputError
from newsweave.read.sources import FileStamp, Source, file_stamp, open_input

# Parts are about this large: big enough that a worker spends its time reading articles, not
# starting on a part; small enough that a 1 GB crawl file spreads over 30 workers.
PART_BYTES = 32_000_000


@dataclass(frozen=True)
class Part:
    """One independently readable piece of an input: a byte range starting at a line or record.

    Attributes:
        source: The input.
        start: Byte offset of the part's first line or record.
        end: Byte offset where it ends (the start of the next part); None is the end of file.
        first: The number of its first line (JSON Lines) or record (WARC) in the whole file.
        stamp: The file as it was when cut (a part of a file: device, inode, size, mtime);
            a file changed since is refused rather than read at offsets that no longer fit.
    """

    source: Source
    start: int = 0
    end: int | None = None
    first: int = 1
    stamp: FileStamp | None = None

    @property
    def whole(self) -> bool:
        """Whether the part is the whole input."""
        return self.start == 0 and self.end is None


def split_source(source: Source, part_bytes: int = PART_BYTES) -> list[Part]:
    """The parts of one input, in file order: the whole input unless it is a big JSONL or WARC.

    Args:
        source: The input.
        part_bytes: About how many bytes a part holds (a part ends at the first line or record
            boundary past this size).

    Returns:
        At least one part; the parts cover the file exactly, without gaps or overlaps.
    """
    whole = [Part(source)]
    if source.path is None or source.kind not in ("jsonl", "warc"):
        return whole
    try:
        before = file_stamp(source.path)
        if before[2] <= part_bytes:
            return whole
        if source.kind == "jsonl":
            cuts = list(_line_cuts(source, part_bytes))
        else:
            cuts = _record_cuts(source, part_bytes)
        changed = file_stamp(source.path) != before
    except (InputError, OSError):
        return whole  # read whole, its reader reports what is wrong
    if not cuts or changed:
        return whole
    bounds = [(0, 1), *cuts]
    return [
        Part(source, start, bounds[n + 1][0] if n + 1 < len(bounds) else None, first, before)
        for n, (start, first) in enumerate(bounds)
    ]


def _line_cuts(source: Source, part_bytes: int) -> Iterator[tuple[int, int]]:
    """(offset, line number) of each line that starts a new part of a JSON Lines file.

    A part ends after a line that holds something, so every part has a record to read (a part
    of only blank lines would look like a file without records); the blank lines after the
    file's last record stay with the last part.
    """
    offset = start = 0
    pending: tuple[int, int] | None = None
    with open_input(source) as stream:
        for number, line in enumerate(stream, start=1):
            offset += len(line)
            # Blank as the reader sees it (ingest._json_lines): decoded, Unicode spaces, BOM.
            if not line.decode("utf-8-sig" if number == 1 else "utf-8", "replace").strip():
                continue
            if pending is not None:
                yield pending
                start, pending = pending[0], None
            if offset - start >= part_bytes:
                pending = (offset, number + 1)


def _record_cuts(source: Source, part_bytes: int) -> list[tuple[int, int]]:
    """(offset, record number) of each record that starts a new part of a WARC archive.

    An archive warcio cannot walk to its end is not cut: read whole, its reader reports where
    it breaks, with the pages before kept.
    """
    from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
    from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

    cuts: list[tuple[int, int]] = []
    start = 0
    try:
        with open_input(source) as stream:
            records = ArchiveIterator(stream)
            for number, _record in enumerate(records, start=1):
                offset = records.get_record_offset()
                if offset - start >= part_bytes:
                    cuts.append((offset, number))
                    start = offset
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error):
        return []
    return cuts
