"""Bidirectional RNN and LSTM: one layer reads the sequence forwards, a second reads it backwards.

For x (B, T, D) and a recurrent layer (``lstmgrad.rnn`` or ``lstmgrad.lstm``):

    h_fw_t = layer(x_1 .. x_t)               left to right, as usual
    h_bw_t = layer'(x_T .. x_t)              right to left: the same layer run over x reversed in time
    h_t    = [h_fw_t ; h_bw_t]               (B, T, 2H)

The two directions have their own weights. h_bw_t has read every step after t, so
h_t can see the future; nothing else changes. The backward pass is two ordinary
BPTT passes: the right-to-left one gets its gradient reversed in time, and its
input gradient is reversed back before the two are added.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from lstmgrad.checks import as_array, check_shape, float_dtype

#: The two directions, in the order their states are concatenated.
DIRECTIONS = ("fw", "bw")


@dataclass(frozen=True)
class BiTrace:
    """Both directions' traces, and the concatenated states h (B, T, 2H)."""

    layer: ModuleType  # lstmgrad.rnn or lstmgrad.lstm
    fw: Any  # the layer's trace over x
    bw: Any  # the layer's trace over x[:, ::-1]: its step t is the original step T + 1 - t
    h: np.ndarray  # (B, T, 2H), h[:, t] = [h_fw_t ; h_bw_t] in the original time order


def bidirectional_forward(layer: ModuleType, x: Any, fw: dict[str, Any], bw: dict[str, Any]) -> BiTrace:
    """Run ``layer.forward`` over ``x`` (B, T, D) with weights ``fw`` and over ``x`` reversed with ``bw``.

    ``fw`` and ``bw`` hold the layer's weights by name (``W_x``, ``W_h``, ``b``).
    Returns a `BiTrace` whose ``h`` is (B, T, 2H).
    """
    x = as_array("x", x, 3, float_dtype(fw["W_h"]), stacked=True)
    trace_fw = layer.forward(x, fw["W_x"], fw["W_h"], fw["b"])
    trace_bw = layer.forward(x[..., ::-1, :], bw["W_x"], bw["W_h"], bw["b"])
    # flip the right-to-left states back so that h[..., t, :] lines up with x[..., t, :]
    h = np.concatenate([trace_fw.h, trace_bw.h[..., ::-1, :]], axis=-1)
    return BiTrace(layer=layer, fw=trace_fw, bw=trace_bw, h=h)


def bidirectional_backward(trace: BiTrace, dh: Any) -> dict[str, Any]:
    """Gradients given ``dh`` = dL/dh_t (B, T, 2H): ``{"fw": {...}, "bw": {...}, "x": (B, T, D)}``.

    ``fw`` and ``bw`` are the layer's own gradient dicts (``W_x``, ``W_h``, ``b``, ...).
    """
    dh = as_array("dh", dh, 3, trace.h.dtype, stacked=True)
    check_shape("dh", dh, trace.h.shape, "B x T x 2H, the gradient at every [h_fw_t ; h_bw_t]")
    H = trace.h.shape[-1] // 2
    g_fw = trace.layer.backward(trace.fw, dh[..., :H])
    # the right-to-left layer saw time reversed: reverse its gradient on the way in and out
    g_bw = trace.layer.backward(trace.bw, np.ascontiguousarray(dh[..., ::-1, H:]))
    dx = g_fw["x"] + g_bw["x"][..., ::-1, :]
    return {"fw": g_fw, "bw": g_bw, "x": dx}


def stored_bytes(trace: Any) -> int:
    """Bytes of the arrays a trace keeps for its backward pass (weights excluded)."""
    if isinstance(trace, BiTrace):
        return stored_bytes(trace.fw) + stored_bytes(trace.bw)
    weights = {"W_x", "W_h", "b"}
    return int(
        sum(v.nbytes for k, v in vars(trace).items() if isinstance(v, np.ndarray) and k not in weights)
    )
