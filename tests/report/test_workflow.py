"""No text from the logs makes a line of a report a GitHub Actions workflow command (hotjar_cli/report/workflow.py)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotjar_cli.report.workflow import XML_ESCAPES, InertLines, inert_line


def runner_commands(text: str) -> list[str]:
    """The lines GitHub's runner reads as a command (actions/runner, `ActionCommand.TryParseV2` and `TryParse`): one
    that starts with `::` once its leading whitespace is trimmed, or holds `##[` anywhere."""
    return [line for line in text.split("\n") if line.lstrip().startswith("::") or "##[" in line]


def written(pieces: list[str], flushed: bool = False, escapes: object = None) -> str:
    out = io.StringIO()
    lines = InertLines(out) if escapes is None else InertLines(out, XML_ESCAPES)
    for piece in pieces:
        lines.write(piece)
        if flushed:
            lines.flush()
    lines.flush()
    return out.getvalue()


def test_a_line_that_would_start_with_two_colons_and_every_double_hash_bracket_are_escaped() -> None:
    text = "report\n      ::error title=Deploy blocked::forged\nseen ##[error]x and ##[add-mask]y\n::warning::z\n"
    assert written([text]) == (
        "report\n      \\u003a:error title=Deploy blocked::forged\nseen #\\u0023[error]x and #\\u0023[add-mask]y\n"
        "\\u003a:warning::z\n"
    )
    assert written([text], escapes=XML_ESCAPES).splitlines()[1] == "      &#58;:error title=Deploy blocked::forged"


def test_a_line_that_would_start_with_two_colons_once_its_colour_codes_are_taken_out_is_escaped() -> None:
    # A coloured report (`--color always`) folded a value from the logs onto a line of its own that began with a dim
    # colour code, then `::warning::`: a log viewer that takes the colours out showed a workflow command.
    text = "schema:\n        \x1b[2m::warning::x\x1b[0m is not a string\n  \x1b[1;31m \x1b[0m::error::y\n"
    assert written([text]) == (
        "schema:\n        \x1b[2m\\u003a:warning::x\x1b[0m is not a string\n  \x1b[1;31m \x1b[0m\\u003a:error::y\n"
    )
    assert written(["x\n\x1b[2m", ":", ":warning::x\n"], flushed=True).endswith("\\u003a:warning::x\n")


def test_text_with_neither_is_written_as_it_is() -> None:
    text = "a::b  # not at a line's start\n  x :: y\n#[#]\n"
    assert written([text]) == text
    assert written(["no line end"]) == "no line end"


@pytest.mark.parametrize(
    "pieces",
    [
        ["x\n   ", ":", ":error::forged\n"],
        ["x\n:", ":error::forged\n"],
        ["x\n", "  ", "::error::forged\n"],
        ["seen #", "#[error]y\n"],
        ["seen ##", "[error]y\n"],
    ],
)
def test_a_command_split_where_the_stream_was_flushed_is_escaped_too(pieces: list[str]) -> None:
    assert runner_commands(written(pieces, flushed=True)) == []
    assert runner_commands(written(pieces)) == []


@given(st.lists(st.text(alphabet=" \t:#[]xe\n", max_size=12), max_size=8), st.booleans())
def test_no_writing_of_colons_hashes_and_brackets_makes_a_command(pieces: list[str], flushed: bool) -> None:
    out = written(pieces, flushed)
    assert runner_commands(out) == []
    # Nothing is lost or added but the escapes.
    assert out.replace("\\u003a", ":").replace("\\u0023", "#") == "".join(pieces)


@given(st.text(alphabet=" \t:#[]xem1;\x1b", max_size=16))
def test_a_line_laid_out_as_inert_line_gives_it_is_written_as_it_is(line: str) -> None:
    # A report pads and folds the text as it is shown, so `InertLines` must have nothing left to add to it.
    assert written([line + "\n"]) == inert_line(line) + "\n"
    assert written([inert_line(line) + "\n"]) == inert_line(line) + "\n"
