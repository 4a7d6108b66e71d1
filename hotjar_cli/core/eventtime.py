"""When an event happened, as seconds since the epoch: what the site view orders and buckets events by.

Pure: the message's own fields only, never the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

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
        seconds = _segment_seconds(value)
        if seconds is not None:
            return seconds
    return _slow_seconds(parsed)


def _segment_seconds(value: str) -> float | None:
    """A time ending in `Z` read in Segment's own form, through the hours met; None in any other form."""
    hour = _HOURS.get(value[:13])
    if hour is None:
        hour = _hour_start(value[:13])
    if hour is not None:
        try:
            return hour + _MINUTES[value[13:16]] + _SECONDS[value[16:19]] + _FRACTIONS[value[19:-1]]
        except KeyError:
            pass
    return None


_ORDERED_HOURS: Final[set[str]] = set()
"""The hours met that `segment_time` accepts (see `_ordered_hour`)."""
_CLOCKS: Final = frozenset(minute + second for minute in _MINUTES for second in _SECONDS)
"""`:MM:SS`: what `event_seconds` reads after the hour."""


def segment_time(parsed: Parsed) -> str | None:
    """The `timestamp` when it is in Segment's own form (`2024-03-01T10:00:00.123Z`, with a date of that shape)
    and `event_seconds` reads its time from it; None otherwise.

    Two such times of the same length are in the same order as text as in time, and equal only at the same
    time: they can be compared without being read.
    """
    if type(parsed) is not SegmentMessage:
        return None
    text = parsed.timestamp
    if not isinstance(text, str) or text[-1:] != "Z":
        return None
    if (
        (text[:13] in _ORDERED_HOURS or _ordered_hour(text[:13]))
        and text[13:19] in _CLOCKS
        and text[19:-1] in _FRACTIONS
    ):
        return text
    return None


def _ordered_hour(prefix: str) -> bool:
    """Whether `prefix` names an hour as `2024-03-01T10`, in the order of its text.

    Not a week date (`2024-W09-1T10`), nor hour 24 (ISO 8601's end of a day, the next one's midnight).
    """
    if prefix[4:5] != "-" or prefix[7:8] != "-" or prefix[11:13] == "24":
        return False
    if prefix not in _HOURS and _hour_start(prefix) is None:
        return False
    if len(_ORDERED_HOURS) >= 100_000:
        _ORDERED_HOURS.clear()
    _ORDERED_HOURS.add(prefix)
    return True


def text_seconds(text: str) -> float:
    """A `timestamp` in Segment's form (`YYYY-MM-DDTHH...Z`) as seconds: exactly when it reads as ISO-8601, else
    the start of the hour its first 13 characters name (such a time was bucketed by them)."""
    seconds = _segment_seconds(text) if text[-1:] == "Z" else None
    if seconds is None:
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


FIRST_SECOND: Final = -62_135_596_800
"""0001-01-01T00:00:00Z: the first time a date holds, in seconds."""
END_SECOND: Final = 253_402_300_800
"""10000-01-01T00:00:00Z: every time a date holds is before it."""


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
            seconds = moment.timestamp()
            # A time whose offset takes it past the years a date holds (`9999-12-31T23:00:00-05:00` is in the year
            # 10000 in UTC) is not read: it could be neither bucketed nor shown.
            if FIRST_SECOND <= seconds < END_SECOND:
                return seconds
    return None


def iso(seconds: float | None) -> str | None:
    """`2024-03-01T10:00:00.123Z` for a time in seconds (milliseconds only when there are any); None stays None, and
    so does a time past the years a date holds (a projection far ahead, say)."""
    if seconds is None or not FIRST_SECOND <= seconds < END_SECOND:
        return None
    moment = datetime.fromtimestamp(seconds, UTC)
    # Put together from the fields: `strftime`, or a format spec for each field, costs some 25,000 instructions a
    # time, and a report has a time or two for every name and rule it lists. (`strftime`'s `%Y` may also leave a
    # year before 1000 unpadded, which is not ISO 8601.)
    year = moment.year
    two = _TWO_DIGITS
    text = f"{year if year >= 1000 else f'{year:04d}'}-{two[moment.month]}-{two[moment.day]}T{two[moment.hour]}:"
    text += f"{two[moment.minute]}:{two[moment.second]}"
    milliseconds = moment.microsecond // 1000
    return f"{text}.{_THREE_DIGITS[milliseconds]}Z" if milliseconds else f"{text}Z"


_TWO_DIGITS: Final = tuple(f"{number:02d}" for number in range(100))
_THREE_DIGITS: Final = tuple(f"{number:03d}" for number in range(1000))


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
