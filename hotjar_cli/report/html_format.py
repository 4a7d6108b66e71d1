"""`--format html`: one self-contained page that works offline and makes no network request.

Charts are Vega-Lite specifications rendered to static SVG by vl-convert (the `html` extra), so the page holds
no charting JavaScript at all; its only script sorts and filters the inventory table, and is allowed by its hash.
A Content-Security-Policy in the page forbids every network access (`default-src 'none'`). Every name, value,
path and payload from the logs is escaped: the page shows it as text and runs none of it.

The size is bounded whatever the input: the buckets are (`hotjar_cli.core.timeline.MAX_BUCKETS`), charts drop
their point markers past `POINTS_UP_TO` buckets, the table holds the `TABLE_ROWS` most frequent names of each kind,
and each rule shows at most `EXAMPLES` examples of at most `EXAMPLE_LINES` lines.
"""

from __future__ import annotations

import base64
import hashlib
import html
from typing import Any

import msgspec

from hotjar_cli import __version__
from hotjar_cli.core.model import OUTCOMES
from hotjar_cli.core.rules import RULES
from hotjar_cli.core.summary import Example
from hotjar_cli.core.visible import visible, visible_json
from hotjar_cli.report.diff import Mark, diff_lines, hj_call
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.records import report_record
from hotjar_cli.report.redact import redact_example
from hotjar_cli.report.site_view import inventory_record, pace_words, where
from hotjar_cli.report.wording import counted

POINTS_UP_TO = 200
TABLE_ROWS = 1_000
EXAMPLES = 3
EXAMPLE_LINES = 60
LINE_CHARACTERS = 200
INSTALL_HINT = "pip install 'hotjar-cli[html]'"
OUTCOME_COLOURS = {
    "accepted": "#2e7d32",
    "modified": "#f9a825",
    "rejected": "#c62828",
    "ignored": "#9e9e9e",
    "invalid": "#6a1b9a",
}
MARK_CLASSES = {Mark.KEPT: "kept", Mark.DROPPED: "dropped", Mark.COERCED: "coerced"}
SIGNS = {Mark.KEPT: " ", Mark.DROPPED: "-", Mark.COERCED: "~"}

SCRIPT = """\
document.querySelectorAll('table.sortable').forEach(function (table) {
  var headers = table.querySelectorAll('th');
  headers.forEach(function (header, column) {
    header.addEventListener('click', function () {
      var ascending = header.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
      header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var numeric = header.getAttribute('data-type') === 'number';
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column];
        var value = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent;
        return numeric ? Number(value) : value.toLowerCase();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
document.querySelectorAll('input.filter').forEach(function (input) {
  var table = document.getElementById(input.getAttribute('data-table'));
  input.addEventListener('input', function () {
    var needle = input.value.toLowerCase();
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      row.hidden = needle !== '' && row.textContent.toLowerCase().indexOf(needle) < 0;
    });
  });
});
"""
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; script-src '{SCRIPT_HASH}'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

STYLE = """\
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
.verdict { padding: .8em 1em; border-radius: 6px; font-weight: 600; }
.verdict.passed { background: #e8f5e9; } .verdict.failed { background: #ffebee; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 1em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .8em 1em; overflow: hidden; }
.card h3 { margin: 0 0 .3em; font-size: 1.05em; } .muted { color: #666; }
.severity-error { color: #c62828; } .severity-warning { color: #ef6c00; } .severity-info { color: #1565c0; }
pre { background: #fafafa; border: 1px solid #eee; padding: .5em; overflow-x: auto; font-size: 12px; }
pre .dropped { color: #c62828; text-decoration: line-through; } pre .coerced { color: #ef6c00; }
.slots { display: grid; grid-template-columns: repeat(20, 1.6em); gap: 3px; margin: .5em 0; }
.slot { height: 1.6em; border-radius: 3px; background: #eee; font-size: 9px; text-align: center; line-height: 1.6em; }
.slot.kept { background: #66bb6a; } .slot.known { background: #1e88e5; }
.bar { height: 1.2em; background: #eee; border-radius: 3px; overflow: hidden; width: 100%; max-width: 600px; }
.bar > div { height: 100%; background: #66bb6a; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #eee; padding: .25em .5em; text-align: left; vertical-align: top; }
th { cursor: pointer; background: #f5f5f5; position: sticky; top: 0; }
th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
td.number { text-align: right; } td.name { overflow-wrap: anywhere; min-width: 12em; max-width: 24em; }
.fate-turned-away { color: #c62828; } .fate-never-sent { color: #6a1b9a; }
input.filter { padding: .3em; width: 20em; margin: .5em 0; }
.table-wrap { max-height: 70vh; overflow: auto; border: 1px solid #eee; }
"""


