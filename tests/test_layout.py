"""What a reader sees on every page, on a phone and by keyboard, in headless Chromium.

- Tabs are not linked: picking Source on one block leaves every other block on every page on its
  Result, after a reload too (the choice is not remembered).
- At 390 CSS px no page is wider than the viewport; figures keep their text at 9 px or more and
  scroll sideways in their own box; display math scrolls rather than being cut.
- Every control shows a focus ring when focused from the keyboard.
"""

from __future__ import annotations

from sitecheck import MIN_TEXT_PX, PHONE, serve, site_visit


def test_every_page_fits_a_phone_and_opens_on_its_results(site_visits):
    """Every page, reloaded at 390 px after "Source" was picked on its first Source/Result block
    (sitecheck.site_visit): it fits, its figures' text is 9 px or more, its equations scroll, and
    every block shows its Result again; and the pick moved that block alone."""
    problems = []
    for path, v in sorted(site_visits.items()):
        name, found = path or "/", v.phone
        if v.tabs_clicked and v.tabs_clicked.count("Source") != 1:
            problems.append(f"{name}: Source picked on one block showed on others: {v.tabs_clicked}")
        if found["width"] > PHONE["width"]:
            problems.append(f"{name}: the page is {found['width']} px wide at {PHONE['width']} px")
        problems += [f"{name}: text below {MIN_TEXT_PX} px: {s}" for s in found["small"]]
        problems += [f"{name}: equation cut off: {s}" for s in found["cut"]]
        if "Source" in found["tabs"]:
            problems.append(f"{name}: a block opened on Source after a pick and a reload: {found['tabs']}")
    assert not problems, "\n".join(problems)
    assert site_visits["bptt/"].tabs_clicked, "the BPTT page has no Source/Result block to pick Source on"


# A page that does all that the visit must catch: it is 600 px wide, its two Source/Result blocks are
# linked and the pick is remembered across a reload, its copy button copies the wrong text, and its
# image has no alt text.
BAD_PAGE = """<!doctype html><html lang="en"><title>bad</title><main><article class="md-content__inner">
<div style="width:600px">wide</div><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<div class="highlight"><span class="filename">demo.py</span><pre><code>print(1)</code></pre>
<button class="md-clipboard" onclick="navigator.clipboard.writeText('print(2)')">copy</button></div>
%s%s</article></main><script>
const sets = [...document.querySelectorAll(".tabbed-set")];
const pick = (name) => sets.forEach((set) => { set.querySelector(`input[value=${name}]`).checked = true; });
if (localStorage.getItem("tab")) pick(localStorage.getItem("tab"));
sets.forEach((set) => set.addEventListener("change", (e) => {
  localStorage.setItem("tab", e.target.value); pick(e.target.value); }));
</script></html>"""
TAB_SET = """<div class="tabbed-set"><input type="radio" name="%s" id="%s-s" value="Source">
<input type="radio" name="%s" id="%s-r" value="Result" checked><div class="tabbed-labels">
<label for="%s-s">Source</label><label for="%s-r">Result</label></div></div>"""


def test_the_visit_catches_a_wide_page_linked_tabs_a_wrong_copy_and_axe(browser, tmp_path):
    (tmp_path / "index.html").write_text(BAD_PAGE % (TAB_SET % (("a",) * 6), TAB_SET % (("b",) * 6)))
    with serve(tmp_path) as url:
        v = site_visit(browser, url, "", settle_on=None)
    assert v.phone["width"] >= 600, v.phone
    assert v.tabs_clicked == ["Source", "Source"], v.tabs_clicked  # linked
    assert "Source" in v.phone["tabs"], v.phone  # remembered after the reload at 390 px
    assert v.copied == {"demo.py": "print(2)"}, v.copied
    assert any(a.startswith("image-alt") for a in v.axe["light"]), v.axe


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
