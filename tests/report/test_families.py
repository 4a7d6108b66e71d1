"""Event-name families: the templates of event names built from values, and what each costs the event budget."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hotjar_cli.cli.app import app
from hotjar_cli.core.mapping import EMAIL_PATTERN
from hotjar_cli.report import families
from hotjar_cli.report.families import FAMILY_MIN_NAMES, template

UUIDS = [f"{number:08x}-e29b-41d4-a716-{number:012x}" for number in range(1, 31)]


def cli(*args: str | Path, columns: int = 200) -> str:
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": str(columns)}).invoke(app, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Viewed Article 4821", "Viewed Article {n}"),
        ("Page 1 of 3", "Page {n} of {n}"),
        ("Order 550e8400-e29b-41d4-a716-446655440000 Paid", "Order {uuid} Paid"),
        ("Opened 5f2b9c1e77", "Opened {hex}"),
        ("Report 2024-03-01 Exported", "Report {date} Exported"),
        ("Synced 2024-03-01T10:00:00Z", "Synced {date}"),
        ("Synced 2024-03-01 10:00:00.250+02:00 at last", "Synced {date} at last"),
        ("Build 2024-13-01", "Build {n}-{n}-{n}"),  # no month 13: not a day
        ("Invited ana.lima+2@example.com", "Invited {email}"),
        ("User:bob@x.com signed up", "User:{email} signed up"),  # the word an address is joined to stays
        ("Shared with bob@x.com,ana@y.org", "Shared with {email},{email}"),
        ("Invited (renée.dupont@x.org)", "Invited ({email})"),
        ("Tagged ::@x.com", "Tagged {email}"),  # no local part: the whole is the address
        ("Signed Up", None),  # no value: a family of one
        ("deadbeefcafe", None),  # hex letters without a digit are a word
        ("deadbeef", None),
        ("facade", None),
        ("Deploy 3f9b2c1", "Deploy {hex}"),  # a short commit
        ("Deploy 3F9B2C1", "Deploy {hex}"),
        ("Sale Feb2024", "Sale Feb{n}"),  # short, and of both cases: a month and a year, as `Sale Mar2024` reads
        ("Build A1b2C3d4", "Build {hex}"),  # 8 or more: of either case
        ("Opened 5f2b9c", "Opened {hex}"),
        ("Opened 5f2b9", "Opened {n}f{n}b{n}"),  # too short for an id: its digits are numbers
        ("Deploy 3f9b2c1x", "Deploy {n}f{n}b{n}c{n}x"),  # not a word of hex digits
        ("Step 3 Completed", "Step {n} Completed"),  # a family of one
        ("Viewed Article 1048576", "Viewed Article {n}"),
        ("Order 1048576 Shipped by 3f9b2c1", "Order {n} Shipped by {hex}"),  # a long number, then an id
        ("a@b", None),  # no address
        # A code after `0x`, however long and whatever its digits: `Error {n}x{n}C{n}D{n}` made a template of each.
        ("Error 0x1027C4D1", "Error {hex}"),
        ("Error 0x12345678 at step 3", "Error {hex} at step {n}"),
        ("Failed 0X1f", "Failed {hex}"),
        ("Box0x12", "Box{n}x{n}"),  # joined to a word: not a code
    ],
)
def test_a_name_s_template_replaces_each_value_by_its_placeholder(name: str, expected: str | None) -> None:
    assert template(name) == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(
            [f"Report 2024-03-{day:02d} Exported" for day in range(1, 26)], "Report {date} Exported", id="date"
        ),
        pytest.param([f"Deploy 3f9b{number:03x}" for number in range(25)], "Deploy {hex}", id="short-hex"),
        pytest.param([f"Error 0x{number * 7919:08X}" for number in range(25)], "Error {hex}", id="hex-code"),
        pytest.param(
            [f"User:user{number}@example.com signed up" for number in range(25)], "User:{email} signed up", id="email"
        ),
    ],
)
def test_names_built_from_one_value_are_a_family_read_as_one_placeholder(
    tmp_path: Path, names: list[str], expected: str
) -> None:
    (family,) = families_of(write(tmp_path / "names.jsonl", names))["families"]
    assert (family["template"], family["names"]) == (expected, 25)


def track(event: str, user: str = "u1") -> str:
    return json.dumps({"type": "track", "userId": user, "event": event, "timestamp": "2024-03-01T10:00:00Z"})


def write(path: Path, events: list[str]) -> Path:
    path.write_text("".join(track(event, f"u{number % 5}") + "\n" for number, event in enumerate(events)))
    return path


HOSTILE_FIXED = "\x1b[31m<b>|`Alert`</b> ::error::x"


@pytest.fixture
def families_log(tmp_path: Path) -> Path:
    # Article names crossing a site of 50 slots, UUID names, email names, a fixed part of escape bytes and markup,
    # too few names of a template to be a family, and names built from no value.
    events = [f"Viewed Article {4800 + number}" for number in range(120)]
    events += ["Signed Up"] * 3 + ["Viewed Article 4800"] * 4
    events += [f"Order {uuid} Paid" for uuid in UUIDS]
    events += [f"Invited user{number}@example.com" for number in range(25)]
    events += [f"{HOSTILE_FIXED} {number}" for number in range(21)]
    events += [f"Step {number} Completed" for number in range(1, 6)]
    events += [f"Plain Name {letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXY"]
    return write(tmp_path / "families.jsonl", events)


def families_of(log: Path, *options: str) -> dict[str, Any]:
    events = json.loads(cli("inventory", log, "--format", "json", "--max-events", "50", *options))["events"]
    return {"families": events["families"], "more": events["more_families"], "events": events}


def test_the_json_counts_each_family_s_names_by_fate_and_its_messages(families_log: Path) -> None:
    found = families_of(families_log)
    assert found["more"] == 0
    by_template = {family["template"]: family for family in found["families"]}
    assert list(by_template) == [
        "Viewed Article {n}",
        "Order {uuid} Paid",
        "Invited {email}",
        "\x1b[{n}m<b>|`Alert`</b> ::error::x {n}",
    ]  # the most names first; a funnel's 5 steps and names without a value are no family
    articles = by_template["Viewed Article {n}"]
    assert articles == {
        "template": "Viewed Article {n}",
        "names": 120,
        "kept": 50,
        "turned_away": 70,
        "never_sent": 0,
        "messages": 124,
        "example": "Viewed Article 4800",  # the first kept, in slot order
    }
    orders = by_template["Order {uuid} Paid"]
    assert orders["turned_away"] == 30 and orders["kept"] == 0
    assert orders["example"] == f"Order {UUIDS[0]} Paid"  # none kept: the most frequent, then by name
    rows = {row["name"]: row for row in found["events"]["names"]}
    for family in found["families"]:
        members = [row for name, row in rows.items() if template(name) == family["template"]]
        assert family["names"] == len(members) >= FAMILY_MIN_NAMES
        assert family["messages"] == sum(row["messages"] for row in members)
    # Each name names its family, the names of no family (a funnel's steps, a name without a value) none.
    families = {family["template"] for family in found["families"]}
    assert all(row["family"] == (template(name) if template(name) in families else None) for name, row in rows.items())
    assert rows["Viewed Article 4800"]["family"] == "Viewed Article {n}"


def test_the_csv_names_each_name_s_family_to_group_them_by(tmp_path: Path) -> None:
    # Past the twentieth, a family is only counted in the JSON's families; its names name it all the same.
    log = write(
        tmp_path / "many.jsonl",
        [f"Feature {letter} {digit}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWX" for digit in range(20)] + ["Signed Up"],
    )
    rows = list(csv.DictReader(io.StringIO(cli("inventory", log, "--format", "csv"))))
    families = {row["name"]: row["family"] for row in rows if row["kind"] == "event"}
    assert families["Feature X 19"] == "Feature X {n}" and families["Signed Up"] == ""
    assert len({family for family in families.values() if family}) == 24


def test_families_past_the_twentieth_are_counted(tmp_path: Path) -> None:
    log = write(
        tmp_path / "many.jsonl",
        [f"Feature {letter} {digit}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWX" for digit in range(20)],
    )
    found = families_of(log)
    assert len(found["families"]) == 20 and found["more"] == 4
    assert [family["template"] for family in found["families"]][:2] == ["Feature A {n}", "Feature B {n}"]
    assert "… and 19 more templates (inventory --format json lists the first 20)" in cli(
        "inventory", log, "--max-events", "50"
    )


def test_fewer_families_than_the_json_lists_are_all_in_it(tmp_path: Path) -> None:
    log = write(tmp_path / "some.jsonl", [f"Feature {letter} {digit}" for letter in "ABCDEFGH" for digit in range(20)])
    assert "… and 3 more templates (inventory --format json lists them all)" in cli("inventory", log)


def test_under_redact_each_masked_family_has_a_mask_of_its_own(tmp_path: Path) -> None:
    # Two templates whose fixed parts a rule finds fault with: masked alike, their names read as one family of 40.
    log = write(
        tmp_path / "masked.jsonl", [f"Open\x1b[31m {n}" for n in range(20)] + [f"Buy=cmd| {n}" for n in range(20)]
    )
    found = families_of(log, "--redact")
    assert [family["template"] for family in found["families"]] == ["‹template 1›", "‹template 2›"]
    rows = list(csv.DictReader(io.StringIO(cli("inventory", log, "--format", "csv", "--redact"))))
    assert sorted({row["family"] for row in rows}) == ["‹template 1›", "‹template 2›"]


def test_a_log_of_names_without_values_has_no_family_and_says_nothing_of_them(tmp_path: Path) -> None:
    log = write(tmp_path / "plain.jsonl", [f"Plain Name {letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"])
    assert families_of(log)["families"] == []
    for format in ("text", "markdown", "html"):
        assert "built from values" not in cli("inventory", log, "--format", format)


@pytest.mark.parametrize("columns", [40, 80, 200])
def test_the_text_inventory_says_the_families_under_the_event_budget_within_its_width(
    families_log: Path, columns: int
) -> None:
    out = cli("inventory", families_log, "--max-events", "50", columns=columns)
    # Nothing from the logs reaches the terminal unescaped, nor starts a line GitHub's runner reads as a command.
    assert "\x1b" not in out
    assert [line for line in out.splitlines() if line.lstrip().startswith("::")] == []
    assert all(len(line) <= columns for line in out.splitlines())
    flat = re.sub(r"\s+", " ", out).replace("\\u003a:", "::")  # folded lines read as one; the guard taken off
    section = flat[flat.index("Event names built from values, 4 templates of 20 names or more:") :]
    assert flat.index("event budget:") < flat.index("built from values") < flat.index(" Attributes:")
    assert '"Viewed Article {n}": 120 names (50 kept, 70 turned away), 124 messages, e.g. "Viewed Article 4800"' in (
        section
    )
    # Refused for its escape character: never sent.
    assert r'"\u001b[{n}m<b>|`Alert`</b> ::error::x {n}": 21 names (21 never sent), 21 messages' in section


def test_the_markdown_inventory_lists_the_families_as_code(families_log: Path) -> None:
    out = cli("inventory", families_log, "--format", "markdown", "--max-events", "50")
    assert "\nEvent names built from values, 4 templates of 20 names or more:\n" in out
    assert (
        "- `Viewed Article {n}`: 120 names (50 kept, 70 turned away), 124 messages, e.g. `Viewed Article 4800`" in out
    )
    hostile = next(line for line in out.splitlines() if "Alert" in line and line.startswith("- "))
    assert "\x1b" not in hostile and "\\u001b" in hostile
    assert hostile.startswith("- ``\\u001b[{n}m<b>|`Alert`</b> ::error::x {n}``: 21 names (21 never sent)")
    assert out.index("- Event budget:") < out.index("built from values") < out.index("### Attributes")


def test_the_html_inventory_lists_the_families_escaped(families_log: Path) -> None:
    out = cli("inventory", families_log, "--format", "html", "--max-events", "50")
    section = out[out.index('<p class="families">') : out.index("</ul>", out.index('<ul class="families">'))]
    assert "Viewed Article {n}</span>: 120 names (50 kept, 70 turned away), 124 messages" in section
    assert "<b>" not in section and "&lt;b&gt;" in section and "\x1b" not in section


def test_a_sampled_inventory_says_its_families_are_counted_over_the_names_held(tmp_path: Path) -> None:
    log = write(tmp_path / "wide.jsonl", [f"Viewed Article {number}" for number in range(12_100)])
    found = families_of(log)
    assert found["events"]["remainder"]["sampled"]
    (articles,) = found["families"]
    assert articles["names"] == len(found["events"]["names"]) < 12_100
    for format in ("text", "markdown", "html"):
        out = cli("inventory", log, "--format", format, "--max-events", "50")
        assert "counted over the event names held" in out
        # Its names outside the sample are not counted, turned away ones among them: the count says "held".
        assert f"{articles['names']:,} names held (" in out


def test_any_number_of_jobs_gives_the_same_families(tmp_path: Path, families_log: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    lines = families_log.read_text().splitlines(keepends=True)
    for part in range(4):
        (logs / f"part-{part}.jsonl").write_text("".join(lines[part::4]))
    outs = [cli("inventory", logs, "--format", "json", "--max-events", "50", "--jobs", jobs) for jobs in ("1", "2")]
    assert outs[0] == outs[1]
    assert json.loads(outs[0])["events"]["families"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([f"Invited user{number}@example.com" for number in range(25)], "Invited {email}"),
        ([f"Order 3f2a9c1e-7b4d-4e8a-9f1c-{number:04x}5e8b7a4c Paid" for number in range(25)], "Order {uuid} Paid"),
        ([f"Exported report {number:04x}9c1e7a" for number in range(25)], "Exported report {hex}"),
    ],
    ids=["email", "uuid", "hex"],
)
def test_redact_masks_an_example_a_rule_finds_fault_with_and_keeps_the_template(
    tmp_path: Path, names: list[str], expected: str
) -> None:
    log = write(tmp_path / "names.jsonl", names)
    (family,) = families_of(log, "--redact")["families"]
    assert family["template"] == expected
    assert family["example"] not in names and family["example"].startswith("‹string")


def test_a_family_counts_only_the_names_the_logs_send_within_the_filters(tmp_path: Path) -> None:
    # Ten days of 30 new article names a day: the messages after --until still take their slots (Hotjar received
    # them), but the family counts the names of the span the report is of, as its events line does.
    log = tmp_path / "days.jsonl"
    log.write_text(
        "".join(
            json.dumps(
                {
                    "type": "track",
                    "userId": "u1",
                    "event": f"Viewed Article {day * 30 + number}",
                    "timestamp": f"2024-05-{day + 1:02d}T10:{number:02d}:00Z",
                }
            )
            + "\n"
            for day in range(10)
            for number in range(30)
        )
    )
    events = json.loads(cli("inventory", log, "--format", "json", "--since", "2024-05-03", "--until", "2024-05-06"))[
        "events"
    ]
    (family,) = events["families"]
    assert (family["names"], family["kept"], family["messages"]) == (90, 90, 90)
    assert family["example"] == "Viewed Article 60"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789abcdefABCDEFxyz- :_.@T+Z٣", max_size=40))
def test_a_template_is_the_one_every_id_looked_for_would_give(name: str) -> None:
    # The fast path (numbers alone, one substitution) must give what looking for every kind of id gives.
    shown, found = EMAIL_PATTERN.subn(families._address, name) if "@" in name else (name, 0)
    shown, ids = families._IDS.subn(families._placeholder, shown)
    assert template(name) == (shown if found or ids else None)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text(alphabet="0123456789abcdefABCDEFxyz- :_.@T+Z٣", max_size=30), max_size=20))
@example(["Paid 2024-03-01", "Paid \ud800 7", "Paid 2024-03-02T10:00Z", "bob1@example.com Paid", "Paid 3f9b2c1"])
def test_names_alike_but_for_their_digits_share_a_template_only_when_each_would_have_it(names: list[str]) -> None:
    # Remembered by the name's digits made 0s, over every name of a report: each name's own template all the same.
    alike: dict[bytes, str | None] = {}
    for name in names + [name.translate(str.maketrans("0123456789", "9876543210")) for name in names]:
        assert families.template_alike(name, alike) == template(name)
