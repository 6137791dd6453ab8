"""An LSTM layer in numpy, with exact backpropagation through time.

Layout: the same as PyTorch's ``nn.LSTM`` (one layer), so weights map one to one.
The four gates are stacked in the order **i, f, g, o**:

    W_x  (4H, D)  = weight_ih_l0
    W_h  (4H, H)  = weight_hh_l0
    b    (4H,)    = bias_ih_l0 + bias_hh_l0     (the two torch biases only ever appear summed)

For a batch ``x`` of shape (B, T, D) and t = 1..T:

    a_t = W_x x_t + W_h h_{t-1} + b                 pre-activations, (B, 4H)
    i_t = sigmoid(a_t[0:H])                         input gate
    f_t = sigmoid(a_t[H:2H])                        forget gate
    g_t = tanh(a_t[2H:3H])                          candidate cell (the article's C~_t)
    o_t = sigmoid(a_t[3H:4H])                       output gate
    C_t = f_t * C_{t-1} + i_t * g_t                 cell state: an addition, not a matmul
    h_t = o_t * tanh(C_t)                           hidden state

Products written ``*`` are elementwise. Along the cell state alone,
``dC_t/dC_{t-1} = diag(f_t)``, so the gradient reaching C_k is scaled by the
product of forget gates f_{k+1} ... f_T rather than by ``W_h tanh'(z_t)`` per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.checks import as_array, check_shape, warn_if_underflow

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
    """Rows of ``W_x``, ``W_h`` and ``b`` that belong to each gate: i, f, g, o (PyTorch order)."""
    return {"i": slice(0, H), "f": slice(H, 2 * H), "g": slice(2 * H, 3 * H), "o": slice(3 * H, 4 * H)}


def set_forget_bias(b: Any, value: float) -> np.ndarray:
    """Return a copy of ``b`` (shape (4H,)) with the forget-gate part ``b[H:2H]`` set to ``value``.

    A forget bias of 1 starts training with ``f_t = sigmoid(1) ~ 0.73`` instead of 0.5,
    so the cell state (and its gradient) is kept for longer from the first step.
    """
    b = as_array("b", b, 1).copy()
    if b.shape[0] % 4:
        raise ValueError(f"b must have length 4H (gates i, f, g, o), got length {b.shape[0]}")
    H = b.shape[0] // 4
    b[gate_slices(H)["f"]] = value
    return b


def _gate_scale(H: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row scale and offset so that one tanh gives all four gates.

    sigmoid(a) = (1 + tanh(a/2)) / 2: the rows of i, f and o are halved before the tanh,
    then mapped back with ``gate = scale * tanh(scale * a) + offset``.
    """
    scale = np.full(4 * H, 0.5)
    offset = np.full(4 * H, 0.5)
    g = gate_slices(H)["g"]
    scale[g], offset[g] = 1.0, 0.0
    return scale, offset


@dataclass(frozen=True)
class LSTMTrace:
    """Everything a forward pass computed, kept for the backward pass.

    Stored time-major (so each step is one contiguous block); the properties give the
    per-step quantities in batch-major shape (B, T, H), e.g. ``trace.f[:, t-1]`` is f_t.
    """

    x: np.ndarray  # (B, T, D) inputs x_t
    W_x: np.ndarray  # (4H, D)
    W_h: np.ndarray  # (4H, H)
    b: np.ndarray  # (4H,)
    gates_tm: np.ndarray  # (T, B, 4H) activated gates [i_t, f_t, g_t, o_t]
    C_tm: np.ndarray  # (T+1, B, H) cell states C_0 .. C_T
    h_tm: np.ndarray  # (T+1, B, H) hidden states h_0 .. h_T
    tanh_C_tm: np.ndarray  # (T, B, H) tanh(C_t), t = 1..T

    @property
    def H(self) -> int:
        """Hidden size H."""
        return self.W_h.shape[1]

    def _gate(self, name: str) -> np.ndarray:
        return self.gates_tm[:, :, gate_slices(self.H)[name]].transpose(1, 0, 2)

    @property
    def i(self) -> np.ndarray:
        """Input gates i_t, shape (B, T, H)."""
        return self._gate("i")

    @property
    def f(self) -> np.ndarray:
        """Forget gates f_t, shape (B, T, H)."""
        return self._gate("f")

    @property
    def g(self) -> np.ndarray:
        """Candidate cells g_t (the article's C~_t), shape (B, T, H)."""
        return self._gate("g")

    @property
    def o(self) -> np.ndarray:
        """Output gates o_t, shape (B, T, H)."""
        return self._gate("o")

    @property
    def C(self) -> np.ndarray:
        """Cell states C_1 .. C_T, shape (B, T, H)."""
        return self.C_tm[1:].transpose(1, 0, 2)

    @property
    def h(self) -> np.ndarray:
        """Hidden states h_1 .. h_T, shape (B, T, H)."""
        return self.h_tm[1:].transpose(1, 0, 2)

    @property
    def h_0(self) -> np.ndarray:
        """Initial hidden state, shape (B, H)."""
        return self.h_tm[0]

    @property
    def C_0(self) -> np.ndarray:
        """Initial cell state, shape (B, H)."""
        return self.C_tm[0]


