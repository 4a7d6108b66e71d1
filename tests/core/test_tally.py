"""The C tally counts as the Python one does: the same operations, the same counts, bit for bit."""

from __future__ import annotations

import copy
import math
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hotjar_cli.core import tally as tally_module
from hotjar_cli.core.eventtime import is_segment_time, text_seconds
from hotjar_cli.core.inventory import InventoryBounds, js_type
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import json_path
from hotjar_cli.core.model import Decision, Finding, HotjarCall, Outcome
from hotjar_cli.core.rules import ATTRIBUTE_LIMIT_EXCEEDED
from hotjar_cli.core.sketch import packed_users, plain_user_hash, unpacked_users
from hotjar_cli.core.tally import (
    ATTRIBUTES,
    COUNTED,
    DAY_BINS,
    EVENTS,
    NOT_COUNTED,
    DayBin,
    PythonTally,
    Tally,
    merged_days,
    seconds,
    user_of,
)
from tests.core.test_inventory import LOGS, inventory_state, odd_log
from tests.support.isodate import DATE_STRINGS, segment_makes_dates

LIMIT_CODE = ATTRIBUTE_LIMIT_EXCEEDED.code


@pytest.fixture(scope="session")
def native(tally_native: ModuleType) -> Callable[[int, int], Tally]:
    """The C tally (see `tally_native`)."""

    def make(exact_users: int, held: int) -> Tally:
        return tally_module.c_tally(tally_native.NativeTally, exact_users, held)

    return make


def python(exact_users: int, held: int) -> Tally:
    return PythonTally(exact_users, held, LIMIT_CODE)


LOGS_HERE = {
    **LOGS,
    "tiny-bounds": (odd_log(3000, 5), Limits(max_attributes=3), InventoryBounds(attribute_names=4, exact_users=0)),
}


@pytest.mark.parametrize(("text", "limits", "bounds"), LOGS_HERE.values(), ids=LOGS_HERE.keys())
@pytest.mark.parametrize("decisions_held", [4096, 3, 0])
def test_an_inventory_counted_in_c_is_the_one_counted_in_python(
    native: Callable[[int, int], Tally], text: str, limits: Limits, bounds: InventoryBounds, decisions_held: int
) -> None:
    in_python = inventory_state(text, limits, bounds, decisions_held=decisions_held, tally=python)
    for counting_loop in (False, True):
        in_c = inventory_state(
            text, limits, bounds, decisions_held=decisions_held, tally=native, counting_loop=counting_loop
        )
        assert in_c == in_python


USERS: list[Any] = ["u1", "u2", "", "usr_\u00e9t\u00e9", "\u2603", "\ud800lone", "a" * 300, 7, 0, True, None, 1.5]
WHENS: list[Any] = [  # as the inventory gives them: texts in Segment's form, seconds, or None
    "2024-03-01T10:00:00.000Z",
    "2024-03-01T10:00:01.000Z",
    "2024-03-01T09:59:59.000Z",
    "2024-03-01T10:00:00Z",
    "2024-03-01T10:00:00.5Z",
    "2024-03-01T10:00:00.123456789123456789123456Z",
    1709287200.0,
    1709287199.5,
    "2024-03-02T00:00:00.000Z",  # and other days, counted by day (`days`)
    "1969-12-31T23:59:59.999Z",
    -1.5,
    86399.99999999999,
    1e16,  # past the years a date holds: in no day
    None,
]
TIMESTAMPS: list[Any] = [  # as messages carry them: Segment's form (in a few minutes) or not
    *WHENS[:6],
    "2024-03-01T10:01:00.250Z",
    "2024-03-01T10:00:59.99Z",
    "2024-03-01T10:00:60.000Z",
    "2024-03-01T10:00:0x.000Z",
    "2024-03-01T10:00:00.1a3Z",
    "2024-03-01T10:00:00.Z",
    "2024-03-01T10:00:00.0000Z",
    "2024-02-30T10:00:00.000Z",
    "2024-03-01T10:00:00.000+01:00",
    "2024-03-01T10:00:00.00\u0661Z",
    1709287200.0,
    None,
]
NAMES = ["plan", "Order Completed", "Order Complete", "Order Completes", "é", "name", "x" * 70, 'say "hi"', "a\\b"]
NAMES += ["y" * 28, "y" * 29, "y" * 27 + "z", "\u00e9" * 3]
"""Names a held decision keeps the characters of and names it does not (past 28, past ASCII), and names of one
length that differ in one character."""
VALUES: list[Any] = [
    "plain",
    "2024-03-01",
    "2024-03-01T10:00:00Z",
    "2024-03-01T10:00:00,5Z",
    "2024-03-01T1000",
    "2024-03-01T10:00+01",
    "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661",
    "2024-0x-01",
    "2024-03-01\u00e9\u00e9",
    "short",
    True,
    False,
    3,
    2.5,
    2**70,
    None,
    {"a": 1},
    [1],
    ("t",),
]


