"""Property-based tests: whatever JSON or bytes a log holds, no exception escapes and every line is counted once."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hotjar_cli.core.decode import SegmentMessage
from hotjar_cli.core.filters import Filters
from hotjar_cli.core.kinds import HELD_DECISIONS
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.model import Decision, Event, Outcome
from hotjar_cli.core.rules import RULES, Effect
from hotjar_cli.core.summary import Summary
from hotjar_cli.core.views import View
from hotjar_cli.report.site_view import LIMIT_CODES, timeline_record
from hotjar_cli.run.one_pass import PassSettings, run_pass
from hotjar_cli.sources.reader import (
    GZIP_MAGIC,
    HEAD_BYTES,
    OTHER_COMPRESSIONS,
    OTHER_FORMATS,
    UTF8_BOM,
    open_source,
    other_encoding,
    read_lines,
)
from hotjar_cli.sources.source import ReadError, Source
from tests.support.messages import PROPERTY_SETTINGS, log_values

LIMIT_RULES = dict.fromkeys(LIMIT_CODES)
"""The site's limits, started where first met, with no first read known: at the first bucket holding each."""

STRENGTH = {Outcome.ACCEPTED: 0, Outcome.MODIFIED: 1, Outcome.REJECTED: 2, Outcome.IGNORED: 3, Outcome.INVALID: 4}
OUTCOME_OF_EFFECT = {
    Effect.NOTED: Outcome.ACCEPTED,
    Effect.COERCED: Outcome.MODIFIED,
    Effect.DROPPED: Outcome.MODIFIED,
    Effect.REJECTED: Outcome.REJECTED,
    Effect.IGNORED: Outcome.IGNORED,
    Effect.INVALID: Outcome.INVALID,
}


REFUSED_MAGIC = (*(magic for magic, _, _ in OTHER_COMPRESSIONS), *(magic for magic, _ in OTHER_FORMATS))
"""How the files the reader refuses whole begin: compressed otherwise than gzip, or of another kind (an image, say)."""


def expected_messages(value: Any) -> int:
    """How many events a line holding this JSON value makes: one per batch item, else one."""
    if isinstance(value, dict) and isinstance(value.get("batch"), list) and value["batch"]:
        return len(value["batch"])
    return 1


def check_decision(event: Event) -> None:
    """An event's outcome follows from its findings, and a call is made exactly when the outcome allows one."""
    decision: Decision = event.decision
    strongest = max(
        (OUTCOME_OF_EFFECT[RULES[finding.code].effect] for finding in decision.findings),
        key=STRENGTH.__getitem__,
        default=Outcome.ACCEPTED,
    )
    assert decision.outcome is strongest, decision
    if decision.outcome in (Outcome.ACCEPTED, Outcome.MODIFIED):
        assert decision.call is not None
        assert isinstance(event.message, SegmentMessage)
        assert decision.call.kind == {"identify": "identify", "track": "event"}[event.message.type]
        json.dumps(decision.call.args)
    else:
        assert decision.call is None
    for finding in decision.findings:
        assert finding.path.startswith("$")


def check_summary(summary: Summary, events: list[Event]) -> None:
    """The summary's counts add up, to each other and to the events seen."""
    assert summary.events == sum(summary.outcomes.values()) + summary.filtered
    assert summary.events - summary.filtered == len(events)
    assert sum(summary.rules.values()) == sum(len(event.decision.findings) for event in events)
    for outcome in Outcome:
        assert summary.outcomes[outcome] == sum(1 for event in events if event.decision.outcome is outcome)
    assert sum(summary.calls.values()) == sum(1 for event in events if event.decision.call is not None)
    findings: dict[str, int] = {}
    affected: dict[str, int] = {}
    calls_by_rule: dict[str, int] = {}
    for event in events:
        for finding in event.decision.findings:
            findings[finding.code] = findings.get(finding.code, 0) + 1
        for code in {finding.code for finding in event.decision.findings}:
            affected[code] = affected.get(code, 0) + 1
            if event.decision.call is not None:
                calls_by_rule[code] = calls_by_rule.get(code, 0) + 1
    assert summary.rules == findings
    assert summary.affected == affected
    assert summary.calls_by_rule == calls_by_rule


