"""Line outputs' pieces handed over on disk (exporters/spool.py): the same bytes as pieces sent
through the result pipe, with renamed records, failed files and a worker that dies; no spool
file left behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from exporters.rdf import NQuadsExporter
from exporters.spool import (
    ORPHAN_IDLE,
    SPOOL_PREFIX,
    SpoolCopier,
    Spooled,
    spool_chunk,
    spool_folder,
)
from extractor.batch.worker import FileResult
from extractor.cli import main
from tests.conftest import SAMPLES


def posts(folder: Path, count: int) -> list[str]:
    folder.mkdir(parents=True)
    names = []
    for post in sorted(SAMPLES.glob("*.md"))[:count]:
        shutil.copy(post, folder / post.name)
        names.append(post.name)
    return names


def result(rel: str, piece: bytes) -> FileResult:
    done = FileResult(rel, len(piece), "", "utf-8", "ok")
    done.pieces = (piece,)
    return done


def test_a_pool_run_copies_spooled_pieces_into_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    names = posts(folder, 40)  # two chunks and more
    # Two records renamed for a taken id in the middle of a chunk, and a file that fails.
    shutil.copy(folder / names[3], folder / f"{names[3]}-copy.md")
    shutil.copy(folder / names[20], folder / f"{names[20]}-copy.md")
    (folder / "0-empty.md").write_bytes(b" \n")
    spools = tmp_path / "tmp"
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spools))
    copied: list[Spooled] = []
    add = SpoolCopier.add

    def counted(self: SpoolCopier, place: Spooled) -> None:
        copied.append(place)
        add(self, place)

    monkeypatch.setattr(SpoolCopier, "add", counted)
    pool, serial = tmp_path / "j2", tmp_path / "serial"
    assert main(["extract", str(folder), "-o", str(pool), "-f", "nquads", "-j", "2"]) == 1
    run = json.loads((pool / "run.json").read_text("utf-8"))
    assert run["duplicate_ids"] >= 2
    # every ok record's graph but the renamed ones', which the writer made again
    assert len(copied) == run["counts"]["ok"] - run["duplicate_ids"] > 0
    assert len({place.path for place in copied}) >= 2  # a spool file a chunk
    assert not list(spools.glob(f"{SPOOL_PREFIX}*"))  # the spool folder and its files are gone
    copied.clear()
    command = ["extract", str(folder), "-o", str(serial), "-f", "nquads", "--engine", "serial"]
    assert main(command) == 1
    assert not copied  # the serial engine sends its pieces
    for name in ("articles.nq", "articles.jsonl", "manifest.jsonl"):
        assert (pool / name).read_bytes() == (serial / name).read_bytes(), name


def test_a_worker_that_dies_loses_no_spooled_piece(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    names = posts(folder, 12)
    bad = names[5]
    script = Path(sys.executable).with_name("newsfacts")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "extractor.cli"]
    spools = tmp_path / "tmp"
    spools.mkdir()
    env = {**os.environ, "NEWSFACTS_TEST_FAULT": f"crash:{bad}", "TMPDIR": str(spools)}
    out = tmp_path / "out"
    done = subprocess.run(
        [*command, "extract", str(folder), "-o", str(out), "-f", "nquads", "-j", "2"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert not list(spools.glob(f"{SPOOL_PREFIX}*"))
    # The graphs of the other files, as a run without the bad file writes them.
    (folder / bad).unlink()
    alone = tmp_path / "alone"
    assert (
        main(["extract", str(folder), "-o", str(alone), "-f", "nquads", "--engine", "serial"]) == 0
    )
    assert (out / "articles.nq").read_bytes() == (alone / "articles.nq").read_bytes()


def test_places_are_copied_in_order_around_pieces_made_by_the_writer(tmp_path: Path) -> None:
    spools = tmp_path / "spool"
    spools.mkdir()
    first = [result(f"{n}.md", f"<a{n}> <b> <c> <g> .\n".encode()) for n in range(4)]
    second = [result("9.md", b"<z> <b> <c> <g> .\n")]
    spool_chunk(first, 0, str(spools))
    spool_chunk(second, 0, str(spools))
    assert all(isinstance(r.pieces and r.pieces[0], Spooled) for r in [*first, *second])
    exporter = NQuadsExporter(tmp_path / "out")
    exporter.append(first[0].pieces and first[0].pieces[0])
    exporter.append(first[1].pieces and first[1].pieces[0])
    exporter.append(b"<renamed> <b> <c> <g> .\n")  # made again in the writer: #2 is skipped
    exporter.append(first[3].pieces and first[3].pieces[0])
    exporter.append(second[0].pieces and second[0].pieces[0])
    exporter.sync()
    exporter.close()
    assert (tmp_path / "out" / "articles.nq").read_bytes() == (
        b"<a0> <b> <c> <g> .\n<a1> <b> <c> <g> .\n<renamed> <b> <c> <g> .\n"
        b"<a3> <b> <c> <g> .\n<z> <b> <c> <g> .\n"
    )
    assert not list(spools.iterdir())  # each spool file deleted once copied


def test_a_spool_file_that_cannot_be_written_leaves_the_pieces_to_send(tmp_path: Path) -> None:
    results = [result("a.md", b"<a> <b> <c> <g> .\n")]
    spool_chunk(results, 0, str(tmp_path / "gone"))
    assert results[0].pieces == (b"<a> <b> <c> <g> .\n",)


def test_places_are_copied_by_reading_where_the_kernel_cannot_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refuse)
    spools = tmp_path / "spool"
    spools.mkdir()
    chunk = [result(f"{n}.md", f"<a{n}> <b> <c> <g> .\n".encode()) for n in range(3)]
    spool_chunk(chunk, 0, str(spools))
    exporter = NQuadsExporter(tmp_path / "out")
    exporter.append(b"<first> <b> <c> <g> .\n")
    for done in chunk:
        exporter.append(done.pieces and done.pieces[0])
    exporter.append(b"<last> <b> <c> <g> .\n")
    exporter.close()
    assert (tmp_path / "out" / "articles.nq").read_bytes() == (
        b"<first> <b> <c> <g> .\n<a0> <b> <c> <g> .\n<a1> <b> <c> <g> .\n"
        b"<a2> <b> <c> <g> .\n<last> <b> <c> <g> .\n"
    )


def test_a_spool_folder_left_by_a_killed_writer_goes_with_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    orphan = tmp_path / f"{SPOOL_PREFIX}{gone.stdout.strip()}-abc"
    orphan.mkdir()
    (orphan / "tmp1").write_bytes(b"<a> <b> <c> <g> .\n")
    idle = time.time() - 2 * ORPHAN_IDLE
    os.utime(orphan, (idle, idle))  # killed long ago: nothing made or removed in it since
    living = tmp_path / f"{SPOOL_PREFIX}{os.getpid()}-def"  # this process's: in use
    living.mkdir()
    os.utime(living, (idle, idle))
    # No process here has the id, but spool files come and go in it: another process-id
    # namespace's live run sharing the folder.
    foreign = tmp_path / f"{SPOOL_PREFIX}{gone.stdout.strip()}-ghi"
    foreign.mkdir()
    made = Path(spool_folder())
    assert made.parent == tmp_path and made.name.startswith(f"{SPOOL_PREFIX}{os.getpid()}-")
    assert not orphan.exists()
    assert living.exists()
    assert foreign.exists()
