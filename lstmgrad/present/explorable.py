"""Mount points for the pages' explorables: an HTML element whose data attributes hold the defaults.

``docs/javascripts/explorable.js`` finds these elements in the browser and draws sliders, tables
and drawings in them. That file is a browser copy of `lstmgrad.models.rnn.bptt_steps`,
`lstmgrad.studies.article.lstm_path_rows` and `lstmgrad.studies.loss_terms.loss_terms` (the BPTT
explorable's loss block, with the head and target of `lstmgrad.tasks.anchor`);
``tests/test_explorable.py`` sets its controls to many values and compares every number it shows
with ``lstmgrad bptt``, ``lstmgrad lstm`` and `loss_terms` for the same inputs.

With JavaScript off the element keeps the note printed here, and the page's static tables stay.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from lstmgrad.checks import as_float, as_sequence
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE


def _numbers(values: Iterable[float]) -> str:
    # repr is the shortest text that reads back as the same float64, in Python and in JavaScript
    return ",".join(repr(float(v)) for v in values)


def _element(kind: str, attrs: dict[str, str], note: str) -> str:
    data = " ".join(f'data-{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    fallback = f'<p class="explorable__fallback">{note}</p>'
    return f'<div class="explorable" data-explorable="{kind}" {data}>\n{fallback}\n</div>'


def bptt_explorable(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01, b: float = 0.0
) -> str:
    """The BPTT chapter's explorable: sliders for W_h, W_x and b, an editable sequence, h_0 = 0; below
    the chain, tanh with the current z_t, and each day's dL/dx_t and terms of dL/dW_h and dL/dW_x
    (the loss of `lstmgrad.studies.loss_terms`, head and target fixed as on the page)."""
    x = as_sequence("sequence", sequence)
    attrs = {
        "sequence": _numbers(x),
        "w-h": repr(as_float("W_h", W_h)),
        "w-x": repr(as_float("W_x", W_x)),
        "b": repr(as_float("b", b)),
    }
    note = (
        "With JavaScript on, sliders for W_h, W_x and b and an editable sequence appear here, "
        "with the tables above and the loss's terms below recomputed live."
    )
    return _element("bptt", attrs, note)


def lstm_explorable(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lstm_w_x: float | None = None,
    lstm_w_h: float | None = None,
    b_i: float = 0.0,
    b_f: float = 2.0,
    b_g: float = 0.0,
    b_o: float = 0.0,
    T: int | None = None,
) -> str:
    """The LSTM chapter's explorable: W_h, W_x and forget-bias sliders over the setting of
    `lstmgrad.studies.article.lstm_path_rows`, over ``T`` days (default: the sequence's length).

    The arguments are those of `lstm_path_rows`. The reader moves ``b_f``, the recurrent weight W_h
    and the input weight W_x (one slider each, shared by the RNN and every LSTM gate, so ``W_h``
    must equal ``lstm_w_h`` and ``W_x`` must equal ``lstm_w_x``; by default they do) and the length T
    (the sequence repeated, as `lstmgrad.tasks.anchor.repeated_sequence` does).
    """
    x = as_sequence("sequence", sequence)
    attrs = {
        "sequence": _numbers(x),
        "w-h": repr(as_float("W_h", W_h)),
        "w-x": repr(as_float("W_x", W_x)),
        "lstm-w-x": repr(as_float("lstm_w_x", W_x if lstm_w_x is None else lstm_w_x)),
        "lstm-w-h": repr(as_float("lstm_w_h", W_h if lstm_w_h is None else lstm_w_h)),
        "gate-biases": _numbers([b_i, b_f, b_g, b_o]),  # PyTorch gate order: i, f, g, o
        "t": str(len(x) if T is None else T),
    }
    if attrs["w-h"] != attrs["lstm-w-h"] or attrs["w-x"] != attrs["lstm-w-x"]:
        raise ValueError(
            "lstm_explorable: one W_h and one W_x slider drive both models; give W_h == lstm_w_h "
            f"and W_x == lstm_w_x (got {W_h}, {lstm_w_h} and {W_x}, {lstm_w_x})"
        )
    if not (isinstance(T, int) or T is None) or not 1 <= int(attrs["t"]) <= 1000:
        raise ValueError(f"lstm_explorable: T must be a whole number from 1 to 1000, got {T!r}")
    note = "With JavaScript on, sliders for W_h, W_x and the forget-gate bias b_f appear here."
    return _element("lstm", attrs, note)
