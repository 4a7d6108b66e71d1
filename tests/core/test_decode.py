"""The decoder's message as the compiled core reads it: its fields as one tuple, at fixed places."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hotjar_cli.core import decode
from hotjar_cli.core.decode import (
    MAX_LEVELS,
    SegmentMessage,
    decode_one,
    message_fields,
    message_id_text,
    nested_deeper_here,
    too_deep,
    written_message_id,
)
from tests.support.messages import PROPERTY_SETTINGS

PLACES = {
    "anonymousId": decode.ANONYMOUS_ID,
    "context": decode.CONTEXT,
    "integrations": decode.INTEGRATIONS,
    "messageId": decode.MESSAGE_ID,
    "timestamp": decode.TIMESTAMP,
    "type": decode.TYPE,
    "userId": decode.USER_ID,
    "event": decode.EVENT,
    "traits": decode.TRAITS,
    "properties": decode.PROPERTIES,
    "batch": decode.BATCH,
    "channel": decode.CHANNEL,
    "copy_fault": decode.COPY_FAULT,
}


def test_every_place_is_its_field_in_the_struct() -> None:
    for name, place in PLACES.items():
        assert SegmentMessage.__struct_fields__[place] == name


def test_the_native_tally_reads_the_same_places() -> None:
    # tally_native.c reads some fields by place too, in an enum of its own: a field added before them moves them.
    source = (Path(decode.__file__).parent / "tally_native.c").read_text()
    places = dict(re.findall(r"\b([A-Z_]+) = (\d+)", re.search(r"enum \{ ANONYMOUS_ID[^}]*\}", source).group()))
    assert places
    for name, place in places.items():
        assert getattr(decode, name) == int(place), name


def test_a_message_read_by_place_reads_as_by_name() -> None:
    message = decode_one(
        b'{"type": "track", "event": "Signed Up", "userId": "u1", "anonymousId": "a1", "messageId": "m1",'
        b' "timestamp": "2024-03-01T00:00:00.000Z", "integrations": {"All": true}, "properties": {"a": 1},'
        b' "traits": {"plan": "pro"}, "batch": [1]}'
    )
    fields = message_fields(message)
    assert len(fields) == len(SegmentMessage.__struct_fields__)
    for name, place in PLACES.items():
        assert fields[place] is getattr(message, name), name


def test_no_line_sets_where_the_facade_throws_but_the_decoder() -> None:
    # `copy_fault` is read from the key `__proto__`, which only lines the decoder reads whole can hold.
    plain = decode_one(b'{"type": "track", "event": "E", "__proto__": {"a": 1}, "properties": {"__proto__": 1}}')
    assert plain.copy_fault is None
    thrown = decode_one(b'{"type": "track", "event": "E", "__proto__": {"hasOwnProperty": 1}}')
    assert thrown.copy_fault == ("__proto__", "hasOwnProperty")
    escaped = decode_one(b'{"type": "track", "event": "E", "\\u005f_proto__": "not a place"}')
    assert escaped.copy_fault is None


brackets = st.lists(st.sampled_from([b"{", b"}", b"[", b"]", b'"', b"\\", b"a", b":", b",", b"\n"]), max_size=40)


@given(raw=brackets.map(b"".join) | st.binary(max_size=40), levels=st.integers(0, 6))
@PROPERTY_SETTINGS
@example(raw=b'["[[', levels=0)
@example(raw=b'"\\"[', levels=0)
@example(raw=b'"ab\\', levels=0)
@example(raw=b"[]]][[", levels=1)
def test_the_depth_screen_in_c_answers_as_the_python_one(screen_native: ModuleType, raw: bytes, levels: int) -> None:
    expected = nested_deeper_here(raw, levels)
    assert screen_native.nested_deeper(raw, levels) is expected
    assert screen_native.nested_deeper(bytearray(raw), levels) is expected


def test_the_depth_screen_skips_strings_and_counts_the_message_itself() -> None:
    message = b'{"traits": {"a": [1, "]]]]", "[[[[\\"[["]}}'
    assert not nested_deeper_here(message, 3) and nested_deeper_here(message, 2)
    deepest = b'{"a": ' * MAX_LEVELS + b"1" + b"}" * MAX_LEVELS
    assert not too_deep(deepest) and too_deep(b"[" + deepest + b"]")


@pytest.mark.parametrize(
    ("given", "written", "shown"),
    [
        ('"m-1"', "m-1", "m-1"),
        ('"12345"', "12345", "12345"),
        ('""', "", ""),
        ("12345", 12345, "12345"),
        ("-0", 0, "0"),
        ("true", True, "true"),
        ("false", False, "false"),
        ("1.5", 1.5, "1.5"),
        ("1E16", 1e16, "1e16"),
        ("9" * 4_300, int("9" * 4_300), "9" * 4_300),
        ("null", None, ""),
        ('{"id": "m-1"}', None, ""),
        ('["m-1"]', None, ""),
    ],
)
def test_a_message_id_is_written_as_the_message_gave_it_and_an_object_or_list_is_none(
    given: str, written: Any, shown: str
) -> None:
    message = decode_one(f'{{"type": "track", "messageId": {given}}}'.encode())
    assert (type(written_message_id(message)), written_message_id(message)) == (type(written), written)
    assert message_id_text(written_message_id(message)) == shown


def test_a_message_without_a_message_id_has_none_to_write() -> None:
    message = decode_one(b'{"type": "track"}')
    assert written_message_id(message) is None
    assert message_id_text(None) == ""


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@given(value=json_values)
@PROPERTY_SETTINGS
def test_a_written_message_id_is_the_value_the_line_holds_or_none(value: Any) -> None:
    message = decode_one(json.dumps({"type": "track", "messageId": value}).encode())
    written = written_message_id(message)
    if isinstance(value, dict | list) or value is None:
        assert written is None
        return
    # Written and read back, it is the line's value, of the line's type.
    assert (type(msgspec.json.decode(msgspec.json.encode(written))), written) == (type(value), value)
    if not isinstance(value, str):
        assert json.loads(message_id_text(written)) == value  # shown as the JSON a reader takes back
