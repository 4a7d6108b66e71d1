"""The inventory counts a track whose decision it met before without looking at it again: the same answer as
counting every event in full."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from hotjar_cli.core.decode import parse_line
from hotjar_cli.core.eventtime import event_seconds
from hotjar_cli.core.inventory import Inventory, InventoryBounds, Names
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from tests.support.site_view_logs import timed_log

_ODD_TIMES = [
    "2024-03-01T10:00:00.123Z",
    "2024-03-01T10:00:00.123Z",  # a tie
    "2024-03-01T10:61:00.000Z",  # not a time: originalTimestamp is read instead
    "2024-03-01T09:59:59Z",
    "2024-03-01T10:00:00.1234Z",
    None,
]


def odd_log(count: int, seed: int) -> str:
    """Tracks under few names from few users, with tied, odd and missing times and some spec findings."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        message: dict[str, Any] = {
            "type": rng.choice(["track", "track", "track", "identify", "page"]),
            "event": f"Event {rng.randint(0, 6)}",
            "properties": rng.choice([{"plan": "pro"}, {}, [1]]),
            "traits": {f"t{rng.randint(0, 5)}": rng.choice([1, "x", "2024-03-01", None])},
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


def names_state(names: Names) -> Any:
    return {
        "records": {
            name: (
                record.messages,
                sorted(record.users.exact) if record.users.exact is not None else bytes(record.users.registers or b""),
                record.first,
                record.last,
                record.offered,
                record.types,
                record.dropped,
            )
            for name, record in names.records.items()
        },
        "offered": names.offered,
        "threshold": names.threshold,
        "occurrences": names.occurrences,
        "names": names.all_names.count(),
    }


def inventory_state(text: str, limits: Limits, bounds: InventoryBounds) -> Any:
    mapper = Mapper(limits)
    inventory = Inventory(limits.max_attributes, limits.max_events, bounds=bounds)
    for line, raw in enumerate(text.encode().splitlines(keepends=True), 1):
        items, batched = parse_line(raw.rstrip(b"\n"))
        for index, parsed in enumerate(items):
            decision = mapper.decide(parsed)
            inventory.observe("a.jsonl", line, index if batched else None, parsed, decision, event_seconds(parsed))
    return (
        names_state(inventory.attributes),
        names_state(inventory.events),
        inventory.earliest,
        inventory.latest,
    )


@pytest.mark.parametrize(
    ("text", "limits", "bounds"),
    [
        (timed_log(3000, 60, 1), Limits(), InventoryBounds()),
        (timed_log(3000, 90, 2), Limits(max_attributes=30, max_events=25), InventoryBounds(20, 40, 8)),
        (odd_log(3000, 3), Limits(max_events=4), InventoryBounds(event_names=3, exact_users=5)),
        (odd_log(3000, 4), Limits(), InventoryBounds()),
    ],
    ids=["defaults", "sampled", "odd-times-full-site", "odd-times"],
)
def test_a_decision_met_before_counts_as_a_fresh_look_would(
    text: str, limits: Limits, bounds: InventoryBounds, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = inventory_state(text, limits, bounds)
    monkeypatch.setattr(Inventory, "_hold", lambda *_: None)  # every event looked at in full
    assert held == inventory_state(text, limits, bounds)
