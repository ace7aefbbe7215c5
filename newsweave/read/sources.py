"""Finding and reading inputs safely: paths, directories, stdin, file kinds and text encodings.

Everything the file system can throw (a file deleted mid-run, an unreadable folder, a FIFO that
would block forever, a link to /dev/zero) becomes an InputError naming the input, so one bad
input never stops the others. Inside a directory only files that are really inside it are read:
a symbolic link there is followed only when it stays inside, so a shared folder cannot smuggle
/etc/passwd into a brief. Encodings: UTF-8 first, BOMs honoured, UTF-16 without a BOM told from
its NUL bytes, else charset-normalizer.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newsweave.config import Settings
from newsweave.errors import InputError

ProblemHandler = Callable[[InputError], None]

KINDS_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".warc": "warc",
}
# Archives are often compressed: "crawl.warc.gz" is a WARC file.
_COMPRESSED_WARC = ".warc.gz"
STDIN = "-"
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass(frozen=True)
class Source:
    """One input to read: a regular file of a known kind, or standard input (path None).

    `identity` is the (device, inode) of a file found in a directory, checked again when it is
    opened: a file swapped for a link to somewhere else after the check is not read.
    """

    label: str
    path: Path | None
    kind: str
    identity: tuple[int, int] | None = None


def display_path(path: Path) -> str:
    """A path as text that can always be printed and written as UTF-8.

    Bytes of a file name that are not UTF-8 become U+FFFD.
    """
    return os.fsencode(path).decode("utf-8", errors="replace")


def find_sources(sources: Iterable[str | Path], report: ProblemHandler) -> Iterator[Source]:
    """The inputs named by files, directories (recursively, sorted, hidden entries skipped), "-".

    Args:
        sources: What the user named.
        report: Called with an InputError for each thing that cannot be an input.

    Yields:
        The Sources, in order.
    """
    for source in sources:
        if str(source) == STDIN:
            yield Source("<stdin>", None, "stdin")
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
        try:
            mode = path.stat().st_mode
        except OSError as error:
            report(InputError(display_path(path), _stat_problem(path, error)))
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, report)
        else:
            # Named by the user, so a symbolic link is followed wherever it points.
            found = _file_source(path, mode, report)
            if found is not None:
                yield found


def _stat_problem(path: Path, error: OSError) -> str:
    """Why a path cannot be stat()ed, in words: a loop and a dangling link are told apart."""
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(error, FileNotFoundError):
        return "broken symbolic link" if path.is_symlink() else "no such file or directory"
    return f"cannot access ({error.strerror or error})"


def _file_source(
    path: Path, mode: int, report: ProblemHandler, identity: tuple[int, int] | None = None
) -> Source | None:
    label = display_path(path)
    if not stat.S_ISREG(mode):
        report(InputError(label, "not a regular file (a FIFO, device or socket)"))
        return None
    if path.name.lower().endswith(_COMPRESSED_WARC):
        return Source(label, path, "warc", identity)
    kind = KINDS_BY_SUFFIX.get(path.suffix.lower())
    if kind is None:
        known = ", ".join([*sorted(KINDS_BY_SUFFIX), _COMPRESSED_WARC])
        suffix = path.suffix or "(no extension)"
        report(InputError(label, f"unknown file type {suffix!r}; newsweave reads {known}"))
        return None
    return Source(label, path, kind, identity)


def _walk(root: Path, report: ProblemHandler) -> Iterator[Source]:
    def unreadable(error: OSError) -> None:
        name = display_path(Path(error.filename)) if error.filename else display_path(root)
        report(InputError(name, f"cannot read directory ({error.strerror or error})"))

    # The root itself may be a link the user named; what must stay inside is where it leads.
    inside = Path(os.path.realpath(root))
    files: list[Path] = []
    linked_folders: set[Path] = set()
    # Links to directories are not followed, so a link loop cannot trap the walk and a link to
    # "/" cannot pull the whole disk in; each one is reported rather than silently dropped.
    for folder, subfolders, names in os.walk(root, onerror=unreadable, followlinks=False):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        linked_folders.update(
            Path(folder) / name for name in subfolders if (Path(folder) / name).is_symlink()
        )
        files.extend(Path(folder) / name for name in names if not name.startswith("."))
    if not files and not linked_folders:
        report(InputError(display_path(root), "directory has no files"))
    for path in sorted([*files, *linked_folders]):
        if path in linked_folders:
            report(InputError(display_path(path), "symbolic link to a directory; not followed"))
            continue
        try:
            status = path.stat()
            # strict: a link loop made after the walk raises OSError (Path.resolve would raise
            # RuntimeError on Python 3.11).
            real = Path(os.path.realpath(path, strict=True))
        except OSError as error:
            report(InputError(display_path(path), _stat_problem(path, error)))
            continue
        # Folders of the walk are real folders (links to them are not followed), so only a
        # link can lead outside.
        if not real.is_relative_to(inside):
            problem = f"symbolic link to a file outside {display_path(root)}"
            report(InputError(display_path(path), problem))
            continue
        found = _file_source(path, status.st_mode, report, (status.st_dev, status.st_ino))
        if found is not None:
            yield found


def read_input(source: Source, settings: Settings) -> bytes:
    """All bytes of a text, Markdown, HTML or JSON input (size-limited for one-article kinds).

    Raises:
        InputError: When it cannot be read, is not a regular file, or is too large.
    """
    if source.path is None:
        if sys.stdin is None:
            raise InputError(source.label, "standard input is closed")
        return sys.stdin.buffer.read()
    limit = None if source.kind in ("json", "jsonl", "feed") else int(settings.max_file_mb * 1e6)
    with open_input(source) as stream:
        if limit is not None and stream.size > limit:
            raise InputError(
                source.label,
                f"file is {stream.size / 1e6:.1f} MB, over the {settings.max_file_mb:g} MB limit "
                "for one article (setting max_file_mb); split it or pass it as JSON Lines",
            )
        data = stream.read(-1 if limit is None else limit + 1)
    if limit is not None and len(data) > limit:
        raise InputError(source.label, "file grew past the max_file_mb limit while being read")
    return data


# What says a file is unchanged: device, inode, size, modification time (ns).
FileStamp = tuple[int, int, int, int]


def file_stamp(path: Path) -> FileStamp:
    """The stamp of a file now (see FileStamp); raises OSError as Path.stat does."""
    return _stamp(path.stat())


def _stamp(status: os.stat_result) -> FileStamp:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def read_lines(
    source: Source,
    start: int = 0,
    end: int | None = None,
    first: int = 1,
    stamp: FileStamp | None = None,
) -> Iterator[tuple[int, bytes]]:
    """The lines of a JSON Lines file, streamed, split on line feeds only (JSON may hold U+2028).

    Args:
        source: The file.
        start: Byte offset of the first line to read (the start of a line).
        end: Byte offset where reading stops (the start of a line); None reads to the end.
        first: The number of the line at `start`, for messages.
        stamp: The file's stamp when `start` and `end` were found (see `open_input`).
    """
    with open_input(source, start, end, stamp) as stream:
        yield from enumerate(stream, start=first)


def open_input(
    source: Source, start: int = 0, end: int | None = None, stamp: FileStamp | None = None
) -> _Reader:
    """Open a file input for reading in binary; its read errors become InputErrors.

    Args:
        source: The file.
        start: Byte offset to start reading at.
        end: Byte offset where the input ends for this reader; None is the end of the file.
        stamp: The file's stamp when `start` and `end` were found: a file changed since (other
            size, time or inode) is refused, as its offsets no longer fit.

    Raises:
        InputError: When it cannot be opened, is not a regular file, or was swapped.
    """
    if source.path is None:
        raise InputError(source.label, "standard input cannot be reopened")
    try:
        # Non-blocking, then checked on the open descriptor: a file swapped for a FIFO after
        # the directory walk cannot block the run.
        descriptor = os.open(source.path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise InputError(source.label, f"cannot read ({error.strerror or error})") from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise InputError(source.label, "not a regular file (a FIFO, device or socket)")
    if source.identity is not None and source.identity != (status.st_dev, status.st_ino):
        os.close(descriptor)
        raise InputError(source.label, "replaced by another file after the directory was read")
    if stamp is not None and stamp != _stamp(status):
        os.close(descriptor)
        raise InputError(source.label, "changed while being read in parts; read it again")
    stream = os.fdopen(descriptor, "rb")
    if start:
        stream.seek(start)
    if end is None:
        return _Reader(source.label, stream, status.st_size - start)
    return _Reader(source.label, stream, max(0, min(end, status.st_size) - start), bounded=True)


class _Reader:
    """A binary file, or a byte range of one, whose read errors become InputErrors naming it.

    `size` is the number of bytes to read. A bounded reader (one part of a file, parts.py) stops
    there, so its part's end looks like the end of the file; an unbounded one reads to the end
    of the file even if it grew meanwhile (callers check the sizes that matter).
    """

    def __init__(self, label: str, stream: BinaryIO, size: int, *, bounded: bool = False) -> None:
        self._label = label
        self._stream = stream
        self.size = size
        self._left = size if bounded else None

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stream.close()

    def read(self, size: int) -> bytes:
        if self._left is not None:
            size = self._left if size < 0 else min(size, self._left)
        try:
            data = self._stream.read(size)
        except OSError as error:
            raise InputError(self._label, f"cannot read ({error.strerror or error})") from None
        if self._left is not None:
            self._left -= len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        try:
            for line in self._stream:
                if self._left is not None:
                    if self._left <= 0:
                        return
                    line = line[: self._left]  # noqa: PLW2901 -- the part ends inside this line
                    self._left -= len(line)
                yield line
        except OSError as error:
            raise InputError(self._label, f"cannot read ({error.strerror or error})") from None


def decode_bytes(data: bytes, label: str) -> str:
    """Decode the bytes of a text input.

    UTF-8 first (with or without BOM, and with a few stray bytes replaced when the rest is
    clearly UTF-8), UTF-16/32 when a BOM says so, else the encoding charset-normalizer finds.

    Args:
        data: The input's bytes.
        label: The input's name, for messages.

    Returns:
        The text.

    Raises:
        InputError: When the input is empty, binary, or in no encoding that can be told.
    """
    text = _decode(data, label)
    # On the decoded text: a BOM or a no-break space is no content either.
    if not text.strip():
        raise InputError(label, "file is empty")
    return text


def _decode(data: bytes, label: str) -> str:
    if not data.strip():
        raise InputError(label, "file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(label, f"starts like {encoding} but does not decode") from None
    if b"\x00" in data[:8192]:
        text = _utf16_without_bom(data)
        if text is None:
            raise InputError(label, "looks like a binary file, not text")
        return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Valid multi-byte UTF-8 with a few bad bytes is UTF-8 that got damaged, not a legacy file.
    lenient = data.decode("utf-8-sig", errors="replace")
    damaged = lenient.count("\ufffd")
    intact = sum(1 for character in lenient if ord(character) > 127) - damaged
    if intact >= 2 * damaged:
        return lenient
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


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 written without a BOM (as some Windows tools do), or None if binary.

    Each character below U+0100 (Latin text, spaces, digits, punctuation) is a NUL byte next to
    a non-NUL one, so such text has many NULs at every other position (odd in UTF-16-LE, even in
    UTF-16-BE) and few at the others. Binary data has NULs anywhere; it is also told by what it
    decodes to: unpaired surrogates, control characters where text has printable ones, or no
    space or line break at all.
    """
    head = data[:8192]
    pairs = len(head) // 2
    at_even, at_odd = head[0::2].count(0), head[1::2].count(0)
    many, few = max(at_even, at_odd), min(at_even, at_odd)
    if many < max(2, pairs // 20) or few * 3 > many:
        return None
    encoding = "utf-16-le" if at_odd > at_even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    printable = sum(1 for character in text if character.isprintable() or character.isspace())
    # Text has spaces or line breaks; a short array of 16-bit numbers may decode to letters only.
    has_space = any(character.isspace() for character in text)
    return text if has_space and printable >= 0.98 * len(text) else None
