"""CSV files for Excel and scripts: one per record type, the same columns as the workbook.

UTF-8 with a byte-order mark, so Excel reads the Chinese text right; the workbook's headers
in the same language (Chinese unless `lang="en"`); the same cell guard as the workbook (a
formula-like text gets a leading apostrophe; see `exporters.cells`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from exporters.base import AtomicFile, Exporter, Preparer
from exporters.cells import csv_text
from exporters.lang import Lang
from exporters.tables import TABLES, Table, Value, language
from schemas import Article

#: The tables that have a CSV file (DESIGN.md's list), in the workbook's order.
CSV_TABLES: tuple[Table[Article], ...] = tuple(table for table in TABLES if table.csv)


def csv_value(value: Value) -> str:
    """A typed value as a CSV field: dates in ISO form, booleans as Excel's TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return csv_text(value)


def csv_lines(rows: Iterable[Iterable[str]]) -> str:
    """Rows as CSV text: the csv module's own quoting and line ends, as a writer on the file."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


# A plain class with slots, not a frozen dataclass: a fresh process makes it in a few us,
# not 0.3 ms (the fork server's preload makes it, on the way to a pool's first result).
class CsvLines:
    """The preparer: an article's lines of each CSV file, as UTF-8 (made in the worker, so
    that the writer only appends bytes)."""

    __slots__ = ("lang",)

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, article: Article) -> tuple[bytes, ...]:
        """One text per file of CSV_TABLES, in order (empty when the article has no row)."""
        texts = []
        for table in CSV_TABLES:
            rows = ([csv_value(v) for v in row] for row in table.rows(article, self.lang))
            texts.append(csv_lines(rows).encode("utf-8"))
        return tuple(texts)


class CsvExporter(Exporter):
    """Writes csv/articles.csv, organizations.csv, measures.csv, persons.csv, warnings.csv."""

    name: ClassVar[str] = "csv"
    files: ClassVar[tuple[str, ...]] = tuple(f"csv/{table.csv}" for table in CSV_TABLES)

    def __init__(self, outdir: Path, *, lang: str | None = None) -> None:
        super().__init__(outdir)
        self.lang: Lang = language(lang)
        self.outputs = [
            AtomicFile(outdir / "csv" / str(table.csv), encoding="utf-8-sig")
            for table in CSV_TABLES
        ]
        for table, out in zip(CSV_TABLES, self.outputs, strict=True):
            out.write(csv_lines([[csv_text(header) for header in table.headers(self.lang)]]))

    def preparer(self) -> Preparer:
        """The rows as CSV text, made in the worker."""
        return CsvLines(self.lang)

    def append(self, piece: Any) -> None:
        """Append one article's prepared lines to each file."""
        for out, lines in zip(self.outputs, piece, strict=True):
            out.write_bytes(lines)

    def write(self, article: Article) -> None:
        """Append the article's rows to each file."""
        self.append(CsvLines(self.lang)(article))

    def sync(self) -> None:
        """Put every file's lines on disk."""
        for out in self.outputs:
            out.sync()

    def close(self) -> None:
        """Rename every file into place."""
        for out in self.outputs:
            out.commit()

    def abort(self) -> None:
        """Drop the partial files."""
        for out in self.outputs:
            out.discard()
