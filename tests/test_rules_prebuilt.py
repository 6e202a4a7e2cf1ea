"""The parsed rule files (rules/rules.index.json): what PyYAML reads, used only when fresh."""

from __future__ import annotations

from importlib import resources

import pytest

from extractor import rules
from tests.fresh import loaded_after

SOURCES = rules.rule_sources()
NAMES = sorted(SOURCES)


def _source(name: str) -> bytes:
    return SOURCES[name]


def test_the_prebuilt_file_is_that_of_the_rule_files() -> None:
    written = resources.files("extractor.rules").joinpath(rules.PREBUILT).read_text("utf-8")
    assert written == rules.build_prebuilt(SOURCES), (
        f"{rules.PREBUILT} is stale: run python scripts/index_rules.py"
    )


@pytest.mark.parametrize("name", NAMES)
def test_a_rule_file_loads_as_pyyaml_reads_it(name: str) -> None:
    assert rules.load(name) == rules.parse(name, _source(name))
    assert rules.read(name, _source(name)) is rules._prebuilt()[name]["data"]  # not parsed


def test_an_edited_rule_file_is_parsed_not_taken_from_the_prebuilt_file() -> None:
    edited = _source("slogans") + b"\nextra_group: [invented]\n"
    data = rules.read("slogans", edited)
    assert data == rules.parse("slogans", edited)
    assert data["extra_group"] == ["invented"]
    assert "extra_group" not in rules.load("slogans")


def test_a_rule_file_that_is_no_yaml_is_a_rule_error() -> None:
    with pytest.raises(rules.RuleError, match=r"broken\.yaml: not readable YAML"):
        rules.parse("broken", b"group: [unclosed\n")


@pytest.mark.parametrize("text", ["when: 2021-05-01\n", "counts: {1: one}\n"])
def test_values_json_cannot_keep_are_refused_when_prebuilding(text: str) -> None:
    # A date, a number as a key: JSON would hand back a string, a different rule.
    with pytest.raises(rules.RuleError, match=r"invented\.yaml: holds values JSON cannot keep"):
        rules.build_prebuilt({"invented": text.encode()})


def test_a_fresh_process_reads_every_rule_file_without_pyyaml() -> None:
    code = f"from extractor import rules; [rules.load(n) for n in {NAMES!r}]"
    assert loaded_after(code, ["yaml"]) == []
