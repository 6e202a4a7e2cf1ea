"""Bad and hostile input: each file gets a clear result of its own, and none reaches outside.

Every bad file is made here, at test time, from the real reference post (no large or broken
files in git). The end-to-end test runs `newsfacts extract` on all of them at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.errors import REASONS, SKIPS, InputError
from extractor.pipeline import extract_article
from schemas import Article
from tests.conftest import REFERENCE
from tests.test_encodings import VARIANTS, traditional_text

REF_TEXT = REFERENCE.read_text("utf-8")
#: The front matter block (with both fences) and the body after it.
FRONT = REF_TEXT[: REF_TEXT.index("\n---\n", 4) + len("\n---\n")]
BODY = REF_TEXT[len(FRONT) :]
#: The HTML paragraphs of the body, without the URL line and site links after them.
BODY_HTML = BODY[: BODY.index("\n\n<http")]
TITLE = "绥化学院：打好组合拳毕业生就业三连升"
DEEP = 200_000
MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MIB
PASSWD = Path("/etc/passwd")


def reference() -> Article:
    """The reference post's record."""
    return extract_article("post.md", REF_TEXT.encode())


# --- bad inputs, built from the reference post ----------------------------------------------


def front_matter_only() -> bytes:
    """The post's front matter and nothing after it."""
    return FRONT.encode()


def unclosed_front_matter() -> bytes:
    """The post with its closing `---` line removed."""
    return (FRONT[: -len("---\n")] + BODY).encode()


def impossible_date() -> bytes:
    """The post with a date that no calendar has."""
    return REF_TEXT.replace("2021-12-22 11:16:43 +0800", "2021-13-45 99:99:99", 1).encode()


def cut_in_tag(marker: str = '<p class="em') -> bytes:
    """The post as a cut-off download: it ends inside a tag (by default the source line's)."""
    return REF_TEXT[: REF_TEXT.index(marker) + len(marker)].encode()


def random_bytes() -> bytes:
    """A binary file with a post's name: 4 KiB from a seeded generator."""
    return random.Random(8).randbytes(4096)


def too_large(size: int = DEFAULT_MAX_BYTES + 1024) -> bytes:
    """A well-formed post just over the size limit (the body repeated)."""
    body = BODY_HTML.encode()
    repeats = (size - len(FRONT.encode())) // len(body) + 1
    return FRONT.encode() + body * repeats


def yaml_alias_bomb() -> bytes:
    """Billion laughs in front matter: nine levels of nine aliases (9**9 strings if built)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return ("---\ntitle: *a9\n" + "\n".join(lines) + "\n---\n" + BODY).encode()


def yaml_deep_nesting(kind: str) -> bytes:
    """Front matter nested 900 levels (under libyaml's 1000, over Python's recursion)."""
    value = "[" * 900 + "]" * 900 if kind == "flow" else "\n" + "- " * 900 + "x"
    return (f"---\ntitle: {TITLE}\ntags: {value}\n---\n" + BODY).encode()


def spaced_date() -> bytes:
    """A date padded with 60,000 spaces: date patterns backtrack quadratically on it."""
    return REF_TEXT.replace("2021-12-22 11:16:43", "2021-12-22" + " " * 60_000 + "x", 1).encode()


ENTITY_BOMB_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
XXE_DTD = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def page(head: str, body_html: str) -> str:
    """A bare HTML page holding the reference post's paragraphs."""
    return f"{head}<html><head><title>{TITLE}</title></head><body>{body_html}</body></html>"


def entity_bomb(kind: str) -> bytes:
    """Nested entity definitions that expand to 10**9 `lol`s, used in the body."""
    if kind == "html":
        return page(ENTITY_BOMB_DTD, "<p>&lol9;</p>" + BODY_HTML).encode()
    return (FRONT + ENTITY_BOMB_DTD + "<p>&lol9;</p>" + BODY).encode()


