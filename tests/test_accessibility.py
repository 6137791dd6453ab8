"""Accessibility basics over the built site: plots carry alt text, tables have header rows, and no
two plotted series differ by colour alone."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from sitecheck import DARK, axe_violations, site_pages

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MATPLOTLIB_SVG = re.compile(r"<svg\b(?:(?!</svg>).)*?<g id=\"figure_1\">.*?</svg>", re.S)


class _Content(HTMLParser):
    """Plots, images and tables inside the page's article, with what a screen reader gets from them."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._stack: list[tuple[str, dict]] = []
        self._article = 0
        self._svg: dict | None = None  # the open top-level content <svg>: its attrs and its <title> text
        self._in_title = False
        self._table: dict | None = None

    def _decorative(self, own: dict) -> bool:
        """Hidden from screen readers, or a theme icon: nothing to describe."""
        for attrs in [a for _, a in self._stack] + [own]:
            if attrs.get("aria-hidden") == "true" or "md-icon" in (attrs.get("class") or "").split():
                return True
        return False

    def handle_starttag(self, tag, attrs_list):
        attrs = dict(attrs_list)
        if tag == "article":
            self._article += 1
        if self._article and tag == "svg" and self._svg is None and not self._decorative(attrs):
            self._svg = {"attrs": attrs, "title": ""}
        elif self._svg is not None and tag == "title" and not self._svg["title"]:
            self._in_title = True
        elif self._article and tag == "img" and not (attrs.get("alt") or "").strip():
            self.problems.append(f"<img src={(attrs.get('src') or '')[:60]!r}> has no alt text")
        elif self._article and tag == "table":
            self._table = {"header": False, "rows": 0}
        elif self._table is not None and tag == "tr":
            self._table["rows"] += 1
        elif self._table is not None and tag == "th" and self._table["rows"] == 1:
            self._table["header"] = True
        if tag not in ("img", "br", "hr", "input", "meta", "link", "use", "path"):
            self._stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs_list):
        self.handle_starttag(tag, attrs_list)
        self.handle_endtag(tag)

    def handle_data(self, data):
        if self._in_title and self._svg is not None:
            self._svg["title"] += data

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "svg" and self._svg is not None and self._stack and self._stack[-1][0] == "svg":
            attrs, title = self._svg["attrs"], self._svg["title"].strip()
            label = (attrs.get("aria-label") or "").strip() or title
            if attrs.get("role") != "img" or not label:
                self.problems.append(f'inline <svg> needs role="img" and an aria-label or <title>: {attrs}')
            self._svg = None
        elif tag == "table" and self._table is not None:
            if not self._table["header"]:
                self.problems.append("a table without a header row (<th> in its first row)")
            self._table = None
        elif tag == "article":
            self._article -= 1
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break


def content_problems(html: str) -> list[str]:
    parser = _Content()
    parser.feed(html)
    return parser.problems


def colour_only_series(svg: str) -> list[str]:
    """Pairs of plotted series (matplotlib SVG) that look the same once colour is taken away."""
    root = ET.fromstring(svg)
    # Marker shapes live in <defs> (shape and colour), wherever matplotlib first drew them.
    defs = {p.get("id"): p for p in root.iter(f"{SVG}path") if p.get("id")}
    found = []
    for axes in root.iter(f"{SVG}g"):
        if not (axes.get("id") or "").startswith("axes_"):
            continue
        series = []  # (colours, look without colour, name) for each data line drawn directly in the axes
        for line in axes.findall(f"{SVG}g"):
            gid = line.get("id") or ""
            if not gid.startswith(("line2d_", "PathCollection_")):
                continue
            drawn = [p for p in line.findall(f"{SVG}path") if not p.get("id")]  # the line itself
            style = " ".join(p.get("style", "") for p in drawn)
            uses = [u.get(XLINK_HREF, "").lstrip("#") for u in line.iter(f"{SVG}use")]
            marker = defs.get(uses[0]) if uses else None
            shape = " ".join(marker.get("d", "").split()) if marker is not None else ""
            if not drawn and re.fullmatch(r"M [-\d.]+ [-\d.]+ L [-\d.]+ [-\d.]+", shape):
                continue  # error-bar caps: marker-only ticks that belong to the series they bracket
            if marker is not None:
                style += " " + marker.get("style", "")
            colours = tuple(sorted(set(re.findall(r"(?:stroke|fill): (#[0-9a-f]{6})", style))))
            dash = re.search(r"stroke-dasharray: ([^;\"]+)", style)
            stroke = dash.group(1).strip() if dash else "solid" if drawn else "none"
            series.append((colours, (stroke, shape), gid))
        for i, (c1, look1, g1) in enumerate(series):
            for c2, look2, g2 in series[i + 1 :]:
                if c1 != c2 and look1 == look2:
                    found.append(f"{axes.get('id')}: {g1} and {g2} differ only in colour")
    return found


