"""What a reader sees on every page, on a phone and by keyboard, in headless Chromium.

- Tabs are not linked: picking Source on one block leaves every other block on every page on its
  Result, after a reload too (the choice is not remembered).
- At 390 CSS px no page is wider than the viewport; figures keep their text at 9 px or more and
  scroll sideways in their own box; display math scrolls rather than being cut.
- Every control shows a focus ring when focused from the keyboard.
"""

from __future__ import annotations

from sitecheck import site_pages
from test_browser import SELECTED_TABS

PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 9

# Per page at phone width: the document's width, every SVG text rendered below 9 px, and every
# display equation that is wider than its box without scrolling.
PHONE_PROBE = """() => {
  const content = document.querySelector("article.md-content__inner") || document.body;
  const small = [];
  content.querySelectorAll("svg[role=img] text").forEach((t) => {
    const r = t.getBoundingClientRect();
    if (!(r.width > 0) || !t.textContent.trim()) return;
    const ctm = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    const name = t.ownerSVGElement.getAttribute("aria-label").slice(0, 50);
    if (px < 9 - 1e-6) small.push(`${name}: "${t.textContent.slice(0, 20)}" at ${px.toFixed(1)} px`);
  });
  const cut = [...content.querySelectorAll(".katex-display")].filter((d) =>
    d.scrollWidth > d.clientWidth + 1 && !["auto", "scroll"].includes(getComputedStyle(d).overflowX))
    .map((d) => d.textContent.slice(0, 40));
  return { width: document.documentElement.scrollWidth, small: small.slice(0, 5), cut };
}"""


def test_every_page_fits_a_phone_and_opens_on_its_results(built_site, site_url, browser):
    """One pass over every page at 390 px, after "Source" was clicked on one block of the BPTT page
    and the page reloaded: each page fits, its figures' text is 9 px or more, its equations scroll,
    and every Source/Result block but the one clicked (before the reload) shows its Result."""
    context = browser.new_context(viewport=PHONE, service_workers="block")
    problems = []
    try:
        page = context.new_page()
        page.goto(site_url + "bptt/", wait_until="load")
        page.locator(".tabbed-set").first.locator(".tabbed-labels > label", has_text="Source").click()
        picked = page.evaluate(SELECTED_TABS)
        # that block alone (the numpy/PyTorch twins' outer tabs are not Source/Result tabs)
        assert picked[0] == "Source" and set(picked[1:]) - {"numpy"} == {"Result"}, picked
        page.reload(wait_until="load")
        for path in site_pages(built_site):
            page.goto(site_url + path, wait_until="load")
            page.wait_for_function("document.fonts.status === 'loaded'")
            found = page.evaluate(PHONE_PROBE)
            name = path or "/"
            if found["width"] > PHONE["width"]:
                problems.append(f"{name}: the page is {found['width']} px wide at {PHONE['width']} px")
            problems += [f"{name}: text below {MIN_TEXT_PX} px: {s}" for s in found["small"]]
            problems += [f"{name}: equation cut off: {s}" for s in found["cut"]]
            picked = page.evaluate(SELECTED_TABS)
            if any(p == "Source" for p in picked):
                problems.append(f"{name}: a block opened on Source after one click elsewhere: {picked}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


# Tab to every control of the page and read its focus ring (the label's, for Material's tab inputs).
FOCUS_PROBE = """() => {
  const el = document.activeElement;
  let shown = el;
  if (el.matches(".tabbed-set > input")) {
    const inputs = [...el.parentElement.querySelectorAll(":scope > input")];
    shown = el.closest(".tabbed-set").querySelectorAll(".tabbed-labels > label")[inputs.indexOf(el)];
  }
  const s = getComputedStyle(shown);
  const ring = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  const glow = s.boxShadow && s.boxShadow !== "none";
  return { what: el.tagName + (el.id ? "#" + el.id : "") + "." + (el.className || ""),
           inArticle: !!el.closest("article"), ring: ring || !!glow };
}"""


def test_every_control_shows_a_focus_ring(site_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    missing = []
    try:
        page = context.new_page()
        for path in ("bptt/", "lstm/"):
            page.goto(site_url + path, wait_until="load")
            page.wait_for_selector("[data-explorable][data-mounted]")
            page.evaluate("document.querySelector('article h1').setAttribute('tabindex', '-1')")
            page.evaluate("document.querySelector('article h1').focus()")
            seen = 0
            for _ in range(400):
                page.keyboard.press("Tab")
                found = page.evaluate(FOCUS_PROBE)
                if not found["inArticle"]:
                    if seen:
                        break
                    continue
                seen += 1
                if not found["ring"]:
                    missing.append(f"{path}: {found['what']}")
            assert seen > 10, f"{path}: only {seen} controls reached by Tab"
    finally:
        context.close()
    assert not sorted(set(missing)), "controls with no focus ring:\n" + "\n".join(sorted(set(missing)))


def test_the_bptt_explorable_fits_a_phone_at_its_longest_sequence(site_url, browser):
    """The preset T = 1000 marks underflow in a sentence of the summary: it must wrap, not widen the page."""
    context = browser.new_context(viewport=PHONE, service_workers="block")
    try:
        page = context.new_page()
        page.goto(site_url + "bptt/", wait_until="load")
        page.wait_for_selector("[data-explorable][data-mounted]")
        page.locator("[data-explorable] button", has_text="T = 1000").first.click()
        page.wait_for_selector("[data-explorable] [data-value=underflow]")
        width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert width <= PHONE["width"], f"bptt/ at T = 1000 is {width} px wide at {PHONE['width']} px"
