"""The `newsweave` command: thin click wrappers over the public functions.

Output goes to stdout or `-o FILE`. A file is checked before any work (writable, and not one of
the inputs), written whole to a sibling temporary file, then moved into place, so a failed or
killed run never leaves half a file or clobbers a good one. Messages go to stderr: one line per
skipped input, progress unless `-q`, and one line for an error, with a non-zero exit and no
traceback (`--debug`, anywhere on the line, shows it): 1 for a failed run, 2 for a usage
mistake, 70 for a bug, 130 when interrupted.
"""

from __future__ import annotations

import gc
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsweave import __version__
from newsweave.cli_output import Output, Progress, say
from newsweave.config import Settings, describe_settings, parse_settings
from newsweave.errors import InputError, NewsweaveError, SettingsError, UsageError
from newsweave.models import Annotation, Article

if TYPE_CHECKING:
    from newsweave.corpus.runners import InputRunner

# A weave running this long says which stage it is in.
_STAGE_AFTER_SECONDS = 3.0


def _report_problem(problem: InputError) -> None:
    say(f"{'skipped ' if problem.skipped else 'note: '}{problem}")


class _Command(click.Group):
    """Turns newsweave's own errors into one line on stderr and a non-zero exit."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # --debug belongs to the group, but users put it after the subcommand too.
        head, separator, tail = _split_at_separator(args)
        if "--debug" in head:
            head = ["--debug", *[arg for arg in head if arg != "--debug"]]
        return super().parse_args(ctx, [*head, *separator, *tail])

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug"))
        try:
            result = super().invoke(ctx)
            # The command is done and its output written and closed. Without this, the
            # interpreter's last garbage collection walks every object of the loaded models
            # before exiting: 0.13 s of a 1.7 s cold brief. Frozen objects are skipped by it;
            # the process ends anyway, and files are flushed and closed as usual.
            gc.freeze()
            return result
        except (UsageError, SettingsError) as error:
            if debug:
                raise
            say(f"error: {error}")
            sys.exit(2)
        except NewsweaveError as error:
            if debug:
                raise
            say(f"error: {error}")
            sys.exit(1)
        except KeyboardInterrupt:
            say("interrupted")
            sys.exit(130)
        except _Terminated:
            say("terminated")
            sys.exit(143)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:
            if debug:
                raise
            say(f"internal error: {type(error).__name__}: {error} (run with --debug for details)")
            sys.exit(70)


class _Terminated(Exception):  # noqa: N818 -- a signal, not an error
    """SIGTERM, raised in the main thread so that cleanup (workers, temporary files) runs."""


def _on_sigterm(_signal: int, _frame: object) -> None:
    raise _Terminated


def _split_at_separator(args: list[str]) -> tuple[list[str], list[str], list[str]]:
    if "--" in args:
        at = args.index("--")
        return args[:at], ["--"], args[at + 1 :]
    return args, [], []


@click.group(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsweave")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """newsweave: a brief you can trust from many news articles about one story."""
    del debug  # read by _Command.invoke
    signal.signal(signal.SIGTERM, _on_sigterm)


def _common_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """-o, --set, --published, --workers and -q: what brief and annotate share."""
    options = [
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False),
            help="Write to FILE instead of stdout.",
        ),
        click.option(
            "--set",
            "assignments",
            multiple=True,
            metavar="NAME=VALUE",
            help="Change a setting (see `newsweave settings`). Repeatable.",
        ),
        click.option(
            "--published",
            "published",
            multiple=True,
            metavar="FILE=DATE",
            help="Publication date of an input (file, file name or article id), e.g. "
            "000.txt=2021-08-16; relative dates ('Monday') are resolved against it. Repeatable.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            help="Processes that annotate articles in parallel [default: one per CPU core; "
            "small inputs are annotated in this process].",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="No progress or summary lines on stderr (problems still shown).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _runner_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--runner, --address, --embed-gpus: where the per-article stage runs (add and annotate)."""
    function = click.option(
        "--embed-gpus",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="With --runner ray: embed on this many GPU actors (one GPU each), sentences of many "
        "articles per pass, while the --workers actors parse; uses the torch embedder on CUDA "
        "(embedder=minilm-torch, embed_device=cuda).",
    )(function)
    function = click.option(
        "--address",
        metavar="ADDRESS",
        help="With --runner ray: the cluster to join ('auto' for the one this machine is in); "
        "without it a local Ray is started on this machine's cores.",
    )(function)
    return click.option(
        "--runner",
        "runner_kind",
        type=click.Choice(("local", "ray")),
        default="local",
        show_default=True,
        help="Annotate in this process or a process pool (local), or on Ray (pip install "
        "'newsweave[ray]'); --workers is then the number of Ray actors.",
    )(function)


