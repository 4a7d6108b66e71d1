"""When an event happened, as seconds since the epoch: what the site view orders and buckets events by.

Pure: the message's own fields only, never the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hotjar_cli.core.decode import Parsed, SegmentMessage

_fromisoformat = datetime.fromisoformat
_HOURS: dict[str, int] = {}
"""The start of each hour met, in seconds, by its text `2024-03-01T10`: Segment's own times (`...T10:00:00.123Z`)
are then read with four lookups, at a fraction of the cost of `fromisoformat`; any other form takes that path."""
_MINUTES = {f":{minute:02d}": minute * 60 for minute in range(60)}
_SECONDS = {f":{second:02d}": second for second in range(60)}
_FRACTIONS = {
    "": 0,
    **{f".{number:0{digits}d}": number / 10**digits for digits in (1, 2, 3) for number in range(10**digits)},
}


def event_seconds(parsed: Parsed) -> float | None:
    """`timestamp`, else `originalTimestamp`, else `receivedAt`, as UTC seconds; None when none is readable.

    The same fields, in the same order, as the `--since`/`--until` filters read; a time without a zone is UTC.
    """
    if type(parsed) is not SegmentMessage:
        return None
    value = parsed.timestamp
    if type(value) is str and value[-1:] == "Z":
        hour = _HOURS.get(value[:13])
        if hour is None:
            hour = _hour_start(value[:13])
        if hour is not None:
            try:
                return hour + _MINUTES[value[13:16]] + _SECONDS[value[16:19]] + _FRACTIONS[value[19:-1]]
            except KeyError:
                pass
    return _slow_seconds(parsed)


def text_seconds(text: str) -> float:
    """A `timestamp` in Segment's form (`YYYY-MM-DDTHH...Z`) as seconds: exactly when it reads as ISO-8601, else
    the start of the hour its first 13 characters name (such a time was bucketed by them)."""
    seconds = event_seconds(SegmentMessage(timestamp=text))
    return seconds if seconds is not None else _HOURS[text[:13]]


def _hour_start(text: str) -> int | None:
    if len(text) != 13 or text[10] != "T":
        return None
    try:
        moment = _fromisoformat(text + ":00:00+00:00")
    except ValueError:
        return None
    if len(_HOURS) >= 100_000:
        _HOURS.clear()
    start = _HOURS[text] = int(moment.timestamp())
    return start


def _slow_seconds(parsed: SegmentMessage) -> float | None:
    for value in (parsed.timestamp, parsed.originalTimestamp, parsed.receivedAt):
        if type(value) is str:
            try:
                moment = _fromisoformat(value)
            except ValueError:
                try:
                    moment = _fromisoformat(value.strip().replace("z", "Z"))
                except ValueError:
                    continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return moment.timestamp()
    return None


def iso(seconds: float | None) -> str | None:
    """`2024-03-01T10:00:00.123Z` for a time in seconds (milliseconds only when there are any); None stays None."""
    if seconds is None:
        return None
    moment = datetime.fromtimestamp(seconds, UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    milliseconds = moment.microsecond // 1000
    return f"{text}.{milliseconds:03d}Z" if milliseconds else f"{text}Z"


def parse_time(text: str) -> datetime:
    """An ISO-8601 date or date-time; without a zone it is UTC. Raises ValueError."""
    moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def message_time(message: SegmentMessage) -> datetime | None:
    """When the event happened: `timestamp`, else `originalTimestamp`, else `receivedAt`."""
    found = _message_time(message)
    return found[0] if found else None


def message_time_text(message: SegmentMessage) -> str | None:
    """The time of the event as the message wrote it, from the field `message_time` reads."""
    found = _message_time(message)
    return found[1] if found else None


def _message_time(message: SegmentMessage) -> tuple[datetime, str] | None:
    for value in (message.timestamp, message.originalTimestamp, message.receivedAt):
        if isinstance(value, str):
            try:
                return parse_time(value), value
            except ValueError:
                continue
    return None
