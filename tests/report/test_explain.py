"""Explanations of invalid messages against the JSON Schemas in `schemas/`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotjar_cli.report.explain import (
    MAX_LINES,
    MAX_VALUE_CHARS,
    explain,
    explain_line,
    schema_dir,
)

REPO = Path(__file__).resolve().parents[2]

CONTEXT = {
    "ip": "203.0.113.24",
    "library": {"name": "analytics.js", "version": "next-1.64.0"},
    "locale": "en-US",
    "page": {
        "path": "/pricing",
        "referrer": "https://www.google.com/",
        "search": "",
        "title": "Pricing | Lumen",
        "url": "https://app.lumen.example/pricing",
    },
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3 Safari/605.1.15",
}
COMMON = {
    "anonymousId": "5e0c4a52-8f8b-4a3f-9d1e-2c6b8d0f7a11",
    "context": CONTEXT,
    "integrations": {"All": True, "Hotjar": True, "Mixpanel": {"people": True}},
    "messageId": "ajs-next-1712049243118-5e0c4a52-8f8b-4a3f-9d1e-2c6b8d0f7a11",
    "originalTimestamp": "2024-04-02T09:14:03.118Z",
    "receivedAt": "2024-04-02T09:14:03.532Z",
    "sentAt": "2024-04-02T09:14:03.125Z",
    "timestamp": "2024-04-02T09:14:03.525Z",
    "version": 2,
    "channel": "client",
}
VALID = {
    "identify": {
        **COMMON,
        "type": "identify",
        "userId": "usr_8f3k2",
        "traits": {
            "email": "maya.lindqvist@example.com",
            "plan": "team",
            "createdAt": "2024-03-28T16:02:11Z",
            "company": {"name": "Northwind Studio", "employees": 42},
            "roles": ["admin", "billing"],
        },
    },
    "track": {
        **COMMON,
        "type": "track",
        "userId": "usr_8f3k2",
        "event": "Order Completed",
        "properties": {"order_id": "ord_5521", "total": 49.0, "currency": "EUR"},
    },
    "page": {
        **COMMON,
        "type": "page",
        "userId": None,
        "name": "Pricing",
        "category": "Marketing",
        "properties": {"path": "/pricing", "title": "Pricing | Lumen"},
    },
    "screen": {
        **COMMON,
        "type": "screen",
        "userId": "usr_8f3k2",
        "name": "Project Board",
        "properties": {"board_id": "brd_19"},
    },
    "group": {
        **COMMON,
        "type": "group",
        "userId": "usr_8f3k2",
        "groupId": "org_311",
        "traits": {"name": "Northwind Studio", "plan": "team"},
    },
    "alias": {**COMMON, "type": "alias", "userId": "usr_8f3k2", "previousId": "5e0c4a52-8f8b-4a3f-9d1e-2c6b8d0f7a11"},
}
TYPES = '["identify", "track", "page", "screen", "group", "alias"]'


def test_schemas_are_draft_2020_12_with_ids_naming_their_files() -> None:
    from jsonschema import Draft202012Validator

    files = sorted(schema_dir().glob("*.json"))
    assert {file.stem for file in files} >= {
        "common",
        "message",
        "identify",
        "track",
        "page",
        "screen",
        "group",
        "alias",
    }
    for file in files:
        schema = json.loads(file.read_text())
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith("/" + file.name)


def test_schema_dir_is_the_repository_folder_in_a_source_checkout() -> None:
    assert schema_dir() == REPO / "schemas"


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid_messages_of_every_type_need_no_explanation(kind: str) -> None:
    assert explain(VALID[kind]) == ()


@pytest.mark.parametrize("kind", sorted(VALID))
def test_minimal_messages_of_every_type_need_no_explanation(kind: str) -> None:
    minimal = {"type": kind, "userId": "u1", "event": "Signed Up", "groupId": "g1", "previousId": "a1"}
    assert explain(minimal) == ()


def test_message_schema_dispatches_on_the_type() -> None:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = [json.loads(file.read_text()) for file in schema_dir().glob("*.json")]
    registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas)
    message_schema = next(schema for schema in schemas if schema["$id"].endswith("/message.json"))
    validator = Draft202012Validator(message_schema, registry=registry)
    for message in VALID.values():
        assert list(validator.iter_errors(message)) == []
    errors = {error.message for error in validator.iter_errors({"type": "track", "userId": "u1"})}
    assert errors == {"'event' is a required property"}
    errors = {error.message for error in validator.iter_errors({"type": "group", "anonymousId": "a1"})}
    assert errors == {"'groupId' is a required property"}


MISTAKES = [
    pytest.param(
        {"type": "Identify", "userId": "u1"}, (f'$.type: "Identify" is not one of {TYPES}',), id="capitalised-type"
    ),
    pytest.param({"userId": "u1", "event": "Signed Up"}, ("$.type: is required but missing",), id="no-type"),
    pytest.param(["identify", "u1"], ('$: ["identify", "u1"] is a list, not an object',), id="not-an-object"),
    pytest.param({"type": "track", "userId": "u1"}, ("$.event: is required but missing",), id="no-event"),
    pytest.param({"type": "track", "userId": "u1", "event": ""}, ("$.event: is an empty string",), id="empty-event"),
    pytest.param(
        {"type": "track", "userId": "u1", "event": 42}, ("$.event: 42 is a number, not a string",), id="numeric-event"
    ),
    pytest.param(
        {"type": "track", "userId": "u1", "event": "Signed Up", "properties": ["plan", "pro"]},
        ('$.properties: ["plan", "pro"] is a list, not an object or null',),
        id="list-properties",
    ),
    pytest.param(
        {"type": "identify", "traits": {"plan": "pro"}},
        ("$: at least one of userId and anonymousId must be a non-empty string",),
        id="anonymous-nobody",
    ),
    pytest.param(
        {"type": "identify", "userId": "", "anonymousId": ""},
        ("$: at least one of userId and anonymousId must be a non-empty string",),
        id="empty-ids",
    ),
    pytest.param(
        {"type": "identify", "userId": 48213, "anonymousId": "a1"},
        ('$.userId: 48213 is a number, not a string or null (some libraries send numbers; Hotjar receives "48213")',),
        id="numeric-user-id",
    ),
    pytest.param(
        {"type": "identify", "userId": "u1", "traits": "enterprise"},
        ('$.traits: "enterprise" is a string, not an object or null',),
        id="string-traits",
    ),
    pytest.param(
        {"type": "identify", "userId": "u1", "messageId": "m" * 130},
        ("$.messageId: is 130 characters long; at most 100 allowed",),
        id="long-message-id",
    ),
    pytest.param(
        {"type": "identify", "userId": "u1", "timestamp": 1712049243},
        ("$.timestamp: 1712049243 is a number, not a string",),
        id="epoch-timestamp",
    ),
    pytest.param(
        {"type": "identify", "userId": "u1", "timestamp": "02/04/2024 09:14"},
        (
            '$.timestamp: "02/04/2024 09:14" is not a date-time in the form '
            "Segment's spec shows (2024-04-02T09:14:03.118Z)",
        ),
        id="local-timestamp",
    ),
    pytest.param(
        {"type": "identify", "userId": "u1", "sentAt": "2024-04-02"},
        ('$.sentAt: "2024-04-02" is not a date-time in the form Segment\'s spec shows (2024-04-02T09:14:03.118Z)',),
        id="date-without-time",
    ),
    pytest.param(
        {"type": "track", "userId": "u1", "event": "Signed Up", "integrations": {"Hotjar": "false"}},
        ('$.integrations.Hotjar: "false" is a string, not a boolean or an object',),
        id="string-flag",
    ),
    pytest.param({"type": "group", "userId": "u1"}, ("$.groupId: is required but missing",), id="group-no-id"),
    pytest.param(
        {"type": "alias", "anonymousId": "a1", "previousId": ""},
        ("$.previousId: is an empty string", "$.userId: is required but missing"),
        id="alias-no-ids",
    ),
    pytest.param(
        {"type": "page", "anonymousId": "a1", "context": {"page": {"url": None}, "ip": 3}},
        ("$.context.ip: 3 is a number, not a string", "$.context.page.url: is null, not a string"),
        id="context-types",
    ),
]


@pytest.mark.parametrize(("message", "expected"), MISTAKES)
def test_common_mistakes_are_explained(message: object, expected: tuple[str, ...]) -> None:
    assert explain(message) == expected


def test_lines_are_sorted_by_path_and_capped() -> None:
    message = {
        "type": "track",
        "event": "",
        "timestamp": "soon",
        "integrations": {f"Destination {number:02}": "yes" for number in range(15)},
    }
    lines = explain(message)
    assert len(lines) == MAX_LINES
    assert lines[0] == "$: at least one of userId and anonymousId must be a non-empty string"
    assert lines[1] == "$.event: is an empty string"
    paths = [line.split(": ", 1)[0] for line in lines]
    assert paths == sorted(paths)


def test_long_values_are_cut() -> None:
    secret = "maya.lindqvist+newsletter-2024-spring@northwind-studio.example"
    lines = explain({"type": "identify", "userId": "u1", "traits": secret})
    assert len(lines) == 1
    shown = lines[0].split(": ", 1)[1].split(" is a string")[0]
    assert len(shown) == MAX_VALUE_CHARS and shown.endswith("…")
    assert secret not in lines[0]


def test_long_containers_are_cut_without_being_rendered_whole() -> None:
    traits = [f"role-{number}" for number in range(100_000)]
    (line,) = explain({"type": "identify", "userId": "u1", "traits": traits})
    assert line.startswith('$.traits: ["role-0", "role-1", ') and "…" in line and len(line) < 120


def test_redacted_explanations_hold_no_values() -> None:
    message = {
        "type": "identify",
        "userId": 48213,
        "anonymousId": "a1",
        "traits": "maya@example.com",
        "timestamp": "yesterday",
    }
    lines = explain(message, redact=True)
    assert lines == (
        "$.timestamp: the value is not a date-time in the form Segment's spec shows (2024-04-02T09:14:03.118Z)",
        "$.traits: the value is a string, not an object or null",
        "$.userId: the value is a number, not a string or null (some libraries send numbers; Hotjar receives a string)",
    )


def test_a_line_that_is_not_json_has_no_explanation() -> None:
    assert explain_line('{"type": "identify", "userId": "u1"', None) == ()
    assert explain_line("", None) == ()


def test_a_line_is_explained_after_its_byte_order_mark() -> None:
    assert explain_line('\ufeff{"type": "Track", "userId": "u1", "event": "Signed Up"}', None) == (
        f'$.type: "Track" is not one of {TYPES}',
    )


BATCH = json.dumps(
    {
        "batch": [
            {"type": "track", "userId": "u1", "event": "Signed Up"},
            {"type": "identify", "traits": {"plan": "pro"}},
            {"type": "track", "userId": "u2", "event": "Plan Chosen", "integrations": {"Hotjar": True}},
        ],
        "context": {"library": {"name": "analytics-node", "version": 2}},
        "integrations": {"Hotjar": "off"},
    }
)


def test_a_batch_item_is_explained_with_the_envelope_applied() -> None:
    assert explain_line(BATCH, 0) == (
        "$.context.library.version: 2 is a number, not a string",
        '$.integrations.Hotjar: "off" is a string, not a boolean or an object',
    )
    assert explain_line(BATCH, 2) == ("$.context.library.version: 2 is a number, not a string",)
    assert explain_line(BATCH, 3) == ()


def test_every_batch_item_is_explained_without_an_index() -> None:
    assert explain_line(BATCH, None) == (
        "$.batch[0].context.library.version: 2 is a number, not a string",
        '$.batch[0].integrations.Hotjar: "off" is a string, not a boolean or an object',
        "$.batch[1]: at least one of userId and anonymousId must be a non-empty string",
        "$.batch[1].context.library.version: 2 is a number, not a string",
        '$.batch[1].integrations.Hotjar: "off" is a string, not a boolean or an object',
        "$.batch[2].context.library.version: 2 is a number, not a string",
    )


def test_a_batch_without_messages_is_explained() -> None:
    assert explain_line('{"batch": []}', None) == ("$.batch: is an empty list, not a non-empty list of messages",)
    assert explain_line('{"batch": {"type": "track"}}', 0) == (
        "$.batch: is an object, not a non-empty list of messages",
    )


@pytest.mark.parametrize("module", ["hotjar_cli.run.one_pass", "hotjar_cli.core.mapping", "hotjar_cli.report.explain"])
def test_jsonschema_stays_off_the_path_of_valid_messages(module: str) -> None:
    code = f"import sys, {module}; print('jsonschema' in sys.modules, 'referencing' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.split() == ["False", "False"]


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    [
        "type",
        "userId",
        "anonymousId",
        "event",
        "traits",
        "properties",
        "integrations",
        "context",
        "messageId",
        "timestamp",
        "groupId",
        "previousId",
    ]
)
MESSAGE_TYPES = st.sampled_from(["identify", "track", "page", "screen", "group", "alias", "Identify"])


@settings(max_examples=150, deadline=None)
@given(
    value=JSON
    | st.builds(lambda kind, fields: {**fields, "type": kind}, MESSAGE_TYPES, st.dictionaries(FIELDS, JSON, max_size=6))
)
def test_any_json_value_gets_a_short_explanation(value: object) -> None:
    lines = explain(value)
    assert isinstance(lines, tuple) and len(lines) <= MAX_LINES
    assert all(isinstance(line, str) and line.startswith("$") for line in lines)
    if not (isinstance(value, dict) and "batch" in value):
        assert explain_line(json.dumps(value), None) == lines
