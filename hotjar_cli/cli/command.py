"""What every command does around its run: the one-line errors and the exit code, the voice on stderr, the report's
destination, the progress bar and the closing lines."""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import functools
import gc
import glob
import os
import re
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import click
import typer

from hotjar_cli.cli.settings import UsageError
from hotjar_cli.cli.talk import STDERR, ColorMode, Talk, Verbosity
from hotjar_cli.core.errors import UserError
from hotjar_cli.core.gate import EXIT_ERROR
from hotjar_cli.core.summary import Summary
from hotjar_cli.report.wording import counted
from hotjar_cli.run.parallel import Engine, LocalEngine
from hotjar_cli.sources.reader import identity
from hotjar_cli.sources.source import Source, is_log_name

EXIT_READER_GONE = 128 + 13
"""The exit of a command whose reader went away before its result was known (`hotjar-cli validate -f jsonl … |
head -1`): 128 + SIGPIPE, as a program a closed pipe stopped ends, so that a pipeline under `set -o pipefail` never
takes a run cut short for a pass."""


class ReaderGone(Exception):
    """The reader of the output went away once the command's result was known (see `result_known`)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@contextlib.contextmanager
def result_known(code: int) -> Iterator[None]:
    """Writing what a command found once its result, `code`, is known: a reader that goes away meanwhile (`| head
    -1`) has what it wanted, and the command still ends with its result (a failed gate, say)."""
    try:
        yield
    except BrokenPipeError:
        raise ReaderGone(code) from None


def guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Turns a `UserError` into one line on stderr and exit 2, and the command's result into the exit code. A reader
    that goes away ends the command quietly: with its result once known (`result_known`), else with
    `EXIT_READER_GONE`."""
    return _guarded(command, EXIT_READER_GONE)


def guarded_listing(command: Callable[..., int]) -> Callable[..., None]:
    """`guarded` for a command that reads no input and has no verdict (the rule catalogue): a reader that goes away
    had what it wanted, which is no failure (exit 0)."""
    return _guarded(command, 0)


def _guarded(command: Callable[..., int], cut_short: int) -> Callable[..., None]:
    def wrapper(*args: Any, **kwargs: Any) -> None:
        code = cut_short
        try:
            code = command(*args, **kwargs)
            sys.stdout.flush()  # here, so that a report that cannot be written fails here, not at exit
        except UserError as error:
            Talk(color=kwargs.get("color", ColorMode.AUTO)).error(str(error))
            raise typer.Exit(EXIT_ERROR) from None
        except ReaderGone as gone:
            drop_stdout()
            raise typer.Exit(gone.code) from None
        except BrokenPipeError:
            # The reader of our output went away (`| head -1`), before the command was done or in its last flush.
            # (Left to click, a closed pipe exits 1.)
            drop_stdout()
            raise typer.Exit(code) from None
        except OSError as error:
            # Reading is reported where it fails, with its file and line; what is left is the report that cannot
            # be written (a full disk under `> report.txt`).
            drop_stdout()
            Talk(color=kwargs.get("color", ColorMode.AUTO)).error(output_error(error))
            raise typer.Exit(EXIT_ERROR) from None
        raise typer.Exit(code)

    return functools.wraps(command)(wrapper)


def output_error(error: OSError) -> str:
    """The one line that says why output could not be written: the file's name when the error has one, else
    standard output's."""
    return f"{error.filename or 'standard output'}: {error.strerror or error}"


def drop_stdout() -> None:
    """Point stdout at /dev/null, so that flushing what is left of it at exit fails no more."""
    try:
        number = sys.stdout.fileno()
    except (OSError, ValueError):  # no file at all (the command was started without one): nothing to flush
        return
    os.dup2(os.open(os.devnull, os.O_WRONLY), number)


def voice(quiet: bool, verbose: bool, color: ColorMode) -> Talk:
    """The command's voice on stderr, from -q, -v and --color."""
    if quiet and verbose:
        raise UsageError("-q/--quiet and -v/--verbose cannot go together")
    return Talk(Verbosity.QUIET if quiet else Verbosity.VERBOSE if verbose else Verbosity.NORMAL, color)


