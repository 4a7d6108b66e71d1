"""Trait strings become the same `Date`s in the replay page as in analytics.js, and each user's time zone.

The reference is Segment's own code: `@segment/isodate` and `@segment/isodate-traverse`, the packages
analytics.js' facade converts traits with, installed from the npm registry into a folder kept for the test
session (pytest's cache when it is on) and run with node under `TZ`. The conversion under test,
`SEGMENT_DATES_JS`, runs in real headless Chromium with the browser context's time zone set to the same zone.
Both sides run at the same moment, which matters: a date-time written with a space takes the zone's offset
at the moment the identify runs. So Segment's side also runs with its clock set to an instant in winter or in
summer, the moment the user's browser ran the identify, and the page is given that instant as `at`, as a
replay gives it each call's own time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hotjar_cli.core.decode import context_timezone, decode_one, parse_line
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Event, Position
from hotjar_cli.replay import plan_events
from hotjar_cli.replay.checkpoint import call_digest
from hotjar_cli.replay.dates import SEGMENT_DATES_JS
from hotjar_cli.replay.plan import At, PlannedCall, message_json, valid_timezone
from tests.support.cli import cli

ZONES = ("UTC", "Europe/Paris", "America/New_York")

WINTER = round(datetime(2024, 1, 15, 12, tzinfo=UTC).timestamp() * 1000)
SUMMER = round(datetime(2024, 7, 15, 12, tzinfo=UTC).timestamp() * 1000)
"""Moments an identify ran in the user's browser, in milliseconds since 1970: on each side of daylight saving."""
HOUR = 3_600_000

STRINGS = [
    # A date alone: midnight UTC in every zone.
    "2022-02-03",
    "1999-12-31",
    "2024-02-29",
    "1970-01-01",
    "9999-12-31",
    # Out-of-range or zero months and days: 00 counts as 1, the rest rolls over through Date.UTC.
    "2023-02-29",
    "2022-13-01",
    "2022-99-99",
    "2022-00-00",
    "2022-02-00",
    "2022-02-32",
    "2022-04-31",
    # Two-digit years after Date.UTC: 0000 to 0099 are 1900 to 1999.
    "0000-01-01",
    "0099-12-31",
    "0100-01-01",
    # A time after T: UTC unless an offset says otherwise; seconds and separators optional.
    "2022-02-03T10:11",
    "2022-02-03T1011",
    "2022-02-03T10:11:12",
    "2022-02-03T101112",
    "2022-02-03T10:11:12Z",
    "2022-02-03T10:11Z",
    "20220203",
    "2022-0203",
    "2022-02-03T10:11:12+05",
    "2022-02-03T10:11:12+0530",
    "2022-02-03T10:11:12+05:30",
    "2022-02-03T10:11:12-03:00",
    "2022-02-03T10:11:12-0000",
    "2022-02-03T10:11+01",
    "2022-02-03T10:11:12+99:99",
    "2022-02-03T10:11:12-23:59",
    # Fractions of any length, after a dot or a comma: three digits kept, padded on the right.
    "2022-02-03T10:11:12.5Z",
    "2022-02-03T10:11:12.12Z",
    "2022-02-03T10:11:12.123Z",
    "2022-02-03T10:11:12.1234Z",
    "2022-02-03T10:11:12.123456Z",
    "2022-02-03T10:11:12.123456789Z",
    "2022-02-03T10:11:12,5",
    "2022-02-03T10:11:12.000000001+02:00",
    "2022-02-03T10:11:12.999999999Z",
    "2022-02-03T10:11:12.Z",
    # A space: the browser zone's offset now; an offset written after it is ignored, even Z.
    "2022-02-03 10:11",
    "2022-02-03 10:11:12",
    "2022-02-03 10:11:12.5",
    "2022-02-03 10:11:12Z",
    "2022-02-03 10:11:12+05:00",
    "2022-07-01 12:00:00",
    "2022-03-27 02:30:00",
    "2022-11-06 01:30:00",
    # Out-of-range times roll over.
    "2022-02-03T24:00:00Z",
    "2022-02-03T99:99:99Z",
    "2022-12-31T23:59:60Z",
    "2022-12-31 23:59:60",
    # Strings the non-strict mode would convert but strict mode keeps.
    "2022",
    "2022-02",
    "202202",
    "2022-02T10:00",
    "2022T10:00",
    "2022-02-0310:00",
    # Not dates at all, or not quite.
    "",
    "hello",
    "2022/02/03",
    "03/02/2022",
    "Feb 3 2022",
    "2022-02-03 ",
    " 2022-02-03",
    "2022-02-03\n",
    "2022-02-03x",
    "2022-02-03T",
    "2022-02-03T10",
    "2022-02-03T10:1",
    "2022-02-03T10:11:12+5:30",
    "2022-02-03t10:11",
    "2022-02-03T10:11:12z",
    "2022-02-03T10:11:12+05:30:00",
    "+002022-02-03",
    "12345-01-01",
    "\uff12\uff10\uff12\uff12-02-03",
    "2022-02-03T10:11:12.5+",
    "Thu, 03 Feb 2022 10:11:12 GMT",
]

