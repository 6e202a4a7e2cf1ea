"""The CLI end to end, in-process through main(argv) and once through the console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from extractor.batch.run import PHASES
from extractor.cli import main
from tests.conftest import CORPUS, REFERENCE, SAMPLES
from tests.fresh import loaded_after


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_extract_samples_writes_one_line_per_post(tmp_path: Path) -> None:
    posts = sorted(p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*.md"))
    assert main(["extract", str(SAMPLES), "-o", str(tmp_path)]) == 0
    articles = read_jsonl(tmp_path / "articles.jsonl")
    assert [a["path"] for a in articles] == posts
    manifest = read_jsonl(tmp_path / "manifest.jsonl")
    assert [m["path"] for m in manifest] == posts
    assert {m["status"] for m in manifest} == {"ok"}
    assert set(manifest[0]) == {
        "path",
        "size",
        "sha256",
        "encoding",
        "status",
        "reason",
        "warnings",
    }
    run = json.loads((tmp_path / "run.json").read_text("utf-8"))
    assert run["counts"] == {"ok": len(posts), "failed": 0, "skipped": 0}
    assert not list(tmp_path.glob("*.part"))
    # where the time went: the phases follow each other and make up the run's seconds
    assert list(run["phases"]) == list(PHASES)
    assert min(run["phases"].values()) >= 0
    assert run["phases"]["extracting"] > 0  # 48 posts: more than one chunk's wait
    assert abs(sum(run["phases"].values()) - run["seconds"]) <= 0.002  # each rounded to 1 ms


def finews_folder(tmp_path: Path) -> Path:
    source = CORPUS / "finews" if (CORPUS / "finews").exists() else SAMPLES
    folder = tmp_path / "in"
    folder.mkdir()
    for post in source.glob("*.md"):
        shutil.copy(post, folder / post.name)
    return folder


def test_a_random_bytes_file_fails_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = finews_folder(tmp_path)
    count = len(list(folder.glob("*.md")))
    (folder / "junk.md").write_bytes(os.urandom(4096) + b"\x00")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "junk.md" in err and "not text" in err
    assert "Traceback" not in err
    assert len(read_jsonl(out / "articles.jsonl")) == count
    manifest = read_jsonl(out / "manifest.jsonl")
    assert len(manifest) == count + 1
    junk = next(m for m in manifest if m["path"] == "junk.md")
    assert junk["status"] == "failed" and str(junk["reason"]).startswith("not text")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert main(["extract"]) == 2
    assert main(["extract", str(tmp_path / "missing")]) == 2
    assert main(["extract", str(REFERENCE), "--format", "docx"]) == 2
    assert main(["no-such-command"]) == 2


def test_help_explains_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--output" in out and "--format" in out and "Example" in out


def test_show_prints_the_record_as_a_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(REFERENCE)]) == 0
    out = capsys.readouterr().out
    for expected in (
        "绥化学院：打好组合拳毕业生就业三连升",
        "2021-12-22T11:16:43+08:00",
        "infoCode=NW",
        "source: 黑龙江日报",
        "organizations",
        "people",
        "measure groups",
        "warnings",
    ):
        assert expected in out


def test_console_script_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("newsfacts")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "extractor.cli"]
    done = subprocess.run(
        [*command, "extract", str(REFERENCE), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(read_jsonl(tmp_path / "articles.jsonl")) == 1


def test_the_console_script_leaves_every_output_complete(tmp_path: Path) -> None:
    """The script skips the interpreter's teardown (os._exit): its outputs must still be
    whole, the same bytes as a run through main(), and its exit status the run's."""
    post = tmp_path / "in" / "post.md"
    post.parent.mkdir()
    shutil.copy(REFERENCE, post)
    (tmp_path / "in" / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n<p>x</p>\n")
    done = subprocess.run(
        [sys.executable, "-m", "newsfacts", "extract", str(post.parent), "-o", str(tmp_path / "a")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # one file failed: status 1 came through
    assert "outputs:" in done.stderr  # the summary, flushed before the exit
    assert main(["extract", str(post.parent), "-o", str(tmp_path / "b")]) == 1
    for name in ("articles.jsonl", "manifest.jsonl", "articles.nq"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    sheets = openpyxl.load_workbook(tmp_path / "a" / "articles.xlsx", read_only=True)
    assert sheets.sheetnames  # a whole workbook (a cut zip would not open)


@pytest.mark.parametrize(
    "command",
    [
        ["extract", str(REFERENCE), "-o", "{out}/one"],  # one file: in this process
        ["extract", str(SAMPLES), "-o", "{out}/many", "-j", "2"],  # a pool of workers
        ["show", str(REFERENCE), "--json"],
        ["formats"],
    ],
    ids=["extract-one", "extract-pool", "show", "formats"],
)
def test_every_command_turns_the_collector_back_on(tmp_path: Path, command: list[str]) -> None:
    """The console script starts the CLI with the cyclic collector off (extractor.script):
    each command turns it on before its work, the one-file run after freezing its set-up."""
    args = [arg.format(out=tmp_path) for arg in command]
    probe = (
        "import gc, sys; gc.disable(); from extractor.cli import main; "
        f"code = main({args!r}); print(code, gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    code, enabled, frozen = done.stdout.splitlines()[-1].split()  # after what the command printed
    assert (code, enabled) == ("0", "True"), done.stderr
    assert frozen == str(command[:2] == ["extract", str(REFERENCE)])  # the run in this process


@pytest.mark.parametrize(("given", "seen"), [(None, "__all__"), ("", ""), ("logfire", "logfire")])
def test_the_console_script_skips_pydantics_plugin_search_unless_told(
    given: str | None, seen: str
) -> None:
    """extractor.script sets PYDANTIC_DISABLE_PLUGINS for the run (its workers inherit it)
    only where the environment does not say: an empty value lets every plugin load."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    probe = (
        "import os, extractor.cli as cli\n"
        "cli.main = lambda: print(repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS'))) or 0\n"
        "from extractor.script import run\n"
        "run()"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == repr(seen)


@pytest.mark.parametrize(("given", "stand_in"), [(None, True), ("", False), ("logfire", False)])
def test_the_console_script_imports_no_plugin_loader_when_every_plugin_is_off(
    tmp_path: Path, given: str | None, stand_in: bool
) -> None:
    """With every pydantic plugin off (the console script's default), a one-file run builds
    its records without importing importlib.metadata (pydantic's loader imports it for an
    entry-point search it then skips); any other value keeps pydantic's own loader."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    args = ["newsfacts", "extract", str(REFERENCE), "-o", str(tmp_path), "-f", "json"]
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(not hasattr(sys.modules['pydantic.plugin._loader'], '__file__'),"
        " 'importlib.metadata' in sys.modules))\n"
        f"sys.argv = {args!r}\n"
        "from extractor.script import run\n"
        "run()"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.split() == [str(stand_in), str(not stand_in)], done.stderr
    assert len((tmp_path / "articles.jsonl").read_text("utf-8").splitlines()) == 1


def test_the_plugin_loader_stand_in_hands_any_other_name_to_pydantics_own() -> None:
    """A pydantic release that asks its loader for more than get_plugins gets the real
    loader's answer (imported then, in the stand-in's place), not an ImportError."""
    probe = (
        "import os, sys\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
        "from extractor.script import PLUGIN_LOADER, no_plugin_loader\n"
        "no_plugin_loader()\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "print(list(get_plugins()), hasattr(sys.modules[PLUGIN_LOADER], '__file__'))\n"
        "from pydantic.plugin._loader import _plugins\n"
        "print(hasattr(sys.modules[PLUGIN_LOADER], '__file__'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "False", "True"]


#: A stand-in for numpy on the path of a probe: importing it says so, and openpyxl's import of
#: it would fail (a RuntimeError, not the ImportError openpyxl expects) if it came then.
FAKE_NUMPY = """
import os
if os.environ.get("FAKE_NUMPY_FATAL"):
    raise RuntimeError("numpy imported while openpyxl was")
print("numpy imported")


def __getattr__(name):  # numpy's scalar types, as openpyxl asks for them
    return type(name, (), {})
"""


def test_the_console_script_writes_a_workbook_without_importing_numpy(tmp_path: Path) -> None:
    """openpyxl imports numpy where it is installed (50-100 ms of a run's start) only to take
    numpy's numbers in cells; the console script's run writes its workbook without it."""
    (tmp_path / "path").mkdir()
    (tmp_path / "path" / "numpy.py").write_text(FAKE_NUMPY, "utf-8")
    out = tmp_path / "out"
    args = ["newsfacts", "extract", str(REFERENCE), "-o", str(out), "-f", "xlsx"]
    probe = f"import sys\nsys.argv = {args!r}\nfrom extractor.script import run\nrun()"
    env = {**os.environ, "FAKE_NUMPY_FATAL": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "path"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "numpy imported" not in done.stdout
    assert (out / "articles.xlsx").stat().st_size > 0


def test_numpy_imports_as_usual_before_and_after_openpyxl_without_it(tmp_path: Path) -> None:
    """Only openpyxl's own module runs with numpy hidden: numpy imports as usual afterwards,
    and where it was imported before, openpyxl gets it (and its number types) as ever."""
    (tmp_path / "numpy.py").write_text(FAKE_NUMPY, "utf-8")
    probe = (
        "import sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "from extractor.script import OpenpyxlWithoutNumpy\n"
        "if sys.argv[1] == 'before':\n"
        "    import numpy\n"
        "sys.meta_path.insert(0, OpenpyxlWithoutNumpy())\n"
        "import exporters.excel\n"
        "import openpyxl.compat.numbers as numbers\n"
        "print('openpyxl', numbers.NUMPY, 'numpy' in sys.modules)\n"
        "import numpy\n"
        "print('finder left', any(isinstance(f, OpenpyxlWithoutNumpy) for f in sys.meta_path))\n"
    )
    for when, seen in (("after", "openpyxl False False"), ("before", "openpyxl True True")):
        done = subprocess.run(
            [sys.executable, "-c", probe, when], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert seen in lines
        assert lines.count("numpy imported") == 1  # after openpyxl, or before it: once
        assert lines[-1] == "finder left False"


@pytest.mark.parametrize(
    ("args", "pool"),
    [
        (["extract", "{file}"], False),  # one file: in the CLI's process
        (["extract", "{dir}"], True),
        (["extract", "{file}", "{file}", "-f", "json"], True),
        (["--lang", "en", "extract", "{dir}", "-j2"], True),
        (["extract", "-o", "{dir}", "{file}", "--overwrite"], False),  # -o's folder: a value
        (["extract", "--output={dir}", "{file}"], False),
        (["extract", "{dir}", "--engine", "serial"], False),
        (["extract", "{dir}", "--engine=dask"], False),
        (["extract", "{dir}", "--help"], False),
        (["extract", "{dir}/missing.md"], False),  # a usage error: the CLI says so
        (["extract", "s3://bucket/archive"], True),
        (["extract", "--", "{file}", "{dir}"], True),
        (["show", "{file}"], False),
        (["--help"], False),
        ([], False),
    ],
)
def test_the_console_script_starts_the_fork_server_first_exactly_where_extract_would(
    tmp_path: Path, args: list[str], pool: bool
) -> None:
    """The console script starts the fork server before importing the CLI where `extract`
    would start it (the local engine, anything but one local file), and nowhere else."""
    from extractor.script import starts_a_pool  # noqa: PLC0415 - the console script's test

    given = [arg.format(file=REFERENCE, dir=tmp_path) for arg in args]
    assert starts_a_pool(given) is pool


def test_the_console_scripts_option_lists_are_the_clis() -> None:
    """The console script reads `extract`'s arguments before click does: it must know which
    options take a value (their value is not a path), as extractor.cli declares them."""
    import click  # noqa: PLC0415

    from extractor import cli  # noqa: PLC0415
    from extractor.script import EXTRACT_VALUE_OPTIONS, GROUP_VALUE_OPTIONS  # noqa: PLC0415

    def valued(command: click.Command) -> set[str]:
        return {
            opt
            for param in command.params
            if isinstance(param, click.Option) and not param.is_flag
            for opt in param.opts
        }

    assert valued(cli.cli) == GROUP_VALUE_OPTIONS
    assert valued(cli.extract) == EXTRACT_VALUE_OPTIONS


def test_an_unwritable_output_folder_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    # /proc does not allow new folders, even for root: the run cannot write its outputs.
    assert main(["extract", str(REFERENCE), "-o", "/proc/newsfacts-out"]) == 3
    err = capsys.readouterr().err
    assert "newsfacts:" in err and "/proc/newsfacts-out" in err
    assert "Traceback" not in err


def test_an_output_that_cannot_be_written_midway_is_one_line(tmp_path: Path) -> None:
    # The log can be written but the workbook cannot: a folder is in the way of its file.
    out = tmp_path / "out"
    (out / "articles.xlsx.part").mkdir(parents=True)
    script = Path(sys.executable).with_name("newsfacts")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "extractor.cli"]
    done = subprocess.run(
        [*command, "extract", str(SAMPLES), "-o", str(out), "-f", "xlsx,nquads"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3  # the run itself failed
    lines = done.stderr.strip().splitlines()
    assert lines == [f"newsfacts: Is a directory: {out / 'articles.xlsx.part'}"], done.stderr
    assert not (out / "articles.nq.part").exists() and not (out / "articles.nq").exists()


def test_a_second_run_into_a_folder_holding_one_is_refused_and_leaves_it_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), "-o", str(out), "-f", "xlsx,csv,nquads"]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert main(["extract", str(REFERENCE), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds a previous run" in err and "--resume" in err and "--overwrite" in err
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_overwrite_leaves_no_output_of_the_old_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), "-o", str(out), "-f", "xlsx,csv,nquads"]) == 0
    (out / "articles.trig.part").write_text("left by a killed run", "utf-8")
    assert main(["extract", str(REFERENCE), "-o", str(out), "-f", "json", "--overwrite"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["articles.jsonl", "manifest.jsonl", "run.json"]
    assert len(read_jsonl(out / "articles.jsonl")) == 1
    assert main(["extract", str(REFERENCE), "-o", str(out), "--overwrite", "--resume"]) == 2


def test_no_input_file_is_a_usage_error_that_names_what_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("正文。", "utf-8")
    assert main(["extract", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no input file" in err and ".md .markdown .html .htm" in err
    assert not (tmp_path / "out").exists()


def test_help_documents_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--help"]) == 0
    out = capsys.readouterr().out
    for code in ("0 ", "1 ", "2 ", "3 ", "130"):
        assert f"  {code}" in out
    readme = (SAMPLES.parent / "README.md").read_text("utf-8")
    for code in ("`0`", "`1`", "`2`", "`3`"):
        assert code in readme


def test_one_file_runs_in_this_process_within_its_time_budget(tmp_path: Path) -> None:
    """No worker for one file: the soft budget (SIGALRM) still ends a file that hangs."""
    script = Path(sys.executable).with_name("newsfacts")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "extractor.cli"]
    env = {**os.environ, "NEWSFACTS_TEST_FAULT": f"hang:{REFERENCE.name}"}
    options = ["-f", "json", "--timeout", "1", "-j", "2"]
    done = subprocess.run(
        [*command, "extract", str(REFERENCE), "-o", str(tmp_path), *options],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    (line,) = read_jsonl(tmp_path / "manifest.jsonl")
    assert line["reason"] == "timed out after 1 s"
    # In this process: no worker whose address space could be bounded.
    assert json.loads((tmp_path / "run.json").read_text("utf-8"))["options"]["max_memory"] == 0


def test_a_run_s_outputs_are_known_without_importing_the_writers(tmp_path: Path) -> None:
    """--overwrite and the refusal of a used folder read the registry's file names, which
    cover every file each writer writes; no writer is imported for them."""
    from exporters import REGISTRY, exporter_class  # noqa: PLC0415
    from extractor.batch.outdir import format_files  # noqa: PLC0415

    for name in REGISTRY:
        listed = format_files([name])
        for written in exporter_class(name).files:
            assert any(written == f or (f.endswith("/") and written.startswith(f)) for f in listed)
    (tmp_path / "articles.jsonl").write_text("", "utf-8")
    folder = f"Path({str(tmp_path)!r})"
    code = (
        "from pathlib import Path; from extractor.batch.outdir import clear_run, run_outputs; "
        f"run_outputs({folder}); clear_run({folder})"
    )
    assert loaded_after(code, ["openpyxl", "rdflib", "jinja2", "exporters.excel"]) == []
    assert not (tmp_path / "articles.jsonl").exists()


def test_a_one_file_run_into_a_log_loads_neither_rich_nor_the_process_pool(tmp_path: Path) -> None:
    """Off a terminal a run's messages are plain lines (extractor.progress.PlainPrinter):
    rich, 15 ms of a one-file run, is for the bar and colours on a terminal; one file runs
    in this process, so the pool's modules (extractor.pool, 12 ms) are not needed; the log
    writes no table, so the tables' columns and rows (exporters.tables, 4 ms) are not either."""
    command = ["extract", str(REFERENCE), "-o", str(tmp_path), "-f", "json"]
    run = f"from extractor.cli import main; main({command!r})"
    pool = ["extractor.pool", "multiprocessing", "concurrent.futures", "ctypes"]
    assert loaded_after(run, ["rich", "exporters.tables", *pool]) == []
    assert (tmp_path / "articles.jsonl").stat().st_size > 0


def test_help_loads_neither_the_extractors_nor_rich() -> None:
    """`newsfacts --help` prints click's text: the stages, the rules, the record models
    (pydantic) and rich's console are imported only by the commands that use them (a fresh
    process's start is most of --help)."""
    probe = (
        "import sys; from extractor.cli import main; code = main(['--help']); "
        "print(sorted(m for m in ('rich', 'extractor.pipeline', 'extractor.regions', "
        "'extractor.view', 'extractor.progress', 'pydantic', 'schemas') if m in sys.modules),"
        " file=sys.stderr); "
        "sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "Usage" in done.stdout
    assert done.stderr.strip() == "[]"


def test_a_run_in_this_process_freezes_the_region_table_before_its_first_article() -> None:
    """One file runs in the CLI process: the region table is built first and frozen, so the
    collections the first article sets off do not walk it (a process of its own: freezing
    is for the rest of a process's life)."""
    probe = (
        "import gc; from extractor import cli, regions; from extractor.batch.limits import Limits;"
        " engine = cli._engine('local', 1, None, Limits(60.0, 0), 1);"
        " print(type(engine).__name__, regions.table.cache_info().currsize, gc.get_freeze_count()"
        " > len(regions.table().by_code))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["SerialEngine", "1", "True"]
