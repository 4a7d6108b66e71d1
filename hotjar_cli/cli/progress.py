"""Progress on stderr for a pass, in one process or many: bytes read of the total, events decided, the time so far
and an ETA. On a terminal it is a bar redrawn in place (`ProgressBar`); anywhere else (a file, a pipe, a CI log)
plain lines, a few of them, without any control code (`ProgressLines`): a cursor code written to a file is noise,
and the erasing that ends a bar would take the last line with it.

In one process the run tells the bar directly. Worker processes send their counts over a queue (see
`hotjar_cli.run.counting`), which a thread of this process drains into the bar. A Dask cluster's workers cannot reach
the queue: the bar then moves as each unit of work comes back.

The progress is redrawn by whoever counts, never by a thread of rich's own: worker processes are forked while the bar
is shown, and a child forked while another thread was writing to stderr would inherit that thread's lock on it,
held for ever. The draining thread is idle when they are forked: no worker has sent anything yet.

When stdout is the terminal the bar is drawn on, what a pass writes there as it goes (jsonl findings, dry-run calls)
is written through `ProgressBar.beneath`: the bar is erased first and drawn again below the lines, so that no line
starts with a stale copy of it. A report written whole is written once the bar is gone.
"""

from __future__ import annotations

import io
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import IO, Any, TextIO, cast

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from hotjar_cli.core.summary import Summary
from hotjar_cli.report.wording import counted
from hotjar_cli.run.lines_off_a_terminal import LINE_SECONDS, clock
from hotjar_cli.sources.reader import size_of
from hotjar_cli.sources.source import Source

REDRAW_SECONDS = 0.125


class RunProgress(ABC):
    """The counts of a run as they come (bytes read, events decided), shown by a subclass's `_show`.

    `live` says whether worker processes will send their counts (local processes do, a Dask cluster does not).
    """

    def __init__(self, total_bytes: int, live: bool = True) -> None:
        self._summary: Summary | None = None
        self._bytes = 0
        self._events = 0
        self._total = total_bytes
        self._live = live
        self._queue: Any = None
        self._drain: threading.Thread | None = None
        self._started = time.monotonic()

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._queue is not None:
            self._queue.put(None)
            if self._drain is not None:
                self._drain.join()

    def channel(self) -> Any:
        """The queue worker processes send their counts to, drained into the progress from here on."""
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
        """A source starts in this process: its bytes are counted as they are read."""
        return

    def folded(self, unit: Source, events: int) -> None:
        """A unit of work came back from a worker and was folded: counted here when its worker sent no counts."""
        if not self._live:
            end = unit.end if unit.end is not None else size_of(unit)
            self._bytes += max(end - unit.start, 0)
            self._events += events
            self._refresh()

    def counted_by_unit(self) -> None:
        """The workers of this run send no counts (a Dask cluster's cannot reach the queue): the progress moves as
        each unit of work comes back (`folded`)."""
        self._live = False

    def read(self, size: int) -> None:
        """Bytes read in this process."""
        self._bytes += size
        self._refresh()

    def done(self) -> None:
        """The run in this process is over."""
        self._refresh()

    def beneath(self, out: TextIO) -> TextIO:
        """`out` as a pass writes its lines to it while the progress is shown: as it is, unless a bar is drawn on
        the same terminal (see `ProgressBar`)."""
        return out

    @property
    def events(self) -> int:
        """The events decided so far."""
        return self._summary.events if self._summary is not None else self._events

    def _read(self) -> str:
        """`20.0/50.0 MB` read of the total (`16.9/168.6 kB` below a megabyte); `20.0 MB` when the total is not known
        (standard input)."""
        return self._read_of(self._bytes)

    def _read_of(self, read: int) -> str:
        # In kB below a megabyte: the bundled sample_events/ (169 kB) read `0.0/0.1 MB` as it went.
        size, unit = (1e6, "MB") if max(self._total, read) >= 1e6 else (1e3, "kB")
        if self._total:
            return f"{read / size:,.1f}/{self._total / size:,.1f} {unit}"
        return f"{read / size:,.1f} {unit}"

    @abstractmethod
    def _refresh(self) -> None:
        """Show the counts, when it is time to."""


