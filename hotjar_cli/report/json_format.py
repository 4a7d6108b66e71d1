"""`--format json`: one JSON document for the whole run."""

from __future__ import annotations

from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.records import report_record, write_document


class JsonReporter(Reporter):
    """Writes the summary, rules, examples, errors and verdict as one indented JSON document."""

    def finish(self, report: Report) -> None:
        """Write the document."""
        write_document(report_record(report), self.out)
