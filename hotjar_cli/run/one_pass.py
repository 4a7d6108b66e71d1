"""Running the core over sources: read lines, parse, filter, decide, count. Shared by every command."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

import msgspec

from hotjar_cli.core.counting_loop import CountingLoop
from hotjar_cli.core.decode import (
    DECODE_ERRORS,
    MAX_LINE_BYTES,
    Parsed,
    SegmentMessage,
    decode_fields,
    parse_batch,
    parse_line,
    too_deep,
    with_copy,
)
from hotjar_cli.core.facade import lines_that_could_differ
from hotjar_cli.core.filters import Filters
from hotjar_cli.core.inventory import Inventory, InventoryBounds
from hotjar_cli.core.kinds import Kinds
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Decision, Event, Position
from hotjar_cli.core.selection import Selection
from hotjar_cli.core.site import Site
from hotjar_cli.core.summary import SourceError, Summary
from hotjar_cli.core.timeline import PENDING_GROUPS
from hotjar_cli.core.views import SiteNames, View, Views
from hotjar_cli.run.collector import collector_paused
from hotjar_cli.sources.reader import BLOCK_BYTES, lines_before, open_source, read_blocks
from hotjar_cli.sources.source import InputError, ReadError, Source

RECURSION_LIMIT = 4_000
"""The interpreter's recursion limit while a process runs passes, at least: a line nests up to `core.decode.MAX_LEVELS`
(deeper, it is not decoded: `too_deep`), and each level costs a decoder, an encoder or a pickle one or two levels of
recursion wherever it is called (the interpreter's 1,000 stopped a report or a worker's answer holding a value nested
600 to 980 levels deep). A level of C recursion takes well under a kilobyte of an 8 MB stack."""


def deep_enough() -> None:
    """Raise the interpreter's recursion limit to `RECURSION_LIMIT` for the rest of the process (never lowered: other
    threads may be running passes). Every pass does, and so does a process that only writes what its workers read."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


class PassSettings(msgspec.Struct):
    """The settings of one pass over the input."""

    limits: Limits = msgspec.field(default_factory=Limits)
    filters: Filters = msgspec.field(default_factory=Filters)
    selected: Selection = msgspec.field(default_factory=Selection)
    example_limit: int = 3
    views: frozenset[View] = frozenset()
    """The site view to collect beside the summary (`Summary.views`): the timeline, the inventory."""
    site_names: SiteNames = msgspec.field(default_factory=SiteNames)
    """The names the site held before these logs."""
    inventory_bounds: InventoryBounds = msgspec.field(default_factory=InventoryBounds)
    """How much the inventory holds exactly before it samples names and estimates users."""
    max_line_bytes: int = MAX_LINE_BYTES
    """Longer lines are reported (invalid-json), not parsed."""
    block_bytes: int = BLOCK_BYTES
    """How much of a source is read at once."""


def with_site_view(settings: PassSettings, views: frozenset[View], names: SiteNames) -> PassSettings:
    """The settings of a pass that also collects `views`, over a site seeded with `names`."""
    return msgspec.structs.replace(settings, views=settings.views | views, site_names=names)


class Observer(Protocol):
    """Watches a run from outside the hot path, to show progress."""

    def watch(self, summary: Summary) -> None:
        """The summary being filled."""

    def source(self, source: Source) -> None:
        """A source is about to be read."""

    def read(self, size: int) -> None:
        """So many bytes of a source were read, before decompression."""

    def done(self) -> None:
        """The run is over: the summary is complete."""

    def folded(self, unit: Source, events: int) -> None:
        """A unit of work came back from a worker with `events` decided, and was folded into the run's summary."""


