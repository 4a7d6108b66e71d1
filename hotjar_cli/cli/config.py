"""Settings from `[tool.hotjar-cli]` of a pyproject.toml, and the parsing shared with command-line options."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from hotjar_cli.core.errors import UserError
from hotjar_cli.core.gate import FailOn
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.rules import CATALOGUE, MISSING_USER_ID, see_rules
from hotjar_cli.core.selection import Selection
from hotjar_cli.core.visible import given

KEYS = {
    "fail-on",
    "select",
    "ignore",
    "extend-select",
    "extend-ignore",
    "max-rate",
    "examples",
    "redact",
    "allow-empty",
    "max-attribute-name-length",
    "max-attribute-value-length",
    "max-event-name-length",
    "event-name-characters",
    "max-attributes",
    "max-events",
}
"""The keys `[tool.hotjar-cli]` accepts: the long names of the matching options."""

_KINDS: dict[str, tuple[type, ...]] = {
    "fail-on": (str,),
    "select": (str, list),
    "ignore": (str, list),
    "extend-select": (str, list),
    "extend-ignore": (str, list),
    "max-rate": (dict,),
    "examples": (int,),
    "redact": (bool,),
    "allow-empty": (bool,),
    "max-attribute-name-length": (int,),
    "max-attribute-value-length": (int,),
    "max-event-name-length": (int,),
    "event-name-characters": (str,),
    "max-attributes": (int,),
    "max-events": (int,),
}
_KIND_WORDS = {str: "a string", list: "a list", dict: "a table", int: "a whole number", bool: "true or false"}
FAIL_LEVELS = tuple(level.value for level in FailOn)


class ConfigError(UserError):
    """A setting (from the command line or a pyproject.toml) that cannot be used; the message says which and why."""


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml from `start` upwards that has a `[tool.hotjar-cli]` table. One with a table that is
    hotjar-cli's misspelt (`[tool.hotjar_cli]`, `[tool.hotjar]`), beside it or not, is an error: passed over, its
    settings (a gate's `fail-on`, say) would silently be the defaults."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _may_hold_our_table(candidate):
            document = _read(candidate)
            _refuse_misspelt(candidate, document)
            tool = document.get("tool", {})
            # `tool` is any TOML value: `tool = 5` or `tool = "hotjar-cli"` is no table, and holds no settings.
            if isinstance(tool, dict) and "hotjar-cli" in tool:
                return candidate
    return None


def _refuse_misspelt(path: Path, document: dict[str, Any]) -> None:
    """Raise ConfigError when a pyproject holds a table that is hotjar-cli's misspelt: under `[tool]` any name but
    `hotjar-cli` that starts as it does (`hotjar_cli`, `HotjarCli`, `hotjar`, `hotjar.cli`, `hotjar-cl`), and
    `[hotjar-cli]` or `[tools.hotjar-cli]` outside it."""
    places = [("tool.", document.get("tool")), ("tools.", document.get("tools")), ("", document)]
    for prefix, table in places:
        for key in table if isinstance(table, dict) else ():
            if prefix == "tool." and key == "hotjar-cli":
                continue
            if re.sub(r"[^a-z]", "", str(key).lower()).startswith("hotjar"):
                raise ConfigError(
                    f"{path}: [{prefix}{_toml_key(str(key))}] is not read: hotjar-cli's settings are in "
                    "[tool.hotjar-cli]"
                )


def load_config(path: Path) -> dict[str, Any]:
    """The `[tool.hotjar-cli]` table of a pyproject.toml, with its keys checked. A file named on purpose
    (`--config`) that has none is an error: its settings would be the defaults."""
    document = _read(path)
    _refuse_misspelt(path, document)
    tool = document.get("tool", {})
    if not isinstance(tool, dict) or "hotjar-cli" not in tool:
        raise ConfigError(f"{path}: has no [tool.hotjar-cli] table, so it holds no settings of hotjar-cli")
    table = tool["hotjar-cli"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.hotjar-cli] is not a table")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key{'s' if len(unknown) > 1 else ''} in [tool.hotjar-cli]: "
            f"{', '.join(unknown)} (known: {', '.join(sorted(KEYS))})"
        )
    for key, value in table.items():
        _check(path, key, value)
    return table


def _check(path: Path, key: str, value: Any) -> None:
    """A value of the wrong TOML type would otherwise fail deep inside the run, far from the setting."""
    kinds = _KINDS[key]
    # TOML's booleans are Python ints too; `examples = true` is a mistake, not 1.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        wanted = " or ".join(_KIND_WORDS[kind] for kind in kinds)
        raise ConfigError(f"{path}: [tool.hotjar-cli] {key} must be {wanted}, not {_toml(value)}")
    if key == "fail-on" and value not in FAIL_LEVELS:
        raise ConfigError(
            f"{path}: [tool.hotjar-cli] fail-on must be one of {', '.join(FAIL_LEVELS)}, not {_toml(value)}"
        )
    if key == "max-rate" and isinstance(value, dict):
        try:
            parse_rates(value)
        except ConfigError as error:
            raise ConfigError(f"{path}: [tool.hotjar-cli] {error}") from None
    # Values that would be refused later are refused here, where the file is known: the same checks as the options'.
    if _KINDS[key] == (int,) and value < 0:
        raise ConfigError(f"{path}: [tool.hotjar-cli] {key} = {value}: must not be negative")
    try:
        if key in ("select", "ignore", "extend-select", "extend-ignore"):
            entries = [value] if isinstance(value, str) else value
            if not all(isinstance(entry, str) for entry in entries):
                # `select = [true]` was said as 'True' names no rule: a word of Python's, not of the file's.
                raise ValueError(f"{key} must be a string or a list of strings, not {_toml(value)}")
            if any(not str(entry).strip(", ") for entry in entries):
                # As `--select ""` is refused: an empty entry names no rule, and is dropped without a word otherwise
                # (`select = ""` would select every rule).
                raise ValueError(f"{key}: {_toml(value)} holds an empty entry, which names no rule")
            if key == "select" and not entries:
                # Read as no list, it checked every rule; read as a list of none, it would check none, which a gate
                # would pass whatever the logs hold.
                raise ValueError("select = [] selects no rule: leave select out to check every rule")
            Selection(split_list(value))
        elif key == "event-name-characters":
            Limits(event_name_characters=value)
    except ValueError as error:
        said = str(error) if str(error).startswith(key) else f"{key}: {error}"
        raise ConfigError(f"{path}: [tool.hotjar-cli] {said}") from None


def _toml(value: Any) -> str:
    """A value as TOML writes it (`true`, `"text"`, `1.5`), for a message about the file it came from."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(key)} = {_toml(item)}" for key, item in value.items()) + " }"
    if isinstance(value, (datetime.date, datetime.time)):  # a datetime is a date too
        return value.isoformat().replace("+00:00", "Z")
    return repr(value)  # a number: `5`, `1.5`, `inf`


