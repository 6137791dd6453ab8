"""The LSTM layer: its equations, its PyTorch layout, and the cell-state gradient path."""

from __future__ import annotations

import numpy as np
import pytest

from lstmgrad.models import lstm, rnn
from lstmgrad.train.params import init_params


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def random_lstm(seed: int = 0, B: int = 2, T: int = 6, D: int = 2, H: int = 3, scale: float = 0.8):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(B, T, D)),
        "W_x": rng.normal(0, scale, (4 * H, D)),
        "W_h": rng.normal(0, scale, (4 * H, H)),
        "b": rng.normal(0, scale, 4 * H),
        "h_0": rng.normal(0, 0.5, (B, H)),
        "C_0": rng.normal(0, 0.5, (B, H)),
    }


def test_forward_follows_the_equations_step_by_step():
    # written out gate by gate with the plain sigmoid, in torch's i, f, g, o order
    p = random_lstm()
    trace = lstm.forward(**p)
    H = 3
    h, C = p["h_0"], p["C_0"]
    for t in range(p["x"].shape[1]):
        a = p["x"][:, t] @ p["W_x"].T + h @ p["W_h"].T + p["b"]
        i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
        g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
        C = f * C + i * g
        h = o * np.tanh(C)
        for name, ours in (("i", i), ("f", f), ("C_tilde", g), ("o", o), ("C", C), ("h", h)):
            np.testing.assert_allclose(getattr(trace, name)[:, t], ours, rtol=1e-13, atol=1e-15, err_msg=name)


def test_trace_shapes():
    trace = lstm.forward(**random_lstm(B=2, T=5, D=4, H=3))
    for name in ("i", "f", "C_tilde", "o", "C", "h"):
        assert getattr(trace, name).shape == (2, 5, 3), name
    assert trace.h_0.shape == trace.C_0.shape == (2, 3)


def test_lstm_cell_path_is_product_of_forget_gates():
    trace = lstm.forward(**random_lstm(T=7))
    path = lstm.cell_path(trace)
    T = 7
    assert path.shape == (2, T + 1, 3)
    for k in range(T + 1):
        # dC_T/dC_k along the cell state = f_{k+1} * ... * f_T (the empty product at k = T)
        expected = np.prod(trace.f[:, k:], axis=1)
        np.testing.assert_allclose(path[:, k], expected, rtol=1e-14)


def test_without_recurrent_weights_the_full_jacobian_is_the_cell_path():
    # W_h = 0: no gate depends on h, so the gate paths vanish and dC_T/dC_k = diag(prod f)
    p = random_lstm(T=5)
    p["W_h"] = np.zeros_like(p["W_h"])
    trace = lstm.forward(**p)
    J, path = lstm.cell_jacobian(trace), lstm.cell_path(trace)
    diag = np.einsum("bkii->bki", J)
    np.testing.assert_allclose(diag, path, rtol=1e-14)
    np.testing.assert_array_equal(J - np.einsum("bki,ij->bkij", diag, np.eye(3)), 0.0)


def test_gate_paths_change_the_jacobian_when_W_h_is_not_zero():
    trace = lstm.forward(**random_lstm(T=5, scale=1.5))
    J, path = lstm.cell_jacobian(trace), lstm.cell_path(trace)
    assert np.max(np.abs(np.einsum("bkii->bki", J)[:, :-1] - path[:, :-1])) > 1e-3


def test_open_forget_gate_carries_the_gradient_where_the_rnn_loses_it():
    # f_t ~ 1, i_t ~ 0: the cell path stays ~1 over 200 steps; a tanh RNN's chain is gone
    H, T = 2, 200
    b = lstm.set_forget_bias(np.zeros(4 * H), 20.0)
    b[:H] = -20.0  # input gate shut
    x = np.random.default_rng(0).normal(size=(1, T, 1))
    trace = lstm.forward(x, np.zeros((4 * H, 1)), np.zeros((4 * H, H)), b, C_0=np.ones((1, H)))
    assert lstm.cell_path(trace)[0, 0] == pytest.approx(np.ones(H), abs=1e-6)
    assert trace.C[0, -1] == pytest.approx(np.ones(H), abs=1e-6)
    steps = rnn.bptt_steps(x[0, :, 0], W_h=0.5, W_x=0.5)
    assert steps[0]["cumulative"] < 1e-50


def test_forget_bias_is_settable():
    H = 4
    b = np.arange(4.0 * H)
    out = lstm.set_forget_bias(b, 1.0)
    np.testing.assert_array_equal(out[H : 2 * H], 1.0)
    np.testing.assert_array_equal(np.delete(out, np.s_[H : 2 * H]), np.delete(b, np.s_[H : 2 * H]))
    assert b[H] == H  # the input is not modified
    params = init_params("lstm", H, 1, seeds=0, b_f=2.5)
    np.testing.assert_array_equal(params["b"][lstm.gate_slices(H)["f"]], 2.5)


def test_loss_on_h_T_alone_equals_a_full_dh_with_zeros():
    p = random_lstm()
    trace = lstm.forward(**p)
    dh_T = np.random.default_rng(1).normal(size=(2, 3))
    full = np.zeros((2, 6, 3))
    full[:, -1] = dh_T
    a, b = lstm.backward(trace, dh_T), lstm.backward(trace, full)
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=1e-14, atol=1e-300, err_msg=name)


def test_gate_slices_follow_torch_order():
    assert list(lstm.gate_slices(5)) == ["i", "f", "C_tilde", "o"]
    assert lstm.gate_slices(5)["f"] == slice(5, 10)
