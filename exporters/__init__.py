"""newsfacts exporters: Article stream -> JSON Lines, RDF, Excel, CSV; triple-store loaders."""

from exporters.base import AtomicFile, Exporter, FilePreparer, Preparer
from exporters.registry import REGISTRY, UnknownFormatError, exporter_class, known_formats, resolve

__all__ = [
    "REGISTRY",
    "AtomicFile",
    "Exporter",
    "FilePreparer",
    "Preparer",
    "UnknownFormatError",
    "exporter_class",
    "known_formats",
    "resolve",
]
