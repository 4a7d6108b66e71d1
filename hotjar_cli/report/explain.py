"""Explaining what is wrong with a Segment message, against the JSON Schemas in `schemas/`.

Only reports call this, for the few messages they show: jsonschema is about 14 times slower than parsing a
line, so it is imported on first use and never touches the path every message takes.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from hotjar_cli.core.eventtime import is_date_time
from hotjar_cli.core.jsvalues import js_string
from hotjar_cli.core.mapping import MESSAGE_TYPES, SEGMENT_FORM, json_path
from hotjar_cli.core.visible import quoted

MAX_LINES = 10
"""An explanation is a hint beside a finding, not a full validation report."""

MAX_VALUE_CHARS = 40
"""Values are shown up to this many characters, so an explanation never carries a whole trait or property."""

_MAX_ERRORS = 200
"""A message with thousands of broken values still gets a quick answer from the first of them."""

_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


def schema_dir() -> Path:
    """Where the JSON Schemas are: inside the installed package, else the repository's `schemas/`."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "schemas"
    if packaged.is_dir():
        return packaged
    return package.parent / "schemas"


def explain(message: object, *, redact: bool = False) -> tuple[str, ...]:
    """Short lines saying how a decoded message breaks Segment's spec, sorted by path; `()` when it does not.

    The message is checked against the schema of its type, or against `message.json` when the type is
    unknown. At most `MAX_LINES` lines; values longer than `MAX_VALUE_CHARS` are cut, and with `redact`
    no value is shown at all, only its JSON type.
    """
    validators = _validators()
    kind = message.get("type") if isinstance(message, dict) else None
    validator = validators[kind] if isinstance(kind, str) and kind in MESSAGE_TYPES else validators["message"]
    lines: set[tuple[str, str]] = set()
    for error in itertools.islice(validator.iter_errors(message), _MAX_ERRORS):
        lines.update(_describe(error, redact))
    return tuple(f"{path}: {text}" for path, text in sorted(lines)[:MAX_LINES])


def explain_line(line_text: str, index: int | None = None, *, redact: bool = False) -> tuple[str, ...]:
    """`explain` for one raw log line; `index` picks a batch item. `()` when the line is not JSON.

    Batch items get the envelope's `context` and `integrations`, as Segment applies them. Without an index,
    every item of a batch is explained, in order, under `$.batch[i]`.
    """
    try:
        value = orjson.loads(line_text.lstrip("\ufeff"))
    except orjson.JSONDecodeError:
        return ()
    if not (isinstance(value, dict) and "batch" in value):
        return explain(value, redact=redact)
    items = value["batch"]
    if not isinstance(items, list) or not items:
        what = "an empty list" if isinstance(items, list) else _json_type(items)
        return (f"$.batch: is {what}, not a non-empty list of messages",)
    if index is not None:
        if not 0 <= index < len(items):
            return ()
        return explain(_with_envelope(value, items[index]), redact=redact)
    lines: list[str] = []
    for number, item in enumerate(items):
        prefix = f"$.batch[{number}]"
        lines.extend(prefix + line[1:] for line in explain(_with_envelope(value, item), redact=redact))
        if len(lines) >= MAX_LINES:
            break
    return tuple(lines[:MAX_LINES])


def _with_envelope(envelope: dict[str, Any], item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    merged = dict(item)
    for key in ("context", "integrations"):
        shared, own = envelope.get(key), item.get(key)
        if not isinstance(shared, dict):
            continue
        if key not in item:
            merged[key] = shared
        elif isinstance(own, dict):
            merged[key] = {**shared, **own}
    return merged


def prepare() -> None:
    """Load jsonschema and build the validators now, not at the first explanation."""
    _validators()


@functools.lru_cache(maxsize=1)
def _validators() -> dict[str, Any]:
    """One validator per message type plus `message`, built once from the schema directory."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource

    directory = schema_dir()
    schemas = {path.stem: orjson.loads(path.read_bytes()) for path in sorted(directory.glob("*.json"))}
    missing = sorted((MESSAGE_TYPES | {"message", "common"}) - set(schemas))
    if missing:
        raise FileNotFoundError(f"{directory}: the JSON Schemas {', '.join(missing)} are missing")
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    # jsonschema's own date-time check needs an optional package and is stricter than Segment (RFC 3339).
    formats = FormatChecker(formats=())
    formats.checks("date-time")(_is_date_time)
    return {
        name: Draft202012Validator(schemas[name], registry=registry, format_checker=formats)
        for name in (*MESSAGE_TYPES, "message")
    }


def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or is_date_time(value)


def _describe(error: Any, redact: bool) -> Iterator[tuple[str, str]]:
    """(path, text) for one validation error, in words a user of Segment understands."""
    path = _path(error.absolute_path)
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "required":
        for name in expected:
            if isinstance(value, dict) and name not in value:
                yield json_path(path, name), "is required but missing"
    elif keyword == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        subject = "" if value is None else _show(value, redact) + " "
        text = f"{subject}is {_json_type(value)}, not {' or '.join(_TYPE_NAMES.get(t, t) for t in wanted)}"
        if path == "$.userId" and isinstance(value, (int, float)) and not isinstance(value, bool):
            received = "a string" if redact else quoted(js_string(value))
            text += f" (some libraries send numbers; Hotjar receives {received})"
        yield path, text
    elif keyword == "enum":
        yield path, f"{_show(value, redact)} is not one of {_render(expected, 1000)}"
    elif keyword == "const":
        yield path, f"{_show(value, redact)} should be {_render(expected, 1000)}"
    elif keyword == "minLength" and expected == 1:
        yield path, "is an empty string"
    elif keyword in ("minLength", "maxLength"):
        bound = "at least" if keyword == "minLength" else "at most"
        yield path, f"is {len(value):,} characters long; {bound} {expected:,} allowed"
    elif keyword == "format":
        what = f"a date-time {SEGMENT_FORM}" if expected == "date-time" else f"a valid {expected}"
        yield path, f"{_show(value, redact)} is not {what}"
    elif keyword in ("anyOf", "oneOf") and isinstance(error.schema, dict) and error.schema.get("description"):
        yield path, str(error.schema["description"])
    elif keyword in ("anyOf", "oneOf") and error.context:
        for inner in error.context:
            yield from _describe(inner, redact)
    else:
        yield path, f"fails the schema's `{keyword}` check"


def _path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else json_path(path, str(part))
    return path


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a value"


def _show(value: Any, redact: bool) -> str:
    """A value as a reader sees it, at most `MAX_VALUE_CHARS` long; `the value` when redacting."""
    if redact:
        return "the value"
    text = _render(value, MAX_VALUE_CHARS + 1)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _render(value: Any, budget: int) -> str:
    """Values as JSON writes them (strings made visible, see `quoted`), containers cut once `budget` is reached."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return quoted(value[:budget])
    if isinstance(value, (int, float)):
        return repr(value)[: budget + 1]
    if isinstance(value, (list, dict)):
        is_list = isinstance(value, list)
        pieces: list[str] = []
        used = 2
        items: Iterable[Any] = value if isinstance(value, list) else value.items()
        for item in items:
            if used > budget:
                # Always say that items were left out, even if the text happens to fit.
                pieces.append("…")
                break
            piece = _render(item, budget) if is_list else f"{_render(item[0], budget)}: {_render(item[1], budget)}"
            pieces.append(piece)
            used += len(piece) + 2
        inner = ", ".join(pieces)
        return f"[{inner}]" if is_list else "{" + inner + "}"
    return repr(value)[: budget + 1]
