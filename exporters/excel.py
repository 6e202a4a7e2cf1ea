"""The analysts' workbook (`articles.xlsx`): a summary with a chart, then one sheet per record type.

Written with openpyxl's write-only (streaming) mode, so memory stays flat however many
articles go in: rows go straight to per-sheet temporary files. Only the first rows of a
sheet are held, to fit its column widths to Chinese text before the sheet is started.
Every text cell goes through `exporters.cells`: nothing can run as a formula.

Headers and sheet names are Chinese unless `lang="en"` (`exporters.tables` has both). The
sheets print landscape, one page wide, with the header row on every page; the chart has a
sheet (a page) of its own, the last; the Files sheet lists every line of the run's manifest.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, cast
from urllib.parse import urlsplit

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.drawing.spreadsheet_drawing import AbsoluteAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PrintPageSetup
from openpyxl.worksheet.worksheet import Worksheet

from exporters.base import Exporter
from exporters.cells import MAX_CELL_CHARS, CleanText, clean_text, display_width
from exporters.tables import (
    CHART_SHEET,
    CHART_TITLE,
    ENTITIES,
    FILES,
    ID,
    MANIFEST,
    NO_SUBJECT,
    SUMMARY,
    SUMMARY_COUNT,
    SUMMARY_FIGURE,
    SUMMARY_FIGURES,
    SUMMARY_ORGS,
    TABLES,
    WARNINGS,
    Column,
    EntityKind,
    EntityTally,
    Lang,
    Table,
    Value,
    count_groups,
    language,
    leaf_count,
    subject_organizations,
)
from schemas import Article
from schemas.models import LOCAL_SEPARATOR

#: Rows in one Excel sheet, header included; a longer table continues in "Name (2)".
EXCEL_MAX_ROWS = 1_048_576
#: Characters Excel accepts in a hyperlink address; a longer URL stays plain text.
MAX_URL_CHARS = 2_079
#: Hyperlinks Excel accepts in one sheet; URLs past that stay plain text.
MAX_LINKS_PER_SHEET = 65_530
#: Excel's 1900 calendar is wrong before March 1900 (its phantom 29 February); earlier is text.
EXCEL_FIRST_DAY = date(1900, 3, 1)
#: How many rows of a sheet are looked at to fit its column widths.
WIDTH_SAMPLE_ROWS = 500
#: Excel limits a sheet name to 31 characters without these.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
#: Bars in the chart (the Summary's table lists every organization).
CHART_BARS = 20
#: The chart sheet's chart: an A4 landscape page within its margins (cm).
CHART_PAGE_CM = (25.0, 17.0)
EMU_PER_CM = 360_000  # English Metric Units, the drawing unit of Office files
#: The key of the rows without a subject organization (shown as NO_SUBJECT's words).
NO_SUBJECT_KEY = ""
#: A Summary of at most this many rows prints on one page (scaled); a longer one is one
#: page wide and as many tall as it needs.
ONE_PAGE_ROWS = 80

#: Number format that shows a boolean as TRUE / FALSE (positive;negative;zero).
BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'
#: A font with CJK glyphs on Windows and macOS Office; LibreOffice substitutes a CJK font.
FONT_NAME = "Microsoft YaHei"
FONT_SIZE = 10
LINK_SCHEMES = ("http", "https")

#: A normal or write-only worksheet. Any: at run time the write-only sheet borrows Worksheet's
#: attributes (column_dimensions, auto_filter, add_chart), which openpyxl's stubs do not model.
Sheet = Any


def sheet_title(base: str, part: int = 1) -> str:
    """A valid sheet name: no []:*?/\\ characters, at most 31; part 2 on is "Name (2)"."""
    base = base.translate(SHEET_NAME_FORBIDDEN).strip("'") or "Sheet"
    suffix = "" if part == 1 else f" ({part})"
    return base[: SHEET_NAME_MAX - len(suffix)] + suffix


def linkable(url: str) -> bool:
    """Whether Excel can hold this URL as a hyperlink (web scheme, within its length limit)."""
    if len(url) > MAX_URL_CHARS or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)


@dataclass
class Styles:
    """Style arrays of the workbook's cell kinds, copied onto cells (cheaper than re-styling)."""

    header: StyleArray
    wrap: StyleArray
    literal: StyleArray
    wrap_literal: StyleArray
    datetime: StyleArray
    date: StyleArray
    link: StyleArray
    boolean: StyleArray

    @classmethod
    def of(cls, sheet: Sheet) -> Styles:
        """Register the styles in the sheet's workbook."""
        wrap = Alignment(wrap_text=True, vertical="top")

        def make(**attrs: object) -> StyleArray:
            cell = WriteOnlyCell(sheet)
            for name, value in attrs.items():
                setattr(cell, name, value)
            return cast(StyleArray, copy.copy(cell._style))  # type: ignore[attr-defined]

        return cls(
            # wrapped: a long header (出处（段落¶自0起…）) stays whole in a capped column
            header=make(font=Font(name=FONT_NAME, sz=FONT_SIZE, bold=True), alignment=wrap),
            wrap=make(alignment=wrap),
            # quotePrefix: Excel shows and keeps the text literally, even when it is edited.
            literal=make(quotePrefix=True),
            wrap_literal=make(alignment=wrap, quotePrefix=True),
            datetime=make(number_format="yyyy-mm-dd hh:mm:ss"),
            date=make(number_format="yyyy-mm-dd"),
            # Excel shows TRUE/FALSE anyway; LibreOffice shows a bare 1/0 without this format.
            boolean=make(number_format=BOOLEAN_FORMAT),
            link=make(font=Font(name=FONT_NAME, sz=FONT_SIZE, color="0563C1", underline="single")),
        )


