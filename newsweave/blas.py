"""BLAS threads: numerical work runs on one thread, so that its results never depend on the machine.

OpenBLAS splits a matrix product differently for different thread counts, which changes the last
bits of the result: an embedding made on a laptop and on a 16-core server, or in a worker and in
the main process, would differ, and a brief could tip over a threshold. One thread also keeps
newsweave fair under load: with a BLAS thread per core, two busy processes on two cores spin
against each other and run several times slower. The encoder and the story index compute inside
`one_blas_thread()`; workers hold their whole process to one thread.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which NumPy's BLAS uses one thread (restored on exit)."""
    from threadpoolctl import threadpool_limits

    limits: AbstractContextManager[Any] = threadpool_limits(limits=1, user_api="blas")
    return limits


def limit_blas_threads(threads: int = 1) -> None:
    """Hold NumPy's BLAS to `threads` threads for the rest of this process.

    For the start of a command or a worker process: a process-wide policy, not a stage's.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")
