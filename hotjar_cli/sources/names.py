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
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            names: dict[str, None] = {}
            for line in file:
                name = line.rstrip("\r\n")
                if name.strip():
                    names[name] = None
                if len(names) > MAX_KNOWN_NAMES:
                    raise InputError(f"{option} {path}: more than {MAX_KNOWN_NAMES:,} names")
    except OSError as error:
        raise InputError(f"{option} {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{option} {path}: not UTF-8 text") from None
    return tuple(names)


def site_names(attributes: Path | None, events: Path | None) -> SiteNames:
    """`--known-attributes` and `--known-events`: the names the site held before these logs, in slot order."""
    return SiteNames(read_names("--known-attributes", attributes), read_names("--known-events", events))
