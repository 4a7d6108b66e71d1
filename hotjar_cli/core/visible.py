"""Showing text from the logs without letting it drive the terminal.

Logs are untrusted input: an ESC byte in a broken line, a file name or a trait value could recolour the terminal,
move the cursor or rewrite what a CI log shows, and a bidirectional override can make a line read differently
from what it holds. Every text that came from the input goes through `visible` before a human format shows it:
each such character is written as its JSON escape (`\\u001b`), which also keeps JSON valid and equal in value.
A tab too: raw, it shifts a table's columns and reads as a space. A name (`visible_name`) also has the spaces at its
ends escaped, so that `plan ` does not pass for `plan`.

What `visible` leaves raw is also text XML 1.0 allows (the JUnit report holds it): XML forbids the C0 controls but
tab, line feed and carriage return, the lone surrogates, U+FFFE and U+FFFF, and `visible` escapes all of them.
"""

from __future__ import annotations

import json
import re
import unicodedata

INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028\u2029\u2060-\u2064\u206a-\u206f"
    "\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f"
    "\u00a0\u2000-\u200a\u202f\u205f\u2800\u3000"
)
"""Characters that show as nothing, or as an ordinary space or line break: zero-width spaces and joiners,
direction marks, the soft hyphen, the byte-order mark, Hangul fillers, line and paragraph separators, the invisible
tag characters, the no-break and other wide or narrow spaces, the blank braille pattern. Shown raw, `pl\\u200ban`
reads as `plan` and `Signed\\u00a0Up` as `Signed Up`: two names Hotjar counts apart would look like one."""
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
"""The 66 noncharacters: U+FDD0–U+FDEF and the last two code points of each plane (U+FFFE, U+FFFF, U+1FFFE …
U+10FFFF). Unicode keeps them for a program's own use, never for text: a terminal or a browser shows one as nothing,
a box or a replacement character, so `Signed Up\\uffff` would read as `Signed Up` or as a name with a stray glyph,
where Hotjar counts it apart. XML 1.0 forbids U+FFFE and U+FFFF and discourages the others; escaped all alike, the
JUnit report (which writes what `visible` writes) shows the same text as the terminal and stays valid XML."""
SURROGATES = "\ud800-\udfff"
"""Halves of a UTF-16 pair, alone: no character, so no UTF-8 holds one and XML forbids them. Python reads each byte
of a file name that is not UTF-8 as one (U+DC80–U+DCFF); sources name such a file with those bytes as `\\xff`
(`hotjar_cli.sources.source.shown_name`), and any other is shown as `\\udcff`, as JSON writes a lone surrogate,
rather than failing to be written at all."""
_ESCAPED_PAST_C0 = f"\x7f-\x9f\u202a-\u202e\u2066-\u2069{SURROGATES}{NONCHARACTERS}{INVISIBLE}"
UNSAFE = re.compile(f"[\x00-\x1f{_ESCAPED_PAST_C0}]")
"""C0 controls (tab included), DEL, C1 controls, the bidirectional embeddings, overrides and isolates, the lone
surrogates, `NONCHARACTERS` and `INVISIBLE`: the one list of what `visible` (and every format after it) escapes."""
_END_SPACES = re.compile("^ +| +$")
_ESCAPE_LOOKALIKE = re.compile(r"\\(?=u[0-9a-fA-F]{4})")
"""A backslash that, with what follows it, reads as one of `visible`'s escapes."""
_JSON_UNSAFE_CHARACTERS = _ESCAPED_PAST_C0
_JSON_UNSAFE = re.compile(f"[{_JSON_UNSAFE_CHARACTERS}]")
"""What a JSON encoder leaves raw of `UNSAFE`: it escapes C0 controls itself."""


def _first_bytes(characters: str) -> tuple[bytes, ...]:
    """The bytes the UTF-8 of each character of a character class (`a-z` ranges and single characters) starts
    with: a byte no other character's UTF-8 holds past its start, so a search for it finds only such characters."""
    firsts: set[bytes] = set()
    at = 0
    while at < len(characters):
        start = last = characters[at]
        if characters[at + 1 : at + 2] == "-" and at + 2 < len(characters):
            last = characters[at + 2]
            at += 3
        else:
            at += 1
        for code in range(ord(start), ord(last) + 1):
            if not 0xD800 <= code <= 0xDFFF:  # a lone surrogate has no UTF-8: no bytes hold one
                firsts.add(chr(code).encode()[:1])
    return tuple(sorted(firsts))


_JSON_UNSAFE_FIRST_BYTES = _first_bytes(_JSON_UNSAFE_CHARACTERS)


def _escape(match: re.Match[str]) -> str:
    return _escaped(match.group())


def _escaped(character: str) -> str:
    """`\\uXXXX` for a character, as JSON writes it (a surrogate pair past U+FFFF)."""
    code = ord(character)
    if code > 0xFFFF:  # as JSON writes it: a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """The text with every control, bidirectional formatting and invisible character written as `\\uXXXX`."""
    if text.isascii() and text.isprintable():
        return text  # nearly every text: two flag checks, no copy
    return UNSAFE.sub(_escape, text)


def quoted(text: str) -> str:
    """A text in double quotes, written as JSON writes it and `visible_json` makes it visible (`"tr\\u001b[31m"`):
    how a finding's detail and a schema explanation quote a value from the input."""
    return visible_json(json.dumps(text, ensure_ascii=False))


