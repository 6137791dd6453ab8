"""Input checks shared by every model: bad input raises a ValueError that names
the argument and says what is wrong with it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def as_float(name: str, value: Any) -> float:
    """Return ``value`` as a finite Python float, or raise ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out!r}")
    return out


def as_sequence(name: str, values: Any) -> np.ndarray:
    """Return ``values`` as a 1-D float64 array of finite numbers (shape (T,)).

    Raises ``ValueError`` naming ``name`` for an empty, non-numeric, nested or
    non-finite sequence.
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must contain only numbers, got {values!r}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of numbers, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: it needs at least one time step")
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{name} must be finite, but item {bad} is {arr[bad]!r}")
    return arr