PAGE_ON_A_TERMINAL = (
    "--format html writes a page for a browser, not for a terminal: name its file with -o report.html, or redirect "
    "the output"
)


def output_path(
    given: str | None,
    sources: list[Source],
    read: dict[str, Path | None] | None = None,
    page: bool = False,
    option: str = "-o/--output",
) -> Path | None:
    """Where `-o` sends the report: None for stdout (no `-o`, or `-o -`), else the path, refused when it is a
    folder (or ends in `/`, as a folder's name does), one of the inputs, or one of the other files the command
    `read`, by what each is (`--known-attributes file`, `settings file`), which the report would replace.
    A seed file holds the names no log tells of: `-o` onto it, meant to refresh the list, lost them.

    A `page` (the html format) is refused on a terminal, standard output or one `-o` names (`/dev/tty`,
    `/dev/stdout`): the page's megabyte of markup and script scrolled past, read by no one. `option`: the option
    that named the file, as messages say it."""
    if given is None or given == "-":
        if page and sys.stdout.isatty():
            raise UsageError(PAGE_ON_A_TERMINAL)
        return None
    if not given:
        raise UsageError(f"{option} names no file")
    if page and _is_a_terminal(given):
        raise UsageError(f"{given}: {PAGE_ON_A_TERMINAL}")
    output = Path(given)
    if landing(output).is_dir() or given.endswith(os.sep):
        raise UsageError(f"{given}: is a folder; {option} names the report's file")
    try:
        written = landing(output).stat()
    except OSError:
        return output  # not there yet (or not reachable: said when it is written)
    if _is_an_input(written, sources):
        raise UsageError(f"{output}: is one of the inputs; {option} would replace it with the report")
    what = read_as(output, read or {})
    if what is not None:
        raise UsageError(f"{output}: is the {what}; {option} would replace it with the report")
    return output


_DESCRIPTOR_NAMES = re.compile(r"/dev/(?:std(?P<stream>in|out|err)|fd/(?P<fd>\d+))|/proc/self/fd/(?P<own>\d+)")
"""The names of a descriptor this process holds: `/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`."""


def _is_an_input(found: os.stat_result, sources: list[Source]) -> bool:
    """Whether a file to be written is one of the inputs: the same file, or the same named pipe (read and written
    at once, each would take the other's bytes). A device read and written (`/dev/null`) is no harm."""
    kinds = ("file", "stream") if stat.S_ISFIFO(found.st_mode) else ("file",)
    return any(identity(source) in [(kind, found.st_dev, found.st_ino) for kind in kinds] for source in sources)


def _descriptor_named(path: Path) -> int | None:
    """The open descriptor a path names (`_DESCRIPTOR_NAMES`), None when it names none or none is open there."""
    named = _DESCRIPTOR_NAMES.fullmatch(str(path))
    if named is None:
        return None
    stream = named.group("stream")
    descriptor = ("in", "out", "err").index(stream) if stream else int(named.group("fd") or named.group("own"))
    try:
        os.fstat(descriptor)
    except (OSError, OverflowError):
        return None
    return descriptor


def landing(path: Path) -> Path:
    """The file a path names once written (`open_output` writes there): its links followed, and each `..` taken
    back from the folder before it, as the system takes it once that folder is made. Compared by the path as given,
    `new/../log.jsonl` was no file yet, so not one of the inputs, and the report replaced `log.jsonl`."""
    return Path(os.path.realpath(path))


def _is_a_terminal(path: str) -> bool:
    """Whether a path names a terminal (`/dev/tty`, `/dev/stdout` on one): opened to ask, without becoming the
    process's controlling terminal and without waiting."""
    try:
        if not stat.S_ISCHR(os.stat(path).st_mode):
            return False
        opened = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False  # not there, or not to be opened: said when the report is written
    try:
        return os.isatty(opened)
    finally:
        os.close(opened)


