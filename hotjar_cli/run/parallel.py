"""Running one pass over several processes, or a Dask cluster, with the same answer, byte for byte, as one process.

The input is cut into units: whole files, and byte ranges of large plain files that start at line starts. Each
worker reads its own units (from disk or S3: no line crosses a process boundary), runs the same core, and returns
a small summary, the site-limit candidates it met, and its streamed output (jsonl findings or dry-run calls):
the path of a temporary file when the workers share this machine's disk, else the text itself, compressed when
large.

The site-wide limits (attribute-limit-exceeded, event-limit-exceeded) depend on everything before a message. The
units are handed out in input order, a few running at once, and each is folded over a site seeded with the
names the site held when it started (the names of every unit folded by then). Finished units are folded in input
order: their new names, in the order they first asked to be admitted, tell exactly which names the site held before
each unit. A unit that started before the site's names before it were complete, and whose result could differ from
the one-process run (because the site turned a name away in it, in either run), is folded again over a site seeded
with exactly those names; one whose own site turns a name away stops there, since it will run again whatever
follows (unless its worker keeps the inventory's names: see `Engine.keeps_names`). A site that is full never
changes, so once a limit is reached every unit started after that is seeded with its final names and is exact: only
the units in flight when a site filled can need a second run.
And as the input nears the point where a site is expected to fill (at the pace its new names arrived over the later
half of the input folded so far; anywhere before that pace is known), ranges are cut smaller and smaller
(`TAIL_SHARE`), so those second runs cost little. Most inputs never reach a site limit and pay nothing for this.

Where the units run is an `Engine`: this machine's processes (`LocalEngine`) or a Dask cluster
(`hotjar_cli.run.dask_engine`). Both hand the units to an `Executor` (anything with `submit(fn, *args)` returning a
future with `.result()`), and everything else, the planning aside, is this module's, shared: so the answer does
not depend on the engine.
"""

from __future__ import annotations

import bisect
import gc
import gzip
import io
import itertools
import math
import os
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack, suppress
from dataclasses import replace
from typing import Any, Protocol, TextIO

import msgspec

from hotjar_cli.core.errors import UserError
from hotjar_cli.core.inventory import Inventory
from hotjar_cli.core.model import Event
from hotjar_cli.core.site import Site
from hotjar_cli.core.summary import Summary
from hotjar_cli.core.views import View
from hotjar_cli.core.visible import given
from hotjar_cli.run.counting import attach, for_worker
from hotjar_cli.run.one_pass import Observer, PassSettings, deep_enough, run_pass
from hotjar_cli.sources.reader import is_compressed, lines_before, size_of, split_ranges
from hotjar_cli.sources.source import InputError, ReadError, Source

PARALLEL_MIN_BYTES = 16 * 1024 * 1024
"""Below this much input, starting processes costs more than it saves; a smaller plain file is never split."""
INVENTORY_PARALLEL_MIN_BYTES = 48 * 1024 * 1024
"""`PARALLEL_MIN_BYTES` for a pass that collects the inventory: each worker meets the names afresh, and the names
it kept are handed over and added up once its units are done, so that the work pays for a second process later.
Measured on the benchmark's logs (best of 3, wall time, `--jobs 2` against `--jobs 1`): 40 MB of the short profile
took 1.10x, of the long one 0.96x; 60 MB short 0.84x, 80 MB long 0.88x (`validate` on 20 MB: 0.88x)."""
MIN_BYTES_VARIABLE = "HOTJAR_CLI_PARALLEL_MIN_BYTES"
"""The environment variable that sets another least input for local processes (0: always split the work)."""
UNIT_BYTES = 32 * 1024 * 1024
"""A large plain file is cut into ranges of about this size (and at least one per job). Each unit costs a little
of its own (its seeds, its caches and counts filled anew, its summary merged), so units start large, and a range
is cut smaller as it nears a point where a unit may have to wait or run again (see `TAIL_SHARE`)."""
TAIL_SHARE = 0.67
"""A range about to start is cut into units of at most the bytes before the nearer of two points, over this many
times the units in flight: the end of the input, so the workers finish together rather than one waiting for the
other's last large unit; and the point where a site is expected to fill (at the pace new names arrive), so the
units in flight when it fills, which may have to run again, are small. Two thirds, not one: each unit cost
about 4.5 ms of its own then (on short messages, what 0.7 MB of input costs; about 2.8 ms since a worker copies
its seeds), and the 300 MB short benchmark runs 34 units rather than 39, 2% faster with `--jobs 2`, with second
runs as small. (At a half or less, the rest of the
input is never cut at the end: `_cut` keeps a range of up to one and a half units whole.)"""
SMALL_UNIT_BYTES = 4 * 1024 * 1024
"""Units are cut no smaller than this: before the pace of new names is known, and near a fill or the end."""
KEPT_NAMES_SMALLER = 4
"""For a pass whose workers keep the inventory's names (`Engine.keeps_names`), units are cut this many times smaller
than `SMALL_UNIT_BYTES`: such a unit reads to its end however its site fills (see `run_unit`), so each one in flight
when a site fills runs twice in full, where `validate`'s stop at the first name turned away. On the 300 MB short
benchmark (`inventory --jobs 2`, three runs each, side by side) the second runs took 0.17 to 0.20 s of the workers'
time rather than 0.48 to 0.55 s, and the whole 4 % less."""
SPARE_UNITS_IN_FLIGHT = 1
"""Units running beyond one a worker: one waits for each worker to finish, so none waits for the next."""
UNFOLDED_PER_RUNNING = 3
"""Units started but not yet folded, at most, per unit running: a worker that finishes small units while a large
one before them runs goes on to later ones, but not so far ahead of the fold that many start with the site's
names incomplete."""
SPOOL_PLAIN_CHARACTERS = 1 << 20
"""Streamed output a worker returns in its result is compressed past this much, to cross the network small."""


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class EngineError(UserError):
    """The chosen engine cannot run here (a missing extra, an unreachable scheduler, input it cannot read)."""


