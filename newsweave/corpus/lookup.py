"""Reading the store: stories, a story's brief (cached), full-text search, one article.

A brief is woven from the stored annotations (no parsing) and cached per story and settings:
the cache row holds the story's version, and a story that gained or revised an article since
has a newer version, so its brief is woven again. A merged story's old id resolves to the story
it merged into.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from newsweave import __version__
from newsweave.analyze.nlp import Models
from newsweave.config import Settings
from newsweave.corpus.store import Store, StoreError, now
from newsweave.errors import NewsweaveError, UsageError
from newsweave.models import Annotation, Article, Brief

# How many hits a search returns at most.
SEARCH_LIMIT = 50
_WORD = re.compile(r"\w+")
_SINCE = re.compile(r"(\d+)([hdw])")


class NotFoundError(NewsweaveError):
    """No story or article has the id asked for."""


@dataclass(frozen=True)
class StorySummary:
    """One story as `stories` lists it."""

    id: str
    title: str | None
    first_seen: str | None
    last_seen: str | None
    articles: tuple[str, ...]
    outlets: tuple[str, ...]
    sources: int
    # Each article's publication day (None when undated), in the order of `articles`.
    published: tuple[str | None, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of `stories --format json`."""
        return {
            "id": self.id,
            "title": self.title,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "articles": list(self.articles),
            "outlets": list(self.outlets),
            "sources": self.sources,
        }


def since_day(since: str) -> str:
    """A `--since` value (12h, 2d, 1w before now, or an ISO date) as the ISO day it starts.

    Raises:
        UsageError: When it is neither.
    """
    found = _SINCE.fullmatch(since.strip())
    if found:
        hours = int(found[1]) * {"h": 1, "d": 24, "w": 168}[found[2]]
        return (datetime.now(UTC) - timedelta(hours=hours)).date().isoformat()
    try:
        return datetime.fromisoformat(since).date().isoformat()
    except ValueError:
        raise UsageError(f"since {since!r}: give 2d, 12h, 1w or a date (2021-08-16)") from None


def story_version(store: Store, story_id: str) -> tuple[str, int]:
    """The live story an id names and its version (which grows whenever its articles change)."""
    story = resolve_story(store, story_id)
    return story, int(store.rows("SELECT version FROM stories WHERE id = ?", [story])[0]["version"])


def cached_brief(store: Store, story_id: str, settings: Settings, models: Models) -> Brief | None:
    """A story's cached brief, if one was made for its present version with these settings."""
    story, version = story_version(store, story_id)
    cached = store.rows(
        "SELECT data FROM briefs WHERE story_id = ? AND settings = ? AND story_version = ?",
        [story, _settings_key(settings, models), version],
    )
    if not cached:
        return None
    return Brief.from_dict(json.loads(cached[0]["data"]), f"{store.path} brief of {story}")


def list_stories(
    store: Store, since: str | None = None, min_sources: int = 1
) -> list[StorySummary]:
    """The stories, newest first.

    Args:
        store: The store.
        since: Only stories last seen on or after this ISO day.
        min_sources: Only stories told by at least this many outlets (an article without an
            outlet counts as one of its own).
    """
    rows = store.rows(
        "SELECT s.id, s.title, s.first_seen, s.last_seen, a.id AS article, o.name AS outlet, "
        "a.published "
        "FROM stories s JOIN story_articles m ON m.story_id = s.id "
        "JOIN articles a ON a.id = m.article_id LEFT JOIN outlets o ON o.id = a.outlet_id "
        "WHERE s.merged_into IS NULL AND (? IS NULL OR s.last_seen >= ?) "
        "ORDER BY s.last_seen DESC, s.created DESC, s.id, a.number",
        [since, since],
    )
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["id"], []).append(row)
    stories = []
    for story, members in grouped.items():
        outlets = tuple(dict.fromkeys(m["outlet"] for m in members if m["outlet"]))
        sources = len(outlets) + sum(1 for m in members if not m["outlet"])
        if sources < min_sources:
            continue
        first = members[0]
        stories.append(
            StorySummary(
                story,
                first["title"],
                first["first_seen"],
                first["last_seen"],
                tuple(m["article"] for m in members),
                outlets,
                sources,
                tuple(m["published"] for m in members),
            )
        )
    return stories


def resolve_story(store: Store, story_id: str) -> str:
    """The id of the live story an id names: itself, or the story it merged into.

    Raises:
        NotFoundError: When no story has that id.
    """
    seen = set()
    current = story_id
    while current not in seen:
        seen.add(current)
        rows = store.rows("SELECT merged_into FROM stories WHERE id = ?", [current])
        if not rows:
            raise NotFoundError(f"no story {story_id!r} in {store.path} (see `newsweave stories`)")
        if rows[0]["merged_into"] is None:
            return current
        current = rows[0]["merged_into"]
    raise StoreError(f"{store.path}: story {story_id!r} merges into itself")


