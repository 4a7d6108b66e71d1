"""`--jobs N` gives the same report and the same dry-run call stream, byte for byte, as one process."""

from __future__ import annotations

import contextlib
import gc
import gzip
import io
import itertools
import json
import multiprocessing
import os
import pickle
import random
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hotjar_cli.run.parallel as parallel
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.summary import SourceError, Summary
from hotjar_cli.report.lines import CallLines, FindingLines
from hotjar_cli.report.records import example_record, summary_record
from hotjar_cli.run.counting import attach
from hotjar_cli.run.forked import WorkerLost
from hotjar_cli.run.one_pass import PassSettings, run_pass
from hotjar_cli.run.parallel import Lines
from hotjar_cli.sources.reader import resolve, split_ranges
from hotjar_cli.sources.source import Source
from tests.support.site_limit_logs import site_limit_log


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("logs")
    (folder / "a.jsonl").write_text("\ufeff" + site_limit_log(2500, 60, 1), encoding="utf-8")
    with gzip.open(folder / "b.jsonl.gz", "wt", encoding="utf-8") as file:
        file.write(site_limit_log(1500, 90, 2))
    (folder / "c.jsonl").write_text(site_limit_log(4000, 140, 3), encoding="utf-8")
    return folder


def _pass(folder: Path, limits: Limits, jobs: int, stream: Lines | None) -> tuple[str, str]:
    """The report and streamed output of `jobs` processes, however small the input."""
    out = io.StringIO()
    engine = parallel.LocalEngine(jobs, min_bytes=0)
    summary = parallel.run_jobs(resolve([str(folder)]), PassSettings(limits=limits), jobs, stream, out, engine=engine)
    report = json.dumps(
        [
            summary_record(summary),
            {
                code: [example_record(example, False, Limits()) for example in examples]
                for code, examples in summary.examples.items()
            },
        ],
        sort_keys=True,
    )
    return report, out.getvalue()


@pytest.mark.parametrize(
    "limits",
    [
        Limits(),
        Limits(max_attributes=30, max_events=25),
        Limits(max_attributes=75, max_events=120),
        Limits(max_attributes=0, max_events=1),
    ],
    ids=["defaults", "crossed-early", "crossed-late", "nothing-fits"],
)
@pytest.mark.parametrize("stream", [None, FindingLines(), CallLines()])
def test_any_number_of_jobs_gives_the_one_process_answer(logs: Path, limits: Limits, stream: Lines | None) -> None:
    alone = _pass(logs, limits, 1, stream)
    for jobs in (2, 3, 7):
        assert parallel.plan_units(resolve([str(logs)]), jobs, min_bytes=0), "the input must really be split"
        assert _pass(logs, limits, jobs, stream) == alone


def test_examples_late_in_a_file_keep_their_line_numbers(tmp_path: Path) -> None:
    clean = json.dumps({"type": "track", "userId": "u1", "event": "Signed Up"})
    late = json.dumps({"type": "identify", "traits": {"plan": "pro"}})
    path = tmp_path / "late.jsonl"
    path.write_text("".join(f"{late if number in (2900, 2950, 2990) else clean}\n" for number in range(3000)))
    alone = _pass(tmp_path, Limits(), 1, None)
    assert [example["line"] for example in json.loads(alone[0])[1]["HJ103"]] == [2901, 2951, 2991]
    for jobs in (2, 5):
        assert len(parallel.plan_units(resolve([str(path)]), jobs, min_bytes=0) or []) == jobs, "it must be split"
        assert _pass(tmp_path, Limits(), jobs, None) == alone


def test_a_part_after_one_that_stopped_early_counts_the_lines_before_it(tmp_path: Path) -> None:
    path = tmp_path / "ten.jsonl"
    path.write_bytes(b"".join(b'{"n": %d}\n' % number for number in range(10)))  # 10 bytes a line
    units = [Source(str(path), path, 0, 30), Source(str(path), path, 30, 70), Source(str(path), path, 70, None)]
    numbering = parallel.LineNumbers(units)

    def partial(lines: int, error_line: int) -> parallel.Partial:
        summary = Summary(lines=lines, errors=[SourceError(str(path), error_line, "read failed")])
        return parallel.Partial(
            summary, parallel.Names([], False), parallel.Names([], False), None, lines_counted=False
        )

    # The first part read 2 of its 3 lines before failing: the next part's lines are counted from the file.
    assert numbering.place(0, partial(2, 3)).errors[0].line == 3
    assert numbering.place(1, partial(4, 2)).errors[0].line == 5
    assert numbering.place(2, partial(3, 1)).errors[0].line == 8


