"""Turning one line of a Segment log into messages, or into the reason it holds none.

The decoder reads only the fields the rules need: `properties` is kept as raw JSON (a view of the line), without
building Python objects, and of `context`, usually half of a message, only two members are read and the rest is
skipped: the library that sent the message (a server or mobile library's messages never reached Hotjar, and the
library decides how `integrations` is read) and, for replay, the user's time zone.

A line that holds a key JavaScript gives a meaning of its own (`__proto__`, `hasOwnProperty`, `valueOf`, `toString`)
may reach Segment's Hotjar integration otherwise than as it is logged, or not at all (see `hotjar_cli.core.facade`):
such lines, which a search of the bytes finds, are also read whole, and their message says what Segment's facade
makes of it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import msgspec
import orjson

from hotjar_cli.core import rules
from hotjar_cli.core.facade import copied, could_differ

# The rules that say why a line holds no message, by code, read here once: a module-level name costs less per
# line than an attribute of the rule.
_INVALID_JSON_CODE = rules.INVALID_JSON.code
_NOT_AN_OBJECT_CODE = rules.NOT_AN_OBJECT.code
_INVALID_BATCH_CODE = rules.INVALID_BATCH.code

MAX_LINE_BYTES = 8 * 1024 * 1024
"""Longer lines are reported, not parsed: Segment's own cap is 32 KB a message and 500 KB a batch."""


_NotAnObject = None | str | int | float | bool | list[Any]
"""The JSON values a member the decoder reads into a struct may hold instead of an object."""


