"""Property-based tests of the reader: blocks of lines hold every byte once, and gzip streams inflate as the
standard library inflates them, whatever the block and read sizes."""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hotjar_cli.sources import reader
from hotjar_cli.sources.reader import UTF8_BOM, Gunzip, read_blocks, read_lines
from tests.support.messages import PROPERTY_SETTINGS


@PROPERTY_SETTINGS
@given(
    data=st.lists(st.sampled_from([b"\n", b"\r\n", b"{}", b"x" * 9, UTF8_BOM, b" "]), max_size=30).map(b"".join),
    block_bytes=st.integers(min_value=1, max_value=40),
)
def test_blocks_of_lines_hold_every_byte_once_whatever_the_block_size(data: bytes, block_bytes: int) -> None:
    blocks = list(read_blocks(io.BytesIO(data), block_bytes))
    lines = [line for block in blocks for line in block]
    assert all(blocks), "no empty blocks"
    assert b"".join(lines) == data.removeprefix(UTF8_BOM)
    assert all(line.endswith(b"\n") and line.count(b"\n") == 1 for line in lines[:-1])
    assert list(read_lines(io.BytesIO(data), block_bytes)) == [line.removesuffix(b"\n") for line in lines]


def inflated(stream: Any, size: int) -> tuple[bytes, bool]:
    """Everything a gzip stream hands over in reads of `size`, and whether it then failed."""
    out = []
    try:
        while block := stream.read1(size):
            out.append(block)
    except (EOFError, gzip.BadGzipFile, *reader.DECOMPRESS_ERRORS):
        return b"".join(out), True
    return b"".join(out), False


@PROPERTY_SETTINGS
@given(
    members=st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=70_000)), min_size=1, max_size=4),
    padding=st.integers(min_value=0, max_value=3),
    cut=st.none() | st.floats(min_value=0, max_value=1),
    size=st.integers(min_value=1, max_value=70_000),
    zlib_only=st.booleans(),
)
def test_gzip_streams_inflate_as_the_standard_library_does(
    members: list[tuple[bool, int]], padding: int, cut: float | None, size: int, zlib_only: bool
) -> None:
    # Members of random bytes, which barely compress, or of repeated ones, which compress a thousandfold.
    contents = [
        hashlib.shake_128(bytes([index])).digest(length) if noisy else b"ab" * (length // 2)
        for index, (noisy, length) in enumerate(members)
    ]
    data = b"".join(gzip.compress(content) for content in contents) + b"\0" * padding
    if cut is not None:
        data = data[: int(len(data) * cut)]
    inflater = zlib.decompressobj if zlib_only else reader.decompressobj
    # The standard library hands over all that a cut stream holds before it fails, and reads padding as the end.
    expected = inflated(gzip.GzipFile(fileobj=io.BytesIO(data)), size)
    assert inflated(Gunzip(io.BytesIO(data), inflater), size) == expected
    if not expected[1]:
        assert Gunzip(io.BytesIO(data), inflater).read() == expected[0]
        assert Gunzip(io.BytesIO(data), inflater).read(size) == expected[0][:size]
    if cut is None:
        assert expected == (b"".join(contents), False)