class _Bar(Progress):
    """rich's progress display, drawn as nothing while `hidden`: a refresh then erases it where it was."""

    hidden = False

    def get_renderables(self) -> Iterable[RenderableType]:
        if not self.hidden:
            yield from super().get_renderables()


class ProgressBar(RunProgress):
    """On a terminal: a bar of the megabytes read of the total with a percentage, events decided, the time so far
    and an ETA, redrawn in place and erased at the end.

    The bar is drawn at the end of what the terminal shows, the cursor left after it: anything else written there
    would follow it on its line. Lines written to stdout on the same terminal while it is shown go through
    `beneath`, which erases it first; it is drawn again, below them, at its next refresh."""

    def __init__(self, label: str, total_bytes: int, console: Console, live: bool = True) -> None:
        super().__init__(total_bytes, live)
        self._console = console
        self._drawing = threading.Lock()
        """Held while the bar is drawn, and while lines are written on its terminal with the bar erased."""
        self._streams: list[LinesBeneath] = []
        self._progress = _Bar(
            *_columns_that_fit(label, self._read_of(total_bytes or UNSIZED_SHOWN), console.width, bool(total_bytes)),
            # stdout is the report's: left as it is, not sent through the bar's console (rich's default).
            console=console,
            transient=True,
            auto_refresh=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._drawn = 0.0
        self._task = self._progress.add_task(label, total=total_bytes or None, read=self._read(), events=0)

    def __enter__(self) -> ProgressBar:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)  # the counts of worker processes are all in from here on
        if exc[0] is None:
            self._draw_last()
        # Erased as it is, not drawn once more before (rich's last refresh).
        self._progress.hidden = True
        self._progress.__exit__(*exc)
        if exc[0] is None:
            for stream in self._streams:
                stream.end()

    def _draw_last(self) -> None:
        """The final counts, drawn whatever the time since the last frame: a redraw is skipped within
        `REDRAW_SECONDS` of the one before, so the frame the bar was erased from could show a count up to that old
        (73% of the input and 43,087 events, for a run that read it all and decided 60,000)."""
        self._progress.update(self._task, completed=self._bytes, read=self._read(), events=self.events)
        with self._drawing:
            self._drawn = time.monotonic()
            self._progress.hidden = False
            self._progress.refresh()

    def beneath(self, out: TextIO) -> TextIO:
        """`out`, written so that no line of it shares the bar's when it is the terminal the bar is drawn on."""
        if not same_terminal(out, self._console.file):
            return out
        stream = LinesBeneath(out, self)
        self._streams.append(stream)
        return cast(TextIO, stream)  # a text stream in all that a pass's lines use: `write`

    def write_lines(self, out: TextIO, lines: str) -> None:
        """Write whole lines to `out`, the bar's terminal, with the bar erased: it is drawn again below them at its
        next refresh."""
        with self._drawing:
            if not self._progress.hidden:
                self._progress.hidden = True
                self._progress.refresh()
            out.write(lines)
            out.flush()

    def _refresh(self) -> None:
        self._progress.update(self._task, completed=self._bytes, read=self._read(), events=self.events)
        now = time.monotonic()
        # Not while lines are written below it (the counts come in another thread): the next refresh draws it.
        if now - self._drawn >= REDRAW_SECONDS and self._drawing.acquire(blocking=False):
            try:
                self._drawn = now
                self._progress.hidden = False
                self._progress.refresh()
            finally:
                self._drawing.release()


EVENTS_SHOWN = f"{10_000_000:,} events"
"""The widest count of events a bar makes room for."""
UNSIZED_SHOWN = 9_999_900_000
"""The most bytes read a bar of standard input, whose size is not known, makes room for: `9,999.9 MB`."""


