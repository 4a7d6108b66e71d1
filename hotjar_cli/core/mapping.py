"""The mapping core: for one Segment message, the Hotjar call Segment's integration makes and what Hotjar keeps.

Pure: no I/O, no terminal, no clock. The only state is the `Site`, folded over messages in input order.
"""

from __future__ import annotations

import ipaddress
import re
import struct
from collections.abc import Callable
from typing import Any, Final, TypeVar

from hotjar_cli.core import rules
from hotjar_cli.core.decode import (
    ANONYMOUS_ID,
    CHANNEL,
    CONTEXT,
    COPY_FAULT,
    EVENT,
    INTEGRATIONS,
    MESSAGE_ID,
    PROPERTIES,
    TIMESTAMP,
    TRAITS,
    TYPE,
    USER_ID,
    Context,
    Library,
    Parsed,
    SegmentMessage,
    Unreadable,
    json_type,
    library_version,
    message_fields,
    properties_keys_of,
)
from hotjar_cli.core.eventtime import is_date_time, read_time_text
from hotjar_cli.core.facade import Place, left_as_is, turning_into_a_date
from hotjar_cli.core.jsvalues import is_truthy, js_string, utf16_length
from hotjar_cli.core.limits import MAX_SAFE_INTEGER, Limits, site_full_detail
from hotjar_cli.core.model import Decision, Finding, HotjarCall, Outcome
from hotjar_cli.core.rules import RULES, Effect
from hotjar_cli.core.site import Site
from hotjar_cli.core.visible import quoted, quoted_characters

# Findings carry their rule's code, read here once: per message, a module-level name costs less than an
# attribute of the rule. Module-level names are `Final`: compiled, such a name is read from a C variable, where any
# other is looked up in the module's dictionary each time (about 130 instructions).
_UNKNOWN_TYPE_CODE: Final = rules.UNKNOWN_TYPE.code
_SPEC_VIOLATION_CODE: Final = rules.SPEC_VIOLATION.code
_UNSUPPORTED_TYPE_CODE: Final = rules.UNSUPPORTED_TYPE.code
_DISABLED_FOR_HOTJAR_CODE: Final = rules.DISABLED_FOR_HOTJAR.code
_NOT_FROM_A_BROWSER_CODE: Final = rules.NOT_FROM_A_BROWSER.code
_MISSING_USER_ID_CODE: Final = rules.MISSING_USER_ID.code
_MISSING_EVENT_NAME_CODE: Final = rules.MISSING_EVENT_NAME.code
_RESERVED_TRAIT_ID_CODE: Final = rules.RESERVED_TRAIT_ID.code
_NON_STRING_USER_ID_CODE: Final = rules.NON_STRING_USER_ID.code
_INVALID_TRAITS_CODE: Final = rules.INVALID_TRAITS.code
_EMAIL_AS_USER_ID_CODE: Final = rules.EMAIL_AS_USER_ID.code
_UNCOPYABLE_MESSAGE_CODE: Final = rules.UNCOPYABLE_MESSAGE.code
_NESTED_TRAIT_CODE: Final = rules.NESTED_TRAIT.code
_LIST_TRAIT_CODE: Final = rules.LIST_TRAIT.code
_ATTRIBUTE_NAME_TOO_LONG_CODE: Final = rules.ATTRIBUTE_NAME_TOO_LONG.code
_ATTRIBUTE_VALUE_TOO_LONG_CODE: Final = rules.ATTRIBUTE_VALUE_TOO_LONG.code
_UNSAFE_NUMBER_CODE: Final = rules.UNSAFE_NUMBER.code
_ATTRIBUTE_LIMIT_EXCEEDED_CODE: Final = rules.ATTRIBUTE_LIMIT_EXCEEDED.code
_PROTO_TRAIT_CODE: Final = rules.PROTO_TRAIT.code
_EVENT_PROPERTIES_DROPPED_CODE: Final = rules.EVENT_PROPERTIES_DROPPED.code
_EVENT_NAME_TOO_LONG_CODE: Final = rules.EVENT_NAME_TOO_LONG.code
_EVENT_NAME_INVALID_CHARACTERS_CODE: Final = rules.EVENT_NAME_INVALID_CHARACTERS.code
_EVENT_LIMIT_EXCEEDED_CODE: Final = rules.EVENT_LIMIT_EXCEEDED.code
_EVENT_NAME_HIGH_CARDINALITY_CODE: Final = rules.EVENT_NAME_HIGH_CARDINALITY.code

MESSAGE_TYPES: Final = frozenset({"identify", "track", "page", "screen", "group", "alias"})
UNSUPPORTED_TYPES: Final = frozenset({"page", "screen", "group", "alias"})
_COPIED_TYPES: Final = frozenset({"identify", "track"})
"""The types Segment's Hotjar integration handles, whose facade's copy may throw (uncopyable-message)."""

EMAIL_PATTERN: Final = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
"""An email address, as email-as-user-id and event-name-high-cardinality look for one."""
_IPV6_RUN: Final = re.compile(r"(?i)(?<![0-9a-z:.])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![0-9a-z:])")
"""A run of hex digits and two to seven colons, standing apart from the words around it: what an IPv6 address looks
like (`2001:db8::1`), where `Module::Action` is no such run."""


def has_ipv6_address(name: str) -> bool:
    """Whether a text holds an IPv6 address: a run that looks like one (`_IPV6_RUN`) and is one (`ipaddress`), which
    a time of day (`12:30:45`) is not."""
    for run in _IPV6_RUN.finditer(name):
        try:
            ipaddress.IPv6Address(run.group())
        except ValueError:
            continue
        return True
    return False