@dataclass
class Stats:
    """The counts shown on the Summary sheet."""

    articles: int = 0
    organizations: int = 0
    persons: int = 0
    sources: int = 0
    groups: int = 0
    items: int = 0
    leaves: int = 0
    cut_cells: int = 0
    subject_articles: Counter[str] = field(default_factory=Counter)
    subject_leaves: Counter[str] = field(default_factory=Counter)
    #: (kind, key) -> the entity's tally; bounded by the distinct entities, not the articles.
    entities: dict[tuple[str, str], EntityTally] = field(default_factory=dict)

    def add(self, article: Article, rows: dict[str, int]) -> None:
        """Count one article."""
        self.articles += 1
        self.organizations += rows["Organizations"]
        self.persons += rows["Persons"]
        self.sources += rows["Sources"]
        self.items += rows["Measures"]
        leaves = leaf_count(article)
        self.leaves += leaves
        self.groups += count_groups(article.measure_groups)
        for name in subject_organizations(article) or [NO_SUBJECT_KEY]:
            self.subject_articles[name] += 1
            self.subject_leaves[name] += leaves
        self._tally(article)

    def _tally(self, article: Article) -> None:
        """Count each entity once per article (and once more where it is the subject)."""
        seen: dict[tuple[str, str], bool] = {}
        mentions: list[tuple[EntityKind, str, str, bool]] = [
            *(
                ("organization", o.entity_in(article.id), o.name, o.role == "subject")
                for o in article.organizations
            ),
            *(("person", p.entity_in(article.id), p.name, False) for p in article.authors),
        ]
        for kind, key, name, subject in mentions:
            tally = self.entities.get((kind, key))
            if tally is None:
                local = key.startswith(f"{article.id}{LOCAL_SEPARATOR}")
                tally = EntityTally(key, kind, local, set())
                self.entities[(kind, key)] = tally
            tally.names.add(name)
            seen[(kind, key)] = seen.get((kind, key), False) or subject
        for entity, subject in seen.items():
            self.entities[entity].articles += 1
            self.entities[entity].subject_of += subject


Prepared = Value | CleanText


