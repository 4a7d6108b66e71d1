"""`hotjar-cli inventory --format`: the site's names and budgets as text, JSON, CSV, Markdown or HTML.

Every format renders the one record of `hotjar_cli.report.site_view.inventory_record`; adding a format is one
function and one enum member.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any, TextIO

from hotjar_cli import __version__
from hotjar_cli.core.jsvalues import utf16_length
from hotjar_cli.core.visible import spreadsheet_guarded, unambiguous, visible, visible_name_cut
from hotjar_cli.report.families import FAMILIES_SHOWN, families_words, family_words, more_families_words
from hotjar_cli.report.markdown_escape import code, table_cell, text
from hotjar_cli.report.records import write_document
from hotjar_cli.report.site_view import (
    NO_NEW_NAMES,
    UNKNOWN,
    as_of_words,
    counts_known,
    incomplete_words,
    listing_order,
    lost_listed,
    names_words,
    no_message_words,
    order_words,
    pace_words,
    span_words,
    unknown_words,
    unnamed_words,
    unread_words,
    used_words,
    where,
)
from hotjar_cli.report.wording import counted
from hotjar_cli.report.workflow import inert_hashes, inert_line

if TYPE_CHECKING:
    from rich.text import Text

TOP = 50
"""Names per kind the text and Markdown formats show of those whose data was lost, and as many of the kept ones
(the most frequent); JSON and CSV carry every name held."""
NAME_COLUMN_MIN = 40
"""Cells the text inventory's name column keeps beside the other columns; a longer name folds over lines that wide.
Narrower, each name goes on lines of its own."""


class InventoryFormat(str, Enum):
    """The formats `inventory --format` offers."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"


def budget_line(
    label: str,
    budget: dict[str, Any],
    show: Callable[[str], str] = visible,
    span: dict[str, Any] | None = None,
    filtered: bool = False,
    option: str = "",
) -> str:
    """`attributes: 100 of 100 slots used (...); full since ...`, or the pace and projected fill.

    `show` writes where the budget filled up, a file name from the input: as `visible` text, or as Markdown code.
    `span`, `filtered` and `option`: as `pace_words` takes them.
    """
    line = f"{label}: {used_words(budget)}"
    if budget["full"]:
        if budget["filled_at"] is not None:
            line = f"{line}; full since {show(where(budget['filled_at']))}"
        else:
            line = f"{line}; full before these logs"
    else:
        line = f"{line}; {pace_words(budget, span, filtered, option) or NO_NEW_NAMES}"
    return line


BUDGETS = (("attribute budget", "attributes", "--known-attributes"), ("event budget", "events", "--known-events"))
"""Each budget's label, its kind in the inventory's record, and the option that names what the site held before."""


def _as_of(record: dict[str, Any], filtered: bool) -> tuple[list[str | None], str | None]:
    """The time the site's slots are of (`as_of_words`) to say under each budget of `BUDGETS`, and, when both budgets
    would say the same, nothing under either but that once, after both: said under the first, it read as of that
    budget alone."""
    said = [as_of_words(record[key]["budget"], record, filtered) for _, key, _ in BUDGETS]
    if said[0] is not None and all(words == said[0] for words in said):
        return [None] * len(said), said[0]
    return said, None


def _listed(kind: dict[str, Any]) -> list[dict[str, Any]]:
    """The names the text and Markdown inventories list, in `listing_order`: up to `TOP` of those whose data was
    lost (`lost_listed`), then up to `TOP` kept ones, the most frequent first."""
    left_out, kept = listing_order(kind)
    return lost_listed(left_out, TOP) + kept[:TOP]


def _counts(counts: dict[str, int]) -> str:
    return " ".join(f"{key}:{value:,}" for key, value in counts.items())


def _fate(row: dict[str, Any]) -> str:
    return f"kept #{row['slot']}" if row["fate"] == "kept" else row["fate"]


def _users(row: dict[str, Any]) -> str:
    if row["users"] is None:
        return UNKNOWN
    return f"≈{row['users']:,}" if row["users_estimated"] else f"{row['users']:,}"


def _messages(row: dict[str, Any]) -> str:
    return UNKNOWN if row["messages"] is None else f"{row['messages']:,}"


