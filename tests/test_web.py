"""The web app through FastAPI's test client: pages, JSON twins, citations, escaping, 4xx."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsweave import Models, Settings
from newsweave.corpus.lookup import brief_story
from newsweave.corpus.store import Store
from newsweave.web.app import CSP, create_app
from newsweave.web.pages import article_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(web_store: Path, models: Models) -> Iterator[TestClient]:
    with TestClient(create_app(web_store, Settings(), models)) as test_client:
        yield test_client


def _stories(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/stories.json")
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _story(client: TestClient, article: str) -> str:
    return next(s["id"] for s in _stories(client) if article in s["articles"])


def _cited_text(page: str) -> str:
    """The text the article page highlights as cited (it may be cut by other marks)."""
    parts = re.findall(r'<mark[^>]*class="[^"]*\bcited\b[^"]*"[^>]*>(.*?)</mark>', page, re.S)
    return html.unescape("".join(parts))


def test_story_list_and_its_json_twin(client: TestClient) -> None:
    stories = _stories(client)
    assert len(stories) == 2
    example = next(s for s in stories if "dfcecf1865456e96" in s["articles"])
    assert example["outlets"] and example["independent_sources"] == 2
    assert set(example) >= {"id", "title", "first_seen", "last_seen", "articles", "sources"}
    hostile = next(s for s in stories if "hostile-1" in s["articles"])
    # Two outlets printing one text are one independent source.
    assert hostile["sources"] == 2 and hostile["independent_sources"] == 1
    page = client.get("/")
    assert page.status_code == 200
    for story in stories:
        assert f'href="/stories/{story["id"]}"' in page.text
    # Pages of one story each, linked one to the next.
    first = client.get("/stories.json?size=1").json()
    assert first["pages"] == 2 and first["next"] == "/stories.json?page=2&size=1"
    second = client.get(first["next"]).json()
    assert [s["id"] for s in first["items"] + second["items"]] == [s["id"] for s in stories]
    assert client.get("/stories.json?min_sources=3").json()["items"] == []


def test_a_brief_page_and_its_json_twin_agree_with_the_store(
    client: TestClient, web_store: Path, models: Models
) -> None:
    story = _story(client, "dfcecf1865456e96")
    data = client.get(f"/stories/{story}.json").json()
    with Store(web_store, readonly=True) as store:
        assert data == json.loads(
            json.dumps(brief_story(store, story, Settings(), models).to_dict())
        )
    page = client.get(f"/stories/{story}").text
    assert html.escape(data["summary"][0]["text"], quote=False) in page
    for section in (
        "Summary",
        "Where sources agree",
        "Sources differ",
        "Who said what",
        "Timeline",
    ):
        assert section in page
    assert '<svg class="timeline-chart"' in page and '<svg class="actor-graph"' in page


def test_every_citation_opens_its_sentence_highlighted(client: TestClient) -> None:
    story = _story(client, "dfcecf1865456e96")
    brief = client.get(f"/stories/{story}.json").json()
    page = client.get(f"/stories/{story}").text
    links = re.findall(r'<a class="cite" href="([^"]+)"', page)
    assert len(links) >= len(brief["summary"])
    cited = {
        (s["article"], s["start"], s["end"]): s["text"]
        for x in brief["summary"]
        for s in x["sources"]
    }
    for (article, start, end), text in cited.items():
        link = f"/articles/{article}?start={start}&amp;end={end}#cited"
        assert link in links
        target = client.get(html.unescape(link).split("#")[0])
        assert target.status_code == 200
        assert _cited_text(target.text) == text
        assert target.text.count('id="cited"') == 1


def test_hostile_fields_are_text_and_nothing_can_run(client: TestClient) -> None:
    story = _story(client, "hostile-1")
    pages = {
        "list": client.get("/"),
        "brief": client.get(f"/stories/{story}"),
        "article": client.get("/articles/hostile-1"),
        "other article": client.get("/articles/hostile-2"),
        "search": client.get("/search", params={"q": "harbour fire"}),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert response.headers["content-security-policy"] == CSP, name
        body = response.text
        assert "<script" not in body, name
        assert "<img" not in body and "<style" not in body, name
        assert not re.search(r"\son\w+=", body.replace("onerror=alert", "")), name
        assert 'href="javascript:' not in body.lower(), name
        assert "style=" not in body, name  # no inline style, as the CSP requires
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in pages["list"].text
    # The javascript: URL is not a link; the https one is, and opens nothing of ours.
    assert "original" not in pages["article"].text.split("<main")[1].split("</p>")[0]
    originals = re.findall(
        r'<a class="original" href="([^"]*)" rel="([^"]*)"', pages["other article"].text
    )
    assert originals == [
        (
            "https://example.org/fire?x=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
            "noopener noreferrer",
        )
    ]


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/stories.json?size=0", 400, "size"),
        ("/stories.json?size=101", 400, "size"),
        ("/stories.json?page=0", 400, "page"),
        ("/stories.json?since=yesterday", 400, "since"),
        ("/stories.json?min_sources=0", 400, "min_sources"),
        ("/search.json?q=" + "a" * 201, 400, "q"),
        ("/search.json", 400, "q"),
        ("/stories/no-such-story.json", 404, "no story"),
        ("/stories/a%3Cb%3E.json", 400, "story id"),
        ("/articles/no-such-article.json", 404, "no article"),
        ("/articles/hostile-1.json?start=5&end=2", 400, "not a span"),
    ],
)
def test_bad_requests_get_one_clear_line(
    client: TestClient, path: str, status: int, says: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    message = response.json()["error"]
    assert says in message and "\n" not in message
    assert "web.db" not in message  # the store's path stays on the server


def test_bad_requests_to_pages_get_an_html_page(client: TestClient) -> None:
    response = client.get("/articles/hostile-1?start=0&end=999999")
    assert response.status_code == 400
    assert "text/html" in response.headers["content-type"]
    assert "not a span of this article" in response.text


def test_only_reads_are_served_and_bodies_are_bounded(client: TestClient) -> None:
    assert client.post("/stories.json", content=b"{}").status_code == 405
    assert client.request("GET", "/stories.json", content=b"x" * 20_000).status_code == 413


def test_serving_writes_nothing_but_the_brief_cache(client: TestClient, web_store: Path) -> None:
    def counts() -> dict[str, int]:
        with sqlite3.connect(web_store) as db:
            return {
                table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "annotations", "stories", "story_articles", "briefs")
            }

    before = counts()
    for story in _stories(client):
        client.get(f"/stories/{story['id']}")
    after = counts()
    assert {k: v for k, v in after.items() if k != "briefs"} == {
        k: v for k, v in before.items() if k != "briefs"
    }
    assert after["briefs"] == 2


def test_api_docs_list_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    page = client.get("/docs").text
    for path in schema["paths"]:
        assert html.escape(path) in page
    assert {"/stories.json", "/stories/{story_id}.json", "/search.json"} <= set(schema["paths"])


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    from newsweave.corpus.store import StoreError

    other = tmp_path / "notes.db"
    other.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a newsweave store"):
        create_app(other)


def test_serve_refuses_in_one_line_what_it_cannot_serve(web_store: Path, tmp_path: Path) -> None:
    import socket

    from .conftest import run_newsweave

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = run_newsweave("serve", "--db", str(web_store), "--port", port, ok=False, timeout=60)
    missing = run_newsweave("serve", "--db", str(tmp_path / "none.db"), ok=False, timeout=60)
    for result, says in ((busy, f"cannot listen on 127.0.0.1:{port}"), (missing, "no store here")):
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and says in lines[0], lines


def test_articles_with_any_id_have_a_page_and_a_json_twin(tmp_path: Path, models: Models) -> None:
    from newsweave import Article
    from newsweave.corpus.add import AddReport, store_annotation

    from .conftest import annotate

    text = "The council of Port Elm closed its bridge on Monday, the mayor said."
    ids = ["a/b?c#d%20e f", "x", "x.json", "ünï code"]
    path = tmp_path / "ids.db"
    with Store(path) as store:
        for n, article_id in enumerate(ids):
            article = Article(article_id, f"{text} Report {n}.", published="2024-03-04")
            for annotation in annotate([article]):
                store_annotation(store, annotation, models.annotator(), Settings(), AddReport())
    with TestClient(create_app(path, Settings(), models)) as web:
        for article_id in ids:
            page = web.get(article_path(article_id))
            assert page.status_code == 200, article_id
            twin = re.search(r'<a href="([^"]+)">JSON</a>', page.text)
            assert twin is not None
            data = web.get(html.unescape(twin.group(1)))
            if article_id == "x":
                continue  # "x.json" is an article of its own: x's twin cannot be at that path
            assert data.status_code == 200 and data.json()["id"] == article_id, article_id
