"""The names a Hotjar site held before the logs (`--known-attributes`, `--known-events`), read from their files.

Each line is a name exactly as it is, since Hotjar's names may hold spaces. What looks like a mistake is still taken,
and noted once a file: a name with whitespace at either end (Hotjar holds `plan ` apart from `plan`), a line
starting with `#` (the file has no comments), and a name holding the text of an escape (`pl\\u200ban`), which is how
hotjar-cli prints an invisible character: copied from its output, the name is not the one Hotjar holds. A file that
is no list of names is refused: one that is not there or is a folder, a compressed one, or a JSON log (a line that is
a JSON object).
"""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from hotjar_cli.core.views import SiteNames
from hotjar_cli.core.visible import visible
from hotjar_cli.sources.reader import GZIP_MAGIC, compressed_with
from hotjar_cli.sources.source import InputError

MAX_KNOWN_NAMES = 1_000_000
"""A seed file longer than this is not a list of a site's names."""
_ESCAPE_TEXT = re.compile(r"\\u[0-9a-fA-F]{4}")
"""The text hotjar-cli prints in a name's place for a character a terminal would act on or not show."""
_LONGEST_MAGIC = 10
"""Bytes enough to hold the magic bytes of every compression refused."""


def read_names(option: str, path: Path | None) -> tuple[tuple[str, ...], list[str]]:
    """The names in a seed file, one a line, in order, each once (blank lines skipped), and what to say of them (see
    the module's documentation). Raises InputError for a file that is no list of names."""
    if path is None:
        return (), []
    names: dict[str, None] = {}
    spaced: dict[str, int] = {}
    commented: dict[str, int] = {}
    escaped: dict[str, int] = {}
    escape = ""  # the first escape's text
    try:
        with open(path, "rb") as file:
            _refuse_compressed(option, path, file.read(_LONGEST_MAGIC))
            file.seek(0)
            for number, raw in enumerate(file, 1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise InputError(f"{option} {path}:{number}: not UTF-8 text") from None
                name = line.rstrip("\r\n")
                text = name.strip()
                if not text:
                    continue
                if text[0] == "{" and text[-1] == "}" and _is_json_object(text):
                    raise InputError(
                        f"{option} {path}: line {number} is a JSON object, not a name: the file lists one name per line"
                    )
                names[name] = None
                if name != text:
                    spaced.setdefault(name, number)
                if name[0] == "#":
                    commented.setdefault(name, number)
                found = _ESCAPE_TEXT.search(name) if "\\u" in name else None
                if found is not None:
                    escape = escape or found.group()
                    escaped.setdefault(name, number)
                if len(names) > MAX_KNOWN_NAMES:
                    raise InputError(f"{option} {path}: more than {MAX_KNOWN_NAMES:,} names")
    except IsADirectoryError:
        raise InputError(f"{option} {path}: is a folder; {option} names a file of names, one a line") from None
    except FileNotFoundError:
        raise InputError(f"{option} {path}: no such file or directory") from None  # as an input says it
    except OSError as error:
        raise InputError(f"{option} {path}: {error.strerror or error}") from None
    notes = []
    if spaced:
        name, number = next(iter(spaced.items()))
        where, blank = ("starts", name[0]) if name[0].isspace() else ("ends", name[-1])
        notes.append(
            f"{path}:{number}: '{visible(name)}' {where} with {_blank_word(blank)}: taken as it is{_others(spaced)}"
        )
    if commented:
        name, number = next(iter(commented.items()))
        notes.append(
            f"{path}:{number}: '{visible(name)}' starts with '#': taken as a name, not a comment{_others(commented)}"
        )
    if escaped:
        name, number = next(iter(escaped.items()))
        notes.append(
            f"{path}:{number}: '{visible(name)}' holds the text of an escape ({escape}): taken as it is, not as the "
            f"character{_others(escaped)}; printed, hotjar-cli shows such a character so, and "
            "`inventory --format csv -o FILE` writes names exactly"
        )
    return tuple(names), notes


def site_names(attributes: Path | None, events: Path | None) -> tuple[SiteNames, list[str]]:
    """`--known-attributes` and `--known-events`: the names the site held before these logs, in slot order, and what
    to say of the files (see `read_names`)."""
    attribute_names, attribute_notes = read_names("--known-attributes", attributes)
    event_names, event_notes = read_names("--known-events", events)
    return SiteNames(attribute_names, event_names), attribute_notes + event_notes


def _refuse_compressed(option: str, path: Path, head: bytes) -> None:
    """InputError when a seed file starts with gzip's or another compression's magic bytes: read as text, its first
    line would be refused as not UTF-8."""
    if head.startswith(GZIP_MAGIC):
        raise InputError(f"{option} {path}: the file is gzip-compressed: decompress it first (gunzip)")
    found = compressed_with(head)
    if found is not None:
        raise InputError(f"{option} {path}: the file is compressed with {found[0]}: decompress it first ({found[1]})")


def _is_json_object(text: str) -> bool:
    """Whether a line is a JSON object: a line of a log, not a name."""
    try:
        return isinstance(msgspec.json.decode(text), dict)
    except msgspec.DecodeError:
        return False


def _blank_word(character: str) -> str:
    """`a space`, `a tab`, or the whitespace character as `visible` writes it."""
    return {" ": "a space", "\t": "a tab"}.get(character, f"'{visible(character)}'")


def _others(names: dict[str, int]) -> str:
    """How many names in the file are like the first, when it is not the only one."""
    return f" ({len(names):,} names in this file do)" if len(names) > 1 else ""
