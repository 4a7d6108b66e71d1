"""When an event happened, as seconds since the epoch: what the site view orders and buckets events by.

Pure: the message's own fields only, never the clock.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from hotjar_cli.core.decode import Parsed, SegmentMessage

if TYPE_CHECKING:
    from mypy_extensions import i64  # compiled, a machine integer; run as Python, an `int`


def _fromisoformat(text: str) -> datetime:
    """`datetime.fromisoformat`, which stops reading at a NUL character (CPython reads the text as C does), so that
    `2024-03-01T10:00:00\u0000Z` was a time; Segment's `@segment/isodate`, and its spec's `dateTime`, have none."""
    if "\x00" in text:
        raise ValueError(f"Invalid isoformat string: {text!r}")
    return datetime.fromisoformat(text)


# Final, these tables are statics when compiled, rather than a lookup in the module's names at every use.
HOUR_STARTS: Final[dict[str, int]] = {}
"""The start of each hour met, in seconds, by its text `2024-03-01T10`: Segment's own times (`...T10:00:00.123Z`)
are then read through it and in place, at a fraction of the cost of `fromisoformat`; any other form takes that
path."""
_TENS: Final[tuple[int, ...]] = (1, 10, 100, 1000)  # held as one tuple: indexed, a fixed-size one is rebuilt
"""What a fraction of one, two or three decimals is divided by."""


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
    """A time ending in `Z` read in Segment's own form (`2024-03-01T10:00:00.123Z`), through the hours met; None
    in any other form.

    Past the hour it is read in place, character by character: compiled, looking slices of it up in tables of the
    minutes, seconds and fractions made and hashed three strings (2,900 instructions a time, against 900).
    """
    hour = HOUR_STARTS.get(value[:13])
    if hour is None:
        hour = hour_start(value[:13])
        if hour is None:
            return None
    size = len(value)
    if not (size == 20 or 22 <= size <= 24) or ord(value[13]) != _COLON or ord(value[16]) != _COLON:
        return None
    minute, second = int(_number(value, 14, 16)), int(_number(value, 17, 19))
    if not 0 <= minute <= 59 or not 0 <= second <= 59:
        return None
    if size == 20:
        return hour + minute * 60 + second
    fraction = int(_number(value, 20, size - 1))
    if ord(value[19]) != _DOT or fraction < 0:
        return None
    return hour + minute * 60 + second + fraction / _TENS[size - 21]


def segment_time(parsed: Parsed) -> str | None:
    """The `timestamp` when it is in Segment's own form (`2024-03-01T10:00:00.123Z`, with a date of that shape)
    and `event_seconds` reads its time from it (`is_segment_time`); None otherwise."""
    # Read as an attribute that an unreadable line lacks: compiled, naming SegmentMessage here is a lookup in the
    # module's names at every message.
    return segment_text(getattr(parsed, "timestamp", None))


def segment_text(text: object) -> str | None:
    """`segment_time`, given a message's `timestamp`."""
    if not isinstance(text, str) or not is_segment_time(text):
        return None
    return text


def plain_is_segment_time(text: str) -> bool:
    """Whether a text is a time in Segment's own form (`2024-03-01T10:00:00.123Z`, with a date of that shape) that
    `event_seconds` reads: `is_segment_time` in Python, the reference the C one is held equal to.

    Two such times of the same length are in the same order as text as in time, and equal only at the same
    time: they can be compared without being read.

    Read in place, character by character (compiled, `ord(text[i])` makes no string), and only from the seconds
    on when the time is in the minute of the last one taken, as nearly every time is: about 600 instructions,
    where looking slices of it up in sets of the hours, clocks and fractions met took 2,500.
    """
    size = len(text)
    if not (size == 20 or 22 <= size <= 24):
        return False
    if not text.startswith(_LAST_MINUTE.text):
        if ord(text[size - 1]) != _Z or not _segment_minute(text):
            return False
        _LAST_MINUTE.text = text[:16]
    return segment_seconds(text)


