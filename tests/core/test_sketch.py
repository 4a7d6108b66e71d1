"""The estimate of distinct users is the plain HyperLogLog formula, to the last bit."""

from __future__ import annotations

import math
import pickle
import random
import struct
from types import ModuleType

import pytest

from hotjar_cli.core.sketch import (
    PRECISION,
    REGISTERS,
    STANDARD_ERROR,
    DistinctUsers,
    packed_users,
    plain_user_hash,
    register_of,
    union_users,
    unpacked_users,
    user_hash,
    users_counted,
)


def plain_estimate(users: DistinctUsers) -> int:
    """HyperLogLog's estimate with small-range correction, each register's 2^-rank summed in order, and at least
    one more than the exact count holds (the sketch takes over only past it)."""
    registers = users.registers or bytearray(REGISTERS)
    alpha = 0.7213 / (1 + 1.079 / REGISTERS)
    raw = alpha * REGISTERS * REGISTERS / sum(2.0**-rank for rank in registers)
    zeros = registers.count(0)
    if raw <= 2.5 * REGISTERS and zeros:
        return max(round(REGISTERS * math.log(REGISTERS / zeros)), users.exact_up_to + 1)
    return max(round(raw), users.exact_up_to + 1)


def test_an_estimate_is_never_below_the_users_counted_exactly_before_it() -> None:
    # Just past the exact bound the estimate can fall either side of the truth; the count never claims fewer users
    # than the exact count had reached.
    below = 0
    for start in range(0, 200 * 65, 65):
        distinct = DistinctUsers()
        for number in range(start, start + 65):
            distinct.add(user_hash(f"user-{number}"))
        assert distinct.estimated
        below += _raw_estimate(distinct) < 65
        assert distinct.count() >= 65
    assert below  # some raw estimates do fall below: the floor is what holds them


def _raw_estimate(users: DistinctUsers) -> int:
    """Linear counting alone, as HyperLogLog estimates a few users."""
    registers = users.registers or bytearray(REGISTERS)
    zeros = registers.count(0)
    return round(REGISTERS * math.log(REGISTERS / zeros))


@pytest.mark.parametrize("users", [65, 2_000, 3_000, 50_000])
def test_the_estimate_is_the_plain_formula(users: int) -> None:
    distinct = DistinctUsers()
    for number in range(users):
        distinct.add(user_hash(f"u{number}"))
    assert distinct.estimated
    assert distinct.count() == plain_estimate(distinct)


def test_the_estimate_is_the_plain_formula_past_the_ranks_summed_exactly() -> None:
    rng = random.Random(7)
    for _ in range(200):
        distinct = DistinctUsers(exact_up_to=0)
        for _ in range(3_000):
            # Hashes with many leading zeros after the register's bits: ranks up to the largest a register holds.
            distinct.add(
                rng.getrandbits(64) >> rng.choice([0, 20, 44, 48, 50, 53, 54])
                | (rng.getrandbits(PRECISION) << (64 - PRECISION))
            )
        assert distinct.count() == plain_estimate(distinct)


@pytest.mark.parametrize(
    ("user", "hashed"),
    [
        ("usr_000001", 0xD891_0DC0_36DA_3994),
        ("4bf4c6e5-3f1d-4c5e-9a3e-0d6b1f2a7c11", 0xAC6E_BBDC_2D8B_1A6C),
        ("héllo☃", 0x40E2_875B_7E0C_6476),
        ("a\ud800b", 0x001A_C7E4_0D45_9956),  # a lone surrogate, as a JSON string can escape it
        ("", 0xFAC0_F308_8834_8E38),
    ],
)
def test_a_user_hash_is_the_same_in_every_process_compiled_or_not(
    user: str, hashed: int, tally_native: ModuleType
) -> None:
    assert user_hash(user) == plain_user_hash(user) == tally_native.user_hash(user) == hashed