FINDINGS = [  # shared, as the core shares them, and each made afresh
    *(Finding(code, json_path("$.traits", name)) for code in ("HJ201", LIMIT_CODE) for name in NAMES),
    Finding("HJ106", "$.userId"),
    Finding("HJ201", "$.traits"),
    Finding("HJ201", "$.traits.address.city"),
]


def fields_of(
    user: Any, anonymous: Any, event: Any = None, timestamp: Any = None, kind: Any = None, traits: Any = None
) -> tuple[Any, ...]:
    fields: list[Any] = [None] * 13
    fields[0], fields[6], fields[7], fields[8], fields[9], fields[10] = anonymous, timestamp, kind, user, event, traits
    return tuple(fields)


def play(make: Callable[[int, int], Tally], seed: int, exact_users: int, held: int) -> list[Any]:
    """A random run of every operation; what each returned, and every slot taken at the end."""
    rng = random.Random(seed)
    tally = make(exact_users, held)
    slots: tuple[list[int], list[int]] = ([], [])
    names = NAMES
    decisions = [
        Decision(
            Outcome.ACCEPTED,
            rng.choice([None, HotjarCall("identify")]),
            tuple(rng.choice(FINDINGS) for _ in range(rng.randint(0, 3))),
        )
        for _ in range(12)
    ]
    said: list[Any] = []
    watched: dict[str, int] = {}
    watched_full = False
    for _ in range(4000):
        step = rng.random()
        kind = rng.choice((ATTRIBUTES, EVENTS))
        when, in_order = rng.choice(WHENS), rng.random() < 0.5
        traits = {name: rng.choice(VALUES) for name in rng.sample(names, rng.randint(0, len(names)))}
        fields = fields_of(
            rng.choice(USERS),
            rng.choice(USERS),
            rng.choice([*names, 3, None]),
            rng.choice(TIMESTAMPS),
            rng.choice(["identify", "track", "page", 3]),
            rng.choice([traits, traits, None, [1]]),
        )
        where = (when, rng.choice(["a.jsonl", "b.jsonl"]), rng.randint(1, 10**7), rng.choice([None, 0, 5]))
        if step < 0.05 or not slots[kind]:
            slots[kind].append(tally.new_slot(kind))
            said.append(("new", kind, slots[kind][-1]))
        elif step < 0.07:
            slot = slots[kind].pop(rng.randrange(len(slots[kind])))
            said.append(("take", kind, slot, tally.take(kind, slot)))
            tally.free_slot(kind, slot)
        elif step < 0.13:
            slot = rng.choice([*slots[EVENTS], -1]) if slots[EVENTS] else -1
            codes = tuple(rng.sample(["HJ302", "HJ304", "HJ305"], rng.randint(0, 2)))
            if rng.random() < 0.2:
                tally.hold_identify(rng.choice(decisions), rng.randint(COUNTED, 40))
            else:
                tally.hold(rng.choice(decisions), rng.choice([*names, None]), slot, codes, rng.randint(COUNTED, 40))
        elif step < 0.135:
            tally.forget()
        elif step < 0.14:
            tally.number_lines_from(rng.choice([0, 3, 1 << 40, 7 << 40]))
        elif step < 0.35:
            said.append(("held", tally.observe_held(rng.choice(decisions), fields, *where, in_order)))
        elif step < 0.47:
            given = {name: rng.choice([*slots[ATTRIBUTES], -1]) for name in names if rng.random() < 0.7}
            found = [rng.choice(FINDINGS) for _ in range(rng.randint(0, 4))]
            unknown = tally.observe_traits(traits, given, tuple(found), fields, *where, in_order)
            said.append(("traits", unknown))
            if rng.random() < 0.3:  # and a finding made afresh, as the core makes most findings about a user
                tally.observe_traits(
                    traits, given, (Finding(LIMIT_CODE, json_path("$.traits", "plan")),), fields, *where, in_order
                )
        elif step < 0.62:
            said.append(("event", tally.observe_event(rng.choice(decisions), fields, *where[1:3])))
        elif step < 0.66:
            said.append(("stretch", tally.stretch(when)))
        elif step < 0.67:
            said.append(("span", tally.span()))
            if rng.random() < 0.5:
                said.append(("days", tally.days()))
        elif step < 0.68:
            watched = {name: rng.choice([*slots[ATTRIBUTES], -1]) for name in names if rng.random() < 0.8}
            watched_full = rng.random() < 0.7
            tally.watch_attributes(watched, watched_full)
        elif step < 0.69:  # the slots watched changed in place, as the inventory changes them (see `watch_attributes`)
            name = rng.choice(names)
            held_already = name in watched
            watched[name] = rng.choice([*slots[ATTRIBUTES], -1])
            if held_already and rng.random() < 0.5:
                tally.forget()
            elif held_already:
                tally.watch_attributes(watched, watched_full)
        elif step < 0.9:
            tally.count(kind, rng.choice(slots[kind]), fields, *where, in_order)
        elif slots[ATTRIBUTES]:
            tally.count_type(rng.choice(slots[ATTRIBUTES]), rng.choice(VALUES))
        if rng.random() < 0.02:
            said.append(("occurrences", kind, tally.occurrences(kind)))
    for kind in (ATTRIBUTES, EVENTS):
        said.append(("end", kind, tally.occurrences(kind), [tally.take(kind, slot) for slot in slots[kind]]))
    said.append(("span", tally.span()))
    said.append(("days", tally.days()))
    return said


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("exact_users", "held"), [(64, 16), (2, 3), (0, 0)])
def test_every_operation_of_the_c_tally_answers_as_the_python_one(
    native: Callable[[int, int], Tally], seed: int, exact_users: int, held: int
) -> None:
    assert play(native, seed, exact_users, held) == play(python, seed, exact_users, held)


