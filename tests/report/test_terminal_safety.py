"""Logs are untrusted input: no control character or bidirectional override from them reaches stdout raw.

Every C0 control (tab included: it shifts a table's columns and reads as a space), DEL, every C1 control,
U+202A–U+202E and U+2066–U+2069, a sample of the characters that show as nothing (a zero-width space, a tag
character) and of the noncharacters (U+FFFF) go through every report format (the loop is over the format enum, so a
new format cannot be forgotten), in every place the input shows up: the file name, message ids, user ids, trait names
and values, event names, property names, an unknown type explained against the schemas, and the raw text of broken
lines. The human formats show each as an escape; the JSON formats stay valid JSON.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hotjar_cli.cli.app import app
from hotjar_cli.core.visible import (
    json_unsafe_at,
    visible,
    visible_json,
    visible_json_utf8,
    visible_name,
    visible_name_cut,
)
from hotjar_cli.report import Format

UNSAFE = [
    chr(code)
    for code in (
        *range(0x00, 0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        # a sample of the invisible ones: soft hyphen, zero-width space and joiner, line separator, byte-order
        # mark, a tag character
        0x00AD,
        0x200B,
        0x200D,
        0x2028,
        0xFEFF,
        0xE0041,
        # and the spaces that look like an ordinary one
        0x00A0,
        0x2800,
        # noncharacters: of the first plane, past it, and the two XML forbids
        0xFDD0,
        0xFFFE,
        0xFFFF,
        0x1FFFE,
        0x10FFFF,
    )
]
ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb", "FORCE_COLOR": None}


def hostile_log() -> str:
    """Messages holding each unsafe character in each place the input shows up in a report."""
    lines = []
    for number, character in enumerate(UNSAFE):
        text = f"x{character}y"
        lines += [
            json.dumps(
                {
                    "type": "identify",
                    "messageId": f"m{number}{character}",
                    "userId": f"u{text}",
                    "traits": {f"nested{text}": {"a": 1}, f"list{text}": [1], "plain": text},
                }
            ),
            json.dumps({"type": "identify", "anonymousId": text, "traits": {"plan": text}}),
            json.dumps(
                {"type": "track", "userId": "u1", "event": f"Signed Up{character}", "properties": {f"key{text}": text}}
            ),
            json.dumps({"type": f"Identify{character}", "userId": text}),
            json.dumps({"type": "identify", "userId": "peter@example.com", "traits": {"id": text}}),
        ]
        if character not in "\n\r":
            # A broken line holds the raw character itself, not a JSON escape.
            lines.append(f'{{"type": "identify", "userId": "{text}", "traits": {{"plan": "pro"')
    return "\n".join(lines) + "\n"


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A folder holding the hostile log under a file name that carries some of the characters too."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "events\x1b[31m\u202e\x9b\uffff.jsonl").write_text(hostile_log(), encoding="utf-8")
    return "logs"


def raw_characters(text: str) -> list[str]:
    """The unsafe characters in a text, as their escapes, for a readable failure."""
    return sorted({f"U+{ord(character):04X}" for character in text if character in UNSAFE and character != "\n"})


@pytest.mark.parametrize("format", list(Format), ids=lambda format: format.value)
def test_no_unsafe_character_reaches_stdout_raw(format: Format, hostile: str) -> None:
    result = CliRunner(env=ENV).invoke(
        app, ["validate", hostile, "--format", format.value, "--examples", "1000", "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    shown = result.stdout
    assert len(shown) > 1000
    # Line ends are the report's own; any other unsafe character would be the input's.
    assert raw_characters(shown) == []
    assert "\\u001b" in shown or format is Format.JSONL  # the ESC of the file name and values, made visible
    if format is Format.JSON:
        json.loads(shown)
    elif format is Format.JSONL:
        assert all(json.loads(line) for line in shown.splitlines())
    elif format is Format.JUNIT:
        ElementTree.fromstring(shown.encode())
    assert raw_characters(result.stderr) == []


def test_the_dry_run_stays_json_with_nothing_raw(hostile: str) -> None:
    result = CliRunner(env=ENV).invoke(app, ["replay", hostile, "--dry-run"])
    assert result.exit_code == 0, result.output
    calls = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(calls) > len(UNSAFE)
    assert raw_characters(result.stdout) == []
    assert any("\x1b" in call["call"][1] for call in calls)  # the values themselves are kept, escaped in JSON


def test_a_missing_path_with_escapes_is_named_safely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner(env=ENV).invoke(app, ["validate", "no\x1b[2Jsuch.jsonl"])
    assert result.exit_code == 2
    assert raw_characters(result.stderr) == [] and "\\u001b" in result.stderr


@pytest.mark.parametrize("character", UNSAFE, ids=lambda character: f"U+{ord(character):04X}")
def test_visible_escapes_each_character_as_json_does(character: str) -> None:
    units = character.encode("utf-16-be")  # JSON escapes a character past U+FFFF as its two surrogates
    escape = "".join(f"\\u{int.from_bytes(units[at : at + 2], 'big'):04x}" for at in range(0, len(units), 2))
    assert visible(f"a{character}b") == f"a{escape}b"
    assert json.loads(visible_json(json.dumps(f"a{character}b", ensure_ascii=False))) == f"a{character}b"
    encoded = json.dumps(f"é{character}✓", ensure_ascii=False)
    assert visible_json_utf8(encoded.encode()) == visible_json(encoded).encode()


def test_json_as_utf8_is_escaped_as_its_text_is() -> None:
    # Every character to 0x3400 (past every range escaped but the noncharacters and the tags), then one in 61, and
    # the noncharacters and the tags.
    codes = [*range(0x3400), *range(0x3400, 0x110000, 61), *range(0xE0000, 0xE0080), *range(0xFDD0, 0xFDF0)]
    codes += [plane + last for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)]
    for code in codes:
        if 0xD800 <= code < 0xE000:
            continue  # a lone surrogate is no character of UTF-8
        encoded = json.dumps(f"naïve {chr(code)} ✓", ensure_ascii=False)
        assert visible_json_utf8(encoded.encode()) == visible_json(encoded).encode(), hex(code)


def test_the_first_character_json_leaves_to_escape_is_found_whichever_byte_it_starts_with() -> None:
    # Characters escaped past the C0 controls, two at a time in either order: the first one is found, not the one
    # whose first byte is looked for first.
    escaped = [character for character in UNSAFE if ord(character) >= 0x7F]
    for one, other in zip(escaped, reversed(escaped), strict=True):
        encoded = json.dumps(f"naïve ✓ {one} plan {other}", ensure_ascii=False).encode()
        assert json_unsafe_at(encoded) == encoded.index(one.encode()), (hex(ord(one)), hex(ord(other)))
    assert json_unsafe_at(json.dumps("naïve ✓ plan", ensure_ascii=False).encode()) == -1


def test_ordinary_text_stays_as_it_is() -> None:
    text = "plan: pro — naïve 日本語 ✅"
    assert visible(text) == text
    assert visible_json(text) == text
    assert visible_json_utf8(text.encode()) == text.encode()


def test_a_tab_is_an_escape_to_read_and_stays_a_tab_in_json() -> None:
    assert visible("plan:\tpro") == "plan:\\u0009pro"
    assert visible_json(json.dumps("plan:\tpro")) == '"plan:\\tpro"'


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plan", "plan"),
        ("plan ", "plan\\u0020"),
        (" plan", "\\u0020plan"),
        ("  plan  ", "\\u0020\\u0020plan\\u0020\\u0020"),
        (" ", "\\u0020"),
        ("Signed  Up", "Signed  Up"),
        ("\tTab", "\\u0009Tab"),
        (" \x1b", "\\u0020\\u001b"),
        ("", '""'),  # the empty name, as JSON writes it, not a blank cell
        ('""', "\\u0022\\u0022"),  # so that a name of two quotes cannot pass for it
        ('"quoted"', '"quoted"'),
        # Six characters that read as the escape of a space: their backslash is escaped, so they cannot pass for " "
        ("\\u0020", "\\u005cu0020"),
        ("plan\\u00A0", "plan\\u005cu00A0"),
        ("C:\\users\\u1", "C:\\users\\u1"),  # no escape reads so: as it is
    ],
)
def test_a_name_shows_its_end_spaces_so_that_it_cannot_pass_for_another(name: str, shown: str) -> None:
    assert visible_name(name) == shown


@pytest.mark.parametrize(
    "name",
    [
        "plan",
        "p" * 200,
        "p" * 201,
        "\x01" * 33,
        "\x01" * 34,
        "\x01" * 900,
        "a" + "\x1b" * 40 + "b",
        "x " * 150,
        " " * 50,
    ],
)
def test_a_name_cut_shows_in_at_most_its_bound_and_as_much_of_it_as_fits(name: str) -> None:
    # Bounded by the characters it shows: a control character shows as the six of its escape.
    shown, cut = visible_name_cut(name, 200)
    assert len(shown) <= 200
    assert cut == (visible_name(name) != shown)
    if cut:
        start = shown[:-1]
        assert shown.endswith("…")
        # The longest start that fits: one more character would not.
        taken = next(size for size in range(len(name) + 1) if visible_name(name[:size]) == start)
        assert len(visible_name(name[: taken + 1])) > 199
