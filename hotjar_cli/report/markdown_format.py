"""`--format markdown`: a report for a CI step summary or a pull-request comment."""

from __future__ import annotations

from hotjar_cli.core.model import Position
from hotjar_cli.core.rules import RULES
from hotjar_cli.report.diff import Mark, details, diff_lines, hj_call, message_id_shown
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.markdown_escape import code, code_block, table_cell, text
from hotjar_cli.report.redact import redact_example
from hotjar_cli.report.site_view import (
    report_timeline,
    rules_over_time_words,
    summary_gap_words,
    unmeasured_words,
    where,
)
from hotjar_cli.report.wording import gate_word, outcomes_said, read_from

SIGNS = {Mark.KEPT: " ", Mark.DROPPED: "-", Mark.COERCED: "~"}


class MarkdownReporter(Reporter):
    """Outcome and rule tables, the verdict, and each rule's examples as diffs.

    Every text from the input goes through `hotjar_cli.report.markdown_escape`, so it shows as text.
    """

    def finish(self, report: Report) -> None:
        """Write the Markdown."""
        summary, verdict = report.summary, report.verdict
        write = self.out.write
        status = "❌ failed" if verdict.exit_code else "✅ passed"
        write(f"## hotjar-cli validate: {status}\n\n")
        write(f"{read_from(summary.events, summary.lines, summary.files, summary.filtered)}.\n\n")
        if outcomes_said(summary.events, len(summary.errors)):
            write("| outcome | events |\n| --- | ---: |\n")
            for outcome, count in summary.outcomes.items():
                write(f"| {outcome.value} | {count:,} |\n")
        if summary.rules:
            write("\n| rule | severity | findings | events | gate |\n| --- | --- | ---: | ---: | --- |\n")
            for rule_code, count in summary.sorted_rules():
                rule = RULES[rule_code]
                gate = gate_word(rule_code, verdict.failing_codes, report.gate.max_rates)
                write(
                    f"| `{rule_code}` {rule.name} | {rule.severity.value} | {count:,} | "
                    f"{summary.affected.get(rule_code, 0):,} | {gate} |\n"
                )
        write(_when_each_rule_occurs(report))
        if verdict.reasons:
            write("\n**Why:**\n\n" + "".join(f"- {text(reason)}\n" for reason in verdict.reasons))
        shown: dict[Position, str] = {}
        for rule_code, examples in sorted(summary.examples.items()):
            if not examples:
                continue  # none with `--examples 0`: a rule's heading with nothing under it read as a broken report
            rule = RULES[rule_code]
            write(
                f"\n### `{rule_code}` {rule.name}\n\n{rule.message}. Run `hotjar-cli rule {rule_code}` for details.\n"
            )
            for example in examples:
                if report.redact:
                    example = redact_example(example, report.limits)
                said = details(example, rule_code, code, text)
                shown_id = message_id_shown(example)
                message_id = f" messageId {code(shown_id)}" if shown_id else ""
                write(f"\n{code(str(example.position))}{message_id}: {said}\n")
                if example.position in shown:
                    write(f"\n(the same event as under `{shown[example.position]}` above)\n")
                    continue
                shown[example.position] = rule_code
                lines = [
                    f"{SIGNS[line.mark]} {line.text}"
                    + (f"    # {line.code} {RULES[line.code].name}" if line.code else "")
                    for line in diff_lines(example)
                ]
                write("\n" + code_block(lines, "diff") + hj_call(example.call, show=code) + "\n")
                for explanation in example.explanation:
                    write(f"- schema: {text(explanation)}\n")


def _when_each_rule_occurs(report: Report) -> str:
    """With `--by`, which collects the time series: since when each rule occurs (first and last seen, event time
    and file:line), where it started, as the text report's table says them, and the spans of event time without
    events. Nothing without it, even when another report of the run collected it: the report of a CI step stays as
    short as it was."""
    summary, by = report.summary, report.by
    record = report_timeline(report) if report.by_given else None
    if record is None:
        return ""
    said = []
    rows = [
        (rule_code, record["rules"][rule_code]) for rule_code in sorted(summary.rules) if rule_code in record["rules"]
    ]
    if rows:
        said.append(f"\n**When each rule occurs** ({text(rules_over_time_words(record, by))})\n")
        said.append("\n| rule | since | last seen | started |\n| --- | --- | --- | --- |\n")
        for rule_code, rule in rows:
            started = "<br>".join(
                table_cell(f"on {code(start['bucket'])}: first {where(start['first_example'], code)}")
                for start in rule["started"]
            )
            since, last = (table_cell(where(rule[seen], code)) for seen in ("first_seen", "last_seen"))
            said.append(f"| `{rule_code}` {rule['name']} | {since} | {last} | {started} |\n")
        said.extend(f"\n{text(words)}.\n" for words in unmeasured_words(record))
    gaps = summary_gap_words(record, summary)
    if gaps:
        said.append(f"\n{text(gaps)}.\n")
    return "".join(said)
