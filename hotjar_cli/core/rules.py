"""The rule catalogue: every finding the core can make, with its stable code, name and documentation.

Codes and names are a public contract: machine formats, `--select`, `--ignore`, `--max-rate` and
`[tool.hotjar-cli]` all refer to them. Each rule's `example` is a log the rule fires on and `instead` one it
does not; the test suite runs both through the core.

A rule is one unit: the code refers to it by its constant here (`MISSING_USER_ID`), never by its code written
out, and the README's rule table is `markdown_table()`. Tests hold the package to both.
"""

from __future__ import annotations

import difflib
from enum import Enum
from typing import Any

import msgspec


class Severity(str, Enum):
    """How much a finding matters for a data-quality gate."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe: info 1, warning 2, error 3."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Effect(str, Enum):
    """What a finding did to the value or message it concerns."""

    INVALID = "message-invalid"
    IGNORED = "message-ignored"
    REJECTED = "message-rejected"
    DROPPED = "value-dropped"
    COERCED = "value-coerced"
    NOTED = "noted"


SEGMENT_HOTJAR_DOCS = "https://segment.com/docs/connections/destinations/catalog/hotjar/"
SEGMENT_INTEGRATION = "https://www.npmjs.com/package/@segment/analytics.js-integration-hotjar"
ANALYTICS_NEXT = "https://github.com/segmentio/analytics-next/blob/master/packages/core/src/queue/event-queue.ts"
SEGMENT_SPEC_COMMON = "https://segment.com/docs/connections/spec/common/"
SEGMENT_SPEC_IDENTIFY = "https://segment.com/docs/connections/spec/identify/"
SEGMENT_SPEC_TRACK = "https://segment.com/docs/connections/spec/track/"
SEGMENT_HTTP_API = "https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/"
SEGMENT_SOURCES = "https://segment.com/docs/connections/sources/catalog/"
HOTJAR_IDENTIFY_API = "https://help.hotjar.com/hc/en-us/articles/360033640653-Identify-API-Reference"
HOTJAR_EVENTS_API = "https://help.hotjar.com/hc/en-us/articles/4405109971095-Events-API-Reference"
JSON_RFC = "https://www.rfc-editor.org/rfc/rfc8259"
SEGMENT_FACADE = "https://www.npmjs.com/package/segmentio-facade"
NDHOULE_CLONE = "https://www.npmjs.com/package/@ndhoule/clone"
NEW_DATE = "https://www.npmjs.com/package/new-date"
JAVASCRIPT_TO_PRIMITIVE = "https://tc39.es/ecma262/#sec-toprimitive"
ANALYTICS_NEXT_DESTINATIONS = (
    "https://github.com/segmentio/analytics-next/blob/master/packages/browser/src/plugins/ajs-destination/index.ts"
)
JAVASCRIPT_PROTO = "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Object/proto"
SAFE_INTEGER = (
    "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Number/MAX_SAFE_INTEGER"
)


class Rule(msgspec.Struct, frozen=True):
    """One rule: identity, default severity, effect, a one-line message and ruff-style documentation."""

    code: str
    name: str
    severity: Severity
    effect: Effect
    message: str
    what_it_does: str
    why_it_matters: str
    example: str
    instead: str
    source: str
    confidence: str
    references: tuple[str, ...] = ()
    """Public pages the rule rests on, by URL."""
    example_limits: dict[str, Any] = msgspec.field(default_factory=dict)
    """Limits the example runs under, where the real limit would make the example unreadably long."""
    schema_explained: bool = False
    """Reports explain the rule's examples against Segment's JSON Schemas in `schemas/`."""
    applies_to: str = "message"
    """The messages the rule can find fault with: `identify`, `track`, `identify-or-track`, or any `message`. A
    rule's share of the messages over time is of these (see `hotjar_cli.core.timeline.change_points`)."""

    @property
    def title(self) -> str:
        """`HJ103 missing-user-id`."""
        return f"{self.code} {self.name}"

    def documentation(self) -> str:
        """The rule's full documentation as Markdown, as `hotjar-cli rule CODE` prints it."""
        limits = ""
        if self.example_limits:
            shown = ", ".join(f"{key.replace('_', '-')} = {value}" for key, value in self.example_limits.items())
            limits = f"\n(The example runs with {shown}, to keep it short.)\n"
        return (
            f"# {self.title}\n\n"
            f"Severity: {self.severity.value}. Effect: {self.effect.value}.\n\n"
            f"## What it does\n{self.what_it_does}\n\n"
            f"## Why it matters\n{self.why_it_matters}\n\n"
            f"## Example\n{limits}```json\n{self.example}\n```\n\n"
            f"## Use instead\n```json\n{self.instead}\n```\n\n"
            f"## Source and confidence\n{self.source} Confidence: {self.confidence}.\n"
            + "".join(f"\n- {url}" for url in self.references)
            + ("\n" if self.references else "")
        )


