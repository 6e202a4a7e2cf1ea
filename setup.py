"""The build: newsfacts' per-article stages compiled with mypyc when a wheel is built.

`pip install .` builds a wheel in which the modules of COMPILED are C extensions made by
mypyc (shipped with mypy, which black and mypy itself are compiled with): the same code,
type-checked, run without the interpreter's per-call work: `extract_article` about 1.3x as
fast, the output the same byte for byte (tests/test_compiled.py). An editable install
(`pip install -e .`, what the tests and a developer run) stays pure Python, so that an edit of
a module takes effect at once: a compiled module beside its source would shadow it.
`NEWSFACTS_COMPILE=0` builds pure Python always, `=1` compiles an editable install too.
A machine that cannot compile (no C compiler, no Python headers) gets the pure-Python
package with a warning: the build never fails for want of a compiler.

Everything else — project metadata, dependencies, packages, data — is in pyproject.toml.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

#: Set to "0" for a pure-Python build, "1" to compile even an editable install.
COMPILE_ENV = "NEWSFACTS_COMPILE"
#: The per-article stages, where the time of a run goes (see README, Benchmarks); the CLI,
#: batch, exporters and loaders are left alone: their time is I/O, C libraries or start-up.
#: Their module constants are `Final`: mypyc keeps a Final name in a C static, where it
#: reads any other module-level name from the module's dict at each use (a look-up and a type
#: check: 3 % of a real post's instructions before they were marked). Their per-article
#: classes are plain classes, not dataclasses: mypyc keeps a dataclass's interpreted __init__.
COMPILED = (
    "extractor/measures",
    "extractor/organizations",
    "extractor/authors.py",
    "extractor/dates.py",
    "extractor/decode.py",
    "extractor/document.py",
    "extractor/entities.py",
    "extractor/names.py",
    "extractor/needles.py",
    "extractor/numerals.py",
    "extractor/reader.py",
    "extractor/regions.py",
    "extractor/source.py",
)
#: The shared library of the compiled modules (a top-level module of the installation).
GROUP = "newsfacts_compiled"
#: mypy's reading for the compile: no config file (the project's [tool.mypy] is strict and
#: loads the pydantic plugin), and no installed package looked at (`pip install .` builds
#: before it installs the dependencies): every library but the standard one is Any to the
#: compiled code, which calls it as Python does, so the build is the same in every
#: environment. Modules imported but not compiled are read for their types, not checked.
MYPY_OPTIONS = (
    "--config-file=",
    "--ignore-missing-imports",
    "--follow-imports=silent",
    "--no-site-packages",
    "--python-version=3.11",
)
#: Commands of an editable install (PEP 660, and setup.py develop).
EDITABLE_COMMANDS = ("editable_wheel", "develop")


def compiling() -> bool:
    """Whether this build compiles: a wheel yes, an editable install no, unless COMPILE_ENV."""
    chosen = os.environ.get(COMPILE_ENV, "")
    if chosen in ("0", "1"):
        return chosen == "1"
    return not any(command in sys.argv for command in EDITABLE_COMMANDS)


def sources() -> list[str]:
    """The files of COMPILED, packages expanded to their modules."""
    found: list[str] = []
    for entry in COMPILED:
        path = Path(entry)
        found += sorted(str(p) for p in path.glob("*.py")) if path.is_dir() else [entry]
    return found


def compiled_modules() -> list[object]:
    """mypyc's extensions of the modules, or none (with the reason) when it cannot make them."""
    try:
        from mypyc.build import mypycify  # noqa: PLC0415 - a build requirement, only here

        return list(mypycify([*MYPY_OPTIONS, *sources()], group_name=GROUP))
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure: mypyc's errors exit
        reason = f"{type(exc).__name__}: {exc}"
        print(f"newsfacts: not compiled, pure Python ({reason})", file=sys.stderr)
        return []


class OptionalBuildExt(build_ext):
    """build_ext that installs pure Python when the C compiler fails, rather than failing:
    all extensions or none (a module without the shared library it links to cannot import)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any compiler or linker failure
            print(f"newsfacts: not compiled, pure Python ({exc})", file=sys.stderr)
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self.extensions = []


# setuptools runs this file as __main__ (pip's build and `python setup.py`); tests import it.
if __name__ == "__main__":
    setup(
        ext_modules=compiled_modules() if compiling() else [],
        cmdclass={"build_ext": OptionalBuildExt},
    )
