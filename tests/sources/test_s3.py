"""s3:// paths against a real S3 API on loopback (moto's server), holding a Segment-layout archive.

The archive is built twice, in the bucket and on disk, from the sample logs and generated ones; the command line
must give the same report and call stream for both, and `--since`/`--until` must skip whole received-day folders
without a single request for their objects.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import hotjar_cli.run.parallel as parallel
from hotjar_cli.core.limits import Limits
from hotjar_cli.report.lines import CallLines
from hotjar_cli.run.one_pass import PassSettings
from hotjar_cli.run.parallel import LocalEngine
from hotjar_cli.sources.reader import resolve
from hotjar_cli.sources.source import InputError, Source, Window, received_day

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_events"
BUCKET = "segment-archive"
# Received days as Segment names them (ms since the epoch at 00:00 UTC), and one kept by date.
DAY1, DAY2, DAY3 = "1712016000000", "1712102400000", "1712188800000"  # 2024-04-02, -03, -04
OLD_DAY = "1672531200000"  # 2023-01-01: its object is garbage, so reading it at all is an error
DATE_DAY = "2024-04-03"


def _generated(count: int, seed: int, day: str) -> str:
    """Identify and track messages of the day, with names spread wide enough to cross small site limits."""
    rng = random.Random(seed)
    lines = []
    for number in range(count):
        stamp = f"{day}T{number % 24:02d}:{number % 60:02d}:00.000Z"
        if rng.random() < 0.4:
            traits = {f"trait_{rng.randint(0, 80)}": number, "plan": "pro"}
            lines.append(
                json.dumps(
                    {
                        "type": "identify",
                        "userId": f"u{number % 30}",
                        "traits": traits,
                        "timestamp": stamp,
                        "messageId": f"m{seed}-{number}",
                    }
                )
            )
        else:
            lines.append(
                json.dumps(
                    {
                        "type": "track",
                        "userId": f"u{number % 30}",
                        "event": f"Event {rng.randint(0, 90)}",
                        "properties": {"plan": "pro"},
                        "timestamp": stamp,
                    }
                )
            )
    return "\n".join(lines) + "\n"


def archive_objects() -> dict[str, bytes]:
    """Key to bytes: Segment's layout, its dummy objects, files to skip, and logs from the samples and generated."""
    objects: dict[str, bytes] = {}
    samples = sorted(path for path in SAMPLES.glob("*.jsonl*"))
    for number, sample in enumerate(samples):
        data = sample.read_bytes()
        day = (DAY1, DAY2)[number % 2]
        name = f"{1712016000000 + number * 1000}.{sample.name.split('.')[0]}.gz"
        objects[f"segment-logs/srcA/{day}/{name}"] = data if data[:2] == b"\x1f\x8b" else gzip.compress(data)
    for number, day in enumerate((DAY1, DAY2, DAY3)):
        date = datetime.fromtimestamp(int(day) / 1000, tz=UTC).strftime("%Y-%m-%d")
        objects[f"segment-logs/srcB/{day}/{day}.generated.gz"] = gzip.compress(
            _generated(400, number, date).encode(), mtime=0
        )
        objects[f"segment-logs/srcB/{day}/dummy-object.txt"] = b""
    # A plain (not gzipped) export kept by date, large enough in lines to be cut into byte ranges.
    objects[f"exports/{DATE_DAY}/export.jsonl"] = _generated(900, 7, DATE_DAY).encode()
    objects["segment-logs/README.md"] = b"# not a log\n"
    # A prefix of nothing but what a walk skips: its notes, a script, a hidden folder.
    for key in ("notes/runbook.md", "notes/fetch.sh", "notes/.cache/1712016000000.gz"):
        objects[key] = b"not a log\n"
    objects["segment-logs/srcA/.hidden/x.gz"] = b"junk"
    objects[f"segment-logs/srcB/{OLD_DAY}/old.gz"] = gzip.compress(_generated(50, 9, "2023-01-01").encode())[:60]
    return objects


