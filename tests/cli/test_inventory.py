"""`hotjar-cli inventory`: every name with its fate, the budgets, seeds shared with validate and replay."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import hotjar_cli.run.parallel as parallel
from hotjar_cli.cli.app import app
from hotjar_cli.core.visible import visible
from hotjar_cli.report.inventory_formats import InventoryFormat
from tests.support.cli import one_line
from tests.support.isodate import DATE_STRINGS, segment_makes_dates

ROOT = Path(__file__).resolve().parents[2]
ENV = {"NO_COLOR": "1", "COLUMNS": "200"}


def cli(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=ENV).invoke(app, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_inventory_of_the_samples_lists_every_name_with_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("inventory", "sample_events/", "--format", "json")
    assert code == 0
    record = json.loads(out)
    for kind, limit in (("attributes", 100), ("events", 10_000)):
        budget = record[kind]["budget"]
        assert budget["limit"] == limit and budget["used"] == limit and budget["full"]
        assert budget["filled_at"]["file"].startswith("sample_events/")
        rows = record[kind]["names"]
        assert len(rows) == record[kind]["distinct_names"] and not record[kind]["remainder"]["sampled"]
        assert {row["fate"] for row in rows} >= {"kept", "turned-away"}
        assert sorted(row["slot"] for row in rows if row["fate"] == "kept") == list(range(1, limit + 1))
        for row in rows:
            assert row["messages"] >= 1 and row["users"] <= row["messages"]
            assert row["first_seen"]["file"] and row["last_seen"]["line"] >= 1
    assert all(row["types"] for row in record["attributes"]["names"])
    never_sent = {row["name"]: row["dropped"] for row in record["attributes"]["names"] if row["fate"] == "never-sent"}
    assert never_sent["address"] == {"HJ201": 1}
    turned_away = [row for row in record["attributes"]["names"] if row["fate"] == "turned-away"]
    assert turned_away and all("HJ206" in row["dropped"] for row in turned_away)


def test_the_names_a_message_rejected_whole_carries_are_never_sent_under_the_rule_that_rejected_it(
    tmp_path: Path,
) -> None:
    # Segment's integration takes these in and sends nothing: an identify with no userId, and messages its facade
    # cannot copy. Every name they carry is lost; one also sent by a call elsewhere is kept, with the loss counted.
    # Messages the integration never takes in (disabled for Hotjar, from a server) carry no name to Hotjar.
    messages = [
        {"type": "identify", "anonymousId": "a1", "traits": {"plan": "pro", "seats": 3}},
        {"type": "identify", "anonymousId": "a2"},
        {"type": "identify", "userId": "u1", "traits": {"plan": "team"}},
        {"type": "identify", "anonymousId": "a3", "traits": {"seats": 4}},
        {"type": "identify", "userId": "u2", "traits": {"region": "eu", "hasOwnProperty": 1}},
        {"type": "track", "userId": "u3", "event": "Cart Copied", "properties": {"hasOwnProperty": 1}},
        {"type": "track", "userId": "u3", "event": "Signed Up", "integrations": {"Hotjar": False}},
        {"type": "identify", "userId": "u3", "traits": {"quiet": 1}, "integrations": {"All": False}},
        {
            "type": "identify",
            "userId": "u4",
            "traits": {"server": 1},
            "context": {"library": {"name": "analytics-python"}},
        },
    ]
    log = tmp_path / "log.jsonl"
    log.write_text("".join(json.dumps({**message, "timestamp": "2026-01-01T00:00:00Z"}) + "\n" for message in messages))
    code, out, _ = cli("inventory", log, "--format", "json")
    assert code == 0
    record = json.loads(out)
    rows = {(kind, row["name"]): row for kind in ("attributes", "events") for row in record[kind]["names"]}
    assert set(rows) == {("attributes", name) for name in ("plan", "seats", "region", "hasOwnProperty")} | {
        ("events", "Cart Copied")
    }
    got = {
        key: (row["fate"], row["messages"], row["users"], row.get("dropped", row.get("findings")))
        for key, row in rows.items()
    }
    assert got == {
        ("attributes", "plan"): ("kept", 2, 2, {"HJ103": 1}),
        ("attributes", "seats"): ("never-sent", 2, 2, {"HJ103": 2}),
        ("attributes", "region"): ("never-sent", 1, 1, {"HJ110": 1}),
        ("attributes", "hasOwnProperty"): ("never-sent", 1, 1, {"HJ110": 1}),
        ("events", "Cart Copied"): ("never-sent", 1, 1, {"HJ110": 1}),
    }
    assert (
        rows["attributes", "seats"]["first_seen"]["line"] == 1 and rows["attributes", "seats"]["last_seen"]["line"] == 4
    )
    assert rows["attributes", "seats"]["types"] == {"number": 2}
    assert record["attributes"]["budget"]["used"] == 1 and record["events"]["budget"]["used"] == 0


@pytest.mark.parametrize("format", list(InventoryFormat))
def test_every_format_writes_the_inventory(format: InventoryFormat, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("inventory", "sample_events/", "--format", format.value)
    assert code == 0
    assert ("`flag_billing_beta`" if format is InventoryFormat.MARKDOWN else "flag_billing_beta") in out


def lines_of(*messages: dict[str, Any]) -> str:
    return "".join(json.dumps(message) + "\n" for message in messages)


def test_known_attributes_decide_the_same_names_in_inventory_validate_and_replay(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": {"a": 1, "b": 2}},
            {"type": "identify", "userId": "u2", "traits": {"c": 3, "a": 4}},
        )
    )
    known = tmp_path / "known.txt"
    known.write_text("c\n\nseeded\n")
    limits = ["--max-attributes", "3"]
    for seeds, kept, refused in (
        ([], ["a", "b", "c"], set()),
        (["--known-attributes", known], ["c", "seeded", "a"], {"b"}),
    ):
        _, out, _ = cli("inventory", log, "--format", "json", *limits, *seeds)
        rows = json.loads(out)["attributes"]["names"]
        assert [row["name"] for row in rows if row["fate"] == "kept"] == kept
        assert {row["name"] for row in rows if row["fate"] == "turned-away"} == refused
        _, out, _ = cli("validate", log, "--format", "json", "--fail-on", "never", *limits, *seeds)
        report = json.loads(out)
        assert report["summary"]["rules"].get("HJ206", 0) == len(refused)
        _, out, _ = cli("replay", log, "--dry-run", *limits, *seeds)
        sent = {name for line in out.splitlines() for name in json.loads(line)["call"][2]}
        assert sent == {"a", "b", "c"} - refused


def test_a_missing_seed_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(lines_of({"type": "track", "userId": "u1", "event": "x"}))
    for command in (["inventory"], ["validate"], ["replay", "--dry-run"]):
        code, _, err = cli(command[0], log, *command[1:], "--known-events", tmp_path / "missing.txt")
        assert code == 2 and err.count("\n") == 1 and "--known-events" in err and "Traceback" not in err


START = datetime(2024, 3, 1, tzinfo=UTC)


def filling_log(path: Path) -> list[dict[str, Any]]:
    """A site that fills up: a few new attribute and event names a day, some values other rules drop."""
    messages = []
    for number in range(1500):
        moment = (START + timedelta(hours=number)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        day = number // 24
        if number % 3 == 0:
            traits = {f"trait_{day * 2 + number % 2}": number, "plan": "pro", "nested": {"a": 1}}
            if number % 7 == 0:
                traits[f"long_{day}"] = "x" * 300  # dropped by HJ204: never offered to the site
            messages.append({"type": "identify", "userId": f"u{number % 50}", "traits": traits, "timestamp": moment})
        else:
            messages.append(
                {"type": "track", "userId": f"u{number % 50}", "event": f"Event {number // 2}", "timestamp": moment}
            )
    path.write_text(lines_of(*messages))
    return messages


def slow_site(messages: list[dict[str, Any]], limit: int, kind: str) -> tuple[list[str], tuple[str, int] | None]:
    """The obviously correct answer: names in order of the first value no other rule drops, up to the limit."""
    slots: list[str] = []
    filled = None
    for line, message in enumerate(messages, start=1):
        if kind == "attributes" and message["type"] == "identify":
            names = [
                name
                for name, value in message["traits"].items()
                if not isinstance(value, (dict, list)) and not (isinstance(value, str) and len(value) > 200)
            ]
        elif kind == "events" and message["type"] == "track":
            names = [message["event"]]
        else:
            names = []
        for name in names:
            if name not in slots and len(slots) < limit:
                slots.append(name)
                if len(slots) == limit:
                    filled = (message["timestamp"], line)
    return slots, filled


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_slots_and_fill_date_match_a_slow_reference(tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    log = tmp_path / "filling.jsonl"
    messages = filling_log(log)
    _, out, _ = cli(
        "inventory", log, "--format", "json", "--max-attributes", "40", "--max-events", "500", "--jobs", jobs
    )
    record = json.loads(out)
    for kind, limit in (("attributes", 40), ("events", 500)):
        slots, (time, line) = slow_site(messages, limit, kind)
        rows = record[kind]["names"]
        assert [
            row["name"] for row in sorted((row for row in rows if row["fate"] == "kept"), key=lambda row: row["slot"])
        ] == slots
        assert record[kind]["budget"]["filled_at"] == {"time": time, "file": str(log), "line": line}
    never = {row["name"] for row in record["attributes"]["names"] if row["fate"] == "never-sent"}
    assert "nested" in never and any(name.startswith("long_") for name in never)


def test_a_site_with_room_says_its_pace_and_projected_fill(tmp_path: Path) -> None:
    log = tmp_path / "filling.jsonl"
    names = len(slow_site(filling_log(log), 1000, "attributes")[0])
    _, out, _ = cli("inventory", log, "--format", "json", "--max-attributes", "1000")
    budget = json.loads(out)["attributes"]["budget"]
    assert not budget["full"] and budget["filled_at"] is None
    # New names a week over the logs' span of 1,499 hours; long_ names are never offered.
    assert budget["used"] == names == 127
    pace = names / (1499 / 168)
    assert budget["new_per_week"] == pytest.approx(pace, abs=0.01)
    projected = START + timedelta(hours=1499) + timedelta(weeks=(1000 - names) / pace)
    assert abs(datetime.fromisoformat(budget["projected_fill"]) - projected) < timedelta(seconds=1)


def test_names_reach_the_terminal_escaped(tmp_path: Path) -> None:
    # The folder's name too: the site fills in its file, which the budget names.
    folder = tmp_path / "x\x1b]0;title\x07"
    folder.mkdir()
    log = folder / "log.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": {"evil\x1b[31mred\u202e": 1, "plan": "pro"}},
            {"type": "track", "userId": "u1", "event": "bell\x07"},
        )
    )
    for format in ("text", "markdown", "csv"):
        _, out, _ = cli("inventory", log, "--format", format, "--max-attributes", "1")
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
        assert "\\u001b[31mred\\u202e" in out or "\\\\u001b\\[31mred\\\\u202e" in out
    _, out, _ = cli("inventory", log, "--format", "json", "--max-attributes", "1")
    assert "\x1b" not in out and "\u202e" not in out
    assert json.loads(out)["attributes"]["names"][0]["name"] == "evil\x1b[31mred\u202e"


# The text inventory at the terminal's width


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_text_inventory_fits_the_terminal(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner(env=ENV | {"COLUMNS": str(width)}).invoke(app, ["inventory", "sample_events/"])
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    # Every kept name is still there, with its first and last sighting.
    assert "flag_billing_beta" in result.stdout
    assert result.stdout.count("first seen") > 2


def test_the_text_inventory_off_a_terminal_is_80_columns_wide(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "hotjar-cli"), "inventory", "sample_events/"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert max(len(line) for line in done.stdout.splitlines()) == 80


# The pace of new names


def spread_over(log: Path, span: timedelta, names: int) -> None:
    """Identifies with `names` traits in all, the first at START and the last `span` later."""
    step = span / (names - 1)
    log.write_text(
        lines_of(
            *(
                {
                    "type": "identify",
                    "userId": f"u{number}",
                    "traits": {f"trait_{number}": 1},
                    "timestamp": (START + step * number).isoformat().replace("+00:00", "Z"),
                }
                for number in range(names)
            )
        )
    )


def test_no_pace_is_projected_from_minutes_of_logs(tmp_path: Path) -> None:
    log = tmp_path / "minutes.jsonl"
    spread_over(log, timedelta(minutes=4), 7)
    budget = json.loads(cli("inventory", log, "--format", "json")[1])["attributes"]["budget"]
    assert budget["admitted"] == 7
    assert budget["new_per_week"] is None and budget["projected_fill"] is None
    for format in ("text", "markdown", "html"):
        out = cli("inventory", log, "--format", format)[1]
        assert "too short a span of event time (under a day) to project a pace" in out.lower(), format
        assert "new names a week" not in out, format


def test_the_pace_reads_the_same_in_every_format_without_a_stray_fraction(tmp_path: Path) -> None:
    log = tmp_path / "days.jsonl"
    spread_over(log, timedelta(days=2), 4)  # 4 names in 2 days: 14 a week
    budget = json.loads(cli("inventory", log, "--format", "json")[1])["attributes"]["budget"]
    assert budget["new_per_week"] == 14
    for format in ("text", "markdown", "html"):
        out = cli("inventory", log, "--format", format)[1]
        assert "14 new names a week, full on" in out.replace("; full on", ", full on"), format
        assert "14.0" not in out, format


def test_counts_of_one_are_singular(tmp_path: Path) -> None:
    log = tmp_path / "one.jsonl"
    spread_over(log, timedelta(days=2), 2)
    assert "hotjar-cli inventory: 2 events from" in cli("inventory", log)[1]
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}))
    assert "hotjar-cli inventory: 1 event, none with a readable event time" in cli("inventory", log)[1]
    assert "hotjar-cli validate: 1 event in 1 line of 1 file" in cli("validate", log)[1]


def test_the_text_inventory_says_how_many_events_the_filters_left_out_as_validate_does(tmp_path: Path) -> None:
    log = tmp_path / "spread.jsonl"
    spread_over(log, timedelta(days=4), 5)  # one a day from START
    since = (START + timedelta(days=3)).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def header(*args: str) -> str:
        return " ".join(cli("inventory", log, *args)[1].split("\nattribute budget")[0].split())

    assert header("--since", since) == (
        f"hotjar-cli inventory: 5 events, 3 filtered out, 2 left from {since} to "
        f"{(START + timedelta(days=4)).isoformat(timespec='milliseconds').replace('+00:00', 'Z')}"
    )
    assert "5 events in 5 lines of 1 file, 3 filtered out" in " ".join(
        cli("validate", log, "--since", since)[1].split()
    )
    assert header("--until", START.isoformat(timespec="milliseconds").replace("+00:00", "Z")) == (
        "hotjar-cli inventory: 5 events, 5 filtered out"  # not "none with a readable event time": none was left
    )
    assert header().startswith("hotjar-cli inventory: 5 events from ")  # no filter: as before


def test_every_count_of_one_in_the_text_markdown_and_html_inventory_is_singular(tmp_path: Path) -> None:
    log = tmp_path / "one.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}},
            {"type": "track", "userId": "u1", "event": "Signed Up"},
        )
    )
    text = cli("inventory", log)[1]
    assert "Attributes: 1 name; 1 kept" in text and "Events: 1 name; 1 kept" in text
    limits = ("--max-attributes", "1", "--max-events", "1")
    for format in ("text", "markdown"):
        out = cli("inventory", log, "--format", format, *limits)[1]
        assert "attribute budget: 1 of 1 slot used" in out.lower(), format
        assert "event budget: 1 of 1 slot used" in out.lower(), format
        assert not re.search(r"(?<![\d,.])1 (names|slots|values)\b", out), out
    page = " ".join(cli("inventory", log, "--format", "html", *limits)[1].split())
    assert "1 of 1 slot used</h3>" in page and "1 of 1 slots" not in page
    # 51 names kept, each in one message: the one past the 50 shown is counted below them.
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": {f"trait_{n:02}": 1 for n in range(51)}}))
    for format in ("text", "markdown"):
        assert "… and 1 more name: 1 kept (1 value)" in cli("inventory", log, "--format", format)[1], format


def test_the_text_and_markdown_inventories_list_the_names_whose_data_was_lost_first(tmp_path: Path) -> None:
    # The question a reader brings is which names Hotjar turned away. They were listed by messages among the 50
    # most frequent names, so a site past its limit showed most of its kept names and few of those it lost.
    log = tmp_path / "full.jsonl"
    often = {"type": "identify", "userId": "u1", "traits": {f"kept_{n:02}": 1 for n in range(60)}}
    nested = {"type": "identify", "userId": "u3", "traits": {"nested_one": {"nested": 1}}}
    for lost, remainder in (
        (45, "… and 10 more names: 10 kept (30 values)"),
        (55, "… and 16 more names: 10 kept, 6 turned away (36 values)"),
    ):
        once = {"type": "identify", "userId": "u2", "traits": {f"lost_{n:02}": 1 for n in range(lost)}}
        log.write_text(lines_of(*[often] * 3, once, nested))
        for format in ("text", "markdown"):
            out = cli("inventory", log, "--format", format, "--max-attributes", "60")[1]
            listed = re.findall(r"\b(kept_\d\d|lost_\d\d|nested_one)\b", out)
            # Turned away, in natural order where they are as frequent; never sent (its value an object) after them,
            # within the 50 even where more than 50 were turned away: they hid it; then the most frequent kept names.
            shown = min(lost, 49)
            assert listed[:shown] == [f"lost_{n:02}" for n in range(shown)], format
            never = ["nested_one"]
            assert listed[shown : shown + len(never)] == never, format
            assert listed[shown + len(never) :] == [f"kept_{n:02}" for n in range(50)], format
            assert remainder in " ".join(out.split()), format


def reads_in_full(out: str, name: str) -> bool:
    """Whether the name is in the output whole: on one line, or folded at its spaces onto indented lines, with the
    rest of a row's cells between its parts."""
    between = r"(?: |[^\n]*\n +)"
    return re.search(between.join(re.escape(word) for word in name.split(" ")), out) is not None


