"""What a replay did: counts of calls and users planned, sent, dead-lettered and skipped.

planned = sent + dead_lettered + skipped holds for calls and for users, whatever happened, in every replay that
sends (a dry run plans and sends nothing: the three are 0):
- sent: delivered in a page whose tracking script loaded and where no Hotjar request failed (and the events of a
  user whose identifies were lost to User Attributes switched off while it was delivered: the user and its
  identifies are dead-lettered);
- skipped: the checkpoint says an earlier run delivered the user;
- dead_lettered: everything else. That is users whose retries ran out, and also, when the replay was
  interrupted (Ctrl-C), the users in flight and those never started: they were not sent, they are written to
  the dead-letter file when one was given, and they are not in the checkpoint, so resuming sends them. A user's
  page may have made some of its calls before the delivery failed (a request failed after they left): those are
  counted apart too (`maybe_delivered`), since Hotjar may hold some of them and a resend repeats those.
  A call made by an attempt that failed and made again by a later one is counted apart too (`maybe_repeated`):
  Hotjar may hold it twice. What reached Hotjar is at most sent + maybe_delivered + maybe_repeated calls.

A call whose message repeats the messageId of an earlier call's is not planned at all (`repeated`): Segment
de-duplicates on messageId, so Hotjar got it once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from hotjar_cli.core.model import Position
from hotjar_cli.core.repeats import repeated_line
from hotjar_cli.replay.interface import Delivery, Failure
from hotjar_cli.replay.plan import UserPlan

_OWN_COUNT = re.compile(r" \(\d+ [^()]*\)$")
"""A count of one user's own at the end of a failure's words: `Hotjar started, but ... (4 still queued)`."""


@dataclass
class Tally:
    """The running counts of one replay; turned into a ReplayReport at the end."""

    users_sent: int = 0
    calls_sent: int = 0
    users_dead_lettered: int = 0
    calls_dead_lettered: int = 0
    retries: int = 0
    failures: Counter[Failure] = field(default_factory=Counter)
    attempts_failed: int = 0
    first_failure: str | None = None
    """The first failed attempt in words: when every attempt failed the same way, this is the reason."""
    one_reason: bool = True
    """Whether every failed attempt so far failed with the same words."""
    users_maybe_delivered: int = 0
    calls_maybe_delivered: int = 0
    """Of the users dead-lettered, those whose page made calls before it failed, and the calls it made."""
    users_not_checkpointed: int = 0
    """Users sent that the checkpoint could not record (it could not be written): a run resumed from it sends them
    again."""
    users_maybe_repeated: int = 0
    calls_maybe_repeated: int = 0
    """The users whose calls a failed attempt made and a later attempt made again, and how many calls were made again
    (`resent`)."""

    def attempt_failed(self, delivery: Delivery) -> None:
        """Count one failed delivery attempt (a retry may still send the user). Attempts that failed in the same words
        but for a count of the user's own at their end (`(4 still queued)`) failed the same way: said without it."""
        text = str(delivery)
        self.attempts_failed += 1
        if self.first_failure is None:
            self.first_failure = text
        elif text != self.first_failure:
            same = _OWN_COUNT.sub("", text)
            if same == _OWN_COUNT.sub("", self.first_failure):
                self.first_failure = same
            else:
                self.one_reason = False

    def sent(self, user: UserPlan) -> None:
        """Count a delivered user."""
        self.users_sent += 1
        self.calls_sent += len(user.calls)

    def partly_sent(self, calls: int) -> None:
        """Count the calls of a user dead-lettered for the rest that reached Hotjar all the same: its events, when
        its identifies were lost to User Attributes switched off (the user is counted by `dead_lettered`, with only
        its identifies)."""
        self.calls_sent += calls

    def resent(self, made: int) -> None:
        """Count the calls of one user that an attempt made again after an earlier one that made them failed: every
        call a failed attempt made, for a user a retry delivered; beyond the attempt that made the most, for a user
        dead-lettered (those are `maybe_delivered`)."""
        if made:
            self.users_maybe_repeated += 1
            self.calls_maybe_repeated += made

    def dead_lettered(self, user: UserPlan, failure: Failure, made: int = 0) -> None:
        """Count a user given up on, by the reason of its last failure; `made`: the most of its calls a page made
        before failing (`Delivery.made`)."""
        self.users_dead_lettered += 1
        self.calls_dead_lettered += len(user.calls)
        self.failures[failure] += 1
        if made:
            self.users_maybe_delivered += 1
            self.calls_maybe_delivered += made


