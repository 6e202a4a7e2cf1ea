"""Real SPARQL servers for the tests, each on 127.0.0.1 with its own temporary database:
`oxigraph serve` (installed with the dev extra) and Virtuoso (Debian's `virtuoso-opensource`;
.ci/run installs it when missing).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Where Debian's package puts the HTTP server's static root (Virtuoso wants one).
VIRTUOSO_VSP = Path("/var/lib/virtuoso-opensource-7/vsp")
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running server: its query URL and its Graph Store URL."""

    name: str
    query: str
    store: str


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    assert found, "the `oxigraph` server is missing: pip install -e '.[dev]'"
    return found


def _wait(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert process.poll() is None, f"{url}: the server exited: {log.read_text()[-2000:]}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local
                if response.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer in {STARTUP_SECONDS} s"
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def oxigraph(location: Path) -> Iterator[Server]:
    """`oxigraph serve` on a free port."""
    port = free_port()
    log = location / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve",
                "--location",
                str(location / "db"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(process, base + "/", log)
            yield Server("oxigraph", base + "/query", base + "/store")
        finally:
            _stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {db}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""

#: Let the anonymous SPARQL user update and write graphs (GSP on /sparql-graph-crud). Only on
#: a throw-away database bound to 127.0.0.1.
VIRTUOSO_GRANTS = (
    "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"
)


def virtuoso_binaries() -> tuple[str, str]:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    assert server and isql, (
        "Virtuoso is missing: apt-get install -y virtuoso-opensource (.ci/run does it)"
    )
    return server, isql


@contextmanager
def virtuoso(location: Path) -> Iterator[Server]:
    """`virtuoso-t` in the foreground with a generated virtuoso.ini and its own database."""
    server, isql = virtuoso_binaries()
    db = location / "db"
    db.mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            db=db,
            sql_port=sql_port,
            http_port=http_port,
            vsp=VIRTUOSO_VSP if VIRTUOSO_VSP.is_dir() else db,  # only static pages live there
        ),
        "utf-8",
    )
    log = location / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=db,
        )
        try:
            base = f"http://127.0.0.1:{http_port}"
            _wait(process, base + "/sparql?query=ASK%7B%7D", log)
            subprocess.run(
                [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                check=True,
                capture_output=True,
                timeout=60,
                env={**os.environ, "HOME": str(location)},
            )
            yield Server("virtuoso", base + "/sparql", base + "/sparql-graph-crud")
        finally:
            _stop(process)