@pytest.mark.parametrize("width", [80, 200])
def test_names_that_share_a_long_beginning_read_in_full_and_apart_in_the_text_inventory(
    tmp_path: Path, width: int
) -> None:
    events = [f"Checkout Step Completed - Payment Details For Card {step}" for step in ("Entered", "Confirmed")]
    traits = [f"accepted_marketing_emails_during_onboarding_step_{step}" for step in ("one", "two")]
    assert events[0][:45] == events[1][:45] and traits[0][:45] == traits[1][:45]
    log = tmp_path / "long-names.jsonl"
    log.write_text(
        lines_of(
            *(
                message
                for user, (event, trait) in enumerate(zip(events, traits, strict=True))
                for message in (
                    {"type": "track", "userId": f"u{user}", "event": event},
                    {"type": "identify", "userId": f"u{user}", "traits": {trait: True}},
                )
            )
        )
    )
    result = CliRunner(env=ENV | {"COLUMNS": str(width)}).invoke(app, ["inventory", str(log)])
    assert max(len(line) for line in result.stdout.splitlines()) <= width
    assert "…" not in result.stdout
    for name in events + traits:
        assert reads_in_full(result.stdout, name), name


@pytest.mark.parametrize("width", [80, 120])
def test_wide_characters_in_names_keep_the_columns_aligned(tmp_path: Path, width: int) -> None:
    from rich.cells import cell_len

    names = ["Ok", "ユーザー登録が完了しました", "🎉 Purchase 🎉"]
    log = tmp_path / "wide.jsonl"
    log.write_text(
        "".join(
            json.dumps({"type": "track", "userId": "u1", "event": name, "timestamp": "2024-03-01T00:00:00Z"}) + "\n"
            for name in names
        )
    )
    result = CliRunner(env=ENV | {"COLUMNS": str(width)}).invoke(app, ["inventory", str(log)])
    rows = [line for line in result.stdout.splitlines() if line.startswith(tuple(names))]
    assert len(rows) == 3
    # Where the fate column starts, in cells on the screen: a CJK character or an emoji takes two.
    starts = {cell_len(row[: re.search(r"  (kept|never-sent)", row).start()]) for row in rows}  # type: ignore[union-attr]
    assert len(starts) == 1
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= width


GUARDED_EVENTS = [
    "::error::forged ev",
    "##[group]x",
    "normal name",
    f"{'a' * 30} ::{'b' * 30}",  # folded at 40 and 80 columns, its second line starting with `::`
    "::" + "x " * 600,  # cut past 1,000 characters, and folded
]


def runner_commands(text: str) -> list[str]:
    """The lines GitHub's runner reads as a workflow command: starting with `::` once trimmed, or holding `##[`."""
    return [line for line in text.split("\n") if line.lstrip().startswith("::") or "##[" in line]


