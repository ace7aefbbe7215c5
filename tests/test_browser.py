"""The web app in a real browser: Debian's Chromium driven by Playwright against `newsweave serve`.

Skips, saying why, where Chromium or Playwright is missing (`make test` installs Chromium where
it can). Screenshots go to the test's folder, or to NEWSWEAVE_SCREENSHOTS when set (the ones in
docs/screenshots were made so).
"""

from __future__ import annotations

import html
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("NEWSWEAVE_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(web_store: Path) -> Iterator[str]:
    port = _free_port()
    newsweave = str(Path(sys.executable).parent / "newsweave")
    command = [newsweave, "serve", "--db", str(web_store), "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/stories.json", timeout=5)
                break
            except OSError:
                if process.poll() is not None:
                    said = process.stderr.read() if process.stderr else ""
                    pytest.fail(f"newsweave serve stopped: {said}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set NEWSWEAVE_CHROMIUM)"
        )
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed"
    )
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NEWSWEAVE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _page(browser: Any, width: int = 1100) -> tuple[Any, list[str]]:
    """A new page that records console errors, failed requests and any dialog a script opened."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    # A load cut short by the next navigation (net::ERR_ABORTED) is not a failure of the page.
    page.on(
        "requestfailed",
        lambda r: None if "ABORTED" in (r.failure or "") else problems.append(f"failed: {r.url}"),
    )
    return page, problems


def test_list_brief_citation_timeline_graph_and_search(
    server: str, browser: Any, shots: Path
) -> None:
    stories = _json(f"{server}/stories.json")["items"]
    story = next(s for s in stories if "dfcecf1865456e96" in s["articles"])
    brief = _json(f"{server}/stories/{story['id']}.json")
    page, problems = _page(browser)

    page.goto(f"{server}/")
    assert page.locator("li.story").count() == len(stories)
    page.screenshot(path=str(shots / "stories.png"), full_page=True)

    page.locator("a.headline", has_text=brief["title"]).click()
    page.wait_for_url(f"**/stories/{story['id']}")
    assert page.locator("h1").inner_text() == brief["title"]
    page.screenshot(path=str(shots / "brief.png"), full_page=True)

    # Focusing a citation shows its sentence without moving anything on the page.
    mark = page.locator("ul.summary a.cite").first
    tip = mark.locator(".tip")
    assert not tip.is_visible()
    box = page.locator("ul.summary").bounding_box()
    mark.focus()
    assert tip.is_visible()
    assert brief["summary"][0]["sources"][0]["text"] in tip.inner_text()
    assert page.locator("ul.summary").bounding_box() == box
    page.screenshot(path=str(shots / "citation.png"))

    # Following it opens the article with exactly the cited sentence highlighted, in view.
    mark.click()
    page.wait_for_url("**/articles/**")
    highlighted = "".join(page.locator("mark.cited").all_inner_texts())
    assert highlighted == brief["summary"][0]["sources"][0]["text"]
    assert page.locator("#cited").is_visible()
    assert page.locator("#cited").evaluate(
        "e => e.getBoundingClientRect().top < window.innerHeight"
    )
    page.screenshot(path=str(shots / "article.png"))

    # The timeline and the actor graph: one mark per dated event, one line per relation drawn.
    page.goto(f"{server}/stories/{story['id']}")
    assert page.locator("svg.timeline-chart a.event").count() >= 1
    assert page.locator("svg.actor-graph a.edge").count() >= 1
    edge = page.locator("svg.actor-graph a.edge").first
    assert "/articles/" in (edge.get_attribute("href") or "")

    # Search from the header, by keyboard.
    page.locator("#q").fill("embassy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=embassy")
    assert page.locator("ol.hits li").count() >= 1
    assert problems == []


def test_hostile_articles_run_nothing(server: str, browser: Any, shots: Path) -> None:
    stories = _json(f"{server}/stories.json")["items"]
    story = next(s for s in stories if "hostile-1" in s["articles"])
    page, problems = _page(browser)
    for path in (
        "/",
        f"/stories/{story['id']}",
        "/articles/hostile-1",
        "/articles/hostile-2",
        "/search?q=harbour",
    ):
        page.goto(f"{server}{path}")
        assert page.evaluate("document.querySelectorAll('script, img, style, iframe').length") == 0
        assert page.locator("body").is_visible()  # the injected `body{display:none}` did nothing
    page.goto(f"{server}/articles/hostile-1")
    assert page.locator("h1").inner_text() == '<script>alert("title")</script> Harbour <b>fire</b>'
    page.screenshot(path=str(shots / "hostile.png"))
    assert problems == []


def test_a_phone_width_screen_reads_without_sideways_scrolling(
    server: str, browser: Any, shots: Path
) -> None:
    stories = _json(f"{server}/stories.json")["items"]
    page, problems = _page(browser, width=390)
    for story in stories:
        page.goto(f"{server}/stories/{story['id']}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(shots / "phone.png"))
    assert problems == []


def test_docs_page_opens_offline(server: str, browser: Any) -> None:
    page, problems = _page(browser)
    page.goto(f"{server}/docs")
    assert "/stories.json" in (page.locator("main").text_content() or "")
    assert html.unescape(page.content()).count("cdn") == 0
    assert problems == []
