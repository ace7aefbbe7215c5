"""Inputs cut into parts (read/parts.py) read to exactly what reading them whole gives."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import pickle
from collections.abc import Sequence
from pathlib import Path

import pytest

from newsweave.config import Settings
from newsweave.errors import InputError, NoArticlesError
from newsweave.read.ingest import PartRead, read_articles, read_part
from newsweave.read.parts import Part, split_source
from newsweave.read.sources import Source, find_sources

STORY = (
    "The harbour authority of {town} said on Tuesday that the {n} cranes on the north quay "
    "would stay closed until inspectors finish their report. Dock workers said the delay "
    "costs them a week of wages. The mayor of {town} promised an answer within {n} days."
)
TOWNS = ["Bergen", "Malmo", "Gdansk", "Riga", "Tallinn", "Turku", "Aarhus", "Kiel"]


def _read_both(path: Path, part_bytes: int) -> tuple[list[object], list[str], list[object]]:
    """Articles and messages read whole, and read in parts (also the parts themselves)."""
    whole_notes: list[InputError] = []
    whole = read_articles([path], on_problem=whole_notes.append)
    part_notes: list[InputError] = []
    parted = read_articles([path], on_problem=part_notes.append, part_bytes=part_bytes)
    assert parted == whole
    assert [str(n) for n in part_notes] == [str(n) for n in whole_notes]
    assert [n.skipped for n in part_notes] == [n.skipped for n in whole_notes]
    (source,) = find_sources([path], lambda p: None)
    return list(whole), [str(n) for n in whole_notes], list(split_source(source, part_bytes))


def _assert_cover(parts: list[Part], path: Path) -> None:
    """Parts follow each other without gap or overlap, from the start to the end of the file."""
    assert parts[0].start == 0 and parts[-1].end is None
    for before, after in itertools.pairwise(parts):
        assert before.end == after.start and after.first > before.first
    assert all(part.end is None or part.end < path.stat().st_size for part in parts)


def test_a_json_lines_file_in_parts_reads_as_it_does_whole(tmp_path: Path) -> None:
    lines = []
    for n in range(40):
        town = TOWNS[n % len(TOWNS)]
        lines.append(json.dumps({"id": f"a{n}", "text": STORY.format(town=town, n=n + 2)}))
        if n % 9 == 4:
            lines.append("")  # blank lines are skipped, never a record
        if n % 13 == 6:
            lines.append('{"id": "broken", "text": "cut')  # a bad line, reported by number
        if n % 17 == 8:
            lines.append(json.dumps({"id": "empty", "text": "  "}))
    lines.append(json.dumps({"id": "a3", "text": STORY.format(town="Oslo", n=99)}))  # repeat id
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n\n\n").encode())

    articles, notes, parts = _read_both(path, part_bytes=1200)
    assert len(parts) >= 5
    _assert_cover(parts, path)
    assert len(articles) == 40
    assert any("line 9: not valid JSON" in note for note in notes)
    assert any("article a3 repeats" in note for note in notes)


def _warc(pages: list[tuple[str, str, bytes]], *, chunked: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=chunked)
    for url, content_type, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
        )
    return out.getvalue()


def _pages(count: int) -> list[tuple[str, str, bytes]]:
    pages = []
    for n in range(count):
        story = STORY.format(town=TOWNS[n % len(TOWNS)], n=n + 2)
        html = f"<html><head><title>Quay {n}</title></head><body><article><h1>Quay {n}</h1>"
        html += "".join(f"<p>{sentence}.</p>" for sentence in story.split(". "))
        pages.append((f"https://port.example/{n}", "text/html; charset=utf-8", html.encode()))
        if n % 3 == 1:
            pages.append((f"https://port.example/{n}.png", "image/png", b"\x89PNG" + bytes(300)))
    return pages


def test_a_warc_archive_in_parts_reads_as_it_does_whole(tmp_path: Path) -> None:
    for name, chunked in (("crawl.warc.gz", True), ("crawl.warc", False)):
        path = tmp_path / name
        path.write_bytes(_warc(_pages(16), chunked=chunked))
        articles, notes, parts = _read_both(path, part_bytes=2000)
        assert len(parts) >= 4, name
        _assert_cover(parts, path)
        assert len(articles) == 16
        # The records skipped are summed up once for the whole archive, not once per part.
        assert notes == [f"{path}: skipped records that are not HTML pages: 5 image/png responses"]


def test_a_truncated_archive_in_parts_keeps_its_pages_and_says_where_it_ends(
    tmp_path: Path,
) -> None:
    whole = _warc(_pages(12), chunked=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(whole[: len(whole) - 300])
    articles, notes, parts = _read_both(path, part_bytes=2000)
    assert len(parts) >= 3 and len(articles) == 11
    # The page cut in half is the archive's 16th record, named so whether read whole or not.
    assert notes[0] == f"{path} record 16: no article text found in the HTML"


def test_an_archive_gzipped_whole_is_not_cut(tmp_path: Path) -> None:
    # One gzip stream over all records cannot be entered at a record: read whole, as before.
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(_warc(_pages(8), chunked=False)))
    (source,) = find_sources([path], lambda p: None)
    assert split_source(source, 500) == [Part(source)]


def test_small_files_and_other_kinds_are_one_part(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>" + "Words. " * 5000 + "</p></body></html>")
    small = tmp_path / "small.jsonl"
    small.write_text(json.dumps({"text": STORY.format(town="Kiel", n=3)}) + "\n")
    # A page is one article; a JSON Lines file of one line has no line to cut before.
    for path in (page, small):
        (source,) = find_sources([path], lambda p: None)
        assert split_source(source, 100) == [Part(source)]


def test_a_part_read_travels_whole_between_processes(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(
        json.dumps({"id": "x", "text": STORY.format(town="Riga", n=4), "published": "soon"})
        + "\n{broken\n"
    )
    read = read_part(Part(Source(str(path), path, "jsonl")), Settings())
    again = pickle.loads(pickle.dumps(read))
    assert (again.part, again.articles, again.fatal, again.archive) == (
        read.part,
        read.articles,
        read.fatal,
        read.archive,
    )
    assert [(p.source, p.problem, p.skipped) for p in again.problems] == [
        (p.source, p.problem, p.skipped) for p in read.problems
    ]
    assert [p.skipped for p in again.problems] == [False, True]


def test_parts_of_only_unicode_blank_lines_lose_nothing(tmp_path: Path) -> None:
    # Lines of no-break spaces are blank to the reader; a part must not be made of them alone.
    record = json.dumps({"id": "a", "text": STORY.format(town="Riga", n=3)})
    other = json.dumps({"id": "b", "text": STORY.format(town="Kiel", n=5)})
    path = tmp_path / "spaced.jsonl"
    path.write_text(record + "\n" + "\u00a0\u2028\n" * 400 + other + "\n", "utf-8")
    articles, notes, parts = _read_both(path, part_bytes=100)
    assert [a.id for a in articles] == ["a", "b"]  # type: ignore[attr-defined]
    assert not notes and len(parts) == 2


def test_a_file_changed_after_it_was_cut_is_refused_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [json.dumps({"id": f"a{n}", "text": STORY.format(town="Turku", n=n)}) for n in range(9)]
    path.write_text("\n".join(lines) + "\n")

    def rewrite_then_read(parts: Sequence[Part]) -> list[PartRead]:
        path.write_text("\n".join(reversed(lines[2:])) + "\n")  # regenerated meanwhile
        return [read_part(part, Settings()) for part in parts]

    notes: list[InputError] = []
    with pytest.raises(NoArticlesError):
        read_articles([path], on_problem=notes.append, reader=rewrite_then_read, part_bytes=600)
    assert [n.problem for n in notes] == ["changed while being read in parts; read it again"]


def test_problems_are_told_in_input_order(tmp_path: Path) -> None:
    good = json.dumps({"text": STORY.format(town="Riga", n=3)})
    (tmp_path / "a.jsonl").write_text(good + "\n{bad\n")
    (tmp_path / "b.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "c.jsonl").write_text(
        "{bad\n" + json.dumps({"text": STORY.format(town="Oslo", n=4)})
    )
    notes: list[InputError] = []
    read_articles([tmp_path], on_problem=notes.append)
    assert [Path(n.source).name.split(" ")[0] for n in notes] == ["a.jsonl", "b.docx", "c.jsonl"]
