"""`extract_article(path, data)`: the one entry point every caller uses (CLI, pool, Dask, tests)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from extractor import rules
from extractor.authors import extract_authors
from extractor.document import Document
from extractor.entities import resolve_entities
from extractor.measures import extract_measure_groups
from extractor.organizations import extract_organizations
from extractor.reader import read_document
from extractor.source import extract_source
from schemas import Article

#: Field extractors in the order they run; a later one may read `doc.facts` of earlier ones
#: (organizations look at the measure sentences, so they run after measure_groups).
FIELD_EXTRACTORS: tuple[tuple[str, Callable[[Document], Any]], ...] = (
    ("source", extract_source),
    ("measure_groups", extract_measure_groups),
    ("authors", extract_authors),
    ("organizations", extract_organizations),
)


def extract_article(path: str | PurePath, data: bytes) -> Article:
    """Turn one file's bytes into an Article; raise InputError when the file cannot be read.

    Pure: the same (path, data) gives the same record, byte for byte.
    """
    doc = read_document(PurePath(path).as_posix(), data)
    for name, extractor in FIELD_EXTRACTORS:
        try:
            setattr(doc.facts, name, extractor(doc))
        except Exception as exc:  # noqa: BLE001 - a failing rule is a warning, not a lost article
            doc.warn(f"{name}: rule failed ({type(exc).__name__}: {exc})")
    identifier = article_id(doc)
    site = doc.tags[0] if doc.tags else doc.category
    organizations, authors = resolve_entities(
        identifier, doc.facts.organizations, doc.facts.authors, doc.facts.source, site
    )
    return Article(
        id=identifier,
        path=doc.path,
        title=doc.title,
        published=doc.published,
        url=doc.url,
        category=doc.category,
        tags=doc.tags,
        source=doc.facts.source,
        organizations=organizations,
        authors=authors,
        measure_groups=doc.facts.measure_groups,
        paragraphs=doc.paragraphs,
        warnings=doc.warnings,
    )


def article_id(doc: Document) -> str:
    """The publisher's id from the URL (infoCode) when it has one, else a hash of the text."""
    if doc.url:
        for pattern in rules.patterns("document", "url_id"):
            match = pattern.search(doc.url)
            if match:
                return match.group("id")
    digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    return f"sha256-{digest[:24]}"
