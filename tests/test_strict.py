"""No masked crash: a failing field extractor fails the tests, and stays a warning in production."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from extractor import pipeline
from extractor.document import Document, FoundOrganization
from extractor.pipeline import STRICT_RULES_ENV, extract_article
from tests.conftest import REFERENCE


class RuleCrashError(RuntimeError):
    """The crash the injected extractor raises (its own type, so nothing else can pass for it)."""


def crashing_extractor(doc: Document) -> object:
    """A field extractor with a bug: it raises on every document."""
    raise RuleCrashError(f"bug on {len(doc.paragraphs)} paragraphs")


def replace_organizations(monkeypatch: pytest.MonkeyPatch, extractor: object) -> None:
    """The pipeline with its organizations extractor replaced by `extractor`."""
    extractors = tuple(
        (name, extractor if name == "organizations" else found)
        for name, found in pipeline.FIELD_EXTRACTORS
    )
    assert extractors != pipeline.FIELD_EXTRACTORS
    monkeypatch.setattr(pipeline, "FIELD_EXTRACTORS", extractors)


@pytest.fixture
def crashing_organizations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline with its organizations extractor replaced by one that raises."""
    replace_organizations(monkeypatch, crashing_extractor)


def invalid_organizations(doc: Document) -> list[FoundOrganization]:
    """An organizations extractor with a bug its record shows: a name that is empty."""
    return [FoundOrganization("", "other", "mentioned", None, [])]


@pytest.fixture
def unvalidated_organizations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline with its organizations extractor replaced by one giving invalid facts (the
    stages' facts are validated with the whole Article, after the extractors have run)."""
    replace_organizations(monkeypatch, invalid_organizations)


def test_the_test_session_runs_strict() -> None:
    assert os.environ.get(STRICT_RULES_ENV) == "1"
    assert pipeline.strict_rules()


@pytest.mark.usefixtures("crashing_organizations")
def test_a_crashing_extractor_fails_in_strict_mode() -> None:
    with pytest.raises(RuleCrashError, match="bug on"):
        extract_article(REFERENCE.name, REFERENCE.read_bytes())


@pytest.mark.usefixtures("crashing_organizations")
def test_a_crashing_extractor_is_a_warning_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STRICT_RULES_ENV)
    article = extract_article(REFERENCE.name, REFERENCE.read_bytes())
    failed = [w for w in article.warnings if "rule failed" in w]
    assert failed == [
        f"organizations: rule failed (RuleCrashError: bug on {len(article.paragraphs)} paragraphs)"
    ]
    assert article.organizations == []
    # The other fields are still extracted.
    assert article.measure_groups and article.source is not None


@pytest.mark.usefixtures("unvalidated_organizations")
def test_invalid_facts_fail_in_strict_mode() -> None:
    with pytest.raises(ValidationError, match="Organization"):
        extract_article(REFERENCE.name, REFERENCE.read_bytes())


@pytest.mark.usefixtures("unvalidated_organizations")
def test_invalid_facts_are_a_warning_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STRICT_RULES_ENV)
    article = extract_article(REFERENCE.name, REFERENCE.read_bytes())
    failed = [w for w in article.warnings if "rule failed" in w]
    assert len(failed) == 1
    assert failed[0].startswith("organizations: rule failed (ValidationError: 1 validation error")
    assert article.organizations == []
    # The other fields are still extracted, their mentions keyed.
    assert article.measure_groups and article.source is not None
    assert all(person.entity for person in article.authors)


@pytest.mark.parametrize("value", ["", "0", "true", "yes"])
def test_only_1_turns_strict_mode_on(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(STRICT_RULES_ENV, value)
    assert not pipeline.strict_rules()
