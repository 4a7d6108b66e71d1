"""Hypothesis strategies for log lines: JSON values of every kind, and Segment messages and batches biased toward
what Segment writes, so the rules beyond the parser get exercised too."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# JSON values of every kind, including integers far beyond 64 bits and the extremes of doubles.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**53 - 1, 2**53, -(2**53), 10**400, 0]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", "u1", "Signed Up", "peter@example.com", "x" * 201, "\N{GRINNING FACE}" * 101]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)

# Messages biased toward what Segment writes, so the rules beyond the parser get exercised too.
TYPES = ["identify", "track", "page", "screen", "group", "alias"]
message_types = st.sampled_from(TYPES) | st.sampled_from(["Identify", "TRACK", "", "purchase"]) | json_values
trait_names = st.sampled_from(["id", "plan", "email", "address", "roles", "n" * 51, "first name"]) | st.text(max_size=8)
traits = st.dictionaries(trait_names, json_values, max_size=6) | json_values
integrations = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "All": st.booleans() | json_values,
            "Hotjar": st.booleans() | st.dictionaries(st.text(max_size=5), scalars),
            "hotjar": st.booleans(),
        },
    ),
    json_values,
)
# Contexts that name the library that sent the message: browser, server and mobile libraries, and lookalikes.
library_names = st.sampled_from(
    [
        *("analytics.js", "analytics-node", "@segment/analytics-node", "analytics-python", "analytics-ios"),
        *("Analytics.NET", "analytics-Python", "analytics-node ", "analytics-csharp"),
    ]
)
contexts = st.fixed_dictionaries(
    {},
    optional={
        "library": st.fixed_dictionaries({}, optional={"name": library_names | json_values, "version": json_values})
        | library_names
        | json_values,
        "timezone": st.sampled_from(["Europe/Paris"]) | json_values,
    },
)
segment_fields = {
    "type": message_types,
    "userId": st.sampled_from(["u1", "u2", "", 0, 42, False, None, [], {}]) | json_values,
    "anonymousId": st.sampled_from(["a1", ""]) | json_values,
    "event": st.sampled_from(["Signed Up", "Checkout (step 2)", "", "Order 123456789", "E" * 251]) | json_values,
    "traits": traits,
    "properties": st.dictionaries(st.text(max_size=8), json_values, max_size=4) | json_values,
    "integrations": integrations,
    "messageId": st.text(max_size=10) | json_values,
    "timestamp": st.sampled_from(["2020-04-11T10:00:00Z", "not a time", "2020-04-12"]) | json_values,
    "context": json_values | contexts,
    "channel": st.sampled_from(["client", "server", "mobile", "browser", "Server"]) | json_values,
}
segment_messages = st.fixed_dictionaries({}, optional=segment_fields)
batches = st.fixed_dictionaries(
    {"batch": st.lists(segment_messages | json_values, max_size=4) | json_values},
    optional={"integrations": integrations, "context": json_values | contexts},
)
log_values = st.one_of(segment_messages, segment_messages, batches, json_values)

# The keys JavaScript reads on an object Segment's facade copies (see `hotjar_cli.core.facade`), among plain ones, at
# every place of a message; and values that are truthy in JavaScript or not, `nodeType` 1 among them.
FACADE_KEYS = ["__proto__", "hasOwnProperty", "valueOf", "nodeType", "_isBuffer", "toString", "length", "join"]
FACADE_KEYS += ["plan", "a", "0", "1"]
facade_keys = st.sampled_from(FACADE_KEYS)
facade_values = st.recursive(
    st.sampled_from([None, True, False, 0, 1, 1.0, 2, "", "x", "2024-03-01T00:00:00Z"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(facade_keys, children, max_size=4),
    max_leaves=12,
)
facade_messages = st.fixed_dictionaries(
    {"type": st.sampled_from(["identify", "track"])},
    optional={
        "userId": st.sampled_from(["u1", ""]) | facade_values,
        "event": st.sampled_from(["Signed Up", ""]) | facade_values,
        "traits": st.dictionaries(facade_keys, facade_values, max_size=5) | facade_values,
        "properties": facade_values,
        "context": st.dictionaries(st.sampled_from(["page", *FACADE_KEYS]), facade_values, max_size=3),
        "timestamp": facade_values,
        **dict.fromkeys(("__proto__", "hasOwnProperty", "valueOf", "nodeType", "_isBuffer"), facade_values),
    },
)


def spelled(text: str, escaped: set[str]) -> str:
    """JSON text with each of the `escaped` characters inside its strings written as a `\\u` escape: the same
    JSON, spelled otherwise."""
    out, inside, at = [], False, 0
    while at < len(text):
        character = text[at]
        if inside and character == "\\":
            out.append(text[at : at + 2])
            at += 2
            continue
        if character == '"':
            inside = not inside
        out.append(f"\\u{ord(character):04x}" if inside and character in escaped else character)
        at += 1
    return "".join(out)
