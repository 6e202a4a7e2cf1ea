"""Any SPARQL 1.1 server: Graph Store HTTP Protocol loads and SPARQL Protocol queries.

Written to what every server accepts (checked against Oxigraph and Virtuoso):

- Queries go as the SPARQL 1.1 Protocol's GET `?query=` when the URL stays short, else as a
  form-encoded POST `query=` (a raw `application/sparql-query` body is optional in the
  Protocol, and Virtuoso 7 does not answer it), with an Accept header for each result kind.
- Loads PUT each named graph (PUT replaces it) as N-Triples, over a few keep-alive
  connections. A batch the server refuses for a passing reason (a deadlock such as Virtuoso's
  `SR172`, 503, a dropped connection) is retried with backoff; a reload that cannot finish
  says which graphs are new and which are still old.
- Credentials come from NEWSFACTS_SPARQL_USER / NEWSFACTS_SPARQL_PASSWORD only; they never
  appear in messages, and neither does anything in a server's error body that looks like one.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, quote, urlencode, urlsplit

import pyoxigraph as ox

from exporters.store import (
    EndpointError,
    GraphName,
    LoadReport,
    QueryResult,
    StoreError,
    graph_names,
    iter_graphs,
    term_cell,
)

USER_ENV = "NEWSFACTS_SPARQL_USER"
PASSWORD_ENV = "NEWSFACTS_SPARQL_PASSWORD"  # noqa: S105 - the name of a variable, not a secret

#: A query URL longer than this goes as a form POST (servers and proxies cap URLs near 8 KB;
#: 2 KB is safe everywhere).
MAX_GET_URL = 2048
RESULTS_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
    "text/plain;q=0.5"
)
#: Attempts per graph, and the first pause (doubled after each failure: 0.5, 1, 2, 4 s).
ATTEMPTS = 5
#: Attempts when the server cannot be reached at all (it may be restarting; it may be gone).
CONNECT_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
#: HTTP statuses a server gives for a passing condition: worth another try.
RETRY_STATUSES = frozenset({408, 409, 423, 425, 429, 500, 502, 503, 504})
#: What a server says when two writers collided (Virtuoso: "SR172: Transaction deadlocked").
_TRANSIENT_BODY = re.compile(r"deadlock|SR172|try again|temporarily", re.IGNORECASE)
#: Graph names shown in a message before "and N more".
SHOWN_NAMES = 5

# Anything credential-like in a server's text: an Authorization/Cookie header line, a
# `Basic …`/`Bearer …` value, a `password=…`/`token=…` pair.
_SECRET_PATTERNS = (
    re.compile(r"(?im)^(\s*(?:proxy-)?authorization|\s*(?:set-)?cookie|\s*x-api-key)(\s*:\s*).*$"),
    # a credential, not a word: it holds a digit or one of + / = (base64, hex, JWT)
    re.compile(
        r"(?i)\b(basic|bearer|digest)(\s+)(?!realm=)(?=[A-Za-z0-9+/=._~\-]*[0-9+/=])[A-Za-z0-9+/=._~\-]{6,}"
    ),
    re.compile(
        r"(?i)\b(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|token)(\s*[=:]\s*[\"']?)"
        r"[^\s&,;\"']+"
    ),
)
REDACTED = "[redacted]"


def _credentials() -> tuple[str, str] | None:
    """(user, password) from the environment, if a user is set."""
    user = os.environ.get(USER_ENV)
    if not user:
        return None
    return user, os.environ.get(PASSWORD_ENV, "")


def _authorization(credentials: tuple[str, str]) -> str:
    token = f"{credentials[0]}:{credentials[1]}".encode()
    return "Basic " + base64.b64encode(token).decode("ascii")


def plain_http_warning(url: str) -> str | None:
    """A warning when credentials would travel over plain http (readable on the way)."""
    if _credentials() is None or urlsplit(url).scheme != "http":
        return None
    return (
        f"sending {USER_ENV}'s password over plain http to {urlsplit(url).hostname}: "
        "anyone on the way can read it; use an https endpoint"
    )


def redact(text: str) -> str:
    """`text` with credential-looking headers, tokens and our own credentials blanked."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    credentials = _credentials()
    if credentials is not None:
        for secret in (credentials[1], _authorization(credentials).split(" ", 1)[1]):
            if len(secret) >= 4:
                text = text.replace(secret, REDACTED)
    return text


