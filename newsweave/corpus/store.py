"""The store: one SQLite file that keeps articles, their annotations, stories and cached briefs.

Plain tables with foreign keys (docs/store.md has one section per table), so Datasette or the
sqlite3 shell read it naturally; an FTS5 index over titles and texts for search. The standard
library's sqlite3 is the whole engine: no server. WAL mode lets readers (`stories`, `search`,
the web) run while an `add` writes; a second writer waits for the first (busy timeout) rather
than failing or corrupting anything.

The file says what it is: `PRAGMA application_id` marks a newsweave store (another SQLite file
is refused, never written to) and `PRAGMA user_version` is its schema version, migrated forward
on open for writing; a store of a newer newsweave is refused. Every write happens inside
`transaction()`, so an article is stored with its annotation and its story in one commit, and a
process killed at any point leaves the store as it was after the last whole article.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsweave.errors import NewsweaveError

# "nwsv": what `PRAGMA application_id` of a newsweave store holds.
APPLICATION_ID = 0x6E777376
SCHEMA_VERSION = 3
# How long a writer waits for another writer to finish before giving up, in seconds.
BUSY_TIMEOUT_SECONDS = 600

_SCHEMA_1 = """
CREATE TABLE outlets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE articles (
    number INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT,
    title TEXT,
    outlet_id INTEGER REFERENCES outlets(id),
    published TEXT,
    author TEXT,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    partial INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1)),
    input TEXT,
    added TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX articles_by_url ON articles(url) WHERE url IS NOT NULL;