class SheetWriter:
    """One table as sheets: fits widths on its first rows, streams the rest, rolls over."""

    def __init__(self, book: ExcelExporter, table: Table[Any]) -> None:
        self.book = book
        self.title = table.title(book.lang)
        self.columns = table.columns
        self.headers = table.headers(book.lang)
        # The id and title stay in view when scrolling right; a table without them keeps
        # its first column.
        self.freeze = "C2" if table.columns[0] == ID else "B2"
        self.part = 1
        self.sheet: Sheet = book.new_sheet(sheet_title(self.title))
        self.buffer: list[list[Prepared]] = []
        self.widths: list[float] | None = None
        self.rows_in_part = 0
        self.links_in_part = 0
        self.total = 0

    def append(self, values: Sequence[Value], article: Article | None) -> None:
        """Add one row (cleaned now, so a cut cell is reported with its article)."""
        row = [
            self._prepare(value, column, article)
            for value, column in zip(values, self.columns, strict=True)
        ]
        self.total += 1
        if self.widths is None:
            self.buffer.append(row)
            if len(self.buffer) >= WIDTH_SAMPLE_ROWS:
                self._start()
        else:
            self._write(row)

    def close(self) -> None:
        """Write what is buffered and set the last part's filter range."""
        if self.widths is None:
            self._start()
        self._finish_part()

    def _prepare(self, value: Value, column: Column, article: Article | None) -> Prepared:
        if not isinstance(value, str):
            return value
        cleaned = clean_text(value)
        if cleaned.cut_from is not None and article is not None:
            header = column.header(self.book.lang)
            self.book.cut_warning(article, self.title, header, cleaned.cut_from)
        return cleaned

    def _start(self) -> None:
        self.widths = [self._width(i, column) for i, column in enumerate(self.columns)]
        self._begin_part()
        rows, self.buffer = self.buffer, []
        for row in rows:
            self._write(row)

    def _width(self, index: int, column: Column) -> float:
        header = column.header(self.book.lang)
        if column.kind == "date":
            return max(20, min(display_width(header), column.max_width) + 3)
        widest = display_width(header) + 3  # room for the filter button
        for row in self.buffer:
            value = row[index]
            if isinstance(value, CleanText):
                widest = max(widest, display_width(value.text[: 2 * column.max_width]))
            elif value is not None:
                widest = max(widest, len(str(value)))
        return min(widest, column.max_width) + 1

    def _begin_part(self) -> None:
        sheet = self.sheet
        for number, width in enumerate(self.widths or (), 1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.freeze_panes = self.freeze
        print_setup(sheet)
        self.book.append(sheet, [self.book.text_cell(sheet, h, header=True) for h in self.headers])
        self.rows_in_part = 0
        self.links_in_part = 0

    def _finish_part(self) -> None:
        last = get_column_letter(len(self.columns))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows_in_part + 1}"

    def _write(self, row: list[Prepared]) -> None:
        if self.rows_in_part + 1 >= self.book.max_rows:
            self._finish_part()
            self.part += 1
            self.sheet = self.book.new_sheet(sheet_title(self.title, self.part), after=self.sheet)
            self._begin_part()
        sheet = self.sheet
        cells: list[Cell | Value] = []
        for value, column in zip(row, self.columns, strict=True):
            if isinstance(value, CleanText):
                cells.append(self._text(sheet, value, column))
            elif isinstance(value, datetime | date):
                cells.append(self.book.date_cell(sheet, value))
            elif isinstance(value, bool):
                cells.append(self.book.bool_cell(sheet, value))
            else:
                cells.append(value)
        self.book.append(sheet, cells)
        self.rows_in_part += 1

    def _text(self, sheet: Sheet, value: CleanText, column: Column) -> Cell | str:
        if (
            column.kind == "url"
            and not value.formula_like
            and linkable(value.text)
            and self.links_in_part < self.book.max_links
        ):
            self.links_in_part += 1
            return self.book.link_cell(sheet, value.text)
        if column.kind == "wrap" or value.formula_like:
            return self.book.text_cell(
                sheet, value.text, wrap=column.kind == "wrap", literal=value.formula_like
            )
        return value.text