def parallel_min_bytes(default: int | None = PARALLEL_MIN_BYTES) -> int | None:
    """The least input worth starting local processes for: `HOTJAR_CLI_PARALLEL_MIN_BYTES`, else `default` (set but
    empty, as a CI variable defined with no value is, it is not set)."""
    text = os.environ.get(MIN_BYTES_VARIABLE)
    if text is None or not text.strip():
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise EngineError(f"{MIN_BYTES_VARIABLE}={given(text)}: not a number of bytes")
    return value


class Lines(Protocol):
    """What a pass writes line by line as it goes, besides its summary (`--format jsonl`, the dry run's calls).

    Called with where to write, it returns what writes one event's line there. It is sent to every worker, so it
    must pickle: the command builds it from the report layer, and this layer only calls it.
    """

    def __call__(self, out: TextIO) -> Callable[[Event], None]: ...


class Future(Protocol):
    """A unit's result to come."""

    def result(self) -> Any:
        """Wait for the result, or raise what the unit raised."""

    def done(self) -> bool:
        """Whether the result is ready."""


class Executor(Protocol):
    """Runs a function on some worker: the local engine's `ForkPool` and dask's `Client` both do."""

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        """Start `fn(*args)` and return its future."""


class Engine(ABC):
    """Where the units of a pass run."""

    shares_disk: bool = True
    """Whether workers can leave their streamed output in temporary files this process reads."""
    jobs: int = 1
    """The workers it starts, when it starts them."""
    compress_over: int = SPOOL_PLAIN_CHARACTERS
    """Streamed output a worker returns in its result (when it does not share the disk) is compressed past this
    many characters."""
    keeps_names: bool = False
    """Whether each worker keeps the inventory's names over the units it runs and hands them over once, at the end
    (`hand_over`), rather than with each unit: a unit of a few megabytes meets thousands of names, whose records
    would be made, sent and added up again for every unit."""

    @abstractmethod
    def plan(self, sources: list[Source], inventory: bool = False) -> list[Source] | None:
        """The units of work, in input order; None when this process alone is the better choice. `inventory`: the
        pass collects the inventory."""

    @abstractmethod
    def executor(self, units: int) -> AbstractContextManager[Executor]:
        """Workers for that many units, released when the context ends."""

    def in_flight(self, executor: Executor) -> int:
        """How many units to keep running at once."""
        return max(self.jobs, 1) + SPARE_UNITS_IN_FLIGHT

    def wait(self, futures: list[Future]) -> None:
        """Return once at least one of these futures (the next unit to fold first) is done. This default waits for
        that first one alone; an engine that can wait for whichever finishes first keeps its workers busier."""
        futures[0].result()

    def hand_over(self, executor: Executor, run: str) -> list[Future]:
        """The inventories every worker kept over the units of `run` (see `keeps_names`), to come: asked for once
        every unit of the run has started, each is its worker's once that worker is done with the run's units (None
        from a worker that ran none)."""
        raise NotImplementedError("an engine whose workers keep their names says how they are handed over")


