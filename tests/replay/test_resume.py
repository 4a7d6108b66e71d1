"""Resume: `hotjar-cli replay` killed with SIGKILL, or stopped with Ctrl-C, then run again with its checkpoint."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.support.fake_hotjar import FakeHotjar
from tests.support.replay_support import (
    Log,
    assert_nothing_lost,
    dead_letter_messages,
    delivered_users,
    generate_log,
)

pytestmark = pytest.mark.timeout(240)
CONCURRENCY = 2


def replay_command(log: Path, fake: FakeHotjar, checkpoint: Path, dead_letter: Path) -> list[str]:
    """The command line a user would run."""
    return [
        sys.executable,
        "-m",
        "hotjar_cli",
        "replay",
        str(log),
        *fake.site_options(),
        "--concurrency",
        str(CONCURRENCY),
        "--settle",
        "0.2",
        "--checkpoint",
        str(checkpoint),
        "--dead-letter",
        str(dead_letter),
        "--report",
        "json",
    ]


def start(command: list[str], tmp_path: Path) -> subprocess.Popen[bytes]:
    """Start the replay in its own session, as a terminal would run it in its own process group, where Ctrl-C
    interrupts. The tests may run where Ctrl-C is ignored (a script's background job), which a command started from
    there keeps to, as the replay does while it reads its logs: Ctrl-C would then never stop it."""
    with ctrl_c_interrupts():
        return subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )


@contextlib.contextmanager
def ctrl_c_interrupts() -> Iterator[None]:
    """Ctrl-C interrupts the processes started meanwhile: a program started gets the system's default for a signal
    its parent handles, but keeps one its parent ignores ignored."""
    before = signal.getsignal(signal.SIGINT)
    if before is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def checkpointed(checkpoint: Path) -> list[str]:
    """The users a checkpoint records (its first line is its header)."""
    if not checkpoint.exists():
        return []
    lines = checkpoint.read_bytes().split(b"\n")[1:]
    return [json.loads(line)[0] for line in lines if line.strip()]  # each `[user, [digests of its calls]]`


def wait_for_users(process: subprocess.Popen[bytes], checkpoint: Path, users: int, limit: float = 120) -> None:
    """Wait until the checkpoint holds `users` delivered users."""
    deadline = time.monotonic() + limit
    while len(checkpointed(checkpoint)) < users:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the replay made no progress"
        time.sleep(0.05)


def finish(process: subprocess.Popen[bytes], limit: float = 180) -> tuple[int, dict[str, Any], str]:
    """Wait for the replay, at most `limit` seconds; its exit code, its JSON report and what it said on stderr."""
    try:
        out, err = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        clean_up(process)
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            err = b"(nothing: its output is held open by a process outside its group)"
        pytest.fail(f"the replay was still running after {limit:g} s; it said: {err.decode()[-2000:]!r}")
    report = json.loads(out) if out.strip() else {}
    return process.returncode, report, err.decode()


def opened_by(process: subprocess.Popen[bytes], fifo: Path, limit: float = 60) -> int:
    """Wait until the replay opens the named pipe to read its logs, at most `limit` seconds; the pipe's other end,
    held open (the replay then waits for lines), for the caller to close."""
    deadline = time.monotonic() + limit
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:  # ENXIO: no reader yet
            if error.errno != errno.ENXIO:
                raise
        if process.poll() is not None:
            pytest.fail(
                f"the replay ended (exit {process.returncode}) before it read {fifo.name}: {finish(process)[2]!r}"
            )
        if time.monotonic() > deadline:
            pytest.fail(f"the replay did not open {fifo.name} to read it within {limit:g} s")
        time.sleep(0.05)


def asleep_reading(process: subprocess.Popen[bytes], limit: float = 60) -> None:
    """Wait until the replay, its logs opened, sleeps (in their read), at most `limit` seconds. A signal that comes in
    the last microseconds before the read begins is noted by Python, whose handler then waits for the read to
    return: on a pipe no one writes to, never (once in some hundred runs on a loaded machine, signalled as soon as
    the pipe was opened). Asleep, it is woken by the signal."""
    deadline = time.monotonic() + limit
    while True:
        try:
            state = Path(f"/proc/{process.pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except OSError:
            return  # no /proc to tell
        if state == b"S":
            return
        if process.poll() is not None:
            pytest.fail(f"the replay ended (exit {process.returncode}) before it read its logs: {finish(process)[2]!r}")
        if time.monotonic() > deadline:
            pytest.fail(f"the replay did not wait for its logs within {limit:g} s")
        time.sleep(0.01)


def clean_up(process: subprocess.Popen[bytes]) -> None:
    """Stop what the killed replay left behind (its browser driver notices on its own, this makes sure)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def repeated_users(log: Log, fake: FakeHotjar) -> set[str]:
    """Users whose calls reached Hotjar in more than one visit."""
    return {key for key, visits in delivered_users(log, fake.received()).items() if len(visits) > 1}


def test_a_replay_killed_with_sigkill_resumes_from_its_checkpoint(tmp_path: Path, fake: FakeHotjar) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=40)
    checkpoint, dead = tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson"
    command = replay_command(log.path, fake, checkpoint, dead)
    first = start(command, tmp_path)
    try:
        wait_for_users(first, checkpoint, 15)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
    finally:
        clean_up(first)
    assert first.returncode == -signal.SIGKILL
    delivered_before = checkpointed(checkpoint)
    assert 15 <= len(delivered_before) < 40
    complete = delivered_users(log, fake.received())
    assert all(log.expected[key] in complete[key] for key in delivered_before), (
        "the checkpoint names a user whose calls did not all arrive"
    )

    code, report, said = finish(start(command, tmp_path))
    assert code == 0, said
    assert report["users_skipped"] == len(set(delivered_before))
    assert report["users_sent"] == 40 - len(set(delivered_before))
    assert report["planned"] == report["sent"] + report["skipped"] == log.calls
    assert sorted(checkpointed(checkpoint)) == sorted(log.expected)
    assert_nothing_lost(log, fake.received())
    assert len(repeated_users(log, fake)) <= CONCURRENCY


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_stops_cleanly_and_the_same_command_sends_the_rest(
    tmp_path: Path, fake: FakeHotjar, stop: signal.Signals
) -> None:
    # SIGTERM, what a service manager sends before it kills, stops as Ctrl-C does: the users in flight finish.
    log = generate_log(tmp_path / "log.ndjson", users=40)
    checkpoint, dead = tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson"
    command = replay_command(log.path, fake, checkpoint, dead)
    first = start(command, tmp_path)
    try:
        wait_for_users(first, checkpoint, 10)
        os.killpg(first.pid, stop)  # Ctrl-C in a terminal signals the whole foreground group
        code, report, said = finish(first)
    finally:
        clean_up(first)
    assert code == 1, said
    assert report["interrupted"] is True
    assert report["planned"] == report["sent"] + report["dead_lettered"] + report["skipped"] == log.calls
    assert report["users_sent"] == len(checkpointed(checkpoint))
    assert 10 <= report["users_sent"] < 40
    assert dict(report["failures"]) == {"interrupted": 40 - report["users_sent"]}
    assert "stopping: finishing the" in said
    # The users not sent are in the dead-letter file, as their original messages.
    assert len(dead_letter_messages(dead)) == report["dead_lettered"]

    code, again, said = finish(start(command, tmp_path))
    assert code == 0, said
    assert again["users_skipped"] == report["users_sent"]
    assert again["sent"] == report["dead_lettered"]
    assert_nothing_lost(log, fake.received())
    assert len(repeated_users(log, fake)) <= CONCURRENCY


