"""`hotjar-cli rules` lists the catalogue; `hotjar-cli rule CODE` explains one rule.

Annotations here are evaluated when defined, not postponed (see `hotjar_cli.cli.options`).
"""

import os
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import msgspec
import typer

from hotjar_cli.cli.command import guarded_listing
from hotjar_cli.cli.options import Color, choices
from hotjar_cli.cli.settings import UsageError
from hotjar_cli.cli.talk import ColorMode
from hotjar_cli.core.rules import CATALOGUE, MISSING_USER_ID, find_rule, markdown_table, see_rules
from hotjar_cli.core.visible import given
from hotjar_cli.report.layout import OutputConsole, written_to_a_file
from hotjar_cli.report.records import rule_record

if TYPE_CHECKING:
    from rich.console import Console


class RulesFormat(str, Enum):
    """The formats of `hotjar-cli rules`."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@guarded_listing
def list_rules(
    context: typer.Context,
    format: Annotated[
        RulesFormat,
        typer.Option(
            "--format", "-f", metavar="FORMAT", case_sensitive=False, help=f"Output format: {choices(RulesFormat)}."
        ),
    ] = RulesFormat.TEXT,
    color: Color = ColorMode.AUTO,
) -> int:
    """List every rule: code, name, severity, effect and message."""
    if context.args:
        # `rules HJ103` was "Got unexpected extra argument (HJ103)", with no word of the command that explains one.
        said = given(context.args[0])
        raise UsageError(f"rules lists every rule and takes no code: `hotjar-cli rule {said}` explains one")
    if format is RulesFormat.JSON:
        sys.stdout.write(msgspec.json.encode([rule_record(rule) for rule in CATALOGUE]).decode() + "\n")
    elif format is RulesFormat.MARKDOWN:
        sys.stdout.write(markdown_table())
    else:
        print_table(color)
    return 0


def _console(color: ColorMode) -> "Console":
    """stdout as a rich console, coloured as `--color` asks."""
    forced = color.forced
    if forced is None:
        return OutputConsole(no_color="NO_COLOR" in os.environ, force_terminal=written_to_a_file(sys.stdout))
    return OutputConsole(
        force_terminal=forced or None, no_color=not forced, color_system="standard" if forced else None
    )


def print_table(color: ColorMode) -> None:
    """The catalogue on stdout, coloured as `--color` asks: a table of one line a rule where that fits, else each
    rule's code, name, severity and effect on one line and its message indented below (a message column squeezed
    beside the others read one word to a line)."""
    from rich.console import Group, RenderableType
    from rich.table import Table

    from hotjar_cli.report.layout import Flow, fits, words

    console = _console(color)
    rows = [(rule.code, rule.name, rule.severity.value, rule.effect.value, rule.message) for rule in CATALOGUE]
    table = Table(show_edge=False)
    for number, column in enumerate(("code", "name", "severity", "effect", "message")):
        # Codes, names, severities and effects are words to copy (--select takes names): never cut or wrapped; a
        # message is never wrapped either (the table is left for the listing below when it does not fit).
        table.add_column(column, no_wrap=True, min_width=max(len(row[number]) for row in rows))
    for row in rows:
        table.add_row(*row)
    if fits(console, table):
        console.print(table)
        return
    listing: list[RenderableType] = []
    for rule in CATALOGUE:
        listing.append(
            Flow(
                [
                    (rule.code, "bold"),
                    (" " + rule.name, "bold"),
                    (f"  {rule.severity.value},", ""),
                    (f" {rule.effect.value}", ""),
                ],
                6,
            )
        )
        listing.append(Flow(words(rule.message, lead="      "), 6))
    console.print(Group(*listing))


@guarded_listing
def show_rule(
    code: Annotated[
        str, typer.Argument(help=f"A rule code ({MISSING_USER_ID.code}) or name ({MISSING_USER_ID.name}).")
    ],
    color: Color = ColorMode.AUTO,
) -> int:
    """Explain one rule: what it does, why it matters, an example, what to do instead, source and confidence."""
    rule = find_rule(code.strip())  # as --select reads an entry: a code copied with the space around it
    if rule is None:
        raise UsageError(f"no rule {given(code)} ({see_rules(code)})")
    if not sys.stdout.isatty() and not color.forced:
        sys.stdout.write(rule.documentation())  # Markdown as it is, for a file, a pipe or a page of docs
        return 0
    from rich.markdown import Markdown

    # On a terminal (or with --color always), drawn to its width: the Markdown's own lines run to a few hundred
    # characters.
    _console(color).print(Markdown(rule.documentation()))
    return 0