ATTRIBUTES = {
    "signed_up": "2022-02-03",
    "last_seen": "2022-02-03 10:11:12",
    "plan": "pro",
    "seats": 3,
    "paid": True,
    "churned": None,
    "note": "2022-02",
    "__proto__": "2022-02-03T10:11:12Z",
    "address": {"since": "2021-05-06T07:08:09+02:00", "city": "Paris", "deep": {"at": "2020-01-01"}},
    "history": ["2022-02-03", 4, ["2022-13-01", "x"], {"on": "2022-02-03 00:00"}],
}

# Turns Dates into {"date": epoch ms} (or "invalid") so both sides can be compared as JSON. A Date is told by
# its kind, not by `instanceof Date`: on Segment's side the global `Date` is replaced (see NODE_SCRIPT).
TAG_JS = r"""const tag = value => Object.prototype.toString.call(value) === '[object Date]'
    ? {date: Number.isNaN(value.getTime()) ? 'invalid' : value.getTime()}
    : Array.isArray(value) ? value.map(tag)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.keys(value).map(key => [key, tag(value[key])]))
      : value;"""

NODE_SCRIPT = (
    TAG_JS
    + r"""
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
if (input.at !== null) {
  // The clock of the user's browser when the identify ran: `new Date()` and `Date.now()` give that instant,
  // everything else is the real Date's.
  const RealDate = Date, at = input.at;
  global.Date = class extends RealDate {
    constructor(...args) { if (args.length) super(...args); else super(at); }
    static now() { return at; }
  };
}
const traverse = require('@segment/isodate-traverse');
// Facade calls traverse(message) with no second argument: strict mode.
const strings = input.strings.map(text => tag(traverse({value: text}).value));
const attributes = tag(traverse(JSON.parse(input.attributes)));
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
process.stdout.write(JSON.stringify({zone, now: Date.now(), strings, attributes}));
"""
)

BROWSER_SCRIPT = (
    "input => {\n"
    + TAG_JS
    + "\nconst convert = "
    + SEGMENT_DATES_JS
    + r""";
  const parsed = JSON.parse(input.attributes), before = JSON.stringify(parsed);
  const attributes = tag(convert(parsed, input.at));
  if (JSON.stringify(parsed) !== before) throw new Error('the attributes given were changed');
  // As JSON text: Playwright's own serialisation would drop a `__proto__` key.
  return JSON.stringify({zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
                         strings: input.strings.map(text => tag(convert({value: text}, input.at).value)),
                         attributes});
}"""
)


@pytest.fixture(scope="session")
def segment_dates(segment_dates_folder: Path) -> Path:
    """A folder with Segment's date packages installed from the npm registry, and the comparison script."""
    (segment_dates_folder / "compare.js").write_text(NODE_SCRIPT)
    return segment_dates_folder


