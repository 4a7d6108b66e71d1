"""The data-quality gate: from a summary and the user's bar to an exit code and the reasons for it."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from fractions import Fraction

import msgspec

from hotjar_cli.core.model import Outcome
from hotjar_cli.core.rules import RULES, Severity
from hotjar_cli.core.summary import Summary

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
NO_EVENTS = "no events were read (--allow-empty passes an empty input)"
ALL_FILTERED = "no events left to {doing}: {filters} (--allow-empty passes it)"
ALL_INVALID = "no Segment message to {doing}: {invalid} (--allow-empty passes it)"
FILTERED_AND_INVALID = "no Segment message left to {doing}: {filters}, and {invalid} (--allow-empty passes it)"
INVALIDITY = "(not JSON, not an object, or of no known type)"


class FailOn(str, Enum):
    """The lowest severity that fails a run, or never."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"

    @property
    def severity(self) -> Severity | None:
        """The severity at and above which findings fail the run; None for never."""
        return None if self is FailOn.NEVER else Severity(self.value)


class Gate(msgspec.Struct, frozen=True):
    """When a run fails: findings at or above `fail_on` (None: never), or a rule's rate above its maximum.

    A rule with a maximum rate fails only by its rate, whatever its severity. An input with no event at all fails
    too, unless `allow_empty`: a daily export that came out empty is a problem a data-quality check must see. So
    does one whose events the filters all leave out: a `--since` that names a day the export lacks, a mistyped
    `--user`, checks nothing; and one whose every event is invalid, which a run reporting only some rules
    (`--select HJ2`) would otherwise pass: a pipeline writing garbage checks nothing either.
    """

    fail_on: Severity | None = Severity.ERROR
    max_rates: dict[str, Decimal] = msgspec.field(default_factory=dict)
    """A rule's maximum share of the events, exactly as the user wrote it: compared exactly with the rate."""
    allow_empty: bool = False


class Verdict(msgspec.Struct, frozen=True):
    """The exit code and, one line each, why the run failed."""

    exit_code: int
    reasons: tuple[str, ...]
    failing_codes: frozenset[str]
    empty: str | None = None
    """Why nothing was checked (no event read, the filters let none through, or every event is invalid), one of
    `reasons`; else None."""
    above_maximum: dict[str, str] = msgspec.field(default_factory=dict)
    """For each rule that fails by its rate, the rate and its maximum as the reason shows them (`13.64% of events,
    above the maximum of 13.00%`)."""


def judge(summary: Summary, gate: Gate) -> Verdict:
    """The verdict for a summary: exit 2 when a file could not be read, 1 when the bar is broken, else 0."""
    reasons: list[str] = []
    failing: set[str] = set()
    above: dict[str, str] = {}
    checked = summary.events - summary.filtered  # the events the filters let through
    for code, count in summary.sorted_rules():
        rule = RULES[code]
        if code in gate.max_rates:
            # Exact: a float rate of 3/22 equals a maximum of 0.136363636363636363, which it is above.
            rate = Fraction(summary.affected.get(code, 0), checked) if checked else Fraction(0)
            maximum = Fraction(gate.max_rates[code])
            if rate > maximum:
                failing.add(code)
                shown, most = _percentages(rate, maximum)
                above[code] = f"{shown} of events, above the maximum of {most}"
                reasons.append(f"{rule.title}: {above[code]}")
        elif gate.fail_on is not None and rule.severity.rank >= gate.fail_on.rank:
            failing.add(code)
            reasons.append(f"{rule.title}: {count:,} finding{'s' if count != 1 else ''} ({rule.severity.value})")
    empty = nothing_to(summary, "check", gate.allow_empty)
    if empty is not None:
        reasons.append(empty)
    for error in summary.errors:
        reasons.append(f"{error.place}: {error.message}")
    if summary.errors:
        return Verdict(EXIT_ERROR, tuple(reasons), frozenset(failing), empty, above)
    exit_code = EXIT_FINDINGS if failing or empty else EXIT_CLEAN
    return Verdict(exit_code, tuple(reasons), frozenset(failing), empty, above)


def nothing_to(summary: Summary, doing: str, allow_empty: bool) -> str | None:
    """Why a run had nothing to do its work on (`doing`: check, replay), in one line: no event read, the filters let
    none through, or every event they let through is invalid; None when there was a message to do it on, or when
    `allow_empty` passes an empty input. A file that could not be read says itself why no event was read: "no events
    were read" alone sent one looking at the input's size. When the filters left out every message, they are named
    even if invalid events remain: a mistyped `--user` is the cause, not the broken line no filter leaves out."""
    if allow_empty:
        return None
    checked, filtered = summary.events - summary.filtered, summary.filtered
    if not checked:
        if not filtered:
            return None if summary.errors else NO_EVENTS
        said = "did not let the 1 event through" if filtered == 1 else f"let none of {filtered:,} through"
        return ALL_FILTERED.format(doing=doing, filters=f"the filters {said}")
    if summary.outcomes.get(Outcome.INVALID, 0) != checked:
        return None
    if filtered:
        said = (
            "did not let the 1 message through" if filtered == 1 else f"let none of the {filtered:,} messages through"
        )
        others = f"the {checked:,} other event{' is' if checked == 1 else 's are'} invalid {INVALIDITY}"
        return FILTERED_AND_INVALID.format(doing=doing, filters=f"the filters {said}", invalid=others)
    invalid = "the 1 event is invalid" if checked == 1 else f"all {checked:,} events are invalid"
    return ALL_INVALID.format(doing=doing, invalid=f"{invalid} {INVALIDITY}")


def _percentages(rate: Fraction, maximum: Fraction) -> tuple[str, str]:
    """A rate and the maximum it is above, as percentages with the fewest decimals (two at least) that tell them
    apart, and that show a maximum above zero as more than zero: 8.33% is not above 8.33%, 8.3334% is above
    8.3333%, and a maximum of 1e-9 is 0.0000001%, not 0.00%.

    Exact, and rounded half to even: the shown rate is then never below the shown maximum, and the two come apart
    at last, since a maximum is a decimal fraction (the digits written) that the rate is above."""
    decimals = 2
    while True:
        shown, most = _scaled(rate, decimals), _scaled(maximum, decimals)
        if shown != most and (maximum == 0 or most != 0):
            return _percent(shown, decimals), _percent(most, decimals)
        decimals += 1


def _scaled(share: Fraction, decimals: int) -> int:
    """A share as a percentage with `decimals` decimals, as a whole number of its last decimal: 1/8 to 2 is 1250."""
    unit: int = 10**decimals
    return round(share * 100 * unit)  # half to even


def _percent(scaled: int, decimals: int) -> str:
    """`_scaled`'s number as the percentage it stands for: 1250 to 2 decimals is 12.50%."""
    whole, part = divmod(scaled, 10**decimals)
    return f"{whole}.{part:0{decimals}d}%"
