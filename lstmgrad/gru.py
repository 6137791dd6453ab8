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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.checks import as_array, check_shape, warn_if_underflow

__all__ = ["GRUTrace", "backward", "forward", "gate_slices", "hidden_jacobian", "update_path"]


def gate_slices(H: int) -> dict[str, slice]:
    """Rows of ``W_x``, ``W_h``, ``b_x`` and ``b_h`` that belong to each gate: r, z, n (PyTorch order)."""
    return {"r": slice(0, H), "z": slice(H, 2 * H), "n": slice(2 * H, 3 * H)}


@dataclass(frozen=True)
class GRUTrace:
    """Everything a forward pass computed, kept for the backward pass.

    Stored time-major; the properties give (B, T, H) views, e.g. ``trace.z[:, t-1]`` is z_t.
    """

    x: np.ndarray  # (B, T, D) inputs x_t
    W_x: np.ndarray  # (3H, D)
    W_h: np.ndarray  # (3H, H)
    b_x: np.ndarray  # (3H,)
    b_h: np.ndarray  # (3H,)
    gates_tm: np.ndarray  # (T, B, 3H) activated gates [r_t, z_t, n_t]
    hn_tm: np.ndarray  # (T, B, H) W_hn h_{t-1} + b_hn, what r_t multiplies
    h_tm: np.ndarray  # (T+1, B, H) hidden states h_0 .. h_T

    @property
    def H(self) -> int:
        """Hidden size H."""
        return self.W_h.shape[1]

    def _gate(self, name: str) -> np.ndarray:
        return self.gates_tm[:, :, gate_slices(self.H)[name]].transpose(1, 0, 2)

    @property
    def r(self) -> np.ndarray:
        """Reset gates r_t, shape (B, T, H)."""
        return self._gate("r")

    @property
    def z(self) -> np.ndarray:
        """Update gates z_t, shape (B, T, H)."""
        return self._gate("z")

    @property
    def n(self) -> np.ndarray:
        """Candidates n_t, shape (B, T, H)."""
        return self._gate("n")

    @property
    def h(self) -> np.ndarray:
        """Hidden states h_1 .. h_T, shape (B, T, H)."""
        return self.h_tm[1:].transpose(1, 0, 2)

    @property
    def h_0(self) -> np.ndarray:
        """Initial hidden state, shape (B, H)."""
        return self.h_tm[0]


