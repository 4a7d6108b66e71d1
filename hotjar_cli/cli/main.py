"""The `hotjar-cli` console script: start-up tuning, then the command group, and click's own errors in one line."""

import errno
import gc
import io
import os
import signal
import sys
from types import FrameType
from typing import NoReturn

MIN_COLUMNS = 20
"""The narrowest `COLUMNS` text is laid out at. Narrower, there is no room for its words: at `COLUMNS=0`, which
containers set, rich printed no report and no error at all, at 3 a table failed, and the inventory went one
character a line."""
REPLAY_LEFT = (
    "before the replay was done: no summary; the users it delivered, if any, are in its --checkpoint when one was given"
)
"""What a replay stopped outside its sending (reading the logs, starting the browser, writing the dead letters)
leaves: replay has no -o, and its users are recorded as they are delivered."""
DRY_RUN_LEFT = "before the dry run was done: its calls are those of the events read so far, and nothing was sent"
"""What a dry run stopped leaves."""


def run_left(command: str | None, files: list[tuple[str, bool]]) -> str:
    """What `validate` or `inventory` stopped before its end leaves: no report, and each file named by -o whose
    report was begun as it was (`files`: each, and whether it was there)."""
    left = "no inventory" if command == "inventory" else "no verdict"
    return f"before the run was done: {left}" + "".join(
        f"; {file} is left as it was" if there else f"; {file} was not written" for file, there in files
    )


EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a service manager, a cancelled CI job), raised where the command is, so that it stops as
    Ctrl-C stops it: what it was writing is left as Ctrl-C leaves it, and one line says so. Left to the system,
    SIGTERM ended the command with exit 143 and no word at all."""


_TERMINATED_BY: list[int] = []
"""The SIGTERM that stopped the command, once one has: Typer turns every interrupt into the same exit code."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    _TERMINATED_BY.append(signum)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second one, while the first is being said, ends the command
    raise Terminated


