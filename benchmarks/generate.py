"""Generate realistic analytics.js messages as newline-delimited JSON, the way Segment archives them.

    python benchmarks/generate.py --size 500MB benchmarks/data/events.ndjson
    python benchmarks/generate.py --events 200000 --gzip benchmarks/data/events.ndjson.gz
    python benchmarks/generate.py --size 1GB --gzip --files 100 benchmarks/data/archive/
    python benchmarks/generate.py --profile short --size 300MB benchmarks/data/short.ndjson

Profiles (`--profile`):

- `long` (the default): a web product through analytics.js. About 15% identify, 65% track, 15% page and a
  few group, alias and screen calls, with full analytics.js context, nested traits, e-commerce properties and
  a small share of lines a real archive also holds (broken JSON, identifies without a userId, odd event
  names). Lines average about 1.2 KB. As a product grows, its identifies gain custom traits (feature flags,
  experiments, CRM fields) and its tracks gain event names built from ids: new names keep arriving over time,
  fast at first and then slower (as the square root of the messages so far), so a site crosses Hotjar's 100
  attribute names after about 13 MB of input and ends with over 400, and its distinct event names reach
  about 7,200 by 500 MB.
- `short`: the shape server-side libraries send (analytics-python, -node, -go, -ruby): no page context, no
  user agent, a few properties or traits, with the same growth of trait and event names. The library they name is
  analytics.js all the same (`SHORT_LIBRARIES`): a server library's messages never reached Hotjar (HJ109, ignored
  after one look), and the profile is there to measure short messages that Hotjar's rules judge. Nine lines in ten
  are under 400 bytes, about 340 on average; the site crosses 100 attribute names after about 4 MB, and
  10,000 event names at about four fifths of 300 MB.
- `tidy`: `long` without the growth of names: no site limit is ever crossed (the benchmark's data before
  the profiles existed).

Serialising a fresh dict for every line would make the generator, not the disk, the slow part of a
benchmark run: instead a pool of a few thousand distinct messages is serialised once, each cut at the
values that change per line (ids, timestamps, user), and every line is stitched from a template and fresh
values. The output depends only on the seed and the size, so a cached file can be reused.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import math
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

DEFAULT_SEED = 20240301
START_MS = 1_709_251_200_000  # 2024-03-01T00:00:00Z: a fixed start keeps the output reproducible.
USERS = 20_000
POOL_PER_KIND = {"identify": 900, "track": 2400, "page": 700, "group": 80, "alias": 40, "screen": 60}
MIX = (("identify", 0.15), ("track", 0.65), ("page", 0.15), ("group", 0.02), ("alias", 0.01), ("screen", 0.02))
SHORT_POOL_PER_KIND = {"identify": 600, "track": 2400, "page": 40, "group": 60, "alias": 20}
SHORT_MIX = (("identify", 0.22), ("track", 0.72), ("page", 0.02), ("group", 0.03), ("alias", 0.01))
BAD_LINE_SHARE = 0.004
"""Lines that are not JSON at all; identifies without userId and odd event names are part of the pools."""
PROFILES = ("long", "short", "tidy")
TRAIT_GROWTH = 2.0
"""Custom trait names known after n identifies: TRAIT_GROWTH × √n (about 100 after 2,500, 500 after 64,000)."""
EVENT_GROWTH = 24.0
"""Event names built from ids known after n tracks that use one: EVENT_GROWTH × √n."""
EVENT_SPRAWL_SHARE = 0.35
"""The share of track templates whose event name is one of the growing names rather than a fixed one."""
CUSTOM_TRAITS_PER_IDENTIFY = (0, 0, 0, 1, 1, 2, 2, 3, 4, 6)
"""How many custom traits an identify carries, drawn uniformly from this list."""

_SLOT = re.compile(r'"@@(\w+)@@"')
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}

FIRST_NAMES = [
    "Ada",
    "Grace",
    "Linus",
    "Margaret",
    "Alan",
    "Barbara",
    "Ken",
    "Frances",
    "Dennis",
    "Radia",
    "Tim",
    "Hedy",
    "Guido",
    "Katherine",
    "Edsger",
    "Annie",
    "Yukihiro",
    "Sophie",
    "Bjarne",
    "Joan",
    "José",
    "Zoë",
    "Søren",
    "Łucja",
    "Ngozi",
    "Hiroshi",
    "Priya",
    "Mateus",
    "Aylin",
    "Chen",
]
LAST_NAMES = [
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Turing",
    "Liskov",
    "Thompson",
    "Allen",
    "Ritchie",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "van Rossum",
    "Johnson",
    "Dijkstra",
    "Easley",
    "Matsumoto",
    "Wilson",
    "Stroustrup",
    "Clarke",
    "García",
    "Müller",
    "Kowalska",
    "Okafor",
    "Tanaka",
    "Sharma",
]
DOMAINS = ["example.com", "acme.io", "globex.com", "initech.net", "umbrella.co", "hooli.com", "gmail.com"]
PLANS = ["free", "starter", "pro", "business", "enterprise", None]
INDUSTRIES = ["SaaS", "Retail", "Fintech", "Healthcare", "Media", "Education", "Logistics"]
CITIES = [
    ("San Francisco", "CA", "US", "94107"),
    ("Berlin", "BE", "DE", "10115"),
    ("London", "", "GB", "EC1A"),
    ("Paris", "", "FR", "75002"),
    ("São Paulo", "SP", "BR", "01310"),
    ("Tokyo", "", "JP", "100-0001"),
    ("Toronto", "ON", "CA", "M5V 2T6"),
    ("Warsaw", "", "PL", "00-001"),
    ("Lagos", "LA", "NG", "100001"),
]
LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "pt-BR", "ja-JP", "pl-PL", "es-ES", "nl-NL"]
TIMEZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Europe/Warsaw",
    "Africa/Lagos",
]
USER_AGENTS = [
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0.0.0 Safari/537.36",
        "macOS",
        False,
        "Google Chrome",
        "122",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0",
        "Windows",
        False,
        "Microsoft Edge",
        "121",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0.6261.64 Mobile Safari/537.36",
        "Android",
        True,
        "Google Chrome",
        "122",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.3.1 Mobile/15E148 Safari/604.1",
        None,
        True,
        None,
        None,
    ),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.3; rv:123.0) Gecko/20100101 Firefox/123.0", None, False, None, None),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
        "Linux",
        False,
        "Chromium",
        "122",
    ),
]
PAGES = [
    ("/", "Acme - Analytics for teams"),
    ("/pricing", "Pricing | Acme"),
    ("/docs/getting-started", "Getting started | Acme Docs"),
    ("/blog/2024/segment-to-hotjar", "Sending Segment data to Hotjar"),
    ("/app/dashboard", "Dashboard"),
    ("/app/reports/funnels", "Funnels | Acme"),
    ("/signup", "Sign up"),
    ("/checkout", "Checkout"),
    ("/products/widget-pro", "Widget Pro | Acme Store"),
    ("/cart", "Your cart"),
    ("/app/settings/billing", "Billing settings"),
    ("/search", "Search results"),
]
REFERRERS = [
    "",
    "https://www.google.com/",
    "https://news.ycombinator.com/",
    "https://twitter.com/",
    "https://www.linkedin.com/",
    "https://duckduckgo.com/",
    "https://acme.io/blog",
]
CAMPAIGNS = [
    None,
    None,
    None,
    {"name": "spring_sale", "source": "newsletter", "medium": "email"},
    {"name": "brand", "source": "google", "medium": "cpc", "term": "product analytics"},
    {"name": "launch-week", "source": "twitter", "medium": "social", "content": "video"},
]
PRODUCTS = [
    ("507f1f77bcf86cd799439011", "Widget Pro", "Widgets", 49.99),
    ("60d5ec49f1b2c8b1f8e4e1a1", "Gadget Mini", "Gadgets", 19.0),
    ("5f8d0d55b54764421b7156c3", "Monopoly: 3rd Edition", "Games", 19.99),
    ("61a7b2c3d4e5f60718293a4b", "Uno Card Game", "Games", 3.5),
    ("6123abcd4567ef8901234567", "Acme Hoodie", "Apparel", 59.0),
    ("64b0c1d2e3f405162738495a", "Sticker pack", "Accessories", 4.0),
]
EVENTS = [
    "Product Viewed",
    "Product Added",
    "Product Removed",
    "Cart Viewed",
    "Checkout Started",
    "Checkout Step Completed",
    "Payment Info Entered",
    "Order Completed",
    "Coupon Applied",
    "Products Searched",
    "Product List Viewed",
    "Signed Up",
    "Signed In",
    "Signed Out",
    "Trial Started",
    "Subscription Upgraded",
    "Feature Used",
    "Button Clicked",
    "Form Submitted",
    "Video Playback Started",
    "Report Exported",
    "Invite Sent",
    "onboarding_step_completed",
    "settings:updated",
    "search/filter",
]
TRAIT_FAMILIES = [
    "feature",
    "exp",
    "onboarding",
    "crm",
    "billing",
    "pref",
    "flag",
    "integration",
    "survey",
    "hubspot",
    "salesforce",
    "intercom",
    "beta",
    "quota",
    "usage",
    "team",
    "workspace",
    "campaign",
]
TRAIT_WORDS = [
    "funnels",
    "heatmaps",
    "recordings",
    "dark_mode",
    "sso",
    "export",
    "api",
    "seats",
    "score",
    "tier",
    "variant",
    "enabled",
    "completed",
    "opened",
    "count",
    "last_seen",
    "owner",
    "region",
    "source",
    "status",
    "stage",
    "limit",
    "used",
    "invited",
]
EVENT_PATTERNS = [
    "Viewed Article {n}",
    "Opened Dashboard {n}",
    "Experiment {n} Viewed",
    "Clicked cta_{n}",
    "Form {n} Submitted",
    "Playlist {n} Started",
    "Report {n} Exported",
    "Template {n} Used",
    "Widget {n} Configured",
    "Step {n} Completed",
]
SHORT_LIBRARIES = [
    ("analytics.js", "next-1.62.0"),
    ("analytics.js", "next-1.53.0"),
    ("analytics.js", "4.1.0"),
]
"""The library the `short` profile's messages name: analytics.js, whose messages reach Hotjar's rules, though they
are as short as a server library's (whose messages never reached Hotjar, HJ109)."""
ODD_EVENTS = [
    "Clicked 🚀 Launch",
    "user@example.com signed up",
    "Viewed page #42",
    "Added to cart (2)",
    "Ordered 4111111111111111",
    "déjà vu",
    "",
    "x" * 300,
    "Viewed https://acme.io/pricing",
    "Step 3 ✓",
]


