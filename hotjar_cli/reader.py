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
from typing import BinaryIO, Iterator

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
    """One input: the name as the user will see it in reports, and where to read it."""

    name: str
    path: Path | None = None
    """None for standard input."""


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
        buffered = raw if hasattr(raw, "peek") else open(raw.fileno(), "rb", closefd=False)  # type: ignore[arg-type]
        if buffered.peek(2)[:2] == GZIP_MAGIC:  # type: ignore[attr-defined]
            yield gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
        else:
            yield buffered
    finally:
        if source.path is not None:
            raw.close()


def read_lines(stream: BinaryIO, block_bytes: int = BLOCK_BYTES) -> Iterator[bytes]:
    """Every physical line of a stream, without its line end; a leading UTF-8 byte-order mark is removed.

    A line longer than `MAX_LINE_BYTES` is cut there (the decoder reports it); the rest of it is skipped
    without being held in memory.
    """
    rest = b""
    skipping = False
    first = True
    while True:
        block = _read(stream, block_bytes)
        if not block:
            break
        if first:
            first = False
            # A short read may end inside the byte-order mark; it must be whole to be recognised.
            while len(block) < len(UTF8_BOM) and UTF8_BOM.startswith(block):
                more = _read(stream, block_bytes)
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


def _read(stream: BinaryIO, size: int) -> bytes:
    try:
        return stream.read(size)
    except (OSError, EOFError, zlib.error) as error:
        raise ReadError(_describe(error)) from None


def _describe(error: BaseException) -> str:
    if isinstance(error, (EOFError, gzip.BadGzipFile, zlib.error)):
        return f"the gzip stream is corrupt or truncated ({error})"
    return f"read failed: {getattr(error, 'strerror', None) or error}"
