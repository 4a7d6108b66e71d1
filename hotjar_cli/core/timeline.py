"""Loss over time: per bucket of event time, messages by outcome and findings by rule; each rule's first and last
sighting; and the buckets where a rule starts.

Folded event by event and merged associatively, like `Summary`: the same bytes for any split of the work.

Buckets are hours while the input's events fall in at most `MAX_BUCKETS` of them, else days, else calendar months,
else years: the buckets that hold events decide, not the span from the earliest to the latest event time, so that one
device's clock at 1970-01-01 leaves this March's logs in hours, memory stays bounded, and every part of a split input
is at most as coarse as the whole. A series charts every bucket from its first to its last; when a few far-off
clocks put those too far apart, it charts the span that holds all but a few events and lists the buckets of those
apart (`Timeline.series`). Events with no readable time are counted apart.

A rule *starts* in a bucket (a change point) when its share of the bucket's messages it applies to (identifies for
the rules of identifies and their traits, tracks for those of events, both for a rule of either, else every message:
`Rule.applies_to`) is at least `START_JUMP` (5 percentage points) above, and at least twice, its highest share in
any of the `START_BASELINE` buckets before (up to 7), counting only buckets of at least `START_MESSAGES` such
messages (the quieter ones between are passed over, so that the nights between days of logs do not hide a start by
hour), with at least one such bucket before, and when it did not already start in one of those buckets (a rule that
starts in the middle of a bucket and is at full strength in the next starts once). The start is then the earliest
of the quiet buckets just before, as long as each holds the rule at such a share and none is without such messages
(a deploy at midnight shows in the hours of few identifies before the morning's first busy one; one stray message
alone in an empty night does not move the start to it); or the busy bucket just before, when the rule first showed
there, in a few of its messages, and in none of the buckets measured against before that one (a deploy at 23:30).
A site's limit cannot be met before the site is full: when the site had room as the logs began, such a rule starts
where it is first seen, even in the logs' first bucket, where nothing before could be measured against.
The report names the bucket and the rule's first event in it. Measured against every message, a rule of
identifies could never start in logs whose identifies are under 5 % of the messages, however many of them it broke.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Final

from hotjar_cli.core.decode import Parsed, SegmentMessage
from hotjar_cli.core.eventtime import (
    END_SECOND,
    HOUR_STARTS,
    event_seconds,
    hour_seconds,
    hour_start,
    is_segment_time,
    segment_seconds,
    text_seconds,
)
from hotjar_cli.core.kinds import Kinds, distinct
from hotjar_cli.core.model import OUTCOMES, Decision, Outcome, Position
from hotjar_cli.core.rules import RULES

# Module-level names are `Final`: compiled, such a name is read from a C variable, not looked up in a dictionary.
MAX_BUCKETS: Final = 2_000
PENDING_GROUPS: Final = 4096
"""Groups of events held before they are counted into buckets: the places kept for them (see `Timeline.held`)."""
RESOLUTIONS: Final = ("hour", "day", "month", "year")
START_JUMP: Final = 0.05
START_BASELINE: Final = 7
START_MESSAGES: Final = 20
OUTSIDE_SHARES: Final = (0.001, 0.01)
"""At most these shares of the timed events (at least one event) may lie outside the span a series charts when its
first and last buckets are too far apart to chart every bucket between: the far-off clocks of a few devices, not a
part of the logs (see `Timeline.series`). The smaller first: 11 events of a 1970 clock among 10,000, a tenth of a
percent and one more, turned a week's days into the 651 months since 1970."""
_OUTCOME_INDEX: Final = {outcome: number for number, outcome in enumerate(OUTCOMES)}
IDENTIFY: Final = 0
TRACK: Final = 1
OTHER: Final = 2
"""The places of an hour's messages by type, identifies, tracks and the others, in a timeline's counts of them (see
`Timeline._types`)."""

Seen = tuple[float | None, Position]


