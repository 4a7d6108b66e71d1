"""The command line's modules: importing them changes nothing outside them, commands load only when a run needs
them, every choice an option offers is an enum, and every error the user can fix goes through one base class."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
import typing
from enum import Enum
from typing import Any

import click
import pytest

import hotjar_cli.cli
from hotjar_cli.cli.app import COMMANDS
from hotjar_cli.cli.config import ConfigError
from hotjar_cli.cli.options import MessageType
from hotjar_cli.cli.settings import UsageError
from hotjar_cli.core.errors import UserError
from hotjar_cli.core.mapping import MESSAGE_TYPES
from hotjar_cli.replay.errors import ReplaySetupError
from hotjar_cli.run.parallel import EngineError
from hotjar_cli.sources.source import InputError, ReadError
from tests.support.cli import command_parameters

CLI_MODULES = sorted(f"hotjar_cli.cli.{module.name}" for module in pkgutil.iter_modules(hotjar_cli.cli.__path__))

GLOBAL_STATE = """
import gc, logging, os, signal, sys, threading, warnings

def state():
    return {
        "gc enabled": gc.isenabled(),
        "gc frozen objects": gc.get_freeze_count(),
        "gc thresholds": list(gc.get_threshold()),
        "streams": [stream is original for stream, original in
                    ((sys.stdin, sys.__stdin__), (sys.stdout, sys.__stdout__), (sys.stderr, sys.__stderr__))],
        "hooks": [sys.excepthook is sys.__excepthook__, sys.displayhook is sys.__displayhook__],
        "environment": dict(os.environ),
        "working directory": os.getcwd(),
        "argv": list(sys.argv),
        "path": list(sys.path),
        "signals": {name: repr(signal.getsignal(getattr(signal, name))) for name in ("SIGINT", "SIGTERM", "SIGPIPE")},
        "recursion limit": sys.getrecursionlimit(),
        "threads": threading.active_count(),
        "warning filters": len(warnings.filters),
        "log handlers": len(logging.getLogger().handlers),
    }
"""


def run_python(script: str) -> Any:
    """What a fresh interpreter running `script` printed as JSON on its last line."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_there_are_modules_to_import() -> None:
    assert {"hotjar_cli.cli.app", "hotjar_cli.cli.main", "hotjar_cli.cli.validate"} <= set(CLI_MODULES)


def test_importing_the_command_line_changes_no_global_state() -> None:
    before, after = run_python(
        GLOBAL_STATE
        + "import importlib, json\n"
        + "before = state()\n"
        + f"for name in {CLI_MODULES!r}:\n    importlib.import_module(name)\n"
        + "print(json.dumps([before, state()]))\n"
    )
    assert after == before
    assert after["gc enabled"] and after["gc frozen objects"] == 0


def test_the_console_script_does_its_start_up_tuning_itself() -> None:
    after = run_python(
        GLOBAL_STATE
        + "import json, sys\n"
        + "from hotjar_cli.cli.main import main\n"
        + "sys.argv = ['hotjar-cli', '--version']\n"
        + "try:\n    main()\nexcept SystemExit:\n    pass\n"
        + "sys.stdout.flush()\n"
        + "print(json.dumps(state()))\n"
    )
    assert after["gc enabled"] and after["gc frozen objects"] > 0


def test_listing_the_commands_imports_none_of_them() -> None:
    imported = run_python(
        "import click, json, sys, typer.main\n"
        "from hotjar_cli.cli.app import app\n"
        "group = typer.main.get_command(app)\n"
        "names = group.list_commands(click.Context(group))\n"
        "print(json.dumps([names, sorted(name for name in sys.modules if name.startswith('hotjar_cli.cli.'))]))\n"
    )
    names, modules = imported
    assert names == list(COMMANDS)
    assert modules == ["hotjar_cli.cli.app"]


def choice_parameters() -> list[tuple[str, click.Parameter]]:
    """Every parameter of every command that offers choices."""
    return [(name, parameter) for name, parameter in command_parameters() if isinstance(parameter.type, click.Choice)]


