"""JavaScript's view of JSON values, checked against JavaScript itself.

The expected strings below are the output of `String(JSON.parse(text))` and `!!JSON.parse(text)` from Node.js,
generated once and written down here; lengths are JavaScript's `string.length`.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotjar_cli.core.jsvalues import is_truthy, js_string, utf16_length
from hotjar_cli.core.limits import MAX_SAFE_INTEGER

HUGE_INTEGER = "1" + "0" * 400  # JavaScript reads it as Infinity

# (JSON text, String(value) in JavaScript, truthiness in JavaScript)
JAVASCRIPT = [
    ("0", "0", False),
    ("-0", "0", False),
    ("-0.0", "0", False),
    ("1", "1", True),
    ("-1", "-1", True),
    ("42", "42", True),
    ("1.0", "1", True),
    ("1.5", "1.5", True),
    ("-1.5", "-1.5", True),
    ("0.1", "0.1", True),
    ("0.3", "0.3", True),
    ("4.35", "4.35", True),
    ("123.456", "123.456", True),
    ("1.0000000000000002", "1.0000000000000002", True),
    ("0.000001", "0.000001", True),
    ("-0.000001", "-0.000001", True),
    ("0.0000001", "1e-7", True),
    ("2.5e-7", "2.5e-7", True),
    ("123e-20", "1.23e-18", True),
    ("5e-324", "5e-324", True),
    ("1e21", "1e+21", True),
    ("1e20", "100000000000000000000", True),
    ("100000000000000000000", "100000000000000000000", True),
    ("999999999999999999999", "1e+21", True),
    ("1000000000000000000000", "1e+21", True),
    ("123456789012345678901234", "1.2345678901234569e+23", True),
    ("9007199254740991", "9007199254740991", True),
    ("9007199254740992", "9007199254740992", True),
    ("9007199254740993", "9007199254740992", True),
    ("-9007199254740993", "-9007199254740992", True),
    ("12345678901234567890", "12345678901234567000", True),
    ("18446744073709551615", "18446744073709552000", True),
    ("1180591620717411303424", "1.1805916207174113e+21", True),
    ("1e300", "1e+300", True),
    ("-1e300", "-1e+300", True),
    ("1.7976931348623157e308", "1.7976931348623157e+308", True),
    ("true", "true", True),
    ("false", "false", False),
    ("null", "null", False),
    ('""', "", False),
    ('"text"', "text", True),
    ('"0"', "0", True),
    ('"false"', "false", True),
    ("[]", "", True),
    ("[1,2]", "1,2", True),
    ("[null]", "", True),
    ("[null,null]", ",", True),
    ("[1,[2,[3]]]", "1,2,3", True),
    ("[{}]", "[object Object]", True),
    ("[true,false]", "true,false", True),
    ('["a","b"]', "a,b", True),
    ('[1.5,null,"x"]', "1.5,,x", True),
    ("[[],[]]", ",", True),
    ("[1e21]", "1e+21", True),
    ('[""]', "", True),
    ("{}", "[object Object]", True),
    ('{"a":1}', "[object Object]", True),
    (HUGE_INTEGER, "Infinity", True),
]

# (JSON text of a double, String(value) in JavaScript): random bit patterns and the exponent-form boundaries
JAVASCRIPT_DOUBLES = [
    ("-1.989032661366619e+244", "-1.989032661366619e+244"),
    ("7.761117632285041e+178", "7.761117632285041e+178"),
    ("3.980498358697587e-249", "3.980498358697587e-249"),
    ("-1.5432835417340557e+88", "-1.5432835417340557e+88"),
    ("1.3647584518757569e-192", "1.3647584518757569e-192"),
    ("-1.3701135617873088e-206", "-1.3701135617873088e-206"),
    ("-1.7160537630466207e+197", "-1.7160537630466207e+197"),
    ("6.294675241195386e-44", "6.294675241195386e-44"),
    ("1.2344999999999998e-07", "1.2344999999999998e-7"),
    ("-1e-07", "-1e-7"),
    ("1.2344999999999998e-06", "0.0000012344999999999998"),
    ("-1e-06", "-0.000001"),
    ("1.2345e-05", "0.000012345"),
    ("-1e-05", "-0.00001"),
    ("1.2345e+20", "123450000000000000000"),
    ("-1e+20", "-100000000000000000000"),
    ("1.2345e+21", "1.2345e+21"),
    ("-1e+21", "-1e+21"),
    ("1.2345e+22", "1.2345e+22"),
    ("-1e+22", "-1e+22"),
    ("0.1", "0.1"),
    ("123456.789", "123456.789"),
    ("1e-323", "1e-323"),
    ("4.9406564584124654e-324", "5e-324"),
    ("2.2250738585072014e-308", "2.2250738585072014e-308"),
    ("9.999999999999999e20", "999999999999999900000"),
    ("1e+22", "1e+22"),
]

# (text, its `.length` in JavaScript)
JAVASCRIPT_LENGTHS = [
    ("", 0),
    ("abc", 3),
    ("\u00e9", 1),
    ("e\u0301", 2),
    ("\U0001f600", 2),
    ("a\U0001f600b", 4),
    ("\U0010ffff", 2),
    ("\uffff", 1),
    ("\u65e5\u672c\u8a9e", 3),
    ("\U0001f469\u200d\U0001f469\u200d\U0001f467", 8),
    ("\U0001f1f2\U0001f1f9", 4),
]


def decoded(text: str) -> Any:
    """The value as the core decodes it from a log line."""
    return msgspec.json.decode(text.encode())


@pytest.mark.parametrize(("text", "string", "truthy"), JAVASCRIPT, ids=[row[0][:30] for row in JAVASCRIPT])
def test_js_string_matches_javascript(text: str, string: str, truthy: bool) -> None:
    assert js_string(decoded(text)) == string


@pytest.mark.parametrize(("text", "string", "truthy"), JAVASCRIPT, ids=[row[0][:30] for row in JAVASCRIPT])
def test_is_truthy_matches_javascript(text: str, string: str, truthy: bool) -> None:
    assert is_truthy(decoded(text)) is truthy


@pytest.mark.parametrize(("text", "string"), JAVASCRIPT_DOUBLES, ids=[row[0] for row in JAVASCRIPT_DOUBLES])
def test_js_string_of_doubles_matches_javascript(text: str, string: str) -> None:
    assert js_string(decoded(text)) == string


@pytest.mark.parametrize(("text", "length"), JAVASCRIPT_LENGTHS, ids=[repr(row[0]) for row in JAVASCRIPT_LENGTHS])
def test_utf16_length_matches_javascript(text: str, length: int) -> None:
    assert utf16_length(text) == length


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_js_string_of_a_double_reads_back_as_the_same_double(number: float) -> None:
    text = js_string(number)
    assert float(text) == number
    assert "e" not in text or abs(number) >= 1e21 or abs(number) < 1e-6


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER))
def test_js_string_of_a_safe_integer_is_its_digits(number: int) -> None:
    assert js_string(number) == str(number)
    assert js_string(float(number)) == str(number)


@settings(max_examples=300, deadline=None)
@given(st.integers())
def test_js_string_of_any_integer_is_that_of_the_double_javascript_holds(number: int) -> None:
    try:
        double = float(number)
    except OverflowError:
        assert js_string(number) == ("Infinity" if number > 0 else "-Infinity")
        return
    assert js_string(number) == js_string(double)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_utf16_length_counts_astral_characters_twice(text: str) -> None:
    assert utf16_length(text) == len(text) + sum(1 for character in text if ord(character) > 0xFFFF)
