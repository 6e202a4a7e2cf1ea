"""Worksheet rows as SpreadsheetML text: made in the workers, appended by the writer process.

The workbook's rows are serialised where their article is extracted, as the `<row>` elements
of a worksheet: the writer then only appends text to a sheet file, and the xlsx is put together
once at the end (`exporters.excel`). Building openpyxl cells in the writer cost it about a
millisecond an article, which capped a run near 1,000 articles/s whatever `-j` was.

A row does not know its row number until the writer places it (a table may roll over to a next
sheet), so the text holds `ROW_MARK` where the number goes; a URL cell that may become a
hyperlink (a sheet holds at most so many) holds `LINK_STYLE` where its style goes. Both are
control characters that no cell can hold (`exporters.cells` strips them), so a plain
`bytes.replace` places them. Cells are inline strings (`t="inlineStr"`, as openpyxl's streaming
mode writes them): no shared-string table grows with the corpus. Styles are referred to by
their index in the workbook's cell formats, which the writer registers in `STYLE_KINDS` order.

No openpyxl here: workers import this module, and it must stay cheap to import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from exporters.cells import CleanText, clean_text, display_width
from exporters.tables import Column, Value

#: The place of the row number in a prepared row (see the module doc).
ROW_MARK = "\x00"
#: The place of the style of a URL cell that becomes a link or stays plain text.
LINK_STYLE = ' s="\x01"'
#: Cell formats, in the order the writer registers them: index 0 is openpyxl's default.
STYLE_KINDS = (
    "header",
    "wrap",
    "literal",
    "wrap_literal",
    "datetime",
    "date",
    "link",
    "boolean",
)
STYLE_IDS = {kind: index for index, kind in enumerate(STYLE_KINDS, 1)}
#: Excel's 1900 calendar is wrong before March 1900 (its phantom 29 February); earlier is text.
EXCEL_FIRST_DAY = date(1900, 3, 1)
#: Day 0 of Excel's (Windows) serial dates, as openpyxl counts them.
EXCEL_EPOCH = datetime(1899, 12, 30)
SECONDS_PER_DAY = 86_400
#: Characters Excel accepts in a hyperlink address; a longer URL stays plain text.
MAX_URL_CHARS = 2_079
LINK_SCHEMES = ("http", "https")
#: Any whitespace (str.isspace's, as re's \s is for str patterns): a URL with one is no link.
_SPACE = re.compile(r"\s")
#: One cell of a prepared row, read back by the writer to fit column widths (first rows only).
_CELL = re.compile(
    '<c r="([A-Z]+)\x00"[^>]*?(?:/>|>(?:<is><t[^>]*>([^<]*)</t></is>|<v>([^<]*)</v>)</c>)'
)
_UNESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&#13;", "\r"), ("&amp;", "&"))


class SheetRow(NamedTuple):
    """One prepared row: its `<row>` element as UTF-8, and (column letter, URL) of each link
    candidate. Bytes: the writer appends them as they are (no decoding, no encoding there).
    A named tuple: the writer unpickles about eight a article (half a dataclass's cost)."""

    xml: bytes
    links: tuple[tuple[str, str], ...] = ()


def linkable(url: str) -> bool:
    """Whether Excel can hold this URL as a hyperlink (web scheme, within its length limit)."""
    if len(url) > MAX_URL_CHARS or _SPACE.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)


