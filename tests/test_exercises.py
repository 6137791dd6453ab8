"""The worked answers on "Test your understanding": each number checked against an independent route."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstmgrad.models.rnn import bptt_steps, scalar_forward
from lstmgrad.present.errata import constant_chain_table
from lstmgrad.studies.floats import walk_product
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, repeated_sequence

X = list(ANCHOR_SEQUENCE)

# Article, "Test Your Understanding" Q2: the local factors at t=5..1, and the product 0.000017
ARTICLE_LOCALS = [0.0854, 0.0934, 0.0915, 0.1079, 0.2100]


def test_q1_chains_of_equal_factors_are_powers():
    table = constant_chain_table(factors=(0.1, 0.7, 0.9, 0.99), steps=(5, 20, 100))
    for f in (0.1, 0.7, 0.9, 0.99):
        for T in (5, 20, 100):
            assert f"{f**T:.2e}" in table
    assert f"{0.99**100:.2e}" == "3.66e-01" and f"{0.9**100:.2e}" == "2.66e-05"


def test_q2_hand_product_matches_the_articles_rounding():
    steps = bptt_steps(X, W_h=0.5, W_x=0.01)
    assert [f"{s['local']:.4f}" for s in reversed(steps)] == [f"{v:.4f}" for v in ARTICLE_LOCALS]
    by_hand = math.prod(ARTICLE_LOCALS)
    assert f"{by_hand:.6f}" == "0.000017" == f"{steps[0]['cumulative']:.6f}"
    assert f"{by_hand:.4e}" == "1.6537e-05" and f"{steps[0]['cumulative']:.4e}" == "1.6544e-05"
    assert abs(by_hand / steps[0]["cumulative"] - 1) < 0.0005  # "changes the product by 0.04%"


def test_q3_one_step_back_against_ninety():
    x = repeated_sequence(90)
    steps = bptt_steps(x, W_h=0.5, W_x=0.01)
    assert f"{steps[-1]['local']:.2e}" == "8.54e-02"  # lag 1: one factor
    assert f"{steps[0]['cumulative']:.2e}" == "2.05e-93"  # lag 90: ninety of them
    assert steps[0]["cumulative"] == pytest.approx(math.prod(s["local"] for s in steps), rel=1e-12)
    assert f"{0.7**90:.2e}" == "1.15e-14"


def test_q4_w_h_1_5_vanishes_with_saturated_inputs_and_explodes_without():
    # Article, "Hyperparameter Sensitivity": "Wh=1.5: cumulative_grad_at_t1=0.00000263"
    assert f"{bptt_steps(X, W_h=1.5, W_x=0.01)[0]['cumulative']:.8f}" == "0.00000263"
    z = scalar_forward(X, W_h=1.5, W_x=0.01).z
    assert f"{z.max():.2f}" == "2.56"
    small = bptt_steps(X, W_h=1.5, W_x=0.0001)
    assert f"{small[0]['cumulative']:.2f}" == "7.38" and f"{1.5**5:.2f}" == "7.59"


def dh_T_dW_x(x, W_h=0.5, W_x=0.01, eps=1e-7) -> float:
    def h_T(w):
        return float(scalar_forward(x, W_h=W_h, W_x=w).h[-1])

    return (h_T(W_x + eps) - h_T(W_x - eps)) / (2 * eps)


def test_q5_per_day_terms_sum_to_the_gradient_and_scale_alike():
    steps = bptt_steps(X, W_h=0.5, W_x=0.01)
    T = len(steps)
    to_h = [steps[t]["cumulative"] if t < T else 1.0 for t in range(1, T + 1)]
    terms = [to_h[t] * (1 - steps[t]["h"] ** 2) * steps[t]["x"] for t in range(T)]
    assert sum(terms) == pytest.approx(dh_T_dW_x(X), rel=1e-6)  # independent: finite differences
    assert f"{terms[-1] / terms[0]:.0f}" == "5576"
    assert f"{terms[0] / sum(terms):.4%}" == "0.0163%"
    for lr in (0.01, 1.0, 100.0):
        assert (lr * terms[-1]) / (lr * terms[0]) == pytest.approx(terms[-1] / terms[0])
    assert f"{100 * terms[0]:.6f}" == "0.330882" and f"{100 * terms[-1]:.4f}" == "1845.1015"


def test_q5_an_underflowed_term_stays_zero_at_any_learning_rate():
    assert walk_product(0.1, np.float32).zero == 46
    g = np.float32(1.0)
    for _ in range(46):
        g = np.float32(g * np.float32(0.1))
    assert g == 0.0 and all(np.float32(lr) * g == 0.0 for lr in (0.01, 1.0, 100.0, 1e30))


# --- questions 6 to 9, on the explorables: each answer searched again by hand, with math ---------


def chain_by_hand(x, W_h, W_x, b=0.0) -> float:
    h, chain = 0.0, 1.0
    for x_t in x:
        h = math.tanh(W_h * h + W_x * x_t + b)
        chain *= W_h * (1 - h * h)
    return chain


def test_q6_the_best_bias_cancels_the_prices():
    from lstmgrad.studies.explorables import best_bias

    r = best_bias(X, W_h=0.5, W_x=0.01)
    grid = [round(-5 + k * 0.01, 2) for k in range(1001)]
    best = max(grid, key=lambda b: chain_by_hand(X, 0.5, 0.01, b))
    assert r["b"] == best == -1.03
    assert r["chain"] == pytest.approx(chain_by_hand(X, 0.5, 0.01, best), rel=1e-12)
    assert r["chain"] < 0.5**5 == r["bound"]  # tanh' <= 1
    assert f"{r['chain'] / r['chain_at_0']:.0f}" == "1881"  # "nearly two thousand times"


def test_q7_only_the_three_smallest_input_weights_explode():
    from lstmgrad.studies.explorables import exploding_input_weights

    grid = [round(-0.1 + k * 0.001, 3) for k in range(201)]
    by_hand = [w for w in grid if abs(chain_by_hand(X, 1.5, w)) > 1]
    assert [r["W_x"] for r in exploding_input_weights(X, W_h=1.5)] == by_hand == [-0.001, 0.0, 0.001]
    assert chain_by_hand(X, 1.5, 0.0) == 1.5**5  # h stays at 0: every slope is one


def test_q8_forget_bias_that_keeps_half_over_ninety_days():
    from lstmgrad.studies.explorables import forget_bias_to_keep

    def path(b_f: float) -> float:
        h = C = 0.0
        prod = 1.0
        for x in repeated_sequence(90):
            a = 0.01 * x + 0.5 * h
            f = 1 / (1 + math.exp(-(a + b_f)))
            i = o = 1 / (1 + math.exp(-a))
            C = f * C + i * math.tanh(a)
            h = o * math.tanh(C)
            prod *= f
        return prod

    r = forget_bias_to_keep(0.5, 90)
    assert r["b_f"] == 3.5 and path(3.5) >= 0.5 > path(3.4)
    assert r["cell_path"] == pytest.approx(path(3.5), rel=1e-12) and r["below"] == pytest.approx(
        path(3.4), rel=1e-12
    )
    assert 0.5 ** (1 / 90) > 0.99  # "just above 0.99"


def test_q9_day_one_comes_closest_where_the_bias_cancels_the_prices():
    from lstmgrad.studies.explorables import closest_first_term

    r = closest_first_term(X, W_h=0.5, W_x=0.01)
    assert (r["b"], f"{r['ratio']:.2f}", f"{r['ratio_at_0']:.3g}", f"{r['floor']:.2f}") == (
        -1.03,
        "17.31",
        "5.58e+03",
        "17.28",
    )
    # by hand from the forward pass: day 5's W_x term over day 1's is
    # (x_5 tanh'(z_5)) / (x_1 tanh'(z_1) W_h^4 tanh'(z_2) ... tanh'(z_5))
    for b in (-1.03, 0.0, 0.7):
        steps = bptt_steps(X, W_h=0.5, W_x=0.01, b=b)
        slopes = [1 - s["h"] ** 2 for s in steps]
        by_hand = (X[4] * slopes[4]) / (X[0] * slopes[0] * 0.5**4 * math.prod(slopes[1:]))
        from lstmgrad.studies.loss_terms import loss_terms, term_ratio

        assert term_ratio(loss_terms(X, W_h=0.5, W_x=0.01, b=b), "W_x", 5, 1) == pytest.approx(
            by_hand, rel=1e-12
        )
        assert by_hand >= r["floor"] * (1 - 1e-12)  # no bias goes below the floor
    assert r["ratio"] == pytest.approx(r["floor"], rel=0.005)
