"""Helpers for the replay tests: a generated Segment log with its expected calls, and checks of what arrived."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hotjar_cli.core.model import Event
from hotjar_cli.replay.settings import ReplaySettings
from hotjar_cli.run.one_pass import PassSettings, run_pass
from hotjar_cli.sources.reader import resolve
from tests.support.fake_hotjar import FakeHotjar, Received

START = datetime(2020, 4, 11, 8, 0, tzinfo=UTC)


def settings_for(fake: FakeHotjar, **overrides: Any) -> ReplaySettings:
    """Settings that replay into `fake` quickly: short settle, quick retries and breaker."""
    base = ReplaySettings(
        site_id=fake.site_id,
        page_url=fake.page_url,
        script_url=fake.script_url,
        concurrency=4,
        retries=2,
        settle_seconds=0.2,
        request_timeout_seconds=5.0,
        backoff_seconds=0.05,
        backoff_max_seconds=0.2,
        breaker_failures=0,
        breaker_pause_seconds=0.3,
    )
    return replace(base, **overrides)


def events_of(*paths: Path | str) -> list[Event]:
    """The engine's events for the files, as the command line produces them."""
    events: list[Event] = []
    run_pass(resolve([str(path) for path in paths]), PassSettings(), on_event=events.append)
    return events


