"""The Python API (`import newsfacts`): the same records as the CLI, and `python -m newsfacts`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import newsfacts
from extractor.cli import main
from tests.conftest import REFERENCE, SAMPLES
from tests.fresh import loaded_after


def test_extract_file_gives_the_cli_record(reference: newsfacts.Article) -> None:
    article = newsfacts.extract_file(REFERENCE)
    assert isinstance(article, newsfacts.Article)
    assert article.title == "绥化学院：打好组合拳毕业生就业三连升"
    assert article.model_dump_json() == reference.model_dump_json()
    assert newsfacts.extract_file(str(REFERENCE)) == article


def test_extract_bytes_records_the_path_given() -> None:
    article = newsfacts.extract_bytes("in/ref.md", REFERENCE.read_bytes())
    assert article.path == "in/ref.md"
    assert article.id == "NW202112222222391066"


def test_a_bad_file_raises_input_error_with_its_reason() -> None:
    with pytest.raises(newsfacts.InputError) as caught:
        newsfacts.extract_bytes("empty.md", b"  \n")
    assert caught.value.reason.startswith("empty file")


def test_run_writes_what_extract_writes(tmp_path: Path) -> None:
    summary = newsfacts.run(SAMPLES, tmp_path / "api", formats=["json"])
    assert main(["extract", str(SAMPLES), "-o", str(tmp_path / "cli"), "--format", "json"]) == 0
    posts = len(list(SAMPLES.glob("*.md")))
    assert (summary.ok, summary.failed) == (posts, 0)
    api = (tmp_path / "api" / "articles.jsonl").read_bytes()
    assert api == (tmp_path / "cli" / "articles.jsonl").read_bytes()
    assert api.count(b"\n") == posts


def test_run_takes_aliases_and_a_list_of_inputs(tmp_path: Path) -> None:
    newsfacts.run([REFERENCE], tmp_path, formats=["jsonl", "excel"])
    assert (tmp_path / "articles.xlsx").exists()
    assert not (tmp_path / "articles.nq").exists()


def test_the_package_is_typed() -> None:
    assert (Path(newsfacts.__file__).parent / "py.typed").exists()


def test_python_m_newsfacts_is_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsfacts", "show", str(REFERENCE), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"id": "NW202112222222391066"' in done.stdout


def test_extracting_files_does_not_load_the_batch_runner() -> None:
    """`import newsfacts` and extract_file need the pipeline only: the runner (its process
    pool, multiprocessing) is imported by run() or a first look at Summary."""
    runner = ["extractor.batch", "multiprocessing"]
    assert (
        loaded_after(f"import newsfacts; newsfacts.extract_file({str(REFERENCE)!r})", runner) == []
    )
    assert loaded_after("import newsfacts; newsfacts.Summary", runner[:1]) == runner[:1]


def test_extracting_a_post_of_flat_front_matter_loads_neither_pyyaml_nor_asyncio() -> None:
    """The flat reading needs no YAML parser; asyncio came with typing_extensions < 4.16
    (pydantic's import): each was 10-15 ms of a fresh process's start."""
    code = f"import newsfacts; newsfacts.extract_file({str(REFERENCE)!r})"
    assert loaded_after(code, ["yaml", "asyncio"]) == []
