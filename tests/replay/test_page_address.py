"""The replay serves its page at the address the browser asks for: `--page-url` as a person writes it (no path,
capitals, a default port, a space or a letter past ASCII) is read as Chromium reads it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotjar_cli.replay.settings import browser_url
from tests.support.fake_hotjar import FakeHotjar
from tests.support.replay_support import generate_log

pytestmark = pytest.mark.timeout(240)

WRITTEN = [
    "https://www.example.com",
    "https://WWW.Example.com:443/",
    "HTTPS://www.example.com:8443",
    "http://www.example.com:80/shop",
    "https://www.example.com/café shop/?q=a b&r=é",
    "https://www.example.com/?q=\x1b]0;title\x07#top",
    "https://www.example.com/a'b?c='d'",
    "https://bücher.example/",
    "http://127.0.0.1:8080",
    "https://[::1]:8443/path",
    "https://user:secret@www.example.com/",
    "https://www.example.com/{a}`b`[c]|d^\x7f?x=`{}`[]|^\\",
    "https://www.example.com/a%zz b%20c",
    "https://www.example.com/shop\\cart\\?q=\\",
]


@pytest.fixture(scope="module")
def page(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable)
        yield browser.new_page()
        browser.close()


@pytest.mark.parametrize("written", WRITTEN)
def test_the_page_address_is_the_one_chromium_reads(page: Any, written: str) -> None:
    read = page.evaluate("written => { const url = new URL(written); url.hash = ''; return url.href; }", written)
    assert browser_url(written) == read


def test_a_page_address_without_a_path_or_in_capitals_delivers(tmp_path: Path, fake: FakeHotjar) -> None:
    log = generate_log(tmp_path / "log.ndjson", users=3)
    written = fake.base.replace("http://", "HTTP://")  # no path: the browser asks for `/`
    done = subprocess.run(
        [
            sys.executable, "-m", "hotjar_cli", "replay", str(log.path), "--site-id", str(fake.site_id),
            "--page-url", written, "--script-url", fake.script_url, "--settle", "0.2", "--give-up-after", "60s",
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(fake.received()) == sum(len(calls) for calls in log.expected.values())


REFUSED = [
    "https://exa mple.com/",
    "https://ex%ample.com/",
    "https://a<b>.com/",
    "https://ex|ample.com/",
    "https://[zz]/",
]


@pytest.mark.parametrize("written", REFUSED)
def test_a_host_no_browser_can_ask_for_is_refused_before_any_user_is_sent(tmp_path: Path, written: str) -> None:
    # Such an address was taken: the page was never served at it (Chromium reads `exa mple.com` as a host to look
    # up, and fails), so each user failed in turn until the replay gave up, 10 minutes later.
    with pytest.raises(ValueError, match=r"host|address"):
        browser_url(written)
    log = generate_log(tmp_path / "log.ndjson", users=1)
    done = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", "replay", str(log.path), "--site-id", "1234567", "--page-url", written],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("hotjar-cli: error: --page-url ") and done.stderr.count("\n") == 1, done.stderr
