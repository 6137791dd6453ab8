"""Gradient-norm clipping and Adam, for a stack of models (leading axis S) or for one."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lstmgrad.checks import as_float

Params = dict[str, np.ndarray]


def grad_norm(grads: Mapping[str, np.ndarray], stacked: bool = True) -> np.ndarray:
    """The global norm ``sqrt(sum_k ||g_k||^2)`` of each model's gradients: (S,), or () for one."""
    if not stacked:
        return np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    S = next(iter(grads.values())).shape[0]
    return np.sqrt(sum((g**2).reshape(S, -1).sum(axis=1) for g in grads.values()))


def clip_factor(norm: np.ndarray, max_norm: float | None) -> np.ndarray:
    """What clipping multiplies each model's gradients by: ``min(1, max_norm / ||g||)``.

    The direction of the step is kept; only its length is capped at ``max_norm``
    (``None``: no clipping). PyTorch's ``clip_grad_norm_`` divides by ``||g|| + 1e-6`` instead.
    """
    if max_norm is None:
        return np.ones_like(norm)
    if as_float("max_norm", max_norm) <= 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    return np.minimum(1.0, max_norm / np.maximum(norm, np.finfo(norm.dtype).tiny))


def clip_grads(
    grads: Mapping[str, np.ndarray], max_norm: float | None, active: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Clip each model's gradients (leading axis S) in place to global norm ``max_norm``.

    Models that are not ``active`` get zero gradients. Returns the norms before clipping (S,)
    and the factor each model's gradients were multiplied by (S,).
    """
    norm = grad_norm(grads)
    factor = clip_factor(norm, max_norm)
    if active is not None:
        factor = np.where(active, factor, 0.0)
    for g in grads.values():
        g *= factor.reshape((-1,) + (1,) * (g.ndim - 1))
    return norm, factor


class Adam:
    """Adam (Kingma & Ba 2015), updating a params dict in place, with torch's defaults.

    ``m = b1 m + (1-b1) g``; ``v = b2 v + (1-b2) g^2``;
    ``p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)``.
    With ``active`` (S,) bools, the models of a stack that are not active keep their
    parameters and moments unchanged (they have stopped early).
    """

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.lr = as_float("lr", lr)
        self.b1, self.b2 = as_float("betas[0]", betas[0]), as_float("betas[1]", betas[1])
        self.eps = as_float("eps", eps)
        if self.lr <= 0 or self.eps <= 0:
            raise ValueError(f"lr and eps must be positive, got lr={lr!r}, eps={eps!r}")
        if not (0 <= self.b1 < 1 and 0 <= self.b2 < 1):
            raise ValueError(f"betas must each lie in [0, 1), got {tuple(betas)!r}")
        self.t = 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params: Params, grads: Mapping[str, np.ndarray], active: np.ndarray | None = None) -> None:
        """One Adam update of every array in ``params`` (in place) from ``grads``."""
        self.t += 1
        c1, c2 = 1.0 - self.b1**self.t, 1.0 - self.b2**self.t
        for k, p in params.items():
            g = grads[k]
            m = self.b1 * self.m[k] + (1.0 - self.b1) * g
            v = self.b2 * self.v[k] + (1.0 - self.b2) * g**2
            update = self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
            if active is not None:
                keep = active.reshape((-1,) + (1,) * (g.ndim - 1))
                m, v = np.where(keep, m, self.m[k]), np.where(keep, v, self.v[k])
                update = np.where(keep, update, 0.0)
            self.m[k], self.v[k] = m, v
            p -= update
