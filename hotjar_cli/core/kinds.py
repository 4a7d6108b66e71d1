"""The kinds of decisions: what an event counts for, shared by the summary and the time series.

A kind is an outcome's index, the kind of the call made (or none) and the codes of the findings (one per finding):
many decisions are of one kind, every track accepted under any event name, say. Counting events by kind rather than
by decision does the work of each kind once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from hotjar_cli.core.mapping import finding_codes
from hotjar_cli.core.model import OUTCOMES, Decision

HELD_DECISIONS: Final = 16_384
"""Decisions held to find their kinds by identity (see `Kinds.of`)."""
OUTCOME_NUMBER: Final = {id(outcome): number for number, outcome in enumerate(OUTCOMES)}
"""An outcome's index, by identity: an enum member's own hash is a Python function."""

Signature = tuple[int, str, tuple[str, ...]]
"""An outcome's index, the call's kind (empty for none) and the findings' codes."""


def signature(decision: Decision) -> Signature:
    """What a decision's event counts for. All three matter: with a rule ignored, a modified identify and an
    accepted one can have the same codes."""
    findings, call = decision.findings, decision.call
    return (
        OUTCOME_NUMBER[id(decision.outcome)],
        "" if call is None else call.kind,
        finding_codes(findings) if findings else (),
    )


def distinct(codes: tuple[str, ...]) -> Iterable[str]:
    """A kind's codes, each once, in order: the rules an event counts for once however many findings it has."""
    return dict.fromkeys(codes) if len(codes) > 1 else codes


class Kinds:
    """The kinds met, by number, and the number of each decision met, by the decision's identity.

    Decisions are remembered by identity but for an identify's own, made for its event alone. Passes made one after
    another may share their kinds: a worker that folds many units of an input, each into a summary and a timeline of
    its own, then learns each decision once, not once a unit (the run gives each thread its own, see
    `hotjar_cli.run.one_pass`).
    """

    __slots__ = ("alive", "numbers", "of", "signatures")

    def __init__(self) -> None:
        self.signatures: list[Signature] = []
        self.numbers: dict[Signature, int] = {}
        self.of: dict[int, int] = {}
        self.alive: list[Decision] = []
        """The decisions in `of`: held, so that no other decision takes their identity."""

    def kind_of(self, decision: Decision) -> int:
        """The number of a decision's kind: by its identity when remembered (nearly always), else `number`."""
        kind = self.of.get(id(decision), -1)
        return kind if kind >= 0 else self.number(decision)

    def number(self, decision: Decision) -> int:
        """The number of a decision's kind, remembered by its identity unless it was made for its event alone (an
        identify's, with its attributes). `kind_of` finds a remembered one first."""
        kind_of = signature(decision)
        kind = self.numbers.get(kind_of)
        if kind is None:
            kind = self.numbers[kind_of] = len(self.signatures)
            self.signatures.append(kind_of)
        call = decision.call
        if call is None or call.attributes is None:
            if len(self.alive) >= HELD_DECISIONS:
                # Emptied in place: a pass's loop holds `of` (see `Summary.counting`).
                self.of.clear()
                self.alive.clear()
            self.of[id(decision)] = kind
            self.alive.append(decision)
        return kind
