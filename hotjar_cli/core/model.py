"""The values the mapping core works with: outcomes, findings, Hotjar calls and decisions."""

from __future__ import annotations

from dataclasses import fields
from enum import Enum
from typing import Any

import msgspec

from hotjar_cli.core.decode import Parsed


class Outcome(str, Enum):
    """What happened to one Segment message, exactly one per event."""

    ACCEPTED = "accepted"
    MODIFIED = "modified"
    REJECTED = "rejected"
    IGNORED = "ignored"
    INVALID = "invalid"


OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)


class Finding(msgspec.Struct, frozen=True):
    """One rule that fired on one value: the rule's code, the JSON path of the value, and a detail.

    The detail never contains a trait or property value, so findings are safe to print in public logs.
    """

    code: str
    path: str
    detail: str = ""


class HotjarCall(msgspec.Struct, frozen=True):
    """One call Segment's Hotjar integration makes in the browser: `hj('identify', ...)` or `hj('event', ...)`."""

    kind: str
    user_id: str | None = None
    attributes: dict[str, Any] | None = None
    event: str | None = None

    @property
    def args(self) -> list[Any]:
        """The exact arguments of the `hj` call, as JSON-ready values."""
        if self.kind == "identify":
            return ["identify", self.user_id, self.attributes]
        return ["event", self.event]


class Decision(msgspec.Struct, frozen=True):
    """What the core decided for one Segment message.

    Decisions, findings and calls are made for every event, so they are msgspec Structs: as immutable as a
    frozen dataclass, and several times cheaper to create. Many events share one decision (see `Mapper`).
    """

    outcome: Outcome
    call: HotjarCall | None
    findings: tuple[Finding, ...] = ()


class Position(msgspec.Struct, frozen=True):
    """Where an event came from: the file as the user named it, the 1-based line, and the index in a batch."""

    file: str
    line: int
    index: int | None = None

    def record(self) -> dict[str, Any]:
        """`{"file", "line"}`, plus `"index"` for an item of a batch envelope: how JSON reports say where."""
        record: dict[str, Any] = {"file": self.file, "line": self.line}
        if self.index is not None:
            record["index"] = self.index
        return record

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return where if self.index is None else f"{where} (batch item {self.index})"


class Event(msgspec.Struct, frozen=True):
    """One decided event, as streaming consumers (line-by-line reports, the dry run, replay) receive it."""

    position: Position
    message: Parsed
    decision: Decision


def rebuilt(value: Any) -> tuple[Any, ...]:
    """`__reduce__` for a frozen dataclass: compiled by mypyc, it cannot be unpickled field by field, so it is
    built again from its fields."""
    return value.__class__, tuple(getattr(value, item.name) for item in fields(value) if item.init)
