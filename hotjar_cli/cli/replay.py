"""`hotjar-cli replay`: send the calls Hotjar accepts into Hotjar through a real browser; `--dry-run` prints them,
`--check` only checks the site.

The replay package, and Playwright with it, is imported only by a replay that sends or checks, or that merges
traits: a dry run needs neither (given delivery options, it checks their values with the replay package's checks,
which import no Playwright).

Annotations here are evaluated when defined, not postponed (see `hotjar_cli.cli.options`).
"""

import importlib.util
import json
import logging
import sys
import time
from dataclasses import asdict, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hotjar_cli.cli.command import (
    beneath_progress,
    given_options,
    guarded,
    landing,
    not_read_besides,
    outside_the_inputs,
    progress_bar,
    result_known,
    say_done,
    say_errors,
    voice,
    with_progress,
)
from hotjar_cli.cli.main import ClosedOutput
from hotjar_cli.cli.options import (
    Color,
    ConfigPath,
    EndpointUrl,
    EngineOption,
    EventCharacters,
    EventLength,
    Jobs,
    KnownAttributes,
    KnownEvents,
    MaxAttributes,
    MaxEvents,
    NameLength,
    ProgressOption,
    Quiet,
    ReplayAllowEmpty,
    ReplayPaths,
    Scheduler,
    Since,
    StdinFilename,
    Types,
    Until,
    Users,
    ValueLength,
    Verbose,
    named_file,
)
from hotjar_cli.cli.settings import (
    Common,
    UsageError,
    add_site_view,
    allows_empty,
    build_engine,
    common_settings,
    job_count,
    limit_options,
    read_besides,
    read_config_file,
)
from hotjar_cli.cli.talk import ColorMode, Talk, Verbosity
from hotjar_cli.core.gate import EXIT_ERROR, nothing_to
from hotjar_cli.core.visible import given, visible
from hotjar_cli.report.dry_run import Merge, Repeated, dry_run_summary, read_counts
from hotjar_cli.report.jsonl_format import error_lines, json_line
from hotjar_cli.report.lines import CallLines, FirstCalls
from hotjar_cli.report.records import planned_call_record
from hotjar_cli.report.wording import listed
from hotjar_cli.report.workflow import inert
from hotjar_cli.run.collector import collector_paused
from hotjar_cli.run.one_pass import run_pass
from hotjar_cli.run.parallel import Engine, LocalEngine, run_jobs
from hotjar_cli.sources.source import STDIN

if TYPE_CHECKING:
    from hotjar_cli.replay.plan import Plan
    from hotjar_cli.replay.settings import ReplaySettings

REPLAY_INSTALL_HINT = "pip install 'hotjar-cli[replay]'"


class DryRunFormat(str, Enum):
    """The formats of `replay --dry-run`."""

    JSONL = "jsonl"


class ReplayReport(str, Enum):
    """The formats of `replay --report`."""

    JSON = "json"


