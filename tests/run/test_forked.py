"""The local engine's worker processes: tasks in, answers out, errors raised where the task was sent, and no process
left behind whatever happens."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest

from hotjar_cli.run.forked import ForkPool, RemoteTraceback, WorkerLost

_STARTED: list[str] = []


def _mark(name: str) -> None:
    _STARTED.append(name)


def _where(value: Any) -> tuple[int, Any, list[str]]:
    return os.getpid(), value, list(_STARTED)


def _raise(text: str) -> None:
    raise ValueError(text)


class _Unpicklable(Exception):
    def __init__(self, text: str, lock: Any) -> None:
        super().__init__(text)
        self.lock = lock


def _raise_unpicklable() -> None:
    raise _Unpicklable("held a lock", threading.Lock())


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _echo_size(data: bytes) -> bytes:
    return data[::-1] + data


def _children() -> set[int]:
    """This process's children still alive or not yet reaped (zombies count: nobody waited for them)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.add(int(entry))
    return found


def test_tasks_run_in_the_workers_each_started_by_the_initializer() -> None:
    before = _children()
    with ForkPool(2, initializer=_mark, initargs=("started",)) as pool:
        futures = [pool.submit(_where, number) for number in range(40)]
        answers = [future.result() for future in futures]
        workers = _children() - before
    assert len(workers) == 2
    assert [value for _, value, _ in answers] == list(range(40))
    assert {pid for pid, _, _ in answers} <= workers
    assert all(started == ["started"] for _, _, started in answers)
    assert _STARTED == []  # the initializer ran in the workers only
    assert _children() == before  # every worker ended and was waited for


def test_an_error_in_a_task_is_raised_where_it_was_sent_with_the_workers_traceback() -> None:
    with ForkPool(1) as pool:
        with pytest.raises(ValueError, match="bad line") as raised:
            pool.submit(_raise, "bad line").result()
        assert isinstance(raised.value.__cause__, RemoteTraceback)
        assert "_raise" in str(raised.value.__cause__)
        with pytest.raises(RuntimeError, match="_Unpicklable: held a lock"):
            pool.submit(_raise_unpicklable).result()
        assert pool.submit(_where, "after").result()[1] == "after"  # the worker goes on


def test_a_worker_that_dies_fails_its_task_in_one_line_and_the_others_go_on() -> None:
    before = _children()
    with ForkPool(2) as pool:
        lost = pool.submit(_die)
        with pytest.raises(WorkerLost, match="ended without answering \\(stopped by SIGKILL\\)"):
            lost.result()
        assert [pool.submit(_where, number).result()[1] for number in range(3)] == [0, 1, 2]
    assert _children() == before


def test_a_worker_that_died_while_waiting_for_work_fails_the_task_it_is_given() -> None:
    before = _children()
    with ForkPool(1) as pool:
        (worker,) = _children() - before
        os.kill(worker, signal.SIGKILL)
        time.sleep(0.2)
        with pytest.raises(WorkerLost, match="stopped by SIGKILL"):
            pool.submit(_where, 1).result()
    assert _children() == before


def test_workers_that_cannot_start_say_so_in_one_line_and_leave_none_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, forks = _children(), [0]
    real_fork = os.fork

    def fork() -> int:
        forks[0] += 1
        if forks[0] > 1:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    descriptors = len(os.listdir("/proc/self/fd"))
    with pytest.raises(WorkerLost, match=r"^could not start a worker process: Resource temporarily unavailable$"):
        ForkPool(2)
    assert _children() == before  # the one that started was stopped
    assert len(os.listdir("/proc/self/fd")) == descriptors  # and no pipe is left open


def test_when_every_worker_is_gone_waiting_work_fails_rather_than_waits() -> None:
    with ForkPool(1) as pool:
        first, second = pool.submit(_die), pool.submit(_where, 1)
        with pytest.raises(WorkerLost):
            first.result()
        with pytest.raises(WorkerLost, match="no worker process is left"):
            second.result()


def test_leaving_early_stops_the_workers_still_running() -> None:
    before = _children()
    started = time.monotonic()

    def interrupted() -> None:
        with ForkPool(2) as pool:
            pool.submit(_sleep, 60)
            pool.submit(_sleep, 60)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert time.monotonic() - started < 30
    assert _children() == before


def test_workers_leave_ctrl_c_to_the_process_that_started_them() -> None:
    with ForkPool(1) as pool:
        future = pool.submit(_sleep, 0.5)
        time.sleep(0.1)
        for pid in _children():
            os.kill(pid, signal.SIGINT)
        assert future.result() in _children()


def test_large_tasks_and_answers_arrive_whole() -> None:
    data = os.urandom(3 * 1024 * 1024 + 7)
    with ForkPool(2) as pool:
        futures = [pool.submit(_echo_size, data[:size]) for size in (0, 1, 65_536, len(data))]
        for future, size in zip(futures, (0, 1, 65_536, len(data)), strict=True):
            assert future.result() == data[:size][::-1] + data[:size]


def test_wait_returns_once_any_task_is_done() -> None:
    with ForkPool(2) as pool:
        slow, quick = pool.submit(_sleep, 5), pool.submit(_sleep, 0)
        started = time.monotonic()
        pool.wait([slow, quick])
        assert quick.done() and not slow.done()
        assert time.monotonic() - started < 4


def test_a_task_for_each_worker_runs_once_in_every_worker_after_the_tasks_it_took_before() -> None:
    before = _children()
    with ForkPool(3) as pool:
        sleepers = [pool.submit(_sleep, 0.2) for _ in range(2)]
        each = pool.each(_where, "each")
        after = [pool.submit(_sleep, 0.05) for _ in range(4)]  # taken before a busy worker's own task
        answers = [future.result() for future in each]
        workers = _children() - before
        assert {pid for pid, _, _ in answers} == workers
        # The third worker, free, took its own at once; the two that slept took theirs after their sleep.
        assert all(future.done() for future in sleepers)
        assert all(future.result() in workers for future in after)
        assert pool.submit(_where, "later").result()[1] == "later"  # and the workers take tasks again
    assert {value for _, value, _ in answers} == {"each"}
    assert len(answers) == 3