class Requests(logging.Handler):
    """The request lines moto's server logs, one per HTTP request it answered."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(re.sub(r"\x1b\[[0-9;]*m", "", record.getMessage()))  # the server colours some lines

    def gets(self, key_part: str) -> list[str]:
        """The GET requests for objects whose key holds `key_part`."""
        return [line for line in self.lines if f'"GET /{BUCKET}/' in line and key_part in line]


FOLDER_MARKERS = ("segment-logs/", "segment-logs/srcB/", "exports/", "made-in-the-console/")
"""Keys of the folders the S3 console creates, each an empty object: read as files, each was a file of no lines."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A moto S3 server on 127.0.0.1 holding the archive, the same archive on disk, and the server's request log."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ):
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
        server.start()
        requests = Requests()
        logger = logging.getLogger("werkzeug")
        logger.addHandler(requests)
        logger.setLevel(logging.INFO)
        try:
            host, port = server.get_host_and_port()
            endpoint = f"http://{host}:{port}"
            import s3fs

            fs = s3fs.S3FileSystem(endpoint_url=endpoint, skip_instance_cache=True)
            fs.mkdir(BUCKET)
            local = tmp_path_factory.mktemp("copy")
            for key, data in archive_objects().items():
                fs.pipe(f"{BUCKET}/{key}", data)
                (local / key).parent.mkdir(parents=True, exist_ok=True)
                (local / key).write_bytes(data)
            for marker in FOLDER_MARKERS:  # the empty objects the S3 console makes for folders: none on disk
                fs.pipe(f"{BUCKET}/{marker}", b"")
            yield {"endpoint": endpoint, "local": local, "requests": requests}
        finally:
            logger.removeHandler(requests)
            server.stop()


def cli(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real command line in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "hotjar_cli", *arguments],
        capture_output=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=120,
    )


def as_local(output: bytes, store: dict) -> bytes:
    """An S3 run's output with each object's URL written as the local copy's path: nothing else may differ."""
    return output.replace(f"s3://{BUCKET}/".encode(), f"{store['local']}/".encode())


@pytest.mark.parametrize(
    "arguments",
    [
        ["validate", "{root}segment-logs", "--format", "json"],
        ["validate", "{root}segment-logs/", "--format", "jsonl", "--max-attributes", "25", "--max-events", "30"],
        ["validate", "{root}segment-logs/*/1712102400000/*", "{root}exports", "--format", "json", "--examples", "5"],
        ["replay", "{root}segment-logs/srcB", "{root}exports/", "--dry-run", "--max-events", "40"],
    ],
    ids=["json", "jsonl-site-limits", "glob-and-plain-file", "dry-run"],
)
def test_s3_gives_the_report_of_a_local_copy(store: dict, arguments: list[str]) -> None:
    local = cli(*(argument.format(root=f"{store['local']}/") for argument in arguments))
    remote = cli(
        *(argument.format(root=f"s3://{BUCKET}/") for argument in arguments),
        env={"AWS_ENDPOINT_URL": store["endpoint"]},
    )
    assert remote.returncode == local.returncode, remote.stderr
    assert as_local(remote.stdout, store) == local.stdout and local.stdout.strip()
    assert as_local(remote.stderr, store) == local.stderr


def test_reports_name_each_object_by_its_url(store: dict) -> None:
    done = cli(
        "validate",
        f"s3://{BUCKET}/segment-logs/srcB/",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--endpoint-url",
        store["endpoint"],
    )
    report = json.loads(done.stdout)
    assert report["summary"]["files"] == 4  # three days and the old one; dummy objects are not logs
    files = {example["file"] for examples in report["examples"].values() for example in examples}
    assert files and all(name.startswith(f"s3://{BUCKET}/segment-logs/srcB/") for name in files)
    assert report["errors"] == [
        {
            "file": f"s3://{BUCKET}/segment-logs/srcB/{OLD_DAY}/old.gz",
            "line": 1,
            "message": report["errors"][0]["message"],
        }
    ]


