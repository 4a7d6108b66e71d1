"""Site-wide limits: the distinct attribute and event names a Hotjar site keeps, folded in input order."""

from __future__ import annotations

from collections.abc import Iterable


class Site:
    """The attribute and event names a site has stored so far. Folded over messages in input order.

    A name is admitted while the site has room, or when it already holds it. `known_*` seeds a site with the
    names admitted earlier in the input (by another worker, say): folding the rest of the input over that
    seeded site gives the same answer as folding over all of it.

    A site also remembers, up to its limit, the names it turned away, in order. For a site that started empty,
    `*_candidates()` is then the order in which distinct names asked to be admitted, which is what it takes to
    combine the parts of an input that were folded separately (see `hotjar_cli.run.parallel`).
    """

    __slots__ = (
        "attributes",
        "attributes_full",
        "events",
        "events_full",
        "max_attributes",
        "max_events",
        "refused_attributes",
        "refused_events",
    )

    def __init__(
        self,
        max_attributes: int,
        max_events: int,
        known_attributes: Iterable[str] = (),
        known_events: Iterable[str] = (),
    ) -> None:
        self.max_attributes = max_attributes
        self.max_events = max_events
        self.attributes: dict[str, None] = _names(known_attributes)
        self.events: dict[str, None] = _names(known_events)
        self.attributes_full = len(self.attributes) >= max_attributes
        self.events_full = len(self.events) >= max_events
        self.refused_attributes: dict[str, None] = {}
        self.refused_events: dict[str, None] = {}

    def admit_attribute(self, name: str) -> bool:
        """Whether the site stores an attribute of this name, recording it when it is new and fits."""
        if name in self.attributes:
            return True
        if self.attributes_full:
            if len(self.refused_attributes) < self.max_attributes:
                self.refused_attributes[name] = None
            return False
        self.attributes[name] = None
        self.attributes_full = len(self.attributes) >= self.max_attributes
        return True

    def admit_event(self, name: str) -> bool:
        """Whether the site records an event of this name, recording it when it is new and fits."""
        if name in self.events:
            return True
        if self.events_full:
            if len(self.refused_events) < self.max_events:
                self.refused_events[name] = None
            return False
        self.events[name] = None
        self.events_full = len(self.events) >= self.max_events
        return True

    def attribute_candidates(self) -> list[str]:
        """Distinct attribute names in the order they first asked to be admitted (admitted ones first)."""
        return [*self.attributes, *self.refused_attributes]

    def event_candidates(self) -> list[str]:
        """Distinct event names in the order they first asked to be admitted (admitted ones first)."""
        return [*self.events, *self.refused_events]


def _names(known: Iterable[str]) -> dict[str, None]:
    """The names a site starts with, in order: a dict of them is copied whole, far faster than one by one."""
    return dict(known) if isinstance(known, dict) else dict.fromkeys(known)
