"""Sending a plan: `concurrency` workers, a rate limit, retries with backoff, the breaker, Ctrl-C and progress.

Each worker takes the next user, delivers it (retrying failed attempts after an exponential backoff with full
jitter), then records it in the checkpoint (sent) or the dead-letter list (given up). A worker holds its user
while it waits between attempts, so at most `concurrency` users are ever in flight: that bounds what a killed
replay repeats.

The first Ctrl-C (or SIGTERM, what a service manager or `kill` sends, which leaves a grace period before it
kills) stops taking new users and lets the users in flight finish; a second one abandons them: a user abandoned
in flight may have been delivered, and is sent again by the next run. When no delivery has succeeded for
`give_up_after_seconds` (Hotjar is down), the replay stops the same way by itself, giving the users in flight
one request timeout to finish, so an outage ends the run in bounded time. Every user not sent is counted as
dead-lettered (see `accounting`).

A user with identify calls counts as sent only once a page loaded after its delivery ended shows the site's
User Attributes still on (or a look at the site when the replay ends does): Hotjar reads that switch when its script
loads, and while it is off keeps no identify, without a word. A user whose page loaded with it on, and whose
identifies reached Hotjar after someone switched it off, showed as sent; once a later page shows it off, every such
user not yet confirmed is dead-lettered instead (user-attributes-off), its identifies alone: its events reached
Hotjar, and count as sent. The checkpoint records it as it is delivered all the same, and then takes its identifies
back: a resumed run does not send its events again, and the same command resumed once User Attributes are on sends
its identifies again (the same attributes, set twice without harm), as a replay of the dead-letter file, which holds
only those, does. Left recorded, they were taken for delivered, and a resumed run said the user was done.
"""

from __future__ import annotations

import asyncio
import random
import signal
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Column
from rich.text import Text

from hotjar_cli.core.visible import given, visible
from hotjar_cli.replay.accounting import Tally
from hotjar_cli.replay.breaker import Breaker
from hotjar_cli.replay.checkpoint import Checkpoint
from hotjar_cli.replay.deadletter import DeadLetter
from hotjar_cli.replay.errors import ReplaySetupError
from hotjar_cli.replay.interface import USER_ATTRIBUTES_HINT, Delivery, Failure, SiteCheck, Transport
from hotjar_cli.replay.plan import UserPlan
from hotjar_cli.replay.settings import ReplaySettings
from hotjar_cli.run.lines_off_a_terminal import LINE_SECONDS, clock

T = TypeVar("T")
LOGGED_FAILURES = 10
"""Users given up on that are named one by one on stderr; the rest are only counted."""


class RateLimit:
    """At most `rate` calls per second over all workers, without bursts: each user reserves its share of time, and
    its page makes its calls `1 / rate` seconds apart (see `hotjar_cli.replay.browser.DELIVER`).

    Time is read from `clock` and waited out with `sleep`: the monotonic clock and asyncio's sleep."""

    def __init__(
        self,
        rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0

    async def acquire(self, calls: int) -> None:
        """Wait until `calls` more calls fit under the rate."""
        if not self.rate:
            return
        now = self.clock()
        start = max(now, self._next)
        self._next = start + calls / self.rate
        if start > now:
            await self.sleep(start - now)


def backoff(attempt: int, base: float, ceiling: float) -> float:
    """The wait before retry number `attempt` (1, 2, ...): full jitter under an exponential ceiling."""
    return random.uniform(0, min(ceiling, base * 2 ** (attempt - 1)))


class _Remaining(ProgressColumn):
    """The time left, or what the circuit breaker is doing while it holds deliveries back (no ETA then)."""

    def __init__(self, breaker: Breaker) -> None:
        super().__init__(table_column=_whole())
        self.breaker = breaker
        self.eta = TimeRemainingColumn()

    def render(self, task: Task) -> Text:
        status = self.breaker.status()
        if status:
            return Text(status, style="yellow")
        return Text.assemble("ETA ", self.eta.render(task))


class _Rates(ProgressColumn):
    """users/s and calls/s since the replay started sending."""

    def __init__(self) -> None:
        super().__init__(table_column=_whole())

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        if elapsed <= 0:
            return Text("- users/s  - calls/s", style="progress.data.speed")
        calls = task.fields.get("calls", 0)
        return Text(
            f"{task.completed / elapsed:.1f} users/s  {calls / elapsed:.1f} calls/s", style="progress.data.speed"
        )


def _whole() -> Column:
    """A column of the bar whose text is never wrapped: on a terminal narrower than the bar, the bar itself gives way
    (at 80 columns `calls/s` went to a second line)."""
    return Column(no_wrap=True)


def progress_bar(console: Console, breaker: Breaker, shown: bool = True) -> Progress:
    """The replay's progress bar on stderr: users done, users/s, calls/s, failures, ETA. Counts only."""
    return Progress(
        TextColumn("replay", table_column=_whole()),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} users", table_column=_whole()),
        _Rates(),
        TextColumn("[red]{task.fields[failed]} dead-lettered", table_column=_whole()),
        _Remaining(breaker),
        console=console,
        transient=False,
        disable=not shown,
    )