@pytest.mark.parametrize("width", [40, 80, 200])
def test_names_guarded_from_the_ci_log_keep_the_columns_aligned_and_within_the_width(
    tmp_path: Path, width: int
) -> None:
    # `::error::forged` is shown as `\u003a:error::forged` and `##[` as `#\u0023[`, five characters longer: padded
    # before that, their rows stood five columns right of the others, and a folded line went past the width.
    log = tmp_path / "guarded.jsonl"
    log.write_text(
        lines_of(
            *({"type": "track", "userId": "u1", "event": name} for name in GUARDED_EVENTS),
            {"type": "identify", "userId": "u1", "traits": {"::warning::x": 1, "plan": 1, "##[error]y": 1}},
        )
    )
    result = CliRunner(env=ENV | {"COLUMNS": str(width)}).invoke(app, ["inventory", str(log)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert runner_commands(result.stdout) == []
    assert "\\u003a:error::forged ev" in result.stdout and "#\\u0023[group]x" in result.stdout
    attributes, events = result.stdout.split("\nEvents: ")
    for table, rows in ((attributes, 4), (events, 6)):
        # Where the fate column starts in the header and in each name's row: one column for all.
        starts = [
            match.start(1) - match.start()
            for match in re.finditer(r"^\S.*?  (fate|kept #\d+|never-sent)\b", table, re.M)
        ]
        if width == 40:
            assert starts == []  # each name on lines of its own, its values under it
            assert table.count("    fate ") == rows - 1
        else:
            assert len(starts) == rows and len(set(starts)) == 1, table


COLOUR_CODE = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("width", [40, 80, 200])
def test_color_always_colours_the_text_inventory_and_nothing_from_the_logs(tmp_path: Path, width: int) -> None:
    # `--color always` coloured only the progress bar on stderr: the report itself was never coloured.
    log = tmp_path / "colours.jsonl"
    log.write_text(
        lines_of(
            *({"type": "track", "userId": "u1", "event": name} for name in GUARDED_EVENTS),
            {"type": "track", "userId": "u1", "event": "evil\x1b[31mred"},
            {"type": "identify", "userId": "u1", "traits": {"::warning::x": 1, "plan\x1b]0;t\x07": 1}},
        )
    )
    args = ["inventory", str(log), "--max-events", "2"]
    env = ENV | {"COLUMNS": str(width)}  # NO_COLOR set: `always` colours all the same, as validate's report
    coloured = CliRunner(env=env).invoke(app, [*args, "--color", "always"]).stdout
    plain = CliRunner(env=env).invoke(app, [*args, "--color", "never"]).stdout
    assert "\x1b" not in plain
    # The only escapes are colours of the report's own; taken out, the report is the plain one.
    assert COLOUR_CODE.sub("", coloured) == plain
    assert "\x1b[1mhotjar-cli inventory\x1b[0m" in coloured
    assert "\x1b[1;31mevent budget\x1b[0m" in coloured  # full
    for fate, code in (("kept #1", "32"), ("turned-away", "31"), ("never-sent", "33")):
        assert f"\x1b[{code}m{fate}\x1b[0m" in coloured, fate
    # No name is coloured, nor any line of one: each starts uncoloured where the names are listed.
    names = coloured[coloured.index("\x1b[1mAttributes") :]
    assert not [
        line
        for line in names.splitlines()
        if line.startswith(("\\u003a:", "#\\u0023[", "evil", "plan")) and COLOUR_CODE.match(line)
    ]
    assert runner_commands(COLOUR_CODE.sub("", coloured)) == []


def test_the_text_inventory_is_coloured_when_and_where_validates_is(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(lines_of({"type": "track", "userId": "u1", "event": "Signed Up"}))
    env = {"COLUMNS": "80"}
    # A pipe: coloured with FORCE_COLOR (a CI log) or --color always; never with NO_COLOR and auto, nor by default.
    for extra, options, colour in (
        ({}, [], False),
        ({"FORCE_COLOR": "1"}, [], True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, ["--color", "never"], False),
        ({"NO_COLOR": "1"}, ["--color", "always"], True),
    ):
        out = CliRunner(env=env | extra).invoke(app, ["inventory", str(log), *options]).stdout
        assert ("\x1b[32mkept #1" in out) is colour, (extra, options)
    # A file: never by auto, even with FORCE_COLOR; with --color always, yes.
    for options, colour in (([], False), (["--color", "always"], True)):
        report = tmp_path / f"inventory-{colour}.txt"
        result = CliRunner(env=env | {"FORCE_COLOR": "1"}).invoke(
            app, ["inventory", str(log), "-o", str(report), *options]
        )
        assert result.exit_code == 0, result.output
        assert ("\x1b[32mkept #1" in report.read_text()) is colour


def test_names_added_over_centuries_give_a_slow_pace_and_say_the_site_fills_only_after_the_year_9999(
    tmp_path: Path,
) -> None:
    log = tmp_path / "centuries.jsonl"
    log.write_text(
        lines_of(
            {"type": "track", "userId": "u", "event": "Signed Up", "timestamp": "2024-01-01T00:00:00Z"},
            {"type": "track", "userId": "u", "event": "Signed Out", "timestamp": "2200-01-01T00:00:00Z"},
        )
    )
    budget = json.loads(cli("inventory", log, "--format", "json")[1])["events"]["budget"]
    weeks = (datetime(2200, 1, 1, tzinfo=UTC) - datetime(2024, 1, 1, tzinfo=UTC)) / timedelta(weeks=1)
    # Two names in 9,183 weeks: a pace of 0.00022 a week, not 0; 9,998 free slots at that pace take 46 million years.
    assert budget["new_per_week"] == float(f"{2 / weeks:.2g}") == 0.00022
    assert budget["projected_fill"] is None
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", log, "--format", format)[1].split())
        assert "0.00022 new names a week, full only after the year 9999 at that pace" in out, format
        assert "too short a span" not in out, format


def test_a_pace_under_a_hundredth_of_a_name_a_week_still_projects_when_the_site_fills(tmp_path: Path) -> None:
    log = tmp_path / "decade.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u", "traits": {"plan": "pro"}, "timestamp": "2014-01-01T00:00:00Z"},
            {"type": "identify", "userId": "u", "traits": {"team": "a"}, "timestamp": "2024-01-01T00:00:00Z"},
        )
    )
    budget = json.loads(cli("inventory", log, "--format", "json", "--max-attributes", "3")[1])["attributes"]["budget"]
    weeks = (datetime(2024, 1, 1, tzinfo=UTC) - datetime(2014, 1, 1, tzinfo=UTC)) / timedelta(weeks=1)
    assert budget["new_per_week"] == float(f"{2 / weeks:.2g}") == 0.0038
    # The last free slot in another 261 weeks at that pace.
    projected = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(weeks=weeks / 2)
    assert abs(datetime.fromisoformat(budget["projected_fill"]) - projected) < timedelta(seconds=1)
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", log, "--format", format, "--max-attributes", "3")[1].split())
        assert f"0.0038 new names a week, full on {budget['projected_fill'][:10]} at that pace" in out, format
        assert "too short a span" not in out, format


def test_a_few_far_off_clocks_leave_the_pace_where_the_logs_lie(tmp_path: Path) -> None:
    # A week of identifies, each adding a name, and two events whose devices' clocks are decades off: the pace is
    # that of the week (the window of days holding all but them), not of the 130 years they stretch the span to.
    week = tmp_path / "week.jsonl"
    spread_over(week, timedelta(days=7) - timedelta(seconds=1), 400)
    far_off = [
        {"type": "track", "userId": "u1", "event": "Clock Reset", "timestamp": "1970-01-01T00:00:00Z"},
        {"type": "track", "userId": "u2", "event": "Clock Ahead", "timestamp": "2099-12-31T00:00:00Z"},
    ]
    clocks = tmp_path / "clocks.jsonl"
    clocks.write_text(week.read_text() + lines_of(*far_off))
    alone = json.loads(cli("inventory", week, "--format", "json", "--max-attributes", "1000")[1])
    both = json.loads(cli("inventory", clocks, "--format", "json", "--max-attributes", "1000")[1])
    assert both["span"] == {
        "first": "1970-01-01T00:00:00.000Z",
        "last": "2099-12-31T00:00:00.000Z",
        "far_off": {"events": 2, "first": "2024-03-01T00:00:00.000Z", "last": "2024-03-07T23:59:58.999Z"},
    }
    assert alone["span"]["far_off"] is None
    # Every format says so where it gives the span, which two clocks stretched from a week to 130 years.
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", clocks, "--format", format, "--max-attributes", "1000")[1].split())
        assert (
            "402 events from 1970-01-01T00:00:00.000Z to 2099-12-31T00:00:00.000Z; 2 lie outside "
            "2024-03-01T00:00:00.000Z to 2024-03-07T23:59:58.999Z, far from the rest"
        ) in out, format
    budget, budget_alone = both["attributes"]["budget"], alone["attributes"]["budget"]
    assert budget_alone["pace_window"] is None  # logs with no far-off clock are measured from end to end
    assert budget["pace_window"] == {
        "since": "2024-03-01T00:00:00.000Z",
        "until": "2024-03-08T00:00:00.000Z",
        "events_outside": 2,
        "first": "2024-03-01T00:00:00.000Z",  # the first and last event time within it, the pace measured between
        "last": "2024-03-07T23:59:58.999Z",
    }
    assert budget["new_per_week"] == budget_alone["new_per_week"] == 400
    assert budget["projected_fill"] == budget_alone["projected_fill"]
    # The event names the far-off tracks added are not in the week's pace: the event budget measures the week too.
    assert both["events"]["budget"]["new_per_week"] is None
    assert "no new name" in " ".join(cli("inventory", clocks, "--format", "text")[1].split())
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", clocks, "--format", format, "--max-attributes", "1000")[1].split())
        pace = f"400 new names a week, full on {budget['projected_fill'][:10]} at that pace"
        window = (
            "over 2024-03-01T00:00:00.000Z to 2024-03-07T23:59:58.999Z"  # the event times the pace is measured over
        )
        assert f"{pace} ({window}: 2 events lie outside it)" in out, format


def test_a_far_off_clock_on_either_side_leaves_the_pace_of_logs_straddling_two_days(tmp_path: Path) -> None:
    # 24.5 hours of identifies from 23:00 one day to 23:30 the next, each adding a name, and one event whose
    # device's clock is decades off: the pace is measured from the logs' first event time to their last, as without
    # it. Measured from the start of the first day, a 1970 clock made it about half, and measured to the end of the
    # last, a 2099 clock made it less.
    start = datetime(2024, 3, 1, 23, tzinfo=UTC)
    identifies = [
        {
            "type": "identify",
            "userId": f"u{number}",
            "traits": {f"trait_{number}": 1},
            "timestamp": (start + timedelta(hours=24.5) * number / 199).isoformat().replace("+00:00", "Z"),
        }
        for number in range(200)
    ]
    logs = tmp_path / "logs.jsonl"
    logs.write_text(lines_of(*identifies))
    alone = json.loads(cli("inventory", logs, "--format", "json", "--max-attributes", "1000")[1])
    pace = {key: alone["attributes"]["budget"][key] for key in ("new_per_week", "projected_fill")}
    assert pace["new_per_week"] == 1371.43
    for clock in ("1970-01-01T00:00:00Z", "2099-12-31T00:00:00Z"):
        far_off = {"type": "track", "userId": "u1", "event": "Clock", "timestamp": clock}
        clocks = tmp_path / "clocks.jsonl"
        clocks.write_text(lines_of(*identifies, far_off))
        budget = json.loads(cli("inventory", clocks, "--format", "json", "--max-attributes", "1000")[1])["attributes"][
            "budget"
        ]
        assert {key: budget[key] for key in pace} == pace, clock
        assert budget["pace_window"] == {
            "since": "2024-03-01T00:00:00.000Z",
            "until": "2024-03-03T00:00:00.000Z",
            "events_outside": 1,
            "first": "2024-03-01T23:00:00.000Z",
            "last": "2024-03-02T23:30:00.000Z",
        }, clock


def test_a_far_off_clock_leaves_the_quiet_edges_of_the_logs_in_their_pace(tmp_path: Path) -> None:
    # A week of identifies, and ten more just past the last midnight, as a daily export spills over, each adding a
    # name: one 1970 clock among them left out that day too (the shortest run of days holding all but 1 % of the
    # events), and with it the ten names, which measured the week's pace at 7.03 new names rather than 16.98.
    identifies = [
        {
            "type": "identify",
            "userId": f"u{k % 5}",
            "traits": {f"a{day}": 1},
            "timestamp": f"2024-03-0{day + 1}T{k * 24 // 200:02}:{k % 60:02}:00Z",
        }
        for day in range(7)
        for k in range(200)
    ] + [
        {"type": "identify", "userId": "u1", "traits": {f"new{k}": 1}, "timestamp": f"2024-03-08T00:{k:02}:00Z"}
        for k in range(10)
    ]
    far_off = {"type": "track", "userId": "z", "event": "Boot", "timestamp": "1970-01-01T00:00:00Z"}
    logs, clocks = tmp_path / "logs.jsonl", tmp_path / "clocks.jsonl"
    logs.write_text(lines_of(*identifies))
    clocks.write_text(lines_of(far_off, *identifies))
    alone = json.loads(cli("inventory", logs, "--format", "json")[1])["attributes"]["budget"]
    budget = json.loads(cli("inventory", clocks, "--format", "json")[1])["attributes"]["budget"]
    assert alone["new_per_week"] == 16.98
    assert {key: budget[key] for key in ("new_per_week", "projected_fill")} == {
        key: alone[key] for key in ("new_per_week", "projected_fill")
    }
    assert budget["pace_window"] == {
        "since": "2024-03-01T00:00:00.000Z",
        "until": "2024-03-09T00:00:00.000Z",
        "events_outside": 1,
        "first": "2024-03-01T00:00:00.000Z",
        "last": "2024-03-08T00:09:00.000Z",
    }


