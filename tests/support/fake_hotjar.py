"""A fake Hotjar on 127.0.0.1 for replay tests: a real HTTP and WebSocket server that behaves as Hotjar's does.

It copies what Hotjar's own `hotjar-<site id>.js` observably does, as `../shared/hotjar-rules.md` describes in
"What Hotjar's own script does when it loads" (read from copies of the script published on the web):

- The tracking script at `/c/hotjar-<site id>.js` sets `window.hjSiteSettings` (`site_id` is the number in the
  script's address, `user_attributes_enabled` the site's "User Attributes" switch, `record`, `features`,
  `tracking_code_verified`, the widget lists), keeps the page's `hj` queue stub, and calls
  `hjBootstrap(<the fake's address>/, "modules.<hash>.js", "<site id>")`.
- `hjBootstrap` refuses to start, with only a `console.warn` and no request, when the user agent matches Hotjar's
  bot pattern ("Hotjar not launching due to suspicious userAgent:") or the page is `http:` without
  `_hjSettings.preview` ("For security reasons, Hotjar only works over HTTPS. ..."). Otherwise it appends the
  site id, a string, to `window.hjBootstrapCalled` and loads the client from a second address.
- The client, `/modules.<hash>.js`, replaces the `hj` stub with its own function and drains `hj.q`. It keeps its
  visitor in local storage, a first-party cookie and session storage, and sends each call as JSON, either as an
  HTTP `fetch` POST to `/api/<kind>` or as a text message on a WebSocket to `ws://127.0.0.1:<port>/ws` (the
  fake's `channel`). While User Attributes are off it sends nothing at all for identify calls: no request and no
  error, the silent loss a replay must detect by reading `hjSiteSettings`.

Each call carries the visitor id (and whether the client found one already stored), so a test can prove each
user was a fresh visitor, and the call's sequence number in its page, so a test can check per-user order. Dates
are sent as `{"$date": iso}`. A call is recorded only when the server accepted it (HTTP 200; over the WebSocket,
answered with a `{"seq": n, "status": 200}` message), and an identify only while User Attributes are on.

Like Hotjar's hosts, the fake answers pages of any origin (CORS). Unless told otherwise it refuses `http:` pages,
as Hotjar does: tests that run on the fake's own loopback page pass `allow_http=True` (the `fake` fixture of
`replay_support` does). An `https:` page served by interception (any address, e.g. `https://www.example.com/`)
starts it as is, once Chromium's Local Network Access checks are off (`--disable-features=LocalNetworkAccessChecks`):
such a page counts as public, and a public page may not reach loopback.

Faults are switched per test on `server.faults`, and `server.faults.clear()` turns them all off; `allow_http` and
`channel` are not faults and stay as they are. `server.served()` counts the scripts, clients, WebSockets and calls
answered. Like Hotjar's, the tracking script is never cached and the client, named by its content's hash, is
cached for good: a faulty client answer (HTTP 500) is never cached, but a browser context that already holds the
healthy client keeps using it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

BOT_PATTERN = "bot|google|headless|baidu|bing|msn|duckduckbot|teoma|slurp|yandex|phantomjs|pingdom|ahrefsbot"
"""Hotjar's own pattern of user agents it will not start for."""

SUSPICIOUS_WARNING = "Hotjar not launching due to suspicious userAgent:"
HTTPS_WARNING = (
    "For security reasons, Hotjar only works over HTTPS. Learn more: "
    "https://help.hotjar.com/hc/en-us/articles/115011624047"
)

TRACKING_SCRIPT = """window.hjSiteSettings = window.hjSiteSettings || %(settings)s;
window._fakeHotjarClient = %(client)s;
window.hj = window.hj || function () { (window.hj.q = window.hj.q || []).push(arguments); };
window.hjBootstrap = window.hjBootstrap || function (scriptDomain, file, siteId) {
  var suspicious = new RegExp(%(pattern)s, 'i');
  var userAgent = (window.navigator && window.navigator.userAgent) || 'unknown';
  if (suspicious.test(userAgent)) {
    console.warn(%(suspicious_warning)s, userAgent);
    return;
  }
  var isHttp = window.location.protocol === 'http:';
  var isPreview = Boolean(window._hjSettings.preview) || %(allow_http)s;
  if (isHttp && !isPreview) {
    console.warn(%(https_warning)s);
    return;
  }
  var called = function (scriptDomain, file, siteId) {
    window.hjBootstrapCalled = (window.hjBootstrapCalled || []).concat(siteId);
  };
  called(scriptDomain, file, siteId);
  var head = document.head || document.getElementsByTagName('head')[0];
  hj.scriptDomain = scriptDomain;
  var client = document.createElement('script');
  client.async = 1;
  client.src = hj.scriptDomain + file;
  client.charset = 'utf-8';
  head.appendChild(client);
  window.hjBootstrap = called;
};
window.hjBootstrap(%(domain)s, %(file)s, %(site)s);
"""