def run_segment(folder: Path, zone: str, at: int | None = None) -> dict[str, Any]:
    """What Segment's packages make of STRINGS and ATTRIBUTES, run with node in `zone` with its clock at `at`
    (milliseconds since 1970; None: the real clock)."""
    done = subprocess.run(
        ["node", "compare.js"],
        cwd=folder,
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        timeout=60,
        input=json.dumps({"strings": STRINGS, "attributes": json.dumps(ATTRIBUTES), "at": at}),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium-headless-shell") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


def run_replay_page(browser: Any, zone: str, at: At = None, attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    """What SEGMENT_DATES_JS makes of STRINGS and `attributes` (ATTRIBUTES unless given) in headless Chromium
    whose context runs in `zone`, given `at` as the time the identify ran."""
    context = browser.new_context(timezone_id=zone)
    try:
        page = context.new_page()
        given = ATTRIBUTES if attributes is None else attributes
        return json.loads(
            page.evaluate(BROWSER_SCRIPT, {"strings": STRINGS, "attributes": json.dumps(given), "at": at})
        )
    finally:
        context.close()


def test_there_are_enough_strings_of_every_kind() -> None:
    assert len(STRINGS) >= 40 and len(set(STRINGS)) == len(STRINGS)


@pytest.mark.parametrize("at", [None, WINTER, SUMMER], ids=["now", "winter", "summer"])
@pytest.mark.parametrize("zone", ZONES)
def test_the_replay_page_converts_trait_strings_as_segment_does(
    segment_dates: Path, browser: Any, zone: str, at: int | None
) -> None:
    segment = run_segment(segment_dates, zone, at)
    replay = run_replay_page(browser, zone, at)
    assert (segment["zone"], replay["zone"]) == (zone, zone)
    if at is not None:
        assert segment["now"] == at  # Segment's side ran at the instant given
    differ = [
        (text, segment_value, replay_value)
        for text, segment_value, replay_value in zip(STRINGS, segment["strings"], replay["strings"], strict=True)
        if segment_value != replay_value
    ]
    assert differ == [], "(string, Segment's value, the replay page's value)"
    assert replay["attributes"] == segment["attributes"]
    # The comparison is not empty: these kinds are all present, in both.
    kinds = {"date" if isinstance(value, dict) else "string" for value in segment["strings"]}
    assert kinds == {"date", "string"}
    assert sum(isinstance(value, dict) for value in segment["strings"]) >= 40


def test_the_dry_run_names_the_traits_segment_turns_into_dates(segment_dates: Path, tmp_path: Path) -> None:
    # The dry run printed `{"a": "2024-01-01T1000"}` as a plain string, which the page sends as a Date.
    traits = {f"t{number}": text for number, text in enumerate(STRINGS)}
    log = tmp_path / "dates.jsonl"
    log.write_text(json.dumps({"type": "identify", "userId": "u1", "traits": traits}) + "\n")
    segment = run_segment(segment_dates, "UTC")
    turned = [f"t{number}" for number, value in enumerate(segment["strings"]) if isinstance(value, dict)]
    for planned in ([], ["--latest-traits"]):
        lines = cli("replay", log, "--dry-run", *planned).stdout.splitlines()
        assert len(lines) == 1
        assert json.loads(lines[0])["dates"] == turned
    assert len(turned) >= 40


def test_the_zone_changes_only_space_separated_date_times(browser: Any) -> None:
    by_zone = {zone: run_replay_page(browser, zone)["strings"] for zone in ZONES}
    changed = {
        text for index, text in enumerate(STRINGS) if len({json.dumps(by_zone[zone][index]) for zone in ZONES}) > 1
    }
    assert changed == {
        text
        for text in STRINGS
        if text.startswith("20") and text[10:11] == " " and isinstance(by_zone["UTC"][STRINGS.index(text)], dict)
    }
    assert changed  # so the zone really reached the page


def test_a_space_separated_date_time_takes_the_offset_of_the_moment_the_identify_ran(
    segment_dates: Path, browser: Any
) -> None:
    # Paris is UTC+1 in winter and UTC+2 in summer, whatever the date written: the same string is an hour
    # earlier when the identify ran in summer, in Segment's code as in the replay page.
    text = "2022-07-01 12:00:00"
    for run in (
        lambda at: run_segment(segment_dates, "Europe/Paris", at),
        lambda at: run_replay_page(browser, "Europe/Paris", at),
    ):
        winter, summer = (run(at)["strings"][STRINGS.index(text)]["date"] for at in (WINTER, SUMMER))
        assert winter == round(datetime(2022, 7, 1, 11, tzinfo=UTC).timestamp() * 1000)
        assert winter - summer == HOUR
    # Nothing else moves: the other strings do not depend on the moment.
    winter_page, summer_page = (run_replay_page(browser, "Europe/Paris", at)["strings"] for at in (WINTER, SUMMER))
    moved = {text for text, one, other in zip(STRINGS, winter_page, summer_page, strict=True) if one != other}
    assert moved == {
        text for text in STRINGS if text[10:11] == " " and isinstance(winter_page[STRINGS.index(text)], dict)
    }


def test_each_attribute_of_a_merged_identify_takes_its_own_time(browser: Any) -> None:
    # A `--latest-traits` merge: one time per top-level attribute, found by name (`__proto__` and `constructor`
    # are names like any other), nested values going with their attribute, and an attribute not named: now.
    space = "2022-07-01 12:00:00"
    attributes = {
        "__proto__": space,
        "constructor": space,
        "toString": {"at": space, "list": [space]},
        "summer": space,
        "unnamed": space,
    }
    times = (("__proto__", WINTER), ("constructor", SUMMER), ("toString", WINTER), ("summer", SUMMER))
    converted = run_replay_page(browser, "Europe/Paris", times, attributes)["attributes"]
    now = run_replay_page(browser, "Europe/Paris", None, attributes)["attributes"]["unnamed"]
    winter = {"date": round(datetime(2022, 7, 1, 11, tzinfo=UTC).timestamp() * 1000)}
    summer = {"date": winter["date"] - HOUR}
    assert converted == {
        "__proto__": winter,
        "constructor": summer,
        "toString": {"at": winter, "list": [winter]},
        "summer": summer,
        "unnamed": now,
    }


def date(text: str, zone: str, browser: Any) -> Any:
    return run_replay_page(browser, zone)["strings"][STRINGS.index(text)]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2022-02-03", "2022-02-03T00:00:00+00:00"),
        ("2022-00-00", "2022-01-01T00:00:00+00:00"),
        ("2022-13-01", "2023-01-01T00:00:00+00:00"),
        ("0099-12-31", "1999-12-31T00:00:00+00:00"),
        ("2022-02-03T10:11:12.123456789Z", "2022-02-03T10:11:12.123000+00:00"),
        ("2022-02-03T10:11:12,5", "2022-02-03T10:11:12.500000+00:00"),
        ("2022-02-03T10:11:12+05:30", "2022-02-03T04:41:12+00:00"),
        ("2022-02-03T24:00:00Z", "2022-02-04T00:00:00+00:00"),
    ],
)
def test_what_some_strings_become_in_paris(text: str, iso: str, browser: Any) -> None:
    from datetime import datetime

    assert date(text, "Europe/Paris", browser) == {"date": round(datetime.fromisoformat(iso).timestamp() * 1000)}