def test_ctrl_c_that_whoever_started_the_replay_ignores_stops_nothing(tmp_path: Path, fake: FakeHotjar) -> None:
    # A shell's `replay ... &` starts it with Ctrl-C ignored, which the command keeps to while it reads its logs: once
    # sending began, the signal stopped it all the same, so the same command stopped or not by when it came.
    log = generate_log(tmp_path / "log.ndjson", users=40)
    checkpoint, dead = tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson"

    def ignoring_ctrl_c() -> None:
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    first = subprocess.Popen(
        replay_command(log.path, fake, checkpoint, dead),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=ignoring_ctrl_c,
    )
    try:
        wait_for_users(first, checkpoint, 10)
        os.killpg(first.pid, signal.SIGINT)
        code, report, said = finish(first)
    finally:
        clean_up(first)
    assert code == 0, said
    assert report["interrupted"] is False and report["users_sent"] == 40
    assert "stopping" not in said


def received_args(fake: FakeHotjar) -> list[list[Any]]:
    return [call.args for call in fake.received()]


def test_the_same_checkpoint_with_other_filters_sends_what_was_not_delivered(tmp_path: Path, fake: FakeHotjar) -> None:
    # Identifies first, then the events: the checkpoint of the first run must not skip the users' events.
    log = generate_log(tmp_path / "log.ndjson", users=10)
    checkpoint, dead = tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson"
    command = replay_command(log.path, fake, checkpoint, dead)
    code, first, said = finish(start([*command, "--type", "identify"], tmp_path))
    assert code == 0, said
    identifies = [call for calls in log.expected.values() for call in calls if call[0] == "identify"]
    assert first["sent"] == len(identifies)
    code, second, said = finish(start([*command, "--type", "track"], tmp_path))
    assert code == 0, said
    events = [call for calls in log.expected.values() for call in calls if call[0] == "event"]
    assert second["planned"] == second["sent"] + second["skipped"] == len(events)
    assert second["users_skipped"] == 0
    # Every call arrived once: the identifies with the first run, the events (`--type track` plans no identify)
    # with the second.
    received = received_args(fake)
    assert sorted(map(str, received)) == sorted(map(str, identifies + events))


