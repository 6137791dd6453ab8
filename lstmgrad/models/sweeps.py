"""The tanh RNN over a whole grid of recurrent weight × input scale × sequence length at once:
its forward pass and its chain dh_T/dh_0 at every grid point (the Experiments page's heatmap).

The RNN runs from h_0 = 0 on a constant drive u = W_x x (the "input scale"), b = 0:

    h_t = tanh(W_h h_{t-1} + u),      dh_T/dh_0 = J_T J_{T-1} ... J_1,   J_t = diag(tanh'(z_t)) W_h

Scalar RNN: the whole grid advances one time step at a time with numpy broadcasting,
so the Python loop runs over time steps only, never over grid points. Matrix RNN: W_h
is a fixed random direction scaled to a given spectral norm, and the drive is u = s·1
(every unit gets the same input, as in the scalar case).

``*_loop`` are the per-point references (a plain Python loop over points and steps);
the tests check they give the same numbers and the benchmark times both.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lstmgrad.checks import as_counts, as_sequence


def _lengths(T: Any) -> list[int]:
    """Sequence lengths as positive Python ints, in the order given."""
    return as_counts("T", [T] if np.ndim(T) == 0 else T)


def scalar_sweep(W_h: Any, scale: Any, T: Any) -> np.ndarray:
    """dh_T/dh_0 of the scalar RNN, shape (len(T), len(W_h), len(scale)).

    Entry [k, i, j] is the product of W_h[i] tanh'(z_t) over t = 1..T[k] for drive scale[j].
    """
    W_h, scale, lengths = as_sequence("W_h", W_h), as_sequence("scale", scale), _lengths(T)
    record = _record_steps(lengths)
    W = W_h[:, None]  # rows: recurrent weight; columns: input scale
    h = np.zeros((W_h.size, scale.size))
    z = np.empty_like(h)  # reused every step: no allocation inside the loop
    chain = np.ones_like(h)
    out = np.empty((len(lengths), W_h.size, scale.size))
    with np.errstate(over="ignore"):  # cosh(z) = inf for |z| > 710 gives the right slope, 0
        for t in range(1, max(lengths) + 1):
            np.multiply(W, h, out=z)
            z += scale  # z_t = W_h h_{t-1} + u
            np.tanh(z, out=h)  # h_t
            # local factor W_h tanh'(z_t), with tanh' = 1/cosh^2: equal to 1 - h_t^2, but it
            # keeps its digits where h_t is close to ±1
            np.cosh(z, out=z)
            z *= z
            chain *= W
            chain /= z
            for k in record.get(t, ()):
                out[k] = chain
    return out


def scalar_sweep_loop(W_h: Any, scale: Any, T: Any) -> np.ndarray:
    """`scalar_sweep` one grid point at a time, with Python floats (the reference)."""
    W_h, scale, lengths = as_sequence("W_h", W_h), as_sequence("scale", scale), _lengths(T)
    record = _record_steps(lengths)
    out = np.empty((len(lengths), W_h.size, scale.size))
    for i, w in enumerate(W_h.tolist()):
        for j, u in enumerate(scale.tolist()):
            h, chain = 0.0, 1.0
            for t in range(1, max(lengths) + 1):
                z = w * h + u
                h = math.tanh(z)
                chain *= w / _cosh(z) ** 2
                for k in record.get(t, ()):
                    out[k, i, j] = chain
    return out


def _cosh(z: float) -> float:
    return math.cosh(z) if abs(z) < 710.0 else math.inf


def _record_steps(lengths: list[int]) -> dict[int, list[int]]:
    """Step t -> the indices k with lengths[k] == t, where step t's result is stored."""
    steps: dict[int, list[int]] = {}
    for k, T_k in enumerate(lengths):
        steps.setdefault(T_k, []).append(k)
    return steps


def random_direction(H: int, seed: int = 0) -> np.ndarray:
    """A random H×H matrix with spectral norm 1 (multiply by sigma for norm sigma)."""
    W = np.random.default_rng(seed).standard_normal((H, H))
    return W / np.linalg.norm(W, 2)


def matrix_sweep(sigma: Any, scale: Any, T: Any, H: int = 8, seed: int = 0) -> np.ndarray:
    """Spectral norm of dh_T/dh_0 for W_h = sigma·V, V = random_direction(H, seed).

    Returns shape (len(T), len(sigma), len(scale)). The product is kept transposed,
    P_t = (J_t ... J_1)^T = P_{t-1} W_h^T diag(tanh'(z_t)), and since W_h = sigma·V every
    grid point shares V: one (points·H, H) @ (H, H) matmul per step for the whole grid.
    The products at every recorded T are kept, and their spectral norms (the largest
    singular value; transposing does not change it) come from one batched SVD at the end.
    """
    sigma, scale, lengths = as_sequence("sigma", sigma), as_sequence("scale", scale), _lengths(T)
    record = _record_steps(lengths)
    V_T = random_direction(H, seed).T
    R, S = sigma.size, scale.size
    s = sigma[:, None, None]  # (R, 1, 1) against rows h of shape (R, S, H)
    h = np.zeros((R, S, H))
    P = np.broadcast_to(np.eye(H), (R, S, H, H)).copy()
    P_next = np.empty_like(P)  # two buffers, swapped every step: no allocation inside the loop
    products = np.empty((len(lengths), R, S, H, H))  # P at each recorded T
    with np.errstate(over="ignore"):
        for t in range(1, max(lengths) + 1):
            z = s * (h @ V_T) + scale[None, :, None]  # z_t = W_h h_{t-1} + u, rows as vectors
            h = np.tanh(z)
            np.matmul(P.reshape(-1, H), V_T, out=P_next.reshape(-1, H))  # P_{t-1} V^T
            P, P_next = P_next, P
            P *= (s / np.cosh(z) ** 2)[:, :, None, :]  # times sigma diag(tanh'(z_t)) on the right
            for k in record.get(t, ()):
                products[k] = P
    return np.linalg.svd(products, compute_uv=False)[..., 0]  # singular values come sorted, largest first


def matrix_sweep_loop(sigma: Any, scale: Any, T: Any, H: int = 8, seed: int = 0) -> np.ndarray:
    """`matrix_sweep` one grid point and one step at a time (the reference)."""
    sigma, scale, lengths = as_sequence("sigma", sigma), as_sequence("scale", scale), _lengths(T)
    record = _record_steps(lengths)
    V = random_direction(H, seed)
    out = np.empty((len(lengths), sigma.size, scale.size))
    for i, s_i in enumerate(sigma):
        for j, u in enumerate(scale):
            h, J = np.zeros(H), np.eye(H)
            for t in range(1, max(lengths) + 1):
                z = s_i * (V @ h) + u  # W_h h_{t-1} + u with W_h = sigma V
                h = np.tanh(z)
                J = (s_i / np.cosh(z) ** 2)[:, None] * (V @ J)  # J_t times the product so far
                for k in record.get(t, ()):
                    out[k, i, j] = np.linalg.norm(J, 2)
    return out
