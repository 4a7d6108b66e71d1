"""The names a Hotjar site held before the logs (`--known-attributes`, `--known-events`), read from their files.

Each line is a name exactly as it is, since Hotjar's names may hold spaces. What looks like a mistake is still taken,
and noted once a file, the notes in the file's order: a name with whitespace at either end or of whitespace alone
(Hotjar holds `plan ` apart from `plan`, and a trait named ` `), a line starting with `#` (the file has no comments) or
with a byte-order mark past the file's start (a file joined to another by `cat`), a name holding a carriage return (a
file whose lines end in one alone, a classic Mac text saved from a spreadsheet, reads as one line) or another character
many tools end a line at (a vertical tab, a form feed, U+2028), a name holding the
text of an escape (`pl\\u200ban`), which is how hotjar-cli prints an invisible character (copied from its output, the
name is not the one Hotjar holds), a name listed again (read once: a site holds a name once), a name Hotjar holds none
of (`Fault`: one longer than its limit, or an event name with characters it refuses), which still takes a slot as given,
and a file holding no name at all (empty, or blank lines only, with nothing on them: a download that failed, a `>` that
emptied it). A file that is no list of names is refused: one that is not there or is a folder, a compressed one, UTF-16
text (its byte-order mark, or a line holding a NUL byte), a line longer than any name (`LONGEST_LINE`), a JSON log (a
line that is a JSON object), or an inventory CSV (its header).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO

import msgspec

from hotjar_cli.core.jsvalues import utf16_length
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.views import SiteNames
from hotjar_cli.core.visible import quoted_characters, spreadsheet_guarded, visible
from hotjar_cli.sources.reader import GZIP_MAGIC, HEAD_BYTES, compressed_with, is_tar
from hotjar_cli.sources.source import STDIN, InputError

MAX_KNOWN_NAMES = 1_000_000
"""A seed file longer than this is not a list of a site's names."""
LONGEST_LINE = 64 * 1024 * 1024
"""Bytes a seed line may hold: a longer one is no name (a name of 20,000,000 characters has been met, as a mistake,
and is taken), and is not read whole: `/dev/zero`, or a file with no line end, filled memory."""
_ESCAPE_TEXT = re.compile(r"\\u[0-9a-fA-F]{4}")
"""The text hotjar-cli prints in a name's place for a character a terminal would act on or not show."""
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""The characters besides `\n` and `\r` that Python's `str.splitlines` ends a line at, as many editors do: in a seed
file's name, most likely a line break copied in by mistake."""
_LONGEST_MAGIC = HEAD_BYTES
"""Bytes enough to hold the magic bytes of every compression refused, and a tar archive's."""
INVENTORY_CSV_HEADER = "kind,name,fate,"
"""How the header of the CSV `inventory --format csv` writes starts (`report.inventory_formats.CSV_COLUMNS`): such a
file holds the names to seed a site with, in its `name` column, but each of its lines is no name."""
NAME_SHOWN = 80
"""A note shows this many characters of a longer name, then `…`."""

Fault = Callable[[str], tuple[str, str] | None]
"""What kind of fault a name has (`length`, `characters`) and why Hotjar holds no name so (`is 51 characters long,
over --max-attribute-name-length 50`), or None. Names are said once a kind: each kind its own words."""


def read_names(option: str, path: Path | None, fault: Fault | None = None) -> tuple[tuple[str, ...], list[str]]:
    """The names in a seed file, one a line, in order, each once (blank lines skipped), and what to say of them (see
    the module's documentation). Raises InputError for a file that is no list of names.

    The file is read once, from its start to its end, never sought: a pipe (`<(...)`, `/dev/stdin`, a FIFO) is read
    as a file is, and `-` is standard input."""
    if path is None:
        return (), []
    try:
        if str(path) == STDIN:
            return _read_names(option, path, sys.stdin.buffer, fault)
        with open(path, "rb") as file:
            return _read_names(option, path, file, fault)
    except IsADirectoryError:
        raise InputError(f"{option} {path}: is a folder; {option} names a file of names, one a line") from None
    except FileNotFoundError:
        raise InputError(f"{option} {path}: no such file or directory") from None  # as an input says it
    except OSError as error:
        raise InputError(f"{option} {path}: {error.strerror or error}") from None


