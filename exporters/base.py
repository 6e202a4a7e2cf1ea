"""What every exporter is: a streaming writer of Articles into files under one output folder."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    # annotations only: `newsfacts --help` must not import pydantic and the models
    from schemas import Article


#: What a worker makes of one article for one exporter: a picklable function of the Article
#: whose result (the exporter's "piece", ready to write) the writer process passes to `append`.
Preparer = Callable[["Article"], Any]


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

    @staticmethod
    @abstractmethod
    def render(article: Article) -> str:
        """The article's lines, each ending in a newline (a static method: the preparer)."""

    def preparer(self) -> Preparer:
        """`render`, run in the worker: the writer appends the text."""
        return type(self).render

    def append(self, piece: Any) -> None:
        """Append lines rendered in a worker."""
        self.out.write(piece)

    def write(self, article: Article) -> None:
        """Append the article's lines."""
        self.out.write(self.render(article))

    def close(self) -> None:
        """Rename into place."""
        self.out.commit()

    def abort(self) -> None:
        """Drop the partial file."""
        self.out.discard()


class AtomicFile:
    """A text file written beside its target as `.part`, renamed into place on `commit()`.

    Readers never see a half-written output: either the old file or the new one.
    """

    def __init__(self, target: Path, *, encoding: str = "utf-8", newline: str = "\n") -> None:
        self.target = target
        self.partial = target.with_name(target.name + ".part")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.handle: IO[str] = self.partial.open("w", encoding=encoding, newline=newline)

    def write(self, text: str) -> None:
        """Append text."""
        self.handle.write(text)

    def commit(self) -> None:
        """Flush to disk and rename over the target."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        self.partial.replace(self.target)

    def discard(self) -> None:
        """Close and delete the partial file."""
        self.handle.close()
        self.partial.unlink(missing_ok=True)
