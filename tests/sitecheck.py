"""Serve a built site on 127.0.0.1 and visit its pages in headless Chromium, recording what a reader's
browser does: every request, console error, byte loaded and millisecond spent.

Used by the session fixtures in conftest.py; the checks themselves live in test_browser.py,
test_layout.py, test_accessibility.py and test_page_weight.py, so one browser and one visit per page
serve them all: ``site_visit`` loads a page once, cold, at 1280 px and runs every probe those tests
judge (requests, console, math, images, visibility, axe-core, the copy buttons), then reloads it at
390 px for the phone layout. ``visit_site`` spreads the pages over two browsers, one per core.
"""

from __future__ import annotations

import functools
import os
import queue
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
    dom: dict = field(default_factory=dict)  # findings of DOM_PROBE and VISIBILITY_PROBE
    # site_visit only: serious/critical axe-core violations by colour scheme ("light"; "dark" on DARK)
    axe: dict[str, list[str]] = field(default_factory=dict)
    tabs_clicked: list[str] = field(default_factory=list)  # SELECTED_TABS after Source on one block
    copied: dict[str, str] = field(default_factory=dict)  # code block title -> what its copy button copied
    phone: dict = field(default_factory=dict)  # PHONE_PROBE after a reload at 390 px, and its "tabs"
    phases_ms: dict[str, float] = field(default_factory=dict)  # where the visit's time went

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


# The page's selected tab in every tab set, by label.
SELECTED_TABS = """() => [...document.querySelectorAll(".tabbed-set")].map((set) => {
  const checked = [...set.querySelectorAll(":scope > input")].findIndex((i) => i.checked);
  return set.querySelectorAll(".tabbed-labels > label")[checked].textContent.trim();
})"""

# A reader picks Source on the page's first Source/Result block (if it has one); then SELECTED_TABS.
CLICK_ONE_SOURCE = """() => {
  const sets = [...document.querySelectorAll(".tabbed-set")].filter((set) => {
    const names = [...set.querySelectorAll(":scope > .tabbed-labels > label")]
      .map((l) => l.textContent.trim());
    return names.length === 2 && names[0] === "Source" && names[1] === "Result";
  });
  if (sets.length) sets[0].querySelector(":scope > .tabbed-labels > label").click();
  return sets.length;
}"""

# For every titled code block: open what hides it (a collapsed exercise, the Result tab), press its
# copy button as Material wires it (its click handler) and read back the clipboard.
COPY_EACH = """async () => {
  const copied = {};
  for (const title of document.querySelectorAll(".highlight > span.filename")) {
    const name = title.textContent.trim();
    if (name in copied) continue;
    const block = title.parentElement;
    for (let d = block.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    const set = block.closest(".tabbed-set");
    const source = set && [...set.querySelectorAll(".tabbed-labels > label")]
      .find((l) => l.textContent.trim() === "Source");
    if (source) source.click();
    await navigator.clipboard.writeText("");
    const button = block.querySelector("button[data-md-type=copy], button.md-clipboard");
    if (!button) { copied[name] = "(no copy button)"; continue; }
    button.click();
    // the theme writes the clipboard asynchronously: wait for it (up to 10 s on a loaded machine)
    let text = "";
    for (let i = 0; i < 500 && !text; i++) {
      text = await navigator.clipboard.readText();
      if (!text) await new Promise((r) => setTimeout(r, 20));
    }
    copied[name] = text;
  }
  return copied;
}"""

PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 9
# At phone width: the document's width, every SVG text rendered below MIN_TEXT_PX, and every
# display equation that is wider than its box without scrolling.
PHONE_PROBE = """(minPx) => {
  const content = document.querySelector("article.md-content__inner") || document.body;
  const small = [];
  content.querySelectorAll("svg[role=img] text").forEach((t) => {
    const r = t.getBoundingClientRect();
    if (!(r.width > 0) || !t.textContent.trim()) return;
    const ctm = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    const name = t.ownerSVGElement.getAttribute("aria-label").slice(0, 50);
    if (px < minPx - 1e-6) small.push(`${name}: "${t.textContent.slice(0, 20)}" at ${px.toFixed(1)} px`);
  });
  const cut = [...content.querySelectorAll(".katex-display")].filter((d) =>
    d.scrollWidth > d.clientWidth + 1 && !["auto", "scroll"].includes(getComputedStyle(d).overflowX))
    .map((d) => d.textContent.slice(0, 40));
  return { width: document.documentElement.scrollWidth, small: small.slice(0, 5), cut };
}"""

