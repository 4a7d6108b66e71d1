"""`--format html`: one self-contained page that works offline and makes no network request.

Charts are Vega-Lite specifications rendered to static SVG by vl-convert (the `html` extra), so the page holds
no charting JavaScript at all; its only script sorts and filters the inventory table, and is allowed by its hash.
A Content-Security-Policy in the page forbids every network access (`default-src 'none'`). Every name, value,
path and payload from the logs is escaped: the page shows it as text and runs none of it.

The size is bounded whatever the input: the buckets are (`hotjar_cli.core.timeline.MAX_BUCKETS`), charts draw
a shape per series rather than a bar per bucket past `BARS_UP_TO` buckets, the table holds at most `TABLE_ROWS`
names of each kind (the turned-away and never-sent ones first) and `TABLE_NAME_BYTES` of their text, and each rule
shows at most `EXAMPLES` examples of at most `hotjar_cli.report.diff.SHOWN_LINES` lines of payload.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

import msgspec

from hotjar_cli import __version__
from hotjar_cli.core.eventtime import END_SECOND, parse_time
from hotjar_cli.core.jsvalues import utf16_length
from hotjar_cli.core.rules import RULES
from hotjar_cli.core.summary import Example
from hotjar_cli.core.timeline import next_bucket
from hotjar_cli.core.visible import UNSAFE, visible, visible_json, visible_name, visible_name_cut
from hotjar_cli.report.diff import Mark, diff_lines, hj_call, message_id_shown
from hotjar_cli.report.families import FAMILIES_SHOWN, families_words, family_words, more_families_words
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.records import report_record
from hotjar_cli.report.redact import redact_example
from hotjar_cli.report.site_view import (
    NO_NEW_NAMES,
    UNKNOWN,
    as_of_words,
    counts_known,
    far_off_words,
    gap_words,
    incomplete_words,
    inventory_record,
    listing_order,
    lost_listed,
    names_words,
    natural_key,
    no_message_words,
    order_words,
    pace_words,
    resolution_words,
    sent_here,
    span_words,
    unknown_words,
    unmeasured_words,
    unnamed_words,
    unread_words,
    used_words,
    where,
)
from hotjar_cli.report.wording import counted, read_from, stopped_words

BARS_UP_TO = 200
MIN_BAR_PIXELS = 2
"""The narrowest a bar is drawn: a year among millennia (the years 1 and 9999 beside this one: see
`Timeline.series`) would be a fraction of a pixel."""
TABLE_ROWS = 1_000
TABLE_NAME_BYTES = 500_000
"""Of names in the table, for each kind, as the page writes them (shown and, for the filter, as they are): a few very
long names cannot make the page large."""
TURNED_AWAY_LISTED = 20
EXAMPLES = 3
LINE_CHARACTERS = 200
INSTALL_HINT = "pip install 'hotjar-cli[html]'"
OUTCOME_COLOURS = {
    "accepted": "#2e7d32",
    "modified": "#f9a825",
    "rejected": "#c62828",
    "ignored": "#9e9e9e",
    "invalid": "#6a1b9a",
}
LOSSES = ("modified", "rejected", "ignored", "invalid")
"""The outcomes of events not accepted as sent, drawn again on a scale of their own."""
RULE_COLOUR = "#e57373"
LAST_MILLISECOND = END_SECOND * 1000 - 1
"""9999-12-31T23:59:59.999Z, where the time axis ends at the latest, as `hotjar_cli.core.eventtime.iso` writes the
last time a date holds: an axis to the year 10000 would name it, and d3 writes that year `0000`."""


class TickStep(NamedTuple):
    """A calendar step between ticks of the time axis (Vega's `tickCount` interval and step)."""

    interval: str
    step: int
    seconds: int
    label: str
    """The tick's label, a d3 time format."""


HOUR, DAY = 3600, 86400
RESOLUTION_SECONDS = {"hour": HOUR, "day": DAY, "month": 28 * DAY, "year": 365 * DAY}
TICK_STEPS = (
    *(TickStep("hours", hours, hours * HOUR, "%b %d, %H:%M") for hours in (1, 2, 3, 6, 12)),
    TickStep("day", 1, DAY, "%b %d"),
    TickStep("week", 1, 7 * DAY, "%b %d"),
    *(TickStep("month", months, months * 30 * DAY, "%b %Y") for months in (1, 3, 6)),
    *(TickStep("year", years, years * 365 * DAY, "%Y") for years in (1, 2, 5, 10, 25, 50, 100, 250, 1000)),
)
TICK_SPACING = 100
"""Pixels of axis per tick, room for the longest label."""
COUNT_TICK_SPACING = 40
"""Pixels of the count axis per tick, as Vega-Lite spaces them."""
_LABELLED = re.compile(r'<path aria-label="([^"]*)"([^>]*)/>')
_TOOLTIP = r'<path aria-label="\1"\2><title>\1</title></path>'
"""Each bar's label, already its `aria-label`, also as the tooltip a pointer shows."""
MARK_CLASSES = {Mark.KEPT: "kept", Mark.DROPPED: "dropped", Mark.COERCED: "coerced"}
SIGNS = {Mark.KEPT: " ", Mark.DROPPED: "-", Mark.COERCED: "~"}

SCRIPT = """\
function natural(x, y) {
  var a = x.toLowerCase().match(/[0-9]+|[^0-9]+/g) || [], b = y.toLowerCase().match(/[0-9]+|[^0-9]+/g) || [];
  for (var i = 0; i < a.length && i < b.length; i++) {
    var p = a[i], q = b[i], digits = /^[0-9]/.test(p);
    if (digits !== /^[0-9]/.test(q)) return digits ? -1 : 1;
    if (digits) {
      p = p.replace(/^0+/, ''); q = q.replace(/^0+/, '');
      if (p.length !== q.length) return p.length - q.length;
    }
    if (p !== q) return p < q ? -1 : 1;
  }
  return a.length - b.length || (x < y ? -1 : x > y ? 1 : 0);
}
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
        return cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.title || cell.textContent;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === '' || y === '') return (x === '') - (y === '');  // a blank cell is last either way
        var order = numeric ? Number(x) - Number(y) : natural(x, y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
    header.addEventListener('keydown', function (event) {  // a header is a button to the keyboard too
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); header.click(); }
    });
  });
});
document.querySelectorAll('input.filter').forEach(function (input) {
  var table = document.getElementById(input.getAttribute('data-table'));
  input.addEventListener('input', function () {
    var needle = input.value.toLowerCase();
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var name = row.querySelector('td.name'), shown = (name.title || name.textContent).toLowerCase();
      var exact = (name.getAttribute('data-name') || '').toLowerCase();  // the name as it is: `plan `, a tab
      row.hidden = needle !== '' && shown.indexOf(needle) < 0 && exact.indexOf(needle) < 0;
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
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(540px, 100%), 1fr)); gap: 1em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .8em 1em; overflow: hidden; }
.card h3 { margin: 0 0 .3em; font-size: 1.05em; } .muted { color: #666; }
.severity-error { color: #c62828; } .severity-warning { color: #ef6c00; } .severity-info { color: #1565c0; }
pre { background: #fafafa; border: 1px solid #eee; padding: .5em; overflow-x: auto; font-size: 12px; }
pre .dropped { color: #c62828; text-decoration: line-through; } pre .coerced { color: #ef6c00; }
pre.example .line { display: flex; } pre.example .text { overflow: hidden; text-overflow: ellipsis; min-width: 4em; }
pre.example .rule { flex: none; }
.slots { display: grid; grid-template-columns: repeat(20, minmax(0, 1.6em)); gap: 3px; margin: .5em 0; }
.slot { height: 1.6em; border-radius: 3px; background: #eee; font-size: 9px; text-align: center; line-height: 1.6em; }
.slot.taken { background: #66bb6a; } .slot.known { background: #1e88e5; }
.slots-legend .slot { display: inline-block; width: 1.2em; height: 1.2em; vertical-align: middle; margin-left: .8em; }
.bar { display: flex; height: 1.2em; background: #eee; border-radius: 3px; overflow: hidden; width: 100%;
  max-width: 600px; }
.bar > div { height: 100%; background: #66bb6a; } .bar > div.known { background: #1e88e5; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #eee; padding: .25em .5em; text-align: left; vertical-align: top; }
td.seen { overflow-wrap: anywhere; min-width: 10em; } td.nowrap { white-space: nowrap; }
figure.chart { margin: .5em 0; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
th { cursor: pointer; background: #f5f5f5; position: sticky; top: 0; }
th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
td.number { text-align: right; } td.name { min-width: 12em; max-width: 24em; } td.family { max-width: 16em; }
.name, td.family { white-space: pre-wrap; overflow-wrap: anywhere; }
.fate-turned-away { color: #c62828; } .fate-never-sent { color: #6a1b9a; }
input.filter { padding: .3em; width: 20em; margin: .5em 0; }
.table-wrap { max-height: 70vh; overflow: auto; border: 1px solid #eee; }
"""


def _e(text: Any) -> str:
    """Escaped for HTML text and attribute values alike, with control characters from the logs made visible."""
    return html.escape(visible(str(text)), quote=True)


def _instant(label: str) -> int:
    """A bucket's label as the instant it starts, in milliseconds since the epoch (UTC), for a temporal axis.

    A number rather than ISO-8601 text: the end of a bucket is worked out in seconds (`next_bucket`), and written
    as text through `strftime` a year before 1000 lost its zeros (`1-01-02`), which then read as no time at all."""
    if len(label) == 4:
        text = f"{label}-01-01T00:00:00+00:00"
    elif len(label) == 7:
        text = f"{label}-01T00:00:00+00:00"
    elif len(label) == 10:
        text = f"{label}T00:00:00+00:00"
    else:
        text = label.replace("Z", ":00+00:00")
    return int(datetime.fromisoformat(text).timestamp()) * 1000


RENDERER_ADDRESS_SPACE = 70 << 30
"""Bytes of address space vl-convert's JavaScript engine reserves as it starts (between 60 and 70 GiB, measured with
`ulimit -v`): under a lower limit it stops the whole process with SIGTRAP, the report unwritten."""


@lru_cache(maxsize=1)
def _renderer_refused() -> str | None:
    """Why the charts cannot be drawn in this process: a `ulimit -v` below `RENDERER_ADDRESS_SPACE`; else None."""
    import resource

    limit, _ = resource.getrlimit(resource.RLIMIT_AS)
    if limit == resource.RLIM_INFINITY or limit >= RENDERER_ADDRESS_SPACE:
        return None
    return (
        f"The charts could not be drawn: their renderer reserves about {RENDERER_ADDRESS_SPACE >> 30} GiB of address "
        f"space, and ulimit -v allows {limit / (1 << 30):.1f} GiB"
    )


def _svg(spec: dict[str, Any]) -> str | None:
    try:
        import vl_convert
    except ImportError:
        return None
    refused = _renderer_refused()
    if refused is not None:  # the rest of the report stands
        return f'<p class="muted">{_e(refused)}.</p>'
    try:
        return str(vl_convert.vegalite_to_svg(spec))
    except ValueError as error:  # a chart that cannot be drawn is said so; the rest of the report stands
        return f'<p class="muted">The chart could not be drawn: {_e(str(error).splitlines()[0])}</p>'


def _bucket_end(label: str, resolution: str) -> int:
    """The instant a bucket ends (the next one's start), as `_instant` writes it; the last bucket of the year 9999
    ends at `LAST_MILLISECOND`."""
    end = next_bucket(_instant(label) // 1000, resolution)
    return end * 1000 if end < END_SECOND else LAST_MILLISECOND


def _ticks(resolution: str, span: float, width: int) -> dict[str, Any]:
    """Ticks on bucket boundaries: the finest calendar step, no finer than a bucket, that leaves room for each
    label. A coarser step (a week of days, a quarter of months) also starts where a bucket starts."""
    most = max(2, width // TICK_SPACING)
    steps = [step for step in TICK_STEPS if step.seconds >= RESOLUTION_SECONDS[resolution]]
    chosen = next((step for step in steps if span / step.seconds <= most), steps[-1])
    return {"tickCount": {"interval": chosen.interval, "step": chosen.step}, "format": chosen.label}


def _x_axis(timeline: dict[str, Any], width: int) -> dict[str, Any]:
    """Event time on a UTC scale from the first bucket's start to the last one's end, ticked at boundaries."""
    buckets = timeline["buckets"]
    first, last = _instant(buckets[0]["start"]), _bucket_end(buckets[-1]["start"], timeline["by"])
    span = (last - first) / 1000
    return {
        "field": "t",
        "type": "temporal",
        "title": f"event time (UTC, by {timeline['by']})",
        "scale": {"type": "utc", "domain": [first, last], "padding": 0},
        "axis": {"labelOverlap": True, **_ticks(timeline["by"], span, width)},
    }


def _count_ticks(series: dict[str, list[int]], height: int) -> int:
    """How many ticks the count axis asks for: no more than the tallest bucket's count, so that each tick is a
    whole number of events. Vega's `tickMinStep` alone still ticks 0 to 2 events at every half (0, 1, 1, 2, 2 once
    labelled as whole numbers)."""
    tallest: int = max(sum(counts) for counts in zip(*series.values(), strict=True))
    return max(1, min(math.ceil(height / COUNT_TICK_SPACING), tallest))


def _series_spec(timeline: dict[str, Any], series: dict[str, list[int]], size: tuple[int, int]) -> dict[str, Any]:
    """Events per bucket, one series per outcome (or a rule's alone): stacked bars, each as wide as its bucket and
    each part as tall as its own count and labelled with it; past `BARS_UP_TO` buckets, stacked steps (one shape
    a series, so that the page stays small), each flat across its bucket."""
    buckets = timeline["buckets"]
    width, height = size
    names = list(series)
    bars = len(buckets) <= BARS_UP_TO
    first, last = _instant(buckets[0]["start"]), _bucket_end(buckets[-1]["start"], timeline["by"])
    narrowest = (last - first) * MIN_BAR_PIXELS // width
    values: list[dict[str, Any]] = []
    for index, bucket in enumerate(buckets):
        start, end = _instant(bucket["start"]), _bucket_end(bucket["start"], timeline["by"])
        if bars and end - start < narrowest:  # widened to be seen, within the axis
            end = min(start + narrowest, last)
            start = end - narrowest
        for order, name in enumerate(names):
            count = series[name][index]
            if not bars:
                values.append({"t": start, "series": name, "count": count, "order": order})
            elif count:  # an empty part has no height; leaving it out keeps the page small
                label = f"{bucket['start']}: {counted(count, 'event')}" + (f" {name}" if len(names) > 1 else "")
                values.append({"t": start, "end": end, "series": name, "count": count, "order": order, "label": label})
    if not bars:  # a step runs to the next point: the last bucket's runs to where it ends
        end = _bucket_end(buckets[-1]["start"], timeline["by"])
        values += [
            {"t": end, "series": name, "count": series[name][-1], "order": order} for order, name in enumerate(names)
        ]
    encoding: dict[str, Any] = {
        "x": _x_axis(timeline, width),
        "y": {
            "field": "count",
            "type": "quantitative",
            "stack": "zero",
            "title": "events",
            "axis": {"tickMinStep": 1, "format": ",d", "tickCount": _count_ticks(series, height)},
        },
        "order": {"field": "order", "type": "quantitative"},
    }
    if len(names) > 1:
        encoding["color"] = {
            "field": "series",
            "type": "nominal",
            "title": "outcome",
            "scale": {"domain": names, "range": [OUTCOME_COLOURS[name] for name in names]},
            "sort": names,
            "legend": {"symbolType": "square"},
        }
    mark: dict[str, Any]
    if bars:
        encoding["x2"] = {"field": "end"}
        encoding["description"] = {"field": "label"}
        # A pixel between neighbouring buckets, where there is room for it, so that a bar reads as one bucket.
        mark = {"type": "bar", "orient": "vertical", "x2Offset": -1 if width / len(buckets) >= 4 else 0}
    else:
        mark = {"type": "area", "interpolate": "step-after", "aria": False, "opacity": 1}
    if len(names) == 1:
        mark["color"] = RULE_COLOUR
    return {"width": width, "height": height, "data": {"values": values}, "mark": mark, "encoding": encoding}


def outcomes_chart(timeline: dict[str, Any]) -> str:
    """Events by outcome per bucket, stacked."""
    series = {outcome: [bucket["outcomes"][outcome] for bucket in timeline["buckets"]] for outcome in OUTCOME_COLOURS}
    return _chart("outcomes", timeline, series, (1000, 260))


def losses_chart(timeline: dict[str, Any]) -> str:
    """The events not accepted as sent, by outcome per bucket, on a scale of their own: next to thousands
    accepted, a day's few rejected events would be a sliver."""
    series = {outcome: [bucket["outcomes"][outcome] for bucket in timeline["buckets"]] for outcome in LOSSES}
    if timeline["buckets"] and not any(any(counts) for counts in series.values()):
        which = "charted" if timeline["far_off"] is not None else "with a readable time"
        return f'<p class="muted">Every event {which} was accepted as sent.</p>'
    return _chart("losses", timeline, series, (1000, 160))


def rule_chart(timeline: dict[str, Any], code: str) -> str:
    """Events with the rule's findings per bucket, and those left out of the chart (no readable time, a clock far
    off); or, when none of them is in the chart, that sentence."""
    counts = [bucket["events_by_rule"].get(code, 0) for bucket in timeline["buckets"]]
    untimed = timeline["untimed"]["events_by_rule"].get(code, 0)
    far_off = (timeline["far_off"] or {}).get("events_by_rule", {}).get(code, 0)
    if untimed and not far_off and not any(counts):
        return f'<p class="muted untimed">No event time, so no chart ({counted(untimed, "event")}).</p>'
    if far_off and not any(counts):
        apart = f"{counted(far_off, 'event')} far from the rest"
        if untimed:
            apart += f", {untimed:,} with no event time"
        return f'<p class="muted untimed">None in the span charted, so no chart ({apart}).</p>'
    chart = _chart(f"rule-{code}", timeline, {code: counts}, (460, 90))
    if untimed:
        chart += f'<p class="muted untimed">And {counted(untimed, "event")} with no event time, not in the chart.</p>'
    if far_off:
        chart += f'<p class="muted untimed">And {counted(far_off, "event")} far from the rest, not in the chart.</p>'
    return chart


def _chart(name: str, timeline: dict[str, Any], series: dict[str, list[int]], size: tuple[int, int]) -> str:
    buckets = len(timeline["buckets"])
    if not buckets:
        return f'<p class="muted">{_e(_no_buckets(timeline))}</p>'
    svg = _svg(_series_spec(timeline, series, size))
    if svg is None:
        return f'<p class="muted">Charts need the html extra: <code>{_e(INSTALL_HINT)}</code></p>'
    marks = "bars" if buckets <= BARS_UP_TO else "steps"
    return (
        f'<figure class="chart" data-chart="{_e(name)}" data-buckets="{buckets}" '
        f'data-marks="{marks}">{_LABELLED.sub(_TOOLTIP, svg)}</figure>'
    )


def _no_buckets(timeline: dict[str, Any]) -> str:
    """Why a chart has nothing to draw: the logs hold no event, the filters let none through, or no event had a
    readable time."""
    if timeline.get("no_events"):
        return "These logs hold no event, so there is nothing to chart."
    if timeline.get("all_filtered"):
        return "The filters let no event through, so there is nothing to chart."
    return "No event in these logs has a readable time."


def _charted(timeline: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """The timeline, marked when the logs hold no event or the filters let none through: its charts then say so,
    not that no event had a readable time."""
    passed = summary["events"] - summary.get("filtered", 0)
    return {
        **timeline,
        "all_filtered": bool(summary.get("filtered")) and passed == 0,
        "no_events": not summary["events"],
    }


def _example_line(text: str, mark_class: str = "", note: str = "") -> str:
    """A line of an example: its text, ellipsised by the page where the card is too narrow for it (the whole line
    is its title), then its rule marker, which is never cut."""
    text = text if len(text) <= LINE_CHARACTERS else text[: LINE_CHARACTERS - 1] + "…"
    classes = f"text {mark_class}".rstrip()
    rule = f'<span class="rule">{_e(note)}</span>' if note else ""
    return f'<span class="line"><span class="{classes}" title="{_e(text)}">{_e(text)}</span>{rule}</span>'


def _example(example: Example, report: Report) -> str:
    if report.redact:
        example = redact_example(example, report.limits)
    lines = []
    for line in diff_lines(example):
        note = f"   ← {line.code} {RULES[line.code].name}" if line.code else ""
        lines.append(_example_line(f"{SIGNS[line.mark]} {line.text}", MARK_CLASSES[line.mark], note))
    lines.append(_example_line(hj_call(example.call)))
    # Each line is a box of its own, so no newline between them: a newline would add an empty line.
    message_id = message_id_shown(example)  # as the text and markdown reports name it, to find it by in Segment
    heading = _e(visible(str(example.position))) + (f"  messageId {_e(visible(message_id))}" if message_id else "")
    return f'<p class="muted">{heading}</p><pre class="example">{"".join(lines)}</pre>'


def _seen(record: dict[str, Any] | None) -> str:
    return _e(where(record)) if record is not None else "-"


def _exact(name: str) -> str:
    """A name exactly, as an attribute's value: every character the page shows escaped (`visible`) is a character
    reference, which the browser reads as the character itself and no terminal acts on. But for NUL and the C1
    controls, which no reference gives back (HTML reads `&#x0;` as U+FFFD, and `&#x80;` to `&#x9f;` as the characters
    of Windows-1252 at those places: `&#x85;` is `…`): they are written as the page shows them, `\\u0085`."""
    return UNSAFE.sub(_reference, html.escape(name, quote=True))


def _reference(found: re.Match[str]) -> str:
    code = ord(found.group())
    return visible(found.group()) if code == 0 or 0x80 <= code <= 0x9F else f"&#x{code:x};"


def _name(name: str, whole: bool = True) -> str:
    """A name from the logs cut to `LINE_CHARACTERS`, escaped, with the whole name as its title when cut (`whole`: the
    table, whose names are bounded in bytes, see `_table_rows`), else its first characters and its length
    (`_slot_name`). Spaces at its ends are escapes (`visible_name`), and the page keeps the runs of spaces inside it
    (`.name`)."""
    shown, cut = visible_name_cut(name, LINE_CHARACTERS)
    if not cut:
        return f">{_breakable(_e(shown))}"
    title = visible_name(name) if whole else _slot_name(name)
    return f' title="{_e(title)}">{_breakable(_e(shown))}'


_BREAK_AFTER = re.compile(r"([_/.-])")


def _breakable(escaped: str) -> str:
    """Escaped text that a narrow cell breaks after a `_`, `/`, `.` or `-` rather than anywhere
    (`flag_automations_dark_mo` and `de` on two lines): `<wbr>`, which adds no character to the text a reader copies
    or the table sorts and filters by."""
    return _BREAK_AFTER.sub(r"\1<wbr>", escaped)


def _slot_name(name: str) -> str:
    """A slot's name as its title says it: past `LINE_CHARACTERS`, cut and its length said. A seed file takes a name
    of any length in its slot (a payload pasted as a name, of 20,000,000 characters, has been met), and whole, each
    title of up to 1,000 slots made the page as large as the name."""
    shown, cut = visible_name_cut(name, LINE_CHARACTERS)
    return f"{shown} ({utf16_length(name):,} characters)" if cut else shown


def _slots_legend(option: str, known: int) -> str:
    """What the colours of the slots and of the bar mean; the names held before these logs only when there are some
    (`known`), as the budget's words say them (`used_words`)."""
    before = f'<span class="slot known"></span> held before these logs (<code>{_e(option)}</code>) ' if known else ""
    return (
        f'<p class="slots-legend">{before}<span class="slot taken"></span> taken by these logs '
        '<span class="slot"></span> empty</p>'
    )


SLOTS_DRAWN = 1_000
"""A budget of at most this many slots is drawn slot by slot (Hotjar's 100 attribute names); a larger one (its
10,000 event names, or a limit raised with `--max-attributes`) as one bar, so the page stays small."""


def _budget(label: str, inventory: dict[str, Any], key: str, option: str, filtered: bool) -> str:
    kind, span = inventory[key], inventory["span"]
    budget = kind["budget"]
    parts = [
        f"<h3>{_e(label)}: {_e(used_words(budget))}</h3>",
        f"<p>{_e(names_words(kind))}.</p>",  # starts with a number: no capital to make
    ]
    unnamed = unnamed_words(kind)
    if unnamed:
        parts.append(f"<p>{_e(unnamed)}.</p>")
    if budget["full"]:
        parts.append(
            f"<p>Full since {_seen(budget['filled_at'])}</p>"
            if budget["filled_at"]
            else "<p>Full before these logs.</p>"
        )
    else:
        pace = pace_words(budget, span, filtered, option) or NO_NEW_NAMES
        parts.append(f"<p>{_e(pace[0].upper() + pace[1:])}.</p>")
    as_of = as_of_words(budget, inventory, filtered)
    if as_of is not None:
        parts.append(f"<p>{_e(as_of)}.</p>")
    order = order_words(kind)
    if order is not None:
        parts.append(f"<p>{_e(order[0].upper() + order[1:])}.</p>")
    rows = kind["names"]
    turned_away = sorted((row["name"] for row in rows if row["fate"] == "turned-away"), key=natural_key)
    if budget["limit"] <= SLOTS_DRAWN:
        kept = {row["slot"]: row["name"] for row in rows if row["fate"] == "kept"}
        cells = []
        for slot in range(1, budget["limit"] + 1):
            name = kept.get(slot)
            if name is None:
                cells.append(f'<div class="slot" title="slot {slot}: empty"></div>')
            else:
                # The site's first slots are the names it held before these logs, in the order it took them.
                held = "known" if slot <= budget["known_before"] else "taken"
                cells.append(f'<div class="slot {held}" title="slot {slot}: {_e(_slot_name(name))}">{slot}</div>')
        parts.append(f'<div class="slots" data-slots="{budget["limit"]}">{"".join(cells)}</div>')
    else:
        # The slots held before these logs, then the ones they took, in the grid's colours.
        limit, used = budget["limit"], budget["used"]
        known = min(budget["known_before"], used)
        taken = used - known
        shares = (known / limit * 100, taken / limit * 100) if limit else (0.0, 100.0)
        before = f"{known:,} held before these logs, " if known else ""
        parts.append(
            f'<div class="bar" title="{used:,} of {limit:,}: {before}{taken:,} taken by these logs">'
            f'<div class="known" style="width:{shares[0]:.2f}%"></div>'
            f'<div class="taken" style="width:{shares[1]:.2f}%"></div></div>'
        )
    parts.append(_slots_legend(option, budget["known_before"]))
    if turned_away:
        # Each listed name titled by its first characters and its length past `LINE_CHARACTERS`: with the limits on
        # names raised, 20 turned-away names of 300,000 characters, each whole in its title, made a page of 12 MB.
        names = ", ".join(
            f'<span class="name"{_name(name, whole=False)}</span>' for name in turned_away[:TURNED_AWAY_LISTED]
        )
        more = len(turned_away) - TURNED_AWAY_LISTED
        in_table = sum(row["fate"] == "turned-away" for row in _table_rows(kind)[0])
        if more <= 0:
            more_words = ""
        elif in_table >= len(turned_away):
            more_words = f" and {more:,} more (in the table below)"
        else:  # the table's bound leaves some out: say how many it holds and where to find every one held
            every = "every one held" if kind["remainder"]["sampled"] else "them all"
            more_words = (
                f" and {more:,} more; the table below shows {in_table:,} of them, "
                f"<code>inventory --format json</code> or <code>csv</code> lists {every}"
            )
        parts.append(f'<p class="fate-turned-away">Turned away ({len(turned_away):,}): {names}{more_words}</p>')
    parts += _families(kind)
    return "".join(parts)


def _families(kind: dict[str, Any]) -> list[str]:
    """The event names built from values (`families_words`) as a list under the event budget: each template and
    example cut and escaped as the names above it are, its title its first characters and length past
    `LINE_CHARACTERS`."""
    heading = families_words(kind)
    if heading is None:
        return []
    sampled = kind["remainder"]["sampled"]
    items = [
        f'<li><span class="name"{_name(family["template"], whole=False)}</span>: '
        f"{_e(family_words(family, sampled))}, e.g. "
        f'<span class="name"{_name(family["example"], whole=False)}</span></li>'
        for family in kind["families"][:FAMILIES_SHOWN]
    ]
    more = more_families_words(kind)
    return [
        f'<p class="families">{_e(heading)}:</p>',
        f'<ul class="families">{"".join(items)}</ul>',
        *([f"<p>{_e(more)}</p>"] if more is not None else []),
    ]


def _table_rows(kind: dict[str, Any]) -> tuple[list[dict[str, Any]], int, int]:
    """The names the table shows: the turned-away and never-sent names first (what a reader came for; past half the
    table's rows, as many as the kept names these logs sent leave room for, and half of them at least of each fate:
    `lost_listed`), then the kept names these logs sent, the most frequent first, then the known names they never
    sent, up to `TABLE_ROWS` rows and `TABLE_NAME_BYTES` of names (a name too long for the room left is passed over);
    with how many of each are left out. Thousands of names turned away left no room for a kept name the logs sent."""
    left_out, kept = listing_order(kind)
    sent = sum(sent_here(row, kind["budget"]["known_before"]) for row in kept)
    shown: list[dict[str, Any]] = []
    size = 0
    for row in lost_listed(left_out, max(TABLE_ROWS // 2, TABLE_ROWS - sent)) + kept:
        if len(shown) >= TABLE_ROWS:
            break
        # Shown, and as it is; an event name's family shown too.
        length = len(_name(row["name"]).encode()) + len(_exact(row["name"]).encode()) + _family_bytes(row)
        if size + length > TABLE_NAME_BYTES:
            continue  # too long for the room left: one long name leaves out itself, not every name after it
        size += length
        shown.append(row)
    flagged = sum(row["fate"] != "kept" for row in shown)
    return shown, len(left_out) - flagged, len(kept) - (len(shown) - flagged)


def _family_cell(row: dict[str, Any]) -> str:
    """The template of an event name built from values (`hotjar_cli.report.families`): the table sorts and filters
    the names of a family together (`Viewed Article {n}`); blank for an attribute, or a name of no family."""
    family = row.get("family")
    if family is None:
        return '<td class="family" data-value=""></td>'
    return f'<td class="family" data-value="{_exact(family)}"{_name(family)}</td>'


def _family_bytes(row: dict[str, Any]) -> int:
    """The bytes an event name's family takes in the table (`_family_cell`), counted with its name's."""
    family = row.get("family")
    return 0 if family is None else len(_name(family).encode()) + len(_exact(family).encode())


def _counts_cell(counts: dict[str, int] | None) -> str:
    """`string:9 boolean:2`, sorted by the sum of its counts; blank, and sorted last, where the kind has none or
    none were counted (a name no rule found fault with, whose blank cell sorted first as a 0)."""
    if not counts:
        return '<td class="counts" data-value=""></td>'
    text = " ".join(f"{key}:{value:,}" for key, value in counts.items())
    return f'<td class="counts" data-value="{sum(counts.values())}">{_e(text)}</td>'


_UNKNOWN_CELL = '<td class="{}" data-value="">' + UNKNOWN + "</td>"
"""A cell of a name whose counts are not known (a kept name outside the sample held): sorted last."""


def _number_cell(value: int | None, estimated: bool = False) -> str:
    """A count, or `?` (sorted last) for a kept name outside the sample held, whose counts are not known."""
    if value is None:
        return _UNKNOWN_CELL.format("number")
    return f'<td class="number" data-value="{value}">{"≈" if estimated else ""}{value:,}</td>'


def _seen_cell(record: dict[str, Any] | None) -> str:
    """A sighting, sorted by its time (`…00.500Z` after `…00Z`, which text puts first); blank (sorted last) without
    one."""
    if record is None or record["time"] is None:
        return f'<td class="seen" data-value="">{_seen(record)}</td>'
    return f'<td class="seen" data-value="{parse_time(record["time"]).timestamp()!r}">{_seen(record)}</td>'


def inventory_table(record: dict[str, Any]) -> str:
    """The page's sortable, filterable table of names, from an inventory record (`site_view.inventory_record`): the
    names of each kind `_table_rows` shows, and a line for each part left out."""
    head = (
        ("kind", "text"),
        ("name", "text"),
        ("family", "text"),
        ("fate", "text"),
        ("slot", "number"),
        ("messages", "number"),
        ("users", "number"),
        ("types", "number"),
        ("findings", "number"),
        ("first seen", "number"),
        ("last seen", "number"),
    )
    rows = []
    unknown = []  # what the table's `?` means, for each kind that shows one
    flagged = kept = sampled = 0
    for kind in ("attributes", "events"):
        shown, flagged_out, kept_out = _table_rows(record[kind])
        words = unknown_words(shown, kind[:-1])
        if words is not None:
            unknown.append(f'<p class="muted">{_e(words)}.</p>')
        flagged, kept, sampled = flagged + flagged_out, kept + kept_out, sampled + record[kind]["remainder"]["names"]
        for row in shown:
            slot = row["slot"]
            cells = [
                f'<td class="nowrap">{kind[:-1]}</td>',
                f'<td class="name" data-name="{_exact(row["name"])}"{_name(row["name"])}</td>',
                _family_cell(row),
                f'<td class="nowrap fate-{_e(row["fate"])}">{_e(row["fate"])}</td>',
                f'<td class="number" data-value="{slot or ""}">{slot or ""}</td>',
                _number_cell(row["messages"]),
                _number_cell(row["users"], row["users_estimated"]),
                *(
                    (
                        _counts_cell(row.get("types")),
                        _counts_cell(row["dropped"] if "dropped" in row else row["findings"]),
                        _seen_cell(row["first_seen"]),
                        _seen_cell(row["last_seen"]),
                    )
                    if counts_known(row)
                    else (*[_UNKNOWN_CELL.format("counts")] * 2, *[_UNKNOWN_CELL.format("seen")] * 2)
                ),
            ]
            rows.append(f"<tr>{''.join(cells)}</tr>")
    if not rows and not (sampled or flagged or kept):  # a name past the table's bound is still a name
        return "<p>These logs name no attribute and no event.</p>"  # as the text and markdown show no table
    headers = "".join(
        f'<th data-type="{kind}" tabindex="0" title="Sort by {_e(name)}">{_e(name)}</th>' for name, kind in head
    )
    left_out = [
        f"{counted(kept, 'less frequent kept name')}" if kept else "",
        f"{counted(flagged, 'turned-away or never-sent name')} past the table's bound" if flagged else "",
        f"{counted(sampled, 'name')} outside the sample of names held" if sampled else "",
    ]
    more = (
        f'<p class="muted">Not in the table: {", ".join(part for part in left_out if part)} '
        "(<code>--format json</code> and <code>csv</code> list every name held).</p>"
        if any(left_out)
        else ""
    )
    return (
        '<input class="filter" type="search" placeholder="Filter names" data-table="inventory" '
        'aria-label="Filter names"> <span class="muted">Click a column\'s header (or press Enter on it) to sort.</span>'
        f'<div class="table-wrap"><table id="inventory" class="sortable"><thead><tr>{headers}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{''.join(unknown)}{more}"
        f'<p class="muted">{_e(record["users_note"])}.</p>'
    )


def _site_sections(inventory: dict[str, Any], filtered: bool) -> list[str]:
    """The budgets and the table of names; `filtered`: whether the filters left events out (see `pace_words`)."""
    return [
        "<h2>The site's budgets</h2>",
        _budget("Attribute names", inventory, "attributes", "--known-attributes", filtered),
        _budget("Event names", inventory, "events", "--known-events", filtered),
        "<h2>Inventory</h2>",
        inventory_table(inventory),
    ]


def _timeline_sections(timeline: dict[str, Any], by: str, record: dict[str, Any]) -> list[str]:
    """The charts of outcomes over time, and the spans without events, in words as the text report says them (in a
    chart of many buckets they are a step); `by`: the buckets asked for (`--by`), which the span may have made
    coarser; `record`: the report's, whose filters and unread files the spans' words say."""
    filtered, unread = bool(record["summary"].get("filtered")), len(record["errors"])
    gaps = gap_words(
        timeline["buckets"], timeline["by"], timeline["far_off"] is not None, filtered=filtered, unread=unread
    )
    return [
        f"<h2>Outcomes over time ({_e(resolution_words(timeline, by))})</h2>",
        *([f'<p class="muted">{_e(far_off_words(timeline))}.</p>'] if timeline["far_off"] is not None else []),
        *([f'<p class="gaps">{_e(gaps)}.</p>'] if gaps else []),
        outcomes_chart(timeline),
        "<h3>Not accepted as sent, on a scale of their own</h3>",
        losses_chart(timeline),
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
        f'<p class="muted">hotjar-cli {_e(__version__)}: '
        f"{read_from(summary.events, summary.lines, summary.files, summary.filtered)}</p>",
        f'<div class="verdict {"failed" if failed else "passed"}">Gate {"failed" if failed else "passed"}'
        f"{f'<ul>{reasons}</ul>' if reasons else ''}</div>",
        f"<p>{outcomes}</p>",
    ]
    timeline = record.get("timeline")
    if timeline is not None:
        sections += _timeline_sections(_charted(timeline, record["summary"]), report.by, record)
        untimed = timeline["untimed"]["events"]
        if untimed:
            sections.append(
                f'<p class="muted">{counted(untimed, "event")} {"has" if untimed == 1 else "have"} no readable time '
                f"and {'is' if untimed == 1 else 'are'} not in the charts.</p>"
            )
    cards = []
    for code, rule_record in record["rules"].items():
        rule = RULES[code]
        seen = (timeline or {}).get("rules", {}).get(code, {})
        started = "".join(
            f"<li>started on {_e(start['bucket'])}: first {_seen(start['first_example'])}</li>"
            for start in seen.get("started", [])
        )
        unmeasured = "".join(
            f'<p class="muted">{_e(said)}.</p>'
            for said in (unmeasured_words(timeline, code) if timeline is not None and seen else [])
        )
        examples = "".join(_example(example, report) for example in summary.examples.get(code, [])[:EXAMPLES])
        cards.append(
            f'<section class="card" id="{_e(code)}"><h3>{_e(code)} {_e(rule.name)} '
            f'<span class="severity-{_e(rule.severity.value)}">{_e(rule.severity.value)}</span>'
            f"{' · fails the gate' if rule_record['fails'] else ''}</h3>"
            f"<p>{_e(rule.message)}</p><p>{counted(rule_record['findings'], 'finding')} in "
            f"{counted(rule_record['events'], 'event')}"
            f'</p><p class="muted">since {_seen(seen.get("first_seen"))}<br>last {_seen(seen.get("last_seen"))}</p>'
            f"{f'<ul>{started}</ul>' if started else ''}{unmeasured}"
            f"{rule_chart(timeline, code) if timeline is not None else ''}{examples}</section>"
        )
    if cards:
        sections += ["<h2>Findings by rule</h2>", f'<div class="cards">{"".join(cards)}</div>']
    inventory = None
    if summary.views is not None and summary.views.inventory is not None:
        inventory = inventory_record(summary.views.inventory, report.redact, report.limits)
        sections += _site_sections(inventory, bool(summary.filtered))
    for error in summary.errors:
        place, why = stopped_words(error.file, error.line, error.message)
        sections.append(f'<p class="severity-error">{_e(place)}: {_e(why)}</p>')
    data = {"summary": record["summary"], "verdict": record["verdict"], "timeline": timeline}
    return page("hotjar-cli validate", sections, data)


def inventory_page(record: dict[str, Any], by: str = "day") -> str:
    """The page of `inventory --format html`, its charts asked for `by` (`--by`)."""
    summary = record["summary"]
    sections = [
        "<h1>The Hotjar site's names</h1>",
        f'<p class="muted">hotjar-cli {_e(__version__)}: {_e(span_words(record))}</p>',
    ]
    no_message = no_message_words(record)
    if no_message is not None:
        sections.append(f"<p>{_e(no_message)}.</p>")
    incomplete = incomplete_words(record["errors"])
    if incomplete is not None:
        unread = "".join(f"<li>{_e(place)}: {_e(why)}</li>" for place, why in map(unread_words, record["errors"]))
        sections.append(f'<div class="verdict failed">{_e(incomplete)}:<ul>{unread}</ul></div>')
    timeline = record.get("timeline")
    if timeline is not None:
        sections += _timeline_sections(_charted(timeline, summary), by, record)
    sections += _site_sections(record, bool(summary.get("filtered")))
    return page("hotjar-cli inventory", sections, {"summary": summary, "timeline": timeline})


class HtmlReporter(Reporter):
    """Writes the self-contained page."""

    def finish(self, report: Report) -> None:
        """Write the page."""
        self.out.write(validate_page(report))
