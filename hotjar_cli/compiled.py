"""Whether the core runs compiled (mypyc, built at install by `hatch_build.py`) or as pure Python.

Installing the package compiles the core's per-event modules beside their sources, and lists them and every
source of the core with its size and CRC in `compiled.txt`. The compiled modules are used only while every source
of the core is as it was compiled: after an edit the whole core runs as Python until the next install (the
compiled modules call each other directly and were compiled against the types of the others, so they are used
all together or not at all). `HOTJAR_CLI_PURE_PYTHON=1` runs it as Python too.
"""

from __future__ import annotations

import os
import sys
import zlib
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from types import ModuleType

PURE_PYTHON_VARIABLE = "HOTJAR_CLI_PURE_PYTHON"
"""Set (to anything but 0) at install, nothing is compiled; set when running, the compiled modules are not used."""

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_PACKAGE)
_CORE = "hotjar_cli.core."


def _pure_python_reason() -> tuple[str, list[str]]:
    """Why the core must run as Python ("" when its compiled modules may be used), and the modules compiled."""
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return f"{PURE_PYTHON_VARIABLE} is set", []
    try:
        with open(os.path.join(_PACKAGE, "compiled.txt"), encoding="utf-8") as file:
            state, *entries = file.read().splitlines()
    except (OSError, ValueError):
        return "not compiled at install", []
    if not state.startswith("compiled "):
        return state.removeprefix("pure "), []
    for entry in entries:
        source, size, crc = entry.rsplit(" ", 2)
        try:
            with open(os.path.join(_ROOT, source), "rb") as file:
                data = file.read()
        except OSError:
            return f"{source} is missing", []
        if len(data) != int(size) or zlib.crc32(data) != int(crc):
            return f"{source} changed since the core was compiled; installing again compiles it", []
    return "", state.split()[1:]


class _SourcesOnly:
    """Imports the core's modules from their Python sources, passing over any compiled module beside them."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: ModuleType | None = None) -> ModuleSpec | None:
        """The source's spec for a module of the core; None (the usual search) for any other module."""
        if not name.startswith(_CORE):
            return None
        base = os.path.join(_ROOT, *name.split("."))
        if os.path.isfile(base + ".c"):  # a module written in C has no source to run instead
            raise ModuleNotFoundError(f"{name} is not used while the core runs from its sources", name=name)
        source = base + ".py"
        if not os.path.isfile(source):
            return None
        from importlib.util import spec_from_file_location  # only when the sources are forced

        return spec_from_file_location(name, source)


_REASON, _COMPILED = _pure_python_reason()


def use_sources_when_stale() -> None:
    """Keep compiled modules out when they may not match their sources (call before the core is imported)."""
    if _REASON and _SourcesOnly not in sys.meta_path:
        sys.meta_path.insert(0, _SourcesOnly)


def describe() -> str:
    """`compiled: yes`, or `compiled: no, ` and why, as `hotjar-cli --version` shows it."""
    if _REASON:
        return f"compiled: no, {_REASON}"
    if not _COMPILED:
        return "compiled: no, nothing was compiled"
    import importlib  # only --version looks at the modules themselves

    for name in _COMPILED:
        module = importlib.import_module(name)
        if not str(module.__file__).endswith(tuple(EXTENSION_SUFFIXES)):
            return f"compiled: no, {name} was not compiled for this Python"
    return "compiled: yes"