def _check_inputs(x: Any, W_x: Any, W_h: Any, b: Any) -> tuple[np.ndarray, ...]:
    x = as_array("x", x, 3)
    W_x = as_array("W_x", W_x, 2)
    W_h = as_array("W_h", W_h, 2)
    b = as_array("b", b, 1)
    B, T, D = x.shape
    H = W_h.shape[1]
    check_shape("W_h", W_h, (4 * H, H), "4H x H, gates i, f, g, o stacked")
    check_shape("W_x", W_x, (4 * H, D), f"4H x D, with D = {D} from x of shape (B, T, D)")
    check_shape("b", b, (4 * H,), "4H, gates i, f, g, o stacked")
    return x, W_x, W_h, b


def _initial_state(name: str, value: Any, B: int, H: int) -> np.ndarray:
    if value is None:
        return np.zeros((B, H))
    arr = as_array(name, value, 2)
    check_shape(name, arr, (B, H), "B x H")
    return arr


def forward(x: Any, W_x: Any, W_h: Any, b: Any, h_0: Any = None, C_0: Any = None) -> LSTMTrace:
    """Run the LSTM over a batch ``x`` of shape (B, T, D); returns every per-step quantity.

    ``W_x`` (4H, D), ``W_h`` (4H, H), ``b`` (4H,), ``h_0`` and ``C_0`` (B, H), zeros by default.
    Equations (module docstring): ``a_t = W_x x_t + W_h h_{t-1} + b``;
    ``i_t, f_t, o_t = sigmoid(.)``, ``g_t = tanh(.)``; ``C_t = f_t*C_{t-1} + i_t*g_t``;
    ``h_t = o_t*tanh(C_t)``.
    """
    x, W_x, W_h, b = _check_inputs(x, W_x, W_h, b)
    B, T, D = x.shape
    H = W_h.shape[1]
    gi, gf, gg, go = gate_slices(H).values()
    scale, offset = _gate_scale(H)

    # The input part of every a_t, W_x x_t + b, in one matmul before the loop, written straight
    # into the gate buffer (time-major (T, B, 4H), so a step is contiguous); the rows of i, f, o
    # come pre-halved for the tanh form of the sigmoid.
    gates = (x.transpose(1, 0, 2).reshape(T * B, D) @ (W_x.T * scale)).reshape(T, B, 4 * H)
    gates += b * scale
    W_hT = np.ascontiguousarray(W_h.T * scale)
    C = np.empty((T + 1, B, H))
    h = np.empty((T + 1, B, H))
    tanh_C = np.empty((T, B, H))
    C[0] = _initial_state("C_0", C_0, B, H)
    h[0] = _initial_state("h_0", h_0, B, H)
    Wh_h = np.empty((B, 4 * H))
    ig = np.empty((B, H))
    for t in range(T):
        # a_t = (W_x x_t + b) + W_h h_{t-1}: all four gates in one matmul
        G = gates[t]
        np.matmul(h[t], W_hT, out=Wh_h)
        G += Wh_h
        # i_t, f_t, o_t = sigmoid(a_t), g_t = tanh(a_t): one tanh, then rescale
        np.tanh(G, out=G)
        G *= scale
        G += offset
        # C_t = f_t * C_{t-1} + i_t * g_t
        np.multiply(G[:, gf], C[t], out=C[t + 1])
        np.multiply(G[:, gi], G[:, gg], out=ig)
        C[t + 1] += ig
        # h_t = o_t * tanh(C_t)
        np.tanh(C[t + 1], out=tanh_C[t])
        np.multiply(G[:, go], tanh_C[t], out=h[t + 1])
    return LSTMTrace(x=x, W_x=W_x, W_h=W_h, b=b, gates_tm=gates, C_tm=C, h_tm=h, tanh_C_tm=tanh_C)


