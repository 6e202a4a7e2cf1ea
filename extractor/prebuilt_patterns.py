"""Regular expressions compiled ahead: `rules/patterns.index.marshal`, for one interpreter.

A fresh process compiles some 290 patterns (the rules', the stages' and their libraries')
before its first article is written, in `re`'s compiler, which is Python: a class such as
`[\u4e00-\u9fff]` is built there one character at a time (21,000 steps, 0.5 ms, at each of
its two dozen uses), and the whole compile is about 0.03 s of the 0.2 s a one-file run takes.
The compiled programs depend only on the pattern, its flags and the interpreter, so
`scripts/index_patterns.py` records them once (the patterns a run of invented articles
compiles) and every process of that same interpreter puts them in `re`'s own cache when
`extractor` is imported: `re.compile` then finds them there, wherever it is called from,
and returns what it would have compiled (tests/test_patterns_prebuilt.py compares each).

Another interpreter (version, build of `re`'s engine) finds the file made for some other one
and compiles as before; so does a process with NEWSFACTS_PREBUILT_PATTERNS=0. The file is
package data, trusted as the code beside it is; `_sre.compile` checks each program it is
given (a bad one raises, it never runs).
"""

from __future__ import annotations

import importlib
import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

#: The regular-expression engine `re` compiles for (no stubs: typed here as it is used).
_sre: Any = importlib.import_module("_sre")

#: The file, beside the rule files.
FILE = "patterns.index.marshal"
#: Where it is (a path, not importlib.resources: this runs whenever `extractor` is imported,
#: `newsfacts --help` included, and a file that cannot be read only means compiling as before).
PATH = Path(__file__).parent / "rules" / FILE
#: Set to 0 to compile every pattern as `re` does (what scripts/index_patterns.py's run does,
#: so that it records what is compiled, not what an earlier file held).
ENV = "NEWSFACTS_PREBUILT_PATTERNS"
#: The layout of FILE; a change of it is a change of the interpreter key.
FORMAT = 1

#: One compiled pattern: re.compile's arguments (source, flags), then `_sre.compile`'s other
#: arguments as `re`'s compiler passes them (flags with the parser's, program, groups less
#: one, group names, names by group number).
Entry = tuple[str | bytes, int, int, list[int], int, dict[str, int], tuple[str | None, ...]]


def interpreter() -> str:
    """What a compiled program depends on besides its pattern: the interpreter's name and
    version (its `re` compiler and Unicode tables), the engine's magic number and code size,
    FILE's layout. The file opens with it, so that another interpreter reads no further."""
    version = ".".join(map(str, sys.version_info))
    return (
        f"newsfacts patterns {FORMAT} {sys.implementation.name} {version}"
        f" sre {_sre.MAGIC} {_sre.CODESIZE}"
    )


def dumps(entries: list[Entry]) -> bytes:
    """FILE's bytes: the interpreter line, then the entries (sorted: the same bytes from the
    same patterns) in marshal's format, which this same interpreter reads in C."""
    ordered = sorted(entries, key=lambda e: (isinstance(e[0], str), e[0], e[1]))  # bytes first
    return f"{interpreter()}\n".encode() + marshal.dumps(ordered)


def loads(blob: bytes) -> list[Entry] | None:
    """The entries of FILE's bytes, or None when they were made by another interpreter."""
    header, _, body = blob.partition(b"\n")
    if header != interpreter().encode():
        return None
    try:
        entries = marshal.loads(body)  # noqa: S302 - package data, see the module's docstring
    except (EOFError, ValueError, TypeError) as exc:
        raise _error(f"not readable ({exc})") from exc
    if not isinstance(entries, list):
        raise _error("not a list of patterns")
    return entries


def compiled(entry: Entry) -> re.Pattern[Any]:
    """The pattern an entry holds, as `re`'s compiler would return it."""
    source, _, flags, code, groups, groupindex, indexgroup = entry
    found: re.Pattern[Any] = _sre.compile(source, flags, code, groups, groupindex, indexgroup)
    return found