def runs_of_events(make: Callable[[int, int], Tally], seed: int) -> list[Any]:
    """Long runs of events the tally counts by itself, as the counting loop hands them over (tracks under decisions
    held, identifies whose traits all have a slot), with another operation between runs; what each returned, and
    every slot taken at the end."""
    rng = random.Random(seed)
    tally = make(8, 4096)
    attributes = {name: tally.new_slot(ATTRIBUTES) for name in NAMES[:6]}
    tally.watch_attributes(attributes, True)
    events = {name: tally.new_slot(EVENTS) for name in NAMES[:4]}
    tracks = {name: Decision(Outcome.ACCEPTED, None, ()) for name in events}
    for number, (name, decision) in enumerate(tracks.items()):
        tally.hold(decision, name, events[name], ("HJ302",) if number % 2 else (), number)
    identifies = [Decision(Outcome.ACCEPTED, HotjarCall("identify"), tuple(rng.sample(FINDINGS, 2))) for _ in range(3)]
    for number, decision in enumerate(identifies):
        tally.hold_identify(decision, 10 + number)
    said: list[Any] = []
    for _ in range(30):
        for _ in range(rng.randint(1, 300)):  # past the events the C tally holds before counting them
            user, timestamp = rng.choice(USERS), rng.choice(TIMESTAMPS[:8])
            if rng.random() < 0.3:
                traits = {name: rng.choice(VALUES) for name in rng.sample(list(attributes), rng.randint(1, 6))}
                fields = fields_of(user, rng.choice(USERS), None, timestamp, "identify", traits)
                decision = rng.choice(identifies)
            else:
                name = rng.choice(list(tracks))
                fields, decision = fields_of(user, rng.choice(USERS), name, timestamp, "track"), tracks[name]
            said.append(tally.observe_event(decision, fields, rng.choice(["a.jsonl", "b.jsonl"]), rng.randint(1, 999)))
        step = rng.random()
        if step < 0.2:
            kind = rng.choice((ATTRIBUTES, EVENTS))
            said.append(
                ("take", [tally.take(kind, slot) for slot in (attributes if kind == ATTRIBUTES else events).values()])
            )
        elif step < 0.3:
            tally.number_lines_from(rng.choice([0, 1 << 40]))
        elif step < 0.4:
            said.append(("span", tally.span(), tally.days()))
        elif step < 0.5:
            said.append(("occurrences", tally.occurrences(ATTRIBUTES), tally.occurrences(EVENTS)))
        elif step < 0.6:
            said.append(("stretch", tally.stretch(rng.choice(WHENS))))
        elif step < 0.7:
            name = rng.choice(list(attributes))
            said.append(("take", tally.take(ATTRIBUTES, attributes[name])))
            tally.free_slot(ATTRIBUTES, attributes[name])
            attributes[name] = tally.new_slot(ATTRIBUTES)
            tally.watch_attributes(attributes, True)
    for kind, slots in ((ATTRIBUTES, attributes), (EVENTS, events)):
        said.append(("end", tally.occurrences(kind), [tally.take(kind, slot) for slot in slots.values()]))
    said.append(("span", tally.span(), tally.days()))
    return said


