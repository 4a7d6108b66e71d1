"""The estimate of distinct users is the plain HyperLogLog formula, to the last bit."""

from __future__ import annotations

import math
import random

import pytest

from hotjar_cli.core.sketch import PRECISION, REGISTERS, DistinctUsers, user_hash


def plain_estimate(users: DistinctUsers) -> int:
    """HyperLogLog's estimate with small-range correction, each register's 2^-rank summed in order."""
    registers = users.registers or bytearray(REGISTERS)
    alpha = 0.7213 / (1 + 1.079 / REGISTERS)
    raw = alpha * REGISTERS * REGISTERS / sum(2.0**-rank for rank in registers)
    zeros = registers.count(0)
    if raw <= 2.5 * REGISTERS and zeros:
        return round(REGISTERS * math.log(REGISTERS / zeros))
    return round(raw)


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
