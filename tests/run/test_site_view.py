"""The site view (inventory and timeline): the same bytes for any split of the work, and right against slow,
obviously correct references."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import os
import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest

import hotjar_cli.report.site_view as site_view_module
import hotjar_cli.run.parallel as parallel
from hotjar_cli.core.inventory import Inventory, InventoryBounds
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.views import SiteNames, View
from hotjar_cli.report.site_view import LIMIT_CODES, inventory_record, timeline_record
from hotjar_cli.run.one_pass import PassSettings
from hotjar_cli.sources.reader import resolve
from hotjar_cli.sources.source import Source
from tests.support.site_view_logs import timed_log

LIMIT_RULES = dict.fromkeys(LIMIT_CODES)
"""The site's limits, started where first met, with no first read known: at the first bucket holding each."""


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("timed")
    (folder / "a.jsonl").write_text(timed_log(2500, 60, 1), encoding="utf-8")
    with gzip.open(folder / "b.jsonl.gz", "wt", encoding="utf-8") as file:
        file.write(timed_log(1500, 90, 2, step=3000))
    (folder / "c.jsonl").write_text(timed_log(4000, 140, 3, step=20), encoding="utf-8")
    return folder


def site_view(folder: Path, settings: PassSettings, jobs: int, by: str = "day") -> str:
    engine = parallel.LocalEngine(jobs, min_bytes=0)  # local processes, however small the input
    summary = parallel.run_jobs(resolve([str(folder)]), settings, jobs, None, io.StringIO(), engine=engine)
    return json.dumps(
        [
            inventory_record(summary.views.inventory, False, Limits()),
            timeline_record(summary.views.timeline, by, LIMIT_RULES),
        ]
    )


@pytest.mark.parametrize(
    "limits",
    [Limits(), Limits(max_attributes=30, max_events=25), Limits(max_attributes=75, max_events=120)],
    ids=["defaults", "early", "late"],
)
@pytest.mark.parametrize(
    "known",
    [SiteNames(), SiteNames(("trait_3", "seeded"), ("Event 7", "Seeded event"))],
    ids=["empty-site", "known-names"],
)
def test_any_number_of_jobs_gives_the_same_site_view(logs: Path, limits: Limits, known: SiteNames) -> None:
    settings = PassSettings(limits=limits, views=frozenset(View), site_names=known)
    alone = site_view(logs, settings, 1, "hour")
    for jobs in (2, 3, 7):
        assert site_view(logs, settings, jobs, "hour") == alone


def test_a_sampled_inventory_and_estimated_users_merge_to_the_same_bytes(logs: Path) -> None:
    bounds = InventoryBounds(attribute_names=20, event_names=40, exact_users=8)
    settings = PassSettings(
        limits=Limits(max_attributes=30, max_events=25), views=frozenset(View), inventory_bounds=bounds
    )
    alone = site_view(logs, settings, 1)
    record = json.loads(alone)[0]
    assert record["events"]["remainder"]["sampled"] and record["events"]["remainder"]["names"] > 0
    assert any(row["users_estimated"] for row in record["events"]["names"])
    for jobs in (2, 5):
        assert site_view(logs, settings, jobs) == alone


FAULTED_EVENTS = [*(f"Bad (name) {number}" for number in range(5)), "Order 1234567890 Completed", "E" * 260]
FAULTED_TRAITS = ["id", "n" * 60]


def test_past_the_bounds_the_names_where_data_is_lost_are_held_first(tmp_path: Path) -> None:
    # 300 event names and 120 trait names against bounds of 40 and 20: a sample by hash alone would leave nearly
    # every faulted name out.
    lines = []
    for number in range(600):
        moment = f"2024-03-01T{number // 60:02}:{number % 60:02}:00Z"
        event = FAULTED_EVENTS[number % 7] if number % 3 == 0 else f"Event {number % 300}"
        lines.append(json.dumps({"type": "track", "userId": f"u{number}", "event": event, "timestamp": moment}))
        traits = {f"trait_{number % 120}": 1, **({FAULTED_TRAITS[number % 2]: "x"} if number % 5 == 0 else {})}
        lines.append(json.dumps({"type": "identify", "userId": f"u{number}", "traits": traits, "timestamp": moment}))
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    bounds = InventoryBounds(attribute_names=20, event_names=40, exact_users=8)
    settings = PassSettings(views=frozenset({View.INVENTORY}), inventory_bounds=bounds)
    alone = site_view_of_one(tmp_path / "a.jsonl", settings)
    record = json.loads(alone)
    for kind, faulted in (("events", FAULTED_EVENTS), ("attributes", FAULTED_TRAITS)):
        rows = {row["name"]: row for row in record[kind]["names"]}
        assert record[kind]["remainder"]["sampled"]
        assert [name for name in faulted if name not in rows] == []
        assert all(rows[name]["messages"] and rows[name]["first_seen"] for name in faulted)
    events = {row["name"]: row for row in record["events"]["names"]}
    assert events["Bad (name) 0"]["messages"] == sum(1 for line in lines if '"Bad (name) 0"' in line)
    assert events["Bad (name) 0"]["fate"] == "never-sent"
    for jobs in (2, 3):
        engine = parallel.LocalEngine(jobs, min_bytes=0)
        summary = parallel.run_jobs(
            resolve([str(tmp_path / "a.jsonl")]), settings, jobs, None, io.StringIO(), engine=engine
        )
        assert json.dumps(inventory_record(summary.views.inventory, False, Limits())) == alone


