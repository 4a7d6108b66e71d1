"""Segment's facade as the core models it (`hotjar_cli.core.facade`): the screen that finds the lines it may copy
otherwise than as they are, in C and in Python alike, and what the copy does; `test_segment_integration.py` holds
the model to the facade itself, run with node."""

from __future__ import annotations

import json
from types import ModuleType

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hotjar_cli.core.decode import parse_line
from hotjar_cli.core.facade import (
    MAX_JOIN_LENGTH,
    MAX_STRING_LENGTH,
    Copied,
    copied,
    could_differ_here,
    keys_kept,
    left_as_is,
    lines_that_could_differ_here,
    turning_into_a_date,
)
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import Mapper
from hotjar_cli.core.model import Outcome
from hotjar_cli.core.rules import UNCOPYABLE_MESSAGE
from tests.support.messages import PROPERTY_SETTINGS, facade_messages, facade_values, log_values, spelled

WORDS = [b"__proto__", b"hasOwnProperty", b"valueOf", b"toString", b"\\u004f", b"\\u005F", b"\\u0070", b"\\u007e"]
"""What the screen looks for; and near misses it must pass over."""
NEAR = [b"_proto__", b"__proto_", b"hasOwnPropert", b"asOwnProperty", b"valueO", b"alueOf", b"\\u0030", b"\\u003f"]
NEAR += [b"\\u00e9", b"\\u0026", b"\\u0080", b"\\U004f", b"\\u04f", b"___", b"OO", b"\\\\"]
NEAR += [b"toStrin", b"oString", b"tostring", b"ToString", b"toSTRING", b"oS", b"Safari", b"macOS"]


def test_the_screen_finds_each_word_and_passes_over_near_misses() -> None:
    for word in WORDS:
        assert could_differ_here(word) and could_differ_here(b'{"a": "' + word + b'"}'), word
    for near in NEAR:
        assert not could_differ_here(near) and not could_differ_here(b'{"a": "' + near + b'"}'), near
    assert not could_differ_here(b"")


pieces = st.lists(
    st.sampled_from([*WORDS, *NEAR, b"_", b"O", b"o", b"S", b"t", b"\\", b"u", b"0", b'"', b"x"]), max_size=12
)


@given(data=st.binary(max_size=80) | pieces.map(b"".join))
@PROPERTY_SETTINGS
@example(data=b"hasOwnProperty")
@example(data=b"xvalueOf")
@example(data=b"__proto__")
@example(data=b"___proto__")
@example(data=b"toString")
@example(data=b"ttoStringg")
@example(data=b"oStoString")
@example(data=b"_\\u004")
@example(data=b"\\u0045")
def test_the_screen_in_c_answers_as_the_python_one(screen_native: ModuleType, data: bytes) -> None:
    # Both of its passes: 32 bytes at a time where the processor has AVX2, memchr elsewhere.
    for screen in (screen_native.could_differ, screen_native.could_differ_bytewise):
        assert screen(data) is could_differ_here(data)
        assert screen(bytearray(data)) is could_differ_here(data)
        for cut in range(len(data) + 1):  # each word at each end of the line, and across each block
            assert screen(data[:cut]) is could_differ_here(data[:cut])
            assert screen(data[cut:]) is could_differ_here(data[cut:])
            padded = b"x" * cut + data
            assert screen(padded) is could_differ_here(padded)


@given(lines=st.lists(st.binary(max_size=80) | pieces.map(b"".join), max_size=8))
@PROPERTY_SETTINGS
def test_the_screen_of_a_block_of_lines_names_the_lines_each_screen_finds(
    screen_native: ModuleType, lines: list[bytes]
) -> None:
    found = [index for index, raw in enumerate(lines) if could_differ_here(raw)]
    assert lines_that_could_differ_here(lines) == found
    assert screen_native.lines_that_could_differ(lines) == found
    assert screen_native.lines_that_could_differ([bytearray(raw) for raw in lines]) == found


def test_the_screen_in_c_takes_bytes_only(screen_native: ModuleType) -> None:
    with pytest.raises(TypeError):
        screen_native.lines_that_could_differ((b"__proto__",))
    with pytest.raises(TypeError):
        screen_native.lines_that_could_differ([b"x", "__proto__"])
    with pytest.raises(TypeError):
        screen_native.could_differ("__proto__")
    with pytest.raises(TypeError):
        screen_native.could_differ_bytewise("__proto__")


