"""Running one pass over several processes with the same answer, byte for byte, as one process.

The input is cut into units: whole files, and byte ranges of large plain files that start at line starts. Each
worker process reads its own units from disk (no line crosses a process boundary), runs the same core, and
returns a small summary, the site-limit candidates it met, and the path of a temporary file holding its
streamed output (jsonl findings or dry-run calls).

The site-wide limits (HJ206, HJ304) depend on everything before a message. Each unit is first folded over an
empty site; then the units' candidate names are folded in input order, which tells exactly which names the
site held before each unit. A unit whose result could differ from the one-process run (because the site
turned a name away in it, in either run) is folded again over a site seeded with those names. Most inputs never
reach a site limit and pay nothing for this.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from functools import reduce
from pathlib import Path
from typing import Callable, TextIO

import msgspec

from hotjar_cli.core.site import Site
from hotjar_cli.core.summary import Summary
from hotjar_cli.engine import Event, Observer, Run, run
from hotjar_cli.reader import Source, is_gzip, split_ranges

PARALLEL_MIN_BYTES = 16 * 1024 * 1024
"""Below this much input, starting processes costs more than it saves."""


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Stream(str, Enum):
    """What a pass writes line by line as it goes, besides its summary."""

    NONE = "none"
    FINDINGS = "findings"
    """`--format jsonl`: one line per event with findings."""
    CALLS = "calls"
    """`replay --dry-run`: one line per Hotjar call."""


def stream_writer(stream: Stream, out: TextIO, redact: bool = False) -> Callable[[Event], None] | None:
    """The function that writes one event's line of a stream to `out`, or None for no stream."""
    if stream is Stream.NONE:
        return None
    if stream is Stream.FINDINGS:
        from hotjar_cli.report.jsonl_format import JsonLinesReporter

        return JsonLinesReporter(out, redact).event
    from hotjar_cli.report.records import call_record

    encode = msgspec.json.encode

    def write_call(event: Event) -> None:
        if event.decision.call is not None:
            out.write(encode(call_record(event)).decode() + "\n")

    return write_call


@dataclass(frozen=True)
class Partial:
    """What one worker returns for one unit."""

    summary: Summary
    attribute_candidates: list[str]
    event_candidates: list[str]
    output: str | None


def run_jobs(sources: list[Source], settings: Run, jobs: int, stream: Stream, out: TextIO,
             redact: bool = False, observer: Observer | None = None) -> Summary:
    """One pass over the sources with up to `jobs` processes; the summary and `out` are as with one process."""
    units = plan_units(sources, jobs)
    if units is None:
        return run(sources, settings, stream_writer(stream, out, redact), observer=observer)
    # Imported here: a run small enough for one process does not pay for starting a pool.
    import multiprocessing
    import shutil
    import tempfile
    from concurrent.futures import ProcessPoolExecutor

    limits = settings.limits
    with tempfile.TemporaryDirectory(prefix="hotjar-cli-") as folder, ProcessPoolExecutor(
            max_workers=min(jobs, len(units)), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_work, unit, settings, stream, redact, f"{folder}/{number}.jsonl", None)
                   for number, unit in enumerate(units)]
        partials: list[Partial] = []
        for future in futures:
            partials.append(future.result())
            if observer is not None:
                observer.source(units[len(partials) - 1])
        attributes: dict[str, None] = {}
        events: dict[str, None] = {}
        again = {}
        for number, partial in enumerate(partials):
            seeds = (list(attributes), list(events))
            turned_away = _fold(attributes, partial.attribute_candidates, limits.max_attributes)
            turned_away |= _fold(events, partial.event_candidates, limits.max_events)
            if turned_away:
                again[number] = pool.submit(_work, units[number], settings, stream, redact,
                                            f"{folder}/{number}.again.jsonl", seeds)
        for number, future in again.items():
            partials[number] = future.result()
        for partial in partials:
            if partial.output is not None:
                with open(partial.output, encoding="utf-8") as piece:
                    shutil.copyfileobj(piece, out)
    return reduce(Summary.merge, (partial.summary for partial in partials))


def plan_units(sources: list[Source], jobs: int) -> list[Source] | None:
    """The units of work, in input order; None when one process is the better choice."""
    if jobs <= 1 or any(source.path is None for source in sources):
        return None
    sizes = [_size(source.path) for source in sources]  # type: ignore[arg-type]
    if sum(sizes) < PARALLEL_MIN_BYTES:
        return None
    units: list[Source] = []
    for source, size in zip(sources, sizes):
        if size >= PARALLEL_MIN_BYTES and not is_gzip(source.path):  # type: ignore[arg-type]
            units.extend(split_ranges(source, jobs))
        else:
            units.append(source)
    return units if len(units) > 1 else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _fold(admitted: dict[str, None], candidates: list[str], limit: int) -> bool:
    """Admit a unit's candidates in order into the site's names; whether the site turned any away."""
    for name in candidates:
        if name in admitted:
            continue
        if len(admitted) >= limit:
            return True
        admitted[name] = None
    # A unit whose own candidates overflowed an empty site was turned away in its first fold, even if the
    # names it met are already admitted by earlier units.
    return len(candidates) > limit


def _work(unit: Source, settings: Run, stream: Stream, redact: bool, output: str,
          seeds: tuple[list[str], list[str]] | None) -> Partial:
    limits = settings.limits
    known_attributes, known_events = seeds or ((), ())
    site = Site(limits.max_attributes, limits.max_events, known_attributes, known_events)
    if stream is Stream.NONE:
        summary = run([unit], settings, site=site)
        written = None
    else:
        with open(output, "w", encoding="utf-8") as file:
            summary = run([unit], settings, stream_writer(stream, file, redact), site=site)
        written = output
    return Partial(summary, site.attribute_candidates(), site.event_candidates(), written)
