"""Copies of a checkout, timed by the benches beside this one: another checkout's code
byte-compiled (`checkout_copy`, for `--against`), and this checkout compiled with mypyc
(`compiled_copy`: what `pip install .` builds, beside what an editable install runs; setup.py
says which modules are compiled and why).

The compiled copy is made once per content: its folder under the cache is named by a digest of the
packages, setup.py and pyproject.toml, so a second run of a bench reuses it (the compile takes
about a minute and a half). The caller puts the folder first on the path of a subprocess
(PYTHONSAFEPATH=1, so that the checkout's own sources are not found before it).

    python -m bench.compiled    # build (or find) the copy of this checkout; print its folder
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What the copy holds: newsfacts' packages and the build's two files.
PACKAGES = ("newsfacts", "extractor", "schemas", "exporters")
BUILD_FILES = ("setup.py", "pyproject.toml")
#: Where the copies are kept (one folder per content digest).
CACHE = Path(tempfile.gettempdir()) / "newsfacts-compiled"
#: Copies kept in CACHE (the newest): one per recent content of a checkout.
KEEP = 3
_NO_CACHE = shutil.ignore_patterns("__pycache__", "*.so", "build")


def byte_compile(folder: Path) -> None:
    """Byte-compile newsfacts' packages under folder, as `pip install` leaves them (under
    PYTHONDONTWRITEBYTECODE=1, or from a read-only checkout, every process would compile them
    from source)."""
    for package in PACKAGES:
        compileall.compile_dir(folder / package, quiet=1)


def checkout_copy(checkout: Path, scratch: Path) -> dict[str, str]:
    """This environment with another checkout's packages first on the path (its code, this
    venv's libraries), copied to `scratch` and byte-compiled there as this checkout's are (the
    checkout may be read-only, or not ours to write in)."""
    for package in PACKAGES:
        shutil.copytree(checkout / package, scratch / package, ignore=_NO_CACHE)
    byte_compile(scratch)
    return {**os.environ, "PYTHONPATH": str(scratch)}


def digest(checkout: Path) -> str:
    """A digest of every file the copy is built from, and of the compiling mypy's version."""
    from mypy.version import __version__ as mypy_version  # noqa: PLC0415 - the dev extra

    found = hashlib.sha256(f"{sys.version}\n{mypy_version}\n".encode())
    files = [checkout / name for name in BUILD_FILES]
    for package in PACKAGES:
        found_files = (checkout / package).rglob("*")
        files += sorted(p for p in found_files if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        found.update(path.relative_to(checkout).as_posix().encode() + b"\0" + path.read_bytes())
    return found.hexdigest()[:16]


def compiled_copy(checkout: Path = ROOT) -> Path:
    """The folder of the compiled copy of checkout, built when there is none of this content."""
    folder = CACHE / digest(checkout)
    if (folder / "BUILT").exists():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE))  # renamed once built
    for package in PACKAGES:
        shutil.copytree(checkout / package, building / package, ignore=_NO_CACHE)
    for name in BUILD_FILES:
        shutil.copy2(checkout / name, building / name)
    print(f"compiling {checkout} with mypyc (about a minute and a half) ...", file=sys.stderr)
    env = {**os.environ, "NEWSFACTS_COMPILE": "1"}
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=building, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0 or "not compiled" in done.stderr:
        raise SystemExit(f"the mypyc build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    shutil.rmtree(building / "build", ignore_errors=True)
    byte_compile(building)  # the modules left in Python
    (building / "BUILT").write_text("built by bench/compiled.py\n", encoding="utf-8")
    if folder.exists():  # another run built it meanwhile
        shutil.rmtree(building)
    else:
        building.rename(folder)
    _prune()
    return folder


def _prune() -> None:
    """Remove all but the KEEP newest built copies (a copy is some 30 MB)."""
    built = sorted(CACHE.glob("*/BUILT"), key=lambda p: p.stat().st_mtime, reverse=True)
    for marker in built[KEEP:]:
        shutil.rmtree(marker.parent, ignore_errors=True)


def environment(folder: Path) -> dict[str, str]:
    """This environment with the compiled copy first on the path and the checkout after it
    (for `bench`), and without the working directory before both."""
    path = os.pathsep.join([str(folder), str(ROOT)])
    return {**os.environ, "PYTHONSAFEPATH": "1", "PYTHONPATH": path}


def main() -> None:
    """Build (or find) the compiled copy of this checkout and print its folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    print(compiled_copy())


if __name__ == "__main__":
    main()
