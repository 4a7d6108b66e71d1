"""The compiled core: used only while its sources are as compiled, and said by `--version`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import hotjar_cli
from hotjar_cli import compiled

PACKAGE = Path(hotjar_cli.__file__).parent

# Where a fresh interpreter imported the mapping core from, and how the core says it runs.
REPORT = (
    "import json, hotjar_cli.core.mapping as m\n"
    "from hotjar_cli import compiled\n"
    "print(json.dumps([m.__file__, compiled.describe()]))\n"
)


def printed(script: str, root: Path, **environment: str) -> str:
    """The last line a script prints, run by a fresh interpreter on the package under `root`."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), **environment},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


def imported(root: Path, **environment: str) -> tuple[str, str]:
    where, said = json.loads(printed(REPORT, root, **environment))
    return where, said


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "hotjar_cli", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_installed_core_says_whether_it_is_compiled() -> None:
    where, said = imported(PACKAGE.parent)
    assert said == compiled.describe()
    assert said.startswith("compiled: yes" if where.endswith(".so") or where.endswith(".pyd") else "compiled: no, ")


def test_an_edited_source_is_used_instead_of_its_compiled_module(tmp_path: Path) -> None:
    root = copy_of_the_package(tmp_path)
    mapping = root / "hotjar_cli" / "core" / "mapping.py"
    mapping.write_text(mapping.read_text() + "\nEDITED = True\n")
    where, said = imported(root)
    assert where == str(mapping)
    assert said.startswith("compiled: no, ")
    if (root / "hotjar_cli" / "compiled.txt").read_text().startswith("compiled"):
        assert said == (
            "compiled: no, hotjar_cli/core/mapping.py changed since the core was compiled; installing again compiles it"
        )


TALLY = "from hotjar_cli.core import tally\nprint(tally.new_tally(1, 1).__class__.__name__)\n"


def test_the_c_tally_is_used_with_the_compiled_core_and_only_then(tmp_path: Path) -> None:
    installed = compiled.describe() == "compiled: yes"
    assert printed(TALLY, PACKAGE.parent) == ("NativeTally" if installed else "PythonTally")
    root = copy_of_the_package(tmp_path)
    source = root / "hotjar_cli" / "core" / "tally_native.c"
    source.write_text(source.read_text() + "\n/* edited */\n")
    assert printed(TALLY, root) == "PythonTally"  # the compiled one beside it no longer matches its source


def test_the_pure_python_variable_runs_the_sources(tmp_path: Path) -> None:
    where, said = imported(PACKAGE.parent, HOTJAR_CLI_PURE_PYTHON="1")
    assert where == str(PACKAGE / "core" / "mapping.py")
    assert said == "compiled: no, HOTJAR_CLI_PURE_PYTHON is set"


def test_a_tree_never_installed_runs_the_sources(tmp_path: Path) -> None:
    root = copy_of_the_package(tmp_path)
    (root / "hotjar_cli" / "compiled.txt").unlink(missing_ok=True)
    where, said = imported(root)
    assert where == str(root / "hotjar_cli" / "core" / "mapping.py")
    assert said == "compiled: no, not compiled at install"
