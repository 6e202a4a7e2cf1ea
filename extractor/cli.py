"""The command line: a thin layer over extractor.batch, the pipeline and the exporters."""

from __future__ import annotations

import atexit
import gc
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from exporters import REGISTRY, UnknownFormatError, known_formats, resolve
from exporters.lang import DEFAULT_LANG, LANG_ENV, LANGS
from extractor import __version__, build
from extractor.batch import (
    ARTICLES,
    DEFAULT_MAX_BYTES,
    INPUT_SUFFIXES,
    MANIFEST,
    ResumeError,
    count_inputs,
    default_formats,
    export_log,
    iter_inputs,
    run_batch,
)
from extractor.batch.inputs import DEFAULT_EXCLUDES, Selection
from extractor.batch.limits import DEFAULT_TIMEOUT_S, Limits, default_max_memory, parse_size
from extractor.batch.outdir import clear_other_formats, clear_run, run_outputs
from extractor.batch.run import chunk_timeout
from extractor.engines import (
    ENGINES,
    Engine,
    SerialEngine,
    cpu_count,
    make_engine,
)
from extractor.errors import InputError
from extractor.remote import MissingExtraError, is_url
from extractor.script import WORKER_PRELOAD

if TYPE_CHECKING:
    from rich.table import Table

    from extractor.evaluate import Report
    from extractor.progress import Printer

#: extract's exit status: every file read / some failed / usage / the run itself failed.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_RUN_FAILED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it
EXIT_TERMINATED = 143  # 128 + SIGTERM


#: At exit the interpreter's last collections walk every object still alive (the region
#: table, the rules, the models): 0.1-0.15 s of a one-file run. Frozen first, they are only
#: freed, not walked; registered at import, this runs after every later exit handler.
atexit.register(gc.freeze)


class RunFailed(click.ClickException):
    """The run itself could not go on (exit status 3): its log, an output, an engine."""

    exit_code = EXIT_RUN_FAILED


F = TypeVar("F", bound=Callable[..., Any])


def store_option(purpose: str) -> Callable[[F], F]:
    """`--store DIR`, the embedded Oxigraph store: one definition for every command."""
    return click.option(
        "--store",
        "store_dir",
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help=purpose,
    )


def endpoint_option(purpose: str) -> Callable[[F], F]:
    """`--endpoint URL`, a SPARQL 1.1 server: one definition for every command."""
    return click.option("--endpoint", metavar="URL", help=purpose)


def _format_help() -> str:
    rows = "\n".join(f"  {e.name:<8} -> {e.files}: {e.description}" for e in REGISTRY.values())
    return f"Extra output formats, comma-separated. Known: {known_formats()}.\n\n{rows}"


def _parse_formats(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str]:
    del ctx, param
    names = [v for v in (value or "").split(",") if v.strip()]
    try:
        return [resolve(n) for n in names]
    except UnknownFormatError as exc:
        raise click.BadParameter(str(exc)) from exc


