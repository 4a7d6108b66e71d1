"""The command line as a test runs it: in-process or as a separate process, with its exit code, stdout and stderr;
and the log lines the command-line tests write."""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
from contextlib import suppress
from pathlib import Path
from typing import Any

import click
import typer
from typer.testing import CliRunner

from hotjar_cli.cli.app import app

CLI = Path(sys.executable).parent / "hotjar-cli"
ENV: dict[str, str | None] = {"NO_COLOR": "1", "COLUMNS": "200", "FORCE_COLOR": None}


def line(**message: Any) -> str:
    """One NDJSON line."""
    return json.dumps(message) + "\n"


def identify(user: Any = "u1", **fields: Any) -> str:
    """An identify line; `user=None` leaves the userId out."""
    message: dict[str, Any] = {"type": "identify", "traits": {"plan": "pro"}, **fields}
    if user is not None:
        message["userId"] = user
    else:
        message.setdefault("anonymousId", "anon-1")
    return line(**message)


def track(event: str = "Signed Up", user: str = "u1", **fields: Any) -> str:
    """A track line."""
    return line(type="track", userId=user, event=event, **fields)


CLEAN = identify() + track() + identify("u2", traits={"seats": 3, "beta": True, "note": None})
WARNING_ONLY = identify(traits={"address": {"city": "Oslo"}})
INFO_ONLY = track(properties={"plan": "pro"})
MIXED = identify(None) + identify(traits={"address": {}, "roles": ["a"]}) + track(properties={"x": 1})


class Result:
    """What one run printed and returned."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def json(self) -> Any:
        """stdout as one JSON document: nothing but the report may be on it."""
        return json.loads(self.stdout)

    def lines(self) -> list[Any]:
        """stdout as JSON lines."""
        return [json.loads(text) for text in self.stdout.splitlines()]


def cli(*args: str | Path) -> Result:
    """`hotjar-cli ARGS` in-process, in the current directory."""
    result = CliRunner(env=ENV).invoke(app, [str(arg) for arg in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    outcome = Result(result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in outcome.stdout + outcome.stderr
    return outcome


def unprivileged(*command: object) -> list[str]:
    """A command run so that a folder's permissions hold for it: as it is for a user, and for root (as CI and
    containers run) without the capabilities that let root read and write any folder."""
    words = [str(word) for word in command]
    if os.geteuid() != 0:
        return words
    capabilities = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={capabilities}", f"--bounding-set={capabilities}", "--", *words]


def process(*args: str | Path, input: bytes | None = None, cwd: Path | None = None) -> Result:
    """`hotjar-cli ARGS` as a separate process, for standard input and real file descriptors."""
    env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"} | {"NO_COLOR": "1"}
    done = subprocess.run(
        [str(CLI), *map(str, args)], input=input, capture_output=True, cwd=cwd, env=env, timeout=60, check=False
    )
    result = Result(done.returncode, done.stdout.decode(), done.stderr.decode())
    assert "Traceback" not in result.stdout + result.stderr
    return result


def on_a_terminal(
    *args: str | Path, stdout_too: bool = False, env: dict[str, str] | None = None
) -> tuple[int, bytes, str]:
    """`hotjar-cli ARGS` with stderr (and, with `stdout_too`, stdout) on a terminal: its exit code, its stdout when
    that is a pipe, and what the terminal showed."""
    controller, terminal = os.openpty()
    try:
        done = subprocess.run(
            [str(CLI), *map(str, args)],
            stdout=terminal if stdout_too else subprocess.PIPE,
            stderr=terminal,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
    shown = b""
    try:
        while chunk := os.read(controller, 65536):
            shown += chunk
    except OSError:
        pass  # the terminal is closed once everything written to it has been read
    finally:
        os.close(controller)
    return done.returncode, done.stdout or b"", shown.decode()


def one_line(text: str) -> str:
    """The single line of an error message, failing when there are more."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def on_one_terminal(*args: str | Path, columns: int = 100, stdin: Any = subprocess.DEVNULL) -> tuple[int, bytes]:
    """`hotjar-cli ARGS` with stdout and stderr on the same terminal of `columns` columns, as a person runs it: its
    exit code and every byte the terminal received, read while it runs (a long output would fill the terminal's
    buffer otherwise). `stdin`: what it reads as standard input, nothing unless given."""
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "COLUMNS", "LINES")}
    shown = bytearray()
    try:
        with subprocess.Popen(
            [str(CLI), *map(str, args)], stdin=stdin, stdout=terminal, stderr=terminal, env=env
        ) as running:
            os.close(terminal)
            terminal = -1
            with suppress(OSError):  # the terminal is closed once everything written to it has been read
                while chunk := os.read(controller, 1 << 16):
                    shown += chunk
            code = running.wait(timeout=120)
    finally:
        if terminal >= 0:
            os.close(terminal)
        os.close(controller)
    return code, bytes(shown)


_TERMINAL_CODE = re.compile(r"(\x1b\[[0-9;?]*[A-Za-z]|\r|\n)")


def screen(shown: bytes) -> list[str]:
    """The lines a terminal holds once it has received `shown`: text written over, lines erased (`ESC[2K`), the
    cursor sent back to the line's start (CR) or up (`ESC[nA`); styles and the cursor's visibility change nothing
    here. A line longer than the terminal is one line. Trailing spaces and empty lines at the end are left out."""
    lines, row, column = [""], 0, 0
    for token in _TERMINAL_CODE.split(shown.decode()):
        if token == "\r":
            column = 0
        elif token == "\n":
            row += 1
            if row == len(lines):
                lines.append("")
        elif token.startswith("\x1b["):
            code, count = token[-1], token[2:-1]
            if code == "K" and count == "2":
                lines[row] = ""
            elif code == "A":
                row = max(row - int(count or 1), 0)
            else:
                assert code in "mhl", f"a terminal code the screen does not know: {token!r}"
        elif token:
            line = lines[row].ljust(column)
            lines[row] = line[:column] + token + line[column + len(token) :]
            column += len(token)
    while lines and not lines[-1].strip():
        lines.pop()
    return [line.rstrip() for line in lines]


def command_parameters() -> list[tuple[str, click.Parameter]]:
    """Every parameter of every command, with the command's name."""
    group: Any = typer.main.get_command(app)
    context = click.Context(group)
    return [
        (name, parameter)
        for name in group.list_commands(context)
        for parameter in group.get_command(context, name).params
    ]
