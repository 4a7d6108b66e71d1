"""Text from the logs shows as text in the Markdown reports, never as Markdown or HTML.

The reports go to a GitHub step summary or a pull-request comment: a user id, a trait name or value, an event name
or a file name must not load an image, make a link, run a script, bolden text or mention a GitHub user. Each
report is rendered here with a real CommonMark renderer (markdown-it-py, with GitHub's tables and strikethrough),
as GitHub would render it, and the HTML is read back.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from hotjar_cli.cli.app import app
from hotjar_cli.core.visible import visible
from hotjar_cli.report.markdown_escape import code, code_block, table_cell, text

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb", "FORCE_COLOR": None}
RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

USER_ID = "u <img src=https://evil.example/x.png> @octocat"
TRAIT_NAME = "a` <img src=https://evil.example/q.png> `"
TRAIT_VALUE = "[click](https://evil.example) **BOLD** <script>x</script>"
EVENT_NAME = "x`y <img src=x> @team | z\n"
TYPE = "Identify <img src=https://evil.example/t.png> @octocat `x`"
BROKEN_LINE = '```` {"type": "identify" <img src=https://evil.example/b.png> @octocat'
FILE_NAME = "logs/a`b <img src=x> **bold** @octocat.jsonl"
HOSTILE_LOG = "\n".join(
    [
        json.dumps(
            {
                "type": "identify",
                "userId": USER_ID,
                "traits": {TRAIT_NAME: {"n": 1}, "b": TRAIT_VALUE},
                "timestamp": "2024-03-01T00:00:00.000Z",
            }
        ),
        json.dumps({"type": "track", "userId": "u", "event": EVENT_NAME, "properties": {"p": 1}}),
        json.dumps({"type": TYPE, "userId": "u"}),
        BROKEN_LINE,
    ]
)


class _Page(HTMLParser):
    """The tags of a rendered page, and its text outside code (where GitHub would mention or link)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text = ""
        self.prose = ""
        self.strong: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        if not {"code", "pre"} & set(self._open):
            self.prose += data
        if "strong" in self._open:
            self.strong.append(data)


def rendered(markdown: str) -> _Page:
    page = _Page()
    page.feed(RENDERER.render(markdown))
    page.close()
    return page


def report(*args: str) -> str:
    result = CliRunner(env=ENV).invoke(app, list(args))
    assert result.exit_code in (0, 1, 2), result.output
    return result.stdout


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The hostile log, under a file name that is hostile too."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / FILE_NAME
    path.parent.mkdir()
    path.write_text(HOSTILE_LOG + "\n", encoding="utf-8")
    return FILE_NAME


def assert_shows_as_text(page: _Page) -> None:
    assert page.tags <= {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "code", "pre"} | {
        "strong",
        "em",
    }
    assert "BOLD" not in "".join(page.strong)
    assert "@" not in page.prose, "a GitHub user would be mentioned"


@pytest.mark.parametrize("redact", [False, True], ids=["plain", "redacted"])
def test_validate_markdown_shows_the_logs_as_text(hostile: str, redact: bool) -> None:
    page = rendered(report("validate", hostile, "--format", "markdown", *(["--redact"] if redact else [])))
    assert_shows_as_text(page)
    shown = ["<img src=https://evil.example/t.png>", FILE_NAME]
    # Broken lines, an event name a rule found fault with and a key holding a URL are masked too; diffs show JSON.
    if not redact:
        shown += [TRAIT_NAME, USER_ID, TRAIT_VALUE, json.dumps(EVENT_NAME)[1:-1], BROKEN_LINE]
    for text_from_the_logs in shown:
        assert text_from_the_logs in page.text


def test_inventory_markdown_shows_the_logs_as_text(hostile: str) -> None:
    page = rendered(report("inventory", hostile, "--format", "markdown", "--max-attributes", "1"))
    assert_shows_as_text(page)
    for text_from_the_logs in (TRAIT_NAME, visible(EVENT_NAME), FILE_NAME):
        assert text_from_the_logs in page.text


def inline(markdown: str) -> list[Token]:
    """The inline tokens of the one paragraph or table cell the Markdown holds."""
    blocks = [token for token in RENDERER.parse(markdown) if token.type == "inline" and token.content != "a"]
    assert len(blocks) == 1, markdown
    return blocks[0].children or []


@given(st.text(min_size=1))
@example("`")
@example(" ")
@example(" `` ")
@example("a|b\\|c")
def test_code_shows_any_text_as_one_code_span(value: str) -> None:
    for markdown in (f"x {code(value)} y", f"| a |\n| --- |\n| {table_cell(code(value))} |"):
        spans = [token for token in inline(markdown) if token.type == "code_inline"]
        assert [span.content for span in spans] == [visible(value)], markdown


@given(st.text())
@example("<img src=x> @octocat #1 [a](b) **c** & &amp; \\ `d`")
@example("1. item")
@example("@#")
def test_text_shows_any_text_as_itself(value: str) -> None:
    for markdown in (f"x {text(value)} y", f"| a |\n| --- |\n| x {table_cell(text(value))} y |"):
        tokens = inline(markdown)
        assert {token.type for token in tokens} <= {"text", "code_inline"}, markdown
        assert [token.content for token in tokens if token.type == "code_inline"] == re.findall("[@#]+", visible(value))
        assert "".join(token.content for token in tokens) == f"x {visible(value)} y", markdown


@given(st.lists(st.text(st.sampled_from("`~ a\t")).map(visible)))
def test_no_line_closes_a_code_block(lines: list[str]) -> None:
    tokens = RENDERER.parse(code_block(lines, "diff"))
    assert [token.type for token in tokens] == ["fence"]
    assert tokens[0].content == "".join(f"{line}\n" for line in lines)
