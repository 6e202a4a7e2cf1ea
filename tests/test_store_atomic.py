"""A reload of the embedded store is all or nothing: kill -9 at any point leaves the old or the
new content, and queries during a reload see one of the two (a real `newsfacts load` process).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporters.store import _generations, load_store, store_counts
from schemas import Article
from tests.conftest import SAMPLES, extract_file
from tests.rdf_articles import write_nq

#: Copies of the 48 samples (distinct ids) in the big file: ~0.2 M quads, a load of seconds.
COPIES = 20
NEWSFACTS = str(Path(sys.executable).with_name("newsfacts"))


@pytest.fixture(scope="module")
def samples() -> list[Article]:
    return [extract_file(path) for path in sorted(SAMPLES.glob("*.md"))]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, samples: list[Article]) -> Path:
    return write_nq(samples, tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory, samples: list[Article]) -> Path:
    """The samples extracted for real, written COPIES times under distinct ids."""
    copies = [
        article.model_copy(update={"id": f"{article.id}-copy{k}"})
        for k in range(COPIES)
        for article in samples
    ]
    return write_nq(copies, tmp_path_factory.mktemp("big"))


def _load(nq: Path, store: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [NEWSFACTS, "load", str(nq), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_kill_9_during_a_reload_leaves_old_or_new_content(
    tmp_path: Path, small: Path, big: Path
) -> None:
    # the figures a finished reload gives, measured on a store of its own
    reference = tmp_path / "reference"
    load_store([small], reference)
    load_store([big], reference)
    new = store_counts(reference)
    started = time.monotonic()
    assert _load(big, reference).wait(timeout=600) == 0
    duration = time.monotonic() - started

    store = tmp_path / "kg"
    load_store([small], store)
    old = store_counts(store)
    assert old[0] > 0 and new[0] > old[0]
    outcomes = []
    for fraction in (0.2, 0.5, 0.8, 1.2):
        process = _load(big, store)
        time.sleep(duration * fraction)
        killed_while_running = process.poll() is None
        if killed_while_running:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        counts = store_counts(store)
        assert counts in (old, new), f"killed at {fraction:.0%} of a load: {counts}"
        assert counts[0] != 0
        outcomes.append((killed_while_running, counts == new))
        if counts == new:  # start the next round from the old content again
            shutil.rmtree(store)
            load_store([small], store)
    # at least one kill landed in the middle of a load and the old content survived it
    assert (True, False) in outcomes, outcomes
    # the half-built generations are gone after the next load, which finishes
    assert _load(big, store).wait(timeout=600) == 0
    assert store_counts(store) == new
    assert len(_generations(store)) <= 2
    # the case: reloading the same file (every graph replaced) killed half way
    process = _load(big, store)
    time.sleep(duration * 0.5)
    if process.poll() is None:  # (a reload that already finished is fine too)
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert store_counts(store) == new


def test_queries_during_a_reload_see_old_or_new_content(
    tmp_path: Path, small: Path, big: Path
) -> None:
    store = tmp_path / "kg"
    load_store([small], store)
    old = store_counts(store)
    process = _load(big, store)
    seen = []
    while process.poll() is None:
        seen.append(store_counts(store))
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    new = store_counts(store)
    assert new != old and seen and old in seen
    assert set(seen) <= {old, new}
