"""Cell safety shared by the spreadsheet exporters (xlsx, csv): no formulas, no bad characters.

A text that a spreadsheet would read as a formula (`=HYPERLINK(…)`, `+1`, `-1`, `@SUM`, a
leading tab or CR, and the full-width and small forms that East Asian input methods type
and Excel folds to ASCII) must never run. The xlsx writer stores such a value as a text
cell with Excel's quote prefix, so the cell shows exactly the string; CSV has no types, so
there the value gets a leading apostrophe (the OWASP "CSV injection" advice).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

#: Excel's limit on the characters in one cell.
MAX_CELL_CHARS = 32_767

#: First characters that make a spreadsheet read a cell as a formula or a DDE call.
#: ASCII forms, full-width forms (U+FF0B…) and small forms (U+FE62…) that Excel folds.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠﹦﹢﹣﹫")

#: Whitespace a reader may skip before deciding a cell is a formula (" =1+1").
LEADING_BLANKS = " \u3000\u00a0\n"

#: Characters XML 1.0 (and so xlsx) cannot hold: C0 controls except tab/LF/CR, lone
#: surrogates, and the two non-characters. openpyxl raises on the first kind.
ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Width cap, in narrow-character units, for a column that holds long text.
MAX_COLUMN_WIDTH = 60


class CleanText(NamedTuple):
    """A text made safe for a cell: `formula_like` says it must be stored as literal text.

    A named tuple: one is made for every text cell of every article (a frozen dataclass
    costs several times as much to build).
    """

    text: str
    formula_like: bool
    #: The original length when the text was cut to the cell limit, else None.
    cut_from: int | None = None


def strip_illegal(text: str) -> str:
    """The text without characters that XML (and so a workbook) cannot hold."""
    return ILLEGAL_CHARS.sub("", text)


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (leading blanks skipped)."""
    if text[:1] in ("\t", "\r"):
        return True
    head = text.lstrip(LEADING_BLANKS)[:1]
    return head in FORMULA_STARTS


def clean_text(text: str, limit: int | None = MAX_CELL_CHARS) -> CleanText:
    """Remove illegal characters, cut to `limit` characters, and flag formula-like text."""
    text = strip_illegal(text)
    cut_from = None
    if limit is not None and len(text) > limit:
        cut_from = len(text)
        text = text[:limit]
    return CleanText(text, starts_formula(text), cut_from)


def csv_text(text: str) -> str:
    """A text for a CSV field: illegal characters removed, a formula-like text prefixed by '."""
    cleaned = clean_text(text, limit=None)
    return "'" + cleaned.text if cleaned.formula_like else cleaned.text


def char_width(char: str) -> int:
    """Display width of one character: wide and full-width (CJK) characters count double."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class _Widths(dict[str, int]):
    """char -> width, filled as characters are met: a text's widths are then summed by
    dict look-ups in C (`map(widths.__getitem__, …)`), about 20x faster than calling
    `char_width` on each character; a text holds few distinct characters."""

    def __missing__(self, char: str) -> int:
        width = self[char] = char_width(char)
        return width


_WIDTHS = _Widths()


def display_width(text: str) -> int:
    """Display width of the text's longest line, in narrow-character units."""
    if text.isascii():  # every ASCII character is narrow
        return max(map(len, text.split("\n")))
    return max(sum(map(_WIDTHS.__getitem__, line)) for line in text.split("\n"))
