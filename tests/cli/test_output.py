"""Where a report goes: `-o` onto what is already there, and output that cannot be written or whose reader left."""

from __future__ import annotations

import gzip
import json
import os
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CLEAN, CLI, MIXED, cli, on_a_terminal, one_line, process, unprivileged
from tests.support.site_view_logs import timed_log

FULL = Path("/dev/full")


def test_a_symbolic_link_gets_its_file_written_and_stays_a_link(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    Path("reports").mkdir()
    Path("reports/latest.json").write_text("old")
    Path("latest.json").symlink_to("reports/latest.json")
    assert cli("validate", path, "-f", "json", "-o", "latest.json").code == 1
    assert Path("latest.json").is_symlink()
    assert Path("reports/latest.json").read_text() == cli("validate", path, "-f", "json").stdout


def test_a_named_pipe_is_written_through_and_stays_a_pipe(logs: Any) -> None:
    path = logs("log.jsonl", CLEAN)
    os.mkfifo("report.pipe")
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(Path("report.pipe").read_text()), daemon=True)
    reader.start()
    result = cli("inventory", path, "-f", "json", "-o", "report.pipe")
    reader.join(timeout=30)
    if reader.is_alive():  # nothing opened the pipe to write: let the reader go
        os.close(os.open("report.pipe", os.O_WRONLY | os.O_NONBLOCK))
    assert result.code == 0
    assert stat.S_ISFIFO(os.stat("report.pipe").st_mode)
    assert received == [cli("inventory", path, "-f", "json").stdout]


