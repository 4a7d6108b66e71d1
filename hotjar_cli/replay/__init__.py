"""Replay: send the calls the mapping core accepted to Hotjar through a real browser, losing nothing.

`run_replay(events, settings, stderr_console)` plans the accepted calls of the engine's events per user,
skips users the checkpoint says were delivered, sends the rest (one fresh Chromium context per user), writes
the dead-letter file and returns a `ReplayReport`. Setup problems raise `ReplaySetupError` before anything is
sent. Playwright is loaded only when a replay actually sends.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console

from hotjar_cli.core.decode import SegmentMessage, context_timezone
from hotjar_cli.core.eventtime import message_time
from hotjar_cli.core.mapping import user_key
from hotjar_cli.core.model import Decision, Event, Position
from hotjar_cli.core.repeats import Repeats
from hotjar_cli.core.visible import given, visible
from hotjar_cli.replay.accounting import ReplayReport, Tally
from hotjar_cli.replay.checkpoint import VERSION as CHECKPOINT_VERSION
from hotjar_cli.replay.checkpoint import Checkpoint
from hotjar_cli.replay.deadletter import DeadLetter, DeadLetterResult
from hotjar_cli.replay.errors import ReplaySetupError
from hotjar_cli.replay.interface import Delivery, Failure, SiteCheck, Transport
from hotjar_cli.replay.plan import NO_USER, Plan, Planner, UserPlan, origin_of
from hotjar_cli.replay.settings import ReplaySettings
from hotjar_cli.sources.source import STDIN, Source

__all__ = [
    "Delivery",
    "EventPlanner",
    "Failure",
    "Plan",
    "ReplayReport",
    "ReplaySettings",
    "ReplaySetupError",
    "SiteCheck",
    "Transport",
    "UserPlan",
    "check_settings",
    "check_site",
    "check_values",
    "dry_run_report",
    "plan_events",
    "run_replay",
]

MAX_SITE_ID = 2**31 - 1

LONGEST_WAIT_SECONDS = 86_400
"""The longest a page waits in the browser: between two calls (`--rate`), or watching for failed requests
(`--settle`). A browser's timer waits at most 2**31 - 1 ms (24.8 days) and fires at once past that, so a rate of
less than one call in that time would send every call together, and a longer settle would watch nothing; a day is
far beyond any replay's need."""


def check_settings(settings: ReplaySettings) -> None:
    """Raise ReplaySetupError for settings no replay can start with; cheap, so callers may check first."""
    check_values(
        site_id=settings.site_id,
        page_url=settings.page_url,
        script_url=settings.script_url,
        concurrency=settings.concurrency,
        rate=settings.rate,
        retries=settings.retries,
        settle_seconds=settings.settle_seconds,
        give_up_after_seconds=settings.give_up_after_seconds,
    )
    if not 0 < settings.request_timeout_seconds < math.inf:
        # No option sets it: only a caller of this package does, by the setting's name.
        raise ReplaySetupError(
            f"request_timeout_seconds must be a positive number of seconds, not {settings.request_timeout_seconds}"
        )
    for option, path in (("--dead-letter", settings.dead_letter), ("--checkpoint", settings.checkpoint)):
        if path is None:
            continue
        folder = Path(path).resolve().parent
        if not folder.is_dir():
            raise ReplaySetupError(f"{option} {path}: its directory does not exist")
        if Path(path).is_dir():
            raise ReplaySetupError(f"{option} {path} is a directory; name a file")
        if Path(path).exists() and not Path(path).is_file():
            if option == "--checkpoint":
                # It is read back when the replay starts: a pipe or a terminal would wait for ever, /dev/zero never end.
                raise ReplaySetupError(f"{option} {path} is no regular file: the next run reads it back; name a file")
            # A device or a named pipe is written through (`DeadLetter.write`): its folder is not written.
            if not os.access(path, os.W_OK):
                raise ReplaySetupError(f"{option} {path}: not writable here")
            continue
        # Found now rather than once every user was sent: the file is written as the replay goes, or at its end.
        if not _writable(folder) or (Path(path).exists() and not os.access(path, os.W_OK)):
            raise ReplaySetupError(f"{option} {path}: not writable here")
    if (
        settings.dead_letter is not None
        and settings.checkpoint is not None
        and Path(settings.dead_letter).resolve() == Path(settings.checkpoint).resolve()
    ):
        raise ReplaySetupError(
            f"--dead-letter and --checkpoint name the same file ({settings.dead_letter}): "
            "each would overwrite the other"
        )
    from hotjar_cli.replay.browser import chromium_path

    chromium_path(settings)


