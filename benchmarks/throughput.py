"""Throughput of `hotjar-cli validate` against reading and parsing the same file, side by side in one run.

    .venv/bin/python benchmarks/throughput.py              # the full run: both profiles, best of 3
    .venv/bin/python benchmarks/throughput.py --quick      # about 20 MB a profile, a smoke run
    .venv/bin/python benchmarks/throughput.py --size 100MB --runs 1 --profiles short

Prints a Markdown table to stdout (progress goes to stderr) and writes benchmarks/results.json.
benchmarks/README.md says what each row measures and why the parse-only loop is the baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (a sibling script, not an installed module)

DATA = HERE / "data"
PROFILE_SIZES = {"long": "500MB", "short": "300MB", "tidy": "500MB"}
"""The input of a full run, per profile: the short profile's 300 MB are about 880,000 messages."""
RESULTS = HERE / "results.json"
JQ_FILTER = HERE / "validate.jq"
MEMORY_TARGET_MB = 150

# The baseline: what any tool reading this file must at least do in Python, on one core.
PARSE_LOOP = """
import sys, orjson
loads, error = orjson.loads, orjson.JSONDecodeError
lines = broken = 0
with open(sys.argv[1], "rb") as stream:
    for line in stream:
        lines += 1
        try:
            loads(line)
        except error:
            broken += 1
print(lines, broken)
"""

# What two cores give a job with no shared work at all: the same loop over each half of the file, in two processes
# at once. Its speed-up over the loop above is the most `--jobs 2` could reach on this machine.
PARSE_HALVES = """
import os, sys, orjson
loads, error = orjson.loads, orjson.JSONDecodeError
path = sys.argv[1]
with open(path, "rb") as stream:
    stream.seek(os.path.getsize(path) // 2)
    stream.readline()
    middle = stream.tell()
def parse(start, size):
    lines = broken = done = 0
    with open(path, "rb") as stream:
        stream.seek(start)
        for line in stream:
            lines += 1
            try:
                loads(line)
            except error:
                broken += 1
            done += len(line)
            if done >= size:
                break
    return lines, broken
reading, writing = os.pipe()
child = os.fork()
if child == 0:
    os.close(reading)
    os.write(writing, ("%d %d" % parse(middle, os.path.getsize(path))).encode())
    os._exit(0)
os.close(writing)
lines, broken = parse(0, middle)
other = os.read(reading, 64).split()
os.waitpid(child, 0)
print(lines + int(other[0]), broken + int(other[1]))
"""

# Used only where GNU time is missing: a fresh child per measurement, so RUSAGE_CHILDREN covers just one command.
RUSAGE_WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"maxrss_kb": usage.ru_maxrss, "user": usage.ru_utime, "sys": usage.ru_stime, "code": code}, out)
sys.exit(code)
"""


@dataclass
class Measurement:
    """One timed run of one command."""

    wall: float
    cpu: float
    max_rss_mb: float
    total_pss_mb: float
    returncode: int
    complaint: str = ""
    sampled: bool = True
    """Whether the process tree's memory was sampled as it ran (see `run_rows`)."""


@dataclass
class Row:
    """One line of the table: a command, its runs, and what its output said."""

    name: str
    command: list[str]
    ok_codes: tuple[int, ...] = (0,)
    runs: list[Measurement] = field(default_factory=list)
    skipped: str | None = None
    failed: str | None = None
    output: dict | None = None
    input: dict | None = None
    """What this row reads when it is not the main file: its own event and byte counts."""
    digest: str | None = None
    """The SHA-256 of the row's last output: validate rows on the same input must print the same bytes."""

    @property
    def best(self) -> Measurement | None:
        """The fastest run: the one least disturbed by anything else on the machine, the sampler of memory
        included (a run without it, when there is one)."""
        timed = [run for run in self.runs if not run.sampled] or self.runs
        return min(timed, key=lambda run: run.wall) if timed else None

    @property
    def max_rss_mb(self) -> float:
        """The largest resident set of any single process, over all runs."""
        return max(run.max_rss_mb for run in self.runs)

    @property
    def total_pss_mb(self) -> float:
        """The largest sampled sum of proportional set sizes over the whole process tree, over the runs sampled."""
        return max((run.total_pss_mb for run in self.runs if run.sampled), default=0.0)


