"""The Ray runner: the per-article stage on a Ray cluster (or a local Ray), through Ray Data.

The only module that imports ray (the optional extra `newsweave[ray]`). It keeps the
`InputRunner` protocol of runners.py, so `add` and `annotate` do not know which runner they have:

- reading: the inputs are cut into parts (read/parts.py: a file each, big JSON Lines files and
  WARC archives by record), consecutive parts grouped into one Ray Data row per task (small
  files together, a big part alone), each read with the same pure `read_part` a local read
  uses; the parts come back in order and are joined (duplicates dropped, problems reported) on
  the driver as a local read joins them;
- the articles become a Ray Dataset (one row per article, the article's JSON form), split into
  blocks that the cluster's nodes take in turn;
- `map_batches` runs them through a pool of actors (`_Annotator`): each actor makes its `Models`
  once (the models travel as names and load on the actor's node), holds one BLAS thread, and
  annotates a few articles per call. Actors are restarted and their batches retried when a
  worker dies, so every article comes back exactly once;
- the annotations come back to the driver in input order (Ray Data's `preserve_order`), as the
  same JSON a local worker's annotation round-trips through, so the results are byte-identical
  to the local runner's.

With no `address`, a local Ray is started on this machine's cores and stopped afterwards; with
`address="auto"` (or a cluster's address) it joins a running cluster.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
import socket
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

from newsweave.analyze.annotate import ParsedArticle, annotate_article, parse_article
from newsweave.analyze.nlp import Models
from newsweave.blas import limit_blas_threads
from newsweave.config import Settings
from newsweave.errors import NewsweaveError
from newsweave.models import Annotation, Article
from newsweave.read.ingest import PartRead, read_articles, read_part
from newsweave.read.parts import PART_BYTES, Part
from newsweave.read.sources import ProblemHandler

# Articles per actor call: enough to amortise a call's overhead, few enough that a retried
# batch after a worker died costs little.
BATCH_ARTICLES = 4
# Articles per call of an embedding actor (about 2,000 sentences), and sentences per forward
# pass on a GPU: a GPU is only busy with large batches, and one pass over many articles'
# sentences is what the separate pool is for.
EMBED_BATCH_ARTICLES = 64
GPU_BATCH_SENTENCES = 512


def _cores() -> int:
    from newsweave.corpus.runners import default_workers

    return default_workers()


def _annotator(models: Models, settings: Settings) -> type:
    """The actor class: the models, loaded once per actor, annotating batches of articles.

    Made per run so that the models and settings travel inside the class (as names: `Models`
    pickles so) rather than as constructor arguments, which Ray keeps in its object store and
    cannot restart an actor without once they are gone.
    """

    class Annotator:
        def __init__(self) -> None:
            limit_blas_threads(1)

        def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
            annotations = []
            for text in batch["article"]:
                article = Article.from_dict(json.loads(text), "article sent to a Ray actor")
                annotation = annotate_article(article, models, settings)
                annotations.append(json.dumps(annotation.to_dict(), ensure_ascii=False))
            return {"n": list(batch["n"]), "annotation": annotations}

    return Annotator


def _parser(models: Models) -> type:
    """The actor class that parses (spaCy) when the embeddings are made by another pool."""

    class Parser:
        def __init__(self) -> None:
            limit_blas_threads(1)

        def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
            parsed = []
            for text in batch["article"]:
                article = Article.from_dict(json.loads(text), "article sent to a Ray actor")
                # Pickled: a ParsedArticle has no JSON form of its own, and these rows are made
                # and read only by this module.
                parsed.append(pickle.dumps(parse_article(article, models.spacy)))
            return {"n": list(batch["n"]), "article": list(batch["article"]), "parsed": parsed}

    return Parser


def _embedder(models: Models, batch_sentences: int) -> type:
    """The actor class that embeds the sentences of many parsed articles in one pass (a GPU's)."""

    class Embedder:
        def __init__(self) -> None:
            limit_blas_threads(1)

        def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
            articles = [Article.from_dict(json.loads(t), "article") for t in batch["article"]]
            parsed: list[ParsedArticle] = [pickle.loads(p) for p in batch["parsed"]]
            texts = [text for one in parsed for text in one.sentence_texts()]
            vectors = models.embedder.encode(texts, batch_sentences)
            annotations, first = [], 0
            for article, one in zip(articles, parsed, strict=True):
                last = first + len(one.sentences)
                annotation = one.annotation(article, vectors[first:last])
                annotations.append(json.dumps(annotation.to_dict(), ensure_ascii=False))
                first = last
            return {"n": list(batch["n"]), "annotation": annotations}

    return Embedder


def _cause(error: BaseException) -> str:
    """The first line of what really went wrong in a Ray error (its innermost cause)."""
    seen: set[int] = set()
    current: BaseException | None = error
    innermost = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        innermost = current
        if isinstance(current, NewsweaveError):
            break
        following = getattr(current, "cause", None) or current.__cause__
        current = following if isinstance(following, BaseException) else None
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(innermost)).strip()
    return text.splitlines()[0] if text else type(innermost).__name__


