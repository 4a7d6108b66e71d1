"""The mapping written the slow and obvious way: every rule checked in catalogue order, with no cache, no
shared decision and no shortcut. Never used to run; the tests hold `mapping.Mapper`, which has all of those
for speed, to the same answer on every message and every sequence of messages, site limits included, so a
fast path can never skip a rule unnoticed.

Only the words of each finding's detail are shared with `mapping` (they are the product's text, not a rule).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hotjar_cli.core.decode import Context, Library, Parsed, SegmentMessage, Unreadable, json_type
from hotjar_cli.core.facade import keys_kept
from hotjar_cli.core.jsvalues import is_truthy, js_string, utf16_length
from hotjar_cli.core.limits import MAX_SAFE_INTEGER, Limits, site_full_detail
from hotjar_cli.core.mapping import (
    EMAIL_PATTERN,
    HIGH_CARDINALITY_PATTERNS,
    MESSAGE_TYPES,
    NON_BROWSER_LIBRARIES,
    PROTO_TRAIT_FINDING,
    ROUNDED_USER_ID_DETAIL,
    TIMESTAMP_NOT_A_DATE_TIME,
    TIMESTAMP_READ_ALL_THE_SAME,
    UNSAFE_NUMBER_DETAIL,
    UNSAFE_NUMBER_ROUNDED_DETAIL,
    UNSUPPORTED_TYPES,
    copy_fault_detail,
    falsy_detail,
    json_path,
    no_user_detail,
    place_path,
    unknown_type_detail,
)
from hotjar_cli.core.model import Decision, Finding, HotjarCall, Outcome
from hotjar_cli.core.rules import (
    ATTRIBUTE_LIMIT_EXCEEDED,
    ATTRIBUTE_NAME_TOO_LONG,
    ATTRIBUTE_VALUE_TOO_LONG,
    DISABLED_FOR_HOTJAR,
    EMAIL_AS_USER_ID,
    EVENT_LIMIT_EXCEEDED,
    EVENT_NAME_HIGH_CARDINALITY,
    EVENT_NAME_INVALID_CHARACTERS,
    EVENT_NAME_TOO_LONG,
    EVENT_PROPERTIES_DROPPED,
    INVALID_TRAITS,
    LIST_TRAIT,
    MISSING_EVENT_NAME,
    MISSING_USER_ID,
    NESTED_TRAIT,
    NON_STRING_USER_ID,
    NOT_FROM_A_BROWSER,
    PROTO_TRAIT,
    RESERVED_TRAIT_ID,
    RULES,
    SPEC_VIOLATION,
    UNCOPYABLE_MESSAGE,
    UNKNOWN_TYPE,
    UNSAFE_NUMBER,
    UNSUPPORTED_TYPE,
    Effect,
)
from hotjar_cli.core.visible import quoted, quoted_characters

_OUTCOME_OF_EFFECT = {
    Effect.INVALID: Outcome.INVALID,
    Effect.IGNORED: Outcome.IGNORED,
    Effect.REJECTED: Outcome.REJECTED,
    Effect.DROPPED: Outcome.MODIFIED,
    Effect.COERCED: Outcome.MODIFIED,
    Effect.NOTED: Outcome.ACCEPTED,
}
_STRONGEST_FIRST = [Outcome.INVALID, Outcome.IGNORED, Outcome.REJECTED, Outcome.MODIFIED, Outcome.ACCEPTED]


class ReferenceMapper:
    """Decides each message from scratch; the only state is the site's names, kept as plain ordered lists."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.attributes: list[str] = []
        self.events: list[str] = []

    def decide(self, parsed: Parsed) -> Decision:
        """The decision for one parsed line or batch item."""
        if isinstance(parsed, Unreadable):
            return decision([Finding(parsed.code, "$", parsed.detail)], None)
        message = parsed
        if not isinstance(message.type, str) or message.type not in MESSAGE_TYPES:
            return decision([Finding(UNKNOWN_TYPE.code, "$.type", unknown_type_detail(message.type))], None)
        findings = spec_findings(message)
        outside = outside_a_browser(message)
        if outside is not None:
            return decision([*findings, outside], None)
        disabled = disabled_by(message.integrations)
        if disabled is not None:
            return decision([*findings, Finding(DISABLED_FOR_HOTJAR.code, disabled, "")], None)
        if message.type in UNSUPPORTED_TYPES:
            return decision(
                [*findings, Finding(UNSUPPORTED_TYPE.code, "$.type", f"{message.type} calls are not sent to Hotjar")],
                None,
            )
        if message.type == "identify":
            return self.identify(message, findings)
        return self.track(message, findings)

    def identify(self, message: SegmentMessage, findings: list[Finding]) -> Decision:
        """uncopyable-message, missing-user-id, invalid-traits, email-as-user-id or non-string-user-id, then each
        trait's first broken rule, then the site's attribute limit."""
        if message.copy_fault is not None:
            return uncopyable(message, findings)
        if not is_truthy(message.userId):
            return decision(
                [*findings, Finding(MISSING_USER_ID.code, "$.userId", falsy_detail("userId", message.userId))], None
            )
        if is_truthy(message.traits) and not isinstance(message.traits, dict):
            return decision(
                [*findings, Finding(INVALID_TRAITS.code, "$.traits", f"traits is {json_type(message.traits)}")], None
            )
        user_id = message.userId
        if isinstance(user_id, str):
            if EMAIL_PATTERN.search(user_id):
                findings.append(
                    Finding(EMAIL_AS_USER_ID.code, "$.userId", "the userId has the shape of an email address")
                )
        else:
            as_text = js_string(user_id)
            exact = not (isinstance(user_id, int) and not isinstance(user_id, bool)) or as_text == str(user_id)
            reason = (
                f"userId is {json_type(user_id)}; Hotjar receives its JavaScript string form"
                if exact
                else ROUNDED_USER_ID_DETAIL
            )
            findings.append(Finding(NON_STRING_USER_ID.code, "$.userId", reason))
            user_id = as_text
        attributes: dict[str, Any] = {}
        traits = message.traits or {}
        kept = keys_kept(traits)  # the traits Segment's facade hands the integration
        for name, value in traits.items():
            problem = self.trait_problem(name, value, kept)
            if problem is None and not self.admit(self.attributes, name, self.limits.max_attributes):
                problem = Finding(
                    ATTRIBUTE_LIMIT_EXCEEDED.code,
                    json_path("$.traits", name),
                    site_full_detail(self.limits.max_attributes),
                )
            if problem is None:
                attributes[name] = value
            else:
                findings.append(problem)
        return decision(findings, HotjarCall("identify", user_id, attributes))

    def trait_problem(self, name: str, value: Any, kept: list[str]) -> Finding | None:
        """The first rule that one trait breaks: proto-trait for a trait the facade's copy (`kept`) leaves out, then
        each in catalogue order."""
        path = json_path("$.traits", name)
        if name not in kept:
            assert name == "__proto__", name  # the only key a copy loses
            return Finding(PROTO_TRAIT.code, path, PROTO_TRAIT_FINDING.detail)
        if name == "id":
            return Finding(
                RESERVED_TRAIT_ID.code, "$.traits.id", "Segment deletes the trait `id` before calling Hotjar"
            )
        if isinstance(value, dict):
            return Finding(NESTED_TRAIT.code, path, f"an object with {len(value)} key{'' if len(value) == 1 else 's'}")
        if isinstance(value, list):
            return Finding(LIST_TRAIT.code, path, f"a list of {len(value)} item{'' if len(value) == 1 else 's'}")
        if utf16_length(name) > self.limits.max_attribute_name_length:
            return Finding(
                ATTRIBUTE_NAME_TOO_LONG.code,
                path,
                f"the name is {utf16_length(name):,} characters long; the limit is "
                f"{self.limits.max_attribute_name_length:,}",
            )
        if isinstance(value, str) and utf16_length(value) > self.limits.max_attribute_value_length:
            return Finding(
                ATTRIBUTE_VALUE_TOO_LONG.code,
                path,
                f"the value is {utf16_length(value):,} characters long; the limit is "
                f"{self.limits.max_attribute_value_length:,}",
            )
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
            # An integer past every double, or between two of them, reaches the browser as another number.
            exact = isinstance(value, float) or (abs(value) < 2**1024 and int(float(value)) == value)
            return Finding(UNSAFE_NUMBER.code, path, UNSAFE_NUMBER_DETAIL if exact else UNSAFE_NUMBER_ROUNDED_DETAIL)
        return None

    def track(self, message: SegmentMessage, findings: list[Finding]) -> Decision:
        """uncopyable-message, missing-event-name, the name's own rules, the site's event limit, then
        event-properties-dropped."""
        if message.copy_fault is not None:
            return uncopyable(message, findings)
        name = message.event
        if not is_truthy(name):
            return decision([*findings, Finding(MISSING_EVENT_NAME.code, "$.event", falsy_detail("event", name))], None)
        if not isinstance(name, str):
            return decision(
                [
                    *findings,
                    Finding(
                        EVENT_NAME_INVALID_CHARACTERS.code,
                        "$.event",
                        f"the event name is {json_type(name)}, not a string",
                    ),
                ],
                None,
            )
        name_problem = self.event_name_problem(name)
        if name_problem is not None:
            findings.append(name_problem)
            if RULES[name_problem.code].effect is Effect.REJECTED:
                return decision(findings, None)
        if not self.admit(self.events, name, self.limits.max_events):
            return decision(
                [
                    *findings,
                    Finding(
                        EVENT_LIMIT_EXCEEDED.code,
                        "$.event",
                        site_full_detail(self.limits.max_events),
                    ),
                ],
                None,
            )
        properties = bytes(message.properties)
        # The standard library reads every number JSON allows (orjson refuses integers past 64 bits).
        value = json.loads(properties) if properties else None
        if isinstance(value, dict) and value:
            findings.append(Finding(EVENT_PROPERTIES_DROPPED.code, "$.properties"))
        elif value is not None and not isinstance(value, dict):
            findings.append(
                Finding(
                    EVENT_PROPERTIES_DROPPED.code,
                    "$.properties",
                    "properties is not an object; Hotjar keeps only the event name",
                )
            )
        return decision(findings, HotjarCall("event", event=name))

    def event_name_problem(self, name: str) -> Finding | None:
        """event-name-too-long, event-name-invalid-characters or event-name-high-cardinality, the first that applies."""
        if utf16_length(name) > self.limits.max_event_name_length:
            return Finding(
                EVENT_NAME_TOO_LONG.code,
                "$.event",
                f"the name is {utf16_length(name):,} characters long; the limit is "
                f"{self.limits.max_event_name_length:,}",
            )
        bad = []
        for character in name:
            if self.limits.disallowed_characters(character) and character not in bad:
                bad.append(character)
        if bad:
            return Finding(EVENT_NAME_INVALID_CHARACTERS.code, "$.event", f"not allowed: {quoted_characters(bad)}")
        for what, search in HIGH_CARDINALITY_PATTERNS:
            if search(name):
                return Finding(EVENT_NAME_HIGH_CARDINALITY.code, "$.event", f"the name contains {what}")
        return None

    @staticmethod
    def admit(names: list[str], name: str, limit: int) -> bool:
        """Whether the site keeps `name`: it holds it already, or it still has room (and now holds it)."""
        if name in names:
            return True
        if len(names) >= limit:
            return False
        names.append(name)
        return True


