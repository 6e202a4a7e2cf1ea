"""Rows serialised in the workers (`exporters.sheetxml`): what openpyxl would have written."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from openpyxl.utils.datetime import to_excel

from exporters.cells import clean_text, display_width
from exporters.sheetxml import (
    LINK_STYLE,
    ROW_MARK,
    STYLE_IDS,
    column_letter,
    excel_serial,
    fit_widths,
    row_xml,
)
from exporters.tables import Column, Value

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
COLUMNS = (
    Column("编号", "id"),
    Column("标题", "title", "wrap", max_width=40),
    Column("网址", "url", "url"),
    Column("数", "n", "int"),
    Column("末级", "leaf", "bool"),
    Column("时间", "time", "date"),
)


def parsed(xml: bytes, number: int = 7) -> etree._Element:
    """The row as an XML element, placed at row `number` and with its links made plain."""
    text = xml.decode("utf-8").replace(ROW_MARK, str(number)).replace(LINK_STYLE, "")
    return etree.fromstring(f'<sheetData xmlns="{MAIN}">{text}</sheetData>')[0]


def test_serial_dates_are_openpyxls() -> None:
    for value in (datetime(2021, 12, 22, 11, 16, 43), datetime(1900, 3, 1), date(2018, 11, 29)):
        assert excel_serial(value) == "%.16g" % to_excel(value)  # noqa: UP031


def test_a_row_holds_each_value_as_its_type_at_its_column() -> None:
    values: tuple[Value, ...] = (
        "a&b<c>",
        "=1+1",
        "https://example.org/a?x=1&y=2",
        3,
        True,
        datetime(2021, 12, 22, 11, 16, 43),
    )
    row, cuts = row_xml(values, COLUMNS)
    assert cuts == []
    assert row.links == (("C", "https://example.org/a?x=1&y=2"),)
    element = parsed(row.xml)
    assert element.get("r") == "7"
    cells = list(element)
    assert [c.get("r") for c in cells] == ["A7", "B7", "C7", "D7", "E7", "F7"]
    assert cells[0].findtext(f"{{{MAIN}}}is/{{{MAIN}}}t") == "a&b<c>"
    assert cells[1].get("s") == str(STYLE_IDS["wrap_literal"])  # wrapped and literal
    assert (cells[3].get("t"), cells[3].findtext(f"{{{MAIN}}}v")) == ("n", "3")
    assert (cells[4].get("t"), cells[4].get("s")) == ("b", str(STYLE_IDS["boolean"]))
    assert cells[5].get("s") == str(STYLE_IDS["datetime"])


def test_empty_values_are_left_out_and_old_dates_stay_text() -> None:
    row, _ = row_xml((None, None, None, None, None, date(1899, 12, 31)), COLUMNS)
    [cell] = parsed(row.xml)
    assert cell.get("r") == "F7" and cell.get("t") == "inlineStr"
    assert cell.findtext(f"{{{MAIN}}}is/{{{MAIN}}}t") == "1899-12-31"


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52)] == ["A", "Z", "AA", "AZ", "BA"]


texts = st.text(alphabet=st.sampled_from("ab &<>\r\n\t绥化学院“”=\x00"), max_size=90)


@given(st.lists(st.tuples(texts, texts, st.integers(0, 10**6), st.booleans()), max_size=6))
def test_widths_read_back_from_the_rows_are_those_of_the_values(
    rows: list[tuple[str, str, int, bool]],
) -> None:
    columns = COLUMNS[:2] + COLUMNS[3:5]
    headers = [c.zh for c in columns]
    prepared = [row_xml(values, columns)[0] for values in rows]
    want = [display_width(h) + 3 for h in headers]
    for values in rows:
        for index, value in enumerate(values):
            if isinstance(value, str):
                width = display_width(clean_text(value).text[: 2 * columns[index].max_width])
            else:
                width = len(str(value))
            want[index] = max(want[index], width)
    expected = [float(min(w, c.max_width) + 1) for w, c in zip(want, columns, strict=True)]
    assert fit_widths(headers, columns, prepared) == expected
    for row in prepared:  # and every row is well-formed XML whatever its text
        parsed(row.xml)