_SEGMENT_DOCS = "Segment's documentation of its Hotjar destination."
_INTEGRATION = "Segment's Hotjar integration for analytics.js, `@segment/analytics.js-integration-hotjar` 1.4.0."
_SEGMENT_SPEC = "Segment's message spec (common fields, identify and track)."
_FACADE_SOURCES = (
    "segmentio-facade 3.2.7 (the version Segment's Hotjar integration resolves), `lib/facade.js`: the `Facade` "
    "constructor copies the message (`if (opts.clone) obj = clone(obj)`) and `Facade.prototype.field` copies each "
    "field read (`transform(obj)`); @ndhoule/clone 1.0.0, `index.js`, `clone`: `for (var key in obj) { if "
    "(obj.hasOwnProperty(key)) { copy[key] = clone(obj[key]); } }`; component-type 1.2.2, `index.js`, `type`: "
    "`val.valueOf ? val.valueOf() : ...`, after `val.nodeType === 1` (an element) and `val._isBuffer` (a buffer), "
    "which `clone` hands on as they are. The constructor then turns the `timestamp` into a date (`obj.timestamp = "
    "newDate(obj.timestamp)`, when `'timestamp' in obj`); new-date 1.0.3, `lib/index.js`, `newDate`: "
    "`milliseconds.is(val)`, `/\\d{13}/.test(string)`, which turns an object into text (ECMAScript's ToString and "
    "ToPrimitive; V8's `Array.prototype.join` for a list). analytics-next builds the facade in "
    "`packages/browser/src/plugins/ajs-destination/index.ts`, `LegacyDestination.send` (`new clz(afterMiddleware, "
    "{...})`); classic analytics.js in analytics.js-core's `lib/analytics.js`, `Analytics.prototype.identify` and "
    "`track` (`new Identify(msg)`, `new Track(msg)`). Checked "
    "by running `@segment/analytics.js-integration-hotjar` 1.4.0 with node on every shape described here (text too "
    "long for Chrome by hand, as node takes about 20 s to make it)."
)
_SPEC_PAGES = (SEGMENT_SPEC_COMMON, SEGMENT_SPEC_IDENTIFY, SEGMENT_SPEC_TRACK)
_INTEGRATION_PAGES = (SEGMENT_INTEGRATION, SEGMENT_HOTJAR_DOCS)


INVALID_JSON = Rule(
    code="HJ001",
    name="invalid-json",
    severity=Severity.ERROR,
    effect=Effect.INVALID,
    message="Line is not valid JSON",
    what_it_does="Flags a line that is not one valid UTF-8 JSON document (truncated lines, invalid "
    "UTF-8 in a value the rules read, numbers too large for a double, trailing text, over-long lines).",
    why_it_matters="A line that cannot be parsed never reached Hotjar, and it usually means the log "
    "was cut or written by something other than Segment.",
    example='{"type": "identify", "userId": "u1", "traits": {"plan": "pro"',
    instead='{"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}',
    source="RFC 8259 (JSON) and " + _SEGMENT_SPEC,
    confidence="high",
    references=(JSON_RFC, SEGMENT_SPEC_COMMON),
)

NOT_AN_OBJECT = Rule(
    code="HJ002",
    name="not-an-object",
    severity=Severity.ERROR,
    effect=Effect.INVALID,
    message="JSON value is not an object",
    what_it_does="Flags a line (or a batch item) that is valid JSON but not a JSON object.",
    why_it_matters="Every Segment message is an object; an array or a string is not a message at all.",
    example='["identify", "u1"]',
    instead='{"type": "identify", "userId": "u1"}',
    source=_SEGMENT_SPEC,
    confidence="high",
    references=(SEGMENT_SPEC_COMMON,),
)

UNKNOWN_TYPE = Rule(
    code="HJ003",
    name="unknown-type",
    severity=Severity.ERROR,
    effect=Effect.INVALID,
    message="Message type is missing or unknown",
    what_it_does="Flags a message whose `type` is missing or not one of identify, track, page, "
    "screen, group or alias (the spec's values are lowercase).",
    why_it_matters="Without a known type Segment does not route the message to any destination.",
    example='{"type": "Identify", "userId": "u1"}',
    instead='{"type": "identify", "userId": "u1"}',
    source=_SEGMENT_SPEC,
    confidence="high",
    references=_SPEC_PAGES,
    schema_explained=True,
)

INVALID_BATCH = Rule(
    code="HJ004",
    name="invalid-batch",
    severity=Severity.ERROR,
    effect=Effect.INVALID,
    message="Batch envelope has no list of messages",
    what_it_does="Flags an HTTP Tracking API batch envelope whose `batch` is not a non-empty list.",
    why_it_matters="Segment's batch endpoint takes a list of messages; anything else carries none.",
    example='{"batch": {"type": "identify", "userId": "u1"}}',
    instead='{"batch": [{"type": "identify", "userId": "u1"}]}',
    source="Segment's HTTP Tracking API batch format.",
    confidence="high",
    references=(SEGMENT_HTTP_API,),
)

