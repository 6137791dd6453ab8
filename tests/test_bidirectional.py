"""Bidirectional wrappers: gradients against central differences, and who can see the future."""

from __future__ import annotations

import numpy as np
import pytest
from test_attention import numeric_gradient, relative_error

from lstmgrad.models import lstm
from lstmgrad.models.bidirectional import bidirectional_backward, bidirectional_forward, stored_bytes

LAYERS = {"lstm": (lstm, 4)}  # layer module, gate blocks per hidden unit
try:
    from lstmgrad.models import rnn

    if hasattr(rnn, "forward") and hasattr(rnn, "backward"):
        LAYERS["rnn"] = (rnn, 1)
except ImportError:  # pragma: no cover
    pass


def random_weights(rng: np.random.Generator, gates: int, D: int, H: int) -> dict[str, np.ndarray]:
    return {
        "W_x": rng.normal(0, 0.6, (gates * H, D)),
        "W_h": rng.normal(0, 0.6, (gates * H, H)),
        "b": rng.normal(0, 0.3, gates * H),
    }


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("seed", [0, 1])
def test_bidirectional_gradients_match_finite_differences(name, seed):
    layer, gates = LAYERS[name]
    rng = np.random.default_rng(200 + seed)
    B, T, D, H = 2, 4 + seed, 2, 3
    fw, bw = random_weights(rng, gates, D, H), random_weights(rng, gates, D, H)
    x = rng.normal(size=(B, T, D))
    c = rng.normal(size=(B, T, 2 * H))  # L = sum(c * h) reaches both halves at every step

    def loss() -> float:
        return float(np.sum(c * bidirectional_forward(layer, x, fw, bw).h))

    grads = bidirectional_backward(bidirectional_forward(layer, x, fw, bw), c)
    for direction, weights in (("fw", fw), ("bw", bw)):
        for key, value in weights.items():
            err = relative_error(grads[direction][key], numeric_gradient(loss, value))
            assert err < 1e-6, f"{name} {direction} {key}: relative error {err:.2e}"
    err = relative_error(grads["x"], numeric_gradient(loss, x))
    assert err < 1e-6, f"{name} x: relative error {err:.2e}"


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_only_the_bidirectional_state_sees_the_future(name):
    # dh_t/dx_{t+1}: exactly zero for the left-to-right half, not zero for the right-to-left half
    layer, gates = LAYERS[name]
    rng = np.random.default_rng(7)
    B, T, D, H = 1, 6, 1, 3
    fw, bw = random_weights(rng, gates, D, H), random_weights(rng, gates, D, H)
    trace = bidirectional_forward(layer, rng.normal(size=(B, T, D)), fw, bw)
    t = 2
    for half, expect_zero in ((slice(0, H), True), (slice(H, 2 * H), False)):
        dh = np.zeros((B, T, 2 * H))
        dh[0, t, half] = 1.0
        dx = bidirectional_backward(trace, dh)["x"]
        later = np.abs(dx[0, t + 1 :]).max() if t + 1 < T else 0.0
        assert (later == 0.0) == expect_zero, (
            f"half {half}, t = {t}: largest |dh_t/dx_later| = {later:.3g}, expected it to be 0: {expect_zero}"
        )


def test_right_to_left_half_is_the_layer_run_on_the_reversed_sequence():
    rng = np.random.default_rng(3)
    fw, bw = random_weights(rng, 4, 2, 3), random_weights(rng, 4, 2, 3)
    x = rng.normal(size=(2, 5, 2))
    trace = bidirectional_forward(lstm, x, fw, bw)
    reversed_run = lstm.forward(x[:, ::-1], bw["W_x"], bw["W_h"], bw["b"]).h
    np.testing.assert_array_equal(trace.h[:, :, 3:], reversed_run[:, ::-1])
    np.testing.assert_array_equal(trace.h[:, :, :3], lstm.forward(x, fw["W_x"], fw["W_h"], fw["b"]).h)


def test_stored_bytes_grow_linearly_in_T():
    rng = np.random.default_rng(0)
    fw, bw = random_weights(rng, 4, 1, 3), random_weights(rng, 4, 1, 3)
    sizes = [stored_bytes(bidirectional_forward(lstm, np.zeros((1, T, 1)), fw, bw)) for T in (10, 20, 40)]
    assert sizes[2] - sizes[1] == 2 * (sizes[1] - sizes[0])


def test_dh_of_the_wrong_shape_is_refused():
    rng = np.random.default_rng(0)
    fw, bw = random_weights(rng, 4, 1, 3), random_weights(rng, 4, 1, 3)
    trace = bidirectional_forward(lstm, np.zeros((1, 4, 1)), fw, bw)
    with pytest.raises(ValueError, match="dh"):
        bidirectional_backward(trace, np.zeros((1, 4, 3)))
