"""A time in Segment's own form is compared as text only where text order is time order."""

from __future__ import annotations

import pytest

from hotjar_cli.core.decode import SegmentMessage
from hotjar_cli.core.eventtime import event_seconds, segment_time


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