SPEC_VIOLATION = Rule(
    code="HJ005",
    name="spec-violation",
    severity=Severity.WARNING,
    effect=Effect.NOTED,
    message="Message breaks Segment's spec",
    what_it_does="Flags a message of a known type that breaks Segment's spec in a way the rules can "
    "check cheaply: neither `userId` nor `anonymousId`, a `messageId` that is not a string of at most "
    "100 characters, or a `timestamp` that is not a date and time in the form Segment's spec shows "
    "(`2024-04-02T09:14:03.118Z`: a date written `2024-04-02`, `T` or a space, at least hours and minutes, any "
    "zone or none; the basic form of ISO 8601, `20240402T091403Z`, is flagged). The report explains the message "
    "against the JSON Schemas in `schemas/`.",
    why_it_matters="Segment's API rejects a message with neither id or a longer `messageId`, so a log holding "
    "such messages was not written by Segment's pipeline as it stands, and Hotjar may never have seen them. "
    "An event whose `timestamp` is not a time is placed in time by its `originalTimestamp` or `receivedAt`, "
    "or not at all; one the time is read from all the same (a date alone, as its midnight UTC) says so, with the time.",
    example='{"type": "track", "event": "Signed Up"}',
    instead='{"type": "track", "event": "Signed Up", "anonymousId": "a1"}',
    source=_SEGMENT_SPEC,
    confidence="high",
    references=_SPEC_PAGES,
    schema_explained=True,
)

UNSUPPORTED_TYPE = Rule(
    code="HJ101",
    name="unsupported-type",
    severity=Severity.INFO,
    effect=Effect.IGNORED,
    message="Hotjar's destination sends nothing for this type",
    what_it_does="Notes page, screen, group and alias calls.",
    why_it_matters="Segment's Hotjar integration has no handler for them, so nothing reaches Hotjar; "
    "if you expected page views or groups in Hotjar, send them as track events.",
    example='{"type": "page", "userId": "u1", "name": "Pricing"}',
    instead='{"type": "track", "userId": "u1", "event": "Pricing Viewed"}',
    source=_INTEGRATION,
    confidence="high",
    references=_INTEGRATION_PAGES,
)

DISABLED_FOR_HOTJAR = Rule(
    code="HJ102",
    name="disabled-for-hotjar",
    severity=Severity.INFO,
    effect=Effect.IGNORED,
    message="Message is disabled for Hotjar",
    what_it_does="Notes a message whose `integrations.Hotjar` is `false`, or whose `integrations.All` "
    "is `false` with `Hotjar` unset. `Hotjar` is read as written; classic analytics.js reads `All` in any case "
    "and with any characters but letters and digits left out (`all`, `ALL`, `a_l_l`: the first such key), as "
    "segmentio-facade's obj-case does (the `all` and `providers` it would read in `context` when set there are "
    "not read). `Hotjar: true` or a settings object re-enables it. A message sent by analytics-next "
    "(`context.library.version` starting with `next-` or `npm:next-`) follows analytics-next's own rule, "
    "`Hotjar ?? (All !== false)`, with `All` as written: `Hotjar: null` counts as "
    'unset, and a falsy `Hotjar` (`0`, `""`) disables it too.',
    why_it_matters="The message never reaches Segment's Hotjar integration. Segment's S3 archive "
    "ignores the `integrations` object, so archives hold such messages although Hotjar never got them.",
    example='{"type": "track", "userId": "u1", "event": "Signed Up", "integrations": {"All": false}}',
    instead='{"type": "track", "userId": "u1", "event": "Signed Up", "integrations": {"All": false, "Hotjar": true}}',
    source=_INTEGRATION,
    confidence="high",
    references=(*_INTEGRATION_PAGES, SEGMENT_SPEC_COMMON, ANALYTICS_NEXT),
)

MISSING_USER_ID = Rule(
    code="HJ103",
    applies_to="identify",
    name="missing-user-id",
    severity=Severity.ERROR,
    effect=Effect.REJECTED,
    message="Identify has no userId",
    what_it_does="Flags an identify whose `userId` is missing, null, empty or otherwise falsy in "
    "JavaScript (`0`, `false`).",
    why_it_matters='Segment\'s integration sends nothing without a userId ("user id is required") and '
    "never falls back to `anonymousId`, so every trait of the call is lost.",
    example='{"type": "identify", "anonymousId": "a1", "traits": {"plan": "pro"}}',
    instead='{"type": "identify", "userId": "u1", "anonymousId": "a1", "traits": {"plan": "pro"}}',
    source=_SEGMENT_DOCS + " " + _INTEGRATION,
    confidence="high",
    references=_INTEGRATION_PAGES,
)