def external_entity(kind: str) -> bytes:
    """An external entity naming /etc/passwd, used in the body."""
    if kind == "html":
        return ('<?xml version="1.0"?>' + page(XXE_DTD, "<p>&x;</p>" + BODY_HTML)).encode()
    return (FRONT + XXE_DTD + "<p>&x;</p>" + BODY).encode()


def deep_divs(kind: str, depth: int = DEEP) -> bytes:
    """200,000 nested `<div>`s before the post's paragraphs."""
    nested = "<div>" * depth + "<p>深</p>" + "</div>" * depth
    if kind == "html":
        return page("", nested + BODY_HTML).encode()
    return (FRONT + nested + BODY).encode()


# --- broken input: a coded failure, or the record with a warning ---------------------------

FAILING = [
    ("empty", lambda: b"", "empty"),
    ("white space", lambda: b"\n \r\n\t", "empty"),
    ("front matter only", front_matter_only, "no_body"),
    ("unclosed front matter", unclosed_front_matter, "unclosed_front_matter"),
    ("random bytes", random_bytes, "not_text"),
    ("random bytes without NUL", lambda: random_bytes().replace(b"\x00", b"\x01"), "not_text"),
    ("yaml alias bomb", yaml_alias_bomb, "bad_front_matter"),
    ("yaml flow nesting", lambda: yaml_deep_nesting("flow"), "bad_front_matter"),
    ("yaml block nesting", lambda: yaml_deep_nesting("block"), "bad_front_matter"),
]


@pytest.mark.parametrize(("build", "code"), [pytest.param(b, c, id=name) for name, b, c in FAILING])
def test_broken_file_fails_with_its_reason(build: Callable[[], bytes], code: str) -> None:
    with pytest.raises(InputError) as info:
        extract_article("post.md", build())
    assert info.value.code == code
    assert info.value.reason.startswith(REASONS[code])


def test_reasons_are_the_documented_list() -> None:
    readme = (REFERENCE.parent.parent / "README.md").read_text("utf-8")
    for phrase in [*REASONS.values(), *SKIPS.values()]:
        assert f"| `{phrase}` |" in readme


def test_impossible_date_keeps_the_record_with_a_warning() -> None:
    article = extract_article("post.md", impossible_date())
    assert article.published is None
    assert article.warnings == ["published: impossible date '2021-13-45 99:99:99'"]
    expected = reference().model_copy(update={"published": None, "warnings": article.warnings})
    assert article == expected


def test_cut_in_the_source_line_tag_keeps_the_body() -> None:
    article = extract_article("post.md", cut_in_tag())
    ref = reference()
    assert article.paragraphs == ref.paragraphs
    assert (article.title, article.published) == (ref.title, ref.published)
    assert article.source is None  # its line was cut off
    assert article.warnings == [
        "cut off: the text ends inside a tag ('<p class=\"em'); what came before was read"
    ]


def body_tags() -> list[int]:
    """Offsets just inside each tag of the body (`<` plus two characters)."""
    start = len(FRONT)
    end = REF_TEXT.index("\n\n<http")
    return [i + 2 for i in range(start, end) if REF_TEXT[i] == "<"]


@pytest.mark.parametrize("cut", body_tags())
def test_cut_inside_any_body_tag_keeps_the_paragraphs_before(cut: int) -> None:
    article = extract_article("post.md", REF_TEXT[:cut].encode())
    ref = reference().paragraphs
    # every paragraph closed before the cut, whole; the one whose tag was cut, whole too
    closed = REF_TEXT[len(FRONT) : cut].count("</p>")
    assert article.paragraphs == ref[: len(article.paragraphs)]
    assert len(article.paragraphs) >= min(closed, len(ref))
    assert any(w.startswith("cut off: the text ends inside a tag") for w in article.warnings)


# --- hostile input: nothing expands, nothing is read, nothing is fetched --------------------


