"""Triple stores: load RDF files into the embedded Oxigraph store or a SPARQL 1.1 server; query.

- Embedded: pyoxigraph on disk, created when missing, filled by `bulk_load`. Named graphs that
  the files bring and the store already holds are replaced, so loading an article again
  replaces its graph instead of adding to it. A load is all or nothing (see below).
- A SPARQL 1.1 server: see exporters/endpoint.py (loads over the Graph Store HTTP Protocol,
  queries over the SPARQL Protocol).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

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
    """A file graph by graph, each graph whole.

    newsfacts writes each article's graph in one run of lines, and such a file is streamed (one
    graph in memory at a time). A file whose graphs come in several runs (written by another
    tool, or concatenated) is still read whole: it is grouped in an in-memory store first.
    """
    if _graphs_contiguous(path):
        yield from _stream_graphs(path)
        return
    grouped = ox.Store()
    try:
        grouped.bulk_load(path=str(path), format=rdf_format(path))
    except SyntaxError as exc:
        raise StoreError(f"{path}: not valid RDF: {exc}") from exc
    default = ox.DefaultGraph()
    names: list[GraphName] = (
        [default] if any(grouped.quads_for_pattern(None, None, None, default)) else []
    )
    names.extend(sorted(grouped.named_graphs(), key=str))
    for name in names:
        yield name, [q.triple for q in grouped.quads_for_pattern(None, None, None, name)]


def _graphs_contiguous(path: Path) -> bool:
    """True when every graph of the file comes in one run of lines (a fast lenient pass)."""
    seen: set[GraphName] = set()
    current: GraphName | None = None
    try:
        for quad in ox.parse(path=path, format=rdf_format(path), lenient=True):
            if quad.graph_name != current:
                current = quad.graph_name
                if current in seen:
                    return False
                seen.add(current)
    except SyntaxError as exc:
        raise StoreError(f"{path}: not valid RDF: {exc}") from exc
    return True


def _stream_graphs(path: Path) -> Iterator[tuple[GraphName, list[ox.Triple]]]:
    current: GraphName | None = None
    triples: list[ox.Triple] = []
    try:
        for quad in ox.parse(path=path, format=rdf_format(path)):
            if quad.graph_name != current:
                if current is not None:
                    yield current, triples
                current, triples = quad.graph_name, []
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
#
# A store folder holds generations of one pyoxigraph database and a pointer naming the current
# one:
#
#     kg/CURRENT-GENERATION   "gen-000003\n"  (replaced by rename: readers see old or new)
#     kg/gen-000003/          the database readers open
#     kg/gen-000002/          the one before, kept so a query that opened it can finish
#     kg/write.lock           held (flock) by the one process loading
#
# A load fills a new generation (a hard-linked backup of the current one, its replaced graphs
# dropped, the files bulk-loaded) and then moves the pointer. A load killed at any point leaves
# the pointer on the old generation; the half-built one is removed by the next load.

POINTER = "CURRENT-GENERATION"
WRITE_LOCK = "write.lock"
GENERATION_PREFIX = "gen-"
#: Generations kept besides the current one (for queries that opened them before a swap).
KEPT_GENERATIONS = 1


def _generation_name(number: int) -> str:
    return f"{GENERATION_PREFIX}{number:06d}"


def _generation_number(name: str) -> int | None:
    digits = name.removeprefix(GENERATION_PREFIX)
    return int(digits) if name.startswith(GENERATION_PREFIX) and digits.isdigit() else None


def _is_legacy(directory: Path) -> bool:
    """A folder that is itself a database (written before stores had generations)."""
    return (directory / "CURRENT").is_file() and not (directory / POINTER).exists()


def current_generation(directory: Path) -> Path | None:
    """The database folder the pointer names, or None for a store that was never loaded."""
    if _is_legacy(directory):
        return directory
    try:
        name = (directory / POINTER).read_text("ascii").strip()
    except FileNotFoundError:
        return None
    if _generation_number(name) is None:
        raise StoreError(f"store {directory}: {POINTER} names no generation ({name!r})")
    return directory / name


def open_store(directory: Path) -> ox.Store:
    """Open the current generation of a store read-only (a running load does not block it)."""
    database = current_generation(directory) if directory.is_dir() else None
    if database is None:
        raise StoreError(f"no store at {directory}; load some files first (newsfacts load)")
    try:
        return ox.Store.read_only(str(database))
    except OSError as exc:
        raise StoreError(f"cannot open store {directory}: {exc}") from exc


@contextmanager
def _write_lock(directory: Path) -> Iterator[None]:
    """Hold the store's writer lock; another writer holding it is a clear error, not a hang."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = (directory / WRITE_LOCK).open("a")
    except OSError as exc:
        raise StoreError(f"cannot write store {directory}: {exc.strerror or exc}") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreLockedError(
                f"store {directory} is in use by another writer (its {WRITE_LOCK} is held); "
                "wait for that process to finish, or load into another --store"
            ) from exc
        yield  # the lock goes with the file handle, also when the process is killed


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
    """Load files into the store at `directory`, replacing the named graphs they bring.

    All or nothing: the new content is built in a new generation and made current by one
    rename; until then every reader (and a store left by a killed load) has the old content.
    """
    report = LoadReport(files=len(files))
    with _write_lock(directory):
        if _is_legacy(directory):
            raise StoreError(
                f"store {directory} was written by an older newsfacts (no generations); "
                "load into a new --store folder"
            )
        old = current_generation(directory)
        _remove_stale_generations(directory, old)
        new = directory / _generation_name(_next_generation(directory))
        try:
            report.replaced = _build_generation(files, old, new)
            _sync_tree(new)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        _point_to(directory, new)
        _remove_stale_generations(directory, new)
    return report


