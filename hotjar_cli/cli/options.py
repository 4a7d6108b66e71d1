"""The options the commands share, as annotated types, and the choices they offer as enums.

Annotations here are evaluated when defined, not postponed (no `from __future__ import annotations`): Typer reads a
command's annotations four times while building it, and would evaluate postponed ones at every reading.
"""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from typer.models import OptionInfo

from hotjar_cli.cli.talk import ColorMode
from hotjar_cli.core.limits import DEFAULT_EVENT_NAME_CHARACTERS


class MessageType(str, Enum):
    """Segment message types, for `--type`."""

    IDENTIFY = "identify"
    TRACK = "track"
    PAGE = "page"
    SCREEN = "screen"
    GROUP = "group"
    ALIAS = "alias"


class EngineName(str, Enum):
    """Where a pass runs, for `--engine`."""

    LOCAL = "local"
    DASK = "dask"


class Resolution(str, Enum):
    """The buckets of `validate --by`."""

    DAY = "day"
    HOUR = "hour"


def choices(enum: type[Enum]) -> str:
    """An option's choices as help text: `text, json or jsonl`, which wraps between choices, never inside one."""
    values = [str(member.value) for member in enum]
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]


# Options shared by every command that reads logs.
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        help="Worker processes \\[default: all cores]; a number past the cores this process may use starts one a "
        "core, as more would only take turns. The answer is the same for any number.",
        show_default=False,
    ),
]
Paths = Annotated[
    list[str],
    typer.Argument(
        help="Files, directories (read recursively), globs, s3://bucket/prefix "
        "paths, or - for stdin. Plain or gzipped NDJSON, Segment batch "
        "envelopes too.",
        show_default=False,
    ),
]
ReplayPaths = Annotated[
    list[str] | None,
    typer.Argument(
        help="Files, directories (read recursively), globs, s3://bucket/prefix paths, or - for stdin. Plain or "
        "gzipped NDJSON, Segment batch envelopes too. Not needed with --check.",
        show_default=False,
    ),
]
EngineOption = Annotated[
    EngineName | None,
    typer.Option(
        "--engine",
        metavar="ENGINE",
        help="Where the work runs: local, this machine's processes (the default), or "
        "dask, a Dask cluster, which needs the dask extra.",
        rich_help_panel="Scale",
        show_default=False,
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="A running Dask scheduler (tcp://host:8786) for --engine dask; without it "
        "a local cluster of --jobs processes is started.",
        rich_help_panel="Scale",
    ),
]
EndpointUrl = Annotated[
    str | None,
    typer.Option(
        "--endpoint-url",
        envvar="AWS_ENDPOINT_URL",
        metavar="URL",
        help="An S3-compatible store for s3:// paths (MinIO, R2, ...) instead of AWS.",
        rich_help_panel="Scale",
    ),
]
Since = Annotated[
    str | None,
    typer.Option(help="Only events at or after this ISO-8601 time (UTC unless given).", rich_help_panel="Filters"),
]
Until = Annotated[
    str | None,
    typer.Option(help="Only events before this ISO-8601 time (UTC unless given).", rich_help_panel="Filters"),
]
Types = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        metavar="TYPE",
        help=f"Only these message types: {choices(MessageType)} (repeatable, or comma-separated).",
        rich_help_panel="Filters",
    ),
]
Users = Annotated[
    list[str] | None,
    typer.Option(
        "--user",
        help="Only these users, by userId or anonymousId (repeatable); a numeric id as the log writes it (or the "
        "same number written otherwise: 1.0 or 1) or as Hotjar receives it.",
        rich_help_panel="Filters",
    ),
]


def allow_empty_option(passes: str, panel: str | None = None) -> OptionInfo:
    """`--allow-empty`, as each command that fails on an input with nothing to work on (no event read, none the
    filters let through, or none but invalid ones) offers it: `passes`, what it then lets pass (`the gate`)."""
    option: OptionInfo = typer.Option(
        "--allow-empty/--no-allow-empty",
        help=f"Pass {passes} when no event was read (a folder or pattern named that holds no log included), none "
        "the filters keep, or none but unreadable lines \\[default: such an input fails it].",
        rich_help_panel=panel,
        show_default=False,
    )
    return option


