"""The explorables (docs/javascripts/explorable.js) against the package, in headless Chromium.

The page's script is a browser copy of `lstmgrad.models.rnn.bptt_steps` and
`lstmgrad.studies.article.lstm_path_rows`.
These tests move its controls as a reader would (setting a value and sending the input event a
slider sends) and compare every number it shows with what ``lstmgrad bptt`` and ``lstmgrad lstm``
print for the same inputs, string for string, at the precision shown. One page load serves many
cases. The diagrams (lstmgrad/present/diagrams.py) are checked here too, without a browser.
"""

from __future__ import annotations

import json
import random
import statistics
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from test_article_bptt import ARTICLE_CUMULATIVE, ARTICLE_LOCAL
from test_browser import yaml_site_url
from test_site import markdown_tables

from conftest import ROOT
from lstmgrad.cli import run
from lstmgrad.present.diagrams import lstm_cell_svg, unrolled_rnn_svg
from lstmgrad.present.explorable import bptt_explorable, lstm_explorable
from lstmgrad.present.tables import bptt_table, lstm_path_table
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, ANCHOR_WEIGHTS, repeated_sequence
from snippets import golden_path

SVG = "{http://www.w3.org/2000/svg}"
ANCHOR = "100,102,105,103,108"

# Set every control of the BPTT explorable for each case, as a reader's input events would, and read
# back what the page shows: the controls' values, both tables, and the summary line.
BPTT_CASES = """(cases) => {
  const root = document.querySelector("[data-explorable=bptt]");
  const control = (name) => [...root.querySelectorAll("label")]
    .find((l) => l.textContent.startsWith(name)).control;
  const set = (input, value) => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const rows = (name) => `table[data-table=${name}] tbody tr:not(.explorable__spacer)`;
  const read = (name) => [...root.querySelectorAll(rows(name))]
    .map((r) => [...r.cells].map((c) => c.textContent));
  return cases.map((c) => {
    if (c.sequence !== undefined) {  // a case without values reads the page as it is
      set(control("sequence"), c.sequence);
      set(control("repeat to length T"), String(c.T));
      set(control("W_h"), c.wh);
      set(control("W_x"), c.wx);
      set(control("b"), c.b);
    }
    return {
      wh: control("W_h").value, wx: control("W_x").value, b: control("b").value,
      forward: read("forward"), bptt: read("bptt"),
      chain: root.querySelector("[data-value=chain]").textContent,
      first: root.querySelector("[data-value=first]").textContent,
      underflow: (root.querySelector("[data-value=underflow]") || { dataset: {} }).dataset.k || null,
      plotUnderflow: (root.querySelector("svg [data-underflow]") || { dataset: {} }).dataset.underflow
        || null,
      widths: [...root.querySelectorAll(".explorable__chain svg > .explorable__grad")]
        .map((l) => +l.getAttribute("stroke-width")),
      message: root.querySelector(".explorable__message").textContent,
    };
  });
}"""

LSTM_CASES = """(cases) => {
  const root = document.querySelector("[data-explorable=lstm]");
  const control = (name) => [...root.querySelectorAll("label")]
    .find((l) => l.textContent.startsWith(name)).control;
  const set = (input, value) => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  return cases.map((c) => {
    set(control("days T"), String(c.T));
    set(control("b_f"), c.bf);
    if (c.wh !== undefined) set(control("W_h"), c.wh);
    if (c.wx !== undefined) set(control("W_x"), c.wx);
    return {
      bf: control("b_f").value, wh: control("W_h").value, wx: control("W_x").value,
      rows: [...root.querySelectorAll("table[data-table=lstm] tbody tr")]
        .map((r) => [...r.cells].map((c) => c.textContent)),
      rnn: root.querySelector("[data-value=rnn]").textContent,
      cell: root.querySelector("[data-value=cell]").textContent,
      underflow: (root.querySelector("[data-value=underflow]") || { dataset: {} }).dataset.k || null,
    };
  });
}"""

# True once the last row shown of the forward and the BPTT table has the given t.
LAST_ROWS_ARE = """(ts) => ["forward", "bptt"].every((name, i) => {
  const rows = document.querySelectorAll(`[data-explorable=bptt] table[data-table=${name}] tbody tr`);
  return rows[rows.length - 1].cells[0].textContent === ts[i];
})"""

# Redraw time: one input event on the W_h slider, through the DOM update and the layout it forces.
REDRAW_MS = """(n) => {
  const root = document.querySelector("[data-explorable=bptt]");
  const wh = [...root.querySelectorAll("label")].find((l) => l.textContent === "W_h").control;
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    wh.value = i % 2 ? "0.5" : "0.6";
    wh.dispatchEvent(new Event("input", { bubbles: true }));
    void root.offsetHeight;  // style and layout of the new tables and drawings
    times.push(performance.now() - t0);
  }
  wh.value = "0.5";  // back where it started
  wh.dispatchEvent(new Event("input", { bubbles: true }));
  return times;
}"""


