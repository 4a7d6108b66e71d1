"""The inventory's counting, event by event: what it counts under each name between two settles.

`Inventory` (see `hotjar_cli.core.inventory`) decides which names an event counts under, and keeps each name's
settled record; a `Tally` does the counting that every event pays for: the messages under a name, its first and
last sighting, its distinct users, the JavaScript types of an attribute's values, and the decisions met before.
Each name has a slot here (`new_slot`); `take` hands a slot's counts to its record and empties it.

Two implementations keep one behaviour: the C one in `hotjar_cli/core/tally_native.c`, built at install beside the
compiled core (`hatch_build.py`), where counting an event makes no Python object and touches a few lines of
memory; and `PythonTally` below, the reference, used when nothing was compiled. `tests/core/test_tally.py` holds
them equal.

The counting follows the inventory's rules (see its module): a sighting is the last of a name when its time is at
or after the latest met (`in_order`); otherwise it is compared (`before`), a timed sighting before any untimed one,
ties keeping the first and taking the last. Distinct users are counted as `DistinctUsers` counts them: a set of
`user_hash`es up to a bound, then a HyperLogLog sketch; `take` hands them over as one, to be merged.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final, Protocol

from hotjar_cli.core.decode import ANONYMOUS_ID, EVENT, TIMESTAMP, TRAITS, TYPE, USER_ID
from hotjar_cli.core.eventtime import is_segment_time, iso_date_text, text_seconds
from hotjar_cli.core.mapping import trait_name_of, user_key_of
from hotjar_cli.core.model import Decision, Finding
from hotjar_cli.core.rules import ATTRIBUTE_LIMIT_EXCEEDED
from hotjar_cli.core.sketch import DistinctUsers, packed_users, user_hash

ATTRIBUTES: Final = 0
EVENTS: Final = 1
"""The kinds of names, as a `Tally` numbers them."""

COUNTED: Final = -1
NOT_COUNTED: Final = -2
"""What `Tally.observe_event` answers when it does not answer a decision's kind: it counted the event, or it did not
(the inventory is then to look at it)."""

DAY_BINS: Final = 16_384
"""Timed events are counted by day (`Tally.days`) in at most this many bins (45 years of days, about 3 MB at most):
past it, each bin holds twice as many days, so that far-off clocks spread over centuries are held in bounded memory,
the same for any split of the input (`merged_days`)."""
DAY_SECONDS: Final = 86400

USERS_REMEMBERED: Final = 65_536
"""Users whose hashes `PythonTally` remembers: a user's events tend to come together."""

JS_TYPES: Final = ("string", "date", "boolean", "number", "null", "object", "array", "value")
"""The JavaScript types an attribute value can have in the browser, as `js_type_number` numbers them."""

Where = tuple[Any, str, int, "int | None"]
"""A sighting as a `Tally` holds it: the time as the inventory received it, file, line, index."""
Taken = tuple[int, list[int] | None, Where | None, Where | None, bytes | bytearray | None, bool, dict[str, int]]
"""A slot's counts (`Tally.take`): messages, values by JavaScript type (None when none was typed: an event name's),
first and last sighting (their times in seconds, `seconds`), distinct users (their hashes packed, `packed_users`,
or past the exact bound the sketch's registers: see `DistinctUsers`), whether a value under it was offered to the
site, and findings by rule code."""


def seconds(when: Any) -> Any:
    """A time as the inventory receives it (text in Segment's form, seconds, or None) in seconds."""
    return text_seconds(when) if isinstance(when, str) else when


DayBin = tuple[int, float, float]
"""The timed events of a bin of days (see `Tally.days`): how many, and the earliest and latest of their times in
seconds, so that a span of bins is measured from its first event time to its last, not from the bins' edges."""


def day_of(when: Any) -> tuple[int, DayBin] | None:
    """The day since 1970 (UTC) of a time as the inventory receives it, with the bin of that one event; None past the
    years a date holds. The time is read once, for both."""
    value = seconds(when)
    if value is None or not -1e15 < value < 1e15:
        return None
    day: int = math.floor(value / DAY_SECONDS)
    return day, (1, float(value), float(value))


