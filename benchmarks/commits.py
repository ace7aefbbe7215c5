"""Another commit of this repository, checked out beside this one to measure it as a baseline."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def checkout(commit: str) -> Iterator[Path]:
    """A temporary git worktree of `commit`, removed afterwards.

    Its code runs on this checkout's environment with PYTHONPATH set to the worktree, so only
    the package's code differs between the two measurements.
    """
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), commit],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            yield tree
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
            )