class LocalEngine(Engine):
    """Processes forked on this machine, up to `jobs` at once, for input of at least `min_bytes` (default:
    `HOTJAR_CLI_PARALLEL_MIN_BYTES`, else `PARALLEL_MIN_BYTES`, or `INVENTORY_PARALLEL_MIN_BYTES` for a pass that
    collects the inventory); smaller input is read by this process alone.

    `progress`, when given, is called once the processes start, for the queue they send their counts to (see
    `hotjar_cli.run.counting`).
    """

    keeps_names = True

    def __init__(self, jobs: int, progress: Callable[[], Any] | None = None, min_bytes: int | None = None) -> None:
        self.jobs = jobs
        self.progress = progress
        self.min_bytes = parallel_min_bytes(None) if min_bytes is None else min_bytes
        """The least input given or set, checked now; None for the pass's own (see `plan`)."""

    def plan(self, sources: list[Source], inventory: bool = False) -> list[Source] | None:
        """See `plan_units`."""
        least = self.min_bytes
        if least is None:
            least = INVENTORY_PARALLEL_MIN_BYTES if inventory else PARALLEL_MIN_BYTES
        return plan_units(sources, self.jobs, least)

    def executor(self, units: int) -> AbstractContextManager[Executor]:
        """Worker processes forked from this one (see `hotjar_cli.run.forked`); imported here, so a run small enough
        for one process does not pay for it."""
        from hotjar_cli.run.forked import ForkPool

        channel = None if self.progress is None else self.progress()
        return ForkPool(min(self.jobs, units), initializer=_start_worker, initargs=(channel,))

    def wait(self, futures: list[Future]) -> None:
        """Whichever unit finishes first: a worker that finished a small unit gets another while a large one before
        it still runs."""
        from hotjar_cli.run.forked import TaskFuture

        first = futures[0]
        assert isinstance(first, TaskFuture), "the futures of this engine's pool"
        first.pool.wait(futures)  # type: ignore[arg-type]  # all of them are

    def hand_over(self, executor: Executor, run: str) -> list[Future]:
        """Each worker's inventory, from a task each worker runs once no unit waits for a worker."""
        from hotjar_cli.run.forked import ForkPool

        assert isinstance(executor, ForkPool), "this engine's pool"
        return list(executor.each(_kept_inventory, run, None))


def _start_worker(channel: Any) -> None:
    """Process-pool initializer: a local worker's progress goes to `channel` (when a bar is shown), and it never
    runs the cyclic garbage collector. It lives for one run, and its units make no cycles (see `run_pass`): the
    collector would only walk, after each unit, everything the units before left alive (caches, the kinds of
    decisions), over and over."""
    gc.disable()
    if channel is not None:
        attach(channel)


class Output(msgspec.Struct, frozen=True):
    """A unit's streamed output: in a temporary file the worker wrote, or carried in the result itself."""

    path: str | None = None
    data: bytes | None = None
    gzipped: bool = False

    def copy_to(self, out: TextIO) -> None:
        """Write the output to `out`."""
        if self.path is not None:
            with open(self.path, encoding="utf-8") as piece:
                while chunk := piece.read(1 << 20):
                    out.write(chunk)
        elif self.data is not None:
            out.write((gzip.decompress(self.data) if self.gzipped else self.data).decode("utf-8"))


class Names(msgspec.Struct, frozen=True):
    """The names of one site-wide limit a unit met beyond those it was seeded with."""

    candidates: list[str]
    """Distinct names in the order they first asked to be admitted (admitted ones first)."""
    refused: bool
    """Whether the unit's site turned any name away."""


class Partial(msgspec.Struct, frozen=True):
    """What one worker returns for one unit."""

    summary: Summary
    attributes: Names
    events: Names
    output: Output | None
    lines_counted: bool = True
    """Whether the unit's lines are numbered as in the whole file; else from the unit's own start."""
    abandoned: bool = False
    """Whether the unit stopped early, its result of no use: its site turned a name away while the names it started
    with were incomplete (see `run_unit`). It then holds only which names it stopped for (`refused` in `attributes`,
    `events` or both): it runs again once those are exact."""


class Seeds(msgspec.Struct, frozen=True):
    """The names a unit's site starts with, and whether they are exactly those the site held before the unit."""

    attributes: list[str]
    events: list[str]
    exact_attributes: bool
    exact_events: bool


class SeedNames(list[str]):
    """The names of one kind a site holds, in order, as units are seeded with them: sent with every unit, up to
    10,000 names, so packed once for all the units they seed (msgpack, name after name), and unpacked by a worker
    only past the names it unpacked last (`_unpacked`). Within a run the names only grow: each packing extends the
    last."""

    __slots__ = ("kind", "known", "packed")

    def __init__(self, kind: str, names: Iterable[str] = (), packed: bytes | None = b"") -> None:
        """Names of `kind` (attributes, events), none by default: more are added by `extended`."""
        super().__init__(names)
        self.kind = kind
        self.packed = packed
        """The names packed one after another, without the list's header; None once one cannot be (a name with a
        lone surrogate, which a JSON string can carry escaped): the names then travel as a list."""
        self.known: dict[str, None] | None = None
        """In a worker: the names as the dict a site copies (see `_seeded`)."""

    def extended(self, more: list[str]) -> SeedNames:
        """These names followed by `more`, packed by packing only `more`."""
        packed = None
        if self.packed is not None:
            with suppress(UnicodeEncodeError):
                packed = self.packed + msgspec.msgpack.encode(more)[len(_list_header(len(more))) :]
        return SeedNames(self.kind, [*self, *more], packed)

    def __reduce__(self) -> tuple[Any, ...]:
        if self.packed is None:
            return SeedNames, (self.kind, list(self), None)
        return _unpacked, (self.kind, len(self), self.packed)


def _list_header(count: int) -> bytes:
    """The msgpack header of a list of `count` items."""
    if count < 16:
        return bytes((0x90 | count,))
    return b"\xdc" + count.to_bytes(2, "big") if count < 1 << 16 else b"\xdd" + count.to_bytes(4, "big")


