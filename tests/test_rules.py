"""Rule files load, and a broken rule file is an error at load time."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import rules

RULE_FILES = sorted(Path(rules.__file__).parent.glob("*.yaml"))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rule_file_loads_with_no_empty_group(path: Path) -> None:
    data = rules.load(path.stem)
    assert data
    for group, value in data.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            assert rules.strings(path.stem, group)


def test_every_pattern_group_compiles() -> None:
    for path in RULE_FILES:
        for group, value in rules.load(path.stem).items():
            if group.endswith(("_line", "_id", "datetime", "in_text", "html_marker")):
                assert rules.patterns(path.stem, group), group
                del value


def test_missing_rule_file_is_an_error() -> None:
    with pytest.raises(rules.RuleError):
        rules.load("no_such_rules")


def test_non_list_group_is_an_error() -> None:
    with pytest.raises(rules.RuleError):
        rules.strings("document", "no_such_group")
