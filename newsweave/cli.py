"""The `newsweave` command: thin click wrappers over the public functions.

Output goes to stdout or `-o FILE` (written whole, then moved into place, so a failed run never
leaves half a file or clobbers a good one). Messages go to stderr: one line per skipped input,
progress unless `-q`, and one line for an error, with a non-zero exit and no traceback (`--debug`
shows it).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from newsweave import __version__
from newsweave.config import Settings, describe_settings
from newsweave.errors import InputError, NewsweaveError
from newsweave.ingest import read_articles
from newsweave.metadata import set_published
from newsweave.models import Article
from newsweave.render import FORMATS
from newsweave.summarize import SUMMARIZERS

_INPUTS_HELP = (
    "Files (.txt .md .html .htm .json .jsonl), directories (read recursively), or - for stdin."
)


def _say(message: str) -> None:
    click.echo(f"newsweave: {message}", err=True)


def _report_problem(problem: InputError) -> None:
    _say(f"skipped {problem}")


def _write_output(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    # Through a symbolic link to the file it names; a FIFO or device (-o /dev/stdout) is
    # written directly, since it cannot be replaced by a finished file.
    target = Path(output).resolve()
    if target.is_dir():
        raise NewsweaveError(f"{output}: is a directory; give a file name with -o")
    if not target.parent.is_dir():
        raise NewsweaveError(f"{output}: directory {target.parent} does not exist")
    try:
        if target.exists() and not target.is_file():
            with target.open("w", encoding="utf-8") as stream:
                stream.write(text)
            return
    except OSError as error:
        raise NewsweaveError(f"{output}: cannot write ({error.strerror or error})") from None
    # A sibling temporary file, moved over the target once complete, so a failed run never
    # leaves half a file; plain open() gives it the user's usual permissions.
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("x", encoding="utf-8") as stream:
            stream.write(text)
        temporary.replace(target)
    except OSError as error:
        raise NewsweaveError(f"{output}: cannot write ({error.strerror or error})") from None
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def _progress(total: int, quiet: bool, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (when it is a terminal and not quiet); yields an advance(n)."""
    if quiet or not sys.stderr.isatty():
        yield lambda _done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.advance(task, done)


def _read(
    inputs: Sequence[str], settings: Settings, quiet: bool, published: Sequence[str] = ()
) -> list[Article]:
    started = time.perf_counter()
    articles = set_published(read_articles(inputs, settings, on_problem=_report_problem), published)
    if not quiet:
        removed = sum(len(a.removed_lines) for a in articles)
        _say(
            f"read {len(articles)} article{'s' if len(articles) != 1 else ''} "
            f"({removed} non-article lines removed) in {time.perf_counter() - started:.1f} s"
        )
    return articles


class _Command(click.Group):
    """Turns newsweave's own errors into one line on stderr and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except NewsweaveError as error:
            if debug:
                raise
            _say(f"error: {error}")
            sys.exit(1)
        except KeyboardInterrupt:
            _say("interrupted")
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            if debug:
                raise
            _say(f"internal error: {type(error).__name__}: {error} (run with --debug for details)")
            sys.exit(70)


@click.group(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsweave")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """newsweave: a brief you can trust from many news articles about one story."""
    del debug  # read by _Command.invoke


def _output_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout."
    )(function)


def _published_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--published",
        "published",
        multiple=True,
        metavar="FILE=DATE",
        help="Publication date of an input (file, file name or article id), e.g. "
        "000.txt=2021-08-16; relative dates ('Monday') are resolved against it. Repeatable.",
    )(function)


def _quiet_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="No progress or summary lines on stderr (problems still shown).",
    )(function)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="markdown",
    show_default=True,
    help="Output format.",
)
@_output_option
@click.option(
    "--words",
    type=click.IntRange(min=1),
    help=f"Summary budget in words [default: {Settings().summary_words}].",
)
@click.option(
    "--bytes",
    "budget_bytes",
    type=click.IntRange(min=1),
    help="Summary budget in UTF-8 bytes instead of words.",
)
@click.option(
    "--summarizer",
    type=click.Choice(sorted(SUMMARIZERS)),
    default=Settings().summarizer,
    show_default=True,
    help="Sentence selection method.",
)
@_published_option
@_quiet_option
def brief(
    inputs: tuple[str, ...],
    output_format: str,
    output: str | None,
    words: int | None,
    budget_bytes: int | None,
    summarizer: str,
    published: tuple[str, ...],
    quiet: bool,
) -> None:
    """Make a cited brief of the story told by INPUTS.

    INPUTS: files (.txt .md .html .htm .json .jsonl), directories (read
    recursively), or - for stdin.
    """
    from newsweave.render import RENDERERS
    from newsweave.weave import weave_brief

    settings = Settings(summarizer=summarizer, summary_bytes=budget_bytes)
    if words is not None:
        settings = settings.with_(summary_words=words)
    articles = _read(inputs, settings, quiet, published)
    started = time.perf_counter()
    with _progress(len(articles), quiet, "annotating") as advance:
        result = weave_brief(articles, settings, progress=advance)
    if not quiet:
        elapsed = time.perf_counter() - started
        _say(f"wove a {len(result.summary)}-sentence summary in {elapsed:.1f} s")
    _write_output(RENDERERS[output_format](result), output)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@_output_option
@click.option("--embeddings", is_flag=True, help="Also write each sentence's embedding.")
@_published_option
@_quiet_option
def annotate(
    inputs: tuple[str, ...],
    output: str | None,
    embeddings: bool,
    published: tuple[str, ...],
    quiet: bool,
) -> None:
    """Write the per-article layer of INPUTS as JSON Lines, one article per line.

    Each line has the article's fields, sentences, entities, quotes, roles, interactions and
    time expressions.

    INPUTS: files (.txt .md .html .htm .json .jsonl), directories (read
    recursively), or - for stdin.
    """
    import json

    from newsweave.annotate import annotate_articles

    settings = Settings()
    articles = _read(inputs, settings, quiet, published)
    with _progress(len(articles), quiet, "annotating") as advance:
        annotations = annotate_articles(articles, settings, progress=advance)
    lines = (
        json.dumps(a.to_dict(with_embeddings=embeddings), ensure_ascii=False) for a in annotations
    )
    _write_output("".join(f"{line}\n" for line in lines), output)


@main.command("settings")
def show_settings() -> None:
    """List every setting with its default and what it does."""
    for name, default, help_text in describe_settings():
        click.echo(f"{name} = {default}\n    {help_text}")
