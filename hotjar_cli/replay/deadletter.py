"""The dead-letter file: the original Segment messages of every call a replay did not deliver.

It is NDJSON that `hotjar-cli replay` accepts as input, so replaying it once the fault is gone sends the rest.

The plan does not hold messages, so they are read again from their files when the replay ends, one pass per
file, in input order. A line is copied byte for byte; a batch item is written as a message of its own, with
the envelope's `context` and `integrations` under its own (as Segment applies them). Messages from standard
input were kept as JSON when planned (only the fields that decide the call). When a file changed or
vanished in the meantime (a line is missing or its messageId differs), the call is written as a message built
from the call itself, and a warning says how many.

The file is written beside its final name and renamed into place when complete, so it may also be the input
of the replay that rewrites it, and a killed replay leaves the previous file whole; a device or a named pipe
(/dev/null) is written through instead. It holds the calls of
this run only: users it lists were not added to the checkpoint, so a resumed run retries them as well.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from hotjar_cli.core.decode import batch_items, mend_lone_surrogates, object_members, with_envelope
from hotjar_cli.core.model import HotjarCall
from hotjar_cli.replay.plan import Origin, UserPlan
from hotjar_cli.sources.reader import open_source, read_lines
from hotjar_cli.sources.source import STDIN, InputError, ReadError, Source


@dataclass(frozen=True)
class DeadLetterResult:
    """What the dead-letter file received."""

    path: Path | None
    messages: int = 0
    rebuilt: int = 0
    """Messages that could not be read again and were rebuilt from their call."""


@dataclass(frozen=True, slots=True)
class _Wanted:
    origin: Origin
    call: HotjarCall
    user: str


class DeadLetter:
    """Collects the users a replay gave up on, and writes their messages when it ends."""

    def __init__(self, path: Path | None, sources: Iterable[Source] = ()) -> None:
        """`sources` are the replay's inputs: a message is read again from the one its position names (an s3://
        object, a file whose name's bytes are not UTF-8, which reports show escaped), else from the file of that
        name on disk."""
        self.path = path
        self.users: list[UserPlan] = []
        self._sources = {source.name: Source(source.name, source.path, remote=source.remote) for source in sources}

    def add(self, user: UserPlan) -> None:
        """Give up on one user: all of its calls go to the dead-letter file."""
        self.users.append(user)

    def write(self) -> DeadLetterResult:
        """Write the file (when a path was given). Raises OSError when it cannot be written.

        A symbolic link is followed: the file it points to is replaced, and the link stays. What is no regular file
        (a device such as /dev/null, a named pipe) is written through, as a shell's `>` writes it: renamed over,
        it would be replaced by a regular file (root may rename over /dev/null)."""
        if self.path is None:
            return DeadLetterResult(None)
        target = Path(os.path.realpath(self.path))
        if target.exists() and not target.is_file():
            with open(target, "wb") as through:
                messages, rebuilt = self._write_to(through)
            return DeadLetterResult(self.path, messages, rebuilt)
        partial = target.with_name(target.name + ".partial")
        with open(partial, "wb") as out:
            messages, rebuilt = self._write_to(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        return DeadLetterResult(self.path, messages, rebuilt)

    def _write_to(self, out: BinaryIO) -> tuple[int, int]:
        """Write every message; how many, and how many of them were rebuilt."""
        messages = rebuilt = 0
        for line, was_rebuilt in self._lines():
            out.write(line + b"\n")
            messages += 1
            rebuilt += was_rebuilt
        return messages, rebuilt

    def _lines(self) -> Iterable[tuple[bytes, bool]]:
        by_file: dict[str, list[_Wanted]] = defaultdict(list)
        for user in self.users:
            for planned in user.calls:
                for origin in planned.origins:
                    by_file[origin.position.file].append(_Wanted(origin, planned.call, user.key))
        for name, wanted in by_file.items():
            wanted.sort(key=lambda item: (item.origin.position.line, item.origin.position.index or 0))
            # Standard input, whatever name it goes by (`--stdin-filename`), was kept when planned: a file of that
            # name on disk holds other messages, or none.
            if name == STDIN or all(item.origin.saved is not None for item in wanted):
                for item in wanted:
                    if item.origin.saved is not None:
                        yield item.origin.saved, False
                    else:
                        yield rebuild(item.call, item.user, item.origin), True
            else:
                yield from _read_again(self._sources.get(name) or Source(name, Path(name)), wanted)


def _read_again(source: Source, wanted: list[_Wanted]) -> Iterable[tuple[bytes, bool]]:
    by_line: dict[int, list[_Wanted]] = defaultdict(list)
    for item in wanted:
        by_line[item.origin.position.line].append(item)
    found: dict[int, bytes] = {}
    last = max(by_line)
    try:
        with open_source(source) as stream:
            for number, raw in enumerate(read_lines(stream), 1):
                if number in by_line:
                    found[number] = bytes(raw)
                    if number == last:
                        break
    except (InputError, ReadError, OSError):
        pass
    for number, items in by_line.items():
        line = found.get(number)
        for item in items:
            message = _original(line, item.origin) if line is not None else None
            if message is None:
                yield rebuild(item.call, item.user, item.origin), True
            else:
                yield message, False


def _original(raw: bytes, origin: Origin) -> bytes | None:
    """The message at `origin` on its line, or None when the line no longer holds it. The line is read as the replay
    read it: its values kept as their bytes, so one the replay planned is found again whatever its `context` holds
    (a byte that is not UTF-8, a number past a double: read whole, such a line was rebuilt from its call, without its
    `timestamp`, `context` and `integrations`)."""
    try:
        value = object_members(mend_lone_surrogates(raw))
        if value is None:
            return None
        index = origin.position.index
        if index is None:
            return raw if _same_message(value, origin) else None
        items = batch_items(value)
        item = object_members(items[index]) if index < len(items) else None
        if item is None:
            return None
        item = with_envelope(item, value)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return msgspec.json.encode(item) if _same_message(item, origin) else None


def _same_message(value: dict[str, msgspec.Raw], origin: Origin) -> bool:
    if origin.message_id is None:
        return True
    held = value.get("messageId")
    try:
        found = msgspec.json.decode(held) if held is not None else None
    except msgspec.DecodeError:
        return False
    # Of one type too: the number 1 is neither `true` nor `1.0`, though Python holds them equal.
    return type(found) is type(origin.message_id) and found == origin.message_id


def rebuild(call: HotjarCall, user: str, origin: Origin) -> bytes:
    """A Segment message that makes the same call for the same user, for a message that cannot be read again."""
    message: dict[str, Any]
    if call.kind == "identify":
        message = {"type": "identify", "userId": call.user_id, "traits": call.attributes or {}}
    else:
        message = {"type": "track", "userId": user, "event": call.event}
    if origin.message_id is not None:
        message["messageId"] = origin.message_id
    return msgspec.json.encode(message)  # orjson refuses an integer past 64 bits, which a messageId may be
