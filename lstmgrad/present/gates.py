"""The gated models, gate by gate: the LSTM cell drawn once per gate, the forget-bias crossover, the GRU.

Numbers from `lstmgrad.studies.gates` (and `lstmgrad.studies.article` for the RNN and LSTM
chains); the drawing is `lstmgrad.present.diagrams.lstm_cell_svg` with one gate highlighted.
Shown in the LSTM chapter (``docs/lstm.md``) and the GRU chapter (``docs/gru.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad.present.diagrams import LSTM_GATES, lstm_cell_svg
from lstmgrad.present.figures import style, svg_text
from lstmgrad.present.markdown import _sub, markdown_table
from lstmgrad.studies.article import at_lags, lstm_path_rows
from lstmgrad.studies.gates import forget_bias_crossover, gru_path_rows, lstm_gate_rows
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, repeated_sequence


def _values(rows: Sequence[dict[str, float]], key: str) -> str:
    return ", ".join(f"{r[key]:.4f}" for r in rows)


def lstm_gate_svg(
    gate: str,
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    w_x: float = 0.01,
    w_h: float = 0.5,
    b_f: float = 2.0,
) -> str:
    """The LSTM cell with ``gate`` (``"f"``, ``"i"``, ``"g"`` or ``"o"``) highlighted: its equation above
    the cell, and its values on the worked example (`lstmgrad.studies.gates.lstm_gate_rows`) below."""
    if gate not in LSTM_GATES:
        raise ValueError(f"gate must be one of {', '.join(LSTM_GATES)}, got {gate!r}")
    rows = lstm_gate_rows(sequence, w_x=w_x, w_h=w_h, b_f=b_f)
    first, last = rows[0], rows[-1]
    T = len(rows)
    texts = {
        "f": (
            "forget gate: fₜ = σ(w_f·xₜ + u_f·hₜ₋₁ + b_f) scales what Cₜ₋₁ keeps",
            f"worked example, b_f = {b_f:g}: fₜ = {_values(rows, 'f')}",
            "the forget gate f t and the multiplication it feeds on the cell-state line",
        ),
        "i": (
            "input gate: iₜ = σ(w_i·xₜ + u_i·hₜ₋₁ + b_i) scales what is written",
            f"worked example: iₜ = {_values(rows, 'i')}",
            "the input gate i t and the multiplication of i t by the candidate g t",
        ),
        "g": (
            "candidate: gₜ = tanh(w_g·xₜ + u_g·hₜ₋₁ + b_g), what could be written",
            f"worked example: gₜ from {min(r['g'] for r in rows):.4f} to {max(r['g'] for r in rows):.4f}; "
            f"C{_sub(1)} = {first['C']:.4f}, C{_sub(T)} = {last['C']:.4f}",
            "the candidate g t and its path through the multiplication by i t to the addition on the cell line",
        ),
        "o": (
            "output gate: hₜ = oₜ·tanh(Cₜ) shows part of the cell",
            f"worked example: oₜ from {min(r['o'] for r in rows):.4f} to {max(r['o'] for r in rows):.4f}; "
            f"h{_sub(1)} = {first['h']:.4f}, h{_sub(T)} = {last['h']:.4f}",
            "the output gate o t, the tanh of C t and their product h t",
        ),
    }
    caption, example, part = texts[gate]
    alt = f"The same LSTM cell with {part} highlighted and the rest dimmed. {caption}. {example}."
    return lstm_cell_svg(
        sequence, lstm_w_x=w_x, lstm_w_h=w_h, b_f=b_f, highlight=gate, caption=caption, example=example, alt=alt
    )


def forget_bias_crossover_table(days: int = 90, lags: Sequence[int] = (5, 30, 90), at: float = -2.0) -> str:
    """Per lag: the forget bias below which the LSTM's cell path falls under the RNN's chain
    (`lstmgrad.studies.gates.forget_bias_crossover`), and both at ``b_f = at``, over ``days`` of the anchor."""
    seq = repeated_sequence(days)
    rows = lstm_path_rows(seq, b_f=at)
    cells = [
        [str(k), f"{forget_bias_crossover(seq, k):.3f}", f"{r['cell_path']:.2e}", f"{r['rnn_chain']:.2e}"]
        for k, r in at_lags(rows, lags)
    ]
    shown = f"{at:g}".replace("-", "−")
    header = ["lag k", "b_f where Π f = RNN chain", f"Π f at b_f = {shown}", "RNN chain"]
    return markdown_table(header, cells)


def gru_path_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    b_u: float = 2.0,
    lags: Sequence[int] | None = None,
    W_h: float = 0.5,
    W_x: float = 0.01,
    w_x: float = 0.01,
    w_h: float = 0.5,
) -> str:
    """`lstmgrad.studies.gates.gru_path_rows` as a table, from t = T back to 1, or only at ``lags``."""
    rows = gru_path_rows(sequence, W_h=W_h, W_x=W_x, w_x=w_x, w_h=w_h, b_u=b_u)
    T = len(rows)
    picked = [(str(r["t"]), r) for r in reversed(rows)] if lags is None else [(str(k), r) for k, r in at_lags(rows, lags)]
    cells = [
        [label, f"{r['rnn_chain']:.2e}", f"{r['u']:.4f}", f"{r['update_path']:.4f}", f"{r['full']:.4f}"]
        for label, r in picked
    ]
    h = f"∂h{_sub(T)}/∂hₜ₋₁"
    first = "t" if lags is None else "lag k (t = T−k+1)"
    header = [first, f"RNN {h}", "uₜ", f"GRU update path {h} = Π u", f"GRU {h}, all paths"]
    return markdown_table(header, cells)


def gated_paths_plot(
    sequence: Sequence[float] | None = None,
    W_h: float = 0.5,
    W_x: float = 0.01,
    w_x: float = 0.01,
    w_h: float = 0.5,
    b_f: float = 2.0,
    b_u: float = 2.0,
) -> str:
    """Log-scale plot, per step back: the RNN's chain, the LSTM's cell path (forget bias ``b_f``) and the
    GRU's update path (update bias ``b_u``), every gate ``w_x`` on x_t and ``w_h`` on h_{t-1}.

    ``sequence`` defaults to 90 days of the anchor's prices, repeated (``docs/gru.md``).
    """
    seq = repeated_sequence(90) if sequence is None else sequence
    lstm_rows = lstm_path_rows(seq, W_h=W_h, W_x=W_x, lstm_w_x=w_x, lstm_w_h=w_h, b_f=b_f)
    gru_rows = gru_path_rows(seq, W_h=W_h, W_x=W_x, w_x=w_x, w_h=w_h, b_u=b_u)
    days = len(lstm_rows)
    back = list(range(1, days + 1))
    rnn = np.array([r["rnn_chain"] for _, r in at_lags(lstm_rows, back)])
    cell = np.array([r["cell_path"] for _, r in at_lags(lstm_rows, back)])
    upd = np.array([r["update_path"] for _, r in at_lags(gru_rows, back)])
    every = max(1, days // 10)
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        ax.semilogy(back, rnn, "o-", color="C0", markevery=every, label=r"vanilla RNN: $\prod\, W_h \tanh'(z_t)$")
        ax.semilogy(back, cell, "s--", color="C1", markevery=every, label=rf"LSTM cell path: $\prod f_t$, $b_f$ = {b_f:g}")
        ax.semilogy(back, upd, "^-.", color="C2", markevery=every, label=rf"GRU update path: $\prod u_t$, $b_u$ = {b_u:g}")
        ax.set_xlabel("steps back from the last state, k")
        ax.set_ylabel("gradient factor over k steps (log scale)")
        ax.legend(loc="lower left")
    alt = (
        f"Log-scale chart over {days} steps back. The vanilla RNN's chain falls from {rnn[0]:.2g} to "
        f"{rnn[-1]:.2g}; the LSTM's cell path only falls from {cell[0]:.2g} to {cell[-1]:.2g}, and the GRU's "
        f"update path from {upd[0]:.2g} to {upd[-1]:.2g}."
    )
    return svg_text(fig, alt)
