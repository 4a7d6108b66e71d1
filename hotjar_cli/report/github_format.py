"""`--format github`: GitHub Actions workflow commands that annotate the log files at the offending lines.

GitHub shows only a few annotations per step (ten errors and ten warnings), first come first shown, so the first
carries the totals and the verdict, and then each rule's examples are annotated (`--examples` of them), one
annotation an example however many of the rule's findings it holds.
"""

from __future__ import annotations

from hotjar_cli.core.rules import RULES, Severity
from hotjar_cli.core.visible import visible
from hotjar_cli.report.diff import path_shown
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.redact import redact_finding
from hotjar_cli.report.wording import counted, filtered_out

BELOW_THE_GATE = {Severity.ERROR: "warning", Severity.WARNING: "warning", Severity.INFO: "notice"}
"""The level of an annotation of a rule that does not fail the run, by its severity: a rule that does is an error,
as the JUnit and Markdown reports mark it. By severity alone, a run whose gate passed showed red errors, and the rule
a maximum rate failed it by showed as a warning."""


def _data(text: str) -> str:
    # Every control character, CR and LF included, is shown as its escape (`\u000a`) as the text format shows it,
    # before the workflow command's own encoding: GitHub decodes `%0A` back into a line break, so a trait named
    # "nest\n" read as `nest` and a line break in the annotation. Then `%`, which GitHub decodes, is encoded.
    return visible(text).replace("%", "%25")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


STDIN = "-"
"""Standard input's name in reports when `--stdin-filename` gave it none: no file in the repository to annotate."""


def _place(file: str, line: int | None) -> tuple[str, str]:
    """The annotation's properties for a line of a file (the file alone when `line` is None), and what its message
    adds: for standard input, where in it (an annotation naming a file `-` is attached to no file)."""
    if file == STDIN:
        return "", "" if line is None else f" (standard input, line {line})"
    return f"file={_property(file)},{'' if line is None else f'line={line},'}", ""


class GithubReporter(Reporter):
    """First one annotation with the counts and the verdict (an error when the run fails, else a notice), then one
    per file that could not be read to its end, then one per example."""

    def finish(self, report: Report) -> None:
        """Write the workflow commands."""
        summary, failing = report.summary, report.verdict.failing_codes
        outcomes = ", ".join(f"{count:,} {outcome.value}" for outcome, count in summary.outcomes.items())
        rules = ", ".join(f"{code} {count:,}" for code, count in summary.sorted_rules()) or "no findings"
        verdict = "failed: " + "; ".join(report.verdict.reasons) if report.verdict.exit_code else "passed"
        read = f"{counted(summary.events, 'event')}{filtered_out(summary.filtered)}"
        totals = f"{read} ({outcomes}). Findings: {rules}. Gate {verdict}."
        # An error when the run fails, whatever failed it: an empty input's reason showed as a blue note. First: after
        # a few rules' examples, GitHub showed no more errors, and the verdict was never seen.
        level = "error" if report.verdict.exit_code else "notice"
        self.out.write(f"::{level} title=hotjar-cli validate::{_data(totals)}\n")
        for error in summary.errors:
            place, said = _place(error.file, error.line)
            self.out.write(f"::error {place}title=hotjar-cli could not read the file::{_data(error.message + said)}\n")
        for code, examples in sorted(summary.examples.items()):
            rule = RULES[code]
            level = "error" if code in failing else BELOW_THE_GATE[rule.severity]
            for example in examples:
                found = [finding for finding in example.findings if finding.code == code]
                if not found:
                    continue
                # One annotation an example: an identify with 3,000 nested traits made 3,000, all on one line.
                finding = redact_finding(found[0]) if report.redact else found[0]
                position = example.position
                where = f" (batch item {position.index})" if position.index is not None else ""
                message = f"{rule.message}: {finding.detail}" if finding.detail else rule.message
                place, said = _place(position.file, position.line)
                at = f" at {path}" if (path := path_shown(finding.path)) else ""
                more = (
                    f", and {counted(len(found) - 1, 'more finding')} of the rule in this event"
                    if len(found) > 1
                    else ""
                )
                self.out.write(
                    f"::{level} {place}title={_property(rule.title)}::{_data(f'{message}{at}{more}{where}{said}')}\n"
                )
