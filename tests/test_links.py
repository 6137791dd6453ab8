"""Every internal link and #anchor in the built HTML resolves, and a broken one fails the build.

MkDocs' strict ``validation`` checks the links written in Markdown; this also covers what it
cannot see: links in raw HTML, theme templates, notebook pages, and url() in the CSS we ship.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from test_site import _broken_project

from conftest import mkdocs_build

SITE_PATH = "/lstmgrad/"  # the path of site_url: absolute links (the 404 page uses them) start here
LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src")}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class _Page(HTMLParser):
    """The ids a page defines and the URLs it points at."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            elif (tag, name) in LINK_ATTRS and value is not None:
                self.links.append(value)


def _parse(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


def _target(site: Path, source: Path, url: str) -> tuple[Path, str] | None:
    """The file and fragment an internal URL lands on; None for outside links and data: URIs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return source, unquote(parts.fragment)
    if parts.path.startswith("/"):
        if not parts.path.startswith(SITE_PATH):
            return site / "__outside_the_site__" / parts.path.lstrip("/"), ""
        base, rel = site, parts.path[len(SITE_PATH) :]
    else:
        base, rel = source.parent, parts.path
    target = base / unquote(rel)
    if rel.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def link_problems(site: Path) -> list[str]:
    """Every internal href/src in the site's HTML (and url() in its CSS) that does not resolve."""
    site = site.resolve()
    pages = {p.resolve(): _parse(p) for p in site.rglob("*.html")}
    problems = []
    for page, parsed in sorted(pages.items()):
        for url in parsed.links:
            where = f"{page.relative_to(site)}: {url}"
            found = _target(site, page, url)
            if found is None:
                continue
            target, fragment = found
            target = target.resolve()
            if not target.is_file() or site not in target.parents:
                problems.append(f"{where} -> no such file")
            elif fragment and target.suffix == ".html" and fragment not in pages[target].ids:
                problems.append(f"{where} -> no #{fragment} on that page")
    for css in sorted(site.rglob("*.css")):
        for url in CSS_URL.findall(css.read_text(encoding="utf-8")):
            if url.startswith(("data:", "#")) or urlsplit(url).scheme:
                continue
            if not (css.parent / urlsplit(url).path).resolve().is_file():
                problems.append(f"{css.relative_to(site)}: url({url}) -> no such file")
    return problems


def test_every_internal_link_and_anchor_resolves(built_site):
    problems = link_problems(built_site)
    assert not problems, "\n".join(problems)


def test_link_check_catches_broken_links_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<h1 id="top">home</h1><a href="a/#here">ok</a>')
    (tmp_path / "a" / "index.html").write_text(
        '<h2 id="here">a</h2><a href="../">ok</a><a href="#here">ok</a>'
        '<a href="../b/">missing page</a><a href="#nowhere">missing anchor</a>'
        '<a href="../index.html#gone">missing anchor elsewhere</a><img src="plot.svg">'
        '<a href="https://example.org/#x">outside: not ours to check</a>'
    )
    (tmp_path / "style.css").write_text("@font-face{src:url(fonts/none.woff2)}")
    problems = link_problems(tmp_path)
    assert len(problems) == 5, problems
    for needle in ("../b/", "#nowhere", "#gone", "plot.svg", "fonts/none.woff2"):
        assert any(needle in p for p in problems), (needle, problems)


def test_broken_anchor_fails_the_build(tmp_path):
    config = _broken_project(tmp_path, 'print("fine")\n')
    page = tmp_path / "docs" / "index.md"
    page.write_text(page.read_text() + "\nSee [the missing part](#no-such-heading).\n")
    proc = mkdocs_build(config, tmp_path / "site", cwd=tmp_path)
    assert proc.returncode != 0
    assert "no-such-heading" in proc.stderr
