"""A fake Hotjar on 127.0.0.1 for replay tests: a real HTTP server that serves a tracking script and records calls.

The script at `/c/hotjar-<site id>.js` plays Hotjar's: it replaces the `hj` stub, drains `hj.q`, and posts
every call as JSON to `/api/<kind>` on the same server. Each post carries a visitor id the script keeps in
local storage (and whether it found one already there), so a test can prove each user was a fresh visitor,
and the call's sequence number in its page, so a test can check per-user order. Dates are posted as
`{"$date": iso}`. A call is recorded only when the server answered it with 200.

Faults are switched per test on `server.faults`: latency, HTTP 500s, dropped connections, a script that does
not load, and a "disabled API" that refuses identify calls with 503.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SCRIPT = """(function () {
  var endpoint = %(endpoint)s;
  var queued = (window.hj && window.hj.q) || [];
  // Like Hotjar, the visitor lives in local storage, a first-party cookie and session storage: a visitor is
  // fresh only when none of the three remembers an earlier one.
  var visitor = localStorage.getItem('_fakeHotjarVisitor');
  var fresh = !visitor && document.cookie.indexOf('_fakeHjSessionUser=') < 0
              && !sessionStorage.getItem('_fakeHotjarSession');
  if (!visitor) {
    visitor = Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
    localStorage.setItem('_fakeHotjarVisitor', visitor);
  }
  document.cookie = '_fakeHjSessionUser=' + visitor + '; path=/; max-age=31536000';
  sessionStorage.setItem('_fakeHotjarSession', visitor);
  var sequence = 0;
  function encode(key, value) {
    return this[key] instanceof Date ? {'$date': this[key].toISOString()} : value;
  }
  function send(args) {
    var body = JSON.stringify({visitor: visitor, fresh: fresh, seq: sequence++,
                               site: window._hjSettings && window._hjSettings.hjid,
                               page: location.href, args: Array.prototype.slice.call(args)}, encode);
    fetch(endpoint + '/api/' + encodeURIComponent(String(args[0])),
          {method: 'POST', body: body, headers: {'content-type': 'text/plain'}});
  }
  window.hj = function () { send(arguments); };
  window.hj.q = undefined;
  for (var i = 0; i < queued.length; i++) send(queued[i]);
})();
"""


@dataclass
class Faults:
    """What the fake does wrong. Every field off means a healthy Hotjar."""

    latency: float = 0.0
    """Seconds added before every answer (script and calls)."""
    error_every: int = 0
    """Answer every n-th call post with HTTP 500 (1: all of them)."""
    drop_every: int = 0
    """Close the connection without an answer on every n-th call post (1: all of them)."""
    script_missing: bool = False
    """Answer the tracking script with HTTP 404."""
    identify_disabled: bool = False
    """The incident's "disabled API": identify posts get HTTP 503, events still work."""

    def clear(self) -> None:
        """Back to a healthy Hotjar."""
        self.latency, self.error_every, self.drop_every = 0.0, 0, 0
        self.script_missing = self.identify_disabled = False


@dataclass(frozen=True)
class Received:
    """One call the fake accepted."""

    visitor: str
    fresh: bool
    seq: int
    site: int | None
    page: str
    args: list[Any]
    at: float


@dataclass
class _State:
    faults: Faults = field(default_factory=Faults)
    received: list[Received] = field(default_factory=list)
    posts: int = 0
    refused: int = 0
    scripts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeHotjar:
    """The server, started on a free port in a thread. Use as a context manager or call `stop`."""

    def __init__(self, site_id: int = 1234567) -> None:
        self.site_id = site_id
        self.state = _State()
        handler = type("Handler", (_Handler,), {"state": self.state, "fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    @property
    def faults(self) -> Faults:
        """The faults in force; change them at any time."""
        return self.state.faults

    @property
    def script_url(self) -> str:
        """Where the fake serves the tracking script of its site."""
        return f"{self.base}/c/hotjar-{self.site_id}.js?sv=6"

    @property
    def page_url(self) -> str:
        """A page on the fake's own origin (Chromium refuses a public page loading from loopback)."""
        return f"{self.base}/shop/"

    def received(self) -> list[Received]:
        """Every accepted call so far, in arrival order."""
        with self.state.lock:
            return list(self.state.received)

    def clear_received(self) -> None:
        """Forget the calls received so far."""
        with self.state.lock:
            self.state.received.clear()

    @property
    def refused(self) -> int:
        """Call posts answered with an error or dropped."""
        return self.state.refused

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def __enter__(self) -> FakeHotjar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    state: _State
    fake: FakeHotjar
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        pass

    def do_GET(self) -> None:  # noqa: N802 - the base class names it so
        faults = self.state.faults
        if faults.latency:
            time.sleep(faults.latency)
        if self.path.startswith(f"/c/hotjar-{self.fake.site_id}.js"):
            with self.state.lock:
                self.state.scripts += 1
            if faults.script_missing:
                self._answer(404, b"not found", "text/plain")
                return
            body = SCRIPT % {"endpoint": json.dumps(self.fake.base)}
            self._answer(200, body.encode(), "application/javascript")
            return
        self._answer(404, b"not found", "text/plain")

    def do_POST(self) -> None:  # noqa: N802 - the base class names it so
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        if not self.path.startswith("/api/"):
            self._answer(404, b"", "text/plain")
            return
        faults = self.state.faults
        with self.state.lock:
            self.state.posts += 1
            number = self.state.posts
        if faults.latency:
            time.sleep(faults.latency)
        if faults.drop_every and number % faults.drop_every == 0:
            with self.state.lock:
                self.state.refused += 1
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status = 200
        if faults.error_every and number % faults.error_every == 0:
            status = 500
        elif faults.identify_disabled and self.path.startswith("/api/identify"):
            status = 503
        if status != 200:
            with self.state.lock:
                self.state.refused += 1
            self._answer(status, b'{"error": "unavailable"}', "application/json")
            return
        data = json.loads(body)
        with self.state.lock:
            self.state.received.append(Received(data["visitor"], data["fresh"], data["seq"], data.get("site"),
                                                data["page"], data["args"], time.monotonic()))
        self._answer(200, b"{}", "application/json")

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.send_header("cache-control", "no-store")
        self.end_headers()
        self.wfile.write(body)
