"""What a pass writes line by line while it runs (`Lines` of `hotjar_cli.run.parallel`): each is sent to every
worker, which writes its units' lines with it."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import msgspec

from hotjar_cli.core.model import Event, Position
from hotjar_cli.core.repeats import Repeats
from hotjar_cli.report.jsonl_format import JsonLinesReporter, json_line
from hotjar_cli.report.records import call_record


@dataclass(frozen=True)
class FindingLines:
    """`--format jsonl`: one line per event with findings."""

    redact: bool = False

    def __call__(self, out: TextIO) -> Callable[[Event], None]:
        return JsonLinesReporter(out, self.redact).event


@dataclass(frozen=True)
class CallLines:
    """`replay --dry-run`: one line per Hotjar call."""

    def __call__(self, out: TextIO) -> Callable[[Event], None]:
        if isinstance(out, FirstCalls):  # this process writes every line: it leaves repeats out as it goes
            return out.call_writer()

        def write_call(event: Event) -> None:
            if event.decision.call is not None:
                out.write(json_line(call_record(event)))

        return write_call


_ID_KEY = ',"messageId":'
_USER_KEY = ',"user":'
_EMPTY_ID = '""'
"""An empty messageId as a line writes it: never a repeat, as one missing is not (`null`), nor one that is no string
(a number, `true`: written as the message gave it, `written_message_id`), which Segment does not take for an id."""


class FirstCalls(io.TextIOBase):
    """The dry run's lines (`CallLines`) on their way to `out`, less those whose message repeats the messageId of an
    earlier line's (see `hotjar_cli.core.repeats`), as the replay leaves them out. The lines reach it in input
    order however many processes wrote them, whole or in pieces.

    A line is read as `call_record` writes it: its messageId is the JSON text between its key and the next key's,
    `user` (a quote inside a JSON text is escaped, so that text cannot end it early), and two messageIds are the
    same exactly when those texts are."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._rest = ""
        self.repeats = Repeats()

    def writable(self) -> bool:
        return True

    def call_writer(self) -> Callable[[Event], None]:
        """What writes each event's call (`CallLines`) straight here, its messageId read from its message rather than
        from its line: when one process writes every line."""
        out, keep = self._out, self.repeats.keep

        def write_call(event: Event) -> None:
            call = event.decision.call
            if call is not None:
                message_id = getattr(event.message, "messageId", None)
                if keep(message_id if isinstance(message_id, str) else None, call.kind, event.position):
                    out.write(json_line(call_record(event)))

        return write_call

    def write(self, text: str) -> int:
        written = len(text)
        if not self._rest and text.find("\n") == written - 1:  # one whole line, as one process writes each call
            if self._first(text):
                self._out.write(text)
            return written
        if self._rest:
            text, self._rest = self._rest + text, ""
        end = text.rfind("\n") + 1
        if end < len(text):
            text, self._rest = text[:end], text[end:]
        lines = text.split("\n")[:-1]
        kept = [line for line in lines if self._first(line)]
        if len(kept) == len(lines):
            self._out.write(text)
        elif kept:
            self._out.write("\n".join(kept) + "\n")
        return written

    def _first(self, line: str) -> bool:
        start = line.find(_ID_KEY)
        if start < 0:
            return True
        start += len(_ID_KEY)
        message_id = line[start : line.find(_USER_KEY, start)]
        ids = self.repeats.ids
        if message_id in ids:  # a repeat, rare: read whole for its kind and place
            record = msgspec.json.decode(line)
            where = Position(record["file"], record["line"], record.get("index"))
            return self.repeats.keep(message_id, record["call"][0], where)
        if message_id.startswith('"') and message_id != _EMPTY_ID:
            ids.add(message_id)
        return True

    def flush(self) -> None:
        self._out.flush()

    @property
    def first(self) -> Position | None:
        """Where the first call left out came from, or None."""
        where = self.repeats.first
        return where if isinstance(where, Position) else None
