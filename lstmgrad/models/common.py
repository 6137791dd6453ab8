"""What every recurrent model shares: a stack of S models (one per seed) run as one.

Each model in `lstmgrad.models` takes its weights with an optional leading axis S. The
arrays are then (S, ...) and the matmuls batched over S, so a stack of seeds trains through
the very code the gradient checks and the torch cross-check test, and seed s gives the same
numbers alone or in a stack (``tests/test_models_stacked.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmgrad.checks import as_array, check_shape


def _T(A: np.ndarray) -> np.ndarray:
    return np.swapaxes(A, -1, -2)


def stack_axes(name: str, W_h: Any, rows: int, dtype: Any) -> tuple[np.ndarray, tuple[int, ...]]:
    """``W_h`` as an array, and its leading stack axes: () for one model, (S,) for S seeds.

    ``rows`` is how many H-row blocks the model stacks (1 for the RNN, 4 for the LSTM, 3 for the GRU).
    """
    W_h = as_array(name, W_h, 2, dtype, stacked=True)
    H = W_h.shape[-1]
    S = W_h.shape[:-2]
    check_shape(name, W_h, S + (rows * H, H), f"{rows}H x H" + (", per seed" if S else ""))
    return W_h, S


def stacked_input(x: Any, S: tuple[int, ...], dtype: Any) -> np.ndarray:
    """``x`` as (*S, B, T, D): the batch of one model, or of each model of a stack."""
    x = as_array("x", x, 3 + len(S), dtype)
    if x.shape[: len(S)] != S:
        raise ValueError(f"x must have shape {S} + (B, T, D), one batch per seed, got {x.shape}")
    return x


def initial_state(name: str, value: Any, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """``value`` checked against ``shape`` ((*S, B, H)), or zeros when it is None."""
    if value is None:
        return np.zeros(shape, dtype)
    arr = as_array(name, value, len(shape), dtype)
    check_shape(name, arr, shape, "B x H" if len(shape) == 2 else "S x B x H")
    return arr


def time_major(T: int, S: tuple[int, ...], B: int, n: int, dtype: Any) -> np.ndarray:
    """An empty (T, *S, B, n) array laid out seed-major in memory, (*S, T, B, n).

    Step t is ``a[t]`` as usual; seed s's T*B rows are one contiguous block, so `weight_grads`
    sums over steps and batch with a reshape (a view) instead of a copy of the whole array.
    """
    return np.moveaxis(np.empty(S + (T, B, n), dtype), len(S), 0)


def input_projection(x: np.ndarray, W_x: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``W_x x_t + b`` for every step, written straight into time-major order (T, *S, B, rows).

    One broadcast product per input feature rather than a matmul: D is 1 on the crash task, and
    numpy's matmul with an inner dimension of 1 takes a slow path, then needs a copy into time order.
    """
    x_tm = np.moveaxis(x, -2, 0)  # (T, *S, B, D), a view
    W_xT = _T(W_x)[..., None, :, :]  # (*S, 1, D, rows)
    z = np.empty(x_tm.shape[:-1] + (W_x.shape[-2],), x.dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, in one line
        np.multiply(x_tm[..., 0, None], W_xT[..., 0, :], out=z)
        for d in range(1, x.shape[-1]):
            z += x_tm[..., d, None] * W_xT[..., d, :]
        z += b[..., None, :]
    if not np.isfinite(z).all():
        t = int(np.argwhere(~np.isfinite(z))[0][0]) + 1
        raise ValueError(
            f"W_x x_t + b overflows {z.dtype} at step t = {t} (|x| up to {np.abs(x).max():.3g}, "
            f"|W_x| up to {np.abs(W_x).max():.3g}, |b| up to {np.abs(b).max():.3g}): scale x or W_x down"
        )
    return z


def time_major_grad(dh: Any, S: tuple[int, ...], B: int, T: int, H: int, dtype: Any) -> tuple[Any, Any]:
    """Split ``dh`` into (the gradient at h_T, the gradients at every h_t time-major or None).

    ``dh`` is (*S, B, H) (a loss on h_T only) or (*S, B, T, H) (a loss on every step).
    """
    dh = as_array("dh", dh, len(S) + 2, dtype, stacked=True)
    if dh.ndim == len(S) + 2:
        check_shape("dh", dh, S + (B, H), "B x H, the gradient at h_T")
        return dh, None
    check_shape("dh", dh, S + (B, T, H), "B x T x H, the gradient at every h_t")
    return np.zeros(S + (B, H), dtype), np.moveaxis(dh, -2, 0)


def step_rows(a: np.ndarray) -> np.ndarray:
    """A time-major (T, *S, B, n) array as (*S, T*B, n): one row per step and sequence, per model.

    A view for arrays from `time_major`; a copy otherwise.
    """
    return np.moveaxis(a, 0, -3).reshape(a.shape[1:-2] + (-1, a.shape[-1]))


def weight_grads(dz: np.ndarray, h_tm: np.ndarray | None, x: np.ndarray | None) -> tuple[Any, ...]:
    """The shared weights' gradients: sums over steps and batch, one matmul each per model.

    ``dz`` (T, *S, B, rows) is dL/d(pre-activation); returns dL/dW_x (from the inputs ``x``,
    (*S, B, T, D)), dL/dW_h (from the hidden states ``h_tm`` before each step) and dL/db;
    None for the one whose input is None. No copy of ``dz`` or ``h_tm`` when both come from
    `time_major`.
    """
    flat = _T(step_rows(dz))  # (*S, rows, T*B)
    dW_x = flat @ step_rows(np.moveaxis(x, -2, 0)) if x is not None else None
    dW_h = flat @ step_rows(h_tm[:-1]) if h_tm is not None else None
    return dW_x, dW_h, flat.sum(axis=-1)


class Trace:
    """What every recurrent trace offers: the hidden states, and its gates by name.

    A trace stores ``h_tm`` (T+1, *S, B, H), time-major; ``gates_tm`` and ``gate_slices`` (its
    gates' rows) where the model has gates. The properties give (*S, B, T, H) views, e.g.
    ``trace.h[..., t-1, :]`` is h_t.
    """

    h_tm: np.ndarray
    W_h: np.ndarray
    gates_tm: np.ndarray

    @property
    def H(self) -> int:
        """Hidden size H."""
        return self.W_h.shape[-1]

    @property
    def h(self) -> np.ndarray:
        """Hidden states h_1 .. h_T, shape (*S, B, T, H)."""
        return np.moveaxis(self.h_tm[1:], 0, -2)

    @property
    def h_0(self) -> np.ndarray:
        """Initial hidden state, shape (*S, B, H)."""
        return self.h_tm[0]

    def gate_tm(self, name: str) -> np.ndarray:
        """One gate for every step, time-major (T, *S, B, H)."""
        return self.gates_tm[..., self.gate_slices(self.H)[name]]

    def gate(self, name: str) -> np.ndarray:
        """One gate for every step, shape (*S, B, T, H)."""
        return np.moveaxis(self.gate_tm(name), 0, -2)

    @staticmethod
    def gate_slices(H: int) -> dict[str, slice]:
        """The rows of W_x, W_h and the biases that belong to each gate (none for a plain RNN)."""
        return {}
