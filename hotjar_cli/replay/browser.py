"""The browser transport: each user's calls run as `hj(...)` in headless Chromium, one fresh visitor per user.

Hotjar's Identify and Events APIs exist only in a page running its tracking code, so this is the only way to
send them. The page is the site's own address, answered by request interception with a minimal document that
holds Hotjar's standard tracking code: Hotjar sees its own site's domain and the site's server is never asked.

Playwright is imported here only, when a replay starts: validate and the core never load it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

from hotjar_cli.replay.errors import ReplaySetupError
from hotjar_cli.replay.interface import SENT, Delivery, Failure, Transport
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
# document and a new window, so nothing of the last page's scripts survives. Chromium merges this list of
# disabled features with Playwright's own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-site-isolation-trials", "--in-process-gpu", "--disable-features=RenderDocument"]
HOTJAR_DOMAINS = ("hotjar.com", "hotjar.io")
SYSTEM_CHROMIUMS = ("chromium-headless-shell", "chromium")
_POLL = 0.05


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
        raise ReplaySetupError(f"no Chromium at {chosen}: pass --browser-path with the path of an executable "
                               "Chromium or Chrome")
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if found:
            return found
    raise ReplaySetupError("no Chromium found: install the system's (Debian: `apt-get install "
                           "chromium-headless-shell`, or `chromium`) or pass --browser-path")


def tracking_page(site_id: int, script_url: str) -> str:
    """The page every user visits: Hotjar's standard tracking code, loading `script_url`.

    The tracking code runs when the transport starts the page, once the tab has forgotten the last user:
    a reused tab loads the page first, which ends the last user's page and its scripts for good, and is
    cleared after. Starting checks that the page holds no cookie or storage before Hotjar's code runs.

    Two additions, both for the transport's eyes only: a promise of whether the script loaded, and a count
    of the page's own requests to Hotjar (fetch, XMLHttpRequest, sendBeacon) with their failures. The page
    knows the moment a request starts, while the browser's network events can arrive late on a busy
    machine; judging by them alone could close a page whose last request had not left yet.
    """
    script_host = urlsplit(script_url).hostname or ""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>hotjar-cli replay</title>
<script>
{PAGE_WATCH % {"script_host": json.dumps(script_host.lower())}}
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
  }});
}};
</script></head><body></body></html>"""


PAGE_WATCH = r"""(function (w) {
  var watch = w.__hotjarCliWatch = {inflight: 0, last: performance.now(), failures: []};
  var scriptHost = %(script_host)s;
  function isHotjar(url) {
    try { var host = new URL(url, location.href).hostname.toLowerCase(); } catch (e) { return false; }
    return host === scriptHost || /(^|\.)hotjar\.(com|io)$/.test(host);
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
  var fetch = w.fetch;
  if (fetch) w.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : (input && input.url) || String(input);
    if (!isHotjar(url)) return fetch.apply(this, arguments);
    var method = (init && init.method) || (input && input.method) || 'GET';
    begin();
    return fetch.apply(this, arguments).then(function (response) {
      end(response.status >= 400 ? ['http-error', 'HTTP ' + response.status + ' from ' + where(method, url)] : null);
      return response;
    }, function (error) {
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
      this.addEventListener('loadend', function () {
        end(request.status === 0 ? ['request-failed', 'network error for ' + label]
          : request.status >= 400 ? ['http-error', 'HTTP ' + request.status + ' from ' + label] : null);
      });
    }
    return send.apply(this, arguments);
  };
  var beacon = navigator.sendBeacon;
  if (beacon) navigator.sendBeacon = function (url) {
    if (isHotjar(url)) { watch.last = performance.now(); }
    return beacon.apply(this, arguments);
  };
})(window);"""

TAB_USES = 200
"""Users one tab serves before it is closed and a new context opened, so nothing grows without bound."""


