"""Adding articles to the store: skip what is known, annotate the rest, file each into a story.

Articles are filed into stories by corpus/filing.py (which corpus/cluster.py and
corpus/regroup.py decide).

Known articles are found before any annotation (the costly part): the same URL with the same
text, or the same clean text under another URL, is stored already and skipped, so rerunning an
`add` that was killed redoes only what was not committed. A known URL with changed text is a
revision: the article keeps its id and its story, the old text is kept in `revisions`, the
story's sums trade the article's old views for its new ones (each member's views are kept as
filed, so exactly what was added is taken out), and the story's version moves on (its cached
brief is rebuilt). Each article is then committed with its
annotation and its story membership in one transaction (store.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsweave.analyze.nlp import Models
from newsweave.config import Settings
from newsweave.corpus.filing import file_article, refile_article
from newsweave.corpus.runners import Runner
from newsweave.corpus.store import Store, now
from newsweave.models import Annotation, Article


@dataclass
class AddReport:
    """What an `add` did: articles new, revised and known; stories made, merged; articles moved."""

    added: int = 0
    revised: int = 0
    known: int = 0
    new_stories: int = 0
    merged_stories: int = 0
    regrouped: int = 0


def text_hash(text: str) -> str:
    """The hash by which the store recognises the same clean text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_articles(
    store: Store,
    articles: Sequence[Article],
    models: Models,
    settings: Settings,
    runner: Runner,
    *,
    on_stored: Callable[[Article], None] | None = None,
    report: AddReport | None = None,
) -> AddReport:
    """Store new articles and revisions with their annotations, each filed into a story.

    Args:
        store: The store, open for writing.
        articles: The articles read from the inputs (without repeats).
        models: The models that annotate them (their `annotator()` is stored with each).
        settings: Clustering settings (`story_*`) and the annotation settings.
        runner: Maps the per-article stage (in this process or a pool).
        on_stored: Called after each article is committed.
        report: Counts to add to (several calls, one report); by default new ones.

    Returns:
        The counts of what was done.
    """
    report = report if report is not None else AddReport()
    planned = _plan(store, articles, report)
    annotator = models.annotator()
    annotations = runner.annotate([article for article, _revises in planned], models, settings)
    for (article, revises), annotation in zip(planned, annotations, strict=True):
        store_annotation(store, annotation, annotator, settings, report, revises=revises)
        if on_stored is not None:
            on_stored(article)
    return report


def store_annotation(
    store: Store,
    annotation: Annotation,
    annotator: Mapping[str, str],
    settings: Settings,
    report: AddReport,
    *,
    revises: bool = False,
) -> None:
    """Commit one annotated article: new (filed into a story) or a revision, in one transaction.

    Args:
        store: The store, open for writing.
        annotation: The article's annotation (the article inside it).
        annotator: The models that made it (`Models.annotator()`).
        settings: The clustering settings.
        report: Counts to add to.
        revises: Whether it replaces the stored text of the same article id.
    """
    made_by = json.dumps(dict(annotator), sort_keys=True)
    with store.transaction() as db:
        if _stored_meanwhile(db, annotation.article, revises=revises):
            # Another `add` stored it since this one planned: now it is known.
            report.known += 1
            return
        if revises:
            _revise(db, annotation, made_by, settings)
            report.revised += 1
        else:
            _insert(store, db, annotation, made_by)
            file_article(db, annotation, settings, report)
            report.added += 1


def _stored_meanwhile(db: Any, article: Article, *, revises: bool) -> bool:
    """Whether this text (or, for a new article, this URL or id) is in the store already."""
    digest = text_hash(article.text)
    if db.execute("SELECT 1 FROM articles WHERE text_hash = ?", [digest]).fetchone():
        return True
    if revises:
        return False
    found = db.execute("SELECT 1 FROM articles WHERE id = ?", [article.id]).fetchone()
    if found is None and article.url is not None:
        found = db.execute("SELECT 1 FROM articles WHERE url = ?", [article.url]).fetchone()
    return found is not None


def _plan(
    store: Store, articles: Iterable[Article], report: AddReport
) -> list[tuple[Article, bool]]:
    """The articles to annotate, each with whether it revises a stored one (and then its id)."""
    planned: list[tuple[Article, bool]] = []
    urls: dict[str, str] = {}
    for article in articles:
        digest = text_hash(article.text)
        stored, same = store.find_article(article.url, digest)
        if stored is not None and same:
            report.known += 1
            continue
        if stored is not None:
            planned.append((replace(article, id=stored.id), True))
            continue
        if article.url is not None and article.url in urls:
            # A second version of a URL in this very run: a revision of the first.
            planned.append((replace(article, id=urls[article.url]), True))
            continue
        new = article
        if store.rows("SELECT 1 FROM articles WHERE id = ?", [article.id]):
            # An id given by the input (a JSONL `id`) that names another text here already.
            new = replace(article, id=f"{article.id}-{digest[:8]}")
        if new.url is not None:
            urls[new.url] = new.id
        planned.append((new, False))
    return planned


def _article_data(article: Article) -> str:
    """The article's JSON form without its text (kept once, in the `text` column)."""
    data = article.to_dict()
    del data["text"]
    return json.dumps(data, ensure_ascii=False)


def _annotation_data(annotation: Annotation) -> tuple[str, bytes]:
    """The annotation's JSON form and its embeddings' bytes, kept apart.

    The JSON goes without the article (kept once, in `articles`) and without the embeddings,
    which are stored raw in their own column: as base64 inside the JSON they took a third more
    room, and most of a store's.
    """
    data = annotation.to_dict()
    del data["article"]
    del data["vectors"]["data"]
    return json.dumps(data, ensure_ascii=False), annotation.vectors.data


def _insert(store: Store, db: Any, annotation: Annotation, annotator: str) -> None:
    article = annotation.article
    db.execute(
        "INSERT INTO articles(id, url, title, outlet_id, published, author, text, text_hash, "
        "partial, input, added, revision, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        [
            article.id,
            article.url,
            article.title,
            store.outlet_id(db, article.outlet),
            article.published,
            article.author,
            article.text,
            text_hash(article.text),
            int(article.partial),
            article.path,
            now(),
            _article_data(article),
        ],
    )
    db.execute(
        "INSERT INTO annotations(article_id, annotator, data, embeddings) VALUES (?, ?, ?, ?)",
        [article.id, annotator, *_annotation_data(annotation)],
    )


def _revise(db: Any, annotation: Annotation, annotator: str, settings: Settings) -> None:
    """Keep the stored text as a revision, store the new one in its place, update its story."""
    article = annotation.article
    db.execute(
        "INSERT INTO revisions(article_id, revision, text, text_hash, data, added) "
        "SELECT id, revision, text, text_hash, data, added FROM articles WHERE id = ?",
        [article.id],
    )
    db.execute(
        "UPDATE articles SET title = ?, published = ?, author = ?, text = ?, text_hash = ?, "
        "partial = ?, added = ?, revision = revision + 1, data = ? WHERE id = ?",
        [
            article.title,
            article.published,
            article.author,
            article.text,
            text_hash(article.text),
            int(article.partial),
            now(),
            _article_data(article),
            article.id,
        ],
    )
    db.execute(
        "UPDATE annotations SET annotator = ?, data = ?, embeddings = ? WHERE article_id = ?",
        [annotator, *_annotation_data(annotation), article.id],
    )
    refile_article(db, annotation, settings)