def _segment_time_reader() -> Callable[[str], bool]:
    try:
        from hotjar_cli.core import time_native  # named from its package: a module in C has no imports to follow
    except ImportError:  # not compiled, or the core runs from its sources (`hotjar_cli.compiled`)
        return plain_is_segment_time
    return time_native.is_segment_time


is_segment_time: Final = _segment_time_reader()
"""`plain_is_segment_time`, in C when the core was compiled at install (`hotjar_cli/core/time_native.c`): every
message's `timestamp` is asked (see `is_date_time`), and the compiled Python took about 410 instructions a call.
Final, compiled code holds it rather than look it up among the module's names at each call."""


def is_date_time(text: str) -> bool:
    """Whether a text is an ISO-8601 date and time, as Segment's spec has a `timestamp` (`schemas/common.json`'s
    `dateTime`): a date, `T` (or `t`, or a space), a time of at least hours and minutes, then any zone. Segment's
    own form is read in place (`is_segment_time`, nearly every time); any other by `fromisoformat`."""
    if is_segment_time(text):
        return True
    if len(text) < 16 or text[10] not in "Tt ":
        return False
    try:
        _fromisoformat(text[:-1] + "Z" if text.endswith("z") else text)  # RFC 3339 allows a `z` as it does a `t`
    except ValueError:
        return False
    return True


def segment_seconds(text: str) -> bool:
    """Whether a time whose first 16 characters are a minute in Segment's form (`2024-03-01T10:00`), and whose
    length is one such a time has, goes on as one does: `:SS`, then none, one, two or three decimals, then `Z`."""
    # Digit by digit, not by `_number`: compiled, a third of the instructions, on nearly every event of a timeline.
    size: i64 = len(text)
    if ord(text[size - 1]) != _Z or ord(text[16]) != _COLON:
        return False
    if not (_ZERO <= ord(text[17]) <= _FIVE and _ZERO <= ord(text[18]) <= _NINE):
        return False
    if size == 20:
        return True
    if ord(text[19]) != _DOT:
        return False
    index: i64 = 20
    while index < size - 1:
        if not _ZERO <= ord(text[index]) <= _NINE:
            return False
        index += 1
    return True


class _Minute:
    """The minute (`2024-03-01T10:00`) of the last time `segment_time` took."""

    __slots__ = ("text",)

    def __init__(self) -> None:
        self.text = "-"  # no time starts with a dash


_LAST_MINUTE: Final = _Minute()
_Z: Final = ord("Z")
_T: Final = ord("T")
_DASH: Final = ord("-")
_COLON: Final = ord(":")
_DOT: Final = ord(".")
_COMMA: Final = ord(",")
_ZERO: Final = ord("0")
_FIVE: Final = ord("5")
_NINE: Final = ord("9")
_PLUS: Final = ord("+")
_SPACE: Final = ord(" ")


SEGMENT_DATE_PATTERN: Final = r"(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:([ T])(\d{2}):?(\d{2})(?::?(\d{2})(?:[,.](\d+))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?)?"  # noqa: E501
"""`@segment/isodate` 1.0.3's `matcher`, without its anchors `^` and `$` (the whole text must match), as a source
that reads the same in JavaScript and in Python: `YYYY[-]MM[-]DD`, optionally `T` or a space, `hh[:]mm`, optionally
`[:]ss` and a fraction after `.` or `,`, then optionally `Z`, `+hh`, `+hhmm` or `+hh:mm` (or `-`).

Segment's Hotjar integration runs traits through `@segment/isodate-traverse`, which makes a `Date` of every string
`isodate.is(text, true)` accepts: one that starts with `SEGMENT_DATE_START` and is all this pattern. `\\d` is an
ASCII digit, as in JavaScript (in Python, with `re.ASCII`). The replay page converts with the same two patterns
(`hotjar_cli.replay.dates`), the inventory calls such a string a `date` (`is_segment_date`, `iso_date_text`)."""
SEGMENT_DATE_START: Final = r"\d{4}-\d{2}-\d{2}"
"""What strict mode (`isodate.is(text, true)`, as traverse calls it) requires a date to start with."""
_SEGMENT_DATE: Final = re.compile(SEGMENT_DATE_PATTERN, re.ASCII)
_SEGMENT_DATE_START: Final = re.compile(SEGMENT_DATE_START, re.ASCII)


