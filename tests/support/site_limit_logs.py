"""Logs built to cross the site-wide limits part-way, for proving that every way of splitting the work agrees."""

from __future__ import annotations

import json
import random


def site_limit_log(count: int, names: int, seed: int, message_ids: bool = False) -> str:
    """Identify and track messages whose attribute and event names spread wide enough to cross small limits; with
    `message_ids`, each identify and track has one, the same for the same seed."""
    rng = random.Random(seed)
    lines = []
    ids = (lambda number: {"messageId": f"m-{seed}-{number}"}) if message_ids else (lambda number: {})
    for number in range(count):
        roll = rng.random()
        if roll < 0.4:
            traits = {f"trait_{rng.randint(0, names)}": number, "address": {"city": "Berlin"}}
            if rng.random() < 0.1:
                traits["bio"] = "x" * 300
            lines.append(json.dumps({"type": "identify", "userId": f"u{number % 40}", "traits": traits, **ids(number)}))
        elif roll < 0.93:
            lines.append(
                json.dumps(
                    {
                        "type": "track",
                        "userId": f"u{number % 40}",
                        "event": f"Event {rng.randint(0, names)}",
                        "properties": {"plan": "pro"},
                        **ids(number),
                    }
                )
            )
        elif roll < 0.96:
            lines.append(json.dumps({"type": "page", "anonymousId": "a1"}))
        else:
            lines.append("{not json")
        if rng.random() < 0.02:
            lines.append("")
    return "\n".join(lines) + "\n"
