"""The logistic loss on logits, per model of a stack."""

from __future__ import annotations

from typing import Any

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """``1 / (1 + e^-a)``, written as ``(1 + tanh(a/2)) / 2`` so that large |a| cannot overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def logistic_loss(logits: Any, y: Any, mask: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Binary cross-entropy on logits, and its gradient; the first axis is the stack of models (S).

    ``logits`` and ``y`` are (S, ...) with labels in [0, 1]; ``mask`` (same shape, 0 or 1) keeps
    only the labelled entries. For each model s, over its n_s kept entries,
    ``L_s = mean(log(1 + e^z) - y z)`` and ``dL_s/dz = (sigmoid(z) - y) / n_s``.
    Returns L (S,) and dL/dlogits (the shape of ``logits``).
    """
    z = np.asarray(logits)
    y = np.asarray(y, dtype=z.dtype)
    if z.ndim < 2 or y.shape != z.shape:
        raise ValueError(f"logits and y must have one shape (S, ...), got {z.shape} and {y.shape}")
    if np.any((y < 0) | (y > 1)):
        raise ValueError("y must hold labels in [0, 1]")
    axes = tuple(range(1, z.ndim))
    loss = np.logaddexp(0.0, z) - y * z
    if mask is None:
        return loss.mean(axis=axes), (sigmoid(z) - y) / np.prod(z.shape[1:])
    mask = np.asarray(mask, dtype=z.dtype)
    if mask.shape != z.shape or np.any((mask != 0) & (mask != 1)):
        raise ValueError(f"mask must hold 0 or 1 in the shape of logits {z.shape}, got shape {mask.shape}")
    n = mask.sum(axis=axes, keepdims=True)
    if np.any(n == 0):
        s = int(np.flatnonzero(n.reshape(-1) == 0)[0])
        raise ValueError(f"mask keeps no entry for model {s} of the stack: its loss would be 0/0")
    return (loss * mask).sum(axis=axes) / n.reshape(-1), (sigmoid(z) - y) * mask / n