def _check_reachable(address: str | None) -> None:
    """Fail at once on a HOST:PORT nothing listens on (Ray itself retries for minutes)."""
    if address is None or address == "auto" or "://" in address or ":" not in address:
        return
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
            pass
    except (OSError, ValueError):
        raise NewsweaveError(f"cannot reach the Ray cluster at {address}") from None


@dataclass(frozen=True)
class RayRunner:
    """Annotates on Ray: a pool of `actors` actors, each with the models and one core.

    Args:
        actors: How many annotating actors (one CPU each).
        address: A running cluster to join ("auto", "ray://host:10001"); None starts a local
            Ray with `actors` CPUs and stops it when done.
        part_bytes: Big JSON Lines files and WARC archives are read in parts of about this
            many bytes, a Ray task each; smaller inputs share tasks up to this size.
        embed_actors: When above 0, the `actors` only parse, and this many further actors
            embed the sentences of many articles at once (`EMBED_BATCH_ARTICLES` a pass),
            each holding `embed_gpus` GPUs: the GPU embedding pool. The settings should name
            the torch embedder on a GPU (`embedder=minilm-torch`, `embed_device=cuda`).
        embed_gpus: GPUs per embedding actor; 0 runs the pool on CPUs (for tests).
    """

    actors: int = field(default_factory=_cores)
    address: str | None = None
    part_bytes: int = PART_BYTES
    embed_actors: int = 0
    embed_gpus: float = 1.0

    def __post_init__(self) -> None:
        if self.actors < 1:
            raise NewsweaveError(f"actors must be at least 1, not {self.actors}")
        if self.embed_actors < 0 or self.embed_gpus < 0:
            raise NewsweaveError("embedding actors and their GPUs cannot be negative")
        if self.part_bytes < 1:
            raise NewsweaveError(f"part_bytes must be at least 1, not {self.part_bytes}")

    @contextmanager
    def session(self) -> Iterator[None]:
        """Ray for the duration: started here (and stopped after) unless it already runs.

        Raises:
            NewsweaveError: When Ray cannot start or join the cluster.
        """
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            self._start(ray)
        try:
            if self.embed_actors:
                self._check_gpus(ray)  # before reading, which may take long
            yield
        finally:
            if started_here:
                ray.shutdown()

    def read(
        self, inputs: Sequence[str], settings: Settings, report: ProblemHandler
    ) -> list[Article]:
        """Read the inputs on Ray: the parts of the inputs (read/parts.py) are read by Ray tasks.

        Big JSON Lines files and WARC archives are cut by record, so one big dump spreads over
        the cluster; the parts come back in input order and are joined as a local read joins
        them, so the articles and the messages are the same. The inputs must be at the same
        path on every node (a shared file system); standard input is read here.

        Raises:
            NoArticlesError: When no input gave a usable article.
            NewsweaveError: When the Ray job fails for good.
        """
        with self.session():
            return read_articles(
                inputs,
                settings,
                report,
                reader=lambda parts: self._read_parts(parts, settings),
                part_bytes=self.part_bytes,
            )

    def _read_parts(self, parts: Sequence[Part], settings: Settings) -> Iterator[PartRead]:
        import ray

        # Workers resolve paths against their own working directory: send absolute ones (the
        # label, which messages and articles show, stays as the user gave it).
        remote = [
            replace(part, source=replace(part.source, path=part.source.path.absolute()))
            for part in parts
            if part.source.path is not None
        ]
        cores = max(1, int(_resource(ray, "CPU")))
        groups = _groups(remote, self.part_bytes, cores)
        rows = [{"n": n, "parts": pickle.dumps(group)} for n, group in enumerate(groups)]
        results: Iterator[PartRead] = iter(())
        if rows:
            _configure(ray)
            dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
            read = dataset.map_batches(
                _part_reader(settings), batch_size=1, batch_format="numpy", num_cpus=1
            )
            results = (
                one
                for row in _rows_in_order(ray, read, len(rows))
                for one in pickle.loads(row["reads"])
            )
        for part in parts:
            if part.source.path is None:
                yield read_part(part, settings)  # standard input exists only here
            else:
                yield next(results)

    def annotate(
        self, articles: Sequence[Article], models: Models, settings: Settings
    ) -> Iterator[Annotation]:
        """Annotate articles on Ray, in input order (see `Runner.annotate`).

        Raises:
            NewsweaveError: When Ray cannot start or join the cluster, or the job fails for
                good (every retry spent).
        """
        if not articles:
            return
        import ray

        with self.session():
            yield from self._run(ray, articles, models, settings)

    def _start(self, ray: Any) -> None:
        # Unless the user chose a level, newsweave's own (which a run before may have set).
        quiet = self.address is None and os.environ.get("RAY_BACKEND_LOG_LEVEL", "fatal") == "fatal"
        if quiet:
            # Ray's C++ core logs a warning at error level for every actor pool Ray Data makes
            # (ray-project/ray#53727: constructor arguments kept in the object store); the
            # failures that matter reach the caller as exceptions. Set it yourself to see all.
            os.environ["RAY_BACKEND_LOG_LEVEL"] = "fatal"
        _check_reachable(self.address)
        try:
            with _without_level_notice() if quiet else nullcontext():
                ray.init(
                    address=self.address,
                    # An embedding pool on CPUs (tests) needs cores of its own beside parsers.
                    num_cpus=None if self.address else self.actors + self._cpu_embed_actors,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level="ERROR",
                )
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
            message = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise NewsweaveError(f"cannot start or reach {where}: {message}") from None

    @property
    def _cpu_embed_actors(self) -> int:
        return self.embed_actors if self.embed_gpus == 0 else 0

    def _check_gpus(self, ray: Any) -> None:
        """Refuse at once a GPU pool the cluster cannot hold: Ray Data would wait forever."""
        wanted = self.embed_actors * self.embed_gpus
        have = _resource(ray, "GPU")
        if wanted > have:
            raise NewsweaveError(
                f"{self.embed_actors} embedding actor(s) need {wanted:g} GPU(s); "
                f"the Ray cluster has {have:g}"
            )

    def _run(
        self, ray: Any, articles: Sequence[Article], models: Models, settings: Settings
    ) -> Iterator[Annotation]:
        _configure(ray)
        rows = [
            {"n": n, "article": json.dumps(article.to_dict(), ensure_ascii=False)}
            for n, article in enumerate(articles)
        ]
        blocks = max(1, min(-(-len(rows) // BATCH_ARTICLES), 1000))
        actors = min(self.actors, blocks)  # an actor with no block to take would idle
        dataset = ray.data.from_items(rows, override_num_blocks=blocks)
        # Ray Data's actor pools restart an actor whose process died (killed, out of memory)
        # and run its batch again: tests/test_ray.py kills one mid-run.
        if self.embed_actors == 0:
            annotated = dataset.map_batches(
                _annotator(models, settings),
                batch_size=BATCH_ARTICLES,
                batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=actors),
                num_cpus=1,
            )
        else:
            parsed = dataset.map_batches(
                _parser(models),
                batch_size=BATCH_ARTICLES,
                batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=actors),
                num_cpus=1,
            )
            on_gpu = self.embed_gpus > 0
            annotated = parsed.map_batches(
                _embedder(models, GPU_BATCH_SENTENCES if on_gpu else settings.embed_batch_size),
                batch_size=EMBED_BATCH_ARTICLES,
                batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=self.embed_actors),
                num_gpus=self.embed_gpus,
                num_cpus=0 if on_gpu else 1,
            )
        for row in _rows_in_order(ray, annotated, len(rows)):
            yield Annotation.from_dict(json.loads(row["annotation"]), "annotation from Ray")


