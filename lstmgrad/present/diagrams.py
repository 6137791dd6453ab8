"""Diagrams for the site, drawn from the package's numbers: each function returns an inline SVG string.

`unrolled_rnn_svg` labels every backward arrow of the unrolled RNN with its local factor from
`lstmgrad.models.rnn.bptt_steps`, printed as `lstmgrad.present.tables.bptt_table` prints it
(``docs/bptt.md``); `lstm_cell_svg` marks the LSTM cell's additive cell-state path and states the
worked example's forget gates from `lstmgrad.studies.article.lstm_path_rows` (``docs/lstm.md``).
Snippets print them into the pages at build time and golden copies pin them, so a diagram cannot
disagree with the table beside it. They follow the page's palette: ink is ``currentColor``, boxes are
filled with the page's background, and the two accents keep a 3:1 contrast on white and on the dark
slate. Each carries a title and an aria-label for screen readers.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from lstmgrad.models.rnn import bptt_steps
from lstmgrad.present.markdown import _sub
from lstmgrad.studies.article import lstm_path_rows
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

INK = "currentColor"  # the page's text colour, in either palette
MUTED = "#808080"
GRADIENT = "#5c6bc0"  # indigo: the backward pass
CELL = "#e53935"  # red: the LSTM's cell-state path
HIGHLIGHT = "#00897b"  # teal: the one gate a drawing is about (4.3:1 on white, 3.7:1 on the dark slate)
DIM = "0.3"  # the opacity of the parts it is not about: the page's ink, faded, in either palette
PAPER = 'style="fill: var(--md-default-bg-color, #fff)"'  # a box filled with the page's background
SHADE = 'style="fill: var(--md-default-fg-color--lightest, #f5f5f5)"'
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'


def _svg(
    width: float,
    height: float,
    alt: str,
    body: list[str],
    prefix: str,
    extra: tuple[tuple[str, str], ...] = (),
) -> str:
    """Wrap ``body`` in an accessible <svg> with arrowheads ``{prefix}-ink``, ``-grad``, ``-cell`` and
    one per ``(name, colour)`` in ``extra``."""
    label = html.escape(alt, quote=True)
    markers = "".join(
        f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" '
        f'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for name, colour in (("ink", INK), ("grad", GRADIENT), ("cell", CELL), *extra)
    )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width:g} {height:g}" '
        f'width="100%" style="max-width:{width:g}px;height:auto" fill="currentColor" {FONT} font-size="14">'
    )
    # One element per line and no blank lines: a blank line would end Markdown's raw-HTML block.
    return "\n".join([head, f"<title>{label}</title>", f"<defs>{markers}</defs>", *body, "</svg>"])


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" {extra}>{html.escape(text)}</text>'


def unrolled_rnn_svg(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    b: float = 0.0,
    h_0: float = 0.0,
) -> str:
    """The RNN unrolled over ``sequence``: inputs, states, the forward arrows, and one backward arrow per
    step labelled with its local factor ``dh_t/dh_{t-1} = W_h tanh'(z_t)`` to 4 decimals.

    Each label is a ``<text class="local" data-t="t">``, so tests can read them back.
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x, b=b, h_0=h_0)
    T = len(steps)
    gap, left, r = 120, 60, 22
    x_of = [left + k * gap for k in range(T + 1)]  # centre of h_k
    loss_x = x_of[-1] + gap
    width, y_h, y_x, y_back = loss_x + 50, 150, 250, 62
    body = []
    body.append(
        _text(
            width / 2,
            22,
            "backward: each arrow multiplies the gradient by its local factor W_h·tanh′(zₜ)",
            extra=f'fill="{GRADIENT}"',
        )
    )
    # forward arrows h_{k-1} -> h_k, and x_k -> h_k
    for k in range(1, T + 1):
        body.append(
            f'<line x1="{x_of[k - 1] + r:g}" y1="{y_h}" x2="{x_of[k] - r - 2:g}" y2="{y_h}" stroke="{INK}" '
            f'stroke-width="1.5" marker-end="url(#rnn-ink)"/>'
        )
        body.append(
            f'<line x1="{x_of[k]:g}" y1="{y_x - 16}" x2="{x_of[k]:g}" y2="{y_h + r + 2}" stroke="{INK}" '
            f'stroke-width="1.5" marker-end="url(#rnn-ink)"/>'
        )
        x_t = steps[k - 1]["x"]
        body.append(
            f'<rect x="{x_of[k] - 38:g}" y="{y_x - 16}" width="76" height="30" rx="4" '
            f'{PAPER} stroke="{MUTED}"/>'
        )
        body.append(_text(x_of[k], y_x + 4, f"x{_sub(k)} = {x_t:g}"))
    body.append(
        f'<line x1="{x_of[-1] + r:g}" y1="{y_h}" x2="{loss_x - 20:g}" y2="{y_h}" stroke="{INK}" '
        f'stroke-width="1.5" marker-end="url(#rnn-ink)"/>'
    )
    body.append(
        f'<rect x="{loss_x - 18:g}" y="{y_h - 18}" width="36" height="36" rx="4" {PAPER} stroke="{INK}"/>'
    )
    body.append(_text(loss_x, y_h + 5, "L"))
    # states
    for k in range(T + 1):
        body.append(
            f'<circle cx="{x_of[k]:g}" cy="{y_h}" r="{r}" {PAPER} stroke="{INK}" stroke-width="1.5"/>'
        )
        body.append(_text(x_of[k], y_h + 5, f"h{_sub(k)}"))
    body.append(_text(x_of[0], y_h + r + 20, f"h₀ = {h_0:g}", extra=f'fill="{MUTED}"'))
    # backward arrows h_k -> h_{k-1}, arcs above the states, labelled with local_k
    body.append(
        f'<path d="M{loss_x:g},{y_h - 18} Q{(loss_x + x_of[-1]) / 2:g},{y_back} '
        f'{x_of[-1] + 8:g},{y_h - r - 3}" fill="none" stroke="{GRADIENT}" stroke-width="2" '
        f'stroke-dasharray="5 3" marker-end="url(#rnn-grad)"/>'
    )
    body.append(
        _text((loss_x + x_of[-1]) / 2 + 10, y_back + 6, f"∂L/∂h{_sub(T)}", extra=f'fill="{GRADIENT}"')
    )
    for k in range(T, 0, -1):
        mid = (x_of[k] + x_of[k - 1]) / 2
        body.append(
            f'<path d="M{x_of[k] - 8:g},{y_h - r - 3} Q{mid:g},{y_back} {x_of[k - 1] + 8:g},{y_h - r - 3}" '
            f'fill="none" stroke="{GRADIENT}" stroke-width="2" marker-end="url(#rnn-grad)"/>'
        )
        local = steps[k - 1]["local"]
        body.append(
            _text(
                mid,
                y_back + 12,
                f"{local:.4f}",
                extra=f'class="local" data-t="{k}" fill="{GRADIENT}" font-weight="600"',
            )
        )
    body.append(
        _text(
            width / 2,
            y_x + 42,
            f"forward: h_t = tanh(W_h·h_t−1 + W_x·x_t + b), W_h = {W_h:g}, W_x = {W_x:g}, b = {b:g}",
            extra=f'fill="{MUTED}"',
        )
    )
    factors = ", ".join(f"{s['local']:.4f}" for s in reversed(steps))
    alt = (
        f"The RNN unrolled over {T} steps: inputs x1 to x{T} feed states h1 to h{T}, which feed the loss L. "
        f"Backward arrows run from the loss back to h0, labelled with each step's local factor, "
        f"from t = {T} down to 1: {factors}."
    )
    return _svg(width, y_x + 56, alt, body, "rnn")


