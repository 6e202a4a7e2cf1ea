"""Patterns compiled ahead (rules/patterns.index.marshal): each what `re` compiles, put in
`re`'s cache when `extractor` is imported, read only by the interpreter that wrote them."""

from __future__ import annotations

import importlib
import marshal
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from extractor import prebuilt_patterns
from extractor.rules import RuleError

#: `re`'s compiler and parser themselves (not its cache, which the file fills).
_compiler: Any = importlib.import_module("re._compiler")
_parser: Any = importlib.import_module("re._parser")
WRITTEN = prebuilt_patterns.PATH.read_bytes()
ENTRIES = prebuilt_patterns.loads(WRITTEN)
FOR_THIS_INTERPRETER = pytest.mark.skipif(
    ENTRIES is None,
    reason=f"{prebuilt_patterns.FILE} was made by another interpreter: "
    "run python scripts/index_patterns.py to make it for this one",
)


@FOR_THIS_INTERPRETER
def test_each_pattern_is_the_program_re_compiles_from_its_source() -> None:
    assert ENTRIES
    for entry in ENTRIES:
        made, fresh = prebuilt_patterns.compiled(entry), _compiler.compile(entry[0], entry[1])
        # Pattern equality compares the source, the flags and the whole compiled program.
        assert made == fresh, entry[0]
        assert (made.groups, dict(made.groupindex)) == (fresh.groups, dict(fresh.groupindex))


@FOR_THIS_INTERPRETER
def test_the_file_holds_every_pattern_newsfacts_compiles_in_a_recording_run() -> None:
    # newsfacts' own patterns: those of the libraries change with their versions (a file
    # made with others only leaves some of theirs to be compiled as before).
    assert ENTRIES is not None
    recorded = prebuilt_patterns.build()
    assert len(recorded.ours) > 100
    missing = recorded.ours - {(entry[0], entry[1]) for entry in ENTRIES}
    assert not missing, f"{prebuilt_patterns.FILE} is stale: run python scripts/index_patterns.py"


#: A fresh process that runs the CLI on the invented post, `re`'s compiler watched, and
#: prints the sources it compiled for newsfacts' own modules.
COMPILED_IN_A_FRESH_RUN = """
import sys, tempfile
from re import _compiler
from extractor.prebuilt_patterns import compiled_by_us, invented_articles
compiled, compile = [], _compiler.compile
def watched(source, flags=0):
    if compiled_by_us(sys._getframe(1)):
        compiled.append(source)
    return compile(source, flags)
_compiler.compile = watched
from extractor.cli import main
name, text = invented_articles()[0]
with tempfile.TemporaryDirectory() as scratch:
    with open(f"{scratch}/{name}", "w", encoding="utf-8") as file:
        file.write(text)
    assert main(["extract", f"{scratch}/{name}", "-o", f"{scratch}/out", "--format", "json"]) == 0
print(repr(compiled), file=sys.stderr)
"""


def _compiled_in_a_fresh_run(env: dict[str, str] | None = None) -> list[object]:
    done = subprocess.run(
        [sys.executable, "-c", COMPILED_IN_A_FRESH_RUN],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    found: list[object] = eval(done.stderr.strip().rsplit("\n", 1)[-1])  # noqa: S307 - our repr
    return found


@FOR_THIS_INTERPRETER
def test_a_fresh_one_file_run_compiles_no_pattern() -> None:
    assert _compiled_in_a_fresh_run() == []


def test_with_the_file_turned_off_a_run_compiles_its_patterns() -> None:
    env = {**os.environ, prebuilt_patterns.ENV: "0"}
    assert len(_compiled_in_a_fresh_run(env)) > 100


def _entry(source: str) -> prebuilt_patterns.Entry:
    """The entry of a pattern compiled now (the arguments `re`'s compiler passes)."""
    parsed = _parser.parse(source, 0)
    code = [int(op) for op in _compiler._code(parsed, 0)]
    names = dict(parsed.state.groupdict)
    by_number: list[str | None] = [None] * parsed.state.groups
    for name, number in names.items():
        by_number[number] = name
    flags = int(parsed.state.flags)
    return (source, 0, flags, code, parsed.state.groups - 1, names, tuple(by_number))


INVENTED = r"(?P<place>[\u4e00-\u9fff]{2,6})白沙学院"


def test_seeding_puts_a_pattern_in_res_cache_where_compile_finds_it() -> None:
    blob = prebuilt_patterns.interpreter().encode() + b"\n" + marshal.dumps([_entry(INVENTED)])
    re.purge()
    try:
        assert prebuilt_patterns.seed(blob) == 1
        seeded = re.compile(INVENTED)
        assert seeded is re.compile(INVENTED)  # from the cache
        assert seeded == _compiler.compile(INVENTED, 0)
        assert seeded.match("东湖白沙学院").group("place") == "东湖"
        assert prebuilt_patterns.seed(blob) == 0  # held already
    finally:
        re.purge()


def test_another_interpreters_file_is_not_read() -> None:
    blob = b"newsfacts patterns 1 otherpython 9.9.9 sre 1 4\n" + b"\x00not marshal"
    assert prebuilt_patterns.loads(blob) is None
    assert prebuilt_patterns.seed(blob) == 0


@pytest.mark.parametrize("body", [b"\x00not marshal", marshal.dumps({"not": "a list"})])
def test_a_damaged_file_is_an_error_that_names_it(body: bytes) -> None:
    blob = prebuilt_patterns.interpreter().encode() + b"\n" + body
    with pytest.raises(RuleError, match=r"patterns\.index\.marshal: .*index_patterns\.py"):
        prebuilt_patterns.loads(blob)


def test_a_program_the_engine_refuses_is_an_error_that_names_it() -> None:
    source, flags, final, code, *rest = _entry(INVENTED)
    broken = (source, flags, final, code[:-3], *rest)  # cut short: no SUCCESS at its end
    blob = prebuilt_patterns.interpreter().encode() + b"\n" + marshal.dumps([broken])
    re.purge()
    try:
        with pytest.raises(RuleError, match="白沙学院"):
            prebuilt_patterns.seed(blob)
    finally:
        re.purge()
