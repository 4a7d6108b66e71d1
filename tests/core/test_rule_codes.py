"""A rule is one unit: the package refers to a rule by its constant in `hotjar_cli/core/rules.py`, never by its
code written out, so a code lives in one place. Docstrings too name a rule by its name, never its code; only
comments may mention a code.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hotjar_cli
from hotjar_cli.core import rules
from hotjar_cli.core.rules import CATALOGUE, Rule, markdown_table

PACKAGE = Path(hotjar_cli.__file__).resolve().parent
CATALOGUE_MODULE = PACKAGE / "core" / "rules.py"
MODULES = sorted(path for path in PACKAGE.rglob("*.py") if path != CATALOGUE_MODULE)
RULE_CODE = re.compile(r"HJ\d{3}")
CLI = Path(sys.executable).parent / "hotjar-cli"


def code_literals(source: str) -> list[tuple[int, str]]:
    """Each string constant, f-string parts and docstrings included, that holds a rule code: (line, text)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant):
            text = node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
            if isinstance(text, str) and RULE_CODE.search(text):
                found.append((node.lineno, text))
    return sorted(found)


def module_id(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_no_module_writes_a_rule_code_out(path: Path) -> None:
    found = code_literals(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{module_id(path)} writes rule codes out at {found}: refer to the rule's constant in hotjar_cli/core/rules.py "
        "(`MISSING_USER_ID.code`, bound to a module-level name where it runs per message)"
    )


def test_the_check_sees_codes_in_strings_f_strings_and_docstrings_but_not_comments() -> None:
    source = '''"""A module about HJ101."""
def f(rule):
    """Makes HJ102."""
    return ("HJ103", f"{rule} and HJ104", b"HJ105")
# HJ106 in a comment
'''
    assert code_literals(source) == [
        (1, "A module about HJ101."),
        (3, "Makes HJ102."),
        (4, " and HJ104"),
        (4, "HJ103"),
        (4, "HJ105"),
    ]


def test_every_rule_constant_is_in_the_catalogue() -> None:
    constants = [value for value in vars(rules).values() if isinstance(value, Rule)]
    assert sorted(constants, key=lambda rule: rule.code) == list(CATALOGUE)
    for rule in CATALOGUE:
        assert getattr(rules, rule.name.upper().replace("-", "_")) is rule, f"{rule.title} is not named after its name"


def test_the_rules_command_prints_the_markdown_table() -> None:
    result = subprocess.run(
        [str(CLI), "rules", "--format", "markdown"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == markdown_table()


def test_the_markdown_table_has_a_row_per_rule_in_catalogue_order() -> None:
    rows = markdown_table().splitlines()[2:]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == [rule.code for rule in CATALOGUE]
    for row, rule in zip(rows, CATALOGUE, strict=True):
        assert row.startswith(f"| {rule.code} | {rule.name} | {rule.severity.value} | ")
