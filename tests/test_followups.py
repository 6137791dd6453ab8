"""The crash cell's measurements for issue 21 (test size, logs, attention's weight, the GRU's
update-gate bias, the perturbed start) and the follow-up experiments' bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest

from lstmgrad.models import readout
from lstmgrad.studies import crash_runs as C
from lstmgrad.studies import followups as F
from lstmgrad.tasks.crash import PREFIX, seed_batches
from lstmgrad.train.loop import fit
from lstmgrad.train.params import init_params


def test_update_gate_bias_sets_the_whole_z_bias_and_nothing_else():
    H = 4
    plain, biased = init_params("gru", H, 1, [0, 3]), init_params("gru", H, 1, [0, 3], b_z=3.0)
    z = slice(H, 2 * H)
    assert np.all(biased["b_x"][:, z] == 3.0) and np.all(biased["b_h"][:, z] == 0.0)
    for name in plain:  # every other entry is the one drawn without b_z
        a, b = plain[name].copy(), biased[name].copy()
        if name in ("b_x", "b_h"):
            a[:, z] = b[:, z] = 0.0
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="GRU only"):
        init_params("lstm", H, 1, 0, b_z=3.0)


def test_the_gru_starts_with_its_update_gate_near_sigmoid_b_z():
    P = init_params("gru", 8, 1, [0], b_z=5.0)
    X, _ = seed_batches([0], 4, 16, 10)()
    z = readout.forward("gru", P, X)[1].gate("z")
    # the input and recurrent weights move z_t a little around sigmoid(5) = 0.9933
    assert abs(z.mean() - 1 / (1 + np.exp(-5.0))) < 0.01


def test_the_test_set_is_drawn_in_chunks_of_one_stream():
    tests = C.fresh_test_set([0, 1], 7, "std", 3 * C.TEST_CHUNK)
    assert len(tests) == 3 and tests[0][0].shape == (2, C.TEST_CHUNK, 7 + PREFIX, 1)
    first = seed_batches([0, 1], 2, C.TEST_CHUNK, 7)()
    np.testing.assert_array_equal(tests[0][0], first[0])
    alone = C.fresh_test_set([1], 7, "std", 3 * C.TEST_CHUNK)  # seed 1 sees the same test set alone
    np.testing.assert_array_equal(alone[2][0][0], tests[2][0][1])
    with pytest.raises(ValueError, match="multiple"):
        C.fresh_test_set([0], 7, "std", 100)


def test_logging_changes_no_training_and_logs_the_start_and_every_20_updates():
    seeds, L, H = [0, 1], 5, 4
    out = C.crash_cell("lstm", L, seeds, H=H, budget=50 * 32, stop_at=2.0, n_test=128)
    # the same training without the log: fit on the same streams
    P = init_params("lstm", H, 1, seeds, T=L + PREFIX)
    P0 = {k: v.copy() for k, v in P.items()}
    run = fit(
        "lstm", P, seed_batches(seeds, 0, 32, L), seed_batches(seeds, 1, 128, L)(), 50, 1e-2, 1.0, stop_at=2.0
    )
    assert out["final_loss"] == [float(x) for x in np.asarray(run.curve[-16:]).mean(axis=0)]
    assert out["sequences"] == run.sequences
    # checks before updates 1, 21, 41 and after the last (50): four
    assert len(out["log_w_x_norm"]) == 4 and len(out["log_w_x_norm"][0]) == 2
    np.testing.assert_allclose(out["log_w_x_norm"][0], np.linalg.norm(P0["W_x"].reshape(2, -1), axis=1))
    np.testing.assert_allclose(out["log_w_x_norm"][-1], np.linalg.norm(P["W_x"].reshape(2, -1), axis=1))
    probe = seed_batches(seeds, 4, 32, L)()
    f = readout.forward("lstm", P, probe[0])[1].gate("f")
    np.testing.assert_allclose(out["log_gate_mean"][-1], f.mean(axis=(1, 2, 3)))
    np.testing.assert_allclose(out["log_gate_max_unit"][-1], f.mean(axis=(1, 2)).max(axis=1))


def test_attention_weight_on_the_crash_step():
    P = init_params("attention", 4, 1, [0, 1])
    w = C.attention_on_crash(P, 9, [0, 1], "std", "init", n=16)
    X, y = seed_batches([0, 1], 3, 16, 9)()
    A = readout.forward("attention", P, X)[1]["A"]  # (S, n, 1, T): the last step's weights
    np.testing.assert_allclose(A.sum(axis=-1), 1.0)
    s = 1
    crash = y[s] == 1.0
    assert w["attn_crash_init"][s] == pytest.approx(A[s, crash, 0, PREFIX - 1].mean())
    assert w["attn_none_init"][s] == pytest.approx(A[s, ~crash, 0, PREFIX - 1].mean())


def test_a_perturbed_start_differs_in_its_last_digits_and_per_seed():
    P = init_params("rnn", 4, 1, [0, 5])
    Q = C._perturbed(P, [0, 5], 1e-12)
    for k in P:
        rel = np.abs(Q[k] - P[k]) / np.maximum(np.abs(P[k]), 1e-300)
        assert rel.max() < 1e-10 and (Q[k] != P[k]).any(), k
    alone = C._perturbed(init_params("rnn", 4, 1, [5]), [5], 1e-12)
    for k in P:
        np.testing.assert_array_equal(alone[k][0], Q[k][1])


@pytest.mark.parametrize(
    ("kind", "H", "closed_form"),
    [
        ("rnn", 16, 16 + 16 * 16 + 16 + 16 + 1),
        ("rnn", F.WIDE_H, 32 + 32 * 32 + 32 + 32 + 1),
        ("lstm", 16, 4 * 16 * (1 + 16 + 1) + 16 + 1),
        ("gru", 16, 3 * 16 * (1 + 16) + 2 * 3 * 16 + 16 + 1),
    ],
)
def test_parameter_counts(kind, H, closed_form):
    assert F.parameter_count(kind, H) == closed_form


def test_the_wide_rnn_is_within_five_percent_of_the_lstms_parameters():
    assert F.parameter_count("rnn", F.WIDE_H) == 1121 and F.parameter_count("lstm", 16) == 1169
    assert abs(F.parameter_count("rnn", F.WIDE_H) / F.parameter_count("lstm", 16) - 1) < 0.05


def test_join_adds_seeds_and_joins_step_lists_of_equal_length():
    a = {"accuracy": [0.5, 1.0], "curve": [[1, 2], [3, 4]], "log_w_x_norm": [[1, 1]]}
    b = {"accuracy": [0.9], "curve": [[5], [6]], "log_w_x_norm": [[2], [2]]}
    out = F._join([a, b])
    assert out["accuracy"] == [0.5, 1.0, 0.9]
    assert out["curve"] == [[1, 2, 5], [3, 4, 6]]
    assert "log_w_x_norm" not in out  # the groups stopped after different numbers of checks


def test_thirty_seeds_never_reuse_the_pilots_seeds():
    from lstmgrad.studies import experiments as E

    assert len(F.SEEDS_30) == 30 and len(set(F.SEEDS_30)) == 30
    assert not set(F.SEEDS_30) & set(E.PILOT_SEEDS)


def _records(rows):
    from lstmgrad.studies.records import Records

    return Records(tuple(rows), ())


def test_the_pilot_rule_counts_solved_pairs_then_sequences_then_prefers_0_01():
    def row(kind, lr, acc, seqs):
        return {"kind": kind, "setting": "main", "L": 20, "lr": lr, "accuracy": acc, "sequences": seqs}

    recs = _records(
        [
            row("rnn", 3e-3, [0.5, 0.96], [8, 8]),
            row("rnn", 1e-2, [0.97, 0.96], [8, 8]),
            row("rnn", 3e-2, [0.99, 0.2], [1, 1]),
        ]
        + [row("lstm", 3e-3, [1.0], [9]), row("lstm", 1e-2, [1.0], [5]), row("lstm", 3e-2, [1.0], [4])]
        + [row("gru", 3e-3, [0.5], [9]), row("gru", 1e-2, [0.5], [9]), row("gru", 3e-2, [0.5], [9])]
    )
    rates = F.chosen_rates(recs)
    assert rates["rnn"]["lr"] == 1e-2 and rates["rnn"][1e-2]["solved"] == 2  # the most solved
    assert rates["lstm"]["lr"] == 3e-2  # a tie on solved: the fewest sequences
    assert rates["gru"]["lr"] == 1e-2  # a tie on both: 0.01
    from lstmgrad.present.followups import pilot_table

    table = pilot_table(recs, rates)
    assert "| **LSTM: all cells** |" in table and "**0.03**" in table


def test_the_follow_up_tables_format_every_row():
    from lstmgrad.present import followups as T
    from lstmgrad.present.experiments import count

    acc = [0.99, 0.5, 0.97]
    log = {"log_w_x_norm": [[1, 2, 3], [2, 3, 4]], "log_gate_mean": [[0.7] * 3, [0.8] * 3],
           "log_gate_max_unit": [[0.9] * 3, [0.95] * 3]}  # fmt: skip
    state = T.state_table(_records([{"scale": "raw", "b_f": 1.0, "L": 90, "accuracy": acc, **log}]))
    assert "| raw (≈ 0.01) | 1 | 90 | 2 | 3 | 0.7 | 0.8 | 0.9 | 0.95 |" in state
    weights = {"attn_crash_init": [0.1] * 3, "attn_crash_trained": [0.9] * 3, "attn_none_trained": [0.01] * 3}
    att = T.attention_weight_table(_records([{"L": 95, "budget": 8192, "accuracy": acc, **weights}]))
    assert "| 95 | 8,192 | 0.100 | 0.900 | 0.0100 | 0.0100 | " + count(2, 3) + " |" in att
    runs = [{"training": "clip 1", "perturb": p, "final_loss": [0.1, 0.2, 0.3], "accuracy": a}
            for p, a in ((0.0, acc), (1e-12, [0.99, 0.96, 0.97]))]  # fmt: skip
    assert "| clip 1 | 0 | 0 | 46.0 | 1/3 |" in T.perturbed_table(_records(runs))
    thirty = [
        {"kind": "lstm", "L": 90, "b_f": 5.0, "clip": 1.0, "budget": 8192, "accuracy": [1.0] * 9 + [0.5] * 21}
    ]
    row = f"| LSTM, b_f = 5 | 90 | 1 | 8,192 | {count(9, 10)} | {count(9, 30)} |"
    assert row in T.thirty_table(_records(thirty))
    grid = T.grid_table(_records([{"b_z": 3.0, "L": 50, "accuracy": acc}]), "b_z", "b_z")
    assert f"| 3.0 | 82 (50–99), {count(2, 3)} |" in grid
    long = T.long_table(
        _records([{"model": "lstm_chrono", "L": 200, "accuracy": acc, "sequences": [1, 2, 3]}])
    )
    assert f"| LSTM, chrono | 82 (50–99), {count(2, 3)} | 2 |" in long


def test_every_models_learning_rate_is_the_shared_pilots_choice():
    """experiments.LR was set from the pilot by its rule; a retrain that changes the pilot's
    outcome (another CPU, another dtype) must change LR too, and every number with it."""
    from lstmgrad.studies import experiments as E

    rates = F.chosen_rates(F.pilot_records())
    assert {kind: r["lr"] for kind, r in rates.items()} == E.LR


def test_the_rnn_starts_unsaturated_except_where_it_reads_the_standardised_crash():
    """The words of Experiments section 7 ("Does the RNN start saturated?")."""
    rows = {r["scale"]: r for r in F.saturation_at_init(scales=("raw", "std"), L=20)}
    assert rows["raw"]["saturated"] == rows["std"]["saturated"] == rows["raw"]["saturated_crash"] == 0.0
    assert min(rows["raw"]["slope"], rows["std"]["slope"]) > 0.94  # "about 0.95 or more"
    assert 0.2 <= rows["std"]["saturated_crash"] <= 0.35  # "about a quarter"
    assert rows["std"]["slope_crash"] == pytest.approx(rows["std"]["slope"] / 2, abs=0.05)  # "halves"
