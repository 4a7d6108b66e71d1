"""Counting distinct users: exactly up to a bound, then with a HyperLogLog sketch that merges exactly.

Both forms depend only on the set of users seen, never on the order or the split of the input: the exact form
is a set of 64-bit hashes, and the sketch's registers each hold a maximum. So merging the parts of an input
gives the same bytes as reading it whole.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from mypy_extensions import i64  # compiled, a machine integer; run as Python, an `int`

EXACT_USERS = 64
"""Up to this many distinct users a count is exact; past it, the HyperLogLog sketch below estimates it."""
PRECISION = 10
"""2^10 = 1,024 one-byte registers: a standard error of 1.04 / √1024 ≈ 3.3 % (so within ±6.5 % 95 % of the time)."""
REGISTERS = 1 << PRECISION
STANDARD_ERROR = 1.04 / math.sqrt(REGISTERS)
_ALPHA = 0.7213 / (1 + 1.079 / REGISTERS)
_VALUE_BITS = 64 - PRECISION
_INVERSE_POWERS = tuple(2.0**-rank for rank in range(_VALUE_BITS + 2))
"""2^-rank for every rank a register can hold: the same floats, summed in the same order, as computing each."""
_LOW_32: Final = 0xFFFF_FFFF
_HALF_RANGE: Final = 1 << 63
_HIGH_VALUE_BITS: Final = 32 - PRECISION
"""The bits of a hash's high half after its register's."""
_HIGH_VALUE_MASK: Final = (1 << _HIGH_VALUE_BITS) - 1


def user_hash(user: str) -> int:
    """A stable, well-mixed 64-bit hash of a user id: the same in every process, compiled or not (Python's `hash`
    of a string changes from one process to the next, and parts counted apart are merged).

    Two 32-bit lanes over the id's UTF-8 bytes, four at a time (a little-endian word: xor, multiply by an odd
    number, rotate, with a different multiplier and rotation in each lane; the last one to three bytes one at a
    time, as FNV-1a does), then murmur3's 32-bit finaliser across the lanes, so that every bit of the result (a
    HyperLogLog register's index and rank) depends on every byte. Every product stays below 2^62, so that mypyc's
    64-bit machine integers compute exactly what Python's integers do. The inventory's C tally
    (hotjar_cli/core/tally_native.c) computes the same hash, for every user of every event it counts: about 155
    instructions a call for an id of 36 characters (callgrind), where a byte at a time took about 200; each word
    still waits for the one before, so the gain is smaller than the count of steps suggests. When it was built, this
    function calls it too (an inventory hashes every name each part of an input meets), else `plain_user_hash`.
    """
    if _c_user_hash is not None:
        return _c_user_hash(user)
    return plain_user_hash(user)


def plain_user_hash(user: str) -> int:
    """`user_hash` in Python: the reference the C one is held equal to."""
    high, low = _halves(user)
    return _joined(high, low)


def _halves(user: str) -> tuple[i64, i64]:
    """`user_hash`'s high and low 32 bits."""
    try:
        data = user.encode()
    except UnicodeEncodeError:  # a lone surrogate, which a JSON string can carry escaped
        data = user.encode("utf-8", "surrogatepass")
    first: i64 = 0x811C_9DC5  # FNV-1a's offset basis and prime
    second: i64 = 0x050C_5D1F  # another start, and another odd multiplier below 2^30
    size: i64 = len(data)
    index: i64 = 0
    # Not `for byte in data`: compiled, indexing bytes by a machine integer costs half.
    while index + 4 <= size:
        word: i64 = data[index] | (data[index + 1] << 8) | (data[index + 2] << 16) | (data[index + 3] << 24)
        first = _rotated(((first ^ word) * 0x0100_0193) & _LOW_32, 13)
        second = _rotated(((second ^ word) * 0x2F0F_3B9B) & _LOW_32, 17)
        index += 4
    while index < size:
        byte: i64 = data[index]
        first = ((first ^ byte) * 0x0100_0193) & _LOW_32
        second = ((second ^ byte) * 0x2F0F_3B9B) & _LOW_32
        index += 1
    first = _mixed(first ^ size)
    second = _mixed(second ^ first)
    first = _mixed(first ^ second)
    return first, second


