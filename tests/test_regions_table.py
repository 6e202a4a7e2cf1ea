"""Loading the region table (rules/regions.tsv): its rows, its checks, its indexes."""

from __future__ import annotations

from importlib import resources

import pytest

from extractor import prebuilt_regions, regions
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
    assert "白沙" not in table.by_full_name  # running text is scanned for full names only
    assert table.by_full_name["河口镇"] == table.by_name["河口镇"]
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


def test_rows_out_of_code_order_are_an_error() -> None:
    # The short names are merged with the full ones in code order: the file must be in it.
    with pytest.raises(RuleError, match="code order"):
        regions.index("91\t青川省\n910102\t东坪区\n9101\t白沙市\n")


def test_the_real_table_is_indexed_as_a_plain_loop_would() -> None:
    # index() groups the names with C loops (zip, compress); a plain loop over the rows, in
    # file order, must give the same indexes, down to the order of each name's divisions.
    table = regions.table()
    by_name: dict[str, list[regions.Place]] = {}
    full: dict[str, list[regions.Place]] = {}
    for place in table.by_code.values():
        by_name.setdefault(place.name, []).append(place)
        full.setdefault(place.name, []).append(place)
        for key in regions.short_names(place):
            by_name.setdefault(key, []).append(place)
    assert table.by_name == {key: tuple(found) for key, found in by_name.items()}
    assert table.by_full_name == {key: tuple(found) for key, found in full.items() if len(key) > 1}


def _tsv() -> bytes:
    return resources.files("extractor.rules").joinpath("regions.tsv").read_bytes()


def test_the_prebuilt_indexes_are_those_of_the_table_and_its_rules() -> None:
    # Fails after an edit of regions.tsv or of the short_name rules: the process then
    # indexes the rows itself (correct, slower) until `python scripts/index_regions.py`.
    written = resources.files("extractor.rules").joinpath(prebuilt_regions.FILE).read_bytes()
    fresh = prebuilt_regions.dumps(prebuilt_regions.build(_tsv()))
    # The data, not the bytes: marshal lays the same data out by its objects' reference counts.
    assert prebuilt_regions.loads(written) == prebuilt_regions.loads(fresh), (
        "regions.index.marshal is stale: run python scripts/index_regions.py"
    )
    assert list(prebuilt_regions.loads(written)["short"]) == sorted(
        prebuilt_regions.loads(fresh)["short"]
    )  # in key order, whatever order the sets gave


def test_the_table_read_from_the_prebuilt_indexes_is_the_indexed_table() -> None:
    source = _tsv()
    from_rows = regions.index(source.decode("utf-8"))
    text = prebuilt_regions.dumps(prebuilt_regions.build(source))
    loaded = prebuilt_regions.load(source, text)
    assert loaded is not None
    assert loaded == from_rows  # every index, each name's divisions in the same order
    assert list(loaded.by_code) == list(from_rows.by_code)


def test_a_one_character_name_is_left_out_of_the_full_names_either_way() -> None:
    # Counted once when the file is written (regions.Counted), not again when it is read.
    source = (TSV + "9102\t沙\n").encode()
    loaded = prebuilt_regions.load(source, prebuilt_regions.dumps(prebuilt_regions.build(source)))
    assert loaded == regions.index(source.decode("utf-8"))
    assert loaded is not None and "沙" not in loaded.by_full_name and "沙" in loaded.by_name


def test_prebuilt_indexes_of_another_table_are_not_used() -> None:
    text = prebuilt_regions.dumps(prebuilt_regions.build(TSV.encode()))
    assert prebuilt_regions.load(TSV.encode(), text) == regions.index(TSV)
    edited = TSV.replace("白沙市", "白石市").encode()
    assert prebuilt_regions.load(edited, text) is None  # the caller indexes the rows
    assert prebuilt_regions.load(edited, None) is None
    with pytest.raises(RuleError, match="index_regions"):
        prebuilt_regions.load(edited, text[:-10])
    with pytest.raises(RuleError, match="index_regions"):
        prebuilt_regions.load(edited, b"not an index")
