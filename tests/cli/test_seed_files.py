"""`--known-attributes` and `--known-events`: names taken exactly, what looks like a mistake said once a file, and a
file that is no list of names refused in one line."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import subprocess
import tarfile
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CLI, Result, cli, identify, one_line, process, track

COMMANDS = [["inventory"], ["validate", "--fail-on", "never"], ["replay", "--dry-run"]]


def tar_of(names: bytes) -> bytes:
    """A tar archive holding a file of names, as `tar -cf` writes one."""
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        member = tarfile.TarInfo("names.txt")
        member.size = len(names)
        tar.addfile(member, io.BytesIO(names))
    return archive.getvalue()


LOG = identify(traits={"plan": "pro", "email": "a@example.com"}) + track()


def seed_lines(result_stderr: str) -> list[str]:
    """The lines said of seed files (`hotjar-cli: FILE:LINE: ...`)."""
    return [line for line in result_stderr.splitlines() if line.startswith("hotjar-cli: names.txt:")]


NOTED = {
    "whitespace at an end": (
        "email\nplan \n\nseats \nplan \n",
        [
            "names.txt:2: 'plan ' ends with a space: taken as it is (2 names in this file do)",
            "names.txt:5: 'plan ' is listed again: read once",
        ],
    ),
    "whitespace at either end, counted apart": (
        "email\n plan\nplan \n\n  seats\nemail\t\nplan \n",
        [
            "names.txt:2: ' plan' starts with a space: taken as it is (2 names in this file do)",
            "names.txt:3: 'plan ' ends with a space: taken as it is (2 names in this file end with whitespace)",
            "names.txt:7: 'plan ' is listed again: read once",
        ],
    ),
    "a space at the start of one name and at the end of another": (
        " plan\nemail \n",
        [
            "names.txt:1: ' plan' starts with a space: taken as it is",
            "names.txt:2: 'email ' ends with a space: taken as it is",
        ],
    ),
    "a name starting with a hash": (
        "# attributes of the site\nplan\n#legacy\n",
        [
            "names.txt:1: '# attributes of the site' starts with '#': taken as a name, not a comment "
            "(2 names in this file do)"
        ],
    ),
    "a name listed again": ("plan\nemail\nplan\n", ["names.txt:3: 'plan' is listed again: read once"]),
    # A byte-order mark past the file's start (files joined by `cat`) was kept in the name unsaid.
    "a byte-order mark at the start of a later line": (
        "\ufeffplan\nemail\n\ufeffseats\n",
        [
            "names.txt:3: '\\ufeffseats' starts with a byte-order mark, which only a file's start may hold (files "
            "joined by cat?): taken as a part of the name"
        ],
    ),
    # Said in the file's order: the name listed again came after the others, on the line it is on.
    "notes of several kinds": (
        "plan\nplan\n#x\nemail \n",
        [
            "names.txt:2: 'plan' is listed again: read once",
            "names.txt:3: '#x' starts with '#': taken as a name, not a comment",
            "names.txt:4: 'email ' ends with a space: taken as it is",
        ],
    ),
    # `jq '.[]'` without -r writes each name as a JSON string: the quotes were kept in the name unsaid.
    "names in double quotes": (
        '"plan"\n"email"\n"\n""\n',
        [
            "names.txt:1: '\"plan\"' is in double quotes, as jq writes a string without -r: taken as it is, "
            "quotes included (3 names in this file do)"
        ],
    ),
    # Names copied from the inventory's CSV keep the spreadsheet's guard: `'-beta` took a slot no name holds, unsaid.
    "names as the inventory's CSV guards them": (
        "plan\n'-beta\n''quoted\n'=x\n'tis\n",
        [
            "names.txt:2: ''-beta' starts with ' as a cell of the inventory's CSV does, a spreadsheet's guard before "
            "a name that starts with = + - @ or ': taken as it is, ' included (3 names in this file do); a name copied "
            "from that CSV is its cell without the first '"
        ],
    ),
    "names listed again and again": (
        "plan\nplan\nemail\nplan\nemail\nx\n",
        ["names.txt:2: 'plan' is listed again: read once (2 names in this file are)"],
    ),
    # An empty file (a download that failed, a `>` that emptied it) read as a site that held no name, unsaid.
    "an empty file": ("", ["names.txt: holds no name: taken as a site that held none before these logs"]),
    "a file of blank lines": (
        "\n\r\n\n",
        ["names.txt: holds no name: taken as a site that held none before these logs"],
    ),
    # A trait named ` ` is a name the inventory lists in its slot: skipped as a blank line, each name after it in
    # the file took the slot before its own.
    "names of whitespace alone": (
        "plan\n \n\n\t\nemail \n",
        [
            "names.txt:2: ' ' is whitespace alone: taken as a name (2 names in this file do), as Hotjar holds one (a "
            "blank line has nothing on it)",
            "names.txt:5: 'email ' ends with a space: taken as it is",
        ],
    ),
}
"""Seed files whose names look like a mistake: what each holds, and the lines said of it (one for each way a name
looks like a mistake)."""


@pytest.mark.parametrize("case", list(NOTED))
@pytest.mark.parametrize("command", COMMANDS)
def test_names_that_look_like_a_mistake_are_taken_as_they_are_and_said_once(
    logs: Any, command: list[str], case: str
) -> None:
    path = logs("log.jsonl", LOG)
    content, said = NOTED[case]
    Path("names.txt").write_text(content)
    result = cli(*command, path, "--known-attributes", "names.txt")
    assert result.code == 0, result.stderr
    assert seed_lines(result.stderr) == [f"hotjar-cli: {line}" for line in said]


def test_names_with_whitespace_keep_their_slots(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text("plan \nemail\t\n")
    result = cli("inventory", path, "--known-attributes", "names.txt", "--format", "json")
    kept = [row["name"] for row in result.json()["attributes"]["names"] if row["fate"] == "kept"]
    assert kept[:2] == ["plan ", "email\t"] and "plan" in kept and "email" in kept


def test_the_kept_names_of_an_inventory_csv_seed_a_site_in_the_same_slots(logs: Any) -> None:
    # The README's way to a seed file: the kept names of a kind from `inventory --format csv -o FILE`, in slot order.
    # A trait named ` ` was skipped as a blank line, and every name after it took the slot before its own.
    path = logs("log.jsonl", identify(traits={"plan": "pro", " ": 1, "email": "a@example.com"}))
    assert cli("inventory", path, "--format", "csv", "-o", "names.csv").code == 0
    with open("names.csv", newline="") as file:
        kept = [row for row in csv.DictReader(file) if row["kind"] == "attribute" and row["fate"] == "kept"]
    names = [row["name"] for row in sorted(kept, key=lambda row: int(row["slot"]))]
    assert names == ["plan", " ", "email"]
    Path("names.txt").write_text("".join(f"{name}\n" for name in names))
    result = cli("inventory", path, "--known-attributes", "names.txt", "--format", "json")
    slots = {row["name"]: row["slot"] for row in result.json()["attributes"]["names"]}
    assert slots == {"plan": 1, " ": 2, "email": 3}


def test_a_leading_tab_is_said_escaped(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text("\tplan\n")
    result = cli("inventory", path, "--known-events", "names.txt")
    assert seed_lines(result.stderr) == [
        "hotjar-cli: names.txt:1: '\\u0009plan' starts with a tab: taken as it is",
        "hotjar-cli: names.txt:1: '\\u0009plan' holds characters Hotjar refuses in an event name (\"\\u0009\"): Hotjar "
        "holds no such name; taken as it is, in its slot",
    ]


def test_a_name_starting_with_a_hash_keeps_its_slot(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text("# attributes of the site\nplan\n#legacy\n")
    json_result = cli("inventory", path, "--known-attributes", "names.txt", "-f", "json")
    names = [row["name"] for row in json_result.json()["attributes"]["names"]]
    assert names[:3] == ["# attributes of the site", "plan", "#legacy"]


def test_whitespace_and_hash_are_each_said_once_per_file_and_not_with_quiet(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text("#x \nplan \n")
    result = cli("inventory", path, "--known-attributes", "names.txt", "--known-events", "names.txt")
    noted = [
        "hotjar-cli: names.txt:1: '#x ' ends with a space: taken as it is (2 names in this file do)",
        "hotjar-cli: names.txt:1: '#x ' starts with '#': taken as a name, not a comment",
    ]
    refused = "'#x ' holds characters Hotjar refuses in an event name (\"#\"): Hotjar holds no such name; taken as"
    assert seed_lines(result.stderr) == [
        *noted,
        *noted,
        f"hotjar-cli: names.txt:1: {refused} it is, in its slot",
    ]
    assert cli("inventory", path, "--known-attributes", "names.txt", "-q").stderr == ""


def test_a_name_is_said_with_its_control_characters_escaped(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_bytes(b"\x1b[31mred\xe2\x80\xae \n")
    result = cli("inventory", path, "--known-attributes", "names.txt")
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert seed_lines(result.stderr) == [
        "hotjar-cli: names.txt:1: '\\u001b[31mred\\u202e ' ends with a space: taken as it is"
    ]


def test_a_name_holding_the_text_of_an_escape_is_said_once_with_where_to_get_names_exactly(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text("pl\\u200ban\nplan\ncafe\\u0301\n")
    result = cli("inventory", path, "--known-attributes", "names.txt")
    assert result.code == 0
    assert seed_lines(result.stderr) == [
        "hotjar-cli: names.txt:1: 'pl\\u200ban' holds the text of an escape (\\u200b): taken as it is, not as the "
        "character (2 names in this file do); printed, hotjar-cli shows such a character so, and "
        "`inventory --format csv -o FILE` writes names exactly"
    ]


def test_a_plain_list_of_names_is_said_nothing_of(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text("\ufeffplan\r\nSigned Up\r\n\r\n")
    result = cli("inventory", path, "--known-attributes", "names.txt")
    assert result.code == 0 and seed_lines(result.stderr) == []


REFUSED = {
    "a JSON log": (
        "events.jsonl",
        LOG.encode(),
        "--known-attributes events.jsonl: line 1 is a JSON object, not a name: the file lists one name per line",
    ),
    # `jq -c .names` writes a list: taken as one name, it held the site's first slot, and its names none.
    "a JSON list of names": (
        "names.txt",
        b'plan\n[beta]\n["email", "seats"]\n',
        "--known-attributes names.txt: line 3 is a JSON list, not a name: the file lists one name per line "
        "(jq -r '.[]' writes a list's names so)",
    ),
    "a JSON object on a later line (braces alone are a name)": (
        "names.txt",
        b"plan\n{not json}\n  " + json.dumps({"type": "track"}).encode() + b"\n",
        "--known-attributes names.txt: line 3 is a JSON object, not a name: the file lists one name per line",
    ),
    "gzip": (
        "names.txt.gz",
        gzip.compress(b"plan\nemail\n"),
        "--known-attributes names.txt.gz: the file is gzip-compressed: decompress it first (gunzip)",
    ),
    # A list handed over as an archive: it was said to hold a NUL byte, as UTF-16 text.
    "tar": (
        "names.tar",
        tar_of(b"plan\nemail\n"),
        "--known-attributes names.tar: the file is a tar archive: extract it first (tar -xf), and give its list",
    ),
    "zstd": (
        "names.txt.zst",
        b"\x28\xb5\x2f\xfd" + bytes(20),
        "--known-attributes names.txt.zst: the file is compressed with zstd: decompress it first (zstd -d)",
    ),
    # PowerShell's Out-File and Notepad's "Unicode" write UTF-16: with its byte-order mark, it was only "not UTF-8
    # text"; without one, each name was taken with a NUL byte between its letters, in silence.
    "UTF-16 with a byte-order mark": (
        "names.txt",
        "plan\r\nemail\r\n".encode("utf-16"),
        "--known-attributes names.txt: the file is UTF-16 text: save it as UTF-8 (iconv -f UTF-16 -t UTF-8)",
    ),
    "UTF-16 without one": (
        "names.txt",
        "plan\nemail\n".encode("utf-16-be"),
        "--known-attributes names.txt:1: holds a NUL byte, which no name has: the file lists names as UTF-8 text "
        "(UTF-16? iconv -f UTF-16 -t UTF-8)",
    ),
    "a folder": (
        "names",
        None,
        "--known-attributes names: is a folder; --known-attributes names a file of names, one a line",
    ),
}
"""Files that are no list of names: what each is named, holds (None: a folder) and is refused with."""


@pytest.mark.parametrize("case", list(REFUSED))
@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_that_is_no_list_of_names_is_refused_in_one_line(logs: Any, command: list[str], case: str) -> None:
    path = logs("log.jsonl", LOG)
    name, content, said = REFUSED[case]
    if content is None:
        Path(name).mkdir()
    else:
        Path(name).write_bytes(content)
    result = cli(*command, path, "--known-attributes", name)
    assert result.code == 2
    assert one_line(result.stderr) == f"hotjar-cli: error: {said}"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_list_of_names_is_worded_as_a_missing_input(logs: Any, command: list[str]) -> None:
    path = logs("log.jsonl", LOG)
    input_error = one_line(cli(*command, "missing.jsonl").stderr)
    assert input_error == "hotjar-cli: error: missing.jsonl: no such file or directory"
    result = cli(*command, path, "--known-events", "missing.txt")
    assert result.code == 2
    assert one_line(result.stderr) == "hotjar-cli: error: --known-events missing.txt: no such file or directory"


# Seed files from a pipe: read once, never sought


def _fifo(name: str, content: bytes) -> threading.Thread:
    """A FIFO called `name` that a thread fills with `content` a few bytes at a time, then closes."""
    os.mkfifo(name)

    def fill() -> None:
        with suppress(BrokenPipeError), open(name, "wb", buffering=0) as fifo:
            for start in range(0, len(content), 3):  # the magic bytes and the lines cut across writes
                fifo.write(content[start : start + 3])

    writer = threading.Thread(target=fill, daemon=True)  # daemon: never left waiting for a reader
    writer.start()
    return writer


@pytest.mark.parametrize("command", COMMANDS)
def test_a_list_of_names_is_read_from_a_fifo(logs: Any, command: list[str]) -> None:
    path = logs("log.jsonl", LOG)
    writer = _fifo("names.txt", b"\xef\xbb\xbfplan\r\n#legacy\nemail \n")
    result = cli(*command, path, "--known-attributes", "names.txt")
    writer.join(timeout=10)
    assert result.code == 0, result.stderr
    assert seed_lines(result.stderr) == [  # in the file's order
        "hotjar-cli: names.txt:2: '#legacy' starts with '#': taken as a name, not a comment",
        "hotjar-cli: names.txt:3: 'email ' ends with a space: taken as it is",
    ]


def test_names_from_a_fifo_keep_their_slots(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    writer = _fifo("names.txt", b"\xef\xbb\xbfplan\r\n#legacy\nemail \n")
    result = cli("inventory", path, "--known-attributes", "names.txt", "-f", "json")
    writer.join(timeout=10)
    names = [row["name"] for row in result.json()["attributes"]["names"]]
    assert names[:3] == ["plan", "#legacy", "email "]


@pytest.mark.parametrize("case", [case for case in REFUSED if REFUSED[case][1] is not None])
def test_a_fifo_that_is_no_list_of_names_is_refused_as_a_file_is(logs: Any, case: str) -> None:
    path = logs("log.jsonl", LOG)
    name, content, said = REFUSED[case]
    assert content is not None
    writer = _fifo(name, content)
    result = cli("inventory", path, "--known-attributes", name)
    writer.join(timeout=10)
    assert result.code == 2
    assert one_line(result.stderr) == f"hotjar-cli: error: {said}"


def _through_a_descriptor(content: bytes, *args: str) -> Result:
    """`hotjar-cli ARGS` with `{fd}` in them standing for /dev/fd/N, a pipe holding `content` (as `<(...)` gives)."""
    read, write = os.pipe()
    try:
        os.write(write, content)  # small: it fits in the pipe
        os.close(write)
        argv = [str(CLI), *(arg.replace("{fd}", f"/dev/fd/{read}") for arg in args)]
        env = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"} | {"NO_COLOR": "1"}
        done = subprocess.run(argv, pass_fds=(read,), capture_output=True, env=env, timeout=60, check=False)
    finally:
        os.close(read)
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())


def test_a_list_of_names_is_read_from_a_dev_fd_path(logs: Any) -> None:
    path = str(logs("log.jsonl", LOG))
    result = _through_a_descriptor(b"yy\n", "inventory", path, "--known-attributes", "{fd}", "-f", "json")
    assert result.code == 0, result.stderr
    assert result.json()["attributes"]["names"][0]["name"] == "yy"
    refused = _through_a_descriptor(LOG.encode(), "inventory", path, "--known-events", "{fd}")
    assert refused.code == 2
    assert re.fullmatch(
        r"hotjar-cli: error: --known-events /dev/fd/\d+: line 1 is a JSON object, not a name: the file lists one "
        "name per line",
        one_line(refused.stderr),
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_dash_reads_a_list_of_names_from_stdin(logs: Any, command: list[str]) -> None:
    path = logs("log.jsonl", LOG)
    result = process(*command, path, "--known-events", "-", input=b"Signed Up\n Plan Chosen\n")
    assert result.code == 0, result.stderr
    assert "hotjar-cli: -:2: ' Plan Chosen' starts with a space: taken as it is" in result.stderr.splitlines()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["-", "--known-attributes", "-"],
            "--known-attributes -: standard input is read as the logs (-); give the names in a file",
        ),
        (
            ["log.jsonl", "--known-attributes", "-", "--known-events", "-"],
            "--known-attributes - and --known-events -: standard input is read once; give one in a file",
        ),
        # The pipe under another name: read as a list of names, the logs came back as lines that are no names.
        (
            ["-", "--known-attributes", "/dev/stdin"],
            "--known-attributes /dev/stdin: standard input is read as the logs (-); give the names in a file",
        ),
        (
            ["log.jsonl", "--known-attributes", "-", "--known-events", "/dev/fd/0"],
            "--known-attributes - and --known-events /dev/fd/0: standard input is read once; give one in a file",
        ),
    ],
)
def test_dash_for_names_is_refused_when_stdin_is_taken(logs: Any, args: list[str], said: str) -> None:
    logs("log.jsonl", LOG)
    result = process("inventory", *args, input=LOG.encode())
    assert result.code == 2
    assert one_line(result.stderr) == f"hotjar-cli: error: {said}"


def test_dash_for_names_is_refused_when_stdin_is_closed(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    done = subprocess.run(
        [str(CLI), "inventory", str(path), "--known-attributes", "-"],
        stdin=None,
        capture_output=True,
        check=False,
        close_fds=True,
        timeout=60,
        preexec_fn=lambda: os.close(0),
    )
    assert done.returncode == 2
    assert one_line(done.stderr.decode()) == (
        "hotjar-cli: error: --known-attributes -: standard input is closed: there is nothing to read"
    )


@pytest.mark.parametrize(
    ("option", "names", "said"),
    [
        (
            "--known-attributes",
            "a" * 51 + "\nplan\n",
            "'" + "a" * 51 + "' is 51 characters long, over --max-attribute-name-length 50",
        ),
        (
            "--known-events",
            "Signed Up\nbad name!\nalso bad?\n",
            "'bad name!' holds characters Hotjar refuses in an event name (\"!\")",
        ),
        (
            "--known-events",
            "E" * 300 + "\n",
            "'" + "E" * 80 + "…' is 300 characters long, over --max-event-name-length 250",
        ),
    ],
    ids=["attribute too long", "event characters", "event too long"],
)
def test_a_name_hotjar_holds_none_of_is_said_and_keeps_its_slot(logs: Any, option: str, names: str, said: str) -> None:
    # A seed file is what the site holds: a name no site can hold took a slot without a word (a name of 20,000,000
    # characters too), and each turned a name of the logs away.
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text(names)
    result = cli("inventory", path, option, "names.txt", "-f", "json")
    line = names.splitlines().index(next(name for name in names.splitlines() if said[1:].startswith(name[:20]))) + 1
    assert seed_lines(result.stderr)[-1].startswith(f"hotjar-cli: names.txt:{line}: {said}: Hotjar holds no such name")
    kind = "attributes" if option == "--known-attributes" else "events"
    assert result.json()[kind]["names"][0]["name"] == names.splitlines()[0]  # in its slot all the same


def test_an_event_name_too_long_and_one_with_refused_characters_are_each_said_for_what_they_are(logs: Any) -> None:
    # Said as one, the long name was counted among those "holding characters Hotjar refuses", and its own fault,
    # its length, was never said.
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text("bad(name)\n" + "E" * 300 + "\nalso bad?\n")
    result = cli("inventory", path, "--known-events", "names.txt", "-f", "json")
    assert seed_lines(result.stderr) == [
        'hotjar-cli: names.txt:1: \'bad(name)\' holds characters Hotjar refuses in an event name ("(" ")"): Hotjar '
        "holds no such name; taken as it is, in its slot (2 names in this file do)",
        "hotjar-cli: names.txt:2: '" + "E" * 80 + "…' is 300 characters long, over --max-event-name-length 250: "
        "Hotjar holds no such name; taken as it is, in its slot",
    ]


@pytest.mark.parametrize("breaking", ["\x0b", "\x0c", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_name_holding_a_character_editors_end_a_line_at_is_said_to_be_one_name(logs: Any, breaking: str) -> None:
    # Python's splitlines and many editors end a line at these: two names joined so were taken without a word, where a
    # carriage return was said.
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_text(f"plan{breaking}email\nseats\n", encoding="utf-8")
    result = cli("inventory", path, "--known-attributes", "names.txt", "-f", "json")
    assert [row["name"] for row in result.json()["attributes"]["names"]][:2] == [f"plan{breaking}email", "seats"]
    assert seed_lines(result.stderr) == [
        f"hotjar-cli: names.txt:1: 'plan\\u{ord(breaking):04x}email' holds a character many editors and tools end a "
        "line at (a vertical tab, a form feed, U+001C to U+001E, U+0085, U+2028, U+2029): taken as one name"
    ]


def test_a_file_whose_lines_end_in_a_carriage_return_alone_is_said_to_name_one_name(logs: Any) -> None:
    # A column saved from a spreadsheet as a classic Mac text: its three names were one, and the site held one name
    # where the user meant three, without a word.
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_bytes(b"plan\remail\rseats\r")
    result = cli("inventory", path, "--known-attributes", "names.txt", "-f", "json")
    assert [row["name"] for row in result.json()["attributes"]["names"]][:1] == ["plan\remail\rseats"]  # as it is
    assert seed_lines(result.stderr) == [
        "hotjar-cli: names.txt:1: 'plan\\u000demail\\u000dseats' holds a carriage return: taken as one name, though "
        "a file whose lines end in a carriage return alone reads as one line (tr '\\r' '\\n' < FILE makes them lines)"
    ]
    Path("names.txt").write_bytes(b"plan\r\nemail\r\n")  # CRLF: each line's end, as before
    assert seed_lines(cli("inventory", path, "--known-attributes", "names.txt").stderr) == []


@pytest.mark.parametrize(("option", "kind"), [("--known-attributes", "attribute"), ("--known-events", "event")])
def test_an_inventory_csv_given_as_a_seed_file_is_refused_in_one_line(logs: Any, option: str, kind: str) -> None:
    # The CSV an inventory writes with -o is where the names to seed a site with are read from; given as it is, each
    # of its rows was taken as a name (17 rows of 191 characters), with exit 0.
    path = logs("log.jsonl", LOG)
    assert cli("inventory", path, "-f", "csv", "-o", "names.csv").code == 0
    result = cli("inventory", path, option, "names.csv")
    assert result.code == 2
    assert one_line(result.stderr) == (
        f"hotjar-cli: error: {option} names.csv: line 1 is the header of an inventory CSV, not a name: the file lists "
        f"one name per line (the names of the CSV's kept {kind} rows, in slot order)"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_device_of_endless_bytes_as_a_seed_file_is_refused_in_one_line(logs: Any, command: list[str]) -> None:
    # /dev/zero (a slip for /dev/null) was read as one line until memory ran out: a MemoryError's traceback, exit 1.
    path = logs("log.jsonl", LOG)
    result = cli(*command, path, "--known-attributes", "/dev/zero")
    assert result.code == 2
    assert one_line(result.stderr) == (
        "hotjar-cli: error: --known-attributes /dev/zero:1: holds a NUL byte, which no name has: the file lists "
        "names as UTF-8 text (UTF-16? iconv -f UTF-16 -t UTF-8)"
    )


def test_a_seed_line_too_long_for_any_name_is_refused_before_it_fills_memory(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("names.txt").write_bytes(b"plan\n" + b"a" * (64 * 1024 * 1024 + 1))  # no line end: one endless line
    result = cli("inventory", path, "--known-attributes", "names.txt")
    assert result.code == 2
    assert one_line(result.stderr) == (
        "hotjar-cli: error: --known-attributes names.txt:2: over 64 MiB long, which no name is: the file lists one "
        "name per line"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_seed_file_past_a_limit_the_pyproject_sets_names_that_setting(logs: Any, command: list[str]) -> None:
    # The limit came from the pyproject, not the command line: the line named --max-attributes, which was not given.
    path = logs("log.jsonl", LOG)
    Path("pyproject.toml").write_text("[tool.hotjar-cli]\nmax-attributes = 3\nmax-events = 2\n")
    Path("names.txt").write_text("a\nb\nc\nd\n")
    result = cli(*command, path, "--known-attributes", "names.txt")
    assert result.code == 2
    assert one_line(result.stderr) == (
        "hotjar-cli: error: --known-attributes names.txt: 4 names, more than the 3 a site holds "
        "(max-attributes = 3 in the pyproject)"
    )
    result = cli(*command, path, "--known-events", "names.txt")
    assert one_line(result.stderr).endswith("4 names, more than the 2 a site holds (max-events = 2 in the pyproject)")
    given = cli(*command, path, "--known-attributes", "names.txt", "--max-attributes", "2")
    assert one_line(given.stderr).endswith("4 names, more than the 2 a site holds (--max-attributes)")
    Path("one.txt").write_text("a\n")
    one = cli(*command, path, "--known-attributes", "one.txt", "--max-attributes", "0")
    assert one_line(one.stderr).endswith("one.txt: 1 name, more than the 0 a site holds (--max-attributes)")
    Path("pyproject.toml").write_text("[tool.hotjar-cli]\n")
    Path("names.txt").write_text("".join(f"a{number}\n" for number in range(101)))
    default = cli(*command, path, "--known-attributes", "names.txt")
    assert one_line(default.stderr).endswith("101 names, more than the 100 a site holds (--max-attributes)")


def test_a_seed_name_past_a_length_the_pyproject_sets_is_said_over_that_setting(logs: Any) -> None:
    path = logs("log.jsonl", LOG)
    Path("pyproject.toml").write_text("[tool.hotjar-cli]\nmax-attribute-name-length = 5\nmax-event-name-length = 4\n")
    Path("names.txt").write_text("plan\nlonger\n")
    said = seed_lines(cli("inventory", path, "--known-attributes", "names.txt").stderr)
    assert said == [
        "hotjar-cli: names.txt:2: 'longer' is 6 characters long, over max-attribute-name-length = 5 in the pyproject: "
        "Hotjar holds no such name; taken as it is, in its slot"
    ]
    said = seed_lines(cli("inventory", path, "--known-events", "names.txt").stderr)
    assert said[0].startswith(
        "hotjar-cli: names.txt:2: 'longer' is 6 characters long, over max-event-name-length = 4 in"
    )
    given = cli("inventory", path, "--known-attributes", "names.txt", "--max-attribute-name-length", "5")
    assert "'longer' is 6 characters long, over --max-attribute-name-length 5: " in seed_lines(given.stderr)[0]
