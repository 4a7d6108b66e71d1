"""Counting what happened: small summaries that merge associatively, so the split of the work never shows.

`earlier.extend(later)` makes `earlier` the summary of the two inputs read one after the other; examples keep the
first ones in input order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from hotjar_cli.core.decode import MessageId, Parsed, SegmentMessage, Unreadable, properties_value, written_message_id
from hotjar_cli.core.eventtime import event_seconds
from hotjar_cli.core.kinds import Kinds, Signature, distinct
from hotjar_cli.core.mapping import described
from hotjar_cli.core.model import OUTCOMES, Decision, Finding, Outcome, Position, rebuilt

EXAMPLE_LINE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Example:
    """One event shown in a report: where it is, what Segment had and what Hotjar receives."""

    position: Position
    message_id: MessageId | None
    """As the reports write it (`written_message_id`)."""
    type: str | None
    outcome: Outcome
    findings: tuple[Finding, ...]
    payload: dict[str, Any]
    """The part of the Segment message the rules read (`userId` and `traits`, `event` and `properties`...)."""
    call: list[Any] | None
    """The `hj` arguments Hotjar receives, or None when no call is made."""
    line_text: str = ""
    """The start of the source line, for explaining the message against Segment's schemas. Never printed."""
    explanation: tuple[str, ...] = ()
    """Why the message breaks Segment's spec, filled in by the shell for the rules that ask for it."""
    when: float | None = None
    """Its event time in seconds (`event_seconds`), None when unreadable: the bucket of the time series it lies in."""

    def __reduce__(self) -> tuple[Any, ...]:
        return rebuilt(self)


@dataclass(frozen=True)
class SourceError:
    """A file that could not be read to its end: it is reported and makes the run exit 2. `line`: where the reading
    stopped, None for a file that could not be opened at all (a link to nothing, no permission), of which no line was
    read."""

    file: str
    line: int | None
    message: str

    @property
    def place(self) -> str:
        """Where the reading stopped, as every report says it: `logs/a.gz:12`, or the file alone when it could not be
        opened (not line 1 of it, which no one read)."""
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def __reduce__(self) -> tuple[Any, ...]:
        return rebuilt(self)