def check_values(
    *,
    site_id: int | None = None,
    page_url: str | None = None,
    script_url: str | None = None,
    concurrency: int | None = None,
    rate: float | None = None,
    retries: int | None = None,
    settle_seconds: float | None = None,
    give_up_after_seconds: float | None = None,
) -> None:
    """Raise ReplaySetupError for a value of a replay's options that no replay can start with, on any machine (each
    named as its option); None, a value not given. What a dry run, which sends nothing, checks of the options given
    to it: the replay's own command with `--dry-run` added must not pass values the replay refuses."""
    if site_id is not None and (
        isinstance(site_id, bool) or not isinstance(site_id, int) or not 0 < site_id <= MAX_SITE_ID
    ):
        raise ReplaySetupError(
            f"invalid site id {site_id!r}: use the number Hotjar shows as the "
            "Site ID (Sites & Organizations), e.g. --site-id 1234567"
        )
    if page_url is not None:
        _check_url("page url", page_url, "--page-url https://www.example.com/")
    if script_url is not None:
        _check_url("script url", script_url, "leave --script-url out to load Hotjar's own script")
    elif page_url is not None and urlsplit(page_url).scheme == "http":
        raise ReplaySetupError(
            f"Hotjar only works over HTTPS: its script refuses to start on the http: page "
            f"{given(page_url)}, so nothing would reach Hotjar; give the site's https:// "
            "address as --page-url"
        )
    if give_up_after_seconds is not None and give_up_after_seconds < 0:
        raise ReplaySetupError("--give-up-after cannot be negative")
    if concurrency is not None and concurrency < 1:
        raise ReplaySetupError(f"--concurrency must be at least 1, not {concurrency}")
    if rate is not None and not (0 < rate < math.inf):
        raise ReplaySetupError(f"--rate must be a positive number of calls per second, not {rate}")
    if rate is not None and rate * LONGEST_WAIT_SECONDS < 1:
        raise ReplaySetupError(
            f"--rate must be at least one call a day ({1 / LONGEST_WAIT_SECONDS:.7f} a second), not {rate:g}"
        )
    if retries is not None and retries < 0:
        raise ReplaySetupError(f"--retries cannot be negative ({retries})")
    if settle_seconds is not None and not 0 <= settle_seconds < math.inf:
        raise ReplaySetupError(f"--settle must be a number of seconds, none or more, not {settle_seconds}")
    if settle_seconds is not None and settle_seconds > LONGEST_WAIT_SECONDS:
        raise ReplaySetupError(
            f"--settle must be at most a day ({LONGEST_WAIT_SECONDS} seconds), not {settle_seconds:g}"
        )
    if give_up_after_seconds is not None and not give_up_after_seconds < math.inf:
        raise ReplaySetupError("--give-up-after must be a duration (90s, 10m, 1h; 0 never)")


