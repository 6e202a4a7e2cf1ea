"""Loading through the Graph Store HTTP Protocol into a real `oxigraph serve` on 127.0.0.1."""

from __future__ import annotations

import base64
import http.client
import http.server
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from exporters.endpoint import query_endpoint
from exporters.rdf import graph_iri
from exporters.store import load_store, query_store, store_counts
from extractor.cli import main
from tests.conftest import SAMPLES, extract_file
from tests.rdf_articles import reference_with_facts, samples_with_facts, write_nq
from tests.servers import free_port, oxigraph

COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a free port; its base URL. Stopped after the tests."""
    with oxigraph(tmp_path_factory.mktemp("oxigraph")) as running:
        yield running.query.removesuffix("/query")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_nq(samples_with_facts(), tmp_path_factory.mktemp("nq"))


def count(server: str, query: str) -> int:
    value = query_endpoint(server + "/query", query).rows[0][0]
    assert value is not None
    return int(value)


def test_endpoint_load_matches_the_embedded_store_and_is_idempotent(
    server: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_store([corpus], tmp_path / "kg")
    expected = store_counts(tmp_path / "kg")
    args = ["load", str(corpus), "--endpoint", server + "/store", "--batch-size", "5"]
    assert main(args) == 0
    assert "48 graphs" in capsys.readouterr().out
    assert (count(server, COUNT_QUADS), count(server, COUNT_GRAPHS)) == expected
    assert main(args) == 0
    assert (count(server, COUNT_QUADS), count(server, COUNT_GRAPHS)) == expected
    capsys.readouterr()
    # the bundled query gives the same table from both stores
    tables = {}
    for name in ("measures-per-organization", "people-per-source", "organizations-by-region"):
        assert main(["query", name, "--endpoint", server + "/query", "--output", "csv"]) == 0
        tables[name] = capsys.readouterr().out
        assert main(["query", name, "--store", str(tmp_path / "kg"), "--output", "csv"]) == 0
        assert capsys.readouterr().out == tables[name]
    assert "绥化学院,1,4,27" in tables["measures-per-organization"].splitlines()
    assert query_store(tmp_path / "kg", COUNT_GRAPHS).rows == [[str(expected[1])]]


def test_a_graph_in_several_runs_is_put_whole(server: str, tmp_path: Path) -> None:
    from tests.test_validate import interleaved  # noqa: PLC0415

    rich = reference_with_facts()
    other = extract_file(SAMPLES / "-202205262391921712.md")
    path = interleaved([rich, other], tmp_path)
    load_store([path], tmp_path / "kg")
    assert main(["load", str(path), "--endpoint", server + "/store"]) == 0
    for article in (rich, other):
        iri = graph_iri(article.id)
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        assert count(server, text) == int(query_store(tmp_path / "kg", text).rows[0][0] or 0) > 0


def test_reload_through_the_endpoint_replaces_the_graph(server: str, tmp_path: Path) -> None:
    rich = reference_with_facts()
    assert (
        main(["load", str(write_nq([rich], tmp_path / "v1")), "--endpoint", server + "/store"]) == 0
    )
    smaller = rich.model_copy(update={"measure_groups": rich.measure_groups[:1]})
    assert (
        main(["load", str(write_nq([smaller], tmp_path / "v2")), "--endpoint", server + "/store"])
        == 0
    )
    graph = "https://w3id.org/newsfacts/id/graph/NW202112222222391066"
    groups = count(
        server,
        f"SELECT (COUNT(?x) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?x a <https://w3id.org/newsfacts/ns#MeasureGroup> }} }}",
    )
    assert groups == 1


def test_http_errors_carry_the_server_message(
    server: str, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(corpus), "--endpoint", server + "/query"]) == 1
    err = capsys.readouterr().err
    assert "failed: HTTP 404 Not Found: PUT /query is not supported by this server" in err
    assert main(["query", "SELECT ?x WHERE { ?x", "--endpoint", server + "/query"]) == 1
    err = capsys.readouterr().err
    assert "query failed: HTTP 400" in err


def test_an_unreachable_endpoint_is_a_clear_error(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    started = time.monotonic()
    assert main(["load", str(corpus), "--endpoint", url]) == 1
    assert time.monotonic() - started < 10
    assert f"cannot reach {url}" in capsys.readouterr().err


class _AuthHandler(http.server.BaseHTTPRequestHandler):
    """A server that wants Basic credentials and remembers what it was sent."""

    expected = "Basic " + base64.b64encode(b"kg-user:s3cret-pw").decode()
    seen: list[str | None] = []  # noqa: RUF012 - shared with the test on purpose

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("Authorization")
        self.seen.append(header)
        ok = header == self.expected
        body = b"" if ok else b"wrong credentials for dataset newsfacts"
        self.send_response(204 if ok else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A small local HTTP server with `handler`, for the cases a real store cannot show."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/data"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def auth_server() -> Iterator[str]:
    yield from _serve(_AuthHandler)


def test_credentials_come_from_the_environment_only(
    auth_server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nq = write_nq([reference_with_facts()], tmp_path)
    _AuthHandler.seen.clear()
    monkeypatch.setenv("NEWSFACTS_SPARQL_USER", "kg-user")
    monkeypatch.setenv("NEWSFACTS_SPARQL_PASSWORD", "s3cret-pw")
    assert main(["load", str(nq), "--endpoint", auth_server]) == 0
    assert _AuthHandler.seen == [_AuthHandler.expected]
    monkeypatch.setenv("NEWSFACTS_SPARQL_PASSWORD", "wrong-pw")
    assert main(["load", str(nq), "--endpoint", auth_server]) == 1
    captured = capsys.readouterr()
    assert "HTTP 401 Unauthorized: wrong credentials for dataset newsfacts" in captured.err
    for secret in ("s3cret-pw", "wrong-pw", base64.b64encode(b"kg-user:wrong-pw").decode()):
        assert secret not in captured.out + captured.err
    # a URL with credentials in it is refused without echoing them
    url = auth_server.replace("http://", "http://kg-user:pw-in-url@")
    assert main(["load", str(nq), "--endpoint", url]) == 1
    err = capsys.readouterr().err
    assert "NEWSFACTS_SPARQL_USER" in err and "pw-in-url" not in err


class _Deadlocking(http.server.BaseHTTPRequestHandler):
    """In front of the real Oxigraph: refuses each graph's first PUT the way Virtuoso does
    under concurrent writers (500 "SR172: Transaction deadlocked"), and every PUT of the
    graphs named in `broken` for good (400); forwards everything else."""

    upstream = ""
    seen: dict[str, int] = {}  # noqa: RUF012 - shared with the test on purpose
    broken: set[str] = set()  # noqa: RUF012

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        graph = self.path.split("graph=", 1)[-1]
        self.seen[graph] = self.seen.get(graph, 0) + 1
        if any(b in graph for b in self.broken):
            self._answer(400, b"SP031: the graph is not welcome here")
        elif self.seen[graph] == 1:
            self._answer(500, b"Virtuoso 40001 Error SR172: Transaction deadlocked")
        else:
            parts = urllib.parse.urlsplit(self.upstream)
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
            conn.request(
                "PUT",
                parts.path + "?" + self.path.split("?", 1)[1],
                body,
                {"Content-Type": self.headers.get("Content-Type", "")},
            )
            response = conn.getresponse()
            self._answer(response.status, response.read())
            conn.close()

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def deadlocking(server: str) -> Iterator[str]:
    _Deadlocking.upstream = server + "/store"
    _Deadlocking.seen.clear()
    _Deadlocking.broken.clear()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Deadlocking)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/store"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_deadlocked_put_is_retried(
    server: str, deadlocking: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_store([corpus], tmp_path / "kg")
    expected = store_counts(tmp_path / "kg")
    assert main(["load", str(corpus), "--endpoint", deadlocking, "--workers", "4"]) == 0
    out = capsys.readouterr().out
    assert "48 graphs" in out and "96 requests, 48 retried" in out
    assert set(_Deadlocking.seen.values()) == {2}  # each graph: refused once, then put
    assert (count(server, COUNT_QUADS), count(server, COUNT_GRAPHS)) == expected


def test_a_reload_that_cannot_finish_names_new_and_old_graphs(
    deadlocking: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = [extract_file(p) for p in sorted(SAMPLES.glob("*.md"))[:12]]
    nq = write_nq(articles, tmp_path)
    _Deadlocking.broken.add(urllib.parse.quote(graph_iri(articles[9].id), safe=""))
    assert main(["load", str(nq), "--endpoint", deadlocking, "--batch-size", "4"]) == 1
    err = capsys.readouterr().err
    assert "HTTP 400" in err and "SP031: the graph is not welcome here" in err
    # batches of 4: the first two went in whole (after a retry each); in the third the broken
    # graph failed at once and the others, waiting to retry, were not sent
    assert "the load stopped part way: 8 graphs are new (" in err
    old = err.split("graphs are new")[1]
    assert "; 4 still hold their old content or are absent (" in old
    assert all(graph_iri(a.id) in old for a in articles[8:])
    assert "Run the same load again to finish it" in err


class _Echoing(http.server.BaseHTTPRequestHandler):
    """A server whose error page echoes the request's headers (as debugging servers do)."""

    def _echo(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        lines = [f"{k}: {v}" for k, v in self.headers.items()]
        body = "bad request; you sent:\n" + "\n".join(lines) + "\n"
        body += "session token=tok-9f8e7d6c5b; retry later\n"
        data = body.encode()
        self.send_response(400)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self) -> None:
        self._echo()

    def do_GET(self) -> None:
        self._echo()

    def do_POST(self) -> None:
        self._echo()

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def echoing() -> Iterator[str]:
    yield from _serve(_Echoing)