def test_a_kind_that_took_no_new_name_has_no_pace_window(tmp_path: Path) -> None:
    # A week of identifies and a far-off clock, with every attribute name held before the logs: the attribute budget
    # measures no pace, so it names no window to measure one over, as the text says "no new names in these logs".
    week = tmp_path / "week.jsonl"
    spread_over(week, timedelta(days=7) - timedelta(seconds=1), 200)
    clocks = tmp_path / "clocks.jsonl"
    far_off = {"type": "track", "userId": "u1", "event": "Clock Reset", "timestamp": "1970-01-01T00:00:00Z"}
    clocks.write_text(week.read_text() + lines_of(far_off))
    known = tmp_path / "known.txt"
    known.write_text("".join(f"trait_{number}\n" for number in range(200)))
    record = json.loads(
        cli("inventory", clocks, "--format", "json", "--max-attributes", "1000", "--known-attributes", known)[1]
    )
    attributes = record["attributes"]["budget"]
    assert attributes["admitted"] == 0
    assert attributes["pace_window"] is None
    assert record["events"]["budget"]["pace_window"] is not None  # its one new name is outside the window
    text = " ".join(cli("inventory", clocks, "--max-attributes", "1000", "--known-attributes", known)[1].split())
    assert "200 held before these logs; no new names in these logs" in text


# A file that could not be read to its end


def cut_short(path: Path) -> None:
    """A gzip of 5,000 track lines cut in half: the reading stops part-way, at a line the error names."""
    text = lines_of(
        *({"type": "track", "userId": f"u{number % 40}", "event": f"Event {number % 30}"} for number in range(5000))
    )
    packed = gzip.compress(text.encode())
    path.write_bytes(packed[: len(packed) // 2])


@pytest.mark.parametrize("format", ["text", "markdown", "html"])
def test_an_inventory_of_a_file_cut_short_says_in_the_report_that_it_is_incomplete(tmp_path: Path, format: str) -> None:
    log = tmp_path / "trunc.gz"
    cut_short(log)
    code, out, err = cli("inventory", log, "--format", format)
    assert code == 2
    error = json.loads(cli("inventory", log, "--format", "json")[1])["errors"][0]
    assert error["message"] in err
    # The report itself says so, before its budgets: whoever reads only the report knows the names are partial.
    shown = out.replace("\\", "").replace("\n    ", " ").replace("\n  ", " ")
    assert "Incomplete: 1 file could not be read to its end" in shown
    assert f"{error['line']}" in shown and "the gzip stream is corrupt or truncated" in shown
    assert shown.index("Incomplete") < shown.lower().index("budget")


def test_the_csv_of_a_file_cut_short_holds_names_only_and_exits_2_saying_why(tmp_path: Path) -> None:
    log = tmp_path / "trunc.gz"
    cut_short(log)
    code, out, err = cli("inventory", log, "--format", "csv")
    assert code == 2 and "the gzip stream is corrupt or truncated" in err
    rows = list(csv.reader(io.StringIO(out)))
    names = json.loads(cli("inventory", log, "--format", "json")[1])["events"]["names"]
    # One header and one row per name: no row of another shape that a reader of the CSV would take for a name.
    assert [row[1] for row in rows[1:]] == [row["name"] for row in names]
    assert {len(row) for row in rows} == {len(rows[0])}


# Names the site held before these logs


def test_names_known_only_from_the_seed_files_are_counted_apart_from_the_logs_names(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": {f"trait_{number}": number for number in range(22)}},
            {"type": "track", "userId": "u1", "event": "Signed Up"},
        )
    )
    (tmp_path / "attributes.txt").write_text("only_known\ntrait_0\n")  # trait_0 is in the logs too
    (tmp_path / "events.txt").write_text("Archived Flow\n")
    seeds = ["--known-attributes", tmp_path / "attributes.txt", "--known-events", tmp_path / "events.txt"]
    record = json.loads(cli("inventory", log, "--format", "json", *seeds)[1])
    for kind, distinct, known_only in (("attributes", 22, 1), ("events", 1, 1)):
        assert record[kind]["distinct_names"] == distinct and record[kind]["known_only_names"] == known_only
        assert len(record[kind]["names"]) == distinct + known_only
    attributes = "22 names in the logs, 1 more held before them; 23 kept, 0 turned away, 0 never sent"
    events = "1 name in the logs, 1 more held before them; 2 kept, 0 turned away, 0 never sent"
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", log, "--format", format, *seeds)[1].split())
        assert attributes in out and events in out, format
    # Without seeds, the names of the logs are every name, and the parts add up to them.
    out = " ".join(cli("inventory", log)[1].split())
    assert "Attributes: 22 names; 22 kept, 0 turned away, 0 never sent" in out
    assert "Events: 1 name; 1 kept, 0 turned away, 0 never sent" in out
    assert json.loads(cli("inventory", log, "--format", "json")[1])["events"]["known_only_names"] == 0


# Names that differ only in tabs and spaces at their ends

LOOKALIKES = ["\tTab", "plan ", " plan", "plan\t", "plan", "Signed  Up", " ", "\\u0020"]
SHOWN = ["\\u0009Tab", "plan\\u0020", "\\u0020plan", "plan\\u0009", "plan", "Signed  Up", "\\u0020", "\\u005cu0020"]


@pytest.fixture
def lookalikes(tmp_path: Path) -> Path:
    log = tmp_path / "lookalikes.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": dict.fromkeys(LOOKALIKES, 1)},
            *({"type": "track", "userId": "u1", "event": name} for name in LOOKALIKES),
        )
    )
    return log


def test_names_that_differ_in_tabs_and_end_spaces_read_apart_in_the_text_inventory(lookalikes: Path) -> None:
    out = cli("inventory", lookalikes)[1]
    assert "\t" not in out
    for kind in ("Attributes", "Events"):
        table = out.split(f"{kind}:")[1].split("\n\n")[0]
        rows = [line for line in table.splitlines()[2:] if not line.startswith(("    first seen", "    last seen"))]
        names = [re.sub(r" +(kept #\d+|never-sent|turned-away)  .*", "", row) for row in rows]
        assert sorted(names) == sorted(SHOWN), kind


def test_names_that_differ_in_tabs_and_end_spaces_read_apart_in_the_markdown_inventory(lookalikes: Path) -> None:
    from markdown_it import MarkdownIt

    out = cli("inventory", lookalikes, "--format", "markdown")[1]
    assert "\t" not in out
    rendered = MarkdownIt("commonmark").enable(["table"]).render(out)
    for shown in SHOWN:
        assert rendered.count(f"<td><code>{shown}</code></td>") == 2, shown  # an attribute and an event


def test_names_keep_their_tabs_and_spaces_exactly_in_json_and_csv(lookalikes: Path) -> None:
    record = json.loads(cli("inventory", lookalikes, "--format", "json")[1])
    rows = list(csv.DictReader(io.StringIO(cli("inventory", lookalikes, "--format", "csv")[1])))
    # On standard output, the text of an escape has its backslash escaped: it cannot pass for the name ` `.
    in_csv = [name.replace("\\u", "\\u005cu") for name in LOOKALIKES]
    for kind in ("attributes", "events"):
        assert sorted(row["name"] for row in record[kind]["names"]) == sorted(LOOKALIKES)
        assert sorted(row["name"] for row in rows if row["kind"] == kind[:-1]) == sorted(in_csv)


def test_a_csv_written_to_a_file_holds_names_exactly_and_they_seed_the_same_site(tmp_path: Path) -> None:
    # A zero-width space, a direction mark and ESC, beside the literal text of their escapes: on standard output the
    # two would read alike; in a file named by -o each is the name exactly, a key to join on or to seed a site with.
    names = ["pl\u200ban", "pl\\u200ban", "rtl\u200fname", "esc\x1b[31m"]
    log = tmp_path / "names.jsonl"
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": dict.fromkeys(names, 1)}))
    out = tmp_path / "names.csv"
    assert cli("inventory", log, "--format", "csv", "-o", out)[0] == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert sorted(row["name"] for row in rows) == sorted(names)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("".join(f"{row['name']}\n" for row in rows), encoding="utf-8")
    seeded = json.loads(cli("inventory", log, "--format", "json", "--known-attributes", seeds)[1])
    assert [row["name"] for row in seeded["attributes"]["names"]] == names  # held before, in the seed file's order
    assert seeded["attributes"]["budget"]["admitted"] == 0  # no name took a slot of its own
    _, shown, said = cli("inventory", log, "--format", "csv")
    assert "\x1b" not in shown and "\u200b" not in shown  # on standard output, escaped as ever
    # ... and never two alike: the text of an escape has its backslash escaped, so it cannot pass for the character.
    escaped = sorted(row["name"] for row in csv.DictReader(io.StringIO(shown)))
    assert escaped == sorted(["pl\\u200ban", "pl\\u005cu200ban", "rtl\\u200fname", "esc\\u001b[31m"])
    assert one_line(said) == (
        "hotjar-cli: 4 names hold characters the CSV on standard output writes as \\uXXXX escapes, so that no "
        "terminal acts on them; -o FILE writes every name exactly"
    )
    plain = tmp_path / "plain.jsonl"
    plain.write_text(lines_of({"type": "identify", "userId": "u1", "traits": {"plan": 1}}))
    assert cli("inventory", plain, "--format", "csv")[2] == ""  # nothing escaped, nothing to say


def test_a_csv_written_by_o_to_a_terminal_reaches_it_escaped(tmp_path: Path) -> None:
    # -o /dev/tty (or /dev/stdout on a terminal) names a terminal, not a file: the names reach it as on standard output,
    # escaped, and the note says so; a regular file still gets every name exactly.
    log = tmp_path / "names.jsonl"
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": {"esc\x1b]0;title\x07": 1, "rtl\u202e": 1}}))
    controller, terminal = os.openpty()
    try:
        code, _, said = cli("inventory", log, "--format", "csv", "-o", os.ttyname(terminal))
        written = b""
        os.set_blocking(controller, False)
        while True:
            try:
                chunk = os.read(controller, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(terminal)
        os.close(controller)
    assert code == 0
    shown = written.decode("utf-8")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "esc\\u001b]0;title\\u0007" in shown and "rtl\\u202e" in shown
    assert "2 names hold characters the CSV written to a terminal writes as \\uXXXX escapes" in one_line(said)


def test_a_csv_name_that_a_spreadsheet_would_run_stays_text_after_tabs_and_spaces(tmp_path: Path) -> None:
    log = tmp_path / "formulas.jsonl"
    names = ["=1+1", "\t=1+1", " +cmd", "-", "\tplain"]
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": dict.fromkeys(names, 1)}))
    rows = list(csv.DictReader(io.StringIO(cli("inventory", log, "--format", "csv")[1])))
    assert sorted(row["name"] for row in rows) == sorted(["'=1+1", "'\t=1+1", "' +cmd", "-", "\tplain"])


def test_a_csv_name_read_back_without_its_guard_is_the_name_and_no_two_names_read_alike(tmp_path: Path) -> None:
    # "-x" was written "'-x", as the name "'-x" was: two names of the site, one cell, and no way back to either.
    log = tmp_path / "formulas.jsonl"
    names = ["-x", "'-x", "''-x", "@handle", "'quoted", "-", " -x", "=", "+", "@", " ="]
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": dict.fromkeys(names, 1)}))
    out = tmp_path / "names.csv"
    assert cli("inventory", log, "--format", "csv", "-o", out)[0] == 0
    cells = [row["name"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline=""))]
    assert len(set(cells)) == len(names)
    # The README's rule: a cell that starts with ' has one added; drop it, and the cell is the name.
    assert sorted(cell[1:] if cell.startswith("'") else cell for cell in cells) == sorted(names)
    assert _unguarded_formulas([cells]) == []


