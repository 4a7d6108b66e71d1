"""What a replay will send, user by user: grouping, ordering and the latest-traits merge. Pure: no I/O.

A Segment user (userId as Hotjar sees it, else anonymousId) becomes one fresh browser visitor. Its calls run
in timestamp order, ties in input order, every identify before any event, because Hotjar attaches events to
the user identified before them. Messages without a readable timestamp sort after the timed ones, in input
order.

Time zone: each user's replay runs in one browser time zone, `UserPlan.timezone`, because the page turns
trait strings into `Date`s as analytics.js did in the user's own browser, and for a date-time written with a
space that depends on the browser's zone (see `hotjar_cli.replay.dates`). It is the zone named by
`context.timezone` (analytics.js writes the browser's IANA name, e.g. "Europe/Paris") of the user's latest
identify that names a valid one, else of the user's latest message of any kind that does, in the plan's own
order (timestamp, then input order); None, meaning UTC, when no message names one. Identify messages come
first because only identify attributes are converted. A name counts only when the zone database knows it
(`valid_timezone`), so the browser is never asked for a zone it would refuse.

When: each planned call also keeps when its message happened (`PlannedCall.at`), because a date-time written
with a space takes the zone's offset at the moment the identify ran in the user's browser, and the replay runs
later: in a zone with daylight saving time, a summer identify replayed in winter would otherwise reach Hotjar
an hour off.

Memory: a planned call keeps the `HotjarCall` (its arguments), where it came from and its messageId, one number
for its time (a name and a number per attribute for a `--latest-traits` merge), never the message itself. Only
messages read from standard input, which cannot be read a second time, also keep their JSON so that a failed
call can still be written to the dead-letter file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import msgspec

from hotjar_cli.core.decode import MessageId, SegmentMessage, written_message_id
from hotjar_cli.core.eventtime import message_time_text
from hotjar_cli.core.model import HotjarCall, Position
from hotjar_cli.run.collector import collector_paused


@dataclass(frozen=True, slots=True)
class Origin:
    """The Segment message a planned call came from."""

    position: Position
    message_id: MessageId | None = None
    """Its messageId as the message wrote it (`written_message_id`): as the dry run's lines and the dead-letter file
    write it. A string is how Segment, and the checkpoint, tell one message from another; the checkpoint knows a
    message of any other by its call alone, as one without."""
    saved: bytes | None = None
    """The message as JSON, kept only when its input cannot be read again (standard input)."""
    timestamp: Any = None
    """When the message happened, as it wrote it (`message_time_text`): kept only for the lines of a dry run,
    which show it."""


At = int | tuple[tuple[str, int], ...] | None
"""When a planned call was made (`PlannedCall.at`): one time, one per attribute, or none."""


@dataclass(frozen=True, slots=True)
class PlannedCall:
    """One `hj(...)` call a replay will make, and the message or messages it stands for."""

    call: HotjarCall
    origins: tuple[Origin, ...]
    """One message, or every identify a `--latest-traits` merge folded into this call."""
    at: At = None
    """When the user's browser made the call, in milliseconds since 1970: the page takes the zone's offset for
    date-times written with a space at that moment (see `hotjar_cli.replay.dates`). None when the message had no
    readable time (the page then takes the offset at replay time). A `--latest-traits` merge has one time per
    attribute, that of the identify its value came from, as (name, milliseconds) pairs; an attribute whose
    identify had no readable time is not listed. Not part of the call: `call_digest` ignores it."""

    @property
    def args(self) -> list[Any]:
        """The arguments of the `hj` call."""
        return self.call.args

    @property
    def latest(self) -> Origin:
        """The last of its messages in the order the replay makes them (a message without a readable time sorts
        after those with one): the message a dry run's line names, with that message's own time."""
        return self.origins[-1]


NO_USER = "\x00no-user:"
"""How the key of a message with neither userId nor anonymousId starts: such a message is a visitor of its own. (A
NUL character is not expected at the start of a real id.)"""


@dataclass(frozen=True, slots=True)
class UserPlan:
    """The calls of one Segment user, in the order they will run in that user's own browser context."""

    key: str
    calls: tuple[PlannedCall, ...]
    timezone: str | None = None
    """The IANA time zone the user's browser context runs in; None for UTC (see the module's documentation)."""

    @property
    def user(self) -> str | None:
        """The Segment user (userId as Hotjar sees it, else anonymousId); None for a message with neither."""
        return None if self.key.startswith(NO_USER) else self.key

    @property
    def first(self) -> Position:
        """Where the user's first planned call came from: how progress and logs name a user without its id."""
        return self.calls[0].origins[0].position


@dataclass(frozen=True)
class Plan:
    """Every user a replay will visit, in the order their first message appeared in the input."""

    users: tuple[UserPlan, ...]
    repeated: int = 0
    """Calls left out: their message repeats the messageId of an earlier call's (see `hotjar_cli.core.repeats`)."""
    first_repeated: Position | None = None
    """Where the first call left out came from."""
    unidentified: int = 0
    """Users whose calls hold events and no identify, where the filters left out an identify of theirs: an event
    belongs to a Hotjar user only after an identify in the same visit, so theirs will belong to no user."""

    @property
    def calls(self) -> int:
        """How many `hj` calls the plan makes."""
        return sum(len(user.calls) for user in self.users)


