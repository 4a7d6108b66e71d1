"""Reading real log files: plain and gzipped, directories, globs, stdin, and every awkward byte real logs hold."""

from __future__ import annotations

import glob
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from hotjar_cli.core.decode import MAX_LINE_BYTES
from hotjar_cli.core.model import Outcome, Position
from hotjar_cli.run.one_pass import PassSettings, run_pass
from hotjar_cli.sources import reader
from hotjar_cli.sources.reader import open_source, read_lines, resolve
from hotjar_cli.sources.source import InputError, Source
from tests.support.cli import CLI, cli, one_line, unprivileged

IDENTIFY = {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}
TRACK = {"type": "track", "userId": "u1", "event": "Signed Up"}
PAGE = {"type": "page", "userId": "u1", "name": "Home"}
LOG = "".join(json.dumps(message) + "\n" for message in (IDENTIFY, TRACK, PAGE)).encode()


def lines_of(path: Path, block_bytes: int = reader.BLOCK_BYTES, max_line_bytes: int = MAX_LINE_BYTES) -> list[bytes]:
    with open_source(Source(str(path), path)) as stream:
        return list(read_lines(stream, block_bytes, max_line_bytes=max_line_bytes))


def outcomes(events) -> list[tuple[int, Outcome]]:
    return [(event.position.line, event.decision.outcome) for event in events]


EXPECTED = [(1, Outcome.ACCEPTED), (2, Outcome.ACCEPTED), (3, Outcome.IGNORED)]


# Plain and gzipped files


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("events.jsonl", False),
        ("events.jsonl", True),
        ("events.gz", True),
        ("events.json", True),
        ("events.gz", False),
        ("no-extension", True),
    ],
    ids=["plain", "gzipped .jsonl", "gzipped .gz", "gzipped .json", "decompressed .gz", "gzipped no extension"],
)
def test_gzip_is_recognised_by_its_magic_bytes_not_its_name(
    tmp_path: Path, run_paths, name: str, compress: bool
) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(LOG) if compress else LOG)
    summary, events = run_paths([path])
    assert outcomes(events) == EXPECTED
    assert [event.position for event in events] == [Position(str(path), line) for line in (1, 2, 3)]
    assert (summary.files, summary.lines, summary.events, summary.errors) == (1, 3, 3, [])
    assert events[0].decision.call.args == ["identify", "u1", {"plan": "pro"}]


