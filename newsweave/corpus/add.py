"""Adding articles to the store: skip what is known, annotate the rest, file each into a story.

Articles are filed into stories by corpus/cluster.py. An article without a publication date
has no time window: it is compared with the stories seen most recently (a bounded number) and
does not move its story's dates.

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
from typing import TYPE_CHECKING, Any

from newsweave.analyze.nlp import Models
from newsweave.config import Settings
from newsweave.corpus.cluster import (
    ArticleView,
    StoryCentroid,
    add_terms,
    article_terms,
    document_vector,
    new_story_id,
    place_article,
    remove_terms,
    weigh_terms,
    window,
)
from newsweave.corpus.runners import Runner
from newsweave.corpus.store import Store, now
from newsweave.models import Annotation, Article

if TYPE_CHECKING:
    from newsweave.corpus.cluster import Vector

# How many of the most recently seen stories an undated article is compared with.
UNDATED_CANDIDATES = 500
# How many candidate stories, the closest in meaning, are compared by their words as well.
SHORTLIST = 50


@dataclass
class AddReport:
    """What an `add` did: articles new, revised and already stored; stories made and merged."""

    added: int = 0
    revised: int = 0
    known: int = 0
    new_stories: int = 0
    merged_stories: int = 0


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
            _file_into_story(db, annotation, settings, report)
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
    _refile(db, annotation, settings)


def _refile(db: Any, annotation: Annotation, settings: Settings) -> None:
    """Trade a revised article's old views for its new ones in its story's sums and dates."""
    import numpy as np

    article = annotation.article
    story, old_vector, old_terms = db.execute(
        "SELECT story_id, vector, terms FROM story_articles WHERE article_id = ?", [article.id]
    ).fetchone()
    if old_vector is None:
        # Filed by a store of schema 1, which kept no views: what it added to the sums is
        # unknown, so they stay as they were; the story's brief is still rebuilt.
        db.execute("UPDATE stories SET version = version + 1 WHERE id = ?", [story])
        return
    old = ArticleView(np.frombuffer(old_vector, np.float32), json.loads(old_terms))
    view = _article_view(db, annotation, settings, replacing=old.terms)
    centroid, terms, first_seen, last_seen = db.execute(
        "SELECT centroid, terms, first_seen, last_seen FROM stories WHERE id = ?", [story]
    ).fetchone()
    total = np.frombuffer(centroid, np.float32) - old.vector + view.vector
    day = view.day
    # A story's dates only widen: the old date may be another member's too.
    db.execute(
        "UPDATE stories SET centroid = ?, terms = ?, first_seen = ?, last_seen = ?, "
        "version = version + 1 WHERE id = ?",
        [
            total.astype(np.float32).tobytes(),
            json.dumps(
                add_terms(remove_terms(json.loads(terms), old.terms), view.terms), sort_keys=True
            ),
            _earliest(first_seen, day),
            _latest(last_seen, day),
            story,
        ],
    )
    db.execute(
        "UPDATE story_articles SET vector = ?, terms = ? WHERE article_id = ?",
        [view.vector.tobytes(), json.dumps(view.terms), article.id],
    )


def _article_view(
    db: Any,
    annotation: Annotation,
    settings: Settings,
    *,
    replacing: Mapping[str, float] | None = None,
) -> ArticleView:
    """The article's two views; its terms' document frequencies are counted in as it is stored.

    Args:
        db: The store's connection, inside the article's transaction.
        annotation: The article's annotation.
        settings: `story_lead_sentences`.
        replacing: The terms of the version a revision replaces: counted out first.
    """
    if replacing:
        db.executemany(
            "UPDATE terms SET articles = max(articles - 1, 0) WHERE term = ?",
            [(term,) for term in sorted(replacing)],
        )
    counts = article_terms(annotation)
    terms = sorted(counts)
    frequency: dict[str, int] = {}
    for chunk in range(0, len(terms), 500):
        part = terms[chunk : chunk + 500]
        marks = ",".join("?" * len(part))
        frequency.update(
            db.execute(f"SELECT term, articles FROM terms WHERE term IN ({marks})", part)
        )
    # Articles stored before this one (just inserted): the key's maximum, not a count(*) scan,
    # so the cost does not grow with the store.
    documents = db.execute("SELECT max(number) - 1 FROM articles").fetchone()[0] or 0
    db.executemany(
        "INSERT INTO terms(term, articles) VALUES (?, 1) "
        "ON CONFLICT(term) DO UPDATE SET articles = articles + 1",
        [(term,) for term in terms],
    )
    vector = document_vector(annotation, settings.story_lead_sentences)
    published = annotation.article.published
    return ArticleView(
        vector, weigh_terms(counts, frequency, documents), published[:10] if published else None
    )


def _candidates(
    db: Any, day: str | None, vector: Vector, settings: Settings
) -> list[StoryCentroid]:
    """The stories an article may join: within the window of its day, and undated ones.

    Only the SHORTLIST closest in meaning (average linkage) are read whole: their words cost
    more to fetch and decode than all the candidates' meaning vectors cost to compare.
    """
    import numpy as np

    columns = "SELECT id, centroid, articles FROM stories "
    # Stories without a date yet have no window: the most recently made ones, a bounded number.
    rows = db.execute(
        columns + "WHERE merged_into IS NULL AND last_seen IS NULL ORDER BY created DESC LIMIT ?",
        [UNDATED_CANDIDATES],
    ).fetchall()
    if day is not None:
        first, last = window(day, settings.story_window_days)
        rows += db.execute(
            columns + "WHERE merged_into IS NULL AND last_seen >= ? AND first_seen <= ?",
            [first, last],
        ).fetchall()
    else:
        # No date to window by: the stories seen most recently, a bounded number of them.
        rows += db.execute(
            columns + "WHERE merged_into IS NULL AND last_seen IS NOT NULL "
            "ORDER BY last_seen DESC LIMIT ?",
            [UNDATED_CANDIDATES],
        ).fetchall()
    if not rows:
        return []
    totals = np.frombuffer(b"".join(row[1] for row in rows), np.float32).reshape(len(rows), -1)
    if len(rows) > SHORTLIST:
        # Row by row, not as one matrix product, whose float32 sums round otherwise: near-ties
        # at the cut would then keep other stories than comparing each story alone does.
        meaning = [float(totals[n] @ vector) / max(rows[n][2], 1) for n in range(len(rows))]
        keep = sorted(range(len(rows)), key=lambda n: -meaning[n])[:SHORTLIST]
        rows, totals = [rows[n] for n in keep], totals[keep]
    marks = ",".join("?" * len(rows))
    details = {
        row[0]: row[1:]
        for row in db.execute(
            f"SELECT id, terms, first_seen, last_seen FROM stories WHERE id IN ({marks})",
            [row[0] for row in rows],
        )
    }
    chosen = sorted(range(len(rows)), key=lambda n: (details[rows[n][0]][1] or "~", rows[n][0]))
    return [
        StoryCentroid(
            rows[n][0],
            totals[n].copy(),
            json.loads(details[rows[n][0]][0]),
            rows[n][2],
            details[rows[n][0]][1],
            details[rows[n][0]][2],
        )
        for n in chosen
    ]


def _file_into_story(
    db: Any, annotation: Annotation, settings: Settings, report: AddReport
) -> None:
    """Join the article to its story (or start one), merging stories that turn out one."""
    import numpy as np

    article = annotation.article
    view = _article_view(db, annotation, settings)
    day = view.day
    candidates = _candidates(db, day, view.vector, settings)
    placement = place_article(view, candidates, settings)
    if placement.story is None:
        story = new_story_id(article.id)
        db.execute(
            "INSERT INTO stories(id, title, first_seen, last_seen, created, articles, version, "
            "centroid) VALUES (?, ?, ?, ?, ?, 0, 0, ?)",
            [story, article.title, day, day, now(), np.zeros_like(view.vector).tobytes()],
        )
        report.new_stories += 1
        keeper = StoryCentroid(story, np.zeros_like(view.vector), {}, 0, day, day)
    else:
        keeper = next(c for c in candidates if c.id == placement.story)
    total, count = keeper.total + view.vector, keeper.articles + 1
    terms = add_terms(keeper.terms, view.terms)
    # An undated article does not stretch its story's dates.
    first_seen = _earliest(keeper.first_seen, day)
    last_seen = _latest(keeper.last_seen, day)
    for merged in (c for c in candidates if c.id in placement.merged):
        total, count = total + merged.total, count + merged.articles
        terms = add_terms(terms, merged.terms)
        first_seen = _earliest(first_seen, merged.first_seen)
        last_seen = _latest(last_seen, merged.last_seen)
        db.execute(
            "UPDATE story_articles SET story_id = ? WHERE story_id = ?", [keeper.id, merged.id]
        )
        db.execute(
            "UPDATE stories SET merged_into = ? WHERE id = ? OR merged_into = ?",
            [keeper.id, merged.id, merged.id],
        )
        report.merged_stories += 1
    db.execute(
        "INSERT INTO story_articles(article_id, story_id, vector, terms) VALUES (?, ?, ?, ?)",
        [article.id, keeper.id, view.vector.tobytes(), json.dumps(view.terms)],
    )
    db.execute(
        "UPDATE stories SET centroid = ?, terms = ?, articles = ?, first_seen = ?, "
        "last_seen = ?, version = version + 1, title = coalesce(title, ?) WHERE id = ?",
        [
            total.astype(np.float32).tobytes(),
            json.dumps(terms, sort_keys=True),
            count,
            first_seen,
            last_seen,
            article.title,
            keeper.id,
        ],
    )


def _earliest(first: str | None, second: str | None) -> str | None:
    return min((d for d in (first, second) if d), default=None)


def _latest(first: str | None, second: str | None) -> str | None:
    return max((d for d in (first, second) if d), default=None)
