"""A GRU layer in numpy, with exact backpropagation through time: PyTorch's variant.

Layout: the same as PyTorch's ``nn.GRU`` (one layer). Gates are stacked in the order
**r, z, n**:

    W_x  (3H, D)  = weight_ih_l0          b_x (3H,) = bias_ih_l0
    W_h  (3H, H)  = weight_hh_l0          b_h (3H,) = bias_hh_l0

For a batch ``x`` of shape (B, T, D) and t = 1..T:

    r_t = sigmoid(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)          reset gate
    z_t = sigmoid(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)          update gate
    n_t = tanh(W_xn x_t + b_xn + r_t * (W_hn h_{t-1} + b_hn))     candidate
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

**The variant.** The reset gate multiplies ``W_hn h_{t-1} + b_hn`` *after* the matmul
(PyTorch and cuDNN do this; the original paper of Cho et al. 2014 applies ``r_t`` to
``h_{t-1}`` before it). That is also why the two biases stay separate: ``b_hn`` sits
inside the product with ``r_t``, so it cannot be folded into ``b_xn``.

Here ``z_t`` is the update gate (PyTorch's name), not the RNN's pre-activation.
Along the update gate alone, ``dh_t/dh_{t-1} = diag(z_t)``: the GRU's additive path.

Every array may carry a leading axis S: a stack of S models (seeds) runs as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.checks import as_array, check_shape, float_dtype, warn_if_underflow
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

__all__ = ["GRUTrace", "backward", "forward", "gate_slices", "hidden_jacobian", "update_path"]


def gate_slices(H: int) -> dict[str, slice]:
    """Rows of ``W_x``, ``W_h``, ``b_x`` and ``b_h`` that belong to each gate: r, z, n (PyTorch order)."""
    return {"r": slice(0, H), "z": slice(H, 2 * H), "n": slice(2 * H, 3 * H)}


@dataclass(frozen=True)
class GRUTrace(Trace):
    """Everything a forward pass computed, kept for the backward pass.

    Stored time-major; the properties give (*S, B, T, H) views, e.g. ``trace.z[..., t-1, :]`` is z_t.
    """

    x: np.ndarray  # (*S, B, T, D) inputs x_t
    W_x: np.ndarray  # (*S, 3H, D)
    W_h: np.ndarray  # (*S, 3H, H)
    b_x: np.ndarray  # (*S, 3H)
    b_h: np.ndarray  # (*S, 3H)
    gates_tm: np.ndarray  # (T, *S, B, 3H) activated gates [r_t, z_t, n_t]
    hn_tm: np.ndarray  # (T, *S, B, H) W_hn h_{t-1} + b_hn, what r_t multiplies
    h_tm: np.ndarray  # (T+1, *S, B, H) hidden states h_0 .. h_T

    gate_slices = staticmethod(gate_slices)

    @property
    def r(self) -> np.ndarray:
        """Reset gates r_t, shape (*S, B, T, H)."""
        return self.gate("r")

    @property
    def z(self) -> np.ndarray:
        """Update gates z_t, shape (*S, B, T, H)."""
        return self.gate("z")

    @property
    def n(self) -> np.ndarray:
        """Candidates n_t, shape (*S, B, T, H)."""
        return self.gate("n")


def forward(x: Any, W_x: Any, W_h: Any, b_x: Any, b_h: Any, h_0: Any = None) -> GRUTrace:
    """Run the GRU over a batch ``x`` of shape (B, T, D); returns every per-step quantity.

    ``W_x`` (3H, D), ``W_h`` (3H, H), ``b_x`` and ``b_h`` (3H,), ``h_0`` (B, H), zeros by default;
    all with a leading axis S for a stack of models. float32 weights compute in float32.
    Equations (module docstring): ``r_t, z_t = sigmoid(.)``;
    ``n_t = tanh(W_xn x_t + b_xn + r_t*(W_hn h_{t-1} + b_hn))``; ``h_t = (1-z_t)*n_t + z_t*h_{t-1}``.
    """
    dtype = float_dtype(W_h)
    W_h, S = stack_axes("W_h", W_h, 3, dtype)
    x = stacked_input(x, S, dtype)
    B, T, D = x.shape[-3:]
    H = W_h.shape[-1]
    W_x = as_array("W_x", W_x, 2 + len(S), dtype)
    b_x, b_h = as_array("b_x", b_x, 1 + len(S), dtype), as_array("b_h", b_h, 1 + len(S), dtype)
    check_shape("W_x", W_x, S + (3 * H, D), f"3H x D, with D = {D} from x of shape (B, T, D)")
    check_shape("b_x", b_x, S + (3 * H,), "3H, gates r, z, n stacked")
    check_shape("b_h", b_h, S + (3 * H,), "3H, gates r, z, n stacked")
    h = time_major(T + 1, S, B, H, dtype)
    h[0] = initial_state("h_0", h_0, S + (B, H), dtype)
    rz, n_ = slice(0, 2 * H), slice(2 * H, 3 * H)
    # sigmoid(a) = (1 + tanh(a/2)) / 2: the r and z rows are halved so one tanh serves both
    scale = np.ones(3 * H, dtype)
    scale[rz] = 0.5

    # The input part W_x x_t + b_x for every step in one matmul, time-major (T, *S, B, 3H);
    # each step's block becomes that step's gates in place.
    gates = input_projection(x, W_x * scale[:, None], b_x * scale)  # halving is exact
    W_hT = _T(W_h) * scale
    b_hs = (b_h * scale)[..., None, :]
    hn = np.empty((T,) + S + (B, H), dtype)
    Wh_h = np.empty(S + (B, 3 * H), dtype)
    for t in range(T):
        gates_t = gates[t]
        # W_h h_{t-1} + b_h for all three gates in one matmul
        np.matmul(h[t], W_hT, out=Wh_h)
        Wh_h += b_hs
        # r_t, z_t = sigmoid(.) via tanh of the halved pre-activations
        r_z = gates_t[..., rz]
        r_z += Wh_h[..., rz]
        np.tanh(r_z, out=r_z)
        r_z *= 0.5
        r_z += 0.5
        r, z, n = gates_t[..., :H], gates_t[..., H : 2 * H], gates_t[..., n_]
        # n_t = tanh(W_xn x_t + b_xn + r_t * (W_hn h_{t-1} + b_hn)): reset after the matmul
        hn[t] = Wh_h[..., n_]
        n += r * hn[t]
        np.tanh(n, out=n)
        # h_t = (1 - z_t) * n_t + z_t * h_{t-1} = n_t + z_t * (h_{t-1} - n_t)
        np.subtract(h[t], n, out=h[t + 1])
        h[t + 1] *= z
        h[t + 1] += n
    return GRUTrace(x=x, W_x=W_x, W_h=W_h, b_x=b_x, b_h=b_h, gates_tm=gates, hn_tm=hn, h_tm=h)


def _back_through_time(
    trace: GRUTrace,
    dh: np.ndarray,
    dh_tm: np.ndarray | None,
    dz_x: np.ndarray,
    dz_h: np.ndarray,
    on_step: Any = None,
) -> np.ndarray:
    """The BPTT loop, t = T..1: fill ``dz_x[t]`` = dL/d(W_x x_t + b_x) and ``dz_h[t]`` =
    dL/d(W_h h_{t-1} + b_h); return dL/dh_0.

    ``dh`` arrives at h_T, ``dh_tm`` (T, ..., H) adds a loss's own term at each h_t; an extra
    leading axis broadcasts (`hidden_jacobian`). ``on_step(t, dh)`` sees dL/dh_{t-1}.
    """
    H, T = trace.H, trace.hn_tm.shape[0]
    r, z, n = (np.ascontiguousarray(trace.gate_tm(name)) for name in ("r", "z", "n"))  # one sweep each
    # What does not depend on the incoming gradient, for all steps at once:
    # h_t = (1 - z_t) * n_t + z_t * h_{t-1}, n_t = tanh(... + r_t * hn_t)
    dh_to_n = (1.0 - z) * (1.0 - n**2)  # through n_t, then tanh'
    dn_to_r = trace.hn_tm * r * (1.0 - r)  # r_t scales W_hn h + b_hn
    dh_to_z = (trace.h_tm[:T] - n) * z * (1.0 - z)  # z_t mixes h_{t-1} and n_t
    for t in range(T - 1, -1, -1):
        if dh_tm is not None:
            dh = dh + dh_tm[t]
        dx_t, dh_t = dz_x[t], dz_h[t]
        dz_n = dx_t[..., 2 * H :]
        np.multiply(dh, dh_to_n[t], out=dz_n)
        np.multiply(dz_n, dn_to_r[t], out=dx_t[..., :H])
        np.multiply(dh, dh_to_z[t], out=dx_t[..., H : 2 * H])
        dh_t[..., : 2 * H] = dx_t[..., : 2 * H]  # r and z see W_x x_t and W_h h_{t-1} alike
        np.multiply(dz_n, r[t], out=dh_t[..., 2 * H :])  # W_hn h + b_hn enters multiplied by r_t
        dh = dh * z[t]  # the update-gate path
        dh += dh_t @ trace.W_h
        if on_step is not None:
            on_step(t, dh)
    return dh


def backward(trace: GRUTrace, dh: Any) -> dict[str, np.ndarray]:
    """Full BPTT: gradients of a loss L given ``dh`` = dL/dh_t.

    ``dh`` has shape (B, T, H) (a loss on every step) or (B, H) (a loss on h_T only), with the
    leading axis S of a stacked trace. Returns ``W_x`` (3H, D), ``W_h`` (3H, H), ``b_x``,
    ``b_h`` (3H,), ``x`` (B, T, D), ``h_0`` (B, H).
    Recurrence: ``dL/dh_{t-1} = z_t * dL/dh_t + W_h^T dL/d(W_h h_{t-1} + b_h)`` (+ the loss's own term).
    """
    B, T, _ = trace.x.shape[-3:]
    H, dtype = trace.H, trace.h_tm.dtype
    S = trace.W_h.shape[:-2]
    dh_T, dh_tm = time_major_grad(dh, S, B, T, H, dtype)
    dz_x = time_major(T, S, B, 3 * H, dtype)
    dz_h = time_major(T, S, B, 3 * H, dtype)
    dh_0 = _back_through_time(trace, dh_T, dh_tm, dz_x, dz_h)
    dW_x, _, db_x = weight_grads(dz_x, None, trace.x)
    _, dW_h, db_h = weight_grads(dz_h, trace.h_tm, None)
    dx = np.moveaxis(dz_x @ trace.W_x, 0, -2)
    return {"W_x": dW_x, "W_h": dW_h, "b_x": db_x, "b_h": db_h, "x": dx, "h_0": dh_0}


def update_path(trace: GRUTrace) -> np.ndarray:
    """The update-gate path alone: ``dh_T/dh_k`` through the ``z_t * h_{t-1}`` term only.

    Elementwise ``prod_{t=k+1}^{T} z_t`` for k = 0..T, shape (B, T+1, H); entry k = T is 1.
    `hidden_jacobian` adds the paths through r_t, z_t and n_t.
    Warns (``UnderflowWarning``) if the product underflows float64.
    """
    z = trace.gate_tm("z")
    T = z.shape[0]
    out = np.ones((T + 1,) + z.shape[1:])
    out[:T] = np.cumprod(z[::-1], axis=0)[::-1]
    warn_if_underflow("update-gate path dh_T/dh_k", out, factors_nonzero=bool(np.all(z != 0)))
    return np.moveaxis(out, 0, -2)


def hidden_jacobian(trace: GRUTrace) -> np.ndarray:
    """The full Jacobian ``dh_T/dh_k`` for k = 0..T, shape (B, T+1, H, H); [b, k, i, j] is
    dh_T[i] / dh_k[j]. For one model (no stack axis). Computed by BPTT with one seed per
    output unit i.

    Per step: ``dh_t/dh_{t-1} = diag(z_t) + (gate terms) W_h``, the first being the update path.
    Warns (``UnderflowWarning``) if a Jacobian underflows float64.
    """
    B, T, _ = trace.x.shape
    H = trace.H
    out = np.empty((B, T + 1, H, H))

    def record(t: int, dh: np.ndarray) -> None:
        out[:, t] = dh.transpose(1, 0, 2)

    dh_T = np.broadcast_to(np.eye(H)[:, None, :], (H, B, H)).copy()
    out[:, T] = dh_T.transpose(1, 0, 2)
    dz = np.empty((T, H, B, 3 * H))
    _back_through_time(trace, dh_T, None, dz, np.empty_like(dz), on_step=record)
    # z_t > 0, so a Jacobian that reads 0 has underflowed
    warn_if_underflow("hidden Jacobian dh_T/dh_k", np.linalg.norm(out, axis=(-2, -1)))
    return out