def run_pass(
    sources: Iterable[Source],
    settings: PassSettings,
    on_event: Callable[[Event], None] | None = None,
    site: Site | None = None,
    observer: Observer | None = None,
    count_lines_before: bool = True,
    stop: Callable[[], bool] | None = None,
    examples_shown: frozenset[str] = frozenset(),
    inventory: Inventory | None = None,
    on_left_out: Callable[[SegmentMessage, Decision], None] | None = None,
) -> Summary:
    """Read every source in order and fold each event into a summary; `on_event` sees each event as decided, and
    `on_left_out` each message the filters leave out, decided too (Hotjar received it).

    A range of a file is numbered as the whole file is, which reads the bytes before it to count their lines;
    without `count_lines_before` its lines count from the range's start (see `Summary.shift`).

    `examples_shown`: rules whose examples the parts of the input before these sources show enough of (see
    `Summary.shown_before`).

    `stop`, when given, is asked after each block of lines: once it says so, the pass reads no further, and its
    summary holds only what was read (a part of the input whose result is already known to be of no use).

    `inventory`, when the settings ask for one: the inventory to count into, which a worker keeps over the parts of
    an input it reads (`Inventory.begin_part`); the summary's then holds only the names the part offered first.

    The cyclic garbage collector is paused meanwhile: what a message leaves behind is freed by reference
    counting (nothing per message refers back to itself), and a collection every few hundred messages would
    only walk them.
    """
    deep_enough()
    with collector_paused():
        return _run(
            sources,
            settings,
            on_event,
            site,
            observer,
            count_lines_before,
            stop,
            examples_shown,
            inventory,
            on_left_out,
        )


def _run(
    sources: Iterable[Source],
    settings: PassSettings,
    on_event: Callable[[Event], None] | None,
    site: Site | None,
    observer: Observer | None,
    count_lines_before: bool,
    stop: Callable[[], bool] | None,
    examples_shown: frozenset[str],
    inventory: Inventory | None,
    on_left_out: Callable[[SegmentMessage, Decision], None] | None,
) -> Summary:
    limits, known = settings.limits, settings.site_names
    if site is None and (known.attributes or known.events):
        site = Site(limits.max_attributes, limits.max_events, known.attributes, known.events)
    kinds = _kinds()
    summary = Summary(example_limit=settings.example_limit, kinds=kinds)
    summary.shown_before(examples_shown)
    # The site view, only when a report shows it: it costs a little for every event.
    views = (
        Views(
            settings.views,
            limits.max_attributes,
            limits.max_events,
            known,
            settings.inventory_bounds,
            kinds,
            limits,
            inventory,
        )
        if settings.views
        else None
    )
    if views is not None and views.inventory is not None and site is not None:
        views.inventory.held_before(site.attributes, site.events)  # the names the parts before this one gave it
    observe = views.observer if views is not None else None
    offer = views.inventory.offer_only if views is not None and views.inventory is not None else None
    if observer is not None:
        observer.watch(summary)
    keep, selected = settings.filters.keep, settings.selected
    max_line_bytes, block_bytes = settings.max_line_bytes, settings.block_bytes
    filtering = settings.filters.active
    selecting = not selected.everything
    add = summary.add_at
    # A pass that only counts (and folds its events into the site view) runs its common lines through the core's
    # compiled loop (`CountingLoop`); its calls' arguments are read only in examples (the inventory reads the
    # message's own traits), so an identify that breaks no rule needs none.
    counting_only = not filtering and not selecting and on_event is None
    mapper = _mapper(limits, site, not counting_only)
    decide = mapper.decide

    def fold(name: str, line: int, item: int | None, parsed: Parsed, raw: bytes) -> None:
        if filtering and parsed.__class__ is SegmentMessage and not keep(parsed):
            summary.events += 1
            summary.filtered += 1
            # Not reported, but Hotjar received it: its names fill the site's limits as they did then.
            left_out = decide(parsed)
            if offer is not None:
                offer(name, line, item, parsed, left_out)
            if on_left_out is not None:
                on_left_out(parsed, left_out)
            return
        decided = decide(parsed)
        decision = _only_selected(decided, selected) if selecting and decided.findings else decided
        add(name, line, item, parsed, decision, raw)
        if observe is not None:
            if decision is decided or views is None:
                observe(name, line, item, parsed, decision)
            else:
                # The rules reported are those selected; the site's names fare as Hotjar makes them, whatever is
                # reported: a name too long for it takes no slot, though its rule is not reported.
                views.observe(name, line, item, parsed, decision, decided)
        if on_event is not None:
            on_event(Event(Position(name, line, item), parsed, decision))

    def other_line(name: str, line: int, raw: bytes, message: SegmentMessage | None) -> None:
        """A line that is not one message within the length limit: blank, unreadable, too long, a batch envelope.

        `message` is what the line decoded to, or None; a blank line never decodes.
        """
        if raw.isspace() or not raw:
            summary.blank_lines += 1
            return
        raw = raw[:-1] if raw.endswith(b"\n") else raw
        envelope = message is not None and message.batch is not None and len(raw) <= max_line_bytes
        parsed_items, batched = (
            parse_batch(message)  # type: ignore[arg-type]  # an envelope is a decoded message here
            if envelope
            else parse_line(raw, max_line_bytes)
        )
        for index, parsed in enumerate(parsed_items):
            fold(name, line, index if batched else None, parsed, raw)

    counting = CountingLoop(mapper, summary, views, max_line_bytes, other_line) if counting_only else None

    stopped = False
    for source in sources:
        if source.start == 0:
            summary.files += 1
        line_offset = 0
        name = source.name
        line_number = 0
        if observer is not None:
            observer.source(source)
        try:
            # Inside the try: counting the lines before a range reads the file, which can fail like any read.
            line_offset = lines_before(source) if count_lines_before else 0
            with open_source(source, observer.read if observer is not None else None) as stream:
                for lines in read_blocks(stream, block_bytes, source.start == 0, max_line_bytes):
                    if stop is not None and stop():
                        stopped = True
                        break
                    if counting is not None:
                        counting.count(name, lines, line_offset + line_number)
                        line_number += len(lines)
                        continue
                    # `decode_one` in two steps, as in the counting loop: a call of its own cost each line about
                    # 600 instructions more (callgrind), three times what the block's screen costs it.
                    differing, first = lines_that_could_differ(lines), line_number + 1
                    for raw in lines:  # each with its line end, which JSON ignores
                        line_number += 1
                        try:
                            message = None if too_deep(raw) else decode_fields(raw)
                        except DECODE_ERRORS:
                            message = None
                        if differing and message is not None and line_number - first in differing:
                            message = with_copy(message, raw)
                        if message is not None and message.batch is None and len(raw) <= max_line_bytes:
                            fold(name, line_offset + line_number, None, message, raw)
                        else:
                            other_line(name, line_offset + line_number, raw, message)
        except (ReadError, InputError) as error:
            # The error is shown after the file's name (and line): a file that cannot be opened names itself once,
            # and no line, since none of it was read.
            said = str(error).removeprefix(f"{source.name}: ")
            line = None if isinstance(error, InputError) else line_offset + line_number + 1
            summary.errors.append(SourceError(source.name, line, said))
        summary.lines += line_number
        if stopped:
            break
    summary.let_go_of_kinds()
    if views is not None:
        if inventory is not None:
            views.inventory = inventory.end_part()  # the counts stay in `inventory`: only the part's offers go
        views.settle()
    summary.views = views
    if observer is not None:
        observer.done()
    return summary


