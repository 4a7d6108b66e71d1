"""The site view as JSON-ready records: the inventory of names with the budgets, and the timeline. Stable and
documented in the README; every format of `inventory`, and the timeline parts of `validate`'s reports, read these.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from hotjar_cli.core.eventtime import END_SECOND, FIRST_SECOND, iso
from hotjar_cli.core.gate import INVALIDITY
from hotjar_cli.core.inventory import NAMES_HELD, Inventory, Names, name_hash, name_row, sighting_record
from hotjar_cli.core.limits import Limits
from hotjar_cli.core.mapping import event_name_at_fault
from hotjar_cli.core.model import Position
from hotjar_cli.core.rules import ATTRIBUTE_LIMIT_EXCEEDED, EVENT_LIMIT_EXCEEDED, RULES, Effect
from hotjar_cli.core.sketch import EXACT_USERS, STANDARD_ERROR, DistinctUsers
from hotjar_cli.core.summary import Summary
from hotjar_cli.core.tally import DAY_SECONDS, DayBin, merged_days
from hotjar_cli.core.timeline import (
    START_MESSAGES,
    Bucket,
    Seen,
    Timeline,
    applied,
    applies_to,
    bucket_label,
    bucket_record,
    bucket_start,
    change_points,
    shortest_window,
    start_measured,
)
from hotjar_cli.core.views import SiteNames
from hotjar_cli.report.families import families_record, filled
from hotjar_cli.report.interface import Report
from hotjar_cli.report.redact import holds_a_value, masked_name
from hotjar_cli.report.wording import counted, filtered_out, listed, stopped_words

WEEK = 7 * 86400
PACE_MIN_SPAN = 86400
"""The shortest span of event time a pace is projected from: minutes of logs say nothing of a week's new names."""
USERS_NOTE = (
    f"distinct users are exact up to {EXACT_USERS}; past that a HyperLogLog estimate (1,024 registers, "
    f"standard error {STANDARD_ERROR * 100:.2f} %)"
)


GAPS_SAID = 5
"""The spans without events a report names, at most: the longest (the others are counted)."""
QUIET_DAYS = 3
"""By hour, an hour of the day the logs cover on fewer days tells no habit: it counts as one that holds events (see
`busy_hours`)."""
CHANCE_EVENTS = 5
"""By hour, a run of hours that usually hold fewer events than this in all (their mean on the other days the logs
cover them) is empty by chance too often to be an outage: about once in 150 times, were events to come at random at
that rate (`_usual`); a night's hours of one event each, or an hour of three, are empty on some day of a week."""


def seen_record(seen: tuple[float | None, Position] | None) -> dict[str, Any] | None:
    """`{"time", "file", "line"}` (and `"index"` in a batch) for a sighting of the timeline; `time` is null when
    unreadable."""
    if seen is None:
        return None
    when, position = seen
    return sighting_record((when, position.file, position.line, position.index))


def where(seen: dict[str, Any] | None, shown: Callable[[str], str] = str) -> str:
    """`2024-03-01T10:00:00Z at logs/a.jsonl:12` for a sighting record; its time and file:line each `shown` so (the
    Markdown report's as code spans)."""
    if seen is None:
        return "-"
    place = shown(f"{seen['file']}:{seen['line']}") + (f" (batch item {seen['index']})" if "index" in seen else "")
    return f"{shown(seen['time'])} at {place}" if seen["time"] else f"{place} (no event time)"


LIMIT_CODES = frozenset({ATTRIBUTE_LIMIT_EXCEEDED.code, EVENT_LIMIT_EXCEEDED.code})
"""The rules of a site's limits, which turn a name away once the site is full."""
_SENT_ALL_THE_SAME = frozenset({Effect.NOTED, Effect.COERCED})

NO_NEW_NAMES = "no new names in these logs"
"""What every format of the inventory says of a budget with room the logs took no name of (no pace to project)."""


def used_words(budget: dict[str, Any]) -> str:
    """`100 of 100 slots used, 3 held before these logs`: a budget's slots, as every format of the inventory says them;
    the names held before these logs (`--known-attributes`, `--known-events`) only when there are some."""
    known = f", {budget['known_before']:,} held before these logs" if budget["known_before"] else ""
    return f"{budget['used']:,} of {counted(budget['limit'], 'slot')} used{known}"


def estimated_names(names: Names) -> int:
    """HyperLogLog's estimate of the distinct names of a kind seen (standard error `STANDARD_ERROR`)."""
    return names.all_names.count()


def order_words(kind: dict[str, Any]) -> str | None:
    """Why a site that filled up turned names away that were sent before it filled, by event time, when the
    inventory lists any: Hotjar keeps the first names it receives, and the site takes them in the order the logs are
    read (a folder's files in sorted order: one source of Segment's archive after another), which is not always the
    order of their times. None when no name listed was. A name another rule dropped a value of may have been offered
    only after the site filled (`offered_from_first`): such names are counted apart, as "up to" so many more, and
    only beside names known to be sent before it, so that logs in the order of their times, where a name turned away
    was offered only after the site filled, are not said to be out of it. Every human format of the inventory says
    it in these words (the Markdown one unescaped: no text from the input is in them), from the JSON's counts
    (`turned_away_before_fill`)."""
    early = kind["budget"]["turned_away_before_fill"]
    if early is None or not early["sent"]:
        return None
    sent, unsure = early["sent"], early["unsure"]
    words = (
        f"{'At least ' if unsure else ''}{counted(sent, 'name')} turned away {'was' if sent == 1 else 'were'} "
        "first sent before the site filled up, by event time"
    )
    if unsure:
        # Where a name was first offered is not kept (see `offered_from_first`): in real logs nearly every frequent
        # name has an identify with no userId among its values, and 3 of 75 names sent before the fill were said.
        words += (
            f", and up to {unsure:,} more first seen before it, {'a value' if unsure == 1 else 'values'} of which "
            "another rule dropped (an identify with no userId, a nested object), so that where "
            f"{'it was' if unsure == 1 else 'each was'} first offered to the site is not known"
        )
    # Read from several files, the likely cause is named; within one file, its lines are out of time order.
    filled = kind["budget"]["filled_at"]
    files = {row["first_seen"]["file"] for row in _first_seen_before(filled, kind["names"])} | {filled["file"]}
    return (
        f"{words}: the site takes names in the order the logs are read, which is not the order of their times "
        f"here{' (one source of an archive after another?)' if len(files) > 1 else ''}; give the logs in the order "
        "Hotjar received them for the slots it gave"
    )


