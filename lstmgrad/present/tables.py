"""The chapters' tables: each function returns a Markdown table as a string, for the pages and the CLI.

The numbers come from `lstmgrad.models.rnn` and `lstmgrad.studies.article`; this module only
formats them (as the article prints them). Snippets print these strings; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmgrad.models.rnn import bptt_steps, scalar_forward, sweep_rows
from lstmgrad.present.markdown import _sub, _sup, markdown_table
from lstmgrad.studies.article import (
    SWEEP_W_HS,
    at_lags,
    chain_back,
    chrono_bias_range,
    constant_powers,
    forget_retention_rows,
    lstm_path_rows,
    saturation_rows,
    sweep_peak,
    w_h_grid,
)
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, repeated_sequence


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
    # Say what each column is: row t's product ends at h_{t-1}, so row 1 is the whole chain to h_0.
    T = _sub(len(steps))
    return markdown_table(["t", "local ∂hₜ/∂hₜ₋₁", f"cumulative ∂h{T}/∂hₜ₋₁"], rows)


def _cumulative_cell(value: float) -> str:
    """The article's 6 decimals, unless that would print a nonzero product as 0.000000."""
    return f"{value:.6f}" if round(value, 6) != 0 or value == 0 else f"{value:.2e}"


def bptt_steps_table(
    sequence: Sequence[float], W_h: float, W_x: float, b: float = 0.0, h_0: float = 0.0
) -> str:
    """The ``lstmgrad bptt`` table (``docs/cli.md``): one row per step, from t = T back to 1, as BPTT
    visits them.

    Columns t, x_t, z_t, h_t (4 decimals), local = ``W_h tanh'(z_t)`` (4 decimals) and
    cumulative = local_T ... local_t = dh_T/dh_{t-1} (6 decimals, as the article prints), all from
    `lstmgrad.models.rnn.bptt_steps`, the function behind the site's BPTT table.
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x, b=b, h_0=h_0)
    rows = [
        [
            str(s["t"]),
            f"{s['x']:g}",
            f"{s['z']:.4f}",
            f"{s['h']:.4f}",
            f"{s['local']:.4f}",
            _cumulative_cell(s["cumulative"]),
        ]
        for s in reversed(steps)
    ]
    header = ["t", "x_t", "z_t", "h_t", "local dh_t/dh_{t-1}", "cumulative dh_T/dh_{t-1}"]
    return markdown_table(header, rows)


def anchor_table(sequence: Sequence[float] = ANCHOR_SEQUENCE) -> str:
    """The anchor task: one closing price per day, and the next day left to predict."""
    rows = [[str(day), f"{price:g}"] for day, price in enumerate(sequence, start=1)]
    rows.append([str(len(sequence) + 1), "? (to predict)"])
    return markdown_table(["day t", "closing price x_t"], rows)


def constant_factor_table(factor: float = 0.7, steps: Sequence[int] = (5, 100)) -> str:
    """What a chain of ``T`` equal factors does: ``factor**T``, and the shrinkage ``1/factor**T``."""
    powers = constant_powers(factor, steps)
    rows = [[str(r["T"]), f"{r['power']:.3g}", f"{r['shrinkage']:.3g}"] for r in powers]
    return markdown_table(["T", f"{factor:g}ᵀ", "shrinkage 1/(" + f"{factor:g}ᵀ)"], rows)


def lag_table(
    days: int = 90,
    lags: Sequence[int] = (1, 2, 5, 10, 20, 30, 45, 60, 90),
    W_h: float = 0.5,
    W_x: float = 0.01,
    reference: float = 0.7,
) -> str:
    """The anchor RNN run over ``days`` prices (the anchor repeated): the chain from h_T back ``k`` steps.

    Row k is the product of the last k local factors, ``dh_T/dh_{T-k}``, beside a constant
    ``reference`` factor to the power k. A line under the table gives the smallest and largest
    local factor over all steps.
    """
    c = chain_back(repeated_sequence(days), W_h=W_h, W_x=W_x, reference=reference, lags=lags)
    rows = [[str(k), f"{d:.2e}", f"{r:.2e}"] for k, d, r in zip(c.lags, c.chain, c.reference, strict=True)]
    header = ["lag k", f"∂h{_sub(c.T)}/∂h{_sub(c.T)}₋ₖ", f"{reference:g}ᵏ"]
    note = f"Over all {c.T} steps the local factor lies between {c.local_min:.4f} and {c.local_max:.4f}."
    return markdown_table(header, rows) + "\n\n" + note


def sweep_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_hs: Sequence[float] = SWEEP_W_HS, W_x: float = 0.01
) -> str:
    """The article's W_h sweep: the whole chain dh_T/dh_0 (8 decimals) and h_T (4 decimals) per W_h."""
    rows = [
        [str(r["W_h"]), f"{r['cumulative']:.8f}", f"{r['h_T']:.4f}"]
        for r in sweep_rows(sequence, W_hs, W_x=W_x)
    ]
    T = _sub(len(sequence))
    return markdown_table(["W_h", f"cumulative ∂h{T}/∂h₀", f"h{T}"], rows)


def sweep_peak_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    lo: float = 0.001,
    hi: float = 3.0,
    step: float = 0.001,
    W_x: float = 0.01,
) -> str:
    """Where the whole-chain factor dh_T/dh_0 peaks on a fine grid of W_h from ``lo`` to ``hi``."""
    rows, peak = sweep_peak(sequence, w_h_grid(lo, hi, step), W_x=W_x)
    best = rows[peak]
    T = _sub(len(sequence))
    cells = [
        f"{lo:g} to {hi:g} in steps of {step:g}",
        f"{best['W_h']:.3f}",
        f"{best['cumulative']:.5e}",
        f"{best['h_T']:.4f}",
    ]
    return markdown_table(["W_h grid", "peak at W_h", f"∂h{T}/∂h₀ there", f"h{T} there"], [cells])


