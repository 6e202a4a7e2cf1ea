"""Extraction speed on real, distinct posts, every tool side by side in one run.

Part 1, in this process, per core: newsfacts' full extraction (`extract_article`), trafilatura's
`bare_extraction` and GNE's `GeneralNewsExtractor.extract` of the same posts rendered as the
same minimal page for both (`bench.corpus.render_page`), and the floor (lxml parse of the body +
one regex scan). Two corpora: the bulk corpus (`../shared/corpus/bulk/xwlb-10k.tar.xz`, 10,649
real items, read from the archive in memory, each item once) and the 60 longer real posts of
`../shared/corpus/real/` (their first reads apart, then each read 10 times). The tools take
turns over slices of the corpus (the order rotating each round), so the load of a shared
machine falls on all alike; wall and CPU time are summed per tool, the ratios taken of sums.

Part 1 runs twice: with the extractor this interpreter imports (in a checkout, the editable
install's pure Python), then in a subprocess with the mypyc-compiled copy of the checkout
(`bench/compiled.py`: what `pip install .` builds, see setup.py), each against the peers in its
own process. `--no-compiled` leaves the second out.

Part 2, end to end: `newsfacts extract` with the DEFAULT outputs (the log, xlsx, N-Quads) at
-j 1 and -j 2 as subprocesses on bulk items unpacked into a temporary folder, beside a control:
two processes of pure-Python CPU work against one doing both, i.e. the speed-up two processes
can have on this machine right now. Runs alternate (j1, j2, control, rotating) for a few rounds;
the ratios are printed from the sums and from each configuration's best round. The command is
the `newsfacts` console script of this interpreter, as users run it (`--module`: `python -m
extractor.cli` instead); newsfacts' modules are byte-compiled first, as `pip install` leaves
them (under PYTHONDONTWRITEBYTECODE=1 every process would compile them from source).
`--against CHECKOUT` runs that checkout's code the same way in the same rounds.

    python -m bench.bench_extract            # all 10,649 bulk items, 60 x 10 real, e2e on 3,000
    python -m bench.bench_extract --quick    # 600 bulk items, 60 x 2 real, e2e on 300
    python -m bench.bench_extract --e2e-only --against /work/main   # that code beside this one
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from lxml import html as lxml_html

from bench import compiled
from bench.corpus import render_page
from extractor import build
from extractor.batch.run import default_formats

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
BULK = CORPUS / "bulk" / "xwlb-10k.tar.xz"
REAL = CORPUS / "real"
SAMPLES = ROOT / "samples"
#: The one regex of the floor: the count labels the measure rules start from.
FLOOR_SCAN = re.compile(r"[一二三四五六七八九十两]+[个项条种大]")
FRONT_END = "\n---\n"
#: Posts per slice of one round: small enough that load changes hit every tool in turn.
ROUND_SIZE = 200
#: How often each real post is read (the issue's figure).
REAL_READS = 10
QUICK_REAL_READS = 2
QUICK_BULK = 600
E2E_POSTS = 3_000
QUICK_E2E_POSTS = 300
#: Rounds of the end-to-end runs: enough that one burst of other work does not decide (the
#: median of the rounds' own ratios is printed beside the sums).
E2E_ROUNDS = 6
#: Loop length of one unit of control work (about 1-2 s of pure Python here).
CONTROL_LOOP = 30_000_000
QUICK_CONTROL_LOOP = 6_000_000
SPIN = "import sys\ntotal = 0\nfor i in range(int(sys.argv[1])):\n    total += i\n"
BIN = Path(sys.executable).parent

Post = tuple[str, bytes]  # (relative path, file bytes)


# --- corpora ------------------------------------------------------------------------------


def bulk_posts(limit: int | None = None) -> list[Post]:
    """The bulk corpus's posts, read from the archive in memory, in name order."""
    posts = []
    with tarfile.open(BULK, "r:xz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".md"):
                handle = archive.extractfile(member)
                if handle is not None:
                    posts.append((member.name, handle.read()))
    posts.sort()
    return posts[:limit] if limit else posts


def real_posts() -> list[Post]:
    """The real posts of ../shared/corpus/real, once each, in name order."""
    return [(path.name, path.read_bytes()) for path in sorted(REAL.glob("*.md"))]


# --- the tools, each a function of one post -----------------------------------------------


@dataclass
class Tool:
    """A tool's work on one prepared input, with its running totals."""

    name: str
    run: Callable[[int], object]  # index of the post -> anything (the result is dropped)
    wall: float = 0.0
    cpu: float = 0.0
    done: int = 0
    failures: list[str] = field(default_factory=list)

    def time_slice(self, indexes: range) -> None:
        """Run over a slice of the corpus, adding its wall and CPU time."""
        wall, cpu = time.perf_counter(), time.process_time()
        for index in indexes:
            self.run(index)
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu
        self.done += len(indexes)

    def ms(self, clock: str) -> float:
        """Milliseconds a post by the wall clock or by this process's CPU time."""
        return 1000 * (self.wall if clock == "wall" else self.cpu) / max(self.done, 1)


def floor(data: bytes) -> int:
    """The least any extractor does: decode, parse the body with lxml, one regex scan."""
    body = data.decode("utf-8").split(FRONT_END, 1)[-1]
    return len(FLOOR_SCAN.findall(lxml_html.fromstring(body).text_content()))


def make_tools(posts: list[Post], pages: list[str]) -> list[Tool]:
    """newsfacts, trafilatura, GNE and the floor over the same posts (pages for the peers)."""
    from gne import GeneralNewsExtractor  # noqa: PLC0415 - the `bench` extra
    from trafilatura import bare_extraction  # noqa: PLC0415 - the `bench` extra

    from extractor.pipeline import extract_article  # noqa: PLC0415 - timed apart (cold start)

    gne = GeneralNewsExtractor()
    return [
        Tool("newsfacts extract_article (every field)", lambda i: extract_article(*posts[i])),
        Tool("trafilatura bare_extraction (page)", lambda i: bare_extraction(pages[i])),
        Tool("GNE extract (page)", lambda i: gne.extract(pages[i])),
        Tool("floor: lxml parse + one regex scan", lambda i: floor(posts[i][1])),
    ]


def slices(total: int, size: int, start: int = 0) -> Iterator[range]:
    """Consecutive ranges of at most `size` indexes covering range(start, total)."""
    for first in range(start, total, size):
        yield range(first, min(first + size, total))


def interleaved(posts: list[Post]) -> list[Tool]:
    """Every tool over every post, alternating tools slice by slice (order rotating).

    Each tool first reads one sample post, untimed (rule files, tables, imports inside the
    tools: the cold start is measured apart), so that every corpus post is timed once.
    """
    warm = sorted(SAMPLES.glob("*.md"))[0]
    posts = [(warm.name, warm.read_bytes()), *posts]
    pages = [render_page(data.decode("utf-8")) for _, data in posts]
    tools = make_tools(posts, pages)
    for tool in tools:
        tool.run(0)
    for number, indexes in enumerate(slices(len(posts), ROUND_SIZE, start=1)):
        shift = number % len(tools)
        for tool in tools[shift:] + tools[:shift]:
            tool.time_slice(indexes)
    return tools


def print_table(title: str, tools: list[Tool]) -> None:
    """ms a post and posts/s per tool, then newsfacts against each peer and the floor."""
    print(f"\n{title}")
    print(f"{'tool':<44}{'ms/post wall':>14}{'ms/post CPU':>13}{'posts/s CPU':>13}")
    for tool in tools:
        rate = 1000 / tool.ms("cpu") if tool.cpu else 0.0
        print(f"{tool.name:<44}{tool.ms('wall'):>14.3f}{tool.ms('cpu'):>13.3f}{rate:>13.0f}")
    ours, traf, gne, low = tools
    for clock in ("cpu", "wall"):
        print(
            f"  [{clock:>4}] newsfacts speed / trafilatura = {traf.ms(clock) / ours.ms(clock):.2f}x"
            f" (target >= 5), / GNE = {gne.ms(clock) / ours.ms(clock):.2f}x (target >= 2);"
            f" floor is {ours.ms(clock) / low.ms(clock):.1f}x faster than newsfacts"
        )


# --- end to end ---------------------------------------------------------------------------


def unpack(posts: list[Post], folder: Path) -> Path:
    """Write posts under folder (as the archive names them); return the folder."""
    for name, data in posts:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def timed_run(command: list[str], env: dict[str, str] | None = None) -> float:
    """Wall seconds of one subprocess, which must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def control_pair(loop: int) -> tuple[float, float]:
    """(seconds of one process doing two units of CPU work, of two processes doing one each)."""
    one = [sys.executable, "-c", SPIN, str(2 * loop)]
    start = time.perf_counter()
    timed_run(one)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    pair = [subprocess.Popen([sys.executable, "-c", SPIN, str(loop)]) for _ in range(2)]
    for process in pair:
        process.wait()
    return serial, time.perf_counter() - start


@dataclass
class Version:
    """One checkout's code run end to end: its label and environment (None: this one)."""

    label: str
    env: dict[str, str] | None
    seconds: dict[str, list[float]] = field(default_factory=lambda: {"j1": [], "j2": []})
    #: Each run's run.json `phases`, with the rest of the command's wall time ("outside":
    #: the interpreter's start, the imports and the count before the run, the exit).
    phases: dict[str, list[dict[str, float]]] = field(default_factory=lambda: {"j1": [], "j2": []})


def end_to_end(
    posts: list[Post],
    rounds: int,
    loop: int,
    *,
    module: bool = False,
    against: Path | None = None,
    with_compiled: bool = False,
) -> None:
    """-j 1 and -j 2 of `newsfacts extract` (default outputs) beside the 2-process control.

    Printed twice: from the sums of all rounds, and from each configuration's best round (on
    a machine shared with bursts of other work, the least disturbed run of each; the control
    is taken the same way, so the ratio still compares like with like).
    """
    compiled.byte_compile(ROOT)
    # The console script (extractor/script.py) is what users run; -m runs the same main().
    program = [sys.executable, "-m", "extractor.cli"] if module else [str(BIN / "newsfacts")]
    with tempfile.TemporaryDirectory(prefix="newsfacts-bench-") as scratch:
        corpus = unpack(posts, Path(scratch) / "in")
        versions = [Version("this checkout", None)]
        if against is not None:
            env = compiled.checkout_copy(against, Path(scratch) / "against")
            versions.append(Version(f"{against}", env))
        if with_compiled:
            built = compiled.compiled_copy()
            versions.append(Version(f"compiled copy ({built})", compiled.environment(built)))
        control_seconds: dict[str, list[float]] = {"serial": [], "pair": []}
        runs = iter(range(1_000_000))

        def run(version: Version, jobs: str) -> None:
            # A fresh folder each run: extract refuses to write over a previous run.
            out = Path(scratch) / f"out-{versions.index(version)}-j{jobs}-{next(runs)}"
            command = [*program, "extract", str(corpus), "-o", str(out), "-j", jobs]
            wall = timed_run(command, version.env)
            version.seconds[f"j{jobs}"].append(wall)
            run_json = json.loads((out / "run.json").read_text("utf-8"))
            if "phases" in run_json:  # (code from before run.json had them: none)
                phases = {**run_json["phases"], "outside": wall - run_json["seconds"]}
                version.phases[f"j{jobs}"].append(phases)

        def control() -> None:
            serial, pair = control_pair(loop)
            control_seconds["serial"].append(serial)
            control_seconds["pair"].append(pair)

        steps: list[Callable[[], None]] = [control]
        for version in versions:
            steps += [partial(run, version, "1"), partial(run, version, "2")]
        for number in range(rounds):
            shift = number % len(steps)
            for step in steps[shift:] + steps[:shift]:
                step()
        logs = [p.read_bytes() for p in sorted(Path(scratch).glob("out-*-j*-*/articles.jsonl"))]
        outputs = sorted(p.name for p in next(Path(scratch).glob("out-0-j1-*")).iterdir())
    print(
        f"\nend to end: `{' '.join(Path(p).name for p in program)} extract DIR -o OUT -j N`,"
        f" default outputs: {', '.join(outputs)}"
    )
    print(f"{len(posts)} distinct bulk posts, {rounds} rounds alternating -j 1, -j 2, control")
    for version in versions:
        print_e2e(version, len(posts), control_seconds)
    print(f"every run's articles.jsonl byte-identical: {all(log == logs[0] for log in logs)}")


def print_e2e(version: Version, posts: int, control: dict[str, list[float]]) -> None:
    """One version's files/s at -j 1 and -j 2 and the ratios against the control."""
    seconds = version.seconds
    print(f"{version.label}:")
    print(f"  {'run':<50}{'files/s (sum)':>14}{'(best round)':>14}")
    rates = {}
    for jobs, label in (("j1", "newsfacts extract -j 1 (whole command, from start)"),
                        ("j2", "newsfacts extract -j 2")):  # fmt: skip
        runs = len(seconds[jobs])
        total, best = posts * runs / sum(seconds[jobs]), posts / min(seconds[jobs])
        rates[jobs] = (total, best)
        print(f"  {label:<50}{total:>14.1f}{best:>14.1f}")
    for way, index, pick in (("sum", 0, sum), ("best round", 1, min)):
        speedup = rates["j2"][index] / rates["j1"][index]
        headroom = pick(control["serial"]) / pick(control["pair"])
        print(
            f"  [{way:>10}] -j 2 / -j 1 = {speedup:.2f}x; control (2 processes of CPU work / 1)"
            f" = {headroom:.2f}x; (-j 2 / -j 1) / control = {speedup / headroom:.2f}"
            " (target >= 0.85)"
        )
    ratios = round_ratios(seconds, control)
    median = statistics.median(ratios)
    print(
        f"  [per round ] (-j 2 / -j 1) / control of each round: median {median:.2f}"
        f" (lowest {min(ratios):.2f}, highest {max(ratios):.2f}, {len(ratios)} rounds)"
    )
    for jobs, recorded in version.phases.items():
        if not recorded:
            continue
        parts = ", ".join(
            f"{name.replace('_', ' ')} {statistics.median(run[name] for run in recorded):.3f}"
            for name in recorded[0]
        )
        print(f"  [phases -{jobs[0]} {jobs[1:]}] median s of the rounds (run.json, wall): {parts}")


def round_ratios(seconds: dict[str, list[float]], control: dict[str, list[float]]) -> list[float]:
    """(-j 2 / -j 1) / control of each round on its own: a round's three runs follow each other,
    so a slow drift of the machine's load falls on all three, and the median over the rounds
    is not moved by one round that a burst of other work hit (the sums are)."""
    return [
        (one / two) / (serial / pair)
        for one, two, serial, pair in zip(
            seconds["j1"], seconds["j2"], control["serial"], control["pair"], strict=True
        )
    ]


def main() -> None:
    """Both in-process tables, then the end-to-end runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (about a minute)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end runs")
    parser.add_argument("--e2e-only", action="store_true", help="only the end-to-end runs")
    parser.add_argument(
        "--e2e-rounds",
        type=int,
        default=E2E_ROUNDS,
        help=f"rounds of the end-to-end runs (default {E2E_ROUNDS}; more on a busy machine)",
    )
    parser.add_argument(
        "--module",
        action="store_true",
        help="end to end: run `python -m extractor.cli`, not the `newsfacts` console script",
    )
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="end to end: also that checkout's code (/work/main), in the same rounds",
    )
    parser.add_argument(
        "--e2e-compiled",
        action="store_true",
        help="end to end: also this checkout's mypyc-compiled copy, in the same rounds",
    )
    parser.add_argument(
        "--no-compiled",
        action="store_true",
        help="per core: only the extractor this interpreter imports, not also the compiled copy",
    )
    parser.add_argument("--per-core-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--e2e-posts",
        type=int,
        help=f"distinct bulk posts of each end-to-end run (default {E2E_POSTS:,};"
        f" {QUICK_E2E_POSTS} with --quick; 0 = the whole corpus)",
    )
    args = parser.parse_args()
    e2e_posts = args.e2e_posts
    if e2e_posts is None:
        e2e_posts = QUICK_E2E_POSTS if args.quick else E2E_POSTS
    if args.e2e_only:
        e2e_part(bulk_posts(e2e_posts or None), args)
        return
    per_core(args.quick)
    if not (args.no_compiled or args.per_core_only or build() == "compiled"):
        # The compiled copy in a process of its own: a process imports one build of a module.
        command = [sys.executable, "-m", "bench.bench_extract", "--per-core-only"]
        env = compiled.environment(compiled.compiled_copy())
        subprocess.run([*command, *(["--quick"] if args.quick else [])], env=env, check=True)
    if not (args.no_e2e or args.per_core_only):
        e2e_part(bulk_posts(e2e_posts or None), args)


def per_core(quick: bool) -> None:
    """The three in-process tables (bulk, real posts first read, real posts read again)."""
    bulk = bulk_posts(QUICK_BULK if quick else None)
    reads = QUICK_REAL_READS if quick else REAL_READS
    real = real_posts()
    which = (
        "compiled (mypyc: what `pip install .` builds)"
        if build() == "compiled"
        else "pure Python (what an editable install runs)"
    )
    print(f"\n=== per core, newsfacts {which}")
    print(f"bulk: {len(bulk)} distinct items of {BULK.name}, each once")
    print_table(f"bulk corpus ({len(bulk)} posts)", interleaved(bulk))
    # First reads apart: every tool keeps caches (trafilatura's text helpers, newsfacts' place
    # lookups), so a post read again costs each of them less than a new one.
    print_table(f"real posts ({len(real)} posts, first read)", interleaved(real))
    print_table(f"real posts ({len(real)} posts x {reads} reads)", interleaved(real * reads))
    sys.stdout.flush()  # before the compiled copy's process writes its tables


def e2e_part(posts: list[Post], args: argparse.Namespace) -> None:
    """The end-to-end runs, then the writer's sustained rate against one worker's."""
    from bench.bench_writer import measure  # noqa: PLC0415 - it imports this module

    loop = QUICK_CONTROL_LOOP if args.quick else CONTROL_LOOP
    end_to_end(
        posts,
        args.e2e_rounds,
        loop,
        module=args.module,
        against=args.against,
        with_compiled=args.e2e_compiled,
    )
    print("\nthe writer process alone, on prepared pieces (CPU time, one process):")
    print(measure(posts, default_formats()).line())


if __name__ == "__main__":
    main()
