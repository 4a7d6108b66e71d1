"""Segment's Hotjar integration itself, installed from the npm registry and run with node under jsdom: the reference
for what `hj(...)` call a Segment message makes, where the mapping core claims to know.

`install_segment_integration` installs `@segment/analytics.js-integration-hotjar` (with the `segmentio-facade` it
resolves) and jsdom into a folder kept for the test session (pytest's cache when it is on); `segment_calls` runs
each message through the integration's `identify` or `track`, as analytics.js hands it a facade, and says what
it did: the `hj` calls it made, or the error it threw.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.npm import installed

PACKAGES = {"@segment/analytics.js-integration-hotjar": "1.4.0", "segmentio-facade": "3.2.7", "jsdom": "29.1.1"}
"""The integration the rules cite, the facade it resolves today, and a DOM for it to load into."""

CALLS_SCRIPT = r"""
const {JSDOM} = require('jsdom');
const dom = new JSDOM('<html><head></head><body></body></html>');
global.window = dom.window;
global.document = dom.window.document;
global.navigator = dom.window.navigator;
const {Identify, Track} = require('segmentio-facade');
const Hotjar = require('@segment/analytics.js-integration-hotjar');
const integration = new Hotjar({hjid: 1});
const calls = [];
window.hj = function () { calls.push(Array.from(arguments)); };
// Each message is parsed here, as the browser parsed the JSON it came from (a `__proto__` key is then an own key).
const messages = JSON.parse(require('fs').readFileSync(0, 'utf8')).map(text => JSON.parse(text));
const results = messages.map(message => {
  calls.length = 0;
  try {
    if (message.type === 'identify') integration.identify(new Identify(message));
    else integration.track(new Track(message));
  } catch (error) {
    return {threw: String(error.message)};
  }
  return {calls: JSON.parse(JSON.stringify(calls))};
});
process.stdout.write(JSON.stringify(results));
"""


ENABLED_SCRIPT = r"""
const {Track} = require('segmentio-facade');
// What classic analytics.js asks before it hands a message to an integration (analytics.js-core's `_invoke`:
// `facadeCopy.enabled(name)`), of each message as the browser parsed it.
const messages = JSON.parse(require('fs').readFileSync(0, 'utf8')).map(text => JSON.parse(text));
process.stdout.write(JSON.stringify(messages.map(message => new Track(message).enabled('Hotjar'))));
"""


def segment_enabled(folder: Path, lines: list[str]) -> list[bool]:
    """For each message (one JSON text), whether classic analytics.js hands it to its Hotjar integration: the
    facade's own `enabled('Hotjar')`."""
    (folder / "enabled.js").write_text(ENABLED_SCRIPT)
    done = subprocess.run(
        ["node", "enabled.js"], cwd=folder, capture_output=True, text=True, timeout=120, input=json.dumps(lines)
    )
    assert done.returncode == 0, done.stderr
    results: list[bool] = json.loads(done.stdout)
    assert len(results) == len(lines)
    return results


def install_segment_integration(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with Segment's Hotjar integration installed from the npm registry (see the module's documentation)."""
    name = "segment-hotjar-" + "-".join(version for version in PACKAGES.values())
    folder = installed(request, tmp_path_factory, name, PACKAGES, "Segment's own Hotjar integration")
    (folder / "calls.js").write_text(CALLS_SCRIPT)
    return folder


def segment_calls(folder: Path, lines: list[str], numbers_as_text: bool = False) -> list[dict[str, Any]]:
    """For each message (one JSON text), what Segment's integration did with it: `{"calls": [[...], ...]}`, the `hj`
    calls it made, or `{"threw": message}`. With `numbers_as_text`, each number in the calls is the text JavaScript
    wrote for it (`JSON.stringify` writes a number as `String(number)` does)."""
    done = subprocess.run(
        ["node", "calls.js"], cwd=folder, capture_output=True, text=True, timeout=120, input=json.dumps(lines)
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout, parse_int=str, parse_float=str) if numbers_as_text else json.loads(done.stdout)
    assert len(results) == len(lines)
    return results