def test_listing_follows_segment_layout_and_skips_what_is_not_a_log(store: dict) -> None:
    sources = resolve([f"s3://{BUCKET}/"], store["endpoint"])
    keys = [source.name[len(f"s3://{BUCKET}/") :] for source in sources]
    local = [str(source.path.relative_to(store["local"])) for source in resolve([str(store["local"])])]
    assert keys == local
    assert not any(key.endswith(("dummy-object.txt", "README.md")) or "/." in key for key in keys)
    assert all(source.remote is not None and source.remote.size for source in sources if "old" not in source.name)


def test_until_skips_day_folders_after_the_window_and_the_days_before_it_are_read(store: dict) -> None:
    # The messages before a window took the site's slots before the window's did, so its days are read (a filter
    # chooses what is reported, not what Hotjar received); those after it cannot change how Hotjar took the
    # window's messages, so their folders are neither listed nor read.
    requests = store["requests"]
    before = len(requests.gets(DAY3))
    window = ["--format", "json", "--since", "2024-04-02", "--until", "2024-04-03", "--fail-on", "never"]
    done = cli("validate", f"s3://{BUCKET}/segment-logs/", *window, env={"AWS_ENDPOINT_URL": store["endpoint"]})
    assert done.returncode == 2, done.stderr  # the truncated 2023 object, before the window, was read
    assert requests.gets(f"{OLD_DAY}/old.gz")
    assert len(requests.gets(DAY3)) == before
    files = cli("validate", f"{store['local']}/segment-logs/", *window)
    assert as_local(done.stdout, store) == files.stdout
    # Said, not passed over: an event that reached Segment over a day late may sit in a folder skipped.
    said = [line for line in done.stderr.decode().splitlines() if "received-day folder" in line]
    assert len(said) == 1 and DAY3 in said[0] and "after --until" in said[0]
    assert said == [line for line in files.stderr.decode().splitlines() if "received-day folder" in line]
    report = json.loads(done.stdout)
    # 2024-04-03 is kept: within a day of the window's end, its events may still be in it.
    assert report["summary"]["files"] == len(
        [
            key
            for key in archive_objects()
            if key.startswith("segment-logs/") and key.endswith(".gz") and DAY3 not in key and "/." not in key
        ]
    )
    assert report["summary"]["filtered"] > 0
    assert requests.gets(f"{DAY2}/{DAY2}.generated.gz")
    # A window every folder of a path is after leaves no event to read there: the gate says so, not an error.
    early = ["--until", "2022-06-01", "--format", "json"]
    narrow = cli("validate", f"s3://{BUCKET}/segment-logs/srcB/", *early, env={"AWS_ENDPOINT_URL": store["endpoint"]})
    assert narrow.returncode == 1 and b"after --until" in narrow.stderr, narrow.stderr
    assert json.loads(narrow.stdout)["summary"]["events"] == 0
    assert cli("validate", f"{store['local']}/segment-logs/srcB/", *early, "--allow-empty").returncode == 0


def test_received_day_folders_and_the_window_margin() -> None:
    assert received_day(DAY1) == datetime(2024, 4, 2, tzinfo=UTC)
    assert received_day("2024-04-02") == datetime(2024, 4, 2, tzinfo=UTC)
    assert received_day("srcA") is None and received_day("2024-13-45") is None and received_day("171201600000") is None
    until = Window(until=datetime(2024, 4, 2, tzinfo=UTC))
    assert until.excludes_folder("2024-04-03") and not until.excludes_folder("2024-04-02")
    assert until.excludes_folder(DAY3) and not until.excludes_folder(OLD_DAY) and not until.excludes_folder("srcB")
    assert not Window().excludes_folder(DAY3)


