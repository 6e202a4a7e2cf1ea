"""The batch runner: files -> `extract_article` -> records in path order -> the log and writers.

`articles.jsonl` and `manifest.jsonl` are the durable log: written record by record in
path order and flushed, so an interrupted run keeps every finished record. A run with
`resume=True` repairs a torn last line, skips the files whose sha256 is already in
the manifest, and appends the rest; the other formats (xlsx, RDF, CSV) are rebuilt
from the log and renamed into place.

- `inputs`: walking folders and URLs in path order, what is skipped, path handling;
- `worker`: one file -> its record or its failure (what a worker process runs);
- `limits`: the time budget per file, the memory bound per worker;
- `log`: the durable append and its repair after a kill;
- `resume`: planning a resumed run, and the sink that applies the plan to the log;
- `record`: each outcome written in path order (distinct ids, a lost worker's files);
- `ids`: distinct article ids within a run;
- `outdir`: what a run leaves in its folder (found, replaced);
- `run`: the loop, the formats, the summary.
"""

from extractor.batch.inputs import INPUT_SUFFIXES, InputFile, count_inputs, discover, iter_inputs
from extractor.batch.log import ARTICLES, MANIFEST, LogWriter, ResumeError, read_log, repair_log
from extractor.batch.resume import plan_resume
from extractor.batch.run import (
    CHUNK_SIZE,
    RUN,
    Summary,
    default_formats,
    export_log,
    open_exporters,
    run_batch,
)
from extractor.batch.worker import (
    DEFAULT_MAX_BYTES,
    FileResult,
    lost_chunk,
    process_chunk,
    process_file,
)

__all__ = [
    "ARTICLES",
    "CHUNK_SIZE",
    "DEFAULT_MAX_BYTES",
    "INPUT_SUFFIXES",
    "MANIFEST",
    "RUN",
    "FileResult",
    "InputFile",
    "LogWriter",
    "ResumeError",
    "Summary",
    "count_inputs",
    "default_formats",
    "discover",
    "export_log",
    "iter_inputs",
    "lost_chunk",
    "open_exporters",
    "plan_resume",
    "process_chunk",
    "process_file",
    "read_log",
    "repair_log",
    "run_batch",
]
