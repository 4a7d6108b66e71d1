"""Showing text from the logs in Markdown as text, never as Markdown or HTML.

The Markdown reports go to a GitHub step summary or a pull-request comment, where a user id such as
`<img src=https://evil.example/x.png> @octocat` would load an image and notify a stranger, and a trait value such as
`[click](https://evil.example)` would become a link. Each text from the input reaches a Markdown report through one
of these functions, after `visible` (so no control or bidirectional character reaches it either):

- `code`: a name, an id, a position or a value, as an inline code span. Nothing inside a code span is Markdown or
  HTML, and GitHub neither mentions nor links from it.
- `text`: a sentence that mixes our words with words from the input (a reason, a finding's detail), as plain text
  with every character that could start Markdown or HTML escaped, and `@` and `#` in code spans (GitHub turns a
  backslash-escaped `@name` into a mention all the same).
- `code_block`: lines in a fenced code block whose fence no line can close.
- `table_cell`: either of the first two, made safe in a table cell.
"""

from __future__ import annotations

import re

from hotjar_cli.core.visible import visible

_BACKTICKS = re.compile("`+")

_INERT = "\"',;/%?"
"""ASCII punctuation that starts nothing in Markdown, left as it is so that sentences stay readable."""
_ESCAPED = {
    ord(character): "\\" + character
    for character in "!\"#$%&'()*+,-./:;<=>?[\\]^_`{|}~"
    if character not in _INERT and character != "#"
}
"""Every other ASCII punctuation character backslash-escaped: CommonMark shows an escaped one as itself. `:` and `.`
too, so that GitHub makes no link of `https://…` or `www.…`, and `$`, so that it draws no formula."""
_MENTIONS = re.compile("[@#]+")
"""A run of `@` and `#`, shown as one code span: two spans side by side (`` `@``#` ``) would read as one."""


def code(text: str) -> str:
    """The text as one inline code span that shows it exactly (after `visible`); an empty text stays empty.

    The fence is one backtick longer than the longest run of backticks inside, and a space pads the text when it
    starts or ends with a backtick or a space (CommonMark strips one space from each end of a code span's text).
    """
    text = visible(text)
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    padded = text[0] in "` " or text[-1] in "` "
    if padded and not text.strip(" "):
        padded = False  # a text of spaces only is shown as it is, unstripped
    pad = " " if padded else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def text(text: str) -> str:
    """The text as plain Markdown text that shows it exactly (after `visible`), on one line."""
    return _MENTIONS.sub(lambda run: code(run.group()), visible(text).translate(_ESCAPED))


def table_cell(markdown: str) -> str:
    """Markdown from `code` or `text` for a table cell: a table splits its row at every `|`, even inside a code
    span, unless it is backslash-escaped (and then it drops that backslash before reading the cell)."""
    return markdown.replace("|", "\\|")


def code_block(lines: list[str], info: str = "") -> str:
    """Lines (each already passed through `visible`) as a fenced code block, the fence longer than any run of
    backticks in them so that no line closes it."""
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n" + "".join(f"{line}\n" for line in lines) + f"{fence}\n"