def uncopyable(message: SegmentMessage, findings: list[Finding]) -> Decision:
    """uncopyable-message: Segment's facade throws copying the message, where the decoder found it."""
    fault = message.copy_fault
    return decision([*findings, Finding(UNCOPYABLE_MESSAGE.code, place_path(fault), copy_fault_detail(fault))], None)


def read_time(text: str) -> str | None:
    """The event's time read from a text, as `2024-03-10T12:00:00.123Z` (its milliseconds always): as
    `fromisoformat` reads it, or with the spaces around it and any `z` as `Z`, no NUL in it, and within the years 1 to
    9999 in UTC (a time without a zone is UTC). None when none is read."""
    for candidate in (text, text.strip().replace("z", "Z")):
        if "\x00" in candidate:
            return None
        try:
            moment = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        try:
            moment = (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).astimezone(UTC)
        except OverflowError:  # past the years a date holds, in UTC
            return None
        milliseconds = moment.microsecond // 1000
        day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"  # `%Y` writes the year 1 as `1` on Linux
        time = f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
        return f"{day}T{time}.{milliseconds:03d}Z"
    return None


def date_time(text: str) -> bool:
    """An ISO-8601 date and time as `schemas/common.json` has one: a date, `T`, `t` or a space, then a time, then
    any zone (`Z` or `z`)."""
    if len(text) < 16 or text[10] not in "Tt " or "\x00" in text:  # at a NUL, `fromisoformat` stops reading
        return False
    try:
        datetime.fromisoformat(text.removesuffix("z") + "Z" if text.endswith("z") else text)
    except ValueError:
        return False
    return True