def read_as(path: Path | None, read: dict[str, Path | None]) -> str | None:
    """What `path` is among the other files a command `read` besides the logs (`read_besides`: the seed files, which
    list names no log tells of, and the settings file), by the same file; None when it is none of them."""
    found = None if path is None else _file_identity(path)
    if found is None:
        return None  # not there yet: none of them
    return next((what for what, file in read.items() if file is not None and _file_identity(file) == found), None)


def _file_identity(path: Path) -> tuple[int, int] | None:
    """A file's device and inode (standard input's, for `-`, when a file is redirected to it); None when it has
    none to compare (not there, a pipe, no standard input)."""
    try:
        found = os.fstat(sys.stdin.fileno()) if str(path) == "-" and sys.stdin is not None else landing(path).stat()
    except (OSError, ValueError):
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISREG(found.st_mode) else None


FORMAT_OF_SUFFIX = {
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".md": "markdown",
    ".markdown": "markdown",
    ".xml": "junit",
    ".csv": "csv",
}
"""The report format a file's name asks for, by its suffix."""
COMPRESSED_SUFFIXES = frozenset((".gz", ".gzip", ".bz2", ".xz", ".zst", ".zip"))
"""Suffixes of a compressed file's name: no report is written compressed."""


def say_format_for(talk: Talk, output: Path | None, format: str, formats: list[str], asked: bool = False) -> None:
    """Say when `-o` names a file whose suffix asks for another of the command's formats than the report's, the
    format left to its default: `-o report.html` alone wrote the text report into a page no browser shows as one.
    `asked`: the format was given with the file (`--also markdown=report.html`), which is said too. A name of a
    compressed file (`report.json.gz`) is said to get its report uncompressed, whatever the format."""
    import click
    from click.core import ParameterSource

    if output is None:
        return
    suffixes = [suffix.lower() for suffix in output.suffixes]
    compressed = bool(suffixes) and suffixes[-1] in COMPRESSED_SUFFIXES
    if compressed:
        suffixes.pop()
    context = None if asked else click.get_current_context(silent=True)
    compared = asked or (context is not None and context.get_parameter_source("format") is ParameterSource.DEFAULT)
    wanted = FORMAT_OF_SUFFIX.get(suffixes[-1]) if compared and suffixes else None
    if wanted is not None and wanted != format and wanted in formats:
        how = f"--also {wanted}={output}" if asked else f"--format {wanted}"
        plain = ", uncompressed" if compressed else ""
        talk.say(f"hotjar-cli: {output} gets the {format} report{plain}; {how} writes the {wanted} one")
    elif compressed:
        talk.say(f"hotjar-cli: {output} gets the {format} report uncompressed: no report is compressed")


def say_charts_left_out(talk: Talk, format: str) -> None:
    """Say when an html report leaves out its charts, which need the html extra: the page says so too, but only to
    whoever opens it."""
    import importlib.util

    if format == "html" and importlib.util.find_spec("vl_convert") is None:
        from hotjar_cli.report.html_format import INSTALL_HINT

        talk.say(f"hotjar-cli: the page leaves out its charts, which need the html extra: {INSTALL_HINT}")


def say_by_not_used(talk: Talk, formats: str) -> None:
    """Say that `--by` was given to formats (`text`, `jsonl or junit`) that show no loss over time."""
    talk.say(f"hotjar-cli: --format {formats} does not show the loss over time, so --by is not used")


def not_read_besides(option: str, path: Path | None, read: dict[str, Path | None]) -> None:
    """UsageError when a file the replay writes as it goes (a dead-letter file, a checkpoint) is one of the other
    files it `read` (see `read_as`), which it would replace."""
    what = read_as(path, read)
    if what is not None:
        raise UsageError(f"{option} {path}: is the {what}; the replay would replace it")


