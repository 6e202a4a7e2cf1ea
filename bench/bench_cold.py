"""Cold start: one file from a fresh process, newsfacts beside trafilatura's CLI, alternating.

Each round runs, in rotating order: `python -c pass` (the interpreter alone), `newsfacts --help`,
`newsfacts extract POST -o OUT --format json` (one real post) and `trafilatura` on the same post
rendered as a page (`bench.corpus.render_page`, read from standard input). Prints the median
wall and CPU seconds (user + system, of the command and its children) of each and the
ratios: wall as a user sees it, CPU as it stays when other processes load the machine.

newsfacts' own modules are byte-compiled first (`compileall`), as `pip install` leaves
them and as trafilatura's are: without it, a run under PYTHONDONTWRITEBYTECODE=1 (or from a
read-only checkout) compiles some 55 modules from source every time (about 60 ms).

    python -m bench.bench_cold            # 7 rounds
    python -m bench.bench_cold --rounds 3
    python -m bench.bench_cold --against /work/main   # also that checkout's code, alternating
    python -m bench.bench_cold --compiled  # also the mypyc-compiled copy (bench/compiled.py)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import compiled
from bench.corpus import render_page

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
BIN = Path(sys.executable).parent




#: A command, what it reads on standard input, and its environment (None: this one).
Run = tuple[list[str], Path | None, dict[str, str] | None]


def seconds(
    command: list[str], stdin: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall and CPU seconds of one run of a command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with (stdin or Path("/dev/null")).open("rb") as source:
        done = subprocess.run(command, check=False, stdin=source, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-2000:]!r}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu


#: The console script as another checkout's code defines it: its extractor/script.py's `run`
#: where it has one, else `sys.exit(main())` (this venv's script names this checkout's entry;
#: the file is looked for, not imported: the editable install would find this checkout's).
AGAINST_SCRIPT = [
    sys.executable,
    "-P",  # not the current folder's code (bench_cold runs from this checkout)
    "-c",
    "import sys, pathlib, extractor\n"
    "if (pathlib.Path(extractor.__file__).parent / 'script.py').exists():\n"
    "    from extractor.script import run\n"
    "else:\n"
    "    from extractor.cli import main\n"
    "    run = lambda: sys.exit(main())\n"
    "run()",
]


def extract_command(post: Path, scratch: str, script: list[str] | None = None) -> list[str]:
    """`newsfacts extract POST -o SCRATCH/out --format json -j 1 --overwrite`."""
    out = str(Path(scratch) / "out")  # --overwrite: extract refuses a folder with a run in it
    command = [*(script or [str(BIN / "newsfacts")]), "extract", str(post), "-o", out]
    return [*command, "--format", "json", "-j", "1", "--overwrite"]


#: One fresh process's CPU per phase of a one-file extract (what bench_cold prints under
#: "phases"): imports, the tables the first article builds, the article, the exit.
PHASES = """
import gc, json, os, pathlib, sys, time
import extractor
# As the console script runs a checkout's code: extractor/script.py (where there is one)
# starts with the cyclic collector off, the CLI turns it on once its set-up is frozen, and
# the process leaves without the interpreter's teardown.
script = (pathlib.Path(extractor.__file__).parent / "script.py").exists()
if script:
    gc.disable()
    import extractor.script
    # and sets what that script sets in the environment (pydantic's plugin search off)
    plugins = getattr(extractor.script, "PYDANTIC_PLUGINS", None)
    if plugins:
        os.environ.setdefault(*plugins)
    # and its stand-in for pydantic's plugin loader, where it has one
    getattr(extractor.script, "no_plugin_loader", lambda: None)()
clock = time.process_time
marks = [clock()]
import extractor.cli
marks.append(clock())
import extractor.pipeline
from extractor import regions
marks.append(clock())
regions.table(), regions._whole_names()
if hasattr(extractor.cli, "_in_process"):  # as this CLI does before a run in its process
    gc.freeze()
if script:
    gc.enable()
marks.append(clock())
post = pathlib.Path(sys.argv[1])
extractor.pipeline.extract_article(post.name, post.read_bytes()).model_dump_json()
marks.append(clock())
extractor.pipeline.extract_article(post.name, post.read_bytes()).model_dump_json()
marks.append(clock())
print(json.dumps([b - a for a, b in zip(marks, marks[1:])]), flush=True)
if script:
    extractor.cli.exit_now(0)
