"""`hotjar-cli inventory`: the site's attribute and event names and its budgets, over any engine.

The command reads the logs exactly as `validate` does (the same units, site-limit passes and ordered merge), with
the inventory collected beside the summary, and writes it in the chosen format.

Annotations here are evaluated when defined, not postponed (see `hotjar_cli.cli.options`).
"""

import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from hotjar_cli.cli.command import (
    guarded,
    open_output,
    output_path,
    progress_bar,
    result_known,
    say_by_not_used,
    say_charts_left_out,
    say_done,
    say_errors,
    say_format_for,
    set_aside_after,
    voice,
    with_progress,
)
from hotjar_cli.cli.options import (
    Color,
    ConfigPath,
    EndpointUrl,
    EngineOption,
    EventCharacters,
    EventLength,
    InventoryAllowEmpty,
    Jobs,
    KnownAttributes,
    KnownEvents,
    MaxAttributes,
    MaxEvents,
    NameLength,
    Paths,
    ProgressOption,
    Quiet,
    Resolution,
    Scheduler,
    Since,
    StdinFilename,
    Types,
    Until,
    Users,
    ValueLength,
    Verbose,
    choices,
)
from hotjar_cli.cli.settings import (
    Common,
    add_site_view,
    allows_empty,
    build_engine,
    common_settings,
    job_count,
    limit_options,
    pick,
    read_besides,
    read_config_file,
)
from hotjar_cli.cli.talk import ColorMode, Talk
from hotjar_cli.core.gate import EXIT_ERROR, nothing_to
from hotjar_cli.core.views import View
from hotjar_cli.report.inventory_formats import WRITERS, InventoryFormat, write_csv, write_html, write_text
from hotjar_cli.report.records import inventory_document
from hotjar_cli.report.site_view import no_message_words
from hotjar_cli.report.wording import counted
from hotjar_cli.report.workflow import inert
from hotjar_cli.run.collector import collector_paused
from hotjar_cli.run.parallel import Engine, run_jobs


