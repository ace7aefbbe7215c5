"""Annotation files: JSON Lines with a header line, written by `annotate` and read by `brief`.

Line 1 is the header: `{"newsweave": "annotations", "schema": N, "annotator": {...},
"articles": K}`, saying which version of the JSON forms follows, which models made the
annotations (spaCy model and embedder, with versions), and how many annotation lines follow.
Each further line is one Annotation in its JSON form (models.py), embeddings as base64 float32.

Reading refuses, with one line naming the file and line, anything that would give a wrong brief:
no header, a newer or older schema, other models than the reader's, a line cut short, fewer or
more lines than the header says (a run killed half way), and spans that do not resolve in their
article's text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from newsweave.errors import SchemaError
from newsweave.models import SCHEMA_VERSION, Annotation

FORMAT_NAME = "annotations"


def annotations_header(annotator: Mapping[str, str], articles: int) -> str:
    """The header line (with its newline) of an annotations file of `articles` annotations.

    Args:
        annotator: What made them (`Models.annotator()`).
        articles: How many annotation lines follow.
    """
    header = {
        "newsweave": FORMAT_NAME,
        "schema": SCHEMA_VERSION,
        "annotator": dict(annotator),
        "articles": articles,
    }
    return json.dumps(header, ensure_ascii=False) + "\n"


def annotation_line(annotation: Annotation) -> str:
    """One annotation as a JSON line, with its newline; the same bytes for the same annotation."""
    return json.dumps(annotation.to_dict(), ensure_ascii=False) + "\n"


def read_annotations(
    path: Path | str, annotator: Mapping[str, str] | None = None
) -> list[Annotation]:
    """Read an annotations file, checking it whole before anything is woven from it.

    Args:
        path: The file, or "-" for standard input.
        annotator: The reader's models (`Models.annotator()`); when given, annotations made
            with other models are refused.

    Returns:
        The annotations, in file order.

    Raises:
        SchemaError: When the file is not a complete annotations file of this schema (and of
            these models), naming the line.
    """
    label = "<stdin>" if str(path) == "-" else str(path)
    if str(path) == "-":
        import sys

        return _read_stream(sys.stdin, label, annotator)
    try:
        with Path(path).open(encoding="utf-8") as stream:
            return _read_stream(stream, label, annotator)
    except UnicodeDecodeError:
        raise SchemaError(f"{label}: not UTF-8 text, so not an annotations file") from None
    except OSError as error:
        raise SchemaError(f"{label}: cannot read ({error.strerror or error})") from None


def _read_stream(
    stream: IO[str], label: str, annotator: Mapping[str, str] | None
) -> list[Annotation]:
    lines = _numbered_lines(stream)
    first = next(lines, None)
    if first is None:
        raise SchemaError(f"{label}: empty, not an annotations file")
    expected = _check_header(_parse(first, label), label, annotator)
    annotations: list[Annotation] = []
    ids: set[str] = set()
    for number, line in lines:
        where = f"{label} line {number}"
        annotation = Annotation.from_dict(_parse((number, line), label), where)
        if annotation.article.id in ids:
            raise SchemaError(f"{where}: article {annotation.article.id} appears twice")
        ids.add(annotation.article.id)
        annotations.append(annotation)
    if len(annotations) != expected:
        raise SchemaError(
            f"{label}: the header promises {expected} annotations but {len(annotations)} "
            "follow (a run cut short?); annotate again"
        )
    return annotations


def _numbered_lines(stream: IO[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, line


def _parse(numbered: tuple[int, str], label: str) -> Any:
    number, line = numbered
    where = f"{label} line {number}"
    if not line.endswith("\n"):
        # Every line is written whole with its newline: one without is a line cut short.
        raise SchemaError(f"{where}: the line is cut short (a run killed half way?)")
    try:
        return json.loads(line)
    except (ValueError, RecursionError) as error:
        raise SchemaError(f"{where}: not valid JSON ({str(error).split(':')[0]})") from None


def _check_header(header: Any, label: str, annotator: Mapping[str, str] | None) -> int:
    """Check the header line; returns how many annotations it promises."""
    where = f"{label} line 1"
    if not isinstance(header, dict) or header.get("newsweave") != FORMAT_NAME:
        raise SchemaError(
            f"{where}: not a newsweave annotations file (no header line; files from before "
            f"schema {SCHEMA_VERSION} must be annotated again)"
        )
    schema = header.get("schema")
    if schema != SCHEMA_VERSION:
        newer = isinstance(schema, int) and schema > SCHEMA_VERSION
        advice = "upgrade newsweave to read it" if newer else "annotate the articles again"
        raise SchemaError(
            f"{where}: schema {schema!r}, but this newsweave reads schema {SCHEMA_VERSION}; "
            f"{advice}"
        )
    count = header.get("articles")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise SchemaError(f"{where}: the header has no article count")
    made_with = header.get("annotator")
    if annotator is not None and made_with != dict(annotator):
        raise SchemaError(
            f"{where}: made with other models ({_describe(made_with)}) than these settings use "
            f"({_describe(annotator)}); annotate again, or --set the same models"
        )
    return count


def _describe(annotator: Any) -> str:
    if not isinstance(annotator, Mapping):
        return "unknown"
    return ", ".join(f"{key} {value}" for key, value in annotator.items())