class Runner:
    """One replay's sending phase."""

    def __init__(
        self,
        settings: ReplaySettings,
        transport: Transport,
        checkpoint: Checkpoint | None,
        dead_letter: DeadLetter,
        console: Console,
    ) -> None:
        self.settings = settings
        self.transport = transport
        self.checkpoint = checkpoint
        self.dead_letter = dead_letter
        self.console = console
        self.tally = Tally()
        self.interrupted = False
        self.gave_up: str | None = None
        """Why the replay gave up on a failing Hotjar, or None."""
        self.checkpoint_error: str | None = None
        """Why the checkpoint could not be written, or None: the replay then stops (see `_record`)."""
        give_up = settings.give_up_after_seconds
        # Several probes fit in the give-up time, so one that succeeds can still save the run.
        self.breaker = Breaker(
            settings.breaker_failures,
            settings.breaker_pause_seconds,
            self.say,
            max_pause=max(settings.breaker_pause_seconds, min(300.0, give_up / 4)) if give_up > 0 else None,
        )
        self.rate = RateLimit(settings.rate)
        self._pending: deque[UserPlan] = deque()
        self._workers: list[asyncio.Task[None]] = []
        self._delivering: set[asyncio.Task[None] | None] = set()
        self._stopping = False
        self._progress: Progress | None = None
        self._task_id: TaskID | None = None
        self._lines = settings.progress and not console.is_terminal
        """Progress off a terminal: plain lines (`_say_progress`), as a pass's `--progress` writes them there: a bar
        is drawn there only once, when the replay ends."""
        self._done = self._tenths = 0
        self._total = 0
        self._started = self._said = time.monotonic()
        self._logged = 0
        self._last_sent = time.monotonic()
        self._last_failure = ""
        self._failed_since_sent = False
        """Whether an attempt failed since the last delivery (or the start): what makes a long wait an outage."""
        self._made_when_stopped: dict[str, int] = {}
        """Per user being delivered, the most of its calls a page may have made so far (`Delivery.made`): what an
        abandoned user counts as maybe delivered."""
        self._looking: asyncio.Future[SiteCheck] | None = None
        """The look at the site once every user is delivered (`_look_at_the_site`), while it runs."""
        self._unconfirmed: list[tuple[float, UserPlan]] = []
        """Users with identify calls delivered, with when their delivery ended, that no page loaded since has shown
        the site's User Attributes on (see the module's docstring)."""

    def say(self, line: str, always: bool = False) -> None:
        """One line on stderr, above the progress bar; with `quiet`, only the lines that are `always` said.

        Lines carry file names, what the page said and, with `--show-values`, user ids: their control
        characters are made visible.
        """
        if self.settings.quiet and not always:
            return
        console = self._progress.console if self._progress is not None else self.console
        console.print(visible(f"replay: {line}"), markup=False, highlight=False)

    async def run(self, users: list[UserPlan]) -> Tally:
        """Deliver every user (or account for it as dead-lettered) and return the counts."""
        self._pending = deque(users)
        loop = asyncio.get_running_loop()
        handled = self._handle_signals(loop)
        progress = progress_bar(self.console, self.breaker, shown=self.settings.progress and not self._lines)
        self._progress = progress
        self._task_id = progress.add_task("replay", total=len(users), calls=0, failed=0)
        self._total = len(users)
        self._started = self._said = time.monotonic()
        self._last_sent = time.monotonic()
        watchdog = asyncio.create_task(self._give_up_on_outage())
        try:
            with progress:
                workers = min(self.settings.concurrency, len(users)) or 1
                self._workers = [asyncio.create_task(self._work()) for _ in range(workers)]
                await asyncio.gather(*self._workers, return_exceptions=True)
                if self._unconfirmed and not self._stopping:
                    await self._look_at_the_site()
        finally:
            watchdog.cancel()
            for signum, before in handled:
                loop.remove_signal_handler(signum)
                # asyncio leaves the system's own behaviour behind it (SIGTERM then ends the process without a
                # word): the command's is put back, for what the replay does after sending.
                if before is not None:  # None: a handler set outside Python, which cannot be put back from here
                    signal.signal(signum, before)
            self._progress = None
        # Stopped before any page showed the switch again: sent, as every page they loaded showed it.
        for _, user in self._unconfirmed:
            self._delivered(user)
        self._unconfirmed = []
        while self._pending:
            self._give_up(self._pending.popleft(), Delivery(self._stopped_as(), "not started"))
        return self.tally

    async def _look_at_the_site(self) -> None:
        """A page loaded once more, with no call, for the users delivered since the last page loaded: whether the
        site's User Attributes were still on once they were. Ctrl-C ends the look at once (`_halt`)."""
        looked = time.monotonic()
        limit = 3 * self.settings.request_timeout_seconds + 30
        self._looking = asyncio.ensure_future(asyncio.wait_for(self.transport.check(), limit))
        try:
            found = await self._looking
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the replay itself is cancelled, not only the look
            return
        except Exception:  # noqa: BLE001 - no look is no news: the users stay as every page they loaded showed
            return
        finally:
            self._looking = None
        self._attributes_seen(looked, found.user_attributes)

    def _attributes_seen(self, loaded: float, attributes: bool | None) -> None:
        """A page whose load began at `loaded` showed the site's User Attributes switch (None: did not read it). On,
        it confirms the users whose delivery ended before; off, no user not yet confirmed is known to have got its
        identifies through."""
        if attributes is True:
            confirmed = [user for ended, user in self._unconfirmed if ended < loaded]
            self._unconfirmed = [(ended, user) for ended, user in self._unconfirmed if ended >= loaded]
            for user in confirmed:
                self._delivered(user)
        elif attributes is False:
            doubtful, self._unconfirmed = self._unconfirmed, []
            for _, user in doubtful:
                self._take_back_identifies(user)
                # Its events reached Hotjar, and stay in the checkpoint: sent. Its identifies are dead-lettered,
                # alone, so that neither the dead-letter file nor the counts send or say its events again.
                identifies = tuple(call for call in user.calls if call.args[0] == "identify")
                self.tally.partly_sent(len(user.calls) - len(identifies))
                self._give_up(
                    replace(user, calls=identifies),
                    Delivery(
                        Failure.USER_ATTRIBUTES_OFF,
                        "the site's User Attributes were switched off while it was delivered: Hotjar may have kept "
                        f"none of its identifies; {USER_ATTRIBUTES_HINT}",
                        len(identifies),
                    ),
                )

    def _stopped_as(self) -> Failure:
        if self.gave_up:
            return Failure.GAVE_UP
        return Failure.CHECKPOINT_FAILED if self.checkpoint_error else Failure.INTERRUPTED

    async def _give_up_on_outage(self) -> None:
        """Stop the replay once no delivery has succeeded for `give_up_after_seconds` and an attempt has failed since
        the last one: a user whose page takes longer (its calls spaced by `--rate`) is no outage while it fails
        nothing, and an attempt that hangs fails by its own time limit."""
        limit = self.settings.give_up_after_seconds
        if limit <= 0:
            return
        while True:
            quiet = time.monotonic() - self._last_sent
            if quiet >= limit and self._failed_since_sent:
                break
            await asyncio.sleep(min(max(limit - quiet, 0.05), 1.0))
        self.gave_up = f"no user was delivered for {duration_text(limit)}"
        last = f" (last failure: {self._last_failure})" if self._last_failure else ""
        self.say(f"giving up: {self.gave_up}{last}; every user not sent is dead-lettered", always=True)
        self._halt()
        # The users in flight get one request timeout to finish, then are abandoned.
        await asyncio.sleep(self.settings.request_timeout_seconds)
        if self._delivering:
            self.abandon()

    def _handle_signals(self, loop: asyncio.AbstractEventLoop) -> list[tuple[signal.Signals, Any]]:
        """Ctrl-C and SIGTERM stop the sending (`_on_interrupt`) while it runs: each signal with the handler it had
        before, to be put back."""
        if threading.current_thread() is not threading.main_thread():
            return []
        handled = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            before = signal.getsignal(signum)
            if before is signal.SIG_IGN:
                # Ignored by whoever started the command (a shell's `&` ignores Ctrl-C), as the command keeps it
                # ignored (`stop_on_sigterm`): a signal the planning shrugged off stopped the sending.
                continue
            try:
                loop.add_signal_handler(signum, self._on_interrupt)
                handled.append((signum, before))
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        return handled

    def _on_interrupt(self) -> None:
        if self._stopping:
            self.abandon()
            return
        self.stop()
        in_flight = len(self._delivering)
        if not in_flight:  # waiting to retry, or the last look at the site (ended by `stop`)
            self.say("stopping: no user is in flight")
            return
        self.say(
            f"stopping: finishing the {in_flight} user{'s' if in_flight != 1 else ''} in flight; "
            "press Ctrl-C again (or signal again) to abandon them"
        )

    def stop(self) -> None:
        """Take no new users; the users being delivered finish, those waiting to retry are abandoned."""
        self.interrupted = True
        self._halt()

    def _halt(self) -> None:
        self._stopping = True
        for worker in self._workers:
            if worker not in self._delivering:
                worker.cancel()
        if self._looking is not None:
            self._looking.cancel()

    def abandon(self) -> None:
        """Stop now: the users in flight are abandoned and counted as dead-lettered."""
        self.stop()
        self.say("stopping now: abandoning the users in flight")
        for worker in self._workers:
            worker.cancel()

    async def _work(self) -> None:
        while self._pending and not self._stopping:
            user = self._pending.popleft()
            try:
                delivery = await self._deliver(user)
            except asyncio.CancelledError:
                made = self._made_when_stopped.pop(user.key, 0)
                self._give_up(user, Delivery(self._stopped_as(), "abandoned in flight", made))
                raise
            self._made_when_stopped.pop(user.key, None)
            if delivery.sent:
                self._last_sent = time.monotonic()
                self._failed_since_sent = False
                # In the checkpoint at once, confirmed or not: its calls were made, and a run resumed after a kill
                # sends again no more than the users in flight.
                self._record(user)
                if delivery.attributes is not None and any(call.args[0] == "identify" for call in user.calls):
                    self._unconfirmed.append((self._last_sent, user))
                else:
                    self._delivered(user)
            else:
                self._give_up(user, delivery)

    def _delivered(self, user: UserPlan) -> None:
        self.tally.sent(user)
        self._advance()

    def _record(self, user: UserPlan) -> None:
        """Record a delivered user in the checkpoint. One that cannot be written (a full disk) stops the replay as
        Ctrl-C does: every user sent from then on would be sent again by a run resumed from it."""
        if self.checkpoint is None:
            return
        if self.checkpoint_error is None:
            try:
                self.checkpoint.record(user.key, user.calls)
                return
            except OSError as error:
                self._unwritable(error, "would send again every user sent from now on")
        self.tally.users_not_checkpointed += 1

    def _take_back_identifies(self, user: UserPlan) -> None:
        """A user's identifies taken back from the checkpoint (see the module's docstring). A checkpoint that cannot
        be written stops the replay as `_record` says."""
        if self.checkpoint is None or self.checkpoint_error is not None:
            return
        try:
            self.checkpoint.take_back(user.key, tuple(call for call in user.calls if call.args[0] == "identify"))
        except OSError as error:
            self._unwritable(error, "would take identifies Hotjar may not have kept for delivered")

    def _unwritable(self, error: OSError, because: str) -> None:
        """The checkpoint could not be written (a full disk): said, and the replay stopped as Ctrl-C stops it."""
        assert self.checkpoint is not None
        self.checkpoint_error = f"{self.checkpoint.path}: {error.strerror or error}"
        self.say(
            f"the checkpoint could not be written ({self.checkpoint_error}): stopping, as a run resumed from it "
            f"{because}; the users in flight finish",
            always=True,
        )
        self._halt()

    async def _deliver(self, user: UserPlan) -> Delivery:
        settings = self.settings
        # A page makes its calls `--rate` apart: their spacing adds to its time.
        spacing = len(user.calls) / settings.rate if settings.rate else 0.0
        hard_limit = settings.settle_seconds + 3 * settings.request_timeout_seconds + 30 + spacing
        delivery = Delivery(Failure.INTERRUPTED, "not started")
        made = made_in_all = 0
        for attempt in range(settings.retries + 1):
            if attempt:
                if self._stopping:
                    self.tally.resent(made_in_all - made)
                    return Delivery(self._stopped_as(), f"stopped before retry {attempt} ({delivery})", made)
                self.tally.retries += 1
                await asyncio.sleep(backoff(attempt, settings.backoff_seconds, settings.backoff_max_seconds))
            probe = await self.breaker.admit()
            await self.rate.acquire(len(user.calls))
            if self._stopping:
                self.tally.resent(made_in_all - made)
                return Delivery(self._stopped_as(), "stopped before it was sent", made)
            worker = asyncio.current_task()
            self._delivering.add(worker)
            loading = time.monotonic()
            try:
                delivery = await asyncio.wait_for(self.transport.deliver(user), hard_limit)
            except TimeoutError:
                delivery = Delivery(Failure.TIMEOUT, f"the delivery took over {hard_limit:g} s")
            except asyncio.CancelledError:
                if probe:
                    self.breaker.record(False, True, "interrupted")
                # Abandoned while its page ran: the page may have made every call, and Hotjar may hold them.
                self._made_when_stopped[user.key] = len(user.calls)
                raise
            except Exception as error:  # noqa: BLE001 - a transport must not take the replay down with it
                delivery = Delivery(Failure.BROWSER_ERROR, _first_line(error))
            finally:
                self._delivering.discard(worker)
            # User Attributes off is the site's setting, not Hotjar failing: no outage for the breaker to wait out,
            # and no attempt to make again. Taken for one, a site switched off mid-run held every user back for ten
            # minutes of pauses, then gave up on those Hotjar would have taken, events alone.
            setting = delivery.failure is Failure.USER_ATTRIBUTES_OFF
            self.breaker.record(delivery.sent or setting, probe, str(delivery))
            self._attributes_seen(loading, delivery.attributes)
            if delivery.sent:
                # Each attempt is a fresh visitor: what the failed ones made, Hotjar may now hold twice.
                self.tally.resent(made_in_all)
                return delivery
            made = max(made, delivery.made)
            made_in_all += delivery.made
            self._made_when_stopped[user.key] = made  # should it be abandoned before its next attempt
            self.tally.attempt_failed(delivery)
            if setting:
                break
            self._last_failure = str(delivery)
            self._failed_since_sent = True
        # An earlier attempt may have made more of the calls than the last: Hotjar may hold those too. The most any
        # attempt made may be delivered (`Delivery.made`); what the others made, Hotjar may hold a second time.
        self.tally.resent(made_in_all - made)
        return replace(delivery, made=made)

    def _give_up(self, user: UserPlan, delivery: Delivery) -> None:
        failure = delivery.failure or Failure.BROWSER_ERROR
        self.tally.dead_lettered(user, failure, delivery.made)
        self.dead_letter.add(user)
        if failure not in (Failure.INTERRUPTED, Failure.GAVE_UP):
            if self._logged < LOGGED_FAILURES:
                who = f"{given(user.key)} " if self.settings.show_values else ""
                calls = f"{len(user.calls)} call{'s' if len(user.calls) != 1 else ''}"
                self.say(f"dead-lettered the user {who}first seen at {user.first} ({calls}): {delivery}")
            elif self._logged == LOGGED_FAILURES:
                self.say("further dead-lettered users are only counted")
            self._logged += 1
        self._advance()

    def _advance(self) -> None:
        if self._progress is None or self._task_id is None:
            return
        self._progress.update(
            self._task_id, advance=1, calls=self.tally.calls_sent, failed=self.tally.users_dead_lettered
        )
        self._done += 1
        if self._lines:
            self._say_progress()

    def _say_progress(self) -> None:
        """Off a terminal, one plain line at each tenth of the users and at least every `LINE_SECONDS` while users
        finish, such as `replay: 12/60 users, 4.1 users/s, 15.0 calls/s, 2 dead-lettered, 0:00:03 elapsed, eta
        0:00:12`."""
        now = time.monotonic()
        tenths = self._done * 10 // self._total if self._total else 10
        if not (tenths > self._tenths or now - self._said >= LINE_SECONDS):
            return
        self._tenths, self._said = max(self._tenths, tenths), now
        elapsed = now - self._started
        rates = (
            f"{self.tally.users_sent / elapsed:.1f} users/s, {self.tally.calls_sent / elapsed:.1f} calls/s"
            if elapsed > 0
            else "- users/s, - calls/s"
        )
        line = (
            f"replay: {self._done}/{self._total} users, {rates}, {self.tally.users_dead_lettered} dead-lettered, "
            f"{clock(elapsed)} elapsed"
        )
        status = self.breaker.status()
        if status:
            line += f", {status}"
        elif self._done < self._total:
            line += f", eta {clock(elapsed * (self._total - self._done) / self._done)}"
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)


