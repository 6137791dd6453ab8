"""The vector tanh RNN: agreement with the scalar form, its Jacobians and their sizes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lstmgrad.checks import UnderflowWarning
from lstmgrad.models import rnn
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE


def random_rnn(seed: int = 0, B: int = 2, T: int = 6, D: int = 2, H: int = 3, scale: float = 0.8):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(B, T, D)),
        "W_x": rng.normal(0, scale, (H, D)),
        "W_h": rng.normal(0, scale, (H, H)),
        "b": rng.normal(0, scale, H),
        "h_0": rng.normal(0, 0.5, (B, H)),
    }


def anchor_trace() -> rnn.RNNTrace:
    x = np.array(ANCHOR_SEQUENCE).reshape(1, -1, 1)
    return rnn.forward(x, W_x=[[0.01]], W_h=[[0.5]], b=[0.0])


def test_vector_rnn_with_one_unit_is_the_scalar_rnn():
    scalar = rnn.scalar_forward(ANCHOR_SEQUENCE, W_h=0.5, W_x=0.01)
    trace = anchor_trace()
    np.testing.assert_allclose(trace.z[0, :, 0], scalar.z, rtol=1e-15)
    np.testing.assert_allclose(trace.h[0, :, 0], scalar.h, rtol=1e-15)


def test_cumulative_jacobian_with_one_unit_is_the_articles_product():
    steps = rnn.bptt_steps(ANCHOR_SEQUENCE, W_h=0.5, W_x=0.01)
    cumulative = rnn.cumulative_jacobians(anchor_trace())[0, :, 0, 0]
    np.testing.assert_allclose(cumulative, [s["cumulative"] for s in steps], rtol=1e-14)
    # Article, "The Vanishing Gradient in RNNs (BPTT)": cumulative at t=1 is 0.000017
    assert f"{cumulative[0]:.6f}" == "0.000017"


def test_local_jacobian_is_diag_tanh_prime_times_W_h():
    p = random_rnn()
    trace = rnn.forward(**p)
    local = rnn.local_jacobians(trace)
    for b in range(2):
        for t in range(6):
            expected = np.diag(1 - trace.h[b, t] ** 2) @ p["W_h"]
            np.testing.assert_allclose(local[b, t], expected, rtol=1e-15)


def test_cumulative_jacobian_is_the_ordered_product_of_local_ones():
    trace = rnn.forward(**random_rnn())
    local, cumulative = rnn.local_jacobians(trace), rnn.cumulative_jacobians(trace)
    T = 6
    for t in range(1, T + 1):
        product = np.eye(3)
        for s in range(T, t - 1, -1):  # local_T ... local_t, latest on the left
            product = product @ local[0, s - 1]
        np.testing.assert_allclose(cumulative[0, t - 1], product, rtol=1e-13)


def test_norms_are_frobenius_and_largest_singular_value():
    J = np.random.default_rng(2).normal(size=(3, 4, 4))
    sizes = rnn.jacobian_norms(J)
    for k in range(3):
        assert sizes["sigma_max"][k] == pytest.approx(np.linalg.norm(J[k], 2), rel=1e-14)
        assert sizes["frobenius"][k] == pytest.approx(np.sqrt(np.sum(J[k] ** 2)), rel=1e-14)


def test_chain_shrinks_at_least_as_fast_as_sigma_max_of_W_h_to_the_power_of_steps():
    # |tanh'| <= 1, so sigma_max(dh_T/dh_{t-1}) <= sigma_max(W_h)^(T-t+1) (Pascanu et al. 2013)
    p = random_rnn(T=12, scale=0.4)
    trace = rnn.forward(**p)
    sigma = rnn.jacobian_norms(rnn.cumulative_jacobians(trace))["sigma_max"]
    s_W = np.linalg.norm(p["W_h"], 2)
    steps = np.arange(12, 0, -1)  # index t-1 multiplies T - t + 1 factors
    over = np.flatnonzero(sigma > s_W**steps * (1 + 1e-12))
    assert not over.size, (
        f"sigma_max above ||W_h||^steps at t = {over + 1}: {sigma[over]} > {s_W ** steps[over]}"
    )


def test_long_chain_underflow_warns():
    x = np.zeros((1, 400, 1))
    trace = rnn.forward(x, W_x=[[0.0]], W_h=[[0.1]], b=[0.0])
    with pytest.warns(UnderflowWarning, match="underflow"):
        cumulative = rnn.cumulative_jacobians(trace)
    assert cumulative[0, 0, 0, 0] == 0.0  # 0.1**400 is below float64's range


def test_moderate_chain_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rnn.cumulative_jacobians(anchor_trace())