def _parse_endpoint(url: str) -> SplitResult:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"endpoint must be an http(s) URL, got {_redact_url(url)!r}")
    if parts.username or parts.password:
        raise StoreError(
            f"do not put credentials in the endpoint URL; set {USER_ENV} / {PASSWORD_ENV}"
        )
    return parts


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
        return parts._replace(netloc=netloc).geturl()
    return url


@dataclass(frozen=True)
class Response:
    """What a server answered."""

    status: int
    reason: str
    body: bytes
    content_type: str

    def message(self) -> str:
        """`HTTP 400 Bad Request: <body, shortened, credentials redacted>`."""
        text = redact(self.body.decode("utf-8", "replace").strip())
        if len(text) > 500:
            text = text[:500] + "…"
        return f"HTTP {self.status} {self.reason}" + (f": {text}" if text else "")

    @property
    def transient(self) -> bool:
        """A refusal that another try may not meet (a deadlock, an overloaded server)."""
        if self.status in (408, 425, 429, 503):
            return True
        text = self.body[:2000].decode("utf-8", "replace")
        return self.status in RETRY_STATUSES and bool(_TRANSIENT_BODY.search(text))


class _Http:
    """Keep-alive HTTP(S) connections to one server, one per thread."""

    def __init__(self, url: str, timeout: float) -> None:
        self.parts = _parse_endpoint(url)
        self.url = url
        self.timeout = timeout
        credentials = _credentials()
        self.auth = _authorization(credentials) if credentials else None
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

    def request(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> Response:
        """Send one request. Retries once on a connection the server closed between requests."""
        headers = dict(headers)
        if self.auth:
            headers["Authorization"] = self.auth
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, target, body=body or None, headers=headers)
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
            return Response(
                response.status, response.reason, data, response.getheader("Content-Type", "")
            )
        raise EndpointError(f"cannot reach {self.url}")  # pragma: no cover - loop always returns

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()


# --- Loading -------------------------------------------------------------------------------


class ReloadIncompleteError(EndpointError):
    """A load stopped part way: some graphs are new, the others still hold their old content."""


class _NotSentError(EndpointError):
    """A graph skipped because another one failed for good."""


def load_endpoint(
    files: Sequence[Path],
    url: str,
    *,
    batch_size: int = 64,
    workers: int = 4,
    timeout: float = 60.0,
    backoff: float = BACKOFF_SECONDS,
) -> LoadReport:
    """PUT every named graph of the files to a Graph Store endpoint, `batch_size` at a time."""
    http_ = _Http(url, timeout)
    report = LoadReport(files=len(files))
    done: list[str] = []
    stop = threading.Event()  # set by the first graph that fails for good: start no more
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for batch in _batches(_all_graphs(files), batch_size):
            futures = [
                pool.submit(_put_graph, http_, graph, triples, backoff, stop)
                for graph, triples in batch
            ]
            failure: EndpointError | None = None
            for future in futures:
                try:
                    name, count, attempts = future.result()
                except _NotSentError:
                    continue
                except EndpointError as exc:
                    failure = failure or exc
                    continue
                report.graphs += 1
                report.quads += count
                report.requests += attempts
                if name is None:
                    report.notes.append("default-graph triples were added (POST), not replaced")
                else:
                    done.append(name)
            if failure is not None:
                raise _incomplete(files, done, failure) from failure
    return report


