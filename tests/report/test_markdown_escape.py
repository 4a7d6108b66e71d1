"""Text from the logs shows as text in Markdown, never as Markdown or HTML.

Each piece of Markdown is read back with a real CommonMark renderer (markdown-it-py, with GitHub's tables and
strikethrough), as GitHub would render it.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from hotjar_cli.core.visible import visible
from hotjar_cli.report.markdown_escape import code, code_block, table_cell, text

RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


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
def test_text_shows_any_text_as_itself(value: str) -> None:
    for markdown in (f"x {text(value)} y", f"| a |\n| --- |\n| x {table_cell(text(value))} y |"):
        tokens = inline(markdown)
        assert {token.type for token in tokens} <= {"text", "code_inline"}, markdown
        assert [token.content for token in tokens if token.type == "code_inline"] == [
            character for character in visible(value) if character in "@#"
        ]
        assert "".join(token.content for token in tokens) == f"x {visible(value)} y", markdown


@given(st.lists(st.text(st.sampled_from("`~ a\t")).map(visible)))
def test_no_line_closes_a_code_block(lines: list[str]) -> None:
    tokens = RENDERER.parse(code_block(lines, "diff"))
    assert [token.type for token in tokens] == ["fence"]
    assert tokens[0].content == "".join(f"{line}\n" for line in lines)