def stop_on_sigterm() -> None:
    """SIGTERM raises `Terminated` from here on, unless whoever started the command chose to ignore it (as a shell
    starts a background job with Ctrl-C ignored, and the command keeps to that)."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)


def interrupt_again(unraisable: "sys.UnraisableHookArgs") -> None:
    """`sys.unraisablehook`: Ctrl-C or SIGTERM is raised again, in the command, when it came as Python ran code whose
    exceptions it can only print (a weak reference's callback, which ends every import, a `__del__`): there, it
    was printed as `Exception ignored in …` and the command went on, reading a pipe for ever. Other exceptions are
    printed as Python prints them, but for an asyncio transport's, left over from a replay stopped by Ctrl-C as its
    browser started, whose loop had closed: "RuntimeError: Event loop is closed", with its traceback, under the one
    line that said the replay was interrupted."""
    stop = unraisable.exc_type
    if issubclass(stop, RuntimeError) and str(unraisable.exc_value) == "Event loop is closed":
        return
    if not issubclass(stop, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return

    def again(frame: FrameType, event: str, arg: object) -> None:
        if frame.f_code is interrupt_again.__code__:
            return  # raised in this hook, it would be printed again
        sys.setprofile(None)
        raise stop

    # Raised from the next call or return of the code that ran the callback, once this hook is done; and once more,
    # should that be another such callback.
    sys.setprofile(again)


WRITES_TO_A_FILE = frozenset({"validate", "inventory"})
"""The commands whose report `-o FILE` writes elsewhere than standard output."""


def interrupted(files: list[tuple[str, bool]] | None = None) -> str:
    """What Ctrl-C or SIGTERM leaves on stderr, for the command that was running: `files`, those named by -o whose
    reports were begun, and whether each was there (`unfinished_reports`)."""
    command = command_name()
    how = "stopped by SIGTERM" if _TERMINATED_BY else "interrupted"
    if command == "replay":
        return f"hotjar-cli: {how} {DRY_RUN_LEFT if '--dry-run' in sys.argv[1:] else REPLAY_LEFT}"
    return f"hotjar-cli: {how} {run_left(command, files or [])}"


def stopped() -> NoReturn:
    """A command stopped by Ctrl-C or SIGTERM: what it wrote aside removed, one line of what it leaves, and its exit
    code."""
    from hotjar_cli.cli.command import remove_written_aside, unfinished_reports
    from hotjar_cli.cli.talk import Talk

    remove_written_aside()
    Talk().say(interrupted([(str(file), there) for file, there in unfinished_reports()]))
    sys.exit(interrupted_code())


def interrupted_code() -> int:
    """The exit code of a command stopped by Ctrl-C or SIGTERM: 128 and the signal's number, as a shell reports a
    command the signal ended."""
    return EXIT_TERMINATED if _TERMINATED_BY else EXIT_INTERRUPTED


def command_name() -> str | None:
    """The command on the command line (its first word that is no option), None when there is none."""
    return next((word for word in sys.argv[1:] if not word.startswith("-")), None)


class ClosedOutput(io.TextIOBase):
    """Standard output when the command was started without it (`>&-`, a daemon's cron job): a report written
    there fails as writing to a closed file does, and the command says so in one line and exits 2. A report
    written elsewhere (`-o FILE`, for the commands that have it) needs no standard output."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            if "--help" in sys.argv[1:]:
                raise OSError(errno.EBADF, "closed, so the help cannot go there")
            hint = " (name a file with -o)" if command_name() in WRITES_TO_A_FILE else ""
            raise OSError(errno.EBADF, f"closed, so the report cannot go there{hint}")
        return 0


def fill_closed_streams() -> None:
    """Standard input, output and error the command was started without get /dev/null in their place, so that no
    file it opens takes their numbers (and a worker or a browser it starts does not write into a report). Output
    then refuses a report (`ClosedOutput`), error is silent (there is nowhere to say anything), and input stays
    missing: `-` is refused as closed (see `hotjar_cli.cli.settings`)."""
    for number, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is None:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != number:
                os.dup2(opened, number)
                os.close(opened)
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - for the life of the process


def utf8_output() -> None:
    """Standard output in UTF-8, whatever the locale says: a report is a UTF-8 document (the JUnit report declares
    it, JSON is UTF-8, and `-o FILE` writes every format so); in an ASCII or Latin-1 locale (`LC_ALL=C` with
    `PYTHONUTF8=0`, `PYTHONIOENCODING=latin-1`) its first `…` or `←` stopped the command with a traceback. Standard
    error keeps the terminal's encoding, a character it cannot show written as an escape (`\\u2026`)."""
    for stream, encoding, errors in ((sys.stdout, "utf-8", "strict"), (sys.stderr, None, "backslashreplace")):
        if not isinstance(stream, io.TextIOWrapper) or (stream.encoding or "").lower().replace("-", "") == "utf8":
            continue
        try:
            stream.reconfigure(encoding=encoding, errors=errors) if encoding else stream.reconfigure(errors=errors)
        except (OSError, ValueError):  # a stream already written to keeps its encoding
            continue


def usable_columns() -> None:
    """A `COLUMNS` that is no whole number of at least `MIN_COLUMNS` counts as unset: every console, the help's
    included, then takes the terminal's width, or 80 off a terminal."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and not (columns.isdecimal() and int(columns) >= MIN_COLUMNS):
        del os.environ["COLUMNS"]


def main() -> None:
    """The `hotjar-cli` console script."""
    # Importing Typer, click, msgspec and the core makes many lasting objects and no garbage, yet the collector would
    # run over them again and again while starting. It is paused for the imports, and what they made is set aside
    # for good (gc.freeze): out of the collector's sight for the rest of the process.
    try:
        sys.unraisablehook = interrupt_again
        stop_on_sigterm()
        fill_closed_streams()
        utf8_output()
        usable_columns()
        gc.disable()
        import click
        from click.utils import PacifyFlushWrapper

        from hotjar_cli.cli.app import app, completion_refused
        from hotjar_cli.cli.command import drop_stdout, output_error
        from hotjar_cli.cli.talk import Talk
        from hotjar_cli.core.gate import EXIT_ERROR
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM while starting (the imports take a few tenths of a second): nothing was read or written
        # yet.
        if sys.stderr is not None:
            sys.stderr.write(interrupted() + "\n")
        sys.exit(interrupted_code())
    gc.freeze()
    gc.enable()
    refused = completion_refused(sys.argv[1:])
    if refused is not None:
        Talk().error(refused)
        sys.exit(EXIT_ERROR)
    try:
        code = app(prog_name="hotjar-cli", standalone_mode=False)
    except click.UsageError as error:
        # One line, like every other error of ours, instead of the usage box. (No arguments at all printed
        # the help already.)
        command = error.ctx.command_path if error.ctx is not None else "hotjar-cli"
        if error.format_message():
            Talk().error(f"{error.format_message()} (see `{command} --help`)")
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        Talk().error(error.format_message())
        sys.exit(EXIT_ERROR)
    except (KeyboardInterrupt, click.exceptions.Abort):
        stopped()
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours.
        drop_stdout()
        sys.exit(0)
    except OSError as error:
        # Output that cannot be written outside a command's run (`--help > /dev/full`).
        drop_stdout()
        Talk().error(output_error(error))
        sys.exit(EXIT_ERROR)
    except SystemExit as done:
        # Rich and click end with 1 when the reader of the help (`--help | head -1`) goes away: the reader has what
        # it wanted, as for a command's report.
        if done.code == 1 and (
            isinstance(done.__context__, BrokenPipeError) or isinstance(sys.stdout, PacifyFlushWrapper)
        ):
            drop_stdout()
            sys.exit(0)
        raise
    if code == EXIT_INTERRUPTED:  # Ctrl-C or SIGTERM during a command: Typer turns either into this exit code
        stopped()
    sys.exit(code if isinstance(code, int) else 0)
