"""A few events from clocks far off make every bucket coarse: the reports name the span that holds the rest and the
`--since`/`--until` that would chart it finer."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from hotjar_cli.core.timeline import RESOLUTIONS, Bucket, next_bucket
from hotjar_cli.report.site_view import OUTSIDE_SHARE, narrower
from tests.support.cli import cli

DAY = 86400


def log_with_far_off_clocks(path: Path) -> int:
    """2,000 events over March 2024, one in 1970 and one in the year 1: the events of the month. Each drops its
    properties, so the text report has a rule to say since when it occurs."""
    times = [f"2024-03-{1 + n % 28:02d}T{n % 24:02d}:00:00Z" for n in range(2000)]
    times += ["1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z"]
    lines = [
        {"type": "track", "userId": f"u{n}", "event": "A", "timestamp": time, "properties": {"a": 1}}
        for n, time in enumerate(times)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return 2000


def test_the_span_named_charts_the_rest_as_finely_as_promised(tmp_path: Path) -> None:
    log = tmp_path / "clocks.jsonl"
    kept = log_with_far_off_clocks(log)
    timeline = cli("validate", log, "--by", "hour", "-f", "json", "--fail-on", "never").json()["timeline"]
    assert timeline["by"] == "year"
    window = timeline["narrower"]
    assert window == {
        "events_outside": 2,
        "since": "2024-01-01T00:00:00.000Z",
        "until": "2025-01-01T00:00:00.000Z",
        "by": "day",
        "or_finer": True,
    }
    text = cli("validate", log, "--by", "hour", "--fail-on", "never").stdout
    assert "2 events lie outside 2024-01-01T00:00:00.000Z to 2025-01-01T00:00:00.000Z: --since" in " ".join(
        text.split()
    )
    followed = cli(
        "validate", log, "--by", "hour", "-f", "json", "--fail-on", "never",
        "--since", window["since"], "--until", window["until"],
    ).json()  # fmt: skip
    assert followed["summary"]["filtered"] == window["events_outside"]
    assert sum(bucket["events"] for bucket in followed["timeline"]["buckets"]) == kept
    assert RESOLUTIONS.index(followed["timeline"]["by"]) <= RESOLUTIONS.index(window["by"])  # "or finer": by hour
    assert followed["timeline"]["narrower"] is None


def test_logs_charted_as_asked_name_no_span(tmp_path: Path) -> None:
    log = tmp_path / "clocks.jsonl"
    log_with_far_off_clocks(log)
    # By year, as asked: nothing to chart finer. Days of one month: every bucket as asked.
    assert cli("validate", log, "--by", "day", "-f", "json", "--fail-on", "never").json()["timeline"]["by"] == "year"
    march = cli("validate", log, "--since", "2024-03-01", "-f", "json", "--fail-on", "never").json()["timeline"]
    assert march["by"] == "day" and march["narrower"] is None


def series_of(counts: list[int]) -> list[tuple[int, Bucket]]:
    """Day buckets from 2024-01-01 holding these many events, as `Timeline.series` lists them."""
    start = 1_704_067_200
    series = []
    for number, count in enumerate(counts):
        bucket = Bucket()
        bucket.outcomes[0] = count
        series.append((start + number * DAY, bucket))
    return series


@given(st.lists(st.integers(0, 400), min_size=1, max_size=60))
def test_the_span_is_the_shortest_that_leaves_out_few_enough(counts: list[int]) -> None:
    counts = [1, *counts, 1]  # a series starts and ends with a bucket that holds events
    window = narrower(series_of(counts), "day", "hour")
    total = sum(counts)
    allowed = max(1, int(total * OUTSIDE_SHARE))
    # The slow reference: every span of buckets, the shortest that holds enough, the first of them.
    spans = [
        (last - first, first, last)
        for first in range(len(counts))
        for last in range(first, len(counts))
        if sum(counts[first : last + 1]) >= total - allowed
    ]
    _, first, last = min(spans)
    # Then widened, bucket by bucket, to those with events that lie at most half its length away (empty buckets
    # between them counted): the quiet edges of the logs, not a far-off clock.
    while True:
        half = (last - first + 1) / 2
        before = [at for at in range(first) if counts[at]]
        after = [at for at in range(last + 1, len(counts)) if counts[at]]
        if before and first - 1 - before[-1] <= half:
            first = before[-1]
        elif after and after[0] - last - 1 <= half:
            last = after[0]
        else:
            break
    outside = total - sum(counts[first : last + 1])
    if allowed > total // 100 or outside == 0 or (last - first + 1) * 24 > 2000:
        assert window is None
        return
    assert window is not None
    assert window["events_outside"] == outside
    series = series_of(counts)
    assert window["since"] == _iso(series[first][0]) and window["until"] == _iso(next_bucket(series[last][0], "day"))
    assert window["by"] == "hour" and not window["or_finer"]


def _iso(seconds: int) -> str:
    from hotjar_cli.core.eventtime import iso

    return str(iso(seconds))