def test_processes_and_byte_ranges_over_s3_give_the_one_process_answer(store: dict) -> None:
    sources = resolve([f"s3://{BUCKET}/exports", f"s3://{BUCKET}/segment-logs/srcB/{DAY1}"], store["endpoint"])
    units = parallel.plan_units(sources, 3, min_bytes=0)
    assert units is not None and sum(unit.name.endswith("export.jsonl") for unit in units) == 3

    def answer(jobs: int) -> tuple[str, str]:
        out = io.StringIO()
        settings = PassSettings(limits=Limits(max_attributes=20, max_events=25))
        summary = parallel.run_jobs(sources, settings, jobs, CallLines(), out, engine=LocalEngine(jobs, min_bytes=0))
        errors = [(error.file, error.line, error.message) for error in summary.errors]
        return json.dumps(
            [
                summary.files,
                summary.lines,
                summary.rules,
                summary.calls,
                errors,
                {
                    code: [(e.position.file, e.position.line) for e in examples]
                    for code, examples in summary.examples.items()
                },
            ],
            sort_keys=True,
        ), out.getvalue()

    alone = answer(1)
    assert "HJ206" in alone[0] and "HJ304" in alone[0] and alone[1]
    assert answer(3) == alone


def test_endpoint_option_and_the_environment_variable_agree(store: dict) -> None:
    by_option = cli("replay", f"s3://{BUCKET}/exports/", "--dry-run", "--endpoint-url", store["endpoint"])
    by_environment = cli("replay", f"s3://{BUCKET}/exports/", "--dry-run", env={"AWS_ENDPOINT_URL": store["endpoint"]})
    assert by_option.returncode == 0 and by_option.stdout and by_option.stdout == by_environment.stdout


def test_an_endpoint_given_for_local_files_only_is_said_to_be_unused(store: dict, tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text(_generated(3, 1, "2024-04-02"))
    for command in (["validate"], ["inventory"], ["replay", "--dry-run"]):
        given = cli(*command, str(log), "--endpoint-url", "http://127.0.0.1:9/\x1b[31m")
        assert given.returncode == 0, given.stderr
        assert given.stderr.decode().splitlines()[0] == (
            "hotjar-cli: --endpoint-url http://127.0.0.1:9/\\u001b[31m is not used: it names the store of s3:// "
            "inputs only"
        )
        # From the environment it is the machine's setting, for every run: nothing is said.
        machine = cli(*command, str(log), env={"AWS_ENDPOINT_URL": store["endpoint"]})
        assert machine.returncode == 0 and b"endpoint" not in machine.stderr, machine.stderr
    # With an s3:// input beside a local file, it is used.
    both = cli("validate", str(log), f"s3://{BUCKET}/exports/", "--endpoint-url", store["endpoint"], "-f", "json")
    assert both.returncode in (0, 1) and b"endpoint" not in both.stderr, both.stderr


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (f"s3://{BUCKET}/no/such/prefix", "no such object or prefix"),
        (
            "s3://no-such-bucket/segment-logs/",
            "no bucket named no-such-bucket at {endpoint} (or none this account can see)",
        ),
        # a bucket alone was said to be "no such object or prefix"
        ("s3://no-such-bucket", "no bucket named no-such-bucket at {endpoint} (or none this account can see)"),
        (f"s3://{BUCKET}/segment-logs/*/nothing-*", "no object matches this pattern"),
        ("s3://", "name a bucket"),
    ],
)
def test_s3_paths_that_name_nothing_are_one_line_errors(store: dict, path: str, said: str) -> None:
    said = said.format(endpoint=store["endpoint"])
    done = cli("validate", path, env={"AWS_ENDPOINT_URL": store["endpoint"]})
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [f"hotjar-cli: error: {path}: {said}"] or (
        said in done.stderr.decode() and len(done.stderr.decode().splitlines()) == 1
    )


