"""bench/bench_instructions.py: instructions a post, counted under callgrind, the same each run."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from bench import bench_instructions as counted
from tests.conftest import SAMPLES

pytestmark = pytest.mark.skipif(
    shutil.which("valgrind") is None, reason="needs valgrind (.ci/run installs it)"
)


def test_the_count_repeats_and_a_stage_counts_less_than_the_whole(tmp_path: Path) -> None:
    posts = [(path.name, path.read_bytes()) for path in sorted(SAMPLES.glob("*.md"))[:2]]
    posts_file = tmp_path / "posts.pickle"
    posts_file.write_bytes(pickle.dumps(([], posts)))
    runs = tmp_path / "runs"
    runs.mkdir()
    this = counted.Version("this checkout", str(counted.ROOT))
    whole = [counted.count(this, posts_file, counted.WHOLE, 1, runs) for _ in range(2)]
    stage = counted.count(this, posts_file, "organizations", 1, runs)
    # only the posts' work is counted: far less than Python's start and the imports (~10^8)
    assert 10**5 < whole[0] < 10**7
    assert abs(whole[0] - whole[1]) / whole[0] < 0.005  # what timings cannot give
    assert 0 < stage < whole[0]
