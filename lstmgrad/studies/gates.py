"""The gated models opened gate by gate on the anchor: the LSTM's four gates, the forget-bias crossover,
and the GRU's update-gate path.

Each function names the page that shows its numbers; `lstmgrad.present.gates` formats them. The
one-unit models are those of the LSTM chapter's worked example: every gate has input weight
``w_x`` and recurrent weight ``w_h``, and only the gate that keeps the old state gets a bias
(the LSTM's forget gate ``b_f``, the GRU's update gate ``b_u``). The models are
`lstmgrad.models.lstm` and `lstmgrad.models.gru`; nothing here differentiates by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstmgrad.checks import as_float, as_sequence
from lstmgrad.models import gru, lstm
from lstmgrad.models.rnn import bptt_steps
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE


def _column(sequence: Sequence[float]) -> np.ndarray:
    return np.asarray(as_sequence("sequence", sequence), dtype=float).reshape(1, -1, 1)  # (B=1, T, D=1)


def lstm_trace(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    w_x: float = 0.01,
    w_h: float = 0.5,
    b_f: float = 2.0,
    b_i: float = 0.0,
    b_g: float = 0.0,
    b_o: float = 0.0,
) -> lstm.LSTMTrace:
    """The LSTM chapter's one-unit LSTM run over ``sequence``: every gate ``w_x`` on x_t and ``w_h`` on
    h_{t-1}; forget bias ``b_f``, the other biases ``b_i, b_g, b_o`` (zero in the chapter)."""
    return lstm.forward(
        _column(sequence),
        W_x=np.full((4, 1), as_float("w_x", w_x)),
        W_h=np.full((4, 1), as_float("w_h", w_h)),
        b=np.array([b_i, b_f, b_g, b_o], dtype=float),  # PyTorch gate order: i, f, g, o
    )


def lstm_gate_rows(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, w_x: float = 0.01, w_h: float = 0.5, b_f: float = 2.0
) -> list[dict[str, float]]:
    """Every gate of the worked example's LSTM, one record per step t = 1..T.

    Keys: ``t``, ``x`` (x_t), ``h_prev``, ``C_prev`` (h_{t-1}, C_{t-1}), ``f``, ``i``, ``g`` (the
    candidate C~_t), ``o``, ``kept`` (f_t C_{t-1}), ``written`` (i_t g_t), ``C``, ``tanh_C``, ``h``.
    Shown in the LSTM chapter (``docs/lstm.md``, one drawing per gate).
    """
    tr = lstm_trace(sequence, w_x=w_x, w_h=w_h, b_f=b_f)
    col = {name: getattr(tr, name)[0, :, 0] for name in ("i", "f", "C_tilde", "o", "C", "h")}
    C_all, h_all = tr.C_tm[:, 0, 0], tr.h_tm[:, 0, 0]
    rows = []
    for k, x_t in enumerate(tr.x[0, :, 0]):
        f, i, g = float(col["f"][k]), float(col["i"][k]), float(col["C_tilde"][k])
        rows.append(
            {
                "t": k + 1,
                "x": float(x_t),
                "h_prev": float(h_all[k]),
                "C_prev": float(C_all[k]),
                "f": f,
                "i": i,
                "g": g,
                "o": float(col["o"][k]),
                "kept": f * float(C_all[k]),
                "written": i * g,
                "C": float(col["C"][k]),
                "tanh_C": float(tr.tanh_C_tm[k, 0, 0]),
                "h": float(col["h"][k]),
            }
        )
    return rows


def log_path_gap(
    b_f: float, sequence: Sequence[float], lag: int, W_h: float = 0.5, W_x: float = 0.01
) -> float:
    """ln(LSTM cell path) - ln(RNN chain) over the last ``lag`` steps: positive while the cell path is larger.

    The cell path is prod f_t over those steps (`lstmgrad.models.lstm.cell_path`) for the worked
    example's LSTM at forget bias ``b_f``; the chain is the anchor RNN's dh_T/dh_{T-lag}. Both are
    summed as logarithms of their factors, so neither underflows however long the lag.
    """
    T = len(sequence)
    if not 1 <= lag <= T:
        raise ValueError(f"lag must lie in 1..{T}, got {lag}")
    f = lstm_trace(sequence, b_f=b_f).f[0, T - lag :, 0]
    local = [s["local"] for s in bptt_steps(sequence, W_h=W_h, W_x=W_x)[T - lag :]]
    return float(np.sum(np.log(f)) - np.sum(np.log(np.abs(local))))


def forget_bias_crossover(
    sequence: Sequence[float],
    lag: int,
    lo: float = -10.0,
    hi: float = 2.0,
    tol: float = 1e-9,
) -> float:
    """The forget bias b_f at which the LSTM's cell path equals the RNN's chain over ``lag`` steps.

    Below it the cell path is the smaller of the two. Found by bisection on `log_path_gap`, which
    rises with b_f (every f_t does); raises ``ValueError`` if ``[lo, hi]`` does not bracket a sign
    change. Shown in the LSTM chapter (``docs/lstm.md``, "Move the forget bias").
    """
    g_lo, g_hi = log_path_gap(lo, sequence, lag), log_path_gap(hi, sequence, lag)
    if not g_lo < 0 < g_hi:
        raise ValueError(f"b_f in [{lo:g}, {hi:g}] does not bracket the crossover at lag {lag}")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if log_path_gap(mid, sequence, lag) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def gru_trace(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, w_x: float = 0.01, w_h: float = 0.5, b_u: float = 2.0
) -> gru.GRUTrace:
    """The GRU chapter's one-unit GRU: every gate (r, u, n) ``w_x`` on x_t and ``w_h`` on h_{t-1}, the
    update gate's bias ``b_u``, every other bias zero. ``lstmgrad.models.gru`` calls the update gate z."""
    b_x = np.array([0.0, as_float("b_u", b_u), 0.0])  # PyTorch gate order: r, z (= u here), n
    return gru.forward(
        _column(sequence),
        W_x=np.full((3, 1), as_float("w_x", w_x)),
        W_h=np.full((3, 1), as_float("w_h", w_h)),
        b_x=b_x,
        b_h=np.zeros(3),
    )


