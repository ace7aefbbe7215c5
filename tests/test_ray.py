"""The Ray runner: the same annotations and store as the local runner, and a killed worker retried.

Each test starts a local Ray (two CPUs) through the runner and stops it; all skip when the `ray`
extra is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from newsweave import Article, Models, Settings
from newsweave.corpus.files import annotation_line
from newsweave.corpus.runners import LocalRunner, make_runner
from newsweave.errors import UsageError

from .conftest import run_newsweave

pytestmark = pytest.mark.slow


def test_the_runner_is_chosen_by_name() -> None:
    assert isinstance(make_runner("local", 2), LocalRunner)
    with pytest.raises(UsageError, match="--address is for --runner ray"):
        make_runner("local", 2, "auto")


def test_ray_missing_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )
    with pytest.raises(UsageError, match=r"pip install 'newsweave\[ray\]'"):
        make_runner("ray", 2)


def _short_articles(count: int) -> list[Article]:
    towns = ["Port Elm", "Ashford", "Belmont", "Carrow", "Dunmore", "Eastwick"]
    return [
        Article(
            f"short-{n}",
            f"A bridge in {towns[n % len(towns)]} was closed on Monday after inspectors found "
            f'{n + 3} cracks, the council said. "We will reopen it when it is safe," mayor Ann '
            f"Lee said. Repairs are expected to cost {n + 1} million dollars.",
            title=f"Bridge {n} closed",
            published="2024-03-04",
        )
        for n in range(count)
    ]


def _actor_processes() -> list[int]:
    """Process ids of Ray's annotating actors (their process title names the map stage)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"MapBatches(Annotator)" in title and b"ray::" in title:
            found.append(int(entry.name))
    return found


def test_a_killed_worker_is_retried_and_every_article_comes_back_once(models: Models) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    from newsweave.corpus.ray_runner import RayRunner

    articles = _short_articles(40)
    settings = Settings()
    expected = [annotation_line(a) for a in LocalRunner(1).annotate(articles, models, settings)]
    killed: list[int] = []

    def kill_one_actor_once_results_flow() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not killed:
            actors = _actor_processes()
            if actors and len(got) >= 4:
                os.kill(actors[0], signal.SIGKILL)
                killed.append(actors[0])
                return
            time.sleep(0.05)

    got: list[str] = []
    killer = threading.Thread(target=kill_one_actor_once_results_flow, daemon=True)
    killer.start()
    for annotation in RayRunner(2).annotate(articles, models, settings):
        got.append(annotation_line(annotation))
        time.sleep(0.05)  # a slow consumer, so that the kill lands mid-run
    killer.join(timeout=10)
    assert killed, "no actor was killed: the test did not test a fault"
    assert got == expected


def _store_contents(path: Path) -> dict[str, Any]:
    with sqlite3.connect(path) as db:
        return {
            "annotations": db.execute(
                "SELECT article_id, annotator, data, embeddings FROM annotations "
                "ORDER BY article_id"
            ).fetchall(),
            "articles": db.execute(
                "SELECT id, text_hash, data FROM articles ORDER BY number"
            ).fetchall(),
            "stories": db.execute(
                "SELECT story_id, article_id FROM story_articles ORDER BY story_id, article_id"
            ).fetchall(),
        }


@pytest.mark.eval
def test_add_on_ray_gives_the_local_store_on_200_real_articles(
    tmp_path: Path, eval_dir: Path
) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    rows = [
        json.loads(line)
        for line in (eval_dir / "clustering" / "allsides_dev.jsonl").read_text("utf-8").splitlines()
    ][:200]
    dump = tmp_path / "allsides-200.jsonl"
    keys = ("id", "text", "title", "outlet", "published", "url")
    dump.write_text("".join(json.dumps({k: r[k] for k in keys if r.get(k)}) + "\n" for r in rows))
    local, on_ray = tmp_path / "local.db", tmp_path / "ray.db"
    run_newsweave("add", str(dump), "--db", str(local), "--workers", "2", "-q")
    run_newsweave("add", str(dump), "--db", str(on_ray), "--runner", "ray", "--workers", "2", "-q")
    mine, theirs = _store_contents(local), _store_contents(on_ray)
    assert len(mine["annotations"]) == 200
    assert mine == theirs
    sizes = Counter(story for story, _article in mine["stories"])
    story = max(sorted(sizes), key=sizes.__getitem__)
    briefs = [
        run_newsweave("brief", "--story", story, "--db", str(path), "--format", "json", "-q").stdout
        for path in (local, on_ray)
    ]
    assert briefs[0] == briefs[1]