TABLE = b"type,userId,event\n" + b"track,u1,Signed Up\n" * 400
"""A warehouse query's result, exported as a table."""


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("events.csv", lambda: TABLE, "the file is a CSV table, not a log"),
        ("EVENTS.CSV.GZ", lambda: gzip.compress(TABLE), "the file is gzipped, and inside is a CSV table, not a log"),
        ("events.tsv", lambda: TABLE.replace(b",", b"\t"), "the file is a TSV table, not a log"),
    ],
    ids=["csv", "gzipped csv", "tsv"],
)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_table_named_on_the_command_line_is_refused_in_one_line_not_read_as_broken_messages(
    tmp_path: Path, name: str, content: Any, said: str, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder walk skips tables; one named was read as its header and rows, each a broken message, with nothing to
    # say what the file was.
    monkeypatch.setenv("HOTJAR_CLI_PARALLEL_MIN_BYTES", "0")  # with --jobs 2, even a small file would be cut up
    path = tmp_path / name
    path.write_bytes(content())
    result = cli("validate", path, "-q", "-f", "json", "--jobs", jobs)
    assert result.code == 2
    report = result.json()
    assert report["summary"]["events"] == 0
    assert said in report["errors"][0]["message"]
    assert one_line(result.stderr).endswith("plain or gzipped (export the events as JSON lines)")
    # Named so, a file of JSON lines (or an empty one) is read as a log.
    path.write_bytes(gzip.compress(LOG) if name.endswith(".GZ") else LOG)
    assert cli("validate", path, "-q", "-f", "json", "--jobs", jobs).json()["summary"]["events"] == 3
    path.write_bytes(b"")
    assert cli("validate", path, "-q", "-f", "json", "--jobs", jobs, "--allow-empty").code == 0


PNG = Path(__file__).parents[1] / "reference" / "report-1280.png"
"""A screenshot kept beside the logs: a real PNG file."""


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (lambda: __import__("lzma").compress(LOG * 200), "compressed with xz, which hotjar-cli does not read"),
        (lambda: __import__("bz2").compress(LOG * 200), "compressed with bzip2, which hotjar-cli does not read"),
        (lambda: gzip.compress(gzip.compress(LOG * 200)), "gzipped twice: decompress it once (gunzip)"),
        (lambda: gzip.compress(__import__("lzma").compress(LOG * 200)), "gzipped, and inside compressed with xz"),
        # Files of other kinds kept beside logs: refused for what they are, not read as broken lines.
        (lambda: PNG.read_bytes(), "the file is a PNG image, not a log"),
        (lambda: gzip.compress(PNG.read_bytes()), "the file is gzipped, and inside is a PNG image, not a log"),
        (
            lambda: Path(sys.executable).resolve().read_bytes(),
            "the file is an executable or a library (ELF), not a log",
        ),
        # Segment's data lakes and a warehouse's export write Parquet: its magic begins and ends the file.
        (lambda: b"PAR1" + LOG * 200 + b"\x00\x00\x00\x00PAR1", "the file is a Parquet file, not a log"),
        # Logs handed over as an archive: read as text, its headers broke each member's first line.
        (lambda: tar_of_logs(), "the file is a tar archive, not a log: extract it first (tar -xf)"),
        (lambda: gzip.compress(tar_of_logs()), "gzipped, and inside is a tar archive, not a log: extract it first"),
        # Logs saved on Windows (PowerShell's Out-File, Notepad's "Unicode"): each line was a broken message.
        (lambda: ("\ufeff" + LOG.decode()).encode("utf-16-le"), "the file is UTF-16 text, not UTF-8"),
        (lambda: ("\ufeff" + LOG.decode()).encode("utf-16-be"), "(iconv -f UTF-16 -t UTF-8)"),
        (lambda: LOG.decode().encode("utf-16-le") * 20, "the file is UTF-16 text"),
        (lambda: ("\ufeff" + LOG.decode()).encode("utf-32-le"), "the file is UTF-32 text, not UTF-8"),
        (lambda: LOG.decode().encode("utf-32-le"), "the file is UTF-32 text, not UTF-8"),
        (lambda: LOG.decode().encode("utf-32-be"), "(iconv -f UTF-32 -t UTF-8)"),
        (lambda: gzip.compress(LOG.decode().encode("utf-16-le")), "the file is gzipped, and inside is UTF-16 text"),
    ],
    ids=[
        "xz",
        "bzip2",
        "gzip twice",
        "xz in gzip",
        "png",
        "gzipped png",
        "elf",
        "parquet",
        "tar",
        "tar.gz",
        "utf-16",
        "utf-16 big-endian",
        "utf-16 without its mark",
        "utf-32",
        "utf-32 without its mark",
        "utf-32 big-endian without its mark",
        "gzipped utf-16",
    ],
)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_compressed_otherwise_or_of_another_kind_is_refused_in_one_line_not_read_as_text(
    tmp_path: Path, content: Any, said: str, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTJAR_CLI_PARALLEL_MIN_BYTES", "0")  # with --jobs 2, even a small file would be cut up
    path = tmp_path / "events.jsonl.gz"
    path.write_bytes(content())
    result = cli("validate", path, "-q", "-f", "json", "--jobs", jobs)
    assert result.code == 2
    report = result.json()
    assert report["summary"]["events"] == 0  # no byte of it taken for a broken message (said to be UTF-16, say)
    assert said in report["errors"][0]["message"]
    assert said in one_line(result.stderr)
    assert one_line(result.stderr).endswith(("plain or gzipped", "the folder of its files")) or "not a log" not in said


def tar_of_logs() -> bytes:
    """A tar archive of two logs, as `tar -cf` writes one."""
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for name in ("a.jsonl", "b.jsonl"):
            member = tarfile.TarInfo(name)
            member.size = len(LOG * 50)
            tar.addfile(member, io.BytesIO(LOG * 50))
    return archive.getvalue()


def test_text_that_begins_as_a_compressed_format_might_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"BZh not bzip2 at all\nPK but no zip\n" + LOG)
    report = cli("validate", path, "-q", "-f", "json").json()
    assert report["summary"]["outcomes"]["invalid"] == 2 and not report["errors"]


