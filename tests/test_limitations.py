"""The two thresholds on the "Honest limitations" page, checked against closed forms and IEEE facts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstmgrad.studies.floats import walk_product


def test_article_0_7_to_the_100_is_about_3e_16():
    # Article, "Honest limitations": "0.7^100 ≈ 0"; issue 3 quotes it as about 3e-16
    for dtype in (np.float32, np.float64):
        assert f"{walk_product(0.7, dtype).at_100:.0e}" == "3e-16"
    assert walk_product(0.7, np.float64).at_100 == pytest.approx(0.7**100, rel=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_below_eps_matches_the_logarithm(dtype):
    # closed form: smallest T with 0.7^T < eps is floor(log(eps)/log(0.7)) + 1 (no tie here)
    eps = float(np.finfo(dtype).eps)
    assert walk_product(0.7, dtype).below_eps == math.floor(math.log(eps) / math.log(0.7)) + 1


@pytest.mark.parametrize("factor", [0.7, 0.1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_negligible_term_really_leaves_the_sum_unchanged(dtype, factor):
    T = walk_product(factor, dtype).negligible
    powers = [walk_power(factor, dtype, k) for k in range(T + 1)]

    def shorter(n):  # 1 + factor + ... + factor^(n-1), summed in the dtype
        total = dtype(0.0)
        for p in powers[:n]:
            total = dtype(total + p)
        return total

    assert dtype(shorter(T) + powers[T]) == shorter(T)  # the lag-T term is lost
    assert dtype(shorter(T - 1) + powers[T - 1]) != shorter(T - 1)  # the lag-(T-1) term still counted


def walk_power(factor: float, dtype: type[np.floating], T: int) -> np.floating:
    p = dtype(1.0)
    for _ in range(T):
        p = dtype(p * dtype(factor))
    return p


def test_thresholds_on_the_page():
    # the numbers the prose of limitations.md states
    assert walk_product(0.7, np.float64).negligible == 102
    assert walk_product(0.7, np.float32).negligible == 45
    assert walk_product(0.1, np.float64).negligible == 16
    assert walk_product(0.1, np.float32).negligible == 8
    assert walk_product(0.1, np.float32).zero == 46
    assert walk_product(0.1, np.float64).zero == 324
    assert walk_product(0.7, np.float32).stuck == 288
    assert walk_product(0.7, np.float64).stuck == 2086


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_0_7_sticks_at_the_smallest_subnormal(dtype):
    # round-to-nearest: 0.7 * s is nearer s than 0, so s * 0.7 rounds back to s
    s = np.finfo(dtype).smallest_subnormal
    assert dtype(s * dtype(0.7)) == s
    assert dtype(s * dtype(0.1)) == 0.0  # while 0.1 * s rounds down to zero
    w = walk_product(0.7, dtype)
    assert w.zero is None and w.final == float(s)
    assert walk_power(0.7, dtype, w.stuck) == s and walk_power(0.7, dtype, w.stuck - 1) > s


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_0_1_underflows_to_exact_zero(dtype):
    w = walk_product(0.1, dtype)
    assert walk_power(0.1, dtype, w.zero) == 0.0 and walk_power(0.1, dtype, w.zero - 1) > 0.0
    # subnormal range starts below the smallest normal number
    tiny = np.finfo(dtype).tiny
    assert 0 < walk_power(0.1, dtype, w.subnormal) < tiny <= walk_power(0.1, dtype, w.subnormal - 1)


def test_walk_product_rejects_a_growing_factor():
    with pytest.raises(ValueError, match="factor must be between 0 and 1"):
        walk_product(1.5, np.float64)