def saturation_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_hs: Sequence[float] = SWEEP_W_HS, W_x: float = 0.01
) -> str:
    """`lstmgrad.studies.article.saturation_rows`: dh_T/dh_0 = W_h**T * prod tanh'(z_t), one row per W_h."""
    rows = [
        [
            str(r["W_h"]),
            f"{r['z_max']:.2f}",
            f"{r['W_h_T']:.2e}",
            f"{r['tanh_slopes']:.2e}",
            f"{r['chain']:.2e}",
        ]
        for r in saturation_rows(sequence, W_hs, W_x=W_x)
    ]
    T = len(sequence)
    header = ["W_h", "largest z_t", f"W_h{_sup(T)}", "Π tanh′(z_t)", f"∂h{_sub(T)}/∂h₀"]
    return markdown_table(header, rows)


def lstm_path_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lstm_w_x: float = 0.01,
    lstm_w_h: float = 0.5,
    b_i: float = 0.0,
    b_f: float = 2.0,
    b_g: float = 0.0,
    b_o: float = 0.0,
    lags: Sequence[int] | None = None,
) -> str:
    """`lstmgrad.studies.article.lstm_path_rows` as a table, from t = T back to 1, or only at ``lags``.

    Lag k is row t = T-k+1: both chains then span k steps.
    """
    rows = lstm_path_rows(
        sequence, W_h=W_h, W_x=W_x, lstm_w_x=lstm_w_x, lstm_w_h=lstm_w_h, b_i=b_i, b_f=b_f, b_g=b_g, b_o=b_o
    )
    T = len(rows)
    if lags is None:
        picked = [(str(r["t"]), r) for r in reversed(rows)]
        first = "t"
    else:
        picked = [(str(k), r) for k, r in at_lags(rows, lags)]
        first = "lag k (t = T−k+1)"
    cells = [
        [
            label,
            f"{r['rnn_local']:.4f}",
            f"{r['rnn_chain']:.2e}",
            f"{r['f']:.4f}",
            f"{r['cell_path']:.4f}",
            f"{r['cell_full']:.4f}",
        ]
        for label, r in picked
    ]
    h, C = f"∂h{_sub(T)}/∂hₜ₋₁", f"∂C{_sub(T)}/∂Cₜ₋₁"
    header = [first, "RNN local", f"RNN {h}", "fₜ", f"LSTM cell path {C} = Π f", f"LSTM {C}, all paths"]
    return markdown_table(header, cells)


#: The article's "When to Use LSTM vs Other Sequence Models" table: (key, length, pattern, advice).
MODEL_CHOICE = (
    ("short", "Short (<20)", "Simple", "Vanilla RNN"),
    ("medium", "Medium (20–200)", "Complex long-range", "LSTM"),
    ("long", "Long (200+)", "Complex", "LSTM + attention or Transformer"),
    ("variable", "Variable, parallel", "Any", "Transformer"),
)


def model_choice_table(evidence: dict[str, str] | None = None) -> str:
    """The article's model recommendations, with an Evidence column.

    ``evidence`` maps a row key (``short``, ``medium``, ``long``, ``variable``) to Markdown for
    its Evidence cell, such as a link to a measurement; rows without one say so.
    """
    evidence = evidence or {}
    unknown = set(evidence) - {key for key, *_ in MODEL_CHOICE}
    if unknown:
        keys = ", ".join(key for key, *_ in MODEL_CHOICE)
        raise ValueError(f"evidence has unknown row keys {sorted(unknown)}; use {keys}")
    rows = [
        [length, pattern, advice, evidence.get(key, "not yet measured")]
        for key, length, pattern, advice in MODEL_CHOICE
    ]
    return markdown_table(["Sequence length", "Pattern type", "Article recommends", "Evidence"], rows, "left")


def forget_retention_table(
    b_fs: Sequence[float] = (0.0, 1.0, 3.0, 5.0), lags: Sequence[int] = (50, 90), chrono_T: int | None = 95
) -> str:
    """`lstmgrad.studies.article.forget_retention_rows`: sigma(b_f) per step, sigma(b_f)**L, and 1 + e^b_f.

    ``chrono_T`` adds the range that chrono initialisation spans for sequences of length T
    (`lstmgrad.studies.article.chrono_bias_range`).
    """
    rows = []
    for r in forget_retention_rows(b_fs, lags):
        cells = [f"{r['b_f']:g}", f"{r['f']:.4f}", f"{r['forgotten']:.1%}", *(f"{k:.2g}" for k in r["kept"])]
        rows.append([*cells, f"{r['memory']:.1f}"])
    if chrono_T is not None:
        lo, hi = forget_retention_rows(chrono_bias_range(chrono_T), lags)
        cells = [
            f"chrono, T = {chrono_T}: {lo['b_f']:g} to {hi['b_f']:.2f}",
            f"{lo['f']:.4f} to {hi['f']:.4f}",
        ]
        cells.append(f"{lo['forgotten']:.1%} to {hi['forgotten']:.1%}")
        cells += [f"{a:.2g} to {b:.2g}" for a, b in zip(lo["kept"], hi["kept"], strict=True)]
        rows.append([*cells, f"{lo['memory']:.0f} to {hi['memory']:.0f}"])
    header = ["b_f", "σ(b_f), kept per step", "forgotten per step"]
    header += [f"σ(b_f)^{L}, kept over {L} steps" for L in lags]
    return markdown_table([*header, "memory ≈ 1 + e^(b_f) steps"], rows)
