"""The Ray runner: the per-article stage on a Ray cluster (or a local Ray), through Ray Data.

The only module that imports ray (the optional extra `newsweave[ray]`). It keeps the `Runner`
protocol of runners.py, so `add` and `annotate` do not know which runner they have:

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
import re
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsweave.analyze.annotate import annotate_article
from newsweave.analyze.nlp import Models
from newsweave.blas import limit_blas_threads
from newsweave.config import Settings
from newsweave.errors import NewsweaveError
from newsweave.models import Annotation, Article

# Articles per actor call: enough to amortise a call's overhead, few enough that a retried
# batch after a worker died costs little.
BATCH_ARTICLES = 4


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
    """

    actors: int = field(default_factory=_cores)
    address: str | None = None

    def __post_init__(self) -> None:
        if self.actors < 1:
            raise NewsweaveError(f"actors must be at least 1, not {self.actors}")

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

        started_here = not ray.is_initialized()
        if started_here:
            self._start(ray)
        try:
            yield from self._run(ray, articles, models, settings)
        finally:
            if started_here:
                ray.shutdown()

    def _start(self, ray: Any) -> None:
        if self.address is None:
            # Ray's C++ core logs a warning at error level for every actor pool Ray Data makes
            # (ray-project/ray#53727: constructor arguments kept in the object store); the
            # failures that matter reach the caller as exceptions. Set it yourself to see all.
            os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
        _check_reachable(self.address)
        try:
            ray.init(
                address=self.address,
                num_cpus=None if self.address else self.actors,
                include_dashboard=False,
                log_to_driver=False,
                logging_level="ERROR",
            )
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
            message = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise NewsweaveError(f"cannot start or reach {where}: {message}") from None

    def _run(
        self, ray: Any, articles: Sequence[Article], models: Models, settings: Settings
    ) -> Iterator[Annotation]:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        # Ray reports each execution, and a failure with its tracebacks, on stderr; newsweave
        # reports progress itself, and a failed job reaches the caller as one line (`_cause`).
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        rows = [
            {"n": n, "article": json.dumps(article.to_dict(), ensure_ascii=False)}
            for n, article in enumerate(articles)
        ]
        blocks = max(1, min(-(-len(rows) // BATCH_ARTICLES), 1000))
        actors = min(self.actors, blocks)  # an actor with no block to take would idle
        annotated = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
            _annotator(models, settings),
            batch_size=BATCH_ARTICLES,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
            # Ray Data's actor pools restart an actor whose process died (killed, out of
            # memory) and run its batch again: tests/test_ray.py kills one mid-run.
        )
        expected = 0
        try:
            for row in annotated.iter_rows():
                if int(row["n"]) != expected:
                    raise NewsweaveError(
                        f"Ray returned article {int(row['n'])} where {expected} was due"
                    )
                expected += 1
                yield Annotation.from_dict(json.loads(row["annotation"]), "annotation from Ray")
        except ray.exceptions.RayError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise NewsweaveError(
                f"the Ray job failed: {type(error).__name__} {first_line}"
            ) from None
        if expected != len(articles):
            raise NewsweaveError(f"Ray returned {expected} of {len(articles)} annotations")