MISSING_EVENT_NAME = Rule(
    code="HJ104",
    applies_to="track",
    name="missing-event-name",
    severity=Severity.ERROR,
    effect=Effect.REJECTED,
    message="Track has no event name",
    what_it_does="Flags a track whose `event` is missing, null, empty or otherwise falsy.",
    why_it_matters="Segment's integration sends nothing without an event name.",
    example='{"type": "track", "userId": "u1", "properties": {"plan": "pro"}}',
    instead='{"type": "track", "userId": "u1", "event": "Plan Chosen"}',
    source=_INTEGRATION,
    confidence="high",
    references=_INTEGRATION_PAGES,
)

RESERVED_TRAIT_ID = Rule(
    code="HJ105",
    applies_to="identify",
    name="reserved-trait-id",
    severity=Severity.WARNING,
    effect=Effect.DROPPED,
    message="Trait `id` is deleted before the call",
    what_it_does="Flags a trait named `id`.",
    why_it_matters="Segment copies the userId into `traits.id` and its Hotjar integration then deletes "
    "`id`, so a trait of that name never reaches Hotjar.",
    example='{"type": "identify", "userId": "u1", "traits": {"id": "crm-42"}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"crm_id": "crm-42"}}',
    source=_INTEGRATION,
    confidence="high",
    references=_INTEGRATION_PAGES,
)

NON_STRING_USER_ID = Rule(
    code="HJ106",
    applies_to="identify",
    name="non-string-user-id",
    severity=Severity.WARNING,
    effect=Effect.COERCED,
    message="userId is not a string",
    what_it_does="Flags a truthy userId that is not a string: it reaches Hotjar as JavaScript's "
    '`String(userId)` (`42` becomes `"42"`, an object becomes `"[object Object]"`). A number past 2^53 is '
    "rounded first, as JavaScript holds every number as a double, and the finding says what Hotjar receives.",
    why_it_matters="Hotjar's user id is a string; a different spelling of the same id (`42` and "
    '`"42.0"`) makes a different user, objects collapse into one user, and so do large numeric ids that differ '
    "only in their last digits.",
    example='{"type": "identify", "userId": 42, "traits": {"plan": "pro"}}',
    instead='{"type": "identify", "userId": "42", "traits": {"plan": "pro"}}',
    source="Hotjar's tracking-code snippet and Identify API (the user id is a string or null).",
    confidence="high",
    references=(HOTJAR_IDENTIFY_API, SEGMENT_INTEGRATION),
)

INVALID_TRAITS = Rule(
    code="HJ107",
    applies_to="identify",
    name="invalid-traits",
    severity=Severity.ERROR,
    effect=Effect.REJECTED,
    message="Identify traits are not an object",
    what_it_does="Flags an identify whose `traits` is not an object and is truthy in JavaScript: a non-empty "
    'string, a number other than 0, `true` or a list. Falsy traits (`""`, `0`, `false`) read as no traits: '
    "Segment's facade takes `traits || {}`, so the call is made with no attributes.",
    why_it_matters="On a string, a number or a boolean Segment's integration throws (it sets `traits.id` before "
    "deleting it) and calls nothing, so the call is lost. A list does not throw: the integration calls "
    "`hj('identify', userId, [...])` with the list as the attributes, which Hotjar's Identify API takes by name "
    "from an object, so no attribute reaches Hotjar; what Hotjar makes of that call is not known, and hotjar-cli "
    "does not replay it.",
    example='{"type": "identify", "userId": "u1", "traits": "pro"}',
    instead='{"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}',
    source=_INTEGRATION,
    confidence="high",
    references=_INTEGRATION_PAGES,
)

EMAIL_AS_USER_ID = Rule(
    code="HJ108",
    applies_to="identify",
    name="email-as-user-id",
    severity=Severity.WARNING,
    effect=Effect.NOTED,
    message="userId looks like an email address",
    what_it_does="Flags an identify whose userId looks like an email address.",
    why_it_matters="Hotjar asks not to use an email as the user id: changing it makes a different user, "
    "and it puts personal data where Hotjar does not expect it. Send it as the `email` attribute.",
    example='{"type": "identify", "userId": "peter@example.com"}',
    instead='{"type": "identify", "userId": "u1", "traits": {"email": "peter@example.com"}}',
    source="Hotjar's Identify API guidance.",
    confidence="medium",
    references=(HOTJAR_IDENTIFY_API,),
)