# axe-core from npm, committed under tests/vendor/axe-core/ (`make vendor-axe` refreshes it) and
# injected into each page by the tests: the site itself never loads it, and nothing comes from a CDN.
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# The tests judge serious and critical violations only. axe gives every result of a rule that has an
# impact of its own that impact, so its minor and moderate rules could report nothing the tests judge:
# they are left out (a tenth of its time on the largest pages).
AXE_RUN = """async () => {
  const below = axe._audit.rules.filter((r) => ["minor", "moderate"].includes(r.impact));
  const rules = Object.fromEntries(below.map((r) => [r.id, { enabled: false }]));
  const result = await axe.run(document, { resultTypes: ["violations"], rules });
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}x): ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""
# The pages axe also checks in the dark palette: the explorables' own colours (the rest of the dark
# palette is the theme's).
DARK = ("bptt/", "lstm/")
MOUNTED = "[data-explorable][data-mounted]"


def axe_violations(page) -> list[str]:
    """The serious and critical axe-core violations of the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def visit(
    browser,
    base: str,
    path: str,
    screenshot: Path | None = None,
    settle_on: str | None = SEARCH_INDEX,
    everything: bool = False,
) -> Visit:
    """Load ``base + path`` in a fresh context (cold cache); outside requests are recorded and aborted.

    The visit ends when math, fonts and images are done and the response whose URL contains
    ``settle_on`` has arrived (None: when the network has been idle for half a second). With
    ``everything``, the same page then goes through every other probe the browser tests judge (see
    ``site_visit``), in the same context."""
    origin = urlsplit(base).netloc
    result = Visit(path=path)
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    cold = [True]  # bytes are counted on the cold load only; requests and errors on every load
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
        # (failures on the cold load only: the later reloads abort what is still in flight, the favicon)
        page.on("requestfailed", lambda req: cold[0] and result.failed.append(f"{req.url} ({req.failure})"))
        page.on("console", lambda msg: msg.type == "error" and result.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: result.console_errors.append(f"uncaught: {exc}"))

        def on_response(resp):
            if resp.status >= 400 and cold[0]:
                result.failed.append(f"{resp.url} (HTTP {resp.status})")
            elif cold[0] and urlsplit(resp.url).scheme not in LOCAL_SCHEMES:
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
        clock = _Clock(result.phases_ms, start)
        clock("load")
        if everything and page.locator("[data-explorable]").count():
            page.wait_for_selector(MOUNTED)  # the explorables, drawn
            clock("mount")
        if screenshot is not None:
            # The first screen by default; capturing a long page whole costs seconds, so it is opt-in.
            page.screenshot(path=str(screenshot), full_page=bool(os.environ.get("LSTMGRAD_FULL_PAGE_SHOTS")))
            clock("screenshot")
        if everything:
            # axe on the page as it opened (details folded, Result tabs), before any probe changes it
            result.axe["light"] = axe_violations(page)
            clock("axe")
        result.dom.update(page.evaluate(VISIBILITY_PROBE))
        clock("visibility")
        if everything:
            cold[0] = False
            _and_the_rest(context, page, base, path, result, clock)
    finally:
        context.close()
    return result


class _Clock:
    """Records the milliseconds since the last call under each phase's name."""

    def __init__(self, phases: dict[str, float], start: float) -> None:
        self.phases, self.last = phases, start

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + (now - self.last) * 1000, 1)
        self.last = now


