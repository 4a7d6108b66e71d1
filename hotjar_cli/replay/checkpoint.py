"""The checkpoint: an append-only file of the calls a replay delivered, user by user, so a later run sends only
what was not.

Format: NDJSON. The first line names the site, `{"checkpoint": "hotjar-cli replay", "version": 3,
"site_id": 123}`; every further line is one delivery: the user key and a digest of each call delivered,
`["user-1", ["5f0c…", "a41e…"]]`. A user is written only after its delivery counted as sent, and each line is
flushed and fsync'd before the next user is taken, so a process killed at any instant loses no delivered user and
repeats at most the users it had in flight. A line cut short by a crash is dropped when the file is next opened. A
line `{"undelivered": "user-1", "calls": ["5f0c…"]}` takes back calls recorded before (`take_back`): the
identifies of a user that the site's User Attributes, switched off while it was delivered, may have kept from
Hotjar. A reader that knows no such line passes over it.

Calls, not users, because the same command run again may plan more for a user than was delivered: a log that
came late, or other filters (`--type identify`, then `--type track`). Skipping the user would lose those calls;
sending it whole would send the others twice.

A call is known by the messages it stands for (`call_digest`): its arguments and the messageIds of its
messages, several for a `--latest-traits` merge. Segment tells messages apart by messageId, so a message of
another log (the next day's `Viewed Pricing` of the same user, an identify repeated with the same traits) is
another call, sent, though its arguments equal those of a call delivered; the same message read again, from the
same logs or a copy of them, is skipped. A call whose messages have no messageId is known by its arguments
alone, as every call was before version 3: one equal to a call delivered for the same user is skipped. So is a call
whose messageIds are no strings (a number, which a buggy emitter sends): Segment's ids are strings, and the digests
of version 3 were always made of those alone.

Earlier versions, read as they were written: a version 2 checkpoint records each call by its arguments alone
(`arguments_digest`), and one resumed goes on being written in version 2, since its lines cannot be turned into
digests of messages the file does not hold, and a file holding both kinds would be misread by the hotjar-cli that
began it. A line of version 1, the user key alone, stands for every call of the user (a version 1 checkpoint
resumed records its new lines as version 2 does). A checkpoint of a later version than this hotjar-cli reads is
refused, since its digests mean what this one does not know.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from hotjar_cli.replay.errors import ReplaySetupError
from hotjar_cli.replay.plan import PlannedCall

MARK = "hotjar-cli replay"
VERSION = 3
"""The version a new checkpoint is written in."""
ALL_CALLS = None
"""What a version 1 line records of its user: every call."""


def arguments_digest(planned: PlannedCall) -> str:
    """A call by its arguments alone (as the page runs them, keys sorted): 16 hex digits. What checkpoints of
    versions 1 and 2 record."""
    return _digest(planned.args)


def call_digest(planned: PlannedCall) -> str:
    """A call by the messages it stands for: its arguments and the messageIds of its messages (in sorted order, so
    a `--latest-traits` merge of the same identifies is the same call whatever order they were read in), 16 hex
    digits. A call whose messages have no messageId, or none that is a string, is known by its arguments alone
    (`arguments_digest`)."""
    message_ids = sorted(origin.message_id for origin in planned.origins if isinstance(origin.message_id, str))
    if not message_ids:
        return arguments_digest(planned)
    return _digest({"args": planned.args, "messageIds": message_ids})


def _digest(value: object) -> str:
    return hashlib.blake2b(orjson.dumps(value, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()


DIGESTS: dict[int, Callable[[PlannedCall], str]] = {1: arguments_digest, 2: arguments_digest, VERSION: call_digest}
"""What the lines of a checkpoint record each call by, by the version its first line names."""


class Checkpoint:
    """Delivered users of a site: read when opened, appended to durably as users are delivered."""

    def __init__(self, path: Path, site_id: int) -> None:
        """Open (or create) the checkpoint at `path` for `site_id`; raises ReplaySetupError when it cannot."""
        self.path = path
        self.site_id = site_id
        self.version = VERSION
        """The version the file was begun in, which its new lines keep to: it decides what a call's digest is."""
        self.delivered: dict[str, Counter[str] | None] = {}
        """Each user's calls delivered, by digest and how many times; `ALL_CALLS` for a version 1 line."""
        self.damaged: list[int] = []
        """The numbers of the lines read that hold no record (a disk's damage, an edit): passed over, so the calls
        they recorded are sent again."""
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
        except OSError as error:  # its first line not written: a full disk
            self.close()
            raise ReplaySetupError(f"cannot write the checkpoint {path}: {error.strerror or error}") from None

    def _load(self) -> None:
        with open(self._fd, "rb", closefd=False) as stream:
            stream.seek(0)
            content = stream.read()
        complete = content.rfind(b"\n") + 1
        lines = content[:complete].splitlines()
        if lines:
            version, site_id = _header(lines[0])
            if version is not None and version > VERSION:
                raise ReplaySetupError(
                    f"the checkpoint {self.path} was written by a later hotjar-cli (its version {version}; this one "
                    f"reads 1 to {VERSION}): resume with that hotjar-cli, or choose another file"
                )
            if version is None or version not in DIGESTS or site_id is None:
                raise ReplaySetupError(f"{self.path} is not a hotjar-cli replay checkpoint; choose another file")
            if site_id != self.site_id:
                raise ReplaySetupError(
                    f"the checkpoint {self.path} was written for site {site_id}, not {self.site_id}; "
                    "choose another file"
                )
            self.version = version
        elif content and not content.startswith(b'{"checkpoint"'):
            raise ReplaySetupError(f"{self.path} is not a hotjar-cli replay checkpoint; choose another file")
        if complete < len(content):
            # The last line was cut short by a crash: that user was never recorded, so it will be sent again.
            os.ftruncate(self._fd, complete)
        if not lines:
            self._append(orjson.dumps({"checkpoint": MARK, "version": VERSION, "site_id": self.site_id}))
            _sync_directory(self.path)
            return
        for number, line in enumerate(lines[1:], start=2):
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                self.damaged.append(number)
                continue
            if isinstance(entry, str):
                self.delivered[entry] = ALL_CALLS
                continue
            if isinstance(entry, dict):
                key, digests = entry.get("undelivered"), entry.get("calls")
                if isinstance(key, str) and isinstance(digests, list) and all(isinstance(d, str) for d in digests):
                    self._take(key, digests)
                    continue
            elif (
                isinstance(entry, list)
                and len(entry) == 2
                and isinstance(entry[0], str)
                and isinstance(entry[1], list)
                and all(isinstance(digest, str) for digest in entry[1])
            ):
                self._add(entry[0], entry[1])
                continue
            self.damaged.append(number)

    def damage(self) -> str | None:
        """What is said of the lines that hold no record (`damaged`), None when there are none."""
        if not self.damaged:
            return None
        shown = ", ".join(map(str, self.damaged[:5])) + (", ..." if len(self.damaged) > 5 else "")
        if len(self.damaged) == 1:
            return (
                f"replay: the checkpoint {self.path}: line {shown} holds no record and is passed over; the calls it "
                "recorded are sent again"
            )
        return (
            f"replay: the checkpoint {self.path}: {len(self.damaged)} lines hold no record ({shown}) and are passed "
            "over; the calls they recorded are sent again"
        )

    def _digest(self, planned: PlannedCall) -> str:
        return DIGESTS[self.version](planned)

    def _add(self, key: str, digests: Iterable[str]) -> None:
        if key in self.delivered and self.delivered[key] is ALL_CALLS:
            return
        self.delivered.setdefault(key, Counter()).update(digests)  # type: ignore[union-attr]  # not ALL_CALLS

    def _take(self, key: str, digests: Iterable[str]) -> None:
        delivered = self.delivered.get(key)
        if delivered is None or delivered is ALL_CALLS:
            return  # nothing to take back, or a version 1 line's every call, which names none
        delivered.subtract(digests)
        for digest in [digest for digest, count in delivered.items() if count <= 0]:
            del delivered[digest]

    def remaining(self, key: str, calls: tuple[PlannedCall, ...]) -> tuple[PlannedCall, ...]:
        """The calls of a user an earlier run did not deliver, in their order: every one for a user never delivered,
        none for one a version 1 line recorded. A call planned twice and delivered once is left once."""
        if key not in self.delivered:
            return calls
        delivered = self.delivered[key]
        if delivered is ALL_CALLS:
            return ()
        left = Counter(delivered)
        remaining = []
        for planned in calls:
            digest = self._digest(planned)
            if left[digest] > 0:
                left[digest] -= 1
            else:
                remaining.append(planned)
        return tuple(remaining)

    def record(self, key: str, calls: tuple[PlannedCall, ...]) -> None:
        """Record one user's delivered calls durably: the line is on disk when this returns."""
        digests = [self._digest(planned) for planned in calls]
        self._append(orjson.dumps([key, digests]))
        self._add(key, digests)

    def take_back(self, key: str, calls: tuple[PlannedCall, ...]) -> None:
        """Take back calls of a user recorded as delivered, durably: the same command resumed from the checkpoint
        sends them again."""
        digests = [self._digest(planned) for planned in calls]
        self._append(orjson.dumps({"undelivered": key, "calls": digests}))
        self._take(key, digests)

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


def _header(line: bytes) -> tuple[int | None, int | None]:
    """A checkpoint's first line: its version and its site, each None when it is not a whole number (both when the
    line is no checkpoint's)."""
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(value, dict) or value.get("checkpoint") != MARK:
        return None, None
    version, site_id = value.get("version"), value.get("site_id")
    return (
        version if isinstance(version, int) and not isinstance(version, bool) else None,
        site_id if isinstance(site_id, int) and not isinstance(site_id, bool) else None,
    )


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