def _configure(ray: Any) -> None:
    """Set Ray Data up for newsweave's jobs: results in order, no progress bars or logs.

    Called before each dataset is made, since a dataset keeps a copy of the settings of its
    making: set later, `preserve_order` would not apply.
    """
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    # A failure inside a map (a NewsweaveError in a worker) reaches here as itself, so that
    # `_cause` can tell it, not as Ray Data's "UDF failed to process a data block".
    context.raise_original_map_exception = True
    # Ray reports each execution, and a failure with its tracebacks, on stderr; newsweave
    # reports progress itself, and a failed job reaches the caller as one line (`_cause`).
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _rows_in_order(ray: Any, dataset: Any, count: int) -> Iterator[dict[str, Any]]:
    """The `count` rows of a dataset whose rows are numbered `n`, checked to be all and in order.

    Raises:
        NewsweaveError: When the job fails for good (told by its innermost cause), or rows are
            missing or out of order.
    """
    expected = 0
    try:
        for row in dataset.iter_rows():
            if int(row["n"]) != expected:
                raise NewsweaveError(f"Ray returned row {int(row['n'])} where {expected} was due")
            expected += 1
            yield row
    except NewsweaveError:
        raise
    except Exception as error:
        raise NewsweaveError(f"the Ray job failed: {_cause(error)}") from None
    if expected != count:
        raise NewsweaveError(f"Ray returned {expected} of {count} rows")


