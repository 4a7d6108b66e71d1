"""The loss over time in the text report: since when each rule occurs, and where it started."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table

from hotjar_cli.core.summary import Summary
from hotjar_cli.core.visible import visible
from hotjar_cli.report.interface import Report
from hotjar_cli.report.layout import Flow, fits, words
from hotjar_cli.report.site_view import (
    report_timeline,
    rules_over_time_words,
    summary_gap_words,
    unmeasured_words,
    where,
)

TIME_WIDTH = len("2024-04-02T09:41:05.618Z")
"""A column that shows an event time is never narrower: a time folded across two lines reads as two."""


def since_lines(report: Report, console: Console | None = None) -> Iterator[RenderableType]:
    """A table with one row per rule: first and last seen (event time, file:line), and each change point with
    its first example; on a `console` too narrow for that table, each rule's sightings stacked under it. Then the
    spans of event time without events (`gap_words`). Nothing when the run collected no timeline."""
    summary, by = report.summary, report.by
    record = report_timeline(report)
    if record is None:
        return
    if summary.rules:
        yield from _rule_lines(summary, record, by, console)
        for said in unmeasured_words(record):
            yield Flow(words(said), indent=2)
    gaps = summary_gap_words(record, summary)
    if gaps:
        yield Flow(words(gaps), indent=2)


def _rule_lines(summary: Summary, record: dict[str, Any], by: str, console: Console | None) -> Iterator[RenderableType]:
    """The rules' table (or each rule's sightings stacked, on a narrow `console`)."""
    title = f"When each rule occurs ({rules_over_time_words(record, by)})"
    rows = [(code, record["rules"][code]) for code in sorted(summary.rules) if code in record["rules"]]
    table = Table()  # its title on a line of its own: as a table's title, Rich pads it to the table's width
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
        yield Flow(words(title))
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
