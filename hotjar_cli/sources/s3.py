"""Segment's S3 archive read where it lies: listing s3:// paths and streaming their objects, through fsspec and s3fs.

Imported only when an s3:// path is named, so the base install needs neither. Credentials come from the usual
AWS chain (environment, shared files, instance or container roles), which s3fs honours; `endpoint_url`, or
`AWS_ENDPOINT_URL` in the environment, points at an S3-compatible store instead of AWS.

A listing skips what a local walk skips by name (dot-files, Segment's `dummy-object.txt`, documentation, scripts
and reports; not a JSON report recognised by its first bytes, which would cost a request an object) and the
received-day folders after the `--until` window (see `Window`), before any object is read. Keys
are ordered as a local walk orders paths, folder by folder, so a local copy of the archive reads the same.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from typing import Any

from hotjar_cli.sources.source import (
    S3_SCHEME,
    InputError,
    NothingToRead,
    ReadError,
    Remote,
    Seekable,
    Source,
    Window,
    glob_root,
    is_log_name,
    not_read_by_name,
    walked,
)

STREAM_BLOCK_BYTES = 8 << 20
"""Bytes fetched per ranged GET while streaming an object: few requests, and memory stays flat (s3fs reads
50 MB at a time by default)."""

INSTALL_HINT = "pip install 'hotjar-cli[s3]'"

CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 20
"""How long a request to the store may wait to connect, and then for each answer's bytes: past it, the request fails.
(botocore's defaults, 60 s each with five attempts, and s3fs's two layers of five retries around them, held a run on a
store that stopped answering for over ten minutes an object, without a word.)"""
ATTEMPTS = 2
"""Attempts of a request, at each of s3fs's two layers and botocore's: a store that does not answer costs the first
object it fails on a few minutes at most (12 connections held unanswered, in a test), and no other (`_unreachable`)."""

_unreachable: dict[str | None, str] = {}
"""The stores this process found not answering (by endpoint URL, None for AWS's own), with the first failure in words:
no other object of theirs is asked for. A dead endpoint cost each object of an archive its attempts in turn, silently,
before the first word (8 s an object refused, hours for a day's thousands)."""


def filesystem(endpoint_url: str | None) -> Any:
    """The S3 file system for a store; s3fs keeps one per process and per settings."""
    try:
        import s3fs
    except ImportError:
        raise InputError(f"reading s3:// paths needs s3fs: {INSTALL_HINT}") from None
    settings: dict[str, Any] = {
        "config_kwargs": {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "read_timeout": READ_TIMEOUT_SECONDS,
            "retries": {"max_attempts": ATTEMPTS, "mode": "standard"},
        },
    }
    fs = s3fs.S3FileSystem(endpoint_url=endpoint_url, **settings) if endpoint_url else s3fs.S3FileSystem(**settings)
    fs.retries = ATTEMPTS  # s3fs's own layers' (a class attribute, not an argument)
    return fs


def _unanswered(error: BaseException) -> bool:
    """Whether an error of the S3 stack says the store did not answer (no connection, or no answer in time), rather than
    answered a refusal: along its chain of causes, as s3fs translates botocore's errors."""
    import aiohttp
    import botocore.exceptions

    kinds = (
        botocore.exceptions.ConnectionError,
        botocore.exceptions.ReadTimeoutError,
        aiohttp.ClientConnectionError,
        TimeoutError,
        ConnectionError,
    )
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, kinds) or type(cause).__name__ == "FSTimeoutError":
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def resolve(url: str, endpoint_url: str | None, window: Window = Window()) -> list[Source]:
    """The log objects behind an s3:// path: one object, every log under a prefix, or what a glob matches."""
    path = url[len(S3_SCHEME) :].rstrip("/")
    if not path:
        raise InputError(f"{url}: name a bucket (s3://bucket/prefix)")
    fs = filesystem(endpoint_url)
    skipped = len(window.skipped)  # a window that skipped every log found here leaves no event to read: no error
    try:
        if glob.has_magic(path):
            keys = _expand(fs, path, window)
            if not keys and len(window.skipped) == skipped:
                raise NothingToRead(f"{url}: no object matches this pattern{window.hint()}")
        elif fs.isdir(path):
            keys = _walk(fs, path, window)
            if not keys and len(window.skipped) == skipped:
                raise NothingToRead(f"{url}: {_nothing_to_read(fs, path)}{window.hint()}")
        elif fs.isfile(path):
            keys = [(path, fs.size(path))]
        else:
            bucket = path.split("/")[0]
            if path == bucket or not fs.exists(bucket):
                # A bucket's name mistyped was said as an object or a prefix missing from it. Named with the store
                # asked: a server that is no S3 API at all (a console's port for the API's) answers as if none.
                store = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
                at = f" at {store}" if store else ""
                raise InputError(f"{url}: no bucket named {bucket}{at} (or none this account can see)")
            raise InputError(f"{url}: no such object or prefix")
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - missing credentials, denied access, no such bucket, a network fault
        raise InputError(f"{url}: {_describe(error)}") from None
    return [Source(S3_SCHEME + key, remote=Remote(S3_SCHEME + key, endpoint_url, size)) for key, size in keys]


def _parts(key: str) -> tuple[str, ...]:
    """A key's folders and name: sorting on these orders keys as a local walk orders paths. A key ending in `/` (an
    empty object the S3 console makes for each folder it creates) names a folder, not an object to read: read, each
    was counted as a file of no lines."""
    return tuple(key.split("/"))


def _walk(fs: Any, root: str, window: Window) -> list[tuple[str, int]]:
    """Every log object under a prefix, sorted; folders the window excludes are never listed."""
    depth = len(_parts(root))
    if window.until is None:
        # No folder can be skipped, so one recursive listing (a page per thousand keys) beats one per folder.
        found = fs.find(root, detail=True)
        return sorted(
            (
                (key, info.get("size") or 0)
                for key, info in found.items()
                if info.get("type") != "directory"
                and not key.endswith("/")  # a folder's marker (`_parts`)
                and walked(_parts(key)[depth:-1], Window())
                and is_log_name(_parts(key)[-1])
            ),
            key=lambda item: _parts(item[0]),
        )
    keys: list[tuple[str, int]] = []
    for key, info in _listing(fs, root):
        name = _parts(key)[-1]
        if info.get("type") == "directory":
            if walked((name,), window):
                keys.extend(_walk(fs, key, window))
        elif is_log_name(name):
            keys.append((key, info.get("size") or 0))
    return sorted(keys, key=lambda item: _parts(item[0]))


def _nothing_to_read(fs: Any, root: str) -> str:
    """Why a prefix gave no log object to read: which objects it skipped by their names, the first few by key under
    the prefix, as a local folder says (a hidden folder named, not each object in it)."""
    depth = len(_parts(root))
    skipped: dict[str, None] = {}
    for key, info in fs.find(root, detail=True).items():
        inside = _parts(key)[depth:]
        if info.get("type") == "directory" or not inside or key.endswith("/"):
            continue
        hidden = next((at for at, part in enumerate(inside[:-1]) if part.startswith(".")), None)
        if hidden is not None:
            skipped["/".join(inside[: hidden + 1]) + "/"] = None
        elif not is_log_name(inside[-1]):
            skipped["/".join(inside)] = None
    if not skipped:
        return "no log objects under this prefix"
    return f"no log objects under this prefix: {not_read_by_name(sorted(skipped))}"


def _listing(fs: Any, folder: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for info in fs.ls(folder, detail=True):
        key = info["name"].rstrip("/")
        if key != folder:
            yield key, info


def _expand(fs: Any, pattern: str, window: Window) -> list[tuple[str, int]]:
    """What a glob matches, as a local glob expands: folders walked, the window's folders and non-logs skipped."""
    fixed = len(glob_root(pattern).parts)
    keys: dict[str, int] = {}
    matches = fs.glob(pattern, detail=True)
    for key in sorted(matches, key=_parts):
        info, parts = matches[key], _parts(key)
        if not walked(parts[fixed:-1], window):
            continue
        if info.get("type") == "directory":
            if walked(parts[-1:], window):
                keys.update(_walk(fs, key, window))
        elif is_log_name(parts[-1]) and not key.endswith("/"):
            keys[key] = info.get("size") or 0
    return list(keys.items())


def open_object(remote: Remote, block_bytes: int | None = None) -> Seekable:
    """A remote object's raw bytes as a seekable stream, fetched in ranged GETs of `block_bytes` as it is read. An
    object of a store found not answering is not asked for (`_unreachable`)."""
    first = _unreachable.get(remote.endpoint_url)
    if first is not None:
        raise InputError(f"{remote.url}: not read: the store stopped answering ({first})")
    fs = filesystem(remote.endpoint_url)
    try:
        return _Guarded(
            fs.open(
                remote.url, "rb", block_size=block_bytes or STREAM_BLOCK_BYTES, cache_type="readahead", size=remote.size
            ),
            remote.endpoint_url,
        )
    except Exception as error:  # noqa: BLE001 - whatever the store answered, the object cannot be read
        raise InputError(f"{remote.url}: {_failed(error, remote.endpoint_url)}") from None


def object_size(remote: Remote) -> int:
    """The size of a remote object, asked of the store."""
    try:
        return int(filesystem(remote.endpoint_url).size(remote.url))
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the S3 stack is a one-line error
        raise InputError(f"{remote.url}: {_describe(error)}") from None


class _Guarded:
    """An S3 object whose failures mid-read are ReadErrors, whatever layer of the S3 stack raised them."""

    def __init__(self, file: Any, endpoint_url: str | None) -> None:
        self._file = file
        self._endpoint_url = endpoint_url

    def read(self, size: int = -1) -> bytes:
        try:
            data: bytes = self._file.read(size)
            return data
        except Exception as error:  # noqa: BLE001 - any failure of the S3 stack is a one-line error
            raise ReadError(f"read failed: {_failed(error, self._endpoint_url)}") from None

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._file.seek(offset, whence))

    def tell(self) -> int:
        return int(self._file.tell())

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> _Guarded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _failed(error: BaseException, endpoint_url: str | None) -> str:
    """A failure to read an object, in words; one that says the store did not answer is remembered
    (`_unreachable`)."""
    said = _describe(error)
    if _unanswered(error):
        _unreachable.setdefault(endpoint_url, said)
    return said


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if type(error).__name__ in ("NoCredentialsError", "PartialCredentialsError"):
        return f"{text} (set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role applies)"
    return text.splitlines()[0] if text else type(error).__name__
