"""Replay in real headless Chromium against a fake Hotjar on loopback: delivery, faults, breaker, rate limit."""

from __future__ import annotations

import io
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from hotjar_cli.replay import ReplayReport, run_replay
from tests.support.cli import on_a_terminal
from tests.support.fake_hotjar import FakeHotjar
from tests.support.replay_support import (
    assert_complete_once,
    assert_nothing_lost,
    assert_received_or_dead_lettered,
    dead_letter_messages,
    events_of,
    generate_log,
    settings_for,
)

pytestmark = pytest.mark.timeout(240)


def quiet_console(file: io.StringIO | None = None) -> Console:
    """What the replay prints on stderr, captured."""
    return Console(file=file or io.StringIO(), width=200, force_terminal=False, no_color=True)


def test_every_call_arrives_once_in_user_order_as_a_fresh_visitor(tmp_path: Path, fake: FakeHotjar) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=200)
    dead = tmp_path / "dead.ndjson"
    report = run_replay(events_of(log.path), settings_for(fake, dead_letter=dead), quiet_console())
    assert (report.planned, report.sent, report.dead_lettered, report.skipped) == (log.calls, log.calls, 0, 0)
    assert (report.users_planned, report.users_sent) == (200, 200)
    assert report.exit_code == 0 and not report.interrupted
    assert_complete_once(log, fake.received())
    assert {call.site for call in fake.received()} == {fake.site_id}
    assert {call.page for call in fake.received()} == {fake.page_url}
    assert dead.read_text() == ""