def test_a_server_error_body_is_shown_without_credentials(
    echoing: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSFACTS_SPARQL_USER", "kg-user")
    monkeypatch.setenv("NEWSFACTS_SPARQL_PASSWORD", "s3cret-pw")
    token = base64.b64encode(b"kg-user:s3cret-pw").decode()
    nq = write_nq([reference_with_facts()], tmp_path)
    for args in (
        ["load", str(nq), "--endpoint", echoing],
        ["query", "ASK {}", "--endpoint", echoing],
    ):
        assert main(args) == 1
        captured = capsys.readouterr()
        shown = captured.out + captured.err
        assert "HTTP 400" in shown and "bad request; you sent:" in shown  # the body is shown
        assert "Authorization: [redacted]" in shown and "token=[redacted]" in shown
        for secret in (token, "s3cret-pw", "tok-9f8e7d6c5b"):
            assert secret not in shown
        # and the password travelled over plain http: said once, before anything is sent
        assert "warning: sending NEWSFACTS_SPARQL_USER's password over plain http" in shown


def test_no_warning_without_credentials(
    server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NEWSFACTS_SPARQL_USER", raising=False)
    assert main(["query", "ASK { ?s ?p ?o }", "--endpoint", server + "/query"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_query_shows_iris_decoded_unless_raw(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rich = reference_with_facts()
    nq = write_nq([rich], tmp_path)
    load_store([nq], tmp_path / "kg")
    assert main(["load", str(nq), "--endpoint", server + "/store"]) == 0
    text = "SELECT ?org WHERE { GRAPH ?g { ?a <http://schema.org/about> ?org } }"
    subject = rich.organizations[0].name  # 绥化学院
    encoded = urllib.parse.quote(subject)
    capsys.readouterr()
    for target in (["--store", str(tmp_path / "kg")], ["--endpoint", server + "/query"]):
        assert main(["query", text, *target, "--output", "csv"]) == 0
        out = capsys.readouterr().out
        assert f"/organization/{subject}" in out and encoded not in out
        assert main(["query", text, *target, "--output", "csv", "--raw"]) == 0
        out = capsys.readouterr().out
        assert f"/organization/{encoded}" in out and subject not in out


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Authorization: Basic a2ctdXNlcjpwdw==", "Authorization: [redacted]"),
        ("proxy-authorization: Bearer abc.def", "proxy-authorization: [redacted]"),
        ("Cookie: sid=42", "Cookie: [redacted]"),
        ("you sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.x7", "you sent Bearer [redacted]"),
        ("access_token=9f8e7d&x=1", "access_token=[redacted]&x=1"),
        ('password: "hunter2"', 'password: "[redacted]"'),
        # words are left alone
        ("Basic authentication required", "Basic authentication required"),
        ('WWW-Authenticate: Basic realm="kg"', 'WWW-Authenticate: Basic realm="kg"'),
    ],
)
def test_redaction(text: str, shown: str) -> None:
    from exporters.endpoint import redact  # noqa: PLC0415

    assert redact(text) == shown
