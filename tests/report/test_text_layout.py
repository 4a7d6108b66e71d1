"""The text report at any terminal width: a location `file:line` and a messageId are folded where they must be,
never inside the line number, never leaving a word and a space at the end of a line, never back at the first
column."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from hotjar_cli.cli.app import app
from hotjar_cli.report.layout import Flow, lay_out, words
from tests.support.cli import ENV, identify, track

LOG = "site-exports/volume-site-limits-of-the-second-quarter/volume-site-limits.jsonl"
LONG_ID = "ajs-next-" + "-".join(["c3a1e5f7-9b2d-4f6a-8c0e-2d4f6a8c0e1b"] * 3)
WIDTHS = range(40, 101, 3)


@pytest.fixture(scope="module")
def logs_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `LOG`, whose faulty lines are 9 (with a very long messageId) and 10007."""
    lines = [track(user=f"u{number}") for number in range(1, 10007)]
    lines[8] = identify(None, messageId=LONG_ID)
    lines.append(identify(None, messageId="vol-ev-09987"))
    folder = tmp_path_factory.mktemp("logs")
    (folder / LOG).parent.mkdir(parents=True)
    (folder / LOG).write_text("".join(lines))
    return folder


def text_report(folder: Path, width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """The text report of `hotjar-cli validate LOG` at a terminal `width` columns wide."""
    monkeypatch.chdir(folder)
    result = CliRunner(env=ENV | {"COLUMNS": str(width)}).invoke(app, ["validate", LOG, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return result.stdout


def split_numbers(lines: list[str]) -> list[tuple[str, str]]:
    """Pairs of lines where a `:line` number runs on from the end of one into the start of the next."""
    return [
        (this, after)
        for this, after in itertools.pairwise(lines)
        if re.search(r"[:\d]$", this) and re.match(r"\s*\d", after)
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_location_is_never_split_inside_its_line_number(
    logs_folder: Path, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = text_report(logs_folder, width, monkeypatch)
    lines = report.splitlines()
    assert max(len(line) for line in lines) <= width
    assert split_numbers(lines) == []
    # The location and the id read whole once the folds are joined.
    joined = re.sub(r"\n +", "", report)
    assert "volume-site-limits.jsonl:10007" in joined
    assert f"messageId {LONG_ID}:" in joined


@pytest.mark.parametrize("width", WIDTHS)
def test_no_line_of_the_examples_ends_in_a_space_or_goes_back_to_the_first_column(
    logs_folder: Path, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = text_report(logs_folder, width, monkeypatch)
    examples = report[report.rindex("\nHJ103 ") :].splitlines()[2:]
    assert [line for line in examples if line.endswith(" ")] == []
    assert [line for line in examples if line and not line.startswith(" ") and not line.startswith("Gate")] == []


def test_hours_over_too_long_a_span_say_why_they_are_days(tmp_path: Path) -> None:
    log = tmp_path / "span.jsonl"
    log.write_text(
        '{"type": "identify", "traits": {"a": {"b": 1}}, "timestamp": "2020-01-01T00:00:00Z"}\n'
        '{"type": "identify", "traits": {"a": {"b": 1}}, "timestamp": "2024-01-01T00:00:00Z"}\n'
    )
    result = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"}).invoke(
        app, ["validate", str(log), "--by", "hour", "--fail-on", "never"]
    )
    assert "When each rule occurs (event time, by day: hours would be too many buckets over this span)" in result.stdout


def inside_a_number(text: str, end: int) -> bool:
    """Whether `text[end - 1]` and `text[end]` are of one number: `12,345`, `100.0%`, the colon of `file:12`."""
    number = re.compile(r":?\d+(?:[,.]\d+)*%?")
    return any(found.start() < end < found.end() for found in number.finditer(text))


def laid_out_plainly(chunks: list[tuple[str, str]], width: int, indent: int = 0) -> list[list[tuple[str, str]]]:
    """`lay_out` the slow and obvious way, as it was first written: the rest of a piece measured and copied at every
    fold (a name of 200,000 characters took four seconds, an inventory of a thousand of them minutes)."""
    width = max(width, 1)
    margin = " " * (indent if indent < width // 2 else 0)
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for text, style in chunks:
        if text.startswith(" ") and used > len(margin) and used + cell_len(text) > width:
            lines.append([(margin, "")] if margin else [])
            used = len(margin)
            text = text.lstrip(" ")
        while used + cell_len(text) > width:
            room, end, taken = width - used, 0, 0
            for character in text:
                taken += cell_len(character)
                if taken > room:
                    break
                end += 1
            if end < len(text):
                # After a path's `/`, else a `-` or `_`, else a `.`, when that keeps half the room or more.
                for marks in ("/", "-_", "."):
                    after = max((at + 1 for at, character in enumerate(text[:end]) if character in marks), default=0)
                    if after and 2 * cell_len(text[:after]) >= room:
                        end = after
                        break
                while end > 0 and inside_a_number(text, end):
                    end -= 1
            if end == 0 or not text[:end].strip():
                if used > len(margin):
                    lines.append([(margin, "")] if margin else [])
                    used = len(margin)
                    text = text.lstrip(" ")
                    continue
                end = max(1, width - used)
            lines[-1].append((text[:end], style))
            lines.append([(margin, "")] if margin else [])
            used = len(margin)
            text = text[end:]
        if text:
            lines[-1].append((text, style))
            used += cell_len(text)
    return lines


PIECES = st.text(
    alphabet=st.sampled_from(["a", "1", ":", " ", "/", "-", ".", ",", "%", "\u200b", "\u754c", "\N{GRINNING FACE}"]),
    max_size=60,
)


@given(st.lists(st.tuples(PIECES, st.sampled_from(["", "bold"])), max_size=6), st.integers(0, 30), st.integers(0, 8))
def test_lines_are_those_of_the_plain_layout(chunks: list[tuple[str, str]], width: int, indent: int) -> None:
    assert lay_out(chunks, width, indent) == laid_out_plainly(chunks, width, indent)


def test_a_name_of_twenty_thousand_characters_folds_into_lines_of_the_width() -> None:
    name = "N" * 19_999 + " 12"
    lines = lay_out(words(name), 40, 2)
    assert [cell_len("".join(text for text, _ in line)) for line in lines] == [40] * 526 + [14]
    assert lines == laid_out_plainly(words(name), 40, 2)


@pytest.mark.parametrize("width", range(8, 41))
def test_a_name_folds_around_its_escapes_never_inside_one(width: int) -> None:
    # At 80 columns the inventory ended a line with `...pwned\u` and began the next with `0007`: neither reads as the
    # character, and the first looks like a cut name.
    name = "\\u001b[31mRED\\u001b[0m\\u001b]0;pwned\\u0007 file\\xff.gz"
    lines = ["".join(text for text, _ in line) for line in lay_out([(name, "")], width)]
    assert "".join(lines) == name
    ends = list(itertools.accumulate(len(line) for line in lines))[:-1]
    escapes = [(found.start(), found.end()) for found in re.finditer(r"\\u[0-9a-f]{4}|\\x[0-9a-f]{2}", name)]
    assert not any(start < end < stop for end in ends for start, stop in escapes), lines


def test_a_long_path_folds_after_its_slashes_and_dashes() -> None:
    # Folded anywhere, a path of Segment's archive ended its line at `Xo3Zq` and an id at `…7d2`.
    path = "sample_events/segment-logs/Xo3ZqW8mTn/1712016000000/1712052117208.5f1c9a3e-7d2b-4e8a-b6c4.gz:1"
    lines = ["".join(text for text, _ in line) for line in lay_out(words(path), 32)]
    assert lines == [
        "sample_events/segment-logs/",
        "Xo3ZqW8mTn/1712016000000/",
        "1712052117208.5f1c9a3e-7d2b-",
        "4e8a-b6c4.gz:1",
    ]


GUARDED_LOG = "::x.jsonl"
"""A file whose name, at the start of an example's heading, the output stream writes as `\\u003a:x.jsonl`."""


@pytest.fixture(scope="module")
def guarded_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Logs whose text the output stream guards from a CI log: `::` starting a line, `##[` anywhere; in values, in
    messageIds folded onto a line of their own, in a trait's name and in the file names of the timeline's table."""
    folder = tmp_path_factory.mktemp("guarded")
    day = iter(f"2024-03-{day:02d}T00:00:00Z" for day in range(1, 20))
    (folder / GUARDED_LOG).write_text(
        identify(None, messageId="::error::x", traits={"plan": "##[group]x", "note": {"a": 1}}, timestamp=next(day))
        + identify(
            traits={"v": "::error::x", "nested": {"a": "##[group]" + "y" * 100}, "long": "##[" + "y" * 190},
            timestamp=next(day),
        )
        + identify(None, messageId="m ::" + "z" * 250, traits={"w": "::error::x"}, timestamp=next(day))
        + identify(messageId=f"{'a' * 30} ::{'b' * 30}", traits={"::warn::" + "q" * 20: {"k": 1}}, timestamp=next(day))
        + track(properties={"p": {"x": "##[error]zz"}}, timestamp=next(day))
    )
    (folder / "a##[b.jsonl").write_text(identify(None, traits={"t": {"z": "::e " + "x" * 60}}, timestamp=next(day)))
    return folder


def runner_commands(text: str) -> list[str]:
    """The lines GitHub's runner reads as a workflow command: starting with `::` once trimmed, or holding `##[`."""
    return [line for line in text.split("\n") if line.lstrip().startswith("::") or "##[" in line]


@pytest.mark.parametrize("color", ["never", "always"])
@pytest.mark.parametrize("width", [40, 80, 200])
def test_text_guarded_from_a_ci_log_is_laid_out_as_it_is_written(
    guarded_folder: Path, width: int, color: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `::` starting a line is written `\u003a:` and `##[` as `#\u0023[`, five characters longer: added after the
    # report had cut a payload line at the width, or folded a heading or padded the timeline's table, it took such a
    # line five columns past the width (85 columns at 80).
    monkeypatch.chdir(guarded_folder)
    result = CliRunner(env=ENV | {"COLUMNS": str(width)}).invoke(
        app, ["validate", GUARDED_LOG, "a##[b.jsonl", "--by", "day", "--color", color, "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert (color == "always") == (plain != result.stdout)
    assert max(cell_len(line) for line in plain.splitlines()) <= width
    assert runner_commands(plain) == []
    assert "\\u003a:x.jsonl:1" in plain and '"#\\u0023[group]x"' in plain and "a#\\u0023[b.jsonl" in plain


def test_a_flow_escapes_a_line_it_starts_with_colons_and_folds_narrower_for_it() -> None:
    flow = Flow([("  ", ""), *words(f"{'a' * 30} ::{'b' * 30} ##[x", "bold")], indent=2)
    lines = flow.lines(40)
    assert [line.plain for line in lines] == ["  " + "a" * 30, "  \\u003a:" + "b" * 30, "  #\\u0023[x"]
    assert [(span.start, span.end, span.style) for span in lines[1].spans] == [(2, 39, "bold")]
    # 37 characters fit 40 columns, escaped they would not: folded at 35, then escaped.
    wider = [line.plain for line in Flow(words(f"{'a' * 30} ::{'b' * 35}"), indent=2).lines(40)]
    assert wider[1].startswith("  \\u003a:") and max(map(len, wider)) <= 40, wider
    # In a table's cell its lines start after the border, where the output stream leaves `::` as it is.
    assert [line.plain for line in Flow(words("::x ##[y"), starts_lines=False).lines(20)] == ["::x #\\u0023[y"]