def stored_article(store: Store, article_id: str) -> tuple[Article, dict[str, Any]]:
    """An article by id (or a unique prefix of it), with its story, input and revision.

    Raises:
        NotFoundError: When no article, or more than one, matches.
    """
    rows = store.rows(
        "SELECT a.*, m.story_id FROM articles a LEFT JOIN story_articles m ON m.article_id = a.id "
        "WHERE a.id = ? OR (a.id >= ? AND a.id < ?) LIMIT 2",
        [article_id, article_id, article_id + "\U0010ffff"],
    )
    exact = [row for row in rows if row["id"] == article_id]
    if exact:
        rows = exact
    if len(rows) != 1:
        problem = "no article" if not rows else "more than one article starts with"
        raise NotFoundError(f"{problem} {article_id!r} in {store.path}")
    row = rows[0]
    article = Article.from_dict({**json.loads(row["data"]), "text": row["text"]}, row["id"])
    stored = {
        "story": row["story_id"],
        "input": row["input"],
        "added": row["added"],
        "revision": row["revision"],
        "partial": bool(row["partial"]),
    }
    return article, stored


def stored_annotation(store: Store, article_id: str) -> Annotation:
    """An article's stored annotation (the article by its exact id).

    Raises:
        NotFoundError: When no article has that id.
    """
    rows = store.rows(
        _ANNOTATION_COLUMNS + "FROM articles a JOIN annotations n ON n.article_id = a.id "
        "WHERE a.id = ?",
        [article_id],
    )
    if not rows:
        raise NotFoundError(f"no article {article_id!r} in {store.path}")
    return _annotation(store, rows[0])


def independent_sources(store: Store, story_id: str) -> int:
    """How many independent origins a story's articles have (copies of one text count once)."""
    from newsweave.story.origins import find_origins

    rows = store.rows(
        "SELECT a.id, a.text, o.name AS outlet FROM story_articles m "
        "JOIN articles a ON a.id = m.article_id LEFT JOIN outlets o ON o.id = a.outlet_id "
        "WHERE m.story_id = ? ORDER BY a.number",
        [story_id],
    )
    return len(find_origins([Article(r["id"], r["text"], outlet=r["outlet"]) for r in rows]))


def story_annotations(store: Store, story_id: str) -> list[Annotation]:
    """The stored annotations of a story's articles, in the order they were added.

    The order in which they were added is the order of `brief FILES` on the same inputs, so the
    stored brief is that brief (articles number alike, summaries tie-break alike).
    """
    rows = store.rows(
        _ANNOTATION_COLUMNS + "FROM story_articles m JOIN articles a ON a.id = m.article_id "
        "JOIN annotations n ON n.article_id = a.id WHERE m.story_id = ? ORDER BY a.number",
        [story_id],
    )
    return [_annotation(store, row) for row in rows]


_ANNOTATION_COLUMNS = (
    "SELECT a.id, a.text, a.data AS article, n.data AS annotation, n.embeddings AS embeddings "
)


def _annotation(store: Store, row: Any) -> Annotation:
    """An Annotation from its stored parts: article, text, the JSON and the embeddings' bytes."""
    article = {**json.loads(row["article"]), "text": row["text"]}
    data = {**json.loads(row["annotation"]), "article": article}
    if row["embeddings"] is not None:
        # Stored raw since schema 2; a row of schema 1 has them in its JSON, as base64.
        data["vectors"]["data"] = row["embeddings"]
    return Annotation.from_dict(data, f"{store.path} article {row['id']}")


def brief_story(store: Store, story_id: str, settings: Settings, models: Models) -> Brief:
    """The brief of a stored story: from the cache when the story has not changed since.

    Args:
        store: The store (a brief is cached only when it is open for writing).
        story_id: The story, or an id merged into it.
        settings: The brief's settings (part of the cache key).
        models: The models (the embedder for words outside the word table; the pair model).
    """
    from newsweave.story.weave import weave_brief

    cached = cached_brief(store, story_id, settings, models)
    if cached is not None:
        return cached
    story, version = story_version(store, story_id)
    key = _settings_key(settings, models)
    annotations = story_annotations(store, story)
    brief = weave_brief(annotations, settings, models)
    if not store.readonly:
        with store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO briefs(story_id, settings, story_version, created, data) "
                "VALUES (?, ?, ?, ?, ?)",
                [story, key, version, now(), json.dumps(brief.to_dict(), ensure_ascii=False)],
            )
    return brief


def _settings_key(settings: Settings, models: Models) -> str:
    """What a cached brief depends on besides the story: settings, newsweave and its models."""
    what = {"settings": asdict(settings), "newsweave": __version__}
    what["annotator"] = models.annotator()
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def search_articles(store: Store, query: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """Articles whose title or text hold every word of the query, best first (FTS5, BM25).

    The query's words are matched as words (FTS5 operators in it are read as plain words), so
    any text is a valid query.

    Returns:
        Hits: article id, title, outlet, published, story id and a snippet with the words
        marked by [brackets].
    """
    words = _WORD.findall(query)
    if not words:
        return []
    match = " ".join(f'"{word}"' for word in words)
    rows = store.rows(
        "SELECT a.id, a.title, o.name AS outlet, a.published, m.story_id AS story, "
        "snippet(articles_fts, 1, '[', ']', ' … ', 16) AS snippet "
        "FROM articles_fts JOIN articles a ON a.number = articles_fts.rowid "
        "LEFT JOIN outlets o ON o.id = a.outlet_id "
        "LEFT JOIN story_articles m ON m.article_id = a.id "
        "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ?",
        [match, limit],
    )
    return [dict(row) for row in rows]
