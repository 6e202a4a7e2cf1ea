"""Exporters keyed by format name, with aliases; the CLI's --format choices come from here.

Entries name their class as "module:Class" and are imported only when used, so
the CLI starts fast and an exporter's heavy dependency is loaded only by its users.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

from exporters.base import Exporter


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class Entry(NamedTuple):
    """One registered format."""

    name: str
    target: str  # "module:Class"
    aliases: tuple[str, ...]
    files: str
    description: str


class UnknownFormatError(ValueError):
    """A format name that is not registered; the message lists the known ones."""


REGISTRY: dict[str, Entry] = {}
ALIASES: dict[str, str] = {}


def register(
    name: str, target: str, *, aliases: tuple[str, ...] = (), files: str, description: str
) -> None:
    """Register a format under its name and aliases (each name unique)."""
    for key in (name, *aliases):
        if key in ALIASES:
            raise ValueError(f"format name {key!r} registered twice")
        ALIASES[key] = name
    REGISTRY[name] = Entry(name, target, aliases, files, description)


def resolve(name: str) -> str:
    """The canonical name for a name or alias."""
    key = name.strip().lower()
    if key not in ALIASES:
        raise UnknownFormatError(f"unknown format {name!r}; known formats: {known_formats()}")
    return ALIASES[key]


def known_formats() -> str:
    """`json (jsonl), nquads (nq, rdf), …` for messages and --help."""
    return ", ".join(
        f"{e.name} ({', '.join(e.aliases)})" if e.aliases else e.name for e in REGISTRY.values()
    )


def exporter_class(name: str) -> type[Exporter]:
    """Import and return the exporter class for a name or alias."""
    entry = REGISTRY[resolve(name)]
    module_name, _, class_name = entry.target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise TypeError(f"{entry.target} is not an Exporter")
    return cls


# The table of outputs in DESIGN.md. Keep it in the same order.
register(
    "json",
    "exporters.jsonl:JsonLinesExporter",
    aliases=("jsonl",),
    files="articles.jsonl",
    description="one Article per line, in path order (always written)",
)
register(
    "nquads",
    "exporters.rdf:NQuadsExporter",
    aliases=("nq", "rdf"),
    files="articles.nq",
    description="one named graph per article (schema.org + PROV-O + newsfacts terms), streamed",
)
register(
    "trig",
    "exporters.rdf:TriGExporter",
    files="articles.trig",
    description="the same named graphs in TriG with prefixes (small runs)",
)
register(
    "turtle",
    "exporters.rdf:TurtleExporter",
    aliases=("ttl",),
    files="articles.ttl",
    description="the union of the article graphs in Turtle (small runs)",
)
register(
    "ntriples",
    "exporters.rdf:NTriplesExporter",
    aliases=("nt",),
    files="articles.nt",
    description="the union of the article graphs in N-Triples (small runs)",
)
register(
    "jsonld",
    "exporters.rdf:JsonLdExporter",
    files="articles.jsonld",
    description="the named graphs as JSON-LD with schemas/context.jsonld inlined (small runs)",
)
register(
    "xlsx",
    "exporters.excel:ExcelExporter",
    aliases=("excel",),
    files="articles.xlsx",
    description="the analysts' workbook: Summary with a chart, then one sheet per record type",
)
register(
    "csv",
    "exporters.csv:CsvExporter",
    files="csv/articles.csv, csv/organizations.csv, csv/measures.csv, csv/persons.csv, "
    "csv/warnings.csv",
    description="one UTF-8 (with BOM) file per record type, the workbook's columns",
)
register(
    "html",
    "exporters.report:HtmlExporter",
    files="report/",
    description="an offline evidence report: every fact highlighted in its text "
    "(`newsfacts report OUT` rebuilds it)",
)
