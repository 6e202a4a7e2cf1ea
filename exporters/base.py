"""What every exporter is: a streaming writer of Articles into files under one output folder."""

from __future__ import annotations

import codecs
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from exporters.spool import SpoolCopier, Spooled, spool_folder

if TYPE_CHECKING:
    # annotations only: `newsfacts --help` must not import pydantic and the models
    from schemas import Article


#: What a worker makes of one article for one exporter: a picklable function of the Article
#: whose result (the exporter's "piece", ready to write) the writer process passes to `append`.
Preparer = Callable[["Article"], Any]


#: What a worker makes of one file's manifest record for an exporter that lists every input
#: file (the workbook's Files sheet): a picklable function; the writer passes its result to
#: `append_file`.
FilePreparer = Callable[[Mapping[str, Any]], Any]


def whole_article(article: Article) -> Article:
    """The preparer of an exporter that needs the Article itself (the default)."""
    return article


class Exporter(ABC):
    """Receives articles in path order; `close()` finalises its files atomically.

    A batch run splits the work: `preparer()` runs in the worker that extracted the article
    and turns it into a compact piece (lines, serialised rows, small tallies); the writer
    process only `append`s the pieces in path order. Rendering there spreads it over the
    workers, and the writer never unpickles whole Articles. `write(article)` is both in
    one process (a rebuild from the log, tests).
    """

    #: Canonical format name, as in DESIGN.md's table.
    name: ClassVar[str]
    #: Files written, relative to the output folder.
    files: ClassVar[tuple[str, ...]]

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir

    @abstractmethod
    def write(self, article: Article) -> None:
        """Add one article."""

    def preparer(self) -> Preparer:
        """The function a worker runs on each article for this exporter (module level or a
        frozen dataclass, so that it pickles); default: the Article itself, for `write`."""
        return whole_article

    def append(self, piece: Any) -> None:
        """Add what `preparer()` made of one article (default: the Article, to `write`)."""
        self.write(piece)

    def spool(self) -> str | None:
        """A folder where workers that share this disk write their pieces instead of sending
        them (`exporters.spool`), or None (the default): pieces are sent."""
        return None

    def file_preparer(self) -> FilePreparer | None:
        """For an exporter that lists every input file: what a worker runs on each file's
        manifest record, as it is made. None (the default): the exporter lists no files, or
        reads them from the manifest on close."""
        return None

    def append_file(self, piece: Any) -> None:  # noqa: B027 - optional, see file_preparer
        """Add what `file_preparer()` made of one file's manifest record, in path order."""

    def sync(self) -> None:  # noqa: B027 - optional hook: only streamed files have data to sync
        """Put what is written so far on disk, ahead of `close()` (a thread may run it while
        another exporter closes; close follows once it returns). Default: nothing."""

    @abstractmethod
    def close(self) -> None:
        """Finish writing and move the files into place."""

    def abort(self) -> None:  # noqa: B027 - optional hook: most exporters have nothing to undo
        """Drop partial output after an error (default: nothing to do)."""


class LineExporter(Exporter):
    """An exporter that streams one block of lines per article into one file (files[0]):
    JSON Lines, N-Quads. Nothing is held in memory; `close()` renames the file into place."""

    def __init__(self, outdir: Path) -> None:
        super().__init__(outdir)
        self.out = AtomicFile(outdir / self.files[0])
        self.spooled = SpoolCopier(self.out)

    @staticmethod
    @abstractmethod
    def render(article: Article) -> str:
        """The article's lines, each ending in a newline (a static method: the preparer)."""

    def preparer(self) -> Preparer:
        """`render`, run in the worker, its text encoded there: the writer appends bytes."""
        return EncodedLines(type(self).render)

    def spool(self) -> str:
        """A folder where workers that share this disk write their pieces (see
        `exporters.spool`); `append` then takes their places."""
        if self.spooled.folder is None:
            self.spooled.folder = spool_folder()
        return self.spooled.folder

    def append(self, piece: Any) -> None:
        """Append lines rendered (and encoded) in a worker, sent or spooled."""
        if isinstance(piece, Spooled):
            self.spooled.add(piece)
            return
        self.spooled.drain()  # the places before it come first
        self.out.write_bytes(piece)

    def write(self, article: Article) -> None:
        """Append the article's lines."""
        self.spooled.drain()
        self.out.write(self.render(article))

    def sync(self) -> None:
        """Put the file's lines on disk."""
        self.spooled.close()
        self.out.sync()

    def close(self) -> None:
        """Rename into place."""
        self.spooled.close()
        self.out.commit()

    def abort(self) -> None:
        """Drop the partial file."""
        self.spooled.discard()
        self.out.discard()


# A plain class, not a frozen dataclass: a fresh process makes the class in 0.05 ms, not 0.3.
class EncodedLines:
    """A LineExporter's preparer: its `render`, the text encoded as UTF-8 in the worker.

    Bytes, not text, cross to the writer: a text would be decoded from the pickle there and
    encoded again on writing, two passes over every character in the one process that all
    workers wait on (for N-Quads, 20 kB an article).
    """

    __slots__ = ("render",)

    def __init__(self, render: Callable[[Article], str]) -> None:
        self.render = render

    def __call__(self, article: Article) -> bytes:
        """The article's lines as UTF-8."""
        return self.render(article).encode("utf-8")


#: Bytes an output file buffers before it writes: pieces of 1-20 kB an article are copied
#: into the buffer rather than each written by a system call of its own. Not more: the
#: writer holds one per file (a dozen with every output on), and a larger buffer's pages
#: become resident only in longer runs, which the memory bound compares with short ones.
WRITE_BUFFER = 128 << 10


class AtomicFile:
    """A file written beside its target as `.part`, renamed into place on `commit()`.

    Readers never see a half-written output: either the old file or the new one. It takes
    text (`write`, encoded with `encoding`; a "utf-8-sig" file starts with the byte-order
    mark) and bytes already encoded as UTF-8 (`write_bytes`); lines are written as given
    (no newline translation).
    """

    def __init__(self, target: Path, *, encoding: str = "utf-8") -> None:
        self.target = target
        self.partial = target.with_name(target.name + ".part")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.handle: IO[bytes] = self.partial.open("wb", buffering=WRITE_BUFFER)
        if encoding == "utf-8-sig":
            self.handle.write(codecs.BOM_UTF8)

    def write(self, text: str) -> None:
        """Append text."""
        self.handle.write(text.encode(self.encoding))

    def write_bytes(self, data: bytes) -> None:
        """Append bytes (UTF-8 text encoded where it was made)."""
        self.handle.write(data)

    def copy_from(self, source: int, offset: int, length: int) -> None:
        """Append `length` bytes at `offset` of the open file `source`, copied by the kernel."""
        self.handle.flush()  # what the buffer holds comes first
        target = self.handle.fileno()
        while length > 0:
            try:
                done = os.copy_file_range(source, target, length, offset)
            except (AttributeError, OSError):  # not Linux, or not between these two files
                os.lseek(source, offset, os.SEEK_SET)
                done = self.handle.write(os.read(source, length))
                self.handle.flush()
            if done <= 0:
                raise OSError(f"spool file ended {length} bytes early")
            offset, length = offset + done, length - done

    def sync(self) -> None:
        """Flush to disk what is written so far (commit then has little left to wait for)."""
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def commit(self) -> None:
        """Flush to disk and rename over the target."""
        self.sync()
        self.handle.close()
        self.partial.replace(self.target)

    def discard(self) -> None:
        """Close and delete the partial file."""
        self.handle.close()
        self.partial.unlink(missing_ok=True)
