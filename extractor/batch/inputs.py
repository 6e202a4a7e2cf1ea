"""Finding the inputs: files under folders or URLs, walked lazily and in relative-path order."""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from extractor.remote import is_url, open_url, url_size, walk_url

INPUT_SUFFIXES = (".md", ".markdown", ".html", ".htm")


@dataclass(frozen=True)
class InputFile:
    """A file to extract and its path relative to the folder it was found in.

    `url` is set for a file in an object store (fsspec); `path` is then its path there.
    """

    path: Path
    rel: str
    url: str | None = None

    def size(self) -> int:
        """Size in bytes."""
        return url_size(self.url) if self.url else self.path.stat().st_size

    def open(self) -> IO[bytes]:
        """Open for reading bytes."""
        return open_url(self.url) if self.url else self.path.open("rb")

    def identity(self) -> str:
        """What makes two InputFiles the same file."""
        return self.url or str(self.path.resolve())


def iter_inputs(
    paths: Sequence[Path | str], suffixes: tuple[str, ...] = INPUT_SUFFIXES
) -> Iterator[InputFile]:
    """Input files under the given files/folders/URLs (recursive), in relative-path order, lazily.

    A file reachable from two of the given paths is taken from the first one.
    """
    for given in paths:
        if not is_url(str(given)) and not Path(given).exists():
            raise FileNotFoundError(f"no such file or folder: {given}")
    streams = [_walk_root(given, suffixes) for given in paths]
    if len(streams) == 1:
        yield from streams[0]
        return
    roots = [_root_identity(given) for given in paths]
    tagged = [_tag(index, stream) for index, stream in enumerate(streams)]
    for index, item in heapq.merge(*tagged, key=lambda pair: (pair[1].rel, str(pair[1].path))):
        identity = item.identity()
        if not any(identity == root or identity.startswith(root + "/") for root in roots[:index]):
            yield item


def _root_identity(given: Path | str) -> str:
    return str(given).rstrip("/") if is_url(str(given)) else str(Path(given).resolve())


def _tag(index: int, stream: Iterator[InputFile]) -> Iterator[tuple[int, InputFile]]:
    for item in stream:
        yield index, item


def _walk_root(given: Path | str, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    if is_url(str(given)):
        for rel, url in walk_url(str(given), suffixes):
            yield InputFile(Path(url.split("://", 1)[1]), rel, url)
        return
    given = Path(given)
    if given.is_file():
        yield InputFile(given, given.name)
    else:
        yield from _walk_dir(given, "", suffixes)



def _walk_dir(folder: Path, prefix: str, suffixes: tuple[str, ...]) -> Iterator[InputFile]:
    # Sorting each folder with a "/" after folder names gives exactly the order of the
    # full relative paths, without holding them all: "a-b" < "a/…" < "ab".
    with os.scandir(folder) as scan:
        entries = [(e.name + "/" if _is_dir(e) else e.name, e) for e in scan]
    entries.sort(key=lambda pair: pair[0])
    for key, entry in entries:
        if key.endswith("/"):
            yield from _walk_dir(Path(entry.path), prefix + key, suffixes)
        elif entry.name.lower().endswith(suffixes) and _is_file(entry):
            yield InputFile(Path(entry.path), prefix + entry.name)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    # Symlinked folders are not followed: they can loop.
    return entry.is_dir(follow_symlinks=False)


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def discover(
    paths: Sequence[Path | str], suffixes: tuple[str, ...] = INPUT_SUFFIXES
) -> list[InputFile]:
    """Input files under the given files/folders (recursive), sorted by relative path."""
    return list(iter_inputs(paths, suffixes))


def count_inputs(paths: Sequence[Path | str], suffixes: tuple[str, ...] = INPUT_SUFFIXES) -> int:
    """How many input files there are (for progress), without keeping them."""
    return sum(1 for _ in iter_inputs(paths, suffixes))
