"""Bad input gets a ValueError that names the argument and says what is wrong, and a product
that underflows float64 gets a warning instead of a silent zero."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lstmgrad.checks import UnderflowWarning
from lstmgrad.models import gru, lstm, rnn
from lstmgrad.train.loss import logistic_loss
from lstmgrad.train.optim import clip_grads
from lstmgrad.train.params import init_params

B, T, D, H = 2, 3, 2, 3
rng = np.random.default_rng(0)
X = rng.normal(size=(B, T, D))
RNN = {"x": X, "W_x": rng.normal(size=(H, D)), "W_h": rng.normal(size=(H, H)), "b": np.zeros(H)}
LSTM = {"x": X, "W_x": rng.normal(size=(4 * H, D)), "W_h": rng.normal(size=(4 * H, H)), "b": np.zeros(4 * H)}
GRU = {
    "x": X,
    "W_x": rng.normal(size=(3 * H, D)),
    "W_h": rng.normal(size=(3 * H, H)),
    "b_x": np.zeros(3 * H),
    "b_h": np.zeros(3 * H),
}


def with_nan(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.flat[-1] = np.nan
    return a


# (id, call, words the message must contain: the argument's name first)
CASES = [
    ("scalar-empty-sequence", lambda: rnn.scalar_forward([], 0.5, 0.01), ["sequence", "empty"]),
    (
        "scalar-nan-in-sequence",
        lambda: rnn.scalar_forward([1.0, float("nan")], 0.5, 0.01),
        ["sequence", "finite"],
    ),
    (
        "scalar-inf-in-sequence",
        lambda: rnn.bptt_steps([1.0, float("inf")], 0.5, 0.01),
        ["sequence", "finite"],
    ),
    (
        "scalar-non-numeric-sequence",
        lambda: rnn.scalar_forward(["a", "b"], 0.5, 0.01),
        ["sequence", "numbers"],
    ),
    ("scalar-nested-sequence", lambda: rnn.scalar_forward([[1.0, 2.0]], 0.5, 0.01), ["sequence", "flat"]),
    ("scalar-W_h-nan", lambda: rnn.scalar_forward([1.0], float("nan"), 0.01), ["W_h", "finite"]),
    ("scalar-W_x-string", lambda: rnn.scalar_forward([1.0], 0.5, "0.01"), ["W_x", "number"]),
    ("scalar-h_0-bool", lambda: rnn.scalar_forward([1.0], 0.5, 0.01, h_0=True), ["h_0", "number"]),
    ("sweep-empty-W_hs", lambda: rnn.sweep_rows([1.0, 2.0], []), ["W_hs", "empty"]),
    ("rnn-x-nan", lambda: rnn.forward(**{**RNN, "x": with_nan(X)}), ["x", "finite"]),
    ("rnn-x-inf", lambda: rnn.forward(**{**RNN, "x": np.full((B, T, D), np.inf)}), ["x", "finite"]),
    ("rnn-x-empty-sequence", lambda: rnn.forward(**{**RNN, "x": np.zeros((B, 0, D))}), ["x", "empty"]),
    ("rnn-x-2d", lambda: rnn.forward(**{**RNN, "x": X[0]}), ["x", "3 dimensions"]),
    ("rnn-x-non-numeric", lambda: rnn.forward(**{**RNN, "x": [[["a"]]]}), ["x", "numbers"]),
    ("rnn-W_h-not-square", lambda: rnn.forward(**{**RNN, "W_h": np.zeros((H, H + 1))}), ["W_h", "shape"]),
    ("rnn-W_x-mismatched-D", lambda: rnn.forward(**{**RNN, "W_x": np.zeros((H, D + 1))}), ["W_x", "shape"]),
    ("rnn-b-mismatched-H", lambda: rnn.forward(**{**RNN, "b": np.zeros(H + 1)}), ["b", "shape"]),
    ("rnn-h_0-mismatched-B", lambda: rnn.forward(**RNN, h_0=np.zeros((B + 1, H))), ["h_0", "shape"]),
    ("rnn-dh-mismatched", lambda: rnn.backward(rnn.forward(**RNN), np.zeros((B, T + 1, H))), ["dh", "shape"]),
    ("lstm-W_h-not-4H", lambda: lstm.forward(**{**LSTM, "W_h": np.zeros((3 * H, H))}), ["W_h", "shape"]),
    (
        "lstm-W_x-mismatched-D",
        lambda: lstm.forward(**{**LSTM, "W_x": np.zeros((4 * H, 1))}),
        ["W_x", "shape"],
    ),
    ("lstm-b-nan", lambda: lstm.forward(**{**LSTM, "b": with_nan(LSTM["b"])}), ["b", "finite"]),
    ("lstm-C_0-inf", lambda: lstm.forward(**LSTM, C_0=np.full((B, H), -np.inf)), ["C_0", "finite"]),
    (
        "lstm-dC_T-mismatched",
        lambda: lstm.backward(lstm.forward(**LSTM), np.zeros((B, H)), np.zeros(H)),
        ["dC_T"],
    ),
    ("lstm-forget-bias-length", lambda: lstm.set_forget_bias(np.zeros(7), 1.0), ["b", "4H"]),
    ("gru-b_h-mismatched", lambda: gru.forward(**{**GRU, "b_h": np.zeros(4 * H)}), ["b_h", "shape"]),
    ("gru-b_x-nan", lambda: gru.forward(**{**GRU, "b_x": with_nan(GRU["b_x"])}), ["b_x", "finite"]),
    ("gru-x-string", lambda: gru.forward(**{**GRU, "x": "1,2,3"}), ["x", "numbers"]),
    ("logistic-y-mismatched", lambda: logistic_loss(np.zeros((1, 3)), np.zeros((1, 4))), ["y", "shape"]),
    (
        "logistic-y-not-a-label",
        lambda: logistic_loss(np.zeros((1, 2)), np.array([[0.0, 2.0]])),
        ["y", "[0, 1]"],
    ),
    ("clip-negative", lambda: clip_grads({"a": np.ones((1, 2))}, -1.0), ["max_norm", "positive"]),
    ("init-unknown-kind", lambda: init_params("transformer", 2, 1, seeds=0), ["kind"]),
    ("init-orthogonal-on-gru", lambda: init_params("gru", 2, 1, seeds=0, init="orthogonal"), ["init", "RNN"]),
    ("init-no-seeds", lambda: init_params("rnn", 2, 1, seeds=[]), ["seeds", "empty"]),
]


@pytest.mark.parametrize(("call", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_value_error_naming_the_argument(call, words):
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_there_are_at_least_15_cases():
    assert len(CASES) >= 15


def test_scalar_product_that_underflows_warns_and_is_not_passed_off_as_exact():
    # 400 steps with |local| <= 0.1: the true dh_T/dh_0 is below 1e-400, beyond float64
    sequence = np.zeros(400)
    with pytest.warns(UnderflowWarning, match="underflowed"):
        steps = rnn.bptt_steps(sequence, W_h=0.1, W_x=0.01)
    assert steps[0]["cumulative"] == 0.0


def test_lstm_cell_path_that_underflows_warns():
    b = lstm.set_forget_bias(np.zeros(4 * H), -30.0)  # f_t ~ 1e-13 per step
    trace = lstm.forward(np.zeros((1, 40, 1)), np.zeros((4 * H, 1)), np.zeros((4 * H, H)), b)
    with pytest.warns(UnderflowWarning):
        lstm.cell_path(trace)
    with pytest.warns(UnderflowWarning):
        lstm.cell_jacobian(trace)


def test_gru_update_path_that_underflows_warns():
    b_x = np.zeros(3 * H)
    b_x[H : 2 * H] = -30.0  # z_t ~ 1e-13 per step
    trace = gru.forward(
        np.zeros((1, 40, 1)), np.zeros((3 * H, 1)), np.zeros((3 * H, H)), b_x, np.zeros(3 * H)
    )
    with pytest.warns(UnderflowWarning):
        gru.update_path(trace)
    with pytest.warns(UnderflowWarning):
        gru.hidden_jacobian(trace)


def test_the_articles_anchor_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rnn.bptt_steps([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01)
