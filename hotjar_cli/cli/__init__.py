"""The command line: parse options into settings, build the parts, run, exit with the code the run returns."""

# ruff: noqa: E402
# Annotations here are evaluated when defined, not postponed (no `from __future__ import annotations`): Typer
# reads a command's annotations four times while building it, and would evaluate postponed ones at every reading.

import gc

# Importing Typer, click, msgspec and the core makes many lasting objects and no garbage, yet the collector would
# run over them again and again while starting and running. It is paused for the imports, and what they made is
# set aside for good (gc.freeze) at the end of this module.
gc.disable()

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import asdict, replace
from enum import Enum
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ContextManager,
    Optional,
    TextIO,
)

import click
import msgspec
import typer

from hotjar_cli import __version__
from hotjar_cli.cli.config import (
    ConfigError,
    find_config,
    load_config,
    parse_rates,
    split_list,
)
from hotjar_cli.cli.talk import ColorMode, Talk, Verbosity
from hotjar_cli.core.eventtime import parse_time
from hotjar_cli.core.filters import Filters
from hotjar_cli.core.gate import EXIT_ERROR, FailOn, Gate, judge
from hotjar_cli.core.limits import DEFAULT_EVENT_NAME_CHARACTERS, Limits
from hotjar_cli.core.mapping import MESSAGE_TYPES
from hotjar_cli.core.rules import CATALOGUE, MISSING_USER_ID, find_rule, markdown_table
from hotjar_cli.core.selection import Selection
from hotjar_cli.core.summary import Summary
from hotjar_cli.core.visible import visible, visible_json
from hotjar_cli.report import Format, Report, make_reporter
from hotjar_cli.report.inventory_formats import InventoryFormat
from hotjar_cli.report.lines import CallLines, FindingLines
from hotjar_cli.report.records import position_record
from hotjar_cli.run.one_pass import PassSettings, run_pass
from hotjar_cli.run.parallel import (
    Engine,
    EngineError,
    LocalEngine,
    available_cores,
    run_jobs,
)
from hotjar_cli.sources.reader import resolve
from hotjar_cli.sources.source import InputError, Source, Window

if TYPE_CHECKING:
    from hotjar_cli.replay.settings import ReplaySettings

commands = typer.Typer()
"""The commands, kept apart from `app` so that each becomes a click command only when a run needs it."""


class _CommandsOnDemand(MutableMapping[str, click.Command]):
    """The group's commands by name, each built from its function the first time it is looked up.

    Building a command reads its signature and makes every option: `validate` on one small file should not
    also pay for `replay`'s options. Listing the names builds nothing; help, which shows them all, builds them all.
    """

    def __init__(
        self,
        registry: typer.Typer,
        rich_markup_mode: Any,
        pretty_exceptions_short: bool,
    ) -> None:
        self._functions = {
            info.name or typer.main.get_command_name(info.callback.__name__): info
            for info in registry.registered_commands
            if info.callback is not None
        }
        self._built: dict[str, click.Command] = {}
        self._settings = {"rich_markup_mode": rich_markup_mode, "pretty_exceptions_short": pretty_exceptions_short}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._built:
            self._built[name] = typer.main.get_command_from_info(self._functions[name], **self._settings)
        return self._built[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._functions.pop(name, None)
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._functions or name in self._built

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(self._functions), **dict.fromkeys(self._built)})

    def __len__(self) -> int:
        return len(self._functions.keys() | self._built.keys())


class _Group(typer.core.TyperGroup):
    """hotjar-cli's command group: Typer's, with the commands built on demand."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.commands = _CommandsOnDemand(commands, self.rich_markup_mode, app.pretty_exceptions_short)


app = typer.Typer(
    name="hotjar-cli",
    cls=_Group,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="See what Hotjar keeps of your Segment logs, gate CI on it, and replay the accepted calls into Hotjar.",
)
EXPLAINED_CODES = tuple(rule.code for rule in CATALOGUE if rule.schema_explained)


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


class RulesFormat(str, Enum):
    """The formats of `hotjar-cli rules`."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


class DryRunFormat(str, Enum):
    """The formats of `replay --dry-run`."""

    JSONL = "jsonl"


class ReplayReport(str, Enum):
    """The formats of `replay --report`."""

    JSON = "json"


class UsageError(Exception):
    """An option or path the run cannot use: one line, exit 2."""


TALK = Talk()
"""What the running command says on stderr; each command sets its own from -q, -v and --color."""
REPLAY_INSTALL_HINT = "pip install 'hotjar-cli[replay]'"


def _choices(enum: type[Enum]) -> str:
    """An option's choices as help text: `text, json or jsonl`, which wraps between choices, never inside one."""
    values = [member.value for member in enum]  # type: ignore[attr-defined]
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]