@pytest.mark.parametrize("seed", range(4))
def test_long_runs_of_events_count_in_the_c_tally_as_in_the_python_one(
    native: Callable[[int, int], Tally], seed: int
) -> None:
    assert runs_of_events(native, seed) == runs_of_events(python, seed)


def test_the_c_tally_hashes_a_user_as_the_sketch_does(native: Callable[[int, int], Tally]) -> None:
    rng = random.Random(3)
    users = [f"usr_{number:06d}" for number in range(3_000)]
    users += [
        "".join(rng.choice("ab\u00e9\u2603\ud800\U0001f600") for _ in range(rng.randint(1, 8))) for _ in range(3_000)
    ]
    tally = native(len(users) + 1, 1)
    slot = tally.new_slot(ATTRIBUTES)
    for user in users:
        tally.count(ATTRIBUTES, slot, fields_of(user, None), None, "a.jsonl", 1, None, False)
    taken = tally.take(ATTRIBUTES, slot)
    assert taken is not None
    assert isinstance(taken[4], bytes)
    assert taken[4] == packed_users({plain_user_hash(user) for user in users})
    assert set(unpacked_users(taken[4])) == {plain_user_hash(user) for user in users}
    assert all(user_of(fields_of(user, None)) == user for user in users)


def test_users_added_in_batches_count_as_users_added_one_by_one(native: Callable[[int, int], Tally]) -> None:
    # More users than the C tally holds before adding them (16,384), under 600 names of both kinds, past the exact
    # bound for many, with names taken and their slots freed and made again between.
    def run(make: Callable[[int, int], Tally]) -> list[Any]:
        rng = random.Random(7)
        tally = make(8, 4)
        slots = {kind: [tally.new_slot(kind) for _ in range(300)] for kind in (ATTRIBUTES, EVENTS)}
        said = []
        for line in range(60_000):
            kind = rng.choice((ATTRIBUTES, EVENTS))
            slot = rng.choice(slots[kind])
            tally.count(kind, slot, fields_of(f"u{rng.randrange(5_000)}", None), None, "a.jsonl", line, None, False)
            if rng.random() < 0.0005:
                said.append(tally.take(kind, slot))
                tally.free_slot(kind, slot)
                slots[kind].remove(slot)
                slots[kind].append(tally.new_slot(kind))
        said += [tally.take(kind, slot) for kind in (ATTRIBUTES, EVENTS) for slot in slots[kind]]
        return said

    assert run(native) == run(python)


