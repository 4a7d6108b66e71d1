"""The command line as a user runs it: exit codes, the gate, settings, filters, stdin, the dry run and the rules."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from hotjar_cli import __version__, compiled
from hotjar_cli.cli.options import EngineName
from hotjar_cli.cli.settings import build_engine
from hotjar_cli.core.rules import CATALOGUE, RULES
from hotjar_cli.replay import ReplayReport
from hotjar_cli.run import parallel
from tests.support.cli import (
    CLEAN,
    INFO_ONLY,
    MIXED,
    WARNING_ONLY,
    Result,
    cli,
    identify,
    line,
    on_a_terminal,
    on_one_terminal,
    one_line,
    process,
    track,
)

# Exit codes


def test_clean_log_exits_0(logs: Any) -> None:
    result = cli("validate", logs("clean.jsonl", CLEAN), "-f", "json")
    assert result.code == 0
    assert result.json()["summary"]["outcomes"]["accepted"] == 3
    assert result.json()["summary"]["rules"] == {}


def test_findings_at_the_fail_level_exit_1(logs: Any) -> None:
    result = cli("validate", logs("mixed.jsonl", MIXED), "-f", "json")
    assert result.code == 1
    assert result.json()["verdict"]["failed"] is True
    assert [reason.split(":")[0] for reason in result.json()["verdict"]["reasons"]] == ["HJ103 missing-user-id"]


@pytest.mark.parametrize(
    ("text", "fail_on", "code"),
    [
        (WARNING_ONLY, "error", 0),
        (WARNING_ONLY, "warning", 1),
        (WARNING_ONLY, "info", 1),
        (WARNING_ONLY, "never", 0),
        (INFO_ONLY, "error", 0),
        (INFO_ONLY, "warning", 0),
        (INFO_ONLY, "info", 1),
        (INFO_ONLY, "never", 0),
        (MIXED, "never", 0),
        (MIXED, "error", 1),
    ],
)
def test_fail_on_levels(logs: Any, text: str, fail_on: str, code: int) -> None:
    assert cli("validate", logs("log.jsonl", text), "--fail-on", fail_on, "-f", "json").code == code


def test_missing_path_exits_2_with_one_line(logs: Any) -> None:
    logs("clean.jsonl", CLEAN)
    result = cli("validate", "clean.jsonl", "missing.jsonl")
    assert result.code == 2
    assert result.stdout == ""
    assert one_line(result.stderr) == "hotjar-cli: error: missing.jsonl: no such file or directory"


@pytest.mark.parametrize("command", [["validate"], ["inventory"], ["replay", "--dry-run"]])
def test_an_empty_path_is_refused_rather_than_read_as_the_working_directory(logs: Any, command: list[str]) -> None:
    logs("clean.jsonl", CLEAN)  # what `.` would find and read
    result = cli(*command, "")
    assert result.code == 2
    assert result.stdout == ""
    assert one_line(result.stderr) == "hotjar-cli: error: '': an empty path names no file (is a variable unset?)"


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "last tuesday"],
        ["--examples", "-1"],
        ["--select", "HJ999"],
        ["--select", ""],  # a variable unset: the pyproject's list was kept, and without one every rule ran
        ["--extend-ignore", " "],
        ["--ignore", "no-such-rule"],
        ["--max-rate", "HJ103"],
        ["--max-rate", "HJ103=lots"],
        ["--max-rate", "HJ103=150%"],
        ["--max-rate", "HJ999=0.1"],
        ["--max-attribute-value-length", "-5"],
        ["--event-name-characters", "z-a"],
        ["--event-name-characters", "a-z ]"],
        ["--event-name-characters", "[:alpha:] "],
        ["-o", "clean.jsonl/report.json"],
    ],
)
def test_unusable_settings_exit_2_with_one_line(logs: Any, args: list[str]) -> None:
    result = cli("validate", logs("clean.jsonl", CLEAN), *args)
    assert result.code == 2, result.stdout
    assert one_line(result.stderr).startswith("hotjar-cli: error: ")


def test_a_max_rate_for_a_prefix_says_a_maximum_is_one_rule_s(logs: Any) -> None:
    result = cli("validate", logs("clean.jsonl", CLEAN), "--max-rate", "HJ3=0.1")
    assert result.code == 2
    assert one_line(result.stderr) == (
        "hotjar-cli: error: --max-rate for 'HJ3': a maximum rate is one rule's; give its code or name, not a prefix of "
        "5 rules (HJ301, HJ302, HJ303, HJ304, HJ305)"
    )


def test_the_list_of_commands_wraps_each_summary_at_the_terminal_s_width() -> None:
    # The docstring's own line break showed in the middle of the line: "cannot do its" / "job (usage, ...".
    listed = cli("--help").stdout
    assert "2 when it cannot do its job (usage," in " ".join(line.strip(" │") for line in listed.splitlines())
    assert not any(line.rstrip(" │").endswith("cannot do its") for line in listed.splitlines())


@pytest.mark.parametrize("args", [["--bogus"], ["--fail-on", "sometimes"], ["--format", "pdf"], ["--examples", "x"]])
def test_bad_options_exit_2(logs: Any, args: list[str]) -> None:
    result = cli("validate", logs("clean.jsonl", CLEAN), *args)
    assert result.code == 2
    assert result.stdout == ""
    assert "Error" in result.stderr


# --jobs


@pytest.mark.parametrize("command", [["validate", "-f", "json"], ["inventory", "-f", "json"], ["replay", "--dry-run"]])
def test_jobs_past_the_cores_start_one_process_a_core_with_the_same_answer(
    logs: Any, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    # A thousand processes on two cores only take turns: 14 s for what two do in 0.3 s.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    path = logs("log.jsonl", MIXED * 300)
    cores = parallel.available_cores()
    many = cli(*command, path, "--jobs", "1000", "-v")
    assert f" on {cores} local process{'es' if cores > 1 else ''} at most" in many.stderr
    assert many.stdout == cli(*command, path, "--jobs", str(cores)).stdout


@pytest.mark.parametrize("engine", [None, EngineName.LOCAL, EngineName.DASK])
def test_the_workers_started_are_no_more_than_the_cores(engine: EngineName | None) -> None:
    cores = parallel.available_cores()
    assert build_engine(engine, None, 1000).jobs == cores
    assert build_engine(engine, None, 1).jobs == 1
    assert build_engine(engine, None, None).jobs == cores


def test_the_jobs_help_says_what_happens_past_the_cores() -> None:
    helped = " ".join(cli("validate", "--help").stdout.replace("│", " ").split())
    assert "a number past the cores this process may use starts one a core" in helped


def truncated_gzip(lines: int = 20_000) -> bytes:
    data = gzip.compress("".join(track(user=f"u{number}") for number in range(lines)).encode())
    return data[: len(data) // 2]


def test_truncated_gzip_exits_2_and_the_other_files_are_still_read(logs: Any) -> None:
    logs("a-cut.gz", truncated_gzip())
    logs("b-clean.jsonl", CLEAN)
    result = cli("validate", "a-cut.gz", "b-clean.jsonl", "-f", "json")
    assert result.code == 2
    report = result.json()
    assert [error["file"] for error in report["errors"]] == ["a-cut.gz"]
    assert "gzip" in report["errors"][0]["message"]
    assert report["summary"]["outcomes"]["accepted"] >= 3  # b-clean.jsonl was read after the broken file
    assert report["verdict"]["exit_code"] == 2


def test_truncated_gzip_in_a_dry_run_says_so_in_one_line(logs: Any) -> None:
    logs("cut.gz", truncated_gzip())
    result = cli("replay", "--dry-run", "cut.gz")
    assert result.code == 2
    errors = [text for text in result.stderr.splitlines() if text.startswith("hotjar-cli: error: ")]
    assert len(errors) == 1 and errors[0].startswith("hotjar-cli: error: cut.gz:")


@pytest.mark.parametrize(
    "command",
    [
        ["replay", "--dry-run"],
        ["replay", "--dry-run", "--latest-traits"],
        ["replay", "--dry-run", "--jobs", "2"],
        ["validate", "-f", "jsonl"],
        ["validate", "-f", "jsonl", "--jobs", "2"],
    ],
)
def test_lines_kept_from_a_file_cut_short_end_with_where_reading_stopped(
    logs: Any, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    # `replay --dry-run > calls.jsonl` kept the calls before the cut, and nothing in them said the plan was partial:
    # the exit code and the words on stderr are not kept with the file.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")  # local processes, however small the input
    logs("a-cut.gz", truncated_gzip())
    logs("b-clean.jsonl", CLEAN + '{"type": "identify"}\n')
    result = cli(*command, "a-cut.gz", "b-clean.jsonl")
    assert result.code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    stopped = [record for record in records if "error" in record]
    assert records[-1:] == stopped and stopped[0]["file"] == "a-cut.gz" and stopped[0]["line"] > 1
    assert "corrupt or truncated" in stopped[0]["error"]
    assert any(record["file"] == "b-clean.jsonl" for record in records[:-1])  # the other files were read all the same
    # A whole file's lines end with its last call or finding.
    clean = cli(*command, "b-clean.jsonl")
    assert clean.code != 2 and all("error" not in json.loads(line) for line in clean.stdout.splitlines())


def test_text_report_of_a_truncated_gzip_names_the_file(logs: Any) -> None:
    logs("cut.gz", truncated_gzip())
    result = cli("validate", "cut.gz")
    assert result.code == 2
    assert "cut.gz:" in result.stdout and "corrupt or truncated" in result.stdout
    # Said once in the report, whole, and under the gate's reasons by where alone: with the error line on stderr, a
    # terminal showed it three times.
    assert result.stdout.count("corrupt or truncated") == 1
    # And said at the top, as the inventory says it: the first line, "N events in N lines of 1 file", read as whole.
    top = " ".join(result.stdout.split("What Hotjar does")[0].split())
    assert top.endswith(
        "Incomplete: 1 file could not be read to its end; the counts and findings below leave out the rest of it "
        "(where reading stopped is said at the end)"
    )
    gate = result.stdout[result.stdout.index("Gate failed:") :]
    assert re.search(r"^  cut\.gz:\d+: reading stopped, as said above$", gate, re.MULTILINE)


# Selecting rules


def rules_of(result: Result) -> set[str]:
    return set(result.json()["summary"]["rules"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"HJ103", "HJ201", "HJ202", "HJ301"}),
        (["--select", "HJ103"], {"HJ103"}),
        (["--select", "HJ2"], {"HJ201", "HJ202"}),
        (["--select", "list-trait"], {"HJ202"}),
        (["--select", "HJ103,HJ301"], {"HJ103", "HJ301"}),
        (["--select", "HJ103", "--select", "nested-trait"], {"HJ103", "HJ201"}),
        (["--ignore", "HJ2"], {"HJ103", "HJ301"}),
        (["--ignore", "missing-user-id,HJ301"], {"HJ201", "HJ202"}),
        (["--select", "HJ2", "--ignore", "HJ202"], {"HJ201"}),
        (["--select", "hj301"], {"HJ301"}),
    ],
)
def test_select_and_ignore_by_code_prefix_and_name(logs: Any, args: list[str], expected: set[str]) -> None:
    result = cli("validate", logs("mixed.jsonl", MIXED), "-f", "json", *args)
    assert rules_of(result) == expected
    # Selection chooses what is reported; outcomes still say what Hotjar does.
    assert result.json()["summary"]["outcomes"] == {
        "accepted": 0,
        "modified": 2,
        "rejected": 1,
        "ignored": 0,
        "invalid": 0,
    }


@pytest.mark.parametrize("clean_first", [False, True], ids=["modified-first", "clean-first"])
def test_identifies_keep_their_own_outcomes_when_the_rule_that_tells_them_apart_is_ignored(
    logs: Any, clean_first: bool
) -> None:
    nested = '{"type": "identify", "userId": "u1", "traits": {"plan": {"tier": 1}}}\n'
    clean = '{"type": "identify", "userId": "u2", "traits": {"plan": "pro"}}\n'
    text = clean + nested if clean_first else nested + clean
    result = cli("validate", logs("two.jsonl", text), "-f", "json", "--ignore", "nested-trait")
    assert rules_of(result) == set()
    assert result.json()["summary"]["outcomes"] == {
        "accepted": 1,
        "modified": 1,
        "rejected": 0,
        "ignored": 0,
        "invalid": 0,
    }


def test_ignoring_the_failing_rule_passes_the_gate(logs: Any) -> None:
    assert cli("validate", logs("mixed.jsonl", MIXED), "--ignore", "HJ103").code == 0


@pytest.mark.parametrize(
    ("args", "table", "said"),
    [
        (["--ignore", "HJ"], "", "--ignore HJ leaves no rule to check"),
        (["--select", "HJ1", "--ignore", "HJ1"], "", "--select HJ1 and --ignore HJ1 leave no rule to check"),
        (
            ["--select", "HJ103"],
            'ignore = ["HJ103"]',
            '--select HJ103 and ignore = ["HJ103"] in {file} leave no rule to check',
        ),
        (
            ["--select", "missing-user-id", "--ignore", "HJ2"],
            'extend-ignore = ["HJ1", "HJ3"]',
            '--select missing-user-id and extend-ignore = ["HJ1", "HJ3"] in {file} leave no rule to check',
        ),
        (
            [],
            'select = ["HJ201", "list-trait"]\nignore = ["nested-trait", "HJ202"]',
            'select = ["HJ201", "list-trait"] and ignore = ["nested-trait", "HJ202"] in {file} leave no rule to check',
        ),
        (
            ["--extend-ignore", "HJ0,HJ1,HJ2,HJ3"],
            "",
            "--extend-ignore HJ0,HJ1,HJ2,HJ3 leaves no rule to check",
        ),
    ],
)
def test_a_selection_that_leaves_no_rule_is_a_usage_error(
    logs: Any, tmp_path: Path, args: list[str], table: str, said: str
) -> None:
    # The gate passed, with "rules": {} and not a word: a CI gate that checks nothing.
    path = logs("log.jsonl", MIXED)
    if table:
        pyproject(tmp_path, table)
    result = cli("validate", path, *args)
    assert result.code == 2
    assert result.stdout == ""
    assert one_line(result.stderr) == f"hotjar-cli: error: {said.format(file=tmp_path / 'pyproject.toml')}"


def test_a_selected_rule_the_pyproject_ignores_is_said(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", MIXED)
    pyproject(tmp_path, 'ignore = ["HJ103", "HJ301"]')
    result = cli("validate", path, "--select", "HJ103,HJ201", "-f", "json")
    assert rules_of(result) == {"HJ201"}
    assert result.code == 0
    assert result.stderr == (
        f'hotjar-cli: --select HJ103 is not checked: ignore = ["HJ103", "HJ301"] in {tmp_path / "pyproject.toml"} '
        "leaves the rule out of this run\n"
    )
    # A prefix a rule of which is ignored still selects the others: nothing to say.
    assert cli("validate", path, "--select", "HJ1,HJ2", "-f", "json").stderr == ""
    # Not with -q.
    assert cli("validate", path, "--select", "HJ103,HJ201", "-q").stderr == ""


# --max-rate


def rated(rejected: int, clean: int, extra: str = "") -> str:
    return identify(None) * rejected + identify() * clean + extra


@pytest.mark.parametrize("rate", ["0.01", "1%"])
@pytest.mark.parametrize(("rejected", "clean", "code"), [(1, 99, 0), (2, 98, 1), (1, 98, 1), (0, 100, 0)])
def test_max_rate_is_events_with_the_rule_over_all_events(
    logs: Any, rate: str, rejected: int, clean: int, code: int
) -> None:
    result = cli("validate", logs("log.jsonl", rated(rejected, clean)), "--max-rate", f"HJ103={rate}", "-f", "json")
    assert result.code == code
    assert result.json()["verdict"]["max_rates"] == {"HJ103": 0.01}
    if rejected:
        assert result.json()["rules"]["HJ103"]["fails"] is bool(code)


def test_max_rate_counts_invalid_lines_among_all_events(logs: Any) -> None:
    # 1 of 100 events breaks HJ103 when the unreadable line counts as an event; 1 of 99 would fail.
    path = logs("log.jsonl", rated(1, 98, "{not json\n"))
    assert cli("validate", path, "--max-rate", "HJ103=0.01", "--fail-on", "never").code == 0
    path = logs("log.jsonl", rated(1, 97, "{not json\n"))
    assert cli("validate", path, "--max-rate", "HJ103=0.01", "--fail-on", "never").code == 1


def test_max_rate_counts_events_not_findings(logs: Any) -> None:
    two_nested = identify(traits={"address": {}, "company": {}})
    path = logs("log.jsonl", two_nested + identify() * 99)
    result = cli("validate", path, "--fail-on", "warning", "--max-rate", "nested-trait=0.01", "-f", "json")
    assert result.json()["rules"]["HJ201"] | {"fails": None} == {
        "name": "nested-trait",
        "severity": "warning",
        "findings": 2,
        "events": 1,
        "fails": None,
    }
    assert result.code == 0


def test_max_rate_fails_a_rule_below_the_fail_level(logs: Any) -> None:
    path = logs("log.jsonl", INFO_ONLY + track() * 3)
    assert cli("validate", path).code == 0
    result = cli("validate", path, "--max-rate", "HJ301=0.2", "-f", "json")
    assert result.code == 1
    assert result.json()["verdict"]["reasons"] == [
        "HJ301 event-properties-dropped: 25.00% of events, above the maximum of 20.00%"
    ]


@pytest.mark.parametrize(
    ("left_out", "said"),
    [
        (["--select", "HJ2"], "--select HJ2 leaves"),
        (["--ignore", "HJ0,HJ301"], "--ignore HJ0,HJ301 leaves"),
        (["--select", "HJ3", "--extend-ignore", "HJ301"], "--extend-ignore HJ301 leaves"),
    ],
    ids=["select", "ignore", "extend-ignore"],
)
def test_a_max_rate_of_a_rule_left_out_is_said_and_not_listed_as_checked(
    logs: Any, left_out: list[str], said: str
) -> None:
    # The rule is not counted, so it could never fail the run: a verdict listing its maximum told a reviewer it was.
    path = logs("log.jsonl", INFO_ONLY + track() * 3)
    result = cli("validate", path, "--max-rate", "HJ301=0", *left_out, "-f", "json")
    assert result.code == 0
    assert result.json()["verdict"]["max_rates"] == {}
    assert result.stderr == f"hotjar-cli: --max-rate for HJ301 is not checked: {said} the rule out of this run\n"


def test_a_tiny_maximum_is_shown_above_zero(logs: Any) -> None:
    path = logs("log.jsonl", INFO_ONLY + track() * 3)
    result = cli("validate", path, "--max-rate", "HJ301=1e-9", "-f", "json")
    assert result.json()["verdict"]["reasons"] == [
        "HJ301 event-properties-dropped: 25.0000000% of events, above the maximum of 0.0000001%"
    ]


def test_a_max_rate_fails_the_run_even_with_fail_on_never(logs: Any) -> None:
    path = logs("log.jsonl", INFO_ONLY + track() * 3)
    assert cli("validate", path, "--fail-on", "never").code == 0
    assert cli("validate", path, "--fail-on", "never", "--max-rate", "HJ301=0.2").code == 1


THREE_IN_22 = identify() * 19 + identify(None) * 3
"""22 events, 3 of them without a userId (HJ103): a rate of 3/22 = 0.136363... (0.13636363636363635 as a float)."""


@pytest.mark.parametrize(
    ("maximum", "code"),
    [
        # Just under 3/22, as a percentage and as a fraction: the rate is above it. The percentage was rounded to
        # 12 decimals (0.136363636364), above the rate, and passed.
        ("13.636363636363%", 1),
        ("0.13636363636363", 1),
        # Under 3/22 by less than a float tells apart: 0.136363636363636363 is 0.13636363636363635 as a float.
        ("0.136363636363636363", 1),
        ("13.6363636363636363%", 1),
        ("13.63636363636364%", 0),  # just above 3/22
    ],
)
def test_a_maximum_is_compared_exactly_as_written(logs: Any, maximum: str, code: int) -> None:
    path = logs("log.jsonl", THREE_IN_22)
    result = cli("validate", path, "--max-rate", f"HJ103={maximum}", "--fail-on", "never", "-f", "json")
    assert result.code == code, result.json()["verdict"]
    written = maximum.removesuffix("%")
    exact = re.search(r'"max_rates": \{\s*"HJ103": ([^\s,}]+)', result.stdout)
    assert exact is not None
    # The maximum in the report is the one written (as a fraction), not a rounding of it.
    shown = exact.group(1)
    assert (Fraction(shown) * (100 if maximum.endswith("%") else 1)) == Fraction(written)


@pytest.mark.parametrize(
    ("table", "code"),
    [
        ('max-rate = { HJ103 = "13.636363636363%" }', 1),
        ("max-rate = { HJ103 = 0.13636363636363 }", 1),
        ("max-rate = { HJ103 = 0.136363636363636363 }", 1),  # a TOML float is read as written, not as a double
        ('max-rate = { HJ103 = "13.6363636363636363%" }', 1),
        ('max-rate = { HJ103 = "13.63636363636364%" }', 0),
    ],
)
def test_a_maximum_in_the_pyproject_is_compared_exactly_as_written(
    logs: Any, tmp_path: Path, table: str, code: int
) -> None:
    path = logs("log.jsonl", THREE_IN_22)
    pyproject(tmp_path, f'fail-on = "never"\n{table}\n')
    assert cli("validate", path).code == code


def test_a_rate_equal_to_its_maximum_passes_however_the_maximum_is_written(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", identify() * 7 + identify(None))  # 1 of 8: 12.5%
    for maximum in ("12.5%", "0.125", "0.1250000000000000000000001", "12.50000000000000000000001%"):
        assert cli("validate", path, "--max-rate", f"HJ103={maximum}").code == 0, maximum
    for maximum in ("12.4999999999999999999%", "0.124999999999999999999"):
        assert cli("validate", path, "--max-rate", f"HJ103={maximum}").code == 1, maximum


@pytest.mark.parametrize(
    "maximum", ["1e-1000000000", "0." + "0" * 200 + "1", "nan", "inf", "-0.1", "1.0000001", "1_0%", "\u0661\u0660%"]
)
def test_a_maximum_that_cannot_be_used_exits_2(logs: Any, maximum: str) -> None:
    result = cli("validate", logs("log.jsonl", THREE_IN_22), "--max-rate", f"HJ103={maximum}")
    assert result.code == 2
    assert one_line(result.stderr).startswith("hotjar-cli: error: --max-rate for HJ103: ")


@pytest.mark.parametrize("format", ["text", "json", "markdown", "github", "junit", "html"])
def test_a_rate_and_its_maximum_are_shown_apart_in_every_format(logs: Any, format: str) -> None:
    # 3/22 = 13.6363636363636363...%, the maximum 13.6363636363636%: both were shown as 13.636363636364%.
    path = logs("log.jsonl", THREE_IN_22)
    result = cli("validate", path, "--max-rate", "HJ103=0.136363636363636", "-f", format)
    assert result.code == 1
    shown = result.stdout.replace("\\.", ".").replace("%25", "%")  # as markdown and GitHub's commands escape them
    assert "13.63636363636364% of events, above the maximum of 13.63636363636360%" in shown
    assert "13.636363636364%" not in shown


@pytest.mark.parametrize(
    ("maximum", "reason"),
    [
        ("0.136363636363636", "13.63636363636364% of events, above the maximum of 13.63636363636360%"),
        ("0.136363636363636363", "13.6363636363636364% of events, above the maximum of 13.6363636363636363%"),
        ("13.636363636363%", "13.636363636364% of events, above the maximum of 13.636363636363%"),
        ("0.13", "13.64% of events, above the maximum of 13.00%"),
    ],
)
def test_a_rate_and_its_maximum_are_shown_with_the_decimals_that_tell_them_apart(
    logs: Any, maximum: str, reason: str
) -> None:
    path = logs("log.jsonl", THREE_IN_22)
    verdict = cli("validate", path, "--max-rate", f"HJ103={maximum}", "-f", "json").json()["verdict"]
    assert verdict["reasons"] == [f"HJ103 missing-user-id: {reason}"]


# [tool.hotjar-cli]


def pyproject(folder: Path, table: str) -> Path:
    path = folder / "pyproject.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[project]\nname = "analytics"\n\n[tool.hotjar-cli]\n{table}\n')
    return path


SETTINGS = 'fail-on = "never"\nexamples = 1\nignore = ["HJ301"]\nmax-attribute-value-length = 2\n'
SETTINGS_LOG = MIXED * 2 + identify()
"""Two of each finding of MIXED, and a trait value ("pro") longer than the configured 2 characters."""


def test_settings_come_from_the_nearest_pyproject(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", SETTINGS_LOG)
    pyproject(tmp_path, SETTINGS)
    result = cli("validate", path, "-f", "json")
    assert result.code == 0  # fail-on never
    report = result.json()
    assert "HJ301" not in report["summary"]["rules"]
    assert report["summary"]["rules"]["HJ204"] == 1
    assert all(len(examples) == 1 for examples in report["examples"].values())


def test_a_pyproject_in_a_parent_folder_is_found(logs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject(tmp_path, SETTINGS)
    logs("deep/down/log.jsonl", MIXED)
    monkeypatch.chdir(tmp_path / "deep" / "down")
    assert cli("validate", "log.jsonl").code == 0


def test_command_line_options_win_over_the_pyproject(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", SETTINGS_LOG)
    pyproject(tmp_path, SETTINGS)
    result = cli(
        "validate",
        path,
        "-f",
        "json",
        "--fail-on",
        "error",
        "--examples",
        "2",
        "--ignore",
        "HJ202",
        "--max-attribute-value-length",
        "200",
    )
    assert result.code == 1
    report = result.json()
    assert set(report["summary"]["rules"]) == {"HJ103", "HJ201", "HJ301"}
    assert all(len(examples) == 2 for examples in report["examples"].values())


def test_redact_and_max_rate_from_the_pyproject(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", identify(traits={"email": "kim@example.com", "address": {}}) + rated(1, 2))
    pyproject(tmp_path, "redact = true\nmax-rate = { HJ103 = 0.5 }\n")
    result = cli("validate", path, "-f", "json")
    assert result.code == 0  # 1 of 4 events, under the maximum of 50%
    assert "kim@example.com" not in result.stdout
    assert result.json()["verdict"]["max_rates"] == {"HJ103": 0.5}
    unredacted = cli("validate", path, "-f", "json", "--no-redact", "--max-rate", "HJ103=0.1")
    assert "kim@example.com" in unredacted.stdout
    assert unredacted.code == 1


def test_config_option_names_the_pyproject(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", MIXED)
    elsewhere = pyproject(tmp_path / "settings", 'fail-on = "never"')
    assert cli("validate", path).code == 1
    assert cli("validate", path, "--config", elsewhere).code == 0
    assert cli("replay", path, "--dry-run", "--config", elsewhere).code == 0


@pytest.mark.parametrize(
    "spelling",
    [
        '[tool.hotjar-cli]\nfail-on = "never"\n',
        '[tool."hotjar-cli"]\nfail-on = "never"\n',
        "[ 'tool' . 'hotjar-cli' ]\nfail-on = 'never'\n",
        '[tool.hotjar-cli.max-rate]\nHJ103 = 1.0\n[tool.hotjar-cli]\nfail-on = "never"\n',
        '[tool]\nhotjar-cli.fail-on = "never"\n',
        '[ tool ]  # tools\nhotjar-cli = { fail-on = "never" }\n',
        'tool.hotjar-cli.fail-on = "never"\n',
        'tool = { hotjar-cli = { fail-on = "never" } }\n',
        '[tool."hotjar\\u002Dcli"]\nfail-on = "never"\n',
    ],
)
def test_the_table_is_found_however_toml_spells_it(logs: Any, tmp_path: Path, spelling: str) -> None:
    path = logs("log.jsonl", MIXED)
    (tmp_path / "pyproject.toml").write_text(
        f'{spelling}\n[project]\nname = "analytics"\ndependencies = ["hotjar-cli>=0.1"]\n'
    )
    assert cli("validate", path).code == 0  # fail-on never


def test_a_pyproject_naming_hotjar_cli_without_the_table_is_not_settings(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", MIXED)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "analytics"\ndependencies = ["hotjar-cli>=0.1"]\n'
        '[project.scripts]\nhotjar-cli = "analytics:main"\n'
        '[tool.ruff]\nsrc = ["hotjar-cli"]\n'
    )
    assert cli("validate", path).code == 1


@pytest.mark.parametrize("tool", ["5", '"hotjar-cli"', '["hotjar-cli"]'])
def test_a_pyproject_whose_tool_is_no_table_holds_no_settings(logs: Any, tmp_path: Path, tool: str) -> None:
    # `tool = 5` stopped every command with a traceback (TypeError: argument of type 'int' is not iterable).
    path = logs("log.jsonl", MIXED)
    (tmp_path / "pyproject.toml").write_text(f"tool = {tool}\n")
    assert cli("validate", path).code == 1  # the default gate: no settings were read
    result = cli("validate", path, "--config", tmp_path / "pyproject.toml")
    assert result.code == 2
    assert one_line(result.stderr) == (
        f"hotjar-cli: error: {tmp_path / 'pyproject.toml'}: has no [tool.hotjar-cli] table, so it holds no settings "
        "of hotjar-cli"
    )


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ("tool.hotjar_cli", "tool.hotjar_cli"),
        ("tool.HotjarCli", "tool.HotjarCli"),
        ("tool.'hotjar cli'", 'tool."hotjar cli"'),
        ("tool.hotjar", "tool.hotjar"),
        ("tool.hotjar.cli", "tool.hotjar"),
        ("tool.hotjar-cl", "tool.hotjar-cl"),
        ("tools.hotjar-cli", "tools.hotjar-cli"),
        ("hotjar-cli", "hotjar-cli"),
    ],
)
@pytest.mark.parametrize("beside", [False, True], ids=["alone", "beside-the-right-table"])
def test_a_misspelt_table_is_said_not_passed_over(
    logs: Any, tmp_path: Path, table: str, said: str, beside: bool
) -> None:
    # Passed over, a gate's settings were the defaults without a word: this log failed a gate set to never. Beside
    # the right table (a key added by a teammate under another spelling), it was passed over too.
    path = logs("log.jsonl", MIXED)
    right = "[tool.hotjar-cli]\nexamples = 1\n\n" if beside else ""
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "analytics"\n\n{right}[{table}]\nfail-on = "never"\n')
    for named in ([], ["--config", tmp_path / "pyproject.toml"]):
        result = cli("validate", path, *named)
        assert result.code == 2
        assert one_line(result.stderr) == (
            f"hotjar-cli: error: {tmp_path / 'pyproject.toml'}: [{said}] is not read: hotjar-cli's settings are in "
            "[tool.hotjar-cli]"
        )


def test_a_config_file_named_without_the_table_is_said(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", MIXED)
    other = tmp_path / "settings" / "pyproject.toml"
    other.parent.mkdir()
    other.write_text('[project]\nname = "analytics"\n')
    result = cli("validate", path, "--config", other)
    assert result.code == 2
    assert one_line(result.stderr) == (
        f"hotjar-cli: error: {other}: has no [tool.hotjar-cli] table, so it holds no settings of hotjar-cli"
    )


def test_unknown_key_in_the_pyproject_exits_2(logs: Any, tmp_path: Path) -> None:
    path = logs("log.jsonl", CLEAN)
    pyproject(tmp_path, 'fail_on = "never"')
    result = cli("validate", path)
    assert result.code == 2
    assert "fail_on" in one_line(result.stderr)


@pytest.mark.parametrize(
    "table",
    [
        'fail-on = "sometimes"',
        "fail-on = 3",
        "examples = -1",
        'examples = "five"',
        "examples = true",
        'select = ["HJ999"]',
        "ignore = 5",
        "max-rate = 3",
        'max-rate = { HJ103 = "often" }',
        'redact = "no"',
        "max-events = -1",
        'max-attribute-value-length = "long"',
        "[broken",
    ],
)
def test_unusable_values_in_the_pyproject_exit_2(logs: Any, tmp_path: Path, table: str) -> None:
    path = logs("log.jsonl", CLEAN)
    pyproject(tmp_path, table)
    result = cli("validate", path)
    assert result.code == 2
    assert one_line(result.stderr).startswith("hotjar-cli: error: ")


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ("max-rate = { HJ103 = 5 }", "max-rate for HJ103: 5 is not between 0 and 1"),
        ("max-attributes = true", "max-attributes must be a whole number, not true"),
        ('fail-on = "loud"', 'fail-on must be one of error, warning, info, never, not "loud"'),
        # Refused by the same checks as the options, and named with the file they came from.
        ('select = ["HJ999"]', "select: 'HJ999' names no rule (see `hotjar-cli rules`)"),
        ('extend-ignore = "nope"', "extend-ignore: 'nope' names no rule (see `hotjar-cli rules`)"),
        # An empty entry, refused as `--select ""` is: `select = ""` selected every rule without a word.
        ('select = ""', 'select: "" holds an empty entry, which names no rule'),
        # Read as no list, it checked every rule without a word.
        ("select = []", "select = [] selects no rule: leave select out to check every rule"),
        ('ignore = ["HJ103", " "]', 'ignore: ["HJ103", " "] holds an empty entry, which names no rule'),
        ("select = [true]", "select must be a string or a list of strings, not [true]"),
        (
            'extend-ignore = ["HJ103", ["HJ2"]]',
            'extend-ignore must be a string or a list of strings, not ["HJ103", ["HJ2"]]',
        ),
        ("examples = -3", "examples = -3: must not be negative"),
        # TOML's dates, times and tables said as TOML writes them, not as Python holds them.
        (
            "max-rate = { HJ103 = 1979-05-27 }",
            "max-rate for HJ103: 1979-05-27 is not a fraction (0.01) or a percentage (1%)",
        ),
        ("examples = 1979-05-27T07:32:00Z", "examples must be a whole number, not 1979-05-27T07:32:00Z"),
        ("examples = 07:32:00", "examples must be a whole number, not 07:32:00"),
        ('examples = { a = 1, "b c" = [2] }', 'examples must be a whole number, not { a = 1, "b c" = [2] }'),
        ("max-events = -1", "max-events = -1: must not be negative"),
        (
            'event-name-characters = "a-z ]"',
            "event-name-characters 'a-z ]' closes its character class early: escape a `]` in it as `\\]` (POSIX "
            "classes such as [:alpha:] are not supported)",
        ),
    ],
)
def test_an_unusable_value_in_the_pyproject_is_named_with_its_file_as_toml_writes_it(
    logs: Any, tmp_path: Path, table: str, said: str
) -> None:
    path = logs("log.jsonl", CLEAN)
    pyproject(tmp_path, table)
    result = cli("validate", path)
    assert result.code == 2
    assert one_line(result.stderr) == f"hotjar-cli: error: {tmp_path / 'pyproject.toml'}: [tool.hotjar-cli] {said}"


@pytest.mark.parametrize("command", [["validate"], ["inventory"], ["replay", "--dry-run"]])
@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("a-z ]", "'a-z ]' closes its character class early"),
        ("\\", "'\\' is not a regular-expression character class body"),
        ("^a-z", "'^a-z' starts with ^"),
    ],
)
def test_an_unusable_event_name_characters_option_is_named_as_the_option(
    logs: Any, command: list[str], value: str, said: str
) -> None:
    # Said "event-name-characters '\\' is not ...", the option's dashes lost, where every other option is named as
    # it is typed (`--since ...`).
    result = cli(*command, logs("log.jsonl", CLEAN), "--event-name-characters", value)
    assert result.code == 2
    assert one_line(result.stderr).startswith(f"hotjar-cli: error: --event-name-characters {said}")


@pytest.mark.parametrize(
    ("value", "escaped", "said"),
    [
        (
            "A-Za-z &&",
            "A-Za-z \\&\\&",
            "&& in it, which a later Python reads as a set intersection: escape it (\\&\\&)",
        ),
        ("A-Z _||", "A-Z _\\|\\|", "|| in it, which a later Python reads as a set union: escape it (\\|\\|)"),
        ("A-Z _--", "A-Z _\\-\\-", "-- in it, which a later Python reads as a set difference: escape it (\\-\\-)"),
    ],
)
def test_characters_a_later_python_reads_as_set_operations_are_one_line_and_no_warning(
    logs: Any, value: str, escaped: str, said: str
) -> None:
    # `&&` printed two FutureWarnings, "<string>:9: ..." and the source line of the command's module, under -q, and
    # three times from a pyproject; the class works today, and would mean another thing on a later Python.
    path = logs("log.jsonl", CLEAN)
    result = process("validate", path, "-q", "--event-name-characters", value)
    assert result.code == 2
    assert result.stderr.splitlines() == [f"hotjar-cli: error: --event-name-characters '{value}' has {said}"]
    assert process("validate", path, "-q", "--event-name-characters", escaped).stderr == ""


@pytest.mark.parametrize("command", [["validate"], ["inventory"], ["replay", "--dry-run"]])
def test_a_pyproject_that_is_not_utf_8_is_one_line_naming_the_file_and_line(
    logs: Any, tmp_path: Path, command: list[str]
) -> None:
    # Saved in Latin-1 (a comment's é as the byte 0xe9), it stopped every command with a traceback.
    path = logs("log.jsonl", CLEAN)
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.hotjar-cli]\nfail-on = "never"\n# caf\xe9\n')
    result = cli(*command, path)
    assert result.code == 2
    assert one_line(result.stderr) == (
        f"hotjar-cli: error: {tmp_path / 'pyproject.toml'}:3: not valid TOML: not UTF-8 text (a TOML file is UTF-8)"
    )


@pytest.mark.parametrize("given", [[], ["--config", "pyproject.toml"]], ids=["found", "given"])
def test_a_pyproject_with_a_byte_order_mark_says_so(logs: Any, tmp_path: Path, given: list[str]) -> None:
    # Saved by an editor that starts UTF-8 with one: "not valid TOML: Invalid statement (at line 1, column 1)".
    path = logs("log.jsonl", CLEAN)
    (tmp_path / "pyproject.toml").write_bytes(b'\xef\xbb\xbf[tool.hotjar-cli]\nfail-on = "never"\n')
    result = cli("validate", path, *given)
    assert result.code == 2
    assert one_line(result.stderr).endswith(
        "pyproject.toml: starts with a byte-order mark (U+FEFF), which TOML does not allow: save it as UTF-8 without "
        "one"
    )


def test_a_config_from_a_pipe_is_read(tmp_path: Path) -> None:
    # `--config <(...)`: "no such file", while the pipe was there to read.
    log = tmp_path / "log.jsonl"
    log.write_text(CLEAN + "not json\n")
    result = process("validate", log, "--config", "/dev/stdin", input=b"[tool.hotjar-cli]\nfail-on = 'never'\n")
    assert result.code == 0, result.stderr
    assert process("validate", log).code == 1  # the invalid line fails the gate the settings open


def test_a_config_on_standard_input_read_as_the_logs_is_refused(tmp_path: Path) -> None:
    # `cat logs | hotjar-cli validate - --config /dev/stdin`: the logs were read as TOML, "Invalid statement".
    result = process("validate", "-", "--config", "/dev/stdin", input=CLEAN.encode(), cwd=tmp_path)
    assert result.code == 2
    assert one_line(result.stderr) == (
        "hotjar-cli: error: --config /dev/stdin: standard input is read as the logs (-); give the settings in a file"
    )


def test_a_config_that_never_ends_is_refused(logs: Any) -> None:
    result = cli("validate", logs("log.jsonl", CLEAN), "--config", "/dev/zero")
    assert result.code == 2
    assert one_line(result.stderr) == (
        "hotjar-cli: error: /dev/zero: over 1,048,576 bytes, too long for a file of settings"
    )


def test_missing_config_file_exits_2(logs: Any) -> None:
    result = cli("validate", logs("log.jsonl", CLEAN), "--config", "nowhere/pyproject.toml")
    assert result.code == 2
    assert "nowhere" in one_line(result.stderr)


# Output streams


def test_output_writes_the_report_to_a_file(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    on_stdout = cli("validate", path, "-f", "json")
    to_file = cli("validate", path, "-f", "json", "-o", "reports/hotjar.json")
    assert to_file.code == on_stdout.code == 1
    assert to_file.stdout == ""
    assert Path("reports/hotjar.json").read_text() == on_stdout.stdout


MODULES_AFTER_RUN = """
import sys
from hotjar_cli.cli.main import main
listing, sys.argv = sys.argv[1], ["hotjar-cli", *sys.argv[2:]]
try:
    main()
