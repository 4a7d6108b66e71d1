"""Messages from Segment's server and mobile libraries in a log of every source (HJ109): validate counts them apart,
replay sends none of them, and the inventory gives none of their names a place in the site's budgets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.cli import cli, identify, line, track

BROWSER = {"library": {"name": "analytics.js", "version": "4.1.0"}}

LOG = (
    track("Browser Event", context=BROWSER, channel="client")
    + track("Server Event", channel="server")
    + track("Python Event", context={"library": {"name": "analytics-python", "version": "2.3.2"}})
    + identify("u2", traits={"server_trait": 1}, context={"library": {"name": "@segment/analytics-node"}})
    + identify("u3", traits={"mobile_trait": 1}, channel="mobile")
    + identify(traits={"browser_trait": 1})
    + line(
        batch=[
            {"type": "track", "userId": "u4", "event": "Batched Ruby Event"},
            {"type": "track", "userId": "u4", "event": "Batched Browser Event", "context": BROWSER},
        ],
        context={"library": {"name": "analytics-ruby", "version": "2.4.3"}},
    )
)
"""Eight events: three from the browser, five from server and mobile libraries (one in a batch's shared context)."""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_counts_server_and_mobile_messages_as_ignored(logs: Any, jobs: str) -> None:
    result = cli("validate", logs("all-sources.jsonl", LOG), "-f", "json", "--jobs", jobs)
    assert result.code == 0
    summary = result.json()["summary"]
    assert summary["outcomes"] == {"accepted": 3, "modified": 0, "rejected": 0, "ignored": 5, "invalid": 0}
    assert summary["rules"] == {"HJ109": 5}


def test_replay_dry_run_sends_only_the_browsers_messages(logs: Any) -> None:
    result = cli("replay", logs("all-sources.jsonl", LOG), "--dry-run")
    assert result.code == 0
    assert [record["call"] for record in result.lines()] == [
        ["event", "Browser Event"],
        ["identify", "u1", {"browser_trait": 1}],
        ["event", "Batched Browser Event"],
    ]


def test_the_inventory_offers_the_site_only_the_browsers_names(logs: Any) -> None:
    result = cli(
        "inventory", logs("all-sources.jsonl", LOG), "-f", "json", "--max-events", "2", "--max-attributes", "1"
    )
    assert result.code == 0
    inventory = result.json()
    events = {row["name"]: row["fate"] for row in inventory["events"]["names"]}
    attributes = {row["name"]: row["fate"] for row in inventory["attributes"]["names"]}
    # The server's names came first in the log, yet the browser's fill the site's budgets.
    assert events == {"Browser Event": "kept", "Batched Browser Event": "kept"}
    assert attributes == {"browser_trait": "kept"}


def test_rule_hj109_prints_its_documentation() -> None:
    result = cli("rule", "HJ109")
    assert result.code == 0
    assert "not-from-a-browser" in result.stdout
    assert "analytics-python" in result.stdout
    example = json.loads(result.stdout.split("## Example\n```json\n", 1)[1].split("\n```", 1)[0])
    assert example["channel"] == "server"
