"""One file -> its record or its failure: what a worker process or a Dask task runs."""

from __future__ import annotations

import codecs
import hashlib
import json
import traceback
from dataclasses import dataclass, field

from exporters.jsonl import article_line
from extractor.batch.inputs import InputFile
from extractor.decode import WIDE_BOMS, decode
from extractor.errors import InputError
from extractor.pipeline import extract_article
from schemas import Article

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class FileResult:
    """The outcome for one file: its manifest line, and the article when it was read."""

    rel: str
    size: int
    sha256: str
    encoding: str | None
    status: str  # ok | failed | skipped
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    article: Article | None = None
    traceback: str | None = None
    #: True when a resumed run kept this file's record from the log instead of extracting it.
    reused: bool = False
    #: The article's articles.jsonl line, serialised where it was extracted (in the worker).
    line: str | None = None

    def manifest_line(self) -> str:
        """The line written to manifest.jsonl."""
        record = {
            "path": self.rel,
            "size": self.size,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "status": self.status,
            "reason": self.reason,
            "warnings": self.warnings,
        }
        return json.dumps(record, ensure_ascii=False) + "\n"


def process_file(item: InputFile, max_bytes: int = DEFAULT_MAX_BYTES) -> FileResult:
    """Read and extract one file; never raises: a problem becomes a failed result."""
    try:
        size = item.size()
        if size > max_bytes:
            return FileResult(
                item.rel, size, "", None, "failed", f"too large: {size} bytes > {max_bytes}"
            )
        with item.open() as handle:
            data = handle.read()
    except OSError as exc:
        return FileResult(item.rel, 0, "", None, "failed", f"unreadable: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - a store's client raises its own error types
        return FileResult(item.rel, 0, "", None, "failed", f"unreadable: {exc}")
    digest = hashlib.sha256(data).hexdigest()
    try:
        article = extract_article(item.rel, data)
    except InputError as exc:
        return FileResult(item.rel, len(data), digest, None, "failed", exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return FileResult(
            item.rel,
            len(data),
            digest,
            None,
            "failed",
            f"internal error: {type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )
    encoding = _encoding_of(data)
    return FileResult(
        item.rel, len(data), digest, encoding, "ok", None, list(article.warnings), article
    )


def _encoding_of(data: bytes) -> str:
    # What `decode` settles on, without its text check (which extract_article has just
    # passed): the BOM's codec, else strict UTF-8 (the common case, one cheap decode), else
    # the full path (repairs, detection).
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for bom, codec in WIDE_BOMS:
        if data.startswith(bom):
            return codec
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return decode(data)[1]
    return "utf-8"


def process_chunk(
    items: list[InputFile], max_bytes: int = DEFAULT_MAX_BYTES, keep_articles: bool = True
) -> list[FileResult]:
    """`process_file` over a chunk: what a worker process or a Dask task runs.

    Each result carries its JSON line, serialised here so that the work is spread over
    the workers; without `keep_articles` the Article itself is not sent back (when the
    log is the only output, the writer needs nothing else).
    """
    results = [process_file(item, max_bytes) for item in items]
    for result in results:
        if result.article is not None:
            result.line = article_line(result.article)
            if not keep_articles:
                result.article = None
    return results


def lost_chunk(items: list[InputFile], exc: BaseException) -> list[FileResult]:
    """Failed results for a chunk whose worker never answered (the batch goes on)."""
    reason = f"internal error: worker lost: {type(exc).__name__}: {exc}"
    return [FileResult(item.rel, 0, "", None, "failed", reason) for item in items]
