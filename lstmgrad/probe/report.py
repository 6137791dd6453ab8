"""The probe's measurements in the site's formats: a Markdown table and a log-scale SVG plot."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad.present.figures import style, svg_text
from lstmgrad.present.markdown import markdown_table
from lstmgrad.probe.core import Probe, State


def _pick(p: Probe, state: str | None) -> State:
    if state is None:
        return next(iter(p.states.values()))
    if state not in p.states:
        raise KeyError(f"no state {state!r}; the probe measured {', '.join(p.states)}")
    return p.states[state]


def _cell(v: float) -> str:
    return "—" if np.isnan(v) else f"{v:.3e}"


def probe_table(p: Probe, state: str | None = None, lags: Iterable[int] | None = None) -> str:
    """One row per input time t, from the state's last step back to its initial state, or only
    the rows k steps back for k in ``lags``: ‖∂L/∂x_t‖, ‖∂L/∂h_t‖, the LSTM cell path
    Π f (∂C_T/∂C_t) and step t's share of ∂L/∂W_hh."""
    s = _pick(p, state)
    T = p.T
    x = np.concatenate([[np.nan], p.x, [np.nan]])  # by input time t = 0..T+1
    cols = {"‖∂L/∂xₜ‖": x, "‖∂L/∂hₜ‖": s.at_time(s.h)}
    if s.cell_path is not None:
        cols["cell path ∂C_T/∂Cₜ = Π f"] = s.at_time(s.cell_path)
    if s.w_hh is not None:
        cols["share of ∂L/∂W_hh"] = s.at_time(s.w_hh)
    # steps back from the state's last step: k = T - t forward, k = t - 1 in reverse
    order = [(k, k + 1 if s.reverse else T - k) for k in range(T + 1)]
    if lags is not None:
        wanted = set(lags)
        bad = sorted(k for k in wanted if not 0 <= k <= T)
        if bad:
            raise ValueError(f"lags must lie in 0..{T}, got {bad}")
        order = [(k, t) for k, t in order if k in wanted]
    rows = [[str(k), str(t), *(_cell(v[t]) for v in cols.values())] for k, t in order]
    return markdown_table(["steps back k", "t", *cols], rows)


def probe_plot(p: Probe, state: str | None = None, title: str | None = None) -> str:
    """‖∂L/∂h_t‖, ‖∂L/∂x_t‖ and (LSTM) the cell path Π f against steps back, on a log scale."""
    s = _pick(p, state)
    T = p.T
    ks = np.arange(T + 1)
    t = ks + 1 if s.reverse else T - ks
    x = np.concatenate([[np.nan], p.x, [np.nan]])[t]
    h = s.at_time(s.h)[t]
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        ax.semilogy(ks, h, "o-", color="C0", markersize=3, label=r"$\|\partial L/\partial h_t\|$")
        ax.semilogy(ks, x, "s--", color="C1", markersize=3, label=r"$\|\partial L/\partial x_t\|$")
        if s.cell_path is not None:
            path = s.at_time(s.cell_path)[t]
            ax.semilogy(ks, path, "-", color="C2", label=r"cell path $\prod f$")
        ax.set_xlabel("steps back from the last step, k")
        ax.set_ylabel("gradient (log scale)")
        if title:
            ax.set_title(title)
        ax.legend(loc="lower left")
    alt = (
        f"Log-scale chart of {s.name} over {T} steps back: the gradient reaching the hidden state goes "
        f"from {h[0]:.2g} at the last step to {h[-1]:.2g} at the initial state, and the gradient "
        f"reaching the input from {x[1]:.2g} one step back to {x[-2]:.2g} at the first input."
    )
    return svg_text(fig, alt)