# Options shared by every command that reads logs.
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        help="Worker processes \\[default: all cores]. The answer is the same for any number.",
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
Until = Annotated[str | None, typer.Option(help="Only events before this ISO-8601 time.", rich_help_panel="Filters")]
Types = Annotated[
    list[MessageType] | None,
    typer.Option(
        "--type",
        metavar="TYPE",
        help=f"Only these message types: {_choices(MessageType)} (repeatable).",
        rich_help_panel="Filters",
    ),
]
Users = Annotated[
    list[str] | None,
    typer.Option("--user", help="Only these users, by userId or anonymousId (repeatable).", rich_help_panel="Filters"),
]
ConfigPath = Annotated[
    Path | None,
    typer.Option("--config", help="A pyproject.toml with \\[tool.hotjar-cli] (default: the nearest one upwards)."),
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
        help=f"Characters allowed in event names, as a regular-expression class body \\[default: {DEFAULT_EVENT_NAME_CHARACTERS}].",
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
        help="A progress bar on stderr (bytes read, events, ETA) \\[default: when stderr "
        "is a terminal and not -q]. --progress draws it anywhere.",
        rich_help_panel="Output",
        show_default=False,
    ),
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="Say nothing on stderr but errors.", rich_help_panel="Output")
]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Say more on stderr: the settings file, the input, how the work was split, the time taken.",
        rich_help_panel="Output",
    ),
]
Color = Annotated[
    ColorMode,
    typer.Option(
        "--color",
        metavar="WHEN",
        help=f"Colour: {_choices(ColorMode)} (auto: on a terminal, unless NO_COLOR is set).",
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

# --- The site view (issue 12): options shared by validate, inventory and replay. ---
KnownAttributes = Annotated[
    Path | None,
    typer.Option(
        "--known-attributes",
        metavar="FILE",
        help="Attribute names the Hotjar site already holds, one a line, in "
        "the order it took them: they fill its first slots.",
        rich_help_panel="Hotjar site",
    ),
]
KnownEvents = Annotated[
    Path | None,
    typer.Option(
        "--known-events",
        metavar="FILE",
        help="Event names the Hotjar site already holds, one a line.",
        rich_help_panel="Hotjar site",
    ),
]


class Resolution(str, Enum):
    """The buckets of `validate --by`."""

    DAY = "day"
    HOUR = "hour"


# --- end of the site view's options. ---


class Common(msgspec.Struct, frozen=True):
    """What every log-reading command shares: the sources and the settings of the pass over them."""

    sources: list[Source]
    run: PassSettings


def _common(
    paths: list[str],
    since: str | None,
    until: str | None,
    types: list[MessageType] | None,
    users: list[str] | None,
    config: dict[str, Any],
    limits: dict[str, Any],
    selection: Selection = Selection(),
    example_limit: int = 3,
    endpoint_url: str | None = None,
    stdin_filename: str | None = None,
) -> Common:
    merged = {key: config.get(key.replace("_", "-")) for key in limits}
    merged.update({key: value for key, value in limits.items() if value is not None})
    try:
        limit_settings = Limits(**{key: value for key, value in merged.items() if value is not None})
    except (ValueError, TypeError) as error:
        raise UsageError(str(error)) from None
    filters = Filters(
        since=_time("--since", since),
        until=_time("--until", until),
        types=frozenset(kind.value for kind in types or ()),
        users=frozenset(users or ()),
    )
    if filters.since is not None and filters.until is not None and filters.since >= filters.until:
        raise UsageError(f"--since {since} is not before --until {until}: no event could be read")
    try:
        sources = resolve(paths, endpoint_url or None, Window(filters.since, filters.until))
    except InputError as error:
        raise UsageError(str(error)) from None
    if any(source.is_stdin for source in sources):
        if stdin_filename is not None:
            sources = [Source(stdin_filename) if source.is_stdin else source for source in sources]
        if sys.stdin.isatty():
            TALK.say(
                "hotjar-cli: reading Segment messages from the terminal (end with Ctrl-D); "
                "to read files, name them instead of -"
            )
    return Common(sources, PassSettings(limit_settings, filters, selection, example_limit))


def _config(config_path: Path | None) -> dict[str, Any]:
    path = config_path or find_config(Path.cwd())
    if path is None:
        TALK.detail("no pyproject.toml with [tool.hotjar-cli] here or above: default settings")
        return {}
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    TALK.detail(f"settings from {path}")
    return load_config(path)


def _time(option: str, text: str | None) -> Any:
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not an ISO-8601 date or time (for example 2020-04-10T21:07:00Z)"
        ) from None


def _limits(
    name_length: int | None,
    value_length: int | None,
    event_length: int | None,
    event_characters: str | None,
    max_attributes: int | None,
    max_events: int | None,
) -> dict[str, Any]:
    return {
        "max_attribute_name_length": name_length,
        "max_attribute_value_length": value_length,
        "max_event_name_length": event_length,
        "event_name_characters": event_characters,
        "max_attributes": max_attributes,
        "max_events": max_events,
    }


def _guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Turns the domain's exceptions into one line on stderr and exit 2, and the command's result into the exit code."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        global TALK
        TALK = Talk()  # until the command sets its own
        try:
            code = command(*args, **kwargs)
        except (UsageError, ConfigError, InputError, EngineError) as error:
            TALK.error(str(error))
            raise typer.Exit(EXIT_ERROR) from None
        except BrokenPipeError:
            # The reader of our output went away (`| head -1`): it has what it wanted, which is no failure.
            # (Left to click, a closed pipe exits 1.)
            _drop_stdout()
            raise typer.Exit(0) from None
        raise typer.Exit(code)

    return functools.wraps(command)(wrapper)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that flushing what is left of it at exit fails no more."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _talk(quiet: bool, verbose: bool, color: ColorMode) -> Talk:
    """The command's voice on stderr, from -q, -v and --color."""
    global TALK
    if quiet and verbose:
        raise UsageError("-q/--quiet and -v/--verbose cannot go together")
    TALK = Talk(Verbosity.QUIET if quiet else Verbosity.VERBOSE if verbose else Verbosity.NORMAL, color)
    return TALK


def _progress(label: str, sources: list[Source], wanted: bool | None) -> ContextManager[Any]:
    """A progress bar on stderr, as `Talk.shows_progress` decides; else nothing."""
    if not TALK.shows_progress(wanted):
        return contextlib.nullcontext()
    from hotjar_cli.cli.progress import RunProgress, total_bytes

    return RunProgress(label, total_bytes(sources), TALK.progress_console(wanted))


@commands.command()
@_guarded
def validate(
    paths: Paths,
    format: Annotated[
        Format, typer.Option("--format", "-f", metavar="FORMAT", help=f"Report format: {_choices(Format)}.")
    ] = Format.TEXT,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file instead of stdout (whole or not at all: written aside, then renamed).",
        ),
    ] = None,
    examples: Annotated[
        int | None, typer.Option(help="Examples shown per rule \\[default: 3].", show_default=False)
    ] = None,
    redact: Annotated[
        bool | None,
        typer.Option(
            "--redact/--no-redact",
            help="Mask trait and property values and user ids in every format.",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            metavar="LEVEL",
            help=f"Lowest severity that fails the run: {_choices(FailOn)} \\[default: error].",
            rich_help_panel="Gate",
            show_default=False,
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            help="Only these rules: codes, prefixes (HJ2) or names; repeatable or comma-separated.",
            rich_help_panel="Gate",
        ),
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Not these rules.", rich_help_panel="Gate")] = None,
    extend_select: Annotated[
        list[str] | None,
        typer.Option(help="Rules to add to those --select or the pyproject selects.", rich_help_panel="Gate"),
    ] = None,
    extend_ignore: Annotated[
        list[str] | None,
        typer.Option(help="Rules to ignore besides those --ignore or the pyproject ignores.", rich_help_panel="Gate"),
    ] = None,
    allow_empty: Annotated[
        bool | None,
        typer.Option(
            "--allow-empty/--no-allow-empty",
            help="Pass the gate when no event was read \\[default: an empty input fails it].",
            rich_help_panel="Gate",
            show_default=False,
        ),
    ] = None,
    max_rate: Annotated[
        list[str] | None,
        typer.Option(
            help="CODE=FRACTION: the rule fails the run only when more "
            f"than this share of events has it ({MISSING_USER_ID.code}=0.01 or {MISSING_USER_ID.code}=1%).",
            rich_help_panel="Gate",
        ),
    ] = None,
    since: Since = None,
    until: Until = None,
    type: Types = None,
    user: Users = None,
    max_attribute_name_length: NameLength = None,
    max_attribute_value_length: ValueLength = None,
    max_event_name_length: EventLength = None,
    event_name_characters: EventCharacters = None,
    max_attributes: MaxAttributes = None,
    max_events: MaxEvents = None,
    config: ConfigPath = None,
    stdin_filename: StdinFilename = None,
    progress: ProgressOption = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
    color: Color = ColorMode.AUTO,
    jobs: Jobs = None,
    engine: EngineOption = None,
    scheduler: Scheduler = None,
    endpoint_url: EndpointUrl = None,
    known_attributes: KnownAttributes = None,
    known_events: KnownEvents = None,
    by: Annotated[
        Resolution | None,
        typer.Option(
            help="Show the loss over time in buckets of event time, in "
            "the text and json reports (the html report shows it "
            "always, by day).",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Report what Hotjar would keep and lose of every event; exit 1 when the gate fails, 2 on bad input paths."""
    talk = _talk(quiet, verbose, color)
    file_config = _config(config)
    try:
        selection = Selection(
            _rule_list(select, extend_select, file_config, "select"),
            _rule_list(ignore, extend_ignore, file_config, "ignore"),
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    example_limit = _pick(examples, file_config.get("examples"), 3)  # the pyproject's type is checked on load
    if example_limit < 0:
        raise UsageError(f"examples {example_limit} must not be negative")
    common = _common(
        paths,
        since,
        until,
        type,
        user,
        file_config,
        _limits(
            max_attribute_name_length,
            max_attribute_value_length,
            max_event_name_length,
            event_name_characters,
            max_attributes,
            max_events,
        ),
        selection,
        example_limit,
        endpoint_url,
        stdin_filename,
    )
    common = _with_site_view(common, format, by, known_attributes, known_events)
    chosen = _engine(engine, scheduler, jobs)
    fail_level = FailOn(_pick(fail_on, file_config.get("fail-on"), FailOn.ERROR))  # checked on load
    gate = Gate(
        fail_level.severity,
        parse_rates(max_rate) or parse_rates(file_config.get("max-rate")),
        allow_empty=bool(_pick(allow_empty, file_config.get("allow-empty"), False)),
    )
    redacting = bool(_pick(redact, file_config.get("redact"), False))
    started = time.monotonic()
    with _open_output(output) as out:
        reporter = make_reporter(format, out, redacting, color.forced)
        lines = FindingLines(redacting) if reporter.streams else None
        with _progress("validate", common.sources, progress) as shown:
            summary = run_jobs(
                common.sources, common.run, _jobs(jobs), lines, out, shown, _with_progress(chosen, shown)
            )
        summary = _explained(summary, redacting)
        verdict = judge(summary, gate)
        reporter.finish(Report(summary, verdict, gate, redacting, by=by.value if by else "day"))
    _say_errors(summary)
    _say_done(talk, summary, started, chosen)
    return verdict.exit_code


def _rule_list(
    given: list[str] | None, extended: list[str] | None, file_config: dict[str, Any], key: str
) -> tuple[str, ...]:
    """--select (or --ignore), else the pyproject's list, plus --extend-select (or --extend-ignore) and the
    pyproject's extend- list. Extending an empty selection, which is every rule, leaves every rule."""
    base = split_list(given) or split_list(file_config.get(key))
    extra = split_list(extended) + split_list(file_config.get(f"extend-{key}"))
    if key == "select" and not base:
        return ()
    return base + tuple(item for item in extra if item not in base)


def _with_progress(engine: Engine, shown: Any) -> Engine:
    """The engine, its local processes sending their progress to the bar when one is shown."""
    if shown is None or not isinstance(engine, LocalEngine):
        return engine
    return LocalEngine(engine.jobs, shown.channel)


# --- The site view (issue 12): `inventory`, and what validate and replay share with it. ---
SITE_VIEW_FORMATS = frozenset({Format.HTML})
"""The validate formats that always show the loss over time; text and json show it with --by. Collecting it costs
about a third more time per event, which a CI gate that never reads it should not pay."""


def _with_site_view(
    common: Common,
    format: Format | None,
    by: "Resolution | None",
    known_attributes: Path | None,
    known_events: Path | None,
) -> Common:
    from hotjar_cli.core.views import View
    from hotjar_cli.run.one_pass import with_site_view
    from hotjar_cli.sources.names import site_names

    views = frozenset({View.TIMELINE}) if by is not None or format in SITE_VIEW_FORMATS else frozenset()
    if format is Format.HTML:
        views |= {View.INVENTORY}  # the page shows the budgets and the inventory too
    return Common(common.sources, with_site_view(common.run, views, site_names(known_attributes, known_events)))


@commands.command()
@_guarded
def inventory(
    paths: Paths,
    format: Annotated[
        InventoryFormat,
        typer.Option("--format", "-f", metavar="FORMAT", help=f"Inventory format: {_choices(InventoryFormat)}."),
    ] = InventoryFormat.TEXT,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the inventory to this file "
            "instead of stdout (whole or not at all: written aside, then "
            "renamed).",
        ),
    ] = None,
    redact: Annotated[
        bool | None,
        typer.Option("--redact/--no-redact", help="Mask event names a rule found fault with.", show_default=False),
    ] = None,
    since: Since = None,
    until: Until = None,
    type: Types = None,
    user: Users = None,
    max_attribute_name_length: NameLength = None,
    max_attribute_value_length: ValueLength = None,
    max_event_name_length: EventLength = None,
    event_name_characters: EventCharacters = None,
    max_attributes: MaxAttributes = None,
    max_events: MaxEvents = None,
    known_attributes: KnownAttributes = None,
    known_events: KnownEvents = None,
    config: ConfigPath = None,
    stdin_filename: StdinFilename = None,
    progress: ProgressOption = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
    color: Color = ColorMode.AUTO,
    jobs: Jobs = None,
    engine: EngineOption = None,
    scheduler: Scheduler = None,
    endpoint_url: EndpointUrl = None,
) -> int:
    """List every attribute and event name sent to Hotjar, its fate at the site's limits, and the budgets."""
    from hotjar_cli.cli.inventory import run_inventory

    talk = _talk(quiet, verbose, color)
    file_config = _config(config)
    common = _common(
        paths,
        since,
        until,
        type,
        user,
        file_config,
        _limits(
            max_attribute_name_length,
            max_attribute_value_length,
            max_event_name_length,
            event_name_characters,
            max_attributes,
            max_events,
        ),
        endpoint_url=endpoint_url,
        stdin_filename=stdin_filename,
    )
    common = _with_site_view(common, None, None, known_attributes, known_events)
    chosen = _engine(engine, scheduler, jobs)
    redacting = bool(_pick(redact, file_config.get("redact"), False))
    started = time.monotonic()
    with _open_output(output) as out, _progress("inventory", common.sources, progress) as shown:
        summary = run_inventory(
            common.sources, common.run, _jobs(jobs), _with_progress(chosen, shown), format, out, redacting, shown
        )
    _say_errors(summary)
    _say_done(talk, summary, started, chosen)
    return EXIT_ERROR if summary.errors else 0


# --- end of the site view's commands. ---


def _say_errors(summary: Summary) -> None:
    """Files that could not be read to their end, one line each on stderr, whatever the report format."""
    for error in summary.errors:
        TALK.error(f"{error.file}:{error.line}: {error.message}")


def _say_done(talk: Talk, summary: Summary, started: float, engine: Engine) -> None:
    """With -v: what was read, how, and how fast."""
    seconds = time.monotonic() - started
    where = (
        f"{engine.jobs} local process{'es' if engine.jobs != 1 else ''} at most"
        if isinstance(engine, LocalEngine)
        else "a Dask cluster"
    )
    talk.detail(
        f"read {summary.files:,} file{'s' if summary.files != 1 else ''}, {summary.lines:,} lines, "
        f"{summary.events:,} events in {seconds:.2f} s ({summary.events / seconds if seconds else 0:,.0f} "
        f"events/s) on {where}"
    )


def _engine(engine: EngineName | None, scheduler: str | None, jobs: int | None) -> Engine:
    """The engine the options name; dask is imported only when its cluster starts."""
    if scheduler is not None and engine is EngineName.LOCAL:
        raise UsageError("--scheduler is for --engine dask")
    if engine is EngineName.DASK or scheduler is not None:
        from hotjar_cli.run.dask_engine import DaskEngine

        return DaskEngine(_jobs(jobs), scheduler)
    return LocalEngine(_jobs(jobs))


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        return available_cores()
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return jobs


def _pick(cli: Any, configured: Any, default: Any) -> Any:
    return cli if cli is not None else configured if configured is not None else default


class _open_output:
    """stdout, or the file named by --output (created with its folders), written whole or not at all.

    The report is written to a temporary file beside the target and renamed over it once complete, so a run
    that is interrupted or fails leaves the previous report as it was, never a half-written one.
    """

    def __init__(self, path: Path | None) -> None:
        self.path, self.file = path, None
        self.temporary = Path()

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        import tempfile

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            self.file = open(handle, "w", encoding="utf-8")
            self.temporary = Path(name)
        except OSError as error:
            raise UsageError(f"{self.path}: {error.strerror or error}") from None
        return self.file

    def __exit__(self, kind: type[BaseException] | None, *exc: Any) -> None:
        if self.file is None:
            return
        self.file.close()
        if kind is not None:
            self.temporary.unlink(missing_ok=True)
            return
        try:
            # mkstemp makes the file readable by its owner only; the report gets the permissions a new file gets.
            umask = os.umask(0)
            os.umask(umask)
            self.temporary.chmod(0o666 & ~umask)
            os.replace(self.temporary, self.path)
        except OSError as error:
            self.temporary.unlink(missing_ok=True)
            raise UsageError(f"{self.path}: {error.strerror or error}") from None


def _explained(summary: Summary, redacting: bool) -> Summary:
    """Examples of spec problems, explained against Segment's JSON Schemas (off the hot path: examples only)."""
    if not any(code in summary.examples for code in EXPLAINED_CODES):
        return summary
    from hotjar_cli.report.explain import explain_line

    for code in EXPLAINED_CODES:
        if code in summary.examples:
            summary.examples[code] = [
                replace(example, explanation=explain_line(example.line_text, example.position.index, redact=redacting))
                for example in summary.examples[code]
            ]
    return summary


@commands.command()
@_guarded
def replay(
    paths: ReplayPaths = None,
    site_id: Annotated[
        str | None,
        typer.Option(
            help="The Hotjar site id (Account settings > Sites & Organizations).", rich_help_panel="Hotjar site"
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the calls that would be made; send nothing.")
    ] = False,
    format: Annotated[
        DryRunFormat, typer.Option("--format", "-f", metavar="FORMAT", help="Dry-run output format: jsonl.")
    ] = DryRunFormat.JSONL,
    page_url: Annotated[
        str | None,
        typer.Option(
            help="The site's own address; the replay page is served there by interception.",
            rich_help_panel="Hotjar site",
        ),
    ] = None,
    script_url: Annotated[
        str | None,
        typer.Option(
            help="Tracking script to load instead of Hotjar's (a staging or test copy).", rich_help_panel="Hotjar site"
        ),
    ] = None,
    browser_path: Annotated[
        Path | None,
        typer.Option(
            help="Chromium to drive \\[default: the system's chromium-headless-shell, else chromium].",
            rich_help_panel="Delivery",
            show_default=False,
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option(help="Browser workers, each one tab.", rich_help_panel="Delivery", min=1)
    ] = 16,
    rate: Annotated[
        float | None, typer.Option(help="At most this many calls per second.", rich_help_panel="Delivery")
    ] = None,
    retries: Annotated[
        int, typer.Option(help="Retries per user before dead-lettering.", rich_help_panel="Delivery", min=0)
    ] = 3,
    settle: Annotated[
        float,
        typer.Option(
            help="Seconds a page is watched for failed Hotjar requests after its calls ran.",
            rich_help_panel="Delivery",
            min=0,
        ),
    ] = 2.0,
    dead_letter: Annotated[
        Path | None,
        typer.Option(
            help="NDJSON file for the messages that could not be delivered (replay accepts it as input).",
            rich_help_panel="Delivery",
        ),
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            help="Record delivered users here; the same command run again skips them.", rich_help_panel="Delivery"
        ),
    ] = None,
    latest_traits: Annotated[
        bool,
        typer.Option(
            "--latest-traits",
            help="One identify per user with all its traits merged in time order (backfill after an outage).",
        ),
    ] = False,
    report: Annotated[
        ReplayReport | None,
        typer.Option("--report", metavar="FORMAT", help="json: print the delivery summary as JSON on stdout."),
    ] = None,
    show_values: Annotated[
        bool, typer.Option("--show-values", help="Allow progress and logs to print attribute values.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Only load the tracking page once, send nothing, and say "
            "whether Hotjar starts for the site and keeps user "
            "attributes.",
            rich_help_panel="Hotjar site",
        ),
    ] = False,
    give_up_after: Annotated[
        str,
        typer.Option(
            help="Stop when no delivery has succeeded for this long (90s, 10m, "
            "1h; 0 never); the users not sent are dead-lettered.",
            rich_help_panel="Delivery",
        ),
    ] = "10m",
    since: Since = None,
    until: Until = None,
    type: Types = None,
    user: Users = None,
    max_attribute_name_length: NameLength = None,
    max_attribute_value_length: ValueLength = None,
    max_event_name_length: EventLength = None,
    event_name_characters: EventCharacters = None,
    max_attributes: MaxAttributes = None,
    max_events: MaxEvents = None,
    config: ConfigPath = None,
    jobs: Jobs = None,
    engine: EngineOption = None,
    scheduler: Scheduler = None,
    endpoint_url: EndpointUrl = None,
    stdin_filename: StdinFilename = None,
    progress: ProgressOption = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
    color: Color = ColorMode.AUTO,
    known_attributes: KnownAttributes = None,
    known_events: KnownEvents = None,
) -> int:
    """Send the calls Hotjar accepts into Hotjar through a real browser, or print them with --dry-run."""
    _talk(quiet, verbose, color)
    if check:
        return _check_site(site_id, page_url, script_url, browser_path, report)
    settings = None
    if not dry_run:
        # Before reading the logs: a typo should not wait for a large archive.
        from hotjar_cli.replay import ReplaySetupError, check_settings
        from hotjar_cli.replay.settings import parse_duration

        try:
            give_up_seconds = parse_duration(give_up_after)
        except ValueError as error:
            raise UsageError(f"--give-up-after: {error}") from None
        settings = replace(
            _site(site_id, page_url, script_url, browser_path),
            concurrency=concurrency,
            rate=rate,
            retries=retries,
            settle_seconds=settle,
            dead_letter=dead_letter,
            checkpoint=checkpoint,
            latest_traits=latest_traits,
            report_json=report is ReplayReport.JSON,
            show_values=show_values,
            give_up_after_seconds=give_up_seconds,
            progress=TALK.shows_progress(progress),
            quiet=TALK.verbosity is Verbosity.QUIET,
        )
        try:
            check_settings(settings)
        except ReplaySetupError as error:
            raise UsageError(str(error)) from None
    if not paths:
        raise UsageError(
            "give the logs to replay (files, directories, globs, s3:// paths or - for stdin), or "
            "--check to only check the site"
        )
    common = _common(
        paths,
        since,
        until,
        type,
        user,
        _config(config),
        _limits(
            max_attribute_name_length,
            max_attribute_value_length,
            max_event_name_length,
            event_name_characters,
            max_attributes,
            max_events,
        ),
        endpoint_url=endpoint_url,
        stdin_filename=stdin_filename,
    )
    common = _with_site_view(common, None, None, known_attributes, known_events)
    chosen = _engine(engine, scheduler, jobs)
    if settings is None:
        if latest_traits:
            if not isinstance(chosen, LocalEngine):
                raise UsageError(
                    "--latest-traits merges each user's traits in one process: run this dry run without --engine dask"
                )
            return _dry_run_plan(common, progress)
        return _dry_run(common, _jobs(jobs), chosen, progress)
    if not isinstance(chosen, LocalEngine):
        raise UsageError("--engine dask runs validate and replay --dry-run; a replay sends from this machine")
    from hotjar_cli.replay import EventPlanner, ReplaySetupError, run_replay

    console = TALK.console
    try:
        planner = EventPlanner(settings.latest_traits)
        summary = run_pass(common.sources, common.run, planner)
        if summary.errors:
            _say_errors(summary)
            return EXIT_ERROR
        result = run_replay(planner.plan(), settings, console)
    except ReplaySetupError as error:
        raise UsageError(str(error)) from None
    for line in result.to_text().splitlines():
        console.print(visible(line), markup=False, highlight=False)
    if settings.report_json:
        sys.stdout.write(result.to_json() + "\n")
    return result.exit_code


def _site(
    site_id: str | None, page_url: str | None, script_url: str | None, browser_path: Path | None
) -> "ReplaySettings":
    import importlib.util

    from hotjar_cli.replay.settings import ReplaySettings

    if importlib.util.find_spec("playwright") is None:
        raise UsageError(
            f"replay drives Chromium with Playwright, which is not installed: {REPLAY_INSTALL_HINT} "
            "(--dry-run needs nothing more)"
        )
    if site_id is None or not site_id.strip().isdigit():
        raise UsageError(
            "--site-id is required and must be a number (Hotjar: Account settings > Sites & "
            "Organizations); use --dry-run to only see the calls"
        )
    if page_url is None:
        raise UsageError(
            "--page-url is required: the site's own address, where Hotjar's tracking code runs "
            "(for example https://www.example.com/)"
        )
    return ReplaySettings(site_id=int(site_id), page_url=page_url, script_url=script_url, browser_path=browser_path)


def _check_site(
    site_id: str | None,
    page_url: str | None,
    script_url: str | None,
    browser_path: Path | None,
    report: ReplayReport | None,
) -> int:
    """`replay --check`: the preflight alone; exit 0 when a replay with identify calls could deliver."""
    import json

    from hotjar_cli.replay import ReplaySetupError, check_site

    settings = _site(site_id, page_url, script_url, browser_path)
    try:
        found = check_site(settings)
    except ReplaySetupError as error:
        raise UsageError(str(error)) from None
    problem = found.refusal(settings.site_id, identifies=True) or found.unreachable
    if report is ReplayReport.JSON:
        sys.stdout.write(
            json.dumps({**asdict(found), "could_deliver": problem is None, "problem": problem}, indent=2) + "\n"
        )
        return 0 if problem is None else 1
    attributes = {
        True: "on",
        False: "off: Hotjar would drop every identify",
        None: "unknown" if found.script_loaded else "unknown (the script did not load)",
    }[found.user_attributes]
    lines = [
        f"site: {settings.site_id}"
        + (
            f" (the script holds the settings of site {found.site_id})"
            if found.site_id not in (None, settings.site_id)
            else ""
        ),
        f"script: {found.script_url} ({'loaded' if found.script_loaded else 'did not load'})",
        f"page: {found.page_url}",
        f"Hotjar started: {'yes' if found.started else 'no'}",
        f"Hotjar's client loaded: {'yes' if found.client_started else 'no'}",
        f"User Attributes: {attributes}",
    ]
    if problem is None:
        lines.append("verdict: a replay could deliver")
    elif found.refused is None and found.unreachable is None and found.user_attributes is False:
        lines.append(f"verdict: identify calls could not be delivered ({problem}); events could")
    else:
        lines.append(f"verdict: a replay could not deliver: {problem}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0 if problem is None else 1


def _dry_run(common: Common, jobs: int, engine: Engine, progress: bool | None) -> int:
    started = time.monotonic()
    with _progress("dry run", common.sources, progress) as shown:
        summary = run_jobs(
            common.sources,
            common.run,
            jobs,
            CallLines(),
            sys.stdout,
            observer=shown,
            engine=_with_progress(engine, shown),
        )
    calls = summary.calls
    not_sent = summary.events - summary.filtered - calls["identify"] - calls["event"]
    TALK.say(
        f"{calls['identify'] + calls['event']:,} calls ({calls['identify']:,} identify, "
        f"{calls['event']:,} event) from {summary.events:,} events; {not_sent:,} events make no call "
        f"(`hotjar-cli validate` says why)."
    )
    _say_errors(summary)
    _say_done(TALK, summary, started, engine)
    return EXIT_ERROR if summary.errors else 0


def _dry_run_plan(common: Common, progress: bool | None) -> int:
    """`--dry-run --latest-traits`: the calls in the order the replay makes them, user by user, merged."""
    from hotjar_cli.replay import EventPlanner

    planner = EventPlanner(latest_traits=True)
    with _progress("dry run", common.sources, progress) as shown:
        summary = run_pass(common.sources, common.run, planner, observer=shown)
    plan = planner.plan()
    encode = msgspec.json.encode
    for user in plan.users:
        for planned in user.calls:
            latest = planned.origins[-1]
            record = position_record(latest.position)
            record["messageId"] = latest.message_id
            record["user"] = None if user.key.startswith("\x00") else user.key
            record["merged"] = len(planned.origins)
            record["call"] = planned.args
            sys.stdout.write(visible_json(encode(record).decode()) + "\n")
    TALK.say(
        f"{plan.calls:,} calls for {len(plan.users):,} users from {summary.events:,} events, "
        "in the order the replay makes them (identify traits merged per user)."
    )
    _say_errors(summary)
    return EXIT_ERROR if summary.errors else 0


@commands.command("rules")
def list_rules(
    format: Annotated[
        RulesFormat, typer.Option("--format", "-f", metavar="FORMAT", help=f"Output format: {_choices(RulesFormat)}.")
    ] = RulesFormat.TEXT,
    color: Color = ColorMode.AUTO,
) -> None:
    """List every rule: code, name, severity, effect and message."""
    if format is RulesFormat.JSON:
        sys.stdout.write(
            msgspec.json.encode(
                [
                    {
                        "code": rule.code,
                        "name": rule.name,
                        "severity": rule.severity.value,
                        "effect": rule.effect.value,
                        "message": rule.message,
                        "confidence": rule.confidence,
                        "references": list(rule.references),
                    }
                    for rule in CATALOGUE
                ]
            ).decode()
            + "\n"
        )
        return
    if format is RulesFormat.MARKDOWN:
        sys.stdout.write(markdown_table())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_edge=False)
    for column in ("code", "name", "severity", "effect", "message"):
        # Codes, names, severities and effects are words to copy (--select takes names): never cut or wrapped.
        table.add_column(
            column,
            no_wrap=column != "message",
            min_width=max(len(getattr(rule, column, "")) for rule in CATALOGUE) if column in ("code", "name") else None,
        )
    for rule in CATALOGUE:
        table.add_row(rule.code, rule.name, rule.severity.value, rule.effect.value, rule.message)
    forced = color.forced
    if forced is None:
        Console(no_color="NO_COLOR" in os.environ).print(table)
    else:
        Console(force_terminal=forced or None, no_color=not forced, color_system="standard" if forced else None).print(
            table
        )


@commands.command("rule")
def show_rule(
    code: Annotated[
        str, typer.Argument(help=f"A rule code ({MISSING_USER_ID.code}) or name ({MISSING_USER_ID.name}).")
    ],
) -> None:
    """Explain one rule: what it does, why it matters, an example, what to do instead, source and confidence."""
    rule = find_rule(code)
    if rule is None:
        Talk().error(f"no rule {code!r} (see `hotjar-cli rules`)")
        raise typer.Exit(EXIT_ERROR)
    sys.stdout.write(rule.documentation())


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"hotjar-cli {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """See what Hotjar keeps of your Segment logs, gate CI on it, and replay the accepted calls into Hotjar."""


def main() -> None:
    """The `hotjar-cli` console script."""
    try:
        code = app(prog_name="hotjar-cli", standalone_mode=False)
    except click.UsageError as error:
        # One line, like every other error of ours, instead of the usage box. (No arguments at all printed
        # the help already.)
        command = error.ctx.command_path if error.ctx is not None else "hotjar-cli"
        if error.format_message():
            Talk().error(f"{error.format_message()} (see `{command} --help`)")
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        Talk().error(error.format_message())
        sys.exit(EXIT_ERROR)
    except (KeyboardInterrupt, click.exceptions.Abort):
        sys.exit(130)
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours.
        _drop_stdout()
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["MESSAGE_TYPES", "app", "main"]

# What the imports made lives as long as the process: out of the collector's sight from here on.
gc.freeze()
gc.enable()
