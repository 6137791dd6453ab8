"""Tables for the site and the CLI: each function returns a Markdown table as a string.

Snippets print these strings; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstmgrad.checks import as_float
from lstmgrad.models.rnn import bptt_steps, scalar_forward, sweep_rows
from lstmgrad.present.markdown import _sub, _sup, markdown_table
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


def anchor_table(sequence: Sequence[float] = ANCHOR_SEQUENCE) -> str:
    """The anchor task: one closing price per day, and the next day left to predict."""
    rows = [[str(day), f"{price:g}"] for day, price in enumerate(sequence, start=1)]
    rows.append([str(len(sequence) + 1), "? (to predict)"])
    return markdown_table(["day t", "closing price x_t"], rows)


def constant_factor_table(factor: float = 0.7, steps: Sequence[int] = (5, 100)) -> str:
    """What a chain of ``T`` equal factors does: ``factor**T``, and the shrinkage ``1/factor**T``."""
    factor = as_float("factor", factor)
    rows = [[str(T), f"{factor**T:.3g}", f"{factor**-T:.3g}"] for T in steps]
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
    steps = bptt_steps(repeated_sequence(days), W_h=W_h, W_x=W_x)
    T = len(steps)
    rows = []
    for k in lags:
        if not 1 <= k <= T:
            raise ValueError(f"lags must lie in 1..{T}, got {k}")
        s = steps[T - k]  # step t = T-k+1: its cumulative is dh_T/dh_{T-k}
        rows.append([str(k), f"{s['cumulative']:.2e}", f"{reference**k:.2e}"])
    header = ["lag k", f"∂h{_sub(T)}/∂h{_sub(T)}₋ₖ", f"{reference:g}ᵏ"]
    local = [s["local"] for s in steps]
    note = f"Over all {T} steps the local factor lies between {min(local):.4f} and {max(local):.4f}."
    return markdown_table(header, rows) + "\n\n" + note


def sweep_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_hs: Sequence[float] = (0.1, 0.3, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0),
    W_x: float = 0.01,
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
    grid = np.round(np.arange(lo, hi + step / 2, step), 6)
    rows = sweep_rows(sequence, grid, W_x=W_x)
    best = max(rows, key=lambda r: r["cumulative"])
    T = _sub(len(sequence))
    cells = [
        f"{lo:g} to {hi:g} in steps of {step:g}",
        f"{best['W_h']:.3f}",
        f"{best['cumulative']:.5e}",
        f"{best['h_T']:.4f}",
    ]
    return markdown_table(["W_h grid", "peak at W_h", f"∂h{T}/∂h₀ there", f"h{T} there"], [cells])


def saturation_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_hs: Sequence[float] = (0.1, 0.3, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0),
    W_x: float = 0.01,
) -> str:
    """Split dh_T/dh_0 = W_h**T * prod tanh'(z_t) into its two parts, one row per W_h.

    The first part grows with W_h; the second shrinks, because a larger W_h pushes every
    z_t further into tanh's flat tails.
    """
    rows = []
    for W_h in W_hs:
        steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
        slopes = np.array([1.0 - s["h"] ** 2 for s in steps])  # tanh'(z_t), from h_t = tanh(z_t)
        rows.append(
            [
                str(float(W_h)),
                f"{max(s['z'] for s in steps):.2f}",
                f"{float(W_h) ** len(steps):.2e}",
                f"{np.prod(slopes):.2e}",
                f"{steps[0]['cumulative']:.2e}",
            ]
        )
    T = len(sequence)
    header = ["W_h", "largest z_t", f"W_h{_sup(T)}", "Π tanh′(z_t)", f"∂h{_sub(T)}/∂h₀"]
    return markdown_table(header, rows)


# Errata and "Test your understanding": each function below is one snippet's table.


def chain_ends_table(sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01) -> str:
    """Where the BPTT chain ends: dh_T/dh_0 (the row labelled t = 1) beside the chain that stops at day 1.

    dh_T/dh_1 drops the factor h_0 -> h_1; dh_T/dz_1 and dh_T/dx_1 go on from h_1 to day 1's
    pre-activation and to day 1's input.
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    T = _sub(len(steps))
    to_h0 = steps[0]["cumulative"]
    to_h1 = steps[1]["cumulative"] if len(steps) > 1 else 1.0
    to_z1 = to_h1 * (1.0 - steps[0]["h"] ** 2)  # dh_1/dz_1 = tanh'(z_1)
    to_x1 = to_z1 * W_x  # dz_1/dx_1 = W_x
    rows: list[tuple[str, str, float]] = [
        (f"∂h{T}/∂h₀", "the row labelled t = 1: ends at h₀, so includes local₁", to_h0),
        (f"∂h{T}/∂h₁", "ends at day 1's state h₁", to_h1),
        (f"∂h{T}/∂z₁", "on through tanh'(z₁) to day 1's pre-activation", to_z1),
        (f"∂h{T}/∂x₁", "on through W_x to day 1's price", to_x1),
    ]
    return markdown_table(
        ["quantity", "what it is", "6 decimals", "3 digits"],
        [[q, what, f"{v:.6f}", f"{v:.2e}"] for q, what, v in rows],
        align="left",
    )