def test_dash_is_standard_output(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    assert cli("validate", path, "-f", "json", "-o", "-").stdout == cli("validate", path, "-f", "json").stdout
    assert not Path("-").exists()


@pytest.mark.parametrize("command", ["validate", "inventory"])
@pytest.mark.parametrize("named", ["log.jsonl", "logs/../log.jsonl", "no-such-folder/../log.jsonl", "alias.jsonl"])
def test_an_input_is_never_replaced_by_the_report(logs: Any, command: str, named: str) -> None:
    path = logs("log.jsonl", MIXED)
    Path("logs").mkdir()
    Path("alias.jsonl").symlink_to("log.jsonl")
    for inputs in ([path], ["."]):
        result = cli(command, *inputs, "-o", named)
        assert result.code == 2
        assert result.stderr.splitlines()[-1].endswith(
            f"{named}: is one of the inputs; -o/--output would replace it with the report"
        )
        assert path.read_text() == MIXED


@pytest.mark.parametrize("command", ["validate", "inventory"])
@pytest.mark.parametrize("option", ["--known-attributes", "--known-events"])
def test_a_seed_file_of_the_site_names_is_never_replaced_by_the_report(logs: Any, command: str, option: str) -> None:
    # `inventory -o site-names.csv --known-attributes site-names.csv`, meant to refresh the list, lost it: the names
    # Hotjar holds are in no log, and the report replaced them without a word.
    path = logs("log.jsonl", CLEAN)
    Path("site-names.txt").write_text("plan\n")
    Path("alias.txt").symlink_to("site-names.txt")
    for named in ("site-names.txt", "./site-names.txt", "no-such-folder/../site-names.txt", "alias.txt"):
        result = cli(command, path, option, "site-names.txt", "-f", "json", "-o", named)
        assert result.code == 2
        assert one_line(result.stderr) == (
            f"hotjar-cli: error: {Path(named)}: is the {option} file; -o/--output would replace it with the report"
        )
        assert Path("site-names.txt").read_text() == "plan\n"


@pytest.mark.parametrize("command", ["validate", "inventory"])
@pytest.mark.parametrize("given", [[], ["--config", "pyproject.toml"]], ids=["found", "given"])
@pytest.mark.parametrize("named", ["pyproject.toml", "no-such-folder/../pyproject.toml"])
def test_the_settings_file_is_never_replaced_by_the_report(
    logs: Any, command: str, given: list[str], named: str
) -> None:
    path = logs("log.jsonl", CLEAN)
    settings = "[tool.hotjar-cli]\nredact = true\n"
    Path("pyproject.toml").write_text(settings)
    result = cli(command, path, *given, "-f", "json", "-o", named)
    assert result.code == 2
    # Said without `(--config)` too where none was given: the file was found, and the option named no file.
    assert one_line(result.stderr) == (
        f"hotjar-cli: error: {Path(named)}: is the settings file; -o/--output would replace it with the report"
    )
    assert Path("pyproject.toml").read_text() == settings


def test_a_seed_file_redirected_to_standard_input_is_never_replaced_by_the_report(tmp_path: Path) -> None:
    log, seed = tmp_path / "log.jsonl", tmp_path / "site-names.txt"
    log.write_text(CLEAN)
    seed.write_text("plan\n")
    with seed.open("rb") as stdin:
        done = subprocess.run(
            [str(CLI), "inventory", str(log), "--known-attributes", "-", "-o", str(seed)],
            stdin=stdin,
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert (
        done.stderr.decode()
        .strip()
        .endswith("is the --known-attributes file; -o/--output would replace it with the report")
    )
    assert seed.read_text() == "plan\n"


def test_a_folder_is_no_report_file(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    result = cli("validate", path, "-o", ".")
    assert result.code == 2
    assert "is a folder" in one_line(result.stderr)


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{log}"],
        ["validate", "{log}", "-f", "json"],
        ["inventory", "{log}", "-f", "csv"],
        ["replay", "--dry-run", "{log}"],
        ["rules"],
        ["rule", "HJ001"],
        ["--help"],
        ["validate", "--help"],
    ],
)
def test_a_report_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED)
    argv = [arg.format(log=log) for arg in args]
    with FULL.open("w") as full:
        done = subprocess.run([str(CLI), *argv], stdout=full, stderr=subprocess.PIPE, timeout=60, check=False)
    assert done.returncode == 2
    assert one_line(done.stderr.decode()) == "hotjar-cli: error: standard output: No space left on device"
    # and to a file named by -o, the file's name
    if args[0] in {"validate", "inventory"} and "--help" not in args:
        result = process(*argv, "-o", FULL)
        assert result.code == 2
        assert one_line(result.stderr) == f"hotjar-cli: error: {FULL}: No space left on device"
        assert stat.S_ISCHR(FULL.stat().st_mode)


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{log}", "-o", "{full}"],
        ["validate", "{log}", "-f", "json", "-o", "{full}"],
        ["inventory", "{log}", "-o", "{full}"],
        ["validate", "{log}", "-o", "{tmp}/report.txt", "--also", "markdown={full}"],
    ],
)
def test_a_full_descriptor_named_by_its_option_is_named_in_the_error(tmp_path: Path, args: list[str]) -> None:
    # `-o /dev/fd/3 3>/dev/full`: a small report fails as it is closed, and was said as standard output's (a pipe
    # here, that took nothing amiss), or as report.txt's when it was an --also report.
    log = tmp_path / "log.jsonl"
    log.write_text(CLEAN)
    with FULL.open("w") as full:
        named = f"/dev/fd/{full.fileno()}"
        argv = [arg.format(log=log, tmp=tmp_path, full=named) for arg in args]
        done = subprocess.run(
            [str(CLI), *argv], pass_fds=(full.fileno(),), capture_output=True, timeout=60, check=False
        )
    assert done.returncode == 2
    assert one_line(done.stderr.decode()) == f"hotjar-cli: error: {named}: No space left on device"


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "log.jsonl", "-o", "report"],
        ["validate", "log.jsonl", "-f", "json", "-o", "report"],
        ["validate", "log.jsonl", "-o", "report", "--also", "markdown=other.md"],
        ["inventory", "log.jsonl", "-o", "report"],
        ["inventory", "log.jsonl", "-f", "csv", "-o", "report"],
    ],
)
def test_a_report_file_the_disk_has_no_room_for_is_named_and_left_unwritten(tmp_path: Path, args: list[str]) -> None:
    # A full disk, as a file size limit of 0 makes it (`ulimit -f 0`): closing the report's file writes what is left
    # of it, which failed again, said unnamed ("standard output: File too large"), and the file written aside was
    # left behind.
    (tmp_path / "log.jsonl").write_text(CLEAN)
    done = subprocess.run(
        [str(CLI), *args],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)),
    )
    assert done.returncode == 2
    assert one_line(done.stderr.decode()) == "hotjar-cli: error: report: File too large"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["log.jsonl"]


