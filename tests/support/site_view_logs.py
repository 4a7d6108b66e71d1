"""Logs with event times, built to cross the site-wide limits part-way: for the site view's tests."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

START = 1_709_251_200  # 2024-03-01T00:00:00Z


def timed_log(count: int, names: int, seed: int, start: int = START, step: int = 97) -> str:
    """Identify and track messages spread over time, some out of order, a few without a time or unreadable."""
    rng = random.Random(seed)
    lines = []
    for number in range(count):
        moment = start + number * step + rng.randint(-3600, 3600)
        stamp = datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")
        roll = rng.random()
        if roll < 0.4:
            traits = {
                f"trait_{rng.randint(0, names)}": rng.choice([number, "x", True, None, "2024-03-01"]),
                "address": {"city": "Berlin"},
            }
            if rng.random() < 0.1:
                traits["bio"] = "x" * 300
            message = {"type": "identify", "userId": f"u{rng.randint(0, 200)}", "traits": traits, "timestamp": stamp}
        elif roll < 0.93:
            message = {
                "type": "track",
                "userId": f"u{rng.randint(0, 200)}",
                "event": f"Event {rng.randint(0, names)}",
                "properties": {"plan": "pro"},
                "timestamp": stamp,
            }
            if rng.random() < 0.05:
                message["event"] = f"Bad <name> {rng.randint(0, 5)}"
        elif roll < 0.96:
            message = {"type": "page", "anonymousId": "a1", "originalTimestamp": stamp}
        else:
            lines.append("{not json")
            continue
        if rng.random() < 0.02:
            del message["timestamp" if "timestamp" in message else "originalTimestamp"]
        lines.append(json.dumps(message))
    return "\n".join(lines) + "\n"