def test_a_user_added_to_a_sketch_in_c_takes_the_register_and_rank_the_core_gives_it(tally_native: ModuleType) -> None:
    rng = random.Random(5)
    for hashed in [0, 1, (1 << 64) - 1, 1 << 63, *(rng.getrandbits(64) for _ in range(2_000))]:
        registers, plain = bytearray(REGISTERS), bytearray(REGISTERS)
        tally_native.add_hash(registers, hashed)
        index, rank = register_of(hashed)
        plain[index] = rank
        assert registers == plain, hashed
    with pytest.raises(TypeError):
        tally_native.add_hash(bytearray(8), 1)
    with pytest.raises(OverflowError):
        tally_native.add_hash(bytearray(REGISTERS), 1 << 64)


@pytest.mark.parametrize(
    "shape",
    ["usr_{:06d}", "u{}", "{}", "user{}@example.com", "{:08x}-fb65-45d8-a4a6-84141385642e"],
)
def test_the_estimate_of_sequential_ids_is_within_three_standard_errors(shape: str) -> None:
    users = 100_000
    distinct = DistinctUsers(exact_up_to=0)
    for number in range(1, users + 1):
        distinct.add(user_hash(shape.format(number)))
    assert abs(distinct.count() - users) <= 3 * STANDARD_ERROR * users


def test_sequential_ids_fill_the_registers_evenly() -> None:
    counts = [0] * REGISTERS
    users = 200_000
    for number in range(users):
        counts[register_of(user_hash(f"usr_{number:06d}"))[0]] += 1
    expected = users / REGISTERS
    chi_square = sum((count - expected) ** 2 / expected for count in counts)
    assert chi_square < REGISTERS + 5 * math.sqrt(2 * REGISTERS)  # 1,023 degrees of freedom: 5 standard deviations


def plain_register_of(hashed: int) -> tuple[int, int]:
    """The register: the top PRECISION bits; the rank: where the first 1 bit of the rest is, counted from 1."""
    rest_bits = 64 - PRECISION
    rest = hashed & ((1 << rest_bits) - 1)
    return hashed >> rest_bits, rest_bits - rest.bit_length() + 1


def test_the_register_and_rank_of_a_hash_are_the_plain_formula() -> None:
    rng = random.Random(5)
    hashes = [0, (1 << 64) - 1, 1 << 63, (1 << 54) - 1, 1 << 53, 1 << 32, (1 << 32) - 1, 1]
    hashes += [rng.getrandbits(64) >> rng.choice([0, 10, 22, 30, 40, 54, 60]) for _ in range(20_000)]
    for hashed in hashes:
        assert register_of(hashed) == plain_register_of(hashed), hashed


def state(users: DistinctUsers) -> tuple[object, ...]:
    hashes = users.hashes()
    return users.estimated, users.count(), sorted(hashes) if hashes is not None else bytes(users.registers or b"")


@pytest.mark.parametrize(("size", "other_size"), [(1, 0), (1, 5), (30, 34), (64, 1), (40, 40), (3, 200)])
def test_users_handed_over_packed_count_add_and_merge_as_users_added_one_by_one(size: int, other_size: int) -> None:
    # As a tally hands a name's users over: packed, with the hashes 0 and 2^64 - 1 among them.
    rng = random.Random(size * 1000 + other_size)
    mine = {0, (1 << 64) - 1} | {rng.getrandbits(64) for _ in range(size - 2)} if size >= 2 else {0}
    others = {rng.getrandbits(64) for _ in range(other_size)}
    assert sorted(unpacked_users(packed_users(mine))) == sorted(mine)
    plain, other = DistinctUsers(), DistinctUsers()
    for hashed in mine:
        plain.add(hashed)
    for hashed in others:
        other.add(hashed)
    packed = users_counted(packed_users(mine), plain.exact_up_to)
    assert state(packed) == state(plain)
    assert state(pickle.loads(pickle.dumps(users_counted(packed_users(mine), 64)))) == state(plain)
    assert state(users_counted(packed_users(mine), 64).merge(other)) == state(plain.merge(other))
    assert state(other.merge(users_counted(packed_users(mine), 64))) == state(other.merge(plain))
    for hashed in others:
        packed.add(hashed)
        plain.add(hashed)
    assert state(packed) == state(plain)


