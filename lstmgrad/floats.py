"""Two thresholds for a shrinking gradient product, measured in float32 and float64.

With every local factor equal to ``factor``, the lag-T term of BPTT is ``factor**T``.
It can stop mattering long before it stops existing:

- negligible: adding ``factor**T`` to the sum of the shorter-lag terms
  ``1 + factor + ... + factor**(T-1)`` no longer changes that sum in the dtype;
- underflow: repeated multiplication in the dtype gives exactly 0.0 (or gets stuck
  at the smallest subnormal number, because round-to-nearest rounds it back up).

Everything is measured by doing the arithmetic in the dtype, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmgrad.checks import as_float
from lstmgrad.tables import markdown_table

#: The two float types the site measures.
DTYPES = (np.float32, np.float64)


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
    """Multiply 1 by ``factor`` ``max_steps`` times in ``dtype`` and record when each threshold is crossed."""
    factor = as_float("factor", factor)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be between 0 and 1 (a shrinking product), got {factor!r}")
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


def _step(T: int | None) -> str:
    return "never" if T is None else str(T)


def negligible_table(factors: tuple[float, ...] = (0.7, 0.1), max_steps: int = 3000) -> str:
    """Markdown table: for each factor and dtype, from which T the lag-T term no longer moves the sum."""
    rows = []
    for factor in factors:
        for dtype in DTYPES:
            w = walk_product(factor, dtype, max_steps)
            cells = [f"{factor:g}", w.dtype, f"{w.eps:.2g}", f"{w.at_100:.2g}"]
            rows.append([*cells, _step(w.below_eps), _step(w.negligible)])
    header = ["factor", "dtype", "eps", "factor^100"]
    header += ["first T with factor^T < eps", "first T the sum ignores it"]
    return markdown_table(header, rows)


def underflow_table(factors: tuple[float, ...] = (0.7, 0.1), max_steps: int = 3000) -> str:
    """Markdown table: for each factor and dtype, when ``factor**T`` goes subnormal, hits 0.0, or sticks."""
    rows = []
    for factor in factors:
        for dtype in DTYPES:
            w = walk_product(factor, dtype, max_steps)
            rows.append(
                [
                    f"{factor:g}",
                    w.dtype,
                    _step(w.subnormal),
                    _step(w.zero),
                    _step(w.stuck),
                    f"{w.final:.2g}",
                ]
            )
    header = [
        "factor",
        "dtype",
        "first T subnormal",
        "first T exactly 0.0",
        "stuck from T",
        f"factor^T at T={max_steps}",
    ]
    return markdown_table(header, rows)


def not_zero_table(factor: float = 0.7, max_steps: int = 3000) -> str:
    """Markdown table: ``factor**100`` in each dtype, against 0.0, against 1, and the first T it is 0.0."""
    rows = []
    for dtype in DTYPES:
        w = walk_product(factor, dtype, max_steps)
        p = dtype(w.at_100)
        rows.append(
            [
                w.dtype,
                f"{w.at_100:.2e}",
                "yes" if p == 0 else "no",
                f"{float(np.finfo(dtype).tiny):.2e}",
                "yes" if dtype(dtype(1.0) + p) == dtype(1.0) else "no",
                _step(w.zero),
            ]
        )
    f = f"{factor:g}"
    header = ["dtype", f"{f}^100", "== 0.0?", "smallest normal"]
    header += [f"1 + {f}^100 == 1?", f"first T with {f}^T == 0.0"]
    return markdown_table(header, rows)
