"""The browser transport: each user's calls run as `hj(...)` in headless Chromium, one fresh visitor per user.

Hotjar's Identify and Events APIs exist only in a page running its tracking code, so this is the only way to
send them. The page is the site's own address, answered by request interception with a minimal document that
holds Hotjar's standard tracking code: Hotjar sees its own site's domain and the site's server is never asked.

Playwright is imported here only, when a replay starts: validate and the core never load it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hotjar_cli.replay.dates import SEGMENT_DATES_JS
from hotjar_cli.replay.errors import ReplaySetupError
from hotjar_cli.replay.interface import (
    SENT,
    USER_ATTRIBUTES_HINT,
    Delivery,
    Failure,
    SiteCheck,
    Transport,
)
from hotjar_cli.replay.plan import UserPlan
from hotjar_cli.replay.settings import ReplaySettings

if TYPE_CHECKING:
    from playwright.async_api import Browser, CDPSession, Playwright, Request, Response

# Without site isolation Chromium keeps no spare renderer waiting for the next navigation: with a context per
# worker, each navigation would otherwise start one for its own context and end another context's. Contexts
# never share a renderer either way, and the page loads nothing but Hotjar's tracking code. The GPU service,
# which composites every page's frames even headless, runs as a thread of the browser process rather than a
# process of its own, sparing those frames a trip between processes. Each user's page load replaces the last
# user's document in the same frame rather than building a new frame for it (RenderDocument): still a new
# document and a new window, so nothing of the last page's scripts survives. The page, served by interception,
# has no network address of its own and so counts as public: Local Network Access checks would then block its
# WebSockets to a copy of Hotjar's script at a private or loopback address (`--script-url`, a staging copy).
# Chromium merges this list of disabled features with Playwright's own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-site-isolation-trials",
    "--in-process-gpu",
    "--disable-features=RenderDocument,LocalNetworkAccessChecks",
]
LAUNCH_ATTEMPTS = 3
"""Launches of Chromium before a replay is refused for it: on a loaded machine it has closed as it started, now and
then, where the next launch came up (`Target page, context or browser has been closed`)."""
LAUNCH_PAUSE = 0.5
"""Seconds before the second launch, doubled before each one after it."""
HOTJAR_DOMAINS = ("hotjar.com", "hotjar.io", "contentsquare.com", "contentsquare.net")
"""Hotjar's hosts; Hotjar is part of Contentsquare, whose script (`@hotjar/browser`) loads from its own hosts."""
SYSTEM_CHROMIUMS = ("chromium-headless-shell", "chromium")
_POLL = 0.05


def launch_failure(error: str) -> str:
    """What a failed launch says of Chromium's end: how its process ended and the last line it wrote to stderr.

    Playwright's own first line (`Target page, context or browser has been closed`) is the same for a missing
    library, a crash and a process that was killed; its log after that line tells them apart."""
    lines = [line.strip().removeprefix("- ") for line in error.strip().splitlines()]
    ended = next(
        (match for line in lines if (match := re.search(r"<process did exit: exitCode=(\w+), signal=(\w+)>", line))),
        None,
    )
    said = [line.split("[err]", 1)[1].strip() for line in lines if re.match(r"\[pid=\d+\]\[err\]", line)]
    parts = []
    if ended is not None:
        code, signal = ended.groups()
        parts.append(f"it ended on {signal}" if signal != "null" else f"it exited with code {code}")
    if said and said[-1]:
        parts.append(said[-1])
    return ": ".join(parts) if parts else (lines[0] if lines and lines[0] else "unknown error")


def default_script_url(site_id: int) -> str:
    """Hotjar's tracking script for a site, as its standard tracking code loads it."""
    return f"https://static.hotjar.com/c/hotjar-{site_id}.js?sv=6"


def chromium_path(settings: ReplaySettings) -> str:
    """The Chromium executable to drive: `--browser-path`, else the system's. Raises ReplaySetupError.

    The system's is Debian's headless shell when it is installed (package `chromium-headless-shell`, the same
    Chromium without the desktop browser around it: a page load costs a third of the CPU), else `chromium`.
    """
    if settings.browser_path is not None:
        chosen = Path(settings.browser_path)
        if chosen.is_file() and os.access(chosen, os.X_OK):
            return str(chosen)
        found = shutil.which(str(chosen))
        if found:
            return found
        raise ReplaySetupError(
            f"no Chromium at {chosen}: pass --browser-path with the path of an executable Chromium or Chrome"
        )
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if found:
            return found
    raise ReplaySetupError(
        "no Chromium found: install the system's (Debian: `apt-get install "
        "chromium-headless-shell`, or `chromium`) or pass --browser-path"
    )