def _step_backward(
    G: np.ndarray, tanh_C: np.ndarray, C_prev: np.ndarray, dh: np.ndarray, dC: np.ndarray, da: np.ndarray
) -> np.ndarray:
    """One step back through step t: fill ``da`` = dL/da_t and return the total dL/dC_t.

    ``G`` (B, 4H) are the step's gates, ``dh`` = dL/dh_t, ``dC`` = dL/dC_t arriving from step
    t+1. ``dh``, ``dC`` and ``da`` may carry extra leading axes (seeds) that broadcast.
    """
    H = tanh_C.shape[-1]
    i, g, o = G[:, :H], G[:, 2 * H : 3 * H], G[:, 3 * H :]
    # dC_t also collects the path through h_t = o_t * tanh(C_t)
    dC = dC + dh * o * (1.0 - tanh_C * tanh_C)
    # dL/d(gate) for each gate, then times the gate's derivative
    np.multiply(dC, g, out=da[..., :H])  # C_t = ... + i_t * g_t
    np.multiply(dC, C_prev, out=da[..., H : 2 * H])  # C_t = f_t * C_{t-1} + ...
    np.multiply(dC, i, out=da[..., 2 * H : 3 * H])  # C_t = ... + i_t * g_t
    np.multiply(dh, tanh_C, out=da[..., 3 * H :])  # h_t = o_t * tanh(C_t)
    # sigmoid' = s(1 - s) for i, f, o; tanh' = 1 - g^2 for g
    deriv = G * (1.0 - G)
    deriv[:, 2 * H : 3 * H] = 1.0 - g * g
    da *= deriv
    return dC


def backward(trace: LSTMTrace, dh: Any, dC_T: Any = None) -> dict[str, np.ndarray]:
    """Full BPTT: gradients of a loss L given ``dh`` = dL/dh_t.

    ``dh`` has shape (B, T, H) (a loss on every step) or (B, H) (a loss on h_T only);
    ``dC_T`` (B, H) optionally adds a gradient arriving at the last cell state.
    Returns a dict with ``W_x`` (4H, D), ``W_h`` (4H, H), ``b`` (4H,), ``x`` (B, T, D),
    ``h_0`` and ``C_0`` (B, H). Recurrences, for t = T..1:
    ``dL/dC_{t-1} = dL/dC_t * f_t``; ``dL/dh_{t-1} = W_h^T dL/da_t`` (+ the loss's own term).
    """
    B, T, D = trace.x.shape
    H = trace.H
    dh_arr = as_array("dh", dh, 3 if np.ndim(dh) == 3 else 2)
    if dh_arr.ndim == 2:
        check_shape("dh", dh_arr, (B, H), "B x H, the gradient at h_T")
    else:
        check_shape("dh", dh_arr, (B, T, H), "B x T x H, the gradient at every h_t")
    dh_tm = dh_arr.transpose(1, 0, 2) if dh_arr.ndim == 3 else None
    dC = np.zeros((B, H)) if dC_T is None else as_array("dC_T", dC_T, 2)
    check_shape("dC_T", dC, (B, H), "B x H")

    dA = np.empty((T, B, 4 * H))
    dh_next = np.zeros((B, H)) if dh_tm is not None else dh_arr
    for t in range(T - 1, -1, -1):
        # dL/dh_t: the loss's own term at step t plus what came back from step t+1
        dh_t = dh_next + dh_tm[t] if dh_tm is not None else dh_next
        dC = _step_backward(trace.gates_tm[t], trace.tanh_C_tm[t], trace.C_tm[t], dh_t, dC, dA[t])
        dC *= trace.gates_tm[t, :, H : 2 * H]  # dC_t/dC_{t-1} = f_t
        dh_next = dA[t] @ trace.W_h  # dh_{t-1} through every gate's W_h h_{t-1}
    # The weights are shared across steps: sum their per-step terms in one matmul each.
    dA_flat = dA.reshape(T * B, 4 * H)
    x_flat = trace.x.transpose(1, 0, 2).reshape(T * B, D)
    return {
        "W_x": dA_flat.T @ x_flat,
        "W_h": dA_flat.T @ trace.h_tm[:-1].reshape(T * B, H),
        "b": dA_flat.sum(axis=0),
        "x": (dA_flat @ trace.W_x).reshape(T, B, D).transpose(1, 0, 2),
        "h_0": dh_next,
        "C_0": dC,
    }


