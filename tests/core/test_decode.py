"""The decoder's message as the compiled core reads it: its fields as one tuple, at fixed places."""

from __future__ import annotations

from hotjar_cli.core import decode
from hotjar_cli.core.decode import SegmentMessage, decode_one, message_fields

PLACES = {
    "anonymousId": decode.ANONYMOUS_ID,
    "integrations": decode.INTEGRATIONS,
    "messageId": decode.MESSAGE_ID,
    "timestamp": decode.TIMESTAMP,
    "type": decode.TYPE,
    "userId": decode.USER_ID,
    "event": decode.EVENT,
    "traits": decode.TRAITS,
    "properties": decode.PROPERTIES,
    "batch": decode.BATCH,
}


def test_every_place_is_its_field_in_the_struct() -> None:
    for name, place in PLACES.items():
        assert SegmentMessage.__struct_fields__[place] == name


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