def is_segment_date(text: str) -> bool:
    """Whether `@segment/isodate`'s `is(text, true)` accepts `text`: whether Segment's integration turns it into a
    `Date` in the browser. The definition, from the two patterns; `iso_date_text` reads the same faster."""
    return _SEGMENT_DATE_START.match(text) is not None and _SEGMENT_DATE.fullmatch(text) is not None


def iso_date_text(text: str) -> bool:
    """`is_segment_date`, read by hand: compiled, a small part of what the expressions cost.

    Past the `YYYY-MM-DD` strict mode requires, the pattern reads in one way only (each optional part starts with
    characters the part after it cannot start with), so it is read left to right without going back. No text past
    ASCII is a date: the pattern is ASCII only, and JavaScript's `\\d` takes ASCII digits only."""
    size = len(text)
    if size < 10 or ord(text[4]) != _DASH:
        return False  # nearly every text that is not a date
    if not text.isascii():
        return False
    if not (_digits(text, 0, 4) and _digits(text, 5, 7) and ord(text[7]) == _DASH and _digits(text, 8, 10)):
        return False
    if size == 10:
        return True
    # `T10:00`, ` 10:00` or `T1000`
    separator = ord(text[10])
    if (separator != _T and separator != _SPACE) or not _digits(text, 11, 13):
        return False
    at = 14 if size > 13 and ord(text[13]) == _COLON else 13
    if not _digits(text, at, at + 2):
        return False
    at += 2
    if at == size:
        return True
    mark = ord(text[at])
    if mark == _COLON or _ZERO <= mark <= _NINE:  # seconds, `:00` or `00`, then a fraction, optional
        if mark == _COLON:
            at += 1
        if not _digits(text, at, at + 2):
            return False
        at += 2
        if at == size:
            return True
        mark = ord(text[at])
        if mark in (_DOT, _COMMA):
            end = at + 1
            while end < size and _ZERO <= ord(text[end]) <= _NINE:
                end += 1
            if end == at + 1:
                return False
            if end == size:
                return True
            at = end
            mark = ord(text[at])
    # the zone: `Z`, or `+hh`, `+hhmm`, `+hh:mm` (or `-`)
    if mark == _Z:
        return at + 1 == size
    if (mark != _PLUS and mark != _DASH) or not _digits(text, at + 1, at + 3):
        return False
    at += 3
    if at == size:
        return True
    if ord(text[at]) == _COLON:
        at += 1
    return at + 2 == size and _digits(text, at, size)


