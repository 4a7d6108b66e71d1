"""What `hotjar-cli replay` is asked to do, parsed from the command line into one object."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?")


def parse_duration(text: str) -> float:
    """Seconds in `90s`, `10m`, `1h`, `1h30m` or a bare number of seconds. Raises ValueError."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not text.strip() or match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration: write it like 90s, 10m or 1h")
    hours, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


@dataclass(frozen=True)
class ReplaySettings:
    """Options of a real replay (everything but the reading, filtering and mapping shared with validate)."""

    site_id: int
    page_url: str
    """The site's own address, where the replay page is served by request interception."""
    script_url: str | None = None
    """The tracking script; None means Hotjar's `https://static.hotjar.com/c/hotjar-<site id>.js?sv=6`."""
    browser_path: Path | None = None
    """Chromium to drive; None means the system's (Debian's `chromium-headless-shell`, else `chromium`)."""
    concurrency: int = 16
    """Browser workers, each one tab: a user's page mostly waits out the settle time, so many keep two cores busy."""
    rate: float | None = None
    """Calls per second over all workers; None for no limit."""
    retries: int = 3
    settle_seconds: float = 2.0
    """How long a page is watched for failed Hotjar requests after its calls ran."""
    dead_letter: Path | None = None
    checkpoint: Path | None = None
    latest_traits: bool = False
    report_json: bool = False
    show_values: bool = False
    """Whether progress and logs may print attribute values."""
    progress: bool = True
    """Whether a progress bar is drawn on stderr."""
    quiet: bool = False
    """Say on stderr only what stops the replay and its final summary (`-q`)."""
    request_timeout_seconds: float = 15.0
    """How long the page, and each request to a Hotjar host, may take before the delivery counts as failed."""
    backoff_seconds: float = 1.0
    """The first retry waits up to this long (full jitter); each further retry doubles the ceiling."""
    backoff_max_seconds: float = 30.0
    """The ceiling of a retry's wait."""
    breaker_failures: int = 5
    """Consecutive failed deliveries after which the circuit breaker opens and replay pauses."""
    give_up_after_seconds: float = 600.0
    """When no delivery has succeeded for this long, the replay stops and dead-letters every user not sent; 0 never."""
    breaker_pause_seconds: float = 10.0
    """How long an open breaker pauses before probing with one user; doubles after each failed probe."""
