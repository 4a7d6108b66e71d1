"""The fake Hotjar itself, driven by Playwright in real headless Chromium (not through replay's transport).

Each test loads Hotjar's standard tracking code from the fake, as a site's page does, and checks that the fake
behaves as Hotjar's own script does ("What Hotjar's own script does when it loads" in
`../shared/hotjar-rules.md`), in health and in each of its fault modes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.fake_hotjar import CLIENT_FILE, HTTPS_WARNING, SUSPICIOUS_WARNING, FakeHotjar

pytestmark = pytest.mark.timeout(120)

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
"""An ordinary Chrome's user agent, as replay presents itself."""

# The page: a watch on the page's WebSockets (what a page can see of them), then Hotjar's standard tracking
# code, then the calls, made before the script has loaded as a site's own code makes them.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>shop</title>
<script>
window.__sockets = []; window.__closes = []; window.__messages = []; window.__opened = [];
(function (Socket) {
  window.WebSocket = function (url) {
    var socket = new Socket(url), created = performance.now();
    window.__sockets.push(socket);
    socket.addEventListener('open', function () { window.__opened.push(performance.now() - created); });
    socket.addEventListener('message', function (event) { window.__messages.push(JSON.parse(event.data)); });
    socket.addEventListener('close', function (event) {
      window.__closes.push({code: event.code, clean: event.wasClean});
    });
    return socket;
  };
  window.WebSocket.prototype = Socket.prototype;
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (name) { window.WebSocket[name] = Socket[name]; });
})(window.WebSocket);
(function(h,o,u){
  h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};
  h._hjSettings=%(settings)s;
  var a=o.getElementsByTagName('head')[0];
  var r=o.createElement('script');r.async=1;r.src=u;
  r.onload=function(){h.__script='loaded'};
  r.onerror=function(){h.__script='failed'};
  a.appendChild(r);
})(window,document,%(script_url)s);
window.__stub = window.hj;
%(calls)s
</script></head><body></body></html>"""

CALLS = """hj('identify', 'user-1', {plan: 'pro', seats: 3, signed_up: new Date(Date.UTC(2020, 3, 11, 8))});
hj('event', 'Upgraded');"""

STATE = """() => ({
  script: window.__script || null,
  settings: window.hjSiteSettings || null,
  called: window.hjBootstrapCalled === undefined ? null : window.hjBootstrapCalled,
  stub: window.hj === window.__stub,
  queued: window.hj && window.hj.q ? window.hj.q.length : 0,
  closes: window.__closes,
  messages: window.__messages,
})"""


@dataclass
class Visit:
    """One page of a site in its own browser context: what it logged and requested, and its state."""

    page: Any
    console: list[tuple[str, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)
    waits: dict[str, list[float]] = field(default_factory=dict)
    """Per address, how long each answer took to start, in ms, as the browser timed it."""

    def state(self) -> dict[str, Any]:
        return self.page.evaluate(STATE)

    def warnings(self) -> list[str]:
        return [text for kind, text in self.console if kind in ("warning", "error")]


@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium_executable
    with sync_playwright() as playwright:
        # Chromium lets a page served over https (here by interception, at any address) load the fake's
        # scripts from loopback only without its Local Network Access checks.
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-features=LocalNetworkAccessChecks"],
        )
        yield launched
        launched.close()


@pytest.fixture
def hotjar() -> Iterator[FakeHotjar]:
    """A healthy fake that starts on the loopback `http:` page."""
    with FakeHotjar(allow_http=True) as server:
        yield server


@pytest.fixture
def visit(browser: Any) -> Iterator[Callable[..., Visit]]:
    """`visit(fake, ...)`: open a page holding the tracking code for the fake's script, in a fresh context."""
    contexts: list[Any] = []

    def open_page(
        fake: FakeHotjar,
        *,
        page_url: str | None = None,
        user_agent: str | None = CHROME,
        preview: bool = False,
        calls: str = CALLS,
        wait: str = "started",
    ) -> Visit:
        context = browser.new_context(user_agent=user_agent) if user_agent else browser.new_context()
        contexts.append(context)
        settings: dict[str, Any] = {"hjid": fake.site_id, "hjsv": 6}
        if preview:
            settings["preview"] = True
        body = PAGE % {"settings": json.dumps(settings), "script_url": json.dumps(fake.script_url), "calls": calls}
        url = page_url or fake.page_url
        context.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=body))
        visit = Visit(context.new_page())
        visit.page.on("console", lambda message: visit.console.append((message.type, message.text)))
        visit.page.on("request", lambda request: visit.requests.append(request.url))
        visit.page.on("response", lambda response: visit.responses.append((response.url, response.status)))
        visit.page.on(
            "response",
            lambda response: visit.waits.setdefault(response.url, []).append(
                response.request.timing["responseStart"] - response.request.timing["requestStart"]
            ),
        )
        visit.page.goto(url)
        visit.page.wait_for_function("window.__script !== undefined", timeout=10_000)
        if wait == "started":
            visit.page.wait_for_function("window.hj !== window.__stub", timeout=10_000)
        return visit

    yield open_page
    for context in contexts:
        context.close()