def iso(moment: datetime) -> str:
    """A Segment timestamp."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Log:
    """A generated Segment log and, per user, the `hj` arguments Hotjar should receive, in order."""

    path: Path
    expected: dict[str, list[list[Any]]] = field(default_factory=dict)
    owner_of_event: dict[str, str] = field(default_factory=dict)
    message_ids: dict[str, set[str]] = field(default_factory=dict)
    """Per user, the messageIds of the messages that make its calls."""

    @property
    def calls(self) -> int:
        """How many calls the log should make."""
        return sum(len(calls) for calls in self.expected.values())


def generate_log(path: Path, users: int, seed: int = 7) -> Log:
    """A shuffled log of identified and anonymous users with calls, plus messages Hotjar never receives.

    Identify timestamps are sometimes later than the user's events, to prove identify still runs first; one
    trait is a date, which Segment's integration sends as a Date. Event names are unique per user so a
    received event can be traced to its user.
    """
    rng = random.Random(seed)
    log = Log(path)
    messages: list[dict[str, Any]] = []
    for number in range(users):
        anonymous = number % 5 == 4
        key = f"anon-{number}" if anonymous else f"user-{number}"
        ids = {"anonymousId": key} if anonymous else {"userId": key, "anonymousId": f"a-{number}"}
        base = START + timedelta(minutes=number)
        identifies: list[tuple[datetime, list[Any]]] = []
        events: list[tuple[datetime, list[Any]]] = []
        # Distinct times, so the expected order does not depend on how the shuffle broke ties.
        offsets = iter(rng.sample(range(300), 6))
        if not anonymous:
            for index in range(1 + number % 2):
                moment = base + timedelta(seconds=next(offsets))
                traits = {
                    "plan": rng.choice(["free", "pro", "team"]),
                    "seats": rng.randint(1, 50),
                    "trial": rng.random() < 0.5,
                    "signed_up": iso(START - timedelta(days=number)),
                }
                messages.append(
                    {
                        "type": "identify",
                        **ids,
                        "traits": traits,
                        "timestamp": iso(moment),
                        "messageId": f"id-{number}-{index}",
                    }
                )
                expected_traits = {**traits, "signed_up": {"$date": traits["signed_up"]}}
                identifies.append((moment, ["identify", key, expected_traits]))
        for index in range(1 + number % 4):
            moment = base + timedelta(seconds=next(offsets))
            name = f"step {index} of {key}"
            messages.append(
                {
                    "type": "track",
                    **ids,
                    "event": name,
                    "properties": {"n": index},
                    "timestamp": iso(moment),
                    "messageId": f"tr-{number}-{index}",
                }
            )
            events.append((moment, ["event", name]))
            log.owner_of_event[name] = key
        # Messages that make no call: a page view, and an identify without a userId.
        messages.append({"type": "page", **ids, "name": "Home", "timestamp": iso(base)})
        if anonymous:
            messages.append({"type": "identify", **ids, "traits": {"plan": "free"}, "timestamp": iso(base)})
        identifies.sort(key=lambda item: item[0])
        events.sort(key=lambda item: item[0])
        log.message_ids[key] = {f"id-{number}-{index}" for index in range(len(identifies))} | {
            f"tr-{number}-{index}" for index in range(len(events))
        }
        log.expected[key] = [args for _, args in identifies] + [args for _, args in events]
    rng.shuffle(messages)
    path.write_text("".join(json.dumps(message) + "\n" for message in messages))
    return log


def owner(log: Log, received: Received) -> str:
    """The user a received call belongs to."""
    if received.args[0] == "identify":
        return str(received.args[1])
    return log.owner_of_event[received.args[1]]


def by_visitor(received: list[Received]) -> dict[str, list[Received]]:
    """Received calls grouped by browser visitor, each in the order its page made them."""
    groups: dict[str, list[Received]] = defaultdict(list)
    for call in received:
        groups[call.visitor].append(call)
    return {visitor: sorted(calls, key=lambda call: call.seq) for visitor, calls in groups.items()}


def delivered_users(log: Log, received: list[Received]) -> dict[str, list[list[list[Any]]]]:
    """Per user, the call lists of every visitor that received calls of that user."""
    users: dict[str, list[list[list[Any]]]] = defaultdict(list)
    for calls in by_visitor(received).values():
        owners = {owner(log, call) for call in calls}
        assert len(owners) == 1, f"one visitor received calls of several users: {sorted(owners)}"
        users[owners.pop()].append([call.args for call in calls])
    return users


def assert_complete_once(log: Log, received: list[Received]) -> None:
    """Every expected call arrived exactly once, each user as one fresh visitor with its calls in order."""
    assert all(call.fresh for call in received), "a visitor found an earlier visitor's storage"
    users = delivered_users(log, received)
    assert set(users) == set(log.expected)
    for key, visits in users.items():
        assert visits == [log.expected[key]], f"{key} received {visits}, expected {log.expected[key]}"
    assert len(received) == log.calls


def assert_nothing_lost(log: Log, received: list[Received]) -> None:
    """Every user of the log had one visit that received all its calls, in order (repeats allowed)."""
    users = delivered_users(log, received)
    missing = [key for key in log.expected if log.expected[key] not in users.get(key, [])]
    assert not missing, f"{len(missing)} users never fully delivered, e.g. {missing[:3]}"


def dead_letter_messages(path: Path) -> list[dict[str, Any]]:
    """The messages of a dead-letter file."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def assert_received_or_dead_lettered(log: Log, received: list[Received], dead_letter: Path) -> set[str]:
    """Every user was fully delivered in one visit, or all of its messages are in the dead-letter file, or, its
    identifies lost to User Attributes switched off, those alone are, and its events were delivered in one visit.

    Returns the users that were dead-lettered.
    """
    dead_ids = {message.get("messageId") for message in dead_letter_messages(dead_letter)}
    users = delivered_users(log, received)
    dead = set()
    for key, expected in log.expected.items():
        if expected in users.get(key, []):
            continue
        if not log.message_ids[key] <= dead_ids:
            identifies = {message for message in log.message_ids[key] if message.startswith("id-")}
            events = [args for args in expected if args[0] == "event"]
            assert identifies and identifies == dead_ids & log.message_ids[key], (
                f"{key} was neither delivered nor dead-lettered"
            )
            assert any([args for args in visit if args[0] == "event"] == events for visit in users.get(key, [])), key
        dead.add(key)
    return dead
