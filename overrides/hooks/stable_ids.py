"""Byte-identical builds: the notebook pages' cell ids, numbered in page order.

jupytext gives every cell of a percent-format notebook a fresh random id on each conversion, and
nbconvert writes it into the page (``id="cell-id=5b2deea9"``), so two builds of one commit differed
on the two notebook pages and nowhere else. This hook renames each id, everywhere it appears on
the page, to ``cell-<n>`` in the order the cells come; nothing links to the old ids, which changed
on every build. tests/test_reproducible.py builds the notebook pages again and compares bytes.
"""

from __future__ import annotations

import re

_CELL_ID = re.compile(r"cell-id=([0-9A-Za-z_-]+)")


def stable_cell_ids(html: str) -> str:
    """``html`` with every ``cell-id=<random>`` renamed ``cell-id=cell-<n>``, numbered in order."""
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        old = match[1]
        names.setdefault(old, f"cell-{len(names) + 1}")
        return f"cell-id={names[old]}"

    return _CELL_ID.sub(rename, html)


def on_page_content(html: str, page, config, files) -> str:  # type: ignore[no-untyped-def]
    return stable_cell_ids(html) if "cell-id=" in html else html
