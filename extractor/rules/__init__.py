"""Rule data: one YAML file per concern, loaded once and validated at load time.

An empty or malformed group is an error (RuleError), never a silent no-match.
Patterns are compiled here so that a bad regex fails at import of the rules,
not in the middle of a batch.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml


class RuleError(ValueError):
    """A rule file is missing, empty or malformed."""


@cache
def load(name: str) -> dict[str, Any]:
    """Load `extractor/rules/<name>.yaml` as a mapping of non-empty groups."""
    try:
        text = resources.files(__package__).joinpath(f"{name}.yaml").read_text("utf-8")
    except FileNotFoundError as exc:
        raise RuleError(f"rule file {name}.yaml not found") from exc
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    if not isinstance(data, dict) or not data:
        raise RuleError(f"{name}.yaml: expected a mapping of rule groups")
    for group, value in data.items():
        if value in (None, "", [], {}):
            raise RuleError(f"{name}.yaml: rule group {group!r} is empty")
    return data


@cache
def strings(name: str, group: str) -> tuple[str, ...]:
    """A group that is a non-empty list of strings."""
    value = load(name).get(group)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{name}.yaml: {group!r} must be a non-empty list of strings")
    return tuple(value)


@cache
def patterns(name: str, group: str) -> tuple[re.Pattern[str], ...]:
    """A group of regular expressions, compiled in order (specific to generic)."""
    compiled = []
    for source in strings(name, group):
        try:
            compiled.append(re.compile(source))
        except re.error as exc:
            raise RuleError(f"{name}.yaml: {group!r}: bad pattern {source!r}: {exc}") from exc
    return tuple(compiled)


def pattern(name: str, group: str) -> re.Pattern[str]:
    """A group holding exactly one regular expression."""
    found = patterns(name, group)
    if len(found) != 1:
        raise RuleError(f"{name}.yaml: {group!r} must hold exactly one pattern")
    return found[0]