def _writable(folder: Path) -> bool:
    """Whether a file can be made in `folder`, by making one: permissions alone do not tell (root's, `/proc`)."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".hotjar-cli-"):
            return True
    except OSError:
        return False


def _check_url(what: str, url: str, hint: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReplaySetupError(f"the {what} {given(url)} is not an http(s) address: {hint}")


class EventPlanner:
    """Plans events one at a time as the engine decides them, keeping only what delivery needs of each call, and
    with `keep_times` (a dry run's lines) the time each message wrote.

    `stdin_name` is the name standard input goes by in the events' positions (`--stdin-filename`): its messages
    cannot be read again, so they keep their JSON for the dead-letter file. A file of that name on disk is another
    input, or none."""

    def __init__(self, latest_traits: bool = False, keep_times: bool = False, stdin_name: str = STDIN) -> None:
        self._planner = Planner(latest_traits=latest_traits)
        self._keep_times = keep_times
        self._stdin_name = stdin_name
        self.repeats = Repeats()
        """The calls left out: their message repeats the messageId of an earlier call's (see `core.repeats`)."""
        self._identified_apart: set[str] = set()
        """The users an identify the filters left out would have identified (`left_out`)."""

    def __call__(self, event: Event) -> None:
        """Add one event; events without a call, and calls whose message repeats an earlier call's messageId, are
        not planned."""
        call = event.decision.call
        message = event.message
        if call is None or not isinstance(message, SegmentMessage):
            return
        if not self.repeats.keep(
            message.messageId if isinstance(message.messageId, str) else None, call.kind, event.position
        ):
            return
        key = user_key(message)
        if key is None:
            # A message with neither id is a visitor of its own: grouping them would invent one person.
            key = f"{NO_USER}{message.messageId if isinstance(message.messageId, str) else event.position}"
        origin = origin_of(
            event.position, message, keep_json=event.position.file == self._stdin_name, keep_time=self._keep_times
        )
        self._planner.add(key, call, origin, message_time(message), context_timezone(message))

    def left_out(self, message: SegmentMessage, decision: Decision) -> None:
        """A message the filters left out (see `run_pass`): an identify call it would have made is remembered, so
        that the plan can say whose events lose their user for it (`Plan.unidentified`)."""
        call = decision.call
        if call is not None and call.kind == "identify":
            key = user_key(message)
            if key is not None:
                self._identified_apart.add(key)

    def plan(self) -> Plan:
        """The per-user plan, users in the order they first appeared."""
        first = self.repeats.first
        plan = self._planner.plan()
        apart = self._identified_apart
        unidentified = sum(
            1
            for user in plan.users
            if user.key in apart and all(planned.call.kind != "identify" for planned in user.calls)
        )
        return replace(
            plan,
            repeated=self.repeats.calls,
            first_repeated=first if isinstance(first, Position) else None,
            unidentified=unidentified,
        )


def plan_events(events: Iterable[Event], latest_traits: bool = False) -> Plan:
    """The per-user plan of every event whose decision carries a call, in the order users first appear."""
    planner = EventPlanner(latest_traits)
    for event in events:
        planner(event)
    return planner.plan()


def run_replay(
    events: Iterable[Event] | Plan,
    settings: ReplaySettings,
    stderr_console: Console,
    transport_factory: Callable[[], Transport] | None = None,
    sources: Iterable[Source] = (),
) -> ReplayReport:
    """Plan, send and account for a replay; progress and warnings go to `stderr_console`.

    Raises ReplaySetupError for a setup problem (no Chromium, invalid site id or page address, a checkpoint
    that belongs to another site or is in use). `transport_factory` replaces the browser transport. `sources`, the
    inputs read, are where the dead-letter file reads its messages again.
    """
    check_settings(settings)
    checkpoint = Checkpoint(Path(settings.checkpoint), settings.site_id) if settings.checkpoint else None
    try:
        plan = events if isinstance(events, Plan) else plan_events(events, settings.latest_traits)
        todo, skipped_users, skipped_calls = _left_to_send(plan, checkpoint)
        damage = checkpoint.damage() if checkpoint is not None else None
        if damage is not None:
            stderr_console.print(visible(damage))
        if checkpoint is not None and skipped_calls and checkpoint.version < CHECKPOINT_VERSION:
            # Said, as the one thing such a checkpoint cannot tell: whether a call skipped came from the logs it was
            # written for (see `hotjar_cli.replay.checkpoint`).
            stderr_console.print(
                visible(
                    f"replay: the checkpoint {checkpoint.path} was begun by an earlier hotjar-cli and knows calls by "
                    "their arguments alone: a call equal to one it records for the same user is skipped, from any "
                    "logs; for logs other than those it was written for, begin a new checkpoint file"
                ),
                markup=False,
                highlight=False,
            )
        dead_letter = DeadLetter(Path(settings.dead_letter) if settings.dead_letter else None, sources)
        started = time.monotonic()
        tally, interrupted, opened, gave_up, checkpoint_error = Tally(), False, 0, None, None
        if todo:
            from hotjar_cli.replay.runner import run_users

            factory = transport_factory or _browser(settings)
            tally, runner = run_users(settings, factory, todo, checkpoint, dead_letter, stderr_console)
            interrupted, opened, gave_up = runner.interrupted, runner.breaker.opened, runner.gave_up
            checkpoint_error = runner.checkpoint_error
        elapsed = time.monotonic() - started
    finally:
        if checkpoint is not None:
            checkpoint.close()
    written, error = _write_dead_letter(dead_letter, stderr_console)
    return ReplayReport(
        planned=plan.calls,
        sent=tally.calls_sent,
        dead_lettered=tally.calls_dead_lettered,
        skipped=skipped_calls,
        users_planned=len(plan.users),
        users_sent=tally.users_sent,
        users_dead_lettered=tally.users_dead_lettered,
        users_skipped=skipped_users,
        interrupted=interrupted,
        failures=tuple(
            sorted(
                ((failure.value, count) for failure, count in tally.failures.items()),
                key=lambda item: (-item[1], item[0]),
            )
        ),
        retries=tally.retries,
        breaker_opened=opened,
        dead_letter=str(written.path) if written.path is not None else None,
        dead_letter_messages=written.messages,
        dead_letter_rebuilt=written.rebuilt,
        dead_letter_error=error,
        elapsed_seconds=elapsed,
        gave_up=gave_up,
        every_attempt_failed_with=tally.first_failure if not tally.users_sent and tally.one_reason else None,
        checkpoint=str(settings.checkpoint) if settings.checkpoint is not None else None,
        repeated=plan.repeated,
        first_repeated=None if plan.first_repeated is None else plan.first_repeated.record(),
        maybe_delivered=tally.calls_maybe_delivered,
        users_maybe_delivered=tally.users_maybe_delivered,
        checkpoint_error=checkpoint_error,
        users_not_checkpointed=tally.users_not_checkpointed,
        maybe_repeated=tally.calls_maybe_repeated,
        users_maybe_repeated=tally.users_maybe_repeated,
    )


def _left_to_send(plan: Plan, checkpoint: Checkpoint | None) -> tuple[list[UserPlan], int, int]:
    """The users to send, each with the calls an earlier run did not deliver (see `Checkpoint`), and how many users
    and calls are skipped as delivered. A user with calls left gets its identifies again too, delivered before or
    not: the events of a fresh visitor are the identified user's only after an identify, which sets the same
    attributes to the same values again."""
    if checkpoint is None:
        return list(plan.users), 0, 0
    todo: list[UserPlan] = []
    skipped_users = skipped_calls = 0
    for user in plan.users:
        left = checkpoint.remaining(user.key, user.calls)
        if not left:
            skipped_users += 1
            skipped_calls += len(user.calls)
            continue
        if len(left) < len(user.calls):
            identifies = tuple(planned for planned in user.calls if planned.call.kind == "identify")
            events = tuple(planned for planned in left if planned.call.kind != "identify")
            skipped_calls += len(user.calls) - len(identifies) - len(events)
            user = replace(user, calls=identifies + events)
        todo.append(user)
    return todo, skipped_users, skipped_calls


def dry_run_report(plan: Plan) -> ReplayReport:
    """The report a replay of `plan` starts from, with nothing sent: what `--dry-run --report json` prints."""
    return ReplayReport(
        planned=plan.calls,
        sent=0,
        dead_lettered=0,
        skipped=0,
        users_planned=len(plan.users),
        users_sent=0,
        users_dead_lettered=0,
        users_skipped=0,
        dry_run=True,
        repeated=plan.repeated,
        first_repeated=None if plan.first_repeated is None else plan.first_repeated.record(),
    )


def check_site(settings: ReplaySettings, transport_factory: Callable[[], Transport] | None = None) -> SiteCheck:
    """`replay --check`: load the tracking page once, send nothing, and say what Hotjar showed.

    Raises ReplaySetupError for settings no replay can start with.
    """
    check_settings(settings)
    from hotjar_cli.replay.runner import check_site as run_check

    return run_check(transport_factory or _browser(settings))


def _browser(settings: ReplaySettings) -> Callable[[], Transport]:
    from hotjar_cli.replay.browser import BrowserTransport

    return lambda: BrowserTransport(settings)


def _write_dead_letter(dead_letter: DeadLetter, console: Console) -> tuple[DeadLetterResult, str | None]:
    try:
        written = dead_letter.write()
    except OSError as error:
        message = f"{dead_letter.path}: {error.strerror or error}"
        console.print(
            visible(f"replay: the dead-letter file could not be written: {message}"), markup=False, highlight=False
        )
        return DeadLetterResult(None), message
    if written.rebuilt:
        console.print(
            f"replay: {written.rebuilt} dead-lettered message(s) could not be read again from their "
            "input (it changed or is gone) and were rebuilt from their Hotjar call",
            markup=False,
            highlight=False,
        )
    return written, None
