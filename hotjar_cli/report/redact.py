"""Masking trait and property values so a report can go into a public CI log."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import event_name_at_fault
from hotjar_cli.core.model import Finding
from hotjar_cli.core.rules import EVENT_NAME_INVALID_CHARACTERS
from hotjar_cli.core.summary import Example

MASKS = {str: "‹string›", bool: "‹boolean›", int: "‹number›", float: "‹number›"}


def mask(value: Any) -> Any:
    """The value with every scalar replaced by a marker of its type; keys, nesting and nulls stay."""
    if isinstance(value, dict):
        return {key: mask(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item) for item in value]
    if value is None:
        return None
    return MASKS.get(type(value), "‹value›")


def masked_name(number: int) -> str:
    """The `number`th event name an inventory masks (`‹string 3›`): numbered in the order of its rows, so that the
    rows of two names masked stay apart, where one mark for all read as one name listed again."""
    return f"{MASKS[str][:-1]} {number}›"


MASKED_CHARACTERS = "not allowed: ‹characters›"
"""event-name-invalid-characters' detail under `--redact`: it lists the characters of the name that Hotjar refuses, in
the order they come, and the name is masked. A name written in another script than the characters allowed would be
spelt out nearly whole (`"К" "у" "п" "и" "л"`)."""


def redact_finding(finding: Finding) -> Finding:
    """The finding with the characters an event name was refused for masked. Every other detail holds no name, id,
    trait or property value (see `Finding`): at most the `type` or `channel` a message gave, which redaction leaves
    as they are; and a path names keys, which stay."""
    if finding.code == EVENT_NAME_INVALID_CHARACTERS.code and finding.detail.startswith("not allowed:"):
        return Finding(finding.code, finding.path, MASKED_CHARACTERS)
    return finding


def redact_example(example: Example, limits: Limits) -> Example:
    """The example with user ids, traits, properties, attributes and the raw line masked.

    Event names stay, as the name of what users did, except a name a rule finds fault with under the run's
    `limits` (`event_name_at_fault`), whether or not the run reports that rule: that is where an email, an IP
    address or an id slips in. Schema explanations were already made without values.
    """
    payload = dict(example.payload)
    for key in ("userId", "anonymousId", "traits", "properties"):
        if key in payload:
            payload[key] = mask(payload[key])
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
        call = ["identify", mask(call[1]), mask(call[2])]
    elif call is not None and faulty_name:
        call = ["event", mask(call[1])]
    findings = tuple(redact_finding(finding) for finding in example.findings)
    return replace(example, payload=payload, call=call, line_text="", findings=findings)