CLIENT = """(function () {
  var config = window._fakeHotjarClient;
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
  var socket = null, waiting = [];
  if (config.channel === 'websocket') {
    socket = new WebSocket(config.socket);
    socket.addEventListener('open', function () {
      while (waiting.length) socket.send(waiting.shift());
    });
  }
  function encode(key, value) {
    return this[key] instanceof Date ? {'$date': this[key].toISOString()} : value;
  }
  function send(args) {
    var kind = String(args[0]);
    var settings = window.hjSiteSettings || {};
    // With the site's User Attributes switched off, Hotjar keeps nothing of an identify call and says nothing.
    if (kind === 'identify' && settings.user_attributes_enabled === false) return;
    var body = JSON.stringify({kind: kind, visitor: visitor, fresh: fresh, seq: sequence++, made: performance.now(),
                               site: window._hjSettings && window._hjSettings.hjid,
                               page: location.href, args: Array.prototype.slice.call(args)}, encode);
    if (!socket) {
      fetch(config.endpoint + '/api/' + encodeURIComponent(kind),
            {method: 'POST', body: body, headers: {'content-type': 'text/plain'}});
    } else if (socket.readyState === WebSocket.CONNECTING) {
      waiting.push(body);
    } else {
      socket.send(body);  // once the socket has closed, the browser discards it
    }
  }
  window.hj = function () { send(arguments); };
  for (var i = 0; i < queued.length; i++) send(queued[i]);
})();
"""

CLIENT_FILE = f"modules.{hashlib.sha256(CLIENT.encode()).hexdigest()[:20]}.js"
"""The client's file name, a content hash as Hotjar's build gives it."""

_SCRIPT_PATH = re.compile(r"/c/hotjar-(\d+)\.js")
_WEBSOCKET_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

Channel = Literal["http", "websocket"]


@dataclass
class Faults:
    """What the fake does wrong. `clear()` turns every fault off: a healthy Hotjar."""

    latency: float = 0.0
    """Seconds added before every answer to the tracking script, a call and a WebSocket handshake."""
    client_latency: float = 0.0
    """Seconds added before the answer to the client script (modules.<hash>.js) alone."""
    error_every: int = 0
    """Answer every n-th call (HTTP post or WebSocket message) with status 500 (1: all of them)."""
    drop_every: int = 0
    """Close the connection without an answer on every n-th call (1: all); a WebSocket then closes with 1006."""
    script_missing: bool = False
    """Answer the tracking script with HTTP 404."""
    script_error: bool = False
    """Answer the tracking script with HTTP 500."""
    client_error: bool = False
    """Answer the client script (modules.<hash>.js) with HTTP 500: the bootstrap ran, the `hj` stub stays."""
    identify_disabled: bool = False
    """The incident's "disabled API": identify calls get status 503, events still work."""
    user_attributes_enabled: bool = True
    """The site's "User Attributes" switch in `hjSiteSettings`; off, identify calls are silently not sent."""
    stall_scripts_after: int = 0
    """Hold every load of the tracking script past the n-th for 30 s before answering it (0: none)."""
    attributes_off_at: int = 0
    """Switch User Attributes off as the n-th call arrives, before it is judged: a page that loaded with them on then
    sends its identifies to a site that keeps none, as when someone switches them off during a replay."""
    suspicious_user_agent: str = ""
    """A regular expression added to Hotjar's bot pattern (e.g. "Chrome"): matching pages refuse to start."""
    websocket_drop_after: int = 0
    """Drop each WebSocket, without a close frame (1006), as its n-th call arrives; that call is not recorded."""
    websocket_refused: bool = False
    """Answer the WebSocket handshake with HTTP 503, so the socket never opens."""
    websocket_close_after: int = 0
    """Close each WebSocket cleanly (1001, going away, as a server being deployed does) once its n-th call is
    answered: the browser drops every call the page sends on it afterwards, without a word."""

    def clear(self) -> None:
        """Back to a healthy Hotjar."""
        healthy = Faults()
        for item in fields(self):
            setattr(self, item.name, getattr(healthy, item.name))


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
    channel: str = "http"
    """How the call arrived: "http" or "websocket"."""
    made: float | None = None
    """When the page made the call, in milliseconds of its own clock (`performance.now()`): when it arrives is up to
    the browser and the machine's load."""


