"""Tabs are reused from user to user for speed, yet every user is still a fresh Hotjar visitor."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from rich.console import Console

from hotjar_cli.replay import ReplayReport, run_replay
from hotjar_cli.replay.browser import BrowserTransport
from hotjar_cli.replay.settings import ReplaySettings
from tests.support.replay_support import (
    Log,
    assert_complete_once,
    events_of,
    generate_log,
    settings_for,
)


class ForgetfulTransport(BrowserTransport):
    """A clean-up that fails silently: the next user would find the last one's cookie and storage."""

    async def forget(self, tab: Any) -> None:
        pass


def replay_through(
    transport: type[BrowserTransport], log: Log, settings: ReplaySettings
) -> tuple[ReplayReport, BrowserTransport]:
    """Replay the log through a transport of this class, kept to read what it counted."""
    made: list[BrowserTransport] = []

    def build() -> BrowserTransport:
        made.append(transport(settings))
        return made[-1]

    report = run_replay(events_of(log.path), settings, Console(file=io.StringIO()), transport_factory=build)
    assert len(made) == 1
    return report, made[0]


def test_each_worker_reuses_its_tab_and_every_user_is_a_fresh_visitor(tmp_path: Path, fake: Any) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=40)
    report, transport = replay_through(BrowserTransport, log, settings_for(fake, concurrency=3))
    assert report.users_sent == 40
    assert_complete_once(log, fake.received())
    assert len({call.visitor for call in fake.received()}) == 40
    assert transport.stale_tabs == 0
    # A tab is reused while its users are sent; one whose attempt failed (a timeout on a loaded machine) is closed,
    # and the retry opens another.
    assert transport.tabs_opened <= 3 + report.retries


def test_a_tab_that_kept_an_earlier_visitor_is_replaced_before_any_call_runs(tmp_path: Path, fake: Any) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=12)
    report, transport = replay_through(ForgetfulTransport, log, settings_for(fake, concurrency=2))
    assert report.users_sent == 12
    assert_complete_once(log, fake.received())
    assert len({call.visitor for call in fake.received()}) == 12
    assert transport.stale_tabs > 0


class BrowserGoneTransport(BrowserTransport):
    """A browser that goes away (a crash, or closed by a second Ctrl-C) once handed over to open a tab in."""

    async def _ensure_browser(self) -> Any:
        browser = await super()._ensure_browser()
        await browser.close()
        return browser


def test_the_look_at_the_site_says_the_browser_went_away_rather_than_raise(fake: Any) -> None:
    # `BrowserContext.new_page: Target page, context or browser has been closed` ended a replay in a traceback.
    async def look() -> Any:
        transport = BrowserGoneTransport(settings_for(fake))
        await transport.start()
        try:
            return await transport.check()
        finally:
            await transport.close()

    site = asyncio.run(look())
    assert not site.script_loaded
    assert site.unreachable is not None and "closed" in site.unreachable