def outside_the_inputs(option: str, path: Path | None, paths: list[str], sources: list[Source]) -> None:
    """UsageError when a file the command writes as it goes (a dead-letter file, a checkpoint) is one of the inputs,
    which it would replace, or lies where the inputs are read from (a folder walked, a glob) under a name read as
    a log: the next run over the same logs would read it back, and a dead-letter file's lines are the messages
    themselves, so they would be replayed twice."""
    if path is None:
        return
    try:
        found = landing(path).stat()
    except OSError:
        pass  # not there yet
    else:
        if _is_an_input(found, sources):
            raise UsageError(f"{option} {path}: is one of the inputs; the replay would replace it")
    if not is_log_name(path.name):
        return  # a walk skips it (a dot-file, a .txt ...)
    target = path.resolve()
    for given in paths:
        if given == "-" or "://" in given:
            continue
        inside = (
            fnmatch.fnmatchcase(str(target), os.path.abspath(given))
            if glob.has_magic(given)
            else Path(given).is_dir() and target.is_relative_to(Path(given).resolve())
        )
        if inside:
            raise UsageError(
                f"{option} {path}: lies in {given}, which is read as the logs: the next run over them would read it "
                "as logs too, and replay its messages twice; put it outside the logs"
            )


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or the file named by --output (created with its folders), written whole or not at all.

    The report is written to a temporary file beside the target and renamed over it once complete, so a run
    that is interrupted or fails leaves the previous report as it was, never a half-written one. A symbolic link
    is followed: the file it points to gets the report, and the link stays. What is no regular file (a device
    such as /dev/null, a named pipe) is written through, as a shell's `>` writes it, and so is a descriptor named
    (`/dev/stdout`, `/dev/fd/3`), where its opener left it. An error writing the report names the file.

    A file that could not be written in place (read-only by its mode, root's run too, or by its permissions for
    this user) is refused, as a shell's `>` refuses it, rather than replaced by the rename, which a folder's
    permissions alone allow. A file in a folder that cannot be written is refused with that folder named, not
    written in place: a run cut short would leave it truncated, half a report, where the rename leaves the old one
    whole; a shell's `>` (the report on standard output) writes it in place for whoever accepts that.
    """
    if path is None:
        yield sys.stdout
        return
    descriptor = _descriptor_named(path)
    if descriptor is not None:
        # `-o /dev/stdout >> log.txt`: reopened by its name (or renamed over), the file a shell opened was emptied or
        # replaced, and what it held before was lost. Written through the descriptor, where the shell left it.
        try:
            through = os.fdopen(os.dup(descriptor), "w", encoding="utf-8")
        except OSError as error:
            raise named_error(error, path) from None
        try:
            with through:
                yield through
        except OSError as error:
            # A report that fits the buffer fails as it is closed: left unnamed, it was said as standard output's,
            # or as the -o file's when it was an --also report.
            raise named_error(error, path) from None
        return
    try:
        if path.exists() and not path.is_file():
            with open(path, "w", encoding="utf-8") as through:
                yield through
            return
    except OSError as error:
        raise named_error(error, path) from None
    target = landing(path)
    _refuse_read_only(path, target)
    made = _missing_folders(target.parent)
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise UsageError(f"{path}: {_file_on_the_way(Path(path).parent)} is a file, not a folder") from None
        except OSError as error:
            _remove_folders(made)
            raise UsageError(f"{path}: cannot make the folder {error.filename} ({error.strerror or error})") from None
        _UNFINISHED[path] = target.exists()
        temporary = _write_aside(target)
    except OSError as error:
        _remove_folders(made)
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise UsageError(_folder_not_writable(path, target, error)) from None
        raise UsageError(f"{path}: {error.strerror or error}") from None
    try:
        file = open(temporary, "w", encoding="utf-8")  # noqa: SIM115 - closed below, before the rename or the removal
    except BaseException as error:
        _remove_aside(temporary)
        _remove_folders(made)
        if isinstance(error, OSError):
            raise UsageError(f"{path}: {error.strerror or error}") from None
        raise
    try:
        yield file
        file.close()
    except BaseException as error:
        # Closing writes what is left of the report, which fails again on a full disk: that second error, unnamed,
        # was said as standard output's, and the file written aside was left there.
        with contextlib.suppress(OSError):
            file.close()
        _remove_aside(temporary)
        # A run refused once the report's file was opened (no Dask scheduler, standard input for Dask workers)
        # leaves no folder it made for the report either: a CI step that uploads `out/` would find it, empty.
        _remove_folders(made)
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise named_error(error, path) from None
        raise
    try:
        # mkstemp makes the file readable by its owner only: the report keeps the permissions of the file it
        # replaces (one kept private stays private), else gets those a new file gets.
        if target.exists():
            mode = stat.S_IMODE(target.stat().st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        temporary.chmod(mode)
        with _stops_held():  # the file replaced and said to be, at once
            os.replace(temporary, target)
            _WRITTEN_ASIDE.discard(temporary)
            del _UNFINISHED[path]
    except OSError as error:
        _remove_aside(temporary)
        raise UsageError(f"{path}: {error.strerror or error}") from None


def _missing_folders(folder: Path) -> list[Path]:
    """The folders on the way to `folder` that are not there yet (`folder` first, then those around it): the ones a
    report's file makes, and removes when no report is written."""
    missing = []
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_folders(folders: list[Path]) -> None:
    """Removes the folders a report's file made, innermost first, each only while it is empty: another report, or
    another program, may have put a file there meanwhile."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


_UNFINISHED: dict[Path, bool] = {}
"""The files named by -o whose reports were begun and not put in place, and whether each was there: an interrupted
command leaves them as they were, and says so (`unfinished_reports`)."""
_WRITTEN_ASIDE: set[Path] = set()
"""The reports being written beside their files (`open_output`), until renamed over them or removed."""


def _write_aside(target: Path) -> Path:
    """A new, empty file beside `target`, in `_WRITTEN_ASIDE` before Ctrl-C or SIGTERM can come: one that came before
    `open_output` reached its `try`, or once it gave the file but before the command's first step (when no `with`
    removes it), would leave the file behind but for `remove_written_aside`."""
    import tempfile  # here: it costs start-up time, and most runs write to stdout

    with _stops_held():
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        temporary = Path(name)
        _WRITTEN_ASIDE.add(temporary)
    return temporary


@contextlib.contextmanager
def _stops_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held off while a file is made or replaced and said to be: one that comes meanwhile is
    raised once they are done."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _remove_aside(temporary: Path) -> None:
    temporary.unlink(missing_ok=True)
    _WRITTEN_ASIDE.discard(temporary)


def unfinished_reports() -> list[tuple[Path, bool]]:
    """The files named by -o whose reports were begun and not put in place (each left as it was), and whether each
    was there."""
    return list(_UNFINISHED.items())


def remove_written_aside() -> None:
    """Removes the reports an interrupted command was writing beside their files: the files named by -o keep their
    last reports, and nothing else is left."""
    for temporary in list(_WRITTEN_ASIDE):
        with contextlib.suppress(OSError):
            _remove_aside(temporary)


def _writable(path: Path) -> bool:
    """Whether this process may write a file in place (the kernel's word: root may write any)."""
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def _refuse_read_only(path: Path, target: Path) -> None:
    """UsageError when the report would replace a file that could not be written in place: one whose mode lets
    no one write it (0444), which is a decision the rename would overrule, for root too, or one this user may
    not write."""
    try:
        found = target.stat()
    except OSError:
        return  # not there yet (or not reachable: said when it is written)
    if not stat.S_ISREG(found.st_mode) or (found.st_mode & 0o222 and _writable(target)):
        return
    import shlex

    mine = found.st_uid == os.geteuid()
    hint = f"make it writable (chmod u+w {shlex.quote(str(path))})" if mine else "have its owner make it writable"
    raise UsageError(f"{path}: is read-only, so the report does not replace it; {hint}, or name another file")


def _folder_not_writable(path: Path, target: Path, error: OSError) -> str:
    """Why the report cannot go to a file whose folder cannot be written: the report is written beside the file and
    renamed over it, which that folder must allow even when the file itself could be written."""
    import shlex

    said = f"{path}: its folder {target.parent} cannot be written ({error.strerror or error})"
    if not target.exists():
        return said
    hint = "name a file in a folder you can write"
    if _writable(target):
        hint += f", or leave out -o and redirect the report into it (> {shlex.quote(str(path))})"
    return (
        f"{said}: the report is written to a new file in it, then renamed over {target.name}, so that a run cut "
        f"short leaves the old report whole; {hint}"
    )


def _file_on_the_way(folder: Path) -> Path:
    """The first of a folder's ancestors (or itself) that exists and is not a folder."""
    for ancestor in (*reversed(folder.parents), folder):
        if ancestor.exists() and not ancestor.is_dir():
            return ancestor
    return folder


def named_error(error: OSError, path: Path | None) -> Exception:
    """An error writing a report, as one line that names its file (a full disk does not), or standard output (None):
    said where it happened, before it passes the other reports' files, which would take it for theirs."""
    if isinstance(error, BrokenPipeError):
        return error  # the reader of a named pipe, or of standard output, went away
    if path is None:
        return UsageError(output_error(error))
    return UsageError(f"{error.filename or path}: {error.strerror or error}")


def progress_bar(
    talk: Talk, label: str, sources: list[Source], wanted: bool | None
) -> contextlib.AbstractContextManager[Any]:
    """Progress on stderr, as `Talk.shows_progress` decides: a bar on a terminal, plain lines anywhere else; else
    nothing."""
    if not talk.shows_progress(wanted):
        return contextlib.nullcontext()
    from hotjar_cli.cli.progress import ProgressBar, ProgressLines, total_bytes

    if talk.on_terminal:
        return ProgressBar(label, total_bytes(sources), talk.progress_console())
    return ProgressLines(label, total_bytes(sources), STDERR)


@contextlib.contextmanager
def set_aside_after(engine: Engine) -> Iterator[None]:
    """A run on this machine's processes, after which what it left alive (its summary, the core's caches) is set
    aside from the cyclic garbage collector for the rest of the command (`gc.freeze`), which would otherwise walk
    it again and again while the report is written. The collector is paused meanwhile, so that `run_pass` leaves
    it paused at its end. Garbage from before the run is collected first, so that none is set aside with it. This
    process is the command's alone; a Dask client's is not, and is left as it is."""
    if not isinstance(engine, LocalEngine) or not gc.isenabled():
        yield
        return
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def beneath_progress(out: TextIO, shown: Any) -> TextIO:
    """`out` as a pass writes its lines to it: on the terminal a progress bar is drawn on, never on the bar's line
    (see `RunProgress.beneath`)."""
    return out if shown is None else shown.beneath(out)


def with_progress(engine: Engine, shown: Any) -> Engine:
    """The engine, its local processes sending their progress to the bar when one is shown; the workers of another
    engine send none, and the bar moves as each unit of work comes back."""
    if shown is None:
        return engine
    if not isinstance(engine, LocalEngine):
        shown.counted_by_unit()
        return engine
    return LocalEngine(engine.jobs, shown.channel)


def say_errors(talk: Talk, summary: Summary) -> None:
    """Files that could not be read to their end, one line each on stderr, whatever the report format."""
    for error in summary.errors:
        talk.error(f"{error.place}: {error.message}")


def say_done(talk: Talk, summary: Summary, started: float, engine: Engine) -> None:
    """With -v: what was read, how, and how fast."""
    seconds = time.monotonic() - started
    where = (
        f"{engine.jobs} local process{'es' if engine.jobs != 1 else ''} at most"
        if isinstance(engine, LocalEngine)
        else "a Dask cluster"
    )
    talk.detail(
        f"read {counted(summary.files, 'file')}, {counted(summary.lines, 'line')}, "
        f"{counted(summary.events, 'event')} in {seconds:.2f} s ({summary.events / seconds if seconds else 0:,.0f} "
        f"events/s) on {where}"
    )


def given_options(names: tuple[str, ...]) -> list[str]:
    """Those of these parameters given on the command line (or from the environment), as their options."""
    context = click.get_current_context(silent=True)
    if context is None:
        return []
    return [
        "--" + name.replace("_", "-")
        for name in names
        if context.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)
    ]