UUID_FORM: Final = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
"""A UUID's characters, in either case: the pattern below, and the inventory's event-name families."""
UUID_PATTERN: Final = re.compile(rf"(?<![0-9A-Za-z]){UUID_FORM}(?![0-9A-Za-z])")
"""A UUID in either case (`550e8400-e29b-41d4-a716-446655440000`) that no other letter or digit touches, as
event-name-high-cardinality looks for one: `doc_550e8400-…` holds one, `v550e8400-…` does not."""
HEX_ID_PATTERN: Final = re.compile(
    r"(?<![0-9A-Za-z])(?=[a-fA-F]*[0-9])(?=[0-9]*[a-fA-F])[0-9A-Fa-f]{8,}(?![0-9A-Za-z])"
)
"""A hex id (an object id, a hash: `5f2b9c1e7a`), as event-name-high-cardinality looks for one: a run of 8 or more
hex digits that no other letter or digit touches, with a digit and a letter in it. `deadbeef` is a word, and digits
alone are a number."""


HIGH_CARDINALITY_PATTERNS: Final[tuple[tuple[str, Callable[[str], object]], ...]] = (
    # A match needs: "@"; "."; ":"; "." or ":"; "-"; any name; any name; ":"; any name (see `_event_name_findings`).
    ("an email address", EMAIL_PATTERN.search),
    ("an IP address", re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])").search),
    ("an IP address", has_ipv6_address),
    ("a URL", re.compile(r"(?i)\b(?:https?://|www\.)").search),
    # Before the number: a UUID's or a hex id's digits can make 9 in a row, and are the id's, not a number.
    ("a UUID", UUID_PATTERN.search),
    ("a hex id", HEX_ID_PATTERN.search),
    ("a number of 9 or more digits", re.compile(r"\d{9,}").search),
    ("a timestamp", re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}").search),
    # A day a year from 1800 to 2999, as ISO 8601 writes it, extended or basic: `Report 2024-03-10`, `Daily
    # 20240310`, `Backup 20240310T120000Z`; a name a day is ten thousand names in 27 years.
    (
        "a date",
        re.compile(
            r"(?<!\d)(?:1[89]|2\d)\d\d(?:-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
            r"(?!\d)"
        ).search,
    ),
)
"""What in an event name makes event-name-high-cardinality note it, each with its words, as a function that finds
it."""
_IDENTIFIER: Final = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_OUTCOME_OF_EFFECT: Final = {
    Effect.INVALID: Outcome.INVALID,
    Effect.IGNORED: Outcome.IGNORED,
    Effect.REJECTED: Outcome.REJECTED,
    Effect.DROPPED: Outcome.MODIFIED,
    Effect.COERCED: Outcome.MODIFIED,
    Effect.NOTED: Outcome.ACCEPTED,
}
_OUTCOME_ORDER: Final = (Outcome.INVALID, Outcome.IGNORED, Outcome.REJECTED, Outcome.MODIFIED, Outcome.ACCEPTED)
_ACCEPTED: Final = Decision(Outcome.ACCEPTED, None)
_BARE_IDENTIFY: Final = Decision(Outcome.ACCEPTED, HotjarCall("identify"))
_STRENGTH_OF_CODE: Final = {
    code: len(_OUTCOME_ORDER) - 1 - _OUTCOME_ORDER.index(_OUTCOME_OF_EFFECT[rule.effect])
    for code, rule in RULES.items()
}
_MODIFIED_STRENGTH: Final = len(_OUTCOME_ORDER) - 1 - _OUTCOME_ORDER.index(Outcome.MODIFIED)


NAME_LENGTH_REMEMBERED: Final = 500
"""Characters of the longest name (past the run's own limit on event names) whose checks are remembered: a name
longer than that is rejected or dropped for its length and is judged afresh at each message, so that memories of
`NAMES_REMEMBERED` names hold at most a few MB of them. A log of a thousand event names of 200,000 characters held
200 MB of them."""


def json_path(parent: str, key: str) -> str:
    """`$.traits.plan`, or `$.traits["first name"]` where the key is not an identifier."""
    if parent == "$.traits":
        path = _TRAIT_PATHS.get(key)
        if path is None:
            path = _json_path(parent, key)
            if len(_TRAIT_PATHS) < 10_000 and len(key) <= NAME_LENGTH_REMEMBERED:
                _TRAIT_PATHS[key] = path
        return path
    return _json_path(parent, key)


_TRAIT_PATHS: Final[dict[str, str]] = {}
"""Trait names repeat across messages; their paths are worked out once."""


def _json_path(parent: str, key: str) -> str:
    if _IDENTIFIER.match(key):
        return f"{parent}.{key}"
    return f"{parent}[{_quote(key)}]"


def place_path(place: Place) -> str:
    """The JSON path of a place in a message (its keys and list indices): `$.traits.roles[1].hasOwnProperty`."""
    path = "$"
    for step in place:
        path = f"{path}[{step}]" if isinstance(step, int) else _json_path(path, step)
    return path


