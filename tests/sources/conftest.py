"""Fixtures of the sources' tests: reading paths through one pass, as every command reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hotjar_cli.core.model import Event
from hotjar_cli.core.summary import Summary
from hotjar_cli.run.one_pass import PassSettings, run_pass
from hotjar_cli.sources.reader import resolve


@pytest.fixture
def run_paths() -> Callable[..., tuple[Summary, list[Event]]]:
    """`run_paths(paths, **run_settings)`: resolve the paths, run one pass, return the summary and events."""

    def run_them(paths: list[Any], **settings: Any) -> tuple[Summary, list[Event]]:
        events: list[Event] = []
        summary = run_pass(resolve([str(path) for path in paths]), PassSettings(**settings), on_event=events.append)
        return summary, events

    return run_them