_NAMES = msgspec.msgpack.Decoder(list[str])
_WORKER = threading.local()


def _unpacked(kind: str, count: int, packed: bytes) -> SeedNames:
    """`SeedNames` in a worker, unpacked only past the names of this kind it unpacked last, which they nearly always
    extend (within a run; a worker a cluster keeps from one run to the next meets others): the same names cost a
    comparison of their bytes, not 10,000 names made anew and compared one by one."""
    held: dict[str, SeedNames] = _WORKER.__dict__.setdefault("names", {})
    last = held.get(kind)
    if last is not None and last.packed is not None and packed.startswith(last.packed) and count >= len(last):
        if count == len(last) and len(packed) == len(last.packed):
            return last
        more = _NAMES.decode(_list_header(count - len(last)) + packed[len(last.packed) :])
        names = SeedNames(kind, [*last, *more], packed)
        names.known = _seeded(last) | dict.fromkeys(more)  # a copy: the units unpacked before keep their own
    else:
        names = SeedNames(kind, _NAMES.decode(_list_header(count) + packed), packed)
    held[kind] = names
    return names


Meanwhile = Callable[[Summary], None]
"""Work for the process that folds the units, done while its workers run, in a thread of its own: called with the
summary of the last unit folded with examples (without its site view), whenever that process has started every unit
it can and is about to wait, unless the last call still runs (work the report will need, started early)."""


def run_jobs(
    sources: list[Source],
    settings: PassSettings,
    jobs: int,
    lines: Lines | None,
    out: TextIO,
    observer: Observer | None = None,
    engine: Engine | None = None,
    meanwhile: Meanwhile | None = None,
) -> Summary:
    """One pass over the sources on an engine (default: up to `jobs` local processes).

    The summary and what is written to `out` are those of one process reading the sources in order. `meanwhile`
    is called only when the work is shared among workers.
    """
    deep_enough()  # the workers' answers are unpickled, and the report written, here
    engine = engine if engine is not None else LocalEngine(jobs)
    units = engine.plan(sources, View.INVENTORY in settings.views)
    if units is None:
        return run_pass(sources, settings, None if lines is None else lines(out), observer=observer)
    with ExitStack() as stack:
        folder = None
        if engine.shares_disk and lines is not None:
            import tempfile

            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="hotjar-cli-"))
        executor = stack.enter_context(engine.executor(len(units)))
        summary, kept = _run_units(units, settings, lines, out, observer, engine, executor, folder, meanwhile)
    if kept is not None:  # added up once the workers are gone, and their memory with them
        assert summary.views is not None and summary.views.inventory is not None, "an inventory is kept"
        summary.views.inventory.add_kept(*kept)
    return summary