except SystemExit as done:
    code = done.code
with open(listing, "w") as out:
    out.write("\\n".join(sorted(sys.modules)))
sys.exit(code)
"""


def modules_imported_by(args: list[str], cwd: Path) -> set[str]:
    """The modules a real `hotjar-cli ARGS` process has imported by the time it exits."""
    listing = cwd / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", MODULES_AFTER_RUN, str(listing), *args],
        capture_output=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return set(listing.read_text().splitlines())


def test_a_small_validate_starts_without_the_heavy_parts(tmp_path: Path) -> None:
    # A pre-commit hook or a CI check on a small file pays for every module at every run: the terminal
    # renderer, Segment's schemas, the browser, the cluster, process pools and the TOML parser (for a
    # pyproject that names hotjar-cli without settings for it) are for the runs that need them.
    (tmp_path / "log.jsonl").write_text(identify())
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "analytics"\ndependencies = ["hotjar-cli"]\n')
    imported = modules_imported_by(["validate", "log.jsonl", "--format", "json"], tmp_path)
    assert "hotjar_cli.core.mapping" in imported
    heavy = (
        "rich",
        "jsonschema",
        "playwright",
        "dask",
        "distributed",
        "s3fs",
        "multiprocessing",
        "concurrent.futures",
        "hotjar_cli.run.forked",
        "tomllib",
        "hotjar_cli.replay",
        "hotjar_cli.report.explain",
        "hotjar_cli.cli.replay",
        "hotjar_cli.cli.inventory",
    )
    assert sorted(name for name in imported if any(name == part or name.startswith(part + ".") for part in heavy)) == []


def _stderr_on_a_terminal(*arguments: str) -> tuple[int, bytes, str]:
    """Run the command with stderr on a terminal: its exit code, its stdout, and what the terminal showed."""
    return on_a_terminal(*arguments)


def test_progress_goes_to_stderr_and_stdout_holds_only_the_report(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(MIXED * 2000)
    code, stdout, shown = _stderr_on_a_terminal("validate", str(path), "-f", "json")
    assert code == 1
    assert json.loads(stdout)["summary"]["events"] == 6000
    assert re.search(r"/[\d.]+ [kM]B", shown) and "events" in shown and "eta" in shown  # the bar, on the terminal


def test_the_progress_bar_shows_the_time_so_far_and_the_eta(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(MIXED * 2000)
    _, _, shown = _stderr_on_a_terminal("validate", str(path), "-f", "json", "--color", "never")
    assert re.search(r" events \d+:\d\d:\d\d eta (\d+:\d\d:\d\d|-:--:--)", shown)


def test_a_report_that_goes_elsewhere_leaves_its_verdict_on_the_terminal(tmp_path: Path) -> None:
    path, report = tmp_path / "log.jsonl", tmp_path / "report.json"
    path.write_text(MIXED)

    def run(*options: str) -> tuple[int, str]:
        code, _, shown = _stderr_on_a_terminal("validate", str(path), "-o", str(report), "--no-progress", *options)
        return code, shown

    code, shown = run("-f", "json")
    assert code == 1 and json.loads(report.read_text())["summary"]["events"] == 3
    assert one_line(shown).startswith("Gate failed (exit 1): ")
    assert one_line(shown).endswith(f"; the report is in {report}.")
    # The text report, this time, in a file named for JSON: said too.
    assert run("--fail-on", "never") == (
        0,
        f"hotjar-cli: {report} gets the text report; --format json writes the json one\r\n"
        f"Gate passed; the report is in {report}.\r\n",
    )
    assert run("-q") == (1, "")


def test_off_a_terminal_only_a_gate_failed_by_findings_of_a_report_in_a_file_is_said(tmp_path: Path) -> None:
    # A CI job's log showed a red step and not a word of why (`--format junit -o hotjar.xml`). A passed gate, a
    # report on standard output (which says its verdict itself) and -q say nothing there.
    path, report = tmp_path / "log.jsonl", tmp_path / "hotjar.xml"
    path.write_text(MIXED)
    failed = process("validate", path, "-f", "junit", "-o", report)
    assert failed.code == 1 and failed.stdout == ""
    assert one_line(failed.stderr).startswith("Gate failed (exit 1): HJ")
    assert one_line(failed.stderr).endswith(f"; the report is in {report}.")
    assert process("validate", path, "-f", "junit", "-o", report, "--fail-on", "never").stderr == ""
    assert process("validate", path, "-f", "junit").stderr == ""
    assert process("validate", path, "-f", "junit", "-o", report, "-q").stderr == ""
    # A report sent to a device is in no file to read afterwards: "the report is in /dev/null" said nothing of use.
    nowhere = process("validate", path, "-f", "junit", "-o", os.devnull)
    assert one_line(nowhere.stderr).startswith("Gate failed (exit 1): HJ") and "report is in" not in nowhere.stderr


def test_dry_run_talk_goes_to_stderr(logs: Any) -> None:
    result = cli("replay", "--dry-run", logs("log.jsonl", MIXED))
    assert len(result.lines()) == 2
    assert result.stderr.splitlines()[0] == "2 calls (1 identify, 1 event) from 3 events."


# The dry run

DRY_RUN_INPUT = (
    line(
        type="identify",
        messageId="m1",
        userId="u1",
        timestamp="2024-05-01T10:00:00Z",
        traits={"plan": "pro", "address": {"city": "Oslo"}, "id": "crm-1", "seats": 3},
    )
    + line(
        type="track",
        messageId="m2",
        userId="u1",
        timestamp="2024-05-01T10:01:00Z",
        event="Signed Up",
        properties={"source": "ad"},
    )
    + line(type="identify", messageId="m3", anonymousId="a1", timestamp="2024-05-01T10:01:30Z", traits={"plan": "free"})
    + "\n"
    + line(
        batch=[
            {
                "type": "track",
                "messageId": "m4",
                "anonymousId": "a2",
                "event": "Viewed",
                "timestamp": "2024-05-01T10:02:00Z",
            },
            {"type": "page", "messageId": "m5", "userId": "u2", "timestamp": "2024-05-01T10:02:30Z"},
            {
                "type": "identify",
                "messageId": "m6",
                "userId": 7,
                "originalTimestamp": "2024-05-01T10:03:00Z",
                "traits": {"n": 1, "tags": ["a"]},
            },
        ],
        integrations={"Mixpanel": False},
    )
    + line(type="track", messageId="m7", userId="u3", event="Done", integrations={"Hotjar": False})
    + '{"type": "track", "userId": "u3", "event": \n'
    + line(type="track", userId="u3", event="Done")
)
"""Nine events on eight lines: five calls, in this order."""

DRY_RUN_CALLS = [
    {
        "file": "events.jsonl",
        "line": 1,
        "messageId": "m1",
        "user": "u1",
        "timestamp": "2024-05-01T10:00:00Z",
        "call": ["identify", "u1", {"plan": "pro", "seats": 3}],
    },
    {
        "file": "events.jsonl",
        "line": 2,
        "messageId": "m2",
        "user": "u1",
        "timestamp": "2024-05-01T10:01:00Z",
        "call": ["event", "Signed Up"],
    },
    {
        "file": "events.jsonl",
        "line": 5,
        "index": 0,
        "messageId": "m4",
        "user": "a2",
        "timestamp": "2024-05-01T10:02:00Z",
        "call": ["event", "Viewed"],
    },
    {
        "file": "events.jsonl",
        "line": 5,
        "index": 2,
        "messageId": "m6",
        "user": "7",
        "timestamp": "2024-05-01T10:03:00Z",
        "call": ["identify", "7", {"n": 1}],
    },
    {"file": "events.jsonl", "line": 8, "messageId": None, "user": "u3", "timestamp": None, "call": ["event", "Done"]},
]


def test_dry_run_prints_exactly_the_calls_in_input_order(logs: Any) -> None:
    result = cli("replay", logs("events.jsonl", DRY_RUN_INPUT), "--dry-run")
    assert result.code == 0
    assert result.lines() == DRY_RUN_CALLS
    assert [list(record) for record in result.lines()][2] == [
        "file",
        "line",
        "index",
        "messageId",
        "user",
        "timestamp",
        "call",
    ]
    assert result.stderr.splitlines()[0] == "5 calls (2 identifies, 3 events) from 9 events."


def test_dry_run_says_which_delivery_options_it_does_not_use(logs: Any) -> None:
    # The replay's own command with --dry-run added: the calls all the same, and a word that nothing of the delivery
    # was used (nor what it needs of this machine: a checkpoint in a folder that does not exist).
    path = logs("events.jsonl", DRY_RUN_INPUT)
    given = ["--site-id", "123", "--checkpoint", "/nowhere/checkpoint", "--rate", "2.5", "--concurrency", "16"]
    result = cli("replay", path, "--dry-run", *given)
    assert result.code == 0
    assert result.lines() == DRY_RUN_CALLS
    assert result.stderr.splitlines()[0] == (
        "hotjar-cli: --dry-run sends nothing, so --site-id, --concurrency, --rate and --checkpoint are not used"
    )
    assert result.stderr.splitlines()[1] == "5 calls (2 identifies, 3 events) from 9 events."
    alone = cli("replay", path, "--dry-run", "--show-values")
    assert alone.stderr.splitlines()[0] == "hotjar-cli: --dry-run sends nothing, so --show-values is not used"
    assert cli("replay", path, "--dry-run", "-q", *given).stderr == ""


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["--rate", "-5", "--give-up-after", "bogus"], "--give-up-after: 'bogus' is not a duration"),
        (["--rate", "-5"], "--rate must be a positive number of calls per second, not -5.0"),
        (["--rate", "nan"], "--rate must be a positive number of calls per second, not nan"),
        (["--settle", "nan"], "--settle must be a number of seconds, none or more, not nan"),
        # A browser's timer fires at once past 24.8 days: calls that far apart would all go together.
        (["--rate", "1e-9"], "--rate must be at least one call a day (0.0000116 a second), not 1e-09"),
        (["--settle", "3e6"], "--settle must be at most a day (86400 seconds), not 3e+06"),
        (["--give-up-after", "-"], "--give-up-after: '-' is not a duration"),
        (["--site-id", "abc"], "--site-id 'abc' is no number"),
        # Said as every other value is, where it was said in the replay's own words.
        (["--site-id", "0"], "--site-id '0' is no Site ID (1 to 2,147,483,647): give the number Hotjar shows"),
        (["--site-id", "99999999999999999999"], "--site-id '99999999999999999999' is no Site ID (1 to 2,147,483,647)"),
        (["--page-url", "http://www.example.com/"], "Hotjar only works over HTTPS"),
        # Python's own words were said: `Port out of range 0-65535`; and port 0 was taken.
        (["--page-url", "https://example.com:99999/"], "'99999' is no port a browser can open: 1 to 65535"),
        (["--page-url", "https://example.com:0/"], "'0' is no port a browser can open: 1 to 65535"),
        (["--page-url", "https:///"], "--page-url 'https:///': no host"),
        (["--script-url", "file:///tmp/hotjar.js"], "the script url 'file:///tmp/hotjar.js' is not an http(s) address"),
    ],
)
def test_dry_run_refuses_the_delivery_values_a_replay_refuses(logs: Any, given: list[str], said: str) -> None:
    # The replay's own command with --dry-run added passed values that the replay itself refuses, and exited 0.
    path = logs("events.jsonl", DRY_RUN_INPUT)
    site = {"--site-id": "1234567", "--page-url": "https://www.example.com/"}
    with_site = [*given, *(word for option in site.items() if option[0] not in given for word in option)]
    sent = process("replay", path, *with_site)
    assert sent.code == 2 and said in one_line(sent.stderr)
    dry = process("replay", path, "--dry-run", *given)
    assert dry.code == 2 and dry.stdout == ""
    assert one_line(dry.stderr) == one_line(sent.stderr)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["--site-id", "\x1b[31m1"], "--site-id '\\u001b[31m1' is no number"),
        (["--site-id", "-\u202e5"], "--site-id '-\\u202e5' is no number"),
        (["--page-url", "https://a\u202eb.com/"], "--page-url 'https://a\\u202eb.com/': a\\u202eb.com is no host"),
    ],
)
def test_a_delivery_value_is_quoted_with_its_characters_escaped_once(logs: Any, given: list[str], said: str) -> None:
    # Escaped, then quoted as Python writes a string, the value was said as '\\u001b[31m1', with a backslash it
    # never held, and --page-url's host further on in the same line escaped once: a\u202eb.com.
    path = logs("events.jsonl", DRY_RUN_INPUT)
    dry = process("replay", path, "--dry-run", *given)
    assert dry.code == 2
    assert said in one_line(dry.stderr)
    assert "\\\\" not in dry.stderr


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["validate", "--since", "C:\\x"], "--since 'C:\\x' is not an ISO-8601 date or time"),
        (["validate", "--select", "C:\\x"], "'C:\\x' names no rule"),
        (["validate", "--max-rate", "C:\\x"], "--max-rate 'C:\\x' is not CODE=FRACTION"),
        (["validate", "--max-rate", "C:\\x=0.1"], "'C:\\x' names no rule"),
        (["replay", "--dry-run", "--give-up-after", "C:\\x"], "'C:\\x' is not a duration"),
        (["replay", "--dry-run", "--page-url", "https://a\x1bb.com/"], "a host with '\\u001b' in it"),
    ],
)
def test_a_refused_value_is_quoted_as_it_was_given(logs: Any, given: list[str], said: str) -> None:
    # Quoted as Python writes a string, `C:\x` read 'C:\\x', a backslash the value never held, and an escape
    # character '\x1b' where every other message writes \u001b.
    path = logs("events.jsonl", DRY_RUN_INPUT)
    refused = process(given[0], path, *given[1:])
    assert refused.code == 2
    assert said in one_line(refused.stderr)
    assert "\\\\" not in refused.stderr and "\\x1b" not in refused.stderr


def test_replay_without_logs_says_so_before_what_it_needs_to_send() -> None:
    # It asked for a --site-id (or for Playwright, where it is missing) before saying the logs were missing.
    expected = (
        "hotjar-cli: error: give the logs to replay (files, directories, globs, s3:// paths or - for stdin), or "
        "--check to only check the site"
    )
    for given in ([], ["--site-id", "123"], ["--rate", "-5"], ["--dry-run"], ["--dry-run", "--rate", "-5"]):
        result = cli("replay", *given)
        assert result.code == 2 and one_line(result.stderr) == expected, given


def test_a_planned_dry_run_says_whose_events_the_filters_leave_without_their_identify(logs: Any) -> None:
    lines = [
        {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}, "timestamp": "2024-03-01T10:00:00Z"},
        {"type": "track", "userId": "u1", "event": "Signed Up", "timestamp": "2024-03-01T10:40:00Z"},
        {"type": "identify", "userId": "u2", "traits": {"plan": "pro"}, "timestamp": "2024-03-01T10:00:00Z"},
        {"type": "track", "userId": "u2", "event": "Signed Up", "timestamp": "2024-03-01T11:00:00Z"},
        {"type": "identify", "userId": "u2", "traits": {"plan": "max"}, "timestamp": "2024-03-01T10:30:00Z"},
        {"type": "track", "userId": "u3", "event": "Signed Up", "timestamp": "2024-03-01T10:01:00Z"},  # none to lose
    ]
    path = logs("users.jsonl", "".join(json.dumps(line) + "\n" for line in lines))
    said = "events will belong to no Hotjar user: the filters left out all of"
    by_type = cli("replay", path, "--dry-run", "--latest-traits", "--type", "track")
    assert by_type.code == 0
    assert by_type.stderr.splitlines()[0] == (
        f"hotjar-cli: 2 users' {said} their identifies, and an event belongs to a user only after an identify in "
        "the same visit"
    )
    # Only u1 loses its only identify: u2 keeps its later one.
    by_time = cli("replay", path, "--dry-run", "--report", "json", "--since", "2024-03-01T10:20:00Z")
    assert by_time.stderr.splitlines()[0].startswith(f"hotjar-cli: 1 user's {said} its identifies,")
    assert said not in cli("replay", path, "--dry-run", "--latest-traits").stderr
    assert said not in cli("replay", path, "--dry-run", "--latest-traits", "--user", "u3").stderr
    # The dry run that streams its lines holds no user: it says it of --type alone, which leaves out every identify.
    streamed = cli("replay", path, "--dry-run", "--type", "track").stderr.splitlines()
    assert streamed[-1] == (
        "hotjar-cli: --type leaves out every identify, so no event here would belong to a Hotjar user: an event "
        "belongs to a user only after an identify in the same visit"
    )
    both = cli("replay", path, "--dry-run", "--type", "track", "--type", "identify")
    assert both.code == 0 and "--type leaves out" not in both.stderr


def test_dry_run_says_which_calls_lose_something_and_why_the_other_events_make_none(logs: Any) -> None:
    result = cli("replay", logs("events.jsonl", DRY_RUN_INPUT), "--dry-run")
    assert result.stderr.splitlines() == [
        "5 calls (2 identifies, 3 events) from 9 events.",
        "3 of these calls lose or change something: HJ105 reserved-trait-id in 1 call, HJ106 non-string-user-id "
        "in 1 call, HJ201 nested-trait in 1 call, and 2 more rules.",
        "4 events make no call: 1 rejected, 2 ignored, 1 invalid (`hotjar-cli validate` says why).",
    ]
    # The same pass as validate's: the counts are its own.
    summary = cli("validate", "events.jsonl", "-f", "json").json()["summary"]
    assert summary["outcomes"] == {"accepted": 2, "modified": 3, "rejected": 1, "ignored": 2, "invalid": 1}


def test_dry_run_counts_in_words(logs: Any) -> None:
    result = cli("replay", logs("one.jsonl", identify()), "--dry-run")
    assert result.stderr == "1 call (1 identify, 0 events) from 1 event.\n"
    result = cli("replay", logs("mixed.jsonl", MIXED), "--dry-run", "--type", "identify")
    assert result.stderr.splitlines() == [
        "1 call (1 identify, 0 events) from 3 events, 1 filtered out.",
        "1 of these calls loses or changes something: HJ201 nested-trait in 1 call, HJ202 list-trait in 1 call.",
        "1 event makes no call: 1 rejected (`hotjar-cli validate` says why).",
    ]


def test_dry_run_with_report_json_prints_the_report_a_replay_starts_from_with_nothing_sent(logs: Any) -> None:
    result = cli("replay", logs("events.jsonl", DRY_RUN_INPUT), "--dry-run", "--report", "json")
    assert result.code == 0
    report = result.json()
    replayed = ReplayReport(
        planned=5,
        sent=5,
        dead_lettered=0,
        skipped=0,
        users_planned=4,
        users_sent=4,
        users_dead_lettered=0,
        users_skipped=0,
    )
    assert list(report) == list(replayed.as_dict())
    assert report["dry_run"] is True and replayed.as_dict()["dry_run"] is False
    assert (report["planned"], report["users_planned"]) == (5, 4)
    assert (report["sent"], report["dead_lettered"], report["skipped"], report["users_sent"]) == (0, 0, 0, 0)
    assert report["exit_code"] == 0
    assert result.stderr.splitlines()[0] == "5 calls (2 identifies, 3 events) from 9 events."
    # What makes no call is in the report too, not only in words on stderr, which -q leaves out.
    no_call = result.stderr.splitlines()[-1]
    assert no_call == "4 events make no call: 1 rejected, 2 ignored, 1 invalid (`hotjar-cli validate` says why)."
    assert (report["events"], report["filtered_out"]) == (9, 0)
    assert report["no_call"] == {"rejected": 1, "ignored": 2, "invalid": 1}
    filtered = cli("replay", logs("events.jsonl", DRY_RUN_INPUT), "--dry-run", "--report", "json", "--type", "track")
    assert {key: filtered.json()[key] for key in ("events", "filtered_out", "planned")} == {
        "events": 9,
        "filtered_out": 4,
        "planned": 3,
    }


def test_a_dry_run_under_the_settings_redact_says_it_prints_the_calls_as_they_are(logs: Any, tmp_path: Path) -> None:
    # `redact = true` masks validate's and inventory's reports; the dry run printed the users' ids and values under
    # it without a word.
    path = logs("events.jsonl", DRY_RUN_INPUT)
    pyproject(tmp_path, "redact = true")
    said = (
        f"hotjar-cli: redact = true ({tmp_path / 'pyproject.toml'}) masks the reports of validate and inventory; "
        "--dry-run prints each call as Hotjar would receive it, user ids and values included"
    )
    result = cli("replay", path, "--dry-run")
    assert said in result.stderr.splitlines() and '"u1"' in result.stdout
    # A report of counts prints no value: nothing to say.
    assert "redact" not in cli("replay", path, "--dry-run", "--report", "json").stderr


def test_dry_run_report_of_logs_that_could_not_all_be_read_is_not_written(logs: Any) -> None:
    logs("cut.gz", truncated_gzip())
    result = cli("replay", "--dry-run", "--report", "json", "cut.gz")
    assert result.code == 2
    assert result.stdout == ""


def test_dry_run_calls_match_what_validate_counts(logs: Any) -> None:
    path = logs("events.jsonl", DRY_RUN_INPUT)
    summary = cli("validate", path, "-f", "json").json()["summary"]
    assert summary["calls"] == {"identify": 2, "event": 3}
    assert summary["events"] == 9 and summary["blank_lines"] == 1 and summary["lines"] == 8


# A day of logs, then the same messages again (a Segment library's retries, a day downloaded twice), in another
# file, with one message only in each and a batch item repeating a plain line.
FIRST_DAY = (
    identify("u1", messageId="m-1", timestamp="2024-03-01T10:00:00Z")
    + track("Signed Up", "u1", messageId="m-2", timestamp="2024-03-01T10:00:01Z")
    + track("Logged In", "u2", messageId="m-3", timestamp="2024-03-01T10:00:02Z")
    + track("No Id", "u2", timestamp="2024-03-01T10:00:03Z")
)
SECOND_COPY = (
    track("Signed Up", "u1", messageId="m-2", timestamp="2024-03-01T10:00:01Z")
    + track("No Id", "u2", timestamp="2024-03-01T10:00:03Z")
    + track("Paid", "u1", messageId="m-4", timestamp="2024-03-01T10:00:04Z")
    + line(
        batch=[
            {"type": "identify", "userId": "u1", "messageId": "m-1", "traits": {"plan": "pro"}},
            {"type": "track", "userId": "u3", "event": "Invited", "messageId": "m-5"},
        ]
    )
)


@pytest.mark.parametrize("jobs", ["1", "2", "3"])
def test_dry_run_leaves_out_a_call_repeating_an_earlier_message_id_as_segment_does(
    logs: Any, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTJAR_CLI_PARALLEL_MIN_BYTES", "0")  # each file a unit of its own, on its own process
    logs("day.jsonl", FIRST_DAY)
    logs("copy.jsonl", SECOND_COPY)
    result = cli("replay", "day.jsonl", "copy.jsonl", "--dry-run", "--jobs", jobs)
    assert result.code == 0
    assert [(line["file"], line["line"], line["messageId"]) for line in result.lines()] == [
        ("day.jsonl", 1, "m-1"),
        ("day.jsonl", 2, "m-2"),
        ("day.jsonl", 3, "m-3"),
        ("day.jsonl", 4, None),
        ("copy.jsonl", 2, None),  # no messageId: Segment cannot tell it from another, nor can the replay
        ("copy.jsonl", 3, "m-4"),
        ("copy.jsonl", 4, "m-5"),
    ]
    assert result.stderr.splitlines()[:2] == [
        "7 calls (1 identify, 6 events) from 9 events.",
        "2 calls left out: each repeats the messageId of an earlier call, which Segment de-duplicates on (the first "
        "of them at copy.jsonl:1).",
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_repeat_is_counted_by_its_call_whatever_its_line_holds_elsewhere(
    logs: Any, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A time that is no text is written into the line as it is: it may hold what a call's key looks like.
    monkeypatch.setenv("HOTJAR_CLI_PARALLEL_MIN_BYTES", "0")
    tricky = track("X", "u1", messageId="m-1", timestamp={"a": 1, "call": ["identify"]})
    logs("one.jsonl", tricky)
    logs("two.jsonl", tricky)
    result = cli("replay", "one.jsonl", "two.jsonl", "--dry-run", "--jobs", jobs)
    assert result.stderr.splitlines()[:2] == [
        "1 call (0 identifies, 1 event) from 2 events.",
        "1 call left out: it repeats the messageId of an earlier call, which Segment de-duplicates on "
        "(at two.jsonl:1).",
    ]


NUMBERED = (
    track("Signed Up", "u1", messageId=12345)
    + track("Signed Up", "u1", messageId=12345)  # a number twice: no id Segment de-duplicates on, so both are sent
    + track("Paid", "u1", messageId=True)
    + track("Paid", "u1", messageId=1.5)
    + track("Invited", "u1", messageId="12345")
    + track("Invited", "u1", messageId="12345")  # the same text twice: a repeat, left out
    + track("Logged In", "u1", messageId={"id": 1})
    + track("Logged In", "u1", messageId=[1])
)


@pytest.mark.parametrize(
    "options", [["--jobs", "1"], ["--jobs", "2"], ["--latest-traits"]], ids=["one-process", "two", "planned"]
)
def test_a_dry_run_line_writes_the_message_id_as_the_message_gave_it(
    logs: Any, options: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A number was written as null: the call could not be told from one whose message has no id. Read twice (a day
    # downloaded twice), the copy's calls are repeats only where the id is a text.
    monkeypatch.setenv("HOTJAR_CLI_PARALLEL_MIN_BYTES", "0")  # each file a unit of its own, on its own process
    logs("day.jsonl", NUMBERED)
    logs("copy.jsonl", NUMBERED)
    result = cli("replay", "day.jsonl", "copy.jsonl", "--dry-run", *options)
    written = [(line["file"], line["line"], type(line["messageId"]), line["messageId"]) for line in result.lines()]
    kept = [(1, int, 12345), (2, int, 12345), (3, bool, True), (4, float, 1.5), (5, str, "12345")]
    kept += [(7, type(None), None), (8, type(None), None)]
    assert written == [("day.jsonl", *line) for line in kept] + [("copy.jsonl", *line) for line in kept if line[0] != 5]
    assert "3 calls left out: each repeats the messageId of an earlier call" in result.stderr


def test_a_replay_plans_each_message_id_once_as_its_dry_run_prints_it(logs: Any) -> None:
    logs("day.jsonl", FIRST_DAY)
    logs("copy.jsonl", SECOND_COPY)
    report = cli("replay", "day.jsonl", "copy.jsonl", "--dry-run", "--report", "json").json()
    assert (report["planned"], report["users_planned"]) == (7, 3)
    assert (report["repeated"], report["first_repeated"]) == (2, {"file": "copy.jsonl", "line": 1})
    merged = cli("replay", "day.jsonl", "copy.jsonl", "--dry-run", "--latest-traits")
    assert [line["messageId"] for line in merged.lines()] == ["m-1", "m-2", "m-4", "m-3", None, None, "m-5"]
    assert merged.stderr.splitlines()[:3] == [
        "7 calls (1 identify, 6 events) for 3 users from 9 events, in the order the replay makes them.",
        "1 identify merged into 1 call, one per user, later traits winning.",
        "2 calls left out: each repeats the messageId of an earlier call, which Segment de-duplicates on (the first "
        "of them at copy.jsonl:1).",
    ]
    # Without a repeat, nothing is said of them, and the JSON report counts none.
    logs("once.jsonl", FIRST_DAY)
    assert "left out" not in cli("replay", "once.jsonl", "--dry-run").stderr
    assert cli("replay", "once.jsonl", "--dry-run", "--report", "json").json()["repeated"] == 0


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--latest-traits"],
            "hotjar-cli: --latest-traits plans each user's calls in one process, so --jobs is not used",
        ),
        (["--report", "json"], "hotjar-cli: --report plans each user's calls in one process, so --jobs is not used"),
        ([], None),
    ],
)
def test_a_dry_run_that_plans_users_says_jobs_are_not_used(logs: Any, options: list[str], said: str | None) -> None:
    path = logs("events.jsonl", DRY_RUN_INPUT)
    result = cli("replay", path, "--dry-run", *options, "--jobs", "2")
    assert result.code == 0
    assert (said in result.stderr.splitlines()) if said else "--jobs" not in result.stderr
    assert result.stdout == cli("replay", path, "--dry-run", *options).stdout


@pytest.mark.parametrize("given", ["12345678901234567890", "12345678901234567000"], ids=["as logged", "as received"])
def test_a_numeric_user_id_is_found_by_its_digits_in_the_log_or_as_hotjar_receives_it(logs: Any, given: str) -> None:
    # Copied from the log, the id matched nothing: Hotjar receives JavaScript's text of the number, rounded.
    log = (
        '{"type":"identify","userId":12345678901234567890,"traits":{"plan":"pro"}}\n{"type":"identify","userId":"u2"}\n'
    )
    result = cli("replay", logs("events.jsonl", log), "--dry-run", "--user", given)
    assert [record["line"] for record in result.lines()] == [1]


@pytest.mark.parametrize(
    ("logged", "given"),
    [
        ("1.0", "1.0"),
        ("1.0", "1"),
        ("1e21", "1e21"),
        ("1e21", "1e+21"),
        ("1E-7", "1E-7"),
        ("1E-7", "1e-7"),
        ("12345678901234567890", "1.2345678901234567890e19"),
    ],
)
def test_a_numeric_user_id_with_a_fraction_or_an_exponent_is_found_as_the_log_writes_it(
    logs: Any, logged: str, given: str
) -> None:
    # `--user 1.0` matched nothing in a log that writes `"userId": 1.0`: Hotjar receives `1`, and the log's text is
    # not what the decoded number prints as. The same number as given, written either way, is found.
    log = f'{{"type":"identify","userId":{logged},"traits":{{"plan":"pro"}}}}\n{{"type":"identify","userId":2}}\n'
    result = cli("replay", logs("events.jsonl", log), "--dry-run", "--user", given)
    assert [record["line"] for record in result.lines()] == [1]
    # Another number, however near as a float, is not.
    near = logs("near.jsonl", '{"type":"identify","userId":12345678901234567168,"traits":{"plan":"pro"}}\n')
    assert [record["line"] for record in cli("replay", near, "--dry-run").lines()] == [1]
    assert cli("replay", near, "--dry-run", "--user", "12345678901234567890").lines() == []


@pytest.mark.parametrize("given", [" 1", "1 ", "+1", "01", "1_0", "\u0661", "1.", ".5e1"])
def test_a_user_given_as_no_log_writes_a_number_is_no_number(logs: Any, given: str) -> None:
    # A stray space in a shell variable, a plus sign or a leading zero found the number 1 (or 10, or 5).
    log = '{"type":"identify","userId":1,"traits":{"plan":"pro"}}\n{"type":"identify","userId":10}\n'
    log += '{"type":"identify","userId":5,"traits":{"plan":"pro"}}\n'
    assert cli("replay", logs("events.jsonl", log), "--dry-run", "--user", given).lines() == []


@pytest.mark.parametrize("given", ["0", "-0", "0.0"])
def test_a_user_id_that_is_the_number_zero_is_found(logs: Any, given: str) -> None:
    # Segment takes a userId of 0 for none (HJ103), which is why such an identify is looked for; `--user 0` found
    # nothing, as if 0 were no id. An empty id, or false, is still none.
    log = (
        '{"type":"identify","userId":0,"traits":{"plan":"pro"}}\n{"type":"track","anonymousId":0.0,"event":"X"}\n'
        '{"type":"track","userId":false,"anonymousId":"a","event":"X"}\n'
    )
    result = cli("validate", logs("events.jsonl", log), "-f", "json", "--fail-on", "never", "--user", given)
    assert (result.json()["summary"]["events"], result.json()["summary"]["filtered"]) == (3, 1)


def test_dry_run_accepts_only_jsonl(logs: Any) -> None:
    result = cli("replay", logs("events.jsonl", DRY_RUN_INPUT), "--dry-run", "--format", "json")
    assert result.code == 2
    assert result.stdout == ""


def messages(result: Result) -> list[str | None]:
    return [record["messageId"] for record in result.lines()]


@pytest.mark.parametrize(
    ("args", "calls", "filtered"),
    [
        (["--type", "identify"], ["m1", "m6"], 5),
        (["--type", "track", "--type", "page"], ["m2", "m4", None], 3),
        (["--type", "track,page"], ["m2", "m4", None], 3),
        (["--type", " track , page,"], ["m2", "m4", None], 3),
        (["--since", "2024-05-01T10:01:00Z", "--until", "2024-05-01T10:03:00Z"], ["m2", "m4"], 4),
        (["--since", "2024-05-01T10:02"], ["m4", "m6"], 5),
        (["--until", "2024-05-01"], [], 8),
        (["--user", "u1"], ["m1", "m2"], 6),
        (["--user", "a2", "--user", "7"], ["m4", "m6"], 6),
        (["--user", "u3", "--type", "track"], [None], 6),
    ],
)
def test_filters(logs: Any, args: list[str], calls: list[str | None], filtered: int) -> None:
    path = logs("events.jsonl", DRY_RUN_INPUT)
    assert messages(cli("replay", path, "--dry-run", *args)) == calls
    summary = cli("validate", path, "-f", "json", *args).json()["summary"]
    assert summary["filtered"] == filtered
    assert summary["events"] == 9
    # The unreadable line is never filtered: it is a problem in the input whatever the filter.
    assert summary["outcomes"]["invalid"] == 1
    assert sum(summary["outcomes"].values()) == 9 - filtered


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("identify,trak", "--type 'trak': not a message type; one of identify, track, page, screen, group or alias"),
        ("Track", "--type 'Track': not a message type; one of identify, track, page, screen, group or alias"),
        ("", "--type '': names no message type (is a variable unset?)"),
        (",", "--type '': names no message type (is a variable unset?)"),
    ],
)
def test_a_type_that_is_none_of_segments_is_refused_in_one_line(logs: Any, given: str, said: str) -> None:
    path = logs("events.jsonl", DRY_RUN_INPUT)
    for command in (["validate"], ["inventory"], ["replay", "--dry-run"]):
        result = cli(*command, path, "--type", given)
        assert (result.code, result.stdout) == (2, "")
        assert result.stderr == f"hotjar-cli: error: {said}\n"


@pytest.mark.parametrize(
    ("short", "full"),
    [
        (["--since", "2024"], ["--since", "2024-01-01T00:00:00Z"]),
        (["--since", "2024-05"], ["--since", "2024-05-01T00:00:00Z"]),
        (["--until", "2024-05"], ["--until", "2024-05-01T00:00:00Z"]),
        (["--since", "2024-04", "--until", "2024-06"], ["--since", "2024-04-01", "--until", "2024-06-01"]),
    ],
)
def test_a_year_or_a_month_alone_is_its_first_instant(logs: Any, short: list[str], full: list[str]) -> None:
    # `--since 2024-03` was refused as no ISO-8601 date, though `--since 2024-W10` was taken.
    path = logs("events.jsonl", DRY_RUN_INPUT)
    assert cli("replay", path, "--dry-run", *short).lines() == cli("replay", path, "--dry-run", *full).lines()
    assert (
        cli("validate", path, "-f", "json", *short).json()["summary"]
        == cli("validate", path, "-f", "json", *full).json()["summary"]
    )


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "0000", "2024-1"])
def test_a_month_that_is_none_is_refused(logs: Any, text: str) -> None:
    result = cli("validate", logs("events.jsonl", DRY_RUN_INPUT), "--since", text)
    assert result.code == 2
    assert one_line(result.stderr) == (
        f"hotjar-cli: error: --since {text!r} is not an ISO-8601 date or time (for example 2020-04-10T21:07:00Z)"
    )


@pytest.mark.parametrize("command", [["validate"], ["inventory"], ["replay", "--dry-run"]])
def test_an_empty_user_filter_is_refused_rather_than_keeping_only_events_without_an_id(
    logs: Any, command: list[str]
) -> None:
    result = cli(command[0], logs("events.jsonl", DRY_RUN_INPUT), *command[1:], "--user", "u1", "--user", "")
    assert result.code == 2
    assert result.stdout == ""
    assert "--user '': an empty user id names no user" in result.stderr


def test_filtered_events_are_shown_in_the_text_report(logs: Any) -> None:
    result = cli("validate", logs("events.jsonl", DRY_RUN_INPUT), "--type", "identify")
    assert "9 events in 8 lines of 1 file, 5 filtered out" in result.stdout


def _site_filled_by_other_users() -> list[dict[str, Any]]:
    """Three event names and two traits from user a fill a site of three events and two attributes; then user b
    sends a fourth event name and a third trait, and one name a sent before."""
    at = "2024-05-01T10:0{}:00Z"
    return [
        {"type": "track", "userId": "a", "event": name, "messageId": f"a{minute}", "timestamp": at.format(minute)}
        for minute, name in enumerate(["One", "Two", "Three"])
    ] + [
        {"type": "identify", "userId": "a", "traits": {"plan": "pro", "seats": 3}, "timestamp": at.format(3)},
        {"type": "track", "userId": "b", "event": "Four", "messageId": "b4", "timestamp": at.format(4)},
        {"type": "track", "userId": "b", "event": "Two", "messageId": "b5", "timestamp": at.format(5)},
        {"type": "identify", "userId": "b", "traits": {"plan": "team", "region": "eu"}, "timestamp": at.format(6)},
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    "only_b", [["--user", "b"], ["--since", "2024-05-01T10:04:00Z"], ["--user", "b", "--type", "track"]]
)
def test_events_a_filter_leaves_out_still_fill_the_site(
    logs: Any, monkeypatch: pytest.MonkeyPatch, jobs: str, only_b: list[str]
) -> None:
    # A filter chooses what is reported and sent; Hotjar received the rest, whose names filled its site. Before,
    # `--user b` judged b's events against a site that only b's events had filled: "Four" was accepted, and the
    # gate passed on a log whose full run rejects it.
    monkeypatch.setenv(parallel.MIN_BYTES_VARIABLE, "0")
    lines = _site_filled_by_other_users()
    first = logs("a.jsonl", "".join(json.dumps(line) + "\n" for line in lines[:4]))
    second = logs("b.jsonl", "".join(json.dumps(line) + "\n" for line in lines[4:]))
    site = ["--max-events", "3", "--max-attributes", "2", "--jobs", jobs]
    report = cli("validate", first, second, *site, *only_b, "-f", "jsonl")
    assert report.code == 1
    judged = {record["messageId"]: record["outcome"] for record in report.lines() if record.get("messageId")}
    assert judged["b4"] == "rejected"
    assert "b5" not in judged  # a name the site holds: accepted, nothing to say
    findings = [finding["code"] for record in report.lines() for finding in record["findings"]]
    assert "HJ304" in findings
    assert ("HJ206" in findings) == ("identify" not in only_b and "track" not in only_b)
    calls = cli("replay", first, second, *site, *only_b, "--dry-run").lines()
    assert [call["messageId"] for call in calls if call["call"][0] == "event"] == ["b5"]
    names = cli("inventory", first, second, *site, *only_b, "-f", "json").json()
    fates = {row["name"]: (row["fate"], row["slot"], row["messages"]) for row in names["events"]["names"]}
    assert fates["Four"] == ("turned-away", None, 1)
    assert fates["Two"] == ("kept", 2, 1)
    assert fates["One"] == ("kept", 1, 0)  # received by the site, left out of the report
    assert names["events"]["budget"]["filled_at"] == {"time": "2024-05-01T10:02:00.000Z", "file": str(first), "line": 3}


# Standard input


def test_plain_standard_input(tmp_path: Path) -> None:
    result = process("validate", "-", "-f", "json", input=MIXED.encode(), cwd=tmp_path)
    assert result.code == 1
    assert result.json()["summary"]["events"] == 3
    assert result.json()["examples"]["HJ103"][0]["file"] == "-"


def test_github_annotations_of_standard_input_name_no_file_but_say_the_line(tmp_path: Path) -> None:
    result = process("validate", "-", "-f", "github", input=MIXED.encode(), cwd=tmp_path)
    annotations = [line for line in result.stdout.splitlines() if "title=HJ" in line]
    assert annotations
    assert not any("file=" in line for line in annotations)
    assert all(re.search(r"\(standard input, line \d+\)$", line) for line in annotations)
    named = process(
        "validate", "-", "-f", "github", "--stdin-filename", "logs/a.jsonl", input=MIXED.encode(), cwd=tmp_path
    )
    assert all("file=logs/a.jsonl,line=" in line for line in named.stdout.splitlines() if "title=HJ" in line)


def as_github_reads(annotation: str) -> tuple[dict[str, str], str]:
    """A workflow command's properties and message, decoded as GitHub decodes them."""
    head, message = annotation.split("::", 2)[1:]
    properties = dict(part.split("=", 1) for part in head.split(" ", 1)[1].split(","))

    def decoded(text: str, codes: dict[str, str]) -> str:
        return re.sub("%(25|0D|0A|3A|2C)", lambda code: codes[code.group(1)], text)

    data = {"25": "%", "0D": "\r", "0A": "\n"}
    return {key: decoded(value, {**data, "3A": ":", "2C": ","}) for key, value in properties.items()}, decoded(
        message, data
    )