CREATE INDEX articles_by_text ON articles(text_hash);
CREATE TABLE revisions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    added TEXT NOT NULL,
    PRIMARY KEY (article_id, revision)
);
CREATE TABLE annotations (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT,
    first_seen TEXT,
    last_seen TEXT,
    created TEXT NOT NULL,
    articles INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0,
    centroid BLOB NOT NULL,
    terms TEXT NOT NULL DEFAULT '{}',
    merged_into TEXT REFERENCES stories(id)
);
CREATE INDEX stories_by_last_seen ON stories(last_seen) WHERE merged_into IS NULL;
CREATE INDEX stories_undated ON stories(created) WHERE merged_into IS NULL AND last_seen IS NULL;
CREATE TABLE story_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id TEXT NOT NULL REFERENCES stories(id)
);
CREATE INDEX story_articles_by_story ON story_articles(story_id);
CREATE TABLE terms (
    term TEXT PRIMARY KEY,
    articles INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE briefs (
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    settings TEXT NOT NULL,
    story_version INTEGER NOT NULL,
    created TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (story_id, settings)
);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='number', tokenize='porter unicode61'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.number, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.number, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.number, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.number, new.title, new.text);
END;
"""

# Version 2: embeddings as raw float32 bytes beside the annotation's JSON rather than as base64
# inside it (a quarter of a store's size); each story member's views as they were filed, so a
# revision can take exactly them out of its story's sums. Rows stored before keep NULL there:
# their embeddings stay in the JSON, and a revision of them leaves the sums as they were.
_SCHEMA_2 = """
ALTER TABLE annotations ADD COLUMN embeddings BLOB;
ALTER TABLE story_articles ADD COLUMN vector BLOB;
ALTER TABLE story_articles ADD COLUMN terms TEXT;
"""

# Version 3: an index of each live story's heaviest terms (its key terms: rare words and names),
# through which an article without a date finds the stories of any time that share them. Filled
# from the stories' word sums, as filing chooses them (the weightiest, then by term).
_SCHEMA_3 = """
CREATE TABLE story_terms (
    term TEXT NOT NULL,
    story_id TEXT NOT NULL REFERENCES stories(id),
    PRIMARY KEY (term, story_id)
) WITHOUT ROWID;
CREATE INDEX story_terms_by_story ON story_terms(story_id);
INSERT INTO story_terms(term, story_id)
SELECT term, story_id FROM (
    SELECT j.key AS term, s.id AS story_id,
           row_number() OVER (PARTITION BY s.id ORDER BY j.value DESC, j.key) AS rank
    FROM stories s, json_each(s.terms) j WHERE s.merged_into IS NULL
) WHERE rank <= 20;
"""

# Each entry takes the store from version n to n + 1.
_MIGRATIONS: tuple[str, ...] = (_SCHEMA_1, _SCHEMA_2, _SCHEMA_3)


class StoreError(NewsweaveError):
    """The store file cannot be used: not a newsweave store, newer, read-only, full, damaged."""


@dataclass(frozen=True)
class StoredArticle:
    """What the store knows of an article by its URL or text: its id, text hash and revision."""

    id: str
    text_hash: str
    revision: int


def now() -> str:
    """The current UTC time as ISO 8601, to the second: when a row was added."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """An open newsweave store. Use as a context manager; it closes the connection on exit.

    Args:
        path: The store file; created when missing (unless `readonly`).
        readonly: Open for reading only: nothing is created or written, except that a store
            of an older schema is migrated first when this process can write it.
    """

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.connection = self._connect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self.connection.close()

    def _connect(self) -> sqlite3.Connection:
        label = str(self.path)
        if self.path.is_dir():
            raise StoreError(f"{label}: is a directory, not a store file")
        exists = self.path.exists() and self.path.stat().st_size > 0
        if self.readonly and not exists:
            raise StoreError(f"{label}: no store here (run `newsweave add` first)")
        try:
            if self.readonly:
                connection = self._open_readonly()
            else:
                connection = sqlite3.connect(self.path, isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            application, version = self._identify(connection, exists)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{label}: not a newsweave store ({error})") from None
        if exists and application != APPLICATION_ID:
            connection.close()
            raise StoreError(f"{label}: an SQLite file, but not a newsweave store; not touched")
        if version > SCHEMA_VERSION:
            connection.close()
            raise StoreError(
                f"{label}: store schema {version} is newer than this newsweave's "
                f"({SCHEMA_VERSION}); upgrade newsweave to read it"
            )
        connection.execute("PRAGMA foreign_keys = ON")
        if not self.readonly:
            try:
                self._prepare(connection, version)
            except sqlite3.OperationalError as error:
                connection.close()
                raise StoreError(f"{label}: cannot write the store ({error})") from None
        elif version < SCHEMA_VERSION:
            connection.close()
            # A store of an older newsweave: migrated once, where the file can be written, so
            # that `stories` after an upgrade works as before; else the reader cannot read it.
            try:
                Store(self.path).close()
            except StoreError:
                raise StoreError(
                    f"{label}: store schema {version} is older than {SCHEMA_VERSION}, and this "
                    "process cannot write it to migrate it; run `newsweave add` on it once"
                ) from None
            return self._connect()
        return connection

    def _open_readonly(self) -> sqlite3.Connection:
        uri = self.path.resolve().as_uri()
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
        try:
            connection.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError as error:
            if "unable to open" not in str(error):
                raise
            connection.close()
            # A store in a folder this process may not write (a read-only mount): WAL readers
            # need a -shm file beside it, so it is read as an immutable file instead, which
            # SQLite trusts not to change while it is open.
            connection = sqlite3.connect(
                f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None
            )
        return connection

    @staticmethod
    def _identify(connection: sqlite3.Connection, exists: bool) -> tuple[int, int]:
        """The file's application id and schema version (reads the header: fails on non-SQLite)."""
        application = int(connection.execute("PRAGMA application_id").fetchone()[0])
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if exists and application == 0 and version == 0:
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables == 0:
                return APPLICATION_ID, 0  # an empty SQLite file: a store to create
        return application, version

    def _prepare(self, connection: sqlite3.Connection, version: int) -> None:
        """Switch to WAL and migrate, waiting out other processes that open the store at once.

        The busy timeout does not cover everything here: while the file is still in rollback
        mode (a store being created), SQLite answers "locked" at once rather than risk a
        deadlock between two connections that both hold a read lock and want to write. Those
        moments are short, so a lock error is retried until the busy timeout is spent.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    # SQLite refuses the switch by answering the old mode, not with an error.
                    raise sqlite3.OperationalError("database is locked")
                self._migrate(connection, version)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, connection: sqlite3.Connection, version: int) -> None:
        """Bring the schema to SCHEMA_VERSION, one migration per transaction."""
        while version < SCHEMA_VERSION:
            connection.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while this one waited for the lock.
                current = int(connection.execute("PRAGMA user_version").fetchone()[0])
                if current == version:
                    for statement in _statements(_MIGRATIONS[version]):
                        connection.execute(statement)
                    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    connection.execute(f"PRAGMA user_version = {version + 1}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside commits together or not at all.

        It takes the write lock at once (BEGIN IMMEDIATE), so a second writer waits here, not
        half way through.
        """
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only")
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.path}: cannot write the store ({error})") from None
        try:
            yield self.connection
        except sqlite3.OperationalError as error:
            # A full disk, a read-only file: the whole transaction is undone, nothing half-written.
            self._rollback()
            raise StoreError(f"{self.path}: cannot write the store ({error})") from None
        except BaseException:
            self._rollback()
            raise
        try:
            self.connection.execute("COMMIT")
        except sqlite3.OperationalError as error:
            self._rollback()
            raise StoreError(f"{self.path}: cannot write the store ({error})") from None

    def _rollback(self) -> None:
        # SQLite may have rolled back already (a full disk does): then there is nothing to undo.
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of a query, each readable by column name."""
        cursor = self.connection.execute(sql, parameters)
        names = [column[0] for column in cursor.description or ()]
        return [_Row(names, values) for values in cursor.fetchall()]

    def find_article(self, url: str | None, text_hash: str) -> tuple[StoredArticle | None, bool]:
        """The stored article with this URL (else this text), and whether its text is the same.

        Returns:
            (None, False) when neither is stored; (article, True) for the same text (stored
            already); (article, False) for a stored URL whose text changed (a revision).
        """
        if url is not None:
            found = self.rows("SELECT id, text_hash, revision FROM articles WHERE url = ?", [url])
            if found:
                row = found[0]
                stored = StoredArticle(row["id"], row["text_hash"], row["revision"])
                same = stored.text_hash == text_hash or self._had_text(stored.id, text_hash)
                return stored, same
        found = self.rows(
            "SELECT id, text_hash, revision FROM articles WHERE text_hash = ? LIMIT 1", [text_hash]
        )
        if found:
            row = found[0]
            return StoredArticle(row["id"], row["text_hash"], row["revision"]), True
        return None, False

    def _had_text(self, article_id: str, text_hash: str) -> bool:
        """Whether an earlier revision of the article had this text (an old copy seen again)."""
        return bool(
            self.rows(
                "SELECT 1 FROM revisions WHERE article_id = ? AND text_hash = ?",
                [article_id, text_hash],
            )
        )

    def outlet_id(self, connection: sqlite3.Connection, name: str | None) -> int | None:
        """The id of an outlet by name, added when new (inside a transaction)."""
        if not name:
            return None
        connection.execute("INSERT OR IGNORE INTO outlets(name) VALUES (?)", [name])
        row = connection.execute("SELECT id FROM outlets WHERE name = ?", [name]).fetchone()
        return int(row[0])

    def counts(self) -> dict[str, int]:
        """How many articles, stories (not merged away) and outlets the store holds."""
        return {
            "articles": self.rows("SELECT count(*) AS n FROM articles")[0]["n"],
            "stories": self.rows("SELECT count(*) AS n FROM stories WHERE merged_into IS NULL")[0][
                "n"
            ],
            "outlets": self.rows("SELECT count(*) AS n FROM outlets")[0]["n"],
        }


class _Row(dict[str, Any]):
    """A result row as a dict of column name to value."""

    def __init__(self, names: Sequence[str], values: Sequence[Any]) -> None:
        super().__init__(zip(names, values, strict=True))


def _statements(script: str) -> Iterator[str]:
    """The statements of a schema script; a trigger's body keeps its inner semicolons."""
    statement: list[str] = []
    for line in script.strip().splitlines():
        statement.append(line)
        text = "\n".join(statement).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            yield text
            statement = []
