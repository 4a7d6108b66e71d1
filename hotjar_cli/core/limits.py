"""Hotjar's limits as one settings object, so the values with medium confidence can be changed by the user."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from re import _parser  # type: ignore[attr-defined]  # how re reads a pattern: to count its items
from typing import Any

from hotjar_cli.core.model import rebuilt
from hotjar_cli.core.visible import given

MAX_SAFE_INTEGER = 2**53 - 1
"""JavaScript's Number.MAX_SAFE_INTEGER: larger numbers cannot be held exactly in the browser."""

DEFAULT_EVENT_NAME_CHARACTERS = r"A-Za-z0-9 _\-.:|/"
"""Hotjar's current rule: ASCII letters, digits, space and `_ - . : | /` (the 2022 docs allowed `A-Za-z0-9-_`)."""


@dataclass(frozen=True)
class Limits:
    """The limits the core enforces. Lengths are counted as JavaScript does (UTF-16 code units)."""

    max_attribute_name_length: int = 50
    max_attribute_value_length: int = 200
    max_event_name_length: int = 250
    event_name_characters: str = DEFAULT_EVENT_NAME_CHARACTERS
    max_attributes: int = 100
    max_events: int = 10_000
    _disallowed: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in (
            "max_attribute_name_length",
            "max_attribute_value_length",
            "max_event_name_length",
            "max_attributes",
            "max_events",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name.replace('_', '-')} must not be negative")
        if not self.event_name_characters:
            # `[^]` is no class at all: the regular expression's own words ("unterminated character set") say
            # nothing of the setting, which was most likely a variable left unset.
            raise ValueError(
                "event-name-characters '' allows no character, so no event name could pass (is a variable unset?)"
            )
        # Quoted as given, not as Python writes a string: `A-Z\]` was said `'A-Z\\]'`, beside advice to write `\]`.
        shown = given(self.event_name_characters)
        if self.event_name_characters.startswith("^"):
            # `[^^A-Za-z]` would allow `^` and letters, where a class that starts with `^` means all but them.
            raise ValueError(
                f"event-name-characters {shown} starts with ^, which in a character class "
                "means all but what follows: give the characters allowed (a `^` itself as `\\^`)"
            )
        try:
            # Parsed first, with the warnings of what a later Python may read otherwise as errors: `&&` in a class
            # printed "<string>:9: FutureWarning: Possible set intersection at position 9" and the source line of
            # this module, under -q too. `re.compile` caches the pattern, and would warn once only.
            with warnings.catch_warnings():
                warnings.simplefilter("error", FutureWarning)
                parsed = _parser.parse(f"[^{self.event_name_characters}]")
            pattern = re.compile(f"[^{self.event_name_characters}]")
        except re.error as error:
            raise ValueError(
                f"event-name-characters {shown} is not a regular-expression character class body: {error}"
            ) from None
        except FutureWarning as warning:
            raise ValueError(f"event-name-characters {shown} {_read_otherwise(str(warning))}") from None
        if len(parsed) != 1:
            # `a-z ]` closes the class early: `[^a-z ]]` is a class and a literal `]`, which no single character
            # matches, so every event name would pass. POSIX classes (`[:alpha:]`) read the same way.
            raise ValueError(
                f"event-name-characters {shown} closes its character class early: "
                "escape a `]` in it as `\\]` (POSIX classes such as [:alpha:] are not supported)"
            )
        object.__setattr__(self, "_disallowed", pattern)

    def __reduce__(self) -> tuple[Any, ...]:
        return rebuilt(self)

    def disallowed_characters(self, name: str) -> list[str]:
        """The distinct characters of an event name that Hotjar does not allow, in order of appearance."""
        if self._disallowed.search(name) is None:
            return []  # nearly every name: one search costs a quarter of collecting the characters
        return list(dict.fromkeys(self._disallowed.findall(name)))


_SET_OPERATIONS = {"intersection": "&&", "union": "||", "difference": "--", "symmetric difference": "~~"}


def _read_otherwise(warning: str) -> str:
    """What the regular expression warned of in a setting, and how to write it: `has && in it, which a later Python
    reads as a set intersection: escape it (\\&\\&)`."""
    operation = re.match(r"Possible set (.+?) at position", warning)
    if operation is not None and operation[1] in _SET_OPERATIONS:
        twice = _SET_OPERATIONS[operation[1]]
        escaped = "".join(f"\\{character}" for character in twice)
        return f"has {twice} in it, which a later Python reads as a set {operation[1]}: escape it ({escaped})"
    # Any other, in the regular expression's words, without the position in `[^...]`, which is not the setting's.
    said = re.sub(r" at position \d+$", "", warning).lower()
    return f"may be read otherwise by a later Python ({said}): escape the character"


def site_full_detail(held: int) -> str:
    """What a name a full site turns away is told (attribute-limit-exceeded, event-limit-exceeded): `10,000 names are
    held; this one is new`."""
    return f"{held:,} name{' is' if held == 1 else 's are'} held; this one is new"
