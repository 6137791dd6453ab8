"""The loss and the weight gradient on the anchor, formatted: tables (Markdown) and plots (SVG).

The numbers come from `lstmgrad.studies.loss_terms`; this module only formats and draws them.
Shown in the BPTT chapter (``docs/bptt.md``) and the forward-pass chapter (``docs/forward-pass.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad.present.figures import style, svg_text
from lstmgrad.present.markdown import _sub, _sup, markdown_table
from lstmgrad.studies.loss_terms import loss_terms, tanh_curve, term_ratio, truncated
from lstmgrad.tasks.anchor import ANCHOR_HEAD, ANCHOR_SEQUENCE, ANCHOR_TARGET, ANCHOR_WEIGHTS

W_H, W_X = ANCHOR_WEIGHTS["W_h"], ANCHOR_WEIGHTS["W_x"]
W_Y, B_Y = ANCHOR_HEAD["W_y"], ANCHOR_HEAD["b_y"]


def _sci(value: float, digits: int = 3) -> str:
    """``digits`` significant digits as ``m×10ⁿ`` with a true minus sign, which a table cell cannot wrap
    at; an exact zero prints as 0 (never as -0)."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    n = int(exponent)
    power = "" if n == 0 else "×10" + ("⁻" if n < 0 else "") + _sup(abs(n))
    return (mantissa + power).replace("-", "−")


