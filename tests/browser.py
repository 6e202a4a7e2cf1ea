"""Headless Chromium for the report tests: the DOM after scripts ran, and the console's messages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Flags for a quiet, offline, reproducible headless run (a fresh profile every time).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)
#: How Chromium logs a page's console message (console.log/error, uncaught exceptions,
#: resources that failed to load) on stderr.
CONSOLE_LINE = re.compile(r":CONSOLE(?:\(\d+\))?(?::\d+)?\] (.*)")
TIMEOUT_S = 120


@dataclass(frozen=True)
class Page:
    """A page as Chromium left it: its serialised DOM and its console messages."""

    dom: str
    console: list[str]


def chromium() -> str:
    """The Chromium binary; skip outside CI when it is not installed (.ci/run installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def console_messages(stderr: str) -> list[str]:
    """The page's console messages in Chromium's log."""
    return [m.group(1) for m in map(CONSOLE_LINE.search, stderr.splitlines()) if m]


def run_chromium(*args: str) -> subprocess.CompletedProcess[str]:
    """Chromium with the test flags and a fresh profile folder."""
    with tempfile.TemporaryDirectory(prefix="nf-chromium-") as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=True,
        )


def load(url_or_path: str | Path) -> Page:
    """Open a page (a file path or a file:// URL with a query) and dump its DOM."""
    url = url_or_path.as_uri() if isinstance(url_or_path, Path) else url_or_path
    done = run_chromium("--dump-dom", url)
    return Page(done.stdout, console_messages(done.stderr))
