"""A single-head self-attention model with a hand-written backward pass.

For a batch of sequences x (B, T, D) and model width d:

    E   = x W_e + b_e + P             embed each step, add the sinusoidal position code P (T, d)
    Q   = E W_q,  K = E W_k,  V = E W_v
    S   = Q K^T / sqrt(d)             (B, T, T) scores: every step looks at every step
    A   = softmax(S) over the last axis
    AV  = A V                         what each step gathered
    Z   = E + AV                      residual: the step keeps its own embedding
    y_t = Z_t W_y + b_y               one logit per step (B, T)

There is no causal mask: step t sees the whole sequence, past and future. The
price is the (B, T, T) matrix A, which the backward pass needs, so stored
activations grow as T**2 where a recurrent model's grow as T.

A task that reads only the last step's answer needs only the last row of A:
``queries="last"`` computes just that row (Q, A, AV and Z for one step), which
gives the same logit and the same gradients at O(T) cost.

Forward and backward are written side by side, one step at a time, in the
spirit of micrograd: every line of ``attention_backward`` undoes one line of
``attention_forward``, in reverse order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Parameter names, in a fixed order (used by gradient checks and optimisers).
PARAM_NAMES = ("W_e", "b_e", "W_q", "W_k", "W_v", "W_y", "b_y")


def positional_encoding(T: int, d: int) -> np.ndarray:
    """Sinusoidal position code P (T, d): P[t, 2i] = sin(t / 10000**(2i/d)), P[t, 2i+1] = cos(...).

    A fixed offset k is a rotation of each (sin, cos) pair, so W_q and W_k can learn
    "look k steps away" as a linear map.
    """
    if T < 1 or d < 2 or d % 2:
        raise ValueError(f"positional_encoding needs T >= 1 and an even d >= 2, got T={T}, d={d}")
    t = np.arange(T, dtype=np.float64)[:, None]
    rate = 1.0 / 10000.0 ** (np.arange(0, d, 2, dtype=np.float64) / d)
    P = np.empty((T, d))
    P[:, 0::2] = np.sin(t * rate)
    P[:, 1::2] = np.cos(t * rate)
    return P


def _check_input(params: dict[str, np.ndarray], x: Any) -> np.ndarray:
    S = params["W_e"].shape[:-2]  # () for one model, (S,) for a stack of seeds
    x = np.asarray(x, dtype=params["W_e"].dtype)
    if x.ndim != 3 + len(S) or x.shape[: len(S)] != S:
        raise ValueError(f"x must have shape {S} + (B, T, D), got shape {x.shape}")
    if x.shape[-2] == 0:
        raise ValueError("x is empty: it needs at least one time step")
    if x.shape[-1] != params["W_e"].shape[-2]:
        raise ValueError(f"x has D={x.shape[-1]} features but W_e expects {params['W_e'].shape[-2]}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite, but it holds NaN or inf")
    return x


def _T(A: np.ndarray) -> np.ndarray:
    return np.swapaxes(A, -1, -2)


def _mat(W: np.ndarray) -> np.ndarray:
    """A weight (*S, m, n) ready to multiply a batch (*S, B, T, m)."""
    return W[..., None, :, :]


def _vec(v: np.ndarray) -> np.ndarray:
    """A bias (*S, n) ready to add to a batch (*S, B, T, n)."""
    return v[..., None, None, :]


def attention_forward(
    params: dict[str, np.ndarray], x: Any, queries: str = "all"
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Logits y (B, Tq) for inputs x (B, T, D), and the activations the backward pass needs.

    ``queries="all"`` is the full layer: every step asks, Tq = T, and A is (B, T, T).
    ``queries="last"`` lets only the last step ask (Tq = 1, A is (B, 1, T)): the same
    model and the same last-step logit, for a task that only reads the last step.
    With a leading axis S on every parameter and on x, a stack of S models runs at once.
    """
    x = _check_input(params, x)
    if queries not in ("all", "last"):
        raise ValueError(f"queries must be 'all' or 'last', got {queries!r}")
    d = params["W_q"].shape[-1]
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, in one line
        E = (
            x @ _mat(params["W_e"])
            + _vec(params["b_e"])
            + positional_encoding(x.shape[-2], d).astype(x.dtype)
        )
        Eq = E[..., -1:, :] if queries == "last" else E  # the steps that ask
        Q, K, V = Eq @ _mat(params["W_q"]), E @ _mat(params["W_k"]), E @ _mat(params["W_v"])
        S = Q @ _T(K) / np.sqrt(d)
    if not (np.isfinite(S).all() and np.isfinite(V).all()):
        raise ValueError(
            f"attention's embeddings or scores overflow {x.dtype} (|x| up to {np.abs(x).max():.3g}): "
            "scale x or the weights down"
        )
    # subtract the row max before exp: same softmax, no overflow
    A = np.exp(S - S.max(axis=-1, keepdims=True))
    A /= A.sum(axis=-1, keepdims=True)
    AV = A @ V
    Z = Eq + AV
    y = np.einsum("...btd,...d->...bt", Z, params["W_y"]) + params["b_y"][..., None, None]
    # S is not kept: the softmax backward needs only A
    cache = {"x": x, "E": E, "Q": Q, "K": K, "V": V, "A": A, "Z": Z}
    return y, cache