def tracking_page(site_id: int, script_url: str) -> str:
    """The page every user visits: Hotjar's standard tracking code, loading `script_url`.

    The tracking code runs when the transport starts the page, once the tab has forgotten the last user:
    a reused tab loads the page first, which ends the last user's page and its scripts for good, and is
    cleared after. Starting checks that the page holds no cookie or storage before Hotjar's code runs.

    The rest is for the transport's eyes only: a promise of whether the script loaded; the page's own
    requests and WebSockets to Hotjar with their failures, and what the page wrote to its console (see
    `PAGE_WATCH`); and what Hotjar's script left in the page to show that it started and took the calls. The
    page knows the moment a request starts, while the browser's network events can arrive late on a busy
    machine; judging by them alone could close a page whose last request had not left yet.
    """
    script_host = urlsplit(script_url).hostname or ""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>hotjar-cli replay</title>
<script>
{PAGE_WATCH % {"script_host": json.dumps(script_host.lower()), "domains": json.dumps(HOTJAR_DOMAINS)}}
window.__hotjarCliStart = function () {{
  // Session storage belongs to the tab, which the browser's clearing does not reach.
  try {{
    sessionStorage.clear();
    if (document.cookie || localStorage.length || sessionStorage.length) return null;
  }} catch (e) {{ return null; }}
  return new Promise(function (loaded) {{
(function(h,o,u){{
  h.hj=h.hj||function(){{(h.hj.q=h.hj.q||[]).push(arguments)}};
  h._hjSettings={{hjid:{site_id},hjsv:6}};
  var a=o.getElementsByTagName('head')[0];
  var r=o.createElement('script');r.async=1;r.src=u;
  r.onload=function(){{loaded('loaded')}};
  r.onerror=function(){{loaded('failed')}};
  a.appendChild(r);
}})(window,document,{json.dumps(script_url)});
    window.__hotjarCliStub = window.hj;
  }});
}};
</script></head><body></body></html>"""


PAGE_WATCH = r"""(function (w) {
  var watch = w.__hotjarCliWatch = {inflight: 0, last: performance.now(), failures: [], console: [],
                                    expectAnswers: false, answered: false, socketSent: false, sends: 0,
                                    posted: 0, refused: 0, callsFrom: Infinity, unopened: false};
  var scriptHost = %(script_host)s, domains = %(domains)s;
  function isHotjar(url) {
    try { var host = new URL(url, location.href).hostname.toLowerCase(); } catch (e) { return false; }
    return host === scriptHost || domains.some(function (domain) {
      return host === domain || host.slice(-domain.length - 1) === '.' + domain;
    });
  }
  function where(method, url) {
    var parts = new URL(url, location.href);
    return method + ' ' + parts.origin + parts.pathname;
  }
  function begin() { watch.inflight++; watch.last = performance.now(); }
  function end(problem) {
    watch.inflight--; watch.last = performance.now();
    if (problem) watch.failures.push(problem);
  }
  // The sends that may carry calls (a request with a body, a socket's message, a beacon) made once the calls began,
  // and those of them refused (an error answer, a request that failed): every one refused, no call reached Hotjar.
  function carries(number, body) {
    var after = body && number > watch.callsFrom;
    if (after) watch.posted++;
    return after;
  }
  var fetch = w.fetch;
  if (fetch) w.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : (input && input.url) || String(input);
    if (!isHotjar(url)) return fetch.apply(this, arguments);
    var method = (init && init.method) || (input && input.method) || 'GET';
    begin();
    var carried = carries(++watch.sends, !!(init && init.body != null) || (input && input.body != null));
    return fetch.apply(this, arguments).then(function (response) {
      if (carried && response.status >= 400) watch.refused++;
      end(response.status >= 400 ? ['http-error', 'HTTP ' + response.status + ' from ' + where(method, url)] : null);
      return response;
    }, function (error) {
      if (carried) watch.refused++;
      end(['request-failed', 'network error for ' + where(method, url)]);
      throw error;
    });
  };
  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__hotjarCli = isHotjar(url) ? where(method, url) : null;
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, label = this.__hotjarCli;
    if (label) {
      begin();
      var carried = carries(++watch.sends, arguments.length > 0 && arguments[0] != null);
      this.addEventListener('loadend', function () {
        if (carried && (request.status === 0 || request.status >= 400)) watch.refused++;
        end(request.status === 0 ? ['request-failed', 'network error for ' + label]
          : request.status >= 400 ? ['http-error', 'HTTP ' + request.status + ' from ' + label] : null);
      });
    }
    return send.apply(this, arguments);
  };
  var beacon = navigator.sendBeacon;
  if (beacon) navigator.sendBeacon = function (url) {
    if (isHotjar(url)) { watch.last = performance.now(); carries(++watch.sends, true); }
    return beacon.apply(this, arguments);
  };
  // A socket counts as in flight until it opens; once open, every message sent restarts the quiet time (not one
  // received: a socket that keeps talking would never be quiet), an answer with a status of 4xx or 5xx is a
  // failure, and so is a close that is not a clean one (an error, a dropped connection: code 1006), and a message
  // sent once the socket is closing or closed, even cleanly (1001 as a server goes away): the browser drops it
  // without a word. A socket that answers its messages with a status (one seen on it, or on an earlier page of the
  // replay: `expectAnswers`) holds each message sent in flight until its answer comes, and one closed before then
  // fails: a Hotjar slower to answer than `--settle` had calls counted as sent that it never took.
  var Socket = w.WebSocket;
  if (Socket) {
    var Watched = function (url, protocols) {
      var socket = protocols === undefined ? new Socket(url) : new Socket(url, protocols);
      if (!isHotjar(url)) return socket;
      var label = where('WebSocket', url), opened = false, closedWith = null, sendOne = socket.send;
      var answering = watch.expectAnswers, unanswered = 0, sends = [];
      begin();
      socket.addEventListener('open', function () { opened = true; end(null); });
      socket.addEventListener('close', function (event) {
        closedWith = event.code;
        if (!opened) {
          watch.unopened = true;
          end(['websocket-closed', label + ' did not open (code ' + event.code + ')']);
          return;
        }
        watch.last = performance.now();
        if (answering && unanswered) {
          watch.inflight -= unanswered;
          watch.failures.push(['websocket-closed', label + ' closed before answering ' + unanswered + ' call(s)']);
          unanswered = 0;
          sends = [];
        }
        if (!event.wasClean || (event.code !== 1000 && event.code !== 1001))
          watch.failures.push(['websocket-closed', label + ' closed abnormally (code ' + event.code + ')']);
      });
      socket.send = function () {
        watch.last = performance.now();
        if (opened && socket.readyState >= Socket.CLOSING) {
          var code = closedWith === null ? '' : ' (code ' + closedWith + ')';
          watch.failures.push(['websocket-closed', label + ' was closed' + code + ': a call sent on it was lost']);
        } else if (opened) {
          unanswered++;
          watch.socketSent = true;
          sends.push(carries(++watch.sends, true));
          if (answering) begin();
        }
        return sendOne.apply(socket, arguments);
      };
      // A call refused over the socket is answered there, with a status as a request's would be: a 4xx or 5xx.
      socket.addEventListener('message', function (event) {
        if (typeof event.data !== 'string' || event.data.indexOf('status') < 0) return;
        var answer = null;
        try { answer = JSON.parse(event.data); } catch (error) { return; }
        if (!answer || typeof answer.status !== 'number') return;
        var failed = answer.status < 400 ? null
          : ['http-error', 'status ' + answer.status + ' in an answer on ' + label];
        if (!answering) { answering = watch.answered = true; for (var held = 0; held < unanswered; held++) begin(); }
        var carried = sends.shift();
        if (unanswered && failed && carried) watch.refused++;
        if (unanswered) { unanswered--; end(failed); } else if (failed) watch.failures.push(failed);
      });
      return socket;
    };
    Watched.prototype = Socket.prototype;
    ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (name) { Watched[name] = Socket[name]; });
    w.WebSocket = Watched;
  }
  // The page holds nothing but Hotjar's code and this watch, so what reaches its console is Hotjar's.
  function note(line) { if (watch.console.length < 10) watch.console.push(line.slice(0, 300)); }
  ['warn', 'error'].forEach(function (level) {
    var write = console[level];
    console[level] = function () {
      note(level + ': ' + Array.prototype.map.call(arguments, String).join(' '));
      return write.apply(console, arguments);
    };
  });
  w.addEventListener('error', function (event) { if (event.message) note('uncaught: ' + event.message); });
  // Hotjar's client is a script its bootstrap adds: a failed load shows only as an error event on it.
  w.addEventListener('error', function (event) {
    var target = event.target;
    if (target && target.tagName === 'SCRIPT' && target.src && isHotjar(target.src))
      watch.failures.push(['script-not-loaded', where('GET', target.src) + ' did not load']);
  }, true);
  // What Hotjar's script leaves in the page: its bootstrap records the site in hjBootstrapCalled (it returns
  // before that, with only a console warning, when it refuses to start), and its client replaces the queue
  // stub of the tracking code and takes the calls waiting in hj.q.
  w.__hotjarCliFound = function (siteId) {
    var called = Array.isArray(w.hjBootstrapCalled) ? w.hjBootstrapCalled.map(String) : [];
    var settings = w.hjSiteSettings && typeof w.hjSiteSettings === 'object' ? w.hjSiteSettings : {};
    var attributes = settings.user_attributes_enabled;
    var site = settings.site_id === undefined || settings.site_id === null ? null : String(settings.site_id);
    return {started: called.indexOf(String(siteId)) >= 0, site: site, siteStarted: called.indexOf(site) >= 0,
            attributes: typeof attributes === 'boolean' ? attributes : null};
  };
  w.__hotjarCliTaken = function () {
    var hj = w.hj;
    return typeof hj !== 'undefined' && hj !== w.__hotjarCliStub && !(hj && hj.q && hj.q.length);
  };
})(window);"""

TAB_USES = 200
"""Users one tab serves before it is closed and a new context opened, so nothing grows without bound."""

# One round trip per user: start Hotjar's tracking code in a page that holds nothing of an earlier visitor,
# wait for the script, check that Hotjar started for the site (and keeps attributes, when the user has an
# identify), turn date strings into Dates as Segment's integration did at each call's own time (`dates`; the
# calls' `times` are their `PlannedCall.at`), run the calls (`spacing` ms apart: `--rate`, from when Hotjar's client
# has replaced the queue stub, which sends what waits in it at once), wait until Hotjar's client has taken them,
# then wait inside the page until its Hotjar requests have all been answered and none started for `quiet` ms. Any
# failure, and anything Hotjar writes to the console, ends the wait at once, and makes no further call.
DELIVER = """async ([siteId, calls, times, loading, quiet, timeout, spacing, answers]) => {
  window.__hotjarCliWatch.expectAnswers = answers === true;
  const started = window.__hotjarCliStart();
  if (!started) return {state: 'stale'};
  const state = await Promise.race([started, new Promise(late => setTimeout(late, loading, 'pending'))]);
  if (state !== 'loaded') return {state};
  const watch = window.__hotjarCliWatch, found = window.__hotjarCliFound(siteId);
  let made = 0, sendsBefore = watch.callsFrom = watch.sends;
  // Calls made while the queue stub is still in place wait in the page: only Hotjar's client sends them on. Nor do
  // they leave it when its socket did not open and nothing went to Hotjar since the first call: they wait in the
  // client's own queue (a page that cannot see a request, an image's, keeps them all as made). Nor did they reach
  // Hotjar when it refused every request (or message on a socket that answers) that went to it since the first call.
  const waiting = () => window.hj === window.__hotjarCliStub || (watch.unopened && watch.sends === sendsBefore);
  const refused = () => watch.posted > 0 && watch.refused === watch.posted;
  const report = state => ({state, found, made: waiting() || refused() ? 0 : made,
                            inflight: watch.inflight, failures: watch.failures, answered: watch.answered,
                            socketSent: watch.socketSent,
                            console: watch.console, queued: (window.hj && window.hj.q || []).length});
  if (found.site !== null && found.site !== String(siteId)) return report('other-site');
  if (!found.started) return report('refused');
  if (found.attributes === false && calls.some(args => args[0] === 'identify')) return report('attributes-off');
  const toDates = SEGMENT_DATES, troubled = () => watch.failures.length || watch.console.length;
  // Hotjar's client sends every call waiting in the queue stub at once when it loads: spaced calls wait for it.
  const loaded = performance.now();
  while (spacing && window.hj === window.__hotjarCliStub && !troubled() && performance.now() - loaded <= loading)
    await new Promise(wake => setTimeout(wake, 10));
  if (spacing && window.hj === window.__hotjarCliStub) return report(troubled() ? 'failed' : 'not-taken');
  for (let index = 0; index < calls.length; index++) {
    if (index && spacing) {
      await new Promise(wake => setTimeout(wake, spacing));
      if (troubled()) break;
    }
    const args = calls[index];
    if (args[0] === 'identify' && args[2] && typeof args[2] === 'object') args[2] = toDates(args[2], times[index]);
    window.hj.apply(window, args);
    made++;
  }
  const since = performance.now();
  while (!window.__hotjarCliTaken() && !troubled() && performance.now() - since <= loading)
    await new Promise(wake => setTimeout(wake, 10));
  if (!window.__hotjarCliTaken()) return report('not-taken');
  watch.last = Math.max(watch.last, performance.now());
  for (;;) {
    const now = performance.now();
    // Not yet known whether Hotjar answers its socket's messages (`answers` null): the first page that sends on one
    // waits for an answer as for a request's, so that a Hotjar slower than `--settle` is known to answer.
    const unknown = answers === null && watch.socketSent && !watch.answered;
    if (troubled() || (watch.inflight === 0 && !unknown && now - watch.last >= quiet) || now - since > timeout) break;
    await new Promise(wake => setTimeout(wake, Math.max(5, Math.min(50, quiet - (now - watch.last)))));
  }
  // Failed: the sends still in flight get the quiet time to be answered, so that a page all of whose sends Hotjar
  // refused is told from one some of whose sends it may have taken (`made`).
  const failed = performance.now();
  while (troubled() && watch.inflight > 0 && performance.now() - failed < quiet)
    await new Promise(wake => setTimeout(wake, 5));
  return report('taken');
}""".replace("SEGMENT_DATES", SEGMENT_DATES_JS)

# The preflight: the same page and start, no call; wait for Hotjar's client as a delivery would, and for what it opens
# at once (its socket) to open or fail.
CHECK = """async ([siteId, loading]) => {
  const started = window.__hotjarCliStart();
  if (!started) return {state: 'stale'};
  const state = await Promise.race([started, new Promise(late => setTimeout(late, loading, 'pending'))]);
  if (state !== 'loaded') return {state};
  const watch = window.__hotjarCliWatch, since = performance.now();
  while (window.__hotjarCliFound(siteId).started && !window.__hotjarCliTaken() && !watch.failures.length
         && !watch.console.length && performance.now() - since <= loading)
    await new Promise(wake => setTimeout(wake, 10));
  // A client that took the queue may still be opening its socket, which a replay's calls would go out on.
  while (window.__hotjarCliTaken() && watch.inflight && !watch.failures.length && !watch.console.length
         && performance.now() - since <= loading)
    await new Promise(wake => setTimeout(wake, 10));
  return {state, found: window.__hotjarCliFound(siteId), taken: window.__hotjarCliTaken(),
          failures: watch.failures, console: watch.console, queued: 0};
}"""


class _Tab:
    """A context and its one page, reused user after user; the browser's events go to the current user's watch."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.page: Any = None
        self.session: Any = None
        self.watch: _Watch | None = None
        self.uses = 0

    def forward(self, event: str) -> Callable[[Any], None]:
        def handler(item: Any) -> None:
            if self.watch is not None:
                getattr(self.watch, event)(item)

        return handler