def test_site_limits_are_really_crossed_by_the_inputs(logs: Path) -> None:
    report, _ = _pass(logs, Limits(max_attributes=30, max_events=25), 1, None)
    rules = json.loads(report)[0]["rules"]
    assert rules["HJ206"] > 0 and rules["HJ304"] > 0


def test_ranges_start_at_line_starts_and_cover_the_file(logs: Path) -> None:
    path = logs / "c.jsonl"
    data = path.read_bytes()
    for parts in (2, 3, 10, 1000):
        ranges = split_ranges(resolve([str(path)])[0], parts)
        assert ranges[0].start == 0 and ranges[-1].end is None
        for before, after in itertools.pairwise(ranges):
            assert before.end == after.start and data[after.start - 1 : after.start] == b"\n"


def test_a_line_of_many_megabytes_is_never_held_whole_to_find_where_ranges_start(tmp_path: Path) -> None:
    # A line far over the length limit (a file of zeros after a crash, a dump on one line) is reported, not parsed:
    # finding the line starts around it reads a block at a time.
    path = tmp_path / "long.jsonl"
    short = b'{"type": "track", "userId": "u1", "event": "A"}\n'
    path.write_bytes(short * 3 + b"x" * (32 << 20) + b"\n" + short * 3)
    tracemalloc.start()
    try:
        ranges = split_ranges(resolve([str(path)])[0], 4)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20
    data = path.read_bytes()
    starts = [unit.start for unit in ranges]
    assert starts[:2] == [0, len(short) * 3 + (32 << 20) + 1]
    assert all(data[start - 1 : start] == b"\n" for start in starts[1:])


def test_small_inputs_and_stdin_stay_in_one_process(logs: Path) -> None:
    assert parallel.plan_units(resolve([str(logs)]), 2) is None
    assert parallel.plan_units(resolve(["-"]), 2) is None


@pytest.mark.parametrize(
    ("value", "least"),
    [("", parallel.PARALLEL_MIN_BYTES), ("  ", parallel.PARALLEL_MIN_BYTES), ("0", 0), (" 1000 ", 1000)],
)
def test_the_least_input_for_local_processes_can_be_set_and_an_empty_setting_is_no_setting(
    monkeypatch: pytest.MonkeyPatch, value: str, least: int
) -> None:
    # `HOTJAR_CLI_PARALLEL_MIN_BYTES= hotjar-cli ...`, or a CI variable defined empty, means the default.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, value)
    assert parallel.parallel_min_bytes() == least
    assert parallel.LocalEngine(2).min_bytes == (None if least == parallel.PARALLEL_MIN_BYTES else least)


