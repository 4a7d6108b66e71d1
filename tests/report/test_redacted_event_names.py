"""`--redact` masks an event name a rule finds fault with (an order number, an email, characters Hotjar refuses)
in every format, whichever rules the run reports: a rule left out of the report does not make the name safe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import cli, track

SECRETS = (
    "Order 1234567890 Completed",
    "Opened doc 3f2a9c1e-7b4d-4e8a-9f1c-2d5e8b7a4c6f",
    "jane.doe@example.com",
    "Paid <via> card",
)
"""Event names found at fault: high cardinality (a long number, a UUID, an email), invalid characters."""


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text(
        "".join(track(name, properties={"card": "x"}, timestamp="2024-03-01T10:00:00Z") for name in SECRETS)
        + track("Signed Up", properties={"plan": "x"}, timestamp="2024-03-01T10:00:00Z")
    )
    return path


IGNORED = ["--ignore", "HJ303,HJ305"]


@pytest.mark.parametrize("format", ["text", "json", "jsonl", "markdown", "junit", "github", "html"])
@pytest.mark.parametrize("ignored", [[], IGNORED, [*IGNORED, "--ignore", "HJ301"]], ids=["all", "ignored", "more"])
def test_validate_masks_names_at_fault_whatever_the_selection(
    log: Path, tmp_path: Path, format: str, ignored: list[str]
) -> None:
    out = tmp_path / f"report.{format}"
    result = cli(
        "validate", log, "--redact", "--fail-on", "never", "--examples", "9", "-f", format, "-o", out, *ignored
    )
    assert result.code == 0, result.stderr
    report = out.read_text()
    assert [secret for secret in SECRETS if secret in report] == []
    if format not in ("jsonl", "github", "junit") and "HJ301" not in ignored:
        assert "Signed Up" in report  # a name no rule finds fault with is the name of what users did: it stays


def inventory_redacted(log: Path, tmp_path: Path, format: str) -> str:
    """`inventory --redact` of a log in a format."""
    out = tmp_path / f"inventory.{format}"
    result = cli("inventory", log, "--redact", "-f", format, "-o", out)
    assert result.code == 0, result.stderr
    return out.read_text()


@pytest.mark.parametrize("format", ["text", "json", "csv", "markdown", "html"])
def test_inventory_masks_names_at_fault(log: Path, tmp_path: Path, format: str) -> None:
    report = inventory_redacted(log, tmp_path, format)
    assert [secret for secret in SECRETS if secret in report] == []
    assert "Signed Up" in report


def test_the_inventory_keeps_the_names_it_masks_apart(log: Path, tmp_path: Path) -> None:
    # Every masked name read "‹string›": three rows of three names looked like one name listed three times, and a
    # table keyed by name kept one of them.
    out = tmp_path / "inventory.json"
    assert cli("inventory", log, "--redact", "-f", "json", "-o", out).code == 0
    names = [row["name"] for row in json.loads(out.read_text())["events"]["names"]]
    assert sorted(name for name in names if name.startswith("‹")) == [
        "‹string 1›",
        "‹string 2›",
        "‹string 3›",
        "‹string 4›",
    ]
    assert "Signed Up" in names


@pytest.mark.parametrize(
    ("command", "args", "shown"),
    [
        ("validate", ["-f", "json", "--examples", "9"], SECRETS),
        # Rejected for their names, the others make no call and, their rules left out, are no example of any rule.
        ("validate", ["-f", "json", "--examples", "9", *IGNORED], SECRETS[:2]),
        ("inventory", ["-f", "csv"], SECRETS),
    ],
)
def test_the_names_are_there_without_redact(
    log: Path, tmp_path: Path, command: str, args: list[str], shown: tuple[str, ...]
) -> None:
    # Without this, the tests above could pass on reports that never showed the names at all.
    out = tmp_path / "plain"
    assert cli(command, log, *args, "-o", out).code in (0, 1)
    report = out.read_text().replace("\\u003c", "<").replace("\\u003e", ">")
    assert [secret for secret in shown if secret not in report] == []


@pytest.mark.parametrize("format", ["text", "json", "jsonl", "markdown", "junit", "github", "html"])
def test_validate_masks_the_characters_a_name_was_refused_for(tmp_path: Path, format: str) -> None:
    # event-name-invalid-characters lists the characters refused, each once, in the order they come: a name written
    # in another script than those allowed was spelt out nearly whole, though the name itself was masked.
    log = tmp_path / "events.jsonl"
    log.write_text(track("Купил Иван Петров", timestamp="2024-03-01T10:00:00Z"))
    out = tmp_path / f"report.{format}"
    result = cli("validate", log, "--redact", "--fail-on", "never", "-f", format, "-o", out)
    assert result.code == 0, result.stderr
    report = out.read_text()
    cyrillic = [ch for ch in "КупилИванПетров" if ch in report or f"\\u{ord(ch):04x}" in report.lower()]
    assert cyrillic == []
    if format != "html":  # the page shows the rule's examples, not each finding's detail
        assert "HJ303" in report and "‹characters›" in report
    unmasked = cli("validate", log, "--fail-on", "never", "-f", format, "-o", tmp_path / "plain")
    assert unmasked.code == 0 and "‹characters›" not in (tmp_path / "plain").read_text()


KEYS = ("bob@corp.com", "10.0.0.1", "ana@corp.com", "3f2a9c1e-7b4d-4e8a-9f1c-2d5e8b7a4c6f")
"""Trait and property names that hold what a rule finds in an event name: an email or IP address, a UUID."""


@pytest.fixture
def keyed(tmp_path: Path) -> Path:
    path = tmp_path / "keys.jsonl"
    path.write_text(
        "".join(
            json.dumps(message) + "\n"
            for message in (
                {"type": "identify", "userId": "u1", "traits": {KEYS[0]: True, "plan": "pro", KEYS[1]: {"x": 1}}},
                {"type": "track", "userId": "u1", "event": "Signed Up", "properties": {KEYS[2]: 1, "plan": "x"}},
                {"type": "identify", "userId": "u2", "traits": {KEYS[3]: [1, 2], "seats": 3}},
            )
        )
    )
    return path


@pytest.mark.parametrize("format", ["text", "json", "jsonl", "markdown", "junit", "github", "html"])
def test_validate_masks_keys_that_hold_a_value(keyed: Path, tmp_path: Path, format: str) -> None:
    # A trait named after a user's email address was shown in full, as a key, beside the user id masked for it.
    out = tmp_path / f"report.{format}"
    result = cli("validate", keyed, "--redact", "--fail-on", "never", "-f", format, "-o", out)
    assert result.code == 0, result.stderr
    report = out.read_text()
    assert [key for key in KEYS if key in report] == []
    if format in ("text", "json", "markdown", "html"):
        assert "plan" in report and "‹key 1›" in report  # the other keys stay; a masked one is numbered
    if format == "text":
        # A finding's path and the properties it lists name each key as its example shows it.
        assert '$.traits["‹key 2›"] an object with 1 key' in report
        assert "2 dropped: ‹key 1›, plan" in report


@pytest.mark.parametrize("format", ["text", "json", "csv", "markdown", "html"])
def test_inventory_masks_attribute_names_that_hold_a_value(keyed: Path, tmp_path: Path, format: str) -> None:
    report = inventory_redacted(keyed, tmp_path, format)
    assert [key for key in KEYS if key in report] == []
    assert "plan" in report and "seats" in report
