"""`newsfacts validate`: check RDF files against schemas/shapes.ttl with pyshacl, graph by graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from exporters.store import iter_graphs

#: The fixed focus node of the graph-wide checks in schemas/shapes.ttl (nfs:ArticleGraph).
ARTICLE_GRAPH = rdflib.URIRef("https://w3id.org/newsfacts/shapes#articleGraph")


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, in words."""

    graph: str
    focus: str
    path: str | None
    message: str
    severity: str

    def line(self) -> str:
        """`graph  focus  path: message` for the terminal."""
        where = f" {self.path}" if self.path else ""
        return f"[{self.severity}] {self.focus}{where}: {self.message}  (graph {self.graph})"


@dataclass
class ValidationReport:
    """The outcome for one file."""

    path: Path
    graphs: int = 0
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when no graph has a violation."""
        return not self.violations


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    """The SHACL shapes shipped in schemas/shapes.ttl."""
    text = (resources.files("schemas") / "shapes.ttl").read_text("utf-8")
    return rdflib.Graph().parse(data=text, format="turtle")


def validate_file(path: Path) -> ValidationReport:
    """Validate each graph of an RDF file (each article's named graph) against the shapes."""
    report = ValidationReport(path)
    for name, triples in iter_graphs(path):
        report.graphs += 1
        report.violations.extend(validate_graph(_label(name), triples))
    return report


def validate_graph(name: str, triples: list[ox.Triple]) -> Iterator[Violation]:
    """The violations of one graph."""
    data = rdflib.Graph()
    data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, results, _ = shacl_validate(data, shacl_graph=shapes_graph(), inplace=True)
    if conforms:
        return
    assert isinstance(results, rdflib.Graph)  # noqa: S101 - pyshacl's documented return type
    for result in sorted(results.subjects(rdflib.RDF.type, SH.ValidationResult), key=str):
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        focus = results.value(result, SH.focusNode)
        if focus == ARTICLE_GRAPH:  # a graph-wide check names the node at fault as its value
            focus = results.value(result, SH.value) or focus
        yield Violation(
            graph=name,
            focus=str(focus),
            path=str(path) if isinstance(path, rdflib.URIRef) else None,
            message=str(message) if message is not None else "violates a shape",
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        )


def _label(name: object) -> str:
    if isinstance(name, ox.NamedNode):
        return name.value
    return "default graph"