@contextmanager
def _without_level_notice() -> Iterator[None]:
    """Drop the line Ray's C++ core writes to stderr, at start, to say it took the log level.

    It reads "logging.cc:... Set ray log level from environment variable ..." on every run
    with --runner ray, caused by the level set in `_start`; everything else written meanwhile
    is passed on. Ray's own processes, started meanwhile, write to their log files, not to this
    descriptor, unless RAY_LOG_TO_STDERR=1 asks them to use it: then, or without a standard
    error to take over, nothing is filtered.
    """
    if sys.stderr is None or os.environ.get("RAY_LOG_TO_STDERR") == "1":
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            for line in caught.read().decode("utf-8", "replace").splitlines(keepends=True):
                if "Set ray log level from environment variable" not in line:
                    sys.stderr.write(line)


def _resource(ray: Any, name: str) -> float:
    """How much of a resource ("CPU", "GPU") the Ray cluster has."""
    return float(ray.cluster_resources().get(name, 0))


def _groups(parts: Sequence[Part], part_bytes: int, cores: int) -> list[list[Part]]:
    """Consecutive parts grouped, a Ray task for each group: small files together, a big part alone.

    Groups hold at most `part_bytes`, and a quarter of a core's share of the input, so that a
    folder of small pages neither pays a task's overhead per page nor runs on one core.
    """
    sizes = [_part_size(part) for part in parts]
    target = min(part_bytes, max(1, sum(sizes) // (4 * cores)))
    groups: list[list[Part]] = []
    held = 0
    for part, size in zip(parts, sizes, strict=True):
        if groups and held + size <= target:
            groups[-1].append(part)
            held += size
        else:
            groups.append([part])
            held = size
    return groups


def _part_size(part: Part) -> int:
    if part.end is not None:
        return part.end - part.start
    if part.source.path is None:
        return 0
    try:
        return max(0, part.source.path.stat().st_size - part.start)
    except OSError:
        return 0  # its reader will say why


def _part_reader(settings: Settings) -> Any:
    """The function Ray tasks read parts of the inputs with: one part per row, pickled both ways."""

    def read_parts(batch: dict[str, Any]) -> dict[str, list[Any]]:
        # Pickled, not JSON: a PartRead holds articles, problems and archive counts; these rows
        # are made and read only by this module.
        groups = [pickle.loads(group) for group in batch["parts"]]
        reads = [pickle.dumps([read_part(part, settings) for part in group]) for group in groups]
        return {"n": list(batch["n"]), "reads": reads}

    return read_parts
