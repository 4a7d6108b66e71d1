"""The parts of replay that need no browser: the plan, the checkpoint, the dead-letter file, setup, the breaker."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from hotjar_cli.core.decode import parse_line
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Event, HotjarCall, Position
from hotjar_cli.replay import (
    ReplayReport,
    ReplaySettings,
    ReplaySetupError,
    check_settings,
    plan_events,
    run_replay,
)
from hotjar_cli.replay.breaker import Breaker, BreakerState
from hotjar_cli.replay.checkpoint import Checkpoint, call_digest
from hotjar_cli.replay.deadletter import DeadLetter
from hotjar_cli.replay.plan import Origin, PlannedCall
from hotjar_cli.replay.runner import RateLimit, backoff
from hotjar_cli.sources.reader import resolve
from tests.support.replay_support import events_of

SETTINGS = ReplaySettings(site_id=1234567, page_url="https://www.example.com/", script_url=None)


def write(path: Path, *messages: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(message) + "\n" for message in messages))
    return path


def test_users_get_their_calls_in_time_order_with_identify_first(tmp_path: Path) -> None:
    log = write(
        tmp_path / "log.ndjson",
        {"type": "track", "userId": "u1", "event": "b", "timestamp": "2020-04-11T10:00:02Z"},
        {"type": "track", "anonymousId": "a9", "event": "anonymous", "timestamp": "2020-04-11T09:00:00Z"},
        {"type": "track", "userId": "u1", "event": "a", "timestamp": "2020-04-11T10:00:01Z"},
        {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}, "timestamp": "2020-04-11T11:00:00Z"},
        {"type": "track", "userId": "u1", "event": "untimed"},
        {"type": "track", "userId": "u1", "event": "tie 1", "timestamp": "2020-04-11T10:00:03Z"},
        {"type": "track", "userId": "u1", "event": "tie 2", "timestamp": "2020-04-11T10:00:03+00:00"},
        {"type": "page", "userId": "u1", "timestamp": "2020-04-11T10:00:00Z"},
    )
    plan = plan_events(events_of(log))
    assert [user.key for user in plan.users] == ["u1", "a9"]
    assert [call.args for call in plan.users[0].calls] == [
        ["identify", "u1", {"plan": "pro"}],
        ["event", "a"],
        ["event", "b"],
        ["event", "tie 1"],
        ["event", "tie 2"],
        ["event", "untimed"],
    ]
    assert plan.calls == 7
    assert plan.users[0].first == Position(str(log), 4)


def test_latest_traits_merges_identifies_in_time_order(tmp_path: Path) -> None:
    log = write(
        tmp_path / "log.ndjson",
        {"type": "identify", "userId": 7, "traits": {"plan": "team", "seats": 9}, "timestamp": "2020-04-12T00:00:00Z"},
        {
            "type": "identify",
            "userId": "7",
            "traits": {"plan": "free", "email": "x@example.com"},
            "timestamp": "2020-04-11T00:00:00Z",
        },
        {"type": "track", "userId": "7", "event": "e"},
    )
    plan = plan_events(events_of(log), latest_traits=True)
    (user,) = plan.users
    assert user.key == "7"
    assert [call.args for call in user.calls] == [
        ["identify", "7", {"plan": "team", "email": "x@example.com", "seats": 9}],
        ["event", "e"],
    ]
    assert [origin.position.line for origin in user.calls[0].origins] == [2, 1]


def test_messages_without_any_id_are_each_their_own_visitor(tmp_path: Path) -> None:
    log = write(tmp_path / "log.ndjson", {"type": "track", "event": "one"}, {"type": "track", "event": "two"})
    assert len(plan_events(events_of(log)).users) == 2


def stdin_events(text: bytes) -> list[Event]:
    mapper = Mapper(Limits())
    events = []
    for number, line in enumerate(text.splitlines(), 1):
        for message in parse_line(line)[0]:
            events.append(Event(Position("-", number), message, mapper.decide(message)))
    return events


def test_a_file_whose_name_is_not_utf8_gives_its_own_messages_to_the_dead_letter_file(tmp_path: Path) -> None:
    # Reports show the name's byte 0xe9 as `\\xe9`: no file has that name, so reading the messages again by it
    # found none, and each was rebuilt from its call, without its time, context or anonymousId.
    folder = tmp_path / "logs"
    folder.mkdir()
    log = Path(os.fsdecode(bytes(folder) + b"/caf\xe9.jsonl"))
    lines = [
        '{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"plan":"pro"},"timestamp":"2024-03-01T10:00:00Z",'
        '"messageId":"m1","context":{"timezone":"Asia/Tokyo"}}',
        '{"type":"track","anonymousId":"a2","event":"Opened","timestamp":"2024-03-01T10:01:00Z","messageId":"m2"}',
    ]
    log.write_text("\n".join(lines) + "\n")
    sources = resolve([str(folder)])
    assert [source.name for source in sources] == [f"{folder}/caf\\xe9.jsonl"]
    plan = plan_events(events_of(folder))
    dead = DeadLetter(tmp_path / "dead.ndjson", sources)
    for user in plan.users:
        dead.add(user)
    result = dead.write()
    assert (result.messages, result.rebuilt) == (2, 0)
    assert (tmp_path / "dead.ndjson").read_text().splitlines() == lines


def test_the_dead_letter_file_holds_original_messages_from_files_batches_gzip_and_stdin(tmp_path: Path) -> None:
    plain = tmp_path / "plain.ndjson"
    plain.write_text(
        '{"type":"track","userId":"u1","event":"e1","messageId":"m1","context":{"ip":"1.2.3.4"}}\n'
        '\n{"type": "track", "userId": "u2", "event": "kept"}\n'
    )
    batch = tmp_path / "batch.json.gz"
    batch.write_bytes(
        gzip.compress(
            json.dumps(
                {
                    "batch": [
                        {"type": "track", "userId": "u3", "event": "e3", "messageId": "m3"},
                        {"type": "identify", "userId": "u3", "traits": {"a": 1}, "context": {"locale": "fr"}},
                    ],
                    "context": {"library": {"name": "analytics.js"}},
                    "integrations": {"Amplitude": False},
                }
            ).encode()
        )
    )
    from_stdin = stdin_events(b'{"type":"track","userId":"u4","event":"e4","context":{"big":"dropped"}}\n')
    plan = plan_events(events_of(plain, batch) + from_stdin)
    dead = DeadLetter(tmp_path / "dead.ndjson")
    for user in plan.users:
        if user.key != "u2":
            dead.add(user)
    result = dead.write()
    lines = (tmp_path / "dead.ndjson").read_text().splitlines()
    assert (result.messages, result.rebuilt) == (4, 0)
    assert lines[0] == '{"type":"track","userId":"u1","event":"e1","messageId":"m1","context":{"ip":"1.2.3.4"}}'
    assert json.loads(lines[1]) == {
        "type": "track",
        "userId": "u3",
        "event": "e3",
        "messageId": "m3",
        "context": {"library": {"name": "analytics.js"}},
        "integrations": {"Amplitude": False},
    }
    assert json.loads(lines[2])["context"] == {"library": {"name": "analytics.js"}, "locale": "fr"}
    # Standard input cannot be read again: its message is rebuilt from the fields the mapping reads, of `context`
    # its library and time zone (whether a browser sent it, how analytics-next reads `integrations`, the user's
    # time zone): here neither.
    assert json.loads(lines[3]) == {"type": "track", "userId": "u4", "event": "e4"}
    # The file is valid replay input: it plans the same calls again.
    again = plan_events(events_of(tmp_path / "dead.ndjson"))
    assert [call.args for user in again.users for call in user.calls] == [
        call.args for user in plan.users if user.key != "u2" for call in user.calls
    ]


def test_a_message_the_replay_read_is_dead_lettered_as_it_was_whatever_its_context_holds(tmp_path: Path) -> None:
    # A byte that is not UTF-8 in `context` (kept as bytes, never checked), a number past a double in `properties`,
    # a lone surrogate's escape: read whole and strictly again, each was rebuilt from its call, without its
    # `timestamp`, `context` and `integrations`, so a replay of the file with the same --since planned nothing.
    lines = [
        b'{"type":"identify","userId":"z1","messageId":"z1a","timestamp":"2024-04-02T00:00:00Z","traits":{"n":"x"},'
        b'"context":{"timezone":"Asia/Tokyo","t":"caf\xe9"},"integrations":{"All":false,"Hotjar":true}}',
        b'{"type":"track","userId":"z2","event":"E","timestamp":"2024-04-02T00:00:00Z","properties":{"x":1e400}}',
        b'{"type":"track","userId":"z3","event":"E","messageId":"z3\\ud83d","context":{"page":{"title":"\\ud83d"}}}',
    ]
    log = tmp_path / "log.ndjson"
    log.write_bytes(b"\n".join(lines) + b"\n")
    batch = tmp_path / "batch.ndjson"
    batch.write_bytes(
        b'{"batch":[{"type":"track","userId":"z4","event":"E","context":{"t":"x"}}],'
        b'"context":{"timezone":"Asia/Tokyo","n":1e400},"integrations":{"Amplitude":false}}\n'
    )
    plan = plan_events(events_of(log, batch))
    dead = DeadLetter(tmp_path / "dead.ndjson")
    for user in plan.users:
        dead.add(user)
    result = dead.write()
    written = (tmp_path / "dead.ndjson").read_bytes().splitlines()
    assert (result.messages, result.rebuilt) == (4, 0)
    assert written[:3] == lines
    assert written[3] == (
        b'{"type":"track","userId":"z4","event":"E","context":{"timezone":"Asia/Tokyo","n":1e400,"t":"x"},'
        b'"integrations":{"Amplitude":false}}'
    )


def test_a_message_from_stdin_is_dead_lettered_whatever_its_numbers_and_properties_hold(tmp_path: Path) -> None:
    # Kept as JSON when planned, such a message stopped the replay: orjson refuses an integer past 64 bits (a
    # messageId or a userId), and `properties` that are not UTF-8, which the decoder reads without looking.
    big = 123456789012345678901234567890
    text = (
        f'{{"type":"identify","userId":{big},"messageId":{big},"traits":{{"n":{big}}}}}\n'.encode()
        + f'{{"type":"track","userId":"u1","event":"E","messageId":12345,"properties":{{"n":{big}}}}}\n'.encode()
        + b'{"type":"track","userId":"u1","event":"F","properties":{"t":"caf\xe9"}}\n'
    )
    plan = plan_events(stdin_events(text))
    dead = DeadLetter(tmp_path / "dead.ndjson")
    for user in plan.users:
        dead.add(user)
    result = dead.write()
    assert (result.messages, result.rebuilt) == (3, 0)
    written = (tmp_path / "dead.ndjson").read_bytes().splitlines()
    assert [json.loads(line) for line in written[:2]] == [json.loads(line) for line in text.splitlines()[:2]]
    assert b'"properties":{"t":"caf\xe9"}' in written[2]
    again = plan_events(events_of(tmp_path / "dead.ndjson"))
    assert [call.args for user in again.users for call in user.calls] == [
        call.args for user in plan.users for call in user.calls
    ]


def test_a_changed_input_gives_rebuilt_dead_letters(tmp_path: Path) -> None:
    log = write(
        tmp_path / "log.ndjson", {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}, "messageId": "m1"}
    )
    plan = plan_events(events_of(log))
    write(log, {"type": "identify", "userId": "someone else", "messageId": "other"})
    dead = DeadLetter(tmp_path / "dead.ndjson")
    dead.add(plan.users[0])
    assert dead.write().rebuilt == 1
    assert json.loads((tmp_path / "dead.ndjson").read_text()) == {
        "type": "identify",
        "userId": "u1",
        "traits": {"plan": "pro"},
        "messageId": "m1",
    }


def test_a_dead_letter_carries_a_message_id_that_is_no_string_as_the_message_gave_it(tmp_path: Path) -> None:
    # Rebuilt from its call, a message whose messageId was a number lost it: replayed, it could not be told apart.
    log = write(
        tmp_path / "log.ndjson",
        {"type": "track", "userId": "u1", "event": "A", "messageId": 12345},
        {"type": "track", "userId": "u1", "event": "B", "messageId": 123456789012345678901234567890},
        {"type": "track", "userId": "u1", "event": "C", "messageId": 1},
        {"type": "track", "userId": "u1", "event": "D", "messageId": 1.5},
        {"type": "track", "userId": "u1", "event": "E", "messageId": {"id": 1}},
    )
    plan = plan_events(events_of(log))
    kept = log.read_text().splitlines()
    changed = [kept[0], kept[1].replace("}", ', "context": {"ip": "1.2.3.4"}}')]  # the same messages, read again
    changed += [kept[2].replace(": 1}", ": true}"), kept[3].replace("1.5", '"1.5"'), kept[4]]  # another id: rebuilt
    log.write_text("\n".join(changed) + "\n")
    dead = DeadLetter(tmp_path / "dead.ndjson")
    dead.add(plan.users[0])
    result = dead.write()
    written = (tmp_path / "dead.ndjson").read_text().splitlines()
    assert (result.messages, result.rebuilt) == (5, 2)
    assert written[:2] == changed[:2]
    assert written[4] == changed[4]  # an object is no id: the message at its place is taken as it is
    assert [json.loads(line) for line in written[2:4]] == [
        {"type": "track", "userId": "u1", "event": "C", "messageId": 1},
        {"type": "track", "userId": "u1", "event": "D", "messageId": 1.5},
    ]
    assert type(json.loads(written[2])["messageId"]) is int
    # A message that cannot be read again keeps its id, however many digits it has.
    log.unlink()
    dead.write()
    rebuilt = [json.loads(line) for line in (tmp_path / "dead.ndjson").read_text().splitlines()]
    assert [message.get("messageId") for message in rebuilt] == [12345, 123456789012345678901234567890, 1, 1.5, None]


def planned(*args: Any) -> PlannedCall:
    if args[0] == "identify":
        return PlannedCall(HotjarCall("identify", user_id=args[1], attributes=args[2]), ())
    return PlannedCall(HotjarCall("event", event=args[1]), ())


SIGNED_UP, VIEWED = planned("event", "Signed Up"), planned("event", "Viewed")
IDENTIFY = planned("identify", "u1", {"plan": "pro", "seats": 3})


def test_the_checkpoint_survives_a_torn_last_line_and_belongs_to_one_site(tmp_path: Path) -> None:
    path = tmp_path / "replay.checkpoint"
    checkpoint = Checkpoint(path, 1234567)
    checkpoint.record("u1", (IDENTIFY, SIGNED_UP))
    checkpoint.record("line\nbreak", (SIGNED_UP,))
    with pytest.raises(ReplaySetupError, match="in use by another replay"):
        Checkpoint(path, 1234567)
    checkpoint.close()
    with open(path, "ab") as stream:
        stream.write(b'["u3", ["')  # a crash in the middle of a write
    reopened = Checkpoint(path, 1234567)
    assert set(reopened.delivered) == {"u1", "line\nbreak"}
    reopened.record("u3", (VIEWED,))
    reopened.close()
    with Checkpoint(path, 1234567) as last:
        assert set(last.delivered) == {"u1", "line\nbreak", "u3"}
        assert last.remaining("u3", (VIEWED,)) == ()
    with pytest.raises(ReplaySetupError, match="written for site 1234567, not 42"):
        Checkpoint(path, 42)
    other = tmp_path / "notes.txt"
    other.write_text("my notes, no newline at the end")
    with pytest.raises(ReplaySetupError, match="not a hotjar-cli replay checkpoint"):
        Checkpoint(other, 1)
    assert other.read_text() == "my notes, no newline at the end"


def test_the_checkpoint_leaves_the_calls_not_delivered_whatever_their_order_or_keys(tmp_path: Path) -> None:
    with Checkpoint(tmp_path / "replay.checkpoint", 1) as checkpoint:
        checkpoint.record("u1", (IDENTIFY, SIGNED_UP))
        reordered = planned("identify", "u1", {"seats": 3, "plan": "pro"})  # the same attributes, keys reordered
        # Late data: a second "Signed Up" and a "Viewed" came after the delivery.
        plan = (reordered, SIGNED_UP, VIEWED, SIGNED_UP)
        assert checkpoint.remaining("u1", plan) == (VIEWED, SIGNED_UP)
        assert checkpoint.remaining("u1", (VIEWED,)) == (VIEWED,)  # another event is another call
        assert checkpoint.remaining("u2", plan) == plan  # never delivered
        checkpoint.record("u1", (VIEWED, SIGNED_UP))
        assert checkpoint.remaining("u1", plan) == ()


def test_calls_taken_back_from_the_checkpoint_are_sent_again(tmp_path: Path) -> None:
    # Identifies recorded as delivered, then found kept by no one (User Attributes switched off meanwhile).
    path = tmp_path / "replay.checkpoint"
    with Checkpoint(path, 1) as checkpoint:
        checkpoint.record("u1", (IDENTIFY, SIGNED_UP))
        checkpoint.take_back("u1", (IDENTIFY,))
        assert checkpoint.remaining("u1", (IDENTIFY, SIGNED_UP)) == (IDENTIFY,)
    with Checkpoint(path, 1) as reopened:  # as durably as it was recorded
        assert reopened.remaining("u1", (IDENTIFY, SIGNED_UP)) == (IDENTIFY,)
        reopened.take_back("u2", (IDENTIFY,))  # never recorded: nothing to take back
        assert reopened.remaining("u2", (IDENTIFY,)) == (IDENTIFY,)


def test_a_checkpoint_of_users_alone_skips_each_user_whole(tmp_path: Path) -> None:
    # Written before checkpoints held calls: a user's line stood for all its calls.
    path = tmp_path / "old.checkpoint"
    path.write_text('{"checkpoint": "hotjar-cli replay", "version": 1, "site_id": 1}\n"u1"\n')
    with Checkpoint(path, 1) as checkpoint:
        assert checkpoint.remaining("u1", (IDENTIFY, VIEWED)) == ()
        assert checkpoint.remaining("u2", (VIEWED,)) == (VIEWED,)
    path.write_text('{"checkpoint": "hotjar-cli replay", "version": 4, "site_id": 1}\n')
    with pytest.raises(
        ReplaySetupError, match="written by a later hotjar-cli \\(its version 4; this one reads 1 to 3\\)"
    ):
        Checkpoint(path, 1)


def from_messages(call: PlannedCall, *message_ids: Any) -> PlannedCall:
    """The call as the plan makes it of messages with these messageIds (None: a message without one)."""
    origins = tuple(Origin(Position("log.ndjson", line), message_id) for line, message_id in enumerate(message_ids, 1))
    return replace(call, origins=origins)


def header(path: Path) -> dict[str, Any]:
    """A checkpoint's first line."""
    first: dict[str, Any] = json.loads(path.read_text().splitlines()[0])
    return first


