"""What a new user meets on the first day: empty input, closed pipes, interrupted reports, a terminal on stdin,
option values that are not choices, the talk on stderr, colour, and rule lists that extend the configured ones."""

from __future__ import annotations

import gzip
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import click
import pytest

from hotjar_cli import __version__, compiled
from hotjar_cli.cli.options import named_file
from hotjar_cli.report import Format
from hotjar_cli.report.inventory_formats import InventoryFormat
from hotjar_cli.sources.source import SKIPPED_SUFFIXES
from tests.support.cli import (
    CLEAN,
    CLI,
    MIXED,
    cli,
    command_parameters,
    identify,
    on_a_terminal,
    one_line,
    process,
    track,
)

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


# An empty input fails the gate


@pytest.mark.parametrize("format", ["text", "json", "markdown", "github", "junit"])
def test_an_empty_input_fails_the_gate(logs: Any, format: str) -> None:
    result = cli("validate", logs("empty.jsonl", ""), "--format", format)
    assert result.code == 1
    assert "no events were read" in result.stdout


def test_an_input_of_blank_lines_is_empty_too(logs: Any) -> None:
    report = cli("validate", logs("blank.jsonl", "\n\n"), "-f", "json")
    assert report.code == 1
    assert report.json()["verdict"]["reasons"] == ["no events were read (--allow-empty passes an empty input)"]


def test_allow_empty_passes_an_empty_input(logs: Any, tmp_path: Path) -> None:
    path = logs("empty.jsonl", "")
    assert cli("validate", path, "--allow-empty").code == 0
    (tmp_path / "pyproject.toml").write_text("[tool.hotjar-cli]\nallow-empty = true\n")
    assert cli("validate", path).code == 0
    assert cli("validate", path, "--no-allow-empty").code == 1


@pytest.mark.parametrize("args", [["--type", "page"], ["--user", "nobody"], ["--since", "2030-01-01"]])
def test_events_all_filtered_out_leave_nothing_checked(logs: Any, args: list[str]) -> None:
    path = logs("log.jsonl", CLEAN)
    report = cli("validate", path, *args, "-f", "json")
    assert report.code == 1
    assert report.json()["verdict"]["reasons"] == [
        "no events left to check: the filters let none of 3 through (--allow-empty passes it)"
    ]
    assert cli("validate", path, *args, "--allow-empty").code == 0
    junit = ElementTree.fromstring(cli("validate", path, *args, "-f", "junit").stdout)
    failure = junit.find(".//testcase[@name='input has events']/failure")
    assert failure is not None and failure.get("message", "").startswith("no events left to check")
    assert junit.get("failures") == "1"


@pytest.mark.parametrize("select", [["--select", "HJ2"], ["--ignore", "HJ0"], ["--fail-on", "never"]])
def test_an_input_of_nothing_but_invalid_events_leaves_nothing_checked(logs: Any, select: list[str]) -> None:
    # A gate on attribute rules alone (`--select HJ2`) passed a pipeline that wrote garbage.
    path = logs("garbage.jsonl", 'not json\n[1, 2]\n{"type": "purchase"}\n')
    report = cli("validate", path, *select, "-f", "json")
    assert report.code == 1
    assert report.json()["verdict"]["reasons"][-1] == (
        "no Segment message to check: all 3 events are invalid (not JSON, not an object, or of no known type) "
        "(--allow-empty passes it)"
    )
    assert cli("validate", path, *select, "--allow-empty").code == 0
    # One readable message is something to check: the rules selected judge it.
    assert cli("validate", logs("some.jsonl", "not json\n" + CLEAN), *select).code == 0


INVALIDITY = "(not JSON, not an object, or of no known type)"


def test_one_invalid_event_is_said_in_the_singular(logs: Any) -> None:
    report = cli("validate", logs("garbage.jsonl", "{broken\n"), "--ignore", "HJ001", "-f", "json")
    assert report.code == 1
    assert report.json()["verdict"]["reasons"] == [
        f"no Segment message to check: the 1 event is invalid {INVALIDITY} (--allow-empty passes it)"
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "{broken\n" + CLEAN,
            "no Segment message left to check: the filters let none of the 3 messages through, and the 1 other "
            f"event is invalid {INVALIDITY} (--allow-empty passes it)",
        ),
        (
            "{broken\n[1]\n" + identify("u7"),
            "no Segment message left to check: the filters did not let the 1 message through, and the 2 other "
            f"events are invalid {INVALIDITY} (--allow-empty passes it)",
        ),
    ],
)
def test_invalid_events_left_by_a_filter_that_let_no_message_through_name_the_filter(
    logs: Any, text: str, reason: str
) -> None:
    # "all 1 events are invalid" blamed the input, when the filter (a mistyped --user) had left out every message.
    path = logs("log.jsonl", text)
    report = cli("validate", path, "--user", "nobody", "--ignore", "HJ0", "-f", "json")
    assert report.code == 1
    assert report.json()["verdict"]["reasons"] == [reason]
    assert cli("validate", path, "--user", "nobody", "--ignore", "HJ0", "--allow-empty").code == 0
    junit = ElementTree.fromstring(cli("validate", path, "--user", "nobody", "--ignore", "HJ0", "-f", "junit").stdout)
    failure = junit.find(".//testcase[@name='input has events']/failure")
    assert failure is not None and failure.get("message") == reason


def test_one_event_filtered_out_is_said_in_the_singular(logs: Any) -> None:
    report = cli("validate", logs("log.jsonl", identify()), "--user", "nobody", "-f", "json")
    assert report.json()["verdict"]["reasons"] == [
        "no events left to check: the filters did not let the 1 event through (--allow-empty passes it)"
    ]


# An input with nothing to replay stops a replay, as it fails validate's gate

NO_EVENTS = "hotjar-cli: error: no events were read (--allow-empty passes an empty input)"
SITE = ["--site-id", "1", "--page-url", "https://www.example.com/"]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    ("name", "text"),
    [("empty.jsonl", b""), ("empty.jsonl.gz", gzip.compress(b"")), ("blank.jsonl", b"\n\n")],
    ids=["empty file", "empty gzipped file", "blank lines"],
)
def test_a_dry_run_of_an_input_with_no_event_fails_unless_allow_empty(
    logs: Any, name: str, text: bytes, jobs: str
) -> None:
    # A backfill pointed at the wrong path said `0 calls ... from 0 events.` and exited 0, as a success.
    path = logs(name, text)
    result = cli("replay", path, "--dry-run", "--jobs", jobs)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == NO_EVENTS
    allowed = cli("replay", path, "--dry-run", "--jobs", jobs, "--allow-empty")
    assert (allowed.code, allowed.stdout) == (0, "")
    assert "error" not in allowed.stderr


@pytest.mark.parametrize("args", [["--type", "page"], ["--user", "nobody"], ["--since", "2030-01-01"]])
def test_a_dry_run_of_events_all_filtered_out_fails_as_validate_does(logs: Any, args: list[str]) -> None:
    path = logs("log.jsonl", CLEAN)
    result = cli("replay", path, "--dry-run", *args)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        "hotjar-cli: error: no events left to replay: the filters let none of 3 through (--allow-empty passes it)"
    )
    assert cli("replay", path, "--dry-run", *args, "--allow-empty").code == 0