def _joined(high: i64, low: i64) -> int:
    """`high << 32 | low` as a Python integer, made from a signed machine integer (the high half less 2^31 keeps
    it in range) and one addition: shifting and or-ing Python integers past 2^62 made four new ones (1,000
    instructions, against 600)."""
    return int((high - 0x8000_0000) * 0x1_0000_0000 + low) + _HALF_RANGE


def _rotated(value: i64, bits: i64) -> i64:
    """A 32-bit number rotated left by `bits`: its high bits come round to the low end, where the next multiply
    carries them up through every bit again."""
    return ((value << bits) | (value >> (32 - bits))) & _LOW_32


def _mixed(value: i64) -> i64:
    """murmur3's 32-bit finaliser (fmix32): a bijection whose every output bit depends on every input bit."""
    value ^= value >> 16
    value = _times(value, 0x85EB_CA6B)
    value ^= value >> 13
    value = _times(value, 0xC2B2_AE35)
    return value ^ (value >> 16)


def _times(value: i64, factor: i64) -> i64:
    """`value * factor` modulo 2^32, for two 32-bit numbers: the factor is taken in halves, so that no product
    passes 2^48."""
    return ((((value * (factor >> 16)) & 0xFFFF) << 16) + value * (factor & 0xFFFF)) & _LOW_32


def packed_users(hashes: Iterable[int]) -> bytes:
    """Hashes of users as counted elsewhere hand them over (`users_counted`): sorted, 8 bytes each, little-endian.
    Thousands of names' users cost no Python integer each until a part of the input is merged with another."""
    ordered = sorted(hashes)
    return struct.pack(f"<{len(ordered)}Q", *ordered)


def unpacked_users(packed: bytes | bytearray) -> tuple[int, ...]:
    """The hashes `packed_users` packed."""
    return struct.unpack(f"<{len(packed) // 8}Q", packed)


