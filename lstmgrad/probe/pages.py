"""The trained tables and plot of "Measure it in your own model" (``docs/probe.md``), drawn from the
committed results of `lstmgrad.probe.study` (``lstmgrad/results/probe.json``). No torch needed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad.present.figures import style, svg_text
from lstmgrad.present.markdown import markdown_table
from lstmgrad.probe import study as S
from lstmgrad.store import provenance

Runs = dict[str, dict[str, list[Any]]]


def _label(model: str, b_f: float | None) -> str:
    return "nn.RNN (tanh)" if model == "rnn" else f"nn.LSTM, b_f = {b_f:g}"


def _spread(values: Sequence[float] | np.ndarray) -> str:
    """The median and, in brackets, the smallest and largest seed, in powers of ten."""
    v = np.asarray(values, dtype=float)
    return f"{np.median(v):.1e} [{v.min():.0e}, {v.max():.0e}]"


def _solved(accuracy: Sequence[float], at: float = 0.95) -> int:
    return int(sum(a >= at for a in accuracy))


def solved(accuracy: Sequence[float], at: float = 0.95) -> str:
    return f"{_solved(accuracy, at)} of {len(accuracy)}"


def _versus(a: tuple[str, float | None], b: tuple[str, float | None], L: int, runs: Runs) -> str:
    """One line: seeds solved by ``a`` and ``b`` at lag L, and the one-sided Fisher exact test."""
    ra, rb = S.result(*a, L, runs)["accuracy"], S.result(*b, L, runs)["accuracy"]
    p = S.fisher_greater(_solved(ra), len(ra), _solved(rb), len(rb))
    return (
        f"Lag {L}: {_label(*a)} solved {solved(ra)} seeds, {_label(*b)} {solved(rb)}. If both solved "
        f"it equally often, a split at least this lopsided has p = {p:.2g} (one-sided Fisher exact test)."
    )


def provenance_line() -> str:
    """Where and when the chapter's runs were trained, with which torch."""
    p = provenance(S.PROBE_RUNS)
    versions = sorted({v for r in S.load().values() for v in r["torch"]})
    return (
        f"*Trained by `{S.COMMAND}` ({S.PROBE_RUNS.about}) on {p['date'][:10]}: {p['cpu']}, "
        f"torch {', '.join(versions)}; {p['cell_seconds']:.0f} s of training. Loaded from "
        f"`lstmgrad/results/{S.PROBE_RUNS.name}.json`, whose code digest matches this build.*"
    )


def before_after_table(models: Sequence[tuple[str, float | None]] = (("lstm", 1.0), ("rnn", None))) -> str:
    """Per model and lag: seeds solved after training, and the gradient reaching the crash state
    (‖∂L/∂h‖ there over ‖∂L/∂h_T‖) before and after training, median and range over the seeds."""
    runs = S.load()
    rows = []
    for model, b_f in models:
        for L in S.LAGS:
            r = S.result(model, b_f, L, runs)
            rows.append(
                [
                    _label(model, b_f),
                    str(L),
                    _spread(S.relative(r, "before")),
                    _spread(S.relative(r, "after")),
                    solved(r["accuracy"]),
                ]
            )
    header = ["model", "lag", "reaches the crash, untrained", "after training", "seeds solved (≥ 95 %)"]
    test = _versus(models[0], models[1], 20, runs) if len(models) == 2 else ""
    return markdown_table(header, rows) + "\n\n" + (test + "\n\n" if test else "") + provenance_line()


def forget_bias_table() -> str:
    """The LSTM with b_f = 1 against b_f = 0, untrained: the gradient reaching the crash state, the
    cell path Π f over the lag, and the share of ∂L/∂W_hh from steps up to the crash; and seeds solved."""
    runs = S.load()
    rows = []
    for b_f in (1.0, 0.0):
        for L in S.LAGS:
            r = S.result("lstm", b_f, L, runs)
            rows.append(
                [
                    f"{b_f:g}",
                    str(L),
                    _spread(S.relative(r, "before")),
                    _spread(r["before_cell_path_crash"]),
                    _spread(np.abs(r["before_w_hh_early"])),
                    solved(r["accuracy"]),
                ]
            )
    header = [
        "b_f",
        "lag",
        "reaches the crash, untrained",
        "cell path Π f over the lag",
        "share of ∂L/∂W_hh up to the crash (size)",
        "seeds solved (≥ 95 %)",
    ]
    test = _versus(("lstm", 1.0), ("lstm", 0.0), 20, runs)
    return markdown_table(header, rows) + "\n\n" + test + "\n\n" + provenance_line()


def curve_plot(L: int = 90) -> str:
    """Untrained, at lag L: the median over the seeds of ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ against steps back."""
    runs = S.load()
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        ends = []
        for (model, b_f), mark in zip(S.MODELS, ("o-", "s--", "^:"), strict=True):
            curves = np.asarray(S.result(model, b_f, L, runs)["before_h_curve"])  # (seeds, T+1)
            rel = np.median(curves / curves[:, -1:], axis=0)[::-1]  # k = 0 is the last step
            ax.semilogy(np.arange(len(rel)), rel, mark, markevery=10, markersize=4, label=_label(model, b_f))
            ends.append((model, b_f, rel[L]))
        ax.axvline(L, color="0.3", linestyle=":", label=f"the crash, {L} steps back")
        ax.set_xlabel("steps back from the last step, k")
        ax.set_ylabel(r"$\|\partial L/\partial h_t\| \,/\, \|\partial L/\partial h_T\|$ (log scale)")
        ax.legend(loc="lower left", fontsize=8)
    said = "; ".join(f"{_label(m, b)} {v:.1e}" for m, b, v in ends)
    alt = (
        f"Log-scale chart, untrained models, median over {len(S.SEEDS)} seeds: the gradient reaching the "
        f"hidden state k steps back, relative to the last step, for k = 0 to {L + 5}. At the crash, "
        f"{L} steps back: {said}."
    )
    return svg_text(fig, alt)