def parse_size(text: str) -> int:
    """`500MB`, `1.5GB`, `20 MiB` or a plain byte count, as a number of bytes."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", text)
    if not match or match.group(2).upper() not in _UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 500MB, 2GB or a byte count)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


@dataclass(frozen=True)
class Template:
    """A serialised message cut at its per-line values: literal text alternating with slot names."""

    kind: str
    parts: tuple[str, ...]


class Generator:
    """Deterministic source of analytics.js message lines for one seed."""

    def __init__(self, seed: int = DEFAULT_SEED, profile: str = "long") -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
        self._rng = random.Random(seed)
        rng = self._rng
        self._user_ids = [json.dumps(_user_id(rng, n)) for n in range(USERS)]
        self._anonymous_ids = [json.dumps(_uuid(rng)) for _ in range(USERS)]
        self._ips = [
            json.dumps(f"{rng.randrange(11, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}")
            for _ in range(USERS)
        ]
        sprawl = profile != "tidy"
        make, pools, mix = (
            (_server_message, SHORT_POOL_PER_KIND, SHORT_MIX) if profile == "short" else (_message, POOL_PER_KIND, MIX)
        )
        self._pools = {
            kind: [_template(kind, make(kind, rng, sprawl)) for _ in range(count)] for kind, count in pools.items()
        }
        self._kinds = [kind for kind, _ in mix]
        self._weights = [share for _, share in mix]
        self._clock = START_MS
        self._iso_cache: dict[int, str] = {}
        # Names that arrive over time: a fixed, shuffled order, of which a growing prefix is in use.
        self._trait_names = _custom_trait_names(rng)
        self._event_names = [
            json.dumps(pattern.format(n=100 + index // len(EVENT_PATTERNS)))
            for index, pattern in zip(range(40_000), itertools.cycle(EVENT_PATTERNS))
        ]
        rng.shuffle(self._event_names)
        self._identifies = self._sprawl_tracks = 0

    def lines(self) -> Iterator[str]:
        """Endless message lines, each ending in a newline."""
        rng = self._rng
        kinds = rng.choices(self._kinds, self._weights, k=4096)
        while True:
            for kind in kinds:
                if rng.random() < BAD_LINE_SHARE:
                    yield self._broken(rng) + "\n"
                    continue
                pool = self._pools[kind]
                yield self._fill(pool[int(rng.random() * len(pool))], rng) + "\n"
            kinds = rng.choices(self._kinds, self._weights, k=4096)

    def _fill(self, template: Template, rng: random.Random) -> str:
        user = int(rng.random() * USERS)
        self._clock += int(rng.random() * 1400)
        sent = self._clock
        created = sent - int(rng.random() * 900)
        received = sent + 25 + int(rng.random() * 400)
        values = {
            "messageId": '"' + _uuid(rng) + '"',
            "userId": self._user_ids[user],
            "anonymousId": self._anonymous_ids[user],
            "ip": self._ips[user],
            "originalTimestamp": self._iso(created),
            "sentAt": self._iso(sent),
            "receivedAt": self._iso(received),
            "timestamp": self._iso(created + received - sent),
        }
        parts = template.parts
        if len(parts) > 1 and template.kind in ("identify", "track"):
            if "custom" in parts:
                values["custom"] = self._custom_traits(rng)
            if "event" in parts:
                self._sprawl_tracks += 1
                known = min(len(self._event_names), int(EVENT_GROWTH * math.sqrt(self._sprawl_tracks)))
                values["event"] = self._event_names[int(rng.random() * known)]
        out = [parts[0]]
        for index in range(1, len(parts), 2):
            out.append(values[parts[index]])
            out.append(parts[index + 1])
        return "".join(out)

    def _custom_traits(self, rng: random.Random) -> str:
        """The custom traits of one identify, as JSON members with a leading comma (or nothing)."""
        self._identifies += 1
        known = min(len(self._trait_names), int(TRAIT_GROWTH * math.sqrt(self._identifies)))
        count = min(known, CUSTOM_TRAITS_PER_IDENTIFY[int(rng.random() * len(CUSTOM_TRAITS_PER_IDENTIFY))])
        members = []
        for _ in range(count):
            name, kind = self._trait_names[int(rng.random() * known)]
            if kind == 0:
                value = "true" if rng.random() < 0.5 else "false"
            elif kind == 1:
                value = str(int(rng.random() * 500))
            else:
                value = (
                    '"' + ("variant_b", "gold", "eu-west", "active", "trialing", "owner")[int(rng.random() * 6)] + '"'
                )
            members.append(f',"{name}":{value}')
        return "".join(members)

    def _broken(self, rng: random.Random) -> str:
        """A line an archive really holds now and then: cut off mid-write, or not JSON at all."""
        choice = rng.random()
        if choice < 0.6:
            pool = self._pools["track"]
            line = self._fill(pool[int(rng.random() * len(pool))], rng)
            return line[: int(len(line) * (0.2 + 0.6 * rng.random()))]
        if choice < 0.8:
            return '{"type":"track","event":"Order Completed",properties:{revenue:12}}'
        return "[" + str(rng.randrange(1000)) + "]" if choice < 0.9 else "dummy-object.txt"

    def _iso(self, ms: int) -> str:
        second, milli = divmod(ms, 1000)
        prefix = self._iso_cache.get(second)
        if prefix is None:
            if len(self._iso_cache) > 256:
                self._iso_cache.clear()
            prefix = self._iso_cache[second] = time.strftime('"%Y-%m-%dT%H:%M:%S.', time.gmtime(second))
        return f'{prefix}{milli:03d}Z"'


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _user_id(rng: random.Random, n: int) -> object:
    roll = rng.random()
    if roll < 0.6:
        return f"usr_{n:06d}"
    if roll < 0.95:
        return _uuid(rng)
    return 1_000_000 + n  # some backends send numeric ids, which Segment passes on as numbers


def _template(kind: str, message: dict) -> Template:
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    # The custom traits slot stands for whole members, its comma included: none at all is valid JSON too.
    text = text.replace(',"@@custom@@":0', '"@@custom@@"')
    return Template(kind, tuple(_SLOT.split(text)))


def _custom_trait_names(rng: random.Random) -> list[tuple[str, int]]:
    """Custom trait names in the order a product adds them, each with the kind of value it holds."""
    names = [f"{family}_{word}" for family in TRAIT_FAMILIES for word in TRAIT_WORDS]
    rng.shuffle(names)
    return [(name, index % 3) for index, name in enumerate(names)]


def _slot(name: str) -> str:
    return f"@@{name}@@"


def _message(kind: str, rng: random.Random, sprawl: bool = False) -> dict:
    """One analytics.js message with slots for the per-line values, in analytics.js key order."""
    anonymous = kind in ("track", "page", "screen") and rng.random() < 0.2
    message: dict = {
        "anonymousId": _slot("anonymousId"),
        "context": _context(rng),
        "integrations": {},
        "messageId": _slot("messageId"),
        "originalTimestamp": _slot("originalTimestamp"),
        "receivedAt": _slot("receivedAt"),
        "sentAt": _slot("sentAt"),
        "timestamp": _slot("timestamp"),
        "type": kind,
    }
    if not anonymous:
        message["userId"] = _slot("userId")
    if rng.random() < 0.02:
        message["integrations"] = rng.choice(
            [{"Hotjar": False}, {"All": False, "Mixpanel": True}, {"All": True, "Hotjar": True}]
        )
    if kind == "identify":
        message["traits"] = _traits(rng)
        if sprawl:
            message["traits"][_slot("custom")] = 0
        if rng.random() < 0.03:  # identifies sent before login: Hotjar never receives them
            message["userId"] = rng.choice([None, ""])
            if rng.random() < 0.5:
                del message["userId"]
    elif kind == "track":
        message["event"], message["properties"] = _track(rng)
        if sprawl and rng.random() < EVENT_SPRAWL_SHARE:
            message["event"] = _slot("event")
    elif kind == "page":
        path, title = rng.choice(PAGES)
        message["name"] = title.split(" | ")[0]
        message["properties"] = {
            "path": path,
            "referrer": rng.choice(REFERRERS),
            "search": "",
            "title": title,
            "url": "https://acme.io" + path,
        }
    elif kind == "screen":
        message["name"] = rng.choice(["Home", "Settings", "Checkout", "Product"])
        message["properties"] = {"variation": rng.choice(["A", "B"])}
    elif kind == "group":
        company = _company(rng)
        message["groupId"] = company.pop("id")
        message["traits"] = company
    elif kind == "alias":
        message["previousId"] = _slot("anonymousId")
    message["version"] = 2 if kind != "alias" else 1
    return message


def _server_message(kind: str, rng: random.Random, sprawl: bool = True) -> dict:
    """One message in the shape a server-side library sends (no page context, few fields, in the archive's key order),
    naming analytics.js (`SHORT_LIBRARIES`)."""
    library, version = rng.choice(SHORT_LIBRARIES)
    message: dict = {"context": {"library": {"name": library, "version": version}}}
    if kind == "track":
        event, properties = _track(rng)
        message["event"] = _slot("event") if sprawl and rng.random() < EVENT_SPRAWL_SHARE else event
    if rng.random() < 0.02:
        message["integrations"] = rng.choice([{"Hotjar": False}, {"All": False, "Mixpanel": True}])
    message["messageId"] = _slot("messageId")
    if kind == "track":
        keys = sorted(properties)[: rng.choice([1, 2, 2, 3, 3, 4])]
        message["properties"] = {key: properties[key] for key in keys if not isinstance(properties[key], list)}
        if rng.random() < 0.1:
            message["properties"] = {}
    elif kind == "page":
        path, title = rng.choice(PAGES)
        message["name"] = title.split(" | ")[0]
        message["properties"] = {"path": path}
    message["receivedAt"] = _slot("receivedAt")
    message["timestamp"] = _slot("timestamp")
    if kind == "identify":
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        traits: dict = {"email": f"{first.lower()}@{rng.choice(DOMAINS)}", "plan": rng.choice(PLANS)}
        if rng.random() < 0.5:
            traits["name"] = f"{first} {last}"
        if rng.random() < 0.3:
            traits["logins"] = rng.randrange(1, 400)
        if rng.random() < 0.1:
            traits["company"] = {"name": rng.choice(["Acme", "Globex", "Initech"]), "plan": rng.choice(PLANS)}
        if rng.random() < 0.05:
            traits["roles"] = rng.sample(["admin", "editor", "viewer"], rng.randrange(1, 3))
        if sprawl:
            traits[_slot("custom")] = 0
        message["traits"] = traits
    elif kind == "group":
        message["groupId"] = f"org_{rng.randrange(10**5):05d}"
        message["traits"] = {"name": rng.choice(["Acme", "Globex", "Initech"]), "plan": rng.choice(PLANS)}
    elif kind == "alias":
        message["previousId"] = _slot("anonymousId")
    message["type"] = kind
    message["userId"] = _slot("userId")
    if kind == "identify" and rng.random() < 0.02:  # a backend job that forgot the user
        del message["userId"]
    return message


def _context(rng: random.Random) -> dict:
    path, title = rng.choice(PAGES)
    agent, platform, mobile, brand, major = rng.choice(USER_AGENTS)
    search = rng.choice(["", "", "?ref=nav", "?utm_source=newsletter&utm_medium=email", "?q=heatmaps"])
    locale_index = rng.randrange(len(LOCALES))
    library = rng.choice(["next-1.53.0", "next-1.62.0", "4.1.0"])
    context: dict = {
        "ip": _slot("ip"),
        "library": {"name": "analytics.js", "version": library},
        "locale": LOCALES[locale_index],
        "page": {
            "path": path,
            "referrer": rng.choice(REFERRERS),
            "search": search,
            "title": title,
            "url": f"https://acme.io{path}{search}",
        },
        "userAgent": agent,
    }
    if brand and library.startswith("next-"):  # only analytics.js 2.0 reads client hints
        context["userAgentData"] = {
            "brands": [
                {"brand": "Not A(Brand", "version": "99"},
                {"brand": brand, "version": major},
                {"brand": "Chromium", "version": major},
            ],
            "mobile": mobile,
            "platform": platform,
        }
    campaign = rng.choice(CAMPAIGNS)
    if campaign:
        context["campaign"] = dict(campaign)
    context["timezone"] = TIMEZONES[locale_index % len(TIMEZONES)]
    return context


def _company(rng: random.Random) -> dict:
    return {
        "id": f"org_{rng.randrange(10**5):05d}",
        "name": rng.choice(["Acme", "Globex", "Initech", "Hooli", "Umbrella"])
        + rng.choice([" Inc.", " GmbH", " Ltd", ""]),
        "industry": rng.choice(INDUSTRIES),
        "employee_count": rng.choice([5, 12, 48, 230, 1800, 12000]),
        "plan": rng.choice(PLANS),
    }


def _traits(rng: random.Random) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city, state, country, postal = rng.choice(CITIES)
    created = START_MS - rng.randrange(10**10)
    traits: dict = {
        "name": f"{first} {last}",
        "firstName": first,
        "lastName": last,
        "email": f"{first.lower()}.{last.lower().replace(' ', '')}@{rng.choice(DOMAINS)}",
        "plan": rng.choice(PLANS),
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(created // 1000)),
        "logins": rng.randrange(1, 400),
    }
    optional = [
        (
            "address",
            {
                "street": f"{rng.randrange(1, 999)} Market St",
                "city": city,
                "state": state,
                "postalCode": postal,
                "country": country,
            },
        ),
        ("company", _company(rng)),
        ("roles", rng.sample(["admin", "editor", "viewer", "billing", "owner"], rng.randrange(0, 3))),
        ("title", rng.choice(["CTO", "Data Engineer", "Product Manager", "Designer", "Analyst"])),
        ("phone", f"+1-555-{rng.randrange(1000, 9999)}"),
        ("avatar", f"https://cdn.acme.io/avatars/{rng.getrandbits(40):010x}.png"),
        ("trial", rng.random() < 0.3),
        ("mrr", round(rng.random() * 900, 2)),
        ("id", f"usr_{rng.randrange(USERS):06d}"),
        ("website", "https://" + rng.choice(DOMAINS)),
        ("preferences", {"theme": rng.choice(["dark", "light"]), "newsletter": rng.random() < 0.5}),
        ("last_seen_feature", rng.choice(["funnels", "heatmaps", "recordings", "surveys"])),
    ]
    chance = {"address": 0.7, "company": 0.6, "roles": 0.5, "id": 0.25}
    for key, value in optional:
        if rng.random() < chance.get(key, 0.35):
            traits[key] = value
    if rng.random() < 0.03:
        traits["bio"] = "I build data pipelines. " * rng.randrange(9, 14)  # past Hotjar's 200-character cap
    if rng.random() < 0.01:
        traits["external_account_number"] = 9_007_199_254_740_993 + rng.randrange(1000)
    if rng.random() < 0.01:
        traits["this_is_a_custom_trait_name_that_goes_on_past_fifty_characters"] = True
    return traits


def _track(rng: random.Random) -> tuple[object, dict]:
    roll = rng.random()
    if roll < 0.015:
        event: object = rng.choice(ODD_EVENTS)
    elif roll < 0.02:
        event = rng.choice([None, 42, "Experiment Viewed: " + "v" * rng.randrange(3, 8)])
    else:
        event = rng.choice(EVENTS)
    product_id, name, category, price = rng.choice(PRODUCTS)
    quantity = rng.randrange(1, 4)
    candidates = {
        "product_id": product_id,
        "sku": f"SKU-{rng.randrange(10**5):05d}",
        "name": name,
        "category": category,
        "brand": "Acme",
        "variant": rng.choice(["red", "blue", "L", "XL", "standard"]),
        "price": price,
        "quantity": quantity,
        "currency": rng.choice(["USD", "EUR", "GBP"]),
        "coupon": rng.choice(["", "SPRING10"]),
        "position": rng.randrange(1, 24),
        "url": f"https://acme.io/products/{product_id}",
        "image_url": f"https://cdn.acme.io/img/{product_id}.jpg",
        "value": round(price * quantity, 2),
        "revenue": round(price * quantity * 0.9, 2),
        "tax": round(price * quantity * 0.08, 2),
        "shipping": rng.choice([0, 4.99, 9.99]),
        "order_id": f"ord_{rng.getrandbits(32):08x}",
        "checkout_id": f"chk_{rng.getrandbits(32):08x}",
        "step": rng.randrange(1, 5),
        "query": rng.choice(["hoodie", "blue widget", "gift card"]),
        "list_id": "hot_deals_1",
        "button": rng.choice(["cta-hero", "upgrade", "export-csv"]),
        "feature": rng.choice(["funnels", "heatmaps"]),
        "experiment": {"id": "exp_12", "variant": rng.choice(["control", "b"])},
        "products": [{"product_id": product_id, "name": name, "price": price, "quantity": quantity}],
    }
    keys = rng.sample(sorted(candidates), rng.randrange(5, 16))
    return event, {key: candidates[key] for key in keys}


def write(
    path: Path,
    size: int | None,
    events: int | None,
    *,
    compress: bool = False,
    files: int = 1,
    seed: int = DEFAULT_SEED,
    profile: str = "long",
) -> dict:
    """Write the messages to `path` (a directory when `files` > 1) and return what was written."""
    generator = Generator(seed, profile)
    lines = generator.lines()
    if files > 1:
        path.mkdir(parents=True, exist_ok=True)
        suffix = ".ndjson.gz" if compress else ".ndjson"
        targets = [path / f"events-{index:04d}{suffix}" for index in range(files)]
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        targets = [path]
    written_bytes = written_lines = 0
    for index, target in enumerate(targets):
        # Spread the remainder over the first files so the parts add up to exactly what was asked.
        share_size = None if size is None else size // files + (index < size % files)
        share_events = None if events is None else events // files + (index < events % files)
        with open(target, "wb") as raw:
            # mtime=0 and no file name in the gzip header: the same seed gives the same bytes.
            out = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) if compress else raw
            with out:
                count, length = _fill_file(out, lines, share_size, share_events)
        written_lines += count
        written_bytes += length
    return {
        "path": str(path),
        "files": [str(target) for target in targets],
        "events": written_lines,
        "bytes": written_bytes,
        "seed": seed,
        "gzip": compress,
        "profile": profile,
    }


def _fill_file(out: IO[bytes], lines: Iterator[str], size: int | None, events: int | None) -> tuple[int, int]:
    count = length = 0
    chunk: list[bytes] = []
    # Check before taking a line: a line taken and not written would be missing from the next file.
    while (events is None or count < events) and (size is None or length < size):
        data = next(lines).encode()
        chunk.append(data)
        count += 1
        length += len(data)
        if len(chunk) >= 8192:
            out.write(b"".join(chunk))
            chunk.clear()
    out.write(b"".join(chunk))
    return count, length


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="file to write, or a directory with --files")
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument("--size", type=parse_size, help="uncompressed bytes to write, e.g. 500MB (default)")
    amount.add_argument("--events", type=int, help="number of lines to write")
    parser.add_argument("--gzip", action="store_true", help="gzip each output file")
    parser.add_argument("--files", type=int, default=1, help="split into this many files in a directory")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="same seed, same bytes")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="long",
        help="long analytics.js messages (default), short server-side ones, or tidy (no site limit crossed)",
    )
    args = parser.parse_args(argv)
    if args.files < 1 or (args.events is not None and args.events < 0):
        parser.error("--files must be at least 1 and --events not negative")
    size = args.size if args.size is not None or args.events is not None else parse_size("500MB")
    started = time.perf_counter()
    result = write(
        args.output, size, args.events, compress=args.gzip, files=args.files, seed=args.seed, profile=args.profile
    )
    seconds = time.perf_counter() - started
    print(
        f"wrote {result['events']:,} lines, {result['bytes'] / 1e6:,.1f} MB uncompressed, to "
        f"{args.output} in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