_THREAD = threading.local()


def _kinds() -> Kinds:
    """The kinds of decisions this thread's passes share: a worker that runs many units of an input learns each
    decision once (see `Kinds`); new ones once they grow past what a timeline keeps."""
    kinds: Kinds | None = getattr(_THREAD, "kinds", None)
    if kinds is None or len(kinds.signatures) >= PENDING_GROUPS:
        kinds = _THREAD.kinds = Kinds()
    return kinds


def _mapper(limits: Limits, site: Site | None, call_arguments: bool) -> Mapper:
    """The mapper of a pass over `site`: for a part of an input over a site seeded with the names before it, the
    mapper of this thread's last part carried over (see `Mapper.carried_to`)."""
    last: Mapper | None = getattr(_THREAD, "mapper", None)
    if site is not None and last is not None and last.limits == limits and last.call_arguments == call_arguments:
        mapper = last.carried_to(site)
    else:
        mapper = Mapper(limits, site, call_arguments=call_arguments)
    _THREAD.mapper = mapper
    return mapper


def _only_selected(decision: Decision, selected: Selection) -> Decision:
    kept = tuple(finding for finding in decision.findings if selected(finding.code))
    if len(kept) == len(decision.findings):
        return decision
    return Decision(decision.outcome, decision.call, kept)
