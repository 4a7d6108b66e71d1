"""One progress bar on stderr for a pass, in one process or many: bytes read of the total, events decided, ETA.

In one process the run tells the bar directly. Worker processes send their counts over a queue (see
`hotjar_cli.run.counting`), which a thread of this process drains into the bar. A Dask cluster's workers cannot reach
the queue: the bar then moves as each unit of work comes back.

The bar is redrawn by whoever counts, never by a thread of rich's own: worker processes are forked while the bar
is shown, and a child forked while another thread was writing to stderr would inherit that thread's lock on it,
held for ever. The draining thread is idle when they are forked: no worker has sent anything yet.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from hotjar_cli.core.summary import Summary
from hotjar_cli.sources.reader import size_of
from hotjar_cli.sources.source import Source

REDRAW_SECONDS = 0.125


class RunProgress:
    """Megabytes read of the total with a percentage, events decided and an ETA, refreshed by rich's thread.

    `live` says whether worker processes will send their counts (local processes do, a Dask cluster does not).
    """

    def __init__(self, label: str, total_bytes: int, console: Console, live: bool = True) -> None:
        self._summary: Summary | None = None
        self._bytes = 0
        self._events = 0
        self._live = live
        self._queue: Any = None
        self._drain: threading.Thread | None = None
        # Short enough for 80 columns with ten million events: a CI log or a narrow terminal cuts nothing.
        self._progress = Progress(
            TextColumn(f"[bold]{label}"),
            BarColumn(bar_width=12),
            TaskProgressColumn(),
            TextColumn("{task.fields[megabytes]:,.1f}/{task.fields[total_mb]:,.1f} MB"),
            TextColumn("{task.fields[events]:,} events"),
            TextColumn("eta"),
            TimeRemainingColumn(),
            # stdout is the report's: left as it is, not sent through the bar's console (rich's default).
            console=console,
            transient=True,
            auto_refresh=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._drawn = 0.0
        self._task = self._progress.add_task(
            label, total=total_bytes or None, megabytes=0.0, total_mb=total_bytes / 1e6, events=0
        )

    def __enter__(self) -> RunProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._queue is not None:
            self._queue.put(None)
            if self._drain is not None:
                self._drain.join()
        self._progress.__exit__(*exc)

    def channel(self) -> Any:
        """The queue worker processes send their counts to, drained into the bar from here on."""
        if self._queue is None:
            import multiprocessing

            self._queue = multiprocessing.get_context("fork").SimpleQueue()
            self._drain = threading.Thread(target=self._receive, name="hotjar-cli progress", daemon=True)
            self._drain.start()
        return self._queue

    def _receive(self) -> None:
        while (counts := self._queue.get()) is not None:
            self._bytes += counts[0]
            self._events += counts[1]
            self._refresh()

    # The `Observer` of a run in this process (see `hotjar_cli.run.one_pass`).

    def watch(self, summary: Summary) -> None:
        """The summary being filled in this process: its events are read at each refresh."""
        self._summary = summary

    def source(self, source: Source) -> None:
        """A source starts (in this process), or a unit of work came back from a worker that sends no counts."""
        if self._summary is None and not self._live:
            end = source.end if source.end is not None else size_of(source)
            self._bytes += max(end - source.start, 0)
            self._refresh()

    def read(self, size: int) -> None:
        """Bytes read in this process."""
        self._bytes += size
        self._refresh()

    def done(self) -> None:
        """The run in this process is over."""
        self._refresh()

    def _refresh(self) -> None:
        events = self._summary.events if self._summary is not None else self._events
        self._progress.update(self._task, completed=self._bytes, megabytes=self._bytes / 1e6, events=events)
        now = time.monotonic()
        if now - self._drawn >= REDRAW_SECONDS:
            self._drawn = now
            self._progress.refresh()


def total_bytes(sources: list[Source]) -> int:
    """The size of all the sources, as the bar's 100 %; 0 when it cannot be known (standard input)."""
    return sum(size_of(source) for source in sources)
