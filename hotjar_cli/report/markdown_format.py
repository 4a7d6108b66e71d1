"""`--format markdown`: a report for a CI step summary or a pull-request comment."""

from __future__ import annotations

from hotjar_cli.core.model import Position
from hotjar_cli.core.rules import RULES
from hotjar_cli.core.visible import visible
from hotjar_cli.report.diff import Mark, diff_lines, hj_call
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.redact import redact_example

SIGNS = {Mark.KEPT: " ", Mark.DROPPED: "-", Mark.COERCED: "~"}


def _cell(text: str) -> str:
    return visible(text.replace("\n", " ")).replace("|", "\\|")


class MarkdownReporter(Reporter):
    """Outcome and rule tables, the verdict, and each rule's examples as diffs."""

    def finish(self, report: Report) -> None:
        """Write the Markdown."""
        summary, verdict = report.summary, report.verdict
        write = self.out.write
        status = "❌ failed" if verdict.exit_code else "✅ passed"
        write(f"## hotjar-cli validate: {status}\n\n")
        write(
            f"{summary.events:,} events in {summary.lines:,} lines of {summary.files:,} "
            f"file{'s' if summary.files != 1 else ''}"
        )
        write(f" ({summary.filtered:,} filtered out).\n\n" if summary.filtered else ".\n\n")
        write("| outcome | events |\n| --- | ---: |\n")
        for outcome, count in summary.outcomes.items():
            write(f"| {outcome.value} | {count:,} |\n")
        if summary.rules:
            write("\n| rule | severity | findings | events | gate |\n| --- | --- | ---: | ---: | --- |\n")
            for code, count in summary.sorted_rules():
                rule = RULES[code]
                gate = "fails" if code in verdict.failing_codes else ""
                write(
                    f"| `{code}` {rule.name} | {rule.severity.value} | {count:,} | "
                    f"{summary.affected.get(code, 0):,} | {gate} |\n"
                )
        if verdict.reasons:
            write("\n**Why:**\n\n" + "".join(f"- {_cell(reason)}\n" for reason in verdict.reasons))
        shown: dict[Position, str] = {}
        for code, examples in sorted(summary.examples.items()):
            rule = RULES[code]
            write(f"\n### `{code}` {rule.name}\n\n{rule.message}. Run `hotjar-cli rule {code}` for details.\n")
            for example in examples:
                if report.redact:
                    example = redact_example(example)
                details = "; ".join(
                    f"`{finding.path}` {finding.detail}".rstrip()
                    for finding in example.findings
                    if finding.code == code
                )
                message_id = f" messageId `{visible(example.message_id)}`" if example.message_id else ""
                write(f"\n`{visible(str(example.position))}`{message_id}: {_cell(details)}\n")
                if example.position in shown:
                    write(f"\n(the same event as under `{shown[example.position]}` above)\n")
                    continue
                shown[example.position] = code
                write("\n```diff\n")
                for line in diff_lines(example):
                    suffix = f"    # {line.code} {RULES[line.code].name}" if line.code else ""
                    write(f"{SIGNS[line.mark]} {line.text}{suffix}\n")
                write(f"```\n{hj_call(example.call)}\n")
                for explanation in example.explanation:
                    write(f"- schema: {_cell(explanation)}\n")
