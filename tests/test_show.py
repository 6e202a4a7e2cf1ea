"""`newsfacts show`: the header first (title to counts in 12 lines), evidence, the pager."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.view import HEADER_LINES
from tests.conftest import REFERENCE, SAMPLES


def show(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["show", *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_the_header_comes_first_in_twelve_lines(capsys: pytest.CaptureFixture[str]) -> None:
    lines = show(capsys, str(REFERENCE))
    head = "\n".join(lines[:HEADER_LINES])
    assert HEADER_LINES == 12
    assert lines[0] == "绥化学院：打好组合拳毕业生就业三连升"
    for wanted in (
        "published 2021-12-22T11:16:43+08:00",
        "source: 黑龙江日报",
        "subject: 绥化学院 (university, 黑龙江省绥化市)",
        "people: 蒋平 (author); 董大为 (author)",
        "27 leaf measures",
        "0 warnings",
    ):
        assert wanted in head
    tree = lines.index("measure groups (10)")
    assert tree <= HEADER_LINES
    assert "三个保障  declared 3, found 3" in lines[tree + 1]


def test_every_sample_header_fits(capsys: pytest.CaptureFixture[str]) -> None:
    for post in sorted(SAMPLES.glob("*.md")):
        lines = show(capsys, str(post))
        assert any(line.startswith("counts: ") for line in lines[:HEADER_LINES]), post.name


def test_evidence_shows_each_fact_in_its_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    lines = show(capsys, str(REFERENCE), "--evidence")
    for name, caret in (("蒋平", "     ^^^^"), ("董大为", "         ^^^^^^")):
        at = lines.index(
            f"person (author): {name}  [¶14 {154 if name == '蒋平' else 156}-"
            f"{156 if name == '蒋平' else 159}]"
        )
        assert lines[at + 1] == "    (蒋平董大为)"
        assert lines[at + 2] == caret  # the span marked under the sentence (no colours in a pipe)
    assert "source: 黑龙江日报  [source line 6-11]" in lines
    assert "    (the text of this span is not kept in the record)" in lines
    measures = [line for line in lines if line.startswith("measure 三个保障 #")]
    assert len(measures) == 3


def test_long_output_on_a_terminal_goes_through_the_pager(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {**os.environ, "PAGER": f"tee {paged}", "TERM": "xterm", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "newsfacts", "show", str(REFERENCE), "--evidence"],
        stdin=secondary,
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
        timeout=60,
        check=False,
    )
    os.close(secondary)
    os.close(primary)
    assert done.returncode == 0, done.stderr
    text = paged.read_text("utf-8")
    assert "绥化学院：打好组合拳毕业生就业三连升" in text
    assert "\x1b[" in text  # the pager gets the colours (the highlighted spans)
    assert text.count("\n") > 24