def read_one_line(argv: list[str]) -> tuple[int, str]:
    """Run hotjar-cli, read one line of its output and close the pipe, as `| head -1` does: its exit code and stderr."""
    reader = subprocess.Popen([str(CLI), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.readline()
    reader.stdout.close()
    stderr = reader.stderr.read().decode()
    return reader.wait(timeout=60), stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--help"], 0),  # no verdict: the reader had what it wanted
        (["validate", "--help"], 0),
        (["rules"], 0),
        # Cut short while the run streams its lines: no verdict was reached, and none is claimed (128 + SIGPIPE, so
        # that `set -o pipefail` never takes it for a pass).
        (["validate", "{log}", "-f", "jsonl"], 141),
        (["validate", "{log}", "-f", "jsonl", "--fail-on", "never"], 141),
        # The report comes once the run is done: the reader leaving does not change the verdict.
        (["validate", "{log}", "--examples", "400", "--color", "never"], 1),
        (["validate", "{log}", "--examples", "400", "--color", "never", "--fail-on", "never"], 0),
        (["inventory", "{names}", "-f", "json"], 0),
    ],
)
def test_a_reader_that_stops_early_leaves_the_exit_code_to_what_was_known(
    tmp_path: Path, args: list[str], code: int
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED * 20_000)
    names = tmp_path / "names.jsonl"  # an inventory of 3,000 names: far more than a pipe holds
    names.write_text(
        "".join(json.dumps({"type": "track", "userId": "u", "event": f"Name {n}"}) + "\n" for n in range(3000))
    )
    result, stderr = read_one_line([arg.format(log=log, names=names) for arg in args])
    assert result == code, stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{broken}", "{log}"],
        ["validate", "{broken}", "{log}", "-o", "{report}"],
        ["inventory", "{broken}", "{log}", "-o", "{report}"],
        ["replay", "--dry-run", "{broken}", "{log}"],
        # Progress written as plain lines: the first of them, failing, dropped the report and exited 2 or 141.
        ["validate", "{broken}", "{log}", "-o", "{report}", "--progress"],
        ["inventory", "{broken}", "{log}", "-o", "{report}", "--progress"],
    ],
)
@pytest.mark.parametrize("stderr", ["gone", "full"])
def test_a_stderr_that_cannot_be_written_leaves_the_exit_code_to_the_run(
    tmp_path: Path, args: list[str], stderr: str
) -> None:
    # A log that cannot be read to its end is exit 2 whatever becomes of what is said about it: `2>&1 | head -1`, a
    # reader of stderr gone before it is written to, or a full device, ended the run with 0 (the error that writing
    # to it raised).
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(MIXED.encode() * 50)[:60])
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED * 3_000)  # more calls than a pipe holds: the dry run is still writing when its reader goes
    argv = [str(CLI), *(arg.format(broken=broken, log=log, report=tmp_path / "report") for arg in args)]
    if stderr == "full" and FULL.exists():
        with FULL.open("w") as full:
            done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=full, timeout=60, check=False)
        assert done.returncode == 2
        assert "-o" not in args or (tmp_path / "report").exists()
        return
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is said
    try:
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=write, timeout=60, check=False)
    finally:
        os.close(write)
    assert done.returncode == 2
    # and with stdout and stderr on one pipe whose reader takes a line: cut short while it streams its calls, the dry
    # run reached no verdict (see `test_a_reader_that_stops_early_leaves_the_exit_code_to_what_was_known`)
    reader = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert reader.stdout is not None
    reader.stdout.readline()
    reader.stdout.close()
    assert reader.wait(timeout=60) == (141 if args[0] == "replay" else 2)


@pytest.mark.parametrize("form", ["text", "json", "markdown"])
def test_a_reader_gone_before_the_report_begins_leaves_the_verdict_and_the_other_reports(
    tmp_path: Path, form: str
) -> None:
    # `validate ... | true`: the text report, written by rich, exited 0 whatever the verdict, and left every `--also`
    # file unwritten (rich ends a closed pipe with exit 1, which the command line took for `--help | head`).
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED)
    also = tmp_path / "also.json"
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [str(CLI), "validate", log, "-f", form, "--also", f"json={also}"],
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    assert done.returncode == 1, done.stderr
    assert json.loads(also.read_text())["summary"]["events"] > 0


