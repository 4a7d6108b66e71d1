"""Tabs are reused from user to user for speed, yet every user is still a fresh Hotjar visitor."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import hotjar_cli.replay.browser as browser
from hotjar_cli.replay import run_replay
from tests.support.replay_support import (
    assert_complete_once,
    events_of,
    generate_log,
    settings_for,
)


class Counts:
    """How many contexts the transport opened, and how many reused tabs were found holding old state."""

    def __init__(self) -> None:
        self.tabs = 0
        self.stale = 0


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Counts:
    seen = Counts()
    new_tab, deliver_in = browser.BrowserTransport._new_tab, browser.BrowserTransport._deliver_in

    async def counting_new_tab(self: Any) -> Any:
        seen.tabs += 1
        return await new_tab(self)

    async def counting_deliver_in(self: Any, tab: Any, user: Any) -> Any:
        delivery = await deliver_in(self, tab, user)
        seen.stale += delivery is browser._STALE
        return delivery

    monkeypatch.setattr(browser.BrowserTransport, "_new_tab", counting_new_tab)
    monkeypatch.setattr(browser.BrowserTransport, "_deliver_in", counting_deliver_in)
    return seen


def test_each_worker_reuses_its_tab_and_every_user_is_a_fresh_visitor(
    tmp_path: Path, fake: Any, counts: Counts
) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=40)
    report = run_replay(events_of(log.path), settings_for(fake, concurrency=3), Console(file=io.StringIO()))
    assert report.users_sent == 40
    assert_complete_once(log, fake.received())
    assert len({call.visitor for call in fake.received()}) == 40
    assert counts.stale == 0
    assert counts.tabs <= 3


def test_a_tab_that_kept_an_earlier_visitor_is_replaced_before_any_call_runs(
    tmp_path: Path, fake: Any, counts: Counts, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def forget_nothing(self: Any, tab: Any) -> None:
        """A clean-up that fails silently: the next user would find the last one's cookie and storage."""

    monkeypatch.setattr(browser.BrowserTransport, "_forget", forget_nothing)
    log = generate_log(tmp_path / "log.ndjson", users=12)
    report = run_replay(events_of(log.path), settings_for(fake, concurrency=2), Console(file=io.StringIO()))
    assert report.users_sent == 12
    assert_complete_once(log, fake.received())
    assert len({call.visitor for call in fake.received()}) == 12
    assert counts.stale > 0
