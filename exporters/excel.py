"""The analysts' workbook (`articles.xlsx`): a summary with a chart, then one sheet per record type.

Streamed, so memory stays flat however many articles go in: each article's rows are
serialised where it was extracted (`exporters.xlsx_rows`, in the worker), and
the writer appends their text to one temporary file per sheet. On close, openpyxl writes the
workbook's frame (the Summary and its chart, each sheet's widths, panes, filter, print
setup and header row) and the rows are spliced into its sheets as the zip is copied into
place. Only the first rows of a sheet are held, to fit its column widths to Chinese text;
the Summary and Entities sheets need small tallies (per article, per distinct entity).
Every text cell goes through `exporters.cells`: nothing can run as a formula.

Headers and sheet names are Chinese unless `lang="en"` (`exporters.tables` has both). The
sheets print landscape, one page wide, with the header row on every page; the chart has a
sheet (a page) of its own, the last; the Files sheet lists every line of the run's manifest.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar, cast

from isal import isal_zlib  # ISA-L's deflate: see _fast_deflate
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

from exporters.base import WRITE_BUFFER, Exporter, FilePreparer, Preparer
from exporters.cells import display_width
from exporters.entity_store import EntityTallies
from exporters.lang import Lang
from exporters.sheetxml import (
    LINK_STYLE,
    ROW_MARK,
    STYLE_IDS,
    STYLE_KINDS,
    SheetRow,
    attribute_xml,
    fit_widths,
    row_xml,
)
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
    EntityTally,
    Table,
    language,
    manifest_lines,
)
from exporters.xlsx_rows import ArticleTally, ExcelRows, FileRows, WorkbookPiece
from schemas import Article

#: The entities' tallies, among the sheets' temporary files.
ENTITY_DB = "entities.sqlite"
#: Rows in one Excel sheet, header included; a longer table continues in "Name (2)".
EXCEL_MAX_ROWS = 1_048_576
#: Hyperlinks Excel accepts in one sheet; URLs past that stay plain text.
MAX_LINKS_PER_SHEET = 65_530
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
#: Namespaces and the relationship type of a sheet's hyperlinks.
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK_REL = REL_NS + "/hyperlink"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Elements that follow <hyperlinks> in a worksheet (ECMA-376 order), where they are put.
AFTER_HYPERLINKS = ("<printOptions", "<pageMargins", "<pageSetup", "<headerFooter")
#: Bytes copied at a time from a sheet's row file into the workbook.
COPY_CHUNK = 1 << 20
#: zlib level of the workbook's small parts (the frame's): level 1 takes half the time of
#: the default 6 for a file about 12 % larger (measured on the samples).
ZIP_LEVEL = 1
#: ISA-L's level for the data sheets, which the writer compresses while every worker has
#: finished: on the bulk corpus's sheets its level 2 deflates 4-5x as fast as zlib's level 1
#: into as small a file (760 vs 170 MB/s, 27.1 % of the XML for both).
FAST_DEFLATE_LEVEL = 2
RAW_DEFLATE_BITS = -15  # a raw deflate stream, as a zip member holds it

#: The marks of a prepared row (`exporters.sheetxml`) as the writer replaces them, in bytes.
ROW_MARK_BYTES = ROW_MARK.encode()
#: The Summary's organization table as prepared rows see it: a name, then two counts.
SUMMARY_ORG_COLUMNS = (
    Column(SUMMARY_ORGS[0].zh, SUMMARY_ORGS[0].en),
    Column(SUMMARY_ORGS[1].zh, SUMMARY_ORGS[1].en, "int"),
    Column(SUMMARY_ORGS[2].zh, SUMMARY_ORGS[2].en, "int"),
)
LINK_STYLE_BYTES = LINK_STYLE.encode()
LINKED_STYLE = f' s="{STYLE_IDS["link"]}"'.encode()

#: A normal or write-only worksheet. Any: at run time the write-only sheet borrows Worksheet's
#: attributes (column_dimensions, auto_filter, add_chart), which openpyxl's stubs do not model.
Sheet = Any


def sheet_title(base: str, part: int = 1) -> str:
    """A valid sheet name: no []:*?/\\ characters, at most 31; part 2 on is "Name (2)"."""
    base = base.translate(SHEET_NAME_FORBIDDEN).strip("'") or "Sheet"
    suffix = "" if part == 1 else f" ({part})"
    return base[: SHEET_NAME_MAX - len(suffix)] + suffix


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
    #: Every distinct entity's tally: on disk past a few thousand (`exporters.entity_store`).
    entities: EntityTallies | None = None

    def add(self, tally: ArticleTally) -> None:
        """Count one article."""
        rows = dict(zip((table.sheet for table in TABLES), tally.rows, strict=True))
        self.articles += 1
        self.organizations += rows["Organizations"]
        self.persons += rows["Persons"]
        self.sources += rows["Sources"]
        self.items += rows["Measures"]
        self.leaves += tally.leaves
        self.groups += tally.groups
        self.cut_cells += tally.cut_cells
        for name in tally.subjects or [NO_SUBJECT_KEY]:
            self.subject_articles[name] += 1
            self.subject_leaves[name] += tally.leaves
        if self.entities is not None:
            self.entities.add(tally.mentions)

    def tallies(self) -> Iterator[EntityTally]:
        """Every entity, most mentioned first (then by kind and key)."""
        return iter(()) if self.entities is None else self.entities.tallies()

    def close(self) -> None:
        """Close the entities' database."""
        if self.entities is not None:
            self.entities.close()


