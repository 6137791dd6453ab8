"""The beyond chapter: its tasks, its models' gradients, the bands its text states, its memory counts.

Trained results are the committed ones (``lstmgrad/results/``), read through the study's records.
"""

from __future__ import annotations

import numpy as np
import pytest

from lstmgrad.models.attention import attention_activation_bytes
from lstmgrad.present.beyond import crossover_text, timing_table
from lstmgrad.studies import beyond
from lstmgrad.tasks.crash import PREFIX
from lstmgrad.tasks.future import future_batch


def test_future_labels_are_the_sign_k_steps_ahead():
    x, y, mask = future_batch(np.random.default_rng(0), 4, k=3, T=10)
    np.testing.assert_array_equal(y[:, :7], x[:, 3:, 0] > 0)
    np.testing.assert_array_equal(mask[:, :7], 1, err_msg="mask on the labelled steps t + k < T")
    np.testing.assert_array_equal(mask[:, 7:], 0, err_msg="mask on the last k steps")
    np.testing.assert_array_equal(y[:, 7:], 0, err_msg="labels on the last k steps")
    with pytest.raises(ValueError, match="k must be"):
        future_batch(np.random.default_rng(0), 4, k=10, T=10)


def test_left_to_right_models_have_no_path_from_the_future():
    largest = {r["model"]: r["largest"] for r in beyond.blind_gradients()}
    assert largest["rnn"] == 0.0 and largest["lstm"] == 0.0
    for model in ("birnn", "bilstm", "attention"):
        assert largest[model] > 1e-4, model


# --- trained results: the bands the page states are in lstmgrad.studies.bands (committed seeds in
# test_experiments.py, a retrained sample in test_reproduce.py); these read the committed seeds.


def test_bidirectional_models_fade_with_k():
    records = beyond.future_records()
    for model in ("birnn", "bilstm"):
        fade = [np.mean(records.get(model=model, k=k)["accuracy"]) for k in (8, 1)]
        assert fade[0] < fade[1], model


def test_crossover_sentences_name_the_lag():
    records = beyond.crash_records()
    rows = beyond.crossover(records)
    for row, line in zip(rows, crossover_text(rows).split("\n\n"), strict=True):
        lag = next(
            (
                L
                for L in beyond.CRASH_LAGS
                if min(records.get(model="attention", L=L)["accuracy"]) >= 0.95
                and min(records.get(model=row["model"], L=L)["accuracy"]) < 0.95
            ),
            None,
        )
        assert row["L"] == lag
        assert (f"crossover at lag {lag}." in line) if lag else ("no crossover" in line), line


def test_every_model_in_a_row_had_the_same_budget():
    records = beyond.crash_records()
    for L, budget in beyond.CRASH_BUDGETS.items():
        for model in beyond.CONTESTANTS:
            assert max(records.get(model=model, L=L)["sequences"]) <= budget, (model, L)


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
    table = timing_table(beyond.timing_rows(lags=(5,), calls=1))
    cells = table.splitlines()[2].strip("| ").split(" | ")
    assert cells[0] == "5" and len(cells) == 5
    assert all(float(c) > 0 for c in cells[1:]), f"a timing that is not positive: {cells}"