AllowEmpty = Annotated[bool | None, allow_empty_option("the gate", "Gate")]
ReplayAllowEmpty = Annotated[bool | None, allow_empty_option("the replay (exit 0, nothing sent)")]
InventoryAllowEmpty = Annotated[bool | None, allow_empty_option("the inventory (exit 0, no name listed)")]


def named_file(given: str) -> Path:
    """A file option's path, refused when empty: Python reads `''` as `.`, the folder the command runs in, so
    `--config "$SETTINGS"` with the variable unset was said to name a folder."""
    if not given:
        raise typer.BadParameter("an empty path names no file (is a variable unset?)")
    return Path(given)


# A list, so that one given twice can be refused (`settings.one_config`): click keeps the last of a single option's.
ConfigPath = Annotated[
    list[Path] | None,
    typer.Option(
        "--config",
        parser=named_file,
        metavar="PATH",
        help="A pyproject.toml with \\[tool.hotjar-cli] (default: the nearest one upwards).",
    ),
]
NameLength = Annotated[
    int | None,
    typer.Option(
        help="Longest attribute name Hotjar keeps \\[default: 50].", rich_help_panel="Hotjar limits", show_default=False
    ),
]
ValueLength = Annotated[
    int | None,
    typer.Option(
        help="Longest string attribute value \\[default: 200].", rich_help_panel="Hotjar limits", show_default=False
    ),
]
EventLength = Annotated[
    int | None,
    typer.Option(help="Longest event name \\[default: 250].", rich_help_panel="Hotjar limits", show_default=False),
]
EventCharacters = Annotated[
    str | None,
    typer.Option(
        help="Characters allowed in event names, as a regular-expression class body "
        f"\\[default: {DEFAULT_EVENT_NAME_CHARACTERS}].",
        rich_help_panel="Hotjar limits",
        show_default=False,
    ),
]
MaxAttributes = Annotated[
    int | None,
    typer.Option(
        help="Distinct attribute names per site \\[default: 100].", rich_help_panel="Hotjar limits", show_default=False
    ),
]
MaxEvents = Annotated[
    int | None,
    typer.Option(
        help="Distinct event names per site \\[default: 10000].", rich_help_panel="Hotjar limits", show_default=False
    ),
]
ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Progress on stderr (bytes read, events, time so far, ETA) \\[default: when stderr is a terminal and "
        "not -q]. --progress shows it anywhere, even with -q: a bar on a terminal, plain lines elsewhere.",
        rich_help_panel="Output",
        show_default=False,
    ),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Say nothing on stderr but errors (and progress, if --progress asks for it).",
        rich_help_panel="Output",
    ),
]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Say more on stderr: the settings file, the input, the processes the work ran on, the time taken.",
        rich_help_panel="Output",
    ),
]
Color = Annotated[
    ColorMode,
    typer.Option(
        "--color",
        metavar="WHEN",
        help=f"Colour: {choices(ColorMode)} (auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR colours "
        "off one too).",
        rich_help_panel="Output",
    ),
]
StdinFilename = Annotated[
    str | None,
    typer.Option(
        "--stdin-filename",
        metavar="NAME",
        help="The name standard input (-) has in reports \\[default: -].",
        show_default=False,
    ),
]

# The site view: options shared by validate, inventory and replay.
KnownAttributes = Annotated[
    Path | None,
    typer.Option(
        "--known-attributes",
        parser=named_file,
        metavar="FILE",
        help="Attribute names the Hotjar site already holds, one a line, in "
        "the order it took them: they fill its first slots. A file, a pipe (<(...)), or - for stdin "
        "when the logs are not read from it.",
        rich_help_panel="Hotjar site",
    ),
]
KnownEvents = Annotated[
    Path | None,
    typer.Option(
        "--known-events",
        parser=named_file,
        metavar="FILE",
        help="Event names the Hotjar site already holds, one a line, in the order it took them: they fill its first "
        "slots. A file, a pipe (<(...)), or - for stdin when the logs are not read from it.",
        rich_help_panel="Hotjar site",
    ),
]
