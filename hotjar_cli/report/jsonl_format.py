"""`--format jsonl`: one JSON line per event that has findings, in input order, as it is decided."""

from __future__ import annotations

import msgspec

from hotjar_cli.core.decode import SegmentMessage, written_message_id
from hotjar_cli.core.mapping import described
from hotjar_cli.core.model import Event
from hotjar_cli.core.visible import visible_json
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.records import finding_record
from hotjar_cli.report.redact import redact_finding


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
        self.out.write(visible_json(msgspec.json.encode(record).decode()) + "\n")

    def finish(self, report: Report) -> None:
        """Nothing more: the lines were written as events came."""