def _digits(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is there, all ASCII digits."""
    if end > len(text):
        return False
    return all(_ZERO <= ord(text[index]) <= _NINE for index in range(start, end))


def _segment_minute(text: str) -> bool:
    """Whether `text` starts with a minute as `2024-03-01T10:00`: a real date, in the order of its text (not a week
    date, `2024-W09-1T10`), an hour from 00 to 23 (not 24, ISO 8601's end of a day) and a minute from 00 to 59."""
    if ord(text[4]) != _DASH or ord(text[7]) != _DASH or ord(text[10]) != _T or ord(text[13]) != _COLON:
        return False
    year, month, day = _number(text, 0, 4), _number(text, 5, 7), _number(text, 8, 10)
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= _days_in(year, month):
        return False
    return 0 <= _number(text, 11, 13) <= 23 and 0 <= _number(text, 14, 16) <= 59


def _number(text: str, start: i64, end: i64) -> i64:
    """The number `text[start:end]` writes in ASCII digits (0 when empty); -1 when any other character is there.

    In machine integers when compiled: about 15 instructions a digit, against 60 with Python's."""
    value: i64 = 0
    index = start
    while index < end:
        digit: i64 = ord(text[index]) - _ZERO
        if not 0 <= digit <= 9:
            return -1
        value = value * 10 + digit
        index += 1
    return value


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def text_seconds(text: str) -> float:
    """A `timestamp` in Segment's form (`YYYY-MM-DDTHH...Z`) as seconds: exactly when it reads as ISO-8601, else
    the start of the hour its first 13 characters name (such a time was bucketed by them)."""
    seconds = _segment_seconds(text) if text[-1:] == "Z" else None
    if seconds is None:
        seconds = event_seconds(SegmentMessage(timestamp=text))
    return seconds if seconds is not None else hour_seconds(text[:13])


def hour_start(text: str) -> int | None:
    """The start of an hour in seconds from its text `2024-03-01T10`, remembered in `HOUR_STARTS`; None for any other
    text."""
    if len(text) != 13 or text[10] != "T":
        return None
    try:
        moment = _fromisoformat(text + ":00:00+00:00")
    except ValueError:
        return None
    if len(HOUR_STARTS) >= 100_000:
        HOUR_STARTS.clear()
    start = HOUR_STARTS[text] = int(moment.timestamp())
    return start


def hour_seconds(text: str) -> int:
    """The start of an hour named as `2024-03-01T10` and read before: from the hours met, or read again once they
    were let go (past 100,000 of them)."""
    start = HOUR_STARTS.get(text)
    if start is None:
        start = hour_start(text)
        if start is None:
            raise ValueError(f"not an hour: {text!r}")
    return start


FIRST_SECOND: Final = -62_135_596_800
"""0001-01-01T00:00:00Z: the first time a date holds, in seconds."""
END_SECOND: Final = 253_402_300_800
"""10000-01-01T00:00:00Z: every time a date holds is before it."""


def _slow_seconds(parsed: SegmentMessage) -> float | None:
    for value in (parsed.timestamp, parsed.originalTimestamp, parsed.receivedAt):
        if type(value) is str:
            moment = _read_time(value)
            if moment is not None:
                return moment.timestamp()
    return None


def read_time_text(text: str) -> str | None:
    """The event time read from a `timestamp` text (`event_seconds`) that is no ISO-8601 date and time
    (`is_date_time`), as reports show times (`iso`): a date alone at its midnight, hours without minutes, the basic
    form (`20240301`), each in UTC without a zone. None when no time is read from it."""
    moment = _read_time(text)
    return None if moment is None else iso(moment.timestamp())


def _read_time(value: str) -> datetime | None:
    """An ISO-8601 time as `fromisoformat` reads it, else with the spaces around it and a lower-case `z` forgiven;
    without a zone, UTC. None when unreadable, and for a time whose offset takes it past the years a date holds
    (`9999-12-31T23:00:00-05:00` is in the year 10000 in UTC): it could be neither bucketed nor shown."""
    try:
        moment = _fromisoformat(value)
    except ValueError:
        try:
            moment = _fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment if FIRST_SECOND <= moment.timestamp() < END_SECOND else None


def iso(seconds: float | None) -> str | None:
    """`2024-03-01T10:00:00.123Z` for a time in seconds, always with its milliseconds (`.000Z` too: every time of a
    report has one width, so that times sort as text and a reader such as pandas takes them in one format; finer
    digits are cut);
    None stays None, and so does a time past the years a date holds (a projection far ahead, say).

    A time in seconds is a float, whose last bit is a second's millionth around 2000 and 30 millionths in the year
    9999: 12:34:56.001 in the year 2300 is held a millionth short of it. So the milliseconds are read from the time
    and one unit in its last place, which no time written with at most as many digits can reach: a time written in
    milliseconds shows them in any year. The date is worked out in integers from the days since 1970 (Howard
    Hinnant's `civil_from_days`): through `datetime`, with an attribute lookup for every field, a time cost 8,000
    instructions, and a report has a time or two for every name and rule it lists.
    """
    if seconds is None or not FIRST_SECOND <= seconds < END_SECOND:
        return None
    whole = math.floor(seconds)
    milliseconds = int((seconds - whole + _ulp(seconds)) * 1000)  # the difference is exact
    if milliseconds >= 1000:
        whole, milliseconds = whole + 1, milliseconds - 1000
    if whole >= END_SECOND:
        whole, milliseconds = END_SECOND - 1, 999
    days = whole // 86_400
    second = whole - days * 86_400
    date = _DATES.get(days)
    if date is None:
        date = _date(days)
    end = _ENDS[milliseconds]
    two = _TWO_DIGITS
    hour = second // 3600
    minute = second // 60 - hour * 60
    return f"{date}{two[hour]}:{two[minute]}:{two[second % 60]}{end}"


def _date(days: int) -> str:
    """`2024-03-01T` for the day `days` after 1970-01-01, remembered in `_DATES`."""
    if len(_DATES) >= _DATES_HELD:
        _DATES.clear()
    year, month, day = _civil_date(days)
    shown_year = str(year) if year >= 1000 else f"{year:04d}"  # ISO 8601 pads a year to four digits
    date = _DATES[days] = f"{shown_year}-{_TWO_DIGITS[month]}-{_TWO_DIGITS[day]}T"
    return date


def _civil_date(days: int) -> tuple[int, int, int]:
    """The year, month and day `days` after 1970-01-01 in the proleptic Gregorian calendar (civil_from_days)."""
    shifted = days + 719_468  # days from 0000-03-01, so that a leap day ends its year
    era = shifted // 146_097
    day_of_era = shifted - era * 146_097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_from_march = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_from_march + 2) // 5 + 1
    month = month_from_march + 3 if month_from_march < 10 else month_from_march - 9
    return year_of_era + era * 400 + (month <= 2), month, day


_TWO_DIGITS: Final = tuple(f"{number:02d}" for number in range(100))
_DATES: Final[dict[int, str]] = {}
"""The date `iso` writes for a day since 1970, by day: the times of a report fall on a few days, and a date worked out
and written anew each time took half of the 3,000 instructions a time cost (an inventory writes two for each name)."""
_DATES_HELD: Final = 4096
"""Dates remembered at most: past that, they are let go and remembered anew."""
_ulp: Final = math.ulp
"""Bound once: compiled, `math.ulp` is looked up in the module's names at every call."""
_ENDS: Final = tuple(f".{number:03d}Z" for number in range(1000))
"""The end of a time written by `iso`, by its milliseconds: none shown when there are none."""


def parse_time(text: str) -> datetime:
    """An ISO-8601 date or date-time; without a zone it is UTC. Raises ValueError."""
    moment = _fromisoformat(text.strip().replace("z", "Z"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def message_time(message: SegmentMessage) -> datetime | None:
    """When the event happened: `timestamp`, else `originalTimestamp`, else `receivedAt`."""
    found = _message_time(message)
    return found[0] if found else None


def message_time_text(message: SegmentMessage) -> Any:
    """The time of the event as the message wrote it: the field `message_time` reads; when none of the three is a
    readable time, the first of them the message has, as it wrote it (`"not a time"`, or a number); None only when
    it has none of them."""
    found = _message_time(message)
    if found:
        return found[1]
    return next(
        (value for value in (message.timestamp, message.originalTimestamp, message.receivedAt) if value is not None),
        None,
    )


def _message_time(message: SegmentMessage) -> tuple[datetime, str] | None:
    # Read as `event_seconds` reads it, so that the filters keep the events the reports place in their span.
    for value in (message.timestamp, message.originalTimestamp, message.receivedAt):
        if isinstance(value, str):
            moment = _read_time(value)
            if moment is not None:
                return moment, value
    return None