def orders_table(sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01) -> str:
    """How many orders of magnitude the chain loses from t = T to t = 1, from printed and from full values."""
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    last, first = steps[-1]["cumulative"], steps[0]["cumulative"]
    p_last, p_first = float(f"{last:.6f}"), float(f"{first:.6f}")  # as the BPTT table prints them
    rows: list[tuple[str, str, str, float]] = [
        ("as printed (6 decimals)", f"{p_last:.6f}", f"{p_first:.6f}", p_last / p_first),
        ("full precision", f"{last:.6e}", f"{first:.6e}", last / first),
    ]
    return markdown_table(
        ["values", "cumulative at t = T", "cumulative at t = 1", "ratio", "orders of magnitude (log₁₀)"],
        [[a, b, c, f"{ratio:.0f}", f"{np.log10(ratio):.2f}"] for a, b, c, ratio in rows],
    )


def orders_readings_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> str:
    """Orders of magnitude between the late and the early end of the chain, for each way of reading the rows.

    The row labelled t = T holds dh_T/dh_{T-1}, one factor already; the gradient arriving at h_T
    itself is dh_T/dh_T = 1. The row labelled t = 1 holds dh_T/dh_0; the chain to day 1's state
    is dh_T/dh_1.
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    T, before = _sub(len(steps)), _sub(len(steps) - 1)
    late_row, to_h0 = steps[-1]["cumulative"], steps[0]["cumulative"]
    to_h1 = steps[1]["cumulative"] if len(steps) > 1 else 1.0
    readings: list[tuple[str, str, float, str, float]] = [
        ("rows as printed (t = T against t = 1)", f"∂h{T}/∂h{before}", late_row, f"∂h{T}/∂h₀", to_h0),
        ("t = T row against the chain to day 1", f"∂h{T}/∂h{before}", late_row, f"∂h{T}/∂h₁", to_h1),
        (f"h{T} itself against day 1's state", f"∂h{T}/∂h{T}", 1.0, f"∂h{T}/∂h₁", to_h1),
        (f"h{T} itself against the blank h₀", f"∂h{T}/∂h{T}", 1.0, f"∂h{T}/∂h₀", to_h0),
    ]
    rows = [
        [name, f"{a} = {va:.6g}", f"{b} = {vb:.4e}", f"{va / vb:.0f}", f"{np.log10(va / vb):.2f}"]
        for name, a, va, b, vb in readings
    ]
    return markdown_table(["reading", "late end", "early end", "ratio", "orders of magnitude (log₁₀)"], rows)


def first_factor_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_hs: Sequence[float] = (0.5, 1.0, 2.0, 2.5, 3.0),
    W_x: float = 0.01,
) -> str:
    """Each local factor W_h tanh'(z_t), and their product dh_T/dh_0, one row per W_h.

    With h_0 = 0 the first pre-activation z_1 = W_x x_1 does not depend on W_h, so the first
    factor is W_h tanh'(z_1), a straight line in W_h; the later z_t grow with W_h and saturate.
    """
    rows = []
    for W_h in W_hs:
        steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
        local = [f"{s['local']:.4f}" for s in steps]
        rows.append([f"{float(W_h):g}", *local, f"{steps[0]['cumulative']:.2e}"])
    T = len(sequence)
    header = ["W_h", *(f"local{_sub(t)}" for t in range(1, T + 1)), f"product ∂h{_sub(T)}/∂h₀"]
    return markdown_table(header, rows)


def mean_factor_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01, steps: int = 20
) -> str:
    """Which "average" local factor reproduces the chain: 0.1, the arithmetic mean, or the geometric mean.

    Each is raised to the sequence length (to compare with the exact chain) and to ``steps``.
    """
    records = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    local = np.array([s["local"] for s in records])
    T = len(local)
    candidates = [
        ("the article's ~0.1", 0.1),
        ("arithmetic mean", float(local.mean())),
        ("geometric mean", float(np.exp(np.log(local).mean()))),
    ]
    rows = [[name, f"{m:.4f}", f"{m**T:.3e}", f"{m**steps:.2e}"] for name, m in candidates]
    rows.append(["exact chain", "", f"{records[0]['cumulative']:.3e}", ""])
    return markdown_table(["average factor", "value", f"value^{T}", f"value^{steps}"], rows)


def hand_product_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> str:
    """The product of the local factors as printed (4 decimals) against the exact product."""
    local = [s["local"] for s in bptt_steps(sequence, W_h=W_h, W_x=W_x)]
    rounded = [float(f"{v:.4f}") for v in local]
    by_hand = float(np.prod(rounded[::-1]))
    exact = float(np.prod(local[::-1]))
    rows = [
        [" · ".join(f"{v:.4f}" for v in rounded[::-1]), f"{by_hand:.4e}", f"{by_hand:.6f}"],
        ["the same factors at full precision", f"{exact:.4e}", f"{exact:.6f}"],
    ]
    table = markdown_table(["product of", "value", "6 decimals"], rows, align="left")
    return table + f"\n\nThe rounding changes the product by {abs(by_hand / exact - 1):.2%}."


def input_scale_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 1.5, W_xs: Sequence[float] = (0.01, 0.0001)
) -> str:
    """One W_h, several input weights: saturated z_t makes the chain vanish, z_t near 0 lets it grow."""
    rows = []
    for W_x in W_xs:
        steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
        z = [s["z"] for s in steps]
        local = [s["local"] for s in steps]
        rows.append(
            [
                f"{W_h:g}",
                f"{W_x:g}",
                f"{min(z):.4f} to {max(z):.4f}",
                f"{min(local):.4f} to {max(local):.4f}",
                f"{steps[0]['cumulative']:.8f}",
                f"{W_h ** len(steps):.4f}",
            ]
        )
    T = _sub(len(sequence))
    header = ["W_h", "W_x", "z_t", "local factors", f"∂h{T}/∂h₀", f"W_h^{len(sequence)}"]
    return markdown_table(header, rows)


def constant_chain_table(
    factors: Sequence[float] = (0.1, 0.7, 0.9, 0.99), steps: Sequence[int] = (5, 20, 100)
) -> str:
    """``factor**T`` by repeated multiplication, for RNN-like factors and LSTM-like forget gates."""
    rows = []
    for T in steps:
        cells = [str(T)]
        for f in factors:
            product = 1.0
            for _ in range(T):
                product *= f
            cells.append(f"{product:.2e}")
        rows.append(cells)
    return markdown_table(["T", *(f"{f:g}ᵀ" for f in factors)], rows)


def learning_rate_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lrs: Sequence[float] = (0.01, 1.0, 100.0),
) -> str:
    """What a learning rate does to the per-day terms of dh_T/dW_x: it scales them all alike.

    Day t's term is ``dh_T/dh_t * tanh'(z_t) * x_t``; the first table gives the two ends of the
    sum, the second the update each learning rate makes from each of them. A third line shows
    a term that underflowed (0.1 multiplied 46 times in float32) and what any rate makes of it.
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    T = len(steps)
    to_h = [steps[t]["cumulative"] if t < T else 1.0 for t in range(1, T + 1)]  # dh_T/dh_t, t = 1..T
    terms = [to_h[t] * (1.0 - steps[t]["h"] ** 2) * steps[t]["x"] for t in range(T)]
    first, last = terms[0], terms[-1]
    Ts = _sub(T)
    grad = markdown_table(
        ["term of ∂h" + Ts + "/∂W_x", "value", "share of the sum"],
        [
            [f"day {T}", f"{last:.4f}", f"{last / sum(terms):.4%}"],
            ["day 1", f"{first:.6f}", f"{first / sum(terms):.4%}"],
            ["ratio", f"{last / first:.0f}", ""],
        ],
    )
    updates = markdown_table(
        ["learning rate", "update from day 1", f"update from day {T}"],
        [[f"{lr:g}", f"{lr * first:.6f}", f"{lr * last:.4f}"] for lr in lrs],
    )
    underflowed = np.float32(1.0)
    for _ in range(46):
        underflowed = np.float32(underflowed * np.float32(0.1))
    zero = markdown_table(
        ["a term after 46 factors of 0.1 in float32", *(f"× {lr:g}" for lr in lrs)],
        [[f"{float(underflowed):g}", *(f"{float(np.float32(lr) * underflowed):g}" for lr in lrs)]],
    )
    return "\n\n".join([grad, updates, zero])