def _build_generation(files: Sequence[Path], old: Path | None, new: Path) -> int:
    """Fill `new` with the old content less the graphs the files bring, then the files.

    Returns how many graphs of the old content the files replace."""
    replaced = 0
    drop: set[GraphName] = set()
    if old is not None:
        current = ox.Store.read_only(str(old))
        held: set[GraphName] = set(current.named_graphs())
        default_empty = (
            next(current.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None
        )
        names: set[GraphName] = set()
        for path in files if held else ():
            names |= graph_names(path)
        replaced = len(held & names)
        if not default_empty or not held <= names:
            # Something is kept: start from a hard-linked snapshot (cheap; the old
            # generation's files stay untouched) and drop what is replaced.
            current.backup(str(new))
            drop = held & names
        del current
    store = ox.Store(str(new))
    try:
        for name in drop:
            store.remove_graph(name)
        for path in files:
            try:
                store.bulk_load(path=str(path), format=rdf_format(path))
            except SyntaxError as exc:
                raise StoreError(f"{path}: not valid RDF: {exc}") from exc
        store.flush()
    finally:
        del store  # release the database's own lock now, not whenever the collector runs
    return replaced


def _generations(directory: Path) -> dict[int, Path]:
    found = {}
    for entry in directory.iterdir():
        number = _generation_number(entry.name)
        if number is not None and entry.is_dir():
            found[number] = entry
    return found


def _next_generation(directory: Path) -> int:
    return max(_generations(directory), default=0) + 1


def _remove_stale_generations(directory: Path, current: Path | None) -> None:
    """Remove half-built generations and all but the newest KEPT_GENERATIONS older ones."""
    generations = _generations(directory)
    now = _generation_number(current.name) if current is not None else None
    older = sorted((n for n in generations if now is not None and n < now), reverse=True)
    keep = {now, *older[:KEPT_GENERATIONS]}
    for number, path in generations.items():
        if number not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _sync_tree(folder: Path) -> None:
    """fsync every file of a new generation and its folder, so the swap never points at data
    still in the page cache."""
    for entry in folder.iterdir():
        if entry.is_file():
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _point_to(directory: Path, generation: Path) -> None:
    """Make `generation` current with one atomic rename of the pointer file."""
    partial = directory / (POINTER + ".part")
    with partial.open("w", encoding="ascii") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(directory / POINTER)
    _sync_dir(directory)


def store_counts(directory: Path) -> tuple[int, int]:
    """(quads, named graphs) in a store."""
    store = open_store(directory)
    return len(store), sum(1 for _ in store.named_graphs())


# --- Queries -------------------------------------------------------------------------------


@dataclass
class QueryResult:
    """A result table: variable names and rows of values (None when unbound).

    `iris` marks the cells that are IRIs (for display: decoded unless asked for raw)."""

    variables: list[str]
    rows: list[list[str | None]]
    iris: list[list[bool]] = field(default_factory=list)

    def display_rows(self, *, raw: bool = False) -> list[list[str | None]]:
        """The rows for people: IRIs percent-decoded (…/organization/绥化学院), unless `raw`."""
        if raw or not self.iris:
            return self.rows
        return [
            [unquote(v) if v is not None and iri else v for v, iri in zip(row, marks, strict=True)]
            for row, marks in zip(self.rows, self.iris, strict=True)
        ]


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


def term_cell(term: object) -> str | None:
    """A result cell: an IRI's or literal's value (without tag or datatype), None if unbound."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def query_store(directory: Path, text: str) -> QueryResult:
    """Run a query against the embedded store (read-only: a running load does not block it)."""
    store = open_store(directory)
    try:
        result = store.query(text)
    except SyntaxError as exc:
        raise StoreError(f"SPARQL syntax error: {exc}") from exc
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows, iris = [], []
        for solution in result:
            terms = [solution[name] for name in names]
            rows.append([term_cell(t) for t in terms])
            iris.append([isinstance(t, ox.NamedNode) for t in terms])
        return QueryResult(names, rows, iris)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(["result"], [[str(bool(result)).lower()]])
    return QueryResult(
        ["subject", "predicate", "object"],
        [[term_cell(t.subject), term_cell(t.predicate), term_cell(t.object)] for t in result],
    )
