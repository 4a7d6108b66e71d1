"""Segment's own date packages, installed from the npm registry and run with node: the reference for which trait
strings become `Date`s in the browser (the replay's conversion, the inventory's `date` type).

`install_segment_dates` installs `@segment/isodate` and `@segment/isodate-traverse` into a folder kept for the test
session (pytest's cache when it is on); `segment_makes_dates` says, for each string, whether traverse in strict
mode (as analytics.js' facade runs it) turns it into a `Date`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.npm import installed

PACKAGES = {"@segment/isodate": "1.0.3", "@segment/isodate-traverse": "1.1.1"}
"""What `segmentio-facade` 3.2.7 (used by analytics.js-integration-hotjar 1.4.0) resolves today."""

IS_DATE_SCRIPT = r"""
const traverse = require('@segment/isodate-traverse');
const strings = JSON.parse(require('fs').readFileSync(0, 'utf8'));
// Facade calls traverse(message) with no second argument: strict mode. A Date is told by its kind.
const dates = strings.map(text =>
  Object.prototype.toString.call(traverse({value: text}).value) === '[object Date]');
process.stdout.write(JSON.stringify(dates));
"""

DATE_STRINGS: list[str] = [
    # Found by a user: the first three are Dates in the browser, the last two strings (JS `\d` is ASCII only).
    "2024-01-01T10:00:00,5Z",
    "2024-01-01T10:00:00+02",
    "2024-01-01T1000",
    "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661",
    "\uff12\uff10\uff12\uff14-\u0660\u0661-\u0660\u0661",
    # A NUL, at which Python's `fromisoformat` stops reading.
    "2024-03-01T10:00:00\u0000Z",
    "2024-03-01T10:00:00Z\u0000",
    "2024-03-01\u0000",
    # A date alone.
    "2024-01-01",
    "0000-00-00",
    "9999-99-99",
    # Separators: T, a space; not a lower-case t, not two spaces.
    "2024-01-01T10:00",
    "2024-01-01 10:00",
    "2024-01-01t10:00",
    "2024-01-01  10:00",
    "2024-01-01T10",
    "2024-01-01T10:0",
    "2024-01-01T100",
    "2024-01-01T10:00:00",
    "2024-01-01T100000",
    "2024-01-01T10:0000",
    "2024-01-01T1000:00",
    "2024-01-01T10:00:0",
    "2024-01-01T10:00:",
    "2024-01-01T10::00",
    # Fractions after a dot or a comma, of any length, only after seconds.
    "2024-01-01T10:00:00.5",
    "2024-01-01T10:00:00,5",
    "2024-01-01T10:00:00.123456789Z",
    "2024-01-01T10:00:00,123+02:00",
    "2024-01-01T10:00:00.",
    "2024-01-01T10:00:00.Z",
    "2024-01-01T10:00.5",
    "2024-01-01T10:00:00.5.5",
    "2024-01-01T10:00:00;5",
    # Zones: Z, not z; +hh, +hhmm, +hh:mm and their minus; nothing shorter or longer.
    "2024-01-01T10:00:00Z",
    "2024-01-01T10:00:00z",
    "2024-01-01T10:00Z",
    "2024-01-01T10:00:00+02",
    "2024-01-01T10:00:00+0200",
    "2024-01-01T10:00:00+02:00",
    "2024-01-01T10:00:00-02:30",
    "2024-01-01T10:00+0200",
    "2024-01-01T10:00:00+2",
    "2024-01-01T10:00:00+020",
    "2024-01-01T10:00:00+02:0",
    "2024-01-01T10:00:00+02:00:00",
    "2024-01-01T10:00:00Z+02",
    "2024-01-01T10:00:00ZZ",
    "2024-01-01+02:00",
    "2024-01-01Z",
    "2024-01-01 10:00:00Z",
    # Out-of-range fields still match.
    "2024-13-01",
    "2024-00-32",
    "2024-01-01T24:00:00Z",
    "2024-01-01T99:99:99+99:99",
    # Whitespace around, garbage after.
    " 2024-01-01",
    "2024-01-01 ",
    "2024-01-01\n",
    "2024-01-01T10:00:00Z\n",
    "\t2024-01-01T10:00",
    "2024-01-01x",
    "2024-01-01T10:00:00Zx",
    "2024-01-01T10:00:00.5 ",
    # Other shapes of a date, which strict mode keeps as strings.
    "20240101",
    "2024-0101",
    "202401-01",
    "2024-01",
    "2024/01/01",
    "+002024-01-01",
    "12024-01-01",
    "2024-1-01",
    # Digits past ASCII anywhere.
    "2024-01-0\u0661",
    "2024-01-01T10:00:0\u0660",
    "2024-01-01T10:00:00.\u0665",
    "2024-01-01T10:00:00+0\u0662",
    "\uff12\uff10\uff12\uff14-\uff10\uff11-\uff10\uff11",
    "2024-01-01T10:00:00\uff3a",
    "2024-01-01\u3000",
    # Empty, short and very long.
    "",
    "2",
    "2024-01-0",
    "2024-01-01T10:00:00." + "5" * 100_000 + "Z",
    "2024-01-01T10:00:00." + "5" * 100_000 + "x",
    "2024-01-01" + " " * 10_000,
    "x" * 100_000,
]
"""Strings around every part of the pattern `@segment/isodate` checks, dates and not."""


def install_segment_dates(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with Segment's date packages installed from the npm registry (see the module's documentation)."""
    name = "segment-dates-" + "-".join(f"{package.split('/')[1]}-{version}" for package, version in PACKAGES.items())
    folder = installed(request, tmp_path_factory, name, PACKAGES, "Segment's own date parser")
    (folder / "is_date.js").write_text(IS_DATE_SCRIPT)
    return folder


def segment_makes_dates(folder: Path, strings: list[str]) -> list[bool]:
    """For each string, whether Segment's packages (in `folder`, see `install_segment_dates`) make a `Date` of it."""
    done = subprocess.run(
        ["node", "is_date.js"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        input=json.dumps(strings),
    )
    assert done.returncode == 0, done.stderr
    dates = json.loads(done.stdout)
    assert len(dates) == len(strings)
    return dates
