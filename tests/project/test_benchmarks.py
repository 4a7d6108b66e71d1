"""The benchmarks: the data generator (realistic, reproducible analytics.js messages) and a smoke run of the
throughput benchmark (never timed here)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


def _generate(tmp_path: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(GENERATE), *args], check=True, cwd=tmp_path, capture_output=True)


def _parse(lines: list[bytes]) -> tuple[list[dict], int]:
    messages, broken = [], 0
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            broken += 1
            continue
        if isinstance(value, dict):
            messages.append(value)
        else:
            broken += 1
    return messages, broken


def test_generated_lines_have_the_mix_and_shape_of_a_real_product(tmp_path: Path) -> None:
    _generate(tmp_path, "--events", "400", "events.ndjson")
    lines = (tmp_path / "events.ndjson").read_bytes().splitlines()
    assert len(lines) == 400

    messages, broken = _parse(lines)
    assert broken <= 10  # a few broken lines, as in a real archive, and the rest parses
    kinds = Counter(message.get("type") for message in messages)
    assert set(kinds) <= {"identify", "track", "page", "group", "alias", "screen"}
    assert 0.08 <= kinds["identify"] / len(messages) <= 0.25
    assert 0.50 <= kinds["track"] / len(messages) <= 0.80
    assert 0.08 <= kinds["page"] / len(messages) <= 0.25

    for message in messages:
        assert {
            "messageId",
            "anonymousId",
            "timestamp",
            "originalTimestamp",
            "sentAt",
            "receivedAt",
            "context",
            "integrations",
        } <= set(message)
        assert {"ip", "library", "locale", "page", "userAgent", "timezone"} <= set(message["context"])
        assert set(message["context"]["page"]) == {"path", "referrer", "search", "title", "url"}
    assert len({message["messageId"] for message in messages}) == len(messages)
    assert sum("userId" in message for message in messages) > 0.6 * len(messages)

    identifies = [message for message in messages if message["type"] == "identify"]
    traits = [message["traits"] for message in identifies]
    assert all({"name", "email", "plan", "createdAt", "logins"} <= set(trait) for trait in traits)
    assert any(isinstance(trait.get("address"), dict) for trait in traits)
    assert any(isinstance(trait.get("company"), dict) for trait in traits)
    assert any(isinstance(trait.get("roles"), list) for trait in traits)

    tracks = [message for message in messages if message["type"] == "track"]
    assert all(5 <= len(message["properties"]) <= 15 for message in tracks)


def test_bad_lines_are_part_of_the_data(tmp_path: Path) -> None:
    _generate(tmp_path, "--events", "20000", "events.ndjson")
    lines = (tmp_path / "events.ndjson").read_bytes().splitlines()
    messages, broken = _parse(lines)
    assert broken > 0
    assert any(message["type"] == "identify" and not message.get("userId") for message in messages)
    odd = [
        message["event"]
        for message in messages
        if message["type"] == "track"
        and not (isinstance(message.get("event"), str) and message["event"].replace(" ", "").isalnum())
    ]
    assert any(isinstance(event, str) and "@" in event for event in odd)
    assert any(event in (None, "") for event in odd)


def test_same_seed_same_bytes_and_sizes_are_honoured(tmp_path: Path) -> None:
    _generate(tmp_path, "--events", "300", "--seed", "7", "a.ndjson")
    _generate(tmp_path, "--events", "300", "--seed", "7", "b.ndjson")
    _generate(tmp_path, "--events", "300", "--seed", "8", "c.ndjson")
    assert (tmp_path / "a.ndjson").read_bytes() == (tmp_path / "b.ndjson").read_bytes()
    assert (tmp_path / "a.ndjson").read_bytes() != (tmp_path / "c.ndjson").read_bytes()

    _generate(tmp_path, "--size", "200KB", "sized.ndjson")
    size = (tmp_path / "sized.ndjson").stat().st_size
    assert 200_000 <= size < 200_000 + 20_000  # stops at the first line past the size


def test_gzipped_directory_of_files(tmp_path: Path) -> None:
    _generate(tmp_path, "--events", "200", "--gzip", "--files", "4", "archive")
    files = sorted((tmp_path / "archive").iterdir())
    assert [file.name for file in files] == [f"events-{index:04d}.ndjson.gz" for index in range(4)]
    counts = []
    for file in files:
        assert file.read_bytes()[:2] == b"\x1f\x8b"
        counts.append(len(gzip.decompress(file.read_bytes()).splitlines()))
    assert counts == [50, 50, 50, 50]


def test_split_files_hold_exactly_the_lines_of_one_file(tmp_path: Path) -> None:
    _generate(tmp_path, "--events", "500", "one.ndjson")
    _generate(tmp_path, "--events", "500", "--gzip", "--files", "7", "archive")
    joined = b"".join(gzip.decompress(file.read_bytes()) for file in sorted((tmp_path / "archive").iterdir()))
    assert joined == (tmp_path / "one.ndjson").read_bytes()


def _throughput(tmp_path: Path, events: int, **environment: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """The throughput benchmark on a few generated short messages, one run of each row: its output and results."""
    results = tmp_path / "results.json"
    sizes = ["--events", str(events), "--runs", "1", "--startup-runs", "1", "--profiles", "short"]
    done = subprocess.run(
        [sys.executable, str(GENERATE.parent / "throughput.py"), *sizes, "--results", str(results)],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **environment},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done, json.loads(results.read_text())


def test_the_throughput_benchmark_runs_to_its_table_and_targets(tmp_path: Path) -> None:
    # A few hundred messages, one run: only that every row runs and every target is worked out, never a timing.
    done, report = _throughput(tmp_path, 300)
    targets = {target["target"]: target for target in report["targets"]}
    assert "short: validate --format markdown with its time series (--by day) ÷ without ≤ 1.15" in targets
    assert "short: inventory --jobs 1 ÷ validate without the time series ≤ 1.15" in targets
    assert all(target["measured"] is not None for name, target in targets.items() if "short" in name)
    assert "| hotjar-cli validate --jobs 1 |" in done.stdout
    assert report["profiles"]["short"]["identical"] is True  # --jobs 1, 2 and dask: the same JSON report
    # Which core the rows measured, compiled or its pure-Python fallback, is part of the record and the table.
    core = report["machine"]["hotjar_cli"]
    assert core.startswith("hotjar-cli ") and "(compiled: " in core
    assert f"{core}; load average" in done.stdout
    # The two-process loop reads every line once: the halves meet at a line start.
    rows = {row["name"]: row for row in report["profiles"]["short"]["rows"]}
    one, two = rows["parse-only loop (orjson.loads, 1 core)"], rows[next(name for name in rows if "each half" in name)]
    assert (two["lines_read"], two["broken_json"]) == (one["lines_read"], one["broken_json"])
    assert one["lines_read"] == 300
    assert any("parse-only loop, the most --jobs 2 can reach" in name for name in targets)


def test_the_throughput_benchmark_says_when_it_measures_the_pure_python_core(tmp_path: Path) -> None:
    done, report = _throughput(tmp_path, 50, HOTJAR_CLI_PURE_PYTHON="1")
    assert "(compiled: no, HOTJAR_CLI_PURE_PYTHON is set): its rows measure the pure-Python core" in done.stderr
    assert "compiled: no" in report["machine"]["hotjar_cli"]


def test_the_memory_sampler_runs_in_the_first_round_only_and_times_come_from_the_others(tmp_path: Path) -> None:
    # The sampler takes CPU from a command that keeps both cores busy: its run's time is not the one kept.
    sys.path.insert(0, str(GENERATE.parent))
    try:
        import throughput
    finally:
        sys.path.remove(str(GENERATE.parent))
    row = throughput.Row("sleep", [sys.executable, "-c", "import time; time.sleep(0.3)"])
    throughput.run_rows([row], 3, tmp_path)
    assert [run.sampled for run in row.runs] == [True, False, False]
    assert row.runs[0].total_pss_mb > 0 and row.runs[1].total_pss_mb == row.runs[2].total_pss_mb == 0
    assert row.total_pss_mb == row.runs[0].total_pss_mb
    row.runs[0].wall = 0.0  # fastest, but sampled
    assert row.best is min(row.runs[1:], key=lambda run: run.wall)
