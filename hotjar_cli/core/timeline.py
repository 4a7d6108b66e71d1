"""Loss over time: per bucket of event time, messages by outcome and findings by rule; each rule's first and last
sighting; and the buckets where a rule starts.

Folded event by event and merged associatively, like `Summary`: the same bytes for any split of the work.

Buckets are hours while the input spans at most `MAX_BUCKETS` of them, else days, else calendar months, else
years: the span (from the earliest to the latest event time) decides, so memory and the report stay bounded, and
every part of a split input is at most as coarse as the whole. Events with no readable time are counted apart.

A rule *starts* in a bucket (a change point) when, in that bucket, its share of the messages is at least
`START_JUMP` (5 percentage points) above and at least twice its share over the `START_BASELINE` buckets before
(up to 7), both that bucket and those before holding at least `START_MESSAGES` messages. The report names the
bucket and the rule's first event in it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from hotjar_cli.core.model import OUTCOMES, Decision, Outcome, Position

MAX_BUCKETS = 2_000
RESOLUTIONS = ("hour", "day", "month", "year")
START_JUMP = 0.05
START_BASELINE = 7
START_MESSAGES = 20
_OUTCOME_INDEX = {outcome: number for number, outcome in enumerate(OUTCOMES)}

Seen = tuple[float | None, Position]


def bucket_start(seconds: float, resolution: str) -> int:
    """The start, in seconds since the epoch, of the bucket holding a time."""
    if resolution == "hour":
        return int(seconds // 3600) * 3600
    if resolution == "day":
        return int(seconds // 86400) * 86400
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    start = moment.replace(month=1 if resolution == "year" else moment.month, day=1, hour=0, minute=0, second=0,
                           microsecond=0)
    return int(start.timestamp())


def next_bucket(start: int, resolution: str) -> int:
    """The start of the bucket after the one starting at `start`."""
    if resolution == "hour":
        return start + 3600
    if resolution == "day":
        return start + 86400
    moment = datetime.fromtimestamp(start, timezone.utc)
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
    one, other = datetime.fromtimestamp(first, timezone.utc), datetime.fromtimestamp(last, timezone.utc)
    if resolution == "month":
        return (other.year - one.year) * 12 + other.month - one.month + 1
    return other.year - one.year + 1


def bucket_label(start: int, resolution: str) -> str:
    """`2024-03-01T10:00Z`, `2024-03-01`, `2024-03` or `2024`."""
    moment = datetime.fromtimestamp(start, timezone.utc)
    return moment.strftime({"hour": "%Y-%m-%dT%H:00Z", "day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[resolution])


class Bucket:
    """What happened in one bucket of event time."""

    __slots__ = ("outcomes", "rules", "affected", "first")

    def __init__(self) -> None:
        self.outcomes = [0] * len(OUTCOMES)
        self.rules: dict[str, int] = {}
        """Findings per rule code."""
        self.affected: dict[str, int] = {}
        """Events with the rule per rule code."""
        self.first: dict[str, Seen] = {}
        """Each rule's earliest event in the bucket (by time; a tie keeps the first in input order)."""

    @property
    def events(self) -> int:
        """Messages in the bucket, whatever their outcome."""
        return sum(self.outcomes)

    def merge(self, later_part: Bucket) -> Bucket:
        """This bucket's counts followed by `later_part`'s."""
        merged = Bucket()
        merged.outcomes = [mine + theirs for mine, theirs in zip(self.outcomes, later_part.outcomes)]
        merged.rules = _added(self.rules, later_part.rules)
        merged.affected = _added(self.affected, later_part.affected)
        first = dict(self.first)
        for code, seen in later_part.first.items():
            first[code] = _earlier(first.get(code), seen)  # type: ignore[assignment]
        merged.first = dict(sorted(first.items()))
        return merged

    def shifted(self, lines: int) -> Bucket:
        """Every sighting moved on by `lines`."""
        moved = Bucket()
        moved.outcomes, moved.rules, moved.affected = self.outcomes, self.rules, self.affected
        moved.first = {code: _shifted(seen, lines) for code, seen in self.first.items()}
        return moved