def test_a_message_of_another_log_is_sent_though_its_call_equals_one_delivered(tmp_path: Path) -> None:
    # `replay day1/`, then `replay day2/` with the same checkpoint: the user viewed the pricing page and was
    # identified with the same traits on both days. Day 2's messages were taken for day 1's and never sent.
    path = tmp_path / "replay.checkpoint"
    with Checkpoint(path, 1) as checkpoint:
        checkpoint.record("u1", (from_messages(IDENTIFY, "day1-identify"), from_messages(VIEWED, "day1-viewed")))
    day2 = (from_messages(IDENTIFY, "day2-identify"), from_messages(VIEWED, "day2-viewed"))
    with Checkpoint(path, 1) as reopened:
        assert reopened.remaining("u1", day2) == day2
        reopened.record("u1", day2)
        assert reopened.remaining("u1", day2) == ()
    assert header(path)["version"] == 3


def test_the_same_messages_read_again_are_skipped_and_a_late_one_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "replay.checkpoint"
    delivered = (from_messages(IDENTIFY, "identify-1"), from_messages(VIEWED, "viewed-1"))
    with Checkpoint(path, 1) as checkpoint:
        checkpoint.record("u1", delivered)
    late = from_messages(VIEWED, "viewed-2")  # the same event once more, in a log that came late
    with Checkpoint(path, 1) as reopened:
        assert reopened.remaining("u1", delivered) == ()
        assert reopened.remaining("u1", (delivered[0], late, delivered[1])) == (late,)
        assert reopened.remaining("u1", (late,)) == (late,)  # the late log replayed on its own


