"""What a run leaves in its output folder: found before a new run, removed by --overwrite.

A folder holds one run: a new run into a folder holding a previous one is refused
unless it resumes that run or replaces it (every output of the old run goes, the
formats not asked for this time included), so the folder never mixes two runs.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable
from pathlib import Path

from exporters import REGISTRY, resolve
from extractor.batch.log import ARTICLES, MANIFEST
from extractor.batch.run import RUN

#: The files every run writes, whatever its formats.
LOG_FILES = (ARTICLES, MANIFEST, RUN)
PART = ".part"


def format_files(names: Iterable[str] | None = None) -> list[str]:
    """The files (relative to the folder) of the given formats; all registered ones by default.

    Read from the registry's `files` (comma-separated; `report/` is a folder), not from the
    exporter classes: importing every writer (openpyxl, rdflib, Jinja2…) to learn its file
    names cost each run into a used folder 0.1 s (tests/test_cli.py checks they agree).
    """
    files: list[str] = []
    for name in REGISTRY if names is None else names:
        files.extend(REGISTRY[resolve(name)].files.split(", "))
    return files


def run_outputs(outdir: Path) -> list[Path]:
    """The outputs of a run found in `outdir` (empty when it holds none).

    Partial files alone are not a run (a kill leaves the log beside them); --overwrite
    removes them with the rest.
    """
    if not outdir.is_dir() or not any(outdir.iterdir()):
        return []  # the common case, decided without importing every writer
    names = dict.fromkeys([*LOG_FILES, *format_files()])
    return [outdir / name for name in names if (outdir / name).exists()]


def remove_outputs(outdir: Path, names: Iterable[str]) -> None:
    """Remove these outputs (and their partial files); a subfolder of a format goes whole."""
    for name in names:
        top = Path(name).parts[0]
        if top != name:  # csv/articles.csv: the format's own folder
            shutil.rmtree(outdir / top, ignore_errors=True)
            continue
        for candidate in (outdir / name, outdir / (name + PART)):
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()


def clear_run(outdir: Path) -> None:
    """--overwrite: remove every output of the previous run in `outdir`."""
    remove_outputs(outdir, [*LOG_FILES, *format_files()])


def clear_other_formats(outdir: Path, kept: Iterable[str]) -> None:
    """--resume: formats not rebuilt now would describe the run as it was; remove them."""
    keep = set(format_files(kept))
    stale = [name for name in format_files() if name not in keep and name != ARTICLES]
    remove_outputs(outdir, stale)
