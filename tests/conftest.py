"""Shared helpers: deciding NDJSON text, running the engine over paths, and the system Chromium of the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest

from hotjar_cli.core.decode import parse_line
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Decision, Event
from hotjar_cli.core.summary import Summary
from hotjar_cli.run.one_pass import PassSettings, run_pass
from hotjar_cli.sources.reader import resolve


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's headless shell, else its chromium: the browser tests fail without one (`.ci/run` installs both)."""
    executable = shutil.which("chromium-headless-shell") or shutil.which("chromium")
    if executable is None:
        pytest.fail("no system Chromium: apt-get install chromium-headless-shell chromium, as .ci/run does")
    return executable


def decide_text(text: str, limits: Limits | None = None) -> list[list[Decision]]:
    """The decisions for each non-blank line of NDJSON text, all through one mapper, in input order."""
    mapper = Mapper(limits if limits is not None else Limits())
    decided = []
    for line in text.splitlines():
        if line.strip():
            messages, _ = parse_line(line.encode())
            decided.append([mapper.decide(message) for message in messages])
    return decided


@pytest.fixture
def decide_lines() -> Callable[..., list[list[Decision]]]:
    """`decide_lines(text, limits=None)`: one list of decisions per non-blank line (a batch gives several)."""
    return decide_text


@pytest.fixture
def run_paths() -> Callable[..., tuple[Summary, list[Event]]]:
    """`run_paths(paths, **run_settings)`: resolve the paths, run the engine, return the summary and events."""

    def run_them(paths: list[Any], **settings: Any) -> tuple[Summary, list[Event]]:
        events: list[Event] = []
        summary = run_pass(resolve([str(path) for path in paths]), PassSettings(**settings), on_event=events.append)
        return summary, events

    return run_them