class BrowserTransport(Transport):
    """One headless Chromium for the whole replay, and a fresh visitor for every user.

    A new browser context per user is what makes a visitor fresh, but Chromium opens only a handful a second
    on a small machine. So each worker keeps its tab: for the next user it loads the page again, which ends
    the last user's page, then forgets that user (cookies, local and session storage, the origins' other
    storage) before the page starts Hotjar's tracking code. The page checks, before Hotjar's script runs, that
    it holds no state; if anything survived, the user is delivered in a brand new context instead, so one
    user's Hotjar visitor can never carry over to the next.
    """

    def __init__(self, settings: ReplaySettings) -> None:
        self.settings = settings
        self.executable = chromium_path(settings)
        self.script_url = settings.script_url or default_script_url(settings.site_id)
        self.page_url = settings.page_url.split("#", 1)[0]
        self.page = tracking_page(settings.site_id, self.script_url)
        self.script_host = (urlsplit(self.script_url).hostname or "").lower()
        page_parts = urlsplit(self.page_url)
        origin = f"{page_parts.scheme}://{page_parts.netloc}"
        script_parts = urlsplit(self.script_url)
        self.origins = list(dict.fromkeys([origin, f"{script_parts.scheme}://{script_parts.netloc}"]))
        if self.is_hotjar(self.page_url):
            # The page shares its origin with Hotjar (a test or staging copy): intercept the page alone.
            self.intercepted = _wildcard_escape(self.page_url)
        else:
            self.intercepted = _wildcard_escape(origin) + "/*"
        self.page_body = base64.b64encode(self.page.encode()).decode()
        self.timeout = settings.request_timeout_seconds
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._launching = asyncio.Lock()
        self._user_agent = ""
        self._idle: list[_Tab] = []
        self.tabs_opened = 0
        """Browser contexts opened so far, each with its one page: a tab."""
        self.stale_tabs = 0
        """Tabs found still holding an earlier visitor's state, each given up for a new one."""
        self.answers: bool | None = None
        """Whether Hotjar answers the messages on its socket, as the first page that sent on one found (None: not
        known yet, and the next such page waits for an answer): a page then holds each message in flight until its
        answer comes (see `PAGE_WATCH`)."""

    def is_hotjar(self, url: str) -> bool:
        """Whether a request goes to Hotjar: the tracking script's host, or any host under Hotjar's domains."""
        host = (urlsplit(url).hostname or "").lower()
        return host == self.script_host or any(
            host == domain or host.endswith("." + domain) for domain in HOTJAR_DOMAINS
        )

    async def start(self) -> None:
        """Launch the browser. Raises ReplaySetupError when Chromium cannot start."""
        await self._ensure_browser()

    async def _ensure_browser(self) -> Browser:
        async with self._launching:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            from playwright.async_api import Error as PlaywrightError
            from playwright.async_api import async_playwright

            self._idle.clear()  # tabs of a browser that went away
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            for attempt in range(LAUNCH_ATTEMPTS):
                try:
                    self._browser = await self._playwright.chromium.launch(
                        executable_path=self.executable,
                        args=CHROMIUM_ARGS,
                        handle_sigint=False,
                        timeout=max(30_000, self.timeout * 1000),
                    )
                    break
                except PlaywrightError as error:
                    if attempt + 1 < LAUNCH_ATTEMPTS:
                        await asyncio.sleep(LAUNCH_PAUSE * 2**attempt)
                        continue
                    raise ReplaySetupError(
                        f"Chromium at {self.executable} did not start ({launch_failure(str(error))}); "
                        "pass --browser-path with a working Chromium"
                    ) from None
            assert self._browser is not None, "launched, or said why not"
            # Hotjar should see an ordinary Chrome, not one that announces itself as headless.
            major = self._browser.version.split(".", 1)[0]
            self._user_agent = (
                f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{major}.0.0.0 Safari/537.36"
            )
            return self._browser

    async def _new_tab(self) -> _Tab:
        browser = await self._ensure_browser()
        tab = _Tab(await browser.new_context(user_agent=self._user_agent, service_workers="block"))
        self.tabs_opened += 1
        for event, method in (("request", "on_request"), ("response", "on_response"), ("requestfailed", "on_failed")):
            tab.context.on(event, tab.forward(method))
        tab.page = await tab.context.new_page()
        tab.session = session = await tab.context.new_cdp_session(tab.page)
        # The browser asks about the site's own requests only: Hotjar's go straight to the network.
        session.on("Fetch.requestPaused", lambda event: self._serve(session, event))
        await session.send("Fetch.enable", {"patterns": [{"urlPattern": self.intercepted}]})
        return tab

    async def forget(self, tab: _Tab) -> None:
        """Clear the cookies and the origins' storage the last user left in the tab (its page is gone).

        Before Hotjar's script runs, the page checks that nothing survived; a tab that still holds anything is
        given up for a new context before any call runs."""
        await asyncio.gather(
            tab.context.clear_cookies(),
            *(
                tab.session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
                for origin in self.origins
            ),
        )

    async def _close_tab(self, tab: _Tab) -> None:
        from playwright.async_api import Error as PlaywrightError

        with contextlib.suppress(PlaywrightError, asyncio.CancelledError):
            await asyncio.shield(tab.context.close())

    async def deliver(self, user: UserPlan) -> Delivery:
        """Run the user's calls in a clean tab and watch Hotjar's requests settle."""
        from playwright.async_api import Error as PlaywrightError

        reused = bool(self._idle)
        try:
            tab = self._idle.pop() if reused else await self._new_tab()
        except PlaywrightError as error:
            return Delivery(Failure.BROWSER_ERROR, _first_line(error))
        delivery = await self._deliver_in(tab, user)
        if delivery is _STALE:
            # Something of an earlier user survived the clean-up: start this one over in a new context.
            self.stale_tabs += 1
            await self._close_tab(tab)
            try:
                tab = await self._new_tab()
            except PlaywrightError as error:
                return Delivery(Failure.BROWSER_ERROR, _first_line(error))
            delivery = await self._deliver_in(tab, user)
            if delivery is _STALE:
                self.stale_tabs += 1
                delivery = Delivery(Failure.BROWSER_ERROR, "a new browser context did not start clean")
        tab.uses += 1
        if delivery.sent and tab.uses < TAB_USES:
            self._idle.append(tab)
            return delivery
        # A tab that failed, or served its share, is not trusted with another user.
        await self._close_tab(tab)
        return delivery

    async def _deliver_in(self, tab: _Tab, user: UserPlan) -> Delivery:
        """`deliver` in `tab`; a failure after the page made calls says how many (`Delivery.made`)."""
        watch = tab.watch = _Watch(self.is_hotjar)
        delivery = await self._run_calls(tab, user, watch)
        return replace(delivery, made=watch.made) if delivery.failure is not None and watch.made else delivery

    async def _run_calls(self, tab: _Tab, user: UserPlan, watch: _Watch) -> Delivery:
        from playwright.async_api import Error as PlaywrightError

        try:
            settled = await self._visit(
                tab,
                watch,
                DELIVER,
                [
                    str(self.settings.site_id),
                    [planned.args for planned in user.calls],
                    [planned.at for planned in user.calls],
                    self.timeout * 1000,
                    self.settings.settle_seconds * 1000,
                    (self.settings.settle_seconds + self.timeout) * 1000,
                    1000 / self.settings.rate if self.settings.rate else 0,
                    self.answers,
                ],
                user.timezone,
            )
            if isinstance(settled, Delivery):
                return settled
            if self.answers is None and settled.get("socketSent"):
                self.answers = bool(settled.get("answered"))
            watch.made = settled["made"]
            refused = self._refused(settled, watch)
            if refused is not None:
                return refused
            if settled["state"] == "not-taken":
                return watch.problem or Delivery(
                    Failure.NOT_TAKEN,
                    f"Hotjar started, but its client did not take the calls within {self.timeout:g} s"
                    + (f" ({settled['queued']} still queued)" if settled["queued"] else ""),
                )
            if settled["inflight"]:
                return Delivery(
                    Failure.TIMEOUT,
                    f"{settled['inflight']} request(s) to Hotjar had no answer within {self.timeout:g} s",
                )
            # What the page cannot see (the requests of elements, beacons' answers) the browser reports.
            if not await watch.settle(min(self.settings.settle_seconds, 0.05), self.timeout):
                return Delivery(
                    Failure.TIMEOUT, f"{watch.pending_description()} had no answer within {self.timeout:g} s"
                )
            return watch.problem or replace(SENT, attributes=settled["found"]["attributes"])
        except PlaywrightError as error:
            if watch.calling:
                # The page or the browser went away while the calls ran (a crash, the browser killed): the page may
                # have made every call before it could say how many, and Hotjar may hold them.
                watch.made = len(user.calls)
            return watch.problem or Delivery(Failure.BROWSER_ERROR, _first_line(error))
        finally:
            watch.closed = True
            tab.watch = None

    async def _visit(
        self, tab: _Tab, watch: _Watch, script: str, args: list[Any], timezone: str | None = None
    ) -> dict[str, Any] | Delivery:
        """Load the page in `tab` as a fresh visitor in `timezone` (None: UTC) and run `script` in it: what it
        found, once the tracking script loaded, or why it did not. Raises Playwright's errors."""
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        # Before the page loads, so that Hotjar's script sees the user's zone from its first line. An empty
        # name would mean the machine's zone, so no zone is UTC, as it is for Segment's date strings.
        await tab.session.send("Emulation.setTimezoneOverride", {"timezoneId": timezone or "UTC"})
        try:
            await tab.page.goto(self.page_url, wait_until="load", timeout=self.timeout * 1000)
        except PlaywrightTimeout:
            return watch.problem or Delivery(
                Failure.TIMEOUT, f"the page did not finish loading within {self.timeout:g} s"
            )
        if tab.uses:
            try:
                await self.forget(tab)
            except PlaywrightError:
                return _STALE
        watch.calling = script is DELIVER
        found: dict[str, Any] = await tab.page.evaluate(script, args)
        watch.calling = False
        state = found["state"]
        if state == "stale":
            return _STALE
        if state == "pending":
            return watch.problem or Delivery(
                Failure.TIMEOUT, f"the tracking script did not arrive within {self.timeout:g} s"
            )
        if state != "loaded" and "found" not in found:
            reason = watch.problem.detail if watch.problem else f"script state {state}"
            script = _strip_query(self.script_url)
            # Named once: "HTTP 500 from GET <script>" was said after the script's address.
            return Delivery(Failure.SCRIPT_NOT_LOADED, reason if script in reason else f"{script}: {reason}")
        return found

    def _refused(self, found: dict[str, Any], watch: _Watch) -> Delivery | None:
        """Why the page shows that Hotjar did not start or took nothing, or that a request or socket failed."""
        site_id = self.settings.site_id
        # Another site's script starts for its own site, not for this one: say which, not that it refused.
        if found["found"]["site"] not in (None, str(site_id)):
            return Delivery(
                Failure.SITE_MISMATCH,
                f"the tracking script holds the settings of site {_cut(found['found']['site'])}, not of site {site_id}",
            )
        if not found["found"]["started"]:
            return Delivery(Failure.HOTJAR_REFUSED, refusal_reason(found["console"]))
        if found["state"] == "attributes-off":
            return Delivery(
                Failure.USER_ATTRIBUTES_OFF,
                f"User Attributes are off for site {site_id}: Hotjar drops every identify; {USER_ATTRIBUTES_HINT}",
                attributes=False,
            )
        if found["failures"]:
            kind, detail = found["failures"][0]
            return watch.problem or Delivery(Failure(kind), _cut(detail))
        if found["console"]:
            return Delivery(
                Failure.HOTJAR_WARNING, f"Hotjar's script wrote to the page's console: {_cut(found['console'][0])}"
            )
        return None

    def _not_loaded(self, script_url: str, why: Delivery) -> SiteCheck:
        """What `check` says of a tracking page that did not load, and why."""
        return SiteCheck(
            script_url,
            self.page_url,
            script_loaded=False,
            started=False,
            client_started=False,
            site_id=None,
            user_attributes=None,
            unreachable=str(why),
        )

    async def check(self) -> SiteCheck:
        """Load the tracking page once in a new context, make no call, and say what Hotjar showed."""
        from playwright.async_api import Error as PlaywrightError

        script_url = _strip_query(self.script_url)
        try:
            tab = await self._new_tab()
        except PlaywrightError as error:  # the browser went away (a crash, closed by a second Ctrl-C): no traceback
            return self._not_loaded(script_url, Delivery(Failure.BROWSER_ERROR, _first_line(error)))
        watch = tab.watch = _Watch(self.is_hotjar)
        try:
            found = await self._visit(tab, watch, CHECK, [str(self.settings.site_id), self.timeout * 1000])
        except PlaywrightError as error:
            found = watch.problem or Delivery(Failure.BROWSER_ERROR, _first_line(error))
        finally:
            watch.closed = True
            tab.watch = None
        # A tab that worked serves the first user, who starts, as every user of a reused tab does, forgotten.
        tab.uses += 1
        if isinstance(found, Delivery) or watch.problem is not None:
            await self._close_tab(tab)
        else:
            self._idle.append(tab)
        if isinstance(found, Delivery):
            return self._not_loaded(script_url, found)
        settings = found["found"]
        problem = self._refused(found, watch)
        unreachable = None
        if problem is None and not found["taken"]:
            problem = watch.problem or Delivery(
                Failure.NOT_TAKEN, f"Hotjar started, but its client did not load within {self.timeout:g} s"
            )
        if problem is not None and problem.failure not in (Failure.HOTJAR_REFUSED, Failure.SITE_MISMATCH):
            problem, unreachable = None, str(problem)
        site = settings["site"]
        return SiteCheck(
            script_url,
            self.page_url,
            script_loaded=True,
            started=settings["started"],
            script_site_started=bool(settings["siteStarted"]),
            client_started=bool(found["taken"]),
            site_id=int(site) if site is not None and site.isdigit() else None,
            user_attributes=settings["attributes"],
            refused=problem.detail if problem is not None and problem.failure is Failure.HOTJAR_REFUSED else None,
            unreachable=unreachable,
        )

    async def _serve(self, session: CDPSession, event: dict[str, Any]) -> None:
        from playwright.async_api import Error as PlaywrightError

        if event["request"]["url"] == self.page_url:
            answer = {
                "responseCode": 200,
                "body": self.page_body,
                "responseHeaders": [{"name": "content-type", "value": "text/html; charset=utf-8"}],
            }
        else:
            # Anything else the page asks of the site's own origin (a favicon) never reaches the real server.
            answer = {"responseCode": 404, "body": ""}
        with contextlib.suppress(PlaywrightError):  # the tab closed meanwhile
            await session.send("Fetch.fulfillRequest", {"requestId": event["requestId"], **answer})

    async def close(self) -> None:
        """Close the browser and the Playwright driver."""
        from playwright.async_api import Error as PlaywrightError

        self._idle.clear()
        try:
            if self._browser is not None:
                await self._browser.close()
        except PlaywrightError:
            pass
        finally:
            self._browser = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None