def test_the_screen_finds_each_word_at_each_place_of_a_long_line(screen_native: ModuleType) -> None:
    # The last of its blocks of 32 bytes overlaps the one before it: every place of a line of every length, once.
    for length in range(0, 100):
        for word in (b"__proto__", b"hasOwnProperty", b"valueOf", b"toString", b"\\u0041"):
            for at in range(0, length - len(word) + 1):
                line = b"a" * at + word + b"a" * (length - at - len(word))
                assert screen_native.could_differ(line), line
                assert screen_native.could_differ_bytewise(line), line
            assert not screen_native.could_differ(b"_" * length + b"O" * length)
            assert not screen_native.could_differ(b"o" * length + b"S" * length + b"tring")
            assert not screen_native.could_differ_bytewise(b"o" * length + b"S" * length + b"tring")


def as_it_is(message: object) -> bool:
    """Whether the facade hands the integration the message as it is logged."""
    if not isinstance(message, dict):
        return True
    if copied(message) != Copied(None, {}):
        return False
    traits = message.get("traits")
    return not isinstance(traits, dict) or set(keys_kept(traits)) == set(traits)  # in JavaScript's order


@given(message=facade_messages | log_values, escaped=st.sets(st.sampled_from("_hasOwnPrtyvluefOSig")))
@PROPERTY_SETTINGS
@example(message={"type": "identify", "userId": "u1", "traits": {"__proto__": 1}}, escaped={"_"})
@example(message={"type": "track", "event": "E", "context": {"hasOwnProperty": 1}}, escaped={"O"})
@example(message={"type": "identify", "traits": {"nodeType": None, "1": None}}, escaped=set())
@example(message={"type": "track", "timestamp": [{"toString": 1}]}, escaped={"S"})
@example(message={"type": "track", "timestamp": {"__proto__": [], "length": 2, "1": {"a": 1}}}, escaped={"_"})
def test_every_line_the_facade_copies_otherwise_is_one_the_screen_finds(message: object, escaped: set[str]) -> None:
    raw = spelled(json.dumps(message), escaped).encode()
    if not could_differ_here(raw):
        assert as_it_is(json.loads(raw)), raw


@given(traits=st.dictionaries(st.sampled_from(["__proto__", "nodeType", "_isBuffer", "a"]), facade_values))
@PROPERTY_SETTINGS
@example(traits={"__proto__": 1, "nodeType": 1})
@example(traits={"__proto__": 1, "nodeType": 1.0})
@example(traits={"__proto__": 1, "nodeType": True})
@example(traits={"__proto__": 1, "_isBuffer": []})
def test_a_trait_proto_is_kept_exactly_where_the_facade_hands_the_traits_on_uncopied(traits: dict) -> None:
    try:
        kept = keys_kept(traits)
    except ValueError:
        return  # copying throws: the message is rejected whole
    assert ("__proto__" in kept) == ("__proto__" in traits and left_as_is(traits))
    assert {key for key in traits if key != "__proto__"} == {key for key in kept if key != "__proto__"}


def test_the_fault_is_where_the_copy_throws_first_in_javascripts_order() -> None:
    message = {
        "type": "identify",
        "userId": "u1",
        "b": {"valueOf": 1},
        "1": {"hasOwnProperty": 1},  # an array index: JavaScript visits it before every other key
        "traits": {"a": 1, "__proto__": None},
    }
    assert copied(message) == Copied(("1", "hasOwnProperty"), {})
    del message["1"]
    assert copied(message) == Copied(("b", "valueOf"), {})
    del message["b"]
    assert copied(message) == Copied(("traits", "__proto__"), {})
    assert copied({**message, "userId": ""}) == Copied(None, {})  # the integration stops before reading the traits


def test_the_fields_the_integration_reads_come_from_the_messages_proto_where_it_has_none() -> None:
    proto = {"userId": "u9", "traits": {"plan": "max"}, "event": "Hidden", "properties": {"a": 1}}
    assert copied({"type": "identify", "__proto__": proto}) == Copied(None, {"userId": "u9", "traits": {"plan": "max"}})
    assert copied({"type": "identify", "userId": None, "traits": {}, "__proto__": proto}) == Copied(None, {})
    assert copied({"type": "track", "__proto__": {"__proto__": proto}}) == Copied(
        None, {"event": "Hidden", "properties": {"a": 1}}
    )
    # An element's `__proto__` is a key like another: nothing is inherited through it.
    assert copied({"type": "track", "__proto__": {"nodeType": 1, "__proto__": proto}}) == Copied(None, {})
    assert copied({"type": "track", "nodeType": 1, "__proto__": proto}) == Copied(None, {})


