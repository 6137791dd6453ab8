"""BPTT against central finite differences, in float64, for the RNN, the LSTM and the GRU.

Every parameter and every input (x, h_0, and the LSTM's C_0) is checked on random shapes and
seeds; the bar is a relative error below 1e-6 (issue 4). Relative error of an array here is
||analytic - numeric|| / ||numeric|| (Euclidean norms over the whole array).

Run ``python tests/test_gradcheck.py`` to print the worst relative error per model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmgrad.models import gru, lstm, rnn

BAR = 1e-6  # issue 4: "relative error below 1e-6"
EPS = 1e-6  # central-difference step; error ~ EPS^2 (truncation) + 1e-16/EPS (rounding)


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """``||analytic - numeric|| / ||numeric||`` (0 if both are exactly zero)."""
    den = float(np.linalg.norm(numeric))
    num = float(np.linalg.norm(np.asarray(analytic) - numeric))
    return num / den if den > 0 else num


def numeric_gradient(loss: Callable[[], float], value: np.ndarray, eps: float = EPS) -> np.ndarray:
    """Central differences of ``loss()`` in every entry of ``value``, perturbed in place and restored."""
    grad = np.zeros_like(value)
    for idx in np.ndindex(value.shape):
        old = value[idx]
        value[idx] = old + eps
        up = loss()
        value[idx] = old - eps
        down = loss()
        value[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def random_case(kind: str, seed: int, B: int, T: int, D: int, H: int, scale: float) -> dict[str, np.ndarray]:
    """Weights, inputs, initial state and loss weights for one check."""
    rng = np.random.default_rng(seed)
    G = GATES[kind]
    case = {
        "x": rng.normal(size=(B, T, D)),
        "W_x": rng.normal(0, scale, (G * H, D)),
        "W_h": rng.normal(0, scale, (G * H, H)),
        "h_0": rng.normal(0, 0.5, (B, H)),
        "R": rng.normal(size=(B, T, H)),  # L = sum(R * h) puts a loss on every step
    }
    if kind == "gru":
        case["b_x"] = rng.normal(0, scale, G * H)
        case["b_h"] = rng.normal(0, scale, G * H)
    else:
        case["b"] = rng.normal(0, scale, G * H)
    if kind == "lstm":
        case["C_0"] = rng.normal(0, 0.5, (B, H))
        case["R_C"] = rng.normal(size=(B, H))  # and L += sum(R_C * C_T)
    return case


MODULES: dict[str, Any] = {"rnn": rnn, "lstm": lstm, "gru": gru}


def _inputs(kind: str, case: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v for k, v in case.items() if not k.startswith("R")}


def loss_of(kind: str, case: dict[str, np.ndarray]) -> float:
    trace = MODULES[kind].forward(**_inputs(kind, case))
    loss = float(np.sum(case["R"] * trace.h))
    if kind == "lstm":
        loss += float(np.sum(case["R_C"] * trace.C_tm[-1]))
    return loss


def gradient_errors(kind: str, case: dict[str, np.ndarray]) -> dict[str, float]:
    """Relative error of BPTT against central differences, per argument of ``forward``."""
    trace = MODULES[kind].forward(**_inputs(kind, case))
    if kind == "lstm":
        grads = lstm.backward(trace, case["R"], case["R_C"])
    else:
        grads = MODULES[kind].backward(trace, case["R"])
    return {
        name: relative_error(grads[name], numeric_gradient(lambda: loss_of(kind, case), value))
        for name, value in _inputs(kind, case).items()
    }


shapes = st.tuples(
    st.integers(0, 2**31 - 1),  # seed
    st.integers(1, 3),  # B
    st.integers(1, 6),  # T
    st.integers(1, 3),  # D
    st.integers(1, 4),  # H
    st.sampled_from([0.3, 1.0, 2.0]),  # weight scale: 2.0 drives gates and tanh into saturation
)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@settings(max_examples=12, deadline=None, derandomize=True)
@given(shape=shapes)
def test_bptt_matches_finite_differences(kind, shape):
    errors = gradient_errors(kind, random_case(kind, *shape))
    worst = max(errors, key=errors.__getitem__)
    assert errors[worst] < BAR, f"{kind} {shape}: d/d{worst} relative error {errors[worst]:.2e}"


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_loss_on_last_step_only_matches_finite_differences(kind):
    # backward(trace, dh) with dh of shape (B, H): the loss reads h_T alone
    case = random_case(kind, seed=11, B=2, T=5, D=2, H=3, scale=1.0)
    case["R"][:, :-1] = 0.0
    if kind == "lstm":
        case["R_C"][:] = 0.0
    trace = MODULES[kind].forward(**_inputs(kind, case))
    grads = MODULES[kind].backward(trace, case["R"][:, -1])
    for name, value in _inputs(kind, case).items():
        err = relative_error(grads[name], numeric_gradient(lambda: loss_of(kind, case), value))
        assert err < BAR, f"{kind} d/d{name}: {err:.2e}"


def _jacobian_fd(step: Callable[[np.ndarray], np.ndarray], state: np.ndarray) -> np.ndarray:
    """d step(state) / d state by central differences, per batch element: (B, H_out, H_in)."""
    B, H = state.shape
    out = np.zeros((B, H, H))
    for j in range(H):
        up, down = state.copy(), state.copy()
        up[:, j] += EPS
        down[:, j] -= EPS
        out[:, :, j] = (step(up) - step(down)) / (2 * EPS)
    return out


def test_lstm_cell_jacobian_matches_finite_differences():
    case = random_case("lstm", seed=3, B=2, T=5, D=2, H=3, scale=1.0)
    args = _inputs("lstm", case)
    trace = lstm.forward(**args)
    J = lstm.cell_jacobian(trace)
    T, H = 5, 3
    o = trace.gates_tm[:, :, 3 * H :]
    for k in range(T + 1):

        def C_T(C_k: np.ndarray, k: int = k) -> np.ndarray:
            if k == 0:
                return lstm.forward(**{**args, "C_0": C_k}).C_tm[-1]
            h_k = o[k - 1] * np.tanh(C_k)  # h_k follows C_k
            if k == T:
                return C_k
            rest = {**args, "x": args["x"][:, k:], "h_0": h_k, "C_0": C_k}
            return lstm.forward(**rest).C_tm[-1]

        err = relative_error(J[:, k], _jacobian_fd(C_T, trace.C_tm[k]))
        assert err < BAR, f"dC_T/dC_{k}: {err:.2e}"


def test_gru_hidden_jacobian_matches_finite_differences():
    case = random_case("gru", seed=4, B=2, T=5, D=2, H=3, scale=1.0)
    args = _inputs("gru", case)
    trace = gru.forward(**args)
    J = gru.hidden_jacobian(trace)
    for k in range(6):

        def h_T(h_k: np.ndarray, k: int = k) -> np.ndarray:
            if k == 5:
                return h_k
            return gru.forward(**{**args, "x": args["x"][:, k:], "h_0": h_k}).h_tm[-1]

        err = relative_error(J[:, k], _jacobian_fd(h_T, trace.h_tm[k]))
        assert err < BAR, f"dh_T/dh_{k}: {err:.2e}"


def test_rnn_cumulative_jacobians_match_finite_differences():
    case = random_case("rnn", seed=5, B=2, T=5, D=2, H=3, scale=1.0)
    args = _inputs("rnn", case)
    trace = rnn.forward(**args)
    cumulative = rnn.cumulative_jacobians(trace)
    for t in range(1, 6):
        # index t-1 is dh_T/dh_{t-1}: restart the recurrence from h_{t-1}
        def h_T(h: np.ndarray, t: int = t) -> np.ndarray:
            return rnn.forward(**{**args, "x": args["x"][:, t - 1 :], "h_0": h}).h_tm[-1]

        err = relative_error(cumulative[:, t - 1], _jacobian_fd(h_T, trace.h_tm[t - 1]))
        assert err < BAR, f"dh_T/dh_{t - 1}: {err:.2e}"


def worst_errors(examples: int = 40) -> dict[str, tuple[float, str]]:
    """The worst relative error per model over ``examples`` random cases (for the report)."""
    rng = np.random.default_rng(2026)
    worst: dict[str, tuple[float, str]] = {}
    for kind in ("rnn", "lstm", "gru"):
        worst[kind] = (0.0, "")
        for _ in range(examples):
            shape = (int(rng.integers(2**31)), *(int(v) for v in rng.integers(1, [4, 7, 4, 5])))
            scale = float(rng.choice([0.3, 1.0, 2.0]))
            for name, err in gradient_errors(kind, random_case(kind, *shape, scale)).items():
                if err > worst[kind][0]:
                    worst[kind] = (err, f"d/d{name} at seed, B, T, D, H = {shape}, scale {scale}")
    return worst


if __name__ == "__main__":
    for kind, (err, where) in worst_errors().items():
        print(f"{kind}: worst relative error {err:.2e} ({where})")
