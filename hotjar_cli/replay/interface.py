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
    REQUEST_FAILED = "request-failed"
    """A request to a Hotjar host failed at the network level (refused, reset, dropped)."""
    HTTP_ERROR = "http-error"
    """A Hotjar host answered a request with HTTP 4xx or 5xx."""
    TIMEOUT = "timeout"
    """The page, or a request to a Hotjar host, did not finish within the request timeout."""
    BROWSER_ERROR = "browser-error"
    """The browser itself failed (crashed, refused the page)."""
    INTERRUPTED = "interrupted"
    """The replay was stopped (Ctrl-C) before this user was delivered."""


@dataclass(frozen=True)
class Delivery:
    """The result of delivering one user's calls: sent, or failed with a reason safe to print."""

    failure: Failure | None = None
    detail: str = ""
    """What went wrong, e.g. `HTTP 503 from POST https://in.hotjar.com/api/identify`; never attribute values."""

    @property
    def sent(self) -> bool:
        """Whether every call ran in a page where the tracking script loaded and no Hotjar request failed."""
        return self.failure is None

    def __str__(self) -> str:
        if self.failure is None:
            return "sent"
        return f"{self.failure.value}: {self.detail}" if self.detail else self.failure.value


SENT = Delivery()


class Transport(ABC):
    """Delivers users' calls to Hotjar. A transport may serve several deliveries at once."""

    @abstractmethod
    async def deliver(self, user: UserPlan) -> Delivery:
        """Run every call of one user, in order, as one fresh visitor; report whether they arrived."""

    @abstractmethod
    async def close(self) -> None:
        """Release what the transport holds (the browser); deliveries may not follow."""