def run_file(path: Path, settings_: PassSettings | None = None) -> tuple[Summary, list[Event]]:
    """The summary of a pass that hands each event on, checked against a pass that only counts (its own path)."""
    events: list[Event] = []
    settings_ = settings_ or PassSettings()
    summary = run_pass([Source(str(path), path)], settings_, on_event=events.append)
    assert run_pass([Source(str(path), path)], settings_) == summary
    # The timeline too: a pass that only counts times its events in its own loop.
    timed = msgspec.structs.replace(settings_, views=frozenset({View.TIMELINE}))
    handed_on = run_pass([Source(str(path), path)], timed, on_event=lambda event: None).views
    counted = run_pass([Source(str(path), path)], timed).views
    assert timeline_record(counted.timeline, "hour", LIMIT_RULES) == timeline_record(
        handed_on.timeline, "hour", LIMIT_RULES
    )
    return summary, events


def test_counts_are_exact_when_more_decisions_repeat_than_kinds_remember(tmp_path: Path) -> None:
    # More event names than the kinds remember by identity (`HELD_DECISIONS`), each name's decision repeated, and
    # identifies counted by the codes of their findings, of many kinds.
    names = HELD_DECISIONS + 300
    lines = []
    for number in range(3 * names):
        lines.append({"type": "track", "userId": "u1", "event": f"Step {number % names}", "properties": {"n": number}})
        if number % 7 == 0:
            lines.append({"type": "identify", "userId": f"u{number}", "traits": {"plan": "pro", "address": {}}})
        if number % 11 == 0:
            lines.append({"type": "identify", "traits": {"plan": "pro"}})
        if number % 2 == 0:
            nested = {f"n{nested}": {} for nested in range(number % 7)}
            lines.append({"type": "identify", "userId": "u2", "traits": {"plan": "pro", **nested}})
    path = tmp_path / "repeats.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    summary, events = run_file(path, PassSettings(limits=Limits(max_events=names)))
    check_summary(summary, events)
    assert summary.rules["HJ301"] == 3 * names


def test_a_pass_that_only_counts_agrees_with_one_that_hands_each_event_on(tmp_path: Path) -> None:
    # Counting alone takes its own path for a decision seen before: every sample log, each line many times over,
    # repeats every kind of decision, blank and broken lines included, past the site's limits.
    samples = Path(__file__).resolve().parents[2] / "sample_events"
    text = b"".join(path.read_bytes() for path in sorted(samples.glob("*.jsonl")))
    path = tmp_path / "repeated.jsonl"
    path.write_bytes(text * 8 + gzip.decompress((samples / "volume-site-limits.jsonl.gz").read_bytes()))
    summary, events = run_file(path)
    check_summary(summary, events)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


# (a) Arbitrary JSON values, one per line


@PROPERTY_SETTINGS
@given(
    values=st.lists(log_values | st.just(None), max_size=12),
    blank_after=st.sets(st.integers(min_value=0, max_value=12), max_size=3),
    ascii_only=st.booleans(),
    compress=st.booleans(),
)
def test_any_json_lines_are_each_counted_once(
    workdir: Path, values: list[Any], blank_after: set[int], ascii_only: bool, compress: bool
) -> None:
    lines: list[str] = []
    messages_at: dict[int, int] = {}
    for position, value in enumerate(values):
        lines.append(json.dumps(value, ensure_ascii=ascii_only))
        messages_at[len(lines)] = expected_messages(value)
        if position in blank_after:
            lines.append(" \t" if position % 2 else "")
    data = "\n".join(lines).encode() + (b"\n" if lines else b"")
    path = workdir / "values.jsonl"
    path.write_bytes(gzip.compress(data) if compress else data)

    summary, events = run_file(path)

    assert summary.errors == []
    assert summary.lines == len(lines)
    assert summary.blank_lines == len(lines) - len(values)
    assert summary.events == sum(summary.outcomes.values()) + summary.filtered
    seen: dict[int, int] = {}
    for event in events:
        seen[event.position.line] = seen.get(event.position.line, 0) + 1
        check_decision(event)
    assert seen == messages_at
    check_summary(summary, events)


