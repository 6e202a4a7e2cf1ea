"""Cold start: one file from a fresh process, newsfacts beside trafilatura's CLI, alternating.

Each round runs, in rotating order: `python -c pass` (the interpreter alone), `newsfacts --help`,
`newsfacts extract POST -o OUT --format json` (one real post) and `trafilatura` on the same post
rendered as a page (`bench.corpus.render_page`, read from standard input). Prints the median
wall seconds of each and the ratios.

    python -m bench.bench_cold            # 7 rounds
    python -m bench.bench_cold --rounds 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import render_page

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
BIN = Path(sys.executable).parent


def seconds(command: list[str], stdin: Path | None = None) -> float:
    """Wall seconds of one run of a command, which must succeed."""
    start = time.perf_counter()
    with (stdin or Path("/dev/null")).open("rb") as source:
        done = subprocess.run(command, check=False, stdin=source, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-2000:]!r}")
    return elapsed


def extract_command(post: Path, scratch: str) -> list[str]:
    """`newsfacts extract POST -o SCRATCH/out --format json -j 1 --overwrite`."""
    out = str(Path(scratch) / "out")  # --overwrite: extract refuses a folder with a run in it
    command = [str(BIN / "newsfacts"), "extract", str(post), "-o", out, "--format", "json"]
    return [*command, "-j", "1", "--overwrite"]


def main() -> None:
    """Alternate the four commands for some rounds; print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--post", type=Path, default=sorted(REAL.glob("*.md"))[0])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsfacts-cold-") as scratch:
        page = Path(scratch) / "page.html"
        page.write_text(render_page(args.post.read_text("utf-8")), "utf-8")
        runs: dict[str, tuple[list[str], Path | None]] = {
            "python -c pass (interpreter alone)": ([sys.executable, "-c", "pass"], None),
            "newsfacts --help": ([str(BIN / "newsfacts"), "--help"], None),
            "newsfacts extract POST --format json": (extract_command(args.post, scratch), None),
            "trafilatura < page.html": ([str(BIN / "trafilatura")], page),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        names = list(runs)
        for number in range(args.rounds):
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(seconds(*runs[name]))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"post: {args.post.name}; {args.rounds} rounds, rotating order; median wall seconds")
    for name, value in median.items():
        print(f"{name:<40}{value:>8.3f}")
    help_, ours, traf = (median[name] for name in names[1:])
    print(f"extract one file / trafilatura CLI = {ours / traf:.2f}  (target <= 1)")
    print(f"--help / trafilatura CLI = {help_ / traf:.2f}  (target: below the extract figure)")


if __name__ == "__main__":
    main()
