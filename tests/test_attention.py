"""The attention model: its hand-written backward pass against central differences in float64."""

from __future__ import annotations

import numpy as np
import pytest

from lstmgrad.attention import (
    PARAM_NAMES,
    activation_bytes,
    attention_activation_bytes,
    attention_backward,
    attention_forward,
    init_attention,
    positional_encoding,
)


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)) + np.max(np.abs(b)), 1e-300))


def numeric_gradient(f, arr: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f() with respect to every entry of arr (changed in place)."""
    grad = np.zeros_like(arr)
    flat, gflat = arr.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_attention_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(100 + seed)
    B, T, D, d = 2, 5 + seed, 3, 4
    params = init_attention(D, d, seed=seed)
    params = {k: np.array(v + rng.normal(0, 0.3, v.shape)) for k, v in params.items()}  # off zero biases
    x = rng.normal(size=(B, T, D))
    c = rng.normal(size=(B, T))  # L = sum(c * y) exercises every output

    def loss() -> float:
        return float(np.sum(c * attention_forward(params, x)[0]))

    _, cache = attention_forward(params, x)
    grads, dx = attention_backward(params, cache, c)
    assert set(grads) == set(PARAM_NAMES)
    for name in PARAM_NAMES:
        assert grads[name].shape == params[name].shape, name
        err = relative_error(grads[name], numeric_gradient(loss, params[name]))
        assert err < 1e-6, f"{name}: relative error {err:.2e}"
    err = relative_error(dx, numeric_gradient(loss, x))
    assert err < 1e-6, f"x: relative error {err:.2e}"


def test_every_step_sees_the_future():
    # no causal mask: the first logit moves when the last input moves
    params = init_attention(1, 4, seed=0)
    x = np.random.default_rng(0).normal(size=(1, 6, 1))
    _, cache = attention_forward(params, x)
    dy = np.zeros((1, 6))
    dy[0, 0] = 1.0
    _, dx = attention_backward(params, cache, dy)
    assert abs(dx[0, -1, 0]) > 1e-6


def test_attention_rows_are_distributions():
    params = init_attention(2, 4, seed=3)
    _, cache = attention_forward(params, np.ones((3, 7, 2)))
    np.testing.assert_allclose(cache["A"].sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert np.all(cache["A"] >= 0)


def test_positional_encoding_is_the_sinusoid():
    P = positional_encoding(4, 4)
    np.testing.assert_allclose(P[:, 0], np.sin(np.arange(4)))
    np.testing.assert_allclose(P[:, 1], np.cos(np.arange(4)))
    np.testing.assert_allclose(P[:, 2], np.sin(np.arange(4) / 100.0))


@pytest.mark.parametrize("T", [1, 10, 37])
def test_activation_bytes_closed_form_matches_measured(T):
    params = init_attention(2, 6, seed=0)
    _, cache = attention_forward(params, np.zeros((3, T, 2)))
    assert activation_bytes(cache) == attention_activation_bytes(T, d=6, D=2, batch=3)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((2, 3)), "shape"),
        (np.zeros((1, 0, 2)), "empty"),
        (np.zeros((1, 3, 5)), "features"),
        (np.full((1, 3, 2), np.nan), "finite"),
    ],
)
def test_bad_input_names_the_problem(x, message):
    with pytest.raises(ValueError, match=message):
        attention_forward(init_attention(2, 4), x)
