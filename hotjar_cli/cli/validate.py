"""`hotjar-cli validate`: what Hotjar would keep and lose of every event, as a report, and a gate for CI.

Annotations here are evaluated when defined, not postponed (see `hotjar_cli.cli.options`).
"""

import os
import stat
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, TextIO, cast

import typer

from hotjar_cli.cli.command import (
    ReaderGone,
    beneath_progress,
    given_options,
    guarded,
    landing,
    named_error,
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
from hotjar_cli.cli.config import parse_rates
from hotjar_cli.cli.main import ClosedOutput
from hotjar_cli.cli.options import (
    AllowEmpty,
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
    RuleSelection,
    UsageError,
    add_site_view,
    allows_empty,
    build_engine,
    common_settings,
    job_count,
    limit_options,
    pick,
    read_besides,
    read_config_file,
    rule_selection,
)
from hotjar_cli.cli.talk import ColorMode, Talk
from hotjar_cli.core.gate import EXIT_CLEAN, EXIT_FINDINGS, FailOn, Gate, Verdict, judge
from hotjar_cli.core.rules import CATALOGUE, MISSING_USER_ID
from hotjar_cli.core.summary import Summary
from hotjar_cli.core.views import View
from hotjar_cli.report import Format, Report, Reporter, make_reporter
from hotjar_cli.report.lines import FindingLines
from hotjar_cli.report.workflow import inert
from hotjar_cli.run.collector import collector_paused
from hotjar_cli.run.parallel import Engine, run_jobs
from hotjar_cli.sources.source import Source


@guarded
def validate(
    paths: Paths,
    format: Annotated[
        Format,
        typer.Option(
            "--format", "-f", metavar="FORMAT", case_sensitive=False, help=f"Report format: {choices(Format)}."
        ),
    ] = Format.TEXT,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to this file instead of stdout (`-`): whole or not at all, written aside and then "
            "renamed; never over an input. Missing folders on its path are created. A device or named pipe is written "
            "through.",
        ),
    ] = None,
    also: Annotated[
        list[str] | None,
        typer.Option(
            "--also",
            metavar="FORMAT=FILE",
            help="Also write the report in another format to FILE, from the same reading of the logs; repeatable "
            "(--also markdown=summary.md --also junit=hotjar.xml). Each FILE is written as -o writes; `-` is "
            "standard output, when -o names a file. Not jsonl, which is written as the logs are read: give it as "
            "--format.",
            show_default=False,
        ),
    ] = None,
    examples: Annotated[
        int | None, typer.Option(help="Examples shown per rule \\[default: 3].", show_default=False)
    ] = None,
    redact: Annotated[
        bool | None,
        typer.Option(
            "--redact/--no-redact",
            help="Mask trait and property values, user ids, and names that hold an email address, an id or the "
            "like, in every format.",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            metavar="LEVEL",
            help=f"Lowest severity that fails the run: {choices(FailOn)} \\[default: error]. A rule given a "
            "--max-rate fails it only past that rate, even with never.",
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
    allow_empty: AllowEmpty = None,
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
            help="The buckets of event time the loss over time is shown in (text, json and html reports, and "
            "markdown when given) \\[default: day].",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Report what Hotjar would keep and lose of every event; exit 1 when the gate fails, 2 when it cannot do its
    job (usage, unreadable input, nowhere to write)."""
    talk = voice(quiet, verbose, color)
    also_reports = [also_format(given) for given in also or []]
    formats = [format, *(each for each, _ in also_reports)]
    pyproject, pyproject_path = read_config_file(config, talk, paths)
    rules = rule_selection(select, ignore, extend_select, extend_ignore, pyproject, talk, pyproject_path)
    example_limit = example_count(examples, pyproject)
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
        rules.selection,
        example_limit,
        endpoint_url,
        stdin_filename,
        skip_after_window=Format.HTML not in formats,  # the page holds the inventory
        allow_empty=allows_empty(allow_empty, pyproject),
    )
    unused_options(formats, by, talk, example_limit)
    read = read_besides(known_attributes, known_events, pyproject_path)
    main_output = output_path(output, common.sources, read, format.value == "html")
    settings = ValidateSettings(
        common=add_site_view(common, site_views(formats, by), known_attributes, known_events, talk),
        engine=build_engine(engine, scheduler, jobs),
        jobs=job_count(jobs),
        gate=build_gate(fail_on, max_rate, allow_empty, pyproject, rules, talk),
        format=format,
        output=main_output,
        also=also_outputs(also_reports, main_output, common.sources, read),
        redact=bool(pick(redact, pyproject.get("redact"), False)),
        color=color.forced,
        by=by,
        progress=progress,
    )
    return execute(settings, talk)


@dataclass(frozen=True)
class ValidateSettings:
    """What `validate` runs with, once its options and the pyproject are merged."""

    common: Common
    engine: Engine
    jobs: int
    gate: Gate
    format: Format
    output: Path | None
    also: list[tuple[Format, Path | None]]
    """`--also`: each further report's format and file (None: standard output)."""
    redact: bool
    color: bool | None
    """Colour in the text report: as `Reporter.color`."""
    by: Resolution | None
    progress: bool | None


def execute(settings: ValidateSettings, talk: Talk) -> int:
    """Read the logs, write the report, say how it went; the gate's exit code."""
    sources, run = settings.common.sources, settings.common.run
    started = time.monotonic()
    with ExitStack() as outputs:
        # Every file is opened before the logs are read: one that cannot be written stops the run before the pass.
        out = inert(settings.format.value, outputs.enter_context(open_output(settings.output)))
        outlived = Outlived(out) if settings.also else None
        if outlived is not None:
            out = cast("TextIO", outlived)
        reporter = build_reporter(settings, out)
        writers = [(reporter, out, settings.output)]
        for format, path in settings.also:
            stream = inert(format.value, outputs.enter_context(open_output(path)))
            writers.append((make_reporter(format, stream, settings.redact, settings.color), stream, path))
        lines = FindingLines(settings.redact) if reporter.streams else None
        with progress_bar(talk, "validate", sources, settings.progress) as shown, set_aside_after(settings.engine):
            try:
                summary = run_jobs(
                    sources,
                    run,
                    settings.jobs,
                    lines,
                    beneath_progress(out, shown),
                    shown,
                    with_progress(settings.engine, shown),
                    prepare_explanations,
                )
            except OSError as error:
                if lines is None:
                    raise
                raise named_error(error, settings.output) from None  # the lines streamed (jsonl) as they are found
        summary = explained(summary, settings.redact)
        verdict = judge(summary, settings.gate)
        by = settings.by.value if settings.by else "day"
        with result_known(verdict.exit_code), collector_paused():
            report = Report(
                summary,
                verdict,
                settings.gate,
                settings.redact,
                by=by,
                by_given=settings.by is not None,
                limits=run.limits,
                site_names=run.site_names,
                selected=run.selected,
            )
            gone = False  # the reader of standard output (or of a pipe -o names) went away
            for writer, stream, path in writers:
                try:
                    writer.finish(report)
                    stream.flush()  # a full disk found now, before any file is put in place: all of them or none
                except BrokenPipeError:
                    # `| head -1`: that reader has what it wanted. The other reports are still written: unwound with
                    # the error, they were all left unwritten, the previous ones in place, and nothing said so.
                    gone = True
                except OSError as error:
                    raise named_error(error, path) from None
    if gone or (outlived is not None and outlived.gone):
        raise ReaderGone(verdict.exit_code)  # the command ends with its verdict, quietly
    say_errors(talk, summary)
    say_no_rules_over_time(talk, [settings.format, *(format for format, _ in settings.also)], settings.by, summary)
    say_format_for(talk, settings.output, settings.format.value, [choice.value for choice in Format])
    for format, path in settings.also:
        say_format_for(talk, path, format.value, [choice.value for choice in Format], asked=True)
    if any(format is Format.HTML for format in (settings.format, *(format for format, _ in settings.also))):
        say_charts_left_out(talk, "html")
    say_verdict(talk, verdict, settings.output)
    say_done(talk, summary, started, settings.engine)
    return verdict.exit_code


class Outlived:
    """The report on standard output when others (`--also`) are written from the same reading: a reader that goes
    away (`| head -1`) while the lines of a streaming format (jsonl) are written stops them, not the reading, so that
    the other reports are whole. The lines' reader going stopped the run, and the other files were never written,
    without a word."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self.gone = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def say_no_rules_over_time(talk: Talk, formats: list[Format], by: Resolution | None, summary: Summary) -> None:
    """`--by` given for a text or markdown report of logs no rule found anything in: its table over time is of rules, so
    it shows none, and nothing said why (the JSON and HTML reports chart the outcomes whatever). It names the table
    alone: the report may still show spans of event time without events, which "no loss over time" contradicted."""
    tables = [format.value for format in (Format.TEXT, Format.MARKDOWN) if format in formats]
    if by is None or summary.rules or not tables or {Format.JSON, Format.HTML}.intersection(formats):
        return
    table = "no table of when each rule occurs"
    reports = f"{' and '.join(tables)} report{'s have' if len(tables) > 1 else ' has'}"
    talk.say(f"hotjar-cli: no rule found anything, so the {reports} {table} (--by {by.value})")


def say_verdict(talk: Talk, verdict: Verdict, output: Path | None) -> None:
    """The gate's verdict in one line, on a terminal, when the report went elsewhere (`-o FILE`, a pipe): a run
    that exits 1 says why where its user is looking. Off a terminal (a CI job's log, a script), only a gate failed by
    the findings of a report written to a file is said: the job's log showed a red step and not a word of why
    (`--format junit -o hotjar.xml`), where a passed gate needs no word, and a file that could not be read has its
    own line."""
    if output is None and sys.stdout.isatty():
        return  # the report itself is on the terminal
    if not talk.on_terminal and (output is None or verdict.exit_code != EXIT_FINDINGS):
        return
    where = f"; the report is in {output}" if output is not None and _holds_a_report(output) else ""
    if verdict.exit_code == EXIT_CLEAN:
        talk.say(f"Gate passed{where}.")
        return
    more = len(verdict.reasons) - 1
    reasons = (verdict.reasons[0] if verdict.reasons else "") + (
        f", and {more} more reason{'s' if more != 1 else ''}" if more > 0 else ""
    )
    talk.say(f"Gate failed (exit {verdict.exit_code}): {reasons}{where}.")


def _holds_a_report(output: Path) -> bool:
    """Whether a report written to `output` can be read there afterwards: a file, not a device (`/dev/null`) or a
    pipe, of which "the report is in /dev/null" said nothing of use."""
    try:
        return stat.S_ISREG(output.stat().st_mode)
    except OSError:
        return False


def build_reporter(settings: ValidateSettings, out: TextIO) -> Reporter:
    """The reporter of `--format`, writing to `out`."""
    return make_reporter(settings.format, out, settings.redact, settings.color)


def example_count(examples: int | None, pyproject: dict[str, Any]) -> int:
    """`--examples`, else the pyproject's, else 3 (the pyproject's is checked as it is read: `load_config`)."""
    count: int = pick(examples, pyproject.get("examples"), 3)
    if count < 0:
        raise UsageError(f"--examples {count}: must not be negative")
    return count


def build_gate(
    fail_on: FailOn | None,
    max_rate: list[str] | None,
    allow_empty: bool | None,
    pyproject: dict[str, Any],
    rules: RuleSelection,
    talk: Talk,
) -> Gate:
    """When the run fails: `--fail-on`, `--max-rate` and `--allow-empty`, else the pyproject's.

    A maximum rate of a rule the selection leaves out is said and left out of the gate: the run never counts that
    rule, so it could never fail by it, and a verdict listing it would tell a reviewer it was checked."""
    fail_level = FailOn(pick(fail_on, pyproject.get("fail-on"), FailOn.ERROR))  # checked on load
    rates = parse_rates(max_rate, "--max-rate") or parse_rates(pyproject.get("max-rate"))
    for code in [code for code in rates if not rules.selection(code)]:
        del rates[code]
        said = "--max-rate" if max_rate else "max-rate in the pyproject"
        talk.say(f"hotjar-cli: {said} for {code} is not checked: {rules.left_out(code)}")
    return Gate(fail_level.severity, rates, allow_empty=allows_empty(allow_empty, pyproject))


SITE_VIEW_FORMATS = frozenset({Format.TEXT, Format.JSON, Format.HTML})
"""The formats that show the loss over time always (by day unless --by says otherwise)."""
BY_ONLY_FORMATS = frozenset({Format.MARKDOWN})
"""The formats that show it only with --by, which collects it: a CI step's summary stays as short as it was, and
`benchmarks/throughput.py` measures its cost so, the markdown report otherwise alike. The others never show it, and
say so of --by (`unused_options`)."""


def unused_options(formats: list[Format], by: Resolution | None, talk: Talk, example_limit: int = 0) -> None:
    """Say which options the command line gives that the formats (`--format`, then each `--also`) do not use, or use
    only in part (`example_limit`, the examples a rule asked for): it goes on, as `replay --dry-run` does with the
    options of a delivery."""
    if formats == [Format.JSONL] and given_options(("examples",)):
        talk.say("hotjar-cli: --format jsonl lists every finding, so --examples is not used")
    if Format.HTML in formats:
        from hotjar_cli.report.html_format import EXAMPLES  # the page's bound, kept so that its size stays bounded

        if example_limit > EXAMPLES:
            asked = (
                f"--examples {example_limit}"
                if given_options(("examples",))
                else f"examples = {example_limit} in the pyproject"
            )
            talk.say(
                f"hotjar-cli: --format html shows at most {EXAMPLES} examples a rule, so {asked} shows {EXAMPLES} "
                f"there (--format text or json shows {example_limit})"
            )
    if by is not None and not (SITE_VIEW_FORMATS | BY_ONLY_FORMATS).intersection(formats):
        say_by_not_used(talk, " or ".join(sorted({format.value for format in formats})))


def site_views(formats: list[Format], by: Resolution | None) -> frozenset[View]:
    """The site view the reports show: the timeline in text, json and html or with --by, and the inventory in
    html."""
    views = frozenset({View.TIMELINE}) if by is not None or SITE_VIEW_FORMATS.intersection(formats) else frozenset()
    if Format.HTML in formats:
        views |= {View.INVENTORY}  # the page shows the budgets and the inventory too
    return views


def also_format(given: str) -> tuple[Format, str]:
    """`--also FORMAT=FILE` read: the format and the file as given."""
    name, equals, file = given.partition("=")
    usable = [choice.value for choice in Format if choice is not Format.JSONL]
    try:
        format = Format(name.strip().lower())
    except ValueError:
        format = None
    if not equals or format is None:
        raise UsageError(f"--also {given}: give FORMAT=FILE, FORMAT one of {', '.join(usable)}")
    if format is Format.JSONL:
        raise UsageError(
            f"--also {given}: jsonl is written as the logs are read, so only --format gives it (--format jsonl -o "
            "FILE, and the other formats with --also)"
        )
    return format, file


def also_outputs(
    also: list[tuple[Format, str]], main: Path | None, sources: list[Source], read: dict[str, Path | None]
) -> list[tuple[Format, Path | None]]:
    """Where each `--also` report goes, checked as -o is (`output_path`), and no file written twice: one named by
    two options would get only the report written last."""
    outputs: list[tuple[Format, Path | None]] = []
    landed = {_written_at(main): "the --format report"}
    for format, given in also:
        option = f"--also {format.value}={given}"
        if given == "-" and main is None:
            raise UsageError(f"{option}: the report is on standard output already; -o FILE writes it elsewhere")
        if given == "-" and isinstance(sys.stdout, ClosedOutput):
            raise UsageError(f"{option}: standard output is closed (the command was started without it); name a file")
        path = output_path(given, sources, read, format is Format.HTML, option=f"--also {format.value}=FILE")
        where = _written_at(path)
        if where in landed:
            named = "standard output" if path is None else str(path)
            raise UsageError(f"{option}: {named} gets {landed[where]} already; each report needs a file of its own")
        landed[where] = f"the report of --also {format.value}={given}"
        outputs.append((format, path))
    return outputs


def _found(path: Path) -> os.stat_result:
    """What a path names: through its links (`/dev/stdout` to the pipe it is), else where it lands
    (`missing/../r.json`, which the system takes as `r.json` once `missing` is made)."""
    try:
        return os.stat(path)
    except OSError:
        return landing(path).stat()


def _written_at(path: Path | None) -> object:
    """What a report is written to, the same for two names of one file or stream (`/dev/stdout` and standard
    output, a link and its file); a new file by where it lands. A device takes two reports unharmed (`/dev/null`, a
    terminal, which shows one after the other), so it matches nothing."""
    try:
        found = os.fstat(sys.stdout.fileno()) if path is None else _found(path)
    except (OSError, ValueError, AttributeError):
        return "-" if path is None else landing(path)
    if stat.S_ISCHR(found.st_mode):
        return object()
    return (found.st_dev, found.st_ino)


EXPLAINED_CODES = tuple(rule.code for rule in CATALOGUE if rule.schema_explained)
"""The rules whose examples are explained against Segment's JSON Schemas."""


def _to_explain(summary: Summary) -> bool:
    """Whether a summary holds examples of spec problems, which are explained."""
    return any(code in summary.examples for code in EXPLAINED_CODES)


def prepare_explanations(folded: Summary) -> None:
    """While workers read the logs: once a part has an example to explain, load what explains it (jsonschema and
    Segment's schemas, about 70 ms), so that the report does not wait for it at the end."""
    if _to_explain(folded):
        from hotjar_cli.report.explain import prepare

        prepare()


def explained(summary: Summary, redacting: bool) -> Summary:
    """Examples of spec problems, explained against Segment's JSON Schemas (off the hot path: examples only)."""
    if not _to_explain(summary):
        return summary
    from hotjar_cli.report.explain import explain_line

    for code in EXPLAINED_CODES:
        if code in summary.examples:
            summary.examples[code] = [
                replace(example, explanation=explain_line(example.line_text, example.position.index, redact=redacting))
                for example in summary.examples[code]
            ]
    return summary
