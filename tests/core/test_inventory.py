"""The inventory counts a track whose decision it met before without looking at it again: the same answer as
counting every event in full."""

from __future__ import annotations

import itertools
import json
import pickle
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hotjar_cli.core.decode import SegmentMessage, message_fields, parse_line
from hotjar_cli.core.eventtime import event_seconds, is_segment_date, segment_time
from hotjar_cli.core.inventory import Inventory, InventoryBounds, Names, js_type
from hotjar_cli.core.kinds import Kinds
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.rules import (
    ATTRIBUTE_LIMIT_EXCEEDED,
    EVENT_LIMIT_EXCEEDED,
    EVENT_NAME_HIGH_CARDINALITY,
    EVENT_NAME_INVALID_CHARACTERS,
    MISSING_EVENT_NAME,
    PROTO_TRAIT,
)
from hotjar_cli.core.site import Site
from hotjar_cli.core.tally import COUNTED, NOT_COUNTED, Tally, new_tally
from tests.support.isodate import DATE_STRINGS, segment_makes_dates
from tests.support.site_view_logs import timed_log

_ODD_TIMES = [
    "2024-03-01T10:00:00.123Z",
    "2024-03-01T10:00:00.123Z",  # a tie
    "2024-03-01T10:61:00.000Z",  # not a time: originalTimestamp is read instead
    "2024-03-01T09:59:59Z",
    "2024-03-01T10:00:00.1234Z",
    "2024-03-01T10:00:00.12Z",
    "2024-03-01T10:00:00.1Z",
    "2024-03-01T10:00:00Z",
    "2024-03-01T09:59:59.000Z",  # the same time as 09:59:59Z, written longer
    "2024-03-01T11:00:00.123+01:00",  # the same time as 10:00:00.123Z, with an offset
    "2024-W09-5T10:00:00.123Z",  # the same time again, as a week date
    "2024-03-01T24:00:00.000Z",
    "2024-02-29T23:59:59.999Z",
    "2024-03-01t10:00:00.123z",
    "2024-03-02T00:00:00Z",  # the latest, and half a second before it as text
    "2024-03-02T00:00:00.5Z",
    "2024-01-31T00:00:00Z",  # the earliest, and half a second after it as text
    "2024-01-31T00:00:00.5Z",
    None,
]


