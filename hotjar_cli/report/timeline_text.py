"""The loss over time in the text report: since when each rule occurs, and where it started."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table

from hotjar_cli.core.summary import Summary
from hotjar_cli.core.visible import visible
from hotjar_cli.report.layout import Flow, fits, words
from hotjar_cli.report.site_view import (
    buckets_span,
    far_off_words,
    resolution_words,
    timeline_record,
    unmeasured_words,
    where,
)
from hotjar_cli.report.wording import counted

TIME_WIDTH = len("2024-04-02T09:41:05.618Z")
"""A column that shows an event time is never narrower: a time folded across two lines reads as two."""
GAPS_SAID = 5
"""The spans without events a report names, at most: the longest (the others are counted)."""
QUIET_DAYS = 3
"""By hour, an hour of the day the logs cover on fewer days tells no habit: it counts as one that holds events (see
`busy_hours`)."""


def since_lines(summary: Summary, by: str = "day", console: Console | None = None) -> Iterator[RenderableType]:
    """A table with one row per rule: first and last seen (event time, file:line), and each change point with
    its first example; on a `console` too narrow for that table, each rule's sightings stacked under it. Then the
    spans of event time without events (`gap_words`). Nothing when the run collected no timeline."""
    views = summary.views
    if views is None or views.timeline is None:
        return
    record = timeline_record(views.timeline, by)
    if summary.rules:
        yield from _rule_lines(summary, record, by, console)
        for said in unmeasured_words(record):
            yield Flow(words(said), indent=2)
    gaps = gap_words(record["buckets"], record["by"], record["far_off"] is not None)
    if gaps:
        yield Flow(words(gaps), indent=2)


def _rule_lines(summary: Summary, record: dict[str, Any], by: str, console: Console | None) -> Iterator[RenderableType]:
    """The rules' table (or each rule's sightings stacked, on a narrow `console`)."""
    far_off = f"; {far_off_words(record)}" if record["far_off"] is not None else ""
    untimed = record["untimed"]["events"]  # said, as the HTML report says it: they are in no row's times
    unread = f"; {counted(untimed, 'event')} with no readable event time" if untimed else ""
    title = f"When each rule occurs (event time, {resolution_words(record, by)}{far_off}{unread})"
    rows = [(code, record["rules"][code]) for code in sorted(summary.rules) if code in record["rules"]]
    table = Table(title=title, title_justify="left")
    table.add_column("rule", no_wrap=True)
    # The started column only when a rule started somewhere: empty, it took the room the times need.
    started = any(rule["started"] for _, rule in rows)
    for column in ("since", "last seen"):
        table.add_column(column, min_width=TIME_WIDTH)
    if started:
        table.add_column("started")
    for code, rule in rows:
        # A file:line breaks inside the file name when it must, never inside the line number.
        cells: list[RenderableType] = [code, _where(rule["first_seen"]), _where(rule["last_seen"])]
        if started:
            cells.append(Group(*(_started(start) for start in rule["started"])) if rule["started"] else "")
        table.add_row(*cells)
    if console is None or fits(console, table):
        yield table
        return
    yield Flow(words(title), indent=2)
    for code, rule in rows:
        yield Flow([(code, "bold"), (" " + rule["name"], "")], indent=2)
        yield Flow([("  since", ""), *words(visible(where(rule["first_seen"])), lead=" ")], indent=4)
        yield Flow([("  last seen", ""), *words(visible(where(rule["last_seen"])), lead=" ")], indent=4)
        for start in rule["started"]:
            yield Flow([("  started", "bold"), *_started(start, lead=" ").chunks], indent=4)


def _where(seen: dict[str, Any] | None) -> Flow:
    return Flow(words(visible(where(seen))), starts_lines=False)


def _started(start: dict[str, Any], lead: str = "") -> Flow:
    """Where a rule started, as a cell of the table (or its chunks, on a line of their own)."""
    return Flow(
        words(f"on {start['bucket']}: first {visible(where(start['first_example']))}", "bold", lead), starts_lines=False
    )


def gap_words(buckets: list[dict[str, Any]], resolution: str, far_off: bool = False) -> str:
    """`No events in 2 spans of event time, between the first event and the last: 2024-03-14 to 2024-03-15 (2 days),
    2024-03-20 (1 day)`, for the runs of empty buckets among `buckets` (the timeline record's, every one from the
    first to the last): the longest `GAPS_SAID` in time order, and how many more. An outage, or an export that
    missed some days, is a hole in the logs that the counts alone do not show. Nothing when there is none. `far_off`:
    the series left out a few far-off clocks, and the first and last events said are those charted.

    By hour, a run shorter than a day that is a site's usual quiet (`_usual`: the nights of a site used by day, by
    the hours of the day that usually hold events, `busy_hours`) is no such hole, and is only counted (`..., not
    counting 6 spans in hours of the day often without events`): listed, the nights were the longest runs, and hid
    an afternoon's outage behind them."""
    busy, often_empty = busy_hours(buckets) if resolution == "hour" else (None, set())
    gaps: list[tuple[int, str, str, int]] = []  # (place, first, last, buckets)
    run: list[str] = []
    usual = 0  # runs of hours that often hold no events
    for place, bucket in enumerate(buckets):
        if not bucket["events"]:
            run.append(bucket["start"])
            continue
        if run and busy is not None and len(run) < 24 and _usual(run, busy, often_empty):
            usual += 1
        elif run:
            gaps.append((place, run[0], run[-1], len(run)))
        run = []
    usual_words = f", not counting {counted(usual, 'span')} in hours of the day often without events" if usual else ""
    if not gaps:
        return ""
    said = sorted(sorted(gaps, key=lambda gap: (-gap[3], gap[0]))[:GAPS_SAID])
    spans = ", ".join(
        f"{buckets_span(first, last, resolution)} ({counted(length, resolution)})" for _, first, last, length in said
    )
    more = f", and {len(gaps) - len(said):,} more" if len(gaps) > len(said) else ""
    where = "a span" if len(gaps) == 1 else counted(len(gaps), "span")
    between = "between the first event charted and the last" if far_off else "between the first event and the last"
    return f"No events in {where} of event time, {between}: {spans}{more}{usual_words}"


