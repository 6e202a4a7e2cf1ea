"""The Dask engine on a real LocalCluster (2 worker processes): same bytes as the local engine."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.corpus import make_corpus
from extractor.cli import main
from extractor.engines import DaskEngine


def test_dask_local_cluster_reading_a_url_writes_what_the_local_engine_writes(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    make_corpus(folder, 120, per_folder=50)
    (folder / "0001" / "0000077-junk.md").write_bytes(os.urandom(1024) + b"\x00")
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(["extract", str(folder), "-o", str(local), "-j", "1"]) == 1
    # The workers read the posts through fsspec, as they would from an object store.
    url = folder.as_uri()
    assert main(["extract", url, "-o", str(dask), "--engine", "dask", "-j", "2"]) == 1
    for name in ("articles.jsonl", "manifest.jsonl", "articles.nq"):
        if (local / name).exists():
            assert (dask / name).read_bytes() == (local / name).read_bytes(), name
    manifest = [json.loads(line) for line in (dask / "manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == 121
    junk = next(m for m in manifest if m["path"] == "0001/0000077-junk.md")
    assert junk["status"] == "failed" and junk["reason"].startswith("not text")
    assert json.loads((dask / "run.json").read_text())["options"]["engine"] == "dask"


def fails_on_three(items: list[int]) -> list[int]:
    """A task that raises on a worker for one input (importable by the workers)."""
    if items == [3]:
        raise ValueError("three")
    return [items[0] + 1]


def test_a_task_that_raises_on_a_worker_comes_back_as_data() -> None:
    engine = DaskEngine(2, retries=0)
    results = list(engine.map(fails_on_three, [[n] for n in range(6)], lambda t, e: [str(e)]))
    assert results == [[1], [2], [3], ["three"], [5], [6]]
