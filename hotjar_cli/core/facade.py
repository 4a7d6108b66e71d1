"""Segment's facade in the browser: the copy of a message that Segment's Hotjar integration reads.

Before a destination sees a message, analytics.js wraps it in a facade (`segmentio-facade`'s `Identify` or `Track`;
analytics-next's legacy destinations with `new clz(afterMiddleware, {})`), whose constructor copies the message with
`@ndhoule/clone`; each field the Hotjar integration reads (`userId()`, `traits()`, `event()`, `properties()`) is
copied again. The copy runs on the object the browser parsed, in JavaScript, where three keys are not data:

- `hasOwnProperty`: the copy calls `obj.hasOwnProperty(key)` for every key of an object it copies. An object whose
  own key has that name holds a value there, not the method, and the call throws.
- `valueOf`: to tell an object from a value, the copy calls `val.valueOf()` whenever `val.valueOf` is truthy. A
  truthy value under that name throws.
- `__proto__`: the copy writes each key with `copy[key] = ...`, and writing `__proto__` sets the copy's prototype
  rather than a key of its own. A string or a number is lost; an object's or a list's keys become inherited, so
  the next copy leaves them out; `null` leaves the copy without `hasOwnProperty`, so copying it again throws as soon
  as it has a key. A message's own `__proto__` lends the fields the integration reads to a message without them.

An object whose `nodeType` is 1 (an element, to the copy) or whose `_isBuffer` is truthy (a buffer) is handed on
as it is, with every key it has.

After copying the message, the constructor turns its `timestamp` into a date (`new-date`), which first turns an
object or a list into text (JavaScript's `String(value)`, as a regular expression tests it). A fourth key is not data
there, `toString`: JavaScript calls the method of that name, and a value under it is no method; nor is there one
where a `__proto__: null` ended the object's prototypes. The text of a list joins the text of its items, so an item
like that throws too; and so does a list too long for text, which only a `length` key beside a `__proto__` list can
make of a logged message.

`could_differ` tells from a line's bytes whether any of this can matter, for nearly no cost (`screen_native.c`
does it in C; `could_differ_here` is the same in Python); `copied` then runs the facade's steps over the message,
slowly and exactly. Both are held to the facade itself, run with node, by the tests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Generator
from typing import Any, Final, NamedTuple

from hotjar_cli.core.jsvalues import is_truthy, js_string, utf16_length

Place = tuple[str | int, ...]
"""Where a value is in a message: the keys and list indices from its top, `()` for the message itself."""

_SUSPECT_KEYS: Final = (b"__proto__", b"hasOwnProperty", b"valueOf", b"toString")
_ESCAPED_NAME_CHARACTER: Final = re.compile(rb"\\u00[4-7]")
"""A `\\u` escape of a character from `@` to DEL: every letter and `_` of the keys above, which JSON may spell so."""


def could_differ_here(raw: bytes) -> bool:
    """Whether the message on a line may reach Segment's Hotjar integration otherwise than as it is logged: the line
    holds `__proto__`, `hasOwnProperty`, `valueOf` or `toString`, or a `\\u` escape that could spell a letter of them.
    False for nearly every line; True may be a false alarm (such a word in a value), which `copied` then settles.

    A `timestamp` the facade cannot turn into a date needs no word of its own: it holds a `toString` key, or one of its
    objects inherits from a `__proto__` (a list's `length` and `join` included). Without either, every object's text
    is JavaScript's own, and no list a line under 8 MB holds is too long for text."""
    return any(key in raw for key in _SUSPECT_KEYS) or _ESCAPED_NAME_CHARACTER.search(raw) is not None


def lines_that_could_differ_here(lines: list[bytes]) -> list[int]:
    """The places in `lines` of those `could_differ_here` is true of: nearly always none."""
    return [index for index, raw in enumerate(lines) if could_differ_here(raw)]


could_differ: Callable[[bytes], bool]
"""`could_differ_here`, in C when the core was compiled at install (`hotjar_cli/core/screen_native.c`)."""
lines_that_could_differ: Callable[[list[bytes]], list[int]]
"""`lines_that_could_differ_here`, in C likewise: the engine's loops ask it once a block of lines, which costs a line
a fifth less than a call for each (callgrind)."""
try:
    from hotjar_cli.core import screen_native  # named from its package: a module in C has no imports to follow

    could_differ = screen_native.could_differ
    lines_that_could_differ = screen_native.lines_that_could_differ
except ImportError:  # not compiled, or the core runs from its sources (`hotjar_cli.compiled`)
    could_differ = could_differ_here
    lines_that_could_differ = lines_that_could_differ_here


class Copied(NamedTuple):
    """What Segment's facade makes of a message: where copying it throws, and the fields it reads from the
    message's `__proto__` because the message has none of its own."""

    fault: Place | None
    """The key at which the facade throws: `hasOwnProperty`, `valueOf`, or the `__proto__` that set a prototype to
    null; in the `timestamp` (see `turning_into_a_date`), `toString`, the `__proto__` that left no `toString`, or the
    `length` of a list too long for text; None when it does not throw."""
    inherited: dict[str, Any]
    """Each field the integration reads (`userId` and `traits`, or `event` and `properties`) that the message lacks
    and its `__proto__` holds, as logged there."""


FIELDS_READ: Final = {"identify": ("userId", "traits"), "track": ("event", "properties")}
"""The fields Segment's Hotjar integration reads of each type it handles (the facade's `field(name)`)."""


def copied(message: dict[str, Any]) -> Copied:
    """What the facade does with a message of the type it says (as the browser parsed it: JSON, a `__proto__` key a
    key like any other): the constructor copies it whole and turns its `timestamp` into a date, then the integration
    copies each field it reads.

    The constructor also turns ISO-8601 strings into dates (`isodate-traverse`), which changes no key and no value's
    truthiness, and reads no object's text, so nothing here."""
    kind = message.get("type")
    try:
        copy = _clone(message, ())  # `new Identify(message)`, `new Track(message)`
        _date_of_timestamp(copy)
        if kind == "identify":
            if _truthy(_field(copy, "userId")):  # `if (!identify.userId()) return`
                _field(copy, "traits")  # `identify.traits()`, which reads the userId once more
        elif kind == "track" and _truthy(_field(copy, "event")):  # `if (!track.event()) return`
            _field(copy, "properties")
    except _Thrown as thrown:
        return Copied(thrown.place, {})
    inherited = {}
    for name in FIELDS_READ.get(kind, ()) if isinstance(kind, str) else ():
        value, place = _get(copy, name, ())
        if value is not _UNDEFINED and place != (name,):
            inherited[name] = logged_at(message, place)
    return Copied(None, inherited)


def turning_into_a_date(fault: Place) -> bool:
    """Whether the facade throws at a fault (`Copied.fault`) turning the message's `timestamp` into a date, rather
    than copying: at a `toString` or a `length` (which the copy calls nothing of), or at a `__proto__` in the
    `timestamp` (the copy throws at a `__proto__` only in the fields the integration reads)."""
    key = fault[-1] if fault else ""
    if key == "toString" or key == "length":
        return True
    return key == "__proto__" and next((step for step in fault if step != "__proto__"), None) == "timestamp"


def keys_kept(obj: dict[str, Any]) -> list[str]:
    """The keys of an object (as the browser parsed it) that its copy holds as its own: all but `__proto__`, unless
    the facade hands the object on as it is. Throws `ValueError` where copying it throws (see `copied`)."""
    try:
        copy = _clone(obj, ())
    except _Thrown as thrown:
        raise ValueError(f"copying throws at {thrown.place}") from None
    return list(copy.own) if type(copy) is _Copy else list(copy)


def left_as_is(obj: dict[str, Any]) -> bool:
    """Whether the facade hands on an object as the browser parsed it without copying it, `__proto__` key and all:
    component-type calls it an element (`nodeType` is 1) or a buffer (`_isBuffer` is truthy). Read from the object's
    own keys, as a parsed object's prototype holds neither: `keys_kept`, without copying."""
    node_type = obj.get("nodeType")
    element = (type(node_type) is int or type(node_type) is float) and node_type == 1
    return element or is_truthy(obj.get("_isBuffer"))


def logged_at(message: Any, place: Place) -> Any:
    """The value at a place of a message, as logged."""
    for step in place:
        message = message[step]
    return message


# The browser's values in this model: a message's objects as the browser parsed them are dicts (their prototype is
# Object.prototype, and `__proto__` is one of their keys), its arrays lists, and its other values str, int, float,
# bool and None; the objects the copy makes are `_Copy`s. What is read from nowhere is `_UNDEFINED`, and a method of
# JavaScript's own (Object.prototype's, and Array.prototype's `constructor`) is `_METHOD`.


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_UNDEFINED: Final = _Marker("undefined")
_METHOD: Final = _Marker("a method")
_OBJECT_PROTOTYPE: Final = _Marker("Object.prototype")
_OBJECT_METHODS: Final = frozenset(
    {
        "constructor",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
    }
)
"""Object.prototype's methods, none of them enumerable (its `__proto__` is an accessor, written in `_assign`)."""


class _Copy:
    """An object the copy made: its own keys, in the order they were written, and its prototype (Object.prototype,
    or what a `__proto__` key set: an object, a list, or None for null)."""

    __slots__ = ("own", "prototype")

    def __init__(self) -> None:
        self.own: dict[str, Any] = {}
        self.prototype: Any = _OBJECT_PROTOTYPE


class _Thrown(Exception):
    """The copy threw (`obj.hasOwnProperty is not a function`, `val.valueOf is not a function`), at `place`."""

    def __init__(self, place: Place) -> None:
        super().__init__(place)
        self.place = place


def _truthy(value: Any) -> bool:
    """JavaScript's truthiness, of any value of the model."""
    return value is not _UNDEFINED and is_truthy(value)


def _is_index(key: str) -> bool:
    """Whether a key is an array index to JavaScript, which orders an object's own keys by them first."""
    return key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1


def _own_keys(obj: Any) -> list[str]:
    """An object's own keys in JavaScript's order: array indices by number, then the others as they were written."""
    keys = list(obj.own if type(obj) is _Copy else obj)
    indices = sorted((key for key in keys if _is_index(key)), key=int)
    return indices + [key for key in keys if not _is_index(key)]


def _enumerated(obj: Any) -> list[str]:
    """The keys `for (var key in obj)` visits: the object's own, then each prototype's not met yet."""
    keys: list[str] = []
    seen: set[str] = set()
    while type(obj) is _Copy or type(obj) is dict or type(obj) is list:
        own = [str(index) for index in range(len(obj))] if type(obj) is list else _own_keys(obj)
        keys.extend(key for key in own if key not in seen)
        seen.update(own)
        obj = obj.prototype if type(obj) is _Copy else None  # a parsed object's or array's prototypes have none
    return keys


def _kind(value: Any, place: Place) -> str:
    """component-type 1.2.2's `type(val)`, as `clone` asks it: `array`, `object`, or `other` for what it hands on as
    it is (null, a string, a number, a boolean, an element, a buffer). Throws where its `val.valueOf()` does."""
    if type(value) is list:
        return "array"
    if type(value) is not dict and type(value) is not _Copy:
        return "other"
    node_type, _ = _get(value, "nodeType", place)
    if (type(node_type) is int or type(node_type) is float) and node_type == 1:  # `val.nodeType === 1`
        return "other"  # an element
    is_buffer, _ = _get(value, "_isBuffer", place)
    if _truthy(is_buffer):
        # `isBuffer(val)` is `val._isBuffer || (val.constructor && typeof val.constructor.isBuffer === 'function' &&
        # ...)`: a constructor read from the message is data, whose `isBuffer` is no function, and Object's has none.
        return "other"  # a buffer
    value_of, at = _get(value, "valueOf", place)
    if _truthy(value_of) and value_of is not _METHOD:  # `val.valueOf ? val.valueOf() : ...`
        raise _Thrown(at)
    return "object"


def _assign(copy: _Copy, key: str, value: Any) -> None:
    """`copy[key] = value`. A copy has no own `__proto__`, so writing one reaches Object.prototype's setter, which
    makes an object, an array or null the copy's prototype and ignores anything else."""
    if key == "__proto__":
        if value is None or type(value) is dict or type(value) is list or type(value) is _Copy:
            copy.prototype = value
        return
    copy.own[key] = value


def _clone(value: Any, place: Place) -> Any:
    """@ndhoule/clone 1.0.0's `clone(obj)`:

        var t = type(obj);
        if (t === 'object') { var copy = {}; for (var key in obj) { if (obj.hasOwnProperty(key)) {
          copy[key] = clone(obj[key]); } } return copy; }
        if (t === 'array') { ... copy[i] = clone(obj[i]) ... }
        return obj;  // (regexps and dates, which JSON does not hold, are copied too)

    Walked over a stack rather than by recursion, in the same order: a message nests up to about 1,000 levels, deeper
    than Python's recursion goes and not as deep as JavaScript's. An object's `hasOwnProperty` is the same at each of
    its keys, so it is read once, before the first key, where it throws if it throws at all."""
    result: list[Any] = [None]
    # Each entry: a value to copy, its place, and where its copy goes (a copy and a key, or a list and an index).
    stack: list[tuple[Any, Place, Any, Any]] = [(value, place, result, 0)]
    while stack:
        value, place, into, at = stack.pop()
        kind = _kind(value, place)
        made: Any = value
        if kind == "object":
            made = _Copy()
            keys = _enumerated(value)
            if keys:
                has_own_property, where = _get(value, "hasOwnProperty", place)
                if has_own_property is not _METHOD:
                    raise _Thrown(where)
            own = value.own if type(value) is _Copy else value
            stack.extend(reversed([(own[key], (*place, key), made, key) for key in keys if key in own]))
        elif kind == "array":
            made = [None] * len(value)
            stack.extend(reversed([(item, (*place, index), made, index) for index, item in enumerate(value)]))
        if type(into) is _Copy:
            _assign(into, at, made)
        else:
            into[at] = made
    return result[0]


def _field(copy: Any, name: str) -> Any:
    """The facade's `field(name)`: `clone(this.obj[name])`."""
    value, place = _get(copy, name, ())
    return _clone(value, place)


# Turning `timestamp` into a date: new-date 1.0.3's `newDate(value)` tests an object or a list with regular
# expressions (`/\d{13}/.test(value)`), which turn it into text first: JavaScript's ToString, which asks the value for
# a primitive (ToPrimitive) and throws "Cannot convert object to primitive value" when it gets none. A value the
# browser parsed from JSON has no method of its own, so only JavaScript's are called: Object.prototype's `toString`
# ("[object Object]") and `valueOf` (the object itself, no primitive), and Array.prototype's `toString`, which calls
# `join` (Array.prototype's, or where that is a value, Object.prototype's `toString`). `join` reads the object's
# `length` and each item below it; an item that is null or absent is empty text.

MAX_STRING_LENGTH: Final = 2**29 - 24
"""V8's longest string (Chrome's, and node's), in UTF-16 code units: a `join` whose text would be longer throws a
RangeError ("Invalid string length"). Run with node: a `length` of 536,870,889 joins after about 20 s, 536,870,890
throws, and an item that throws before the text is too long throws first."""
MAX_JOIN_LENGTH: Final = 2**32 - 1
"""The longest `length` V8's `join` takes: a longer one throws a TypeError ("Invalid array length") before any item
is read."""
_MAX_SAFE_LENGTH: Final = 2**53 - 1
"""The longest `length` JavaScript has (ToLength)."""

_Step = Generator[Any, Any, Any]
"""One step of JavaScript's conversions: a generator that yields the step it needs the answer of, and returns its
own. `_evaluated` runs them over a stack of its own: a list nests about as deeply as a line does."""
_OBJECT_TO_STRING: Final = _Marker("Object.prototype.toString")
_ARRAY_TO_STRING: Final = _Marker("Array.prototype.toString")
_ARRAY_JOIN: Final = _Marker("Array.prototype.join")


class _Joined(NamedTuple):
    """The text of a list of two items or more, by its length alone (in UTF-16 code units): it holds a comma, so it is
    no number, and what else it says nothing here reads."""

    length: int


_WHITE_SPACE: Final = (
    "\t\n\v\f\r \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What JavaScript's StringToNumber trims: its white space (Unicode's spaces, and the byte-order mark) and line ends."""
_DECIMAL: Final = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_NOT_DECIMAL: Final = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_BASES: Final = {"x": 16, "o": 8, "b": 2}


def _date_of_timestamp(copy: Any) -> None:
    """The facade's constructor, after the copy: `if ('timestamp' in obj) obj.timestamp = newDate(obj.timestamp)`,
    the `timestamp` read from the copy's prototypes too. Throws where turning it into text does."""
    value, place = _get(copy, "timestamp", ())
    if type(value) is dict or type(value) is list or type(value) is _Copy:
        _evaluated(_text(value, place))


def _evaluated(step: _Step) -> Any:
    """What a step returns, its steps run over a stack rather than by Python's recursion; `_Thrown` goes through."""
    stack = [step]
    answer: Any = None
    while stack:
        try:
            needed = stack[-1].send(answer)
        except StopIteration as returned:
            stack.pop()
            answer = returned.value
        else:
            stack.append(needed)
            answer = None
    return answer


def _get(obj: Any, key: str, place: Place) -> tuple[Any, Place]:
    """`obj[key]` for an object or an array at `place`: a value of the message, `_UNDEFINED`, or a method of
    JavaScript's own (those the conversions call by their markers, `_OBJECT_TO_STRING` and Array.prototype's, any
    other `_METHOD`); and the place of the key it is read from, or, when nothing is, of the `__proto__` that set the
    last prototype to null (`()` when the prototypes end in JavaScript's own, or for a method of theirs)."""
    while True:
        if type(obj) is _Copy:
            if key in obj.own:
                return obj.own[key], (*place, key)
            obj, place = obj.prototype, (*place, "__proto__")
        elif type(obj) is dict:
            if key in obj:
                return obj[key], (*place, key)
            obj = _OBJECT_PROTOTYPE
        elif type(obj) is list:
            if key == "length":
                return len(obj), (*place, key)
            if _is_index(key) and int(key) < len(obj):
                return obj[int(key)], (*place, int(key))
            if key == "toString" or key == "join":  # Array.prototype's
                return (_ARRAY_TO_STRING if key == "toString" else _ARRAY_JOIN), ()
            obj = _OBJECT_PROTOTYPE
        elif obj is None:
            return _UNDEFINED, place
        elif key == "toString":  # Object.prototype's
            return _OBJECT_TO_STRING, ()
        else:  # Array.prototype's `constructor` is one too
            return (_METHOD if key in _OBJECT_METHODS else _UNDEFINED), ()


def _text(value: Any, place: Place) -> _Step:
    """`String(value)` (ToString) of a value other than null or undefined: a str, or a `_Joined`. An object's
    ToPrimitive calls `valueOf` first or `toString` first by its hint; JavaScript's `valueOf` gives back the object,
    no primitive, and a value under that name is no method: whatever the hint, the answer is `toString`'s."""
    if type(value) is str:
        return value
    if type(value) is not dict and type(value) is not list and type(value) is not _Copy:
        return js_string(value)  # a number or a boolean
    method, at = _get(value, "toString", place)
    if method is _OBJECT_TO_STRING:
        return "[object Object]"
    if method is _ARRAY_TO_STRING:
        join, _ = _get(value, "join", place)
        if join is not _ARRAY_JOIN:
            return "[object Object]"  # Array.prototype.toString falls back to Object.prototype's
        return (yield _join(value, place))
    raise _Thrown(at)  # a value under `toString` is no method; nor is there one past a `__proto__: null`


def _join(obj: Any, place: Place) -> _Step:
    """V8's `Array.prototype.join` with its `,`, of an array or an object that inherits from one: each item's text
    (null and absent ones empty), in order, its separators and text counted as they are written."""
    length_value, length_place = _get(obj, "length", place)
    length = _to_length((yield _number(length_value, length_place)))
    if length > MAX_JOIN_LENGTH:
        raise _Thrown(length_place)
    written = 0  # the text of the items so far, in UTF-16 code units
    first: Any = ""
    for index, item, at in _items(obj, place, length):
        if item is None or item is _UNDEFINED:
            continue
        text = yield _text(item, at)
        size = text.length if type(text) is _Joined else utf16_length(text)
        if size:  # V8 writes an item's text and the separators before it only when the text is not empty
            written += size
            if index + written > MAX_STRING_LENGTH:
                raise _Thrown(length_place)
        if index == 0:
            first = text
    if length <= 1:
        return first
    if length - 1 + written > MAX_STRING_LENGTH:
        raise _Thrown(length_place)
    return _Joined(length - 1 + written)


def _items(obj: Any, place: Place, length: int) -> list[tuple[int, Any, Place]]:
    """The items below `length` that `join` reads of an object (each index's nearest in its prototypes), by index:
    only those the message holds, however long the `length`."""
    found: dict[int, tuple[Any, Place]] = {}
    while type(obj) is _Copy:
        _add_items(found, obj.own, place, length)
        obj, place = obj.prototype, (*place, "__proto__")
    if type(obj) is dict:
        _add_items(found, obj, place, length)  # then Object.prototype, which holds no item
    elif type(obj) is list:
        for index in range(min(len(obj), length)):
            found.setdefault(index, (obj[index], (*place, index)))
    return [(index, *found[index]) for index in sorted(found)]


def _add_items(found: dict[int, tuple[Any, Place]], own: dict[str, Any], place: Place, length: int) -> None:
    """To `found`, each item below `length` of an object's own keys (at `place`) that no nearer object holds."""
    for key, value in own.items():
        if _is_index(key) and int(key) < length:  # below `MAX_JOIN_LENGTH`, the keys `join` reads are the indices
            found.setdefault(int(key), (value, (*place, key)))


def _number(value: Any, place: Place) -> _Step:
    """`Number(value)` (ToNumber), of a value of the model."""
    if type(value) is bool:
        return 1 if value else 0
    if type(value) is int or type(value) is float:
        return value
    if value is None:
        return 0
    if value is _UNDEFINED:
        return math.nan
    text = value if type(value) is str else (yield _text(value, place))
    return math.nan if type(text) is _Joined else _text_number(text)


def _text_number(text: str) -> float:
    """JavaScript's StringToNumber: a decimal literal, `Infinity`, or `0x`, `0o` or `0b` digits, between white space;
    nothing (white space only) is 0; anything else is NaN."""
    text = text.strip(_WHITE_SPACE)
    if not text:
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    if _NOT_DECIMAL.fullmatch(text):
        try:
            return float(int(text[2:], _BASES[text[1].lower()]))
        except OverflowError:
            return math.inf
    return math.nan


def _to_length(number: float) -> int:
    """JavaScript's ToLength: the whole number toward zero, from 0 to 2**53 - 1 (NaN is 0)."""
    if number != number or number <= 0:
        return 0
    if type(number) is float:
        if math.isinf(number):
            return _MAX_SAFE_LENGTH
        number = math.trunc(number)
    return min(int(number), _MAX_SAFE_LENGTH)
