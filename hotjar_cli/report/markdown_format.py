"""`--format markdown`: a report for a CI step summary or a pull-request comment."""

from __future__ import annotations

from hotjar_cli.core.model import Position
from hotjar_cli.core.rules import RULES
from hotjar_cli.report.diff import Mark, details, diff_lines, hj_call, message_id_shown
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.markdown_escape import code, code_block, text
from hotjar_cli.report.redact import redact_example
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
