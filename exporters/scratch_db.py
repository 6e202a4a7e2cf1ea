"""SQLite scratch databases of a run: what the writer keeps past its in-memory bounds (the
workbook's entity tallies and the report's entity pages, exporters/entity_store.py; the run's
ids, extractor/batch/ids.py). Rebuilt by running again, so nothing durable is asked of them.

Text is stored as UTF-8 blobs with surrogates passed through: a name may hold a stray
surrogate (decoded input), which SQLite's TEXT would refuse, and blobs compare by bytes,
which gives Python's order of the strings (code point order) when read back sorted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a database is made: most runs never spill (1.5 ms of a start)
    import sqlite3

#: SQLite's page cache (KiB; it defaults to 2,000): the tables are written in order of
#: arrival and read once, or looked up once per key, so a larger cache buys little, and it
#: is resident memory.
CACHE_KIB = 512
#: What the databases may skip: they are scratch files, rebuilt by running again.
PRAGMAS = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA locking_mode = EXCLUSIVE",
    f"PRAGMA cache_size = -{CACHE_KIB}",
)


def blob(text: str) -> bytes:
    """A string as stored."""
    return text.encode("utf-8", "surrogatepass")


def text(stored: bytes) -> str:
    """A stored string back."""
    return bytes(stored).decode("utf-8", "surrogatepass")


def connect(path: Path | None, schema: str) -> sqlite3.Connection:
    """A new database with `schema` at path (a file left there is replaced), or a private
    temporary one on disk, deleted on close, when path is None."""
    import sqlite3  # noqa: PLC0415 - see the import above

    if path is not None:
        path.unlink(missing_ok=True)
    connection = sqlite3.connect("" if path is None else path)
    for pragma in PRAGMAS:
        connection.execute(pragma)
    connection.executescript(schema)
    return connection