@pytest.fixture(scope="module")
def open_page(browser, site_url):
    """Open a page of the built site in a fresh context; collects console errors and outside requests."""
    contexts, problems = [], []

    def opener(path: str, mounted: bool = True, instant: bool = False, **context_args):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_args)
        contexts.append(context)
        origin = urlsplit(site_url).netloc

        def route(r):
            if urlsplit(r.request.url).netloc == origin or urlsplit(r.request.url).scheme in ("data", "blob"):
                r.continue_()
            else:
                problems.append(f"request left the site: {r.request.url}")
                r.abort()

        context.route("**/*", route)
        if instant:
            # Material only navigates in place to pages its sitemap lists, under the published origin;
            # serve the test origin in its place, as in test_browser.py
            published = yaml_site_url()

            def local_sitemap(r):
                r.fulfill(body=r.fetch().text().replace(published, site_url), content_type="application/xml")

            context.route("**/sitemap.xml", local_sitemap)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"{path}: console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"{path}: uncaught: {e}"))
        if instant:
            with page.expect_response("**/sitemap.xml"):  # instant navigation starts once it knows the pages
                page.goto(site_url + path, wait_until="load")
        else:
            page.goto(site_url + path, wait_until="load")
        if mounted:
            page.wait_for_selector("[data-explorable][data-mounted] table tbody tr")
        return page

    opener.problems = problems  # type: ignore[attr-defined]
    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def bptt_page(open_page):
    return open_page("bptt/")


LSTM_T = "document.querySelector('[data-explorable=lstm] input[type=number][id$=-T]').value"


@pytest.fixture(scope="module")
def lstm_page(open_page):
    """The LSTM chapter, loaded once for the module (each test sets the sliders it reads); the
    length T it opened at is kept before any test moves it."""
    page = open_page("lstm/")
    page.lstmgrad_opened_T = page.evaluate(LSTM_T)  # type: ignore[attr-defined]
    return page


def cli_bptt(sequence: list[float], wh: str, wx: str, b: str, as_json: bool = False):
    """Rows of ``lstmgrad bptt`` (t = T first): t, x_t, z_t, h_t, local, cumulative; or its --json steps."""
    seq = ",".join(repr(v) for v in sequence)
    argv = ["bptt", f"--sequence={seq}", f"--wh={wh}", f"--wx={wx}", f"--b={b}"]
    if as_json:
        return json.loads(run([*argv, "--json"]))["steps"]
    (table,) = markdown_tables(run(argv))
    return table[1:]


def expected_bptt(case: dict, shown: dict) -> tuple[list[list[str]], list[list[str]], str]:
    """What the explorable should show for ``case``, with the weights as the sliders hold them."""
    rows = cli_bptt(case_inputs(case), shown["wh"], shown["wx"], shown["b"])
    forward = [row[:4] for row in reversed(rows)]
    bptt = [[row[0], row[4], row[5]] for row in rows]
    steps = cli_bptt(case_inputs(case), shown["wh"], shown["wx"], shown["b"], as_json=True)
    return forward, bptt, f"{steps[0]['cumulative']:.2e}"


def case_inputs(case: dict) -> list[float]:
    return repeated_sequence(case["T"], [float(v) for v in case["sequence"].replace(",", " ").split()])


# Where tanh saturates, 1 - h_t^2 cancels: a one-ulp difference between numpy's tanh and the browser's
# Math.tanh (both within 1 ulp of the truth) then moves the local factor, and every product through it,
# by far more than one ulp. The relative condition number of 1 - h^2 with respect to h is
# 2h^2 / (1 - h^2); a product sums its factors' conditions. Where that bound, at a few ulps, is below a
# thousandth of the last digit shown, the page must print exactly what lstmgrad prints.
ULPS = 8 * 2.0**-53


def _half_unit(shown: str) -> float:
    """Half a unit in the last digit of ``shown`` ('0.0854' -> 5e-5, '3.89e-36' -> 5e-39)."""
    mantissa, _, exponent = shown.lstrip("-").partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def float_bounds(steps: list[dict]) -> dict[int, tuple[float, float]]:
    """Per step t: how far float64 rounding of tanh alone can move local_t and cumulative_t (absolute)."""
    bounds, total = {}, 0.0
    for s in reversed(steps):
        slope = 1.0 - s["h"] ** 2
        cond = 1.0 + (2 * s["h"] ** 2 / slope if slope > 0 else float("inf"))
        total += cond
        bounds[s["t"]] = (ULPS * cond * abs(s["local"]), ULPS * total * abs(s["cumulative"]))
    return bounds


def _agree(shown: str, printed: str, exact: float, bound: float) -> bool:
    if shown == printed:
        return True
    half = _half_unit(printed)
    if not bound >= 1e-3 * half:  # well-conditioned (or nan): the digits are determined, so must match
        return False
    return abs(float(shown) - exact) <= half + bound