def bucket_start(seconds: float, resolution: str) -> int:
    """The start, in seconds since the epoch, of the bucket holding a time."""
    if resolution == "hour":
        return int(seconds // 3600) * 3600
    if resolution == "day":
        return int(seconds // 86400) * 86400
    moment = datetime.fromtimestamp(seconds, UTC)
    start = moment.replace(
        month=1 if resolution == "year" else moment.month, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    return int(start.timestamp())


def next_bucket(start: int, resolution: str) -> int:
    """The start of the bucket after the one starting at `start`."""
    if resolution == "hour":
        return start + 3600
    if resolution == "day":
        return start + 86400
    moment = datetime.fromtimestamp(start, UTC)
    if moment.year == 9999 and (resolution == "year" or moment.month == 12):
        return END_SECOND  # no bucket starts after the last year a date holds
    if resolution == "year":
        return int(moment.replace(year=moment.year + 1).timestamp())
    month = moment.month % 12 + 1
    return int(moment.replace(year=moment.year + (moment.month == 12), month=month).timestamp())


def bucket_count(first: int, last: int, resolution: str) -> int:
    """How many buckets a span covers, its ends included."""
    if resolution == "hour":
        return (last - first) // 3600 + 1
    if resolution == "day":
        return (last - first) // 86400 + 1
    one, other = datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last, UTC)
    if resolution == "month":
        return (other.year - one.year) * 12 + other.month - one.month + 1
    return other.year - one.year + 1


def bucket_label(start: int, resolution: str) -> str:
    """`2024-03-01T10:00Z`, `2024-03-01`, `2024-03` or `2024`."""
    moment = datetime.fromtimestamp(start, UTC)
    # Not `strftime`, whose `%Y` the C library may leave unpadded (`1` for the year 0001).
    date = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    if resolution == "hour":
        return f"{date}T{moment.hour:02d}:00Z"
    return date if resolution == "day" else date[:7] if resolution == "month" else date[:4]


class Bucket:
    """What happened in one bucket of event time."""

    __slots__ = ("affected", "first", "identifies", "outcomes", "rules", "tracks")

    def __init__(self) -> None:
        self.outcomes = [0] * len(OUTCOMES)
        self.identifies = 0
        self.tracks = 0
        """Its messages of these types: the rules of identifies (and their traits) and of tracks are measured
        against them (see `change_points`)."""
        self.rules: dict[str, int] = {}
        """Findings per rule code."""
        self.affected: dict[str, int] = {}
        """Events with the rule per rule code."""
        self.first: dict[str, Seen] = {}
        """Each rule's earliest event in the bucket (by time; ties by file name and line)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return _bucket, (self.outcomes, self.rules, self.affected, self.first, self.identifies, self.tracks)

    @property
    def events(self) -> int:
        """Messages in the bucket, whatever their outcome."""
        return sum(self.outcomes)

    def merge(self, later_part: Bucket) -> Bucket:
        """This bucket's counts followed by `later_part`'s."""
        merged = Bucket()
        merged.outcomes = [mine + theirs for mine, theirs in zip(self.outcomes, later_part.outcomes, strict=True)]
        merged.identifies = self.identifies + later_part.identifies
        merged.tracks = self.tracks + later_part.tracks
        merged.rules = _added(self.rules, later_part.rules)
        merged.affected = _added(self.affected, later_part.affected)
        first = dict(self.first)
        for code, seen in later_part.first.items():
            first[code] = _earlier(first.get(code), seen)
        merged.first = dict(sorted(first.items()))
        return merged

    def shifted(self, lines: int) -> Bucket:
        """Every sighting moved on by `lines`."""
        moved = Bucket()
        moved.outcomes, moved.rules, moved.affected = self.outcomes, self.rules, self.affected
        moved.identifies, moved.tracks = self.identifies, self.tracks
        moved.first = {code: _shifted(seen, lines) for code, seen in self.first.items()}
        return moved


def _added(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    total = dict(first)
    for key, count in second.items():
        total[key] = total.get(key, 0) + count
    return dict(sorted(total.items()))


def _first_key(seen: Seen) -> tuple[Any, ...]:
    when, position = seen
    return (when is None, when or 0, position.file, position.line, -1 if position.index is None else position.index)


def _last_key(seen: Seen) -> tuple[Any, ...]:
    when, position = seen
    return (when is not None, when or 0, position.file, position.line, -1 if position.index is None else position.index)


def _earlier(first: Seen | None, other: Seen) -> Seen:
    """The earlier sighting: by event time, a timed one before any untimed one, ties by file name and line (an
    order that does not depend on how the input was split)."""
    if first is None:
        return other
    when, mine = other[0], first[0]
    if when is not None and mine is not None and when != mine:  # nearly always: the times alone decide
        return other if when < mine else first
    return other if _first_key(other) < _first_key(first) else first


def _later(last: Seen | None, other: Seen) -> Seen:
    """The later sighting, in the order of `_earlier`."""
    if last is None:
        return other
    when, mine = other[0], last[0]
    if when is not None and mine is not None and when != mine:
        return other if when > mine else last
    return other if _last_key(other) > _last_key(last) else last


Sighting = tuple[Any, str, int, int | None]
"""An event as a group holds it: `(time as text or seconds, file, line, index)`."""


class _Group:
    """Events of one kind in one hour, not yet counted into their bucket (see `Timeline._pending`): how many, and
    for a kind with findings its first and last sighting. The last changes with nearly every such event, so it is
    held in parts: compiled, setting them makes no new object, where a new sighting made a tuple and an int."""

    __slots__ = ("count", "first", "last_file", "last_index", "last_line", "last_order")

    def __init__(self, sighting: Sighting | None) -> None:
        self.count = 1
        self.first = sighting
        """None for a kind without findings: it has no sightings to report."""
        self.last_order: Any = None
        self.last_file = ""
        self.last_line = 0
        self.last_index = -1
        """The last sighting's batch index, -1 for none."""
        if sighting is not None:
            self.set_last(sighting)

    def last(self) -> Sighting:
        """The last sighting (of a kind with findings)."""
        index = self.last_index
        return self.last_order, self.last_file, self.last_line, None if index < 0 else index

    def set_last(self, sighting: Sighting) -> None:
        self.last_order, self.last_file, self.last_line = sighting[0], sighting[1], sighting[2]
        index = sighting[3]
        self.last_index = -1 if index is None else index


def _tie(group: _Group, sighting: Sighting) -> None:
    """A sighting at the same time as a group's first or last: ties go by file name, line and index."""

    def place(item: Sighting) -> tuple[str, int, int]:
        return item[1], item[2], -1 if item[3] is None else item[3]

    first, last = group.first, group.last()
    if first is not None and sighting[0] == first[0] and place(sighting) < place(first):
        group.first = sighting
    if sighting[0] == last[0] and place(sighting) > place(last):
        group.set_last(sighting)


def _seen(sighting: Sighting) -> Seen:
    """A grouped sighting, `(time as text or seconds, file, line, index)`, as `(seconds, Position)`."""
    order = sighting[0]
    when = text_seconds(order) if type(order) is str else order
    return when, Position(sighting[1], sighting[2], sighting[3])


def _shifted(seen: Seen, lines: int) -> Seen:
    return seen[0], Position(seen[1].file, seen[1].line + lines, seen[1].index)


class Timeline:
    """Buckets of event time, each rule's first and last sighting, and the events with no readable time."""

    __slots__ = (
        "_groups",
        "_held",
        "_hour_types",
        "_length",
        "_met",
        "_minute",
        "_pending",
        "_types",
        "buckets",
        "first",
        "last",
        "resolution",
        "untimed",
    )

    def __init__(self, kinds: Kinds | None = None) -> None:
        self.resolution = "hour"
        self.buckets: dict[int, Bucket] = {}
        self.untimed = Bucket()
        self.first: dict[str, Seen] = {}
        self.last: dict[str, Seen] = {}
        self._met = kinds if kinds is not None else Kinds()
        """The kinds of decisions met, maybe shared with other passes (see `Kinds`); kinds of its own once they grow
        past `PENDING_GROUPS`."""
        self._pending: dict[Any, list[_Group | None]] = {}
        """Events not yet counted into their buckets, by hour (its text and the times' length, or its start in
        seconds, or None) and kind (`_Group`, at the kind's number; None for a kind not met in the hour): a list
        indexed by a small number costs a fraction of a dict's lookup. `settle` counts them."""
        self._groups: list[_Group | None] = []
        self._types: dict[Any, list[int]] = {}
        """The events of `_pending` by hour and type: identifies, tracks and the others (`IDENTIFY`, `TRACK`,
        `OTHER`)."""
        self._hour_types: list[int] = []
        self._minute, self._length, self._held = "", -1, 0
        """The minute of the last event in Segment's form (`2024-03-01T10:00`, read), its time's length (-1 before
        any) and its hour's groups and counts by type; the places in the lists of groups held, at most
        `PENDING_GROUPS`."""

    def observe(self, file: str, line: int, index: int | None, parsed: Parsed, decision: Decision) -> None:
        """One decided event, at its event time (`hotjar_cli.core.eventtime`). Call `settle` when done.

        Nearly every event costs a few operations here: events are grouped by hour and kind (see `Kinds`), and a
        `timestamp` in Segment's own form (`2024-03-01T10:00:00.123Z`) is never parsed: its first 13 characters
        name its hour, and two such times of the same length compare as text (with `Z` at the end: a time of
        that length with an offset may fall in another hour). Such a time is checked whole, as `event_seconds`
        reads it (`10:99:00Z` is no time and has no bucket); in the minute of the time before it, only from its
        seconds on. An event in that minute, under a decision met before and of a kind already met in the hour,
        takes the first branch; only a kind with findings keeps its first and last sighting.
        """
        if type(parsed) is SegmentMessage:
            self.observe_message(file, line, index, parsed, decision, parsed.timestamp, parsed.type)
        else:
            self._observe_any(file, line, index, parsed, decision, None, OTHER)

    def observe_message(
        self,
        file: str,
        line: int,
        index: int | None,
        message: SegmentMessage,
        decision: Decision,
        text: Any,
        message_type: Any,
        kind: int = -1,
        kinds: Kinds | None = None,
    ) -> None:
        """`observe` for a message (not a line that holds none), with its `timestamp` (`text`) and `type`
        (`message_type`: both read by the caller, which has them at hand). `kind`: the number of
        the decision's kind in `kinds`, when the caller knows it (else -1): it counts here when those are the kinds
        met here (a timeline takes kinds of its own once they grow past `PENDING_GROUPS`)."""
        if kind < 0 or kinds is not self._met:
            kind = -1  # not one of this timeline's kinds: worked out below when needed
        if type(text) is str and text.startswith(self._minute) and len(text) == self._length and segment_seconds(text):
            if kind < 0:
                kind = self._met.kind_of(decision)
            groups = self._groups
            group = groups[kind] if kind < len(groups) else None
            if group is not None:
                self._hour_types[type_index(message_type)] += 1
                group.count += 1
                first = group.first
                if first is not None:
                    last = group.last_order
                    if text > last:
                        group.last_order, group.last_file, group.last_line = text, file, line
                        group.last_index = -1 if index is None else index
                    elif text < first[0]:
                        group.first = (text, file, line, index)
                    elif text == first[0] or text == last:
                        _tie(group, (text, file, line, index))
                return
        self._observe_any(file, line, index, message, decision, text, type_index(message_type), kind)

    def _observe_any(
        self,
        file: str,
        line: int,
        index: int | None,
        parsed: Parsed,
        decision: Decision,
        text: Any,
        type_place: int,
        kind: int = -1,
    ) -> None:
        """`observe` for any event, with its `timestamp` (`text`, None when it has none), its place among the types
        (`type_index`) and the number of its decision's kind in this timeline's kinds when known (else -1)."""
        if type(text) is str and is_segment_time(text) and ((prefix := text[:13]) in HOUR_STARTS or hour_start(prefix)):
            order: Any = text
            hour: Any = (prefix, len(text))  # times of one length compare as text
            groups = self._pending.get(hour)
            if groups is None:
                groups = self._pending[hour] = []
                self._types[hour] = [0, 0, 0]
            types = self._types[hour]
            self._minute, self._length, self._groups, self._hour_types = text[:16], len(text), groups, types
        else:
            order = event_seconds(parsed)
            hour = None if order is None else int(order // 3600) * 3600
            groups = self._pending.get(hour)
            if groups is None:
                groups = self._pending[hour] = []
                self._types[hour] = [0, 0, 0]
            types = self._types[hour]
        if kind < 0:
            kind = self._met.kind_of(decision)
        group = groups[kind] if kind < len(groups) else None
        if group is None:
            # The hour's list grows to hold the kind: its places are what is held, groups or not.
            added = kind + 1 - len(groups)
            if added > 0 and self._held + added > PENDING_GROUPS:
                self.settle()  # which starts kinds afresh once they are many (a kind's number is below their count)
                self._observe_any(file, line, index, parsed, decision, text, type_place)
                return
            if added > 0:
                groups.extend([None] * added)
                self._held += added
            types[type_place] += 1
            # Only findings have sightings to report: a kind without them keeps none.
            groups[kind] = _Group((order, file, line, index) if self._met.signatures[kind][2] else None)
            return
        types[type_place] += 1
        group.count += 1
        first = group.first
        if first is None:
            return
        if order is not None:
            if order < first[0]:
                group.first = (order, file, line, index)
            elif order > group.last_order:
                group.set_last((order, file, line, index))
            elif order == first[0] or order == group.last_order:
                _tie(group, (order, file, line, index))
        else:
            self._place(group, (order, file, line, index))

    @staticmethod
    def _place(group: _Group, sighting: Sighting) -> None:
        """The slow way: `sighting` becomes the group's first or last by `_first_key` and `_last_key`."""
        seen = _seen(sighting)
        if group.first is not None and _first_key(seen) < _first_key(_seen(group.first)):
            group.first = sighting
        if _last_key(seen) > _last_key(_seen(group.last())):
            group.set_last(sighting)

    @property
    def held(self) -> int:
        """The places the groups of events not yet counted into buckets take, counted from the groups themselves: at
        most `PENDING_GROUPS`, however many kinds and hours the events fall in (past that, they are settled)."""
        return sum(len(groups) for groups in self._pending.values())

    def settle(self) -> None:
        """Count the events held in groups into their buckets: every count is then complete."""
        pending, self._pending = self._pending, {}
        types_of, self._types = self._types, {}
        self._minute, self._length, self._groups, self._hour_types, self._held = "", -1, [], [], 0
        kinds = self._met.signatures
        codes_once: dict[int, tuple[str, ...]] = {}  # a kind's codes, each once: worked out once a kind
        for hour, groups in pending.items():
            if hour is None:
                bucket = self.untimed
            else:
                start = hour_seconds(hour[0]) if type(hour) is tuple else hour
                if self.resolution != "hour":
                    start = bucket_start(start, self.resolution)
                found = self.buckets.get(start)
                bucket = found if found is not None else self._new_bucket(start)
            types = types_of[hour]
            bucket.identifies += types[IDENTIFY]
            bucket.tracks += types[TRACK]
            for kind, group in enumerate(groups):
                if group is None:
                    continue
                outcome, _, codes = kinds[kind]
                count = group.count
                bucket.outcomes[outcome] += count
                if not codes or group.first is None:
                    continue
                rules, affected, firsts = bucket.rules, bucket.affected, bucket.first
                for code in codes:
                    rules[code] = rules.get(code, 0) + count
                first_seen, last_seen = _seen(group.first), _seen(group.last())
                once = codes_once.get(kind)
                if once is None:
                    once = codes_once[kind] = tuple(distinct(codes))
                for code in once:
                    affected[code] = affected.get(code, 0) + count
                    firsts[code] = _earlier(firsts.get(code), first_seen)
                    self.first[code] = _earlier(self.first.get(code), first_seen)
                    self.last[code] = _later(self.last.get(code), last_seen)
        if len(kinds) >= PENDING_GROUPS:  # rare: identifies breaking many rules in many ways
            self._met = Kinds()

    def finish(self) -> None:
        """Settle, and let go of the decisions met: the pass is over. A worker's timeline then crosses to the
        process that merges it without the thousands of decisions it held only to recognise them again."""
        self.settle()
        self._met = Kinds()

    def _new_bucket(self, start: int) -> Bucket:
        bucket = self.buckets[start] = Bucket()
        if len(self.buckets) <= MAX_BUCKETS or self.resolution == RESOLUTIONS[-1]:
            return bucket  # (years past `MAX_BUCKETS` are at most 9,999, and years are the coarsest)
        self._coarsen()
        return self.buckets[bucket_start(start, self.resolution)]

    def _coarsen(self) -> None:
        """The finest resolution (from its own on) at which the buckets holding events are at most `MAX_BUCKETS`."""
        resolution = self.resolution
        while resolution != RESOLUTIONS[-1] and len({bucket_start(start, resolution) for start in self.buckets}) > (
            MAX_BUCKETS
        ):
            resolution = RESOLUTIONS[RESOLUTIONS.index(resolution) + 1]
        self._regroup(resolution)

    def _regroup(self, resolution: str) -> None:
        if resolution == self.resolution:
            return
        regrouped: dict[int, Bucket] = {}
        for start in sorted(self.buckets):
            coarse = bucket_start(start, resolution)
            found = regrouped.get(coarse)
            regrouped[coarse] = self.buckets[start] if found is None else found.merge(self.buckets[start])
        self.buckets = regrouped
        self.resolution = resolution

    def merge(self, later_part: Timeline) -> Timeline:
        """This input's timeline followed by `later_part`'s."""
        self.settle()
        later_part.settle()
        mine, theirs = self._copy(), later_part._copy()
        coarser = max(RESOLUTIONS.index(mine.resolution), RESOLUTIONS.index(theirs.resolution))
        mine._regroup(RESOLUTIONS[coarser])
        theirs._regroup(RESOLUTIONS[coarser])
        merged = Timeline()
        merged.resolution = mine.resolution
        buckets = dict(mine.buckets)
        for start, bucket in theirs.buckets.items():
            found = buckets.get(start)
            buckets[start] = bucket if found is None else found.merge(bucket)
        merged.buckets = dict(sorted(buckets.items()))
        merged.untimed = mine.untimed.merge(theirs.untimed)
        first = dict(mine.first)
        for code, seen in theirs.first.items():
            first[code] = _earlier(first.get(code), seen)
        last = dict(mine.last)
        for code, seen in theirs.last.items():
            last[code] = _later(last.get(code), seen)
        merged.first, merged.last = dict(sorted(first.items())), dict(sorted(last.items()))
        if len(merged.buckets) > MAX_BUCKETS:
            merged._coarsen()
        return merged

    def __reduce__(self) -> tuple[Any, ...]:
        """Settled, pickled as its fields. An object of slots pickles in one form compiled and in another as Python,
        and neither reads the other's back: a Dask worker whose core was not compiled (installed without a C
        compiler) sent the part of the time series it counted, and a compiled client read it as no buckets at all."""
        self.settle()
        return _timeline, (self.resolution, self.buckets, self.untimed, self.first, self.last)

    def _copy(self) -> Timeline:
        copy = Timeline()
        copy.resolution, copy.buckets, copy.untimed = self.resolution, dict(self.buckets), self.untimed
        copy.first, copy.last = self.first, self.last
        copy._met, copy._pending, copy._types = Kinds(), {}, {}
        copy._minute, copy._length, copy._groups, copy._hour_types, copy._held = "", -1, [], [], 0
        return copy

    def shifted(self, lines: int) -> Timeline:
        """Every sighting moved on by `lines`: a part of a file read on its own."""
        self.settle()
        moved = self._copy()
        moved.buckets = {start: bucket.shifted(lines) for start, bucket in self.buckets.items()}
        moved.untimed = self.untimed.shifted(lines)
        moved.first = {code: _shifted(seen, lines) for code, seen in self.first.items()}
        moved.last = {code: _shifted(seen, lines) for code, seen in self.last.items()}
        return moved

    def series(self, by: str = "day") -> tuple[str, list[tuple[int, Bucket]], list[tuple[int, Bucket]]]:
        """The buckets at resolution `by` (or the timeline's own when it is coarser), every bucket from the first
        to the last included, empty ones too; with the resolution used, and the buckets left out of them, in order.

        None is left out unless the first and last buckets lie more than `MAX_BUCKETS` apart, which a few far-off
        clocks do (one device at 1970-01-01 beside this March's logs). The series then charts the shortest span
        holding all but at most 0.1 % of the timed events (`shortest_window`), else 1 % (`OUTSIDE_SHARES`), at the
        finest resolution that charts it in at most `MAX_BUCKETS`, and leaves out the buckets of the others. With
        too few events for any to be left out (under 100), it charts coarser; past `MAX_BUCKETS` years (the years 1
        and 9999), the buckets that hold events alone: a report stays bounded whatever times the logs hold."""
        self.settle()
        grouped: dict[int, Bucket] = {}
        for resolution in RESOLUTIONS[max(RESOLUTIONS.index(by), RESOLUTIONS.index(self.resolution)) :]:
            grouped = _grouped(self.buckets, resolution)
            starts = list(grouped)
            if not starts:
                return resolution, [], []
            if bucket_count(starts[0], starts[-1], resolution) <= MAX_BUCKETS:
                return resolution, _filled(grouped, starts[0], starts[-1], resolution), []
            spans = [(start, next_bucket(start, resolution), grouped[start].events) for start in starts]
            for share in OUTSIDE_SHARES:
                window = shortest_window(spans, share)
                if window is None:
                    break
                since, until, _ = window
                inside = [start for start in starts if since <= start < until]
                if bucket_count(inside[0], inside[-1], resolution) <= MAX_BUCKETS:
                    outside = [(start, grouped[start]) for start in starts if not since <= start < until]
                    return resolution, _filled(grouped, inside[0], inside[-1], resolution), outside
        return RESOLUTIONS[-1], sorted(grouped.items()), []


def _grouped(buckets: dict[int, Bucket], resolution: str) -> dict[int, Bucket]:
    """Buckets regrouped at a resolution as coarse as theirs or coarser, in time order."""
    grouped: dict[int, Bucket] = {}
    for start in sorted(buckets):
        coarse = bucket_start(start, resolution)
        found = grouped.get(coarse)
        grouped[coarse] = buckets[start] if found is None else found.merge(buckets[start])
    return grouped


def _filled(grouped: dict[int, Bucket], start: int, last: int, resolution: str) -> list[tuple[int, Bucket]]:
    """Every bucket from `start` to `last`, empty ones too."""
    filled: list[tuple[int, Bucket]] = []
    while start <= last:
        filled.append((start, grouped.get(start) or Bucket()))
        start = next_bucket(start, resolution)
    return filled


def shortest_window(spans: list[tuple[int, int, int]], share: float) -> tuple[int, int, int] | None:
    """Of spans of time in order (`(start, end, events)`, in seconds), the shortest run from one to another holding all
    but at most `share` of the events (and at most 1 %, at least one event), then widened to the events near it
    (`_widened`): `(start, end, events outside)`; None when no event may lie outside (too few events)."""
    counts = [events for _, _, events in spans]
    total = sum(counts)
    allowed = max(1, int(total * share))
    if not spans or allowed > total // 100:
        return None
    best: tuple[int, int, int] | None = None  # (length in seconds, first span, last span)
    held, first = 0, 0
    for last, count in enumerate(counts):
        held += count
        while held - counts[first] >= total - allowed:
            held -= counts[first]
            first += 1
        if held >= total - allowed:
            length = spans[last][1] - spans[first][0]
            if best is None or length < best[0]:
                best = (length, first, last)
    assert best is not None, "every span holds every event"
    _, first, last = best
    first, last = _widened(spans, first, last)
    return spans[first][0], spans[last][1], total - sum(counts[first : last + 1])


def _widened(spans: list[tuple[int, int, int]], first: int, last: int) -> tuple[int, int]:
    """The run of spans from `first` to `last` taking in, one after the other, the spans with events that lie at most
    half its length before or after it: the shortest run leaves out the quiet edges of the logs as readily as a far-off
    clock (the ten events of a daily export just past its last midnight, beside one at 1970-01-01), and those
    measured the week's pace of new names at less than half of what it was."""
    while True:
        half = (spans[last][1] - spans[first][0]) / 2
        before = next((at for at in range(first - 1, -1, -1) if spans[at][2]), None)
        after = next((at for at in range(last + 1, len(spans)) if spans[at][2]), None)
        if before is not None and spans[first][0] - spans[before][1] <= half:
            first = before
        elif after is not None and spans[after][0] - spans[last][1] <= half:
            last = after
        else:
            return first, last


def applied(identifies: int, tracks: int, messages: int, applies_to: str) -> int:
    """Of a bucket's messages, how many a rule that `applies_to` them applies to (`Rule.applies_to`)."""
    if applies_to == "identify":
        return identifies
    if applies_to == "track":
        return tracks
    if applies_to == "identify-or-track":
        return identifies + tracks
    return messages


def applies_to(code: str) -> str:
    """The messages a rule can find fault with (`Rule.applies_to`)."""
    return RULES[code].applies_to if code in RULES else "message"


def change_points(
    series: list[tuple[int, Bucket]], code: str, first_met: tuple[int, Seen | None] | None = None
) -> list[tuple[int, Seen | None]]:
    """The buckets where a rule starts (see the module's docstring), with the rule's first event in each.
    `first_met`: the bucket where the rule started and its first event there, when that is where it is first met (a
    site's limit, met once the site is full: see `hotjar_cli.report.site_view.timeline_record`); that bucket is a
    start, however few of its messages the rule found."""
    found: list[tuple[int, Seen | None]] = []
    kind = applies_to(code)
    # The shares of the rule in the buckets of at least `START_MESSAGES` messages so far, and how many of them came
    # before its last start. Quiet buckets are passed over, not counted among the `START_BASELINE` before: by hour,
    # the nights between days of logs (or the hours between the runs of a nightly job) left no bucket to compare
    # the morning's first with.
    busy: list[float] = []
    last_start = -START_BASELINE - 1
    quiet: list[tuple[int, Bucket, float]] = []  # the quiet buckets with such messages just before, without a gap
    previous: tuple[int, Bucket] | None = None  # the last busy bucket, while no other bucket came after it
    for here in series:
        start, bucket = here
        if first_met is not None and start == first_met[0]:
            found.append(first_met)
            last_start = len(busy)  # at full strength in the buckets after, it does not start again there
        events = applied(bucket.identifies, bucket.tracks, bucket.events, kind)
        if not events:
            quiet, previous = [], None  # a start moves back over quiet buckets, never across one without such messages
            continue
        share = bucket.affected.get(code, 0) / events
        if events < START_MESSAGES:
            quiet.append((start, bucket, share))
            continue
        before = busy[-START_BASELINE:]
        if before and len(busy) - last_start > START_BASELINE:
            baseline = max(before)
            if share >= baseline + START_JUMP and share >= 2 * baseline:
                # It started in the quiet buckets just before, those at the strength it starts with: by hour, a
                # deploy at midnight showed in the hours of few identifies up to the morning's first busy hour.
                moved = 0
                for quiet_start, quiet_bucket, quiet_share in reversed(quiet):
                    if quiet_share < baseline + START_JUMP or quiet_share < 2 * baseline:
                        break
                    start, bucket, moved = quiet_start, quiet_bucket, moved + 1
                # Or late in the busy bucket just before, where it first showed, in a few of its messages: a deploy
                # at 23:30 was said to start the next day, after the first line that showed it.
                first_showed = len(before) > 1 and before[-1] and not any(before[:-1])
                if previous is not None and moved == len(quiet) and first_showed:
                    start, bucket = previous
                found.append((start, bucket.first.get(code)))
                last_start = len(busy)
        busy.append(share)
        quiet, previous = [], here
    return found


def start_measured(series: list[tuple[int, Bucket]], code: str) -> bool:
    """Whether a start of the rule can be told: two buckets at least hold `START_MESSAGES` messages it applies to (a
    start is a bucket measured against those before). By hour, a site of ten identifies an hour has none."""
    busy = _busy(series, code)
    return next(busy, None) is not None and next(busy, None) is not None


def _busy(series: list[tuple[int, Bucket]], code: str) -> Iterator[tuple[int, Bucket, int]]:
    """The buckets with at least `START_MESSAGES` messages a rule applies to (`Rule.applies_to`), and how many."""
    kind = applies_to(code)
    for start, bucket in series:
        events = applied(bucket.identifies, bucket.tracks, bucket.events, kind)
        if events >= START_MESSAGES:
            yield start, bucket, events


def bucket_record(start: int, resolution: str, bucket: Bucket) -> dict[str, Any]:
    """One bucket as the JSON report writes it."""
    return {
        "start": bucket_label(start, resolution),
        "events": bucket.events,
        "identifies": bucket.identifies,
        "tracks": bucket.tracks,
        "outcomes": {outcome.value: bucket.outcomes[_OUTCOME_INDEX[outcome]] for outcome in Outcome},
        "rules": dict(sorted(bucket.rules.items())),
        "events_by_rule": dict(sorted(bucket.affected.items())),
    }


def _bucket(
    outcomes: list[int],
    rules: dict[str, int],
    affected: dict[str, int],
    first: dict[str, Seen],
    identifies: int,
    tracks: int,
) -> Bucket:
    """A bucket unpickled (see `Timeline.__reduce__`)."""
    bucket = Bucket()
    bucket.outcomes, bucket.rules, bucket.affected, bucket.first = outcomes, rules, affected, first
    bucket.identifies, bucket.tracks = identifies, tracks
    return bucket


def type_index(message_type: Any) -> int:
    """Where a message of this `type` counts among its hour's messages by type: `IDENTIFY`, `TRACK` or `OTHER` (with
    the lines that hold no message)."""
    if message_type == "identify":
        return IDENTIFY
    return TRACK if message_type == "track" else OTHER


def _timeline(
    resolution: str,
    buckets: dict[int, Bucket],
    untimed: Bucket,
    first: dict[str, Seen],
    last: dict[str, Seen],
) -> Timeline:
    """A settled timeline unpickled (see `Timeline.__reduce__`): the kinds it counted by are its process's own."""
    timeline = Timeline()
    timeline.resolution, timeline.buckets, timeline.untimed = resolution, buckets, untimed
    timeline.first, timeline.last = first, last
    return timeline
