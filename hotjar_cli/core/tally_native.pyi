# The C tally (hotjar_cli/core/tally_native.c): a `hotjar_cli.core.tally.Tally`, built at install with the
# compiled core.
from collections.abc import Callable
from typing import Any

from hotjar_cli.core.model import Decision, Finding
from hotjar_cli.core.tally import DayBin, Taken

class NativeTally:
    def __init__(
        self,
        exact_users: int,
        held: int,
        still_offered: str,
        before: Callable[[Any, Any], bool],
        user_key: Callable[[Any, Any], str | None],
        trait_name: Callable[[str], str | None],
        is_segment_time: Callable[[str], bool],
        seconds: Callable[[Any], Any],
    ) -> None: ...
    def new_slot(self, kind: int) -> int: ...
    def free_slot(self, kind: int, slot: int) -> None: ...
    def hold(
        self, decision: object, name: str | None, slot: int, codes: tuple[str, ...], decision_kind: int
    ) -> None: ...
    def hold_identify(self, decision: Decision, decision_kind: int) -> None: ...
    def forget(self) -> None: ...
    def number_lines_from(self, base: int) -> None: ...
    def observe_held(
        self,
        decision: object,
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> bool: ...
    def observe_traits(
        self,
        traits: dict[str, Any],
        slots: dict[str, int],
        findings: tuple[Finding, ...],
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> list[str] | None: ...
    def count(
        self,
        kind: int,
        slot: int,
        fields: tuple[Any, ...],
        when: Any,
        file: str,
        line: int,
        index: int | None,
        in_order: bool,
    ) -> None: ...
    def count_type(self, slot: int, value: Any) -> None: ...
    def occurrences(self, kind: int) -> int: ...
    def used(self, kind: int) -> list[int]: ...
    def take(self, kind: int, slot: int) -> Taken | None: ...
    def stretch(self, when: Any) -> bool: ...
    def span(self) -> tuple[Any, Any] | None: ...
    def days(self) -> tuple[int, dict[int, DayBin]]: ...
    def watch_attributes(self, slots: dict[str, int], full: bool) -> None: ...
    def observe_event(self, decision: Decision, fields: tuple[Any, ...], file: str, line: int) -> int: ...

def union_users(mine: bytes | bytearray, theirs: bytes | bytearray, exact_up_to: int) -> bytes | bytearray: ...
def user_hash(text: str) -> int: ...
def add_hash(registers: bytearray, hashed: int) -> None: ...
