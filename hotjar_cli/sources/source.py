"""What an input is: a local file, standard input, an S3 object or a byte range of one; which names a walk reads;
and the two ways reading fails. Shared by the local reader and the S3 lister, which build on it."""

from __future__ import annotations

import glob
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Protocol

import msgspec

from hotjar_cli.core.errors import UserError

SKIPPED_NAMES = frozenset({"dummy-object.txt"})
"""Files Segment's S3 destination writes beside the logs; skipped when a directory is walked."""
SKIPPED_SUFFIXES = frozenset(
    {".md", ".rst", ".py", ".js", ".mjs", ".cjs", ".ts", ".sh", ".jq", ".pyc", ".html", ".htm", ".xml", ".csv"}
    | {".toml", ".yaml", ".yml", ".cfg", ".ini"}
)
"""Documentation, scripts, settings and reports kept beside logs (a README, the script that made or reads them, a
project's settings such as the pyproject.toml `hotjar-cli validate .` would meet, a report written there: HTML,
JUnit XML, CSV), in any case; skipped when a folder is walked or a glob expanded. README.md lists the same
suffixes."""
OWN_REPORT = b'{\n  "tool": "hotjar-cli",'
"""How a JSON report of hotjar-cli begins: one found in a folder walked (a report written beside the logs) is no log,
and is skipped."""
OWN_LINES = re.compile(rb'\{"file":"(?:[^"\\]|\\.)*","line":(?:\d|null)')
"""How hotjar-cli's line reports begin (`validate --format jsonl`, `replay --dry-run`): each line names the file and
line it is about. No Segment message starts so, and one found in a folder walked is skipped as `OWN_REPORT` is:
read as a log, its findings would come back as messages, and count."""

_STYLE = rb"(?:\x1b\[[0-9;]*m)*"
OWN_TEXT = re.compile(
    _STYLE + rb"hotjar-cli\s+(?:validate|inventory)" + _STYLE + rb":\s"
    rb"|## hotjar-cli validate: |## Hotjar site inventory\n"
    rb"|kind,name,fate,slot,messages,users,|::(?:error|warning|notice) (?:file=|title=HJ\d|title=hotjar-cli)"
    rb"| *" + _STYLE + rb"HJ\d{3}" + _STYLE + rb" " + rb'|\[\{"code":"HJ\d{3}","name":"'
    rb"|\| code \| name \| severity \| effect \|\n|# HJ\d{3} [a-z-]+\n"
    rb"|(?:\x1b\[[0-9;]*m| )*code(?:\x1b\[[0-9;]*m| )*\xe2\x94\x83"  # the catalogue's table: ` code  ┃ name`
)
"""How hotjar-cli's other reports begin: the text and markdown reports of `validate` and `inventory`, the
inventory's CSV, `validate`'s GitHub annotations, and the catalogue of rules (`rules` in each format, `rule CODE`,
whose examples are Segment messages, which read as logs would count), whatever the file is called (a `.txt`, a
`.log`, a `.json`). No Segment
log line starts so; written beside the logs (`-o report.txt`), each would be read back as logs, and every line of
it would count as a broken message. A text report's first words may be styled (`--color always`) or folded over
two lines (at the narrowest `COLUMNS`)."""
OWN_MARKUP = re.compile(
    rb'<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="hotjar-cli"'
    rb'|<!DOCTYPE html>\n<html lang="en"><head>(?:<meta [^>]*>)*<title>hotjar-cli (?:validate|inventory)</title>'
)
"""How hotjar-cli's JUnit XML and HTML reports begin (`validate --format junit`; the `html` pages of `validate` and
`inventory`, whose title follows a few `<meta>` elements), whatever the file is called (a `.junit`, a `.page`, a
`.jsonl`): skipped in a folder walked as `OWN_TEXT` is. No Segment log line starts with `<`."""
OWN_REPLAY = b'{\n  "planned": '
"""How the summary of `replay --report json` begins, redirected into a file beside the logs (`> replay.json`): a
Segment log line holds its whole message, never a `{` alone, and each line of this one would count as a broken
message."""

STDIN = "-"
S3_SCHEME = "s3://"

RECEIVED_DAY_MARGIN = timedelta(days=1)
"""How far an event's own time may lie before the day Segment received it and still be looked for there.

A received-day folder is skipped by `--until` only when the day, less this much, is at or after it. Events that
reached Segment later than this after they happened (a device offline for days, a backfill with explicit
timestamps) can sit in a skipped folder: name the folders to read them all.
"""
_DATE_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH_MS_FOLDER = re.compile(r"\d{13}")


class Readable(Protocol):
    """What lines are read from: a file, standard input, a gzip stream, a byte range, an S3 object."""

    def read(self, size: int = -1, /) -> bytes: ...


class Seekable(Readable, Protocol):
    """The raw bytes of a file or an S3 object, before decompression, read from where they are placed."""

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...

    def close(self) -> None: ...


class InputError(UserError):
    """A path the user named cannot be read at all (missing, empty directory, no match for a glob)."""


class NothingToRead(InputError):
    """A folder, a pattern or an S3 prefix named holds no log to read: no file at all, or only files a walk skips."""


class ReadError(Exception):
    """A file stopped being readable part-way (a truncated or corrupt gzip stream, an I/O error)."""


class Remote(msgspec.Struct, frozen=True):
    """An object in S3 or an S3-compatible store: all a process needs to read it, on this machine or a worker."""

    url: str
    """s3://bucket/key"""
    endpoint_url: str | None = None
    """An S3-compatible store's address; None for AWS (the usual configuration and credential chain applies)."""
    size: int | None = None
    """The object's size in bytes, as listed."""