@guarded
def replay(
    paths: ReplayPaths = None,
    site_id: Annotated[
        str | None,
        typer.Option(
            help="The Hotjar site id (Account settings > Sites & Organizations); needed unless --dry-run.",
            rich_help_panel="Hotjar site",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the calls that would be made; send nothing.")
    ] = False,
    format: Annotated[
        DryRunFormat,
        typer.Option("--format", "-f", metavar="FORMAT", case_sensitive=False, help="Dry-run output format: jsonl."),
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
            parser=named_file,
            metavar="PATH",
            help="Chromium to drive \\[default: the system's chromium-headless-shell, else chromium].",
            rich_help_panel="Delivery",
            show_default=False,
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option(help="Browser workers, each one tab.", rich_help_panel="Delivery", min=1)
    ] = 16,
    rate: Annotated[
        float | None,
        typer.Option(
            help="At most this many calls per second, one a day at the least \\[default: no limit].",
            rich_help_panel="Delivery",
            show_default=False,
        ),
    ] = None,
    retries: Annotated[
        int, typer.Option(help="Retries per user before dead-lettering.", rich_help_panel="Delivery", min=0)
    ] = 3,
    settle: Annotated[
        float,
        typer.Option(
            help="Seconds a page is watched for failed Hotjar requests after its calls ran, a day at most.",
            rich_help_panel="Delivery",
            min=0,
        ),
    ] = 2.0,
    dead_letter: Annotated[
        Path | None,
        typer.Option(
            parser=named_file,
            metavar="PATH",
            help="NDJSON file for the messages that could not be delivered (replay accepts it as input) \\[default: "
            "none: they are counted, not written].",
            rich_help_panel="Delivery",
            show_default=False,
        ),
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            parser=named_file,
            metavar="PATH",
            help="Record the calls delivered here, user by user; the same command run again sends only the rest.",
            rich_help_panel="Delivery",
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
        typer.Option(
            "--report",
            metavar="FORMAT",
            case_sensitive=False,
            help="json: print the delivery summary as JSON on stdout (with --dry-run: the plan's, nothing sent, "
            "in place of the calls).",
        ),
    ] = None,
    show_values: Annotated[
        bool,
        typer.Option(
            "--show-values",
            help="Name each user said to be dead-lettered by its user id on stderr (attribute values are never "
            "printed).",
        ),
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
    allow_empty: ReplayAllowEmpty = None,
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
    """Send the calls Hotjar accepts into Hotjar through a real browser, or print them with --dry-run.

    A call whose message repeats an earlier call's messageId is left out, as Segment de-duplicates on messageId.

    Exit 0 when every planned call was delivered, 1 when any was dead-lettered, 2 when it cannot do its job.

    Logs with no event to replay (none read, none the filters keep, only unreadable lines) exit 2 unless --allow-empty.

    Logs whose events all make no call to Hotjar (pages, rejected tracks) send nothing and exit 0.
    """
    talk = voice(quiet, verbose, color)
    if check:
        settings = site_settings(site_id, page_url, script_url, browser_path, check=True)
        given_with = (("the logs", bool(paths)), ("--dry-run", dry_run), ("--allow-empty", bool(allow_empty)))
        unused = [what for what, given in given_with if given]
        if unused:
            # Said, not refused: the look answers what was asked of it, but nothing of the logs is read or sent.
            talk.say(f"hotjar-cli: --check only looks at the site, so {listed(unused)} are not used")
        return preflight(settings, report)
    if not paths:
        # First: what is missing from the command, before what is missing from the machine (Playwright).
        raise UsageError(
            "give the logs to replay (files, directories, globs, s3:// paths or - for stdin), or "
            "--check to only check the site"
        )
    delivery = None
    unused = given_options(DELIVERY_OPTIONS) if dry_run else []
    if unused:
        # A replay's own command with --dry-run added is the way to look before sending: what the replay would refuse
        # is refused here too, and the options it would use are said (once the files they name are checked, below),
        # not refused.
        check_delivery_values(site_id, page_url, script_url, concurrency, rate, retries, settle, give_up_after)
    elif not dry_run:
        # Before reading the logs: a typo should not wait for a large archive.
        give_up_seconds = duration("--give-up-after", give_up_after)
        delivery = checked(
            replace(
                site_settings(site_id, page_url, script_url, browser_path),
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
                progress=talk.shows_progress(progress),
                quiet=talk.verbosity is Verbosity.QUIET,
            )
        )
    pyproject, pyproject_path = read_config_file(config, talk, paths)
    empty_allowed = allows_empty(allow_empty, pyproject)
    limits = limit_options(
        max_attribute_name_length,
        max_attribute_value_length,
        max_event_name_length,
        event_name_characters,
        max_attributes,
        max_events,
    )
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
        allow_empty=empty_allowed,
    )
    common = add_site_view(common, frozenset(), known_attributes, known_events, talk)
    # What the files a replay writes are among the files of the command is the command's own, checked on a dry run
    # too (what they need of the machine, a writable folder, only by a replay that sends): a dry run said all was
    # well of `--dead-letter events.jsonl` beside `events.jsonl`, and the replay refused it.
    besides = read_besides(known_attributes, known_events, pyproject_path)
    for option, written in (("--dead-letter", dead_letter), ("--checkpoint", checkpoint)):
        outside_the_inputs(option, written, paths, common.sources)
        not_read_besides(option, written, besides)
    if dry_run and dead_letter is not None and checkpoint is not None and landing(dead_letter) == landing(checkpoint):
        raise UsageError(
            f"--dead-letter and --checkpoint name the same file ({dead_letter}): each would overwrite the other"
        )
    if dry_run and unused:
        named = unused[0] if len(unused) == 1 else f"{', '.join(unused[:-1])} and {unused[-1]}"
        talk.say(f"hotjar-cli: --dry-run sends nothing, so {named} {'is' if len(unused) == 1 else 'are'} not used")
    if dry_run and report is None and pyproject.get("redact"):
        # The settings' `redact` masks the reports of validate and inventory: the calls printed here were the
        # users' own ids and values under it, without a word.
        talk.say(
            f"hotjar-cli: redact = true ({pyproject_path}) masks the reports of validate and inventory; --dry-run "
            "prints each call as Hotjar would receive it, user ids and values included"
        )
    chosen = build_engine(engine, scheduler, jobs)
    one_process = "a replay that sends" if delivery is not None else "--latest-traits" if latest_traits else "--report"
    if jobs is not None and (delivery is not None or latest_traits or report is not None):
        # Said, not refused: the answer is the same, as for any number of jobs; only the time it takes is not.
        talk.say(f"hotjar-cli: {one_process} plans each user's calls in one process, so --jobs is not used")
    if delivery is None and latest_traits:
        require_local(
            chosen, "--latest-traits merges each user's traits in one process: run this dry run without --engine dask"
        )
    if delivery is None and report is not None:
        require_local(chosen, "--report plans each user's calls in one process: run this dry run without --engine dask")
    if delivery is None and (latest_traits or report is not None):
        return print_plan(talk, common, progress, latest_traits, report, empty_allowed)
    if delivery is None:
        return print_calls(talk, common, job_count(jobs), chosen, progress, empty_allowed)
    require_local(chosen, "--engine dask runs validate and replay --dry-run; a replay sends from this machine")
    if delivery.report_json and isinstance(sys.stdout, ClosedOutput):
        # Known before the first user: refused once every call was sent, the run exited 2, and a wrapper that runs
        # it again on 2 sent every call again.
        raise UsageError("--report json: standard output is closed (the command was started without it)")
    return send(talk, common, delivery, progress, empty_allowed)


DELIVERY_OPTIONS = (
    "site_id",
    "page_url",
    "script_url",
    "browser_path",
    "concurrency",
    "rate",
    "retries",
    "settle",
    "dead_letter",
    "checkpoint",
    "give_up_after",
    "show_values",
)
"""The options of a replay that sends, which a dry run does not use."""


def require_local(engine: Engine, refusal: str) -> None:
    """Nothing, when the engine is this machine's processes; else `refusal` as a usage error."""
    if not isinstance(engine, LocalEngine):
        raise UsageError(refusal)


def duration(option: str, text: str) -> float:
    """A duration option (`90s`, `10m`, `1h`, `0`) in seconds."""
    from hotjar_cli.replay.settings import parse_duration

    try:
        return parse_duration(text)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def site_settings(
    site_id: str | None,
    page_url: str | None,
    script_url: str | None,
    browser_path: Path | None,
    check: bool = False,
) -> "ReplaySettings":
    """The settings of a replay of the site, or of its check (`check`): the site, its page, the script and the
    browser."""
    from hotjar_cli.replay.settings import ReplaySettings

    # What the command lacks comes before what the machine lacks: without --site-id, --dry-run may be what was meant,
    # unless the command is --check, which looks at a site and has no calls to show.
    if site_id is None:
        raise UsageError(
            "--site-id is required: the number Hotjar shows as the Site ID (Account settings > Sites & "
            + (
                "Organizations), the site --check looks at"
                if check
                else "Organizations); use --dry-run to only see the calls"
            )
        )
    number = site_number(site_id)
    if page_url is None:
        raise UsageError(
            "--page-url is required: the site's own address, where Hotjar's tracking code runs "
            "(for example https://www.example.com/)"
        )
    if importlib.util.find_spec("playwright") is None:
        raise UsageError(
            f"replay drives Chromium with Playwright, which is not installed: {REPLAY_INSTALL_HINT} "
            "(--dry-run needs nothing more)"
        )
    return ReplaySettings(
        site_id=number, page_url=page_address(page_url), script_url=script_url, browser_path=browser_path
    )


def site_number(site_id: str) -> int:
    """`--site-id` as a number; UsageError when it is none."""
    # ASCII digits alone: Unicode's digits include `²`, which int() refuses, and other scripts' digits.
    text = site_id.strip()
    if text.isascii() and text[:1] == "-" and text[1:].isdigit():
        raise UsageError(
            f"--site-id {given(site_id)} is negative: give the number Hotjar shows as the Site ID (Account "
            "settings > Sites & Organizations)"
        )
    if not (text.isascii() and text.isdigit()):
        raise UsageError(
            f"--site-id {given(site_id)} is no number: give the number Hotjar shows as the Site ID (Account "
            "settings > Sites & Organizations)"
        )
    from hotjar_cli.replay import MAX_SITE_ID

    if not 0 < int(text) <= MAX_SITE_ID:
        # Said as every other value is: it was said in the replay's own words, unlike any other.
        raise UsageError(
            f"--site-id {given(site_id)} is no Site ID (1 to {MAX_SITE_ID:,}): give the number Hotjar shows as the "
            "Site ID (Account settings > Sites & Organizations)"
        )
    return int(text)


def page_address(page_url: str) -> str:
    """`--page-url` as the browser asks for it, where the replay serves its page; UsageError when it is no address
    a browser can open."""
    from hotjar_cli.replay.settings import browser_url

    try:
        return browser_url(page_url)
    except ValueError as error:
        raise UsageError(f"--page-url {given(page_url)}: {error}") from None


def check_delivery_values(
    site_id: str | None,
    page_url: str | None,
    script_url: str | None,
    concurrency: int,
    rate: float | None,
    retries: int,
    settle: float,
    give_up_after: str,
) -> None:
    """A usage error for a value of the delivery options that a replay would refuse, on any machine, in the words the
    replay refuses it with: what the options need of the machine (Playwright, the browser, the folders of
    `--dead-letter` and `--checkpoint`) is looked at only by a replay that sends."""
    from hotjar_cli.replay import check_values

    check_values(
        site_id=None if site_id is None else site_number(site_id),
        page_url=None if page_url is None else page_address(page_url),
        script_url=script_url,
        concurrency=concurrency,
        rate=rate,
        retries=retries,
        settle_seconds=settle,
        give_up_after_seconds=duration("--give-up-after", give_up_after),
    )


def checked(settings: "ReplaySettings") -> "ReplaySettings":
    """The settings, once replay has found nothing in them that would stop it (ReplaySetupError otherwise)."""
    from hotjar_cli.replay import check_settings

    check_settings(settings)
    return settings


def send(talk: Talk, common: Common, settings: "ReplaySettings", progress: bool | None, allow_empty: bool) -> int:
    """Plan the accepted calls user by user, send them, and say what arrived; the delivery's exit code. Logs with
    nothing to replay in them (see `nothing_to`) stop it with exit 2 before the browser starts, unless
    `allow_empty`."""
    from hotjar_cli.replay import EventPlanner, run_replay

    planner = EventPlanner(settings.latest_traits, stdin_name=stdin_name(common))
    # Reading a large archive takes a while before the first user is sent: its progress is shown as a dry run's.
    with progress_bar(talk, "reading", common.sources, progress) as shown:
        summary = run_pass(common.sources, common.run, planner, observer=shown, on_left_out=planner.left_out)
    if summary.errors:
        say_errors(talk, summary)
        return EXIT_ERROR
    plan = planner.plan()
    say_unidentified(talk, plan)
    if not plan.users:
        # "0 planned" alone read as if the logs were lost: say what they held, as a dry run does.
        left_out = planner.repeats.left_out
        for line in dry_run_summary(
            summary, repeated=Repeated(left_out["identify"], left_out["event"], plan.first_repeated)
        ):
            talk.say(line)
    empty = nothing_to(summary, "replay", allow_empty)
    if empty is not None:
        # A backfill pointed at the wrong prefix, or filtered to nothing, sent nothing and exited 0 as a success.
        talk.error(empty)
        return EXIT_ERROR
    # asyncio's own warnings reach a terminal through logging's last resort: Ctrl-C as the browser started printed
    # "Loop <_UnixSelectorEventLoop running=False closed=True ...> that handles pid 20968 is closed".
    logging.getLogger("asyncio").setLevel(logging.ERROR)
    result = run_replay(plan, settings, talk.console, sources=common.sources)
    for line in result.text_lines():  # a line end in a file name escaped, not a line of its own
        talk.console.print(visible(line), markup=False, highlight=False)
    if settings.report_json:
        with result_known(result.exit_code):
            inert("json", sys.stdout).write(replace(result, **read_counts(summary)).to_json() + "\n")
    return result.exit_code


def stdin_name(common: Common) -> str:
    """The name standard input goes by in the run's positions (`--stdin-filename`), `-` when it is not read."""
    return next((source.name for source in common.sources if source.is_stdin), STDIN)


def say_unidentified(talk: Talk, plan: "Plan") -> None:
    """A line on the users whose events will belong to no Hotjar user, as the filters left out their identifies."""
    if plan.unidentified:
        users = "1 user's" if plan.unidentified == 1 else f"{plan.unidentified:,} users'"
        talk.say(
            f"hotjar-cli: {users} events will belong to no Hotjar user: the filters left out all of "
            f"{'their' if plan.unidentified > 1 else 'its'} identifies, and an event belongs to a user only after an "
            "identify in the same visit"
        )


def print_calls(talk: Talk, common: Common, jobs: int, engine: Engine, progress: bool | None, allow_empty: bool) -> int:
    """`--dry-run`: every call in input order on stdout, as one JSON line each; 2 when a file could not be read, or
    when the logs hold nothing to replay, as the replay would stop (unless `allow_empty`)."""
    started = time.monotonic()
    with progress_bar(talk, "dry run", common.sources, progress) as shown:
        # The lines reach stdout in input order, less the calls a replay leaves out for repeating a messageId.
        first_calls = FirstCalls(beneath_progress(inert("jsonl", sys.stdout), shown))
        summary = run_jobs(
            common.sources,
            common.run,
            jobs,
            CallLines(),
            first_calls,  # type: ignore[arg-type]  # a text stream in all that a pass writes with
            observer=shown,
            engine=with_progress(engine, shown),
        )
        first_calls.write(error_lines(summary.errors))
        first_calls.flush()
    left_out = first_calls.repeats.left_out
    for line in dry_run_summary(summary, repeated=Repeated(left_out["identify"], left_out["event"], first_calls.first)):
        talk.say(line)
    types = common.run.filters.types
    if types and "identify" not in types and summary.calls["event"]:
        # Said for all: the lines stream, and which users the logs identify elsewhere is not held (see `send`).
        talk.say(
            "hotjar-cli: --type leaves out every identify, so no event here would belong to a Hotjar user: an event "
            "belongs to a user only after an identify in the same visit"
        )
    say_errors(talk, summary)
    empty = nothing_to(summary, "replay", allow_empty)
    if empty is not None:
        talk.error(empty)
    say_done(talk, summary, started, engine)
    return EXIT_ERROR if summary.errors or empty is not None else 0


def print_plan(
    talk: Talk,
    common: Common,
    progress: bool | None,
    latest_traits: bool,
    report: ReplayReport | None,
    allow_empty: bool,
) -> int:
    """`--dry-run` planned as a replay plans it: with `--latest-traits`, the calls in the order the replay makes them,
    user by user, merged; with `--report json`, in their place, the report a replay of them starts from. Logs with
    nothing to replay in them give no report, and exit 2, as the replay would stop (unless `allow_empty`)."""
    from hotjar_cli.replay import EventPlanner, dry_run_report

    planner = EventPlanner(latest_traits, keep_times=report is None, stdin_name=stdin_name(common))
    with progress_bar(talk, "dry run", common.sources, progress) as shown:
        summary = run_pass(common.sources, common.run, planner, observer=shown, on_left_out=planner.left_out)
    plan = planner.plan()
    say_unidentified(talk, plan)
    empty = nothing_to(summary, "replay", allow_empty)
    code = EXIT_ERROR if summary.errors or empty is not None else 0
    out = inert("jsonl", sys.stdout)
    with result_known(code), collector_paused():  # a record a call, none holding a cycle
        if report is None:
            for user in plan.users:
                for planned in user.calls:
                    latest = planned.latest
                    merged = len(planned.origins) if planned.call.kind == "identify" else None
                    record = planned_call_record(
                        latest.position, latest.message_id, user.user, latest.timestamp, planned.args, merged
                    )
                    out.write(json_line(record))
            out.write(error_lines(summary.errors))
        elif code == 0:  # as a replay would: nothing is planned from logs that could not all be read, or held nothing
            out.write(replace(dry_run_report(plan), **read_counts(summary)).to_json() + "\n")
        out.flush()
    merge = None
    if latest_traits:
        identify_calls = sum(1 for user in plan.users for planned in user.calls if planned.call.kind == "identify")
        merge = Merge(users=len(plan.users), identify_calls=identify_calls)
    left_out = planner.repeats.left_out
    repeated = Repeated(left_out["identify"], left_out["event"], plan.first_repeated)
    for line in dry_run_summary(summary, merge, repeated):
        talk.say(line)
    say_errors(talk, summary)
    if empty is not None:
        talk.error(empty)
    return code


def preflight(settings: "ReplaySettings", report: ReplayReport | None) -> int:
    """`replay --check`: the preflight alone; exit 0 when a replay with identify calls could deliver."""
    from hotjar_cli.replay import check_site

    found = check_site(settings)
    problem = found.refusal(settings.site_id, identifies=True) or found.unreachable
    if report is ReplayReport.JSON:
        # The site checked, as the text's `site:` says it, and apart from it the site whose settings the script holds.
        shown = asdict(found)
        script_site_id = shown.pop("site_id")
        document = {
            "site_id": settings.site_id,
            "script_site_id": script_site_id,
            **shown,
            "could_deliver": problem is None,
            "problem": problem,
        }
        inert("json", sys.stdout).write(json.dumps(document, indent=2) + "\n")
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
        "Hotjar started: "
        + (
            "yes"
            if found.started
            else f"for site {found.site_id}, not this one"
            if found.site_id not in (None, settings.site_id) and found.script_site_started
            else "no"
        ),
        f"Hotjar's client loaded: {'yes' if found.client_started else 'no'}",
        f"User Attributes: {attributes}",
    ]
    if problem is None:
        lines.append("verdict: a replay could deliver")
    elif found.refused is None and found.unreachable is None and found.user_attributes is False:
        lines.append(f"verdict: identify calls could not be delivered ({problem}); events could")
    else:
        lines.append(f"verdict: a replay could not deliver: {problem}")
    # Addresses as given: no escape acts, and none makes a line a CI workflow command.
    inert("text", sys.stdout).write("\n".join(visible(line) for line in lines) + "\n")
    return 0 if problem is None else 1
