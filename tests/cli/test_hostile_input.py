"""Input no log should be able to crash the tool with: every command reads it and says what is wrong with it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hotjar_cli.core.decode import (
    BINARY_BYTES,
    BOM_INSIDE,
    MAX_LEVELS,
    NUL_BYTES,
    SPREAD_OVER_LINES,
    TOO_DEEP,
    SegmentMessage,
    Unreadable,
    parse_line,
)
from hotjar_cli.core.summary import DEEPER_THAN_SHOWN
from hotjar_cli.run.one_pass import deep_enough
from tests.support.cli import CLI, cli, one_line, process, track


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_lines(levels: int) -> str:
    """A message nested `levels` deep in each place a message can hold a value, and an envelope around one."""
    value = nested(levels)
    return "".join(
        line + "\n"
        for line in (
            f'{{"type": "identify", "userId": "u1", "traits": {{"a": {value}}}}}',
            f'{{"type": "track", "userId": "u1", "event": "x", "properties": {{"a": {value}}}}}',
            f'{{"type": "track", "userId": "u1", "event": "x", "context": {{"a": {value}}}}}',
            f'{{"batch": [{{"type": "track", "userId": "u1", "event": "x", "properties": {{"a": {value}}}}}]}}',
            value,
        )
    )


@pytest.mark.parametrize("levels", [1_000, 5_000, 100_000])
def test_a_line_nested_too_deeply_to_read_is_invalid_json(levels: int) -> None:
    lines = deep_lines(levels).encode().splitlines()
    # A bare list is read by orjson, which goes 1,024 levels deep, to say it is no message: past that, too deep.
    arrays = [lines.pop(), b'[{"a": ' + nested(levels).encode() + b"}]"]
    for raw in lines + (arrays if levels > 1_024 else []):
        (parsed,), _ = parse_line(raw)
        assert isinstance(parsed, Unreadable)
        assert parsed.detail == TOO_DEEP


def nested_objects(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


def as_deep_as(levels: int) -> str:
    """An identify and a track nested `levels` deep, the message itself counted."""
    value = nested_objects(levels - 2)
    return (
        f'{{"type": "identify", "userId": "u1", "traits": {{"x": {value}}}}}\n'
        f'{{"type": "track", "userId": "u1", "event": "x", "properties": {{"x": {value}}}}}\n'
    )


@pytest.mark.parametrize(
    "command",
    [
        *(["validate", "-f", form] for form in ("json", "html", "jsonl", "markdown", "text", "junit", "github")),
        *(["inventory", "-f", form] for form in ("json", "html", "csv", "text")),
        ["replay", "--dry-run"],
    ],
)
def test_every_command_reads_and_writes_lines_as_deep_as_a_line_is_read(
    logs: Any, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    # The deepest lines read, one level deeper, and lines far too deep, split over two processes: the depth a line is
    # read to is the same in each, and a value that deep is pickled, decoded late and written wherever (the
    # interpreter's 1,000 levels of recursion stopped a worker's answer at 600, a report at 975).
    monkeypatch.setenv("HOTJAR_CLI_PARALLEL_MIN_BYTES", "0")
    text = track() * 300 + as_deep_as(MAX_LEVELS) + track() * 300 + as_deep_as(MAX_LEVELS + 1)
    path = logs("deep.jsonl", text + deep_lines(1_000) + deep_lines(900) + track() * 300)
    options = ["--fail-on", "never"] if command[0] == "validate" else []
    one = cli(*command, path, "--jobs", "1", *options)
    assert one.code == 0, one.stderr
    assert cli(*command, path, "--jobs", "2", *options).stdout == one.stdout
    if command[:3] == ["validate", "-f", "json"]:
        assert one.json()["summary"]["rules"]["HJ001"] == 6


def test_an_example_nested_as_deep_as_a_line_is_read_keeps_the_report_small_and_readable(logs: Any) -> None:
    # Fifty values 997 levels deep in a line of 100 KB: shown whole, each level indented further, the JSON report was
    # 101 MB, and deeper than Python's json (and jq) read.
    deep = "[" * 997 + "1" + "]" * 997
    path = logs(
        "deep.jsonl", f'{{"type": "identify", "userId": "u1", "traits": {{"x": [{", ".join([deep] * 50)}]}}}}\n'
    )
    result = cli("validate", path, "-f", "json", "--fail-on", "never")
    assert len(result.stdout) < 1_000_000
    report = json.loads(result.stdout)  # no deeper than Python's own reader goes
    assert DEEPER_THAN_SHOWN in result.stdout
    assert report["summary"]["events"] == 1


def test_a_line_is_read_to_its_depth_however_deep_the_reader_is_called() -> None:
    # A decoder stops where the interpreter's recursion runs out: lines past `MAX_LEVELS` are never decoded, and a pass
    # leaves room enough for any other, even called 2,000 levels deep.
    limit = sys.getrecursionlimit()
    deep_enough()
    try:
        for levels in (MAX_LEVELS, MAX_LEVELS + 1, 5_000):
            assert read_deep_down(as_deep_as(levels).encode(), 2_000) == [levels > MAX_LEVELS] * 2
    finally:
        sys.setrecursionlimit(limit)


def read_deep_down(raw: bytes, levels: int) -> list[bool]:
    """Whether each line is unreadable, read with `levels` of the interpreter's recursion in use."""
    if levels:
        return read_deep_down(raw, levels - 1)
    return [isinstance(parse_line(line)[0][0], Unreadable) for line in raw.splitlines()]