def test_github_annotations_show_line_breaks_from_the_logs_as_escapes(tmp_path: Path) -> None:
    # GitHub turns %0A back into a line break: a trait named "nest\n" showed as `nest` and a new line, and a file
    # name's line break split the annotation's file. They read as the text report shows them, `\u000a`.
    log = identify(traits={"nest\n": {"a": 1}}) + identify(traits={"cr\r\u001b[31m": {"b": 1}})
    result = process(
        "validate", "-", "-f", "github", "--stdin-filename", "a\nb:c,d%e", input=log.encode(), cwd=tmp_path
    )
    annotations = [line for line in result.stdout.splitlines() if "title=HJ201" in line]
    assert len(annotations) == 2
    read = [as_github_reads(annotation) for annotation in annotations]
    assert [properties["file"] for properties, _ in read] == ["a\\u000ab:c,d%e"] * 2
    messages = [message for _, message in read]
    assert all("\n" not in message and "\r" not in message and "\x1b" not in message for message in messages)
    assert any('$.traits["nest\\u000a"]' in message for message in messages)
    assert any('$.traits["cr\\u000d\\u001b[31m"]' in message for message in messages)
    text = process("validate", "-", "--stdin-filename", "a\nb:c,d%e", input=log.encode(), cwd=tmp_path).stdout
    assert "a\\u000ab:c,d%e:1" in text and '$.traits["nest\\u000a"]' in text  # as the text report shows them


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-", "--stdin-filename", ""], "--stdin-filename '': an empty name names no file (is a variable unset?)"),
        (
            ["{log}", "--stdin-filename", "logs/a.jsonl"],
            "--stdin-filename logs/a.jsonl: names standard input, which is read only when - is among the inputs",
        ),
    ],
    ids=["empty", "no standard input"],
)
@pytest.mark.parametrize("command", ["validate", "inventory"])
def test_a_stdin_filename_that_names_nothing_is_refused(
    tmp_path: Path, logs: Any, command: str, args: list[str], said: str
) -> None:
    # An empty name made annotations with `file=`; a name with no `-` among the inputs was passed over.
    path = logs("log.jsonl", MIXED)
    result = process(command, *[arg.format(log=path) for arg in args], input=MIXED.encode(), cwd=tmp_path)
    assert result.code == 2
    assert result.stderr == f"hotjar-cli: error: {said}\n"