def _e(text: Any) -> str:
    """Escaped for HTML text and attribute values alike, with control characters from the logs made visible."""
    return html.escape(visible(str(text)), quote=True)


def _instant(label: str) -> str:
    """A bucket's label as an ISO-8601 instant in UTC, for a temporal axis."""
    if len(label) == 4:
        return f"{label}-01-01T00:00:00Z"
    if len(label) == 7:
        return f"{label}-01T00:00:00Z"
    if len(label) == 10:
        return f"{label}T00:00:00Z"
    return label.replace("Z", ":00Z")


def _svg(spec: dict[str, Any]) -> str | None:
    try:
        import vl_convert
    except ImportError:
        return None
    try:
        return str(vl_convert.vegalite_to_svg(spec))
    except ValueError as error:  # a chart that cannot be drawn is said so; the rest of the report stands
        return f'<p class="muted">The chart could not be drawn: {_e(str(error).splitlines()[0])}</p>'


def _x_axis(by: str) -> dict[str, Any]:
    """Event time on a UTC scale, labelled by Vega's own choice of ticks for the span."""
    return {
        "field": "t",
        "type": "temporal",
        "title": f"event time (UTC, by {by})",
        "scale": {"type": "utc"},
        "axis": {"labelOverlap": True},
    }


def outcomes_chart(timeline: dict[str, Any]) -> str:
    """Messages by outcome per bucket, as a stacked area chart."""
    buckets = timeline["buckets"]
    values = [
        {"t": _instant(bucket["start"]), "outcome": outcome, "messages": bucket["outcomes"][outcome]}
        for bucket in buckets
        for outcome in (outcome.value for outcome in OUTCOMES)
    ]
    points = len(buckets) <= POINTS_UP_TO
    spec = {
        "width": 1000,
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "area", "line": True, "point": points},
        "encoding": {
            "x": _x_axis(timeline["by"]),
            "y": {"field": "messages", "type": "quantitative", "stack": "zero", "title": "messages"},
            "color": {
                "field": "outcome",
                "type": "nominal",
                "scale": {"domain": list(OUTCOME_COLOURS), "range": list(OUTCOME_COLOURS.values())},
                "sort": list(OUTCOME_COLOURS),
            },
            "order": {"field": "order", "type": "quantitative"},
        },
    }
    for value in values:
        value["order"] = list(OUTCOME_COLOURS).index(value["outcome"])
    return _chart("outcomes", spec, len(buckets), points)


def rule_chart(timeline: dict[str, Any], code: str) -> str:
    """Events with the rule per bucket, as a small area chart."""
    buckets = timeline["buckets"]
    values = [{"t": _instant(bucket["start"]), "events": bucket["events_by_rule"].get(code, 0)} for bucket in buckets]
    spec = {
        "width": 460,
        "height": 90,
        "data": {"values": values},
        "mark": {"type": "area", "line": True, "color": "#e57373"},
        "encoding": {"x": _x_axis(timeline["by"]), "y": {"field": "events", "type": "quantitative", "title": "events"}},
    }
    return _chart(f"rule-{code}", spec, len(buckets), False)


def _chart(name: str, spec: dict[str, Any], buckets: int, points: bool) -> str:
    if not buckets:
        return '<p class="muted">No event in these logs has a readable time.</p>'
    svg = _svg(spec)
    if svg is None:
        return f'<p class="muted">Charts need the html extra: <code>{_e(INSTALL_HINT)}</code></p>'
    return (
        f'<figure class="chart" data-chart="{_e(name)}" data-buckets="{buckets}" '
        f'data-points="{"true" if points else "false"}">{svg}</figure>'
    )


def _example(example: Example, redact: bool) -> str:
    if redact:
        example = redact_example(example)
    lines = []
    for line in diff_lines(example)[:EXAMPLE_LINES]:
        text = f"{SIGNS[line.mark]} {line.text}"
        text = text if len(text) <= LINE_CHARACTERS else text[: LINE_CHARACTERS - 1] + "…"
        note = f"   ← {line.code} {RULES[line.code].name}" if line.code else ""
        lines.append(f'<span class="{MARK_CLASSES[line.mark]}">{_e(text)}</span>{_e(note)}')
    lines.append(_e(hj_call(example.call)))
    return f'<p class="muted">{_e(str(example.position))}</p><pre>{chr(10).join(lines)}</pre>'