def shown_name(text: str) -> str:
    """A file's name as reports show it: its bytes that are not UTF-8 (which Python keeps as lone surrogates, and no
    report can encode) written as `\\xff`, the rest as it is."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.encode(errors="surrogateescape").decode(errors="backslashreplace")
    return text


class Source(msgspec.Struct, frozen=True):
    """One input: the name as the user will see it in reports, where to read it, and which bytes of it.

    A plain file may be split into byte ranges that start at line starts, so several processes share it.
    """

    name: str
    path: Path | None = None
    """A local file; None for standard input and for remote objects."""
    start: int = 0
    end: int | None = None
    """Where the range ends (exclusive); None for the end of the file."""
    remote: Remote | None = None
    """An object in S3, named by its s3:// URL in reports."""

    @property
    def whole(self) -> bool:
        """Whether this is the whole file rather than a later range of it."""
        return self.start == 0 and self.end is None

    @property
    def is_stdin(self) -> bool:
        """Whether this is standard input, which only this process can read, and only once."""
        return self.path is None and self.remote is None


class Window(msgspec.Struct):
    """The end of the event times `--until` keeps, used to skip whole received-day folders after it before reading
    them, remembering the names of those it skipped (`skipped`), for a run to say.

    Only the folders after the window are skipped: those before it are read, since their messages took the site's
    slots before the window's did (a filter chooses what is reported, not what Hotjar received), and Hotjar's
    site-wide limits judge the window's messages against them. What arrived after the window cannot change how
    Hotjar took a message in it."""

    until: datetime | None = None
    skipped: dict[str, None] = msgspec.field(default_factory=dict)
    """The received-day folders skipped, by name, in the order they were met."""

    def hint(self) -> str:
        """Words to add when nothing was found: the window may be why."""
        if self.until is None:
            return ""
        return " (received-day folders after --until are skipped)"

    def excludes_folder(self, name: str) -> bool:
        """Whether a folder named for a day Segment received events on certainly holds none before the window's
        end."""
        day = received_day(name)
        excluded = day is not None and self.until is not None and day - RECEIVED_DAY_MARGIN >= self.until
        if excluded:
            self.skipped[name] = None
        return excluded

    def skipped_words(self) -> str | None:
        """`3 received-day folders after --until were not read (...)`, when any was skipped, the earliest named
        first; else None."""
        names = sorted(self.skipped, key=lambda name: (received_day(name), name))
        if not names:
            return None
        shown = ", ".join(names[:SKIPPED_FOLDERS_NAMED]) + (
            f" and {len(names) - SKIPPED_FOLDERS_NAMED:,} more" if len(names) > SKIPPED_FOLDERS_NAMED else ""
        )
        folders = "1 received-day folder" if len(names) == 1 else f"{len(names):,} received-day folders"
        return (
            f"{folders} after --until {'was' if len(names) == 1 else 'were'} not read ({shown}): an event there is "
            "in the window only if it reached Segment over a day after it happened (a device offline, a backfill); "
            "name such a folder without --until to read it"
        )


SKIPPED_FOLDERS_NAMED = 3
"""Received-day folders a run names of those `--until` skipped; the rest are counted."""


def received_day(name: str) -> datetime | None:
    """The UTC day a received-day folder stands for, or None for any other folder name.

    Segment's S3 destination names these folders by the day's start in milliseconds since the epoch
    (`1712016000000`); a copy kept by date (`2024-04-02`) is recognised too.
    """
    try:
        if _EPOCH_MS_FOLDER.fullmatch(name):
            return datetime.fromtimestamp(int(name) / 1000, tz=UTC)
        if _DATE_FOLDER.fullmatch(name):
            return datetime.strptime(name, "%Y-%m-%d").replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def is_log_name(name: str) -> bool:
    """Whether a file met while walking a folder or expanding a glob is read as a log.

    Dot-files, Segment's `dummy-object.txt` and documentation or scripts kept beside the logs are not.
    """
    return (
        not name.startswith(".")
        and name not in SKIPPED_NAMES
        and PurePosixPath(name).suffix.lower() not in SKIPPED_SUFFIXES
    )


def walked(parts: Iterable[str], window: Window) -> bool:
    """Whether the folders on the way from a walked root down to a file let it be read: none hidden, none skipped."""
    return not any(part.startswith(".") or window.excludes_folder(part) for part in parts)


SKIPPED_NAMED = 3
"""Files named when a folder holds nothing but skipped ones; the rest are counted."""


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def not_read_by_name(skipped: list[str]) -> str:
    """`skipped readme.md, notes.md and 3 more files (documentation, ...)`: the files a folder or a pattern gave that
    are not read as logs (and the hidden folders, ending in `/`), the first few by path, and why."""
    named = skipped[:SKIPPED_NAMED]
    rest = skipped[len(named) :]
    if rest:
        folders = sum(entry.endswith("/") for entry in rest)
        files = len(rest) - folders
        if files and folders:
            more = f"{len(rest)} more ({_counted(files, 'file')}, {_counted(folders, 'hidden folder')})"
        else:
            more = _counted(len(rest), "more file" if files else "more hidden folder")
        listing = f"{', '.join(named)} and {more}"
    else:
        listing = " and ".join(filter(None, [", ".join(named[:-1]), named[-1]]))
    return (
        f"skipped {listing} (documentation, scripts, reports, dot-files, hidden folders, named pipes and Segment's "
        "dummy-object.txt are not read from a folder or a pattern; name a file to read it, unless it is a report of "
        "hotjar-cli's own)"
    )


def glob_root(pattern: str) -> PurePosixPath:
    """The part of a glob pattern before its first wildcard: what the user named as it is."""
    parts = PurePosixPath(pattern).parts
    fixed = next((index for index, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    return PurePosixPath(*parts[:fixed]) if fixed else PurePosixPath()