CHOICE_OPTIONS = {
    "validate": {"--format", "--fail-on", "--by", "--color", "--engine"},
    "inventory": {"--format", "--color", "--engine"},
    "replay": {"--format", "--report", "--color", "--engine"},
    "rules": {"--format", "--color"},
}
"""The options whose value is one of a few words: click checks it, and the command receives an enum member. (`--type`
takes a comma-separated list too, as `--select` does, checked against `MessageType` by `message_types`.)"""


def test_every_option_that_takes_one_of_a_few_words_offers_them_as_choices() -> None:
    offered = {(command, parameter.opts[0]) for command, parameter in choice_parameters()}
    assert {(command, option) for command, options in CHOICE_OPTIONS.items() for option in options} <= offered


def enum_in(annotation: Any) -> type[Enum] | None:
    """The Enum an option's annotation names, through Annotated, optional and list types."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    for argument in typing.get_args(annotation):
        found = enum_in(argument)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize(
    ("command", "parameter"), choice_parameters(), ids=lambda item: item if isinstance(item, str) else item.name
)
def test_every_choice_comes_from_an_enum(command: str, parameter: click.Parameter) -> None:
    module, _, name = COMMANDS[command].partition(":")
    function = inspect.unwrap(getattr(importlib.import_module(module), name))
    enum = enum_in(typing.get_type_hints(function, include_extras=True)[parameter.name or ""])
    assert enum is not None, f"{command} {parameter.opts[0]} offers choices that are no Enum"
    assert list(parameter.type.choices) == [member.value for member in enum]


def test_the_type_filter_offers_every_segment_message_type() -> None:
    assert {kind.value for kind in MessageType} == MESSAGE_TYPES


@pytest.mark.parametrize("error", [InputError, ConfigError, EngineError, ReplaySetupError, UsageError])
def test_every_error_the_user_can_fix_is_a_user_error(error: type[Exception]) -> None:
    assert issubclass(error, UserError)


def test_a_file_that_stops_being_readable_is_not_a_user_error() -> None:
    # It is recorded in the summary as the file's error, and the other files are still read.
    assert not issubclass(ReadError, UserError)


SET_ASIDE = """
import gc, json, weakref
from hotjar_cli.cli.command import set_aside_after
from hotjar_cli.run.parallel import Engine, LocalEngine

class Node:
    pass

class Cluster(Engine):
    def plan(self, sources):
        return None

    def executor(self, units):
        raise AssertionError

def garbage():
    node = Node()
    node.itself = node
    return weakref.ref(node)

def run(engine):
    before = garbage()
    with set_aside_after(engine):
        paused = not gc.isenabled()
        left = [Node() for _ in range(1000)]
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    return {"paused": paused, "enabled": gc.isenabled(), "frozen": frozen, "garbage before": before() is not None}

print(json.dumps({"local": run(LocalEngine(1)), "cluster": run(Cluster())}))
"""


def test_a_local_run_is_set_aside_from_the_collector_and_a_clusters_is_not() -> None:
    ran = run_python(SET_ASIDE)
    # On this machine the process is the command's: the collector pauses, garbage from before is collected, and
    # what the run left alive is set aside.
    assert ran["local"] == {"paused": True, "enabled": True, "frozen": ran["local"]["frozen"], "garbage before": False}
    assert ran["local"]["frozen"] >= 1000
    # A Dask client's process runs the client's own threads: it is left as it is.
    assert (ran["cluster"]["paused"], ran["cluster"]["enabled"], ran["cluster"]["frozen"]) == (False, True, 0)


def test_an_asyncio_transport_left_over_after_its_loop_closed_prints_nothing() -> None:
    # Ctrl-C as a replay's browser started left Playwright's driver transport to be freed after its loop closed:
    # "Exception ignored in: <function BaseSubprocessTransport.__del__ ...> RuntimeError: Event loop is closed", with
    # its traceback, under the one line that said the replay was interrupted. Any other such exception is printed.
    code = (
        "import sys; from hotjar_cli.cli.main import interrupt_again; sys.unraisablehook = interrupt_again\n"
        "class Transport:\n"
        "    def __init__(self, error): self.error = error\n"
        "    def __del__(self): raise self.error\n"
        "Transport(RuntimeError('Event loop is closed'))\n"
        "Transport(ValueError('kept'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert "Event loop is closed" not in done.stderr
    assert "ValueError: kept" in done.stderr
