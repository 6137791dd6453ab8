"""Plots for the experiments chapter: each function returns an SVG document as a string.

The data comes from the same (cached) functions as the tables beside the plots, so a
plot cannot disagree with its table. Lines differ by marker and line style, not only
by colour.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad import experiments as E
from lstmgrad.present.figures import style, svg_text

#: One look per model: marker and line style carry the meaning, colour only helps.
LOOK: dict[str, dict[str, Any]] = {
    "rnn": {"marker": "o", "linestyle": "-", "color": "tab:red"},
    "lstm": {"marker": "s", "linestyle": "--", "color": "tab:blue"},
    "gru": {"marker": "^", "linestyle": ":", "color": "tab:green"},
}


def lag_plot() -> str:
    """Held-out accuracy against lag, one line per model; bars span min to max over seeds."""
    records = E.lag_records()
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for kind, name in E.MODELS.items():
            acc = np.array([r["accuracy"] for r in records if r["model"] == kind]) * 100
            mean = acc.mean(axis=1)
            err = np.stack([mean - acc.min(axis=1), acc.max(axis=1) - mean])
            ax.errorbar(E.LAGS, mean, yerr=err, label=name, capsize=3, **LOOK[kind])
        ax.axhline(50, color="0.4", linewidth=1, linestyle="-.", label="chance (50 %)")
        ax.set_xscale("log")
        ax.set_xticks(E.LAGS, [str(L) for L in E.LAGS])
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


def gradient_plot() -> str:
    """Mean |dloss/dx_{T-L}| against lag, log scale: dashed at initialisation, solid after training."""
    records = E.gradient_records()
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.6))
        for kind, name in E.MODELS.items():
            rows = [r for r in records if r["model"] == kind]
            look: dict[str, Any] = {"marker": LOOK[kind]["marker"], "color": LOOK[kind]["color"]}
            ax.plot(
                E.LAGS,
                [r["loss_init"] for r in rows],
                linestyle=":",
                fillstyle="none",
                label=f"{name}, at init",
                **look,
            )
            ax.plot(
                E.LAGS, [r["loss_trained"] for r in rows], linestyle="-", label=f"{name}, trained", **look
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(E.LAGS, [str(L) for L in E.LAGS])
        ax.minorticks_off()
        ax.set_xlabel("lag L")
        ax.set_ylabel("mean |∂loss/∂x_{T−L}|")
        ax.legend(fontsize=7, ncol=2, loc="lower left")
    alt = (
        "Mean absolute gradient of the loss with respect to the crash input, against lag, on a log scale, "
        "for each model at initialisation (dotted, open markers) and after training (solid); "
        "the values are in the table above."
    )
    return svg_text(fig, alt)


def heatmap_plot() -> str:
    """log10 |dh_T/dh_0| over W_h x input scale for T = 5, 20, 100; > 1 hatched, < 1e-5 outlined."""
    grid = E.exploding_grid()
    with np.errstate(divide="ignore"):
        logs = np.log10(grid)
    with style():
        fig, axes = plt.subplots(1, 3, figsize=(9.0, 3.2), sharey=True)
        extent = (E.HEAT_SCALE[0], E.HEAT_SCALE[-1], E.HEAT_W_H[0], E.HEAT_W_H[-1])
        for ax, T, g in zip(axes, E.HEAT_T, logs, strict=True):
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
            X, Y = np.meshgrid(E.HEAT_SCALE, E.HEAT_W_H)
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


def clipping_plot() -> str:
    """Training loss per update for the sigma_max(W_h) = 1.5 RNN, with and without clipping, every seed."""
    runs = E.clipping_runs()
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        styles = {"clip 1": ("-", "o", "tab:blue"), "no clip": ("--", "x", "tab:red")}
        for name, run in runs.items():
            curve = np.asarray(run["curve"])  # (steps, seeds)
            steps = np.arange(1, curve.shape[0] + 1) * E.MAIN["B"]
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
        ax.set_ylabel("training loss (batch of 32)")
        ax.legend(fontsize=8)
    alt = (
        "Training loss against sequences seen for a tanh RNN started with largest singular value 1.5, "
        "one line per seed, with gradient-norm clipping (solid, circles) and without (dashed, crosses)."
    )
    return svg_text(fig, alt)
