"""The self-describing rule groups of rules/pages.yaml: words or patterns, with their examples.

A group is a mapping: `about`, `words` or `patterns`, `match` and `no_match` (invented
examples that tests/test_pages.py runs), and optional numeric limits (`max_chars`).
Loaded once and validated at load time: a group without examples is an error.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from extractor import rules

RULE_FILE = "pages"
#: Splits a class/id value into its words: at `-`, `_`, white space and a lower-to-upper case
#: change (shareBox -> share Box), so `share` matches it and `sharpen` does not.
CASE_CHANGE = re.compile(r"(?<=[a-z])(?=[A-Z])")


# A NamedTuple, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class PageRule(NamedTuple):
    """One rule group: what it is for, its words or patterns, its examples, its limits."""

    name: str
    about: str
    words: tuple[str, ...]  # in the file's order (most trusted first where that matters)
    patterns: tuple[re.Pattern[str], ...]
    match: tuple[str, ...]
    no_match: tuple[str, ...]
    max_chars: int | None
    word_set: frozenset[str] = frozenset()

    def search(self, text: str) -> re.Match[str] | None:
        """The first pattern's match anywhere in text (patterns in order), or None."""
        for pattern in self.patterns:
            found = pattern.search(text)
            if found:
                return found
        return None

    def holds(self, text: str) -> bool:
        """The text is what this group describes (and short enough when it has a limit)."""
        if self.max_chars is not None and len(text) > self.max_chars:
            return False
        if self.words:
            return text.strip().lower() in self.word_set
        return self.search(text) is not None


def _strings(name: str, group: str, data: dict[str, object], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise rules.RuleError(
            f"{name}.yaml: {group!r}: {key!r} must be a non-empty list of strings"
        )
    return tuple(value)


@cache
def page_rule(group: str) -> PageRule:
    """The group `group` of rules/pages.yaml, validated and compiled."""
    data = rules.load(RULE_FILE).get(group)
    if not isinstance(data, dict):
        raise rules.RuleError(f"{RULE_FILE}.yaml: {group!r} must be a mapping (about, match, …)")
    about = data.get("about")
    if not isinstance(about, str) or not about:
        raise rules.RuleError(f"{RULE_FILE}.yaml: {group!r} says nothing `about` itself")
    has_words, has_patterns = "words" in data, "patterns" in data
    if has_words == has_patterns:
        raise rules.RuleError(f"{RULE_FILE}.yaml: {group!r} needs `words` or `patterns`")
    compiled: list[re.Pattern[str]] = []
    for source in _strings(RULE_FILE, group, data, "patterns") if has_patterns else ():
        try:
            compiled.append(re.compile(source))
        except re.error as exc:
            raise rules.RuleError(f"{RULE_FILE}.yaml: {group!r}: bad pattern {source!r}") from exc
    words = _strings(RULE_FILE, group, data, "words") if has_words else ()
    limit = data.get("max_chars")
    if limit is not None and (not isinstance(limit, int) or limit <= 0):
        raise rules.RuleError(f"{RULE_FILE}.yaml: {group!r}: max_chars must be a positive integer")
    return PageRule(
        name=group,
        about=about,
        words=tuple(word.lower() for word in words),
        word_set=frozenset(word.lower() for word in words),
        patterns=tuple(compiled),
        match=_strings(RULE_FILE, group, data, "match"),
        no_match=_strings(RULE_FILE, group, data, "no_match"),
        max_chars=limit,
    )


def page_rule_names() -> tuple[str, ...]:
    """Every group of rules/pages.yaml, in file order."""
    return tuple(rules.load(RULE_FILE))


def attribute_words(value: str) -> str:
    """A class/id value with its camelCase words split, for `chrome_attributes`."""
    return CASE_CHANGE.sub(" ", value)
