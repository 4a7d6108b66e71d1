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

`could_differ` tells from a line's bytes whether any of this can matter, for nearly no cost (`screen_native.c`
does it in C; `could_differ_here` is the same in Python); `copied` then runs the facade's steps over the message,
slowly and exactly. Both are held to the facade itself, run with node, by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from hotjar_cli.core.jsvalues import is_truthy

Place = tuple[str | int, ...]
"""Where a value is in a message: the keys and list indices from its top, `()` for the message itself."""

_SUSPECT_KEYS: Final = (b"__proto__", b"hasOwnProperty", b"valueOf", b"toString")
_ESCAPED_NAME_CHARACTER: Final = re.compile(rb"\\u00[4-7]")
"""A `\\u` escape of a character from `@` to DEL: every letter and `_` of the keys above, which JSON may spell so."""


def could_differ_here(raw: bytes) -> bool:
    """Whether the message on a line may reach Segment's Hotjar integration otherwise than as it is logged: the line
    holds `__proto__`, `hasOwnProperty`, `valueOf` or `toString`, or a `\\u` escape that could spell a letter of them.
    False for nearly every line; True may be a false alarm (such a word in a value), which `copied` then settles."""
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
    null; None when it does not throw."""
    inherited: dict[str, Any]
    """Each field the integration reads (`userId` and `traits`, or `event` and `properties`) that the message lacks
    and its `__proto__` holds, as logged there."""


FIELDS_READ: Final = {"identify": ("userId", "traits"), "track": ("event", "properties")}
"""The fields Segment's Hotjar integration reads of each type it handles (the facade's `field(name)`)."""


def copied(message: dict[str, Any]) -> Copied:
    """What the facade does with a message of the type it says (as the browser parsed it: JSON, a `__proto__` key a
    key like any other): the constructor copies it whole, then the integration copies each field it reads.

    The constructor also sets `timestamp` to a date and turns ISO-8601 strings into dates (`isodate-traverse`), which
    changes no key and no value's truthiness, so nothing here; and it converts an object `timestamp` to a date, which
    is left out (see the rule's documentation)."""
    kind = message.get("type")
    try:
        copy = _clone(message, ())  # `new Identify(message)`, `new Track(message)`
        if kind == "identify":
            if _truthy(_field(copy, "userId")):  # `if (!identify.userId()) return`
                _field(copy, "traits")  # `identify.traits()`, which reads the userId once more
        elif kind == "track" and _truthy(_field(copy, "event")):  # `if (!track.event()) return`
            _field(copy, "properties")
    except _Thrown as thrown:
        return Copied(thrown.place, {})
    inherited = {}
    for name in FIELDS_READ.get(kind, ()) if isinstance(kind, str) else ():
        value, place = _read(copy, name, ())
        if value is not _UNDEFINED and place != (name,):
            inherited[name] = logged_at(message, place)
    return Copied(None, inherited)


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


def _read(obj: Any, key: str, place: Place) -> tuple[Any, Place]:
    """`obj[key]` for an object or an array at `place`: what is read, and the place of the key it is read from, or,
    when nothing is, of the `__proto__` that set the last prototype to null (`()` when the prototypes end in
    JavaScript's own, or for a method of theirs)."""
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
            if _is_index(key) and int(key) < len(obj):
                return obj[int(key)], (*place, int(key))
            obj = _OBJECT_PROTOTYPE  # Array.prototype first, whose `constructor` is a method too
        elif obj is None:
            return _UNDEFINED, place
        else:
            return (_METHOD if key in _OBJECT_METHODS else _UNDEFINED), ()


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
    node_type, _ = _read(value, "nodeType", place)
    if (type(node_type) is int or type(node_type) is float) and node_type == 1:  # `val.nodeType === 1`
        return "other"  # an element
    is_buffer, _ = _read(value, "_isBuffer", place)
    if _truthy(is_buffer):
        # `isBuffer(val)` is `val._isBuffer || (val.constructor && typeof val.constructor.isBuffer === 'function' &&
        # ...)`: a constructor read from the message is data, whose `isBuffer` is no function, and Object's has none.
        return "other"  # a buffer
    value_of, at = _read(value, "valueOf", place)
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
                has_own_property, where = _read(value, "hasOwnProperty", place)
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
    value, place = _read(copy, name, ())
    return _clone(value, place)