@pytest.mark.parametrize("seed", range(20))
def test_two_sketches_merge_to_the_higher_register_of_each(seed: int) -> None:
    chosen = random.Random(seed)
    # Every rank a register can hold, zeros and the highest included, and runs of equal registers.
    highest = 64 - PRECISION + 1
    mine = bytearray(chosen.choice([0, 1, highest, chosen.randrange(highest + 1)]) for _ in range(REGISTERS))
    theirs = bytearray(chosen.choice([0, highest, chosen.randrange(highest + 1)]) for _ in range(REGISTERS))
    theirs[: REGISTERS // 8] = mine[: REGISTERS // 8]
    first, second = users_counted(mine, 64), users_counted(theirs, 64)
    assert first.merge(second).registers == bytearray(max(one, other) for one, other in zip(mine, theirs, strict=True))
    assert second.merge(first).registers == first.merge(second).registers
    assert (first.registers, second.registers) == (mine, theirs)  # each part left as it was


def _users(hashes: set[int], exact_up_to: int) -> bytes | bytearray:
    """Users as a tally hands them over: packed while exact, else a sketch's registers."""
    users = DistinctUsers(exact_up_to)
    for hashed in hashes:
        users.add(hashed)
    return users.registers if users.registers is not None else packed_users(hashes)


@pytest.mark.parametrize("seed", range(12))
def test_users_handed_over_add_up_as_users_added_one_by_one_in_c_and_in_python(
    seed: int, tally_native: ModuleType
) -> None:
    # Two parts' users, packed or a sketch, sharing some users (0 and 2^64 - 1 among them), unions on either side
    # of the exact bound: added up as they are, they count as every user added to one set.
    rng = random.Random(seed)
    shared = {rng.getrandbits(64) for _ in range(rng.choice([0, 3, 30]))} | {0, (1 << 64) - 1}
    sizes = [rng.choice([0, 1, 20, 31, 40, 90]) for _ in range(2)]
    mine, theirs = ({rng.getrandbits(64) for _ in range(size)} | set(rng.sample(sorted(shared), 2)) for size in sizes)
    exact_up_to = rng.choice([16, 64])
    plain = DistinctUsers(exact_up_to)
    for hashed in mine | theirs:
        plain.add(hashed)
    for union in (union_users, tally_native.union_users):
        handed = users_counted(_users(mine, exact_up_to), exact_up_to)
        other = _users(theirs, exact_up_to)
        before = bytes(other)
        assert union(_users(mine, exact_up_to), other, exact_up_to) == union(
            other, _users(mine, exact_up_to), exact_up_to
        )
        both = union(_users(mine, exact_up_to), other, exact_up_to)
        handed.packed, handed.registers = (None, both) if isinstance(both, bytearray) else (both, None)
        assert state(handed) == state(plain), union
        assert bytes(other) == before  # neither part is changed
    users = users_counted(_users(mine, exact_up_to), exact_up_to)
    users.update(users_counted(_users(theirs, exact_up_to), exact_up_to))
    assert state(users) == state(plain)


def test_packed_users_out_of_order_add_up_all_the_same_in_c(tally_native: ModuleType) -> None:
    # Every packing sorts its hashes; the C union still counts unsorted ones rightly rather than trust the order.
    backwards = struct.pack("<3Q", 9, 5, 1)
    assert tally_native.union_users(backwards, packed_users({5, 7}), 64) == packed_users({1, 5, 7, 9})
    with pytest.raises(TypeError):
        tally_native.union_users(b"1234567", packed_users({5}), 64)
