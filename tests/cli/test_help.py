"""`--help` at 80 columns, the width of every CI log: every parameter of every command shows its text, and a
choice option's choices are never broken across lines.

Typer below 0.23 with click 8.5 lost the help of every positional argument: this is the test that says so.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import typer.main
from typer.testing import CliRunner

from hotjar_cli.cli.app import app
from hotjar_cli.report import Format
from tests.support.cli import process

ENV = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb", "FORCE_COLOR": None}
GROUP: Any = typer.main.get_command(app)
CONTEXT = click.Context(GROUP)
COMMANDS: dict[str, click.Command] = {name: GROUP.get_command(CONTEXT, name) for name in GROUP.list_commands(CONTEXT)}
BOX = re.compile(r"[│╭╮╰╯─┃]")


@functools.cache
def help_text(*args: str) -> str:
    """`hotjar-cli ARGS --help` at 80 columns."""
    result = CliRunner(env=ENV).invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.stdout


def tokens(text: str) -> list[str]:
    """The words of a rendered help, without the boxes around them."""
    return BOX.sub(" ", text.replace("\\[", "[")).split()


def shows_in_order(words: list[str], shown: list[str], start: int) -> bool:
    """Whether `words` appear in `shown` in order from `start` on, near each other (wrapped rows interleave
    their columns, so other words may come between)."""
    position = start
    for word in words:
        try:
            found = shown.index(word, position)
        except ValueError:
            return False
        if found - position > 12:
            return False
        position = found + 1
    return True


def parameters() -> list[tuple[str, click.Parameter]]:
    """Every parameter of every command, and of the group itself."""
    found = [("", parameter) for parameter in GROUP.params]
    found += [(name, parameter) for name, command in sorted(COMMANDS.items()) for parameter in command.params]
    return found


def test_there_are_commands_and_parameters_to_check() -> None:
    assert {"validate", "replay", "rules", "rule"} <= set(COMMANDS)
    assert len(parameters()) > 60


@pytest.mark.parametrize(
    ("command", "parameter"), parameters(), ids=lambda item: item if isinstance(item, str) else item.name
)
def test_every_parameter_shows_its_help_at_80_columns(command: str, parameter: click.Parameter) -> None:
    text = getattr(parameter, "help", None)
    assert text, f"{command or 'hotjar-cli'} {parameter.name} has no help text"
    shown = tokens(help_text(*([command] if command else [])))
    name = parameter.opts[0] if isinstance(parameter, click.Option) else (parameter.name or "").lower()
    starts = [index for index, token in enumerate(shown) if token == name]
    assert starts, f"{name} is not in the help of {command or 'hotjar-cli'}"
    words = tokens(text)
    assert any(shows_in_order(words, shown, start) for start in starts), (
        f"{command or 'hotjar-cli'} {name}: its help text is not shown whole"
    )


@pytest.mark.parametrize(
    ("command", "parameter"),
    [(command, parameter) for command, parameter in parameters() if isinstance(parameter.type, click.Choice)],
    ids=lambda item: item if isinstance(item, str) else item.name,
)
def test_every_choice_is_shown_whole(command: str, parameter: click.Parameter) -> None:
    shown = help_text(*([command] if command else []))
    for choice in parameter.type.choices:
        assert re.search(rf"(?<![\w-]){re.escape(str(choice))}(?![\w-])", shown), (
            f"{command} {parameter.name}: {choice} is not shown whole"
        )


def test_completion_can_be_installed_and_shown() -> None:
    shown = tokens(help_text())
    assert "--install-completion" in shown and "--show-completion" in shown
    # The shell is the one the command runs in, found among its parent processes: run from bash, as a user would
    # (`; exit` keeps bash from replacing itself with the command, and so from leaving the parents).
    done = subprocess.run(
        ["bash", "-c", f"'{Path(sys.executable).parent / 'hotjar-cli'}' --show-completion; exit $?"],
        env={**os.environ, **{key: value for key, value in ENV.items() if value is not None}},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "_HOTJAR_CLI_COMPLETE" in done.stdout


@pytest.mark.parametrize(
    ("shell", "arguments", "said"),
    [
        (
            "sh",
            ["--show-completion"],
            "--show-completion: shell completion is for bash, zsh, fish and PowerShell, and this command runs in "
            "'sh': run it from one of those",
        ),
        (
            "bash",
            ["--install-completion", "zsh"],
            "--install-completion takes nothing beside it ('zsh'): it installs completion for the shell it runs in "
            "(bash); for another shell, run it from that shell",
        ),
    ],
)
def test_completion_that_cannot_do_what_it_is_asked_says_why_in_one_line(
    tmp_path: Path, shell: str, arguments: list[str], said: str
) -> None:
    # Run from /bin/sh (dash on Debian), Typer said `Shell sh not supported.` with no prefix and exit 1, a failed
    # gate's code; `--install-completion zsh` installed bash's script, the shell it ran in, and said so.
    command = " ".join([f"'{Path(sys.executable).parent / 'hotjar-cli'}'", *arguments])
    done = subprocess.run(
        [shell, "-c", f"{command}; exit $?"],
        env={**{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}, "HOME": str(tmp_path), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"hotjar-cli: error: {said}\n")
    assert list(tmp_path.iterdir()) == []  # nothing installed


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("hotjar-cli val", ["validate"]),
        ("hotjar-cli validate --fail", ["--fail-on"]),
        ("hotjar-cli validate --format ", [format.value for format in Format]),
    ],
)
def test_the_shell_completes_commands_options_and_choices(words: str, expected: list[str]) -> None:
    env = {
        **os.environ,
        "_HOTJAR_CLI_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "hotjar-cli")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.split() == expected


@pytest.mark.parametrize("command", ["validate", "inventory"])
def test_the_report_and_site_options_say_what_they_take(command: str) -> None:
    options = {parameter.name: parameter for parameter in COMMANDS[command].params}
    assert options["output"].metavar == "FILE"  # a path, not any TEXT
    assert "UTC unless given" in str(getattr(options["until"], "help", ""))  # as --since says
    # Events fill their slots in order too: which names a seed file lists first decides which are turned away.
    assert "in the order it took them" in str(getattr(options["known_events"], "help", ""))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_shows_examples_whose_options_it_has(command: str) -> None:
    # A newcomer found no example in any command's help.
    from hotjar_cli.cli.app import EXAMPLES

    shown = " ".join(tokens(help_text(command)))
    assert "Examples:" in shown
    options = {name for parameter in COMMANDS[command].params for name in parameter.opts}
    for example in EXAMPLES[command]:
        words = example.split()
        assert words[:2] == ["hotjar-cli", command]
        assert len(example) <= 76, example  # wrapped at 80 columns, past its indent, one command read as two
        assert " ".join(words[:4]) in shown, example
        assert [word for word in words if word.startswith("-") and word not in options] == [], example


@pytest.mark.parametrize("columns", [40, 60, 79, 100])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_example_too_wide_for_the_terminal_goes_on_as_a_shell_reads_it(command: str, columns: int) -> None:
    # At 40 columns `hotjar-cli validate segment-logs/` and `--format junit -o hotjar.xml` were wrapped onto lines
    # of their own at the same indent: two commands to the eye, and neither runs as the example does.
    from hotjar_cli.cli.app import EXAMPLES

    result = CliRunner(env={**ENV, "COLUMNS": str(columns)}).invoke(app, [command, "--help"])
    lines = [line.rstrip() for line in result.stdout.split("Examples:", 1)[1].splitlines() if line.strip()]
    commands: list[str] = []
    going_on = False
    for line in lines:
        assert len(line) <= columns or len(line.split()) <= 3, line  # but an option and its value, not to be cut
        words = line.strip().removesuffix(" \\").strip()
        if going_on:
            assert line.startswith(" " * 8), line  # below the line it goes on from
            commands[-1] += f" {words}"
        else:
            assert words.startswith("hotjar-cli "), line  # no line that reads as a command of its own
            commands.append(words)
        going_on = line.endswith(" \\")
    assert commands == list(EXAMPLES[command])


def test_no_command_prints_the_help_and_exits_as_a_usage_error() -> None:
    # The README said only that `--help` exits 0: a script that ran `hotjar-cli` with an empty command word got the
    # help and an exit code of 2, said nowhere.
    done = process()
    assert done.code == 2
    assert "Usage: hotjar-cli" in done.stdout and "validate" in done.stdout


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_minus_h_shows_the_help_as_minus_minus_help_does(command: str | None) -> None:
    # `hotjar-cli -h` and `hotjar-cli validate -h` were "No such option '-h'", where most tools take it.
    words = [command] if command is not None else []
    result = CliRunner(env=ENV).invoke(app, [*words, "-h"])
    assert result.exit_code == 0, result.output
    assert result.stdout == help_text(*words)


@pytest.mark.parametrize(
    ("given", "meant"), [("explain", "rule"), ("docs", "rule"), ("lint", "validate"), ("valdate", "validate")]
)
def test_a_command_word_a_newcomer_types_is_answered_with_the_command_meant(given: str, meant: str) -> None:
    # `explain HJ103` was answered "Did you mean 'replay'?", the one command that sends data: the nearest in letters.
    result = process(given, "HJ103")
    assert result.code == 2
    said = f"No such command '{given}'. Did you mean '{meant}'? (see `hotjar-cli --help`)"
    assert result.stderr.strip() == f"hotjar-cli: error: {said}"


def test_rules_given_a_code_names_the_command_that_explains_one() -> None:
    # `rules HJ103` was "Got unexpected extra argument (HJ103)".
    result = process("rules", "HJ103")
    assert result.code == 2
    said = "rules lists every rule and takes no code: `hotjar-cli rule 'HJ103'` explains one"
    assert result.stderr.strip() == f"hotjar-cli: error: {said}"
    usage = process("rules", "--help").stdout.split("\n")[1]
    assert usage.split() == ["Usage:", "hotjar-cli", "rules", "[OPTIONS]"]  # no argument to offer


@pytest.mark.parametrize(
    ("command", "given", "meant"),
    [
        ("validate", "--bogus", None),
        ("validate", "--jbos", "--jobs"),
        ("validate", "--format-json", "--format"),
        ("inventory", "--know-attributes", "--known-attributes"),
        ("replay", "--dryrun", "--dry-run"),
        ("validate", "-z", None),
    ],
)
def test_a_mistyped_option_is_answered_with_the_one_meant_or_none(command: str, given: str, meant: str | None) -> None:
    # Click's suggestions counted the dashes: `--bogus` got "Did you mean one of: '--jobs', '--user', '--verbose'?".
    result = process(command, given, "x.jsonl")
    assert result.code == 2
    said = f" Did you mean '{meant}'?" if meant else ""
    assert (
        result.stderr.strip()
        == f"hotjar-cli: error: No such option '{given}'.{said} (see `hotjar-cli {command} --help`)"
    )


@pytest.mark.parametrize(
    ("command", "given", "said"),
    [
        ("validate", "--f", "Did you mean '--fail-on' or '--format'?"),
        ("inventory", "--know", "Did you mean '--known-attributes' or '--known-events'?"),
        ("validate", "--dry-run", ": it is an option of `hotjar-cli replay`"),
        ("inventory", "--examples", ": it is an option of `hotjar-cli validate`"),
        ("replay", "--redact", ": it is an option of `hotjar-cli validate` and `hotjar-cli inventory`"),
    ],
)
def test_the_start_of_an_option_or_one_of_another_command_is_answered_with_where_to_find_it(
    command: str, given: str, said: str
) -> None:
    # `--f json` said only "No such option '--f'" (click keeps only what is close by its own measure), and
    # `validate --dry-run` never said which command has it.
    result = process(command, given, "x.jsonl")
    assert result.code == 2
    said = f". {said}" if said.startswith("Did") else said
    assert (
        result.stderr.strip()
        == f"hotjar-cli: error: No such option '{given}'{said} (see `hotjar-cli {command} --help`)"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--jobs", "2", "validate"], "it is an option of `hotjar-cli validate`: give it after `validate`"),
        (
            ["--jobs", "2", "rules"],
            "it is an option of `hotjar-cli validate`, `hotjar-cli inventory` and `hotjar-cli replay`, given after "
            "the command's name",
        ),
    ],
)
def test_an_option_of_a_command_given_before_its_name_says_where_it_goes(args: list[str], said: str) -> None:
    # `hotjar-cli --jobs 2 validate` said only "No such option '--jobs'", where the option was right but early.
    result = process(*args, "x.jsonl")
    assert result.code == 2
    assert result.stderr.strip() == f"hotjar-cli: error: No such option '--jobs': {said} (see `hotjar-cli --help`)"
    assert process("--bogus", "validate").stderr.strip() == (
        "hotjar-cli: error: No such option '--bogus'. (see `hotjar-cli --help`)"
    )


@pytest.mark.parametrize(
    ("command", "given", "meant"),
    [("validate", "-output", "--output"), ("validate", "-jobs=2", "--jobs"), ("replay", "-dry-run", "--dry-run")],
)
def test_a_long_option_with_one_dash_is_refused_for_the_one_meant(
    tmp_path: Path, command: str, given: str, meant: str
) -> None:
    # Read as short options, `-output` wrote the report to a file named `utput`, and `-jobs 2` said "'obs' is not a
    # valid integer".
    result = process(command, "x.jsonl", given, "report.json", cwd=tmp_path)
    assert result.code == 2
    assert result.stderr.strip() == (
        f"hotjar-cli: error: {given}: a long option takes two dashes: {meant} (see `hotjar-cli {command} --help`)"
    )
    assert list(tmp_path.iterdir()) == []
    # Short options run together, and a log named with a dash after `--`, are what they were.
    assert "cannot go together" in process("validate", "-qv", "x.jsonl").stderr
    assert "no such file" in process("validate", "--", "-output", cwd=tmp_path).stderr
