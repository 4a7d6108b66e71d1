"""The mapping core, example by example: the exact `hj` call, every finding, and the outcome of each message."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotjar_cli.core.decode import (
    SegmentMessage,
    Unreadable,
    context_timezone,
    decode_fields,
    library_version,
    parse_line,
)
from hotjar_cli.core.eventtime import event_seconds, iso
from hotjar_cli.core.limits import MAX_SAFE_INTEGER, Limits
from hotjar_cli.core.mapping import (
    NAME_LENGTH_REMEMBERED,
    NAMES_REMEMBERED,
    TIMESTAMP_NOT_A_DATE_TIME,
    Mapper,
    described,
    json_path,
    user_key,
)
from hotjar_cli.core.model import Decision, Finding, Outcome
from hotjar_cli.core.rules import RULES

EMOJI = "\N{GRINNING FACE}"  # one character in Python, two UTF-16 code units in JavaScript


def decide(message: Any, limits: Limits | None = None, mapper: Mapper | None = None) -> Decision:
    """The decision for one message (a dict, serialised as a Segment log line would be, or raw text)."""
    decisions = decide_all(message, limits, mapper)
    assert len(decisions) == 1
    return decisions[0]


def decide_all(message: Any, limits: Limits | None = None, mapper: Mapper | None = None) -> list[Decision]:
    raw = message.encode() if isinstance(message, str) else json.dumps(message).encode()
    mapper = mapper if mapper is not None else Mapper(limits if limits is not None else Limits())
    return [mapper.decide(parsed) for parsed in parse_line(raw)[0]]


def identify(traits: Any = None, user_id: Any = "u1", **fields: Any) -> dict[str, Any]:
    message = {"type": "identify", "userId": user_id, **fields}
    if traits is not None:
        message["traits"] = traits
    return message


def track(event: Any = "Signed Up", **fields: Any) -> dict[str, Any]:
    return {"type": "track", "userId": "u1", "event": event, **fields}


def shown_findings(message: Any) -> tuple[Finding, ...]:
    """The findings of one message as a report shows them, details worked out."""
    raw = message if isinstance(message, bytes) else json.dumps(message).encode()
    parsed = parse_line(raw)[0][0]
    return described(Mapper(Limits()).decide(parsed).findings, parsed)


def codes(decision: Decision) -> list[str]:
    return [finding.code for finding in decision.findings]


# The exact calls


def test_identify_call_carries_user_id_and_every_scalar_trait() -> None:
    traits = {
        "plan": "pro",
        "seats": 3,
        "trial": True,
        "score": 1.5,
        "churned_at": None,
        "signup": "2020-04-10T21:07:00Z",
        "first name": "Peter",
        "negative": -(2**53 - 1),
    }
    decision = decide(identify(traits))
    assert decision == Decision(Outcome.ACCEPTED, decision.call, ())
    assert decision.call.args == ["identify", "u1", traits]


@pytest.mark.parametrize("traits", [None, {}], ids=["no traits", "empty traits"])
def test_identify_without_traits_sends_empty_attributes(traits: Any) -> None:
    message = identify()
    if traits is not None:
        message["traits"] = traits
    decision = decide(message)
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.call.args == ["identify", "u1", {}]


def test_identify_with_null_traits_is_accepted() -> None:
    decision = decide('{"type": "identify", "userId": "u1", "traits": null}')
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.call.args == ["identify", "u1", {}]


def test_track_call_carries_only_the_event_name() -> None:
    decision = decide(track("Signed Up"))
    assert decision == Decision(Outcome.ACCEPTED, decision.call, ())
    assert decision.call.args == ["event", "Signed Up"]


def test_track_needs_no_user_id() -> None:
    decision = decide({"type": "track", "anonymousId": "a1", "event": "Signed Up"})
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.call.args == ["event", "Signed Up"]


def test_context_traits_are_not_read() -> None:
    decision = decide(identify(context={"traits": {"address": {"city": "Malta"}}}))
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.call.args == ["identify", "u1", {}]


def test_properties_of_identify_are_not_read() -> None:
    decision = decide(identify({"plan": "pro"}, properties={"a": 1}))
    assert decision.outcome is Outcome.ACCEPTED


# User ids


def test_trait_id_is_removed() -> None:
    decision = decide(identify({"id": "crm-42", "plan": "pro"}))
    assert decision.outcome is Outcome.MODIFIED
    assert decision.findings == (Finding("HJ105", "$.traits.id", decision.findings[0].detail),)
    assert decision.call.args == ["identify", "u1", {"plan": "pro"}]


@pytest.mark.parametrize("value", [None, "crm-42", {"a": 1}, [1]], ids=["null", "string", "object", "list"])
def test_trait_id_is_removed_whatever_its_value_with_one_finding(value: Any) -> None:
    decision = decide(identify({"id": value}))
    assert codes(decision) == ["HJ105"]
    assert decision.call.args == ["identify", "u1", {}]


@pytest.mark.parametrize(
    "line",
    [
        '{"type": "identify", "traits": {"plan": "pro"}}',
        '{"type": "identify", "userId": null, "traits": {"plan": "pro"}}',
        '{"type": "identify", "userId": "", "traits": {"plan": "pro"}}',
        '{"type": "identify", "userId": 0, "traits": {"plan": "pro"}}',
        '{"type": "identify", "userId": -0, "traits": {"plan": "pro"}}',
        '{"type": "identify", "userId": 0.0, "traits": {"plan": "pro"}}',
        '{"type": "identify", "userId": false, "traits": {"plan": "pro"}}',
    ],
    ids=["missing", "null", "empty", "zero", "minus zero", "zero float", "false"],
)
def test_falsy_user_id_rejects_the_identify(line: str) -> None:
    decision = decide(line.replace('{"type"', '{"anonymousId": "a1", "type"'))
    assert decision.outcome is Outcome.REJECTED
    assert decision.call is None
    assert codes(decision) == ["HJ103"]
    assert decision.findings[0].path == "$.userId"


def test_falsy_user_id_is_not_replaced_by_anonymous_id() -> None:
    decision = decide({"type": "identify", "anonymousId": "a1", "traits": {"address": {"city": "x"}}})
    # The message is rejected before its traits are looked at: nothing of it reaches Hotjar.
    assert codes(decision) == ["HJ103"]


@pytest.mark.parametrize(
    ("user_id", "sent"),
    [
        (42, "42"),
        ([], ""),
        ({}, "[object Object]"),
        (True, "true"),
        (1e21, "1e+21"),
        (1.5, "1.5"),
        (-7, "-7"),
        ([1, [2, None]], "1,2,"),
        (2**53 + 1, "9007199254740992"),
    ],
    ids=repr,
)
def test_truthy_non_string_user_id_is_sent_as_javascript_string(user_id: Any, sent: str) -> None:
    decision = decide(identify({"plan": "pro"}, user_id=user_id))
    assert decision.outcome is Outcome.MODIFIED
    assert codes(decision) == ["HJ106"]
    assert decision.findings[0].path == "$.userId"
    assert decision.call.args == ["identify", sent, {"plan": "pro"}]


@pytest.mark.parametrize("user_id", ["0", "false", " ", "null"])
def test_truthy_strings_are_user_ids_as_they_are(user_id: str) -> None:
    decision = decide(identify(user_id=user_id))
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.call.args == ["identify", user_id, {}]


def test_email_user_id_is_noted_and_sent() -> None:
    decision = decide(identify({"plan": "pro"}, user_id="peter@example.com"))
    assert decision.outcome is Outcome.ACCEPTED
    assert codes(decision) == ["HJ108"]
    assert decision.call.args == ["identify", "peter@example.com", {"plan": "pro"}]


@pytest.mark.parametrize("traits", ['"pro"', "[]", '["pro"]', "5", "true"])
def test_traits_that_are_not_an_object_reject_the_identify(traits: str) -> None:
    decision = decide(f'{{"type": "identify", "userId": "u1", "traits": {traits}}}')
    assert decision.outcome is Outcome.REJECTED
    assert decision.call is None
    assert decision.findings == (Finding("HJ107", "$.traits", decision.findings[0].detail),)


@pytest.mark.parametrize("traits", ['""', "0", "-0", "0.0", "false"])
def test_falsy_traits_read_as_none(traits: str) -> None:
    # Segment's facade takes `traits || {}` (tests/core/test_segment_integration.py asks it).
    decision = decide(f'{{"type": "identify", "userId": "u1", "traits": {traits}}}')
    assert decision == Decision(Outcome.ACCEPTED, decision.call, ())
    assert decision.call.args == ["identify", "u1", {}]


def test_user_key_prefers_user_id_as_hotjar_sees_it() -> None:
    def parsed(message: dict[str, Any]) -> SegmentMessage:
        return parse_line(json.dumps(message).encode())[0][0]

    assert user_key(parsed({"userId": 42, "anonymousId": "a1"})) == "42"
    assert user_key(parsed({"userId": "", "anonymousId": "a1"})) == "a1"
    assert user_key(parsed({"userId": 0})) is None
    assert user_key(parsed({})) is None


# Integrations


@pytest.mark.parametrize(
    ("integrations", "path"),
    [
        ({"Hotjar": False}, "$.integrations.Hotjar"),
        ({"All": False}, "$.integrations.All"),
        ({"All": True, "Hotjar": False}, "$.integrations.Hotjar"),
        ({"All": False, "hotjar": True}, "$.integrations.All"),
        ({"All": False, "HOTJAR": {"a": 1}}, "$.integrations.All"),
    ],
    ids=["Hotjar false", "All false", "All true Hotjar false", "lowercase hotjar", "uppercase HOTJAR"],
)
def test_disabled_for_hotjar_ignores_the_message(integrations: dict[str, Any], path: str) -> None:
    for message in (
        track(integrations=integrations),
        identify({"a": {}}, integrations=integrations),
        identify(user_id=None, anonymousId="a1", integrations=integrations),
        {"type": "page", "userId": "u1", "integrations": integrations},
    ):
        decision = decide(message)
        assert decision.outcome is Outcome.IGNORED
        assert decision.call is None
        assert decision.findings == (Finding("HJ102", path, ""),)


@pytest.mark.parametrize(
    "integrations",
    [
        {"All": False, "Hotjar": True},
        {"All": False, "Hotjar": {"trackingId": "123"}},
        {"All": False, "Hotjar": {}},
        {"hotjar": False},
        {"All": True},
        {"Hotjar": True},
        {"Hotjar": 0},
        {"All": 0},
        {},
        None,
        "Hotjar",
        ["Hotjar"],
    ],
    ids=repr,
)
def test_enabled_for_hotjar(integrations: Any) -> None:
    decision = decide(track(integrations=integrations))
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.call.args == ["event", "Signed Up"]


# analytics-next reads `integrations` as `integrations.Hotjar ?? (integrations.All !== false)` (packages/core's
# event queue): a null `Hotjar` falls through to `All`, a falsy one disables. Classic analytics.js keeps both.

NEXT = {"library": {"name": "analytics.js", "version": "next-1.84.1"}}
NEXT_FROM_NPM = {"library": {"name": "analytics.js", "version": "npm:next-1.84.1"}}
CLASSIC = {"library": {"name": "analytics.js", "version": "4.1.0"}}


@pytest.mark.parametrize("context", [NEXT, NEXT_FROM_NPM], ids=["cdn", "npm"])
@pytest.mark.parametrize(
    ("integrations", "path"),
    [
        ({"All": False, "Hotjar": None}, "$.integrations.All"),
        ({"Hotjar": 0}, "$.integrations.Hotjar"),
        ({"All": True, "Hotjar": ""}, "$.integrations.Hotjar"),
        ({"Hotjar": False}, "$.integrations.Hotjar"),
        ({"All": False}, "$.integrations.All"),
    ],
    ids=repr,
)
def test_analytics_next_drops_what_its_rule_drops(
    context: dict[str, Any], integrations: dict[str, Any], path: str
) -> None:
    for message in (
        track(integrations=integrations, context=context),
        identify({"plan": "pro"}, integrations=integrations, context=context),
    ):
        decision = decide(message)
        assert decision.outcome is Outcome.IGNORED
        assert decision.findings == (Finding("HJ102", path, ""),)


@pytest.mark.parametrize("context", [NEXT, NEXT_FROM_NPM], ids=["cdn", "npm"])
@pytest.mark.parametrize(
    "integrations",
    [
        {"All": False, "Hotjar": True},
        {"All": False, "Hotjar": {}},
        {"All": True, "Hotjar": None},
        {"Hotjar": None},
        {"All": 0, "Hotjar": None},
    ],
    ids=repr,
)
def test_analytics_next_keeps_what_its_rule_keeps(context: dict[str, Any], integrations: dict[str, Any]) -> None:
    assert decide(track(integrations=integrations, context=context)).outcome is Outcome.ACCEPTED


# Segment's Hotjar destination runs only in the browser: a message that says a server or mobile library sent it never
# reached Hotjar (HJ109), whatever its type, its `integrations` or its other findings.

SERVER_AND_MOBILE_LIBRARIES = [
    "analytics-node",
    "@segment/analytics-node",
    "analytics-python",
    "analytics-ruby",
    "analytics-go",
    "analytics-java",
    "analytics-php",
    "Analytics.NET",
    "analytics-ios",
    "analytics-android",
    "analytics-react-native",
    "analytics-swift",
    "analytics-kotlin",
    "analytics-flutter",
]


def outside_messages(**fields: Any) -> list[dict[str, Any]]:
    """A message of each kind that would otherwise reach Hotjar or be judged on its own rules, with `fields`."""
    return [
        track(**fields),
        identify({"plan": "pro", "address": {"city": "Oslo"}}, **fields),
        identify(user_id=None, anonymousId="a1", **fields),
        track(event="Checkout (step 2)", **fields),
        {"type": "page", "userId": "u1", **fields},
        track(integrations={"Hotjar": False}, **fields),
    ]


@pytest.mark.parametrize("channel", ["server", "mobile"])
def test_a_server_or_mobile_channel_is_ignored(channel: str) -> None:
    for message in outside_messages(channel=channel, context=CLASSIC):
        decision = decide(message)
        assert decision == Decision(
            Outcome.IGNORED, None, (Finding("HJ109", "$.channel", f'channel is "{channel}"'),)
        ), message


@pytest.mark.parametrize("library", SERVER_AND_MOBILE_LIBRARIES)
def test_a_server_or_mobile_library_is_ignored(library: str) -> None:
    for message in outside_messages(context={"library": {"name": library, "version": "1.0.0"}, "ip": "1.2.3.4"}):
        decision = decide(message)
        assert decision.outcome is Outcome.IGNORED, message
        assert decision.call is None
        assert codes(decision) == ["HJ109"]
        assert decision.findings[0].path == "$.context.library.name"
        assert decision.findings[0].detail.startswith(f"sent by {library}, a Segment ")


def test_early_analytics_ios_names_itself_as_the_library() -> None:
    decision = decide(track(context={"library": "analytics-ios", "library-version": "0.9"}))
    assert decision.findings == (
        Finding("HJ109", "$.context.library", "sent by analytics-ios, a Segment mobile library"),
    )


@pytest.mark.parametrize(
    ("users", "said"),
    [
        ({}, "neither userId nor anonymousId is set"),
        ({"userId": 0}, "neither userId nor anonymousId is set (userId is 0)"),
        (
            {"userId": "", "anonymousId": False},
            "neither userId nor anonymousId is set (userId is an empty string and anonymousId is false)",
        ),
    ],
)
def test_a_user_given_a_value_javascript_reads_as_none_is_named_as_given(users: dict, said: str) -> None:
    # `"userId": -0` was told "neither userId nor anonymousId is set", beside the userId it had.
    findings = decide({"type": "track", "event": "x", **users}).findings
    assert [finding.detail for finding in findings if finding.code == "HJ005"] == [said]


def test_the_channel_is_found_before_the_library_and_spec_findings_stay() -> None:
    message = {"type": "track", "event": "x", "channel": "mobile", "context": {"library": {"name": "analytics-python"}}}
    assert decide(message).findings == (
        Finding("HJ005", "$", "neither userId nor anonymousId is set"),
        Finding("HJ109", "$.channel", 'channel is "mobile"'),
    )
    # Of no known type, a message is invalid first.
    assert codes(decide({"type": "Track", "userId": "u1", "channel": "server"})) == ["HJ003"]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"channel": "client"},
        {"channel": "browser"},
        {"channel": "Server"},
        {"channel": "server "},
        {"channel": ["server"]},
        {"channel": None},
        {"context": CLASSIC},
        {"context": NEXT, "channel": "client"},
        {"context": {"library": {"name": "analytics-Python"}}},
        {"context": {"library": {"name": "analytics-csharp"}}},
        {"context": {"library": {"name": ["analytics-node"]}}},
        {"context": {"library": {"version": "analytics-node"}}},
        {"context": {"library": None}},
        {"context": {"libraries": {"name": "analytics-node"}}},
        {"context": {"app": {"name": "analytics-ios"}, "page": {"url": "https://example.com/analytics-node"}}},
        {"context": ["analytics-node"]},
        {"context": "analytics-node"},
        {"context": 3},
    ],
    ids=repr,
)
def test_only_what_says_server_or_mobile_is_set_apart(fields: dict[str, Any]) -> None:
    decision = decide(track(**fields))
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.call.args == ["event", "Signed Up"]


def test_batch_items_take_the_envelopes_library_and_channel_unless_they_name_their_own() -> None:
    envelope = {
        "batch": [
            track(),
            track(context={"library": {"name": "analytics.js"}}),
            track(channel="server"),
            identify({"plan": "pro"}, context={"timezone": "Europe/Oslo"}),
        ],
        "context": {"library": {"name": "analytics-python", "version": "2.3.2"}},
    }
    decisions = decide_all(envelope)
    assert [decision.outcome for decision in decisions] == [
        Outcome.IGNORED,
        Outcome.ACCEPTED,
        Outcome.IGNORED,
        Outcome.IGNORED,
    ]
    assert [finding.path for decision in decisions for finding in decision.findings] == [
        "$.context.library.name",
        "$.channel",
        "$.context.library.name",
    ]
    assert decide_all({**envelope, "context": {"timezone": "Europe/Oslo"}})[0].outcome is Outcome.ACCEPTED


def test_a_log_of_names_never_met_again_fills_no_memory_past_its_bound() -> None:
    # Every track a new event name and every identify a new trait past a full site: each name is judged (and turned
    # away) once, and a mapper remembering them all grew by some 600 bytes a name, to about 60 MB.
    mapper = Mapper(Limits(max_events=1, max_attributes=1))
    for number in range(NAMES_REMEMBERED + 500):
        parsed = [
            SegmentMessage(type="track", userId="u1", event=f"Event {number}"),
            SegmentMessage(type="identify", userId="u1", traits={f"trait_{number}": 1}),
        ]
        decisions = [mapper.decide(message) for message in parsed]
        assert [decision.outcome for decision in decisions] == (
            [Outcome.ACCEPTED, Outcome.ACCEPTED] if number == 0 else [Outcome.REJECTED, Outcome.MODIFIED]
        )
    remembered = mapper.remembered()
    assert max(remembered.values()) == NAMES_REMEMBERED, remembered
    turned_away = decide(identify({"trait_late": 1}), mapper=mapper).findings
    assert [(finding.code, finding.path, finding.detail) for finding in turned_away] == [
        ("HJ206", "$.traits.trait_late", "1 name is held; this one is new")
    ]


def test_a_name_too_long_to_remember_is_judged_afresh_each_time() -> None:
    # A thousand event names of 200,000 characters were remembered whole: 200 MB.
    mapper = Mapper(Limits())
    judged = mapper.remembered()["event names judged"]
    too_long = "N" * (NAME_LENGTH_REMEMBERED + 1)
    for number in range(3):
        findings = decide(track(f"{too_long}{number}"), mapper=mapper).findings
        assert [finding.code for finding in findings] == ["HJ302"]
        assert decide(identify({f"{too_long}{number}": 1}), mapper=mapper).findings[0].code == "HJ203"
    assert mapper.remembered()["event names judged"] == judged
    decide(track("Remembered"), mapper=mapper)
    assert mapper.remembered()["event names judged"] in (judged, judged + 1)  # shared with other tests' mappers


def test_a_server_track_offers_no_name_to_the_site() -> None:
    mapper = Mapper(Limits(max_events=1, max_attributes=1))
    server = {"library": {"name": "analytics-node"}}
    assert decide(track("From Server", context=server), mapper=mapper).outcome is Outcome.IGNORED
    assert decide(identify({"server_trait": 1}, context=server), mapper=mapper).outcome is Outcome.IGNORED
    assert decide(track("From Browser"), mapper=mapper).call.args == ["event", "From Browser"]
    assert decide(identify({"browser_trait": 1}), mapper=mapper).call.args == ["identify", "u1", {"browser_trait": 1}]


@pytest.mark.parametrize(
    "context",
    [
        None,
        {},
        CLASSIC,
        {"library": "next-1.0"},
        {"library": {"version": 1}},
        {"library": {"version": "1.0-next-"}},
        "next-",
    ],
    ids=repr,
)
@pytest.mark.parametrize("integrations", [{"All": False, "Hotjar": None}, {"Hotjar": 0}], ids=repr)
def test_other_libraries_keep_the_classic_rule(context: Any, integrations: dict[str, Any]) -> None:
    message = track(integrations=integrations)
    if context is not None:
        message["context"] = context
    assert decide(message).outcome is Outcome.ACCEPTED


def test_analytics_next_items_of_a_batch_are_read_with_the_envelope_integrations() -> None:
    line = json.dumps(
        {
            "batch": [
                {"type": "track", "userId": "u1", "event": "A", "context": NEXT, "integrations": {"Hotjar": None}},
                {"type": "track", "userId": "u1", "event": "B", "context": CLASSIC, "integrations": {"Hotjar": None}},
            ],
            "integrations": {"All": False},
        }
    )
    assert [decision.outcome for decision in decide_all(line)] == [Outcome.IGNORED, Outcome.ACCEPTED]


def test_analytics_next_items_of_a_batch_are_read_with_the_envelope_context() -> None:
    # The envelope's context applies to every item: its library decides how their integrations are read, unless an
    # item names its own.
    line = json.dumps(
        {
            "batch": [
                {"type": "track", "userId": "u1", "event": "A", "integrations": {"Hotjar": None}},
                {"type": "track", "userId": "u1", "event": "B", "context": CLASSIC, "integrations": {"Hotjar": None}},
            ],
            "context": NEXT,
            "integrations": {"All": False},
        }
    )
    assert [decision.outcome for decision in decide_all(line)] == [Outcome.IGNORED, Outcome.ACCEPTED]


# Traits Hotjar rejects


@pytest.mark.parametrize(
    ("value", "code", "detail"),
    [
        ({"city": "San Francisco", "zip": "94103"}, "HJ201", "an object with 2 keys"),
        ({"city": "San Francisco"}, "HJ201", "an object with 1 key"),
        ({}, "HJ201", "an object with 0 keys"),
        (["admin", "editor"], "HJ202", "a list of 2 items"),
        (["admin"], "HJ202", "a list of 1 item"),
        ([], "HJ202", "a list of 0 items"),
    ],
    ids=repr,
)
def test_nested_and_list_traits_are_dropped(value: Any, code: str, detail: str) -> None:
    decision = decide(identify({"plan": "pro", "x": value}))
    assert decision.outcome is Outcome.MODIFIED
    assert decision.findings == (Finding(code, "$.traits.x", detail),)
    assert decision.call.args == ["identify", "u1", {"plan": "pro"}]


def test_paths_quote_names_that_are_not_identifiers() -> None:
    decision = decide(identify({"home address": {}, 'say "hi"': [], "$ok_1": {}}))
    assert [finding.path for finding in decision.findings] == [
        '$.traits["home address"]',
        '$.traits["say \\"hi\\""]',
        "$.traits.$ok_1",
    ]
    assert json_path("$.traits", "1st") == '$.traits["1st"]'


# Lengths are JavaScript's: UTF-16 code units


@pytest.mark.parametrize(
    ("name", "dropped"),
    [
        ("n" * 50, False),
        ("n" * 51, True),
        (EMOJI * 25, False),
        (EMOJI * 26, True),
        ("n" * 49 + EMOJI, True),
        ("n" * 48 + EMOJI, False),
        ("é" * 50, False),
        ("é" * 51, True),
    ],
    ids=["50", "51", "25 emoji", "26 emoji", "49 + emoji", "48 + emoji", "50 accented", "51 accented"],
)
def test_attribute_name_length_boundary(name: str, dropped: bool) -> None:
    decision = decide(identify({name: 1}))
    if dropped:
        assert codes(decision) == ["HJ203"]
        assert decision.call.args == ["identify", "u1", {}]
        assert "the limit is 50" in decision.findings[0].detail
    else:
        assert decision.findings == ()
        assert decision.call.args == ["identify", "u1", {name: 1}]


def test_attribute_name_length_detail_counts_code_units() -> None:
    decision = decide(identify({EMOJI * 26: 1}))
    assert decision.findings[0].detail == "the name is 52 characters long; the limit is 50"


@pytest.mark.parametrize(
    ("value", "dropped"),
    [
        ("v" * 200, False),
        ("v" * 201, True),
        (EMOJI * 100, False),
        (EMOJI * 101, True),
        ("v" * 199 + EMOJI, True),
        ("v" * 198 + EMOJI, False),
        ("日" * 200, False),
        ("日" * 201, True),
    ],
    ids=["200", "201", "100 emoji", "101 emoji", "199 + emoji", "198 + emoji", "200 CJK", "201 CJK"],
)
def test_attribute_value_length_boundary(value: str, dropped: bool) -> None:
    decision = decide(identify({"bio": value}))
    if dropped:
        assert decision.findings == (Finding("HJ204", "$.traits.bio", decision.findings[0].detail),)
        assert decision.call.args == ["identify", "u1", {}]
    else:
        assert decision.findings == ()
        assert decision.call.args == ["identify", "u1", {"bio": value}]


def test_attribute_value_length_detail_counts_code_units() -> None:
    decision = decide(identify({"bio": EMOJI * 101}))
    assert decision.findings[0].detail == "the value is 202 characters long; the limit is 200"


@pytest.mark.parametrize(
    ("name", "rejected"),
    [
        ("E" * 250, False),
        ("E" * 251, True),
        ("Clicked " * 31 + "Go", False),
        ("Clicked " * 31 + "Go!", True),
    ],
    ids=["250", "251", "250 in words", "251 in words"],
)
def test_event_name_length_boundary(name: str, rejected: bool) -> None:
    decision = decide(track(name))
    if rejected:
        assert decision == Decision(
            Outcome.REJECTED, None, (Finding("HJ302", "$.event", "the name is 251 characters long; the limit is 250"),)
        )
    else:
        assert decision.outcome is Outcome.ACCEPTED
        assert decision.call.args == ["event", name]


def test_event_name_length_counts_code_units() -> None:
    # Allow every character, so only the length decides.
    limits = Limits(event_name_characters=r"\s\S")
    assert decide(track(EMOJI * 125), limits).call.args == ["event", EMOJI * 125]
    assert codes(decide(track(EMOJI * 126), limits)) == ["HJ302"]
    assert codes(decide(track("E" * 249 + EMOJI), limits)) == ["HJ302"]


# Numbers


@pytest.mark.parametrize(
    ("value", "dropped"),
    [
        (MAX_SAFE_INTEGER, False),
        (-MAX_SAFE_INTEGER, False),
        (2**53, True),
        (-(2**53), True),
        (12345678901234567890, True),
        (10**30, True),
        (1e300, True),
        (-1e300, True),
        (10**300, True),  # an integer beyond a double's range: Python holds it exactly, JavaScript cannot
        (-(10**300), True),
        (1e16, True),
        (9007199254740991.0, False),
        (1.5, False),
        (0, False),
        (-0.0, False),
        (True, False),
        (False, False),
    ],
    ids=repr,
)
def test_safe_integer_boundary(value: Any, dropped: bool) -> None:
    decision = decide(identify({"n": value}))
    if dropped:
        assert decision.findings == (Finding("HJ205", "$.traits.n", decision.findings[0].detail),)
        assert decision.call.args == ["identify", "u1", {}]
    else:
        assert decision.findings == ()
        assert decision.call.args == ["identify", "u1", {"n": value}]


@pytest.mark.parametrize(
    ("value", "exactly"),
    [
        (2**60, True),  # a double of its own
        (2**53 + 1, False),  # read as 2^53
        (12345678901234567890, False),
        (10**400, False),  # past every double: JavaScript reads Infinity
        (-(2**53 + 1), False),
        (1e308, True),  # written with an exponent: read as the browser reads it
        (9007199254740993.0, True),
    ],
    ids=repr,
)
def test_an_unsafe_number_says_when_the_browser_cannot_hold_it_exactly(value: Any, exactly: bool) -> None:
    (finding,) = decide(identify({"n": value})).findings
    outside = "the number is outside ±(2^53 − 1), JavaScript's safe-integer range"
    assert finding.detail == (outside if exactly else outside + ", and the browser cannot hold it exactly")


def test_number_too_large_for_a_double_makes_the_line_invalid() -> None:
    decision = decide('{"type": "identify", "userId": "u1", "traits": {"n": 1e400}}')
    assert decision.outcome is Outcome.INVALID
    assert codes(decision) == ["HJ001"]


# The site's attribute limit


def test_attribute_limit_counts_names_in_input_order_and_keeps_known_names() -> None:
    mapper = Mapper(Limits(max_attributes=2))
    first = decide(identify({"plan": "pro", "seats": 3}), mapper=mapper)
    second = decide(identify({"plan": "free", "company": "Initech", "team": "a"}, user_id="u2"), mapper=mapper)
    third = decide(identify({"seats": 1}, user_id="u3"), mapper=mapper)
    assert first.outcome is Outcome.ACCEPTED
    assert second.outcome is Outcome.MODIFIED
    assert second.findings == (
        Finding("HJ206", "$.traits.company", "2 names are held; this one is new"),
        Finding("HJ206", "$.traits.team", "2 names are held; this one is new"),
    )
    assert second.call.args == ["identify", "u2", {"plan": "free"}]
    assert third.outcome is Outcome.ACCEPTED


def test_attribute_limit_counts_null_values() -> None:
    mapper = Mapper(Limits(max_attributes=2))
    decide(identify({"a": None, "b": None}), mapper=mapper)
    decision = decide(identify({"c": "x"}), mapper=mapper)
    assert codes(decision) == ["HJ206"]


def test_attribute_limit_ignores_values_dropped_by_other_rules() -> None:
    mapper = Mapper(Limits(max_attributes=2))
    dropped = decide(
        identify({"id": "x", "nested": {"a": 1}, "list": [1], "n" * 51: 1, "big": 2**53, "long": "v" * 201, "kept": 1}),
        mapper=mapper,
    )
    assert codes(dropped) == ["HJ105", "HJ201", "HJ202", "HJ203", "HJ205", "HJ204"]
    assert dropped.call.args == ["identify", "u1", {"kept": 1}]
    # The names whose values were dropped did not use up the site's room: "nested" is new here.
    later = decide(identify({"nested": "now flat"}), mapper=mapper)
    assert later.findings == ()
    full = decide(identify({"list": "now flat"}), mapper=mapper)
    assert codes(full) == ["HJ206"]


def test_attribute_limit_ignores_rejected_and_ignored_messages() -> None:
    mapper = Mapper(Limits(max_attributes=2))
    for message in (
        identify({"a": 1, "b": 1}, user_id=None),
        identify({"c": 1}, integrations={"Hotjar": False}),
        {"type": "group", "userId": "u1", "traits": {"d": 1}},
        {"type": "track", "userId": "u1", "event": "x", "traits": {"e": 1}},
    ):
        decide(message, mapper=mapper)
    assert codes(decide('{"type": "identify", "userId": "u1", "traits": ["f"]}', mapper=mapper)) == ["HJ107"]
    decision = decide(identify({"x": 1, "y": 2}), mapper=mapper)
    assert decision.findings == ()
    assert decision.call.args == ["identify", "u1", {"x": 1, "y": 2}]


def test_attribute_limit_default_is_one_hundred_names() -> None:
    mapper = Mapper(Limits())
    accepted = decide(identify({f"trait_{index}": index for index in range(100)}), mapper=mapper)
    assert accepted.findings == ()
    decision = decide(identify({"trait_0": 0, "trait_100": 100}), mapper=mapper)
    assert decision.findings == (Finding("HJ206", "$.traits.trait_100", "100 names are held; this one is new"),)
    assert decision.call.args == ["identify", "u1", {"trait_0": 0}]


# The site's event limit


def test_event_limit_counts_distinct_names_in_input_order() -> None:
    mapper = Mapper(Limits(max_events=2))
    assert decide(track("A"), mapper=mapper).outcome is Outcome.ACCEPTED
    assert decide(track("B"), mapper=mapper).outcome is Outcome.ACCEPTED
    over = decide(track("C"), mapper=mapper)
    assert over == Decision(Outcome.REJECTED, None, (Finding("HJ304", "$.event", "2 names are held; this one is new"),))
    assert decide(track("A"), mapper=mapper).outcome is Outcome.ACCEPTED
    assert codes(decide(track("C"), mapper=mapper)) == ["HJ304"]


def test_event_limit_counts_only_events_that_survive_every_other_rule() -> None:
    mapper = Mapper(Limits(max_events=1))
    for message in (
        track("Checkout (step 2)"),
        track("E" * 251),
        track(""),
        track(None),
        track("Hidden", integrations={"All": False}),
        {"type": "page", "userId": "u1", "name": "P"},
    ):
        decision = decide(message, mapper=mapper)
        assert "HJ304" not in codes(decision)
    assert decide(track("First"), mapper=mapper).outcome is Outcome.ACCEPTED
    assert codes(decide(track("Second"), mapper=mapper)) == ["HJ304"]


def test_event_limit_counts_events_with_noted_names() -> None:
    mapper = Mapper(Limits(max_events=1))
    noted = decide(track("Order 1234567890 Completed"), mapper=mapper)
    assert noted.outcome is Outcome.ACCEPTED
    assert codes(noted) == ["HJ305"]
    assert codes(decide(track("Order Completed"), mapper=mapper)) == ["HJ304"]


# Event names


@pytest.mark.parametrize("event", [None, "", 0, False], ids=repr)
def test_missing_event_name_rejects_the_track(event: Any) -> None:
    decision = decide(track(event, properties={"a": 1}))
    assert decision.outcome is Outcome.REJECTED
    assert decision.findings == (Finding("HJ104", "$.event", decision.findings[0].detail),)


def test_track_without_event_field_is_rejected() -> None:
    assert codes(decide({"type": "track", "userId": "u1"})) == ["HJ104"]


@pytest.mark.parametrize("event", [5, True, [], ["a"], {}, 1.5], ids=repr)
def test_event_name_that_is_not_a_string_is_rejected(event: Any) -> None:
    decision = decide(track(event))
    assert decision.outcome is Outcome.REJECTED
    assert codes(decision) == ["HJ303"]
    assert "not a string" in decision.findings[0].detail


@pytest.mark.parametrize("event", ["Signed Up", "checkout_step-2", "a.b:c|d/e", "Order Completed 42", "x"])
def test_event_names_hotjar_allows(event: str) -> None:
    assert decide(track(event)).call.args == ["event", event]


@pytest.mark.parametrize(
    ("event", "shown"),
    [
        ("Checkout (step 2)", '"(" ")"'),
        ("Café Visited", '"é"'),
        ("tab\there", '"\\u0009"'),  # as the text report writes every control character
        ("a+b+c", '"+"'),
        (EMOJI, f'"{EMOJI}"'),
        ("Cafe\u0301 Visited", '"\\u0301"'),  # a combining accent alone sat on the quote before it
    ],
)
def test_event_names_with_characters_hotjar_does_not_allow(event: str, shown: str) -> None:
    decision = decide(track(event, properties={"a": 1}))
    assert decision.outcome is Outcome.REJECTED
    # A rejected event loses everything, so its properties are not reported on their own.
    assert decision.findings == (Finding("HJ303", "$.event", f"not allowed: {shown}"),)


@pytest.mark.parametrize(
    ("event", "what"),
    [
        ("Invited peter@example.com", "an email address"),
        ("Login from 192.168.0.1", "an IP address"),
        ("Visited https://example.com/pricing", "a URL"),
        ("Order 123456789", "a number of 9 or more digits"),
        ("Report 2020-04-10 21:07", "a timestamp"),
        # A day, an IPv6 address: each a name of its own, and left in full in a redacted report.
        ("Login from 2001:db8::1", "an IP address"),
        ("Login from ::1", "an IP address"),
        ("Report 2024-03-10", "a date"),
        ("Daily 20240310", "a date"),
        ("Backup 20240310T120000Z", "a date"),
        ("Dump 2024-03-10_12-00-00", "a date"),
        # An id a name is built from: each document, report or order a name of its own.
        ("Opened doc 3f2a9c1e-7b4d-4e8a-9f1c-2d5e8b7a4c6f", "a UUID"),
        ("Opened doc 3F2A9C1E-7B4D-4E8A-9F1C-2D5E8B7A4C6F", "a UUID"),
        ("Opened doc 550e8400-e29b-41d4-a716-446655440000", "a UUID"),  # its digits make no number of their own
        ("Opened doc_550e8400-e29b-41d4-a716-446655440000", "a UUID"),
        ("Exported report 5f2b9c1e7a", "a hex id"),
        ("Exported report 5F2B9C1E", "a hex id"),
        ("Commit a123456789", "a hex id"),
    ],
)
def test_event_names_with_unbounded_values_are_noted(event: str, what: str) -> None:
    limits = Limits(event_name_characters=r"A-Za-z0-9 _\-.:|/@")
    decision = decide(track(event), limits)
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.findings == (Finding("HJ305", "$.event", f"the name contains {what}"),)
    assert decision.call.args == ["event", event]


@pytest.mark.parametrize(
    "event",
    [
        "Module::Action",
        "Shown at 12:30:45",
        "Step a:b:c",
        "Order 12345678",
        "Plan 2024",
        "Era 1799-01-01",
        "v2.3.4",
        "deadbeef",
        "facade",
        "Step 3 Completed",
        "Level 12345678",
        "Opened 5f2b9c",
        "Opened doc x55008400-e29b-41d4-a716-abcdefabcdef",
        "Opened doc 55008400-e29b-41d4-a716-abcdefabcdefx",
    ],
)
def test_event_names_that_only_look_like_an_address_a_date_or_an_id_are_not_noted(event: str) -> None:
    # A Rails-style name, a time of day and numbers that are no day are no IPv6 address and no date; hex letters
    # without a digit are a word, digits without a letter a number, and an id is a word of its own, not the end or
    # the start of a longer one.
    limits = Limits(event_name_characters=r"A-Za-z0-9 _\-.:|/@")
    assert decide(track(event), limits).findings == ()


# Event properties


def test_event_properties_are_one_finding_naming_the_keys() -> None:
    message = track(properties={"plan": "pro", "seats": 3, "address": {"city": "x"}})
    decision = decide(message)
    assert decision.outcome is Outcome.MODIFIED
    assert shown_findings(message) == (Finding("HJ301", "$.properties", "3 dropped: plan, seats, address"),)
    assert decision.call.args == ["event", "Signed Up"]


def test_event_properties_name_at_most_twenty_keys() -> None:
    expected = "25 dropped: " + ", ".join(f"k{index}" for index in range(20)) + " and 5 more"
    assert shown_findings(track(properties={f"k{index}": index for index in range(25)})) == (
        Finding("HJ301", "$.properties", expected),
    )


def test_tracks_of_one_name_each_show_their_own_properties() -> None:
    mapper = Mapper(Limits())
    seen = [
        (track(properties={"plan": "pro"}), (Finding("HJ301", "$.properties", "1 dropped: plan"),)),
        (
            track(properties={"seats": 3, "color": "red"}),
            (Finding("HJ301", "$.properties", "2 dropped: seats, color"),),
        ),
        (track(properties={}), ()),
        (
            track(properties=[1]),
            (Finding("HJ301", "$.properties", "properties is not an object; Hotjar keeps only the event name"),),
        ),
        (track(), ()),
        (
            track(properties={"plan": "pro"}, userId=None),
            (
                Finding("HJ005", "$", "neither userId nor anonymousId is set"),
                Finding("HJ301", "$.properties", "1 dropped: plan"),
            ),
        ),
    ]
    for message, expected in seen * 2:
        parsed = parse_line(json.dumps(message).encode())[0][0]
        assert described(mapper.decide(parsed).findings, parsed) == expected


@pytest.mark.parametrize("properties", ["{}", "null", " {} "])
def test_empty_or_null_properties_are_not_reported(properties: str) -> None:
    decision = decide(f'{{"type": "track", "userId": "u1", "event": "Signed Up", "properties": {properties}}}')
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.findings == ()


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ("{}", None),
        ("{ }", None),
        ("{\n\t}", None),
        ("null", None),
        ('{"a":1}', "1 dropped: a"),
        ('{ "a": 1 }', "1 dropped: a"),
        ('{\n"a": {"b": 2}}', "1 dropped: a"),
        ("[]", "properties is not an object; Hotjar keeps only the event name"),
        ('"x"', "properties is not an object; Hotjar keeps only the event name"),
        ("7", "properties is not an object; Hotjar keeps only the event name"),
        ("0", "properties is not an object; Hotjar keeps only the event name"),
        ("true", "properties is not an object; Hotjar keeps only the event name"),
    ],
)
def test_properties_are_judged_alike_under_a_new_and_an_admitted_name(properties: str, expected: str | None) -> None:
    mapper = Mapper(Limits())
    line = f'{{"type": "track", "userId": "u1", "event": "Signed Up", "properties": {properties}}}'.encode()
    first, again = (parse_line(line)[0][0] for _ in range(2))
    for parsed in (first, again):  # the second time, the name is admitted and its decisions are shared
        found = described(mapper.decide(parsed).findings, parsed)
        assert found == (() if expected is None else (Finding("HJ301", "$.properties", expected),))


def test_dropped_properties_whose_keys_would_not_read_as_themselves_are_listed_in_quotes() -> None:
    # ` plan` listed bare read as `plan`, and `a,b` as two keys.
    properties = {" plan": 1, "a,b": 2, "": 3, 'say "hi"': 4, "x\u202ey": 5, "ok": 6, "Größe": 7}
    (finding,) = shown_findings(track(properties=properties))
    assert finding.detail == ('7 dropped: " plan", "a,b", "", "say \\"hi\\"", "x\\u202ey", ok, Größe')


def test_properties_that_are_not_an_object_are_reported() -> None:
    decision = decide(track(properties="plan=pro"))
    assert codes(decision) == ["HJ301"]
    assert decision.outcome is Outcome.MODIFIED


def test_property_key_with_invalid_utf8_is_named_not_raised() -> None:
    line = b'{"type": "track", "userId": "u1", "event": "Signed Up", "properties": {"pl\xffan": 1}}'
    assert shown_findings(line) == (Finding("HJ301", "$.properties", "1 dropped: pl\N{REPLACEMENT CHARACTER}an"),)


# Messages that are not for Hotjar, or not messages


@pytest.mark.parametrize("kind", ["page", "screen", "group", "alias"])
def test_types_without_a_hotjar_handler_are_ignored(kind: str) -> None:
    decision = decide({"type": kind, "userId": "u1", "traits": {"a": {}}, "event": "x"})
    assert decision == Decision(
        Outcome.IGNORED, None, (Finding("HJ101", "$.type", f"{kind} calls are not sent to Hotjar"),)
    )


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ('{"userId": "u1"}', "the message has no type"),
        (
            '{"type": "Identify", "userId": "u1"}',
            'type "Identify" is not a Segment message type; types are lowercase: "identify"',
        ),
        ('{"type": "purchase", "userId": "u1"}', 'type "purchase" is not a Segment message type'),
        ('{"type": 5, "userId": "u1"}', "type is a number, not a string"),
        ('{"type": ["track"], "userId": "u1"}', "type is a list, not a string"),
        ('{"type": null, "userId": "u1"}', "the message has no type"),
    ],
)
def test_unknown_type_makes_the_message_invalid(line: str, detail: str) -> None:
    assert decide(line) == Decision(Outcome.INVALID, None, (Finding("HJ003", "$.type", detail),))


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ('["identify", "u1"]', "a list"),
        ('"identify"', "a string"),
        ("42", "a number"),
        ("1.5", "a number"),
        ("true", "a boolean"),
        ("null", "null"),
    ],
)
def test_json_that_is_not_an_object_is_invalid(line: str, what: str) -> None:
    assert decide(line) == Decision(
        Outcome.INVALID, None, (Finding("HJ002", "$", f"the line is {what}, not a message object"),)
    )


@pytest.mark.parametrize(
    "line",
    [
        b'{"type": "identify", "userId": "u1", "traits": {"plan": "pro"',
        b'{"type": "identify", "userId": "u1"} trailing',
        b"{type: identify}",
        b'{"type": "identify", "userId": "u1", "traits": {"plan": "\xff"}}',
        b'{"type": "identify", "userId": "\xc3"}',
        b'{"type": "identify", "userId": "u1", "traits": {"n": -1e999}}',
        b'{"type": "identify", "userId": "u1",}',
        b"\x00",
    ],
    ids=[
        "truncated",
        "trailing text",
        "not JSON",
        "invalid UTF-8 in a trait",
        "invalid UTF-8 in the userId",
        "number out of range",
        "trailing comma",
        "NUL",
    ],
)
def test_lines_that_are_not_json_are_invalid(line: bytes) -> None:
    parsed, batched = parse_line(line)
    assert not batched
    assert len(parsed) == 1 and isinstance(parsed[0], Unreadable)
    decision = Mapper(Limits()).decide(parsed[0])
    assert decision.outcome is Outcome.INVALID
    assert codes(decision) == ["HJ001"]
    assert decision.findings[0].path == "$"
    assert decision.findings[0].detail


def test_invalid_utf8_outside_the_fields_the_rules_read_is_accepted() -> None:
    line = b'{"type": "identify", "userId": "u1", "context": {"userAgent": "\xff"}}'
    decision = Mapper(Limits()).decide(parse_line(line)[0][0])
    assert decision.outcome is Outcome.ACCEPTED


# Segment's spec


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ({"type": "track", "event": "Signed Up"}, "$"),
        ({"type": "track", "userId": "", "anonymousId": None, "event": "Signed Up"}, "$"),
        ({**track(), "messageId": "m" * 101}, "$.messageId"),
        ({**track(), "messageId": 5}, "$.messageId"),
        ({**track(), "timestamp": 1586552820}, "$.timestamp"),
        ({**track(), "timestamp": "yesterday"}, "$.timestamp"),
        ({**track(), "timestamp": "2020-04-10"}, "$.timestamp"),
        ({**track(), "timestamp": "2020-02-30T21:07:00Z"}, "$.timestamp"),
    ],
    ids=[
        "no ids",
        "falsy ids",
        "long messageId",
        "numeric messageId",
        "numeric timestamp",
        "timestamp in words",
        "timestamp without a time",
        "timestamp on no day",
    ],
)
def test_spec_violations_are_noted_without_changing_the_call(message: dict[str, Any], path: str) -> None:
    decision = decide(message)
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.findings == (Finding("HJ005", path, decision.findings[0].detail),)
    assert decision.call.args == ["event", "Signed Up"]


@pytest.mark.parametrize(
    "timestamp",
    [
        "2020-04-10T21:07:00.118Z",
        "2020-04-10T21:07:00Z",
        "2020-04-10T23:07:00+02:00",
        "2020-04-10 21:07",
        "2020-04-10t21:07z",
        None,
    ],
)
def test_a_timestamp_that_is_a_date_and_time_is_fine(timestamp: str | None) -> None:
    # Any ISO-8601 date and time, as the shared decision of its name (the second track) and as its own (the first).
    mapper = Mapper(Limits())
    for _ in range(2):
        assert decide({**track(), "timestamp": timestamp}, mapper=mapper).findings == ()


def test_a_timestamp_that_is_not_a_date_and_time_is_noted_on_each_track() -> None:
    mapper = Mapper(Limits())
    good, bad = {**track(), "timestamp": "2020-04-10T21:07:00Z"}, {**track(), "timestamp": "10/04/2020 21:07"}
    found = [decide(message, mapper=mapper).findings for message in (good, bad, good, bad)]
    detail = "timestamp is not a date and time in the form Segment's spec shows (2024-04-02T09:14:03.118Z)"
    assert found == [(), (Finding("HJ005", "$.timestamp", detail),), (), (Finding("HJ005", "$.timestamp", detail),)]


@pytest.mark.parametrize(
    ("timestamp", "read"),
    [
        ("2020-04-10", "2020-04-10T00:00:00.000Z"),
        ("2020-04-10T21", "2020-04-10T21:00:00.000Z"),
        ("2024-03-10T12Z", "2024-03-10T12:00:00.000Z"),
        ("20200410", "2020-04-10T00:00:00.000Z"),
        (" 2020-04-10T21:07z ", "2020-04-10T21:07:00.000Z"),
        ("20240310T120000.25+0100", "2024-03-10T11:00:00.250Z"),
        ("0012-03-10", "0012-03-10T00:00:00.000Z"),
    ],
)
def test_a_timestamp_that_is_no_date_and_time_but_is_read_as_the_events_time_says_as_what(
    timestamp: str, read: str
) -> None:
    # A date alone was said to be no date and time, while the time series placed the event at its midnight: the
    # finding says the time is read from it all the same, and which time (it said "a date alone as its midnight"
    # of `2024-03-10T12Z`, which the time series placed at noon).
    detail = f"{TIMESTAMP_NOT_A_DATE_TIME}; read as the event's time all the same: {read}"
    message = {**track(), "timestamp": timestamp}
    assert decide(message).findings == (Finding("HJ005", "$.timestamp", detail),)
    assert iso(event_seconds(decode_fields(json.dumps(message).encode()))) == read  # where the time series puts it
    unread = {**track(), "timestamp": "2020-04-10T21:99:00Z", "receivedAt": "2020-04-11T00:00:00Z"}
    assert decide(unread).findings == (Finding("HJ005", "$.timestamp", TIMESTAMP_NOT_A_DATE_TIME),)


def test_message_id_of_one_hundred_characters_is_fine() -> None:
    assert decide({**track(), "messageId": "m" * 100}).findings == ()


# Outcome precedence and counting


def test_rejection_wins_over_a_noted_finding() -> None:
    decision = decide({"type": "identify", "traits": {"plan": "pro"}})
    assert decision.outcome is Outcome.REJECTED
    assert codes(decision) == ["HJ005", "HJ103"]


def test_ignoring_wins_over_a_noted_finding() -> None:
    decision = decide({"type": "page", "name": "Home"})
    assert decision.outcome is Outcome.IGNORED
    assert codes(decision) == ["HJ005", "HJ101"]


def test_disabled_wins_over_unsupported_type() -> None:
    assert codes(decide({"type": "alias", "userId": "u1", "integrations": {"All": False}})) == ["HJ102"]


def test_modified_with_noted_findings_stays_modified() -> None:
    decision = decide({"type": "identify", "userId": 42, "traits": {"a": []}, "messageId": 7})
    assert decision.outcome is Outcome.MODIFIED
    assert codes(decision) == ["HJ005", "HJ106", "HJ202"]
    assert decision.call.args == ["identify", "42", {}]


def test_noted_event_name_with_dropped_properties_is_modified() -> None:
    decision = decide(track("Order 123456789", properties={"total": 5}))
    assert decision.outcome is Outcome.MODIFIED
    assert codes(decision) == ["HJ305", "HJ301"]


def test_one_finding_per_value_in_catalogue_order() -> None:
    long_name = "n" * 51
    decision = decide(identify({long_name: [1], "m" * 51: "v" * 201, "o" * 51: 2**60, "a": {}, "b": {}}))
    assert [(finding.code, finding.path) for finding in decision.findings] == [
        ("HJ202", json_path("$.traits", long_name)),
        ("HJ203", json_path("$.traits", "m" * 51)),
        ("HJ203", json_path("$.traits", "o" * 51)),
        ("HJ201", "$.traits.a"),
        ("HJ201", "$.traits.b"),
    ]
    assert decision.call.args == ["identify", "u1", {}]


def test_every_finding_is_a_catalogue_rule() -> None:
    decision = decide(identify({"id": 1, "a": {}, "b": [], "c": 2**60}, user_id=5.5))
    assert all(finding.code in RULES for finding in decision.findings)


# Batch envelopes


def test_batch_items_are_decided_one_by_one_with_top_level_integrations() -> None:
    envelope = {
        "batch": [
            {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}, "integrations": {"Hotjar": True}},
            {"type": "track", "userId": "u1", "event": "Signed Up"},
            {"type": "track", "userId": "u1", "event": "Signed Up", "integrations": {"All": True}},
            "not a message",
        ],
        "context": {"library": {"name": "analytics.js", "version": "4.1.0"}},
        "integrations": {"All": False},
    }
    parsed, batched = parse_line(json.dumps(envelope).encode())
    assert batched
    assert parsed[0].integrations == {"All": False, "Hotjar": True}
    assert parsed[1].integrations == {"All": False}
    assert parsed[2].integrations == {"All": True}
    mapper = Mapper(Limits())
    decisions = [mapper.decide(item) for item in parsed]
    assert [decision.outcome for decision in decisions] == [
        Outcome.ACCEPTED,
        Outcome.IGNORED,
        Outcome.ACCEPTED,
        Outcome.INVALID,
    ]
    assert decisions[0].call.args == ["identify", "u1", {"plan": "pro"}]
    assert decisions[1].findings == (Finding("HJ102", "$.integrations.All", ""),)
    assert decisions[3].findings == (Finding("HJ002", "$", "the batch item is a string, not a message object"),)


def test_batch_items_take_the_top_level_context_their_own_keys_winning() -> None:
    envelope = {
        "batch": [
            track(context={"timezone": "Asia/Tokyo"}),
            track(context={"library": {"name": "analytics-node"}}),
            track(context="junk"),
            track(),
        ],
        "context": {"timezone": "Europe/Paris", "library": {"name": "analytics-python", "version": "2.3.2"}},
    }
    parsed, _ = parse_line(json.dumps(envelope).encode())
    assert [context_timezone(item) for item in parsed] == ["Asia/Tokyo", "Europe/Paris", "Europe/Paris", "Europe/Paris"]
    assert [library_version(item) for item in parsed] == ["2.3.2", None, "2.3.2", "2.3.2"]


@pytest.mark.parametrize("context", ["[1, 2]", '"Europe/Paris"', "null", "{}"])
def test_a_top_level_context_that_is_no_object_leaves_the_items_as_they_are(context: str) -> None:
    line = '{"batch": [{"type": "track", "userId": "u1", "event": "A", "context": {"timezone": "Asia/Tokyo"}}], '
    parsed, _ = parse_line((line + f'"context": {context}}}').encode())
    assert context_timezone(parsed[0]) == "Asia/Tokyo"


def test_batch_item_keys_win_over_top_level_integrations() -> None:
    envelope = {"batch": [track(integrations={"Hotjar": True}), track()], "integrations": {"Hotjar": False}}
    decisions = decide_all(envelope)
    assert [decision.outcome for decision in decisions] == [Outcome.ACCEPTED, Outcome.IGNORED]


def test_batch_item_without_own_integrations_object_takes_the_top_level_one() -> None:
    envelope = {"batch": [track(integrations="junk"), track(integrations=None)], "integrations": {"Hotjar": False}}
    assert [decision.outcome for decision in decide_all(envelope)] == [Outcome.IGNORED, Outcome.IGNORED]


def test_batch_items_share_the_site() -> None:
    envelope = {"batch": [track("A"), track("B"), track("A")]}
    decisions = decide_all(envelope, Limits(max_events=1))
    assert [codes(decision) for decision in decisions] == [[], ["HJ304"], []]


@pytest.mark.parametrize(
    ("batch", "what"), [("[]", "an empty list"), ("{}", "an object"), ('"x"', "a string"), ("5", "a number")]
)
def test_batch_without_a_list_of_messages_is_invalid(batch: str, what: str) -> None:
    parsed, _ = parse_line(f'{{"batch": {batch}}}'.encode())
    decision = Mapper(Limits()).decide(parsed[0])
    assert len(parsed) == 1
    assert decision == Decision(Outcome.INVALID, None, (Finding("HJ004", "$", f"`batch` is {what}"),))


def test_null_batch_is_an_ordinary_message() -> None:
    assert codes(decide('{"batch": null, "type": "track", "userId": "u1", "event": "E"}')) == []


# Settings


def test_event_name_characters_setting() -> None:
    strict = Limits(event_name_characters="A-Za-z0-9_-")
    assert codes(decide(track("Signed Up"), strict)) == ["HJ303"]
    assert decide(track("Signed Up"), strict).findings[0].detail == 'not allowed: " "'
    assert decide(track("Signed_Up-2"), strict).outcome is Outcome.ACCEPTED
    assert codes(decide(track("a.b"), strict)) == ["HJ303"]


@pytest.mark.parametrize(
    ("limits", "message", "code"),
    [
        (Limits(max_attribute_name_length=5), identify({"abcdef": 1}), "HJ203"),
        (Limits(max_attribute_value_length=100), identify({"bio": "x" * 101}), "HJ204"),
        (Limits(max_event_name_length=750), track("E" * 751), "HJ302"),
        (Limits(max_attributes=0), identify({"a": 1}), "HJ206"),
        (Limits(max_events=0), track("A"), "HJ304"),
    ],
    ids=["name 5", "value 100", "event 750", "no attributes", "no events"],
)
def test_limits_are_settings(limits: Limits, message: dict[str, Any], code: str) -> None:
    assert codes(decide(message, limits)) == [code]


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (Limits(max_attribute_name_length=5), identify({"abcde": 1})),
        (Limits(max_attribute_value_length=100), identify({"bio": "x" * 100})),
        (Limits(max_event_name_length=750), track("E" * 750)),
    ],
    ids=["name 5", "value 100", "event 750"],
)
def test_limits_are_inclusive(limits: Limits, message: dict[str, Any]) -> None:
    assert decide(message, limits).findings == ()


@pytest.mark.parametrize(
    "settings",
    [
        {"max_attribute_name_length": -1},
        {"max_events": -5},
        {"event_name_characters": "z-a"},
        {"event_name_characters": "\\"},
    ],
    ids=repr,
)
def test_bad_limits_are_refused_naming_the_setting(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=re.escape(next(iter(settings)).replace("_", "-"))):
        Limits(**settings)


@pytest.mark.parametrize("user_id", [10**300, -(10**300), 10**20, 0])
def test_a_user_id_beyond_a_doubles_range_is_judged_like_any_number(user_id: int) -> None:
    decision = decide(identify({"plan": "pro"}, user_id=user_id))
    if user_id == 0:
        assert codes(decision) == ["HJ005", "HJ103"]  # 0 is falsy in JavaScript: no user at all
    else:
        assert codes(decision) == ["HJ106"]  # sent as JavaScript's string of the number


def test_a_name_another_pass_admitted_is_admitted_only_where_the_site_holds_it() -> None:
    # Passes with the same limits share the decisions of admitted names; a full site that does not hold the name
    # still turns it away, and one seeded with it admits it with the very decision the first pass made.
    from hotjar_cli.core.site import Site

    line = b'{"type": "track", "userId": "u1", "event": "Signed Up", "properties": {"a": 1}}'
    message = parse_line(line)[0][0]
    first = Mapper(Limits()).decide(message)
    turned_away = Mapper(Limits(), Site(100, 1, known_events=["Order Completed"])).decide(message)
    assert codes(turned_away) == ["HJ304"]
    assert turned_away.call is None
    known = {"Signed Up": None}
    seeded = Mapper(Limits(), Site(100, 10_000, known_events=known))
    assert seeded.decide(message) is first
    seeded.decide(parse_line(line.replace(b"Signed Up", b"Order Completed"))[0][0])
    assert list(seeded.site.events) == ["Signed Up", "Order Completed"]
    assert known == {"Signed Up": None}  # a site copies the names it starts with


_PART_NAMES = [f"n{number}" for number in range(12)]


@settings(max_examples=150, deadline=None)
@given(
    first=st.lists(st.tuples(st.booleans(), st.sampled_from(_PART_NAMES)), max_size=30),
    second=st.lists(st.tuples(st.booleans(), st.sampled_from(_PART_NAMES)), max_size=30),
    seeds=st.tuples(
        st.lists(st.sampled_from(_PART_NAMES), unique=True), st.lists(st.sampled_from(_PART_NAMES), unique=True)
    ),
    limits=st.tuples(st.integers(0, 8), st.integers(0, 8)),
    call_arguments=st.booleans(),
)
def test_a_mapper_carried_to_another_parts_site_decides_as_a_new_one_would(
    first: list[tuple[bool, str]],
    second: list[tuple[bool, str]],
    seeds: tuple[list[str], list[str]],
    limits: tuple[int, int],
    call_arguments: bool,
) -> None:
    # A worker folds one part of an input, then another over a site seeded with any names (those before it, which
    # may hold fewer or other names than its last part's site, or be full): what it learned carries over only
    # where it still holds.
    from hotjar_cli.core.site import Site

    max_attributes, max_events = limits
    rules = Limits(max_attributes=max_attributes, max_events=max_events)

    def messages(part: list[tuple[bool, str]]) -> list[SegmentMessage]:
        made = [
            identify({name: 1, "plan": "pro"}) if is_identify else track(name, properties={"a": 1})
            for is_identify, name in part
        ]
        return [parse_line(json.dumps(message).encode())[0][0] for message in made]  # type: ignore[misc]

    def site() -> Site:
        return Site(max_attributes, max_events, seeds[0][:max_attributes], seeds[1][:max_events])

    used = Mapper(rules, Site(max_attributes, max_events), call_arguments=call_arguments)
    for message in messages(first):
        used.decide(message)
    carried, new = used.carried_to(site()), Mapper(rules, site(), call_arguments=call_arguments)
    for message in messages(second):
        assert carried.decide(message) == new.decide(message)
    assert list(carried.site.attributes) == list(new.site.attributes)
    assert list(carried.site.events) == list(new.site.events)


@pytest.mark.parametrize("body", ["a-z ]", "[:alpha:] ", r"A-Za-z0-9 _\-.:|/]"])
def test_a_character_class_closed_early_is_refused(body: str) -> None:
    # Taken as given, `[^a-z ]]` needs two characters to match: no event name would ever be found at fault.
    with pytest.raises(ValueError, match="closes its character class early"):
        Limits(event_name_characters=body)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (r"^A-Z\]", r"event-name-characters '^A-Z\]' starts with ^"),
        (r"a-\d", r"event-name-characters 'a-\d' is not a regular-expression character class body"),
        (r"A-Za-z0-9 _\-.:|/]", r"event-name-characters 'A-Za-z0-9 _\-.:|/]' closes its character class early"),
        ("^a\x1b", "event-name-characters '^a\\u001b' starts with ^"),
    ],
)
def test_a_refused_class_is_quoted_as_it_was_given(body: str, said: str) -> None:
    # Quoted as Python writes a string, `^A-Z\]` was said '^A-Z\\]', a backslash it never held, beside the advice
    # to write a `^` as `\^`.
    with pytest.raises(ValueError, match=f"^{re.escape(said)}"):
        Limits(event_name_characters=body)


def test_an_empty_class_is_refused_in_words_of_the_setting() -> None:
    # `[^]` is no class: the regular expression said "unterminated character set at position 0".
    said = "event-name-characters '' allows no character, so no event name could pass (is a variable unset?)"
    with pytest.raises(ValueError, match=f"^{re.escape(said)}$"):
        Limits(event_name_characters="")


@pytest.mark.parametrize("body", ["^A-Za-z", "^"])
def test_a_class_that_starts_with_a_caret_is_refused(body: str) -> None:
    # Taken as given, `^A-Za-z` allowed `^` and letters, where a reader of the class reads all but letters.
    with pytest.raises(ValueError, match="starts with \\^, which in a character class means all but"):
        Limits(event_name_characters=body)
    assert Limits(event_name_characters=r"\^A-Z").disallowed_characters("A^b") == ["b"]
    assert Limits(event_name_characters="A-Z^").disallowed_characters("A^b") == ["b"]


def test_a_bracket_escaped_or_first_stays_in_the_class() -> None:
    assert Limits(event_name_characters=r"a-z\]").disallowed_characters("ab]!") == ["!"]
    assert Limits(event_name_characters="]a-z").disallowed_characters("ab]!") == ["!"]