def _added(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    total = dict(first)
    for key, count in second.items():
        total[key] = total.get(key, 0) + count
    return dict(sorted(total.items()))


def _earlier(first: Seen | None, other: Seen) -> Seen:
    if first is None:
        return other
    if other[0] is not None and (first[0] is None or other[0] < first[0]):
        return other
    return first


def _later(last: Seen | None, other: Seen) -> Seen:
    if last is None:
        return other
    if other[0] is None and last[0] is not None:
        return last
    if other[0] is not None and last[0] is not None and other[0] < last[0]:
        return last
    return other


def _shifted(seen: Seen, lines: int) -> Seen:
    return seen[0], Position(seen[1].file, seen[1].line + lines, seen[1].index)


class Timeline:
    """Buckets of event time, each rule's first and last sighting, and the events with no readable time."""

    __slots__ = ("resolution", "buckets", "untimed", "first", "last", "_span")

    def __init__(self) -> None:
        self.resolution = "hour"
        self.buckets: dict[int, Bucket] = {}
        self.untimed = Bucket()
        self.first: dict[str, Seen] = {}
        self.last: dict[str, Seen] = {}
        self._span: tuple[int, int] | None = None

    def observe(self, file: str, line: int, index: int | None, decision: Decision, when: float | None) -> None:
        """One decided event at its time (None when it has no readable time)."""
        if when is None:
            bucket = self.untimed
        else:
            start = int(when // 3600) * 3600 if self.resolution == "hour" else bucket_start(when, self.resolution)
            bucket = self.buckets.get(start)  # type: ignore[assignment]
            if bucket is None:
                bucket = self._new_bucket(start, when)
        bucket.outcomes[_OUTCOME_INDEX[decision.outcome]] += 1
        findings = decision.findings
        if not findings:
            return
        rules, affected = bucket.rules, bucket.affected
        for finding in findings:
            rules[finding.code] = rules.get(finding.code, 0) + 1
        seen = (when, Position(file, line, index))
        firsts, first, last = bucket.first, self.first, self.last
        for code in {finding.code: None for finding in findings}:
            affected[code] = affected.get(code, 0) + 1
            if code not in firsts or (when is not None and (firsts[code][0] is None or when < firsts[code][0])):
                firsts[code] = seen
            first[code] = _earlier(first.get(code), seen)
            last[code] = _later(last.get(code), seen)

    def _new_bucket(self, start: int, when: float) -> Bucket:
        span = self._span
        span = (start, start) if span is None else (min(span[0], start), max(span[1], start))
        self._span = span
        if bucket_count(span[0], span[1], self.resolution) > MAX_BUCKETS:
            self._coarsen(span)
            start = bucket_start(when, self.resolution)
            found = self.buckets.get(start)
            if found is not None:
                return found
        bucket = self.buckets[start] = Bucket()
        return bucket

    def _coarsen(self, span: tuple[int, int]) -> None:
        resolution = self.resolution
        while bucket_count(bucket_start(span[0], resolution), bucket_start(span[1], resolution),
                           resolution) > MAX_BUCKETS and resolution != RESOLUTIONS[-1]:
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
        if self._span is not None:
            self._span = (bucket_start(self._span[0], resolution), bucket_start(self._span[1], resolution))

    def merge(self, later_part: Timeline) -> Timeline:
        """This input's timeline followed by `later_part`'s."""
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
        if merged.buckets:
            starts = list(merged.buckets)
            merged._span = (starts[0], starts[-1])
            merged._coarsen(merged._span)
        return merged

    def _copy(self) -> Timeline:
        copy = Timeline()
        copy.resolution, copy.buckets, copy.untimed = self.resolution, dict(self.buckets), self.untimed
        copy.first, copy.last, copy._span = self.first, self.last, self._span
        return copy

    def shifted(self, lines: int) -> Timeline:
        """Every sighting moved on by `lines`: a part of a file read on its own."""
        moved = self._copy()
        moved.buckets = {start: bucket.shifted(lines) for start, bucket in self.buckets.items()}
        moved.untimed = self.untimed.shifted(lines)
        moved.first = {code: _shifted(seen, lines) for code, seen in self.first.items()}
        moved.last = {code: _shifted(seen, lines) for code, seen in self.last.items()}
        return moved

    def series(self, by: str = "day") -> tuple[str, list[tuple[int, Bucket]]]:
        """The buckets at resolution `by` (or the timeline's own when it is coarser), every bucket from the first
        to the last included, empty ones too; with the resolution used."""
        resolution = RESOLUTIONS[max(RESOLUTIONS.index(by), RESOLUTIONS.index(self.resolution))]
        grouped: dict[int, Bucket] = {}
        for start in sorted(self.buckets):
            coarse = bucket_start(start, resolution)
            found = grouped.get(coarse)
            grouped[coarse] = self.buckets[start] if found is None else found.merge(self.buckets[start])
        if not grouped:
            return resolution, []
        filled: list[tuple[int, Bucket]] = []
        start, last = min(grouped), max(grouped)
        while start <= last:
            filled.append((start, grouped.get(start) or Bucket()))
            start = next_bucket(start, resolution)
        return resolution, filled


def change_points(series: list[tuple[int, Bucket]], code: str) -> list[tuple[int, Seen | None]]:
    """The buckets where a rule starts (see the module's docstring), with the rule's first event in each."""
    found: list[tuple[int, Seen | None]] = []
    for number in range(1, len(series)):
        start, bucket = series[number]
        events = bucket.events
        if events < START_MESSAGES:
            continue
        before = series[max(0, number - START_BASELINE):number]
        before_events = sum(earlier.events for _, earlier in before)
        if before_events < START_MESSAGES:
            continue
        baseline = sum(earlier.affected.get(code, 0) for _, earlier in before) / before_events
        share = bucket.affected.get(code, 0) / events
        if share >= baseline + START_JUMP and share >= 2 * baseline:
            found.append((start, bucket.first.get(code)))
    return found


def bucket_record(start: int, resolution: str, bucket: Bucket) -> dict[str, Any]:
    """One bucket as the JSON report writes it."""
    return {"start": bucket_label(start, resolution), "events": bucket.events,
            "outcomes": {outcome.value: bucket.outcomes[_OUTCOME_INDEX[outcome]] for outcome in Outcome},
            "rules": dict(sorted(bucket.rules.items())), "events_by_rule": dict(sorted(bucket.affected.items()))}