class DistinctUsers:
    """The distinct users of something: a set of hashes up to `exact_up_to` (`EXACT_USERS`), then a HyperLogLog
    sketch. The set may be held packed (`packed_users`), as counted elsewhere, until it is added to or merged."""

    __slots__ = ("exact", "exact_up_to", "packed", "registers")

    def __init__(self, exact_up_to: int = EXACT_USERS) -> None:
        self.exact: set[int] | None = set()
        self.exact_up_to = exact_up_to
        self.registers: bytearray | None = None
        self.packed: bytes | None = None
        """The exact set packed, when `exact` is None and there are no registers."""

    def hashes(self) -> set[int] | None:
        """The users' hashes while exact (unpacked here when held packed), else None."""
        if self.packed is not None:
            self.exact, self.packed = set(unpacked_users(self.packed)), None
        return self.exact

    @property
    def empty(self) -> bool:
        """Whether no user is counted."""
        return (self.exact is not None and not self.exact) or self.packed == b""

    def add(self, hashed: int) -> None:
        """One user, by `user_hash`."""
        exact = self.hashes()
        if exact is not None:
            exact.add(hashed)
            if len(exact) > self.exact_up_to:
                self._to_sketch()
            return
        _add_hash(self.registers, hashed)  # type: ignore[arg-type]  # registers exist once past the exact set

    def _to_sketch(self) -> None:
        registers = bytearray(REGISTERS)
        for hashed in self.exact or ():
            _add_to(registers, hashed)
        self.exact, self.registers = None, registers

    def merge(self, other: DistinctUsers) -> DistinctUsers:
        """The distinct users of both."""
        merged = DistinctUsers(self.exact_up_to)
        merged.update(self)
        merged.update(other)
        return merged

    def update(self, other: DistinctUsers) -> None:
        """The users of `other` added to these, in place."""
        if self.exact is None and other.exact is None:
            # Both as counted elsewhere (packed, or a sketch): added up as they are, in C when it was built, where
            # unpacking them into sets cost a part of an input most of the time it took to add up its names.
            held = self.packed if self.packed is not None else self.registers
            handed = other.packed if other.packed is not None else other.registers
            if held is not None and handed is not None:
                both = _union(held, handed, self.exact_up_to)
                if isinstance(both, bytearray):
                    self.packed, self.registers = None, both
                else:
                    self.packed = both
                return
        self._add_all(other)

    def _add_all(self, other: DistinctUsers) -> None:
        """`update`, in Python: the exact sets unpacked and joined, or raised into a sketch."""
        mine, theirs = self.hashes(), other.hashes()
        if mine is not None and theirs is not None:
            mine.update(theirs)
            if len(mine) > self.exact_up_to:
                self._to_sketch()
            return
        if mine is not None:
            self._to_sketch()
        registers: bytearray = self.registers  # type: ignore[assignment]  # made just above when exact
        if theirs is not None:
            for hashed in theirs:
                _add_to(registers, hashed)
        else:
            self.registers = _highest(registers, other.registers)  # type: ignore[arg-type]  # not exact: a sketch

    def __reduce__(self) -> tuple[Any, ...]:
        return _distinct_users, (self.exact, self.exact_up_to, self.registers, self.packed)

    @property
    def estimated(self) -> bool:
        """Whether `count` is an estimate (past `exact_up_to`)."""
        return self.exact is None and self.packed is None

    def count(self) -> int:
        """The number of distinct users: exact, or HyperLogLog's estimate with small-range correction, and never
        below `exact_up_to` + 1: the sketch takes over only past that many, whatever it estimates."""
        if self.packed is not None:
            return len(self.packed) // 8
        if self.exact is not None:
            return len(self.exact)
        registers = self.registers or bytearray(REGISTERS)
        raw = _ALPHA * REGISTERS * REGISTERS / _inverse_sum(registers)
        zeros = registers.count(0)
        if raw <= 2.5 * REGISTERS and zeros:
            raw = REGISTERS * math.log(REGISTERS / zeros)  # linear counting, better for small counts
        return max(round(raw), self.exact_up_to + 1)


_HIGH_BITS = int.from_bytes(b"\x80" * REGISTERS, "little")
"""The high bit of every register, in the registers read as one little-endian integer (see `_highest`)."""


def _highest(registers: bytearray, other: bytearray) -> bytearray:
    """Register by register, the higher of two sketches' registers: the sketch of both.

    Computed on the registers read as two integers of 1,024 bytes, every byte at once, where a maximum taken
    register by register made and compared two integers for each (90 µs a sketch, against 4): a rank is below
    128, so in each byte `(mine | 0x80) - other` borrows from no other byte and keeps its high bit exactly where
    `mine >= other`; that bit, spread over its byte, picks `mine` there and `other` elsewhere."""
    mine, theirs = int.from_bytes(registers, "little"), int.from_bytes(other, "little")
    keep_mine = ((((mine | _HIGH_BITS) - theirs) & _HIGH_BITS) >> 7) * 0xFF
    return bytearray(((mine & keep_mine) | (theirs & ~keep_mine)).to_bytes(REGISTERS, "little"))


def _distinct_users(
    exact: set[int] | None, exact_up_to: int, registers: bytearray | None, packed: bytes | None = None
) -> DistinctUsers:
    """A `DistinctUsers` unpickled: compiled by mypyc, a class is unpickled by calling it, so it says how."""
    users = DistinctUsers(exact_up_to)
    users.exact, users.registers, users.packed = exact, registers, packed
    return users


