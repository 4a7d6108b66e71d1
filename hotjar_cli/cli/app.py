"""The `hotjar-cli` command group: each command lives in its own module, imported only when a run needs it.

Building a command imports its module and reads every option of its signature: `validate` on one small file should
not also pay for `replay`'s options or the inventory's formats. Listing the names imports nothing; the group's help,
which shows every command with its help, imports them all. (Click's documented lazy group: `list_commands` and
`get_command` overridden.)

Annotations here are evaluated when defined, not postponed (see `hotjar_cli.cli.options`).
"""

import difflib
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Annotated, Any

import click
import typer
import typer.core

from hotjar_cli import __version__, compiled
from hotjar_cli.core.visible import given

COMMANDS: dict[str, str] = {
    "validate": "hotjar_cli.cli.validate:validate",
    "inventory": "hotjar_cli.cli.inventory:inventory",
    "replay": "hotjar_cli.cli.replay:replay",
    "rules": "hotjar_cli.cli.rules:list_rules",
    "rule": "hotjar_cli.cli.rules:show_rule",
}
"""Every command, in the order the help lists them, and the function that is the command, as `module:function`."""
ALIASES: dict[str, str] = {
    "explain": "rule",
    "describe": "rule",
    "doc": "rule",
    "docs": "rule",
    "check": "validate",
    "lint": "validate",
}
"""Words a newcomer may type for a command, answered with the command meant: difflib finds `replay` nearest to
`explain`."""
EXAMPLES: dict[str, tuple[str, ...]] = {
    "validate": (
        "hotjar-cli validate events.jsonl",
        "hotjar-cli validate segment-logs/ --format junit -o hotjar.xml",
        "hotjar-cli validate logs/ --format html -o report.html --by hour",
        "hotjar-cli validate logs/ --max-rate missing-user-id=0.05 --fail-on never",
    ),
    "inventory": (
        "hotjar-cli inventory segment-logs/",
        "hotjar-cli inventory logs/ -f csv -o names.csv --known-attributes held.txt",
    ),
    "replay": (
        "hotjar-cli replay events.jsonl.gz --dry-run",
        "hotjar-cli replay --check --site-id 1234567 --page-url https://example.com/",
        "hotjar-cli replay logs/ --site-id 1234567 --page-url https://example.com/",
        "hotjar-cli replay logs/ --dry-run --latest-traits --report json",
    ),
    "rules": ("hotjar-cli rules", "hotjar-cli rules --format markdown"),
    "rule": ("hotjar-cli rule missing-user-id", "hotjar-cli rule nested-trait"),
}
"""What each command's help shows last: a few command lines as a newcomer would first write them, each short enough
for a line of 80 columns (wrapped, a command reads as two)."""


def panels_fit(render: Callable[[], None]) -> bool:
    """Whether Typer's panels of options, as `render` prints them, fit the terminal with every option's names and
    value whole: narrower, Rich cuts them with `…` (`--max-attribute-name-le…`, and at 40 columns two options that
    read alike), and click's plain layout, which puts a description under a long name, is used instead. They are
    printed aside, at the terminal's width, to see (no help text holds a `…` of its own: a test holds that)."""
    columns, out, printed = os.environ.get("COLUMNS"), sys.stdout, io.StringIO()
    os.environ["COLUMNS"], sys.stdout = str(shutil.get_terminal_size().columns), printed
    try:
        render()
    finally:
        sys.stdout = out
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    return "…" not in printed.getvalue()