def lstm_path_rows(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lstm_w_x: float = 0.01,
    lstm_w_h: float = 0.5,
    b_i: float = 0.0,
    b_f: float = 2.0,
    b_g: float = 0.0,
    b_o: float = 0.0,
) -> list[dict[str, float]]:
    """The RNN's chain beside a one-unit LSTM's cell path, one record per step t = 1..T.

    The RNN is the anchor's (``W_h``, ``W_x``, b = 0, h_0 = 0). Every LSTM gate has input weight
    ``lstm_w_x`` and recurrent weight ``lstm_w_h``; the biases are ``b_i, b_f, b_g, b_o``.
    Record t holds ``rnn_local`` (dh_t/dh_{t-1}), ``rnn_chain`` (dh_T/dh_{t-1}), ``f`` (f_t),
    ``cell_path`` (prod f_t..f_T = dC_T/dC_{t-1} along the cell state alone) and ``cell_full``
    (dC_T/dC_{t-1} with the paths through h and the gates included).

    ``docs/javascripts/explorable.js`` repeats the RNN chain, ``f`` and ``cell_path`` in the reader's
    browser (the LSTM chapter's b_f slider); ``tests/test_explorable.py`` checks it against this
    function via ``lstmgrad lstm``.
    """
    from lstmgrad.models import lstm  # numpy-only; imported here so the RNN tables do not need it

    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    x = np.asarray([s["x"] for s in steps]).reshape(1, -1, 1)  # (B=1, T, D=1)
    trace = lstm.forward(
        x,
        W_x=np.full((4, 1), as_float("lstm_w_x", lstm_w_x)),
        W_h=np.full((4, 1), as_float("lstm_w_h", lstm_w_h)),
        b=np.array([b_i, b_f, b_g, b_o], dtype=float),  # PyTorch gate order: i, f, g, o
    )
    f = trace.f[0, :, 0]
    path = lstm.cell_path(trace)[0, :, 0]  # entry k: dC_T/dC_k, k = 0..T
    full = lstm.cell_jacobian(trace)[0, :, 0, 0]
    return [
        {
            "t": t,
            "x": s["x"],
            "rnn_local": s["local"],
            "rnn_chain": s["cumulative"],
            "f": float(f[t - 1]),
            "cell_path": float(path[t - 1]),
            "cell_full": float(full[t - 1]),
        }
        for t, s in enumerate(steps, start=1)
    ]


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
    """`lstm_path_rows` as a table, from t = T back to 1, or only at the given ``lags``.

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
        for k in lags:
            if not 1 <= k <= T:
                raise ValueError(f"lags must lie in 1..{T}, got {k}")
        picked = [(str(k), rows[T - k]) for k in lags]
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
    """What an untrained forget gate keeps: sigma(b_f) per step, sigma(b_f)**L over each lag L, and 1 + e^b_f.

    With the gate's weights small next to its bias, f_t is about sigma(b_f), so the cell path
    keeps sigma(b_f)**L of C over L steps. The gate forgets 1 - sigma(b_f) = 1 / (1 + e^b_f)
    per step, so a memory lasts about 1 + e^b_f steps. ``chrono_T`` adds the range that chrono
    initialisation (b_f = log u, u ~ U(1, T - 1)) spans for sequences of length T.
    """

    def sigmoid(b: float) -> float:
        return 1.0 / (1.0 + np.exp(-b))

    rows = []
    for b in b_fs:
        f = sigmoid(float(b))
        cells = [f"{float(b):g}", f"{f:.4f}", f"{1.0 - f:.1%}"]
        cells += [f"{f**L:.2g}" for L in lags]
        rows.append([*cells, f"{1.0 + np.exp(float(b)):.1f}"])
    if chrono_T is not None:
        lo, hi = 0.0, float(np.log(chrono_T - 1.0))  # log of the ends of U(1, T - 1)
        f_lo, f_hi = sigmoid(lo), sigmoid(hi)
        cells = [f"chrono, T = {chrono_T}: {lo:g} to {hi:.2f}", f"{f_lo:.4f} to {f_hi:.4f}"]
        cells.append(f"{1.0 - f_lo:.1%} to {1.0 - f_hi:.1%}")
        cells += [f"{f_lo**L:.2g} to {f_hi**L:.2g}" for L in lags]
        rows.append([*cells, f"{1.0 + np.exp(lo):.0f} to {1.0 + np.exp(hi):.0f}"])
    header = ["b_f", "σ(b_f), kept per step", "forgotten per step"]
    header += [f"σ(b_f)^{L}, kept over {L} steps" for L in lags]
    return markdown_table([*header, "memory ≈ 1 + e^(b_f) steps"], rows)
