"""What a worker makes of one article for the workbook: its rows of every sheet, and a tally.

`ExcelRows` is the xlsx exporter's preparer. It lives apart from `exporters.excel` so that a
worker process, which unpickles it, does not import openpyxl (60 ms a worker, and workers
are replaced as a run goes): the rows are text (`exporters.sheetxml`), the tally plain data.
The Summary and Entities sheets are built in the writer from the tallies; `FileRows` makes
the Files sheet's row of each input file from its manifest record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from exporters.cells import MAX_CELL_CHARS
from exporters.lang import Lang
from exporters.sheetxml import SheetRow, row_xml
from exporters.tables import (
    FILES,
    TABLES,
    WARNINGS,
    EntityKind,
    Table,
    count_groups,
    leaf_count,
    subject_organizations,
)
from schemas import Article
from schemas.models import LOCAL_SEPARATOR


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class ArticleTally(NamedTuple):
    """What the Summary and Entities sheets need of one article (made with its rows)."""

    rows: tuple[int, ...]  # rows of each of TABLES (cut-cell warnings not counted)
    leaves: int
    groups: int
    subjects: tuple[str, ...]
    #: (kind, entity key, name written, is the subject, local to this article) per mention.
    mentions: tuple[tuple[EntityKind, str, str, bool, bool], ...]
    cut_cells: int


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class WorkbookPiece(NamedTuple):
    """One article's share of the workbook: each table's prepared rows, and its tally."""

    rows: tuple[tuple[SheetRow, ...], ...]  # per table of TABLES, in order
    tally: ArticleTally


# A plain class with slots, not a frozen dataclass: a fresh process makes it in a few us,
# not 0.3 ms (the fork server's preload makes it, on the way to a pool's first result).
class ExcelRows:
    """The preparer: an article's rows of every sheet, serialised (run in the worker)."""

    __slots__ = ("lang",)

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, article: Article) -> WorkbookPiece:
        """Every table's rows; a cell cut to Excel's limit adds a row to Warnings, as it goes."""
        rows: dict[str, list[SheetRow]] = {table.sheet: [] for table in TABLES}
        counts: list[int] = []
        cut_cells = 0
        for table in TABLES:
            count = 0
            for values in table.rows(article, self.lang):
                row, cuts = row_xml(values, table.columns)
                for index, length in cuts:
                    cut_cells += 1
                    rows[WARNINGS.sheet].append(self._cut_warning(article, table, index, length))
                rows[table.sheet].append(row)
                count += 1
            counts.append(count)
        return WorkbookPiece(
            tuple(tuple(rows[table.sheet]) for table in TABLES),
            ArticleTally(
                tuple(counts),
                leaf_count(article),
                count_groups(article.measure_groups),
                tuple(subject_organizations(article)),
                _mentions(article),
                cut_cells,
            ),
        )

    def _cut_warning(
        self, article: Article, table: Table[Any], index: int, length: int
    ) -> SheetRow:
        """Say on the Warnings sheet that a cell was cut to Excel's limit."""
        column = table.columns[index].header(self.lang)
        message = (
            f"{table.title(self.lang)} › {column}: {length:,} characters cut to Excel's "
            f"{MAX_CELL_CHARS:,}"
        )
        values = (article.id, article.title, article.path, "xlsx", message)
        return row_xml(values, WARNINGS.columns)[0]


# A plain class with slots, not a frozen dataclass: a fresh process makes it in a few us,
# not 0.3 ms (the fork server's preload makes it, on the way to a pool's first result).
class FileRows:
    """The Files sheet's preparer: a file's manifest record as its row (run in the worker),
    with its status for the Summary's counts."""

    __slots__ = ("lang",)

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, record: Mapping[str, Any]) -> tuple[str, SheetRow]:
        """(status, the row)."""
        [values] = FILES.rows(record, self.lang)
        return str(record.get("status")), row_xml(values, FILES.columns)[0]


def _mentions(article: Article) -> tuple[tuple[EntityKind, str, str, bool, bool], ...]:
    local = f"{article.id}{LOCAL_SEPARATOR}"
    mentions: list[tuple[EntityKind, str, str, bool, bool]] = []
    for org in article.organizations:
        key = org.entity_in(article.id)
        mentions.append(
            ("organization", key, org.name, org.role == "subject", key.startswith(local))
        )
    for person in article.authors:
        key = person.entity_in(article.id)
        mentions.append(("person", key, person.name, False, key.startswith(local)))
    return tuple(mentions)