def test_a_log_that_came_late_sends_only_its_calls(tmp_path: Path, fake: FakeHotjar) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=10)
    checkpoint, dead = tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson"
    command = replay_command(log.path, fake, checkpoint, dead)
    code, _, said = finish(start(command, tmp_path))
    assert code == 0, said
    before = len(fake.received())
    late = {"type": "track", "userId": "user-1", "event": "Late Event", "timestamp": "2020-04-12T09:00:00Z"}
    with log.path.open("a") as file:
        file.write(json.dumps(late) + "\n")
    code, again, said = finish(start(command, tmp_path))
    assert code == 0, said
    assert again["users_sent"] == 1 and again["users_skipped"] == 9
    user = [call for call in log.expected["user-1"] if call[0] == "identify"]
    assert again["sent"] == len(user) + 1  # its identify again, for the event to be the user's, and the event
    assert again["planned"] == again["sent"] + again["skipped"] == log.calls + 1
    assert sorted(map(str, received_args(fake)[before:])) == sorted(map(str, [*user, ["event", "Late Event"]]))


def test_the_next_day_s_logs_with_the_same_checkpoint_send_calls_equal_to_the_first_day_s(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # The user was identified with the same traits and viewed the pricing page on both days: day 2's messages were
    # taken for day 1's by the checkpoint of day 1, skipped as delivered, and never reached Hotjar.
    logs = tmp_path / "logs"
    for day in (1, 2):
        _day_log(logs, day)
    checkpoint, dead = tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson"
    calls = [["identify", "user-1", {"plan": "pro"}], ["event", "Viewed Pricing"]]
    code, first, said = finish(start(replay_command(logs / "day1.ndjson", fake, checkpoint, dead), tmp_path))
    assert (code, first["sent"]) == (0, 2), said
    code, second, said = finish(start(replay_command(logs / "day2.ndjson", fake, checkpoint, dead), tmp_path))
    assert code == 0, said
    assert (second["sent"], second["skipped"]) == (2, 0)
    assert sorted(map(str, received_args(fake))) == sorted(map(str, calls + calls))  # one request each, in any order
    # Both days again: every message was delivered once, so nothing is sent.
    code, again, said = finish(start(replay_command(logs, fake, checkpoint, dead), tmp_path))
    assert code == 0, said
    assert (again["planned"], again["skipped"], again["sent"], again["users_skipped"]) == (4, 4, 0, 1)
    assert len(fake.received()) == 4


def test_a_checkpoint_begun_by_an_earlier_hotjar_cli_says_it_skips_calls_equal_to_those_it_records(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # A checkpoint of version 2 knows calls by their arguments alone: the next day's calls equal to the first day's
    # are skipped as delivered, which only the run can say, with what to do about it.
    checkpoint, dead = tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson"
    day_1 = [["identify", "user-1", {"plan": "pro"}], ["event", "Viewed Pricing"]]
    digests = [
        hashlib.blake2b(orjson.dumps(args, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest() for args in day_1
    ]
    checkpoint.write_text(
        json.dumps({"checkpoint": "hotjar-cli replay", "version": 2, "site_id": fake.site_id})
        + "\n"
        + json.dumps(["user-1", digests])
        + "\n"
    )
    code, report, said = finish(start(replay_command(_day_log(tmp_path / "logs", 2), fake, checkpoint, dead), tmp_path))
    assert code == 0, said
    assert (report["skipped"], report["sent"]) == (2, 0)
    assert (
        f"replay: the checkpoint {checkpoint} was begun by an earlier hotjar-cli and knows calls by their arguments "
        "alone: a call equal to one it records for the same user is skipped, from any logs; for logs other than "
        "those it was written for, begin a new checkpoint file"
    ) in " ".join(said.split())
    # A checkpoint of this version that skips calls says nothing: they are the very messages it delivered.
    fresh = tmp_path / "fresh.checkpoint"
    assert finish(start(replay_command(tmp_path / "logs" / "day2.ndjson", fake, fresh, dead), tmp_path))[0] == 0
    code, report, said = finish(start(replay_command(tmp_path / "logs" / "day2.ndjson", fake, fresh, dead), tmp_path))
    assert (code, report["skipped"]) == (0, 2)
    assert "earlier hotjar-cli" not in said


def test_a_checkpoint_line_that_holds_no_record_is_said_and_its_user_sent_again(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # A line damaged in the middle of a checkpoint (a disk's fault, an edit) was passed over without a word, and the
    # user it recorded sent to Hotjar a second time.
    checkpoint, dead = tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson"
    log = _day_log(tmp_path / "logs", 1)
    assert finish(start(replay_command(log, fake, checkpoint, dead), tmp_path))[0] == 0
    header, *records = checkpoint.read_text().splitlines()
    assert len(records) == 1
    checkpoint.write_text("\n".join([header, "this is not json", '{"neither": "is this"}', *records]) + "\n")
    code, report, said = finish(start(replay_command(log, fake, checkpoint, dead), tmp_path))
    assert (code, report["skipped"], report["sent"]) == (0, 2, 0), said
    assert (
        f"replay: the checkpoint {checkpoint}: 2 lines hold no record (2, 3) and are passed over; the calls they "
        "recorded are sent again"
    ) in " ".join(said.split())
    checkpoint.write_text("\n".join([header, "this is not json"]) + "\n")
    code, report, said = finish(start(replay_command(log, fake, checkpoint, dead), tmp_path))
    assert (code, report["sent"]) == (0, 2)
    assert f"the checkpoint {checkpoint}: line 2 holds no record" in " ".join(said.split())


def _day_log(logs: Path, day: int) -> Path:
    """A day's log of one user: an identify with the same traits every day, then a view of the pricing page."""
    logs.mkdir(exist_ok=True)
    messages = [
        {
            "type": "identify",
            "userId": "user-1",
            "traits": {"plan": "pro"},
            "timestamp": f"2020-04-1{day}T09:00:00Z",
            "messageId": f"day{day}-identify",
        },
        {
            "type": "track",
            "userId": "user-1",
            "event": "Viewed Pricing",
            "timestamp": f"2020-04-1{day}T09:01:00Z",
            "messageId": f"day{day}-viewed",
        },
    ]
    path = logs / f"day{day}.ndjson"
    path.write_text("".join(json.dumps(message) + "\n" for message in messages))
    return path


def test_ctrl_c_without_a_checkpoint_says_that_running_again_repeats_the_users_sent(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # Without --checkpoint nothing records who was sent: "the same --checkpoint" names an option never given, and
    # running the same command again would send the users already sent a second time.
    log = generate_log(tmp_path / "log.ndjson", users=40)
    command = replay_command(log.path, fake, tmp_path / "x", tmp_path / "y")
    del command[command.index("--checkpoint") : command.index("--checkpoint") + 2]
    del command[command.index("--dead-letter") : command.index("--dead-letter") + 2]
    first = start(command, tmp_path)
    try:
        deadline = time.monotonic() + 120
        while len({call.visitor for call in fake.received()}) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGINT)
        code, report, said = finish(first)
    finally:
        clean_up(first)
    assert code == 1 and report["interrupted"] is True and report["users_sent"] > 0, said
    interrupted = next(line for line in said.splitlines() if line.startswith("interrupted: "))
    assert "--checkpoint to send" not in interrupted
    assert f"sends the {report['users_sent']} users sent again too" in interrupted


def test_ctrl_c_while_the_replay_looks_at_the_site_once_more_ends_it_at_once(tmp_path: Path, fake: FakeHotjar) -> None:
    # Once its last user is delivered, a replay of identifies loads the page once more, to see User Attributes still
    # on. A Hotjar that stalls that page held the replay past Ctrl-C for as long as a page may take to load.
    log = generate_log(tmp_path / "log.ndjson", users=3)
    # The script is loaded by the look before the first user, once by each user's page, then by the last look.
    fake.faults.stall_scripts_after = 4
    command = replay_command(log.path, fake, tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson")
    first = start(command, tmp_path)
    try:
        deadline = time.monotonic() + 120
        while fake.state.scripts < 5 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake.state.scripts == 5, "the replay did not look at the site once more"
        os.kill(first.pid, signal.SIGINT)
        stopped = time.monotonic()
        code, report, said = finish(first, limit=60)
    finally:
        clean_up(first)
    assert time.monotonic() - stopped < 5, said
    assert "replay: stopping: no user is in flight" in said.splitlines()
    assert (code, report["users_sent"], report["users_dead_lettered"]) == (0, 3, 0), said
    assert "Traceback" not in said


def test_a_checkpoint_that_can_no_longer_be_written_stops_the_replay_and_says_whom_it_lacks(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # The disk fills up mid-run: here the file size limit of the replay's own process is lowered to the checkpoint's
    # size (its browser, started before, keeps its own), so that the next user's line cannot be written.
    log = generate_log(tmp_path / "log.ndjson", users=40)
    checkpoint = tmp_path / "replay.checkpoint"
    command = replay_command(log.path, fake, checkpoint, tmp_path / "dead.ndjson")
    del command[command.index("--dead-letter") : command.index("--dead-letter") + 2]
    first = start(command, tmp_path)
    try:
        wait_for_users(first, checkpoint, 3)
        size = checkpoint.stat().st_size
        resource.prlimit(first.pid, resource.RLIMIT_FSIZE, (size, size))
        code, report, said = finish(first)
    finally:
        clean_up(first)
    assert code == 1 and "Traceback" not in said, said
    recorded = len(checkpointed(checkpoint))
    assert f"the checkpoint could not be written ({checkpoint}: File too large): stopping" in said
    assert report["checkpoint_error"] == f"{checkpoint}: File too large"
    assert report["planned"] == report["sent"] + report["dead_lettered"] + report["skipped"] == log.calls
    assert report["users_not_checkpointed"] == report["users_sent"] - recorded > 0
    assert report["users_dead_lettered"] > 0 and set(dict(report["failures"])) <= {"checkpoint-failed"}
    assert f"record {report['users_not_checkpointed']} user" in said


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_before_the_first_user_says_what_a_replay_leaves(
    tmp_path: Path, fake: FakeHotjar, stop: signal.Signals
) -> None:
    # Stopped while its logs are read (a named pipe no one writes to yet), a replay has no -o to speak of. SIGTERM
    # stops it as Ctrl-C does, and says so: it ended the replay with no word at all.
    from hotjar_cli.cli.main import REPLAY_LEFT

    os.mkfifo(tmp_path / "logs.ndjson")
    command = replay_command(tmp_path / "logs.ndjson", fake, tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson")
    first = start(command, tmp_path)
    try:
        # Stopped once it reads, not after a guess of how long it takes to start: sooner, Ctrl-C finds Python still
        # starting, before the command can say anything.
        logs = opened_by(first, tmp_path / "logs.ndjson")
        try:
            asleep_reading(first)
            os.kill(first.pid, stop)
            code, report, said = finish(first, limit=60)
        finally:
            os.close(logs)
    finally:
        clean_up(first)
    assert (code, report) == (128 + stop, {})
    how = "interrupted" if stop == signal.SIGINT else "stopped by SIGTERM"
    assert said.splitlines() == [f"hotjar-cli: {how} {REPLAY_LEFT}"]
    assert "-o" not in said


def test_users_abandoned_in_flight_by_a_second_ctrl_c_count_as_maybe_delivered(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # Hotjar answers each call after 2 s: the second Ctrl-C abandons users whose pages have made their calls, which
    # Hotjar then holds. They are dead-lettered, and counted among what Hotjar may hold.
    log = generate_log(tmp_path / "log.ndjson", users=8)
    fake.faults.latency = 2.0
    command = replay_command(log.path, fake, tmp_path / "replay.checkpoint", tmp_path / "dead.ndjson")
    first = start(command, tmp_path)
    try:
        deadline = time.monotonic() + 120
        while not fake.served().posts and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGINT)
        time.sleep(0.2)
        os.kill(first.pid, signal.SIGINT)
        code, report, said = finish(first)
    finally:
        clean_up(first)
    assert code == 1 and "abandoning the users in flight" in said, said
    assert report["users_maybe_delivered"] >= 1 and report["maybe_delivered"] >= 1
    time.sleep(2.5)  # the calls held by the latency are taken
    assert 0 < len(fake.received()) <= report["sent"] + report["maybe_delivered"] + report["maybe_repeated"]
