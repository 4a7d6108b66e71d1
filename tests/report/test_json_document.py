"""The JSON documents of `validate --format json` and `inventory --format json` are encoded by orjson where it writes
the same bytes, and escaped by parts (`write_document`): they must stay the bytes they always were, msgspec's encoding,
indented by `msgspec.json.format`, with the characters a terminal would act on escaped as over the whole document."""

from __future__ import annotations

import io
from typing import Any

import msgspec

from hotjar_cli.core.visible import visible_json_utf8
from hotjar_cli.report.records import write_document


def msgspec_document(value: Any) -> bytes:
    """The document before its characters are escaped: encoded, then indented, then a line end."""
    return msgspec.json.format(msgspec.json.encode(value), indent=2) + b"\n"


def written(record: dict[str, Any], to_bytes: bool) -> bytes:
    """What `write_document` writes: to a stream's bytes (a file, stdout), or as text to a stream that has none."""
    if to_bytes:
        stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        write_document(record, stream)
        stream.flush()
        binary = stream.detach()
        assert isinstance(binary, io.BytesIO)
        return binary.getvalue()
    text = io.StringIO()
    write_document(record, text)
    return text.getvalue().encode()


def test_a_large_document_is_escaped_by_parts_as_it_was_whole() -> None:
    # Thousands of rows, some holding characters to escape: in the first and last row, at the ends of a name, and
    # beside characters past ASCII that need no escape, so that parts of the document hold some and others none.
    names = [f"Viewed Article {number} déjà ✓" for number in range(20_000)]
    unsafe = "\u200b\x7f\u00a0\u202e\u2028\ufeff\U000e0041\x85"
    for count, number in enumerate(range(0, 20_000, 997)):
        character = unsafe[count % len(unsafe)]
        names[number] = f"{character}{names[number]}{character}"
    names[-1] += "\u2066"
    record = {"names": [{"name": name, "messages": number} for number, name in enumerate(names)]}
    whole = visible_json_utf8(msgspec_document(record))
    assert whole != msgspec_document(record)  # something was escaped
    assert written(record, to_bytes=True) == whole
    assert written(record, to_bytes=False) == whole


def test_a_document_with_nothing_to_escape_is_written_as_it_is() -> None:
    record = {"names": [{"name": f"Step {number} ✓ naïve 日本語", "slot": number} for number in range(10_000)]}
    assert written(record, to_bytes=True) == msgspec_document(record)


def test_a_document_is_written_as_msgspec_writes_it_whatever_it_holds() -> None:
    # Floats past 10^16 (orjson writes `1e+16`, msgspec `1e16`), the same text inside a string, what orjson refuses
    # (an integer past 64 bits, a `msgspec.Raw`, nesting past 254 levels), and plain values beside them.
    nested: list[Any] = []
    for _ in range(300):
        nested = [nested]
    values: list[Any] = [
        1e16,
        -2.5e300,
        123456789012345.6,
        1e-7,
        0.00022,
        18.24,
        "1e+16 in a name",
        "a+b",
        "+",
        2**64,
        -(2**63),
        msgspec.Raw(b"0.136363636363636363"),
        nested,
        {"": [], "types": {}, "name": "Signed Up ✓ déjà\u200b"},
    ]
    for value in values:
        record = {"value": value, "names": [{"name": "plan", "messages": 3, "first_seen": None}]}
        assert written(record, to_bytes=True) == visible_json_utf8(msgspec_document(record)), value