def turned_away_before_fill(filled: dict[str, Any] | None, rows: list[dict[str, Any]]) -> dict[str, int] | None:
    """The names listed that a full site turned away though they were first seen before it filled, by event time:
    `sent`, those first sent then (`offered_from_first`), and `unsure`, those a value of which another rule dropped
    there, so that where each was first offered is not known (see `order_words`). None while the site is not full,
    or filled at no known time."""
    if filled is None or filled["time"] is None:
        return None
    early = _first_seen_before(filled, rows)
    sent = sum(1 for row in early if offered_from_first(row))
    return {"sent": sent, "unsure": len(early) - sent}


def _first_seen_before(filled: dict[str, Any], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of names turned away though first seen before the site filled (`filled`, at a known time)."""
    full_since = datetime.fromisoformat(filled["time"])
    return [
        row
        for row in rows
        if row["fate"] == "turned-away"
        and row["first_seen"] is not None
        and row["first_seen"]["time"] is not None
        and datetime.fromisoformat(row["first_seen"]["time"]) < full_since
    ]  # times as the inventory writes them: ISO 8601, in UTC


def offered_from_first(row: dict[str, Any]) -> bool:
    """Whether a name's first sighting is where it was first offered to the site: no rule but the site's limit kept
    a value (or track) of it from Hotjar (a rule that only notes or coerces sends it all the same). Where a name was
    first offered is not kept: one whose first value another rule dropped (a nested object) may have been offered only
    after the site filled, in logs read in the order of their times. Keeping it would cost the compiled tally a second
    sighting per name, past the three lines of memory its slot holds to, and a comparison for every value counted."""
    codes = row["dropped"] if "dropped" in row else row["findings"]
    return all(code in LIMIT_CODES or RULES[code].effect in _SENT_ALL_THE_SAME for code in codes)


def pace_words(
    budget: dict[str, Any], span: dict[str, Any] | None = None, filtered: bool = False, option: str = ""
) -> str | None:
    """`12 new names a week, full on 2024-05-01T10:00:00Z at that pace` for a budget with room (`full only after
    the year 9999` when that is where the pace leads), or why no pace is projected; None when the logs added no name.
    `span`: the inventory record's (`{"first", "last"}`), which tells logs with no readable event time from logs
    spanning less than a day. `filtered`: whether the filters left events out, so that the span is of those left, not
    of the logs. `option`: the one that names the site's names held before these logs, said when none were given (a
    site that only sends the names it always did was told it would fill up). Every format of the inventory says the
    pace in these words, from the JSON's fields."""
    if budget["full"]:
        return None
    window = budget["pace_window"]
    words = _pace_words(budget, span, filtered, window)
    if words is not None and window is not None:
        # Measured where the event times lie, not over the far-off clocks of a few devices (`pace_window`).
        outside = window["events_outside"]
        words += (
            f" (over {window['first']} to {window['last']}: {counted(outside, 'event')} "
            f"{'lies' if outside == 1 else 'lie'} outside it)"
        )
    left_out = budget["pace_names_left_out"]
    if words is not None and left_out:
        words += (
            f" (it counts {counted(left_out, 'name')} sent only by messages the filters left out, which take slots too)"
        )
    if words is not None and budget["new_per_week"] is not None and option and not budget["known_before"]:
        words += f", every name in these logs taken as new to the site ({option} names those it held before)"
    return words


def as_of_words(budget: dict[str, Any], record: dict[str, Any], filtered: bool) -> str | None:
    """`The slots used are the site's as of 2024-03-21T23:00:00.000Z, the latest event read: the messages the filters
    left out take slots too; ...` for a budget of the inventory record when the filters left out messages later than
    the events they left (or left none with a time): the slots used, and where the site filled, are then the site's
    after the span the report is of, and a fill is projected from there (`site_as_of`). None otherwise: the budget is
    the site's at the end of that span. `record`: the inventory record (`inventory_record`); `filtered`: whether the
    filters left events out. Every human format of the inventory says it in these words, after the budget's (the
    Markdown one unescaped: no text from the input is in them)."""
    as_of, last = record["site_as_of"], record["span"]["last"]
    if not filtered or as_of is None:
        return None
    if last is not None and datetime.fromisoformat(as_of) <= datetime.fromisoformat(last):
        return None
    words = (
        f"The slots used are the site's as of {as_of}, the latest event read: the messages the filters left out take "
        "slots too"
    )
    if budget["projected_fill"] is not None:
        words += "; the pace is that of the span the filters left, and the fill is projected from there"
    elif budget["new_per_week"] is not None:
        words += "; the pace is that of the span the filters left"
    return words


def _pace_words(
    budget: dict[str, Any], span: dict[str, Any] | None, filtered: bool, window: dict[str, Any] | None
) -> str | None:
    pace = budget["new_per_week"]
    if pace is not None:
        fill = budget["projected_fill"]
        # A budget with room has free slots: no fill date means one past the years a date holds.
        # To the day: a pace of names a week, measured over days, tells no hour of the fill, and the JSON's exact
        # instant read to the millisecond as a forecast far surer than it is.
        when = f"full on {fill.split('T')[0]}" if fill else "full only after the year 9999"
        # The JSON's number as it is, without the zeros of a float: 14, not 14.0; 18.24 and 0.00022 as they are.
        shown = f"{Decimal(repr(pace)):,f}"
        if "." in shown:
            shown = shown.rstrip("0").rstrip(".")
        return f"{shown} new name{'' if shown == '1' else 's'} a week, {when} at that pace"
    if budget["admitted"]:
        if span is not None and span["first"] is None:
            if filtered:
                return "the filters left no event with a readable event time to project a pace from"
            return "no readable event time in these logs to project a pace from"
        if (filtered or window is not None) and span is not None and _span_seconds(span, window) >= PACE_MIN_SPAN:
            left = "the filters left" if filtered else "where the event times lie"
            return f"no new name within the span of event time {left}, so no pace to project"
        return "too short a span of event time (under a day) to project a pace"
    return None


def _span_seconds(span: dict[str, Any], window: dict[str, Any] | None) -> float:
    """The seconds from the first to the last event time of the inventory record's `span` (both given), or within the
    budget's `pace_window` when it has one."""
    first, last = (datetime.fromisoformat((span if window is None else window)[end]) for end in ("first", "last"))
    return (last - first).total_seconds()