#: The parts of the LSTM cell that `lstm_cell_svg` can highlight: the gates in PyTorch's order.
LSTM_GATES = ("i", "f", "g", "o")


def lstm_cell_svg(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    lstm_w_x: float = 0.01,
    lstm_w_h: float = 0.5,
    b_f: float = 2.0,
    highlight: str | None = None,
    caption: str | None = None,
    example: str | None = None,
    alt: str | None = None,
) -> str:
    """One LSTM cell: the four gates, and the cell-state path ``C_{t-1} -> x f_t -> + -> C_t`` marked in red.

    A line under the cell gives the chapter's worked example (every gate ``lstm_w_x`` on x_t,
    ``lstm_w_h`` on h_{t-1}, forget bias ``b_f``, over ``sequence``): the range of its forget
    gates and their product, the cell path, from `lstmgrad.studies.article.lstm_path_rows`.

    ``highlight`` (one of `LSTM_GATES`) draws the same cell with that gate, its wires and the
    operation it feeds in the highlight colour and the rest dimmed; ``caption`` (the line above),
    ``example`` (the line below) and ``alt`` then replace the cell-path texts
    (`lstmgrad.present.gates` writes them).
    """
    if highlight is not None and highlight not in LSTM_GATES:
        raise ValueError(f"highlight must be one of {', '.join(LSTM_GATES)}, got {highlight!r}")
    rows = lstm_path_rows(sequence, lstm_w_x=lstm_w_x, lstm_w_h=lstm_w_h, b_f=b_f)
    T = len(rows)
    f = [r["f"] for r in rows]
    path = rows[0]["cell_path"]
    y_c, y_h, y_gate, y_mul = 70, 250, 190, 130
    x_f, x_i, x_g, x_o, x_add, x_out = 170, 250, 310, 400, 310, 470
    body = [f'<rect x="90" y="40" width="440" height="240" rx="14" {SHADE} stroke="{MUTED}"/>']

    def ink(part: str | None = None) -> tuple[str, str, str, str]:
        """(colour, stroke width, marker, fade) of a part: ink as drawn, or highlighted, or dimmed.

        A dimmed part keeps the page's ink at opacity `DIM`, so it fades in either palette; ``fade``
        names the opacity attribute's value ("" for a part drawn at full strength)."""
        if highlight is None or part == "always":
            return INK, "1.5", "lstm-ink", ""
        if part == highlight:
            return HIGHLIGHT, "3", "lstm-hi", ""
        return INK, "1.5", "lstm-ink", DIM

    def faded(fade: str, what: str) -> str:
        """The attribute that fades a dimmed part's ``what`` ("stroke", "fill" or the whole element)."""
        if not fade:
            return ""
        return f' opacity="{fade}"' if what == "all" else f' {what}-opacity="{fade}"'

    def op(x: float, y: float, sign: str, colour: str = INK, part: str | None = None) -> str:
        fade = ""
        if part is not None and highlight is not None:
            colour, _, _, fade = ink(part)
        return (
            f'<circle cx="{x}" cy="{y}" r="13" {PAPER} stroke="{colour}"{faded(fade, "stroke")} '
            f'stroke-width="2"/>'
        ) + _text(x, y + 5, sign, extra=f'fill="{colour}"{faded(fade, "fill")} font-weight="700"')

    def gate(x: float, name: str, fn: str, part: str) -> str:
        colour, width, _, fade = ink(part)
        return (
            f'<rect x="{x - 24}" y="{y_gate - 15}" width="48" height="30" rx="4" {PAPER} '
            f'stroke="{colour}"{faded(fade, "stroke")}'
            + ("" if highlight is None else f' stroke-width="{width}"')
            + "/>"
            + _text(
                x, y_gate + 5, fn, extra="" if highlight is None else f'fill="{colour}"{faded(fade, "fill")}'
            )
            + _text(x + 5, y_gate + 33, name, anchor="start", extra=f'fill="{MUTED}" font-size="12"')
        )

    def wire(points: str, arrow: bool = True, part: str | None = None) -> str:
        colour, width, marker, fade = ink(part)
        end = f' marker-end="url(#{marker})"' if arrow else ""
        return (
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width}"{end}'
            f"{faded(fade, 'all')}/>"
        )

    # h_{t-1} and x_t merge into the bus that feeds every gate
    body.append(wire(f"20,{y_h} 130,{y_h} 130,{y_gate + 50} {x_o},{y_gate + 50}", arrow=False, part="always"))
    body.append(wire(f"130,310 130,{y_gate + 50}", arrow=False, part="always"))
    body.append(_text(20, y_h - 8, "hₜ₋₁", anchor="start"))
    body.append(_text(140, 306, "xₜ", anchor="start"))
    for x, part in ((x_f, "f"), (x_i, "i"), (x_g, "g"), (x_o, "o")):
        body.append(wire(f"{x},{y_gate + 50} {x},{y_gate + 17}", part=part))
    body.append(gate(x_f, "fₜ", "σ", "f"))
    body.append(gate(x_i, "iₜ", "σ", "i"))
    body.append(gate(x_g, "gₜ", "tanh", "g"))
    body.append(gate(x_o, "oₜ", "σ", "o"))
    # gate outputs
    body.append(wire(f"{x_f},{y_gate - 15} {x_f},{y_c + 15}", part="f"))
    body.append(wire(f"{x_i},{y_gate - 15} {x_i},{y_mul} {x_add - 15},{y_mul}", part="i"))
    body.append(wire(f"{x_g},{y_gate - 15} {x_g},{y_mul + 15}", part="g"))
    body.append(op(x_add, y_mul, "×", part="i" if highlight == "i" else "g"))
    body.append(wire(f"{x_add},{y_mul - 13} {x_add},{y_c + 15}", part="i" if highlight == "i" else "g"))
    # the output: tanh(C_t) times o_t gives h_t
    body.append(wire(f"{x_out},{y_c} {x_out},{y_mul - 13}", part="o"))
    colour, _, _, fade = ink("o")
    body.append(
        f'<rect x="{x_out - 24}" y="{y_mul - 13}" width="48" height="26" rx="4" {PAPER} '
        f'stroke="{colour}"{faded(fade, "stroke")}/>'
        + _text(
            x_out,
            y_mul + 5,
            "tanh",
            extra="" if highlight is None else f'fill="{colour}"{faded(fade, "fill")}',
        )
    )
    body.append(wire(f"{x_out},{y_mul + 13} {x_out},{y_gate - 15}", part="o"))
    body.append(wire(f"{x_o + 24},{y_gate} {x_out - 15},{y_gate}", part="o"))
    body.append(op(x_out, y_gate, "×", part="o"))
    body.append(wire(f"{x_out},{y_gate + 13} {x_out},{y_h} 600,{y_h}", part="o"))
    body.append(_text(600, y_h - 8, "hₜ", anchor="end"))
    # the cell-state path, on top: one multiplication by f_t, one addition, nothing else
    body.append(
        f'<line class="cell-path" x1="20" y1="{y_c}" x2="598" y2="{y_c}" stroke="{CELL}" stroke-width="5" '
        f'marker-end="url(#lstm-cell)"/>'
    )
    body.append(op(x_f, y_c, "×", CELL, part="f" if highlight == "f" else None))
    body.append(op(x_add, y_c, "+", CELL))
    body.append(_text(20, y_c - 12, "Cₜ₋₁", anchor="start", extra=f'fill="{CELL}"'))
    body.append(_text(600, y_c - 12, "Cₜ", anchor="end", extra=f'fill="{CELL}"'))
    top_colour = CELL if highlight is None else HIGHLIGHT
    body.append(
        _text(
            310,
            28,
            caption or "cell-state path: Cₜ = fₜ·Cₜ₋₁ + iₜ·gₜ, so ∂Cₜ/∂Cₜ₋₁ = fₜ (no W_h, no tanh)",
            extra=f'fill="{top_colour}" font-weight="600"',
        )
    )
    example = example or (
        f"worked example, b_f = {b_f:g}, {T} prices: fₜ from {min(f):.4f} to {max(f):.4f}, Π fₜ = {path:.4f}"
    )
    body.append(_text(310, 340, example, extra=f'class="example" fill="{MUTED}"'))
    alt = alt or (
        "An LSTM cell. The cell state runs straight across the top, from C t-1 to C t, marked in red: it is "
        "multiplied by the forget gate f t and then has the input gate times the candidate added, with no "
        "weight matrix and no tanh on the way. Below, the gates f, i, g and o read h t-1 and x t; the output "
        f"gate times tanh of C t gives h t. In the worked example the product of the {T} forget gates "
        f"is {path:.4f}."
    )
    extra = () if highlight is None else (("hi", HIGHLIGHT),)
    return _svg(620, 356, alt, body, "lstm", extra)
