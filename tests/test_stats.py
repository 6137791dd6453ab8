"""The statistics of `lstmgrad.studies.stats` against published values and brute force.

scipy is not needed: the published values are typed here with their source, and the exact tests
are also checked against enumerating every outcome.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from lstmgrad.studies import stats as S

# Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
# methods", Statistics in Medicine 17, 857-872, Table II, method 3 (Wilson score, no continuity
# correction), to the four decimals printed there.
NEWCOMBE = [((81, 263), (0.2553, 0.3662)), ((15, 148), (0.0624, 0.1605)), ((0, 20), (0.0, 0.1611)),
            ((1, 29), (0.0061, 0.1718))]  # fmt: skip


@pytest.mark.parametrize(("kn", "interval"), NEWCOMBE)
def test_wilson_matches_newcombe(kn, interval):
    lo, hi = S.wilson(*kn)
    assert (round(lo, 4), round(hi, 4)) == interval


def test_wilson_closed_form_at_the_ends():
    z2 = 1.959963984540054**2
    assert S.wilson(0, 10) == pytest.approx((0.0, z2 / (10 + z2)), abs=1e-15)  # 0/n: upper z²/(n + z²)
    assert S.wilson(10, 10) == pytest.approx((10 / (10 + z2), 1.0), abs=1e-15)
    with pytest.raises(ValueError, match="0 <= k <= n"):
        S.wilson(11, 10)


def test_fisher_matches_the_tea_tasting_experiment():
    # Fisher (1935), the lady tasting tea, 3 of 4 cups right each way: two-sided p = 0.486
    # (Agresti, Categorical Data Analysis, 2nd ed., section 3.5.1), exactly 34/70
    assert S.fisher_exact(3, 4, 1, 4) == pytest.approx(34 / 70, rel=1e-12)


def _fisher_by_enumeration(k1, n1, k2, n2):
    # every way of drawing the k1 + k2 successes among the n1 + n2 seeds, by brute force
    k = k1 + k2
    tables = [sum(c) for c in itertools.combinations([1] * n1 + [0] * n2, k)]
    seen = tables.count(k1)
    return sum(1 for t in tables if tables.count(t) <= seen) / len(tables)


@pytest.mark.parametrize("counts", [(2, 6, 0, 6), (1, 5, 3, 5), (5, 5, 2, 5), (4, 7, 4, 6), (0, 4, 0, 4)])
def test_fisher_matches_enumeration(counts):
    assert S.fisher_exact(*counts) == pytest.approx(_fisher_by_enumeration(*counts), rel=1e-12)


def test_fisher_values_the_issue_quotes():
    # issue 21 quotes these p (two decimals, or one significant digit)
    assert round(S.fisher_exact(2, 10, 0, 10), 2) == 0.47
    assert round(S.fisher_exact(1, 10, 3, 10), 2) == 0.58
    assert round(S.fisher_exact(8, 10, 3, 10), 2) == 0.07
    assert round(S.fisher_exact(7, 10, 0, 10), 3) == 0.003


def test_mcnemar_counts_only_the_discordant_seeds():
    a = [True] * 9 + [False]
    b = [False] * 9 + [True]
    assert S.mcnemar_exact(a, b) == pytest.approx(2 * 11 / 1024)  # 9 against 1: 2 (1 + 10) / 2^10
    assert S.mcnemar_exact(a, a) == 1.0  # no seed disagrees
    assert S.mcnemar_exact([True] * 5, [False] * 5) == pytest.approx(2 / 32)
    with pytest.raises(ValueError, match="differ in length"):
        S.mcnemar_exact([True], [True, False])


def test_wilcoxon_matches_darwins_zea_mays():
    # Darwin's cross- minus self-fertilised heights (Fisher, The Design of Experiments, 1935):
    # W- = 24, exact two-sided p = 0.041259765625 (2 * 1352 / 2^15, no ties)
    d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    r = S.wilcoxon_exact(d, [0] * len(d))
    assert r["n"] == 15 and r["w_plus"] == 120 - 24 and r["positive"] == 13
    assert r["p"] == 0.041259765625


def _wilcoxon_by_enumeration(x, y):
    d = np.asarray(x, float) - np.asarray(y, float)
    d = d[d != 0]
    ranks = S._mid_ranks(np.abs(d))
    w = ranks[d > 0].sum()
    sums = [
        sum(r for r, s in zip(ranks, signs, strict=True) if s)
        for signs in itertools.product((0, 1), repeat=len(d))
    ]
    low = sum(s <= w + 1e-9 for s in sums) / len(sums)
    high = sum(s >= w - 1e-9 for s in sums) / len(sums)
    return min(1.0, 2 * min(low, high))


@pytest.mark.parametrize("seed", range(6))
def test_wilcoxon_with_ties_and_zeros_matches_enumeration(seed):
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, 4, 11).astype(float), rng.integers(0, 4, 11).astype(float)  # many ties, some zeros
    assert S.wilcoxon_exact(x, y)["p"] == pytest.approx(_wilcoxon_by_enumeration(x, y), rel=1e-12)


def test_wilcoxon_of_identical_lists_is_one():
    assert S.wilcoxon_exact([1.0, 2.0], [1.0, 2.0]) == {"n": 0, "w_plus": 0.0, "positive": 0, "p": 1.0}


def test_log_summary():
    s = S.log_summary([1e-20, 1e-2, 1e-8])
    assert s["log10_mean"] == pytest.approx(-10.0)
    assert s["geomean"] == pytest.approx(1e-10) and s["median"] == 1e-8
    assert (s["min"], s["max"]) == (1e-20, 1e-2)
    with pytest.raises(ValueError, match="positive"):
        S.log_summary([1.0, 0.0])


def test_solved_is_at_least_95_percent():
    assert S.solved_count([0.95, 0.9499, 1.0]) == 2
    assert math.isclose(S.SOLVED, 0.95)
