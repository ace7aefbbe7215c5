"""The store's commands end to end: add, stories, brief --story, search, show; kill -9 mid-add."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "newsweave"), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _json(*args: str) -> Any:
    return json.loads(_run(*args, "--format", "json").stdout)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, example_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("store") / "news.db"
    _run("add", str(example_dir), "--db", str(path), "-q")
    return path


def test_the_example_becomes_one_story_of_two_outlets(store: Path) -> None:
    (story,) = _json("stories", "--db", str(store))
    assert len(story["articles"]) == 2 and story["sources"] == 2
    assert story["first_seen"] == story["last_seen"] == "2021-08-21"  # the undated one adds none
    assert _json("stories", "--db", str(store), "--min-sources", "3") == []


def test_adding_again_stores_nothing_twice(store: Path, example_dir: Path) -> None:
    result = _run("add", str(example_dir), "--db", str(store))
    assert "0 added, 0 revised, 2 already stored" in result.stderr
    assert len(_json("stories", "--db", str(store))[0]["articles"]) == 2


def test_the_stored_brief_is_the_brief_of_the_files(store: Path, example_dir: Path) -> None:
    (story,) = _json("stories", "--db", str(store))
    stored = _json("brief", "--story", story["id"], "--db", str(store))
    direct = json.loads(_run("brief", str(example_dir), "--format", "json", "-q").stdout)
    assert stored["summary"] == direct["summary"] and stored["claims"] == direct["claims"]
    again = _run("brief", "--story", story["id"], "--db", str(store), "--format", "json")
    assert json.loads(again.stdout) == stored  # from the cache
    rows = sqlite3.connect(store).execute("SELECT count(*) FROM briefs").fetchone()[0]
    assert rows == 1


def test_search_finds_words_with_their_story_and_reads_any_text(store: Path) -> None:
    hits = _json("search", "embassy guarded", "--db", str(store))
    assert hits and all(hit["story"] for hit in hits)
    assert "[embassy]" in hits[0]["snippet"].lower() or "[guarded]" in hits[0]["snippet"]
    assert _json("search", 'NEAR( "x" OR ) *', "--db", str(store)) == []


def test_show_gives_text_metadata_and_removed_lines(store: Path) -> None:
    (story,) = _json("stories", "--db", str(store))
    shown = _json("show", story["articles"][0][:8], "--db", str(store))
    assert shown["story"] == story["id"] and shown["text"] and shown["removed_lines"]
    missing = _run("show", "nope", "--db", str(store), check=False)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1


def test_a_changed_page_is_a_revision_of_its_article(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    text = "The council approved the budget for the new bridge on Monday after a long debate."
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"url": "https://x.example/1", "text": text}) + "\n")
    second = tmp_path / "b.jsonl"
    changed = text + " The vote was 7 to 2, the mayor said in a statement."
    second.write_text(json.dumps({"url": "https://x.example/1", "text": changed}) + "\n")
    _run("add", str(first), "--db", db, "-q")
    result = _run("add", str(second), "--db", db)
    assert "0 added, 1 revised" in result.stderr
    (story,) = _json("stories", "--db", db)
    shown = _json("show", story["articles"][0], "--db", db)
    assert shown["revision"] == 2 and shown["text"] == changed


def test_bad_stores_get_one_line_and_stay_unharmed(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    foreign.write_text("my notes, not a database\n" * 40)
    for command in (("stories",), ("search", "x"), ("add", "-")):
        result = _run(*command, "--db", str(foreign), check=False)
        assert result.returncode != 0 and "not a newsweave store" in result.stderr
        assert "Traceback" not in result.stderr
    assert foreign.read_text().startswith("my notes")
    missing = _run("stories", "--db", str(tmp_path / "none.db"), check=False)
    assert missing.returncode == 1 and "no store here" in missing.stderr


def _articles(example_dir: Path) -> list[dict[str, str]]:
    """Many short articles of real text: pairs of the example's lines, each pair once."""
    lines = [
        line.strip()
        for path in sorted(example_dir.iterdir())
        for line in path.read_text("utf-8").splitlines()
        if len(line.split()) >= 12
    ]
    return [
        {"id": f"a{n}-{k}", "text": f"{lines[n]}\n\n{lines[(n + k) % len(lines)]}"}
        for k in (1, 2, 3)
        for n in range(len(lines))
    ]


