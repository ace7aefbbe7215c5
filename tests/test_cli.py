"""The command line: formats, -o, -q, annotate, and one-line errors with non-zero exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import main

from .conftest import EXAMPLE, ROOT

STORY = (
    "The Kremlin appears to be willing to engage with the Taliban in order to secure its "
    "interests. Since the group took over Kabul, Moscow has cautiously reached out for talks."
)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry point, in a new process, as a user runs it."""
    command = [str(Path(sys.executable).parent / "newsweave"), *args]
    return subprocess.run(
        command,
        input=stdin or "",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


@pytest.mark.slow
def test_brief_markdown_from_a_new_process() -> None:
    result = run("brief", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Russia is already tentatively cozying up to the Taliban")
    assert "## Summary" in result.stdout and "## Sources" in result.stdout
    assert "[1][2]" in result.stdout
    assert "1. **Russia is already" in result.stdout and "2. **(untitled)**" in result.stdout
    assert "read 2 articles" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_brief_json_to_file_and_quiet(tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    result = CliRunner().invoke(
        main, ["brief", str(EXAMPLE), "--format", "json", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""  # nothing on stdout or stderr
    brief = json.loads(out.read_text("utf-8"))
    assert len(brief["articles"]) == 2 and brief["summary"]


@pytest.mark.slow
def test_brief_html_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    result = CliRunner().invoke(
        main, ["brief", "--words", "100", "--format", "html", "-o", str(out), str(EXAMPLE)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert page.startswith("<!doctype html>") and "<style>" in page
    head = page.split("<body>")[0]
    assert "<script" not in page and "src=" not in page
    assert "http://" not in head and "https://" not in head, "nothing is fetched"
    assert 'http-equiv="Content-Security-Policy"' in head
    assert '<a class="cite" href="#span-' in page and '<mark id="span-' in page


@pytest.mark.slow
def test_words_and_bytes_budgets() -> None:
    result = CliRunner().invoke(
        main, ["brief", "-q", "--format", "json", "--bytes", "300", str(EXAMPLE)]
    )
    summary = json.loads(result.output)["summary"]
    assert len(" ".join(s["text"] for s in summary).encode()) <= 300


@pytest.mark.slow
def test_annotate_writes_one_line_per_article() -> None:
    result = CliRunner().invoke(main, ["annotate", "-q", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    header, *lines = [json.loads(line) for line in result.output.splitlines()]
    assert header["newsweave"] == "annotations" and header["articles"] == len(lines) == 2
    for line in lines:
        assert {"id", "title", "text", "removed_lines"} <= set(line["article"])
        assert {"sentences", "entities", "vectors", "quotes", "times"} <= set(line)
        for item in line["sentences"] + line["entities"]:
            span = item["span"]
            assert line["article"]["text"][span["start"] : span["end"]] == span["text"]
        assert all("label" in entity for entity in line["entities"])


@pytest.mark.slow
def test_stdin_dash() -> None:
    result = CliRunner().invoke(main, ["brief", "-q", "-"], input=STORY)
    assert result.exit_code == 0, result.output
    assert "The Kremlin appears" in result.output


@pytest.mark.slow
def test_one_bad_file_is_reported_and_the_rest_used(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    result = run("brief", "-q", str(tmp_path / "bad.txt"), str(EXAMPLE))
    assert result.returncode == 0
    assert (
        result.stderr.strip()
        == f"newsweave: skipped {tmp_path / 'bad.txt'}: looks like a binary file, not text"
    )
    assert result.stdout.startswith("# Russia")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["brief", "missing.txt"], "missing.txt: no such file or directory"),
        (["brief", "--words", "0", "x"], "Invalid value for '--words'"),
        (["brief", "--format", "pdf", "x"], "Invalid value for '--format'"),
    ],
)
def test_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_nothing_usable_exits_1(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", "utf-8")
    result = run("brief", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"newsweave: skipped {tmp_path / 'empty.txt'}: file is empty",
        "newsweave: error: no usable article in 1 input(s); see the messages above",
    ]


def test_unwritable_output_keeps_the_old_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["brief", "-q", str(EXAMPLE), "-o", str(tmp_path / "no" / "such" / "dir.md")]
    )
    assert result.exit_code == 1 and "does not exist" in result.output
    existing = tmp_path / "brief.md"
    existing.write_text("previous brief", "utf-8")
    result = CliRunner().invoke(
        main, ["brief", "-q", str(tmp_path / "nothing-here"), "-o", str(existing)]
    )
    assert result.exit_code == 1
    assert existing.read_text("utf-8") == "previous brief"


def test_settings_command_lists_every_setting() -> None:
    result = CliRunner().invoke(main, ["settings"])
    assert "summary_words = 150" in result.output and "support_score" in result.output


@pytest.mark.slow
def test_output_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    result = CliRunner().invoke(main, ["brief", "-q", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"], "no temporary file left behind"