def _run_units(
    units: list[Source],
    settings: PassSettings,
    lines: Lines | None,
    out: TextIO,
    observer: Observer | None,
    engine: Engine,
    executor: Executor,
    folder: str | None,
    meanwhile: Meanwhile | None = None,
) -> tuple[Summary, tuple[list[Inventory], list[int]] | None]:
    """The units, `engine.in_flight` of them running at once, the site-limit fold and the ordered merge: the part
    every engine shares. With the summary, when the workers kept the inventory's names (`Engine.keeps_names`), the
    inventories they kept and the lines before each unit in its file, for `Inventory.add_kept`.

    Streamed output goes to temporary files in `folder`, or without one comes back in the results, compressed past
    `engine.compress_over` characters."""
    limits = settings.limits
    in_flight, compress_over = engine.in_flight(executor), engine.compress_over
    # A run whose workers keep the inventory's names (`Engine.keeps_names`) names itself to them: a worker a cluster
    # keeps from one run to the next counts each run apart.
    run = (
        os.urandom(8).hex()
        if engine.keeps_names and lines is None and View.INVENTORY in settings.views and settings.selected.everything
        else None
    )

    def submit(number: int, seeds: Seeds, again: bool = False) -> Future:
        spool = None if folder is None else f"{folder}/{number}{'.again' if again else ''}.jsonl"
        keeping = None if run is None else (run, number)
        return executor.submit(
            run_unit, units[number], settings, lines, spool, seeds, again, compress_over, shown.enough(), keeping
        )

    units = list(units)  # ranges are cut smaller while a site may fill (`SMALL_UNIT_BYTES`)
    smallest = SMALL_UNIT_BYTES // KEPT_NAMES_SMALLER if run is not None else SMALL_UNIT_BYTES
    whole = Whole()  # the summaries of the units written so far, in input order
    sizes = [_unit_bytes(unit) for unit in units]
    folded_bytes = 0
    not_started = sum(sizes)
    # Started units, in input order, with the seeds each started with.
    started: deque[tuple[int, Future, Seeds]] = deque()
    # Folded units wait here, in input order, until every unit before them is final: output is written in order.
    waiting: deque[tuple[int, Partial | Future]] = deque()
    numbering = LineNumbers(units)  # the same list: it sees the cuts
    shown = ShownExamples(settings.example_limit)
    # The site starts with the names it held before these logs (`--known-attributes`, `--known-events`).
    attributes = _SiteNames("attributes", limits.max_attributes, settings.site_names.attributes)
    events = _SiteNames("events", limits.max_events, settings.site_names.events)

    def site_seeds(everything_before: bool) -> Seeds:
        # The site's names now, and whether they are exactly those before the unit to start (see `_SiteNames.exact`).
        return Seeds(
            attributes.names(), events.names(), attributes.exact(everything_before), events.exact(everything_before)
        )

    next_unit = 0
    folded: Summary | None = None
    handed_over: list[Future] | None = None  # the workers' kept inventories (`Engine.hand_over`)
    aside = _Aside(meanwhile)
    # The results of started units that are done, by unit: each is fetched once (from a cluster, a transfer).
    finished: dict[int, Partial] = {}
    while started or next_unit < len(units):
        # A unit that stopped early runs again as soon as the names it stopped for are exact, before any new unit
        # starts: the fold waits for it.
        for place, (number, future, _) in enumerate(started):
            result = finished.get(number)
            if result is None:
                if not future.done():
                    continue
                result = finished[number] = future.result()
            if result.abandoned:
                exact = site_seeds(everything_before=place == 0)
                if (result.attributes.refused and not exact.exact_attributes) or (
                    result.events.refused and not exact.exact_events
                ):
                    continue  # it would stop again: it waits for the units before it
                del finished[number]
                started[place] = (number, submit(number, exact), exact)
        # Second runs still running count as running too: they hold a worker like any unit.
        running = [future for _, future, _ in started if not future.done()]
        running += [item for _, item in waiting if not isinstance(item, Partial) and not item.done()]
        while next_unit < len(units):
            started_bytes = sum(sizes[number] for number, _, _ in started)
            room = min(attributes.room(folded_bytes), events.room(folded_bytes)) - started_bytes
            # Units started ahead of the fold start with the site's names incomplete: far ahead only while no site
            # is expected to fill before the end of the input, so that few of them can need a second run.
            ahead = UNFOLDED_PER_RUNNING * in_flight if room >= not_started else in_flight
            if started and (len(running) >= in_flight or len(started) >= ahead):
                break
            # Units shrink as they near the end of the input, and near the point where a site is expected to fill
            # (beyond the units already started): the units in flight when it fills, which may run again, are then
            # small, and so are the last ones, so the workers finish together.
            largest = min(not_started, max(room, 0)) // (TAIL_SHARE * in_flight)
            pieces = _cut(units[next_unit], sizes[next_unit], int(largest), smallest)
            if len(pieces) > 1:
                units[next_unit : next_unit + 1] = pieces
                sizes[next_unit : next_unit + 1] = [_unit_bytes(piece) for piece in pieces]
            not_started -= sizes[next_unit]
            # With nothing started before it, a unit's seeds are the site's exact names before it.
            seeds = site_seeds(everything_before=not started)
            future = submit(next_unit, seeds)
            started.append((next_unit, future, seeds))
            running.append(future)
            next_unit += 1
        if run is not None and handed_over is None and next_unit == len(units):
            # Every unit has started: a worker done with its last hands its names over while the others run.
            handed_over = engine.hand_over(executor, run)
        number, future, seeds = started[0]
        partial = finished.get(number)
        if partial is None and future.done():
            partial = finished[number] = future.result()
        if partial is None:
            if folded is not None and aside.offer(folded):
                folded = None  # every unit that can start has: the workers are busy
            engine.wait(running)  # the next unit to fold, or any other: then more can start
            continue
        if partial.abandoned:
            continue  # it runs again, above, with the exact names, counted anew
        del finished[number]
        started.popleft()
        if partial.summary.examples:
            # Its counts and examples as they are now: the whole summary that units are added to may be this one.
            # (Units after the first few collect no examples: see `ShownExamples`.)
            folded = replace(partial.summary, views=None)
        folded_bytes += sizes[number]
        if observer is not None:
            observer.folded(units[number], partial.summary.events)
        before = site_seeds(everything_before=True)
        turned_away = attributes.fold(partial.attributes, seeds.exact_attributes, folded_bytes)
        turned_away |= events.fold(partial.events, seeds.exact_events, folded_bytes)
        waiting.append((number, submit(number, before, again=True) if turned_away else partial))
        _write_ready(waiting, whole, out, numbering, shown, wait=False)
    _write_ready(waiting, whole, out, numbering, shown, wait=True)
    aside.finish()
    assert whole.summary is not None and whole.units == len(units), "every unit is in the summary"
    if run is None:
        return whole.summary, None
    assert handed_over is not None, "asked for once every unit started"
    kept = [inventory for inventory in (future.result() for future in handed_over) if inventory is not None]
    return whole.summary, (kept, numbering.lines_before_each())


