"""Each entry on the Errata page, asserted: if the numbers change, the verdict must be revisited.

Article numbers are copied as literals, with the article's section named beside them.
Independent checks use finite differences of the forward pass and plain Python floats.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstmgrad.models.rnn import bptt_steps, scalar_forward
from lstmgrad.studies.floats import anchor_factors, first_zero, walk_product
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

X = list(ANCHOR_SEQUENCE)


def h_T(x, W_h=0.5, W_x=0.01, h_0=0.0) -> float:
    return float(scalar_forward(x, W_h=W_h, W_x=W_x, h_0=h_0).h[-1])


def central(f, at: float, eps: float = 1e-6) -> float:
    return (f(at + eps) - f(at - eps)) / (2 * eps)


def test_1_row_labelled_t1_is_the_chain_to_h0():
    steps = bptt_steps(X, W_h=0.5, W_x=0.01)
    # Article, "The Vanishing Gradient in RNNs (BPTT)": "t=1: local=0.2100, cumulative=0.000017"
    assert f"{steps[0]['cumulative']:.6f}" == "0.000017"
    # the printed t = 1 value is dh_5/dh_0 ...
    assert steps[0]["cumulative"] == pytest.approx(central(lambda h0: h_T(X, h_0=h0), 0.0), rel=1e-6)
    # ... while the chain that stops at h_1 is about 7.9e-5 (issue 3's figure), 7.88e-05 as printed
    h_1 = float(scalar_forward(X, W_h=0.5, W_x=0.01).h[0])
    to_h1 = central(lambda h1: h_T(X[1:], h_0=h1), h_1)
    assert steps[1]["cumulative"] == pytest.approx(to_h1, rel=1e-6)
    assert f"{to_h1:.1e}" == "7.9e-05" and f"{to_h1:.2e}" == "7.88e-05"
    # the two differ by exactly the first local factor, W_h tanh'(z_1) = 0.2100
    assert steps[0]["cumulative"] / steps[1]["cumulative"] == pytest.approx(steps[0]["local"], rel=1e-12)
    # and day 1's pre-activation sees dh_5/dh_1 * tanh'(z_1): twice the printed value, since W_h = 0.5
    to_z1 = central(lambda z1: h_T(X[1:], h_0=math.tanh(z1)), 1.0)
    assert f"{to_z1:.2e}" == "3.31e-05"
    assert to_z1 == pytest.approx(2 * steps[0]["cumulative"], rel=1e-5)


def test_2_w_h_1_5_vanishes_on_the_anchor_and_grows_with_a_small_input_scale():
    steps = bptt_steps(X, W_h=1.5, W_x=0.01)
    # Article, "Hyperparameter Sensitivity": "Wh=1.5: cumulative_grad_at_t1=0.00000263"
    assert f"{steps[0]['cumulative']:.8f}" == "0.00000263"
    assert max(s["local"] for s in steps) < 1  # every factor shrinks: vanishing, not exploding
    small = bptt_steps(X, W_h=1.5, W_x=0.0001)
    assert min(s["local"] for s in small) > 1.47  # z_t near 0, so W_h tanh'(z_t) near 1.5
    grows = central(lambda h0: h_T(X, W_h=1.5, W_x=0.0001, h_0=h0), 0.0)
    assert small[0]["cumulative"] == pytest.approx(grows, rel=1e-6)
    assert 7 < grows < 1.5**5  # grows, almost as fast as 1.5^T


def test_3_0_7_to_the_100_is_not_floating_point_zero():
    # Article, "Honest limitations": "vanished to floating-point zero"; 0.7^100 is not zero
    for dtype in (np.float32, np.float64):
        w = walk_product(0.7, dtype)
        assert w.at_100 > 1e6 * float(np.finfo(dtype).tiny)  # a normal number, far from underflow
        assert w.zero is None  # and a chain of 0.7s never reaches 0.0
    assert f"{walk_product(0.7, np.float64).at_100:.2e}" == "3.23e-16"
    assert 1.0 + 0.7**100 != 1.0  # float64 still sees it next to 1
    assert np.float32(1.0) + np.float32(walk_product(0.7, np.float32).at_100) == np.float32(1.0)


def first_power_below(factor: float, bound_log2: int) -> int:
    """Smallest T with factor**T < 2**bound_log2, in exact arithmetic (boundary far from an integer)."""
    x = bound_log2 * math.log(2) / math.log(factor)
    assert abs(x - round(x)) > 0.01  # so float32/float64 rounding of the product cannot move it
    return math.floor(x) + 1


@pytest.mark.parametrize("factor", [0.7, 0.1])
@pytest.mark.parametrize(("dtype", "min_exp", "mant"), [(np.float32, -126, 23), (np.float64, -1022, 52)])
def test_3_under_flush_to_zero_every_chain_reaches_0_0(factor, dtype, min_exp, mant):
    # flush-to-zero: 0.0 the step the product leaves the normal range, below 2**min_exp
    subnormal, gradual = first_zero([factor] * 3000, dtype)
    flushed = first_zero([factor] * 3000, dtype, flush_to_zero=True)
    assert flushed == (None, first_power_below(factor, min_exp))
    assert subnormal == first_power_below(factor, min_exp)
    if factor == 0.1:  # gradual underflow: 0.0 once the product rounds below half the smallest subnormal
        assert gradual == first_power_below(factor, min_exp - mant - 1)
    else:  # 0.7 gets stuck at the smallest subnormal instead (erratum 3)
        assert gradual is None and walk_product(factor, dtype).stuck is not None


def test_3_the_anchors_own_factors_reach_0_0_in_float32_by_t_46():
    # the anchor's local factors (about 0.1; prices repeated) multiplied in float32, written out here
    h, local = 0.0, []
    for x in (X * 600)[:3000]:
        h = math.tanh(0.5 * h + 0.01 * x)
        local.append(0.5 * (1 - h * h))
    assert anchor_factors(3000) == pytest.approx(local[::-1], rel=1e-12)
    product, T = np.float32(1.0), 0
    while product != 0:
        T += 1
        product = np.float32(product * np.float32(local[::-1][T - 1]))
    assert T == first_zero(anchor_factors(3000), np.float32)[1] == 44 <= 46
    assert first_zero([0.1] * 3000, np.float32)[1] == 46  # the article's "~0.1", as a constant


def test_4_fewer_than_4_orders_of_magnitude():
    # Article, BPTT section: t=5 cumulative=0.085421, t=1 cumulative=0.000017, "over 4 orders of magnitude"
    printed = 0.085421 / 0.000017
    assert f"{printed:.0f}" == "5025" and math.log10(printed) < 4
    steps = bptt_steps(X, W_h=0.5, W_x=0.01)
    exact = steps[-1]["cumulative"] / steps[0]["cumulative"]
    assert f"{exact:.0f}" == "5163" and f"{math.log10(exact):.2f}" == "3.71"


def test_5_the_geometric_mean_not_0_1_reproduces_the_chain():
    local = np.array([s["local"] for s in bptt_steps(X, W_h=0.5, W_x=0.01)])
    geometric = float(np.exp(np.log(local).mean()))
    assert geometric**5 == pytest.approx(float(np.prod(local)), rel=1e-12)
    assert f"{geometric:.4f}" == "0.1106" and f"{local.mean():.4f}" == "0.1176"
    # Article, "Test Your Understanding" Q2: "average local gradient (~0.1)" over 20 steps gives 1e-20
    assert f"{0.1**20:.2e}" == "1.00e-20" and f"{geometric**20:.2e}" == "7.49e-20"
    assert 5 < geometric**20 / 0.1**20 < 10  # "about seven times"


def test_standing_0_7_to_the_5_is_a_6x_shrinkage():
    # Article, BPTT section: "0.7^5 = 0.168 — already a 6× shrinkage"
    assert f"{0.7**5:.3f}" == "0.168" and f"{1 / 0.7**5:.2f}" == "5.95" and round(1 / 0.7**5) == 6


def test_standing_the_sweep_peaks_a_little_above_2e_5():
    def chain(W_h: float) -> float:  # dh_5/dh_0 in plain Python, independent of lstmgrad
        h, product = 0.0, 1.0
        for x in X:
            h = math.tanh(W_h * h + 0.01 * x)
            product *= W_h * (1 - h * h)
        return product

    grid = [k / 1000 for k in range(1, 3001)]
    best = max(grid, key=chain)
    # Article, "Hyperparameter Sensitivity": "Wh=0.7: cumulative_grad_at_t1=0.00002231",
    # and "it never climbs above ~2×10^-5"
    assert f"{chain(0.7):.8f}" == "0.00002231"
    assert f"{best:.3f}" == "0.703" and f"{chain(best):.8f}" == "0.00002231"
    assert 2e-5 < chain(best) < 2.5e-5


def test_4_the_verdict_depends_on_which_ends_are_compared():
    # erratum 1 relabels the rows; comparing h_5 itself (dh_5/dh_5 = 1) with the earlier states gives over 4
    h, local = 0.0, []
    for x in X:
        h = math.tanh(0.5 * h + 0.01 * x)
        local.append(0.5 * (1 - h * h))
    to_h0, to_h1 = math.prod(local), math.prod(local[1:])
    assert f"{math.log10(1 / to_h1):.2f}" == "4.10" and f"{math.log10(1 / to_h0):.2f}" == "4.78"
    assert f"{math.log10(local[-1] / to_h0):.2f}" == "3.71"  # the printed rows: under 4
    assert f"{math.log10(local[-1] / to_h1):.2f}" == "3.04"
