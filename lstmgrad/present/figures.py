"""Figures for the pages: matplotlib figures serialised as inline SVG with alt text.

Output is deterministic (fixed hash salt, no date, no creator), so the same data gives the
same bytes on every machine. The figures follow the page's palette: the background is
transparent, the ink (text, axes, ticks) is ``currentColor`` and a legend sits on the page's
own background colour, so one SVG reads in the light and the dark palette alike. The series
colours are mid-tones that keep a 3:1 contrast on white and on Material's dark slate.
"""

from __future__ import annotations

import html
import io
import re
from contextlib import AbstractContextManager

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.rcsetup import cycler

# Placeholder colours matplotlib writes out, replaced in the SVG by the page's own colours.
_INK = "#010203"  # -> currentColor (the page's text colour)
_PAPER = "#fdfeff"  # -> the page's background colour (legend boxes)
_PAGE_COLOURS = {_INK: "currentColor", _PAPER: "var(--md-default-bg-color, #fff)"}
#: C0, C1, ...: mid-tones with 3.2:1 or more on white and on the dark slate (blue, dark orange, green, ...)
SERIES = ["#1f77b4", "#d95f02", "#2ca02c", "#d62728", "#9467bd", "#a6761d"]


def style() -> AbstractContextManager[None]:
    return plt.rc_context(
        {
            "svg.hashsalt": "lstmgrad",  # stable ids, so the same data gives the same bytes
            "svg.fonttype": "none",  # text as text: lighter than glyph outlines, and searchable
            "font.size": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "grid.color": "#808080",  # a mid grey, faint on either background
            "axes.prop_cycle": cycler(color=SERIES),
            "text.color": _INK,
            "axes.labelcolor": _INK,
            "axes.edgecolor": _INK,
            "xtick.color": _INK,
            "ytick.color": _INK,
            "legend.facecolor": _PAPER,
            "legend.edgecolor": "#808080",
            "figure.facecolor": "none",
            "axes.facecolor": "none",
            "savefig.facecolor": "none",
            "savefig.transparent": True,
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
    for placeholder, colour in _PAGE_COLOURS.items():
        svg = svg.replace(placeholder, colour)
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