def test_a_prefix_of_skipped_objects_names_them_as_a_local_folder_does(store: dict) -> None:
    remote = cli("validate", f"s3://{BUCKET}/notes", env={"AWS_ENDPOINT_URL": store["endpoint"]})
    local = cli("validate", str(store["local"] / "notes"))
    assert remote.returncode == local.returncode == 2
    skipped = "skipped .cache/, fetch.sh and runbook.md (documentation, scripts, reports, dot-files, hidden folders"
    assert remote.stderr.decode().splitlines() == [
        f"hotjar-cli: error: s3://{BUCKET}/notes: no log objects under this prefix: {skipped}, named pipes and "
        "Segment's dummy-object.txt are not read from a folder or a pattern; name a file to read it, unless it is a "
        "report of hotjar-cli's own)"
    ]
    assert skipped in local.stderr.decode()


def test_missing_credentials_are_a_one_line_error(store: dict, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=store["endpoint"],
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_DEFAULT_REGION="us-east-1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "hotjar_cli", "validate", f"s3://{BUCKET}/exports/"],
        capture_output=True,
        env=env,
        check=False,
        timeout=120,
    )
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "credentials" in lines[0].lower(), lines


def test_without_s3fs_the_error_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['s3fs'] = None; sys.argv = ['hotjar-cli', 'validate', 's3://bucket/logs/']; "
        "from hotjar_cli.cli.main import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "hotjar-cli: error: reading s3:// paths needs s3fs: pip install 'hotjar-cli[s3]'"
    ]


def test_local_runs_never_import_s3fs(tmp_path: Path) -> None:
    code = (
        "import sys; sys.argv = ['hotjar-cli', 'validate', sys.argv[1], '--fail-on', 'never']\n"
        "from hotjar_cli.cli.main import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert not {'s3fs', 'fsspec', 'dask', 'distributed'} & set(sys.modules), 'imported'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLES / "identify.jsonl")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_a_remote_source_reads_through_open_source(store: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", store["endpoint"])
    [source] = resolve([f"s3://{BUCKET}/segment-logs/srcB/{DAY1}/{DAY1}.generated.gz"])
    assert isinstance(source, Source) and source.path is None and not source.is_stdin
    from hotjar_cli.sources.reader import open_source

    with open_source(source) as stream:
        assert stream.read().count(b"\n") == 400
    with pytest.raises(InputError):
        resolve([f"s3://{BUCKET}/segment-logs/srcB/{DAY1}/missing.gz"])


def test_a_replay_of_an_object_dead_letters_its_original_messages(store: dict, tmp_path: Path) -> None:
    # The dead-letter file reads each message again from its input: an s3:// object was looked for on disk, not
    # found, and every message rebuilt from its call, said to be from an input that changed.
    from tests.support.fake_hotjar import FakeHotjar

    key = f"segment-logs/srcA/{DAY2}/1712016001000.clean.gz"
    dead = tmp_path / "dead.ndjson"
    with FakeHotjar(allow_http=True) as fake:
        fake.faults.client_error = True
        done = cli(
            "replay",
            f"s3://{BUCKET}/{key}",
            *fake.site_options(),
            "--retries",
            "0",
            "--settle",
            "0.2",
            "--dead-letter",
            str(dead),
            env={"AWS_ENDPOINT_URL": store["endpoint"]},
        )
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert "rebuilt" not in stderr and "dead letters: 7 messages in" in stderr, stderr
    assert dead.read_bytes() == (SAMPLES / "clean.jsonl").read_bytes()


def test_a_prefix_holding_only_a_folder_marker_holds_no_log(store: dict) -> None:
    # Its marker was read as a file of no lines: "0 events in 0 lines of 1 file", and the gate failed (exit 1) where
    # an empty folder on disk is an input that cannot be read (exit 2).
    done = cli("validate", f"s3://{BUCKET}/made-in-the-console/", env={"AWS_ENDPOINT_URL": store["endpoint"]})
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"hotjar-cli: error: s3://{BUCKET}/made-in-the-console/: no log objects under this prefix\n"
    )