NOT_FROM_A_BROWSER = Rule(
    code="HJ109",
    name="not-from-a-browser",
    severity=Severity.INFO,
    effect=Effect.IGNORED,
    message="Message came from a server or mobile source",
    what_it_does="Notes a message that says it was sent from outside a browser: its `channel` is `server` or "
    "`mobile` (Segment's tracking API sets `client` for analytics.js), or its `context.library.name` is one of "
    "Segment's server or mobile libraries: analytics-node, @segment/analytics-node, analytics-python, "
    "analytics-ruby, analytics-go, analytics-java, analytics-php, Analytics.NET, analytics-ios, "
    "analytics-android, analytics-react-native, analytics-swift, analytics-kotlin or analytics-flutter. A message "
    "with neither field, or another library, is read as before. It is checked before `integrations` (HJ102) and "
    "the rules of the message's type.",
    why_it_matters="Segment's Hotjar destination runs only in device mode in the browser, beside analytics.js: "
    "it has no cloud mode, so messages from server and mobile sources never reached Hotjar. Segment's S3 "
    "archive holds every source of a workspace, so such messages are counted, replayed and offered to the "
    "site's budgets as if Hotjar had them, unless they are set apart. Nothing in the message is wrong: to have "
    "such an event in Hotjar, send it from the page, with analytics.js.",
    example='{"type": "track", "userId": "u1", "event": "Signed Up", "channel": "server", '
    '"context": {"library": {"name": "analytics-python", "version": "2.3.2"}}}',
    instead='{"type": "track", "userId": "u1", "event": "Signed Up", "channel": "client", '
    '"context": {"library": {"name": "analytics.js", "version": "4.1.0"}}}',
    source=_SEGMENT_DOCS + " The library names are those Segment's libraries write in `context.library.name`, read "
    "from their sources; a library not listed is not flagged.",
    confidence="high",
    references=(SEGMENT_HOTJAR_DOCS, SEGMENT_SPEC_COMMON, SEGMENT_SOURCES),
)

UNCOPYABLE_MESSAGE = Rule(
    code="HJ110",
    name="uncopyable-message",
    severity=Severity.ERROR,
    effect=Effect.REJECTED,
    message="Segment's facade throws copying the message",
    what_it_does="Flags an identify or a track that Segment's facade cannot copy in the browser, so that its Hotjar "
    "integration never runs: anywhere in the message (the message itself, `context`, `properties`, `traits`, "
    "objects nested in them or in lists), an object with an own key `hasOwnProperty` (any value), or with a truthy "
    "`valueOf` (a number other than 0, a non-empty string, `true`, an object, a list); or, where the integration "
    "reads (the `userId`; the `traits` of an identify with a userId; the `event` and, with an event name, the "
    "`properties` of a track), an object whose `__proto__` is `null`, itself or at the end of a chain of `__proto__` "
    "objects, and that has keys besides. A key spelled with `\\u` escapes (`has\\u004fwnProperty`) is the same key. "
    "An object whose `nodeType` is 1 or whose `_isBuffer` is truthy is handed on uncopied, with all it holds, and "
    "throws nothing. The finding's path is the key at fault. It is checked before the rules of the message's "
    "type (HJ103, HJ104, HJ107 and the trait rules), after those that keep a message from the integration (HJ101, "
    "HJ102, HJ109). A `timestamp` that JavaScript cannot turn into text, which the facade does to turn it into a "
    "date, makes it throw too: an object with a `toString` key (any value; its own, or one its `__proto__` lends "
    'it), or whose `__proto__` is `null` (`{"__proto__": null}` alone included); a list holding such an object, at '
    "any depth; or, where a `__proto__` list lends an object its items, a `length` that makes it too long for text "
    "(in Chrome: over 4,294,967,295 items, or text over 536,870,888 characters). A message's `__proto__` lends it a "
    "`timestamp` too; `originalTimestamp`, `sentAt` and `receivedAt` are not turned into dates.",
    why_it_matters="analytics.js wraps each message in a facade whose constructor deep-copies it, and the facade "
    "copies each field the integration reads again. The copy calls `obj.hasOwnProperty(key)` on every object and "
    "`val.valueOf()` to tell objects from values; in the browser, a key of that name holds data where the copy "
    "expects JavaScript's method, and `__proto__: null` leaves the copy of an object with no `hasOwnProperty` at "
    "all. The copy throws (`obj.hasOwnProperty is not a function`), and no `hj` call is made: every trait or the "
    "event is lost. The constructor then turns the `timestamp` into a date (`new-date`), which asks JavaScript for "
    "its text: a value under `toString` is no method, and nothing else gives one (`Cannot convert object to "
    "primitive value`). analytics-next builds the facade in each destination while its Segment.io destination sends a "
    "copy of its own, so the log holds a message Hotjar never received (classic analytics.js builds it once, "
    "before every destination, and sends nothing).",
    example='{"type": "identify", "userId": "u1", "traits": {"plan": "pro", "hasOwnProperty": true}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"plan": "pro", "has_own_property": true}}',
    source=_FACADE_SOURCES,
    confidence="high",
    references=(
        SEGMENT_INTEGRATION,
        SEGMENT_FACADE,
        NDHOULE_CLONE,
        ANALYTICS_NEXT_DESTINATIONS,
        JAVASCRIPT_PROTO,
        NEW_DATE,
        JAVASCRIPT_TO_PRIMITIVE,
    ),
    applies_to="identify-or-track",
)

NESTED_TRAIT = Rule(
    code="HJ201",
    applies_to="identify",
    name="nested-trait",
    severity=Severity.WARNING,
    effect=Effect.DROPPED,
    message="Nested trait is dropped",
    what_it_does="Flags a trait whose value is an object, empty ones included.",
    why_it_matters="Hotjar's Identify API rejects nested objects: Segment's own example loses every "
    "value of `address`. Flatten them into top-level traits.",
    example='{"type": "identify", "userId": "u1", "traits": {"address": {"city": "San Francisco"}}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"address_city": "San Francisco"}}',
    source=_SEGMENT_DOCS,
    confidence="high",
    references=(SEGMENT_HOTJAR_DOCS, HOTJAR_IDENTIFY_API),
)

