"""Every bundled query gives the same rows on the embedded store, `oxigraph serve` and Virtuoso.

Real servers (tests/servers.py), loaded through `newsfacts load` as a user would; the
reference post carries its gold measure tree (绥化学院: 1 article, 4 top groups, 27 leaves).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from exporters.endpoint import query_endpoint
from exporters.rdf import ID
from exporters.store import QueryResult, bundled_queries, load_store, query_store, store_counts
from extractor.cli import main
from tests.rdf_articles import samples_with_facts, write_nq
from tests.servers import Server, oxigraph, virtuoso

OUR_GRAPHS = f'FILTER (STRSTARTS(STR(?g), "{ID}graph/"))'
COUNT_QUADS = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OUR_GRAPHS} }}"
COUNT_GRAPHS = f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OUR_GRAPHS} }}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_nq(samples_with_facts(), tmp_path_factory.mktemp("nq"))


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    store = tmp_path_factory.mktemp("embedded") / "kg"
    load_store([corpus], store)
    return store


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[list[Server]]:
    with (
        oxigraph(tmp_path_factory.mktemp("oxigraph")) as ox_server,
        virtuoso(tmp_path_factory.mktemp("virtuoso")) as virt_server,
    ):
        for server in (ox_server, virt_server):
            assert main(["load", str(corpus), "--endpoint", server.store, "--workers", "4"]) == 0
        yield [ox_server, virt_server]


def _count(server: Server, text: str) -> int:
    value = query_endpoint(server.query, text).rows[0][0]
    assert value is not None
    return int(value)


def test_every_server_holds_what_the_embedded_store_holds(
    servers: list[Server], embedded: Path
) -> None:
    quads, graphs = store_counts(embedded)
    assert graphs == 48
    for server in servers:
        assert (_count(server, COUNT_QUADS), _count(server, COUNT_GRAPHS)) == (quads, graphs)


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_every_bundled_query_gives_the_same_rows_everywhere(
    name: str, servers: list[Server], embedded: Path
) -> None:
    text = bundled_queries()[name]
    reference = query_store(embedded, text)
    assert reference.rows, f"{name} gives no rows: nothing is compared"
    for server in servers:
        result: QueryResult = query_endpoint(server.query, text)
        assert result.variables == reference.variables, server.name
        assert result.rows == reference.rows, server.name


def test_suihua_has_4_top_groups_and_27_leaves_on_every_store(
    servers: list[Server], embedded: Path
) -> None:
    text = bundled_queries()["measures-per-organization"]
    results = {"embedded": query_store(embedded, text)} | {
        s.name: query_endpoint(s.query, text) for s in servers
    }
    for store, result in results.items():
        rows = {row[0]: row[1:] for row in result.rows}
        assert rows["绥化学院"] == ["1", "4", "27"], store


def test_a_reload_with_4_workers_into_virtuoso_succeeds(
    servers: list[Server], corpus: Path, embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    virt = next(s for s in servers if s.name == "virtuoso")
    capsys.readouterr()
    assert main(["load", str(corpus), "--endpoint", virt.store, "--workers", "4"]) == 0
    assert "48 graphs" in capsys.readouterr().out
    assert (_count(virt, COUNT_QUADS), _count(virt, COUNT_GRAPHS)) == store_counts(embedded)


def test_query_command_reads_virtuoso(
    servers: list[Server], embedded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    virt = next(s for s in servers if s.name == "virtuoso")
    capsys.readouterr()
    for args in (["--endpoint", virt.query], ["--store", str(embedded)]):
        assert main(["query", "measures-per-organization", *args, "--output", "csv"]) == 0
        assert "绥化学院,1,4,27" in capsys.readouterr().out.splitlines()
    assert main(["query", "ASK { GRAPH ?g { ?s ?p ?o } }", "--endpoint", virt.query]) == 0
    assert "true" in capsys.readouterr().out
    long_query = bundled_queries()["measures-per-organization"] + "#" + "x" * 3000  # form POST
    assert main(["query", long_query, "--endpoint", virt.query, "--output", "csv"]) == 0
    assert "绥化学院,1,4,27" in capsys.readouterr().out.splitlines()
