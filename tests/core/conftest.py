"""Fixtures of the core's tests: deciding NDJSON text with one mapper."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hotjar_cli.core.decode import parse_line
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Decision


def decide_text(text: str, limits: Limits | None = None) -> list[list[Decision]]:
    """The decisions for each non-blank line of NDJSON text, all through one mapper, in input order."""
    mapper = Mapper(limits if limits is not None else Limits())
    decided = []
    for line in text.splitlines():
        if line.strip():
            messages, _ = parse_line(line.encode())
            decided.append([mapper.decide(message) for message in messages])
    return decided


@pytest.fixture
def decide_lines() -> Callable[..., list[list[Decision]]]:
    """`decide_lines(text, limits=None)`: one list of decisions per non-blank line (a batch gives several)."""
    return decide_text
