"""No number in a chapter's prose may drift away from what the chapter's snippets print.

For every page docs/**/*.md, every number with three or more significant digits in its
prose must be shown by one of the snippets embedded in that page (their golden outputs,
which tests/test_goldens.py keeps equal to fresh runs). What counts, decided here:

- Prose is everything outside fenced code blocks (any indentation, so fences inside
  admonitions too), HTML comments, link targets and bare URLs. Inline code, tables,
  admonition titles and math (\\( \\), \\[ \\]) are prose: a typed number does not become
  safe by being put in backticks or in a formula. Formula constants (0.5, 1, 2, 0.01)
  have fewer than three significant digits and so are not checked.
- Significant digits: leading zeros never count; trailing zeros count after a decimal
  point (0.100 has 3) but not in a bare integer (100 and 3000 have 1). A digit run glued
  to a letter, an underscore or a dot-separated version (float64, h_0, 0.1.0) is not a number.
- Scientific forms are one number: 3.2e-16, 3.2\\times10^{-16}, 3.2×10⁻¹⁶. Signs are
  ignored (hyphens and minus signs are too ambiguous in prose).
- A prose number matches an output number if the output, rounded to the prose number's
  last digit, equals it, and the output shows at least that many digits: prose "7.38"
  is backed by output "7.38451117", but not by "7.4" and not by "7.39".
- The only exceptions are the commented ALLOWED entries below.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from snippets import golden_path

DOCS = ROOT / "docs"

# (page relative to docs/, number as written in the prose) -> why it needs no snippet.
ALLOWED: dict[tuple[str, str], str] = {
    # publication years of cited papers: bibliography, not results
    ("related.md", "1997"): "Hochreiter & Schmidhuber, Long Short-Term Memory",
    ("related.md", "2013"): "Pascanu, Mikolov & Bengio, ICML",
    ("related.md", "2014"): "Cho et al., EMNLP (the GRU)",
    ("related.md", "1994"): "Bengio, Simard & Frasconi, IEEE Transactions on Neural Networks",
    ("related.md", "2015"): "Jozefowicz et al., ICML; Le, Jaitly & Hinton, arXiv",
    ("related.md", "2016"): "Arjovsky, Shah & Bengio, ICML",
    ("related.md", "2018"): "Tallec & Ollivier, ICLR",
    ("lstm.md", "1997"): "Hochreiter & Schmidhuber, Long Short-Term Memory",
}

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
SNIPPET_LINE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"(?P<path>[^"]+)"')
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
SCIENTIFIC = re.compile(
    r"(?P<m>\d+(?:\.\d+)?)\s*(?:\\times|×|\\cdot|·)\s*10\s*\^\s*\{?\s*(?P<e>[-−]?\d+)\s*\}?"
)
SUPERSCRIPT_POWER = re.compile(r"(?P<base>\d+(?:\.\d+)?|\d+)(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)")
NUMBER = re.compile(
    r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\.?\w)"  # 5,025 (thousands separators)
    r"|(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+−]?\d+)?(?!\.?\w)"  # 0.000017, 2086, 3.2e-16
)


def split_page(text: str) -> tuple[str, list[str]]:
    """Return (prose, snippet paths embedded in executed fences) for a Markdown page."""
    prose, snippets = [], []
    fence: str | None = None
    executed = False
    for line in text.splitlines():
        if fence is None:
            m = FENCE_OPEN.match(line)
            if m:
                fence, executed = m["fence"], 'exec="on"' in m["info"]
                continue
            prose.append(line)
        else:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
                continue
            s = SNIPPET_LINE.match(line)
            if s and executed:
                snippets.append(s["path"])
    body = "\n".join(prose)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    body = re.sub(r"^\s*\[[^\]]+\]:\s*\S+.*$", " ", body, flags=re.M)  # reference-style link targets
    body = re.sub(r"\]\([^)]*\)", "] ", body)  # inline link and image targets
    body = re.sub(r"https?://\S+", " ", body)
    body = re.sub(r"\{[:#.][^}]*\}", " ", body)  # attribute lists
    return body, snippets


def numbers_in(text: str) -> list[str]:
    """Every number in ``text``, as written but in e-notation where the text used ×10^n."""
    text = text.replace("−", "-")
    # 0.7¹⁰⁰ is 0.7 to a power, not the number 0.7100: write superscripts as ^{...}
    text = SUPERSCRIPT_POWER.sub(lambda m: f"{m['base']}^{{{m['sup'].translate(SUPERSCRIPTS)}}}", text)
    text = SCIENTIFIC.sub(lambda m: f"{m['m']}e{m['e']}", text)
    return [m.group(0).replace(",", "") for m in NUMBER.finditer(text)]


def significant_digits(token: str) -> int:
    mantissa = re.split(r"[eE]", token)[0]
    if "." in mantissa:
        return len(mantissa.replace(".", "").lstrip("0"))
    return len(mantissa.lstrip("0").rstrip("0"))


def output_numbers(output: str) -> list[Decimal]:
    """Numbers a snippet printed. Of an SVG only the text a reader gets: title, desc, aria-label, text."""
    if "<svg" in output:
        kept = re.findall(r"<(title|desc|text)[^>]*>(.*?)</\1>", output, flags=re.S)
        labels = re.findall(r'aria-label="([^"]*)"', output)
        output = " ".join([t for _, t in kept] + labels)
    return [Decimal(t) for t in numbers_in(output)]


def is_shown(token: str, shown: list[Decimal]) -> bool:
    want = abs(Decimal(token))
    quantum = Decimal(1).scaleb(Decimal(token).as_tuple().exponent)  # type: ignore[arg-type]
    for value in shown:
        if value.as_tuple().exponent > quantum.as_tuple().exponent:  # output shows fewer digits
            continue
        for rounding in (ROUND_HALF_EVEN, ROUND_HALF_UP):
            if abs(value).quantize(quantum, rounding=rounding) == want:
                return True
    return False


def unbacked_numbers(page: str, text: str, outputs: list[str]) -> list[str]:
    """Prose numbers with >= 3 significant digits that no output shows and ALLOWED does not excuse."""
    prose, _ = split_page(text)
    shown = [n for out in outputs for n in output_numbers(out)]
    return [
        token
        for token in numbers_in(prose)
        if significant_digits(token) >= 3 and (page, token) not in ALLOWED and not is_shown(token, shown)
    ]


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_prose_numbers_are_printed_by_the_pages_snippets(page):
    text = page.read_text()
    _, snippets = split_page(text)
    outputs = []
    for snippet in snippets:
        golden = golden_path(ROOT / snippet)
        assert golden.exists(), f"{snippet} has no golden output: run `make goldens`"
        outputs.append(golden.read_text())
    name = str(page.relative_to(DOCS))
    missing = unbacked_numbers(name, text, outputs)
    assert not missing, (
        f"docs/{name}: these prose numbers are not printed by any snippet on the page: {missing}. "
        "Print them from a snippet, or fix the prose."
    )


def test_allow_list_entries_are_still_needed():
    # an exception that no page uses any more should go
    for (name, token), why in ALLOWED.items():
        assert why, f"{name}: {token} needs a reason"
        text = (DOCS / name).read_text()
        assert token in numbers_in(split_page(text)[0]), f"ALLOWED[{name!r}, {token!r}] is unused"


# --- the checker itself -------------------------------------------------------------------------

SYNTHETIC_PAGE = """# Synthetic