def test_a_dry_run_of_nothing_but_invalid_events_fails_as_validate_does(logs: Any) -> None:
    # A folder of other JSON, or a pipeline writing garbage, has nothing to replay either.
    path = logs("garbage.jsonl", 'not json\n[1, 2]\n{"type": "purchase"}\n')
    result = cli("replay", path, "--dry-run")
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == (
        f"hotjar-cli: error: no Segment message to replay: all 3 events are invalid {INVALIDITY} "
        "(--allow-empty passes it)"
    )
    assert cli("replay", path, "--dry-run", "--allow-empty").code == 0
    # One readable message is something to replay, as it is something to check; so are messages that make no call.
    assert cli("replay", logs("some.jsonl", "not json\n" + CLEAN), "--dry-run").code == 0
    assert (
        cli("replay", logs("pages.jsonl", json.dumps({"type": "page", "userId": "u1"}) + "\n"), "--dry-run").code == 0
    )


@pytest.mark.parametrize("planned", [["--latest-traits"], ["--report", "json"]])
def test_a_planned_dry_run_of_an_input_with_no_event_writes_no_plan(logs: Any, planned: list[str]) -> None:
    path = logs("empty.jsonl", "")
    result = cli("replay", path, "--dry-run", *planned)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == NO_EVENTS
    allowed = cli("replay", path, "--dry-run", *planned, "--allow-empty")
    assert allowed.code == 0
    if planned == ["--report", "json"]:
        assert allowed.json()["planned"] == 0


@pytest.mark.parametrize(
    ("named", "said"),
    [("empty", "empty: directory holds no files"), ("empty/*.jsonl", "empty/*.jsonl: no file matches this pattern")],
    ids=["empty folder", "pattern"],
)
def test_a_replay_allows_a_folder_or_a_pattern_with_no_log_as_validate_does(logs: Any, named: str, said: str) -> None:
    Path("empty").mkdir()
    assert one_line(cli("replay", named, "--dry-run").stderr) == f"hotjar-cli: error: {said}"
    allowed = cli("replay", named, "--dry-run", "--allow-empty")
    assert allowed.code == 0, allowed.stderr
    assert allowed.stderr.splitlines()[0] == f"hotjar-cli: {said}; read as no event (--allow-empty)"


def test_the_settings_file_allows_an_empty_input_to_replay_as_it_does_to_validate(logs: Any) -> None:
    path = logs("empty.jsonl", "")
    Path("settings.toml").write_text("[tool.hotjar-cli]\nallow-empty = false\n")
    assert cli("replay", path, "--dry-run", "--config", "settings.toml").stderr.splitlines()[-1] == NO_EVENTS
    Path("settings.toml").write_text("[tool.hotjar-cli]\nallow-empty = true\n")
    assert cli("replay", path, "--dry-run", "--config", "settings.toml").code == 0
    # The option wins over the file, as it does for validate.
    refused = cli("replay", path, "--dry-run", "--config", "settings.toml", "--no-allow-empty")
    assert refused.code == 2 and refused.stderr.splitlines()[-1] == NO_EVENTS
    Path("pyproject.toml").write_text("[tool.hotjar-cli]\nallow-empty = true\n")  # found, not named
    assert cli("replay", path, "--dry-run").code == 0
    assert cli("replay", path, *SITE, "--browser-path", browser_that_says_it_started()).code == 0
    assert not Path("browser-started").exists()


def browser_that_says_it_started() -> Path:
    """A `--browser-path` that leaves a file `browser-started` in the working folder when it is started, and exits."""
    browser = Path("browser").absolute()
    browser.write_text(f"#!/bin/sh\ntouch {Path('browser-started').absolute()}\nexit 1\n")
    browser.chmod(0o755)
    return browser


@pytest.mark.parametrize(
    ("ending", "said"),
    [
        (
            'echo "chromium: error while loading shared libraries: libnss3.so: cannot open shared object file" >&2\n'
            "exit 127",
            "it exited with code 127: chromium: error while loading shared libraries: libnss3.so: "
            "cannot open shared object file",
        ),
        ("kill -SEGV $$", "it ended on SIGSEGV"),
    ],
    ids=["missing library", "crash"],
)
def test_a_browser_that_cannot_start_is_tried_three_times_and_said_why_in_one_line(
    logs: Any, ending: str, said: str
) -> None:
    # Every failed launch read "Target page, context or browser has been closed", whatever Chromium had said.
    path = logs("log.jsonl", CLEAN)
    browser = Path("browser").absolute()
    browser.write_text(f"#!/bin/sh\necho started >> {Path('starts').absolute()}\n{ending}\n")
    browser.chmod(0o755)
    result = cli("replay", path, *SITE, "--browser-path", browser)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"hotjar-cli: error: Chromium at {browser} did not start ({said}); pass --browser-path with a working Chromium"
    ]
    assert Path("starts").read_text().count("started") == 3


@pytest.mark.parametrize(
    ("text", "args", "said"),
    [
        ("", [], NO_EVENTS),
        (
            CLEAN,
            ["--user", "nobody"],
            "hotjar-cli: error: no events left to replay: the filters let none of 3 through (--allow-empty passes it)",
        ),
    ],
    ids=["no event", "all filtered out"],
)
def test_a_replay_with_nothing_to_replay_fails_before_it_starts_a_browser(
    logs: Any, text: str, args: list[str], said: str
) -> None:
    path = logs("log.jsonl", text)
    browser = browser_that_says_it_started()
    result = cli("replay", path, *SITE, "--browser-path", browser, "--report", "json", *args)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == said
    assert not Path("browser-started").exists()
    # Allowed, it sends nothing, and needs no browser for that either.
    allowed = cli("replay", path, *SITE, "--browser-path", browser, "--report", "json", *args, "--allow-empty")
    assert allowed.code == 0, allowed.stderr
    assert allowed.json()["planned"] == 0
    assert not Path("browser-started").exists()


# A closed pipe


