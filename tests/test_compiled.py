"""The mypyc-compiled build (setup.py): made for a wheel, not for an editable install, and
extracting the same bytes as the pure-Python modules.

The compile takes about a minute and a half; its copy is cached by content
(bench/compiled.py), so a second run of the suite reuses it.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

from bench import compiled
from bench.digests import digests
from tests.conftest import CORPUS, ROOT, SAMPLES
from tests.test_digests import committed

NEEDS_A_COMPILER = pytest.mark.skipif(
    shutil.which("cc") is None and shutil.which("gcc") is None,
    reason="no C compiler (cc, gcc) on this machine: the compiled build cannot be made here",
)


def _setup_module() -> ModuleType:
    """setup.py as a module (its setup() call runs only as __main__)."""
    spec = importlib.util.spec_from_file_location("newsfacts_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("argv", "env", "compiles"),
    [
        (["setup.py", "bdist_wheel"], None, True),
        (["setup.py", "build_ext", "--inplace"], None, True),
        (["setup.py", "editable_wheel", "--dist-info-dir", "x"], None, False),
        (["setup.py", "develop"], None, False),
        (["setup.py", "bdist_wheel"], "0", False),
        (["setup.py", "editable_wheel"], "1", True),
    ],
)
def test_a_wheel_is_compiled_an_editable_install_is_not(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], env: str | None, compiles: bool
) -> None:
    setup = _setup_module()
    monkeypatch.setattr(sys, "argv", argv)
    if env is None:
        monkeypatch.delenv(setup.COMPILE_ENV, raising=False)
    else:
        monkeypatch.setenv(setup.COMPILE_ENV, env)
    assert setup.compiling() is compiles


def test_every_module_named_for_the_compile_exists() -> None:
    setup = _setup_module()
    for entry in setup.COMPILED:
        assert (ROOT / entry).exists(), entry
    assert len(setup.sources()) > len(setup.COMPILED)  # the packages expanded to modules


@NEEDS_A_COMPILER
def test_the_compiled_build_writes_the_same_bytes() -> None:
    folder = compiled.compiled_copy()
    env = compiled.environment(folder)
    probe = "from extractor.measures import tree; print(tree.__file__)"
    ran = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    imported = Path(ran.stdout.strip())
    assert imported.suffix != ".py", "the compiled copy's modules were not the ones imported"
    assert imported.is_relative_to(folder)
    version = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "--version"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert version.stdout.strip().endswith("(compiled)")
    for source in (SAMPLES, CORPUS / "real"):
        if not source.is_dir():
            continue  # the real posts sit beside the checkout; test_digests says so when absent
        with tempfile.TemporaryDirectory(prefix="newsfacts-compiled-") as scratch:
            got = {name: digest for digest, name in digests(source, Path(scratch), env)}
        assert got == committed(source.name), f"the compiled build's output differs: {source}"


def test_the_version_says_which_build_runs() -> None:
    from extractor import build  # noqa: PLC0415

    shown = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "--version"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert shown.stdout.strip().endswith(f"({build()})")
    from extractor.measures import tree  # noqa: PLC0415

    assert build() == ("pure Python" if tree.__file__.endswith(".py") else "compiled")
