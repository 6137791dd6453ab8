"""An LSTM layer in numpy, with exact backpropagation through time.

Layout: the same as PyTorch's ``nn.LSTM`` (one layer), so weights map one to one.
The four gates are stacked in the order **i, f, C~, o** (torch calls the candidate g):

    W_x  (4H, D)  = weight_ih_l0
    W_h  (4H, H)  = weight_hh_l0
    b    (4H,)    = bias_ih_l0 + bias_hh_l0     (the two torch biases only ever appear summed)

For a batch ``x`` of shape (B, T, D) and t = 1..T:

    z_t       = W_x x_t + W_h h_{t-1} + b       pre-activations of the four gates, (B, 4H)
    i_t       = sigmoid(z_t[0:H])               input gate
    f_t       = sigmoid(z_t[H:2H])              forget gate
    C_tilde_t = tanh(z_t[2H:3H])                candidate cell (the article's C~_t)
    o_t       = sigmoid(z_t[3H:4H])             output gate
    C_t = f_t * C_{t-1} + i_t * C_tilde_t       cell state: an addition, not a matmul
    h_t = o_t * tanh(C_t)                       hidden state

Products written ``*`` are elementwise. Along the cell state alone,
``dC_t/dC_{t-1} = diag(f_t)``, so the gradient reaching C_k is scaled by the
product of forget gates f_{k+1} ... f_T rather than by ``W_h tanh'(z_t)`` per step.

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

__all__ = [
    "LSTMTrace",
    "backward",
    "cell_jacobian",
    "cell_path",
    "forward",
    "gate_slices",
    "set_forget_bias",
]


def gate_slices(H: int) -> dict[str, slice]:
    """Rows of ``W_x``, ``W_h`` and ``b`` that belong to each gate: i, f, C~, o (PyTorch order)."""
    return {"i": slice(0, H), "f": slice(H, 2 * H), "C_tilde": slice(2 * H, 3 * H), "o": slice(3 * H, 4 * H)}


def set_forget_bias(b: Any, value: float) -> np.ndarray:
    """Return a copy of ``b`` (shape (4H,)) with the forget-gate part ``b[H:2H]`` set to ``value``.

    A forget bias of 1 starts training with ``f_t = sigmoid(1) ~ 0.73`` instead of 0.5,
    so the cell state (and its gradient) is kept for longer from the first step.
    """
    b = as_array("b", b, 1).copy()
    if b.shape[0] % 4:
        raise ValueError(f"b must have length 4H (gates i, f, C~, o), got length {b.shape[0]}")
    H = b.shape[0] // 4
    b[gate_slices(H)["f"]] = value
    return b


def _gate_scale(H: int, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per-row scale and offset so that one tanh gives all four gates.

    sigmoid(a) = (1 + tanh(a/2)) / 2: the rows of i, f and o are halved before the tanh,
    then mapped back with ``gate = scale * tanh(scale * z) + offset``.
    """
    scale = np.full(4 * H, 0.5, dtype)
    offset = np.full(4 * H, 0.5, dtype)
    C_tilde = gate_slices(H)["C_tilde"]
    scale[C_tilde], offset[C_tilde] = 1.0, 0.0
    return scale, offset