@PROPERTY_SETTINGS
@given(
    values=st.lists(log_values, min_size=1, max_size=10),
    filters=st.sampled_from(
        [
            Filters(types=frozenset({"identify"})),
            Filters(users=frozenset({"u1", "42"})),
            Filters(since=None, until=None, types=frozenset({"track", "page"}), users=frozenset({"a1"})),
        ]
    ),
)
def test_filtered_messages_are_counted_too(workdir: Path, values: list[Any], filters: Filters) -> None:
    path = workdir / "filtered.jsonl"
    path.write_bytes(b"".join(json.dumps(value).encode() + b"\n" for value in values))
    summary, events = run_file(path, PassSettings(filters=filters))
    assert summary.lines == len(values)
    assert summary.events == sum(expected_messages(value) for value in values)
    assert summary.events == sum(summary.outcomes.values()) + summary.filtered
    check_summary(summary, events)
    for event in events:
        check_decision(event)


@PROPERTY_SETTINGS
@given(
    value=log_values,
    limits=st.builds(
        Limits,
        max_attribute_name_length=st.integers(0, 60),
        max_attribute_value_length=st.integers(0, 250),
        max_event_name_length=st.integers(0, 300),
        event_name_characters=st.sampled_from(["A-Za-z0-9_-", r"\s\S", "a"]),
        max_attributes=st.integers(0, 5),
        max_events=st.integers(0, 3),
    ),
)
def test_any_limits_keep_decisions_consistent(workdir: Path, value: Any, limits: Limits) -> None:
    path = workdir / "limits.jsonl"
    path.write_bytes((json.dumps(value) + "\n").encode() * 3)
    summary, events = run_file(path, PassSettings(limits=limits))
    assert summary.lines == 3
    assert len(events) == 3 * expected_messages(value)
    for event in events:
        check_decision(event)
    check_summary(summary, events)


# (b) Arbitrary bytes


line_pieces = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [
            b"\n",
            b"\r\n",
            b"\r",
            b"\n\n",
            b" \t\n",
            UTF8_BOM,
            GZIP_MAGIC,
            b"\x00",
            b"\xff\xfe",
            b'{"type": "identify", "userId": "u1", "traits": {"a": "\xe9"}}\n',
            b'{"type": "track", "userId": "u1", "event": "E", "properties": {"\xc3": 1}}\n',
            b'{"batch": [{"type": "track", "event": "E"}, 1]}\n',
            b'{"type": "track"',
            b"[1,",
            b"1e999",
        ]
    ),
    log_values.map(lambda value: json.dumps(value).encode()),
)
arbitrary_bytes = st.one_of(
    st.binary(max_size=300),
    st.lists(line_pieces, max_size=20).map(b"".join),
    st.lists(line_pieces, max_size=20).map(lambda pieces: GZIP_MAGIC + b"".join(pieces)),
    st.lists(line_pieces, max_size=20).map(lambda pieces: UTF8_BOM + b"".join(pieces)),
    st.lists(line_pieces, max_size=20).map(lambda pieces: gzip.compress(b"".join(pieces))),
    st.tuples(st.lists(line_pieces, max_size=10).map(b"".join), st.integers(min_value=0, max_value=200)).map(
        lambda pair: gzip.compress(pair[0])[: pair[1]]
    ),
)


def physical_lines(path: Path) -> tuple[int, bool]:
    """How many lines the reader yields before the end or an error, and whether it stopped on an error."""
    count = 0
    try:
        with open_source(Source(str(path), path)) as stream:
            for _ in read_lines(stream, block_bytes=7):
                count += 1
    except ReadError:
        return count, True
    return count, False


@PROPERTY_SETTINGS
@given(data=arbitrary_bytes)
def test_any_bytes_never_raise_and_every_line_is_counted_once(workdir: Path, data: bytes) -> None:
    path = workdir / "bytes.log"
    path.write_bytes(data)

    summary, events = run_file(path)

    lines, failed = physical_lines(path)
    assert summary.lines == lines
    encoding = other_encoding(data[:HEAD_BYTES])
    if failed and (data.startswith(REFUSED_MAGIC) or encoding is not None):
        # Compressed in a way not read, or a file of another kind or encoding (or bytes that begin so): refused
        # whole, not one byte taken for a line.
        message = summary.errors[0].message
        refused = ("which hotjar-cli does not read", "not a log", f"{encoding} text, not UTF-8")
        assert lines == 0 and any(words in message for words in refused)
    elif not data.startswith(GZIP_MAGIC):
        # Without gzip the lines are simply the newline-separated pieces after a leading byte-order mark.
        text = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
        pieces = text.split(b"\n")
        assert summary.lines == len(pieces) - (1 if pieces[-1] == b"" else 0)
        assert not failed
    assert len(summary.errors) == (1 if failed else 0)
    for error in summary.errors:
        assert (error.file, error.line) == (str(path), lines + 1)
        assert error.message
    lines_with_events = {event.position.line for event in events}
    assert len(lines_with_events) + summary.blank_lines == summary.lines
    for event in events:
        check_decision(event)
        assert event.position.file == str(path)
        assert 1 <= event.position.line <= summary.lines
    check_summary(summary, events)