class TreeMemory:
    """Samples the memory of a process and all its descendants while it runs.

    GNU time reports the largest single process; with worker processes the machine holds all of them at once,
    so the sum matters too. PSS rather than RSS, so pages forked workers share are not counted twice.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self._root = pid
        self._interval = interval
        self._stop = threading.Event()
        self.peak_kb = 0
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self._root)))
            self._stop.wait(self._interval)


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                # The command name may hold spaces and parentheses: the parent id follows the last ")".
                parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(command: list[str], stdout_path: Path, sample_memory: bool = True) -> Measurement:
    """Run a command once, its stdout to a file, and time it; memory from GNU time, else from getrusage, and with
    `sample_memory`, the whole process tree's (`TreeMemory`)."""
    with tempfile.NamedTemporaryFile("r", suffix=".usage") as usage:
        gnu_time = shutil.which("time", path="/usr/bin:/bin")
        if gnu_time:
            wrapped = [gnu_time, "-v", "-o", usage.name, *command]
        else:
            wrapped = [sys.executable, "-c", RUSAGE_WRAPPER, usage.name, *command]
        with open(stdout_path, "wb") as out:
            started = time.perf_counter()
            process = subprocess.Popen(wrapped, stdout=out, stderr=subprocess.PIPE)
            memory = TreeMemory(process.pid)
            with memory if sample_memory else contextlib.nullcontext(memory):
                _, errors = process.communicate()
            wall = time.perf_counter() - started
        report = Path(usage.name).read_text()
    if gnu_time:
        rss_kb = int(_field(report, r"Maximum resident set size \(kbytes\): (\d+)"))
        cpu = float(_field(report, r"User time \(seconds\): ([\d.]+)")) + float(
            _field(report, r"System time \(seconds\): ([\d.]+)")
        )
    else:
        numbers = json.loads(report or "{}")
        rss_kb, cpu = numbers.get("maxrss_kb", 0), numbers.get("user", 0.0) + numbers.get("sys", 0.0)
    said = errors.decode(errors="replace").strip().splitlines()
    return Measurement(
        wall, cpu, rss_kb / 1024, memory.peak_kb / 1024, process.returncode, said[-1] if said else "", sample_memory
    )


def _field(report: str, pattern: str) -> str:
    match = re.search(pattern, report)
    return match.group(1) if match else "0"