@pytest.mark.parametrize(
    ("engine", "said"),
    [
        (
            [],
            "--scheduler is used only with --engine dask: add --engine dask to run on tcp://x:1, or leave out "
            "--scheduler",
        ),
        (["--engine", "local"], "--scheduler is used only with --engine dask, not with --engine local"),
    ],
    ids=["no engine", "the local engine"],
)
@pytest.mark.parametrize("command", [["validate"], ["inventory"], ["replay", "--dry-run"]])
def test_a_scheduler_without_the_dask_engine_is_refused_before_any_cluster_is_reached(
    logs: Any, command: list[str], engine: list[str], said: str
) -> None:
    # Without --engine, the scheduler was taken to ask for Dask: with no dask extra, the error said that an
    # `--engine dask` never given needed dask.distributed.
    path = logs("log.jsonl", CLEAN)
    result = process(*command, path, "--scheduler", "tcp://x:1", *engine)
    assert (result.code, result.stdout, result.stderr) == (2, "", f"hotjar-cli: error: {said}\n")
    without_dask = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['dask'] = sys.modules['distributed'] = None; "
            "from hotjar_cli.cli.main import main; sys.argv = ['hotjar-cli', *sys.argv[1:]]; main()",
            *command,
            str(path),
            "--scheduler",
            "tcp://x:1",
            *engine,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (without_dask.returncode, without_dask.stderr) == (2, f"hotjar-cli: error: {said}\n")