def gru_path_rows(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    w_x: float = 0.01,
    w_h: float = 0.5,
    b_u: float = 2.0,
) -> list[dict[str, float]]:
    """The RNN's chain beside the GRU's update-gate path, one record per step t = 1..T.

    Keys: ``t``, ``x``, ``rnn_chain`` (dh_T/dh_{t-1} of the anchor RNN), ``r``, ``u`` (the update
    gate), ``n`` (the candidate), ``h``, ``update_path`` (u_t ... u_T = dh_T/dh_{t-1} along the
    u_t h_{t-1} term alone, `lstmgrad.models.gru.update_path`) and ``full`` (dh_T/dh_{t-1} with
    every path, `lstmgrad.models.gru.hidden_jacobian`). Shown in the GRU chapter (``docs/gru.md``).
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    tr = gru_trace(sequence, w_x=w_x, w_h=w_h, b_u=b_u)
    path = gru.update_path(tr)[0, :, 0]  # entry k: dh_T/dh_k, k = 0..T
    full = gru.hidden_jacobian(tr)[0, :, 0, 0]
    r, u, n, h = (getattr(tr, name)[0, :, 0] for name in ("r", "z", "n", "h"))
    return [
        {
            "t": t,
            "x": s["x"],
            "rnn_chain": s["cumulative"],
            "r": float(r[t - 1]),
            "u": float(u[t - 1]),
            "n": float(n[t - 1]),
            "h": float(h[t - 1]),
            "update_path": float(path[t - 1]),
            "full": float(full[t - 1]),
        }
        for t, s in enumerate(steps, start=1)
    ]