def given(text: str) -> str:
    """A value as the user gave it (an option's, a setting's), in single quotes, with what `visible` escapes escaped
    and nothing else: how an error quotes it. Quoted as Python writes a string, `C:\\x` read `'C:\\\\x'`, a backslash
    the value never held, beside advice on how to write one."""
    return f"'{visible(text)}'"


def quoted_characters(characters: list[str], most: int = 10) -> str:
    """Characters a finding names, each in double quotes and written as `visible` writes it (`"\\u001b" "["`), the
    first `most` of them, then `…`. A combining mark is written `\\uXXXX` too: alone, it sits on the quote before it
    (a lone `\\u0301` showed as a quote with an accent)."""
    shown = " ".join(f'"\\{c}"' if c in '"\\' else f'"{_alone(c)}"' for c in characters[:most])
    return shown + (" …" if len(characters) > most else "")


def _alone(character: str) -> str:
    """A character as `quoted_characters` shows it on its own."""
    if not character.isascii() and unicodedata.category(character).startswith("M"):
        return _escaped(character)
    return visible(character)


def unambiguous(text: str) -> str:
    """`visible`, with a backslash that starts what reads as an escape (`\\u` and four hex digits) written `\\u005c`:
    the six characters `\\u200b` are then `\\u005cu200b`, and do not pass for the one character `visible` writes
    so."""
    if "\\u" in text:
        text = _ESCAPE_LOOKALIKE.sub(r"\\u005c", text)
    return visible(text)


def visible_name(name: str) -> str:
    """`visible` of a name, with the spaces at its ends written as `\\u0020` too: shown raw, `plan `, ` plan` and
    `plan` read alike (a table pads its cells with spaces, a page drops them), and Hotjar counts them apart. Spaces
    inside a name stay spaces: `Signed Up` reads as it is. The empty name (`{"": 1}` in traits is one) is `""`, as
    JSON writes it, rather than nothing at all; a name that is those two quotes is then `\\u0022\\u0022`. And a
    backslash that starts what reads as an escape (`\\u` and four hex digits) is written `\\u005c`: a name that
    holds the six characters `\\u0020` is then `\\u005cu0020`, and does not pass for the name ` `."""
    if not name:
        return '""'
    if name == '""':
        return "\\u0022\\u0022"
    shown = unambiguous(name)
    if shown[:1] != " " and shown[-1:] != " ":
        return shown
    return _END_SPACES.sub(lambda spaces: "\\u0020" * len(spaces.group()), shown)


def visible_name_cut(name: str, limit: int) -> tuple[str, bool]:
    """`visible_name` of a name, in at most `limit` characters as shown: past them, the longest start of the name that
    shows in `limit - 1`, and an ellipsis (a control character shows as the six of its escape, so a name of 900 of
    them is cut short of 1,000). Whether it was cut."""
    shown = visible_name(name[: limit + 1])
    if len(shown) <= limit and len(name) <= limit:
        return shown, False
    # A name shows in at least as many characters as it has.
    fits, over = 0, min(len(name), limit)
    while over - fits > 1:
        middle = (fits + over) // 2
        if len(visible_name(name[:middle])) <= limit - 1:
            fits = middle
        else:
            over = middle
    return visible_name(name[:fits]) + "…", True


def visible_json(text: str) -> str:
    """Encoded JSON with DEL, C1 controls and bidirectional characters escaped too: still valid, the same value."""
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(_escape, text)


def visible_json_utf8(encoded: bytes) -> bytes:
    """`visible_json` of encoded JSON given as UTF-8 bytes, as UTF-8 bytes: the same bytes unless they hold a
    character to escape (`json_unsafe_at`)."""
    if json_unsafe_at(encoded) < 0:
        return encoded
    return visible_json(encoded.decode()).encode()


def json_unsafe_at(encoded: bytes) -> int:
    """Where the first character `visible_json` escapes starts in encoded JSON given as UTF-8 bytes, or -1 when there
    is none. The bytes a character to escape starts with are looked for first, each by one scan in C: a report of
    megabytes with a few characters past ASCII (`é`, `✓`) is neither searched character by character nor decoded."""
    end = len(encoded)
    for first in _JSON_UNSAFE_FIRST_BYTES:
        at = encoded.find(first, 0, end)  # only before the first found so far
        while at >= 0:
            if _JSON_UNSAFE.match(encoded[at : at + 4].decode(errors="ignore")):
                end = at
                break
            at = encoded.find(first, at + 1, end)
    return end if end < len(encoded) else -1


FORMULA_STARTS = ("=", "+", "-", "@")
"""What a spreadsheet runs a cell as a formula for, when the cell starts with it after any whitespace: tabs, spaces
and line breaks (`\\r=1+1`), which a reader may drop or end a line at."""


def spreadsheet_guarded(value: str) -> bool:
    """Whether the inventory's CSV writes a text with a `'` before it, as a spreadsheet's guard: one that starts with
    = + - @ (after any whitespace), which a spreadsheet runs as a formula, or with `'`, so that a `'` at a cell's
    start is always the guard (`-x` is `'-x` and `'-x` is `''-x`). A `-` alone, standard input's name, is no formula
    and stays as it is; a `=`, `+` or `@` alone is one a spreadsheet starts and fails on."""
    shown = value.lstrip()
    return (shown[:1] in FORMULA_STARTS and shown != "-") or value[:1] == "'"