def _weekly_pace(pace: float) -> float:
    """New names a week as the JSON gives them: rounded to hundredths, or to two significant digits below 0.005, so
    that names added over centuries of event time give a pace (0.00022), not 0."""
    rounded = round(pace, 2)
    return rounded if rounded else float(f"{pace:.2g}")


def names_words(kind: dict[str, Any]) -> str:
    """`22 names; 22 kept, 0 turned away, 0 never sent` for a kind of the inventory record: the names in the logs,
    then what became of every name listed. Names held before these logs that the logs never name are listed too
    (kept), so they are counted apart: `22 names in the logs, 1 more held before them; 23 kept, ...`; so are those
    only messages the filters left out sent (`1 name, 4 more kept, sent only by messages the filters left out;
    ...`). Every format of the inventory says it in these words. Past the names held (a sample,
    `remainder.sampled`), the turned-away and never-sent ones listed are those held, and the names not held are
    counted apart: `30,371 names; 10,000 kept; of the others held, 1,999 turned away, 1 never sent; 18,371 more not
    held, turned away or never sent, in the remainder` (every kept name is listed; `names (estimated)` once past the
    names counted exactly: `EXACT_NAMES_PER_HELD`)."""
    estimated = " (estimated)" if kind["distinct_names_estimated"] else ""
    names = f"{counted(kind['distinct_names'], 'name')}{estimated}"
    if kind["known_only_names"]:
        names += f" in the logs, {kind['known_only_names']:,} more held before them"
    if kind["left_out_only_names"]:
        names += f", {kind['left_out_only_names']:,} more kept, sent only by messages the filters left out"
    kept, turned_away, never_sent = (
        sum(1 for row in kind["names"] if row["fate"] == fate) for fate in ("kept", "turned-away", "never-sent")
    )
    remainder = kind["remainder"]
    if not remainder["sampled"]:
        return f"{names}; {kept:,} kept, {turned_away:,} turned away, {never_sent:,} never sent"
    return (
        f"{names}; {kept:,} kept; of the others held, {turned_away:,} turned away, {never_sent:,} never sent; "
        f"{remainder['names']:,} more not held, turned away or never sent, in the remainder"
    )


def incomplete_words(errors: list[dict[str, Any]], counts: str = "the names and counts") -> str | None:
    """`Incomplete: 1 file could not be read to its end; ...` for the `errors` of a document (each `{"file", ...}`),
    which each format of the inventory says before its budgets, followed by the errors, and the text report of
    `validate` under its first line (`counts`: what the report below leaves out of them); None when every file was
    read to its end."""
    if not errors:
        return None
    files = len({error["file"] for error in errors})
    return (
        f"Incomplete: {counted(files, 'file')} could not be read to {'its end' if files == 1 else 'their ends'}; "
        f"{counts} below leave out the rest of {'it' if files == 1 else 'them'}"
    )


def no_message_words(record: dict[str, Any]) -> str | None:
    """`3 events are not Segment messages (not JSON, ...) and send no name; hotjar-cli validate says where`, for the
    inventory's document when some events are invalid; None when none is. An inventory of a file of the wrong shape
    (a CSV export, a JSON array) lists no name: without this, it read as a site with nothing to fear. No text from the
    input is in it."""
    invalid = record["summary"]["outcomes"]["invalid"]
    if not invalid:
        return None
    events = "is not a Segment message" if invalid == 1 else "are not Segment messages"
    sends = "sends" if invalid == 1 else "send"
    return f"{counted(invalid, 'event')} {events} {INVALIDITY} and {sends} no name; hotjar-cli validate says where"


def unread_words(error: dict[str, Any]) -> tuple[str, str]:
    """Where the reading of a file stopped and why, as `validate`'s reports say it: (`logs/a.gz:12`,
    `reading stopped here: the gzip stream is corrupt or truncated ...`)."""
    return stopped_words(error["file"], error["line"], error["message"])


def _known_only(names: Names) -> int:
    """How many of the names held before these logs (`--known-attributes`, `--known-events`) the logs never name:
    exact while every name is held; past that, estimated as the distinct names of the logs and the known ones
    together less those of the logs, as `distinct_names` is."""
    if not names.sampled:
        records = names.records
        return sum(1 for name in names.known if name not in records)
    known = DistinctUsers(names.all_names.exact_up_to)
    for name in names.known:
        known.add(name_hash(name))
    return max(0, names.all_names.merge(known).count() - names.all_names.count())


def _names_in_logs(names: Names) -> Callable[[str], bool | None]:
    """Whether a name no record tells of was named by the messages within the filters (a name outside the sample
    held), or not (held before these logs, or sent only by messages the filters left out): told by the distinct names
    of the logs while they are counted exactly, else None."""
    if not names.sampled:
        return lambda name: False
    hashes = names.all_names.hashes()
    if hashes is None:
        return lambda name: None
    return lambda name: name_hash(name) in hashes


def _unseen_name_record(name: str, slot: int, attribute: bool, unknown: bool) -> dict[str, Any]:
    """The row of a name the site holds that no record tells of: held before these logs, or sent only by messages the
    filters left out, and never named within them; or outside the sample held, whose counts are then unknown
    (`unknown`): null, every one (an empty `types` or a false `users_estimated` would read as known)."""
    counts: dict[str, int] | None = None if unknown else {}
    row: dict[str, Any] = {
        "name": name,
        "fate": "kept",
        "slot": slot,
        "messages": None if unknown else 0,
        "users": None if unknown else 0,
        "users_estimated": None if unknown else False,
        "first_seen": None,
        "last_seen": None,
    }
    if attribute:
        row["types"] = counts
        row["dropped"] = None if counts is None else {}
    else:
        row["findings"] = counts
    return row