def cell_path(trace: LSTMTrace) -> np.ndarray:
    """The cell-state path alone: ``dC_T/dC_k`` through ``C_t = f_t*C_{t-1} + ...`` only.

    Elementwise ``prod_{t=k+1}^{T} f_t`` for k = 0..T, shape (B, T+1, H); entry k = T is 1.
    This ignores that the gates depend on h_{t-1}; `cell_jacobian` includes those paths.
    Warns (``UnderflowWarning``) if the product underflows float64.
    """
    f = trace.gates_tm[:, :, trace.H : 2 * trace.H]  # (T, B, H)
    T = f.shape[0]
    out = np.ones((T + 1,) + f.shape[1:])
    # out[k] = f_{k+1} * ... * f_T: a reversed running product
    out[:T] = np.cumprod(f[::-1], axis=0)[::-1]
    warn_if_underflow("cell path dC_T/dC_k", out, factors_nonzero=bool(np.all(f != 0)))
    return out.transpose(1, 0, 2)


def cell_jacobian(trace: LSTMTrace) -> np.ndarray:
    """The full Jacobian ``dC_T/dC_k`` for k = 0..T, shape (B, T+1, H, H); entry [b, k, i, j] is
    dC_T[i] / dC_k[j].

    Perturbing C_k (k >= 1) moves ``h_k = o_k*tanh(C_k)`` too, and through h_k every gate at
    step k+1, so besides ``diag(f_{k+1})`` the chain picks up the gate paths through ``W_h``.
    ``h_0`` is an input of its own, so for k = 0 only the path through f_1 and the gates' C_0
    dependence (none) counts. Computed by running BPTT with H seeds, one per row i.
    Warns (``UnderflowWarning``) if a Jacobian underflows float64.
    """
    B = trace.x.shape[0]
    T, H = trace.tanh_C_tm.shape[0], trace.H
    out = np.empty((B, T + 1, H, H))
    # seed: dC_T[i] / dC_T = e_i, for every batch element; axes (i, B, H)
    dC = np.broadcast_to(np.eye(H)[:, None, :], (H, B, H)).copy()
    dh = np.zeros((H, B, H))
    da = np.empty((H, B, 4 * H))
    for t in range(T - 1, -1, -1):
        dC = _step_backward(trace.gates_tm[t], trace.tanh_C_tm[t], trace.C_tm[t], dh, dC, da)
        out[:, t + 1] = dC.transpose(1, 0, 2)  # total dC_T/dC_t, including the path through h_t
        dC *= trace.gates_tm[t, :, H : 2 * H]
        dh = da @ trace.W_h
    out[:, 0] = dC.transpose(1, 0, 2)
    # f_t > 0, so a Jacobian that reads 0 has underflowed
    warn_if_underflow("cell Jacobian dC_T/dC_k", np.linalg.norm(out, axis=(-2, -1)))
    return out
