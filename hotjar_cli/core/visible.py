"""Showing text from the logs without letting it drive the terminal.

Logs are untrusted input: an ESC byte in a broken line, a file name or a trait value could recolour the terminal,
move the cursor or rewrite what a CI log shows, and a bidirectional override can make a line read differently
from what it holds. Every text that came from the input goes through `visible` before a human format shows it:
each such character is written as its JSON escape (`\\u001b`), which also keeps JSON valid and equal in value.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 controls but tab, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates."""
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What a JSON encoder leaves raw of `UNSAFE`: it escapes C0 controls itself."""


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """The text with every control and bidirectional formatting character written as `\\uXXXX`."""
    if text.isascii() and text.isprintable():
        return text  # nearly every text: two flag checks, no copy
    return UNSAFE.sub(_escape, text)


def visible_json(text: str) -> str:
    """Encoded JSON with DEL, C1 controls and bidirectional characters escaped too: still valid, the same value."""
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(_escape, text)