def _names_record(
    names: Names,
    earliest: float | None,
    latest: float | None,
    redact: bool,
    limits: Limits,
    window: dict[str, Any] | None = None,
    as_of: float | None = None,
) -> dict[str, Any]:
    """A kind's budget, names and remainder; its pace measured from `earliest` to `latest`, or within the `window`
    where all but a few far-off event times lie (`pace_window`), and its fill projected from `as_of` (`site_as_of`)
    when that is later: the slots used are the site's up to there."""
    slots = names.site()
    held = names.held()
    attribute = names.kind == "attribute"
    sampled = names.sampled
    # `--redact` masks an event name a rule found fault with: that is where an email or an id slips in; and an
    # attribute name that holds one as a key of an example does (`holds_a_value`): a trait named after a user's email.
    masked = redact
    at_fault = (lambda name: event_name_at_fault(name, limits)) if names.kind == "event" else holds_a_value
    masks = 0

    def shown_as(name: str) -> str:
        nonlocal masks
        if not masked or not at_fault(name):
            return name
        masks += 1
        return masked_name(masks)

    rows = []
    # The names the logs gave the site (its slots past the names held before them) that no record tells of: those
    # only messages the filters left out sent (`left_out_only_names`), and past the sample, those outside it (in
    # `distinct_names`, and listed, so not in the remainder's names). The distinct names of the logs tell them apart
    # while counted exactly (`in_logs`); past that, every such name is taken to be outside the sample.
    known, listed_unseen, left_out_only = len(names.known), 0, 0
    in_logs = _names_in_logs(names)
    real_names = []  # each row's name as the logs gave it, where `--redact` masks the row's
    for slot, name in enumerate(slots, start=1):
        real_names.append(name)
        record = held.get(name)
        shown = shown_as(name) if masked else name
        if record is None:
            unseen = in_logs(name)
            rows.append(_unseen_name_record(shown, slot, attribute, unseen is not False))
            if slot > known:
                listed_unseen += unseen is not False
                left_out_only += unseen is False
        else:
            rows.append(name_row(shown, record, "kept", slot, attribute))
    others = sorted(
        ((name, record) for name, record in held.items() if name not in slots),
        key=lambda item: (not item[1].offered, -item[1].messages, item[0]),
    )
    for name, record in others:
        real_names.append(name)
        shown = shown_as(name) if masked else name
        rows.append(name_row(shown, record, "turned-away" if record.offered else "never-sent", None, attribute))
    # Exact while every name is held; past that, the distinct count of every name seen (exact up to a bound, then
    # HyperLogLog's estimate), and at least the names shown (not the records, which may hold more until they are
    # trimmed to the sample: see `Names.held`), and one more while messages are under no name listed.
    shown_messages = sum(record.messages for record in held.values())
    outside = names.occurrences - shown_messages
    # A name not held has a message at least: the estimate, over names sent once each, read 21,031 names in the
    # remainder for its 20,909 messages; and one below the truth read 199 messages under no name.
    fewest = len(held) + listed_unseen + (1 if outside and not listed_unseen else 0)
    distinct = min(max(estimated_names(names), fewest), len(held) + outside) if sampled else len(names.records)
    new = len(slots) - min(known, len(slots))
    full_at = names.full_at(slots)
    budget: dict[str, Any] = {
        "limit": names.limit,
        "used": len(slots),
        "known_before": known,
        "admitted": new,
        "free": max(0, names.limit - len(slots)),
        "full": len(slots) >= names.limit,
        "filled_at": sighting_record(full_at),
        "new_per_week": None,
        "projected_fill": None,
        "pace_window": None,
        "pace_names_left_out": None,
    }
    # A kind that took no new name measures no pace, so it names no window to measure one over.
    if window is not None and new and not budget["full"] and earliest is not None and latest is not None:
        budget["pace_window"] = {key: window[key] for key in ("since", "until", "events_outside", "first", "last")}
        earliest, latest = window["earliest"], window["latest"]
    # The pace is of the names the site took within the span of event time it is measured over. With --since or
    # --until the span is the window's, while the messages the filters left out still take their slots: counted,
    # 31 names of a month over its last two days made 108.5 a week. A name taken at no known time is within the span
    # when the run counted its messages, not when only messages the filters left out sent it (`held` holds no such
    # name): three untimed identifies made 30 names of three days 33.
    taken = (
        [
            name
            for name, seen in list(slots.items())[known:]
            if (earliest <= seen[0] <= latest if seen is not None and seen[0] is not None else name in held)
        ]
        if earliest is not None and latest is not None
        else []
    )
    if full_at is None and taken and earliest is not None and latest is not None and latest - earliest >= PACE_MIN_SPAN:
        pace = len(taken) / ((latest - earliest) / WEEK)
        budget["new_per_week"] = _weekly_pace(pace)
        # The site took them all the same: `--type track` gave the attributes a pace from the identifies it left out.
        # Of a sample, told by the distinct names of the logs while counted exactly (`in_logs`), else not known.
        named = [in_logs(name) for name in taken if name not in held]
        budget["pace_names_left_out"] = None if None in named else named.count(False)
        if budget["free"]:
            # From where the slots used are counted to: the messages the filters left out after the span the pace is
            # measured over still took slots (or took none), and projected from the span's end, `--until` made a
            # site the logs show at 84 slots for two weeks more "full" two days after it.
            start = latest if as_of is None else max(latest, as_of)
            budget["projected_fill"] = iso(round(start + budget["free"] / pace * WEEK))
    budget["turned_away_before_fill"] = turned_away_before_fill(budget["filled_at"], rows)
    names_record: dict[str, Any] = {
        "budget": budget,
        "names": rows,
        "distinct_names": distinct,
        "distinct_names_estimated": names.sampled and names.all_names.estimated,
        "known_only_names": _known_only(names),
        "left_out_only_names": left_out_only,
        "remainder": {
            "sampled": names.sampled,
            # The names not listed; their occurrences, and those of the names listed without counts.
            "names": max(0, distinct - len(held) - listed_unseen),
            "occurrences": outside,
        },
    }
    if names.kind == "event":
        # Over the names held, once per report: at most the sample and the names kept, about 22,000.
        families, more = families_record(
            real_names, rows, lambda shape: masked and event_name_at_fault(filled(shape), limits)
        )
        names_record["families"] = families
        names_record["more_families"] = more
        names_record["unnamed"] = {
            "messages": sum(names.unnamed.values()),
            "findings": dict(sorted(names.unnamed.items())),
        }
    return names_record


UNKNOWN = "?"
"""What every format but JSON (null) and CSV (empty) shows for a count or sighting not known (see `unknown_words`)."""


def counts_known(row: dict[str, Any]) -> bool:
    """Whether a name's row has counts: a name the site holds that was not held with them (past the sample of names
    held) has none, and every count and sighting of its row is null."""
    return row["messages"] is not None


