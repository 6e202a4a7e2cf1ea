"""The decoded, cut-up input every field extractor reads: `Document`."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import MeasureGroup, Organization, Person, Source


@dataclass
class Facts:
    """What the field extractors found so far, in pipeline order (later ones may read earlier)."""

    source: Source | None = None
    measure_groups: list[MeasureGroup] = field(default_factory=list)
    authors: list[Person] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)


@dataclass
class Document:
    """One input file, decoded and split into the parts the rules read."""

    path: str
    text: str
    encoding: str
    kind: str  # "post" | "html"
    title: str | None = None
    date_raw: str | None = None
    url: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    source_line: str | None = None
    published: str | None = None
    warnings: list[str] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    #: The file's bytes when they are exactly the text's UTF-8 (nearly always), else None: what
    #: the article's id hashes, without encoding the text again.
    utf8: bytes | None = None

    def warn(self, message: str) -> None:
        """Record a doubt of the rules; it ends up in Article.warnings (once)."""
        if message not in self.warnings:
            self.warnings.append(message)
