"""Headless Chromium for the report tests, driven over the DevTools protocol (CDP).

One browser serves every page of a test: commands go to Chromium's `--remote-debugging-pipe`
(NUL-separated JSON on its file descriptors 3 and 4), so no websocket library and no open
port are needed. A page gives back its DOM after its scripts ran, and every console message,
uncaught exception and error the browser logged for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    "--remote-debugging-pipe",
)
TIMEOUT_S = 60.0
#: What the browser says about a page that the tests count as a console message.
CONSOLE_EVENTS = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")
LOG_LEVELS = ("error", "warning")


@dataclass(frozen=True)
class Page:
    """A page as Chromium left it: its serialised DOM and what its console said."""

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


class Browser:
    """One headless Chromium; `open(url)` loads a page in a new tab and returns a Page."""

    def __init__(self) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="nf-chromium-")
        # The shell gives Chromium our pipes as fds 3 (commands in) and 4 (answers out).
        self.process = subprocess.Popen(
            [
                "sh",
                "-c",
                'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null',
                "sh",
                chromium(),
                *FLAGS,
                f"--user-data-dir={self.profile.name}",
                "about:blank",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.buffer = b""
        self.last_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Ask the browser to quit; kill it if it does not."""
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.profile.cleanup()

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send one command and return its result (events seen meanwhile are kept)."""
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\0")
        self.process.stdin.flush()
        while True:
            answer = self._read()
            if answer.get("id") == self.last_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self.events.append(answer)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """The first event of this kind for this tab."""
        while True:
            for event in self.events:
                if event.get("method") == method and event.get("sessionId") == session:
                    self.events.remove(event)
                    return event
            self.events.append(self._read())

    def open(self, url: str | Path) -> Page:
        """Load a page (a file path, or a URL with a query) and return its DOM and console."""
        address = url.as_uri() if isinstance(url, Path) else url
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Page.navigate", {"url": address}, session)
        self.wait_for("Page.loadEventFired", session)
        dom = self.send(
            "Runtime.evaluate",
            {"expression": "document.documentElement.outerHTML", "returnByValue": True},
            session,
        )["result"]["value"]
        console = [
            describe(event)
            for event in self.events
            if event.get("sessionId") == session and counts(event)
        ]
        self.events = [e for e in self.events if e.get("sessionId") != session]
        self.send("Target.closeTarget", {"targetId": target})
        return Page(dom, console)

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        deadline = time.monotonic() + TIMEOUT_S
        fd = self.process.stdout.fileno()
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(line)
        return message


def counts(event: dict[str, Any]) -> bool:
    """Whether an event is a console message the tests must not see."""
    method = event.get("method")
    if method == "Log.entryAdded":
        return event["params"]["entry"].get("level") in LOG_LEVELS
    return method in CONSOLE_EVENTS


def describe(event: dict[str, Any]) -> str:
    """One line for a console event."""
    params = event["params"]
    if event["method"] == "Runtime.consoleAPICalled":
        values = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
        return f"console.{params['type']}: {' '.join(values)}"
    if event["method"] == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        exception = details.get("exception", {})
        return f"uncaught: {exception.get('description', details.get('text'))}"
    entry = params["entry"]
    return f"log {entry.get('level')}: {entry.get('text')} {entry.get('url', '')}".rstrip()


def screenshot(url: str | Path, png: Path, width: int, height: int) -> None:
    """Chromium's own --screenshot of a page."""
    address = url.as_uri() if isinstance(url, Path) else url
    with tempfile.TemporaryDirectory(prefix="nf-chromium-") as profile:
        subprocess.run(
            [
                chromium(),
                *FLAGS[:-1],
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={png}",
                address,
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
