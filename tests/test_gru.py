"""The GRU layer (PyTorch's variant): its equations, the reset placement and the update-gate path."""

from __future__ import annotations

import numpy as np
import pytest

from lstmgrad.models import gru


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def random_gru(seed: int = 0, B: int = 2, T: int = 6, D: int = 2, H: int = 3, scale: float = 0.8):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(B, T, D)),
        "W_x": rng.normal(0, scale, (3 * H, D)),
        "W_h": rng.normal(0, scale, (3 * H, H)),
        "b_x": rng.normal(0, scale, 3 * H),
        "b_h": rng.normal(0, scale, 3 * H),
        "h_0": rng.normal(0, 0.5, (B, H)),
    }


def test_forward_follows_the_equations_step_by_step():
    p = random_gru()
    trace = gru.forward(**p)
    H = 3
    h = p["h_0"]
    for t in range(p["x"].shape[1]):
        ax = p["x"][:, t] @ p["W_x"].T + p["b_x"]
        ah = h @ p["W_h"].T + p["b_h"]
        r = sigmoid(ax[:, :H] + ah[:, :H])
        z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])
        n = np.tanh(ax[:, 2 * H :] + r * ah[:, 2 * H :])  # reset applied after the matmul
        h = (1 - z) * n + z * h
        for name, ours in (("r", r), ("z", z), ("n", n), ("h", h)):
            np.testing.assert_allclose(getattr(trace, name)[:, t], ours, rtol=1e-13, atol=1e-15, err_msg=name)


def test_reset_gate_multiplies_W_hn_h_plus_b_hn():
    # r_t = 0 (reset bias -50): PyTorch's variant drops W_hn h + b_hn entirely, so b_hn has no effect,
    # while b_xn, outside the product, still does
    p = random_gru()
    H = 3
    p["b_x"][:H] = -50.0
    base = gru.forward(**p).h
    moved = dict(p, b_h=p["b_h"].copy())
    moved["b_h"][2 * H :] += 1.0
    np.testing.assert_allclose(gru.forward(**moved).h, base, rtol=0, atol=1e-15)
    moved = dict(p, b_x=p["b_x"].copy())
    moved["b_x"][2 * H :] += 1.0
    assert np.max(np.abs(gru.forward(**moved).h - base)) > 1e-3


def test_gru_update_path_is_product_of_update_gates():
    trace = gru.forward(**random_gru(T=7))
    path = gru.update_path(trace)
    for k in range(8):
        np.testing.assert_allclose(path[:, k], np.prod(trace.z[:, k:], axis=1), rtol=1e-14)


def test_without_recurrent_weights_the_jacobian_is_the_update_path():
    # W_h = 0: r, z, n ignore h, so dh_t/dh_{t-1} = diag(z_t) exactly
    p = random_gru(T=5)
    p["W_h"] = np.zeros_like(p["W_h"])
    trace = gru.forward(**p)
    J = gru.hidden_jacobian(trace)
    expected = np.einsum("bki,ij->bkij", gru.update_path(trace), np.eye(3))
    np.testing.assert_allclose(J, expected, rtol=1e-14, atol=0)


def test_closed_update_gate_keeps_h_over_many_steps():
    H, T = 2, 300
    b_x = np.zeros(3 * H)
    b_x[H : 2 * H] = 30.0  # z_t ~ 1: h_t ~ h_{t-1}
    h_0 = np.array([[0.3, -0.7]])
    x = np.random.default_rng(0).normal(size=(1, T, 1))
    trace = gru.forward(x, np.zeros((3 * H, 1)), np.zeros((3 * H, H)), b_x, np.zeros(3 * H), h_0)
    assert trace.h[0, -1] == pytest.approx(h_0[0], abs=1e-9)
    assert gru.update_path(trace)[0, 0] == pytest.approx(np.ones(H), abs=1e-9)


def test_gate_slices_follow_torch_order():
    assert list(gru.gate_slices(4)) == ["r", "z", "n"]