@dataclass(slots=True)
class _Pending:
    call: HotjarCall
    origin: Origin
    moment: datetime | None
    sequence: int
    timezone: str | None = None


@dataclass
class Planner:
    """Collects the accepted calls of a run, then plans them per user. Feed it with `add`, finish with `plan`, once:
    it lets go of each user's calls as collected once that user is planned."""

    latest_traits: bool = False
    _users: dict[str, list[_Pending]] = field(default_factory=dict)
    _sequence: int = 0

    def add(
        self, key: str, call: HotjarCall, origin: Origin, moment: datetime | None, timezone: str | None = None
    ) -> None:
        """Record one call of the user `key`; `moment` is when its message happened (None when unknown).

        `timezone` is the zone its message names (`context.timezone`), valid or not: `plan` chooses.
        """
        self._sequence += 1
        self._users.setdefault(key, []).append(_Pending(call, origin, moment, self._sequence, timezone))

    def plan(self) -> Plan:
        """The users and their ordered calls; with `latest_traits`, one merged identify per user."""
        users, self._users = self._users, {}
        planned = []
        with collector_paused():
            for key in list(users):  # each user's calls as collected are let go of once planned: never both held
                pending = users.pop(key)
                planned.append(UserPlan(key, self._order(pending), _user_timezone(pending)))
        return Plan(tuple(planned))

    def _order(self, pending: list[_Pending]) -> tuple[PlannedCall, ...]:
        pending.sort(key=_chronological)
        identifies = [item for item in pending if item.call.kind == "identify"]
        events = [item for item in pending if item.call.kind != "identify"]
        planned: list[PlannedCall] = []
        if self.latest_traits and identifies:
            planned.append(merge_identifies(identifies))
        else:
            planned.extend(PlannedCall(item.call, (item.origin,), milliseconds(item.moment)) for item in identifies)
        planned.extend(PlannedCall(item.call, (item.origin,), milliseconds(item.moment)) for item in events)
        return tuple(planned)


_NO_TIME = datetime.min.replace(tzinfo=UTC)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def milliseconds(moment: datetime | None) -> int | None:
    """A message's time as a browser's clock gives it, whole milliseconds since 1970 (in integers, so exact);
    None stays None."""
    return None if moment is None else (moment - _EPOCH) // _MILLISECOND


def _user_timezone(pending: list[_Pending]) -> str | None:
    named = [item for item in pending if item.timezone is not None and valid_timezone(item.timezone)]
    latest = max((item for item in named if item.call.kind == "identify"), key=_chronological, default=None) or max(
        named, key=_chronological, default=None
    )
    return latest.timezone if latest is not None else None


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    # The `posix/` and `right/` copies and `localtime` (the machine's own zone) are files of the zone database,
    # not zone names: Chromium refuses `localtime`.
    return frozenset(
        name for name in available_timezones() if not name.startswith(("posix/", "right/")) and name != "localtime"
    )


@lru_cache(maxsize=1024)
def valid_timezone(name: str) -> bool:
    """Whether `name` is an IANA time zone the zone database knows (and so a browser accepts)."""
    if name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ValueError, OSError):
        return False
    return True


def _chronological(item: _Pending) -> tuple[bool, datetime, int]:
    return (item.moment is None, item.moment or _NO_TIME, item.sequence)


def merge_identifies(identifies: list[_Pending]) -> PlannedCall:
    """One identify carrying every attribute of a user's identifies, later values winning (already ordered).

    Each attribute keeps the time of the identify its value came from: its dates are converted as that
    identify's were in the user's browser."""
    attributes: dict[str, Any] = {}
    times: dict[str, int] = {}
    for item in identifies:
        values = item.call.attributes or {}
        attributes.update(values)
        moment = milliseconds(item.moment)
        for name in values:
            if moment is None:
                times.pop(name, None)
            else:
                times[name] = moment
    last = identifies[-1].call
    return PlannedCall(
        HotjarCall("identify", user_id=last.user_id, attributes=attributes),
        tuple(item.origin for item in identifies),
        tuple((name, times[name]) for name in attributes if name in times),
    )


def origin_of(position: Position, message: SegmentMessage, keep_json: bool, keep_time: bool = False) -> Origin:
    """The origin of a planned call; `keep_json` keeps the message's JSON for inputs that cannot be re-read, and
    `keep_time` the time the message wrote."""
    return Origin(
        position,
        written_message_id(message),
        message_json(message) if keep_json else None,
        message_time_text(message) if keep_time else None,
    )


def message_json(message: SegmentMessage) -> bytes:
    """The fields of a message the mapping and replay read, as one JSON line: replaying it makes the same call.

    Of `context`, what the decoder reads of it: its library, which says whether the message came from a browser
    and how analytics-next reads `integrations`, and its time zone, the user's replay's.
    """
    fields: dict[str, Any] = {}
    for name in message.__struct_fields__:
        value = getattr(message, name)
        if isinstance(value, msgspec.Raw):
            if len(value):
                fields[name] = value  # `properties`, as the line holds it: read, it may not be UTF-8
        elif isinstance(value, msgspec.Struct):
            built = msgspec.to_builtins(value)  # `context`: the members read, those not set left out
            if built:
                fields[name] = built
        elif value is not None:
            fields[name] = value
    # msgspec, where orjson refuses an integer past 64 bits (a messageId or a userId a buggy emitter sent).
    return msgspec.json.encode(fields)
