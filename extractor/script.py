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
import os
import sys
import types
from typing import NoReturn

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
    finds none takes the loader's place; any other value leaves pydantic's own."""
    if os.environ.get(PYDANTIC_PLUGINS[0]) in PLUGINS_OFF and PLUGIN_LOADER not in sys.modules:
        stand_in = types.ModuleType(PLUGIN_LOADER, "No pydantic plugin (every one is off).")
        stand_in.get_plugins = lambda: ()  # type: ignore[attr-defined]
        sys.modules[PLUGIN_LOADER] = stand_in


def run() -> NoReturn:
    """Run the command line in this process and leave with its exit status."""
    gc.disable()
    os.environ.setdefault(*PYDANTIC_PLUGINS)
    no_plugin_loader()
    from extractor.cli import exit_now, main  # noqa: PLC0415 - imported with the collector off

    exit_now(main())