def _drops(row: dict[str, Any], key: str) -> str:
    """A name's findings by code (or its types), `-` for none, `?` where its counts are not known."""
    return (_counts(row[key]) or "-") if counts_known(row) else UNKNOWN


def _remainder_line(kind: dict[str, Any], shown: list[dict[str, Any]], counts: str) -> str | None:
    """`… and 115 more names: 65 kept, 42 turned away, 8 never sent (115 values)`: the names not listed, by fate
    (those outside the sample held, whose fate is not known, counted apart), and what they count: `counts`, `value`
    for attribute names, `message` for event names."""
    listed = {id(row) for row in shown}
    hidden = [row for row in kind["names"] if id(row) not in listed]
    remainder = kind["remainder"]
    if not hidden and not remainder["names"]:
        return None
    fates = {fate: sum(row["fate"] == fate for row in hidden) for fate in ("kept", "turned-away", "never-sent")}
    parts = [f"{count:,} {fate.replace('-', ' ')}" for fate, count in fates.items() if count]
    if remainder["names"]:
        parts.append(f"{remainder['names']:,} outside the sample held")
    occurrences = remainder["occurrences"] + sum(row["messages"] or 0 for row in hidden)
    more = counted(len(hidden) + remainder["names"], "more name")
    return f"… and {more}: {', '.join(parts)} ({counted(occurrences, counts)})"


def text_width(out: TextIO) -> int:
    """The width the text inventory is laid out at: the terminal's, COLUMNS, or 80 where `out` is no terminal (as
    the text report of `validate`, through rich)."""
    from rich.console import Console

    return Console(file=out).width


FATE_STYLES = {"kept": "green", "turned-away": "red", "never-sent": "yellow"}
"""A fate's colour in the text inventory, as `validate` colours what Hotjar does with an event: kept green, lost to
the full site red, lost to another rule yellow. The names themselves, text from the logs, are never coloured."""