def test_past_the_bounds_every_event_name_the_site_keeps_is_held_with_its_counts(tmp_path: Path) -> None:
    # 300 event names, each in 3 tracks, against a sample of 40 names and a site of 100: by key alone, the sample
    # held about 13 of the 100 names the site kept, and the budget listed the rest with no count.
    lines = [
        json.dumps(
            {
                "type": "track",
                "userId": f"u{number % 7}",
                "event": f"Viewed Page {number % 300}",
                "timestamp": f"2024-03-01T{number // 60 % 24:02}:{number % 60:02}:00Z",
            }
        )
        for number in range(900)
    ]
    for part in range(3):  # three files: the parts read apart meet the site's names in each
        (tmp_path / f"{part}.jsonl").write_text("\n".join(lines[part * 300 : part * 300 + 300]) + "\n")
    bounds = InventoryBounds(attribute_names=20, event_names=40, exact_users=8)
    settings = PassSettings(limits=Limits(max_events=100), views=frozenset({View.INVENTORY}), inventory_bounds=bounds)
    summary = parallel.run_jobs(resolve([str(tmp_path)]), settings, 1, None, io.StringIO())
    alone = json.dumps(inventory_record(summary.views.inventory, False, Limits(max_events=100)))
    record = json.loads(alone)
    rows = {row["name"]: row for row in record["events"]["names"]}
    kept = {name: row for name, row in rows.items() if row["fate"] == "kept"}
    assert record["events"]["remainder"]["sampled"]
    assert sorted(kept) == sorted(f"Viewed Page {number}" for number in range(100))
    assert {(row["messages"], row["users"]) for row in kept.values()} == {(3, 3)}
    assert kept["Viewed Page 7"]["first_seen"] == {
        "time": "2024-03-01T00:07:00.000Z",
        "file": str(tmp_path / "0.jsonl"),
        "line": 8,
    }
    assert kept["Viewed Page 7"]["last_seen"]["file"] == str(tmp_path / "2.jsonl")
    assert len(rows) < 140  # the sample of 40 and the 100 kept, which it shares some with: not every name
    for jobs in (2, 3):
        engine = parallel.LocalEngine(jobs, min_bytes=0)
        summary = parallel.run_jobs(resolve([str(tmp_path)]), settings, jobs, None, io.StringIO(), engine=engine)
        assert json.dumps(inventory_record(summary.views.inventory, False, Limits(max_events=100))) == alone


@pytest.mark.parametrize(
    "bounds", [InventoryBounds(), InventoryBounds(attribute_names=20, event_names=40, exact_users=8)]
)
def test_names_held_only_before_the_logs_are_counted_apart_from_the_logs_names(
    logs: Path, bounds: InventoryBounds
) -> None:
    seeded = [f"Seeded event {number}" for number in range(30)]
    settings = PassSettings(
        limits=Limits(max_events=100),
        views=frozenset({View.INVENTORY}),
        inventory_bounds=bounds,
        site_names=SiteNames((), ("Event 7", *seeded)),  # the logs send Event 7 too
    )
    events = json.loads(site_view_of_one(logs / "a.jsonl", settings))["events"]
    if not events["distinct_names_estimated"]:
        assert events["known_only_names"] == 30
        assert len(events["names"]) == events["distinct_names"] + 30
    else:  # estimated as the distinct names of the logs and the seeds together, less those of the logs
        assert events["known_only_names"] == pytest.approx(30, abs=3)
    unseeded = json.loads(site_view_of_one(logs / "a.jsonl", PassSettings(views=frozenset({View.INVENTORY}))))
    assert unseeded["events"]["known_only_names"] == 0


