"""Bounds per file, on real worker processes: a file that hangs, spins, crashes or hoards
memory fails alone with its reason, and every other record of the run is written.

The misbehaving file is chosen with the test-only hook NEWSFACTS_TEST_FAULT (see
extractor/batch/worker.py): the bounds themselves (SIGALRM, the watchdog, RLIMIT_AS,
the pool's replacement and the file-by-file retry) are the real ones.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.batch.limits import FileTimedOut, parse_size, time_budget
from tests.conftest import SAMPLES

#: Good posts around the bad one: more than one chunk's neighbours would be wasteful here.
GOOD = 11


def newsfacts() -> list[str]:
    script = Path(sys.executable).with_name("newsfacts")
    return [str(script)] if script.exists() else [sys.executable, "-m", "extractor.cli"]


def folder_of_posts(tmp_path: Path, count: int = GOOD + 1) -> tuple[Path, list[str]]:
    folder = tmp_path / "in"
    folder.mkdir()
    names = []
    for post in sorted(SAMPLES.glob("*.md"))[:count]:
        shutil.copy(post, folder / post.name)
        names.append(post.name)
    return folder, names


def run(folder: Path, out: Path, fault: str, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSFACTS_TEST_FAULT": fault}
    command = [*newsfacts(), "extract", str(folder), "-o", str(out), "-f", "json", *options]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def manifest(out: Path) -> dict[str, dict[str, object]]:
    lines = (out / "manifest.jsonl").read_text("utf-8").splitlines()
    return {str(m["path"]): m for m in map(json.loads, lines)}


def assert_fails_alone(out: Path, names: list[str], bad: str, reason: str) -> None:
    lines = manifest(out)
    assert sorted(lines) == sorted(names)
    assert lines[bad]["status"] == "failed"
    assert str(lines[bad]["reason"]).startswith(reason), lines[bad]
    others = {name: line["status"] for name, line in lines.items() if name != bad}
    assert set(others.values()) == {"ok"}, others
    records = [json.loads(r) for r in (out / "articles.jsonl").read_text("utf-8").splitlines()]
    assert sorted(r["path"] for r in records) == sorted(n for n in names if n != bad)


@pytest.mark.parametrize("engine", [("-j", "1"), ("-j", "2"), ("--engine", "serial")])
def test_a_file_that_runs_forever_fails_alone_after_its_budget(
    tmp_path: Path, engine: tuple[str, str]
) -> None:
    folder, names = folder_of_posts(tmp_path)
    bad = names[3]
    done = run(folder, tmp_path / "out", f"hang:{bad}", "--timeout", "5", *engine)
    assert done.returncode == 1, done.stderr
    assert f"{bad}: timed out after 5 s" in done.stderr
    assert_fails_alone(tmp_path / "out", names, bad, "timed out after 5 s")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_stuck_where_no_signal_reaches_ends_its_worker_and_fails_alone(
    tmp_path: Path, jobs: str
) -> None:
    # SIGALRM blocked and never back in the extractor: only the watchdog can end it;
    # its pool breaks, and the chunk is retried file by file.
    folder, names = folder_of_posts(tmp_path)
    bad = names[5]
    done = run(folder, tmp_path / "out", f"spin:{bad}", "--timeout", "1", "-j", jobs)
    assert done.returncode == 1, done.stderr
    assert_fails_alone(tmp_path / "out", names, bad, "timed out after 1 s")


def test_a_file_that_kills_its_worker_costs_only_itself(tmp_path: Path) -> None:
    folder, names = folder_of_posts(tmp_path)
    bad = names[0]
    done = run(folder, tmp_path / "out", f"crash:{bad}", "-j", "2")
    assert done.returncode == 1, done.stderr
    assert_fails_alone(tmp_path / "out", names, bad, "internal error: worker lost")
    assert "Traceback" not in done.stderr


def test_a_file_over_the_memory_bound_fails_alone(tmp_path: Path) -> None:
    folder, names = folder_of_posts(tmp_path)
    bad = names[-1]
    done = run(folder, tmp_path / "out", f"memory:{bad}", "--max-memory", "1G", "-j", "2")
    assert done.returncode == 1, done.stderr
    assert_fails_alone(tmp_path / "out", names, bad, "too much memory")


def test_a_file_that_runs_forever_fails_alone_under_dask(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    folder, names = folder_of_posts(tmp_path)
    hang, crash = names[2], names[7]
    fault = f"hang:{hang},crash:{crash}"
    done = run(folder, tmp_path / "out", fault, "--timeout", "3", "--engine", "dask", "-j", "2")
    assert done.returncode == 1, done.stderr
    lines = manifest(tmp_path / "out")
    assert lines[hang]["reason"] == "timed out after 3 s"
    assert str(lines[crash]["reason"]).startswith("internal error: worker lost")
    others = {n: m["status"] for n, m in lines.items() if n not in {hang, crash}}
    assert len(others) == GOOD - 1 and set(others.values()) == {"ok"}


def test_the_budget_interrupts_a_python_loop_on_this_thread_and_others() -> None:
    import threading  # noqa: PLC0415

    def spin() -> None:
        with time_budget(0.2):
            while True:
                pass

    with pytest.raises(FileTimedOut):
        spin()
    caught: list[BaseException] = []

    def in_thread() -> None:
        try:
            spin()
        except FileTimedOut as exc:
            caught.append(exc)

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive() and len(caught) == 1
    with time_budget(5):  # a block that ends in time is not interrupted later
        pass


def test_sizes_are_read_with_their_units() -> None:
    assert parse_size("2G") == 2 << 30
    assert parse_size("512M") == 512 << 20
    assert parse_size("1.5GiB") == 3 << 29
    assert parse_size("0") == 0
    with pytest.raises(ValueError, match=r"could not convert"):
        parse_size("lots")