def _read_names(option: str, path: Path, file: BinaryIO, fault: Fault | None) -> tuple[tuple[str, ...], list[str]]:
    """`read_names` of a file opened, read once from its start: its magic bytes first, then its lines."""
    names: dict[str, None] = {}
    starting: dict[str, int] = {}  # names with whitespace at their start, and the line each is first on
    ending: dict[str, int] = {}
    blank: dict[str, int] = {}  # names of whitespace alone, which Hotjar holds as it holds `plan `
    commented: dict[str, int] = {}
    marked: dict[str, int] = {}  # names starting with a byte-order mark, past the file's start
    escaped: dict[str, int] = {}
    returns: dict[str, int] = {}  # names holding a carriage return: lines ended by one alone read as one
    breaks: dict[str, int] = {}  # names holding another character many tools end a line at (`_OTHER_BREAKS`)
    quoted: dict[str, int] = {}  # names in double quotes, as a JSON string: jq's output without -r
    guarded: dict[str, int] = {}  # names as a cell of the inventory's CSV writes them: a spreadsheet's ' before them
    repeated: dict[str, int] = {}  # names listed again, and the line each is first listed again on
    faulted: dict[str, dict[str, int]] = {}  # names Hotjar holds none of, by the kind of their fault
    why: dict[str, str] = {}  # what is wrong with the first name of each kind of fault
    escape = ""  # the first escape's text
    head = file.read(_LONGEST_MAGIC)
    _refuse_compressed(option, path, head)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{option} {path}: the file is UTF-16 text: save it as UTF-8 (iconv -f UTF-16 -t UTF-8)")
    for number, raw in enumerate(_lines(head, file), 1):
        if b"\0" in raw:  # UTF-16 without its byte-order mark (valid UTF-8, a NUL between letters), or /dev/zero
            raise InputError(
                f"{option} {path}:{number}: holds a NUL byte, which no name has: the file lists names as UTF-8 text "
                "(UTF-16? iconv -f UTF-16 -t UTF-8)"
            )
        if len(raw) > LONGEST_LINE:
            raise InputError(
                f"{option} {path}:{number}: over {LONGEST_LINE // 1024 // 1024} MiB long, which no name is: the file "
                "lists one name per line"
            )
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{option} {path}:{number}: not UTF-8 text") from None
        name = line.rstrip("\r\n")
        if not name:
            continue  # a blank line: nothing on it but its end
        text = name.strip()
        if text[:1] == "{" and text[-1:] == "}" and _is_json_object(text):
            raise InputError(
                f"{option} {path}: line {number} is a JSON object, not a name: the file lists one name per line"
            )
        if text[:1] == "[" and text[-1:] == "]" and _json_type(text) is list:
            # `jq .names` writes a list where `jq -r '.names[]'` writes its names a line each: taken as one name, it
            # held the site's first slot, and the names in it none.
            raise InputError(
                f"{option} {path}: line {number} is a JSON list, not a name: the file lists one name per line "
                "(jq -r '.[]' writes a list's names so)"
            )
        if not names and name.startswith(INVENTORY_CSV_HEADER):
            kind = "attribute" if option == "--known-attributes" else "event"
            raise InputError(
                f"{option} {path}: line {number} is the header of an inventory CSV, not a name: the file lists one "
                f"name per line (the names of the CSV's kept {kind} rows, in slot order)"
            )
        if name in names:
            repeated.setdefault(name, number)
            continue
        names[name] = None
        if not text:
            # `inventory --format csv -o FILE` lists a trait named ` ` as a kept name in its slot: skipped, every name
            # after it took the slot before its own.
            blank.setdefault(name, number)
        elif name[0].isspace():
            starting.setdefault(name, number)
        if text and name[-1].isspace():
            ending.setdefault(name, number)
        if name[0] == "#":
            commented.setdefault(name, number)
        if name[0] == "\ufeff":
            marked.setdefault(name, number)
        if "\r" in name:
            returns.setdefault(name, number)
        if _OTHER_BREAKS.search(name) is not None:
            breaks.setdefault(name, number)
        if name[0] == '"' and name[-1] == '"' and _json_type(name) is str:
            quoted.setdefault(name, number)
        if name[0] == "'" and spreadsheet_guarded(name[1:]):
            guarded.setdefault(name, number)
        found = _ESCAPE_TEXT.search(name) if "\\u" in name else None
        if found is not None:
            escape = escape or found.group()
            escaped.setdefault(name, number)
        said = fault(name) if fault is not None else None
        if said is not None:
            kind, reason = said
            why.setdefault(kind, reason)
            faulted.setdefault(kind, {}).setdefault(name, number)
        if len(names) > MAX_KNOWN_NAMES:
            raise InputError(f"{option} {path}: more than {MAX_KNOWN_NAMES:,} names")
    again = f" ({len(repeated):,} names in this file are)" if len(repeated) > 1 else ""
    notes = [
        _spaced_note(path, "start", starting),
        _spaced_note(path, "end", ending),
        _note(
            path,
            blank,
            f"is whitespace alone: taken as a name{_others(blank)}, as Hotjar holds one (a blank line has nothing on "
            "it)",
        ),
        _note(path, commented, f"starts with '#': taken as a name, not a comment{_others(commented)}"),
        _note(
            path,
            marked,
            "starts with a byte-order mark, which only a file's start may hold (files joined by cat?): taken as a "
            f"part of the name{_others(marked)}",
        ),
        _note(
            path,
            escaped,
            f"holds the text of an escape ({escape}): taken as it is, not as the character{_others(escaped)}; "
            "printed, hotjar-cli shows such a character so, and `inventory --format csv -o FILE` writes names exactly",
        ),
        _note(
            path,
            returns,
            f"holds a carriage return: taken as one name{_others(returns)}, though a file whose lines end in a "
            "carriage return alone reads as one line (tr '\\r' '\\n' < FILE makes them lines)",
        ),
        _note(
            path,
            breaks,
            "holds a character many editors and tools end a line at (a vertical tab, a form feed, U+001C to U+001E, "
            f"U+0085, U+2028, U+2029): taken as one name{_others(breaks)}",
        ),
        _note(
            path,
            quoted,
            f"is in double quotes, as jq writes a string without -r: taken as it is, quotes included{_others(quoted)}",
        ),
        _note(
            path,
            guarded,
            "starts with ' as a cell of the inventory's CSV does, a spreadsheet's guard before a name that starts with "
            f"= + - @ or ': taken as it is, ' included{_others(guarded)}; a name copied from that CSV is its cell "
            "without the first '",
        ),
        _note(path, repeated, f"is listed again: read once{again}"),
        *(
            _note(path, names, f"{why[kind]}: Hotjar holds no such name; taken as it is, in its slot{_others(names)}")
            for kind, names in faulted.items()
        ),
    ]
    if not names:
        # Most often a download that failed or a `>` that emptied the file: the site then holds nothing before the logs.
        notes.append((0, f"{path}: holds no name: taken as a site that held none before these logs"))
    # In the file's order (a sort keeps the order above for notes of one line).
    return tuple(names), [note for _, note in sorted(filter(None, notes), key=lambda said: said[0])]