def write_text(record: dict[str, Any], out: TextIO, width: int | None = None, color: bool | None = None) -> None:
    """Budgets, then the most frequent names of each kind in aligned columns, fitted to `width` (else the
    terminal's): where the columns of first and last sightings do not fit beside the others, they go on indented
    lines under each name. A name longer than its column folds over lines; one past `TEXT_NAME_CHARACTERS` is cut,
    with its length. Coloured as `validate`'s text report is (`color` as `Reporter.color`): the title, headings and
    budgets' labels in bold, a full budget's in red, each name's fate in its `FATE_STYLES`."""
    # rich lays the text out; imported here, the other formats start without it (about 15 ms).
    from rich.text import Text

    from hotjar_cli.report.layout import report_console

    width = width or text_width(out)

    def fitted(text: str, indent: int = 2) -> list[Text]:
        return [Text(line) for line in _shown_lines(text, indent, width)]

    filtered = bool(record["summary"].get("filtered"))
    title = "hotjar-cli inventory"
    lines = [
        *_styled(fitted(f"{title}: {span_words(record)}"), "bold", 0, len(title)),
        *(fitted(f"{no_message}.") if (no_message := no_message_words(record)) else []),
        *_incomplete_lines(record, fitted),
    ]
    as_of, as_of_both = _as_of(record, filtered)
    for (label, key, option), as_of_one in zip(BUDGETS, as_of, strict=True):
        budget = record[key]["budget"]
        text = budget_line(label, budget, span=record["span"], filtered=filtered, option=option)
        lines += _styled(fitted(text), "bold red" if budget["full"] else "bold", 0, len(label))
        for said in filter(None, [as_of_one, order_words(record[key])]):
            lines += fitted(said)
    if as_of_both is not None:
        lines += fitted(as_of_both)
    lines += _families_lines(record["events"], fitted)
    for label, key in (("Attributes", "attributes"), ("Events", "events")):
        kind = record[key]
        lines += [Text(), *_styled(fitted(f"{label}: {names_words(kind)}"), "bold", 0, len(label))]
        unnamed = unnamed_words(kind)
        if unnamed:
            lines += fitted(f"{unnamed}.")
        rows = _listed(kind)
        if not rows:
            continue  # no name to list: no table under its heading
        drops = "dropped" if key == "attributes" else "findings"
        table = [["name", "fate", "messages", "users", *(["types"] if key == "attributes" else []), drops]]
        seen = [("first seen", "last seen")]
        for row in rows:
            table.append(
                [
                    _text_name(row["name"]),
                    _fate(row),
                    _messages(row),
                    _users(row),
                    *([_drops(row, "types")] if key == "attributes" else []),
                    _drops(row, drops),
                ]
            )
            seen.append(
                (visible(where(row["first_seen"])), visible(where(row["last_seen"])))
                if counts_known(row)
                else (UNKNOWN, UNKNOWN)
            )
        # The header in bold, each name's fate (the second column) in its colour.
        styles = ["bold", *(FATE_STYLES[row["fate"]] for row in rows)]
        beside = _aligned([[*line, *sightings] for line, sightings in zip(table, seen, strict=True)], width, styles)
        if beside is not None:
            lines += [line for row_lines in beside for line in row_lines]
        else:
            # Narrower still, each name on lines of its own and its values, labelled, under it.
            main = _aligned(table, width, styles)
            for number in range(len(table)):
                if main is None and number:
                    lines += fitted(table[number][0], 4)
                    values = ", ".join(
                        f"{label} {value}" for label, value in zip(table[0][1:], table[number][1:], strict=True)
                    )
                    fate_at = len("    fate ")
                    lines += _styled(
                        fitted(f"    {values}", 6), styles[number], fate_at, fate_at + len(table[number][1])
                    )
                elif main is not None:
                    lines += main[number]
                if number:
                    first, last = seen[number]
                    lines += fitted(f"    first seen {first}", 6) + fitted(f"    last seen {last}", 6)
        unknown = unknown_words(rows, key[:-1])
        if unknown:
            lines += fitted(f"{unknown}.")
        more = _remainder_line(kind, rows, "value" if key == "attributes" else "message")
        if more:
            lines += fitted(more)
    lines += [Text(), *fitted(record["users_note"] + ".")]
    console = report_console(out, color)
    if console.color_system is None:  # no colour, nor bold: the lines as they are, without rich's rendering
        out.write("\n".join(line.plain for line in lines) + "\n")
    else:
        console.print(Text("\n").join(lines), soft_wrap=True)


def _families_lines(kind: dict[str, Any], fitted: Callable[..., list[Text]]) -> list[Text]:
    """What the text inventory says of the event names built from values, under the event budget: a line, then one
    per family shown (`FAMILIES_SHOWN`), its template and example escaped and cut as the table's names are."""
    heading = families_words(kind)
    if heading is None:
        return []
    lines = fitted(f"{heading}:")
    for family in kind["families"][:FAMILIES_SHOWN]:
        counts = family_words(family, kind["remainder"]["sampled"])
        shown = f'"{_text_name(family["template"])}": {counts}, e.g. "{_text_name(family["example"])}"'
        lines += fitted(f"  {shown}", 4)
    more = more_families_words(kind)
    if more is not None:
        lines += fitted(f"  {more}", 4)
    return lines


def _styled(lines: list[Text], style: str, start: int, end: int) -> list[Text]:
    """The lines, the characters from `start` to `end` of the first one in `style` (words of the report's own)."""
    lines[0].stylize(style, start, end)
    return lines


def _incomplete_lines(record: dict[str, Any], fitted: Callable[..., list[Text]]) -> list[Text]:
    """What the text inventory says of files it could not read to their end: the inventory is partial (in bold red,
    as `validate` says a file it could not read; the files' names and errors, text from the input, uncoloured)."""
    incomplete = incomplete_words(record["errors"])
    if incomplete is None:
        return []
    lines = fitted(f"{incomplete}:", 2)
    for line in lines:
        line.stylize("bold red")  # words of its own, none from the input
    for error in record["errors"]:
        lines += fitted(visible("  " + ": ".join(unread_words(error))), 4)
    return lines


TEXT_NAME_CHARACTERS = 1_000
"""A longer name is cut in the text inventory, with its length said: a name of 100,000 characters (a payload sent
as a trait's name) folded over 1,300 lines of a terminal, and 300 of them took 5 s to lay out. Cut names that read
alike are still rows of their own; the JSON and CSV hold every name whole."""


