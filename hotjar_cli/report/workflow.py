"""Output that a CI log shows as it is: no text from the logs makes a line of it a GitHub Actions workflow command.

GitHub's runner reads every line a job writes, to standard output or standard error, as a command in two forms
(actions/runner, `src/Runner.Common/ActionCommand.cs`, read by `ActionCommandManager.TryProcessCommand`): a line
that starts with `::` once its leading whitespace is trimmed (`::error title=…::…`, `::add-mask::…`,
`::stop-commands::…`), and, anywhere in a line, `##[` before a command's name and `]` (`##[error]…`). A report
folds a long text onto lines of its own, indented, so that a message id or a trait name from the logs may start a
line; and a log line shown as it is may hold `##[`. Such a line forged an error annotation, or hid the rest of the
log from the runner, on any job that printed a report.

`InertLines` writes a stream's text with the two made inert: the first `:` of a line that would start with `::`
(once the colour codes before it are taken out too, as a log viewer that shows no colour does), and the second `#`
of every `##[`, are written as an escape, as the reports write a character a terminal would act on (`\\u003a`,
`\\u0023`; `&#58;` and `&#35;` in XML). A JSON string reads the same with the escape, and no JSON
line starts with `::` outside a string. The `github` format writes workflow commands on purpose (its data
percent-encoded by the runner's rules), and HTML is a page, not a log: neither is written through it, nor a CSV
file written exactly (`-o`).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple, TextIO, cast


class Escapes(NamedTuple):
    """How a format writes the two characters: in text and JSON, `\\u003a` and `\\u0023`."""

    colon: str
    hash: str


TEXT_ESCAPES = Escapes("\\u003a", "\\u0023")
_LEAD = re.compile(r"(?:\s|\x1b\[[0-9;]*m)*")
"""What a line starts with before its text: whitespace, and the colour codes of a coloured report (`--color always`):
a log viewer that takes the colours out leaves a line that starts with `::` where the report's was dim."""
XML_ESCAPES = Escapes("&#58;", "&#35;")
GUARD_WIDENS = len(TEXT_ESCAPES.colon) - 1
"""Cells a text escape adds to a line (`\\u003a` for `:`, `\\u0023` for `#`)."""


def _after_lead(line: str) -> str:
    """The line less the whitespace and colour codes it starts with (`_LEAD`)."""
    return line[_LEAD.match(line).end() :]  # type: ignore[union-attr]  # it matches every text


def inert_hashes(text: str, escapes: Escapes = TEXT_ESCAPES) -> str:
    """The text with the second `#` of every `##[` escaped, as `InertLines` writes it wherever it lies in a line."""
    return text.replace("##[", "#" + escapes.hash + "[") if "##[" in text else text


def inert_line(line: str, escapes: Escapes = TEXT_ESCAPES) -> str:
    """A whole line as `InertLines` writes it (`inert_hashes`, and its first `:` escaped where it would start with
    `::`), which `InertLines` then writes as it is. A report that pads or folds text from the logs lays out the lines
    this gives: each escape is five characters longer than what it stands for, and added after the padding it pushed
    a guarded name's row out of line with the others."""
    line = inert_hashes(line, escapes)
    rest = _after_lead(line)
    if rest[:2] == "::":
        return line[: len(line) - len(rest)] + escapes.colon + rest[1:]
    return line


class InertLines:
    """A text stream written with no workflow command in it (see the module). A line is looked at whole once its end
    is written; what `flush` writes of a line before its end is made safe whatever may follow it."""

    def __init__(self, stream: TextIO, escapes: Escapes = TEXT_ESCAPES) -> None:
        self.stream = stream
        self._escapes = escapes
        self._pending = ""  # the part of the current line written here and not on yet
        self._started = False  # a part of the current line other than whitespace was written on (by `flush`)

    def write(self, text: str) -> int:
        if "\n" not in text:
            self._pending += text
            return len(text)
        ended, _, self._pending = (self._pending + text).rpartition("\n")
        if "::" in ended or "##[" in ended:  # nearly never: the lines as they are otherwise
            ended = "\n".join(self._inert(line, cut=False) for line in ended.split("\n"))
        self._started = False
        self.stream.write(ended + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            piece, self._pending = self._inert(self._pending, cut=True), ""
            self.stream.write(piece)
        self.stream.flush()

    def _inert(self, line: str, cut: bool) -> str:
        """A line made inert; `cut`: the part of one written before its end, whose last `#` (or `:` where only
        whitespace is before it) is escaped too, so that what follows cannot make a command of it."""
        escapes = self._escapes
        line = inert_hashes(line, escapes)
        rest = _after_lead(line)
        if not self._started and (rest[:2] == "::" or (cut and rest == ":")):
            line = line[: len(line) - len(rest)] + escapes.colon + rest[1:]
        if cut:
            if line[-1:] == "#":
                line = line[:-1] + escapes.hash
            self._started = self._started or bool(rest)
        else:
            self._started = False  # the next line starts afresh
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)  # isatty, fileno, encoding, buffer: the stream's own


WRITTEN_AS_THEY_ARE = frozenset({"github", "html"})
"""The formats written as they are: workflow commands on purpose, and a page."""


def inert(format: str, stream: TextIO) -> TextIO:
    """`stream` as a report in `format` (`--format`'s value, for `validate` or `inventory`) is written to it."""
    if format in WRITTEN_AS_THEY_ARE:
        return stream
    return cast("TextIO", InertLines(stream, XML_ESCAPES if format == "junit" else TEXT_ESCAPES))
