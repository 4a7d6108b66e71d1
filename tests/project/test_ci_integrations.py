"""The CI integrations, run for real: the pre-commit hook through `pre-commit run` and `pre-commit try-repo` on a
repository holding logs, and the GitHub Action's step script with the environment GitHub sets."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hotjar_cli.sources.reader import resolve
from hotjar_cli.sources.source import received_day
from tests.support.cli import CLEAN, MIXED

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACTION_SCRIPT = REPO / "ci" / "github-action.sh"
SAMPLES = REPO / "sample_events"


# pre-commit


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache, shared by the runs of this module: the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding this repository's files as they are, changes not yet committed included (as
    `pre-commit try-repo` takes them), and its commit: a `.pre-commit-config.yaml` names it as a team names ours."""
    shadow = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (REPO / name).is_file():  # not a file deleted and not yet committed
            (shadow / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, shadow / name)
    git(shadow, "init", "-q")
    git(shadow, "add", ".")
    git(shadow, "-c", "user.name=hotjar-cli", "-c", "user.email=hotjar-cli@example.com", "commit", "-q", "-m", "hook")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=shadow, check=True, capture_output=True, text=True)
    return shadow, head.stdout.strip()


def pre_commit(
    tmp_path: Path, home: Path, files: dict[str, str | bytes], hook_repo: tuple[Path, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`pre-commit run --all-files` in a new git repository holding `files`, its config naming `hook_repo`'s hook as
    a team's does; without `hook_repo`, `pre-commit try-repo` of this repository, as the README says to try it.
    try-repo builds the hook's environment each time, in a folder of its own; `run` builds it once in `home`."""
    project = tmp_path / "project"
    project.mkdir(parents=True)
    git(project, "init", "-q")
    for name, content in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            (project / name).write_bytes(content)
        else:
            (project / name).write_text(content)
    if hook_repo is not None:
        repo, rev = hook_repo
        config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "hotjar-cli-validate"}]}]}
        (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(project, "add", ".")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
        # The hook's environment is built by pip from this repository: compiling the core there would add most
        # of a minute to each build, and what the hook runs is the same either way (CI's install checks compiling).
        "HOTJAR_CLI_PURE_PYTHON": "1",
    }
    env.pop("FORCE_COLOR", None)
    command = ["run"] if hook_repo is not None else ["try-repo", str(REPO)]
    return subprocess.run(
        [str(BIN / "pre-commit"), *command, "hotjar-cli-validate", "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.timeout(900)
def test_the_pre_commit_hook_fails_on_a_bad_log(
    tmp_path: Path, pre_commit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    done = pre_commit(tmp_path, pre_commit_home, {"fixtures/events.jsonl": MIXED, "notes.md": "not a log\n"}, hook_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "hotjar-cli validate" in done.stdout and "Failed" in done.stdout
    assert "HJ103 missing-user-id" in done.stdout  # the report says why


@pytest.mark.timeout(900)
def test_the_pre_commit_hook_reads_a_log_named_like_an_option(
    tmp_path: Path, pre_commit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    # `-o.jsonl` was taken as `-o .jsonl`: the report went to a new file, the bad log was never read, and the hook
    # passed.
    done = pre_commit(tmp_path, pre_commit_home, {"-o.jsonl": MIXED, "good.jsonl": CLEAN}, hook_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "HJ103 missing-user-id" in done.stdout
    assert not (tmp_path / "project" / ".jsonl").exists()


@pytest.mark.timeout(900)
def test_the_pre_commit_hook_passes_a_good_log_tried_as_the_readme_says(tmp_path: Path, pre_commit_home: Path) -> None:
    done = pre_commit(tmp_path, pre_commit_home, {"fixtures/events.jsonl": CLEAN})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


@pytest.mark.timeout(900)
def test_the_pre_commit_hook_passes_over_a_report_of_hotjar_cli_committed_beside_the_logs(
    tmp_path: Path, pre_commit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    # A repository that keeps `validate -f jsonl -o reports/findings.jsonl` beside its logs: the hook named the
    # report among the staged *.jsonl, it was read as a log, each of its lines a message of no known type, and every
    # commit failed.
    report = subprocess.run(
        [str(BIN / "hotjar-cli"), "validate", "-", "-f", "jsonl", "--fail-on", "never"],
        input=MIXED,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert report.startswith('{"file":"-","line":')
    done = pre_commit(
        tmp_path, pre_commit_home, {"fixtures/events.jsonl": CLEAN, "reports/findings.jsonl": report}, hook_repo
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    # A commit of the report alone stages no log: it failed for "no events were read".
    alone = pre_commit(tmp_path / "alone", pre_commit_home, {"reports/findings.jsonl": report}, hook_repo)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "Passed" in alone.stdout


@pytest.mark.timeout(900)
def test_the_pre_commit_hook_checks_segment_s_archive_objects_and_upper_case_suffixes(
    tmp_path: Path, pre_commit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    # The project's own samples, at the paths Segment's S3 archive gives them (`<ms timestamp>.<uuid>.gz`), and logs
    # whose suffix is in upper case, which the CLI reads as it reads any other.
    archive = {
        str(path.relative_to(SAMPLES)): path.read_bytes() for path in sorted(SAMPLES.glob("segment-logs/*/*/*.gz"))
    }
    assert len(archive) == 2 and all("-" in Path(name).name for name in archive)  # a UUID's hyphens
    files: dict[str, str | bytes] = {
        **archive,
        "fixtures/EVENTS.JSONL": MIXED,
        "fixtures/more.NDJSON.GZ": gzip.compress(CLEAN.encode()),
        "segment-logs/Xo3ZqW8mTn/1712016000000/dummy-object.txt": "",
    }
    done = pre_commit(tmp_path, pre_commit_home, files, hook_repo)
    assert done.returncode == 1, done.stdout + done.stderr  # MIXED fails the gate: every file was read
    assert "HJ103 missing-user-id" in done.stdout
    # 9 and 3 events of the archive's objects, 3 and 3 of the logs: all four files, and not dummy-object.txt
    assert "18 events in 18 lines of 4 files" in done.stdout, done.stdout


@pytest.mark.parametrize(
    ("name", "checked"),
    [
        ("fixtures/events.jsonl", True),
        ("fixtures/events.ndjson.gz", True),
        ("fixtures/EVENTS.JSONL", True),
        ("fixtures/Events.NDJSON.gz", True),
        ("fixtures/events.jsonl.GZ", True),
        ("segment-logs/src1/2024-04-02/1712052117208.5f1c1e6f2a.gz", True),  # Segment's S3 archive, as it names them
        ("1712052117208.5f1c1e6f2a.gz", True),
        ("segment-logs/Xo3ZqW8mTn/1712016000000/1712052117208.5f1c9a3e-7d2b-4e8a-b6c4-0a9e3d7f1b25.gz", True),
        ("1712052117208.5f1c9a3e-7d2b-4e8a-b6c4-0a9e3d7f1b25.gz", True),
        ("segment-logs/Xo3ZqW8mTn/1712016000000/part-0001.gz", True),  # any object of a received-day folder
        ("segment-logs/Xo3ZqW8mTn/1712016000000/dummy-object.txt", False),
        ("backups/2024-04-02/db.gz", False),
        # Named by a time, as Segment's objects are, but a dump, an export or an archive: no log.
        ("backups/20240402123456.sql.gz", False),
        ("exports/1712052117.csv.gz", False),
        ("logs/1712052117208.log.gz", False),
        ("archive/1712052117.tar.gz", False),
        ("1712052117208.5F1C1E6F2A.gz", True),
        ("assets/data.csv.gz", False),
        ("backup-2024.tar.gz", False),
        ("notes.md", False),
        ("events.jsonl.bak", False),
    ],
)
def test_the_hook_checks_logs_and_segment_s_archive_objects_and_nothing_else(name: str, checked: bool) -> None:
    # pre-commit passes a file when the hook's `files` pattern is found in its path (re.search).
    assert bool(re.search(hook_files(), name)) is checked


def hook_files() -> str:
    """The hook's `files` pattern."""
    return str(yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]["files"])


def test_the_hook_checks_every_log_a_walk_of_the_samples_reads() -> None:
    read = [source.path for source in resolve([str(SAMPLES)])]
    assert read and all(path is not None for path in read)
    missed = [str(path) for path in read if path and not re.search(hook_files(), path.relative_to(REPO).as_posix())]
    assert missed == []


@pytest.mark.parametrize("day", ["1712016000000", "2024-04-02", "171201600000", "2024-4-2", "today"])
def test_the_hook_knows_a_received_day_folder_as_the_cli_knows_it(day: str) -> None:
    assert bool(re.search(hook_files(), f"segment-logs/src1/{day}/part-0001.gz")) is (received_day(day) is not None)


def test_the_hook_runs_validate_once_over_every_log() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["hotjar-cli-validate"]
    assert hooks[0]["entry"] == "hotjar-cli validate" and hooks[0]["require_serial"] is True
    assert hooks[0]["args"] == ["--allow-empty", "--"]  # as the README says


# The GitHub Action


def action_step(
    tmp_path: Path, paths: str, args: str = "", more: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], str, str]:
    """The action's step script as GitHub runs it (`more`: other variables, or these replaced); its stdout, the step
    summary and the step's outputs."""
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = {
        **os.environ,
        "HOTJAR_CLI": str(BIN / "hotjar-cli"),
        "HOTJAR_CLI_PATHS": paths,
        "HOTJAR_CLI_ARGS": args,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "NO_COLOR": "1",
        **(more or {}),
    }
    done = subprocess.run(
        ["bash", str(ACTION_SCRIPT)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return done, summary.read_text() if summary.exists() else "", outputs.read_text() if outputs.exists() else ""


@pytest.mark.parametrize("args", ["-v", "--verbose --fail-on never"])
def test_the_action_summarises_with_verbose_args(tmp_path: Path, args: str) -> None:
    # The summary's run added -q, which -v is refused beside: the summary was empty, and nothing said so.
    (tmp_path / "events.jsonl").write_text(MIXED)
    done, summary, _ = action_step(tmp_path, "events.jsonl", args)
    assert done.returncode in (0, 1), done.stderr
    assert summary.startswith("## hotjar-cli validate: ")
    assert "could not" not in summary


def test_the_action_ends_a_summary_past_github_s_limit_before_the_rule_that_would_pass_it(tmp_path: Path) -> None:
    # GitHub drops the whole of a step summary over 1 MiB.
    long = "k" * 290
    lines = [
        json.dumps({"type": "identify", "userId": f"u{n}", "traits": {f"{long}{n}": {"a": n}}}) for n in range(2000)
    ]
    (tmp_path / "events.jsonl").write_text("\n".join(lines) + "\n")
    done, summary, outputs = action_step(tmp_path, "events.jsonl", "--examples 2000")
    assert done.returncode == 0, done.stderr
    assert outputs == "exit-code=0\n"
    assert len(summary.encode()) <= 1_000_000
    assert summary.startswith("## hotjar-cli validate: ✅ passed")
    assert summary.rstrip().endswith("writes it whole.")
    # Cut between two examples of the rule, not before its heading: the examples that fit are shown.
    assert "### `HJ201` nested-trait" in summary and summary.count("Hotjar receives") > 100
    assert summary.count("```") % 2 == 0  # no code block left open


def test_the_action_keeps_a_summary_with_why_it_could_not_validate_under_github_s_limit(tmp_path: Path) -> None:
    # The report was cut to the limit, then every line of why the run could not validate was added after it: past
    # 1 MiB, GitHub showed none of the summary, the reason least of all.
    long = "k" * 290
    lines = [
        json.dumps({"type": "identify", "userId": f"u{n}", "traits": {f"{long}{n}": {"a": n}}}) for n in range(2000)
    ]
    (tmp_path / "events.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "cut").mkdir()
    whole = gzip.compress(("\n".join(lines[:50]) + "\n").encode())
    cut = whole[: len(whole) // 2]  # a gzip stream cut short: the file cannot be read to its end
    for number in range(400):
        (tmp_path / "cut" / f"{number:04}-{'n' * 150}.jsonl.gz").write_bytes(cut)
    done, summary, outputs = action_step(tmp_path, "events.jsonl cut/", "--examples 2000")
    assert done.returncode == 2, done.stderr
    assert outputs == "exit-code=2\n"
    assert len(summary.encode()) <= 1_000_000
    assert summary.startswith("## hotjar-cli validate: ")
    assert "**The report ends here**" in summary
    said = summary[summary.index("**hotjar-cli could not validate the logs** (exit 2):") :]
    assert "cut/0000-" in said and said.rstrip().endswith("more lines: the step's log holds them all")
    assert len(said.encode()) <= 100_200


def test_the_action_annotates_bad_lines_and_summarises(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "events.jsonl").write_text(MIXED)
    done, summary, outputs = action_step(tmp_path, "logs/")
    assert done.returncode == 1
    annotations = done.stdout.splitlines()
    assert "::error file=logs/events.jsonl,line=1,title=HJ103 missing-user-id::" in done.stdout
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in annotations)
    assert annotations[0].startswith("::error title=hotjar-cli validate::") and "Gate failed" in annotations[0]
    assert summary.startswith("## hotjar-cli validate: ❌ failed")
    assert "| `HJ103` missing-user-id | error |" in summary
    assert outputs == "exit-code=1\n"


def test_the_action_reads_the_logs_once_for_its_annotations_and_its_summary(tmp_path: Path) -> None:
    # It ran validate twice, so every log was read twice: twice the time and the S3 transfer for a large archive, and
    # a log that can be read once (a named pipe, a stream) gave the summary nothing. The wrapper counts the runs.
    calls = tmp_path / "calls"
    wrapper = tmp_path / "hotjar-cli"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{calls}"\nexec "{BIN / "hotjar-cli"}" "$@"\n')
    wrapper.chmod(0o755)
    os.mkfifo(tmp_path / "events.jsonl")
    writer = subprocess.Popen(["sh", "-c", f'printf %s "$0" > "{tmp_path / "events.jsonl"}"', MIXED])
    try:
        done, summary, outputs = action_step(tmp_path, "events.jsonl", more={"HOTJAR_CLI": str(wrapper)})
    finally:
        writer.kill()
        writer.wait()
    assert calls.read_text() == "run\n"
    assert done.returncode == 1, done.stderr
    assert "::error file=events.jsonl,line=1,title=HJ103 missing-user-id::" in done.stdout
    assert summary.startswith("## hotjar-cli validate: ❌ failed")
    assert "| `HJ103` missing-user-id | error |" in summary
    assert outputs == "exit-code=1\n"


def test_the_action_passes_clean_logs_and_takes_options(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(CLEAN)
    (tmp_path / "b.jsonl").write_text(MIXED)
    done, summary, outputs = action_step(tmp_path, "a.jsonl b.jsonl", "--fail-on never --redact")
    assert done.returncode == 0, done.stderr
    assert summary.startswith("## hotjar-cli validate: ✅ passed") and "‹string›" in summary
    assert outputs == "exit-code=0\n"


def test_the_action_reports_unreadable_input_with_exit_2(tmp_path: Path) -> None:
    done, summary, outputs = action_step(tmp_path, "missing.jsonl")
    assert done.returncode == 2
    assert done.stderr.strip() == "hotjar-cli: error: missing.jsonl: no such file or directory"
    assert outputs == "exit-code=2\n"
    # The step summary says it too, as text (an indented block), where a reader of the summary looks.
    assert summary == (
        "\n**hotjar-cli could not validate the logs** (exit 2):\n\n"
        "    hotjar-cli: error: missing.jsonl: no such file or directory\n"
    )


def test_the_action_splits_its_inputs_as_a_shell_does_with_quotes_and_runs_nothing_in_them(tmp_path: Path) -> None:
    (tmp_path / "my logs").mkdir()
    (tmp_path / "my logs" / "a b.jsonl").write_text(
        '{"type": "track", "userId": "Ada Lovelace", "event": "A"}\n{"type": "track", "userId": "Ada", "event": "B"}\n'
    )
    done, _, outputs = action_step(tmp_path, '"my logs/a b.jsonl"', "--select '$(touch ran)'")
    assert done.returncode == 2  # `$(touch ran)` is a rule code to refuse, not a command to run
    assert "names no rule" in done.stderr and "$(touch ran)" in done.stderr
    assert not (tmp_path / "ran").exists()
    (tmp_path / "outputs.txt").unlink()
    done, _, outputs = action_step(tmp_path, '"my logs/a b.jsonl"', "--user 'Ada Lovelace'")
    assert done.returncode == 0, done.stderr
    assert outputs == "exit-code=0\n"
    assert "2 events, 1 filtered out (1 accepted" in done.stdout  # one user, whose name holds a space


@pytest.mark.parametrize(
    ("inputs", "said"),
    [
        (
            {"HOTJAR_CLI_ARGS": '--fail-on warning --user "Ada Lovelace --user u1'},
            "HOTJAR_CLI_ARGS: its quotes do not close; quote as in a shell",
        ),
        ({"HOTJAR_CLI_PATHS": '"my logs/a.jsonl'}, "HOTJAR_CLI_PATHS: its quotes do not close; quote as in a shell"),
        ({"HOTJAR_CLI_ARGS": "-o report.txt"}, "HOTJAR_CLI_ARGS gives -o: the action chooses the reports"),
        ({"HOTJAR_CLI_ARGS": "--format=json"}, "HOTJAR_CLI_ARGS gives --format=json: the action chooses the reports"),
        ({"HOTJAR_CLI_ARGS": "-qo report.txt"}, "HOTJAR_CLI_ARGS gives -o (in -qo): the action chooses the reports"),
        ({"HOTJAR_CLI_ARGS": "-qoreport.txt"}, "HOTJAR_CLI_ARGS gives -o (in -qoreport.txt): the action chooses"),
        ({"HOTJAR_CLI_ARGS": "-vf json"}, "HOTJAR_CLI_ARGS gives -f (in -vf): the action chooses the reports"),
        ({"HOTJAR_CLI_ARGS": "-j 2 --output=report.txt"}, "HOTJAR_CLI_ARGS gives --output=report.txt: the action"),
        ({"HOTJAR_CLI_PATHS": "a.jsonl -o report.txt"}, "HOTJAR_CLI_PATHS gives -o: the action chooses the reports"),
        ({"HOTJAR_CLI": "/nowhere/hotjar-cli"}, "/nowhere/hotjar-cli: no such command; install hotjar-cli first"),
        ({"HOTJAR_CLI_PYTHON": "/nowhere/python3"}, "HOTJAR_CLI_PYTHON=/nowhere/python3: no such Python"),
        ({"HOTJAR_CLI_PATHS": ""}, "HOTJAR_CLI_PATHS is empty"),
        ({"HOTJAR_CLI_ARGS": "--help"}, "HOTJAR_CLI_ARGS gives --help, which prints validate's help and checks no"),
        ({"HOTJAR_CLI_ARGS": "-h"}, "HOTJAR_CLI_ARGS gives -h, which prints validate's help and checks no log"),
        ({"HOTJAR_CLI_ARGS": "-qh"}, "HOTJAR_CLI_ARGS gives -h (in -qh), which prints validate's help"),
    ],
    ids=[
        "args quotes",
        "paths quotes",
        "-o",
        "--format",
        "-qo clustered",
        "-qo joined",
        "-vf clustered",
        "--output=",
        "-o in paths",
        "no hotjar-cli",
        "no python",
        "no paths",
        "--help",  # it printed the help and passed the step
        "-h",
        "-qh clustered",
    ],
)
def test_an_action_that_cannot_run_as_asked_says_why_and_does_not_pass(
    tmp_path: Path, inputs: dict[str, str], said: str
) -> None:
    # Quotes that did not close dropped every option (a traceback, then the gate passed on the defaults); -o took
    # both reports; a missing command ended the step with 127, which the action's outputs do not have.
    (tmp_path / "a.jsonl").write_text(MIXED)
    done, summary, outputs = action_step(tmp_path, "a.jsonl", "--fail-on warning", inputs)
    assert done.returncode == 2
    assert outputs == "exit-code=2\n"
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"hotjar-cli: error: {said}"), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert summary == f"\n**hotjar-cli could not validate the logs** (exit 2):\n\n    {done.stderr}"
    assert not (tmp_path / "report.txt").exists()


@pytest.mark.parametrize(
    "args",
    ["--user -qo", "--user=-o", "-j 1 --select=HJ1 --event-name-characters -o", "-qj1 --user -f", "-- -o"],
    ids=["a value after an option", "a value after =", "-j's value", "flags before -j", "a path after --"],
)
def test_the_action_takes_a_word_that_looks_like_an_output_option_for_what_it_is(tmp_path: Path, args: str) -> None:
    # hotjar-cli reads the word after an option that takes a value as that value, and the words after `--` as paths:
    # none of these asks for a report, and the step runs with its own.
    (tmp_path / "a.jsonl").write_text(CLEAN)
    (tmp_path / "-o").write_text(CLEAN)
    done, summary, outputs = action_step(tmp_path, "a.jsonl", args)
    assert done.returncode in (0, 1), done.stderr
    assert outputs == f"exit-code={done.returncode}\n"
    first = done.stdout.splitlines()[0]
    assert first.startswith(
        "::notice title=hotjar-cli validate::" if done.returncode == 0 else "::error title=hotjar-cli validate::"
    )
    assert summary.startswith("## hotjar-cli validate: ")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["-o", "a.jsonl", "outputs.txt", "summary.md"]


def test_the_action_knows_which_options_of_validate_take_a_value() -> None:
    # The step script reads its inputs as hotjar-cli reads them: it must know every option of validate that takes a
    # value, and its short flags.
    import click
    import typer.main

    from hotjar_cli.cli.app import app

    group = typer.main.get_command(app)
    validate = group.get_command(click.Context(group), "validate")  # type: ignore[attr-defined]
    options = [param for param in validate.params if isinstance(param, click.Option)]
    script = ACTION_SCRIPT.read_text()

    def listed(name: str) -> set[str]:
        found = re.search(rf'^{name}="([^"]*)"', script, flags=re.MULTILINE)
        assert found, name
        return set(found.group(1).split())

    with_value = [option for option in options if not option.is_flag and not option.count]
    assert listed("long_with_value") == {name for option in with_value for name in option.opts if name[:2] == "--"}
    assert listed("short_with_value") == {
        "".join(sorted(name[1] for option in with_value for name in option.opts if name[:2] != "--"))
    }
    flags = [option for option in options if option.is_flag or option.count]
    assert listed("short_flags") == {
        "".join(sorted(name[1] for option in flags for name in option.opts if name[:2] != "--"))
    }


def test_the_action_runs_the_script_with_its_inputs() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"paths", "args"} and action["inputs"]["paths"]["required"] is True
    step = next(step for step in action["runs"]["steps"] if step.get("id") == "validate")
    assert "ci/github-action.sh" in step["run"]
    assert step["env"]["HOTJAR_CLI_PATHS"] == "${{ inputs.paths }}"
    assert step["env"]["HOTJAR_CLI_ARGS"] == "${{ inputs.args }}"
    assert action["outputs"]["exit-code"]["value"] == "${{ steps.validate.outputs.exit-code }}"
    assert shutil.which("bash")
