"""The writer's sustained rate against one worker's, on distinct real posts, default outputs.

What a batch run splits between processes, timed apart in this one process by CPU time:

- one worker: `process_chunk` over chunks of files (read, extract, the log line, every
  exporter's piece) and pickling the results, as a worker sends them back;
- the writer: unpickling those results and recording them in path order (distinct ids, the
  log and manifest, each exporter's `append`): its sustained rate; then closing the exporters
  (the workbook is put together then), a cost once a run, printed apart.

The writer must keep up with the workers: its sustained rate is printed against one worker's
(target >= 3x, so that two workers, or more, are not held back by it).

    python -m bench.bench_writer             # 3,000 bulk items
    python -m bench.bench_writer --posts 600
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.bench_extract import Post, bulk_posts, unpack
from extractor.batch.inputs import InputFile
from extractor.batch.record import Isolate, Recorder
from extractor.batch.resume import Sink, Todo
from extractor.batch.run import CHUNK_SIZE, _close, default_formats, open_exporters
from extractor.batch.worker import NO_LIMITS, process_chunk
from extractor.engines import SerialEngine

POSTS = 3_000
#: The writer must append at least this many times as fast as one worker extracts.
TARGET = 3.0


@dataclass
class Rates:
    """CPU seconds of each side over the same posts."""

    posts: int
    worker: float
    writer: float
    close: float

    def line(self) -> str:
        """The figures and the ratio, one line each."""
        worker = self.posts / self.worker
        sustained = self.posts / self.writer
        overall = self.posts / (self.writer + self.close)
        return (
            f"one worker (extract + log line + pieces + pickle): {worker:8.0f} articles/s CPU\n"
            f"the writer (unpickle + record + append):           {sustained:8.0f} articles/s CPU\n"
            f"  with closing the outputs ({1000 * self.close:.0f} ms, once a run):"
            f" {overall:8.0f} articles/s CPU\n"
            f"writer / worker = {sustained / worker:.1f}x sustained (target >= {TARGET:g}),"
            f" {overall / worker:.1f}x with the close"
        )


def measure(posts: list[Post], formats: list[str]) -> Rates:
    """Both sides over the posts (unpacked into a temporary folder), output into another."""
    with tempfile.TemporaryDirectory(prefix="newsfacts-writer-") as scratch:
        folder = unpack(posts, Path(scratch) / "in")
        out = Path(scratch) / "out"
        out.mkdir()
        items = [InputFile(folder / name, name) for name, _ in sorted(posts)]
        exporters = open_exporters(out, formats)
        preparers = tuple(exporter.preparer() for exporter in exporters)
        file_preparers = tuple(exporter.file_preparer() for exporter in exporters)
        work = partial(process_chunk, preparers=preparers, file_preparers=file_preparers)
        # warm: rule files, tables, imports (the cold start is measured apart)
        work(items[:1])
        start = time.process_time()
        sent = [
            pickle.dumps(work(items[i : i + CHUNK_SIZE])) for i in range(0, len(items), CHUNK_SIZE)
        ]
        worker = time.process_time() - start
        sink = Sink(out, resume=False)
        isolate = Isolate(SerialEngine(), process_chunk, NO_LIMITS)
        record = Recorder(
            sink, exporters, isolate, None, preparers=preparers, file_preparers=file_preparers
        )
        start = time.process_time()
        for blob in sent:
            for result in pickle.loads(blob):  # noqa: S301 - our own results
                record(Todo(InputFile(Path(result.rel), result.rel), before_old=False), result)
            sink.flush()  # as the runner does after each chunk
        record.close()
        sink.close()
        writer = time.process_time() - start
        start = time.process_time()
        _close(exporters)
        close = time.process_time() - start
    return Rates(len(items), worker, writer, close)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=POSTS)
    args = parser.parse_args()
    formats = default_formats()
    print(f"{args.posts} distinct bulk posts, default outputs: log, manifest, {', '.join(formats)}")
    print(measure(bulk_posts(args.posts), formats).line())


if __name__ == "__main__":
    main()
