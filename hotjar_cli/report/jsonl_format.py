"""`--format jsonl`: one JSON line per event that has findings, in input order, as it is decided."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from hotjar_cli.core.decode import SegmentMessage, written_message_id
from hotjar_cli.core.mapping import described
from hotjar_cli.core.model import Event
from hotjar_cli.core.summary import SourceError
from hotjar_cli.core.visible import visible_json
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.records import finding_record
from hotjar_cli.report.redact import redact_finding


def error_lines(errors: Iterable[SourceError]) -> str:
    """`{"file", "line", "error"}` for each file that could not be read to its end (`line` null for one that could not
    be opened): the last lines of a stream of lines (`--format jsonl`, `replay --dry-run`), so that the lines kept with
    `>` do not look whole, as the run's exit code and its words on stderr are not kept with them."""
    return "".join(json_line({"file": error.file, "line": error.line, "error": error.message}) for error in errors)


def json_line(record: dict[str, Any]) -> str:
    """A record as one line of JSON, its line end included, with the input's control characters made visible."""
    return visible_json(msgspec.json.encode(record).decode()) + "\n"


class JsonLinesReporter(Reporter):
    """Streams `{"file", "line", ["index"], "messageId", "type", "outcome", "findings"}` per event with findings."""

    streams = True

    def event(self, event: Event) -> None:
        """Write the event's line when it has findings."""
        if not event.decision.findings:
            return
        record = event.position.record()
        message = event.message
        if isinstance(message, SegmentMessage):
            record["messageId"] = written_message_id(message)
            record["type"] = message.type if isinstance(message.type, str) else None
        else:
            record["messageId"] = record["type"] = None
        findings = described(event.decision.findings, message)
        if self.redact:
            findings = tuple(redact_finding(finding) for finding in findings)
        record["outcome"] = event.decision.outcome.value
        record["findings"] = [finding_record(finding) for finding in findings]
        self.out.write(json_line(record))

    def finish(self, report: Report) -> None:
        """A line for each file that could not be read to its end (`error_lines`): the others were written as events
        came."""
        self.out.write(error_lines(report.summary.errors))