def forward(x: Any, W_x: Any, W_h: Any, b_x: Any, b_h: Any, h_0: Any = None) -> GRUTrace:
    """Run the GRU over a batch ``x`` of shape (B, T, D); returns every per-step quantity.

    ``W_x`` (3H, D), ``W_h`` (3H, H), ``b_x`` and ``b_h`` (3H,), ``h_0`` (B, H), zeros by default.
    Equations (module docstring): ``r_t, z_t = sigmoid(.)``;
    ``n_t = tanh(W_xn x_t + b_xn + r_t*(W_hn h_{t-1} + b_hn))``; ``h_t = (1-z_t)*n_t + z_t*h_{t-1}``.
    """
    x = as_array("x", x, 3)
    W_x, W_h = as_array("W_x", W_x, 2), as_array("W_h", W_h, 2)
    b_x, b_h = as_array("b_x", b_x, 1), as_array("b_h", b_h, 1)
    B, T, D = x.shape
    H = W_h.shape[1]
    check_shape("W_h", W_h, (3 * H, H), "3H x H, gates r, z, n stacked")
    check_shape("W_x", W_x, (3 * H, D), f"3H x D, with D = {D} from x of shape (B, T, D)")
    check_shape("b_x", b_x, (3 * H,), "3H, gates r, z, n stacked")
    check_shape("b_h", b_h, (3 * H,), "3H, gates r, z, n stacked")
    h = np.empty((T + 1, B, H))
    if h_0 is None:
        h[0] = 0.0
    else:
        h_0 = as_array("h_0", h_0, 2)
        check_shape("h_0", h_0, (B, H), "B x H")
        h[0] = h_0
    rz, n_ = slice(0, 2 * H), slice(2 * H, 3 * H)
    # sigmoid(a) = (1 + tanh(a/2)) / 2: the r and z rows are halved so one tanh serves both
    scale = np.ones(3 * H)
    scale[rz] = 0.5

    # The input part W_x x_t + b_x for every step in one matmul, time-major (T, B, 3H).
    gates = (x.transpose(1, 0, 2).reshape(T * B, D) @ (W_x.T * scale)).reshape(T, B, 3 * H)
    gates += b_x * scale
    W_hT = np.ascontiguousarray(W_h.T * scale)
    b_hs = b_h * scale
    hn = np.empty((T, B, H))
    ah = np.empty((B, 3 * H))
    for t in range(T):
        G = gates[t]
        # W_h h_{t-1} + b_h for all three gates in one matmul
        np.matmul(h[t], W_hT, out=ah)
        ah += b_hs
        # r_t, z_t = sigmoid(.) via tanh of the halved pre-activations
        G[:, rz] += ah[:, rz]
        np.tanh(G[:, rz], out=G[:, rz])
        G[:, rz] *= 0.5
        G[:, rz] += 0.5
        r, z, n = G[:, :H], G[:, H : 2 * H], G[:, n_]
        # n_t = tanh(W_xn x_t + b_xn + r_t * (W_hn h_{t-1} + b_hn)): reset after the matmul
        hn[t] = ah[:, n_]
        n += r * hn[t]
        np.tanh(n, out=n)
        # h_t = (1 - z_t) * n_t + z_t * h_{t-1} = n_t + z_t * (h_{t-1} - n_t)
        np.subtract(h[t], n, out=h[t + 1])
        h[t + 1] *= z
        h[t + 1] += n
    return GRUTrace(x=x, W_x=W_x, W_h=W_h, b_x=b_x, b_h=b_h, gates_tm=gates, hn_tm=hn, h_tm=h)


