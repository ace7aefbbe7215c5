"""Annotation shards: a big corpus's annotations as Parquet files, written resumably, read back.

`newsweave annotate INPUTS --out DIR` cuts the articles, in input order, into shards of
`shard_size` and writes each as `DIR/part-NNNNN.parquet` (columns `n`, `id`, `annotation`: the
article's position, id and annotation JSON, the same bytes as an annotation file's line) once all
its articles are annotated, through a temporary file renamed into place, so a shard on disk is
always whole. `DIR/manifest.json` says what the folder holds: schema, models, how many articles
and shards, and a hash of the article ids. Run again on the same inputs, it skips the shards that
exist: an interrupted run resumes where it stopped. Other inputs or other models into the same
folder are refused.

`newsweave add --annotations DIR` checks the folder whole (every shard present and readable, with
the manifest's counts, the same schema and models), then reads the shards back one at a time and
stores each as `add` stores what it annotates (`Precomputed` serves the annotations to
`add_articles` as a runner would), so memory holds one shard, not the corpus.

Parquet through pyarrow (in the `ray` extra): a columnar file other tools read (DuckDB, pandas,
Spark), compressed, one per shard so that workers and reruns never write the same file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.analyze.annotate import annotate_article
from newsweave.analyze.nlp import Models
from newsweave.config import Settings
from newsweave.corpus.files import annotation_line
from newsweave.corpus.runners import Runner
from newsweave.errors import SchemaError, UsageError
from newsweave.models import SCHEMA_VERSION, Annotation, Article

# Articles per shard: a few minutes of work on a small machine, so little is redone on a rerun.
SHARD_ARTICLES = 1000
MANIFEST = "manifest.json"
# The columns of a shard (write_shards writes them; reading needs them).
COLUMNS = frozenset({"n", "id", "annotation"})


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("Parquet shards need pyarrow: pip install 'newsweave[ray]'") from None
    return pa, pq


def _manifest(
    articles: Sequence[Article], annotator: Mapping[str, str], size: int
) -> dict[str, Any]:
    # The articles whole (text, dates, ids...): the same ids with another text are other inputs.
    digest = hashlib.sha256()
    for article in articles:
        digest.update(json.dumps(article.to_dict(), sort_keys=True).encode("utf-8") + b"\n")
    return {
        "newsweave": "annotation shards",
        "schema": SCHEMA_VERSION,
        "annotator": dict(annotator),
        "articles": len(articles),
        "shard_size": size,
        "shards": -(-len(articles) // size),
        "articles_sha256": digest.hexdigest(),
    }


def _shard_path(folder: Path, number: int) -> Path:
    return folder / f"part-{number:05d}.parquet"


@dataclass(frozen=True)
class ShardReport:
    """What a run of `write_shards` did."""

    written: int
    skipped: int


def write_shards(
    articles: Sequence[Article],
    runner: Runner,
    models: Models,
    settings: Settings,
    folder: Path,
    *,
    shard_size: int = SHARD_ARTICLES,
    on_annotated: Callable[[], None] | None = None,
) -> ShardReport:
    """Annotate articles into Parquet shards in `folder`, skipping the shards already there.

    Raises:
        UsageError: When the folder holds shards of other inputs, sizes or models, or pyarrow is
            missing.
    """
    pa, pq = _pyarrow()
    if shard_size < 1:
        raise UsageError(f"shard size must be at least 1, not {shard_size}")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(articles, models.annotator(), shard_size)
    path = folder / MANIFEST
    if path.exists():
        if json.loads(path.read_text("utf-8")) != manifest:
            raise UsageError(
                f"{folder}: holds shards of other inputs, models or shard size; use a new folder"
            )
    else:
        if any(folder.iterdir()):
            raise UsageError(f"{folder}: not empty and not a shard folder; use a new folder")
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(manifest, indent=2), "utf-8")
        temporary.replace(path)
    shards = int(manifest["shards"])
    missing = [n for n in range(shards) if not _shard_path(folder, n).exists()]
    # One run of the runner over every missing shard's articles, cut into shards as they come
    # (in order): a Ray runner starts once and loads the models once, not once per shard.
    todo = [a for n in missing for a in articles[n * shard_size : (n + 1) * shard_size]]
    stream = iter(runner.annotate(todo, models, settings))
    for number in missing:
        first = number * shard_size
        chunk = articles[first : first + shard_size]
        lines = []
        for _article in chunk:
            lines.append(annotation_line(next(stream)).rstrip("\n"))
            if on_annotated is not None:
                on_annotated()
        table = pa.table(
            {
                "n": list(range(first, first + len(chunk))),
                "id": [a.id for a in chunk],
                "annotation": lines,
            }
        )
        target = _shard_path(folder, number)
        temporary = target.with_suffix(".tmp")
        pq.write_table(table, temporary, compression="zstd")
        temporary.replace(target)
    written, skipped = len(missing), shards - len(missing)
    return ShardReport(written, skipped)


@dataclass(frozen=True)
class ShardFolder:
    """A finished shard folder, checked: every shard there, readable, with the right counts."""

    folder: Path
    shards: int
    articles: int


def open_shards(folder: Path, annotator: Mapping[str, str]) -> ShardFolder:
    """Check a shard folder whole before anything is stored from it (footers, not contents).

    Raises:
        SchemaError: When the folder is not a shard folder, was made by another schema or other
            models, misses shards (an unfinished run: run `annotate --out` again), or holds a
            shard that is unreadable or of the wrong length.
    """
    _pa, pq = _pyarrow()
    path = folder / MANIFEST
    if not path.is_file():
        raise SchemaError(f"{folder}: no {MANIFEST}: not a folder of annotation shards")
    try:
        manifest = json.loads(path.read_text("utf-8"))
        shards, articles, size = (int(manifest[k]) for k in ("shards", "articles", "shard_size"))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SchemaError(f"{path}: unreadable ({error})") from None
    if manifest.get("schema") != SCHEMA_VERSION:
        raise SchemaError(
            f"{folder}: shards of schema {manifest.get('schema')}, not {SCHEMA_VERSION}"
        )
    if manifest.get("annotator") != dict(annotator):
        raise SchemaError(f"{folder}: made by other models ({manifest.get('annotator')})")
    missing = [n for n in range(shards) if not _shard_path(folder, n).is_file()]
    if missing:
        raise SchemaError(
            f"{folder}: {len(missing)} of {shards} shards missing (an unfinished run: "
            "run the same `annotate --out` again to finish it)"
        )
    if size < 1 or shards != -(-articles // size):
        raise SchemaError(f"{path}: {shards} shards cannot hold {articles} articles of {size}")
    for number in range(shards):
        shard = _shard_path(folder, number)
        try:
            rows = pq.read_metadata(shard).num_rows
            columns = set(pq.read_schema(shard).names)
        except Exception as error:  # pyarrow's errors have no common base worth naming
            raise SchemaError(f"{shard}: not a readable shard ({error})") from None
        if absent := COLUMNS - columns:
            raise SchemaError(f"{shard}: no column {', '.join(sorted(absent))}")
        if rows != min(size, articles - number * size):
            raise SchemaError(f"{shard}: {rows} articles, the manifest says otherwise")
    return ShardFolder(folder, shards, articles)


def shard_annotations(found: ShardFolder) -> Iterator[list[Annotation]]:
    """The annotations of an opened shard folder, one shard at a time, in input order.

    One shard in memory at a time, so a folder of millions of articles is stored in bounded
    memory.

    Raises:
        SchemaError: When a shard's contents are damaged (its articles out of order, an
            annotation that is not one); the shards before it have been given out.
    """
    _pa, pq = _pyarrow()
    expected = 0
    for number in range(found.shards):
        shard = _shard_path(found.folder, number)
        try:
            table = pq.read_table(shard, columns=list(COLUMNS)).to_pydict()
        except Exception as error:  # pyarrow's errors have no common base worth naming
            raise SchemaError(f"{shard}: not a readable shard ({error})") from None
        annotations = []
        for n, text in zip(table["n"], table["annotation"], strict=True):
            if n != expected:
                raise SchemaError(f"{shard}: article {n} where {expected} was due")
            try:
                data = json.loads(text)
            except (ValueError, TypeError, RecursionError):
                raise SchemaError(f"{shard} article {n}: not an annotation (bad JSON)") from None
            annotations.append(Annotation.from_dict(data, f"{shard} article {n}"))
            expected += 1
        del table  # the shard's text, decoded: not kept while its articles are stored
        yield annotations
        del annotations  # nor its annotations while the next shard is read


def read_shards(folder: Path, annotator: Mapping[str, str]) -> list[Annotation]:
    """Every annotation of a finished shard folder, in input order, checked whole.

    Raises:
        SchemaError: As `open_shards` and `shard_annotations`.
    """
    return [a for shard in shard_annotations(open_shards(folder, annotator)) for a in shard]


@dataclass(frozen=True)
class Precomputed:
    """A runner that serves annotations already made, annotating only articles they lack.

    `add` may give an article another id than its annotation has (a revision takes the stored
    article's id; an id already used by another text gets a suffix): such an article is
    annotated again here, so that every span names the id it is stored under.
    """

    annotations: Mapping[str, Annotation]

    def annotate(
        self, articles: Sequence[Article], models: Models, settings: Settings
    ) -> Iterator[Annotation]:
        """The stored annotation of each article, or a new one (see the class docstring)."""
        for article in articles:
            known = self.annotations.get(article.id)
            if known is not None and known.article == article:
                yield known
            else:
                yield annotate_article(article, models, settings)