def _toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


# Every way TOML can spell the table tool.hotjar-cli (or misspell it: `hotjar_cli`, `hotjar`, `tools.hotjar-cli`,
# a `[hotjar-cli]` of its own, said rather than passed over), with any quoting and spacing: a `[tool.hotjar-cli]`
# header or a `tool.hotjar-cli.key` dotted key; keys under a `[tool]` header; an inline `tool = {...}` table; and a
# quoted key with escapes, which could spell any name.
_OUR_TABLE = re.compile(
    rb"""tools?["']?\s*\.\s*["']?hotjar|\[\s*["']?tools?["']?\s*\]|^\s*["']?tools?["']?\s*="""
    rb"""|^\s*\[+\s*["']?hotjar|^\s*["']?hotjar|\\[uU]""",
    re.MULTILINE | re.IGNORECASE,
)


def _may_hold_our_table(path: Path) -> bool:
    """Whether the file could have a `[tool.hotjar-cli]` table: most cannot (even those naming hotjar-cli as a
    dependency or a script), and need no TOML parsing."""
    try:
        return _OUR_TABLE.search(path.read_bytes()) is not None
    except OSError:
        return True  # let _read report it


SETTINGS_BYTES = 1 << 20
"""The most a pyproject.toml is read of: a project's settings take a few kilobytes."""


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # here: most runs find no pyproject.toml that names hotjar-cli, and start faster without it

    try:
        with open(path, "rb") as file:
            data = file.read(SETTINGS_BYTES + 1)  # once: `--config <(...)` names a pipe
        if len(data) > SETTINGS_BYTES:  # `--config /dev/zero` read for ever
            raise ConfigError(f"{path}: over {SETTINGS_BYTES:,} bytes, too long for a file of settings")
        if data.startswith(b"\xef\xbb\xbf"):  # what some editors on Windows write first
            raise ConfigError(
                f"{path}: starts with a byte-order mark (U+FEFF), which TOML does not allow: save it as UTF-8 "
                "without one"
            )
        # Floats as written (`max-rate = { HJ103 = 0.136363636363636363 }`): a double would round a maximum.
        return tomllib.loads(data.decode(), parse_float=Decimal)
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError as error:  # tomllib reads the bytes as UTF-8 before it parses them
        line = error.object[: error.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not valid TOML: not UTF-8 text (a TOML file is UTF-8)") from None


def split_list(values: list[str] | str | None) -> tuple[str, ...]:
    """Repeated options and comma-separated lists alike: `--select missing-user-id,nested-trait --select
    list-trait`."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(part.strip() for value in values for part in str(value).split(",") if part.strip())


MAX_RATE_DECIMALS = 40
"""The most decimals a maximum rate may have, as a fraction: more than any count of events tells apart, and a
bound on the digits a verdict takes to show a rate above it (`1e-1000000000` would take a billion)."""


def parse_rates(values: list[str] | dict[str, Any] | None, option: str = "max-rate") -> dict[str, Decimal]:
    """`CODE=0.01` or `CODE=1%` (or a TOML table `{CODE = 0.01}`) as `{"CODE": Decimal("0.01")}`; a rule's name for
    its code. A maximum is kept exactly as written, never rounded: the gate compares it exactly with the rate.
    `option`: what an error calls them, as they were given (`--max-rate`, the pyproject's `max-rate`)."""
    if not values:
        return {}
    pairs = values.items() if isinstance(values, dict) else (_split_rate(text, option) for text in values)
    rates: dict[str, Decimal] = {}
    given: dict[str, str] = {}  # each rule's maximum as written, by its code
    for key, raw in pairs:
        code, rate = _rule_code(str(key), option), _rate(str(key), raw, option)
        if code in rates and rates[code] != rate:
            # Which one was meant cannot be told: the last one won without a word.
            raise ConfigError(f"{option} for {code} given twice: {given[code]} and {key}={raw}; keep one")
        rates[code], given[code] = rate, f"{key}={raw}"
    return rates


def _rate(key: str, raw: Any, option: str) -> Decimal:
    """One maximum: a fraction (`0.01`, a TOML number, read as written: see `_read`) or a percentage (`1%`, its
    decimal point moved two places, which no rounding touches: 13.636363636363% is 0.13636363636363)."""
    shown = repr(raw) if isinstance(raw, str) else _toml(raw)  # a text from the command line, quoted as Python does
    text = str(raw).strip()
    if not text.isascii() or "_" in text:
        # Decimal reads `1_0` and other scripts' digits (`١٠`) as numbers; the pyproject's TOML and a shell's
        # rate are written in ASCII digits.
        raise ConfigError(f"{option} for {key}: {shown} is not a fraction (0.01) or a percentage (1%)")
    percent = text.endswith("%")
    try:
        number = Decimal(text[:-1] if percent else text) if not isinstance(raw, bool) else None
    except InvalidOperation:
        number = None
    if number is None or number.is_nan():
        # `HJ103=0.01,HJ201=0.5`, as --select takes a list: each rule's maximum is given on its own.
        apart = f"; give each rule's maximum on its own ({option} {key}=... {option} ...)" if "=" in text else ""
        raise ConfigError(f"{option} for {key}: {shown} is not a fraction (0.01) or a percentage (1%){apart}")
    if percent and number.is_finite():
        sign, digits, exponent = number.as_tuple()
        number = Decimal((sign, digits, int(exponent) - 2))  # exact, where dividing by 100 rounds past 28 digits
    if not number.is_finite() or not 0 <= number <= 1:
        raise ConfigError(f"{option} for {key}: {shown} is not between 0 and 1")
    sign, digits, exponent = number.as_tuple()
    written = "".join(map(str, digits)).rstrip("0")  # the decimals that count: 0.0100 has two
    if written and -int(exponent) - (len(digits) - len(written)) > MAX_RATE_DECIMALS:
        raise ConfigError(
            f"{option} for {key}: {shown} has more than {MAX_RATE_DECIMALS} decimals as a fraction of the events"
        )
    return number.copy_abs()  # -0 is 0


def _split_rate(text: str, option: str) -> tuple[str, str]:
    code, separator, rate = text.partition("=")
    if not separator:
        raise ConfigError(f"{option} {given(text)} is not CODE=FRACTION (for example {MISSING_USER_ID.code}=0.01)")
    return code.strip(), rate


def _rule_code(entry: str, option: str) -> str:
    for rule in CATALOGUE:
        if rule.code == entry.strip().upper() or rule.name == entry.strip().lower():
            return rule.code
    covered = [rule.code for rule in CATALOGUE if entry.strip() and rule.code.startswith(entry.strip().upper())]
    if covered:
        # A prefix selects rules (`--select HJ3`), but a maximum rate is one rule's.
        raise ConfigError(
            f"{option} for {given(entry)}: a maximum rate is one rule's; give its code or name, not a prefix of "
            f"{len(covered)} rules ({', '.join(covered)})"
        )
    raise ConfigError(f"{option} {given(entry)} names no rule ({see_rules(entry)})")