def time_startup(command: list[str], runs: int, ok_codes: tuple[int, ...] = (0,)) -> float | None:
    """Best wall time of a short command over `runs` runs, output discarded; None if it fails."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - started)
        if done.returncode not in ok_codes:
            return None
    return best


def find_cli(explicit: str | None) -> str | None:
    """`--cli`, else the hotjar-cli beside this Python (the project's virtualenv), else the one on PATH."""
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "hotjar-cli"
    return str(beside) if beside.exists() else shutil.which("hotjar-cli")


def validate_help(cli: str) -> str | None:
    """The text of `hotjar-cli validate --help`, or None when the command does not run."""
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
    try:
        done = subprocess.run([cli, "validate", "--help"], capture_output=True, text=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def dataset(
    size: int | None, events: int | None, seed: int, gzip_files: int = 0, profile: str = "long"
) -> tuple[Path, dict]:
    """The generated input, made once per size, seed, layout and generator version, and reused after that.

    With `gzip_files`, that many gzipped files in a directory; given the same number of events as a plain file,
    they hold exactly its lines, since the generator's stream does not depend on where files are cut.
    """
    version = hashlib.sha1((HERE / "generate.py").read_bytes()).hexdigest()[:8]
    amount = f"{profile}-" + (f"{events}ev" if events is not None else f"{size}B")
    if gzip_files:
        path = DATA / f"archive-{amount}-{seed}-{version}-{gzip_files}gz"
        meta_path = path.with_name(path.name + ".json")
    else:
        path = DATA / f"events-{amount}-{seed}-{version}.ndjson"
        meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    print(f"generating {path.name} ...", file=sys.stderr)
    meta = generate.write(
        path, size, events, seed=seed, compress=bool(gzip_files), files=max(gzip_files, 1), profile=profile
    )
    meta_path.write_text(json.dumps(meta, indent=2))
    return path, meta


def one_line_file() -> Path:
    """A file with a single identify call: what a pre-commit hook or a small CI check reads."""
    path = DATA / "one-line.ndjson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '{"type":"identify","userId":"usr_000001","traits":{"email":"ada@example.com",'
        '"plan":"pro"},"messageId":"m-1","timestamp":"2024-03-01T00:00:00.000Z"}\n'
    )
    return path


PARSE_LOOP_ROW = "parse-only loop (orjson.loads, 1 core)"
PARSE_HALVES_ROW = "parse-only loop, each half of the file in its own process (2 cores)"
SITE_VIEW_BASE = "hotjar-cli validate --jobs 1 --format markdown (no time series)"
SERIES_ROW = "hotjar-cli validate --jobs 1 --format markdown --by day (time series collected)"
INVENTORY_ROW = "hotjar-cli inventory --jobs 1"
SITE_VIEW_BASE_2 = "hotjar-cli validate --jobs 2 --format markdown (no time series)"
INVENTORY_ROW_2 = "hotjar-cli inventory --jobs 2"


def build_rows(
    path: Path, cli: str | None, help_text: str | None, archive: tuple[Path, dict] | None = None
) -> list[Row]:
    """Every row of the table, the unavailable ones marked as skipped; `archive` adds rows on gzipped files."""
    jq = shutil.which("jq") or "/usr/bin/jq"
    rows = [
        Row(PARSE_LOOP_ROW, [sys.executable, "-c", PARSE_LOOP, str(path)]),
        Row("jq filter (benchmarks/validate.jq)", [jq, "-nRc", "-f", str(JQ_FILTER), str(path)]),
        Row(PARSE_HALVES_ROW, [sys.executable, "-c", PARSE_HALVES, str(path)]),
    ]
    validate = [cli or "hotjar-cli", "validate", str(path), "--format", "json"]
    # Exit 1 only means findings were reported, which is the expected answer on this data.
    found = (0, 1)
    has_jobs = help_text is not None and "--jobs" in help_text
    has_dask = help_text is not None and "--engine" in help_text and "dask" in help_text
    for jobs in (1, 2):
        row = Row(f"hotjar-cli validate --jobs {jobs}", [*validate, "--jobs", str(jobs)], found)
        if help_text is None:
            row.skipped = "hotjar-cli not usable"
        elif not has_jobs:
            row.skipped = "not available"
        rows.append(row)
    if not has_jobs and help_text is not None:
        rows.append(Row("hotjar-cli validate (no --jobs option)", validate, found))
    dask = Row("hotjar-cli validate --engine dask", [*validate, "--engine", "dask"], found)
    if not has_dask:
        dask.skipped = "not available"
    rows.append(dask)
    if help_text is not None and "--by" in help_text:
        # The site view's cost: the JSON report above always carries the time series; markdown does not collect it.
        rows.append(
            Row(
                SITE_VIEW_BASE,
                [cli or "hotjar-cli", "validate", str(path), "--format", "markdown", "--jobs", "1"],
                found,
            )
        )
        # The same report with the time series collected: the pair differs by the series' cost alone, where the
        # JSON row also differs by its report.
        rows.append(
            Row(
                SERIES_ROW,
                [cli or "hotjar-cli", "validate", str(path), "--format", "markdown", "--jobs", "1", "--by", "day"],
                found,
            )
        )
        rows.append(
            Row(INVENTORY_ROW, [cli or "hotjar-cli", "inventory", str(path), "--format", "json", "--jobs", "1"])
        )
        # The same pair on two processes, the default on this machine: each part's names cross between processes.
        rows.append(
            Row(
                SITE_VIEW_BASE_2,
                [cli or "hotjar-cli", "validate", str(path), "--format", "markdown", "--jobs", "2"],
                found,
            )
        )
        rows.append(
            Row(INVENTORY_ROW_2, [cli or "hotjar-cli", "inventory", str(path), "--format", "json", "--jobs", "2"])
        )
    if archive is not None and help_text is not None:
        directory, meta = archive
        for jobs in (1, 2) if has_jobs else (None,):
            name = f"hotjar-cli validate, {len(meta['files'])} gzipped files" + (f", --jobs {jobs}" if jobs else "")
            command = [cli or "hotjar-cli", "validate", str(directory), "--format", "json"]
            rows.append(Row(name, command + (["--jobs", str(jobs)] if jobs else []), found, input=meta))
    if not shutil.which(jq):
        rows[1].skipped = "jq not installed"
    return rows


def run_rows(rows: list[Row], runs: int, scratch: Path) -> None:
    """Best of `runs`, interleaved so a busy moment on the shared machine does not land on one row only.

    The whole process tree's memory is sampled in the first round only, and a row's best time is that of a later
    round (with more than one). The sampler reads every process's entry in /proc 20 times a second, a millisecond
    or two each time: with both cores busy (`--jobs 2`, the parse-only loop on two processes) it takes that time
    from the command, while a one-process row runs beside it on the other core. Sampled, `--jobs 2` on the short
    profile took 3% longer (best of 5 side by side), and `--jobs 1` no longer."""
    for round_number in range(1, runs + 1):
        for index, row in enumerate(rows):
            if row.skipped or row.failed:
                continue
            print(f"[{round_number}/{runs}] {row.name} ...", file=sys.stderr, flush=True)
            out = scratch / f"row-{index}.out"
            measurement = measure(row.command, out, sample_memory=round_number == 1)
            if measurement.returncode not in row.ok_codes:
                row.failed = f"failed (exit {measurement.returncode})"
                print(f"    exit {measurement.returncode}: {measurement.complaint}", file=sys.stderr)
                continue
            row.runs.append(measurement)
            print(f"    {measurement.wall:.2f} s", file=sys.stderr, flush=True)
            row.output = _read_output(out)
            row.digest = hashlib.sha256(out.read_bytes()).hexdigest()


def _read_output(out: Path) -> dict | None:
    text = out.read_text(errors="replace").strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        numbers = text.split()
        if len(numbers) == 2 and all(number.isdigit() for number in numbers):
            return {"lines": int(numbers[0]), "broken": int(numbers[1])}
        return None
    return value if isinstance(value, dict) else None


def outcome_counts(row: Row) -> dict | None:
    """The outcome counts a validate or jq row reported, for checking the rows answered the same question."""
    output = row.output or {}
    summary = output.get("summary", output)  # validate nests its counts under `summary`, the jq filter does not
    counts = summary.get("outcomes") if isinstance(summary, dict) else None
    if not isinstance(counts, dict):
        return None
    return {key: value for key, value in sorted(counts.items()) if value}


def summarise(rows: list[Row], meta: dict) -> dict:
    """The numbers behind one profile's table."""
    megabytes = meta["bytes"] / 1e6
    base = rows[0].best
    jq = rows[1].best
    table = []
    for row in rows:
        entry: dict = {
            "name": row.name,
            "command": [
                {PARSE_LOOP: "<parse_loop>", PARSE_HALVES: "<parse_halves>"}.get(part, part) for part in row.command
            ],
        }
        if row.skipped or row.failed or row.best is None:
            entry["status"] = row.skipped or row.failed or "no run"
            table.append(entry)
            continue
        best = row.best
        own = row.input or meta  # MB/s of gzipped input counts the uncompressed bytes, like the other rows
        entry.update(
            status="ok",
            seconds=best.wall,
            cpu_seconds=best.cpu,
            events=own["events"],
            events_per_second=own["events"] / best.wall,
            mb_per_second=own["bytes"] / 1e6 / best.wall,
            max_rss_mb=row.max_rss_mb,
            total_pss_mb=row.total_pss_mb,
            vs_parse=best.wall / base.wall if base else None,
            vs_jq=best.wall / jq.wall if jq else None,
            all_seconds=[run.wall for run in row.runs],
            outcomes=outcome_counts(row),
            sha256=row.digest,
        )
        if row.output and "lines" in row.output:  # the parse-only loop's own count, to check the input size
            entry.update(lines_read=row.output["lines"], broken_json=row.output["broken"])
        table.append(entry)
    return {"input": meta, "megabytes": megabytes, "rows": table, "identical": _identical(table, meta)}


def _identical(table: list[dict], meta: dict) -> bool | None:
    """Whether every validate row of the JSON report on the profile's main file (`--jobs 1`, `--jobs 2`, `--engine
    dask`) printed the same bytes, and the inventory's rows too (None: fewer than two validate rows). The other rows
    of the site view print other reports."""
    compared = [
        entry
        for entry in table
        if entry["name"].startswith("hotjar-cli validate --")
        and entry["name"] not in (SITE_VIEW_BASE, SERIES_ROW, SITE_VIEW_BASE_2)
        and entry.get("sha256")
    ]
    inventories = [
        entry for entry in table if entry["name"] in (INVENTORY_ROW, INVENTORY_ROW_2) and entry.get("sha256")
    ]
    if len(compared) < 2:
        return None
    # The inventory on one process and on two prints the same bytes too.
    return len({entry["sha256"] for entry in compared}) == 1 and len({entry["sha256"] for entry in inventories}) <= 1


PROFILE_TARGETS = {
    # profile: (--jobs 1 ÷ parse-only, --jobs 2 ÷ parse-only, --jobs 1 ÷ --jobs 2), None where there is none
    "long": (1.0, 0.6, 1.6),
    "short": (2.0, None, 1.6),
    "tidy": (1.0, 0.6, None),
}


def targets(profiles: dict[str, dict], startup: dict) -> list[dict]:
    """The speed issues' targets, checked on every profile measured."""
    # text, measured, limit (None: reported only), at least (not at most)
    checks: list[tuple[str, float | None, float | None, bool]] = []
    local_memory: list[float] = []
    cluster_memory: list[float] = []
    fastest: list[float] = []
    for profile, result in profiles.items():
        by_name = {entry["name"]: entry for entry in result["rows"] if entry.get("status") == "ok"}
        one = by_name.get("hotjar-cli validate --jobs 1", {})
        two = by_name.get("hotjar-cli validate --jobs 2", {})
        one_limit, two_limit, speedup_limit = PROFILE_TARGETS.get(profile, (None, None, None))
        if one_limit is not None:
            checks.append(
                (f"{profile}: validate --jobs 1 ÷ parse-only ≤ {one_limit}", one.get("vs_parse"), one_limit, False)
            )
        if two_limit is not None:
            checks.append(
                (f"{profile}: validate --jobs 2 ÷ parse-only ≤ {two_limit}", two.get("vs_parse"), two_limit, False)
            )
        if speedup_limit is not None:
            speedup = one["seconds"] / two["seconds"] if one and two else None
            checks.append(
                (f"{profile}: --jobs 2 at least {speedup_limit}× faster than --jobs 1", speedup, speedup_limit, True)
            )
            base, halves = by_name.get(PARSE_LOOP_ROW), by_name.get(PARSE_HALVES_ROW)
            if base and halves:
                checks.append(
                    (
                        f"{profile}: two processes' speed-up on the parse-only loop, the most --jobs 2 can reach "
                        "here (reported, no target)",
                        base["seconds"] / halves["seconds"],
                        None,
                        True,
                    )
                )
        markdown = by_name.get(SITE_VIEW_BASE)
        if markdown:
            for name, text in (
                (SERIES_ROW, "validate --format markdown with its time series (--by day) ÷ without ≤ 1.15"),
                (INVENTORY_ROW, "inventory --jobs 1 ÷ validate without the time series ≤ 1.15"),
            ):
                if name in by_name:
                    checks.append((f"{profile}: {text}", by_name[name]["seconds"] / markdown["seconds"], 1.15, False))
        markdown_2, inventory_1, inventory_2 = (
            by_name.get(name) for name in (SITE_VIEW_BASE_2, INVENTORY_ROW, INVENTORY_ROW_2)
        )
        if markdown_2 and inventory_2:
            text = "inventory --jobs 2 ÷ validate --jobs 2 without the time series ≤ 1.15"
            checks.append((f"{profile}: {text}", inventory_2["seconds"] / markdown_2["seconds"], 1.15, False))
        if inventory_1 and inventory_2:
            text = "inventory --jobs 2 speed-up over --jobs 1 (reported, no target)"
            checks.append((f"{profile}: {text}", inventory_1["seconds"] / inventory_2["seconds"], None, True))
        identical = result.get("identical")
        checks.append(
            (
                f"{profile}: validate --jobs 1, 2 and --engine dask print the same bytes, inventory --jobs 1 and 2 too",
                None if identical is None else float(identical),
                1.0,
                True,
            )
        )
        versus_jq = []
        for name, entry in by_name.items():
            if not name.startswith("hotjar-cli"):
                continue
            # The memory bar is for validate on one machine, whatever --jobs is; a Dask cluster's scheduler and
            # workers are measured in their own line, not held to it.
            (cluster_memory if "--engine dask" in name else local_memory).append(
                max(entry["max_rss_mb"], entry["total_pss_mb"])
            )
            if entry.get("vs_jq"):
                versus_jq.append(entry["vs_jq"])
        if versus_jq:
            fastest.append(min(versus_jq))
    checks += [
        ("fastest validate ÷ jq ≤ 0.1 (10× faster), every profile", max(fastest) if fastest else None, 0.1, False),
        (
            f"peak memory of validate and inventory, --jobs 1 and 2 < {MEMORY_TARGET_MB} MB",
            max(local_memory, default=None),
            MEMORY_TARGET_MB,
            False,
        ),
        ("one-line validate ÷ python -c pass ≤ 10", startup.get("ratio"), 10.0, False),
    ]
    results = [
        {
            "target": text,
            "measured": value,
            "limit": limit,
            "met": None if value is None or limit is None else (value >= limit if at_least else value <= limit),
        }
        for text, value, limit, at_least in checks
    ]
    if cluster_memory:
        results.append(
            {
                "target": "peak memory of --engine dask's local cluster (reported, no target)",
                "measured": max(cluster_memory),
                "limit": None,
                "met": None,
            }
        )
    return results


def markdown(result: dict, runs: int) -> str:
    """The tables for the README: one a profile, then a side-by-side summary, start-up and the targets."""
    lines: list[str] = []
    for profile, measured in result["profiles"].items():
        lines += [f"**{profile}**: " + _input_line(measured, runs, result), "", *_profile_table(measured), ""]
        if measured.get("agreement"):
            lines += [measured["agreement"], ""]
    lines += [
        "| profile | bytes a line | parse-only events/s | --jobs 1 events/s | --jobs 1 MB/s | --jobs 2 events/s "
        "| --jobs 2 MB/s | --jobs 1 ÷ parse-only | --jobs 2 ÷ parse-only | --jobs 2 speed-up "
        "| parse-only speed-up on 2 processes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for profile, measured in result["profiles"].items():
        by_name = {entry["name"]: entry for entry in measured["rows"] if entry.get("status") == "ok"}
        base = by_name.get(PARSE_LOOP_ROW, {})
        one = by_name.get("hotjar-cli validate --jobs 1", {})
        two = by_name.get("hotjar-cli validate --jobs 2", {})
        halves = by_name.get(PARSE_HALVES_ROW)
        if not (base and one and two):
            continue
        lines.append(
            f"| {profile} | {measured['input']['bytes'] / measured['input']['events']:,.0f} | "
            f"{base['events_per_second']:,.0f} | {one['events_per_second']:,.0f} | "
            f"{one['mb_per_second']:,.1f} | {two['events_per_second']:,.0f} | {two['mb_per_second']:,.1f} | "
            f"{_ratio(one['vs_parse'])} | {_ratio(two['vs_parse'])} | "
            f"{one['seconds'] / two['seconds']:.2f}× | "
            + (f"{base['seconds'] / halves['seconds']:.2f}× |" if halves else "|")
        )
    startup = result["startup"]
    lines += [
        "",
        "| start-up | best of | wall ms |",
        "| --- | ---: | ---: |",
        f"| python -c pass | {startup['runs']} | {startup['python'] * 1000:.0f} |",
    ]
    if startup.get("validate") is not None:
        lines.append(
            f"| hotjar-cli validate on a one-line file | {startup['runs']} | "
            f"{startup['validate'] * 1000:.0f} ({startup['ratio']:.1f}× python) |"
        )
    else:
        lines.append("| hotjar-cli validate on a one-line file | | not available |")
    lines += ["", "| target | measured | met |", "| --- | ---: | --- |"]
    for target in result["targets"]:
        value = target["measured"]
        if "same bytes" in target["target"]:
            shown = "n/a" if value is None else ("same" if value else "differ")
        else:
            shown = "n/a" if value is None else f"{value:.2f}"
        met = "n/a" if target["met"] is None else ("yes" if target["met"] else "**no**")
        lines.append(f"| {target['target']} | {shown} | {met} |")
    return "\n".join(lines)


def _input_line(measured: dict, runs: int, result: dict) -> str:
    meta = measured["input"]
    return (
        f"{meta['events']:,} "
        + (
            f"generated messages (profile {meta.get('profile', 'long')}, seed {meta['seed']})"
            if meta.get("seed") is not None
            else "lines"
        )
        + f", {measured['megabytes']:,.0f} MB, {meta['bytes'] / max(meta['events'], 1):,.0f} bytes a line; "
        f"best of {runs} run{'s' if runs != 1 else ''}; {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{result['machine'].get('hotjar_cli') or 'hotjar-cli not usable'}; "
        f"load average {measured['load_average']['before']:.1f} before, {measured['load_average']['after']:.1f} "
        "after."
    )


def _profile_table(measured: dict) -> list[str]:
    lines = [
        "| command | wall s | CPU s | events/s | MB/s | peak RSS MB | peak total MB | ÷ parse-only | ÷ jq |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for entry in measured["rows"]:
        if entry["status"] != "ok":
            lines.append(f"| {entry['name']} | {entry['status']} | | | | | | | |")
            continue
        lines.append(
            f"| {entry['name']} | {entry['seconds']:.2f} | {entry['cpu_seconds']:.2f} | "
            f"{entry['events_per_second']:,.0f} | {entry['mb_per_second']:,.1f} | {entry['max_rss_mb']:,.0f} | "
            f"{entry['total_pss_mb']:,.0f} | {_ratio(entry['vs_parse'])} | {_ratio(entry['vs_jq'])} |"
        )
    return lines


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}×"


def _agreement(rows: list[Row]) -> str:
    """Say whether every validate row counted the same outcomes, and whether jq did: a fast wrong answer is no result.

    The jq filter has no site-wide limits (HJ206, HJ304), so on input that crosses them it counts some events
    as accepted or modified that validate rejects or modifies: that is said, not hidden.
    """
    counted = {row.name: outcome_counts(row) for row in rows[1:] if row.runs}
    counted = {name: counts for name, counts in counted.items() if counts}
    validates = {name: counts for name, counts in counted.items() if name.startswith("hotjar-cli")}
    if not validates:
        return ""
    distinct = {json.dumps(counts, sort_keys=True) for counts in validates.values()}
    if len(distinct) != 1:
        listing = "; ".join(f"{name}: {json.dumps(counts, sort_keys=True)}" for name, counts in validates.items())
        return f"**Outcome counts differ**: {listing}."
    said = f"Outcome counts agree across {', '.join(validates)}: {next(iter(distinct))}."
    jq = {name: counts for name, counts in counted.items() if not name.startswith("hotjar-cli")}
    for name, counts in jq.items():
        if json.dumps(counts, sort_keys=True) in distinct:
            said += f" The {name} counts the same."
        else:
            said += f" The {name}, which leaves out the site-wide limits, counts {json.dumps(counts, sort_keys=True)}."
    return said


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument(
        "--size",
        type=generate.parse_size,
        help="input size of every profile, e.g. 500MB (default: 500MB long, 300MB short)",
    )
    amount.add_argument("--events", type=int, help="input as a number of messages instead of a size")
    amount.add_argument("--quick", action="store_true", help="about 20 MB a profile, for a smoke run")
    amount.add_argument("--input", type=Path, help="an existing NDJSON file instead of generated data")
    parser.add_argument(
        "--profiles",
        default="long,short",
        help="generated profiles to measure, side by side (default long,short; also tidy)",
    )
    parser.add_argument(
        "--gzip-files",
        type=int,
        default=0,
        metavar="K",
        help="also validate the same messages split into K gzipped files (e.g. 100)",
    )
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs per row (default 3)")
    parser.add_argument("--startup-runs", type=int, default=10, help="best of this many for start-up")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--cli", help="the hotjar-cli executable (default: the one beside this Python)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.startup_runs < 1:
        parser.error("--runs and --startup-runs must be at least 1")

    cli = find_cli(args.cli)
    help_text = validate_help(cli) if cli else None
    if help_text is None:
        print("hotjar-cli is not usable here: its rows are skipped", file=sys.stderr)
    # Whether the core runs compiled: an edit to its sources since the install runs the slower pure-Python
    # fallback, and every hotjar-cli row would measure that.
    version = _version([cli, "--version"]) if cli else None
    if version is not None and "compiled: yes" not in version:
        print(f"{version}: its rows measure the pure-Python core; install again to compile it", file=sys.stderr)
    profiles: dict[str, dict] = {}
    names = ["input"] if args.input else [name.strip() for name in args.profiles.split(",") if name.strip()]
    for profile in names:
        archive = None
        if args.input:
            path = args.input
            with open(path, "rb") as stream:
                count = sum(1 for _ in stream)
            meta = {"path": str(path), "events": count, "bytes": path.stat().st_size, "seed": None}
        else:
            size = generate.parse_size("20MB") if args.quick else args.size
            if size is None and args.events is None:
                size = generate.parse_size(PROFILE_SIZES[profile])
            path, meta = dataset(size, args.events, args.seed, profile=profile)
            if args.gzip_files:
                archive = dataset(None, meta["events"], args.seed, args.gzip_files, profile=profile)
        # Into the page cache, so no row pays for the disk alone.
        for file in [path, *(Path(name) for name in (archive[1]["files"] if archive else []))]:
            with open(file, "rb") as stream:
                while stream.read(1 << 24):
                    pass
        load_before = os.getloadavg()[0]
        if load_before > 0.5:
            print(
                f"the machine is busy (load {load_before:.1f}): wall times will be high; the CPU column less so",
                file=sys.stderr,
            )
        rows = build_rows(path, cli, help_text, archive)
        print(f"profile {profile}: {meta['events']:,} lines, {meta['bytes'] / 1e6:,.0f} MB", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="hotjar-bench-") as scratch:
            run_rows(rows, args.runs, Path(scratch))
        profiles[profile] = summarise(rows, meta)
        profiles[profile]["agreement"] = _agreement(rows)
        profiles[profile]["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}

    # `pip install` compiles the package's bytecode; an editable checkout run with PYTHONDONTWRITEBYTECODE set
    # (as on this project's machines) would compile every module at every start instead. Compile it once, so
    # start-up is measured as an installed tool starts.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import compileall, os, hotjar_cli; compileall.compile_dir(os.path.dirname(hotjar_cli.__file__), quiet=1)",
        ],
        check=False,
        capture_output=True,
    )
    python_start = time_startup([sys.executable, "-c", "pass"], args.startup_runs) or 0.0
    startup: dict = {"runs": args.startup_runs, "python": python_start, "validate": None, "ratio": None}
    if help_text is not None:
        validate_start = time_startup(
            [cli, "validate", str(one_line_file()), "--format", "json"], args.startup_runs, (0, 1)
        )
        if validate_start is not None and python_start:
            startup.update(validate=validate_start, ratio=validate_start / python_start)

    result: dict = {"profiles": profiles, "startup": startup, "targets": targets(profiles, startup), "runs": args.runs}
    result["machine"] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "jq": _version([shutil.which("jq") or "jq", "--version"]),
        "commit": _version(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"]),
        "hotjar_cli": version,
    }
    result["parse_loop"] = PARSE_LOOP.strip()
    args.results.write_text(json.dumps(result, indent=2, default=_plain) + "\n")
    print(markdown(result, args.runs))
    print(f"\nwrote {args.results}", file=sys.stderr)
    return 0


def _version(command: list[str]) -> str | None:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.TimeoutExpired):
        return None


def _plain(value: object) -> object:
    return asdict(value) if hasattr(value, "__dataclass_fields__") else str(value)


if __name__ == "__main__":
    sys.exit(main())
