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
from hotjar_cli.core.summary import Example
from hotjar_cli.core.visible import visible
from hotjar_cli.report.diff import DiffLine, Mark, diff_lines, hj_call
from hotjar_cli.report.interface import Report, Reporter
from hotjar_cli.report.redact import redact_example
from hotjar_cli.report.timeline_text import since_lines

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
        if console is None and color is None:
            console = Console(file=out, highlight=False, soft_wrap=False)
        elif console is None:
            # `--color always` colours a pipe or a file too, whatever NO_COLOR says; `never` writes no escape at all.
            console = Console(
                file=out,
                highlight=False,
                soft_wrap=False,
                force_terminal=color or None,
                no_color=not color,
                color_system="standard" if color else None,
            )
        self.console = console

    def finish(self, report: Report) -> None:
        """Print the report."""
        summary, verdict = report.summary, report.verdict
        # One print of the whole report: rich works out the console's size and style once per print.
        parts: list[RenderableType] = []
        filtered = f", {summary.filtered:,} filtered out" if summary.filtered else ""
        parts.append(
            Text.assemble(
                ("hotjar-cli validate", "bold"),
                f": {summary.events:,} events in {summary.lines:,} lines of {summary.files:,} "
                f"file{'s' if summary.files != 1 else ''}{filtered}",
            )
        )
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
            columns: tuple[tuple[str, JustifyMethod], ...] = (
                ("rule", "left"),
                ("name", "left"),
                ("severity", "left"),
                ("findings", "right"),
                ("events", "right"),
                ("gate", "left"),
            )
            for column, justify in columns:
                # Rule names are what --select takes: never cut, never wrapped.
                rules.add_column(
                    column,
                    justify=justify,
                    no_wrap=column in ("rule", "name"),
                    min_width=max(len(RULES[code].name) for code in summary.rules) if column == "name" else None,
                )
            for code, count in summary.sorted_rules():
                rule = RULES[code]
                rules.add_row(
                    code,
                    rule.name,
                    Text(rule.severity.value, SEVERITY_STYLES[rule.severity]),
                    f"{count:,}",
                    f"{summary.affected.get(code, 0):,}",
                    Text("fails", "bold red") if code in verdict.failing_codes else "",
                )
            parts.append(rules)
        parts.extend(since_lines(summary, report.by))  # the loss over time, when the run collected it
        shown: dict[Position, str] = {}
        width = self.console.width
        for code, examples in sorted(summary.examples.items()):
            parts.extend(_examples(code, examples, report.redact, shown, width))
        for error in summary.errors:
            parts.append(
                _flow(
                    width,
                    4,
                    _words(visible(f"{error.file}:{error.line}: could not read on: {error.message}"), "bold red"),
                )
            )
        if verdict.exit_code:
            parts.append(Text("Gate failed:", "bold red"))
            parts.extend(_flow(width, 4, _words(visible(reason), "", lead="  ")) for reason in verdict.reasons)
        else:
            parts.append(Text("Gate passed.", "bold green"))
        self.console.print(Group(*parts))


Chunk = tuple[str, str]
"""A piece of a line that is never broken, and its style. A piece starting with a space may begin a new line
(without that space); any other piece stays glued to the one before it."""


def _words(text: str, style: str, lead: str = "") -> list[Chunk]:
    """Text as pieces that break at its spaces, the first one after `lead` (glued to what comes before, unless
    `lead` starts with a space)."""
    words = text.split(" ")
    return [(lead + words[0], style), *((" " + word, style) for word in words[1:])]


def _flow(width: int, indent: int, chunks: list[Chunk]) -> Text:
    """Pieces laid out in lines of at most `width` cells, broken only where a piece starts with a space, each
    further line indented: headings stay readable at 80 columns and never wrap back to the first column."""
    lines: list[list[Chunk]] = [[]]
    used = 0
    for text, style in chunks:
        size = cell_len(text)
        if text.startswith(" ") and lines[-1] and used + size > width:
            text = " " * indent + text.lstrip(" ")
            size = cell_len(text)
            lines.append([])
            used = 0
        lines[-1].append((text, style))
        used += size
    # A single piece wider than the line (a very long path) is folded where it must be.
    flowed = Text("\n").join(Text.assemble(*line) for line in lines)
    flowed.overflow = "fold"
    return flowed


def _examples(
    code: str,
    examples: list[Example],
    redact: bool,
    shown: dict[Position, str],
    width: int,
) -> Iterator[Text]:
    rule = RULES[code]
    yield Text()
    yield _flow(
        width,
        2,
        [
            (f"{code} {rule.name}", f"bold {SEVERITY_STYLES[rule.severity]}"),
            *_words(rule.message, "", lead="  "),
            (f"  (hotjar-cli rule {code})", ""),
        ],
    )
    for example in examples:
        if redact:
            example = redact_example(example)
        details = "; ".join(
            f"{finding.path} {finding.detail}".rstrip() for finding in example.findings if finding.code == code
        )
        heading: list[Chunk] = [("  " + visible(str(example.position)), "bold")]
        if example.message_id:
            heading.append((visible(f"  messageId {example.message_id}"), ""))
        heading.append((":", ""))
        heading.extend(_words(visible(details), "", lead=" "))
        yield _flow(width, 6, heading)
        if example.position in shown:
            yield Text(f"    (the same event as under {shown[example.position]} above)", "dim")
            continue
        shown[example.position] = code
        lines = [_payload_line(line, width) for line in diff_lines(example)]
        lines.append(Text("    " + hj_call(example.call), "dim"))
        payload = Text("\n").join(lines)
        payload.no_wrap, payload.overflow = True, "ellipsis"  # cut at the width, never wrapped
        yield payload
        for explanation in example.explanation:
            yield _flow(width, 8, _words(visible(explanation), "dim", lead="    schema: "))


MARKER_MIN_ROOM = 12
"""Cells of payload a line keeps beside its rule marker; below that the marker goes on a line of its own."""


def _payload_line(line: DiffLine, width: int) -> Text:
    """One line of the payload, cut with an ellipsis to fit the width, and its rule marker, which is never cut."""
    marker = f"   ← {line.code} {RULES[line.code].name}" if line.code else ""
    text = f"{SIGNS[line.mark]} {line.text}"
    room = width - 4 - cell_len(marker)
    if marker and room < MARKER_MIN_ROOM:
        shown = Text.assemble(
            "    ", (_cut(text, width - 4), MARK_STYLES[line.mark]), "\n", ("      " + marker.lstrip(), "dim")
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