def check_bptt_cases(page, cases: list[dict]) -> list[str]:
    """Compare every cell the page shows with lstmgrad's; returns the cells that differ only within
    float64's own uncertainty (see ULPS)."""
    shown_all = page.evaluate(BPTT_CASES, cases)
    problems, tolerated = [], []
    for case, shown in zip(cases, shown_all, strict=True):
        forward, bptt, chain = expected_bptt(case, shown)
        steps = cli_bptt(case_inputs(case), shown["wh"], shown["wx"], shown["b"], as_json=True)
        bounds = float_bounds(steps)
        label = f"{case} (sliders read W_h={shown['wh']}, W_x={shown['wx']}, b={shown['b']})"
        if shown["message"]:
            problems.append(f"{label}: message {shown['message']!r}")
        if len(shown["forward"]) != len(forward) or len(shown["bptt"]) != len(bptt):
            counts = f"{len(shown['forward'])} and {len(shown['bptt'])}"
            problems.append(f"{label}: the tables have {counts} rows, lstmgrad {len(forward)}")
        for want, got in zip(forward, shown["forward"], strict=False):
            if want != got:
                problems.append(f"{label}: forward row t={want[0]}: lstmgrad {want}, page {got}")
        for want, got in zip(bptt, shown["bptt"], strict=False):
            t = int(want[0])
            step, (local_bound, cum_bound) = steps[t - 1], bounds[t]
            ok = got[0] == want[0] and _agree(got[1], want[1], step["local"], local_bound)
            ok = ok and _agree(got[2], want[2], step["cumulative"], cum_bound)
            if not ok:
                problems.append(f"{label}: bptt row t={t}: lstmgrad {want}, page {got}")
            elif got != want:
                tolerated.append(f"{label}: t={t}: lstmgrad {want}, page {got}, bound {cum_bound:.1e}")
        if not _agree(shown["chain"], chain, steps[0]["cumulative"], bounds[1][1]):
            problems.append(f"{label}: summary says {shown['chain']}, lstmgrad {chain}")
        last = steps[-1]
        if not _agree(shown["first"], f"{last['cumulative']:.2e}", last["cumulative"], bounds[len(steps)][1]):
            problems.append(
                f"{label}: one step back says {shown['first']}, lstmgrad {last['cumulative']:.2e}"
            )
        want_under = underflow_k(steps)
        if str(want_under or None) != str(shown["underflow"]) or shown["plotUnderflow"] != shown["underflow"]:
            problems.append(
                f"{label}: underflow marked at {shown['underflow']} (plot {shown['plotUnderflow']}), "
                f"lstmgrad's products reach 0 at {want_under}"
            )
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:20])
    return tolerated


def underflow_k(steps: list[dict]) -> int | None:
    """The first k steps back where lstmgrad's product dh_T/dh_{T-k} is exactly 0 with no factor 0."""
    for k, s in enumerate(reversed(steps), start=1):
        if s["local"] == 0:
            return None
        if s["cumulative"] == 0:
            return k
    return None


def random_cases(n: int, seed: int = 14) -> list[dict]:
    """Random settings on the sliders' grids (W_h step 0.01, W_x 0.001, b 0.01) and random sequences."""
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        length = rng.randint(1, 12)
        if rng.random() < 0.5:
            values = [str(rng.randint(-200, 200)) for _ in range(length)]
        else:
            values = [f"{rng.uniform(-150, 150):.2f}" for _ in range(length)]
        T = length if rng.random() < 0.6 else rng.randint(1, 120)
        cases.append(
            {
                "sequence": ", ".join(values),
                "T": T,
                "wh": f"{rng.randint(-300, 300) / 100:g}",
                "wx": f"{rng.randint(-100, 100) / 1000:g}",
                "b": f"{rng.randint(-500, 500) / 100:g}",
            }
        )
    return cases


# The edges the issue names, and a few more: W_h = 0, negative weights, T = 100, saturated tanh
# (W_x x_t far beyond 3, so h_t = ±1 exactly and every factor 0), states near 0 (slope near 1),
# a chain that underflows 6 decimals (printed as 1.23e-07), and one-step sequences.
EDGE_CASES = [
    {"sequence": ANCHOR, "T": 5, "wh": "0", "wx": "0.01", "b": "0"},
    {"sequence": ANCHOR, "T": 5, "wh": "-0.5", "wx": "0.01", "b": "0"},
    {"sequence": ANCHOR, "T": 5, "wh": "-3", "wx": "-0.1", "b": "-5"},
    {"sequence": ANCHOR, "T": 5, "wh": "0.5", "wx": "-0.01", "b": "0"},
    {"sequence": ANCHOR, "T": 100, "wh": "0.5", "wx": "0.01", "b": "0"},
    {"sequence": ANCHOR, "T": 100, "wh": "-1.5", "wx": "0.01", "b": "0.3"},
    {"sequence": "1000, 2000, -3000, 5000", "T": 4, "wh": "1.5", "wx": "0.1", "b": "0"},
    {"sequence": "1000, 2000, -3000, 5000", "T": 4, "wh": "-1.5", "wx": "0.1", "b": "0"},
    {"sequence": "0, 0, 0, 0, 0, 0, 0, 0", "T": 8, "wh": "0.5", "wx": "0.01", "b": "0"},
    {"sequence": "0.5, -0.25, 0.125", "T": 3, "wh": "1", "wx": "0", "b": "0"},
    {"sequence": "1, 2, 3", "T": 40, "wh": "0.3", "wx": "0.001", "b": "0"},
    {"sequence": "100", "T": 1, "wh": "2", "wx": "0.02", "b": "-1"},
    {"sequence": "-50.5, 1e-3, 123456.789", "T": 3, "wh": "0.9", "wx": "0.001", "b": "0.01"},
]


