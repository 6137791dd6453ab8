"""The gated models, gate by gate: the LSTM cell drawn once per gate, the forget-bias crossover, the GRU.

Numbers from `lstmgrad.studies.gates` (and `lstmgrad.studies.article` for the RNN and LSTM
chains); the drawing is `lstmgrad.present.diagrams.lstm_cell_svg` with one gate highlighted.
Shown in the LSTM chapter (``docs/lstm.md``) and the GRU chapter (``docs/gru.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad.present.diagrams import CELL, INK, LSTM_GATES, MUTED, PAPER, SHADE, _svg, _text, lstm_cell_svg
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
            "the candidate g t and its path through the multiplication by i t "
            "to the addition on the cell line",
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
        sequence,
        lstm_w_x=w_x,
        lstm_w_h=w_h,
        b_f=b_f,
        highlight=gate,
        caption=caption,
        example=example,
        alt=alt,
    )


def forget_bias_crossover_table(days: int = 90, lags: Sequence[int] = (5, 30, 90), at: float = -2.0) -> str:
    """Per lag: the forget bias below which the LSTM's cell path falls under the RNN's chain
    (`lstmgrad.studies.gates.forget_bias_crossover`), and both at ``b_f = at``, over ``days`` of
    the anchor."""
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
    picked = (
        [(str(r["t"]), r) for r in reversed(rows)]
        if lags is None
        else [(str(k), r) for k, r in at_lags(rows, lags)]
    )
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
        ax.semilogy(
            back, rnn, "o-", color="C0", markevery=every, label=r"vanilla RNN: $\prod\, W_h \tanh'(z_t)$"
        )
        ax.semilogy(
            back,
            cell,
            "s--",
            color="C1",
            markevery=every,
            label=rf"LSTM cell path: $\prod f_t$, $b_f$ = {b_f:g}",
        )
        ax.semilogy(
            back,
            upd,
            "^-.",
            color="C2",
            markevery=every,
            label=rf"GRU update path: $\prod u_t$, $b_u$ = {b_u:g}",
        )
        ax.set_xlabel("steps back from the last state, k")
        ax.set_ylabel("gradient factor over k steps (log scale)")
        ax.legend(loc="lower left")
    alt = (
        f"Log-scale chart over {days} steps back. The vanilla RNN's chain falls from {rnn[0]:.2g} to "
        f"{rnn[-1]:.2g}; the LSTM's cell path only falls from {cell[0]:.2g} to {cell[-1]:.2g}, and the GRU's "
        f"update path from {upd[0]:.2g} to {upd[-1]:.2g}."
    )
    return svg_text(fig, alt)


def gru_cell_svg(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, w_x: float = 0.01, w_h: float = 0.5, b_u: float = 2.0
) -> str:
    """One GRU cell: the reset gate, the update gate u_t (PyTorch's z_t) and the candidate, with the update
    path ``h_{t-1} -> x u_t -> + -> h_t`` marked in red, as `lstmgrad.present.diagrams.lstm_cell_svg`
    marks the LSTM's cell path. A line under the cell gives the worked example's update gates and
    their product (`lstmgrad.studies.gates.gru_path_rows`)."""
    rows = gru_path_rows(sequence, w_x=w_x, w_h=w_h, b_u=b_u)
    u = [r["u"] for r in rows]
    T, path = len(rows), rows[0]["update_path"]
    y_c, y_mul, y_gate, y_bus = 70, 130, 200, 250
    x_u, x_one, x_r, x_n = 170, 270, 300, 400

    def wire(points: str, arrow: bool = True) -> str:
        end = ' marker-end="url(#gru-ink)"' if arrow else ""
        return f'<polyline points="{points}" fill="none" stroke="{INK}" stroke-width="1.5"{end}/>'

    def op(x: float, y: float, sign: str, colour: str = INK) -> str:
        return f'<circle cx="{x}" cy="{y}" r="13" {PAPER} stroke="{colour}" stroke-width="2"/>' + _text(
            x, y + 5, sign, extra=f'fill="{colour}" font-weight="700"'
        )

    def box(x: float, y: float, label: str, name: str = "") -> str:
        out = f'<rect x="{x - 24}" y="{y - 15}" width="48" height="30" rx="4" {PAPER} stroke="{INK}"/>'
        out += _text(x, y + 5, label)
        if name:
            out += _text(x + 5, y + 33, name, anchor="start", extra=f'fill="{MUTED}" font-size="12"')
        return out

    body = [f'<rect x="90" y="40" width="440" height="240" rx="14" {SHADE} stroke="{MUTED}"/>']
    # h_{t-1} also feeds the gates, with x_t, through the bus below
    body.append(wire(f"60,{y_c} 60,{y_bus} {x_n},{y_bus}", arrow=False))
    body.append(wire(f"130,320 130,{y_bus}", arrow=False))
    body.append(_text(140, 316, "xₜ", anchor="start"))
    for x in (x_u, x_r, x_n):
        body.append(wire(f"{x},{y_bus} {x},{y_gate + 17}"))
    body.append(box(x_u, y_gate, "σ", "uₜ"))
    body.append(box(x_r, y_gate, "σ", "rₜ"))
    body.append(box(x_n, y_gate, "tanh", "nₜ"))
    body.append(wire(f"{x_r + 24},{y_gate} {x_n - 26},{y_gate}"))  # r_t scales W_hn h_{t-1} + b_hn inside n_t
    # u_t scales the old state; 1 - u_t scales the candidate
    body.append(wire(f"{x_u},{y_gate - 15} {x_u},{y_c + 15}"))
    body.append(wire(f"{x_u},{y_mul} {x_one - 22},{y_mul}"))
    body.append(box(x_one, y_mul, "1 −"))
    body.append(wire(f"{x_one + 24},{y_mul} {x_n - 15},{y_mul}"))
    body.append(wire(f"{x_n},{y_gate - 15} {x_n},{y_mul + 15}"))
    body.append(op(x_n, y_mul, "×"))
    body.append(wire(f"{x_n},{y_mul - 13} {x_n},{y_c + 15}"))
    # the update path, on top: one multiplication by u_t, one addition
    body.append(
        f'<line class="update-path" x1="20" y1="{y_c}" x2="598" y2="{y_c}" stroke="{CELL}" stroke-width="5" '
        f'marker-end="url(#gru-cell)"/>'
    )
    body.append(op(x_u, y_c, "×", CELL))
    body.append(op(x_n, y_c, "+", CELL))
    body.append(_text(20, y_c - 12, "hₜ₋₁", anchor="start", extra=f'fill="{CELL}"'))
    body.append(_text(600, y_c - 12, "hₜ", anchor="end", extra=f'fill="{CELL}"'))
    caption = "update path: hₜ = uₜ·hₜ₋₁ + (1 − uₜ)·nₜ, so along it ∂hₜ/∂hₜ₋₁ = uₜ"
    body.append(_text(310, 28, caption, extra=f'fill="{CELL}" font-weight="600"'))
    example = (
        f"worked example, b_u = {b_u:g}, {T} prices: uₜ from {min(u):.4f} to {max(u):.4f}, Π uₜ = {path:.4f}"
    )
    body.append(_text(310, 340, example, extra=f'class="example" fill="{MUTED}"'))
    alt = (
        "A GRU cell. The hidden state runs straight across the top, from h t-1 to h t, marked in red: it is "
        "multiplied by the update gate u t and then has one minus u t times the candidate n t added, with no "
        "weight matrix and no tanh on the way. Below, the gates u and r and the candidate n read "
        "h t-1 and x t; "
        f"r t scales the recurrent part of n t. In the worked example the product of the {T} update gates "
        f"is {path:.4f}."
    )
    return _svg(620, 356, alt, body, "gru")
