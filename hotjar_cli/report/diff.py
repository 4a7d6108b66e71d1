"""An example as a diff: the Segment payload line by line, marked with what Hotjar keeps and which rule dropped
the rest.

Shared by the human formats (text and markdown), so both tell the same story.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import msgspec

from hotjar_cli.core.decode import message_id_text
from hotjar_cli.core.jsvalues import utf16_length
from hotjar_cli.core.mapping import json_path
from hotjar_cli.core.model import Finding, Outcome
from hotjar_cli.core.rules import RULES, Effect
from hotjar_cli.core.summary import Example
from hotjar_cli.core.visible import visible

VALUE_WIDTH = 80
SHOWN_WIDTH = 300
"""The most characters of a name, a JSON path or a messageId from the logs the human formats show whole."""
SHOWN_LINES = 60
"""The most lines of an example's payload the human formats show: an identify of 3,000 traits, all dropped, made a
text report of 1.5 MB for six events and a markdown one over the 1 MiB of GitHub's step summary."""
SHOWN_FINDINGS = 10
"""The most of an example's findings of one rule said on its heading (`details`)."""


class Mark(str, Enum):
    """What happened to one line of the payload."""

    KEPT = "kept"
    DROPPED = "dropped"
    COERCED = "coerced"


@dataclass(frozen=True)
class DiffLine:
    """One line of the payload: its text (control characters made visible), what happened to it and the rule
    responsible."""

    mark: Mark
    text: str
    code: str = ""
    nested: bool = False  # a trait or a property, under its object's line

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", visible(self.text))


def shortened(text: str, width: int = SHOWN_WIDTH) -> str:
    """A text from the logs as the human formats show it (a JSON path that holds a trait's name, a messageId, a key
    of the payload): cut past `width` characters, with its length said. Sent 600,000 characters long, a trait's name
    made a markdown report of megabytes (over the 1 MiB of GitHub's step summary) and a text report of thousands of
    lines; the json and jsonl reports keep it whole. Its length is counted as Hotjar and the rules count one
    (`utf16_length`: an emoji is two), so that it reads as the finding's own."""
    return text if len(text) <= width else f"{text[: width - 1]}… ({utf16_length(text):,} characters)"


def message_id_shown(example: Example) -> str:
    """An example's messageId as the human formats name it on its heading (`message_id_text`, `shortened`): a number
    as `12345`; `""` for none and for an empty one, which the heading leaves out. Not escaped yet (`visible`)."""
    return shortened(message_id_text(example.message_id))


def path_shown(path: str) -> str:
    """A finding's JSON path as the human formats show it (`shortened`): none for `$`, the whole line, which a
    finding's file and line say already (`broken.jsonl:2: $ it ends before its value does` read as a typo)."""
    return "" if path == "$" else shortened(path)


def details(
    example: Example, code: str, path: Callable[[str], str] = str, detail: Callable[[str], str] = str, joint: str = " "
) -> str:
    """An example's findings of one rule as the human formats say them, `; ` between two: each one's path
    (`path_shown`, then written by `path`) and detail (written by `detail`), `joint` between them when both are
    there."""

    def said(finding: Finding) -> str:
        shown = path_shown(finding.path)
        return joint.join(part for part in (path(shown) if shown else "", detail(finding.detail)) if part)

    found = [finding for finding in example.findings if finding.code == code]
    more = f"; and {len(found) - SHOWN_FINDINGS:,} more" if len(found) > SHOWN_FINDINGS else ""
    return "; ".join(said(finding) for finding in found[:SHOWN_FINDINGS]) + more


def short_json(value: Any, width: int = VALUE_WIDTH) -> str:
    """Compact JSON of a value, cut to `width` characters."""
    text = msgspec.json.encode(value).decode()
    return text if len(text) <= width else text[: width - 1] + "…"


def hj_call(call: list[Any] | None, show: Callable[[str], str] = visible) -> str:
    """`Hotjar receives hj('identify', "u1", {...})`, or a plain sentence when no call is made.

    `show` writes the call, which holds values from the input: as `visible` text, or as Markdown code.
    """
    if call is None:
        return "Hotjar receives nothing"
    return "Hotjar receives " + show("hj(" + ", ".join(short_json(argument, 200) for argument in call) + ")")


