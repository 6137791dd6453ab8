"""The statistics the trained tables print and the prose's comparative words rest on (the tables
of ``docs/experiments.md``, ``docs/beyond.md`` and ``docs/model-choice.md``), in the
standard library and numpy (no scipy): an interval for a count of solved seeds, exact tests for
two counts (unpaired and paired by seed) and for paired measurements, and summaries of
quantities that spread over orders of magnitude.

- `wilson`: the Wilson score interval for k successes in n trials (Wilson 1927; Newcombe 1998,
  method 3).
- `fisher_exact`: the two-sided Fisher exact test for two counts k1/n1 and k2/n2.
- `mcnemar_exact`: the exact McNemar (sign) test for two solved/unsolved lists paired by seed:
  a binomial test on the seeds where the two disagree.
- `wilcoxon_exact`: the exact two-sided Wilcoxon signed-rank test for paired measurements;
  zero differences dropped, ties given mid-ranks, p from the exact sign-flip distribution.
- `log_summary`: geometric mean, median, min and max of positive values.

``tests/test_stats.py`` checks each against published values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np

#: A seed has solved the crash task when its test accuracy reaches this (the tables' "seeds ≥ 95 %").
SOLVED = 0.95
#: p below this makes a difference "shown"; the pages say which test gave it.
ALPHA = 0.05


def solved_count(accuracies: Sequence[float], at: float = SOLVED) -> int:
    """How many seeds have test accuracy of at least ``at``."""
    return sum(float(a) >= at for a in accuracies)


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion k/n, as (low, high) fractions."""
    if not 0 <= k <= n or n < 1:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    centre = (k + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(k * (n - k) / n + z * z / 4)
    return max(0.0, centre - half), min(1.0, centre + half)


def _hypergeom(x: int, k: int, n1: int, n2: int) -> float:
    """P(x of the k successes fall in the first group of n1) when n1 + n2 trials hold k successes."""
    return math.comb(n1, x) * math.comb(n2, k - x) / math.comb(n1 + n2, k)


def fisher_exact(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p of Fisher's exact test for k1 successes of n1 against k2 of n2: the probability,
    with the margins fixed, of every table no likelier than the one observed."""
    for k, n in ((k1, n1), (k2, n2)):
        if not 0 <= k <= n:
            raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    k = k1 + k2
    lo, hi = max(0, k - n2), min(k, n1)
    seen = _hypergeom(k1, k, n1, n2)
    p = sum(q for x in range(lo, hi + 1) if (q := _hypergeom(x, k, n1, n2)) <= seen * (1 + 1e-7))
    return min(1.0, p)


def binomial_two_sided(b: int, c: int) -> float:
    """Exact two-sided binomial test of b against c under p = 1/2 (the sign test)."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2**n
    return min(1.0, 2 * tail)


def mcnemar_exact(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Two-sided exact McNemar test for solved (True) / unsolved per seed, ``a`` and ``b`` paired
    by seed: only the seeds where they disagree count."""
    if len(a) != len(b):
        raise ValueError(f"paired lists differ in length: {len(a)} and {len(b)}")
    only_a = sum(bool(x) and not bool(y) for x, y in zip(a, b, strict=True))
    only_b = sum(bool(y) and not bool(x) for x, y in zip(a, b, strict=True))
    return binomial_two_sided(only_a, only_b)


def _mid_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values``, ties sharing the mean of their ranks."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    for v in np.unique(values):
        tied = values == v
        ranks[tied] = ranks[tied].mean()
    return ranks


def wilcoxon_exact(x: Sequence[float], y: Sequence[float]) -> dict[str, Any]:
    """Two-sided exact Wilcoxon signed-rank test of the paired differences x - y.

    Zero differences are dropped; tied |differences| share mid-ranks; p is exact under the
    sign-flip null (each remaining difference equally likely positive or negative, given its rank).
    Returns ``n`` (pairs that differ), ``w_plus`` (the rank sum of the positive differences),
    ``positive`` (how many differences are positive) and ``p``."""
    d = np.asarray(x, dtype=float) - np.asarray(y, dtype=float)
    if d.ndim != 1:
        raise ValueError("x and y must be 1-D and of the same length")
    d = d[d != 0]
    n = len(d)
    if n == 0:
        return {"n": 0, "w_plus": 0.0, "positive": 0, "p": 1.0}
    twice = np.rint(2 * _mid_ranks(np.abs(d))).astype(int)  # mid-ranks are halves: 2r is an integer
    counts = np.zeros(int(twice.sum()) + 1)
    counts[0] = 1.0
    for r in twice:  # the distribution of 2 W+ over the 2^n sign patterns
        counts[r:] = counts[r:] + counts[:-r]
    total = counts.sum()
    w2 = int(twice[d > 0].sum())
    low, high = counts[: w2 + 1].sum() / total, counts[w2:].sum() / total
    return {
        "n": n,
        "w_plus": w2 / 2,
        "positive": int((d > 0).sum()),
        "p": float(min(1.0, 2 * min(low, high))),
    }


def log_summary(values: Sequence[float]) -> dict[str, float]:
    """Geometric mean, median, min and max of positive ``values`` (quantities that spread over
    orders of magnitude, such as gradient norms), and ``log10_mean``, the mean of their log10."""
    a = np.asarray(values, dtype=float)
    if a.size == 0 or np.any(a <= 0) or not np.all(np.isfinite(a)):
        raise ValueError("log_summary needs finite positive values")
    logs = np.log10(a)
    return {
        "geomean": float(10 ** logs.mean()),
        "log10_mean": float(logs.mean()),
        "median": float(np.median(a)),
        "min": float(a.min()),
        "max": float(a.max()),
    }