def _step_backward(
    G: np.ndarray, hn: np.ndarray, h_prev: np.ndarray, dh: np.ndarray, dah: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One step back: given ``dh`` = dL/dh_t, fill ``dah`` = dL/d(W_h h_{t-1} + b_h) (3H wide).

    Returns dL/dh_{t-1} along the direct ``z_t * h_{t-1}`` term, and dL/d(pre-activation of
    n_t), which is also dL/d(W_x x_t + b_x) for the n block. Extra leading axes broadcast.
    """
    H = hn.shape[-1]
    r, z, n = G[:, :H], G[:, H : 2 * H], G[:, 2 * H :]
    # h_t = (1 - z_t) * n_t + z_t * h_{t-1}
    da_n = dh * (1.0 - z) * (1.0 - n * n)  # through n_t, then tanh'
    np.multiply(da_n * hn, r * (1.0 - r), out=dah[..., :H])  # r_t scales W_hn h + b_hn
    np.multiply(dh * (h_prev - n), z * (1.0 - z), out=dah[..., H : 2 * H])  # z_t mixes h_{t-1}, n_t
    np.multiply(da_n, r, out=dah[..., 2 * H :])  # W_hn h + b_hn enters multiplied by r_t
    return dh * z, da_n


def backward(trace: GRUTrace, dh: Any) -> dict[str, np.ndarray]:
    """Full BPTT: gradients of a loss L given ``dh`` = dL/dh_t.

    ``dh`` has shape (B, T, H) (a loss on every step) or (B, H) (a loss on h_T only).
    Returns ``W_x`` (3H, D), ``W_h`` (3H, H), ``b_x``, ``b_h`` (3H,), ``x`` (B, T, D), ``h_0`` (B, H).
    Recurrence: ``dL/dh_{t-1} = z_t * dL/dh_t + W_h^T dL/d(W_h h_{t-1} + b_h)`` (+ the loss's own term).
    """
    B, T, D = trace.x.shape
    H = trace.H
    dh_arr = as_array("dh", dh, 3 if np.ndim(dh) == 3 else 2)
    if dh_arr.ndim == 2:
        check_shape("dh", dh_arr, (B, H), "B x H, the gradient at h_T")
    else:
        check_shape("dh", dh_arr, (B, T, H), "B x T x H, the gradient at every h_t")
    dh_tm = dh_arr.transpose(1, 0, 2) if dh_arr.ndim == 3 else None

    dAh = np.empty((T, B, 3 * H))  # dL/d(W_h h_{t-1} + b_h)
    dAn = np.empty((T, B, H))  # dL/d(pre-activation of n_t)
    dh_next = np.zeros((B, H)) if dh_tm is not None else dh_arr
    for t in range(T - 1, -1, -1):
        dh_t = dh_next + dh_tm[t] if dh_tm is not None else dh_next
        direct, dAn[t] = _step_backward(trace.gates_tm[t], trace.hn_tm[t], trace.h_tm[t], dh_t, dAh[t])
        dh_next = direct + dAh[t] @ trace.W_h
    # The input side sees the same r, z gradients; for n it sees da_n (not r_t * da_n).
    dAx = dAh.copy()
    dAx[:, :, 2 * H :] = dAn
    dAx_flat, dAh_flat = dAx.reshape(T * B, 3 * H), dAh.reshape(T * B, 3 * H)
    x_flat = trace.x.transpose(1, 0, 2).reshape(T * B, D)
    return {
        "W_x": dAx_flat.T @ x_flat,
        "W_h": dAh_flat.T @ trace.h_tm[:-1].reshape(T * B, H),
        "b_x": dAx_flat.sum(axis=0),
        "b_h": dAh_flat.sum(axis=0),
        "x": (dAx_flat @ trace.W_x).reshape(T, B, D).transpose(1, 0, 2),
        "h_0": dh_next,
    }


def update_path(trace: GRUTrace) -> np.ndarray:
    """The update-gate path alone: ``dh_T/dh_k`` through the ``z_t * h_{t-1}`` term only.

    Elementwise ``prod_{t=k+1}^{T} z_t`` for k = 0..T, shape (B, T+1, H); entry k = T is 1.
    `hidden_jacobian` adds the paths through r_t, z_t and n_t.
    Warns (``UnderflowWarning``) if the product underflows float64.
    """
    z = trace.gates_tm[:, :, trace.H : 2 * trace.H]
    T = z.shape[0]
    out = np.ones((T + 1,) + z.shape[1:])
    out[:T] = np.cumprod(z[::-1], axis=0)[::-1]
    warn_if_underflow("update-gate path dh_T/dh_k", out, factors_nonzero=bool(np.all(z != 0)))
    return out.transpose(1, 0, 2)


def hidden_jacobian(trace: GRUTrace) -> np.ndarray:
    """The full Jacobian ``dh_T/dh_k`` for k = 0..T, shape (B, T+1, H, H); [b, k, i, j] is
    dh_T[i] / dh_k[j]. Computed by BPTT with one seed per output unit i.

    Per step: ``dh_t/dh_{t-1} = diag(z_t) + (gate terms) W_h``, the first being the update path.
    Warns (``UnderflowWarning``) if a Jacobian underflows float64.
    """
    B = trace.x.shape[0]
    T, H = trace.hn_tm.shape[0], trace.H
    out = np.empty((B, T + 1, H, H))
    dh = np.broadcast_to(np.eye(H)[:, None, :], (H, B, H)).copy()
    dah = np.empty((H, B, 3 * H))
    out[:, T] = dh.transpose(1, 0, 2)
    for t in range(T - 1, -1, -1):
        direct, _ = _step_backward(trace.gates_tm[t], trace.hn_tm[t], trace.h_tm[t], dh, dah)
        dh = direct + dah @ trace.W_h
        out[:, t] = dh.transpose(1, 0, 2)
    # z_t > 0, so a Jacobian that reads 0 has underflowed
    warn_if_underflow("hidden Jacobian dh_T/dh_k", np.linalg.norm(out, axis=(-2, -1)))
    return out