def diff_lines(example: Example) -> list[DiffLine]:
    """The example's payload, one line per field (and per trait), marked kept, dropped or coerced, in at most
    `SHOWN_LINES` lines: past that, its fields and the values a rule concerns first, then the others, each run of
    lines left out said in one (`… 2,940 more lines`).

    Each rule is named on the line of the value it concerns; a rule that stops the whole message strikes every
    line and is named where its path points (or on the first line when it concerns the message as a whole).
    """
    lines = _payload_lines(example)
    if len(lines) <= SHOWN_LINES:
        return lines
    # The fields first (a handful), then the values a rule concerns, then the others, each in payload order; as many
    # as fit with a line for each run left out. A run of one line is shown rather than said.
    order = sorted(range(len(lines)), key=lambda at: (lines[at].nested, not lines[at].code, at))
    for count in range(SHOWN_LINES, 0, -1):
        shown = sorted(order[:count])
        runs = sum(1 for before, at in zip([-1, *shown], [*shown, len(lines)], strict=True) if at - before > 1)
        if count + runs <= SHOWN_LINES:
            break
    kept: list[DiffLine] = []
    for before, at in zip([-1, *shown], [*shown, len(lines)], strict=True):
        if at - before == 2:
            kept.append(lines[before + 1])
        elif at - before > 2:
            kept.append(_left_out(at - before - 1))
        if at < len(lines):
            kept.append(lines[at])
    return kept


def _left_out(count: int) -> DiffLine:
    return DiffLine(Mark.KEPT, f"  … {count:,} more line{'' if count == 1 else 's'}", nested=True)


def _payload_lines(example: Example) -> list[DiffLine]:
    """Every line of the example's payload (`diff_lines`)."""
    by_path = {finding.path: finding.code for finding in example.findings}
    whole = _message_level_code(example)
    payload = example.payload
    if "line" in payload:
        return [DiffLine(Mark.DROPPED, str(payload["line"]), whole)]
    lines: list[DiffLine] = []
    for key, value in payload.items():
        if key in ("traits", "properties") and isinstance(value, dict) and value and f"$.{key}" not in by_path:
            lines.append(DiffLine(Mark.DROPPED if whole else Mark.KEPT, f"{key}:"))
            for name, item in value.items():
                code = by_path.get(json_path(f"$.{key}", name), "")
                mark = Mark.DROPPED if whole or code else Mark.KEPT
                lines.append(DiffLine(mark, f"  {shortened(_name(name))}: {short_json(item)}", code, nested=True))
            continue
        code = by_path.get(f"$.{key}", "")
        text = f"{key}: {short_json(value)}"
        if code and RULES[code].effect is Effect.COERCED and example.call is not None:
            lines.append(DiffLine(Mark.COERCED, f"{text} → {short_json(example.call[1])}", code))
        elif whole or (code and RULES[code].effect is not Effect.NOTED):
            lines.append(DiffLine(Mark.DROPPED, text, code))
        else:
            lines.append(DiffLine(Mark.KEPT, text, code))
    if whole and lines and not any(line.code == whole for line in lines):
        lines[0] = DiffLine(lines[0].mark, lines[0].text, whole)
    return lines


def _name(name: str) -> str:
    return name if name.isidentifier() else msgspec.json.encode(name).decode()


def _message_level_code(example: Example) -> str:
    """The rule that stopped the whole message, when the outcome is not accepted or modified."""
    if example.outcome in (Outcome.ACCEPTED, Outcome.MODIFIED):
        return ""
    wanted = {Outcome.INVALID: Effect.INVALID, Outcome.IGNORED: Effect.IGNORED, Outcome.REJECTED: Effect.REJECTED}
    for finding in example.findings:
        if RULES[finding.code].effect is wanted[example.outcome]:
            return finding.code
    return example.findings[0].code if example.findings else ""
