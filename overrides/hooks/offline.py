"""MkDocs hook: pages stay offline, notebook math uses the site's one KaTeX path, links resolve.

mkdocs-jupyter renders notebooks with an nbconvert template that loads MathJax v2 and
mermaid from cdnjs and leaves an empty ``<script src="">``. This hook drops those blocks
and fails the build if anything of them is left. It also makes nbconvert wrap notebook
math the way pymdownx.arithmatex wraps Markdown math (``\\(..\\)`` / ``\\[..\\]`` inside
``.arithmatex``), so one KaTeX init script renders both and a literal ``\\$`` stays a dollar.
It points ``.md`` links that MkDocs leaves alone (in Markdown a snippet prints) at the built
pages. Last, it trims the ~570 kB of JupyterLab CSS inlined into every notebook page down
to the rules whose classes the page uses, which keeps notebook pages inside the weight budget.
"""

from __future__ import annotations

import posixpath
import re
from html import escape

from mkdocs.exceptions import PluginError
from nbconvert.filters.markdown_mistune import IPythonRenderer

_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_MERMAID = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.S)
_EXTERNAL = re.compile(r"cdnjs|mathjax|<script src=\"\"", re.I)
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_CLASS_ATTR = re.compile(r'class="([^"]*)"')
_CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_MD_HREF = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]+\.md)(#[^"]*)?"')
_VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")


def _inline_math(self: IPythonRenderer, body: str) -> str:
    return f'<span class="arithmatex">\\({escape(body, quote=False)}\\)</span>'


def _block_math(self: IPythonRenderer, body: str) -> str:
    return f'<span class="arithmatex">\\[{escape(body, quote=False)}\\]</span>'


def _latex_environment(self: IPythonRenderer, name: str, body: str) -> str:
    env = escape(name, quote=False)
    return _block_math(self, f"\\begin{{{env}}}{body}\\end{{{env}}}")


IPythonRenderer.inline_math = _inline_math  # type: ignore[method-assign]
IPythonRenderer.block_math = _block_math  # type: ignore[method-assign]
IPythonRenderer.latex_environment = _latex_environment  # type: ignore[method-assign]


def _blocks(css: str) -> list[tuple[str, str]]:
    """Split CSS into top-level (prelude, body) pairs; bodies keep their nesting."""
    out, i, n = [], 0, len(css)
    while i < n:
        open_at = css.find("{", i)
        semi = css.find(";", i)
        if open_at < 0:
            break
        if 0 <= semi < open_at:  # a statement such as @charset or @import
            out.append((css[i : semi + 1].strip(), ""))
            i = semi + 1
            continue
        depth, j = 0, open_at
        while j < n:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            if depth == 0:
                break
            j += 1
        out.append((css[i:open_at].strip(), css[open_at + 1 : j]))
        i = j + 1
    return out


def _purge(css: str, used: set[str]) -> str:
    """Keep rules with a selector whose classes all occur in ``used``; recurse into @media."""
    kept = []
    for prelude, body in _blocks(css):
        if prelude.startswith("@media") or prelude.startswith("@supports"):
            inner = _purge(body, used)
            if inner:
                kept.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            kept.append(prelude if prelude.endswith(";") else f"{prelude}{{{body}}}")
        elif any(set(_CSS_CLASS.findall(sel)) <= used for sel in prelude.split(",")):
            kept.append(f"{prelude}{{{body}}}")
    return "".join(kept)


def _declarations(body: str) -> list[str]:
    """Split a rule body on ';' outside parentheses and quotes (data: URLs contain ';')."""
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(body):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth == 0:
            out.append(body[start:i])
            start = i + 1
    out.append(body[start:])
    return [d for d in out if d.strip()]


def _drop_unused_variables(css: str) -> str:
    """Remove custom-property definitions that no kept rule reads, directly or through other variables."""
    rules = [(p, _declarations(b)) for p, b in _blocks(css)]
    flat = [(p, d) for p, decls in rules if not p.startswith("@") for d in decls]
    defined: dict[str, list[str]] = {}
    needed: set[str] = set()
    for _, d in flat:
        name = d.split(":", 1)[0].strip()
        refs = _VAR_USE.findall(d)
        if name.startswith("--"):
            defined.setdefault(name, []).extend(refs)
        else:
            needed.update(refs)
    for p, decls in rules:  # inside @media and @keyframes bodies: read, never pruned
        if p.startswith("@"):
            needed.update(_VAR_USE.findall(";".join(decls)))
    todo = list(needed)
    while todo:
        for ref in defined.get(todo.pop(), []):
            if ref not in needed:
                needed.add(ref)
                todo.append(ref)
    out = []
    for p, decls in rules:
        if p.startswith("@"):
            out.append(p if p.endswith(";") else f"{p}{{{';'.join(decls)}}}")
            continue
        keep = [d for d in decls if not d.strip().startswith("--") or d.split(":", 1)[0].strip() in needed]
        if keep:
            out.append(f"{p}{{{';'.join(keep)}}}")
    return "".join(out)


def _trim_styles(html: str) -> str:
    markup = _STYLE.sub("", html)
    used = {c for attr in _CLASS_ATTR.findall(markup) for c in attr.split()}
    return _STYLE.sub(lambda m: m[1] + _drop_unused_variables(_purge(m[2], used)) + m[3], html)


def _link_md_targets(html: str, page, files) -> str:
    """Point leftover ``href="x.md#a"`` (Markdown printed by snippets, which MkDocs does not
    rewrite) at the built page; unknown targets stay as written for the link check to report."""

    def fix(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), m[1]))
        found = files.get_file_from_path(target)
        if found is None or not found.is_documentation_page():
            return m[0]
        return f'href="{found.url_relative_to(page.file)}{m[2] or ""}"'

    return _MD_HREF.sub(fix, html)


def on_page_content(html: str, page, config, files) -> str:
    html = _link_md_targets(html, page, files)
    if "jupyter-wrapper" not in html:
        return html
    html = _trim_styles(_MERMAID.sub("", _MATHJAX.sub("", html)))
    leftover = _EXTERNAL.search(html)
    if leftover:
        context = html[max(0, leftover.start() - 80) : leftover.end() + 80]
        raise PluginError(f"{page.file.src_path}: notebook still loads an outside script: {context!r}")
    return html