"""
PHASE_NAMES = (
    "import extractor.cli (click, rich, pydantic, batch)",
    "import extractor.pipeline (lxml, PyYAML, the stages)",
    "the region table and its whole-name index",
    "first article (rules, names, model schemas, any pattern not prebuilt)",
    "second article",
)


def phases(post: Path, rounds: int, against: dict[str, str] | None = None) -> None:
    """Median CPU seconds of each phase of a one-file extract in a fresh process, and of the
    exit (the process's CPU less the phases'); with `against` (the environment of another
    checkout's code), that code beside this one's, run alternately."""
    envs: dict[str, dict[str, str] | None] = {"this": None}
    if against is not None:
        envs["--against"] = against
    found: dict[str, list[list[float]]] = {name: [] for name in envs}
    for _ in range(rounds):
        for name, env in envs.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run(
                [sys.executable, "-P", "-c", PHASES, str(post)],  # -P: not the cwd's code
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            spent = json.loads(done.stdout)
            total = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            found[name].append([*spent, total - sum(spent)])
    print("phases of one fresh process (median CPU s):")
    print(f"  {'':<58}" + "".join(f"{name[-10:]:>12}" for name in envs))
    for index, phase in enumerate((*PHASE_NAMES, "start (interpreter, site) and exit")):
        cells = (statistics.median(r[index] for r in found[name]) for name in envs)
        print(f"  {phase:<58}" + "".join(f"{cell:>12.3f}" for cell in cells))


def main() -> None:
    """Alternate the four commands for some rounds; print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--post", type=Path, default=sorted(REAL.glob("*.md"))[0])
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (/work/main): its code timed beside this one's",
    )
    parser.add_argument(
        "--compiled",
        action="store_true",
        help="also this checkout's mypyc-compiled copy (what `pip install .` builds)",
    )
    args = parser.parse_args()
    compiled.byte_compile(ROOT)
    with tempfile.TemporaryDirectory(prefix="newsfacts-cold-") as scratch:
        page = Path(scratch) / "page.html"
        page.write_text(render_page(args.post.read_text("utf-8")), "utf-8")
        runs: dict[str, Run] = {
            "python -c pass (interpreter alone)": ([sys.executable, "-c", "pass"], None, None),
            "newsfacts --help": ([str(BIN / "newsfacts"), "--help"], None, None),
            "newsfacts extract POST --format json": (
                extract_command(args.post, scratch),
                None,
                None,
            ),
            "trafilatura < page.html": ([str(BIN / "trafilatura")], page, None),
            # What the patterns compiled ahead save (extractor/prebuilt_patterns.py).
            "  extract, patterns not prebuilt": (
                extract_command(args.post, scratch),
                None,
                {**os.environ, "NEWSFACTS_PREBUILT_PATTERNS": "0"},
            ),
        }
        env = None
        if args.against is not None:
            env = compiled.checkout_copy(args.against, Path(scratch) / "against")
            runs["  --help, --against's code"] = ([*AGAINST_SCRIPT, "--help"], None, env)
            runs["  extract, --against's code"] = (
                extract_command(args.post, scratch, AGAINST_SCRIPT),
                None,
                env,
            )
        if args.compiled:
            built = compiled.environment(compiled.compiled_copy())
            runs["  extract, compiled copy"] = (extract_command(args.post, scratch), None, built)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        names = list(runs)
        for number in range(args.rounds):
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(seconds(*runs[name]))
        wall = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
        cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
        print(f"post: {args.post.name}; {args.rounds} rounds, rotating order; median seconds")
        print(f"{'':<40}{'wall':>8}{'CPU':>8}")
        for name in names:
            print(f"{name:<40}{wall[name]:>8.3f}{cpu[name]:>8.3f}")
        help_, ours, traf = names[1:4]
        for label, median in (("wall", wall), ("CPU", cpu)):
            print(
                f"{label}: extract one file / trafilatura CLI = {median[ours] / median[traf]:.2f}"
                f" (target <= 1); --help / trafilatura CLI = {median[help_] / median[traf]:.2f}"
                " (target: below the extract figure)"
            )
        if args.against is not None:
            before, after = names[6], names[2]
            for label, median in (("wall", wall), ("CPU", cpu)):
                ratio = median[after] / median[before]
                print(f"{label}: extract, this code / --against's = {ratio:.2f}")
        if args.compiled:
            for label, median in (("wall", wall), ("CPU", cpu)):
                ratio = median["  extract, compiled copy"] / median[traf]
                print(f"{label}: extract, compiled copy / trafilatura CLI = {ratio:.2f}")
        phases(args.post, args.rounds, env)


if __name__ == "__main__":
    main()