def first_line_then_close(*args: str | Path) -> tuple[int, bytes, bytes]:
    """Run hotjar-cli, read one line of its stdout and close the pipe, as `| head -1` does."""
    with subprocess.Popen([str(CLI), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as running:
        assert running.stdout is not None and running.stderr is not None
        first = running.stdout.readline()
        running.stdout.close()
        errors = running.stderr.read()
        return running.wait(timeout=120), first, errors


@pytest.mark.parametrize("args", [["replay", "--dry-run"], ["validate", "--format", "jsonl"]])
def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path, args: list[str]) -> None:
    # Far more than a pipe holds, every line with a finding and a call.
    path = tmp_path / "log.jsonl"
    path.write_text("".join(track(user=f"u{number}", properties={"plan": "pro"}) for number in range(40_000)))
    code, first, errors = first_line_then_close(*args, path, "-q")
    assert json.loads(first)["line"] == 1
    assert errors == b""
    assert code == 141  # cut short before its result: 128 + SIGPIPE, as a program a closed pipe stopped ends


# -o is written whole or not at all


def interrupt_as_the_report_is_written(
    folder: Path, command: str, stop: signal.Signals, poll: float
) -> tuple[int, str]:
    """Runs `command` with `-o report.json` in `folder` on a pipe that stays open, which keeps it going, and sends it
    `stop` once the report's file is being written aside (looked for every `poll` seconds): its exit code and stderr.
    Started as from a terminal, where Ctrl-C interrupts: a shell starts a background job with SIGINT ignored, and the
    command keeps to that."""
    report = folder / "report.json"
    with subprocess.Popen(
        [str(CLI), command, "-", "-f", "json", "-o", str(report)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=folder,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as running:
        assert running.stdin is not None and running.stderr is not None
        running.stdin.write(identify().encode())
        running.stdin.flush()
        deadline = time.monotonic() + 30
        while not list(folder.glob(".report.json.*.tmp")) and time.monotonic() < deadline:
            time.sleep(poll)
        assert list(folder.glob(".report.json.*.tmp")), "the report is not written aside"
        assert not report.exists() or report.read_text() == "the previous report\n"
        running.send_signal(stop)
        return running.wait(timeout=30), running.stderr.read().decode()


INTERRUPTED = "hotjar-cli: interrupted before the run was done: no verdict"
"""What Ctrl-C says of a validate run that wrote no report to a file."""


@pytest.mark.parametrize(("command", "left"), [("validate", "no verdict"), ("inventory", "no inventory")])
@pytest.mark.parametrize(
    ("stop", "code", "how"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "stopped by SIGTERM")]
)
def test_an_interrupted_run_leaves_the_previous_report(
    tmp_path: Path, command: str, left: str, stop: signal.Signals, code: int, how: str
) -> None:
    # SIGTERM, what `kill`, a service manager or a cancelled CI job sends, stops a run as Ctrl-C does, and says so:
    # it ended the command with no word at all. The file named by -o is said to be left as it was; an inventory
    # was said to leave "no verdict", and a run without -o spoke of "a file named by -o".
    report = tmp_path / "report.json"
    report.write_text("the previous report\n")
    said = f"hotjar-cli: {how} before the run was done: {left}; {report} is left as it was\n"
    assert interrupt_as_the_report_is_written(tmp_path, command, stop, 0.05) == (code, said)
    assert report.read_text() == "the previous report\n"
    assert list(tmp_path.iterdir()) == [report]


@pytest.mark.parametrize(
    ("at", "said"),
    [
        ("hotjar_cli.compiled", "hotjar-cli: interrupted as it started: nothing was read or written"),
        ("typer", INTERRUPTED),
    ],
)
def test_ctrl_c_as_the_command_starts_is_one_line_not_a_traceback(tmp_path: Path, at: str, said: str) -> None:
    # Ctrl-C while the package checked its compiled core against the sources (reading every one of them), in the
    # first tens of milliseconds, printed a traceback. The interrupt is raised here as the module `at` is imported.
    script = (
        "import sys\n"
        f"sys.argv = [{str(CLI)!r}, 'validate', 'log.jsonl']\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {at!r}:\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from hotjar_cli.cli.main import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stderr) == (130, f"{said}\n")


def test_an_interrupted_run_says_a_new_report_file_was_not_written(tmp_path: Path) -> None:
    # It was said to be "left as it was", as if there had been one.
    report = tmp_path / "report.json"
    said = f"{INTERRUPTED}; {report} was not written\n"
    assert interrupt_as_the_report_is_written(tmp_path, "validate", signal.SIGINT, 0.05) == (130, said)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("command", "stop"),
    [("validate", signal.SIGINT), ("inventory", signal.SIGTERM)],
    ids=["validate-ctrl-c", "inventory-sigterm"],
)
def test_an_interrupt_the_moment_the_report_file_is_made_leaves_nothing_behind(
    tmp_path: Path, command: str, stop: signal.Signals
) -> None:
    # The interrupt comes within a millisecond of the file's making, before the command has begun to write it: once
    # in three runs, that left the file beside the report.
    for attempt in range(16):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        report = folder / "report.json"
        report.write_text("the previous report\n")
        code, _ = interrupt_as_the_report_is_written(folder, command, stop, 0.0002)
        assert code == 128 + stop
        assert report.read_text() == "the previous report\n"
        assert list(folder.iterdir()) == [report], f"attempt {attempt}"


CTRL_C = (
    "import builtins, gc, glob, os, signal, sys, weakref\n"
    "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    "def ctrl_c(*args):\n"
    "    os.kill(os.getpid(), signal.SIGINT)\n"
    "{when}\n"
    "from hotjar_cli.cli.main import main\n"
    "sys.argv = ['hotjar-cli', *{args!r}]\n"
    "main()\n"
)
"""A script that runs `hotjar-cli *args` and gets a real Ctrl-C (`ctrl_c`) at the moment `when` sets up. Ctrl-C
interrupts, as in a terminal, even when the tests run as a background job, which ignores it (and so would the
command, as it keeps to what it was started with)."""

AS_THE_APP_IS_IMPORTED = (
    "real = builtins.__import__\n"
    "def importing(name, *args, **kwargs):\n"
    "    if name == 'hotjar_cli.cli.app':\n"
    "        ctrl_c()\n"
    "    return real(name, *args, **kwargs)\n"
    "builtins.__import__ = importing\n"
)
"""As the command imports its parts: the first few tenths of a second of every run."""

IN_A_CALLBACK_AS_THE_APP_IS_IMPORTED = (
    "class Held: pass\n"
    "real = builtins.__import__\n"
    "def importing(name, *args, **kwargs):\n"
    "    if name == 'hotjar_cli.cli.app':\n"
    "        held = Held()\n"
    "        reference = weakref.ref(held, ctrl_c)\n"
    "        del held\n"
    "    return real(name, *args, **kwargs)\n"
    "builtins.__import__ = importing\n"
)
"""As the command imports its parts, and as Python runs a weak reference's callback, where an exception can only be
printed (as the end of every import runs one)."""

AS_THE_COLLECTOR_RUNS_WITH_THE_REPORT_ASIDE = (
    "def collecting(phase, info):\n"
    "    if phase == 'start' and glob.glob('.report.json.*.tmp'):\n"
    "        gc.callbacks.remove(collecting)\n"
    "        ctrl_c()\n"
    "gc.callbacks.append(collecting)\n"
)
"""In the garbage collector's callback, where an exception can only be printed, once the run has begun to write its
report: the collection at the start of a run ends imports' weak references, whose callbacks run then."""


@pytest.mark.parametrize(
    "when", [AS_THE_APP_IS_IMPORTED, IN_A_CALLBACK_AS_THE_APP_IS_IMPORTED], ids=["importing", "in-a-callback"]
)
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["validate", "events.jsonl"], INTERRUPTED),
        (["inventory", "events.jsonl"], "hotjar-cli: interrupted before the run was done: no inventory"),
        (
            ["replay", "events.jsonl", "--dry-run"],
            "hotjar-cli: interrupted before the dry run was done: its calls are those of the events read so far, "
            "and nothing was sent",
        ),
    ],
    ids=["validate", "inventory", "dry-run"],
)
def test_ctrl_c_while_the_command_starts_says_so_in_one_line_not_a_traceback(
    tmp_path: Path, when: str, args: list[str], said: str
) -> None:
    # Each says what it leaves: an inventory was said to leave "no verdict", a dry run the users it delivered.
    script = CTRL_C.format(when=when, args=args)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (130, "", [said])