@dataclass
class Summary:
    """What a run saw: lines, events, outcomes, findings per rule, examples and unreadable files."""

    example_limit: int = 3
    files: int = 0
    lines: int = 0
    blank_lines: int = 0
    events: int = 0
    filtered: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    calls: dict[str, int] = field(default_factory=lambda: {"identify": 0, "event": 0})
    rules: dict[str, int] = field(default_factory=dict)
    """Findings per rule code."""
    affected: dict[str, int] = field(default_factory=dict)
    """Events with at least one finding per rule code: the numerator of `--max-rate`."""
    calls_by_rule: dict[str, int] = field(default_factory=dict)
    """Of those, the events that still make a call: what a replay sends with a value lost or changed, per rule."""
    examples: dict[str, list[Example]] = field(default_factory=dict)
    first_found: dict[str, tuple[float | None, Position]] = field(default_factory=dict)
    """Per rule code, the first event it found in input order, with its event time (`event_seconds`, None when
    unreadable): the first of its examples, kept however many a report shows (`--examples 0` shows none), since where a
    site's limit started is told from it (`hotjar_cli.report.site_view.starts_where_first_seen`)."""
    errors: list[SourceError] = field(default_factory=list)
    views: Any = None
    """The site view collected beside the counts, when a report asks for it (`hotjar_cli.core.views.Views`)."""
    _shown_enough: set[str] = field(default_factory=set, repr=False, compare=False)
    """Rules that have all the examples a report shows: counting their findings needs nothing more."""
    kinds: Kinds | None = field(default=None, repr=False, compare=False)
    """The kinds events are counted by until the summary settles, shared with earlier passes (see `Kinds`); None
    for kinds of its own, made when needed. A pass lets go of them when it ends, before its summary crosses to the
    process that merges it."""
    _counts: list[int] = field(default_factory=list, repr=False, compare=False)
    """Events counted by the number of their kind in `kinds`, not yet in the counts above (see `settle`).

    Thousands of decisions (a site's event names) are of a few kinds, and the core hands out one shared decision
    for most events (tracks under a known name, page views), whose kind `kinds` remembers by identity: counting
    such an event is then one lookup and one addition, in this summary or in any later one that shares `kinds`
    (each unit of an input a worker folds has a summary of its own). Counting them by kind is done once per kind,
    when the summary settles."""
    _countable: list[bool] = field(default_factory=list, repr=False, compare=False)
    """By kind, as `_counts`: whether its events need nothing but counting, every rule it finds showing as many
    examples as a report shows (`_shown_enough`); a kind with no findings always."""

    def add_at(self, file: str, line: int, index: int | None, parsed: Parsed, decision: Decision, raw: bytes) -> None:
        """Count one decided event found at `file`, `line` (and `index` in a batch). Call `settle` when done."""
        kinds = self.kinds
        if kinds is None:
            kinds = self.kinds = Kinds()
        self.add_of_kind(file, line, index, parsed, decision, raw, kinds.kind_of(decision))

    def add_of_kind(
        self, file: str, line: int, index: int | None, parsed: Parsed, decision: Decision, raw: bytes, kind: int
    ) -> None:
        """`add_at`, given the number of the decision's kind in `kinds` (see `counting`), which a pass's loop works
        out once for the summary and the time series."""
        self.events += 1
        countable = self._countable
        kinds = self.kinds
        assert kinds is not None, "the kinds the number is of"
        if kind >= len(countable):
            self._grow(kinds)
        if not countable[kind]:
            for code in _distinct_codes(decision.findings):
                if code not in self._shown_enough:
                    self._add_example(code, Position(file, line, index), parsed, decision, raw)
        self._counts[kind] += 1

    def _grow(self, kinds: Kinds) -> None:
        """`_counts` and `_countable` extended in place to every kind in `kinds` (a pass's loop holds them)."""
        signatures, shown = kinds.signatures, self._shown_enough
        countable = self._countable
        for kind in range(len(countable), len(signatures)):
            countable.append(_only_counted(signatures[kind][2], shown))
        self._counts.extend([0] * (len(signatures) - len(self._counts)))

    def _shown(self) -> None:
        """`_countable` again once more rules show enough examples: a kind whose rules all do is only counted."""
        if self.kinds is None:
            return
        signatures, shown, countable = self.kinds.signatures, self._shown_enough, self._countable
        for kind in range(len(countable)):
            if not countable[kind]:
                countable[kind] = _only_counted(signatures[kind][2], shown)

    def shown_before(self, codes: Iterable[str]) -> None:
        """Rules whose examples a report already has from the input before this summary's: none is collected for
        them here (a part of an input read on its own, whose examples would come after those of the parts before
        it, which a merge keeps)."""
        self._shown_enough.update(codes)
        self._shown()

    def counting(self) -> tuple[Kinds, list[int], list[bool]]:
        """What a pass's loop counts an event with, without calling `add_at`: the kinds (made when none), and the
        lists `_counts` and `_countable`, the same for the summary's life.

        An event of a kind that is `_countable` is counted by adding one to its kind's count and one to `events`,
        which is what `add_at` would do: nearly every event, whose decision `kinds.of` knows by identity. Any other
        is counted by `add_of_kind`."""
        if self.kinds is None:
            self.kinds = Kinds()
        self._grow(self.kinds)
        return self.kinds, self._counts, self._countable

    def settle(self) -> None:
        """Take the events counted by kind into the counts: every count is then complete."""
        counts = self._counts
        if self.kinds is not None:
            signatures = self.kinds.signatures
            for kind in range(len(counts)):
                count = counts[kind]
                if count:
                    self._count_kind(signatures[kind], count)
                    counts[kind] = 0

    def let_go_of_kinds(self) -> None:
        """Settle, and drop the kinds shared with other passes: what a pass does when it ends."""
        self.settle()
        self.kinds, self._counts, self._countable = None, [], []

    def _count_kind(self, kind: Signature, times: int) -> None:
        outcome, call, codes = kind
        self.outcomes[OUTCOMES[outcome]] += times
        if call:
            self.calls[call] += times
        if not codes:
            return
        rules, affected, calls_by_rule = self.rules, self.affected, self.calls_by_rule
        for code in codes:
            rules[code] = rules.get(code, 0) + times
        for code in distinct(codes):
            affected[code] = affected.get(code, 0) + times
            if call:
                calls_by_rule[code] = calls_by_rule.get(code, 0) + times

    def _add_example(self, code: str, position: Position, parsed: Parsed, decision: Decision, raw: bytes) -> None:
        if code not in self.first_found:
            self.first_found[code] = (None if isinstance(parsed, Unreadable) else event_seconds(parsed), position)
        shown = self.examples.setdefault(code, [])
        if len(shown) < self.example_limit:
            shown.append(make_example(position, parsed, decision, raw))
        if len(shown) >= self.example_limit:
            self._shown_enough.add(code)
            self._shown()

    def extend(self, later: Summary) -> None:
        """This summary becomes that of its input followed by `later`'s, in place: folding the parts of an input in
        order then costs each part's own size, where a merged copy would copy all that was folded before it each
        time. `later` is not to be used after: this summary may hold parts of it."""
        self.settle()
        later.settle()
        for name in ("files", "lines", "blank_lines", "events", "filtered"):
            setattr(self, name, getattr(self, name) + getattr(later, name))
        self.outcomes = {outcome: self.outcomes[outcome] + later.outcomes[outcome] for outcome in Outcome}
        self.calls = {call: self.calls[call] + later.calls[call] for call in self.calls}
        self.rules = _add_counts(self.rules, later.rules)
        self.affected = _add_counts(self.affected, later.affected)
        self.calls_by_rule = _add_counts(self.calls_by_rule, later.calls_by_rule)
        self.examples = {
            code: (self.examples.get(code, []) + later.examples.get(code, []))[: self.example_limit]
            for code in sorted(set(self.examples) | set(later.examples))
        }
        self._shown_enough = {code for code, shown in self.examples.items() if len(shown) >= self.example_limit}
        self.first_found = {**later.first_found, **self.first_found}  # the earlier part's first, where both found it
        self.errors = self.errors + later.errors
        if self.views is not None and later.views is not None:
            self.views.extend(later.views)
        else:
            self.views = None

    def shift(self, lines: int) -> None:
        """Every line number in this summary moved on by `lines`, in place: a part of a file read on its own."""
        self.examples = {
            code: [
                replace(
                    example,
                    position=Position(example.position.file, example.position.line + lines, example.position.index),
                )
                for example in shown
            ]
            for code, shown in self.examples.items()
        }
        self.first_found = {
            code: (when, Position(position.file, position.line + lines, position.index))
            for code, (when, position) in self.first_found.items()
        }
        self.errors = [
            replace(error, line=error.line + lines) if error.line is not None else error for error in self.errors
        ]
        if self.views is not None:
            self.views.shift(lines)

    def sorted_rules(self) -> list[tuple[str, int]]:
        """Findings per rule, in code order."""
        return sorted(self.rules.items())