def test_gzipped_standard_input(tmp_path: Path) -> None:
    result = process("replay", "-", "--dry-run", input=gzip.compress(DRY_RUN_INPUT.encode()), cwd=tmp_path)
    assert result.code == 0
    assert result.lines() == [record | {"file": "-"} for record in DRY_RUN_CALLS]


def test_truncated_gzip_on_standard_input_exits_2(tmp_path: Path) -> None:
    result = process("validate", "-", "-f", "jsonl", input=truncated_gzip(), cwd=tmp_path)
    assert result.code == 2


# Rules and version


def test_rules_lists_the_whole_catalogue() -> None:
    result = cli("rules")
    assert result.code == 0
    for rule in CATALOGUE:
        assert rule.code in result.stdout and rule.name in result.stdout
    listed = cli("rules", "--format", "json").json()
    assert [(rule["code"], rule["name"], rule["severity"]) for rule in listed] == [
        (rule.code, rule.name, rule.severity.value) for rule in CATALOGUE
    ]


@pytest.mark.parametrize(
    ("command", "entry", "said"),
    [
        (["rule"], "103", "no rule '103' (did you mean HJ103 missing-user-id? see `hotjar-cli rules`)"),
        (["rule"], "list trait", "no rule 'list trait' (did you mean HJ202 list-trait? see `hotjar-cli rules`)"),
        (["rule"], "zzz", "no rule 'zzz' (see `hotjar-cli rules`)"),
        (["validate", "--select"], "HJ13", "--select 'HJ13' names no rule (did you mean HJ103 missing-user-id? see"),
        (
            ["validate", "--max-rate"],
            "nested_trait=1",
            "'nested_trait' names no rule (did you mean HJ201 nested-trait?",
        ),
    ],
)
def test_an_entry_that_names_no_rule_is_answered_with_the_rules_it_is_close_to(
    logs: Any, command: list[str], entry: str, said: str
) -> None:
    # A rule's number without its letters, or a name with an underscore, was refused with no more than the list to
    # read through.
    path = logs("events.jsonl", identify())
    result = cli(*command, entry, *([path] if command[0] == "validate" else []))
    assert result.code == 2
    assert said in one_line(result.stderr)


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select", "--extend-ignore"])
def test_a_rule_option_that_names_no_rule_is_named(logs: Any, option: str) -> None:
    # `--select HJ103 --ignore HJ99` said "'HJ99' names no rule", of one of two lists, where --max-rate, --type and
    # the pyproject's keys each name themselves.
    path = logs("events.jsonl", identify())
    result = cli("validate", path, "--select", "HJ1", option, "HJ99")
    assert result.code == 2
    assert one_line(result.stderr) == f"hotjar-cli: error: {option} 'HJ99' names no rule (see `hotjar-cli rules`)"