def started_without(number: int) -> Any:
    """What a process is started with to have no standard input (0) or output (1), as `<&-` and `>&-` leave it."""
    return lambda: os.close(number)


def test_a_command_started_without_standard_output_writes_its_report_where_told(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    done = subprocess.run(
        [str(CLI), "validate", str(path), "-f", "json", "-o", "report.json", "--fail-on", "never"],
        preexec_fn=started_without(1),
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert json.loads(Path("report.json").read_text())["verdict"]["exit_code"] == 0
    failing = subprocess.run(
        [str(CLI), "validate", str(path), "-o", "report.txt", "-q"],
        preexec_fn=started_without(1),
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    assert (failing.returncode, failing.stderr) == (1, b"")  # the gate's verdict, as with any standard output


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["validate", "{log}"], " (name a file with -o)"),
        (["inventory", "{log}", "-f", "json"], " (name a file with -o)"),
        (["rules"], ""),  # no -o to name: the hint would send the user to an option that is not there
        (["rule", "HJ103"], ""),
        (["--version"], ""),
        (["--help"], "help"),  # no report: neither is -o of any use for it
        (["validate", "--help"], "help"),
    ],
)
def test_a_report_for_a_standard_output_the_command_was_started_without_is_one_line_and_exit_2(
    logs: Any, args: list[str], hint: str
) -> None:
    path = logs("log.jsonl", MIXED)
    done = subprocess.run(
        [str(CLI), *[arg.format(log=path) for arg in args]],
        preexec_fn=started_without(1),
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    said = "the help cannot go there" if hint == "help" else f"the report cannot go there{hint}"
    assert one_line(done.stderr.decode()) == f"hotjar-cli: error: standard output: closed, so {said}"


def test_a_replay_whose_json_report_has_no_standard_output_is_refused_before_it_sends(logs: Any) -> None:
    # Refused only once every call was sent, exit 2 read as "nothing done", and a wrapper sent every call again.
    path = logs("log.jsonl", MIXED)
    done = subprocess.run(
        [
            str(CLI),
            "replay",
            path,
            "--site-id",
            "1234567",
            "--page-url",
            "https://www.example.com/",
            "--report",
            "json",
        ],
        preexec_fn=started_without(1),
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert one_line(done.stderr.decode()) == (
        "hotjar-cli: error: --report json: standard output is closed (the command was started without it)"
    )


@pytest.mark.parametrize("command", [["validate"], ["inventory"], ["replay", "--dry-run"]])
def test_reading_a_standard_input_the_command_was_started_without_is_one_line_and_exit_2(command: list[str]) -> None:
    done = subprocess.run(
        [str(CLI), *command, "-"], preexec_fn=started_without(0), capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert one_line(done.stderr.decode()) == "hotjar-cli: error: -: standard input is closed: there is nothing to read"


def test_a_file_redirected_to_standard_input_is_an_input_too(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED)
    with log.open("rb") as stdin:
        done = subprocess.run(
            [str(CLI), "validate", "-", "-o", str(log)], stdin=stdin, capture_output=True, timeout=60, check=False
        )
    assert done.returncode == 2
    assert done.stderr.decode().strip().endswith("is one of the inputs; -o/--output would replace it with the report")
    assert log.read_text() == MIXED
    with log.open("rb") as stdin:
        twice = subprocess.run(
            [str(CLI), "validate", "-", str(log), "-f", "json"],
            stdin=stdin,
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert json.loads(twice.stdout)["summary"]["files"] == 1
    assert "is named more than once (as -): read once" in twice.stderr.decode()


def test_a_pipe_on_standard_input_named_twice_is_read_once() -> None:
    # `- /dev/stdin`: the second reading found the pipe drained, and the report counted two files without a word.
    done = subprocess.run(
        [str(CLI), "validate", "-", "/dev/stdin", "-f", "json"],
        input=MIXED.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert json.loads(done.stdout)["summary"]["files"] == 1
    assert "hotjar-cli: /dev/stdin is named more than once (as -): read once" in done.stderr.decode()


def test_a_report_to_dev_stdout_appended_to_a_file_keeps_what_the_file_held(tmp_path: Path) -> None:
    # `-o /dev/stdout >> log.txt` reopened the file by its name and renamed the report over it: its lines were lost.
    log, kept = tmp_path / "log.jsonl", tmp_path / "log.txt"
    log.write_text(CLEAN)
    kept.write_text("earlier\n")
    for named in ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"):
        with kept.open("a") as out:
            done = subprocess.run(
                [str(CLI), "validate", str(log), "-f", "json", "-o", named], stdout=out, timeout=60, check=False
            )
        assert done.returncode == 0
    text = kept.read_text()
    assert text.startswith("earlier\n{") and text.count('"tool": "hotjar-cli"') == 3


def test_a_named_pipe_read_is_never_the_report(logs: Any) -> None:
    # Read and written at once, each would take the other's bytes.
    os.mkfifo("logs.pipe")
    result = cli("validate", "logs.pipe", "-o", "logs.pipe")
    assert result.code == 2
    assert one_line(result.stderr).endswith(
        "logs.pipe: is one of the inputs; -o/--output would replace it with the report"
    )


def test_a_folder_named_through_one_that_is_not_there_is_a_folder(logs: Any) -> None:
    result = cli("validate", logs("log.jsonl", CLEAN), "-o", "not-there/..")
    assert result.code == 2
    assert (
        one_line(result.stderr) == "hotjar-cli: error: not-there/..: is a folder; -o/--output names the report's file"
    )


def test_a_report_over_a_file_keeps_its_permissions(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    Path("private.json").write_text("old")
    Path("private.json").chmod(0o600)
    cli("validate", path, "-f", "json", "-o", "private.json")
    assert stat.S_IMODE(Path("private.json").stat().st_mode) == 0o600
    assert Path("private.json").read_text().startswith("{")


@pytest.mark.parametrize("command", ["validate", "inventory"])
def test_a_read_only_report_file_is_refused_and_left_as_it_was(logs: Any, command: str) -> None:
    # The rename replaced it, mode and all, where a shell's `>` refuses: its mode is a decision, root's run's too.
    path = logs("log.jsonl", MIXED)
    Path("kept.json").write_text("old")
    Path("kept.json").chmod(0o444)
    result = cli(command, path, "-f", "json", "-o", "kept.json")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "hotjar-cli: error: kept.json: is read-only, so the report does not replace it; make it writable "
        "(chmod u+w kept.json), or name another file\n"
    )
    assert Path("kept.json").read_text() == "old"
    assert stat.S_IMODE(Path("kept.json").stat().st_mode) == 0o444
    assert sorted(os.listdir()) == ["kept.json", "log.jsonl"]  # no temporary file left beside it
    # Through a link too: the file it points to is the one replaced.
    Path("latest.json").symlink_to("kept.json")
    assert cli(command, path, "-f", "json", "-o", "latest.json").code == 2
    assert Path("kept.json").read_text() == "old"
    # Made writable, as the error says, it gets the report.
    Path("kept.json").chmod(0o644)
    assert cli(command, path, "-f", "json", "-o", "kept.json").code in (0, 1)
    assert Path("kept.json").read_text().startswith("{")


def test_a_report_file_in_a_folder_that_cannot_be_written_names_the_folder(tmp_path: Path) -> None:
    # Said as `report.txt: Permission denied`, though the file could be written: the folder is what cannot be.
    log = tmp_path / "log.jsonl"
    log.write_text(CLEAN)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.txt").write_text("old")
    (folder / "report.txt").chmod(0o644)
    folder.chmod(0o555)
    try:
        runs = {
            name: subprocess.run(
                unprivileged(CLI, "validate", log, "-o", folder / name),
                capture_output=True,
                text=True,
                timeout=60,
            )
            for name in ("report.txt", "new.txt", "deeper/new.txt")
        }
        redirected = subprocess.run(
            unprivileged("sh", "-c", '"$0" validate "$1" > "$2"', CLI, log, folder / "report.txt"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        folder.chmod(0o755)
    assert {name: done.returncode for name, done in runs.items()} == dict.fromkeys(runs, 2)
    assert runs["report.txt"].stderr == (
        f"hotjar-cli: error: {folder / 'report.txt'}: its folder {folder} cannot be written (Permission denied): the "
        "report is written to a new file in it, then renamed over report.txt, so that a run cut short leaves the old "
        "report whole; name a file in a folder you can write, or leave out -o and redirect the report into it "
        f"(> {folder / 'report.txt'})\n"
    )
    assert runs["new.txt"].stderr == (
        f"hotjar-cli: error: {folder / 'new.txt'}: its folder {folder} cannot be written (Permission denied)\n"
    )
    assert runs["deeper/new.txt"].stderr == (
        f"hotjar-cli: error: {folder / 'deeper/new.txt'}: cannot make the folder {folder / 'deeper'} "
        "(Permission denied)\n"
    )
    assert sorted(os.listdir(folder)) == ["report.txt"]
    # The way the error offers writes the report in place.
    assert redirected.returncode == 0, redirected.stderr
    assert (folder / "report.txt").read_text() == cli("validate", log).stdout


def test_a_path_ending_in_a_slash_names_a_folder(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    result = cli("validate", path, "-o", "reports/")
    assert result.code == 2
    assert "is a folder" in one_line(result.stderr)
    assert not Path("reports").exists()


def test_missing_folders_on_the_report_path_are_made_and_a_file_in_the_way_is_named(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    made = cli("validate", path, "--fail-on", "never", "-f", "json", "-o", "reports/2024/report.json")
    assert made.code == 0 and json.loads(Path("reports/2024/report.json").read_text())
    Path("notes").write_text("not a folder\n")
    for report in ("notes/report.json", "notes/deeper/report.json"):
        result = cli("validate", path, "-o", report)
        assert result.code == 2
        assert one_line(result.stderr) == f"hotjar-cli: error: {report}: notes is a file, not a folder"
    assert Path("notes").read_text() == "not a folder\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["validate", "{log}", "-o", "report.html"],
            "report.html gets the text report; --format html writes the html one",
        ),
        (
            ["validate", "{log}", "-o", "report.JSON"],
            "report.JSON gets the text report; --format json writes the json one",
        ),
        (["inventory", "{log}", "-o", "names.csv"], "names.csv gets the text report; --format csv writes the csv one"),
        (
            ["inventory", "{log}", "-o", "names.markdown"],
            "names.markdown gets the text report; --format markdown writes the markdown one",
        ),
        # a compressed file's name: the report is not compressed, whatever the format
        (
            ["validate", "{log}", "-o", "report.json.gz"],
            "report.json.gz gets the text report, uncompressed; --format json writes the json one",
        ),
        (
            ["validate", "{log}", "-f", "json", "-o", "r.json.gz"],
            "r.json.gz gets the json report uncompressed: no report is compressed",
        ),
        (
            ["inventory", "{log}", "-o", "names.gz"],
            "names.gz gets the text report uncompressed: no report is compressed",
        ),
        (["validate", "{log}", "-o", "report.html", "-f", "text"], None),  # asked for by name
        (["validate", "{log}", "-o", "report.txt"], None),
        (["inventory", "{log}", "-o", "names.xml"], None),  # no JUnit inventory to point to
    ],
)
def test_a_report_file_named_for_another_format_is_said(logs: Any, args: list[str], said: str | None) -> None:
    # `-o report.html` alone wrote the text report into a file that no browser shows as a page.
    path = logs("log.jsonl", CLEAN)
    result = cli(*[arg.format(log=path) for arg in args])
    assert result.code == 0
    assert result.stderr == ("" if said is None else f"hotjar-cli: {said}\n")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{log}", "-f", "{format}"],
        ["inventory", "{log}", "--format", "{format}"],
        ["rules", "-f", "{format}"],
        ["replay", "{log}", "--dry-run", "--report", "{format}"],
    ],
)
def test_a_format_is_named_in_any_case_as_also_names_it(logs: Any, args: list[str]) -> None:
    # `--also JUNIT=up.xml` was taken and `-f JSON` refused with exit 2: a pipeline broke when a format moved.
    path = logs("log.jsonl", MIXED)
    lower, upper = (cli(*[arg.format(log=path, format=format) for arg in args]) for format in ("json", "JSON"))
    assert upper.code == lower.code != 2
    assert upper.stdout == lower.stdout and json.loads(upper.stdout)


WITHOUT_CHARTS = """
import sys
sys.modules["vl_convert"] = None  # the html extra is not installed
from hotjar_cli.cli.main import main
sys.argv = ["hotjar-cli", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("command", ["validate", "inventory"])
def test_an_html_report_without_its_charts_says_so_where_the_command_is_run(
    logs: Any, tmp_path: Path, command: str
) -> None:
    page, log = tmp_path / "report.html", logs("log.jsonl", timed_log(200, 20, 1))
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_CHARTS, command, log, "-f", "html", "-o", str(page)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    said = "hotjar-cli: the page leaves out its charts, which need the html extra: pip install 'hotjar-cli[html]'"
    assert said in done.stderr.splitlines()
    assert "Charts need the html extra" in page.read_text()  # and the page says so too
    assert said not in cli(command, log, "-f", "html", "-o", str(page)).stderr


@pytest.mark.parametrize(
    "locale",
    [{"LC_ALL": "C", "PYTHONUTF8": "0"}, {"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}],
    ids=["C locale", "ascii", "latin-1"],
)
@pytest.mark.parametrize(
    "command",
    [
        ["validate", "-f", "text"],
        ["validate", "-f", "markdown"],
        ["validate", "-f", "junit"],
        ["inventory"],
        ["validate", "--help"],
    ],
    ids=" ".join,
)
def test_a_report_is_utf_8_in_a_locale_that_is_not(logs: Any, locale: dict[str, str], command: list[str]) -> None:
    # The first `…`, `←` or `✅` of a report stopped the command with a traceback (UnicodeEncodeError).
    path = logs("café….jsonl", MIXED)
    arguments = command if "--help" in command else [*command[:1], path, *command[1:]]
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "LANG", "LC_ALL")}
    done = subprocess.run(
        [str(CLI), *map(str, arguments)], capture_output=True, env=env | locale, timeout=60, check=False
    )
    assert b"Traceback" not in done.stdout + done.stderr
    assert done.returncode in (0, 1), done.stderr
    shown = done.stdout.decode("utf-8")  # as every file -o writes, and as the JUnit report declares itself
    assert any(character in shown for character in "…←✅─━"), shown[:300]
    if "--help" not in command:
        assert "caf" in shown


@pytest.mark.parametrize("command", ["validate", "inventory"])
@pytest.mark.parametrize(
    "output", [[], ["-o", "-"], ["-o", "/dev/stdout"], ["-o", "/dev/fd/1"]], ids=["no -o", "-o -", "stdout", "fd"]
)
def test_an_html_page_is_not_written_to_a_terminal(tmp_path: Path, command: str, output: list[str]) -> None:
    # The page's markup and script scrolled past on the terminal, read by no one.
    log = tmp_path / "events.jsonl"
    log.write_text(CLEAN)
    code, _, shown = on_a_terminal(command, log, "-f", "html", *output, stdout_too=True)
    assert code == 2
    named = f"{output[1]}: " if output and output[1] != "-" else ""
    assert one_line(shown) == (
        f"hotjar-cli: error: {named}--format html writes a page for a browser, not for a terminal: name its file "
        "with -o report.html, or redirect the output"
    )


def test_an_html_page_goes_to_a_pipe(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text(CLEAN)
    code, page, _ = on_a_terminal("validate", log, "-f", "html")
    assert code == 0 and page.startswith(b"<!DOCTYPE html>")


def test_a_run_refused_after_its_report_files_were_opened_leaves_no_folder_it_made(tmp_path: Path) -> None:
    # Standard input cannot reach Dask workers: the run is refused once the reports' files are open, and the folders
    # made for them were left behind, empty, for a CI step that uploads `out/` to find.
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "notes.txt").write_text("mine\n")
    done = process(
        "validate",
        "-",
        "--engine",
        "dask",
        "-o",
        "out/sub/report.json",
        "--also",
        "markdown=out/other/summary.md",
        "--also",
        "junit=kept/new/junit.xml",
        input=CLEAN.encode(),
        cwd=tmp_path,
    )
    assert done.code == 2, done.stderr
    assert done.stderr.startswith("hotjar-cli: error: standard input cannot be read by Dask workers")
    assert sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*")) == ["kept", "kept/notes.txt"]