def test_a_title_with_stars_and_ampersands_is_no_alias() -> None:
    # constructed: YAML aliases are refused by parsing, not by looking for `*` or `&`
    front = 'title: "R&D 投入 *同比* 增长 & 更多"\ndate: 2021-12-22 11:16:43 +0800'
    data = f"---\n{front}\n---\n<p>正文。</p>\n".encode()
    assert extract_article("post.md", data).title == "R&D 投入 *同比* 增长 & 更多"


@pytest.mark.parametrize("kind", ["md", "html"])
def test_entity_bomb_is_not_expanded(kind: str) -> None:
    article = extract_article(f"post.{kind}", entity_bomb(kind))
    text = article.model_dump_json()
    assert "lollol" not in text
    assert len(text) < 3 * len(reference().model_dump_json())
    for paragraph in reference().paragraphs:
        assert paragraph in article.paragraphs
    assert "html: a DOCTYPE with entity declarations was ignored" in article.warnings[0]


def passwd_lines() -> list[str]:
    """The lines of /etc/passwd that would betray it in an output."""
    return [line for line in PASSWD.read_text().splitlines() if len(line) >= 8]


@pytest.mark.skipif(not PASSWD.exists(), reason="needs a /etc/passwd to leak")
@pytest.mark.parametrize("kind", ["md", "html"])
def test_external_entity_is_never_read(kind: str) -> None:
    article = extract_article(f"post.{kind}", external_entity(kind))
    text = article.model_dump_json()
    assert passwd_lines()
    for line in passwd_lines():
        assert line not in text
    assert "root:" not in text
    for paragraph in reference().paragraphs:
        assert paragraph in article.paragraphs


def network_bait(port: int) -> str:
    """Every way a page could make a parser fetch something from 127.0.0.1:port."""
    url = f"http://127.0.0.1:{port}"
    return (
        f'<!DOCTYPE html SYSTEM "{url}/dtd" [<!ENTITY x SYSTEM "{url}/entity">'
        f'<!ENTITY % p SYSTEM "{url}/param"> %p;]>'
        f'<html xmlns:xi="http://www.w3.org/2001/XInclude"><head>'
        f'<link rel="stylesheet" href="{url}/css"><script src="{url}/js"></script>'
        f"<title>{TITLE}</title></head><body>"
        f'<p>&x;</p><xi:include href="{url}/xinclude" parse="text"/>'
        f'<img src="{url}/img"><iframe src="{url}/frame"></iframe>'
        f'<object data="{url}/object"></object>{BODY_HTML}</body></html>'
    )


