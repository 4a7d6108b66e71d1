"""The checkpoint: an append-only file of the users a replay delivered, so a later run can skip them.

Format: NDJSON. The first line names the site, `{"checkpoint": "hotjar-cli replay", "version": 1,
"site_id": 123}`; every further line is one delivered user key as a JSON string. A user is written only after
its delivery counted as sent, and each line is flushed and fsync'd before the next user is taken, so a process
killed at any instant loses no delivered user and repeats at most the users it had in flight. A line cut short
by a crash is dropped when the file is next opened.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import orjson

from hotjar_cli.replay.errors import ReplaySetupError

MARK = "hotjar-cli replay"
VERSION = 1


class Checkpoint:
    """Delivered users of a site: read when opened, appended to durably as users are delivered."""

    def __init__(self, path: Path, site_id: int) -> None:
        """Open (or create) the checkpoint at `path` for `site_id`; raises ReplaySetupError when it cannot."""
        self.path = path
        self.site_id = site_id
        self.delivered: set[str] = set()
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as error:
            raise ReplaySetupError(f"cannot open the checkpoint {path}: {error.strerror or error}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            raise ReplaySetupError(
                f"the checkpoint {path} is in use by another replay; wait for it to finish or choose another file"
            ) from None
        try:
            self._load()
        except ReplaySetupError:
            self.close()
            raise

    def _load(self) -> None:
        with open(self._fd, "rb", closefd=False) as stream:
            stream.seek(0)
            content = stream.read()
        complete = content.rfind(b"\n") + 1
        lines = content[:complete].splitlines()
        if lines:
            header = _header(lines[0])
            if header is None:
                raise ReplaySetupError(f"{self.path} is not a hotjar-cli replay checkpoint; choose another file")
            if header != self.site_id:
                raise ReplaySetupError(
                    f"the checkpoint {self.path} was written for site {header}, not {self.site_id}; choose another file"
                )
        elif content and not content.startswith(b'{"checkpoint"'):
            raise ReplaySetupError(f"{self.path} is not a hotjar-cli replay checkpoint; choose another file")
        if complete < len(content):
            # The last line was cut short by a crash: that user was never recorded, so it will be sent again.
            os.ftruncate(self._fd, complete)
        if not lines:
            self._append(orjson.dumps({"checkpoint": MARK, "version": VERSION, "site_id": self.site_id}))
            _sync_directory(self.path)
            return
        for line in lines[1:]:
            try:
                key = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(key, str):
                self.delivered.add(key)

    def __contains__(self, key: str) -> bool:
        return key in self.delivered

    def record(self, key: str) -> None:
        """Record one delivered user durably: the line is on disk when this returns."""
        self._append(orjson.dumps(key))
        self.delivered.add(key)

    def _append(self, line: bytes) -> None:
        data = line + b"\n"
        while data:
            written = os.write(self._fd, data)
            data = data[written:]
        os.fsync(self._fd)

    def close(self) -> None:
        """Release the file (and its lock)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Checkpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _header(line: bytes) -> int | None:
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(value, dict) and value.get("checkpoint") == MARK and isinstance(value.get("site_id"), int):
        return int(value["site_id"])
    return None


def _sync_directory(path: Path) -> None:
    """Make the new file's directory entry durable too, so the checkpoint itself survives a crash."""
    try:
        directory = os.open(path.resolve().parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)