class ExcelExporter(Exporter):
    """Writes `articles.xlsx`: Summary, then one sheet per table in `exporters.tables`."""

    name: ClassVar[str] = "xlsx"
    files: ClassVar[tuple[str, ...]] = ("articles.xlsx",)

    def __init__(
        self,
        outdir: Path,
        *,
        max_rows: int = EXCEL_MAX_ROWS,
        max_links: int = MAX_LINKS_PER_SHEET,
        write_only: bool = True,
        lang: str | None = None,
    ) -> None:
        super().__init__(outdir)
        self.lang: Lang = language(lang)
        if max_rows < 2:
            raise ValueError("max_rows must leave room for a header and a row")
        self.max_rows = max_rows
        self.max_links = max_links
        self.write_only = write_only
        self.target = outdir / self.files[0]
        self.wb = Workbook(write_only=write_only)
        if not write_only:
            self.wb.remove(self.wb.worksheets[0])  # the default empty "Sheet"
        _set_default_font(self.wb)
        self.summary = self.new_sheet(SUMMARY(self.lang))
        self.styles = Styles.of(self.summary)
        self.stats = Stats()
        self.sheets = {table.sheet: SheetWriter(self, table) for table in TABLES}
        self.entities_sheet = SheetWriter(self, ENTITIES)
        self.files_sheet = SheetWriter(self, FILES)
        # Last: openpyxl numbers sheet-local names (print titles, filters) by worksheet
        # position, which is the sheet position only while no chart sheet comes before.
        self.chart_sheet = self.wb.create_chartsheet(sheet_title(CHART_SHEET(self.lang)))
        self.manifest = outdir / MANIFEST
        self.file_counts: Counter[str] = Counter()

    # -- the Exporter interface

    def write(self, article: Article) -> None:
        """Add the article's rows to every sheet."""
        counts: dict[str, int] = {}
        for table in TABLES:
            writer = self.sheets[table.sheet]
            count = 0
            for row in table.rows(article, self.lang):
                writer.append(row, article)
                count += 1
            counts[table.sheet] = count
        self.stats.add(article, counts)

    def close(self) -> None:
        """Write the Summary, save beside the target, and rename into place."""
        for record in _manifest_lines(self.manifest):
            self.file_counts[str(record.get("status"))] += 1
            for row in FILES.rows(record, self.lang):
                self.files_sheet.append(row, None)
        tallies = self.stats.entities.values()
        for tally in sorted(tallies, key=lambda t: (-t.articles, t.kind, t.key)):
            for row in ENTITIES.rows(tally, self.lang):
                self.entities_sheet.append(row, None)
        for writer in [*self.sheets.values(), self.entities_sheet, self.files_sheet]:
            writer.close()
        self._write_summary()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        partial = self.target.with_name(self.target.name + ".part")
        try:
            self.wb.save(partial)
            partial.replace(self.target)
        finally:
            partial.unlink(missing_ok=True)

    def abort(self) -> None:
        """Drop the sheets' temporary files; the target is left as it was."""
        for sheet in self.wb.worksheets:
            rows = getattr(sheet, "_rows", None)  # write-only: the generator feeding the file
            if rows is not None:
                rows.close()
            writer = getattr(sheet, "_writer", None)
            if writer is not None:
                writer.close()
                writer.cleanup()

    # -- helpers used by SheetWriter

    def new_sheet(self, title: str, after: Sheet | None = None) -> Sheet:
        """A new sheet at the end, or right after `after`."""
        # sheetnames, not worksheets: the chart sheet counts among the positions
        index = None if after is None else self.wb.sheetnames.index(after.title) + 1
        return self.wb.create_sheet(title, index)

    def append(self, sheet: Sheet, cells: Sequence[Cell | Value]) -> None:
        """Append a row; in normal mode, point hyperlinks at the cells' final places."""
        sheet.append(list(cells))
        if not self.write_only:
            for cell in cells:
                if isinstance(cell, Cell) and cell.hyperlink is not None:
                    cell.hyperlink.ref = cell.coordinate

    def text_cell(
        self,
        sheet: Sheet,
        text: str,
        *,
        header: bool = False,
        wrap: bool = False,
        literal: bool = False,
    ) -> Cell:
        """A cell that holds `text` as text, never as a formula."""
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"  # openpyxl took a leading "=" for a formula: it is text
        if header:
            _restyle(cell, self.styles.header)
        elif wrap:
            _restyle(cell, self.styles.wrap_literal if literal else self.styles.wrap)
        elif literal:
            _restyle(cell, self.styles.literal)
        return cell

    def date_cell(self, sheet: Sheet, value: datetime | date) -> Cell | str:
        """A real Excel date (or date-time): yyyy-mm-dd (hh:mm:ss); ISO text before March 1900."""
        day = value.date() if isinstance(value, datetime) else value
        if day < EXCEL_FIRST_DAY:
            return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
        cell = WriteOnlyCell(sheet)
        cell.value = value
        _restyle(cell, self.styles.datetime if isinstance(value, datetime) else self.styles.date)
        return cell

    def bool_cell(self, sheet: Sheet, value: bool) -> Cell:
        """A boolean cell that every spreadsheet shows as TRUE / FALSE."""
        cell = WriteOnlyCell(sheet, value)
        _restyle(cell, self.styles.boolean)
        return cell

    def link_cell(self, sheet: Sheet, url: str) -> Cell:
        """The URL as text with a hyperlink to itself."""
        cell = self.text_cell(sheet, url)
        cell.hyperlink = url
        _restyle(cell, self.styles.link)
        return cell

    def cut_warning(self, article: Article, sheet: str, column: str, length: int) -> None:
        """Say on the Warnings sheet that a cell was cut to Excel's limit."""
        self.stats.cut_cells += 1
        message = f"{sheet} › {column}: {length:,} characters cut to Excel's {MAX_CELL_CHARS:,}"
        self.sheets[WARNINGS.sheet].append(
            (article.id, article.title, article.path, "xlsx", message), None
        )

    # -- Summary

    def _write_summary(self) -> None:
        sheet, stats, lang = self.summary, self.stats, self.lang
        figures: list[tuple[str, int]] = [
            ("articles", stats.articles),
            ("organizations", stats.organizations),
            ("subject organizations", len(set(stats.subject_articles) - {NO_SUBJECT_KEY})),
            ("persons", stats.persons),
            ("sources", stats.sources),
            ("measure groups", stats.groups),
            ("measure items", stats.items),
            ("leaf measures", stats.leaves),
            ("warnings", self.sheets[WARNINGS.sheet].total),
        ]
        if self.file_counts:
            figures.append(("files", sum(self.file_counts.values())))
            figures.append(("files failed", self.file_counts["failed"]))
        names = sorted(
            (n for n in stats.subject_leaves if n != NO_SUBJECT_KEY),
            key=lambda n: (-stats.subject_leaves[n], n),
        )
        if NO_SUBJECT_KEY in stats.subject_leaves:
            names.append(NO_SUBJECT_KEY)
        widest = max((display_width(n) for n in names), default=0)
        sheet.column_dimensions["A"].width = min(max(widest, 22), 40) + 2
        sheet.column_dimensions["B"].width = 12
        sheet.column_dimensions["C"].width = 15
        sheet.freeze_panes = "A2"
        # Before the first row: a write-only sheet writes its properties when it starts.
        rows = len(figures) + 3 + len(names)
        print_setup(sheet, one_page=rows <= ONE_PAGE_ROWS)
        header = self.text_cell
        self.append(
            sheet,
            [
                header(sheet, SUMMARY_FIGURE(lang), header=True),
                header(sheet, SUMMARY_COUNT(lang), header=True),
            ],
        )
        for key, number in figures:
            self.append(sheet, [SUMMARY_FIGURES[key](lang), number])
        self.append(sheet, [])
        top = len(figures) + 3  # the organization table's header row
        self.append(sheet, [header(sheet, h(lang), header=True) for h in SUMMARY_ORGS])
        for name in names:
            shown = name or NO_SUBJECT(lang)
            cell = self.text_cell(sheet, shown, literal=clean_text(shown).formula_like)
            self.append(sheet, [cell, stats.subject_articles[name], stats.subject_leaves[name]])
        sheet.auto_filter.ref = f"A{top}:C{top + len(names)}"
        bars = min(CHART_BARS, len([n for n in names if n != NO_SUBJECT_KEY]))
        if bars:
            chart = _bar_chart(sheet, top, bars, CHART_TITLE(lang))
            self.chart_sheet.add_chart(chart)
            # openpyxl anchors a chart sheet's chart with size 0: Excel stretches it to the
            # page, LibreOffice draws nothing. Give it the size of the page.
            width, height = (round(cm * EMU_PER_CM) for cm in CHART_PAGE_CM)
            anchor = AbsoluteAnchor(ext=XDRPositiveSize2D(width, height))
            cast(Any, chart).anchor = anchor  # openpyxl's stubs type it as a cell name
        self.chart_sheet.pageSetup = PrintPageSetup(
            orientation="landscape", paperSize=Worksheet.PAPERSIZE_A4
        )