class GoingDown:
    """A TCP proxy on 127.0.0.1 in front of the S3 server, which goes down when told: from then on it cuts every
    connection it holds and, as `mode` says, closes each new one at once ("close") or holds it without a word
    ("hang"), once it has read what the connection asks for (`asked`)."""

    def __init__(self, target: str, mode: str) -> None:
        import socket
        import threading

        self.target = target.removeprefix("http://").split(":")
        self.mode = mode
        self.down = False
        self.after_down = 0
        self.asked: list[str] = []
        """The path each request made to it once down asked for."""
        self.held: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.down:
                    self.after_down += 1
                    client.settimeout(5)
                    with contextlib.suppress(OSError):
                        head = client.recv(4096).split(b"\r\n", 1)[0].decode()
                        self.asked.append(head.split(" ")[1].split("?")[0] if head.count(" ") >= 2 else head)
                    if self.mode == "close":
                        client.close()
                    else:
                        self.held.append(client)
                    continue
                upstream = socket.create_connection((self.target[0], int(self.target[1])))
                self.held += [client, upstream]
            for one, other in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(one, other), daemon=True).start()

    @staticmethod
    def _pump(source: Any, sink: Any) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def go_down(self) -> None:
        import socket

        with self.lock:
            self.down = True
            held, self.held = self.held, []
            for one in held:
                with contextlib.suppress(OSError):
                    one.shutdown(socket.SHUT_RDWR)
                one.close()

    def stop(self) -> None:
        self.listener.close()
        with self.lock:
            for one in self.held:
                one.close()


class DownAtTheFirstObject(logging.Handler):
    """Takes the proxy down once the server has answered the GET of the first object read."""

    def __init__(self, proxy: GoingDown) -> None:
        super().__init__()
        self.proxy = proxy

    def emit(self, record: logging.LogRecord) -> None:
        line = re.sub(r"\x1b\[[0-9;]*m", "", record.getMessage())  # the server colours some lines
        if f'"GET /{BUCKET}/segment-logs/' in line and not self.proxy.down:
            self.proxy.go_down()


@pytest.mark.parametrize("mode", ["close", "hang"])
def test_a_store_that_stops_answering_is_asked_for_no_other_object(
    store: dict, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store gone down mid-run cost each object left its attempts in turn, without a word: 8 s an object refused,
    # and one that held connections without answering kept a run going past ten minutes with three objects left.
    import hotjar_cli.sources.s3 as s3

    monkeypatch.setattr(s3, "_unreachable", {})
    monkeypatch.setattr(s3, "READ_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(s3, "CONNECT_TIMEOUT_SECONDS", 0.5)
    proxy = GoingDown(store["endpoint"], mode)
    endpoint = f"http://127.0.0.1:{proxy.port}"
    down = DownAtTheFirstObject(proxy)
    logger = logging.getLogger("werkzeug")
    try:
        sources = resolve([f"s3://{BUCKET}/segment-logs/"], endpoint)
        assert len(sources) > 5
        logger.addHandler(down)
        summary = parallel.run_jobs(sources, PassSettings(), 1, CallLines(), io.StringIO(), engine=LocalEngine(1))
    finally:
        logger.removeHandler(down)
        proxy.stop()
    assert proxy.down
    failed = [error for error in summary.errors if not error.message.startswith("not read: ")]
    assert len(failed) == 1 and failed[0].message.startswith("read failed: ")
    later = [error for error in summary.errors if error.message.startswith("not read: ")]
    assert len(later) >= len(sources) - 2 and all(error.line is None for error in later)
    assert all(error.message.endswith(f"the store stopped answering ({failed[0].message[13:]})") for error in later)
    # Every request made once the store was down asked for the one object it could not read, and no other.
    assert proxy.after_down and len(set(proxy.asked)) == 1, proxy.asked
    assert proxy.asked[0] == f"/{BUCKET}/{failed[0].file.removeprefix(f's3://{BUCKET}/')}"