def odd_log(count: int, seed: int) -> str:
    """Tracks under few names and identifies of a few traits in any order (some nested, so dropped), from few users,
    with tied, odd and missing times and some spec findings."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        message: dict[str, Any] = {
            "type": rng.choice(["track", "track", "track", "identify", "page"]),
            "event": f"Event {rng.randint(0, 6)}",
            "properties": rng.choice([{"plan": "pro"}, {}, [1]]),
            "traits": {f"t{rng.randint(0, 5)}": rng.choice([1, "x", "2024-03-01", None, {"a": 1}]) for _ in range(3)},
            "timestamp": rng.choice(_ODD_TIMES),
            "originalTimestamp": "2024-02-01T00:00:00Z",
        }
        if rng.random() < 0.8:
            message["userId"] = f"u{rng.randint(0, 30)}"
        elif rng.random() < 0.5:
            message["anonymousId"] = f"a{rng.randint(0, 3)}"
        if rng.random() < 0.1:
            message["messageId"] = "m" * 60  # a spec finding: a decision of its own
        lines.append(json.dumps(message))
    return "\n".join(lines) + "\n"


def names_state(names: Names, as_shown: bool = False) -> Any:
    """What the inventory holds of the names; `as_shown`: only what a report shows of a sample (`Names.held`), which
    does not depend on when the names met were trimmed to it."""
    return {
        "records": {
            name: (
                record.messages,
                sorted(hashes)
                if (hashes := record.users.hashes()) is not None
                else bytes(record.users.registers or b""),
                record.first,
                record.last,
                record.offered,
                record.types,
                record.dropped,
            )
            for name, record in (names.held() if as_shown else names.records).items()
        },
        "offered": names.offered,
        "threshold": names.sampled if as_shown else names.threshold,
        "occurrences": names.occurrences,
        "unnamed": names.unnamed,
        "names": names.all_names.count(),
    }


def inventory_state(
    text: str,
    limits: Limits,
    bounds: InventoryBounds,
    read_times: bool = False,
    decisions_held: int = 4096,
    tally: Callable[[int, int], Tally] = new_tally,
    counting_loop: bool = False,
    counted: list[bool] | None = None,
    as_shown: bool = False,
    limit_findings_settled: bool = False,
) -> Any:
    """The inventory of a log; with `read_times`, every time is given in seconds, none in Segment's form, and
    every sighting is settled at once (by `earlier` and `later`, one by one); with no `decisions_held`, every event
    is looked at in full. With `counting_loop`, each message of a line of its own is offered to the tally first,
    as the counting loop offers it (`Inventory.observe_event`), and whether the tally counted it itself is appended
    to `counted`. `as_shown`: see `names_state`. `limit_findings_settled`: the limit's findings set from the other
    counts at the end (`Names.settle_limit_findings`)."""
    mapper, kinds = Mapper(limits), Kinds()
    inventory = Inventory(
        limits.max_attributes, limits.max_events, bounds=bounds, decisions_held=decisions_held, tally=tally
    )
    for line, raw in enumerate(text.encode().splitlines(keepends=True), 1):
        items, batched = parse_line(raw.rstrip(b"\n"))
        for index, parsed in enumerate(items):
            decision = mapper.decide(parsed)
            decision_kind = COUNTED
            if counting_loop and not batched and type(parsed) is SegmentMessage:
                taken = inventory.observe_event(decision, message_fields(parsed), "a.jsonl", line)
                decision_kind = kinds.kind_of(decision)
                assert taken in (COUNTED, NOT_COUNTED, decision_kind)  # a kind held is the decision's own
                if counted is not None:
                    counted.append(taken != NOT_COUNTED)
                if taken != NOT_COUNTED:
                    continue
            when = None if read_times else segment_time(parsed)
            inventory.observe(
                "a.jsonl",
                line,
                index if batched else None,
                parsed,
                decision,
                event_seconds(parsed) if when is None else when,
                decision_kind=decision_kind,
            )
            if read_times:
                inventory.settle()
    inventory.settle()
    if limit_findings_settled:
        inventory.attributes.settle_limit_findings()
        inventory.events.settle_limit_findings()
    return (
        names_state(inventory.attributes, as_shown),
        names_state(inventory.events, as_shown),
        inventory.earliest,
        inventory.latest,
    )


LOGS = {
    "defaults": (timed_log(3000, 60, 1), Limits(), InventoryBounds()),
    "sampled": (timed_log(3000, 90, 2), Limits(max_attributes=30, max_events=25), InventoryBounds(20, 40, 8)),
    "odd-times-full-site": (odd_log(3000, 3), Limits(max_events=4), InventoryBounds(event_names=3, exact_users=5)),
    "odd-times": (odd_log(3000, 4), Limits(), InventoryBounds()),
    # Past the names held by less than a quarter, where one reading holds them all until it trims.
    "just-past-the-bounds": (
        timed_log(3000, 60, 5),
        Limits(max_attributes=30, max_events=25),
        InventoryBounds(52, 56, 8),
    ),
}
"""Logs, limits and bounds that take every path of the inventory: names sampled, times out of order or none."""


@pytest.mark.parametrize(("text", "limits", "bounds"), LOGS.values(), ids=LOGS.keys())
def test_a_decision_met_before_counts_as_a_fresh_look_would(text: str, limits: Limits, bounds: InventoryBounds) -> None:
    assert inventory_state(text, limits, bounds) == inventory_state(text, limits, bounds, decisions_held=0)


@pytest.mark.parametrize(("text", "limits", "bounds"), LOGS.values(), ids=LOGS.keys())
def test_the_events_the_tally_counts_itself_count_as_the_inventory_would(
    text: str, limits: Limits, bounds: InventoryBounds
) -> None:
    assert inventory_state(text, limits, bounds, counting_loop=True) == inventory_state(text, limits, bounds)


def test_the_tally_counts_most_events_of_a_full_site_itself() -> None:
    # Not the first under each decision or name, nor an event without a time in Segment's form or rejected for its
    # name (a decision of its own): about one in eight here.
    counted: list[bool] = []
    log = timed_log(3000, 60, 1)
    inventory_state(log, Limits(max_attributes=5), InventoryBounds(), counting_loop=True, counted=counted)
    assert len(counted) > 2800
    assert sum(counted) > 0.85 * len(counted)


@pytest.mark.parametrize("seed", [5, 6])
def test_times_in_segment_form_count_as_reading_every_time_would(seed: int) -> None:
    text = odd_log(3000, seed)
    limits, bounds = Limits(max_events=4), InventoryBounds(event_names=5, exact_users=5)
    assert inventory_state(text, limits, bounds) == inventory_state(text, limits, bounds, read_times=True)
    assert inventory_state(timed_log(3000, 60, seed), Limits(), InventoryBounds()) == inventory_state(
        timed_log(3000, 60, seed), Limits(), InventoryBounds(), read_times=True
    )


def near_dates(count: int, seed: int) -> list[str]:
    """Dates and date-times of every shape `@segment/isodate`'s pattern has, and of some it has not, some with
    characters swapped, added or taken out."""
    rng = random.Random(seed)
    swaps = "0123456789-T :.,Z+zt\u0663\uff10a\n"
    texts = []
    for _ in range(count):
        text = f"{rng.randint(0, 9999):04d}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"
        if rng.random() < 0.8:
            colon = rng.choice(["", ":", ":"])
            text += rng.choice("T ") + f"{rng.randint(0, 99):02d}{colon}{rng.randint(0, 99):02d}"
            if rng.random() < 0.6:
                text += rng.choice(["", ":", ":"]) + f"{rng.randint(0, 99):02d}"
                if rng.random() < 0.5:
                    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 7)))
                    text += rng.choice(".,") + digits
            text += rng.choice(["", "Z", "+01:00", "-0130", "+01", "-01:3", "z", "+1", "+013"])
        characters = list(text)
        for _ in range(rng.choice([0, 0, 1, 2])):
            place = rng.randrange(len(characters))
            roll = rng.random()
            if roll < 0.6:
                characters[place] = rng.choice(swaps)
            elif roll < 0.8:
                characters.insert(place, rng.choice(swaps))
            else:
                del characters[place]
        texts.append("".join(characters))
    return texts


@pytest.mark.parametrize("seed", range(3))
def test_a_string_is_a_date_exactly_where_segment_makes_a_date_of_it(seed: int, segment_dates_folder: Path) -> None:
    texts = near_dates(20_000, seed)
    dates = segment_makes_dates(segment_dates_folder, texts)
    differ = [(text, date) for text, date in zip(texts, dates, strict=True) if (js_type(text) == "date") != date]
    assert differ == [], "(string, whether Segment makes a Date of it)"
    assert [is_segment_date(text) for text in texts] == dates  # the patterns the replay page converts with
    assert 0.2 < sum(dates) / len(dates) < 0.8  # both kinds, plenty of each


def test_the_strings_around_segment_s_date_pattern_have_the_type_segment_gives_them(
    segment_dates_folder: Path,
) -> None:
    dates = segment_makes_dates(segment_dates_folder, DATE_STRINGS)
    differ = [
        (text[:40], date) for text, date in zip(DATE_STRINGS, dates, strict=True) if (js_type(text) == "date") != date
    ]
    assert differ == [], "(string, whether Segment makes a Date of it)"
    assert 25 < sum(dates) < len(dates) - 25


def parts_state(text: str, limits: Limits, bounds: InventoryBounds, cuts: tuple[int, ...]) -> Any:
    """The inventory of a log read in parts, as workers read an input: each part over the site the parts before it
    filled, knowing the names it held (`held_before`), its inventory sent to another process, its lines moved on
    by those before it, and added to the whole in order."""
    lines = text.encode().splitlines(keepends=True)
    mapper = Mapper(limits)
    whole: Inventory | None = None
    for start, end in itertools.pairwise((0, *cuts, len(lines))):
        part = Inventory(limits.max_attributes, limits.max_events, bounds=bounds)
        part.held_before(mapper.site.attributes, mapper.site.events)
        for line, raw in enumerate(lines[start:end], 1):
            items, batched = parse_line(raw.rstrip(b"\n"))
            for index, parsed in enumerate(items):
                when = segment_time(parsed)
                seconds_or_text = event_seconds(parsed) if when is None else when
                part.observe(
                    "a.jsonl", line, index if batched else None, parsed, mapper.decide(parsed), seconds_or_text
                )
        part.settle()
        sent = pickle.loads(pickle.dumps(part))
        sent.shift(start)
        if whole is None:
            whole = sent
        else:
            whole.extend(sent)
    assert whole is not None
    return names_state(whole.attributes, True), names_state(whole.events, True), whole.earliest, whole.latest


@pytest.mark.parametrize("cuts", [(1,), (700,), (5, 1500, 1501), tuple(range(150, 3000, 150))])
@pytest.mark.parametrize(("text", "limits", "bounds"), LOGS.values(), ids=LOGS.keys())
def test_an_input_read_in_parts_and_added_up_has_the_inventory_of_one_reading(
    text: str, limits: Limits, bounds: InventoryBounds, cuts: tuple[int, ...]
) -> None:
    # The parts remember only the names they offered first; those the site held before them are left out.
    assert parts_state(text, limits, bounds, cuts) == inventory_state(text, limits, bounds, as_shown=True)


def test_tracks_with_no_event_name_hotjar_can_take_are_counted_by_the_rule_that_rejects_them() -> None:
    # Counted under no name, they make the inventory's findings add up to those of `validate`, part by part too.
    events: list[object] = [42, True, {}, [], "", None, 0, "Signed Up", "Signed Up", 3.5]
    lines = [{"type": "track", "userId": "u", "event": event} for event in events]
    lines.append({"type": "track", "userId": "u"})
    text = "".join(json.dumps(line) + "\n" for line in lines)
    whole = inventory_state(text, Limits(), InventoryBounds())
    not_a_string, missing = EVENT_NAME_INVALID_CHARACTERS.code, MISSING_EVENT_NAME.code
    assert whole[1]["unnamed"] == {not_a_string: 5, missing: 4}  # an empty object or list is truthy in JavaScript
    assert set(whole[1]["records"]) == {"Signed Up"}
    assert parts_state(text, Limits(), InventoryBounds(), (3, 7)) == inventory_state(
        text, Limits(), InventoryBounds(), as_shown=True
    )
    decided = [Mapper(Limits()).decide(parse_line(json.dumps(line).encode())[0][0]) for line in lines]
    by_rule = Counter(
        finding.code for decision in decided for finding in decision.findings if finding.path == "$.event"
    )
    assert by_rule == Counter(whole[1]["unnamed"])


def test_a_noted_event_name_the_full_site_turns_away_is_counted_as_turned_away() -> None:
    # A name noted for holding a number, met once the site is full, is rejected for the site's limit too: its tracks
    # are the name's, offered to the site, as those of any other name it turns away.
    noted = "Order 1234567890 Completed"
    lines = [{"type": "track", "userId": "u", "event": event} for event in ("Signed Up", noted, noted)]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    events = inventory_state(text, Limits(max_events=1), InventoryBounds())[1]
    messages, _, _, _, offered, _, dropped = events["records"][noted]
    assert (messages, offered) == (2, True)
    assert dropped == {EVENT_NAME_HIGH_CARDINALITY.code: 2, EVENT_LIMIT_EXCEEDED.code: 2}
    assert inventory_state(text, Limits(max_events=1), InventoryBounds(), decisions_held=0)[1] == events


@pytest.mark.parametrize(("text", "limits", "bounds"), LOGS.values(), ids=LOGS.keys())
def test_a_names_limit_findings_follow_from_its_other_counts_and_the_sites_names(
    text: str, limits: Limits, bounds: InventoryBounds
) -> None:
    # What lets a worker count a name over parts it read against a site missing some names before them.
    counted = inventory_state(text, limits, bounds)
    assert inventory_state(text, limits, bounds, limit_findings_settled=True) == counted
    findings = [dropped for kind in counted[:2] for *_, dropped in kind["records"].values()]
    assert limits == Limits() or sum(
        found.get(ATTRIBUTE_LIMIT_EXCEEDED.code, 0) + found.get(EVENT_LIMIT_EXCEEDED.code, 0) for found in findings
    )


def test_an_inventory_counting_for_new_kinds_of_decisions_lets_go_of_the_kinds_it_held() -> None:
    # A worker's inventory outlives the kinds its passes number decisions by (a new `Kinds` once one grows large):
    # a kind held from the old numbering would count an event under another kind in the summary.
    mapper, first, second = Mapper(Limits()), Kinds(), Kinds()
    line = json.dumps({"type": "track", "userId": "u", "event": "Signed Up", "timestamp": "2024-03-01T10:00:00.000Z"})
    message = parse_line(line.encode())[0][0]
    assert type(message) is SegmentMessage
    decision, fields = mapper.decide(message), message_fields(message)
    inventory = Inventory(100, 10_000)
    inventory.for_kinds(first)
    when = segment_time(message)
    inventory.observe("a.jsonl", 1, None, message, decision, when, fields, first.kind_of(decision))
    assert inventory.observe_event(decision, fields, "a.jsonl", 2) == first.kind_of(decision)
    inventory.for_kinds(first)  # the same kinds: what is held stays
    assert inventory.observe_event(decision, fields, "a.jsonl", 3) == first.kind_of(decision)
    inventory.for_kinds(second)
    assert inventory.observe_event(decision, fields, "a.jsonl", 4) == NOT_COUNTED
    inventory.settle()
    assert inventory.events.records["Signed Up"].messages == 3


@pytest.mark.parametrize("counting_loop", [False, True])
def test_a_trait_proto_takes_none_of_the_sites_attribute_slots(counting_loop: bool) -> None:
    # Segment's facade never passes it on: the site's two names are the next two sent, and the third is turned away.
    lines = [
        {"type": "identify", "userId": "u1", "traits": {"__proto__": "x", "plan": "pro"}},
        {"type": "identify", "userId": "u2", "traits": {"__proto__": {"company": "Initech"}, "seats": 3}},
        {"type": "identify", "userId": "u3", "traits": {"__proto__": None}},
        {"type": "identify", "userId": "u3", "traits": {"company": "Initech", "plan": "free"}},
    ]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    limits = Limits(max_attributes=2)
    attributes = inventory_state(text, limits, InventoryBounds(), counting_loop=counting_loop)[0]
    assert list(attributes["offered"]) == ["plan", "seats"]
    messages, _, _, _, offered, types, dropped = attributes["records"]["__proto__"]
    assert (messages, offered, dropped) == (3, False, {PROTO_TRAIT.code: 3})
    assert types == {"string": 1, "object": 1, "null": 1}
    assert attributes["records"]["company"][-1] == {ATTRIBUTE_LIMIT_EXCEEDED.code: 1}
    assert inventory_state(text, limits, InventoryBounds(), decisions_held=0)[0] == attributes


def test_a_trait_proto_is_held_first_when_the_inventory_holds_a_sample_of_names() -> None:
    # Names where data is lost for the name alone come before every other in the sample: `__proto__` as `id` does.
    traits = {**{f"trait_{number}": number for number in range(40)}, "__proto__": 1, "id": "crm-1"}
    text = json.dumps({"type": "identify", "userId": "u1", "traits": traits}) + "\n"
    attributes = inventory_state(text, Limits(), InventoryBounds(attribute_names=2), as_shown=True)[0]
    assert set(attributes["records"]) == {"__proto__", "id"}


def test_a_name_met_outside_the_sample_is_remembered_however_many_names_a_worker_holds_for_the_site() -> None:
    # A worker that read a part before the site's names were known holds every event name it turned away there, as
    # one the site may keep. The bound on the names remembered outside the sample counted those too: past it, each
    # new name outside the sample let go of every other and made the slots again, and a log of many distinct event
    # names took minutes on two processes instead of seconds.
    limits = Limits(max_events=3)
    inventory = Inventory(100, 3, bounds=InventoryBounds(event_names=4))

    def read(mapper: Mapper, names: list[str], first_line: int) -> None:
        for line, name in enumerate(names, first_line):
            raw = json.dumps({"type": "track", "userId": "u1", "event": name, "timestamp": "2024-03-01T10:00:00Z"})
            message = parse_line(raw.encode())[0][0]
            decision = mapper.decide(message)
            inventory.observe("a.jsonl", line, None, message, decision, segment_time(message))

    kept = ["Kept 0", "Kept 1", "Kept 2"]
    inventory.begin_part(0, exact_events=False)
    inventory.held_before((), ())
    read(Mapper(limits), [*kept, *(f"Held {n}" for n in range(200))], 1)
    held = {name for name, slot in inventory.events.slots.items() if slot >= 0}
    assert len(held) > 4 * 4  # many more than the bound on names outside the sample
    inventory.begin_part(1, exact_events=True)
    inventory.held_before((), kept)
    outside = [f"Outside {n}" for n in range(12)]
    read(Mapper(limits, Site(100, 3, (), kept)), outside, 1)
    slots = inventory.events.slots
    assert all(name in slots for name in outside)  # each remembered, held or not
    not_held = [name for name in outside if slots[name] < 0]
    assert len(not_held) >= 2
    assert held <= {name for name, slot in slots.items() if slot >= 0}
