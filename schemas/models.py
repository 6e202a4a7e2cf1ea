"""The record contract: pydantic v2 models whose JSON field names are public.

Every fact carries `Evidence` pointing at the text that supports it, so a
reader can check why a rule decided what it did. Models forbid unknown fields:
a typo in an extractor is an error, not a silently different record.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Where = Literal["paragraph", "title", "source_line", "front_matter", "url"]
Role = Literal[
    "author",
    "reporter",
    "correspondent",
    "editor",
    "responsible_editor",
    "reviewer",
    "photographer",
]
OrgRole = Literal["subject", "mentioned"]
OrgKind = Literal[
    "university",
    "school",
    "government",
    "court",
    "procuratorate",
    "party",
    "enterprise",
    "hospital",
    "media",
    "other",
]

#: Separates an article id from a name in an entity key local to one article.
LOCAL_SEPARATOR = "#"

#: Roles that count as "credited for the text" (scored as authors).
AUTHOR_ROLES: frozenset[str] = frozenset({"author", "reporter", "correspondent", "editor"})


def no_items() -> list[Any]:
    """The empty list a list field starts with: a function rather than `list`, because
    pydantic reads each default factory's signature, and a builtin's is parsed from its
    text with tokenize (whose pattern a fresh process then compiles: 2 ms of a one-file run)."""
    return []


def _no_default(schema: dict[str, Any]) -> None:
    """`entity` is filled by the pipeline: the published schema shows no empty default."""
    schema.pop("default", None)
    schema["minLength"] = 1


class Record(BaseModel):
    """Base of every record: strict fields, no extras."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class Evidence(Record):
    """A span of text that supports a fact: `text[start:end]` of the place named by `where`."""

    where: Where
    paragraph: int | None = Field(
        default=None, ge=0, description="Index into Article.paragraphs; only for where=paragraph."
    )
    start: int = Field(ge=0, description="Start character offset in that text.")
    end: int = Field(ge=0, description="End character offset (exclusive) in that text.")

    @model_validator(mode="after")
    def _check(self) -> Evidence:
        if self.end < self.start:
            raise ValueError(f"evidence end {self.end} before start {self.start}")
        if (self.where == "paragraph") != (self.paragraph is not None):
            raise ValueError("paragraph index is required for where=paragraph and only then")
        return self


class Source(Record):
    """The publisher the text itself names (文章来源：黑龙江日报), without 《》."""

    name: str = Field(min_length=1)
    evidence: Evidence


class Organization(Record):
    """An organization named in the article; `subject` when it acts in the measures."""

    name: str = Field(min_length=1)
    kind: OrgKind = "other"
    role: OrgRole = "mentioned"
    region: str | None = Field(
        default=None, description="Administrative place, e.g. 黑龙江省绥化市."
    )
    evidence: list[Evidence] = Field(default_factory=no_items)
    entity: str = Field(
        default="",
        description=(
            "The stable key of the real organization this mention stands for (its "
            "place-qualified full name, or `<article id>#<name>` when only the article can tell); "
            "IRIs are minted from it. Never empty in a record."
        ),
        json_schema_extra=_no_default,
    )

    def entity_in(self, article_id: str) -> str:
        """The entity key; for a record built by hand without one, a key local to its article."""
        return self.entity or local_key(article_id, self.name)


class Person(Record):
    """A person credited for the text, with one role."""

    name: str = Field(min_length=1)
    role: Role
    evidence: Evidence
    entity: str = Field(
        default="",
        description=(
            "The stable key of the real person this mention stands for (`<medium>/<name>`, "
            "or `<article id>#<name>` when the article names no medium); "
            "IRIs are minted from it. Never empty in a record."
        ),
        json_schema_extra=_no_default,
    )

    def entity_in(self, article_id: str) -> str:
        """The entity key; for a record built by hand without one, a key local to its article."""
        return self.entity or local_key(article_id, self.name)


class Measure(Record):
    """One enumerated item: `name` is its first clause without the enumeration marker."""

    name: str = Field(min_length=1)
    text: str
    evidence: Evidence


class MeasureGroup(Record):
    """A group of measures the text states, e.g. 构建“三个保障” with three items."""

    label: str = Field(min_length=1, description="The text's own label without quotes.")
    declared_count: int | None = Field(default=None, ge=0)
    label_stated: bool = Field(
        default=False,
        description=(
            "True when the text states the label (三个保障, 四点要求); false when the label is"
            " assigned to an unlabelled run (一是…四是, (一)…(三), [段首小标题])."
        ),
    )
    heading: str | None = Field(default=None, description="The sentence that states the label.")
    purpose: str | None = Field(default=None, description="The clause after the label.")
    items: list[Measure] = Field(default_factory=no_items)
    children: list[MeasureGroup] = Field(default_factory=no_items)
    parent_item: int | None = Field(
        default=None, ge=0, description="Index in the parent group's items that this expands."
    )
    evidence: Evidence | None = None


class Article(Record):
    """One input file's extracted facts. The same input gives the same record."""

    id: str = Field(min_length=1)
    path: str
    title: str | None = None
    published: str | None = Field(
        default=None,
        description="ISO 8601: date-time with offset when a time is known, else a date.",
        pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$",
    )
    url: str | None = None
    category: str | None = None
    tags: list[str] = Field(default_factory=no_items)
    source: Source | None = None
    organizations: list[Organization] = Field(default_factory=no_items)
    authors: list[Person] = Field(default_factory=no_items)
    measure_groups: list[MeasureGroup] = Field(default_factory=no_items)
    paragraphs: list[str] = Field(default_factory=no_items)
    warnings: list[str] = Field(default_factory=no_items)

    @model_validator(mode="after")
    def _entities_set(self) -> Article:
        """A mention built without a key (by hand, not by extract_article) stays local to the
        article: it never merges with another article's mention of the same surface name."""
        if any(not m.entity for m in self.organizations):
            self.organizations = [
                m if m.entity else m.model_copy(update={"entity": local_key(self.id, m.name)})
                for m in self.organizations
            ]
        if any(not m.entity for m in self.authors):
            self.authors = [
                m if m.entity else m.model_copy(update={"entity": local_key(self.id, m.name)})
                for m in self.authors
            ]
        return self


def local_key(article_id: str, name: str) -> str:
    """An entity key only this article uses: `<article id>#<name>` (name NFKC, no spaces)."""
    return f"{article_id}{LOCAL_SEPARATOR}{''.join(unicodedata.normalize('NFKC', name).split())}"
