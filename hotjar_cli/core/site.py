"""Site-wide limits: the distinct attribute and event names a Hotjar site keeps, folded in input order."""

from __future__ import annotations

from typing import Iterable


class Site:
    """The attribute and event names a site has stored so far. Folded over messages in input order.

    A name is admitted while the site has room, or when it already holds it. `known_*` seeds a site with
    names admitted earlier in the input (by another worker, for instance), which gives the same answer
    as having folded over that earlier input.
    """

    __slots__ = ("max_attributes", "max_events", "attributes", "events", "attributes_full", "events_full")

    def __init__(self, max_attributes: int, max_events: int,
                 known_attributes: Iterable[str] = (), known_events: Iterable[str] = ()) -> None:
        self.max_attributes = max_attributes
        self.max_events = max_events
        self.attributes: dict[str, None] = dict.fromkeys(known_attributes)
        self.events: dict[str, None] = dict.fromkeys(known_events)
        self.attributes_full = len(self.attributes) >= max_attributes
        self.events_full = len(self.events) >= max_events

    def admit_attribute(self, name: str) -> bool:
        """Whether the site stores an attribute of this name, recording it when it is new and fits."""
        if name in self.attributes:
            return True
        if self.attributes_full:
            return False
        self.attributes[name] = None
        self.attributes_full = len(self.attributes) >= self.max_attributes
        return True

    def admit_event(self, name: str) -> bool:
        """Whether the site records an event of this name, recording it when it is new and fits."""
        if name in self.events:
            return True
        if self.events_full:
            return False
        self.events[name] = None
        self.events_full = len(self.events) >= self.max_events
        return True