class _Watch:
    """Hotjar's requests made for one user: the first failure, and those still waiting for an answer.

    Only requests that started while the user's page was being delivered count: the last user's page may
    leave answered requests whose bodies it never read, which the browser aborts when the next page loads.
    """

    def __init__(self, is_hotjar: Callable[[str], bool]) -> None:
        self.is_hotjar = is_hotjar
        self.problem: Delivery | None = None
        self.seen: set[Any] = set()
        self.pending: set[Any] = set()
        self.closed = False
        self.last_activity = time.monotonic()
        self.made = 0
        """The user's calls the page made, once it says."""
        self.calling = False
        """Whether the page is running the user's calls (`DELIVER`), which it says how many it made only at the end."""

    def on_request(self, request: Request) -> None:
        if not self.closed and self.is_hotjar(request.url):
            self.seen.add(request)
            self.pending.add(request)
            self.last_activity = time.monotonic()

    def on_response(self, response: Response) -> None:
        # An answer is what counts: Chromium reports a request finished only once the page read its body,
        # and a script need not read the body of a post.
        self._done(response.request)
        if not self.closed and response.status >= 400 and response.request in self.seen:
            self._fail(
                Failure.HTTP_ERROR,
                f"HTTP {response.status} from {response.request.method} {_strip_query(response.url)}",
            )

    def on_failed(self, request: Request) -> None:
        self._done(request)
        if not self.closed and request in self.seen:
            self._fail(
                Failure.REQUEST_FAILED,
                f"{request.failure or 'failed'} for {request.method} {_strip_query(request.url)}",
            )

    def _done(self, request: Request) -> None:
        if request in self.pending:
            self.pending.discard(request)
            self.last_activity = time.monotonic()

    def _fail(self, failure: Failure, detail: str) -> None:
        if self.problem is None:
            self.problem = Delivery(failure, detail)

    async def settle(self, quiet: float, timeout: float) -> bool:
        """Wait until Hotjar's requests have been quiet for `quiet` seconds with none in flight, or a failure.

        The quiet time restarts with every request and answer, so a request the browser was slow to start
        (a busy machine) is still watched. False when requests are still unanswered after `timeout` more.
        """
        self.last_activity = time.monotonic()
        deadline = self.last_activity + quiet + timeout
        while self.problem is None:
            now = time.monotonic()
            if not self.pending and now - self.last_activity >= quiet:
                break
            if now >= deadline:
                return not self.pending
            remaining = quiet - (now - self.last_activity) if not self.pending else _POLL
            await asyncio.sleep(min(max(remaining, 0.005), _POLL, deadline - now))
        return True

    def pending_description(self) -> str:
        urls = sorted({_strip_query(request.url) for request in self.pending})
        return f"{len(self.pending)} request{'s' if len(self.pending) != 1 else ''} to " + ", ".join(urls[:3])


_STALE = Delivery(Failure.BROWSER_ERROR, "the tab still held an earlier visitor's state")
"""Not a result a user ever gets: the tab is replaced and the user delivered again."""


def _wildcard_escape(text: str) -> str:
    """`text` as a literal in the browser's URL patterns, where `*` and `?` are wildcards."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def _strip_query(url: str) -> str:
    """A URL without its query or fragment, which may carry attribute values."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def refusal_reason(console: list[str]) -> str:
    """Why Hotjar's script loaded but did not start, in words, from what it wrote to the page's console."""
    said = " ".join(console)
    if "suspicious userAgent" in said:
        return "Hotjar refused to start: its script took the browser for a bot (a suspicious user agent)"
    if "only works over HTTPS" in said:
        return "Hotjar refused to start: it only works over HTTPS, and the page is http:"
    if console:
        return f"Hotjar's script loaded but did not start; the page's console says: {_cut(console[0])}"
    return "Hotjar's script loaded but did not start, and said nothing (window.hjBootstrapCalled lacks the site)"


def _cut(text: str, limit: int = 200) -> str:
    """What the page said, cut short: whoever shows it to a person makes its control characters visible."""
    return text[:limit] + ("…" if len(text) > limit else "")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