@pytest.mark.parametrize("kind", ["md", "html"])
def test_parsing_makes_no_network_access(kind: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        bait = network_bait(port)
        data = (FRONT + bait + "\n").encode() if kind == "md" else bait.encode()
        article = extract_article(f"post.{kind}", data)
        server.settimeout(0.3)
        with pytest.raises(TimeoutError):
            server.accept()  # a fetch would have connected (the backlog keeps it)
    assert article.title == TITLE


@pytest.mark.parametrize("kind", ["md", "html"])
def test_deeply_nested_divs_keep_every_paragraph(kind: str) -> None:
    article = extract_article(f"post.{kind}", deep_divs(kind))
    paragraphs = reference().paragraphs
    assert article.paragraphs[0] == "深"
    assert article.paragraphs[1 : 1 + len(paragraphs)] == paragraphs
    assert "html: elements nested deeper than 128 levels were flattened" in article.warnings


def test_a_paragraph_over_libxml2s_text_limit_is_read_whole() -> None:
    # libxml2 stops at a 10 MB text node unless asked; a 20 MB file may hold one (constructed
    # by repeating the reference post's first paragraph)
    first = reference().paragraphs[0]
    long = first * (10_500_000 // len(first.encode()) + 1)
    article = extract_article("post.md", (FRONT + f"<p>{long}</p>" + BODY).encode())
    assert article.paragraphs[0] == long
    assert article.paragraphs[1:] == reference().paragraphs
    assert article.warnings == []


def test_an_unclosed_doctype_subset_does_not_swallow_the_text() -> None:
    # constructed: `<!DOCTYPE x [` never closed nearby, a `]>` far below in running text
    filler = "<p>" + "甲" * 70_000 + "]></p>"
    data = (FRONT + "<!DOCTYPE x [" + BODY_HTML + filler + "\n").encode()
    article = extract_article("post.md", data)
    for paragraph in reference().paragraphs:
        assert paragraph in article.paragraphs


def test_a_padded_date_is_refused_quickly() -> None:
    article = extract_article("post.md", spaced_date())
    assert article.published is None
    assert article.warnings == [
        "published: no date in a value of 60017 characters ('2021-12-22              '…)"
    ]
    assert article.paragraphs == reference().paragraphs


HOSTILE: list[tuple[str, Callable[[], bytes], str]] = [
    ("padded date", spaced_date, "md"),
    ("yaml alias bomb", yaml_alias_bomb, "md"),
    ("yaml nesting", lambda: yaml_deep_nesting("flow"), "md"),
    ("entity bomb md", lambda: entity_bomb("md"), "md"),
    ("entity bomb html", lambda: entity_bomb("html"), "html"),
    ("external entity md", lambda: external_entity("md"), "md"),
    ("external entity html", lambda: external_entity("html"), "html"),
    ("deep divs md", lambda: deep_divs("md"), "md"),
    ("deep divs html", lambda: deep_divs("html"), "html"),
]


def extract_or_fail(path: str, data: bytes) -> None:
    """Extract, accepting the coded failure hostile input may get."""
    with contextlib.suppress(InputError):
        extract_article(path, data)


@pytest.mark.parametrize(("build", "kind"), [pytest.param(b, k, id=name) for name, b, k in HOSTILE])
def test_hostile_input_is_cheap(build: Callable[[], bytes], kind: str) -> None:
    """The issue's bound: under 0.5 s of CPU and bounded memory per hostile file."""
    data = build()
    extract_or_fail(f"post.{kind}", data)  # warm: rules loaded once per process
    started = time.process_time()
    extract_or_fail(f"post.{kind}", data)
    seconds = time.process_time() - started
    tracemalloc.start()
    try:
        extract_or_fail(f"post.{kind}", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 0.5
    assert peak < 64 * MIB + 40 * len(data)


# --- end to end: `newsfacts extract` on the reference post and every bad input --------------


def bad_folder(folder: Path) -> dict[str, tuple[str, str | None, str]]:
    """Write the reference post, its encodings and every bad input; return what each expects.

    path -> (status, failure code or None, encoding or a warning the record must have)
    """
    folder.mkdir()
    expected: dict[str, tuple[str, str | None, str]] = {}

    def put(name: str, data: bytes, status: str, code: str | None, note: str) -> None:
        (folder / name).write_bytes(data)
        expected[name] = (status, code, note)

    put("reference.md", REF_TEXT.encode(), "ok", None, "utf-8")
    for case, text, write, encoding in VARIANTS:
        put(f"encoding-{case}.md", write(text()), "ok", None, encoding)
    put("encoding-big5-twin-utf-8.md", traditional_text().encode(), "ok", None, "utf-8")
    put("broken-empty.md", b"", "failed", "empty", "")
    put("broken-front-matter-only.md", front_matter_only(), "failed", "no_body", "")
    put("broken-unclosed.md", unclosed_front_matter(), "failed", "unclosed_front_matter", "")
    put("broken-date.md", impossible_date(), "ok", None, "published: impossible date")
    put("broken-cut-in-tag.md", cut_in_tag(), "ok", None, "cut off: the text ends inside")
    put("broken-random.md", random_bytes(), "failed", "not_text", "")
    put("broken-too-large.md", too_large(), "failed", "too_large", "")
    put("hostile-yaml-bomb.md", yaml_alias_bomb(), "failed", "bad_front_matter", "")
    put("hostile-padded-date.md", spaced_date(), "ok", None, "published: no date in a value")
    for kind in ("md", "html"):
        put(f"hostile-entity-bomb.{kind}", entity_bomb(kind), "ok", None, "html: a DOCTYPE")
        put(f"hostile-xxe.{kind}", external_entity(kind), "ok", None, "html: a DOCTYPE")
        put(f"hostile-deep-divs.{kind}", deep_divs(kind), "ok", None, "html: elements nested")
    return expected


def run_cli(args: list[str], logs: Path) -> tuple[int, float, int, str]:
    """Run `newsfacts` in a child process; return (exit code, seconds, peak RSS bytes, stderr)."""
    script = Path(sys.executable).with_name("newsfacts")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "extractor.cli"]
    started = time.perf_counter()
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        child = subprocess.Popen([*command, *args], stdout=out, stderr=err)
        # wait4 gives this child's own resource usage (RUSAGE_CHILDREN mixes in every child)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    stderr = (logs / "stderr").read_text("utf-8", errors="replace")
    return child.returncode, seconds, usage.ru_maxrss * 1024, stderr


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_extract_on_every_bad_input(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    expected = bad_folder(folder)
    out = tmp_path / "out"
    code, seconds, peak, stderr = run_cli(["extract", str(folder), "-o", str(out)], tmp_path)

    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert seconds < 10
    assert peak < 1024 * MIB

    manifest = {str(m["path"]): m for m in read_jsonl(out / "manifest.jsonl")}
    assert set(manifest) == set(expected)
    records = {str(r["path"]): r for r in read_jsonl(out / "articles.jsonl")}
    for name, (status, failure, note) in expected.items():
        line = manifest[name]
        assert line["status"] == status, name
        if failure is None:
            assert line["reason"] is None, name
            assert name in records, name
        else:
            assert str(line["reason"]).startswith(REASONS[failure]), (name, line["reason"])
            assert f"{name}: {REASONS[failure]}" in stderr.replace("\n", " "), name
            assert name not in records, name
        if status == "ok" and name.startswith(("reference", "encoding")):
            assert line["encoding"] == note, name
        elif status == "ok":
            assert any(str(w).startswith(note) for w in records[name]["warnings"]), name  # type: ignore[attr-defined]

    def without_path(name: str) -> dict[str, object]:
        # The copies share the reference's id: all but the first are renamed and warned.
        record = {k: v for k, v in records[name].items() if k not in {"path", "id"}}
        warnings = [w for w in record["warnings"] if not str(w).startswith("duplicate id of ")]  # type: ignore[attr-defined]
        return {**record, "warnings": warnings}

    ids = [str(r["id"]) for r in records.values()]
    assert len(ids) == len(set(ids))

    for case, *_ in VARIANTS:
        twin = "encoding-big5-twin-utf-8.md" if case == "big5" else "reference.md"
        assert without_path(f"encoding-{case}.md") == without_path(twin), case
    assert records["broken-date.md"]["published"] is None

    written = "".join(output_text(p) for p in out.rglob("*") if p.is_file())
    for line in passwd_lines() if PASSWD.exists() else []:
        assert line not in written


def output_text(path: Path) -> str:
    """An output file's text; for the xlsx (a zip), the text of every part inside it."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return path.read_text("utf-8")


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "reference.md").write_text(REF_TEXT, "utf-8")
    (folder / "small.md").write_text(FRONT + "<p>正文。</p>\n", "utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out), "--max-bytes", "1000"]) == 1
    manifest = {str(m["path"]): m for m in read_jsonl(out / "manifest.jsonl")}
    assert manifest["small.md"]["status"] == "ok"
    assert manifest["reference.md"]["status"] == "failed"
    assert str(manifest["reference.md"]["reason"]).startswith(REASONS["too_large"])
