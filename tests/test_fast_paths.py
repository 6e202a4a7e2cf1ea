"""The fast paths of the core keep the meaning of the plain definitions they replace."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import rules
from extractor.decode import PLAIN_TEXT, PLAIN_TEXT_RANGES, _check_is_text, _is_junk
from extractor.errors import InputError
from extractor.measures.text import (
    BRACKETS,
    CLAUSE_STOPS,
    CLOSERS,
    OPENERS,
    SEGMENT_STOPS,
    SENTENCE_STOPS,
    first_stop,
    stop_positions,
)
from extractor.reader import _checked_load, _load_yaml
from tests.conftest import SAMPLES, extract_file


def test_plain_text_ranges_hold_no_junk() -> None:
    """Every character the text check skips is text by the per-character definition."""
    for first, last in PLAIN_TEXT_RANGES:
        junk = [hex(c) for c in range(ord(first), ord(last) + 1) if _is_junk(chr(c))]
        assert junk == [], (
            f"{first!r}-{last!r} holds junk for Unicode {unicodedata.unidata_version}"
        )


def test_plain_text_skips_what_it_should_and_nothing_else() -> None:
    text = "一是加强领导，ABC 123“引号”\t\n。"  # constructed
    assert PLAIN_TEXT.sub("", text) == ""
    odd = "\x00\x0b\ue000\U000f0000\u0378한"  # NUL, VT, private use (2), unassigned, Hangul
    assert PLAIN_TEXT.sub("", odd) == odd


def test_text_check_still_counts_junk_outside_the_plain_ranges() -> None:
    _check_is_text("正文" * 100 + "\ue000")  # constructed: 1 junk in 201 characters passes
    with pytest.raises(InputError) as err:
        _check_is_text("正文" * 10 + "\ue000\u0378\x0b")  # constructed: 3 of 23 are junk
    assert err.value.detail.startswith("3 of 23 characters")


def reference_stop_positions(text: str, stops: frozenset[str]) -> list[int]:
    """The per-character definition stop_positions was first written as."""
    depth = 0
    found = []
    ascii_open = False
    for i, ch in enumerate(text):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch == '"':
            ascii_open = not ascii_open
        elif ch in stops and depth == 0 and not ascii_open:
            found.append(i)
    if depth or ascii_open:
        return [i for i, ch in enumerate(text) if ch in stops]
    return found


ALPHABET = "".join(sorted(BRACKETS | CLAUSE_STOPS | {"、"})) + "甲乙 a"


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=40))
def test_stop_positions_matches_the_per_character_definition(text: str) -> None:
    for stops in (CLAUSE_STOPS, SENTENCE_STOPS, SEGMENT_STOPS, frozenset("、"), frozenset("，,")):
        expected = reference_stop_positions(text, stops)
        assert stop_positions(text, stops) == expected
        assert first_stop(text, stops) == (expected[0] if expected else None)


LABEL_ALPHABET = (
    "一二两三四五六七八九十0123456789个项种点条大类关单方面部分措施要求工作，。的“” 甲即"
)


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=LABEL_ALPHABET, max_size=24))
def test_every_count_label_holds_the_hint_that_gates_it(text: str) -> None:
    """A paragraph skips the count_label patterns when it lacks the hint: no label is lost."""
    hint = rules.pattern("measures", "count_label_hint")
    for pattern in rules.patterns("measures", "count_label"):
        for match in pattern.finditer(text):
            assert hint.search(match.group(0)), (pattern.pattern, text)


def test_count_label_hint_loses_no_label_of_the_corpus() -> None:
    hint = rules.pattern("measures", "count_label_hint")
    paths = sorted(SAMPLES.glob("*.md"))
    assert paths
    for path in paths:
        for text in extract_file(path).paragraphs:
            for pattern in rules.patterns("measures", "count_label"):
                for match in pattern.finditer(text):
                    assert hint.search(match.group(0)), (path.name, match.group(0))


YAML_PIECES = [
    "title: ", "date: ", "tags:", "\n", "\n  - ", "\n- ", "a", "b: ", '"x y"', "'q'", "[", "]",
    "{", "}", ", ", ": ", "? ", "&x ", "*x", "!!str ", "...\n", "---\n", "#c", "  ", "|\n  t",
    "2021-12-22 11:16:43 +0800", "-", "\t", '"\\u4e00"', "~",
]  # fmt: skip


def outcome(load: Callable[[str], Any], raw: str) -> Any:
    try:
        return ("ok", load(raw))
    except InputError as exc:
        return ("failed", exc.reason)


def two_pass_load(raw: str) -> Any:
    """The front matter as it was read before: events checked, then PyYAML's own load."""
    data = _checked_load(raw)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("bad_front_matter", "not a mapping of keys to values")
    return data


#: Well-formed front matter: nested mappings and lists of strings, dumped in both styles.
YAML_DATA = st.recursive(
    st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
DUMPED = st.builds(
    lambda data, flow: yaml.safe_dump({"title": data}, allow_unicode=True, default_flow_style=flow),
    YAML_DATA,
    st.booleans(),
)


@settings(max_examples=1500, deadline=None)
@given(raw=st.lists(st.sampled_from(YAML_PIECES), max_size=14).map("".join) | DUMPED)
def test_one_pass_front_matter_reads_what_two_passes_read(raw: str) -> None:
    assert outcome(_load_yaml, raw) == outcome(two_pass_load, raw)


@pytest.mark.parametrize(
    "raw",
    [
        'title: "t"\ndate: 2021-12-22 11:16:43 +0800\ntags:\n  - a\n  - b\ntitle: again',
        "? [a, b]\n: c",  # a collection as a key: PyYAML's own error
        "a: 1\n...\n---\nb: 2",  # two documents
        "- - - - - - - - - - - - - - - - - x",  # nested deeper than 16
        "a: &x 1\nb: *x",
        "",
        "just a scalar",
    ],
)
def test_one_pass_front_matter_on_unusual_shapes(raw: str) -> None:  # constructed
    assert outcome(_load_yaml, raw) == outcome(two_pass_load, raw)


#: The inline marker patterns before their clause test moved after the first character.
FORMER_MARKERS = {
    "marker_shi": r"(?:^|(?<=[，,；;。：:！!？?\s即]))(?P<n>[一二三四五六七八九十]{1,2})(?:是|要|则)"
    r"(?![一二三四五六七八九十])[，,：:]?",
    "marker_di": r"(?:^|(?<=[，,；;。：:！!？?\s即]))第(?P<n>[一二三四五六七八九十]{1,2})"
    r"(?:[是要](?![一二三四五六七八九十])[，,：:]?|[，,、：:])",
}
MARKER_ALPHABET = "一二三十是要则第，,；;。：:！! 即、统甲"


@settings(max_examples=600, deadline=None)
@given(text=st.text(alphabet=MARKER_ALPHABET, max_size=16))
def test_marker_patterns_find_what_the_former_ones_found(text: str) -> None:
    for group, former in FORMER_MARKERS.items():
        now = rules.pattern("measures", group)
        assert [(m.span(), m.groupdict()) for m in now.finditer(text)] == [
            (m.span(), m.groupdict()) for m in re.finditer(former, text)
        ], group