DEPTH = 900
"""Nearly as deep as the decoder reads."""


@pytest.mark.parametrize(
    ("field", "opened", "at_fault", "closed", "path", "before"),
    [
        # Copied: a key of JavaScript's own methods, deep in the properties.
        ("properties", '{"a": ', '{"hasOwnProperty": 1}', "}", "$.properties" + ".a" * DEPTH + ".hasOwnProperty", []),
        # Turned into text: a list in a list, each joined, down to an item that cannot be (a timestamp that is no
        # text breaks Segment's spec too).
        ("timestamp", "[1, ", '{"toString": 1}', "]", "$.timestamp" + "[1]" * DEPTH + ".toString", ["HJ005"]),
    ],
)
def test_a_message_nested_as_deep_as_the_decoder_reads_is_read_without_python_s_recursion(
    field: str, opened: str, at_fault: str, closed: str, path: str, before: list[str]
) -> None:
    raw = f'{{"type": "track", "userId": "u1", "event": "E", "{field}": ' + opened * DEPTH + at_fault
    raw += closed * DEPTH + "}"
    [parsed], _ = parse_line(raw.encode())
    decision = Mapper(Limits()).decide(parsed)
    assert decision.outcome is Outcome.REJECTED
    assert [finding.code for finding in decision.findings] == [*before, UNCOPYABLE_MESSAGE.code]
    assert decision.findings[-1].path == path


def timestamp_fault(timestamp: object) -> object:
    """Where the facade throws on a track with this `timestamp`, or None."""
    return copied({"type": "track", "userId": "u1", "event": "E", "timestamp": timestamp}).fault


def test_a_list_too_long_for_text_throws_where_v8_does() -> None:
    # Run with node (the tests' own node; Chrome's JavaScript is the same): `String(o)` of an object whose prototype
    # is `[]` and whose `length` is 536,870,889 made 536,870,888 commas in about 20 s; 536,870,890 threw "Invalid
    # string length"; a `length` of 2**32 threw "Invalid array length" at once, and 2**32 - 1 read the items.
    assert timestamp_fault({"__proto__": [], "length": MAX_STRING_LENGTH + 1}) is None
    assert timestamp_fault({"__proto__": [], "length": MAX_STRING_LENGTH + 2}) == ("timestamp", "length")
    assert timestamp_fault({"__proto__": [], "length": MAX_STRING_LENGTH - 5, "0": "abcdef"}) is None
    assert timestamp_fault({"__proto__": [], "length": MAX_STRING_LENGTH - 5, "0": "abcdefg"}) == (
        "timestamp",
        "length",
    )
    assert timestamp_fault({"__proto__": [], "length": MAX_JOIN_LENGTH + 1}) == ("timestamp", "length")
    assert timestamp_fault({"__proto__": [], "length": MAX_JOIN_LENGTH, "7": {"toString": 1}}) == (
        "timestamp",
        "7",
        "toString",
    )
    # The text is counted as V8 writes it: an item's text and the separators before it, once the item's text is
    # made, and only when it is not empty (each run with node: 600,000,000 items, about 30 s each).
    null_proto_at = {"__proto__": [], "length": 600_000_000, "560000000": {"__proto__": None}}
    assert timestamp_fault(null_proto_at) == ("timestamp", "560000000", "__proto__")
    assert timestamp_fault({**null_proto_at, "540000000": "x"}) == ("timestamp", "length")
    assert timestamp_fault({**null_proto_at, "540000000": ""}) == ("timestamp", "560000000", "__proto__")


def test_a_fault_is_told_apart_by_the_step_that_throws() -> None:
    assert turning_into_a_date(("timestamp", "toString"))
    assert turning_into_a_date(("timestamp", 0, "__proto__"))
    assert turning_into_a_date(("__proto__", "__proto__", "timestamp", "__proto__"))
    assert turning_into_a_date(("timestamp", "length"))
    assert not turning_into_a_date(("timestamp", "hasOwnProperty"))
    assert not turning_into_a_date(("traits", "__proto__"))
    assert not turning_into_a_date(("__proto__", "traits", "a", "__proto__"))
    assert not turning_into_a_date(("properties", "valueOf"))