@dataclass(frozen=True)
class LSTMTrace(Trace):
    """Everything a forward pass computed, kept for the backward pass.

    Stored time-major (so each step is one contiguous block); the properties give the
    per-step quantities as (*S, B, T, H), e.g. ``trace.f[..., t-1, :]`` is f_t.
    """

    x: np.ndarray  # (*S, B, T, D) inputs x_t
    W_x: np.ndarray  # (*S, 4H, D)
    W_h: np.ndarray  # (*S, 4H, H)
    b: np.ndarray  # (*S, 4H)
    gates_tm: np.ndarray  # (T, *S, B, 4H) activated gates [i_t, f_t, C_tilde_t, o_t]
    C_tm: np.ndarray  # (T+1, *S, B, H) cell states C_0 .. C_T
    h_tm: np.ndarray  # (T+1, *S, B, H) hidden states h_0 .. h_T
    tanh_C_tm: np.ndarray  # (T, *S, B, H) tanh(C_t), t = 1..T

    gate_slices = staticmethod(gate_slices)

    @property
    def i(self) -> np.ndarray:
        """Input gates i_t, shape (*S, B, T, H)."""
        return self.gate("i")

    @property
    def f(self) -> np.ndarray:
        """Forget gates f_t, shape (*S, B, T, H)."""
        return self.gate("f")

    @property
    def C_tilde(self) -> np.ndarray:
        """Candidate cells C~_t, shape (*S, B, T, H)."""
        return self.gate("C_tilde")

    @property
    def o(self) -> np.ndarray:
        """Output gates o_t, shape (*S, B, T, H)."""
        return self.gate("o")

    @property
    def C(self) -> np.ndarray:
        """Cell states C_1 .. C_T, shape (*S, B, T, H)."""
        return np.moveaxis(self.C_tm[1:], 0, -2)

    @property
    def C_0(self) -> np.ndarray:
        """Initial cell state, shape (*S, B, H)."""
        return self.C_tm[0]


def forward(x: Any, W_x: Any, W_h: Any, b: Any, h_0: Any = None, C_0: Any = None) -> LSTMTrace:
    """Run the LSTM over a batch ``x`` of shape (B, T, D); returns every per-step quantity.

    ``W_x`` (4H, D), ``W_h`` (4H, H), ``b`` (4H,), ``h_0`` and ``C_0`` (B, H), zeros by default;
    all with a leading axis S for a stack of models. float32 weights compute in float32.
    Equations (module docstring): ``z_t = W_x x_t + W_h h_{t-1} + b``;
    ``i_t, f_t, o_t = sigmoid(.)``, ``C_tilde_t = tanh(.)``; ``C_t = f_t*C_{t-1} + i_t*C_tilde_t``;
    ``h_t = o_t*tanh(C_t)``.
    """
    dtype = float_dtype(W_h)
    W_h, S = stack_axes("W_h", W_h, 4, dtype)
    x = stacked_input(x, S, dtype)
    B, T, D = x.shape[-3:]
    H = W_h.shape[-1]
    W_x, b = as_array("W_x", W_x, 2 + len(S), dtype), as_array("b", b, 1 + len(S), dtype)
    check_shape("W_x", W_x, S + (4 * H, D), f"4H x D, with D = {D} from x of shape (B, T, D)")
    check_shape("b", b, S + (4 * H,), "4H, gates i, f, C~, o stacked")
    i, f, C_tilde, o = gate_slices(H).values()
    scale, offset = _gate_scale(H, dtype)

    # W_x x_t + b for every step at once, time-major (T, *S, B, 4H); each step's block
    # becomes that step's gates in place. The rows of i, f, o are halved (exactly) for the
    # tanh form of the sigmoid.
    gates = input_projection(x, W_x * scale[:, None], b * scale)
    W_hT = _T(W_h) * scale
    C = np.empty((T + 1,) + S + (B, H), dtype)
    h = time_major(T + 1, S, B, H, dtype)
    tanh_C = np.empty((T,) + S + (B, H), dtype)
    C[0] = initial_state("C_0", C_0, S + (B, H), dtype)
    h[0] = initial_state("h_0", h_0, S + (B, H), dtype)
    Wh_h = np.empty(S + (B, 4 * H), dtype)
    i_C_tilde = np.empty(S + (B, H), dtype)
    for t in range(T):
        # z_t = W_h h_{t-1} + (W_x x_t + b): all four gates in one matmul
        z_t = gates[t]
        np.matmul(h[t], W_hT, out=Wh_h)
        z_t += Wh_h
        # i_t, f_t, o_t = sigmoid(z_t), C_tilde_t = tanh(z_t): one tanh, then rescale
        gates_t = np.tanh(z_t, out=z_t)
        gates_t *= scale
        gates_t += offset
        # C_t = f_t * C_{t-1} + i_t * C_tilde_t
        np.multiply(gates_t[..., f], C[t], out=C[t + 1])
        np.multiply(gates_t[..., i], gates_t[..., C_tilde], out=i_C_tilde)
        C[t + 1] += i_C_tilde
        # h_t = o_t * tanh(C_t)
        np.tanh(C[t + 1], out=tanh_C[t])
        np.multiply(gates_t[..., o], tanh_C[t], out=h[t + 1])
    return LSTMTrace(x=x, W_x=W_x, W_h=W_h, b=b, gates_tm=gates, C_tm=C, h_tm=h, tanh_C_tm=tanh_C)


