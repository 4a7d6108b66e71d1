"""The site view a run collects beside its summary: the inventory of names and the timeline of event time.

A `Views` is folded over decided events in input order (`observe`) and extended like `Summary`, which carries it
(`Summary.views`), so `--jobs` and Dask give the same bytes as one process.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

import msgspec

from hotjar_cli.core.decode import Parsed, SegmentMessage
from hotjar_cli.core.inventory import BOUNDS, DEFAULT_LIMITS, Inventory, InventoryBounds
from hotjar_cli.core.kinds import Kinds
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.model import Decision
from hotjar_cli.core.timeline import Timeline


class View(str, Enum):
    """What a run collects besides its summary."""

    TIMELINE = "timeline"
    INVENTORY = "inventory"


class SiteNames(msgspec.Struct, frozen=True):
    """The names the site held before these logs (`--known-attributes`, `--known-events`), in slot order."""

    attributes: tuple[str, ...] = ()
    events: tuple[str, ...] = ()


class Views:
    """The views a run collects, each folded event by event."""

    __slots__ = ("inventory", "timeline")

    def __init__(
        self,
        wanted: frozenset[View],
        max_attributes: int = 100,
        max_events: int = 10_000,
        known: SiteNames = SiteNames(),
        bounds: InventoryBounds = BOUNDS,
        kinds: Kinds | None = None,
        limits: Limits = DEFAULT_LIMITS,
        inventory: Inventory | None = None,
    ) -> None:
        """`kinds`: the kinds of decisions the timeline starts from, shared with earlier passes (see `Kinds`);
        `limits`: the run's, which tell the names the inventory holds first (see `inventory.sample_key`);
        `inventory`: one to count into rather than a new one (a worker's, kept over the parts it reads)."""
        self.timeline = Timeline(kinds) if View.TIMELINE in wanted else None
        if inventory is not None:
            inventory.for_kinds(kinds)
        elif View.INVENTORY in wanted:
            inventory = Inventory(max_attributes, max_events, known.attributes, known.events, bounds, limits=limits)
        self.inventory = inventory

    def observe(
        self,
        file: str,
        line: int,
        index: int | None,
        parsed: Parsed,
        decision: Decision,
        decided: Decision | None = None,
    ) -> None:
        """One decided event (filtered ones are not); a line that holds no message has no time, and only the timeline
        counts it. A pass's counting loop calls each view itself. `decided`: the decision with every finding, where
        `decision` holds only those of the rules reported (`--select`, `--ignore`): the timeline counts the rules
        reported, while the inventory's names fare as Hotjar makes them fare, whichever rules are reported."""
        if self.timeline is not None:
            self.timeline.observe(file, line, index, parsed, decision)
        if self.inventory is not None and type(parsed) is SegmentMessage:
            whole = decision if decided is None else decided
            self.inventory.observe_message(file, line, index, parsed, whole, parsed.timestamp)

    @property
    def observer(self) -> Callable[[str, int, int | None, Parsed, Decision], None]:
        """The function to call for each event: the timeline's own when it is the only view (the common case)."""
        if self.inventory is None and self.timeline is not None:
            return self.timeline.observe
        return self.observe

    def settle(self) -> None:
        """Count what is held for counting, at the end of a pass: every view is then complete."""
        if self.timeline is not None:
            self.timeline.finish()
        if self.inventory is not None:
            self.inventory.settle()

    def extend(self, later: Views) -> None:
        """These views become those of their input followed by `later`'s (see `Summary.extend`)."""
        timeline, inventory = self.timeline, self.inventory
        self.timeline = timeline.merge(later.timeline) if timeline is not None and later.timeline is not None else None
        if inventory is not None and later.inventory is not None:
            inventory.extend(later.inventory)
        else:
            self.inventory = None

    def shift(self, lines: int) -> None:
        """Every position moved on by `lines`, in place: a part of a file read on its own."""
        if self.timeline is not None:
            self.timeline = self.timeline.shifted(lines)
        if self.inventory is not None:
            self.inventory.shift(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        return _views, (self.timeline, self.inventory)


def _views(timeline: Timeline | None, inventory: Inventory | None) -> Views:
    """These views together: unpickled (compiled by mypyc, a class is unpickled by calling it, so it says how)."""
    views = Views(frozenset())
    views.timeline, views.inventory = timeline, inventory
    return views
