"""What `replay --dry-run` says on stderr: a few lines a user reads before a real replay, from the summary of the
same pass `validate` reports on (nothing here decides anything again)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotjar_cli.core.model import Outcome, Position
from hotjar_cli.core.repeats import repeated_line
from hotjar_cli.core.rules import RULES, Effect
from hotjar_cli.core.summary import Summary
from hotjar_cli.report.wording import counted, filtered_out

LOSSES = frozenset({Effect.DROPPED, Effect.COERCED})
"""The effects of a finding that leave a call with less than the message had, or with something else."""

TOP_REASONS = 3
"""How many rules the line of losses names; the rest are counted."""

NO_CALL = (Outcome.REJECTED, Outcome.IGNORED, Outcome.INVALID)


@dataclass(frozen=True)
class Merge:
    """What `--latest-traits` made of the identifies: one call per user."""

    users: int
    identify_calls: int


@dataclass(frozen=True)
class Repeated:
    """The calls left out for repeating the messageId of an earlier call's (see `hotjar_cli.core.repeats`)."""

    identifies: int
    events: int
    first: Position | None
    """Where the first of them came from."""


def read_counts(summary: Summary) -> dict[str, Any]:
    """What the logs held besides the calls, for `--report json` (`ReplayReport`'s `events`, `filtered_out` and
    `no_call`): the events read and those that make no call, by outcome, which the lines of `dry_run_summary` say."""
    no_call = tuple((outcome.value, summary.outcomes[outcome]) for outcome in NO_CALL if summary.outcomes[outcome])
    return {"events": summary.events, "filtered_out": summary.filtered, "no_call": no_call}


def dry_run_summary(summary: Summary, merge: Merge | None = None, repeated: Repeated | None = None) -> list[str]:
    """The calls that would be sent, how many lose or change something and why, and the events that make no call
    by outcome; with `merge`, the calls of `--latest-traits` and how many identifies they merge; with `repeated`,
    the calls left out for repeating a messageId."""
    identifies, events = summary.calls["identify"], summary.calls["event"]
    left_out = 0
    if repeated is not None:
        identifies, events = identifies - repeated.identifies, events - repeated.events
        left_out = repeated.identifies + repeated.events
    read = f"from {counted(summary.events, 'event')}{filtered_out(summary.filtered)}"
    if merge is None:
        lines = [f"{counted(identifies + events, 'call')} ({_calls(identifies, events)}) {read}."]
        carriers, carrier = "these calls", "call"
    else:
        lines = [
            f"{counted(merge.identify_calls + events, 'call')} ({_calls(merge.identify_calls, events)}) for "
            f"{counted(merge.users, 'user')} {read}, in the order the replay makes them."
        ]
        if identifies:
            lines.append(
                f"{counted(identifies, 'identify', 'identifies')} merged into "
                f"{counted(merge.identify_calls, 'call')}, one per user, later traits winning."
            )
        carriers, carrier = "the events in these calls", "event"
    if repeated is not None and left_out:
        # The pass counted the calls left out among those that lose something: said over every call read.
        carriers = f"the {counted(identifies + events + left_out, 'call')} read"
        lines.append(repeated_line(left_out, None if repeated.first is None else str(repeated.first)) + ".")
    lossy = summary.outcomes[Outcome.MODIFIED]
    if lossy:
        verb = "loses or changes" if lossy == 1 else "lose or change"
        lines.append(f"{lossy:,} of {carriers} {verb} something: {_reasons(summary, carrier)}.")
    made_none = {outcome: summary.outcomes[outcome] for outcome in NO_CALL if summary.outcomes[outcome]}
    if made_none:
        total = sum(made_none.values())
        lines.append(
            f"{counted(total, 'event')} {'makes' if total == 1 else 'make'} no call: "
            + ", ".join(f"{count:,} {outcome.value}" for outcome, count in made_none.items())
            + " (`hotjar-cli validate` says why)."
        )
    return lines


def _calls(identifies: int, events: int) -> str:
    return f"{counted(identifies, 'identify', 'identifies')}, {counted(events, 'event')}"


def _reasons(summary: Summary, carrier: str) -> str:
    """The rules that cost the calls most, by how many calls (or events) each touches."""
    losing = sorted(
        ((count, code) for code, count in summary.calls_by_rule.items() if RULES[code].effect in LOSSES),
        key=lambda item: (-item[0], item[1]),
    )
    named = [f"{RULES[code].title} in {counted(count, carrier)}" for count, code in losing[:TOP_REASONS]]
    rest = len(losing) - TOP_REASONS
    if rest > 0:
        named.append(f"and {counted(rest, 'more rule')}")
    return ", ".join(named)