def test_an_inventory_shares_its_work_from_more_input_than_validate_does(tmp_path: Path) -> None:
    # Each worker meets the names afresh and hands its own over at the end: on 40 MB of the benchmark's logs two
    # processes took as long as one, or longer.
    log = tmp_path / "events.jsonl"
    log.write_bytes(b"{}\n" * (parallel.INVENTORY_PARALLEL_MIN_BYTES // 3 - 1) + b"\n" * 2)  # a byte short
    sources = resolve([str(log)])
    engine = parallel.LocalEngine(2)
    assert engine.plan(sources) is not None
    assert engine.plan(sources, inventory=True) is None
    with log.open("ab") as file:
        file.write(b"\n")
    assert engine.plan(resolve([str(log)]), inventory=True) is not None
    assert parallel.LocalEngine(2, min_bytes=0).plan(sources, inventory=True) is not None  # as set, for both


@pytest.mark.parametrize("value", ["lots", "-1", "1.5"])
def test_a_least_input_that_is_not_a_number_of_bytes_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, value)
    with pytest.raises(parallel.EngineError, match="not a number of bytes"):
        parallel.parallel_min_bytes()


def test_the_command_line_prints_the_same_bytes_for_any_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Local processes for a file of a few megabytes, as for one past the least input they start for by default.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")
    big = tmp_path / "big.jsonl"
    chunk = site_limit_log(4000, 400, 4)
    with open(big, "w", encoding="utf-8") as file:
        while file.tell() < 3_000_000:
            file.write(chunk)
    outputs = {}
    for jobs in ("1", "2"):
        for arguments in (
            ["validate", str(big), "--format", "json"],
            ["validate", str(big), "--format", "jsonl"],
            ["replay", str(big), "--dry-run"],
        ):
            done = subprocess.run(
                [sys.executable, "-m", "hotjar_cli", *arguments, "--jobs", jobs], capture_output=True, check=False
            )
            outputs[(jobs, arguments[-1] if arguments[0] == "validate" else "dry-run")] = (done.returncode, done.stdout)
    for kind in ("json", "jsonl", "dry-run"):
        assert outputs[("1", kind)] == outputs[("2", kind)]
        assert outputs[("1", kind)][1]


class _Done:
    def __init__(self, value: parallel.Partial, done: bool) -> None:
        self._value, self._done = value, done

    def result(self) -> parallel.Partial:
        self._done = True  # as a pool's future is, once its result is back
        return self._value

    def done(self) -> bool:
        return self._done


class _Inline:
    """Runs each unit as it is submitted and says at random whether it is done yet: any timing of a real pool.

    A unit's result depends only on what it is given, so running it at once changes nothing but the timing.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.runs: list[tuple[int | None, parallel.Seeds]] = []
        self.units: list[Source] = []
        self.results: list[parallel.Partial] = []

    def submit(self, fn: Any, /, *args: Any) -> _Done:
        self.runs.append((args[0].start, next(arg for arg in args if isinstance(arg, parallel.Seeds))))
        self.units.append(args[0])
        partial = fn(*args)
        self.results.append(partial)
        return _Done(partial, self.rng.random() < 0.5)


def _report(summary: Summary, streamed: str) -> tuple[str, str]:
    return json.dumps(
        [
            summary_record(summary),
            {
                code: [example_record(example, False, Limits()) for example in examples]
                for code, examples in summary.examples.items()
            },
        ],
        sort_keys=True,
    ), streamed


class _InParts(parallel.Engine):
    """A file cut into `parts` units, run by `_Inline` in a window of `in_flight`; output returns in the results."""

    shares_disk = False

    def __init__(self, parts: int, in_flight: int, inline: _Inline) -> None:
        self.parts, self.window, self.inline = parts, in_flight, inline

    def plan(self, sources: list[Source], inventory: bool = False) -> list[Source]:
        return split_ranges(sources[0], self.parts)

    def executor(self, units: int) -> contextlib.nullcontext[_Inline]:
        return contextlib.nullcontext(self.inline)

    def in_flight(self, executor: Any) -> int:
        return self.window


def _in_units(
    path: Path, settings: PassSettings, parts: int, in_flight: int, stream: Lines | None, rng: random.Random
) -> tuple[tuple[str, str], _Inline]:
    executor = _Inline(rng)
    out = io.StringIO()
    summary = parallel.run_jobs(
        resolve([str(path)]), settings, 1, stream, out, engine=_InParts(parts, in_flight, executor)
    )
    return _report(summary, out.getvalue()), executor


def _alone(path: Path, settings: PassSettings, stream: Lines | None) -> tuple[str, str]:
    out = io.StringIO()
    summary = run_pass(resolve([str(path)]), settings, None if stream is None else stream(out))
    return _report(summary, out.getvalue())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.integers(3, 120),
    seed=st.integers(0, 10_000),
    parts=st.integers(2, 24),
    in_flight=st.integers(1, 6),
    max_attributes=st.integers(0, 70),
    max_events=st.integers(0, 70),
    stream=st.sampled_from([None, FindingLines(), CallLines()]),
    small_unit=st.sampled_from([parallel.SMALL_UNIT_BYTES, 2_000, 300]),
)
def test_limits_crossed_at_any_unit_boundary_give_the_one_process_answer(
    names: int,
    seed: int,
    parts: int,
    in_flight: int,
    max_attributes: int,
    max_events: int,
    stream: Lines | None,
    small_unit: int,
) -> None:
    # `small_unit`: ranges cut smaller while a site may fill, at any size (the real one never cuts so small a log).
    with tempfile.TemporaryDirectory() as folder, patch.object(parallel, "SMALL_UNIT_BYTES", small_unit):
        path = Path(folder) / "log.jsonl"
        path.write_text(site_limit_log(600, names, seed), encoding="utf-8")
        settings = PassSettings(limits=Limits(max_attributes=max_attributes, max_events=max_events), example_limit=2)
        answer, _ = _in_units(path, settings, parts, in_flight, stream, random.Random(seed))
        assert answer == _alone(path, settings, stream)


def test_units_after_those_that_show_enough_examples_of_a_rule_collect_none_of_it(tmp_path: Path) -> None:
    # A report shows the first examples of each rule in input order: once the units written so far have as many as
    # it shows, the units started after them make and send back none of that rule, and the answer is unchanged.
    path = tmp_path / "sprawl.jsonl"
    path.write_text(site_limit_log(4000, 120, 5), encoding="utf-8")
    settings = PassSettings(limits=Limits(max_attributes=20, max_events=25))
    answer, executor = _in_units(path, settings, 16, 2, None, random.Random(5))
    assert answer == _alone(path, settings, None)
    shown = [partial for partial in executor.results if not partial.abandoned]
    full = {code for code, examples in shown[0].summary.examples.items() if len(examples) >= settings.example_limit}
    assert {"HJ206", "HJ304"} <= full
    assert not any(full & set(partial.summary.examples) for partial in shown[4:])
    assert all(partial.summary.rules.get("HJ206") for partial in shown[4:])  # the findings are counted all the same


@pytest.mark.parametrize("in_flight", [1, 2, 3, 5])
@pytest.mark.parametrize(
    "limits",
    [
        Limits(max_attributes=30, max_events=25),
        Limits(max_attributes=90, max_events=20),
        Limits(max_attributes=20, max_events=115),
    ],
    ids=["both-early", "events-early", "attributes-early"],
)
def test_only_units_in_flight_when_a_site_fills_run_twice(tmp_path: Path, limits: Limits, in_flight: int) -> None:
    # Names keep arriving through the whole log, so every unit meets names the site turns away once full.
    path = tmp_path / "sprawl.jsonl"
    path.write_text(site_limit_log(8000, 120, 5), encoding="utf-8")
    settings = PassSettings(limits=limits)
    answer, executor = _in_units(path, settings, 40, in_flight, None, random.Random(in_flight))
    assert answer == _alone(path, settings, None)
    rules = json.loads(answer[0])[0]["rules"]
    assert rules["HJ206"] > 0 and rules["HJ304"] > 0
    starts = [start for start, _ in executor.runs]
    second_runs = len(starts) - len(set(starts))
    # Each of the two limits fills once: the unit that fills it and those then in flight can run again.
    assert second_runs <= 2 * in_flight
    # A unit runs again only from names more exact than before: exact for the limit it stopped for (or both, when
    # its fold found a name turned away), and no less exact for the other. Once both sites are full, every unit
    # starts exact.
    before: dict[int | None, tuple[bool, bool]] = {}
    for start, seeds in executor.runs:
        exact = (seeds.exact_attributes, seeds.exact_events)
        if start in before:
            assert exact != before[start] and all(now >= then for now, then in zip(exact, before[start], strict=True))
        before[start] = exact
    last = executor.runs[-1][1]
    assert last.exact_attributes and last.exact_events


def _cut_and_run(path: Path, log: str, limits: Limits, smallest: int, parts: int, seed: int) -> tuple[str, _Inline]:
    """`log` in `parts` planned ranges, three units in flight, cut no smaller than `1 / smallest` of it: its report
    (the one-process report, checked) and what ran."""
    path.write_text(log, encoding="utf-8")
    settings = PassSettings(limits=limits)
    with patch.object(parallel, "SMALL_UNIT_BYTES", path.stat().st_size // smallest):
        answer, executor = _in_units(path, settings, parts, 3, None, random.Random(seed))
    assert answer == _alone(path, settings, None)
    return answer[0], executor


def test_near_a_fill_ranges_are_cut_small_so_a_second_run_costs_little(tmp_path: Path) -> None:
    path = tmp_path / "sprawl.jsonl"
    _, executor = _cut_and_run(path, site_limit_log(8000, 120, 5), Limits(max_attributes=30, max_events=110), 100, 4, 7)
    size = path.stat().st_size
    # Nothing is known of the pace of new names at the start, and the event site fills late: both stretches run
    # in small units; in between, the planned quarters of the file run whole.
    lengths = [(unit.end or size) - unit.start for unit in executor.units]
    assert max(lengths) > size // 5 and min(lengths) <= size // 90
    starts = [unit.start for unit in executor.units]
    again = [unit for unit in executor.units if starts.count(unit.start) > 1]
    assert again and all((unit.end or size) - unit.start <= size // 90 for unit in again)
    # The units still cover the file once, in order, at line starts.
    first_runs = sorted({(unit.start, unit.end or size) for unit in executor.units})
    assert [start for start, _ in first_runs[1:]] == [end for _, end in first_runs[:-1]]
    data = path.read_bytes()
    assert all(data[start - 1 : start] == b"\n" for start, _ in first_runs[1:])


def test_units_shrink_toward_the_end_so_the_workers_finish_together(tmp_path: Path) -> None:
    # Few names, well under the limits: nothing is expected to fill, and only the end of the input cuts units.
    path = tmp_path / "tidy.jsonl"
    _, executor = _cut_and_run(path, site_limit_log(8000, 5, 3), Limits(), 200, 2, 3)
    size = path.stat().st_size
    lengths = [(unit.end or size) - unit.start for unit in executor.units]
    assert len({unit.start for unit in executor.units}) == len(executor.units), "nothing runs twice"
    # Before the pace of new names is known a unit is small; then as large as the input left allows, a third of it
    # with three in flight, and smaller and smaller toward the end.
    largest = lengths.index(max(lengths))
    assert max(lengths) >= size // 5 and lengths[0] <= size // 100
    tail = lengths[largest:]
    assert all(later <= earlier * 1.1 for earlier, later in itertools.pairwise(tail))
    assert tail[-1] <= size // 50
    # The units still cover the file once, in order, at line starts.
    starts = [unit.start for unit in executor.units]
    assert starts == sorted(starts)
    assert [unit.end for unit in executor.units[:-1]] == starts[1:]


def test_a_unit_is_sized_by_what_is_known_when_it_starts(tmp_path: Path) -> None:
    # Event names keep arriving, ever more slowly, and the event limit fills about two thirds into the log: units
    # shrink as the fill nears (at the pace of the names folded so far), and the ones in flight when it fills,
    # which run again, are small.
    path = tmp_path / "sprawl.jsonl"
    limits = Limits(max_attributes=5000, max_events=1900)
    report, executor = _cut_and_run(path, site_limit_log(8000, 3000, 5), limits, 400, 2, 11)
    size = path.stat().st_size
    assert json.loads(report)[0]["rules"]["HJ304"] > 0
    starts = [unit.start for unit in executor.units]
    again = [unit for unit in executor.units if starts.count(unit.start) > 1]
    lengths = [(unit.end or size) - unit.start for unit in executor.units]
    assert max(lengths) >= size // 10
    assert all((unit.end or size) - unit.start <= size // 40 for unit in again)
    # Between the large units and the smallest, units of sizes in between: each cut by the estimate of its time.
    assert len([length for length in lengths if size // 200 < length < size // 10]) >= 3


class _Gated:
    """Runs each unit as it is submitted; every unit is done at once but one, which is done only once `open`."""

    def __init__(self, slow: int) -> None:
        self.slow, self.open = slow, False
        self.starts: list[int | None] = []

    def submit(self, fn: Any, /, *args: Any) -> _Done:
        gate, slow = self, len(self.starts) == self.slow
        self.starts.append(args[0].start)

        class _Future(_Done):
            def done(self) -> bool:
                return gate.open or not slow

        return _Future(fn(*args), True)


class _WaitsForAny(_InParts):
    """An engine that waits for whichever unit finishes first: the slow unit finishes after `waits` waits."""

    def __init__(self, parts: int, in_flight: int, gated: _Gated, waits: int) -> None:
        super().__init__(parts, in_flight, gated)  # type: ignore[arg-type]  # any executor will do
        self.gated, self.waits, self.started_while_slow = gated, waits, 0

    def wait(self, futures: list[Any]) -> None:
        self.waits -= 1
        if self.waits <= 0:
            self.started_while_slow = len(self.gated.starts)
            self.gated.open = True


@pytest.mark.parametrize("in_flight", [1, 2, 3])
def test_workers_go_on_to_later_units_while_a_slow_one_before_them_runs(tmp_path: Path, in_flight: int) -> None:
    # Few names, all met early: no site fills, so units may start far ahead of the fold.
    path = tmp_path / "log.jsonl"
    path.write_text(site_limit_log(3000, 3, 7), encoding="utf-8")
    settings = PassSettings()
    out = io.StringIO()
    engine = _WaitsForAny(40, in_flight, _Gated(slow=8), waits=100)
    summary = parallel.run_jobs(resolve([str(path)]), settings, 1, None, out, engine=engine)
    assert _report(summary, out.getvalue()) == _alone(path, settings, None)
    # The units before the slow one folded (no new name in the later half of them: no site is expected to fill);
    # then, while other workers are free, units after it start, up to the bound on unfolded units.
    ahead = parallel.UNFOLDED_PER_RUNNING * in_flight if in_flight > 1 else 1
    assert engine.started_while_slow == 8 + ahead
    assert len(set(engine.gated.starts)) == len(engine.gated.starts)  # and none runs twice


def test_a_unit_that_stopped_runs_again_once_the_names_it_stopped_for_are_known(tmp_path: Path) -> None:
    # The first unit fills the attribute limit; the second is slow; the third, started before the first was folded,
    # stops as soon as its own site turns an attribute away. Once the first is folded the site is full, so its
    # attribute names are final: the third runs again then, while the second still runs, not after it.
    path = tmp_path / "sprawl.jsonl"
    path.write_text(site_limit_log(8000, 120, 5), encoding="utf-8")
    settings = PassSettings(limits=Limits(max_attributes=20, max_events=1000))
    out = io.StringIO()
    engine = _WaitsForAny(40, 3, _Gated(slow=1), waits=100)
    summary = parallel.run_jobs(resolve([str(path)]), settings, 1, None, out, engine=engine)
    assert _report(summary, out.getvalue()) == _alone(path, settings, None)
    starts = engine.gated.starts
    assert starts[:3] == [unit.start for unit in split_ranges(resolve([str(path)])[0], 40)[:3]]
    assert starts[: engine.started_while_slow].count(starts[2]) == 2


def test_a_unit_stops_once_its_site_turns_a_name_away_before_the_names_before_it_are_known(tmp_path: Path) -> None:
    path = tmp_path / "sprawl.jsonl"
    path.write_text(site_limit_log(16000, 120, 5), encoding="utf-8")
    size = path.stat().st_size
    unit = resolve([str(path)])[0]
    full = PassSettings(limits=Limits(max_attributes=20))
    sent: list[tuple[int, int]] = []

    def run(settings: PassSettings, seeds: parallel.Seeds) -> parallel.Partial:
        sent.clear()
        attach(SimpleNamespace(put=sent.append))
        try:
            return parallel.run_unit(unit, settings, None, None, seeds)
        finally:
            attach(None)

    # Started with incomplete attribute names, its site fills and turns names away: no use going on.
    stopped = run(full, parallel.Seeds([], [], False, True))
    assert stopped.abandoned
    assert 0 < sent[0][0] < size // 4  # it read the first blocks only
    assert tuple(map(sum, zip(*sent, strict=True))) == (0, 0)  # and took back what it counted: it runs again
    # With the names before it known, or a site that never turns a name away, it runs to its end.
    for limited, seeds in [
        (full, parallel.Seeds([], [], True, True)),
        (PassSettings(limits=Limits(max_attributes=1000, max_events=1000)), parallel.Seeds([], [], False, False)),
    ]:
        partial = run(limited, seeds)
        assert not partial.abandoned
        assert partial.summary.events == 16000
        assert sum(count for count, _ in sent) == size


def test_progress_counts_every_byte_once_when_units_stop_and_run_again(tmp_path: Path) -> None:
    path = tmp_path / "sprawl.jsonl"
    path.write_text(site_limit_log(8000, 120, 5), encoding="utf-8")
    queue = multiprocessing.get_context("fork").SimpleQueue()
    engine = parallel.LocalEngine(2, progress=lambda: queue, min_bytes=0)
    settings = PassSettings(limits=Limits(max_attributes=20, max_events=25))
    summary = parallel.run_jobs(resolve([str(path)]), settings, 2, None, io.StringIO(), engine=engine)
    sent = []
    while not queue.empty():
        sent.append(queue.get())
    assert any(count < 0 for count, _ in sent)  # a unit stopped and took back what it counted
    assert tuple(map(sum, zip(*sent, strict=True))) == (path.stat().st_size, summary.events)
    assert _report(summary, "") == _alone(path, settings, None)


class _DiesInAWorker:
    """Streamed output whose writer ends the process it runs in, as the kernel ends one that runs out of memory."""

    def __init__(self, parent: int) -> None:
        self.parent = parent

    def __call__(self, out: Any) -> Any:
        if os.getpid() != self.parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return lambda event: None


def _children() -> set[str]:
    """This process's child processes (other tests' servers and clusters among them)."""
    found = subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True, check=False).stdout
    return set(found.split())


def test_a_worker_that_dies_ends_the_run_with_one_line_and_leaves_no_process(logs: Path) -> None:
    before = _children()
    engine = parallel.LocalEngine(2, min_bytes=0)
    with pytest.raises(WorkerLost, match=r"^a worker process ended without answering \(stopped by SIGKILL\)$"):
        parallel.run_jobs(
            resolve([str(logs)]), PassSettings(), 2, _DiesInAWorker(os.getpid()), io.StringIO(), engine=engine
        )
    assert _children() <= before


def test_local_workers_never_run_the_cyclic_collector() -> None:
    # A worker lives for one run and its units make no cycles: collecting after each unit would only walk what
    # the units before left alive. The process that starts the workers keeps its collector.
    with parallel.LocalEngine(2, min_bytes=0).executor(2) as executor:
        assert executor.submit(gc.isenabled).result() is False
    assert gc.isenabled()


@pytest.mark.parametrize("odd", ["\ud800", "\x00", "名前", ""])
def test_the_names_a_unit_starts_with_reach_its_worker_whole(odd: str) -> None:
    seeds = parallel.Seeds([f"trait {odd}", "plan"], [f"Signed {odd}", odd], True, False)
    assert pickle.loads(pickle.dumps(seeds)) == seeds
    events = parallel.SeedNames("events").extended(["Signed Up"]).extended([f"Signed {odd}", odd])
    packed = parallel.Seeds(parallel.SeedNames("attributes").extended([f"trait {odd}"]), events, True, False)
    assert pickle.loads(pickle.dumps(packed)) == parallel.Seeds(
        [f"trait {odd}"], ["Signed Up", *events[1:]], True, False
    )


def test_the_process_that_folds_gets_each_folded_summary_while_the_workers_run(logs: Path) -> None:
    seen: list[Summary] = []

    def run(jobs: int) -> Summary:
        seen.clear()
        engine = parallel.LocalEngine(jobs, min_bytes=0)
        return parallel.run_jobs(
            resolve([str(logs)]), PassSettings(), jobs, None, io.StringIO(), engine=engine, meanwhile=seen.append
        )

    whole = run(2)
    assert seen and all(isinstance(part, Summary) for part in seen)
    assert sum(part.events for part in seen) < whole.events  # every unit's but the last: no wait follows it
    run(1)
    assert seen == []  # one process has no workers to overlap


def test_the_loop_goes_on_folding_and_starting_units_while_the_work_meanwhile_runs(tmp_path: Path) -> None:
    # The work meanwhile (loading what explains the examples) takes long enough for workers to finish units and
    # wait for more: it runs beside the loop. Here it waits until units started after it was called are folded,
    # which never happens if the loop waits for it.
    path = tmp_path / "log.jsonl"
    path.write_text(site_limit_log(3000, 3, 7), encoding="utf-8")
    engine = _WaitsForAny(40, 3, _Gated(slow=8), waits=1)
    seen: list[int] = []

    def meanwhile(summary: Summary) -> None:
        if not seen:
            seen.append(len(engine.gated.starts))
            for _ in range(1000):
                if len(engine.gated.starts) >= seen[0] + 5:
                    break
                time.sleep(0.01)
            seen.append(len(engine.gated.starts))

    summary = parallel.run_jobs(
        resolve([str(path)]), PassSettings(), 1, None, io.StringIO(), engine=engine, meanwhile=meanwhile
    )
    assert summary.events == 3000
    assert seen[1] >= seen[0] + 5


def test_what_the_work_meanwhile_raises_is_raised_once_the_units_are_done(logs: Path) -> None:
    def meanwhile(summary: Summary) -> None:
        raise FileNotFoundError("schemas missing")

    with pytest.raises(FileNotFoundError, match="schemas missing"):
        parallel.run_jobs(
            resolve([str(logs)]),
            PassSettings(),
            2,
            None,
            io.StringIO(),
            engine=parallel.LocalEngine(2, min_bytes=0),
            meanwhile=meanwhile,
        )


def test_a_worker_seeds_each_unit_with_exactly_its_names_whatever_it_seeded_before(tmp_path: Path) -> None:
    # Within a run each unit's seeds extend the last; a worker a cluster keeps from one run to the next meets others.
    # Every unit sent is unpacked before any runs (a cluster may receive many ahead): each keeps its own names.
    runs: tuple[list[str], ...] = (
        ["a", "b"],
        ["a", "b", "c"],
        ["a", "b", "c"],
        ["x"],
        [],
        ["a", "b", "c", "d"],
        ["b", "a"],
        ["b", "a", "名"],
    )
    met = ["a", "b", "c", "d", "x", "new"]  # the event names of the unit: all but "new" seeded in some run
    log = tmp_path / "log.jsonl"
    messages = [{"type": "identify", "userId": "u1", "traits": {"plan": "pro", "tier": "gold"}}]
    messages += [{"type": "track", "userId": "u1", "event": name} for name in met]
    log.write_text("".join(json.dumps(message) + "\n" for message in messages), encoding="utf-8")
    unit = resolve([str(log)])[0]
    sent, last = [], parallel.SeedNames("events")
    for names in runs:
        extends = names[: len(last)] == last
        last = last.extended(names[len(last) :]) if extends else parallel.SeedNames("events").extended(names)
        sent.append(pickle.loads(pickle.dumps(last)))
    other_kind = pickle.loads(pickle.dumps(parallel.SeedNames("attributes").extended(["plan"])))
    for names, received in zip(runs, sent, strict=True):
        assert received == names
        partial = parallel.run_unit(unit, PassSettings(), None, None, parallel.Seeds(other_kind, received, True, True))
        # The unit's site started with exactly these names: it met every other name as new, in order.
        assert partial.events.candidates == [name for name in met if name not in names]
        assert partial.attributes.candidates == ["tier"]
        # The names as the site copied them, in order, without the names the site took in after.
        assert received.known is not None and list(received.known) == names
    assert other_kind.known is not None and list(other_kind.known) == ["plan"]
    assert sent[1] is sent[2]  # the same names: unpacked once


def test_names_packed_a_part_at_a_time_unpack_as_packed_whole() -> None:
    odd = ["\x00", "名前", "", "x" * 70_000, *(f"event {number}" for number in range(70_000))]
    packed = parallel.SeedNames("events")
    for start in range(0, len(odd), 9_999):
        packed = packed.extended(odd[start : start + 9_999])
    assert packed == odd
    assert packed.packed == msgspec.msgpack.encode(odd)[5:]  # a list of 65,536 or more names has a 5-byte header
    assert pickle.loads(pickle.dumps(packed)) == odd