def seed(blob: bytes | None = None) -> int:
    """Put FILE's patterns (or those of `blob`) in `re`'s cache; how many were put there.

    Only into room the cache has (it keeps `re._MAXCACHE` patterns and drops its oldest past
    that), only patterns it does not hold yet, and nothing when the cache is not the plain
    mapping of (type, source, flags) this was written for.
    """
    if os.environ.get(ENV, "1") == "0":
        return 0
    cache: Any = getattr(re, "_cache", None)
    room = getattr(re, "_MAXCACHE", 0) - len(cache) if type(cache) is dict else 0
    if room <= 0:
        return 0
    if blob is None:
        try:
            blob = PATH.read_bytes()
        except OSError:
            return 0
    entries = loads(blob)
    if entries is None:
        return 0
    added = 0
    for entry in entries:
        key = (type(entry[0]), entry[0], entry[1])
        if key not in cache:
            try:
                cache[key] = compiled(entry)
            except (TypeError, ValueError, RuntimeError) as exc:  # RuntimeError: a bad program
                raise _error(f"pattern {entry[0]!r}: {exc}") from exc
            added += 1
            if added == room:
                break
    return added


def _error(what: str) -> Exception:
    from extractor.rules import RuleError  # noqa: PLC0415 - the loader, only on this path

    return RuleError(f"{FILE}: {what}: run python scripts/index_patterns.py")


# --- Writing FILE (scripts/index_patterns.py; tests/test_patterns_prebuilt.py) ---------------

#: The outputs the recording run writes: the default ones and every other streamed format.
RECORDED_FORMATS = "json,nquads,xlsx,csv,html"
#: Hash seeds of the recording runs: a pattern one run builds from a set's order (some
#: libraries join set members) differs in another process and is left out.
SEEDS = ("1", "2")


class Recorded(NamedTuple):
    """What the recording runs compiled: FILE's entries, and of them the keys (source,
    flags) of those newsfacts' own modules compiled (the libraries' depend on their
    versions; these only on newsfacts' code and rules)."""

    entries: list[Entry]
    ours: set[tuple[str | bytes, int]]


def build() -> Recorded:
    """FILE's entries for this interpreter: the patterns compiled in each of two fresh
    processes (other hash seeds, FILE not read) that run the CLI on invented articles."""
    import subprocess  # noqa: PLC0415 - writing FILE only
    import tempfile  # noqa: PLC0415

    runs, ours = [], []
    with tempfile.TemporaryDirectory(prefix="newsfacts-patterns-") as scratch:
        for number in SEEDS:
            out = Path(scratch) / f"patterns-{number}.marshal"
            env = {**os.environ, ENV: "0", "PYTHONHASHSEED": number}
            # pydantic's plugin search on (as in a process that is not the console script),
            # so that the patterns it compiles are recorded too.
            env.pop("PYDANTIC_DISABLE_PLUGINS", None)
            code = f"from extractor.prebuilt_patterns import record; record({str(out)!r})"
            subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
            entries, keys = marshal.loads(out.read_bytes())  # noqa: S302 - ours, just written
            runs.append({(e[0], e[1]): e for e in entries})
            ours.append(set(map(tuple, keys)))
    first, *others = runs
    kept = {key: e for key, e in first.items() if all(other.get(key) == e for other in others)}
    return Recorded(list(kept.values()), set.intersection(*ours) & set(kept))


#: newsfacts' own packages: a pattern compiled from their modules is "ours" (Recorded.ours).
PACKAGES = ("extractor", "exporters", "schemas", "newsfacts")
_PACKAGE_FOLDERS = tuple(str(Path(__file__).parent.parent / name) + os.sep for name in PACKAGES)
_RE_FOLDER = str(Path(re.__file__).parent) + os.sep


def compiled_by_us(frame: Any) -> bool:
    """Whether the code that asked `re` for a pattern (the first frame above `frame` outside
    the `re` package) is one of newsfacts' modules."""
    while frame is not None and frame.f_code.co_filename.startswith(_RE_FOLDER):
        frame = frame.f_back
    return frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_FOLDERS)