def test_slots_made_by_the_thousand_keep_their_counts_as_they_grow(native: Callable[[int, int], Tally]) -> None:
    # Each slot counted as soon as it is made, so the ones before it are counted while the C tally's slots grow
    # (moved, in C, at each doubling), some taken and counted on, some freed and made again, all counted once more
    # and taken at the end.
    def run(make: Callable[[int, int], Tally]) -> list[Any]:
        rng = random.Random(13)
        tally = make(4, 4)
        slots: dict[int, list[int]] = {ATTRIBUTES: [], EVENTS: []}
        said = []
        for line in range(9_000):
            kind = rng.choice((ATTRIBUTES, EVENTS))
            slots[kind].append(tally.new_slot(kind))
            for slot in (slots[kind][-1], rng.choice(slots[kind])):
                fields = fields_of(f"u{rng.randrange(9)}", None)
                tally.count(kind, slot, fields, rng.choice(WHENS), "a.jsonl", line, None, rng.random() < 0.5)
            if kind == ATTRIBUTES:
                for slot in (slots[kind][-1], rng.choice(slots[kind])):
                    tally.count_type(slot, rng.choice(VALUES))
            if rng.random() < 0.05:
                said.append(tally.take(kind, rng.choice(slots[kind])))
            if rng.random() < 0.05:
                slot = slots[kind].pop(rng.randrange(len(slots[kind])))
                said.append(tally.take(kind, slot))
                tally.free_slot(kind, slot)
        for kind in (ATTRIBUTES, EVENTS):
            for slot in slots[kind]:
                tally.count(kind, slot, fields_of("u", None), None, "b.jsonl", 1, None, False)
            said += [tally.take(kind, slot) for slot in slots[kind]]
        return said

    assert run(native) == run(python)


def test_thousands_of_decisions_held_count_as_in_the_python_tally(native: Callable[[int, int], Tally]) -> None:
    # More decisions than the C tally's first tables hold and than its table of recent ones (4,096), held again
    # with other names, let go all at once at the limit and by `forget`, each met by address among the others; and
    # more codes of findings under a name than a C slot holds at hand (4).
    def run(make: Callable[[int, int], Tally]) -> list[Any]:
        rng = random.Random(11)
        tally = make(4, 6_000)
        slots = [tally.new_slot(EVENTS) for _ in range(50)]
        decisions = [Decision(Outcome.ACCEPTED, None, ()) for _ in range(9_000)]
        names = [f"Event {rng.randrange(40)}" for _ in decisions]  # the name each is held with, mostly
        said = []
        for line in range(40_000):
            number = rng.randrange(len(decisions))
            decision, name = decisions[number], names[number] if rng.random() < 0.9 else "Other"
            step = rng.random()
            if step < 0.3:
                codes = tuple(rng.sample(["HJ301", "HJ302", "HJ303", "HJ304", "HJ305", "HJ306"], rng.randint(0, 3)))
                tally.hold(decision, name, rng.choice([*slots, -1]), codes, rng.randint(0, 9))
            elif step < 0.3002:
                tally.forget()
            else:
                fields = fields_of(f"u{rng.randrange(99)}", None, name, "2024-03-01T10:00:00.000Z", "track")
                said.append(tally.observe_held(decision, fields, None, "a.jsonl", line, None, True))
        said += [tally.take(EVENTS, slot) for slot in slots]
        return said

    in_c = run(native)
    assert in_c == run(python)
    assert sum(in_c[:-50]) > 1_000  # events counted from what was held


