"""`newsfacts validate`: every file `extract` writes is accepted; shapes that bite (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporters.shacl import validate_file
from exporters.store import iter_graphs
from extractor.cli import main
from schemas import Article
from tests.conftest import SAMPLES, extract_file
from tests.rdf_articles import reference_with_facts, write_nq


@pytest.fixture(scope="module")
def rich() -> Article:
    return reference_with_facts()


def interleaved(articles: list[Article], outdir: Path) -> Path:
    """The articles' N-Quads with each graph cut in two runs: A1 B1 … A2 B2 … (as a file two
    runs were concatenated into, or another tool wrote)."""
    lines = write_nq(articles, outdir).read_text("utf-8").splitlines(keepends=True)
    by_graph: dict[str, list[str]] = {}
    for line in lines:
        by_graph.setdefault(line.rsplit(" ", 2)[-2], []).append(line)
    halves = [(g[: len(g) // 2], g[len(g) // 2 :]) for g in by_graph.values()]
    path = outdir / "interleaved.nq"
    path.write_text("".join("".join(h[0]) for h in halves) + "".join("".join(h[1]) for h in halves))
    return path


def test_a_graph_in_several_runs_is_read_whole(tmp_path: Path, rich: Article) -> None:
    other = extract_file(SAMPLES / "-202205262391921712.md")
    path = interleaved([rich, other], tmp_path)
    whole = {
        name: set(triples)
        for name, triples in iter_graphs(write_nq([rich, other], tmp_path / "plain"))
    }
    assert {name: set(triples) for name, triples in iter_graphs(path)} == whole
    report = validate_file(path)
    assert report.graphs == 2 and report.conforms, [v.line() for v in report.violations]


def test_validate_accepts_many_graphs_of_a_real_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), "-o", str(out), "--format", "rdf"]) == 0
    report = validate_file(out / "articles.nq")
    assert report.graphs == 48 and report.conforms, [v.line() for v in report.violations]


def test_a_file_with_no_graph_is_an_error(
    tmp_path: Path, rich: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.nq"
    empty.write_text("", "utf-8")
    good = write_nq([rich], tmp_path)
    assert main(["validate", str(empty), str(good)]) == 1
    captured = capsys.readouterr()
    assert f"{empty}: no graph to validate" in captured.err
    assert f"{good}: conforms" in captured.out  # the next file is still checked
