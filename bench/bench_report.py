"""`newsfacts report` on 1,000 and 10,000 posts: seconds per article and peak memory, side by side.

Extracts each generated corpus once (`--format json`, not timed), then runs the real
`newsfacts report OUT` and samples its resident memory every 20 ms. Linear work means the
same time per article at both sizes; the report keeps only index rows and entity lists in
memory, so the peak should grow far slower than the run.

    python -m bench.bench_report                      # 1,000 vs 10,000
    python -m bench.bench_report --small 500 --large 5000
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench.corpus import make_corpus

SAMPLE_EVERY_S = 0.02


def report_run(out: Path) -> tuple[float, int]:
    """Seconds and peak RSS of `newsfacts report OUT`."""
    command = [sys.executable, "-m", "newsfacts", "report", str(out)]
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            peak = max(peak, process.memory_info().rss)
        except psutil.Error:
            break
        time.sleep(SAMPLE_EVERY_S)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"report failed ({process.returncode}): {process.stderr.read()!r}")
    return seconds, peak


def main() -> None:
    """Measure both sizes and print the figures and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="newsfacts-report-"))
    rows = []
    try:
        for n in (args.small, args.large):
            make_corpus(scratch / f"in{n}", n)
            out = scratch / f"out{n}"
            extract = [sys.executable, "-m", "newsfacts", "extract", str(scratch / f"in{n}")]
            subprocess.run([*extract, "-o", str(out), "--format", "json"], check=True,
                           capture_output=True)  # fmt: skip
            rows.append((n, *report_run(out)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{'posts':>8}{'seconds':>10}{'ms/article':>12}{'peak MiB':>10}")
    for n, seconds, peak in rows:
        print(f"{n:>8}{seconds:>10.2f}{1000 * seconds / n:>12.3f}{peak / 2**20:>10.1f}")
    (small, s_sec, s_peak), (large, l_sec, l_peak) = rows
    per_article = (l_sec / large) / (s_sec / small)
    print(
        f"large / small: time per article {per_article:.2f}x (linear: about 1), "
        f"peak memory {l_peak / s_peak:.2f}x for {large / small:.0f}x the articles"
    )


if __name__ == "__main__":
    main()
