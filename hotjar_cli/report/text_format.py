"""`--format text` (the default): a rich report for a person at a terminal."""

from __future__ import annotations

from typing import Iterator

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from hotjar_cli.core.model import Outcome, Position, Severity
from hotjar_cli.core.rules import RULES
from hotjar_cli.report.diff import Mark, diff_lines, hj_call
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.redact import redact_example
from hotjar_cli.report.timeline_text import since_lines

OUTCOME_STYLES = {Outcome.ACCEPTED: "green", Outcome.MODIFIED: "yellow", Outcome.REJECTED: "red",
                  Outcome.IGNORED: "dim", Outcome.INVALID: "bold red"}
SEVERITY_STYLES = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
MARK_STYLES = {Mark.KEPT: "green", Mark.DROPPED: "red strike", Mark.COERCED: "yellow"}
SIGNS = {Mark.KEPT: " ", Mark.DROPPED: "-", Mark.COERCED: "~"}


class TextReporter(Reporter):
    """Outcome and rule tables, examples as diffs with dropped values struck out, then the verdict."""

    def __init__(self, out, redact: bool = False, console: Console | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out, redact)
        self.console = console or Console(file=out, highlight=False, soft_wrap=False)

    def finish(self, report: Report) -> None:
        """Print the report."""
        summary, verdict = report.summary, report.verdict
        # One print of the whole report: rich works out the console's size and style once per print.
        parts: list[RenderableType] = []
        filtered = f", {summary.filtered:,} filtered out" if summary.filtered else ""
        parts.append(Text.assemble(
            ("hotjar-cli validate", "bold"),
            f": {summary.events:,} events in {summary.lines:,} lines of {summary.files:,} "
            f"file{'s' if summary.files != 1 else ''}{filtered}"))
        title = "What Hotjar does with each event"
        # A table's title wraps at the table's width, and this table is narrower than its title.
        outcomes = Table(title=title, title_justify="left", min_width=len(title))
        outcomes.add_column("outcome")
        outcomes.add_column("events", justify="right")
        outcomes.add_column("share", justify="right")
        decided = summary.events - summary.filtered
        for outcome, count in summary.outcomes.items():
            share = f"{count / decided:.1%}" if decided else "-"
            outcomes.add_row(Text(outcome.value, OUTCOME_STYLES[outcome]), f"{count:,}", share)
        parts.append(outcomes)
        if summary.rules:
            rules = Table(title="Findings by rule", title_justify="left")
            for column, justify in (("rule", "left"), ("name", "left"), ("severity", "left"),
                                    ("findings", "right"), ("events", "right"), ("gate", "left")):
                rules.add_column(column, justify=justify)  # type: ignore[arg-type]
            for code, count in summary.sorted_rules():
                rule = RULES[code]
                rules.add_row(code, rule.name, Text(rule.severity.value, SEVERITY_STYLES[rule.severity]),
                              f"{count:,}", f"{summary.affected.get(code, 0):,}",
                              Text("fails", "bold red") if code in verdict.failing_codes else "")
            parts.append(rules)
        parts.extend(since_lines(summary, report.by))  # the loss over time, when the run collected it
        shown: dict[Position, str] = {}
        for code, examples in sorted(summary.examples.items()):
            parts.extend(_examples(code, examples, report.redact, shown))
        for error in summary.errors:
            parts.append(Text(f"{error.file}:{error.line}: could not read on: {error.message}", "bold red"))
        if verdict.exit_code:
            parts.append(Text("Gate failed:", "bold red"))
            parts.extend(Text(f"  {reason}") for reason in verdict.reasons)
        else:
            parts.append(Text("Gate passed.", "bold green"))
        self.console.print(Group(*parts))


def _examples(code: str, examples, redact: bool, shown: dict[Position, str]) -> Iterator[Text]:  # type: ignore[no-untyped-def]
    rule = RULES[code]
    yield Text()
    yield Text.assemble((f"{code} {rule.name}", f"bold {SEVERITY_STYLES[rule.severity]}"),
                        f"  {rule.message}  (hotjar-cli rule {code})")
    for example in examples:
        if redact:
            example = redact_example(example)
        details = "; ".join(f"{finding.path} {finding.detail}".rstrip()
                            for finding in example.findings if finding.code == code)
        message_id = f"  messageId {example.message_id}" if example.message_id else ""
        yield Text.assemble(("  " + str(example.position), "bold"), message_id, f": {details}")
        if example.position in shown:
            yield Text(f"    (the same event as under {shown[example.position]} above)", "dim")
            continue
        shown[example.position] = code
        lines = [Text.assemble("    ", (f"{SIGNS[line.mark]} {line.text}", MARK_STYLES[line.mark]),
                               (f"   ← {line.code} {RULES[line.code].name}" if line.code else "", "dim"))
                 for line in diff_lines(example)]
        lines.append(Text("    " + hj_call(example.call), "dim"))
        yield _payload_lines(Text("\n").join(lines))
        for explanation in example.explanation:
            yield Text(f"    schema: {explanation}", "dim")


def _payload_lines(text: Text) -> Text:
    """The payload's lines, each cut with an ellipsis at the console's width rather than wrapped."""
    text.no_wrap, text.overflow = True, "ellipsis"
    return text
