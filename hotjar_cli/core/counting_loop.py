"""The per-line loop of a pass that only counts: each line's message decoded, decided, counted, and folded into
the site view when the pass collects one.

A pass with no filter, selection or per-event consumer (`hotjar-cli validate` in most formats, `hotjar-cli
inventory`) spends most of its time here, line by line. This module is compiled with the rest of the core (see
`hatch_build.py`), so the loop calls the mapper, the site view and the summary directly, in C: run by the
interpreter, as it was, each line paid for the loop's own bytecode and a bound-method call into each of them.

Only the common line is handled here: one message, within the length limit. Any other line (blank, unreadable,
too long or too deep, a batch envelope) goes back to the pass that started the loop, which handles it as it handles
every line when it does more than count.
"""

from __future__ import annotations

from collections.abc import Callable

from hotjar_cli.core.decode import (
    BATCH,
    DECODE_ERRORS,
    MAX_LEVELS,
    TIMESTAMP,
    TYPE,
    SegmentMessage,
    decode_fields,
    message_fields,
    nested_deeper,
    with_copy,
)
from hotjar_cli.core.facade import lines_that_could_differ
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.summary import Summary
from hotjar_cli.core.tally import NOT_COUNTED
from hotjar_cli.core.views import Views

OtherLine = Callable[[str, int, bytes, SegmentMessage | None], None]
"""Handles a line that is not one message within the length limit: `(file, line, raw, message)`, with the message
the line decoded to (a batch envelope) or None (it did not decode, or was too long to try)."""


class CountingLoop:
    """Counts the lines of a pass's blocks into its summary, and into its site view when it has one."""

    __slots__ = ("_max_line_bytes", "_other_line", "_summary", "_views", "mapper")

    def __init__(
        self, mapper: Mapper, summary: Summary, views: Views | None, max_line_bytes: int, other_line: OtherLine
    ) -> None:
        """`mapper` decides every message, in input order; `other_line` handles the lines this loop does not."""
        self.mapper = mapper
        self._summary = summary
        self._views = views
        self._max_line_bytes = max_line_bytes
        self._other_line = other_line

    def count(self, file: str, lines: list[bytes], line: int) -> None:
        """Count a block of `file`'s lines (each with its line end, which JSON ignores), numbered from `line + 1`.

        An event of a kind that needs nothing but counting is counted beside the summary (see `Summary.counting`),
        which is what `Summary.add_at` would do, without the call: nearly every line. Its kind is worked out once,
        for the summary and the time series: by the decision's identity for a shared decision, else from its
        findings (an identify's own decision, with its attributes). With an inventory, whose tally finds nearly
        every shared decision by its identity too, the tally's answer is that kind (see `Tally.observe_event`).
        """
        # Methods called on their objects, not bound to names: compiled, such a call goes straight to the method.
        mapper, views, summary = self.mapper, self._views, self._summary
        decode, fields_of = decode_fields, message_fields
        max_line_bytes, other_line = self._max_line_bytes, self._other_line
        # `decode.too_deep`, asked here: decode.py is not compiled, and a call into it for every line, a frame of the
        # interpreter for a comparison of lengths, took 8% of `validate`'s time on either benchmark profile.
        deep_check, deeper = 2 * MAX_LEVELS, nested_deeper
        # The time series shares the kinds: a kind's number is where it counts there too.
        kinds, counts, countable = summary.counting()
        # Each view is called directly rather than through the views; the inventory's tally first, which counts
        # nearly every event itself and answers the kind of nearly every shared decision (see `Tally.observe_event`).
        timeline = views.timeline if views is not None else None
        inventory = views.inventory if views is not None else None
        repeated = 0  # events counted by kind here, added to the summary's at the end
        # The lines Segment's facade may copy otherwise than as they are (`decode_one`, in two steps): nearly always
        # none. Asked once for the block, in C: a call for each line would cost it more than the question itself.
        differing, first = lines_that_could_differ(lines), line + 1
        for raw in lines:
            line += 1
            try:
                size = len(raw)
                readable = size <= max_line_bytes and (size <= deep_check or not deeper(raw, MAX_LEVELS))
                message = decode(raw) if readable else None
            except DECODE_ERRORS:
                message = None
            if message is None:
                other_line(file, line, raw, None)
                continue
            if differing and line - first in differing:
                message = with_copy(message, raw)
            fields = fields_of(message)  # read once, for the mapper and the site view
            if fields[BATCH] is not None:
                other_line(file, line, raw, message)
                continue
            timestamp = fields[TIMESTAMP]
            decision = mapper.decide_fields(message, fields)
            counted = inventory.observe_event(decision, fields, file, line) if inventory is not None else NOT_COUNTED
            kind = counted if counted >= 0 else kinds.kind_of(decision)  # once, for the summary and the time series
            if timeline is not None:
                timeline.observe_message(file, line, None, message, decision, timestamp, fields[TYPE], kind, kinds)
            if counted == NOT_COUNTED and inventory is not None:
                inventory.observe_message(file, line, None, message, decision, timestamp, fields, kind)
            if kind < len(countable) and countable[kind]:
                counts[kind] += 1
                repeated += 1
                continue
            summary.add_of_kind(file, line, None, message, decision, raw, kind)
        summary.events += repeated
