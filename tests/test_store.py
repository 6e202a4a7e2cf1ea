"""The embedded store: load, reload replaces, locks, the bundled queries, `newsfacts query`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from exporters.store import (
    StoreError,
    bundled_queries,
    load_store,
    query_store,
    resolve_query,
    store_counts,
)
from extractor.cli import main
from schemas import Article, Measure, MeasureGroup
from tests.conftest import SAMPLES, extract_file
from tests.rdf_articles import leaf_and_top_counts, reference_with_facts, write_nq


@pytest.fixture(scope="module")
def rich() -> Article:
    return reference_with_facts()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, rich: Article) -> Path:
    """All samples as extracted, with the reference post carrying its full measure tree."""
    articles = [
        rich if path.name == "2021-12-22-NW202112222222391066.md" else extract_file(path)
        for path in sorted(SAMPLES.glob("*.md"))
    ]
    return write_nq(articles, tmp_path_factory.mktemp("nq"))


def test_load_twice_leaves_the_same_quads(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "kg"
    expected = len(set(ox.parse(path=corpus, format=ox.RdfFormat.N_QUADS)))
    assert main(["load", str(corpus), "--store", str(store)]) == 0
    first = store_counts(store)
    assert first == (expected, 48)
    assert main(["load", str(corpus), "--store", str(store)]) == 0
    assert store_counts(store) == first
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(f"{expected} quads in 48 named graphs (0 graphs replaced)")
    assert out[1].endswith(f"{expected} quads in 48 named graphs (48 graphs replaced)")


def test_reloading_an_article_replaces_its_graph(tmp_path: Path, rich: Article) -> None:
    store = tmp_path / "kg"
    load_store([write_nq([rich], tmp_path / "v1")], store)
    # the rules improved: the first group lost an item and gained a new name
    group = rich.measure_groups[0]
    changed = group.model_copy(
        update={"items": [*group.items[:2]], "label": "两个保障", "declared_count": 2}
    )
    v2 = rich.model_copy(update={"measure_groups": [changed, *rich.measure_groups[1:]]})
    report = load_store([write_nq([v2], tmp_path / "v2")], store)
    assert report.replaced == 1
    labels = query_store(
        store, "SELECT ?l WHERE { GRAPH ?g { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
    )
    names = {row[0] for row in labels.rows}
    assert "两个保障" in names and "三个保障" not in names and "构建条件保障" not in names
    assert store_counts(store)[0] == len(
        set(ox.parse(path=tmp_path / "v2" / "articles.nq", format=ox.RdfFormat.N_QUADS))
    )


def test_measures_per_organization_gives_suihua_27_leaves_in_4_groups(
    tmp_path: Path, corpus: Path
) -> None:
    store = tmp_path / "kg"
    load_store([corpus], store)
    result = query_store(store, bundled_queries()["measures-per-organization"])
    assert result.variables == ["organization", "articles", "topGroups", "leafMeasures"]
    rows = {row[0]: row[1:] for row in result.rows}
    assert rows["绥化学院"] == ["1", "4", "27"]


def test_leaf_count_query_agrees_with_the_records(tmp_path: Path) -> None:
    """Whatever the extractors find in the real samples, the query counts what the records hold."""
    articles = [extract_file(p) for p in sorted(SAMPLES.glob("*.md"))]
    # constructed: a subject for every article so that each is counted
    from schemas import Organization  # noqa: PLC0415

    articles = [
        a.model_copy(update={"organizations": [Organization(name=f"机构{i}", role="subject")]})
        for i, a in enumerate(articles)
    ]
    store = tmp_path / "kg"
    load_store([write_nq(articles, tmp_path)], store)
    rows = {
        r[0]: r for r in query_store(store, bundled_queries()["measures-per-organization"]).rows
    }
    for i, article in enumerate(articles):
        leaves, tops = leaf_and_top_counts(article)
        assert rows[f"机构{i}"][2:] == [str(tops), str(leaves)]


def test_the_other_bundled_queries(tmp_path: Path, rich: Article) -> None:
    group = MeasureGroup(
        label="四个到位",
        declared_count=4,
        items=[
            Measure(name=f"第{i}项", text="", evidence=rich.measure_groups[0].items[0].evidence)
            for i in range(3)
        ],
    )
    mismatched = rich.model_copy(update={"measure_groups": [*rich.measure_groups, group]})
    store = tmp_path / "kg"
    load_store([write_nq([mismatched], tmp_path)], store)
    queries = bundled_queries()
    assert set(queries) == {
        "measures-per-organization",
        "organizations-by-region",
        "people-per-source",
        "count-mismatches",
        "organizations",
        "people",
    }
    regions = query_store(store, queries["organizations-by-region"])
    assert regions.rows == [["黑龙江省绥化市", "绥化学院", "subject", "1"]]
    people = query_store(store, queries["people-per-source"])
    # the name is kept as the record has it; the person IRI is the normalised one
    assert sorted(people.rows) == [
        ["黑龙江日报", "张 伟", "responsible_editor", "1"],
        ["黑龙江日报", "董大为", "reporter", "1"],
        ["黑龙江日报", "蒋平", "reporter", "1"],
    ]
    mismatches = query_store(store, queries["count-mismatches"])
    assert [row[2:] for row in mismatches.rows] == [["四个到位", "4", "3"]]


def test_every_bundled_query_is_documented() -> None:
    for name, text in bundled_queries().items():
        first = text.splitlines()[0]
        assert first.startswith("# ") and len(first) > 30, name
        assert f"newsfacts query {name}" in text


def test_query_command_outputs(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "kg"
    load_store([corpus], store)
    capsys.readouterr()
    assert (
        main(["query", "measures-per-organization", "--store", str(store), "--output", "csv"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "organization,articles,topGroups,leafMeasures"
    assert "绥化学院,1,4,27" in lines
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "utf-8")
    assert main(["query", str(rq), "--store", str(store), "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": str(store_counts(store)[0])}]
    assert main(["query", "ASK { GRAPH ?g { ?s ?p ?o } }", "--store", str(store)]) == 0
    assert "true" in capsys.readouterr().out
    assert main(["query", "--list"]) == 0
    assert "measures-per-organization: Measures per organization" in capsys.readouterr().out


def test_query_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(StoreError, match="bundled: count-mismatches"):
        resolve_query("no-such-query")
    assert main(["query", "measures-per-organization", "--store", str(tmp_path / "none")]) == 1
    assert "no store at" in capsys.readouterr().err
    load_store([write_nq([reference_with_facts()], tmp_path)], tmp_path / "kg")
    assert main(["query", "SELECT ?x WHERE { ?x", "--store", str(tmp_path / "kg")]) == 1
    assert "SPARQL syntax error" in capsys.readouterr().err
    assert main(["query", "measures-per-organization"]) == 2
    assert main(["load", str(tmp_path / "articles.nq")]) == 2


def test_a_store_held_by_another_writer_is_a_clear_error(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "kg"
    assert main(["load", str(corpus), "--store", str(store)]) == 0
    capsys.readouterr()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pathlib, fcntl; pathlib.Path(sys.argv[1]).mkdir(exist_ok=True);"
            " h = open(pathlib.Path(sys.argv[1]) / 'write.lock', 'a');"
            " fcntl.flock(h, fcntl.LOCK_EX); print('ready', flush=True); sys.stdin.read()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        assert main(["load", str(corpus), "--store", str(store)]) == 1
        assert time.monotonic() - started < 10
        err = capsys.readouterr().err
        assert f"store {store} is in use by another writer" in err
        # reading is still possible while the writer holds it
        assert main(["query", "ASK { GRAPH ?g { ?s ?p ?o } }", "--store", str(store)]) == 0
        assert "true" in capsys.readouterr().out
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    assert main(["load", str(corpus), "--store", str(store)]) == 0


def test_a_bad_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text('<http://a> <http://b> "unterminated <http://g> .\n', "utf-8")
    assert main(["load", str(bad), "--store", str(tmp_path / "kg")]) == 1
    assert f"{bad}: not valid RDF" in capsys.readouterr().err
    odd = tmp_path / "data.xyz"
    odd.write_text("", "utf-8")
    assert main(["load", str(odd), "--store", str(tmp_path / "kg")]) == 1
    assert "unknown RDF file extension" in capsys.readouterr().err


def test_extract_then_load_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), "-o", str(out), "--format", "rdf"]) == 0
    assert main(["load", str(out / "articles.nq"), "--store", str(out / "kg")]) == 0
    once = store_counts(out / "kg")
    assert main(["load", str(out / "articles.nq"), "--store", str(out / "kg")]) == 0
    assert store_counts(out / "kg") == once
    assert once[1] == 48


def test_reloading_some_articles_keeps_the_others(tmp_path: Path, rich: Article) -> None:
    store = tmp_path / "kg"
    other = extract_file(SAMPLES / "-202205262391921712.md")
    load_store([write_nq([rich, other], tmp_path / "both")], store)
    before = store_counts(store)
    smaller = rich.model_copy(update={"measure_groups": rich.measure_groups[:1]})
    report = load_store([write_nq([smaller], tmp_path / "one")], store)
    assert report.replaced == 1
    quads, graphs = store_counts(store)
    assert graphs == 2 and quads < before[0]
    titles = query_store(
        store,
        "SELECT ?id WHERE { GRAPH ?g { ?a <http://schema.org/identifier> ?id } } ORDER BY ?id",
    )
    assert [row[0] for row in titles.rows] == sorted([rich.id, other.id])
    tops = query_store(
        store,
        "SELECT (COUNT(?t) AS ?n) WHERE { GRAPH ?g { ?a <https://w3id.org/newsfacts/ns#measureGroup> ?t } }",
    )
    assert tops.rows == [["1"]]


def test_a_store_written_before_generations_is_read_but_not_reloaded(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = tmp_path / "old-kg"
    store = ox.Store(str(legacy))  # what newsfacts wrote before loads were atomic
    store.bulk_load(path=str(corpus), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    assert store_counts(legacy)[1] == 48
    assert main(["load", str(corpus), "--store", str(legacy)]) == 1
    assert "written by an older newsfacts" in capsys.readouterr().err
    assert store_counts(legacy)[1] == 48