# Copied from a table or a list with the space around it, as --select takes it (`--select " HJ103 "`).
@pytest.mark.parametrize("name", ["HJ103", "hj103", "missing-user-id", " HJ103 ", "missing-user-id\n"])
def test_rule_prints_its_documentation(name: str) -> None:
    result = cli("rule", name)
    assert result.code == 0
    assert result.stdout == RULES["HJ103"].documentation()
    for section in (
        "# HJ103 missing-user-id",
        "## What it does",
        "## Why it matters",
        "## Example",
        "## Use instead",
        "## Source and confidence",
    ):
        assert section in result.stdout


@pytest.mark.parametrize("name", ["HJ999", "missing-userid"])
def test_unknown_rule_exits_2(name: str) -> None:
    result = cli("rule", name)
    assert result.code == 2
    assert result.stdout == ""
    assert name in one_line(result.stderr)


def test_version() -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.stdout == f"hotjar-cli {__version__} ({compiled.describe()})\n"


def test_dry_run_with_latest_traits_prints_the_merged_plan_user_by_user(tmp_path: Path) -> None:
    log = tmp_path / "outage.jsonl"
    log.write_text(
        "\n".join(
            json.dumps(message)
            for message in [
                {
                    "type": "identify",
                    "userId": "u1",
                    "messageId": "m1",
                    "timestamp": "2020-04-12T10:00:00Z",
                    "traits": {"plan": "pro", "seats": 3},
                },
                {"type": "track", "userId": "u1", "event": "Upgraded", "timestamp": "2020-04-11T09:00:00Z"},
                {"type": "identify", "userId": "u2", "traits": {"plan": "free"}},
                {
                    "type": "identify",
                    "userId": "u1",
                    "messageId": "m4",
                    "timestamp": "2020-04-11T10:00:00Z",
                    "traits": {"plan": "free", "email": "a@example.com"},
                },
            ]
        )
        + "\n"
    )
    result = cli("replay", log, "--dry-run", "--latest-traits")
    assert result.code == 0
    lines = result.lines()
    assert [(line["user"], line["timestamp"], line.get("merged"), line["call"]) for line in lines] == [
        ("u1", "2020-04-12T10:00:00Z", 2, ["identify", "u1", {"plan": "pro", "email": "a@example.com", "seats": 3}]),
        ("u1", "2020-04-11T09:00:00Z", None, ["event", "Upgraded"]),
        ("u2", None, 1, ["identify", "u2", {"plan": "free"}]),
    ]
    assert (lines[0]["line"], lines[0]["messageId"]) == (1, "m1")
    assert list(lines[0]) == ["file", "line", "messageId", "user", "timestamp", "merged", "call"]
    assert list(lines[1]) == ["file", "line", "messageId", "user", "timestamp", "call"]
    assert result.stderr.splitlines() == [
        "3 calls (2 identifies, 1 event) for 2 users from 4 events, in the order the replay makes them.",
        "3 identifies merged into 2 calls, one per user, later traits winning.",
    ]
    result = cli("replay", log, "--dry-run", "--latest-traits", "--type", "identify")
    assert result.stderr.splitlines()[0] == (
        "2 calls (2 identifies, 0 events) for 2 users from 4 events, 1 filtered out, in the order the replay makes "
        "them."
    )


