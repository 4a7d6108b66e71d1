"""How JavaScript sees a JSON value: truthiness, `String(value)` and string length.

Segment's integration runs in the browser, so "is there a userId" and "how long is this name" are
JavaScript's answers, not Python's.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def is_truthy(value: Any) -> bool:
    """JavaScript truthiness of a decoded JSON value: empty lists and objects are truthy there."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    # Integers and floats apart: compiled, a value narrowed to `int | float` is held as a float, which an integer
    # beyond a double's range is not.
    if isinstance(value, int):
        return value != 0
    if isinstance(value, float):
        return value != 0 and value == value
    if isinstance(value, str):
        return value != ""
    return True


def utf16_length(text: str) -> int:
    """`text.length` in JavaScript: UTF-16 code units, so an emoji counts as two."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def js_string(value: Any) -> str:
    """`String(value)` in JavaScript for a decoded JSON value."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        # JavaScript holds every JSON number as a double, so large integers print as that double does.
        if abs(value) <= 2**53:
            return str(value)
        try:
            return _number_to_string(float(value))
        except OverflowError:
            return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, float):
        return _number_to_string(value)
    if isinstance(value, list):
        return ",".join("" if item is None else js_string(item) for item in value)
    return "[object Object]"


def _number_to_string(number: float) -> str:
    """ECMAScript Number::toString: shortest round-trip digits, exponent form from 1e21 and below 1e-6."""
    if number != number:
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    exponent = len(digits) + int(exponent)  # the spec's n: the value is 0.digits x 10^n
    k = len(digits)
    if k <= exponent <= 21:
        return sign + digits + "0" * (exponent - k)
    if 0 < exponent <= 21:
        return sign + digits[:exponent] + "." + digits[exponent:]
    if -6 < exponent <= 0:
        return sign + "0." + "0" * (-exponent) + digits
    power = exponent - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{head}e{'+' if power >= 0 else '-'}{abs(power)}"