def _lines(head: bytes, file: BinaryIO) -> Iterator[bytes]:
    """The lines of a file whose first bytes, `head`, were already read from it: a pipe cannot go back to its start.
    A line is read to at most a byte past `LONGEST_LINE`, so that a longer one is known without holding it all."""
    *whole, partial = head.split(b"\n")
    for line in whole:
        yield line + b"\n"
    partial += file.readline(LONGEST_LINE + 1)
    if partial:
        yield partial
    while line := file.readline(LONGEST_LINE + 1):
        yield line


def _note(path: Path, names: dict[str, int], said: str) -> tuple[int, str] | None:
    """What to say of the names of a file that look like one mistake (each with the line it is first on), with the line
    it is said of: the first such name, and `said` of it; None when there is none."""
    if not names:
        return None
    name, number = next(iter(names.items()))
    shown = f"'{visible(name)}'" if len(name) <= NAME_SHOWN else f"'{visible(name[:NAME_SHOWN])}…'"
    return number, f"{path}:{number}: {shown} {said}"


def _spaced_note(path: Path, end: str, names: dict[str, int]) -> tuple[int, str] | None:
    """What to say of the names with whitespace at their `end` ("start" or "end"), with the line it is said of: the
    first such name, and how many names in the file have whitespace at that end (a name with both is counted at each,
    and said twice)."""
    if not names:
        return None
    at = 0 if end == "start" else -1
    others = _others(names)
    if len({other[at] for other in names}) > 1:  # not all "do" as the first does: a space, a tab
        others = f" ({len(names):,} names in this file {end} with whitespace)"
    return _note(path, names, f"{end}s with {_blank_word(next(iter(names))[at])}: taken as it is{others}")