def _text_name(name: str) -> str:
    """A name as the text inventory shows it: its spaces at the ends and unsafe characters made visible, and past
    `TEXT_NAME_CHARACTERS`, cut."""
    shown, length = _cut(name, TEXT_NAME_CHARACTERS)
    return shown + length


def _cut(name: str, limit: int) -> tuple[str, str]:
    """A name made visible and cut to `limit` characters as shown (`visible_name_cut`), and when cut the words that say
    its length (` (20,003 characters)`, counted as Hotjar and the rules count them: `utf16_length`), else none."""
    shown, cut = visible_name_cut(name, limit)
    return shown, f" ({utf16_length(name):,} characters)" if cut else ""


def _shown_lines(text: str, indent: int, width: int) -> list[str]:
    """The text folded at its spaces into lines of `width` cells, further lines indented, each line as it is written
    (`Flow`): a name from the logs, whose `::` or `##[` the escape makes five characters longer, is padded and folded
    as it is shown."""
    # rich lays the text out; imported here, the formats other than text start without it (about 15 ms).
    from hotjar_cli.report.layout import Flow, words

    return [line.plain for line in Flow(words(text), indent).lines(width)]


def _aligned(table: list[list[str]], width: int, styles: list[str]) -> list[list[Text]] | None:
    """The rows of a table as lines within `width`, each column as wide as its widest cell but the first, the names,
    which takes the room the others leave: a name wider than that folds at its spaces onto further lines, indented.
    None when the other columns leave the names less than `NAME_COLUMN_MIN` cells (or their longest, if shorter).
    Cells are measured as they are shown (`inert_line` for a name, which starts its line, `inert_hashes` for the
    others). `styles`: the header's, then each row's fate's (its second cell; a name is never styled)."""
    from rich.cells import cell_len
    from rich.text import Text

    table = [[inert_hashes(cell) for cell in line] for line in table]
    # In cells, not characters: a CJK character or an emoji takes two.
    widths = [
        max(cell_len(inert_line(line[column]) if column == 0 else line[column]) for line in table)
        for column in range(len(table[0]))
    ]
    room = width - sum(widths[1:]) - 2 * (len(widths) - 1)
    if room < min(widths[0], NAME_COLUMN_MIN):
        return None
    widths[0] = min(widths[0], room)
    rows = []
    for number, (line, style) in enumerate(zip(table, styles, strict=True)):
        name, *folds = _shown_lines(line[0], 2, widths[0])
        shown = Text()
        for column, (cell, column_width) in enumerate(zip([name, *line[1:]], widths, strict=True)):
            if column:
                shown.append("  ")
            shown.append(cell, style if number == 0 or column == 1 else "")
            shown.append(" " * (column_width - cell_len(cell)))
        shown.rstrip()
        rows.append([shown, *(Text(fold) for fold in folds)])
    return rows


CSV_COLUMNS = (
    "kind",
    "name",
    "fate",
    "slot",
    "messages",
    "users",
    "users_estimated",
    "first_seen_time",
    "first_seen_file",
    "first_seen_line",
    "first_seen_index",
    "last_seen_time",
    "last_seen_file",
    "last_seen_line",
    "last_seen_index",
    "types",
    "findings",
    "family",
)
"""The inventory CSV's header, one column per field of a name in the JSON: sightings spread over four columns each,
`types` and `findings` (an attribute's `dropped`) as `key:count` pairs."""


LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Every character `str.splitlines` ends a line at: a CSV reader or a spreadsheet may take any of them, a lone `\\r`
included, for the end of a row, unless the cell is quoted."""


def _cell(value: Any, exact: bool) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"  # as in the JSON, not Python's True
    if not isinstance(value, str):
        return value
    # CSV has no escapes of its own. Written to standard output, which is often a terminal, control and
    # bidirectional characters are written as `\u001b`, `\u202e`, as in the text report, so none reaches it, and the
    # text of such an escape has its backslash escaped (`\u005cu200b`), so it does not pass for the character; a tab
    # stays a tab: it can only move the cursor to the next column. Written to a file (`exact`), a name is the name
    # exactly, a key to join on or to put in a seed file.
    if not exact:
        value = _for_a_terminal(value)
    # A spreadsheet runs a cell that starts with = + - @ as a formula: names from the logs must stay text.
    return "'" + value if spreadsheet_guarded(value) else value


def _for_a_terminal(text: str) -> str:
    """A cell's text as the CSV on standard output writes it (see `_cell`)."""
    return "\t".join(unambiguous(part) for part in text.split("\t")) if "\t" in text else unambiguous(text)