def test_a_tally_refuses_what_it_cannot_count(native: Callable[[int, int], Tally]) -> None:
    tally = native(4, 4)
    with pytest.raises(IndexError):
        tally.count(EVENTS, 0, fields_of("u", None), None, "a.jsonl", 1, None, False)
    with pytest.raises(ValueError, match="kind"):
        tally.new_slot(2)
    with pytest.raises(TypeError):
        tally.hold(object(), 3, 0, (), 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        tally.hold(object(), "Signed Up", 0, (), NOT_COUNTED)
    with pytest.raises(ValueError, match="slot"):
        tally.hold(object(), "Signed Up", -2, (), 0)


def test_the_c_tally_reads_dates_as_the_core_does(native: Callable[[int, int], Tally]) -> None:
    rng = random.Random(5)
    texts = ["2024-03-01", "2024-03-01T10:00", "2024-03-01 10:00:00.5+01:00", "2024-03-01T10:00:00-0100", "2024-03-01T"]
    texts += ["2024-03-01T1000", "2024-03-01T10:00:00,5Z", "2024-03-01T10:00:00+01", "2024-03-01T100000.5-01"]
    for _ in range(20_000):  # dates with one character changed, cut short, or run on
        text = list(rng.choice(texts))
        for _ in range(rng.randint(0, 2)):
            text[rng.randrange(len(text))] = rng.choice("0123456789-:T .,Z+xtz\u0661\uff10")
        texts.append("".join(text[: rng.randint(8, len(text))]) + rng.choice(["", "0", "Z", ":00", ".123Z"]))
    in_c, in_python = native(1, 1), python(1, 1)
    for tally in (in_c, in_python):
        for text in texts:
            slot = tally.new_slot(ATTRIBUTES)
            tally.count_type(slot, text)
    assert [in_c.take(ATTRIBUTES, slot) for slot in range(len(texts))] == [
        in_python.take(ATTRIBUTES, slot) for slot in range(len(texts))
    ]
    assert {js_type(text) for text in texts} == {"string", "date"}


def type_counts(tally: Tally, values: list[Any]) -> list[Any]:
    """The types a tally counts for each value, each in a slot of its own."""
    slots = []
    for value in values:
        slots.append(tally.new_slot(ATTRIBUTES))
        tally.count_type(slots[-1], value)
    return [tally.take(ATTRIBUTES, slot) for slot in slots]


def test_the_c_and_python_tallies_count_a_date_exactly_where_segment_makes_one(
    native: Callable[[int, int], Tally], segment_dates_folder: Path
) -> None:
    dates = segment_makes_dates(segment_dates_folder, DATE_STRINGS)
    in_c, in_python = type_counts(native(1, 1), DATE_STRINGS), type_counts(python(1, 1), DATE_STRINGS)
    assert in_c == in_python
    one_date, one_string = (type_counts(python(1, 1), [value])[0] for value in ("2024-03-01", "plain"))
    assert one_date != one_string
    differ = [
        (text[:40], date)
        for text, date, counted in zip(DATE_STRINGS, dates, in_c, strict=True)
        if counted != (one_date if date else one_string)
    ]
    assert differ == [], "(text, whether Segment makes a Date of it)"


def test_the_c_tally_hands_times_over_in_seconds_as_the_core_reads_them(native: Callable[[int, int], Tally]) -> None:
    rng = random.Random(11)
    times = [
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
        "1969-12-31T23:59:59.9Z",
        "1970-01-01T00:00:00.000Z",
        "2000-02-29T12:00:00.05Z",
        "2024-02-29T23:59:59Z",
        "2100-02-28T00:00:00.5Z",
    ]
    for _ in range(5_000):  # any day of any year, with none to three decimals
        year, month = rng.randint(1, 9999), rng.randint(1, 12)
        day = rng.randint(1, 28 if month == 2 else 30)
        fraction = rng.choice(["", f".{rng.randint(0, 9)}", f".{rng.randint(0, 99):02}", f".{rng.randint(0, 999):03}"])
        clock = f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:{rng.randint(0, 59):02}"
        times.append(f"{year:04}-{month:02}-{day:02}T{clock}{fraction}Z")
    assert all(is_segment_time(time) for time in times)  # the texts the inventory hands a tally
    times.append("2024-W09-5T10:00:00.123Z")  # and a week date, which the C tally asks the core to read
    taken = []
    for tally in (native(1, 1), python(1, 1)):
        for time in times:
            slot = tally.new_slot(EVENTS)
            tally.count(EVENTS, slot, fields_of("u", None), time, "a.jsonl", 1, None, False)
        sightings = [tally.take(EVENTS, slot) for slot in range(len(times))]
        taken.append([float(first[0]).hex() for first in (sighting[2] for sighting in sightings if sighting)])
    # To the last bit (a time of whole seconds is an int in Python, a float once compiled).
    assert taken[0] == taken[1] == [float(seconds).hex() for seconds in map(text_seconds, times)]


def test_a_tally_says_which_slots_counted_anything_since_they_were_last_taken(
    native: Callable[[int, int], Tally],
) -> None:
    # What a part of an input settled and then sent asks, so as not to take every slot again for nothing.
    for tally in (native(4, 4), python(4, 4)):
        slots = [tally.new_slot(EVENTS) for _ in range(5)]
        attribute = tally.new_slot(ATTRIBUTES)
        assert tally.used(EVENTS) == [] and tally.used(ATTRIBUTES) == []
        for slot in (slots[3], slots[1], slots[3]):
            tally.count(EVENTS, slot, fields_of("u", None), "2024-03-01T10:00:00.000Z", "a.jsonl", 1, None, True)
        tally.count_type(attribute, "pro")
        assert tally.used(EVENTS) == [slots[1], slots[3]]
        assert tally.used(ATTRIBUTES) == [attribute]
        tally.take(EVENTS, slots[1])
        tally.free_slot(EVENTS, slots[3])
        assert tally.used(EVENTS) == []


def test_the_c_tally_counts_events_by_day_as_the_core_reads_their_times_in_bounded_bins(
    native: Callable[[int, int], Tally],
) -> None:
    rng = random.Random(12)
    times: list[Any] = []
    for _ in range(10_000):  # more days than the bins hold: any day of any year, some in runs of one day
        year, month, day = rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28)
        clock = f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:{rng.randint(0, 59):02}"
        text = f"{year:04}-{month:02}-{day:02}T{clock}{rng.choice(['', '.5', '.123'])}Z"
        times += [text] * rng.choice([1, 1, 3])
        times.append(rng.uniform(-1e11, 2.5e11))  # seconds, as a time in another form is handed over
    answers = []
    for tally in (native(1, 1), python(1, 1)):
        for time in times:
            tally.stretch(time)
        answers.append(tally.days())
        assert tally.days() == (0, {})  # taken: emptied
    assert answers[0] == answers[1]
    shift, days = answers[0]

    def day_of(time: Any) -> int:  # the day since 1970 of a time, in UTC, read as the core reads it
        return math.floor(float(seconds(time)) / 86_400)

    assert len(days) <= DAY_BINS < len({day_of(time) >> (shift - 1) for time in times})  # as narrow as they fit
    assert {day: events for day, (events, _, _) in days.items()} == dict(
        Counter(day_of(time) >> shift for time in times)
    )
    binned: dict[int, list[float]] = {}
    for time in times:
        binned.setdefault(day_of(time) >> shift, []).append(float(seconds(time)))
    # and the earliest and latest time in each, in seconds
    assert {day: (earliest, latest) for day, (_, earliest, latest) in days.items()} == {
        day: (min(values), max(values)) for day, values in binned.items()
    }


