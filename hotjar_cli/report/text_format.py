"""`--format text` (the default): a rich report for a person at a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console, Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from hotjar_cli.core.model import Outcome, Position
from hotjar_cli.core.rules import RULES, Severity
from hotjar_cli.core.summary import Example, Summary
from hotjar_cli.core.visible import visible
from hotjar_cli.report.diff import DiffLine, Mark, details, diff_lines, hj_call, message_id_shown
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.layout import Chunk, Flow, fits, lay_out, report_console, words
from hotjar_cli.report.redact import redact_example
from hotjar_cli.report.site_view import incomplete_words
from hotjar_cli.report.timeline_text import since_lines
from hotjar_cli.report.wording import counted, gate_word, outcomes_said, read_from, stopped_words
from hotjar_cli.report.workflow import inert_line

OUTCOME_STYLES = {
    Outcome.ACCEPTED: "green",
    Outcome.MODIFIED: "yellow",
    Outcome.REJECTED: "red",
    Outcome.IGNORED: "dim",
    Outcome.INVALID: "bold red",
}
SEVERITY_STYLES = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
MARK_STYLES = {Mark.KEPT: "green", Mark.DROPPED: "red strike", Mark.COERCED: "yellow"}
SIGNS = {Mark.KEPT: " ", Mark.DROPPED: "-", Mark.COERCED: "~"}


class TextReporter(Reporter):
    """Outcome and rule tables, examples as diffs with dropped values struck out, then the verdict."""

    def __init__(
        self,
        out: TextIO,
        redact: bool = False,
        color: bool | None = None,
        console: Console | None = None,
    ) -> None:
        super().__init__(out, redact, color)
        self.console = console or report_console(out, color)

    def finish(self, report: Report) -> None:
        """Print the report."""
        summary, verdict = report.summary, report.verdict
        # One print of the whole report: rich works out the console's size and style once per print.
        parts: list[RenderableType] = []
        parts.append(
            Flow(
                [
                    ("hotjar-cli validate", "bold"),
                    (":", ""),  # the count after it may start the next line, whole
                    *words(read_from(summary.events, summary.lines, summary.files, summary.filtered), lead=" "),
                ],
                indent=2,
            )
        )
        # Said first, as the inventory says it: a headline of "17,174 events in 17,174 lines of 26 files" read as whole.
        incomplete = incomplete_words([{"file": error.file} for error in summary.errors], "the counts and findings")
        if incomplete is not None:
            parts.append(Flow(words(f"{incomplete} (where reading stopped is said at the end)", "bold red"), 2))
        if outcomes_said(summary.events, len(summary.errors)):
            parts.extend(_outcomes(self.console, summary))
        if summary.rules:
            parts.extend(_rules_by_finding(self.console, report))
        parts.extend(since_lines(report, self.console))  # the loss over time, when the run collected it
        shown: dict[Position, str] = {}
        width = self.console.width
        for code, examples in sorted(summary.examples.items()):
            if examples:  # none with `--examples 0`: a rule's heading with nothing under it read as a broken report
                parts.extend(_examples(code, examples, report, shown, width))
        for error in summary.errors:
            parts.append(
                Flow(words(visible(": ".join(stopped_words(error.file, error.line, error.message))), "bold red"), 4)
            )
        if verdict.exit_code:
            parts.append(Text("Gate failed:", "bold red"))
            # A file's reading that stopped was said just above, whole: here, where alone. Said again in full, with the
            # error line on stderr, a terminal showed it three times.
            stopped = {f"{error.place}: {error.message}": error.place for error in summary.errors}
            reasons = [
                f"{stopped[reason]}: reading stopped, as said above" if reason in stopped else reason
                for reason in verdict.reasons
            ]
            parts.extend(Flow(words(visible(reason), lead="  "), 4) for reason in reasons)
        else:
            parts.append(Text("Gate passed.", "bold green"))
        self.console.print(Group(*parts))


def _outcomes(console: Console, summary: Summary) -> Iterator[RenderableType]:
    """The outcomes as a table, or, where the table would cut its counts or shares, one outcome to a line."""
    title = "What Hotjar does with each event"
    # A table's title wraps at the table's width, and this table is narrower than its title.
    table = Table(title=title, title_justify="left", min_width=len(title))
    table.add_column("outcome", no_wrap=True)
    table.add_column("events", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    decided = summary.events - summary.filtered
    shares = {outcome: f"{count / decided:.1%}" if decided else "-" for outcome, count in summary.outcomes.items()}
    for outcome, count in summary.outcomes.items():
        table.add_row(Text(outcome.value, OUTCOME_STYLES[outcome]), f"{count:,}", shares[outcome])
    if fits(console, table):
        yield table
        return
    yield Flow(words(title))
    for outcome, count in summary.outcomes.items():
        share = f" ({shares[outcome]})" if decided else ""
        yield Flow(
            [("  " + outcome.value, OUTCOME_STYLES[outcome]), (":", ""), *words(f"{count:,}{share}", lead=" ")], 4
        )


def _rules_by_finding(console: Console, report: Report) -> Iterator[RenderableType]:
    """The findings by rule as a table, or, where the table would not fit whole, one rule to a few lines.

    Codes, names (what --select takes), severities, counts and the gate are never cut (nor wrapped, but for the
    gate's words): a terminal too narrow for all of them side by side gets each rule's values stacked instead of
    losing columns."""
    summary, verdict = report.summary, report.verdict
    table = Table()  # its title on a line of its own: as a table's title, Rich pads it to the table's width
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("rule", "left"),
        ("name", "left"),
        ("severity", "left"),
        ("findings", "right"),
        ("events", "right"),
        ("gate", "left"),
    )
    for column, justify in columns:
        # The gate's words may go on two lines (`within its` / `maximum`): on one, a run with a maximum rate no
        # longer fit 80 columns, and every rule went to the lines below.
        table.add_column(column, justify=justify, no_wrap=column != "gate")
    for code, findings in summary.sorted_rules():
        rule = RULES[code]
        table.add_row(
            code,
            rule.name,
            Text(rule.severity.value, SEVERITY_STYLES[rule.severity]),
            f"{findings:,}",
            f"{summary.affected.get(code, 0):,}",
            Text(gate, "bold red" if gate == "fails" else "")
            if (gate := gate_word(code, verdict.failing_codes, report.gate.max_rates))
            else "",
        )
    yield Text("Findings by rule")
    if fits(console, table):
        yield table
        return
    for code, findings in summary.sorted_rules():
        rule = RULES[code]
        yield Flow([(code, "bold"), (" " + rule.name, "")], indent=2)
        gate = gate_word(code, verdict.failing_codes, report.gate.max_rates)
        said = {"fails": [(";", ""), (" fails the gate", "bold red")], "": []}.get(gate, words(gate, lead="; "))
        yield Flow(
            [
                ("  " + rule.severity.value, SEVERITY_STYLES[rule.severity]),
                *words(
                    f"{counted(findings, 'finding')} in {counted(summary.affected.get(code, 0), 'event')}", lead=": "
                ),
                *said,
            ],
            indent=4,
        )


def _examples(
    code: str,
    examples: list[Example],
    report: Report,
    shown: dict[Position, str],
    width: int,
) -> Iterator[RenderableType]:
    rule = RULES[code]
    yield Text()
    yield Flow(
        [
            (f"{code} {rule.name}", f"bold {SEVERITY_STYLES[rule.severity]}"),
            *words(rule.message, lead="  "),
            (f"  (hotjar-cli rule {code})", ""),
        ],
        indent=2,
    )
    for example in examples:
        if report.redact:
            example = redact_example(example, report.limits)
        said = details(example, code)
        # A location and a messageId are folded inside a file name or an id when they must be, never inside a
        # line number, and never back to the first column.
        heading: list[Chunk] = words(visible(str(example.position)), "bold", lead="  ")
        message_id = message_id_shown(example)
        if message_id:
            heading.append(("  messageId " + visible(message_id), ""))
        heading.append((":", ""))
        heading.extend(words(visible(said), lead=" "))
        yield Flow(heading, indent=6)
        if example.position in shown:
            yield Flow(
                words(f"(the same event as under {shown[example.position]} above)", "dim", lead="    "), indent=6
            )
            continue
        shown[example.position] = code
        lines = [_payload_line(line, width) for line in diff_lines(example)]
        lines.append(Text(inert_line("    " + hj_call(example.call)), "dim"))
        payload = Text("\n").join(lines)
        payload.no_wrap, payload.overflow = True, "ellipsis"  # cut at the width, never wrapped
        yield payload
        for explanation in example.explanation:
            yield Flow(words(visible(explanation), "dim", lead="    schema: "), indent=8)


MARKER_MIN_ROOM = 12
"""Cells of payload a line keeps beside its rule marker; below that the marker goes on a line of its own."""


def _payload_line(line: DiffLine, width: int) -> Text:
    """One line of the payload, cut with an ellipsis to fit the width, and its rule marker, which is never cut. The
    line is measured and cut as it is written (`inert_line`: a value's `##[` escaped, five characters longer), so
    that it does not run past the width once written."""
    marker = f"   ← {line.code} {RULES[line.code].name}" if line.code else ""
    # The line starts with four spaces, which `inert_line` looks past as it would past this text's own.
    text = inert_line(f"{SIGNS[line.mark]} {line.text}")
    room = width - 4 - cell_len(marker)
    if marker and room < MARKER_MIN_ROOM:
        # Indented as far as it can be and still fit: a marker is never cut, but folded when wider than the line.
        folded = ["".join(piece for piece, _ in part) for part in lay_out(words(marker.lstrip()), width)]
        margin = " " * max(0, min(6, width - max(cell_len(part) for part in folded)))
        shown = Text.assemble(
            "    ",
            (_cut(text, width - 4), MARK_STYLES[line.mark]),
            *(piece for part in folded for piece in ("\n", (margin + part, "dim"))),
        )
    else:
        shown = Text.assemble("    ", (_cut(text, room), MARK_STYLES[line.mark]), (marker, "dim"))
    return shown


def _cut(text: str, room: int) -> str:
    """The text, ending in an ellipsis where it had to be cut to `room` cells."""
    if cell_len(text) <= room:
        return text
    kept = ""
    for character in text:
        if cell_len(kept + character) > room - 1:
            break
        kept += character
    return kept + "…"
