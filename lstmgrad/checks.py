"""Input checks shared by every model: bad input raises a ValueError that names
the argument and says what is wrong with it."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
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


def as_count(name: str, value: Any, lo: int = 1, hi: int | None = None, why: str = "") -> int:
    """Return ``value`` as a Python int in ``lo..hi`` (no upper end when ``hi`` is None).

    Raises ``ValueError`` naming ``name`` and the range for anything else: a bool, a string,
    a fraction, a number out of range. ``why`` is added to an out-of-range message (the limit's reason).
    """
    span = f"from {lo:,} to {hi:,}" if hi is not None else f"of at least {lo:,}"
    whole = isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer()
    )
    if isinstance(value, bool) or not whole:
        raise ValueError(f"{name} must be a whole number {span}, got {value!r}")
    n = int(value)
    if n < lo:
        raise ValueError(f"{name} must be a whole number {span}, got {n:,}")
    if hi is not None and n > hi:
        raise ValueError(f"{name} must be a whole number {span}, got {n:,}" + (f" ({why})" if why else ""))
    return n


def as_counts(name: str, values: Any, lo: int = 1, hi: int | None = None, why: str = "") -> list[int]:
    """Return ``values``, a non-empty list of whole numbers, as Python ints, each checked by `as_count`."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a list of whole numbers, got {values!r}")
    out = [as_count(f"{name}[{i}]", v, lo, hi, why) for i, v in enumerate(values)]
    if not out:
        raise ValueError(f"{name} is empty: give at least one whole number")
    return out


def as_sequence(name: str, values: Any) -> np.ndarray:
    """Return ``values`` as a 1-D float64 array of finite numbers (shape (T,)).

    Raises ``ValueError`` naming ``name`` for a string, an empty, non-numeric, nested or
    non-finite sequence, or one holding None.
    """
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a list of numbers, got the string {values!r}")
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
        if _item(values, bad) is None:  # numpy reads None as NaN
            raise ValueError(f"{name} must contain only numbers, but item {bad} is None")
        raise ValueError(f"{name} must be finite, but item {bad} is {float(arr[bad])!r}")
    return arr


def _item(values: Any, index: Any) -> Any:
    """The entry of ``values`` at ``index`` as given (before numpy read None as NaN), or ``...``."""
    try:
        return np.asarray(values, dtype=object)[index]
    except (TypeError, ValueError, IndexError):
        return ...


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
        if _item(value, bad) is None:
            raise ValueError(f"{name} must contain only numbers, but entry {bad} is None")
        raise ValueError(f"{name} must be finite, but entry {bad} is {float(arr[bad])!r}")
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
