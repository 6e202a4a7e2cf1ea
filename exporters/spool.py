"""Line outputs' pieces handed over through a file instead of the result pipe (local engine).

A line exporter's piece (N-Quads: 21 kB of the 30 kB a worker sends back for a bulk post)
would cross to the writer inside the pickled results: the writer process then copies it five
times (the pipe's read, multiprocessing's buffer, the unpickler, the output's buffer, the
write), CPU the workers lose when they have every core. A worker of the local engine shares
the writer's disk: it writes a chunk's pieces of such an exporter to one spool file and sends
their places (`Spooled`); the writer copies each run of consecutive places into the output in
the kernel (`os.copy_file_range`), one system call a chunk. The output's bytes are the same:
the places are copied in the order the writer appends them, and a piece made in the writer (a
record renamed for a duplicate id) is written between them as before.

A spool file that cannot be written leaves its chunk's pieces as bytes (sent as before); the
spool folder is removed when its exporter closes or aborts; one a run killed with -9 left in
the system's temporary folder is removed by a later run that spools, once idle for an hour.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from exporters.base import AtomicFile
    from extractor.batch.worker import FileResult


class Spooled(NamedTuple):
    """A piece a worker wrote to a spool file: `length` bytes at `offset` of `path`."""

    path: str
    offset: int
    length: int


#: A spool folder's name: the prefix, the writer process's id, a random part.
SPOOL_PREFIX = "newsfacts-spool-"
#: Seconds a folder of no living process must have been idle (no spool file made or removed
#: in it) before it is taken for a killed run's: a temporary folder shared with another
#: process-id namespace (a container) can hold a live run whose writer's id means nothing
#: here, and a live run makes and removes a spool file every chunk.
ORPHAN_IDLE = 3600.0


def spool_folder() -> str:
    """A new folder for one exporter's spool files (the writer makes it, workers write there).

    The folders a writer killed with -9 left behind (its process id is in the name and no
    process has it now) are removed first, so they do not pile up run after run.
    """
    _remove_orphans(Path(tempfile.gettempdir()))
    return tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-")


def _remove_orphans(folder: Path) -> None:
    now = time.time()
    for path in folder.glob(f"{SPOOL_PREFIX}*-*"):
        pid = path.name[len(SPOOL_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and _idle(path, now) > ORPHAN_IDLE:
            shutil.rmtree(path, ignore_errors=True)


def _idle(path: Path, now: float) -> float:
    """Seconds since a file was last made or removed in the folder (0 if it is gone)."""
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: leave its folder
        return True
    return True


def spool_chunk(results: Sequence[FileResult], index: int, folder: str) -> None:
    """Write the bytes pieces at `index` of the results to one file in `folder`, each piece
    replaced by its place; when the file cannot be written, the pieces stay as they are."""
    held = [r for r in results if r.pieces is not None and isinstance(r.pieces[index], bytes)]
    if not held:
        return
    path = ""
    try:
        handle, path = tempfile.mkstemp(dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(b"".join(r.pieces[index] for r in held if r.pieces is not None))
    except OSError:
        if path:
            with contextlib.suppress(OSError):
                Path(path).unlink()
        return
    offset = 0
    for result in held:
        pieces = list(result.pieces or ())
        length = len(pieces[index])
        pieces[index] = Spooled(path, offset, length)
        result.pieces = tuple(pieces)
        offset += length


class SpoolCopier:
    """Copies spooled places into an output file in order, a run of consecutive places (a
    chunk's) at once; each spool file is deleted once the places move on to another."""

    def __init__(self, out: AtomicFile) -> None:
        self.out = out
        self.folder: str | None = None
        self.path = ""
        self.handle = -1
        self.start = self.end = 0  # the run of places not copied yet

    def add(self, place: Spooled) -> None:
        """Copy `place` after what came before (now or with the places that follow it)."""
        if place.path == self.path and place.offset == self.end:
            self.end += place.length
            return
        self.drain()
        if place.path != self.path:
            self._open(place.path)
        self.start, self.end = place.offset, place.offset + place.length

    def drain(self) -> None:
        """Copy the places held back (before anything else is written to the output)."""
        if self.end > self.start:
            self.out.copy_from(self.handle, self.start, self.end - self.start)
        self.start = self.end

    def close(self) -> None:
        """Copy what is held back, delete the last spool file and the folder."""
        self.drain()
        self._open("")
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def discard(self) -> None:
        """Drop what is held back and every spool file."""
        self.start = self.end
        self._open("")
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _open(self, path: str) -> None:
        if self.handle >= 0:
            os.close(self.handle)
            with contextlib.suppress(OSError):
                Path(self.path).unlink()
        self.path, self.handle = path, (os.open(path, os.O_RDONLY) if path else -1)