def _distinct_codes(findings: tuple[Finding, ...]) -> Iterable[str]:
    """The rule codes of some findings, each once, in order."""
    if len(findings) > 1:
        return {finding.code: None for finding in findings}
    return (findings[0].code,) if findings else ()


def _only_counted(codes: tuple[str, ...], shown: set[str]) -> bool:
    """Whether an event of a kind with these codes needs nothing but counting: every rule shows enough examples."""
    return all(code in shown for code in codes)


def _add_counts(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    total = dict(first)
    for key, count in second.items():
        total[key] = total.get(key, 0) + count
    return dict(sorted(total.items()))


def make_example(position: Position, parsed: Parsed, decision: Decision, raw: bytes) -> Example:
    """An example of one event, holding only the part of the message the rules read; `raw` may keep its line end,
    `\r\n` included (shown, its `\r` ended every line of a file written on Windows as `\u000d`)."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):  # before a line end, which the pass may have taken off already
        raw = raw[:-1]
    line_text = raw[:EXAMPLE_LINE_BYTES].decode("utf-8", "replace")
    findings = described(decision.findings, parsed)
    if isinstance(parsed, Unreadable):
        text = raw[:300].decode("utf-8", "replace") + ("…" if len(raw) > 300 else "")
        return Example(position, None, None, decision.outcome, findings, {"line": text}, None, line_text)
    message_id = written_message_id(parsed)
    kind = parsed.type if isinstance(parsed.type, str) else None
    payload = _payload(parsed)
    for finding in findings:
        # A spec problem in a field the payload leaves out: show that field too, so the diff can mark it.
        field_name = finding.path[2:]
        if finding.path in ("$.messageId", "$.timestamp") and field_name not in payload:
            payload[field_name] = _shown(getattr(parsed, field_name))
    return Example(
        position,
        message_id,
        kind,
        decision.outcome,
        findings,
        payload,
        decision.call.args if decision.call is not None else None,
        line_text,
        when=event_seconds(parsed),
    )


SHOWN_LEVELS = 64
"""Objects and lists within each other an example shows, the message counted; deeper, `DEEPER_THAN_SHOWN`. A line
may nest 1,000 (`decode.MAX_LEVELS`): shown whole, each level indented a little more, 50 values that deep in a line
of 100 KB made a JSON report of 101 MB, deeper than Python's `json` and jq read."""
DEEPER_THAN_SHOWN = "‹nested deeper than a report shows›"


def _shown(value: Any, levels: int = SHOWN_LEVELS - 1) -> Any:
    """A value of the message as an example shows it: up to `levels` more objects and lists deep."""
    if type(value) is dict:
        return {key: _shown(item, levels - 1) for key, item in value.items()} if levels > 0 else DEEPER_THAN_SHOWN
    if type(value) is list:
        return [_shown(item, levels - 1) for item in value] if levels > 0 else DEEPER_THAN_SHOWN
    return value


def _payload(message: SegmentMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": message.type}
    if message.type == "track":
        payload["event"] = message.event
        properties = _safe_properties(message)
        if properties is not None:
            payload["properties"] = _shown(properties)
    elif message.traits is not None:
        payload["traits"] = _shown(message.traits)
    for key in ("userId", "anonymousId", "integrations"):
        value = getattr(message, key)
        if value is not None:
            payload[key] = _shown(value)
    return payload


def _safe_properties(message: SegmentMessage) -> Any:
    try:
        return properties_value(message)
    except orjson.JSONDecodeError:
        # The decoder skipped properties without checking its UTF-8; show what can be shown.
        return bytes(message.properties).decode("utf-8", "replace")
