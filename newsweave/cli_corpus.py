"""The store's commands: `add`, `stories`, `search`, `show` (and `brief --story`, in cli.py).

Thin wrappers over newsweave.corpus: they open the store, call one public function, and print.
Commands that only read (`stories`, `search`, `show`) open the store read-only, so they work on
a store they may not write and never change it.
"""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from newsweave.cli import _common_options, _make_runner, _read, _runner_options, main
from newsweave.cli_output import Output, Progress, say
from newsweave.config import parse_settings
from newsweave.errors import NewsweaveError, UsageError

DEFAULT_DB = "newsweave.db"


def db_option(function: Any) -> Any:
    """The --db option every store command takes."""
    return click.option(
        "--db",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The store file (SQLite).",
    )(function)


def _format_option(function: Any) -> Any:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(("text", "json")),
        default="text",
        show_default=True,
        help="Output format.",
    )(function)


@main.command()
@click.argument("inputs", nargs=-1)
@db_option
@_common_options
@_runner_options
@click.option(
    "--annotations",
    "shards",
    type=click.Path(file_okay=False, exists=True),
    help="Add the articles of a folder of annotation shards (`annotate --out`) instead of INPUTS.",
)
def add(
    inputs: tuple[str, ...],
    db: str,
    output: str | None,
    assignments: tuple[str, ...],
    published: tuple[str, ...],
    workers: int | None,
    quiet: bool,
    runner_kind: str,
    address: str | None,
    embed_gpus: int,
    shards: str | None,
) -> None:
    """Add INPUTS to the store, annotated and grouped into stories.

    INPUTS: files (.txt .md .html .json .jsonl .rss .atom .xml .warc .warc.gz), directories
    (read recursively), or - for stdin. Articles already stored are skipped; a stored URL with
    new text is kept as a revision. Rerunning an interrupted add completes it.
    """
    from newsweave.analyze.nlp import Models
    from newsweave.blas import limit_blas_threads
    from newsweave.corpus.add import AddReport, add_articles
    from newsweave.corpus.runners import default_workers
    from newsweave.corpus.store import Store

    if output is not None:
        raise UsageError("add writes to the store (--db), not to -o")
    if bool(inputs) == bool(shards):
        raise UsageError("give INPUTS to add, or --annotations DIR, not both")
    settings = parse_settings(assignments)
    if shards is not None and (runner_kind != "local" or embed_gpus):
        raise UsageError("--annotations are already annotated: no --runner or --embed-gpus")
    runner, settings = _make_runner(runner_kind, workers, address, embed_gpus, settings)
    limit_blas_threads(1)
    with Store(db) as store, ExitStack() as stack:
        models = Models(settings, threads=workers or default_workers())
        done = AddReport()
        if shards is not None:
            from newsweave.corpus.shards import Precomputed, open_shards, shard_annotations

            found = open_shards(Path(shards), models.annotator())
            progress = Progress(found.articles, "stored", "articles", quiet)
            with progress:
                for annotations in shard_annotations(found):
                    add_articles(
                        store,
                        [annotation.article for annotation in annotations],
                        models,
                        settings,
                        Precomputed({a.article.id: a for a in annotations}),
                        on_stored=lambda _a: progress.advance(),
                        report=done,
                    )
                    del annotations  # one shard in memory: not this one while the next is read
        else:
            # One Ray session (with --runner ray) for reading the inputs and annotating them.
            stack.enter_context(runner.session())
            articles = _read(inputs, settings, quiet, published, runner)
            progress = Progress(len(articles), "stored", "articles", quiet)
            with progress:
                add_articles(
                    store,
                    articles,
                    models,
                    settings,
                    runner,
                    on_stored=lambda _a: progress.advance(),
                    report=done,
                )
        counts = store.counts()
    if not quiet:
        say(
            f"{db}: {done.added} added, {done.revised} revised, {done.known} already stored; "
            f"{_count(done.new_stories, 'new story', 'new stories')}, "
            f"{done.merged_stories} merged"
            + (f", {_count(done.regrouped, 'article')} regrouped" if done.regrouped else "")
            + "; the store holds "
            + f"{_count(counts['articles'], 'article')} in "
            + f"{_count(counts['stories'], 'story', 'stories')}"
        )


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


