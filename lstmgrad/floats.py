"""Two thresholds for a shrinking gradient product, measured in float32 and float64.

With every local factor equal to ``factor``, the lag-T term of BPTT is ``factor**T``.
It can stop mattering long before it stops existing:

- negligible: adding ``factor**T`` to the sum of the shorter-lag terms
  ``1 + factor + ... + factor**(T-1)`` no longer changes that sum in the dtype;
- underflow: repeated multiplication in the dtype gives exactly 0.0 (or gets stuck
  at the smallest subnormal number, because round-to-nearest rounds it back up);
  under flush-to-zero, which replaces every subnormal result by 0.0, it reaches 0.0
  as soon as it leaves the normal range.

Everything is measured by doing the arithmetic in the dtype, step by step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lstmgrad.checks import as_float
from lstmgrad.models.rnn import local_factors, scalar_forward
from lstmgrad.present.markdown import markdown_table
from lstmgrad.tasks.anchor import ANCHOR_WEIGHTS, repeated_sequence

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


def first_zero(
    factors: Sequence[float], dtype: type[np.floating], flush_to_zero: bool = False
) -> tuple[int | None, int | None]:
    """Multiply 1 by ``factors`` in turn, in ``dtype``: the first T that is subnormal, and the first at 0.0.

    With ``flush_to_zero`` every subnormal result is replaced by 0.0, as FTZ hardware modes
    (common on GPUs and in fast-math builds) do, so the product never goes subnormal and
    reaches 0.0 the step it would have left the normal range.
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

    The product of the first k of them is the lag-k chain dh_T/dh_{T-k}.
    """
    trace = scalar_forward(repeated_sequence(steps), W_h=ANCHOR_WEIGHTS["W_h"], W_x=ANCHOR_WEIGHTS["W_x"])
    return [float(v) for v in local_factors(trace)[::-1]]


def flush_to_zero_table(factors: tuple[float, ...] = (0.7, 0.1), max_steps: int = 3000) -> str:
    """Markdown table: when a chain reaches exactly 0.0, with gradual underflow and with flush-to-zero.

    One row per chain and dtype: constant chains of each of ``factors``, and the anchor RNN's
    own local factors (its five prices repeated), all followed up to ``max_steps`` steps.
    """
    chains = [(f"{f:g} at every step", [f] * max_steps) for f in factors]
    chains.append(("the anchor's own factors (its prices repeated)", anchor_factors(max_steps)))
    rows = []
    for name, chain in chains:
        for dtype in DTYPES:
            subnormal, gradual = first_zero(chain, dtype)
            _, flushed = first_zero(chain, dtype, flush_to_zero=True)
            rows.append([name, np.dtype(dtype).name, _step(subnormal), _step(gradual), _step(flushed)])
    header = [
        "chain",
        "dtype",
        "first T subnormal",
        "first T exactly 0.0, gradual underflow",
        "first T exactly 0.0, flush-to-zero",
    ]
    return markdown_table(header, rows)
