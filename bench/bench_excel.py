"""Workbook writing speed and peak memory, split as a batch run splits it.

Writes N measure rows (40 per article) with the xlsx exporter in a child process (so that
its peak memory is its own): each article's rows are prepared (`ExcelRows`, what a worker
runs) and appended (what the writer process does), and the workbook is put together on
close. Prints rows/s of each side per CPU second (the machine may be shared) and the peak
RSS. Exit 1 when the peak is 300 MB or more.

    python bench/bench_excel.py            # 200,000 measure rows (the issue's figure)
    python bench/bench_excel.py --n 20000  # a quick look
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from exporters.excel import ExcelExporter
from schemas import Article, Evidence, Measure, MeasureGroup, Organization

#: The sides of the work, timed apart.
SIDES = ("prepare", "append")
MODES = ("streamed",)
ITEMS_PER_GROUP = 10
GROUPS_PER_ARTICLE = 4
ROWS_PER_ARTICLE = ITEMS_PER_GROUP * GROUPS_PER_ARTICLE
TARGET_MB = 300


def articles(rows: int) -> Iterator[Article]:
    """Articles with ROWS_PER_ARTICLE measure items each, made one at a time (memory stays flat)."""
    body = [f"第{i}段：聚焦“三个精准”，做好毕业生就业指导、培训和引导工作。" * 3 for i in range(12)]

    def measure(g: int, i: int) -> Measure:
        name = f"构建第{g}组第{i}项保障机制"
        text = f"{name}，成立工作专班，完善制度设计，明确责任分工，确保各项措施落到实处。"
        return Measure(
            name=name, text=text, evidence=Evidence(where="paragraph", paragraph=g, start=0, end=9)
        )

    count = (rows + ROWS_PER_ARTICLE - 1) // ROWS_PER_ARTICLE
    for number in range(count):
        left = min(ROWS_PER_ARTICLE, rows - number * ROWS_PER_ARTICLE)
        groups = []
        for g in range(GROUPS_PER_ARTICLE):
            items = [measure(g, i) for i in range(min(ITEMS_PER_GROUP, left - g * ITEMS_PER_GROUP))]
            if items:
                groups.append(
                    MeasureGroup(
                        label=f"{len(items)}个保障", declared_count=ITEMS_PER_GROUP, items=items
                    )
                )
        yield Article(
            id=f"NW{number:018d}",
            path=f"bench/{number:06d}.md",
            title=f"某某学院第{number}篇：打好组合拳毕业生就业三连升",
            published="2021-12-22T11:16:43+08:00",
            url=f"http://finews.example.org/html_News/NewsShare.html?infoCode=NW{number:018d}",
            organizations=[
                Organization(name=f"某某学院{number % 50}", kind="university", role="subject")
            ],
            measure_groups=groups,
            paragraphs=body,
        )


def child(mode: str, rows: int, outdir: Path) -> dict[str, float]:
    """Write the workbook; report CPU seconds of each side, wall seconds, peak RSS."""
    del mode
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    exporter = ExcelExporter(outdir)
    prepare = exporter.preparer()
    cpu = dict.fromkeys(SIDES, 0.0)
    wall = 0.0
    for article in articles(rows):
        started, started_cpu = time.perf_counter(), time.process_time()
        piece = prepare(article)
        middle = time.process_time()
        exporter.append(piece)
        wall += time.perf_counter() - started
        cpu["prepare"] += middle - started_cpu
        cpu["append"] += time.process_time() - middle
    started, started_cpu = time.perf_counter(), time.process_time()
    exporter.close()
    wall += time.perf_counter() - started
    cpu["append"] += time.process_time() - started_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = (outdir / "articles.xlsx").stat().st_size / 2**20
    return {
        "seconds": sum(cpu.values()),
        **{f"{side}_seconds": cpu[side] for side in SIDES},
        "wall": wall,
        "peak_mb": peak_mb,
        "baseline_mb": baseline_mb,
        "size_mb": size_mb,
    }


def run_child(mode: str, rows: int) -> dict[str, float]:
    """Run one mode in a fresh interpreter and read its figures."""
    with tempfile.TemporaryDirectory(prefix="bench-excel-") as folder:
        done = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--n", str(rows), "--out", folder],
            capture_output=True,
            text=True,
            check=True,
        )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    """Run both modes side by side and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="measure rows (default 200,000)")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n, args.out)))
        return 0
    print(f"xlsx exporter, {args.n:,} measure rows ({ROWS_PER_ARTICLE} per article)")
    r = run_child(MODES[0], args.n)
    print(f"{'side':<36}{'CPU s':>8}{'rows/s':>12}")
    labels = ("prepare (in the workers)", "append + close (the writer)")
    for side, what in zip(SIDES, labels, strict=True):
        seconds = r[f"{side}_seconds"]
        print(f"{what:<36}{seconds:>8.1f}{args.n / seconds:>12,.0f}")
    print(
        f"wall {r['wall']:.1f} s, peak {r['peak_mb']:.0f} MB (imports {r['baseline_mb']:.0f} MB),"
        f" file {r['size_mb']:.1f} MB"
    )
    ok = r["peak_mb"] < TARGET_MB
    print(f"peak {r['peak_mb']:.0f} MB {'<' if ok else '>='} {TARGET_MB} MB target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