class Library(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """`context.library`: the Segment library that sent the message (`analytics.js`, `analytics-python`...)."""

    name: Any = None
    version: Any = None


class Context(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """The members of `context` anything reads; the others are skipped unread. Reading the library here, in the
    line's one decode, costs about a sixth of decoding it again from raw JSON for each message."""

    library: Library | _NotAnObject = None
    timezone: Any = None


class SegmentMessage(msgspec.Struct, frozen=True, gc=False):
    """The fields of a Segment message that decide what Hotjar receives. Types are checked by the rules.

    The fields are in the order analytics.js and Segment's archives write them: the decoder looks for each key
    from the field after the last one it matched, so this order finds most keys at the first try.
    """

    anonymousId: Any = None
    context: Context | _NotAnObject = None
    integrations: Any = None
    messageId: Any = None
    originalTimestamp: Any = None
    receivedAt: Any = None
    timestamp: Any = None
    type: Any = None
    userId: Any = None
    event: Any = None
    traits: Any = None
    properties: msgspec.Raw = msgspec.Raw(b"")
    batch: Any = None
    channel: Any = None
    """Set by Segment's tracking API (`client`, `server`, `mobile`); analytics.js does not send it, and archives
    write it second. It is last all the same: the places of the fields before it are fixed (`tally_native.c` reads
    them too)."""
    copy_fault: Any = msgspec.field(default=None, name="__proto__")
    """Where Segment's facade throws copying the message in the browser, as the keys and list indices of the place
    (`facade.Copied.fault`), or None. Set by `with_copy` for the lines `could_differ` finds, and None on every
    other line: it is read from the key `__proto__` only so that no line can set it, since a line holding that key
    is always one of those, whose value `with_copy` then sets."""


message_fields: Callable[[SegmentMessage], tuple[Any, ...]] = msgspec.structs.astuple
"""A message's fields as one tuple, in the struct's order, at the places below: compiled code reads an item of a
tuple in a few instructions, where reading a field of the message (a class of msgspec's, not of the compiled core)
is a generic attribute lookup, about 300 instructions. The common line reads eight fields; one call makes them all."""
# The places of the fields in `message_fields(...)` (tests/core/test_decode.py checks them against the struct).
ANONYMOUS_ID: Final = 0
CONTEXT: Final = 1
INTEGRATIONS: Final = 2
MESSAGE_ID: Final = 3
TIMESTAMP: Final = 6
TYPE: Final = 7
USER_ID: Final = 8
EVENT: Final = 9
TRAITS: Final = 10
PROPERTIES: Final = 11
BATCH: Final = 12
CHANNEL: Final = 13
COPY_FAULT: Final = 14


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A line or batch item that holds no message, with the rule that says why."""

    code: str
    detail: str


Parsed = SegmentMessage | Unreadable


_decoder = msgspec.json.Decoder(SegmentMessage)
decode_fields = _decoder.decode
"""The message on a line as the decoder reads its fields (`decode_one` without `with_copy`), for the compiled loop
that asks `could_differ` itself; raises one of `DECODE_ERRORS` for anything but an object."""


def decode_one(raw: bytes) -> SegmentMessage:
    """The message on a line, with `batch` set for an envelope; raises one of `DECODE_ERRORS` for anything else.

    The engine's path for the common line. `parse_line` says what any line holds, and why it holds no message.
    """
    message = _decoder.decode(raw)
    return with_copy(message, raw) if could_differ(raw) else message


def with_copy(message: SegmentMessage, raw: bytes) -> SegmentMessage:
    """A line's message with what Segment's facade makes of it (`facade.copied`), read from the whole line: where
    copying it throws (`copy_fault`), and each field the Hotjar integration reads that the message lacks and its
    `__proto__` lends it, as if the message held it. For the lines `could_differ` finds: slow, and exact."""
    try:
        value = msgspec.json.decode(raw)
    except DECODE_ERRORS:
        # Invalid UTF-8 or a number past a double where the decoder skips without reading (`context`), which the
        # browser never wrote: read around them.
        try:
            value = json.loads(bytes(raw).decode("utf-8", "replace"))
        except (ValueError, RecursionError):
            return msgspec.structs.replace(message, copy_fault=None)
    if type(value) is not dict or "batch" in value:
        return msgspec.structs.replace(message, copy_fault=None)  # an envelope: each item is read on its own
    fault, inherited = copied(value)
    if "properties" in inherited:
        inherited["properties"] = msgspec.Raw(msgspec.json.encode(inherited["properties"]))
    return msgspec.structs.replace(message, copy_fault=fault, **inherited)


MAX_LEVELS: Final = 1_000
"""Objects and lists within each other a line may hold, the message itself counted: one nested deeper is not read
(`TOO_DEEP`), whatever the stack of the reading process (see `too_deep`)."""
TOO_DEEP = f"nested too deeply to read (over {MAX_LEVELS:,} levels)"
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)


def nested_deeper_here(raw: bytes, levels: int) -> bool:
    """Whether a line opens more than `levels` objects or lists within each other, its strings skipped (a `\\`
    escapes the byte after it; a string left open runs to the line's end)."""
    depth = 0
    for token in _STRING_OR_BRACKET.finditer(raw):
        byte = raw[token.start()]
        if byte in b"{[":
            depth += 1
            if depth > levels:
                return True
        elif byte in b"}]":
            depth -= 1
    return False


nested_deeper: Callable[[bytes, int], bool]
"""`nested_deeper_here`, in C when the core was compiled at install (`hotjar_cli/core/screen_native.c`)."""
try:
    from hotjar_cli.core import screen_native  # named from its package: a module in C has no imports to follow

    nested_deeper = screen_native.nested_deeper
except ImportError:  # not compiled, or the core runs from its sources (`hotjar_cli.compiled`)
    nested_deeper = nested_deeper_here


def too_deep(raw: bytes) -> bool:
    """Whether a line is nested deeper than `MAX_LEVELS`, asked before it is decoded: a decoder stops at as many
    levels as the interpreter's recursion has left, which depends on where it is called (a worker process, a report
    written, a value decoded late), so the pass decides, at a depth of its own, and runs deep enough to read, pickle
    and write any line it reads (`hotjar_cli.run.one_pass.RECURSION_LIMIT`). A line so deep holds more than twice as
    many bytes: any other is not asked."""
    return len(raw) > 2 * MAX_LEVELS and nested_deeper(raw, MAX_LEVELS)


UTF8_BOM = b"\xef\xbb\xbf"
BOM_INSIDE = "the line starts with a UTF-8 byte-order mark, which only a file's start may hold (files joined by cat?)"
NUL_BYTES = "the line holds NUL bytes: UTF-16 text? (iconv -f UTF-16 -t UTF-8 converts it)"
BINARY_BYTES = "the line holds NUL bytes, and is no text: a binary file?"
SPREAD_OVER_LINES = (
    "the line is a piece of a JSON document spread over lines, not a message of its own: Segment writes one message "
    "a line (jq -c '.[]' turns an array into such lines, jq -c . a document)"
)
LIST_OF_OBJECTS = (
    "the line is a list of {count}, not a message object: Segment writes one message a line, and a batch as "
    "{{\"batch\": [...]}} (jq -c '.[]' turns an array into such lines)"
)
_PIECE_OF_A_DOCUMENT = re.compile(rb'\s*(?:[\[\]{}],?|"(?:[^"\\]|\\.)*"\s*:.*|[\]}],?\s*[\]}],?)\s*', re.DOTALL)
"""A line of pretty-printed JSON that holds no whole value: a bracket alone, or a `"key": ...` member."""
DECODE_ERRORS = (msgspec.DecodeError, UnicodeDecodeError, RecursionError)
"""What decoding a line can raise besides `msgspec.ValidationError`: it is not JSON, not UTF-8, or nested deeper
than the interpreter's recursion allows (a line `too_deep` is not decoded)."""
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
"""A `\\uD800`–`\\uDFFF` escape without its other half: JavaScript's JSON.parse takes it, a UTF-8 decoder cannot.
Found where it is not one too (`\\\\ud800`, an escaped backslash before `ud800`): `_LONE_SURROGATE_ESCAPE` tells."""
_LONE_SURROGATE_ESCAPE = re.compile(
    rb"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)
"""An escaped backslash, a surrogate pair's escapes, or a lone surrogate's escape, each whole and in turn from the
line's start: so an escape is never read inside another (`\\\\ud800` is a backslash, then `ud800`)."""


def _mended_escape(found: re.Match[bytes]) -> bytes:
    """A lone surrogate's escape as U+FFFD's, as UTF-8 makes it; any other as it is."""
    escape = found.group()
    return rb"\ufffd" if len(escape) == 6 else escape


def mend_lone_surrogates(raw: bytes) -> bytes:
    """A line with each lone surrogate's escape written as U+FFFD's, which a UTF-8 decoder takes (see `parse_line`)."""
    return _LONE_SURROGATE_ESCAPE.sub(_mended_escape, raw) if b"\\u" in raw else raw


_properties_keys = msgspec.json.Decoder(dict[str, msgspec.Raw])
_json_types = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def json_type(value: Any) -> str:
    """`a list`, `a string`...: how a finding names the type of a value."""
    return _json_types.get(type(value), "a value")


def parse_line(raw: bytes, max_line_bytes: int = MAX_LINE_BYTES) -> tuple[list[Parsed], bool]:
    """The messages on one line (one, or each item of a batch envelope), or why there are none.

    The flag says whether the line was a batch envelope, whose items are numbered in reports. A line longer than
    `max_line_bytes` is reported, not parsed.
    """
    if len(raw) > max_line_bytes:
        return [Unreadable(_INVALID_JSON_CODE, f"the line is over the {max_line_bytes:,}-byte limit")], False
    if too_deep(raw):
        return [Unreadable(_INVALID_JSON_CODE, TOO_DEEP)], False
    try:
        message = decode_one(raw)
    except msgspec.ValidationError:
        return [_not_a_message(raw)], False
    except DECODE_ERRORS as error:
        if raw.startswith(UTF8_BOM):
            return [Unreadable(_INVALID_JSON_CODE, BOM_INSIDE)], False
        if b"\0" in raw:
            return [Unreadable(_INVALID_JSON_CODE, NUL_BYTES if utf16_like(raw) else BINARY_BYTES)], False
        lone = _LONE_SURROGATE.search(raw) if b"\\u" in raw else None  # the pattern's search is slow on a long line
        if lone is not None and not isinstance(error, RecursionError):
            # A lone surrogate's escape, which UTF-8 text cannot hold (JavaScript's `slice` cuts an emoji in two):
            # JSON.parse takes it, and the integration makes its call: the message was never lost (msgspec refuses
            # it, saying "truncated"). It is read as U+FFFD, what UTF-8 makes of such a half.
            mended = mend_lone_surrogates(raw)
            if mended != raw:
                return parse_line(mended, max_line_bytes)
        if b'"batch"' in raw and (isinstance(error, UnicodeDecodeError) or "UTF-8" in str(error)):
            items = _envelope_of_bytes(raw)
            if items is not None:
                return items, True
        return [_not_json(raw, error)], False
    if message.batch is not None:
        return parse_batch(message)
    return [message], False


def utf16_like(raw: bytes) -> bool:
    """Whether a line's NUL bytes are those of UTF-16 text: the other half of each Latin character, so at least
    half the bytes of one parity, and (nearly) none of the other. A binary file's NULs fall anywhere."""
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    more, fewer = max(even, odd), min(even, odd)
    return more * 2 >= len(raw) // 2 and fewer * 10 <= more


def parse_batch(envelope: SegmentMessage) -> tuple[list[Parsed], bool]:
    """The items of a batch envelope, as `parse_line` gives them."""
    # An envelope without a list of messages has no items to number: its finding is about the whole line.
    return _unbatch(envelope), isinstance(envelope.batch, list) and bool(envelope.batch)


def properties_keys(message: SegmentMessage) -> list[str] | None:
    """The keys of a non-empty `properties` object, `[]` for an empty one, None when it is not an object."""
    return properties_keys_of(message.properties)


def properties_keys_of(raw: bytes | msgspec.Raw) -> list[str] | None:
    """The keys of the raw JSON `properties`, `[]` for an empty object, None when it is not an object."""
    try:
        return list(_properties_keys.decode(raw))
    except msgspec.ValidationError:
        return None
    except (msgspec.DecodeError, UnicodeDecodeError):
        # The message decoder skips `properties` without checking its UTF-8; name such keys as best we can.
        return list(_properties_keys.decode(bytes(raw).decode("utf-8", "replace").encode()))


MessageId = str | int | float | bool
"""A messageId as the reports write it (`written_message_id`)."""


def written_message_id(message: SegmentMessage) -> MessageId | None:
    """The message's `messageId` as every report, dry-run line and dead-letter message writes it: a string, a number
    or a boolean as the message carries it, so that the message is found by its id wherever it is looked for (a
    warehouse, the logs). Segment's spec asks for a string, and spec-violation notes any other, but emitters with a
    bug send numbers. None when it has none, or holds an object or a list: no id anyone searches by, and the
    example's payload shows it as it is. A number is a whole one of at most 4,300 digits or a finite double: the
    decoder reads no other."""
    value = message.messageId
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value if isinstance(value, str | int) else None  # a boolean is an int


def message_id_text(message_id: MessageId | None) -> str:
    """A messageId as the human formats show it: a string as it is, a number or a boolean as JSON writes it (`12345`,
    `1.5`, `true`), as the machine formats and the logs do; none is `""`. Not escaped for a terminal (`visible`)."""
    if message_id is None or isinstance(message_id, str):
        return message_id or ""
    return msgspec.json.encode(message_id).decode()


def context_timezone(message: SegmentMessage) -> str | None:
    """`context.timezone` when it is a string (analytics.js writes the browser's IANA zone name), else None."""
    context = message.context
    timezone = context.timezone if type(context) is Context else None
    return timezone if isinstance(timezone, str) else None


def library_version(message: SegmentMessage) -> str | None:
    """`context.library.version`: which Segment library sent the message (`next-1.84.1` is analytics-next)."""
    context = message.context
    library = context.library if type(context) is Context else None
    version = library.version if type(library) is Library else None
    return version if isinstance(version, str) else None


def library_name(message: SegmentMessage) -> str | None:
    """`context.library.name` when it is a string (`analytics.js`, `analytics-python`...), else None. Early
    analytics-ios wrote the name as `context.library` itself, which counts too."""
    context = message.context
    library = context.library if type(context) is Context else None
    name = library.name if type(library) is Library else library
    return name if isinstance(name, str) else None


def properties_value(message: SegmentMessage) -> Any:
    """The decoded `properties`, for reports; None when absent."""
    raw = bytes(message.properties)
    return orjson.loads(raw) if raw else None


def _not_a_message(raw: bytes) -> Unreadable:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return _not_json(raw, error)
    if isinstance(value, dict):
        # The schema-typed decode refused a value orjson accepts: a number outside a double's range.
        return Unreadable(_INVALID_JSON_CODE, "a number is outside the range JavaScript can hold")
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        # A JSON array of messages written on one line: each of them is lost, not one line's worth.
        objects = "1 object" if len(value) == 1 else f"{len(value):,} objects"
        return Unreadable(_NOT_AN_OBJECT_CODE, LIST_OF_OBJECTS.format(count=objects))
    return Unreadable(_NOT_AN_OBJECT_CODE, f"the line is {json_type(value)}, not a message object")


def _not_json(raw: bytes, error: Exception) -> Unreadable:
    """A line that is not JSON, whichever parser found it: a piece of a document spread over lines, or why."""
    if _PIECE_OF_A_DOCUMENT.fullmatch(raw):
        return Unreadable(_INVALID_JSON_CODE, SPREAD_OVER_LINES)
    detail = _json_error(error)
    malformed = _AT_BYTE.fullmatch(detail)
    if malformed is not None:
        # Python's json.dumps writes NaN and Infinity unless told not to; no JSON reader takes them back.
        word = _NOT_A_NUMBER.match(raw, int(malformed[1]))
        if word is not None:
            return Unreadable(_INVALID_JSON_CODE, NOT_A_NUMBER.format(word=word[0].decode(), at=malformed[1]))
    return Unreadable(_INVALID_JSON_CODE, detail)


def _json_error(error: Exception) -> str:
    if isinstance(error, RecursionError) or str(error).startswith("depth limit exceeded"):  # orjson's own words
        return TOO_DEEP
    text = str(error)
    # Older msgspec releases raised UnicodeDecodeError here; newer ones say it in a DecodeError.
    if isinstance(error, UnicodeDecodeError) or "UTF-8" in text:
        return "not valid UTF-8"
    if "out of range" in text or "infinity" in text:
        return "a number is outside the range JavaScript can hold"
    # msgspec's words and orjson's, in one voice: what follows the rule's own "Line is not valid JSON".
    text = text.split(":", 1)[0] if isinstance(error, orjson.JSONDecodeError) else text
    if text in {"Input data was truncated", "unexpected end of data"}:
        return "it ends before its value does (a line cut short?)"
    if text == "unexpected content after document":
        return f"{_MORE_AFTER}{_TWO_ON_A_LINE}"
    malformed = _MALFORMED.fullmatch(text)
    if malformed is not None:
        if malformed[1] == "trailing characters":
            return f"{_MORE_AFTER} at byte {malformed[2]}{_TWO_ON_A_LINE}"
        return f"{malformed[1]} at byte {malformed[2]}"
    return text


_MALFORMED = re.compile(r"JSON is malformed: (.*) \(byte (\d+)\)")
_AT_BYTE = re.compile(r"invalid character at byte (\d+)")
_NOT_A_NUMBER = re.compile(rb"NaN|Infinity")
NOT_A_NUMBER = (
    "{word} at byte {at}: JSON has no NaN or Infinity (Python's json.dumps writes them unless allow_nan=False)"
)
_MORE_AFTER = "more follows the first value"
_TWO_ON_A_LINE = " (two messages on one line?)"


def _unbatch(envelope: SegmentMessage) -> list[Parsed]:
    items = envelope.batch
    if not isinstance(items, list) or not items:
        what = "an empty list" if isinstance(items, list) else json_type(items)
        return [Unreadable(_INVALID_BATCH_CODE, f"`batch` is {what}")]
    # The envelope's `integrations` and `context` apply to every item, merged with the item's own (its keys win):
    # a batch sent with one `context.timezone` replays each of its users in that zone, and one `context.library`
    # decides how each item's `integrations` are read.
    shared = envelope.integrations if isinstance(envelope.integrations, dict) else {}
    shared_context = _members(envelope.context)
    parsed: list[Parsed] = []
    for item in items:
        if not isinstance(item, dict):
            parsed.append(Unreadable(_NOT_AN_OBJECT_CODE, f"the batch item is {json_type(item)}, not a message object"))
            continue
        if shared:
            own = item.get("integrations")
            item = {**item, "integrations": {**shared, **own} if isinstance(own, dict) else shared}
        if shared_context:
            own = item.get("context")
            item = {**item, "context": {**shared_context, **own} if isinstance(own, dict) else shared_context}
        parsed.append(decode_one(msgspec.json.encode(item)))
    return parsed


_object_members = msgspec.json.Decoder(dict[str, msgspec.Raw])
_items = msgspec.json.Decoder(list[msgspec.Raw])


def object_members(value: bytes | msgspec.Raw | None) -> dict[str, msgspec.Raw] | None:
    """An object's members, each kept as its bytes (not checked: a byte that is not UTF-8 in a `context` stays as it
    is); None for anything but an object. Raises `msgspec.DecodeError` for what is no JSON."""
    if value is None or not bytes(value).lstrip().startswith(b"{"):
        return None
    return _object_members.decode(value)


def batch_items(envelope: dict[str, msgspec.Raw]) -> list[msgspec.Raw]:
    """The items of a batch envelope read by `object_members`, each kept as its bytes; none when `batch` is no list."""
    batch = envelope.get("batch")
    return _items.decode(batch) if batch is not None and bytes(batch).startswith(b"[") else []


def with_envelope(item: dict[str, msgspec.Raw], envelope: dict[str, msgspec.Raw]) -> dict[str, msgspec.Raw]:
    """A batch item with its envelope's `context` and `integrations` under its own, member by member, as Segment
    applies them."""
    for shared in ("context", "integrations"):
        outer = object_members(envelope.get(shared))
        if outer:
            own = object_members(item.get(shared))
            item[shared] = msgspec.Raw(msgspec.json.encode(outer if own is None else {**outer, **own}))
    return item


def _envelope_of_bytes(raw: bytes) -> list[Parsed] | None:
    """The items of a batch envelope read item by item, each kept as its bytes until it is decoded, as `_unbatch`
    gives them: read whole, a byte that is not UTF-8 in one item's `context` (never checked, in a message of its own)
    made every item of the line one broken line. None when the line is no envelope with a list of items, even so."""
    try:
        envelope = object_members(raw)
        items = batch_items(envelope) if envelope is not None else []
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not items or envelope is None:
        return None
    parsed: list[Parsed] = []
    for item in items:
        try:
            members = object_members(item)
            if members is None:
                what = f"the batch item is {json_type(msgspec.json.decode(item))}, not a message object"
                parsed.append(Unreadable(_NOT_AN_OBJECT_CODE, what))
            else:
                parsed.append(decode_one(msgspec.json.encode(with_envelope(members, envelope))))
        except (msgspec.ValidationError, *DECODE_ERRORS) as error:
            parsed.append(_not_json(bytes(item), error))
    return parsed


def _members(context: Context | _NotAnObject) -> dict[str, Any]:
    """The members of an envelope's `context` the decoder reads, for its items to take (null ones left out, as an
    absent member is), or an empty dict when it is not an object."""
    if type(context) is not Context:
        return {}
    return {name: value for name, value in msgspec.structs.asdict(context).items() if value is not None}