def unknown_words(rows: list[dict[str, Any]], kind: str) -> str | None:
    """`?: not known for 15 of these names, which the site holds: ...`, for the rows a format shows of one kind
    (`attribute` or `event`) when some have no counts (`counts_known`); None when every one has them."""
    unknown = sum(not counts_known(row) for row in rows)
    if not unknown:
        return None
    return (
        f"{UNKNOWN}: not known for {unknown:,} of these names, which the site holds: "
        f"{'it is' if unknown == 1 else 'they are'} outside the sample of names held (past {NAMES_HELD[kind]:,} "
        f"{kind} names, a sample is held with its counts; the others are counted only in all, in the remainder)"
    )


def unnamed_words(kind: dict[str, Any]) -> str | None:
    """`9 tracks carry no event name Hotjar can take, counted under no name: ` and each rule that rejected them (its
    code and name) with its count, for the events of the inventory record (`unnamed`); None when every track has
    one. Every format of the inventory says it so."""
    unnamed = kind.get("unnamed")
    if not unnamed or not unnamed["messages"]:
        return None
    findings = ", ".join(
        f"{code} {RULES[code].name} ×{count:,}"
        for code, count in sorted(unnamed["findings"].items(), key=lambda item: (-item[1], item[0]))
    )
    tracks = f"{counted(unnamed['messages'], 'track')} {'carries' if unnamed['messages'] == 1 else 'carry'}"
    return f"{tracks} no event name Hotjar can take, counted under no name: {findings}"


def inventory_record(inventory: Inventory, redact: bool, limits: Limits) -> dict[str, Any]:
    """`{"attributes": {...}, "events": {...}, "span", "users_note"}`: each kind's budget, names and remainder.
    `limits`: the run's, for `--redact`, which masks an event name they find fault with (`event_name_at_fault`)."""
    earliest, latest = inventory.earliest, inventory.latest
    window = pace_window(inventory)
    as_of = site_as_of(inventory)
    return {
        "span": {
            "first": iso(earliest),
            "last": iso(latest),
            # The few far-off clocks that stretch it, and the first and last event time of the rest.
            "far_off": None
            if window is None
            else {"events": window["events_outside"], "first": window["first"], "last": window["last"]},
        },
        "site_as_of": iso(as_of),
        "attributes": _names_record(inventory.attributes, earliest, latest, redact, limits, window, as_of),
        "events": _names_record(inventory.events, earliest, latest, redact, limits, window, as_of),
        "users_note": USERS_NOTE,
    }


def pace_window(inventory: Inventory) -> dict[str, Any] | None:
    """When a few event times lie far from the others (the far-off clocks of a few devices): the shortest span of
    days holding all but at most `PACE_OUTSIDE_SHARE` of the timed events, rather than a span they stretch to more than
    twice as long: `{"since", "until", "events_outside"}`, and the first and last event time within it, which the pace
    of new names is measured between (`first`, `last`; in seconds, `earliest`, `latest`). None when no time lies so
    far off, or the logs hold too few (under 100) to tell."""
    return _window_of(inventory.day_shift, inventory.days, inventory.earliest, inventory.latest)


def site_as_of(inventory: Inventory) -> float | None:
    """The latest event time of every message read, those the filters left out included (`Inventory.left_out_days`),
    in seconds: the slots used describe the site up to there, so a fill is projected from there. Measured, as the
    pace is (`pace_window`), where all but a few far-off event times lie: one device's clock in 2099 among the
    messages `--until` left out would otherwise project every fill from 2099. Without such messages, the latest event
    time the pace is measured to; None when no message read has a readable event time."""
    shift, days = inventory.day_shift, inventory.days
    timed = [when for when in (inventory.earliest, inventory.latest) if when is not None]
    if inventory.left_out_days:
        left_out = inventory.left_out_days.values()
        timed += [min(each[1] for each in left_out), max(each[2] for each in left_out)]
        shift, days = merged_days(shift, dict(days), inventory.left_out_shift, inventory.left_out_days)
    if not timed:
        return None
    window = _window_of(shift, days, min(timed), max(timed))
    return max(timed) if window is None else float(window["latest"])


def _window_of(
    shift: int, days: dict[int, DayBin], earliest: float | None, latest: float | None
) -> dict[str, Any] | None:
    """`pace_window` of the timed events binned in `days` (bins of `1 << shift` days, see `Tally.days`), whose
    earliest and latest event time are `earliest` and `latest`."""
    if earliest is None or latest is None or not days:
        return None
    width = (1 << shift) * DAY_SECONDS
    bins = sorted(days.items())
    spans = [(day * width, (day + 1) * width, events) for day, (events, _, _) in bins]
    window = shortest_window(spans, PACE_OUTSIDE_SHARE)
    if window is None:
        return None
    start, end, outside = window
    since, until = iso(start), iso(end)
    if not outside or (end - start) * 2 > latest - earliest or since is None or until is None:
        return None  # (a window of wide bins may end past the years a date holds)
    # Measured from the window's first event time to its last, as logs without a far-off clock are: from the edges
    # of its days, a 1970 clock among 25 hours of logs straddling two days made their pace half of what it was.
    within = [day_bin for day, day_bin in bins if start <= day * width < end]
    first, last = min(each[1] for each in within), max(each[2] for each in within)
    return {
        "since": since,
        "until": until,
        "events_outside": outside,
        "first": iso(first),
        "last": iso(last),
        "earliest": first,
        "latest": last,
    }


PACE_OUTSIDE_SHARE = 0.01
"""At most this share of the timed events (at least one) may lie outside the window `pace_window` measures the pace
over, which holds the others in at most half the span of event time."""


def resolution_words(timeline: dict[str, Any], by: str) -> str:
    """`by day`, or when the span made the buckets coarser than `by` asked, `by day: hours would be too many buckets
    over this span`, for a timeline record (`timeline_record`). Every report that shows the timeline says it so."""
    coarser = f": {by}s would be too many buckets over this span" if timeline["by"] != by else ""
    return f"by {timeline['by']}{coarser}"


def rules_over_time_words(timeline: dict[str, Any], by: str) -> str:
    """`event time, by day; 8 events with no readable event time`: what the table of when each rule occurs is over,
    as the text and Markdown reports title it (with the far-off clocks left out, `far_off_words`)."""
    far_off = f"; {far_off_words(timeline)}" if timeline["far_off"] is not None else ""
    untimed = timeline["untimed"]["events"]  # said, as the HTML report says it: they are in no row's times
    unread = f"; {counted(untimed, 'event')} with no readable event time" if untimed else ""
    return f"event time, {resolution_words(timeline, by)}{far_off}{unread}"