def spec_findings(message: SegmentMessage) -> list[Finding]:
    """spec-violation: where the message breaks Segment's spec in a way the rules read."""
    findings = []
    if not is_truthy(message.userId) and not is_truthy(message.anonymousId):
        findings.append(Finding(SPEC_VIOLATION.code, "$", no_user_detail(message.userId, message.anonymousId)))
    message_id = message.messageId
    if message_id is not None:
        if not isinstance(message_id, str):
            findings.append(
                Finding(
                    SPEC_VIOLATION.code,
                    "$.messageId",
                    f"messageId is {json_type(message_id)}; at most 100 characters allowed",
                )
            )
        elif utf16_length(message_id) > 100:
            findings.append(
                Finding(
                    SPEC_VIOLATION.code,
                    "$.messageId",
                    f"messageId is {utf16_length(message_id):,} characters long; at most 100 characters allowed",
                )
            )
    if message.timestamp is not None and not isinstance(message.timestamp, str):
        findings.append(
            Finding(SPEC_VIOLATION.code, "$.timestamp", f"timestamp is {json_type(message.timestamp)}, not a string")
        )
    elif isinstance(message.timestamp, str) and not date_time(message.timestamp):
        read = read_time(message.timestamp)
        detail = TIMESTAMP_NOT_A_DATE_TIME if read is None else TIMESTAMP_READ_ALL_THE_SAME + read
        findings.append(Finding(SPEC_VIOLATION.code, "$.timestamp", detail))
    return findings