def print_setup(sheet: Sheet, *, one_page: bool = False) -> None:
    """Landscape A4, one page wide (and one tall when asked), the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _manifest_lines(path: Path) -> Iterator[Mapping[str, Any]]:
    """The run's manifest lines (none when there is no manifest beside the output)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn last line of an interrupted run
            if isinstance(record, dict):
                yield record


def _bar_chart(sheet: Sheet, top: int, bars: int, title: str) -> BarChart:
    """Leaf measures per subject organization, largest first, every bar named and valued."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.add_data(
        Reference(sheet, min_col=3, min_row=top, max_row=top + bars), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=top + bars))
    chart.x_axis.scaling.orientation = "maxMin"  # the first row at the top
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 1  # a name at every bar (Excel and LibreOffice skip some)
    chart.x_axis.tickMarkSkip = 1
    chart.y_axis.title = SUMMARY_ORGS[2].zh if title == CHART_TITLE.zh else SUMMARY_ORGS[2].en
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True  # the number at the end of every bar, and only it
    chart.dataLabels.showCatName = False  # (LibreOffice adds what is not switched off)
    chart.dataLabels.showSerName = False
    chart.dataLabels.showLegendKey = False
    chart.dataLabels.showPercent = False
    chart.legend = None
    return chart


def _set_default_font(wb: Workbook) -> None:
    """Make the workbook's default font CJK-capable (style 0, used by every unstyled cell)."""
    font = Font(name=FONT_NAME, sz=FONT_SIZE)
    # openpyxl has no public setting for it: font 0 and the Normal style are the default.
    wb._fonts = IndexedList([font])  # type: ignore[attr-defined]
    wb._named_styles["Normal"].font = font  # type: ignore[attr-defined]


def _restyle(cell: Cell, style: StyleArray) -> None:
    """Give a cell a prepared style: a copy of 9 integers, openpyxl's own way to clone a style."""
    cell._style = copy.copy(style)  # type: ignore[attr-defined]