def summary_gap_words(timeline: dict[str, Any], summary: Summary) -> str:
    """`gap_words` for a run's timeline record and summary: its filters and its files not read to their end."""
    far_off = timeline["far_off"] is not None
    return gap_words(
        timeline["buckets"], timeline["by"], far_off, filtered=bool(summary.filtered), unread=len(summary.errors)
    )


_APPLIES_TO_WORDS: Final = {
    "identify": "identifies",
    "track": "tracks",
    "identify-or-track": "identifies and tracks",
    "message": "messages",
}


def unmeasured_words(timeline: dict[str, Any], code: str | None = None) -> list[str]:
    """`Too few identifies an hour to tell when <rules> started: a start is told over hours of 20 identifies or more,
    two at least; --by day gathers more in each`, once for each kind of message (`Rule.applies_to`) some rule seen has
    too few of in its buckets (`start_measured`) though enough in all for two such buckets, or for the rule `code`
    alone (`... when it started ...`): an empty list of starts is then no answer. Logs too small for any start (a
    few dozen events) say nothing of it, nor do logs whose messages of the kind all lie in one bucket (a day's logs by
    day), which no finer bucket would blame, nor a rule found in no bucket charted (broken lines, which have no event
    time, or far-off clocks alone), which no size of bucket would date."""
    resolution = timeline["by"]
    totals, busy = dict.fromkeys(_APPLIES_TO_WORDS, 0), dict.fromkeys(_APPLIES_TO_WORDS, 0)
    charted: set[str] = set()  # the rules found in a bucket charted
    for bucket in timeline["buckets"]:
        charted.update(bucket["rules"])
        for kind in _APPLIES_TO_WORDS:
            messages = applied(bucket["identifies"], bucket["tracks"], bucket["events"], kind)
            totals[kind] += messages
            busy[kind] += messages > 0
    unmeasured: dict[str, list[str]] = {}
    for seen, rule in timeline["rules"].items():
        kind = applies_to(seen)
        enough = totals[kind] >= 2 * START_MESSAGES and busy[kind] >= 2
        if not rule["start_measured"] and code in (None, seen) and enough and seen in charted:
            unmeasured.setdefault(kind, []).append(seen)
    said = []
    for kind, codes in unmeasured.items():
        noun = _APPLIES_TO_WORDS[kind]
        finer = "; --by day gathers more in each" if resolution == "hour" else ""
        said.append(
            f"Too few {noun} a{'n' if resolution == 'hour' else ''} {resolution} to tell when "
            f"{'it' if code is not None else listed(codes)} started: a start is told over {resolution}s of "
            f"{START_MESSAGES} {noun} or more, two at least{finer}"
        )
    return said


def buckets_span(first: str, last: str, resolution: str) -> str:
    """The buckets from the one labelled `first` to the one labelled `last`: whole days, months or years read as they
    are (`2024-03-05 to 2024-03-06`); hours as the instants they start and end at (`from 2024-03-05T11:00Z until
    2024-03-05T13:00Z` for the two hours from 11:00), as `11:00 to 12:00` read one hour short, and `11:00 to 13:00`
    read as if the hour from 13:00 were in them too."""
    if resolution != "hour":
        return first if first == last else f"{first} to {last}"
    if last.startswith("9999-12-31T23"):  # the last hour a date holds ends past the years it holds
        return f"from {first} until the end of 9999"
    end = datetime.fromisoformat(last.replace("Z", "+00:00")) + timedelta(hours=1)
    return f"from {first} until {end.year:04d}-{end.month:02d}-{end.day:02d}T{end.hour:02d}:00Z"  # `%Y` may be unpadded


def far_off_words(timeline: dict[str, Any]) -> str:
    """`2 events lie outside 2024-03-01 to 2024-03-10, far from the rest (1970-01-01 and 2031-05-02): counted apart,
    not charted`, for a timeline record whose series left out the buckets of a few far-off clocks (`far_off`); by
    hour, `outside the span from 2024-03-01T00:00Z until 2024-03-11T00:00Z`. Every report that charts the timeline
    says it in these words."""
    far_off, buckets, resolution = timeline["far_off"], timeline["buckets"], timeline["by"]
    starts = far_off["starts"]
    where = listed(starts) if len(starts) <= 3 else f"{len(starts):,} {resolution}s, {starts[0]} to {starts[-1]}"
    charted = buckets_span(buckets[0]["start"], buckets[-1]["start"], resolution)
    charted = f"the span {charted}" if resolution == "hour" else charted
    return f"{far_from_the_rest(far_off['events'], charted, 'event')} ({where}): counted apart, not charted"


def far_from_the_rest(events: int, span: str, noun: str = "") -> str:
    """`2 events lie outside 2024-03-01 to 2024-03-10, far from the rest` (`2 lie ...` without a `noun`): the events
    of a few far-off clocks, as the time series (`far_off_words`) and the inventory's span (`span_words`) say them."""
    count = counted(events, noun) if noun else f"{events:,}"
    return f"{count} {'lies' if events == 1 else 'lie'} outside {span}, far from the rest"


def starts_where_first_seen(limits: Limits, known: SiteNames, summary: Summary) -> dict[str, Seen | None]:
    """The site-limit rules that start where they are first met (see `change_points`), each with its first event read
    (in input order, `Summary.first_found`, whatever examples are shown; None when it found none): those of a site with
    room as the logs began, when the filters left out no message. A site full before them (`--known-attributes`,
    `--known-events`) turns names away from the first message, and the logs do not show when that started. The messages
    the filters leave out take their slots all the same: with `--since`, the site may have filled long before the first
    name turned away within the window, and that is no start. The first read, not the earliest by event time: a file of
    earlier days read after the site filled on a later one (`b.jsonl` after `a.jsonl`) lost its names to a site already
    full, and its first day read as the start, days before the site filled."""
    if summary.filtered:
        return {}
    room = {
        ATTRIBUTE_LIMIT_EXCEEDED.code: len(known.attributes) < limits.max_attributes,
        EVENT_LIMIT_EXCEEDED.code: len(known.events) < limits.max_events,
    }
    starts: dict[str, Seen | None] = {}
    for code, has_room in room.items():
        if has_room:
            starts[code] = summary.first_found.get(code)
    return starts


def report_timeline(report: Report) -> dict[str, Any] | None:
    """The time series of a `validate` run as its reports show it (`timeline_record`, a site limit starting where
    first met), None when the run collected none."""
    views = report.summary.views
    if views is None or views.timeline is None:
        return None
    starts = starts_where_first_seen(report.limits, report.site_names, report.summary)
    return timeline_record(views.timeline, report.by, starts)