def _signed(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` decimals with a true minus sign."""
    return f"{value:.{digits}f}".replace("-", "−")


def loss_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = W_H,
    W_x: float = W_X,
    W_y: float = W_Y,
    b_y: float = B_Y,
    y: float = ANCHOR_TARGET,
) -> str:
    """The head and the loss on the anchor: y_hat, the target y, the error, L and dL/dh_T."""
    r = loss_terms(sequence, W_h=W_h, W_x=W_x, W_y=W_y, b_y=b_y, y=y)
    T = _sub(r.T)
    rows = [
        [f"prediction ŷ = W_y h{T} + b_y", f"{r.y_hat:.4f}"],
        ["target y (our choice)", f"{r.y:.1f}"],
        ["error ŷ − y", _signed(r.y_hat - r.y)],
        ["loss L = ½(ŷ − y)²", _sci(r.loss)],
        [f"∂L/∂h{T} = (ŷ − y) W_y", _signed(r.dL_dh_T)],
    ]
    return markdown_table(["quantity", "value"], rows, align="left")


def terms_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = W_H,
    W_x: float = W_X,
    W_y: float = W_Y,
    b_y: float = B_Y,
    y: float = ANCHOR_TARGET,
) -> str:
    """One row per step of dL/dW_h and dL/dW_x, the factors of each term, a sum row, and the ratio
    of the first step's W_x term to the last's."""
    r = loss_terms(sequence, W_h=W_h, W_x=W_x, W_y=W_y, b_y=b_y, y=y)
    T = _sub(r.T)
    rows = [
        [
            str(s.t),
            _sci(s.chain) if s.t < r.T else "1",
            f"{s.slope:.4f}",
            _sci(s.dz),
            _sci(s.W_h),
            _sci(s.W_x),
        ]
        for s in r.steps
    ]
    rows.append(["sum", "", "", "", _sci(r.total("W_h"), 4), _sci(r.total("W_x"), 4)])
    header = [
        "t",
        f"∂h{T}/∂h_t",
        "tanh′(z_t)",
        "∂L/∂z_t",
        "W_h term ∂L/∂z_t · h_{t−1}",
        "W_x term ∂L/∂z_t · x_t",
    ]
    ratio = term_ratio(r, "W_x", near=r.T, far=1)
    note = f"Day 1's W_x term is {ratio:,.0f} times smaller than day {r.T}'s."
    return markdown_table(header, rows) + "\n\n" + note


def terms_plot(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = W_H,
    W_x: float = W_X,
    W_y: float = W_Y,
    b_y: float = B_Y,
    y: float = ANCHOR_TARGET,
) -> str:
    """Bar chart, log axis: the size of each step's term of dL/dW_x and dL/dW_h, steps 1..T."""
    r = loss_terms(sequence, W_h=W_h, W_x=W_x, W_y=W_y, b_y=b_y, y=y)
    t = np.array([s.t for s in r.steps])
    w_x = np.array([abs(s.W_x) for s in r.steps])
    w_h = np.array([abs(s.W_h) for s in r.steps])
    shown = w_h > 0  # a zero term has no bar on a log axis; it is labelled instead
    ratio = term_ratio(r, "W_x", near=r.T, far=1)
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        ax.bar(t - 0.2, w_x, width=0.4, color="C0", label=r"$W_x$ term $|\partial L/\partial z_t \cdot x_t|$")
        ax.bar(
            t[shown] + 0.2, w_h[shown], width=0.4, color="C1", hatch="//", edgecolor="white",
            label=r"$W_h$ term $|\partial L/\partial z_t \cdot h_{t-1}|$",
        )  # fmt: skip
        ax.set_yscale("log")
        bottom = 10 ** np.floor(np.log10(min(w_x.min(), w_h[shown].min())) - 0.5)
        ax.set_ylim(bottom, 10 ** np.ceil(np.log10(w_x.max()) + 0.3))
        for day in t[~shown]:
            ax.text(day + 0.2, bottom * 1.6, "0\n(h₀ = 0)", ha="center", va="bottom", color="C1", fontsize=8)
        ax.annotate(
            f"{ratio:,.0f}× smaller\nthan day {r.T}", (t[0] - 0.4, w_x[0]), xytext=(0, 6),
            textcoords="offset points", ha="left", va="bottom", fontsize=8,
        )  # fmt: skip
        ax.set_xticks(t, [f"day {d}" for d in t])
        ax.set_ylabel("size of the term (log scale)")
        ax.legend(loc="upper left", fontsize=9)
    alt = (
        f"Log-scale bar chart of each day's term of the weight gradient. The W_x terms grow from "
        f"{w_x[0]:.2e} on day 1 to {w_x[-1]:.2e} on day {r.T}, {ratio:,.0f} times larger; "
        f"the W_h terms grow from {w_h[shown][0]:.2e} on day {t[shown][0]} to {w_h[-1]:.2e} on day {r.T}, "
        f"and day 1's W_h term is exactly 0."
    )
    return svg_text(fig, alt)


def truncation_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = W_H,
    W_x: float = W_X,
    windows: Iterable[int] | None = None,
) -> str:
    """Truncated BPTT on the anchor: dL/dW_h and dL/dW_x from the last k steps, and how far each is
    from the full gradient (relative error in percent)."""
    r = loss_terms(sequence, W_h=W_h, W_x=W_x)
    rows = []
    for c in truncated(r, windows):
        rows.append(
            [
                str(c.k),
                str(r.T) if c.k == 1 else f"{r.T - c.k + 1}–{r.T}",
                _sci(c.W_h, 4),
                "0" if c.W_h_error == 0 else f"{100 * c.W_h_error:.3g} %",
                _sci(c.W_x, 4),
                "0" if c.W_x_error == 0 else f"{100 * c.W_x_error:.3g} %",
            ]
        )
    header = ["k", "steps kept", "∂L/∂W_h", "W_h off by", "∂L/∂W_x", "W_x off by"]
    return markdown_table(header, rows)


def tanh_plot(sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = W_H, W_x: float = W_X) -> str:
    """tanh(z) and its slope tanh'(z), with the forward pass's z_1..z_T marked on both curves."""
    c = tanh_curve(sequence, W_h=W_h, W_x=W_x)
    T = len(c.z_t)
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        ax.plot(c.z, c.tanh, "-", color="C0", label="tanh(z)")
        ax.plot(c.z, c.slope, "--", color="C1", label="slope tanh′(z) = 1 − tanh²(z)")
        ax.plot(c.z_t, c.h_t, "o", color="C0", label=f"hₜ = tanh(zₜ), t = 1..{T}")
        ax.plot(c.z_t, c.slope_t, "s", color="C1", label="tanh′(zₜ), the slope at zₜ")
        ax.annotate("z₁", (c.z_t[0], c.slope_t[0]), xytext=(-18, -4), textcoords="offset points", color="C1")
        ax.annotate(
            f"z₂ … z{_sub(T)}", (max(c.z_t), min(c.slope_t)), xytext=(8, 6),
            textcoords="offset points", color="C1",
        )  # fmt: skip
        ax.set_xlabel("pre-activation z")
        ax.set_ylim(-1.1, 1.15)
        ax.legend(loc="lower right", fontsize=9)
    alt = (
        f"Line chart of tanh(z) and its slope for z from {c.z[0]:g} to {c.z[-1]:g}. The slope is 1 at z = 0 "
        f"and falls on both sides. The anchor's pre-activations lie between {min(c.z_t):.2f} and "
        f"{max(c.z_t):.2f}, where tanh is between {min(c.h_t):.2f} and {max(c.h_t):.2f} and its slope "
        f"between {min(c.slope_t):.2f} and {max(c.slope_t):.2f}."
    )
    return svg_text(fig, alt)