@pytest.mark.parametrize(
    "named", [["log.jsonl", "log.jsonl"], ["log.jsonl", "."], ["logs/../log.jsonl", "alias.jsonl", "log.jsonl"]]
)
def test_an_input_named_twice_is_read_once(logs: Any, named: list[str]) -> None:
    path = logs("log.jsonl", track() * 3)
    Path("logs").mkdir()
    Path("alias.jsonl").symlink_to("log.jsonl")
    once = cli("validate", path, "-f", "json").json()["summary"]
    twice = cli("validate", *named, "-f", "json")
    assert twice.json()["summary"] == once
    assert "is named more than once" in twice.stderr


@pytest.mark.parametrize("command", [["validate"], ["inventory"], ["replay", "--dry-run"]])
def test_a_seed_of_more_names_than_the_site_holds_is_refused(logs: Any, command: list[str]) -> None:
    path = logs("log.jsonl", track())
    Path("known.txt").write_text("".join(f"name {number}\n" for number in range(101)))
    result = cli(*command, path, "--known-attributes", "known.txt")
    assert result.code == 2
    assert one_line(result.stderr) == (
        "hotjar-cli: error: --known-attributes known.txt: 101 names, more than the 100 a site holds (--max-attributes)"
    )
    assert cli(*command, path, "--known-attributes", "known.txt", "--max-attributes", "101").code == 0


def test_a_seed_that_is_not_utf8_names_its_line(logs: Any) -> None:
    path = logs("log.jsonl", track())
    Path("known.txt").write_bytes(b"\xef\xbb\xbfplan\nseats\nbad \xff byte\n")
    result = cli("inventory", path, "--known-events", "known.txt")
    assert result.code == 2
    assert one_line(result.stderr) == "hotjar-cli: error: --known-events known.txt:3: not UTF-8 text"


@pytest.mark.parametrize(
    ("raw", "event"),
    [
        (rb'{"type": "track", "userId": "u1", "event": "ab\ud800"}', "ab\ufffd"),
        (rb'{"type": "track", "userId": "u1", "event": "ab\udc00x"}', "ab\ufffdx"),
        (rb'{"type": "track", "userId": "u1", "event": "\ud83d\ude00 \uDBFF"}', "\U0001f600 \ufffd"),
        (rb'{"type": "track", "userId": "u1", "event": "\\ud800 \udc00\ud800"}', "\\ud800 \ufffd\ufffd"),
        (rb'{"type": "track", "userId": "u1", "event": "\\\ud800", "context": {"a": "\udfff"}}', "\\\ufffd"),
    ],
)
def test_a_lone_surrogate_is_read_as_u_fffd(raw: bytes, event: str) -> None:
    # JavaScript's `slice` cuts an emoji in two, and JSON.stringify writes the half as an escape: JSON.parse takes it,
    # and the integration makes its call. The message was counted as invalid JSON, and lost.
    (parsed,), _ = parse_line(raw)
    assert isinstance(parsed, SegmentMessage)
    assert parsed.event == event


