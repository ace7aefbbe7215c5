"""Filing an article into its story in the store: its views, its candidates, the writes.

corpus/cluster.py says how an article and a story are seen and compared, corpus/regroup.py how
the stories around an arriving article are clustered again; this module reads what they need
from the store and writes what they decide, inside the article's transaction. An article
without a publication date has no time window: it is compared with the stories seen most
recently (a bounded number) and does not move its story's dates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from newsweave.config import Settings
from newsweave.corpus.cluster import (
    STORY_KEYS,
    ArticleView,
    StoryCentroid,
    add_terms,
    article_terms,
    document_vector,
    key_terms,
    remove_terms,
    weigh_terms,
    window,
)
from newsweave.corpus.regroup import REGROUP_ARTICLES, Group, Unit, neighbours, regroup
from newsweave.corpus.store import now
from newsweave.models import Annotation

if TYPE_CHECKING:
    from newsweave.corpus.add import AddReport

# How many of the most recently seen stories an undated article is compared with.
UNDATED_CANDIDATES = 500
# How many candidate stories, the closest in meaning, are compared by their words as well.
SHORTLIST = 50
# An undated article looks up this many of its key terms in the stories' index of theirs...
ARTICLE_KEYS = 10
# ...reads at most this many stories per term (a common name's list is long)...
KEY_POSTINGS = 1000
# ...and adds the stories that share most of them, this many, to its candidates.
KEY_CANDIDATES = 50


def refile_article(db: Any, annotation: Annotation, settings: Settings) -> None:
    """Trade a revised article's old views for its new ones in its story's sums and dates.

    Args:
        db: The store's connection, inside the revision's transaction.
        annotation: The new version's annotation.
        settings: The clustering settings.
    """
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
    centroid, stored_terms, first_seen, last_seen = db.execute(
        "SELECT centroid, terms, first_seen, last_seen FROM stories WHERE id = ?", [story]
    ).fetchone()
    total = np.frombuffer(centroid, np.float32) - old.vector + view.vector
    day = view.day
    terms = add_terms(remove_terms(json.loads(stored_terms), old.terms), view.terms)
    # A story's dates only widen: the old date may be another member's too.
    db.execute(
        "UPDATE stories SET centroid = ?, terms = ?, first_seen = ?, last_seen = ?, "
        "version = version + 1 WHERE id = ?",
        [
            total.astype(np.float32).tobytes(),
            json.dumps(terms, sort_keys=True),
            _earliest(first_seen, day),
            _latest(last_seen, day),
            story,
        ],
    )
    db.execute(
        "UPDATE story_articles SET vector = ?, terms = ? WHERE article_id = ?",
        [view.vector.tobytes(), json.dumps(view.terms), article.id],
    )
    index_story(db, story, terms)


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


def _candidates(db: Any, view: ArticleView, settings: Settings) -> list[StoryCentroid]:
    """The stories an article may join: within the window of its day, and undated ones.

    Only the SHORTLIST closest in meaning (average linkage) are read whole: their words cost
    more to fetch and decode than all the candidates' meaning vectors cost to compare. An
    article without a date adds the stories of any time that share most of its key terms.
    """
    import numpy as np

    day, vector = view.day, view.vector

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
    if len(rows) > SHORTLIST:
        totals = np.frombuffer(b"".join(row[1] for row in rows), np.float32).reshape(len(rows), -1)
        # Row by row, not as one matrix product, whose float32 sums round otherwise: near-ties
        # at the cut would then keep other stories than comparing each story alone does.
        meaning = [float(totals[n] @ vector) / max(rows[n][2], 1) for n in range(len(rows))]
        rows = [rows[n] for n in sorted(range(len(rows)), key=lambda n: -meaning[n])[:SHORTLIST]]
    if day is None:
        rows += _sharing_key_terms(db, view.terms, {row[0] for row in rows})
    if not rows:
        return []
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
            np.frombuffer(rows[n][1], np.float32).copy(),
            json.loads(details[rows[n][0]][0]),
            rows[n][2],
            details[rows[n][0]][1],
            details[rows[n][0]][2],
        )
        for n in chosen
    ]


def _sharing_key_terms(db: Any, terms: Mapping[str, float], known: set[str]) -> list[Any]:
    """Stories (id, centroid, articles) of any time sharing most of the article's key terms.

    A story whose date is far from now is out of reach of the undated article by time; by its
    rare words and names it is not (a JSONL dump without dates, an archive).
    """
    keys = key_terms(terms, ARTICLE_KEYS)
    if not keys:
        return []
    postings = " UNION ALL ".join(
        ["SELECT * FROM (SELECT story_id FROM story_terms WHERE term = ? LIMIT ?)"] * len(keys)
    )
    shared = db.execute(
        f"SELECT story_id, count(*) AS shared FROM ({postings}) GROUP BY story_id "
        "ORDER BY shared DESC, story_id",
        [value for key in keys for value in (key, KEY_POSTINGS)],
    ).fetchall()
    found = [story for story, _shared in shared if story not in known][:KEY_CANDIDATES]
    if not found:
        return []
    marks = ",".join("?" * len(found))
    rows = {
        row[0]: row
        for row in db.execute(
            f"SELECT id, centroid, articles FROM stories WHERE id IN ({marks})", found
        )
    }
    return [rows[story] for story in found]


def index_story(db: Any, story: str, terms: Mapping[str, float]) -> None:
    """Put the story's key terms in the index (story_terms) in place of those it had."""
    db.execute("DELETE FROM story_terms WHERE story_id = ?", [story])
    db.executemany(
        "INSERT INTO story_terms(term, story_id) VALUES (?, ?)",
        [(term, story) for term in key_terms(terms, STORY_KEYS)],
    )


