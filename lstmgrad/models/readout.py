"""A layer and a linear readout: the models every experiment trains.

``kind`` names the layer: ``"rnn"``, ``"lstm"``, ``"gru"`` (`lstmgrad.models.rnn`, ``lstm``,
``gru``), ``"birnn"``, ``"bilstm"`` (`lstmgrad.models.bidirectional`) or ``"attention"``.
The readout turns hidden states into logits:

    logit   = W_y . h_T + b_y           the crash task: one answer, at the last step
    logit_t = W_y . h_t + b_y           ``every_step=True``: the taggers, one answer per step

Parameters are a dict of arrays named as in the layer's module, plus ``W_y`` and ``b_y``
(and ``W_x_bw``, ``W_h_bw``, ``b_bw`` for the right-to-left layer of a bidirectional one).
Every array may carry a leading seed axis S (`lstmgrad.models.common`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmgrad.models import gru, lstm, rnn
from lstmgrad.models.attention import attention_backward, attention_forward
from lstmgrad.models.bidirectional import bidirectional_backward, bidirectional_forward

KINDS = ("rnn", "lstm", "gru", "birnn", "bilstm", "attention")
LAYERS = {"rnn": rnn, "lstm": lstm, "gru": gru}

Params = dict[str, np.ndarray]


def layer_names(kind: str) -> tuple[str, ...]:
    """The recurrent layer's parameter names for ``kind``, in the order their gradients are summed."""
    if kind not in KINDS or kind == "attention":
        raise ValueError(f"kind must be one of {KINDS[:-1]}, got {kind!r}")
    return ("b_h", "W_h", "W_x", "b_x") if kind == "gru" else ("W_h", "W_x", "b")


def forward(kind: str, P: Params, x: Any, every_step: bool = False) -> tuple[np.ndarray, Any]:
    """Logits, (B,) or (B, T) with ``every_step``, for inputs x (B, T, D); and the trace for `backward`."""
    if kind == "attention":
        logits, cache = attention_forward(P, x, queries="all" if every_step else "last")
        return (logits if every_step else logits[..., 0]), cache
    names = layer_names(kind)
    layer = LAYERS[kind.removeprefix("bi")]
    if kind.startswith("bi"):
        trace: Any = bidirectional_forward(
            layer, x, {n: P[n] for n in names}, {n: P[f"{n}_bw"] for n in names}
        )
    else:
        trace = layer.forward(x, **{n: P[n] for n in names})
    if every_step:
        return np.einsum("...bth,...h->...bt", trace.h, P["W_y"]) + P["b_y"][..., None, None], trace
    h_T = trace.h[..., -1, :]
    return np.einsum("...bh,...h->...b", h_T, P["W_y"]) + P["b_y"][..., None], trace


def backward(
    kind: str, P: Params, trace: Any, dlogits: np.ndarray, every_step: bool = False
) -> tuple[Params, Any]:
    """Gradients for every entry of ``P`` given dL/dlogits, and dL/dx (B, T, D)."""
    if kind == "attention":
        return attention_backward(P, trace, dlogits if every_step else dlogits[..., None])
    W_y = P["W_y"]
    if every_step:
        grads: Params = {
            "W_y": np.einsum("...bt,...bth->...h", dlogits, trace.h),
            "b_y": dlogits.sum(axis=(-2, -1)),
        }
        dh = dlogits[..., None] * W_y[..., None, None, :]
    else:
        h_T = trace.h[..., -1, :]
        grads = {"W_y": np.einsum("...bh,...b->...h", h_T, dlogits), "b_y": dlogits.sum(axis=-1)}
        dh = dlogits[..., None] * W_y[..., None, :]
    names = layer_names(kind)
    if kind.startswith("bi"):
        both = bidirectional_backward(trace, dh)
        grads.update({n: both["fw"][n] for n in names})
        grads.update({f"{n}_bw": both["bw"][n] for n in names})
        return grads, both["x"]
    layer = LAYERS[kind].backward(trace, dh)
    grads.update({n: layer[n] for n in names})
    return grads, layer["x"]
