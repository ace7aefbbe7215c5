"""Runners map the per-article stage over many articles: here in this process or a process pool.

Every runner gives the same annotations, byte for byte and in input order, because
`annotate_article` is a pure function of one article. The pool starts its workers with `spawn`
(no state inherited from the parent: safe with BLAS thread pools and on every platform); each
worker makes its own `Models` once and is held to one BLAS thread, since two busy processes with
a BLAS thread per core each spin against each other on a small machine and run several times
slower. The Ray runner (ray_runner.py, the optional `ray` extra) keeps this interface.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from newsweave.analyze.annotate import annotate_article
from newsweave.analyze.nlp import Models
from newsweave.blas import limit_blas_threads
from newsweave.config import Settings
from newsweave.errors import NewsweaveError, UsageError
from newsweave.models import Annotation, Article

if TYPE_CHECKING:
    from newsweave.read.sources import ProblemHandler

# Below this many articles per worker, starting workers (each loads the models, about a second)
# costs more than it saves, so the articles are annotated in this process instead.
_MIN_ARTICLES_PER_WORKER = 3

# How often a worker checks that its parent still runs.
_PARENT_CHECK_SECONDS = 1.0

# The one worker-process state: the models and settings its initializer made. A module global
# because a pool's worker function cannot carry state of its own; it is never set in the parent.
_WORKER_STATE: tuple[Models, Settings] | None = None


class Runner(Protocol):
    """Maps `annotate_article` over articles."""

    def annotate(
        self, articles: Sequence[Article], models: Models, settings: Settings
    ) -> Iterator[Annotation]:
        """Annotate articles, yielding one Annotation per article in input order.

        Args:
            articles: The articles.
            models: The models of this process (used when annotating here; workers load
                their own copy of the same models).
            settings: The settings of the run.
        """
        ...


class InputRunner(Runner, Protocol):
    """A runner that also reads the inputs: in this process, or on the runner's workers."""

    def session(self) -> AbstractContextManager[None]:
        """Hold the runner's workers (a Ray session) open across `read` and `annotate`."""
        ...

    def read(
        self, inputs: Sequence[str], settings: Settings, report: ProblemHandler
    ) -> list[Article]:
        """The articles of the inputs, as `read.ingest.read_articles` gives them.

        Raises:
            NoArticlesError: When no input gave a usable article.
        """
        ...


def make_runner(
    kind: str, workers: int | None, address: str | None = None, embed_gpus: int = 0
) -> InputRunner:
    """The runner `--runner KIND` names: "local" (this process or a pool) or "ray".

    Args:
        kind: "local" or "ray".
        workers: Processes (local) or actors (ray); None is one per CPU core here.
        address: The Ray cluster to join (ray only); None starts a local Ray.
        embed_gpus: Ray only: embed on this many GPU actors, one GPU each (the others parse).

    Raises:
        UsageError: For "ray" without the `ray` extra installed, or an address without "ray".
    """
    import importlib.util

    count = workers or default_workers()
    if kind == "ray":
        if importlib.util.find_spec("ray") is None:
            raise UsageError("--runner ray needs Ray: pip install 'newsweave[ray]'")
        from newsweave.corpus.ray_runner import RayRunner

        return RayRunner(count, address, embed_actors=embed_gpus)
    if address is not None or embed_gpus:
        raise UsageError(f"{'--address' if address else '--embed-gpus'} is for --runner ray")
    return LocalRunner(count)


def default_workers() -> int:
    """The number of CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class LocalRunner:
    """Annotates in this process (one worker) or in a pool of worker processes.

    Args:
        workers: Processes to use; 1 annotates in this process.
    """

    workers: int = field(default_factory=default_workers)

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise NewsweaveError(f"workers must be at least 1, not {self.workers}")

    def session(self) -> AbstractContextManager[None]:
        """Nothing to hold: each `annotate` starts its pool and stops it when done."""
        return nullcontext()

    def read(
        self, inputs: Sequence[str], settings: Settings, report: ProblemHandler
    ) -> list[Article]:
        """The articles of the inputs, read in this process (see `InputRunner.read`)."""
        from newsweave.read.ingest import read_articles

        return read_articles(inputs, settings, report)

    def annotate(
        self, articles: Sequence[Article], models: Models, settings: Settings
    ) -> Iterator[Annotation]:
        """Annotate articles, in input order (see `Runner.annotate`).

        Raises:
            NewsweaveError: When a worker process dies (killed, or out of memory).
        """
        workers = min(self.workers, len(articles) // _MIN_ARTICLES_PER_WORKER)
        if workers <= 1:
            for article in articles:
                yield annotate_article(article, models, settings)
            return
        context = multiprocessing.get_context("spawn")
        executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(models, settings),
        )
        try:
            yield from executor.map(_annotate_in_worker, articles)
        except BrokenProcessPool:
            raise NewsweaveError(
                "a worker process stopped unexpectedly (killed, or out of memory?); "
                "try fewer --workers"
            ) from None
        finally:
            # On an error or an interrupt, articles not yet started are dropped, not annotated.
            executor.shutdown(wait=True, cancel_futures=True)


def _start_worker(models: Models, settings: Settings) -> None:
    """Worker initializer: one BLAS thread, Ctrl-C left to the parent, the models made once."""
    global _WORKER_STATE  # noqa: PLW0603 -- the worker's one piece of state, see above
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_blas_threads(1)
    _WORKER_STATE = (models, settings)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End this worker when its parent is gone (killed with -9, say), not linger idle forever."""
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(1)


def _annotate_in_worker(article: Article) -> Annotation:
    if _WORKER_STATE is None:
        raise RuntimeError("worker used before its initializer ran")
    models, settings = _WORKER_STATE
    return annotate_article(article, models, settings)