def attention_backward(
    params: dict[str, np.ndarray], cache: dict[str, np.ndarray], dy: Any
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Given dL/dy (B, Tq), return dL/dparams (same shapes as params) and dL/dx (B, T, D)."""
    x, E, Q, K, V, A, Z = (cache[k] for k in ("x", "E", "Q", "K", "V", "A", "Z"))
    dy = np.asarray(dy, dtype=Z.dtype)
    if dy.shape != Z.shape[:-1]:
        raise ValueError(f"dy must have shape {Z.shape[:-1]}, got {dy.shape}")
    d = params["W_q"].shape[-1]
    Tq = Z.shape[-2]
    Eq = E[..., E.shape[-2] - Tq :, :]
    g: dict[str, np.ndarray] = {}
    # y = Z W_y + b_y
    g["W_y"] = np.einsum("...bt,...btd->...d", dy, Z)
    g["b_y"] = np.asarray(dy.sum(axis=(-2, -1)))
    dZ = dy[..., None] * params["W_y"][..., None, None, :]
    # Z = Eq + AV: the residual hands dZ to both
    dEq = dZ.copy()
    dAV = dZ
    # AV = A V
    dA = dAV @ _T(V)
    dV = _T(A) @ dAV
    # A = softmax(S): dS = A * (dA - sum_j dA_j A_j), row by row
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    # S = Q K^T / sqrt(d)
    dQ = dS @ K / np.sqrt(d)
    dK = _T(dS) @ Q / np.sqrt(d)
    # Q = Eq W_q; K, V = E W_k, E W_v: E feeds all three
    g["W_q"] = np.einsum("...btd,...bte->...de", Eq, dQ)
    g["W_k"] = np.einsum("...btd,...bte->...de", E, dK)
    g["W_v"] = np.einsum("...btd,...bte->...de", E, dV)
    dEq += dQ @ _T(_mat(params["W_q"]))
    dE = dK @ _T(_mat(params["W_k"])) + dV @ _T(_mat(params["W_v"]))
    dE[..., E.shape[-2] - Tq :, :] += dEq
    # E = x W_e + b_e + P (P is fixed)
    g["W_e"] = np.einsum("...bti,...btd->...id", x, dE)
    g["b_e"] = dE.sum(axis=(-3, -2))
    dx = dE @ _T(_mat(params["W_e"]))
    return g, dx


def activation_bytes(cache: dict[str, np.ndarray]) -> int:
    """Bytes held by the stored activations of one forward pass (what training must keep)."""
    return int(sum(a.nbytes for a in cache.values()))


def attention_activation_bytes(T: int, d: int, D: int = 1, batch: int = 1, queries: str = "all") -> int:
    """The same count in closed form, float64, with Tq asking steps (T, or 1 for ``queries="last"``):
    x (T D), E K V (3 T d), Q Z (2 Tq d) and A (Tq T)."""
    Tq = T if queries == "all" else 1
    return 8 * batch * (T * D + 3 * T * d + 2 * Tq * d + Tq * T)
