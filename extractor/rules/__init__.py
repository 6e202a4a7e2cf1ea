"""Rule data: one YAML file per concern, loaded once and validated at load time.

An empty or malformed group is an error (RuleError), never a silent no-match.
Patterns are compiled here so that a bad regex fails at import of the rules,
not in the middle of a batch.

A group describes itself: it names the form of the language it encodes and carries
examples that must and must not be caught (run by tests/test_rule_examples.py):

    count_label_no_classifier:
      about: a numeral glued to a head noun (四举措, 两手抓)
      patterns: ['(?P<num>[一二三四五六七八九十两]{1,3})(?P<head>举措|方面)']
      match: [东湖街道四举措推进创建]      # invented words
      no_match: [五一假期]
      check: search                         # optional, see CHECKS

The value sits under exactly one of VALUE_KEYS: `patterns` (regular expressions),
`words` (plain strings) or `table` (a mapping the module reads itself). Any other key is a
named constant of the rule and must be a number (`max_chars: 120`).

The YAML files are also kept parsed in PREBUILT (`scripts/index_rules.py` writes it), each
with the fingerprint of the bytes it was parsed from: a fresh process reads that JSON (in C,
a thirtieth of the time PyYAML takes to build the same data) and parses only a file that
changed since. tests/test_rules_prebuilt.py fails until PREBUILT is written again.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

#: Where a described group keeps its data; exactly one of them per group.
VALUE_KEYS = ("patterns", "words", "table")
#: The keys a described group may hold besides its value.
DESCRIPTION_KEYS = frozenset({"about", "match", "no_match", "check"})
#: Built-in ways of checking an example against a group's value; any other `check` is
#: "package.module:function", a function (text) -> bool that runs the rule as its module does.
CHECKS = ("search", "fullmatch", "contains", "member")


#: The parsed rule files, beside them.
PREBUILT = "rules.index.json"
#: The layout of PREBUILT; a change of it changes every fingerprint.
PREBUILT_FORMAT = 1


class RuleError(ValueError):
    """A rule file is missing, empty or malformed."""


@cache
def load(name: str) -> dict[str, Any]:
    """Load `extractor/rules/<name>.yaml` as a mapping of non-empty groups."""
    try:
        source = resources.files(__package__).joinpath(f"{name}.yaml").read_bytes()
    except FileNotFoundError as exc:
        raise RuleError(f"rule file {name}.yaml not found") from exc
    data = read(name, source)
    if not isinstance(data, dict) or not data:
        raise RuleError(f"{name}.yaml: expected a mapping of rule groups")
    for group, value in data.items():
        if value in (None, "", [], {}):
            raise RuleError(f"{name}.yaml: rule group {group!r} is empty")
        if is_described(value):
            _check_description(name, group, value)
    return data


def read(name: str, source: bytes) -> Any:
    """The data of a rule file's bytes: from PREBUILT when it was parsed from these very bytes."""
    known = _prebuilt().get(name)
    if known is not None and known["fingerprint"] == fingerprint(source):
        return known["data"]
    return parse(name, source)


def parse(name: str, source: bytes) -> Any:
    """The data of a rule file's bytes, as PyYAML reads it (safe: plain types only)."""
    # PyYAML only here: a process whose rules all come from PREBUILT never imports it.
    import yaml  # noqa: PLC0415

    try:
        return yaml.load(source.decode("utf-8"), Loader=yaml.CSafeLoader)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleError(f"{name}.yaml: not readable YAML: {exc}") from exc


def fingerprint(source: bytes) -> str:
    """What a file's parsed data depends on: its bytes and PREBUILT's layout."""
    return hashlib.sha256(f"{PREBUILT_FORMAT}\n".encode() + source).hexdigest()