class SheetPart:
    """One sheet of a table (a long table continues on "Name (2)"): its rows on disk.

    Three temporary files: the `<row>` elements, the `<hyperlink>` elements and their
    relationships (a sheet's links point at targets in its relationship part).
    """

    def __init__(self, folder: Path, number: int, title: str) -> None:
        self.title = title
        self.rows_path = folder / f"{number}.rows"
        self.links_path = folder / f"{number}.links"
        self.rels_path = folder / f"{number}.rels"
        self.rows: IO[bytes] = self.rows_path.open("wb", buffering=WRITE_BUFFER)
        self.links: IO[str] | None = None
        self.rels: IO[str] | None = None
        self.count = 0  # rows below the header
        self.link_count = 0

    def add_link(self, ref: str, url: str) -> None:
        """A hyperlink on cell `ref` (its relationship id counts the sheet's links)."""
        if self.links is None or self.rels is None:
            self.links = self.links_path.open("w", encoding="utf-8")
            self.rels = self.rels_path.open("w", encoding="utf-8")
        self.link_count += 1
        rel = f"rId{self.link_count}"
        self.links.write(f'<hyperlink ref="{ref}" r:id="{rel}"/>')
        self.rels.write(
            f'<Relationship Id="{rel}" Type="{HYPERLINK_REL}" Target="{attribute_xml(url)}"'
            ' TargetMode="External"/>'
        )

    def close(self) -> None:
        """Close the files (they are read when the workbook is put together)."""
        for handle in (self.rows, self.links, self.rels):
            if handle is not None:
                handle.close()


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
        self.parts: list[SheetPart] = []
        self.buffer: list[SheetRow] = []
        self.widths: list[float] | None = None
        self.total = 0

    def append(self, row: SheetRow) -> None:
        """Add one prepared row."""
        self.total += 1
        if self.widths is None:
            self.buffer.append(row)
            if len(self.buffer) >= WIDTH_SAMPLE_ROWS:
                self._start()
        else:
            self._write(row)

    def close(self) -> None:
        """Write what is buffered; close the files."""
        if self.widths is None:
            self._start()
        for part in self.parts:
            part.close()

    def _start(self) -> None:
        self.widths = fit_widths(self.headers, self.columns, self.buffer)
        self._new_part()
        rows, self.buffer = self.buffer, []
        for row in rows:
            self._write(row)

    def _new_part(self) -> None:
        title = sheet_title(self.title, len(self.parts) + 1)
        self.parts.append(SheetPart(self.book.folder, self.book.next_part(), title))

    def _write(self, row: SheetRow) -> None:
        part = self.parts[-1]
        if part.count + 1 >= self.book.max_rows:
            self._new_part()
            part = self.parts[-1]
        part.count += 1
        number = str(part.count + 1)  # the header is row 1
        xml = row.xml.replace(ROW_MARK_BYTES, number.encode())
        for letter, url in row.links:
            if part.link_count < self.book.max_links:
                part.add_link(f"{letter}{number}", url)
                xml = xml.replace(LINK_STYLE_BYTES, LINKED_STYLE, 1)
            else:
                xml = xml.replace(LINK_STYLE_BYTES, b"", 1)
        part.rows.write(xml)


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
        lang: str | None = None,
    ) -> None:
        super().__init__(outdir)
        self.lang: Lang = language(lang)
        if max_rows < 2:
            raise ValueError("max_rows must leave room for a header and a row")
        self.max_rows = max_rows
        self.max_links = max_links
        self.target = outdir / self.files[0]
        self.folder = Path(tempfile.mkdtemp(prefix="newsfacts-xlsx-"))
        self.parts_made = 0
        self.stats = Stats(entities=EntityTallies(self.folder / ENTITY_DB))
        self.sheets = {table.sheet: SheetWriter(self, table) for table in TABLES}
        self.entities_sheet = SheetWriter(self, ENTITIES)
        self.files_sheet = SheetWriter(self, FILES)
        self.manifest = outdir / MANIFEST
        self.file_counts: Counter[str] = Counter()
        #: True once a run gives the files as they are done (else close reads the manifest).
        self.files_given = False

    # -- the Exporter interface

    def preparer(self) -> Preparer:
        """The article's rows, serialised in the worker."""
        return ExcelRows(self.lang)

    def append(self, piece: Any) -> None:
        """Add one article's prepared rows to every sheet."""
        prepared = cast(WorkbookPiece, piece)
        for table, rows in zip(TABLES, prepared.rows, strict=True):
            writer = self.sheets[table.sheet]
            for row in rows:
                writer.append(row)
        self.stats.add(prepared.tally)

    def write(self, article: Article) -> None:
        """Add the article's rows to every sheet."""
        self.append(ExcelRows(self.lang)(article))

    def file_preparer(self) -> FilePreparer:
        """Each file's row of the Files sheet, made in the worker from its manifest record."""
        return FileRows(self.lang)

    def append_file(self, piece: Any) -> None:
        """Add one file's prepared row to the Files sheet."""
        status, row = cast(tuple[str, SheetRow], piece)
        self.files_given = True
        self.file_counts[status] += 1
        self.files_sheet.append(row)

    def close(self) -> None:
        """Write the Files and Entities sheets, the frame, and put the workbook in place."""
        try:
            # A rebuild from a log (no run gave the files) lists the manifest beside it.
            for record in () if self.files_given else manifest_lines(self.manifest):
                self.file_counts[str(record.get("status"))] += 1
                self._table_rows(self.files_sheet, FILES, [record])
            self._table_rows(self.entities_sheet, ENTITIES, self.stats.tallies())
            self.stats.close()  # its cache freed before openpyxl builds the frame
            writers = [*self.sheets.values(), self.entities_sheet, self.files_sheet]
            for writer in writers:
                writer.close()
            frame = self.folder / "frame.xlsx"
            paths = self._write_frame(frame, writers)
            self.target.parent.mkdir(parents=True, exist_ok=True)
            partial = self.target.with_name(self.target.name + ".part")
            try:
                _splice(frame, paths, partial)
                partial.replace(self.target)
            finally:
                partial.unlink(missing_ok=True)
        finally:
            self.stats.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def abort(self) -> None:
        """Drop the sheets' temporary files; the target is left as it was."""
        for writer in [*self.sheets.values(), self.entities_sheet, self.files_sheet]:
            for part in writer.parts:
                part.close()
        self.stats.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers used by SheetWriter

    def next_part(self) -> int:
        """A number for a new sheet part's files."""
        self.parts_made += 1
        return self.parts_made

    def _table_rows(self, writer: SheetWriter, table: Table[Any], records: Iterable[Any]) -> None:
        for record in records:
            for values in table.rows(record, self.lang):
                writer.append(row_xml(values, table.columns)[0])

    # -- the frame: every sheet but its rows, written by openpyxl

    def _write_frame(self, frame: Path, writers: list[SheetWriter]) -> dict[str, SheetPart]:
        """Save the workbook without the data rows; return sheet XML path -> its rows."""
        wb = Workbook(write_only=True)
        _set_default_font(wb)
        summary = wb.create_sheet(sheet_title(SUMMARY(self.lang)))
        self.styles = Styles.of(summary)
        for kind in STYLE_KINDS:  # the style indexes the prepared rows refer to
            index = wb._cell_styles.add(getattr(self.styles, kind))  # type: ignore[attr-defined]
            if index != STYLE_IDS[kind]:
                raise RuntimeError(f"openpyxl gave style {kind!r} index {index}")
        sheets: list[tuple[Sheet, SheetPart]] = []
        for writer in writers:
            for part in writer.parts:
                sheet = wb.create_sheet(part.title)
                self._frame_sheet(sheet, writer, part)
                sheets.append((sheet, part))
        # Last: openpyxl numbers sheet-local names (print titles, filters) by worksheet
        # position, which is the sheet position only while no chart sheet comes before.
        chart_sheet = wb.create_chartsheet(sheet_title(CHART_SHEET(self.lang)))
        sheets.append((summary, self._write_summary(summary, chart_sheet)))
        wb.save(frame)
        return {sheet.path.lstrip("/"): part for sheet, part in sheets}

    def _frame_sheet(self, sheet: Sheet, writer: SheetWriter, part: SheetPart) -> None:
        for number, width in enumerate(writer.widths or (), 1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.freeze_panes = writer.freeze
        print_setup(sheet)
        last = get_column_letter(len(writer.columns))
        sheet.auto_filter.ref = f"A1:{last}{part.count + 1}"
        sheet.append([self.text_cell(sheet, h, header=True) for h in writer.headers])

    def text_cell(
        self,
        sheet: Sheet,
        text: str,
        *,
        header: bool = False,
        literal: bool = False,
    ) -> Cell:
        """A cell that holds `text` as text, never as a formula."""
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"  # openpyxl took a leading "=" for a formula: it is text
        if header:
            _restyle(cell, self.styles.header)
        elif literal:
            _restyle(cell, self.styles.literal)
        return cell

    # -- Summary

    def _write_summary(self, sheet: Sheet, chart_sheet: Any) -> SheetPart:
        """The figures and the organization table's header through openpyxl; the table's
        rows (one per subject organization: thousands in a large run) prepared as the data
        sheets' rows are, in the part returned, which the splice puts after them (the Summary
        of a 3,000-post run, 1,400 organizations: 28 ms of its close through openpyxl's cell
        writer, 12 ms so)."""
        stats, lang = self.stats, self.lang
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
        sheet.append(
            [
                header(sheet, SUMMARY_FIGURE(lang), header=True),
                header(sheet, SUMMARY_COUNT(lang), header=True),
            ]
        )
        for key, number in figures:
            sheet.append([SUMMARY_FIGURES[key](lang), number])
        sheet.append([])
        top = len(figures) + 3  # the organization table's header row
        sheet.append([header(sheet, h(lang), header=True) for h in SUMMARY_ORGS])
        part = SheetPart(self.folder, self.next_part(), sheet.title)
        for number, name in enumerate(names, top + 1):
            shown = name or NO_SUBJECT(lang)
            values = (shown, stats.subject_articles[name], stats.subject_leaves[name])
            row, _ = row_xml(values, SUMMARY_ORG_COLUMNS)
            part.rows.write(row.xml.replace(ROW_MARK_BYTES, str(number).encode()))
        part.count = len(names)
        part.close()
        sheet.auto_filter.ref = f"A{top}:C{top + len(names)}"
        bars = min(CHART_BARS, len([n for n in names if n != NO_SUBJECT_KEY]))
        if bars:
            chart = _bar_chart(sheet, top, bars, CHART_TITLE(lang))
            chart_sheet.add_chart(chart)
            # openpyxl anchors a chart sheet's chart with size 0: Excel stretches it to the
            # page, LibreOffice draws nothing. Give it the size of the page.
            width, height = (round(cm * EMU_PER_CM) for cm in CHART_PAGE_CM)
            anchor = AbsoluteAnchor(ext=XDRPositiveSize2D(width, height))
            cast(Any, chart).anchor = anchor  # openpyxl's stubs type it as a cell name
        chart_sheet.pageSetup = PrintPageSetup(
            orientation="landscape", paperSize=Worksheet.PAPERSIZE_A4
        )
        return part


def _splice(frame: Path, parts: dict[str, SheetPart], target: Path) -> None:
    """Copy the frame's zip to `target`, each data sheet with its rows and links put in."""
    with (
        zipfile.ZipFile(frame) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as out,
    ):
        names = set(source.namelist())
        for info in source.infolist():
            part = parts.get(info.filename)
            if part is None:
                out.writestr(info, source.read(info), zipfile.ZIP_DEFLATED, ZIP_LEVEL)
                continue
            rels = _rels_name(info.filename)
            if part.link_count and rels in names:
                raise RuntimeError(f"{info.filename} has relationships of its own")
            _splice_sheet(source.read(info).decode("utf-8"), part, out, info.filename)
            if part.link_count:
                with out.open(rels, "w") as handle:
                    handle.write(
                        f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">'.encode()
                    )
                    _copy(part.rels_path, handle)
                    handle.write(b"</Relationships>")


def _rels_name(sheet: str) -> str:
    folder, _, name = sheet.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


def _splice_sheet(xml: str, part: SheetPart, out: zipfile.ZipFile, name: str) -> None:
    """A frame sheet (its header row only) with the part's rows after the header, and its
    hyperlinks where the schema puts them."""
    head, end, tail = xml.partition("</sheetData>")
    if not end:
        raise RuntimeError(f"{name}: no sheetData in openpyxl's sheet")
    if part.link_count:
        if f'xmlns:r="{REL_NS}"' not in head:
            head = head.replace(f'xmlns="{MAIN_NS}"', f'xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"', 1)
        cut = min((i for i in (tail.find(m) for m in AFTER_HYPERLINKS) if i >= 0), default=-1)
        if cut < 0:
            raise RuntimeError(f"{name}: no place for hyperlinks in openpyxl's sheet")
        before, after = tail[:cut], tail[cut:]
    else:
        before, after = tail, ""
    with out.open(name, "w") as handle:
        _fast_deflate(handle)
        handle.write(head.encode("utf-8"))
        _copy(part.rows_path, handle)
        handle.write((end + before).encode("utf-8"))
        if part.link_count:
            handle.write(b"<hyperlinks>")
            _copy(part.links_path, handle)
            handle.write(b"</hyperlinks>" + after.encode("utf-8"))


def _fast_deflate(handle: IO[bytes]) -> None:
    """Have ISA-L (isal) deflate this member as zipfile writes it: the data sheets are most
    of a workbook's close, and all of it runs while the workers are done.

    zipfile has no public way to choose its compressor: `_compressor` is the zlib object its
    member writer feeds (write: `compress`, close: `flush`), and isal's has that interface;
    zipfile still writes the headers, the CRC and the sizes. Should a later zipfile lack that
    attribute, its own zlib compressor stays (the same file, made more slowly).
    """
    if hasattr(handle, "_compressor"):
        level, bits = FAST_DEFLATE_LEVEL, RAW_DEFLATE_BITS
        handle._compressor = isal_zlib.compressobj(level, isal_zlib.DEFLATED, bits)


def _copy(path: Path, handle: IO[bytes]) -> None:
    with path.open("rb") as source:
        shutil.copyfileobj(source, handle, COPY_CHUNK)


def print_setup(sheet: Sheet, *, one_page: bool = False) -> None:
    """Landscape A4, one page wide (and one tall when asked), the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


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
