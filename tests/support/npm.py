"""npm packages installed for a test session, to run an outside library itself with node: the reference where one
defines the truth (`tests/support/isodate.py`, `tests/support/integration.py`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest


def installed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    packages: dict[str, str],
    reference: str,
) -> Path:
    """A folder named `name` with `packages` (name: exact version) installed from the npm registry, kept for the test
    session (in pytest's cache when it is on, so it is installed once). `reference` says what the tests compare
    with, for the message when node or npm is missing."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.fail(
            f"these tests compare with {reference}, run with node: install Node.js and npm "
            "(https://nodejs.org/) so that `node` and `npm` are on PATH",
            pytrace=False,
        )
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir(name) if cache is not None else tmp_path_factory.mktemp(name)
    if not all(_version(folder, package) == version for package, version in packages.items()):
        (folder / "package.json").write_text(json.dumps({"name": name, "private": True}) + "\n")
        specs = [f"{package}@{version}" for package, version in packages.items()]
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--no-package-lock", *specs],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            pytest.fail(f"npm could not install {', '.join(specs)} into {folder}:\n{done.stderr}", pytrace=False)
    return folder


def _version(folder: Path, package: str) -> str | None:
    try:
        return json.loads((folder / "node_modules" / package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
