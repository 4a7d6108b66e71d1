"""Worker processes forked from this one, for the local engine: each takes one task at a time over a pipe of its own
and answers over another.

This is what `concurrent.futures.ProcessPoolExecutor` does, less what a pass has no use for: two threads in this
process (one moving tasks to a shared queue, one writing that queue's pipe) that take turns on the cores the
workers run on, and the 10 ms of imports before the first worker starts. A task goes to a worker once it is free,
from the thread that waits for the answers, and the next task starts as soon as an answer is read.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import suppress
from types import TracebackType
from typing import Any

from hotjar_cli.core.errors import UserError

_LENGTH = struct.Struct("<Q")
"""Each message on a pipe: its length, then its pickled bytes."""
_CHUNK = 1 << 20


class WorkerLost(UserError):
    """A worker process ended without answering (killed when out of memory, say), or could not start."""


class RemoteTraceback(Exception):
    """The traceback of an error raised in a worker, as text: the cause of the error raised again here."""

    def __str__(self) -> str:
        return str(self.args[0])


class TaskFuture:
    """The answer to come of one task: `done()` and `result()`, as a `concurrent.futures.Future`."""

    __slots__ = ("_answer", "_done", "_error", "_value", "pool")

    def __init__(self, pool: ForkPool) -> None:
        self.pool = pool
        self._done = False
        self._answer: bytes | None = None
        self._error: BaseException | None = None
        self._value: Any = None

    def done(self) -> bool:
        """Whether the answer is here (read without waiting, if a worker has sent it)."""
        if not self._done:
            self.pool.poll(0)
        return self._done

    def result(self) -> Any:
        """Wait for the answer: the task's value, or the error it raised, raised here."""
        while not self._done:
            self.pool.poll(None)
        if self._answer is not None:  # unpickled here, once: the worker that sent it has its next task by then
            value, trace = pickle.loads(self._answer)
            self._answer = None
            if trace is None:
                self._value = value
            else:
                self._error = value
                value.__cause__ = RemoteTraceback(trace)
        if self._error is not None:
            raise self._error
        return self._value

    def _settle(self, answer: bytes | None, error: BaseException | None = None) -> None:
        self._answer, self._error, self._done = answer, error, True


class _Worker:
    __slots__ = ("answers", "future", "own", "pid", "tasks")

    def __init__(self, pid: int, tasks: int, answers: int) -> None:
        self.pid, self.tasks, self.answers = pid, tasks, answers
        self.future: TaskFuture | None = None
        self.own: deque[tuple[TaskFuture, bytes]] = deque()
        """Tasks for this worker alone (`ForkPool.each`), taken once no task for any worker waits."""