def test_a_byte_that_is_not_utf8_in_a_batch_item_breaks_that_item_alone(logs: Any) -> None:
    # A message's `context` is kept as bytes, never checked; in a batch envelope, a byte that is not UTF-8 in one
    # item's `context` made every item of the line one broken line, lost.
    items = [
        b'{"type":"track","userId":"u1","event":"E","context":{"page":{"title":"caf\xe9"}}}',
        b'{"type":"identify","userId":"u2","traits":{"plan":"caf\xe9"}}',
        b'"no message"',
        b'{"type":"track","userId":"u3","event":"F","integrations":{"All":false}}',
    ]
    envelope = (
        b'{"batch":[' + b",".join(items) + b'],"context":{"timezone":"Asia/Tokyo"},"integrations":{"All":true}}\n'
    )
    path = logs("batch.jsonl", "")
    Path(path).write_bytes(envelope)
    report = cli("validate", path, "-f", "jsonl", "--fail-on", "never").lines()
    assert [(line["index"], line["outcome"], [f["code"] for f in line["findings"]]) for line in report] == [
        (1, "invalid", ["HJ001"]),
        (2, "invalid", ["HJ002"]),
        (3, "ignored", ["HJ102"]),
    ]
    calls = [(line["index"], line["call"]) for line in cli("replay", path, "--dry-run").lines()]
    assert calls == [(0, ["event", "E"])]


def test_a_message_holding_a_lone_surrogate_is_counted_and_replayed(logs: Any) -> None:
    path = logs(
        "cut.jsonl",
        '{"type": "identify", "userId": "u1", "traits": {"name": "Ana \\ud83d", "x\\udc00": 1}}\n'
        '{"type": "track", "userId": "u1", "event": "Signed Up", "context": {"page": {"title": "\\ud83d"}}}\n',
    )
    report = cli("validate", path, "-f", "json").json()
    assert report["summary"]["outcomes"]["invalid"] == 0
    calls = [line["call"] for line in cli("replay", path, "--dry-run").lines()]
    assert calls == [["identify", "u1", {"name": "Ana \ufffd", "x\ufffd": 1}], ["event", "Signed Up"]]


def test_a_surrogate_pair_is_one_character() -> None:
    (parsed,), _ = parse_line(rb'{"type": "track", "userId": "u1", "event": "\ud83d\ude00"}')
    assert not isinstance(parsed, Unreadable)


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b'\xef\xbb\xbf{"type": "track", "userId": "u1", "event": "x"}', BOM_INSIDE),
        ('{"type": "track", "userId": "u1", "event": "x"}'.encode("utf-16-le"), NUL_BYTES),
        ('{"type": "track", "userId": "u1", "event": "x"}'.encode("utf-16-be"), NUL_BYTES),
        ('\x00{"type": "track", "userId": "u1", "event": "Sehr schön"}'.encode("utf-16-le"), NUL_BYTES),  # after \n
        (b"\x03\x00\x3e\x00\x01\x00\x00\x00\xd0\x8a\x00\x00\x00\x00\x00\x00\x40\x00\x00\x00\x00", BINARY_BYTES),
        (b"\x9a\x7f\x00\x13\xee\x00\x00\x41\x8c\x00\xfe\x12\x33\x00\x91\x00\x00\x00\x07\x6b", BINARY_BYTES),
    ],
)
def test_a_line_from_a_joined_utf16_or_binary_file_says_what_it_holds(raw: bytes, detail: str) -> None:
    (parsed,), _ = parse_line(raw)
    assert isinstance(parsed, Unreadable)
    assert parsed.detail == detail


def test_every_line_of_a_pretty_printed_document_says_it_is_a_piece_of_one(tmp_path: Path) -> None:
    document = json.dumps(
        [{"type": "track", "userId": "u1", "event": "A", "properties": {"plan": "pro"}}, {"type": "page"}], indent=2
    )
    for line in document.splitlines(keepends=True):
        (parsed,), _ = parse_line(line.encode())
        assert isinstance(parsed, Unreadable) and parsed.detail == SPREAD_OVER_LINES, line
    for other in (b"not json", b'{"type": "track"', b"}{", b"[1, 2"):  # no piece of a document: the parser's words
        (parsed,), _ = parse_line(other)
        assert isinstance(parsed, Unreadable) and parsed.detail != SPREAD_OVER_LINES, other
    log = tmp_path / "pretty.json"
    log.write_text(document)
    report = json.loads(cli("validate", log, "-f", "json", "--examples", "1").stdout)
    assert report["examples"]["HJ001"][0]["findings"][0]["detail"] == SPREAD_OVER_LINES


def test_a_json_array_of_messages_on_one_line_says_how_to_make_lines_of_it() -> None:
    # It said only that the line was a list: the messages in it are lost, and `jq -c '.[]'` makes lines of them.
    array = json.dumps([{"type": "track", "userId": "u1", "event": "A"}, {"type": "page"}, {}]).encode()
    (parsed,), _ = parse_line(array)
    assert isinstance(parsed, Unreadable) and parsed.code == "HJ002"
    assert parsed.detail.startswith("the line is a list of 3 objects, not a message object: Segment writes one")
    assert "jq -c '.[]'" in parsed.detail
    for other in (b"[1, 2]", b"[]", b'[{"type": "page"}, 3]'):  # not a list of objects: as before
        (parsed,), _ = parse_line(other)
        assert isinstance(parsed, Unreadable) and parsed.detail == "the line is a list, not a message object", other


