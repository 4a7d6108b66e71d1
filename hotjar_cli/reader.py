"""Reading Segment logs: files, directories, globs and stdin; plain or gzipped, detected by magic bytes.

Lines are streamed in blocks, so memory stays flat whatever the size of the input.
"""

from __future__ import annotations

import glob
import gzip
import os
import sys
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from hotjar_cli.core.decode import MAX_LINE_BYTES

BLOCK_BYTES = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
SKIPPED_NAMES = frozenset({"dummy-object.txt"})
"""Files Segment's S3 destination writes beside the logs; skipped when a directory is walked."""
SKIPPED_SUFFIXES = frozenset({".md", ".py"})
"""Documentation and scripts kept beside logs (a README, the script that made them); skipped when walking."""

STDIN = "-"


class InputError(Exception):
    """A path the user named cannot be read at all (missing, empty directory, no match for a glob)."""


class ReadError(Exception):
    """A file stopped being readable part-way (a truncated or corrupt gzip stream, an I/O error)."""


@dataclass(frozen=True)
class Source:
    """One input: the name as the user will see it in reports, where to read it, and which bytes of it.

    A plain file may be split into byte ranges that start at line starts, so several processes share it.
    """

    name: str
    path: Path | None = None
    """None for standard input."""
    start: int = 0
    end: int | None = None
    """Where the range ends (exclusive); None for the end of the file."""

    @property
    def whole(self) -> bool:
        """Whether this is the whole file rather than a later range of it."""
        return self.start == 0 and self.end is None


def resolve(paths: list[str]) -> list[Source]:
    """The files behind the paths the user named, in a stable order: directories walked, globs expanded."""
    sources: list[Source] = []
    for text in paths:
        if text == STDIN:
            sources.append(Source(STDIN))
            continue
        path = Path(text)
        if path.is_dir():
            found = sorted(_walk(path))
            if not found:
                raise InputError(f"{text}: directory holds no files")
            sources.extend(Source(str(file), file) for file in found)
        elif path.exists():
            sources.append(Source(text, path))
        elif glob.has_magic(text):
            matches = sorted(Path(match) for match in glob.glob(text, recursive=True))
            files = [file for match in matches for file in (sorted(_walk(match)) if match.is_dir() else [match])]
            if not files:
                raise InputError(f"{text}: no file matches this pattern")
            sources.extend(Source(str(file), file) for file in files)
        else:
            raise InputError(f"{text}: no such file or directory")
    return sources


def _walk(directory: Path) -> Iterator[Path]:
    for root, folders, files in os.walk(directory):
        folders[:] = [folder for folder in folders if not folder.startswith(".")]
        for name in files:
            if not name.startswith(".") and name not in SKIPPED_NAMES and Path(name).suffix not in SKIPPED_SUFFIXES:
                yield Path(root, name)


@contextmanager
def open_source(source: Source) -> Iterator[BinaryIO]:
    """The decompressed bytes of a source; gzip is recognised by its magic bytes, whatever the name."""
    try:
        raw: BinaryIO = sys.stdin.buffer if source.path is None else open(source.path, "rb")  # noqa: SIM115
    except OSError as error:
        raise InputError(f"{source.name}: {error.strerror or error}") from None
    try:
        if not source.whole:
            raw.seek(source.start)
            yield _Range(raw, source.end)  # type: ignore[misc]
            return
        buffered = raw if hasattr(raw, "peek") else open(raw.fileno(), "rb", closefd=False)  # type: ignore[arg-type]
        if buffered.peek(2)[:2] == GZIP_MAGIC:  # type: ignore[attr-defined]
            yield gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
        else:
            yield buffered
    finally:
        if source.path is not None:
            raw.close()


class _Range:
    """A plain file read from where it was positioned up to `end`."""

    def __init__(self, file: BinaryIO, end: int | None) -> None:
        self._file = file
        self._left = None if end is None else end - file.tell()

    def read(self, size: int = -1) -> bytes:
        if self._left is None:
            return self._file.read(size)
        block = self._file.read(min(size, self._left) if size >= 0 else self._left)
        self._left -= len(block)
        return block


def split_ranges(source: Source, parts: int) -> list[Source]:
    """A plain file as up to `parts` byte ranges of about equal size, each starting at a line start."""
    assert source.path is not None
    size = source.path.stat().st_size
    starts = [0]
    with open(source.path, "rb") as file:
        for part in range(1, parts):
            file.seek(max(size * part // parts - 1, starts[-1]))
            file.readline()
            position = file.tell()
            if position >= size:
                break
            if position > starts[-1]:
                starts.append(position)
    ends = [*starts[1:], None]
    return [Source(source.name, source.path, start, end) for start, end in zip(starts, ends)]


def is_gzip(path: Path) -> bool:
    """Whether a file starts with gzip's magic bytes."""
    with open(path, "rb") as file:
        return file.read(2) == GZIP_MAGIC


def lines_before(source: Source) -> int:
    """How many lines of the file come before the range, for numbering its lines as the whole file would."""
    if source.start == 0 or source.path is None:
        return 0
    count = 0
    with open(source.path, "rb") as file:
        left = source.start
        while left:
            block = file.read(min(BLOCK_BYTES * 8, left))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
    return count


def read_lines(stream: BinaryIO, block_bytes: int = BLOCK_BYTES, file_start: bool = True) -> Iterator[bytes]:
    """Every physical line of a stream, without its line end; a byte-order mark that starts the file is removed.

    A line longer than `MAX_LINE_BYTES` is cut there (the decoder reports it); the rest of it is skipped
    without being held in memory.
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
                block = block[len(UTF8_BOM):]
        parts = block.split(b"\n")
        if skipping:
            if len(parts) == 1:
                continue
            parts[0] = rest
            skipping = False
        else:
            parts[0] = rest + parts[0]
        rest = parts.pop()
        yield from parts
        if len(rest) > MAX_LINE_BYTES:
            rest = rest[: MAX_LINE_BYTES + 1]
            skipping = True
    if rest:
        yield rest


def _read(read: Callable[[int], bytes], size: int) -> bytes:
    try:
        return read(size)
    except (OSError, EOFError, zlib.error) as error:
        raise ReadError(_describe(error)) from None


def _describe(error: BaseException) -> str:
    if isinstance(error, (EOFError, gzip.BadGzipFile, zlib.error)):
        return f"the gzip stream is corrupt or truncated ({error})"
    return f"read failed: {getattr(error, 'strerror', None) or error}"
