"""Two thresholds for a shrinking gradient product, measured in float32 and float64.

With every local factor equal to ``factor``, the lag-T term of BPTT is ``factor**T``.
It can stop mattering long before it stops existing:

- negligible: adding ``factor**T`` to the sum of the shorter-lag terms
  ``1 + factor + ... + factor**(T-1)`` no longer changes that sum in the dtype;
- underflow: repeated multiplication in the dtype gives exactly 0.0 (or gets stuck
  at the smallest subnormal number, because round-to-nearest rounds it back up);
  under flush-to-zero, which replaces every subnormal result by 0.0, it reaches 0.0
  as soon as it leaves the normal range.

Everything is measured by doing the arithmetic in the dtype, step by step. Shown on the
Limitations page (``docs/limitations.md``) and in the errata (``docs/errata.md``);
`lstmgrad.present.floats` formats the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.checks import as_count, as_float
from lstmgrad.models.rnn import local_factors, scalar_forward
from lstmgrad.tasks.anchor import ANCHOR_WEIGHTS, repeated_sequence

#: The two float types the site measures.
DTYPES = (np.float32, np.float64)
#: The longest walk: one rounded multiplication per step, in Python.
MAX_WALK = 10**6
WHY = "each step is one multiplication in Python, about a second per million"


@dataclass(frozen=True)
class ProductWalk:
    """What happens to ``factor**T``, computed as T repeated multiplications in ``dtype``.

    Steps are ``None`` when the event does not happen within ``max_steps``.
    """

    factor: float
    dtype: str
    eps: float  # machine epsilon of the dtype
    at_100: float  # factor**100 by repeated multiplication
    below_eps: int | None  # first T with factor**T < eps
    negligible: int | None  # first T where adding factor**T leaves the running sum unchanged
    subnormal: int | None  # first T with 0 < factor**T < smallest normal number
    zero: int | None  # first T with factor**T == 0.0 exactly
    stuck: int | None  # first T from which factor**T never changes again (and is not 0.0)
    final: float  # factor**max_steps
    max_steps: int


def walk_product(factor: float, dtype: type[np.floating], max_steps: int = 3000) -> ProductWalk:
    """Multiply 1 by ``factor`` ``max_steps`` times in ``dtype`` and record when each threshold is crossed.

    Shown on the Limitations page (``docs/limitations.md``) and in the errata (``docs/errata.md``).
    """
    factor = as_float("factor", factor)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be between 0 and 1 (a shrinking product), got {factor!r}")
    max_steps = as_count("max_steps", max_steps, hi=MAX_WALK, why=WHY)
    info = np.finfo(dtype)
    f = dtype(factor)
    power, total = dtype(1.0), dtype(1.0)  # factor**0, and the sum of terms with lag < T
    below_eps = negligible = subnormal = zero = stuck = None
    at_100 = float("nan")
    for T in range(1, max_steps + 1):
        previous = power
        power = dtype(power * f)  # one more step back: one more factor, rounded in the dtype
        if T == 100:
            at_100 = float(power)
        if below_eps is None and power < info.eps:
            below_eps = T
        if negligible is None and dtype(total + power) == total:
            negligible = T
        total = dtype(total + power)
        if subnormal is None and 0 < power < info.tiny:
            subnormal = T
        if zero is None and power == 0:
            zero = T
        if power == previous and power != 0:
            stuck = T - 1 if stuck is None else stuck
        else:
            stuck = None
    return ProductWalk(
        factor=factor,
        dtype=np.dtype(dtype).name,
        eps=float(info.eps),
        at_100=at_100,
        below_eps=below_eps,
        negligible=negligible,
        subnormal=subnormal,
        zero=zero,
        stuck=stuck,
        final=float(power),
        max_steps=max_steps,
    )


def first_zero(
    factors: Sequence[float], dtype: type[np.floating], flush_to_zero: bool = False
) -> tuple[int | None, int | None]:
    """Multiply 1 by ``factors`` in turn, in ``dtype``: the first T that is subnormal, and the first at 0.0.

    With ``flush_to_zero`` every subnormal result is replaced by 0.0, as FTZ hardware modes
    (common on GPUs and in fast-math builds) do, so the product never goes subnormal and
    reaches 0.0 the step it would have left the normal range. Shown in the errata
    (``docs/errata.md``) through `flush_to_zero_rows`.
    """
    tiny = np.finfo(dtype).tiny
    power = dtype(1.0)
    subnormal = None
    for T, factor in enumerate(factors, start=1):
        power = dtype(power * dtype(factor))
        if 0 < abs(power) < tiny:
            if flush_to_zero:
                power = dtype(0.0)
            elif subnormal is None:
                subnormal = T
        if power == 0:
            return subnormal, T
    return subnormal, None


def anchor_factors(steps: int) -> list[float]:
    """The anchor RNN's local factors, newest first, over its five prices repeated to ``steps`` days.

    The product of the first k of them is the lag-k chain dh_T/dh_{T-k}. Shown in the errata
    (``docs/errata.md``) through `flush_to_zero_rows`.
    """
    trace = scalar_forward(repeated_sequence(steps), W_h=ANCHOR_WEIGHTS["W_h"], W_x=ANCHOR_WEIGHTS["W_x"])
    return [float(v) for v in local_factors(trace)[::-1]]


def not_zero(factor: float = 0.7, max_steps: int = 3000) -> list[dict[str, Any]]:
    """``factor**100`` in each dtype of `DTYPES`, against 0.0 and against 1, one record per dtype.

    Keys: ``dtype``, ``at_100``, ``is_zero`` (it equals 0.0), ``tiny`` (the smallest normal
    number), ``one_absorbs`` (1 + it == 1 in the dtype) and ``zero`` (the first T with
    ``factor**T == 0.0``, None if not within ``max_steps``). Shown in the errata (``docs/errata.md``).
    """
    rows = []
    for dtype in DTYPES:
        w = walk_product(factor, dtype, max_steps)
        p = dtype(w.at_100)
        rows.append(
            {
                "dtype": w.dtype,
                "at_100": w.at_100,
                "is_zero": bool(p == 0),
                "tiny": float(np.finfo(dtype).tiny),
                "one_absorbs": bool(dtype(dtype(1.0) + p) == dtype(1.0)),
                "zero": w.zero,
            }
        )
    return rows


def flush_to_zero_rows(factors: Sequence[float] = (0.7, 0.1), max_steps: int = 3000) -> list[dict[str, Any]]:
    """When a chain reaches exactly 0.0, with gradual underflow and with flush-to-zero.

    One record per chain and dtype: constant chains of each of ``factors`` (``chain`` is the
    factor), and the anchor RNN's own local factors (``chain`` is ``"anchor"``), all followed up
    to ``max_steps`` steps. Keys: ``chain``, ``dtype``, ``subnormal`` and ``gradual`` (from
    `first_zero`) and ``flushed`` (the first T at 0.0 under flush-to-zero).
    Shown in the errata (``docs/errata.md``).
    """
    max_steps = as_count("max_steps", max_steps, hi=MAX_WALK, why=WHY)
    chains: list[tuple[float | str, list[float]]] = [(f, [f] * max_steps) for f in factors]
    chains.append(("anchor", anchor_factors(max_steps)))
    rows = []
    for name, chain in chains:
        for dtype in DTYPES:
            subnormal, gradual = first_zero(chain, dtype)
            _, flushed = first_zero(chain, dtype, flush_to_zero=True)
            row = {"chain": name, "dtype": np.dtype(dtype).name, "subnormal": subnormal}
            rows.append({**row, "gradual": gradual, "flushed": flushed})
    return rows
