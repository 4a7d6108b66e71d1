"""What the command line says on stderr: errors always, the rest as `-q` and `-v` ask, coloured as `--color` asks.

stdout carries only the report. Everything said here that came from the input (a path, a file's error) is shown
with its control characters made visible. rich is imported only when something is said.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, TextIO, cast

from hotjar_cli.core.visible import visible
from hotjar_cli.report.workflow import InertLines

if TYPE_CHECKING:
    from rich.console import Console


_UNDECODED_BYTE = re.compile("[\udc80-\udcff]")
"""A byte of a path that is not UTF-8, as Python keeps it (a lone surrogate, `surrogateescape`)."""


def shown(text: str) -> str:
    """A line as stderr shows it: a path's bytes that are not UTF-8 as `\\xff`, as the reports write them (not as
    the lone surrogate `\\udcff` Python holds them as), then every control and invisible character visible."""
    return visible(_UNDECODED_BYTE.sub(lambda byte: f"\\x{ord(byte[0]) - 0xDC00:02x}", text))


def _stderr() -> TextIO:
    """`sys.stderr` as it is now, less the stand-in a live progress bar puts there while it runs (rich's `FileProxy`,
    which prints what is written to it through the bar's console): written to, the console writing here wrote to
    itself, for ever, and a replay on a terminal hung before its first user."""
    stream = sys.stderr
    proxied: TextIO = getattr(stream, "rich_proxied_file", stream)
    return proxied


class _SystemStderr:
    """`sys.stderr`, whichever stream it is when written to (`_stderr`)."""

    def write(self, text: str) -> int:
        return _stderr().write(text)

    def flush(self) -> None:
        _stderr().flush()


class Stderr:
    """stderr as the consoles write to it: once it cannot be written (its reader went away, as in `2>&1 | head`, or
    its device is full), what is said is dropped and the command goes on, to end with its own exit code; the error
    ended it with 0, and a log that could not be read passed a gate. No line of it is a CI workflow command (see
    `hotjar_cli.report.workflow`): a message folded at its width may start a line with a name from the logs."""

    def __init__(self) -> None:
        self.gone = False
        self._lines = InertLines(cast("TextIO", _SystemStderr()))

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self._lines.write(text)
            except OSError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._lines.flush()
            except OSError:
                self._drop()

    def isatty(self) -> bool:
        return not self.gone and _stderr().isatty()

    def fileno(self) -> int:
        return _stderr().fileno()

    @property
    def encoding(self) -> str:
        return _stderr().encoding

    def _drop(self) -> None:
        # Pointed at /dev/null, so that what stderr still holds is flushed at exit without a word.
        self.gone = True
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())


STDERR = cast("TextIO", Stderr())
"""The stderr every console of the command line writes to (a text stream in all that they use of one)."""


class ColorMode(str, Enum):
    """`--color`: colour in the text report and on stderr."""

    AUTO = "auto"
    """On a terminal, unless NO_COLOR is set."""
    ALWAYS = "always"
    NEVER = "never"

    @property
    def forced(self) -> bool | None:
        """True or False when the user decided, None to look at the terminal and NO_COLOR."""
        return None if self is ColorMode.AUTO else self is ColorMode.ALWAYS


class Verbosity(IntEnum):
    """How much is said besides errors: `-q` nothing, `-v` detail."""

    QUIET = 0
    NORMAL = 1
    VERBOSE = 2


class Talk:
    """The voice of one command on stderr."""

    def __init__(self, verbosity: Verbosity = Verbosity.NORMAL, color: ColorMode = ColorMode.AUTO) -> None:
        self.verbosity = verbosity
        self.color = color
        self._console: Console | None = None
        self._typing = False

    @property
    def console(self) -> Console:
        """stderr as a rich console, coloured as asked."""
        if self._console is None:
            from rich.console import Console

            forced = self.color.forced
            if forced is None:
                self._console = Console(file=STDERR, no_color="NO_COLOR" in os.environ, soft_wrap=True)
            else:
                self._console = Console(
                    file=STDERR,
                    soft_wrap=True,
                    force_terminal=forced or None,
                    no_color=not forced,
                    color_system="standard" if forced else None,
                )
        return self._console

    def error(self, text: str) -> None:
        """`hotjar-cli: error: TEXT`, whatever -q says."""
        self.console.print(f"hotjar-cli: error: {shown(text)}", markup=False, highlight=False)

    def say(self, text: str) -> None:
        """A line of talk, unless -q."""
        if self.verbosity >= Verbosity.NORMAL:
            self.console.print(shown(text), markup=False, highlight=False)

    def detail(self, text: str) -> None:
        """A line of detail, only with -v."""
        if self.verbosity >= Verbosity.VERBOSE:
            self.console.print(f"hotjar-cli: {shown(text)}", markup=False, highlight=False)

    @property
    def on_terminal(self) -> bool:
        """Whether stderr is a terminal: a person reads what is said there as it comes."""
        return sys.stderr.isatty()

    def reads_the_terminal(self) -> None:
        """Standard input is read from the terminal: the user types there, and no progress bar is drawn over it
        unless `--progress` asks for one."""
        self._typing = True

    def shows_progress(self, wanted: bool | None) -> bool:
        """Whether progress is shown: as `--progress`/`--no-progress` say, `--progress` even with -q (the user asked
        for it by name); else on a terminal unless -q or the user is typing the input on it."""
        if wanted is not None:
            return wanted
        return self.verbosity >= Verbosity.NORMAL and sys.stderr.isatty() and not self._typing

    def progress_console(self) -> Console:
        """The console a progress bar draws on, stderr being a terminal.

        Without colour (`--color never`, or `auto` with NO_COLOR) the bar is drawn without any style, bold included:
        only the cursor controls that redraw it are written."""
        coloured = self.color.forced
        if coloured is None:
            coloured = "NO_COLOR" not in os.environ
        if coloured:
            return self.console
        from rich.console import Console

        return Console(file=STDERR, force_terminal=True, color_system=None)
