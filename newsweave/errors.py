"""Errors newsweave raises on purpose; each message says what went wrong and what to do next."""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base class: the CLI prints the message as one line and exits non-zero."""


class SettingsError(NewsweaveError):
    """A setting has an invalid value or an unknown name."""


class UsageError(NewsweaveError):
    """A command-line value is malformed (`--published`, `--set`, mutually exclusive options)."""


class InputError(NewsweaveError):
    """One input (a file, a JSON line, stdin) cannot be read as an article.

    `skipped` is False for a problem with part of an input that is still read (a date that is
    not a date, left unknown): a note, not a skip.
    """

    def __init__(self, source: str, problem: str, *, skipped: bool = True) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
        self.skipped = skipped

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str], dict[str, bool]]:
        # Pickled with its fields (the default would call __init__ with the message alone), so
        # problems found by a worker elsewhere (the Ray runner's readers) come back whole.
        return (type(self), (self.source, self.problem), {"skipped": self.skipped})


class NoArticlesError(NewsweaveError):
    """Nothing usable was found in the inputs."""


class ModelNotInstalledError(NewsweaveError):
    """An NLP model package is missing from the environment."""


class SchemaError(NewsweaveError):
    """Stored data (an annotations file, a brief's JSON) is not in the form this version reads."""