def _parse_formats_or_default(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> list[str]:
    return default_formats() if value is None else _parse_formats(ctx, param, value)


def _parse_memory(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    del ctx, param
    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(f"not a size: {value} (e.g. 2G, 512M, 0)") from exc


def _input_paths(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> list[Path | str]:
    """Local paths (which must exist) and fsspec URLs (s3://…), as given."""
    del ctx, param
    for given in value:
        if not is_url(given) and not Path(given).exists():
            raise click.BadParameter(f"no such file or folder: {given}")
    return [given if is_url(given) else Path(given) for given in value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(
    __version__, prog_name="newsfacts", message=f"%(prog)s %(version)s ({build()})"
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help=f"Language of the workbook's and CSV files' headers and sheet names (default: "
    f"${LANG_ENV}, else {DEFAULT_LANG}). Give it before the command: newsfacts --lang en extract …",
)
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """newsfacts: Chinese news articles -> typed, traceable facts.

    \b
    Examples:
      newsfacts extract samples -o out          # every post under samples/ -> out/articles.jsonl
      newsfacts show samples/2021-12-22-NW202112222222391066.md
      newsfacts --lang en extract samples -o out --format xlsx   # English headers
    """
    if ctx.invoked_subcommand not in SET_UP_FIRST:
        collect_again()
    if lang is not None:
        # The exporters read it when they open (however a command builds them); put back
        # when the command ends, so main() called twice in one process starts afresh.
        before = os.environ.get(LANG_ENV)
        os.environ[LANG_ENV] = lang
        ctx.call_on_close(partial(_restore_env, LANG_ENV, before))


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@cli.command()
@click.argument("paths", nargs=-1, required=True, callback=_input_paths)
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder for articles.jsonl, manifest.jsonl, run.json and the formats.",
)
@click.option(
    "-f",
    "--format",
    "formats",
    callback=_parse_formats_or_default,
    default=None,
    help="Output formats besides articles.jsonl, comma-separated (e.g. --format xlsx,rdf); "
    "default: xlsx and nquads where installed; --format json writes only the log. "
    "See `newsfacts formats`.",
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Only files matching GLOB (repeatable), against the path relative to the folder "
    "given or the file name: --include '2021/*' --include '*-NW*.md'.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out files and folders matching GLOB (repeatable): --exclude drafts.",
)
@click.option(
    "--no-default-excludes",
    "no_default_excludes",
    is_flag=True,
    help=f"Also read what is left out by default: {' '.join(DEFAULT_EXCLUDES)} (hidden "
    "files and folders such as .git and .pytest_cache, tool caches, READMEs).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Files larger than this fail with `too large` without being read.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=cpu_count,
    show_default="all cores",
    help="Worker processes (local engine) or LocalCluster workers (dask engine). A single "
    "input file runs in this process, as with --engine serial: no worker to start.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT_S,
    show_default=True,
    metavar="SECONDS",
    help="Time budget of one file: past it the file fails with `timed out after N s`, its "
    "worker is replaced when it does not stop by itself, and the run goes on. 0: no limit.",
)
@click.option(
    "--max-memory",
    callback=_parse_memory,
    default=None,
    metavar="SIZE",
    show_default="80% of this machine's memory / -j",
    help="Address space of each worker process (2G, 512M, …; 0: no bound): a file that "
    "needs more fails with `too much memory`.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Finish the run in OUTDIR: keep the records already in its log (same path and "
    "sha256), extract the rest, rebuild the formats.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace the run in OUTDIR: every output of it is removed first (formats not asked "
    "for now included). Without --resume or --overwrite, a folder holding a run is refused.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local: a process pool of -j workers on this machine; dask: Dask distributed (pip "
    "install 'newsfacts[dask]'); serial: in this process, one file after the other (for a "
    "debugger or a profiler: no worker to end, so only work that returns to Python is "
    "stopped by --timeout, and --max-memory does not apply).",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="With --engine dask: a running Dask scheduler (default: start a LocalCluster).",
)
@store_option(
    "Also load the RDF (articles.nq, written for it) into the embedded Oxigraph store "
    "at DIR; each article's graph replaces the one loaded before."
)
@click.option("--debug", is_flag=True, help="Show the Python traceback of internal errors.")
def extract(  # noqa: PLR0917 - click passes each option as an argument
    paths: list[Path | str],
    outdir: Path,
    formats: list[str],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    no_default_excludes: bool,
    max_bytes: int,
    timeout: float,
    max_memory: int | None,
    jobs: int,
    resume: bool,
    overwrite: bool,
    engine: str,
    scheduler: str | None,
    store_dir: Path | None,
    debug: bool,
) -> None:
    """Extract every post (.md .markdown .html .htm) under PATHS into OUTDIR.

    Hidden files and folders (.git, .pytest_cache, …), node_modules, __pycache__ and
    README.md are left out unless --no-default-excludes; --include/--exclude narrow
    further. Other extensions (.txt included) are not read, here or by `show`.

    PATHS are files or folders (searched recursively), or fsspec URLs of a store
    (s3://bucket/archive, needs fsspec and the store's package). Records keep their path
    relative to the folder given, in path order whatever -j is. Every file gets a
    manifest line: ok, failed with its reason, or skipped (not a regular file).
    articles.jsonl and manifest.jsonl are written as files finish: after Ctrl-C or a
    kill, --resume finishes the run. A folder holding a run is never overwritten
    without --overwrite.

    \b
    Exit status:
      0    every file was read
      1    some files failed (each named on stderr; all others are written)
      2    usage error (a bad option, no input file found, a folder holding a run)
      3    the run itself failed (an output cannot be written, a log cannot be resumed)
      130  interrupted (Ctrl-C; 143 for SIGTERM): --resume finishes it

    \b
    Examples:
      newsfacts extract samples -o out --format xlsx
      newsfacts extract archive/ -o out -j 8 --resume
      newsfacts extract archive/ -o out --store out/kg
      newsfacts extract s3://bucket/archive -o out --engine dask --scheduler tcp://host:8786
    """
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if engine == "serial" and jobs != 1:
        jobs = 1  # one process: -j does not apply
    _check_outdir(outdir, resume=resume, overwrite=overwrite)
    if engine == "local" and not _one_file(paths):
        from extractor.pool import start_fork_server  # noqa: PLC0415 - runs of many files

        # Now, not once the inputs are counted: its preload (0.3 s) runs beside what follows.
        start_fork_server(WORKER_PRELOAD)
    if store_dir is not None and "nquads" not in formats:
        formats = [*formats, "nquads"]
    # rich only on a terminal: neither `newsfacts --help` nor a run into a log loads it.
    from extractor.progress import BatchProgress, print_summary, stderr_printer  # noqa: PLC0415

    err = stderr_printer()
    limits = Limits(timeout, default_max_memory(jobs) if max_memory is None else max_memory)
    selection = Selection(
        INPUT_SUFFIXES, include, exclude, not no_default_excludes, (str(outdir.resolve()),)
    )
    total = _count(paths, selection)
    runner = _engine(engine, jobs, scheduler, limits, total)
    options = {
        "formats": formats,
        "max_bytes": max_bytes,
        "timeout": timeout,
        "max_memory": 0 if runner.in_process else limits.max_memory,
        "paths": [str(p) for p in paths],
        "include": list(include),
        "exclude": list(exclude),
        "default_excludes": not no_default_excludes,
        "jobs": jobs,
        "engine": engine,
        "scheduler": scheduler,
        "resume": resume,
        "store": str(store_dir) if store_dir else None,
    }
    if overwrite:
        clear_run(outdir)
    elif resume:
        clear_other_formats(outdir, formats)
    progress = BatchProgress(total, err, debug=debug)
    stopped = _stop_on_sigterm()
    try:
        with progress:
            summary = run_batch(
                iter_inputs(paths, selection=selection),
                outdir,
                formats,
                max_bytes=max_bytes,
                options=options,
                on_result=progress.update,
                engine=runner,
                resume=resume,
                limits=limits,
            )
    except (ResumeError, MissingExtraError) as exc:
        raise RunFailed(str(exc)) from exc
    except KeyboardInterrupt:
        err.print(
            f"interrupted after {progress.done} files; the log in {outdir} keeps them: "
            "run the same command with --resume to finish"
        )
        raise SystemExit(EXIT_TERMINATED if stopped else EXIT_INTERRUPTED) from None
    print_summary(summary, err)
    if store_dir is not None:
        _load_run_into_store(outdir, store_dir, err)
    if summary.failed:
        raise SystemExit(EXIT_FAILED)


def _count(paths: list[Path | str], selection: Selection) -> int:
    """The number of input files; none is a usage error."""
    try:
        total = count_inputs(paths, selection=selection)
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc
    except MissingExtraError as exc:
        raise RunFailed(str(exc)) from exc
    if total == 0:
        raise click.UsageError(
            f"no input file under {', '.join(map(str, paths))}: newsfacts reads "
            f"{' '.join(INPUT_SUFFIXES)} files (not {' '.join(DEFAULT_EXCLUDES)} unless "
            "--no-default-excludes; see --include/--exclude)"
        )
    return total


def _one_file(paths: list[Path | str]) -> bool:
    """True when the run reads one local file (which runs in this process: see `_engine`)."""
    return len(paths) == 1 and isinstance(paths[0], Path) and paths[0].is_file()


def _engine(engine: str, jobs: int, scheduler: str | None, limits: Limits, total: int) -> Engine:
    """The engine of the run; one file with the local engine runs in this process.

    Starting the fork server and a worker (each importing the extractor) costs more than
    one file; the file keeps its time budget (a SIGALRM, as with --engine serial), but no
    worker can be ended or bounded in memory for it.
    """
    if engine == "serial" or (engine == "local" and total == 1):
        return _in_process()
    collect_again()
    return make_engine(
        engine,
        jobs,
        scheduler=scheduler,
        preload=WORKER_PRELOAD,
        task_timeout=chunk_timeout(limits),
    )


def _in_process() -> Engine:
    """The serial engine, with the extractor imported and the region table built now, then
    frozen with all imported so far: the collections the first article sets off (some of
    them full) then walk none of its 84,000 objects (more than all the imports hold), 0.02 s
    of a one-file run. The fork server does the same for its workers."""
    import extractor.pipeline  # noqa: PLC0415, F401 - what the first file needs, imported now
    from extractor import regions  # noqa: PLC0415 - only a run that extracts here needs it

    regions.table()
    gc.freeze()
    collect_again()
    return SerialEngine()


#: The commands that turn the collector back on themselves, once their set-up is done:
#: extract when its engine is ready (in this process: the extractor imported, the region
#: table built and frozen), show once its one article is read. Every other command does
#: before its work (the group's callback).
SET_UP_FIRST = frozenset({"extract", "show"})


def collect_again() -> None:
    """Turn the cyclic garbage collector back on: extractor.script starts the command line
    with it off for the set-up (imports, rules, the region table: no garbage, only objects
    the collector would walk again and again); a run's own cycles are collected as usual.
    Called by each command before its work, so it is on whichever way main() was called."""
    gc.enable()


def _check_outdir(outdir: Path, *, resume: bool, overwrite: bool) -> None:
    """A folder holds one run: finish it (--resume), replace it (--overwrite), or refuse."""
    if resume and overwrite:
        raise click.UsageError(
            "--resume finishes the run in OUTDIR, --overwrite replaces it: choose one"
        )
    if resume:
        if not (outdir / MANIFEST).exists():
            raise click.UsageError(f"nothing to resume: no {outdir / MANIFEST}")
        return
    found = run_outputs(outdir)
    if found and not overwrite:
        names = ", ".join(path.name for path in found[:4]) + (", …" if len(found) > 4 else "")
        raise click.UsageError(
            f"{outdir} holds a previous run ({names}); it is left as it is. Use --resume to "
            "finish it, --overwrite to replace it, or another -o folder"
        )


def _stop_on_sigterm() -> list[int]:
    """SIGTERM stops the run as Ctrl-C does (workers ended, the log kept); the list says
    whether it came."""
    came: list[int] = []

    def stop(signum: int, frame: object) -> None:
        del frame
        came.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    return came


def _load_run_into_store(outdir: Path, store_dir: Path, err: Printer) -> None:
    from exporters.store import StoreError, load_store, store_counts  # noqa: PLC0415
    from extractor.view import plural  # noqa: PLC0415

    try:
        report = load_store([outdir / "articles.nq"], store_dir)
        quads, graphs = store_counts(store_dir)
    except StoreError as exc:
        raise RunFailed(str(exc)) from exc
    err.print(
        f"store {store_dir}: {quads} quads in {plural(graphs, 'named graph')}"
        f" ({plural(report.replaced, 'graph')} replaced)"
    )


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON instead of a tree.")
@click.option(
    "--evidence",
    is_flag=True,
    help="Also print every fact with the sentence it was found in, the span highlighted.",
)
def show(file: Path, as_json: bool, evidence: bool) -> None:
    """Print one article: a header (title, date, source, subject, people, counts), then its
    measure tree and warnings; on a terminal, long output goes through a pager.

    Paragraph numbers (¶) count from 0, as in the JSON.

    \b
    Examples:
      newsfacts show samples/2021-12-22-NW202112222222391066.md
      newsfacts show samples/2021-12-22-NW202112222222391066.md --evidence
    """
    if not file.name.lower().endswith(INPUT_SUFFIXES):
        # The same inputs as extract: a .txt (or any other) file is not read by either.
        raise click.UsageError(f"{file}: newsfacts reads {' '.join(INPUT_SUFFIXES)} files")
    try:
        from extractor.pipeline import extract_article  # noqa: PLC0415 - only show extracts here

        article = extract_article(file.name, file.read_bytes())
    except InputError as exc:
        raise click.ClickException(f"{file}: {exc.reason}") from exc
    finally:
        collect_again()  # the one article read with the set-up (see SET_UP_FIRST)
    if as_json:
        click.echo(article.model_dump_json(indent=2))
        return
    from rich.console import Console  # noqa: PLC0415

    from extractor.view import article_header, measure_tree, print_evidence  # noqa: PLC0415

    console = Console(highlight=False)
    with console.capture() as captured:
        for line in article_header(article):
            console.print(line, soft_wrap=True)  # never cut: a long line wraps on the screen
        console.print(measure_tree(article))
        if evidence:
            print_evidence(console, article)
    text = captured.get()
    if console.is_terminal and text.count("\n") > console.height:
        os.environ.setdefault("LESS", "-R")  # less shows the colours instead of their codes
        click.echo_via_pager(text, color=True)
    else:
        click.echo(text, nl=False, color=console.is_terminal)


@cli.command(name="eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--worst",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="How many of the worst posts to show with their misses and extras.",
)
@click.option(
    "--baseline",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fail (exit 1) when a figure drops below this JSON baseline.",
)
@click.option(
    "--save-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the figures as a new baseline (raise a floor in a commit of its own).",
)
def eval_command(
    paths: tuple[Path, ...], worst: int, baseline: Path | None, save_baseline: Path | None
) -> None:
    """Score extraction against the *.gold.json beside each post under PATHS.

    Prints precision / recall / F1 per field (organizations, authors, source,
    groups, items, declared_counts), micro-averaged over posts, then the worst
    posts with what was missed (-) and extra (+).

    \b
    Example:
      newsfacts eval samples --baseline tests/eval_baseline.json
    """
    from extractor.evaluate import evaluate, regressions  # noqa: PLC0415 - loads the rules

    report = evaluate(list(paths))
    if not report.posts:
        raise click.UsageError("no post with a .gold.json beside it under the given paths")
    from rich.console import Console  # noqa: PLC0415

    console = Console(highlight=False)
    console.print(report_table(report))
    for post, errors in report.worst(worst):
        console.print(f"[bold]{post}[/bold]: {errors} errors")
        for name, score in report.posts[post].items():
            for text in score.missed:
                console.print(f"  [red]- {name}: {text}[/red]")
            for text in score.extra:
                console.print(f"  [green]+ {name}: {text}[/green]")
    if save_baseline:
        save_baseline.write_text(json.dumps(report.figures(), indent=2) + "\n", "utf-8")
    if baseline:
        drops = regressions(report, json.loads(baseline.read_text("utf-8")))
        for drop in drops:
            console.print(f"[red]regression[/red] {drop}")
        if drops:
            raise SystemExit(EXIT_FAILED)


def report_table(report: Report) -> Table:
    """The per-field figures as a rich Table."""
    from rich.table import Table  # noqa: PLC0415

    table = Table(title=f"newsfacts eval: {len(report.posts)} posts with gold")
    for column in ("field", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name, score in report.totals.items():
        table.add_row(
            name,
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
            str(score.tp),
            str(score.fp),
            str(score.fn),
        )
    return table


@cli.command()
def formats() -> None:
    """List the output formats, their aliases and files."""
    for entry in REGISTRY.values():
        aliases = f" ({', '.join(entry.aliases)})" if entry.aliases else ""
        click.echo(f"{entry.name}{aliases}: {entry.files} — {entry.description}")


@cli.command(name="export")
@click.argument("log", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    callback=_parse_formats_or_default,
    default=None,
    help="Formats to rebuild, comma-separated (default: xlsx and nquads where installed).",
)
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: the folder of LOG).",
)
def export_command(log: Path, formats: list[str], outdir: Path | None) -> None:
    """Rebuild output formats from an articles.jsonl, without extracting again.

    \b
    Example:
      newsfacts export out/articles.jsonl --format xlsx -o out
    """
    target = outdir or log.parent
    names = [name for name in formats if name != "json"]
    if not names:
        raise click.UsageError(f"nothing to rebuild: {ARTICLES} is the log itself; choose --format")
    try:
        exporters = export_log(log, target, names)
    except ValueError as exc:
        raise RunFailed(str(exc)) from exc
    for exporter in exporters:
        for name in exporter.files:
            click.echo(str(target / name))


@cli.command(name="report")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
def report_command(outdir: Path) -> None:
    """Write OUTDIR/report/, an offline HTML report of a run: every fact highlighted in its text.

    Reads OUTDIR/articles.jsonl and OUTDIR/manifest.jsonl (as `extract` leaves them); the
    same as `extract --format html`. Open OUTDIR/report/index.html in a browser: an
    overview, an index to filter and sort, one page per article.

    \b
    Example:
      newsfacts extract samples -o out && newsfacts report out
    """
    log = outdir / ARTICLES
    if not log.exists():
        raise click.UsageError(f"no {ARTICLES} in {outdir}: run `newsfacts extract … -o {outdir}`")
    try:
        exporters = export_log(log, outdir, ["html"])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for exporter in exporters:
        for name in exporter.files:
            click.echo(str(outdir / name))


def _one_target(store_dir: Path | None, endpoint: str | None) -> None:
    if (store_dir is None) == (endpoint is None):
        raise click.UsageError("give exactly one of --store DIR or --endpoint URL")


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@store_option("Embedded Oxigraph store folder (created when missing).")
@endpoint_option(
    "Graph Store HTTP Protocol URL of a SPARQL 1.1 server (Oxigraph: http://HOST:7878/store). "
    "Credentials come from NEWSFACTS_SPARQL_USER / NEWSFACTS_SPARQL_PASSWORD only."
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Endpoint: named graphs sent per batch.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=32),
    default=4,
    show_default=True,
    help="Endpoint: parallel keep-alive connections.",
)
def load(
    files: tuple[Path, ...],
    store_dir: Path | None,
    endpoint: str | None,
    batch_size: int,
    workers: int,
) -> None:
    """Load RDF FILES (articles.nq, .trig, …) into a triple store; each article's graph replaces
    the one loaded before.

    \b
    Examples:
      newsfacts load out/articles.nq --store out/kg
      NEWSFACTS_SPARQL_USER=me NEWSFACTS_SPARQL_PASSWORD=… \\
        newsfacts load out/articles.nq --endpoint http://localhost:7878/store
    """
    from exporters.endpoint import load_endpoint, plain_http_warning  # noqa: PLC0415
    from exporters.store import StoreError, load_store, store_counts  # noqa: PLC0415
    from extractor.view import plural  # noqa: PLC0415

    _one_target(store_dir, endpoint)
    try:
        if store_dir is not None:
            report = load_store(list(files), store_dir)
            quads, graphs = store_counts(store_dir)
            click.echo(
                f"{plural(report.files, 'file')} -> {store_dir}: {quads} quads in "
                f"{plural(graphs, 'named graph')} ({plural(report.replaced, 'graph')} replaced)"
            )
        else:
            assert endpoint is not None  # noqa: S101 - _one_target checked it
            _warn(plain_http_warning(endpoint))
            report = load_endpoint(list(files), endpoint, batch_size=batch_size, workers=workers)
            retried = (
                f", {report.requests - report.graphs} retried"
                if report.requests > report.graphs
                else ""
            )
            click.echo(
                f"{plural(report.files, 'file')} -> {endpoint}: "
                f"{plural(report.graphs, 'graph')}, {report.quads} triples in "
                f"{report.requests} requests{retried}"
            )
            for note in dict.fromkeys(report.notes):
                click.echo(f"note: {note}", err=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _warn(message: str | None) -> None:
    if message:
        click.echo(f"warning: {message}", err=True)


@cli.command()
@click.argument("query_arg", metavar="QUERY|FILE", required=False)
@store_option("Embedded Oxigraph store folder.")
@endpoint_option("SPARQL query URL (Oxigraph: http://HOST:7878/query).")
@click.option(
    "--output",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="How to print the results.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries and exit.")
@click.option(
    "--raw", is_flag=True, help="Print IRIs as they are (percent-encoded), not decoded for reading."
)
def query(  # noqa: PLR0917 - click passes each option as an argument
    query_arg: str | None,
    store_dir: Path | None,
    endpoint: str | None,
    output_format: str,
    list_queries: bool,
    raw: bool,
) -> None:
    """Run a SPARQL query: a bundled query's name, a .rq file, or the query text.

    \b
    Bundled: measures-per-organization, organizations-by-region, people-per-source,
    count-mismatches (see --list).
    Examples:
      newsfacts query measures-per-organization --store out/kg
      newsfacts query my.rq --endpoint http://localhost:7878/query --output csv
    """
    from exporters.endpoint import plain_http_warning, query_endpoint  # noqa: PLC0415
    from exporters.store import (  # noqa: PLC0415
        StoreError,
        bundled_queries,
        describe_query,
        query_store,
        resolve_query,
    )

    if list_queries:
        for name, text in bundled_queries().items():
            click.echo(f"{name}: {describe_query(text)}")
        return
    if not query_arg:
        raise click.UsageError("give a QUERY (bundled name, .rq file or SPARQL text), or --list")
    _one_target(store_dir, endpoint)
    try:
        text = resolve_query(query_arg)
        if store_dir is not None:
            result = query_store(store_dir, text)
        else:
            assert endpoint is not None  # noqa: S101 - _one_target checked it
            _warn(plain_http_warning(endpoint))
            result = query_endpoint(endpoint, text)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_result(result.variables, result.display_rows(raw=raw), output_format)


def _print_result(variables: list[str], rows: list[list[str | None]], output_format: str) -> None:
    if output_format == "json":
        records = [dict(zip(variables, row, strict=True)) for row in rows]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        import csv  # noqa: PLC0415
        import io  # noqa: PLC0415

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        click.echo(buffer.getvalue(), nl=False)
    else:
        from rich.console import Console  # noqa: PLC0415
        from rich.table import Table  # noqa: PLC0415

        table = Table(caption=f"{len(rows)} rows")
        for name in variables:
            table.add_column(name)
        for row in rows:
            table.add_row(*("" if v is None else v for v in row))
        Console(highlight=False).print(table)


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def validate(files: tuple[Path, ...]) -> None:
    """Check RDF FILES against the SHACL shapes (schemas/shapes.ttl), each named graph on its own.

    Prints every violation; exit status 1 when there is one.

    \b
    Example:
      newsfacts validate out/articles.nq
    """
    from exporters.shacl import validate_file  # noqa: PLC0415
    from exporters.store import StoreError  # noqa: PLC0415
    from extractor.view import plural  # noqa: PLC0415

    failed = False
    for path in files:
        try:
            report = validate_file(path)
        except StoreError as exc:  # one bad file is named; the others are still checked
            click.echo(f"error: {exc}", err=True)
            failed = True
            continue
        for violation in report.violations:
            click.echo(violation.line())
        if report.graphs == 0:
            failed = True
            click.echo(
                f"error: {path}: no graph to validate (an empty or triple-less file)", err=True
            )
        elif report.conforms:
            click.echo(f"{path}: conforms to schemas/shapes.ttl ({plural(report.graphs, 'graph')})")
        else:
            failed = True
            click.echo(
                f"{path}: {len(report.violations)} violations in {plural(report.graphs, 'graph')}",
                err=True,
            )
    if failed:
        raise SystemExit(EXIT_FAILED)


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one exit per way a run ends
    """Run the CLI; return the exit status (0 ok, 1 some files failed, 2 usage error, 3 the
    run failed)."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="newsfacts",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return int(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_FAILED
    except OSError as exc:  # an output folder that cannot be written, a disk that is full…
        return _fatal(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), argv)
    except Exception as exc:  # noqa: BLE001 - the user gets one line, --debug the traceback
        return _fatal(f"internal error: {type(exc).__name__}: {exc}", argv)
    return EXIT_OK


def _fatal(message: str, argv: Sequence[str] | None) -> int:
    """One clear line on stderr; the traceback only with --debug."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if "--debug" in args:
        traceback.print_exc()
    else:
        # A writer left half-built by the error (openpyxl's sheet streams) complains when
        # it is collected; that is the same error again, not news: one line is enough.
        sys.unraisablehook = _quiet
    click.echo(f"newsfacts: {message}", err=True)
    return EXIT_RUN_FAILED


def _quiet(unraisable: object) -> None:
    del unraisable


#: The status the interpreter gives a process whose standard output cannot be flushed at exit.
EXIT_FLUSH_FAILED = 120


def exit_now(status: int) -> NoReturn:
    """Leave after main(): the exit handlers run as at any exit (logging flushed, a pool's
    processes ended), but the interpreter's teardown, which frees the 400-odd modules and
    every object of the rules and the region table one by one, is skipped: 0.01 s of a
    one-file run, its last step. Nothing is lost: every output is closed by the time main()
    returns, and the standard streams are flushed here. A thread still running (none
    should be) gets the ordinary exit, which waits for it."""
    if threading.active_count() > 1:
        sys.exit(status)
    atexit._run_exitfuncs()  # what sys.exit runs, before the teardown os._exit skips
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (newsfacts … | head): as the interpreter reports it
        status = status or EXIT_FLUSH_FAILED
    os._exit(status)


if __name__ == "__main__":
    exit_now(main())
