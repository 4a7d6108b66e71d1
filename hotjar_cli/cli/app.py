"""The `hotjar-cli` command group: each command lives in its own module, imported only when a run needs it.

Building a command imports its module and reads every option of its signature: `validate` on one small file should
not also pay for `replay`'s options or the inventory's formats. Listing the names imports nothing; the group's help,
which shows every command with its help, imports them all. (Click's documented lazy group: `list_commands` and
`get_command` overridden.)

Annotations here are evaluated when defined, not postponed (see `hotjar_cli.cli.options`).
"""

import difflib
import sys
from importlib import import_module
from typing import Annotated, Any

import click
import typer
import typer.core

from hotjar_cli import __version__, compiled

COMMANDS: dict[str, str] = {
    "validate": "hotjar_cli.cli.validate:validate",
    "inventory": "hotjar_cli.cli.inventory:inventory",
    "replay": "hotjar_cli.cli.replay:replay",
    "rules": "hotjar_cli.cli.rules:list_rules",
    "rule": "hotjar_cli.cli.rules:show_rule",
}
"""Every command, in the order the help lists them, and the function that is the command, as `module:function`."""


class Command(typer.core.TyperCommand):
    """A hotjar-cli command: Typer's, each of whose usage errors knows the command it is about."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The arguments parsed; a usage error raised without its context (click's "requires an argument") gets
        this command's, so that the error names the help to read: `hotjar-cli validate --help`, not the group's."""
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            if error.ctx is None:
                error.ctx = ctx
            raise


class LazyGroup(typer.core.TyperGroup):
    """hotjar-cli's command group: Typer's, with each command built from its module the first time it is asked for."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._built: dict[str, click.Command] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, without importing any of them."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command `name`, built on first use; None for a name that is not a command."""
        if name not in COMMANDS:
            return None
        if name not in self._built:
            self._built[name] = self._build(name)
        return self._built[name]

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command the arguments name; a name that is none is answered with the commands it is close to."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            near = difflib.get_close_matches(args[0], COMMANDS) if args else []
            if not near:
                raise
            suggestion = f"Did you mean {', '.join(map(repr, near))}?"
            raise click.UsageError(f"{error.message.rstrip('.')}. {suggestion}", error.ctx) from None

    def _build(self, name: str) -> click.Command:
        module, _, function = COMMANDS[name].partition(":")
        single = typer.Typer(
            add_completion=False, rich_markup_mode=self.rich_markup_mode, pretty_exceptions_enable=False
        )
        single.command(name, cls=Command)(getattr(import_module(module), function))
        command = typer.main.get_command(single)
        # The group's list of commands shows each one's first paragraph as its docstring wraps it in the source: the
        # lines joined, it wraps at the terminal's width instead.
        first = (command.help or "").split("\n\n")[0]
        command.short_help = " ".join(first.split()) or None
        return command


app = typer.Typer(
    name="hotjar-cli",
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="See what Hotjar keeps of your Segment logs, gate CI on it, and replay the accepted calls into Hotjar.",
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"hotjar-cli {__version__} ({compiled.describe()})\n")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """See what Hotjar keeps of your Segment logs, gate CI on it, and replay the accepted calls into Hotjar."""
