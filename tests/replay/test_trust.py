"""Replay counts a user as sent only on Hotjar's own evidence, stops before sending when Hotjar would refuse the
whole replay, and ends an outage in bounded time. Against the fake Hotjar, which behaves as Hotjar's script does."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from hotjar_cli.replay import ReplaySetupError, check_site, run_replay
from hotjar_cli.replay.accounting import ReplayReport, Tally
from hotjar_cli.replay.breaker import Breaker
from hotjar_cli.replay.interface import Delivery, Failure
from hotjar_cli.replay.runner import duration_text, progress_bar
from hotjar_cli.replay.settings import parse_duration
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
    return Console(file=file or io.StringIO(), width=400, height=1000, no_color=True)


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hotjar_cli", *args], capture_output=True, text=True, timeout=timeout)


def when(condition: Callable[[], bool], then: Callable[[], None], limit: float = 120) -> threading.Thread:
    """Run `then` once `condition` holds, from a thread, while a replay runs."""

    def watch() -> None:
        deadline = time.monotonic() + limit
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.01)
        then()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


# Hotjar refuses to start: nothing is sent, nothing is counted as sent.


def test_an_http_page_url_with_hotjars_own_script_is_refused_at_once() -> None:
    started = time.monotonic()
    # Before the logs are even looked at: this one does not exist.
    result = cli("replay", "missing.jsonl", "--site-id", "1", "--page-url", "http://www.example.com/")
    assert result.returncode == 2
    assert "HTTPS" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 30


def test_a_script_that_refuses_an_http_page_stops_the_replay_before_anything_is_sent(tmp_path: Path) -> None:
    with FakeHotjar() as strict:  # as Hotjar's own script: no start on an http: page
        log = generate_log(tmp_path / "log.ndjson", users=5)
        result = cli("replay", str(log.path), *strict.site_options(), "--settle", "0.2")
        assert result.returncode == 2
        assert "Hotjar refused to start: it only works over HTTPS" in result.stderr
        assert "nothing was sent" in result.stderr
        assert strict.received() == [] and strict.served().clients == 0


def test_a_user_agent_hotjar_takes_for_a_bot_stops_the_replay_before_anything_is_sent(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    fake.faults.suspicious_user_agent = "Chrome"
    log = generate_log(tmp_path / "log.ndjson", users=5)
    with pytest.raises(ReplaySetupError, match="took the browser for a bot"):
        run_replay(events_of(log.path), settings_for(fake), quiet_console())
    assert fake.received() == []


def test_users_after_hotjar_starts_refusing_are_dead_lettered_not_counted_as_sent(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=30)
    dead = tmp_path / "dead.ndjson"

    def refuse() -> None:
        fake.faults.suspicious_user_agent = "Chrome"

    when(lambda: len(fake.received()) >= 10, refuse)
    said = io.StringIO()
    report = run_replay(
        events_of(log.path), settings_for(fake, dead_letter=dead, concurrency=2, retries=1), quiet_console(said)
    )
    assert report.exit_code == 1
    assert 0 < report.users_sent < 30 and report.users_dead_lettered == 30 - report.users_sent
    assert dict(report.failures) == {"hotjar-refused": report.users_dead_lettered}
    assert "took the browser for a bot" in said.getvalue()
    dead_users = assert_received_or_dead_lettered(log, fake.received(), dead)
    assert len(dead_users) == report.users_dead_lettered
    # Every call counted as sent arrived; none of a refused user's calls did after the refusal began.
    assert report.sent == len(fake.received()) - sum(
        1 for call in fake.received() if any(call.args in log.expected[user] for user in dead_users)
    )


def test_another_sites_script_is_named_and_nothing_is_sent(tmp_path: Path, fake: FakeHotjar) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=3)
    other = settings_for(fake, script_url=fake.script_url.replace(f"hotjar-{fake.site_id}", "hotjar-7"))
    with pytest.raises(ReplaySetupError, match="holds the settings of site 7, not of site 1234567"):
        run_replay(events_of(log.path), other, quiet_console())
    assert fake.received() == []


# User Attributes off: Hotjar drops identifies without a word.


def test_user_attributes_off_stops_a_replay_with_identifies_before_anything_is_sent(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    fake.faults.user_attributes_enabled = False
    log = generate_log(tmp_path / "log.ndjson", users=6)
    result = cli("replay", str(log.path), *fake.site_options(), "--settle", "0.2")
    assert result.returncode == 2
    assert "User Attributes are off" in result.stderr and "switch on User Attributes" in result.stderr
    assert fake.received() == []


def test_user_attributes_off_lets_an_events_only_replay_go_ahead(tmp_path: Path, fake: FakeHotjar) -> None:
    fake.faults.user_attributes_enabled = False
    log = generate_log(tmp_path / "log.ndjson", users=6)
    result = cli(
        "replay", str(log.path), *fake.site_options(), "--settle", "0.2", "--type", "track", "--report", "json"
    )
    assert result.returncode == 0, result.stderr
    events = sum(1 for calls in log.expected.values() for args in calls if args[0] == "event")
    report = json.loads(result.stdout)
    assert report["sent"] == events == len(fake.received())
    # Every event read is a call sent, left out by the filters, or one that makes none, by outcome.
    lines = len(log.path.read_text().splitlines())
    assert report["events"] == lines
    assert report["events"] == report["planned"] + report["filtered_out"] + sum(report["no_call"].values())
    assert report["filtered_out"] > 0
    assert all(call.args[0] == "event" for call in fake.received())
    # The users whose identifies --type left out are told apart: their events belong to no Hotjar user.
    apart = [calls for calls in log.expected.values() if {args[0] for args in calls} == {"identify", "event"}]
    assert len(apart) > 1
    assert f"hotjar-cli: {len(apart)} users' events will belong to no Hotjar user" in result.stderr


def test_user_attributes_switched_off_midway_fail_the_users_with_identifies(tmp_path: Path, fake: FakeHotjar) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=30)
    dead = tmp_path / "dead.ndjson"

    def switch_off() -> None:
        fake.faults.user_attributes_enabled = False

    when(lambda: len(fake.received()) >= 10, switch_off)
    said = io.StringIO()
    report = run_replay(
        events_of(log.path), settings_for(fake, dead_letter=dead, concurrency=2, retries=0), quiet_console(said)
    )
    assert report.exit_code == 1
    assert dict(report.failures) == {"user-attributes-off": report.users_dead_lettered}
    assert "User Attributes" in said.getvalue()
    dead_users = assert_received_or_dead_lettered(log, fake.received(), dead)
    # Anonymous users have events only: the switch does not concern them.
    assert dead_users and all(user.startswith("user-") for user in dead_users)


@pytest.mark.parametrize("users", [1, 2], ids=["the-look-at-the-end", "the-next-page"])
def test_identifies_kept_by_no_one_as_user_attributes_are_switched_off_are_dead_lettered(
    tmp_path: Path, fake: FakeHotjar, users: int
) -> None:
    # The first user's page loaded with User Attributes on; they were switched off as its first call, an identify,
    # arrived, and Hotjar kept none of it, without a word. It counted as sent. A page loaded later shows the switch
    # off: the next user's, or the look at the site once the last user is delivered.
    log = generate_log(tmp_path / "log.ndjson", users=users)
    dead = tmp_path / "dead.ndjson"
    fake.faults.attributes_off_at = 1
    said = io.StringIO()
    report = run_replay(
        events_of(log.path), settings_for(fake, dead_letter=dead, concurrency=1, retries=0), quiet_console(said)
    )
    assert (report.users_sent, report.users_dead_lettered) == (0, users)
    assert dict(report.failures) == {"user-attributes-off": users}
    assert assert_received_or_dead_lettered(log, fake.received(), dead) == {f"user-{number}" for number in range(users)}
    assert "switched off while it was delivered" in said.getvalue()
    # The first user's events reached Hotjar, and stay in the checkpoint: sent, not dead-lettered, and not in the
    # dead-letter file, which a replay of would send them again. It said "0 sent" and "nothing was delivered".
    events = [call for call in fake.received() if call.args[0] == "event"]
    first = log.owner_of_event[events[0].args[1]]
    assert events and report.sent == len(events) == sum(args[0] == "event" for args in log.expected[first])
    identifies = sum(args[0] == "identify" for args in log.expected[first])
    assert (report.maybe_delivered, report.users_maybe_delivered) == (identifies, 1)
    assert report.dead_lettered == log.calls - len(events)
    assert all(message["type"] == "identify" for message in dead_letter_messages(dead) if message["userId"] == first)
    assert "nothing was delivered" not in report.to_text()


def test_a_user_delivered_with_user_attributes_on_throughout_is_sent(tmp_path: Path, fake: FakeHotjar) -> None:
    # The look at the site when the replay ends shows them still on: the last users are sent, as before.
    log = generate_log(tmp_path / "log.ndjson", users=3)
    dead = tmp_path / "dead.ndjson"
    report = run_replay(
        events_of(log.path), settings_for(fake, dead_letter=dead, concurrency=1, retries=0), quiet_console()
    )
    assert (report.users_sent, report.users_dead_lettered, report.exit_code) == (3, 0, 0)
    assert assert_received_or_dead_lettered(log, fake.received(), dead) == set()


def test_check_reports_what_hotjar_showed(fake: FakeHotjar) -> None:
    result = cli("replay", "--check", *fake.site_options())
    assert result.returncode == 0, result.stderr
    assert "Hotjar started: yes" in result.stdout and "User Attributes: on" in result.stdout
    assert "a replay could deliver" in result.stdout
    assert fake.received() == []
    assert result.stderr == ""

    # Logs and --dry-run beside --check are not what it does: said, so that no one takes the look for a dry run.
    result = cli("replay", "events.jsonl", "--check", "--dry-run", *fake.site_options())
    assert result.returncode == 0 and "a replay could deliver" in result.stdout
    assert result.stderr == "hotjar-cli: --check only looks at the site, so the logs and --dry-run are not used\n"
    result = cli("replay", "events.jsonl", "--check", "--dry-run", "--allow-empty", *fake.site_options())
    assert result.returncode == 0 and "a replay could deliver" in result.stdout
    assert result.stderr == (
        "hotjar-cli: --check only looks at the site, so the logs, --dry-run and --allow-empty are not used\n"
    )

    fake.faults.user_attributes_enabled = False
    result = cli("replay", "--check", *fake.site_options(), "--report", "json")
    assert result.returncode == 1
    found = json.loads(result.stdout)
    assert found["started"] and found["client_started"] and found["user_attributes"] is False
    assert found["site_id"] == found["script_site_id"] == fake.site_id and "User Attributes" in found["problem"]


def test_check_reports_the_site_it_checked_in_json_as_in_text(fake: FakeHotjar) -> None:
    # The text said `site: 123` where the JSON report's site_id was null: the site whose settings the script held,
    # which it held none of.
    fake.faults.script_error = True
    text = cli("replay", "--check", *fake.site_options())
    assert text.returncode == 1 and f"site: {fake.site_id}\n" in text.stdout
    found = json.loads(cli("replay", "--check", *fake.site_options(), "--report", "json").stdout)
    assert found["site_id"] == fake.site_id and found["script_site_id"] is None
    assert not found["script_loaded"] and not found["could_deliver"]

    fake.faults.clear()
    other = [*fake.site_options()]
    other[1] = str(fake.site_id + 1)
    text = cli("replay", "--check", *other)
    assert f"site: {fake.site_id + 1} (the script holds the settings of site {fake.site_id})" in text.stdout
    # The script started Hotjar, for its own site: "Hotjar started: no" read as a refusal to start.
    assert f"Hotjar started: for site {fake.site_id}, not this one\n" in text.stdout
    found = json.loads(cli("replay", "--check", *other, "--report", "json").stdout)
    assert found["site_id"] == fake.site_id + 1 and found["script_site_id"] == fake.site_id
    assert found["script_site_started"] and not found["started"]
    assert f"holds the settings of site {fake.site_id}, not of site {fake.site_id + 1}" in found["problem"]


def test_check_reports_a_refused_start_and_an_unreachable_script() -> None:
    with FakeHotjar() as strict:
        result = cli("replay", "--check", *strict.site_options())
        assert result.returncode == 1
        assert "Hotjar started: no" in result.stdout and "only works over HTTPS" in result.stdout

        strict.allow_http = True
        strict.faults.script_error = True
        found = check_site(settings_for(strict))
        assert not found.script_loaded and "HTTP 500" in (found.unreachable or "")


# Failures Hotjar's client and WebSocket show.


def test_a_client_that_does_not_load_fails_every_user_and_says_so_plainly(tmp_path: Path, fake: FakeHotjar) -> None:
    fake.faults.client_error = True
    log = generate_log(tmp_path / "log.ndjson", users=4)
    report = run_replay(events_of(log.path), settings_for(fake, retries=1), quiet_console())
    assert report.sent == 0 and report.users_dead_lettered == 4
    assert dict(report.failures) == {"http-error": 4}
    assert report.every_attempt_failed_with is not None
    assert "HTTP 500 from GET" in report.every_attempt_failed_with and "modules" in report.every_attempt_failed_with
    assert "nothing was delivered: every attempt failed the same way" in report.to_text()


def test_a_websocket_that_closes_abnormally_fails_the_user_and_the_retry_delivers(
    tmp_path: Path, websocket_fake: FakeHotjar
) -> None:
    websocket_fake.faults.websocket_drop_after = 1
    log = generate_log(tmp_path / "log.ndjson", users=1)

    def heal() -> None:
        websocket_fake.faults.clear()

    # The first socket is dropped as its first call arrives; the fault is gone before the retry's page loads
    # (the retry waits at least its backoff).
    healed = when(lambda: websocket_fake.refused >= 1, heal)
    said = io.StringIO()
    report = run_replay(
        events_of(log.path),
        settings_for(websocket_fake, retries=2, backoff_seconds=1.0, backoff_max_seconds=1.0),
        quiet_console(said),
    )
    healed.join(5)
    assert report.retries >= 1
    assert report.users_sent == 1 and report.exit_code == 0
    assert all(call.channel == "websocket" for call in websocket_fake.received())
    assert_nothing_lost(log, websocket_fake.received())


def test_a_websocket_that_keeps_closing_dead_letters_the_user_as_websocket_closed(
    tmp_path: Path, websocket_fake: FakeHotjar
) -> None:
    websocket_fake.faults.websocket_drop_after = 1
    log = generate_log(tmp_path / "log.ndjson", users=2)
    report = run_replay(events_of(log.path), settings_for(websocket_fake, retries=1), quiet_console())
    assert report.users_dead_lettered == 2 and report.retries == 2
    assert dict(report.failures) == {"websocket-closed": 2}
    assert "closed abnormally (code 1006)" in (report.every_attempt_failed_with or "")


def test_attempts_that_failed_alike_but_for_a_users_own_count_failed_the_same_way() -> None:
    # Every user failed with "Hotjar started, but its client did not take the calls within 15 s (4 still queued)", or
    # 6 still queued: the replay did not say that every attempt failed the same way.
    tally = Tally()
    said = "Hotjar started, but its client did not take the calls within 15 s"
    for queued in (4, 6, 4):
        tally.attempt_failed(Delivery(Failure.NOT_TAKEN, f"{said} ({queued} still queued)"))
    assert tally.one_reason and tally.first_failure == f"not-taken: {said}"
    tally.attempt_failed(Delivery(Failure.HTTP_ERROR, "HTTP 503 from POST https://in.hotjar.com/api/identify"))
    assert not tally.one_reason
    other = Tally()
    other.attempt_failed(Delivery(Failure.HTTP_ERROR, "HTTP 500 from GET https://script.hotjar.com/modules.js"))
    other.attempt_failed(Delivery(Failure.HTTP_ERROR, "HTTP 503 from GET https://script.hotjar.com/modules.js"))
    assert not other.one_reason  # numbers elsewhere in the words tell ways apart


def test_a_websocket_closed_cleanly_while_a_user_sends_fails_the_user(
    tmp_path: Path, websocket_fake: FakeHotjar
) -> None:
    # Hotjar closed its socket cleanly (1001, going away, as a server being deployed does) after a user's first call:
    # the browser dropped the user's later calls without a word, and the replay counted them sent, exit 0.
    websocket_fake.faults.websocket_close_after = 1
    log = generate_log(tmp_path / "log.ndjson", users=2)
    # Half a second between calls: the close has reached the page before its next call, even on a busy machine.
    report = run_replay(events_of(log.path), settings_for(websocket_fake, retries=0, rate=2.0), quiet_console())
    assert report.users_sent == 0 and report.users_dead_lettered == 2 and report.exit_code != 0
    assert dict(report.failures) == {"websocket-closed": 2}
    assert "was closed (code 1001): a call sent on it was lost" in (report.every_attempt_failed_with or "")
    assert len(websocket_fake.received()) == 2  # each user's first call, before the socket closed

    # Once Hotjar keeps its sockets open, the same users are delivered whole.
    websocket_fake.faults.clear()
    report = run_replay(events_of(log.path), settings_for(websocket_fake, retries=0, rate=2.0), quiet_console())
    assert report.users_sent == 2 and report.exit_code == 0


def test_check_waits_for_the_socket_a_replay_would_send_on(websocket_fake: FakeHotjar) -> None:
    # Every WebSocket handshake refused: the look stopped as soon as Hotjar's client had taken the queue, before its
    # socket failed, and said "a replay could deliver" where every user of a replay was then dead-lettered.
    websocket_fake.faults.websocket_refused = True
    websocket_fake.faults.latency = 0.5  # the handshake refused half a second after Hotjar's client took the queue
    result = cli("replay", "--check", *websocket_fake.site_options())
    assert result.returncode == 1, result.stdout
    assert "a replay could deliver" not in result.stdout and "did not open" in result.stdout
    websocket_fake.faults.clear()
    result = cli("replay", "--check", *websocket_fake.site_options())
    assert result.returncode == 0 and "a replay could deliver" in result.stdout


# An outage ends in bounded time, and what it dead-lettered is delivered once Hotjar is back.


def test_an_outage_ends_in_bounded_time_and_the_dead_letters_deliver_once_hotjar_is_back(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    fake.faults.script_error = True
    log = generate_log(tmp_path / "log.ndjson", users=60)
    dead = tmp_path / "dead.ndjson"
    said = io.StringIO()
    started = time.monotonic()
    report = run_replay(
        events_of(log.path),
        settings_for(
            fake,
            dead_letter=dead,
            retries=1,
            give_up_after_seconds=6,
            breaker_failures=5,
            breaker_pause_seconds=1.0,
            request_timeout_seconds=3.0,
        ),
        quiet_console(said),
    )
    elapsed = time.monotonic() - started
    assert elapsed < 6 + 3 + 20  # the give-up time, the users in flight's last request timeout, start-up
    assert report.exit_code == 1 and report.sent == 0 and report.users_dead_lettered == 60
    assert report.gave_up == "no user was delivered for 6 s"
    assert "giving up: no user was delivered for 6 s" in said.getvalue()
    text = report.to_text()
    assert "gave up" in text and f"replay the dead-letter file {dead}" in text
    assert {message["messageId"] for message in dead_letter_messages(dead)} == set().union(*log.message_ids.values())

    fake.faults.clear()
    fake.clear_received()
    again = run_replay(events_of(dead), settings_for(fake), quiet_console())
    assert again.exit_code == 0 and again.sent == log.calls
    assert_complete_once(log, fake.received())


def test_the_progress_bar_shows_the_breaker_instead_of_an_eta() -> None:
    import asyncio

    async def scenario() -> tuple[str, str, str]:
        breaker = Breaker(threshold=1, pause=0.2, announce=lambda line: None)
        closed = breaker.status()
        breaker.record(False, False, "http-error")
        opened = breaker.status()
        assert await breaker.admit()  # after the pause: the probe
        return closed, opened, breaker.status()

    closed, opened, probing = asyncio.run(scenario())
    assert closed == ""
    assert opened.startswith("paused, probe in ") and opened.endswith(" s")
    assert probing == "probing Hotjar"


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_progress_bar_stays_on_one_line_on_a_narrow_terminal(width: int) -> None:
    # Below 120 columns the rates went to a second line; the bar itself gives way now.
    drawn = io.StringIO()
    console = Console(file=drawn, width=width, no_color=True)
    progress = progress_bar(console, Breaker(threshold=1, pause=0.2, announce=lambda line: None))
    task = progress.add_task("replay", total=60, calls=1200, failed=2)
    progress.update(task, completed=30)
    console.print(progress.get_renderable())
    assert len(drawn.getvalue().splitlines()) == 1, drawn.getvalue()
    assert "users/s" in drawn.getvalue()


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("10m", 600), ("1h", 3600), ("1h30m", 5400), ("45", 45), ("0", 0), ("1.5m", 90)]
)
def test_durations_read_as_the_option_documents(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.0001, "0.0001 s"),
        (0.5, "0.5 s"),
        (45, "45 s"),
        (60, "1 min"),
        (90, "90 s"),
        (120, "2 min"),
        (5400, "1 h 30 min"),
    ],
)
def test_a_duration_reads_back_as_the_option_takes_it(seconds: float, said: str) -> None:
    # A give-up under a second said "no user was delivered for " and nothing more.
    assert duration_text(seconds) == said


@pytest.mark.parametrize("text", ["", "soon", "10 m", "1d", "m"])
def test_a_duration_that_is_not_one_is_a_one_line_usage_error(text: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)
    log = tmp_path / "log.ndjson"
    log.write_text("")
    result = cli(
        "replay", str(log), "--site-id", "1", "--page-url", "https://www.example.com/", "--give-up-after", text
    )
    assert result.returncode == 2 and "--give-up-after" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_replay_talk_shows_control_characters_escaped_and_quiet_keeps_only_the_summary(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    fake.faults.identify_disabled = True
    log = generate_log(tmp_path / "log\x1b[31m\u202e.ndjson", users=2)
    dead = tmp_path / "dead\nletters.ndjson"  # a line end in a file name split the summary's line in two
    result = cli(
        "replay", str(log.path), *fake.site_options(), "--settle", "0.2", "--retries", "0", "--dead-letter", dead
    )
    assert result.returncode == 1
    assert "dead-lettered the user first seen at" in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "\\u001b[31m\\u202e.ndjson" in result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("dead letters: ")]
    assert len(said) == 1, result.stderr
    assert said[0].endswith(f" in {tmp_path}/dead\\u000aletters.ndjson; replay that file to send them")

    quiet = cli("replay", str(log.path), *fake.site_options(), "--settle", "0.2", "--retries", "0", "-q")
    assert quiet.returncode == 1
    assert "dead-lettered the user" not in quiet.stderr
    assert "users: 2 planned, 0 sent, 2 dead-lettered" in quiet.stderr


def test_progress_off_a_terminal_is_plain_lines_while_the_logs_are_read_and_the_users_sent(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # `--progress` into a CI log: plain lines as users finish, not one bar drawn once the replay has ended.
    log = generate_log(tmp_path / "log.ndjson", users=20)
    result = cli("replay", str(log.path), *fake.site_options(), "--settle", "0.2", "--concurrency", "2", "--progress")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "\x1b" not in result.stderr and "━" not in result.stderr
    assert lines[0].startswith("reading: ") and any(line.startswith("reading: 100% ") for line in lines)
    sending = [line for line in lines if line.startswith("replay: ") and " users, " in line]
    assert len(sending) >= 5 and sending[-1].startswith("replay: 20/20 users, ")
    assert all(" dead-lettered, " in line and " elapsed" in line for line in sending)


def test_a_user_slowed_by_the_rate_is_no_outage_to_give_up_on(tmp_path: Path, fake: FakeHotjar) -> None:
    # 12 calls at 4 a second keep the user's page busy for 3 s, past a give-up time of 1 s: nothing failed, so the
    # replay waits for it rather than saying that Hotjar had an outage.
    log = tmp_path / "log.ndjson"
    log.write_text(
        "".join(
            json.dumps({"type": "track", "userId": "slow", "event": f"step {number}", "messageId": f"m{number}"}) + "\n"
            for number in range(12)
        )
    )
    said = io.StringIO()
    report = run_replay(events_of(log), settings_for(fake, rate=4.0, give_up_after_seconds=1), quiet_console(said))
    assert report.gave_up is None and "giving up" not in said.getvalue()
    assert (report.exit_code, report.sent) == (0, 12) and len(fake.received()) == 12


def test_a_replay_that_sends_says_jobs_are_not_used(tmp_path: Path, fake: FakeHotjar) -> None:
    # The logs are read and each user's calls planned in one process: `--jobs 2` changed nothing, silently.
    log = generate_log(tmp_path / "log.ndjson", users=3)
    result = cli("replay", str(log.path), *fake.site_options(), "--settle", "0.2", "--jobs", "2", "--report", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sent"] == log.calls == len(fake.received())
    said = "hotjar-cli: a replay that sends plans each user's calls in one process, so --jobs is not used"
    assert said in result.stderr.splitlines()


def test_a_replay_with_nothing_to_send_says_why_the_logs_made_no_call(tmp_path: Path, fake: FakeHotjar) -> None:
    # Logs of pages only (Hotjar takes none) ended in "calls: 0 planned" and nothing else: no word of the events read.
    log = tmp_path / "pages.ndjson"
    log.write_text(
        "".join(
            json.dumps({"type": "page", "userId": f"u{number}", "timestamp": "2024-01-01T00:00:00Z"}) + "\n"
            for number in range(3)
        )
    )
    result = cli("replay", str(log), *fake.site_options(), "--settle", "0.2")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "0 calls (0 identifies, 0 events) from 3 events." in lines
    assert "3 events make no call: 3 ignored (`hotjar-cli validate` says why)." in lines
    assert fake.received() == []


def test_identifies_kept_by_no_one_are_sent_again_by_the_same_command_resumed_from_its_checkpoint(
    tmp_path: Path, fake: FakeHotjar
) -> None:
    # The advice said to run the same command with the same --checkpoint once User Attributes were on; the
    # checkpoint held the doubtful users' identifies as delivered, and the resumed run skipped them, said "0
    # dead-lettered" and exited 0, while Hotjar held none of them.
    log = generate_log(tmp_path / "log.ndjson", users=2)
    checkpoint = tmp_path / "checkpoint"
    fake.faults.attributes_off_at = 1
    settings = settings_for(fake, checkpoint=checkpoint, concurrency=1, retries=0)
    first = run_replay(events_of(log.path), settings, quiet_console())
    assert first.users_dead_lettered == 2 and dict(first.failures) == {"user-attributes-off": 2}
    fake.faults.attributes_off_at = 0
    fake.faults.user_attributes_enabled = True  # switched on again
    before = len(fake.received())
    resumed = run_replay(events_of(log.path), settings, quiet_console())
    assert (resumed.users_dead_lettered, resumed.exit_code) == (0, 0)
    # What the first run said it sent is what the checkpoint held for delivered, and the resumed run skipped.
    assert resumed.skipped == first.sent > 0
    expected = [args for calls in log.expected.values() for args in calls]
    again = [call.args for call in fake.received()[before:]]
    # Every identify now, and each event once in all: those that reached Hotjar the first time are not sent again.
    assert sorted(map(str, (args for args in again if args[0] == "identify"))) == sorted(
        map(str, (args for args in expected if args[0] == "identify"))
    )
    events = [call.args for call in fake.received() if call.args[0] == "event"]
    assert sorted(map(str, events)) == sorted(map(str, (args for args in expected if args[0] == "event")))


def test_user_attributes_switched_off_mid_run_is_no_outage_to_wait_out(tmp_path: Path, fake: FakeHotjar) -> None:
    # Taken for an outage, the switch opened the breaker: pauses of 10, 20, 40 s and more, probing each time with a
    # user with identifies, until the replay gave up, on the users with events alone too, which Hotjar would take.
    log = generate_log(tmp_path / "log.ndjson", users=20)
    fake.faults.attributes_off_at = 6
    started = time.monotonic()
    report = run_replay(
        events_of(log.path),
        settings_for(fake, concurrency=1, retries=2, breaker_failures=2, breaker_pause_seconds=30),
        quiet_console(),
    )
    assert time.monotonic() - started < 60  # no pause of the breaker
    assert set(dict(report.failures)) == {"user-attributes-off"}
    assert report.users_sent + report.users_dead_lettered == 20
    anonymous = {key for key in log.expected if key.startswith("anon-")}
    received = {call.args[1] for call in fake.received() if call.args[0] == "event"}
    # Every user with events alone reached Hotjar, before the switch and after it.
    assert all(any(f"of {key}" in name for name in received) for key in anonymous)
    assert report.retries == 0  # the site's setting is not tried again


def test_nothing_is_said_to_be_delivered_only_where_no_call_may_have_been() -> None:
    # Identifies refused with HTTP 503 while Hotjar took every event: "nothing was delivered", beside its own "maybe
    # delivered" lines.
    failed = {"every_attempt_failed_with": "http-error: HTTP 503 from POST /api/identify"}
    counts = {"planned": 4, "sent": 0, "dead_lettered": 4, "skipped": 0}
    users = {"users_planned": 1, "users_sent": 0, "users_dead_lettered": 1, "users_skipped": 0}
    for maybe, said in [
        ({}, "nothing was delivered: every attempt failed the same way: http-error"),
        ({"maybe_delivered": 3}, "no user was delivered in full: every attempt failed the same way: http-error"),
        ({"maybe_repeated": 3}, "no user was delivered in full: every attempt failed"),
    ]:
        assert said in ReplayReport(**counts, **users, **failed, **maybe).to_text()
    partly = {**counts, "sent": 3, "dead_lettered": 1}
    assert "no user was delivered in full" in ReplayReport(**partly, **users, **failed).to_text()


def test_the_advice_on_calls_dead_lettered_without_a_file_names_what_records_them() -> None:
    # With no --checkpoint either, it said "a run with --checkpoint retries them": a new checkpoint is empty, and
    # that run sends every call again, those delivered too.
    counts = {"planned": 4, "sent": 3, "dead_lettered": 1, "skipped": 0}
    users = {"users_planned": 2, "users_sent": 1, "users_dead_lettered": 1, "users_skipped": 0}
    alone = ReplayReport(**counts, **users).to_text()
    assert "nothing records which calls were not delivered, and the same command run again sends every call" in alone
    kept = ReplayReport(**counts, **users, checkpoint="replay.checkpoint").to_text()
    assert "(they are not in the checkpoint, so the same command run again retries them)" in kept
