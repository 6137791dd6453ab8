"""Every page of the built site in headless Chromium, as a reader's browser loads it from 127.0.0.1.

One cold visit per page (the ``site_visits`` fixture, see sitecheck.site_visit) records requests,
console errors, timings, what the copy buttons copied and a screenshot in tests/artifacts/; the tests
below (and test_layout, test_accessibility, test_page_weight) judge those records.
Without chromium these skip on a laptop and fail under CI.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from sitecheck import SELECTED_TABS, serve, site_pages, visit
from test_site import embedded_snippets, markdown_tables

from conftest import ROOT
from snippets import golden_path

# Raw TeX left in the text a reader sees: \( \[ or a $...$ pair hugging its content, as TeX reads it.
RAW_MATH = re.compile(r"\\\(|\\\[|\$[^\s$][^$]*?(?<=[^\s$])\$")


def source_pages() -> list[str]:
    """The URL path each source page should have in the built site."""
    docs = ROOT / "docs"
    paths = []
    for src in sorted([*docs.rglob("*.md"), *(docs / "notebooks").glob("*.py")]):
        rel = src.relative_to(docs).with_suffix("")
        paths.append("" if rel.as_posix() == "index" else rel.as_posix().removesuffix("/index") + "/")
    return paths


def yaml_site_url() -> str:
    """site_url from mkdocs.yml, read as text (the file has YAML tags a plain loader rejects)."""
    match = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(), re.M)
    assert match, "mkdocs.yml sets no site_url"
    return match[1].rstrip("/") + "/"


def offsite(visits) -> list[str]:
    """Every request of every visit that went anywhere but the 127.0.0.1 server."""
    return [f"{path or '/'}: {url}" for path, v in visits.items() for url in v.outside]


def test_every_page_is_visited(built_site, site_visits):
    assert set(source_pages()) <= set(site_visits), "a source page is missing from the built site"
    assert set(site_pages(built_site)) == set(site_visits)
    visits = sorted(site_visits.items())
    timings = {
        p or "/": {"load_ms": round(v.load_ms), "bytes": v.total_bytes, "phases_ms": v.phases_ms}
        for p, v in visits
    }
    (ROOT / "tests" / "artifacts" / "timings.json").write_text(json.dumps(timings, indent=2) + "\n")


def test_no_console_errors(site_visits):
    errors = [f"{p or '/'}: {e}" for p, v in site_visits.items() for e in v.console_errors]
    assert not errors, "\n".join(errors)


def test_no_request_leaves_the_site(site_visits):
    assert not offsite(site_visits), "\n".join(offsite(site_visits))
    for path, v in site_visits.items():
        hosts = {urlsplit(u).hostname for u in v.requests if urlsplit(u).scheme in ("http", "https")}
        assert hosts == {"127.0.0.1"}, f"{path or '/'}: requests went to {hosts}"


def test_the_offsite_check_catches_an_outside_request(browser, tmp_path):
    # A page that asks a CDN for a script and a font host for a stylesheet: the check must see both.
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>leaky</title>"
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="https://cdn.jsdelivr.net/npm/katex/dist/katex.min.js"></script><p>hi</p>'
    )
    with serve(tmp_path) as url:
        visits = {"": visit(browser, url, "", settle_on=None)}
    found = offsite(visits)
    assert any("fonts.googleapis.com" in f for f in found), found
    assert any("cdn.jsdelivr.net" in f for f in found), found


def test_generated_tables_are_visible(site_visits):
    hidden = [f"{p or '/'}: {t}" for p, v in site_visits.items() for t in v.dom["hidden_tables"]]
    assert not hidden, "tables a reader cannot see (hidden tab?):\n" + "\n".join(hidden)
    expected: dict[str, int] = {}
    for page, snippet, _ in embedded_snippets():
        path = "" if page == "index.md" else page.removesuffix(".md") + "/"
        expected[path] = expected.get(path, 0) + len(markdown_tables(golden_path(ROOT / snippet).read_text()))
    for path, count in expected.items():
        assert site_visits[path].dom["tables"] >= count, f"{path}: fewer tables shown than snippets print"


def test_the_visibility_check_sees_a_table_behind_an_unselected_tab(browser, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>tabs</title><article class="md-content__inner">'
        '<div style="display:none"><table><tr><th>in a hidden tab</th></tr></table></div>'
        "<details><summary>Answer</summary><table><tr><th>folded answer</th></tr></table></details>"
        '<svg role="img" aria-label="a plot of no size" width="0" height="0"></svg></article>'
    )
    with serve(tmp_path) as url:
        dom = visit(browser, url, "", settle_on=None).dom
    assert dom["hidden_tables"] == ["in a hidden tab"]
    assert dom["empty_svgs"] == ["a plot of no size"]


def test_math_is_rendered(site_visits):
    for path, v in site_visits.items():
        dom = v.dom
        assert not dom["unrendered"], f"{path or '/'}: math KaTeX did not render: {dom['unrendered']}"
        assert dom["katex"] >= dom["arithmatex"], f"{path or '/'}: fewer .katex than math spans"
        raw = RAW_MATH.findall(dom["text"])
        assert not raw, f"{path or '/'}: raw TeX in the text: {raw[:5]}"
    assert sum(v.dom["katex"] for v in site_visits.values()) > 0, "no page has rendered math at all"


def test_instant_navigation_renders_the_next_page(browser, site_url):
    # Material swaps pages in place; math and the Result-first tabs must follow without a reload.
    context = browser.new_context()
    # Material only navigates in place to URLs listed in sitemap.xml, which names the published
    # origin (site_url); serve the test origin in its place, as the published site would list itself.
    published = yaml_site_url()

    def local_sitemap(route):
        body = route.fetch().text().replace(published, site_url)
        route.fulfill(body=body, content_type="application/xml")

    context.route("**/sitemap.xml", local_sitemap)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        with page.expect_response("**/sitemap.xml"):  # instant navigation starts once it knows the pages
            page.goto(site_url)
        page.evaluate("window.__not_reloaded = true")
        page.locator(".md-footer__link--next").click()
        page.wait_for_url(lambda url: url != site_url)
        page.wait_for_function("document.querySelectorAll('article .katex').length > 0")
        assert page.evaluate("window.__not_reloaded === true"), "the click reloaded the page"
        picked = page.evaluate(SELECTED_TABS)
        assert picked and set(picked) == {"Result"}, picked
        assert not errors, errors
    finally:
        context.close()


def test_search_finds_a_chapter_offline(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    try:
        with page.expect_response("**/search/search_index.json"):
            page.goto(site_url)
        page.locator("input.md-search__input").click()
        page.keyboard.type("vanishing")  # Material searches on key events, which fill() does not send
        hits = page.locator(".md-search-result__item")
        hits.first.wait_for()
        assert hits.count() > 0
    finally:
        context.close()


def test_raw_math_pattern_catches_leftovers():
    assert RAW_MATH.search(r"the state \(h_t\) stays")
    assert RAW_MATH.search("a $h_t$ left over")
    assert not RAW_MATH.search("prices of $100 and $108 a share")


def test_images_and_plots_load(site_visits):
    for path, v in site_visits.items():
        assert not v.failed, f"{path or '/'}: failed requests: {v.failed}"
        broken = v.dom["broken_images"]
        assert not broken, f"{path or '/'}: images that did not load: {broken}"
        assert not v.dom["empty_svgs"], f"{path or '/'}: plots drawn with no size: {v.dom['empty_svgs']}"


def test_copy_button_copies_the_snippet_file(site_visits):
    # Each page's visit pressed every titled block's copy button and read the clipboard back.
    problems = []
    for doc, snippet, _ in embedded_snippets():
        path = "" if doc == "index.md" else doc.removesuffix(".md") + "/"
        copied = site_visits[path].copied.get(snippet, f"(no code block titled {snippet})")
        # Material drops the final newline (a line terminator, not code); nothing else may differ.
        if copied != (ROOT / snippet).read_text().removesuffix("\n"):
            problems.append(f"{path or '/'}: copying {snippet} gave:\n{copied}")
    assert not problems, "\n".join(problems)
