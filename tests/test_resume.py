"""Interrupted runs: kill -9 mid-way, then --resume gives exactly the uninterrupted run's log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.corpus import make_corpus
from extractor.cli import main

LOG = ("articles.jsonl", "manifest.jsonl")


def log_bytes(folder: Path) -> tuple[bytes, ...]:
    """The durable log of a run."""
    return tuple((folder / name).read_bytes() for name in LOG)


def manifest_lines(folder: Path) -> int:
    path = folder / "manifest.jsonl"
    return path.read_bytes().count(b"\n") if path.exists() else 0


def newsfacts() -> list[str]:
    script = Path(sys.executable).with_name("newsfacts")
    return [str(script)] if script.exists() else [sys.executable, "-m", "extractor.cli"]


#: Runs a command with the signals these tests send at their default disposition: a shell's
#: background job (`pytest &` in a script, some CI runners) starts with SIGINT ignored, an
#: ignored signal stays ignored across exec, and Python then installs no handler for it: the
#: run under test would never see the Ctrl-C sent to it, and finish.
DEFAULT_SIGNALS = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
)


def interruptible(command: list[str]) -> list[str]:
    """`command` (an absolute program path first), run after DEFAULT_SIGNALS in its process."""
    return [sys.executable, "-c", DEFAULT_SIGNALS, *command]


#: Posts of the interrupted runs: enough that a run is still going when it is interrupted
#: at INTERRUPT_AT lines, however fast the machine (extraction runs ~600 posts/s a core, and
#: a Ctrl-C lets the chunks in flight finish).
POSTS = 2_000
INTERRUPT_AT = 150


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """POSTS generated posts in folders of 100."""
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, POSTS, per_folder=100)
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted run."""
    out = tmp_path_factory.mktemp("reference")
    assert main(["extract", str(corpus), "-o", str(out), "-j", "1"]) == 0
    return out


@pytest.mark.parametrize(
    "case",
    [
        ("1", signal.SIGKILL, -signal.SIGKILL),  # kill -9: no chance to clean up
        ("2", signal.SIGKILL, -signal.SIGKILL),
        ("2", signal.SIGINT, 130),  # Ctrl-C: the run stops cleanly and says how to resume
    ],
)
def test_an_interrupted_run_resumed_equals_an_uninterrupted_run(
    corpus: Path, reference: Path, tmp_path: Path, case: tuple[str, int, int]
) -> None:
    jobs, sig, code = case
    out = tmp_path / "out"
    command = [*newsfacts(), "extract", str(corpus), "-o", str(out), "-j", jobs]
    run = subprocess.Popen(
        interruptible(command),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while manifest_lines(out) < INTERRUPT_AT and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert run.poll() is None, "the run ended before it could be interrupted"
    os.killpg(run.pid, sig)  # the whole process group, as a terminal or `kill -9 -PGID` does
    _, err = run.communicate(timeout=60)
    assert run.returncode == code, err
    if sig == signal.SIGINT:
        assert b"--resume" in err
    done = manifest_lines(out)
    assert INTERRUPT_AT <= done < POSTS, done
    assert not (out / "run.json").exists()
    assert main(["extract", str(corpus), "-o", str(out), "-j", "1", "--resume"]) == 0
    assert log_bytes(out) == log_bytes(reference)
    assert not list(out.glob("*.part"))
    run_json = json.loads((out / "run.json").read_text("utf-8"))
    assert run_json["reused"] >= INTERRUPT_AT and run_json["counts"]["ok"] == POSTS
    if (reference / "articles.nq").exists():  # rebuilt from the log: the same bytes
        assert (out / "articles.nq").read_bytes() == (reference / "articles.nq").read_bytes()


def descendants(pid: int) -> set[int]:
    """Every process under `pid` (read from /proc: children of children too)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped by its parent is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize(
    ("engine", "sig", "code"),
    [
        ("local", signal.SIGKILL, -signal.SIGKILL),
        ("local", signal.SIGTERM, 143),
        ("local", signal.SIGINT, 130),
        ("dask", signal.SIGKILL, -signal.SIGKILL),
    ],
)
def test_no_worker_or_helper_outlives_the_run(
    corpus: Path, tmp_path: Path, engine: str, sig: int, code: int
) -> None:
    # The signal goes to the parent alone (not its group, as a terminal would send it):
    # whatever it started must end by itself.
    if engine == "dask":
        pytest.importorskip("distributed")
    out = tmp_path / "out"
    command = [*newsfacts(), "extract", str(corpus), "-o", str(out), "-j", "2", "-f", "json"]
    run = subprocess.Popen(interruptible([*command, "--engine", engine]), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while manifest_lines(out) < INTERRUPT_AT and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert run.poll() is None, "the run ended before it could be interrupted"
    helpers = descendants(run.pid)
    assert len(helpers) >= 2  # the workers (and multiprocessing's helpers)
    os.kill(run.pid, sig)
    _, err = run.communicate(timeout=60)
    assert run.returncode == code, err
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in helpers if alive(pid)]
    assert main(["extract", str(corpus), "-o", str(out), "-j", "1", "--resume"]) == 0


def test_a_torn_last_line_and_an_unconfirmed_record_are_repaired(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    # The state a kill leaves between writing an article line and its manifest line,
    # with the next manifest line half written.
    articles, manifest = log_bytes(reference)
    out = tmp_path / "out"
    out.mkdir()
    article_lines = articles.splitlines(keepends=True)
    manifest_lines_ = manifest.splitlines(keepends=True)
    (out / "articles.jsonl").write_bytes(b"".join(article_lines[:201]) + article_lines[201][:40])
    (out / "manifest.jsonl").write_bytes(
        b"".join(manifest_lines_[:200]) + manifest_lines_[200][:30]
    )
    assert main(["extract", str(corpus), "-o", str(out), "-j", "2", "--resume"]) == 0
    assert log_bytes(out) == log_bytes(reference)


def test_changed_added_and_removed_files_are_rewritten_in_order(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    make_corpus(folder, POSTS, per_folder=100)
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out), "-j", "1"]) == 0
    assert log_bytes(out) == log_bytes(reference)
    changed = next((folder / "0002").glob("0000250-*.md"))
    changed.write_text(changed.read_text("utf-8").replace("<p>", "<p>改动。", 1), "utf-8")
    next((folder / "0004").glob("0000444-*.md")).unlink()
    (folder / "0001" / "0000150-added.md").write_text(
        "---\ntitle: 新增\n---\n<p>新增的一篇。</p>\n",
        "utf-8",  # constructed
    )
    fresh = tmp_path / "fresh"
    assert main(["extract", str(folder), "-o", str(fresh), "-j", "1"]) == 0
    assert main(["extract", str(folder), "-o", str(out), "-j", "2", "--resume"]) == 0
    assert log_bytes(out) == log_bytes(fresh)
    assert not list(out.glob("*.part"))
    run_json = json.loads((out / "run.json").read_text("utf-8"))
    assert run_json["reused"] == POSTS - 2  # all but the changed and the removed one


def test_resume_with_nothing_left_changes_nothing(reference: Path, corpus: Path) -> None:
    before = log_bytes(reference)
    assert main(["extract", str(corpus), "-o", str(reference), "--resume"]) == 0
    assert log_bytes(reference) == before
    assert json.loads((reference / "run.json").read_text("utf-8"))["reused"] == POSTS


def test_resume_without_a_log_is_a_clear_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", str(corpus), "-o", str(tmp_path), "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err