def plainly(formatter: click.HelpFormatter) -> None:
    """Click's plain layout at the terminal's width (click's own is never under 50 columns, which a terminal of 40
    folds line by line), with a column of names a third of it (click's takes 30, which left the descriptions 8
    columns at 40): a longer name has its description on the lines below it. A `[` the descriptions escape from
    Rich's markup (`\\[default: 3]`) reads as itself."""
    formatter.width = width = min(shutil.get_terminal_size().columns, 80) - 2
    write_dl = formatter.write_dl

    def plain_dl(rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        write_dl([(name, text.replace("\\[", "[")) for name, text in rows], min(col_max, width // 3), col_spacing)

    formatter.write_dl = plain_dl  # type: ignore[method-assign]


def fitted_help(formatter: click.HelpFormatter, panels: Callable[[], None], plain: Callable[[], None]) -> None:
    """A command's help: Typer's `panels` where they fit (`panels_fit`), else click's `plain` layout (`plainly`)."""
    if panels_fit(panels):
        panels()
    else:
        plainly(formatter)
        plain()


HELP = {"help_option_names": ["-h", "--help"]}
"""`-h` as well as `--help`, on the command and each subcommand, as most tools take it."""


class Command(typer.core.TyperCommand):
    """A hotjar-cli command: Typer's, each of whose usage errors knows the command it is about, and whose help is
    laid out plainly where Typer's panels would cut the options' names (`fitted_help`)."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        fitted_help(
            formatter,
            lambda: super(Command, self).format_help(ctx, formatter),
            lambda: click.Command.format_help(self, ctx, formatter),
        )

    examples: tuple[str, ...] = ()
    """The command lines its help ends with (`EXAMPLES`)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The examples, in the plain layout (the panels' own are at least 76 columns wide, where each fits a line):
        one too long for the terminal goes on over lines that end in ` \\` and are indented below it, as a shell
        reads them, rather than wrapped into what reads as two commands."""
        if not self.examples:
            super().format_epilog(ctx, formatter)
            return
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text("Examples:")
            margin = " " * (formatter.current_indent + 2)
            for example in self.examples:
                formatter.write_paragraph()
                for line in shell_lines(example, formatter.width - len(margin)):
                    formatter.write(f"{margin}{line}\n")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The arguments parsed; a usage error raised without its context (click's "requires an argument") gets
        this command's, so that the error names the help to read: `hotjar-cli validate --help`, not the group's."""
        options = [name for param in self.params for name in param.opts]
        one_dash = long_option_with_one_dash(args, options)
        if one_dash is not None:
            given, meant = one_dash
            raise click.UsageError(f"{given}: a long option takes two dashes: {meant}", ctx)
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            given = error.option_name
            near = near_options(given, options)
            if near:  # said here: click keeps only the suggestions close by its own measure, which drops `--f`'s
                said = f"No such option '{given}'. Did you mean {' or '.join(map(repr, near))}?"
            elif (
                ctx.parent is not None
                and isinstance(ctx.parent.command, click.Group)
                and (elsewhere := commands_with(ctx.parent.command, ctx.parent, given, self))
            ):
                said = elsewhere_words(given, elsewhere)
            else:
                said = f"No such option '{given}'."
            raise click.NoSuchOption(given, said, ctx=error.ctx or ctx) from None
        except click.UsageError as error:
            if error.ctx is None:
                error.ctx = ctx
            raise


def long_option_with_one_dash(args: list[str], options: list[str]) -> tuple[str, str] | None:
    """The first argument (before `--`) that is a long option written with one dash (`-output`, `-jobs=2`), with the
    option meant; None when there is none. Read as short options, `-output` wrote the report to a file named `utput`,
    and `-jobs 2` said "'obs' is not a valid integer"."""
    long = {option for option in options if option.startswith("--")}
    for arg in args:
        if arg == "--":
            return None
        if len(arg) > 2 and arg[0] == "-" and arg[1] != "-":
            meant = "-" + arg.split("=", 1)[0]
            if meant in long:
                return arg, meant
    return None


def near_options(given: str, options: list[str]) -> list[str]:
    """The options a mistyped one was likely meant to be, if any: one it starts with (`--format-json`: `--format`),
    else those that start with it (`--f`: `--fail-on`, `--format`), else the closest by its letters, dashes left out
    (`--jbos`: `--jobs`, `--dryrun`: `--dry-run`). Click's own, with the dashes counted, offered `--jobs`, `--user`
    and `--verbose` for `--bogus`."""
    long = [option for option in options if option.startswith("--")]
    started = [option for option in long if given.startswith(f"{option}-")]
    if started:
        return started[-1:]
    if len(given) > 2:  # the start of an option's name (`--f`: `--fail-on`, `--format`), which click takes only whole
        begun = sorted({option for option in long if option.startswith(given)})
        if begun:
            return begun
    letters = {option.lstrip("-"): option for option in long}
    return [letters[near] for near in difflib.get_close_matches(given.lstrip("-"), list(letters), n=1, cutoff=0.7)]


def commands_with(group: click.Group, ctx: click.Context, option: str, besides: click.Command | None) -> list[str]:
    """The commands of `group` (`ctx` its context) other than `besides` that have `option`, by name: `--dry-run`,
    given to validate, is replay's."""
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and command is not besides and any(option in param.opts for param in command.params):
            found.append(name)
    return found


def elsewhere_words(given: str, commands: list[str]) -> str:
    """`No such option '--by': it is an option of `hotjar-cli validate`` (`... of `hotjar-cli validate`, `hotjar-cli
    inventory` and `hotjar-cli replay``)."""
    named = [f"`hotjar-cli {name}`" for name in commands]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return f"No such option '{given}': it is an option of {listed}"


class LazyGroup(typer.core.TyperGroup):
    """hotjar-cli's command group: Typer's, with each command built from its module the first time it is asked for."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._built: dict[str, click.Command] = {}

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        fitted_help(
            formatter,
            lambda: super(LazyGroup, self).format_help(ctx, formatter),
            lambda: click.Group.format_help(self, ctx, formatter),
        )

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

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The arguments parsed; an option of a command given before the command's name (`hotjar-cli --jobs 2
        validate`) is answered with the commands it belongs to."""
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            commands = commands_with(self, ctx, error.option_name, None)
            if not commands:
                raise
            named = next((arg for arg in args if arg in commands), None)  # the command given after it, if it has it
            said = (
                f"{elsewhere_words(error.option_name, commands)}, given after the command's name"
                if named is None
                else f"{elsewhere_words(error.option_name, [named])}: give it after `{named}`"
            )
            raise click.NoSuchOption(error.option_name, said, ctx=error.ctx or ctx) from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command the arguments name; a name that is none is answered with the commands it is close to."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            # `explain HJ103` was answered "Did you mean 'replay'?": the one command that sends data.
            near = [ALIASES[args[0]]] if args and args[0] in ALIASES else []
            near = near or (difflib.get_close_matches(args[0], COMMANDS) if args else [])
            if not near:
                raise
            suggestion = f"Did you mean {', '.join(map(repr, near))}?"
            raise click.UsageError(f"{error.message.rstrip('.')}. {suggestion}", error.ctx) from None

    def _build(self, name: str) -> click.Command:
        module, _, function = COMMANDS[name].partition(":")
        single = typer.Typer(
            add_completion=False, rich_markup_mode=self.rich_markup_mode, pretty_exceptions_enable=False
        )
        # Each example a paragraph of its own: the help joins the lines of one.
        epilog = "\n\n".join(["Examples:", *(f"  {example}" for example in EXAMPLES[name])])
        # `rules` takes the arguments given to it, to answer a code with the command that explains one.
        settings = HELP | ({"allow_extra_args": True} if name == "rules" else {})
        single.command(name, cls=Command, epilog=epilog, context_settings=settings)(
            getattr(import_module(module), function)
        )
        command = typer.main.get_command(single)
        if isinstance(command, Command):
            command.examples = EXAMPLES[name]
        # The group's list of commands shows each one's first paragraph as its docstring wraps it in the source: the
        # lines joined, it wraps at the terminal's width instead.
        first = (command.help or "").split("\n\n")[0]
        command.short_help = " ".join(first.split()) or None
        return command


app = typer.Typer(
    name="hotjar-cli",
    cls=LazyGroup,
    no_args_is_help=True,
    context_settings=HELP,
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


COMPLETION_OPTIONS = {"--install-completion": "installs", "--show-completion": "prints"}
COMPLETION_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
"""The shells Typer's completion scripts are written for."""


def completion_refused(arguments: list[str]) -> str | None:
    """Why `--install-completion` or `--show-completion` cannot do what it is asked, or None. Typer's own answers for
    a shell it has no script for (`/bin/sh`, dash) were a line without our prefix and the exit code of a failed gate,
    and a shell named after the option (`--install-completion zsh`) was passed over: bash's script was installed."""
    asked = [argument for argument in arguments if argument in COMPLETION_OPTIONS]
    if not asked:
        return None
    from typer._completion_shared import _get_shell_name  # the shell Typer's completion itself finds

    shell = _get_shell_name()
    option = asked[0]
    if shell not in COMPLETION_SHELLS:
        running = f"runs in {given(shell)}" if shell else "cannot tell which shell it runs in"
        return (
            f"{option}: shell completion is for bash, zsh, fish and PowerShell, and this command {running}: run it "
            "from one of those"
        )
    others = [argument for argument in arguments if argument != option]
    if others:
        return (
            f"{option} takes nothing beside it ({given(others[0])}): it {COMPLETION_OPTIONS[option]} completion for "
            f"the shell it runs in ({shell}); for another shell, run it from that shell"
        )
    return None


def shell_lines(command: str, width: int) -> list[str]:
    """A command line in lines of at most `width` characters where its words allow: an option and its value kept
    together, each line but the last ending in ` \\`, each but the first indented four spaces, so that the lines
    copied run as the one command."""
    words = command.split(" ")
    groups: list[str] = []
    for word in words:
        if groups and groups[-1].startswith("-") and " " not in groups[-1] and not word.startswith("-"):
            groups[-1] += f" {word}"  # the option's value
        else:
            groups.append(word)
    lines: list[str] = []
    line = ""
    for group in groups:
        indent = "    " if lines else ""
        if line and len(indent) + len(line) + 1 + len(group) + 2 > width:
            lines.append(f"{indent}{line} \\")
            line = group
        else:
            line = f"{line} {group}" if line else group
    lines.append(f"{'    ' if lines else ''}{line}")
    return lines
