"""Throughput of replay: users/s and calls/s into the fake Hotjar of the tests, in real headless Chromium.

    .venv/bin/python benchmarks/replay_bench.py                      # 1,000 users, concurrency 4, 8, 12 and 16
    .venv/bin/python benchmarks/replay_bench.py --users 300 --concurrency 2,4 --settle 0.2

A backfill after an outage replays thousands of users, so the default run is long enough that starting the
browser and opening each worker's tab (about 2 s in all) is a small part of it; `--users 300` shows their share.

Prints a Markdown table to stdout. The last row is the ceiling Chromium itself puts on a replay that gives
every user a fresh visitor: new browser contexts with one page each, opened and closed as fast as the
machine allows, with nothing loaded in them.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402 - after the repository root is put on sys.path

from hotjar_cli.replay import run_replay  # noqa: E402 - after the repository root is put on sys.path
from hotjar_cli.replay.browser import CHROMIUM_ARGS, chromium_path  # noqa: E402 - after the repository root is put on sys.path
from tests.support.fake_hotjar import Received  # noqa: E402 - after the repository root is put on sys.path
from tests.support.replay_support import assert_complete_once, events_of, generate_log, settings_for  # noqa: E402 - after the repository root is put on sys.path

SERVE = """
import dataclasses, json, sys
from tests.support.fake_hotjar import FakeHotjar
with FakeHotjar(allow_http=True) as fake:
    print(json.dumps({"site_id": fake.site_id, "page_url": fake.page_url, "script_url": fake.script_url}), flush=True)
    sys.stdin.readline()
    print(json.dumps([dataclasses.astuple(call) for call in fake.received()]), flush=True)
"""


class SeparateFake:
    """The tests' fake Hotjar in a process of its own, as Hotjar is a service of its own: its threads do not
    compete with the replay for one interpreter, though they still share the machine's cores."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        started = json.loads(self.process.stdout.readline())
        self.site_id, self.page_url, self.script_url = started["site_id"], started["page_url"], started["script_url"]

    def received(self) -> list[Received]:
        """Every call the fake accepted; the fake stops."""
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        calls = [Received(*fields) for fields in json.loads(self.process.stdout.readline())]
        self.process.wait(10)
        return calls


def measure(users: int, concurrency: int, settle: float) -> tuple[int, int, float]:
    """One replay of a generated log into a fresh fake: users sent, calls sent, seconds spent sending.

    Every call must have arrived exactly once, in each user's order, each user a fresh visitor."""
    with tempfile.TemporaryDirectory() as folder:
        fake = SeparateFake()
        log = generate_log(Path(folder) / "log.ndjson", users=users)
        settings = replace(settings_for(fake), concurrency=concurrency, settle_seconds=settle, retries=0)
        report = run_replay(events_of(log.path), settings, Console(file=io.StringIO()))
        if report.sent != log.calls:
            raise SystemExit(f"the replay lost calls: {report.to_text()}")
        assert_complete_once(log, fake.received())
        return report.users_sent, report.sent, report.elapsed_seconds


async def context_ceiling(concurrency: int, rounds: int) -> float:
    """Fresh contexts with one blank page per second, opened and closed by `concurrency` workers."""
    from playwright.async_api import async_playwright

    from hotjar_cli.replay.settings import ReplaySettings

    executable = chromium_path(ReplaySettings(site_id=1, page_url="http://127.0.0.1/"))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)

        async def worker() -> None:
            for _ in range(rounds // concurrency):
                context = await browser.new_context()
                await context.new_page()
                await context.close()

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
        await browser.close()
    return (rounds // concurrency) * concurrency / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--concurrency", default="4,8,12,16", help="comma-separated worker counts")
    parser.add_argument("--settle", type=float, default=0.2, help="settle seconds (the fake answers at once)")
    options = parser.parse_args()
    print(
        f"replay into the fake Hotjar: {options.users} users, settle {options.settle:g} s, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}\n"
    )
    print("| concurrency | users | calls | seconds | users/s | calls/s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for concurrency in (int(value) for value in options.concurrency.split(",")):
        users, calls, seconds = measure(options.users, concurrency, options.settle)
        print(
            f"| {concurrency} | {users} | {calls} | {seconds:.1f} | {users / seconds:.1f} | {calls / seconds:.1f} |",
            flush=True,
        )
    ceiling = asyncio.run(context_ceiling(4, 60))
    print(f"| ceiling: empty fresh contexts, 4 workers | | | | {ceiling:.1f} | |")


if __name__ == "__main__":
    main()