def _field(value: Any) -> str:
    """A cell as CSV writes it: quoted, its quotes doubled, when it holds the delimiter, a quote or any line break.

    Not `csv.writer`: it quotes a field only for the characters of its line terminator, so with `\\n` a lone `\\r`
    (or `\\u2028`) went out bare, and a reader split the row there, the rest of the name starting a row of its own."""
    text = "" if value is None else str(value)
    if "," in text or '"' in text or LINE_BREAKS.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _plain_counts(counts: dict[str, int] | None) -> str | None:
    """`string:21963 number:4`: the pairs without thousands separators, for a program to split; None (an empty cell)
    where they are not known."""
    return None if counts is None else " ".join(f"{key}:{value}" for key, value in counts.items())


def write_csv(record: dict[str, Any], out: TextIO, exact: bool = False) -> int:
    """One row per name (attributes, then events) with every field of the JSON's: empty where the JSON has null,
    `true`/`false` for booleans, counts as `code:count` pairs separated by spaces. `exact`: the names and files as
    they are (see `_cell`), for a file; else with the characters a terminal would act on escaped. Answers how many
    names were written otherwise than as they are."""

    def writerow(cells: Iterable[Any]) -> None:
        out.write(",".join(_field(cell) for cell in cells) + "\n")

    writerow(CSV_COLUMNS)
    escaped = 0
    for kind in ("attributes", "events"):
        for row in record[kind]["names"]:
            first, last = row["first_seen"] or {}, row["last_seen"] or {}
            escaped += not exact and _for_a_terminal(row["name"]) != row["name"]
            writerow(
                [
                    _cell(value, exact)
                    for value in (
                        kind[:-1],
                        row["name"],
                        row["fate"],
                        row["slot"],
                        row["messages"],
                        row["users"],
                        row["users_estimated"],
                        first.get("time"),
                        first.get("file"),
                        first.get("line"),
                        first.get("index"),
                        last.get("time"),
                        last.get("file"),
                        last.get("line"),
                        last.get("index"),
                        _plain_counts(row.get("types", {})),
                        _plain_counts(row.get("dropped", row.get("findings", {}))),
                        row.get("family"),
                    )
                ]
            )
    return escaped


MARKDOWN_NAME_CHARACTERS = 300
"""A longer name is cut in the markdown inventory, with its length said: a step summary or a comment is refused past
1 MiB (GitHub's bound), and 100 names of 20,000 characters made 2 MB. The JSON and CSV hold every name whole."""


def _markdown_name(name: str) -> str:
    """A name as a code span in a table cell, the spaces at its ends made visible (a code span shows them, but a
    rendered page does not); past `MARKDOWN_NAME_CHARACTERS`, cut, with its length."""
    shown, length = _cut(name, MARKDOWN_NAME_CHARACTERS)
    return table_cell(code(shown)) + length


def _markdown_text_name(name: str) -> str:
    """A name as a code span in running text (`_markdown_name` outside a table), cut as the table cuts it."""
    shown, length = _cut(name, MARKDOWN_NAME_CHARACTERS)
    return code(shown) + length


def _markdown_place(seen: dict[str, Any] | None) -> str:
    return "-" if seen is None else table_cell(code(where(seen)))