@pytest.mark.parametrize(
    "command",
    [
        *(["validate", "-f", format] for format in ("text", "json", "jsonl", "junit", "github", "markdown", "html")),
        *(["inventory", "-f", format] for format in ("text", "json", "csv", "markdown", "html")),
        ["replay", "--dry-run"],
    ],
    ids=" ".join,
)
def test_a_file_name_that_is_not_utf_8_is_shown_with_its_bytes_escaped(tmp_path: Path, command: list[str]) -> None:
    # A name's bytes that are not UTF-8 (0xff) reach Python as a lone surrogate, which no report can encode: the
    # json, jsonl and html reports, the inventory and the dry run stopped with a traceback.
    nested = {"type": "identify", "userId": "u1", "traits": {"plan": {"tier": 1}}, "timestamp": "2024-03-01T10:00:00Z"}
    (tmp_path / "bad\udcff.jsonl").write_text(track() + "\n" + json.dumps(nested) + "\n", encoding="utf-8")
    result = process(*command, ".", cwd=tmp_path)  # a short name, which the text report does not fold
    assert result.code in (0, 1), result.stderr
    assert "bad\\xff.jsonl" in result.stdout.replace("\\\\", "\\")


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["validate", "missing\udcff.jsonl"], "missing\\xff.jsonl: no such file or directory"),
        (["inventory", "missing\udcff*"], "missing\\xff*: no file matches this pattern"),
        (["validate", "log.jsonl", "--known-events", "names\udcff.txt"], "--known-events names\\xff.txt: no such"),
        (["validate", "log.jsonl", "-o", "folder\udcff"], "folder\\xff: is a folder; -o/--output names"),
    ],
)
def test_a_path_that_is_not_utf_8_is_said_on_stderr_as_the_reports_write_it(
    tmp_path: Path, arguments: list[str], said: str
) -> None:
    # Said as the lone surrogate Python holds the byte as (`missing\udcff.jsonl`), the name was not the one the
    # reports and the other messages write (`missing\xff.jsonl`), nor any byte the file system holds.
    (tmp_path / "log.jsonl").write_text(track())
    (tmp_path / "folder\udcff").mkdir()
    result = process(*arguments, cwd=tmp_path)
    assert result.code == 2
    assert said in one_line(result.stderr)
    assert "udcff" not in result.stderr


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="a file whose first read fails: Linux's /proc")
@pytest.mark.parametrize(
    "command",
    [["validate", "-f", "json"], ["validate", "-f", "markdown"], ["inventory"], ["replay", "--dry-run"]],
    ids=" ".join,
)
def test_a_file_whose_first_read_fails_is_named_as_the_input_that_failed(command: list[str]) -> None:
    # A disk or a network mount that fails the first read of a file (here /proc/self/mem, whose start is no memory
    # of the process): that read looks at the file's first bytes for gzip, and its error was taken for the report's
    # (`hotjar-cli: error: standard output: Input/output error`), with no report and no word of the input.
    result = process(*command, "/proc/self/mem")
    assert result.code == 2
    last = result.stderr.splitlines()[-1]
    assert last == "hotjar-cli: error: /proc/self/mem:1: read failed: Input/output error"
    assert "standard output" not in result.stderr


@pytest.mark.parametrize(
    ("value", "word"), [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "Infinity"), ("nan", None)]
)
def test_nan_and_infinity_are_said_to_be_no_json(logs: Any, value: str, word: str | None) -> None:
    # What Python's json.dumps writes for a float('nan') or float('inf') it is given, as the property of an event.
    before = '{"type": "track", "userId": "u1", "event": "x", "properties": {"a": '
    at = len(before) + value.startswith("-")
    path = logs("log.jsonl", before + value + "}}\n")
    (event,) = cli("validate", path, "-f", "jsonl", "--fail-on", "never").lines()
    (finding,) = event["findings"]
    assert (event["line"], finding["code"]) == (1, "HJ001")
    if word is None:  # JSON's words are spelt as they are; another word is no more than a character it cannot read
        assert finding["detail"].startswith("invalid character at byte ")
    else:
        assert finding["detail"] == (
            f"{word} at byte {at}: JSON has no NaN or Infinity (Python's json.dumps writes them unless allow_nan=False)"
        )


