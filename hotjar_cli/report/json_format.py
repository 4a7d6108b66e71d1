"""`--format json`: one JSON document for the whole run."""

from __future__ import annotations

import msgspec

from hotjar_cli.core.visible import visible_json_utf8
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.records import report_record


class JsonReporter(Reporter):
    """Writes the summary, rules, examples, errors and verdict as one indented JSON document."""

    def finish(self, report: Report) -> None:
        """Write the document."""
        encoded = msgspec.json.format(msgspec.json.encode(report_record(report)), indent=2)
        self.out.write(visible_json_utf8(encoded) + "\n")
