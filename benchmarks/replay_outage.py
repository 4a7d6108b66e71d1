"""An outage, end to end: Hotjar fails every request while `hotjar-cli replay` runs, then comes back.

    .venv/bin/python benchmarks/replay_outage.py                     # 400 users, --retries 1 --give-up-after 60s
    .venv/bin/python benchmarks/replay_outage.py --users 100 --give-up-after 20s

The command line a user runs, into the tests' fake Hotjar with its tracking script, client and call posts all
answering HTTP 500. It checks that the run ends by itself (exit 1, every user dead-lettered) and how long that
took, then heals the fake and replays the dead-letter file, which must deliver every call exactly once, each
user as a fresh visitor. Prints what it measured; exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.fake_hotjar import FakeHotjar  # noqa: E402 - after the repository root is put on sys.path
from tests.support.replay_support import assert_complete_once, generate_log  # noqa: E402 - after the repository root is put on sys.path


def replay(log: Path, fake: FakeHotjar, *options: str) -> tuple[subprocess.CompletedProcess[str], float]:
    command = [
        sys.executable,
        "-m",
        "hotjar_cli",
        "replay",
        str(log),
        *fake.site_options(),
        "--report",
        "json",
        *options,
    ]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    return result, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=400)
    parser.add_argument("--give-up-after", default="60s")
    parser.add_argument("--limit", type=float, default=240.0, help="seconds the outage run may take at most")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeHotjar(allow_http=True) as fake:
        work = Path(folder)
        log = generate_log(work / "log.ndjson", users=arguments.users)
        fake.faults.script_error = fake.faults.client_error = True
        fake.faults.error_every = 1
        dead = work / "dead.ndjson"
        result, elapsed = replay(
            log.path,
            fake,
            "--retries",
            "1",
            "--give-up-after",
            arguments.give_up_after,
            "--dead-letter",
            str(dead),
            "--checkpoint",
            str(work / "checkpoint"),
        )
        report = json.loads(result.stdout)
        print(
            f"outage: exit {result.returncode} after {elapsed:.1f} s; {report['users_dead_lettered']} of "
            f"{report['users_planned']} users dead-lettered, {report['sent']} calls sent; gave up: "
            f"{report['gave_up']}"
        )
        failed = (
            result.returncode != 1
            or report["users_dead_lettered"] != arguments.users
            or elapsed > arguments.limit
            or not report["gave_up"]
        )

        fake.faults.clear()
        result, elapsed = replay(dead, fake, "--settle", "0.2")
        report = json.loads(result.stdout)
        print(f"back: exit {result.returncode} after {elapsed:.1f} s; {report['sent']} of {log.calls} calls sent")
        try:
            assert_complete_once(log, fake.received())
            print("every call arrived exactly once, each user as one fresh visitor")
        except AssertionError as error:
            print(f"not delivered once: {error}")
            failed = True
    return 1 if failed or result.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
