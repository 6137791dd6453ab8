"""The built site: what a reader sees is what the tests pin, and the strict build fails loudly."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, mkdocs_build
from snippets import golden_path

# Fences may be indented (inside admonitions); the include line carries the same indent.
EXEC_FENCE = re.compile(
    r'^(?P<indent>[ \t]*)```python exec="on"(?P<opts>[^\n]*)\n(?P=indent)--8<-- "(?P<path>snippets/[^"]+)"\n',
    re.MULTILINE,
)


class _Tables(HTMLParser):
    """Collect the text of every <table> cell, table by table and row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(page: Path) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(page.read_text())
    return parser.tables


MD_BOLD = re.compile(r"\*\*(.+?)\*\*")
MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Cells of each Markdown table in ``text``, with links and bold reduced to their text, as a page
    shows them."""
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith("|"):
            raw = line.strip().strip("|").split("|")
            cells = [MD_BOLD.sub(r"\1", MD_LINK.sub(r"\1", c)).strip() for c in raw]
            if set("".join(cells)) <= set("-: "):
                continue
            if current is None:
                current = []
                tables.append(current)
            current.append(cells)
        else:
            current = None
    return tables


def embedded_snippets() -> list[tuple[str, str, str]]:
    """(page, snippet path, fence options) for every executed snippet in docs/."""
    found = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for m in EXEC_FENCE.finditer(page.read_text()):
            found.append((str(page.relative_to(ROOT / "docs")), m["path"], m["opts"]))
    return found


def test_every_snippet_is_embedded_with_its_path_as_title():
    # The title is what names the file when a snippet raises during the build.
    embedded = embedded_snippets()
    assert embedded, "no executed snippet found in docs/"
    for page, path, opts in embedded:
        assert f'title="{path}"' in opts, f'{page}: the fence for {path} needs title="{path}"'
    fences = sum(p.read_text().count('exec="on"') for p in (ROOT / "docs").rglob("*.md"))
    assert fences == len(embedded), "an exec fence does not embed a snippet with --8<-- on its next line"


def test_every_snippet_file_is_shown_on_a_page():
    shown = {path for _, path, _ in embedded_snippets()}
    unused = sorted(p.name for p in (ROOT / "snippets").glob("*.py") if f"snippets/{p.name}" not in shown)
    assert not unused, f"snippets not embedded in any page: {unused}"


@pytest.mark.parametrize(("page", "snippet"), [(p, s) for p, s, _ in embedded_snippets()])
def test_built_page_shows_the_pinned_tables(built_site, page, snippet):
    golden = golden_path(ROOT / snippet).read_text()
    expected = markdown_tables(golden)
    html = built_site / page.replace(".md", "/index.html").replace("index/index.html", "index.html")
    shown = html_tables(html)
    for table in expected:
        assert table in shown, f"{page}: the table from {snippet} is not on the built page:\n{table}"


def _broken_project(tmp_path: Path, snippet_body: str | None) -> Path:
    """A one-page project that inherits the real mkdocs.yml and embeds snippets/broken.py."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    # The theme's custom_dir and hooks are paths relative to the (inheriting) config file.
    (tmp_path / "overrides").symlink_to(ROOT / "overrides")
    if snippet_body is not None:
        (tmp_path / "snippets" / "broken.py").write_text(snippet_body)
    (tmp_path / "docs" / "index.md").write_text(
        '# Broken\n\n```python exec="on" source="tabbed-left" title="snippets/broken.py"\n'
        '--8<-- "snippets/broken.py"\n```\n'
    )
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: docs\nnav:\n  - index.md\nplugins:\n  - markdown-exec\n"
    )
    return config


def test_snippet_that_raises_fails_the_build_and_names_the_file(tmp_path):
    raises = "from lstmgrad.present.tables import forward_table\nprint(forward_table([]))\n"
    config = _broken_project(tmp_path, raises)
    proc = mkdocs_build(config, tmp_path / "site", cwd=tmp_path)
    assert proc.returncode != 0
    assert "snippets/broken.py" in proc.stderr
    assert "sequence is empty" in proc.stderr


def test_missing_snippet_fails_the_build_and_names_the_file(tmp_path):
    config = _broken_project(tmp_path, None)
    proc = mkdocs_build(config, tmp_path / "site", cwd=tmp_path)
    assert proc.returncode != 0
    assert "snippets/broken.py" in proc.stderr and "could not be found" in proc.stderr


def test_broken_internal_link_fails_the_build(tmp_path):
    config = _broken_project(tmp_path, 'print("fine")\n')
    page = tmp_path / "docs" / "index.md"
    page.write_text(page.read_text() + "\nSee [the next chapter](no-such-page.md).\n")
    proc = mkdocs_build(config, tmp_path / "site", cwd=tmp_path)
    assert proc.returncode != 0
    assert "no-such-page.md" in proc.stderr