def test_a_merged_identify_line_names_one_message_with_that_message_s_own_time(tmp_path: Path) -> None:
    log = tmp_path / "outage.jsonl"
    log.write_text(
        identify("a", messageId="a1", timestamp="2024-03-01T10:00:00Z")
        + identify("a", messageId="a2", timestamp="2024-03-01T11:00:00Z")
        + identify("a", messageId="a3")  # no time: the replay makes it last
        + identify("b", messageId="b1", timestamp="2024-03-01T12:00:00+05:00")
        + identify("b", messageId="b2", timestamp="not a time")
        + identify("c", messageId="c1", timestamp="2024-03-01T09:00:00+05:00")
        + identify("c", messageId="c2", timestamp="2024-03-01T10:00:00Z")
    )
    lines = cli("replay", log, "--dry-run", "--latest-traits").lines()
    assert [(line["line"], line["messageId"], line["timestamp"], line["merged"]) for line in lines] == [
        (3, "a3", None, 3),
        (5, "b2", "not a time", 2),
        (7, "c2", "2024-03-01T10:00:00Z", 2),
    ]


def test_a_dry_run_line_shows_the_time_as_the_message_wrote_it_even_when_unreadable(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        identify("a", timestamp="not a time")
        + identify("b", timestamp="2024-03-01T12:00:00+05:00")
        + identify("c", timestamp="soon", originalTimestamp="2024-03-01T10:00:00Z")
        + identify("d")
    )
    expected = ["not a time", "2024-03-01T12:00:00+05:00", "2024-03-01T10:00:00Z", None]
    assert [line["timestamp"] for line in cli("replay", log, "--dry-run").lines()] == expected
    assert [line["timestamp"] for line in cli("replay", log, "--dry-run", "--latest-traits").lines()] == expected


EXPLANATIONS_GOT_READY = """
import json, os, sys
from hotjar_cli.cli.validate import prepare_explanations
from hotjar_cli.core.summary import Summary
from hotjar_cli.report.explain import explain, schema_dir

schemas, opened = os.fspath(schema_dir()), []

def heard(event, args):
    if event == "open" and isinstance(args[0], (str, os.PathLike)) and os.fspath(args[0]).startswith(schemas):
        opened.append(os.fspath(args[0]))

sys.addaudithook(heard)
loaded = []
prepare_explanations(Summary())
loaded.append(["jsonschema" in sys.modules, len(opened)])
part = Summary()
part.examples["HJ005"] = []
prepare_explanations(part)
loaded.append(["jsonschema" in sys.modules, len(opened)])
explain({"type": "identify"})
loaded.append(["jsonschema" in sys.modules, len(opened)])
print(json.dumps(loaded))
"""


