"""The batch runner at scale: path order, -j 1 == -j 2 byte for byte, errors as data, export."""

from __future__ import annotations

import csv
import fcntl
import gc
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import ClassVar

import pytest
from rich.console import Console

from bench.corpus import make_corpus
from exporters import registry
from exporters.base import AtomicFile, Exporter
from exporters.rdf import graph_iri
from extractor.batch import discover, iter_inputs, lost_chunk, process_chunk, run_batch
from extractor.batch.inputs import InputFile, Selection
from extractor.batch.run import _close
from extractor.batch.worker import FileResult
from extractor.cli import main
from extractor.engines import SerialEngine, TaskLost
from extractor.pool import RESULT_PIPE_BYTES, LocalEngine
from extractor.progress import BatchProgress, PlainPrinter, print_summary
from schemas import Article

#: Outputs that must not depend on -j or the engine (the ones registered on this install).
ORDERED_OUTPUTS = ("articles.jsonl", "manifest.jsonl", "articles.nq", "csv/articles.csv")


def outputs(folder: Path) -> dict[str, bytes]:
    """The order-sensitive outputs present in a run's folder."""
    return {
        name: (folder / name).read_bytes() for name in ORDERED_OUTPUTS if (folder / name).exists()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 generated posts in two folders, plus a binary file and an empty one."""
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, 150, per_folder=100)
    (folder / "0000" / "0000050-junk.md").write_bytes(os.urandom(2048) + b"\x00")
    (folder / "0001" / "0000120-empty.md").write_bytes(b"  \n")
    return folder


def test_j1_and_j2_write_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    one, two, serial = tmp_path / "j1", tmp_path / "j2", tmp_path / "serial"
    assert main(["extract", str(corpus), "-o", str(one), "-j", "1"]) == 1  # two bad files
    assert main(["extract", str(corpus), "-o", str(two), "-j", "2"]) == 1
    assert main(["extract", str(corpus), "-o", str(serial), "--engine", "serial"]) == 1
    first, second = outputs(one), outputs(two)
    assert set(first) >= {"articles.jsonl", "manifest.jsonl"}
    assert first == second == outputs(serial)
    manifest = [json.loads(line) for line in first["manifest.jsonl"].splitlines()]
    paths = [m["path"] for m in manifest]
    assert len(paths) == 152 and paths == sorted(paths)
    failed = {m["path"]: m["reason"] for m in manifest if m["status"] == "failed"}
    assert set(failed) == {"0000/0000050-junk.md", "0001/0000120-empty.md"}
    assert failed["0001/0000120-empty.md"] == "empty file"
    articles = first["articles.jsonl"].decode().splitlines()
    assert len(articles) == 150
    assert len({json.loads(a)["id"] for a in articles}) == 150  # generated ids are distinct


def test_default_formats_follow_the_registry(corpus: Path, tmp_path: Path) -> None:
    assert main(["extract", str(corpus / "0001"), "-o", str(tmp_path), "-j", "1"]) == 1
    written = {p.name for p in tmp_path.iterdir()}
    assert {"articles.jsonl", "manifest.jsonl", "run.json"} <= written
    assert ("articles.xlsx" in written) == ("xlsx" in registry.REGISTRY)
    assert ("articles.nq" in written) == ("nquads" in registry.REGISTRY)
    assert not [name for name in written if name.endswith(".part")]


def test_inputs_come_in_full_path_order(tmp_path: Path) -> None:
    # constructed names where per-folder order and full-path order could differ
    for rel in ("a/x.md", "a-b.md", "ab.md", "a/b/c.md", "a/b.md", "Z.html", "a.b/y.htm", "n.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", "utf-8")
    rels = [item.rel for item in iter_inputs([tmp_path])]
    assert rels == sorted(rels)
    assert "n.txt" not in rels and len(rels) == 7


def test_a_file_given_twice_is_taken_once_from_the_first_path(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for rel in ("sub/a.md", "b.md"):
        (tmp_path / rel).write_text("x", "utf-8")
    items = discover([tmp_path / "sub", tmp_path, tmp_path / "b.md"])
    assert [item.rel for item in items] == ["a.md", "b.md"]


def boom(items: list[int]) -> list[int]:
    """A task that fails for odd inputs (module level so worker processes can import it)."""
    if items[0] % 2:
        raise RuntimeError(f"odd {items[0]}")
    return [items[0] * 10]


@pytest.mark.parametrize("engine", [SerialEngine(), LocalEngine(2, tasks_per_child=2)])
def test_a_failing_task_comes_back_as_data_in_order(engine: SerialEngine | LocalEngine) -> None:
    tasks = [[n] for n in range(12)]
    results = list(engine.map(boom, tasks, lambda task, exc: [-task[0]]))
    assert results == [[n * 10] if n % 2 == 0 else [-n] for n in range(12)]


def die_on_five(items: list[int]) -> list[object]:
    """A task that kills its worker process for one input, as a crash in C code would."""
    if items == [5]:
        os._exit(3)
    return [os.getpid()]


def test_a_worker_that_dies_loses_only_its_own_task_and_workers_are_replaced() -> None:
    engine = LocalEngine(2, tasks_per_child=2)
    tasks = [[n] for n in range(12)]

    def again_alone(task: list[int], exc: BaseException) -> list[object]:
        # What the batch does with the tasks of a broken pool: each again, on its own.
        assert isinstance(exc, TaskLost)
        try:
            return engine.alone(die_on_five, task, 30)
        except TaskLost as lost:
            return ["lost", str(lost), lost.exitcode]

    results = list(engine.map(die_on_five, tasks, again_alone))
    assert results[5] == ["lost", "the worker process died on this task (exit status 3)", 3]
    pids = [r[0] for i, r in enumerate(results) if i != 5]
    assert all(isinstance(pid, int) for pid in pids)
    assert len(set(pids)) > 2  # two workers, replaced every 2 tasks each


def test_a_lost_chunk_fails_each_of_its_files(corpus: Path) -> None:
    items = discover([corpus / "0000"])[:3]
    results = lost_chunk(items, TimeoutError("no answer"))
    assert [r.rel for r in results] == [i.rel for i in items]
    assert {r.status for r in results} == {"failed"}
    assert all("worker lost" in str(r.reason) for r in results)
    assert [r.status for r in process_chunk(items)] == ["ok", "ok", "ok"]


def test_the_writer_freezes_what_it_holds_while_a_pool_runs_and_thaws_it_after() -> None:
    # Its collections then walk only what it receives (results), not its imports and outputs.
    engine = LocalEngine(1)
    frozen = [gc.get_freeze_count() > 0 for _ in engine.map(abs, [-1, -2], lambda t, e: 0)]
    assert frozen == [True, True]
    assert gc.get_freeze_count() == 0


@pytest.mark.skipif(sys.platform != "linux", reason="pipe sizes are Linux's")
def test_a_pool_sends_results_back_through_a_pipe_that_holds_a_chunk() -> None:
    pool = LocalEngine(1)._pool(1)
    try:
        reader = pool._result_queue._reader  # type: ignore[attr-defined]
        assert fcntl.fcntl(reader.fileno(), fcntl.F_GETPIPE_SZ) == RESULT_PIPE_BYTES
    finally:
        pool.shutdown()


class IdsExporter(Exporter):
    """A test format: one article id per line, streamed (stands for any registered format)."""

    name: ClassVar[str] = "ids"
    files: ClassVar[tuple[str, ...]] = ("articles.ids",)

    def __init__(self, outdir: Path) -> None:
        super().__init__(outdir)
        self.out = AtomicFile(outdir / self.files[0])

    def write(self, article: Article) -> None:
        self.out.write(f"{article.id}\t{article.path}\n")

    def close(self) -> None:
        self.out.commit()

    def abort(self) -> None:
        self.out.discard()


class BrokenIdsExporter(IdsExporter):
    """The test format, whose file cannot be put on disk (a full disk, say)."""

    files: ClassVar[tuple[str, ...]] = ("broken.ids",)

    def sync(self) -> None:
        raise OSError(28, "No space left on device")


def test_a_sync_that_fails_in_its_thread_fails_the_close_in_order(tmp_path: Path) -> None:
    first, broken, last = (
        IdsExporter(tmp_path),
        BrokenIdsExporter(tmp_path),
        IdsExporter(tmp_path / "b"),
    )
    for exporter in (first, broken, last):
        exporter.out.write("id\tpath\n")
    with pytest.raises(OSError, match="No space left"):
        _close([first, broken, last])
    # The one closed before is in place, whole; the broken one and the one after are dropped.
    assert (tmp_path / "articles.ids").read_text("utf-8") == "id\tpath\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["articles.ids", "b"]


@pytest.fixture
def ids_format(monkeypatch: pytest.MonkeyPatch) -> str:
    """Register the test format for one test."""
    entry = registry.Entry("ids", f"{__name__}:IdsExporter", (), "articles.ids", "test")
    monkeypatch.setitem(registry.REGISTRY, "ids", entry)
    monkeypatch.setitem(registry.ALIASES, "ids", "ids")
    return "ids"


def test_export_rebuilds_a_format_from_the_log(
    corpus: Path, tmp_path: Path, ids_format: str
) -> None:
    live, rebuilt = tmp_path / "live", tmp_path / "rebuilt"
    assert main(["extract", str(corpus), "-o", str(live), "-j", "1", "-f", ids_format]) == 1
    expected = (live / "articles.ids").read_text("utf-8")
    assert len(expected.splitlines()) == 150
    log = live / "articles.jsonl"
    assert main(["export", str(log), "--format", ids_format, "-o", str(rebuilt)]) == 0
    assert (rebuilt / "articles.ids").read_text("utf-8") == expected
    assert main(["export", str(log), "--format", "json"]) == 2  # the log is not rebuilt


def test_export_names_a_bad_line(tmp_path: Path, ids_format: str) -> None:
    log = tmp_path / "articles.jsonl"
    log.write_text('{"id": "x"}\n', "utf-8")
    assert main(["export", str(log), "--format", ids_format]) == 3
    assert not (tmp_path / "articles.ids").exists()
    assert not (tmp_path / "articles.ids.part").exists()


def test_a_url_input_gives_the_records_of_the_local_folder(corpus: Path, tmp_path: Path) -> None:
    local, remote = tmp_path / "local", tmp_path / "url"
    assert main(["extract", str(corpus / "0000"), "-o", str(local), "-j", "1"]) == 1
    url = (corpus / "0000").as_uri()  # file://…: the fsspec code path of s3:// or gs://
    assert main(["extract", url, "-o", str(remote), "-j", "1"]) == 1
    assert outputs(remote) == outputs(local)
    assert main(["extract", url + "/missing", "-o", str(tmp_path / "missing")]) == 2


@pytest.mark.parametrize("rich_console", [False, True], ids=["plain", "rich"])
def test_progress_prints_plain_lines_and_a_summary_when_not_a_terminal(
    corpus: Path, tmp_path: Path, rich_console: bool
) -> None:
    """The same lines from the printer the CLI uses off a terminal and from rich's console."""
    stream = io.StringIO()
    console = (
        Console(file=stream, force_terminal=False, width=200)
        if rich_console
        else PlainPrinter(stream)
    )
    items = discover([corpus])
    with BatchProgress(len(items), console, plain_every=0.0) as progress:
        summary = run_batch(items, tmp_path, (), on_result=progress.update)
    print_summary(summary, console)
    text = stream.getvalue()
    assert "152/152 files (100%)" in text and "files/s, ETA 0:00:00, 2 failed" in text
    assert "failed 0000/0000050-junk.md: not text" in text
    assert "152 files: 150 ok, 2 failed, 0 skipped" in text
    assert f"outputs: {tmp_path / 'articles.jsonl'}" in text


@pytest.mark.parametrize("terminal", [False, True], ids=["plain", "terminal"])
def test_a_failed_file_s_name_is_printed_as_it_is_never_read_as_markup(terminal: bool) -> None:
    stream = io.StringIO()
    console = (
        Console(file=stream, force_terminal=True, width=300) if terminal else PlainPrinter(stream)
    )
    named = "invented/[bold]odd[/bold] name.md"
    failed = FileResult(named, 3, "0" * 64, None, "failed", reason="not text [x]")
    BatchProgress(1, console).update(failed)
    shown = re.sub(r"\x1b\[[0-9;]*m", "", stream.getvalue())  # the terminal's colour codes
    assert shown == f"failed {named}: not text [x]\n"


def test_store_option_loads_each_article_graph_once(corpus: Path, tmp_path: Path) -> None:
    from exporters.store import store_counts  # noqa: PLC0415 - needs the RDF exporters

    out, store = tmp_path / "out", tmp_path / "kg"
    command = ["extract", str(corpus / "0001"), "-o", str(out), "-f", "json", "--store", str(store)]
    assert main([*command, "-j", "1"]) == 1  # the empty file
    assert (out / "articles.nq").exists()  # written for the store though -f json
    articles = len((out / "articles.jsonl").read_text("utf-8").splitlines())
    quads, graphs = store_counts(store)
    assert articles == 50 and graphs == articles and quads > 0
    assert main([*command, "--resume"]) == 1  # loading again replaces, never duplicates
    assert store_counts(store) == (quads, graphs)


def graphs_of(nquads: str) -> set[str]:
    """The named graphs of an N-Quads text (the last term of each line)."""
    return {line.rsplit(" ", 2)[-2] for line in nquads.splitlines() if line.strip()}


#: A path longer than Linux allows (PATH_MAX is 4096 bytes): 22 folders of 200 characters.
DEEP_LEVELS, DEEP_NAME = 22, "d" * 200


def make_deep_post(root: Path, text: bytes) -> None:
    """A post at the bottom of folders nested past PATH_MAX (made relative to each folder)."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(DEEP_LEVELS):
            os.mkdir(DEEP_NAME, dir_fd=fd)
            inner = os.open(DEEP_NAME, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        post = os.open("post.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(post, text)
        os.close(post)
    finally:
        os.close(fd)


def odd_folder(folder: Path) -> list[bytes]:
    """10 good posts, one under a name that is not UTF-8, an over-long path, a FIFO, a
    symlink loop and a dangling link; returns the good posts' bytes."""
    samples = sorted(Path(__file__).parent.parent.joinpath("samples").glob("*.md"))[:11]
    folder.mkdir()
    for post in samples[:10]:
        (folder / post.name).write_bytes(post.read_bytes())
    # The OS's bytes, as Python carries them: \xff\xfe are not UTF-8 (surrogate escapes).
    (folder / os.fsdecode(b"\xff\xfe-gbk-name.md")).write_bytes(samples[10].read_bytes())
    make_deep_post(folder, samples[0].read_bytes())
    os.mkfifo(folder / "pipe.md")
    (folder / "loop.md").symlink_to("loop.md")
    (folder / "gone.md").symlink_to("nowhere.md")
    return [p.read_bytes() for p in samples]


def test_any_file_name_any_folder_gets_its_line_and_nothing_aborts(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    odd_folder(folder)
    assert main(["extract", str(folder), "-o", str(out), "-j", "2"]) == 1  # the long path
    manifest = [
        json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()
    ]
    by_path = {m["path"]: m for m in manifest}
    assert len(manifest) == 15 == len(by_path)
    assert by_path["\\xff\\xfe-gbk-name.md"]["status"] == "ok"
    assert by_path["pipe.md"] == {
        **by_path["pipe.md"],
        "status": "skipped",
        "reason": "not a regular file: FIFO",
    }
    assert (
        by_path["loop.md"]["status"] == "skipped" and by_path["loop.md"]["reason"] == "symlink loop"
    )
    assert by_path["gone.md"]["reason"] == "dangling link"
    long = [m for m in manifest if m["path"].startswith(DEEP_NAME)]
    assert len(long) == 1 and long[0]["status"] == "failed"
    assert long[0]["reason"] == "unreadable: File name too long"
    records = [
        json.loads(line) for line in (out / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(records) == 11
    assert "\\xff\\xfe-gbk-name.md" in {r["path"] for r in records}
    if (out / "articles.nq").exists():  # valid UTF-8, one graph per record
        assert len(graphs_of((out / "articles.nq").read_bytes().decode("utf-8"))) == 11


def test_resume_after_kill_9_in_an_odd_folder_gives_the_same_bytes(tmp_path: Path) -> None:
    import signal  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import time  # noqa: PLC0415

    folder, reference, out = tmp_path / "in", tmp_path / "reference", tmp_path / "out"
    odd_folder(folder)
    assert main(["extract", str(folder), "-o", str(reference), "-j", "1"]) == 1
    expected = reference.joinpath("manifest.jsonl").read_text("utf-8").splitlines()
    # Kill -9 while a late file hangs (the test-only hook), with most lines written (the
    # serial engine writes each record as it is done).
    oks = [i for i, line in enumerate(expected) if json.loads(line)["status"] == "ok"]
    late_index = oks[-2]
    late = json.loads(expected[late_index])["path"]
    script = Path(sys.executable).with_name("newsfacts")
    env = {**os.environ, "NEWSFACTS_TEST_FAULT": f"hang:{late}"}
    run = subprocess.Popen(
        [str(script), "extract", str(folder), "-o", str(out), "--engine", "serial"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    manifest = out / "manifest.jsonl"
    while time.monotonic() < deadline and (
        not manifest.exists() or manifest.read_bytes().count(b"\n") < late_index
    ):
        time.sleep(0.05)
    assert run.poll() is None
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert main(["extract", str(folder), "-o", str(out), "-j", "1", "--resume"]) == 1
    for name in ("articles.jsonl", "manifest.jsonl", "articles.nq"):
        if (reference / name).exists():
            assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert json.loads((out / "run.json").read_text("utf-8"))["reused"] == late_index


def test_two_files_with_one_id_keep_both_records_each_with_its_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    reference = Path(__file__).parent.parent / "samples" / "2021-12-22-NW202112222222391066.md"
    (folder / "a.md").write_bytes(reference.read_bytes())
    (folder / "b").mkdir()
    (folder / "b" / "copy.md").write_bytes(reference.read_bytes())  # same URL: same id
    assert main(["extract", str(folder), "-o", str(out), "-f", "nquads", "-j", "1"]) == 0
    records = [
        json.loads(line) for line in (out / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    assert [r["path"] for r in records] == ["a.md", "b/copy.md"]
    first, second = records
    assert first["id"] == "NW202112222222391066" and first["warnings"] == []
    assert second["id"].startswith("NW202112222222391066-") and second["id"] != first["id"]
    assert second["warnings"] == ["duplicate id of a.md"]
    manifest = [
        json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()
    ]
    assert manifest[1]["warnings"] == ["duplicate id of a.md"]
    assert len(graphs_of((out / "articles.nq").read_text("utf-8"))) == 2
    assert "1 with an id an earlier file had" in capsys.readouterr().err
    assert json.loads((out / "run.json").read_text("utf-8"))["duplicate_ids"] == 1
    # -j 2 decides the same way: in path order, whatever finishes first.
    again = tmp_path / "j2"
    assert main(["extract", str(folder), "-o", str(again), "-f", "nquads", "-j", "2"]) == 0
    for name in ("articles.jsonl", "manifest.jsonl", "articles.nq"):
        assert (again / name).read_bytes() == (out / name).read_bytes()


def test_resume_decides_duplicate_ids_as_a_fresh_run_does(tmp_path: Path) -> None:
    folder, out, fresh = tmp_path / "in", tmp_path / "out", tmp_path / "fresh"
    folder.mkdir()
    reference = Path(__file__).parent.parent / "samples" / "2021-12-22-NW202112222222391066.md"
    for name in ("b.md", "c.md"):
        (folder / name).write_bytes(reference.read_bytes())
    assert main(["extract", str(folder), "-o", str(out), "-f", "json"]) == 0
    (folder / "b.md").unlink()  # c.md is now the first with the id ...
    (folder / "a.md").write_bytes(reference.read_bytes())  # ... until a.md comes before it
    (folder / "d.md").write_bytes(reference.read_bytes())
    assert main(["extract", str(folder), "-o", str(out), "-f", "json", "--resume"]) == 0
    assert main(["extract", str(folder), "-o", str(fresh), "-f", "json"]) == 0
    for name in ("articles.jsonl", "manifest.jsonl"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    ids = [
        json.loads(line)["id"] for line in (out / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(set(ids)) == 3 and ids[0] == "NW202112222222391066"


def test_hidden_folders_tool_caches_and_readmes_are_not_inputs_by_default(tmp_path: Path) -> None:
    for rel in (
        "a.md",
        "README.md",
        ".git/x.md",
        ".pytest_cache/README.md",
        "node_modules/pkg/readme.md",
        "sub/.#lock.md",
        "sub/b.html",
        "sub/notes.txt",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", "utf-8")
    assert [i.rel for i in iter_inputs([tmp_path])] == ["a.md", "sub/b.html"]
    everything = Selection(default_excludes=False)
    assert [i.rel for i in iter_inputs([tmp_path], selection=everything)] == [
        ".git/x.md",
        ".pytest_cache/README.md",
        "README.md",
        "a.md",
        "node_modules/pkg/readme.md",
        "sub/.#lock.md",
        "sub/b.html",
    ]
    # a file named on the command line is taken, whatever the excludes say
    assert [i.rel for i in iter_inputs([tmp_path / "README.md"])] == ["README.md"]
    assert list(iter_inputs([tmp_path / "sub" / "notes.txt"])) == []


def test_include_and_exclude_globs_choose_the_inputs(tmp_path: Path) -> None:
    for rel in ("2020/a.md", "2021/b.md", "2021/drafts/c.md", "2021/d.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", "utf-8")

    def chosen(include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[str]:
        selection = Selection(include=include, exclude=exclude)
        return [i.rel for i in iter_inputs([tmp_path], selection=selection)]

    assert chosen(include=("2021/*",)) == ["2021/b.md", "2021/d.html", "2021/drafts/c.md"]
    assert chosen(include=("*.md",), exclude=("drafts",)) == ["2020/a.md", "2021/b.md"]
    assert chosen(exclude=("2020", "*.html")) == ["2021/b.md", "2021/drafts/c.md"]
    assert main(["extract", str(tmp_path), "-o", str(tmp_path / "o"), "--include", "*.pdf"]) == 2


def test_show_and_extract_agree_on_txt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = Path(__file__).parent.parent / "samples" / "2021-12-22-NW202112222222391066.md"
    text = tmp_path / "post.txt"
    text.write_bytes(post.read_bytes())
    assert main(["show", str(text)]) == 2
    assert main(["extract", str(text), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count(".md .markdown .html .htm") == 2


def test_the_output_folder_under_an_input_folder_is_not_read(tmp_path: Path) -> None:
    post = Path(__file__).parent.parent / "samples" / "2021-12-22-NW202112222222391066.md"
    (tmp_path / "a.md").write_bytes(post.read_bytes())
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path), "-o", str(out), "-f", "json"]) == 0
    (out / "page.html").write_text("<h1>a page the run wrote</h1><p>正文。</p>", "utf-8")
    assert main(["extract", str(tmp_path), "-o", str(out), "-f", "json", "--resume"]) == 0
    paths = [json.loads(line)["path"] for line in (out / "manifest.jsonl").read_text().splitlines()]
    assert paths == ["a.md"]


def test_a_record_that_cannot_be_serialised_fails_alone(corpus: Path) -> None:
    # A caller's InputFile whose rel holds a lone surrogate (an undecoded byte): the record's
    # path cannot be written as UTF-8 JSON. That file fails; its chunk does not.
    good = discover([corpus / "0000"])[:2]
    odd = InputFile(good[0].path, "\udcff-odd.md")
    results = process_chunk([good[0], odd, good[1]])
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert str(results[1].reason).startswith("internal error: PydanticSerializationError")
    assert results[0].line is not None and results[2].line is not None
    json.loads(results[1].manifest_line().encode("utf-8"))  # its manifest line is UTF-8


def test_workers_pieces_give_the_files_one_process_writes(tmp_path: Path) -> None:
    # The run's formats come from pieces made in the workers; `export` rebuilds them from the
    # log with each exporter's own `write`, in one process: both must give the same files.
    folder, run, rebuilt = tmp_path / "in", tmp_path / "run", tmp_path / "rebuilt"
    make_corpus(folder, 40)
    formats = "nquads,csv,xlsx,html"
    assert main(["extract", str(folder), "-o", str(run), "-f", formats, "-j", "2"]) == 0
    assert main(["export", str(run / "articles.jsonl"), "-o", str(rebuilt), "-f", formats]) == 0
    names = ["articles.nq", *(f"csv/{p.name}" for p in sorted((run / "csv").iterdir()))]
    for name in names:
        assert (run / name).read_bytes() == (rebuilt / name).read_bytes(), name
    pages = sorted(p.relative_to(run).as_posix() for p in (run / "report").rglob("*.html"))
    assert pages and pages == sorted(
        p.relative_to(rebuilt).as_posix() for p in (rebuilt / "report").rglob("*.html")
    )
    for page in pages:
        if page.startswith("report/articles/"):
            assert (run / page).read_bytes() == (rebuilt / page).read_bytes(), page
    assert sheets_of(run / "articles.xlsx") == sheets_of(rebuilt / "articles.xlsx")


def sheets_of(path: Path) -> dict[str, list[list[object]]]:
    """Every data sheet's cell values (the Files sheet needs a manifest: left out)."""
    import openpyxl  # noqa: PLC0415 - only these tests read workbooks

    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
        if sheet.title not in {"文件", "概览"}
    }


def test_a_renamed_record_is_rendered_again_under_its_new_id(tmp_path: Path) -> None:
    # Its pieces were made in a worker under the id it had; the writer renames it and must
    # render every format again under the new id.
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    reference = Path(__file__).parent.parent / "samples" / "2021-12-22-NW202112222222391066.md"
    (folder / "a.md").write_bytes(reference.read_bytes())
    (folder / "b.md").write_bytes(reference.read_bytes())
    assert main(["extract", str(folder), "-o", str(out), "-f", "nquads,csv,xlsx", "-j", "2"]) == 0
    ids = [
        json.loads(line)["id"] for line in (out / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    assert ids[0] != ids[1] and ids[1].startswith(ids[0])
    nquads = (out / "articles.nq").read_text("utf-8")
    assert all(f"<{graph_iri(i)}>" in nquads for i in ids)
    with (out / "csv" / "articles.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [row[0] for row in list(csv.reader(handle))[1:]] == ids
    assert "duplicate id of a.md" in (out / "csv" / "warnings.csv").read_text("utf-8-sig")
    sheets = sheets_of(out / "articles.xlsx")
    assert [row[0] for row in sheets["文章"][1:]] == ids
    assert any(ids[1] == row[0] and "duplicate id" in str(row[4]) for row in sheets["警告"][1:])


def test_a_worker_unpickling_the_preparers_does_not_import_openpyxl(tmp_path: Path) -> None:
    # Workers are replaced as a run goes: each would pay openpyxl's import for nothing.
    import pickle  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from extractor.batch.run import open_exporters  # noqa: PLC0415

    exporters = open_exporters(tmp_path, ["xlsx", "nquads", "csv"])
    sent = pickle.dumps(tuple(exporter.preparer() for exporter in exporters))
    for exporter in exporters:
        exporter.abort()
    check = (
        "import pickle, sys; pickle.loads(sys.stdin.buffer.read()); "
        "print('openpyxl' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], input=sent, capture_output=True, check=True
    )
    assert done.stdout.strip() == b"False"