def _seen(record: dict[str, Any] | None) -> str:
    return _e(where(record)) if record is not None else "-"


def _budget(label: str, kind: dict[str, Any], slots_shown: bool) -> str:
    budget = kind["budget"]
    parts = [f"<h3>{_e(label)}: {budget['used']:,} of {budget['limit']:,} slots used</h3>"]
    if budget["full"]:
        parts.append(
            f"<p>Full since {_seen(budget['filled_at'])}</p>"
            if budget["filled_at"]
            else "<p>Full before these logs.</p>"
        )
    elif pace := pace_words(budget):
        parts.append(f"<p>{_e(pace[0].upper() + pace[1:])}.</p>")
    rows = kind["names"]
    turned_away = [row for row in rows if row["fate"] == "turned-away"]
    if slots_shown:
        kept = {row["slot"]: row for row in rows if row["fate"] == "kept"}
        cells = []
        for slot in range(1, budget["limit"] + 1):
            row = kept.get(slot)
            if row is None:
                cells.append(f'<div class="slot" title="slot {slot}: empty"></div>')
            else:
                known = "known" if row["first_seen"] is None else "kept"
                cells.append(f'<div class="slot {known}" title="slot {slot}: {_e(row["name"])}">{slot}</div>')
        parts.append(f'<div class="slots" data-slots="{budget["limit"]}">{"".join(cells)}</div>')
    else:
        share = budget["used"] / budget["limit"] * 100 if budget["limit"] else 100
        parts.append(
            f'<div class="bar" title="{budget["used"]:,} of {budget["limit"]:,}">'
            f'<div style="width:{share:.2f}%"></div></div>'
        )
    if turned_away:
        names = ", ".join(_e(row["name"]) for row in turned_away[:20])
        more = f" and {len(turned_away) - 20:,} more" if len(turned_away) > 20 else ""
        parts.append(f'<p class="fate-turned-away">Turned away ({len(turned_away):,}): {names}{more}</p>')
    return "".join(parts)


def _inventory_table(record: dict[str, Any]) -> str:
    head = ("kind", "name", "fate", "slot", "messages", "users", "types / findings", "first seen", "last seen")
    numeric = {"slot", "messages", "users"}
    rows = []
    hidden = 0
    for kind in ("attributes", "events"):
        names = sorted(record[kind]["names"], key=lambda row: (-(row["messages"] or 0), row["name"]))
        hidden += max(0, len(names) - TABLE_ROWS) + record[kind]["remainder"]["names"]
        for row in names[:TABLE_ROWS]:
            counts = {**row.get("types", {}), **row.get("dropped", {}), **row.get("findings", {})}
            cells = [
                f"<td>{kind[:-1]}</td>",
                f'<td class="name">{_e(row["name"])}</td>',
                f'<td class="fate-{_e(row["fate"])}">{_e(row["fate"])}</td>',
                f'<td class="number" data-value="{row["slot"] or 0}">{row["slot"] or ""}</td>',
                f'<td class="number" data-value="{row["messages"] or 0}">{row["messages"] or 0:,}</td>',
                f'<td class="number" data-value="{row["users"] or 0}">'
                f"{'≈' if row['users_estimated'] else ''}{row['users'] or 0:,}</td>",
                f"<td>{_e(' '.join(f'{key}:{value:,}' for key, value in counts.items()))}</td>",
                f"<td>{_seen(row['first_seen'])}</td>",
                f"<td>{_seen(row['last_seen'])}</td>",
            ]
            rows.append(f"<tr>{''.join(cells)}</tr>")
    headers = "".join(f'<th data-type="{"number" if name in numeric else "text"}">{_e(name)}</th>' for name in head)
    more = f'<p class="muted">… and {hidden:,} less frequent names not shown.</p>' if hidden else ""
    return (
        '<input class="filter" type="search" placeholder="Filter names" data-table="inventory" '
        'aria-label="Filter names">'
        f'<div class="table-wrap"><table id="inventory" class="sortable"><thead><tr>{headers}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>{more}<p class="muted">{_e(record["users_note"])}.</p>'
    )


def _site_sections(inventory: dict[str, Any]) -> list[str]:
    return [
        "<h2>The site's budgets</h2>",
        _budget("Attribute names", inventory["attributes"], True),
        _budget("Event names", inventory["events"], False),
        "<h2>Inventory</h2>",
        _inventory_table(inventory),
    ]


