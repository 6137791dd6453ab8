"""Serve a built site on 127.0.0.1 and visit its pages in headless Chromium, recording what a reader's
browser does: every request, console error, byte loaded and millisecond spent.

Used by the session fixtures in conftest.py; the checks themselves live in test_browser.py and
test_page_weight.py, so one browser and one visit per page serve them all.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Debian's chromium, kept from phoning home so the only traffic is what the site asks for.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
# Schemes that never leave the page: inline plots, KaTeX's blobs, the empty about:blank.
LOCAL_SCHEMES = ("data", "blob", "about")
# Directories of a built site that hold assets, not pages.
NOT_PAGES = ("assets", "search", "vendor", "javascripts", "stylesheets")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over http on a free port of 127.0.0.1; yields the base URL (with a slash)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str:
    """Debian's chromium; missing is a failure under CI and a skip on a reader's laptop."""
    path = shutil.which("chromium")
    if path is None:
        message = "chromium is not installed: apt-get install -y --no-install-recommends chromium"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the browser tests)")
        pytest.skip(message)
    return path


def site_pages(site: Path) -> list[str]:
    """Every page of a built site as a URL path relative to its root ('' is the home page)."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        rel = html.relative_to(site)
        if rel.parts[0] in NOT_PAGES:
            continue
        pages.append("" if len(rel.parts) == 1 else "/".join(rel.parts[:-1]) + "/")
    return pages


@dataclass
class Visit:
    """What one cold load of one page did."""

    path: str
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # requests to any host but the served one
    failed: list[str] = field(default_factory=list)  # HTTP >= 400 or network failures
    console_errors: list[str] = field(default_factory=list)
    bytes_by_url: dict[str, int] = field(default_factory=dict)
    load_ms: float = 0.0  # navigation start to load event end, as the page measured it
    wall_ms: float = 0.0  # goto() until math, fonts and images were done
    dom: dict = field(default_factory=dict)  # findings of DOM_PROBE

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_by_url.values())


# Waits until KaTeX, fonts and images are done, then reports on them. Runs in the page.
DOM_PROBE = """async () => {
  await document.fonts.ready;
  const content = document.querySelector("article.md-content__inner") || document.body;
  const imgs = [...content.querySelectorAll("img")];
  await Promise.all(imgs.map((i) => i.complete ? null : new Promise((r) => { i.onload = i.onerror = r; })));
  // Text a reader sees outside code: raw TeX delimiters left there mean math did not render.
  const clone = content.cloneNode(true);
  clone.querySelectorAll("pre, code, .katex, script, style, .highlight-ipynb").forEach((e) => e.remove());
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    arithmatex: content.querySelectorAll(".arithmatex").length,
    unrendered: [...content.querySelectorAll(".arithmatex")].filter((e) => !e.querySelector(".katex"))
      .map((e) => e.textContent.slice(0, 80)),
    katex: content.querySelectorAll(".katex").length,
    text: clone.textContent,
    broken_images: imgs.filter((i) => !(i.naturalWidth > 0)).map((i) => i.src.slice(0, 120)),
    tables: content.querySelectorAll("table").length,
    load_ms: nav ? nav.loadEventEnd - nav.startTime : -1,
  };
}"""


# Material's search worker fetches this after the load event; a page is done once it has arrived.
SEARCH_INDEX = "search/search_index.json"


# After the screenshot: unfold every <details> (folded answers) as a reader would, then list the
# tables and plots that still cannot be seen (an unselected tab, zero size, display: none).
VISIBILITY_PROBE = """() => {
  const content = document.querySelector("article.md-content__inner") || document.body;
  content.querySelectorAll("details").forEach((d) => { d.open = true; });
  const unseen = (e) => {
    const r = e.getBoundingClientRect();
    return !(r.width > 0 && r.height > 0 && e.checkVisibility({ visibilityProperty: true }));
  };
  return {
    hidden_tables: [...content.querySelectorAll("table")].filter(unseen)
      .map((t) => t.textContent.trim().slice(0, 60)),
    empty_svgs: [...content.querySelectorAll("svg[role=img]")].filter(unseen)
      .map((s) => s.getAttribute("aria-label") || "(no label)"),
  };
}"""


def visit(
    browser, base: str, path: str, screenshot: Path | None = None, settle_on: str | None = SEARCH_INDEX
) -> Visit:
    """Load ``base + path`` in a fresh context (cold cache); outside requests are recorded and aborted.

    The visit ends when math, fonts and images are done and the response whose URL contains
    ``settle_on`` has arrived (None: when the network has been idle for half a second)."""
    origin = urlsplit(base).netloc
    result = Visit(path=path)
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    try:

        def route(r):
            url = r.request.url
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES or parts.netloc == origin:
                r.continue_()
            else:
                # Never let a test touch the network: record the request and refuse it.
                result.outside.append(url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda req: result.requests.append(req.url))
        page.on("requestfailed", lambda req: result.failed.append(f"{req.url} ({req.failure})"))
        page.on("console", lambda msg: msg.type == "error" and result.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: result.console_errors.append(f"uncaught: {exc}"))

        def on_response(resp):
            if resp.status >= 400:
                result.failed.append(f"{resp.url} (HTTP {resp.status})")
            elif urlsplit(resp.url).scheme not in LOCAL_SCHEMES:
                try:
                    result.bytes_by_url[resp.url] = len(resp.body())
                except Exception:  # a body the page dropped before reading (redirects); nothing arrived
                    pass

        page.on("response", on_response)
        start = time.perf_counter()
        if settle_on is None:
            page.goto(base + path, wait_until="load")
            result.dom = page.evaluate(DOM_PROBE)
            page.wait_for_load_state("networkidle")
        else:
            with page.expect_response(lambda resp: settle_on in resp.url):
                page.goto(base + path, wait_until="load")
                result.dom = page.evaluate(DOM_PROBE)
        result.wall_ms = (time.perf_counter() - start) * 1000
        result.load_ms = result.dom["load_ms"]
        if screenshot is not None:
            # The first screen by default; capturing a long page whole costs seconds, so it is opt-in.
            page.screenshot(path=str(screenshot), full_page=bool(os.environ.get("LSTMGRAD_FULL_PAGE_SHOTS")))
        result.dom.update(page.evaluate(VISIBILITY_PROBE))
    finally:
        context.close()
    return result