@main.command()
@db_option
@click.option("--since", help="Only stories seen since: 12h, 2d, 1w, or a date (2021-08-16).")
@click.option(
    "--min-sources",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only stories told by at least this many outlets.",
)
@_format_option
def stories(db: str, since: str | None, min_sources: int, output_format: str) -> None:
    """List the stored stories, newest first: id, dates, sources and title."""
    from newsweave.corpus.lookup import list_stories, since_day
    from newsweave.corpus.store import Store

    day = since_day(since) if since is not None else None
    with Store(db, readonly=True) as store:
        found = list_stories(store, day, min_sources)
    if output_format == "json":
        click.echo(json.dumps([s.to_dict() for s in found], ensure_ascii=False, indent=2))
        return
    for story in found:
        dates = story.first_seen or "undated"
        if story.last_seen != story.first_seen:
            dates = f"{story.first_seen}..{story.last_seen}"
        click.echo(
            f"{story.id}  {dates}  {len(story.articles)} articles, {story.sources} sources  "
            f"{story.title or '(untitled)'}"
        )
    if not found:
        say("no stories match")


@main.command()
@click.argument("query")
@db_option
@_format_option
def search(query: str, db: str, output_format: str) -> None:
    """Full-text search of stored titles and texts; each hit with its story."""
    from newsweave.corpus.lookup import search_articles
    from newsweave.corpus.store import Store

    with Store(db, readonly=True) as store:
        hits = search_articles(store, query)
    if output_format == "json":
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
        return
    for hit in hits:
        click.echo(
            f"{hit['id']}  story {hit['story']}  {hit['published'] or 'undated'}  "
            f"{hit['outlet'] or '?'}: {hit['title'] or '(untitled)'}\n    {hit['snippet']}"
        )
    if not hits:
        say(f"no article matches {query!r}")


@main.command()
@click.argument("article_id")
@db_option
@_format_option
def show(article_id: str, db: str, output_format: str) -> None:
    """Show a stored article: clean text, metadata, story and the lines removed as noise."""
    from newsweave.corpus.lookup import stored_article
    from newsweave.corpus.store import Store

    with Store(db, readonly=True) as store:
        article, stored = stored_article(store, article_id)
    if output_format == "json":
        click.echo(json.dumps({**article.to_dict(), **stored}, ensure_ascii=False, indent=2))
        return
    lines = [
        f"id: {article.id}",
        f"title: {article.title or '-'}",
        f"outlet: {article.outlet or '-'}",
        f"published: {article.published or '-'}",
        f"url: {article.url or '-'}",
        f"story: {stored['story'] or '-'}",
        f"input: {stored['input'] or '-'}; added {stored['added']}; revision {stored['revision']}"
        + ("; partial (a feed teaser only)" if stored["partial"] else ""),
        "",
        article.text,
    ]
    if article.removed_lines:
        lines += ["", f"removed ({len(article.removed_lines)} lines):"]
        lines += [f"  line {r.line} [{r.kind}] {r.text}" for r in article.removed_lines]
    click.echo("\n".join(lines))


def brief_from_store(
    db: str, story: str, settings: Any, output: Output, *, renderer: Any, quiet: bool
) -> None:
    """`brief --story ID`: the story's brief from stored annotations (cached when writable)."""
    from pathlib import Path

    from newsweave.analyze.nlp import Models
    from newsweave.corpus.lookup import brief_story
    from newsweave.corpus.store import Store, StoreError

    started = time.perf_counter()
    if not Path(db).is_file():
        raise StoreError(f"{db}: no store here (run `newsweave add` first, or give --db)")
    try:
        store = Store(db)
    except StoreError:
        store = Store(db, readonly=True)  # a read-only store: brief without caching
    with store:
        result = brief_story(store, story, settings, Models(settings))
    if not quiet:
        say(f"brief of story {story} in {time.perf_counter() - started:.1f} s")
    output.write_text(renderer(result))


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE", help="Brief setting.")
def serve(db: str, host: str, port: int, assignments: tuple[str, ...]) -> None:
    """Serve the store's stories, briefs and articles as web pages and a JSON API."""
    import uvicorn

    from newsweave.web.app import create_app

    app = create_app(db, parse_settings(assignments))
    _check_can_listen(host, port)
    say(f"serving {db} on http://{host}:{port}/ (Ctrl-C stops)")
    # A keep-alive longer than the 5 s default: a client that reuses a connection just as the
    # server closes it gets "disconnected" (seen once in 5,000 requests under load).
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        limit_concurrency=200,
        timeout_keep_alive=75,
    )


def _check_can_listen(host: str, port: int) -> None:
    """Fail in one line, before anything is served, on an address that cannot be listened on."""
    import socket

    try:
        family, kind, _proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        raise NewsweaveError(f"cannot listen on {host}:{port}: {reason}") from None


__all__ = ["add", "brief_from_store", "db_option", "search", "serve", "show", "stories"]
