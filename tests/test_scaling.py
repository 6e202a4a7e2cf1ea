"""Blow-up guards: a very long post and a very long paragraph finish, whole and serialisable.

Growth itself is measured by `bench/bench_scaling.py` (exponents per stage); these tests only
catch a stage that blows up (quadratic or worse): each input is extracted in a child process
killed after GUARD_SECONDS, many times what a linear run takes (the issue's target is 15 s).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.bench_scaling import PARAGRAPH_BYTES_AT_256, post, real_paragraph
from tests.conftest import ROOT

GUARD_SECONDS = 120
#: The issue's long post: 60,000 short paragraphs (3 MB), each quoting a count label.
LONG_POST_PARAGRAPHS = 60_000
#: The long post has two levels of markers (第N ordinals and count labels): no deeper tree.
LONG_POST_MAX_DEPTH = 2
#: Every level of markers there is: three paragraph families (一、 (一) 1.), three inline ones
#: (一是 第一 首先) and count labels. A tree deeper than that grew with the text's length.
MAX_DEPTH = 7
WHITESPACE = re.compile(r"\s+")


#: Run in the child: extract the file, write the record's JSON (what the batch writes).
CHILD = """
import sys
from pathlib import Path
from extractor.pipeline import extract_article
source, out = Path(sys.argv[1]), Path(sys.argv[2])
out.write_text(extract_article(source.name, source.read_bytes()).model_dump_json(), "utf-8")
"""


def long_post_paragraphs() -> list[str]:
    """The paragraphs of the issue's 3 MB post."""
    return [f"第{n}段：学校实施“三个联动”。" for n in range(1, LONG_POST_PARAGRAPHS + 1)]


def extract_in_child(tmp_path: Path, data: bytes) -> dict[str, Any]:
    """The record of `data` as a post, extracted in a child process within GUARD_SECONDS."""
    source, out = tmp_path / "long.md", tmp_path / "long.json"
    source.write_bytes(data)
    subprocess.run(  # our own interpreter on our own script
        [sys.executable, "-c", CHILD, str(source), str(out)],
        cwd=ROOT,
        check=True,
        timeout=GUARD_SECONDS,
    )
    record: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return record


def tree_depth(groups: list[dict[str, Any]]) -> int:
    """Levels of the measure tree (0 when there is no group); iterative, as the tree may be deep."""
    deepest, stack = 0, [(group, 1) for group in groups]
    while stack:
        group, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in group["children"])
    return deepest


def test_a_post_of_60000_paragraphs_finishes_whole(tmp_path: Path) -> None:
    paragraphs = long_post_paragraphs()
    data = post(paragraphs)
    assert len(data) > 3_000_000
    record = extract_in_child(tmp_path, data)
    assert record["paragraphs"] == paragraphs
    assert not [w for w in record["warnings"] if "rule failed" in w]
    assert tree_depth(record["measure_groups"]) <= LONG_POST_MAX_DEPTH


def test_a_paragraph_of_1_mb_of_real_text_finishes_whole(tmp_path: Path) -> None:
    text = real_paragraph(PARAGRAPH_BYTES_AT_256)
    assert len(text.encode("utf-8")) >= PARAGRAPH_BYTES_AT_256
    record = extract_in_child(tmp_path, post([text]))
    assert record["paragraphs"] == [WHITESPACE.sub(" ", text).strip()]
    assert not [w for w in record["warnings"] if "rule failed" in w]
    assert tree_depth(record["measure_groups"]) <= MAX_DEPTH


def test_tree_depth_counts_levels() -> None:
    leaf: dict[str, Any] = {"children": []}
    assert tree_depth([]) == 0
    assert tree_depth([leaf, leaf]) == 1
    assert tree_depth([{"children": [leaf, {"children": [leaf]}]}]) == 3
