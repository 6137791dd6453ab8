"""Input checks shared by every model: bad input raises a ValueError that names
the argument and says what is wrong with it."""

from __future__ import annotations

import math
import warnings
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


class UnderflowWarning(RuntimeWarning):
    """A product of gradient factors fell below what float64 can represent."""


def float_dtype(value: Any) -> type[np.floating]:
    """The dtype a model computes in: float32 if ``value`` (its weights W_h) is float32, else float64."""
    return np.float32 if getattr(value, "dtype", None) == np.float32 else np.float64


def as_array(name: str, value: Any, ndim: int, dtype: Any = np.float64, stacked: bool = False) -> np.ndarray:
    """Return ``value`` as a ``dtype`` array with ``ndim`` dimensions, none of them empty, all finite.

    ``stacked=True`` also accepts extra leading axes (seeds), so ``ndim`` is then a minimum.
    Raises ``ValueError`` naming ``name`` for a non-numeric, wrongly shaped, empty
    or non-finite (NaN, inf) value.
    """
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must contain only numbers, got {value!r}")
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must contain only numbers, got {type(value).__name__}") from None
    if arr.ndim < ndim or (arr.ndim > ndim and not stacked):
        at_least = "at least " if stacked else ""
        raise ValueError(f"{name} must have {at_least}{ndim} dimensions, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"{name} must be finite, but entry {bad} is {arr[bad]!r}")
    return arr


def check_shape(name: str, arr: np.ndarray, expected: tuple[int, ...], meaning: str) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``arr.shape == expected``; ``meaning`` spells it out."""
    if arr.shape != expected:
        raise ValueError(f"{name} must have shape {expected} ({meaning}), got {arr.shape}")


def warn_if_underflow(name: str, product: np.ndarray, factors_nonzero: bool = True) -> None:
    """Warn when a product of nonzero factors has underflowed to 0 or to a subnormal number.

    The value is then not the true product, only a bound: |true| < 2.2e-308.
    """
    tiny = np.finfo(np.float64).tiny
    if factors_nonzero and np.any(np.abs(product) < tiny):
        warnings.warn(
            f"{name} underflowed float64 (|value| < {tiny:.1e}): the stored zeros or subnormals are "
            "not the true product, only a bound on it",
            UnderflowWarning,
            stacklevel=3,
        )
