"""Fixtures of the core's tests: deciding NDJSON text with one mapper."""

from __future__ import annotations

import importlib.util
import subprocess
import sysconfig
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from hotjar_cli.core import eventtime, facade
from hotjar_cli.core import tally as tally_module
from hotjar_cli.core.decode import parse_line
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Decision


def decide_text(text: str, limits: Limits | None = None) -> list[list[Decision]]:
    """The decisions for each non-blank line of NDJSON text, all through one mapper, in input order."""
    mapper = Mapper(limits if limits is not None else Limits())
    decided = []
    for line in text.splitlines():
        if line.strip():
            messages, _ = parse_line(line.encode())
            decided.append([mapper.decide(message) for message in messages])
    return decided


@pytest.fixture
def decide_lines() -> Callable[..., list[list[Decision]]]:
    """`decide_lines(text, limits=None)`: one list of decisions per non-blank line (a batch gives several)."""
    return decide_text


@pytest.fixture(scope="session")
def tally_native(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The inventory's C module (`hotjar_cli/core/tally_native.c`): the one installed, or when the core runs from its
    sources (an edit since the install), the C source compiled here."""
    in_use = not isinstance(tally_module.new_tally(1, 1), tally_module.PythonTally)  # the inventory counts in C
    return native("tally_native", in_use, tmp_path_factory)


@pytest.fixture(scope="session")
def screen_native(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The line screen in C (`hotjar_cli/core/screen_native.c`): the one installed, or compiled here (see
    `tally_native`)."""
    return native("screen_native", facade.could_differ is not facade.could_differ_here, tmp_path_factory)


@pytest.fixture(scope="session")
def time_native(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """Segment's time form in C (`hotjar_cli/core/time_native.c`): the one installed, or compiled here (see
    `tally_native`)."""
    return native("time_native", eventtime.is_segment_time is not eventtime.plain_is_segment_time, tmp_path_factory)


def native(name: str, in_use: bool, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The core's module in C `name`: the one installed when the core uses it, else its source compiled here."""
    return importlib.import_module(f"hotjar_cli.core.{name}") if in_use else c_module(name, tmp_path_factory)


def c_module(name: str, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The core's module in C `name`, compiled from its source here."""
    built = tmp_path_factory.mktemp(name) / f"{name}{sysconfig.get_config_var('EXT_SUFFIX')}"
    compiler = str(sysconfig.get_config_var("CC") or "cc").split()
    source = Path(tally_module.__file__).with_name(f"{name}.c")
    include = sysconfig.get_paths()["include"]
    subprocess.run([*compiler, "-shared", "-fPIC", "-O2", f"-I{include}", str(source), "-o", str(built)], check=True)
    spec = importlib.util.spec_from_file_location(name, built)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
