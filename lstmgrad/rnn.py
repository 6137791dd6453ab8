"""The vanilla tanh RNN, in the article's scalar form.

    z_t = W_h * h_{t-1} + W_x * x_t + b
    h_t = tanh(z_t)

and the quantities BPTT multiplies together on its way back:

    local_t      = dh_t/dh_{t-1} = W_h * tanh'(z_t) = W_h * (1 - h_t**2)
    cumulative_t = local_T * local_{T-1} * ... * local_t = dh_T/dh_{t-1}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.checks import as_float, as_sequence


@dataclass(frozen=True)
class ScalarTrace:
    """Everything one forward pass of the scalar RNN produced; arrays have shape (T,)."""

    x: np.ndarray  # x_t, the inputs
    z: np.ndarray  # z_t, the pre-activations
    h: np.ndarray  # h_t, the hidden states (h_0 not included)
    W_h: float
    W_x: float
    b: float
    h_0: float


def scalar_forward(x: Any, W_h: float, W_x: float, b: float = 0.0, h_0: float = 0.0) -> ScalarTrace:
    """Run the scalar RNN ``h_t = tanh(W_h h_{t-1} + W_x x_t + b)`` over ``x`` (shape (T,))."""
    x = as_sequence("sequence", x)
    W_h, W_x = as_float("W_h", W_h), as_float("W_x", W_x)
    b, h_0 = as_float("b", b), as_float("h_0", h_0)
    z = np.empty_like(x)
    h = np.empty_like(x)
    h_prev = h_0
    for t, x_t in enumerate(x):
        z[t] = W_h * h_prev + W_x * x_t + b
        h[t] = np.tanh(z[t])
        h_prev = h[t]
    return ScalarTrace(x=x, z=z, h=h, W_h=W_h, W_x=W_x, b=b, h_0=h_0)


def local_factors(trace: ScalarTrace) -> np.ndarray:
    """``dh_t/dh_{t-1} = W_h * tanh'(z_t)`` for t = 1..T, shape (T,)."""
    # tanh'(z) = 1 - tanh(z)^2, and tanh(z_t) is h_t, which we already have
    return trace.W_h * (1.0 - trace.h**2)


def cumulative_factors(local: np.ndarray) -> np.ndarray:
    """Products of ``local`` from step T down to each step t, shape (T,).

    Entry t (0-based index t-1) is ``local_T * ... * local_t = dh_T/dh_{t-1}``:
    the entry for t = 1 is the whole chain dh_T/dh_0.
    """
    return np.cumprod(local[::-1])[::-1]


def bptt_steps(x: Any, W_h: float, W_x: float, b: float = 0.0, h_0: float = 0.0) -> list[dict[str, float]]:
    """One record per step t = 1..T: ``t, x, z, h, local, cumulative``.

    ``local`` is ``W_h * tanh'(z_t)``; ``cumulative`` is the product of ``local``
    from T down to t, which is ``dh_T/dh_{t-1}`` (the article's convention).
    """
    trace = scalar_forward(x, W_h=W_h, W_x=W_x, b=b, h_0=h_0)
    local = local_factors(trace)
    cumulative = cumulative_factors(local)
    return [
        {
            "t": t,
            "x": float(trace.x[t - 1]),
            "z": float(trace.z[t - 1]),
            "h": float(trace.h[t - 1]),
            "local": float(local[t - 1]),
            "cumulative": float(cumulative[t - 1]),
        }
        for t in range(1, len(trace.x) + 1)
    ]


def sweep_rows(
    sequence: Any, W_hs: Any, W_x: float = 0.01, b: float = 0.0, h_0: float = 0.0
) -> list[dict[str, float]]:
    """For each recurrent weight in ``W_hs``: the whole chain dh_T/dh_0 and the last state h_T.

    One record per weight: ``W_h``, ``cumulative`` (the product of all T local factors,
    the article's "cumulative gradient at t=1") and ``h_T``.
    """
    W_hs = as_sequence("W_hs", W_hs)
    rows = []
    for W_h in W_hs:
        steps = bptt_steps(sequence, W_h=float(W_h), W_x=W_x, b=b, h_0=h_0)
        rows.append({"W_h": float(W_h), "cumulative": steps[0]["cumulative"], "h_T": steps[-1]["h"]})
    return rows
