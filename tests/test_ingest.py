"""Reading inputs: formats, directories, stdin, stable ids, and every kind of bad input."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from newsweave import InputError, NoArticlesError, Settings, read_articles, read_records

STORY = (
    "The Kremlin appears to be willing to engage with the Taliban in order to secure its "
    "interests. Since the group took over Kabul, Moscow has cautiously reached out for talks."
)


def read(paths: list[str | Path], **settings: object) -> tuple[list[object], list[str]]:
    problems: list[str] = []
    try:
        articles = read_articles(
            paths, Settings().with_(**settings), on_problem=lambda p: problems.append(str(p))
        )
    except NoArticlesError:
        return [], problems
    return list(articles), problems


def test_example_articles_match_gold(example_articles: list, gold: dict) -> None:
    first, second = example_articles
    assert first.title == gold["articles"]["000_2665c5d81ac27956.txt"]["title"]
    assert first.outlet == "The Week"
    assert first.published is None
    assert second.title is None
    assert second.published == gold["articles"]["002_fe18a11ffd38cfee.txt"]["published"]
    assert "Subscribe to The Week" not in first.text
    assert "Credit; Getty" not in second.text
    assert any(line.kind == "caption" for line in second.removed_lines)


def test_ids_are_stable_and_content_based(example_dir: Path, tmp_path: Path) -> None:
    once = [a.id for a in read_articles([example_dir])]
    again = [a.id for a in read_articles([example_dir])]
    assert once == again and len(set(once)) == 2
    copy = tmp_path / "moved.txt"
    copy.write_bytes((example_dir / "000_2665c5d81ac27956.txt").read_bytes())
    assert read_articles([copy])[0].id == once[0]


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "# Russia courts the Taliban\n\n*By the desk*\n\n"
        f"{STORY} See [the report](https://example.org/r).\n\n![A photo](p.jpg)\n\n"
        "- Moscow kept its embassy open and its staff in place for now.\n",
        "utf-8",
    )
    (article,) = read_articles([path])
    assert article.title == "Russia courts the Taliban"
    assert (
        "See the report." in article.text and "](" not in article.text and "*" not in article.text
    )
    assert "Moscow kept its embassy open" in article.text


def test_html_through_trafilatura(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Russia courts Taliban | CBS News</title>"
        '<meta property="og:site_name" content="CBS News">'
        '<meta property="article:published_time" content="2021-08-21T18:52:00-04:00">'
        '<meta name="author" content="Jane Doe"></head><body><nav><a href="/">Home</a></nav>'
        "<article><h1>Russia has been engaging with the Taliban for years</h1>"
        f"<p>{STORY}</p><p>{STORY.replace('Kremlin', 'government')}</p>"
        "<p>Sign up for our newsletter to get the best of CBS News delivered to your inbox.</p>"
        "</article><footer>Copyright 2021 CBS Interactive</footer></body></html>",
        "utf-8",
    )
    (article,) = read_articles([path])
    assert article.title == "Russia has been engaging with the Taliban for years"
    assert article.outlet == "CBS News"
    assert article.author == "Jane Doe"
    assert article.published == "2021-08-21T18:52:00-04:00"
    assert article.text.startswith("The Kremlin appears") and "Sign up" not in article.text
    assert "Home" not in article.text


def test_jsonl_fields_ids_multinews_split_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(
            {
                "id": 42,
                "text": STORY,
                "title": "T",
                "outlet": "O",
                "url": "https://o.example/a",
                "published": "2021-08-16",
            }
        ),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps(
            {
                "id": "mn",
                "text": f"{STORY.replace('Kremlin', 'Senate')} |||||  ||||| "
                f"{STORY.replace('Moscow', 'Beijing')}",
            }
        ),
        json.dumps({"text": STORY.replace("Kabul", "Herat"), "published": "sometime"}),
        "",
    ]
    path.write_text("\n".join(lines), "utf-8")
    articles, problems = read([path])
    assert [a.id for a in articles][:3] == ["42", "mn-1", "mn-2"]
    assert articles[0].published == "2021-08-16" and articles[0].url == "https://o.example/a"
    assert articles[3].published is None and len(articles[3].id) == 16
    assert any("line 2: not valid JSON" in p for p in problems)
    assert any('line 3: no "text" string' in p for p in problems)
    assert any("published 'sometime' is not a date" in p for p in problems)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("null", 'expected a JSON object with a "text" field'),
        ("[]", "no JSON records in this file"),
    ],
)
def test_a_json_file_without_articles_gets_one_message(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, "utf-8")
    articles, problems = read([path])
    assert not articles
    assert problems == [f"{path}: {message}"]


def test_json_array_and_single_object(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(
        json.dumps([{"text": STORY}, {"text": STORY + " More."}]), "utf-8"
    )
    (tmp_path / "one.json").write_text(json.dumps({"text": "Another. " + STORY}, indent=2), "utf-8")
    articles, problems = read([tmp_path])
    assert len(articles) == 3 and not problems


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second. " + STORY, "utf-8")
    (tmp_path / "1.txt").write_text("First. " + STORY, "utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden. " + STORY, "utf-8")
    articles, problems = read([tmp_path])
    assert [Path(a.path).name for a in articles] == ["1.txt", "2.txt"]
    assert not problems


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(STORY.encode("utf-8")))
    monkeypatch.setattr(sys, "stdin", fake)
    (article,) = read_articles(["-"])
    assert article.text == STORY and article.path is None


def test_encodings(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(
        ("Le café de la gare a rouvert à Genève après des années, selon le maire. " * 3).encode(
            "latin-1"
        )
    )
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(("Grüße aus München. " + STORY).encode("utf-16"))
    articles, problems = read([latin, utf16])
    assert not problems
    assert "café" in articles[0].text and "Genève" in articles[0].text
    assert articles[1].text.startswith("Grüße aus München.")


def test_duplicates_are_reported_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, "utf-8")
    (tmp_path / "b.txt").write_text(STORY, "utf-8")
    articles, problems = read([tmp_path])
    assert len(articles) == 1
    assert len(problems) == 1 and "repeats" in problems[0] and "b.txt" in problems[0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\n \t\n", "file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("notes.pdf", b"%PDF-1.4 whatever", "unknown file type '.pdf'"),
        ("noise.txt", bytes((i * 7919) % 128 + 128 for i in range(400)), "encoding"),
        ("bad.json", b"[{'text': 'single quotes'}]", "not valid JSON"),
        ("empty.html", b"<html><body><div></div></body></html>", "no article text found"),
        (
            "only-ads.txt",
            b"Advertisement\n\nSubscribe to The Planet\n\n***\n",
            "no article text left",
        ),
    ],
)
def test_bad_files_are_named_and_skipped(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(STORY, "utf-8")
    articles, problems = read([bad, good])
    assert len(articles) == 1, "the good file is still read"
    assert len(problems) == 1 and problems[0].startswith(str(bad)) and message in problems[0]
    assert "\n" not in problems[0]


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as stream:
        stream.truncate(50 * 1000 * 1000)  # sparse: 50 MB on paper, nothing read
    articles, problems = read([big])
    assert not articles
    assert "50.0 MB, over the 10 MB limit" in problems[0]


def test_huge_article_in_jsonl_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(
        json.dumps({"text": "word " * 60_000}) + "\n" + json.dumps({"text": STORY}), "utf-8"
    )
    articles, problems = read([path])
    assert len(articles) == 1
    assert "over the limit of 200,000" in problems[0]


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoArticlesError):
        read_articles([tmp_path / "missing.txt", tmp_path / "empty"], on_problem=lambda p: None)
    problems: list[InputError] = []
    with pytest.raises(NoArticlesError):
        read_articles([tmp_path / "missing.txt"], on_problem=problems.append)
    assert problems[0].problem == "no such file or directory"


def test_urls_are_not_fetched() -> None:
    problems: list[InputError] = []
    with pytest.raises(NoArticlesError):
        read_articles(["https://example.org/story"], on_problem=problems.append)
    assert "works offline" in problems[0].problem


def test_records_in_memory() -> None:
    problems: list[InputError] = []
    records = [{"id": "a", "text": STORY}, {"text": ""}, {"id": "a", "text": STORY + " Again."}]
    articles = read_records(records, on_problem=problems.append, source="feed")
    assert [a.id for a in articles] == ["a"]
    assert [str(p) for p in problems] == [
        'feed item 2: no "text" string (required)',
        "feed item 3: article a repeats feed item 1 (a)",
    ]
