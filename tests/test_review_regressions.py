"""Inputs that once crashed, hung or lost text, each kept here so it cannot come back."""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave import (
    Annotation,
    Article,
    Brief,
    InputError,
    NoArticlesError,
    Settings,
    read_articles,
    render_html,
)
from newsweave.cli import main
from newsweave.models import RemovedLine
from newsweave.read.boilerplate import (
    _RULES,
    KINDS,
    classify_paragraph,
    split_paragraphs,
    strip_boilerplate,
)
from newsweave.read.markup import markdown_paragraphs
from newsweave.read.metadata import infer_outlet, normalize_published, read_header

from .conftest import EXAMPLE

STORY = (
    "The Kremlin appears to be willing to engage with the Taliban in order to secure its "
    "interests. Since the group took over Kabul, Moscow has cautiously reached out for talks."
)


def read(*paths: Path) -> tuple[list[Article], list[str]]:
    problems: list[str] = []
    try:
        articles = read_articles(list(paths), on_problem=lambda p: problems.append(str(p)))
    except NoArticlesError:
        return [], problems
    return articles, problems


def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(STORY, "utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("digits.jsonl", '{"id": ' + "9" * 5000 + ', "text": "x"}', "not valid JSON"),
        ("deep.json", "[" * 100_000, "not valid JSON"),
        ("deep.jsonl", "[" * 100_000 + "\n", "nested too deeply"),
        ("pretty-bad.json", '{\n  "text": "a",\n  "id": \n}\n', "not valid JSON"),
    ],
)
def test_json_that_python_cannot_load_is_one_message(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    bad = tmp_path / name
    bad.write_text(content, "utf-8")
    articles, problems = read(bad, good(tmp_path))
    assert len(articles) == 1
    assert len(problems) == 1 and message in problems[0]


def test_fifo_device_link_and_broken_link_are_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    articles, problems = read(
        tmp_path / "fifo.txt", tmp_path / "zero.txt", tmp_path / "dangling.txt", good(tmp_path)
    )
    assert len(articles) == 1
    assert [p.split(": ", 1)[1] for p in problems] == [
        "not a regular file (a FIFO, device or socket)",
        "not a regular file (a FIFO, device or socket)",
        "broken symbolic link",
    ]


def test_a_file_deleted_after_the_walk_is_reported(tmp_path: Path) -> None:
    from newsweave.read.sources import find_sources, read_input

    good(tmp_path)
    (tmp_path / "gone.txt").write_text(STORY, "utf-8")
    sources = list(find_sources([tmp_path], lambda p: None))
    (tmp_path / "gone.txt").unlink()
    with pytest.raises(InputError, match=r"gone\.txt: cannot read"):
        read_input(sources[0], Settings())


def test_closed_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    articles, problems = read(Path("-"))
    assert not articles and problems == ["<stdin>: standard input is closed"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeff" + json.dumps({"id": "a", "text": STORY}), STORY),
        ("[UPDATED] " + STORY, "[UPDATED] " + STORY),
    ],
)
def test_stdin_is_sniffed_after_decoding(
    monkeypatch: pytest.MonkeyPatch, data: str, expected: str
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8"))))
    (article,) = read_articles(["-"])
    assert article.text == expected


@pytest.mark.slow
def test_undecodable_file_name_is_shown_and_written_safely(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text(STORY, "utf-8")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        main, ["brief", "-q", "--format", "json", str(tmp_path / name), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8"))["articles"][0]["path"].endswith("caf\ufffd.txt")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("caf")) == [
        "out.json"
    ]


@pytest.mark.slow
def test_annotations_of_other_text_are_refused(
    example_articles: list[Article], example_annotations: list[Annotation]
) -> None:
    raw = read_articles([EXAMPLE], Settings(remove_boilerplate=False))
    assert [a.id for a in raw] == [a.id for a in example_articles], (
        "ids hash the input, not the cleaning"
    )
    # The same id with another text: the clean text's offsets do not resolve in it.
    with pytest.raises(ValueError, match="does not resolve in the article's text"):
        replace(example_annotations[0], article=raw[0])


@pytest.mark.parametrize(
    "paragraph",
    [
        "Facebook changed its privacy policy on Tuesday after the ruling.",
        "Residents said they would like them to leave the village before winter.",
        "Crowds began to follow him through the streets of Kabul.",
        "Iran was invited to join the discussion in Doha next week.",
        "The central bank cut consumer credit by 2 percent last month.",
        "Video footage showed Taliban fighters at the gates of the palace.",
        "Top-level talks resumed on Monday.",
        "Below-average rainfall hit the region for a third year.",
        "The court ruled that the memoir may not be published in Russia.",
        "The report, originally published in the Lancet, was withdrawn.",
        "Related charges were filed on Friday.",
        "Most popular among young voters was the mayor.",
        "Recommended doses were halved in 2020.",
        "Officials said the hackers could read your email address and password.",
        "By Friday, most diplomats had left.",
    ],
)
def test_story_sentences_once_taken_for_furniture(paragraph: str) -> None:
    assert classify_paragraph(paragraph) is None


def test_a_section_break_does_not_wipe_the_end_of_an_article() -> None:
    closing = [
        '"We are safe," the ambassador said.',
        "Diplomats stayed.",
        "The embassy will remain open.",
    ]
    kept, removed = strip_boilerplate(split_paragraphs("\n\n".join([STORY, "* * *", *closing])))
    assert [p.text for p in kept] == [STORY, *closing]
    assert [r.kind for r in removed] == ["separator"]


def test_chinese_story_text_is_not_short() -> None:
    text = "中国政府周一宣布了新的经济刺激计划，以应对经济放缓。官员表示，这些措施将在下个月生效。"  # noqa: RUF001
    kept, _removed = strip_boilerplate(split_paragraphs(f"Advertisement\n\n{text}"))
    assert [p.text for p in kept] == [text]


def test_bars_split_only_json_records_and_only_five(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        f"{STORY}\n\n|||||\n\nMore of the same story follows here today.", "utf-8"
    )
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"text": f"{STORY} |||||||||| still one"}), "utf-8"
    )
    articles, problems = read(tmp_path / "a.txt", tmp_path / "b.jsonl")
    assert len(articles) == 2 and not problems


