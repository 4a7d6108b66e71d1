"""The mapping core against Segment's Hotjar integration itself, run with node (see `tests.support.integration`):
where a rule says what the integration does with a message, the integration is asked."""

from __future__ import annotations

import json
from pathlib import Path

from hotjar_cli.core.decode import parse_line
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Outcome
from hotjar_cli.core.rules import INVALID_TRAITS, NON_STRING_USER_ID
from tests.support.integration import segment_calls

NOT_OBJECTS = ['"pro"', '""', "42", "0", "-0", "1.5", "true", "false", '["pro"]', "[]", "[{}]"]
"""`traits` that are present, not null and not an object."""


def test_traits_that_are_not_an_object_are_judged_as_the_integration_treats_them(
    segment_integration_folder: Path,
) -> None:
    lines = [f'{{"type": "identify", "userId": "u1", "traits": {traits}}}' for traits in NOT_OBJECTS]
    done = segment_calls(segment_integration_folder, lines)
    for traits, line, result in zip(NOT_OBJECTS, lines, done, strict=True):
        decision = Mapper(Limits()).decide(parse_line(line.encode())[0][0])
        if traits.startswith("["):
            # Not thrown on: the list goes to Hotjar as the attributes, where none is kept (HJ107's documentation).
            assert result == {"calls": [["identify", "u1", json.loads(traits)]]}, traits
            assert [finding.code for finding in decision.findings] == [INVALID_TRAITS.code], traits
        elif "threw" in result:
            assert decision.outcome is Outcome.REJECTED, traits
            assert [finding.code for finding in decision.findings] == [INVALID_TRAITS.code], traits
        else:
            # Falsy: the facade reads no traits, and the call carries none.
            assert result == {"calls": [["identify", "u1", {}]]}, traits
            assert decision.outcome is Outcome.ACCEPTED, traits
            assert decision.call is not None and decision.call.args == ["identify", "u1", {}], traits


def test_hj107s_own_example_throws_in_the_integration_and_its_alternative_is_called(
    segment_integration_folder: Path,
) -> None:
    example, instead = segment_calls(segment_integration_folder, [INVALID_TRAITS.example, INVALID_TRAITS.instead])
    assert "threw" in example
    assert instead == {"calls": [["identify", "u1", {"plan": "pro"}]]}


NUMERIC_USER_IDS = [
    "42",
    "9007199254740993",  # 2^53 + 1: the nearest double is 2^53
    "9007199254740994",  # held exactly
    "-9007199254740993",
    "12345678901234567890",
    "123456789012345678901234567890",
    "4.5",
]


def test_numeric_user_ids_reach_hotjar_as_javascript_holds_them(segment_integration_folder: Path) -> None:
    lines = [f'{{"type": "identify", "userId": {user}, "traits": {{"plan": "pro"}}}}' for user in NUMERIC_USER_IDS]
    done = segment_calls(segment_integration_folder, lines, numbers_as_text=True)
    for user, line, result in zip(NUMERIC_USER_IDS, lines, done, strict=True):
        [[_, received, _]] = result["calls"]  # the number, as String(userId) makes it Hotjar's id
        decision = Mapper(Limits()).decide(parse_line(line.encode())[0][0])
        assert decision.call is not None and decision.call.args[1] == received, user
        [finding] = decision.findings
        assert finding.code == NON_STRING_USER_ID.code
        if received == user:
            assert finding.detail == "userId is a number; Hotjar receives its JavaScript string form", user
        else:  # the id Hotjar receives is another number's: the finding says so, without the id
            assert "too large for JavaScript to hold exactly; Hotjar receives it rounded" in finding.detail, user
            assert received not in finding.detail and user not in finding.detail
    rounded = [user for user, result in zip(NUMERIC_USER_IDS, done, strict=True) if result["calls"][0][1] != user]
    assert len(rounded) == 4  # 2^53 + 1 of either sign, and the two longer ones