def eventually(seen: Visit, check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """The first truthy result of `check`, polled until `timeout` seconds have passed (then its last result).

    It waits through the page, so that Playwright hands over the page's events meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        seen.page.wait_for_timeout(20)


EXPECTED = [
    ["identify", "user-1", {"plan": "pro", "seats": 3, "signed_up": {"$date": "2020-04-11T08:00:00.000Z"}}],
    ["event", "Upgraded"],
]


def test_a_started_hotjar_sets_its_settings_loads_its_client_and_takes_the_queued_calls(
    hotjar: FakeHotjar, visit: Callable[..., Visit]
) -> None:
    seen = visit(hotjar)
    state = seen.state()
    settings = state["settings"]
    assert settings["site_id"] == hotjar.site_id and settings["user_attributes_enabled"] is True
    assert settings["tracking_code_verified"] is True and settings["record"] is True
    assert isinstance(settings["features"], list) and settings["r"] == 1.0
    assert state["called"] == [str(hotjar.site_id)]  # the site id as a string, as Hotjar's bootstrap records it
    assert not state["stub"] and state["queued"] == 0
    assert eventually(seen, lambda: len(hotjar.received()) == 2)
    received = sorted(hotjar.received(), key=lambda call: call.seq)
    assert [call.args for call in received] == EXPECTED
    assert {(call.channel, call.site, call.page, call.fresh) for call in received} == {
        ("http", hotjar.site_id, hotjar.page_url, True)
    }
    assert len({call.visitor for call in received}) == 1
    # The client is a second address, named by its content hash, next to the tracking script.
    assert f"{hotjar.base}/{CLIENT_FILE}" == hotjar.client_url and CLIENT_FILE.startswith("modules.")
    assert hotjar.client_url in seen.requests
    assert [url for url in seen.requests if "/api/" in url] == [
        f"{hotjar.base}/api/identify",
        f"{hotjar.base}/api/event",
    ]
    served = hotjar.served()
    assert (served.scripts, served.clients, served.websockets, served.posts, served.messages) == (1, 1, 0, 2, 0)
    assert seen.warnings() == []


def test_the_site_id_comes_from_the_script_address(hotjar: FakeHotjar, visit: Callable[..., Visit]) -> None:
    hotjar.site_id = 42  # the page's tracking code now asks the same server for hotjar-42.js
    state = visit(hotjar).state()
    assert state["settings"]["site_id"] == 42 and state["called"] == ["42"]


@pytest.mark.parametrize("case", ["http page", "headless user agent", "suspicious user agent"])
def test_a_refused_bootstrap_only_warns_and_sends_nothing(
    hotjar: FakeHotjar, visit: Callable[..., Visit], case: str
) -> None:
    user_agent: str | None = CHROME
    if case == "http page":
        hotjar.allow_http = False
        warning = HTTPS_WARNING
    elif case == "headless user agent":
        user_agent = None  # the headless shell's own, which says HeadlessChrome
        warning = f"{SUSPICIOUS_WARNING} "
    else:
        hotjar.faults.suspicious_user_agent = "Chrome"
        warning = f"{SUSPICIOUS_WARNING} {CHROME}"
    seen = visit(hotjar, user_agent=user_agent, wait="loaded")
    state = seen.state()
    assert state["script"] == "loaded"
    assert state["settings"]["site_id"] == hotjar.site_id  # the settings are set before the bootstrap refuses
    assert state["called"] is None
    assert state["stub"] and state["queued"] == 2
    assert len(seen.warnings()) == 1 and seen.warnings()[0].startswith(warning)
    seen.page.wait_for_timeout(300)
    assert seen.requests == [hotjar.page_url, hotjar.script_url]
    assert hotjar.served().clients == 0 and hotjar.received() == []


@pytest.mark.parametrize("how", ["preview", "https page"])
def test_an_http_refusal_is_lifted_by_preview_and_absent_on_https(
    hotjar: FakeHotjar, visit: Callable[..., Visit], how: str
) -> None:
    hotjar.allow_http = False
    seen = visit(hotjar, preview=True) if how == "preview" else visit(hotjar, page_url="https://www.example.com/shop/")
    assert seen.state()["called"] == [str(hotjar.site_id)]
    assert eventually(seen, lambda: len(hotjar.received()) == 2)
    assert seen.warnings() == []


def test_with_user_attributes_off_identify_sends_nothing_and_events_still_arrive(
    hotjar: FakeHotjar, visit: Callable[..., Visit]
) -> None:
    hotjar.faults.user_attributes_enabled = False
    seen = visit(hotjar)
    state = seen.state()
    assert state["settings"]["user_attributes_enabled"] is False
    assert state["called"] == [str(hotjar.site_id)] and not state["stub"] and state["queued"] == 0
    assert eventually(seen, lambda: hotjar.received())
    seen.page.wait_for_timeout(300)
    assert [call.args for call in hotjar.received()] == [["event", "Upgraded"]]
    assert [url for url in seen.requests if "/api/" in url] == [f"{hotjar.base}/api/event"]
    assert seen.warnings() == [] and hotjar.refused == 0


@pytest.mark.parametrize("fault", ["script_error", "script_missing", "client_error"])
def test_scripts_that_fail_to_load(hotjar: FakeHotjar, visit: Callable[..., Visit], fault: str) -> None:
    setattr(hotjar.faults, fault, True)
    seen = visit(hotjar, wait="loaded")
    if fault == "client_error":
        # The bootstrap ran and recorded itself; its client never came, so the calls wait in the stub's queue.
        eventually(seen, lambda: (hotjar.client_url, 500) in seen.responses)
        state = seen.state()
        assert (hotjar.client_url, 500) in seen.responses
        assert state["script"] == "loaded" and state["called"] == [str(hotjar.site_id)]
    else:
        state = seen.state()
        assert (hotjar.script_url, 500 if fault == "script_error" else 404) in seen.responses
        assert state["script"] == "failed" and state["settings"] is None and state["called"] is None
    assert state["stub"] and state["queued"] == 2
    seen.page.wait_for_timeout(200)
    assert hotjar.received() == []
    assert hotjar.served().clients == (1 if fault == "client_error" else 0)


def test_calls_over_a_websocket_arrive_answered_and_the_socket_closes_cleanly(
    hotjar: FakeHotjar, visit: Callable[..., Visit]
) -> None:
    hotjar.channel = "websocket"
    # Payloads of each of the protocol's three length forms: short, 16-bit and 64-bit lengths.
    calls = (
        CALLS + "\nhj('identify', 'user-1', {note: 'x'.repeat(300)});\nhj('identify', 'user-1', "
        "{note: 'y'.repeat(70000)});"
    )
    seen = visit(hotjar, calls=calls)
    assert eventually(seen, lambda: len(seen.state()["messages"]) == 4)
    state = seen.state()
    assert [message["status"] for message in state["messages"]] == [200] * 4
    received = sorted(hotjar.received(), key=lambda call: call.seq)
    assert [call.args for call in received] == [
        *EXPECTED,
        ["identify", "user-1", {"note": "x" * 300}],
        ["identify", "user-1", {"note": "y" * 70000}],
    ]
    assert {call.channel for call in received} == {"websocket"}
    assert not [url for url in seen.requests if "/api/" in url]
    served = hotjar.served()
    assert (served.websockets, served.posts, served.messages) == (1, 0, 4)
    seen.page.evaluate("window.__sockets[0].close(1000)")
    assert eventually(seen, lambda: seen.state()["closes"]) == [{"code": 1000, "clean": True}]


@pytest.mark.parametrize(
    "fault", ["websocket_drop_after", "drop_every", "websocket_refused", "error_every", "identify_disabled"]
)
def test_websocket_faults(hotjar: FakeHotjar, visit: Callable[..., Visit], fault: str) -> None:
    hotjar.channel = "websocket"
    setattr(hotjar.faults, fault, 2 if fault in ("websocket_drop_after", "drop_every") else True)
    if fault == "error_every":
        hotjar.faults.error_every = 1
    seen = visit(hotjar, calls=CALLS + "\nhj('event', 'Downgraded');")
    if fault in ("websocket_drop_after", "drop_every", "websocket_refused"):
        # The connection ends without a close frame: the page sees code 1006, not a clean close.
        assert eventually(seen, lambda: seen.state()["closes"]) == [{"code": 1006, "clean": False}]
        seen.page.wait_for_timeout(200)
        expected = [] if fault == "websocket_refused" else [EXPECTED[0]]
        assert [call.args for call in hotjar.received()] == expected
        assert hotjar.served().websockets == (0 if fault == "websocket_refused" else 1)
        assert hotjar.refused == (0 if fault == "websocket_refused" else 1)
    else:
        statuses = [500] * 3 if fault == "error_every" else [503, 200, 200]
        assert eventually(seen, lambda: [message["status"] for message in seen.state()["messages"]] == statuses)
        kept = [] if fault == "error_every" else [["event", "Upgraded"], ["event", "Downgraded"]]
        assert [call.args for call in sorted(hotjar.received(), key=lambda call: call.seq)] == kept
        assert seen.state()["closes"] == []


def test_stopping_the_fake_closes_its_websockets(visit: Callable[..., Visit]) -> None:
    with FakeHotjar(allow_http=True, channel="websocket") as server:
        seen = visit(server)
        assert eventually(seen, lambda: len(server.received()) == 2)
    assert eventually(seen, lambda: seen.state()["closes"]) == [{"code": 1001, "clean": True}]


@pytest.mark.parametrize("channel", ["http", "websocket"])
def test_latency_delays_the_script_the_client_and_every_call(
    hotjar: FakeHotjar, visit: Callable[..., Visit], channel: str
) -> None:
    hotjar.channel = channel
    hotjar.faults.latency, hotjar.faults.client_latency = 0.4, 0.6
    seen = visit(hotjar)
    assert eventually(seen, lambda: len(hotjar.received()) == 2)
    assert min(seen.waits[hotjar.script_url]) >= 400
    assert min(seen.waits[hotjar.client_url]) >= 600
    if channel == "http":
        identify, event = f"{hotjar.base}/api/identify", f"{hotjar.base}/api/event"
        assert eventually(seen, lambda: {identify, event} <= set(seen.waits))
        assert min(seen.waits[identify]) >= 400 and min(seen.waits[event]) >= 400
    else:
        # The handshake waits, and each call's answer too: the socket answers its calls one after the other.
        assert seen.page.evaluate("window.__opened")[0] >= 400
        assert eventually(seen, lambda: len(seen.state()["messages"]) == 2)
        assert hotjar.received()[1].at - hotjar.received()[0].at >= 0.4
