"""`--engine dask`: the units of a pass run on a Dask cluster, a running one or one started here for the run.

Only the planning is Dask's own: the two passes, the site-limit fold and the ordered merge are
`hotjar_cli.run.parallel`'s, shared with local processes, so the answer is the same by construction. Workers may be
other machines, so they read every unit themselves (a local path must exist on them too: use s3:// paths or a
shared disk), and hand streamed output back in their results instead of temporary files.

dask.distributed is an optional extra and is imported only when this engine starts.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from hotjar_cli.run.parallel import (
    SPARE_UNITS_IN_FLIGHT,
    SPOOL_PLAIN_CHARACTERS,
    Engine,
    EngineError,
    Executor,
    Future,
    ranges_of,
)
from hotjar_cli.sources.reader import size_of
from hotjar_cli.sources.source import Source

BLOCK_BYTES = 16 * 1024 * 1024
"""A large plain file is cut into byte ranges of about this size, one task each, whatever the cluster's size:
small enough that the few tasks in flight when a site fills, which run again, are a small part of the work."""
CONNECT_TIMEOUT = "10s"
INSTALL_HINT = "pip install 'hotjar-cli[dask]'"


class DaskEngine(Engine):
    """Units as tasks on a Dask cluster: the scheduler at `scheduler`, else a local cluster of `jobs` processes.

    A plain file is cut into blocks of about `block_bytes`; streamed output comes back in the tasks' results,
    compressed past `compress_over` characters.
    """

    shares_disk = False

    def __init__(
        self,
        jobs: int,
        scheduler: str | None = None,
        block_bytes: int = BLOCK_BYTES,
        compress_over: int = SPOOL_PLAIN_CHARACTERS,
    ) -> None:
        self.jobs = jobs
        self.scheduler = scheduler
        self.block_bytes = block_bytes
        self.compress_over = compress_over

    def plan(self, sources: list[Source], inventory: bool = False) -> list[Source]:
        """Every file a task, and every block of a plain file of more than one block, whatever the pass collects;
        standard input cannot reach the workers."""
        if any(source.is_stdin for source in sources):
            raise EngineError("standard input cannot be read by Dask workers: save it to a file, or use --engine local")
        units: list[Source] = []
        for source in sources:
            if source.path is not None:
                # Workers run in their own folders, maybe on other machines: a relative path would name another
                # file there. Reports keep the name as the user gave it.
                source = msgspec.structs.replace(source, path=source.path.absolute())
            size = size_of(source)
            units.extend(ranges_of(source, size, -(-size // self.block_bytes), self.block_bytes))
        return units

    @contextlib.contextmanager
    def executor(self, units: int) -> Iterator[Executor]:
        """A client of the scheduler, or of a local cluster started for this run and closed after it."""
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise EngineError(f"--engine dask needs dask.distributed: {INSTALL_HINT}") from None
        with contextlib.ExitStack() as stack:
            if self.scheduler is not None:
                try:
                    client = stack.enter_context(Client(self.scheduler, timeout=CONNECT_TIMEOUT))
                except (OSError, TimeoutError, ValueError) as error:
                    raise EngineError(
                        f"--scheduler {self.scheduler}: cannot reach the Dask scheduler "
                        f"({str(error).splitlines()[0] if str(error) else type(error).__name__})"
                    ) from None
            else:
                # The cluster's own log lines would reach the user's terminal: its warnings (a task cancelled when the
                # reader of the output goes away, `| head`), and its errors, with their tracebacks: a worker whose
                # heartbeat met the scheduler closing after a Ctrl-C logged 60 lines of Dask's insides. What fails the
                # run reaches it as an exception of its task, said in one line. Its scheduler serves
                # HTTP (health, metrics) with or without a dashboard: on a port of its own on loopback, since Dask's
                # 8787 is often a notebook's cluster's, and taking another then is a warning on the terminal too.
                with _interrupts_ignored():
                    cluster = stack.enter_context(
                        LocalCluster(
                            n_workers=self.jobs,
                            threads_per_worker=1,
                            processes=True,
                            dashboard_address="127.0.0.1:0",
                            silence_logs=logging.CRITICAL,
                        )
                    )
                    client = stack.enter_context(Client(cluster))
            yield _Tasks(client)

    def in_flight(self, executor: Executor) -> int:
        """One unit a worker thread of the cluster (its size is known only once connected), and a spare."""
        if self.scheduler is None or not isinstance(executor, _Tasks):
            return super().in_flight(executor)
        return max(executor.threads(), 1) + SPARE_UNITS_IN_FLIGHT

    def wait(self, futures: list[Future]) -> None:
        """Whichever task finishes first (see `Engine.wait`)."""
        from dask.distributed import wait

        wait(futures, return_when="FIRST_COMPLETED")


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Ctrl-C ignored while a local cluster starts, and by its processes from then on.

    Ctrl-C reaches every process of the terminal's foreground group: the cluster's processes, each printing the
    traceback of its interrupted start or work, and the start itself, cut off in a thread of the cluster's that
    printed a traceback of its own. The processes are the run's to stop, as the local engine's workers are
    (`hotjar_cli.run.forked`): a signal ignored is ignored still in a process started meanwhile, and Python leaves it
    so. (A signal blocked instead, and raised once the cluster is up, would not do: the cluster's threads start with
    none blocked.) A Ctrl-C pressed during the start (a second or so) is not seen; one pressed after stops the run.
    """
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: no Ctrl-C comes here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Tasks:
    """A Dask client as an `Executor`: every submission is a new task, never a cached result of an earlier one."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        # Files can change between runs on a long-lived cluster: a task is never the same as an earlier one.
        future: Future = self._client.submit(fn, *args, pure=False)
        return future

    def threads(self) -> int:
        """The worker threads the cluster has now."""
        return sum(self._client.nthreads().values())
