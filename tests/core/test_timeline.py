"""Loss over time: the time series in the JSON report, each rule's first and last sighting, and change points."""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import hotjar_cli.run.parallel as parallel
from hotjar_cli.cli.app import app
from hotjar_cli.core.decode import decode_one
from hotjar_cli.core.eventtime import event_seconds
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Position
from hotjar_cli.core.timeline import MAX_BUCKETS, Timeline
from hotjar_cli.report.site_view import LIMIT_CODES, timeline_record

LIMIT_RULES = dict.fromkeys(LIMIT_CODES)
"""The site's limits, started where first met, with no first read known: at the first bucket holding each."""

START = datetime(2024, 3, 1, tzinfo=UTC)
ENV = {"NO_COLOR": "1", "COLUMNS": "200"}


def cli(*args: str | Path) -> tuple[int, str]:
    result = CliRunner(env=ENV).invoke(app, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def changing_log(path: Path) -> tuple[int, int]:
    """Ten days of identifies every half hour: a nested trait from day 4, a 101st attribute name from day 7.

    Returns the lines where each starts."""
    lines = [
        json.dumps(
            {
                "type": "identify",
                "userId": "u0",
                "timestamp": START.isoformat(),
                "traits": {f"n{number}": number for number in range(100)},
            }
        )
    ]
    nested_from = extra_from = 0
    for number in range(1, 480):
        moment = START + timedelta(minutes=30 * number)
        traits: dict[str, object] = {"n1": number}
        if moment >= START + timedelta(days=4, hours=5):
            traits["address"] = {"city": "Berlin"}
            nested_from = nested_from or len(lines) + 1
        if moment >= START + timedelta(days=7, hours=13):
            traits["extra"] = True
            extra_from = extra_from or len(lines) + 1
        lines.append(
            json.dumps(
                {
                    "type": "identify",
                    "userId": f"u{number % 30}",
                    "traits": traits,
                    "timestamp": moment.isoformat().replace("+00:00", "Z"),
                }
            )
        )
    path.write_text("\n".join(lines) + "\n")
    return nested_from, extra_from


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_the_report_names_the_day_each_loss_started_and_its_first_line(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    log = tmp_path / "changing.jsonl"
    nested_from, extra_from = changing_log(log)
    _, out = cli("validate", log, "--format", "json", "--jobs", jobs, "--by", "day")
    timeline = json.loads(out)["timeline"]
    assert timeline["by"] == "day" and len(timeline["buckets"]) == 10
    assert [bucket["start"] for bucket in timeline["buckets"]][:2] == ["2024-03-01", "2024-03-02"]
    assert sum(bucket["events"] for bucket in timeline["buckets"]) == 480
    nested, extra = timeline["rules"]["HJ201"], timeline["rules"]["HJ206"]
    assert nested["first_seen"] == {"time": "2024-03-05T05:00:00.000Z", "file": str(log), "line": nested_from}
    assert nested["started"] == [{"bucket": "2024-03-05", "first_example": nested["first_seen"]}]
    assert extra["first_seen"] == {"time": "2024-03-08T13:00:00.000Z", "file": str(log), "line": extra_from}
    assert extra["started"] == [{"bucket": "2024-03-08", "first_example": extra["first_seen"]}]
    assert nested["last_seen"]["line"] == extra["last_seen"]["line"] == 480
    monkeypatch.chdir(tmp_path)
    _, text = cli("validate", "changing.jsonl", "--jobs", jobs, "--by", "day")
    rows = {line.split("│")[1].strip(): line for line in text.splitlines() if line.startswith("│ HJ")}
    assert f"│ 2024-03-05T05:00:00.000Z at changing.jsonl:{nested_from} " in rows["HJ201"]
    assert f"│ on 2024-03-05: first 2024-03-05T05:00:00.000Z at changing.jsonl:{nested_from} " in rows["HJ201"]
    assert f"│ on 2024-03-08: first 2024-03-08T13:00:00.000Z at changing.jsonl:{extra_from} " in rows["HJ206"]


def test_a_day_of_logs_by_day_says_no_rule_is_too_quiet_to_start(tmp_path: Path) -> None:
    # 400 tracks in one day: no day is too quiet, there is one day; by hour, each of its three hours holds enough.
    log = tmp_path / "day.jsonl"
    log.write_text(
        "".join(
            json.dumps(
                {
                    "type": "track",
                    "userId": "u",
                    "event": "A",
                    "properties": {"a": 1},
                    "timestamp": f"2024-03-01T{number % 3:02d}:{number % 60:02d}:00Z",
                }
            )
            + "\n"
            for number in range(400)
        )
    )
    assert "Too few" not in cli("validate", log, "--fail-on", "never")[1]
    assert "Too few" not in cli("validate", log, "--fail-on", "never", "--by", "hour")[1]  # 3 busy hours, measured


def midnight_deploy_log(path: Path, without: int | None = None) -> int:
    """Three days by hour: 30 identifies an hour from 06:00 to 21:59, 10 in the night's hours; from midnight of the
    third day every identify carries a nested trait, but in the hour `without`. Returns the line of the first."""
    lines: list[str] = []
    first = 0
    for day in (1, 2, 3):
        for hour in range(24):
            for number in range(30 if 6 <= hour < 22 else 10):
                traits: dict[str, object] = {"plan": "pro"}
                if day == 3 and hour != without:
                    traits["company"] = {"name": "Acme"}
                    first = first or len(lines) + 1
                time = f"2024-03-{day:02d}T{hour:02d}:{number:02d}:00.000Z"
                lines.append(
                    json.dumps({"type": "identify", "userId": f"u{number}", "traits": traits, "timestamp": time})
                )
    path.write_text("\n".join(lines) + "\n")
    return first


def test_by_hour_a_loss_starts_in_the_quiet_hours_before_the_first_busy_one_that_shows_it(tmp_path: Path) -> None:
    # The night's hours hold 10 identifies, too few to measure a start by; every one of them from midnight on
    # carries the nested trait, so it started at midnight, not at 06:00, the first hour busy enough to tell.
    log = tmp_path / "deploy.jsonl"
    first = midnight_deploy_log(log)
    started = json.loads(cli("validate", log, "-f", "json", "--by", "hour")[1])["timeline"]["rules"]["HJ201"]["started"]
    assert started == [
        {
            "bucket": "2024-03-03T00:00Z",
            "first_example": {"time": "2024-03-03T00:00:00.000Z", "file": str(log), "line": first},
        }
    ]
    # A quiet hour without it ends the walk back: the start is after that hour.
    midnight_deploy_log(log, without=2)
    started = json.loads(cli("validate", log, "-f", "json", "--by", "hour")[1])["timeline"]["rules"]["HJ201"]["started"]
    assert [start["bucket"] for start in started] == ["2024-03-03T03:00Z"]
    # So does an hour without identifies: one stray message alone in an empty night is not where it started.
    lines = [line for line in log.read_text().splitlines() if "2024-03-03T0" not in line or "T06:" in line]
    stray = {"type": "identify", "userId": "s", "traits": {"x": {"y": 1}}, "timestamp": "2024-03-02T23:59:00.000Z"}
    log.write_text("\n".join([*lines, json.dumps(stray)]) + "\n")
    started = json.loads(cli("validate", log, "-f", "json", "--by", "hour")[1])["timeline"]["rules"]["HJ201"]["started"]
    assert [start["bucket"] for start in started] == ["2024-03-03T06:00Z"]


def late_deploy_log(path: Path, stray_on_day: int | None = None) -> int:
    """Six days of 48 identifies a day, every half hour; from the fourth day's 23:30 each carries a nested trait (and,
    on `stray_on_day`, one at 12:00). Returns the line of the first at 23:30."""
    lines, first = [], 0
    for day in range(6):
        for half_hour in range(48):
            traits: dict[str, object] = {"plan": "pro"}
            late = (day, half_hour) >= (3, 47)
            if late or (day == stray_on_day and half_hour == 24):
                traits["address"] = {"city": "Berlin"}
            moment = (START + timedelta(days=day, minutes=30 * half_hour)).isoformat().replace("+00:00", "Z")
            lines.append(json.dumps({"type": "identify", "userId": "u", "traits": traits, "timestamp": moment}))
            first = first or (len(lines) if late else 0)
    path.write_text("\n".join(lines) + "\n")
    return first


def test_a_loss_that_starts_late_in_a_day_starts_that_day_at_its_first_line(tmp_path: Path) -> None:
    # Deployed at 23:30, the nested trait showed in 1 of the day's 48 identifies, too few to be a start; the next
    # day, in all of them, was: "started on" the next day, after the line "since" named, read as two starts.
    log = tmp_path / "late.jsonl"
    first = late_deploy_log(log)
    rule = json.loads(cli("validate", log, "-f", "json")[1])["timeline"]["rules"]["HJ201"]
    assert rule["started"] == [
        {"bucket": "2024-03-04", "first_example": {"time": "2024-03-04T23:30:00.000Z", "file": str(log), "line": first}}
    ]
    assert rule["first_seen"] == rule["started"][0]["first_example"]
    # Where it showed before, in the days measured against, it started the day it grew: the next.
    late_deploy_log(log, stray_on_day=1)
    rule = json.loads(cli("validate", log, "-f", "json")[1])["timeline"]["rules"]["HJ201"]
    assert [start["bucket"] for start in rule["started"]] == ["2024-03-05"]


def first_day_fill_log(path: Path, every: int = 1) -> int:
    """Three days of identifies every `every` minutes, each with three of 90 attribute names until 20:00 on the first
    day, then of 200: the site fills that evening. Returns the line of the first name it turns away."""
    lines, first = [], 0
    for minute in range(0, 3 * 24 * 60, every):
        names = 90 if minute < 20 * 60 else 200
        traits = {f"t{(minute * 7 + step * 31) % names}": 1 for step in range(3)}
        moment = (START + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z")
        lines.append(
            json.dumps({"type": "identify", "userId": f"u{minute % 50}", "traits": traits, "timestamp": moment})
        )
    path.write_text("\n".join(lines) + "\n")
    site: dict[str, None] = {}
    for number, line in enumerate(lines, start=1):
        for name in json.loads(line)["traits"]:
            if name not in site and len(site) == 100:
                first = first or number
            elif len(site) < 100:
                site[name] = None
    return first


def test_a_site_that_fills_on_the_logs_first_day_starts_turning_names_away_that_day(tmp_path: Path) -> None:
    # Nothing before the logs' first day can be measured against, so a loss in it showed no start, and the next day,
    # at full strength, read "started on" the second day. A site's limit is met only once the site is full: a site
    # with room as the logs began starts losing names where the first is turned away.
    log = tmp_path / "fill.jsonl"
    first = first_day_fill_log(log)
    assert first > 20 * 60
    rule = json.loads(cli("validate", log, "-f", "json")[1])["timeline"]["rules"]["HJ206"]
    assert rule["started"] == [{"bucket": "2024-03-01", "first_example": rule["first_seen"]}]
    assert rule["first_seen"]["line"] == first
    text = cli("validate", log)[1]
    assert f"on 2024-03-01: first {rule['first_seen']['time']} at" in text  # the table folds the path
    # A site full before the logs turns names away from the first new one: when that started, they do not show.
    known = tmp_path / "known.txt"
    known.write_text("\n".join(f"t{number}" for number in range(100)) + "\n")
    rule = json.loads(cli("validate", log, "-f", "json", "--known-attributes", known)[1])["timeline"]["rules"]["HJ206"]
    assert "2024-03-01" not in [start["bucket"] for start in rule["started"]]
    # Nor do the filters: the messages they leave out take their slots, and the site full since the first evening
    # turns the first name away within the window as it opens.
    for window in (["--since", "2024-03-02"], ["--since", "2024-03-02T12:00Z", "--by", "hour"]):
        rule = json.loads(cli("validate", log, "-f", "json", *window)[1])["timeline"]["rules"]["HJ206"]
        assert rule["started"] == [], window


def test_a_site_limit_s_start_is_told_however_few_its_messages_and_whatever_a_far_off_clock_says(
    tmp_path: Path,
) -> None:
    # By hour, 12 identifies an hour: the report said the limit "started on" the evening the site filled, then "Too
    # few identifies an hour to tell when HJ206 started". And one identify from a device whose clock read 1970, turned
    # away after the fill, made that the rule's first sighting, outside the buckets charted: the start was gone, and
    # nothing said why.
    logs = tmp_path / "logs"
    logs.mkdir()
    first = first_day_fill_log(logs / "a.jsonl", every=5)
    report = json.loads(cli("validate", logs, "-f", "json", "--by", "hour")[1])
    rule = report["timeline"]["rules"]["HJ206"]
    assert rule["start_measured"] and rule["first_seen"]["line"] == first
    assert [start["first_example"] for start in rule["started"]] == [rule["first_seen"]]
    text = cli("validate", logs, "--by", "hour")[1]
    assert "on 2024-03-01T22:00Z" in text and "to tell when" not in text
    stray = {"type": "identify", "userId": "u1", "traits": {"brand_new": 1}, "timestamp": "1970-01-01T00:00:00Z"}
    (logs / "b.jsonl").write_text(json.dumps(stray) + "\n")
    for by in ("hour", "day"):
        timeline = json.loads(cli("validate", logs, "-f", "json", "--by", by)[1])["timeline"]
        rule = timeline["rules"]["HJ206"]
        assert rule["first_seen"]["file"].endswith("b.jsonl") and timeline["far_off"] is not None
        assert [start["first_example"]["line"] for start in rule["started"]] == [first], by


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_site_limit_starts_where_the_site_filled_when_earlier_days_are_read_after_it(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `a.jsonl` holds 5 and 6 March and fills the site; `b.jsonl`, read after it, holds 1 March, whose new names the
    # full site turns away. validate said the limit "started on 2026-03-01" at b.jsonl:1, four days before the site
    # filled, where the inventory says it filled at a.jsonl:100.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")
    logs = tmp_path / "logs"
    logs.mkdir()

    def identifies(day: int, prefix: str, count: int) -> str:
        moments = (datetime(2026, 3, day, tzinfo=UTC) + timedelta(minutes=10 * number) for number in range(count))
        return "".join(
            json.dumps(
                {
                    "type": "identify",
                    "userId": f"u{number % 7}",
                    "traits": {f"{prefix}{number}": 1},
                    "timestamp": moment.isoformat().replace("+00:00", "Z"),
                }
            )
            + "\n"
            for number, moment in enumerate(moments)
        )

    (logs / "a.jsonl").write_text(identifies(5, "a", 140))
    (logs / "b.jsonl").write_text(identifies(1, "b", 30))
    # However many examples are shown: with --examples 0 the start was the earliest by event time, 1 March.
    for examples in ("3", "0"):
        rule = json.loads(
            cli("validate", logs, "-f", "json", "--jobs", jobs, "--fail-on", "never", "--examples", examples)[1]
        )["timeline"]["rules"]["HJ206"]
        assert rule["first_seen"]["file"].endswith("b.jsonl")  # the earliest by event time, as it is
        assert rule["started"] == [
            {
                "bucket": "2026-03-05",
                "first_example": {"time": "2026-03-05T16:40:00.000Z", "file": str(logs / "a.jsonl"), "line": 101},
            }
        ], examples
    inventory = json.loads(cli("inventory", logs, "-f", "json", "--jobs", jobs)[1])
    assert inventory["attributes"]["budget"]["filled_at"]["line"] == 100


def minority_log(path: Path) -> tuple[int, int]:
    """Ten days of 500 messages a day, 20 identifies and 20 tracks among pages: from day 5 every identify carries a
    nested trait, from day 7 every track an event name Hotjar refuses. Returns the lines where each starts."""
    lines: list[str] = []
    nested_from = refused_from = 0
    for day in range(10):
        for number in range(500):
            moment = (START + timedelta(days=day, seconds=number * 170)).isoformat().replace("+00:00", "Z")
            message: dict[str, object] = {"type": "page", "userId": f"u{number % 40}", "timestamp": moment}
            if number % 25 == 0:
                traits: dict[str, object] = {"plan": "pro"}
                if day >= 4:
                    traits["address"] = {"city": "Berlin"}
                    nested_from = nested_from or len(lines) + 1
                message.update(type="identify", traits=traits)
            elif number % 25 == 1:
                message.update(type="track", event="Signed Up" if day < 6 else "Signed Up!!")
                refused_from = refused_from or (len(lines) + 1 if day >= 6 else 0)
            lines.append(json.dumps(message))
    path.write_text("\n".join(lines) + "\n")
    return nested_from, refused_from


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_a_loss_starts_among_the_messages_its_rule_applies_to_however_few_they_are(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Identifies and tracks are 4 % of the messages each: measured against every message, neither rule's share rose by
    # the 5 percentage points a start takes, though every identify (or track) broke it from one day on.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")
    log = tmp_path / "minority.jsonl"
    nested_from, refused_from = minority_log(log)
    _, out = cli("validate", log, "--format", "json", "--jobs", jobs, "--by", "day", "--fail-on", "never")
    timeline = json.loads(out)["timeline"]
    assert [(bucket["events"], bucket["identifies"], bucket["tracks"]) for bucket in timeline["buckets"]] == [
        (500, 20, 20)
    ] * 10
    nested, refused = timeline["rules"]["HJ201"], timeline["rules"]["HJ303"]
    assert nested["started"] == [
        {
            "bucket": "2024-03-05",
            "first_example": {"time": nested["first_seen"]["time"], "file": str(log), "line": nested_from},
        }
    ]
    assert refused["started"] == [
        {
            "bucket": "2024-03-07",
            "first_example": {"time": refused["first_seen"]["time"], "file": str(log), "line": refused_from},
        }
    ]
    assert timeline["rules"]["HJ101"]["started"] == []  # the pages, the same every day
    monkeypatch.chdir(tmp_path)
    _, text = cli("validate", "minority.jsonl", "--jobs", jobs, "--by", "day", "--fail-on", "never")
    rows = {line.split("│")[1].strip(): line for line in text.splitlines() if line.startswith("│ HJ")}
    assert f"on 2024-03-05: first 2024-03-05T00:00:00.000Z at minority.jsonl:{nested_from} " in rows["HJ201"]
    assert f"on 2024-03-07: first 2024-03-07T00:02:50.000Z at minority.jsonl:{refused_from} " in rows["HJ303"]


def test_an_uncopyable_message_starts_among_the_identifies_and_tracks(tmp_path: Path) -> None:
    # HJ110 finds fault with identifies and tracks alone: 8 % of these messages. From day 6, every track holds an
    # object with its own `hasOwnProperty`, half the identifies and tracks; against every message, 4 % started nothing.
    log = tmp_path / "uncopyable.jsonl"
    lines: list[str] = []
    first = 0
    for day in range(10):
        for number in range(500):
            moment = (START + timedelta(days=day, seconds=number * 170)).isoformat().replace("+00:00", "Z")
            message: dict[str, object] = {"type": "page", "userId": f"u{number % 40}", "timestamp": moment}
            if number % 25 == 0:
                message.update(type="identify", traits={"plan": "pro"})
            elif number % 25 == 1:
                message.update(type="track", event="Signed Up")
                if day >= 5:
                    message["properties"] = {"cart": {"hasOwnProperty": 1}}
                    first = first or len(lines) + 1
            lines.append(json.dumps(message))
    log.write_text("\n".join(lines) + "\n")
    _, out = cli("validate", log, "--format", "json", "--by", "day", "--fail-on", "never")
    uncopyable = json.loads(out)["timeline"]["rules"]["HJ110"]
    assert uncopyable["started"] == [
        {
            "bucket": "2024-03-06",
            "first_example": {"time": uncopyable["first_seen"]["time"], "file": str(log), "line": first},
        }
    ]


def few_identifies_log(path: Path) -> None:
    """Two days of a page a minute and an identify every six: ten identifies an hour, each with a nested trait from
    the second day's 06:00."""
    lines = []
    for minute in range(48 * 60):
        moment = (START + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z")
        message: dict[str, object] = {"type": "page", "userId": f"u{minute % 60}", "timestamp": moment}
        if minute % 6 == 0:
            traits: dict[str, object] = {"plan": "pro"}
            if minute >= 30 * 60:
                traits["address"] = {"city": "Berlin"}
            message.update(type="identify", traits=traits)
        lines.append(json.dumps(message))
    path.write_text("\n".join(lines) + "\n")


def test_a_rule_with_too_few_messages_a_bucket_to_start_says_so(tmp_path: Path) -> None:
    # By hour, no hour holds the 20 identifies a start is measured over: an empty started column answered nothing.
    log = tmp_path / "few.jsonl"
    few_identifies_log(log)
    _, out = cli("validate", log, "--format", "json", "--by", "hour", "--fail-on", "never")
    rules = json.loads(out)["timeline"]["rules"]
    assert (rules["HJ201"]["started"], rules["HJ201"]["start_measured"]) == ([], False)
    assert rules["HJ101"]["start_measured"]  # the pages: 50 an hour
    _, text = cli("validate", log, "--by", "hour", "--fail-on", "never")
    said = " ".join(line.strip() for line in text.split("Too few", 1)[1].splitlines()[:3])
    assert said.startswith(
        "identifies an hour to tell when HJ201 started: a start is told over hours of 20 identifies or more, two at "
        "least; --by day gathers more in each"
    )
    report = tmp_path / "report.html"
    cli("validate", log, "--by", "hour", "--format", "html", "-o", report, "--fail-on", "never")
    card = report.read_text().split('id="HJ201"', 1)[1].split("</section>", 1)[0]
    assert "Too few identifies an hour to tell when it started" in card
    # By day, 240 identifies a day: measured, and the start found.
    _, out = cli("validate", log, "--format", "json", "--by", "day", "--fail-on", "never")
    nested = json.loads(out)["timeline"]["rules"]["HJ201"]
    assert nested["start_measured"] and [start["bucket"] for start in nested["started"]] == ["2024-03-02"]
    _, text = cli("validate", log, "--by", "day", "--fail-on", "never")
    assert "Too few" not in text


def test_a_rule_found_only_on_lines_without_an_event_time_is_not_said_to_need_larger_buckets(tmp_path: Path) -> None:
    # Broken lines have no event time: "Too few events an hour to tell when HJ001 started; --by day gathers more" sent
    # the reader to buckets no size of which would date them.
    lines = [
        json.dumps(
            {"type": "track", "event": "A", "timestamp": f"2024-03-0{1 + hour // 24}T{hour % 24:02d}:{m:02d}:00Z"}
        )
        for hour in range(48)
        for m in range(0, 60, 6)
    ]
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join([*lines, "{broken"]) + "\n")
    _, text = cli("validate", log, "--by", "hour", "--fail-on", "never")
    said = " ".join(text.split("Too few", 1)[1].split("gathers more in each", 1)[0].split())
    assert said.startswith("messages an hour to tell when HJ005 started:")  # no user id, on every timed track
    assert "HJ001" not in said


@pytest.mark.parametrize(
    ("empty", "said"),
    [
        ((), ""),
        ((4,), "No events in a span of event time, between the first event and the last: 2024-03-05 (1 day)"),
        (
            (4, 5, 8),
            "No events in 2 spans of event time, between the first event and the last: 2024-03-05 to 2024-03-06 "
            "(2 days), 2024-03-09 (1 day)",
        ),
        (
            # The five longest, in time order, and the others counted.
            (1, 3, 4, 6, 7, 8, 10, 12, 13, 15, 17),
            "No events in 7 spans of event time, between the first event and the last: 2024-03-02 (1 day), "
            "2024-03-04 to 2024-03-05 (2 days), 2024-03-07 to 2024-03-09 (3 days), 2024-03-11 (1 day), "
            "2024-03-13 to 2024-03-14 (2 days), and 2 more",
        ),
    ],
    ids=["none", "a-day", "two-spans", "past-five"],
)
def test_the_text_and_html_reports_name_the_spans_of_event_time_without_events(
    tmp_path: Path, empty: tuple[int, ...], said: str
) -> None:
    # An outage, or an export that missed days, shows as no events between the first and the last.
    log = tmp_path / "gaps.jsonl"
    days = [day for day in range(19) if day not in empty]
    log.write_text(
        "".join(
            json.dumps(
                {"type": "track", "userId": "u", "event": "Signed Up", "timestamp": f"2024-03-{day + 1:02d}T10:00:00Z"}
            )
            + "\n"
            for day in days
        )
    )
    code, out = cli("validate", log, "--fail-on", "never")
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    found = [" ".join(lines[at : at + 3]) for at, line in enumerate(lines) if line.startswith("No events in")]
    assert [text[: len(said)] for text in found] == ([said] if said else [])
    # The HTML report says it in the same words: in a chart of many buckets, a span is a step, read by no one.
    page = tmp_path / "report.html"
    cli("validate", log, "--format", "html", "-o", page, "--fail-on", "never")
    assert re.findall(r'<p class="gaps">(.*?)\.</p>', page.read_text()) == ([html.escape(said)] if said else [])


def test_spans_without_events_by_hour_end_where_the_last_empty_hour_ends(tmp_path: Path) -> None:
    log = tmp_path / "hours.jsonl"
    hours = [0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]  # none at 03:00 and 04:00
    log.write_text(
        "".join(
            json.dumps(
                {"type": "track", "userId": "u", "event": "Signed Up", "timestamp": f"2024-03-01T{hour:02d}:10:00Z"}
            )
            + "\n"
            for hour in hours
        )
    )
    _, out = cli("validate", log, "--by", "hour", "--fail-on", "never")
    assert (
        "No events in a span of event time, between the first event and the last: from 2024-03-01T03:00Z until "
        "2024-03-01T05:00Z (2 hours)" in " ".join(out.split())
    )


def hourly_log(
    path: Path, days: int, hours: Iterable[int], empty: set[tuple[int, int]], earlier_from: int = 99, per_hour: int = 8
) -> Path:
    """`per_hour` tracks in each of `hours` of the day, over `days` days from 2024-03-01, an hour earlier from the day
    `earlier_from` on (a clock's shift), but for the `empty` (day, hour)."""
    path.write_text(
        "".join(
            json.dumps(
                {
                    "type": "track",
                    "userId": "u",
                    "event": "A",
                    "timestamp": f"2024-03-{day:02d}T{at:02d}:{minute:02d}:00Z",
                }
            )
            + "\n"
            for day in range(1, days + 1)
            for at in (hour - (day >= earlier_from) for hour in hours)
            if (day, at) not in empty
            for minute in range(10, 10 + per_hour)
        )
    )
    return path


@pytest.mark.parametrize(
    ("days", "hours", "empty", "said"),
    [
        # A site used by day, an afternoon's outage: the six nights between are no outage, and listed, the nights
        # (the longest runs) hid it.
        (
            7,
            range(8, 18),
            {(4, 11), (4, 12), (4, 13)},
            "from 2024-03-04T11:00Z until 2024-03-04T14:00Z (3 hours), not counting 6 spans in hours of the day "
            "often without events",
        ),
        # An outage that runs into the night is listed whole, its quiet hours included.
        (
            7,
            range(8, 18),
            {(4, 16), (4, 17), (5, 8)},
            "from 2024-03-04T16:00Z until 2024-03-05T09:00Z (17 hours), not counting 5 spans",
        ),
        # An outage of the morning's first hour, which a clock's shift would leave empty on every night's edge on
        # one side of the shift: here on one day alone, so no shift; listed whole, with the night before it.
        (
            7,
            range(8, 18),
            {(4, 8)},
            "from 2024-03-03T18:00Z until 2024-03-04T09:00Z (15 hours), not counting 5 spans",
        ),
        # An evening that tails off: its last two hours hold events on most days, but not on every one, and the
        # nights that start early are still no outage; the afternoon's hour is.
        (
            10,
            range(8, 20),
            {(2, 19), (5, 18), (5, 19), (8, 18), (8, 19), (6, 13)},
            "from 2024-03-06T13:00Z until 2024-03-06T14:00Z (1 hour), not counting 9 spans in hours of the day "
            "often without events",
        ),
        # A night's hour that holds events on most days, not every one: the nights it is empty are still no outage.
        (
            10,
            [*range(8, 18), 23],
            {(3, 23), (6, 23), (5, 12)},
            "from 2024-03-05T12:00Z until 2024-03-05T13:00Z (1 hour), not counting 17 spans in hours of the day "
            "often without events",
        ),
        # The same alone between two hours with events: an hour empty on four nights of thirteen, one in three, is
        # busy (two days in three), and those nights it was listed as an outage of an hour each.
        (
            13,
            [0, *range(8, 18), 22, 23],
            {(2, 23), (5, 23), (8, 23), (11, 23), (6, 13)},
            "from 2024-03-06T13:00Z until 2024-03-06T14:00Z (1 hour), not counting 30 spans in hours of the day "
            "often without events",
        ),
        # A site used day and night: a night's outage is one, and two on two days at one hour are two.
        (5, range(24), {(3, 2), (3, 3)}, "from 2024-03-03T02:00Z until 2024-03-03T04:00Z (2 hours)"),
        (
            10,
            range(24),
            {(3, 2), (7, 2)},
            "No events in 2 spans of event time, between the first event and the last: from 2024-03-03T02:00Z until "
            "2024-03-03T03:00Z (1 hour), from 2024-03-07T02:00Z until 2024-03-07T03:00Z (1 hour)",
        ),
        # Two days tell no habit, and the logs cover the night between once: it is listed, with the afternoon's hour.
        (
            2,
            range(8, 18),
            {(2, 12)},
            "No events in 2 spans of event time, between the first event and the last: from 2024-03-01T18:00Z until "
            "2024-03-02T08:00Z (14 hours), from 2024-03-02T12:00Z until 2024-03-02T13:00Z (1 hour)",
        ),
        # A whole day without events is an outage, whichever hours it holds.
        (
            5,
            range(8, 18),
            {(3, hour) for hour in range(8, 18)},
            "from 2024-03-02T18:00Z until 2024-03-04T08:00Z (38 hours), not counting 2 spans",
        ),
    ],
    ids=[
        "daytime-outage",
        "into-the-night",
        "first-hour",
        "evening-tails-off",
        "a-night-hour",
        "a-night-hour-alone",
        "day-and-night",
        "day-and-night-twice",
        "two-days",
        "a-whole-day",
    ],
)
def test_by_hour_the_nights_of_a_site_used_by_day_are_no_outage(
    tmp_path: Path, days: int, hours: Iterable[int], empty: set[tuple[int, int]], said: str
) -> None:
    log = hourly_log(tmp_path / "hours.jsonl", days, hours, empty)
    _, out = cli("validate", log, "--by", "hour", "--fail-on", "never")
    text = " ".join(out.split())
    assert (
        said in text
        if said.startswith("No events")
        else f"No events in a span of event time, between the first event and the last: {said}" in text
    )


def test_spans_without_events_say_when_they_are_of_the_filtered_events_or_may_hold_a_file_s_unread_rest(
    tmp_path: Path,
) -> None:
    # One user's idle days read as outages of the logs, and the unread rest of a gzip cut short as a two-hour one.
    log = hourly_log(tmp_path / "hours.jsonl", 7, range(8, 18), {(4, 11), (4, 12), (4, 13)})
    other = {"type": "track", "userId": "someone else", "event": "A", "timestamp": "2024-03-04T12:30:00Z"}
    log.write_text(log.read_text() + json.dumps(other) + "\n")
    text = " ".join(cli("validate", log, "--by", "hour", "--fail-on", "never", "--user", "u")[1].split())
    assert (
        "No events the filters let through in a span of event time, between the first such event and the last: " in text
    )
    assert "from 2024-03-04T11:00Z until 2024-03-04T14:00Z (3 hours)" in text
    whole = " ".join(cli("validate", log, "--by", "hour", "--fail-on", "never")[1].split())
    assert "No events in 2 spans" in whole and "filters let through" not in whole  # someone else's track at 12:30
    cut = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(log.read_bytes())
    cut.write_bytes(data[: len(data) * 2 // 3])
    code, out = cli("validate", cut, "--by", "hour", "--fail-on", "never")
    assert code == 2
    assert "; 1 file could not be read to its end, and what it holds past where reading stopped may lie in" in " ".join(
        out.split()
    )


def test_by_hour_a_few_days_of_sparse_nights_list_no_outage_but_the_day_s(tmp_path: Path) -> None:
    # Five days of a site busy by day, with an event or two in each night hour but on some nights none: the night
    # hours held events on most days, so each empty one was listed as an outage of an hour or three, beside the real
    # one. An hour of one event is empty by chance on some day of a week.
    day = hourly_log(tmp_path / "day.jsonl", 5, range(8, 18), {(3, 12), (3, 13)})
    quiet = {(2, 3), (3, 0), (3, 1), (4, 5), (5, 2)}
    night = hourly_log(tmp_path / "night.jsonl", 5, [*range(6), *range(18, 24)], quiet, per_hour=1)
    log = tmp_path / "site.jsonl"
    log.write_text(day.read_text() + night.read_text())
    text = " ".join(cli("validate", log, "--by", "hour", "--fail-on", "never")[1].split())
    assert (
        "No events in a span of event time, between the first event and the last: from 2024-03-03T12:00Z until "
        "2024-03-03T14:00Z (2 hours), not counting 8 spans in hours of the day often without events"
    ) in text


def test_by_hour_a_clock_shifted_an_hour_leaves_the_nights_no_outage(tmp_path: Path) -> None:
    # From the fourth day, the site's hours are an hour earlier (a change of summer time): the hours at either end
    # hold events on some days only, and the nights about them are still no outage; the afternoon's is.
    log = hourly_log(tmp_path / "hours.jsonl", 7, range(8, 18), {(6, 13), (6, 14)}, earlier_from=4)
    _, out = cli("validate", log, "--by", "hour", "--fail-on", "never")
    assert (
        "No events in a span of event time, between the first event and the last: from 2024-03-06T13:00Z until "
        "2024-03-06T15:00Z (2 hours), not counting 6 spans in hours of the day often without events"
    ) in " ".join(out.split())


def test_by_hour_a_clock_shifted_late_in_the_logs_leaves_a_busy_hour_empty_at_each_night_s_edge(tmp_path: Path) -> None:
    # From the eighth of ten days the site's hours are an hour earlier: 17:00 still holds events on seven days in
    # ten, a busy hour, and it is empty at the start of each of the last three nights, which are still no outage.
    log = hourly_log(tmp_path / "hours.jsonl", 10, range(8, 18), {(5, 13)}, earlier_from=8)
    _, out = cli("validate", log, "--by", "hour", "--fail-on", "never")
    assert (
        "No events in a span of event time, between the first event and the last: from 2024-03-05T13:00Z until "
        "2024-03-05T14:00Z (1 hour), not counting 9 spans in hours of the day often without events"
    ) in " ".join(out.split())


def far_off_clock_log(path: Path, event: str) -> Path:
    """One track from a clock 23 years off among 200 of a week, each under `event`."""
    times = ["2001-01-01T10:00:00Z"] + [f"2024-05-0{1 + number % 7}T10:{number % 60:02d}:00Z" for number in range(200)]
    path.write_text(
        "".join(
            json.dumps({"type": "track", "userId": "u", "event": event, "timestamp": time}) + "\n" for time in times
        )
    )
    return path


def test_a_far_off_clock_is_counted_apart_and_makes_no_span_without_events_of_the_years_between(
    tmp_path: Path,
) -> None:
    # Charted with the rest, the years between would read as an outage of 279 months, in buckets of a month.
    log = far_off_clock_log(tmp_path / "far.jsonl", "Signed Up")
    code, out = cli("validate", log, "--format", "json", "--fail-on", "never")
    timeline = json.loads(out)["timeline"]
    assert code == 0 and timeline["by"] == "day"
    assert [bucket["start"] for bucket in timeline["buckets"]] == [f"2024-05-0{day}" for day in range(1, 8)]
    assert timeline["far_off"]["events"] == 1 and timeline["far_off"]["starts"] == ["2001-01-01"]
    _, text = cli("validate", log, "--fail-on", "never")
    assert "No events in" not in text


def test_a_far_off_clock_leaves_a_rule_measured_in_the_days_of_the_rest(tmp_path: Path) -> None:
    # The months of a 23-year span would hold the 200 tracks in one: too few months to tell when a rule started.
    log = far_off_clock_log(tmp_path / "far.jsonl", "Signed Up!!")
    _, out = cli("validate", log, "--format", "json", "--fail-on", "never")
    timeline = json.loads(out)["timeline"]
    assert timeline["far_off"]["events_by_rule"] == {"HJ303": 1}
    assert timeline["rules"]["HJ303"]["start_measured"]
    assert timeline["rules"]["HJ303"]["first_seen"]["time"] == "2001-01-01T10:00:00.000Z"  # the truth, far off or not
    _, text = cli("validate", log, "--fail-on", "never")
    assert "When each rule occurs" in text and "Too few" not in text
    assert (
        "1 event lies outside 2024-05-01 to 2024-05-07, far from the rest (2001-01-01): counted apart, not charted"
        in " ".join(text.split())
    )


def test_by_hour_has_a_bucket_for_every_hour_empty_ones_too(tmp_path: Path) -> None:
    log = tmp_path / "changing.jsonl"
    changing_log(log)
    _, out = cli("validate", log, "--format", "json", "--by", "hour")
    timeline = json.loads(out)["timeline"]
    assert timeline["by"] == "hour" and len(timeline["buckets"]) == 240
    assert timeline["buckets"][0]["start"] == "2024-03-01T00:00Z"
    assert all(bucket["events"] == 2 for bucket in timeline["buckets"][1:])


@pytest.mark.parametrize(
    ("first", "by", "untimed", "invalid", "buckets"),
    [
        # No time, then an unreadable line; the timed event's offset moves it to 08:00 UTC.
        ('{"type": "track", "userId": "u", "event": "x"}\n{not json', "hour", 2, 1, [("2024-03-01T08:00Z", 1)]),
        # An empty time first in the file.
        ('{"type": "track", "userId": "u", "event": "x", "timestamp": ""}', "day", 1, 0, [("2024-03-01", 1)]),
    ],
    ids=["missing-and-unreadable", "empty-first"],
)
def test_events_without_a_time_are_counted_apart(
    tmp_path: Path, first: str, by: str, untimed: int, invalid: int, buckets: list[tuple[str, int]]
) -> None:
    log = tmp_path / "log.jsonl"
    timed = "+02:00" if by == "hour" else "Z"
    log.write_text(
        f'{first}\n{{"type": "track", "userId": "u", "event": "x", "timestamp": "2024-03-01T10:00:00{timed}"}}\n'
    )
    code, out = cli("validate", log, "--format", "json", "--by", by, "--fail-on", "never")
    timeline = json.loads(out)["timeline"]
    assert code == 0
    assert (timeline["untimed"]["events"], timeline["untimed"]["outcomes"]["invalid"]) == (untimed, invalid)
    assert [(bucket["start"], bucket["events"]) for bucket in timeline["buckets"]] == buckets


@pytest.mark.parametrize(
    "command", [("validate", "--format", "json", "--fail-on", "never"), ("inventory", "--format", "json")]
)
def test_times_at_the_ends_of_the_years_a_date_holds_are_bucketed_or_counted_apart(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    # The first and last years a date holds, in Segment's form and with offsets that take a time past them in UTC.
    times = [
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.5Z",
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:00:00+05:00",
    ]
    log = tmp_path / "log.jsonl"
    log.write_text(
        "".join(
            json.dumps({"type": "identify", "userId": "u", "traits": {"plan": "pro"}, "timestamp": time}) + "\n"
            for time in times
        )
    )
    code, out = cli(command[0], log, *command[1:])
    assert code == 0
    report = json.loads(out)
    if command[0] == "validate":
        timeline = report["timeline"]
        assert timeline["by"] == "year" and timeline["untimed"]["events"] == 2
        assert [timeline["buckets"][0]["start"], timeline["buckets"][-1]["start"]] == ["0001", "9999"]
        assert sum(bucket["events"] for bucket in timeline["buckets"]) == 2
    else:
        assert report["span"] == {
            "first": "0001-01-01T00:00:00.000Z",
            "last": "9999-12-31T23:59:59.500Z",
            "far_off": None,
        }
        assert [name["name"] for name in report["attributes"]["names"]] == ["plan"]


def test_a_span_of_millennia_keeps_the_report_bounded_with_the_years_that_hold_events(tmp_path: Path) -> None:
    # A device with a broken clock (the year 1) and one from the far future: 9,999 years, most of them empty, would
    # be most of the report. Past the bound, only the years that hold events are listed.
    times = ["0001-01-01T00:00:00Z", "2024-03-01T10:00:00Z", "2024-03-02T10:00:00Z", "9999-01-01T00:00:00Z"]
    log = tmp_path / "log.jsonl"
    log.write_text(
        "".join(json.dumps({"type": "track", "userId": "u", "event": "A", "timestamp": t}) + "\n" for t in times)
    )
    code, out = cli("validate", log, "-f", "json")
    assert code == 0
    timeline = json.loads(out)["timeline"]
    assert timeline["by"] == "year"
    assert [(bucket["start"], bucket["events"]) for bucket in timeline["buckets"]] == [
        ("0001", 1),
        ("2024", 2),
        ("9999", 1),
    ]
    # Within the bound, every bucket from the first to the last, empty ones too: months, here.
    log.write_text(
        "".join(
            json.dumps({"type": "track", "userId": "u", "event": "A", "timestamp": t}) + "\n"
            for t in ("1970-01-01T00:00:00Z", "2024-03-01T10:00:00Z")
        )
    )
    months = json.loads(cli("validate", log, "-f", "json")[1])["timeline"]
    assert months["by"] == "month" and len(months["buckets"]) == (2024 - 1970) * 12 + 3
    assert sum(bucket["events"] for bucket in months["buckets"]) == 2


def test_a_time_with_an_offset_is_bucketed_by_its_own_hour_whatever_came_before(tmp_path: Path) -> None:
    # Both times are 22 characters and start with the same hour; the second is an hour earlier in UTC.
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"type": "track", "userId": "u", "event": "x", "timestamp": "2024-03-01T10:00:00.1Z"}\n'
        '{"type": "track", "userId": "u", "event": "x", "timestamp": "2024-03-01T10:00:00+01"}\n'
    )
    _, out = cli("validate", log, "--format", "json", "--by", "hour")
    buckets = json.loads(out)["timeline"]["buckets"]
    assert [(bucket["start"], bucket["events"]) for bucket in buckets] == [
        ("2024-03-01T09:00Z", 1),
        ("2024-03-01T10:00Z", 1),
    ]


def test_a_span_of_years_is_bucketed_coarser_and_stays_bounded(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        "".join(
            json.dumps({"type": "track", "userId": "u", "event": "x", "timestamp": f"{year}-06-01T00:00:00Z"}) + "\n"
            for year in (1990, 2024, 2025)
        )
    )
    _, out = cli("validate", log, "--format", "json", "--by", "hour")
    timeline = json.loads(out)["timeline"]
    assert timeline["by"] == "month" and len(timeline["buckets"]) == 35 * 12 + 1


def test_file_names_in_the_since_table_are_text_not_markup(tmp_path: Path) -> None:
    folder = tmp_path / "[bold red]logs"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"type": "identify", "traits": {"a": 1}, "timestamp": "2024-03-01T10:00:00Z"}\n')
    _, text = cli("validate", folder, "--examples", "0", "--by", "day")
    table = text[text.index("When each rule occurs") :]
    assert "[bold" in table and "red]logs" in table


def test_a_narrow_terminal_wraps_a_long_file_name_in_the_since_table_and_never_cuts_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "segment-logs" / "2024" / "04" / "02" / "a-rather-long-folder-name"
    folder.mkdir(parents=True)
    log = folder / "events-from-the-archive.jsonl"
    log.write_text('{"type": "identify", "traits": {"plan": "pro"}, "timestamp": "2024-04-02T09:00:00Z"}\n' * 3)
    result = CliRunner(env={**ENV, "COLUMNS": "60"}).invoke(app, ["validate", str(log), "--fail-on", "never"])
    table = result.stdout.split("When each rule occurs", 1)[1].split("\n\n", 1)[0]
    assert "…" not in table
    # Too narrow for the table's two time columns, each rule's sightings are stacked under it, folded.
    assert "┃" not in table
    assert f"{log}:1" in "".join(line.strip() for line in table.splitlines())


_CLOCKS = ["10:00:00", "10:00:59", "10:59:07", "11:00:00", "23:59:59", "10:99:00", "10:00:60", "1x:00:00", "10:6x:00"]
_FRACTIONS = ["", ".5", ".12", ".123", ".1x", ".", ".1234"]


@settings(max_examples=60, deadline=None)
@given(
    times=st.lists(
        st.one_of(
            st.tuples(st.sampled_from(["2024-03-01T", "2024-02-30T", "2024-03-02T"]), st.sampled_from(_CLOCKS)).flatmap(
                lambda day: st.sampled_from(_FRACTIONS).map(lambda fraction: f"{day[0]}{day[1]}{fraction}Z")
            ),
            st.sampled_from(["2024-03-01T10:00:00+01:00", "2024-03-01", "", "2024-03-01T10:00:00.000z"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_every_event_is_bucketed_at_the_time_its_timestamp_holds_or_counted_apart(times: list[str]) -> None:
    # The obvious reference: each event's time read on its own. A time in Segment's form that is none (minute 99,
    # second 60, a letter among its digits) has no bucket, wherever it falls among real times of its minute.
    mapper, timeline = Mapper(Limits()), Timeline()
    expected: dict[int, int] = {}
    untimed = 0
    for line, time in enumerate(times, 1):
        message = decode_one(json.dumps({"type": "track", "userId": "u", "event": "x!", "timestamp": time}).encode())
        timeline.observe("log.jsonl", line, None, message, mapper.decide_message(message))
        seconds = event_seconds(message)
        if seconds is None:
            untimed += 1
        else:
            start = int(seconds // 3600) * 3600
            expected[start] = expected.get(start, 0) + 1
    timeline.finish()
    _, series, far_off = timeline.series("hour")
    assert {start: bucket.events for start, bucket in series + far_off if bucket.events} == expected
    assert timeline.untimed.events == untimed
    timed = [(event_seconds_of(time), line) for line, time in enumerate(times, 1) if event_seconds_of(time) is not None]
    if timed:
        first, last = min(timed), max(timed, key=lambda seen: (seen[0], seen[1]))
        assert (timeline.first["HJ303"][0], timeline.first["HJ303"][1].line) == first
        assert (timeline.last["HJ303"][0], timeline.last["HJ303"][1].line) == last


def event_seconds_of(time: str) -> float | None:
    return event_seconds(decode_one(json.dumps({"type": "track", "timestamp": time}).encode()))


def test_more_hours_than_are_remembered_are_each_bucketed(tmp_path: Path) -> None:
    # Hours read are remembered up to 100,000, then let go: the hours still waiting to be counted are read again.
    log = tmp_path / "log.jsonl"
    with log.open("w") as file:
        for hour in range(100_001):
            moment = f"{START + timedelta(hours=hour):%Y-%m-%dT%H:%M:%S}Z"
            file.write(f'{{"type": "track", "userId": "u", "event": "x", "timestamp": "{moment}"}}\n')
    code, out = cli("validate", log, "--format", "json", "--fail-on", "never")
    timeline = json.loads(out)["timeline"]
    assert code == 0
    assert sum(bucket["events"] for bucket in timeline["buckets"]) == 100_001
    assert timeline["untimed"]["events"] == 0


def test_a_kind_numbered_by_other_kinds_is_not_taken_for_one_met_here() -> None:
    # The counting loop hands over the number of a decision's kind in the summary's kinds; a timeline that counts
    # by other kinds (its own, once they grew too many) works the kind out itself.
    from hotjar_cli.core.kinds import Kinds

    mapper, timeline, elsewhere = Mapper(Limits()), Timeline(), Kinds()
    rejected, accepted = (
        decode_one(json.dumps({"type": "track", "userId": "u", "event": name, "timestamp": time}).encode())
        for name, time in (("x!", "2024-03-01T10:00:00.000Z"), ("Signed Up", "2024-03-01T10:00:01.000Z"))
    )
    decisions = [mapper.decide_message(message) for message in (rejected, accepted)]
    elsewhere.number(decisions[1])  # its number 0 there; the rejected track's number 0 here
    timeline.observe("log.jsonl", 1, None, rejected, decisions[0])
    timeline.observe_message(
        "log.jsonl", 2, None, accepted, decisions[1], accepted.timestamp, accepted.type, 0, elsewhere
    )
    timeline.finish()
    (_, bucket), *_ = timeline.series("hour")[1]
    assert bucket.rules == {"HJ303": 1}
    assert (bucket.events, bucket.tracks) == (2, 2)


def test_the_groups_held_stay_bounded_with_thousands_of_kinds_over_many_hours() -> None:
    # Each hour holds its groups in a list by the kind's number: a kind numbered in the thousands, met once in each
    # of many hours, must not make each hour hold thousands of places.
    from itertools import product

    from hotjar_cli.core.model import Decision, Finding, Outcome
    from hotjar_cli.core.rules import RULES
    from hotjar_cli.core.timeline import PENDING_GROUPS

    codes = sorted(RULES)[:20]
    shapes = [combination for size in (1, 2, 3) for combination in product(codes, repeat=size)][:6000]
    timeline = Timeline()
    expected: dict[int, int] = {}
    for number, shape in enumerate(shapes):
        hour = number % 50
        time = f"2024-03-{1 + hour // 24:02d}T{hour % 24:02d}:00:00Z"
        message = decode_one(json.dumps({"type": "track", "event": "x", "timestamp": time}).encode())
        decision = Decision(Outcome.REJECTED, None, tuple(Finding(code, "$.event") for code in shape))
        timeline.observe("log.jsonl", number + 1, None, message, decision)
        assert timeline.held <= PENDING_GROUPS
        start = int(datetime(2024, 3, 1 + hour // 24, hour % 24, tzinfo=UTC).timestamp())
        expected[start] = expected.get(start, 0) + 1
    timeline.finish()
    _, series, far_off = timeline.series("hour")
    assert {start: bucket.events for start, bucket in series + far_off if bucket.events} == expected


_SEEN = st.tuples(
    st.one_of(st.none(), st.sampled_from([0.0, 1.0, 1.5, 86_400.0]), st.floats(-1e10, 1e10, allow_nan=False)),
    st.builds(Position, st.sampled_from(["a.ndjson", "b.ndjson"]), st.integers(1, 4), st.sampled_from([None, 0, 2])),
)


@given(_SEEN, _SEEN)
@settings(max_examples=400, deadline=None)
def test_the_earlier_and_later_sighting_follow_the_order_of_time_then_file_line_and_index(
    first: tuple[float | None, Position], other: tuple[float | None, Position]
) -> None:
    # The order a report's first and last sightings follow, written out slowly: untimed sightings come after timed
    # ones, ties go by file name, line and batch index.
    def key(seen: tuple[float | None, Position]) -> tuple[object, ...]:
        when, position = seen
        place = (position.file, position.line, -1 if position.index is None else position.index)
        return (when is None, 0.0 if when is None else when, *place)

    def part(seen: tuple[float | None, Position] | None) -> Timeline:
        # A part of the input (`--jobs`, Dask) whose only sighting of a rule is `seen`; None: it has none.
        timeline = Timeline()
        if seen is not None:
            timeline.first, timeline.last = {"HJ303": seen}, {"HJ303": seen}
        return timeline

    earliest = other if key(other) < key(first) else first
    assert part(first).merge(part(other)).first == {"HJ303": earliest}
    assert part(None).merge(part(other)).first == {"HJ303": other}
    latest = other if (key(other)[0] is False, *key(other)[1:]) > (key(first)[0] is False, *key(first)[1:]) else first
    assert part(first).merge(part(other)).last == {"HJ303": latest}
    assert part(None).merge(part(other)).last == {"HJ303": other}


@pytest.mark.parametrize("by", ["day", "hour"])
def test_a_loss_that_starts_in_logs_sent_once_a_night_is_found_by_hour_as_by_day(tmp_path: Path, by: str) -> None:
    # A nightly job sends 30 events at 02:00; from the 6th, half have an event name Hotjar refuses. By hour, the 23
    # quiet hours between nights left no busy hour among the 7 before each night to compare with, so no start was
    # ever found; the nights before are what the 6th night is compared with.
    log = tmp_path / "nightly.jsonl"
    log.write_text(
        "".join(
            json.dumps(
                {
                    "type": "track",
                    "userId": f"u{number}",
                    "event": "Bad Event!" if day >= 6 and number % 2 == 0 else "Good Event",
                    "timestamp": f"2024-03-{day:02d}T02:00:{number:02d}Z",
                }
            )
            + "\n"
            for day in range(1, 11)
            for number in range(30)
        )
    )
    timeline = json.loads(cli("validate", log, "--format", "json", "--by", by)[1])["timeline"]
    started = timeline["rules"]["HJ303"]["started"]
    assert [start["bucket"] for start in started] == ["2024-03-06" if by == "day" else "2024-03-06T02:00Z"]
    assert started[0]["first_example"]["line"] == 151


def _hours_from(start: datetime, hours: list[int]) -> list[str]:
    return [(start + timedelta(hours=hour)).strftime("%Y-%m-%dT%H:%M:%SZ") for hour in hours]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 3000),
    st.integers(1, 3),
    st.lists(st.integers(1, 9999), max_size=8),
    st.lists(st.integers(1, 2999), max_size=3),
)
def test_the_series_and_the_far_off_events_are_the_same_for_any_split(
    hours: int, step: int, far_years: list[int], cuts: list[int]
) -> None:
    # Up to 3,000 hours with events, around 2,000 (past which the whole turns to days, and its parts may not), with a
    # few clocks in any year: counted whole, or in parts merged in order, the same record, by hour and by day, and
    # every event in it once.
    times = _hours_from(START, list(range(0, hours * step, step)))
    for at, year in enumerate(far_years):
        times.insert(at * 97 % (len(times) + 1), f"{year:04d}-06-01T00:00:00Z")
    mapper = Mapper(Limits())
    messages = [
        decode_one(json.dumps({"type": "track", "userId": "u", "event": "A!", "timestamp": time}).encode())
        for time in times
    ]

    def counted(first: int, last: int) -> Timeline:
        timeline = Timeline()
        for line in range(first, last):
            timeline.observe("log.jsonl", line + 1, None, messages[line], mapper.decide_message(messages[line]))
        timeline.finish()
        return timeline

    bounds = [0, *sorted({cut for cut in cuts if cut < len(messages)}), len(messages)]
    parts = [counted(first, last) for first, last in pairwise(bounds)]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    whole = counted(0, len(messages))
    # Bounded as the whole is: at most `MAX_BUCKETS` buckets held, at the resolution the whole holds.
    assert merged.resolution == whole.resolution and len(merged.buckets) == len(whole.buckets) <= MAX_BUCKETS
    for by in ("hour", "day"):
        record = timeline_record(whole, by, LIMIT_RULES)
        assert json.dumps(timeline_record(merged, by, LIMIT_RULES)) == json.dumps(record)
        far_off = record["far_off"]["events"] if record["far_off"] is not None else 0
        assert sum(bucket["events"] for bucket in record["buckets"]) + far_off == len(messages)
