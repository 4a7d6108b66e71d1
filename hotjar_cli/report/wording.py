"""Counts in words, for every report and the closing lines: kept apart from `layout`, which needs rich, so that a
run whose report needs no rich does not load it."""

from __future__ import annotations


def counted(number: int, noun: str, nouns: str | None = None) -> str:
    """`1 event`, `10,081 events`: the noun agrees with the number."""
    return f"{number:,} {noun if number == 1 else nouns or noun + 's'}"