def _columns_that_fit(label: str, widest_read: str, width: int, sized: bool) -> list[ProgressColumn]:
    """The bar's columns, those least needed left out until the rest fit in `width` whole: squeezed, rich cut every
    column short, numbers included (`10…` for the share read, at 40 columns). Left out first the time so far, then
    the label, the bar itself, the ETA and the megabytes read; the share read and the events stay. Of standard input,
    whose size is not known (`sized`), only what was read: no share, no ETA, and room for up to `UNSIZED_SHOWN`."""
    time_width = len("0:00:00")
    # (width, the order it is left out in, the columns); a space between two columns
    share: list[ProgressColumn] = [TaskProgressColumn()]
    eta: list[ProgressColumn] = [TextColumn("eta"), TimeRemainingColumn()]
    parts: list[tuple[int, int, list[ProgressColumn]]] = [
        (len(label), 2, [TextColumn(f"[bold]{label}")]),
        (10, 3, [BarColumn(bar_width=10)]),
        (len("100%"), 9, share if sized else []),
        (len(widest_read), 5, [TextColumn("{task.fields[read]}")]),
        (len(EVENTS_SHOWN), 9, [TextColumn("{task.fields[events]:,} events")]),
        (time_width, 1, [TimeElapsedColumn()]),
        (len("eta") + time_width, 4, eta if sized else []),
    ]
    parts = [part for part in parts if part[2]]
    kept = list(parts)
    for order in range(1, 6):
        if sum(part[0] + len(part[2]) for part in kept) - 1 <= width:
            break
        kept = [part for part in kept if part[1] != order]
    return [column for part in kept for column in part[2]]


class LinesBeneath(io.TextIOBase):
    """Text for the terminal a `ProgressBar` is drawn on, written a whole line at a time with the bar erased first
    (see `ProgressBar.write_lines`). What follows the last line end waits for the rest of its line, or for the bar
    to be gone (`end`): written on its own, it would share its line with the bar drawn again."""

    def __init__(self, out: TextIO, bar: ProgressBar) -> None:
        super().__init__()
        self._out = out
        self._bar = bar
        self._rest = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        end = text.rfind("\n") + 1
        if end:
            self._bar.write_lines(self._out, self._rest + text[:end])
            self._rest = text[end:]
        else:
            self._rest += text
        return len(text)

    def end(self) -> None:
        """The bar is gone: write what is left of the last line."""
        if self._rest:
            self._out.write(self._rest)
            self._rest = ""
        self._out.flush()


class ProgressLines(RunProgress):
    """Off a terminal: the same counts as plain lines, one at each tenth of the input read and at least every
    `LINE_SECONDS` in between while input arrives (the progress is told of it as it is read: a pipe that stalls
    stalls its lines), and a last one when the run ends, such as
    `validate: 40% 20.0/50.0 MB, 412,345 events, 0:00:02 elapsed, eta 0:00:03`."""

    def __init__(self, label: str, total_bytes: int, out: TextIO, live: bool = True) -> None:
        super().__init__(total_bytes, live)
        self._label = label
        self._out = out
        self._tenths = 0
        self._said = self._started

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        if exc[0] is None:
            self._say(time.monotonic(), last=True)

    def _refresh(self) -> None:
        now = time.monotonic()
        tenths = self._bytes * 10 // self._total if self._total else 0
        if self._tenths < tenths < 10 or now - self._said >= LINE_SECONDS:
            self._tenths = max(self._tenths, tenths)
            self._say(now, last=False)

    def _say(self, now: float, last: bool) -> None:
        self._said = now
        elapsed = now - self._started
        read = self._read()
        if self._total:
            read = f"{min(self._bytes * 100 // self._total, 100)}% {read}"
        line = f"{self._label}: {read}, {counted(self.events, 'event')}, {clock(elapsed)} elapsed"
        if not last and self._total and 0 < self._bytes < self._total:
            line += f", eta {clock(elapsed * (self._total - self._bytes) / self._bytes)}"
        self._out.write(line + "\n")
        self._out.flush()


def same_terminal(one: IO[str], other: IO[str]) -> bool:
    """Whether both streams are the same terminal (stdout and stderr of a command run at a prompt)."""
    try:
        first, second = one.fileno(), other.fileno()
        return os.isatty(first) and os.isatty(second) and os.path.samestat(os.fstat(first), os.fstat(second))
    except (OSError, ValueError):  # no file descriptor (a test's captured output), or a closed one
        return False


def total_bytes(sources: list[Source]) -> int:
    """The size of all the sources, as the bar's 100 %; 0 when it cannot be known (standard input)."""
    return sum(size_of(source) for source in sources)
