"""The store, story clustering, feeds and archives, built by hand; no model is loaded here."""

from __future__ import annotations

import gzip
import io
import json
import multiprocessing
import multiprocessing.synchronize
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from newsweave.config import Settings
from newsweave.corpus.add import AddReport, store_annotation
from newsweave.corpus.cluster import article_terms, weigh_terms
from newsweave.corpus.lookup import stored_annotation, story_annotations
from newsweave.corpus.store import (
    _MIGRATIONS,
    APPLICATION_ID,
    SCHEMA_VERSION,
    Store,
    StoreError,
    _statements,
)
from newsweave.errors import InputError
from newsweave.models import Annotation, Article, Entity, Sentence, Vectors
from newsweave.read.archives import ArchiveCounts, archive_pages, finish_archive
from newsweave.read.feeds import feed_records, html_text


def test_a_new_store_says_what_it_is(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        assert store.counts() == {"articles": 0, "stories": 0, "outlets": 0}
    connection = sqlite3.connect(tmp_path / "n.db")
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"articles", "outlets", "annotations", "stories", "story_articles", "briefs"} <= tables


def test_files_that_are_not_newsweave_stores_are_refused_untouched(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_bytes(b"just some text, not a database at all" * 50)
    with pytest.raises(StoreError, match="not a newsweave store"):
        Store(text)
    assert text.read_bytes().startswith(b"just some text")
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t(x)")
    connection.commit()
    connection.close()
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not a newsweave store"):
        Store(other)
    assert other.read_bytes() == before


def test_a_store_of_a_newer_newsweave_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    Store(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer than this newsweave"):
            Store(path, readonly=readonly)


def test_read_only_opens_neither_create_nor_write(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here"):
        Store(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()
    Store(tmp_path / "n.db").close()
    with (
        Store(tmp_path / "n.db", readonly=True) as store,
        pytest.raises(StoreError),
        store.transaction(),
    ):
        pass


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        with pytest.raises(RuntimeError), store.transaction() as db:
            store.outlet_id(db, "The Planet")
            raise RuntimeError("killed half way")
        assert store.counts()["outlets"] == 0


def test_a_full_disk_is_one_message_and_loses_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        with store.transaction() as db:
            store.outlet_id(db, "The Planet")
        # SQLite's page limit stands in for a full disk: the same "disk is full" error.
        pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
        store.connection.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError, match="full"), store.transaction() as db:
            store.outlet_id(db, "x" * 100_000)
        assert [row["name"] for row in store.rows("SELECT name FROM outlets")] == ["The Planet"]


def _open_and_write(path: Path, start: multiprocessing.synchronize.Barrier) -> None:
    start.wait()
    with Store(path) as store, store.transaction() as db:
        store.outlet_id(db, f"Outlet {multiprocessing.current_process().name}")


def test_processes_that_create_one_store_at_once_all_get_in(tmp_path: Path) -> None:
    # While a new file is still in rollback mode SQLite refuses some locks at once, whatever the
    # busy timeout: two concurrent `add`s failed there on CI; 4 processes did in 2 rounds of 60.
    context = multiprocessing.get_context("fork")
    for round_number in range(15):
        path = tmp_path / f"s{round_number}.db"
        start = context.Barrier(4)
        workers = [
            context.Process(target=_open_and_write, args=(path, start), name=str(n))
            for n in range(4)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
        with Store(path, readonly=True) as store:
            assert store.counts()["outlets"] == 4


def _unit(values: list[float]) -> np.ndarray:
    return np.array(values, np.float32) / np.linalg.norm(values)


def test_tf_idf_weighs_rare_words_up_and_is_unit_length() -> None:
    weights = weigh_terms({"kabul": 2, "said": 3}, {"said": 99, "kabul": 1}, 100)
    assert weights["kabul"] > weights["said"] > 0
    assert abs(sum(w * w for w in weights.values()) - 1) < 1e-9


def test_an_articles_terms_are_its_leads_lemmas_and_all_its_names() -> None:
    text = "Hun Sen  rejected talks.\n\nThe king met Sam Rainsy in Phnom Penh on Friday."
    article = Article("a1", text)
    lead = Sentence(article.span(0, 24), ("hun", "sen", "reject", "talk"), 0)
    later = Sentence(article.span(26, len(text)), ("king", "meet", "sam", "rainsy"), 1)
    names = [(0, 7, "PERSON"), (39, 49, "PERSON"), (53, 63, "GPE"), (67, 73, "DATE")]
    annotation = Annotation(
        article,
        (lead, later),
        tuple(Entity(article.span(start, end), label) for start, end, label in names),
        Vectors.from_array(np.eye(2, 4, dtype=np.float32)),
    )
    terms = article_terms(annotation)
    # Names anywhere in the article, each as one term; dates are not names.
    assert terms["@hun sen"] == terms["@sam rainsy"] == terms["@phnom penh"] == 1
    assert "@friday" not in terms and terms["reject"] == 1 and terms["rainsy"] == 1


def _annotated(text: str, vector: list[float], url: str = "https://x.example/1") -> Annotation:
    """A one-sentence article annotated by hand: its lemmas are its words, one embedding."""
    article = Article("a1", text, url=url, published="2021-08-20")
    words = tuple(w.strip(".").lower() for w in text.split())
    sentence = Sentence(article.span(0, len(text)), words, 0)
    return Annotation(article, (sentence,), (), Vectors.from_array([_unit(vector)]))


def _story_sums(store: Store) -> tuple[np.ndarray, dict[str, float], int]:
    row = store.rows("SELECT centroid, terms, version FROM stories")[0]
    return np.frombuffer(row["centroid"], np.float32), json.loads(row["terms"]), row["version"]


def test_a_revision_trades_its_old_views_for_the_new_in_its_story(tmp_path: Path) -> None:
    settings, report, annotator = Settings(), AddReport(), {"model": "hand"}
    first = _annotated("Council approves bridge budget.", [1, 0, 0])
    second = _annotated("Mayor vetoes bridge budget.", [0, 1, 0])
    with Store(tmp_path / "n.db") as store:
        store_annotation(store, first, annotator, settings, report)
        _total, terms, version = _story_sums(store)
        assert "council" in terms
        store_annotation(store, second, annotator, settings, report, revises=True)
        total, terms, revised = _story_sums(store)
        # One member: the story's sums are now the new version's views alone.
        assert np.allclose(total, [0, 1, 0]) and revised == version + 1
        assert "council" not in terms and {"mayor", "veto", "vetoes"} & set(terms)
        frequency = {r["term"]: r["articles"] for r in store.rows("SELECT * FROM terms")}
        assert frequency["council"] == 0 and frequency["mayor"] == frequency["bridge"] == 1
        # The embeddings are kept raw beside the JSON and read back exactly.
        assert stored_annotation(store, "a1") == second


def test_a_store_of_schema_1_migrates_and_reads_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = _annotated("Council approves bridge budget.", [1, 0, 0])
    connection = sqlite3.connect(path)
    for statement in _statements(_MIGRATIONS[0]):
        connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 1")
    data = old.to_dict()
    article = data.pop("article")
    text = article.pop("text")
    connection.execute(
        "INSERT INTO articles(id, url, text, text_hash, added, data) VALUES (?, ?, ?, 'h', 't', ?)",
        ["a1", old.article.url, text, json.dumps(article)],
    )
    # Schema 1 kept the embeddings as base64 inside the annotation's JSON.
    connection.execute("INSERT INTO annotations VALUES ('a1', '{}', ?)", [json.dumps(data)])
    connection.execute(
        "INSERT INTO stories(id, created, articles, centroid, terms) VALUES ('s1', 't', 1, ?, ?)",
        [np.float32([1, 0, 0]).tobytes(), json.dumps({"council": 0.5})],
    )
    connection.execute("INSERT INTO story_articles VALUES ('a1', 's1')")
    connection.commit()
    connection.close()
    # A reader (`stories` after an upgrade) migrates it when it can write it.
    with Store(path, readonly=True) as store:
        assert story_annotations(store, "s1") == [old]
    with Store(path) as store:
        assert store.rows("PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION
        assert story_annotations(store, "s1") == [old]
        # Its views were not kept: a revision rebuilds the brief and leaves the sums alone.
        revised = _annotated("Mayor vetoes bridge budget.", [0, 1, 0])
        store_annotation(store, revised, {}, Settings(), AddReport(), revises=True)
        total, terms, version = _story_sums(store)
        assert np.allclose(total, [1, 0, 0]) and terms == {"council": 0.5} and version == 1
        # Schema 3 indexed the live story's key terms.
        rows = store.rows("SELECT * FROM story_terms")
        assert [(r["term"], r["story_id"]) for r in rows] == [("council", "s1")]
        assert stored_annotation(store, "a1") == revised


RSS_FULL = b"""  <?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>The Planet</title>
<item><title>Bridge reopens</title><link>https://planet.example/bridge</link>
<pubDate>Mon, 16 Aug 2021 10:00:00 GMT</pubDate>
<description>The bridge reopened.</description>
<content:encoded><![CDATA[<p>The bridge reopened on Monday after repairs.</p>
<script>alert(1)</script><p>Traffic returned within the hour, officials said.</p>]]>
</content:encoded></item>
<item><title>Council votes</title><link>https://planet.example/vote</link>
<description>&lt;p&gt;The council voted on the budget.&lt;/p&gt;</description></item>
</channel></rss>"""


def test_a_feed_gives_full_items_and_teasers_marked_partial() -> None:
    notes: list[InputError] = []
    items = [record for _where, record in feed_records(RSS_FULL, "planet.rss", notes.append)]
    assert [n.problem for n in notes] == ["whitespace before the XML declaration; ignored"]
    full, teaser = items
    assert full["text"] == (
        "The bridge reopened on Monday after repairs.\n\n"
        "Traffic returned within the hour, officials said."
    )
    assert not full["partial"] and full["outlet"] == "The Planet"
    assert full["url"] == "https://planet.example/bridge"
    assert full["published"] == "2021-08-16T10:00:00+00:00"
    assert teaser == teaser | {"text": "The council voted on the budget.", "partial": True}
    assert teaser["published"] is None


def test_a_page_saved_as_a_feed_is_refused() -> None:
    page = b"<!doctype html><html><head><title>x</title></head><body><p>Hi</p></body></html>"
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        list(feed_records(page, "page.xml", lambda _p: None))


def test_item_html_keeps_paragraphs_and_drops_scripts() -> None:
    assert html_text("<div>One<br>two</div><style>p{}</style>") == "One\n\ntwo"
    assert html_text("Plain &nbsp;text") == "Plain text"


@pytest.mark.eval
def test_every_real_feed_reads(eval_dir: Path) -> None:
    for path in sorted((eval_dir / "feeds").iterdir()):
        if path.name.startswith("LICENSE"):
            continue
        items = list(feed_records(path.read_bytes(), path.name, lambda _p: None))
        assert items, path.name
        with_text = [record for _where, record in items if record["text"]]
        # Items without text (ads, empty descriptions) are reported and skipped by ingest.
        assert with_text, path.name
        assert all(record["url"] for record in with_text), path.name


def _warc(pages: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, content_type, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    return out.getvalue()


PAGE = b"<html><body><article><p>The bridge reopened on Monday.</p></article></body></html>"


def test_an_archive_gives_its_html_pages_and_counts_the_rest() -> None:
    data = _warc(
        [
            ("https://a.example/1", "text/html", PAGE),
            ("https://a.example/x.png", "image/png", b"\x89PNG"),
        ]
    )
    notes: list[InputError] = []
    counts = ArchiveCounts()
    pages = list(archive_pages(io.BytesIO(data), "crawl.warc.gz", notes.append, counts))
    assert [(p.url, p.html) for p in pages] == [("https://a.example/1", PAGE)]
    assert pages[0].captured is not None
    assert (counts.records, counts.pages) == (2, 1)
    assert not notes  # the archive is summed up once, when all of it has been read
    finish_archive("crawl.warc.gz", counts, notes.append)
    assert [n.problem for n in notes] == [
        "skipped records that are not HTML pages: 1 image/png responses"
    ]


def test_a_truncated_archive_keeps_the_pages_before_the_cut() -> None:
    data = _warc(
        [
            ("https://a.example/1", "text/html", PAGE),
            ("https://a.example/2", "text/html", PAGE * 50),
        ]
    )
    whole = gzip.decompress(data)
    cut = whole[: len(whole) - 200]
    notes: list[InputError] = []
    pages = list(archive_pages(io.BytesIO(cut), "cut.warc", notes.append, ArchiveCounts()))
    assert pages and pages[0].url == "https://a.example/1"


def test_empty_and_foreign_files_are_not_archives() -> None:
    counts = ArchiveCounts()
    assert not list(archive_pages(io.BytesIO(b""), "empty.warc", lambda _p: None, counts))
    with pytest.raises(InputError, match="no HTML page among 0 archive records"):
        finish_archive("empty.warc", counts, lambda _p: None)
    with pytest.raises(InputError, match="not a"):
        foreign = io.BytesIO(b"\x00\x01binary" * 100)
        list(archive_pages(foreign, "x.warc", lambda _p: None, ArchiveCounts()))