class _Aside:
    """Runs the `meanwhile` work in a thread of its own, one call at a time, so that the loop goes on folding units
    and starting others while it runs: loading what a report needs takes tens of milliseconds, in which a worker
    can finish a unit and wait for the next. What it raises is raised once the units are done."""

    def __init__(self, work: Meanwhile | None) -> None:
        self._work = work
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def offer(self, summary: Summary) -> bool:
        """Start the work with `summary`, unless it is still running from the last call; whether it started."""
        if self._work is None or (self._thread is not None and self._thread.is_alive()):
            return False
        self._thread = threading.Thread(target=self._run, args=(self._work, summary), daemon=True)
        self._thread.start()
        return True

    def _run(self, work: Meanwhile, summary: Summary) -> None:
        try:
            work(summary)
        except BaseException as error:  # noqa: BLE001  # raised in the loop's thread by `finish`
            self._error = error

    def finish(self) -> None:
        """Wait for the work to end; raise what it raised."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error


def _unit_bytes(unit: Source) -> int:
    """A unit's size in bytes; 0 for a remote object of unknown size, not worth a request of its own here."""
    if unit.end is not None:
        return unit.end - unit.start
    if unit.remote is not None and unit.remote.size is None:
        return 0
    return size_of(unit) - unit.start


def _cut(unit: Source, size: int, largest: int, smallest: int) -> list[Source]:
    """A range as a unit of at most about `largest` bytes (and at least `smallest`) and the rest of the range, which
    is cut in turn when it comes to start, by what is known then; a whole file (which may be gzipped) stays whole."""
    largest = max(largest, smallest)
    if unit.whole or size <= largest + largest // 2:
        return [unit]
    pieces = split_ranges(unit, -(-size // largest))
    if len(pieces) < 2 or pieces[0].end is None:
        return [unit]
    return [pieces[0], Source(unit.name, unit.path, pieces[0].end, unit.end, unit.remote)]


def _write_ready(
    waiting: deque[tuple[int, Partial | Future]],
    whole: Whole,
    out: TextIO,
    numbering: LineNumbers,
    shown: ShownExamples,
    wait: bool,
) -> None:
    while waiting:
        number, item = waiting[0]
        if not isinstance(item, Partial):
            if not wait and not item.done():
                return
            item = item.result()
        waiting.popleft()
        shown.add(item.summary)
        whole.add(numbering.place(number, item))
        if item.output is not None:
            item.output.copy_to(out)


class Whole:
    """The summary of the units written so far, each added as it is written, in input order: one summary is held,
    however many units the input has, and each unit is added while the workers go on with later ones."""

    def __init__(self) -> None:
        self.summary: Summary | None = None
        self.units = 0

    def add(self, summary: Summary) -> None:
        """The summary of the next unit in input order."""
        if self.summary is None:
            self.summary = summary
        else:
            self.summary.extend(summary)
        self.units += 1


class ShownExamples:
    """The examples of each rule in the units written so far, which come first in input order: once a rule has as
    many as a report shows, a unit started after that collects none of it. The first units' examples are the
    report's, and the rest would only be made, sent back and dropped by the merge."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._counts: dict[str, int] = {}
        self._enough: frozenset[str] = frozenset()

    def add(self, summary: Summary) -> None:
        """The summary of the next unit in input order."""
        for code, examples in summary.examples.items():
            self._counts[code] = self._counts.get(code, 0) + len(examples)
        self._enough = frozenset(code for code, count in self._counts.items() if count >= self._limit)

    def enough(self) -> frozenset[str]:
        """The rules whose examples the units written so far show enough of."""
        return self._enough


class LineNumbers:
    """Numbers each unit's lines as its whole file does, from the lines of the units before it, in input order.

    A unit whose output is only its summary counts its lines from its own start: the lines before it are
    known here once the units before it are done, and it need not read those bytes again to count them.
    """

    def __init__(self, units: list[Source]) -> None:
        self._units = units
        self._before = 0
        self._known = True
        self._shifts: dict[int, int] = {}

    def place(self, number: int, partial: Partial) -> Summary:
        """The unit's summary, numbered as its file is."""
        unit = self._units[number]
        if unit.start == 0:
            self._before, self._known = 0, True
        summary = partial.summary
        if not partial.lines_counted:
            shift = self._shifts[number] = self._before if self._known else self._count_before(unit)
            summary.shift(shift)
        self._before += partial.summary.lines
        # A unit that stopped reading early (a read error, which the run reports) counted fewer lines than it holds.
        self._known = self._known and not partial.summary.errors
        return summary

    def lines_before_each(self) -> list[int]:
        """The lines before each unit in its file, by unit, once every unit is placed (0 for a unit that counted
        them itself)."""
        return [self._shifts.get(number, 0) for number in range(len(self._units))]

    def _count_before(self, unit: Source) -> int:
        try:
            return lines_before(unit)
        except (ReadError, InputError):
            return self._before  # the file failed again; the error already reported makes the run exit 2


def plan_units(sources: list[Source], jobs: int, min_bytes: int = PARALLEL_MIN_BYTES) -> list[Source] | None:
    """The units of work for local processes, in input order; None when one process is the better choice: for
    less input than `min_bytes` in all. A plain file of at least `min_bytes` is cut into byte ranges."""
    if jobs <= 1 or any(source.is_stdin for source in sources):
        return None
    sizes = [size_of(source) for source in sources]
    if sum(sizes) < min_bytes:
        return None
    units: list[Source] = []
    for source, size in zip(sources, sizes, strict=True):
        units.extend(ranges_of(source, size, max(jobs, -(-size // UNIT_BYTES)), min_bytes))
    return units if len(units) > 1 else None


def ranges_of(source: Source, size: int, parts: int, min_bytes: int) -> list[Source]:
    """A source as the units that read it: up to `parts` byte ranges when it is `splittable`, else whole. A file that
    cannot be opened is a unit whole, which says so where it reads it, as one process does: opened here to be cut,
    it stopped the run, and the files beside it went unread."""
    try:
        if parts > 1 and splittable(source, size, min_bytes):
            return split_ranges(source, parts)
    except InputError:
        pass
    return [source]


def splittable(source: Source, size: int, min_bytes: int = PARALLEL_MIN_BYTES) -> bool:
    """Whether a source is a plain (not compressed) file of at least `min_bytes`, to be cut into byte ranges.

    A remote object named `.gz` is taken at its name: not splitting a plain one only costs parallelism, while
    looking at every object's first bytes would cost a request each before any work starts.
    """
    if size < min_bytes:
        return False
    if source.remote is not None and source.name.endswith((".gz", ".gzip")):
        return False
    return not is_compressed(source)


class _SiteNames:
    """The names of one site-wide limit the site holds after the units folded so far, in the order it took them."""

    def __init__(self, kind: str, limit: int, known: Iterable[str] = ()) -> None:
        self.limit = limit
        self._admitted: dict[str, None] = dict.fromkeys(known)
        self._names = SeedNames(kind).extended(list(self._admitted))
        # Names held after so many bytes were folded, in input order: the pace new names arrive at.
        self._history: list[tuple[int, int]] = [(0, len(self._admitted))]

    def room(self, folded: int) -> float:
        """How many more bytes of input the site takes before it fills, at the pace new names arrived over the
        later half of the `folded` bytes so far: none before any are folded, no end once full (a full site never
        changes) or while no new names arrive. Input whose names keep growing slows down: the later half's pace
        is the nearer, and a sudden wave of new names shows in it."""
        held = len(self._admitted)
        if held >= self.limit:
            return math.inf
        if folded == 0:
            return 0
        half = bisect.bisect_right(self._history, (folded // 2, -1)) - 1
        since, held_then = self._history[max(half, 0)]
        if held == held_then:
            return math.inf
        return (self.limit - held) * (folded - since) / (held - held_then)

    def names(self) -> SeedNames:
        """The names held now, to seed a unit with: made anew, extending the last, only once more names are held
        (the site only takes more names)."""
        if len(self._names) != len(self._admitted):
            self._names = self._names.extended(list(itertools.islice(self._admitted, len(self._names), None)))
        return self._names

    def exact(self, everything_before: bool) -> bool:
        """Whether the names held now are those the site holds before the next unit to start.

        They are when every unit before it is folded, and once the site is full: a full site never changes.
        """
        return everything_before or len(self._admitted) >= self.limit

    def fold(self, names: Names, exact: bool, folded: int) -> bool:
        """Admit a unit's new names in order, the input folded being then `folded` bytes; whether the unit's result
        could differ from the one-process run's.

        A unit seeded with the exact names gave the one-process answer. Otherwise it gave it only if every name
        it met was admitted in both runs: its own site turned none away, and none is turned away here.
        """
        admitted = self._admitted
        turned_away = names.refused
        for name in names.candidates:
            if name in admitted:
                continue
            if len(admitted) >= self.limit:
                turned_away = True
                break
            admitted[name] = None
        self._history.append((folded, len(admitted)))
        return turned_away and not exact


class OutputBuffer(io.TextIOBase):
    """Streamed output kept in memory for a unit's result, compressed once it grows past `compress_over`
    characters."""

    def __init__(self, compress_over: int = SPOOL_PLAIN_CHARACTERS) -> None:
        self.compress_over = compress_over
        self._parts: list[str] = []
        self._characters = 0
        self._buffer: io.BytesIO | None = None
        self._gzip: gzip.GzipFile | None = None

    def write(self, text: str) -> int:
        if self._gzip is not None:
            self._gzip.write(text.encode("utf-8"))
            return len(text)
        self._parts.append(text)
        self._characters += len(text)
        if self._characters > self.compress_over:
            self._buffer = io.BytesIO()
            self._gzip = gzip.GzipFile(fileobj=self._buffer, mode="wb", compresslevel=1, mtime=0)
            self._gzip.write("".join(self._parts).encode("utf-8"))
            self._parts = []
        return len(text)

    def output(self) -> Output:
        """What was written, to return in the result."""
        if self._gzip is None or self._buffer is None:
            return Output(data="".join(self._parts).encode("utf-8"))
        self._gzip.close()
        return Output(data=self._buffer.getvalue(), gzipped=True)


def run_unit(
    unit: Source,
    settings: PassSettings,
    lines: Lines | None,
    spool: str | None,
    seeds: Seeds,
    again: bool = False,
    compress_over: int = SPOOL_PLAIN_CHARACTERS,
    examples_shown: frozenset[str] = frozenset(),
    keeping: tuple[str, int] | None = None,
) -> Partial:
    """One unit on one worker, as every engine's `Executor` runs it: its summary, its site's new names, and its
    streamed output (to `spool` if given, else in the result, compressed past `compress_over` characters). It
    collects no examples of the rules in `examples_shown`, which the units before it show enough of.

    `again` for a unit folded a second time, whose progress was counted the first time.

    `keeping`: the run and the unit's number, when the worker keeps the inventory's names over the units of the run
    (see `Engine.keeps_names`). The unit's first run counts them into the worker's inventory and reads to its end,
    where it would stop early; its second run counts nothing more there. Either sends only the names the unit
    offered first."""
    limits = settings.limits
    site = Site(
        limits.max_attributes,
        limits.max_events,
        _seeded(seeds.attributes),
        _seeded(seeds.events),
    )
    output = None
    observer = None if again else for_worker()  # a unit folded again was counted the first time

    def stopped_for() -> tuple[bool, bool]:
        # Started before the site's names were complete, the unit runs again, seeded with them, if its own site
        # turns a name away (`_SiteNames.fold`): it stops there, rather than finish a result of no use.
        return (
            not seeds.exact_attributes and bool(site.refused_attributes),
            not seeds.exact_events and bool(site.refused_events),
        )

    def stopped() -> bool:
        return any(stopped_for())

    stop = None if seeds.exact_attributes and seeds.exact_events else stopped
    inventory = None
    if keeping is not None:
        run, number = keeping
        inventory = _new_inventory(settings) if again else _kept_inventory(run, settings)
        if inventory is not None and not again:
            inventory.begin_part(number, seeds.exact_events)
            stop = None  # what it counted is kept: it reads to the end, and only its offers are read again

    if lines is None:
        summary = run_pass(
            [unit],
            settings,
            site=site,
            observer=observer,
            count_lines_before=False,
            stop=stop,
            examples_shown=examples_shown,
            inventory=inventory,
        )
    elif spool is not None:
        with open(spool, "w", encoding="utf-8") as file:
            summary = run_pass(
                [unit], settings, lines(file), site=site, observer=observer, stop=stop, examples_shown=examples_shown
            )
        output = Output(path=spool)
    else:
        kept = OutputBuffer(compress_over)
        summary = run_pass(
            [unit],
            settings,
            lines(kept),  # type: ignore[arg-type]  # a text stream in all that the writers use
            site=site,
            observer=observer,
            stop=stop,
            examples_shown=examples_shown,
        )
        output = kept.output()
    attributes_stopped, events_stopped = stopped_for()
    if stop is not None and (attributes_stopped or events_stopped):
        if observer is not None:
            observer.take_back()
        # Which names it stopped for: it runs again once those are exact.
        return Partial(Summary(), Names([], attributes_stopped), Names([], events_stopped), None, abandoned=True)
    return Partial(summary, *_new_names(site, seeds), output, lines_counted=lines is not None)


def _new_inventory(settings: PassSettings) -> Inventory:
    """An inventory for a pass with these settings, as the pass would make one."""
    limits, known = settings.limits, settings.site_names
    return Inventory(
        limits.max_attributes,
        limits.max_events,
        known.attributes,
        known.events,
        settings.inventory_bounds,
        limits=limits,
    )


def _kept_inventory(run: str, settings: PassSettings | None) -> Inventory | None:
    """The inventory this worker keeps over the units of `run`, made at its first unit; with no `settings`, handed
    over (the run is done: see `Engine.hand_over`), None when the worker ran none of its units.

    An inventory handed over is let go at the next hand-over, not as soon as it is pickled: a local worker then ends
    with the run and frees none of it, where freeing the names, sightings and tally of half of the 300 MB short
    benchmark cost 16 million instructions (about 5 ms) between the last unit counted and the answer written."""
    held: tuple[str, Inventory] | None = getattr(_WORKER, "kept", None)
    if settings is None:
        _WORKER.kept = None
        _WORKER.handed = held
        return held[1] if held is not None and held[0] == run else None
    if held is None or held[0] != run:
        held = _WORKER.kept = (run, _new_inventory(settings))
    return held[1]


def _seeded(names: list[str]) -> dict[str, None]:
    """A unit's seeds of one kind as the dict a site copies: made once for all the units a worker seeds with the
    same names (see `SeedNames`)."""
    if not isinstance(names, SeedNames):
        return dict.fromkeys(names)
    if names.known is None:
        names.known = dict.fromkeys(names)
    return names.known


def _new_names(site: Site, seeds: Seeds) -> tuple[Names, Names]:
    """The names a unit's site met beyond its seeds: a site keeps its seeds first, in order."""
    return (
        Names(site.attribute_candidates()[len(seeds.attributes) :], bool(site.refused_attributes)),
        Names(site.event_candidates()[len(seeds.events) :], bool(site.refused_events)),
    )
