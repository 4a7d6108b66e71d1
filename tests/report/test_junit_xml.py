"""The JUnit report stays valid XML 1.0 whatever the logs hold, so that one crafted name cannot break a CI's tests.

XML 1.0 forbids the C0 controls but tab, line feed and carriage return, the lone surrogates, U+FFFE and U+FFFF: a
parser refuses the whole file over one of them. Each is written as its escape (`\\uffff`), as the text report shows
it, and so are the noncharacters XML only discourages (U+FDD0–U+FDEF, U+1FFFE … U+10FFFF), which the terminal sees
escaped too. The reports are written by the command line and read back by `xml.etree.ElementTree`.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hotjar_cli.cli.app import app
from hotjar_cli.core.visible import visible

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb", "FORCE_COLOR": None}

FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0's `Char` production leaves out, as the standard writes it."""
NONCHARACTERS = ["\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"]
HOSTILE = "".join(map(chr, range(0x20))) + "".join(NONCHARACTERS)
"""Every C0 control (tab, line feed and carriage return too) and noncharacters of each kind."""


def junit_report(folder: Path, *arguments: str) -> str:
    result = CliRunner(env=ENV).invoke(
        app,
        [
            "validate",
            str(folder),
            "--format",
            "junit",
            "--examples",
            "1000",
            "--fail-on",
            "never",
            "--allow-empty",
            *arguments,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_valid_xml(report: str) -> ElementTree.Element:
    assert FORBIDDEN_IN_XML.findall(report) == []
    return ElementTree.fromstring(report.encode())


def test_a_ci_reads_the_junit_report_of_a_log_full_of_characters_xml_forbids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "logs"
    folder.mkdir()
    lines = [
        json.dumps(
            {"type": "track", "userId": "u", "messageId": f"m{HOSTILE}", "event": f"Signed Up{HOSTILE}"},
            ensure_ascii=False,
        ),
        json.dumps(
            {"type": "identify", "userId": "u", "traits": {f"plan{HOSTILE}": {"tier": 1}, f"seats{HOSTILE}": [1]}},
            ensure_ascii=False,
        ),
        json.dumps({"type": "identify", "userId": "u", "traits": {"plan": "x" * 300 + HOSTILE}}, ensure_ascii=False),
        json.dumps({"type": "identify", "userId": "u", "traits": {"plan": "\ud800"}}),  # a lone surrogate: U+FFFD
        # A broken line holds the characters raw (all but the line ends), cut short.
        '{"type": "track", "event": "Signed Up' + HOSTILE.replace("\n", "").replace("\r", ""),
    ]
    # A file name whose bytes are not UTF-8 (0xff, which Python reads as the lone surrogate U+DCFF, is shown as
    # \\xff), with a noncharacter and a control character too.
    (folder / "events\udcff\uffff\x01.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = junit_report(folder)

    suites = assert_valid_xml(report)
    shown = "\n".join(element.text or "" for element in suites.iter())
    assert "events\\xff\\uffff\\u0001.jsonl:1 messageId=m\\u0000\\u0001" in shown
    assert visible(f'$.traits["plan{HOSTILE}"]') in shown
    assert visible(f'$.traits["seats{HOSTILE}"]') in shown
    assert "\\ufdd0\\ufdef\\ufffe\\uffff\\ud83f\\udffe\\udbff\\udfff" in shown  # as JSON writes them
    assert '"\\u0000" "\\u0001"' in shown  # the event name's characters Hotjar does not allow
    assert ".jsonl:4" not in shown  # read as U+FFFD: no finding
    assert "events\\xff\\uffff\\u0001.jsonl:5" in shown  # the broken line
    assert not (set(HOSTILE) - {"\n"}) & set(report)  # no noncharacter, nor control but the line ends, raw


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.sampled_from(HOSTILE) | st.characters(exclude_categories=()), min_size=1, max_size=12))
@example(name="\uffff")
@example(name="\ud800")
def test_any_name_in_a_log_leaves_its_junit_report_readable(tmp_path: Path, name: str) -> None:
    log = tmp_path / "events.jsonl"
    message = {"type": "track", "userId": "u", "messageId": name, "event": name, "properties": {name: name}}
    traits = {"type": "identify", "userId": name, "traits": {name: {"a": name}, f"{name}!": [name]}}
    # Lone surrogates are written as JSON escapes: no UTF-8 holds them (the line is then one Hotjar cannot read).
    log.write_text(json.dumps(message) + "\n" + json.dumps(traits) + "\n", encoding="utf-8")

    assert_valid_xml(junit_report(log))


def test_the_text_report_shows_a_noncharacter_in_an_event_name_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ffff.jsonl").write_text(
        json.dumps({"type": "track", "userId": "u", "event": "Signed Up\uffff\u0085"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )

    result = CliRunner(env=ENV).invoke(app, ["validate", "ffff.jsonl", "--fail-on", "never"])

    assert result.exit_code == 0, result.output
    assert 'not allowed: "\\uffff" "\\u0085"' in result.stdout
    assert 'event: "Signed Up\\uffff\\u0085"' in result.stdout
    assert "\uffff" not in result.stdout


@pytest.mark.parametrize(
    "character", ["\x0b", chr(0xD800), chr(0xDFFF), *NONCHARACTERS], ids=lambda character: f"U+{ord(character):04X}"
)
def test_each_character_xml_forbids_or_discourages_is_shown_escaped(character: str) -> None:
    assert visible(f"a{character}b") == "a" + json.dumps(character)[1:-1].lower() + "b"


@pytest.mark.parametrize(
    ("arguments", "checked"),
    [
        (["--select", "HJ3"], {"HJ301", "HJ302", "HJ303", "HJ304", "HJ305"}),
        (
            ["--ignore", "HJ001,HJ2", "--ignore", "HJ1"],
            {"HJ002", "HJ003", "HJ004", "HJ005", *(f"HJ30{n}" for n in range(1, 6))},
        ),
    ],
)
def test_a_rule_the_run_does_not_check_is_skipped_not_passed(
    tmp_path: Path, arguments: list[str], checked: set[str]
) -> None:
    # A broken line and a nested trait: passed, HJ001 and HJ201 would say the logs hold none, where no one looked.
    (tmp_path / "log.jsonl").write_text(
        'not json\n{"type": "identify", "userId": "u1", "traits": {"address": {"city": "Oslo"}}}\n'
        + "".join(f'{{"type": "track", "userId": "u1", "event": "Signed Up {number}"}}\n' for number in range(3))
    )
    suite = assert_valid_xml(junit_report(tmp_path, *arguments)).find("testsuite")
    assert suite is not None
    cases = {case.get("name", ""): case for case in suite.iter("testcase")}
    cases = {name.split()[0] if name.startswith("HJ") else name: case for name, case in cases.items()}
    skipped = {code for code, case in cases.items() if case.find("skipped") is not None}
    assert skipped == {code for code in cases if code.startswith("HJ")} - checked
    assert {"HJ001", "HJ201"} <= skipped
    assert all(cases[code].find("skipped").get("message", "").startswith("not checked in this run") for code in skipped)
    assert suite.get("skipped") == str(len(skipped))
    assert suite.get("tests") == str(len(cases))


def test_a_run_of_every_rule_skips_none() -> None:
    tmp = Path(__file__).parents[2] / "sample_events" / "track.jsonl"
    suite = assert_valid_xml(junit_report(tmp)).find("testsuite")
    assert suite is not None and suite.get("skipped") is None
    assert not any(case.find("skipped") is not None for case in suite.iter("testcase"))
