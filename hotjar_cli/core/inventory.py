"""The site's names: every attribute and event name the input sends to Hotjar, and what became of it.

Folded over decided events in input order, and merged associatively like `Summary`, so the answer is the same
bytes for any split of the work. For each name: where and when it was first and last seen, messages, distinct
users, the JavaScript types of an attribute's values and the values dropped by each rule, and its fate:

- kept: one of the names the site holds, with its slot number (the order in which the site admitted it);
- turned away: offered to the site (no other rule dropped it) only once the site was full
  (attribute-limit-exceeded, event-limit-exceeded);
- never sent: every value or message under it was dropped by another rule.

A name is *offered* to the site at the first value or message under it that no other rule drops: that is where
Hotjar's site-wide limit is decided (see `Site`). Which names the site keeps follows from the names offered, in
input order, after the names it already held (`--known-attributes`, `--known-events`), so each part of the input
only remembers the first names it offered, up to the site's limit.

Memory is bounded: past `NAMES_HELD` distinct names of a kind, the names held are those with the smallest
hashes (a sample that does not depend on how the input was split, and whose counts are exact); the rest are
counted as a remainder. `InventoryBounds` sets other bounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import msgspec

from hotjar_cli.core.decode import ANONYMOUS_ID, EVENT, TRAITS, TYPE, USER_ID, Parsed, SegmentMessage, message_fields
from hotjar_cli.core.eventtime import iso_date_text, text_seconds
from hotjar_cli.core.mapping import json_path, user_key_of
from hotjar_cli.core.model import Decision, Position
from hotjar_cli.core.rules import (
    ATTRIBUTE_LIMIT_EXCEEDED,
    EVENT_LIMIT_EXCEEDED,
    EVENT_NAME_HIGH_CARDINALITY,
    EVENT_NAME_INVALID_CHARACTERS,
    EVENT_NAME_TOO_LONG,
)
from hotjar_cli.core.sketch import EXACT_USERS, DistinctUsers, HashedUser, user_hash

NAMES_HELD = {"attribute": 2_000, "event": 12_000}
"""Names held per kind with their details; past this, a sample by hash (see the module's docstring)."""
# Final, the module's constants are statics when compiled, not lookups in its names at every use.
_REJECTING_EVENT_NAME_CODES: Final = (
    EVENT_NAME_TOO_LONG.code,
    EVENT_NAME_INVALID_CHARACTERS.code,
    EVENT_LIMIT_EXCEEDED.code,
)
"""The rules that reject a track for its event name alone, the site's limit included."""
_EVENT_NAME_CODES: Final = frozenset((*_REJECTING_EVENT_NAME_CODES, EVENT_NAME_HIGH_CARDINALITY.code))
_EVENT_LIMIT_CODE: Final = EVENT_LIMIT_EXCEEDED.code
_ATTRIBUTE_LIMIT_CODE: Final = ATTRIBUTE_LIMIT_EXCEEDED.code


class InventoryBounds(msgspec.Struct, frozen=True):
    """How much an inventory holds exactly: names per kind with their details (past that, a sample by hash), and
    distinct users per name (past that, an estimate)."""

    attribute_names: int = NAMES_HELD["attribute"]
    event_names: int = NAMES_HELD["event"]
    exact_users: int = EXACT_USERS


BOUNDS = InventoryBounds()
"""The bounds an inventory holds to unless told otherwise."""


Seen = tuple[float | None, Position]
"""When (event time in seconds, None when unreadable) and where a name was seen."""


def _seconds(when: Any) -> Any:
    """A time as `Inventory.observe` receives it (text in Segment's form, seconds, or None) in seconds."""
    return text_seconds(when) if isinstance(when, str) else when


def _before(when: Any, other: Any) -> bool:
    """Whether a time is before another (neither None): two times in Segment's form and of one length are
    compared as text (see `hotjar_cli.core.eventtime.segment_time`), any other two in seconds."""
    if isinstance(when, str) and isinstance(other, str) and len(when) == len(other):
        return when < other
    return bool(_seconds(when) < _seconds(other))


class Sighting:
    """Where and when an event was seen, not yet settled: its time as `Inventory.observe` receives it. Made once
    for an event, and shared by every name it is counted under."""

    __slots__ = ("file", "index", "line", "when")

    def __init__(self, when: Any, file: str, line: int, index: int | None) -> None:
        self.when = when
        self.file = file
        self.line = line
        self.index = index

    def seen(self) -> Seen:
        """This sighting settled: its time in seconds."""
        return _seconds(self.when), Position(self.file, self.line, self.index)


def name_hash(name: str) -> int:
    """A stable 64-bit hash of a name, the same as a user's (`sketch.user_hash`): it orders the sample held past
    `NAMES_HELD`."""
    return user_hash(name)


JS_TYPES: Final = ("string", "date", "boolean", "number", "null", "object", "array", "value")
"""The JavaScript types an attribute value can have in the browser, as `js_type` names them."""


def js_type(value: Any) -> str:
    """The JavaScript type an attribute value has in the browser: ISO-8601 strings become `Date`s there."""
    return JS_TYPES[_js_type_number(value)]


def _js_type_number(value: Any) -> int:
    """`js_type`, by its place in `JS_TYPES`."""
    if isinstance(value, str):  # narrowed: compiled, the string is then read in place
        return 1 if iso_date_text(value) else 0
    kind = type(value)
    if kind is bool:
        return 2
    if kind is int or kind is float:
        return 3
    if value is None:
        return 4
    if kind is dict:
        return 5
    if kind is list:
        return 6
    return 7


def earlier(first: Seen | None, other: Seen | None) -> Seen | None:
    """The earlier sighting by event time, a timed one before any untimed one; a tie keeps `first`."""
    if other is None:
        return first
    if first is None:
        return other
    if other[0] is not None and (first[0] is None or other[0] < first[0]):
        return other
    return first


def later(last: Seen | None, other: Seen | None) -> Seen | None:
    """The later sighting by event time, a timed one after any untimed one; a tie takes `other`."""
    if other is None:
        return last
    if last is None:
        return other
    if other[0] is None and last[0] is not None:
        return last
    if other[0] is not None and last[0] is not None and other[0] < last[0]:
        return last
    return other


def shifted(seen: Seen | None, lines: int) -> Seen | None:
    """A sighting in a part of a file read on its own, moved on by `lines` (see `Summary.shifted`)."""
    if seen is None:
        return seen
    return seen[0], Position(seen[1].file, seen[1].line + lines, seen[1].index)


class NameRecord:
    """What the input says about one name."""

    __slots__ = (
        "_first",
        "_last",
        "_types",
        "dropped",
        "first",
        "hash",
        "last",
        "messages",
        "offered",
        "types",
        "users",
    )

    def __init__(self, hashed: int, exact_users: int = EXACT_USERS) -> None:
        self.hash = hashed
        self.messages = 0
        self.users = DistinctUsers(exact_users)
        self.first: Seen | None = None
        self.last: Seen | None = None
        self.offered = False
        self.types: dict[str, int] = {}
        self.dropped: dict[str, int] = {}
        """Findings per rule code: an attribute's values dropped, an event name's messages rejected or noted."""
        self._first: Sighting | None = None
        self._last: Sighting | None = None
        """The first and last sighting since the last `settle`, set together (see `Inventory.observe`)."""
        self._types: list[int] | None = None
        """An attribute's values by JavaScript type since the last `settle`, by place in `JS_TYPES`: a count in a
        list costs a quarter of one in a dict by name."""

    def settle(self) -> None:
        """Take the sightings and types not yet settled into `first`, `last` and `types`."""
        first, last = self._first, self._last
        if first is not None and last is not None:
            self.first = earlier(self.first, first.seen())
            self.last = later(self.last, last.seen())
            self._first = self._last = None
        counts = self._types
        if counts is not None:
            types = self.types
            for number, count in enumerate(counts):
                if count:
                    types[JS_TYPES[number]] = types.get(JS_TYPES[number], 0) + count
            self._types = None

    def merge(self, later_part: NameRecord) -> NameRecord:
        """This name's record followed by `later_part`'s."""
        merged = NameRecord(self.hash)
        merged.messages = self.messages + later_part.messages
        merged.users = self.users.merge(later_part.users)
        merged.first = earlier(self.first, later_part.first)
        merged.last = later(self.last, later_part.last)
        merged.offered = self.offered or later_part.offered
        merged.types = _added(self.types, later_part.types)
        merged.dropped = _added(self.dropped, later_part.dropped)
        return merged

    def __reduce__(self) -> tuple[Any, ...]:
        return _record, (
            self.hash,
            self.messages,
            self.users,
            self.first,
            self.last,
            self.offered,
            self.types,
            self.dropped,
        )


def _record(
    hashed: int,
    messages: int,
    users: DistinctUsers,
    first: Seen | None,
    last: Seen | None,
    offered: bool,
    types: dict[str, int],
    dropped: dict[str, int],
) -> NameRecord:
    """A `NameRecord` unpickled: compiled by mypyc, a class is unpickled by calling it, so it says how."""
    record = NameRecord(hashed)
    record.messages, record.users, record.first, record.last = messages, users, first, last
    record.offered, record.types, record.dropped = offered, types, dropped
    return record


def _added(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    total = dict(first)
    for key, count in second.items():
        total[key] = total.get(key, 0) + count
    return dict(sorted(total.items()))


class Names:
    """The names of one kind (attributes or events): records, the names offered in order, and the remainder."""

    __slots__ = (
        "all_names",
        "exact_users",
        "held_names",
        "kind",
        "known",
        "limit",
        "occurrences",
        "offered",
        "records",
        "threshold",
    )

    def __init__(
        self,
        kind: str,
        limit: int,
        known: Iterable[str] = (),
        held_names: int | None = None,
        exact_users: int = EXACT_USERS,
    ) -> None:
        self.kind = kind
        self.limit = limit
        self.known: tuple[str, ...] = tuple(dict.fromkeys(known))
        self.held_names = NAMES_HELD[kind] if held_names is None else held_names
        """Names held with their details; past this, a sample by hash."""
        self.exact_users = exact_users
        """Distinct users counted exactly per name (and distinct names in all); past this, an estimate."""
        self.records: dict[str, NameRecord] = {}
        self.offered: dict[str, Seen] = {}
        """The first names offered to the site (not already known), in input order, up to `limit`, with where."""
        self.threshold: int | None = None
        """Once past `held_names`, only names hashing at or below this are held."""
        self.all_names = DistinctUsers(exact_users)
        """Every distinct name seen (a distinct count, whether held or not)."""
        self.occurrences = 0
        """Every message (or, for attributes, value) seen under any name, held or not."""

    def record(self, name: str) -> NameRecord | None:
        """The record of a name, made when new; None when the name falls outside the sample held."""
        hashed = name_hash(name)
        self.all_names.add(hashed)
        threshold = self.threshold
        if threshold is not None and hashed > threshold:
            return None
        made = self.records[name] = NameRecord(hashed, self.exact_users)
        if len(self.records) > self.held_names * 5 // 4:
            self._trim()
        return made if name in self.records else None

    def offer(self, name: str, seen: Seen) -> None:
        """The site is asked to admit `name` here (no other rule dropped it)."""
        offered = self.offered
        if len(offered) < self.limit and name not in offered and name not in self.known:
            offered[name] = seen

    def _trim(self) -> None:
        held = self.held_names
        if len(self.records) <= held:
            return
        kept = sorted(self.records.items(), key=lambda item: item[1].hash)[:held]
        self.threshold = kept[-1][1].hash
        self.records = dict(kept)

    def held(self) -> dict[str, NameRecord]:
        """The records a report shows: every name, or past `held_names` the sample with the smallest hashes."""
        if self.threshold is None:
            return self.records
        held = self.held_names
        return dict(sorted(self.records.items(), key=lambda item: item[1].hash)[:held])

    @property
    def sampled(self) -> bool:
        """Whether some names are counted only in the remainder."""
        return self.threshold is not None

    def site(self) -> dict[str, Seen | None]:
        """The names the site holds, in slot order, with where each was admitted (None for a known name)."""
        slots: dict[str, Seen | None] = dict.fromkeys(self.known)
        for name, seen in self.offered.items():
            if len(slots) >= self.limit:
                break
            slots.setdefault(name, seen)
        return slots

    def full_at(self) -> Seen | None:
        """Where the site filled up: where it admitted its last free slot; None when it has room (or was full
        before these logs)."""
        slots = self.site()
        if len(slots) < self.limit or not slots:
            return None
        return list(slots.values())[-1]

    def merge(self, later_part: Names) -> Names:
        """These names followed by `later_part`'s."""
        merged = Names(self.kind, self.limit, self.known, self.held_names, self.exact_users)
        records = dict(self.records)
        for name, record in later_part.records.items():
            mine = records.get(name)
            records[name] = record if mine is None else mine.merge(record)
        thresholds = [value for value in (self.threshold, later_part.threshold) if value is not None]
        if thresholds:
            threshold = min(thresholds)
            records = {name: record for name, record in records.items() if record.hash <= threshold}
            merged.threshold = threshold
        merged.records = records
        merged._trim()
        offered = dict(self.offered)
        for name, seen in later_part.offered.items():
            if len(offered) >= self.limit:
                break
            offered.setdefault(name, seen)
        merged.offered = offered
        merged.all_names = self.all_names.merge(later_part.all_names)
        merged.occurrences = self.occurrences + later_part.occurrences
        return merged

    def shifted(self, lines: int) -> Names:
        """Every sighting moved on by `lines`."""
        moved = Names(self.kind, self.limit, self.known, self.held_names, self.exact_users)
        moved.threshold, moved.all_names, moved.occurrences = self.threshold, self.all_names, self.occurrences
        for name, record in self.records.items():
            copy = NameRecord(record.hash)
            copy.messages, copy.users, copy.offered = record.messages, record.users, record.offered
            copy.types, copy.dropped = record.types, record.dropped
            copy.first, copy.last = shifted(record.first, lines), shifted(record.last, lines)
            moved.records[name] = copy
        moved.offered = {name: shifted(seen, lines) for name, seen in self.offered.items()}  # type: ignore[misc]  # the shifted record keeps the shape
        return moved

    def __reduce__(self) -> tuple[Any, ...]:
        return _names, (
            self.kind,
            self.limit,
            self.known,
            self.held_names,
            self.exact_users,
            self.records,
            self.offered,
            self.threshold,
            self.all_names,
            self.occurrences,
        )


def _names(
    kind: str,
    limit: int,
    known: tuple[str, ...],
    held_names: int,
    exact_users: int,
    records: dict[str, NameRecord],
    offered: dict[str, Seen],
    threshold: int | None,
    all_names: DistinctUsers,
    occurrences: int,
) -> Names:
    """A `Names` unpickled (see `_record`)."""
    names = Names(kind, limit, known, held_names, exact_users)
    names.records, names.offered, names.threshold = records, offered, threshold
    names.all_names, names.occurrences = all_names, occurrences
    return names


USERS_CACHED: Final = 65_536
"""Users whose hashes are remembered: a user's events tend to come together."""
DECISIONS_HELD: Final = 16_384
"""At most this many decisions are held by identity (see `Inventory.observe`); past that they are let go."""


class _Held:
    """What a decision met before counts for (see `Inventory._decisions`)."""

    __slots__ = ("codes", "decision", "name", "record")

    def __init__(
        self, decision: Decision, name: str | None, record: NameRecord | None = None, codes: tuple[str, ...] = ()
    ) -> None:
        self.decision = decision
        """Held, it stays alive, so its identity stays its own."""
        self.name = name
        """A track's event name; None for a decision that sends no name, whatever the message (a page, a track
        dropped for something other than its name)."""
        self.record = record
        """The name's record; None outside the sample held."""
        self.codes = codes
        """The codes of the track's findings about its event name."""


def _sight(record: NameRecord, sighting: Sighting) -> None:
    """A sighting of a name, taken into its first and last since the last `settle` as `earlier` and `later` do:
    a timed sighting before any untimed one, ties keeping the first and taking the last."""
    first, last = record._first, record._last
    if first is None or last is None:
        record._first = record._last = sighting
        return
    when, last_when = sighting.when, last.when
    if type(when) is str and type(last_when) is str and len(when) == len(last_when) and when >= last_when:
        record._last = sighting  # nearly always, times coming in order: the first is not later than the last
        return
    if when is None:
        if last_when is None:
            record._last = sighting
        return
    if first.when is None or _before(when, first.when):
        record._first = sighting
    if last_when is None or not _before(when, last_when):
        record._last = sighting


def _count(record: NameRecord, sighting: Sighting, user: HashedUser | None, in_order: bool) -> None:
    """One message (or value) under a name, at `sighting`, from `user`.

    `in_order`: the sighting's time is at or after every time met since the last `settle` (see `Inventory.observe`),
    so it is this name's last, unless the name's last has no time (then neither has its first, and `_sight`
    decides). Nearly every time comes in order, and is then not compared again for each name it is counted under.
    """
    record.messages += 1
    last = record._last
    if in_order and last is not None and last.when is not None:
        record._last = sighting
    else:
        _sight(record, sighting)
    if user is not None:
        record.users.add_user(user)


def _event_name_codes(decision: Decision) -> list[str]:
    """The codes of a track's findings about its event name: rejected for the name (too long, invalid
    characters) or by the site's limit, or noted (high cardinality)."""
    if not decision.findings:
        return []
    return [
        finding.code for finding in decision.findings if finding.path == "$.event" and finding.code in _EVENT_NAME_CODES
    ]


class Inventory:
    """The attribute and event names of an input, folded event by event (`observe`) and merged (`merge`)."""

    __slots__ = (
        "_decisions",
        "_decisions_held",
        "_earliest",
        "_latest",
        "_user_hashes",
        "attributes",
        "earliest",
        "events",
        "latest",
    )

    def __init__(
        self,
        max_attributes: int,
        max_events: int,
        known_attributes: Iterable[str] = (),
        known_events: Iterable[str] = (),
        bounds: InventoryBounds = BOUNDS,
        decisions_held: int = DECISIONS_HELD,
    ) -> None:
        """`decisions_held`: how many decisions met before are held (see `_decisions`); with none, every event is
        looked at in full, which must count the same."""
        self.attributes = Names(
            "attribute", max_attributes, known_attributes, bounds.attribute_names, bounds.exact_users
        )
        self.events = Names("event", max_events, known_events, bounds.event_names, bounds.exact_users)
        self.earliest: float | None = None
        """The earliest and latest event time of any event: the span the pace of new names is measured over."""
        self.latest: float | None = None
        self._earliest: Any = None
        self._latest: Any = None
        """The earliest and latest time since the last `settle`, as `observe` receives them."""
        self._user_hashes: dict[str, HashedUser] = {}
        self._decisions: dict[int, _Held] = {}
        """Decisions met before, by identity, with what they count for."""
        self._decisions_held = decisions_held

    def __reduce__(self) -> tuple[Any, ...]:
        # Identities mean nothing in another process: what is held by identity stays behind.
        self.settle()
        return _inventory, (self.attributes, self.events, self.earliest, self.latest)

    def settle(self) -> None:
        """Take the times and sightings not yet settled in: every name's first and last sighting, and the span,
        are then complete. Call it when a pass is done."""
        earliest, latest = self._earliest, self._latest
        if earliest is not None and latest is not None:
            earliest, latest = _seconds(earliest), _seconds(latest)
            if self.earliest is None or earliest < self.earliest:
                self.earliest = earliest
            if self.latest is None or latest > self.latest:
                self.latest = latest
            self._earliest = self._latest = None
        for names in (self.attributes, self.events):
            for record in names.records.values():
                record.settle()

    def observe(
        self,
        file: str,
        line: int,
        index: int | None,
        parsed: Parsed,
        decision: Decision,
        when: str | float | None,
        fields: tuple[Any, ...] | None = None,
    ) -> None:
        """One decided event at `when`: its `timestamp` when in Segment's form (`eventtime.segment_time`), else
        its time in seconds (`eventtime.event_seconds`), else None. Only calls to Hotjar (and tracks it rejects
        for their name) carry names. Call `settle` when done.

        Most events cost a few operations: the core hands out one shared decision for every track under an
        admitted name (see `Summary`), so a decision met before tells what the event counts for, and such a track
        is only counted (`_count`). A time in Segment's form is not read: it is compared as text with the latest
        time met, which it nearly always follows, and is then the last of every name it counts under.
        """
        in_order = False
        if when is not None:
            latest = self._latest
            if isinstance(when, str) and isinstance(latest, str) and len(when) == len(latest) and when >= latest:
                self._latest = when
                in_order = True
            else:
                self._stretch(when)
        held = self._decisions.get(id(decision))
        if held is not None:
            name = held.name
            if name is None:
                return
            if fields is None:
                fields = message_fields(parsed)  # type: ignore[arg-type]  # only a track is given a track's decision
            event = fields[EVENT]
            if type(event) is str and event == name:  # compared as strings when compiled
                self.events.occurrences += 1
                record = held.record
                if record is None:
                    return  # outside the sample held
                user = self._user(fields)
                _count(record, Sighting(when, file, line, index), user, in_order)
                if held.codes:
                    dropped = record.dropped
                    for code in held.codes:
                        dropped[code] = dropped.get(code, 0) + 1
                return
        if type(parsed) is not SegmentMessage:
            return
        if fields is None:
            fields = message_fields(parsed)
        kind = fields[TYPE]
        if kind == "track":
            self._track(Sighting(when, file, line, index), in_order, fields, decision)
        elif kind == "identify" and decision.call is not None:
            if fields[TRAITS]:
                self._identify(Sighting(when, file, line, index), in_order, fields, decision)
        elif decision.call is None and not _event_name_codes(decision):
            self._hold(_Held(decision, None))  # a page, a group, an alias, an identify dropped whole: no name

    def _stretch(self, when: Any) -> None:
        """The span since the last `settle`, stretched to a time (see `_before`)."""
        earliest, latest = self._earliest, self._latest
        if earliest is None or latest is None:
            self._earliest = self._latest = when
        elif _before(when, earliest):
            self._earliest = when
        elif _before(latest, when):
            self._latest = when

    def _hold(self, held: _Held) -> None:
        """Remember what a decision counts for (see `_decisions`)."""
        decisions = self._decisions
        if len(decisions) >= self._decisions_held:
            decisions.clear()
            if not self._decisions_held:
                return
        decisions[id(held.decision)] = held

    def _user(self, fields: tuple[Any, ...]) -> HashedUser | None:
        """The user of a message (its `message_fields`), hashed once per distinct user."""
        user = fields[USER_ID]
        if type(user) is not str or not user:
            user = user_key_of(user, fields[ANONYMOUS_ID])
            if user is None:
                return None
        hashed = self._user_hashes.get(user)
        if hashed is None:
            if len(self._user_hashes) >= USERS_CACHED:
                self._user_hashes.clear()
            hashed = self._user_hashes[user] = HashedUser(user)
        return hashed

    def _track(self, sighting: Sighting, in_order: bool, fields: tuple[Any, ...], decision: Decision) -> None:
        """A track (its `message_fields`) whose decision is met for the first time: counted, then its decision
        held."""
        name = fields[EVENT]
        if type(name) is not str or not name:
            return
        found = _event_name_codes(decision)
        if decision.call is None and not (found and found[0] in _REJECTING_EVENT_NAME_CODES):
            self._hold(_Held(decision, None))  # dropped for something other than its name, whatever the message
            return
        dropped = found[0] if decision.call is None else ""
        names = self.events
        names.occurrences += 1
        offered = not dropped or dropped == _EVENT_LIMIT_CODE
        if offered and len(names.offered) < names.limit and name not in names.offered:
            names.offer(name, sighting.seen())
        record = names.records.get(name)
        if record is None:
            records = names.records
            record = names.record(name)
            if names.records is not records:
                self._decisions.clear()  # the sample was trimmed: a held record may be gone
        if record is not None:
            _count(record, sighting, self._user(fields), in_order)
            if offered:
                record.offered = True
            for code in found:
                record.dropped[code] = record.dropped.get(code, 0) + 1
        # Later tracks with this decision are under the same name, with the same findings: the name is offered
        # already (or the site was full, or knew it), so they only count.
        self._hold(_Held(decision, name, record, tuple(found)))

    def _identify(self, sighting: Sighting, in_order: bool, fields: tuple[Any, ...], decision: Decision) -> None:
        traits = fields[TRAITS]
        if type(traits) is not dict:
            return
        dropped_at: dict[str, str] | None = None
        if decision.findings:
            dropped_at = {}
            for finding in decision.findings:
                path = finding.path  # an attribute of a msgspec Struct: a generic lookup when compiled
                if path.startswith("$.traits"):
                    dropped_at[path] = finding.code
        names = self.attributes
        seen: Seen | None = None
        user = self._user(fields)
        offering = len(names.offered) < names.limit
        records = names.records
        names.occurrences += len(traits)
        unmatched = len(dropped_at) if dropped_at else 0  # each path is a trait's: none is looked up once all are met
        for name, value in traits.items():
            code = None
            if unmatched and dropped_at is not None:
                code = dropped_at.get(json_path("$.traits", name))
                if code is not None:
                    unmatched -= 1
            offered = code is None or code == _ATTRIBUTE_LIMIT_CODE
            if offered and offering and name not in names.offered:
                if seen is None:
                    seen = sighting.seen()
                names.offer(name, seen)
            record = records.get(name)
            if record is None:
                record = names.record(name)
                records = names.records  # a sample may have been trimmed
                if record is None:
                    continue
            _count(record, sighting, user, in_order)
            if offered:
                record.offered = True
            if code is not None:
                record.dropped[code] = record.dropped.get(code, 0) + 1
            counts = record._types
            if counts is None:
                counts = record._types = [0] * len(JS_TYPES)
            number = _js_type_number(value)
            counts[number] = counts[number] + 1  # compiled, `+=` on an item adds the objects in general

    def merge(self, later_part: Inventory) -> Inventory:
        """This input's names followed by `later_part`'s."""
        self.settle()
        later_part.settle()
        return _inventory(
            self.attributes.merge(later_part.attributes),
            self.events.merge(later_part.events),
            min((value for value in (self.earliest, later_part.earliest) if value is not None), default=None),
            max((value for value in (self.latest, later_part.latest) if value is not None), default=None),
        )

    def shifted(self, lines: int) -> Inventory:
        """Every sighting moved on by `lines`: a part of a file read on its own."""
        self.settle()
        return _inventory(self.attributes.shifted(lines), self.events.shifted(lines), self.earliest, self.latest)


def _inventory(attributes: Names, events: Names, earliest: float | None, latest: float | None) -> Inventory:
    """An inventory of these names, holding nothing by identity: merged, moved on, or unpickled (see `_record`)."""
    inventory = Inventory(attributes.limit, events.limit)
    inventory.attributes, inventory.events = attributes, events
    inventory.earliest, inventory.latest = earliest, latest
    return inventory
