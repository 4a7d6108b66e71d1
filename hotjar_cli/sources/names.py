"""The names a Hotjar site held before the logs (`--known-attributes`, `--known-events`), read from their files."""

from __future__ import annotations

from pathlib import Path

from hotjar_cli.core.views import SiteNames
from hotjar_cli.sources.source import InputError

MAX_KNOWN_NAMES = 1_000_000
"""A seed file longer than this is not a list of a site's names."""


def read_names(option: str, path: Path | None) -> tuple[str, ...]:
    """The names in a seed file, one a line, in order, each once; blank lines skipped. Raises InputError."""
    if path is None:
        return ()
    names: dict[str, None] = {}
    try:
        with open(path, "rb") as file:
            for number, raw in enumerate(file, 1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise InputError(f"{option} {path}:{number}: not UTF-8 text") from None
                name = line.rstrip("\r\n")
                if name.strip():
                    names[name] = None
                if len(names) > MAX_KNOWN_NAMES:
                    raise InputError(f"{option} {path}: more than {MAX_KNOWN_NAMES:,} names")
    except OSError as error:
        raise InputError(f"{option} {path}: {error.strerror or error}") from None
    return tuple(names)


def site_names(attributes: Path | None, events: Path | None) -> SiteNames:
    """`--known-attributes` and `--known-events`: the names the site held before these logs, in slot order."""
    return SiteNames(read_names("--known-attributes", attributes), read_names("--known-events", events))