def _make_runner(
    runner_kind: str, workers: int | None, address: str | None, embed_gpus: int, settings: Settings
) -> tuple[InputRunner, Settings]:
    """The runner the options name, and the settings it annotates with (--embed-gpus: torch).

    Raises:
        UsageError: As `make_runner` (--embed-gpus or --address without --runner ray).
    """
    from dataclasses import replace

    from newsweave.corpus.runners import make_runner

    if embed_gpus and settings.embedder != "minilm-torch":
        settings = replace(settings, embedder="minilm-torch")
    if embed_gpus and not settings.embed_device.startswith("cuda"):
        settings = replace(settings, embed_device="cuda")  # kept when --set names a cuda:N
    return make_runner(runner_kind, workers, address, embed_gpus), settings


def _read(
    inputs: Sequence[str],
    settings: Settings,
    quiet: bool,
    published: Sequence[str],
    runner: InputRunner | None = None,
) -> list[Article]:
    """Read the inputs (here, or on the runner's workers), with --published applied."""
    from newsweave.corpus.runners import LocalRunner
    from newsweave.read.metadata import set_published

    started = time.perf_counter()
    reader = runner or LocalRunner(1)
    articles = set_published(reader.read(inputs, settings, _report_problem), published)
    if not quiet:
        removed = sum(len(a.removed_lines) for a in articles)
        say(
            f"read {len(articles)} article{'s' if len(articles) != 1 else ''} "
            f"({removed} non-article lines removed) in {time.perf_counter() - started:.1f} s"
        )
    return articles


def _annotate(
    articles: Sequence[Article],
    settings: Settings,
    workers: int | None,
    quiet: bool,
    runner: InputRunner | None = None,
) -> Any:
    """Start annotating; yields annotations in order, with progress on stderr."""
    from newsweave.analyze.nlp import Models
    from newsweave.corpus.runners import default_workers, make_runner

    # --workers N is how many cores to use: N processes, or N embedding threads in this one.
    runner = runner or make_runner("local", workers)
    models = Models(settings, threads=workers or default_workers())
    progress = Progress(len(articles), "annotated", "articles", quiet)

    def annotations() -> Any:
        with progress:
            for annotation in runner.annotate(articles, models, settings):
                progress.advance()
                yield annotation

    return models, annotations()


@main.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "--annotations",
    "annotations_file",
    type=click.Path(dir_okay=False),
    help="Weave from an annotations file written by `newsweave annotate` instead of INPUTS "
    "(- for stdin): no parsing again.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("markdown", "json", "html")),
    default="markdown",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--story",
    help="Brief a story of the store (see `newsweave stories`) from its stored annotations.",
)
@click.option(
    "--db",
    default="newsweave.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The store that --story reads.",
)
@click.option("--words", type=click.IntRange(min=1), help="Summary budget in words.")
@click.option(
    "--bytes",
    "budget_bytes",
    type=click.IntRange(min=1),
    help="Summary budget in UTF-8 bytes instead of words.",
)
@click.option(
    "--summarizer",
    type=click.Choice(("concepts", "centroid", "lead")),
    help="Sentence selection method [default: concepts].",
)
@_common_options
def brief(
    inputs: tuple[str, ...],
    annotations_file: str | None,
    story: str | None,
    db: str,
    output_format: str,
    words: int | None,
    budget_bytes: int | None,
    summarizer: str | None,
    output: str | None,
    assignments: tuple[str, ...],
    published: tuple[str, ...],
    workers: int | None,
    quiet: bool,
) -> None:
    """Make a cited brief of the story told by INPUTS (or --annotations FILE, or --story ID).

    INPUTS: files (.txt .md .html .json .jsonl .rss .atom .xml .warc .warc.gz), directories (read
    recursively), or - for stdin.
    """
    from newsweave.analyze.nlp import Models
    from newsweave.blas import limit_blas_threads
    from newsweave.corpus.files import read_annotations
    from newsweave.render import RENDERERS
    from newsweave.story.weave import weave_brief

    shortcuts = {"summary_words": words, "summary_bytes": budget_bytes, "summarizer": summarizer}
    settings = parse_settings(assignments).with_(
        **{name: value for name, value in shortcuts.items() if value is not None}
    )
    if sum(map(bool, (inputs, annotations_file, story))) != 1:
        raise UsageError("give INPUTS, --annotations FILE or --story ID (one of the three)")
    if story is not None:
        if published or workers:
            raise UsageError("--published and --workers apply to INPUTS, not to --story")
        from newsweave.cli_corpus import brief_from_store

        limit_blas_threads(1)
        out = Output(output, [db])
        brief_from_store(db, story, settings, out, renderer=RENDERERS[output_format], quiet=quiet)
        return
    if annotations_file and (published or workers):
        raise UsageError("--published and --workers apply to INPUTS, not to --annotations")
    out = Output(output, [*inputs, *([annotations_file] if annotations_file else [])])
    limit_blas_threads(1)
    annotations: list[Annotation]
    if annotations_file:
        from newsweave.corpus.runners import default_workers

        models = Models(settings, threads=default_workers())
        annotations = read_annotations(annotations_file, models.annotator())
        if not quiet:
            say(f"read {len(annotations)} annotated articles from {annotations_file}")
    else:
        articles = _read(inputs, settings, quiet, published)
        models, annotating = _annotate(articles, settings, workers, quiet)
        annotations = list(annotating)
    started = time.perf_counter()

    def on_stage(name: str) -> None:
        # Only a long weave (a large story) says where it is; a small one is done in a second.
        elapsed = time.perf_counter() - started
        if not quiet and elapsed >= _STAGE_AFTER_SECONDS:
            say(f"weaving: {name} ({elapsed:.0f} s so far)")

    result = weave_brief(annotations, settings, models, on_stage)
    if not quiet:
        elapsed = time.perf_counter() - started
        say(f"wove a {len(result.summary)}-sentence summary in {elapsed:.1f} s")
    out.write_text(RENDERERS[output_format](result))