# Chains of 100 to 1,000 steps underflow float64 in lstmgrad and in the page alike; lstmgrad says so.
UNDERFLOW_EXPECTED = pytest.mark.filterwarnings("ignore::lstmgrad.checks.UnderflowWarning")


def test_default_explorable_shows_the_articles_bptt_numbers(bptt_page):
    root = bptt_page.locator("[data-explorable=bptt]")
    rows = root.locator("table[data-table=bptt] tbody tr").all_inner_texts()
    shown = {r.split("\t")[0]: r.split("\t")[1:] for r in rows}
    assert shown == {str(t): [ARTICLE_LOCAL[t], ARTICLE_CUMULATIVE[t]] for t in range(1, 6)}


def test_w_h_slider_to_1_5_shows_what_lstmgrad_bptt_prints(bptt_page):
    bptt_page.evaluate(BPTT_CASES, [{"sequence": ANCHOR, "T": 5, "wh": "0.5", "wx": "0.01", "b": "0"}])
    slider = bptt_page.get_by_label("W_h", exact=True)
    assert slider.get_attribute("type") == "range"
    slider.fill("1.5")
    printed = run(["bptt", "--sequence", ANCHOR, "--wh", "1.5", "--wx", "0.01"])
    t1 = next(row for row in markdown_tables(printed)[0] if row[0] == "1")
    row = bptt_page.locator("table[data-table=bptt] tbody tr").last.inner_text().split("\t")
    assert row[0] == "1" and row[2] == t1[5], (row, t1)


def test_sliders_are_labelled_and_work_from_the_keyboard(bptt_page):
    bptt_page.evaluate(BPTT_CASES, [{"sequence": ANCHOR, "T": 5, "wh": "0.5", "wx": "0.01", "b": "0"}])
    for name in ("W_h", "W_x", "b"):
        assert bptt_page.get_by_label(name, exact=True).get_attribute("type") == "range", name
    slider = bptt_page.get_by_label("W_h", exact=True)
    slider.focus()
    bptt_page.keyboard.press("ArrowRight")
    assert slider.input_value() == "0.51"
    t1 = cli_bptt([100.0, 102.0, 105.0, 103.0, 108.0], "0.51", "0.01", "0")[-1]
    row = bptt_page.locator("table[data-table=bptt] tbody tr").last.inner_text().split("\t")
    assert row == [t1[0], t1[4], t1[5]]


@UNDERFLOW_EXPECTED
def test_edge_cases_match_lstmgrad(bptt_page):
    check_bptt_cases(bptt_page, EDGE_CASES)


@UNDERFLOW_EXPECTED
def test_fifty_random_cases_match_lstmgrad(bptt_page):
    tolerated = check_bptt_cases(bptt_page, random_cases(50))
    # Saturated cases may differ in the last digit, within float64's bound; most cells must match exactly.
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "explorable_tolerated.txt").write_text("\n".join(tolerated) + "\n")
    assert len(tolerated) < 100, "\n".join(tolerated[:20])


@UNDERFLOW_EXPECTED
def test_t_1000_marks_underflow_where_lstmgrad_finds_it(bptt_page):
    # the anchor's chain underflows float64 on the way back; the page says where, in the summary,
    # on the plot and on the strip, as lstmgrad finds it, and prints the chain as lstmgrad does
    case = {"sequence": ANCHOR, "T": 1000, "wh": "0.5", "wx": "0.01", "b": "0"}
    (shown,) = bptt_page.evaluate(BPTT_CASES, [case])
    steps = cli_bptt(case_inputs(case), "0.5", "0.01", "0", as_json=True)
    k = underflow_k(steps)
    assert k is not None and 1 < k < 1000, k
    assert shown["underflow"] == str(k) and shown["plotUnderflow"] == str(k), shown["underflow"]
    assert shown["chain"] == "0.00e+00" == f"{steps[0]['cumulative']:.2e}"
    assert bptt_page.locator("[data-explorable=bptt] .explorable__chain .explorable__underflow").count() == 1


@UNDERFLOW_EXPECTED
def test_redraw_for_a_thousand_steps_is_under_50_ms(bptt_page):
    case = {"sequence": ANCHOR, "T": 1000, "wh": "0.5", "wx": "0.01", "b": "0"}
    (shown,) = bptt_page.evaluate(BPTT_CASES, [case])
    times = bptt_page.evaluate(REDRAW_MS, 11)[1:]  # the first one warms the JIT up
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    record = {"T": 1000, "redraw_ms": times, "median_ms": statistics.median(times)}
    (artifacts / "explorable_redraw.json").write_text(json.dumps(record, indent=2) + "\n")
    bptt_page.screenshot(path=str(artifacts / "explorable_T1000.png"))
    assert statistics.median(times) < 50, f"redraw of T = 1000 took {times} ms"
    # A table this long keeps only the rows near its scroll box in the page: check those at the top,
    # then scroll both tables to the end and check the rows there (t = 1000 and t = 1).
    forward, bptt, chain = expected_bptt(case, shown)
    assert shown["chain"] == chain
    assert shown["forward"] and shown["forward"] == forward[: len(shown["forward"])]
    assert shown["bptt"] and shown["bptt"] == bptt[: len(shown["bptt"])]
    bptt_page.evaluate(
        "document.querySelectorAll('[data-explorable=bptt] .explorable__table')"
        ".forEach((w) => { w.scrollTop = w.scrollHeight; })"
    )
    bptt_page.wait_for_function(LAST_ROWS_ARE, arg=["1000", "1"])
    (end,) = bptt_page.evaluate(BPTT_CASES, [{}])
    assert end["forward"] == forward[-len(end["forward"]) :]
    assert end["bptt"] == bptt[-len(end["bptt"]) :]