def test_a_part_with_an_example_to_explain_gets_the_explanations_ready_before_the_report() -> None:
    # In a process of its own, where nothing was explained before: what was loaded (jsonschema) and how many of
    # Segment's schemas were read, after each step.
    done = subprocess.run(
        [sys.executable, "-c", EXPLANATIONS_GOT_READY], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    nothing, ready, explained = json.loads(done.stdout)
    assert nothing == [False, 0]  # no example of a spec problem: nothing is loaded
    assert ready[0] and ready[1] > 0
    assert explained == ready  # the explanation then reads no schema again: they were made ready


@pytest.mark.parametrize(
    ("args", "pyproject", "message"),
    [
        (["--examples", "-1"], "", "--examples -1: must not be negative"),
        (["--max-events", "-5"], "", "--max-events -5: must not be negative"),
        ([], "max-events = -3\n", "{file}: [tool.hotjar-cli] max-events = -3: must not be negative"),
        ([], "examples = -2\n", "{file}: [tool.hotjar-cli] examples = -2: must not be negative"),
    ],
)
def test_a_negative_count_names_where_it_was_given(
    logs: Any, tmp_path: Path, args: list[str], pyproject: str, message: str
) -> None:
    path = logs("log.jsonl", CLEAN)
    (tmp_path / "pyproject.toml").write_text(f"[tool.hotjar-cli]\n{pyproject}")
    result = cli("validate", path, *args)
    assert result.code == 2
    assert one_line(result.stderr) == f"hotjar-cli: error: {message.format(file=tmp_path / 'pyproject.toml')}"


def test_config_naming_a_folder_says_so(logs: Any) -> None:
    result = cli("validate", logs("log.jsonl", CLEAN), "--config", ".")
    assert result.code == 2
    assert one_line(result.stderr) == "hotjar-cli: error: --config .: is a folder; --config names a pyproject.toml"


def test_config_naming_no_file_names_the_option(logs: Any) -> None:
    # "/nonexistent: no such file" alone read as a log that was not there; every other file read besides the logs is
    # named with its option.
    result = cli("validate", logs("log.jsonl", CLEAN), "--config", "nonexistent.toml")
    assert result.code == 2
    assert one_line(result.stderr) == "hotjar-cli: error: --config nonexistent.toml: no such file"


@pytest.mark.parametrize("command", [["validate"], ["inventory"], ["replay", "--dry-run"]], ids=lambda words: words[0])
def test_config_given_twice_is_refused(logs: Any, tmp_path: Path, command: list[str]) -> None:
    # The last one was read without a word, and the first one's settings (a gate's fail-on) passed over.
    path = logs("log.jsonl", MIXED)
    first, second = pyproject(tmp_path / "first", 'fail-on = "never"'), pyproject(tmp_path / "second", "examples = 1")
    result = cli(*command, path, "--config", first, "--config", second)
    assert result.code == 2
    assert one_line(result.stderr) == f"hotjar-cli: error: --config given twice: {first} and {second}; keep one"
    assert result.stdout == ""
    assert cli(*command, path, "--config", first, "--config", first).code == 0  # one file, named twice


@pytest.mark.parametrize(
    ("maximum", "reason", "stored"),
    [
        ("0.0833", "8.333% of events, above the maximum of 8.330%", 0.0833),
        ("8.3333333333%", "8.33333333333% of events, above the maximum of 8.33333333330%", 0.083333333333),
    ],
)
def test_a_rate_just_above_its_maximum_shows_how_it_is_above(
    logs: Any, maximum: str, reason: str, stored: float
) -> None:
    path = logs("log.jsonl", identify() * 11 + identify(None))  # one event in 12 has no userId
    verdict = cli("validate", path, "--max-rate", f"HJ103={maximum}", "-f", "json").json()["verdict"]
    assert verdict["reasons"] == [f"HJ103 missing-user-id: {reason}"]
    assert verdict["max_rates"] == {"HJ103": stored}


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["-f", "jsonl", "--examples", "7"],
            "hotjar-cli: --format jsonl lists every finding, so --examples is not used",
        ),
        (
            ["-f", "junit", "--by", "hour"],
            "hotjar-cli: --format junit does not show the loss over time, so --by is not used",
        ),
        (
            ["-f", "github", "--by", "day"],
            "hotjar-cli: --format github does not show the loss over time, so --by is not used",
        ),
    ],
)
def test_validate_says_which_options_its_format_does_not_use(logs: Any, options: list[str], said: str) -> None:
    # An option the format has no use for was taken without a word: a user looking for the examples or the hours
    # in the report could not tell whether the option was misspelt, ignored or not yet applied.
    path = logs("events.jsonl", DRY_RUN_INPUT)
    result = cli("validate", path, *options)
    assert result.stderr.splitlines()[0] == said
    assert result.stdout == cli("validate", path, *options[:2]).stdout  # the report as without the option
    for used in (
        ["-f", "jsonl"],
        ["-f", "json", "--by", "hour", "--examples", "7"],
        ["--examples", "7"],
        ["-f", "markdown", "--by", "hour"],
    ):
        assert "not used" not in cli("validate", path, *used).stderr


def test_by_with_a_text_report_of_logs_no_rule_found_anything_in_says_there_is_no_table_of_rules(logs: Any) -> None:
    # The text report's table over time is of rules: over clean logs `--by hour` showed nothing of time, and said
    # nothing of why.
    path = logs("events.jsonl", identify() * 3)
    said = "hotjar-cli: no rule found anything, so the text report has no table of when each rule occurs (--by hour)"
    assert said in cli("validate", path, "--by", "hour").stderr.splitlines()
    for other in (["--by", "hour", "--also", "json=report.json"], []):
        assert "no table of when" not in cli("validate", path, *other).stderr  # charted there, or not asked for
    broken = logs("broken.jsonl", identify(None))
    assert "no table of when" not in cli("validate", broken, "--by", "hour").stderr  # HJ103's table is shown


def test_by_with_a_markdown_report_adds_when_each_rule_occurs(logs: Any) -> None:
    # `--format markdown --by day` said "--by is not used": a newcomer asking for the loss over time in a CI step's
    # summary got a warning instead. Now the table says since when each rule occurs, as the text report's does,
    # with the file:line of each sighting as code, its pipes and backticks kept as text.
    path = logs("a|b`c.jsonl", identify() * 2 + identify(None))
    plain = cli("validate", path, "-f", "markdown").stdout
    result = cli("validate", path, "-f", "markdown", "--by", "day")
    assert "not used" not in result.stderr and "When each rule occurs" not in plain
    assert result.stdout.startswith(plain.split("\n**Why:**")[0])  # the same report, the table added
    assert "**When each rule occurs** (event time, by day; 3 events with no readable event time)" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("| `HJ103`") and ".jsonl" in line]
    assert len(rows) == 1 and len(re.split(r"(?<!\\)\|", rows[0])) == 6  # four cells, the path's pipe escaped
    assert "``a\\|b`c.jsonl:3`` (no event time)" in rows[0]
    clean = logs("clean.jsonl", identify() * 3)
    said = "hotjar-cli: no rule found anything, so the markdown report has no table of when each rule occurs (--by day)"
    assert said in cli("validate", clean, "-f", "markdown", "--by", "day").stderr.splitlines()


def test_by_with_a_text_report_of_clean_logs_with_days_missing_says_nothing_against_the_spans_it_shows(
    logs: Any,
) -> None:
    # Clean logs of scattered days: the report named the spans without events, then said it showed no loss over time.
    days = (1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15)
    path = logs(
        "gaps.jsonl",
        "".join(
            json.dumps(
                {"type": "track", "userId": "u", "event": "Signed Up", "timestamp": f"2024-03-{day:02d}T10:00:00Z"}
            )
            + "\n"
            for day in days
        ),
    )
    result = cli("validate", path, "--by", "hour")
    assert "No events in" in result.stdout
    assert "shows no" not in result.stderr
    assert "no table of when each rule occurs" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--format", "json", "--fail-on", "never"],
        ["inventory", "--format", "json"],
        ["replay", "--dry-run", "--latest-traits"],
    ],
    ids=lambda command: command[0],
)
def test_a_window_over_segment_s_archive_judges_the_site_limits_as_over_the_same_messages_in_one_file(
    tmp_path: Path, command: list[str]
) -> None:
    # Every day of the archive sends a new trait and a new event name, on a site of 3 of each. The folders before
    # --since were skipped, so that the window's days were judged on an empty site: HJ206 and HJ304 in one file,
    # none over the archive, and a replay planned names Hotjar had long turned away.
    archive, flat = tmp_path / "segment-logs" / "SRC", []
    for day in range(10):
        start = datetime(2024, 3, 1, tzinfo=UTC) + timedelta(days=day)
        lines = [
            {
                "type": "identify",
                "userId": f"u{day}",
                "traits": {f"trait_day{day}": day},
                "timestamp": start.isoformat(),
            },
            {"type": "track", "userId": f"u{day}", "event": f"event_day{day}", "timestamp": start.isoformat()},
        ]
        folder = archive / str(int(start.timestamp() * 1000))
        folder.mkdir(parents=True)
        (folder / f"{folder.name}.gz").write_bytes(
            gzip.compress("".join(json.dumps(line) + "\n" for line in lines).encode())
        )
        flat += lines
    (tmp_path / "flat.jsonl").write_text("".join(json.dumps(line) + "\n" for line in flat))
    window = ["--since", "2024-03-09", "--max-attributes", "3", "--max-events", "3"]

    def answer(path: Path) -> object:
        out = cli(*command, path, *window).stdout
        if command[0] == "validate":
            summary = json.loads(out)["summary"]
            return summary["outcomes"], summary["rules"]
        if command[0] == "inventory":
            kinds = json.loads(out)
            return [
                [(row["name"], row["fate"], row["slot"]) for row in kinds[kind]["names"]]
                for kind in ("attributes", "events")
            ]
        calls = [json.loads(line) for line in out.splitlines()]
        return [{key: value for key, value in call.items() if key not in ("file", "line")} for call in calls]

    assert answer(tmp_path / "segment-logs") == answer(tmp_path / "flat.jsonl")
    assert "event_day8" not in cli("replay", "--dry-run", tmp_path / "flat.jsonl", *window).stdout


def test_maximum_rates_given_as_a_list_say_to_give_each_on_its_own(logs: Any) -> None:
    result = cli("validate", logs("log.jsonl", THREE_IN_22), "--max-rate", "HJ103=0.01,HJ201=0.5")
    assert result.code == 2
    assert one_line(result.stderr).endswith(
        "is not a fraction (0.01) or a percentage (1%); give each rule's maximum on its own "
        "(--max-rate HJ103=... --max-rate ...)"
    )


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["--max-rate", "HJ103=0.9", "--max-rate", "HJ103=0.1"], "HJ103=0.9 and HJ103=0.1"),
        (["--max-rate", "HJ103=1%", "--max-rate", "missing-user-id=2%"], "HJ103=1% and missing-user-id=2%"),
    ],
)
def test_two_maximum_rates_for_one_rule_are_refused_not_the_last_taken(logs: Any, given: list[str], said: str) -> None:
    # Which one was meant cannot be told: the last one won without a word.
    result = cli("validate", logs("log.jsonl", THREE_IN_22), *given)
    assert result.code == 2
    assert one_line(result.stderr) == f"hotjar-cli: error: --max-rate for HJ103 given twice: {said}; keep one"
    alike = ["--max-rate", "HJ103=1%", "--max-rate", "HJ103=0.01"]
    assert cli("validate", logs("log.jsonl", THREE_IN_22), *alike).code != 2


def test_a_maximum_rate_that_toml_writes_true_is_said_as_toml_writes_it(logs: Any, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.hotjar-cli]\nmax-rate = { HJ103 = true }\n")
    result = cli("validate", logs("log.jsonl", THREE_IN_22), "--config", tmp_path / "pyproject.toml")
    assert result.code == 2
    assert "max-rate for HJ103: true is not a fraction" in one_line(result.stderr)


@pytest.mark.parametrize("columns", [40, 60])
def test_a_narrow_terminal_gets_fewer_progress_columns_none_cut_short(tmp_path: Path, columns: int) -> None:
    # Squeezed, every column was cut short: `valida… 10… 53.6/53.6 … 381,976 eve… e…` at 40 columns.
    path = tmp_path / "log.jsonl"
    path.write_text(MIXED * 20000)
    code, shown = on_one_terminal("validate", path, "-f", "json", "-o", tmp_path / "report.json", columns=columns)
    frames = [
        frame
        for frame in re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", shown).decode().replace("\r", "\n").splitlines()
        if "events" in frame
    ]
    assert code == 1 and frames, shown
    assert all("…" not in frame and len(frame) <= columns for frame in frames), frames
    assert all(re.search(r"\d+% [\d.,/]+ MB [\d,]+ events", frame) for frame in frames), frames


def test_progress_of_less_than_a_megabyte_is_counted_in_kilobytes() -> None:
    # The bundled sample_events/ read `0.0/0.1 MB` as it went: a newcomer's first run looked stuck at nothing.
    sample = Path(__file__).parents[2] / "sample_events"
    lines = process("validate", sample, "--progress", "--fail-on", "never", "-f", "json").stderr.splitlines()
    shares = [line for line in lines if line.startswith("validate: ") and "%" in line]
    totals = {re.search(r"% [\d.,]+/([\d.,]+) kB, ", line).group(1) for line in shares}  # type: ignore[union-attr]
    assert len(totals) == 1 and 100 < float(totals.pop()) < 1_000, shares
    assert not any(" 0.0/" in line for line in shares)


def test_a_narrow_terminal_gets_every_column_standard_input_has_room_for(tmp_path: Path) -> None:
    # Of standard input, whose size is not known, the share and the ETA are blank: they took the room of the bar and
    # of the command's name.
    path = tmp_path / "log.jsonl"
    path.write_text(MIXED * 20000)
    with subprocess.Popen(["cat", str(path)], stdout=subprocess.PIPE) as cat:
        code, shown = on_one_terminal(
            "validate", "-", "-f", "json", "-o", tmp_path / "report.json", "--progress", columns=50, stdin=cat.stdout
        )
    frames = [
        frame.strip()
        for frame in re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", shown).decode().replace("\r", "\n").splitlines()
        if "events" in frame
    ]
    assert code == 1 and frames, shown
    assert all(re.fullmatch(r"validate \S+ [\d.,]+ [kM]B [\d,]+ events", frame) for frame in frames), frames