@dataclass(frozen=True)
class Served:
    """What the fake has answered so far, whatever the status."""

    scripts: int
    """Requests for a tracking script."""
    clients: int
    """Requests for the client script."""
    websockets: int
    """WebSocket connections opened (handshakes answered with 101)."""
    posts: int
    """Calls that arrived as HTTP posts."""
    messages: int
    """Calls that arrived as WebSocket messages."""


@dataclass
class _State:
    faults: Faults = field(default_factory=Faults)
    received: list[Received] = field(default_factory=list)
    calls: int = 0
    posts: int = 0
    messages: int = 0
    refused: int = 0
    scripts: int = 0
    clients: int = 0
    websockets: int = 0
    sockets: set[_Socket] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A page that went away mid-request (its context closed) is ordinary; anything else is reported."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FakeHotjar:
    """The server, started on a free port in a thread. Use as a context manager or call `stop`.

    `allow_http` lets the bootstrap start on an `http:` page, as `_hjSettings.preview` does; `channel` is how
    the client sends calls, "http" or "websocket". Both can be changed at any time; a page sees the values in
    force when it loaded the scripts.
    """

    def __init__(self, site_id: int = 1234567, *, allow_http: bool = False, channel: Channel = "http") -> None:
        self.site_id = site_id
        self.allow_http = allow_http
        self.channel = channel
        self.state = _State()
        handler = type("Handler", (_Handler,), {"state": self.state, "fake": self})
        self.server = _Server(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def channel(self) -> Channel:
        """How the client sends calls: "http" (a fetch POST per call) or "websocket" (one socket per page)."""
        return self._channel

    @channel.setter
    def channel(self, value: Channel) -> None:
        if value not in ("http", "websocket"):
            raise ValueError(f"channel must be 'http' or 'websocket', not {value!r}")
        self._channel = value

    @property
    def faults(self) -> Faults:
        """The faults in force; change them at any time."""
        return self.state.faults

    @property
    def script_url(self) -> str:
        """Where the fake serves the tracking script of its site."""
        return f"{self.base}/c/hotjar-{self.site_id}.js?sv=6"

    @property
    def client_url(self) -> str:
        """Where the fake serves its client, the script the bootstrap loads."""
        return f"{self.base}/{CLIENT_FILE}"

    @property
    def socket_url(self) -> str:
        """Where the client opens its WebSocket."""
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def page_url(self) -> str:
        """A page on the fake's own origin (Chromium refuses a public page loading from loopback).

        The fake itself answers it with 404: a test serves the page holding the tracking code."""
        return f"{self.base}/shop/"

    def site_options(self) -> list[str]:
        """The options of `hotjar-cli replay` that send to this fake: its site, its page, its tracking script."""
        return ["--site-id", str(self.site_id), "--page-url", self.page_url, "--script-url", self.script_url]

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
        """Calls answered with an error or dropped, over either channel."""
        return self.state.refused

    def served(self) -> Served:
        """How many scripts, clients, WebSocket connections and calls the fake has answered so far."""
        state = self.state
        with state.lock:
            return Served(state.scripts, state.clients, state.websockets, state.posts, state.messages)

    def stop(self) -> None:
        """Shut the server down, close the open WebSockets (code 1001), and wait for the server's thread."""
        self.server.shutdown()
        self.server.server_close()
        with self.state.lock:
            sockets = list(self.state.sockets)
        closing = [threading.Thread(target=open_socket.close, args=(1001,)) for open_socket in sockets]
        for thread in closing:
            thread.start()
        for thread in closing:
            thread.join()
        self._thread.join(5)

    def __enter__(self) -> FakeHotjar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Socket:
    """The server's end of one WebSocket (RFC 6455): frames written whole, under a lock."""

    def __init__(self, connection: socket.socket, write: Any) -> None:
        self.connection = connection
        self._write = write
        self._lock = threading.Lock()
        self.closed = False
        self._closing = False
        self._answered = threading.Event()

    def send(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._lock:
            if not self.closed:
                self._write(header + payload)

    def close(self, code: int, wait: float = 2.0) -> None:
        """A clean close begun here: a close frame with `code`, the page's close frame in answer (up to `wait`
        seconds), then the end of the connection (RFC 6455, 7.1.1). Ending it before the answer has arrived can make
        the page see code 1006, `wasClean` false."""
        with self._lock:
            self._closing = True
        with contextlib.suppress(OSError):
            self.send(0x8, struct.pack("!H", code))
        self._answered.wait(wait)
        self.drop()

    def closed_by_page(self, code: int) -> None:
        """The page's close frame: the answer to ours, or else a close the page began, answered with its code."""
        if self._closing:
            self._answered.set()
        else:
            with contextlib.suppress(OSError):
                self.send(0x8, struct.pack("!H", code))
        self.drop()

    def drop(self) -> None:
        """End the TCP connection with no close frame: the page sees code 1006, `wasClean` false. A close begun
        here waits no longer."""
        self._answered.set()
        with self._lock:
            self.closed = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    state: _State
    fake: FakeHotjar
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        faults = self.state.faults
        path = self.path.split("?", 1)[0]
        script = _SCRIPT_PATH.fullmatch(path)
        if script:
            with self.state.lock:
                self.state.scripts += 1
                stalled = 0 < faults.stall_scripts_after < self.state.scripts
            if faults.latency or stalled:
                time.sleep(30 if stalled else faults.latency)
            if faults.script_missing:
                self._answer(404, b"not found", "text/plain")
            elif faults.script_error:
                self._answer(500, b"internal server error", "text/plain")
            else:
                self._answer(200, self._tracking_script(int(script.group(1))).encode(), "application/javascript")
        elif path == "/" + CLIENT_FILE:
            with self.state.lock:
                self.state.clients += 1
            if faults.client_latency:
                time.sleep(faults.client_latency)
            if faults.client_error:
                self._answer(500, b"internal server error", "text/plain")
            else:
                # Hotjar's client is named by its content's hash and cached for good, as here; where to send
                # calls comes from the tracking script, which is never cached, so a test can switch it at once.
                self._answer(
                    200, CLIENT.encode(), "application/javascript", cache="public, max-age=31536000, immutable"
                )
        elif path == "/ws" and self.headers.get("upgrade", "").lower() == "websocket":
            self._websocket()
        else:
            self._answer(404, b"not found", "text/plain")

    def _tracking_script(self, site_id: int) -> str:
        faults = self.state.faults
        settings = {
            "site_id": site_id,
            "rec_value": 1.0,
            "state_change_listen_mode": "automatic",
            "record": True,
            "continuous_capture_enabled": True,
            "recording_capture_keystrokes": True,
            "session_capture_keystrokes": True,
            "anonymize_digits": True,
            "anonymize_emails": True,
            "suppress_all": False,
            "suppress_all_on_specific_pages": [],
            "suppress_text": None,
            "suppress_location": False,
            "user_attributes_enabled": faults.user_attributes_enabled,
            "legal_name": None,
            "privacy_policy_url": None,
            "deferred_page_contents": [],
            "record_targeting_rules": [],
            "heatmaps": [],
            "polls": [],
            "surveys": [],
            "integrations": {"optimizely": {"tag_recordings": False}, "abtasty": {"tag_recordings": False}},
            "features": ["feedback.embeddable_widget", "settings.billing_v2", "survey.type_button"],
            "tracking_code_verified": True,
            "r": 1.0,
            "csq_theme": None,
        }
        pattern = BOT_PATTERN + ("|" + faults.suspicious_user_agent if faults.suspicious_user_agent else "")
        return TRACKING_SCRIPT % {
            "settings": json.dumps(settings),
            "pattern": json.dumps(pattern),
            "suspicious_warning": json.dumps(SUSPICIOUS_WARNING),
            "https_warning": json.dumps(HTTPS_WARNING),
            "allow_http": json.dumps(bool(self.fake.allow_http)),
            "domain": json.dumps(self.fake.base + "/"),
            "file": json.dumps(CLIENT_FILE),
            "site": json.dumps(str(site_id)),
            "client": json.dumps(
                {"endpoint": self.fake.base, "socket": self.fake.socket_url, "channel": self.fake.channel}
            ),
        }

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        if not self.path.startswith("/api/"):
            self._answer(404, b"", "text/plain")
            return
        with self.state.lock:
            self.state.posts += 1
        status = self._take(json.loads(body), "http")
        if status is None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._answer(status, b"{}" if status == 200 else b'{"error": "unavailable"}', "application/json")

    def _take(self, data: dict[str, Any], channel: str, drop: bool = False) -> int | None:
        """Judge one call by the faults in force and record it when accepted: the status, None to drop it."""
        faults = self.state.faults
        with self.state.lock:
            self.state.calls += 1
            number = self.state.calls
            if faults.attributes_off_at and number >= faults.attributes_off_at:
                faults.user_attributes_enabled = False
        if faults.latency:
            time.sleep(faults.latency)
        kind = str(data["args"][0]) if data.get("args") else ""
        status: int | None = 200
        if drop or (faults.drop_every and number % faults.drop_every == 0):
            status = None
        elif faults.error_every and number % faults.error_every == 0:
            status = 500
        elif faults.identify_disabled and kind == "identify":
            status = 503
        with self.state.lock:
            if status != 200:
                self.state.refused += 1
            elif kind != "identify" or faults.user_attributes_enabled:
                # With User Attributes off Hotjar keeps no identify, and still answers as if all were well.
                self.state.received.append(
                    Received(
                        data["visitor"],
                        data["fresh"],
                        data["seq"],
                        data.get("site"),
                        data["page"],
                        data["args"],
                        time.monotonic(),
                        channel,
                        data.get("made"),
                    )
                )
        return status

    def _websocket(self) -> None:
        """Answer the handshake, then read the page's calls until either side closes."""
        faults = self.state.faults
        self.close_connection = True
        key = self.headers.get("sec-websocket-key", "")
        if faults.latency:
            time.sleep(faults.latency)
        if faults.websocket_refused or not key or self.headers.get("sec-websocket-version") != "13":
            self._answer(503 if faults.websocket_refused else 400, b"", "text/plain")
            return
        accept = base64.b64encode(hashlib.sha1(key.encode() + _WEBSOCKET_GUID).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("upgrade", "websocket")
        self.send_header("connection", "Upgrade")
        self.send_header("sec-websocket-accept", accept)
        self.end_headers()
        self.wfile.flush()
        ws = _Socket(self.connection, self.wfile.write)
        with self.state.lock:
            self.state.websockets += 1
            self.state.sockets.add(ws)
        try:
            self._read_messages(ws)
        except OSError:
            pass
        finally:
            ws.drop()
            with self.state.lock:
                self.state.sockets.discard(ws)

    def _read_messages(self, ws: _Socket) -> None:
        calls = 0
        message: list[bytes] = []
        while not ws.closed:
            frame = self._read_frame()
            if frame is None:
                return  # the page went away without a close frame
            final, opcode, payload = frame
            if opcode == 0x8:  # close: answer with the same code, as RFC 6455 asks, unless it answers ours
                ws.closed_by_page(struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1000)
                return
            if opcode == 0x9:
                ws.send(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            message.append(payload)
            if not final:
                continue
            text, message = b"".join(message), []
            data = json.loads(text)
            with self.state.lock:
                self.state.messages += 1
            calls += 1
            drop_after = self.state.faults.websocket_drop_after
            status = self._take(data, "websocket", drop=bool(drop_after) and calls == drop_after)
            if status is None:
                ws.drop()
                return
            ws.send(0x1, json.dumps({"seq": data.get("seq"), "status": status}).encode())
            if calls == self.state.faults.websocket_close_after:
                # Begun apart: this thread goes on reading, to take the page's close frame in answer.
                threading.Thread(target=ws.close, args=(1001,), daemon=True).start()

    def _read_frame(self) -> tuple[bool, int, bytes] | None:
        """One frame from the page (masked, as browsers send them): (final, opcode, payload), None at the end."""
        head = self.rfile.read(2)
        if len(head) < 2:
            return None
        final, opcode, masked, length = bool(head[0] & 0x80), head[0] & 0x0F, bool(head[1] & 0x80), head[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", self.rfile.read(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self.rfile.read(8))[0]
        mask = self.rfile.read(4) if masked else b""
        payload = self.rfile.read(length)
        if len(payload) < length or len(mask) < (4 if masked else 0):
            return None
        if masked and length:
            key = int.from_bytes((mask * (length // 4 + 1))[:length], "big")
            payload = (int.from_bytes(payload, "big") ^ key).to_bytes(length, "big")
        return final, opcode, payload

    def do_OPTIONS(self) -> None:
        """A CORS preflight: Hotjar's hosts take calls from any site's pages."""
        self.send_response(204)
        self._allow_origin()
        self.send_header("access-control-allow-methods", "GET, POST")
        self.send_header("access-control-allow-headers", self.headers.get("access-control-request-headers", ""))
        self.send_header("access-control-max-age", "600")
        self.send_header("content-length", "0")
        self.end_headers()

    def _allow_origin(self) -> None:
        origin = self.headers.get("origin")
        if origin:
            self.send_header("access-control-allow-origin", origin)
            self.send_header("access-control-allow-credentials", "true")
            self.send_header("vary", "Origin")

    def _answer(self, status: int, body: bytes, content_type: str, cache: str = "no-store") -> None:
        self.send_response(status)
        self._allow_origin()
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.send_header("cache-control", cache)
        self.end_headers()
        self.wfile.write(body)
