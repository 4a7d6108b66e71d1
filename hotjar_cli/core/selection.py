"""Which rules a run reports: `--select` and `--ignore` take codes, code prefixes (`HJ2`) or names."""

from __future__ import annotations

import msgspec

from hotjar_cli.core.rules import CATALOGUE, RULES_BY_NAME, see_rules
from hotjar_cli.core.visible import given


class Selection(msgspec.Struct, frozen=True):
    """The rules whose findings are reported. Raises ValueError for an entry that names no rule."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for entry in (*self.select, *self.ignore):
            if not any(_matches(entry, rule.code) for rule in CATALOGUE):
                raise ValueError(f"{given(entry)} names no rule ({see_rules(entry)})")

    @property
    def everything(self) -> bool:
        """Whether every rule is reported."""
        return not self.select and not self.ignore

    def __call__(self, code: str) -> bool:
        """Whether findings of this rule are reported."""
        if self.select and not any(_matches(entry, code) for entry in self.select):
            return False
        return not any(_matches(entry, code) for entry in self.ignore)


def _matches(entry: str, code: str) -> bool:
    entry = entry.strip()
    rule = RULES_BY_NAME.get(entry.lower())
    if rule is not None:
        return rule.code == code
    return entry != "" and code.startswith(entry.upper())