def test_a_merged_identify_is_known_by_every_identify_it_merges(tmp_path: Path) -> None:
    # `--latest-traits`: one call for several identifies. The same identifies, read in another order, make the same
    # call; a further identify that changes no attribute makes another.
    with Checkpoint(tmp_path / "replay.checkpoint", 1) as checkpoint:
        checkpoint.record("u1", (from_messages(IDENTIFY, "identify-1", "identify-2"),))
        assert checkpoint.remaining("u1", (from_messages(IDENTIFY, "identify-2", "identify-1"),)) == ()
        merged_again = from_messages(IDENTIFY, "identify-1", "identify-2", "identify-3")
        assert checkpoint.remaining("u1", (merged_again,)) == (merged_again,)


def test_a_call_whose_message_has_no_message_id_is_known_by_its_arguments(tmp_path: Path) -> None:
    path = tmp_path / "replay.checkpoint"
    with Checkpoint(path, 1) as checkpoint:
        checkpoint.record("u1", (from_messages(VIEWED, None), from_messages(SIGNED_UP, "signed-up-1")))
        # The same arguments without a messageId: the call delivered, as in a checkpoint of version 2.
        assert checkpoint.remaining("u1", (from_messages(VIEWED, None), VIEWED)) == (VIEWED,)
        other_day = from_messages(SIGNED_UP, "signed-up-2")
        assert checkpoint.remaining("u1", (other_day,)) == (other_day,)
    # Its digest is the one a version 2 checkpoint wrote for it.
    assert json.loads(path.read_text().splitlines()[1])[1][0] == "7b65f3d627f73071"