# The user's time zone in the plan.


def events(*messages: dict[str, Any]) -> list[Event]:
    mapper = Mapper(Limits())
    found = []
    for number, message in enumerate(messages, 1):
        for parsed in parse_line(json.dumps(message).encode())[0]:
            found.append(Event(Position("log.ndjson", number), parsed, mapper.decide(parsed)))
    return found


def identify(user: str, zone: Any, at: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "anonymousId": "a-" + user,
        "context": {"locale": "fr-FR", "timezone": zone},
        "type": "identify",
        "userId": user,
        "traits": {"plan": "pro"},
        **({"timestamp": at} if at else {}),
        **fields,
    }


def track(user: str, zone: Any, at: str | None = None) -> dict[str, Any]:
    return {
        "context": {"timezone": zone},
        "type": "track",
        "userId": user,
        "event": "Signed In",
        **({"timestamp": at} if at else {}),
    }


def zones(*messages: dict[str, Any], latest_traits: bool = False) -> dict[str, str | None]:
    return {user.key: user.timezone for user in plan_events(events(*messages), latest_traits).users}


def test_a_user_replays_in_the_zone_of_their_latest_identify_by_time_not_input_order() -> None:
    assert zones(
        identify("u1", "America/New_York", "2020-04-11T12:00:00Z"),
        identify("u1", "Europe/Paris", "2020-04-11T09:00:00Z"),
    ) == {"u1": "America/New_York"}
    assert zones(
        identify("u1", "America/New_York", "2020-04-11T12:00:00Z"),
        identify("u1", "Europe/Paris", "2020-04-11T09:00:00Z"),
        latest_traits=True,
    ) == {"u1": "America/New_York"}
    # Ties and untimed messages: input order, untimed last, as the plan orders calls.
    assert zones(identify("u1", "Asia/Tokyo"), identify("u1", "Europe/Paris", "2020-04-11T09:00:00Z")) == {
        "u1": "Asia/Tokyo"
    }


def test_the_users_of_a_batch_replay_in_the_zone_of_its_top_level_context() -> None:
    # Segment's HTTP API applies a batch's top-level context to every item: an item that names no zone of its own
    # was sent from a browser in the batch's.
    without_zone = identify("u1", None, "2020-04-11T09:00:00Z")
    del without_zone["context"]
    envelope = {
        "batch": [without_zone, identify("u2", "Asia/Tokyo", "2020-04-11T09:00:00Z")],
        "context": {"timezone": "Europe/Paris"},
    }
    assert zones(envelope) == {"u1": "Europe/Paris", "u2": "Asia/Tokyo"}