class ForkPool:
    """`workers` processes forked now, each having run `initializer(*initargs)`; a context manager that ends them.

    Tasks wait here until a worker is free. A worker that ends without answering fails its task (`WorkerLost`);
    leaving the context early (an error, Ctrl-C) stops the workers still running, which ignore Ctrl-C themselves.
    """

    def __init__(
        self, workers: int, initializer: Callable[..., Any] | None = None, initargs: Iterable[Any] = ()
    ) -> None:
        self._workers: list[_Worker] = []
        self._idle: deque[_Worker] = deque()
        self._busy: dict[int, _Worker] = {}
        self._waiting: deque[tuple[TaskFuture, bytes]] = deque()
        self._poller = select.poll()
        try:
            for _ in range(workers):
                self._start(initializer, tuple(initargs))
        except BaseException as error:
            self._stop(kill=True)
            if isinstance(error, OSError):  # too many processes or open files, say
                raise WorkerLost(f"could not start a worker process: {error.strerror or error}") from error
            raise

    def _start(self, initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
        task_read, task_write = os.pipe()
        answer_read, answer_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (task_read, task_write, answer_read, answer_write):
                os.close(fd)
            raise
        if pid == 0:  # pragma: no cover - the worker process, which ends in os._exit
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the process that started it
                # And so is saying what SIGTERM stopped: a worker it reaches ends, as the system ends a process.
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                for fd in (task_write, answer_read, *(fd for w in self._workers for fd in (w.tasks, w.answers))):
                    os.close(fd)
                if initializer is not None:
                    initializer(*initargs)
                _serve(task_read, answer_write)
                code = 0
            finally:
                os._exit(code)
        os.close(task_read)
        os.close(answer_write)
        worker = _Worker(pid, task_write, answer_read)
        self._workers.append(worker)
        self._idle.append(worker)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> TaskFuture:
        """Run `fn(*args)` in a worker, once one is free: its future."""
        future = TaskFuture(self)
        self._waiting.append((future, pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)))
        self._hand_out()
        return future

    def poll(self, timeout: float | None) -> None:
        """Read the answers sent, waiting up to `timeout` seconds (None: until one comes) when none is."""
        if not self._busy:
            self._hand_out()  # a task can only be waiting here if no worker is left: it fails
            return
        for fd, _ in self._poller.poll(None if timeout is None else timeout * 1000):
            worker = self._busy.pop(fd)
            self._poller.unregister(fd)
            future, worker.future = worker.future, None
            assert future is not None, "a busy worker runs a task"
            lost: OSError | None = None
            try:
                answer = _read(fd)
            except OSError as error:  # it ended in the middle of its answer
                answer, lost = None, error
            if answer is None:
                self._lose(worker, future, lost)
                self._hand_out()
                continue
            self._idle.append(worker)
            self._hand_out()  # the next task starts before this answer is unpickled
            future._settle(answer)

    def wait(self, futures: list[TaskFuture]) -> None:
        """Return once any of these is done."""
        while not any(future.done() for future in futures):
            self.poll(None)

    def each(self, fn: Callable[..., Any], /, *args: Any) -> list[TaskFuture]:
        """Run `fn(*args)` once in every worker, each as soon as it is free and no task submitted (before or after)
        waits for any worker: their futures. A worker runs it after every task it took before."""
        task = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        futures = []
        for worker in self._workers:
            future = TaskFuture(self)
            worker.own.append((future, task))
            futures.append(future)
        self._hand_out()
        return futures

    def _give(self, worker: _Worker, future: TaskFuture, task: bytes) -> None:
        """A task to an idle worker."""
        try:
            _write(worker.tasks, task)
        except OSError as error:  # it ended while it waited for work
            self._lose(worker, future, error)
            return
        worker.future = future
        self._busy[worker.answers] = worker
        self._poller.register(worker.answers, select.POLLIN)

    def _hand_out(self) -> None:
        while self._idle and self._waiting:
            future, task = self._waiting.popleft()
            self._give(self._idle.popleft(), future, task)
        for worker in [worker for worker in self._idle if worker.own]:
            self._idle.remove(worker)
            future, task = worker.own.popleft()
            self._give(worker, future, task)
        while self._waiting and not self._workers:
            future, _ = self._waiting.popleft()
            future._settle(None, WorkerLost("no worker process is left to run the work"))

    def _lose(self, worker: _Worker, future: TaskFuture, cause: OSError | None) -> None:
        """A worker that ended on its own: its task fails, and it is waited for."""
        self._workers.remove(worker)
        os.close(worker.tasks)
        os.close(worker.answers)
        ended = WorkerLost(f"a worker process ended without answering ({_ending(os.waitpid(worker.pid, 0)[1])})")
        ended.__cause__ = cause
        future._settle(None, ended)
        while worker.own:  # and so do the tasks for it alone
            worker.own.popleft()[0]._settle(None, ended)

    def __enter__(self) -> ForkPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop(kill=kind is not None or bool(self._busy))

    def _stop(self, kill: bool) -> None:
        """End the workers: each sees its task pipe close and ends; killed first when they may be running."""
        for worker in self._workers:
            if kill:
                with suppress(ProcessLookupError):  # it ended already
                    os.kill(worker.pid, signal.SIGKILL)
            os.close(worker.tasks)
        for worker in self._workers:
            os.waitpid(worker.pid, 0)
            os.close(worker.answers)
        self._workers.clear()
        self._idle.clear()
        self._busy.clear()


def _serve(tasks: int, answers: int) -> None:  # pragma: no cover - runs in a worker process
    """A worker's life: each task read, run, and answered, until the task pipe closes."""
    while (task := _read(tasks)) is not None:
        try:
            fn, args = pickle.loads(task)
            answer = pickle.dumps((fn(*args), None), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # noqa: BLE001 - every error goes back to be raised where the task was sent
            answer = _failure(error)
        _write(answers, answer)


def _failure(error: BaseException) -> bytes:  # pragma: no cover - runs in a worker process
    """An error as an answer, with its traceback (an error pickles without it); one that does not pickle, as its
    text."""
    import traceback

    trace = "".join(traceback.format_exception(error))
    try:
        return pickle.dumps((error, trace), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an error whose arguments do not pickle
        return pickle.dumps((RuntimeError(f"{type(error).__name__}: {error}"), trace), protocol=pickle.HIGHEST_PROTOCOL)


def _write(fd: int, message: bytes) -> None:
    """One message: its length, then its bytes."""
    view = memoryview(_LENGTH.pack(len(message)) + message)
    while view:
        view = view[os.write(fd, view[:_CHUNK]) :]


def _read(fd: int) -> bytes | None:
    """One message, or None when the pipe closes between messages (its writer ended)."""
    head = _read_exactly(fd, _LENGTH.size)
    if head is None:
        return None
    length = _LENGTH.unpack(head)[0]
    body = _read_exactly(fd, length) if length else b""
    if body is None:
        raise OSError("the pipe closed in the middle of a message")
    return body


def _read_exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes, or None when the pipe closes before the first."""
    first = os.read(fd, size)
    if not first:
        return None
    if len(first) == size:
        return first
    parts, got = [first], len(first)
    while got < size:
        part = os.read(fd, min(size - got, _CHUNK))
        if not part:
            raise OSError("the pipe closed in the middle of a message")
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _ending(status: int) -> str:
    """How a worker process ended, from its wait status."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:  # pragma: no cover - a signal Python does not name
            name = f"signal {number}"
        return f"stopped by {name}"
    return f"exit code {os.WEXITSTATUS(status)}"