def merged_days(
    shift: int, days: dict[int, DayBin], other_shift: int, other: dict[int, DayBin]
) -> tuple[int, dict[int, DayBin]]:
    """Events by day (see `Tally.days`) added up, in place when `days` is as wide: in the wider bins of the two, each
    then twice as wide while there are more than `DAY_BINS`. The bins end the same for any split of the input: as
    wide as the fewest that hold every day met, past that bound."""
    if other_shift > shift:
        shift, days, other_shift, other = other_shift, other, shift, days
        days = dict(days)
    step = shift - other_shift
    for day, day_bin in other.items():
        _add_to_bin(days, day >> step, day_bin)
    while len(days) > DAY_BINS:
        wider: dict[int, DayBin] = {}
        for day, day_bin in days.items():
            _add_to_bin(wider, day >> 1, day_bin)
        days, shift = wider, shift + 1
    return shift, days


def _add_to_bin(days: dict[int, DayBin], key: int, day_bin: DayBin) -> None:
    """A bin's events added to the bin `key` of `days`."""
    held = days.get(key)
    if held is None:
        days[key] = day_bin
    else:
        days[key] = (held[0] + day_bin[0], min(held[1], day_bin[1]), max(held[2], day_bin[2]))


def _in_seconds(where: Where | None) -> Where | None:
    """A sighting handed over (`Tally.take`): its time in seconds."""
    return None if where is None else (seconds(where[0]), where[1], where[2], where[3])


def before(when: Any, other: Any) -> bool:
    """Whether a time is before another (neither None): two times in Segment's form and of one length are
    compared as text (see `hotjar_cli.core.eventtime.segment_time`), any other two in seconds."""
    if isinstance(when, str) and isinstance(other, str) and len(when) == len(other):
        return when < other
    return bool(seconds(when) < seconds(other))


def js_type_number(value: Any) -> int:
    """The JavaScript type an attribute value has in the browser, by its place in `JS_TYPES`: strings Segment's
    integration turns into `Date`s (`@segment/isodate`'s, see `iso_date_text`) are `date`s."""
    if isinstance(value, str):
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


def trait_codes(traits: dict[str, Any], findings: tuple[Finding, ...]) -> dict[str, str]:
    """The code of the finding that dropped each trait of an identify, by the trait's name."""
    codes: dict[str, str] = {}
    for finding in findings:
        path = finding.path
        if path.startswith("$.traits"):
            name = trait_name_of(path)
            if name is not None and name in traits:
                codes[name] = finding.code
    return codes


def user_of(fields: tuple[Any, ...]) -> str | None:
    """The user a message (its `message_fields`) counts for: its `userId`, else its `anonymousId`, as Hotjar's
    integration reads them."""
    user = fields[USER_ID]
    if type(user) is str and user:
        return user
    return user_key_of(user, fields[ANONYMOUS_ID])