def timeline_record(timeline: Timeline, by: str, first_seen_starts: dict[str, Seen | None]) -> dict[str, Any]:
    """The time series (every bucket from the first to the last), the untimed events, per rule its first and last
    sighting and the buckets where it starts (those of `first_seen_starts` where first met, too:
    `starts_where_first_seen`); and the events of a few far-off clocks the series left out (`far_off`: their counts
    and the buckets they lie in)."""
    resolution, series, outside = timeline.series(by)
    untimed = bucket_record(0, "day", timeline.untimed)
    del untimed["start"]
    charted = {start for start, _ in series}
    rules = {}
    for code in sorted(set(timeline.first) | set(timeline.last)):
        first = timeline.first.get(code)
        first_met = None
        if code in first_seen_starts:
            # The bucket of its first event read; else (none kept, or a far-off clock put it outside the buckets
            # charted: a device at 1970 turned away after the site filled) the first bucket charted that holds it.
            read = first_seen_starts[code]
            when = None if read is None else read[0]
            # (A time past the years a date holds lies in no bucket: `bucket_start` reads some through a date.)
            at = bucket_start(when, resolution) if when is not None and FIRST_SECOND <= when < END_SECOND else None
            first_met = (
                (at, read)
                if at in charted and at is not None
                else next(((start, bucket.first[code]) for start, bucket in series if code in bucket.first), None)
            )
        rules[code] = {
            "name": RULES[code].name,
            "first_seen": seen_record(first),
            "last_seen": seen_record(timeline.last.get(code)),
            "started": [
                {"bucket": bucket_label(start, resolution), "first_example": seen_record(seen)}
                for start, seen in change_points(series, code, first_met)
            ],
            # A start where first met is told however few messages each bucket holds.
            "start_measured": code in first_seen_starts or start_measured(series, code),
        }
    return {
        "by": resolution,
        "buckets": [bucket_record(start, resolution, bucket) for start, bucket in series],
        "untimed": untimed,
        "far_off": _far_off_record(outside, resolution),
        "rules": rules,
    }


def _far_off_record(outside: list[tuple[int, Bucket]], resolution: str) -> dict[str, Any] | None:
    """The buckets a series left out (`Timeline.series`), counted as one, with the `starts` of each: None for none."""
    if not outside:
        return None
    merged = outside[0][1]
    for _, bucket in outside[1:]:
        merged = merged.merge(bucket)
    record = bucket_record(outside[0][0], resolution, merged)
    del record["start"]
    return {**record, "starts": [bucket_label(start, resolution) for start, _ in outside]}


def span_words(record: dict[str, Any]) -> str:
    """`10,081 events from 2024-04-02T09:14:40.618Z to 2024-04-04T04:26:56Z`, or that none had a readable time.

    With `--since`/`--until`, how many the filters left out, as `validate` says it, and the span of those left:
    `10,069 events, 10,054 filtered out, 15 left from 2024-04-04T04:26:03Z to 2024-04-04T04:26:56Z`. And the few
    events far from the rest (`pace_window`) that stretch the span: `...; 2 lie outside 2024-03-01T00:00:00.000Z to
    2024-03-07T23:59:58.999Z, far from the rest`."""
    summary = record["summary"]
    filtered = summary.get("filtered", 0)
    events = counted(summary["events"], "event") + filtered_out(filtered)
    left = summary["events"] - filtered
    if filtered:
        if not left:
            return events  # every event filtered out: no span, and no word of their times
        events += f", {left:,} left"
    first, last, far_off = record["span"]["first"], record["span"]["last"], record["span"]["far_off"]
    if first is None or last is None:
        return f"{events}, none with a readable event time" if left else events
    if far_off is None:
        return f"{events} from {first} to {last}"
    rest = f"{far_off['first']} to {far_off['last']}"  # a few far-off clocks stretch the span to decades
    return f"{events} from {first} to {last}; {far_from_the_rest(far_off['events'], rest)}"


_DIGITS_OR_NOT = re.compile(r"[0-9]+|[^0-9]+")


def natural_key(name: str) -> tuple[list[tuple[int, int, str]], str]:
    """`Article 9999` before `Article 10000`: runs of digits compare by value, the rest as lower-case text, as
    the HTML table's script sorts a column of text."""
    parts = []
    for part in _DIGITS_OR_NOT.findall(name.lower()):
        digits = part.lstrip("0") if part[0] in "0123456789" else None
        parts.append((0, len(digits), digits) if digits is not None else (1, 0, part))
    return parts, name