@guarded
def inventory(
    paths: Paths,
    format: Annotated[
        InventoryFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            case_sensitive=False,
            help=f"Inventory format: {choices(InventoryFormat)}.",
        ),
    ] = InventoryFormat.TEXT,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the inventory to this file instead of stdout (`-`): whole or not at all, written aside and "
            "then renamed; never over an input. Missing folders on its path are created. A device or named pipe is "
            "written through.",
        ),
    ] = None,
    redact: Annotated[
        bool | None,
        typer.Option(
            "--redact/--no-redact",
            help="Mask event names a rule found fault with, and attribute names that hold an email address, an "
            "id or the like.",
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        Resolution | None,
        typer.Option(
            help="The buckets of event time the html page's charts are drawn in \\[default: day].",
            show_default=False,
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
    known_attributes: KnownAttributes = None,
    known_events: KnownEvents = None,
    config: ConfigPath = None,
    stdin_filename: StdinFilename = None,
    allow_empty: InventoryAllowEmpty = None,
    progress: ProgressOption = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
    color: Color = ColorMode.AUTO,
    jobs: Jobs = None,
    engine: EngineOption = None,
    scheduler: Scheduler = None,
    endpoint_url: EndpointUrl = None,
) -> int:
    """List every attribute and event name sent to Hotjar, its fate at the site's limits, and the budgets; exit 0,
    or 2 when it cannot do its job (usage, unreadable input, nowhere to write), or has no event to list (unless
    --allow-empty)."""
    talk = voice(quiet, verbose, color)
    pyproject, pyproject_path = read_config_file(config, talk, paths)
    limits = limit_options(
        max_attribute_name_length,
        max_attribute_value_length,
        max_event_name_length,
        event_name_characters,
        max_attributes,
        max_events,
    )
    empty_allowed = allows_empty(allow_empty, pyproject)
    common = common_settings(
        talk,
        pyproject,
        paths,
        since,
        until,
        type,
        user,
        limits,
        endpoint_url=endpoint_url,
        stdin_filename=stdin_filename,
        skip_after_window=False,
        allow_empty=empty_allowed,
    )
    if by is not None and format is not InventoryFormat.HTML:
        say_by_not_used(talk, format.value)
    settings = InventorySettings(
        common=add_site_view(common, inventory_views(format), known_attributes, known_events, talk),
        engine=build_engine(engine, scheduler, jobs),
        jobs=job_count(jobs),
        format=format,
        output=output_path(
            output, common.sources, read_besides(known_attributes, known_events, pyproject_path), format.value == "html"
        ),
        redact=bool(pick(redact, pyproject.get("redact"), False)),
        color=color.forced,
        progress=progress,
        allow_empty=empty_allowed,
        by=by.value if by is not None else "day",
    )
    return execute(settings, talk)


@dataclass(frozen=True)
class InventorySettings:
    """What `inventory` runs with, once its options and the pyproject are merged."""

    common: Common
    engine: Engine
    jobs: int
    format: InventoryFormat
    output: Path | None
    redact: bool
    color: bool | None
    """Colour in the text inventory: as `Reporter.color`."""
    progress: bool | None
    allow_empty: bool = False
    """Whether an input with no event to list (none read, none the filters keep, none but unreadable lines) passes."""
    by: str = "day"
    """The buckets of event time the html page's charts are drawn in (`Resolution`)."""


def execute(settings: InventorySettings, talk: Talk) -> int:
    """Read the logs, write the inventory, say how it went; 2 when a file could not be read to its end, or when
    there was no event to list (`nothing_to`) and `allow_empty` does not pass that, else 0."""
    sources, run = settings.common.sources, settings.common.run
    started = time.monotonic()
    with open_output(settings.output) as out:
        # Nothing is written while the pass runs: the inventory is whole only at its end, once the bar is gone.
        with progress_bar(talk, "inventory", sources, settings.progress) as shown, set_aside_after(settings.engine):
            summary = run_jobs(
                sources, run, settings.jobs, None, io.StringIO(), shown, with_progress(settings.engine, shown)
            )
        # An export pointed at the wrong prefix, or a file of another kind, listed no name and exited 0. The
        # inventory is written all the same, as validate writes its report: it says what the input held.
        empty = nothing_to(summary, "list", settings.allow_empty)
        code = EXIT_ERROR if summary.errors or empty is not None else 0
        with result_known(code), collector_paused():
            document = inventory_document(summary, settings.redact, run.limits, settings.by)
            escaped = 0
            # A file named by -o holds the names exactly: no terminal reads it. A terminal named by -o (/dev/tty,
            # /dev/stdout on one) is written through, and acts on them as standard output's would.
            terminal = settings.output is not None and out.isatty()
            exact = settings.output is not None and not terminal
            written = out if exact and settings.format is InventoryFormat.CSV else inert(settings.format.value, out)
            if settings.format is InventoryFormat.CSV:
                escaped = write_csv(document, written, exact=exact)
            elif settings.format is InventoryFormat.TEXT:
                write_text(document, written, color=settings.color)
            elif settings.format is InventoryFormat.HTML:
                write_html(document, written, settings.by)
            else:
                WRITERS[settings.format](document, written)
            written.flush()
    if escaped:
        talk.say(
            f"hotjar-cli: {counted(escaped, 'name')} {'holds' if escaped == 1 else 'hold'} characters the CSV "
            f"{'written to a terminal' if terminal else 'on standard output'} writes as \\uXXXX escapes, so that "
            "no terminal acts on them; -o FILE writes every name exactly"
        )
    no_message = no_message_words(document)
    if no_message is not None and settings.format is InventoryFormat.CSV:
        talk.say(f"hotjar-cli: {no_message}")  # the CSV is a table of names: this has no row in it
    say_format_for(talk, settings.output, settings.format.value, [choice.value for choice in InventoryFormat])
    say_charts_left_out(talk, settings.format.value)
    say_errors(talk, summary)
    if empty is not None:
        talk.error(empty)
    say_done(talk, summary, started, settings.engine)
    return code


def inventory_views(format: InventoryFormat) -> frozenset[View]:
    """The site view an inventory needs: the inventory, and the timeline for the html page's charts."""
    if format is InventoryFormat.HTML:
        return frozenset({View.INVENTORY, View.TIMELINE})
    return frozenset({View.INVENTORY})