def test_inputs_read_on_ray_in_parts_are_the_inputs_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    from newsweave.corpus.ray_runner import RayRunner
    from newsweave.read.parts import split_source
    from newsweave.read.sources import find_sources

    from .test_parts import STORY, TOWNS, _pages, _warc

    folder = tmp_path / "inputs"
    folder.mkdir()
    lines = [
        json.dumps({"id": f"j{n}", "text": STORY.format(town=TOWNS[n % 8], n=n + 2)})
        for n in range(30)
    ]
    lines[7] = '{"id": "cut'  # a bad record: reported and skipped, the others read
    (folder / "dump.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "crawl.warc.gz").write_bytes(_warc(_pages(12)))
    (folder / "note.txt").write_text(STORY.format(town="Oslo", n=40))
    (folder / "empty.html").write_text("")
    (folder / "copy.txt").write_text(STORY.format(town="Oslo", n=40))  # same text: one source
    settings = Settings()
    runner = RayRunner(2, part_bytes=1500)
    here: list[str] = []
    there: list[str] = []
    with runner.session():
        # A path relative to where the user is, not where Ray's workers started.
        monkeypatch.chdir(tmp_path)
        expected = LocalRunner(1).read(["inputs"], settings, lambda p: here.append(str(p)))
        got = runner.read(["inputs"], settings, lambda p: there.append(str(p)))
    assert got == expected and len(got) == 29 + 12 + 1
    # The JSON Lines file and the archive were read in several parts each.
    sources = list(find_sources([folder], lambda _p: None))
    assert sum(len(split_source(source, 1500)) for source in sources) >= len(sources) + 4
    assert there == here
    assert any("dump.jsonl line 8: not valid JSON" in line for line in there)


def test_the_embedding_pool_embeds_many_articles_at_once_to_the_same_annotations(
    models: Models,
) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    import numpy as np

    from newsweave.corpus.ray_runner import RayRunner
    from newsweave.errors import NewsweaveError

    articles = _short_articles(12)
    settings = Settings()
    expected = list(LocalRunner(1).annotate(articles, models, settings))
    # On CPUs (no GPU here): 1 parsing actor, 1 embedding actor taking all 12 articles' 36
    # sentences in one pass, as a GPU actor would.
    on_cpu = RayRunner(1, embed_actors=1, embed_gpus=0)
    with on_cpu.session():
        got = list(on_cpu.annotate(articles, models, settings))
        with pytest.raises(NewsweaveError, match=r"need 1 GPU\(s\); the Ray cluster has 0"):
            list(RayRunner(1, embed_actors=1).annotate(articles, models, settings))
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        # Everything but the embeddings is the same; those differ in the last bits only, as
        # the sentences share padded batches with other articles' sentences.
        assert (mine.article, mine.sentences, mine.entities, mine.quotes, mine.times) == (
            theirs.article,
            theirs.sentences,
            theirs.entities,
            theirs.quotes,
            theirs.times,
        )
        assert (mine.roles, mine.interactions) == (theirs.roles, theirs.interactions)
        np.testing.assert_allclose(mine.vectors.to_array(), theirs.vectors.to_array(), atol=1e-5)


def test_small_inputs_share_a_reading_task_and_big_parts_have_their_own(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    from newsweave.corpus.ray_runner import _groups
    from newsweave.read.parts import Part
    from newsweave.read.sources import Source

    pages = []
    for n in range(40):
        page = tmp_path / f"p{n:02d}.html"
        page.write_bytes(b"x" * 1000)
        pages.append(Part(Source(page.name, page, "html")))
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(b"y" * 90_000)
    big = [
        Part(Source("dump.jsonl", dump, "jsonl"), n * 30_000, n * 30_000 + 30_000)
        for n in (0, 1, 2)
    ]
    groups = _groups([*pages[:20], *big, *pages[20:]], part_bytes=30_000, cores=2)
    assert [part for group in groups for part in group] == [*pages[:20], *big, *pages[20:]]
    assert all(len(group) == 1 for group in groups if group[0] in big)
    # 130 KB over 2 cores: groups of at most 130 KB / 8, i.e. 16 pages of 1 KB.
    assert max(len(group) for group in groups) == 16
    assert _groups(pages, part_bytes=30_000, cores=64) == [[page] for page in pages]


def test_add_on_ray_says_only_what_newsweave_says(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    dump = tmp_path / "three.jsonl"
    dump.write_text(
        "".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in _short_articles(3))
    )
    result = run_newsweave("add", str(dump), "--db", str(tmp_path / "s.db"), "--runner", "ray")
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("newsweave: ") for line in lines), lines
    assert "3 added" in lines[-1]


def test_a_cluster_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    dump = tmp_path / "one.jsonl"
    dump.write_text(json.dumps({"id": "a", "text": _short_articles(1)[0].text}) + "\n")
    command = [str(Path(sys.executable).parent / "newsweave"), "add", str(dump), "-q"]
    for address, says in (
        ("127.0.0.1:1", "cannot reach the Ray cluster at 127.0.0.1:1"),
        ("auto", "cannot start or reach the Ray cluster at auto"),
    ):
        result = subprocess.run(
            [*command, "--db", str(tmp_path / "s.db"), "--runner", "ray", "--address", address],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1
        assert len(lines) == 1 and lines[0].startswith(f"newsweave: error: {says}"), lines


def test_a_ray_failure_is_told_by_its_innermost_cause() -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    from newsweave.corpus.ray_runner import _cause
    from newsweave.errors import NewsweaveError

    class WrappedError(Exception):
        def __init__(self, message: str, cause: BaseException) -> None:
            super().__init__(message)
            self.cause = cause

    inner = NewsweaveError("spaCy model en_core_web_sm is not installed")
    outer = WrappedError(
        "\x1b[31mRayTaskError(UserCodeException)\x1b[0m\nTraceback ...", WrappedError("x", inner)
    )
    assert _cause(outer) == "spaCy model en_core_web_sm is not installed"
    assert _cause(WrappedError("\x1b[31mboom\x1b[0m\nmore", ValueError())) == "ValueError"
    assert _cause(RuntimeError("\x1b[31mplain\x1b[0m\nlines")) == "plain"


def test_a_bracketed_ipv6_address_is_reached() -> None:
    import socket

    pytest.importorskip("ray", reason="the ray extra is not installed")
    from newsweave.corpus.ray_runner import _check_reachable

    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    with socket.socket(socket.AF_INET6) as server:
        try:
            server.bind(("::1", 0))
        except OSError:
            pytest.skip("no IPv6 loopback here")
        server.listen()
        _check_reachable(f"[::1]:{server.getsockname()[1]}")