LIST_TRAIT = Rule(
    code="HJ202",
    applies_to="identify",
    name="list-trait",
    severity=Severity.WARNING,
    effect=Effect.DROPPED,
    message="List trait is dropped",
    what_it_does="Flags a trait whose value is a list, empty ones included.",
    why_it_matters="Hotjar's Identify API rejects lists. Send a joined string or one boolean per item.",
    example='{"type": "identify", "userId": "u1", "traits": {"roles": ["admin", "editor"]}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"roles": "admin,editor"}}',
    source=_SEGMENT_DOCS,
    confidence="high",
    references=(SEGMENT_HOTJAR_DOCS, HOTJAR_IDENTIFY_API),
)

ATTRIBUTE_NAME_TOO_LONG = Rule(
    code="HJ203",
    applies_to="identify",
    name="attribute-name-too-long",
    severity=Severity.WARNING,
    effect=Effect.DROPPED,
    message="Attribute name is too long",
    what_it_does="Flags a trait whose name is longer than the attribute-name limit (50 characters by "
    "default; setting `max-attribute-name-length`).",
    why_it_matters="Hotjar does not store attributes with longer names.",
    example='{"type": "identify", "userId": "u1", "traits": '
    '{"number_of_projects_created_during_the_trial_period_x": 3}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"trial_projects_created": 3}}',
    source="Third-party reference notes citing Hotjar's current Identify API article.",
    confidence="medium",
    references=(HOTJAR_IDENTIFY_API,),
)

ATTRIBUTE_VALUE_TOO_LONG = Rule(
    code="HJ204",
    applies_to="identify",
    name="attribute-value-too-long",
    severity=Severity.WARNING,
    effect=Effect.DROPPED,
    message="Attribute value is too long",
    what_it_does="Flags a string trait longer than the attribute-value limit (200 characters by default; "
    "setting `max-attribute-value-length`; an older Hotjar article said 100).",
    why_it_matters="Hotjar does not store longer values, and long free text is rarely useful in filters.",
    example='{"type": "identify", "userId": "u1", "traits": {"bio": "' + "x" * 201 + '"}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"bio_length": 201}}',
    source="Hotjar's Identify API articles (sources disagree: 200 now, 100 earlier).",
    confidence="medium",
    references=(HOTJAR_IDENTIFY_API,),
)

UNSAFE_NUMBER = Rule(
    code="HJ205",
    applies_to="identify",
    name="unsafe-number",
    severity=Severity.WARNING,
    effect=Effect.DROPPED,
    message="Number is outside JavaScript's safe range",
    what_it_does="Flags a numeric trait outside ±(2^53 − 1), JavaScript's safe-integer range, and says when the "
    "browser cannot hold it exactly.",
    why_it_matters="Past that range the browser cannot hold every integer: many reach it as a neighbouring "
    "number (9007199254740993 as 9007199254740992), so Hotjar would store a different value. Send large ids as "
    "strings.",
    example='{"type": "identify", "userId": "u1", "traits": {"account_number": 12345678901234567890}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"account_number": "12345678901234567890"}}',
    source="Third-party reference notes on Hotjar's attribute types.",
    confidence="medium",
    references=(HOTJAR_IDENTIFY_API, SAFE_INTEGER),
)

ATTRIBUTE_LIMIT_EXCEEDED = Rule(
    code="HJ206",
    applies_to="identify",
    name="attribute-limit-exceeded",
    severity=Severity.WARNING,
    effect=Effect.DROPPED,
    message="Site already has the maximum number of attributes",
    what_it_does="Flags a trait whose name is new after the site's first 100 distinct attribute names "
    "(setting `max-attributes`), counted in input order over the values that survive every other rule; "
    "null values count.",
    why_it_matters="Hotjar keeps at most 100 attribute names per site, over all users; later names are "
    "not stored. Choose the attributes worth filtering on: `hotjar-cli inventory` lists the names kept and those "
    "turned away, and when the budget filled.",
    example='{"type": "identify", "userId": "u1", "traits": {"plan": "pro", "seats": 3}}\n'
    '{"type": "identify", "userId": "u2", "traits": {"plan": "free", "company": "Initech"}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"plan": "pro", "seats": 3}}\n'
    '{"type": "identify", "userId": "u2", "traits": {"plan": "free", "seats": 1}}',
    example_limits={"max_attributes": 2},
    source="Hotjar's Identify API reference.",
    confidence="high",
    references=(HOTJAR_IDENTIFY_API,),
)

