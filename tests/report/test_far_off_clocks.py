"""A few events from clocks far off (one device at 1970-01-01 beside this March's logs): the series charts the rest
as finely as asked and counts them apart, so an outage and the day a loss started still show."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from hotjar_cli.core.timeline import OUTSIDE_SHARES, shortest_window
from tests.support.cli import cli

DAY = 86400


def outage_log(path: Path, far_off: list[str]) -> None:
    """Nine days of March 2024 (none on the 5th, an outage), 120 identifies and 120 tracks a day, the identifies
    sending a nested trait from the 7th on; and a track at each time of `far_off`."""
    lines = []
    for day in (1, 2, 3, 4, 6, 7, 8, 9, 10):
        for number in range(120):
            time = f"2024-03-{day:02d}T{number % 24:02d}:{number % 60:02d}:00.000Z"
            traits: dict[str, object] = {"plan": "pro"}
            if day >= 7:
                traits["company"] = {"name": "Acme"}
            lines.append({"type": "identify", "userId": f"u{number}", "traits": traits, "timestamp": time})
            lines.append({"type": "track", "userId": f"u{number}", "event": "Signed Up", "timestamp": time})
    for at, time in enumerate(far_off):
        lines.insert(100 * at, {"type": "track", "userId": "far", "event": "Signed Up", "timestamp": time})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_far_off_clocks_leave_the_outage_and_the_start_of_a_loss_by_day(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    outage_log(log, ["1970-01-01T00:00:00.000Z", "2031-05-02T00:00:00.000Z"])
    timeline = cli("validate", log, "-f", "json", "--fail-on", "never").json()["timeline"]
    assert timeline["by"] == "day"
    assert [bucket["start"] for bucket in timeline["buckets"]] == [f"2024-03-{day:02d}" for day in range(1, 11)]
    assert timeline["buckets"][4]["events"] == 0
    assert [start["bucket"] for start in timeline["rules"]["HJ201"]["started"]] == ["2024-03-07"]
    far_off = timeline["far_off"]
    assert far_off["events"] == far_off["tracks"] == 2 and far_off["starts"] == ["1970-01-01", "2031-05-02"]
    assert sum(bucket["events"] for bucket in timeline["buckets"]) + far_off["events"] == 9 * 240 + 2
    text = " ".join(cli("validate", log, "--fail-on", "never").stdout.split())
    assert (
        "2 events lie outside 2024-03-01 to 2024-03-10, far from the rest (1970-01-01 and 2031-05-02): counted "
        "apart, not charted" in text
    )
    assert "No events in a span of event time, between the first event charted and the last: 2024-03-05 (1 day)" in text


def test_far_off_clocks_are_charted_apart_by_hour_too_and_said_in_the_html_report(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    outage_log(log, ["0001-01-01T00:00:00.000Z"])
    with log.open("a") as file:  # and an identify with a nested trait, from a clock far off too
        traits = {"company": {"name": "Acme"}}
        file.write(
            json.dumps({"type": "identify", "userId": "far", "traits": traits, "timestamp": "2099-01-01T00:00:00.000Z"})
        )
    timeline = cli("validate", log, "-f", "json", "--by", "hour", "--fail-on", "never").json()["timeline"]
    assert timeline["by"] == "hour" and len(timeline["buckets"]) == 10 * 24
    assert timeline["far_off"]["starts"] == ["0001-01-01T00:00Z", "2099-01-01T00:00Z"]
    assert timeline["far_off"]["events_by_rule"] == {"HJ201": 1}
    page = tmp_path / "report.html"
    cli("validate", log, "-f", "html", "--by", "hour", "-o", page, "--fail-on", "never")
    html = page.read_text()
    assert (
        "2 events lie outside the span from 2024-03-01T00:00Z until 2024-03-11T00:00Z, far from the rest "
        "(0001-01-01T00:00Z and 2099-01-01T00:00Z): counted apart, not charted." in html
    )
    assert html.count("And 1 event far from the rest, not in the chart.") == 1  # HJ201's card


def test_too_few_events_for_any_to_lie_apart_chart_every_bucket_coarser(tmp_path: Path) -> None:
    # Under 100 timed events none may lie outside: one of two is half the logs, no far-off clock.
    log = tmp_path / "events.jsonl"
    log.write_text(
        "".join(
            json.dumps({"type": "track", "userId": "u", "event": "A", "timestamp": time}) + "\n"
            for time in ("1970-01-01T00:00:00Z", "2024-03-01T10:00:00Z")
        )
    )
    timeline = cli("validate", log, "-f", "json").json()["timeline"]
    assert timeline["by"] == "month" and timeline["far_off"] is None


def test_the_same_series_and_far_off_events_for_any_number_of_jobs(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    outage_log(log, ["1970-01-01T00:00:00.000Z", "2031-05-02T01:00:00.000Z"])
    outputs = {
        jobs: cli("validate", log, "-f", "json", "--jobs", jobs, "--fail-on", "never").stdout for jobs in ("1", "2")
    }
    assert outputs["1"] == outputs["2"]
    assert json.loads(outputs["1"])["timeline"]["far_off"]["events"] == 2


def series_spans(counts: list[int]) -> list[tuple[int, int, int]]:
    """Day spans from 2024-01-01 holding these many events."""
    start = 1_704_067_200
    return [(start + number * DAY, start + (number + 1) * DAY, count) for number, count in enumerate(counts)]


@given(st.lists(st.integers(0, 400), min_size=1, max_size=60), st.sampled_from(OUTSIDE_SHARES))
def test_the_span_charted_is_the_shortest_that_leaves_out_few_enough(counts: list[int], share: float) -> None:
    counts = [1, *counts, 1]  # a series starts and ends with a bucket that holds events
    window = shortest_window(series_spans(counts), share)
    total = sum(counts)
    allowed = max(1, int(total * share))
    if allowed > total // 100:
        assert window is None
        return
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
    spans_of = series_spans(counts)
    assert window == (spans_of[first][0], spans_of[last][1], total - sum(counts[first : last + 1]))
