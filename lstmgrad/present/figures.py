"""Figures for the pages: matplotlib figures serialised as inline SVG with alt text.

Output is deterministic (fixed hash salt, no date, no creator), so the same data gives the
same bytes on every machine.
"""

from __future__ import annotations

import html
import io
import re
from contextlib import AbstractContextManager

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


def style() -> AbstractContextManager[None]:
    return plt.rc_context(
        {
            "svg.hashsalt": "lstmgrad",  # stable ids, so the same data gives the same bytes
            "svg.fonttype": "none",  # text as text: lighter than glyph outlines, and searchable
            "font.size": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )


def svg_text(fig: Figure, alt: str) -> str:
    """Serialise ``fig`` as inline SVG with ``alt`` as its accessible name, then close it."""
    buf = io.StringIO()
    with style():
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: this goes inside HTML
    # Scale with the page instead of a fixed size in points.
    svg = re.sub(
        r'width="([\d.]+)pt" height="[\d.]+pt"',
        r'width="100%" style="max-width:\1pt;height:auto"',
        svg,
        count=1,
    )
    label = html.escape(alt, quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    head_end = svg.index(">") + 1
    # Blank lines would end Markdown's raw-HTML block early.
    return (svg[:head_end] + f"\n <title>{label}</title>" + svg[head_end:]).replace("\n\n", "\n")