def test_identify_zones_come_before_zones_of_other_calls() -> None:
    assert zones(
        identify("u1", "Europe/Paris", "2020-04-11T09:00:00Z"), track("u1", "America/New_York", "2020-04-11T12:00:00Z")
    ) == {"u1": "Europe/Paris"}
    assert zones(
        identify("u1", None, "2020-04-11T09:00:00Z"),
        track("u1", "America/New_York", "2020-04-11T12:00:00Z"),
        track("u1", "Asia/Kolkata", "2020-04-11T10:00:00Z"),
    ) == {"u1": "America/New_York"}


def test_only_valid_zone_names_count_and_none_means_utc() -> None:
    assert zones(
        identify("u1", "Europe/Paris", "2020-04-11T09:00:00Z"),
        identify("u1", "Mars/Olympus_Mons", "2020-04-11T12:00:00Z"),
        identify("u1", "localtime", "2020-04-11T13:00:00Z"),
        identify("u1", "../../etc/passwd", "2020-04-11T14:00:00Z"),
        identify("u1", 120, "2020-04-11T15:00:00Z"),
        identify("u2", "europe/paris"),
        identify("u3", None),
        identify("u4", ""),
        {"type": "identify", "userId": "u5", "traits": {}, "context": "Europe/Paris"},
        {"type": "identify", "userId": "u6", "traits": {}},
    ) == {"u1": "Europe/Paris", "u2": None, "u3": None, "u4": None, "u5": None, "u6": None}
    # Names browsers write that are links in the zone database are valid too.
    assert all(valid_timezone(name) for name in ("Asia/Calcutta", "Asia/Kolkata", "UTC", "Etc/GMT+5", "US/Eastern"))
    assert not any(valid_timezone(name) for name in ("", "posixrules", "localtime", "Europe/", "/etc/localtime"))


def test_a_dead_letter_from_standard_input_keeps_the_time_zone_and_the_library_of_its_context() -> None:
    message = decode_one(json.dumps(identify("u1", "Europe/Paris", ip="1.2.3.4")).encode())
    assert context_timezone(message) == "Europe/Paris"
    assert json.loads(message_json(message))["context"] == {"timezone": "Europe/Paris"}  # what the decoder reads
    sent = {**identify("u1", "Europe/Paris"), "context": {"library": {"name": "analytics-node"}, "timezone": "UTC"}}
    kept = json.loads(message_json(decode_one(json.dumps(sent).encode())))["context"]
    assert kept == {"library": {"name": "analytics-node"}, "timezone": "UTC"}  # read again, it is not a browser's
    assert json.loads(message_json(decode_one(json.dumps(identify("u1", 5)).encode())))["context"]["timezone"] == 5


# Each call's own time in the plan: the moment the page converts its dates at.


def test_each_planned_call_carries_its_message_s_time_in_milliseconds() -> None:
    (user,) = plan_events(
        events(
            identify("u1", "Europe/Paris", "2024-07-01T10:00:00.123Z"),
            track("u1", "Europe/Paris", "2024-01-15T13:00:00+01:00"),
            identify("u1", "Europe/Paris"),
        )
    ).users
    assert [(planned.call.kind, planned.at) for planned in user.calls] == [
        ("identify", 1_719_828_000_123),
        ("identify", None),  # no readable time: the page takes the offset at replay time
        ("event", WINTER),
    ]
    # The time is no part of the call: a checkpoint written before it was kept still knows the call.
    identified = user.calls[0]
    assert call_digest(identified) == call_digest(PlannedCall(identified.call, identified.origins))


def test_a_merged_identify_keeps_each_attribute_s_own_time() -> None:
    first, second = "2024-01-15T12:00:00Z", "2024-07-15T12:00:00Z"
    (user,) = plan_events(
        events(
            identify("u1", "Europe/Paris", second, traits={"plan": "team", "email": "a@example.com"}),
            identify("u1", "Europe/Paris", traits={"seats": 4}),
            identify("u1", "Europe/Paris", first, traits={"plan": "pro", "seats": 3, "since": "2022-07-01 12:00:00"}),
        ),
        latest_traits=True,
    ).users
    (merged,) = user.calls
    # Later values win by time, not input order, and each keeps its identify's time; `seats` came last from an
    # identify without a readable time, so it is not listed (now).
    assert merged.args[2] == {"plan": "team", "seats": 4, "since": "2022-07-01 12:00:00", "email": "a@example.com"}
    assert merged.at == (("plan", SUMMER), ("since", WINTER), ("email", SUMMER))