def write_markdown(record: dict[str, Any], out: TextIO) -> None:
    """Budgets and the most frequent names, for a CI step summary or a pull-request comment.

    Names and places come from the input: each is a code span (`hotjar_cli.report.markdown_escape`), shown as text.
    """
    lines = ["## Hotjar site inventory", "", f"{span_words(record)}.", ""]  # no text from the input in it
    no_message = no_message_words(record)
    if no_message is not None:
        lines += [f"{no_message}.", ""]  # no name from the input in it
    incomplete = incomplete_words(record["errors"])
    if incomplete is not None:
        # A quote: the list of errors in it cannot run on into the list of budgets after it.
        lines += [f"> **{incomplete}:**", ">"]
        for error in record["errors"]:
            place, why = unread_words(error)
            lines.append(f"> - {code(place)}: {text(why)}")
        lines.append("")
    filtered = bool(record["summary"].get("filtered"))
    as_of, as_of_both = _as_of(record, filtered)
    for (label, key, option), as_of_one in zip(BUDGETS, as_of, strict=True):
        budget = budget_line(label.capitalize(), record[key]["budget"], code, record["span"], filtered, option)
        # Our words, counts and times only, as the budget's line: written as they are, as the span's times are.
        # Escaped, they read `read\: the` and a time of backslashes wherever the Markdown is read unrendered.
        said = [f"{words}." for words in (as_of_one, order_words(record[key])) if words]
        # One paragraph of the list item: the budget a sentence of its own, or the next one runs on from it.
        lines += [f"- {budget}{'.' if said else ''}", *(f"  {sentence}" for sentence in said)]
    if as_of_both is not None:
        lines += ["", f"{as_of_both}."]  # a paragraph after the list, of both budgets
    families = families_words(record["events"])
    if families is not None:
        lines += ["", f"{text(families)}:", ""]
        for family in record["events"]["families"][:FAMILIES_SHOWN]:
            lines.append(
                f"- {_markdown_text_name(family['template'])}: "
                f"{family_words(family, record['events']['remainder']['sampled'])}, e.g. "
                f"{_markdown_text_name(family['example'])}"
            )
        more = more_families_words(record["events"])
        if more is not None:
            lines += ["", text(more)]
    for label, key in (("Attributes", "attributes"), ("Events", "events")):
        kind = record[key]
        drops = "dropped" if key == "attributes" else "findings"
        lines += [
            "",
            f"### {label}",
            "",
            f"{names_words(kind)}.",
            *(["", f"{unnamed}."] if (unnamed := unnamed_words(kind)) else []),
        ]
        rows = _listed(kind)
        attributes = key == "attributes"  # an attribute's values have types, as the text and HTML show
        if rows:
            types = "types | " if attributes else ""
            lines += [
                "",
                f"| name | fate | messages | users | {types}{drops} | first seen | last seen |",
                f"| --- | --- | ---: | ---: | {'--- | ' if attributes else ''}--- | --- | --- |",
            ]
        for row in rows:
            types = f"{_drops(row, 'types')} | " if attributes else ""
            lines.append(
                f"| {_markdown_name(row['name'])} | {_fate(row)} | {_messages(row)} | {_users(row)} | {types}"
                f"{_drops(row, drops)} | {_markdown_place(row['first_seen']) if counts_known(row) else UNKNOWN} | "
                f"{_markdown_place(row['last_seen']) if counts_known(row) else UNKNOWN} |"
            )
        unknown = unknown_words(rows, key[:-1])
        if unknown:
            lines += ["", f"{unknown}."]  # no name from the input in it
        more = _remainder_line(kind, rows, "value" if key == "attributes" else "message")
        if more:
            lines += ["", more]
    lines += ["", f"_{record['users_note']}; hotjar-cli {__version__}_"]
    out.write("\n".join(lines) + "\n")


def write_html(record: dict[str, Any], out: TextIO, by: str = "day") -> None:
    """The self-contained HTML page (see `hotjar_cli.report.html_format`); `by`: the buckets its charts were asked
    for (`--by`), which the span may have made coarser."""
    from hotjar_cli.report.html_format import inventory_page

    out.write(inventory_page(record, by))


WRITERS: dict[InventoryFormat, Callable[[dict[str, Any], TextIO], object]] = {
    InventoryFormat.JSON: write_document,  # as `validate`'s JSON report is written
    InventoryFormat.MARKDOWN: write_markdown,
}
"""The formats written from the document alone; the text, CSV and html ones take the run's settings too (colour, an
exact file, the buckets of `--by`: `hotjar_cli.cli.inventory.execute`)."""
