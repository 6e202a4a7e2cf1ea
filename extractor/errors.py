"""Why a file could not be extracted: a fixed, documented list of reasons.

The manifest's `reason` is one of these phrases, optionally followed by
": detail". Tests and users can rely on the phrase; the detail is for people.
"""

from __future__ import annotations

#: code -> phrase written in the manifest. Keep README's table in sync.
REASONS: dict[str, str] = {
    "empty": "empty file",
    "not_text": "not text",
    "too_large": "too large",
    "unclosed_front_matter": "unclosed front matter",
    "bad_front_matter": "bad front matter",
    "no_body": "front matter only",
    "unreadable": "unreadable",
    "timeout": "timed out",
    "memory": "too much memory",
    "internal": "internal error",
}


#: code -> phrase of a `skipped` manifest line: an entry named like an input that is never
#: opened (opening a FIFO would block; a symlink loop has no end). Keep README in sync.
SKIPS: dict[str, str] = {
    "not_regular": "not a regular file",
    "symlink_loop": "symlink loop",
    "dangling_link": "dangling link",
}


class InputError(Exception):
    """The file cannot give an Article; `reason` is the manifest's text."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in REASONS:
            raise ValueError(f"unknown failure code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        """The phrase from REASONS, with the detail after a colon when there is one."""
        phrase = REASONS[self.code]
        return f"{phrase}: {self.detail}" if self.detail else phrase