def site_view_of_one(log: Path, settings: PassSettings) -> str:
    summary = parallel.run_jobs(resolve([str(log)]), settings, 1, None, io.StringIO())
    return json.dumps(inventory_record(summary.views.inventory, False, Limits()))


def cli(*arguments: str) -> tuple[int, bytes]:
    """The real command line in a fresh process: exit code and stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", *arguments],
        capture_output=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
    )
    return done.returncode, done.stdout


def test_dask_gives_the_same_inventory_json_and_html_bytes(logs: Path) -> None:
    pytest.importorskip("dask.distributed")
    limits = ["--max-attributes", "30", "--max-events", "25", "--known-events", str(logs.parent / "known.txt")]
    (logs.parent / "known.txt").write_text("Event 3\nSeeded\n")
    for command in (
        ["inventory", str(logs), "--format", "json"],
        ["validate", str(logs), "--format", "json", "--by", "hour", "--fail-on", "never"],
        ["validate", str(logs), "--format", "html", "--fail-on", "never"],
    ):
        alone = cli(*command, *limits, "--jobs", "1")
        assert alone[0] == 0 and alone[1]
        assert cli(*command, *limits, "--engine", "dask", "--jobs", "2") == alone


def test_the_site_as_of_the_messages_the_filters_left_out_is_the_same_for_any_split(
    logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The messages --until leaves out still take slots, and the fill is projected from the latest of them
    # (`site_as_of`): their event times, counted by each worker, add up to those of one process, on Dask too.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    command = ["inventory", str(logs), "--format", "json", "--max-attributes", "200", "--until", "2024-03-03"]
    alone = cli(*command, "--jobs", "1")
    record = json.loads(alone[1])
    assert alone[0] == 0 and record["span"]["last"] < "2024-03-03" < record["site_as_of"]
    assert cli(*command, "--jobs", "3") == alone
    if importlib.util.find_spec("dask.distributed") is not None:
        assert cli(*command, "--engine", "dask", "--jobs", "2") == alone


def test_a_workers_timeline_crosses_without_the_decisions_it_met(tmp_path: Path) -> None:
    # Thousands of event names are thousands of decisions the timeline recognises events by while it counts; they
    # are of no use to the merge, and sending them back made each unit's result hundreds of kilobytes.

    log = tmp_path / "names.jsonl"
    names = [f"Viewed Article {number}" for number in range(3000)]
    log.write_text(
        "".join(
            json.dumps(
                {"type": "track", "event": name, "userId": "u1", "timestamp": "2024-03-01T10:00:00.000Z"},
                separators=(",", ":"),
            )
            + "\n"
            for name in names
        )
    )
    settings = PassSettings(views=frozenset({View.TIMELINE}))
    seeds = parallel.Seeds([], names, True, True)  # the site holds them already: no new names to send either
    partial = parallel.run_unit(Source(str(log), log), settings, None, None, seeds)
    assert partial.summary.events == 3000
    assert partial.summary.views is not None and partial.summary.views.timeline is not None
    assert len(pickle.dumps(partial)) < 8_000


class _CollectingEngine(parallel.LocalEngine):
    """Local processes that keep what their workers handed over at the end."""

    def __init__(self, jobs: int) -> None:
        super().__init__(jobs, min_bytes=0)
        self.handed_over: list[parallel.Future] = []

    def hand_over(self, executor: parallel.Executor, run: str) -> list[parallel.Future]:
        futures = super().hand_over(executor, run)
        self.handed_over.extend(futures)
        return futures


@pytest.mark.parametrize(
    "limits", [Limits(), Limits(max_attributes=30, max_events=25), Limits(max_attributes=75, max_events=120)]
)
@pytest.mark.parametrize(
    "bounds", [InventoryBounds(), InventoryBounds(attribute_names=20, event_names=40, exact_users=8)]
)
def test_workers_that_keep_their_names_over_many_units_give_the_inventory_of_one_process(
    tmp_path: Path, limits: Limits, bounds: InventoryBounds
) -> None:
    # Twelve files, each a unit: every worker counts several, started before the site's names before them were
    # complete, and some run again where a site fills; the counts come back once a worker, at the end.
    for number in range(12):
        (tmp_path / f"{number:02}.jsonl").write_text(timed_log(400, 60 + 10 * number, number, step=30))
    settings = PassSettings(limits=limits, views=frozenset({View.INVENTORY}), inventory_bounds=bounds)
    alone = site_view_of_one(tmp_path, settings)
    for jobs in (2, 3):
        engine = _CollectingEngine(jobs)
        summary = parallel.run_jobs(resolve([str(tmp_path)]), settings, jobs, None, io.StringIO(), engine=engine)
        kept = [future.result() for future in engine.handed_over]
        assert len(kept) == jobs and all(isinstance(inventory, Inventory) for inventory in kept)
        assert json.dumps(inventory_record(summary.views.inventory, False, Limits())) == alone


def test_names_just_past_the_bounds_held_give_the_same_bytes_for_any_split(tmp_path: Path) -> None:
    # One more name than a report holds, of each kind: one process holds them all until a quarter more are met, and
    # parts added up were trimmed to the sample at once; the report is the sample either way.
    moment = "2024-03-01T10:00:00Z"
    lines = [
        json.dumps({"type": "identify", "userId": f"u{number}", "timestamp": moment, "traits": {f"t{number}": 1}})
        for number in range(InventoryBounds().attribute_names + 1)
    ]
    lines += [
        json.dumps({"type": "track", "userId": f"u{number % 50}", "timestamp": moment, "event": f"E{number}"})
        for number in range(InventoryBounds().event_names + 1)
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    settings = PassSettings(views=frozenset({View.INVENTORY}))
    alone = site_view_of_one(tmp_path / "a.jsonl", settings)
    record = json.loads(alone)
    assert record["attributes"]["remainder"]["sampled"] and record["events"]["remainder"]["sampled"]
    for jobs in (2, 3):
        engine = parallel.LocalEngine(jobs, min_bytes=0)
        summary = parallel.run_jobs(
            resolve([str(tmp_path / "a.jsonl")]), settings, jobs, None, io.StringIO(), engine=engine
        )
        assert json.dumps(inventory_record(summary.views.inventory, False, Limits())) == alone


def test_far_off_clocks_leave_the_same_pace_window_for_any_split(tmp_path: Path) -> None:
    # A few devices' clocks centuries off, among a few days of logs in two files: the pace is measured where the
    # other event times lie (`pace_window`), the same for any split of the work.
    rng = random.Random(8)
    for name, seed in (("a.jsonl", 4), ("b.jsonl", 5)):
        lines = timed_log(3000, 500, seed, step=120).splitlines()
        for _ in range(6):
            stamp = f"{rng.randint(1000, 9000):04}-06-01T00:00:00Z"
            far_off = {"type": "track", "userId": "u1", "event": "Event 1", "timestamp": stamp}
            lines.insert(rng.randrange(len(lines)), json.dumps(far_off))
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = PassSettings(limits=Limits(max_attributes=1000, max_events=1000), views=frozenset(View))
    alone = site_view(tmp_path, settings, 1)
    record = json.loads(alone)[0]
    for kind in ("attributes", "events"):
        window = record[kind]["budget"]["pace_window"]
        # The 12 far-off events only: the 16 a clock jittered back to the day before the logs start are a whole day
        # of few events, which the shortest window left out too, though they lie beside the others.
        assert window == {
            "since": "2024-02-29T00:00:00.000Z",
            "until": "2024-03-06T00:00:00.000Z",
            "events_outside": 12,
            "first": "2024-02-29T23:10:43.000Z",
            "last": "2024-03-05T04:47:14.000Z",
        }
        assert record[kind]["budget"]["new_per_week"] > 0
    for jobs in (2, 3):
        assert site_view(tmp_path, settings, jobs) == alone


def _names_sent(folder: Path, names: int, messages: int) -> None:
    """`a.jsonl`: tracks under `names` event names, `messages` in all, one name after the other."""
    lines = [
        json.dumps(
            {"type": "track", "userId": "u1", "event": f"Event {number % names}", "timestamp": "2024-03-01T10:00:00Z"}
        )
        for number in range(messages)
    ]
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(("names", "estimate"), [(2_000, 2_100), (300, 3)], ids=["over", "under"])
def test_an_estimate_of_names_leaves_the_remainder_a_name_at_least_and_a_message_for_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: int, estimate: int
) -> None:
    # Past the names counted exactly, HyperLogLog's estimate may be 5% over the truth or under it. Over names sent
    # once each, one read 21,031 names in the remainder for its 20,909 messages; one under the truth put 199
    # messages under no name (`12,001 names (estimated); 100 kept; of the others held, 11,901 turned away, 0 never
    # sent; 0 more not held`).
    _names_sent(tmp_path, names, 2_100)
    monkeypatch.setattr(site_view_module, "estimated_names", lambda names: estimate)
    bounds = InventoryBounds(attribute_names=20, event_names=40, exact_users=8)
    settings = PassSettings(limits=Limits(max_events=25), views=frozenset({View.INVENTORY}), inventory_bounds=bounds)
    events = json.loads(site_view_of_one(tmp_path / "a.jsonl", settings))["events"]
    remainder = events["remainder"]
    assert remainder["sampled"] and remainder["occurrences"] > 0
    assert 0 < remainder["names"] <= remainder["occurrences"]
    assert events["distinct_names"] == len(events["names"]) + remainder["names"] <= 2_100


def test_the_names_of_logs_past_the_sample_are_counted_exactly_up_to_four_times_the_names_held(
    tmp_path: Path,
) -> None:
    # 300 event names sent once each, 40 held: every name is counted, none estimated.
    _names_sent(tmp_path, 300, 300)
    for held, exact in ((80, True), (40, False)):  # 4 x 80 = 320 names counted exactly, 4 x 40 = 160
        bounds = InventoryBounds(attribute_names=20, event_names=held, exact_users=8)
        settings = PassSettings(limits=Limits(max_events=25), views=frozenset(View), inventory_bounds=bounds)
        events = json.loads(site_view_of_one(tmp_path / "a.jsonl", settings))["events"]
        assert events["distinct_names_estimated"] is not exact
        if exact:
            assert events["distinct_names"] == 300
            assert events["remainder"]["names"] == events["remainder"]["occurrences"]
        for jobs in (2, 3):
            assert site_view(tmp_path, settings, jobs) == site_view(tmp_path, settings, 1)


def test_buckets_made_coarse_by_the_whole_and_far_off_clocks_give_the_same_series_for_any_split(
    tmp_path: Path,
) -> None:
    # Three files of 900 hours each: each part of the work holds its hours, the whole too many (2,700), so it turns
    # to days; two clocks far off among them are counted apart. The same bytes for any split of the work.
    start = 1_704_067_200  # 2024-01-01
    for number, name in enumerate(("a.jsonl", "b.jsonl", "c.jsonl")):
        lines = [
            {"type": "track", "userId": f"u{hour}", "event": "Signed Up!", "timestamp": iso_of(start + hour * 3600)}
            for hour in range(number * 900, (number + 1) * 900)
        ]
        if name == "b.jsonl":
            lines[10:10] = [
                {"type": "track", "userId": "far", "event": "Signed Up", "timestamp": stamp}
                for stamp in ("1970-01-01T00:00:00Z", "2061-01-01T00:00:00Z")
            ]
        (tmp_path / name).write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    settings = PassSettings(views=frozenset(View))
    alone = site_view(tmp_path, settings, 1, "hour")
    timeline = json.loads(alone)[1]
    assert timeline["by"] == "day" and len(timeline["buckets"]) == 2700 // 24 + 1
    assert timeline["far_off"]["starts"] == ["1970-01-01", "2061-01-01"]
    for jobs in (2, 3):
        assert site_view(tmp_path, settings, jobs, "hour") == alone


def iso_of(seconds: int) -> str:
    from hotjar_cli.core.eventtime import iso

    return str(iso(seconds))


def test_a_pass_that_keeps_its_names_cuts_smaller_units_where_a_site_may_fill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its units read to their end however their site fills, so each in flight when a site fills runs twice in full:
    # cut as small as validate's, that second run cost the 300 MB benchmark's inventory half a second of work.
    log = tmp_path / "log.jsonl"
    log.write_text(timed_log(6000, 400, 1, step=30))
    monkeypatch.setattr(parallel, "SMALL_UNIT_BYTES", log.stat().st_size // 8)
    floors: list[int] = []
    cut = parallel._cut

    def recorded(unit: Source, size: int, largest: int, smallest: int) -> list[Source]:
        floors.append(smallest)
        return cut(unit, size, largest, smallest)

    monkeypatch.setattr(parallel, "_cut", recorded)
    limits = Limits(max_attributes=60, max_events=150)
    inventory = PassSettings(limits=limits, views=frozenset({View.INVENTORY}))
    summary = parallel.run_jobs(resolve([str(log)]), inventory, 2, None, io.StringIO(), engine=_CollectingEngine(2))
    assert set(floors) == {parallel.SMALL_UNIT_BYTES // parallel.KEPT_NAMES_SMALLER}
    assert json.dumps(inventory_record(summary.views.inventory, False, Limits())) == site_view_of_one(log, inventory)
    floors.clear()
    parallel.run_jobs(
        resolve([str(log)]), PassSettings(limits=limits), 2, None, io.StringIO(), engine=_CollectingEngine(2)
    )
    assert set(floors) == {parallel.SMALL_UNIT_BYTES}
