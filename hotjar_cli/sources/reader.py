"""Reading Segment logs: files, directories, globs, stdin and s3:// objects; plain or gzipped, detected by magic bytes.

Lines are streamed in blocks, so memory stays flat whatever the size of the input. Objects in S3 are read through
`hotjar_cli.sources.s3`, imported only when an s3:// path is named, so the base install needs no S3 library.
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import io
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from hotjar_cli.core.decode import MAX_LINE_BYTES, utf16_like
from hotjar_cli.sources import s3
from hotjar_cli.sources.source import (
    OWN_LINES,
    OWN_MARKUP,
    OWN_REPLAY,
    OWN_REPORT,
    OWN_TEXT,
    S3_SCHEME,
    STDIN,
    InputError,
    NothingToRead,
    Readable,
    ReadError,
    Seekable,
    Source,
    Window,
    glob_root,
    is_log_name,
    not_read_by_name,
    shown_name,
    walked,
)

try:
    # ISA-L inflates gzip over twice as fast as zlib, to the same bytes; where it has no build, zlib does it.
    from isal.isal_zlib import decompressobj
    from isal.isal_zlib import error as _isal_error

    # isal's stubs declare its error class as an instance of Exception.
    DECOMPRESS_ERRORS: tuple[type[Exception], ...] = (EOFError, zlib.error, _isal_error)  # type: ignore[assignment]  # isal types its error class as an instance
except ImportError:  # a platform ISA-L is not built for
    from zlib import decompressobj  # type: ignore[assignment]  # the same inflater as ISA-L's, typed apart

    DECOMPRESS_ERRORS = (EOFError, zlib.error)
READ_ERRORS: tuple[type[Exception], ...] = (OSError, *DECOMPRESS_ERRORS)
"""What a read of a file or an inflater raises when the bytes cannot be had."""

BLOCK_BYTES = 64 << 10
"""How much is read at once. A small block stays in the processor's cache while its lines are cut and decoded,
and is reused by the allocator instead of being mapped afresh: about 10% faster than a megabyte."""
GZIP_MAGIC = b"\x1f\x8b"
OTHER_COMPRESSIONS = (
    (b"\xfd7zXZ\x00", "xz", "xz -d"),
    (b"BZh", "bzip2", "bzip2 -d"),  # then a digit and a block's magic: see `compressed_with`
    (b"\x28\xb5\x2f\xfd", "zstd", "zstd -d"),
    (b"PK\x03\x04", "zip", "unzip"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip", "7z x"),
)
"""Compressed formats Segment's archive never writes, by their magic bytes, with what decompresses them: read as
text, their bytes would be counted as thousands of broken messages."""
OTHER_FORMATS = (
    (b"PAR1", "a Parquet file"),
    (b"Obj\x01", "an Avro file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x7fELF", "an executable or a library (ELF)"),
)
"""Files of other kinds kept beside logs, by their magic bytes (a warehouse's Parquet or Avro export, a
screenshot, a built library): no line of them is a message, and read as text each would be counted as hundreds
of broken ones, said to be UTF-16 for their NUL bytes."""
TAR_MAGIC_AT = 257
TAR_MAGICS = (b"ustar\x0000", b"ustar  \x00")
"""What a tar archive's first header holds at `TAR_MAGIC_AT`, POSIX's and GNU's: a `.tar.gz` of logs is the usual way
to hand them over, and read as text its headers glued to each member's first line, broke it, and numbered every line
by its place in the archive. A NUL included, which no line of JSON holds: `ustar` alone was found in `custard`."""
TABLE_SUFFIXES = ((".csv", "a CSV table"), (".tsv", "a TSV table"))
"""Tables exported beside logs (a warehouse query's result), by the name's suffix, `.gz` after it or not: a walk skips
them, and one named whose first line is no JSON is refused (`named_table`): read as text, its header and each row
were counted as broken messages, with nothing to say what the file was."""
HEAD_BYTES = 512
"""How much of a file's start is looked at for what it is: a tar header's whole first block."""
GZIP_INPUT_BYTES = 16 << 10
"""How much compressed input is inflated at once: about a block of lines."""
GZIP_WBITS = 16 + zlib.MAX_WBITS
"""A deflate stream inside gzip's header and trailer."""
UTF8_BOM = b"\xef\xbb\xbf"


def resolve(
    paths: list[str], endpoint_url: str | None = None, window: Window = Window(), own_reports: list[str] | None = None
) -> list[Source]:
    """The files behind the paths the user named, in a stable order: directories walked, globs expanded.

    s3:// paths are listed in S3 (`endpoint_url` for an S3-compatible store). Received-day folders after the
    window (see `Window`) are skipped below a named folder or a glob's fixed part, locally and in S3 alike; a path
    whose every log they hold gives none, and no error (the run says which it skipped). A file named that is one of
    hotjar-cli's own reports is skipped as a walk skips it, and its name added to `own_reports`, for the run to say:
    a pre-commit hook names every staged `*.jsonl`, a report committed beside the logs too. NothingToRead when a
    folder or a pattern named gives no log.
    """
    sources: list[Source] = []
    for text in paths:
        if text == STDIN:
            sources.append(Source(STDIN))
            continue
        if text.startswith(S3_SCHEME):
            sources.extend(s3.resolve(text, endpoint_url, window))
            continue
        if not text:
            # `validate "$LOGS"` with the variable unset: Path("") is the working directory, which is not what it
            # names, and reading a repository's files as logs would fail the gate on thousands of broken lines.
            raise InputError("'': an empty path names no file (is a variable unset?)")
        path = Path(text)
        skipped = len(window.skipped)
        if path.is_dir():
            found = sorted(_walk(path, window))
            if not found and len(window.skipped) > skipped:
                continue  # every log in it reached Segment after the window: no event to read, and said so
            if not found:
                raise NothingToRead(f"{text}: {_nothing_to_read(path, window)}{window.hint()}")
            sources.extend(Source(shown_name(str(file)), file) for file in found)
        elif path.exists():
            if _named_report(path):
                if own_reports is not None:
                    own_reports.append(shown_name(text))
                continue
            sources.append(Source(shown_name(text), path))
        elif glob.has_magic(text):
            files = _expand(text, window)
            if not files and len(window.skipped) > skipped:
                continue
            if not files:
                fixed = len(glob_root(text).parts)
                matched = sorted(
                    str(found)
                    for found in _matches(text, window)
                    if not found.is_dir() and walked(found.parts[fixed:-1], window)
                )
                if matched:
                    raise NothingToRead(
                        f"{text}: the pattern matches no log files: {not_read_by_name(matched)}{window.hint()}"
                    )
                raise NothingToRead(f"{text}: no file matches this pattern{window.hint()}")
            sources.extend(Source(shown_name(str(file)), file) for file in files)
        elif path.is_symlink():
            # Said as a link in a folder is said (`open_source`): "no such file or directory" sent one looking for
            # a name mistyped, where the name is there and what it links to is not.
            raise InputError(f"{text}: {_link_to_nothing(path)}")
        else:
            raise InputError(f"{text}: no such file or directory")
    return sources


def _link_to_nothing(path: Path) -> str:
    """What a link that leads to no file leads to: a path that is not there, or round to itself."""
    try:
        path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"a link that leads round to itself ({error.strerror})"
    return f"a link to {os.readlink(path)}, which is not there"


def distinct(sources: list[Source]) -> tuple[list[Source], list[tuple[Source, Source]]]:
    """The sources with each input once, and each one left out with the one it repeats: a file named twice, under
    two names (a link, `./a` and `a`), or also inside a folder named beside it; an S3 object listed twice;
    standard input named twice, which can be read only once. Read twice, its events would count twice: in every
    rate, and in the order the site's limits fill in."""
    kept: list[Source] = []
    first: dict[object, Source] = {}
    repeats: list[tuple[Source, Source]] = []
    for source in sources:
        known = identity(source)
        if known in first:
            repeats.append((source, first[known]))
            continue
        first[known] = source
        kept.append(source)
    return kept, repeats


def identity(source: Source) -> tuple[object, ...]:
    """What tells an input from every other: a file's device and inode (standard input's too, when a file is
    redirected to it), a broken link's own (reached under two names, it would be reported twice), a pipe's or a
    device's (`- /dev/stdin` with a pipe on standard input: its second reading found it drained, and two files were
    counted), else its name."""
    try:
        if source.path is not None:
            found = _file_or_link(source.path)
        elif source.is_stdin and sys.stdin is not None:
            found = os.fstat(sys.stdin.fileno())
        else:
            return ("named", source.name)
    except (OSError, ValueError):  # not there (said when it is read), or no standard input at all
        return ("named", source.name)
    if not (stat.S_ISREG(found.st_mode) or stat.S_ISLNK(found.st_mode)):
        return ("stream", found.st_dev, found.st_ino)
    return ("file", found.st_dev, found.st_ino)


def _file_or_link(path: Path) -> os.stat_result:
    """The file a path names; the link itself when it leads nowhere (OSError when neither is there)."""
    try:
        return path.stat()
    except FileNotFoundError:
        found = path.lstat()
        if not stat.S_ISLNK(found.st_mode):
            raise
        return found


def _expand(pattern: str, window: Window) -> list[Path]:
    root = glob_root(pattern)
    fixed = len(root.parts)
    files: dict[Path, None] = {}
    for match in _matches(pattern, window):
        if not walked(match.parts[fixed:-1], window):
            continue
        if match.is_dir():
            # A link up the tree (`a/up -> ..`, matched by `a/*`) is passed over, as a walk of the folder it is in
            # passes it over: walked, it read that folder again under another name, and its broken links twice.
            if walked((match.name,), window) and not _up_the_tree(str(match), os.path.realpath(match.parent)):
                files.update(dict.fromkeys(sorted(_walk(match, window))))
        elif _read_in_a_walk(match):
            files[match] = None
    return list(files)


def _matches(pattern: str, window: Window) -> list[Path]:
    """The paths a pattern matches, in order. A `**` pattern is matched against the folders below its fixed part as
    a folder named is walked (`_folders`): each folder once, a folder it cannot list said (Python's glob passes over
    it), and never up a link to a folder around it. Python's glob follows every link: a link up the tree beside a
    link to a sibling folder made it list paths without end, twice as many a level deeper."""
    if "**" not in pattern:
        return sorted(Path(found) for found in glob.glob(pattern))
    root = glob_root(pattern)
    parts = PurePosixPath(pattern).parts[len(root.parts) :]
    start = Path(root) if root.parts else Path(".")
    found = []
    for folder, folders, names in _folders(start, window):
        inside = Path(folder).relative_to(start).parts
        found += [Path(folder, name) for name in (*folders, *names) if _matched((*inside, name), parts)]
    if _matched((), parts):
        found.append(start)  # `logs/**` names the folder itself too, as glob has it
    return sorted(found)


@lru_cache(maxsize=4096)
def _matched(names: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether the names on a path below a pattern's fixed part match its parts, as `glob.glob(recursive=True)` has
    them: `**` any number of names, none hidden; any other part one name, a hidden one only by a part that starts
    with `.`."""
    if not parts:
        return not names
    part, rest = parts[0], parts[1:]
    if part == "**":
        return _matched(names, rest) or (bool(names) and not names[0].startswith(".") and _matched(names[1:], parts))
    if not names or (names[0].startswith(".") and not part.startswith(".")):
        return False
    return fnmatch.fnmatchcase(names[0], part) and _matched(names[1:], rest)


def _nothing_to_read(directory: Path, window: Window) -> str:
    """Why a folder gave no log to read: that it holds no files, or which it skipped (the first few, by path). A
    hidden folder is named, not walked: a `.git` of a hundred thousand files would be read through for one line."""
    skipped = []
    for root, folders, files in _folders(directory, Window(), hidden=True):
        inside = Path(root).relative_to(directory)
        hidden = [folder for folder in folders if folder.startswith(".")]
        folders[:] = [folder for folder in folders if not folder.startswith(".")]  # `os.walk` goes into these only
        # Folders after --until are left out: the window's hint says so.
        if not any(window.excludes_folder(part) for part in inside.parts):
            skipped += [(inside / name).as_posix() for name in files]
            skipped += [f"{(inside / folder).as_posix()}/" for folder in hidden]
    skipped.sort()
    if not skipped:
        loops = _links_up(directory)
        if loops:
            named = " and ".join(filter(None, [", ".join(loops[:-1]), loops[-1]]))
            links, are = ("links", "are") if len(loops) > 1 else ("link", "is")
            return (
                f"directory holds no files: its {links} {named} (to this folder or one around it) {are} not "
                "followed: that would read the same folders again and again"
            )
        return "directory holds no files"
    return f"directory holds no log files: {not_read_by_name(skipped)}"


def _links_up(directory: Path) -> list[str]:
    """The links up the tree in a folder (see `_up_the_tree`), by path from it: the walk passes them over."""
    found = []
    for root, _, _ in _folders(directory, Window(), hidden=True):
        inside = os.path.realpath(root)
        with os.scandir(root) as entries:
            found += [
                Path(entry.path).relative_to(directory).as_posix()
                for entry in entries
                if entry.is_symlink() and _up_the_tree(entry.path, inside)
            ]
    return sorted(found)


def _folders(directory: Path, window: Window, hidden: bool = False) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk` of a folder, into linked folders too (a link to a folder of logs is read as the folder is), each
    folder once, never up a link to a folder the walk is inside (a loop), and into hidden or skipped folders only
    with `hidden`."""
    seen: set[tuple[int, int]] = set()
    for root, folders, files in os.walk(directory, followlinks=True, onerror=_unlisted):
        try:
            found = os.stat(root)
        except OSError:
            folders[:] = []
            continue
        if (found.st_dev, found.st_ino) in seen:
            folders[:] = []
            continue
        seen.add((found.st_dev, found.st_ino))
        inside = os.path.realpath(root)
        folders[:] = sorted(  # in order: of two links to one folder, the first by name is the one read
            folder
            for folder in folders
            if (hidden or walked((folder,), window)) and not _up_the_tree(os.path.join(root, folder), inside)
        )
        yield root, folders, files


def _unlisted(error: OSError) -> None:
    """A folder the walk would read but cannot list: said, not passed over. Its logs would be missing from every count
    while the gate passed on the rest."""
    where = error.filename if error.filename is not None else "a folder"
    raise InputError(
        f"{where}: cannot list this folder ({error.strerror or error}): its logs would be left out; make it readable, "
        "or name the files and folders to read"
    ) from error


def _up_the_tree(folder: str, inside: str) -> bool:
    """Whether a folder is a link to the folder the walk is in, or to one around it: following it would loop."""
    if not os.path.islink(folder):
        return False
    target = os.path.realpath(folder)
    return inside == target or inside.startswith(target.rstrip(os.sep) + os.sep)


def _walk(directory: Path, window: Window = Window()) -> Iterator[Path]:
    for root, _, files in _folders(directory, window):
        for name in files:
            if _read_in_a_walk(Path(root, name)):
                yield Path(root, name)


def _read_in_a_walk(path: Path) -> bool:
    """Whether a file a folder or a pattern gives is read as a log: named as one, a file (a named pipe, a socket or
    a device is named on its own to be read: opened in a walk, a pipe no one writes to held the run for ever), and
    none of hotjar-cli's own reports."""
    if not is_log_name(path.name):
        return False
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
    except OSError:
        pass  # a link to nothing, or no longer there: read as a log, it fails there, named
    return not _own_report(path)


def _named_report(path: Path) -> bool:
    """Whether a file named is one of hotjar-cli's own reports (`_own_report`). Only a file is looked into: a named
    pipe is read once, by the run, and opened here it would hold the run until someone wrote to it."""
    try:
        return stat.S_ISREG(path.stat().st_mode) and _own_report(path)
    except OSError:
        return False  # read as a log, it fails there, named


REPORT_HEAD_BYTES = 4096
"""How much of a file's start (decompressed, when gzipped) is looked at to know one of hotjar-cli's reports."""


def _own_report(path: Path) -> bool:
    """Whether a file found in a folder is a report hotjar-cli wrote there (`OWN_REPORT`, `OWN_REPLAY`, `OWN_LINES`,
    `OWN_TEXT`, `OWN_MARKUP`), whatever its name, gzipped too (`replay --dry-run | gzip > calls.jsonl.gz`): read as
    a log, each of its lines would be an invalid message, or a message it is not."""
    try:
        with open(path, "rb") as file:
            head = file.read(REPORT_HEAD_BYTES)
    except OSError:
        return False  # read as a log, it fails there, named
    if head[:2] == GZIP_MAGIC:
        head = _inflated_head(head)
    return head.startswith((OWN_REPORT, OWN_REPLAY)) or any(
        pattern.match(head) is not None for pattern in (OWN_LINES, OWN_TEXT, OWN_MARKUP)
    )


def _inflated_head(head: bytes) -> bytes:
    """The first bytes (up to `REPORT_HEAD_BYTES`) that the start of a gzip stream holds: gzip is the one
    compression the reader opens (others are refused). b"" when the start is no gzip stream after all: read as a
    log, it fails there, named."""
    try:
        inflated: bytes = decompressobj(GZIP_WBITS).decompress(head, REPORT_HEAD_BYTES)
    except DECOMPRESS_ERRORS:
        return b""
    return inflated


@contextmanager
def open_source(source: Source, on_read: Callable[[int], None] | None = None) -> Iterator[Readable]:
    """The decompressed bytes of a source; gzip is recognised by its magic bytes, whatever the name.

    `on_read`, when given, is told how many bytes of the source itself (compressed, as they lie on disk or in
    S3) each read took: progress against the sizes of the files.
    """
    if source.is_stdin:
        raw: Seekable = sys.stdin.buffer
    else:
        raw = _open_raw(source)

    def counted(stream: Any) -> Any:
        return stream if on_read is None else _Counted(stream, on_read)

    try:
        if not source.whole:
            raw.seek(source.start)
            yield counted(_Range(raw, source.end))
            return
        if source.remote is not None:
            # A remote object is read through its own read-ahead buffer: look at its start and go back.
            head = _read(raw.read, HEAD_BYTES)
            raw.seek(0)
            _refuse_other_compression(head, gzipped=False, name=source.name)
            yield Gunzip(counted(raw), name=source.name) if head[:2] == GZIP_MAGIC else counted(raw)
            return
        # A local file or standard input: look at its start through a buffer, without consuming it.
        # Standard input's buffer has `peek`; a file opened here is a buffered reader too, so this opens nothing
        # that is not closed with `raw`.
        buffered: Any = raw if hasattr(raw, "peek") else open(raw.fileno(), "rb", closefd=False)  # type: ignore[attr-defined]  # noqa: SIM115
        # The first read of the file: its error is the input's, not the report's.
        head = _read(buffered.peek, HEAD_BYTES)[:HEAD_BYTES]
        stream: Any = buffered
        if source.is_stdin and len(head) < HEAD_BYTES and not _a_terminal(buffered):
            # A pipe hands over what was written to it so far: a tar archive written a hundred bytes at a time was
            # read as lines. Its first block is read whole (or all there is), and handed out first.
            head = _read_head(buffered)
            stream = _Prefixed(head, buffered)
        _refuse_other_compression(head, gzipped=False, name=source.name)
        if head[:2] == GZIP_MAGIC:
            yield Gunzip(counted(stream), name=source.name)
        else:
            yield counted(stream)
    finally:
        if not source.is_stdin:
            raw.close()


def _a_terminal(stream: Any) -> bool:
    """Whether a stream reads a terminal, whose user types a line at a time; False for one with no file."""
    try:
        return os.isatty(stream.fileno())
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return False


def _read_head(stream: Any) -> bytes:
    """The first `HEAD_BYTES` of a stream, fewer only at its end."""
    parts: list[bytes] = []
    got = 0
    while got < HEAD_BYTES:
        part = _read(stream.read1, HEAD_BYTES - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


class _Prefixed:
    """A stream whose first bytes were read from it already (`head`): they are handed out first."""

    def __init__(self, head: bytes, stream: Any) -> None:
        self._head, self._stream = head, stream

    def read(self, size: int = -1) -> bytes:
        taken = self._take(size)
        if 0 <= size <= len(taken):
            return taken
        return taken + bytes(self._stream.read(size - len(taken) if size >= 0 else -1))

    def read1(self, size: int = -1) -> bytes:
        return self._take(size) if self._head else bytes(self._stream.read1(size))

    def _take(self, size: int) -> bytes:
        """Up to `size` bytes of what was read already (all of it when negative)."""
        taken = self._head if size < 0 else self._head[:size]
        self._head = self._head[len(taken) :]
        return taken


class _Counted:
    """A stream that tells `on_read` the size of every block read from it."""

    def __init__(self, stream: Readable, on_read: Callable[[int], None]) -> None:
        self._stream, self._on_read = stream, on_read
        if not hasattr(stream, "read1"):
            # The reader prefers read1 where the stream has it, and only there.
            self.read1 = self.read  # type: ignore[method-assign]  # this instance has no read1 of its own

    def read(self, size: int = -1) -> bytes:
        block = self._stream.read(size)
        self._on_read(len(block))
        return block

    def read1(self, size: int = -1) -> bytes:
        block: bytes = self._stream.read1(size)  # type: ignore[attr-defined]  # only where the stream has read1
        self._on_read(len(block))
        return block


def _open_raw(source: Source, block_bytes: int | None = None) -> Seekable:
    """The raw bytes of a file or a remote object, not yet decompressed; InputError when it cannot be opened."""
    if source.remote is not None:
        return s3.open_object(source.remote, block_bytes)
    assert source.path is not None
    try:
        return open(source.path, "rb")
    except OSError as error:
        if isinstance(error, FileNotFoundError) and source.path.is_symlink():
            target = os.readlink(source.path)
            raise InputError(f"{source.name}: a link to {target}, which is not there") from None
        raise InputError(f"{source.name}: cannot be opened ({error.strerror or error})") from None


class _Range:
    """A plain file read from where it was positioned up to `end`."""

    def __init__(self, file: Seekable, end: int | None) -> None:
        self._file = file
        self._left = None if end is None else end - file.tell()

    def read(self, size: int = -1) -> bytes:
        if self._left is None:
            return self._file.read(size)
        block = self._file.read(min(size, self._left) if size >= 0 else self._left)
        self._left -= len(block)
        return block


def compressed_with(head: bytes) -> tuple[str, str] | None:
    """The compressed format hotjar-cli does not read that bytes begin as (`OTHER_COMPRESSIONS`), with what
    decompresses it; None for any other bytes."""
    for magic, name, command in OTHER_COMPRESSIONS:
        if head.startswith(magic) and (name != "bzip2" or (head[3:4].isdigit() and head[4:10] == b"1AY&SY")):
            return name, command
    return None


def is_tar(head: bytes) -> bool:
    """Whether bytes begin as a tar archive (`TAR_MAGIC_AT`)."""
    return head[TAR_MAGIC_AT : TAR_MAGIC_AT + 8] in TAR_MAGICS


def other_format(head: bytes) -> str | None:
    """What kind of file that is no log bytes begin as (`OTHER_FORMATS`, a tar archive): `a Parquet file`; None for
    any other."""
    if is_tar(head):
        return "a tar archive"
    for magic, name in OTHER_FORMATS:
        if head.startswith(magic):
            return name
    return None


OTHER_ENCODINGS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
"""Byte-order marks of text in an encoding other than UTF-8, which Segment never writes: what a Windows export writes
(PowerShell's `Out-File`, Notepad's "Unicode"). Read as UTF-8, each line of it was counted as a broken message."""


def other_encoding(head: bytes) -> str | None:
    """The encoding of text other than UTF-8 that bytes begin as: a byte-order mark (`OTHER_ENCODINGS`), or the NUL
    bytes UTF-16 puts beside each Latin character; None for any other."""
    for mark, name in OTHER_ENCODINGS:
        if head.startswith(mark):
            return name
    # Without a mark: a first character of three NUL bytes and one other (UTF-32), or of one and one (UTF-16), with
    # NULs beside each character that follows.
    if len(head) >= 8 and head[0] != 0 and head[1:4] == head[5:8] == b"\0\0\0":
        return "UTF-32"  # little-endian
    if len(head) >= 8 and head[3] != 0 and head[:3] == head[4:7] == b"\0\0\0":
        return "UTF-32"  # big-endian
    return "UTF-16" if len(head) >= 4 and (head[0] == 0) != (head[1] == 0) and utf16_like(head) else None


def named_table(head: bytes, name: str) -> str | None:
    """The kind of table a file `name`d as one is (`TABLE_SUFFIXES`: `a CSV table`) when its first bytes are no JSON
    object or array; None otherwise, and for gzip's bytes, looked at once inflated."""
    stem = name.lower().removesuffix(".gz")
    kind = next((kind for suffix, kind in TABLE_SUFFIXES if stem.endswith(suffix)), None)
    start = head.removeprefix(UTF8_BOM).lstrip(b" \t\r\n")
    if kind is None or not start or start[:1] in (b"{", b"[") or head.startswith(GZIP_MAGIC):
        return None
    return kind


def _refuse_other_compression(head: bytes, gzipped: bool, name: str = "") -> None:
    """ReadError when the first bytes of a file (or of what its gzip stream holds, `gzipped`) are compressed in a
    way hotjar-cli does not read, gzip inside gzip included, or are those of a file of another kind
    (`OTHER_FORMATS`, and a table `name`d as one: `TABLE_SUFFIXES`): read as text, they would count as broken
    messages."""
    if gzipped and head.startswith(GZIP_MAGIC):
        raise ReadError("the file is gzipped twice: decompress it once (gunzip), and give it plain or gzipped")
    if is_tar(head):
        inside, command = ("gzipped, and inside is ", "tar -xzf") if gzipped else ("", "tar -xf")
        raise ReadError(
            f"the file is {inside}a tar archive, not a log: extract it first ({command}), and give the folder of its "
            "files"
        )
    kind = other_format(head)
    if kind is not None:
        inside = "gzipped, and inside is " if gzipped else ""
        raise ReadError(
            f"the file is {inside}{kind}, not a log: hotjar-cli reads newline-delimited JSON, plain or gzipped"
        )
    encoding = other_encoding(head)
    if encoding is not None:
        inside = "gzipped, and inside is " if gzipped else ""
        raise ReadError(
            f"the file is {inside}{encoding} text, not UTF-8 as Segment writes logs: convert it first (iconv -f "
            f"{encoding} -t UTF-8)"
        )
    found = compressed_with(head)
    if found is not None:
        tool, command = found
        inside = "gzipped, and inside " if gzipped else ""
        raise ReadError(
            f"the file is {inside}compressed with {tool}, which hotjar-cli does not read: decompress it first "
            f"({command}), and give it plain or gzipped"
        )
    table = named_table(head, name)
    if table is not None:
        inside = "gzipped, and inside is " if gzipped else ""
        raise ReadError(
            f"the file is {inside}{table}, not a log: hotjar-cli reads newline-delimited JSON, plain or gzipped "
            "(export the events as JSON lines)"
        )


class Gunzip:
    """A gzip stream, inflated as it is read.

    `read1` hands over what the compressed bytes read so far hold, so a truncated file still yields every line
    before the cut (then raises EOFError). Members that follow one another are one stream, and zero bytes after
    a member are padding, as gzip reads them. Each member's CRC and length are checked.
    """

    def __init__(self, raw: Readable, inflater: Callable[[int], Any] = decompressobj, name: str = "") -> None:
        self._read = raw.read
        self._name = name  # the file's, for what its first bytes inflated are (`_refuse_other_compression`)
        self._new = inflater
        self._inflate = inflater(GZIP_WBITS)
        self._input = b""
        self._empty = True  # no byte read yet: a stream with none is empty, not cut
        self._looked = False  # whether the first bytes inflated were looked at (`_refuse_other_compression`)

    def read1(self, size: int = -1) -> bytes:
        """Up to `size` bytes (a block when negative); b"" only at the end of the stream."""
        size = size if size > 0 else BLOCK_BYTES
        while True:
            if self._inflate.eof:
                after = self._inflate.unused_data.lstrip(b"\0")
                while not after:
                    more = self._read(GZIP_INPUT_BYTES)
                    if not more:
                        return b""
                    after = more.lstrip(b"\0")
                if len(after) < 2:
                    after += self._read(1)
                if not after.startswith(GZIP_MAGIC):
                    raise EOFError("bytes after the last gzip member are not gzip: something was appended")
                self._inflate, self._input = self._new(GZIP_WBITS), after
            data = self._input or self._read(GZIP_INPUT_BYTES)
            if data:
                self._empty = False
            elif self._empty:
                return b""
            # Without input, the inflater still hands over what it holds back past the last `size`.
            out: bytes = self._inflate.decompress(data, size)
            self._input = self._inflate.unconsumed_tail
            if out:
                if not self._looked:
                    self._looked = True
                    _refuse_other_compression(out[:HEAD_BYTES], gzipped=True, name=self._name)
                return out
            if not data and not self._inflate.eof:
                raise EOFError("the file ends inside a gzip member")

    def read(self, size: int = -1) -> bytes:
        """`size` bytes, fewer only at the end of the stream; everything left when negative."""
        parts = []
        left = size
        while left != 0:
            block = self.read1(left if left > 0 else BLOCK_BYTES)
            if not block:
                break
            parts.append(block)
            if left > 0:
                left -= len(block)
        return b"".join(parts)


SPLIT_PROBE_BYTES = 1 << 16
"""How much of a remote object is fetched at each place a range may start: enough to reach a line end."""


def size_of(source: Source) -> int:
    """The size in bytes of a file or remote object; 0 when it cannot be known (it is then read as one unit)."""
    if source.remote is not None:
        if source.remote.size is not None:
            return source.remote.size
        return s3.object_size(source.remote)
    if source.path is None:
        return 0
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


def split_ranges(source: Source, parts: int) -> list[Source]:
    """A plain file, or a range of one that starts at a line start, as up to `parts` byte ranges of about equal
    size, each starting at a line start."""
    assert not source.is_stdin
    first, end = source.start, source.end if source.end is not None else size_of(source)
    size = end - first
    starts = [first]
    with closing(_open_raw(source, SPLIT_PROBE_BYTES)) as file:
        for part in range(1, parts):
            file.seek(max(first + size * part // parts - 1, starts[-1]))
            position = _next_line_start(file, end)
            if position >= end:
                break
            if position > starts[-1]:
                starts.append(position)
    ends = [*starts[1:], source.end]
    return [
        Source(source.name, source.path, start, stop, source.remote) for start, stop in zip(starts, ends, strict=True)
    ]


def _next_line_start(file: Seekable, end: int) -> int:
    """Where the next line begins, just past the next line end from where the file is read (`end` when none comes
    before it), read a block at a time: a line of gigabytes, or a file of zeros with none, is never held whole."""
    position = file.tell()
    while position < end:
        block = file.read(min(SPLIT_PROBE_BYTES, end - position))
        if not block:
            return end
        found = block.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(block)
    return end


def is_compressed(file: Path | Source) -> bool:
    """Whether a file (or a source's object) starts with gzip's magic bytes, or another compression's
    (`OTHER_COMPRESSIONS`), or is of another kind (`OTHER_FORMATS`, `named_table`) or encoding (`other_encoding`):
    read whole, never in byte ranges, so that its first range says what it is and no other range reads its bytes as
    lines."""
    source = file if isinstance(file, Source) else Source(str(file), file)
    with closing(_open_raw(source, SPLIT_PROBE_BYTES)) as raw:
        head = raw.read(HEAD_BYTES)
    return (
        head[:2] == GZIP_MAGIC
        or compressed_with(head) is not None
        or other_format(head) is not None
        or other_encoding(head) is not None
        or named_table(head, source.name) is not None
    )


def lines_before(source: Source) -> int:
    """How many lines of the file come before the range, for numbering its lines as the whole file would.

    The bytes before the range are read to count them: for a remote object that is a download of that part.
    """
    if source.start == 0 or source.is_stdin:
        return 0
    count = 0
    with closing(_open_raw(source)) as file:
        left = source.start
        while left:
            block = _read(file.read, min(BLOCK_BYTES * 8, left))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
    return count


def read_blocks(
    stream: Readable, block_bytes: int = BLOCK_BYTES, file_start: bool = True, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[list[bytes]]:
    """Every physical line of a stream, a block at a time, with its line end; a byte-order mark that starts the
    file is removed. Only the file's last line can come without a line end.

    A line longer than `max_line_bytes` is cut just past it (the decoder reports it); the rest of it is skipped
    without being held in memory. The engine walks these lists itself: one step per line, with no generator to
    resume and no copy to cut the line end off, since JSON ignores it.
    """
    rest = b""
    skipping = False
    first = file_start
    # `read1` hands over what is decompressed so far, so a truncated gzip file still yields every line before
    # the cut; `read` would fill the whole block first and lose up to a block of lines with the error.
    read = getattr(stream, "read1", stream.read)
    while True:
        block = _read(read, block_bytes)
        if not block:
            break
        if first:
            first = False
            # A short read may end inside the byte-order mark; it must be whole to be recognised.
            while len(block) < len(UTF8_BOM) and UTF8_BOM.startswith(block):
                more = _read(read, block_bytes)
                if not more:
                    break
                block += more
            if block.startswith(UTF8_BOM):
                block = block[len(UTF8_BOM) :]
        buffer = io.BytesIO(block)
        if skipping:
            end = block.find(b"\n")
            if end < 0:
                continue
            yield [rest]
            rest, skipping = b"", False
            buffer.seek(end + 1)
        # BytesIO finds line ends with memchr; bytes.split(b"\n") looks at every byte in turn, several times slower.
        lines = buffer.readlines()
        if not lines:
            continue
        if rest:
            lines[0] = rest + lines[0]
        rest = b"" if lines[-1].endswith(b"\n") else lines.pop()
        if lines:
            yield lines
        if len(rest) > max_line_bytes:
            rest = rest[: max_line_bytes + 1]
            skipping = True
    if rest:
        yield [rest]


def read_lines(
    stream: Readable, block_bytes: int = BLOCK_BYTES, file_start: bool = True, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[bytes]:
    """Every physical line of a stream, without its line end: `read_blocks`, a line at a time."""
    for lines in read_blocks(stream, block_bytes, file_start, max_line_bytes):
        for line in lines:
            yield line[:-1] if line.endswith(b"\n") else line


def _read(read: Callable[[int], bytes], size: int) -> bytes:
    try:
        return read(size)
    except READ_ERRORS as error:
        raise ReadError(_describe(error)) from None


def _describe(error: BaseException) -> str:
    if isinstance(error, DECOMPRESS_ERRORS):
        return f"the gzip stream is corrupt or truncated ({error})"
    return f"read failed: {getattr(error, 'strerror', None) or error}"
