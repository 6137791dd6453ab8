"""The vanilla tanh RNN, in the article's scalar form and in vector form.

Scalar (the article's): numbers ``W_h``, ``W_x``, ``b``, ``h_0`` and a sequence x of shape (T,):

    z_t = W_h * h_{t-1} + W_x * x_t + b
    h_t = tanh(z_t)

and the quantities BPTT multiplies together on its way back:

    local_t      = dh_t/dh_{t-1} = W_h * tanh'(z_t) = W_h * (1 - h_t**2)
    cumulative_t = local_T * local_{T-1} * ... * local_t = dh_T/dh_{t-1}

Vector: ``W_x`` (H, D), ``W_h`` (H, H), ``b`` (H,), a batch x of shape (B, T, D) and
``h_0`` (B, H), with the same equations read as matrix products,
``z_t = W_h h_{t-1} + W_x x_t + b``, and matrices for the factors:

    local_t      = dh_t/dh_{t-1} = diag(1 - h_t**2) W_h              (H, H)
    cumulative_t = local_T local_{T-1} ... local_t = dh_T/dh_{t-1}  (H, H)

The vector functions take the weights in PyTorch's order, ``(x, W_x, W_h, b)``, like
`lstmgrad.lstm` and `lstmgrad.gru` (``W_x`` = ``weight_ih_l0``, ``W_h`` =
``weight_hh_l0``, ``b`` = ``bias_ih_l0 + bias_hh_l0`` of ``nn.RNN``); the scalar ones keep
the article's ``(x, W_h, W_x)``. Pass weights by keyword when in doubt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.checks import (
    as_array,
    as_float,
    as_sequence,
    check_shape,
    float_dtype,
    warn_if_underflow,
)
from lstmgrad.models.common import (
    _T,
    Trace,
    initial_state,
    input_projection,
    stack_axes,
    stacked_input,
    time_major,
    time_major_grad,
    weight_grads,
)

#: The longest sequence `bptt_steps` takes: its records hold ~560 bytes a step, so 10^6 steps is ~0.6 GB.
MAX_RECORDS = 10**6
BIG = (
    "one record per step, ~0.6 GB at the limit; for a longer sequence call scalar_forward, "
    "local_factors and cumulative_factors, which return float arrays (8 bytes a value)"
)


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
    h_prev, tanh = h_0, np.tanh
    # Python floats for the products and sums (the same IEEE double operations as numpy's
    # scalars, with less overhead), numpy's tanh for h_t
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, in one line
        for t, x_t in enumerate(map(float, x)):
            z_t = W_h * h_prev + W_x * x_t + b
            z[t] = z_t
            h[t] = h_prev = float(tanh(z_t))
    if not np.all(np.isfinite(z)):
        t = int(np.flatnonzero(~np.isfinite(z))[0]) + 1
        raise ValueError(
            f"z_{t} = W_h h_{t - 1} + W_x x_{t} + b overflows a 64-bit float (W_h = {W_h:g}, W_x = {W_x:g}, "
            f"x_{t} = {x[t - 1]:g}, b = {b:g}): W_x x_t, W_h h_(t-1) and b must each stay below ~1e308"
        )
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
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.cumprod(local[::-1])[::-1]
    if not np.all(np.isfinite(out)):
        t = int(np.flatnonzero(~np.isfinite(out))[-1]) + 1  # the product runs from T down to t
        raise ValueError(
            f"the product dh_T/dh_(t-1) of the local factors overflows a 64-bit float at t = {t} "
            "(past ~1.8e308): use a smaller |W_h| or a shorter sequence"
        )
    # a product of nonzero factors that reads 0 here has underflowed, not vanished exactly
    warn_if_underflow("cumulative product dh_T/dh_{t-1}", out, factors_nonzero=bool(np.all(local != 0)))
    return out


def bptt_steps(x: Any, W_h: float, W_x: float, b: float = 0.0, h_0: float = 0.0) -> list[dict[str, float]]:
    """One record per step t = 1..T (T at most `MAX_RECORDS`): ``t, x, z, h, local, cumulative``.

    ``local`` is ``W_h * tanh'(z_t)``; ``cumulative`` is the product of ``local``
    from T down to t, which is ``dh_T/dh_{t-1}`` (the article's convention).

    ``docs/javascripts/explorable.js`` repeats this computation in the reader's browser (the BPTT
    chapter's sliders); ``tests/test_explorable.py`` checks it against this function via ``lstmgrad bptt``.
    """
    T = len(as_sequence("sequence", x))
    if T > MAX_RECORDS:
        raise ValueError(f"sequence has {T:,} steps; bptt_steps takes at most {MAX_RECORDS:,} ({BIG})")
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


# ---------------------------------------------------------------------------------------------
# Vector form: batches (B, T, D), hidden size H; optionally a stack of S models (seeds) at once.


@dataclass(frozen=True)
class RNNTrace(Trace):
    """Everything one forward pass of the vector RNN computed.

    Stored time-major; the properties give (*S, B, T, H) views, e.g. ``trace.h[..., t-1, :]`` is h_t.
    """

    x: np.ndarray  # (*S, B, T, D) inputs x_t
    W_x: np.ndarray  # (*S, H, D)
    W_h: np.ndarray  # (*S, H, H)
    b: np.ndarray  # (*S, H)
    z_tm: np.ndarray  # (T, *S, B, H) pre-activations z_t
    h_tm: np.ndarray  # (T+1, *S, B, H) hidden states h_0 .. h_T

    @property
    def z(self) -> np.ndarray:
        """Pre-activations z_1 .. z_T, shape (*S, B, T, H)."""
        return np.moveaxis(self.z_tm, 0, -2)


def forward(x: Any, W_x: Any, W_h: Any, b: Any, h_0: Any = None) -> RNNTrace:
    """Run the vector RNN ``h_t = tanh(W_h h_{t-1} + W_x x_t + b)`` over a batch ``x`` (B, T, D).

    ``W_x`` (H, D), ``W_h`` (H, H), ``b`` (H,), ``h_0`` (B, H), zeros by default. A stack of S
    models (one per seed) runs at once when every argument has a leading axis S. The dtype
    follows ``W_h``: float32 weights compute in float32, anything else in float64.
    """
    dtype = float_dtype(W_h)
    W_h, S = stack_axes("W_h", W_h, 1, dtype)
    x = stacked_input(x, S, dtype)
    B, T, D = x.shape[-3:]
    H = W_h.shape[-1]
    W_x, b = as_array("W_x", W_x, 2 + len(S), dtype), as_array("b", b, 1 + len(S), dtype)
    check_shape("W_x", W_x, S + (H, D), f"H x D, with H = {H} from W_h and D = {D} from x of shape (B, T, D)")
    check_shape("b", b, S + (H,), f"H = {H} from W_h")
    h = time_major(T + 1, S, B, H, dtype)
    h[0] = initial_state("h_0", h_0, S + (B, H), dtype)
    z = input_projection(x, W_x, b)  # W_x x_t + b, (T, *S, B, H)
    W_hT = np.ascontiguousarray(_T(W_h))
    Wh_h = np.empty(S + (B, H), dtype)
    for t in range(T):
        # z_t = W_h h_{t-1} + (W_x x_t + b);  h_t = tanh(z_t)
        np.matmul(h[t], W_hT, out=Wh_h)
        z[t] += Wh_h
        np.tanh(z[t], out=h[t + 1])
    return RNNTrace(x=x, W_x=W_x, W_h=W_h, b=b, z_tm=z, h_tm=h)


def backward(trace: RNNTrace, dh: Any) -> dict[str, np.ndarray]:
    """Full BPTT: gradients of a loss L given ``dh`` = dL/dh_t.

    ``dh`` has shape (B, T, H) (a loss on every step) or (B, H) (a loss on h_T only), with the
    leading axis S of a stacked trace. Returns ``W_x`` (H, D), ``W_h`` (H, H), ``b`` (H,),
    ``x`` (B, T, D), ``h_0`` (B, H), each per model of a stack.
    Recurrence: ``dL/dz_t = dL/dh_t * (1 - h_t**2)``, ``dL/dh_{t-1} = W_h^T dL/dz_t`` (+ the loss's term).
    """
    B, T, _ = trace.x.shape[-3:]
    S = trace.W_h.shape[:-2]
    dh_next, dh_tm = time_major_grad(dh, S, B, T, trace.W_h.shape[-1], trace.h_tm.dtype)
    dz = time_major(T, S, B, trace.W_h.shape[-1], trace.h_tm.dtype)
    np.subtract(1.0, np.square(trace.h_tm[1:], out=dz), out=dz)  # tanh'(z_t), overwritten by dL/dz_t
    for t in range(T - 1, -1, -1):
        dh_t = dh_next + dh_tm[t] if dh_tm is not None else dh_next
        dz[t] *= dh_t  # back through tanh
        dh_next = dz[t] @ trace.W_h
    dW_x, dW_h, db = weight_grads(dz, trace.h_tm, trace.x)
    return {"W_x": dW_x, "W_h": dW_h, "b": db, "x": np.moveaxis(dz @ trace.W_x, 0, -2), "h_0": dh_next}


def local_jacobians(trace: RNNTrace) -> np.ndarray:
    """``local_t = dh_t/dh_{t-1} = diag(1 - h_t**2) W_h`` for t = 1..T, shape (B, T, H, H)."""
    slope = 1.0 - trace.h**2  # tanh'(z_t), (B, T, H)
    return slope[..., :, None] * trace.W_h


def cumulative_jacobians(trace: RNNTrace) -> np.ndarray:
    """``local_T local_{T-1} ... local_t = dh_T/dh_{t-1}`` for t = 1..T, shape (B, T, H, H).

    Index t-1 holds the product down to step t, as in `cumulative_factors`: index 0 is
    the whole chain dh_T/dh_0. Warns (``UnderflowWarning``) if a product of nonzero factors
    underflows float64.
    """
    local = local_jacobians(trace)
    out = np.empty_like(local)
    T = local.shape[1]
    out[:, T - 1] = local[:, T - 1]
    for t in range(T - 2, -1, -1):
        # dh_T/dh_{t-1} = dh_T/dh_t  dh_t/dh_{t-1}: multiply on the right, going back in time
        out[:, t] = out[:, t + 1] @ local[:, t]
    norms = np.linalg.norm(out, axis=(-2, -1))
    nonzero = bool(np.all(np.linalg.norm(local, axis=(-2, -1)) > 0))
    warn_if_underflow("cumulative Jacobian dh_T/dh_{t-1}", norms, factors_nonzero=nonzero)
    return out


def jacobian_norms(J: Any) -> dict[str, np.ndarray]:
    """Sizes of a stack of matrices ``J`` (..., H, H): Frobenius norm and largest singular value.

    ``sigma_max`` is the spectral norm, the most any direction of dh_T can be stretched;
    ``frobenius`` is ``sqrt(sum J_ij^2)``. Both have shape ``J.shape[:-2]``.
    """
    J = np.asarray(J, dtype=np.float64)
    if J.ndim < 2:
        raise ValueError(f"J must be a (stack of) matrices, got shape {J.shape}")
    return {
        "frobenius": np.linalg.norm(J, axis=(-2, -1)),
        "sigma_max": np.linalg.svd(J, compute_uv=False)[..., 0],
    }