LINE_BREAKS = ["\r", "\r\n", "\r=cr", "\u2028", "\r=1+1", "a\rb", "\n@x", "\x85-x", "\u2029", "\x0b", "\x0c", "\x1c+1"]
"""Names holding a character some CSV reader or spreadsheet ends a line at, some of them before a formula."""


def _unguarded_formulas(rows: list[list[str]]) -> list[str]:
    # The README's rule, with every kind of whitespace and line break a reader might drop before the `=`.
    return [cell for row in rows for cell in row if cell.lstrip()[:1] in ("=", "+", "-", "@") and cell.lstrip() != "-"]


@pytest.mark.parametrize("exact", [True, False], ids=["file", "terminal"])
def test_a_csv_name_holding_a_line_break_is_one_quoted_cell_and_no_formula_escapes_the_guard(
    tmp_path: Path, exact: bool
) -> None:
    log = tmp_path / "breaks.jsonl"
    log.write_text(
        lines_of({"type": "identify", "userId": "u1", "traits": dict.fromkeys(LINE_BREAKS, 1)}), encoding="utf-8"
    )
    out = tmp_path / "names.csv"
    if exact:
        assert cli("inventory", log, "--format", "csv", "-o", out)[0] == 0
        written = out.read_bytes().decode("utf-8")
    else:
        written = cli("inventory", log, "--format", "csv")[1]
    # As the csv module reads a file (newline=""), and line by line as str.splitlines cuts it.
    for rows in (list(csv.reader(io.StringIO(written, newline=""))), list(csv.reader(written.splitlines(True)))):
        assert len(rows) == 1 + len(LINE_BREAKS)
        assert all(len(row) == len(rows[0]) for row in rows)
        assert _unguarded_formulas(rows) == []
        names = [row[1] for row in rows[1:]]
        expected = [name if exact else visible(name) for name in LINE_BREAKS]
        guarded = [
            "'" + name if name.lstrip()[:1] in ("=", "+", "-", "@") and name.lstrip() != "-" else name
            for name in expected
        ]
        assert sorted(names) == sorted(guarded)
    if exact:
        # Every field holding a line break is quoted, so the name is read back exactly, break and all.
        for name in LINE_BREAKS:
            assert f'"{name}"' in written or f'"\'{name}"' in written, repr(name)


# The CSV carries what the JSON carries, as plain values


def test_the_csv_carries_every_field_of_the_json_as_plain_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    record = json.loads(cli("inventory", "sample_events/", "--format", "json")[1])
    rows = list(csv.DictReader(io.StringIO(cli("inventory", "sample_events/", "--format", "csv")[1])))

    def plain(value: Any) -> str:
        return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

    def pairs(counts: dict[str, int]) -> str:
        return " ".join(f"{key}:{value}" for key, value in counts.items())

    expected = []
    for kind in ("attributes", "events"):
        for name in record[kind]["names"]:
            first, last = name["first_seen"] or {}, name["last_seen"] or {}
            expected.append(
                {
                    "kind": kind[:-1],
                    "name": name["name"],
                    **{key: plain(name[key]) for key in ("fate", "slot", "messages", "users", "users_estimated")},
                    **{f"first_seen_{key}": plain(first.get(key)) for key in ("time", "file", "line", "index")},
                    **{f"last_seen_{key}": plain(last.get(key)) for key in ("time", "file", "line", "index")},
                    "types": pairs(name.get("types", {})),
                    "findings": pairs(name.get("dropped", name.get("findings", {}))),
                    "family": plain(name.get("family")),
                }
            )
    assert rows == expected
    # Booleans read as in the JSON.
    assert {row["users_estimated"] for row in rows} == {"false"}


def test_the_csv_says_which_batch_item_a_name_was_seen_in(tmp_path: Path) -> None:
    # The samples' batches come from analytics-node, whose messages never reached Hotjar (HJ109): a browser's batch.
    log = tmp_path / "batch.jsonl"
    log.write_text(
        lines_of(
            {"type": "track", "userId": "u1", "event": "Alone"},
            {
                "batch": [
                    {"type": "track", "userId": "u1", "event": "First"},
                    {"type": "track", "userId": "u1", "event": "Second"},
                ]
            },
        )
    )
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(cli("inventory", log, "--format", "csv")[1]))}
    assert [rows[name]["first_seen_index"] for name in ("Alone", "First", "Second")] == ["", "0", "1"]
    assert [rows[name]["last_seen_index"] for name in ("Alone", "First", "Second")] == ["", "0", "1"]


def test_csv_counts_have_no_thousands_separators_and_estimates_say_true(tmp_path: Path) -> None:
    log = tmp_path / "busy.jsonl"
    log.write_text(
        lines_of(
            *(
                {"type": "identify", "userId": f"u{number}", "traits": {"plan": "pro" if number % 3 else 1}}
                for number in range(1500)
            )
        )
    )
    (row,) = csv.DictReader(io.StringIO(cli("inventory", log, "--format", "csv")[1]))
    assert (row["messages"], row["types"], row["users_estimated"]) == ("1500", "number:500 string:1000", "true")
    assert int(row["users"]) == pytest.approx(1500, rel=0.1)


def test_an_estimate_of_users_keeps_to_what_is_known_of_them(tmp_path: Path) -> None:
    # Every message from a user of its own: the estimate may read more users than messages, or, just past the exact
    # count, fewer than the exact count had reached. The inventory claims neither.
    log = tmp_path / "users.jsonl"
    log.write_text(
        lines_of(
            *({"type": "track", "userId": f"user-{number}", "event": "Same"} for number in range(20_000)),
            *({"type": "track", "userId": f"other-{number}", "event": "Exact65"} for number in range(65)),
        )
    )
    events = {row["name"]: row for row in json.loads(cli("inventory", log, "--format", "json")[1])["events"]["names"]}
    assert events["Same"]["users_estimated"] and events["Exact65"]["users_estimated"]
    assert events["Same"]["users"] <= events["Same"]["messages"] == 20_000
    assert events["Same"]["users"] == pytest.approx(20_000, rel=0.1)
    assert events["Exact65"]["users"] >= 65


def test_tracks_with_no_event_name_hotjar_can_take_are_counted_so_the_findings_add_up_to_validate(
    tmp_path: Path,
) -> None:
    events: list[object] = [42, True, {}, "", None, "Signed Up", "Signed Up"]
    log = tmp_path / "unnamed.jsonl"
    log.write_text(lines_of(*({"type": "track", "userId": "u", "event": event} for event in events)))
    inventory = json.loads(cli("inventory", log, "--format", "json")[1])["events"]
    assert inventory["unnamed"] == {"messages": 5, "findings": {"HJ104": 2, "HJ303": 3}}
    assert [row["name"] for row in inventory["names"]] == ["Signed Up"]
    # Every finding about an event name, under a name or under none, as validate counts them.
    validate = json.loads(cli("validate", log, "--format", "json", "--fail-on", "never")[1])["summary"]
    named = sum(row["findings"].get("HJ303", 0) for row in inventory["names"])
    assert validate["events_by_rule"]["HJ303"] == named + inventory["unnamed"]["findings"]["HJ303"]
    assert validate["events_by_rule"]["HJ104"] == inventory["unnamed"]["findings"]["HJ104"]
    expected = "5 tracks carry no event name Hotjar can take, counted under no name: HJ303"
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", log, "--format", format)[1].split())
        assert expected in out, format
    assert "no event name" not in cli("inventory", log, "--format", "csv")[1]  # names only: see the README


def test_logs_with_no_readable_event_time_say_so_rather_than_a_short_span(tmp_path: Path) -> None:
    log = tmp_path / "untimed.jsonl"
    log.write_text(lines_of({"type": "track", "userId": "u", "event": "Signed Up"}))
    assert cli("inventory", log)[1].startswith("hotjar-cli inventory: 1 event, none with a readable event time\n")
    record = json.loads(cli("inventory", log, "--format", "json")[1])
    assert record["span"] == {"first": None, "last": None, "far_off": None}
    assert record["events"]["budget"]["new_per_week"] is None
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", log, "--format", format)[1].split()).lower()
        assert "no readable event time in these logs to project a pace from" in out, format
        assert "under a day" not in out, format
    dated = tmp_path / "dated.jsonl"
    dated.write_text(
        lines_of({"type": "track", "userId": "u", "event": "Signed Up", "timestamp": "2024-03-01T10:00:00Z"})
    )
    assert "under a day" in cli("inventory", dated)[1]


def test_a_kind_with_no_names_has_no_empty_table(tmp_path: Path) -> None:
    log = tmp_path / "pages.jsonl"
    log.write_text(lines_of({"type": "page", "userId": "u", "timestamp": "2024-03-01T10:00:00Z"}))
    text = cli("inventory", log)[1]
    assert "Attributes: 0 names" in text and "Events: 0 names" in text
    assert "first seen" not in text and "messages" not in text
    markdown = cli("inventory", log, "--format", "markdown")[1]
    assert "### Events" in markdown and "| name |" not in markdown


def test_the_markdown_inventory_of_very_long_names_stays_small_enough_for_a_step_summary(tmp_path: Path) -> None:
    log = tmp_path / "long.jsonl"
    log.write_text(
        lines_of(
            *(
                message
                for number in range(120)
                for message in (
                    {"type": "identify", "userId": f"u{number}", "traits": {f"{number:03}" + "n" * 20_000: 1}},
                    {"type": "track", "userId": f"u{number}", "event": f"{number:03}" + "E" * 20_000},
                )
            )
        )
    )
    code, out, _ = cli("inventory", log, "--format", "markdown")
    assert code == 0
    assert len(out.encode()) < 200_000  # GitHub refuses a step summary past 1 MiB; whole, these names made 2 MB
    assert "(20,003 characters)" in out and "`000" + "n" * 296 + "…`" in out
    whole = json.loads(cli("inventory", log, "--format", "json")[1])
    assert {len(row["name"]) for row in whole["attributes"]["names"]} == {20_003}  # the JSON holds them whole


def test_the_text_inventory_cuts_a_name_a_terminal_would_scroll_through(tmp_path: Path) -> None:
    # A trait named with a 100,000-character payload folded over 1,300 lines of the terminal, each name of them.
    log = tmp_path / "long.jsonl"
    names = [f"{number:03}" + "n" * 100_000 for number in range(3)]
    log.write_text(lines_of(*({"type": "identify", "userId": "u", "traits": {name: 1}} for name in names)))
    code, out, _ = cli("inventory", log, "--format", "text")
    assert code == 0
    assert len(out.splitlines()) < 100
    assert out.count("… (100,003 characters)") == 3
    assert all(f"{number:03}" in out for number in range(3))  # each cut name is a row of its own


@pytest.mark.parametrize(("format", "bound"), [("text", 1_000), ("markdown", 300)])
def test_a_name_of_control_characters_is_cut_at_the_characters_it_shows(
    tmp_path: Path, format: str, bound: int
) -> None:
    # Each shows as its six-character escape: 900 of them, under the text inventory's bound, showed as 5,400.
    log = tmp_path / "controls.jsonl"
    log.write_text(lines_of({"type": "identify", "userId": "u", "traits": {"\x01" * 900: 1}}))
    code, out, _ = cli("inventory", log, "--format", format)
    assert code == 0
    # The text inventory folds a long name over lines, its first beside the other columns: one escape may be cut.
    escapes = re.sub(r"\s+", "", out).count("\\u0001")
    assert (bound - 1) // 6 - 1 <= escapes <= (bound - 1) // 6
    assert "(900 characters)" in out


