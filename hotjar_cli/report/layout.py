"""Text laid out at the width it is given: lines that break between words, never inside a number.

A terminal's own wrapping (and rich's) breaks a long word anywhere and starts the rest in the first column:
`logs/a.jsonl:1` on one line and `0007` on the next, for line 10007. `Flow` breaks where a piece of text starts
with a space, folds a piece wider than the line (a long path, a long messageId) before a number rather than
inside it, and indents every line after the first. It works out its lines at the width rich gives it when it is
printed, so it fits a terminal, a table cell or a pipe alike.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text

from hotjar_cli.report.workflow import GUARD_WIDENS, inert_hashes, inert_line


class OutputConsole(Console):
    """A rich console for a report: a reader that goes away (`| true`, `| head -1`) raises `BrokenPipeError`, which
    the command answers with its verdict. Rich's own answer is to exit 1, which the command line took for a `--help |
    head` and turned into 0: a failed gate exited 0, and its other reports went unwritten."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def written_to_a_file(out: object) -> bool | None:
    """False when `out` is a regular file (`-o report.txt`, `> report.txt`), else None: what rich's `force_terminal`
    is given under `--color auto`, so that a file never holds colour unless `--color always` asks, even with
    `FORCE_COLOR` set (as CI sets it for its logs), which rich otherwise obeys on any stream."""
    try:
        return False if stat.S_ISREG(os.fstat(out.fileno()).st_mode) else None  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # no descriptor (a StringIO, a test's capture), or closed
        return None


def report_console(out: TextIO, color: bool | None) -> OutputConsole:
    """The console a text report prints to `out`, coloured as `--color` asks: `color` as `Reporter.color`.

    None (`auto`): as rich decides for `out` (a terminal, unless NO_COLOR; a pipe too with FORCE_COLOR), never a file
    (`written_to_a_file`). True (`always`) colours a pipe or a file too, whatever NO_COLOR says; False (`never`)
    writes no escape at all."""
    if color is None:
        return OutputConsole(file=out, highlight=False, soft_wrap=False, force_terminal=written_to_a_file(out))
    return OutputConsole(
        file=out,
        highlight=False,
        soft_wrap=False,
        force_terminal=color or None,
        no_color=not color,
        color_system="standard" if color else None,
    )


Chunk = tuple[str, str]
"""A piece of a line that is never broken, unless it is wider than the line, and its style. A piece starting with
a space may begin a new line (without that space); any other piece stays glued to the one before it."""

UNBOUNDED = 1 << 20
FOLD_MIN = 20
"""Cells a flow asks of a table at least: narrower, a path is folded into more lines than it is worth."""


def words(text: str, style: str = "", lead: str = "") -> list[Chunk]:
    """Text as pieces that break at its spaces, the first one after `lead` (glued to what comes before, unless
    `lead` starts with a space)."""
    parts = text.split(" ")
    return [(lead + parts[0], style), *((" " + part, style) for part in parts[1:])]


FOLD_AFTER = ("/", "-_", ".")
"""Where a piece too wide for its line is folded by preference, in this order: after a path's `/`, a name's or an
id's `-` or `_`, a `.`; so that `segment-logs/Xo3ZqW8mTn/` stays whole rather than end its line at `Xo3Zq`, and
`http-api-batch.jsonl` is not cut inside its suffix."""


def _split(text: str, room: int, at: int = 0) -> int:
    """Where to fold `text[at:]` to fit `room` cells, as an index into `text`: the most characters that fit, moved
    back to just after the last of `FOLD_AFTER` among them if that keeps at least half the room, then to the start
    of a number the fold would cut (`cuts_a_number`), or of an escape it would cut
    (`\\u0007`: its `\\u` at a line's end and `0007` on the next read as neither); `at` when not even one character
    fits, or the number starts the text."""
    end = at
    used = 0
    while end < len(text):  # by index: the rest of the text is not copied at each fold
        used += cell_len(text[end])
        if used > room:
            break
        end += 1
    if end >= len(text):
        return end
    for marks in FOLD_AFTER:
        after = max(text.rfind(mark, at, end) for mark in marks) + 1
        if after > at and cell_len(text[at:after]) * 2 >= room:
            end = after
            break
    start = end
    while start > at and cuts_a_number(text, start, at):
        start -= 1
    backslash = text.rfind("\\", max(at + 1, start - _ESCAPE_LENGTH + 1), start)
    escape = _ESCAPE.match(text, backslash) if backslash >= 0 else None
    return backslash if escape is not None and escape.end() > start else start


def cuts_a_number(text: str, end: int, at: int = 0) -> bool:
    """Whether a fold just before `text[end]` (past `at`) cuts a number: between its digits, its separators
    (`12,345`, `100.0`) and a percent sign after it, or just after the colon before it (`file:12`)."""
    before, here = text[end - 1], text[end]
    if here.isdigit():
        return before.isdigit() or before == ":" or (before in ",." and end - 2 >= at and text[end - 2].isdigit())
    if here in ",.":
        return before.isdigit() and end + 1 < len(text) and text[end + 1].isdigit()
    return here == "%" and before.isdigit()


_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}")
"""An escape the reports write a character as (`hotjar_cli.core.visible`, `\\xff` for a byte of a file's name)."""
_ESCAPE_LENGTH = 6


def fits(console: Console, renderable: RenderableType) -> bool:
    """Whether the renderable fits the console's width without cutting or folding what it must keep whole."""
    # A measurement is capped at the width it is taken at: taken unbounded, it tells how much is needed.
    return Measurement.get(console, console.options.update_width(UNBOUNDED), renderable).minimum <= console.width


def lay_out(chunks: Iterable[Chunk], width: int, indent: int = 0) -> list[list[Chunk]]:
    """The pieces in lines of at most `width` cells, each line after the first indented by `indent` spaces."""
    width = max(width, 1)
    margin = " " * (indent if indent < width // 2 else 0)
    lines: list[list[Chunk]] = [[]]
    used = 0

    def new_line() -> None:
        nonlocal used
        lines.append([(margin, "")] if margin else [])
        used = len(margin)

    for text, style in chunks:
        if text.startswith(" ") and used > len(margin) and used + cell_len(text) > width:
            new_line()
            text = text.lstrip(" ")
        # The rest of the piece is `text[at:]`, `left` cells wide: measured once and folded by index, since measuring
        # and copying the rest at each fold took a name of 200,000 characters four seconds (quadratic).
        at, left = 0, cell_len(text)
        while used + left > width:
            end = _split(text, width - used, at)
            if end == at or not text[at:end].strip():
                if used > len(margin):
                    new_line()
                    spaces = at
                    while at < len(text) and text[at] == " ":
                        at += 1
                    left -= at - spaces
                    continue
                # A number longer than the line: cut it where it must be.
                end = at + max(1, width - used)
            part = text[at:end]
            lines[-1].append((part, style))
            new_line()
            left -= cell_len(part)
            at = end
        if at < len(text):
            lines[-1].append((text[at:], style))
            used += left
    return lines


def _as_written(line: list[Chunk]) -> list[Chunk]:
    """A line of pieces as the output stream writes it (`inert_line`): where it starts with `::`, its first `:`
    escaped, in the style of the `:`; pieces of one style after the escape joined again."""
    plain = "".join(text for text, _ in line)
    shown = inert_line(plain)
    if shown == plain:
        return line
    written: list[Chunk] = []
    at = 0
    for character, style in ((character, style) for text, style in line for character in text):
        # Each escape stands for one character, which it never starts with: where the two differ, the escape is next.
        piece = character if shown.startswith(character, at) else shown[at : at + GUARD_WIDENS + 1]
        at += len(piece)
        if written and written[-1][1] == style:
            written[-1] = (written[-1][0] + piece, style)
        else:
            written.append((piece, style))
    return written


class Flow:
    """Pieces of text that break at their spaces to fit the width they are printed at, further lines indented.

    Its lines are laid out as the output stream writes them (`hotjar_cli.report.workflow`): a `##[` is escaped in each
    piece, and a line that would start with `::` has its first `:` escaped, each escape five characters longer than
    what it stands for. `starts_lines`: whether each of its lines starts a line of the report, as it does unless it
    is in a table's cell, whose line starts with the table's border (the stream escapes no `::` after it)."""

    def __init__(self, chunks: Iterable[Chunk], indent: int = 0, starts_lines: bool = True) -> None:
        self.chunks = [(inert_hashes(text), style) for text, style in chunks]
        self.indent = indent
        self.starts_lines = starts_lines

    def lines(self, width: int) -> list[Text]:
        """The flow's lines at `width` cells, as they are written. Where a line would start with `::`, the escape of
        its `:` took it past `width`: the flow is then folded that much narrower."""
        lines = lay_out(self.chunks, width, self.indent)
        if self.starts_lines:
            lines = [_as_written(line) for line in lines]
            if width > GUARD_WIDENS and any(sum(cell_len(text) for text, _ in line) > width for line in lines):
                lines = [_as_written(line) for line in lay_out(self.chunks, width - GUARD_WIDENS, self.indent)]
        return [Text.assemble(*line) for line in lines]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = Text("\n").join(self.lines(options.max_width))
        text.no_wrap = True
        yield text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((cell_len(text.lstrip(" ")) for text, _ in self.chunks), default=0)
        whole = sum(cell_len(text) for text, _ in self.chunks)
        return Measurement(min(widest, FOLD_MIN), whole).clamp(max_width=options.max_width)
