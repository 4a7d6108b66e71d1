"""The site's names: every attribute and event name the input sends to Hotjar, and what became of it.

Folded over decided events in input order, and extended by the parts that follow like `Summary`, so the answer is
the same bytes for any split of the work. For each name: where and when it was first and last seen, messages, distinct
users, the JavaScript types of an attribute's values and the values dropped by each rule, and its fate:

- kept: one of the names the site holds, with its slot number (the order in which the site admitted it);
- turned away: offered to the site (no other rule dropped it) only once the site was full
  (attribute-limit-exceeded, event-limit-exceeded);
- never sent: every value or message under it was dropped by another rule (a message Segment's integration takes in
  and drops whole, an identify with no userId say, loses every name it carries).

A name is *offered* to the site at the first value or message under it that no other rule drops: that is where
Hotjar's site-wide limit is decided (see `Site`). Which names the site keeps follows from the names offered, in
input order, after the names it already held (`--known-attributes`, `--known-events`), so each part of the input
only remembers the first names it offered, up to the site's limit.

Memory is bounded: past `NAMES_HELD` distinct names of a kind, the names held are a sample that does not depend on
how the input was split, and whose counts are exact (`sample_key`): first the names a rule finds fault with for the
name alone (an event name too long, with characters Hotjar refuses or an id in it; the trait `id`, an attribute name
too long), which are where data is lost, then the others, each by hash; the rest are counted as a remainder.
`InventoryBounds` sets other bounds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

import msgspec

from hotjar_cli.core.decode import EVENT, TIMESTAMP, TRAITS, TYPE, Parsed, SegmentMessage, message_fields
from hotjar_cli.core.eventtime import event_seconds, iso, segment_text
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import NAME_LENGTH_REMEMBERED, attribute_name_at_fault
from hotjar_cli.core.model import Decision
from hotjar_cli.core.rules import (
    ATTRIBUTE_LIMIT_EXCEEDED,
    EVENT_LIMIT_EXCEEDED,
    EVENT_NAME_HIGH_CARDINALITY,
    EVENT_NAME_INVALID_CHARACTERS,
    EVENT_NAME_TOO_LONG,
    MISSING_USER_ID,
    UNCOPYABLE_MESSAGE,
)
from hotjar_cli.core.sketch import EXACT_USERS, DistinctUsers, packed_users, user_hash, users_counted
from hotjar_cli.core.tally import (
    ATTRIBUTES,
    COUNTED,
    EVENTS,
    JS_TYPES,
    DayBin,
    Taken,
    Tally,
    Where,
    day_of,
    js_type_number,
    merged_days,
    new_tally,
    seconds,
    trait_codes,
)

NAMES_HELD = {"attribute": 2_000, "event": 12_000}
"""Names held per kind with their details; past this, a sample (see the module's docstring)."""
EXACT_NAMES_PER_HELD = 4
"""The distinct names of a kind are counted exactly up to this many times the names held (48,000 event names, about
3 MB of hashes), then estimated: only the names' own count, met once a name. Estimated past the names held, 12,200
event names read as 12,001 (HyperLogLog's 3 % below), and the 199 messages of the names not held as under none."""
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
_LOST_WHOLE_CODES: Final = frozenset((MISSING_USER_ID.code, UNCOPYABLE_MESSAGE.code))
"""The rules that reject a message Segment's Hotjar integration takes in, for something other than a name (an
identify with no userId, a message its facade cannot copy): every name the message carries is lost with it, and
counted as dropped by that rule. (A message the integration never takes in, disabled for Hotjar or sent from a
server, and one of a type it does not send, carry no name to Hotjar.)"""


class InventoryBounds(msgspec.Struct, frozen=True):
    """How much an inventory holds exactly: names per kind with their details (past that, a sample), and
    distinct users per name (past that, an estimate)."""

    attribute_names: int = NAMES_HELD["attribute"]
    event_names: int = NAMES_HELD["event"]
    exact_users: int = EXACT_USERS


BOUNDS = InventoryBounds()
"""The bounds an inventory holds to unless told otherwise."""


Seen = tuple[float | None, str, int, "int | None"]
"""When (event time in seconds, None when unreadable) and where a name was seen: file, line, index in a batch. Plain
values, not a `Position`: a part of an input settles, sends and moves on thousands of them."""


_Columns = tuple[
    list[str],
    list[int],
    list[int],
    list[bytes | bytearray],
    list[Seen | None],
    list[Seen | None],
    list[bool],
    list[dict[str, int]],
    list[dict[str, int]],
]
"""A kind's records as another process sends them, field by field (see `Names.__reduce__`): names, sample keys,
messages, users (`users_counted`), first and last sightings, offered, types, dropped."""


def _seen(where: Where) -> Seen:
    """A sighting as a `Tally` holds it, settled: its time in seconds."""
    when, file, line, index = where
    return seconds(when), file, line, index


def name_hash(name: str) -> int:
    """A stable 64-bit hash of a name, the same as a user's (`sketch.user_hash`): it orders the sample held past
    `NAMES_HELD`."""
    return user_hash(name)


_CLEAN: Final = 1 << 63
DEFAULT_LIMITS: Final = Limits()


def sample_key(name: str, at_fault: bool) -> int:
    """Where a name stands for the sample held past `NAMES_HELD` (the smallest keys are held): a function of the
    name alone (and the run's settings), so the sample does not depend on how the input was split. A name a rule
    finds fault with for the name alone (`at_fault`) comes before every other, so the names where data is lost are
    held first."""
    return key_of(name_hash(name), at_fault)


def key_of(hashed: int, at_fault: bool) -> int:
    """`sample_key` from the name's `name_hash`, which the caller has at hand."""
    key = hashed >> 1
    return key if at_fault else key | _CLEAN


def js_type(value: Any) -> str:
    """The JavaScript type an attribute value has in the browser: ISO-8601 strings become `Date`s there."""
    return JS_TYPES[js_type_number(value)]


def earlier(first: Seen | None, other: Seen | None) -> Seen | None:
    """The earlier sighting by event time, a timed one before any untimed one; a tie keeps `first`."""
    return other if takes_first(first, other) else first


def later(last: Seen | None, other: Seen | None) -> Seen | None:
    """The later sighting by event time, a timed one after any untimed one; a tie takes `other`."""
    return other if takes_last(last, other) else last


def takes_first(first: Seen | None, other: Seen | None) -> bool:
    """Whether `other` is the earlier sighting (`earlier`). Asked, not read from which one `earlier` returns: a
    tuple compiled is not always the same object from one place to another."""
    if other is None:
        return False
    if first is None:
        return True
    return other[0] is not None and (first[0] is None or other[0] < first[0])


def takes_last(last: Seen | None, other: Seen | None) -> bool:
    """Whether `other` is the later sighting (`later`)."""
    if other is None:
        return False
    if last is None:
        return True
    if other[0] is None:
        return last[0] is None
    return last[0] is None or other[0] >= last[0]


def shifted(seen: Seen | None, lines: int) -> Seen | None:
    """A sighting in a part of a file read on its own, moved on by `lines` (see `Summary.shift`)."""
    if seen is None or not lines:
        return seen
    return seen[0], seen[1], seen[2] + lines, seen[3]


PART_BITS: Final = 40
"""An inventory a worker keeps over several parts of an input (`Inventory.begin_part`) numbers the lines of part
`number` from `number << PART_BITS`: its sightings then tell their place in the input apart from another worker's
(`Names.add_kept`), and each is moved to its place in its file once the lines before every part are known."""
_IN_PART: Final = (1 << PART_BITS) - 1


def _sooner(seen: Seen, other: Seen, timed_first: bool = True) -> bool:
    """Whether `seen` comes before `other` by event time, its place in the input deciding a tie: among first sightings
    as `earlier` orders them (`timed_first`: a timed one before any untimed one), among last sightings as `later` does
    (an untimed one before any timed one). Compared field by field: as tuples, two were made and compared for each
    name a worker handed over."""
    when, other_when = seen[0], other[0]
    if when is None or other_when is None:
        if (when is None) != (other_when is None):
            return (when is not None) == timed_first
    elif when != other_when:
        return when < other_when
    if seen[2] != other[2]:
        return seen[2] < other[2]
    return (-1 if seen[3] is None else seen[3]) < (-1 if other[3] is None else other[3])


def placed(seen: Seen | None, lines_before: list[int]) -> Seen | None:
    """A sighting of a kept inventory (see `PART_BITS`) at its line in its file: `lines_before` each part."""
    if seen is None:
        return None
    line = seen[2]
    part = line >> PART_BITS
    if not part and not lines_before[0]:
        return seen  # the first part of the input, at its place already
    return seen[0], seen[1], lines_before[part] + (line & _IN_PART), seen[3]


class NameRecord:
    """What the input says about one name."""

    __slots__ = ("dropped", "first", "key", "last", "messages", "offered", "types", "users")

    def __init__(self, key: int, exact_users: int = EXACT_USERS, users: DistinctUsers | None = None) -> None:
        self.key = key
        """Where the name stands for the sample held (`sample_key`)."""
        self.messages = 0
        # Empty and packed: a name a tally counts makes no set (232 bytes) before its users are taken in.
        self.users = users_counted(b"", exact_users) if users is None else users
        self.first: Seen | None = None
        self.last: Seen | None = None
        self.offered = False
        self.types: dict[str, int] = {}
        self.dropped: dict[str, int] = {}
        """Findings per rule code: an attribute's values dropped, an event name's messages rejected or noted."""

    def settle(self, taken: Taken) -> None:
        """Take in what a `Tally` counted under this name since it was last taken (`Tally.take`)."""
        messages, types, first, last, users, offered, dropped = taken  # times in seconds already
        counted = users_counted(b"" if users is None else users, self.users.exact_up_to)
        self.add(messages, counted, first, last, offered, _types_of(types, {}), dropped, 0)

    def add(
        self,
        messages: int,
        users: DistinctUsers,
        first: Seen | None,
        last: Seen | None,
        offered: bool,
        types: dict[str, int],
        dropped: dict[str, int],
        lines: int,
    ) -> None:
        """A later part's counts of this name added, in place: its sightings moved on by `lines` (see `shift`) when
        they are kept, so that one not kept is not moved at all."""
        self.messages += messages
        self._add_users(users)
        if takes_first(self.first, first):
            self.first = shifted(first, lines)
        if takes_last(self.last, last):
            self.last = shifted(last, lines)
        self.offered = self.offered or offered
        if types:
            _add(self.types, types)
        if dropped:
            _add(self.dropped, dropped)

    def _add_users(self, users: DistinctUsers) -> None:
        """Users added to this name's, which takes them as they are while it has none (packed, as a tally or
        another process handed them over: unpacked only when added to). They are not to be used elsewhere after."""
        if self.users.empty:
            self.users = users
        else:
            self.users.update(users)


def _add(counts: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    """Counts by key added to `counts`, in place (a report shows them sorted); `counts`."""
    for key, count in more.items():
        counts[key] = counts.get(key, 0) + count
    return counts


class Names:
    """The names of one kind (attributes or events): records, the names offered in order, and the remainder."""

    __slots__ = (
        "_records",
        "_sent",
        "_sent_lines",
        "_trim_at",
        "all_names",
        "before",
        "exact_users",
        "held_names",
        "inexact",
        "kept_site",
        "kind",
        "known",
        "limit",
        "limits",
        "occurrences",
        "offered",
        "outside",
        "slots",
        "threshold",
        "unnamed",
    )

    def __init__(
        self,
        kind: str,
        limit: int,
        known: Iterable[str] = (),
        held_names: int | None = None,
        exact_users: int = EXACT_USERS,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        """`limits`: the run's, which tell the attribute names a rule finds fault with, held first (`sample_key`)."""
        self.kind = kind
        self.limit = limit
        self.limits = limits
        self.known: tuple[str, ...] = tuple(dict.fromkeys(known))
        self.held_names = NAMES_HELD[kind] if held_names is None else held_names
        """Names held with their details; past this, a sample (`sample_key`)."""
        self._trim_at = self.held_names * 5 // 4
        """Records are trimmed to the sample (`_trim`) once there are more than this."""
        self.exact_users = exact_users
        """Distinct users counted exactly per name; past this, an estimate."""
        self._records: dict[str, NameRecord] = {}
        self._sent: _Columns | None = None
        """The records as another process sent them (see `__reduce__`), not yet made: a part of an input is added
        to the whole (`extend`) name by name from these, with no record made for a name the whole holds already."""
        self._sent_lines = 0
        """The lines the sightings sent are yet to be moved on by (see `shift`)."""
        self.offered: dict[str, Seen] = {}
        """The first names offered to the site (not already known), in input order, up to `limit`, with where."""
        self.before: dict[str, None] = dict.fromkeys(self.known)
        """The names the site held before this input: those `known`, and for a part of an input, those the parts
        before it gave the site (`Inventory.held_before`). Each was offered before, so no offer of it here can be
        one of the site's first."""
        self.threshold: int | None = None
        """Once past `held_names`, only names whose `sample_key` is at most this are held."""
        self.all_names = DistinctUsers(max(exact_users, EXACT_NAMES_PER_HELD * self.held_names))
        """Every distinct name seen (a distinct count, whether held or not: see `EXACT_NAMES_PER_HELD`)."""
        self.occurrences = 0
        """Every message (or, for attributes, value) seen under any name, held or not."""
        self.unnamed: dict[str, int] = {}
        """Tracks rejected for carrying no event name Hotjar can take (missing, empty, or not a string), by the
        rule that rejected them: counted under no name, so that the inventory's findings add up to `validate`'s."""
        self.slots: dict[str, int] = {}
        """Each held name's slot in the `Tally` counting for it, and -1 for names met outside the sample held."""
        self.outside = 0
        """The names in `slots` with -1: past `SLOTS_PER_NAME_HELD` per name held, they are let go (see
        `Inventory._slot`)."""
        self.kept_site: dict[str, None] | None = None
        """In an inventory a worker keeps over the parts it reads (`Inventory.begin_part`): every name one of its
        parts offered first, and every event name one turned away while the names it held before were not yet
        exact (`inexact`). Such a name may be one the site keeps, so the worker holds it past the sample (`in_site`):
        an event name the site keeps is then counted from its first track in each worker's parts."""
        self.inexact = False
        """Whether `before` may lack names the site held before this part (a part started before every part before it
        was folded)."""

    @property
    def records(self) -> dict[str, NameRecord]:
        """Each held name's record, by name."""
        if self._sent is not None:
            self._make_records()
        return self._records

    def _make_records(self) -> None:
        """The records sent (`_sent`), made."""
        sent, lines = self._sent, self._sent_lines
        assert sent is not None, "records were sent"
        self._sent, self._sent_lines = None, 0
        self._add_columns(sent, lines, None)

    def record(self, name: str, at_fault: bool) -> NameRecord | None:
        """The record of a name, made when new; None when the name falls outside the sample held and is not an event
        name the site holds (`_site_held`, asked only then: logs with an id in every event name meet a new name in
        nearly every track). `at_fault`: a rule finds fault with the name alone (see `sample_key`)."""
        hashed = name_hash(name)
        self.all_names.add(hashed)
        key = key_of(hashed, at_fault)
        threshold = self.threshold
        if threshold is not None and key > threshold and not self._site_held(name):
            return None
        records = self.records
        made = records[name] = NameRecord(key, self.exact_users)
        if len(records) > self._trim_at:
            self._trim()
        return made if name in self._records else None

    def in_site(self, name: str) -> bool:
        """Whether the site holds `name` here: held before (`before`), or taken (`offered`). An event name the site
        holds is held past the sample, with its counts: the first names a track offered are those the budget is made
        of, the question the inventory answers, and a site of many more names than `held_names` would otherwise show
        most of them with no count. So at most `limit` names more are held. (An event name is counted from its
        first track that offers it: any track under it that another rule rejects is rejected for the name itself,
        so never offers it. Attributes are not held so: a value dropped before the name was taken would be missed.)"""
        kept = self.kept_site
        return name in self.before or name in self.offered or (kept is not None and name in kept)

    def offer(self, name: str, where: Where) -> None:
        """The site is asked to admit `name` here (no other rule dropped it)."""
        offered = self.offered
        if self.full:  # asked first: past the limit every new name is offered, and the lookups below find nothing
            if self.inexact and self.kept_site is not None and name not in offered and name not in self.before:
                self.kept_site[name] = None  # turned away by names that may not all be the site's
            return
        if name not in offered and name not in self.before:
            offered[name] = _seen(where)

    @property
    def full(self) -> bool:
        """Whether the site is full: no name offered from here on can be one of its first (`offer` does nothing)."""
        return len(self.before) + len(self.offered) >= self.limit

    def _trim(self) -> None:
        """The records past `held_names` let go of, but the sample with the smallest keys and the names the site holds
        (`in_site`, which `kind` holds past the sample); trimmed again once `held_names // 4` more are held."""
        held = self.held_names
        records = self.records
        if len(records) > held:
            ranked = sorted(records.items(), key=lambda item: item[1].key)
            self.threshold = ranked[held - 1][1].key
            self._records = dict(ranked[:held])
            if self.kind == "event":
                self._records.update((name, record) for name, record in ranked[held:] if self.in_site(name))
        self._trim_at = max(held * 5 // 4, len(self._records) + held // 4)

    def held(self) -> dict[str, NameRecord]:
        """The records a report shows: every name, or past `held_names` the sample with the smallest keys and the
        event names the site holds (see `in_site`), whether or not the records were trimmed to it yet (`_trim`
        waits for a quarter more): the same names for any split of the input."""
        if not self.sampled:
            return self.records
        held = self.held_names
        ranked = sorted(self.records.items(), key=lambda item: item[1].key)
        shown = dict(ranked[:held])
        if self.kind == "event":
            site = self.site()
            shown.update((name, record) for name, record in ranked[held:] if name in site)
        return shown

    @property
    def sampled(self) -> bool:
        """Whether some names are counted only in the remainder: more than `held_names` were met."""
        return self.threshold is not None or len(self.records) > self.held_names

    def site(self) -> dict[str, Seen | None]:
        """The names the site holds, in slot order, with where each was admitted (None for a known name)."""
        slots: dict[str, Seen | None] = dict.fromkeys(self.known)
        for name, seen in self.offered.items():
            if len(slots) >= self.limit:
                break
            slots.setdefault(name, seen)
        return slots

    def full_at(self, slots: dict[str, Seen | None] | None = None) -> Seen | None:
        """Where the site filled up: where it admitted its last free slot; None when it has room (or was full
        before these logs). `slots`: `site()`, when the caller has it."""
        if slots is None:
            slots = self.site()
        if len(slots) < self.limit or not slots:
            return None
        return list(slots.values())[-1]

    def extend(self, later_part: Names) -> None:
        """These names followed by `later_part`'s, in place (see `Summary.extend`)."""
        thresholds = [value for value in (self.threshold, later_part.threshold) if value is not None]
        threshold = min(thresholds) if thresholds else None
        offered = self.offered
        for name, seen in later_part.offered.items():  # first: the names the site holds are held past the sample
            if len(offered) >= self.limit:
                break
            offered.setdefault(name, seen)
        records = self.records
        if threshold is not None and threshold != self.threshold:  # the sample held narrows: once, not every part
            records = self._records = {
                name: record for name, record in records.items() if record.key <= threshold or self._site_held(name)
            }
        self.threshold = threshold
        if later_part._sent is None:
            later_part.send()  # a part read in this process: its records as another would have sent them
        assert later_part._sent is not None, "just sent"
        self._add_columns(later_part._sent, later_part._sent_lines, threshold)
        self._trim()
        self.all_names.update(later_part.all_names)
        self.occurrences += later_part.occurrences
        _add(self.unnamed, later_part.unnamed)

    def _add_columns(self, sent: _Columns, lines: int, threshold: int | None) -> None:
        """Records sent by another process (see `__reduce__`), their sightings yet to be moved on by `lines`, added to
        these: a name held already takes the counts as they came, and only a name new here gets a record."""
        names, keys, messages, users, firsts, lasts, offered, types, dropped = sent
        records, exact_users = self._records, self.exact_users
        for at in range(len(names)):
            if threshold is not None and keys[at] > threshold and not self._site_held(names[at]):
                continue
            mine = records.get(names[at])
            counted = users_counted(users[at], exact_users)
            if mine is None:  # new here: its counts taken as they came, rather than added to a record made empty
                mine = records[names[at]] = NameRecord(keys[at], exact_users, counted)
                mine.messages, mine.offered = messages[at], offered[at]
                mine.first, mine.last = shifted(firsts[at], lines), shifted(lasts[at], lines)
                mine.types, mine.dropped = types[at].copy(), dropped[at].copy()
                continue
            mine.add(messages[at], counted, firsts[at], lasts[at], offered[at], types[at], dropped[at], lines)

    def add_kept(self, kept: list[Names], lines_before: list[int]) -> None:
        """The names the workers kept over the parts each read (`Inventory.begin_part`), added to these, which hold
        the site's names of every part and no record: counts added, the earlier and later sightings taken by their
        place in the input where times tie, then each moved to its line (`placed`, `lines_before` each part). The
        limit's findings each worker counted against its own site are then set from the whole site's names
        (`settle_limit_findings`)."""
        assert not self.records, "the parts of a run whose workers keep their names send no record"
        thresholds = [value for value in (self.threshold, *(names.threshold for names in kept)) if value is not None]
        threshold = self.threshold = min(thresholds) if thresholds else None
        records, exact_users = self._records, self.exact_users
        for names in kept:
            if names._sent is None:
                names.send()
            assert names._sent is not None, "just sent"
            held, keys, messages, users, firsts, lasts, offered, types, dropped = names._sent
            for at, name in enumerate(held):
                if threshold is not None and keys[at] > threshold and not self._site_held(name):
                    continue
                mine = records.get(name)
                first, last = firsts[at], lasts[at]
                if mine is None:  # the first worker's counts of the name, taken as they came
                    mine = records[name] = NameRecord(keys[at], exact_users, users_counted(users[at], exact_users))
                    mine.messages, mine.first, mine.last, mine.offered = messages[at], first, last, offered[at]
                    mine.types, mine.dropped = types[at].copy(), dropped[at].copy()
                    continue
                mine.messages += messages[at]
                mine._add_users(users_counted(users[at], exact_users))
                if first is not None and (mine.first is None or _sooner(first, mine.first)):
                    mine.first = first
                if last is not None and (mine.last is None or _sooner(mine.last, last, timed_first=False)):
                    mine.last = last
                mine.offered = mine.offered or offered[at]
                _add(mine.types, types[at])
                _add(mine.dropped, dropped[at])
            self.all_names.update(names.all_names)
            self.occurrences += names.occurrences
            _add(self.unnamed, names.unnamed)
        for record in records.values():
            record.first, record.last = placed(record.first, lines_before), placed(record.last, lines_before)
        self._trim()
        self.settle_limit_findings()

    def settle_limit_findings(self) -> None:
        """Each name's findings of the site's limit (attribute-limit-exceeded, event-limit-exceeded) set from its other
        counts and the names the site holds, as one pass counts them: the site's first-come limit decides a name at
        its first value or track offered, once and for all. So a name the site holds lost nothing to it, and one it
        turned away lost every value offered: for an event name, every track under it (a name offered is offered
        by all), for an attribute every value no other rule dropped."""
        code = _ATTRIBUTE_LIMIT_CODE if self.kind == "attribute" else _EVENT_LIMIT_CODE
        site = self.site()
        for name, record in self.records.items():
            dropped = record.dropped
            if name in site:
                lost = 0
            elif self.kind == "event":
                lost = record.messages if record.offered else 0
            else:
                lost = record.messages - sum(count for other, count in dropped.items() if other != code)
            if lost:
                dropped[code] = lost
            else:
                dropped.pop(code, None)

    def _site_held(self, name: str) -> bool:
        """Whether a name past the sample is held: an event name the site holds (see `in_site`)."""
        return self.kind == "event" and self.in_site(name)

    def shift(self, lines: int) -> None:
        """Every sighting moved on by `lines`, in place: a part of a file read on its own."""
        if self._sent is not None:
            self._sent_lines += lines  # moved on as they are added or made (`_add_columns`)
        for record in self._records.values():
            record.first, record.last = shifted(record.first, lines), shifted(record.last, lines)
        self.offered = {name: shifted(seen, lines) for name, seen in self.offered.items()}  # type: ignore[misc]  # a sighting moved on is one

    def __reduce__(self) -> tuple[Any, ...]:
        # Field by field, each a list of plain values: a part's names cross to the process that folds them several
        # times faster than as an object per name and per sighting (a part of 4,000 event names: 4 ms against 12).
        if self._sent is None or self._sent_lines:  # (records sent are never held as records too)
            self.send()
        assert self._sent is not None, "just sent"
        return _names, (
            (self.kind, self.limit, self.known, self.held_names, self.exact_users, self.limits),
            *self._sent,
            self.offered,
            (self.threshold, self.all_names, self.occurrences, self.unnamed),
        )

    def slot_names(self) -> dict[int, str]:
        """The names held, by their slot in the tally."""
        return {slot: name for name, slot in self.slots.items() if slot >= 0}

    def send(self, tally: Tally | None = None, kind: int = ATTRIBUTES) -> None:
        """Make the records what another process is sent (`_sent`, see `__reduce__`), with what `tally` counted under
        them (as `kind`) since they were last settled taken in. A record with nothing settled yet (every one a part
        of an input made) is sent as the tally hands it over, not settled first and read back. The records are made
        again only if asked for (`records`)."""
        take = tally.take if tally is not None else None  # bound once: see `Inventory.__init__`
        if self._sent is not None and not self._sent_lines:
            # Sent already (settled at the end of a pass, then pickled): made again only if counted since.
            used = tally.used(kind) if tally is not None else []
            if not used:
                return
            counted = {}
            names_of = self.slot_names()
            for slot in used:
                taken = take(kind, slot) if take is not None else None
                if taken is not None and slot in names_of:
                    counted[names_of[slot]] = taken
            for name, taken in counted.items():
                self.records[name].settle(taken)
            take = None
        records, slots = self.records, self.slots
        keys: list[int] = []
        messages: list[int] = []
        users: list[bytes | bytearray] = []
        firsts: list[Seen | None] = []
        lasts: list[Seen | None] = []
        offered: list[bool] = []
        types: list[dict[str, int]] = []
        dropped: list[dict[str, int]] = []
        for name, record in records.items():
            slot = slots.get(name, -1) if take is not None else -1
            taken = take(kind, slot) if take is not None and slot >= 0 else None
            if taken is not None and not record.messages and record.first is None and record.users.empty:
                count, counted_types, first, last, counted_users, counted_offered, counted_dropped = taken
                messages.append(count)
                users.append(b"" if counted_users is None else counted_users)
                firsts.append(first)
                lasts.append(last)
                offered.append(record.offered or counted_offered)
                types.append(_types_of(counted_types, record.types))
                dropped.append(_add(record.dropped, counted_dropped))
            else:
                if taken is not None:
                    record.settle(taken)
                messages.append(record.messages)
                users.append(_users_sent(record.users))
                firsts.append(record.first)
                lasts.append(record.last)
                offered.append(record.offered)
                types.append(record.types)
                dropped.append(record.dropped)
            keys.append(record.key)
        self._sent = (list(records), keys, messages, users, firsts, lasts, offered, types, dropped)
        self._records, self._sent_lines = {}, 0


def _types_of(counted: list[int] | None, types: dict[str, int]) -> dict[str, int]:
    """A name's values by JavaScript type, with those a tally counted (`Tally.take`) added."""
    if counted is not None:
        for number, count in enumerate(counted):
            if count:
                types[JS_TYPES[number]] = types.get(JS_TYPES[number], 0) + count
    return types


def _users_sent(users: DistinctUsers) -> bytes | bytearray:
    """A name's users as `users_counted` takes them: packed hashes, or a sketch's registers."""
    if users.registers is not None:
        return users.registers
    if users.packed is not None:
        return users.packed
    return packed_users(users.exact or ())


def _names(
    settings: tuple[str, int, tuple[str, ...], int, int, Limits],
    names: list[str],
    keys: list[int],
    messages: list[int],
    users: list[bytes | bytearray],
    firsts: list[Seen | None],
    lasts: list[Seen | None],
    offered: list[bool],
    types: list[dict[str, int]],
    dropped: list[dict[str, int]],
    offers: dict[str, Seen],
    totals: tuple[int | None, DistinctUsers, int, dict[str, int]],
) -> Names:
    """A `Names` unpickled (see `Names.__reduce__`): its records as they came (see `_sent`)."""
    kind, limit, known, held_names, exact_users, limits = settings
    unpickled = Names(kind, limit, known, held_names, exact_users, limits)
    unpickled._sent = (names, keys, messages, users, firsts, lasts, offered, types, dropped)
    unpickled.offered = offers
    unpickled.threshold, unpickled.all_names, unpickled.occurrences, unpickled.unnamed = totals
    return unpickled


DECISIONS_HELD: Final = 32_768
"""At most this many decisions are held by identity (see `Inventory.observe`); past that they are let go. The core
shares up to three decisions for each event name the site admits, nearly always one of them met (see `Mapper`), and
one for each of the names a full site turned away that it remembers (`mapping.NAMES_REMEMBERED`): a full site's
10,000 names are held with room to spare. Every other decision is met once: on logs where every track brings a new
event name, 65,536 of them held about 15 MB more."""
SLOTS_PER_NAME_HELD: Final = 4
"""A kind's `Names.slots` lets the names met outside the sample go past this many per name held (`Names.outside`)."""


def _offers_event(decision: Decision, found: list[str]) -> bool:
    """Whether a track offers its event name to the site, where Hotjar's limit is decided: it makes a call, or the
    site's limit rejects it (`found`: its `_event_name_codes`; a name rejected for itself never reaches the site)."""
    return decision.call is not None or _EVENT_LIMIT_CODE in found


def _rejected_for_name(found: list[str]) -> bool:
    """Whether a track's findings about its event name (`_event_name_codes`) reject it: the name itself, or the
    site's limit (a name noted for what it holds may be turned away too)."""
    return any(code in _REJECTING_EVENT_NAME_CODES for code in found)


def _offers_attribute(code: str | None) -> bool:
    """Whether a trait offers its name to the site: no rule dropped its value (`code`, see `trait_codes`), or only the
    site's limit did."""
    return code is None or code == _ATTRIBUTE_LIMIT_CODE


def _lost_whole(decision: Decision) -> str | None:
    """The code of the rule that rejected a message whole, and every name it carries with it (`_LOST_WHOLE_CODES`);
    None for any other message."""
    if decision.call is not None:
        return None
    for finding in decision.findings:
        if finding.code in _LOST_WHOLE_CODES:
            return finding.code
    return None


def _event_name_codes(decision: Decision) -> list[str]:
    """The codes of a track's findings about its event name: rejected for the name (too long, invalid
    characters) or by the site's limit, or noted (high cardinality)."""
    if not decision.findings:
        return []
    return [
        finding.code for finding in decision.findings if finding.path == "$.event" and finding.code in _EVENT_NAME_CODES
    ]


class Inventory:
    """The attribute and event names of an input, folded event by event (`observe`) and extended by the parts of the
    input that follow (`extend`)."""

    __slots__ = (
        "_count",
        "_count_type",
        "_hold",
        "_kinds",
        "_new_slot",
        "_observe_held",
        "_observe_traits",
        "_stretch",
        "_tally",
        "attributes",
        "day_shift",
        "days",
        "earliest",
        "events",
        "latest",
        "left_out_days",
        "left_out_shift",
        "observe_event",
    )

    def __init__(
        self,
        max_attributes: int,
        max_events: int,
        known_attributes: Iterable[str] = (),
        known_events: Iterable[str] = (),
        bounds: InventoryBounds = BOUNDS,
        decisions_held: int = DECISIONS_HELD,
        tally: Callable[[int, int], Tally] = new_tally,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        """`decisions_held`: how many decisions met before are held (see `observe`); with none, every event is
        looked at in full, which must count the same. `tally` makes what counts (see `hotjar_cli.core.tally`).
        `limits`: the run's, which tell the names held first past the bounds (see `sample_key`)."""
        self.attributes = Names(
            "attribute", max_attributes, known_attributes, bounds.attribute_names, bounds.exact_users, limits
        )
        self.events = Names("event", max_events, known_events, bounds.event_names, bounds.exact_users, limits)
        self.earliest: float | None = None
        """The earliest and latest event time of any event: the span the pace of new names is measured over."""
        self.latest: float | None = None
        self.day_shift = 0
        self.days: dict[int, DayBin] = {}
        """Timed events by day since 1970, in bins of `1 << day_shift` days (see `Tally.days`): where the event times
        of the logs lie, so that the pace of new names is measured where they lie, not over the far-off clocks of a
        few devices (`hotjar_cli.report.site_view.pace_window`)."""
        self.left_out_shift = 0
        self.left_out_days: dict[int, DayBin] = {}
        """The timed messages the filters left out (`offer_only`), binned as `days`: they still take the site's slots,
        so the slots used describe the site up to the latest of them too, which the fill is projected from
        (`hotjar_cli.report.site_view.site_as_of`). Counted apart from `days`, which the pace is measured over."""
        self._tally = tally(bounds.exact_users, decisions_held)
        # Bound once: compiled, a method called on an object not compiled is looked up by name at every call.
        self._observe_held = self._tally.observe_held
        self._observe_traits = self._tally.observe_traits
        self._stretch = self._tally.stretch
        self._count = self._tally.count
        self._count_type = self._tally.count_type
        self._hold = self._tally.hold
        self._new_slot = self._tally.new_slot
        self.observe_event = self._tally.observe_event
        """What the counting loop calls first for each message, `(decision, fields, file, line)`: the decision's kind
        or `COUNTED` when the tally counted it from what it holds (see `Tally.observe_event`), else `NOT_COUNTED`,
        and `observe_message` is to be called."""
        self._kinds: object = None
        self._watch()

    def held_before(self, attributes: Iterable[str], events: Iterable[str]) -> None:
        """The names the site held before this part of an input, `known` ones included: those the parts before it
        gave the site, which a worker seeds its site with. Each was offered in a part before, so this part need not
        remember where it offered them: far fewer sightings are made, sent and merged."""
        self.attributes.before = dict.fromkeys(attributes)
        self.events.before = dict.fromkeys(events)
        self._watch()

    def begin_part(self, number: int, exact_events: bool) -> None:
        """Count the part `number` of an input next, into this inventory, which a worker keeps over the parts it reads
        (in input order, each read once) and hands over once, at the end (see `Names.add_kept`). The counts of a name
        do not depend on the names the site held before a part, but where it offered names and the limit's findings
        do: those go with each part (`end_part`), and the findings are set at the end. `exact_events`: whether the
        event names the part starts with are exactly the site's (see `Names.inexact`). Call `held_before` next."""
        self._tally.number_lines_from(number << PART_BITS)
        for names in (self.attributes, self.events):
            if names.kept_site is None:
                names.kept_site = {}
        self.events.inexact = not exact_events

    def for_kinds(self, kinds: object) -> None:
        """The kinds of decisions the counting loop now numbers them by (see `Tally.hold`): those held by another
        are let go."""
        if kinds is not self._kinds:
            if self._kinds is not None:
                self._tally.forget()
            self._kinds = kinds

    def end_part(self) -> Inventory:
        """An inventory of the part just read holding only the names it offered first (in each kind's `offered`):
        all it sends of its names when its worker keeps their counts (`begin_part`), or when it reads a part a
        second time."""
        part = Inventory(self.attributes.limit, self.events.limit)
        part.attributes, part.events = _offers_of(self.attributes), _offers_of(self.events)
        part._watch()
        return part

    def add_kept(self, kept: list[Inventory], lines_before: list[int]) -> None:
        """The inventories the workers kept (`begin_part`) added to this one, the parts' names: see
        `Names.add_kept`."""
        for inventory in kept:
            inventory.settle()
        self.attributes.add_kept([inventory.attributes for inventory in kept], lines_before)
        self.events.add_kept([inventory.events for inventory in kept], lines_before)
        self._watch()
        times = [self.earliest, self.latest, *(when for each in kept for when in (each.earliest, each.latest))]
        timed = [when for when in times if when is not None]
        self.earliest, self.latest = min(timed, default=None), max(timed, default=None)
        for inventory in kept:
            self._add_days(inventory.day_shift, inventory.days)
            self._add_left_out_days(inventory.left_out_shift, inventory.left_out_days)

    def _add_days(self, shift: int, days: dict[int, DayBin]) -> None:
        """Events by day counted elsewhere added to these (`merged_days`)."""
        if days:
            self.day_shift, self.days = merged_days(self.day_shift, self.days, shift, days)

    def _add_left_out_days(self, shift: int, days: dict[int, DayBin]) -> None:
        """Messages left out by the filters, by day, counted elsewhere added to these (`merged_days`)."""
        if days:
            self.left_out_shift, self.left_out_days = merged_days(self.left_out_shift, self.left_out_days, shift, days)

    def _watch(self) -> None:
        """Tell the tally the attribute names' slots, and whether the site is offered no more names."""
        names = self.attributes
        self._tally.watch_attributes(names.slots, names.full)

    def __reduce__(self) -> tuple[Any, ...]:
        # What the tally holds stays behind: it is settled first, each name as it will be sent (`Names.send`).
        self.settle()
        return _inventory, (
            self.attributes,
            self.events,
            self.earliest,
            self.latest,
            (self.day_shift, self.days),
            (self.left_out_shift, self.left_out_days),
        )

    def settle(self) -> None:
        """Take the times and counts not yet settled in: every name's record, and the span, are then complete.
        Call it when a pass is done. The names' records are made from what was taken only when read (`Names.send`):
        a part of an input is sent as the tally handed it over."""
        tally = self._tally
        span = tally.span()
        if span is not None:
            earliest, latest = seconds(span[0]), seconds(span[1])
            if self.earliest is None or earliest < self.earliest:
                self.earliest = earliest
            if self.latest is None or latest > self.latest:
                self.latest = latest
        self._add_days(*tally.days())
        for kind, names in ((ATTRIBUTES, self.attributes), (EVENTS, self.events)):
            names.occurrences += tally.occurrences(kind)
            if names.slots:  # else nothing was counted here: records sent by another process stay as they came
                names.send(tally, kind)

    def observe_message(
        self,
        file: str,
        line: int,
        index: int | None,
        message: SegmentMessage,
        decision: Decision,
        timestamp: Any,
        fields: tuple[Any, ...] | None = None,
        decision_kind: int = COUNTED,
    ) -> None:
        """`observe` for a message with its `timestamp`, and its `message_fields` when they were read."""
        when = segment_text(timestamp)
        seconds_or_text = event_seconds(message) if when is None else when
        self.observe(file, line, index, message, decision, seconds_or_text, fields, decision_kind)

    def offer_only(self, file: str, line: int, index: int | None, message: SegmentMessage, decision: Decision) -> None:
        """A message a filter leaves out: none of its names is counted, but the site received it, so the names it
        sent are offered to the site (which keeps the first ones), as in `_track` and `_trait`."""
        fields = message_fields(message)
        when = segment_text(fields[TIMESTAMP])
        where = (event_seconds(message) if when is None else when, file, line, index)
        dated = day_of(where[0])
        if dated is not None:
            self._add_left_out_days(0, {dated[0]: dated[1]})
        kind = fields[TYPE]
        if kind == "track":
            name = fields[EVENT]
            found = _event_name_codes(decision)
            if type(name) is str and name and _offers_event(decision, found):
                self.events.offer(name, where)
        elif kind == "identify" and decision.call is not None:
            traits = fields[TRAITS]
            names = self.attributes
            if traits and type(traits) is dict and not names.full:
                codes = trait_codes(traits, decision.findings)
                for name in traits:
                    if _offers_attribute(codes.get(name)):
                        names.offer(name, where)
                if names.full:
                    self._watch()  # the site is full: the tally counts the traits of later identifies

    def observe(
        self,
        file: str,
        line: int,
        index: int | None,
        parsed: Parsed,
        decision: Decision,
        when: str | float | None,
        fields: tuple[Any, ...] | None = None,
        decision_kind: int = COUNTED,
    ) -> None:
        """One decided event at `when`: its `timestamp` when in Segment's form (`eventtime.segment_time`), else
        its time in seconds (`eventtime.event_seconds`), else None. Only calls to Hotjar (and tracks it rejects
        for their name) carry names. `decision_kind`: the decision's kind, when the counting loop found it, held
        with the decision (see `Tally.observe_event`). Call `settle` when done.

        Most events cost a few operations in the tally: the core hands out one shared decision for every track
        under an admitted name (see `Summary`), so a decision met before (held by the tally) tells what the event
        counts for; and an identify whose traits all reach a full site is counted trait by trait there. A time in
        Segment's form is not read: it is compared as text with the latest time met, which it nearly always
        follows, and is then the last of every name it counts under.
        """
        in_order = self._stretch(when)
        if type(parsed) is not SegmentMessage:
            return  # a line holding no message sends no name
        if fields is None:
            fields = message_fields(parsed)
        if self._observe_held(decision, fields, when, file, line, index, in_order):
            return
        kind = fields[TYPE]
        if kind == "track":
            self._track(fields, decision, when, file, line, index, in_order, decision_kind)
        elif kind == "identify" and decision.call is not None:
            traits = fields[TRAITS]
            if traits and type(traits) is dict:
                if decision.call.attributes is None:  # shared by identifies (see `Kinds`)
                    self._tally.hold_identify(decision, decision_kind)
                self._identify(traits, fields, decision, when, file, line, index, in_order)
        elif kind == "identify" and (lost := _lost_whole(decision)) is not None:
            # Not held: an identify with traits and one without may share the decision.
            traits = fields[TRAITS]
            if traits and type(traits) is dict:
                # Each trait counted under its name, its value dropped by that rule, no name offered to the site.
                self.attributes.occurrences += len(traits)
                codes = dict.fromkeys(traits, lost)
                for name, value in traits.items():
                    self._trait(name, value, codes, False, fields, when, file, line, index, in_order)
        elif decision.call is None and not _event_name_codes(decision):
            self._hold(decision, None, -1, (), decision_kind)  # a page, group, alias, identify ignored: no name

    def _slot(self, names: Names, kind: int, name: str, event_name_at_fault: bool = False) -> int:
        """A name's slot in the tally, with its record made when new; -1 outside the sample held.
        `event_name_at_fault`: a rule finds fault with an event name alone (see `sample_key`); an attribute name is
        looked at here, only when its record is to be made."""
        slot = names.slots.get(name)
        if slot is not None:
            return slot
        if name in names.records:  # taken from a later part or unpickled, and met here for the first time since
            slot = names.slots[name] = self._new_slot(kind)
            return slot
        records = names.records
        at_fault = event_name_at_fault if kind == EVENTS else attribute_name_at_fault(name, names.limits)
        record = names.record(name, at_fault)
        if names.records is not records:
            self._let_go(names, kind, records)
        if record is None:
            # Counted apart from the names held, which may be many more than `held_names` (the event names a
            # worker holds for the site, see `Names.kept_site`): were the bound on every name, a worker past it
            # would let go and make its slots again for each new name outside the sample.
            if names.outside >= names.held_names * SLOTS_PER_NAME_HELD:
                kept = {held: slot for held, slot in names.slots.items() if slot >= 0}
                names.slots.clear()  # the same dict: the tally watches the attributes' (`watch_attributes`)
                names.slots.update(kept)
                names.outside = 0
                if kind == ATTRIBUTES:
                    self._watch()  # told again: the names let go have no slot now
            names.slots[name] = -1
            names.outside += 1
            return -1
        slot = names.slots[name] = self._new_slot(kind)
        return slot

    def _let_go(self, names: Names, kind: int, before: dict[str, NameRecord]) -> None:
        """The sample of `names` was trimmed from the records `before`: the names it let go count no more. (A name has
        a slot of its own only while it has a record, so only those of `before` are looked at, not every slot: with
        the names met outside the sample, those are up to five times as many, and logs of a new event name in every
        track trim every 3,000 names.)"""
        self._tally.forget()
        records, slots = names.records, names.slots
        for gone in before:
            if gone not in records:
                slot = slots.get(gone)
                if slot is not None and slot >= 0:
                    self._tally.free_slot(kind, slot)
                    slots[gone] = -1
                    names.outside += 1

    def _track(
        self,
        fields: tuple[Any, ...],
        decision: Decision,
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
        decision_kind: int,
    ) -> None:
        """A track whose decision is met for the first time: counted, then its decision held."""
        name = fields[EVENT]
        if type(name) is not str or not name:
            unnamed = self.events.unnamed
            for finding in decision.findings:
                if finding.path == "$.event":  # missing, empty, or not a string: rejected for that
                    unnamed[finding.code] = unnamed.get(finding.code, 0) + 1
            return
        found = _event_name_codes(decision)
        if decision.call is None and not _rejected_for_name(found):
            lost = _lost_whole(decision)
            if lost is None:
                self._hold(decision, None, -1, (), decision_kind)  # ignored (disabled for Hotjar, from a server)
                return
            found.append(lost)  # lost whole: its name with it
        names = self.events
        names.occurrences += 1
        offered = _offers_event(decision, found)
        if offered:
            names.offer(name, (when, file, line, index))
        # The name's own findings (not the site's limit) are the same for every track under it (`Mapper`).
        slot = self._slot(names, EVENTS, name, any(code != _EVENT_LIMIT_CODE for code in found))
        if slot >= 0:
            self._count(EVENTS, slot, fields, when, file, line, index, in_order)
            record = names.records[name]
            if offered:
                record.offered = True
            for code in found:
                record.dropped[code] = record.dropped.get(code, 0) + 1
        # Later tracks with this decision are under the same name, with the same findings: the name is offered
        # already (or the site was full, or knew it), so they only count. A name too long to be remembered
        # (`NAME_LENGTH_REMEMBERED`, or the run's limit) is met in a new decision each time: holding one would only
        # keep its name alive.
        if len(name) <= max(NAME_LENGTH_REMEMBERED, names.limits.max_event_name_length):
            self._hold(decision, name, slot, tuple(found), decision_kind)

    def _identify(
        self,
        traits: dict[str, Any],
        fields: tuple[Any, ...],
        decision: Decision,
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> None:
        """An identify sending attributes: each trait counted under its name."""
        names, findings = self.attributes, decision.findings
        if names.full:
            # The site is offered no more names: the tally counts each trait whose name has a slot.
            unknown = self._observe_traits(traits, names.slots, findings, fields, when, file, line, index, in_order)
            if unknown:
                codes = trait_codes(traits, findings)
                for name in unknown:
                    self._trait(name, traits[name], codes, False, fields, when, file, line, index, in_order)
            return
        codes = trait_codes(traits, findings)
        names.occurrences += len(traits)
        for name, value in traits.items():
            self._trait(name, value, codes, True, fields, when, file, line, index, in_order)
        if names.full:
            self._watch()  # the site is full: the tally counts the traits of later identifies

    def _trait(
        self,
        name: str,
        value: Any,
        codes: dict[str, str],
        offering: bool,
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> None:
        """One trait of an identify, its name offered to the site when `offering` and no other rule dropped it."""
        names = self.attributes
        code = codes.get(name)
        offered = _offers_attribute(code)
        if offered and offering:
            names.offer(name, (when, file, line, index))
        slot = self._slot(names, ATTRIBUTES, name)
        if slot < 0:
            return
        self._count(ATTRIBUTES, slot, fields, when, file, line, index, in_order)
        self._count_type(slot, value)
        record = names.records[name]
        if offered:
            record.offered = True
        if code is not None:
            record.dropped[code] = record.dropped.get(code, 0) + 1

    def extend(self, later_part: Inventory) -> None:
        """This input's names followed by `later_part`'s, in place (see `Summary.extend`)."""
        self.settle()
        later_part.settle()
        for kind, names, later_names in (
            (ATTRIBUTES, self.attributes, later_part.attributes),
            (EVENTS, self.events, later_part.events),
        ):
            records = names.records
            names.extend(later_names)
            if names.records is not records:
                self._let_go(names, kind, records)
        self.earliest = min(
            (value for value in (self.earliest, later_part.earliest) if value is not None), default=None
        )
        self.latest = max((value for value in (self.latest, later_part.latest) if value is not None), default=None)
        self._add_days(later_part.day_shift, later_part.days)
        self._add_left_out_days(later_part.left_out_shift, later_part.left_out_days)

    def shift(self, lines: int) -> None:
        """Every sighting moved on by `lines`, in place: a part of a file read on its own."""
        self.settle()
        self.attributes.shift(lines)
        self.events.shift(lines)


def _offers_of(names: Names) -> Names:
    """The names a part offered first, moved out of `names` (see `Inventory.end_part`)."""
    sent = Names(names.kind, names.limit, (), names.held_names, names.exact_users, names.limits)
    sent.known, sent.before, sent.offered = names.known, names.before, names.offered
    if names.kept_site is not None:
        names.kept_site.update(dict.fromkeys(names.offered))
    names.offered = {}
    return sent


def _inventory(
    attributes: Names,
    events: Names,
    earliest: float | None,
    latest: float | None,
    days: tuple[int, dict[int, DayBin]],
    left_out_days: tuple[int, dict[int, DayBin]],
) -> Inventory:
    """An inventory of these names, holding nothing by identity: unpickled (see `Names.__reduce__`). A name is given
    a slot in its tally when it is next met (see `_slot`)."""
    inventory = Inventory(attributes.limit, events.limit)
    inventory.attributes, inventory.events = attributes, events
    inventory._watch()
    inventory.earliest, inventory.latest = earliest, latest
    inventory.day_shift, inventory.days = days
    inventory.left_out_shift, inventory.left_out_days = left_out_days
    return inventory


def sighting_record(seen: Seen | None) -> dict[str, Any] | None:
    """`{"time", "file", "line"}`, and `"index"` for an item of a batch, for a sighting as the inventory's JSON writes
    it; `time` is null when unreadable."""
    if seen is None:
        return None
    when, file, line, index = seen
    if index is None:
        return {"time": iso(when), "file": file, "line": line}
    return {"time": iso(when), "file": file, "line": line, "index": index}


def name_row(name: str, record: NameRecord, fate: str, slot: int | None, attribute: bool) -> dict[str, Any]:
    """One name's row as the inventory's JSON writes it (see `hotjar_cli.report.site_view`), from what the logs say
    of it: `name` as the report shows it, masked or not; `attribute`, whether the names are attributes rather than
    events. Made here, compiled: a site near its limit of event names has over 10,000 rows, and made in Python the
    11,500 rows of the 300 MB short benchmark cost 56 million instructions more (221 million against 165 for the
    whole inventory record)."""
    messages = record.messages
    users = record.users
    counted = users.count()
    if counted > messages:
        counted = messages  # an estimate is held to what is known: never more users than messages
    row: dict[str, Any] = {
        "name": name,
        "fate": fate,
        "slot": slot,
        "messages": messages,
        "users": counted,
        "users_estimated": users.estimated,
        "first_seen": sighting_record(record.first),
        "last_seen": sighting_record(record.last),
    }
    if attribute:
        row["types"] = _in_key_order(record.types)
        row["dropped"] = _in_key_order(record.dropped)
    else:
        row["findings"] = _in_key_order(record.dropped)
        row["family"] = None  # the report's families name it (see `hotjar_cli.report.families.families_record`)
    return row


def _in_key_order(counts: dict[str, int]) -> dict[str, int]:
    """A name's counts by rule code or type, in key order, as a dict of the row's own. Nearly every name has none or
    one: those are copied without a sort."""
    return dict(sorted(counts.items())) if len(counts) > 1 else counts.copy()