def invented_articles() -> list[tuple[str, str]]:
    """Invented articles that reach every stage, each as a post and as a page: one where an
    organization states its measures beside another that acts, with a byline, a source line
    and a URL; one of the `match:` examples the rule groups carry, a paragraph each
    (tests/test_rule_examples.py checks that they match; kept apart from the first, since
    some of them, 由…主办, decide its subject before the scoring runs)."""
    from extractor import rules  # noqa: PLC0415 - writing FILE only

    examples: list[str] = []
    for name in rules.rule_sources():
        for group in rules.load(name):
            described = rules.examples(name, group)
            examples.extend(described.match if described else ())
    lead = (
        "今年以来，青川县白沙学院构建“三个保障”，推进毕业生就业。",
        "一是构建组织保障，成立工作专班。二是构建政策保障，出台帮扶措施。三是构建服务保障，开展线上招聘。",
        "青川县人力资源和社会保障局开展专项行动。学校要求各院系落实责任。",
        "（记者 董立新 通讯员 钱明）",
    )
    found = []
    for name, paragraphs in (("lead", lead), ("examples", tuple(dict.fromkeys(examples)))):
        title = "青川县白沙学院构建“三个保障”推进就业"
        body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
        body += '\n<p class="em_media">（文章来源：东湖日报）</p>\n'
        url = "<http://example.invalid/news.html?infoCode=NW000000000000000000>"
        front = f"---\ntitle: {title}\ndate: 2021-01-01 10:00:00 +0800\ntags: [示例]\n---\n"
        page = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><nav><a href="/">首页</a></nav><article><h1>{title}</h1>\n{body}'
            "</article><footer>版权所有</footer></body></html>"
        )
        found += [(f"{name}.md", f"{front}{body}{url}\n"), (f"{name}.html", page)]
    return found


def record(out: str) -> None:
    """Run the CLI (one file at a time: in this process) on the invented articles, extract
    them, compile every rule group's patterns, and write to `out` the entries of every
    pattern then in `re`'s cache, as `re`'s compiler made them.

    `re`'s compiler is watched through the module it calls (`_sre`) for the arguments it
    passes; a pattern compiled before that (none of newsfacts') is left out.
    """
    import tempfile  # noqa: PLC0415

    compiler: Any = importlib.import_module("re._compiler")  # whose arguments are recorded
    engine = compiler._sre
    made: dict[int, tuple[re.Pattern[Any], Entry]] = {}
    ours: set[int] = set()

    class Recorder:
        """`_sre` for re's compiler: its compile, keeping what it was given."""

        def __getattr__(self, name: str) -> Any:
            return getattr(engine, name)

        def compile(self, source: Any, flags: int, code: list[int], *rest: Any) -> Any:
            found = engine.compile(source, flags, code, *rest)
            # Not a re.LOCALE pattern (bytes only): its program may depend on the locale.
            if isinstance(source, str | bytes) and not flags & re.LOCALE:
                groups, groupindex, indexgroup = rest
                program = [int(op) for op in code]  # some are named constants: plain ints
                entry = (source, -1, int(flags), program, groups, dict(groupindex), indexgroup)
                made[id(found)] = (found, entry)  # the pattern kept: its id is not reused
                if compiled_by_us(sys._getframe(1)):
                    ours.add(id(found))
            return found

    re.purge()
    cache: dict[tuple[type, str | bytes, int], re.Pattern[Any]] = re._cache  # type: ignore[attr-defined]
    re._MAXCACHE = 1 << 20  # type: ignore[attr-defined] # every pattern kept to the end
    compiler._sre = Recorder()
    from extractor.cli import main  # noqa: PLC0415 - imported while recorded

    with tempfile.TemporaryDirectory(prefix="newsfacts-patterns-") as scratch:
        for name, text in invented_articles():
            path = Path(scratch) / name
            path.write_text(text, "utf-8")
            outputs = str(Path(scratch) / f"{name}.out")
            status = main(["extract", str(path), "-o", outputs, "--format", RECORDED_FORMATS])
            if status != 0:
                raise SystemExit(f"newsfacts extract {name}: exit status {status}")
    # In this process too, whatever engine the CLI chose for one file.
    from extractor.pipeline import extract_article  # noqa: PLC0415

    for name, text in invented_articles():
        extract_article(name, text.encode("utf-8")).model_dump_json()
    # Every rule group of regular expressions too, as the loader compiles them (some are
    # asked for only by articles that have, say, a reposting line).
    from extractor import rules  # noqa: PLC0415

    for name in rules.rule_sources():
        for group, value in rules.load(name).items():
            if rules.is_described(value) and "patterns" in value:
                rules.patterns(name, group)
    entries, keys = [], []
    for (_, source, flags), found in cache.items():
        known = made.get(id(found))
        if known is not None and known[0] is found:
            entries.append((source, flags, *known[1][2:]))
            if id(found) in ours:
                keys.append((source, flags))
    Path(out).write_bytes(marshal.dumps((entries, keys)))
