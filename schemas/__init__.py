"""newsfacts record contract: pydantic models, JSON Schema, RDF vocabulary and shapes."""

from schemas.models import (
    AUTHOR_ROLES,
    Article,
    Evidence,
    Measure,
    MeasureGroup,
    Organization,
    OrgKind,
    OrgRole,
    Person,
    Role,
    Source,
    Where,
)

__all__ = [
    "AUTHOR_ROLES",
    "Article",
    "Evidence",
    "Measure",
    "MeasureGroup",
    "OrgKind",
    "OrgRole",
    "Organization",
    "Person",
    "Role",
    "Source",
    "Where",
]