def test_an_add_killed_mid_run_leaves_a_consistent_store_and_resumes(
    tmp_path: Path, example_dir: Path
) -> None:
    records = _articles(example_dir)
    assert len(records) >= 60
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records))
    db = tmp_path / "k.db"
    command = [str(Path(sys.executable).parent / "newsweave"), "add", str(dump), "--db", str(db)]
    process = subprocess.Popen([*command, "--workers", "1", "-q"], stderr=subprocess.PIPE)
    stored = 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        try:
            stored = (
                sqlite3.connect(db, timeout=1)
                .execute("SELECT count(*) FROM articles")
                .fetchone()[0]
            )
        except sqlite3.Error:
            continue
        if stored >= 3:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 3 <= stored < len(records), "the add ended before it could be killed"
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    complete = connection.execute(
        "SELECT count(*) FROM articles a JOIN annotations n ON n.article_id = a.id "
        "JOIN story_articles m ON m.article_id = a.id"
    ).fetchone()[0]
    assert articles == complete  # every stored article has its annotation and its story
    connection.close()
    _run("add", str(dump), "--db", str(db), "-q")
    uninterrupted = tmp_path / "whole.db"
    _run("add", str(dump), "--db", str(uninterrupted), "-q")

    def contents(path: Path) -> tuple[list[str], int]:
        connection = sqlite3.connect(path)
        ids = sorted(row[0] for row in connection.execute("SELECT id FROM articles"))
        members = connection.execute("SELECT sum(articles) FROM stories WHERE merged_into IS NULL")
        return ids, members.fetchone()[0]

    ids, members = contents(db)
    assert (ids, members) == contents(uninterrupted)  # every article once, none lost
    assert members == len(ids) > 30


def test_two_adds_at_once_both_complete(tmp_path: Path, example_dir: Path) -> None:
    records = _articles(example_dir)
    half = len(records) // 2
    dumps = []
    for name, part in (("one", records[:half]), ("two", records[half:])):
        dump = tmp_path / f"{name}.jsonl"
        dump.write_text("".join(json.dumps(r) + "\n" for r in part))
        dumps.append(dump)
    db = tmp_path / "both.db"
    newsweave = str(Path(sys.executable).parent / "newsweave")
    running = [
        subprocess.Popen(
            [newsweave, "add", str(dump), "--db", str(db), "--workers", "1", "-q"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for dump in dumps
    ]
    for process in running:
        _out, errors = process.communicate(timeout=600)
        assert process.returncode == 0, errors
    together = tmp_path / "together.jsonl"
    together.write_text("".join(d.read_text() for d in dumps))
    _run("add", str(together), "--db", str(tmp_path / "one-run.db"), "-q")

    def texts(path: Path) -> list[str]:
        connection = sqlite3.connect(path)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return sorted(row[0] for row in connection.execute("SELECT text_hash FROM articles"))

    # Every text once (which of two ids of one text is kept depends on who came first).
    assert texts(db) == texts(tmp_path / "one-run.db")


@pytest.mark.eval
def test_real_feeds_become_stored_articles_and_stories(tmp_path: Path, eval_dir: Path) -> None:
    feeds = [
        eval_dir / "feeds" / name
        for name in (
            "rssparser__guardian.rss",
            "feedjira__TechCrunch.xml",
            "nodefeedparser__tpm.atom",
        )
    ]
    db = str(tmp_path / "feeds.db")
    result = _run("add", *map(str, feeds), "--db", db)
    assert "whitespace before the XML declaration" in result.stderr  # TechCrunch's quirk
    connection = sqlite3.connect(db)
    partial, full = connection.execute(
        "SELECT sum(partial), sum(1 - partial) FROM articles"
    ).fetchone()
    assert partial >= 50 and full >= 15  # Guardian teasers; TechCrunch full text
    outlets = {row[0] for row in connection.execute("SELECT name FROM outlets")}
    assert {"The Guardian", "TechCrunch"} <= outlets
    assert _json("stories", "--db", db)
    hits = _json("search", "Trump", "--db", db)
    assert hits and all(hit["story"] for hit in hits)


def test_a_web_archive_adds_its_pages_with_their_urls_and_capture_dates(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = (
        b"<html><head><title>Bridge reopens after repairs</title></head><body><article>"
        b"<p>The old bridge over the river reopened on Monday after two years of repairs, the "
        b"city council said, and traffic returned within the hour.</p><p>Engineers replaced the "
        b"steel deck and strengthened the piers, which had been damaged in the 2019 floods.</p>"
        b"</article></body></html>"
    )
    archive = tmp_path / "crawl.warc.gz"
    with archive.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, kind, body in (
            ("https://news.example/bridge", "text/html; charset=utf-8", page),
            ("https://news.example/logo.png", "image/png", b"\x89PNG\r\n"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2021-08-16T10:00:00Z"},
            )
            writer.write_record(record)
    db = str(tmp_path / "warc.db")
    result = _run("add", str(archive), "--db", db)
    assert "1 image/png responses" in result.stderr
    (story,) = _json("stories", "--db", db)
    shown = _json("show", story["articles"][0], "--db", db)
    assert shown["url"] == "https://news.example/bridge"
    assert shown["published"].startswith("2021-08-16")
    assert "steel deck" in shown["text"]
