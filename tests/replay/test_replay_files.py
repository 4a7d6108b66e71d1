"""What a replay writes as it goes (`--dead-letter`, `--checkpoint`) can neither replace an input nor be read back
as one, and settings no replay can finish with are refused before anything is read or sent."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hotjar_cli.cli.command import outside_the_inputs
from hotjar_cli.cli.settings import UsageError
from hotjar_cli.replay import plan_events
from hotjar_cli.replay.deadletter import DeadLetter
from hotjar_cli.sources.reader import resolve
from tests.support.cli import identify, one_line, track
from tests.support.replay_support import events_of

SITE = ["--site-id", "1234567", "--page-url", "https://www.example.com/"]


def replay(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotjar_cli", "replay", *map(str, args), *SITE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "day1.jsonl").write_text(track() * 3)
    return folder


def refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    return one_line(result.stderr)


@pytest.mark.parametrize("option", ["--dead-letter", "--checkpoint"])
def test_a_file_written_as_the_replay_goes_cannot_be_an_input(logs: Path, option: str) -> None:
    before = (logs / "day1.jsonl").read_bytes()
    said = refused(replay(logs / "day1.jsonl", option, logs / "day1.jsonl", cwd=logs.parent))
    assert said.endswith("day1.jsonl: is one of the inputs; the replay would replace it")
    assert (logs / "day1.jsonl").read_bytes() == before


@pytest.mark.parametrize("option", ["--dead-letter", "--checkpoint"])
@pytest.mark.parametrize("seed", ["--known-attributes", "--known-events"])
def test_a_file_written_as_the_replay_goes_cannot_be_a_seed_file(logs: Path, option: str, seed: str) -> None:
    # The dead letters replaced the list of the names the site holds, after a browser had been started and every
    # call tried.
    names = logs.parent / "site-names.txt"
    names.write_text("plan\n")
    said = refused(replay(logs / "day1.jsonl", seed, names, option, names, cwd=logs.parent))
    assert said == f"hotjar-cli: error: {option} {names}: is the {seed} file; the replay would replace it"
    assert names.read_text() == "plan\n"


@pytest.mark.parametrize("option", ["--dead-letter", "--checkpoint"])
def test_a_file_written_as_the_replay_goes_cannot_be_the_settings_file(logs: Path, option: str) -> None:
    # `--dead-letter pyproject.toml` replaced the project's settings with the dead letters.
    settings = logs.parent / "pyproject.toml"
    settings.write_text("[tool.hotjar-cli]\n")
    said = refused(replay(logs / "day1.jsonl", option, "pyproject.toml", cwd=logs.parent))
    assert said == (f"hotjar-cli: error: {option} pyproject.toml: is the settings file; the replay would replace it")
    assert settings.read_text() == "[tool.hotjar-cli]\n"


@pytest.mark.parametrize("option", ["--dead-letter", "--checkpoint"])
@pytest.mark.parametrize("read", ["logs", "logs/", "logs/*", "logs/d*"])
def test_a_file_written_as_the_replay_goes_cannot_lie_where_the_logs_are_read(
    logs: Path, option: str, read: str
) -> None:
    # Read back by the next run over the same logs, a dead-letter file's messages would be replayed twice.
    said = refused(replay(read, option, "logs/dead.ndjson", cwd=logs.parent))
    assert f"logs/dead.ndjson: lies in {read}, which is read as the logs" in said
    assert not (logs / "dead.ndjson").exists()


def test_beside_the_logs_under_a_name_no_walk_reads_it_is_taken(logs: Path) -> None:
    # A dot-file is skipped by every walk: refusing it would protect nothing.
    sources = resolve([str(logs)])
    outside_the_inputs("--dead-letter", logs / ".dead.ndjson", [str(logs)], sources)
    with pytest.raises(UsageError, match="lies in"):
        outside_the_inputs("--dead-letter", logs / "dead.ndjson", [str(logs)], sources)


def test_the_dead_letter_file_and_the_checkpoint_cannot_be_one_file(logs: Path) -> None:
    said = refused(replay("logs", "--dead-letter", "same.x", "--checkpoint", "same.x", cwd=logs.parent))
    assert "--dead-letter and --checkpoint name the same file (same.x): each would overwrite the other" in said


def test_a_dead_letter_file_that_cannot_be_made_is_said_before_anything_is_sent(logs: Path) -> None:
    # Even root cannot make a file in /proc: the replay said so only once every user was sent.
    said = refused(replay("logs", "--dead-letter", "/proc/dead.ndjson", cwd=logs.parent))
    assert said.endswith("--dead-letter /proc/dead.ndjson: not writable here")


@pytest.mark.parametrize(
    ("option", "value"), [("--settle", "nan"), ("--settle", "inf"), ("--rate", "nan"), ("--rate", "inf")]
)
def test_a_number_that_is_no_number_of_seconds_or_calls_is_refused(logs: Path, option: str, value: str) -> None:
    said = refused(replay("logs", option, value, cwd=logs.parent))
    assert option in said
    assert "timeout" not in said  # no option is named so: the refusal names the option given, as it was typed


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["--site-id", "abc"], "--site-id 'abc' is no number"),
        (["--site-id", "-5"], "--site-id '-5' is negative: give the number Hotjar shows as the Site ID"),
        # Digits to Unicode, not to int(): a superscript two, and digits of other scripts that int() would take.
        (["--site-id", "\u00b2"], "--site-id '\u00b2' is no number"),
        (["--site-id", "\u0661\u0662\u0663"], "is no number"),
        ([], "--site-id is required"),
    ],
)
def test_a_site_id_missing_or_no_number_is_said_for_what_it_is(logs: Path, given: list[str], said: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", "replay", "logs", *given, "--page-url", "https://www.example.com/"],
        capture_output=True, text=True, timeout=60, check=False, cwd=logs.parent,
    )  # fmt: skip
    assert said in refused(result)


@pytest.mark.parametrize("given", [[], ["logs", "--dry-run"]])
def test_check_without_a_site_id_asks_for_the_site_it_looks_at(logs: Path, given: list[str]) -> None:
    # It said to use --dry-run to only see the calls: a check has none, and its --dry-run is said not to be used.
    result = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", "replay", "--check", *given, "--page-url", "https://www.example.com/"],
        capture_output=True, text=True, timeout=60, check=False, cwd=logs.parent,
    )  # fmt: skip
    assert refused(result) == (
        "hotjar-cli: error: --site-id is required: the number Hotjar shows as the Site ID (Account settings > Sites "
        "& Organizations), the site --check looks at"
    )


def test_standard_input_under_another_name_is_dead_lettered_as_it_was_read(tmp_path: Path) -> None:
    # `--stdin-filename` names standard input in reports; a file of that name in the folder is another log. The
    # dead-letter file holds what was read from standard input, whole, never that file's lines.
    from tests.support.fake_hotjar import FakeHotjar

    (tmp_path / "events.jsonl").write_text(track("Unrelated", user="someone-else") * 2)
    piped = track("Paid", user="alice", timestamp="2024-01-01T00:00:00Z", anonymousId="a-1") + identify(
        "alice", timestamp="2024-01-01T00:00:01Z", context={"timezone": "Europe/Paris"}
    )
    with FakeHotjar(allow_http=True) as fake:
        fake.faults.error_every = 1
        site = fake.site_options()
        delivery = ["--retries", "0", "--settle", "0.2", "--give-up-after", "0", "--dead-letter", "dead.ndjson"]
        result = subprocess.run(
            [sys.executable, "-m", "hotjar_cli", "replay", "-", "--stdin-filename", "events.jsonl", *site, *delivery],
            input=piped,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=tmp_path,
        )
    assert result.returncode == 1, result.stderr
    assert "rebuilt" not in result.stderr
    dead = [json.loads(text) for text in (tmp_path / "dead.ndjson").read_text().splitlines()]
    assert [message["userId"] for message in dead] == ["alice", "alice"]
    assert [message["timestamp"] for message in dead] == ["2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z"]
    assert dead[0]["anonymousId"] == "a-1" and dead[1]["context"] == {"timezone": "Europe/Paris"}


def test_a_checkpoint_that_is_no_regular_file_is_refused_before_it_is_read(logs: Path) -> None:
    # The checkpoint is read back when the replay starts: a named pipe would wait for a writer for ever.
    os.mkfifo(logs.parent / "pipe")
    said = refused(replay(logs, "--checkpoint", "pipe", cwd=logs.parent))
    assert said.endswith("--checkpoint pipe is no regular file: the next run reads it back; name a file")


def test_a_dead_letter_file_behind_a_link_or_a_named_pipe_stays_what_it_is(tmp_path: Path) -> None:
    # Renamed over, /dev/null would become a regular file (root may do that): a device or a pipe is written through,
    # and a link keeps pointing at its file, which gets the messages.
    log = tmp_path / "log.ndjson"
    log.write_text(track("Paid", user="alice", messageId="m1"))
    (user,) = plan_events(events_of(log)).users
    (tmp_path / "kept.ndjson").write_text("")
    link = tmp_path / "dead.ndjson"
    link.symlink_to("kept.ndjson")
    dead = DeadLetter(link)
    dead.add(user)
    assert dead.write().messages == 1
    assert link.is_symlink() and (tmp_path / "kept.ndjson").read_text() == log.read_text()

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_bytes()), daemon=True)
    reader.start()
    dead = DeadLetter(pipe)
    dead.add(user)
    assert dead.write().messages == 1
    reader.join(10)
    assert read == [log.read_bytes()] and stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.parametrize(
    "given",
    [
        ["logs/day1.jsonl", "--dead-letter", "logs/day1.jsonl"],
        ["logs/day1.jsonl", "--checkpoint", "logs/day1.jsonl"],
        ["logs", "--dead-letter", "logs/dead.ndjson"],
        ["logs/day1.jsonl", "--known-events", "names.txt", "--checkpoint", "names.txt"],
        ["logs/day1.jsonl", "--dead-letter", "pyproject.toml"],
        ["logs/day1.jsonl", "--dead-letter", "same.txt", "--checkpoint", "same.txt"],
    ],
)
def test_a_dry_run_refuses_the_files_to_write_as_the_replay_refuses_them(logs: Path, given: list[str]) -> None:
    # The dry run said all was well, and the same command without --dry-run was refused: a dry run is the way to look
    # before sending, so that the command runs once --dry-run is taken out.
    (logs.parent / "names.txt").write_text("Signed Up\n")
    (logs.parent / "pyproject.toml").write_text("[tool.hotjar-cli]\n")
    sent = refused(replay(*given, cwd=logs.parent))
    dry = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", "replay", "--dry-run", *given],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=logs.parent,
    )
    assert refused(dry) == sent
    assert dry.stdout == ""
