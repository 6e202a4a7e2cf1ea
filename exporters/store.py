"""Triple stores: load RDF files into the embedded Oxigraph store or a SPARQL 1.1 server; query.

- Embedded: pyoxigraph on disk, created when missing, filled by `bulk_load`. Named graphs that
  the files bring and the store already holds are dropped first, so loading an article again
  replaces its graph instead of adding to it.
- Endpoint: the Graph Store HTTP Protocol, one PUT per named graph (PUT replaces), sent in
  batches over a few keep-alive connections. Credentials come from NEWSFACTS_SPARQL_USER /
  NEWSFACTS_SPARQL_PASSWORD only and never appear in messages.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import SplitResult, quote, urlsplit

import pyoxigraph as ox

USER_ENV = "NEWSFACTS_SPARQL_USER"
PASSWORD_ENV = "NEWSFACTS_SPARQL_PASSWORD"  # noqa: S105 - the name of a variable, not a secret

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class StoreError(Exception):
    """A store or endpoint problem with a message meant for the user."""


class StoreLockedError(StoreError):
    """The embedded store is held by another writer."""


class EndpointError(StoreError):
    """The SPARQL server refused a request or could not be reached."""


# --- Reading RDF files ---------------------------------------------------------------------


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its extension (.nq .trig .ttl .nt .jsonld .rdf …)."""
    extension = path.suffix.lstrip(".").lower()
    fmt = ox.RdfFormat.from_extension(extension) if extension else None
    if fmt is None:
        raise StoreError(f"{path}: unknown RDF file extension {path.suffix!r} (use .nq, .trig, …)")
    return fmt


def iter_graphs(path: Path) -> Iterator[tuple[GraphName, list[ox.Triple]]]:
    """Stream a file graph by graph (newsfacts writes each article's graph in one run)."""
    seen: set[GraphName] = set()
    current: GraphName | None = None
    triples: list[ox.Triple] = []
    try:
        for quad in ox.parse(path=path, format=rdf_format(path)):
            if quad.graph_name != current:
                if current is not None:
                    yield current, triples
                current, triples = quad.graph_name, []
                if current in seen:
                    raise StoreError(
                        f"{path}: graph {current} comes in more than one run of lines; "
                        "write each graph's quads together (as newsfacts does)"
                    )
                seen.add(current)
            triples.append(quad.triple)
    except SyntaxError as exc:
        raise StoreError(f"{path}: not valid RDF: {exc}") from exc
    if current is not None:
        yield current, triples


def graph_names(path: Path) -> set[GraphName]:
    """The named graphs a file brings (a fast lenient pass: the strict load comes after)."""
    try:
        return {q.graph_name for q in ox.parse(path=path, format=rdf_format(path), lenient=True)}
    except SyntaxError as exc:
        raise StoreError(f"{path}: not valid RDF: {exc}") from exc


# --- The embedded store --------------------------------------------------------------------


def open_store(directory: Path, *, read_only: bool = False) -> ox.Store:
    """Open (and create when missing) an on-disk store; a held lock is a clear error, not a hang."""
    if read_only and not directory.exists():
        raise StoreError(f"no store at {directory}; load some files first (newsfacts load)")
    try:
        return ox.Store.read_only(str(directory)) if read_only else ox.Store(str(directory))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(
                f"store {directory} is in use by another writer (its LOCK is held); "
                "wait for that process to finish, or load into another --store"
            ) from exc
        raise StoreError(f"cannot open store {directory}: {exc}") from exc


@dataclass
class LoadReport:
    """What a load did."""

    files: int = 0
    graphs: int = 0
    replaced: int = 0
    quads: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)


def load_store(files: Sequence[Path], directory: Path) -> LoadReport:
    """Bulk-load files into the store at `directory`, replacing the named graphs they bring."""
    store = open_store(directory)
    report = LoadReport(files=len(files))
    try:
        if next(iter(store.named_graphs()), None) is not None:
            # Only a store that already holds graphs needs the extra pass over the files.
            names: set[GraphName] = set()
            for path in files:
                names |= graph_names(path)
            report.replaced = _drop_graphs(store, names)
        for path in files:
            try:
                store.bulk_load(path=str(path), format=rdf_format(path))
            except SyntaxError as exc:
                raise StoreError(f"{path}: not valid RDF: {exc}") from exc
        store.flush()
    finally:
        del store  # release the lock now, not whenever the garbage collector runs
    return report


