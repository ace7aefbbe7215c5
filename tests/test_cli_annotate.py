"""Annotate once, weave many times, from the command line: files, workers, settings, kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsweave import SchemaError, read_annotations
from newsweave.config import describe_settings

from .conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.slow

NEWSWEAVE = str(Path(sys.executable).parent / "newsweave")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSWEAVE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON Lines file of real sentences: the example's paragraphs, each an article, 4 times."""
    from newsweave import read_articles

    path = tmp_path_factory.mktemp("many") / "many.jsonl"
    records = [
        {"id": f"{article.id}-{copy}-{number}", "text": f"{paragraph} (Copy {copy}.)"}
        for copy in range(4)
        for article in read_articles([EXAMPLE])
        for number, paragraph in enumerate(article.text.split("\n\n"))
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


@pytest.fixture(scope="module")
def example_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("annotations") / "story.jsonl"
    result = run("annotate", "-q", str(EXAMPLE), "-o", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_brief_from_annotations_is_the_brief_from_files(example_file: Path) -> None:
    from_files = run("brief", "-q", "--format", "json", str(EXAMPLE))
    from_annotations = run("brief", "-q", "--format", "json", "--annotations", str(example_file))
    assert from_files.returncode == from_annotations.returncode == 0, from_annotations.stderr
    assert from_annotations.stdout == from_files.stdout


def test_settings_reach_the_brief_from_annotations(example_file: Path) -> None:
    short = run(
        "brief", "-q", "--format", "json", "--annotations", str(example_file),
        "--set", "summary_words=40", "--set", "pair_threshold=0.9",
    )  # fmt: skip
    assert short.returncode == 0, short.stderr
    summary = json.loads(short.stdout)["summary"]
    assert 0 < sum(len(s["text"].split()) for s in summary) <= 40


def test_two_workers_write_the_same_bytes(many_articles: Path) -> None:
    one = run("annotate", "-q", "--workers", "1", str(many_articles))
    two = run("annotate", "-q", "--workers", "2", str(many_articles))
    assert one.returncode == two.returncode == 0, two.stderr
    assert two.stdout == one.stdout
    assert len(two.stdout.splitlines()) == 1 + 52


def test_progress_lines_when_stderr_is_not_a_terminal(many_articles: Path) -> None:
    result = run("annotate", "--workers", "1", str(many_articles), "-o", os.devnull)
    assert result.returncode == 0, result.stderr
    assert "read 52 articles" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--set", "summary_words=lots"), "invalid setting summary_words='lots' (expected an"),
        (("--set", "sumary_words=10"), "unknown setting 'sumary_words'"),
        (("--set", "summarizer=magic"), "one of concepts, centroid, lead"),
        (("--set", "embedder=bert"), "invalid setting embedder='bert'"),
        (("--set", "nothing"), "expected NAME=VALUE"),
        (("--annotations", "x.jsonl", "--published", "a=2021-01-01"), "apply to INPUTS"),
    ],
)
def test_usage_mistakes_exit_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    result = run("brief", str(EXAMPLE), *args) if args[0] == "--set" else run("brief", *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_every_setting_is_listed_and_settable() -> None:
    listed = run("settings")
    assert listed.returncode == 0
    for name, default, _help in describe_settings():
        assert f"{name} = {default}" in listed.stdout


def test_debug_goes_anywhere_on_the_line(tmp_path: Path) -> None:
    result = run("brief", "--debug", str(tmp_path / "missing.txt"))
    assert "No such option" not in result.stderr
    assert result.returncode == 1 and "no usable article" in result.stderr


def test_output_naming_an_input_is_refused_before_any_work(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Russia kept its embassy in Kabul open on Sunday, officials said.", "utf-8")
    result = run("brief", str(story), "-o", str(story))
    assert result.returncode == 2 and "refusing to overwrite the input" in result.stderr
    assert "read 1 article" not in result.stderr
    assert story.read_text("utf-8").startswith("Russia kept")
    inside = run("brief", str(tmp_path), "-o", str(story))
    assert inside.returncode == 2 and "refusing to overwrite" in inside.stderr


def test_unwritable_output_fails_before_any_work(tmp_path: Path) -> None:
    for output, message, code in [
        (tmp_path / "no" / "such" / "dir.md", "does not exist", 1),
        (tmp_path, "is a directory", 2),
    ]:
        started = time.monotonic()
        result = run("brief", str(EXAMPLE), "-o", str(output))
        assert result.returncode == code and message in result.stderr
        assert "read 2 articles" not in result.stderr
        assert time.monotonic() - started < 20


def test_a_file_from_other_models_is_refused(example_file: Path, tmp_path: Path) -> None:
    lines = example_file.read_text("utf-8").splitlines(keepends=True)
    header = json.loads(lines[0])
    header["annotator"]["spacy_model"] = "en_core_web_lg"
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(header) + "\n" + "".join(lines[1:]), "utf-8")
    result = run("brief", "--annotations", str(other))
    assert result.returncode == 1
    assert "line 1: made with other models" in result.stderr


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(line) for line in found.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(")")[-1].split()[0] == "Z")


def _start(many_articles: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [NEWSWEAVE, "annotate", "-q", "--workers", "2", str(many_articles), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )


def _wait_for_workers(process: subprocess.Popen[bytes]) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = [pid for pid in _children(process.pid) if _children(pid) == []]
        if len(workers) >= 2:
            time.sleep(1)  # the workers are loading their models, or annotating
            return workers
        time.sleep(0.2)
    raise AssertionError("no workers started")


@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_leaves_no_file_and_no_workers(
    many_articles: Path, tmp_path: Path, kill: signal.Signals
) -> None:
    output = tmp_path / "out.jsonl"
    process = _start(many_articles, "-o", str(output))
    workers = _wait_for_workers(process)
    process.send_signal(kill)
    code = process.wait(timeout=60)
    assert code == (143 if kill == signal.SIGTERM else -signal.SIGKILL)
    assert not output.exists()
    if kill == signal.SIGTERM:
        assert list(tmp_path.iterdir()) == [], "the temporary file is removed"
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers), "workers end with their parent"


def test_a_run_killed_while_writing_to_stdout_is_refused_when_read(
    many_articles: Path, tmp_path: Path
) -> None:
    # kill -9 can stop a write half way through a line longer than the pipe's buffer, so no
    # writer can promise whole lines on stdout; the reader must refuse the file, in one line.
    process = _start(many_articles)
    _wait_for_workers(process)
    process.kill()
    out, _ = process.communicate(timeout=60)
    partial = tmp_path / "partial.jsonl"
    partial.write_bytes(out)
    with pytest.raises(SchemaError, match=r"promises 52 annotations but|empty|cut short"):
        read_annotations(partial)
