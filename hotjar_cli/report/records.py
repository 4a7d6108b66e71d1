"""The JSON shapes machine formats share: findings, examples, the summary and the verdict, the dry run's calls, the
rules and the inventory. Stable and documented."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TextIO

import msgspec
import orjson

from hotjar_cli import __version__
from hotjar_cli.core.decode import MessageId, SegmentMessage, written_message_id
from hotjar_cli.core.eventtime import iso_date_text, message_time_text
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import user_key
from hotjar_cli.core.model import Event, Finding, Position
from hotjar_cli.core.rules import RULES, Rule
from hotjar_cli.core.summary import Example, Summary
from hotjar_cli.core.views import SiteNames
from hotjar_cli.core.visible import json_unsafe_at, visible_json_utf8
from hotjar_cli.report.interface import Report
from hotjar_cli.report.redact import redact_example
from hotjar_cli.report.site_view import inventory_record, report_timeline, starts_where_first_seen, timeline_record


def write_document(record: dict[str, Any], out: TextIO) -> None:
    """A record as one indented JSON document and a line end, with the characters a terminal would act on escaped
    (still valid JSON, the same values). Its UTF-8 goes to the stream's bytes when it has them: a report of
    megabytes (an inventory) is then neither decoded nor encoded again."""
    # The line end is written on its own: added to the document, it copied it whole (12 MB more at the peak of an
    # inventory of 24,000 names).
    encoded = _visible_json(_indented_json(record))
    if b"##[" in encoded:  # a CI log's workflow command (see `hotjar_cli.report.workflow`): the same value escaped
        encoded = encoded.replace(b"##[", b"#\\u0023[")
    buffer = getattr(out, "buffer", None)
    if buffer is not None and (getattr(out, "encoding", None) or "").lower().replace("-", "") == "utf8":
        out.flush()
        buffer.write(encoded)
        buffer.write(b"\n")
    else:
        out.write(encoded.decode())
        out.write("\n")


def _indented_json(record: dict[str, Any]) -> bytes:
    """A record as JSON indented by two spaces: the bytes msgspec encodes and `msgspec.json.format` indents, which the
    documents have always been. orjson writes the same bytes in one step, in a third of the instructions (an inventory
    of 11,500 names: 50 million against 132 million), but for a float of 10^16 or more, whose exponent it writes with
    a plus sign (`1e+16`, where msgspec writes `1e16`), and for what it refuses (a `msgspec.Raw`, an integer past 64
    bits, nesting past 254 levels, a lone surrogate): such a document, and any whose bytes hold `e+` at all (in a
    string, say), is encoded by msgspec."""
    try:
        encoded = orjson.dumps(record, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return _msgspec_json(record)
    plus = encoded.find(b"+")  # a byte rarely met, looked for in one scan in C (an `e` is met everywhere)
    while plus >= 0:
        if encoded[plus - 1 : plus] == b"e":
            return _msgspec_json(record)
        plus = encoded.find(b"+", plus + 1)
    return encoded


def _msgspec_json(record: dict[str, Any]) -> bytes:
    """`_indented_json` by msgspec."""
    return msgspec.json.format(msgspec.json.encode(record), indent=2)


_VISIBLE_PART = 1 << 16
"""Bytes of a JSON document escaped at a time (`_visible_json`), up to the end of a line."""


def _visible_json(encoded: bytes) -> bytes:
    """`visible_json_utf8` of an indented document, a part of about 64 KB at a time: the parts holding a character
    to escape are decoded, escaped and encoded again, and only they. Escaped whole, an inventory of 7 MB with one
    zero-width space in a name took 30 ms to decode, search and encode; the same by parts takes 2 ms. Nothing to be
    escaped is told by one search of the whole (9 million instructions for 7 MB, against 19 part by part), and the
    parts start at the line of the first character to escape. A part ends with a line end, which no character's
    UTF-8 and no JSON string holds: every character, and its escape, is whole in one part."""
    unsafe = json_unsafe_at(encoded)
    if unsafe < 0:
        return encoded  # one scan of the whole for each byte such a character starts with, not one of each part
    pieces: list[bytes] = []
    done = 0
    start = encoded.rfind(b"\n", 0, unsafe) + 1  # the parts before the line of the first are as they are
    while start < len(encoded):
        end = encoded.find(b"\n", start + _VISIBLE_PART) + 1 or len(encoded)
        part = encoded[start:end]
        shown = visible_json_utf8(part)
        if shown is not part:
            pieces += (encoded[done:start], shown)
            done = end
        start = end
    if not pieces:
        return encoded
    pieces.append(encoded[done:])
    return b"".join(pieces)


def finding_record(finding: Finding) -> dict[str, Any]:
    """`{"code", "name", "severity", "effect", "path", "message", "detail"}`."""
    rule = RULES[finding.code]
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "effect": rule.effect.value,
        "path": finding.path,
        "message": rule.message,
        "detail": finding.detail,
    }


def example_record(example: Example, redact: bool, limits: Limits) -> dict[str, Any]:
    """An example with its position, outcome, findings, the Segment payload and the `hj` call; `limits`: the run's,
    for `--redact` (see `redact_example`)."""
    if redact:
        example = redact_example(example, limits)
    record = example.position.record()
    record.update(
        {
            "messageId": example.message_id,
            "type": example.type,
            "outcome": example.outcome.value,
            "findings": [finding_record(finding) for finding in example.findings],
            "payload": example.payload,
            "call": example.call,
        }
    )
    if example.explanation:
        record["explanation"] = list(example.explanation)
    return record


def summary_record(summary: Summary) -> dict[str, Any]:
    """Counts: files, lines, events, outcomes, calls and findings per rule."""
    return {
        "files": summary.files,
        "lines": summary.lines,
        "blank_lines": summary.blank_lines,
        "events": summary.events,
        "filtered": summary.filtered,
        "outcomes": {outcome.value: count for outcome, count in summary.outcomes.items()},
        "calls": dict(summary.calls),
        "rules": dict(summary.sorted_rules()),
        "events_by_rule": dict(sorted(summary.affected.items())),
    }


def report_record(report: Report) -> dict[str, Any]:
    """The whole `--format json` document."""
    summary, verdict = report.summary, report.verdict
    record = {
        "tool": "hotjar-cli",
        "version": __version__,
        "summary": summary_record(summary),
        "rules": {
            code: {
                "name": RULES[code].name,
                "severity": RULES[code].severity.value,
                "findings": count,
                "events": summary.affected.get(code, 0),
                "fails": code in verdict.failing_codes,
            }
            for code, count in summary.sorted_rules()
        },
        "examples": {
            code: [example_record(example, report.redact, report.limits) for example in examples]
            for code, examples in sorted(summary.examples.items())
        },
        "errors": [{"file": error.file, "line": error.line, "message": error.message} for error in summary.errors],
        "verdict": {
            "exit_code": verdict.exit_code,
            "failed": verdict.exit_code != 0,
            "fail_on": report.gate.fail_on.value if report.gate.fail_on else "never",
            "max_rates": {code: exact_number(maximum) for code, maximum in sorted(report.gate.max_rates.items())},
            "reasons": list(verdict.reasons),
        },
    }
    timeline = report_timeline(report)  # the loss over time
    if timeline is not None:
        record["timeline"] = timeline
    return record


def exact_number(number: Decimal) -> msgspec.Raw:
    """A decimal as a JSON number with every digit it has (`0.136363636363636363`), where a double would round it
    (to 0.13636363636363635, the float of 3/22, which the rate is above)."""
    return msgspec.Raw(f"{number:f}".encode())  # 0.000000001, not 1E-9


def call_record(event: Event) -> dict[str, Any]:
    """One line of `replay --dry-run`: position, messageId, the Segment user, the event time and the `hj` call."""
    message = event.message
    assert isinstance(message, SegmentMessage) and event.decision.call is not None
    record = event.position.record()
    record["messageId"] = written_message_id(message)
    record["user"] = user_key(message)
    record["timestamp"] = message_time_text(message)
    record["call"] = args = event.decision.call.args
    return _with_dates(record, args)


def _with_dates(record: dict[str, Any], args: list[Any]) -> dict[str, Any]:
    """A call's line with, for an identify, `dates`: the traits whose text the browser turns into a JavaScript `Date`
    (`@segment/isodate`'s, see `iso_date_text`) before the call, in the order of the call's traits, when there are
    any. The call holds their text, as the message wrote it."""
    if args[0] == "identify" and len(args) > 2 and type(args[2]) is dict:
        dates = [name for name, value in args[2].items() if type(value) is str and iso_date_text(value)]
        if dates:
            record["dates"] = dates
    return record


def planned_call_record(
    position: Position,
    message_id: MessageId | None,
    user: str | None,
    timestamp: Any,
    args: list[Any],
    merged: int | None = None,
) -> dict[str, Any]:
    """One line of `replay --dry-run --latest-traits`: a `call_record` of the call's latest message (for a merged
    identify, the last of the messages merged in the replay's order: its position, messageId and time, all of that
    one message), and for an identify `merged`, how many identifies the call stands for."""
    record = position.record()
    record["messageId"] = message_id
    record["user"] = user
    record["timestamp"] = timestamp
    if merged is not None:
        record["merged"] = merged
    record["call"] = args
    return _with_dates(record, args)


def rule_record(rule: Rule) -> dict[str, Any]:
    """One rule of `hotjar-cli rules --format json`."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "effect": rule.effect.value,
        "message": rule.message,
        "confidence": rule.confidence,
        "references": list(rule.references),
    }


def inventory_document(summary: Summary, redact: bool, limits: Limits, by: str = "day") -> dict[str, Any]:
    """The whole `inventory --format json` document; with the time series by `by` when the run collected it (for
    the html page's charts)."""
    assert summary.views is not None and summary.views.inventory is not None
    record: dict[str, Any] = {"tool": "hotjar-cli", "version": __version__, "summary": summary_record(summary)}
    inventory = summary.views.inventory
    record.update(inventory_record(inventory, redact, limits))
    record["errors"] = [{"file": error.file, "line": error.line, "message": error.message} for error in summary.errors]
    if summary.views.timeline is not None:
        known = SiteNames(inventory.attributes.known, inventory.events.known)
        record["timeline"] = timeline_record(
            summary.views.timeline, by, starts_where_first_seen(limits, known, summary)
        )
    return record
