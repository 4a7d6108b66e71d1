"""`--engine dask` on a real local Dask cluster (two worker processes) gives the one-process answer, byte for byte.

The inputs cross the site-wide limits (HJ206, HJ304), which depend on input order, so a cluster that merged
its units in any other way than the local engine's would print a different report.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hotjar_cli.run.dask_engine as dask_engine
import hotjar_cli.run.parallel as parallel
from hotjar_cli.core.limits import Limits
from hotjar_cli.report.lines import CallLines, FindingLines
from hotjar_cli.run.one_pass import PassSettings
from hotjar_cli.run.parallel import Lines
from hotjar_cli.sources.reader import resolve
from tests.support.site_limit_logs import site_limit_log


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Plain and gzipped files in a Segment-like layout; together they cross small site limits mid-way."""
    folder = tmp_path_factory.mktemp("logs") / "segment-logs" / "src"
    for number, (count, names) in enumerate([(1500, 60), (900, 90), (2500, 140), (600, 30)]):
        day = folder / str(1712016000000 + 86_400_000 * (number // 2))
        day.mkdir(parents=True, exist_ok=True)
        text = site_limit_log(count, names, number, message_ids=number == 0)
        if number % 2:
            (day / f"part-{number}.gz").write_bytes(gzip.compress(text.encode(), mtime=0))
        else:
            (day / f"part-{number}.jsonl").write_text(text, encoding="utf-8")
    (folder / "1712016000000" / "dummy-object.txt").write_bytes(b"")
    # The first file again, a day later (a day downloaded twice): its calls repeat messageIds a replay leaves out.
    again = folder / str(1712016000000 + 86_400_000 * 2)
    again.mkdir()
    (again / "part-0-again.jsonl").write_text(site_limit_log(1500, 60, 0, message_ids=True), encoding="utf-8")
    return folder.parent


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a real local Dask cluster: two worker processes, one thread each, for the whole module."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def cli(*arguments: str, cwd: Path | None = None) -> tuple[int, bytes]:
    """The real command line in a fresh process: exit code and stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", *arguments],
        capture_output=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=180,
        cwd=cwd,
    )
    return done.returncode, done.stdout


LIMITS = ["--max-attributes", "30", "--max-events", "25"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["validate", "--format", "json", *LIMITS],
        ["validate", "--format", "jsonl", *LIMITS],
        ["validate", "--format", "json", "--max-attributes", "75", "--max-events", "120"],
        ["replay", "--dry-run", *LIMITS],
    ],
    ids=["json-crossed-early", "jsonl", "json-crossed-late", "dry-run"],
)
def test_the_cluster_prints_the_one_process_bytes(logs: Path, scheduler: str, arguments: list[str]) -> None:
    command, *options = arguments
    # A relative path, from a folder the workers do not run in: they must still read the same files.
    assert Path.cwd() != logs.parent
    alone = cli(command, logs.name, *options, "--jobs", "1", cwd=logs.parent)
    clustered = cli(command, logs.name, *options, "--engine", "dask", "--scheduler", scheduler, cwd=logs.parent)
    assert clustered == alone
    assert alone[1].strip() and b"No such file" not in alone[1]


def test_the_inputs_really_cross_the_site_limits_and_repeat_message_ids(logs: Path) -> None:
    code, output = cli("validate", str(logs), "--format", "json", *LIMITS, "--jobs", "1")
    rules = json.loads(output)["summary"]["rules"]
    assert code == 1 and rules["HJ206"] > 0 and rules["HJ304"] > 0
    code, output = cli("replay", str(logs), "--dry-run", "--report", "json", *LIMITS)
    assert code == 0 and json.loads(output)["repeated"] > 500


def test_without_a_scheduler_a_local_cluster_is_started_and_closed(logs: Path) -> None:
    alone = cli("replay", str(logs), "--dry-run", *LIMITS, "--jobs", "1")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hotjar_cli",
            "replay",
            str(logs),
            "--dry-run",
            *LIMITS,
            "--engine",
            "dask",
            "--jobs",
            "2",
        ],
        capture_output=True,
        check=False,
        timeout=180,
    )
    assert (done.returncode, done.stdout) == alone
    assert b"Traceback" not in done.stderr


@pytest.mark.parametrize("stream", [FindingLines(), CallLines()])
def test_byte_ranges_and_large_outputs_cross_the_cluster(logs: Path, scheduler: str, stream: Lines | None) -> None:
    # Small enough blocks that every plain file is cut into ranges, and outputs large enough to travel gzipped.
    sources = resolve([str(logs)])
    engine = dask_engine.DaskEngine(2, scheduler, block_bytes=64 * 1024, compress_over=10_000)
    units = engine.plan(sources)
    assert len(units) > len(sources) and any(unit.start > 0 for unit in units)
    settings = PassSettings(limits=Limits(max_attributes=30, max_events=25))

    def answer(**engine_choice: object) -> tuple[str, str]:
        out = io.StringIO()
        summary = parallel.run_jobs(sources, settings, 1, stream, out, **engine_choice)
        errors = [(error.file, error.line, error.message) for error in summary.errors]
        return json.dumps(
            [
                summary.files,
                summary.lines,
                summary.events,
                summary.rules,
                summary.calls,
                errors,
                {
                    code: [
                        (example.position.file, example.position.line, example.position.index) for example in examples
                    ]
                    for code, examples in summary.examples.items()
                },
            ],
            sort_keys=True,
        ), out.getvalue()

    assert answer(engine=engine) == answer()


def test_spooled_output_is_compressed_only_when_large() -> None:
    small, large = parallel.OutputBuffer(compress_over=100), parallel.OutputBuffer(compress_over=100)
    small.write("a line\n")
    for number in range(50):
        large.write(f"line {number}\n")
    assert small.output() == parallel.Output(data=b"a line\n")
    packed = large.output()
    assert packed.gzipped and gzip.decompress(packed.data or b"").decode() == "".join(f"line {n}\n" for n in range(50))
    out = io.StringIO()
    packed.copy_to(out)
    assert out.getvalue().startswith("line 0\nline 1\n")


def hotjar_cli(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """`hotjar-cli ARGS` as a process of its own."""
    return subprocess.run([sys.executable, "-m", "hotjar_cli", *args], input=input, capture_output=True, timeout=120)


def test_standard_input_and_a_dead_scheduler_are_one_line_errors(logs: Path) -> None:
    piped = hotjar_cli("validate", "-", "--engine", "dask", input=b'{"type":"track","event":"x","userId":"u"}\n')
    assert piped.returncode == 2
    assert piped.stderr.decode().splitlines() == [
        "hotjar-cli: error: standard input cannot be read by Dask workers: save it to a file, or use --engine local"
    ]
    dead = hotjar_cli("validate", str(logs), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    lines = dead.stderr.decode().splitlines()
    assert dead.returncode == 2 and len(lines) == 1
    assert lines[0].startswith("hotjar-cli: error: --scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler")
    local = hotjar_cli("validate", str(logs), "--engine", "local", "--scheduler", "tcp://127.0.0.1:9")
    assert local.returncode == 2
    assert local.stderr.decode() == (
        "hotjar-cli: error: --scheduler is used only with --engine dask, not with --engine local\n"
    )


def test_without_dask_the_error_says_what_to_install(logs: Path) -> None:
    code = (
        "import sys; sys.modules['dask'] = sys.modules['distributed'] = None; "
        f"sys.argv = ['hotjar-cli', 'validate', {str(logs)!r}, '--engine', 'dask']; "
        "from hotjar_cli.cli.main import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "hotjar-cli: error: --engine dask needs dask.distributed: pip install 'hotjar-cli[dask]'"
    ]


def test_a_reader_that_goes_away_stops_a_local_cluster_without_its_log_lines(logs: Path) -> None:
    # `validate --format jsonl --engine dask | head -1`: the tasks in flight are cancelled, and the cluster's workers
    # said so on the terminal, a WARNING line of Dask's own for each, under the one line the user asked for.
    with subprocess.Popen(
        [sys.executable, "-m", "hotjar_cli", "validate", str(logs), "--format", "jsonl", *LIMITS, "--engine", "dask"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    ) as running:
        assert running.stdout is not None and running.stderr is not None
        assert running.stdout.readline().startswith(b"{")
        running.stdout.close()
        said = running.stderr.read()
        assert running.wait(timeout=180) == 128 + 13
    assert b"distributed." not in said and b"Traceback" not in said, said.decode(errors="replace")


def test_a_local_cluster_starts_quietly_beside_a_notebooks_dask_dashboard(logs: Path) -> None:
    # Dask's default port, 8787, is where a notebook's own cluster serves its dashboard: the scheduler took another
    # and said so on the terminal (`UserWarning: Port 8787 is already in use. Perhaps you already have a cluster
    # running?`), though this run asked for no dashboard.
    with contextlib.ExitStack() as stack:
        taken = stack.enter_context(socket.socket())
        with contextlib.suppress(OSError):  # already taken: by a dashboard, as in the case this test is about
            taken.bind(("127.0.0.1", 8787))
            taken.listen()
        done = subprocess.run(
            [sys.executable, "-m", "hotjar_cli", "validate", str(logs), "--format", "json", "--engine", "dask"],
            capture_output=True,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
            timeout=180,
        )
    assert done.returncode in (0, 1) and json.loads(done.stdout)["summary"]["events"] > 0
    assert done.stderr == b"", done.stderr.decode(errors="replace")


def test_a_dry_run_with_nothing_to_replay_fails_on_the_cluster_as_on_this_machine(
    logs: Path, scheduler: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.jsonl.gz"
    empty.write_bytes(gzip.compress(b""))
    for given in ([str(empty)], [str(logs), "--user", "nobody"]):
        said = []
        for engine in (["--jobs", "2"], ["--engine", "dask", "--scheduler", scheduler]):
            done = subprocess.run(
                [sys.executable, "-m", "hotjar_cli", "replay", *given, "--dry-run", *engine],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "NO_COLOR": "1"},
                timeout=180,
            )
            assert (done.returncode, done.stdout) == (2, ""), done.stderr
            said.append(done.stderr.splitlines()[-1])
            assert cli("replay", *given, "--dry-run", *engine, "--allow-empty") == (0, b"")
        assert said[0] == said[1]
        assert said[0].startswith("hotjar-cli: error: no ") and "(--allow-empty passes" in said[0]


@pytest.mark.parametrize("command", [["validate", "--format", "json"], ["inventory"], ["replay", "--dry-run"]])
def test_progress_moves_as_the_cluster_s_units_come_back(logs: Path, scheduler: str, command: list[str]) -> None:
    # The workers of a cluster cannot send their counts: the progress stayed at `0% 0.0/… MB, 0 events` to the
    # end of the run, and said so in its last line.
    gate = ["--fail-on", "never"] if command[0] == "validate" else []
    cluster = ["--engine", "dask", "--scheduler", scheduler, "--progress"]
    done = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", *command, str(logs), *cluster, *gate],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    label = "dry run" if command[0] == "replay" else command[0]
    lines = [line for line in done.stderr.splitlines() if line.startswith(f"{label}: ")]
    size = sum(path.stat().st_size for path in logs.rglob("*") if path.is_file())
    total, unit = (size / 1e6, "MB") if size >= 1e6 else (size / 1e3, "kB")
    events = 1500 + 900 + 2500 + 600 + 1500
    assert lines[-1].startswith(f"{label}: 100% {total:,.1f}/{total:,.1f} {unit}, {events:,} events, "), lines


@pytest.mark.parametrize("moment", ["while-its-workers-start", "once-its-workers-run"])
def test_ctrl_c_while_a_local_cluster_starts_prints_no_traceback(logs: Path, moment: str) -> None:
    # Ctrl-C reaches every process of the terminal's foreground group. Pressed while the cluster started, each of its
    # worker processes printed the traceback of its interrupted start, and the cluster's own thread one more: a
    # hundred lines of Dask's insides under the one line that says the run was interrupted.
    import psutil

    with subprocess.Popen(
        [sys.executable, "-m", "hotjar_cli", "validate", str(logs), *LIMITS, "--engine", "dask"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
        start_new_session=True,  # a process group of its own, as a terminal gives a command
    ) as running:
        assert running.stderr is not None
        started = psutil.Process(running.pid)
        while running.poll() is None:
            workers = [child for child in started.children(recursive=True) if "spawn_main" in _command_of(child)]
            if moment == "while-its-workers-start" and workers:
                time.sleep(0.2)  # its Python started, and is loading Dask
                break
            if moment == "once-its-workers-run" and len(workers) == 2 and all(map(_connected, workers)):
                break
        os.killpg(running.pid, signal.SIGINT)
        said = running.stderr.read()
        code = running.wait(timeout=180)
    assert b"Traceback" not in said and b"distributed." not in said, said.decode(errors="replace")
    assert code in (0, 1, 130), said.decode(errors="replace")


def _command_of(process: Any) -> str:
    """A process's command line, or "" once it is gone."""
    import psutil

    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def _connected(process: Any) -> bool:
    """Whether a process holds a TCP connection (a worker, once it has reached its scheduler)."""
    import psutil

    try:
        return any(connection.status == psutil.CONN_ESTABLISHED for connection in process.net_connections("tcp"))
    except psutil.Error:
        return False