# Exact ties (JavaScript rounds them away from zero, Python to even), signed zeros, the edges of
# 6 decimals and of "g"'s switch to scientific notation, and large and non-finite values.
FORMAT_VALUES = [
    0.03125,
    0.0078125,
    -0.0078125,
    0.125,
    2.5,
    0.5,
    1.5,
    -0.0,
    0.0,
    1e-7,
    4.9999e-7,
    5e-7,
    5.000001e-7,
    1.005,
    9.995,
    0.00015,
    123456.5,
    999999.5,
    1e-5,
    0.0001,
    0.00009999995,
    1e16,
    1.25e22,
    3.125e-40,
    5e-324,
    -2.5e300,
    float("inf"),
    float("-inf"),
    float("nan"),
]


def test_numbers_are_formatted_as_python_formats_them(bptt_page):
    shown = bptt_page.evaluate(
        """(values) => values.map((v) => { const E = window.lstmgradExplorable;
          return [E.fixed(v, 4), E.fixed(v, 6), E.expo(v, 2), E.expo(v, 5), E.general(v)]; })""",
        FORMAT_VALUES,  # Playwright carries -0.0, inf and nan across as themselves
    )
    wrong = [
        f"{v!r}: page {got}, Python {want}"
        for v, got in zip(FORMAT_VALUES, shown, strict=True)
        if got != (want := [f"{v:.4f}", f"{v:.6f}", f"{v:.2e}", f"{v:.5e}", f"{v:g}"])
    ]
    assert not wrong, "\n".join(wrong)


@UNDERFLOW_EXPECTED
def test_lstm_explorable_matches_lstmgrad_lstm(lstm_page):
    page = lstm_page
    assert page.lstmgrad_opened_T == "90", "the LSTM explorable opens at T = 90"
    (start,) = page.evaluate(LSTM_CASES, [{"bf": "2", "T": 5}])
    assert start["rows"][-1] == ["5", "0.2100", "1.65e-05", "0.9526", "8.31e-01"]  # the worked example
    rng = random.Random(14)
    cases = [{"bf": bf, "T": T} for bf, T in (("2", 5), ("2", 90), ("-4", 90), ("0", 1), ("6", 1000))]
    cases += [{"bf": "-2.4", "T": 90}, {"bf": "-3", "T": 90, "wh": "1.5", "wx": "0.001"}]
    cases += [{"bf": "2", "T": 1000, "wh": "0.5", "wx": "0.01"}]
    cases += [
        {
            "bf": f"{rng.randint(-40, 60) / 10:g}",
            "T": rng.randint(1, 200),
            "wh": f"{rng.randint(-300, 300) / 100:g}",
            "wx": f"{rng.randint(-100, 100) / 1000:g}",
        }
        for _ in range(10)
    ]
    shown_all = page.evaluate(LSTM_CASES, cases)
    for case, shown in zip(cases, shown_all, strict=True):
        T = case["T"]
        lags = [k for k in (1, 2, 5, 10, 20, 30, 45, 60, 90, 100, 200, 500, 1000) if k < T] + [T]
        seq = ",".join(repr(v) for v in repeated_sequence(T))
        weights = [
            f"--wh={shown['wh']}",
            f"--wx={shown['wx']}",
            f"--lstm-wh={shown['wh']}",
            f"--lstm-wx={shown['wx']}",
        ]
        steps = json.loads(run(["lstm", f"--sequence={seq}", f"--bf={shown['bf']}", *weights, "--json"]))[
            "steps"
        ]
        want = [
            [
                str(k),
                f"{s['rnn_local']:.4f}",
                f"{s['rnn_chain']:.2e}",
                f"{s['f']:.4f}",
                f"{s['cell_path']:.2e}",
            ]
            for k in lags
            for s in [steps[T - k]]
        ]
        label = f"b_f = {shown['bf']}, W_h = {shown['wh']}, W_x = {shown['wx']}, T = {T}"
        assert shown["rows"] == want, label
        assert shown["rnn"] == f"{steps[0]['rnn_chain']:.2e}", label
        assert shown["cell"] == f"{steps[0]['cell_path']:.2e}", label
        rnn_k = underflow_k([{"local": s["rnn_local"], "cumulative": s["rnn_chain"]} for s in steps])
        cell_k = underflow_k([{"local": s["f"], "cumulative": s["cell_path"]} for s in steps])
        assert shown["underflow"] == (str(rnn_k or cell_k) if (rnn_k or cell_k) else None), label


