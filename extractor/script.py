"""The `newsfacts` console script (and `python -m newsfacts`): extractor.cli's main, started
with the cyclic garbage collector off and left without the interpreter's teardown.

A fresh process's set-up (importing click, pydantic, lxml and the stages, the rules, the
region table) allocates a few hundred thousand objects that live as long as the process,
none of them garbage: the collector would walk them some hundred times, 0.015 s of a
one-file run. It is off until the run's set-up is done, and extractor.cli turns it back on
(`collect_again`) before the first input is read, whatever the command. This module imports
nothing else before that, so that the imports are covered too.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import types
from importlib.machinery import PathFinder
from typing import TYPE_CHECKING, NoReturn, cast

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec

#: pydantic looks for its plugins in the entry points of every installed package when it
#: builds the first model's validator (3-4 ms of a one-file run); newsfacts' records use none.
#: The console script turns the search off unless the variable is set (an empty value lets
#: every plugin load again); its worker processes inherit the setting.
PYDANTIC_PLUGINS = ("PYDANTIC_DISABLE_PLUGINS", "__all__")
#: The values of that variable with which pydantic's loader returns no plugin at all (its
#: `get_plugins`, pydantic/plugin/_loader.py).
PLUGINS_OFF = frozenset({"__all__", "1", "true"})
#: The module pydantic imports `get_plugins` from, at the first model's validator.
PLUGIN_LOADER = "pydantic.plugin._loader"


def no_plugin_loader() -> None:
    """With every plugin off, pydantic's loader finds none; but importing it imports
    importlib.metadata for the entry-point search it then skips (with email, csv, zipfile...:
    5 ms of a fresh process). Where the variable turns every plugin off, a stand-in that
    finds none takes the loader's place; any other value leaves pydantic's own. Whatever
    else a pydantic release may ask of its loader, the stand-in hands over to the real one
    (imported then, in its place), so it can cost that release 5 ms but never break it."""
    if os.environ.get(PYDANTIC_PLUGINS[0]) in PLUGINS_OFF and PLUGIN_LOADER not in sys.modules:
        stand_in = types.ModuleType(PLUGIN_LOADER, "No pydantic plugin (every one is off).")
        stand_in.get_plugins = lambda: ()  # type: ignore[attr-defined]
        setattr(stand_in, "__getattr__", _from_the_real_loader)  # noqa: B010 - PEP 562 hook
        sys.modules[PLUGIN_LOADER] = stand_in


def _from_the_real_loader(name: str) -> object:
    """Any other name asked of the stand-in (PEP 562): pydantic's own loader takes its place
    in sys.modules and answers."""
    if name.startswith("__"):  # import machinery probing (__path__, __spec__...): as absent
        raise AttributeError(name)
    del sys.modules[PLUGIN_LOADER]
    return getattr(importlib.import_module(PLUGIN_LOADER), name)


#: The module of openpyxl that imports numpy, when it is installed, only so that a cell takes
#: numpy's scalar types as numbers (openpyxl/compat/numbers.py). The workbook newsfacts writes
#: is given Python values only, and numpy's import is 50-100 ms of a run's start, in the
#: writer, where an analyst's environment has numpy (most have).
NUMPY_USER = "openpyxl.compat.numbers"


class OpenpyxlWithoutNumpy:
    """A meta path finder for the console script's process: openpyxl's NUMPY_USER module is
    loaded while `import numpy` fails (so openpyxl takes Python numbers only, which is all
    it is given here); every other module, numpy included, imports as usual, before and
    after. Not installed where newsfacts is imported as a library: a caller's own openpyxl
    keeps its numpy types."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> ModuleSpec | None:
        """The spec of NUMPY_USER with its loader wrapped; None (ask the next finder) else."""
        if name != NUMPY_USER:
            return None
        sys.meta_path.remove(self)  # once: openpyxl's module is imported once
        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None and "numpy" not in sys.modules:
            spec.loader = cast("Loader", _NumpyHidden(spec.loader))  # a loader by its methods
        return spec


class _NumpyHidden:
    """A module's loader, run with `import numpy` failing (sys.modules' None entry)."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        """The wrapped loader's module."""
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        """Run the module with numpy hidden; numpy imports as usual afterwards."""
        sys.modules["numpy"] = None  # type: ignore[assignment]  # import: "not importable"
        try:
            self.loader.exec_module(module)
        finally:
            if sys.modules.get("numpy", False) is None:
                del sys.modules["numpy"]


#: What the local engine's fork server imports for its workers: the rules, loaded once there.
WORKER_PRELOAD = "extractor.pipeline"
#: The options of the group (before the command) and of `extract` that take a value, as
#: extractor.cli declares them (tests/test_cli.py checks the two lists against click's).
GROUP_VALUE_OPTIONS = frozenset({"--lang"})
EXTRACT_VALUE_OPTIONS = frozenset(
    {
        "-o",
        "--output",
        "-f",
        "--format",
        "--include",
        "--exclude",
        "--max-bytes",
        "-j",
        "--jobs",
        "--timeout",
        "--max-memory",
        "--engine",
        "--scheduler",
        "--store",
    }
)


def _command(args: list[str]) -> tuple[str | None, list[str]]:
    """The command named in `args` (after the group's options) and its own arguments."""
    rest = iter(args)
    for arg in rest:
        if arg in GROUP_VALUE_OPTIONS:
            next(rest, None)
        elif not arg.startswith("-"):
            return arg, list(rest)
    return None, []


def starts_a_pool(args: list[str]) -> bool:
    """`args` (the command line after the program) is an `extract` that extractor.cli runs
    with the local engine's pool: not one local file, which runs in the CLI's process
    (cli's `extract` starts the fork server on the same test, once it has parsed them).
    False when unsure (help, a path that does not exist): the CLI then decides alone."""
    from pathlib import Path  # noqa: PLC0415 - nothing imported before the collector is off

    command, given = _command(args)
    if command != "extract":
        return False
    paths: list[str] = []
    engine = "local"
    rest = iter(given)
    for arg in rest:
        name, inline, value = arg.partition("=")
        if arg == "--":
            paths.extend(rest)
        elif arg in {"-h", "--help"}:
            return False
        elif name in EXTRACT_VALUE_OPTIONS:
            value = value if inline else next(rest, "")
            engine = value if name == "--engine" else engine
        elif not arg.startswith("-"):  # (a short option with its value joined, -j2, is skipped)
            paths.append(arg)
    if engine != "local" or not paths:
        return False
    if not all("://" in path or Path(path).exists() for path in paths):
        return False  # a usage error, which the CLI reports
    return not (len(paths) == 1 and "://" not in paths[0] and Path(paths[0]).is_file())


def run() -> NoReturn:
    """Run the command line in this process and leave with its exit status."""
    gc.disable()
    os.environ.setdefault(*PYDANTIC_PLUGINS)
    no_plugin_loader()
    sys.meta_path.insert(0, OpenpyxlWithoutNumpy())
    if starts_a_pool(sys.argv[1:]):
        # The fork server's preload (the extractor's imports and warm-up, 0.15-0.3 s, in a
        # process of its own) starts before the CLI is imported (0.02 s), not after: the
        # pool's first result comes that much sooner. cli's call then finds it running.
        from extractor.pool import start_fork_server  # noqa: PLC0415 - runs of many files

        start_fork_server(WORKER_PRELOAD)
    from extractor.cli import exit_now, main  # noqa: PLC0415 - imported with the collector off

    exit_now(main())
