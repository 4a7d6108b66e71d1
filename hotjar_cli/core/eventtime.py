"""When an event happened, as seconds since the epoch: what the site view orders and buckets events by.

Pure: the message's own fields only, never the clock.
"""

from __future__ import annotations

from datetime import datetime, timezone

from hotjar_cli.core.decode import Parsed, SegmentMessage

_fromisoformat = datetime.fromisoformat


def event_seconds(parsed: Parsed) -> float | None:
    """`timestamp`, else `originalTimestamp`, else `receivedAt`, as UTC seconds; None when none is readable.

    The same fields, in the same order, as the `--since`/`--until` filters read; a time without a zone is UTC.
    """
    if parsed.__class__ is not SegmentMessage:
        return None
    for value in (parsed.timestamp, parsed.originalTimestamp, parsed.receivedAt):  # type: ignore[union-attr]
        if value.__class__ is str:
            try:
                moment = _fromisoformat(value)
            except ValueError:
                try:
                    moment = _fromisoformat(value.strip().replace("z", "Z"))
                except ValueError:
                    continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            return moment.timestamp()
    return None


def iso(seconds: float | None) -> str | None:
    """`2024-03-01T10:00:00.123Z` for a time in seconds (milliseconds only when there are any); None stays None."""
    if seconds is None:
        return None
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    milliseconds = moment.microsecond // 1000
    return f"{text}.{milliseconds:03d}Z" if milliseconds else f"{text}Z"
