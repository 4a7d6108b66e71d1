"""Trait strings turned into `Date`s in the replay page exactly as Segment's analytics.js turns them.

What this mirrors: Segment's Hotjar integration (`analytics.js-integration-hotjar` 1.4.0) reads traits through
`segmentio-facade`, whose `Facade` constructor runs `@segment/isodate-traverse` 1.1.1 over the whole message in
strict mode. Traverse walks objects and arrays and replaces every string for which `@segment/isodate` 1.0.3
says `is(value, true)` by `isodate.parse(value)`. So Hotjar received a `Date` for such a string, and the
instant of that `Date` is what the replay must reproduce. `SEGMENT_DATES_JS` is that conversion, rewritten
here as one JavaScript function expression, run in the page just before `hj('identify', ...)`:

    (attributes, at) => converted copy

It returns a new value (objects and arrays copied, the input untouched); strings that are not converted and
every other value come back as they were. Hotjar keeps only top-level attribute values (the mapping drops
nested ones), but nested values are converted too, as traverse does.

`at` is when the identify ran in the user's browser, in milliseconds since 1970 (`PlannedCall.at`): a number
for every attribute, or an array of `[name, milliseconds]` pairs, one per top-level attribute (a
`--latest-traits` merge, whose attributes come from identifies made at different times); a nested value goes
with its top-level attribute. Null or undefined, or an attribute the pairs do not name, means now.

The rules it reproduces, quirks included (tests/replay/test_dates.py checks them against the packages
themselves, run with node, in several time zones):

- A string is converted only when it starts with `YYYY-MM-DD` (strict mode) and matches isodate's whole
  pattern: `YYYY[-]MM[-]DD`, optionally followed by `T` or a space, `hh[:]mm`, optionally `[:]ss` and a
  fraction after `.` or `,` of any number of digits, optionally `Z` or `+hh`, `+hhmm`, `+hh:mm` (or `-`).
  Anything else (`2022-02-03T10`, `20220203`, `2022-02-03 `, a trailing newline, digits past ASCII) stays a
  string, and strict mode never falls back to the engine's own `Date` parsing. The two patterns are the core's
  (`hotjar_cli.core.eventtime.SEGMENT_DATE_START` and `SEGMENT_DATE_PATTERN`), which the inventory reads its
  `date` type with too.
- A date alone is midnight UTC, not local midnight: `"2022-02-03"` is 2022-02-03T00:00:00Z.
- A `T` without an offset is UTC as well.
- A space separator ignores any offset written after it (even `Z`) and uses `new Date().getTimezoneOffset()`:
  the browser zone's offset at the moment the identify ran, not at the date written. That is why the browser's
  time zone matters (see `UserPlan.timezone`), and why, in zones with daylight saving time, a summer date sent
  in winter is an hour off, just as it was in the user's own browser. The replay runs later than the user's
  browser did, so the page takes the offset at the message's own time (`at`), not at replay time: otherwise a
  summer identify replayed in winter would reach Hotjar an hour away from what it first received.
- Month and day `00` count as 1 (isodate's `parseInt(...) || 1`), so `2022-00-00` is 2022-01-01.
- Other out-of-range fields roll over through `Date.UTC`: month 13 is January of the next year, day 32 or
  hour 24 or minute 99 run into the next day or hour, an offset hour of 99 is 99 hours.
- A fraction keeps its first three digits, padded on the right: `.5` is 500 ms, `.123456789` is 123 ms.
- Years 0000 to 0099 become 1900 to 1999 (what `Date.UTC` does with two-digit years).
"""

from __future__ import annotations

from hotjar_cli.core.eventtime import SEGMENT_DATE_PATTERN, SEGMENT_DATE_START

SEGMENT_DATES_JS = r"""(attributes, at) => {
  const shape = /^SEGMENT_DATE_PATTERN$/;
  const fullDate = /^SEGMENT_DATE_START/;
  const whole = (digits, fallback) => parseInt(digits, 10) || fallback;
  // A Map, not an object: looked up in an object, attribute names such as `__proto__` or `constructor` would
  // find what every object inherits.
  const times = Array.isArray(at) ? new Map(at) : null;
  const instant = (text, when) => {
    const part = shape.exec(text);
    let shift = 0;
    if (part[4] === ' ') {
      shift = (when == null ? new Date() : new Date(when)).getTimezoneOffset();
    } else if (part[9] !== 'Z' && part[10]) {
      shift = whole(part[11], 0) * 60 + whole(part[12], 0);
      if (part[10] === '+') shift = -shift;
    }
    const millis = part[8] ? Number((part[8] + '00').substring(0, 3)) : 0;
    return new Date(Date.UTC(whole(part[1], 0), whole(part[2], 1) - 1, whole(part[3], 1),
      whole(part[5], 0), whole(part[6], 0) + shift, whole(part[7], 0), millis));
  };
  // `when` is the time of the value's top-level attribute: every attribute's own under `times`, else `at`.
  const convert = (value, when, top) => {
    if (typeof value === 'string') {
      return fullDate.test(value) && shape.test(value) ? instant(value, when) : value;
    }
    if (value && typeof value === 'object') {
      const copy = Array.isArray(value) ? [] : {};
      for (const key of Object.keys(value)) {
        const time = top ? (times ? times.get(key) : at) : when;
        // A plain assignment to `__proto__` would set the prototype instead of keeping the attribute.
        Object.defineProperty(copy, key, {value: convert(value[key], time, false), enumerable: true,
          writable: true, configurable: true});
      }
      return copy;
    }
    return value;
  };
  return convert(attributes, times ? null : at, true);
}""".replace("SEGMENT_DATE_PATTERN", SEGMENT_DATE_PATTERN).replace("SEGMENT_DATE_START", SEGMENT_DATE_START)
"""The function expression `(attributes, at) => converted copy`; see the module's documentation."""
