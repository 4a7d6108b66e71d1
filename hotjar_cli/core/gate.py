"""The data-quality gate: from a summary and the user's bar to an exit code and the reasons for it."""

from __future__ import annotations

from enum import Enum

import msgspec

from hotjar_cli.core.model import Outcome
from hotjar_cli.core.rules import RULES, Severity
from hotjar_cli.core.summary import Summary

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
NO_EVENTS = "no events were read (--allow-empty passes an empty input)"
ALL_FILTERED = "no events left to check: the filters let none of {filtered} through (--allow-empty passes it)"
ALL_INVALID = (
    "no Segment message to check: all {invalid} events are invalid (not JSON, not an object, or of no known type) "
    "(--allow-empty passes it)"
)


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
    max_rates: dict[str, float] = msgspec.field(default_factory=dict)
    allow_empty: bool = False


class Verdict(msgspec.Struct, frozen=True):
    """The exit code and, one line each, why the run failed."""

    exit_code: int
    reasons: tuple[str, ...]
    failing_codes: frozenset[str]
    empty: str | None = None
    """Why nothing was checked (no event read, the filters let none through, or every event is invalid), one of
    `reasons`; else None."""


def judge(summary: Summary, gate: Gate) -> Verdict:
    """The verdict for a summary: exit 2 when a file could not be read, 1 when the bar is broken, else 0."""
    reasons: list[str] = []
    failing: set[str] = set()
    for code, count in summary.sorted_rules():
        rule = RULES[code]
        if code in gate.max_rates:
            decided = summary.events - summary.filtered  # events the filters let through
            rate = summary.affected.get(code, 0) / decided if decided else 0.0
            if rate > gate.max_rates[code]:
                failing.add(code)
                shown, maximum = _percentages(rate, gate.max_rates[code])
                reasons.append(f"{rule.title}: {shown} of events, above the maximum of {maximum}")
        elif gate.fail_on is not None and rule.severity.rank >= gate.fail_on.rank:
            failing.add(code)
            reasons.append(f"{rule.title}: {count:,} finding{'s' if count != 1 else ''} ({rule.severity.value})")
    empty = None
    checked = summary.events - summary.filtered
    if not gate.allow_empty:
        if not checked:
            empty = ALL_FILTERED.format(filtered=f"{summary.filtered:,}") if summary.filtered else NO_EVENTS
        elif summary.outcomes.get(Outcome.INVALID, 0) == checked:
            empty = ALL_INVALID.format(invalid=f"{checked:,}")
    if empty is not None:
        reasons.append(empty)
    for error in summary.errors:
        reasons.append(f"{error.file}:{error.line}: {error.message}")
    if summary.errors:
        return Verdict(EXIT_ERROR, tuple(reasons), frozenset(failing), empty)
    exit_code = EXIT_FINDINGS if failing or empty else EXIT_CLEAN
    return Verdict(exit_code, tuple(reasons), frozenset(failing), empty)


def _percentages(rate: float, maximum: float) -> tuple[str, str]:
    """A rate and the maximum it is above, as percentages with the fewest decimals (two at least) that tell them
    apart, and that show a maximum above zero as more than zero: 8.33% is not above 8.33%, 8.3334% is above
    8.3333%, and a maximum of 1e-9 is 0.0000001%, not 0.00%."""
    for decimals in range(2, 13):
        shown, most = f"{rate:.{decimals}%}", f"{maximum:.{decimals}%}"
        if shown != most and (maximum == 0 or most.strip("0.%")):
            return shown, most
    if maximum and not most.strip("0.%"):
        most = f"{maximum * 100:.2g}%"  # under a millionth of a millionth: 1e-12%
    return shown, most
