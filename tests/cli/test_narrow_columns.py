"""A `COLUMNS` too narrow to lay text out at (containers set `COLUMNS=0`), or that is no number, counts as unset.

The commands run as the console script, with standard input, output and error off a terminal: the width is then 80."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hotjar_cli.cli.main import MIN_COLUMNS
from tests.support.cli import one_line, process

DEFAULT_WIDTH = 80
"""Rich's width off a terminal."""

ROOT = Path(__file__).resolve().parents[2]
UNUSABLE = ["0", "3", str(MIN_COLUMNS - 1), "abc", "-5", ""]


@pytest.fixture
def columns(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """`COLUMNS` as the test's parameter sets it, in the samples' folder."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", request.param)
    return str(request.param)


def no_terminal(descriptor: int = 1) -> os.terminal_size:
    raise OSError(25, "Inappropriate ioctl for device")


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", UNUSABLE, indirect=True)
def test_validate_reports_at_80_columns(columns: str) -> None:
    result = process("validate", "sample_events/track.jsonl", input=b"")
    assert result.code == 1
    assert result.stdout.startswith("hotjar-cli validate: 10 events in 10 lines of 1 file\n")
    assert "What Hotjar does with each event" in result.stdout and "HJ" in result.stdout
    assert widest(result.stdout) <= DEFAULT_WIDTH


@pytest.mark.parametrize("columns", UNUSABLE, indirect=True)
def test_rules_lists_every_rule(columns: str) -> None:
    result = process("rules", input=b"")
    assert result.code == 0
    assert result.stdout.startswith("HJ001 invalid-json  error, message-invalid\n")
    assert "HJ103 missing-user-id" in result.stdout
    assert widest(result.stdout) <= DEFAULT_WIDTH


@pytest.mark.parametrize("columns", UNUSABLE, indirect=True)
def test_inventory_lays_out_at_80_columns(columns: str) -> None:
    result = process("inventory", "sample_events/", input=b"")
    assert result.code == 0
    assert widest(result.stdout) == DEFAULT_WIDTH
    assert "flag_billing_beta" in result.stdout


@pytest.mark.parametrize("columns", UNUSABLE, indirect=True)
def test_an_error_is_said(columns: str) -> None:
    result = process("validate", "missing.jsonl", input=b"")
    assert result.code == 2
    assert one_line(result.stderr) == "hotjar-cli: error: missing.jsonl: no such file or directory"


@pytest.mark.parametrize("columns", UNUSABLE, indirect=True)
def test_the_help_is_shown(columns: str) -> None:
    result = process("validate", "--help", input=b"")
    assert result.code == 0
    assert "--format" in result.stdout and widest(result.stdout) <= DEFAULT_WIDTH


@pytest.mark.parametrize("columns", [str(MIN_COLUMNS), "45"], indirect=True)
def test_a_narrow_width_from_the_minimum_on_is_taken(columns: str) -> None:
    result = process("inventory", "sample_events/", input=b"")
    assert widest(result.stdout) <= int(columns)


def option_names(command: str | None) -> list[str]:
    """Every name of every option `hotjar-cli [COMMAND] --help` lists."""
    import click
    import typer

    from hotjar_cli.cli.app import app

    group = typer.main.get_command(app)
    context = click.Context(group)
    shown = group if command is None else group.get_command(context, command)
    assert shown is not None
    return [
        name
        for param in shown.get_params(context)
        if isinstance(param, click.Option) and not param.hidden
        for name in (*param.opts, *param.secondary_opts)
    ]


@pytest.mark.parametrize("command", [None, "validate", "inventory", "replay"])
@pytest.mark.parametrize("columns", ["20", "40", "60", "75", "100", "200"], indirect=True)
def test_the_help_names_every_option_whole_at_any_width(command: str | None, columns: str) -> None:
    # Narrower than its panels, Typer's help cut the options' names (`--max-attribute-name-le…` at 70 columns, and
    # at 40 two options that read alike): the help is then laid out plainly, a description under a long name.
    result = process(*([command] if command else []), "--help", input=b"")
    assert result.code == 0
    assert "…" not in result.stdout
    words = set(result.stdout.replace(",", " ").split())
    assert [name for name in option_names(command) if name not in words] == []
    assert "\\[" not in result.stdout  # Rich's escape of a `[`, in the plain layout as in the panels
    # Only an option's names, with its value, may be wider than a narrow terminal: a name is never cut. (At 20
    # columns, the least that counts, click's usage line and its shortest descriptions take a few more.)
    if int(columns) >= 40:
        wider = [line for line in result.stdout.splitlines() if len(line) > int(columns)]
        assert all(line.lstrip().startswith("-") for line in wider), wider
    if int(columns) >= 100:
        assert "╭" in result.stdout  # Typer's panels, where they fit


@pytest.mark.parametrize("columns", ["60", "80", "160"], indirect=True)
@pytest.mark.parametrize("command", ["validate", "inventory"])
def test_no_line_of_a_text_report_ends_in_spaces(columns: str, command: str) -> None:
    # A table's title was padded to the table's width, which a copy from the terminal keeps.
    result = process(command, "sample_events/", input=b"")
    assert "Findings by rule" in result.stdout or command == "inventory"
    assert [line for line in result.stdout.splitlines() if line != line.rstrip()] == []


NARROW = [str(width) for width in range(MIN_COLUMNS, 36)]


@pytest.fixture(scope="module")
def narrow_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12,345 identifies, and one of each rule whose name is wider than the narrowest terminal."""
    lines = [f'{{"type":"identify","userId":"u{number}","traits":{{"plan":"pro"}}}}\n' for number in range(12_340)]
    lines += [
        '{"type":"identify","userId":"u","traits":{"v":"' + "x" * 201 + '"}}\n',
        '{"type":"track","userId":"u","event":"éééééééééé"}\n',
        '{"type":"identify","traits":{"a":1}}\n',
        '{"type":"track","userId":"u","event":"' + "E" * 80 + '"}\n',
        '{"type":"identify","userId":"u","traits":{"n":{"a":1}}}\n',
    ]
    log = tmp_path_factory.mktemp("narrow") / "n.jsonl"
    log.write_text("".join(lines))
    return log


@pytest.mark.parametrize("columns", NARROW, indirect=True)
def test_a_narrow_report_cuts_no_count_and_no_rule_marker(columns: str, narrow_log: Path) -> None:
    # At 20 to 29 columns the heading read `validate: 12,` / `345 events`, the outcomes table `12,…` and `100.…`, and an
    # example's marker `← HJ204 attribute-value-too-l…`.
    result = process("validate", narrow_log, "--examples", "1", input=b"")
    assert result.code == 1
    assert widest(result.stdout) <= int(columns)
    joined = re.sub(r"\n +", " ", result.stdout)
    assert joined.startswith("hotjar-cli validate: 12,345 events in 12,345 lines of 1 file\n")
    # Only an example's payload lines, four spaces in, are cut, with an ellipsis: never a count.
    assert [line for line in result.stdout.splitlines() if "…" in line and not line.startswith("    ")] == []
    assert re.search(r"accepted:? 12,341 \(?100\.0%", re.sub(r"[\s│]+", " ", result.stdout))
    for code, name in [("HJ204", "attribute-value-too-long"), ("HJ303", "event-name-invalid-characters")]:
        marker = re.search(rf"← {code}\s+([a-z\-\s]+)", result.stdout)
        assert marker is not None and re.sub(r"\s+", "", marker.group(1)).startswith(name), code