PROTO_TRAIT = Rule(
    code="HJ207",
    applies_to="identify",
    name="proto-trait",
    severity=Severity.WARNING,
    effect=Effect.DROPPED,
    message="Trait `__proto__` never reaches Hotjar",
    what_it_does="Flags a trait named `__proto__` (however its name is escaped), whatever its value. It is checked "
    "before a trait's other rules, and takes none of the site's attribute slots. Traits whose `nodeType` is 1 or "
    "whose `_isBuffer` is truthy are handed on uncopied, `__proto__` and all, and are not flagged; when "
    "`__proto__` is `null` (or a chain of `__proto__` objects ending in `null`) and other traits are sent beside it, "
    "the copy throws instead (HJ110).",
    why_it_matters="Segment's facade copies the traits key by key (`copy[key] = value`), and in JavaScript "
    "writing `__proto__` sets the copy's prototype rather than a key: a string, a number, a boolean or `null` is "
    "lost, and an object's or a list's keys become inherited, which the facade's next copy, the one the integration "
    'sends, leaves out: `{"__proto__": {"plan": "max"}}` reaches Hotjar as `{}`. Name the attributes plainly.',
    example='{"type": "identify", "userId": "u1", "traits": {"__proto__": {"plan": "max"}}}',
    instead='{"type": "identify", "userId": "u1", "traits": {"plan": "max"}}',
    source=_FACADE_SOURCES,
    confidence="high",
    references=(SEGMENT_INTEGRATION, SEGMENT_FACADE, NDHOULE_CLONE, JAVASCRIPT_PROTO),
)

EVENT_PROPERTIES_DROPPED = Rule(
    code="HJ301",
    applies_to="track",
    name="event-properties-dropped",
    severity=Severity.INFO,
    effect=Effect.DROPPED,
    message="Event properties are dropped",
    what_it_does="Notes a track with a non-empty `properties` value, once per message, naming the keys.",
    why_it_matters="Hotjar's Events API keeps only the event name. If a property matters for filtering, "
    "send it as a user attribute through identify, or fold a few low-cardinality values into the name.",
    example='{"type": "track", "userId": "u1", "event": "Experiment Viewed", '
    '"properties": {"variation_name": "variant"}}',
    instead='{"type": "track", "userId": "u1", "event": "Experiment Viewed"}',
    source=_SEGMENT_DOCS + " Hotjar's Events API reference.",
    confidence="high",
    references=(SEGMENT_HOTJAR_DOCS, HOTJAR_EVENTS_API),
)

EVENT_NAME_TOO_LONG = Rule(
    code="HJ302",
    applies_to="track",
    name="event-name-too-long",
    severity=Severity.ERROR,
    effect=Effect.REJECTED,
    message="Event name is too long",
    what_it_does="Flags an event name longer than the event-name limit (250 characters by default; "
    "setting `max-event-name-length`; Hotjar's 2022 docs said 750).",
    why_it_matters="Hotjar does not record longer event names.",
    example='{"type": "track", "userId": "u1", "event": "' + "Clicked " * 32 + '"}',
    instead='{"type": "track", "userId": "u1", "event": "Clicked"}',
    source="Hotjar's Events API docs as quoted by two integrations.",
    confidence="medium",
    references=(HOTJAR_EVENTS_API,),
)

EVENT_NAME_INVALID_CHARACTERS = Rule(
    code="HJ303",
    applies_to="track",
    name="event-name-invalid-characters",
    severity=Severity.ERROR,
    effect=Effect.REJECTED,
    message="Event name has characters Hotjar does not allow",
    what_it_does="Flags an event name that is not a string, or that has characters other than ASCII "
    "letters, digits, space, underscore, hyphen, period, colon, pipe and slash (setting "
    "`event-name-characters`; Hotjar's 2022 docs allowed only `A-Za-z0-9-_`).",
    why_it_matters="Hotjar does not record such events.",
    example='{"type": "track", "userId": "u1", "event": "Checkout (step 2)"}',
    instead='{"type": "track", "userId": "u1", "event": "Checkout: step 2"}',
    source="Hotjar's Events API docs as quoted by two integrations.",
    confidence="medium",
    references=(HOTJAR_EVENTS_API,),
)

EVENT_LIMIT_EXCEEDED = Rule(
    code="HJ304",
    applies_to="track",
    name="event-limit-exceeded",
    severity=Severity.ERROR,
    effect=Effect.REJECTED,
    message="Site already has the maximum number of events",
    what_it_does="Flags an event whose name is new after the site's first 10,000 distinct event names "
    "(setting `max-events`), counted in input order over the events that survive every other rule.",
    why_it_matters="Hotjar keeps at most 10,000 distinct events per site; later names are not recorded. "
    "Unbounded names (ids, URLs) in event names are the usual cause: `hotjar-cli inventory` names the templates "
    "that fill the budget (`Viewed Article {n}`) and when it filled.",
    example='{"type": "track", "userId": "u1", "event": "Signed Up"}\n'
    '{"type": "track", "userId": "u1", "event": "Plan Chosen"}\n'
    '{"type": "track", "userId": "u2", "event": "Invited Teammate"}',
    instead='{"type": "track", "userId": "u1", "event": "Signed Up"}\n'
    '{"type": "track", "userId": "u1", "event": "Plan Chosen"}\n'
    '{"type": "track", "userId": "u2", "event": "Signed Up"}',
    example_limits={"max_events": 2},
    source="Hotjar's Events API docs.",
    confidence="medium",
    references=(HOTJAR_EVENTS_API,),
)