The chain falls to 0.000730 after three steps, and 7.38 at the end; it is
\\(3.23\\times10^{-16}\\) at \\(T = 100\\), and 3.23×10⁻¹⁶ in other words. Constants such as
\\(W_h = 0.5\\), float64, h_0 and version 0.1.0 are not checked.

!!! note "Inside an admonition, 5163 counts too"

    ```python exec="on" source="tabbed-left" title="snippets/x.py"
    --8<-- "snippets/x.py"
    ```

```python
print(123.456)  # code is not prose
```

See [a link](https://example.org/1234.5678) for more.
"""
SYNTHETIC_OUTPUT = "| t | cumulative |\n|---:|---:|\n| 3 | 0.000730 |\n| 1 | 7.38451117 |\n3.23e-16 5163\n"


def test_synthetic_page_passes_as_written():
    assert split_page(SYNTHETIC_PAGE)[1] == ["snippets/x.py"]
    assert unbacked_numbers("x.md", SYNTHETIC_PAGE, [SYNTHETIC_OUTPUT]) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("0.000730", "0.000731"),  # a table value retyped wrong
        ("7.38 at", "7.39 at"),  # a rounded value rounded wrong
        ("7.38 at", "7.3845111700 at"),  # more digits than the output shows
        ("\\(3.23\\times10^{-16}\\)", "\\(3.23\\times10^{-15}\\)"),  # an exponent in math
        ("3.23×10⁻¹⁶", "3.24×10⁻¹⁶"),  # unicode superscripts
        ("5163 counts", "5162 counts"),  # inside an admonition title
    ],
)
def test_editing_a_prose_number_fails(old, new):
    assert old in SYNTHETIC_PAGE
    edited = SYNTHETIC_PAGE.replace(old, new)
    assert unbacked_numbers("x.md", edited, [SYNTHETIC_OUTPUT]) != []


def test_numbers_outside_prose_are_ignored():
    edited = SYNTHETIC_PAGE.replace("123.456", "999.999").replace("1234.5678", "8765.4321")
    assert unbacked_numbers("x.md", edited, [SYNTHETIC_OUTPUT]) == []


def test_significant_digits():
    tokens = ["100", "108", "0.000017", "0.100", "3.2e-16", "2086", "3000"]
    assert [significant_digits(t) for t in tokens] == [1, 3, 2, 3, 2, 4, 1]