def test_a_call_whose_message_id_is_no_string_is_known_by_its_arguments_as_before(tmp_path: Path) -> None:
    # The plan holds such an id now, for the dry run's lines and the dead letters; the checkpoint knows the call as
    # it did when the plan held none, so a checkpoint begun before is resumed without sending the call again.
    for message_id in (12345, True, 1.5):
        assert call_digest(from_messages(VIEWED, message_id)) == call_digest(from_messages(VIEWED, None))
    assert call_digest(from_messages(VIEWED, 12345, "viewed-1")) == call_digest(from_messages(VIEWED, "viewed-1"))


def test_a_version_2_checkpoint_resumed_skips_its_calls_by_their_arguments_and_stays_version_2(
    tmp_path: Path,
) -> None:
    # Written by a hotjar-cli that knew calls by their arguments alone: its identify and its "Viewed" of u1.
    path = tmp_path / "replay.checkpoint"
    path.write_text(
        '{"checkpoint": "hotjar-cli replay", "version": 2, "site_id": 1}\n'
        '["u1", ["91ef3f64567540d4", "7b65f3d627f73071"]]\n'
    )
    plan = (
        from_messages(IDENTIFY, "identify-2"),
        from_messages(VIEWED, "viewed-2"),
        from_messages(SIGNED_UP, "signed-up-2"),
    )
    with Checkpoint(path, 1) as checkpoint:
        assert checkpoint.remaining("u1", plan) == (plan[2],)
        checkpoint.record("u1", (plan[2],))
        checkpoint.take_back("u1", (plan[0],))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["version"] == 2
    assert lines[2:] == [["u1", ["ede6ef6e60fd6dd1"]], {"undelivered": "u1", "calls": ["91ef3f64567540d4"]}]
    with Checkpoint(path, 1) as reopened:
        assert reopened.remaining("u1", plan) == (plan[0],)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"site_id": 0}, "invalid site id 0"),
        ({"site_id": -5}, "invalid site id -5"),
        ({"page_url": "www.example.com"}, "is not an http(s) address"),
        ({"page_url": ""}, "is not an http(s) address"),
        ({"script_url": "file:///tmp/hotjar.js"}, "is not an http(s) address"),
        ({"browser_path": Path("/nonexistent/chromium")}, "no Chromium at /nonexistent/chromium"),
        ({"concurrency": 0}, "--concurrency must be at least 1"),
        ({"rate": 0.0}, "--rate must be a positive number"),
        ({"dead_letter": Path("/nonexistent/dir/dead.ndjson")}, "its directory does not exist"),
    ],
)
def test_setup_problems_are_one_line_errors(change: dict[str, object], message: str) -> None:
    with pytest.raises(ReplaySetupError, match=message.replace("(", r"\(").replace(")", r"\)")) as raised:
        check_settings(replace(SETTINGS, **change))
    assert "\n" not in str(raised.value)


