"""Crafted inputs: markup in articles must stay text in every output, links must stay inside.

Markdown is checked the way it is attacked: rendered to HTML by a CommonMark renderer (raw HTML
allowed, as most are) and the result parsed, so a tag, event handler or `javascript:` link that
survives the escaping is found whatever its spelling.
"""

from __future__ import annotations

import itertools
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from newsweave import (
    Actor,
    Article,
    Brief,
    CitedQuote,
    InputError,
    Relation,
    Settings,
    SummarySentence,
    render_html,
    render_markdown,
)
from newsweave.models import Claim, ClaimConflict, Event
from newsweave.read.sources import decode_bytes, find_sources, read_input

from .test_review_regressions import STORY, read

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "</style><script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![x](http://evil/x.png)",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;",
    "<a href='javascript:alert(1)'>click</a>",
    "<javascript:alert(1)>",
    "- 1. > # `code` *em* _em_ ~~gone~~ {: onclick=alert(1)} | a | b |",
    "[ref]\n\n[ref]: javascript:alert(1)",
]
# What a CommonMark renderer may make of the Markdown brief's own markup; anything else (img,
# script, style, a raw tag from an article) came from the input.
BRIEF_TAGS = {"h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "em", "a"}


class _Page(HTMLParser):
    """Every tag of an HTML text with its attributes, and the text of each h1."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1[-1] += data


def _lax_markdown(markdown: str) -> str:
    """The Markdown as HTML from a CommonMark renderer that trusts every link.

    markdown-it refuses `javascript:` links by itself; many renderers do not, so the brief must
    not rely on it.
    """
    renderer = MarkdownIt("commonmark")
    renderer.validateLink = lambda url: True
    return str(renderer.render(markdown))


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def _hostile_brief(payload: str, url: str | None = None) -> Brief:
    """A brief whose every text field, metadata and extracted sections alike, is the payload."""
    text = f"{payload} said the minister.\n\nOfficials met on {payload} in Kabul."
    article = Article(
        id="a1",
        text=text,
        title=payload,
        outlet=payload,
        published=payload,
        url=payload if url is None else url,
        path=payload,
        author=payload,
    )
    other = Article(id="b2", text=text, title=payload, path=payload)
    first, second = article.span(0, text.index("\n")), article.span(text.index("\n") + 2, len(text))
    return Brief(
        title=payload,
        articles=(article, other),
        summary=(SummarySentence(first.text, (first, other.span(first.start, first.end))),),
        quotes=(
            CitedQuote(payload, "direct", payload, "x", payload, (first,)),
            CitedQuote(payload, "indirect", payload, None, None, (first,)),
        ),
        actors=(Actor("x", payload, payload, (payload,), (payload,), 1, (first,)),),
        relations=(Relation(payload, "x", payload, payload, "y", payload, (second,)),),
        timeline=(Event(payload, payload, payload, (second,), (second,)),),
        claims=(
            Claim(payload, "corroborated", (first, other.span(first.start, first.end))),
            Claim(
                payload,
                "contradicted",
                (first, second),
                (ClaimConflict(payload, payload, payload, (first, second)),),
            ),
        ),
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_keeps_every_article_field_as_text(payload: str) -> None:
    markdown = render_markdown(_hostile_brief(payload))
    page = _lax_markdown(markdown)
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and "</style" not in lowered
    parsed = _parse(page)
    for tag, attributes in parsed.tags:
        assert tag in BRIEF_TAGS, f"{tag} from the input became a tag"
        assert not [name for name in attributes if name.startswith("on")]
        if tag == "a":
            assert attributes["href"].startswith(("http://", "https://")), attributes
    # Escaped, not mangled: the reader sees the title exactly as the article gives it.
    assert parsed.h1 == [" ".join(payload.split())]


def test_markdown_links_only_web_urls_percent_encoded() -> None:
    url = 'https://example.org/a b<c>(d)"e'
    page = _lax_markdown(render_markdown(_hostile_brief("Title", url=url)))
    links = [attributes for tag, attributes in _parse(page).tags if tag == "a"]
    assert links == [{"href": "https://example.org/a%20b%3Cc%3E(d)%22e"}]
    for scheme in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///x"):
        page = _lax_markdown(render_markdown(_hostile_brief("T", url=scheme)))
        assert not [tag for tag, _ in _parse(page).tags if tag == "a"], scheme
        assert "<script" not in page


def test_markdown_escaping_leaves_plain_text_readable() -> None:
    markdown = render_markdown(_hostile_brief("AT&T says No! in 2021-08-16 (again)"))
    assert "# AT&T says No! in 2021-08-16 (again)\n" in markdown


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_fields_are_inert_under_a_content_security_policy(payload: str) -> None:
    page = render_html(_hostile_brief(payload, url="javascript:alert(1)"))
    head = page[: page.index("</head>")]
    policy = (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'\">"
    )
    # A policy only covers what comes after it: it must precede the title and the style.
    assert head.index(policy) < head.index("<title>") < head.index("<style>")
    tags = _parse(page).tags
    assert [tag for tag, _ in tags].count("style") == 1
    assert not {"script", "img", "iframe", "object", "embed", "base", "form"} & {t for t, _ in tags}
    for tag, attributes in tags:
        assert not [name for name in attributes if name.startswith("on")], tag
        if tag == "a":
            assert attributes["href"].startswith("#"), attributes


def test_html_links_to_articles_are_web_only_and_leak_nothing() -> None:
    page = render_html(_hostile_brief("Title", url="https://example.org/story?a=1&b=2"))
    links = [attributes for tag, attributes in _parse(page).tags if tag == "a"]
    external = [link for link in links if not link["href"].startswith("#")]
    assert external == [{"href": "https://example.org/story?a=1&b=2", "rel": "noopener noreferrer"}]
    assert '<meta name="referrer" content="no-referrer">' in page


# Reading: a directory may not lead outside itself.

SECRET = (
    "root:x:0:0:root:/root:/bin/bash is the first line of the password file, which must never "
    "be read into a brief just because a shared folder links to it from the inside."
)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """An input folder with one article, and a folder outside it with a secret file."""
    inside, outside = tmp_path / "in", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (inside / "good.txt").write_text(STORY, "utf-8")
    (outside / "secret.txt").write_text(SECRET, "utf-8")
    return inside, outside


def test_link_in_a_directory_to_a_file_outside_is_skipped(folders: tuple[Path, Path]) -> None:
    inside, outside = folders
    (inside / "passwd.txt").symlink_to(outside / "secret.txt")
    (inside / "relative.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    articles, problems = read(inside)
    assert [article.text for article in articles] == [STORY]
    assert problems == [
        f"{inside / 'passwd.txt'}: symbolic link to a file outside {inside}",
        f"{inside / 'relative.txt'}: symbolic link to a file outside {inside}",
    ]


def test_link_in_a_directory_to_a_file_inside_isread(folders: tuple[Path, Path]) -> None:
    inside, _ = folders
    (inside / "sub").mkdir()
    (inside / "sub" / "real.txt").write_text(SECRET.replace("password", "pass"), "utf-8")
    (inside / "alias.txt").symlink_to(Path("sub") / "real.txt")
    articles, problems = read(inside)
    # Read once: the link and the file it leads to are the same article.
    assert len(articles) == 2 and articles[0].path == str(inside / "alias.txt")
    assert len(problems) == 1 and "repeats" in problems[0] and "outside" not in problems[0]


def test_link_to_a_directory_is_reported_not_followed(folders: tuple[Path, Path]) -> None:
    inside, outside = folders
    (inside / "elsewhere").symlink_to(outside, target_is_directory=True)
    articles, problems = read(inside)
    assert [article.text for article in articles] == [STORY]
    assert problems == [f"{inside / 'elsewhere'}: symbolic link to a directory; not followed"]


def test_links_the_user_names_are_followed(folders: tuple[Path, Path], tmp_path: Path) -> None:
    inside, outside = folders
    (tmp_path / "named.txt").symlink_to(outside / "secret.txt")
    (tmp_path / "folder").symlink_to(inside, target_is_directory=True)
    articles, problems = read(tmp_path / "named.txt", tmp_path / "folder")
    assert [article.text for article in articles] == [SECRET, STORY]
    assert not problems


def test_a_file_swapped_for_a_link_after_the_check_is_notread(
    folders: tuple[Path, Path],
) -> None:
    inside, outside = folders
    sources = list(find_sources([inside], lambda problem: None))
    (inside / "good.txt").unlink()
    (inside / "good.txt").symlink_to(outside / "secret.txt")
    with pytest.raises(InputError, match="replaced by another file"):
        read_input(sources[0], Settings())


def test_a_link_loop_is_called_a_loop(tmp_path: Path) -> None:
    (tmp_path / "one.txt").symlink_to(tmp_path / "two.txt")
    (tmp_path / "two.txt").symlink_to(tmp_path / "one.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "good.txt").write_text(STORY, "utf-8")
    _, in_directory = read(tmp_path)
    _, named = read(tmp_path / "one.txt", tmp_path / "dangling.txt", tmp_path / "good.txt")
    expected = [
        f"{tmp_path / 'one.txt'}: symbolic link loop",
        f"{tmp_path / 'dangling.txt'}: broken symbolic link",
    ]
    assert sorted(in_directory) == sorted(
        [*expected, f"{tmp_path / 'two.txt'}: symbolic link loop"]
    )
    assert named == expected


# Reading: messages and encodings.

# Cyrillic too: UTF-16 of letters above U+00FF has no NUL byte, only the spaces and digits do.
UTF16_TEXT = "Grüße aus München. " + STORY + "\n\n\u041c\u043e\u0441\u043a\u0432\u0430, 2021.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_decoded(encoding: str) -> None:
    assert decode_bytes(UTF16_TEXT.encode(encoding), "x.txt") == UTF16_TEXT


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"".join(n.to_bytes(2, "little") for n in range(2000)),
        b"\x7fELF\x02\x01\x01" + b"\x00" * 64 + b"\x03\x00>\x00" * 50,
    ],
)
def test_binary_is_still_binary(data: bytes) -> None:
    with pytest.raises(InputError, match="looks like a binary file"):
        decode_bytes(data, "x.txt")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("open.json", '{"text": "no end', "Unterminated string starting at line 1 column 10"),
        ("open.jsonl", '{"text": "no end\n', "Invalid control character at the end of the line"),
        ("tab.jsonl", '{"text": "a\tb"}\n', "Invalid control character at column 12"),
        ("cut.json", '{\n  "text": "x"', "Expecting ',' delimiter at the end of the file"),
        ("bad.jsonl", '{"text": "x", oops}\n', "Expecting property name enclosed in double"),
    ],
)
def test_json_problems_say_where_once(
    tmp_path: Path, name: str, content: str, problem: str
) -> None:
    (tmp_path / name).write_text(content, "utf-8")
    _, problems = read(tmp_path / name)
    assert len(problems) == 1 and problem in problems[0]
    assert " at at " not in problems[0]


def test_no_message_doubles_a_word(tmp_path: Path) -> None:
    inputs = {
        "a.json": b'{"text": "x\x01"}',
        "b.jsonl": b'{"text": "unterminated\n{"text": "\\u12"}\n\xff\xfe\n',
        "c.txt": b"",
        "d.html": b"<html><body><div></div></body></html>",
        "e.txt": b"\xff\xfe\x00\xd8",
        "f.txt": b"\x00\x01\x02\x03" * 100,
        "g.json": b"[1, 2",
    }
    for name, data in inputs.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "h.txt").symlink_to(tmp_path / "h.txt")
    _, problems = read(tmp_path)
    assert {problem.split(":", 1)[0].split(" line ")[0] for problem in problems} == {
        str(tmp_path / name) for name in [*inputs, "h.txt"]
    }
    for problem in problems:
        words = problem.split()
        assert not [a for a, b in itertools.pairwise(words) if a == b], problem