def test_ctrl_c_in_a_callback_while_a_run_reads_a_pipe_stops_it(tmp_path: Path) -> None:
    # Python printed it (`Exception ignored in …`) and went on: the run read its pipe, which stays open, for ever.
    report = tmp_path / "report.json"
    report.write_text("the previous report\n")
    args = ["validate", "-", "-f", "json", "-o", report.name]
    script = CTRL_C.format(when=AS_THE_COLLECTOR_RUNS_WITH_THE_REPORT_ASIDE, args=args)
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    ) as running:
        assert running.stdin is not None and running.stderr is not None
        running.stdin.write(identify().encode())
        running.stdin.flush()
        try:
            code = running.wait(timeout=60)
        except subprocess.TimeoutExpired:
            running.kill()
            raise
        said = running.stderr.read().decode().splitlines()
        assert (code, said) == (130, [f"{INTERRUPTED}; report.json is left as it was"])
    assert report.read_text() == "the previous report\n"
    assert list(tmp_path.iterdir()) == [report]


def test_a_finished_run_replaces_the_report_with_ordinary_permissions(logs: Any) -> None:
    path = logs("log.jsonl", CLEAN)
    Path("report.json").write_text("the previous report\n")
    assert cli("validate", path, "-f", "json", "-o", "report.json").code == 0
    assert json.loads(Path("report.json").read_text())["summary"]["events"] == 3
    umask = os.umask(0)
    os.umask(umask)
    assert Path("report.json").stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(path.name for path in Path().iterdir()) == ["log.jsonl", "report.json"]


# Usage errors


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "2024-05-02", "--until", "2024-05-01"],
        ["--since", "2024-05-01T10:00:00Z", "--until", "2024-05-01T10:00:00Z"],
    ],
)
@pytest.mark.parametrize("command", [["validate"], ["replay", "--dry-run"]])
def test_since_after_until_is_a_usage_error(logs: Any, command: list[str], args: list[str]) -> None:
    result = cli(*command, logs("log.jsonl", CLEAN), *args)
    assert result.code == 2
    assert result.stdout == ""
    assert "--since" in one_line(result.stderr) and "--until" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["rules", "--format", "yaml"],
        ["replay", "log.jsonl", "--dry-run", "--format", "json"],
        ["replay", "log.jsonl", "--report", "xml", "--site-id", "1", "--page-url", "https://example.com/"],
        ["validate", "log.jsonl", "--color", "sometimes"],
        ["validate", "log.jsonl", "-q", "-v"],
    ],
)
def test_a_value_that_is_not_a_choice_exits_2_with_one_line(logs: Any, args: list[str]) -> None:
    logs("log.jsonl", CLEAN)
    result = cli(*args)
    assert result.code == 2
    assert result.stdout == ""


@pytest.mark.parametrize("args", [["rules", "--format", "yaml"], ["replay", "log.jsonl", "--report", "xml"]])
def test_a_bad_choice_names_the_choices(logs: Any, args: list[str]) -> None:
    logs("log.jsonl", CLEAN)
    result = process(*args, cwd=Path.cwd())
    assert result.code == 2
    assert one_line(result.stderr).startswith("hotjar-cli: error: Invalid value for")