def test_a_setup_problem_raises_before_any_input_is_read() -> None:
    def events() -> list[Event]:
        raise AssertionError("the input was read")

    with pytest.raises(ReplaySetupError):
        run_replay(iter(events, None), replace(SETTINGS, site_id=0), Console(file=io.StringIO()))


def test_an_empty_plan_sends_nothing_and_exits_0(tmp_path: Path) -> None:
    log = write(tmp_path / "log.ndjson", {"type": "page", "userId": "u1"})
    report = run_replay(
        events_of(log), replace(SETTINGS, dead_letter=tmp_path / "dead.ndjson"), Console(file=io.StringIO())
    )
    assert (report.planned, report.users_planned, report.exit_code) == (0, 0, 0)
    assert json.loads(report.to_json())["exit_code"] == 0
    assert (tmp_path / "dead.ndjson").read_text() == ""


def test_the_report_refuses_counts_that_do_not_add_up() -> None:
    with pytest.raises(ValueError, match="do not add up"):
        ReplayReport(
            planned=3,
            sent=1,
            dead_lettered=1,
            skipped=0,
            users_planned=1,
            users_sent=1,
            users_dead_lettered=0,
            users_skipped=0,
        )


def test_a_dry_run_report_refuses_to_count_anything_as_sent() -> None:
    with pytest.raises(ValueError, match="a dry run sends"):
        ReplayReport(
            planned=3,
            sent=3,
            dead_lettered=0,
            skipped=0,
            users_planned=1,
            users_sent=1,
            users_dead_lettered=0,
            users_skipped=0,
            dry_run=True,
        )