def test_events_by_day_counted_in_parts_add_up_to_the_same_bins_for_any_split() -> None:
    rng = random.Random(13)
    days = [rng.choice([rng.randint(-15_000, 15_000), rng.randint(19_000, 19_100)]) for _ in range(40_000)]
    times = [day * 86400 + rng.uniform(0, 86399) for day in days]
    whole = merged_days(0, {}, 0, by_day(times))
    for parts in (2, 3, 7):
        cuts = sorted(rng.sample(range(1, len(times)), parts - 1))
        shift, merged = 0, {}
        for start, end in zip([0, *cuts], [*cuts, len(times)], strict=True):
            part = merged_days(0, {}, 0, by_day(times[start:end]))
            shift, merged = merged_days(shift, merged, *part)
        assert (shift, merged) == whole


def by_day(times: list[float]) -> dict[int, DayBin]:
    """Times in seconds as a tally counts them by day: `(events, earliest, latest)`."""
    days: dict[int, list[float]] = {}
    for time in times:
        days.setdefault(math.floor(time / 86400), []).append(time)
    return {day: (len(held), min(held), max(held)) for day, held in days.items()}


def fresh(value: Any) -> Any:
    """A value equal to `value`, made anew (a text, a list or an object)."""
    if isinstance(value, str):
        return "".join(list(value))
    return copy.deepcopy(value)


