"""Page weight: what a reader's browser downloads for one page, cold, with everything it loads.

The bytes are the response bodies the headless browser received (see sitecheck.visit): the HTML,
CSS, JS, fonts and images it actually requested, search index included. The local server does not
compress, so this is an upper bound on what GitHub Pages (gzip) sends.
"""

from __future__ import annotations

from urllib.parse import urlsplit

BUDGET = 1_500_000  # bytes, the 1.5 MB for the heaviest page


def _kind(url: str) -> str:
    path = urlsplit(url).path
    for ext, kind in ((".css", "css"), (".js", "js"), (".woff2", "font"), (".json", "search")):
        if path.endswith(ext):
            return kind
    return "html" if path.endswith("/") or path.endswith(".html") else "other"


def test_heaviest_page_is_within_budget(site_visits):
    path, heaviest = max(site_visits.items(), key=lambda item: item[1].total_bytes)
    top = sorted(heaviest.bytes_by_url.items(), key=lambda kv: -kv[1])[:5]
    detail = "\n".join(f"  {n:>9,} {url}" for url, n in top)
    assert heaviest.total_bytes <= BUDGET, f"{path or '/'} weighs {heaviest.total_bytes:,} bytes:\n{detail}"


def test_the_weight_counts_what_the_page_loads(built_site, site_visits):
    # The measure must see the page itself, its stylesheets, scripts and math fonts, byte for byte.
    math_pages = [v for v in site_visits.values() if v.dom["katex"]]
    assert math_pages, "no page with math to weigh"
    visit = math_pages[0]
    kinds = {_kind(url) for url in visit.bytes_by_url}
    assert {"html", "css", "js", "font"} <= kinds, kinds
    for url, n in visit.bytes_by_url.items():
        path = urlsplit(url).path.lstrip("/")
        on_disk = built_site / (path + "index.html" if path.endswith("/") or not path else path)
        if on_disk.is_file():
            assert n == on_disk.stat().st_size, f"{url}: counted {n} bytes of {on_disk.stat().st_size}"
