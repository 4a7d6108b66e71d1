"""Progress off a terminal (a CI log, a file), where a bar cannot be redrawn: plain lines, at each tenth of the work
and at least every `LINE_SECONDS` while it goes on, with times written as the bar writes them. Shared by the progress
of a pass (`hotjar_cli.cli.progress`) and of a replay's deliveries (`hotjar_cli.replay.runner`)."""

from __future__ import annotations

LINE_SECONDS = 10.0
"""At most this long between two lines while the work goes on."""


def clock(seconds: float) -> str:
    """`0:02:05` for 125 seconds, as the bar writes a time."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
