"""Tables for the site and the CLI: each function returns a Markdown table as a string.

Snippets print these strings; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmgrad.rnn import bptt_steps, scalar_forward

#: The article's anchor: five days of closing prices, and the weights it uses.
ANCHOR_SEQUENCE = (100.0, 102.0, 105.0, 103.0, 108.0)
ANCHOR_WEIGHTS = {"W_h": 0.5, "W_x": 0.01, "b": 0.0, "h_0": 0.0}


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "right") -> str:
    """Format ``rows`` of already-formatted cells as a Markdown table."""
    rule = {"right": "---:", "left": ":---", "center": ":---:"}[align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def forward_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    b: float = 0.0,
    h_0: float = 0.0,
) -> str:
    """The forward pass step by step: columns t, x_t, z_t, h_t (4 decimals, as the article prints)."""
    trace = scalar_forward(sequence, W_h=W_h, W_x=W_x, b=b, h_0=h_0)
    rows = [
        [str(t), f"{x_t:g}", f"{z_t:.4f}", f"{h_t:.4f}"]
        for t, (x_t, z_t, h_t) in enumerate(zip(trace.x, trace.z, trace.h, strict=True), start=1)
    ]
    return markdown_table(["t", "x_t", "z_t", "h_t"], rows)


def bptt_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    b: float = 0.0,
    h_0: float = 0.0,
) -> str:
    """BPTT from t = T back to t = 1: the local factor ``W_h tanh'(z_t)`` and the running product.

    ``cumulative`` in row t is ``local_T * ... * local_t`` = dh_T/dh_{t-1}, printed as the
    article prints it (local to 4 decimals, cumulative to 6).
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x, b=b, h_0=h_0)
    rows = [[str(s["t"]), f"{s['local']:.4f}", f"{s['cumulative']:.6f}"] for s in reversed(steps)]
    return markdown_table(["t", "local", "cumulative"], rows)