def forging_log(path: Path) -> None:
    """Messages whose ids and trait names, folded at any of 80 places, start a line of a report with a GitHub Actions
    workflow command, and event names and a broken line holding the runner's older form of one (`##[error]`)."""
    forged = "::error title=Deploy blocked::Forged by a log line"
    lines = []
    for length in range(40, 120):
        lines.append(json.dumps({"type": "identify", "messageId": "p" * length + " " + forged, "traits": {"a": 1}}))
        lines.append(json.dumps({"type": "identify", "userId": "u1", "traits": {"t" * length + " " + forged: {}}}))
    lines.append(json.dumps({"type": "track", "userId": "u1", "event": "##[error]boom", "timestamp": "x ##[add-mask]"}))
    lines.append(json.dumps({"type": "identify", "userId": "u2", "traits": {"plan": "##[error]a value"}}))
    lines.append("not json ##[error]raw line")
    path.write_text("\n".join(lines) + "\n")


def runner_commands(text: str) -> list[str]:
    """The lines GitHub's runner reads as a workflow command (actions/runner, `ActionCommand.TryParseV2` and
    `TryParse`): one that starts with `::` once its leading whitespace is trimmed, or holds `##[` anywhere; and, in a
    coloured report, once its colour codes are taken out too, as a log viewer that shows no colour does."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [line for line in plain.split("\n") if line.lstrip().startswith("::") or "##[" in line]


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--fail-on", "never"],
        ["validate", "--fail-on", "never", "-f", "markdown"],
        ["validate", "--fail-on", "never", "-f", "json", "--by", "hour"],
        ["validate", "--fail-on", "never", "-f", "jsonl"],
        ["validate", "--fail-on", "never", "-f", "junit"],
        ["validate", "--fail-on", "never", "-v"],
        ["validate", "--fail-on", "never", "--color", "always"],
        ["inventory"],
        ["inventory", "--color", "always"],
        ["inventory", "-f", "markdown"],
        ["inventory", "-f", "json"],
        ["inventory", "-f", "csv"],
        ["replay", "--dry-run"],
        ["replay", "--dry-run", "--report", "json"],
    ],
    ids=" ".join,
)
def test_no_text_from_the_logs_makes_a_line_a_ci_workflow_command(tmp_path: Path, command: list[str]) -> None:
    # A report folds a long text onto lines of its own: a messageId or a trait name from the logs started a line with
    # `::error ...`, which GitHub's runner took for a command of the job's (a forged annotation; `::stop-commands::`
    # would have hidden the rest of the log from it).
    log = tmp_path / "forged ##[error]name.jsonl"  # named in every report
    forging_log(log)
    result = process(*command, log)
    assert runner_commands(result.stdout) == []
    assert runner_commands(result.stderr) == []
    if command[-2:] == ["-f", "json"] or "--by" in command:  # the same values, escaped the JSON way
        assert "##[error]boom" in json.dumps(result.json(), ensure_ascii=False)


@pytest.mark.parametrize("columns", ["40", "60", "80"])
def test_a_coloured_report_folded_narrow_makes_no_line_a_ci_workflow_command(tmp_path: Path, columns: str) -> None:
    # At 40 columns a value from the logs was folded onto a line of its own after a dim colour code,
    # `\x1b[2m::warning::x`, which a log viewer that takes the colours out shows as a workflow command.
    log = tmp_path / "log.jsonl"
    log.write_text('{"type":"aaaaaaaaaaaaaaaaaaaaaa ::warning::x"}\n')
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "NO_COLOR")}
    done = subprocess.run(
        [str(CLI), "validate", str(log), "--color", "always"],
        capture_output=True,
        env=env | {"COLUMNS": columns},
        timeout=60,
        check=False,
    )
    out = done.stdout.decode()
    assert done.returncode == 1 and "\x1b[" in out  # coloured, and the gate failed on the invalid message
    assert runner_commands(out) == []


def test_the_github_format_writes_its_own_commands_and_no_forged_one(tmp_path: Path) -> None:
    log = tmp_path / "forged ::error:: ##[error]name.jsonl"
    forging_log(log)
    result = process("validate", "--fail-on", "never", "-f", "github", log)
    for line in result.stdout.splitlines():
        # Each line one command of its own, read as such before any `##[` in it; its file named whole, `:` escaped.
        assert line.startswith(("::notice ", "::warning ", "::error ")), line
        assert "file=" not in line or "file=" + str(log).replace(":", "%3A") + ",line=" in line, line
    assert runner_commands(result.stderr) == []
