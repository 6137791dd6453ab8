"""A single-head self-attention model with a hand-written backward pass.

For a batch of sequences x (B, T, D) and model width d:

    E   = x W_e + b_e + P             embed each step, add the sinusoidal position code P (T, d)
    Q   = E W_q,  K = E W_k,  V = E W_v
    S   = Q K^T / sqrt(d)             (B, T, T) scores: every step looks at every step
    A   = softmax(S) over the last axis
    U   = A V                         what each step gathered
    Z   = E + U                       residual: the step keeps its own embedding
    y_t = Z_t w_y + b_y               one logit per step (B, T)

There is no causal mask: step t sees the whole sequence, past and future. The
price is the (B, T, T) matrix A, which the backward pass needs, so stored
activations grow as T**2 where a recurrent model's grow as T.

A task that reads only the last step's answer needs only the last row of A:
``queries="last"`` computes just that row (Q, A, U and Z for one step), which
gives the same logit and the same gradients at O(T) cost.

Forward and backward are written side by side, one step at a time, in the
spirit of micrograd: every line of ``attention_backward`` undoes one line of
``attention_forward``, in reverse order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Parameter names, in a fixed order (used by gradient checks and optimisers).
PARAM_NAMES = ("W_e", "b_e", "W_q", "W_k", "W_v", "w_y", "b_y")


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


def init_attention(D: int, d: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded parameters: W_e (D, d), b_e (d,), W_q, W_k, W_v (d, d), w_y (d,), b_y ().

    Weights are Gaussian with variance 1/fan_in, so scores start at order 1.
    """
    if D < 1 or d < 2 or d % 2:
        raise ValueError(f"init_attention needs D >= 1 and an even d >= 2, got D={D}, d={d}")
    rng = np.random.default_rng(seed)
    return {
        "W_e": rng.normal(0.0, 1.0 / np.sqrt(D), (D, d)),
        "b_e": np.zeros(d),
        "W_q": rng.normal(0.0, 1.0 / np.sqrt(d), (d, d)),
        "W_k": rng.normal(0.0, 1.0 / np.sqrt(d), (d, d)),
        "W_v": rng.normal(0.0, 1.0 / np.sqrt(d), (d, d)),
        "w_y": rng.normal(0.0, 1.0 / np.sqrt(d), d),
        "b_y": np.zeros(()),
    }


def _check_input(params: dict[str, np.ndarray], x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (B, T, D), got shape {x.shape}")
    if x.shape[1] == 0:
        raise ValueError("x is empty: it needs at least one time step")
    if x.shape[2] != params["W_e"].shape[0]:
        raise ValueError(f"x has D={x.shape[2]} features but W_e expects {params['W_e'].shape[0]}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite, but it holds NaN or inf")
    return x


def attention_forward(
    params: dict[str, np.ndarray], x: Any, queries: str = "all"
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Logits y (B, Tq) for inputs x (B, T, D), and the activations the backward pass needs.

    ``queries="all"`` is the full layer: every step asks, Tq = T, and A is (B, T, T).
    ``queries="last"`` lets only the last step ask (Tq = 1, A is (B, 1, T)): the same
    model and the same last-step logit, for a task that only reads the last step.
    """
    x = _check_input(params, x)
    if queries not in ("all", "last"):
        raise ValueError(f"queries must be 'all' or 'last', got {queries!r}")
    d = params["W_q"].shape[0]
    E = x @ params["W_e"] + params["b_e"] + positional_encoding(x.shape[1], d)
    Eq = E[:, -1:] if queries == "last" else E  # the steps that ask
    Q, K, V = Eq @ params["W_q"], E @ params["W_k"], E @ params["W_v"]
    S = Q @ K.transpose(0, 2, 1) / np.sqrt(d)
    # subtract the row max before exp: same softmax, no overflow
    A = np.exp(S - S.max(axis=-1, keepdims=True))
    A /= A.sum(axis=-1, keepdims=True)
    U = A @ V
    Z = Eq + U
    y = Z @ params["w_y"] + params["b_y"]
    # S is not kept: the softmax backward needs only A
    cache = {"x": x, "E": E, "Q": Q, "K": K, "V": V, "A": A, "Z": Z}
    return y, cache


def attention_backward(
    params: dict[str, np.ndarray], cache: dict[str, np.ndarray], dy: Any
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Given dL/dy (B, Tq), return dL/dparams (same shapes as params) and dL/dx (B, T, D)."""
    x, E, Q, K, V, A, Z = (cache[k] for k in ("x", "E", "Q", "K", "V", "A", "Z"))
    dy = np.asarray(dy, dtype=np.float64)
    if dy.shape != Z.shape[:2]:
        raise ValueError(f"dy must have shape {Z.shape[:2]}, got {dy.shape}")
    d = params["W_q"].shape[0]
    Eq = E[:, E.shape[1] - Z.shape[1] :]
    g: dict[str, np.ndarray] = {}
    # y = Z w_y + b_y
    g["w_y"] = np.einsum("bt,btd->d", dy, Z)
    g["b_y"] = np.asarray(dy.sum())
    dZ = dy[..., None] * params["w_y"]
    # Z = Eq + U: the residual hands dZ to both
    dEq = dZ.copy()
    dU = dZ
    # U = A V
    dA = dU @ V.transpose(0, 2, 1)
    dV = A.transpose(0, 2, 1) @ dU
    # A = softmax(S): dS = A * (dA - sum_j dA_j A_j), row by row
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    # S = Q K^T / sqrt(d)
    dQ = dS @ K / np.sqrt(d)
    dK = dS.transpose(0, 2, 1) @ Q / np.sqrt(d)
    # Q = Eq W_q; K, V = E W_k, E W_v: E feeds all three
    g["W_q"] = np.einsum("btd,bte->de", Eq, dQ)
    g["W_k"] = np.einsum("btd,bte->de", E, dK)
    g["W_v"] = np.einsum("btd,bte->de", E, dV)
    dEq += dQ @ params["W_q"].T
    dE = dK @ params["W_k"].T + dV @ params["W_v"].T
    dE[:, E.shape[1] - Z.shape[1] :] += dEq
    # E = x W_e + b_e + P (P is fixed)
    g["W_e"] = np.einsum("bti,btd->id", x, dE)
    g["b_e"] = dE.sum(axis=(0, 1))
    dx = dE @ params["W_e"].T
    return g, dx


def activation_bytes(cache: dict[str, np.ndarray]) -> int:
    """Bytes held by the stored activations of one forward pass (what training must keep)."""
    return int(sum(a.nbytes for a in cache.values()))


def attention_activation_bytes(T: int, d: int, D: int = 1, batch: int = 1, queries: str = "all") -> int:
    """The same count in closed form, float64, with Tq asking steps (T, or 1 for ``queries="last"``):
    x (T D), E K V (3 T d), Q Z (2 Tq d) and A (Tq T)."""
    Tq = T if queries == "all" else 1
    return 8 * batch * (T * D + 3 * T * d + 2 * Tq * d + Tq * T)