def test_a_trait_is_a_date_exactly_where_segment_makes_a_date_of_it(tmp_path: Path, segment_dates_folder: Path) -> None:
    # Segment's integration runs traits through `@segment/isodate-traverse`: a string its `is()` accepts is a `Date`
    # in the browser, any other stays a string. Checked against those packages, run with node.
    names = {f"t{number:03d}": text for number, text in enumerate(DATE_STRINGS)}
    log = tmp_path / "dates.jsonl"
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": names}))
    code, out, _ = cli("inventory", log, "--format", "json", "--max-attributes", str(len(names)))
    assert code == 0
    types = {row["name"]: row["types"] for row in json.loads(out)["attributes"]["names"]}
    dates = segment_makes_dates(segment_dates_folder, DATE_STRINGS)
    differ = [
        (text[:40], date, types[name])
        for (name, text), date in zip(names.items(), dates, strict=True)
        if types[name] != {"date" if date else "string": 1}
    ]
    assert differ == [], "(trait, whether Segment makes a Date of it, the inventory's types)"


def test_a_kept_name_whose_counts_are_not_known_reads_as_unknown_never_as_zero(tmp_path: Path) -> None:
    # Past 2,000 attribute names a sample is held with its counts; a kept name outside it has none. The text and
    # Markdown inventories said it had 0 messages, which a reader takes for a name the logs never sent.
    log = tmp_path / "many-flags.jsonl"
    log.write_text(
        lines_of(*({"type": "identify", "userId": f"u{n % 7}", "traits": {f"flag_{n}": True}} for n in range(8000)))
    )
    code, out, _ = cli("inventory", log, "--format", "json")
    assert code == 0
    rows = json.loads(out)["attributes"]["names"]
    unknown = {row["name"] for row in rows if row["fate"] == "kept" and row["messages"] is None}
    assert unknown, "some kept names fall outside the sample"
    # Every count null: an empty `types` and a false `users_estimated` read as counts known to be none.
    nulls = ("users", "users_estimated", "types", "dropped", "first_seen", "last_seen")
    assert all(all(row[key] is None for key in nulls) for row in rows if row["name"] in unknown)
    csv_rows = list(csv.DictReader(io.StringIO(cli("inventory", log, "--format", "csv")[1])))
    assert all(
        all(row[key] == "" for key in ("users_estimated", "types", "findings"))
        for row in csv_rows
        if row["name"] in unknown
    )
    for format in ("text", "markdown"):
        out = cli("inventory", log, "--format", format)[1]
        cells = [
            re.split(r" {2,}|\s*\|\s*", line.strip().strip("|").strip())
            for line in out.splitlines()
            if re.match(r"\|? ?`?flag_\d+`? ", line)
        ]
        shown = {cell[0].strip("`"): cell for cell in cells}
        listed = unknown & set(shown)
        assert listed, format
        for name in listed:
            assert shown[name][1].startswith("kept #") and set(shown[name][2:]) == {"?"}, (format, shown[name])
        assert all(shown[name][2] != "?" for name in set(shown) - unknown), format
        said = " ".join(out.split())
        assert f"?: not known for {len(listed)} of these names, which the site holds" in said, format
        assert "past 2,000 attribute names, a sample is held with its counts" in said, format


def test_the_names_listed_and_the_remainder_add_up_to_the_names_of_the_logs_past_the_sample(tmp_path: Path) -> None:
    # A kept name outside the sample held is listed (with `?` for its counts): it was counted in the remainder's
    # names as well, so that 100 kept, 1,959 turned away and 3,000 in the remainder made 5,059 of 5,000 names.
    log = tmp_path / "many-flags.jsonl"
    log.write_text(
        lines_of(*({"type": "identify", "userId": f"u{n % 7}", "traits": {f"flag_{n}": True}} for n in range(8000)))
    )
    attributes = json.loads(cli("inventory", log, "--format", "json")[1])["attributes"]
    rows, remainder = attributes["names"], attributes["remainder"]
    assert any(row["messages"] is None for row in rows), "some kept names fall outside the sample"
    assert len(rows) + remainder["names"] == attributes["distinct_names"]
    # Counted exactly up to four times the names held (`EXACT_NAMES_PER_HELD`), the names of the logs are too.
    assert attributes["distinct_names"] == 8000 and not attributes["distinct_names_estimated"]
    listed_messages = sum(row["messages"] or 0 for row in rows)
    assert listed_messages + remainder["occurrences"] == 8000  # the unknown counts are the remainder's
    said = " ".join(cli("inventory", log)[1].split())
    parts = re.search(
        r"Attributes: ([\d,]+) names; ([\d,]+) kept; of the others held, ([\d,]+) turned away, "
        r"([\d,]+) never sent; ([\d,]+) more not held, turned away or never sent, in the remainder",
        said,
    )
    assert parts is not None, said
    total, *each = (int(number.replace(",", "")) for number in parts.groups())
    assert sum(each) == total
    more = re.search(r"… and ([\d,]+) more names: (.*?) \(", said)
    assert more is not None, said
    shown = len(re.findall(r"^ *flag_\d+ ", cli("inventory", log)[1], flags=re.MULTILINE))
    assert shown + int(more[1].replace(",", "")) == total


def test_the_names_only_left_out_messages_sent_are_counted_apart_so_the_parts_add_up(tmp_path: Path) -> None:
    # `--user u5` on a log where others' identifies filled the site: their names are listed, kept in their slots,
    # but were counted in no part of `2 names; 9 kept, 0 turned away, 0 never sent`.
    log = tmp_path / "users.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": {"a": 1, "b": 2}},
            {"type": "identify", "userId": "u5", "traits": {"c": 1}},
            {"type": "identify", "userId": "u2", "traits": {"d": 1, "e": 1, "c": 2}},
        )
    )
    attributes = json.loads(cli("inventory", log, "--format", "json", "--user", "u5")[1])["attributes"]
    assert (attributes["distinct_names"], attributes["left_out_only_names"], len(attributes["names"])) == (1, 4, 5)
    assert len(attributes["names"]) == sum(
        attributes[key] for key in ("distinct_names", "known_only_names", "left_out_only_names")
    )
    said = " ".join(cli("inventory", log, "--user", "u5")[1].split())
    assert "Attributes: 1 name, 4 more kept, sent only by messages the filters left out; 5 kept, 0 turned away" in said
    unfiltered = json.loads(cli("inventory", log, "--format", "json")[1])["attributes"]
    assert (unfiltered["distinct_names"], unfiltered["left_out_only_names"]) == (5, 0)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_past_the_sample_the_names_only_left_out_messages_sent_are_told_from_those_outside_it(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 6,000 names, one an identify, two users; `--user u0` keeps half. Past the 2,000 names held, the kept names no
    # record tells of were all counted as outside the sample: `3,000 names; 2,500 kept; of the others held, 1,177
    # turned away, 0 never sent; 0 more not held` (3,677 of 3,000), and the pace did not say whose names it counted.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    log = tmp_path / "flags.jsonl"
    log.write_text(
        lines_of(
            *(
                {
                    "type": "identify",
                    "userId": f"u{n % 2}",
                    "traits": {f"flag_{n}": 1},
                    "timestamp": f"2024-05-{1 + n // 300:02d}T10:00:00Z",
                }
                for n in range(6000)
            )
        )
    )
    rows_of: dict[int, dict] = {}
    for limit in (2500, 8000):
        run = ("inventory", log, "--user", "u0", "--max-attributes", str(limit), "--jobs", jobs)
        attributes = json.loads(cli(*run, "--format", "json")[1])["attributes"]
        rows, remainder = attributes["names"], attributes["remainder"]
        assert remainder["sampled"], "more names than are held"
        # The kept names of u1's identifies alone: listed in their slots, with no message within the filter.
        only_left_out = {row["name"] for row in rows if row["fate"] == "kept" and row["messages"] == 0}
        assert only_left_out == {f"flag_{n}" for n in range(1, min(limit, 6000), 2)}
        assert attributes["left_out_only_names"] == len(only_left_out)
        assert attributes["distinct_names"] == 3000
        # Every name of the logs listed or in the remainder once; the names only left-out messages sent apart.
        in_logs = [row for row in rows if row["messages"] != 0]
        assert len(in_logs) + remainder["names"] == attributes["distinct_names"]
        said = " ".join(cli(*run)[1].split())
        parts = re.search(
            r"Attributes: ([\d,]+) names, ([\d,]+) more kept, sent only by messages the filters left out; ([\d,]+) kept"
            r"(?:, |; of the others held, )([\d,]+) turned away, ([\d,]+) never sent(?:; ([\d,]+) more not held)?",
            said,
        )
        assert parts is not None, said
        names, left_out, *fates = (int((number or "0").replace(",", "")) for number in parts.groups())
        assert names + left_out == sum(fates), said
        rows_of[limit] = attributes
    # Not full, the site's pace counts u1's names the filter left out, and says so.
    budget = rows_of[8000]["budget"]
    assert budget["new_per_week"] is not None
    assert budget["pace_names_left_out"] == 3000


def test_a_window_of_since_and_until_measures_the_pace_by_the_names_taken_within_it(tmp_path: Path) -> None:
    # One new name a day for 30 days. The site took 31 names, but --since leaves the last two days: the pace is that
    # of the 3 names taken within them, not the 31 of the whole logs over two days (108.5 a week, "full" in 5 days).
    log = tmp_path / "month.jsonl"
    spread_over(log, timedelta(days=30), 31)
    since = (START + timedelta(days=28)).isoformat().replace("+00:00", "Z")
    budget = json.loads(cli("inventory", log, "--format", "json", "--since", since)[1])["attributes"]["budget"]
    assert budget["used"] == budget["admitted"] == 31  # the filters leave the slots as the site holds them
    assert budget["new_per_week"] == 10.5  # 3 names in 2 days
    projected = START + timedelta(days=30) + timedelta(weeks=69 / 10.5)
    assert abs(datetime.fromisoformat(budget["projected_fill"]) - projected) < timedelta(seconds=1)
    whole = json.loads(cli("inventory", log, "--format", "json")[1])["attributes"]["budget"]
    assert whole["new_per_week"] == round(31 / (30 / 7), 2)  # no filter: every name the logs added, as before


def test_the_budgets_of_logs_the_filters_left_out_do_not_say_the_logs_hold_no_event_time(tmp_path: Path) -> None:
    log = tmp_path / "month.jsonl"
    # Three new names on the first three days, then the last of them again each day to the 30th.
    log.write_text(
        lines_of(
            *(
                {
                    "type": "identify",
                    "userId": "u1",
                    "traits": {f"trait_{min(day, 2)}": 1},
                    "timestamp": (START + timedelta(days=day)).isoformat().replace("+00:00", "Z"),
                }
                for day in range(30)
            )
        )
    )
    after = (START + timedelta(days=31)).isoformat().replace("+00:00", "Z")
    from_day_5 = (START + timedelta(days=5)).isoformat().replace("+00:00", "Z")
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", log, "--format", format, "--since", after)[1].split())
        assert "no readable event time in these logs" not in out, format  # every one of them has one
        assert "the filters left no event with a readable event time to project a pace from" in out.lower(), format
        # 25 days of events, within which the site took no name: no span "too short" to tell.
        out = " ".join(cli("inventory", log, "--format", format, "--since", from_day_5)[1].split())
        assert "too short a span" not in out, format
        assert "no new name within the span of event time the filters left, so no pace to project" in out.lower()


@pytest.mark.parametrize("format", ["text", "markdown", "html"])
def test_an_inventory_says_how_many_events_were_not_segment_messages(tmp_path: Path, format: str) -> None:
    # A log of the wrong shape (a CSV export, a pretty-printed JSON array) names nothing: "0 names" alone read as a
    # site with nothing to fear.
    log = tmp_path / "export.jsonl"
    log.write_text('userId,event\nu1,Signed Up\n[{"type": "track"}]\n')
    code, out, err = cli("inventory", log, "--format", format)
    # Written all the same, as validate writes its report, and the command fails as validate and replay do.
    assert code == 2
    assert " ".join(err.split()).endswith(
        "hotjar-cli: error: no Segment message to list: all 3 events are invalid (not JSON, not an object, or of no "
        "known type) (--allow-empty passes it)"
    )
    assert cli("inventory", log, "--format", format, "--allow-empty")[0] == 0
    said = " ".join(out.split())
    assert (
        "3 events are not Segment messages (not JSON, not an object, or of no known type) and send no name; "
        "hotjar-cli validate says where" in said.replace("<code>", "").replace("</code>", "").replace("`", "")
    )
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}))
    assert "Segment message" not in cli("inventory", log, "--format", format)[1]


