"""Masking trait and property values, and keys that hold one, so a report can go into a public CI log."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Final

from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import HIGH_CARDINALITY_PATTERNS, event_name_at_fault, json_path, listed_key
from hotjar_cli.core.model import Finding
from hotjar_cli.core.rules import EVENT_NAME_INVALID_CHARACTERS, EVENT_PROPERTIES_DROPPED
from hotjar_cli.core.summary import Example

MASKS = {str: "‹string›", bool: "‹boolean›", int: "‹number›", float: "‹number›"}


def mask(value: Any, keys: Keys | None = None) -> Any:
    """The value with every scalar replaced by a marker of its type; nesting and nulls stay, and keys too but those
    holding a value (see `Keys`)."""
    if isinstance(value, dict):
        keys = Keys() if keys is None else keys
        return {keys.shown(key): mask(item, keys) for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item, keys) for item in value]
    if value is None:
        return None
    return MASKS.get(type(value), "‹value›")


class Keys:
    """The keys an example masks, each as `‹key 1›`, `‹key 2›`, … in the order met: a key that holds what a rule finds
    in an event name that it should not (an email or IP address, a URL, an id, a date: see
    `HIGH_CARDINALITY_PATTERNS`), as a trait named after a user's email address does. Numbered, so that two keys
    masked stay apart in an object and each finding's path names the key its example shows."""

    def __init__(self) -> None:
        self._masked: dict[str, str] = {}

    def shown(self, key: str) -> str:
        """The key as the example shows it."""
        masked = self._masked.get(key)
        if masked is None:
            if not holds_a_value(key):
                return key
            masked = self._masked[key] = f"‹key {len(self._masked) + 1}›"
        return masked

    def path(self, path: str) -> str:
        """A finding's JSON path with each key masked as `shown` masks it (`$.traits["‹key 1›"]`)."""
        if "[" not in path and not any(holds_a_value(step) for step in path.split(".")):
            return path  # nearly every path
        shown = "$"
        for step in _STEPS.finditer(path):
            name, quoted, index = step.groups()
            if index is not None:
                shown = f"{shown}[{index}]"
            else:
                key = name if name is not None else _UNQUOTED.sub(r"\1", quoted)
                shown = json_path(shown, self.shown(key))
        return shown


_STEPS: Final = re.compile(r'\.([^.\[]+)|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]')
"""A step of a JSON path as `place_path` writes one: `.name`, `["any name"]` or `[index]`."""
_UNQUOTED: Final = re.compile(r"\\(.)")


def holds_a_value(key: str) -> bool:
    """Whether a key holds what event-name-high-cardinality finds in an event name: an email or IP address, a URL, an
    id, a long number, a time or a date."""
    return any(search(key) for _, search in HIGH_CARDINALITY_PATTERNS)


def masked_name(number: int) -> str:
    """The `number`th event name an inventory masks (`‹string 3›`): numbered in the order of its rows, so that the
    rows of two names masked stay apart, where one mark for all read as one name listed again."""
    return f"{MASKS[str][:-1]} {number}›"


MASKED_CHARACTERS = "not allowed: ‹characters›"
"""event-name-invalid-characters' detail under `--redact`: it lists the characters of the name that Hotjar refuses, in
the order they come, and the name is masked. A name written in another script than the characters allowed would be
spelt out nearly whole (`"К" "у" "п" "и" "л"`)."""


def redact_finding(finding: Finding, keys: Keys | None = None) -> Finding:
    """The finding with the characters an event name was refused for masked, and its path's keys that hold a value
    (see `Keys`; `keys`: those of its example). Every other detail holds no name, id, trait or property value (see
    `Finding`): at most the `type` or `channel` a message gave, which redaction leaves as they are."""
    keys = Keys() if keys is None else keys
    path = keys.path(finding.path)
    if finding.code == EVENT_NAME_INVALID_CHARACTERS.code and finding.detail.startswith("not allowed:"):
        return Finding(finding.code, path, MASKED_CHARACTERS)
    detail = finding.detail
    if finding.code == EVENT_PROPERTIES_DROPPED.code:
        detail = _dropped_keys(detail, keys)
    return finding if (path, detail) == (finding.path, finding.detail) else Finding(finding.code, path, detail)


def _dropped_keys(detail: str, keys: Keys) -> str:
    """event-properties-dropped's detail (`3 dropped: plan, seats, address`, see `described`) with its keys masked as
    `keys` masks them."""
    count, dropped, listing = detail.partition(" dropped: ")
    if not dropped or not count.isdigit():
        return detail
    more = f" and {int(count) - 20} more" if int(count) > 20 else ""
    listing = listing.removesuffix(more)
    listed = [keys.shown(json.loads(key) if key.startswith('"') else key) for key in _LISTED.findall(listing + ", ")]
    return f"{count} dropped: {', '.join(map(listed_key, listed))}{more}"


_LISTED: Final = re.compile(r'("(?:[^"\\]|\\.)*"|[^,]*), ')
"""A key as `listed_key` lists it, and the comma after it."""


def redact_example(example: Example, limits: Limits) -> Example:
    """The example with user ids, traits, properties, attributes and the raw line masked.

    Event names stay, as the name of what users did, except a name a rule finds fault with under the run's
    `limits` (`event_name_at_fault`), whether or not the run reports that rule: that is where an email, an IP
    address or an id slips in. Schema explanations were already made without values.
    """
    payload = dict(example.payload)
    keys = Keys()
    for key in ("userId", "anonymousId", "traits", "properties"):
        if key in payload:
            payload[key] = mask(payload[key], keys)
    if "line" in payload:
        payload["line"] = "‹line›"
    for key in ("messageId", "timestamp"):
        if key in payload:
            payload[key] = mask(payload[key])
    event = payload.get("event")
    faulty_name = any(finding.path == "$.event" for finding in example.findings) or (
        isinstance(event, str) and event_name_at_fault(event, limits)
    )
    if faulty_name and "event" in payload:
        payload["event"] = mask(payload["event"])
    call = example.call
    if call is not None and call[0] == "identify":
        call = ["identify", mask(call[1]), mask(call[2], keys)]
    elif call is not None and faulty_name:
        call = ["event", mask(call[1])]
    findings = tuple(redact_finding(finding, keys) for finding in example.findings)
    return replace(example, payload=payload, call=call, line_text="", findings=findings)
