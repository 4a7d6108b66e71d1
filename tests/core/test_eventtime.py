"""A time in Segment's own form is compared as text only where text order is time order."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import pytest

from hotjar_cli.core.decode import SegmentMessage
from hotjar_cli.core.eventtime import (
    event_seconds,
    is_date_time,
    is_segment_date,
    iso,
    iso_date_text,
    message_time,
    parse_time,
    plain_is_segment_time,
    segment_time,
)
from hotjar_cli.core.reference import date_time as reference_date_time
from tests.support.isodate import DATE_STRINGS, segment_makes_dates


@pytest.mark.parametrize(
    "text",
    ["2024-03-01T10:00:00.123Z", "2024-03-01T10:00:00.12Z", "2024-03-01T10:00:00.1Z", "2024-03-01T23:59:59Z"],
)
def test_a_time_in_segment_form_is_its_own_order(text: str) -> None:
    assert segment_time(SegmentMessage(timestamp=text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "2024-W09-5T10:00:00.123Z",  # a week date: read, but its text sorts after every date of the year
        "2024-03-01T24:00:00.000Z",  # the end of a day
        "2024-03-01T11:00:00.123+01:00",
        "2024-03-01T10:00:00.1234Z",
        "2024-03-01T10:60:00Z",
        "2024-02-30T10:00:00Z",
        "2024-03-01 10:00:00Z",
        "2024-03-01t10:00:00z",
    ],
)
def test_any_other_time_is_read(text: str) -> None:
    assert segment_time(SegmentMessage(timestamp=text)) is None


@pytest.mark.parametrize(
    "text", ["2024-03-01T10:00:00\u0000Z", "2024-03-01T10:00:00Z\u0000", "2024-03-01T10:00\u0000", "2024-03-01\u0000"]
)
def test_a_time_holding_a_nul_is_no_time(text: str) -> None:
    # Python's `fromisoformat` stops reading at a NUL: the first two were read as 10:00 and escaped HJ005.
    message = SegmentMessage(timestamp=text)
    assert not is_date_time(text) and not reference_date_time(text)
    assert event_seconds(message) is None and message_time(message) is None
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_time(text)


def test_times_of_one_length_in_segment_form_sort_as_text_as_in_time() -> None:
    texts = [
        f"2024-0{month}-{day:02d}T{hour:02d}:0{minute}:59.9Z"
        for month in (2, 3)
        for day in (1, 29)
        for hour in (0, 9, 23)
        for minute in (0, 5)
    ]
    messages = [SegmentMessage(timestamp=text) for text in texts]
    assert all(segment_time(message) is not None for message in messages)
    assert sorted(texts) == [message.timestamp for message in sorted(messages, key=event_seconds)]  # type: ignore[arg-type]  # every time is read


_CLOCKS = {f":{minute:02d}:{second:02d}" for minute in range(60) for second in range(60)}
_FRACTIONS = {"", *(f".{number:0{digits}d}" for digits in (1, 2, 3) for number in range(10**digits))}


def reference_segment_time(text: str) -> str | None:
    """`segment_time` from its definition: Segment's layout (`:MM:SS` and the fraction as `event_seconds` reads
    them), with an hour (not 24) that `datetime.fromisoformat` reads as ISO 8601."""
    hour = text[:13]
    if text[-1:] != "Z" or text[13:19] not in _CLOCKS or text[19:-1] not in _FRACTIONS:
        return None
    if len(hour) != 13 or hour[4] != "-" or hour[7] != "-" or hour[10] != "T" or hour[11:] == "24":
        return None
    try:
        datetime.fromisoformat(hour + ":00:00+00:00")
    except ValueError:
        return None
    return text


def odd_times(count: int, seed: int) -> list[str]:
    """Times in Segment's form, some with a character swapped for another that could be there, some dates and hours
    at or past their ends, and half of them in the minute of the time before (as most times in a log are)."""
    rng = random.Random(seed)
    swaps = "0123456789-T:.Z zW+٣"
    times = []
    for _ in range(count):
        moment = datetime(1, 1, 1) + timedelta(seconds=rng.randrange(10**11))
        text = f"{moment.year:04d}-{moment.month:02d}-{rng.choice([moment.day, 28, 29, 30, 31]):02d}T"
        text += f"{rng.choice([moment.hour, 23, 24]):02d}:{moment.minute:02d}:{moment.second:02d}"
        text += rng.choice(["", ".", ".1", ".12", ".123", ".1234"]) + "Z"
        if times and rng.random() < 0.5:
            text = times[-1][:16] + text[16:]
        characters = list(text)
        for _ in range(rng.choice([0, 0, 1, 2])):
            characters[rng.randrange(len(characters))] = rng.choice(swaps)
        times.append("".join(characters))
    return times


@pytest.mark.parametrize("seed", range(4))
def test_segment_form_is_what_iso_8601_reads_in_segment_layout(seed: int) -> None:
    for text in [*odd_times(20_000, seed), "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "2000-02-29T23:59:59.9Z"]:
        assert segment_time(SegmentMessage(timestamp=text)) == reference_segment_time(text), text


@pytest.mark.parametrize("seed", range(2))
def test_the_time_form_in_c_answers_as_the_python_one(time_native: ModuleType, seed: int) -> None:
    # Half the times share the minute of the one before (as most times in a log do), which each keeps.
    texts = [*odd_times(20_000, seed), "", "2024-03-01T10:00:00.123Z", "2024-03-01T10:00:00.1\u0663Z", "x" * 24]
    for text in texts:
        assert time_native.is_segment_time(text) == plain_is_segment_time(text), text
    with pytest.raises(TypeError):
        time_native.is_segment_time(b"2024-03-01T10:00:00Z")


@pytest.mark.parametrize("seed", range(2))
def test_a_timestamp_is_a_date_and_time_exactly_where_iso_8601_reads_one(seed: int) -> None:
    # Segment's own form is read in place; any other goes to `fromisoformat`: the two must agree on every text.
    others = ["2024-03-01", "2024-03-01T10", "2024-03-01 10:00", "2024-03-01t10:00:00+02:00", "20240301T1000", "hello"]
    others += ["2024-03-01T10:00:00z", "2024-03-01T10:00:00.5z", "2024-03-01T10:00z"]
    for text in [*odd_times(20_000, seed), *others, "2024-03-01T10:00:00.123456789Z", " 2024-03-01T10:00:00Z"]:
        assert is_date_time(text) == reference_date_time(text), text


_MINUTES = {f":{minute:02d}": minute * 60 for minute in range(60)}
_SECONDS = {f":{second:02d}": second for second in range(60)}
_FRACTION_VALUES = {
    "": 0,
    **{f".{number:0{digits}d}": number / 10**digits for digits in (1, 2, 3) for number in range(10**digits)},
}


def reference_event_seconds(text: str) -> float | None:
    """`event_seconds` of a `timestamp` alone, from its definition: Segment's layout read through tables of its
    parts (the hour by `fromisoformat`), else ISO 8601 by `fromisoformat`."""
    if text[-1:] == "Z" and len(text) >= 13 and text[10] == "T":
        try:
            hour = datetime.fromisoformat(text[:13] + ":00:00+00:00").timestamp()
        except ValueError:
            pass
        else:
            try:
                return int(hour) + _MINUTES[text[13:16]] + _SECONDS[text[16:19]] + _FRACTION_VALUES[text[19:-1]]
            except KeyError:
                pass
    for candidate in (text, text.strip().replace("z", "Z")):
        try:
            moment = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
    return None


@pytest.mark.parametrize("seed", range(2))
def test_a_time_in_segment_form_is_read_as_iso_8601_reads_it(seed: int) -> None:
    for text in odd_times(20_000, seed):
        assert event_seconds(SegmentMessage(timestamp=text)) == reference_event_seconds(text), text


@pytest.mark.parametrize("seed", range(2))
def test_the_filters_read_the_time_the_reports_read(seed: int) -> None:
    # `--since` and `--until` read `message_time`; the time series and the inventory, `event_seconds`.
    for text in [*odd_times(5_000, seed), "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"]:
        message = SegmentMessage(timestamp=text, originalTimestamp="2024-03-01T10:00:00Z")
        moment = message_time(message)
        assert (moment and moment.timestamp()) == event_seconds(message), text


def reference_iso(seconds: float) -> str:
    """`iso` from its definition: the whole seconds and cut milliseconds of the time and one unit in its last place
    (exact, in fractions), the milliseconds always written: every time has one width, and sorts as text."""
    time = Fraction(seconds) + Fraction(math.ulp(seconds))
    whole = math.floor(time)
    milliseconds = math.floor((time - whole) * 1000)
    moment = datetime.fromtimestamp(whole, UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") if moment.year < 1000 else moment.isoformat(timespec="seconds")[:19]
    return f"{text}.{milliseconds:03d}Z"


@pytest.mark.parametrize("text", ["2300-06-15T12:34:56.001Z", "9999-12-31T23:59:59.999Z", "0001-01-01T00:00:00.001Z"])
def test_a_time_written_in_milliseconds_shows_them_in_any_year(text: str) -> None:
    assert iso(event_seconds(SegmentMessage(timestamp=text))) == text
    rng = random.Random(text)
    for _ in range(2_000):
        moment = datetime(1, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(315_537_897_600))
        written = f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}.{rng.randrange(1, 1000):03d}Z"
        assert iso(event_seconds(SegmentMessage(timestamp=written))) == written


def test_a_time_in_seconds_is_written_with_its_milliseconds() -> None:
    rng = random.Random(3)
    times: list[float] = [0, 0.0, -0.0005, 0.0005, 0.0015, 1709251200, 1709251200.123, 951782400.5, -1, -86400.25]
    times += [1709251200 + rng.randrange(10**6) / 1000 for _ in range(5_000)]  # Segment's milliseconds
    times += [rng.uniform(-3.0e10, 2.5e11) for _ in range(20_000)]  # the years 1019 to 9891
    times += [
        rng.randrange(-3 * 10**10, 25 * 10**10) + rng.choice([0.0005, 0.9995, 0.0004999, 0.4995]) for _ in range(5_000)
    ]
    times += [rng.randrange(-3 * 10**10, 25 * 10**10) for _ in range(5_000)]
    times += [
        whole + odd / 128 for whole in (1709251200, 0, -86401) for odd in range(-127, 128, 2)
    ]  # half a microsecond
    for seconds in times:
        assert iso(seconds) == reference_iso(seconds), seconds


def test_a_text_is_a_date_exactly_where_segment_makes_a_date_of_it(segment_dates_folder: Path) -> None:
    # `@segment/isodate`'s `is(text, true)`, run with node: what the browser holds a `Date` for.
    dates = segment_makes_dates(segment_dates_folder, DATE_STRINGS)
    for predicate in (iso_date_text, is_segment_date):  # read by hand, and the patterns the replay page converts with
        differ = [(text[:40], date) for text, date in zip(DATE_STRINGS, dates, strict=True) if predicate(text) != date]
        assert differ == [], f"{predicate.__name__}: (text, whether Segment makes a Date of it)"
    assert dates[:5] == [True, True, True, False, False]  # the strings a user found the inventory wrong about