# (c) Summaries merge


def field_by_field(first: Summary, second: Summary) -> None:
    for name in first.__dataclass_fields__:
        assert getattr(first, name) == getattr(second, name), name


def extended(first: Summary, *later: Summary) -> Summary:
    """A copy of `first` extended by copies of the later summaries, in order: extending takes parts of its
    argument, and each summary here is used more than once."""
    whole = copy.deepcopy(first)
    for part in later:
        whole.extend(copy.deepcopy(part))
    return whole


def starts_no_file(line: bytes) -> bool:
    """Whether a line means the same at the start of a file as inside it (no byte-order mark, no magic bytes of gzip
    or of a compression or another kind of file refused, `REFUSED_MAGIC`, nor the start of text in another encoding,
    `other_encoding`: `\\xfe\\xff` begins UTF-16, refused as a file, and is a broken line within one)."""
    return not line.startswith((UTF8_BOM, GZIP_MAGIC, *REFUSED_MAGIC)) and other_encoding(line) is None


roomy = PassSettings(limits=Limits(max_attributes=10**6, max_events=10**6), example_limit=2)


@PROPERTY_SETTINGS
@given(
    values=st.lists(log_values | st.binary(max_size=20).filter(starts_no_file), max_size=15),
    cuts=st.tuples(st.integers(min_value=0, max_value=15), st.integers(min_value=0, max_value=15)),
)
def test_summaries_merge_associatively_and_as_one_run(workdir: Path, values: list[Any], cuts: tuple[int, int]) -> None:
    lines = [value if isinstance(value, bytes) else json.dumps(value).encode() for value in values]
    lines = [line.replace(b"\n", b" ") for line in lines]
    first_cut, second_cut = sorted(cut % (len(lines) + 1) for cut in cuts)
    parts = [lines[:first_cut], lines[first_cut:second_cut], lines[second_cut:]]
    # Any line may start a file, and the bytes of a file's start run on over the lines after it, up to the file's end:
    # two lines of three NUL bytes begin text in UTF-32, refused as a file, and are two broken lines within one; and
    # `\x00\x01\x01` alone is UTF-16, but not before `{}`.
    assume(all(starts_no_file(b"".join(line + b"\n" for line in part)) for part in (*parts, lines)))
    paths = []
    for number, part in enumerate(parts):
        path = workdir / f"part{number}.jsonl"
        path.write_bytes(b"".join(line + b"\n" for line in part))
        paths.append(path)
    whole = workdir / "whole.jsonl"
    whole.write_bytes(b"".join(line + b"\n" for line in lines))

    first, second, third = (run_pass([Source(str(path), path)], roomy) for path in paths)
    left = extended(first, second, third)
    right = extended(first, extended(second, third))
    field_by_field(left, right)
    # The same three files read in one run give the same summary, examples and all.
    field_by_field(left, run_pass([Source(str(path), path) for path in paths], roomy))
    # One file holding all the lines gives the same counts.
    together = run_pass([Source(str(whole), whole)], roomy)
    for name in ("lines", "blank_lines", "events", "filtered", "outcomes", "calls", "rules", "affected"):
        assert getattr(together, name) == getattr(left, name), name
    assert {
        code: [(example.outcome, example.findings, example.call) for example in examples]
        for code, examples in together.examples.items()
    } == {
        code: [(example.outcome, example.findings, example.call) for example in examples]
        for code, examples in left.examples.items()
    }


@PROPERTY_SETTINGS
@given(values=st.lists(log_values, max_size=8))
def test_merging_an_empty_summary_changes_nothing(workdir: Path, values: list[Any]) -> None:
    path = workdir / "single.jsonl"
    path.write_bytes(b"".join(json.dumps(value).encode() + b"\n" for value in values))
    summary = run_pass([Source(str(path), path)], roomy)
    empty = Summary(example_limit=roomy.example_limit)
    field_by_field(extended(summary, empty), summary)
    field_by_field(extended(empty, summary), summary)
