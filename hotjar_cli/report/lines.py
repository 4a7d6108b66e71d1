"""What a pass writes line by line while it runs (`Lines` of `hotjar_cli.run.parallel`): each is sent to every
worker, which writes its units' lines with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

import msgspec

from hotjar_cli.core.model import Event
from hotjar_cli.core.visible import visible_json
from hotjar_cli.report.jsonl_format import JsonLinesReporter
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
        def write_call(event: Event) -> None:
            if event.decision.call is not None:
                out.write(json_line(call_record(event)))

        return write_call


def json_line(record: dict[str, Any]) -> str:
    """A record as one line of JSON, its line end included, with the input's control characters made visible."""
    return visible_json(msgspec.json.encode(record).decode()) + "\n"
