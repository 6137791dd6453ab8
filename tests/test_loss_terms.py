"""The BPTT chapter's loss and weight gradient on the anchor (``docs/bptt.md``), checked independently:
the sum of the per-step terms against central finite differences of the loss, against the vector
RNN's own backward pass, and (tests/test_torch_loss_terms.py) against PyTorch autograd.

The loss is the site's choice (`lstmgrad.tasks.anchor`): y_hat = W_y h_5 + b_y, L = (y_hat - y)^2 / 2.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_site import markdown_tables

from lstmgrad.models import rnn
from lstmgrad.models.rnn import scalar_forward
from lstmgrad.present.lesson import terms_table, truncation_table
from lstmgrad.studies.loss_terms import loss_terms, tanh_curve, term_ratio, truncated
from lstmgrad.tasks.anchor import ANCHOR_HEAD, ANCHOR_SEQUENCE, ANCHOR_TARGET, ANCHOR_WEIGHTS

EPS = 1e-6
PARAMS = ("W_h", "W_x", "b")


def anchor_loss(**change: float) -> float:
    """L on the anchor, by the forward pass alone, with any of W_h, W_x, b, W_y, b_y, y changed."""
    p = dict(ANCHOR_WEIGHTS, **ANCHOR_HEAD, y=ANCHOR_TARGET) | change
    h_T = scalar_forward(ANCHOR_SEQUENCE, W_h=p["W_h"], W_x=p["W_x"], b=p["b"], h_0=p["h_0"]).h[-1]
    return 0.5 * (p["W_y"] * h_T + p["b_y"] - p["y"]) ** 2


def central_difference(name: str, eps: float = EPS) -> float:
    base = dict(ANCHOR_WEIGHTS, **ANCHOR_HEAD)[name]
    return (anchor_loss(**{name: base + eps}) - anchor_loss(**{name: base - eps})) / (2 * eps)


@pytest.mark.parametrize("name", PARAMS)
def test_sum_of_terms_matches_finite_differences(name):
    total = loss_terms().total(name)
    assert total == pytest.approx(central_difference(name), rel=1e-7)


def test_loss_is_half_the_squared_error_of_h_5():
    r = loss_terms()
    assert r.loss == pytest.approx(anchor_loss(), rel=1e-15)
    assert r.y_hat == scalar_forward(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS).h[-1]  # W_y = 1, b_y = 0
    assert r.dL_dh_T == pytest.approx(r.y_hat - 1.0, rel=1e-15)


def test_sum_of_terms_matches_the_rnn_backward_pass():
    # the vector RNN's own BPTT (lstmgrad.models.rnn.backward) on the same one-unit network
    x = np.asarray(ANCHOR_SEQUENCE).reshape(1, -1, 1)
    trace = rnn.forward(x, W_x=np.array([[0.01]]), W_h=np.array([[0.5]]), b=np.zeros(1))
    r = loss_terms()
    grads = rnn.backward(trace, np.array([[r.dL_dh_T]]))  # a loss on h_T only
    for name in PARAMS:
        assert float(grads[name].ravel()[0]) == pytest.approx(r.total(name), rel=1e-13), name


def test_each_term_is_the_gradient_through_that_step_alone():
    # Step t's W_x term is dL/dW_x with W_x changed at step t only: a finite difference on a
    # forward pass that uses W_x + eps at that one step.
    def loss_with_step_weight(t: int, eps: float) -> float:
        h = 0.0
        for s, x in enumerate(ANCHOR_SEQUENCE, start=1):
            w = 0.01 + (eps if s == t else 0.0)
            h = np.tanh(0.5 * h + w * x)
        return 0.5 * (h - 1.0) ** 2

    for step in loss_terms().steps:
        fd = (loss_with_step_weight(step.t, EPS) - loss_with_step_weight(step.t, -EPS)) / (2 * EPS)
        assert step.W_x == pytest.approx(fd, rel=1e-6), step.t


def test_day_1s_W_h_term_is_exactly_zero_because_h_0_is():
    first = loss_terms().steps[0]
    assert first.h_prev == 0.0 and first.W_h == 0.0
    assert loss_terms(h_0=0.3).steps[0].W_h != 0.0


def test_page_ratio_day_5_over_day_1_W_x():
    r = loss_terms()
    ratio = term_ratio(r, "W_x", near=5, far=1)
    # closed form: the ratio of the two terms, each dL/dh_5 * dh_5/dh_t * tanh'(z_t) * x_t
    trace = scalar_forward(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS)
    slope = 1.0 / np.cosh(trace.z) ** 2
    chain_1 = np.prod(0.5 * slope[1:])  # dh_5/dh_1
    assert ratio == pytest.approx((slope[4] * 108) / (chain_1 * slope[0] * 100), rel=1e-12)
    assert f"Day 1's W_x term is {ratio:,.0f} times smaller than day 5's." in terms_table()
    with pytest.raises(ValueError, match="exactly 0"):
        term_ratio(r, "W_h", near=5, far=1)


def test_terms_scale_with_the_error_so_their_ratios_do_not_depend_on_the_target():
    # the page says another target rescales every term alike
    a, b = loss_terms(), loss_terms(y=3.0)
    scale = (b.y_hat - 3.0) / (a.y_hat - 1.0)
    for s, u in zip(a.steps, b.steps, strict=True):
        assert u.W_x == pytest.approx(scale * s.W_x, rel=1e-13)
    assert term_ratio(a, "W_x", 5, 1) == pytest.approx(term_ratio(b, "W_x", 5, 1), rel=1e-13)


def test_truncated_gradient_is_the_sum_of_the_last_k_terms():
    r = loss_terms()
    rows = truncated(r)
    assert [c.k for c in rows] == [1, 2, 3, 4, 5]
    assert rows[-1].W_h == r.total("W_h") and rows[-1].W_x_error == 0.0
    assert rows[0].W_x == r.steps[-1].W_x  # k = 1: day 5's term alone
    errors = [c.W_x_error for c in rows]
    assert errors == sorted(errors, reverse=True)  # each step added brings it closer
    assert rows[3].W_h_error == 0.0  # k = 4 drops only day 1, whose W_h term is 0
    with pytest.raises(ValueError, match="1..5"):
        truncated(r, [0])


def test_truncation_table_shows_each_window():
    (table,) = markdown_tables(truncation_table())
    assert table[0] == ["k", "steps kept", "∂L/∂W_h", "W_h off by", "∂L/∂W_x", "W_x off by"]
    assert [row[1] for row in table[1:]] == ["5", "4–5", "3–5", "2–5", "1–5"]


def test_tanh_curve_marks_the_forward_pass():
    c = tanh_curve()
    trace = scalar_forward(ANCHOR_SEQUENCE, **ANCHOR_WEIGHTS)
    np.testing.assert_array_equal(c.z_t, trace.z)
    np.testing.assert_allclose(c.slope_t, 1.0 / np.cosh(trace.z) ** 2, rtol=1e-12)
    np.testing.assert_allclose(c.slope, np.gradient(c.tanh, c.z), atol=2e-3)  # the slope is tanh's
