"""Progress on stderr for long runs: files, bytes and events, refreshed from a side thread off the hot path."""

from __future__ import annotations

from typing import Any, BinaryIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hotjar_cli.core.summary import Summary
from hotjar_cli.reader import Source


class RunProgress:
    """Shows files done, megabytes read and events decided; does nothing when stderr is not a terminal."""

    def __init__(self, total_files: int, console: Console, enabled: bool) -> None:
        self.enabled = enabled and console.is_terminal
        self._summary: Summary | None = None
        self._bytes = 0
        self._progress = Progress(
            TextColumn("[bold]validate"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            TextColumn("{task.fields[megabytes]:,.0f} MB  {task.fields[events]:,} events"), TimeElapsedColumn(),
            console=console, transient=True, disable=not self.enabled,
        )
        self._started = 0
        self._task = self._progress.add_task("validate", total=total_files, megabytes=0.0, events=0)

    def __enter__(self) -> RunProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.__exit__(*exc)

    def watch(self, summary: Summary) -> None:
        """The summary being filled, read when the display refreshes."""
        self._summary = summary

    def source(self, source: Source) -> None:
        """A new source is being read: the one before it is done."""
        self._started += 1
        self._refresh(advance=1 if self._started > 1 else 0)

    def wrap(self, stream: BinaryIO) -> BinaryIO:
        """The stream, counting the bytes read from it."""
        return _Counting(stream, self) if self.enabled else stream

    def _refresh(self, advance: int = 0) -> None:
        events = self._summary.events if self._summary is not None else 0
        self._progress.update(self._task, advance=advance, megabytes=self._bytes / 1e6, events=events)


class _Counting:
    def __init__(self, stream: BinaryIO, progress: RunProgress) -> None:
        self._stream, self._progress = stream, progress

    def read(self, size: int = -1) -> bytes:
        return self._count(self._stream.read(size))

    def read1(self, size: int = -1) -> bytes:
        # The reader prefers read1, so a truncated gzip file yields the same lines with progress shown as without.
        return self._count(getattr(self._stream, "read1", self._stream.read)(size))

    def _count(self, block: bytes) -> bytes:
        self._progress._bytes += len(block)
        self._progress._refresh()
        return block