def test_lstm_at_b_f_minus_2_4_prints_the_cell_path_in_significant_digits(lstm_page):
    page = lstm_page
    (shown,) = page.evaluate(LSTM_CASES, [{"bf": "-2.4", "T": 90, "wh": "0.5", "wx": "0.01"}])
    lag10 = next(r for r in shown["rows"] if r[0] == "10")
    assert lag10[4] != "0.0000" and "e-" in lag10[4], (
        lag10
    )  # no longer printed as 0 beside the RNN's 4.55e-11


def test_presets_set_the_cases_the_prose_discusses(bptt_page, lstm_page):
    bptt_page.evaluate(BPTT_CASES, [{"sequence": ANCHOR, "T": 5, "wh": "0.5", "wx": "0.01", "b": "0"}])
    bptt_page.get_by_role("button", name="W_h = 1.5").click()
    (shown,) = bptt_page.evaluate(BPTT_CASES, [{}])
    assert shown["wh"] == "1.5"
    assert (
        shown["chain"]
        == f"{cli_bptt(list(ANCHOR_SEQUENCE), '1.5', '0.01', '0', as_json=True)[0]['cumulative']:.2e}"
    )
    bptt_page.get_by_role("button", name="W_x near 0").click()
    assert bptt_page.evaluate(BPTT_CASES, [{}])[0]["wx"] == "0.001"
    # the number box beside a slider holds its value, and typing into it moves the slider
    box = bptt_page.get_by_label("W_h (number)")
    assert box.input_value() == "1.5"
    box.fill("0.7")
    box.dispatch_event("change")
    assert bptt_page.get_by_label("W_h", exact=True).input_value() == "0.7"
    lstm = lstm_page
    lstm.get_by_role("button", name="b_f = −3").click()
    assert lstm.get_by_label("b_f", exact=True).input_value() == "-3"


@UNDERFLOW_EXPECTED
def test_the_strip_thins_visibly_at_t_90(bptt_page):
    # widths on a log scale: at T = 90 the arrows span the full range, the thinnest a twelfth of the seed
    (shown,) = bptt_page.evaluate(
        BPTT_CASES, [{"sequence": ANCHOR, "T": 90, "wh": "0.5", "wx": "0.01", "b": "0"}]
    )
    widths = shown["widths"]
    assert len(widths) == 91, len(widths)  # the seed and one arrow per step
    assert widths[0] == 12 and min(widths) <= 1.5 and sorted(widths, reverse=True) == widths, widths[:5]
    steps = cli_bptt(case_inputs({"sequence": ANCHOR, "T": 90}), "0.5", "0.01", "0", as_json=True)
    import math

    logs = [math.log10(abs(s["cumulative"])) for s in reversed(steps)]  # t = T first, as drawn
    lo, hi = math.floor(min(logs)), 0
    want = [1 + 11 * (v - lo) / (hi - lo) for v in logs]
    assert all(abs(w - round(x, 3)) < 2e-3 for w, x in zip(widths[1:], want, strict=True))


def test_dark_palette_and_instant_navigation(open_page, site_url):
    page = open_page("forward-pass/", mounted=False, instant=True, color_scheme="dark")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    page.evaluate("window.__not_reloaded = true")
    page.locator(".md-footer__link--next").click()
    # the next page's explorable, mounted: a selector wait survives either kind of navigation
    page.wait_for_selector("[data-explorable=bptt][data-mounted] table[data-table=bptt] tbody tr")
    # (navigation.tracking may add the anchor of the heading in view, so compare the path only)
    assert urlsplit(page.url).path == "/bptt/", page.url
    assert page.evaluate("window.__not_reloaded === true"), "the click reloaded the page"
    colours = page.evaluate(
        """() => {
      const root = document.querySelector("[data-explorable=bptt]");
      const lum = (c) => {
        const [r, g, b] = c.match(/[\\d.]+/g).map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      };
      return {
        page: lum(getComputedStyle(document.body).backgroundColor),
        cell: lum(getComputedStyle(root.querySelector("td")).color),
        tick: lum(getComputedStyle(root.querySelector(".explorable__tick")).fill),
        svg: getComputedStyle(root.querySelector("svg")).backgroundColor,
      };
    }"""
    )
    assert colours["page"] < 0.3 and colours["cell"] > 0.6 and colours["tick"] > 0.5, colours
    assert colours["svg"] in ("rgba(0, 0, 0, 0)", "transparent"), colours
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "explorable_dark.png"), full_page=False)


def test_no_console_errors_and_no_request_leaves_the_site(open_page, bptt_page, lstm_page):
    # every page these tests opened, and every slider they moved on it, with no console error
    assert not open_page.problems, "\n".join(open_page.problems)


# ---- the mount points and the diagrams, without a browser ---------------------------------------