def _pages(site: Path) -> list[tuple[str, str]]:
    return [(p or "/", (site / p / "index.html").read_text(encoding="utf-8")) for p in site_pages(site)]


def test_plots_have_alt_text_and_tables_have_headers(built_site):
    problems = [f"{path}: {p}" for path, html in _pages(built_site) for p in content_problems(html)]
    assert not problems, "\n".join(problems)


def test_colour_is_not_the_only_difference_between_series(built_site):
    problems = [
        f"{path}: {p}"
        for path, html in _pages(built_site)
        for svg in MATPLOTLIB_SVG.findall(html)
        for p in colour_only_series(svg)
    ]
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_look_for():
    bad = (
        '<article><svg viewBox="0 0 1 1"><path d="M0 0"/></svg><img src="plot.png">'
        "<table><tr><td>1</td></tr></table>"
        '<a class="md-icon"><svg viewBox="0 0 1 1"></svg></a></article>'
    )
    assert len(content_problems(bad)) == 3, content_problems(bad)
    good = (
        '<article><svg role="img" aria-label="a plot"></svg><svg role="img"><title>t</title></svg>'
        '<img src="p.png" alt="a plot"><table><thead><tr><th>t</th></tr></thead></table></article>'
    )
    assert content_problems(good) == []


def test_the_colour_check_sees_two_lines_told_apart_by_colour_only():
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt

    def svg_of(styles):
        fig, ax = plt.subplots()
        for k, style in enumerate(styles):
            ax.plot([0, 1], [k, k + 1], **style)
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
        return buf.getvalue()

    assert colour_only_series(svg_of([{"color": "C0"}, {"color": "C1"}]))
    assert not colour_only_series(svg_of([{"color": "C0"}, {"color": "C1", "linestyle": "--"}]))
    assert not colour_only_series(svg_of([{"color": "C0", "marker": "o"}, {"color": "C1", "marker": "s"}]))
    # Error bars add same-looking caps in each colour; the series themselves still differ.
    fig, ax = plt.subplots()
    ax.errorbar([0, 1], [0, 1], yerr=0.1, capsize=3, color="C0", linestyle=":", marker="o")
    ax.errorbar([0, 1], [1, 2], yerr=0.1, capsize=3, color="C1", linestyle="-", marker="s")
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    assert not colour_only_series(buf.getvalue())


def test_axe_finds_no_serious_violation_on_any_page(site_visits):
    """Every page in the light palette as it opened, and the pages with explorables in the dark one
    (axe-core ran in each page's visit, sitecheck.site_visit)."""
    problems = [
        f"{scheme} {path or '/'}: {violation}"
        for path, v in sorted(site_visits.items())
        for scheme, found in v.axe.items()
        for violation in found
    ]
    assert not problems, "\n".join(problems)
    unchecked = [p or "/" for p, v in site_visits.items() if "light" not in v.axe]
    unchecked += [f"{p} (dark)" for p in DARK if "dark" not in site_visits[p].axe]
    unchecked += [
        f"{p} (dark: {v.dom.get('dark_scheme')})"
        for p in DARK
        if (v := site_visits[p]).dom.get("dark_scheme", "slate") != "slate"
    ]
    assert not unchecked, f"axe did not run on: {unchecked}"


def test_axe_catches_a_serious_violation(browser, tmp_path):
    from sitecheck import serve

    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>bad</title><main><img src="x.png">'
        '<p style="color:#777;background:#888">low contrast</p></main></html>'
    )
    context = browser.new_context()
    try:
        page = context.new_page()
        with serve(tmp_path) as url:
            page.goto(url, wait_until="load")
            found = " ".join(axe_violations(page))
    finally:
        context.close()
    assert "image-alt" in found and "color-contrast" in found, found