def listing_order(kind: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The names of a kind (`inventory_record`'s) in the order every report lists them, in two lists: the names
    whose data was lost, what a reader came for (the most frequent first, turned away before never sent where they
    tie: listed turned away first, fifty feature flags sent once each hid the nested trait sent 175 times), and the
    kept names (those these logs sent, the most frequent first; those outside the sample held, whose counts are not
    known, after them; then the names held before these logs that they never sent)."""
    names, known_before = kind["names"], kind["budget"]["known_before"]
    left_out = sorted(
        (row for row in names if row["fate"] != "kept"),
        key=lambda row: (-(row["messages"] or 0), row["fate"] != "turned-away", natural_key(row["name"])),
    )
    kept = sorted((row for row in names if row["fate"] == "kept"), key=lambda row: _sent_first(row, known_before))
    return left_out, kept


def lost_listed(left_out: list[dict[str, Any]], room: int) -> list[dict[str, Any]]:
    """Up to `room` of the names whose data was lost (`listing_order`'s first list), in its order: half of them at
    least of each fate, turned away and never sent, where there are as many. Fifty feature flags turned away hid every
    name never sent (a nested trait, an identify with no userId), which the logs' senders can mend name by name."""
    if len(left_out) <= room:
        return left_out
    never = sum(row["fate"] == "never-sent" for row in left_out)
    rooms = {"never-sent": max(room // 2, room - (len(left_out) - never))}
    rooms["turned-away"] = room - min(rooms["never-sent"], never)
    taken = dict.fromkeys(rooms, 0)
    listed = []
    for row in left_out:
        if taken[row["fate"]] < rooms[row["fate"]]:
            taken[row["fate"]] += 1
            listed.append(row)
    return listed


def sent_here(row: dict[str, Any], known_before: int) -> bool:
    """Whether these logs sent a kept name: they counted it, or it has a slot past the known ones (they took it)."""
    return (row["messages"] or 0) > 0 or (row["slot"] or 0) > known_before


def _sent_first(row: dict[str, Any], known_before: int) -> tuple[bool, bool, int, Any]:
    """A kept name's rank in `listing_order`."""
    messages = row["messages"]
    return not sent_here(row, known_before), messages is None, -(messages or 0), natural_key(row["name"])


def gap_words(
    buckets: list[dict[str, Any]], resolution: str, far_off: bool = False, *, filtered: bool = False, unread: int = 0
) -> str:
    """`No events in 2 spans of event time, between the first event and the last: 2024-03-14 to 2024-03-15 (2 days),
    2024-03-20 (1 day)`, for the runs of empty buckets among `buckets` (the timeline record's, every one from the
    first to the last): the longest `GAPS_SAID` in time order, and how many more. An outage, or an export that
    missed some days, is a hole in the logs that the counts alone do not show. Nothing when there is none. `far_off`:
    the series left out a few far-off clocks, and the first and last events said are those charted.

    By hour, a run shorter than a day that is a site's usual quiet (`_usual`: the nights of a site used by day, by
    the hours of the day that usually hold events, `busy_hours`) is no such hole, and is only counted (`..., not
    counting 6 spans in hours of the day often without events`): listed, the nights were the longest runs, and hid
    an afternoon's outage behind them.

    The spans are of the events the filters let through, when they left some out (`filtered`): one user's idle days
    are no outage. And when `unread` files could not be read to their end, the sentence says their unread rest may lie
    in those spans: a gzip cut short read as a two-hour outage."""
    hours_of_day = busy_hours(buckets) if resolution == "hour" else None
    gaps: list[tuple[int, str, str, int]] = []  # (place, first, last, buckets)
    run: list[str] = []
    usual = 0  # runs of hours that often hold no events
    for place, bucket in enumerate(buckets):
        if not bucket["events"]:
            run.append(bucket["start"])
            continue
        if run and hours_of_day is not None and len(run) < 24 and _usual(run, hours_of_day):
            usual += 1
        elif run:
            gaps.append((place, run[0], run[-1], len(run)))
        run = []
    usual_words = f", not counting {counted(usual, 'span')} in hours of the day often without events" if usual else ""
    if not gaps:
        return ""
    said = sorted(sorted(gaps, key=lambda gap: (-gap[3], gap[0]))[:GAPS_SAID])
    spans = ", ".join(
        f"{buckets_span(first, last, resolution)} ({counted(length, resolution)})" for _, first, last, length in said
    )
    more = f", and {len(gaps) - len(said):,} more" if len(gaps) > len(said) else ""
    where = "a span" if len(gaps) == 1 else counted(len(gaps), "span")
    events = "events the filters let through" if filtered else "events"
    first = "the first such event" if filtered else "the first event"
    between = f"between {first} charted and the last" if far_off else f"between {first} and the last"
    cut = (
        f"; {counted(unread, 'file')} could not be read to {'its' if unread == 1 else 'their'} end, and what "
        f"{'it holds' if unread == 1 else 'they hold'} past where reading stopped may lie in "
        f"{'it' if len(gaps) == 1 else 'them'}"
        if unread
        else ""
    )
    return f"No {events} in {where} of event time, {between}: {spans}{more}{usual_words}{cut}"


def _usual(run: list[str], hours_of_day: HoursOfDay) -> bool:
    """Whether a run of empty hours is a site's usual quiet: it holds an hour of the day that often holds no events,
    and those of its hours that usually do (`busy`) are empty on other days too (`often_empty`): the sparse hours
    of a site's night, an evening that tails off, or the hour at a night's edge that a clock shifted an hour (summer
    time) leaves empty on every night on one side of the shift. Or it holds busy hours alone, each empty on a quarter
    of the other days at least (`regularly_empty`): a night's hour with events on nine nights in thirteen. Or its
    hours usually hold fewer than `CHANCE_EVENTS` events in all (`expected`): such a run is often empty by chance.
    An afternoon's outage holds busy hours empty on that day alone, or on one more; an outage of one morning's first
    hour, a busy hour empty on that day alone."""
    busy, often_empty, regularly_empty, expected = hours_of_day
    hours = [_hour_of_day(start) for start in run]
    if sum(expected[hour] for hour in hours) < CHANCE_EVENTS:
        return True
    if all(hour in busy for hour in hours):
        return all(hour in regularly_empty for hour in hours)
    return all(hour not in busy or hour in often_empty for hour in hours)


HoursOfDay = tuple[set[int], set[int], set[int], list[float]]
"""The hours of the day (0 to 23) that usually hold events, those often empty, those regularly empty, and the events
each holds on average (`busy_hours`)."""


def busy_hours(buckets: list[dict[str, Any]]) -> HoursOfDay:
    """The hours of the day (0 to 23) that usually hold events, among `buckets` (hours from the first to the last):
    those that hold events on at least two days in three that the logs cover them, and those the logs cover on fewer
    than `QUIET_DAYS` days. An outage of one afternoon in a week leaves its hours busy on six days in seven. And the
    hours of the day empty on two days at least, and those empty on two other days at least and on a quarter of the
    days but one, whichever that one is; and the events each holds on average on the days the logs cover it but one
    (the day of a run the average is asked for, which holds none), or infinitely many where they cover it on one day
    alone (see `_usual`)."""
    covered, busy, events = [0] * 24, [0] * 24, [0] * 24
    for bucket in buckets:
        hour = _hour_of_day(bucket["start"])
        covered[hour] += 1
        busy[hour] += bucket["events"] > 0
        events[hour] += bucket["events"]
    others = [covered[hour] - busy[hour] - 1 for hour in range(24)]  # the days empty besides any one
    return (
        {hour for hour in range(24) if covered[hour] < QUIET_DAYS or 3 * busy[hour] >= 2 * covered[hour]},
        {hour for hour in range(24) if covered[hour] - busy[hour] >= 2},
        {hour for hour in range(24) if others[hour] >= 2 and 4 * others[hour] >= covered[hour] - 1},
        [events[hour] / (covered[hour] - 1) if covered[hour] > 1 else math.inf for hour in range(24)],
    )


def _hour_of_day(start: str) -> int:
    """The hour of the day of an hour's label (`2024-03-05T11:00Z`: 11)."""
    return int(start[11:13])