def test_concatenated_gzip_members_are_one_stream(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "joined.gz"
    path.write_bytes(gzip.compress(LOG[:-1]) + gzip.compress(b"\n" + json.dumps(TRACK).encode() + b"\n"))
    summary, events = run_paths([path])
    assert outcomes(events) == [*EXPECTED, (4, Outcome.ACCEPTED)]
    assert summary.lines == 4


def test_member_boundary_inside_a_line_joins_the_line(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "split.gz"
    path.write_bytes(gzip.compress(LOG[:10]) + gzip.compress(LOG[10:]))
    _, events = run_paths([path])
    assert outcomes(events) == EXPECTED


def test_empty_file_has_no_lines(tmp_path: Path, run_paths) -> None:
    for name, content in (("empty.jsonl", b""), ("empty.gz", gzip.compress(b""))):
        (tmp_path / name).write_bytes(content)
        summary, events = run_paths([tmp_path / name])
        assert (summary.files, summary.lines, summary.events, events, summary.errors) == (1, 0, 0, [], [])


# Directories, globs and several paths


def make_archive(root: Path) -> list[Path]:
    """A Segment S3 archive: gzipped files per day, Segment's dummy object, and dot-files to skip."""
    day1 = root / "segment-logs" / "src" / "1586476800000"
    day2 = root / "segment-logs" / "src" / "1586563200000"
    for folder in (day1, day2, root / "segment-logs" / ".cache"):
        folder.mkdir(parents=True)
    files = [day1 / "b.gz", day1 / "a.gz", day2 / "c.jsonl"]
    for file in files:
        file.write_bytes(gzip.compress(LOG) if file.suffix == ".gz" else LOG)
    (root / "segment-logs" / "dummy-object.txt").write_bytes(b"")
    (day1 / ".DS_Store").write_bytes(b"\x00\x01junk")
    (root / "segment-logs" / ".cache" / "x.gz").write_bytes(b"junk")
    return sorted(files)


def test_directories_are_walked_recursively_in_sorted_order(tmp_path: Path, run_paths) -> None:
    files = make_archive(tmp_path)
    sources = resolve([str(tmp_path / "segment-logs")])
    assert sources == [Source(str(file), file) for file in files]
    summary, events = run_paths([tmp_path / "segment-logs"])
    assert [event.position.file for event in events] == [str(file) for file in files for _ in range(3)]
    assert (summary.files, summary.lines, summary.events) == (3, 9, 9)
    assert summary.outcomes[Outcome.INVALID] == 0


def test_a_named_pipe_in_a_folder_or_a_pattern_is_skipped_not_waited_for(tmp_path: Path) -> None:
    # Opened to see whether it was a report of hotjar-cli's own, a pipe no one writes to held the run for ever.
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.jsonl").write_bytes(LOG)
    os.mkfifo(logs / "p.jsonl")
    for named in (str(logs), str(logs / "*.jsonl")):
        done = subprocess.run(
            [str(CLI), "validate", named, "-f", "json", "--fail-on", "never"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["summary"]["files"] == 1
    os.remove(logs / "a.jsonl")
    for named in (str(logs), str(logs / "*.jsonl")):
        done = subprocess.run([str(CLI), "validate", named], capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 2
        assert "skipped" in done.stderr and "p.jsonl" in done.stderr and "named pipes" in done.stderr
    # Named on its own, it is read: what a process writes to it is the log.
    (tmp_path / "src").write_bytes(LOG)
    writer = subprocess.Popen(["sh", "-c", 'cat "$0" > "$1"', str(tmp_path / "src"), str(logs / "p.jsonl")])
    done = cli("validate", logs / "p.jsonl", "-f", "json", "--fail-on", "never")
    writer.wait(timeout=30)
    assert done.json()["summary"]["events"] == 3


def test_a_linked_folder_is_walked_as_a_glob_reads_it_and_a_link_up_the_tree_is_not(tmp_path: Path) -> None:
    top, elsewhere = tmp_path / "top", tmp_path / "elsewhere"
    top.mkdir()
    elsewhere.mkdir()
    (top / "own.jsonl").write_bytes(LOG)
    (elsewhere / "e.jsonl").write_bytes(LOG)
    (top / "src").symlink_to("../elsewhere")
    (top / "loop").symlink_to("..")  # back up the tree: following it would walk this folder again, forever
    (top / "again").symlink_to("../elsewhere")  # the same folder twice: read once
    walked = [source.name for source in resolve([str(top)])]
    assert walked == [str(top / "again" / "e.jsonl"), str(top / "own.jsonl")]
    assert [source.name for source in resolve([str(top / "*" / "*.jsonl")])] == [
        str(top / "again" / "e.jsonl"),
        str(top / "src" / "e.jsonl"),
    ]


def test_a_recursive_pattern_does_not_follow_a_link_up_the_tree(tmp_path: Path) -> None:
    # Python's glob follows `sub/up -> ..` forty levels deep, until the system refuses the path: each file would be
    # named again at every level, and the deepest could not be opened.
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ok.jsonl").write_bytes(LOG)
    (tmp_path / "sub" / "up").symlink_to("..")
    assert [source.name for source in resolve([str(tmp_path / "**" / "*.jsonl")])] == [
        str(tmp_path / "sub" / "ok.jsonl")
    ]
    result = cli("validate", tmp_path / "**" / "*.jsonl", "-q", "-f", "json")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert result.json()["summary"]["files"] == 1


def test_a_recursive_pattern_through_a_link_up_the_tree_and_a_link_to_a_sibling_ends(tmp_path: Path) -> None:
    # Python's glob followed both: twice as many paths a level deeper, at full speed, for as long as one waited.
    (tmp_path / "g" / "sub").mkdir(parents=True)
    (tmp_path / "g" / "sub" / "a.jsonl").write_bytes(LOG)
    (tmp_path / "g" / "sub" / "up").symlink_to("..")
    (tmp_path / "g" / "dirlink").symlink_to("sub")
    pattern = str(tmp_path / "g" / "**" / "*.jsonl")
    read = [source.name for source in resolve([pattern])]
    assert read == [str(tmp_path / "g" / "dirlink" / "a.jsonl")]  # as a walk of the folder reads it: once
    assert [source.name for source in resolve([str(tmp_path / "g")])] == read
    assert cli("validate", pattern, "-q", "-f", "json").json()["summary"]["files"] == 1


@pytest.mark.parametrize(
    ("pattern", "matched"),
    [
        ("**/*.jsonl", ["a.jsonl", "d/b.jsonl", "d/e/c.jsonl"]),
        ("**", ["a.jsonl", "d/b.jsonl", "d/e/c.jsonl"]),
        ("d/**/*.jsonl", ["d/b.jsonl", "d/e/c.jsonl"]),
        ("**/e/*.jsonl", ["d/e/c.jsonl"]),
        ("d/**/c*", ["d/e/c.jsonl"]),
    ],
)
def test_a_recursive_pattern_matches_as_pythons_glob_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str, matched: list[str]
) -> None:
    for name in ("a.jsonl", "d/b.jsonl", "d/e/c.jsonl", ".h/x.jsonl", "d/.y.jsonl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(LOG)
    monkeypatch.chdir(tmp_path)
    read = [source.name for source in resolve([pattern])]
    assert read == matched
    expected = sorted({*glob.glob(pattern, recursive=True)} - {".h/x.jsonl", "d/.y.jsonl"})
    assert read == [name for name in expected if not Path(name).is_dir()]


def test_a_folder_holding_only_links_up_the_tree_says_they_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "logs" / "day").mkdir(parents=True)
    (tmp_path / "logs" / "day" / "up").symlink_to("..")
    result = cli("validate", tmp_path / "logs")
    assert result.code == 2
    assert one_line(result.stderr).endswith(
        "logs: directory holds no files: its link day/up (to this folder or one around it) is not followed: that "
        "would read the same folders again and again"
    )
    (tmp_path / "logs" / "self").symlink_to(".")
    assert "its links day/up and self (to this folder or one around it) are not followed" in one_line(
        cli("validate", tmp_path / "logs").stderr
    )
    (tmp_path / "empty").mkdir()
    assert one_line(cli("validate", tmp_path / "empty").stderr).endswith("empty: directory holds no files")


def test_a_file_that_cannot_be_opened_is_said_alike_by_one_process_and_two(tmp_path: Path) -> None:
    # Opened to be cut into ranges for two processes, it stopped the run with no report, where one process read the
    # file beside it and reported the one it could not open.
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.jsonl").write_bytes(LOG)
    (logs / "b.jsonl").write_bytes(LOG * 10)
    (logs / "b.jsonl").chmod(0)
    env = {**os.environ, "HOTJAR_CLI_PARALLEL_MIN_BYTES": "0"}  # cut into ranges, however small
    try:
        done = [
            subprocess.run(
                unprivileged(sys.executable, "-m", "hotjar_cli", "validate", logs, "-f", "json", "--jobs", jobs),
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
            )
            for jobs in ("1", "2")
        ]
    finally:
        (logs / "b.jsonl").chmod(0o644)
    assert [run.returncode for run in done] == [2, 2]
    assert done[1].stdout == done[0].stdout
    assert json.loads(done[1].stdout)["summary"]["events"] == 3  # a.jsonl's
    assert done[1].stderr == done[0].stderr
    assert "b.jsonl" in done[1].stderr and "Permission denied" in done[1].stderr


@pytest.mark.parametrize("named", ["folder", "pattern", "the folder itself"])
def test_a_folder_that_cannot_be_listed_is_said_and_fails_the_run(tmp_path: Path, named: str) -> None:
    # Passed over, its logs were missing from every count, and the gate passed on the rest.
    logs = tmp_path / "logs"
    (logs / "locked").mkdir(parents=True)
    (logs / "ok.jsonl").write_bytes(LOG)
    (logs / "locked" / "bad.jsonl").write_text("not json\n")
    (logs / "locked").chmod(0)
    try:
        path = {"folder": logs, "pattern": logs / "**" / "*.jsonl", "the folder itself": logs / "locked"}[named]
        done = subprocess.run(
            unprivileged(sys.executable, "-m", "hotjar_cli", "validate", path, "-q"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        (logs / "locked").chmod(0o755)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == (
        f"hotjar-cli: error: {logs / 'locked'}: cannot list this folder (Permission denied): its logs would be left "
        "out; make it readable, or name the files and folders to read\n"
    )
    assert "Traceback" not in done.stderr


def test_a_lone_file_that_cannot_be_opened_is_said_without_a_report_of_zeros(tmp_path: Path) -> None:
    # The whole report of zeros came first, and the gate blamed "no events were read" before the cause.
    path = tmp_path / "locked.jsonl"
    path.write_bytes(LOG)
    path.chmod(0)
    try:
        done = subprocess.run(
            unprivileged(sys.executable, "-m", "hotjar_cli", "validate", path),
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        )
    finally:
        path.chmod(0o644)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "What Hotjar does with each event" not in done.stdout
    assert "no events were read" not in done.stdout
    assert f"{path}: cannot be opened (Permission denied)" in done.stdout
    assert done.stderr == f"hotjar-cli: error: {path}: cannot be opened (Permission denied)\n"
    path.chmod(0)
    try:
        markdown = subprocess.run(
            unprivileged(sys.executable, "-m", "hotjar_cli", "validate", path, "-f", "markdown"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        path.chmod(0o644)
    assert markdown.returncode == 2 and "| outcome |" not in markdown.stdout


def test_a_link_to_a_file_that_is_not_there_says_so(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.jsonl").write_bytes(LOG)
    (tmp_path / "logs" / "b.jsonl").symlink_to("gone.jsonl")
    result = cli("validate", tmp_path / "logs", "-q", "-f", "json")
    assert result.code == 2
    assert result.json()["errors"][0]["message"] == "a link to gone.jsonl, which is not there"
    assert one_line(result.stderr).endswith("/b.jsonl: a link to gone.jsonl, which is not there")


@pytest.mark.parametrize("format", ["text", "json", "markdown", "github", "junit", "html", "jsonl"])
def test_a_file_that_cannot_be_opened_is_named_without_a_line_in_every_format(tmp_path: Path, format: str) -> None:
    # No line of it was read: `b.jsonl:1: ...` sent one looking at its first line, which is not there to look at.
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.jsonl").write_bytes(LOG)
    (tmp_path / "logs" / "b.jsonl").symlink_to("gone.jsonl")
    unread = tmp_path / "logs" / "b.jsonl"
    result = cli("validate", tmp_path / "logs", "-f", format)
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == f"hotjar-cli: error: {unread}: a link to gone.jsonl, which is not there"
    assert f"{unread}:1" not in result.stdout and "b.jsonl,line=" not in result.stdout
    if format == "json":
        assert result.json()["errors"] == [
            {"file": str(unread), "line": None, "message": "a link to gone.jsonl, which is not there"}
        ]
        assert f"{unread}: a link to gone.jsonl, which is not there" in result.json()["verdict"]["reasons"]
    elif format == "github":
        assert f"::error file={unread},title=hotjar-cli could not read the file::a link to gone.jsonl" in result.stdout
    elif format == "markdown":
        assert "b\\.jsonl\\: a link to gone\\.jsonl, which is not there" in result.stdout
    elif format != "jsonl":  # the line report has findings only; the error is on stderr
        assert f"{unread}: a link to gone.jsonl, which is not there" in result.stdout


def test_a_link_named_that_leads_to_no_file_says_so_as_a_link_in_a_folder_does(tmp_path: Path) -> None:
    # Named on the command line, it said "no such file or directory", as of a name mistyped: the name is there.
    (tmp_path / "b.jsonl").symlink_to("gone.jsonl")
    (tmp_path / "round.jsonl").symlink_to("again.jsonl")
    (tmp_path / "again.jsonl").symlink_to("round.jsonl")
    result = cli("validate", tmp_path / "b.jsonl")
    assert result.code == 2
    assert (
        one_line(result.stderr)
        == f"hotjar-cli: error: {tmp_path / 'b.jsonl'}: a link to gone.jsonl, which is not there"
    )
    result = cli("validate", tmp_path / "round.jsonl")
    assert result.code == 2
    assert one_line(result.stderr) == (
        f"hotjar-cli: error: {tmp_path / 'round.jsonl'}: a link that leads round to itself (Too many levels of "
        "symbolic links)"
    )


@pytest.mark.parametrize(
    "named",
    [["a"], ["a/*"], ["a/**"], ["a/**/*.jsonl"], ["a/*/*/*"], ["a", "a/up/a"]],
    ids=["folder", "pattern", "recursive pattern", "recursive pattern of logs", "pattern through the link", "twice"],
)
def test_a_link_to_a_file_that_is_not_there_is_said_once_however_a_link_up_the_tree_reaches_it(
    tmp_path: Path, named: list[str]
) -> None:
    # `a/up -> ..` reaches `a` again under another name: each of its files is read once, and the link that leads
    # nowhere, which has no file to tell it by, is said once too.
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ok.jsonl").write_bytes(LOG)
    (tmp_path / "a" / "up").symlink_to("..")
    (tmp_path / "a" / "bad.jsonl").symlink_to("missing.jsonl")
    result = cli("validate", *(tmp_path / path for path in named), "-f", "json")
    assert result.code == 2
    assert [error["message"] for error in result.json()["errors"]] == ["a link to missing.jsonl, which is not there"]
    assert result.json()["summary"]["files"] == 2
    assert [line for line in result.stderr.splitlines() if "error:" in line] == [
        f"hotjar-cli: error: {result.json()['errors'][0]['file']}: a link to missing.jsonl, which is not there"
    ]


def test_globs_are_expanded_in_sorted_order(tmp_path: Path) -> None:
    files = make_archive(tmp_path)
    gzipped = [file for file in files if file.suffix == ".gz"]
    assert resolve([str(tmp_path / "segment-logs" / "**" / "*.gz")]) == [Source(str(f), f) for f in gzipped]
    assert resolve([str(tmp_path / "segment-logs" / "src" / "*")]) == [Source(str(f), f) for f in files]


def test_several_paths_keep_the_order_given(tmp_path: Path, run_paths) -> None:
    first, second = tmp_path / "z.jsonl", tmp_path / "a.jsonl"
    first.write_bytes(LOG)
    second.write_bytes(json.dumps(TRACK).encode())
    summary, events = run_paths([first, second])
    assert [(event.position.file, event.position.line) for event in events] == [
        (str(first), 1),
        (str(first), 2),
        (str(first), 3),
        (str(second), 1),
    ]
    assert summary.files == 2 and summary.lines == 4


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: tmp / "missing.jsonl",
        lambda tmp: tmp / "missing" / "*.gz",
        lambda tmp: (tmp / "empty").mkdir() or tmp / "empty",
    ],
    ids=["missing file", "glob without match", "empty directory"],
)
def test_paths_that_name_nothing_are_input_errors(tmp_path: Path, make) -> None:
    path = make(tmp_path)
    with pytest.raises(InputError) as error:
        resolve([str(path)])
    assert str(path) in str(error.value)


def test_directory_of_only_skipped_files_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "dummy-object.txt").write_bytes(b"")
    (tmp_path / ".hidden").write_bytes(LOG)
    with pytest.raises(InputError):
        resolve([str(tmp_path)])


# Standard input


class FakeStdin:
    """What `sys.stdin` offers the reader: a binary buffer."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BufferedReader(io.BytesIO(data))


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzipped"])
def test_stdin_is_read_with_dash(monkeypatch: pytest.MonkeyPatch, compress: bool) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(gzip.compress(LOG) if compress else LOG))
    events = []
    sources = resolve(["-"])
    assert sources == [Source("-", None)]
    summary = run_pass(sources, PassSettings(), on_event=events.append)
    assert outcomes(events) == EXPECTED
    assert [event.position.file for event in events] == ["-"] * 3
    assert (summary.lines, summary.errors) == (3, [])


# Awkward bytes


def test_byte_order_mark_crlf_blank_lines_and_missing_final_newline(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(IDENTIFY).encode()
        + b"\r\n\r\n   \t \r\n\n"
        + json.dumps(TRACK).encode()
        + b"\r\n"
        + json.dumps(PAGE).encode()
    )
    summary, events = run_paths([path])
    assert outcomes(events) == [(1, Outcome.ACCEPTED), (5, Outcome.ACCEPTED), (6, Outcome.IGNORED)]
    assert (summary.lines, summary.blank_lines, summary.events) == (6, 3, 3)
    assert events[1].decision.call.args == ["event", "Signed Up"]


def test_byte_order_mark_only_counts_at_the_start(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(LOG + b"\xef\xbb\xbf" + json.dumps(TRACK).encode() + b"\n")
    _, events = run_paths([path])
    assert outcomes(events)[-1] == (4, Outcome.INVALID)
    assert [finding.code for finding in events[-1].decision.findings] == ["HJ001"]


def test_gzipped_file_with_byte_order_mark(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "bom.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf" + LOG))
    _, events = run_paths([path])
    assert outcomes(events) == EXPECTED


def test_invalid_utf8_in_a_read_field_is_an_invalid_json_finding(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(LOG + b'{"type": "identify", "userId": "u1", "traits": {"city": "M\xe1laga"}}\n' + LOG)
    summary, events = run_paths([path])
    bad = events[3]
    assert bad.position == Position(str(path), 4)
    assert bad.decision.outcome is Outcome.INVALID
    assert [(finding.code, finding.detail) for finding in bad.decision.findings] == [("HJ001", "not valid UTF-8")]
    assert outcomes(events[4:]) == [
        (line, outcome) for line, outcome in ((5, Outcome.ACCEPTED), (6, Outcome.ACCEPTED), (7, Outcome.IGNORED))
    ]
    assert summary.rules == {"HJ001": 1, "HJ101": 2}


def test_broken_lines_never_stop_the_run(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_bytes(b'{"type": "identify", "userId": "u1", "trai\n[1, 2]\n\x00\x01\x02\n"text"\n{}\n' + LOG)
    summary, events = run_paths([path])
    assert [(event.position.line, [f.code for f in event.decision.findings]) for event in events[:5]] == [
        (1, ["HJ001"]),
        (2, ["HJ002"]),
        (3, ["HJ001"]),
        (4, ["HJ002"]),
        (5, ["HJ003"]),
    ]
    assert outcomes(events[5:]) == [(line + 5, outcome) for line, outcome in EXPECTED]
    assert summary.lines == summary.events == 8
    assert summary.outcomes[Outcome.INVALID] == 5


def test_batch_lines_number_their_items(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(LOG + json.dumps({"batch": [IDENTIFY, TRACK, 5], "integrations": {"All": False}}).encode())
    summary, events = run_paths([path])
    assert [event.position for event in events[3:]] == [Position(str(path), 4, index) for index in range(3)]
    assert [event.decision.outcome for event in events[3:]] == [Outcome.IGNORED, Outcome.IGNORED, Outcome.INVALID]
    assert str(events[4].position) == f"{path}:4 (batch item 1)"
    assert (summary.lines, summary.events) == (4, 6)


# Over-long lines


SMALL_LINE_LIMIT = 100
"""A line limit for the reader (which cuts), the decoder (which reports) and the pass, in place of 8 MB."""


def line_of(length: int) -> bytes:
    """An identify line of exactly `length` bytes."""
    line = json.dumps({"type": "identify", "userId": "u1", "traits": {"pad": ""}}).encode()
    return line.replace(b'""', b'"' + b"p" * (length - len(line)) + b'"')


LONG_LOG = b"\n".join(
    [
        json.dumps(TRACK).encode(),
        json.dumps({"type": "identify", "userId": "u1", "traits": {"bio": "x" * 5000}}).encode(),
        line_of(100),
        b"y" * 1000,
        json.dumps(PAGE).encode(),
        line_of(101),
        b"z" * 101,
    ]
)


@pytest.mark.parametrize("block_bytes", [1, 7, 64, 101, 4096, reader.BLOCK_BYTES])
def test_over_long_line_is_one_finding_and_the_next_lines_are_read(tmp_path: Path, block_bytes: int) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(LONG_LOG)
    events = []
    settings = PassSettings(max_line_bytes=SMALL_LINE_LIMIT, block_bytes=block_bytes)
    summary = run_pass(resolve([str(path)]), settings, on_event=events.append)
    found = [(event.position.line, [finding.code for finding in event.decision.findings]) for event in events]
    assert found == [(1, []), (2, ["HJ001"]), (3, []), (4, ["HJ001"]), (5, ["HJ101"]), (6, ["HJ001"]), (7, ["HJ001"])]
    assert "100-byte limit" in events[1].decision.findings[0].detail
    assert "100-byte limit" in events[3].decision.findings[0].detail
    assert "100-byte limit" in events[6].decision.findings[0].detail
    assert (summary.lines, summary.events) == (7, 7)


def test_over_long_line_is_cut_to_just_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(LONG_LOG)
    for block_bytes in (1, 3, 50, 100, 1000):
        lines = lines_of(path, block_bytes, SMALL_LINE_LIMIT)
        assert [len(line) for line in lines] == [len(json.dumps(TRACK)), 101, 100, 101, len(json.dumps(PAGE)), 101, 101]


# Block sizes


AWKWARD = (
    b"\xef\xbb\xbf" + json.dumps(IDENTIFY).encode() + b"\r\n\n  \n" + b"\xff\xfe\n" + LOG + json.dumps(TRACK).encode()
)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzipped"])
def test_block_size_never_changes_the_lines(tmp_path: Path, compress: bool) -> None:
    path = tmp_path / "awkward.gz"
    path.write_bytes(gzip.compress(AWKWARD) if compress else AWKWARD)
    expected = AWKWARD[3:].split(b"\n")
    for block_bytes in (1, 2, 3, 4, 5, 13, 64, 1 << 16):
        assert lines_of(path, block_bytes) == expected


def test_read_lines_on_a_stream_of_short_reads() -> None:
    class Trickle(io.RawIOBase):
        """A pipe that hands out one byte per read, whatever was asked for."""

        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            piece, self.data = self.data[:1], self.data[1:]
            return piece

    assert list(read_lines(Trickle(AWKWARD))) == AWKWARD[3:].split(b"\n")


# Files that stop being readable


def test_truncated_gzip_is_an_error_with_file_and_line_after_the_lines_before_it(tmp_path: Path, run_paths) -> None:
    body = b"".join(json.dumps({**TRACK, "messageId": f"m{index}"}).encode() + b"\n" for index in range(5000))
    whole = gzip.compress(body)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    # Every whole line that can be decompressed before the cut is read and counted.
    readable_lines = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut.read_bytes()).count(b"\n")
    assert 0 < readable_lines < 5000
    good = tmp_path / "good.jsonl"
    good.write_bytes(LOG)
    summary, events = run_paths([cut, good])
    assert len(summary.errors) == 1
    error = summary.errors[0]
    assert (error.file, error.line) == (str(cut), readable_lines + 1)
    assert "gzip" in error.message
    assert [event.position.line for event in events if event.position.file == str(cut)] == list(
        range(1, readable_lines + 1)
    )
    # The next file is still read, and every line read is counted once.
    assert outcomes([event for event in events if event.position.file == str(good)]) == EXPECTED
    assert summary.lines == summary.events == readable_lines + 3
    assert summary.files == 2


@pytest.mark.parametrize(
    "content",
    [
        b"\x1f\x8b",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage garbage garbage",
        b"\x1f\x8bnot gzip at all\n" + LOG,
        gzip.compress(LOG) + b"trailing junk",
    ],
    ids=["magic only", "corrupt deflate", "bad header", "trailing junk"],
)
def test_corrupt_gzip_is_an_error_not_a_traceback(tmp_path: Path, run_paths, content: bytes) -> None:
    path = tmp_path / "corrupt.gz"
    path.write_bytes(content)
    summary, events = run_paths([path])
    assert len(summary.errors) == 1
    assert summary.errors[0].file == str(path)
    assert summary.errors[0].line == summary.lines + 1
    assert summary.lines == len(events)


def test_gzip_with_trailing_zero_padding_is_read(tmp_path: Path, run_paths) -> None:
    path = tmp_path / "padded.gz"
    path.write_bytes(gzip.compress(LOG) + b"\x00" * 512)
    summary, events = run_paths([path])
    assert outcomes(events) == EXPECTED
    assert summary.errors == []


@pytest.mark.parametrize("appended", [b"g", b"garbage!!", b"garbage appended after the stream, longer than a header"])
def test_bytes_appended_after_a_gzip_stream_are_named_as_such(tmp_path: Path, run_paths, appended: bytes) -> None:
    path = tmp_path / "appended.gz"
    path.write_bytes(gzip.compress(LOG) + appended)
    summary, events = run_paths([path])
    assert outcomes(events) == EXPECTED
    assert [error.message for error in summary.errors] == [
        "the gzip stream is corrupt or truncated (bytes after the last gzip member are not gzip: something was "
        "appended)"
    ]


def test_file_removed_after_resolving_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "gone.jsonl"
    path.write_bytes(LOG)
    sources = resolve([str(path)])
    path.unlink()
    summary = run_pass(sources, PassSettings())
    assert [(error.file, error.line) for error in summary.errors] == [(str(path), None)]
    assert summary.errors[0].message == "cannot be opened (No such file or directory)"  # after the name, not twice


def test_an_example_of_a_line_ending_in_crlf_shows_no_carriage_return(tmp_path: Path) -> None:
    # A file written on Windows: every example of a line that is no message ended in `\u000d`.
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"null\r\n[1]\r\n" + LOG.replace(b"\n", b"\r\n"))
    report = cli("validate", path, "-f", "json").json()
    shown = [example["payload"]["line"] for example in report["examples"]["HJ002"]]
    assert shown == ["null", "[1]"]
    assert "\\u000d" not in cli("validate", path).stdout


def test_a_log_with_ustar_where_a_tar_archive_holds_its_magic_is_read(tmp_path: Path) -> None:
    # `ustar` alone was taken for a tar archive's magic: a log of custard pies was refused.
    custard = b'{"type": "track", "userId": "u1", "event": "' + b"c" * 213 + b'ustard pie"}\n'
    assert custard[257:262] == b"ustar"
    path = tmp_path / "events.jsonl"
    path.write_bytes(custard + LOG)
    report = cli("validate", path, "-q", "-f", "json").json()
    assert report["summary"]["events"] == 4 and not report["errors"]


def test_a_tar_archive_piped_in_slowly_is_refused_as_one() -> None:
    # A pipe hands over what was written so far: its first hundred bytes alone were looked at, and the archive was
    # read as lines.
    archive = tar_of_logs()
    with subprocess.Popen(
        [str(CLI), "validate", "-", "-q"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as running:
        assert running.stdin is not None and running.stderr is not None
        running.stdin.write(archive[:100])
        running.stdin.flush()
        time.sleep(0.3)
        running.stdin.write(archive[100:])
        running.stdin.close()
        said = running.stderr.read().decode()
        assert running.wait(timeout=60) == 2
    assert "the file is a tar archive, not a log: extract it first (tar -xf)" in one_line(said)


def test_standard_input_shorter_than_a_tar_header_is_read_whole() -> None:
    done = subprocess.run([str(CLI), "validate", "-", "-f", "json"], input=LOG, capture_output=True, timeout=60)
    assert json.loads(done.stdout)["summary"]["events"] == 3 and done.stderr == b""
