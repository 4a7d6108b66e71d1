"""The extension point of replay: a transport delivers one user's calls and says whether they arrived."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import Enum

from hotjar_cli.replay.plan import UserPlan


class Failure(str, Enum):
    """Why a delivery did not count as sent. The report counts dead-lettered users by these."""

    SCRIPT_NOT_LOADED = "script-not-loaded"
    """The tracking script failed to load, so no call could reach Hotjar."""
    HOTJAR_REFUSED = "hotjar-refused"
    """The script loaded but Hotjar did not start (an `http:` page, a user agent it takes for a bot): it sends
    nothing and fails no request, so only the page's own record of the start tells."""
    NOT_TAKEN = "not-taken"
    """Hotjar started, but its client never replaced the queue stub and took the calls."""
    SITE_MISMATCH = "site-mismatch"
    """The tracking script holds the settings of another site than `--site-id`."""
    USER_ATTRIBUTES_OFF = "user-attributes-off"
    """The site's User Attributes switch is off: Hotjar keeps no identify attributes, silently."""
    HOTJAR_WARNING = "hotjar-warning"
    """Hotjar's script wrote a warning or an error to the page's console, or threw one."""
    REQUEST_FAILED = "request-failed"
    """A request to a Hotjar host failed at the network level (refused, reset, dropped)."""
    HTTP_ERROR = "http-error"
    """A Hotjar host answered a request with HTTP 4xx or 5xx."""
    WEBSOCKET_CLOSED = "websocket-closed"
    """A WebSocket to a Hotjar host failed or closed abnormally while the user's calls were being delivered."""
    TIMEOUT = "timeout"
    """The page, or a request to a Hotjar host, did not finish within the request timeout."""
    BROWSER_ERROR = "browser-error"
    """The browser itself failed (crashed, refused the page)."""
    INTERRUPTED = "interrupted"
    """The replay was stopped (Ctrl-C) before this user was delivered."""
    GAVE_UP = "gave-up"
    """No delivery had succeeded for `--give-up-after`, so the replay stopped before this user was delivered."""
    CHECKPOINT_FAILED = "checkpoint-failed"
    """The checkpoint could not be written (a full disk), so the replay stopped before this user was delivered."""


@dataclass(frozen=True)
class Delivery:
    """The result of delivering one user's calls: sent, or failed with a reason safe to print."""

    failure: Failure | None = None
    detail: str = ""
    """What went wrong, e.g. `HTTP 503 from POST https://in.hotjar.com/api/identify`; never attribute values."""
    made: int = 0
    """Calls the page made before the delivery failed: Hotjar may hold some of them (a request failed, not
    necessarily theirs), so sending the user again may repeat those it holds."""
    attributes: bool | None = None
    """The site's User Attributes switch as the page read it when Hotjar's script loaded; None when not read."""

    @property
    def sent(self) -> bool:
        """Whether Hotjar started in the page, took every call, and no request or WebSocket to it failed."""
        return self.failure is None

    def __str__(self) -> str:
        if self.failure is None:
            return "sent"
        return f"{self.failure.value}: {self.detail}" if self.detail else self.failure.value


SENT = Delivery()


USER_ATTRIBUTES_HINT = "switch on User Attributes in Hotjar (Sites & Organizations > Site settings > User Attributes)"


@dataclass(frozen=True)
class SiteCheck:
    """What loading the tracking page once, with no call, showed of the site: the replay's preflight."""

    script_url: str
    page_url: str
    script_loaded: bool
    """The tracking script arrived and ran."""
    started: bool
    """Hotjar's bootstrap ran for the site (`window.hjBootstrapCalled` holds it)."""
    client_started: bool
    """Hotjar's client replaced the page's queue stub."""
    site_id: int | None
    """The site whose settings the script holds (`hjSiteSettings.site_id`); None when it holds none."""
    user_attributes: bool | None
    """The site's User Attributes switch (`hjSiteSettings.user_attributes_enabled`); None when unknown."""
    refused: str | None = None
    """Why Hotjar's script loaded but Hotjar did not start, in words: no retry changes that."""
    script_site_started: bool = False
    """Hotjar's bootstrap ran for the site whose settings the script holds: for another site than the one checked,
    when they differ."""
    unreachable: str | None = None
    """Why the script or Hotjar's client did not load or take calls, in words: an outage, perhaps a passing one."""

    def refusal(self, site_id: int, identifies: bool) -> str | None:
        """Why Hotjar would refuse every call of a replay of site `site_id` (`identifies`: the plan holds
        identify calls), however long it went on; None when it would not."""
        if self.refused is not None:
            return self.refused
        if self.site_id is not None and self.site_id != site_id:
            return f"the tracking script holds the settings of site {self.site_id}, not of site {site_id}"
        if identifies and self.user_attributes is False:
            return (
                f"User Attributes are off for site {site_id}: Hotjar would silently drop every identify; "
                f"{USER_ATTRIBUTES_HINT}, or replay only events with --type track"
            )
        return None


class Transport(ABC):
    """Delivers users' calls to Hotjar. A transport may serve several deliveries at once."""

    @abstractmethod
    async def deliver(self, user: UserPlan) -> Delivery:
        """Run every call of one user, in order, as one fresh visitor; report whether they arrived."""

    @abstractmethod
    async def check(self) -> SiteCheck:
        """Load the tracking page once as a fresh visitor, make no call, and say what Hotjar showed."""

    @abstractmethod
    async def close(self) -> None:
        """Release what the transport holds (the browser); deliveries may not follow."""