def union_users(mine: bytes | bytearray, theirs: bytes | bytearray, exact_up_to: int) -> bytes | bytearray:
    """The distinct users of both, as counted elsewhere (`users_counted`), as `DistinctUsers.update` counts them:
    their exact hashes packed while at most `exact_up_to`, else a sketch's registers (a new bytearray). Neither
    argument is changed. `hotjar_cli/core/tally_native.c` has the same, used when it was built."""
    users = users_counted(bytearray(mine) if isinstance(mine, bytearray) else mine, exact_up_to)  # a copy to raise
    users._add_all(users_counted(theirs, exact_up_to))
    if users.registers is not None:
        return users.registers
    return packed_users(users.exact or ())


def users_counted(users: bytes | bytearray, exact_up_to: int) -> DistinctUsers:
    """Distinct users as counted elsewhere: their hashes packed (`packed_users`, at most `exact_up_to`), or a
    sketch's registers."""
    if isinstance(users, bytearray):
        return _distinct_users(None, exact_up_to, users)
    return _distinct_users(None, exact_up_to, None, users)


_EXACT_RANKS: Final = 42
"""Up to this rank in every register, every sum of their 2^-rank is held exactly: a multiple of 2^-42 below 2^11
takes at most 53 bits."""
_EXACT_WHOLE: Final = 1 << _EXACT_RANKS
_EXACT_UNIT: Final = float(_EXACT_WHOLE)


def _inverse_sum(registers: bytearray) -> float:
    """The sum of 2^-rank over the registers, in their order: the same float, rank by rank, while exact."""
    # While every rank is at most `_EXACT_RANKS`, the sum is a whole number of 2^-42 below 2^52: added up exactly in
    # one machine integer, register by register, then made a float by an exact division. Rank by rank (a scan in C
    # for each rank's count, and for the highest rank held), a sketch cost 90,000 instructions; the inventory of the
    # 300 MB short benchmark reads 472 of them; this, 13,000. Compiled, a bytearray is indexed as any object is, and
    # bytes by a machine integer directly: the registers are copied to bytes first. (A one shifted left by a machine
    # integer is cut to 32 bits compiled: the units are a constant shifted right.)
    ranks = bytes(registers)
    whole: i64 = _EXACT_WHOLE
    units: i64 = 0
    size: i64 = len(ranks)
    index: i64 = 0
    while index < size:
        rank: i64 = ranks[index]
        if rank > _EXACT_RANKS:
            return sum(map(_INVERSE_POWERS.__getitem__, registers))
        units += whole >> rank
        index += 1
    return float(units) / _EXACT_UNIT


def register_of(hashed: int) -> tuple[int, int]:
    """The register a hash falls in and its rank there (the position of its first 1 bit after the index)."""
    return _register_and_rank(hashed >> 32, hashed & _LOW_32)


def _register_and_rank(high: i64, low: i64) -> tuple[int, int]:
    """`register_of` a hash, from its high and low 32 bits: in machine integers when compiled, where each shift
    and mask of the 64-bit hash, a Python integer past 2^62, makes a new one (1,100 instructions against 100)."""
    high_value = high & _HIGH_VALUE_MASK
    if high_value:
        rank = _HIGH_VALUE_BITS - int(high_value).bit_length() + 1
    else:
        rank = _VALUE_BITS - int(low).bit_length() + 1
    return int(high >> _HIGH_VALUE_BITS), rank


def _add_to(registers: bytearray, hashed: int) -> None:
    index, rank = register_of(hashed)
    if rank > registers[index]:
        registers[index] = rank


_union: Callable[[bytes | bytearray, bytes | bytearray, int], bytes | bytearray]
_c_user_hash: Callable[[str], int] | None
_add_hash: Callable[[bytearray, int], None]
try:  # built at install with the compiled core (see `hotjar_cli.core.tally`)
    from hotjar_cli.core import tally_native

    _union, _c_user_hash, _add_hash = tally_native.union_users, tally_native.user_hash, tally_native.add_hash
except ImportError:
    _union, _c_user_hash, _add_hash = union_users, None, _add_to