class _Data(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "div" and not self.attrs:
            self.attrs = {k: v or "" for k, v in attrs}


def _data(html: str) -> dict[str, str]:
    parser = _Data()
    parser.feed(html)
    return parser.attrs


def test_explorable_defaults_are_the_anchor():
    # The page's starting values come from the pinned snippet output, and are the anchor's.
    attrs = _data(golden_path(ROOT / "snippets/bptt_explorable.py").read_text())
    assert [float(v) for v in attrs["data-sequence"].split(",")] == list(ANCHOR_SEQUENCE)
    assert float(attrs["data-w-h"]) == ANCHOR_WEIGHTS["W_h"]
    assert float(attrs["data-w-x"]) == ANCHOR_WEIGHTS["W_x"]
    assert float(attrs["data-b"]) == ANCHOR_WEIGHTS["b"]
    lstm = _data(golden_path(ROOT / "snippets/lstm_explorable.py").read_text())
    assert lstm["data-gate-biases"] == "0.0,2.0,0.0,0.0"
    assert _data(bptt_explorable())["data-explorable"] == "bptt"
    assert _data(lstm_explorable())["data-explorable"] == "lstm"


def test_javascript_and_python_name_each_other():
    js = (ROOT / "docs/javascripts/explorable.js").read_text()
    for name in (
        "lstmgrad.models.rnn.bptt_steps",
        "lstmgrad.studies.article.lstm_path_rows",
        "tests/test_explorable.py",
    ):
        assert name in js, name
    from lstmgrad.models import rnn
    from lstmgrad.studies import article

    assert "explorable.js" in (rnn.bptt_steps.__doc__ or "")
    assert "explorable.js" in (article.lstm_path_rows.__doc__ or "")


def _svg_labels(svg: str) -> dict[str, str]:
    root = ET.fromstring(svg)
    return {t.get("data-t"): (t.text or "") for t in root.iter(f"{SVG}text") if t.get("class") == "local"}


@pytest.mark.parametrize(
    "weights", [dict(W_h=0.5, W_x=0.01), dict(W_h=1.5, W_x=0.01), dict(W_h=-0.8, W_x=0.002, b=0.3)]
)
def test_unrolled_rnn_labels_are_the_bptt_tables_local_factors(weights):
    (table,) = markdown_tables(bptt_table(ANCHOR_SEQUENCE, **weights))
    local = {row[0]: row[1] for row in table[1:]}
    assert _svg_labels(unrolled_rnn_svg(ANCHOR_SEQUENCE, **weights)) == local


def test_the_pinned_unrolled_rnn_is_the_anchors():
    svg = golden_path(ROOT / "snippets/bptt_unrolled_svg.py").read_text()
    assert _svg_labels(svg) == {str(t): ARTICLE_LOCAL[t] for t in range(1, 6)}
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}title") is not None


def test_lstm_cell_marks_the_additive_path_and_states_the_worked_example():
    svg = lstm_cell_svg(ANCHOR_SEQUENCE, b_f=2.0)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
    assert [e for e in root.iter(f"{SVG}line") if e.get("class") == "cell-path"], "no cell-state path drawn"
    (example,) = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "example"]
    (table,) = markdown_tables(lstm_path_table(ANCHOR_SEQUENCE, b_f=2.0))
    row_t1 = next(row for row in table[1:] if row[0] == "1")
    assert example.endswith(f"Π fₜ = {row_t1[4]}"), (example, row_t1)
    assert svg == golden_path(ROOT / "snippets/lstm_cell_svg.py").read_text().rstrip("\n")


def test_lstm_explorable_refuses_settings_its_sliders_cannot_show():
    assert _data(lstm_explorable(T=90))["data-t"] == "90"
    assert _data(lstm_explorable(W_h=0.7))["data-lstm-w-h"] == "0.7"  # one slider drives both models
    for bad in (
        dict(W_h=0.5, lstm_w_h=0.6),
        dict(W_x=0.01, lstm_w_x=0.02),
        dict(T=0),
        dict(T=1001),
        dict(T=2.5),
    ):
        with pytest.raises(ValueError, match="lstm_explorable"):
            lstm_explorable(**bad)


# The loss block and the tanh curve of the BPTT explorable, read back after the sliders are set.
LOSS_READ = """(cases) => {
  const root = document.querySelector("[data-explorable=bptt]");
  const control = (name) => [...root.querySelectorAll("label")]
    .find((l) => l.textContent.startsWith(name)).control;
  const set = (input, value) => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const value = (name) => (root.querySelector(`[data-value="${name}"]`) || {}).textContent || null;
  return cases.map((c) => {
    set(control("sequence"), c.sequence);
    set(control("repeat to length T"), String(c.T));
    set(control("W_h"), c.wh);
    set(control("W_x"), c.wx);
    set(control("b"), c.b);
    const bars = (svg) => [...svg.querySelectorAll("[data-series]")].map((g) => ({
      key: g.dataset.series,
      bars: [...g.querySelectorAll("rect.explorable__bar")]
        .map((r) => [+r.dataset.t, r.dataset.value, +r.getAttribute("height")]),
      zeros: [...g.querySelectorAll("text[data-t]")].map((z) => [+z.dataset.t, z.dataset.value]),
    }));
    const figs = root.querySelectorAll(".explorable__loss .explorable__figure svg");
    const tanh = root.querySelector(".explorable__tanh svg");
    return {
      wh: control("W_h").value, wx: control("W_x").value, b: control("b").value,
      rows: [...root.querySelectorAll("table[data-table=loss] tbody tr:not(.explorable__spacer)")]
        .map((r) => [...r.cells].map((c) => c.textContent)),
      yHat: value("y-hat"), loss: value("loss"), ratio: value("ratio"),
      dW_h: value("dW_h"), dW_x: value("dW_x"),
      inputs: bars(figs[0]), terms: bars(figs[1]),
      dots: [...tanh.querySelectorAll("[data-series=tanh] circle")]
        .map((p) => [+p.dataset.t, p.dataset.z, +p.getAttribute("cx"), +p.getAttribute("cy")]),
      slopes: [...tanh.querySelectorAll("[data-series=slope] rect")].map((p) => [+p.dataset.t, p.dataset.z]),
    };
  });
}"""