@cache
def _prebuilt() -> dict[str, dict[str, Any]]:
    """PREBUILT's files by name (fingerprint and data); none when it is missing."""
    try:
        text = resources.files(__package__).joinpath(PREBUILT).read_text("utf-8")
    except FileNotFoundError:
        return {}
    try:
        files: dict[str, dict[str, Any]] = json.loads(text)["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RuleError(f"{PREBUILT}: not readable ({exc}): run scripts/index_rules.py") from exc
    return files


def rule_sources() -> dict[str, bytes]:
    """Every rule file beside this module, by name: its bytes."""
    folder = resources.files(__package__)
    found = (e for e in folder.iterdir() if e.name.endswith(".yaml"))
    return {e.name.removesuffix(".yaml"): e.read_bytes() for e in sorted(found, key=str)}


def build_prebuilt(sources: dict[str, bytes]) -> str:
    """PREBUILT's text for rule files (name: bytes): each one parsed, with its fingerprint.

    A file whose data JSON cannot carry as YAML read it (a date, a number as a key) is an
    error here, not a different rule in the process that reads PREBUILT.
    """
    files = {}
    for name, source in sorted(sources.items()):
        data = parse(name, source)
        try:
            kept = json.loads(json.dumps(data)) == data
        except TypeError:  # a date
            kept = False
        if not kept:
            raise RuleError(f"{name}.yaml: holds values JSON cannot keep (dates, keys not text)")
        files[name] = {"fingerprint": fingerprint(source), "data": data}
    about = "generated by scripts/index_rules.py from the *.yaml beside it; do not edit"
    # Compact (it is read, not diffed); keys in the files' own order (rule order matters).
    text = json.dumps({"about": about, "files": files}, ensure_ascii=False, separators=(",", ":"))
    return text + "\n"


def is_described(value: object) -> bool:
    """True for a group written as a mapping with `about`, its value, and examples."""
    return isinstance(value, dict) and "about" in value


def _check_description(name: str, group: str, value: dict[str, Any]) -> None:
    keys = set(value)
    held = [key for key in VALUE_KEYS if key in keys]
    # Besides these, a group may name its constants (max_chars: 120): numbers only.
    unknown = {
        key
        for key in keys - DESCRIPTION_KEYS - set(VALUE_KEYS)
        if isinstance(value[key], bool) or not isinstance(value[key], int | float)
    }
    if len(held) != 1 or unknown:
        raise RuleError(
            f"{name}.yaml: {group!r} must hold exactly one of {', '.join(VALUE_KEYS)}"
            + (f" (unknown keys: {', '.join(sorted(unknown))})" if unknown else "")
        )
    for key in ("match", "no_match"):
        examples = value.get(key)
        if not isinstance(examples, list) or not examples:
            raise RuleError(f"{name}.yaml: {group!r} needs a non-empty {key}: list")
        if not all(isinstance(e, str) and e for e in examples):
            raise RuleError(f"{name}.yaml: {group!r}: {key}: examples must be strings")
    if value[held[0]] in (None, "", [], {}):
        raise RuleError(f"{name}.yaml: rule group {group!r} is empty")


def value(name: str, group: str) -> Any:
    """A group's data: the `patterns`/`words`/`table` of a described group, else the group."""
    data = load(name)
    if group not in data:
        raise RuleError(f"{name}.yaml: no rule group {group!r}")
    raw = data[group]
    if is_described(raw):
        return next(raw[key] for key in VALUE_KEYS if key in raw)
    return raw


def table(name: str, group: str) -> dict[str, Any]:
    """A group whose data is a mapping (suffixes by kind, roles by word...)."""
    found = value(name, group)
    if not isinstance(found, dict) or not found:
        raise RuleError(f"{name}.yaml: {group!r} must be a non-empty mapping")
    return found


class Examples(NamedTuple):
    """What a described group says of itself: its form, and cases it must (not) catch."""

    # A NamedTuple, not a frozen dataclass: its class is made without generating code for
    # its methods (a fresh process makes it before its first article; see regions.Table).

    about: str
    check: str
    match: tuple[str, ...]
    no_match: tuple[str, ...]


def examples(name: str, group: str) -> Examples | None:
    """The group's description and examples, or None for a group not yet described."""
    raw = load(name).get(group)
    if not isinstance(raw, dict) or not is_described(raw):
        return None
    default = "search" if "patterns" in raw else "contains"
    return Examples(
        about=str(raw["about"]),
        check=str(raw.get("check", default)),
        match=tuple(raw["match"]),
        no_match=tuple(raw["no_match"]),
    )


@cache
def strings(name: str, group: str) -> tuple[str, ...]:
    """A group that is a non-empty list of strings."""
    found = value(name, group) if group in load(name) else None
    if not isinstance(found, list) or not found or not all(isinstance(v, str) and v for v in found):
        raise RuleError(f"{name}.yaml: {group!r} must be a non-empty list of strings")
    return tuple(found)


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


@cache  # asked for by the rules some 25 times an article
def pattern(name: str, group: str) -> re.Pattern[str]:
    """A group holding exactly one regular expression."""
    found = patterns(name, group)
    if len(found) != 1:
        raise RuleError(f"{name}.yaml: {group!r} must hold exactly one pattern")
    return found[0]
