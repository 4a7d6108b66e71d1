"""Writes `volume-site-limits.jsonl.gz`: a busy site that runs past Hotjar's site-wide limits.

Twenty users are identified with seven feature flags each, so the site sees 142 distinct attribute names
(Hotjar keeps 100: HJ206), and a help centre tracks each article it shows under its own event name, 10,001
distinct names (Hotjar keeps 10,000: HJ304). The output is the same bytes on every run:

    python sample_events/make_site_limits.py
"""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "volume-site-limits.jsonl.gz"
START = datetime(2024, 4, 3, 6, 0, tzinfo=UTC)
AREAS = (
    "board",
    "timeline",
    "calendar",
    "reports",
    "billing",
    "invites",
    "search",
    "comments",
    "files",
    "automations",
    "templates",
    "dashboard",
    "mobile",
    "integrations",
)
VARIANTS = ("new_ui", "beta", "v2", "ai_assist", "bulk_edit", "dark_mode", "export", "sharing", "filters", "shortcuts")
USERS = 20
FLAGS_PER_USER = 7
ARTICLES = 10_001


def messages() -> list[dict[str, object]]:
    """The identify calls first, then one track per help-centre article, in time order."""
    flags = [f"flag_{area}_{variant}" for area in AREAS for variant in VARIANTS]
    assert len(flags) == USERS * FLAGS_PER_USER
    plans = ("free", "team", "business", "enterprise")
    out: list[dict[str, object]] = []
    moment = START
    for number in range(USERS):
        user = f"usr_{number:04d}"
        traits: dict[str, object] = {"email": f"member{number:02d}@example.com", "plan": plans[number % len(plans)]}
        for flag in flags[number * FLAGS_PER_USER : (number + 1) * FLAGS_PER_USER]:
            traits[flag] = number % 3 != 0
        out.append(
            {
                "type": "identify",
                "userId": user,
                "traits": traits,
                "messageId": f"vol-id-{number:04d}",
                "timestamp": _iso(moment),
            }
        )
        moment += timedelta(seconds=41)
    for article in range(1, ARTICLES + 1):
        out.append(
            {
                "type": "track",
                "userId": f"usr_{article * 7 % USERS:04d}",
                "event": f"Viewed Help Article {article}",
                "messageId": f"vol-ev-{article:05d}",
                "timestamp": _iso(moment),
            }
        )
        moment += timedelta(seconds=3 + article % 11)
    return out


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def main() -> None:
    """Write the gzipped log beside this script; a fixed gzip header keeps the bytes reproducible."""
    text = "".join(json.dumps(message, separators=(",", ":")) + "\n" for message in messages())
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as stream:
        stream.write(text.encode())
    OUTPUT.write_bytes(buffer.getvalue())
    print(f"{OUTPUT.name}: {len(text.splitlines()):,} messages, {len(buffer.getvalue()):,} bytes")


if __name__ == "__main__":
    main()
