"""Which messages a pass looks at: `--since`, `--until`, `--type`, `--user`."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Final

import msgspec

from hotjar_cli.core.decode import SegmentMessage
from hotjar_cli.core.eventtime import message_time
from hotjar_cli.core.jsvalues import is_truthy, js_string


class Filters(msgspec.Struct, frozen=True):
    """Which messages a run looks at. Unreadable lines are always kept: they are problems in the input."""

    since: datetime | None = None
    until: datetime | None = None
    types: frozenset[str] = frozenset()
    users: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.since or self.until or self.types or self.users)

    def keep(self, message: SegmentMessage) -> bool:
        """Whether the message passes every filter; a message without a readable timestamp fails a time filter."""
        if self.types and not (isinstance(message.type, str) and message.type in self.types):
            return False
        if self.users and not (_is_one_of(message.userId, self.users) or _is_one_of(message.anonymousId, self.users)):
            return False
        if self.since or self.until:
            moment = message_time(message)
            if moment is None:
                return False
            if self.since and moment < self.since:
                return False
            if self.until and moment >= self.until:
                return False
        return True


def _is_one_of(value: object, users: frozenset[str]) -> bool:
    """Whether an id is one of `users`: as Hotjar receives it (JavaScript's text of a number), or, for a number, as
    the log writes it, which is the same number (`12345678901234567890`, which reaches Hotjar as
    `12345678901234567000`; `1.0`, `1e21`, `1E-7`, which reach it as `1`, `1e+21`, `1e-7`: copied from the log, each
    matched nothing)."""
    number = type(value) is int or type(value) is float
    if not number and not is_truthy(value):  # no id (a falsy one is none to Segment), but the number 0 is one
        return False
    if js_string(value) in users:
        return True
    if type(value) is int:
        return value in _numbers(users)[0]
    return type(value) is float and value in _numbers(users)[1]


_JSON_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
"""A number as JSON writes one, and so a log."""


@functools.lru_cache(maxsize=4)
def _numbers(users: frozenset[str]) -> tuple[frozenset[Decimal], frozenset[float]]:
    """The users given that are numbers: exactly, for a whole number in the log (a Decimal equals an int of its
    value, `Decimal("1.0") == 1`), and as the nearest float, for a number with a fraction or an exponent, which the
    log's text read as JSON is too."""
    exact, nearest = set(), set()
    for user in users:
        if _JSON_NUMBER.fullmatch(user) is None:  # ` 1`, `+1`, `01`, `1_000`: no log writes a number so
            continue
        try:
            number = Decimal(user)
        except (InvalidOperation, ValueError):
            continue
        if number.is_finite():
            exact.add(number)
            nearest.add(float(number))
    return frozenset(exact), frozenset(nearest)
