"""Fixtures every folder of tests shares: the system Chromium of the browser tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotjar_cli import compiled

# The asserts in tests.support (`assert_complete_once`, `one_line`...) explain their failures as a test's asserts do.
pytest.register_assert_rewrite("tests.support")


def pytest_report_header() -> str:
    """Whether the core under test is the compiled one (`.ci/run` requires it) or its Python sources."""
    return f"hotjar-cli core: {compiled.describe()}"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's headless shell, else its chromium: the browser tests fail without one (`.ci/run` installs both)."""
    executable = shutil.which("chromium-headless-shell") or shutil.which("chromium")
    if executable is None:
        pytest.fail("no system Chromium: apt-get install chromium-headless-shell chromium, as .ci/run does")
    return executable


@pytest.fixture(scope="session")
def segment_dates_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Segment's date packages installed with npm, to run with node (see `tests.support.isodate`)."""
    from tests.support.isodate import install_segment_dates  # after the assert rewriting of tests.support is set

    return install_segment_dates(request, tmp_path_factory)


@pytest.fixture(scope="session")
def segment_integration_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Segment's Hotjar integration installed with npm, to run with node (see `tests.support.integration`)."""
    from tests.support.integration import install_segment_integration  # after the assert rewriting is set

    return install_segment_integration(request, tmp_path_factory)