def _usual(run: list[str], busy: set[int], often_empty: set[int]) -> bool:
    """Whether a run of empty hours is a site's usual quiet: it holds an hour of the day that often holds no events,
    and those of its hours that usually do (`busy`) are empty on other days too (`often_empty`): the sparse hours
    of a site's night, an evening that tails off, or the hour at a night's edge that a clock shifted an hour (summer
    time) leaves empty on every night on one side of the shift. An afternoon's outage holds busy hours alone; an
    outage of one morning's first hour, a busy hour empty on that day alone."""
    hours = [_hour_of_day(start) for start in run]
    if all(hour in busy for hour in hours):
        return False
    return all(hour not in busy or hour in often_empty for hour in hours)


def busy_hours(buckets: list[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """The hours of the day (0 to 23) that usually hold events, among `buckets` (hours from the first to the last):
    those that hold events on at least two days in three that the logs cover them, and those the logs cover on fewer
    than `QUIET_DAYS` days. An outage of one afternoon in a week leaves its hours busy on six days in seven. And the
    hours of the day empty on two days at least (see `_usual`)."""
    covered, busy = [0] * 24, [0] * 24
    for bucket in buckets:
        hour = _hour_of_day(bucket["start"])
        covered[hour] += 1
        busy[hour] += bucket["events"] > 0
    return (
        {hour for hour in range(24) if covered[hour] < QUIET_DAYS or 3 * busy[hour] >= 2 * covered[hour]},
        {hour for hour in range(24) if covered[hour] - busy[hour] >= 2},
    )


def _hour_of_day(start: str) -> int:
    """The hour of the day of an hour's label (`2024-03-05T11:00Z`: 11)."""
    return int(start[11:13])
