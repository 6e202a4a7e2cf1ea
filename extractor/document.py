"""The decoded, cut-up input every field extractor reads: `Document`.

Plain classes with slots rather than dataclasses: every fresh process (a one-file run, the
fork server) makes its classes, and a dataclass's generated methods cost some 0.3 ms a
class to make; these two are only made, read and changed, never compared or printed.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from schemas import MeasureGroup, OrgKind, OrgRole, Role, Where


class Span(NamedTuple):
    """Where a fact stands: the fields of its Evidence, which pydantic reads from the
    attributes when the Article is validated (`pipeline.article_of`)."""

    where: Where
    paragraph: int | None
    start: int
    end: int


# The facts of organizations, people and the source are plain objects until the record is
# made: `pipeline.article_of` validates the whole Article in one pydantic call, reading these
# by their attributes (`from_attributes`), instead of one model_validate call a mention and
# the Article's again (a sixth of the time a real post spent in pydantic). Their attributes
# are the models' field names.


#: The facts are validated in strict mode (with the Article, and by the stages' `extract_*`
#: alike): each value must already be of its field's type (a list a list, a str a str). Lax
#: mode first asks each plain fact whether it is a Mapping (`collections.abc.Mapping`, a
#: Python-level check, some 15 a real post: 0.7 % of a real post's instructions); the records
#: are the same (all 10,790 corpus files compared).
STRICT_RECORD: Final = True


class FoundOrganization:
    """An organization's fields, as `schemas.Organization` names them."""

    __slots__ = ("entity", "evidence", "kind", "name", "region", "role")

    def __init__(  # the model's fields, in its order
        self, name: str, kind: OrgKind, role: OrgRole, region: str | None, evidence: list[Span]
    ) -> None:
        self.name = name
        self.kind = kind
        self.role = role
        self.region = region
        self.evidence = evidence
        #: set by `pipeline.article_of` once every mention of the article is known
        self.entity = ""


class FoundPerson:
    """A person's fields, as `schemas.Person` names them."""

    __slots__ = ("entity", "evidence", "name", "role")

    def __init__(self, name: str, role: Role, evidence: Span) -> None:
        self.name = name
        self.role = role
        self.evidence = evidence
        #: set by `pipeline.article_of` once every mention of the article is known
        self.entity = ""


class FoundSource:
    """The source's fields, as `schemas.Source` names them."""

    __slots__ = ("evidence", "name")

    def __init__(self, name: str, evidence: Span) -> None:
        self.name = name
        self.evidence = evidence


class Facts:
    """What the field extractors found so far, in pipeline order (later ones may read earlier)."""

    __slots__ = ("authors", "measure_groups", "organizations", "source")

    def __init__(
        self,
        source: FoundSource | None = None,
        measure_groups: list[MeasureGroup] | None = None,
        authors: list[FoundPerson] | None = None,
        organizations: list[FoundOrganization] | None = None,
    ) -> None:
        self.source = source
        self.measure_groups: list[MeasureGroup] = [] if measure_groups is None else measure_groups
        self.authors: list[FoundPerson] = [] if authors is None else authors
        self.organizations: list[FoundOrganization] = [] if organizations is None else organizations


class Document:
    """One input file, decoded and split into the parts the rules read."""

    __slots__ = (
        "category",
        "date_raw",
        "encoding",
        "facts",
        "kind",
        "paragraphs",
        "path",
        "published",
        "source_line",
        "tags",
        "text",
        "title",
        "url",
        "utf8",
        "warnings",
    )

    def __init__(
        self,
        path: str,
        text: str,
        encoding: str,
        kind: str,  # "post" | "html"
        *,
        title: str | None = None,
        date_raw: str | None = None,
        url: str | None = None,
        category: str | None = None,
        tags: list[str] | None = None,
        paragraphs: list[str] | None = None,
        source_line: str | None = None,
        published: str | None = None,
        warnings: list[str] | None = None,
        facts: Facts | None = None,
        utf8: bytes | None = None,
    ) -> None:
        self.path = path
        self.text = text
        self.encoding = encoding
        self.kind = kind
        self.title = title
        self.date_raw = date_raw
        self.url = url
        self.category = category
        self.tags: list[str] = [] if tags is None else tags
        self.paragraphs: list[str] = [] if paragraphs is None else paragraphs
        self.source_line = source_line
        self.published = published
        self.warnings: list[str] = [] if warnings is None else warnings
        self.facts = Facts() if facts is None else facts
        #: The file's bytes when they are exactly the text's UTF-8 (nearly always), else
        #: None: what the article's id hashes, without encoding the text again.
        self.utf8 = utf8

    def warn(self, message: str) -> None:
        """Record a doubt of the rules; it ends up in Article.warnings (once)."""
        if message not in self.warnings:
            self.warnings.append(message)
