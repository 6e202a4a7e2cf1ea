"""The fork server's warm start: its invented post and page reach every stage of the extractor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: Run in a process of its own: importing extractor.forkserver arms PR_SET_PDEATHSIG and
#: freezes the collector, which a test process must not take on.
PROBE = """
import json
import extractor.forkserver as server
from extractor.pipeline import extract_article
found = []
for name, text in (("w.md", server.WARM_UP_POST), ("w.html", server.WARM_UP_PAGE)):
    article = extract_article(name, text.encode("utf-8"))
    found.append({
        "groups": [g.label for g in article.measure_groups],
        "items": sum(len(g.items) for g in article.measure_groups),
        "organizations": [o.region is not None for o in article.organizations],
        "authors": len(article.authors),
        "source": article.source is not None,
        "warnings": article.warnings,
    })
print(json.dumps(found))
"""


def test_the_warm_up_articles_reach_every_stage() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    for article in json.loads(done.stdout):
        assert article["groups"] == ["三个保障"]
        assert article["items"] == 3
        assert article["organizations"] and all(article["organizations"])  # a place found
        assert article["authors"] == 2
        assert article["source"]
        assert article["warnings"] == []


#: A script (a file, so that a worker can run it as `__mp_main__` and find `imported`): a pool
#: of the local engine maps `imported` over two tasks, each carrying the batch's real chunk
#: function with the default outputs' preparers, and prints what each worker imported between
#: setting up `__mp_main__` and starting its task (unpickling the function, the worker loop).
WORKER_PROBE = """
import sys

AT_START = frozenset(sys.modules)


def imported(work, task):
    del work, task
    return sorted(set(sys.modules) - AT_START)


if __name__ == "__main__":
    import json
    import tempfile
    from functools import partial
    from pathlib import Path

    from extractor.batch.limits import Limits
    from extractor.batch.run import default_formats, open_exporters
    from extractor.batch.worker import process_chunk
    from extractor.pool import LocalEngine

    exporters = open_exporters(Path(tempfile.mkdtemp()), default_formats())
    work = partial(
        process_chunk,
        preparers=tuple(e.preparer() for e in exporters),
        file_preparers=tuple(e.file_preparer() for e in exporters),
        limits=Limits(),
        worker=True,
    )
    engine = LocalEngine(2, preload="extractor.pipeline")
    found = list(engine.map(partial(imported, work), [0, 1], lambda task, exc: repr(exc)))
    for exporter in exporters:
        exporter.abort()
    print(json.dumps(found))
"""


def test_a_worker_starts_with_what_its_first_task_needs_imported(tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(WORKER_PROBE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout) == [[], []]


def test_the_preload_reads_the_warm_up_post_without_pyyaml() -> None:
    """The warm-up post's front matter is flat, as real posts' are: the server's preload
    does not import PyYAML for it (the flat reading does; PyYAML is for what it leaves)."""
    probe = "import sys, extractor.forkserver; print('yaml' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False"]