def _back_through_time(
    trace: LSTMTrace,
    dh_next: np.ndarray,
    dC: np.ndarray,
    dh_tm: np.ndarray | None,
    dz: np.ndarray,
    on_step: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The BPTT loop, t = T..1: fill ``dz[t]`` = dL/dz_t; return dL/dh_0 and dL/dC_0.

    ``dh_next`` and ``dC`` are the gradients arriving at h_T and C_T; ``dh_tm`` (T, ..., H) adds
    a loss's own term at each h_t. They may carry an extra leading axis that broadcasts against
    the trace (`cell_jacobian` seeds one row of the Jacobian each). ``on_step(t, dC)`` sees
    the total dL/dC_t before it passes back through f_t.
    """
    H, T = trace.H, trace.tanh_C_tm.shape[0]
    # each gate once into contiguous memory: every pass below then reads it in one sweep
    i, f, C_tilde, o = (np.ascontiguousarray(trace.gate_tm(name)) for name in ("i", "f", "C_tilde", "o"))
    tanh_C, C_prev = trace.tanh_C_tm, trace.C_tm[:T]
    # What does not depend on the incoming gradient, for all steps at once:
    # dh_t -> dC_t through h_t = o_t * tanh(C_t); dC_t -> dz_t for i, f and C~ (each gate's
    # partner in C_t times the gate's own derivative); dh_t -> dz_t for o.
    dh_to_C = o * (1.0 - tanh_C**2)
    dC_to_z = np.empty(f.shape[:-1] + (3, H), f.dtype)
    np.multiply(C_tilde * i, 1.0 - i, out=dC_to_z[..., 0, :])
    np.multiply(C_prev * f, 1.0 - f, out=dC_to_z[..., 1, :])
    np.multiply(i, 1.0 - C_tilde**2, out=dC_to_z[..., 2, :])
    dh_to_z_o = tanh_C * o * (1.0 - o)
    dz_gates = dz.reshape(dz.shape[:-1] + (4, H))  # dz_gates[t, ..., k, :] is gate k's block of dz_t
    dC = dC.copy()
    for t in range(T - 1, -1, -1):
        dh_t = dh_next + dh_tm[t] if dh_tm is not None else dh_next
        dC += dh_t * dh_to_C[t]
        np.multiply(dC[..., None, :], dC_to_z[t], out=dz_gates[t, ..., :3, :])
        np.multiply(dh_t, dh_to_z_o[t], out=dz_gates[t, ..., 3, :])
        if on_step is not None:
            on_step(t, dC)
        dC *= f[t]  # the cell-state path: only the forget gate multiplies
        dh_next = dz[t] @ trace.W_h  # dh_{t-1} through every gate's W_h h_{t-1}
    return dh_next, dC


def backward(trace: LSTMTrace, dh: Any, dC_T: Any = None) -> dict[str, np.ndarray]:
    """Full BPTT: gradients of a loss L given ``dh`` = dL/dh_t.

    ``dh`` has shape (B, T, H) (a loss on every step) or (B, H) (a loss on h_T only);
    ``dC_T`` (B, H) optionally adds a gradient arriving at the last cell state (each with the
    leading axis S of a stacked trace). Returns a dict with ``W_x`` (4H, D), ``W_h`` (4H, H),
    ``b`` (4H,), ``x`` (B, T, D), ``h_0`` and ``C_0`` (B, H). Recurrences, for t = T..1:
    ``dL/dC_{t-1} = dL/dC_t * f_t``; ``dL/dh_{t-1} = W_h^T dL/dz_t`` (+ the loss's own term).
    """
    B, T, _ = trace.x.shape[-3:]
    H, dtype = trace.H, trace.h_tm.dtype
    S = trace.W_h.shape[:-2]
    dh_next, dh_tm = time_major_grad(dh, S, B, T, H, dtype)
    dC = initial_state("dC_T", dC_T, S + (B, H), dtype)
    dz = time_major(T, S, B, 4 * H, dtype)
    dh_0, dC_0 = _back_through_time(trace, dh_next, dC, dh_tm, dz)
    # The weights are shared across steps: sum their per-step terms in one matmul each.
    dW_x, dW_h, db = weight_grads(dz, trace.h_tm, trace.x)
    dx = np.moveaxis(dz @ trace.W_x, 0, -2)
    return {"W_x": dW_x, "W_h": dW_h, "b": db, "x": dx, "h_0": dh_0, "C_0": dC_0}


def cell_path(trace: LSTMTrace) -> np.ndarray:
    """The cell-state path alone: ``dC_T/dC_k`` through ``C_t = f_t*C_{t-1} + ...`` only.

    Elementwise ``prod_{t=k+1}^{T} f_t`` for k = 0..T, shape (B, T+1, H); entry k = T is 1.
    This ignores that the gates depend on h_{t-1}; `cell_jacobian` includes those paths.
    Warns (``UnderflowWarning``) if the product underflows float64.
    """
    f = trace.gate_tm("f")  # (T, B, H)
    T = f.shape[0]
    out = np.ones((T + 1,) + f.shape[1:])
    # out[k] = f_{k+1} * ... * f_T: a reversed running product
    out[:T] = np.cumprod(f[::-1], axis=0)[::-1]
    warn_if_underflow("cell path dC_T/dC_k", out, factors_nonzero=bool(np.all(f != 0)))
    return np.moveaxis(out, 0, -2)


def cell_jacobian(trace: LSTMTrace) -> np.ndarray:
    """The full Jacobian ``dC_T/dC_k`` for k = 0..T, shape (B, T+1, H, H); entry [b, k, i, j] is
    dC_T[i] / dC_k[j]. For one model (no stack axis).

    Perturbing C_k (k >= 1) moves ``h_k = o_k*tanh(C_k)`` too, and through h_k every gate at
    step k+1, so besides ``diag(f_{k+1})`` the chain picks up the gate paths through ``W_h``.
    ``h_0`` is an input of its own, so for k = 0 only the path through f_1 and the gates' C_0
    dependence (none) counts. Computed by running BPTT with H seeds, one per row i.
    Warns (``UnderflowWarning``) if a Jacobian underflows float64.
    """
    B, T, _ = trace.x.shape
    H = trace.H
    out = np.empty((B, T + 1, H, H))

    def record(t: int, dC: np.ndarray) -> None:
        out[:, t + 1] = dC.transpose(1, 0, 2)  # total dC_T/dC_t, including the path through h_t

    # seed: dC_T[i] / dC_T = e_i, for every batch element; axes (i, B, H)
    dC_T = np.broadcast_to(np.eye(H)[:, None, :], (H, B, H))
    dz = np.empty((T, H, B, 4 * H))
    _, dC_0 = _back_through_time(trace, np.zeros((H, B, H)), dC_T, None, dz, on_step=record)
    out[:, 0] = dC_0.transpose(1, 0, 2)
    # f_t > 0, so a Jacobian that reads 0 has underflowed
    warn_if_underflow("cell Jacobian dC_T/dC_k", np.linalg.norm(out, axis=(-2, -1)))
    return out
