"""`validate --also FORMAT=FILE`: more reports from the same reading of the logs, each the bytes its own run writes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CLEAN, CLI, MIXED, cli, one_line, process
from tests.support.site_view_logs import timed_log


def test_each_report_is_what_a_run_of_its_own_format_writes(logs: Any) -> None:
    path = logs("log.jsonl", timed_log(400, 30, 7))
    done = cli(
        "validate",
        path,
        "-f",
        "github",
        "--also",
        "markdown=summary.md",
        "--also",
        "junit=reports/hotjar.xml",
        "--also",
        "json=report.json",
        "--also",
        "text=report.txt",
        "--by",
        "hour",
    )
    alone = cli("validate", path, "-f", "github", "--by", "hour")
    assert (done.code, done.stdout) == (alone.code, alone.stdout)
    for format, file in [("markdown", "summary.md"), ("junit", "reports/hotjar.xml"), ("json", "report.json")]:
        assert Path(file).read_text() == cli("validate", path, "-f", format, "--by", "hour").stdout, format
    # A file gets no colour, as -o gives it none.
    assert Path("report.txt").read_text() == cli("validate", path, "--by", "hour", "--color", "never").stdout


def test_the_html_page_and_its_time_series_come_with_another_main_format(logs: Any) -> None:
    # The page needs the timeline and the inventory, which a markdown report alone does not collect.
    path = logs("log.jsonl", timed_log(400, 30, 7))
    assert cli("validate", path, "-f", "markdown", "--also", "html=page.html").code == 1
    cli("validate", path, "-f", "html", "-o", "alone.html")
    assert Path("page.html").read_bytes() == Path("alone.html").read_bytes()


def test_dash_is_standard_output_when_the_main_report_goes_to_a_file(logs: Any) -> None:
    path = logs("log.jsonl", MIXED)
    done = cli("validate", path, "-f", "json", "-o", "report.json", "--also", "markdown=-")
    assert done.stdout == cli("validate", path, "-f", "markdown").stdout
    assert Path("report.json").read_text() == cli("validate", path, "-f", "json").stdout


@pytest.mark.parametrize(
    ("also", "said"),
    [
        ("md=x.md", "--also md=x.md: give FORMAT=FILE, FORMAT one of text, json, junit, github, markdown, html"),
        ("markdown", "--also markdown: give FORMAT=FILE, FORMAT one of text, json, junit, github, markdown, html"),
        ("markdown=", "--also markdown=FILE names no file"),
        ("jsonl=f.jsonl", "--also jsonl=f.jsonl: jsonl is written as the logs are read, so only --format gives it"),
        ("markdown=-", "--also markdown=-: the report is on standard output already; -o FILE writes it elsewhere"),
        ("markdown=log.jsonl", "log.jsonl: is one of the inputs; --also markdown=FILE would replace it"),
        ("markdown=out/", "out/: is a folder; --also markdown=FILE names the report's file"),
    ],
)
def test_an_also_that_cannot_be_given_is_one_line_and_exit_2(logs: Any, also: str, said: str) -> None:
    path = logs("log.jsonl", MIXED)
    done = cli("validate", path, "--also", also)
    assert done.code == 2
    assert one_line(done.stderr).startswith(f"hotjar-cli: error: {said}")
    assert Path(path).read_text() == MIXED


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["-o", "report.json", "--also", "markdown=./report.json"],
            "--also markdown=./report.json: report.json gets the --format report already",
        ),
        (
            ["--also", "json=a.json", "--also", "markdown=alias.json"],
            "--also markdown=alias.json: alias.json gets the report of --also json=a.json already",
        ),
        (["--also", "markdown=/dev/stdout"], "--also markdown=/dev/stdout: /dev/stdout gets the --format report"),
        # through a folder that is not there: the file it lands on once the folder is made
        (
            ["-o", "report.json", "--also", "markdown=missing/../report.json"],
            "--also markdown=missing/../report.json: missing/../report.json gets the --format report already",
        ),
    ],
)
def test_a_file_given_two_reports_is_refused(tmp_path: Path, args: list[str], said: str) -> None:
    # Renamed over one another, a file would hold only the report written last: one was lost, and nothing said so.
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED)
    (tmp_path / "a.json").write_text("old")
    (tmp_path / "alias.json").symlink_to("a.json")
    (tmp_path / "report.json").write_text("old")
    with (tmp_path / "out.txt").open("w") as out:  # standard output a file, as /dev/stdout then names it
        done = subprocess.run(
            [str(CLI), "validate", str(log), *args], cwd=tmp_path, stdout=out, stderr=subprocess.PIPE, check=False
        )
    assert done.returncode == 2
    assert one_line(done.stderr.decode()).startswith(f"hotjar-cli: error: {said}")
    assert (tmp_path / "a.json").read_text() == "old" and (tmp_path / "report.json").read_text() == "old"


def test_a_device_takes_every_report(logs: Any) -> None:
    path = logs("log.jsonl", CLEAN)
    assert cli("validate", path, "-o", os.devnull, "--also", f"markdown={os.devnull}").code == 0


def test_an_also_that_cannot_be_written_stops_the_run_with_its_file_named(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED)
    done = process("validate", log, "-o", tmp_path / "report.txt", "--also", "markdown=/dev/full")
    assert done.code == 2
    assert one_line(done.stderr) == "hotjar-cli: error: /dev/full: No space left on device"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # --by is used by the json report given with --also, and by the markdown report
        (["-f", "markdown", "--also", "json=r.json", "--by", "hour"], None),
        (["-f", "markdown", "--also", "junit=r.xml", "--by", "hour"], None),
        (["-f", "github", "--also", "junit=r.xml", "--by", "hour"], "--by is not used"),
        # a file named for another format than the one given with it
        (["--also", "markdown=report.html"], "report.html gets the markdown report; --also html=report.html writes"),
    ],
)
def test_what_an_also_report_does_not_use_or_its_file_asks_for_is_said(logs: Any, args: list[str], said: str) -> None:
    path = logs("log.jsonl", MIXED)
    done = cli("validate", path, *args)
    assert done.code == 1
    if said is None:
        assert "not used" not in done.stderr
    else:
        assert said in done.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-o", "/dev/full", "--also", "markdown=m.md"], "/dev/full: No space left on device"),
        (["-f", "jsonl", "-o", "/dev/full", "--also", "json=m.json"], "/dev/full: No space left on device"),
        (["--also", "markdown=m.md"], "standard output: closed, so the report cannot go there (name a file with -o)"),
        (
            ["-o", "r.json", "--also", "text=-"],
            "--also text=-: standard output is closed (the command was started without it); name a file",
        ),
    ],
)
def test_a_report_that_cannot_be_written_is_named_not_the_file_of_another(
    tmp_path: Path, args: list[str], said: str
) -> None:
    # The error passed the files of the other reports on its way out, and the last of them named it as its own:
    # `m.md: No space left on device` for a full /dev/full, and neither was written.
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED)
    done = subprocess.run(
        [str(CLI), "validate", str(log), *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL if "standard output" not in said else None,
        stderr=subprocess.PIPE,
        close_fds=True,
        pass_fds=(),
        check=False,
        timeout=60,
        **({"preexec_fn": lambda: os.close(1)} if "standard output" in said else {}),
    )
    assert done.returncode == 2
    assert one_line(done.stderr.decode()) == f"hotjar-cli: error: {said}"
    assert not (tmp_path / "m.md").exists() and not (tmp_path / "m.json").exists()


@pytest.mark.parametrize("format", ["json", "jsonl"])
def test_a_reader_of_standard_output_that_leaves_early_leaves_the_other_reports_written(
    tmp_path: Path, format: str
) -> None:
    # `| head -1` on the report on standard output: the broken pipe unwound every report, each file was left
    # unwritten (the previous one in place, for a CI job to upload as new) and nothing said so, exit 0. The lines of
    # jsonl, written as the logs are read, stopped the reading, and the other reports with it.
    log = tmp_path / "log.jsonl"
    log.write_text(MIXED * 400)  # a JSON report larger than a pipe holds, and more lines of findings
    (tmp_path / "page.html").write_text("the previous page")
    also = ["--also", "markdown=summary.md", "--also", "html=page.html"]
    reader = subprocess.Popen(
        [str(CLI), "validate", str(log), "-f", format, "--fail-on", "never", *also],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.read(100)
    reader.stdout.close()
    assert reader.wait(timeout=60) == 0
    assert "Traceback" not in reader.stderr.read().decode()
    assert (tmp_path / "summary.md").read_text() == cli("validate", log, "-f", "markdown", "--fail-on", "never").stdout
    assert (tmp_path / "page.html").read_text().startswith("<!DOCTYPE html>")