def _quote(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


_ESCAPED: Final = re.compile(r"\\(.)", re.DOTALL)


def trait_name_of(path: str) -> str | None:
    """The trait whose path `path` is (`json_path("$.traits", name)`), or None when it is no trait's."""
    if path.startswith("$.traits."):
        name = path[9:]
    elif path.startswith('$.traits["') and path.endswith('"]') and len(path) >= 12:
        name = _ESCAPED.sub(r"\1", path[10:-2])
    else:
        return None
    return name if json_path("$.traits", name) == path else None


def user_key(message: SegmentMessage) -> str | None:
    """The Segment user a message belongs to: its userId as Hotjar sees it, else its anonymousId."""
    return user_key_of(message.userId, message.anonymousId)


def user_key_of(user_id: Any, anonymous_id: Any) -> str | None:
    """`user_key`, given a message's `userId` and `anonymousId`."""
    if is_truthy(user_id):
        return js_string(user_id)
    if is_truthy(anonymous_id):
        return js_string(anonymous_id)
    return None


NAMES_REMEMBERED: Final = 20_000
"""Names whose checks a mapper remembers per memory (event names judged, names a full site turned away): past this,
a name is judged afresh at each message. Names usually repeat, and a few thousand cover a site's; logs where every
message brings a new name fill the memories with names never met again, and 100,000 a memory held about 60 MB."""


class Mapper:
    """Decides, message by message, what Hotjar receives. Holds the limits and the site being folded."""

    __slots__ = (
        "_admitted_events",
        "_attribute_limit",
        "_bare_identify",
        "_by_type",
        "_event_limit",
        "_event_names",
        "_longest_remembered",
        "_nested_traits",
        "_ready_attributes",
        "_refused_attributes",
        "_refused_events",
        "_short_value",
        "_track_decisions",
        "limits",
        "site",
    )

    def __init__(self, limits: Limits, site: Site | None = None, call_arguments: bool = True) -> None:
        """Without `call_arguments`, an identify that breaks no rule gets one shared decision, whose call has its
        kind but not its user or attributes: for a pass that only counts, where a call's arguments are read only
        in the examples of findings."""
        self.limits = limits
        self.site = site if site is not None else Site(limits.max_attributes, limits.max_events)
        # Event names repeat a great deal; their checks (all but the site limit) are pure, so remember them,
        # with the call a name makes (None when the name itself is rejected). Pure, so shared by every mapper
        # with the same limits: a process that folds many parts of an input learns each name once.
        # A track under an admitted name that breaks no spec rule has one of three decisions (properties absent
        # or empty, dropped, not an object), which depend only on the name: made once and shared, since decisions
        # are immutable, by every mapper with the same limits (`_track_decisions`). A name the site has admitted
        # stays admitted: `_admitted_events` holds those decisions for the names this site admitted.
        self._event_names, self._nested_traits, self._track_decisions = _pure_caches(limits)
        self._admitted_events: dict[str, tuple[Decision, Decision, Decision]] = {}
        # A name a full site turned away stays turned away: a track under it with no spec finding has one
        # decision, made once.
        self._refused_events: dict[str, Decision] = {}
        self._event_limit = Finding(_EVENT_LIMIT_EXCEEDED_CODE, "$.event", site_full_detail(limits.max_events))
        self._longest_remembered = max(NAME_LENGTH_REMEMBERED, limits.max_event_name_length)
        """The longest event name whose checks are remembered (see `NAME_LENGTH_REMEMBERED`)."""
        self._attribute_limit = site_full_detail(limits.max_attributes)
        """The message of every attribute-limit-exceeded finding: one text, not one a name turned away."""
        # Trait names the site has stored and that break no rule of their own: only their values need checking.
        self._ready_attributes: dict[str, None] = {}
        # Trait names that break no rule of their own but that a full site turned away, with their finding.
        self._refused_attributes: dict[str, Finding] = {}
        # A string of at most half a limit is within it however JavaScript counts it (at most 2 units a character).
        self._short_value = limits.max_attribute_value_length // 2
        self._bare_identify = None if call_arguments else _BARE_IDENTIFY
        self._by_type = {
            "identify": self._identify,
            "track": self._track,
            **dict.fromkeys(UNSUPPORTED_TYPES, self._unsupported),
        }

    @property
    def call_arguments(self) -> bool:
        """Whether every call carries its arguments (see `__init__`)."""
        return self._bare_identify is None

    def carried_to(self, site: Site) -> Mapper:
        """A mapper with the same limits over `site`, a site seeded for another part of the input, keeping what this
        one learned about the names `site` holds too: a process that folds many parts of an input in turn, each
        over the names the site held before it, then admits each name once, not again in every part."""
        carried = Mapper(self.limits, site, call_arguments=self.call_arguments)
        old = self.site
        carried._admitted_events, same_events = _kept(self._admitted_events, old.events, site.events)
        carried._ready_attributes, same_attributes = _kept(self._ready_attributes, old.attributes, site.attributes)
        # A full site never changes: one that holds the same names turns away the same ones.
        if old.events_full and site.events_full and same_events:
            carried._refused_events = self._refused_events
        if old.attributes_full and site.attributes_full and same_attributes:
            carried._refused_attributes = self._refused_attributes
        return carried

    def remembered(self) -> dict[str, int]:
        """How many names each memory of this mapper holds (see `NAMES_REMEMBERED`)."""
        return {
            "event names judged": len(self._event_names),
            "event names turned away": len(self._refused_events),
            "attribute names stored": len(self._ready_attributes),
            "attribute names turned away": len(self._refused_attributes),
        }

    def decide(self, parsed: Parsed) -> Decision:
        """The decision for one parsed line or batch item."""
        if type(parsed) is Unreadable:
            return _decision((Finding(parsed.code, "$", parsed.detail),), None)
        return self.decide_message(parsed)  # type: ignore[arg-type]  # a message: the type test above narrows it

    def decide_message(self, message: SegmentMessage) -> Decision:
        """The decision for one message (`decide` without the test for a line that holds none)."""
        return self.decide_fields(message, message_fields(message))

    def decide_fields(self, message: SegmentMessage, fields: tuple[Any, ...]) -> Decision:
        """`decide_message`, given the message's fields as `message_fields` makes them, by a caller that reads some
        of them too (the counting loop, for the time series): compiled, an item of the tuple costs a few
        instructions, a field of the message about 300."""
        # Types are tested with `type(value)`, not `value.__class__`: compiled, the first reads a pointer and the
        # second is a generic attribute lookup, about 170 instructions; interpreted, the first costs about 60 more.
        kind = fields[TYPE]
        user_id = fields[USER_ID]
        message_id = fields[MESSAGE_ID]
        timestamp = fields[TIMESTAMP]
        outside = _outside_a_browser(fields[CHANNEL], fields[CONTEXT])
        # Tests in `if` statements, not in an expression: the interpreter then compares the numbers more cheaply.
        if outside is None and (
            ((type(user_id) is str and user_id) or (type(anonymous_id := fields[ANONYMOUS_ID]) is str and anonymous_id))
            and (message_id is None or (type(message_id) is str and len(message_id) <= 50))
            and (timestamp is None or (type(timestamp) is str and is_date_time(timestamp)))
            and fields[COPY_FAULT] is None
        ):
            if not fields[INTEGRATIONS]:
                # Nearly every message: nothing to find before its type's own rules.
                if kind == "track":
                    name = fields[EVENT]
                    shared = self._admitted_events.get(name) if type(name) is str else None
                    if shared is None and type(name) is str:
                        shared = self._seeded(name)
                    if shared is not None:
                        try:
                            if _opening(fields[PROPERTIES])[0] == _OBJECT_WITH_A_KEY:
                                return shared[1]  # nearly every track: `_shared_track`, inline
                        except struct.error:
                            pass  # properties is absent, or one character long
                    return self._track(message, [])
                if kind == "identify":
                    return self._identified([], user_id, fields[TRAITS])
            spec: list[Finding] = []  # Segment's spec is kept: `_spec_findings` would find nothing
        else:
            spec = _spec_findings(message)
        decide_type = self._by_type.get(kind) if type(kind) is str else None
        if decide_type is None:
            return _decision((Finding(_UNKNOWN_TYPE_CODE, "$.type", unknown_type_detail(kind)),), None)
        if outside is not None:
            return _decision((*spec, outside), None) if spec else _IGNORED_OUTSIDE[outside]
        disabled = _disabled_for_hotjar(message) if message.integrations else ""
        if disabled:
            setting = _DISABLED.get(disabled) or Finding(_DISABLED_FOR_HOTJAR_CODE, disabled, "")
            return _decision((*spec, setting), None) if spec or disabled not in _IGNORED_BY else _IGNORED_BY[disabled]
        fault = fields[COPY_FAULT]
        if fault is not None and kind in _COPIED_TYPES:
            return _uncopyable(fault, spec)  # before the integration's own rules: it never runs
        return decide_type(message, spec)

    def _unsupported(self, message: SegmentMessage, findings: list[Finding]) -> Decision:
        kind = message.type
        return _decision((*findings, _UNSUPPORTED[kind]), None) if findings else _IGNORED_BY[kind]

    def _identify(self, message: SegmentMessage, findings: list[Finding]) -> Decision:
        return self._identified(findings, message.userId, message.traits)

    def _identified(self, findings: list[Finding], user_id: Any, traits: Any) -> Decision:
        """An identify's decision, from its `userId` and `traits`, after the `findings` of Segment's spec."""
        if not (type(user_id) is str and user_id) and not is_truthy(user_id):
            findings.append(Finding(_MISSING_USER_ID_CODE, "$.userId", falsy_detail("userId", user_id)))
            return _decision(findings, None)
        # Falsy traits (`""`, `0`, `false`) read as none: the facade's `traits()` is `this.field('traits') || {}`.
        if traits is not None and type(traits) is not dict and is_truthy(traits):
            findings.append(Finding(_INVALID_TRAITS_CODE, "$.traits", f"traits is {json_type(traits)}"))
            return _decision(findings, None)
        if type(user_id) is str:
            if "@" in user_id and EMAIL_PATTERN.search(user_id):
                findings.append(
                    Finding(_EMAIL_AS_USER_ID_CODE, "$.userId", "the userId has the shape of an email address")
                )
        else:
            as_text = js_string(user_id)
            findings.append(Finding(_NON_STRING_USER_ID_CODE, "$.userId", _non_string_user_id(user_id, as_text)))
            user_id = as_text
        if not traits:
            if not findings and self._bare_identify is not None:
                return self._bare_identify
            return _decision(findings, HotjarCall("identify", user_id, {}))
        # Every trait, less those a rule drops: copying them at once is cheaper than adding them one by one.
        attributes: dict[str, Any] = dict(traits)
        limits = self.limits
        ready, refused = self._ready_attributes, self._refused_attributes
        nested, short_value = self._nested_traits, self._short_value
        # Neither memory holds `__proto__`: a trait Segment's facade keeps only in traits it hands on uncopied.
        for name, value in traits.items():
            kind = type(value)
            if (
                (kind is str and len(value) <= short_value)
                or value is None
                or kind is bool
                or ((kind is int or kind is float) and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
            ):
                # A plain value under every limit: a name already judged needs nothing more.
                if name in ready:
                    continue  # the common case: a stored name
                refusal = refused.get(name)
                if refusal is not None:
                    del attributes[name]
                    findings.append(refusal)
                    continue
            problem: Finding | None
            if name == "__proto__" and not left_as_is(traits):
                problem = PROTO_TRAIT_FINDING
            elif kind is dict or kind is list:
                # Objects and lists under one name are usually of one size: their findings are made once.
                shape = (name, kind, len(value))
                problem = nested.get(shape)
                if problem is None:
                    problem = _trait_problem(name, value, limits)
                    if len(nested) < 10_000 and len(name) <= NAME_LENGTH_REMEMBERED:
                        nested[shape] = problem
            else:
                problem = _trait_problem(name, value, limits)
            if problem is None and (name in self.site.attributes or self.site.admit_attribute(name)):
                if len(ready) < NAMES_REMEMBERED and name != "__proto__":
                    ready[name] = None
                continue
            del attributes[name]
            if problem is None:
                problem = Finding(_ATTRIBUTE_LIMIT_EXCEEDED_CODE, json_path("$.traits", name), self._attribute_limit)
                if len(refused) < NAMES_REMEMBERED and name != "__proto__":
                    refused[name] = problem
            findings.append(problem)
        if not findings and self._bare_identify is not None:
            return self._bare_identify  # nearly every identify of a pass that only counts
        return _decision(findings, HotjarCall("identify", user_id, attributes))

    def _track(self, message: SegmentMessage, findings: list[Finding]) -> Decision:
        name = message.event
        if type(name) is not str or not name:
            if not is_truthy(name):
                findings.append(Finding(_MISSING_EVENT_NAME_CODE, "$.event", falsy_detail("event", name)))
            else:
                findings.append(
                    Finding(
                        _EVENT_NAME_INVALID_CHARACTERS_CODE,
                        "$.event",
                        f"the event name is {json_type(name)}, not a string",
                    )
                )
            return _decision(findings, None)
        if not findings:
            shared = self._admitted_events.get(name)
            if shared is not None:
                return _shared_track(shared, message)
            refusal = self._refused_events.get(name)
            if refusal is not None:
                return refusal
        spec_found = bool(findings)
        known = self._event_names.get(name)
        if known is None:
            known = self._learn_event_name(name)
        name_findings, call = known
        if name_findings:
            findings.extend(name_findings)
        if call is None:
            return _decision(findings, None)
        if name not in self.site.events and not self.site.admit_event(name):
            # Rejected whole, like a name Hotjar refuses: its properties are not a loss of their own.
            findings.append(self._event_limit)
            decision = _decision(findings, None)
            if not spec_found and len(self._refused_events) < NAMES_REMEMBERED:
                self._refused_events[name] = decision
            return decision
        if not spec_found and len(self._admitted_events) < 100_000:
            shared = self._track_decisions.get(name)
            if shared is None:
                shared = (
                    _decision(name_findings, call),
                    _decision((*name_findings, PROPERTIES_DROPPED), call),
                    _decision((*name_findings, _PROPERTIES_NOT_AN_OBJECT), call),
                )
                if len(self._track_decisions) < 100_000:
                    self._track_decisions[name] = shared
            self._admitted_events[name] = shared
            # The name's first track shares its decision too: counting it then holds one decision, not two.
            return _shared_track(shared, message)
        dropped = _dropped_properties(message)
        if dropped is not None:
            findings.append(dropped)
        return _decision(findings, call)

    def _seeded(self, name: str) -> tuple[Decision, Decision, Decision] | None:
        """The shared decisions of a name the site holds and another mapper with these limits already admitted
        (`_track_decisions`), now admitted here too; else None. A name a seeded site holds is met afresh by each part
        of an input a process folds: it costs two lookups, not the whole of `_track`."""
        shared = self._track_decisions.get(name)
        if shared is None or name not in self.site.events or len(self._admitted_events) >= 100_000:
            return None
        self._admitted_events[name] = shared
        return shared

    def _learn_event_name(self, name: str) -> tuple[tuple[Finding, ...], HotjarCall | None]:
        name_findings = _event_name_findings(name, self.limits)
        rejected = bool(name_findings) and RULES[name_findings[0].code].effect is Effect.REJECTED
        known = (name_findings, None if rejected else HotjarCall("event", event=name))
        if len(self._event_names) < NAMES_REMEMBERED and len(name) <= self._longest_remembered:
            self._event_names[name] = known
        return known


_EventNames = dict[str, tuple[tuple[Finding, ...], HotjarCall | None]]
_NestedTraits = dict[tuple[str, type, int], Finding | None]
_TrackDecisions = dict[str, tuple[Decision, Decision, Decision]]
_PURE_CACHES: Final[dict[Limits, tuple[_EventNames, _NestedTraits, _TrackDecisions]]] = {}


def _pure_caches(limits: Limits) -> tuple[_EventNames, _NestedTraits, _TrackDecisions]:
    """What depends only on the limits, found so far: event names' own checks, nested traits by shape, and the
    decisions of a track under an admitted name."""
    caches = _PURE_CACHES.get(limits)
    if caches is None:
        if len(_PURE_CACHES) >= 8:
            _PURE_CACHES.clear()
        caches = _PURE_CACHES[limits] = ({}, {}, {})
    return caches


def _decision(findings: tuple[Finding, ...] | list[Finding], call: HotjarCall | None) -> Decision:
    if not findings:
        return Decision(Outcome.ACCEPTED, call) if call is not None else _ACCEPTED
    # The strongest outcome any finding leads to: invalid over ignored over rejected over modified.
    strength = 0
    for finding in findings:  # a loop: several times cheaper than max() over the few findings there are
        found = _STRENGTH_OF_CODE[finding.code]
        if found > strength:
            strength = found
    outcome = _OUTCOME_ORDER[-1 - strength]
    if strength > _MODIFIED_STRENGTH:
        call = None
    return Decision(outcome, call, tuple(findings))


_DISABLED: Final = {
    path: Finding(_DISABLED_FOR_HOTJAR_CODE, path, "") for path in ("$.integrations.Hotjar", "$.integrations.All")
}
_UNSUPPORTED: Final = {
    kind: Finding(_UNSUPPORTED_TYPE_CODE, "$.type", f"{kind} calls are not sent to Hotjar")
    for kind in UNSUPPORTED_TYPES
}
_IGNORED_BY: Final = {key: _decision((finding,), None) for key, finding in (*_DISABLED.items(), *_UNSUPPORTED.items())}
"""Messages that are ignored with no other finding share one decision each: decisions are immutable."""

NON_BROWSER_CHANNELS: Final = frozenset({"server", "mobile"})
"""The `channel`s Segment's tracking API gives messages of its server and mobile libraries (analytics.js: `client`)."""
NON_BROWSER_LIBRARIES: Final = {
    "analytics-node": "server",
    "@segment/analytics-node": "server",
    "analytics-python": "server",
    "analytics-ruby": "server",
    "analytics-go": "server",
    "analytics-java": "server",
    "analytics-php": "server",
    "Analytics.NET": "server",
    "analytics-ios": "mobile",
    "analytics-android": "mobile",
    "analytics-react-native": "mobile",
    "analytics-swift": "mobile",
    "analytics-kotlin": "server or mobile",
    "analytics-flutter": "mobile",
}
"""`context.library.name` as Segment's server and mobile libraries write it, with where each runs."""
_OUTSIDE_BY_CHANNEL: Final = {
    channel: Finding(_NOT_FROM_A_BROWSER_CODE, "$.channel", f"channel is {quoted(channel)}")
    for channel in sorted(NON_BROWSER_CHANNELS)
}
_OUTSIDE_BY_LIBRARY: Final = {
    (name, path): Finding(_NOT_FROM_A_BROWSER_CODE, path, f"sent by {name}, a Segment {where} library")
    for name, where in NON_BROWSER_LIBRARIES.items()
    for path in ("$.context.library.name", "$.context.library")
}
_IGNORED_OUTSIDE: Final = {
    finding: _decision((finding,), None) for finding in (*_OUTSIDE_BY_CHANNEL.values(), *_OUTSIDE_BY_LIBRARY.values())
}


def _outside_a_browser(channel: Any, context: Any) -> Finding | None:
    """not-from-a-browser, when the message's `channel` or `context.library` says a server or mobile library sent
    it; else None. Only what says so positively counts: no channel and no library is a browser's message."""
    if channel is not None and type(channel) is str and channel in NON_BROWSER_CHANNELS:
        return _OUTSIDE_BY_CHANNEL[channel]
    if type(context) is not Context:
        return None
    library = context.library
    if type(library) is Library:
        name = library.name
        path = "$.context.library.name"
    else:
        name = library  # early analytics-ios wrote the name as `context.library` itself
        path = "$.context.library"
    if type(name) is not str or name == "analytics.js" or name not in NON_BROWSER_LIBRARIES:
        return None
    return _OUTSIDE_BY_LIBRARY[(name, path)]


def unknown_type_detail(kind: Any) -> str:
    """The detail of unknown-message-type for a message's `type`: missing, not a string, or no type Segment sends."""
    if kind is None:
        return "the message has no type"
    if isinstance(kind, str):
        hint = f"; types are lowercase: {quoted(kind.lower())}" if kind.lower() in MESSAGE_TYPES else ""
        return f"type {quoted(kind)} is not a Segment message type{hint}"
    return f"type is {json_type(kind)}, not a string"


SEGMENT_FORM: Final = "in the form Segment's spec shows (2024-04-02T09:14:03.118Z)"
"""The form a `timestamp` meets the spec in (`eventtime.is_date_time`: a date written `2024-04-02`, `T` or a space,
then a time), said so rather than "ISO 8601": the basic form (`20240402T091403Z`) is ISO 8601 too, and is flagged."""
TIMESTAMP_NOT_A_DATE_TIME: Final = f"timestamp is not a date and time {SEGMENT_FORM}"
"""The detail of spec-violation for a `timestamp` text that is not one (`eventtime.is_date_time`)."""
TIMESTAMP_READ_ALL_THE_SAME: Final = f"{TIMESTAMP_NOT_A_DATE_TIME}; read as the event's time all the same: "
"""The detail for such a text that the event's time is read from (`eventtime.read_time_text`), followed by that
time: the time series places the event by it, where an unreadable one leaves the time to `originalTimestamp` or
`receivedAt`. The time itself, not how it was read: `2024-03-10T12Z` is no date alone, and is not read as midnight."""


def timestamp_detail(timestamp: str) -> str:
    """The detail of spec-violation for a `timestamp` text that is no ISO-8601 date and time."""
    read = read_time_text(timestamp)
    return TIMESTAMP_NOT_A_DATE_TIME if read is None else TIMESTAMP_READ_ALL_THE_SAME + read


def _spec_findings(message: SegmentMessage) -> list[Finding]:
    findings = []
    if not is_truthy(message.userId) and not is_truthy(message.anonymousId):
        findings.append(Finding(_SPEC_VIOLATION_CODE, "$", no_user_detail(message.userId, message.anonymousId)))
    message_id = message.messageId
    if message_id is not None and not (isinstance(message_id, str) and utf16_length(message_id) <= 100):
        what = f"{utf16_length(message_id):,} characters long" if isinstance(message_id, str) else json_type(message_id)
        findings.append(
            Finding(_SPEC_VIOLATION_CODE, "$.messageId", f"messageId is {what}; at most 100 characters allowed")
        )
    timestamp = message.timestamp
    if timestamp is not None and not isinstance(timestamp, str):
        findings.append(
            Finding(_SPEC_VIOLATION_CODE, "$.timestamp", f"timestamp is {json_type(timestamp)}, not a string")
        )
    elif isinstance(timestamp, str) and not is_date_time(timestamp):
        findings.append(Finding(_SPEC_VIOLATION_CODE, "$.timestamp", timestamp_detail(timestamp)))
    return findings


ANALYTICS_NEXT_VERSIONS: Final = ("next-", "npm:next-")
"""How analytics-next signs `context.library.version`: `next-1.84.1` from Segment's CDN, `npm:next-1.84.1` from npm."""


def _disabled_for_hotjar(message: SegmentMessage) -> str:
    """The path of the setting that keeps a message from Hotjar, or "" when it is enabled.

    Classic analytics.js: `Hotjar: false` disables, and `All: false` does when the `Hotjar` key is absent, `all` read
    in any case (`_all_key`); any other value of `Hotjar` (null included) enables. analytics-next decides with
    `integrations.Hotjar ?? (integrations.All !== false)` and keeps the message when the result is truthy: a null
    `Hotjar` falls through to `All`, and a falsy one (`0`, `""`) disables.
    """
    integrations = message.integrations
    if not isinstance(integrations, dict) or not integrations:
        return ""
    next_ = _sent_by_analytics_next(message)
    if "Hotjar" in integrations:
        value = integrations["Hotjar"]
        if value is False:
            return "$.integrations.Hotjar"
        if is_truthy(value) or not next_:
            return ""
        if value is not None:
            return "$.integrations.Hotjar"
    if next_:
        return "$.integrations.All" if integrations.get("All") is False else ""
    key = _all_key(integrations)
    if key is None or integrations[key] is not False:
        return ""
    return "$.integrations.All" if key == "All" else json_path("$.integrations", key)


_NOT_IN_A_KEY: Final = re.compile(r"[^a-zA-Z0-9.]+")
"""What obj-case leaves out of a key before it compares it, lower-cased, with the one looked for."""


def _all_key(integrations: dict[str, Any]) -> str | None:
    """The key classic analytics.js reads `all` from (segmentio-facade's `enabled`, through obj-case): the first that
    is `all` once lower-cased, with every character but letters, digits and dots left out (`All`, `all`, `ALL`,
    `a_l_l`); None when there is none."""
    for key in integrations:
        if key == "All" or (len(key) >= 3 and _NOT_IN_A_KEY.sub("", key).lower() == "all"):
            return key
    return None


def _sent_by_analytics_next(message: SegmentMessage) -> bool:
    version = library_version(message)
    return version is not None and version.startswith(ANALYTICS_NEXT_VERSIONS)


ROUNDED_USER_ID_DETAIL: Final = (
    "userId is a number too large for JavaScript to hold exactly; Hotjar receives it rounded, and ids that differ "
    "only in their last digits as one user"
)
"""The detail of a userId that is an integer JavaScript rounds."""


def _non_string_user_id(user_id: Any, as_text: str) -> str:
    """The finding's detail for a truthy userId that is not a string, which Hotjar receives as `as_text` (not said:
    a detail holds no value)."""
    if type(user_id) is int and as_text != str(user_id):
        # JavaScript holds the number as the nearest double: ids that differ in their last digits become one user.
        return ROUNDED_USER_ID_DETAIL
    return f"userId is {json_type(user_id)}; Hotjar receives its JavaScript string form"


def no_user_detail(user_id: Any, anonymous_id: Any) -> str:
    """Why a message has no user, for spec-violation: `neither userId nor anonymousId is set`, and when one is given
    a value JavaScript reads as none, which (`userId is 0`): "set" alone read as false beside `"userId": -0`."""
    given = [falsy_detail(field, value) for field, value in (("userId", user_id), ("anonymousId", anonymous_id))]
    given = [detail for detail in given if not detail.endswith("missing or null")]
    return "neither userId nor anonymousId is set" + (f" ({' and '.join(given)})" if given else "")


def falsy_detail(field: str, value: Any) -> str:
    """Why a falsy `userId` or `event` counts as missing, in the words of the value JavaScript sees."""
    if value is None:
        return f"{field} is missing or null"
    if value == "":
        return f"{field} is an empty string"
    return f"{field} is {'false' if value is False else '0'}"


def _trait_problem(name: str, value: Any, limits: Limits) -> Finding | None:
    """The rule a single trait breaks, checked in catalogue order: one finding per value at most."""
    if name == "id":
        return Finding(_RESERVED_TRAIT_ID_CODE, "$.traits.id", "Segment deletes the trait `id` before calling Hotjar")
    if isinstance(value, dict):
        return Finding(
            _NESTED_TRAIT_CODE,
            json_path("$.traits", name),
            f"an object with {len(value)} key{'' if len(value) == 1 else 's'}",
        )
    if isinstance(value, list):
        return Finding(
            _LIST_TRAIT_CODE,
            json_path("$.traits", name),
            f"a list of {len(value)} item{'' if len(value) == 1 else 's'}",
        )
    if utf16_length(name) > limits.max_attribute_name_length:
        return Finding(
            _ATTRIBUTE_NAME_TOO_LONG_CODE,
            json_path("$.traits", name),
            f"the name is {utf16_length(name):,} characters long; the limit is {limits.max_attribute_name_length:,}",
        )
    if isinstance(value, str):
        limit = limits.max_attribute_value_length
        # A character is at most two UTF-16 code units, so only strings over half the limit need counting.
        if 2 * len(value) > limit and utf16_length(value) > limit:
            return Finding(
                _ATTRIBUTE_VALUE_TOO_LONG_CODE,
                json_path("$.traits", name),
                f"the value is {utf16_length(value):,} characters long; the limit is {limit:,}",
            )
    # Not `isinstance(value, (int, float))`: compiled, that narrows to a float, which an integer beyond a double's
    # range cannot be made into. `type` also leaves out booleans.
    elif type(value) in (int, float) and abs(value) > MAX_SAFE_INTEGER:
        return Finding(
            _UNSAFE_NUMBER_CODE,
            json_path("$.traits", name),
            UNSAFE_NUMBER_ROUNDED_DETAIL if type(value) is int and not _held_exactly(value) else UNSAFE_NUMBER_DETAIL,
        )
    return None


UNSAFE_NUMBER_DETAIL: Final = "the number is outside ±(2^53 − 1), JavaScript's safe-integer range"
UNSAFE_NUMBER_ROUNDED_DETAIL: Final = UNSAFE_NUMBER_DETAIL + ", and the browser cannot hold it exactly"
"""The details of `UNSAFE_NUMBER`: past the range, some integers have a double of their own (2^60) and others
do not (2^53 + 1); a number written with a fraction or an exponent was read as the browser reads it."""


def _held_exactly(number: int) -> bool:
    """Whether JavaScript holds an integer as it is written: it reads it as the nearest double."""
    try:
        # Compared as integers: compiled, `float == int` would compare two floats, the integer rounded too.
        return int(float(number)) == number
    except OverflowError:  # past the largest double: JavaScript reads Infinity
        return False


def attribute_name_at_fault(name: str, limits: Limits) -> bool:
    """Whether a rule drops every value of an attribute for its name alone: the trait `id`, the trait `__proto__`
    (which Segment's facade passes on only in traits it does not copy), or a name too long."""
    return name == "id" or name == "__proto__" or utf16_length(name) > limits.max_attribute_name_length


def event_name_at_fault(name: str, limits: Limits) -> bool:
    """Whether a rule finds fault with an event name itself (too long, characters Hotjar refuses, an id or address
    in it), whichever rules a run reports: such a name is masked by `--redact`."""
    return bool(_event_name_findings(name, limits))


def _event_name_findings(name: str, limits: Limits) -> tuple[Finding, ...]:
    length = utf16_length(name)
    if length > limits.max_event_name_length:
        return (
            Finding(
                _EVENT_NAME_TOO_LONG_CODE,
                "$.event",
                f"the name is {length:,} characters long; the limit is {limits.max_event_name_length:,}",
            ),
        )
    bad = limits.disallowed_characters(name)
    if bad:
        return (Finding(_EVENT_NAME_INVALID_CHARACTERS_CODE, "$.event", f"not allowed: {quoted_characters(bad)}"),)
    # Each pattern but the hex id's and the digits' needs a character most names lack: searching only names that
    # have it finds the same, for a fifth of the cost on names like `Viewed Article 4821` (each new name is checked
    # once).
    dot, colon = "." in name, ":" in name
    searched = ("@" in name, dot, colon, dot or colon, "-" in name, True, True, colon, True)
    for (what, search), could_match in zip(HIGH_CARDINALITY_PATTERNS, searched, strict=True):
        if could_match and search(name):
            return (Finding(_EVENT_NAME_HIGH_CARDINALITY_CODE, "$.event", f"the name contains {what}"),)
    return ()


PROTO_TRAIT_FINDING: Final = Finding(
    _PROTO_TRAIT_CODE,
    "$.traits.__proto__",
    "Segment's facade copies the traits key by key, and writing `__proto__` sets the copy's prototype, not a trait",
)
"""proto-trait: the same for every message, whatever the value."""


_DATE_FAULTS: Final = {
    "toString": "`toString` is a value here, where Segment's facade calls JavaScript's method of that name to turn "
    "the `timestamp` into a date",
    "__proto__": "`__proto__: null` leaves an object in the `timestamp` without JavaScript's `toString`, which "
    "Segment's facade calls to turn it into a date",
    "length": "`length` makes the `timestamp` a list longer than JavaScript can turn into text, as Segment's facade "
    "does to turn it into a date",
}
"""Why Segment's facade throws turning the `timestamp` into a date, by the key at fault."""


def copy_fault_detail(place: Place) -> str:
    """Why Segment's facade throws at a place (`facade.Copied.fault`), by the key there, without its value."""
    key = place[-1] if place else ""
    if turning_into_a_date(place):
        return _DATE_FAULTS[str(key)]
    if key == "__proto__":
        return "`__proto__: null` leaves an object Segment's facade copies again without `hasOwnProperty`"
    return f"`{key}` is a value here, where Segment's facade calls JavaScript's method of that name to copy the object"


def _uncopyable(place: Place, findings: list[Finding]) -> Decision:
    """uncopyable-message: Segment's facade throws copying the message, at `place`."""
    findings.append(Finding(_UNCOPYABLE_MESSAGE_CODE, place_path(place), copy_fault_detail(place)))
    return _decision(findings, None)


PROPERTIES_DROPPED: Final = Finding(_EVENT_PROPERTIES_DROPPED_CODE, "$.properties")
"""event-properties-dropped for a non-empty `properties` object. Its detail, naming the dropped keys, is worked
out by `described` for the events a report shows: nearly every track has properties, and decoding the keys of
each would cost more than the rest of the message's rules."""
_PROPERTIES_NOT_AN_OBJECT: Final = Finding(
    _EVENT_PROPERTIES_DROPPED_CODE, "$.properties", "properties is not an object; Hotjar keeps only the event name"
)


def _dropped_properties(message: SegmentMessage) -> Finding | None:
    """event-properties-dropped for a `properties` that is not null, not absent and not an empty object."""
    raw = bytes(message.properties)  # the value exactly, with no white space around it; b"" when absent
    if not raw:
        return None
    if raw[0] == 123:  # {
        # Compact JSON puts a key's quote right after the brace; only other objects need a closer look.
        return PROPERTIES_DROPPED if raw[1] == 34 or raw[1:-1].strip() else None
    return None if raw == b"null" else _PROPERTIES_NOT_AN_OBJECT


_opening: Final = struct.Struct("<H").unpack_from
"""The first two bytes of `properties` read in place as one number, for a track under an admitted name: copying the
whole value would cost more than the rest of its decision, and a number compares more cheaply than bytes."""
_OBJECT_WITH_A_KEY: Final = int.from_bytes(b'{"', "little")


def _shared_track(shared: tuple[Decision, Decision, Decision], message: SegmentMessage) -> Decision:
    """Which of an admitted name's shared decisions a track with no other finding gets, by its properties."""
    try:
        if _opening(message.properties)[0] == _OBJECT_WITH_A_KEY:
            return shared[1]  # nearly every track: properties is a compact, non-empty object
    except struct.error:
        pass  # properties is absent, or one character long
    dropped = _dropped_properties(message)
    return shared[0] if dropped is None else shared[1] if dropped is PROPERTIES_DROPPED else shared[2]


_Learned = TypeVar("_Learned")


def _kept(
    learned: dict[str, _Learned], held: dict[str, None], now: dict[str, None]
) -> tuple[dict[str, _Learned], bool]:
    """What a mapper learned about the names a site `held`, for a site that holds `now`: copied whole, a dict copied
    at once, less the names `now` lacks (names the last part met that the next one's seeds do not hold yet, if
    any), rather than rebuilt name by name (10,000 event names: a fifth of the time); and whether `now` holds the
    same names. Most often none is lost, which one comparison of the names, in C, tells."""
    kept = learned.copy()
    if held.keys() <= now.keys():
        return kept, len(held) == len(now)
    for name in [name for name in held if name not in now]:
        kept.pop(name, None)
    return kept, False


def finding_codes(findings: tuple[Finding, ...]) -> tuple[str, ...]:
    """The codes of a decision's findings, in order: what an identify's own decision counts for. A list built in a
    compiled loop, then made a tuple: about half the cost of `tuple(map(attrgetter("code"), findings))`."""
    return tuple([finding.code for finding in findings])


def listed_key(key: str) -> str:
    """A key as a finding's detail lists it among others: as it is, or in double quotes as JSON writes it when it
    would not read as itself there (empty, with spaces at its ends, a comma or a quote in it, or a character a report
    escapes): ` plan` listed bare read as `plan`."""
    if key and key.strip() == key and key.isprintable() and "," not in key and '"' not in key:
        return key
    return quoted(key)


def described(findings: tuple[Finding, ...], message: Parsed) -> tuple[Finding, ...]:
    """The findings as a report shows them, with the details that are worked out only then.

    That is event-properties-dropped's: `3 dropped: plan, seats, address`, naming the keys of the message's properties.
    """
    if PROPERTIES_DROPPED not in findings or not isinstance(message, SegmentMessage):
        return findings
    keys = properties_keys_of(message.properties) or []
    shown = ", ".join(map(listed_key, keys[:20])) + (f" and {len(keys) - 20} more" if len(keys) > 20 else "")
    detail = Finding(_EVENT_PROPERTIES_DROPPED_CODE, "$.properties", f"{len(keys)} dropped: {shown}")
    return tuple(detail if finding == PROPERTIES_DROPPED else finding for finding in findings)