def file_article(db: Any, annotation: Annotation, settings: Settings, report: AddReport) -> None:
    """File a new article: regroup it with the stories it comes near (corpus/regroup.py).

    Args:
        db: The store's connection, inside the article's transaction (the article inserted).
        annotation: The article's annotation.
        settings: The clustering settings.
        report: Counts of stories made and merged and articles moved, to add to.
    """
    article = annotation.article
    view = _article_view(db, annotation, settings)
    candidates = _candidates(db, view, settings)
    near = neighbours(view, candidates, settings)
    arrived = Unit.of_article(article.id, None, view)
    changed = [g for g in regroup(arrived, near, _units(db, near), settings) if g.changed]
    # Every group's members first, then the stories' rows: a row's title is read from its
    # members, which a group written later may still take away.
    for group in changed:
        _move_members(db, group, arrived, report)
    for group in changed:
        _write_story(db, group)


def _units(db: Any, stories: Sequence[StoryCentroid]) -> list[Unit]:
    """The neighbouring stories' articles with their views as filed, up to REGROUP_ARTICLES.

    A story that no longer fits in that budget, or one with a member filed by schema 1 (whose
    views were not kept), takes part whole, with its sums.
    """
    units: list[Unit] = []
    budget = REGROUP_ARTICLES
    for story in stories:
        rows = []
        if story.articles <= budget:
            rows = db.execute(
                "SELECT m.article_id, m.vector, m.terms, a.published FROM story_articles m "
                "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY a.number",
                [story.id],
            ).fetchall()
        if rows and len(rows) == story.articles and all(row[1] is not None for row in rows):
            budget -= len(rows)
            units += [_member(row, story.id) for row in rows]
        else:
            units.append(Unit.of_story(story))
    return units


def _member(row: Any, story: str) -> Unit:
    import numpy as np

    article, vector, terms, published = row
    day = published[:10] if published else None
    view = ArticleView(np.frombuffer(vector, np.float32).copy(), json.loads(terms), day)
    return Unit.of_article(article, story, view)


def _move_members(db: Any, group: Group, arrived: Unit, report: AddReport) -> None:
    """Make a regrouped story's membership: new story row, members moved, stories merged."""
    if group.new:
        db.execute(
            "INSERT INTO stories(id, created, centroid) VALUES (?, ?, ?)",
            [group.story, now(), b""],
        )
        report.new_stories += 1
    for unit in group.units:
        if unit is arrived:
            db.execute(
                "INSERT INTO story_articles(article_id, story_id, vector, terms) "
                "VALUES (?, ?, ?, ?)",
                [unit.article, group.story, unit.vector.tobytes(), json.dumps(unit.terms)],
            )
        elif unit.story != group.story and unit.article is not None:
            db.execute(
                "UPDATE story_articles SET story_id = ? WHERE article_id = ?",
                [group.story, unit.article],
            )
            # Moved from a story that goes on (not with the rest of a merging one).
            report.regrouped += int(unit.story not in group.merged)
        elif unit.story != group.story:
            # A whole story, merging in.
            db.execute(
                "UPDATE story_articles SET story_id = ? WHERE story_id = ?",
                [group.story, unit.story],
            )
    for merged in group.merged:
        db.execute(
            "UPDATE stories SET merged_into = ? WHERE id = ? OR merged_into = ?",
            [group.story, merged, merged],
        )
        db.execute("DELETE FROM story_terms WHERE story_id = ?", [merged])
        report.merged_stories += 1


def _write_story(db: Any, group: Group) -> None:
    """Write a regrouped story's row from its members: sums, count, dates, version, title."""
    import numpy as np

    total, terms, first_seen, last_seen = group.sums()
    db.execute(
        "UPDATE stories SET centroid = ?, terms = ?, articles = ?, first_seen = ?, "
        "last_seen = ?, version = version + 1, title = ("
        # The title of its first titled article: the one that started it may have moved.
        "SELECT a.title FROM story_articles m JOIN articles a ON a.id = m.article_id "
        "WHERE m.story_id = stories.id AND a.title IS NOT NULL ORDER BY a.number LIMIT 1"
        ") WHERE id = ?",
        [
            np.asarray(total, np.float32).tobytes(),
            json.dumps(terms, sort_keys=True),
            group.size,
            first_seen,
            last_seen,
            group.story,
        ],
    )
    index_story(db, group.story, terms)


def _earliest(first: str | None, second: str | None) -> str | None:
    return min((d for d in (first, second) if d), default=None)


def _latest(first: str | None, second: str | None) -> str | None:
    return max((d for d in (first, second) if d), default=None)