def column_letter(index: int) -> str:
    """A column's letters from its 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


#: Letters of the columns a table can have.
LETTERS = tuple(column_letter(i) for i in range(64))
#: A column's index by its letters (fit_widths reads thousands of cells back).
LETTER_INDEX = {letter: index for index, letter in enumerate(LETTERS)}


def text_xml(text: str) -> str:
    """Text for an element's content (chained replaces: str.translate with a table is
    several times slower on CJK text, and every cell goes through here)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def attribute_xml(text: str) -> str:
    """Text for an attribute value (in double quotes)."""
    return text_xml(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def excel_serial(value: datetime | date) -> str:
    """A date (or date-time) as Excel's serial number, written as openpyxl writes it."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    days = (moment - EXCEL_EPOCH).days
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    return "%.16g" % (days + seconds / SECONDS_PER_DAY)


def _string_cell(ref: str, text: str, style: str) -> str:
    if not text:
        return f"<c r={ref}{style}/>" if style else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r={ref}{style} t="inlineStr"><is><t{space}>{text_xml(text)}</t></is></c>'


def _style(kind: str) -> str:
    return f' s="{STYLE_IDS[kind]}"'


def row_xml(
    values: Sequence[Value], columns: Sequence[Column]
) -> tuple[SheetRow, list[tuple[int, int]]]:
    """One row of typed values as a `SheetRow`, and (column index, length) of each text cut
    to Excel's cell limit."""
    cells: list[str] = []
    links: list[tuple[str, str]] = []
    cuts: list[tuple[int, int]] = []
    for index, (value, column) in enumerate(zip(values, columns, strict=True)):
        if value is None:
            continue
        letter = LETTERS[index]
        ref = f'"{letter}{ROW_MARK}"'
        if isinstance(value, str):
            cleaned = clean_text(value)
            if cleaned.cut_from is not None:
                cuts.append((index, cleaned.cut_from))
            cells.append(_text_cell(ref, letter, cleaned, column, links))
        elif isinstance(value, bool):  # before int: a bool is an int
            cells.append(f'<c r={ref}{_style("boolean")} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int):
            cells.append(f'<c r={ref} t="n"><v>{"%.16g" % value}</v></c>')  # noqa: UP031
        elif (value.date() if isinstance(value, datetime) else value) < EXCEL_FIRST_DAY:
            iso = value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
            cells.append(_string_cell(ref, iso, ""))
        else:
            kind = "datetime" if isinstance(value, datetime) else "date"
            cells.append(f'<c r={ref}{_style(kind)} t="n"><v>{excel_serial(value)}</v></c>')
    xml = f'<row r="{ROW_MARK}">{"".join(cells)}</row>'.encode()
    return SheetRow(xml, tuple(links)), cuts


def _text_cell(
    ref: str,
    letter: str,
    value: CleanText,
    column: Column,
    links: list[tuple[str, str]],
) -> str:
    """A text cell as the workbook shows it: a link candidate, wrapped, literal or plain."""
    if column.kind == "url" and not value.formula_like and linkable(value.text):
        links.append((letter, value.text))
        return _string_cell(ref, value.text, LINK_STYLE)
    if column.kind == "wrap":
        return _string_cell(
            ref, value.text, _style("wrap_literal" if value.formula_like else "wrap")
        )
    if value.formula_like:
        return _string_cell(ref, value.text, _style("literal"))
    return _string_cell(ref, value.text, "")


def _unescape(text: str) -> str:
    if "&" not in text:  # most cells: nothing was escaped
        return text
    for escaped, plain in _UNESCAPES:
        text = text.replace(escaped, plain)
    return text


def fit_widths(
    headers: Sequence[str], columns: Sequence[Column], rows: Sequence[SheetRow]
) -> list[float]:
    """Column widths that fit the headers and these rows (CJK counts double), each capped.

    Read back from the prepared rows: the writer sees only their text, and only the first
    rows of a sheet are looked at, so this costs the same for any corpus size.
    """
    widest = [display_width(header) + 3 for header in headers]  # room for the filter button
    for row in rows:
        for letter, text, number in _CELL.findall(row.xml.decode("utf-8")):
            index = LETTER_INDEX[letter]
            column = columns[index]
            if widest[index] >= column.max_width:
                continue  # at its cap already: nothing wider counts
            if column.kind == "bool" and number:
                width = len(str(number == "1"))
            elif number:
                width = len(number)
            else:
                # an escape is at most 5 characters: the first 10 * cap hold the 2 * cap looked at
                shown = _unescape(text[: 10 * column.max_width])
                width = display_width(shown[: 2 * column.max_width])
            widest[index] = max(widest[index], width)
    widths = []
    for header, column, width in zip(headers, columns, widest, strict=True):
        if column.kind == "date":
            widths.append(float(max(20, min(display_width(header), column.max_width) + 3)))
        else:
            widths.append(float(min(width, column.max_width) + 1))
    return widths
