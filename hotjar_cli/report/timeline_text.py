"""The loss over time in the text report: since when each rule occurs, and where it started."""

from __future__ import annotations

from collections.abc import Iterator

from rich.table import Table
from rich.text import Text

from hotjar_cli.core.summary import Summary
from hotjar_cli.core.visible import visible
from hotjar_cli.report.site_view import timeline_record, where


def since_lines(summary: Summary, by: str = "day") -> Iterator[Table]:
    """A table with one row per rule: first and last seen (event time, file:line), and each change point with
    its first example. Nothing when the run collected no timeline."""
    views = summary.views
    if views is None or views.timeline is None or not summary.rules:
        return
    record = timeline_record(views.timeline, by)
    table = Table(title=f"When each rule occurs (event time, by {record['by']})", title_justify="left")
    for column in ("rule", "since", "last seen", "started"):
        table.add_column(column, overflow="fold")  # a narrow terminal wraps a file:line, never cuts it
    for code in sorted(summary.rules):
        rule = record["rules"].get(code)
        if rule is None:
            continue
        started = "\n".join(
            f"on {start['bucket']}: first {visible(where(start['first_example']))}" for start in rule["started"]
        )
        # Text, not str: a file name is never read as rich markup.
        table.add_row(
            code,
            Text(visible(where(rule["first_seen"]))),
            Text(visible(where(rule["last_seen"]))),
            Text(started, "bold"),
        )
    yield table
