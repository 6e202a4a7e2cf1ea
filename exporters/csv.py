"""CSV files for Excel and scripts: one per record type, the same columns as the workbook.

UTF-8 with a byte-order mark, so Excel reads the Chinese text right; the workbook's headers
in the same language (Chinese unless `lang="en"`); the same cell guard as the workbook (a
formula-like text gets a leading apostrophe; see `exporters.cells`).
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

from exporters.base import AtomicFile, Exporter
from exporters.cells import csv_text
from exporters.tables import TABLES, Lang, Table, Value, language
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


class CsvExporter(Exporter):
    """Writes csv/articles.csv, organizations.csv, measures.csv, persons.csv, warnings.csv."""

    name: ClassVar[str] = "csv"
    files: ClassVar[tuple[str, ...]] = tuple(f"csv/{table.csv}" for table in CSV_TABLES)

    def __init__(self, outdir: Path, *, lang: str | None = None) -> None:
        super().__init__(outdir)
        self.lang: Lang = language(lang)
        self.outputs = [
            AtomicFile(outdir / "csv" / str(table.csv), encoding="utf-8-sig", newline="")
            for table in CSV_TABLES
        ]
        self.writers = [csv.writer(out.handle) for out in self.outputs]
        for table, writer in zip(CSV_TABLES, self.writers, strict=True):
            writer.writerow([csv_text(header) for header in table.headers(self.lang)])

    def write(self, article: Article) -> None:
        """Append the article's rows to each file."""
        for table, writer in zip(CSV_TABLES, self.writers, strict=True):
            writer.writerows([csv_value(v) for v in row] for row in table.rows(article, self.lang))

    def close(self) -> None:
        """Rename every file into place."""
        for out in self.outputs:
            out.commit()

    def abort(self) -> None:
        """Drop the partial files."""
        for out in self.outputs:
            out.discard()
