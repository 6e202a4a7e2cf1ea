"""`extract_article(path, data)`: the one entry point every caller uses (CLI, pool, Dask, tests)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ValidationError

from extractor import rules
from extractor.authors import find_authors
from extractor.document import STRICT_RECORD, Document
from extractor.entities import entity_keys
from extractor.measures import extract_measure_groups
from extractor.organizations import find_organizations
from extractor.reader import read_document
from extractor.source import find_source
from schemas import Article, Organization, Person, Source

#: Set to "1" (tests do, for the whole session) to re-raise a failing field extractor instead of
#: turning it into a `NAME: rule failed (…)` warning: in production a crash in one rule must not
#: lose the article, but in tests that safety net would hide the crash.
STRICT_RULES_ENV = "NEWSFACTS_STRICT_RULES"

#: Where a path string differs from PurePath's reading of it: an empty part (`a//b`), a `.` part,
#: a backslash (a separator on Windows). Paths without them are their own normal form.
NOT_NORMAL_PATH_FORMS = ("//", "/./", "\\")

#: Field extractors in the order they run; a later one may read `doc.facts` of earlier ones
#: (organizations look at the measure sentences, so they run after measure_groups). Source,
#: authors and organizations give plain fields (document.FoundSource …), validated with the
#: whole Article in `article_of`.
FIELD_EXTRACTORS: tuple[tuple[str, Callable[[Document], Any]], ...] = (
    ("source", find_source),
    ("measure_groups", extract_measure_groups),
    ("authors", find_authors),
    ("organizations", find_organizations),
)


def extract_article(path: str | PurePath, data: bytes) -> Article:
    """Turn one file's bytes into an Article; raise InputError when the file cannot be read.

    Pure: the same (path, data) gives the same record, byte for byte.
    """
    doc = read_document(posix_path(path), data)
    for name, extractor in FIELD_EXTRACTORS:
        try:
            setattr(doc.facts, name, extractor(doc))
        except MemoryError:  # the file is over its memory bound: the batch fails it as such
            raise
        except Exception as exc:  # a failing rule is a warning, not a lost article (unless strict)
            if strict_rules():  # read here, not per article: the environment costs a microsecond
                raise
            doc.warn(f"{name}: rule failed ({type(exc).__name__}: {exc})")
    return article_of(doc)


def article_of(doc: Document) -> Article:
    """The record of a document whose field extractors have run, its mentions keyed to entities.

    The whole record is validated in one pydantic call, the plain facts read by their
    attributes (`from_attributes`): one call a mention and the Article's again cost a sixth
    more of pydantic's time on the real posts. Strictly (`STRICT_RECORD`): the stages give the
    fields' own types, nothing to coerce. Should a stage's facts not validate, that stage is
    dropped with a warning, as a failing field extractor is (`_drop_invalid`)."""
    identifier = article_id(doc)
    site = doc.tags[0] if doc.tags else doc.category
    facts = doc.facts
    org_keys, person_keys = entity_keys(
        identifier, facts.organizations, facts.authors, facts.source, site
    )
    # The mentions were made for this record alone: each gets its key in place.
    for mention, key in zip(facts.organizations, org_keys, strict=True):
        mention.entity = key
    for person, key in zip(facts.authors, person_keys, strict=True):
        person.entity = key
    fields = {
        "id": identifier,
        "path": doc.path,
        "title": doc.title,
        "published": doc.published,
        "url": doc.url,
        "category": doc.category,
        "tags": doc.tags,
        "source": facts.source,
        "organizations": facts.organizations,
        "authors": facts.authors,
        "measure_groups": facts.measure_groups,
        "paragraphs": doc.paragraphs,
        "warnings": doc.warnings,
    }
    try:
        return Article.model_validate(fields, from_attributes=True, strict=STRICT_RECORD)
    except ValidationError:
        if not _drop_invalid(doc):
            raise  # the document's own fields, not a stage's: no record to make
        return article_of(doc)  # (the keys again: a dropped mention may have named a place)


#: The facts validated with the whole Article (`article_of`): the field and its model.
CHECKED_WITH_ARTICLE: tuple[tuple[str, type[BaseModel]], ...] = (
    ("source", Source),
    ("authors", Person),
    ("organizations", Organization),
)


def _drop_invalid(doc: Document) -> bool:
    """Drop each stage's facts that do not validate, with the warning a failing stage gives
    (re-raised when strict); True when some were dropped."""
    dropped = False
    for name, model in CHECKED_WITH_ARTICLE:
        value = getattr(doc.facts, name)
        single = not isinstance(value, list)  # the source: one fact or None
        found = [] if value is None else [value] if single else value
        try:
            for fact in found:
                model.model_validate(fact, from_attributes=True, strict=STRICT_RECORD)
        except ValidationError as exc:
            dropped = _failed(doc, name, exc)
            setattr(doc.facts, name, None if single else [])
    return dropped


def _failed(doc: Document, name: str, exc: Exception) -> bool:
    if strict_rules():
        raise exc
    doc.warn(f"{name}: rule failed ({type(exc).__name__}: {exc})")
    return True


def posix_path(path: str | PurePath) -> str:
    """`PurePath(path).as_posix()`, without building a path (3 us) when the string already is
    its own normal form: no empty or `.` part, no trailing or back slash."""
    if (
        isinstance(path, str)
        and path
        and not any(form in path for form in NOT_NORMAL_PATH_FORMS)
        and not path.startswith("./")
        and not path.endswith(("/", "/."))
    ):
        return path
    return PurePath(path).as_posix()


def strict_rules() -> bool:
    """True when a failing field extractor must raise (`NEWSFACTS_STRICT_RULES=1`)."""
    return os.environ.get(STRICT_RULES_ENV, "") == "1"


def article_id(doc: Document) -> str:
    """The publisher's id from the URL (infoCode) when it has one, else a hash of the text."""
    if doc.url:
        for pattern in rules.patterns("document", "url_id"):
            match = pattern.search(doc.url)
            if match:
                return match.group("id")
    utf8 = doc.utf8 if doc.utf8 is not None else doc.text.encode("utf-8")
    digest = hashlib.sha256(utf8).hexdigest()
    return f"sha256-{digest[:24]}"