def _incomplete(files: Sequence[Path], done: list[str], failure: EndpointError) -> EndpointError:
    """The error of a load that stopped: what failed, which graphs are new, which are old."""
    if not done:
        return failure  # nothing changed on the server: the plain error says it all
    new = set(done)
    old = sorted(
        name.value
        for path in files
        for name in graph_names(path)
        if isinstance(name, ox.NamedNode) and name.value not in new
    )
    return ReloadIncompleteError(
        f"{failure}\nthe load stopped part way: {len(done)} graphs are new "
        f"({_names(done)}); {len(old)} still hold their old content or are absent "
        f"({_names(old)}). Run the same load again to finish it (PUT replaces, so graphs "
        "already loaded are simply loaded again)."
    )


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(f"<{n}>" for n in names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return shown + (f" and {more} more" if more > 0 else "") if names else "none"


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


def _put_graph(
    http_: _Http, graph: GraphName, triples: list[ox.Triple], backoff: float, stop: threading.Event
) -> tuple[str | None, int, int]:
    """PUT one graph, retrying passing refusals; (graph name, triples, requests sent)."""
    try:
        return _put_graph_retrying(http_, graph, triples, backoff, stop)
    except EndpointError:
        stop.set()
        raise


def _put_graph_retrying(
    http_: _Http, graph: GraphName, triples: list[ox.Triple], backoff: float, stop: threading.Event
) -> tuple[str | None, int, int]:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    headers = {"Content-Type": "application/n-triples"}
    if isinstance(graph, ox.NamedNode):
        name: str | None = graph.value
        method, target = "PUT", http_.target("graph=" + quote(graph.value, safe=""))
    elif isinstance(graph, ox.DefaultGraph):
        # PUT on the default graph would wipe what others put there: add instead.
        method, target, name = "POST", http_.target("default"), None
    else:
        raise EndpointError(f"blank-node graph names cannot be addressed over HTTP: {graph}")
    where = f"graph <{name}>" if name else "the default graph"
    pause = backoff
    for attempt in range(1, ATTEMPTS + 1):
        if stop.is_set():
            raise _NotSentError(f"{method} {where} not sent: another graph failed")
        try:
            response = http_.request(method, target, body, headers)
        except EndpointError:
            if attempt >= CONNECT_ATTEMPTS:
                raise
        else:
            if response.status < 300:
                return name, len(triples), attempt
            if not response.transient or attempt == ATTEMPTS:
                tries = f" (after {attempt} tries)" if attempt > 1 else ""
                raise EndpointError(f"{method} {where} failed{tries}: {response.message()}")
        time.sleep(pause)
        pause *= 2
    raise EndpointError(f"{method} {where} failed")  # pragma: no cover - the loop raises


# --- Queries -------------------------------------------------------------------------------


def query_endpoint(url: str, text: str, *, timeout: float = 60.0) -> QueryResult:
    """Run a query against a SPARQL 1.1 query endpoint (SPARQL Protocol: GET or form POST)."""
    http_ = _Http(url, timeout)
    form = urlencode({"query": text})
    headers = {"Accept": RESULTS_ACCEPT}
    try:
        target = http_.target(form)
        if len(target) <= MAX_GET_URL:
            response = http_.request("GET", target, b"", headers)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = http_.request("POST", http_.target(), form.encode("ascii"), headers)
    finally:
        http_.close()
    if response.status >= 300:
        raise EndpointError(f"query failed: {response.message()}")
    return _parse_results(response)


def _parse_results(response: Response) -> QueryResult:
    content_type = response.content_type.split(";")[0].strip().lower()
    graph_formats = {
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "text/plain": ox.RdfFormat.N_TRIPLES,
        "text/turtle": ox.RdfFormat.TURTLE,
    }
    if content_type in graph_formats:
        triples = list(ox.parse(response.body, format=graph_formats[content_type]))
        return QueryResult(
            ["subject", "predicate", "object"],
            [[term_cell(t.subject), term_cell(t.predicate), term_cell(t.object)] for t in triples],
        )
    try:
        payload = json.loads(response.body)
    except ValueError as exc:
        raise EndpointError(
            f"the server answered {content_type or 'an unnamed type'}, not SPARQL results"
        ) from exc
    if "boolean" in payload:
        return QueryResult(["result"], [[str(bool(payload["boolean"])).lower()]])
    names = list(payload["head"]["vars"])
    bindings = payload["results"]["bindings"]
    if names == ["__ASK_RETVAL"]:  # Virtuoso answers ASK as a one-cell table
        value = bindings[0]["__ASK_RETVAL"]["value"] if bindings else "0"
        return QueryResult(["result"], [[str(value not in ("0", "false")).lower()]])
    rows, iris = [], []
    for binding in bindings:
        rows.append([binding[n]["value"] if n in binding else None for n in names])
        iris.append([n in binding and binding[n]["type"] == "uri" for n in names])
    return QueryResult(names, rows, iris)
