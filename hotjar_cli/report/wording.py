"""Counts in words, for every report and the closing lines: kept apart from `layout`, which needs rich, so that a
run whose report needs no rich does not load it."""

from __future__ import annotations

from collections.abc import Collection


def counted(number: int, noun: str, nouns: str | None = None) -> str:
    """`1 event`, `10,081 events`: the noun agrees with the number."""
    return f"{number:,} {noun if number == 1 else nouns or noun + 's'}"


def listed(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def filtered_out(filtered: int) -> str:
    """`, 10,073 filtered out`; nothing when the filters left every event in."""
    return f", {filtered:,} filtered out" if filtered else ""


def gate_word(code: str, failing: frozenset[str], max_rates: Collection[str]) -> str:
    """What a rule's row says of the gate: `fails`, `within its maximum` for a rule checked against a maximum rate
    that it did not pass (its row was blank, as if no maximum had been checked), else nothing."""
    if code in failing:
        return "fails"
    return "within its maximum" if code in max_rates else ""


def outcomes_said(events: int, errors: int) -> bool:
    """Whether a report shows its table of outcomes: not when no event was read and a file could not be, a table of
    zeros that says nothing the error does not."""
    return bool(events or not errors)


def read_from(events: int, lines: int, files: int, filtered: int) -> str:
    """What a run read, as every report says it: `10,081 events in 10,078 lines of 8 files, 10,073 filtered out`."""
    return f"{counted(events, 'event')} in {counted(lines, 'line')} of {counted(files, 'file')}{filtered_out(filtered)}"


def stopped_words(file: str, line: int | None, message: str) -> tuple[str, str]:
    """Where a file's reading stopped and why, as the human reports say it: (`logs/a.gz:12`, `reading stopped here:
    the gzip stream is corrupt or truncated ...`); (`logs/a.gz`, `cannot be opened (Permission denied)`) for a file
    that could not be opened (`line` None: see `SourceError`)."""
    if line is None:
        return file, message
    return f"{file}:{line}", f"reading stopped here: {message}"
