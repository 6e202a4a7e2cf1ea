"""Peak memory of `newsfacts extract` for 1,000 and 10,000 distinct real posts, all outputs on.

Runs the real command (default -j: all cores) on the first 1,000 and the first 10,000 items of
the bulk corpus (`../shared/corpus/bulk/xwlb-10k.tar.xz`, unpacked into a temporary folder;
each item once) and samples the resident memory of the writer process and of the whole
process tree (the writer and its workers) every 20 ms. Targets: the larger run's writer peak
at most 1.3x the smaller's, the whole tree's at most 1.1x.

    python -m bench.bench_memory                  # 1,000 vs 10,000
    python -m bench.bench_memory --small 200 --large 2000
    python -m bench.bench_memory --runs 3         # both sizes 3 times, alternating

A peak moves from run to run (how many results wait in the writer when it is reached
depends on the load), so `--runs` prints each run's ratios and their median and range.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench.bench_extract import bulk_posts, unpack
from exporters import REGISTRY

#: Formats DESIGN.md marks as for small runs (whole-graph serialisers): not streamed by design.
SMALL_RUN_FORMATS = frozenset({"trig", "turtle", "ntriples", "jsonld"})
SAMPLE_EVERY_S = 0.02
BULK_NAME = "xwlb-10k.tar.xz"


def all_outputs() -> str:
    """Every registered streaming format, for --format."""
    return ",".join(name for name in REGISTRY if name not in SMALL_RUN_FORMATS)


def tree_rss(process: psutil.Process) -> tuple[int, int]:
    """(resident bytes of the process, of it and all its descendants)."""
    try:
        own = process.memory_info().rss
    except psutil.Error:
        return 0, 0
    total = own
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            continue
    return own, total


def peak_rss(corpus: Path, out: Path, jobs: str, formats: str) -> tuple[int, int, float]:
    """Peak RSS (writer process, whole tree) and seconds of one extract run."""
    command = [
        sys.executable, "-m", "extractor.cli", "extract", str(corpus), "-o", str(out),
        "--format", formats, "-j", jobs,
    ]  # fmt: skip
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=psutil.subprocess.DEVNULL, stderr=psutil.subprocess.PIPE)
    own_peak = tree_peak = 0
    while process.poll() is None:
        own, tree = tree_rss(process)
        own_peak, tree_peak = max(own_peak, own), max(tree_peak, tree)
        time.sleep(SAMPLE_EVERY_S)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        tail = process.stderr.read()[-2000:]
        raise SystemExit(f"extract failed ({process.returncode}): {tail!r}")
    return own_peak, tree_peak, seconds


def main() -> None:
    """Measure both sizes and print the peaks and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("-j", "--jobs", default=str(psutil.cpu_count() or 1))
    parser.add_argument("--format", help="these formats only (default: every streaming one)")
    parser.add_argument("--runs", type=int, default=1, help="measure both sizes this many times")
    args = parser.parse_args()
    formats = args.format or all_outputs()
    scratch = Path(tempfile.mkdtemp(prefix="newsfacts-mem-"))
    posts = bulk_posts(args.large)
    print(f"formats: articles.jsonl, manifest.jsonl + {formats or '(none registered)'}")
    print(f"-j {args.jobs}; distinct bulk posts ({BULK_NAME}), each once")
    print(f"{'run':>4}{'posts':>8}{'writer peak MiB':>18}{'tree peak MiB':>16}{'seconds':>10}")
    ratios: list[tuple[float, float]] = []
    try:
        for n in (args.small, args.large):
            unpack(posts[:n], scratch / f"in{n}")
        for run in range(1, args.runs + 1):
            rows = []
            for n in (args.small, args.large):
                shutil.rmtree(scratch / f"out{n}", ignore_errors=True)
                own, tree, seconds = peak_rss(
                    scratch / f"in{n}", scratch / f"out{n}", args.jobs, formats
                )
                rows.append((own, tree))
                print(f"{run:>4}{n:>8}{own / 2**20:>18.1f}{tree / 2**20:>16.1f}{seconds:>10.1f}")
            (own_s, tree_s), (own_l, tree_l) = rows
            ratios.append((own_l / own_s, tree_l / tree_s))
            print(
                f"large / small: writer {own_l / own_s:.2f}x (target <= 1.3),"
                f" whole tree {tree_l / tree_s:.2f}x (target <= 1.1)"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if len(ratios) > 1:
        for name, values in (("writer", [w for w, _ in ratios]), ("tree", [t for _, t in ratios])):
            print(
                f"{name}: median {statistics.median(values):.2f}x,"
                f" range {min(values):.2f}-{max(values):.2f}x over {len(values)} runs"
            )


if __name__ == "__main__":
    main()
