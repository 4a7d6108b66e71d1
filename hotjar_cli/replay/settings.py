"""What `hotjar-cli replay` is asked to do, parsed from the command line into one object."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from hotjar_cli.core.visible import given

_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?")


def parse_duration(text: str) -> float:
    """Seconds in `90s`, `10m`, `1h`, `1h30m` or a bare number of seconds. Raises ValueError."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not text.strip() or match is None or not any(match.groups()):
        raise ValueError(f"{given(text)} is not a duration: write it like 90s, 10m or 1h")
    hours, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


_PATH_ENCODED = frozenset(' "#<>?`{}|^')
"""What Chromium writes as `%XX` in an address's path besides controls, spaces and what is past ASCII: WHATWG's path
percent-encode set, and `|` and `^`."""
_QUERY_ENCODED = frozenset(" \"#<>'")
"""The same in the query of an http(s) address (WHATWG's special-query percent-encode set)."""
_DEFAULT_PORTS = {"http": 80, "https": 443}
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20#%/<>?@\[\\\]^|\x7f]")
"""What no host name may hold (WHATWG's forbidden host code points; `:` is an IPv6 address's)."""
_AN_ADDRESS = "give the site's own address, for example https://www.example.com/"


def browser_url(url: str) -> str:
    """An http(s) address as the browser writes it once it has read it, without its fragment: scheme and host in
    lower case (a host past ASCII in IDNA), no default port, `/` for an empty path, the path and query
    percent-encoded. The replay serves its page at the address the browser asks for, which must be this one:
    `https://www.example.com` (no path) or `https://WWW.Example.com:443/` were asked for as
    `https://www.example.com/`, so the page was not served (or the real site was asked). Raises ValueError."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(f"[{host}] is no IPv6 address") from None
        host = f"[{host}]"
    else:
        try:
            host = host.encode("idna").decode("ascii") if host else host
        except UnicodeError:
            raise ValueError(f"{host} is no host name a browser can open") from None
        # The page is served to the browser at this address, never fetched: a host it cannot even ask for would
        # only fail every user, one by one, until the replay gives up.
        if not host:
            raise ValueError(f"no host: {_AN_ADDRESS}")
        if forbidden := _FORBIDDEN_HOST.search(host):
            raise ValueError(f"a host with {given(forbidden.group())} in it: {_AN_ADDRESS}")
    try:
        port = parts.port
    except ValueError:  # Python's own words: "Port out of range 0-65535"
        port = 0
    if port == 0:
        raise ValueError(f"{given(parts.netloc.rpartition(':')[2])} is no port a browser can open: 1 to 65535")
    netloc = host if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()) else f"{host}:{port}"
    if parts.username is not None:
        credentials = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{credentials}@{netloc}"
    path = _encoded(parts.path.replace("\\", "/") or "/", _PATH_ENCODED)  # a backslash is a slash in http(s)
    query = _encoded(parts.query, _QUERY_ENCODED)
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def _encoded(text: str, encoded: frozenset[str]) -> str:
    """`text` with each control, space, character past ASCII and character of `encoded` as `%XX` of its UTF-8; a
    `%` already there stays."""
    return "".join(
        character
        if " " < character < "\x7f" and character not in encoded
        else "".join(f"%{byte:02X}" for byte in character.encode("utf-8", "surrogatepass"))
        for character in text
    )


@dataclass(frozen=True)
class ReplaySettings:
    """Options of a real replay (everything but the reading, filtering and mapping shared with validate)."""

    site_id: int
    page_url: str
    """The site's own address, where the replay page is served by request interception."""
    script_url: str | None = None
    """The tracking script; None means Hotjar's `https://static.hotjar.com/c/hotjar-<site id>.js?sv=6`."""
    browser_path: Path | None = None
    """Chromium to drive; None means the system's (Debian's `chromium-headless-shell`, else `chromium`)."""
    concurrency: int = 16
    """Browser workers, each one tab: a user's page mostly waits out the settle time, so many keep two cores busy."""
    rate: float | None = None
    """Calls per second over all workers; None for no limit."""
    retries: int = 3
    settle_seconds: float = 2.0
    """How long a page is watched for failed Hotjar requests after its calls ran."""
    dead_letter: Path | None = None
    checkpoint: Path | None = None
    latest_traits: bool = False
    report_json: bool = False
    show_values: bool = False
    """Whether progress and logs may print attribute values."""
    progress: bool = True
    """Whether a progress bar is drawn on stderr."""
    quiet: bool = False
    """Say on stderr only what stops the replay and its final summary (`-q`)."""
    request_timeout_seconds: float = 15.0
    """How long the page, and each request to a Hotjar host, may take before the delivery counts as failed."""
    backoff_seconds: float = 1.0
    """The first retry waits up to this long (full jitter); each further retry doubles the ceiling."""
    backoff_max_seconds: float = 30.0
    """The ceiling of a retry's wait."""
    breaker_failures: int = 5
    """Consecutive failed deliveries after which the circuit breaker opens and replay pauses."""
    give_up_after_seconds: float = 600.0
    """When no delivery has succeeded for this long, the replay stops and dead-letters every user not sent; 0 never."""
    breaker_pause_seconds: float = 10.0
    """How long an open breaker pauses before probing with one user; doubles after each failed probe."""
