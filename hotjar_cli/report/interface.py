"""The one interface every report format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TextIO

import msgspec

from hotjar_cli.core.gate import Gate, Verdict
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.model import Event
from hotjar_cli.core.selection import Selection
from hotjar_cli.core.summary import Summary
from hotjar_cli.core.views import SiteNames


class Report(msgspec.Struct, frozen=True):
    """Everything a format may show once the run is over."""

    summary: Summary
    verdict: Verdict
    gate: Gate
    redact: bool = False
    by: str = "day"
    """The buckets of the loss over time (`validate --by`)."""
    by_given: bool = False
    """Whether `--by` was given: the markdown report shows the loss over time only then, whichever other reports the
    run writes (they collect it for their own)."""
    limits: Limits = msgspec.field(default_factory=Limits)
    """The limits the run decided by: `--redact` masks an event name they find fault with (`redact_example`)."""
    site_names: SiteNames = msgspec.field(default_factory=SiteNames)
    """The names the site held before these logs (`--known-attributes`, `--known-events`): a site full before them
    shows no start of its limit's rule (`hotjar_cli.report.site_view.starts_where_first_seen`)."""
    selected: Selection = msgspec.field(default_factory=Selection)
    """The rules the run checked (`--select`, `--ignore` and the pyproject's lists): a format that lists every rule
    of the catalogue tells those it did not check from those that found nothing."""


class Reporter(ABC):
    """A report format. Formats that print line by line set `streams` and receive every event as it is decided."""

    streams: bool = False

    def __init__(self, out: TextIO, redact: bool = False, color: bool | None = None) -> None:
        self.out = out
        self.redact = redact
        self.color = color
        """Colour in a human format: True always, False never, None when `out` is a terminal and NO_COLOR is unset."""

    def event(self, event: Event) -> None:  # noqa: B027 - optional: most formats write only at the end
        """One decided event; only called when `streams` is set."""

    @abstractmethod
    def finish(self, report: Report) -> None:
        """Write the report for the whole run."""