def test_the_breaker_opens_after_consecutive_failures_and_lets_one_probe_through() -> None:
    said: list[str] = []

    async def scenario() -> None:
        breaker = Breaker(threshold=2, pause=0.2, announce=said.append)
        assert await breaker.admit() is False
        breaker.record(False, False, "http-error")
        breaker.record(True, False)
        breaker.record(False, False, "http-error")
        assert breaker.state is BreakerState.CLOSED  # the success in between reset the count
        breaker.record(False, False, "http-error")
        assert breaker.state is BreakerState.OPEN
        started = time.monotonic()
        first, second = asyncio.ensure_future(breaker.admit()), asyncio.ensure_future(breaker.admit())
        await asyncio.sleep(0.1)
        assert not first.done() and not second.done()  # paused
        await asyncio.sleep(0.2)
        done = [task for task in (first, second) if task.done()]
        assert len(done) == 1 and done[0].result() is True  # one probe; the other waits for its result
        assert time.monotonic() - started >= 0.2
        breaker.record(False, True, "http-error")
        assert breaker.state is BreakerState.OPEN and breaker.pause == 0.4
        waiting = second if done[0] is first else first
        await asyncio.sleep(0.2)
        assert not waiting.done()
        assert await waiting is True  # after the longer pause, the next probe
        breaker.record(True, True)
        assert breaker.state is BreakerState.CLOSED and await breaker.admit() is False

    asyncio.run(scenario())
    assert said[0].startswith("circuit breaker open: 2 deliveries in a row failed (last: http-error)")
    assert said[1:] == [
        "circuit breaker: probing Hotjar with one user",
        "circuit breaker open again: the probe failed (http-error); pausing 0.4 s before the next probe",
        "circuit breaker: probing Hotjar with one user",
        "circuit breaker closed: the probe was delivered, resuming",
    ]


