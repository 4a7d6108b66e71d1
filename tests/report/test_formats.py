"""Golden reports: every `--format` of `hotjar-cli validate`, run on the small logs in `tests/golden/input/`.

The expected reports live in `tests/golden/expected/`, one per format, and are compared byte for byte. After a
deliberate change to a report, regenerate them and review the diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/report/test_formats.py

The input holds three files (one gzipped, one with batch envelopes) whose lines touch most rules: unreadable lines,
an unknown type explained against the schemas, a spec violation, a coerced userId, nested and list traits, dropped
properties, disabled and unsupported messages.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hotjar_cli.cli.app import app
from hotjar_cli.core.decode import decode_one
from hotjar_cli.core.model import Decision, Event, HotjarCall, Outcome, Position
from hotjar_cli.core.rules import RULES
from hotjar_cli.report import Format
from hotjar_cli.report.jsonl_format import json_line
from hotjar_cli.report.lines import FirstCalls
from hotjar_cli.report.records import call_record

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
INPUT = GOLDEN / "input"
EXPECTED = GOLDEN / "expected"
UPDATING = os.environ.get("UPDATE_GOLDEN") == "1"
WIDTH = 120

EXTENSIONS = {
    Format.TEXT: "txt",
    Format.JSON: "json",
    Format.JSONL: "jsonl",
    Format.JUNIT: "xml",
    Format.GITHUB: "log",
    Format.MARKDOWN: "md",
    Format.HTML: "html",
}
"""A format missing here gets `.txt`; its golden is still required."""

# Rich reads the width from COLUMNS and colour from NO_COLOR / FORCE_COLOR; a CI runner's own settings must not
# leak into the goldens.
ENV: dict[str, str | None] = {
    "NO_COLOR": "1",
    "COLUMNS": str(WIDTH),
    "LINES": "50",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "TERM": "dumb",
}

KNOWN_SECRETS = (
    # userIds and anonymousIds, including those of lines that are not valid messages
    "u-1001",
    "u-1005",
    "u-1006",
    "u-1008",
    "u-2001",
    "u-2003",
    "u-2004",
    "anon-7c1f",
    "4242",
    "linus@example.org",
    # trait and property values
    "grace.hopper@example.com",
    "ada.lovelace@example.com",
    "margaret.hamilton@example.com",
    "crm-5521",
    "London",
    "NW1 6XE",
    "Analytical Engines Ltd",
    "Linus Secretname",
    "ultraviolet",
    "SPRING-SECRET",
    "ord-99812",
    "129.5",
    "enterprise",
    "billing",
    "buy-now",
)


def golden_path(format: Format, redacted: bool = False) -> Path:
    """Where the expected report of a format lives."""
    return EXPECTED / f"{format.value}{'-redacted' if redacted else ''}.{EXTENSIONS.get(format, 'txt')}"


def validate(
    format: Format, *extra: str, monkeypatch: pytest.MonkeyPatch, width: int = WIDTH
) -> tuple[int, bytes, str]:
    """Run `hotjar-cli validate input --examples 2 --format FORMAT` in `tests/golden`, as a user would (without
    `--examples` for jsonl, which lists every finding and would say it does not use it)."""
    monkeypatch.chdir(GOLDEN)
    examples = [] if format is Format.JSONL else ["--examples", "2"]
    result = CliRunner(env=ENV | {"COLUMNS": str(width)}).invoke(
        app, ["validate", "input", *examples, "--format", format.value, *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout_bytes, result.stderr


def compare(path: Path, actual: bytes) -> None:
    """Compare with the golden file, or rewrite it when UPDATE_GOLDEN=1."""
    if UPDATING:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
    assert path.is_file(), f"{path} is missing: run UPDATE_GOLDEN=1 .venv/bin/pytest tests/report/test_formats.py"
    expected = path.read_bytes()
    if actual != expected:
        # A line-by-line assertion gives pytest's readable diff; the byte check below catches the rest.
        assert actual.decode().splitlines() == expected.decode().splitlines(), path.name
    assert actual == expected, f"{path.name}: line ends or trailing bytes differ"


@pytest.mark.parametrize("format", list(Format), ids=lambda format: format.value)
def test_report_matches_its_golden(format: Format, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, stderr = validate(format, monkeypatch=monkeypatch)
    assert code == 1  # the input breaks error rules
    assert stderr == ""
    assert stdout.strip()
    compare(golden_path(format), stdout)


@pytest.mark.parametrize(
    ("format", "heading", "row"),
    [
        pytest.param(Format.TEXT, "(hotjar-cli rule ", "│ HJ", id="text"),
        pytest.param(Format.MARKDOWN, "### ", "| `HJ", id="markdown"),
    ],
)
def test_no_examples_asked_for_shows_no_rule_headings_and_counts_every_finding(
    format: Format, heading: str, row: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--examples 0` printed each rule's heading with nothing under it.
    code, stdout, _ = validate(format, "--examples", "0", monkeypatch=monkeypatch)
    report, golden = stdout.decode(), golden_path(format).read_text()
    assert code == 1 and heading in golden and heading not in report
    rows = [line for line in report.splitlines() if line.startswith(row)]
    assert rows and rows == [line for line in golden.splitlines() if line.startswith(row)]


@pytest.mark.parametrize("jobs", ["1", "3"])
@pytest.mark.parametrize("format", list(Format), ids=lambda format: format.value)
def test_report_does_not_depend_on_the_number_of_processes(
    format: Format, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stdout, _ = validate(format, "--jobs", jobs, monkeypatch=monkeypatch)
    assert stdout == golden_path(format).read_bytes()


@pytest.mark.parametrize("format", [Format.JSON, Format.TEXT], ids=lambda format: format.value)
def test_redacted_report_matches_its_golden(format: Format, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, _ = validate(format, "--redact", monkeypatch=monkeypatch)
    assert code == 1
    compare(golden_path(format, redacted=True), stdout)


def test_known_secrets_are_in_the_plain_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without this, the redaction test below could pass on reports that never showed the values at all.
    shown = b"".join(validate(format, monkeypatch=monkeypatch)[1] for format in Format).decode()
    assert [secret for secret in KNOWN_SECRETS if secret not in shown] == []


@pytest.mark.parametrize("format", list(Format), ids=lambda format: format.value)
def test_redacted_reports_hold_no_value_or_user_id_from_the_input(
    format: Format, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stdout, stderr = validate(format, "--redact", monkeypatch=monkeypatch)
    report = stdout.decode() + stderr
    secrets = set(KNOWN_SECRETS) | set(input_values())
    assert sorted(secret for secret in secrets if secret in report) == []
    assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", report), "an email address survived redaction"


def input_values() -> Iterator[str]:
    """Every userId, anonymousId and trait or property value of the golden input that is long enough to grep."""
    for path in sorted(INPUT.iterdir()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        for line in data.splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if not isinstance(value, dict):
                continue
            items = value["batch"] if isinstance(value.get("batch"), list) else [value]
            for message in items:
                for key in ("userId", "anonymousId", "traits", "properties"):
                    yield from (text for text in _scalars(message.get(key)) if len(text) >= 4)


def _scalars(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        yield str(value)


def test_input_exercises_the_promised_spread() -> None:
    report = json.loads(golden_path(Format.JSON).read_bytes())
    assert {
        "HJ001",
        "HJ002",
        "HJ003",
        "HJ004",
        "HJ005",
        "HJ101",
        "HJ102",
        "HJ103",
        "HJ104",
        "HJ105",
        "HJ106",
        "HJ108",
        "HJ201",
        "HJ202",
        "HJ301",
        "HJ303",
        "HJ305",
    } <= set(report["summary"]["rules"])
    assert all(report["summary"]["outcomes"][outcome.value] for outcome in Outcome)
    assert report["summary"]["blank_lines"] == 1
    assert [path.name for path in sorted(INPUT.iterdir()) if path.read_bytes()[:2] == b"\x1f\x8b"]
    assert any("index" in example for examples in report["examples"].values() for example in examples)
    for code in ("HJ003", "HJ005"):
        assert all(example["explanation"] for example in report["examples"][code]), code


def test_json_report_has_the_documented_keys() -> None:
    report = json.loads(golden_path(Format.JSON).read_bytes())
    assert {"summary", "rules", "examples", "errors", "verdict"} <= set(report)
    summary = report["summary"]
    assert {
        "files",
        "lines",
        "blank_lines",
        "events",
        "filtered",
        "outcomes",
        "calls",
        "rules",
        "events_by_rule",
    } <= set(summary)
    assert set(summary["outcomes"]) == {outcome.value for outcome in Outcome}
    assert sum(summary["outcomes"].values()) == summary["events"] - summary["filtered"]
    assert summary["files"] == 3
    for code, rule in report["rules"].items():
        assert set(rule) >= {"name", "severity", "findings", "events", "fails"}
        assert (rule["name"], rule["severity"]) == (RULES[code].name, RULES[code].severity.value)
        assert rule["findings"] == summary["rules"][code]
        assert rule["events"] == summary["events_by_rule"][code]
    assert set(report["verdict"]) >= {"exit_code", "failed", "fail_on", "max_rates", "reasons"}
    assert report["verdict"]["exit_code"] == 1 and report["verdict"]["fail_on"] == "error"
    for code, examples in report["examples"].items():
        assert 1 <= len(examples) <= 2
        for example in examples:
            assert {"file", "line", "messageId", "type", "outcome", "findings", "payload", "call"} <= set(example)
            assert code in {finding["code"] for finding in example["findings"]}
            for finding in example["findings"]:
                assert set(finding) == {"code", "name", "severity", "effect", "path", "message", "detail"}
    assert report["examples"]["HJ106"][0]["call"][1] == "4242"


def test_jsonl_report_is_one_object_per_event_with_findings() -> None:
    records = [json.loads(line) for line in golden_path(Format.JSONL).read_text().splitlines()]
    summary = json.loads(golden_path(Format.JSON).read_bytes())["summary"]
    assert records
    for record in records:
        assert {"file", "line", "messageId", "type", "outcome", "findings"} <= set(record)
        assert record["findings"]
    assert sum(len(record["findings"]) for record in records) == sum(summary["rules"].values())
    positions = [(record["file"], record["line"], record.get("index", -1)) for record in records]
    assert positions == sorted(positions)  # input order: files are read sorted
    invalid_batch = next(record for record in records if record["findings"][0]["code"] == "HJ004")
    assert "index" not in invalid_batch


def test_junit_report_parses_with_one_case_per_rule() -> None:
    root = ElementTree.fromstring(golden_path(Format.JUNIT).read_bytes())
    *cases, events, readable = root.findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == [rule.title for rule in RULES.values()]
    # The input's cases are there whether they pass or not: a dashboard counts the same tests from run to run.
    assert [events.get("name"), readable.get("name")] == ["input has events", "input is readable"]
    failing = {case.get("name", "").split()[0] for case in cases if case.find("failure") is not None}
    verdict = json.loads(golden_path(Format.JSON).read_bytes())["rules"]
    assert failing == {code for code, rule in verdict.items() if rule["fails"]}
    assert root.get("failures") == str(len(failing))


def test_github_report_is_workflow_commands_only() -> None:
    lines = golden_path(Format.GITHUB).read_text().splitlines()
    assert all(re.match(r"::(error|warning|notice) ", line) for line in lines)
    # The verdict first: GitHub shows the first ten errors of a step, and after a few rules' examples it was not seen.
    assert lines[0].startswith("::error title=hotjar-cli validate::") and "Gate failed" in lines[0]
    assert sum(line.startswith("::error title=hotjar-cli validate::") for line in lines) == 1


def test_github_annotations_are_errors_for_the_rules_that_fail_the_run_alone() -> None:
    # By severity, a run whose gate passed showed red errors, and a rule its maximum rate failed it by a warning.
    failing = {
        code for code, rule in json.loads(golden_path(Format.JSON).read_bytes())["rules"].items() if rule["fails"]
    }
    for line in golden_path(Format.GITHUB).read_text().splitlines()[:-1]:
        found = re.search(r"title=(HJ\d+) ", line)
        if found is not None:
            assert line.startswith("::error ") == (found.group(1) in failing), line


def test_text_report_uses_the_terminal_width_and_no_colour() -> None:
    text = golden_path(Format.TEXT).read_text()
    assert "\x1b[" not in text
    widths = [len(line) for line in text.splitlines()]
    assert 80 < max(widths) <= WIDTH  # COLUMNS=120 was honoured, not rich's default of 80


@pytest.mark.parametrize("width", [80, 160])
def test_text_report_at_a_width_matches_its_golden(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # 80 columns is every CI log and redirected output; 160 a wide terminal.
    _, stdout, _ = validate(Format.TEXT, monkeypatch=monkeypatch, width=width)
    compare(EXPECTED / f"text-{width}.txt", stdout)


@pytest.mark.parametrize("width", [40, 60, 80, 160])
def test_text_report_fits_the_width_and_never_cuts_a_rule_marker(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _, stdout, _ = validate(Format.TEXT, monkeypatch=monkeypatch, width=width)
    lines = stdout.decode().splitlines()
    assert max(len(line) for line in lines) <= width
    markers = [line.split("← ", 1)[1] for line in lines if "← " in line]
    assert markers
    assert all(marker in {rule.title for rule in RULES.values()} for marker in markers), markers
    # A heading that does not fit goes on indented, never from the first column: only the report's own
    # headings, tables and the verdict start there.
    starts = [line for line in lines if line and not line.startswith(" ")]
    assert all(
        re.match(r"(HJ\d{3} |hotjar-cli validate|What Hotjar|Findings by rule|When each rule|[┏┃┡│└]|Gate )", line)
        for line in starts
    ), starts


def findings_section(stdout: bytes) -> str:
    """The findings by rule of a text report: from its heading to the table of when each rule occurs."""
    text = stdout.decode()
    return text[text.index("Findings by rule") : text.index("When each rule occurs")]


@pytest.mark.parametrize("width", [40, 60, 70, 80, 160])
def test_text_report_never_cuts_a_rule_code_name_severity_count_or_gate(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, stdout, _ = validate(Format.TEXT, monkeypatch=monkeypatch, width=width)
    _, document, _ = validate(Format.JSON, monkeypatch=monkeypatch, width=width)
    rules = [{"code": code, **rule} for code, rule in json.loads(document)["rules"].items()]
    section = findings_section(stdout)
    assert "…" not in section
    for rule in rules:
        # One table row, or the rule's heading with its values on the line below when the table would not fit.
        row = re.search(
            rf"│ {rule['code']} +│ {rule['name']} +│ {rule['severity']} +│ +{rule['findings']:,} │", section
        )
        stacked = re.search(
            rf"^{rule['code']} {rule['name']}\n  {rule['severity']}: {rule['findings']:,} findings? in ", section, re.M
        )
        assert row or stacked, (rule["code"], section)
    failing = [rule["code"] for rule in rules if rule["fails"]]
    assert failing
    assert section.count("fails") == len(failing)


def _call_line(file: str, line: int, message_id: object, kind: str = "event", index: int | None = None) -> str:
    """A line of the dry run, as `CallLines` writes it."""
    fields: dict[str, object] = {"type": "track", "userId": "u1", "event": "Signed Up"}
    if message_id is not None:
        fields["messageId"] = message_id
    message = decode_one(json.dumps(fields).encode())
    call = (
        HotjarCall("identify", user_id="u1", attributes={}) if kind == "identify" else HotjarCall("event", "Signed Up")
    )
    return json_line(call_record(Event(Position(file, line, index), message, Decision(Outcome.ACCEPTED, call))))


def test_the_dry_run_lines_leave_out_a_call_repeating_a_message_id_whether_written_whole_or_in_pieces() -> None:
    lines = [
        _call_line("a.ndjson", 1, "m-1", "identify"),
        _call_line("a.ndjson", 2, "m-2"),
        _call_line("a.ndjson", 3, None),
        _call_line("b.ndjson", 1, "m-2"),
        _call_line("b.ndjson", 2, None),
        _call_line("b.ndjson", 3, "m-1", "identify", index=4),
        _call_line("b.ndjson", 4, "m-3"),
    ]
    expected = "".join(lines[index] for index in (0, 1, 2, 4, 6))
    text = "".join(lines)
    for size in (1, 7, 50, len(text)):
        out = io.StringIO()
        first_calls = FirstCalls(out)
        for start in range(0, len(text), size):
            first_calls.write(text[start : start + size])
        assert out.getvalue() == expected
        assert first_calls.repeats.left_out == {"identify": 1, "event": 1}
        assert str(first_calls.first) == "b.ndjson:1"


def test_a_file_name_or_message_id_holding_json_cannot_pass_for_another_message_id() -> None:
    lines = [
        _call_line('x,"messageId":"m-1","user":"u1', 1, "m-0"),
        _call_line("a.ndjson", 2, 'm-1","user":"u1'),
        _call_line("a.ndjson", 3, "m-1"),
        _call_line("a.ndjson", 4, "m-1\u2028"),
        _call_line('b",\n"messageId":"m-1', 5, "m-1"),
        _call_line("c.ndjson", 6, ""),
        _call_line("c.ndjson", 7, ""),  # an empty messageId is none: never a repeat, as the replay plans it
    ]
    out = io.StringIO()
    first_calls = FirstCalls(out)
    for text in lines:
        first_calls.write(text)
    assert out.getvalue() == "".join(lines[:4] + lines[5:])
    assert first_calls.repeats.calls == 1
    assert str(first_calls.first) == 'b",\n"messageId":"m-1:5'


def test_a_dry_run_line_whose_message_id_is_no_string_is_never_a_repeat() -> None:
    # Written as the message gave it (`12345`, `true`), such an id is no text Segment de-duplicates on, as the replay
    # plans it; a text of the same digits is an id of its own.
    lines = [_call_line("a.ndjson", number, message_id) for number, message_id in enumerate([12345, True, 1.5], 1)]
    lines += [_call_line("b.ndjson", number, message_id) for number, message_id in enumerate([12345, True, 1.5], 1)]
    lines += [_call_line("c.ndjson", 1, "12345"), _call_line("c.ndjson", 2, "12345")]
    out = io.StringIO()
    first_calls = FirstCalls(out)
    first_calls.write("".join(lines))
    assert out.getvalue() == "".join(lines[:-1])
    assert str(first_calls.first) == "c.ndjson:2"


@pytest.mark.parametrize("format", ["text", "markdown", "github", "junit"])
def test_a_name_sent_hundreds_of_thousands_of_characters_long_is_cut_in_the_human_formats(
    tmp_path: Path, format: str
) -> None:
    # A payload sent as a trait's name and as a messageId: the markdown report was 3.6 MB (GitHub's step summary
    # takes 1 MiB), the text report 25,000 lines of one path folded at 80 columns.
    long = "k" * 600_000
    log = tmp_path / "log.jsonl"
    log.write_text(
        "".join(
            json.dumps({"type": "identify", "userId": "u1", "messageId": long, "traits": {f"{long}{n}": {"a": 1}}})
            + "\n"
            for n in range(3)
        )
    )
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"}).invoke(
        app, ["validate", str(log), "-f", format, "--fail-on", "warning"]
    )
    assert result.exit_code == 1, result.output
    assert len(result.stdout) < 20_000
    shown = re.sub(r"\s+", " ", result.stdout)  # the text report folds a long heading
    assert "k… (600,010 characters)" in shown  # the path, `$.traits.` and the name: cut, and said to be
    if format != "github":  # an annotation names no messageId
        assert "k… (600,000 characters)" in shown
    whole = CliRunner().invoke(app, ["validate", str(log), "-f", "jsonl", "--fail-on", "never"]).stdout
    assert f'"$.traits.{long}0"' in whole  # the machine formats keep it whole


def test_an_example_cut_to_its_bound_counts_its_marks_and_shows_a_lone_line_rather_than_mark_it() -> None:
    # Traits dropped and kept in turn: 60 lines of payload and 21 marks of `… 1 more line` between them.
    from hotjar_cli.core.model import Finding
    from hotjar_cli.core.summary import Example
    from hotjar_cli.report.diff import SHOWN_LINES, diff_lines

    traits = {f"t{number}": ({} if number % 2 else number) for number in range(200)}
    findings = tuple(Finding("HJ201", f"$.traits.t{number}", "") for number in range(1, 200, 2))
    example = Example(
        Position("log.jsonl", 1),
        None,
        "identify",
        Outcome.MODIFIED,
        findings,
        {"type": "identify", "traits": traits},
        ["identify", None, {}],
    )
    lines = diff_lines(example)
    assert len(lines) <= SHOWN_LINES
    assert not any(line.text.endswith("… 1 more line") for line in lines)
    assert [line.text for line in lines[:2]] == ['type: "identify"', "traits:"]


@pytest.mark.parametrize("format", ["text", "markdown", "html", "junit"])
def test_an_event_of_thousands_of_findings_is_shown_in_a_bounded_example(tmp_path: Path, format: str) -> None:
    # Six identifies of 3,000 traits each, every one dropped: 1.5 MB of text report, and a markdown report over the
    # 1 MiB of GitHub's step summary. The one trait of the last event a rule drops is shown among its thousands kept.
    log = tmp_path / "log.jsonl"
    events = [{"type": "identify", "userId": f"u{n}", "traits": {f"t{i}": {} for i in range(3000)}} for n in range(6)]
    events.append({"type": "identify", "userId": "u9", "traits": {**{f"k{i}": i for i in range(3000)}, "last": []}})
    log.write_text("".join(json.dumps(event) + "\n" for event in events))
    out = tmp_path / f"report.{format}"
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"}).invoke(
        app, ["validate", str(log), "-f", format, "-o", str(out), "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    shown = out.read_text()
    assert len(shown) < (1_000_000 if format == "html" else 60_000)
    if format != "junit":  # a failure's message says the findings, not the payload
        assert "2,944 more lines" in shown  # 3,003 lines: type, traits, userId and 56 of the traits shown
        assert "u0" in shown  # the userId, after the traits in the payload, among the fields shown first
        assert "last" in shown and "k2999" not in shown
    if format != "html":  # a card shows the payload alone
        assert "2,990 more" in shown  # the findings on an example's heading


def test_github_annotation_levels_follow_the_gate_not_the_severity(tmp_path: Path) -> None:
    # A maximum rate fails the run by a warning's rule, and --fail-on never lets an error's pass: the warning was
    # annotated as a warning, the error as an error, on a green run.
    from tests.support.cli import cli, identify

    log = tmp_path / "log.jsonl"
    log.write_text(identify(None, anonymousId="a1") + identify("u2", traits={"address": {"city": "Oslo"}}))
    result = cli("validate", log, "-f", "github", "--fail-on", "never", "--max-rate", "nested-trait=0.01")
    lines = result.stdout.splitlines()
    assert result.code == 1
    assert any(line.startswith("::error ") and "title=HJ201 " in line for line in lines)
    assert any(line.startswith("::warning ") and "title=HJ103 " in line for line in lines)
    assert lines[0].startswith("::error title=hotjar-cli validate::")
    passed = cli("validate", log, "-f", "github", "--fail-on", "never").stdout.splitlines()
    assert not any(line.startswith("::error ") for line in passed) and passed[0].startswith("::notice ")


def test_github_annotates_an_example_once_however_many_findings_it_holds(tmp_path: Path) -> None:
    # An identify with 3,000 nested traits was 3,000 annotations of one line, past any GitHub shows.
    from tests.support.cli import cli, identify

    log = tmp_path / "log.jsonl"
    log.write_text(identify("u1", traits={f"t{number}": {} for number in range(3000)}))
    lines = cli("validate", log, "-f", "github").stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"::warning file={log},line=1,title=HJ201 nested-trait::")
    assert lines[1].endswith(", and 2,999 more findings of the rule in this event")


@pytest.mark.parametrize("format", ["text", "markdown"])
def test_a_rule_within_its_maximum_rate_says_so_in_the_gate_column(tmp_path: Path, format: str) -> None:
    # Its row was blank, as if no maximum had been checked.
    from tests.support.cli import cli, identify

    log = tmp_path / "log.jsonl"
    log.write_text(identify(None, anonymousId="a1") + identify("u2") + identify("u3"))
    out = cli("validate", log, "-f", format, "--max-rate", "missing-user-id=50%", "--color", "never").stdout
    row = next(line for line in out.splitlines() if "missing-user-id" in line and "HJ103" in line)
    assert "within its maximum" in row


@pytest.mark.parametrize("width", [80, 40])
def test_a_rule_within_its_maximum_rate_says_so_on_a_narrow_terminal(tmp_path: Path, width: int) -> None:
    # At 80 columns the words widened the table past the terminal, and the lines that stack each rule's values
    # then said only which rules failed.
    from tests.support.cli import ENV, identify

    log = tmp_path / "log.jsonl"
    log.write_text(identify(None, anonymousId="a1") + identify("u2", traits={"address": {"city": "Oslo"}}))
    args = ["validate", str(log), "--max-rate", "missing-user-id=50%", "--color", "never"]
    out = CliRunner(env={**ENV, "COLUMNS": str(width)}).invoke(app, args).stdout
    assert max(map(len, out.splitlines())) <= width
    # The rule's row, read without the table's lines: its words may go on two lines of the row, or stack below it.
    rules = out[out.index("Findings by rule") : out.index("When each rule")]
    said = " ".join(rules.replace("│", " ").split())
    assert "within its maximum" in said[said.index("HJ103") :]


HUGE = "9" * 4_300  # the most digits an integer read has (Python's own bound for its text)
MESSAGE_IDS = [
    # (the messageId as the line holds it, as the JSON formats write it, as the human formats show it)
    ("12345", 12345, "12345"),
    ("true", True, "true"),
    ("false", False, "false"),
    ("0", 0, "0"),
    ("-7", -7, "-7"),
    ("1.5", 1.5, "1.5"),
    ("1E16", 1e16, "1e16"),
    ("-0.0", -0.0, "-0.0"),
    ("5e-324", 5e-324, "5e-324"),
    ("1.7976931348623157e308", 1.7976931348623157e308, "1.7976931348623157e308"),
    (HUGE, int(HUGE), f"{HUGE[:299]}… (4,300 characters)"),
    (f"-{HUGE[1:]}", -int(HUGE[1:]), f"-{HUGE[:298]}… (4,300 characters)"),
    ('"m-1"', "m-1", "m-1"),
    ('"42"', "42", "42"),
    ('""', "", None),  # an empty id: none to name
    ("null", None, None),
    (None, None, None),  # no messageId at all
    ('{"id": 1}', None, None),  # an object or a list is no id: the payload shows it, HJ005 says what it is
    ("[1, 2]", None, None),
]
"""messageIds of every JSON type, each on a line of its own (line 1 the first), every line with a finding."""


def message_id_log(folder: Path) -> Path:
    """`ids.jsonl`: a track of an event name Hotjar refuses (HJ303) with each of `MESSAGE_IDS`, and last a line whose
    messageId is past a double (1e400), which is no JSON a reader takes (HJ001)."""
    lines = []
    for given, _, _ in MESSAGE_IDS:
        message_id = "" if given is None else f', "messageId": {given}'
        lines.append(f'{{"type": "track", "userId": "u1", "event": "Bad Name!!"{message_id}}}\n')
    lines.append('{"type": "track", "userId": "u1", "event": "Bad Name!!", "messageId": 1e400}\n')
    log = folder / "ids.jsonl"
    log.write_text("".join(lines))
    return log


def validate_ids(folder: Path, monkeypatch: pytest.MonkeyPatch, format: str, *extra: str) -> str:
    """`hotjar-cli validate ids.jsonl` in `folder`, every example shown, on a terminal wide enough for any heading."""
    monkeypatch.chdir(folder)
    message_id_log(folder)
    examples = [] if format == "jsonl" else ["--examples", "50"]
    result = CliRunner(env=ENV | {"COLUMNS": "1000"}).invoke(
        app, ["validate", "ids.jsonl", "-f", format, *examples, *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    return result.stdout


def typed(value: object) -> tuple[type, object]:
    """A value with its type, so that `true` is not taken for `1` nor `1.0` for `1`."""
    return type(value), value


@pytest.mark.parametrize("format", list(Format), ids=lambda format: format.value)
def test_a_message_id_of_any_json_type_is_reported_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, format: Format
) -> None:
    # A huge integer, a double at either end of its range, an object: no format fails on one.
    out = validate_ids(tmp_path, monkeypatch, format.value)
    assert "ids.jsonl" in out


@pytest.mark.parametrize("redact", [False, True], ids=["plain", "redacted"])
def test_the_json_report_writes_a_message_id_as_the_message_gave_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redact: bool
) -> None:
    # A number was written as null: no one could find the message by its id in their warehouse.
    document = json.loads(validate_ids(tmp_path, monkeypatch, "json", *(["--redact"] if redact else [])))
    written = {example["line"]: example["messageId"] for example in document["examples"]["HJ303"]}
    assert [typed(written[line]) for line in range(1, len(MESSAGE_IDS) + 1)] == [
        typed(expected) for _, expected, _ in MESSAGE_IDS
    ]
    assert document["examples"]["HJ001"][0]["messageId"] is None  # 1e400: the line is read as no message


def test_the_jsonl_report_writes_a_message_id_as_the_message_gave_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [json.loads(line) for line in validate_ids(tmp_path, monkeypatch, "jsonl").splitlines()]
    assert [typed(record["messageId"]) for record in records] == [
        *(typed(expected) for _, expected, _ in MESSAGE_IDS),
        typed(None),
    ]


HEADINGS = {
    "text": ("ids.jsonl:{line}  messageId {id}:", "ids.jsonl:{line}:"),
    "markdown": ("`ids.jsonl:{line}` messageId `{id}`:", "`ids.jsonl:{line}`:"),
    "junit": ("ids.jsonl:{line} messageId={id}:", "ids.jsonl:{line}:"),
}
"""How an example's heading names its message in each human format that names it: with an id, and with none."""


@pytest.mark.parametrize("format", list(HEADINGS))
def test_the_human_formats_name_a_message_by_the_message_id_it_carries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, format: str
) -> None:
    out = validate_ids(tmp_path, monkeypatch, format)
    with_id, without_id = HEADINGS[format]
    for line, (_, _, shown) in enumerate(MESSAGE_IDS, 1):
        heading = without_id.format(line=line) if shown is None else with_id.format(line=line, id=shown)
        assert heading in out, (line, shown)