def messages_let_go(make: Callable[[int, int], Tally], seed: int) -> list[Any]:
    """Events the tally counts by itself, each message's traits emptied and its user id given back as soon as the
    tally found it, identifies of up to 50 traits among them; what each returned, and every slot taken at the end."""
    rng = random.Random(seed)
    tally = make(8, 4096)
    names = [f"trait {number}" for number in range(50)]
    attributes = {name: tally.new_slot(ATTRIBUTES) for name in names}
    tally.watch_attributes(attributes, True)
    track = Decision(Outcome.ACCEPTED, None, ())
    tally.hold(track, "Order Completed", tally.new_slot(EVENTS), ("HJ302",), 1)
    identify = Decision(Outcome.ACCEPTED, HotjarCall("identify"), tuple(rng.sample(FINDINGS, 3)))
    tally.hold_identify(identify, 2)
    said: list[Any] = []
    for _ in range(500):
        user = "".join(rng.choice("abc") for _ in range(rng.randint(1, 12)))
        timestamp = rng.choice(TIMESTAMPS[:8])
        if rng.random() < 0.5:
            # Values of their own, freed with the traits: the shared ones would outlive them.
            traits = {name: fresh(rng.choice(VALUES)) for name in rng.sample(names, rng.randint(1, 50))}
            fields = fields_of(user, None, None, timestamp, "identify", traits)
            said.append(tally.observe_event(identify, fields, "a.jsonl", rng.randint(1, 999)))
            traits.clear()  # what the tally counts later was read when it found the event
        else:
            fields = fields_of(user, None, "Order Completed", timestamp, "track")
            said.append(tally.observe_event(track, fields, "a.jsonl", rng.randint(1, 999)))
        del fields, user
    for kind, slots in ((ATTRIBUTES, list(attributes.values())), (EVENTS, [0])):
        said.append(("end", tally.occurrences(kind), [tally.take(kind, slot) for slot in slots]))
    return said


@pytest.mark.parametrize("seed", range(3))
def test_an_event_counted_later_is_counted_as_it_was_when_found(native: Callable[[int, int], Tally], seed: int) -> None:
    # The C tally counts events a few dozen at a time; held until then, a message kept its memory from being used
    # again for the next ones. It holds the time and what it read of the message when it found it.
    assert messages_let_go(native, seed) == messages_let_go(python, seed)
