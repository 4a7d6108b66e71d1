"""What a replay writes as it goes (`--dead-letter`, `--checkpoint`) can neither replace an input nor be read back
as one, and settings no replay can finish with are refused before anything is read or sent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hotjar_cli.cli.command import outside_the_inputs
from hotjar_cli.cli.settings import UsageError
from hotjar_cli.sources.reader import resolve
from tests.support.cli import one_line, track

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