def _drop_graphs(store: ox.Store, names: set[GraphName]) -> int:
    """Remove the named graphs about to be loaded again; return how many the store held."""
    held = set(store.named_graphs())
    default_empty = next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None
    if default_empty and held <= names:
        # Everything is replaced (a re-run of the same corpus): clearing is a range delete,
        # far faster than removing graph after graph.
        store.clear()
        return len(held)
    replaced = held & names
    for name in replaced:
        store.remove_graph(name)
    return len(replaced)


def store_counts(directory: Path) -> tuple[int, int]:
    """(quads, named graphs) in a store."""
    store = open_store(directory, read_only=True)
    return len(store), sum(1 for _ in store.named_graphs())


# --- A SPARQL 1.1 server -------------------------------------------------------------------


def _credentials() -> str | None:
    """The Basic authorization header value from the environment, if set."""
    user = os.environ.get(USER_ENV)
    if not user:
        return None
    token = f"{user}:{os.environ.get(PASSWORD_ENV, '')}".encode()
    return "Basic " + base64.b64encode(token).decode("ascii")


def _parse_endpoint(url: str) -> SplitResult:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"endpoint must be an http(s) URL, got {_redact(url)!r}")
    if parts.username or parts.password:
        raise StoreError(
            f"do not put credentials in the endpoint URL; set {USER_ENV} / {PASSWORD_ENV}"
        )
    return parts


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
        return parts._replace(netloc=netloc).geturl()
    return url


class _Http:
    """Keep-alive HTTP(S) connections to one server, one per thread."""

    def __init__(self, url: str, timeout: float) -> None:
        self.parts = _parse_endpoint(url)
        self.url = url
        self.timeout = timeout
        self.auth = _credentials()
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self.local, "conn", None)
        if conn is None:
            cls = (
                http.client.HTTPSConnection
                if self.parts.scheme == "https"
                else http.client.HTTPConnection
            )
            conn = cls(self.parts.hostname or "", self.parts.port, timeout=self.timeout)
            self.local.conn = conn
        return conn

    def target(self, query: str = "") -> str:
        """Path and query string for a request to the endpoint."""
        path = self.parts.path or "/"
        joined = "&".join(q for q in (self.parts.query, query) if q)
        return f"{path}?{joined}" if joined else path

    def request(
        self, method: str, target: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, str, bytes, str]:
        """Send one request; return (status, reason, body, content type). Retries once on a
        connection the server closed between requests."""
        headers = dict(headers)
        if self.auth:
            headers["Authorization"] = self.auth
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                conn.close()
                self.local.conn = None
                if attempt == 2 or not isinstance(
                    exc, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
                ):
                    raise EndpointError(f"cannot reach {self.url}: {exc}") from exc
                continue
            return response.status, response.reason, data, response.getheader("Content-Type", "")
        raise EndpointError(f"cannot reach {self.url}")  # pragma: no cover - loop always returns

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()


