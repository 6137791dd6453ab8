"""The beyond chapter: its tasks, its models' gradients, the bands its text states, its memory counts.

Trained results come from the cached experiment functions, so in a test session they
run once and are shared with the strict build and the golden runs.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_attention import numeric_gradient, relative_error

from lstmgrad import beyond
from lstmgrad.attention import attention_activation_bytes
from lstmgrad.experiments import PREFIX


def test_future_labels_are_the_sign_k_steps_ahead():
    x, y, mask = beyond.future_batch(np.random.default_rng(0), 4, k=3, T=10)
    np.testing.assert_array_equal(y[:, :7], x[:, 3:, 0] > 0)
    assert np.all(mask[:, :7] == 1) and np.all(mask[:, 7:] == 0) and np.all(y[:, 7:] == 0)
    with pytest.raises(ValueError, match="k must be"):
        beyond.future_batch(np.random.default_rng(0), 4, k=10, T=10)


@pytest.mark.parametrize("model", beyond.TAGGERS)
def test_tagger_gradients_match_finite_differences(model):
    rng = np.random.default_rng(1)
    p = beyond.init_tagger(model, H=4, seed=3)
    p = {k: np.array(v + rng.normal(0, 0.2, v.shape)) for k, v in p.items()}
    x = rng.normal(size=(2, 5, 1))
    c = rng.normal(size=(2, 5))

    def loss() -> float:
        return float(np.sum(c * beyond.tagger_forward(model, p, x)[0]))

    _, trace = beyond.tagger_forward(model, p, x)
    grads = beyond.tagger_backward(model, p, trace, c)
    assert set(grads) == set(p)
    for name, value in p.items():
        err = relative_error(grads[name], numeric_gradient(loss, value))
        assert err < 1e-6, f"{model} {name}: relative error {err:.2e}"


def test_left_to_right_models_have_no_path_from_the_future():
    cells = dict(line.strip("| ").split(" | ") for line in beyond.blind_gradient_table().splitlines()[2:])
    assert cells["RNN"] == "0" and cells["LSTM"] == "0"
    for model in ("BiRNN", "BiLSTM", "Attention"):
        assert float(cells[model]) > 1e-4, model


# --- bands stated in docs/beyond.md#future-context (3 seeds; 6 more seeds stayed inside them)


def _future(model: str, k: int) -> list[float]:
    return [r["accuracy"] for r in beyond.future_context_runs()[model][k]]


def test_every_model_reads_the_present():
    for model in beyond.TAGGERS:
        assert min(_future(model, 0)) >= 0.97, model


@pytest.mark.parametrize("k", [k for k in beyond.FUTURE_KS if k >= 1])
def test_left_to_right_models_guess_the_future(k):
    for model in ("rnn", "lstm"):
        accs = _future(model, k)
        assert 0.45 <= min(accs) and max(accs) <= 0.55, (model, accs)


def test_bidirectional_models_solve_one_step_ahead_and_fade_with_k():
    for model in ("birnn", "bilstm"):
        assert min(_future(model, 1)) >= 0.95, model
        assert np.mean(_future(model, 8)) < 0.9, model


@pytest.mark.parametrize("k", [k for k in beyond.FUTURE_KS if k >= 1])
def test_attention_lands_between_chance_and_solved(k):
    accs = _future("attention", k)
    assert 0.5 <= min(accs) and max(accs) <= 0.9 and np.mean(accs) >= 0.55, accs


# --- bands stated in docs/beyond.md#crash-attention (3 seeds; seeds 3-5 stayed inside them)


def test_attention_solves_the_crash_at_every_lag_and_the_recurrent_models_do_not():
    runs = beyond.crash_comparison_runs()
    for L in beyond.CRASH_LAGS:
        # at 200 and 500 the budget is 1024 sequences; seeds 3-5 reached 0.89 there at worst
        assert min(runs["attention"][L]["accuracy"]) >= (0.95 if L <= 90 else 0.85), L
        if L >= 90:
            assert max(runs["lstm"][L]["accuracy"]) <= 0.6, L
            assert max(runs["rnn"][L]["accuracy"]) <= 0.6, L
    assert min(runs["lstm"][20]["accuracy"]) >= 0.95
    # chrono initialisation: solved at 20 and 90, seed-dependent at 200, not at 500 (seeds 3-5: <= 0.61)
    assert min(runs["lstm_chrono"][20]["accuracy"]) >= 0.95
    assert min(runs["lstm_chrono"][90]["accuracy"]) >= 0.95
    assert min(runs["lstm_chrono"][200]["accuracy"]) < 0.95
    assert max(runs["lstm_chrono"][200]["accuracy"]) >= 0.95
    assert max(runs["lstm_chrono"][500]["accuracy"]) <= 0.65
    lines = beyond.crossover().split("\n\n")
    assert lines[0].startswith("Against the LSTM (forget bias 1): crossover at lag 90.")
    assert lines[1].startswith("Against the LSTM with chrono initialisation: crossover at lag 200.")


def test_every_model_in_a_row_had_the_same_budget():
    runs = beyond.crash_comparison_runs()
    for L, budget in beyond.CRASH_BUDGETS.items():
        for model in beyond.CRASH_MODELS:
            assert max(runs[model][L]["sequences"]) <= budget, (model, L)


# --- memory: measured array sizes against closed forms


@pytest.mark.parametrize("T", [1, 7, 505])
def test_memory_counts_match_closed_forms(T):
    H = beyond.ATTENTION_D
    row = beyond.memory_rows([T], H)[0]
    assert row["rnn"] == 8 * (T * (1 + 2 * H) + H)  # x, z_1..z_T, h_0..h_T
    assert row["lstm"] == 8 * (T * (1 + 7 * H) + 2 * H)  # x, 4 gates, C_0..C_T, h_0..h_T, tanh(C_t)
    assert row["attention"] == attention_activation_bytes(T, H) == 8 * (T + 5 * T * H + T * T)
    assert row["attention_last"] == attention_activation_bytes(T, H, queries="last")


def test_attention_memory_is_quadratic_and_recurrent_memory_linear():
    rows = beyond.memory_rows([100, 200, 400])
    for key in ("rnn", "lstm", "attention_last"):
        first, second = rows[1][key] - rows[0][key], rows[2][key] - rows[1][key]
        assert second == 2 * first, key
    # the linear terms cancel in this difference; the T^2 matrix A leaves 8 bytes per entry
    a = [r["attention"] for r in rows]
    assert (a[2] - a[1]) - 2 * (a[1] - a[0]) == 8 * ((400**2 - 200**2) - 2 * (200**2 - 100**2))


def test_memory_table_rows_are_the_crash_lags():
    assert beyond.MEMORY_TS[: len(beyond.CRASH_LAGS)] == tuple(L + PREFIX for L in beyond.CRASH_LAGS)


def test_timing_table_has_a_positive_time_per_model_and_lag():
    # timings are measurements, never pinned: only their shape and sign are checked
    table = beyond.timing_table(lags=(5,), calls=1)
    cells = table.splitlines()[2].strip("| ").split(" | ")
    assert cells[0] == "5" and len(cells) == 5
    assert all(float(c) > 0 for c in cells[1:])