def outside_a_browser(message: SegmentMessage) -> Finding | None:
    """not-from-a-browser: a `channel` of server or mobile, else a server or mobile library's name in `context`."""
    if message.channel in ("server", "mobile"):
        return Finding(NOT_FROM_A_BROWSER.code, "$.channel", f"channel is {quoted(message.channel)}")
    library = message.context.library if isinstance(message.context, Context) else None
    if isinstance(library, Library):
        name, path = library.name, "$.context.library.name"
    else:
        name, path = library, "$.context.library"
    if isinstance(name, str) and name in NON_BROWSER_LIBRARIES:
        return Finding(
            NOT_FROM_A_BROWSER.code, path, f"sent by {name}, a Segment {NON_BROWSER_LIBRARIES[name]} library"
        )
    return None


def disabled_by(integrations: Any) -> str | None:
    """The path of the `integrations` setting that keeps the message from Hotjar, if one does."""
    if not isinstance(integrations, dict):
        return None
    if "Hotjar" in integrations:
        return "$.integrations.Hotjar" if integrations["Hotjar"] is False else None
    # obj-case finds `all` as the first key whose ASCII letters and digits (and dots) spell it, in any case.
    for key, value in integrations.items():
        if "".join(c for c in key if c.isascii() and (c.isalnum() or c == ".")).lower() == "all":
            if value is not False:
                return None
            return "$.integrations.All" if key == "All" else json_path("$.integrations", key)
    return None


def decision(findings: list[Finding], call: HotjarCall | None) -> Decision:
    """The strongest outcome the findings lead to; a call only while the message is at most modified."""
    outcomes = [_OUTCOME_OF_EFFECT[RULES[finding.code].effect] for finding in findings] or [Outcome.ACCEPTED]
    outcome = min(outcomes, key=_STRONGEST_FIRST.index)
    if outcome not in (Outcome.ACCEPTED, Outcome.MODIFIED):
        call = None
    return Decision(outcome, call, tuple(findings))
