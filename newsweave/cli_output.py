"""What the command line writes: messages and progress on stderr, results to stdout or a file.

An output file is checked before any work starts (so an unwritable `-o`, or one that names an
input, fails in a second, not after an hour of annotation) and written to a sibling temporary
file that replaces the target only when complete. Progress is a bar on a terminal, and a line
every few seconds otherwise (a log, a CI job), so a long run is never silent.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import click

from newsweave.errors import NewsweaveError, UsageError

# Seconds between progress lines when stderr is not a terminal.
_LINE_INTERVAL = 5.0
# Below this many items a run is short: no progress is shown.
_MIN_PROGRESS_ITEMS = 3


def say(message: str) -> None:
    """One line on stderr, prefixed with the program's name."""
    click.echo(f"newsweave: {message}", err=True)


class Output:
    """Where a command's result goes: stdout, or a file checked now and written atomically.

    Args:
        output: The `-o` path, or None (or "-") for stdout.
        inputs: The command's inputs (paths, directories, "-"): never overwritten.

    Raises:
        NewsweaveError: When the file cannot be written (its folder is missing or read-only,
            it is a directory).
        UsageError: When it is one of the inputs, or a file inside an input directory.
    """

    def __init__(self, output: str | None, inputs: Sequence[str]) -> None:
        self.label = output
        self.target: Path | None = None
        if output is None or output == "-":
            return
        # Through a symbolic link to the file it names.
        target = Path(output).resolve()
        if target.is_dir():
            raise NewsweaveError(f"{output}: is a directory; give a file name with -o")
        if not target.parent.is_dir():
            raise NewsweaveError(f"{output}: directory {target.parent} does not exist")
        for given in inputs:
            if given == "-":
                continue
            source = Path(given).resolve()
            inside = source.is_dir() and target.is_relative_to(source) and target.exists()
            if source == target or inside:
                raise UsageError(f"-o {output}: refusing to overwrite the input {given}")
        if not os.access(target.parent, os.W_OK) or (
            target.exists() and not os.access(target, os.W_OK)
        ):
            raise NewsweaveError(f"{output}: cannot write here (permission denied)")
        self.target = target

    def write_text(self, text: str) -> None:
        """Write the whole result."""
        self.write_lines(text, ())

    def write_lines(self, first: str, lines: Iterable[str]) -> None:
        """Write `first`, then each line as it comes (each a whole line, with its newline).

        To stdout, every line is written and flushed whole, so a run killed half way leaves
        only complete lines. To a file, nothing replaces the target until the last line.
        """
        if self.target is None:
            stream = sys.stdout.buffer
            _write_all(stream, first, lines)
            return
        target = self.target
        try:
            if target.exists() and not target.is_file():
                # A FIFO or device (-o /dev/stdout) cannot be replaced by a finished file.
                with target.open("wb") as device:
                    _write_all(device, first, lines)
                return
        except OSError as error:
            raise _write_error(self.label, error) from None
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("xb") as stream:
                _write_all(stream, first, lines)
            temporary.replace(target)
        except OSError as error:
            raise _write_error(self.label, error) from None
        finally:
            temporary.unlink(missing_ok=True)


def _write_error(label: str | None, error: OSError) -> NewsweaveError:
    return NewsweaveError(f"{label}: cannot write ({error.strerror or error})")


def _write_all(stream: IO[bytes], first: str, lines: Iterable[str]) -> None:
    for text in _chain(first, lines):
        stream.write(text.encode("utf-8"))
        stream.flush()


def _chain(first: str, lines: Iterable[str]) -> Iterable[str]:
    yield first
    yield from lines


class Progress:
    """Progress of a long run on stderr: a bar on a terminal, else a line every few seconds.

    Args:
        total: How many items the run has.
        verb: What is done to them ("annotated").
        noun: What they are ("articles").
        quiet: Show nothing.
    """

    def __init__(self, total: int, verb: str, noun: str, quiet: bool) -> None:
        self.total = total
        self.verb = verb
        self.noun = noun
        self.done = 0
        self._shown = not quiet and total >= _MIN_PROGRESS_ITEMS
        self._bar: Any = None
        self._task: Any = None
        self._started = time.monotonic()
        self._last_line = self._started

    def __enter__(self) -> Progress:
        if self._shown and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn(f"{self.verb}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.verb, total=self.total)
        return self

    def advance(self, count: int = 1) -> None:
        """Count `count` more items done."""
        self.done += count
        if not self._shown:
            return
        if self._bar is not None:
            self._bar.advance(self._task, count)
            return
        now = time.monotonic()
        if now - self._last_line >= _LINE_INTERVAL:
            self._last_line = now
            elapsed = now - self._started
            left = elapsed / self.done * (self.total - self.done)
            say(
                f"{self.verb} {self.done}/{self.total} {self.noun} "
                f"({100 * self.done / self.total:.0f}%), {elapsed:.0f} s, about {left:.0f} s left"
            )

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, trace)
