"""Plots of the Experiments page (``docs/experiments.md``): each function takes the records a
study computed (`lstmgrad.studies.experiments`, `lstmgrad.studies.exploding`) and returns an
SVG document as a string.

A plot takes the same records as the table beside it, so it cannot disagree with it. Lines
differ by marker and line style, not only by colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad.present.experiments import NAMES
from lstmgrad.present.figures import style, svg_text
from lstmgrad.studies.records import Records

#: One look per model: marker and line style carry the meaning, colour only helps.
LOOK: dict[str, dict[str, Any]] = {
    "rnn": {"marker": "o", "linestyle": "-", "color": "tab:red"},
    "lstm": {"marker": "s", "linestyle": "--", "color": "tab:blue"},
    "gru": {"marker": "^", "linestyle": ":", "color": "tab:green"},
}


def lag_plot(records: Records) -> str:
    """Held-out accuracy against lag, one line per model; bars span min to max over seeds."""
    lags = records.values("L")
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for kind in records.values("model"):
            acc = np.array([records.get(model=kind, L=L)["accuracy"] for L in lags]) * 100
            mean = acc.mean(axis=1)
            err = np.stack([mean - acc.min(axis=1), acc.max(axis=1) - mean])
            ax.errorbar(lags, mean, yerr=err, label=NAMES[kind], capsize=3, **LOOK[kind])
        ax.axhline(50, color="0.4", linewidth=1, linestyle="-.", label="chance (50 %)")
        ax.set_xscale("log")
        ax.set_xticks(lags, [str(L) for L in lags])
        ax.minorticks_off()
        ax.set_ylim(35, 102)
        ax.set_xlabel("lag L (steps between the crash and the answer)")
        ax.set_ylabel("held-out accuracy (%)")
        ax.legend(loc="lower left", fontsize=8)
    alt = (
        "Held-out accuracy against lag for the tanh RNN, LSTM and GRU (mean over seeds, bars from min "
        "to max); the values are in the table above."
    )
    return svg_text(fig, alt)


def gradient_plot(records: Records) -> str:
    """|dloss/dx_{T-L}| against lag, log scale, geometric mean over the seeds: dotted at
    initialisation, solid after training."""
    lags = records.values("L")
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.6))
        for kind in records.values("model"):
            name = NAMES[kind]
            rows = [records.get(model=kind, L=L) for L in lags]
            look: dict[str, Any] = {"marker": LOOK[kind]["marker"], "color": LOOK[kind]["color"]}
            ax.plot(
                lags,
                [r["loss_init"]["geomean"] for r in rows],
                linestyle=":",
                fillstyle="none",
                label=f"{name}, at init",
                **look,
            )
            ax.plot(
                lags,
                [r["loss_trained"]["geomean"] for r in rows],
                linestyle="-",
                label=f"{name}, trained",
                **look,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(lags, [str(L) for L in lags])
        ax.minorticks_off()
        ax.set_xlabel("lag L")
        ax.set_ylabel("|∂loss/∂x_{T−L}|, geometric mean")
        ax.legend(fontsize=7, ncol=2, loc="lower left")
    alt = (
        "Absolute gradient of the loss with respect to the crash input, geometric mean over the seeds, "
        "against lag, on a log scale, "
        "for each model at initialisation (dotted, open markers) and after training (solid); "
        "the values are in the table above."
    )
    return svg_text(fig, alt)


def heatmap_plot(grid: np.ndarray, W_hs: np.ndarray, scales: np.ndarray, Ts: Sequence[int]) -> str:
    """log10 |dh_T/dh_0| (``grid``, (T, W_h, scale)) over W_h x input scale for each T in ``Ts``;
    > 1 hatched, < 1e-5 outlined."""
    with np.errstate(divide="ignore"):
        logs = np.log10(grid)
    with style():
        fig, axes = plt.subplots(1, len(Ts), figsize=(9.0, 3.2), sharey=True)
        extent = (scales[0], scales[-1], W_hs[0], W_hs[-1])
        for ax, T, g in zip(axes, Ts, logs, strict=True):
            img = ax.imshow(
                np.clip(g, -12, 4),
                origin="lower",
                extent=extent,
                aspect="auto",
                cmap="viridis",
                vmin=-12,
                vmax=4,
                interpolation="nearest",
                rasterized=True,
            )
            X, Y = np.meshgrid(scales, W_hs)
            ax.contourf(X, Y, g, levels=[0, np.inf], colors="none", hatches=["////"])
            ax.contour(X, Y, g, levels=[0], colors="white", linewidths=1.2, linestyles="-")
            ax.contour(X, Y, g, levels=[-5], colors="white", linewidths=1.2, linestyles="--")
            ax.set_title(f"T = {T}")
            ax.set_xlabel("input scale W_x·x")
            ax.grid(False)
        axes[0].set_ylabel("W_h")
        bar = fig.colorbar(img, ax=axes, shrink=0.9)
        bar.set_label("log10 |∂h_T/∂h_0| (clipped to [−12, 4])")
    alt = (
        "Three heatmaps of log10 of |dh_T/dh_0| for the scalar tanh RNN over W_h from 0 to 3 and input scale "
        "from 0 to 2, for T = 5, 20 and 100. Hatching marks where the gradient exceeds 1; a dashed line "
        "marks where it falls below 1e-5. The shares of the grid are in the table above."
    )
    return svg_text(fig, alt)


def clipping_plot(records: Records) -> str:
    """Training loss per update for the sigma_max(W_h) = 1.5 RNN, with and without clipping, every seed."""
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        styles = {"clip 1": ("-", "o", "tab:blue"), "no clip": ("--", "x", "tab:red")}
        for run in records.rows:
            name = run["training"]
            curve = np.asarray(run["curve"])  # (steps, seeds)
            B = run["B"]
            steps = np.arange(1, curve.shape[0] + 1) * B
            linestyle, marker, color = styles[name]
            for s in range(curve.shape[1]):
                ax.plot(
                    steps,
                    curve[:, s],
                    linestyle=linestyle,
                    marker=marker,
                    markevery=16,
                    markersize=4,
                    color=color,
                    linewidth=1,
                    label=name if s == 0 else None,
                )
        ax.set_yscale("log")
        ax.set_xlabel("training sequences seen")
        ax.set_ylabel(f"training loss (batch of {B})")
        ax.legend(fontsize=8)
    alt = (
        "Training loss against sequences seen for a tanh RNN started with largest singular value 1.5, "
        "one line per seed, with gradient-norm clipping (solid, circles) and without (dashed, crosses)."
    )
    return svg_text(fig, alt)