def _server_message(status: int, reason: str, data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    if len(text) > 500:
        text = text[:500] + "…"
    return f"HTTP {status} {reason}" + (f": {text}" if text else "")


def load_endpoint(
    files: Sequence[Path],
    url: str,
    *,
    batch_size: int = 64,
    workers: int = 4,
    timeout: float = 60.0,
) -> LoadReport:
    """PUT every named graph of the files to a Graph Store endpoint, `batch_size` at a time."""
    http_ = _Http(url, timeout)
    report = LoadReport(files=len(files))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for batch in _batches(_all_graphs(files), batch_size):
            for graph, count in pool.map(lambda item: _put_graph(http_, *item), batch):
                report.graphs += 1
                report.quads += count
                report.requests += 1
                if graph is None:
                    report.notes.append("default-graph triples were added (POST), not replaced")
    return report


def _all_graphs(files: Iterable[Path]) -> Iterator[tuple[GraphName, list[ox.Triple]]]:
    for path in files:
        yield from iter_graphs(path)


def _batches(
    items: Iterator[tuple[GraphName, list[ox.Triple]]], size: int
) -> Iterator[list[tuple[GraphName, list[ox.Triple]]]]:
    batch: list[tuple[GraphName, list[ox.Triple]]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _put_graph(http_: _Http, graph: GraphName, triples: list[ox.Triple]) -> tuple[str | None, int]:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    headers = {"Content-Type": "application/n-triples"}
    if isinstance(graph, ox.NamedNode):
        name = graph.value
        method, target = "PUT", http_.target("graph=" + quote(name, safe=""))
    elif isinstance(graph, ox.DefaultGraph):
        # PUT on the default graph would wipe what others put there: add instead.
        method, target, name = "POST", http_.target("default"), None
    else:
        raise EndpointError(f"blank-node graph names cannot be addressed over HTTP: {graph}")
    status, reason, data, _ = http_.request(method, target, body, headers)
    if status >= 300:
        where = f"graph <{name}>" if name else "the default graph"
        raise EndpointError(f"{method} {where} failed: {_server_message(status, reason, data)}")
    return name, len(triples)


# --- Queries -------------------------------------------------------------------------------


@dataclass
class QueryResult:
    """A result table: variable names and rows of values (None when unbound)."""

    variables: list[str]
    rows: list[list[str | None]]


def bundled_queries() -> dict[str, str]:
    """The documented queries shipped with newsfacts: name -> SPARQL text."""
    folder = resources.files("exporters") / "queries"
    return {
        entry.name.removesuffix(".rq"): entry.read_text("utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".rq")
    }


def describe_query(text: str) -> str:
    """The first comment line of a bundled query (its one-line description)."""
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def resolve_query(arg: str) -> str:
    """A bundled query name, a .rq file, or SPARQL text -> SPARQL text."""
    queries = bundled_queries()
    if arg in queries:
        return queries[arg]
    path = Path(arg)
    if "\n" not in arg and len(arg) < 4096 and path.is_file():
        return path.read_text("utf-8")
    if any(word in arg.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        return arg
    raise StoreError(
        f"{arg!r} is not a bundled query, a file or SPARQL text; bundled: {', '.join(queries)}"
    )


def _term(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def query_store(directory: Path, text: str) -> QueryResult:
    """Run a query against the embedded store (read-only: a running load does not block it)."""
    store = open_store(directory, read_only=True)
    try:
        result = store.query(text)
    except SyntaxError as exc:
        raise StoreError(f"SPARQL syntax error: {exc}") from exc
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return QueryResult(names, [[_term(s[name]) for name in names] for s in result])
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(["result"], [[str(bool(result)).lower()]])
    return QueryResult(
        ["subject", "predicate", "object"],
        [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in result],
    )


def query_endpoint(url: str, text: str, *, timeout: float = 60.0) -> QueryResult:
    """Run a query against a SPARQL 1.1 query endpoint (SPARQL Protocol, POST)."""
    http_ = _Http(url, timeout)
    try:
        status, reason, data, content_type = http_.request(
            "POST",
            http_.target(),
            text.encode("utf-8"),
            {
                "Content-Type": "application/sparql-query; charset=utf-8",
                "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            },
        )
    finally:
        http_.close()
    if status >= 300:
        raise EndpointError(f"query failed: {_server_message(status, reason, data)}")
    if "n-triples" in content_type:
        triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        return QueryResult(
            ["subject", "predicate", "object"],
            [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in triples],
        )
    payload = json.loads(data)
    if "boolean" in payload:
        return QueryResult(["result"], [[str(bool(payload["boolean"])).lower()]])
    names = list(payload["head"]["vars"])
    rows = [
        [binding[n]["value"] if n in binding else None for n in names]
        for binding in payload["results"]["bindings"]
    ]
    return QueryResult(names, rows)
