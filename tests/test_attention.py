"""The attention model: its hand-written backward pass against central differences in float64."""

from __future__ import annotations

import numpy as np
import pytest
from test_gradcheck import numeric_gradient

from lstmgrad.models.attention import (
    PARAM_NAMES,
    activation_bytes,
    attention_activation_bytes,
    attention_backward,
    attention_forward,
    positional_encoding,
)
from lstmgrad.train.params import init_params


def init_attention(D: int, d: int, seed: int = 0) -> dict[str, np.ndarray]:
    return init_params("attention", d, D, seeds=seed)


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)) + np.max(np.abs(b)), 1e-300))


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
    assert cache["A"].min() >= 0, f"a negative attention weight: {cache['A'].min()}"


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


def test_last_query_mode_is_the_full_model_read_at_the_last_step():
    rng = np.random.default_rng(5)
    params = init_attention(2, 4, seed=1)
    x = rng.normal(size=(3, 9, 2))
    y_all, cache_all = attention_forward(params, x)
    y_last, cache_last = attention_forward(params, x, queries="last")
    np.testing.assert_allclose(y_last[:, 0], y_all[:, -1], rtol=1e-13, atol=1e-14)
    dy_all = np.zeros_like(y_all)
    dy_all[:, -1] = c = rng.normal(size=3)
    g_all, dx_all = attention_backward(params, cache_all, dy_all)
    g_last, dx_last = attention_backward(params, cache_last, c[:, None])
    for name in PARAM_NAMES:
        np.testing.assert_allclose(g_last[name], g_all[name], rtol=1e-11, atol=1e-13, err_msg=name)
    np.testing.assert_allclose(dx_last, dx_all, rtol=1e-11, atol=1e-13)


def test_last_query_gradients_match_finite_differences():
    rng = np.random.default_rng(11)
    params = {k: np.array(v + rng.normal(0, 0.3, v.shape)) for k, v in init_attention(1, 6, seed=4).items()}
    x = rng.normal(size=(2, 7, 1))
    c = rng.normal(size=(2, 1))

    def loss() -> float:
        return float(np.sum(c * attention_forward(params, x, queries="last")[0]))

    grads, dx = attention_backward(params, attention_forward(params, x, queries="last")[1], c)
    for name in PARAM_NAMES:
        assert relative_error(grads[name], numeric_gradient(loss, params[name])) < 1e-6, name
    assert relative_error(dx, numeric_gradient(loss, x)) < 1e-6


@pytest.mark.parametrize("T", [1, 12])
def test_last_query_bytes_closed_form(T):
    _, cache = attention_forward(init_attention(1, 4), np.zeros((2, T, 1)), queries="last")
    assert activation_bytes(cache) == attention_activation_bytes(T, d=4, D=1, batch=2, queries="last")
