"""Turning options and the pyproject's `[tool.hotjar-cli]` table into the settings of a run.

An option given on the command line wins over the pyproject, which wins over the default. Whatever cannot be used
raises a `UsageError`, or the `UserError` of the layer that found it: one line, exit 2.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from hotjar_cli.cli.config import find_config, load_config, split_list
from hotjar_cli.cli.options import EngineName, MessageType, choices
from hotjar_cli.cli.talk import Talk
from hotjar_cli.core.errors import UserError
from hotjar_cli.core.eventtime import parse_time
from hotjar_cli.core.filters import Filters
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.rules import CATALOGUE
from hotjar_cli.core.selection import Selection
from hotjar_cli.core.views import View
from hotjar_cli.core.visible import given, visible
from hotjar_cli.report.wording import counted
from hotjar_cli.run.one_pass import PassSettings, with_site_view
from hotjar_cli.run.parallel import Engine, LocalEngine, available_cores
from hotjar_cli.sources.names import site_names
from hotjar_cli.sources.reader import distinct, resolve
from hotjar_cli.sources.source import STDIN, NothingToRead, Source, Window, shown_name


class UsageError(UserError):
    """An option or path the run cannot use: one line, exit 2."""


class Common(msgspec.Struct, frozen=True):
    """What every log-reading command shares: the sources and the settings of the pass over them."""

    sources: list[Source]
    run: PassSettings


def read_config(config: list[Path] | None, talk: Talk) -> dict[str, Any]:
    """The `[tool.hotjar-cli]` table of `--config` (the option as given), else of the nearest pyproject.toml upwards;
    {} when none."""
    return read_config_file(config, talk)[0]


def read_config_file(
    config: list[Path] | None, talk: Talk, paths: list[str] | None = None
) -> tuple[dict[str, Any], Path | None]:
    """`read_config`, and the file the table is in (None when none is), to name it in what is said of a setting.
    `paths`: the inputs, among which `-` reads standard input as the logs, which a pipe gives once."""
    config_path = one_config(config)
    if config_path is not None and "-" in (paths or []) and _names_piped_input(config_path):
        raise UsageError(f"--config {config_path}: standard input is read as the logs (-); give the settings in a file")
    path = config_path or find_config(Path.cwd())
    if path is None:
        talk.detail("no pyproject.toml with [tool.hotjar-cli] here or above: default settings")
        return {}, None
    if path.is_dir():
        raise UsageError(f"--config {path}: is a folder; --config names a pyproject.toml")
    if not path.exists():  # a pipe (`--config <(...)`) or a device is read as a file is
        # Named with its option, as every other file a command reads besides the logs is: "/nonexistent: no such
        # file" alone read as a log that was not there.
        raise UsageError(f"--config {path}: no such file")
    talk.detail(f"settings from {path}")
    return load_config(path), path


def one_config(given: list[Path] | None) -> Path | None:
    """The file `--config` names, None when it is not given. Two files named are refused: which one was meant cannot
    be told, and the last one was read without a word (a script's `--config` added to one already there). The same
    file named twice is that file."""
    named = list(dict.fromkeys(given or ()))
    if len(named) > 1:
        raise UsageError(f"--config given twice: {named[0]} and {named[1]}; keep one")
    return named[0] if named else None


def read_besides(
    known_attributes: Path | None, known_events: Path | None, settings: Path | None
) -> dict[str, Path | None]:
    """The files a command reads besides the logs, by what each is, which what it writes must not replace: the seed
    files, and the settings file, given or found."""
    return {
        "--known-attributes file": known_attributes,
        "--known-events file": known_events,
        "settings file": settings,  # given with --config, or found (no --config to name)
    }


def limit_options(
    name_length: int | None,
    value_length: int | None,
    event_length: int | None,
    event_characters: str | None,
    max_attributes: int | None,
    max_events: int | None,
) -> dict[str, Any]:
    """The Hotjar limits given on the command line, by `Limits` field; None where not given."""
    return {
        "max_attribute_name_length": name_length,
        "max_attribute_value_length": value_length,
        "max_event_name_length": event_length,
        "event_name_characters": event_characters,
        "max_attributes": max_attributes,
        "max_events": max_events,
    }


def message_types(given: list[str] | None) -> frozenset[str]:
    """The types `--type` keeps, repeated or comma-separated (`--type identify,track`, as `--select` takes codes)."""
    if given is not None and not split_list(given):
        raise UsageError("--type '': names no message type (is a variable unset?)")
    known = [kind.value for kind in MessageType]
    for kind in split_list(given):
        if kind not in known:
            raise UsageError(f"--type '{visible(kind)}': not a message type; one of {choices(MessageType)}")
    return frozenset(split_list(given))


def common_settings(
    talk: Talk,
    config: dict[str, Any],
    paths: list[str],
    since: str | None,
    until: str | None,
    types: list[str] | None,
    users: list[str] | None,
    limits: dict[str, Any],
    selection: Selection | None = None,
    example_limit: int = 3,
    endpoint_url: str | None = None,
    stdin_filename: str | None = None,
    skip_after_window: bool = True,
    allow_empty: bool = False,
) -> Common:
    """The sources behind `paths` and the settings of the pass over them: limits, filters and rules.

    `skip_after_window`: received-day folders after `--until` are not read (see `Window`), which a report of the site
    as a whole (the inventory, whose names the messages after the window fill too) does not allow. `allow_empty`: a
    folder or a pattern named that holds no log is said and read as no event, as `--allow-empty` passes a run that
    read none; else it stops the run."""
    merged = {key: config.get(key.replace("_", "-")) for key in limits}
    merged.update({key: value for key, value in limits.items() if value is not None})
    for key, value in limits.items():  # the pyproject's are checked as it is read (`load_config`)
        if isinstance(value, int) and value < 0:
            raise UsageError(f"--{key.replace('_', '-')} {value}: must not be negative")
    try:
        limit_settings = Limits(**{key: value for key, value in merged.items() if value is not None})
    except (ValueError, TypeError) as error:
        # The pyproject's were checked as it was read: a value refused here is an option's, named as options are.
        said = str(error)
        named = any(said.startswith(key.replace("_", "-") + " ") for key in limits)
        raise UsageError(f"--{said}" if named else said) from None
    if users is not None and any(not user for user in users):
        # An unset variable (`--user "$USER_ID"`) would otherwise keep only events with an empty id, and a gate pass.
        raise UsageError("--user '': an empty user id names no user (is a variable unset?)")
    filters = Filters(
        since=option_time("--since", since),
        until=option_time("--until", until),
        types=message_types(types),
        users=frozenset(users or ()),
    )
    if filters.since is not None and filters.until is not None and filters.since >= filters.until:
        raise UsageError(f"--since {since} is not before --until {until}: no event could be read")
    if stdin_filename is not None and not stdin_filename:
        raise UsageError("--stdin-filename '': an empty name names no file (is a variable unset?)")
    if stdin_filename is not None and STDIN not in paths:
        # Said, not passed over: the name was meant for something, and the reports would not show it anywhere.
        raise UsageError(
            f"--stdin-filename {stdin_filename}: names standard input, which is read only when - is among the inputs"
        )
    window = Window(filters.until if skip_after_window else None)
    found: list[Source] = []
    own_reports: list[str] = []
    for path in paths:
        try:
            found += resolve([path], endpoint_url or None, window, own_reports)
        except NothingToRead as error:
            if not allow_empty:
                raise
            talk.say(f"hotjar-cli: {error}; read as no event (--allow-empty)")
    for name in own_reports:
        talk.say(f"hotjar-cli: {name} is not read: it is a report of hotjar-cli, not a Segment log")
    sources, repeats = distinct(found)
    skipped = window.skipped_words()
    if skipped is not None:
        talk.say(f"hotjar-cli: {visible(skipped)}")  # folder names come from the input
    if endpoint_url and all(source.remote is None for source in sources) and _on_the_command_line("endpoint_url"):
        # Said, not refused: a script may pass it to every run; from AWS_ENDPOINT_URL it is the machine's, unsaid.
        talk.say(
            f"hotjar-cli: --endpoint-url {visible(endpoint_url)} is not used: it names the store of s3:// inputs only"
        )
    for repeat, first in repeats:
        also = "" if repeat.name == first.name else f" (as {first.name})"
        talk.say(f"hotjar-cli: {repeat.name} is named more than once{also}: read once")
    if any(source.is_stdin for source in sources):
        if stdin_filename is not None:
            sources = [Source(shown_name(stdin_filename)) if source.is_stdin else source for source in sources]
        if sys.stdin is None:  # started without one (`<&-`): see `hotjar_cli.cli.main.fill_closed_streams`
            raise UsageError("-: standard input is closed: there is nothing to read")
        if sys.stdin.isatty():
            talk.reads_the_terminal()
            talk.say(
                "hotjar-cli: reading Segment messages from the terminal (end with Ctrl-D); "
                "to read files, name them instead of -"
            )
    return Common(
        sources,
        PassSettings(limit_settings, filters, selection if selection is not None else Selection(), example_limit),
    )


def add_site_view(
    common: Common,
    views: frozenset[View],
    known_attributes: Path | None,
    known_events: Path | None,
    talk: Talk,
) -> Common:
    """The settings of a pass that also collects `views`, over a site that held the names of the two files first.

    A file that names more than the site can hold is refused: a site that held 150 attribute names with room for
    100 is no site Hotjar keeps, and every answer about it would be wrong. So is a file that is no list of names
    (see `hotjar_cli.sources.names`); names that look like a mistake are taken as they are, and said once a file.
    """
    _seeds_on_stdin(common, known_attributes, known_events, talk)
    limits = common.run.limits
    known, notes = site_names(known_attributes, known_events, limits, _limit_words)
    for option, path, names, limit, setting in (
        ("--known-attributes", known_attributes, known.attributes, limits.max_attributes, "--max-attributes"),
        ("--known-events", known_events, known.events, limits.max_events, "--max-events"),
    ):
        if len(names) > limit:
            raise UsageError(
                f"{option} {path}: {counted(len(names), 'name')}, more than the {limit:,} a site holds "
                f"({_limit_source(setting, limit)})"
            )
    for note in notes:
        talk.say(f"hotjar-cli: {note}")
    return Common(common.sources, with_site_view(common.run, views, known))


def _limit_source(option: str, limit: int) -> str:
    """Where a site limit came from: its option (`--max-attributes`), given or left at Hotjar's own, or the pyproject
    (`max-attributes = 3 in the pyproject`), which a user who gave no option has to be told of."""
    field = option.removeprefix("--").replace("-", "_")
    if _on_the_command_line(field) or limit == getattr(Limits(), field):
        return option
    return f"{option.removeprefix('--')} = {limit} in the pyproject"


def _limit_words(option: str, limit: int) -> str:
    """A limit as the notes on seed files name it: `--max-attribute-name-length 50`, or where the pyproject set it."""
    source = _limit_source(option, limit)
    return f"{option} {limit}" if source == option else source


def _seeds_on_stdin(common: Common, known_attributes: Path | None, known_events: Path | None, talk: Talk) -> None:
    """UsageError when a seed file is `-` and standard input cannot give it: it is read once, so not for both seed
    files, nor when the logs are read from it too; and it may be closed. On a terminal, a line says it waits."""
    named = [
        f"{option} {path}"
        for option, path in (("--known-attributes", known_attributes), ("--known-events", known_events))
        if path is not None and (str(path) == STDIN or _names_piped_input(path))
    ]
    if not named:
        return
    if len(named) > 1:
        raise UsageError(f"{named[0]} and {named[1]}: standard input is read once; give one in a file")
    if any(source.is_stdin for source in common.sources):
        raise UsageError(f"{named[0]}: standard input is read as the logs (-); give the names in a file")
    if sys.stdin is None:  # started without one (`<&-`): see `hotjar_cli.cli.main.fill_closed_streams`
        raise UsageError(f"{named[0]}: standard input is closed: there is nothing to read")
    if sys.stdin.isatty():
        talk.reads_the_terminal()
        talk.say(f"hotjar-cli: reading the names of {named[0]} from the terminal, one a line (end with Ctrl-D)")


def _on_the_command_line(parameter: str) -> bool:
    """Whether a parameter of the running command was given on its command line (not by the environment)."""
    import click

    context = click.get_current_context(silent=True)
    return context is not None and context.get_parameter_source(parameter) is click.core.ParameterSource.COMMANDLINE


def _names_piped_input(path: Path) -> bool:
    """Whether a path is this process's standard input under another name (`/dev/stdin`, `/dev/fd/0`) when that is a
    pipe, which gives its bytes once, to whichever reads them first (a file given as standard input is opened anew)."""
    try:
        named, given = os.stat(path), os.fstat(0)
    except (OSError, ValueError):
        return False
    piped = stat.S_ISFIFO(given.st_mode) or stat.S_ISSOCK(given.st_mode)
    return piped and (named.st_dev, named.st_ino) == (given.st_dev, given.st_ino)


_YEAR_OR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")
"""A year or a month alone (`2024`, `2024-03`): ISO-8601 dates of reduced precision, which `--since 2024-03` reads
as its first instant, as it reads a day alone."""


def option_time(option: str, text: str | None) -> datetime | None:
    """The time `--since` or `--until` names; a year or a month alone is its first instant, in UTC."""
    if text is None:
        return None
    period = _YEAR_OR_MONTH.fullmatch(text.strip())
    if period is not None and int(period.group(1)) >= 1 and 1 <= int(period.group(2) or 1) <= 12:
        return datetime(int(period.group(1)), int(period.group(2) or 1), 1, tzinfo=UTC)
    try:
        return parse_time(text)
    except ValueError:
        raise UsageError(
            f"{option} {given(text)} is not an ISO-8601 date or time (for example 2020-04-10T21:07:00Z)"
        ) from None


class RuleList(NamedTuple):
    """One list of rules as it was given: by an option (`--select HJ2`) or by a key of the pyproject."""

    key: str
    """`select`, `ignore`, `extend-select` or `extend-ignore`."""
    entries: tuple[str, ...]
    config: Path | None
    """The pyproject the list is in; None for an option."""

    def covers(self, code: str) -> bool:
        """Whether an entry of the list names the rule (by code, prefix or name)."""
        return any(Selection((entry,))(code) for entry in self.entries)


@dataclass(frozen=True)
class RuleSelection:
    """The rules a run reports, and the lists that chose them: what is said of a rule left out names them."""

    selection: Selection
    selects: tuple[RuleList, ...]
    """The lists a rule must be in, if any; none selects every rule."""
    ignores: tuple[RuleList, ...]

    def left_out(self, code: str) -> str:
        """Which lists leave the rule out, and that they do: `--select HJ2 leaves the rule out of this run`."""
        if self.selects and not any(rules.covers(code) for rules in self.selects):
            return _leave(self.selects, "the rule out of this run")
        return _leave([rules for rules in self.ignores if rules.covers(code)], "the rule out of this run")


def rule_selection(
    select: list[str] | None,
    ignore: list[str] | None,
    extend_select: list[str] | None,
    extend_ignore: list[str] | None,
    config: dict[str, Any],
    talk: Talk,
    config_path: Path | None = None,
) -> RuleSelection:
    """The rules a run reports, from --select, --ignore, their --extend- forms and the pyproject's lists.

    A selection that leaves no rule is a UsageError naming the lists that emptied it: a gate run on it would pass
    whatever the logs hold. An entry of a select list whose rules the ignore lists all leave out (`--select CODE`
    with the pyproject's `ignore = ["CODE"]`) is said: the user asked for it, and it is not checked."""
    for option, entries in (
        ("--select", select),
        ("--ignore", ignore),
        ("--extend-select", extend_select),
        ("--extend-ignore", extend_ignore),
    ):
        if entries is not None and any(not entry.strip(", ") for entry in entries):
            # `--select "$RULES"` with the variable unset: neither a list that replaces the pyproject's nor no list.
            raise UsageError(f"{option} '': names no rule (is a variable unset?)")
    selects = _rule_lists(select, extend_select, config, "select", config_path)
    ignores = _rule_lists(ignore, extend_ignore, config, "ignore", config_path)
    for listed in (*selects, *ignores):
        for entry in listed.entries if listed.config is None else ():  # the pyproject's are checked as it is read
            try:
                Selection((entry,))
            except ValueError as error:
                raise UsageError(f"--{listed.key} {error}") from None  # which option, as --max-rate and --type say
    try:
        rules = RuleSelection(Selection(_entries(selects), _entries(ignores)), selects, ignores)
    except ValueError as error:
        raise UsageError(str(error)) from None
    chosen = Selection(rules.selection.select)  # before the ignore lists
    if not any(rules.selection(rule.code) for rule in CATALOGUE):
        emptying = [
            *selects,
            *(
                ignored
                for ignored in ignores
                if any(ignored.covers(rule.code) and chosen(rule.code) for rule in CATALOGUE)
            ),
        ]
        raise UsageError(_leave(emptying, "no rule to check"))
    for entry in rules.selection.select:
        named = [rule.code for rule in CATALOGUE if Selection((entry,))(rule.code)]
        if not any(rules.selection(code) for code in named):
            given = next(rules for rules in selects if entry in rules.entries)
            what = "the rule" if len(named) == 1 else f"its {len(named)} rules"
            ignoring = [ignored for ignored in ignores if any(ignored.covers(code) for code in named)]
            talk.say(
                f"hotjar-cli: {_entry_said(entry, given)} is not checked: {_leave(ignoring, f'{what} out of this run')}"
            )
    return rules


def _rule_lists(
    given: list[str] | None, extended: list[str] | None, config: dict[str, Any], key: str, config_path: Path | None
) -> tuple[RuleList, ...]:
    """--select (or --ignore), else the pyproject's list, plus --extend-select (or --extend-ignore) and the
    pyproject's extend- list, each as given. Extending an empty selection, which is every rule, leaves every rule."""
    base = (
        RuleList(key, split_list(given), None)
        if split_list(given)
        else RuleList(key, split_list(config.get(key)), config_path)
    )
    extra = (
        RuleList(f"extend-{key}", split_list(extended), None),
        RuleList(f"extend-{key}", split_list(config.get(f"extend-{key}")), config_path),
    )
    if key == "select" and not base.entries:
        return ()
    return tuple(rules for rules in (base, *extra) if rules.entries)


def _entries(lists: tuple[RuleList, ...]) -> tuple[str, ...]:
    """The entries of the lists, the first list's (--select or the pyproject's select) then what the others add."""
    if not lists:
        return ()
    base = lists[0].entries if not lists[0].key.startswith("extend-") else ()
    extra = [entry for rules in lists if rules.key.startswith("extend-") for entry in rules.entries]
    return base + tuple(entry for entry in extra if entry not in base)


def _said(lists: list[RuleList] | tuple[RuleList, ...]) -> str:
    """Lists as the user gave them: `--select CODE and ignore = ["CODE"] in pyproject.toml`."""
    options = [f"--{rules.key} {','.join(rules.entries)}" for rules in lists if rules.config is None]
    by_file: dict[Path, list[str]] = {}
    for rules in lists:
        if rules.config is not None:
            by_file.setdefault(rules.config, []).append(f"{rules.key} = {json.dumps(list(rules.entries))}")
    return " and ".join([*options, *(f"{' and '.join(keys)} in {path}" for path, keys in by_file.items())])


def _leave(lists: list[RuleList] | tuple[RuleList, ...], what: str) -> str:
    return f"{_said(lists)} {'leaves' if len(lists) == 1 else 'leave'} {what}"


def _entry_said(entry: str, rules: RuleList) -> str:
    """One entry of a list, as given: `--select CODE`, or `"CODE" of select in pyproject.toml`."""
    if rules.config is None:
        return f"--{rules.key} {entry}"
    return f"{json.dumps(entry)} of {rules.key} in {rules.config}"


def build_engine(engine: EngineName | None, scheduler: str | None, jobs: int | None) -> Engine:
    """The engine the options name; dask is imported only when its cluster starts. `--scheduler` without `--engine
    dask` is refused, not taken to ask for Dask: what it asks for would be guessed, and a missing dask extra was then
    said as a need of an `--engine dask` never given."""
    if scheduler is not None and engine is not EngineName.DASK:
        if engine is None:
            raise UsageError(
                f"--scheduler is used only with --engine dask: add --engine dask to run on {scheduler}, or leave "
                "out --scheduler"
            )
        raise UsageError(f"--scheduler is used only with --engine dask, not with --engine {engine.value}")
    if engine is EngineName.DASK:
        from hotjar_cli.run.dask_engine import DaskEngine

        return DaskEngine(job_count(jobs), scheduler)
    return LocalEngine(job_count(jobs))


def job_count(jobs: int | None) -> int:
    """`--jobs`, else every core this process may run on, and never more: past the cores, processes only take turns
    on them, each paying to start and its share of the merge (1,000 on two cores read 20 MB in 14 s, two in 0.3 s).
    The engine starts fewer still when the input has fewer units of work."""
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    cores = available_cores()
    return cores if jobs is None else min(jobs, cores)


def allows_empty(given: bool | None, config: dict[str, Any]) -> bool:
    """`--allow-empty` (or `--no-allow-empty`), else the pyproject's `allow-empty`, else not: an input with nothing to
    work on fails the run (see `hotjar_cli.core.gate.nothing_to`)."""
    return bool(pick(given, config.get("allow-empty"), False))


def pick(given: Any, configured: Any, default: Any) -> Any:
    """The option as given, else the pyproject's setting, else the default."""
    return given if given is not None else configured if configured is not None else default