def _annotate_shards(
    inputs: Sequence[str],
    settings: Settings,
    quiet: bool,
    published: Sequence[str],
    workers: int | None,
    runner_kind: str,
    address: str | None,
    embed_gpus: int,
    folder: Any,
    shard_size: int,
) -> None:
    """`annotate --out DIR`: Parquet shards, the ones already written skipped."""
    from newsweave.analyze.nlp import Models
    from newsweave.blas import limit_blas_threads
    from newsweave.corpus.runners import default_workers
    from newsweave.corpus.shards import write_shards

    limit_blas_threads(1)
    runner, settings = _make_runner(runner_kind, workers, address, embed_gpus, settings)
    with runner.session():
        articles = _read(inputs, settings, quiet, published, runner)
        models = Models(settings, threads=workers or default_workers())
        progress = Progress(len(articles), "annotated", "articles", quiet)
        with progress:
            done = write_shards(
                articles,
                runner,
                models,
                settings,
                folder,
                shard_size=shard_size,
                on_annotated=progress.advance,
            )
    if not quiet:
        say(f"{folder}: {done.written} shards written, {done.skipped} already there")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@_common_options
@_runner_options
@click.option(
    "--out",
    "shards",
    type=click.Path(file_okay=False),
    help="Write Parquet shards to this folder instead of one file; run again to resume.",
)
@click.option(
    "--shard-size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Articles per shard (with --out).",
)
def annotate(
    inputs: tuple[str, ...],
    output: str | None,
    assignments: tuple[str, ...],
    published: tuple[str, ...],
    workers: int | None,
    quiet: bool,
    runner_kind: str,
    address: str | None,
    embed_gpus: int,
    shards: str | None,
    shard_size: int,
) -> None:
    """Write the per-article layer of INPUTS as an annotations file (JSON Lines).

    The first line says the schema and the models; each further line is one article with its
    sentences, embeddings, entities, quotes, roles, interactions and time expressions.
    `newsweave brief --annotations FILE` weaves a brief from it without parsing again.

    INPUTS: files (.txt .md .html .json .jsonl .rss .atom .xml .warc .warc.gz), directories (read
    recursively), or - for stdin.
    """
    from newsweave.blas import limit_blas_threads
    from newsweave.corpus.files import annotation_line, annotations_header

    settings = parse_settings(assignments)
    if shards is not None:
        if output is not None:
            raise UsageError("give -o FILE or --out DIR, not both")
        _annotate_shards(
            inputs,
            settings,
            quiet,
            published,
            workers,
            runner_kind,
            address,
            embed_gpus,
            Path(shards),
            shard_size,
        )
        return
    out = Output(output, inputs)
    limit_blas_threads(1)
    runner, settings = _make_runner(runner_kind, workers, address, embed_gpus, settings)
    with runner.session():
        articles = _read(inputs, settings, quiet, published, runner)
        models, annotating = _annotate(articles, settings, workers, quiet, runner)
        out.write_lines(
            annotations_header(models.annotator(), len(articles)),
            (annotation_line(annotation) for annotation in annotating),
        )


@main.command("settings")
def show_settings() -> None:
    """List every setting with its default and what it does (change one with --set)."""
    for name, default, help_text in describe_settings():
        click.echo(f"{name} = {default}\n    {help_text}")


# The store's commands register themselves on `main` (add, stories, search, show).
from newsweave import cli_corpus  # noqa: E402

__all__ = ["cli_corpus", "main"]