def usage_errors(cases: list[list[str]]) -> list[str]:
    """What the console script says on stderr for each of these command lines, run one after another in one process
    (a process each would take seconds)."""
    script = (
        "import contextlib, io, json, sys\n"
        "from hotjar_cli.cli.main import main\n"
        "said = []\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    sys.argv = ['hotjar-cli', *args]\n"
        "    with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.suppress(SystemExit):\n"
        "        main()\n"
        "    said.append(err.getvalue())\n"
        "print(json.dumps(said))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"} | {"NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(cases)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    said: list[str] = json.loads(done.stdout)
    return said


POSITIONAL = {"validate": ["log.jsonl"], "inventory": ["log.jsonl"], "replay": ["log.jsonl"], "rule": ["HJ103"]}
"""What each command is given before the option tried, so that only the option is wrong."""


def value_options() -> list[tuple[str, click.Option]]:
    """Every option of every command that takes a value."""
    return [
        (name, option)
        for name, option in command_parameters()
        if isinstance(option, click.Option) and not option.is_flag and not option.count
    ]


def test_every_option_missing_its_value_points_to_its_own_command_s_help() -> None:
    options = value_options()
    assert len(options) > 40 and {name for name, _ in options} == {"validate", "inventory", "replay", "rules", "rule"}
    said = usage_errors([[name, *POSITIONAL.get(name, []), option.opts[0]] for name, option in options])
    for (name, option), line in zip(options, said, strict=True):
        assert one_line(line) == (
            f"hotjar-cli: error: Option '{option.opts[0]}' requires an argument. (see `hotjar-cli {name} --help`)"
        )


def test_every_option_naming_a_file_refuses_an_empty_path_rather_than_reading_the_working_directory() -> None:
    # `--config "$SETTINGS"` with the variable unset: Python reads '' as `.`, the folder the command ran in.
    options = [(name, option) for name, option in value_options() if isinstance(option.type, click.Path)]
    options += [(name, option) for name, option in value_options() if getattr(option.type, "func", None) is named_file]
    assert {option.opts[0] for _, option in options} >= {"--config", "--known-attributes", "--known-events"}
    said = usage_errors([[name, *POSITIONAL.get(name, []), option.opts[0], ""] for name, option in options])
    for (name, option), line in zip(options, said, strict=True):
        assert one_line(line) == (
            f"hotjar-cli: error: Invalid value for '{option.opts[0]}': an empty path names no file (is a variable "
            f"unset?) (see `hotjar-cli {name} --help`)"
        )


def test_every_choice_or_number_given_a_bad_value_points_to_its_own_command_s_help() -> None:
    options = [
        (name, option)
        for name, option in value_options()
        if isinstance(option.type, (click.Choice, click.types.IntParamType, click.types.FloatParamType))
    ]
    assert len(options) > 15
    said = usage_errors([[name, *POSITIONAL.get(name, []), option.opts[0], "lots"] for name, option in options])
    for (name, option), line in zip(options, said, strict=True):
        assert one_line(line).startswith(f"hotjar-cli: error: Invalid value for '{option.opts[0]}'")
        assert line.rstrip().endswith(f"(see `hotjar-cli {name} --help`)")


def test_a_missing_argument_or_an_unknown_option_points_to_the_help_of_its_command() -> None:
    said = usage_errors([["validate"], ["rule"], ["validate", "log.jsonl", "--bogus"], ["--bogus"]])
    assert [line.rstrip().rsplit(" (see ", 1)[1] for line in said] == [
        "`hotjar-cli validate --help`)",
        "`hotjar-cli rule --help`)",
        "`hotjar-cli validate --help`)",
        "`hotjar-cli --help`)",
    ]


# Scripts and documentation beside the logs


@pytest.mark.parametrize("suffix", sorted(SKIPPED_SUFFIXES))
def test_documentation_and_scripts_in_a_folder_are_skipped(logs: Any, suffix: str) -> None:
    logs("logs/events.jsonl", CLEAN)
    logs(f"logs/tool{suffix}", "console.log('not a log')\n")
    logs(f"logs/TOOL{suffix.upper()}", "console.log('not a log')\n")
    summary = cli("validate", "logs", "-f", "json").json()["summary"]
    assert summary["files"] == 1 and summary["events"] == 3


SKIPPED_WHY = (
    "(documentation, scripts, reports, dot-files, hidden folders, named pipes and Segment's dummy-object.txt are not "
    "read from a folder or a pattern; name a file to read it, unless it is a report of hotjar-cli's own)"
)


def test_a_folder_of_only_documentation_says_it_holds_no_log_files_and_what_it_skipped(logs: Any) -> None:
    logs("mdonly/readme.md", "# How these logs were exported\n")
    result = cli("validate", "mdonly")
    assert result.code == 2 and result.stdout == ""
    assert one_line(result.stderr) == (
        f"hotjar-cli: error: mdonly: directory holds no log files: skipped readme.md {SKIPPED_WHY}"
    )
    assert cli("validate", "mdonly/readme.md", "-f", "json").code == 1  # named on its own, it is read


def test_a_folder_of_many_skipped_files_names_a_few(logs: Any) -> None:
    for name in ("readme.md", "export.py", ".env", "dummy-object.txt", ".cache/old.jsonl", "tools/run.sh"):
        logs(f"logs/{name}", "x\n")
    said = one_line(cli("inventory", "logs").stderr)
    assert said == (
        "hotjar-cli: error: logs: directory holds no log files: skipped .cache/, .env, dummy-object.txt "
        f"and 3 more files {SKIPPED_WHY}"
    )


def test_a_hidden_folder_is_named_not_walked_when_a_folder_holds_no_log_files(logs: Any) -> None:
    # `validate .` in a repository: its `.git` may hold a hundred thousand files, none of them worth a name.
    for number in range(40):
        logs(f"repo/.git/objects/{number:02x}/{number:038x}", "x\n")
    logs("repo/.git/HEAD", "ref: refs/heads/main\n")
    logs("repo/README.md", "# Our tracking plan\n")
    logs("repo/scripts/export.py", "print()\n")
    said = one_line(cli("validate", "repo").stderr)
    assert said == (
        "hotjar-cli: error: repo: directory holds no log files: skipped .git/, README.md and scripts/export.py "
        f"{SKIPPED_WHY}"
    )
    for name in ("a.md", "b.md", "c.md"):
        logs(f"repo/{name}", "x\n")
    logs("repo/.cache/old.jsonl", "x\n")
    logs("repo/scripts/.venv/lib/site.py", "x\n")
    said = one_line(cli("inventory", "repo").stderr)
    assert said == (
        "hotjar-cli: error: repo: directory holds no log files: skipped .cache/, .git/, README.md and 5 more "
        f"(4 files, 1 hidden folder) {SKIPPED_WHY}"
    )


def test_an_empty_folder_holds_no_files(logs: Any) -> None:
    Path("empty").mkdir()
    assert one_line(cli("validate", "empty").stderr) == "hotjar-cli: error: empty: directory holds no files"


@pytest.mark.parametrize(
    ("named", "said"),
    [
        ("empty", "empty: directory holds no files"),
        ("empty/*.jsonl", "empty/*.jsonl: no file matches this pattern"),
        ("docs", f"docs: directory holds no log files: skipped README.md {SKIPPED_WHY}"),
    ],
    ids=["empty folder", "pattern", "folder of no log"],
)
def test_allow_empty_reads_a_folder_or_a_pattern_with_no_log_as_no_event(logs: Any, named: str, said: str) -> None:
    # A daily export whose folder came out empty: `--allow-empty` passes a run that read no event, and the folder
    # named stopped it before (exit 2) whatever the option said.
    Path("empty").mkdir()
    logs("docs/README.md", "# notes\n")
    allowed = cli("validate", named, "--allow-empty", "-f", "json")
    assert allowed.code == 0, allowed.stderr
    assert allowed.stderr == f"hotjar-cli: {said}; read as no event (--allow-empty)\n"
    assert allowed.json()["summary"]["files"] == 0
    # Beside a log, the log is read and the gate judges it.
    beside = cli("validate", named, logs("events.jsonl", MIXED), "--allow-empty", "-f", "json")
    assert beside.code == 1 and beside.json()["summary"]["events"] == 3
    # Without the option, or with the pyproject's, as before / the same.
    assert one_line(cli("validate", named).stderr) == f"hotjar-cli: error: {said}"
    Path("pyproject.toml").write_text("[tool.hotjar-cli]\nallow-empty = true\n")
    assert cli("validate", named).code == 0
    assert cli("validate", named, "--no-allow-empty").code == 2
    # The inventory takes the option, and the pyproject's, as validate does.
    listed = cli("inventory", named, "-f", "json")
    assert listed.code == 0 and listed.stderr == f"hotjar-cli: {said}; read as no event (--allow-empty)\n"
    assert listed.json()["attributes"]["budget"]["used"] == 0
    assert one_line(cli("inventory", named, "--no-allow-empty").stderr) == f"hotjar-cli: error: {said}"


def test_a_report_named_on_the_command_line_is_skipped_with_a_line_naming_it(logs: Any) -> None:
    # A pre-commit hook names every staged `*.jsonl`: a report committed beside the logs was read back as logs, each
    # of its lines a broken message, and the gate failed.
    mixed = logs("mixed.jsonl", MIXED)
    cli("validate", mixed, "-f", "jsonl", "-o", "out/r.jsonl")
    hostile = Path("out/r\x1b[2J.jsonl")  # the terminal is told nothing by a name from the disk
    hostile.write_bytes(Path("out/r.jsonl").read_bytes())
    clean = logs("clean.jsonl", CLEAN)
    result = cli("validate", "out/r.jsonl", hostile, clean, "-f", "json")
    assert result.code == 0, result.stdout
    assert (result.json()["summary"]["files"], result.json()["summary"]["events"]) == (1, 3)
    assert result.stderr.splitlines() == [
        "hotjar-cli: out/r.jsonl is not read: it is a report of hotjar-cli, not a Segment log",
        "hotjar-cli: out/r\\u001b[2J.jsonl is not read: it is a report of hotjar-cli, not a Segment log",
    ]
    # Every file named a report: the run read no event, and the gate says so unless --allow-empty.
    alone = cli("validate", "out/r.jsonl", "-f", "json")
    assert alone.code == 1
    assert alone.json()["verdict"]["reasons"] == ["no events were read (--allow-empty passes an empty input)"]
    assert cli("validate", "out/r.jsonl", "--allow-empty").code == 0


def test_the_readme_names_every_skipped_suffix() -> None:
    assert all(f"`{suffix}`" in README for suffix in SKIPPED_SUFFIXES)


def test_a_script_named_on_its_own_is_read(logs: Any) -> None:
    assert cli("validate", logs("events.js", CLEAN), "-f", "json").json()["summary"]["events"] == 3


# Standard input


def test_stdin_on_a_terminal_says_it_is_waiting(tmp_path: Path) -> None:
    controller, terminal = os.openpty()
    try:
        with subprocess.Popen(
            [str(CLI), "validate", "-", "-f", "json"],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        ) as running:
            os.write(controller, identify().encode() + b"\x04")  # a line, then Ctrl-D
            out, errors = running.communicate(timeout=60)
    finally:
        os.close(terminal)
        os.close(controller)
    assert "reading Segment messages from the terminal" in one_line(errors.decode())
    assert json.loads(out)["summary"]["events"] == 1


def test_stdin_on_a_terminal_gets_no_progress_bar_over_what_the_user_types(tmp_path: Path) -> None:
    controller, terminal = os.openpty()
    said = b""
    try:
        with subprocess.Popen(
            [str(CLI), "validate", "-", "-f", "json"],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=terminal,
            cwd=tmp_path,
        ) as running:
            os.write(controller, identify().encode() * 3 + b"\x04")
            out, _ = running.communicate(timeout=60)
        while select.select([controller], [], [], 0.2)[0]:
            chunk = os.read(controller, 65536)
            if not chunk:
                break
            said += chunk
    finally:
        os.close(terminal)
        os.close(controller)
    assert json.loads(out)["summary"]["events"] == 3
    assert b"reading Segment messages from the terminal" in said
    assert re.search(rb"[\d.]+ [kM]B", said) is None  # no progress drawn over what the user types
    assert b"\x1b[" not in said


def test_stdin_from_a_pipe_says_nothing(tmp_path: Path) -> None:
    result = process("validate", "-", "-f", "json", input=identify().encode(), cwd=tmp_path)
    assert result.stderr == ""


def test_stdin_filename_names_standard_input_in_reports(tmp_path: Path) -> None:
    result = process(
        "validate",
        "-",
        "-f",
        "jsonl",
        "--stdin-filename",
        "exports/today.jsonl",
        input=identify(None).encode(),
        cwd=tmp_path,
    )
    assert [record["file"] for record in result.lines()] == ["exports/today.jsonl"]
    calls = process("replay", "-", "--dry-run", "--stdin-filename", "today.jsonl", input=CLEAN.encode(), cwd=tmp_path)
    assert {record["file"] for record in calls.lines()} == {"today.jsonl"}


# Talk on stderr, and colour


def test_quiet_says_nothing_but_errors(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    assert cli("replay", path, "--dry-run", "-q").stderr == ""
    assert "calls" in cli("replay", path, "--dry-run").stderr
    missing = cli("validate", "missing.jsonl", "-q")
    assert missing.code == 2 and "missing.jsonl" in one_line(missing.stderr)


def test_verbose_says_where_the_settings_come_from_and_how_the_run_went(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", MIXED)
    (tmp_path / "pyproject.toml").write_text('[tool.hotjar-cli]\nfail-on = "warning"\n')
    said = cli("validate", path, "-f", "json", "-v").stderr
    assert "settings from" in said and "pyproject.toml" in said
    assert "read 1 file, 3 lines, 3 events in" in said


def test_progress_can_be_forced_where_stderr_is_not_a_terminal(logs: Any) -> None:
    path = logs("log.jsonl", MIXED * 100)
    assert re.search(
        r"[\d.]+/[\d.]+ [kM]B", process("validate", path, "-f", "json", "--progress", cwd=Path.cwd()).stderr
    )
    assert process("validate", path, "-f", "json", cwd=Path.cwd()).stderr == ""


@pytest.mark.parametrize(("option", "environment"), [([], {"NO_COLOR": "1"}), (["--color", "never"], {})])
def test_a_forced_progress_bar_writes_no_colour_or_bold_without_colour(
    logs: Any, option: list[str], environment: dict[str, str]
) -> None:
    path = logs("log.jsonl", MIXED * 100)
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")} | environment
    done = subprocess.run(
        [str(CLI), "validate", str(path), "--progress", "-o", "report.txt", *option],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    said = done.stderr.decode()
    assert re.search(r"[\d.]+ [kM]B", said)  # the bar was drawn
    # Only the cursor controls that redraw the bar: no colour, no bold (SGR sequences end in `m`).
    assert re.findall(r"\x1b\[[0-9;]*m", said) == []


@pytest.mark.parametrize("color", ["auto", "always", "never"])
def test_forced_progress_off_a_terminal_is_plain_lines_ending_with_the_whole_input_read(
    tmp_path: Path, color: str
) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(MIXED * 20000)
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")} | {
        "NO_COLOR": "1"
    }
    with (tmp_path / "progress.txt").open("wb") as progress:
        subprocess.run(
            [str(CLI), "validate", str(path), "--progress", "-o", "report.json", "-f", "json", "--color", color],
            stderr=progress,
            env=env,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    said = (tmp_path / "progress.txt").read_text()
    assert "\x1b" not in said and "\r" not in said  # no cursor, erasing or colour codes in a file
    *_, last, verdict = said.splitlines()  # the verdict of a report written to a file after it
    assert last.startswith("validate: 100% ") and " events, " in last and last.endswith(" elapsed")
    assert verdict.startswith("Gate failed (exit 1): ") and verdict.endswith("; the report is in report.json.")


def test_quiet_with_progress_shows_only_the_progress_as_the_help_says(logs: Any) -> None:
    path = logs("log.jsonl", MIXED * 100)
    said = process("replay", path, "--dry-run", "-q", "--progress", cwd=Path.cwd()).stderr.splitlines()
    assert all(line.startswith("dry run: ") for line in said)  # progress, and no summary
    assert said[-1].startswith("dry run: 100% ")
    assert process("replay", path, "--dry-run", "-q", cwd=Path.cwd()).stderr == ""
    helped = " ".join(process("validate", "--help").stdout.replace("│", " ").split())
    assert "progress, if --progress asks for it" in helped
    assert "--progress shows it anywhere, even with -q" in helped


def test_progress_of_standard_input_shows_what_was_read_with_no_total(logs: Any) -> None:
    said = process("validate", "-", "--progress", "-q", input=MIXED.encode() * 100, cwd=Path.cwd()).stderr
    last = said.splitlines()[-1]
    assert re.fullmatch(r"validate: \d+\.\d [kM]B, 300 events, \d:\d\d:\d\d elapsed", last), said


@pytest.mark.parametrize(("color", "coloured"), [("always", True), ("never", False), ("auto", False)])
def test_color(logs: Any, color: str, coloured: bool) -> None:
    result = process("validate", logs("log.jsonl", MIXED), "--color", color, cwd=Path.cwd())
    assert ("\x1b[" in result.stdout) is coloured
    listing = process("rules", "--color", color)
    assert ("\x1b[" in listing.stdout) is coloured


@pytest.mark.parametrize("color", ["auto", "always"])
def test_force_color_colours_no_file_unless_always_asks(logs: Any, tmp_path: Path, color: str) -> None:
    # CI sets FORCE_COLOR for its logs: a report written to a file held escapes, which `--color auto` promises to a
    # terminal only.
    log = logs("log.jsonl", MIXED)
    env = {**os.environ, "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    report, listing = tmp_path / "report.txt", tmp_path / "rules.txt"
    subprocess.run(
        [str(CLI), "validate", str(log), "--color", color, "-o", str(report)], env=env, timeout=60, check=False
    )
    with listing.open("w") as out:
        subprocess.run([str(CLI), "rules", "--color", color], env=env, stdout=out, timeout=60, check=True)
    assert ("\x1b[" in report.read_text()) is (color == "always")
    assert ("\x1b[" in listing.read_text()) is (color == "always")
    piped = subprocess.run([str(CLI), "rules"], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert "\x1b[" in piped.stdout  # a pipe is coloured as FORCE_COLOR asks: a CI job's log, read by a browser


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_flags(flag: str) -> None:
    assert cli(flag).stdout == f"hotjar-cli {__version__} ({compiled.describe()})\n"


# Extending the configured rule lists

EVERY_KIND = identify(None) + identify(traits={"address": {}, "roles": ["a"]}) + track(properties={"x": 1})


def rules_reported(*args: str) -> set[str]:
    return set(cli("validate", "log.jsonl", "-f", "json", "--fail-on", "never", *args).json()["summary"]["rules"])


def test_extend_ignore_adds_to_the_configured_ignore(logs: Any, tmp_path: Path) -> None:
    logs("log.jsonl", EVERY_KIND)
    (tmp_path / "pyproject.toml").write_text('[tool.hotjar-cli]\nignore = ["HJ301"]\n')
    assert rules_reported() == {"HJ103", "HJ201", "HJ202"}
    assert rules_reported("--extend-ignore", "HJ201") == {"HJ103", "HJ202"}
    assert rules_reported("--ignore", "HJ202") == {"HJ103", "HJ201", "HJ301"}  # --ignore replaces


def test_extend_select_adds_to_the_configured_select(logs: Any, tmp_path: Path) -> None:
    logs("log.jsonl", EVERY_KIND)
    (tmp_path / "pyproject.toml").write_text('[tool.hotjar-cli]\nselect = ["HJ1"]\nextend-ignore = ["HJ103"]\n')
    assert rules_reported() == set()
    assert rules_reported("--extend-select", "HJ202,list-trait") == {"HJ202"}
    assert rules_reported("--extend-select", "HJ3", "--extend-ignore", "HJ202") == {"HJ301"}


def test_extend_select_with_nothing_selected_keeps_every_rule(logs: Any) -> None:
    logs("log.jsonl", EVERY_KIND)
    assert rules_reported("--extend-select", "HJ201") == {"HJ103", "HJ201", "HJ202", "HJ301"}


# replay without Playwright

WITHOUT_PLAYWRIGHT = """
import importlib.util, sys
real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *rest: None if name.split(".")[0] == "playwright" else real(name, *rest)
from hotjar_cli.cli.main import main
sys.argv = ["hotjar-cli", *sys.argv[1:]]
main()
"""


def test_replay_without_playwright_says_what_to_install(logs: Any) -> None:
    path = logs("log.jsonl", CLEAN)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_PLAYWRIGHT,
            "replay",
            str(path),
            "--site-id",
            "1",
            "--page-url",
            "https://www.example.com/",
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "pip install 'hotjar-cli[replay]'" in one_line(done.stderr.decode())
    dry = subprocess.run(
        [sys.executable, "-c", WITHOUT_PLAYWRIGHT, "replay", str(path), "--dry-run"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert dry.returncode == 0 and len(dry.stdout.splitlines()) == 3


def test_replay_without_playwright_and_without_a_site_asks_for_the_site_first(logs: Any) -> None:
    # It said to install Playwright, and only then that --site-id was missing, where --dry-run may have been meant.
    path = logs("log.jsonl", CLEAN)
    for given, said in (([], "--site-id is required"), (["--site-id", "1"], "--page-url is required")):
        done = subprocess.run(
            [sys.executable, "-c", WITHOUT_PLAYWRIGHT, "replay", str(path), *given],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2
        assert one_line(done.stderr.decode()).startswith(f"hotjar-cli: error: {said}"), given


def test_replay_without_playwright_and_without_logs_asks_for_the_logs_first() -> None:
    # It said Playwright was missing, where the dry run said the logs were: what the command lacks comes first.
    for given in ([], ["--site-id", "1"], ["--dry-run"]):
        done = subprocess.run(
            [sys.executable, "-c", WITHOUT_PLAYWRIGHT, "replay", *given],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2
        assert one_line(done.stderr.decode()).startswith("hotjar-cli: error: give the logs to replay"), given


def rules_at(width: str) -> list[str]:
    """The lines `hotjar-cli rules` prints on a terminal `width` columns wide."""
    done = subprocess.run(
        [str(CLI), "rules"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": width, "NO_COLOR": "1"},
    )
    return done.stdout.splitlines()


@pytest.mark.parametrize("width", ["60", "80"])
def test_rules_never_cuts_a_rule_name(width: str) -> None:
    from hotjar_cli.core.rules import CATALOGUE

    lines = rules_at(width)
    rows = [line.split("│") if "│" in line else line.split() for line in lines if line.strip().startswith("HJ")]
    assert [cells[1].strip() for cells in rows] == [rule.name for rule in CATALOGUE]
    assert max(len(line) for line in lines) <= int(width)


@pytest.mark.parametrize("width", ["80", "120", "200"])
def test_rules_reads_well_at_80_columns_and_wider(width: str) -> None:
    from hotjar_cli.core.rules import CATALOGUE

    lines = rules_at(width)
    # Each rule's message whole on one line, not a word or two to a line: at most two lines a rule.
    for rule in CATALOGUE:
        assert any(rule.message in line for line in lines), rule.code
    assert len(lines) <= 2 * len(CATALOGUE) + 2


def test_a_rule_on_a_terminal_is_drawn_to_its_width() -> None:
    env = {**os.environ, "COLUMNS": "60", "NO_COLOR": "1"}
    code, _, drawn = on_a_terminal("rule", "HJ303", stdout_too=True, env=env)
    assert code == 0
    shown = re.sub(r"\x1b\[[0-9;]*m", "", drawn)  # styles taken out
    assert "HJ303 event-name-invalid-characters" in shown and "What it does" in shown
    assert max(len(line) for line in shown.splitlines()) <= 60
    # and written to a file, the Markdown as it is
    assert process("rule", "HJ303").stdout.startswith("# HJ303 event-name-invalid-characters\n")


def test_a_report_written_into_the_folder_it_reads_is_not_read_as_logs_the_next_time(logs: Any) -> None:
    logs("logs/events.jsonl", CLEAN)
    first = cli("validate", "logs", "-f", "json", "-o", "logs/report.json")
    for report in ("report.html", "report.xml", "inventory.csv"):
        cli(
            "inventory" if report.endswith("csv") else "validate",
            "logs",
            "-f",
            report.split(".")[1].replace("xml", "junit"),
            "-o",
            f"logs/{report}",
        )
    # The text, markdown and GitHub reports too, under the names such reports get (.txt, .log): read back, each of
    # their lines was a broken message.
    mixed = logs("mixed.jsonl", MIXED)
    for command, format, name in (
        ("validate", "text", "report.txt"),
        ("validate", "markdown", "summary.txt"),
        ("validate", "github", "annotations.log"),
        ("inventory", "text", "names.txt"),
        ("inventory", "markdown", "names.log"),
        ("inventory", "csv", "names.log.1"),
    ):
        cli(command, mixed if format == "github" else "logs", "-f", format, "-o", f"logs/{name}")
        assert Path(f"logs/{name}").stat().st_size > 0
    # Line reports too, whatever their names: their lines would come back as messages, and count.
    cli("validate", mixed, "-f", "jsonl", "-o", "logs/findings.jsonl")
    Path("logs/calls.ndjson").write_text(cli("replay", "--dry-run", "logs/events.jsonl").stdout)
    assert Path("logs/findings.jsonl").read_text().startswith('{"file":')
    assert Path("logs/calls.ndjson").read_text().startswith('{"file":')
    again = cli("validate", "logs", "-f", "json", "-o", "logs/report.json")
    assert first.code == again.code == 0
    assert json.loads(Path("logs/report.json").read_text())["summary"]["files"] == 1
    # Named on its own (as a pre-commit hook names every staged file), a report is skipped too, and said.
    named = cli("validate", "logs/report.json", "-f", "json")
    assert named.json()["summary"]["events"] == 0
    assert "hotjar-cli: logs/report.json is not read: it is a report of hotjar-cli, not a Segment log" in named.stderr


OWN_REPORTS = [
    *(("validate", format.value) for format in Format),
    *(("inventory", format.value) for format in InventoryFormat),
    ("replay", "report"),  # `replay --dry-run --report json`, redirected into a file
    # The catalogue of rules, redirected into a file: its examples are Segment messages, which read back would count.
    *(("rules", format) for format in ("text", "json", "markdown")),
    ("rule", "HJ201"),
]
"""Every report hotjar-cli writes of logs: each format of `validate` and `inventory` (from their enums, so that no
format is left out), the summary of `replay --report json`, and the catalogue of its rules."""
LOG_LIKE_NAMES = ("report.jsonl", "v.junit", "x.ndjson", "report")


def _write_report(command: str, format: str, source: Path, to: str) -> None:
    if command == "replay":
        Path(to).write_text(cli("replay", "--dry-run", "--report", "json", source).stdout)
    elif command == "rules":
        Path(to).write_text(cli("rules", "-f", format).stdout)
    elif command == "rule":
        Path(to).write_text(cli("rule", format).stdout)
    else:
        cli(command, source, "-f", format, "-o", to)
    assert Path(to).stat().st_size > 0


@pytest.mark.parametrize(("command", "format"), OWN_REPORTS)
def test_a_report_of_any_format_written_beside_the_logs_under_a_log_like_name_is_not_read(
    logs: Any, command: str, format: str
) -> None:
    logs("logs/events.jsonl", CLEAN)
    mixed = logs("mixed.jsonl", MIXED)  # findings in every format, the GitHub annotations' too
    for name in LOG_LIKE_NAMES:
        _write_report(command, format, mixed, f"logs/{name}")
    result = cli("validate", "logs", "-f", "json")
    assert result.code == 0, result.stdout
    assert (result.json()["summary"]["files"], result.json()["summary"]["events"]) == (1, 3)
    # A folder of nothing but the report says it skipped it, in the words it has for a JSON report.
    Path("only").mkdir()
    _write_report(command, format, mixed, "only/report.jsonl")
    assert one_line(cli("validate", "only").stderr) == (
        f"hotjar-cli: error: only: directory holds no log files: skipped report.jsonl {SKIPPED_WHY}"
    )


@pytest.mark.parametrize(("command", "format"), OWN_REPORTS)
def test_a_gzipped_report_of_any_format_kept_beside_the_logs_is_not_read(logs: Any, command: str, format: str) -> None:
    # `replay --dry-run | gzip > logs/calls.jsonl.gz` was read back as logs: each of its lines an unknown-type event.
    logs("logs/events.jsonl", CLEAN)
    mixed = logs("mixed.jsonl", MIXED)
    for name in LOG_LIKE_NAMES:
        _write_report(command, format, mixed, f"logs/{name}")
        plain = Path(f"logs/{name}")
        subprocess.run(["gzip", "-n", str(plain)], check=True, timeout=60)  # the report, gzipped as gzip(1) does
        assert Path(f"logs/{name}.gz").read_bytes()[:2] == b"\x1f\x8b" and not plain.exists()
    result = cli("validate", "logs", "-f", "json")
    assert result.code == 0, result.stdout
    assert (result.json()["summary"]["files"], result.json()["summary"]["events"]) == (1, 3)
    # Named on its own, a gzipped report is skipped, as a plain one is.
    assert cli("validate", "logs/report.gz", "-f", "json").json()["summary"]["events"] == 0


def test_the_dry_run_calls_piped_through_gzip_into_the_logs_folder_are_not_read_back(logs: Any) -> None:
    logs("logs/events.jsonl", CLEAN)
    calls = subprocess.run(
        f"{CLI} replay logs --dry-run -q | gzip > logs/calls.jsonl.gz", shell=True, check=True, timeout=60
    )
    assert calls.returncode == 0 and Path("logs/calls.jsonl.gz").stat().st_size > 0
    result = cli("validate", "logs", "-f", "json")
    assert result.code == 0, result.stdout
    assert (result.json()["summary"]["files"], result.json()["summary"]["events"]) == (1, 3)


@pytest.mark.parametrize("command", ["validate", "inventory"])
@pytest.mark.parametrize(("option", "columns"), [("--color=always", "200"), ("--color=never", "20")])
def test_a_text_report_in_colour_or_folded_at_the_narrowest_width_is_not_read_back_as_logs(
    logs: Any, command: str, option: str, columns: str
) -> None:
    logs("logs/events.jsonl", CLEAN)
    # Styled (`--color always` colours a file too) or folded (its first words on two lines), the first line of a text
    # report was not known as one: read back, each of its lines counted as a broken message.
    done = subprocess.run(
        [str(CLI), command, "logs", option, "-o", "logs/report.txt"],
        capture_output=True,
        env={key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
        | {"COLUMNS": columns},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    head = Path("logs/report.txt").read_bytes()[:40]
    assert (b"\x1b[" in head) is (option == "--color=always"), head
    again = cli("validate", "logs", "-f", "json")
    assert again.code == 0, again.stdout
    assert (again.json()["summary"]["files"], again.json()["summary"]["events"]) == (1, 3)


def test_a_pattern_that_matches_only_skipped_files_says_which_it_skipped(logs: Any) -> None:
    logs("docs/readme.md", "# notes\n")
    logs("docs/export.py", "print('x')\n")
    said = one_line(cli("validate", "docs/*").stderr)
    assert said == (
        f"hotjar-cli: error: docs/*: the pattern matches no log files: skipped docs/export.py and docs/readme.md "
        f"{SKIPPED_WHY}"
    )
    assert one_line(cli("validate", "nothing/*.jsonl").stderr) == (
        "hotjar-cli: error: nothing/*.jsonl: no file matches this pattern"
    )
