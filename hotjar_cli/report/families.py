"""Event-name families: the templates of event names that differ only in values (`Viewed Article {n}`), and what
each costs the site's event budget. A site fills its 10,000 slots with one name per article, order or user long
before it runs out of things users do; listed one by one, 11,438 such names never said that one template took them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from hotjar_cli.core.mapping import EMAIL_PATTERN, UUID_FORM
from hotjar_cli.report.wording import counted

FAMILY_MIN_NAMES: Final = 20
"""The fewest names a template needs to be a family: 0.2 % of Hotjar's 10,000 event slots. Fewer are most often the
steps of a funnel or the versions of a form (`Step 1 Completed` to `Step 5 Completed`), which are names a site means
to keep, not values."""
FAMILIES_LISTED: Final = 20
"""Families the JSON lists (the most names first); the rest are counted in `more_families`."""
FAMILIES_SHOWN: Final = 5
"""Families the text, Markdown and HTML inventories show; the rest are counted."""

_IDS: Final = re.compile(
    # A UUID; a day as ISO 8601 writes it, a year from 1800 to 2999 as event-name-high-cardinality reads one, with
    # its time and zone if it has them (`2024-03-01`, `2024-03-01T10:00:00Z`, `2024-03-01 10:00+02:00`); a run of 6
    # or more hex digits with a digit and a letter (an object id, a hash, a short commit: `3f9b2c1`; `deadbeef` and
    # `facade` are words, and digits alone are a number), its letters of one case when it is shorter than 8 (`Feb2024`
    # and `Face10` are a word and a number), or any hex digits after `0x` (a code: `Error 0x80070005`, which was
    # `Error {n}x{n}` and a template of each name for its letters); then any run of digits. The first three stand
    # apart from the letters and digits around them, a start looked for once for the three (a fifth faster on names
    # with ids).
    rf"(?<![0-9A-Za-z])(?:(?P<uuid>{UUID_FORM}(?![0-9A-Za-z]))"
    r"|(?P<date>(?:1[89]|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?(?![0-9A-Za-z]))"
    r"|(?P<hex>(?:0[xX][0-9A-Fa-f]+|(?=[a-fA-F]*[0-9])(?=[0-9]*[a-fA-F])(?:[0-9A-Fa-f]{8,}|[0-9a-f]{6,7}|[0-9A-F]{6,7}))"
    r"(?![0-9A-Za-z])))"
    r"|(?P<n>\d+)"
)
"""The ids an event name is built from, each named by the placeholder that stands for it in a template. An email
address is replaced before them (its digits are its own), found as event-name-high-cardinality and
email-as-user-id find one (`EMAIL_PATTERN`), from its local part on (`_JOINED`)."""
_NUMBER: Final = re.compile(r"\d+")
_DIGIT: Final = re.compile(r"\d").search
_HEX_RUNS: Final = re.compile(r"[0-9A-Fa-f]{6,}").findall
"""The runs of 6 or more hex digits in a name, each hex id one of them; every UUID and date holds a `-`. A name with
no `-` whose runs are digits only (`Viewed Article 1048576`) holds numbers only, replaced without calling back for
each (a template is made for each of 11,000 names)."""
_JOINED: Final = re.compile(r"[^@]*[^\w.%+@-]")
"""What `EMAIL_PATTERN` takes before an address's local part (the letters, digits and `._%+-` up to its `@`): the
word the address is joined to (`User:` in `User:bob@example.com`), which a template keeps (`User:{email}`)."""


def template(name: str) -> str | None:
    """The template of an event name: each value in it replaced by its placeholder, `{email}`, `{uuid}`, `{date}`,
    `{hex}` or `{n}` (`_IDS`). None for a name with no value in it, which is a family of one. A name holding the text
    of a placeholder (`Coupon {n}`) shares its template with the names built from values: rare, and counted with
    them."""
    addresses = 0
    if "@" in name:  # the address's pattern backtracks over every word of a name without one
        name, addresses = EMAIL_PATTERN.subn(_address, name)
    if _DIGIT(name) is None:
        return name if addresses else None  # most names without a value are passed over here
    if "-" in name or _has_code(name) or ((runs := _HEX_RUNS(name)) and not "".join(runs).isdigit()):
        shown, ids = _IDS.subn(_placeholder, name)
    else:
        shown, ids = _NUMBER.subn("{n}", name)
    return shown if ids or addresses else None


def template_alike(name: str, alike: dict[bytes, str | None]) -> str | None:
    """`template(name)`, made once for all the names alike but for their digits (`Viewed Article 1048` and `Viewed
    Article 2231`) and remembered in `alike`: made one by one, the 7,200 event names of the long benchmark's 500 MB
    cost 80 million instructions more, a third of its inventory record.
    A name without a `-`, `@` or `0x` has the template of its ASCII digits made 1s: no template holds a digit, and
    only a date, an email address or a code after `0x` is told by what its digits are, the other values by where
    digits and letters are (made 0s, `9x9` was read as the code `0x0`)."""
    if "-" in name or "@" in name or _has_code(name):
        return template(name)
    form = name.encode("utf-8", "surrogatepass").translate(_DIGITS_ALIKE)  # (str.translate costs 20 times more)
    if form in alike:
        return alike[form]
    shape = alike[form] = template(form.decode("utf-8", "surrogatepass"))
    return shape


_DIGITS_ALIKE: Final = bytes.maketrans(b"0123456789", b"1111111111")


def _has_code(name: str) -> bool:
    """Whether a name may hold a code after `0x` (see `_IDS`)."""
    return "0x" in name or "0X" in name


def _address(found: re.Match[str]) -> str:
    address = found.group()
    joined = _JOINED.match(address)
    if joined is None or address[joined.end()] == "@":  # nothing joined to it, or nothing but punctuation before "@"
        return "{email}"
    return joined.group() + "{email}"


def _placeholder(found: re.Match[str]) -> str:
    return "{" + str(found.lastgroup) + "}"


def families_record(
    names: list[str], rows: list[dict[str, Any]], masked: Callable[[str], bool]
) -> tuple[list[dict[str, Any]], int]:
    """The families of the event names held that the logs send within the filters (`names`, the real names of the
    inventory's `rows`, in their order: the
    kept ones in slot order first), at most `FAMILIES_LISTED`, the most names first (then by template), and how many
    more there are: each `{"template", "names", "kept", "turned_away", "never_sent", "messages", "example"}`, its
    example the first of its names kept in slot order, else the most frequent (the row's name, masked where the row's
    is). `masked`: whether `--redact` masks a template (`REDACTED_TEMPLATE`). Each row of a family's names gets its
    template as its `family`, listed or not, so that a CSV of the names groups them."""
    members: dict[str, list[int]] = {}
    alike: dict[bytes, str | None] = {}  # each template by the form `template_alike` remembers it by
    for at, name in enumerate(names):
        if rows[at]["messages"] == 0:
            continue  # held before these logs, or sent only by messages the filters left out: not in the report's span
        shape = template_alike(name, alike)
        if shape is not None:
            members.setdefault(shape, []).append(at)
    families = []
    masks: dict[str, str] = {}  # each masked template's own mask, so that two families never read as one
    for shape, ats in members.items():
        if len(ats) < FAMILY_MIN_NAMES:
            continue
        shown = masks.setdefault(shape, REDACTED_TEMPLATE.format(len(masks) + 1)) if masked(shape) else shape
        for at in ats:
            rows[at]["family"] = shown
        fates = [rows[at]["fate"] for at in ats]
        example = (  # the names kept come first, in slot order
            ats[0] if fates[0] == "kept" else min(ats, key=lambda at: (-(rows[at]["messages"] or 0), names[at]))
        )
        families.append(
            {
                "template": shown,
                "names": len(ats),
                "kept": fates.count("kept"),
                "turned_away": fates.count("turned-away"),
                "never_sent": fates.count("never-sent"),
                "messages": sum(rows[at]["messages"] or 0 for at in ats),
                "example": rows[example]["name"],
            }
        )
    families.sort(key=lambda family: (-family["names"], family["template"]))
    return families[:FAMILIES_LISTED], max(0, len(families) - FAMILIES_LISTED)


def filled(shape: str) -> str:
    """A template with each placeholder a value of one digit, as a name: what `--redact` asks a rule about."""
    return re.sub(r"\{(?:n|uuid|date|hex|email)\}", "0", shape)


REDACTED_TEMPLATE: Final = "‹template {}›"
"""A template as `--redact` shows it when its fixed part holds what an event name is masked for (characters Hotjar
refuses, an IP address, a URL), which no placeholder stands for: numbered in the order of their first names in the
inventory (`‹template 1›`), so that two such families read apart."""


def families_words(kind: dict[str, Any]) -> str | None:
    """`Event names built from values, 2 templates of 20 names or more:` for the events of the inventory record
    when it has families, and that they are counted over the names held when the inventory is sampled; None when
    it has none. Every human format says it so, then a line per family (`family_words`)."""
    families = kind.get("families")
    if not families:
        return None
    total = len(families) + kind["more_families"]
    words = f"Event names built from values, {counted(total, 'template')} of {FAMILY_MIN_NAMES:,} names or more"
    if kind["remainder"]["sampled"]:
        words += ", counted over the event names held (a sample, and every name kept), not every name in the logs"
    return words


def family_words(family: dict[str, Any], sampled: bool = False) -> str:
    """`11,438 names (9,871 kept, 1,567 turned away), 201,304 messages`: a family's counts, after its template; of an
    inventory past its sample (`sampled`), `11,438 names held (...)`: its names outside the sample, turned away ones
    among them, are not counted, and a family of kept names alone read as one that lost none."""
    fates = [
        f"{family[key]:,} {words}"
        for key, words in (("kept", "kept"), ("turned_away", "turned away"), ("never_sent", "never sent"))
        if family[key]
    ]
    held = " held" if sampled else ""
    return f"{counted(family['names'], 'name')}{held} ({', '.join(fates)}), {counted(family['messages'], 'message')}"


def more_families_words(kind: dict[str, Any]) -> str | None:
    """`… and 3 more templates`: the families not shown (`FAMILIES_SHOWN`), the JSON's beyond its list included."""
    more = len(kind.get("families") or []) - FAMILIES_SHOWN + kind.get("more_families", 0)
    if more <= 0:
        return None
    lists = f"the first {FAMILIES_LISTED:,}" if kind.get("more_families", 0) else "them all"
    return f"… and {counted(more, 'more template')} (inventory --format json lists {lists})"