def test_markdown_code_blocks_are_kept_and_html_blocks_listed() -> None:
    source = (
        "# T\n\nFirst.\n\n    Indented paragraph pasted from a page.\n\n<iframe src=x></iframe>\n"
    )
    paragraphs, title, removed = markdown_paragraphs(source)
    assert title == "T"
    assert [p.text for p in paragraphs] == ["First.", "Indented paragraph pasted from a page."]
    assert [(r.line, r.kind) for r in removed] == [(7, "markup")]


def test_jsonl_lines_split_on_line_feeds_only(tmp_path: Path) -> None:
    path = tmp_path / "u2028.jsonl"
    path.write_text(
        json.dumps({"text": STORY + "\u2028" + STORY}, ensure_ascii=False) + "\n", "utf-8"
    )
    articles, problems = read(path)
    assert len(articles) == 1 and not problems


def test_damaged_utf8_stays_utf8_and_utf32_is_read(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(("“Quoted,” he said — " + STORY).encode("utf-8") + b" caf\xe9.")
    utf32 = tmp_path / "utf32.txt"
    utf32.write_bytes(STORY.encode("utf-32"))
    articles, problems = read(damaged, utf32)
    assert not problems
    assert articles[0].text.startswith("“Quoted,” he said —") and articles[0].text.endswith(
        "caf\ufffd."
    )
    assert articles[1].text == STORY


def test_metadata_is_not_invented() -> None:
    header = read_header(
        split_paragraphs(
            f"A headline here today\n\nBy Sunday, Taliban fighters had entered Kabul.\n\n{STORY}"
        )
    )
    assert header.author is None and len(header.body) == 2
    header = read_header(
        split_paragraphs(f"Headline\n\nUpdated: Aug. 23, 2021 9:00 GMT\n\n{STORY}")
    )
    assert header.published is None and header.removed[0].kind == "metadata"
    assert normalize_published("20210821") == "2021-08-21"
    assert normalize_published("2021-08-21 10:00") == "2021-08-21"
    assert normalize_published("2021-08-21T10:00:00+02:00") == "2021-08-21T10:00:00+02:00"
    captions = [
        RemovedLine(1, "caption", "Photo: © Reuters/Jane Doe"),
        RemovedLine(2, "caption", "© Reuters"),
    ]
    assert infer_outlet(captions) is None


def test_json_fields_must_be_strings(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text(
        json.dumps({"text": STORY, "author": ["A", "B"], "outlet": {"name": "X"}, "id": [1]}),
        "utf-8",
    )
    (article,), problems = read(path)
    assert article.author == "A, B" and article.outlet is None and len(article.id) == 16
    assert sorted(p.split(": ", 1)[1] for p in problems) == [
        "id is not a string or a number; a hash of the text is used",
        "outlet is not a string; ignored",
    ]


def test_javascript_urls_are_not_links() -> None:
    article = Article(id="a", text=STORY, url="javascript:alert(document.domain)")
    page = render_html(Brief(title="t", articles=(article,), summary=()))
    assert 'href="javascript' not in page and "<code>javascript:alert" in page


@pytest.mark.slow
def test_output_through_a_symbolic_link_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old", "utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    result = CliRunner().invoke(main, ["brief", "-q", str(EXAMPLE), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text("utf-8").startswith("# Russia")


def test_every_rule_names_a_documented_kind() -> None:
    assert {rule.kind for rule in _RULES} | {"bio", "byline", "metadata", "markup"} <= set(KINDS)


def test_a_blank_json_file_is_one_message(tmp_path: Path) -> None:
    blank = tmp_path / "nbsp.json"
    blank.write_bytes("\ufeff \u00a0\n".encode())
    articles, problems = read(blank, good(tmp_path))
    assert len(articles) == 1 and problems == [f"{blank}: file is empty"]


@pytest.mark.slow
def test_the_brief_does_not_depend_on_the_hash_seed() -> None:
    import subprocess

    outputs = set()
    for seed in ("0", "1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "newsweave", "brief", "-q", "--format", "json", str(EXAMPLE)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
