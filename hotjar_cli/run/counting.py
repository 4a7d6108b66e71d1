"""Counting a pass's progress where it runs: bytes read and events decided, sent on in small batches.

A worker process counts for itself and sends what it counted since its last message over the queue the display
reads, about ten times a second at most: the hot loop pays one addition per block read. Nothing here draws.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hotjar_cli.core.summary import Summary
from hotjar_cli.sources.source import Source

SEND_EVERY_SECONDS = 0.1

_channel: Any = None
"""The queue this worker process sends its counts to; set by `attach` when the process pool starts it."""


def attach(channel: Any) -> None:
    """Process-pool initializer: the progress of the units this worker runs goes to `channel`."""
    global _channel
    _channel = channel


def for_worker() -> ProgressCounter | None:
    """A counter sending to this worker's channel, or None when no display listens."""
    return None if _channel is None else ProgressCounter(_channel.put)


class ProgressCounter:
    """Watches one pass (an `Observer` of `hotjar_cli.run.one_pass.run_pass`) and sends `(bytes, events)` since
    the last send."""

    def __init__(self, send: Callable[[tuple[int, int]], None]) -> None:
        self._send = send
        self._summary: Summary | None = None
        self._bytes = self._sent_bytes = self._sent_events = 0
        self._last = time.monotonic()

    def watch(self, summary: Summary) -> None:
        """The summary being filled: its event count is read at each send."""
        self._summary = summary

    def source(self, source: Source) -> None:
        """Nothing: bytes are counted as they are read."""

    def folded(self, unit: Source, events: int) -> None:
        """Nothing: a worker folds no units."""

    def read(self, size: int) -> None:
        """Count a block read; send when the last send is old enough."""
        self._bytes += size
        now = time.monotonic()
        if now - self._last >= SEND_EVERY_SECONDS:
            self._last = now
            self.done()

    def take_back(self) -> None:
        """Send back everything this pass sent: it was abandoned, and runs again (and is counted again) later."""
        if (self._sent_bytes, self._sent_events) != (0, 0):
            self._send((-self._sent_bytes, -self._sent_events))
        self._bytes = self._sent_bytes = self._sent_events = 0

    def done(self) -> None:
        """Send what was counted since the last send."""
        events = self._summary.events if self._summary is not None else 0
        delta = (self._bytes - self._sent_bytes, events - self._sent_events)
        if delta != (0, 0):
            self._send(delta)
        self._sent_bytes, self._sent_events = self._bytes, events
