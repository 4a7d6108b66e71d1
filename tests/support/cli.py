"""The command line as a test runs it: in-process or as a separate process, with its exit code, stdout and stderr;
and the log lines the command-line tests write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