# One round trip per user: start Hotjar's tracking code in a page that holds nothing of an earlier visitor,
# wait for the script, run the calls, and wait inside the page until its Hotjar requests have all been
# answered and none started for `quiet` ms.
# Segment's integration hands Hotjar ISO-8601 date strings as Date objects (analytics.js' facade converts
# every trait that is a full date, time optional), so the replay does the same before calling `hj`.
DELIVER = """async ([calls, loading, quiet, timeout]) => {
  const started = window.__hotjarCliStart();
  if (!started) return {state: 'stale'};
  const state = await Promise.race([started, new Promise(late => setTimeout(late, loading, 'pending'))]);
  if (state !== 'loaded') return {state};
  const full = /^\\d{4}-\\d{2}-\\d{2}/;
  const iso = /^(\\d{4})-?(\\d{2})-?(\\d{2})(?:([ T])(\\d{2}):?(\\d{2})(?::?(\\d{2})(?:[,.](\\d+))?)?(?:(Z)|([+-])(\\d{2})(?::?(\\d{2}))?)?)?$/;
  const toDate = text => {
    const m = iso.exec(text);
    const year = +m[1], month = +m[2] - 1, day = +m[3];
    if (m[4] === undefined) return new Date(year, month, day);
    let offset = 0;
    if (m[9] === undefined && m[10] !== undefined) {
      offset = (+m[11]) * 60 + (+(m[12] || 0));
      if (m[10] === '+') offset = -offset;
    }
    const millis = m[8] ? +(m[8] + '00').slice(0, 3) : 0;
    return new Date(Date.UTC(year, month, day, +m[5], +m[6] + offset, +(m[7] || 0), millis));
  };
  const dated = value => typeof value === 'string' && full.test(value) && iso.test(value) ? toDate(value) : value;
  for (const args of calls) {
    if (args[0] === 'identify' && args[2] && typeof args[2] === 'object') {
      const attributes = {};
      for (const name of Object.keys(args[2])) attributes[name] = dated(args[2][name]);
      args[2] = attributes;
    }
    window.hj.apply(window, args);
  }
  const watch = window.__hotjarCliWatch, since = performance.now();
  watch.last = Math.max(watch.last, since);
  for (;;) {
    const now = performance.now();
    if (watch.failures.length || (watch.inflight === 0 && now - watch.last >= quiet) || now - since > timeout) break;
    await new Promise(wake => setTimeout(wake, Math.max(5, Math.min(50, quiet - (now - watch.last)))));
  }
  return {state, inflight: watch.inflight, failures: watch.failures};
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

    def is_hotjar(self, url: str) -> bool:
        """Whether a request goes to Hotjar: the tracking script's host, or any host under Hotjar's domains."""
        host = (urlsplit(url).hostname or "").lower()
        return host == self.script_host or any(host == domain or host.endswith("." + domain)
                                               for domain in HOTJAR_DOMAINS)

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
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.executable, args=CHROMIUM_ARGS, handle_sigint=False,
                    timeout=max(30_000, self.timeout * 1000))
            except PlaywrightError as error:
                first_line = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
                raise ReplaySetupError(f"Chromium at {self.executable} did not start ({first_line}); "
                                       "pass --browser-path with a working Chromium") from None
            # Hotjar should see an ordinary Chrome, not one that announces itself as headless.
            major = self._browser.version.split(".", 1)[0]
            self._user_agent = (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                f"Chrome/{major}.0.0.0 Safari/537.36")
            return self._browser

    async def _new_tab(self) -> _Tab:
        browser = await self._ensure_browser()
        tab = _Tab(await browser.new_context(user_agent=self._user_agent, service_workers="block"))
        for event, method in (("request", "on_request"), ("response", "on_response"),
                              ("requestfailed", "on_failed")):
            tab.context.on(event, tab.forward(method))
        tab.page = await tab.context.new_page()
        tab.session = session = await tab.context.new_cdp_session(tab.page)
        # The browser asks about the site's own requests only: Hotjar's go straight to the network.
        session.on("Fetch.requestPaused", lambda event: self._serve(session, event))
        await session.send("Fetch.enable", {"patterns": [{"urlPattern": self.intercepted}]})
        return tab

    async def _forget(self, tab: _Tab) -> None:
        """Clear the cookies and the origins' storage the last user left in the tab (its page is gone)."""
        await asyncio.gather(tab.context.clear_cookies(), *(
            tab.session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
            for origin in self.origins))

    async def _close_tab(self, tab: _Tab) -> None:
        from playwright.async_api import Error as PlaywrightError

        try:
            await asyncio.shield(tab.context.close())
        except (PlaywrightError, asyncio.CancelledError):
            pass

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
            await self._close_tab(tab)
            try:
                tab = await self._new_tab()
            except PlaywrightError as error:
                return Delivery(Failure.BROWSER_ERROR, _first_line(error))
            delivery = await self._deliver_in(tab, user)
            if delivery is _STALE:
                delivery = Delivery(Failure.BROWSER_ERROR, "a new browser context did not start clean")
        tab.uses += 1
        if delivery is SENT and tab.uses < TAB_USES:
            self._idle.append(tab)
            return delivery
        # A tab that failed, or served its share, is not trusted with another user.
        await self._close_tab(tab)
        return delivery

    async def _deliver_in(self, tab: _Tab, user: UserPlan) -> Delivery:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        watch = tab.watch = _Watch(self.is_hotjar)
        page = tab.page
        try:
            try:
                await page.goto(self.page_url, wait_until="load", timeout=self.timeout * 1000)
            except PlaywrightTimeout:
                return watch.problem or Delivery(Failure.TIMEOUT, f"the page did not finish loading within "
                                                                  f"{self.timeout:g} s")
            if tab.uses:
                try:
                    await self._forget(tab)
                except PlaywrightError:
                    return _STALE
            settled = await page.evaluate(DELIVER, [[planned.args for planned in user.calls],
                                                    self.timeout * 1000, self.settings.settle_seconds * 1000,
                                                    (self.settings.settle_seconds + self.timeout) * 1000])
            state = settled["state"]
            if state == "stale":
                return _STALE
            if state == "pending":
                return watch.problem or Delivery(Failure.TIMEOUT, f"the tracking script did not arrive within "
                                                                  f"{self.timeout:g} s")
            if state != "loaded":
                reason = watch.problem.detail if watch.problem else f"script state {state}"
                return Delivery(Failure.SCRIPT_NOT_LOADED, f"{_strip_query(self.script_url)}: {reason}")
            if settled["failures"]:
                kind, detail = settled["failures"][0]
                return watch.problem or Delivery(Failure(kind), detail)
            if settled["inflight"]:
                return Delivery(Failure.TIMEOUT, f"{settled['inflight']} request(s) to Hotjar had no answer "
                                                 f"within {self.timeout:g} s")
            # What the page cannot see (the requests of elements, beacons' answers) the browser reports.
            if not await watch.settle(min(self.settings.settle_seconds, 0.05), self.timeout):
                return Delivery(Failure.TIMEOUT, f"{watch.pending_description()} had no answer within "
                                                 f"{self.timeout:g} s")
            return watch.problem or SENT
        except PlaywrightError as error:
            return watch.problem or Delivery(Failure.BROWSER_ERROR, _first_line(error))
        finally:
            watch.closed = True
            tab.watch = None

    async def _serve(self, session: CDPSession, event: dict[str, Any]) -> None:
        from playwright.async_api import Error as PlaywrightError

        if event["request"]["url"] == self.page_url:
            answer = {"responseCode": 200, "body": self.page_body,
                      "responseHeaders": [{"name": "content-type", "value": "text/html; charset=utf-8"}]}
        else:
            # Anything else the page asks of the site's own origin (a favicon) never reaches the real server.
            answer = {"responseCode": 404, "body": ""}
        try:
            await session.send("Fetch.fulfillRequest", {"requestId": event["requestId"], **answer})
        except PlaywrightError:
            pass  # the tab closed meanwhile

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
            self._fail(Failure.HTTP_ERROR, f"HTTP {response.status} from {response.request.method} "
                                           f"{_strip_query(response.url)}")

    def on_failed(self, request: Request) -> None:
        self._done(request)
        if not self.closed and request in self.seen:
            self._fail(Failure.REQUEST_FAILED, f"{request.failure or 'failed'} for {request.method} "
                                               f"{_strip_query(request.url)}")

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


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