def test_a_csv_inventory_says_on_stderr_how_many_events_were_not_segment_messages(tmp_path: Path) -> None:
    log = tmp_path / "export.jsonl"
    log.write_text("userId,event\n" + lines_of({"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}))
    code, out, err = cli("inventory", log, "--format", "csv")
    assert code == 0 and out.count("\n") == 2  # the header and plan's row: the table stays one of names
    assert (
        "hotjar-cli: 1 event is not a Segment message (not JSON, not an object, or of no known type) and sends no "
        "name; hotjar-cli validate says where" in err
    )


def test_the_names_left_unlisted_count_their_messages_as_messages(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text(lines_of(*({"type": "track", "userId": "u1", "event": f"Event {n:02}"} for n in range(51))))
    for format in ("text", "markdown"):
        out = " ".join(cli("inventory", log, "--format", format)[1].split())
        assert "… and 1 more name: 1 kept (1 message)" in out, format  # an event name has no values


def test_a_name_held_before_the_logs_shows_a_dash_for_its_types_as_for_its_drops(tmp_path: Path) -> None:
    log = tmp_path / "one.jsonl"
    log.write_text(lines_of({"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}))
    seed = tmp_path / "site-attributes.txt"
    seed.write_text("company\n")
    out = cli("inventory", log, "--known-attributes", seed)[1]
    (row,) = [line for line in out.splitlines() if line.startswith("company ")]
    assert row.split() == ["company", "kept", "#1", "0", "0", "-", "-"]  # no empty cell under "types"


def test_the_markdown_inventory_says_what_it_read_as_the_text_and_html_do(tmp_path: Path) -> None:
    # A step summary is read without the command that wrote it: "0 names" of logs the filters left out whole read as
    # logs that sent none.
    log = tmp_path / "spread.jsonl"
    spread_over(log, timedelta(days=4), 5)
    out = cli("inventory", log, "--format", "markdown")[1]
    assert out.splitlines()[2] == "5 events from 2024-03-01T00:00:00.000Z to 2024-03-05T00:00:00.000Z."
    out = cli("inventory", log, "--format", "markdown", "--since", "2025-01-01")[1]
    assert out.splitlines()[2] == "5 events, 5 filtered out."


def test_a_cut_name_is_said_to_be_as_long_as_its_finding_says(tmp_path: Path) -> None:
    # The inventories counted a name's characters as Python does (1,202) where event-name-too-long says it is 1,205
    # characters long, as Hotjar counts: each emoji is two.
    name = "\N{GRINNING FACE}" * 3 + "x" * 1_199
    log = tmp_path / "emoji.jsonl"
    log.write_text(lines_of({"type": "track", "userId": "u1", "event": name, "timestamp": "2024-03-01T10:00:00Z"}))
    finding = json.loads(cli("validate", log, "--format", "json", "--fail-on", "never")[1])
    assert "1,205 characters long" in json.dumps(finding)
    for format in ("text", "markdown"):
        out = " ".join(cli("inventory", log, "--format", format)[1].split())  # however the table wraps it
        assert "(1,205 characters)" in out, format
        assert "(1,202 characters)" not in out, format


def test_names_turned_away_though_sent_before_the_site_filled_are_said(tmp_path: Path) -> None:
    # Two sources of Segment's archive, read one after the other: the second's names came first by event time, and
    # were said to be turned away a day and a half before the site was full, without a word.
    for source, day, user, hours in (
        ("Aweb", "1709337600000", "u1", (11, 12, 13)),
        ("bapp", "1709251200000", "u2", (1, 2, 3)),
    ):
        folder = tmp_path / "segment-logs" / source / day
        folder.mkdir(parents=True)
        stamp = "2024-03-02" if source == "Aweb" else "2024-03-01"
        (folder / "events.jsonl").write_text(
            lines_of(
                *(
                    {
                        "type": "track",
                        "userId": user,
                        "event": f"{source}{hour}",
                        "timestamp": f"{stamp}T{hour:02d}:00:00Z",
                    }
                    for hour in hours
                )
            )
        )
    said = (
        "3 names turned away were first sent before the site filled up, by event time: the site takes names in the "
        "order the logs are read"
    )
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", tmp_path, "--max-events", "3", "--format", format)[1].split())
        assert said in out.replace("\\", ""), format  # Markdown's escapes taken out
    markdown = " ".join(cli("inventory", tmp_path, "--max-events", "3", "--format", "markdown")[1].split())
    assert "read, which is not the order of their times here (one source of an archive after another?);" in markdown
    # The JSON counts them, for a check that reads it (the attribute budget, never full, counts nothing).
    record = json.loads(cli("inventory", tmp_path, "--max-events", "3", "--format", "json")[1])
    assert record["events"]["budget"]["turned_away_before_fill"] == {"sent": 3, "unsure": 0}
    assert record["attributes"]["budget"]["turned_away_before_fill"] is None
    # In time order, nothing to say.
    in_order = (
        "inventory",
        tmp_path / "segment-logs" / "bapp",
        tmp_path / "segment-logs" / "Aweb",
        "--max-events",
        "3",
    )
    code, out, _ = cli(*in_order)
    assert code == 0 and "first sent before the site filled up" not in out
    budget = json.loads(cli(*in_order, "--format", "json")[1])["events"]["budget"]
    assert budget["full"] and budget["turned_away_before_fill"] == {"sent": 0, "unsure": 0}
    # One file whose lines are out of time order: no second source to blame.
    one = tmp_path / "one.jsonl"
    one.write_text(
        "".join((folder / "events.jsonl").read_text() for folder in sorted(tmp_path.glob("segment-logs/*/*")))
    )
    out = " ".join(cli("inventory", one, "--max-events", "3")[1].split())
    assert "which is not the order of their times here; give the logs in the order Hotjar received them" in out


def test_a_name_first_offered_after_the_site_filled_is_not_said_to_be_sent_before(tmp_path: Path) -> None:
    # Logs in time order: `b` came first as a nested object, which HJ201 drops and the site never sees, and was
    # offered only after `a` filled the site. It was said to be "first sent before the site filled up" and the logs
    # "not in the order of their times".
    log = tmp_path / "log.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": {"b": {"x": 1}}, "timestamp": "2024-03-01T00:00:00Z"},
            {"type": "identify", "userId": "u1", "traits": {"a": 1}, "timestamp": "2024-03-01T01:00:00Z"},
            {"type": "identify", "userId": "u1", "traits": {"b": 1}, "timestamp": "2024-03-01T02:00:00Z"},
        )
    )
    for format in ("text", "markdown", "html"):
        code, out, _ = cli("inventory", log, "--max-attributes", "1", "--format", format)
        assert code == 0 and "turned away" in out and "before the site filled up" not in out, format
    # Read out of the order of their times, a name every value of which was offered is said.
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": {"a": 1}, "timestamp": "2024-03-01T02:00:00Z"},
            {"type": "identify", "userId": "u1", "traits": {"b": 1}, "timestamp": "2024-03-01T01:00:00Z"},
        )
    )
    out = " ".join(cli("inventory", log, "--max-attributes", "1")[1].split())
    assert "1 name turned away was first sent before the site filled up, by event time" in out


def test_a_pace_without_the_names_held_before_says_it_takes_every_name_as_new(tmp_path: Path) -> None:
    # A site that only sends the names it always did was told it would fill up, with no word of why.
    log = tmp_path / "log.jsonl"
    log.write_text(
        lines_of(
            *(
                {
                    "type": "identify",
                    "userId": "u1",
                    "traits": {"plan": 1, "seats": 2},
                    "timestamp": f"2024-03-{day:02d}T10:00:00Z",
                }
                for day in range(1, 15)
            )
        )
    )
    note = "every name in these logs taken as new to the site (--known-attributes names those it held before)"
    out = " ".join(cli("inventory", log)[1].split())
    assert "new names a week" in out and note in out
    known = tmp_path / "known.txt"
    known.write_text("plan\nseats\n")
    out = " ".join(cli("inventory", log, "--known-attributes", known)[1].split())
    assert note not in out and "no new names in these logs" in out


def test_the_names_that_lost_the_most_are_listed_first_whatever_their_fate(tmp_path: Path) -> None:
    # Turned-away names came first however rarely sent: a nested trait sent on every identify came after them all.
    traits = {f"kept_{n}": 1 for n in range(3)}
    log = tmp_path / "log.jsonl"
    log.write_text(
        lines_of(
            {"type": "identify", "userId": "u1", "traits": traits},
            {"type": "identify", "userId": "u2", "traits": {"late": 1}},
            *({"type": "identify", "userId": f"u{n}", "traits": {"address": {"city": "Oslo"}}} for n in range(5)),
        )
    )
    out = cli("inventory", log, "--max-attributes", "3")[1]
    assert re.findall(r"^(address|late) ", out, flags=re.MULTILINE) == ["address", "late"]


def test_the_markdown_inventory_shows_the_types_of_an_attributes_values_as_the_text_does(tmp_path: Path) -> None:
    # The text and HTML inventories showed each attribute's types; the Markdown one, alone, left the column out.
    log = tmp_path / "types.jsonl"
    log.write_text(
        lines_of(
            {
                "type": "identify",
                "userId": "u1",
                "traits": {"plan": "pro", "seats": 3},
                "timestamp": "2024-03-01T10:00:00Z",
            },
            {"type": "identify", "userId": "u2", "traits": {"plan": None}, "timestamp": "2024-03-01T11:00:00Z"},
            {"type": "identify", "userId": "u3", "traits": {"plan": "team"}, "timestamp": "2024-03-01T11:00:00Z"},
            {"type": "track", "userId": "u1", "event": "Signed Up", "timestamp": "2024-03-01T12:00:00Z"},
        )
    )
    out = cli("inventory", log, "--format", "markdown")[1]
    headers = [line for line in out.splitlines() if line.startswith("| name |")]
    assert headers == [
        "| name | fate | messages | users | types | dropped | first seen | last seen |",
        "| name | fate | messages | users | findings | first seen | last seen |",
    ]
    rows = {line.split(" | ")[0]: line.split(" | ") for line in out.splitlines() if line.startswith("| `")}
    assert sorted(rows["| `plan`"][4].split()) == ["null:1", "string:2"]
    assert rows["| `seats`"][4] == "number:1"


def three_weeks_filling_then_still(path: Path) -> None:
    """21 days of hourly identifies: ten new trait names a day on the first 8 days (and `plan`), then only `plan`."""
    path.write_text(
        lines_of(
            *(
                {
                    "type": "identify",
                    "userId": f"u{hour % 7}",
                    "traits": {"plan": "pro", **({f"t_{hour}": 1} if hour < 8 * 24 and hour % 24 < 10 else {})},
                    "timestamp": (START + timedelta(hours=hour)).isoformat().replace("+00:00", "Z"),
                }
                for hour in range(21 * 24)
            )
        )
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_names_only_untimed_messages_sent_are_not_taken_within_a_window_of_since_and_until(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three identifies without a time, which --since and --until leave out, took three slots first: the pace of the
    # three days measured counted them as taken within those days (33 names rather than 30).
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    log = tmp_path / "weeks.jsonl"
    three_weeks_filling_then_still(log)
    untimed = [{"type": "identify", "userId": "u9", "traits": {f"untimed_{number}": 1}} for number in range(3)]
    log.write_text(lines_of(*untimed) + log.read_text())
    window = ("--since", "2024-03-03", "--until", "2024-03-06")
    record = json.loads(cli("inventory", log, "--format", "json", "--jobs", jobs, *window)[1])
    budget = record["attributes"]["budget"]
    assert budget["used"] == 84
    assert budget["new_per_week"] == round(30 / (71 / 168), 2)
    # Read without a window, the same names are the logs' own, taken at no known time: the pace counts them.
    whole = json.loads(cli("inventory", log, "--format", "json", "--jobs", jobs)[1])["attributes"]["budget"]
    assert whole["used"] == 84 and whole["full"] is False
    assert whole["new_per_week"] == round(84 / ((20 * 24 + 23) / 168), 2)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_window_of_since_and_until_projects_the_fill_from_the_latest_event_read(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 81 slots taken by 2024-03-08, then two weeks of nothing new. --since 03-03 --until 03-06 measures the pace over
    # those three days (right), but projected it from 03-05T23:00: "full on 2024-03-07", which the logs contradict.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    log = tmp_path / "weeks.jsonl"
    three_weeks_filling_then_still(log)
    window = ("--since", "2024-03-03", "--until", "2024-03-06")
    record = json.loads(cli("inventory", log, "--format", "json", "--jobs", jobs, *window)[1])
    budget = record["attributes"]["budget"]
    assert budget["used"] == 81 and record["span"]["last"] == "2024-03-05T23:00:00.000Z"
    assert record["site_as_of"] == "2024-03-21T23:00:00.000Z"  # the messages left out after --until included
    assert budget["new_per_week"] == round(30 / (71 / 168), 2)  # 30 names over the 71 hours left, as before
    projected = datetime(2024, 3, 21, 23, tzinfo=UTC) + timedelta(weeks=19 / budget["new_per_week"])
    assert abs(datetime.fromisoformat(budget["projected_fill"]) - projected) < timedelta(minutes=1)
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", log, "--format", format, "--jobs", jobs, *window)[1].split())
        out = html.unescape(out.replace("\\", ""))  # Markdown's escapes and HTML's references taken out
        assert f"full on {budget['projected_fill'][:10]} at that pace" in out, format  # to the day
        assert (
            "The slots used are the site's as of 2024-03-21T23:00:00.000Z, the latest event read: the messages " in out
        )
        assert "the fill is projected from there" in out, format
    # Unfiltered, the span is the site's: nothing more to say.
    whole = json.loads(cli("inventory", log, "--format", "json", "--jobs", jobs)[1])
    assert whole["site_as_of"] == whole["span"]["last"]
    assert "the latest event read" not in cli("inventory", log, "--jobs", jobs)[1]


def test_a_site_full_after_the_window_says_its_slots_are_the_sites_after_it(tmp_path: Path) -> None:
    log = tmp_path / "weeks.jsonl"
    three_weeks_filling_then_still(log)
    window = ("--since", "2024-03-02", "--until", "2024-03-04", "--max-attributes", "70")
    budget = json.loads(cli("inventory", log, "--format", "json", *window)[1])["attributes"]["budget"]
    assert budget["full"] and budget["filled_at"]["time"] == "2024-03-07T08:00:00.000Z"  # after --until
    for format in ("text", "markdown", "html"):
        out = html.unescape(" ".join(cli("inventory", log, "--format", format, *window)[1].split()).replace("\\", ""))
        assert "full since" in out.lower(), format
        assert "The slots used are the site's as of 2024-03-21T23:00:00.000Z, the latest event read" in out, format
    # --since alone: the messages left out came before the span, and the site's slots are those at its end.
    out = cli("inventory", log, "--since", "2024-03-10")[1]
    assert "the latest event read" not in out


def test_by_hour_draws_the_pages_charts_by_the_hour_and_the_other_formats_say_they_do_not_use_it() -> None:
    # `inventory --format html --by hour` was refused ("an option of hotjar-cli validate"), though the page charts
    # the loss over time as validate's does, by the day only.
    code, page, _ = cli("inventory", "sample_events/", "--format", "html", "--by", "hour")
    found = re.search(r'<script[^>]*id="report-data"[^>]*>(.*?)</script>', page, re.S)
    assert code == 0 and found is not None
    timeline = json.loads(found.group(1))["timeline"]
    # As asked, not as if days were asked and the span had made them hours ("days would be too many buckets").
    assert "<h2>Outcomes over time (by hour)</h2>" in page
    series = json.loads(cli("validate", "sample_events/", "--format", "json", "--by", "hour")[1])["timeline"]
    assert timeline["by"] == series["by"] == "hour"
    assert [(bucket["start"], bucket["events"]) for bucket in timeline["buckets"]] == [
        (bucket["start"], bucket["events"]) for bucket in series["buckets"]
    ]
    days = re.search(
        r'<script[^>]*id="report-data"[^>]*>(.*?)</script>', cli("inventory", "sample_events/", "-f", "html")[1], re.S
    )
    assert days is not None and json.loads(days.group(1))["timeline"]["by"] == "day"
    for format in ("text", "json", "csv", "markdown"):
        code, out, err = cli("inventory", "sample_events/", "--format", format, "--by", "hour")
        assert code == 0 and out == cli("inventory", "sample_events/", "--format", format)[1], format
        assert (
            err.splitlines()[0]
            == f"hotjar-cli: --format {format} does not show the loss over time, so --by is not used"
        )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_pace_that_counts_names_only_the_messages_left_out_sent_says_so(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--type track` gave the attributes "7 new names a week, full on 2024-10-08" from the identifies it left out,
    # beside a listing of no name the run counted, and no word of where the pace came from.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    log = tmp_path / "week.jsonl"
    messages = []
    for day in range(1, 8):
        messages.append(
            {"type": "identify", "userId": "u1", "traits": {f"attr_{day}": 1}, "timestamp": f"2024-07-0{day}T10:00:00Z"}
        )
        messages.append({"type": "track", "userId": "u1", "event": "Clicked", "timestamp": f"2024-07-0{day}T11:00:00Z"})
    log.write_text(lines_of(*messages))
    tracks = ("inventory", log, "--type", "track", "--jobs", jobs)
    record = json.loads(cli(*tracks, "--format", "json")[1])
    # The span is that of the tracks: the six identifies within it took six slots, which the pace counts.
    assert record["attributes"]["budget"]["new_per_week"] == 7.0
    assert record["attributes"]["budget"]["pace_names_left_out"] == 6
    assert record["events"]["budget"]["pace_names_left_out"] == 0
    said = "(it counts 6 names sent only by messages the filters left out, which take slots too)"
    for format in ("text", "markdown", "html"):
        out = html.unescape(" ".join(cli(*tracks, "--format", format)[1].split()).replace("\\", ""))
        assert f"7 new names a week, full on 2024-10-08 at that pace {said}" in out, format
    # Unfiltered, the pace counts the names the run counted: nothing more to say.
    whole = json.loads(cli("inventory", log, "--format", "json", "--jobs", jobs)[1])
    assert whole["attributes"]["budget"]["pace_names_left_out"] == 0
    assert "sent only by messages the filters left out" not in cli("inventory", log, "--jobs", jobs)[1]


def test_the_time_the_slots_are_of_is_said_once_when_both_budgets_are_of_it() -> None:
    # Both budgets of the sample fill before the events --until leaves out: the same sentence stood under each, one
    # line after the other, and read as a report printed twice.
    for format in ("text", "markdown"):
        out = " ".join(
            cli("inventory", "sample_events/", "--format", format, "--until", "2024-04-03T12:00:00Z")[1].split()
        )
        assert out.count("The slots used are the site's as of 2024-04-04T04:26:56.000Z, the latest event read") == 1
        assert out.count("full since") == 2, format  # both budgets are there, full
        # After both: said under the first budget, it read as of that one alone.
        assert out.lower().index("event budget") < out.index("The slots used are"), format


def test_the_markdown_inventory_shows_the_time_the_slots_are_of_as_it_shows_the_span(tmp_path: Path) -> None:
    # The time was escaped character by character (`2024\-03\-21T23\:00...`), and our own colon with it, where the
    # span's times above it read plainly.
    log = tmp_path / "weeks.jsonl"
    three_weeks_filling_then_still(log)
    markdown = cli("inventory", log, "--format", "markdown", "--since", "2024-03-03", "--until", "2024-03-06")[1]
    assert "left from 2024-03-03T00:00:00.000Z to 2024-03-05T23:00:00.000Z." in markdown
    said = [line for line in markdown.splitlines() if "The slots used are" in line]
    assert len(said) == 2 and all(
        line.startswith(
            "  The slots used are the site's as of 2024-03-21T23:00:00.000Z, the latest event read: the messages the "
            "filters left out take slots too"
        )
        and "\\" not in line
        for line in said
    )


def test_a_far_off_clock_among_the_messages_left_out_does_not_move_the_projection(tmp_path: Path) -> None:
    log = tmp_path / "weeks.jsonl"
    three_weeks_filling_then_still(log)
    far = {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}, "timestamp": "2099-01-01T00:00:00Z"}
    with log.open("a") as file:
        file.write(lines_of(far))
    window = ("--since", "2024-03-03", "--until", "2024-03-06")
    record = json.loads(cli("inventory", log, "--format", "json", *window)[1])
    assert record["site_as_of"] == "2024-03-21T23:00:00.000Z"
    assert record["attributes"]["budget"]["projected_fill"].startswith("2024-03-2")


def test_names_sent_before_the_site_filled_whose_other_values_a_rule_dropped_are_counted_as_up_to(
    tmp_path: Path,
) -> None:
    # Days of an archive read newest first; on each, 8 new trait names, 6 of them also sent by an identify with no
    # userId (HJ103) first. 80 names turned away were first seen before the site filled; "20 names" read as all.
    messages = []
    for day in reversed(range(21)):
        for hour in range(8):
            moment = (START + timedelta(days=day, hours=hour)).isoformat().replace("+00:00", "Z")
            traits = {f"trait_{day}_{hour}": 1}
            if hour % 4:
                messages.append({"type": "identify", "anonymousId": "a1", "traits": traits, "timestamp": moment})
            messages.append({"type": "identify", "userId": "u1", "traits": traits, "timestamp": moment})
    log = tmp_path / "newest-first.jsonl"
    log.write_text(lines_of(*messages))
    said = (
        "at least 20 names turned away were first sent before the site filled up, by event time, and up to 60 more "
        "first seen before it, values of which another rule dropped (an identify with no userId, a nested object)"
    )
    for format in ("text", "markdown", "html"):
        out = " ".join(cli("inventory", log, "--max-attributes", "88", "--format", format)[1].split())
        assert said in out.replace("\\", "").replace("At least", "at least"), format
    budget = json.loads(cli("inventory", log, "--max-attributes", "88", "--format", "json")[1])["attributes"]["budget"]
    assert budget["turned_away_before_fill"] == {"sent": 20, "unsure": 60}
    markdown = cli("inventory", log, "--max-attributes", "88", "--format", "markdown")[1].splitlines()
    budget = next(at for at, line in enumerate(markdown) if line.startswith("- Attribute budget: "))
    # One paragraph once rendered: the budget ends its sentence before the note under it begins its own.
    assert markdown[budget].endswith(".") and markdown[budget + 1].startswith("  At least 20 names turned away")