@dataclass(frozen=True)
class ReplayReport:
    """The outcome of a replay, for the summary, `--report json` and the exit code."""

    planned: int
    sent: int
    dead_lettered: int
    skipped: int
    users_planned: int
    users_sent: int
    users_dead_lettered: int
    users_skipped: int
    interrupted: bool = False
    """Stopped by Ctrl-C (or SIGTERM): the unsent users are counted as dead-lettered."""
    failures: tuple[tuple[str, int], ...] = ()
    """Dead-lettered users by the reason of their last failure (`Failure` values)."""
    retries: int = 0
    breaker_opened: int = 0
    dead_letter: str | None = None
    """The dead-letter file written, or None when no `--dead-letter` was given."""
    dead_letter_messages: int = 0
    dead_letter_rebuilt: int = 0
    """Messages that could not be read again from their input and were rebuilt from their call."""
    dead_letter_error: str | None = None
    elapsed_seconds: float = 0.0
    gave_up: str | None = None
    """Why the replay stopped by itself on a failing Hotjar (`--give-up-after`), or None."""
    every_attempt_failed_with: str | None = None
    """When no user was delivered in full and every attempt failed the same way: that way, in words."""
    checkpoint: str | None = None
    """The checkpoint file, when one was given: running the same command again resumes from it."""
    dry_run: bool = False
    """Only planned (`--dry-run`): nothing was sent, dead-lettered or skipped."""
    repeated: int = 0
    """Calls not planned: their message repeats the messageId of an earlier call's, and Segment de-duplicates on
    messageId, so Hotjar got the call once (see `hotjar_cli.core.repeats`)."""
    first_repeated: dict[str, Any] | None = None
    """Where the first of them came from: `file`, `line`, and `index` for a batch item."""
    maybe_delivered: int = 0
    """Of the calls dead-lettered, those a page made before its delivery failed: Hotjar may hold some of them (the
    request that failed need not be theirs), so sending them again may repeat those it holds."""
    users_maybe_delivered: int = 0
    maybe_repeated: int = 0
    """Calls made by an attempt that failed and made again by a later attempt of their user: Hotjar may hold those
    twice, each time as another visitor's (each attempt is a fresh visitor). What reached Hotjar is at most `sent +
    maybe_delivered + maybe_repeated` calls."""
    users_maybe_repeated: int = 0
    checkpoint_error: str | None = None
    """Why the checkpoint could not be written, which stopped the replay; None when it could (or none was given)."""
    users_not_checkpointed: int = 0
    """Users sent that the checkpoint does not record, since it could not be written: a run resumed from it sends
    them again."""
    events: int = 0
    """Every event read, those the filters left out among them (`filtered_out`)."""
    filtered_out: int = 0
    no_call: tuple[tuple[str, int], ...] = ()
    """The events read that make no call, by outcome (`rejected`, `ignored`, `invalid`): `hotjar-cli validate` says
    why."""

    def __post_init__(self) -> None:
        if self.dry_run:
            done = (self.sent, self.dead_lettered, self.skipped, self.users_sent, self.users_dead_lettered)
            if any(done) or self.users_skipped:
                raise ValueError("a dry run sends, dead-letters and skips nothing")
            return
        if self.planned != self.sent + self.dead_lettered + self.skipped:
            raise ValueError(
                f"calls do not add up: {self.planned} planned, {self.sent} sent, "
                f"{self.dead_lettered} dead-lettered, {self.skipped} skipped"
            )
        if self.users_planned != self.users_sent + self.users_dead_lettered + self.users_skipped:
            raise ValueError("users do not add up")

    @property
    def exit_code(self) -> int:
        """0 when everything planned was sent (or skipped as already sent), 1 when anything was dead-lettered."""
        return 1 if self.dead_lettered or self.users_dead_lettered else 0

    @property
    def users_per_second(self) -> float:
        """Delivered users per second of the replay's sending phase."""
        return self.users_sent / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    @property
    def calls_per_second(self) -> float:
        """Delivered calls per second of the replay's sending phase."""
        return self.sent / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values, with stable keys."""
        data = asdict(self)
        data["failures"] = dict(self.failures)
        data["no_call"] = dict(self.no_call)
        data["elapsed_seconds"] = round(self.elapsed_seconds, 3)
        data["exit_code"] = self.exit_code
        return data

    def to_json(self) -> str:
        """The report as a JSON document (`--report json`)."""
        return json.dumps(self.as_dict(), indent=2)

    def to_text(self) -> str:
        """The human summary: a few lines, no attribute values."""
        return "\n".join(self.text_lines())

    def text_lines(self) -> list[str]:
        """The human summary's lines, each whole: a file name with a line end in it (a log's, from an S3 key, or the
        dead-letter file's) is within its line, for the terminal to be shown escaped."""
        lines = [
            f"calls: {self.planned:,} planned, {self.sent:,} sent, {self.dead_lettered:,} dead-lettered, "
            f"{self.skipped:,} skipped (already delivered)",
            f"users: {self.users_planned:,} planned, {self.users_sent:,} sent, {self.users_dead_lettered:,} "
            f"dead-lettered, {self.users_skipped:,} skipped",
        ]
        if self.repeated:
            first = None if self.first_repeated is None else str(Position(**self.first_repeated))
            lines.append("repeated: " + repeated_line(self.repeated, first))
        if self.elapsed_seconds > 0 and self.users_sent:
            lines.append(
                f"speed: {self.users_per_second:.1f} users/s, {self.calls_per_second:.1f} calls/s "
                f"over {self.elapsed_seconds:.1f} s"
            )
        if self.failures:
            lines.append(
                "dead-lettered users by reason: " + ", ".join(f"{reason} {count:,}" for reason, count in self.failures)
            )
        if self.maybe_delivered:
            users = f"{self.users_maybe_delivered:,} user{'s' if self.users_maybe_delivered != 1 else ''}"
            lines.append(
                f"maybe delivered: {self.maybe_delivered:,} of the dead-lettered calls ({users}) were made in a "
                "page before its delivery failed; Hotjar may hold some of them, and sending them again repeats those "
                "it holds"
            )
        if self.maybe_repeated:
            users = f"{self.users_maybe_repeated:,} user{'s' if self.users_maybe_repeated != 1 else ''}"
            lines.append(
                f"maybe repeated: {self.maybe_repeated:,} calls ({users}) were made by an attempt that failed and made "
                "again by a later one; Hotjar may hold those twice, each time as another visitor"
            )
        if self.every_attempt_failed_with:
            # Nothing, only where no call reached Hotjar and none may have: a page's calls made before its delivery
            # failed, or the events of a user whose identifies were lost, were said to be and were held.
            nothing = not (self.sent or self.maybe_delivered or self.maybe_repeated)
            lines.append(
                f"{'nothing was delivered' if nothing else 'no user was delivered in full'}: every attempt failed the "
                f"same way: {self.every_attempt_failed_with}"
            )
        if self.checkpoint_error:
            users = f"{self.users_not_checkpointed:,} user{'s' if self.users_not_checkpointed != 1 else ''}"
            lines.append(
                f"checkpoint: could not be written ({self.checkpoint_error}), so the replay stopped; it does not "
                f"record {users} sent, which a run resumed from it sends again once it can be written"
            )
        if self.gave_up:
            lines.append(
                f"gave up: {self.gave_up}, so the users not sent are counted as dead-lettered; once Hotjar "
                f"works again, {self._resume_hint()}"
            )
        elif self.interrupted:
            lines.append(f"interrupted: users not yet sent are counted as dead-lettered; {self._resume_hint()}")
        if self.dead_letter_error:
            lines.append(f"the dead-letter file could not be written: {self.dead_letter_error}")
        elif self.dead_lettered and self.dead_letter is None and self.checkpoint is not None:
            lines.append(
                "no --dead-letter file was given: the dead-lettered calls were not written anywhere "
                "(they are not in the checkpoint, so the same command run again retries them)"
            )
        elif self.dead_lettered and self.dead_letter is None:
            lines.append(
                "no --dead-letter file and no --checkpoint were given: nothing records which calls were not "
                "delivered, and the same command run again sends every call again"
            )
        elif self.dead_letter is not None and self.dead_lettered:
            rebuilt = (
                f" ({self.dead_letter_rebuilt:,} rebuilt from their call: their input changed, or could not be read "
                "again)"
                if self.dead_letter_rebuilt
                else ""
            )
            messages = f"{self.dead_letter_messages:,} message{'s' if self.dead_letter_messages != 1 else ''}"
            lines.append(f"dead letters: {messages} in {self.dead_letter}{rebuilt}; replay that file to send them")
        return lines

    def _resume_hint(self) -> str:
        ways = []
        if self.checkpoint is not None:
            ways.append(f"run the same command with the same --checkpoint {self.checkpoint}")
        if self.dead_letter is not None and self.dead_letter_error is None:
            ways.append(f"replay the dead-letter file {self.dead_letter}")
        if not ways:
            if not self.users_sent:
                return "run the same command again to send them"
            one = self.users_sent == 1
            return (
                "run the same command again to send them, which sends the "
                f"{self.users_sent:,} user{'' if one else 's'} sent again too: no --checkpoint recorded "
                f"{'it' if one else 'them'}"
            )
        return " or ".join(ways) + " to send them"
