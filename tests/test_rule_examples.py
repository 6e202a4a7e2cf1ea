"""Every rule group describes itself: one generic test runs every example of every group.

A group in `extractor/rules/*.yaml` names its form (`about`) and carries `match:` examples it
must catch and `no_match:` examples it must not (invented words). `check` says how an example
is run: `search`/`fullmatch` (some pattern of the group), `contains` (some word occurs in it),
`member` (it is one of the words),
or `package.module:function`, a function (text) -> bool that applies the rule as its module
does (or (group, text) -> bool, one check for every group of a file). See the docstring of `extractor/rules/__init__.py`.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor import rules

RULE_FILES = sorted(p.stem for p in Path(rules.__file__).parent.glob("*.yaml"))


def _groups() -> list[tuple[str, str]]:
    return [(name, group) for name in RULE_FILES for group in rules.load(name)]


def _checker(name: str, group: str, check: str) -> Callable[[str], bool]:
    if check == "search":
        found = rules.patterns(name, group)
        return lambda text: any(p.search(text) for p in found)
    if check == "fullmatch":
        found = rules.patterns(name, group)
        return lambda text: any(p.fullmatch(text) for p in found)
    if check == "contains":
        words = rules.strings(name, group)
        return lambda text: any(w in text for w in words)
    if check == "member":
        members = frozenset(rules.strings(name, group))
        return lambda text: text in members
    module, _, function = check.partition(":")
    if not function:
        raise rules.RuleError(f"{name}.yaml: {group!r}: unknown check {check!r}")
    found: Callable[..., bool] = getattr(importlib.import_module(module), function)
    if len(inspect.signature(found).parameters) == 2:  # a check shared by a file's groups
        return lambda text: found(group, text)
    return found


@pytest.mark.parametrize(("name", "group"), _groups(), ids=str)
def test_group_examples(name: str, group: str) -> None:
    described = rules.examples(name, group)
    assert described is not None, f"{name}.yaml: {group!r} has no about/match/no_match"
    check = _checker(name, group, described.check)
    missed = [text for text in described.match if not check(text)]
    caught = [text for text in described.no_match if check(text)]
    assert not missed, f"{name}.yaml {group!r} ({described.about}) misses {missed}"
    assert not caught, f"{name}.yaml {group!r} ({described.about}) catches {caught}"


def test_a_described_group_without_examples_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(rules.RuleError, match="no_match"):
        rules._check_description("x", "g", {"about": "a form", "words": ["a"], "match": ["a"]})
