"""CSV files: DESIGN.md's names, UTF-8 with BOM, the workbook's columns, the same cell guard."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from exporters import exporter_class
from exporters.csv import CSV_TABLES, CsvExporter, csv_value
from extractor.cli import main
from schemas import Article
from tests.conftest import SAMPLES
from tests.test_excel import (
    EXCEL_FORMULA,
    injection_article,
    reference_with_gold_tree,
    write_workbook,
)

FILES = ["articles.csv", "organizations.csv", "measures.csv", "persons.csv", "warnings.csv"]


def write_csv(outdir: Path, articles: list[Article]) -> Path:
    """Write the articles with the csv exporter; return the csv folder."""
    exporter = CsvExporter(outdir)
    for article in articles:
        exporter.write(article)
    exporter.close()
    return outdir / "csv"


def read_csv(path: Path) -> list[list[str]]:
    """A CSV file's rows; the file must start with a UTF-8 BOM."""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), f"{path.name} has no BOM"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def samples_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv-samples")
    assert main(["extract", str(SAMPLES), "-o", str(out), "--format", "csv,xlsx"]) == 0
    return out


def test_design_file_names_and_registry() -> None:
    assert exporter_class("csv") is CsvExporter
    assert CsvExporter.files == tuple(f"csv/{name}" for name in FILES)


def test_samples_csv_match_the_workbook(samples_out: Path) -> None:
    assert sorted(p.name for p in (samples_out / "csv").iterdir()) == sorted(FILES)
    book = openpyxl.load_workbook(samples_out / "articles.xlsx")
    articles = len((samples_out / "articles.jsonl").read_text("utf-8").splitlines())
    for table in CSV_TABLES:
        rows = read_csv(samples_out / "csv" / str(table.csv))
        sheet = list(book[table.title("zh")].iter_rows(values_only=True))
        assert rows[0] == table.headers("zh") == list(sheet[0])
        assert len(rows) == len(sheet), table.csv
        for got, cells in zip(rows[1:], sheet[1:], strict=True):
            assert got[0] == cells[0]  # article id
            assert got[1] == (cells[1] or "")  # title
    assert len(read_csv(samples_out / "csv" / "articles.csv")) == articles + 1


def test_formula_like_fields_get_an_apostrophe(tmp_path: Path) -> None:
    folder = write_csv(tmp_path, [injection_article()])
    articles = read_csv(folder / "articles.csv")
    assert articles[1][1] == "'" + EXCEL_FORMULA
    assert articles[1][3] == "javascript:alert(1)"
    assert articles[1][-1].startswith("'+1+2 本段以加号开头\n-3")
    measures = read_csv(folder / "measures.csv")
    assert [row[6] for row in measures[1:]] == [
        "'" + EXCEL_FORMULA,
        "'@SUM(1,2)",
        "'＝1+1 全角等号",
        "'\t=1+1",
    ]
    assert read_csv(folder / "organizations.csv")[1][2] == "'+某某大学"
    assert read_csv(folder / "persons.csv")[1][2] == "'-张三"
    for name in FILES:
        for row in read_csv(folder / name)[1:]:
            for field in row:
                assert field[:1] not in ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")


def test_typed_values_and_row_contents(tmp_path: Path) -> None:
    article = reference_with_gold_tree()
    folder = write_csv(tmp_path, [article])
    row = dict(zip(*read_csv(folder / "articles.csv"), strict=True))
    assert row["发布时间（北京时间）"] == "2021-12-22 11:16:43"
    assert row["末级举措数"] == "27"
    assert row["举措条数"] == "33"
    assert row["正文"] == "\n".join(article.paragraphs)
    measures = read_csv(folder / "measures.csv")
    header = measures[0]
    leaf = [r[header.index("末级")] for r in measures[1:]]
    assert leaf.count("TRUE") == 27 and leaf.count("FALSE") == 6
    paths = {r[header.index("举措组路径")] for r in measures[1:]}
    assert "六项举措 › 三个精准" in paths
    # the same rows as the workbook's Measures sheet
    book = openpyxl.load_workbook(write_workbook(tmp_path / "xlsx", [article]))
    sheet = [[csv_value(v) for v in r] for r in book["举措"].iter_rows(values_only=True)]
    assert measures == sheet


def test_csv_value_forms() -> None:
    assert csv_value(None) == ""
    assert csv_value(True) == "TRUE"
    assert csv_value(False) == "FALSE"
    assert csv_value(3) == "3"
    assert csv_value("=1") == "'=1"
    assert csv_value("绥化学院") == "绥化学院"
    assert csv_value("a\x00b") == "ab"


def test_abort_leaves_no_files(tmp_path: Path) -> None:
    exporter = CsvExporter(tmp_path)
    exporter.write(reference_with_gold_tree())
    exporter.abort()
    assert list((tmp_path / "csv").iterdir()) == []
