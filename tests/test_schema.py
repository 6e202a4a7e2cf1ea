"""The record contract: generated JSON Schema in sync, strict models."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from schemas import Article, Evidence, Person
from schemas.jsonschema import GENERATED_NOTE, SCHEMA_PATH, render


def test_schema_file_is_generated_from_the_models() -> None:
    assert SCHEMA_PATH.read_text("utf-8") == render(), "run: python -m schemas.jsonschema"
    assert json.loads(SCHEMA_PATH.read_text("utf-8"))["$comment"] == GENERATED_NOTE


def test_models_forbid_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Article.model_validate({"id": "x", "path": "p.md", "titel": "typo"})


def test_person_roles_are_the_seven_of_the_contract() -> None:
    ev = Evidence(where="paragraph", paragraph=0, start=0, end=2)
    for role in (
        "author",
        "reporter",
        "correspondent",
        "editor",
        "responsible_editor",
        "reviewer",
        "photographer",
    ):
        assert Person(name="蒋平", role=role, evidence=ev).role == role
    with pytest.raises(ValidationError):
        Person(name="蒋平", role="writer", evidence=ev)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [
        {"where": "paragraph", "start": 0, "end": 2},  # paragraph index missing
        {"where": "title", "paragraph": 1, "start": 0, "end": 2},  # index only for paragraphs
        {"where": "title", "start": 5, "end": 2},  # end before start
        {"where": "body", "start": 0, "end": 2},  # unknown place
    ],
)
def test_bad_evidence_is_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Evidence.model_validate(bad)


def test_published_must_be_iso() -> None:
    Article(id="x", path="p.md", published="2021-12-22T11:16:43+08:00")
    Article(id="x", path="p.md", published="2018-11-29")
    with pytest.raises(ValidationError):
        Article(id="x", path="p.md", published="2021-12-22 11:16:43")


def test_jsonl_line_round_trips(reference: Article) -> None:
    line = reference.model_dump_json()
    assert Article.model_validate_json(line) == reference