def duration_text(seconds: float) -> str:
    """`90 s`, `10 min`, `1 h 30 min`: a duration as the options take it, for messages."""
    whole = round(seconds)
    if seconds < 60 or (whole < 120 and whole % 60):  # under a minute too: `0.5 s`, not nothing
        return f"{seconds:g} s"
    hours, minutes = divmod(whole // 60, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def run_users(
    settings: ReplaySettings,
    transport_factory: Callable[[], Transport],
    users: list[UserPlan],
    checkpoint: Checkpoint | None,
    dead_letter: DeadLetter,
    console: Console,
) -> tuple[Tally, Runner]:
    """Run the sending phase in its own event loop; the transport is built, started and closed inside it.

    The transport first checks the site (`Transport.check`). Raises ReplaySetupError, before any call is made,
    when Hotjar would refuse the whole replay: it does not start, the script is another site's, or User
    Attributes are off while the plan holds identify calls.
    """

    async def send(transport: Transport) -> tuple[Tally, Runner]:
        identifies = any(planned.call.kind == "identify" for user in users for planned in user.calls)
        site = await transport.check()
        refusal = site.refusal(settings.site_id, identifies)
        if refusal is not None:
            raise ReplaySetupError(f"Hotjar cannot take this replay, nothing was sent: {refusal}")
        runner = Runner(settings, transport, checkpoint, dead_letter, console)
        if site.unreachable is not None:
            runner.say(
                f"the first look at the site failed ({site.unreachable}); sending anyway, with retries"
                + (
                    f", giving up after {duration_text(settings.give_up_after_seconds)} without a delivery"
                    if settings.give_up_after_seconds > 0
                    else ""
                )
            )
        return await runner.run(users), runner

    return _with_transport(transport_factory, send)


def check_site(transport_factory: Callable[[], Transport]) -> SiteCheck:
    """Only the look at the site that starts every replay: nothing is sent."""
    return _with_transport(transport_factory, lambda transport: transport.check())


def _with_transport(factory: Callable[[], Transport], use: Callable[[Transport], Awaitable[T]]) -> T:
    """`use` a transport in an event loop of its own; the transport is built, started and closed inside it."""

    async def main() -> T:
        transport = factory()
        start = getattr(transport, "start", None)
        try:
            if start is not None:
                await start()
            return await use(transport)
        finally:
            await transport.close()

    return asyncio.run(main())