def test_the_rate_limit_and_backoff_keep_their_bounds() -> None:
    async def reserve() -> float:
        limit = RateLimit(20.0)
        started = time.monotonic()
        for _ in range(5):
            await limit.acquire(2)
        return time.monotonic() - started

    assert asyncio.run(reserve()) >= 4 * 2 / 20.0 - 0.01
    assert all(
        0 <= backoff(attempt, 1.0, 8.0) <= min(8.0, 2 ** (attempt - 1)) for attempt in range(1, 8) for _ in range(50)
    )


def test_importing_replay_does_not_load_playwright() -> None:
    code = (
        "import sys, hotjar_cli.replay, hotjar_cli.run.one_pass; "
        "assert 'playwright' not in sys.modules, 'playwright was imported'"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_the_rate_limit_spaces_releases_and_never_bursts_to_catch_up() -> None:
    """On a fake clock: each user's calls get their own slice of time, and a stall is not made up for."""
    clock = [100.0]
    releases: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        clock[0] += seconds

    async def schedule() -> None:
        limit = RateLimit(10.0, clock=lambda: clock[0], sleep=fake_sleep)
        for calls in (2, 3, 1):
            await limit.acquire(calls)
            releases.append(clock[0])
        clock[0] += 5.0  # the workers stall: nothing was sent for five seconds
        for calls in (2, 2):
            await limit.acquire(calls)
            releases.append(clock[0])

    asyncio.run(schedule())
    assert releases == pytest.approx([100.0, 100.2, 100.5, 105.5, 105.7])
