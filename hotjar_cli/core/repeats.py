"""Calls whose message repeats the messageId of an earlier call: Segment de-duplicates on messageId, so Hotjar got
that call once, and a replay sends it once.

A Segment library sends a message again when it is not sure the first one arrived, with the same messageId, and
Segment drops the copy; an archive copied twice, a day downloaded again or the same file given twice hold such
copies too. Replaying them would send Hotjar each event as many times as it appears. The first call with a
messageId is kept, in input order, and every later one is left out, whatever it carries: Segment keeps the first
message it receives under an id. A message without a messageId (or with an empty one) is never a repeat.

Every messageId of a call is held for the whole run: about 140 bytes each.
"""

from __future__ import annotations

from typing import Final

CALL_KINDS: Final = ("identify", "event")


class Repeats:
    """The messageIds of the calls met so far, and the calls left out for repeating one."""

    __slots__ = ("first", "ids", "left_out")

    def __init__(self) -> None:
        self.ids: set[str] = set()
        """Every messageId met."""
        self.left_out = dict.fromkeys(CALL_KINDS, 0)
        """Calls left out, by kind."""
        self.first: object = None
        """What named the first call left out (the `where` it was met with), or None."""

    def keep(self, message_id: str | None, kind: str, where: object) -> bool:
        """Whether a call of `kind` whose message has `message_id` is the first with it; a later one is counted as
        left out, and the first of those is remembered by `where` (whatever names it for the caller)."""
        if not message_id:
            return True
        if message_id not in self.ids:
            self.ids.add(message_id)
            return True
        self.left_out[kind] = self.left_out.get(kind, 0) + 1
        if self.first is None:
            self.first = where
        return False

    @property
    def calls(self) -> int:
        """Every call left out."""
        return sum(self.left_out.values())


def repeated_line(calls: int, first: str | None) -> str:
    """What the summary of a replay, or of its dry run, says of the calls left out; `first`: where the first call
    left out came from (not the earlier call it repeats)."""
    if calls == 1:
        said = "1 call left out: it repeats the messageId of an earlier call, which Segment de-duplicates on"
        return said + (f" (at {first})" if first is not None else "")
    said = f"{calls:,} calls left out: each repeats the messageId of an earlier call, which Segment de-duplicates on"
    return said + (f" (the first of them at {first})" if first is not None else "")