def page(title: str, sections: list[str], data: dict[str, Any]) -> str:
    """The whole document around its sections, with the CSP, the style, the data and the table's script."""
    # The data is for machines reading the page; `<` is escaped so that no text in it can close the element.
    encoded = visible_json(msgspec.json.encode(data).decode()).replace("<", "\\u003c").replace(">", "\\u003e")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(sections)
        + f'\n<script type="application/json" id="report-data">{encoded}</script>'
        + f"<script>{SCRIPT}</script></body></html>\n"
    )


def validate_page(report: Report) -> str:
    """The page of `validate --format html`."""
    record = report_record(report)
    summary, verdict = report.summary, report.verdict
    failed = verdict.exit_code != 0
    reasons = "".join(f"<li>{_e(reason)}</li>" for reason in verdict.reasons)
    outcomes = " · ".join(f"{_e(outcome)} {count:,}" for outcome, count in record["summary"]["outcomes"].items())
    sections = [
        "<h1>What Hotjar keeps of these Segment logs</h1>",
        f'<p class="muted">hotjar-cli {_e(__version__)}: {counted(summary.events, "event")} in '
        f"{counted(summary.lines, 'line')} of {counted(summary.files, 'file')}</p>",
        f'<div class="verdict {"failed" if failed else "passed"}">Gate {"failed" if failed else "passed"}'
        f"{f'<ul>{reasons}</ul>' if reasons else ''}</div>",
        f"<p>{outcomes}</p>",
    ]
    timeline = record.get("timeline")
    if timeline is not None:
        sections += [f"<h2>Outcomes over time (by {_e(timeline['by'])})</h2>", outcomes_chart(timeline)]
        if timeline["untimed"]["events"]:
            sections.append(
                f'<p class="muted">{timeline["untimed"]["events"]:,} events have no readable time '
                "and are not in the chart.</p>"
            )
    cards = []
    for code, rule_record in record["rules"].items():
        rule = RULES[code]
        seen = (timeline or {}).get("rules", {}).get(code, {})
        started = "".join(
            f"<li>started on {_e(start['bucket'])}: first {_seen(start['first_example'])}</li>"
            for start in seen.get("started", [])
        )
        examples = "".join(_example(example, report.redact) for example in summary.examples.get(code, [])[:EXAMPLES])
        cards.append(
            f'<section class="card" id="{_e(code)}"><h3>{_e(code)} {_e(rule.name)} '
            f'<span class="severity-{_e(rule.severity.value)}">{_e(rule.severity.value)}</span>'
            f"{' · fails the gate' if rule_record['fails'] else ''}</h3>"
            f"<p>{_e(rule.message)}</p><p>{counted(rule_record['findings'], 'finding')} in "
            f"{counted(rule_record['events'], 'event')}"
            f'</p><p class="muted">since {_seen(seen.get("first_seen"))}<br>last {_seen(seen.get("last_seen"))}</p>'
            f"{f'<ul>{started}</ul>' if started else ''}"
            f"{rule_chart(timeline, code) if timeline is not None else ''}{examples}</section>"
        )
    if cards:
        sections += ["<h2>Findings by rule</h2>", f'<div class="cards">{"".join(cards)}</div>']
    inventory = None
    if summary.views is not None and summary.views.inventory is not None:
        inventory = inventory_record(summary.views.inventory, report.redact)
        sections += _site_sections(inventory)
    for error in summary.errors:
        sections.append(
            f'<p class="severity-error">{_e(error.file)}:{error.line}: could not read on: {_e(error.message)}</p>'
        )
    data = {"summary": record["summary"], "verdict": record["verdict"], "timeline": timeline}
    return page("hotjar-cli validate", sections, data)


def inventory_page(record: dict[str, Any]) -> str:
    """The page of `inventory --format html`."""
    summary = record["summary"]
    sections = [
        "<h1>The Hotjar site's names</h1>",
        f'<p class="muted">hotjar-cli {_e(__version__)}: {summary["events"]:,} events from '
        f"{_e(record['span']['first'] or '-')} to {_e(record['span']['last'] or '-')}</p>",
    ]
    timeline = record.get("timeline")
    if timeline is not None:
        sections += [f"<h2>Outcomes over time (by {_e(timeline['by'])})</h2>", outcomes_chart(timeline)]
    sections += _site_sections(record)
    return page("hotjar-cli inventory", sections, {"summary": summary, "timeline": timeline})


class HtmlReporter(Reporter):
    """Writes the self-contained page."""

    def finish(self, report: Report) -> None:
        """Write the page."""
        self.out.write(validate_page(report))