LOSS_CASES = [
    {"sequence": ANCHOR, "T": 5, "wh": "0.5", "wx": "0.01", "b": "0"},
    {"sequence": ANCHOR, "T": 5, "wh": "1.5", "wx": "0.01", "b": "0"},
    {"sequence": ANCHOR, "T": 5, "wh": "0.5", "wx": "0.001", "b": "0"},
    {"sequence": ANCHOR, "T": 5, "wh": "-0.8", "wx": "-0.02", "b": "0.3"},
    {"sequence": ANCHOR, "T": 30, "wh": "0.9", "wx": "0.005", "b": "-0.5"},
    {"sequence": "1, -2, 3", "T": 3, "wh": "0", "wx": "0.1", "b": "0"},
    {"sequence": "0.5, -0.25, 0.125", "T": 12, "wh": "2", "wx": "0.05", "b": "1"},
]


def _e(v: float) -> str:
    return f"{v:.2e}"


@pytest.mark.parametrize("case", LOSS_CASES, ids=lambda c: f"T{c['T']}-wh{c['wh']}-wx{c['wx']}")
def test_loss_block_shows_what_loss_terms_computes(bptt_page, case):
    # every number of the loss block against lstmgrad.studies.loss_terms, at the sliders' values
    from lstmgrad.studies.loss_terms import loss_terms, term_ratio

    (shown,) = bptt_page.evaluate(LOSS_READ, [case])
    W_x = float(shown["wx"])
    terms = loss_terms(case_inputs(case), W_h=float(shown["wh"]), W_x=W_x, b=float(shown["b"]))
    want_rows = [[str(s.t), _e(s.dz * W_x), _e(s.W_h), _e(s.W_x)] for s in terms.steps]
    assert shown["rows"] == want_rows
    assert [shown["yHat"], shown["loss"]] == [_e(terms.y_hat), _e(terms.loss)]
    assert [shown["dW_h"], shown["dW_x"]] == [_e(terms.total("W_h")), _e(terms.total("W_x"))]
    if terms.steps[0].W_x != 0:
        assert shown["ratio"] == _e(term_ratio(terms, "W_x", near=terms.T, far=1))
    # one bar per nonzero value, labelled with it, taller for a larger |value| (a log scale keeps order)
    for got, key, values in [
        (shown["inputs"][0], "dx", [s.dz * W_x for s in terms.steps]),
        (shown["terms"][0], "W_h", [s.W_h for s in terms.steps]),
        (shown["terms"][1], "W_x", [s.W_x for s in terms.steps]),
    ]:
        assert got["key"] == key
        assert [(t, v) for t, v, _ in got["bars"]] == [
            (t, _e(v)) for t, v in enumerate(values, 1) if v != 0
        ], key
        assert all(h > 0 for _, _, h in got["bars"]), key
        by_size = sorted(got["bars"], key=lambda bar: abs(values[bar[0] - 1]))
        assert [h for _, _, h in by_size] == sorted(h for _, _, h in by_size), key
        if terms.T <= 20:
            assert [t for t, _ in got["zeros"]] == [t for t, v in enumerate(values, 1) if v == 0], key
    # the tanh curve: one point per step on tanh and on its slope, at the forward table's z_t
    zs = [f"{s.z:.4f}" for s in terms.steps]
    assert [(t, z) for t, z, _, _ in shown["dots"]] == list(enumerate(zs, 1))
    assert [(t, z) for t, z in shown["slopes"]] == list(enumerate(zs, 1))
    order = sorted(shown["dots"], key=lambda d: terms.steps[d[0] - 1].z)
    assert [d[2] for d in order] == sorted(d[2] for d in order)  # further right for a larger z_t
    # and higher (smaller cy) for a larger h_t = tanh(z_t)
    order = sorted(shown["dots"], key=lambda d: terms.steps[d[0] - 1].z)
    assert [-d[3] for d in order] == sorted(-d[3] for d in order)


def test_tanh_points_move_with_the_sliders(bptt_page):
    low, high = bptt_page.evaluate(
        LOSS_READ,
        [
            {"sequence": ANCHOR, "T": 5, "wh": "0.5", "wx": "0.001", "b": "0"},
            {"sequence": ANCHOR, "T": 5, "wh": "0.5", "wx": "0.02", "b": "0"},
        ],
    )
    # a larger W_x pushes every z_t = W_h h_{t-1} + W_x x_t to the right, up the curve
    assert all(b[2] > a[2] for a, b in zip(low["dots"], high["dots"], strict=True))
