"""Organizations: the subject that acts in the measures, and the ones mentioned (issue 4)."""

from __future__ import annotations

from extractor.document import Document
from schemas import Organization


def extract_organizations(doc: Document) -> list[Organization]:
    """Organizations named in the article, the subject first."""
    del doc
    return []
