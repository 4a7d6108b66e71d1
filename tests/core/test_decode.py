"""The decoder's message as the compiled core reads it: its fields as one tuple, at fixed places."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

from hypothesis import example, given
from hypothesis import strategies as st

from hotjar_cli.core import decode
from hotjar_cli.core.decode import (
    MAX_LEVELS,
    SegmentMessage,
    decode_one,
    message_fields,
    nested_deeper_here,
    too_deep,
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
