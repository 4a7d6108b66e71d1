"""A circuit breaker: when Hotjar keeps failing, pause and probe instead of burning through every user's retries.

Closed: deliveries go ahead. After `threshold` consecutive failed deliveries it opens: nobody starts a delivery
for `pause` seconds. Then one delivery is let through as a probe; if it is sent the breaker closes, otherwise
it opens again for twice as long (up to `max_pause`). Every change of state is announced.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from enum import Enum


class BreakerState(str, Enum):
    """Where the breaker is."""

    CLOSED = "closed"
    OPEN = "open"
    PROBING = "probing"


class Breaker:
    """Admits deliveries and learns from their results. One per replay, shared by all workers."""

    def __init__(
        self, threshold: int, pause: float, announce: Callable[[str], None], max_pause: float | None = None
    ) -> None:
        """`threshold` 0 turns the breaker off; `announce` receives one line per change of state."""
        self.threshold = threshold
        self.first_pause = pause
        self.max_pause = max_pause if max_pause is not None else max(pause, 300.0)
        self.pause = pause
        self.announce = announce
        self.state = BreakerState.CLOSED
        self.failures = 0
        self.opened = 0
        """How many times the breaker opened (probes that failed included)."""
        self._reopen_at = 0.0
        self._changed = asyncio.Event()

    async def admit(self) -> bool:
        """Wait until a delivery may start; True when it is the probe, whose result decides the state."""
        while True:
            if self.state is BreakerState.CLOSED:
                return False
            if self.state is BreakerState.OPEN:
                delay = self._reopen_at - time.monotonic()
                if delay <= 0:
                    self._set(BreakerState.PROBING)
                    self.announce("circuit breaker: probing Hotjar with one user")
                    return True
                changed = self._changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), delay)
                continue
            await self._changed.wait()

    def record(self, sent: bool, probe: bool, reason: str = "") -> None:
        """Learn from one delivery attempt; `probe` is what `admit` returned for it."""
        if self.threshold <= 0:
            return
        if probe:
            if sent:
                self.failures = 0
                self.pause = self.first_pause
                self._set(BreakerState.CLOSED)
                self.announce("circuit breaker closed: the probe was delivered, resuming")
            else:
                self.pause = min(self.pause * 2, self.max_pause)
                self._open()
                self.announce(
                    f"circuit breaker open again: the probe failed ({reason}); pausing "
                    f"{self.pause:g} s before the next probe"
                )
            return
        if self.state is not BreakerState.CLOSED:
            return  # a delivery that started before the breaker opened says nothing new
        if sent:
            self.failures = 0
            return
        self.failures += 1
        if self.failures >= self.threshold:
            self._open()
            self.announce(
                f"circuit breaker open: {self.failures} deliveries in a row failed (last: {reason}); "
                f"pausing {self.pause:g} s, then probing with one user"
            )

    def status(self) -> str:
        """What the breaker is doing, for the progress bar: empty while deliveries go ahead."""
        if self.state is BreakerState.OPEN:
            return f"paused, probe in {max(0.0, self._reopen_at - time.monotonic()):.0f} s"
        if self.state is BreakerState.PROBING:
            return "probing Hotjar"
        return ""

    def _open(self) -> None:
        self.opened += 1
        self._reopen_at = time.monotonic() + self.pause
        self._set(BreakerState.OPEN)

    def _set(self, state: BreakerState) -> None:
        self.state = state
        self._changed.set()
        self._changed = asyncio.Event()
