"""Plots for the site: each function returns an SVG document as a string.

The data comes from `lstmgrad.studies.article`, the same functions that make the tables, so a
plot cannot disagree with the table beside it. Output is deterministic (fixed hash salt, no
date, no creator) and carries alt text for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from lstmgrad.checks import as_sequence
from lstmgrad.models.rnn import MAX_RECORDS, sweep_rows
from lstmgrad.present.figures import style, svg_text
from lstmgrad.studies.article import SWEEP_W_HS, at_lags, chain_back, lstm_path_rows, sweep_peak, w_h_grid
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, repeated_sequence

#: The most lags a line plot draws: more than its ~600 pixels of width can show apart.
POINTS = 1000


def _figure() -> tuple[Figure, plt.Axes]:
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
    return fig, ax


def decay_plot(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    b: float = 0.0,
    h_0: float = 0.0,
    reference: float = 0.7,
) -> str:
    """Log-scale plot of dh_T/dh_{T-k} against k steps back, beside a constant factor ``reference``.

    The data is `lstmgrad.studies.article.chain_back`'s (``docs/bptt.md``). A sequence of up to
    10^6 steps draws in bounded time: at most `POINTS` lags, and about ten ticks.
    """
    T = len(as_sequence("sequence", sequence))
    if T > MAX_RECORDS:
        raise ValueError(f"sequence has {T:,} steps; decay_plot draws at most {MAX_RECORDS:,}")
    # a long chain is drawn at POINTS lags at most (evenly spaced, both ends kept)
    lags = np.unique(np.linspace(1, T, min(T, POINTS)).round().astype(int)).tolist()
    c = chain_back(sequence, W_h=W_h, W_x=W_x, b=b, h_0=h_0, reference=reference, lags=lags)
    back, chain, ref = c.lags, c.chain, c.reference
    every = max(1, len(lags) // 20)
    with style():
        fig, ax = _figure()
        label = rf"anchor RNN ($W_h$ = {W_h:g})"
        ax.semilogy(back, chain, "o-", color="C0", markevery=every, label=label)
        ax.semilogy(
            back, ref, "s--", color="C1", markevery=every, label=f"constant factor {reference:g} per step"
        )
        ax.set_xlabel("steps back from the last state, k")
        ax.set_ylabel(rf"$\partial h_{{{T}}} / \partial h_{{{T}-k}}$ (log scale)")
        if T <= 20:
            ax.set_xticks(back)
        else:  # about ten ticks on each axis, however long the chain (a minor tick per decade is slow)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
            ax.yaxis.set_major_locator(LogLocator(numticks=8))
            ax.yaxis.set_minor_locator(NullLocator())
        ax.legend(loc="lower left")
    drawn = "" if len(lags) == T else f" (drawn at {len(lags):,} evenly spaced lags)"
    alt = (
        f"Log-scale line chart: the gradient factor reaching k steps back, for k = 1 to {T:,}{drawn}. "
        f"The anchor RNN's product falls from {c.chain[0]:.3g} at k = 1 to {c.chain[-1]:.2g} at k = {T}; "
        f"a constant factor of {reference:g} per step only falls to {c.reference[-1]:.3g}."
    )
    return svg_text(fig, alt)


def sweep_plot(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_hs: Sequence[float] = SWEEP_W_HS,
    fine: Sequence[float] | None = None,
    W_x: float = 0.01,
) -> str:
    """dh_T/dh_0 against W_h on a fine grid (line), the coarse sweep ``W_hs`` marked, and the peak.

    ``fine`` defaults to W_h = 0.02, 0.04, ..., 3; the data is `lstmgrad.studies.article.sweep_peak`'s
    (``docs/sensitivity.md``).
    """
    grid = w_h_grid(0.02, 3.0, 0.02) if fine is None else np.asarray(fine, dtype=float)
    rows, peak = sweep_peak(sequence, grid, W_x=W_x)
    curve = np.array([r["cumulative"] for r in rows])
    marks = np.array([r["cumulative"] for r in sweep_rows(sequence, W_hs, W_x=W_x)])
    with style():
        fig, ax = _figure()
        ax.semilogy(grid, curve, "-", color="C0", label="fine sweep")
        ax.semilogy(list(W_hs), marks, "D", color="C1", label="the eight values of the table")
        ax.axvline(grid[peak], color="0.3", linestyle=":", label=rf"peak near $W_h$ = {grid[peak]:.2f}")
        ax.set_xlabel(r"recurrent weight $W_h$")
        ax.set_ylabel(r"$\partial h_T / \partial h_0$ (log scale)")
        ax.legend(loc="upper right")
    alt = (
        f"Log-scale chart of the whole-chain gradient factor against W_h from {grid[0]:g} to {grid[-1]:g}. "
        f"It rises to a single peak of {curve[peak]:.2e} near W_h = {grid[peak]:.2f} "
        "and falls on both sides; "
        "it never comes near 1."
    )
    return svg_text(fig, alt)


def lstm_path_plot(
    sequence: Sequence[float] | None = None,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lstm_w_x: float = 0.01,
    lstm_w_h: float = 0.5,
    b_f: float = 2.0,
) -> str:
    """Log-scale plot, per step back: the RNN's chain dh_T/dh_{T-k} against the LSTM cell path prod f.

    ``sequence`` defaults to 90 days of the anchor's prices, repeated; the gate settings are
    those of `lstmgrad.studies.article.lstm_path_rows` (other biases 0), as in ``docs/lstm.md``.
    """
    seq = repeated_sequence(90) if sequence is None else sequence
    rows = lstm_path_rows(seq, W_h=W_h, W_x=W_x, lstm_w_x=lstm_w_x, lstm_w_h=lstm_w_h, b_f=b_f)
    T = len(rows)
    picked = at_lags(rows, range(1, T + 1))
    back = [k for k, _ in picked]
    rnn = np.array([r["rnn_chain"] for _, r in picked])
    cell = np.array([r["cell_path"] for _, r in picked])
    every = max(1, T // 10)
    with style():
        fig, ax = _figure()
        rnn_label = r"vanilla RNN: $\prod\, W_h \tanh'(z_t)$"
        ax.semilogy(back, rnn, "o-", color="C0", markevery=every, label=rnn_label)
        ax.semilogy(back, cell, "s--", color="C1", markevery=every, label=r"LSTM cell path: $\prod\, f_t$")
        ax.set_xlabel("steps back from the last state, k")
        ax.set_ylabel("gradient factor over k steps (log scale)")
        ax.legend(loc="lower left")
    alt = (
        f"Log-scale chart over {T} steps back. The vanilla RNN's chain falls almost in a straight line "
        f"from {rnn[0]:.2g} to {rnn[-1]:.2g}; the LSTM cell path, a product of forget gates, "
        f"only falls from {cell[0]:.2g} to {cell[-1]:.2g}."
    )
    return svg_text(fig, alt)
