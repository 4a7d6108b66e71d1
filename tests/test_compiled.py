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


# A part of the input counted by one process and pickled, as a worker sends it, and read back by another.
PART = (
    "import base64, pickle, sys\n"
    "from pathlib import Path\n"
    "from hotjar_cli.core.views import View\n"
    "from hotjar_cli.run.one_pass import PassSettings, run_pass\n"
    "from hotjar_cli.sources.source import Source\n"
    "settings = PassSettings(views=frozenset({View.TIMELINE, View.INVENTORY}))\n"
    "summary = run_pass([Source('sample_events', path) for path in sorted(Path('sample_events').rglob('*.jsonl'))], "
    "settings)\n"
    "print(base64.b64encode(pickle.dumps(summary)).decode())\n"
)
READ_BACK = (
    "import base64, json, pickle, sys\n"
    "from hotjar_cli.core.limits import Limits\n"
    "from hotjar_cli.report.site_view import LIMIT_CODES, inventory_record, timeline_record\n"
    "summary = pickle.loads(base64.b64decode(sys.stdin.read()))\n"
    "views = summary.views\n"
    "timeline = timeline_record(views.timeline, 'day', dict.fromkeys(LIMIT_CODES))\n"
    "record = [timeline, inventory_record(views.inventory, False, Limits())]\n"
    "print(json.dumps(record, sort_keys=True, default=str))\n"
)


def read_back(part: str, **environment: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", READ_BACK],
        input=part,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, **environment},
    )
    return done.stdout


def test_a_part_counted_as_python_reads_back_the_same_compiled_and_the_other_way_round() -> None:
    # A Dask worker installed without a C compiler runs the core as Python: the time series of the parts it counted
    # read back, in a compiled client, as no buckets at all, without a word.
    root = Path(__file__).parent.parent
    as_python = printed(PART, root, HOTJAR_CLI_PURE_PYTHON="1")
    as_installed = printed(PART, root)
    expected = read_back(as_installed)
    assert json.loads(expected)[0]["buckets"]  # the sample logs have a time series
    assert read_back(as_python) == expected
    assert read_back(as_installed, HOTJAR_CLI_PURE_PYTHON="1") == expected
    assert read_back(as_python, HOTJAR_CLI_PURE_PYTHON="1") == expected