EVENT_NAME_HIGH_CARDINALITY = Rule(
    code="HJ305",
    applies_to="track",
    name="event-name-high-cardinality",
    severity=Severity.WARNING,
    effect=Effect.NOTED,
    message="Event name holds an unbounded value",
    what_it_does="Flags an event name that contains an email address, an IP address (v4 or v6), a URL, a UUID "
    "(`550e8400-e29b-41d4-a716-446655440000`, either case), a hex id (a word of 8 or more hex digits with a digit "
    "and a letter in it: `5f2b9c1e7a`, where `deadbeef` is a word), a number of 9 or more digits, a timestamp or "
    "a date (`2024-03-10`, `20240310`, years 1800 to 2999). A UUID or a hex id counts only where no other letter "
    "or digit touches it (`doc_5f2b9c1e7a` holds one, `v5f2b9c1e7a` does not). A name another rule rejects for "
    "itself (HJ302, HJ303) is not flagged too: Hotjar never receives it.",
    why_it_matters="Hotjar asks for no personal data or high-cardinality values in event names; they "
    "also use up the site's 10,000 distinct events.",
    example='{"type": "track", "userId": "u1", "event": "Order 1234567890 Completed"}',
    instead='{"type": "track", "userId": "u1", "event": "Order Completed"}',
    source="Hotjar's Events API guidance.",
    confidence="medium",
    references=(HOTJAR_EVENTS_API,),
)


CATALOGUE: tuple[Rule, ...] = (
    INVALID_JSON,
    NOT_AN_OBJECT,
    UNKNOWN_TYPE,
    INVALID_BATCH,
    SPEC_VIOLATION,
    UNSUPPORTED_TYPE,
    DISABLED_FOR_HOTJAR,
    MISSING_USER_ID,
    MISSING_EVENT_NAME,
    RESERVED_TRAIT_ID,
    NON_STRING_USER_ID,
    INVALID_TRAITS,
    EMAIL_AS_USER_ID,
    NOT_FROM_A_BROWSER,
    UNCOPYABLE_MESSAGE,
    NESTED_TRAIT,
    LIST_TRAIT,
    ATTRIBUTE_NAME_TOO_LONG,
    ATTRIBUTE_VALUE_TOO_LONG,
    UNSAFE_NUMBER,
    ATTRIBUTE_LIMIT_EXCEEDED,
    PROTO_TRAIT,
    EVENT_PROPERTIES_DROPPED,
    EVENT_NAME_TOO_LONG,
    EVENT_NAME_INVALID_CHARACTERS,
    EVENT_LIMIT_EXCEEDED,
    EVENT_NAME_HIGH_CARDINALITY,
)
"""Every rule, in code order: the order of reports and of `hotjar-cli rules`."""

RULES: dict[str, Rule] = {rule.code: rule for rule in CATALOGUE}
"""The catalogue by code."""

RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in CATALOGUE}
"""The catalogue by kebab-case name."""


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by its code (any case) or its name."""
    return RULES.get(code_or_name.upper()) or RULES_BY_NAME.get(code_or_name.lower())


def see_rules(entry: str) -> str:
    """What to say after an entry that names no rule: the rules it is close to, then where every rule is listed.
    `103` is HJ103's number without its letters; `missing-userid` a name mistyped; `HJ13` a code."""
    text = entry.strip()
    near = []
    if text.isascii() and text.isdigit() and f"HJ{text}" in RULES:
        near.append(f"HJ{text}")
    near += difflib.get_close_matches(text.upper(), RULES, n=3, cutoff=0.8)
    near += (RULES_BY_NAME[name].code for name in difflib.get_close_matches(text.lower(), RULES_BY_NAME, cutoff=0.75))
    named = [f"{code} {RULES[code].name}" for code in dict.fromkeys(near)][:3]
    if not named:
        return "see `hotjar-cli rules`"
    close = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
    return f"did you mean {close}? see `hotjar-cli rules`"


def markdown_table() -> str:
    """The catalogue as a Markdown table, one row per rule: code, name, severity and effect.

    README.md's rule table is this text; `hotjar-cli rules --format markdown` prints it.
    """
    rows = ["| code | name | severity | effect |", "| --- | --- | --- | --- |"]
    for rule in CATALOGUE:
        effect = rule.effect.value  # as `rules`, `rule CODE` and the JSON reports spell it: one word to search for
        if rule.schema_explained:
            effect += " (explained against `schemas/`)"
        rows.append(f"| {rule.code} | {rule.name} | {rule.severity.value} | {effect} |")
    return "\n".join(rows) + "\n"