def test_a_message_repeated_in_another_file_reaches_hotjar_once_as_through_segment(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # Every line again, in another order, in a second file: a day downloaded twice. Segment de-duplicates on
    # messageId, so Hotjar had each call once; a replay of both files must not send any twice.
    log = generate_log(tmp_path / "log.ndjson", users=30)
    lines = log.path.read_text().splitlines(keepends=True)
    again = tmp_path / "again.ndjson"
    again.write_text("".join(reversed(lines)))
    out = io.StringIO()
    report = run_replay(events_of(log.path, again), settings_for(fake), quiet_console(out))
    assert (report.planned, report.sent, report.dead_lettered, report.repeated) == (log.calls, log.calls, 0, log.calls)
    assert report.first_repeated is not None and report.first_repeated["file"] == str(again)
    assert_complete_once(log, fake.received())
    assert f"repeated: {log.calls} calls left out: each repeats" in report.to_text()


def test_the_full_chromium_browser_delivers_as_the_headless_shell_does(tmp_path: Path, fake: FakeHotjar) -> None:
    # The system's browser is Debian's headless shell when installed; `chromium` itself must work just as well.
    from hotjar_cli.replay.browser import chromium_path

    assert Path(chromium_path(settings_for(fake))).name == "chromium-headless-shell"
    log = generate_log(tmp_path / "log.ndjson", users=20)
    report = run_replay(
        events_of(log.path), settings_for(fake, browser_path=Path("/usr/bin/chromium")), quiet_console()
    )
    assert (report.planned, report.sent, report.users_sent) == (log.calls, log.calls, 20)
    assert_complete_once(log, fake.received())


def test_latest_traits_sends_one_merged_identify_per_user(tmp_path: Path, fake: FakeHotjar) -> None:
    log = tmp_path / "log.ndjson"
    log.write_text(
        "\n".join(
            json.dumps(message)
            for message in [
                {
                    "type": "identify",
                    "userId": "u1",
                    "traits": {"plan": "pro", "seats": 3},
                    "timestamp": "2020-04-12T10:00:00Z",
                },
                {"type": "track", "userId": "u1", "event": "Upgraded", "timestamp": "2020-04-11T09:00:00Z"},
                {
                    "type": "identify",
                    "userId": "u1",
                    "traits": {"plan": "free", "email": "a@example.com"},
                    "timestamp": "2020-04-11T10:00:00Z",
                },
            ]
        )
        + "\n"
    )
    report = run_replay(events_of(log), settings_for(fake, latest_traits=True), quiet_console())
    assert (report.planned, report.sent) == (2, 2)
    received = sorted(fake.received(), key=lambda call: call.seq)
    assert [call.args for call in received] == [
        ["identify", "u1", {"plan": "pro", "seats": 3, "email": "a@example.com"}],
        ["event", "Upgraded"],
    ]


def test_a_space_separated_date_arrives_with_the_offset_of_the_moment_the_identify_ran(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # Paris is UTC+2 in summer and UTC+1 in winter: the user's browser read "12:00" with the offset of the day
    # the identify ran, and so must the replay, whatever the date it runs on.
    def identify(user: str, timestamp: str, traits: dict[str, str]) -> str:
        context = {"timezone": "Europe/Paris"}
        return json.dumps(
            {"type": "identify", "userId": user, "traits": traits, "timestamp": timestamp, "context": context}
        )

    space = "2024-07-01 12:00:00"
    log = tmp_path / "log.ndjson"
    log.write_text(
        identify("summer", "2024-07-15T12:00:00Z", {"since": space})
        + "\n"
        + identify("winter", "2024-01-15T12:00:00Z", {"since": space})
        + "\n"
    )
    report = run_replay(events_of(log), settings_for(fake), quiet_console())
    assert (report.planned, report.sent) == (2, 2)
    assert sorted(call.args for call in fake.received()) == [
        ["identify", "summer", {"since": {"$date": "2024-07-01T10:00:00.000Z"}}],
        ["identify", "winter", {"since": {"$date": "2024-07-01T11:00:00.000Z"}}],
    ]

    # Merged by --latest-traits, each attribute keeps the time of the identify its value came from.
    merged = tmp_path / "merged.ndjson"
    merged.write_text(
        identify("both", "2024-07-15T12:00:00Z", {"summer": space, "plan": "pro"})
        + "\n"
        + identify("both", "2024-01-15T12:00:00Z", {"winter": space, "plan": "free"})
        + "\n"
    )
    report = run_replay(events_of(merged), settings_for(fake, latest_traits=True), quiet_console())
    assert (report.planned, report.sent) == (1, 1)
    assert [call.args for call in fake.received() if call.args[1] == "both"] == [
        [
            "identify",
            "both",
            {
                "winter": {"$date": "2024-07-01T11:00:00.000Z"},
                "plan": "pro",
                "summer": {"$date": "2024-07-01T10:00:00.000Z"},
            },
        ]
    ]


def replay_with_fault(
    tmp_path: Path, fake: FakeHotjar, users: int = 16, **settings: object
) -> tuple[ReplayReport, set[str], object]:
    """Replay a log under the fake's current faults; check nothing was lost; then clear the faults and
    replay the dead-letter file, and check that everything has now arrived."""
    log = generate_log(tmp_path / "log.ndjson", users=users, seed=users)
    dead = tmp_path / "dead.ndjson"
    report = run_replay(events_of(log.path), settings_for(fake, dead_letter=dead, **settings), quiet_console())
    assert report.planned == log.calls == report.sent + report.dead_lettered
    dead_users = assert_received_or_dead_lettered(log, fake.received(), dead)
    assert report.users_dead_lettered == len(dead_users)
    assert report.dead_letter_messages == len(dead_letter_messages(dead))
    assert report.exit_code == (1 if dead_users else 0)

    fake.faults.clear()
    again = run_replay(events_of(dead), settings_for(fake, dead_letter=tmp_path / "dead-2.ndjson"), quiet_console())
    assert again.exit_code == 0
    assert (again.planned, again.sent) == (report.dead_lettered, report.dead_lettered)
    assert_nothing_lost(log, fake.received())
    return report, dead_users, log


def test_latency_slows_delivery_but_loses_nothing(tmp_path: Path, fake: FakeHotjar) -> None:
    fake.faults.latency = 0.4  # longer than the settle time: the replay must wait for Hotjar's answers
    report, dead_users, log = replay_with_fault(tmp_path, fake, users=8)
    assert not dead_users and report.sent == report.planned
    assert_complete_once(log, fake.received())


def test_answers_on_a_socket_slower_than_the_settle_time_are_waited_for(
    tmp_path: Path, websocket_fake: FakeHotjar
) -> None:
    # Over a WebSocket, Hotjar slower to answer than --settle (1 s against 0.3 s) had 140 calls counted as sent, and
    # 92 of them received: the page was closed under the messages it had not answered yet.
    websocket_fake.faults.latency = 0.4
    report, dead_users, log = replay_with_fault(tmp_path, websocket_fake, users=8)
    assert not dead_users and report.sent == report.planned
    assert_complete_once(log, websocket_fake.received())


def test_http_500s_are_retried_and_the_rest_dead_lettered(tmp_path: Path, fake: FakeHotjar) -> None:
    fake.faults.error_every = 3
    report, _, _ = replay_with_fault(tmp_path, fake, retries=1)
    assert report.retries > 0
    assert fake.refused > 0


def test_dropped_connections_are_retried_and_the_rest_dead_lettered(tmp_path: Path, fake: FakeHotjar) -> None:
    fake.faults.drop_every = 3
    report, _, _ = replay_with_fault(tmp_path, fake, retries=1)
    assert report.retries > 0
    assert fake.refused > 0


def test_a_script_that_does_not_load_dead_letters_every_user(tmp_path: Path, fake: FakeHotjar) -> None:
    fake.faults.script_missing = True
    log_received_before = len(fake.received())
    report, dead_users, _ = replay_with_fault(tmp_path, fake, users=6, retries=1)
    assert log_received_before == 0
    assert report.sent == 0 and len(dead_users) == 6
    assert dict(report.failures) == {"script-not-loaded": 6}
    messages = dead_letter_messages(tmp_path / "dead.ndjson")
    original = {
        json.loads(line)["messageId"]: json.loads(line)
        for line in (tmp_path / "log.ndjson").read_text().splitlines()
        if "messageId" in json.loads(line)
    }
    # The dead letters are the original messages, byte for byte the same objects.
    assert all(message == original[message["messageId"]] for message in messages)


def test_a_disabled_identify_api_dead_letters_identified_users_only(tmp_path: Path, fake: FakeHotjar) -> None:
    fake.faults.identify_disabled = True
    report, dead_users, log = replay_with_fault(tmp_path, fake, users=10, retries=1)
    assert dead_users == {key for key in log.expected if key.startswith("user-")}
    assert dict(report.failures) == {"http-error": len(dead_users)}


@pytest.mark.parametrize("fault", ["identify_disabled", "error_every"])
def test_calls_refused_over_a_websocket_are_dead_lettered(
    tmp_path: Path, websocket_fake: FakeHotjar, fault: str
) -> None:
    # Over a WebSocket Hotjar answers each call in a message: a refusal (the April 2020 outage's disabled Identify
    # API, a 500) closes nothing. Every user counted as sent, and Hotjar held none of the refused calls.
    setattr(websocket_fake.faults, fault, 1 if fault == "error_every" else True)
    # Answered later than --settle (0.2 s here), as a busy machine did, a refusal let its user count as sent: each
    # message is now held in flight until its answer comes.
    websocket_fake.faults.latency = 0.4
    report, dead_users, log = replay_with_fault(tmp_path, websocket_fake, users=10, retries=1)
    refused = set(log.expected) if fault == "error_every" else {key for key in log.expected if key.startswith("user-")}
    assert dead_users == refused
    assert dict(report.failures) == {"http-error": len(dead_users)}


def test_the_breaker_opens_pauses_probes_and_closes(tmp_path: Path, fake: FakeHotjar) -> None:
    class ClearsTheFaultWhenTheBreakerOpens(io.StringIO):
        def write(self, text: str) -> int:
            if "circuit breaker open again" in text:
                fake.faults.clear()
            return super().write(text)

    stderr = ClearsTheFaultWhenTheBreakerOpens()
    fake.faults.error_every = 1
    log = generate_log(tmp_path / "log.ndjson", users=12)
    dead = tmp_path / "dead.ndjson"
    started = time.monotonic()
    report = run_replay(
        events_of(log.path),
        settings_for(fake, dead_letter=dead, concurrency=2, retries=4, breaker_failures=3, breaker_pause_seconds=0.5),
        quiet_console(stderr),
    )
    said = stderr.getvalue()
    assert "circuit breaker open: 3 deliveries in a row failed (last: http-error: HTTP 500" in said
    assert "circuit breaker: probing Hotjar with one user" in said
    assert "circuit breaker open again: the probe failed" in said
    assert "pausing 1 s before the next probe" in said  # the pause doubled
    assert "circuit breaker closed: the probe was delivered, resuming" in said
    assert report.breaker_opened == 2
    assert time.monotonic() - started >= 1.5  # it really paused: 0.5 s, then 1 s
    assert_received_or_dead_lettered(log, fake.received(), dead)


def test_the_rate_limit_spaces_calls(tmp_path: Path, fake: FakeHotjar) -> None:
    # Hotjar's client arrives late, as its large script does: the calls made before it wait in the queue stub, and
    # it sends them all at once when it loads.
    fake.faults.client_latency = 0.35
    log = generate_log(tmp_path / "log.ndjson", users=8)
    started = time.monotonic()
    report = run_replay(events_of(log.path), settings_for(fake, rate=10.0, concurrency=4), quiet_console())
    elapsed = time.monotonic() - started
    assert report.sent == log.calls
    # The limiter's spacing of releases is tested on its own clock in test_replay_parts; here, end to end, the
    # run cannot have been faster than the rate allows (a busy machine only makes it slower).
    first_user = max(len(calls) for calls in log.expected.values())
    assert elapsed >= (log.calls - first_user) / 10.0
    # Nor does a user's page burst: it makes its calls a tenth of a second apart, by its own clock. (When each
    # reaches the server is up to the browser and the machine's load: on a busy machine two arrived 39 ms apart.)
    made: dict[str, list[float]] = {}
    for call in fake.received():
        assert call.made is not None
        made.setdefault(call.visitor, []).append(call.made)
    gaps = [later - earlier for times in made.values() for earlier, later in itertools.pairwise(sorted(times))]
    assert gaps and min(gaps) >= 90, sorted(gaps)[:5]


def test_calls_a_page_made_before_its_delivery_failed_are_said_to_be_maybe_delivered(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # Hotjar refuses identifies (503) and takes events: the page makes all three calls, the identify's request
    # fails, and the events may reach Hotjar. The user is dead-lettered, and a resend repeats those that did.
    fake.faults.identify_disabled = True
    log = tmp_path / "log.ndjson"
    log.write_text(
        "".join(
            json.dumps(message) + "\n"
            for message in (
                {"type": "identify", "userId": "u1", "messageId": "m1", "traits": {"plan": "pro"}},
                {"type": "track", "userId": "u1", "messageId": "m2", "event": "Signed Up"},
                {"type": "track", "userId": "u1", "messageId": "m3", "event": "Upgraded"},
            )
        )
    )
    report = run_replay(events_of(log), settings_for(fake, retries=1), quiet_console())
    assert (report.sent, report.dead_lettered, report.users_dead_lettered) == (0, 3, 1)
    assert (report.maybe_delivered, report.users_maybe_delivered) == (3, 1)
    # Both attempts made the three calls: the second made them again, and Hotjar may hold the events twice.
    assert (report.maybe_repeated, report.users_maybe_repeated) == (3, 1)
    assert len(fake.received()) <= report.sent + report.maybe_delivered + report.maybe_repeated
    # What reached the fake is up to when the page was closed: the events, or some of them, never the identify.
    assert {tuple(call.args) for call in fake.received()} <= {("event", "Signed Up"), ("event", "Upgraded")}
    assert "maybe delivered: 3 of the dead-lettered calls (1 user) were made in a page before its delivery " in (
        report.to_text()
    )
    assert report.as_dict()["maybe_delivered"] == 3
    # A page whose script never loaded made no call: nothing is maybe delivered.
    fake.faults.clear()
    fake.faults.script_missing = True
    missing = run_replay(events_of(log), settings_for(fake, retries=0), quiet_console())
    assert (missing.dead_lettered, missing.maybe_delivered) == (3, 0)
    said = missing.every_attempt_failed_with or ""
    assert said.count(fake.script_url.split("?")[0]) == 1, said  # the script named once, not before its own words
    assert "maybe delivered" not in missing.to_text()
    # Nor did a page whose Hotjar client never loaded: its calls waited in the tracking code's queue stub.
    fake.faults.clear()
    fake.faults.client_error = True
    queued = run_replay(events_of(log), settings_for(fake, retries=0), quiet_console())
    assert (queued.dead_lettered, queued.maybe_delivered, queued.users_maybe_delivered) == (3, 0, 0)
    assert "maybe delivered" not in queued.to_text()
    # Nor did a page whose Hotjar socket never opened: the client kept the calls (it counted 81 calls of 40 users).
    fake.faults.clear()
    fake.channel = "websocket"
    fake.faults.websocket_refused = True
    closed = run_replay(events_of(log), settings_for(fake, retries=0), quiet_console())
    assert (closed.dead_lettered, closed.maybe_delivered, closed.users_maybe_delivered) == (3, 0, 0)
    assert dict(closed.failures) == {"websocket-closed": 1}


@pytest.mark.parametrize("channel", ["http", "websocket"])
def test_calls_hotjar_refused_every_send_of_are_not_said_to_be_maybe_delivered(
    tmp_path: Path, fake: FakeHotjar, channel: str
) -> None:
    # Every request answered 500: 279 calls of 16 users were said to be maybe delivered, and a resend to repeat those
    # Hotjar held, while it held none.
    fake.channel = channel
    fake.faults.error_every = 1
    log = generate_log(tmp_path / "log.ndjson", users=4)
    report = run_replay(events_of(log.path), settings_for(fake, retries=1), quiet_console())
    assert (report.sent, report.dead_lettered, fake.received()) == (0, log.calls, [])
    assert (report.maybe_delivered, report.users_maybe_delivered, report.maybe_repeated) == (0, 0, 0)
    assert "maybe delivered" not in report.to_text() and "maybe repeated" not in report.to_text()
    # Some refused, some taken: what reached Hotjar is still within what the report says may have.
    fake.faults.clear()
    fake.faults.error_every = 3
    before = len(fake.received())
    some = run_replay(events_of(log.path), settings_for(fake, retries=0), quiet_console())
    assert some.dead_lettered and some.maybe_delivered
    assert len(fake.received()) - before <= some.sent + some.maybe_delivered + some.maybe_repeated


def test_progress_never_prints_attribute_values(tmp_path: Path, fake: FakeHotjar) -> None:
    fake.faults.identify_disabled = True
    log = tmp_path / "log.ndjson"
    log.write_text(
        json.dumps(
            {
                "type": "identify",
                "userId": "secret-user",
                "messageId": "m1",
                "traits": {"email": "very-secret@example.com"},
            }
        )
        + "\n"
    )
    stderr = io.StringIO()
    report = run_replay(events_of(log), settings_for(fake, retries=0), quiet_console(stderr))
    assert report.dead_lettered == 1
    said = stderr.getvalue()
    assert "dead-lettered the user first seen at" in said and "HTTP 503" in said
    assert "very-secret" not in said and "secret-user" not in said

    stderr = io.StringIO()
    run_replay(events_of(log), settings_for(fake, retries=0, show_values=True), quiet_console(stderr))
    assert "secret-user" in stderr.getvalue() and "very-secret" not in stderr.getvalue()


def test_one_dead_letter_is_one_message(tmp_path: Path, fake: FakeHotjar) -> None:
    # It said "dead letters: 1 messages in ...".
    fake.faults.identify_disabled = True
    log = tmp_path / "log.ndjson"
    log.write_text(json.dumps({"type": "identify", "userId": "u", "messageId": "m1", "traits": {"a": 1}}) + "\n")
    dead = tmp_path / "dead.ndjson"
    report = run_replay(events_of(log), settings_for(fake, retries=0, dead_letter=dead), quiet_console())
    assert f"dead letters: 1 message in {dead}; replay that file to send them" in report.to_text().splitlines()


def test_show_values_says_what_it_shows() -> None:
    # Its help said it let progress and logs print attribute values: no line ever does, with it or without.
    done = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", "replay", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=60,
    )
    line = next(line for line in done.stdout.splitlines() if "--show-values" in line)
    assert "user id" in line and "attribute values are never printed" in line, line


def test_calls_a_failed_attempt_made_before_a_retry_delivered_the_user_are_said_to_be_maybe_repeated(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # One worker, so the fake numbers the calls in order: a's two calls are the 1st and 2nd; b's first attempt makes
    # its two calls, the 4th is refused (every 4th is), and the retry's two calls (5th, 6th) arrive. Hotjar holds the
    # call of b's first attempt that arrived twice, as two visitors: the report says so.
    fake.faults.error_every = 4
    log = tmp_path / "log.ndjson"
    log.write_text(
        "".join(
            json.dumps({"type": "track", "userId": user, "messageId": f"{user}{number}", "event": f"{user} {number}"})
            + "\n"
            for user in ("a", "b")
            for number in (1, 2)
        )
    )
    report = run_replay(events_of(log), settings_for(fake, concurrency=1, retries=1), quiet_console())
    assert (report.sent, report.retries, report.dead_lettered) == (4, 1, 0)
    assert (report.maybe_repeated, report.users_maybe_repeated) == (2, 1)
    assert len(fake.received()) == 5  # one of b's calls twice
    assert "maybe repeated: 2 calls (1 user) were made by an attempt that failed and made again" in report.to_text()
    assert len(fake.received()) <= report.sent + report.maybe_delivered + report.maybe_repeated
    assert report.as_dict()["maybe_repeated"] == 2


def browser_processes() -> list[int]:
    """The Chromium browser processes (not their renderers or helpers) this test process started, through Playwright."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue  # ended since the folder was listed (another test's process, on a busy machine)
            children.setdefault(parent, []).append(int(entry))
    found, waiting = [], [os.getpid()]
    while waiting:
        for child in children.get(waiting.pop(), []):
            waiting.append(child)
            try:
                with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                    arguments = cmdline.read().split(b"\0")
            except (FileNotFoundError, ProcessLookupError):
                continue
            if arguments[0].endswith((b"chromium-headless-shell", b"chromium")) and not any(
                argument.startswith(b"--type=") for argument in arguments
            ):
                found.append(child)
    return found


def test_calls_a_page_made_before_its_browser_died_are_said_to_be_maybe_repeated(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # The browser dies (killed, out of memory) while a user's page waits for Hotjar to be quiet, after its calls
    # arrived: the retry, in a browser started again, delivers them a second time. The report said nothing of it
    # (maybe_repeated 0): the page could no longer say how many calls it had made.
    log = tmp_path / "log.ndjson"
    log.write_text(
        "".join(
            json.dumps({"type": "track", "userId": "a", "messageId": f"a{number}", "event": f"a {number}"}) + "\n"
            for number in (1, 2)
        )
    )
    killed: list[int] = []

    def kill_the_browser_once_the_calls_arrived() -> None:
        deadline = time.monotonic() + 60
        while len(fake.received()) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        for pid in browser_processes():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    killer = threading.Thread(target=kill_the_browser_once_the_calls_arrived, daemon=True)
    killer.start()
    report = run_replay(
        events_of(log), settings_for(fake, concurrency=1, retries=1, settle_seconds=3.0), quiet_console()
    )
    killer.join()
    assert killed, "no browser process was found to kill"
    assert (report.sent, report.retries, report.dead_lettered) == (2, 1, 0)
    assert len(fake.received()) == 4  # both calls twice, as two visitors
    assert (report.maybe_repeated, report.users_maybe_repeated) == (2, 1)
    assert len(fake.received()) <= report.sent + report.maybe_delivered + report.maybe_repeated


def test_a_replay_leaves_ctrl_c_and_sigterm_to_the_command_once_it_has_sent(tmp_path: Path, fake: FakeHotjar) -> None:
    # While it sends, the replay stops on Ctrl-C or SIGTERM by itself; after, the command's handling is back (see
    # `hotjar_cli.cli.main`): left to the system, SIGTERM while the dead letters are written ended it without a word.
    def command_s_own(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    log = generate_log(tmp_path / "log.ndjson", users=2)
    ctrl_c = signal.getsignal(signal.SIGINT)  # Python's own, or ignored when the tests run as a background job
    before = signal.signal(signal.SIGTERM, command_s_own)
    try:
        report = run_replay(events_of(log.path), settings_for(fake), quiet_console())
        assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == (command_s_own, ctrl_c)
    finally:
        signal.signal(signal.SIGTERM, before)
    assert report.users_sent == 2


def test_a_browser_that_closes_as_it_starts_is_launched_once_more(tmp_path: Path, fake: FakeHotjar) -> None:
    # On a loaded machine Chromium closed once as it started, and the replay was refused for it.
    marker, browser = tmp_path / "started-once", tmp_path / "chromium"
    browser.write_text(
        f'#!/bin/sh\nif [ ! -e "{marker}" ]; then touch "{marker}"; exit 1; fi\n'
        'exec /usr/bin/chromium-headless-shell "$@"\n'
    )
    browser.chmod(0o755)
    log = generate_log(tmp_path / "log.ndjson", users=3)
    report = run_replay(events_of(log.path), settings_for(fake, browser_path=browser), quiet_console())
    assert marker.exists() and (report.planned, report.sent) == (log.calls, log.calls)
    assert_complete_once(log, fake.received())


def test_a_replay_with_its_live_bar_on_a_terminal_delivers_every_call(tmp_path: Path, fake: FakeHotjar) -> None:
    # The bar puts a stand-in for stderr in place while it runs, which prints what is written to it through the bar's
    # console; the console wrote to stderr, that is to itself: the replay hung before its first user, for ever, at
    # full speed, and Ctrl-C could not stop it.
    log = generate_log(tmp_path / "log.ndjson", users=20)
    code, _, shown = on_a_terminal("replay", log.path, *fake.site_options(), "--settle", "0.2")
    assert code == 0, shown
    assert_complete_once(log, fake.received())
    assert "20/20 users" in shown  # the bar, drawn on the terminal
