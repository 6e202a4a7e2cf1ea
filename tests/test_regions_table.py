"""Loading the region table (rules/regions.tsv): its rows, its checks, its indexes."""

from __future__ import annotations

import pytest

from extractor import regions
from extractor.rules import RuleError

#: Invented divisions: a province, a city in it, a county and two towns of one name.
TSV = (
    "# invented\n91\t青川省\n9101\t白沙市\n910102\t东坪区\n910102001\t河口镇\n\n910102002\t河口镇\n"
)


def test_rows_are_indexed_by_code_and_by_full_and_short_name() -> None:
    table = regions.index(TSV)
    assert table.by_code["9101"] == regions.Place("9101", "白沙市")
    assert [p.code for p in table.by_name["河口镇"]] == ["910102001", "910102002"]  # file order
    assert [p.name for p in table.by_name["白沙"]] == ["白沙市"]  # a short name
    assert table.max_name == 3
    assert regions.Place("910102001", "河口镇").level == 3


@pytest.mark.parametrize(
    "bad",
    [
        "9101001\t某镇",  # a code of no level's length
        "9101\t",  # no name
        "白沙市",  # no code
        "9101 白沙市",  # no tab
    ],
)
def test_a_line_that_is_no_row_is_an_error_naming_it(bad: str) -> None:
    with pytest.raises(RuleError, match=bad.split("\t", maxsplit=1)[0]):
        regions.index(TSV + bad + "\n")


def test_an_empty_table_is_an_error() -> None:
    with pytest.raises(RuleError, match="empty"):
        regions.index("# nothing\n")
