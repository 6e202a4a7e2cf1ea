"""Run-wide entity tallies kept on disk (SQLite), not in the writer process's memory.

The workbook's Entities sheet and the report's entity pages list every distinct entity of a
run. A run of distinct posts meets new ones at every article (about two a bulk post, most
of them local to that one article), so as objects in the writer they were what grew with the
run: 1.0 MB of tallies, 0.7 MB of report pages and 2.8 MB of their unpickled keys and names
for 4,000 more bulk posts (tracemalloc snapshots at 1,000 and 5,000 posts of a -j 2 run).

Here they go to a SQLite database (the standard library's `sqlite3`) among the exporter's
temporary files, with a small page cache, and come back sorted when the exporter closes.
The workbook's tallies are first held in memory, up to ENTITIES_IN_MEMORY entities, and
only a longer run writes them to the database: a run of a few thousand posts (the default
outputs' usual run) costs the writer what it did, and a longer run's holds that many.
Texts are stored as UTF-8 blobs: SQLite compares blobs byte by byte, and UTF-8's byte
order is the code points' order, which is how Python orders `str`, so ORDER BY gives what
`sorted()` gave (`surrogatepass`: a stray surrogate is stored, not refused).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from exporters.scratch_db import blob, connect, text
from exporters.tables import EntityKind, EntityTally

if TYPE_CHECKING:  # imported by scratch_db.connect, when a database is made
    import sqlite3

#: Entities the workbook's tallies hold in memory before they go to the database (about
#: 4,000 bulk posts' worth, some 2 MB): a run of 3,000 posts (about 5,900 entities) stays in
#: memory, where its tallies cost the writer 10-15 ms instead of 60-70 ms through SQLite.
ENTITIES_IN_MEMORY = 8192
#: Articles whose rows are gathered before they go to the database in one call per
#: statement (a call costs about as much as a row): a few kB held, whatever the run.
ARTICLES_PER_WRITE = 64


# ---- the workbook's Entities sheet -------------------------------------------------------

WORKBOOK_SCHEMA = """
CREATE TABLE entity (
    kind BLOB, key BLOB, local INTEGER, articles INTEGER, subject_of INTEGER,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE name (kind BLOB, key BLOB, name BLOB, PRIMARY KEY (kind, key, name)) WITHOUT ROWID;
"""
ADD_ENTITY = """
INSERT INTO entity VALUES (?, ?, ?, ?, ?)
ON CONFLICT (kind, key) DO UPDATE SET
    articles = articles + excluded.articles, subject_of = subject_of + excluded.subject_of
"""
ADD_NAME = "INSERT OR IGNORE INTO name VALUES (?, ?, ?)"
#: Most mentioned first, then by kind and key (the order the sheet always had).
TALLIES = """
SELECT entity.kind, entity.key, local, articles, subject_of, name
FROM entity JOIN name USING (kind, key)
ORDER BY articles DESC, entity.kind, entity.key
"""

#: (kind, entity key, name written, is the subject, local to this article): `ArticleTally`'s.
Mention = tuple[EntityKind, str, str, bool, bool]


class EntityTallies:
    """Each distinct entity of the run: the names it was written with, how many articles
    mention it, how many have it as their subject, and whether it is local to one."""

    def __init__(self, path: Path, in_memory: int = ENTITIES_IN_MEMORY) -> None:
        self.path = path
        self.in_memory = in_memory
        self.db: sqlite3.Connection | None = None  # made when the memory's share is full
        #: (kind, key) -> the tally since the last write to the database.
        self.held: dict[tuple[str, str], EntityTally] = {}

    def add(self, mentions: Iterable[Mention]) -> None:
        """Count one article's mentions: each entity once (and once more as the subject)."""
        seen: dict[tuple[str, str], bool] = {}
        for kind, key, name, subject, local in mentions:
            entity = self.held.get((kind, key))
            if entity is None:
                entity = self.held[(kind, key)] = EntityTally(key, kind, local, ())
            entity.add_name(name)
            seen[(kind, key)] = seen.get((kind, key), False) or subject
        for entity_key, subject in seen.items():
            entity = self.held[entity_key]
            entity.articles += 1
            entity.subject_of += subject
        if len(self.held) > self.in_memory:
            self._write()

    def _write(self) -> None:
        # Added to what the database has: its `local` (the first article's) is kept.
        if self.db is None:
            self.db = connect(self.path, WORKBOOK_SCHEMA)
        held = list(self.held.values())
        self.db.executemany(
            ADD_ENTITY,
            [(blob(t.kind), blob(t.key), t.local, t.articles, t.subject_of) for t in held],
        )
        self.db.executemany(
            ADD_NAME, [(blob(t.kind), blob(t.key), blob(name)) for t in held for name in t.names]
        )
        self.held = {}

    def tallies(self) -> Iterator[EntityTally]:
        """Every entity, most mentioned first (then by kind and key)."""
        if self.db is None:  # all in memory
            yield from sorted(self.held.values(), key=lambda t: (-t.articles, t.kind, t.key))
            return
        self._write()
        rows = self.db.execute(TALLIES)
        for (kind, key, local, articles, subject_of), group in groupby(
            rows, key=lambda row: row[:5]
        ):
            names = tuple(text(row[5]) for row in group)
            entity_kind = cast(EntityKind, text(kind))
            yield EntityTally(text(key), entity_kind, bool(local), names, articles, subject_of)

    def close(self) -> None:
        """Close the database, if one was made (its file goes with the exporter's folder)."""
        if self.db is not None:
            self.db.close()
        self.held = {}


# ---- the report's entity pages -----------------------------------------------------------

REPORT_SCHEMA = """
CREATE TABLE page (entity BLOB UNIQUE);
CREATE TABLE name (entity BLOB, name BLOB, count INTEGER, UNIQUE (entity, name));
CREATE TABLE article (entity BLOB, page BLOB, title BLOB, date BLOB, role BLOB);
CREATE INDEX article_of ON article (entity);
"""
ADD_PAGE = "INSERT OR IGNORE INTO page VALUES (?)"
ADD_WRITTEN = """
INSERT INTO name VALUES (?, ?, 1) ON CONFLICT (entity, name) DO UPDATE SET count = count + 1
"""
ADD_ARTICLE = "INSERT INTO article VALUES (?, ?, ?, ?, ?)"
#: In order of first mention (rowid: the order of insertion).
PAGES = "SELECT entity FROM page ORDER BY rowid"
#: Most written first; a tie in the order first written (as `Counter.most_common`).
NAMES = "SELECT name FROM name WHERE entity = ? ORDER BY count DESC, rowid"
ARTICLES = "SELECT page, title, date, role FROM article WHERE entity = ? ORDER BY rowid LIMIT ?"
ARTICLE_COUNT = "SELECT count(*) FROM article WHERE entity = ?"


class EntityArticle(NamedTuple):
    """An article listed on an entity's page."""

    page: str  # the article's page, from the site's root
    title: str
    date: str
    role: str


class EntityPage(NamedTuple):
    """One organization entity across articles, as its page shows it."""

    key: str
    names: list[str]  # most written first
    articles: list[EntityArticle]  # the first `rows` articles that mention it
    total: int  # articles that mention it


class EntityPages:
    """The report's organization entities: the names each is written with (counted per
    mention) and the articles that mention it, in the order they came."""

    def __init__(self, path: Path) -> None:
        self.db = connect(path, REPORT_SCHEMA)
        self.written: list[tuple[bytes, bytes]] = []
        self.listed: list[tuple[bytes, bytes, bytes, bytes, bytes]] = []
        self.articles = 0

    def add(
        self, mentions: Iterable[tuple[str, str, str]], page: str, title: str, date: str
    ) -> None:
        """One article's (entity, name written, role) mentions; the article is listed once
        under each entity, with the role of its first mention."""
        listed: dict[bytes, tuple[bytes, bytes, bytes, bytes, bytes]] = {}
        written: list[tuple[bytes, bytes]] = []
        article = (blob(page), blob(title), blob(date))
        for entity, name, role in mentions:
            key = blob(entity)
            written.append((key, blob(name)))
            if key not in listed:
                listed[key] = (key, *article, blob(role))
        self.written.extend(written)
        self.listed.extend(listed.values())
        self.articles += 1
        if self.articles % ARTICLES_PER_WRITE == 0:
            self._write()

    def _write(self) -> None:
        # In the order the articles came: pages in order of first mention, names counted.
        self.db.executemany(ADD_PAGE, [(row[0],) for row in self.listed])
        self.db.executemany(ADD_WRITTEN, self.written)
        self.db.executemany(ADD_ARTICLE, self.listed)
        self.written, self.listed = [], []

    def pages(self, rows: int) -> Iterator[EntityPage]:
        """Every entity, in the order first mentioned, with up to `rows` of its articles."""
        self._write()
        read = self.db.cursor()
        for (key,) in self.db.execute(PAGES):
            names = [text(name) for (name,) in read.execute(NAMES, (key,))]
            articles = [
                EntityArticle(*map(text, row)) for row in read.execute(ARTICLES, (key, rows))
            ]
            (total,) = read.execute(ARTICLE_COUNT, (key,)).fetchone()
            yield EntityPage(text(key), names, articles, total)

    def close(self) -> None:
        """Close the database."""
        self.db.close()