Setting = Callable[[str, int], str]
"""The words that name a limit and where it came from, for its option and value: `--max-attribute-name-length 50`,
or `max-attribute-name-length = 5 in the pyproject`."""


def _option_words(option: str, limit: int) -> str:
    return f"{option} {limit}"


def site_names(
    attributes: Path | None, events: Path | None, limits: Limits | None = None, setting: Setting = _option_words
) -> tuple[SiteNames, list[str]]:
    """`--known-attributes` and `--known-events`: the names the site held before these logs, in slot order, and what
    to say of the files (see `read_names`), over the run's `limits` (Hotjar's own by default), each named in the
    words of `setting`."""
    limits = Limits() if limits is None else limits
    attribute_fault = partial(_attribute_fault, limits, setting)
    attribute_names, attribute_notes = read_names("--known-attributes", attributes, attribute_fault)
    event_names, event_notes = read_names("--known-events", events, partial(_event_fault, limits, setting))
    return SiteNames(attribute_names, event_names), attribute_notes + event_notes


def _attribute_fault(limits: Limits, setting: Setting, name: str) -> tuple[str, str] | None:
    length = utf16_length(name)
    if length > limits.max_attribute_name_length:
        limit = setting("--max-attribute-name-length", limits.max_attribute_name_length)
        return "length", f"is {length:,} characters long, over {limit}"
    return None


def _event_fault(limits: Limits, setting: Setting, name: str) -> tuple[str, str] | None:
    length = utf16_length(name)
    if length > limits.max_event_name_length:
        limit = setting("--max-event-name-length", limits.max_event_name_length)
        return "length", f"is {length:,} characters long, over {limit}"
    refused = limits.disallowed_characters(name)
    if refused:
        return "characters", f"holds characters Hotjar refuses in an event name ({quoted_characters(refused)})"
    return None


def _refuse_compressed(option: str, path: Path, head: bytes) -> None:
    """InputError when a seed file starts with gzip's or another compression's magic bytes, or is a tar archive: read
    as text, its first line would be refused as not UTF-8, or as holding a NUL byte."""
    if head.startswith(GZIP_MAGIC):
        raise InputError(f"{option} {path}: the file is gzip-compressed: decompress it first (gunzip)")
    if is_tar(head):
        raise InputError(f"{option} {path}: the file is a tar archive: extract it first (tar -xf), and give its list")
    found = compressed_with(head)
    if found is not None:
        raise InputError(f"{option} {path}: the file is compressed with {found[0]}: decompress it first ({found[1]})")


def _is_json_object(text: str) -> bool:
    """Whether a line is a JSON object: a line of a log, not a name."""
    return _json_type(text) is dict


def _json_type(text: str) -> type | None:
    """The type of the JSON value a line is (`dict`, `list`, `str`...), None when it is no JSON."""
    try:
        return type(msgspec.json.decode(text))
    except msgspec.DecodeError:
        return None


def _blank_word(character: str) -> str:
    """`a space`, `a tab`, or the whitespace character as `visible` writes it."""
    return {" ": "a space", "\t": "a tab"}.get(character, f"'{visible(character)}'")


def _others(names: dict[str, int]) -> str:
    """How many names in the file are like the first, when it is not the only one."""
    return f" ({len(names):,} names in this file do)" if len(names) > 1 else ""
