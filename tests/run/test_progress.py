"""Progress: bytes read and events decided flow from every worker process to one bar, with a percentage of the
total bytes and an ETA, on `validate` and `replay --dry-run`."""

from __future__ import annotations

import gzip
import io
import json
import multiprocessing
import os
import re
import subprocess
from pathlib import Path

import pytest

from hotjar_cli.report.lines import CallLines
from hotjar_cli.run.one_pass import PassSettings
from hotjar_cli.run.parallel import (
    PARALLEL_MIN_BYTES,
    Lines,
    LocalEngine,
    plan_units,
    run_jobs,
)
from hotjar_cli.sources.reader import resolve
from tests.support.cli import CLI, on_a_terminal, on_one_terminal, screen, track


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain log just large enough to be split between two processes, and a gzipped one beside it."""
    folder = tmp_path_factory.mktemp("large")
    line = track(properties={"plan": "pro", "padding": "x" * 200})
    (folder / "a.jsonl").write_text(line * (PARALLEL_MIN_BYTES // len(line) + 2000))
    with gzip.open(folder / "b.jsonl.gz", "wt") as file:
        file.write(line * 20_000)
    return folder


def counts_sent(folder: Path, stream: Lines | None) -> tuple[list[tuple[int, int]], int]:
    """What the workers sent over their queue while validating the folder with two processes, and the events."""
    queue = multiprocessing.get_context("fork").SimpleQueue()
    sources = resolve([str(folder)])
    assert plan_units(sources, 2) is not None and len(plan_units(sources, 2) or []) >= 3
    summary = run_jobs(sources, PassSettings(), 2, stream, io.StringIO(), engine=LocalEngine(2, lambda: queue))
    sent = []
    while not queue.empty():
        sent.append(queue.get())
    return sent, summary.events


@pytest.mark.parametrize("stream", [None, CallLines()])
def test_every_worker_sends_every_byte_and_event(large: Path, stream: Lines | None) -> None:
    sent, events = counts_sent(large, stream)
    # Bytes as they lie on disk: the gzipped file counts its compressed size, so the total is the files' sizes.
    assert sum(size for size, _ in sent) == sum(path.stat().st_size for path in large.iterdir())
    assert sum(decided for _, decided in sent) == events
    assert len(sent) >= 3  # at least one message per unit


def run(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(CLI), *map(str, args), "--jobs", "2"], capture_output=True, timeout=120, check=False)


@pytest.mark.parametrize("command", [["validate", "-f", "jsonl"], ["replay", "--dry-run", "-q"]])
def test_the_bar_shows_a_percentage_and_an_eta_that_move(large: Path, command: list[str]) -> None:
    shown = run(command[0], large, *command[1:], "--progress")
    # The bar is on stderr only: stdout holds the same lines as without it.
    assert shown.stdout == run(command[0], large, *command[1:], "--no-progress").stdout
    assert shown.stdout.count(b"\n") > 50_000
    drawn = shown.stderr.decode()
    percentages = [int(found) for found in re.findall(r"(\d+)%", drawn)]
    assert len(set(percentages)) >= 2 and max(percentages) == 100, drawn[-500:]
    assert percentages == sorted(percentages)
    assert "eta" in drawn
    total = sum(path.stat().st_size for path in large.iterdir()) / 1e6
    assert f"/{total:,.1f} MB" in drawn
    assert re.search(r"eta \S*\d:\d\d:\d\d", drawn)  # a time, not cut at 80 columns


# On a terminal that shows both the report and the bar

BAR = "━"
"""What the bar is drawn with, and no report holds."""


def lines_piped(command: list[str], *args: str | Path) -> list[str]:
    """What the command writes to stdout where stdout is no terminal, as wide as the terminal of `on_one_terminal`."""
    env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"} | {"COLUMNS": "100"}
    done = subprocess.run([str(CLI), *command, *map(str, args)], capture_output=True, env=env, timeout=120, check=False)
    return done.stdout.decode().splitlines()


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("command", [["validate", "-f", "jsonl"], ["replay", "--dry-run"]])
def test_lines_streamed_to_the_terminal_never_share_a_line_with_the_bar(
    large: Path, command: list[str], jobs: str
) -> None:
    code, shown = on_one_terminal(*command, large, "--jobs", jobs)
    assert code in (0, 1)
    assert BAR.encode() in shown  # the bar was drawn as the lines came
    if jobs == "1":  # one process takes long enough on this input for the bar to move between the lines
        assert len(set(re.findall(rb"(\d+)% \d", re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", shown)))) > 2
    lines = screen(shown)
    assert not [line for line in lines if BAR in line or " eta " in line]
    # Every streamed line is on the screen whole, in order, and the summary said on stderr follows them.
    streamed = [line for line in lines if line.startswith("{")]
    assert streamed == lines_piped(command, large, "--jobs", jobs)
    assert lines[: len(streamed)] == streamed


@pytest.mark.parametrize("format", ["text", "json"])
def test_the_bar_is_gone_before_the_inventory_is_written_to_the_terminal(large: Path, format: str) -> None:
    code, shown = on_one_terminal("inventory", large, "-f", format)
    assert code == 0
    assert BAR.encode() in shown
    lines = screen(shown)
    assert lines == lines_piped(["inventory", "-f", format], large)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_last_frame_of_the_bar_shows_the_whole_run(large: Path, jobs: str) -> None:
    # The bar is redrawn at most every REDRAW_SECONDS: the frame it was erased from showed the counts of its last
    # redraw (33% of this input, with two processes), not the run's.
    code, stdout, shown = on_a_terminal("validate", large, "-f", "json", "--color", "never", "--jobs", jobs)
    assert code == 0, shown
    events = json.loads(stdout)["summary"]["events"]
    frames = [frame for frame in re.split(r"\r|\x1b\[2K", shown) if " events " in frame]
    assert frames, shown
    assert re.search(rf" 100% \S+ MB {events:,} events ", frames[-1]), frames[-1]
