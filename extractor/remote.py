"""Inputs in an object store or any filesystem fsspec knows (s3://, gs://, az://, file://).

Optional: fsspec comes with the `dask` extra; a store needs its own package (s3fs,
gcsfs, adlfs). Used by the batch runner when a path given is a URL, so Dask workers
on other machines read the posts from the store itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import IO, Any, cast


class MissingExtraError(RuntimeError):
    """An optional dependency is not installed; the message says what to install."""


def is_url(text: str) -> bool:
    """True for `proto://…` (an fsspec URL), false for a local path."""
    return "://" in text


def _fsspec() -> Any:
    try:
        # Untyped (Any): an optional dependency without type information.
        return importlib.import_module("fsspec")
    except ImportError as exc:
        raise MissingExtraError("URL inputs need fsspec: pip install 'newsfacts[dask]'") from exc


def walk_url(url: str, suffixes: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(relative path, URL) of each input file under a URL, in relative-path order.

    Object stores list flat, so the listing is sorted in memory (names only).
    """
    fs, root = _fsspec().core.url_to_fs(url)
    if fs.isfile(root):
        yield root.rsplit("/", 1)[-1], url
        return
    if not fs.isdir(root):
        raise FileNotFoundError(f"no such file or folder: {url}")
    base = root.rstrip("/") + "/"
    found = [
        (path[len(base) :], fs.unstrip_protocol(path))
        for path in fs.find(root)
        if path.startswith(base) and path.lower().endswith(suffixes)
    ]
    yield from sorted(found)


def open_url(url: str) -> IO[bytes]:
    """The file at a URL, opened for reading bytes."""
    return cast(IO[bytes], _fsspec().open(url, "rb").open())


def url_size(url: str) -> int:
    """The size in bytes of the file at a URL."""
    fs, path = _fsspec().core.url_to_fs(url)
    return int(fs.size(path))
