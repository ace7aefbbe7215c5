"""Errors newsweave raises on purpose; each message says what went wrong and what to do next."""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base class: the CLI prints the message as one line and exits non-zero."""


class SettingsError(NewsweaveError):
    """A setting has an invalid value or an unknown name."""


class InputError(NewsweaveError):
    """One input (a file, a JSON line, stdin) cannot be read as an article."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class NoArticlesError(NewsweaveError):
    """Nothing usable was found in the inputs."""


class ModelNotInstalledError(NewsweaveError):
    """An NLP model package is missing from the environment."""