def _and_the_rest(context, page, base: str, path: str, result: Visit, clock: _Clock) -> None:
    """The probes after the cold load: Source picked on one block, every copy button, the page
    reloaded at 390 px (where every block must open on its Result again), and the dark palette on
    DARK."""
    if page.evaluate(CLICK_ONE_SOURCE):
        result.tabs_clicked = page.evaluate(SELECTED_TABS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    with _CLIPBOARD:  # the two browsers may share one clipboard: one page at a time uses it
        result.copied = page.evaluate(COPY_EACH)
    clock("copy")
    page.set_viewport_size(PHONE)
    page.reload(wait_until="load")
    page.wait_for_function("document.fonts.status === 'loaded'")
    if page.locator("[data-explorable]").count():
        page.wait_for_selector(MOUNTED)
    result.phone = page.evaluate(PHONE_PROBE, MIN_TEXT_PX)
    result.phone["tabs"] = page.evaluate(SELECTED_TABS)
    clock("phone")
    if path in DARK:
        # A reader whose system prefers dark, on a first visit: a context of its own, because the theme
        # stores the palette it opened in (emptying the storage and reloading still showed light).
        dark = context.browser.new_context(viewport=VIEWPORT, color_scheme="dark", service_workers="block")
        try:
            page = dark.new_page()
            page.on("console", lambda msg: msg.type == "error" and result.console_errors.append(msg.text))
            page.on("pageerror", lambda exc: result.console_errors.append(f"uncaught: {exc}"))
            page.goto(base + path, wait_until="load")
            page.wait_for_selector(MOUNTED)
            result.dom["dark_scheme"] = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            result.axe["dark"] = axe_violations(page)
        finally:
            dark.close()
        clock("dark")


_CLIPBOARD = threading.Lock()


def site_visit(
    browser, base: str, path: str, screenshot: Path | None = None, settle_on: str | None = SEARCH_INDEX
) -> Visit:
    """One cold visit of a page of the built site that collects what every browser test judges:

    1. at 1280 px, cold: requests, bytes, console errors, math, images (DOM_PROBE), the explorables
       mounted, a screenshot, axe-core on the page as it opened, then VISIBILITY_PROBE;
    2. Source picked on the first Source/Result block (``tabs_clicked``), then every titled code
       block's copy button pressed (``copied``);
    3. reloaded at 390 px: PHONE_PROBE and the selected tabs (``phone``), which must all be Result
       again: a pick of Source is neither linked to other blocks nor remembered;
    4. on DARK, opened at 1280 px in a context that prefers dark (``dom["dark_scheme"]`` says which
       palette the theme showed) and checked by axe again.

    Console errors and outside requests are recorded on every load; bytes on the cold one only."""
    return visit(browser, base, path, screenshot=screenshot, settle_on=settle_on, everything=True)


def visit_site(browser, base: str, paths: list[str], shots: Path, site: Path) -> dict[str, Visit]:
    """``site_visit`` of every path, two pages at a time: one in ``browser``, one in a second
    chromium driven from a thread (a page's work is one renderer on one core). The largest pages go
    first, so neither browser waits long for the other at the end."""
    todo: queue.Queue[str] = queue.Queue()
    for path in sorted(paths, key=lambda p: -(site / p / "index.html").stat().st_size):
        todo.put(path)
    visits: dict[str, Visit] = {}
    errors: list[BaseException] = []

    def work(chromium) -> None:
        while True:
            try:
                path = todo.get_nowait()
            except queue.Empty:
                return
            name = path.strip("/").replace("/", "__") or "index"
            visits[path] = site_visit(chromium, base, path, screenshot=shots / f"{name}.png")

    def second() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as pw:
                chromium = pw.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
                )
                try:
                    work(chromium)
                finally:
                    chromium.close()
        except BaseException as exc:  # re-raised in the test's thread, naming what failed
            errors.append(exc)

    helper = threading.Thread(target=second, daemon=True)
    two = (os.cpu_count() or 1) > 1 and not os.environ.get("LSTMGRAD_ONE_BROWSER")
    if two:
        helper.start()
    try:
        work(browser)
    finally:
        if two:
            helper.join()
    if errors:
        raise errors[0]
    return {path: visits[path] for path in paths}
