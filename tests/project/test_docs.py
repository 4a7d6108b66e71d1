"""The README agrees with the tool: commands, the rule table, the settings, and the commands CI runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
import typer.main

from hotjar_cli.cli.app import app
from hotjar_cli.cli.config import KEYS
from hotjar_cli.core.rules import markdown_table

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
GROUP: Any = typer.main.get_command(app)
CONTEXT = click.Context(GROUP)
COMMANDS: dict[str, Any] = {name: GROUP.get_command(CONTEXT, name) for name in GROUP.list_commands(CONTEXT)}
RULES_START, RULES_END = "<!-- rules:start -->\n", "<!-- rules:end -->\n"


def sh_blocks() -> list[str]:
    """The README's ```sh blocks, in order."""
    return re.findall(r"^```sh\n(.*?)^```", README, flags=re.MULTILINE | re.DOTALL)


def test_the_app_has_the_commands_users_know() -> None:
    assert {"validate", "replay", "rules", "rule"} <= set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"hotjar-cli {re.escape(command)}\b", README), f"`hotjar-cli {command}` is not in README.md"


def test_the_readme_rule_table_is_generated_from_the_catalogue() -> None:
    start, end = README.index(RULES_START) + len(RULES_START), README.index(RULES_END)
    assert README[start:end] == markdown_table(), (
        f"README.md's rule table is not the catalogue's: replace the lines between {RULES_START.strip()} and "
        f"{RULES_END.strip()} with the output of `hotjar-cli rules --format markdown`"
    )


@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_pyproject_key_is_a_validate_option(key: str) -> None:
    options = {option for parameter in COMMANDS["validate"].params for option in parameter.opts}
    assert f"--{key}" in options


def test_the_readme_settings_example_uses_known_keys() -> None:
    example = re.search(r"^```toml\n\[tool\.hotjar-cli\]\n(.*?)^```", README, flags=re.MULTILINE | re.DOTALL)
    assert example is not None
    keys = re.findall(r"^([a-z-]+) =", example.group(1), flags=re.MULTILINE)
    assert keys and set(keys) <= KEYS


def test_ci_runs_the_readme_test_command() -> None:
    blocks = sh_blocks()
    assert len(blocks) >= 2
    command = blocks[1].strip()
    assert "\n" not in command and "pytest" in command
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_the_first_readme_command_validates_the_samples() -> None:
    command = sh_blocks()[0]
    assert "hotjar-cli validate" in command
    assert "sample_events/" in command


def test_the_first_readme_command_installs_no_extra() -> None:
    # Trying `validate` should not cost the test stack or a browser driver.
    command = sh_blocks()[0]
    install = re.search(r"pip install (\S+)", command)
    assert install is not None and install.group(1) in (".", "-e")
    assert "[" not in command.split("&&")[1]


def test_playwright_is_only_in_the_replay_extra() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(requirement.startswith("playwright") for requirement in project["dependencies"])
    assert any(requirement.startswith("playwright") for requirement in project["optional-dependencies"]["replay"])
    assert "replay" in sh_blocks()[1]  # the test suite drives the browser


@pytest.mark.parametrize(
    "documented",
    [
        "-V",
        "--install-completion",
        "--show-completion",
        "-q",
        "-v",
        "--color",
        "--stdin-filename",
        "--extend-select",
        "--extend-ignore",
        "--allow-empty",
        "--progress",
        "hotjar-cli-validate",
        "action.yml",
        "ci/github-action.sh",
    ],
)
def test_the_readme_documents_the_first_day_options_and_integrations(documented: str) -> None:
    assert re.search(rf"(?<![\w-]){re.escape(documented)}(?![\w-])", README)


def test_every_option_of_validate_is_in_the_readme() -> None:
    for parameter in COMMANDS["validate"].params:
        assert any(name in README for name in parameter.opts), parameter.opts


def test_the_layout_names_every_package_and_module() -> None:
    """The README's layout section lists every package of `hotjar_cli/` and, on that package's line, every module."""
    layout = README.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    entries = {entry.split("`", 2)[1]: entry for entry in re.split(r"\n- ", layout) if entry.startswith("`hotjar_cli/")}
    package = REPO / "hotjar_cli"
    for folder in sorted(path.parent for path in package.rglob("__init__.py")):
        if folder == package:
            continue
        name = f"hotjar_cli/{folder.relative_to(package).as_posix()}/"
        assert name in entries, f"README's layout does not name {name}"
        for module in sorted(folder.glob("*.py")):
            if module.name != "__init__.py":
                assert f"`{module.name}`" in entries[name], f"README's layout does not name {name}{module.name}"


def test_the_layout_defines_its_words() -> None:
    words = README.split("\n### Words\n", 1)[1].split("\n## ", 1)[0]
    for word in (
        "message",
        "event",
        "decision",
        "catalogue",
        "pass",
        "unit",
        "engine",
        "worker",
        "fold",
        "seed",
        "candidate",
        "spool",
        "view",
        "settle",
        "transport",
        "dead letter",
    ):
        assert f"**{word}" in words, f"the README's words do not define {word!r}"


def test_the_readme_names_every_extra() -> None:
    import tomllib

    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    listed = README.split("Extras: ", 1)[1].split("\n\n", 1)[0]
    assert [extra for extra in extras if f"`{extra}`" not in listed] == []


def test_the_readme_dry_run_summary_is_what_the_samples_give() -> None:
    from tests.support.cli import cli

    said = cli("replay", REPO / "sample_events", "--dry-run").stderr.splitlines()
    block = README.split("pass `validate` reports on:\n\n```text\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == said[: len(block.splitlines())]