class Tally(Protocol):
    """What the inventory counts with (see the module's docstring)."""

    def new_slot(self, kind: int) -> int:
        """A slot for a new name of a kind, empty."""

    def free_slot(self, kind: int, slot: int) -> None:
        """A slot whose name is no longer held: emptied, and given to a later name."""

    def hold(self, decision: object, name: str | None, slot: int, codes: tuple[str, ...], decision_kind: int) -> None:
        """Remember what a decision counts for: the event name its tracks carry (None: it sends no name) and that
        name's slot (-1: outside the sample held), the codes of its findings about the name, and the kind the
        counting loop gave it (`hotjar_cli.core.kinds`; `COUNTED` when not known). Past `held` decisions, every one is
        let go first."""

    def hold_identify(self, decision: Decision, decision_kind: int) -> None:
        """Remember a decision that identifies share (one sending attributes, with no attribute of its own, see
        `Kinds`), with its findings and the kind the counting loop gave it: `observe_event` then counts their traits
        without reading the decision. Held as `hold` holds."""

    def forget(self) -> None:
        """Let every decision held go."""

    def number_lines_from(self, base: int) -> None:
        """Add `base` to the line of every sighting from here on (0 at first): a worker that counts several parts of an
        input in one tally numbers each part's lines apart (see `Inventory.begin_part`)."""

    def observe_held(
        self,
        decision: object,
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> bool:
        """An event whose decision is held, counted as it was: True, or False when its decision is not held or it
        is a track under another name (the inventory looks at it in full)."""

    def observe_traits(
        self,
        traits: dict[str, Any],
        slots: dict[str, int],
        findings: tuple[Finding, ...],
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> list[str] | None:
        """An identify sending attributes to a site that is offered no name now: each trait whose name has a slot
        in `slots` counted (a slot of -1: outside the sample held), with the code of the decision's finding that
        dropped it (`trait_codes`), and as offered unless that finding was another than the site's limit. The
        names without a slot, for the inventory to look at, or None."""

    def count(
        self,
        kind: int,
        slot: int,
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> None:
        """One message (or value) under the name in a slot."""

    def count_type(self, slot: int, value: Any) -> None:
        """An attribute's value, by JavaScript type."""

    def occurrences(self, kind: int) -> int:
        """Messages (or values) counted under any name of a kind since the last `take_occurrences`, and none again."""

    def used(self, kind: int) -> list[int]:
        """The slots of a kind with anything counted since they were last taken (`take`), by number, in order."""

    def take(self, kind: int, slot: int) -> Taken | None:
        """A slot's counts since it was last taken (None when it has none), its times in seconds, and the slot
        emptied."""

    def stretch(self, when: Any) -> bool:
        """The span of event times since the last `span`, stretched to a time (None leaves it): True when the time
        is the latest met and in order with it (both texts of one length, see `before`), as nearly every time is."""

    def span(self) -> tuple[Any, Any] | None:
        """The earliest and latest time met since the last `span` (None: none), and the span emptied."""

    def days(self) -> tuple[int, dict[int, DayBin]]:
        """The times `stretch` met since the last `days`, by day since 1970 (UTC, `day_of`), in bins of `1 << shift`
        days as `(shift, {bin: (events, earliest, latest)})` (see `DAY_BINS`, `DayBin`), and emptied."""

    def watch_attributes(self, slots: dict[str, int], full: bool) -> None:
        """The slots of the attribute names (see `observe_traits`), and whether the site is offered no name now:
        `observe_event` counts an identify's traits only then. Names may be added to `slots` afterwards; a name it
        holds changes slot only once told again, after `forget`, or with its slot freed (`free_slot`): a tally may
        remember what `slots` said of the names it met."""

    def observe_event(self, decision: Decision, fields: tuple[Any, ...], file: str, line: int) -> int:
        """An event of the counting loop (a message of a line of `file`, no batch), counted when what is held
        tells what it counts for: its time is a text in Segment's form (`is_segment_time`), and its decision is
        held and it matches it (`observe_held`), or it is an identify sending attributes to a site offered no name
        now whose every trait has a slot (`observe_traits`); its time then stretches the span. Counted, the answer
        is the decision's kind as held (the loop then need not find it), else `COUNTED`. `NOT_COUNTED`: nothing was
        counted or stretched, and the inventory looks at it (`Inventory.observe`). The answer is given at once; the
        counting may wait for the next events (the C tally counts them a few dozen at a time), but every other method
        finds it done."""


class _Slot:
    __slots__ = ("dropped", "first", "last", "messages", "offered", "types", "users")

    def __init__(self, exact_users: int) -> None:
        self.messages = 0
        self.types = [0] * len(JS_TYPES)
        self.first: Where | None = None
        self.last: Where | None = None
        self.users = DistinctUsers(exact_users)
        self.offered = False
        self.dropped: dict[str, int] = {}


class PythonTally:
    """A `Tally` in Python: the reference the C one is held equal to."""

    def __init__(self, exact_users: int, held: int, still_offered: str) -> None:
        """`still_offered`: the code of the one finding that drops a value and still offers its name to the site
        (its limit). The C tally takes the core's own functions for what it does not read itself (rare times, odd
        users, a finding met for the first time, a time in a minute not met just before): `before`, `user_key_of`,
        `trait_name_of` and `is_segment_time`, which this one calls directly; it reads dates as `iso_date_text`
        does."""
        self._still_offered = still_offered
        self._exact_users = exact_users
        self._held = held
        self._slots: tuple[list[_Slot | None], list[_Slot | None]] = ([], [])
        self._free: tuple[list[int], list[int]] = ([], [])
        self._decisions: dict[int, tuple[object, str | None, int, tuple[Any, ...], int, bool]] = {}
        """By identity: the decision, its name, slot, codes (an identify's: findings), kind, and whether identifies
        share it."""
        self._occurrences = [0, 0]
        self._hashes: dict[str, int] = {}
        self._earliest: Any = None
        self._latest: Any = None
        self._day_shift = 0
        self._days: dict[int, DayBin] = {}
        self._attribute_slots: dict[str, int] | None = None
        self._attributes_full = False
        self._line_base = 0

    def new_slot(self, kind: int) -> int:
        free = self._free[kind]
        if free:
            return free.pop()
        self._slots[kind].append(None)
        return len(self._slots[kind]) - 1

    def free_slot(self, kind: int, slot: int) -> None:
        self._slots[kind][slot] = None
        self._free[kind].append(slot)

    def hold(self, decision: object, name: str | None, slot: int, codes: tuple[str, ...], decision_kind: int) -> None:
        self._hold(decision, (decision, name, slot, codes, decision_kind, False))

    def hold_identify(self, decision: Decision, decision_kind: int) -> None:
        self._hold(decision, (decision, None, -1, decision.findings, decision_kind, True))

    def _hold(self, decision: object, held: tuple[object, str | None, int, tuple[Any, ...], int, bool]) -> None:
        if len(self._decisions) >= self._held:
            self._decisions.clear()
            if not self._held:
                return
        self._decisions[id(decision)] = held

    def forget(self) -> None:
        self._decisions.clear()

    def number_lines_from(self, base: int) -> None:
        self._line_base = base

    def observe_held(
        self,
        decision: object,
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> bool:
        held = self._decisions.get(id(decision))
        if held is None or held[5]:
            return False
        _, name, slot, codes, _, _ = held
        if name is None:
            return True
        event = fields[EVENT]
        if type(event) is not str or event != name:
            return False
        self._occurrences[EVENTS] += 1
        if slot < 0:
            return True
        self.count(EVENTS, slot, fields, when, file, line, index, in_order)
        if codes:
            dropped = self._slot(EVENTS, slot).dropped
            for code in codes:
                dropped[code] = dropped.get(code, 0) + 1
        return True

    def observe_traits(
        self,
        traits: dict[str, Any],
        slots: dict[str, int],
        findings: tuple[Finding, ...],
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> list[str] | None:
        codes = trait_codes(traits, findings)
        self._occurrences[ATTRIBUTES] += len(traits)
        unknown: list[str] | None = None
        for name, value in traits.items():
            slot = slots.get(name)
            if slot is None:
                if unknown is None:
                    unknown = []
                unknown.append(name)
                continue
            if slot < 0:
                continue
            self.count(ATTRIBUTES, slot, fields, when, file, line, index, in_order)
            self.count_type(slot, value)
            counts = self._slot(ATTRIBUTES, slot)
            code = codes.get(name)
            if code is not None:
                counts.dropped[code] = counts.dropped.get(code, 0) + 1
            if code is None or code == self._still_offered:
                counts.offered = True
        return unknown

    def count(
        self,
        kind: int,
        slot: int,
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> None:
        counts = self._slot(kind, slot)
        counts.messages += 1
        where = (when, file, self._line_base + line, index)
        last = counts.last
        if in_order and last is not None and last[0] is not None:
            counts.last = where
        else:
            _sight(counts, where)
        user = user_of(fields)
        if user is not None:
            counts.users.add(self._user_hash(user))

    def _user_hash(self, user: str) -> int:
        """`user_hash`, remembered for the users met lately: in Python, hashing an id byte by byte is slow."""
        hashes = self._hashes
        hashed = hashes.get(user)
        if hashed is None:
            if len(hashes) >= USERS_REMEMBERED:
                hashes.clear()
            hashed = hashes[user] = user_hash(user)
        return hashed

    def count_type(self, slot: int, value: Any) -> None:
        self._slot(ATTRIBUTES, slot).types[js_type_number(value)] += 1

    def occurrences(self, kind: int) -> int:
        counted, self._occurrences[kind] = self._occurrences[kind], 0
        return counted

    def used(self, kind: int) -> list[int]:
        return [number for number, counts in enumerate(self._slots[kind]) if counts is not None]

    def take(self, kind: int, slot: int) -> Taken | None:
        counts = self._slots[kind][slot]
        if counts is None:
            return None
        self._slots[kind][slot] = None
        hashes = counts.users.hashes()
        users = packed_users(hashes) if hashes else counts.users.registers
        first, last = _in_seconds(counts.first), _in_seconds(counts.last)
        types = counts.types if any(counts.types) else None
        return counts.messages, types, first, last, users, counts.offered, counts.dropped

    def stretch(self, when: Any) -> bool:
        if when is None:
            return False
        dated = day_of(when)
        if dated is not None:
            _add_to_bin(self._days, dated[0] >> self._day_shift, dated[1])
            if len(self._days) > DAY_BINS:
                self._day_shift, self._days = merged_days(self._day_shift, self._days, self._day_shift, {})
        earliest, latest = self._earliest, self._latest
        if type(when) is str and type(latest) is str and len(when) == len(latest) and when >= latest:
            self._latest = when
            return True
        if earliest is None or latest is None:
            self._earliest = self._latest = when
        elif before(when, earliest):
            self._earliest = when
        elif before(latest, when):
            self._latest = when
        return False

    def span(self) -> tuple[Any, Any] | None:
        earliest, latest = self._earliest, self._latest
        if earliest is None:
            return None
        self._earliest = self._latest = None
        return earliest, latest

    def days(self) -> tuple[int, dict[int, DayBin]]:
        taken = self._day_shift, self._days
        self._day_shift, self._days = 0, {}
        return taken

    def watch_attributes(self, slots: dict[str, int], full: bool) -> None:
        self._attribute_slots, self._attributes_full = slots, full

    def observe_event(self, decision: Decision, fields: tuple[Any, ...], file: str, line: int) -> int:
        when = fields[TIMESTAMP]
        if type(when) is not str or not is_segment_time(when):
            return NOT_COUNTED
        held = self._decisions.get(id(decision))
        if held is not None and not held[5]:
            name = held[1]
            event = fields[EVENT]
            if name is not None and (type(event) is not str or event != name):
                return NOT_COUNTED
            self.observe_held(decision, fields, when, file, line, None, self.stretch(when))
            return held[4]
        slots, traits = self._attribute_slots, fields[TRAITS]
        if not self._attributes_full or slots is None or type(traits) is not dict or not traits:
            return NOT_COUNTED
        if fields[TYPE] != "identify" or (held is None and decision.call is None):
            return NOT_COUNTED
        if any(name not in slots for name in traits):
            return NOT_COUNTED
        findings = held[3] if held is not None else decision.findings
        self.observe_traits(traits, slots, findings, fields, when, file, line, None, self.stretch(when))
        return held[4] if held is not None else COUNTED

    def _slot(self, kind: int, slot: int) -> _Slot:
        counts = self._slots[kind][slot]
        if counts is None:
            counts = self._slots[kind][slot] = _Slot(self._exact_users)
        return counts


def _sight(counts: _Slot, where: Where) -> None:
    """A sighting compared with a slot's first and last: a timed sighting before any untimed one, ties keeping the
    first and taking the last."""
    first, last = counts.first, counts.last
    if first is None or last is None:
        counts.first = counts.last = where
        return
    when, last_when = where[0], last[0]
    if type(when) is str and type(last_when) is str and len(when) == len(last_when) and when >= last_when:
        counts.last = where
        return
    if when is None:
        if last_when is None:
            counts.last = where
        return
    if first[0] is None or before(when, first[0]):
        counts.first = where
    if last_when is None or not before(when, last_when):
        counts.last = where


_native: Callable[..., Tally] | None
try:  # built at install with the compiled core; not when the core runs from its sources (`hotjar_cli.compiled`)
    from hotjar_cli.core import tally_native  # named from its package: a module in C has no imports to follow

    _native = tally_native.NativeTally
except ImportError:
    _native = None


def new_tally(exact_users: int, held: int) -> Tally:
    """A tally counting distinct users exactly up to `exact_users` and holding up to `held` decisions: the C one
    when it was built, else `PythonTally`."""
    if _native is not None:
        return c_tally(_native, exact_users, held)
    return PythonTally(exact_users, held, ATTRIBUTE_LIMIT_EXCEEDED.code)


def c_tally(made: Callable[..., Tally], exact_users: int, held: int) -> Tally:
    """A C tally made by `made` (`tally_native.NativeTally`), given the functions of the core it asks."""
    return made(
        exact_users,
        held,
        ATTRIBUTE_LIMIT_EXCEEDED.code,
        before,
        user_key_of,
        trait_name_of,
        is_segment_time,
        seconds,
    )
