"""The Python API of newsfacts: one file to an Article, or a whole run to an output folder.

    import newsfacts
    article = newsfacts.extract_file("samples/2021-12-22-NW202112222222391066.md")
    print(article.title, [g.label for g in article.measure_groups])

A thin layer over `extractor.pipeline.extract_article` and the batch runner the CLI uses,
so the API and `newsfacts extract` give the same records byte for byte.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from extractor import __version__
from extractor.errors import InputError
from extractor.pipeline import extract_article
from extractor.remote import is_url
from schemas import (
    Article,
    Evidence,
    Measure,
    MeasureGroup,
    Organization,
    Person,
    Source,
)

if TYPE_CHECKING:
    from extractor.batch import Summary

__all__ = [
    "Article",
    "Evidence",
    "InputError",
    "Measure",
    "MeasureGroup",
    "Organization",
    "Person",
    "Source",
    "Summary",
    "__version__",
    "extract_bytes",
    "extract_file",
    "run",
]

StrPath = str | PathLike[str]

#: As in the CLI: the objects the extractor built (the region table, the rules) are frozen at
#: exit, so that the interpreter's last collections do not walk them (0.1 s).
atexit.register(gc.freeze)


def __getattr__(name: str) -> Any:
    """`Summary`, imported with the batch runner when first asked for: a process that only
    extracts files does not load the runner (its pool, multiprocessing: 0.02 s of a start)."""
    if name == "Summary":
        from extractor.batch import Summary  # noqa: PLC0415

        return Summary
    raise AttributeError(f"module 'newsfacts' has no attribute {name!r}")


def extract_file(path: StrPath) -> Article:
    """Extract one file; the record's `path` is its file name, as `newsfacts show` gives it.

    Raises InputError (with `.reason`) when the file cannot be read as an article.
    """
    file = Path(path)
    return extract_article(file.name, file.read_bytes())


def extract_bytes(path: str | PurePath, data: bytes) -> Article:
    """Extract an article from its bytes; `path` is only recorded (and names the format)."""
    return extract_article(path, data)


def run(
    inputs: StrPath | Sequence[StrPath],
    out: StrPath,
    formats: Iterable[str] | None = None,
    *,
    resume: bool = False,
) -> Summary:
    """Extract every post under `inputs` into the folder `out`, as `newsfacts extract` does.

    Writes articles.jsonl, manifest.jsonl, run.json and the `formats` (names or aliases
    from `newsfacts formats`; None: the CLI's default, xlsx and nquads where installed).
    Returns the run's counts; a file that fails is a manifest line, not an exception.
    """
    from extractor.batch import default_formats, iter_inputs, run_batch  # noqa: PLC0415

    given = [inputs] if isinstance(inputs, str | PathLike) else list(inputs)
    paths: list[Path | str] = [str(p) if is_url(str(p)) else Path(p) for p in given]
    chosen = default_formats() if formats is None else list(formats)
    return run_batch(
        iter_inputs(paths), Path(out), chosen, options={"formats": chosen}, resume=resume
    )
