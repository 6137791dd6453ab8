"""The experiments chapter: the task, the analytic results against closed forms, and every
trained result inside a band that ten seeds justify (the models and the training loop are
tested in test_models_stacked.py)."""

from __future__ import annotations

import numpy as np
import pytest

from lstmgrad.models import rnn
from lstmgrad.present.experiments import bands_table
from lstmgrad.studies import bands
from lstmgrad.studies import exploding as X
from lstmgrad.tasks import crash as C

KINDS = ("rnn", "lstm", "gru")


# ----------------------------------------------------------------------------- the task


def test_crash_sits_exactly_L_steps_before_the_end_and_only_when_labelled():
    L = 7
    x, y = C.crash_batch(np.random.default_rng(0), 400, L, "raw")
    T = L + C.PREFIX
    assert x.shape == (400, T, 1) and y.shape == (400,)
    crash = x[:, :, 0] == -C.CRASH
    # a crash happens iff the label says so, and then exactly at t = T - L (index T - 1 - L)
    np.testing.assert_array_equal(crash.any(axis=1), y == 1.0, err_msg="a crash iff the label is 1")
    np.testing.assert_array_equal(
        crash[:, T - 1 - L], y == 1.0, err_msg=f"the crash at index T-1-L = {T - 1 - L}"
    )
    assert 0.4 < y.mean() < 0.6


def test_standardised_input_is_raw_divided_by_sigma():
    raw, y_raw = C.crash_batch(np.random.default_rng(1), 50, 5, "raw")
    std, y_std = C.crash_batch(np.random.default_rng(1), 50, 5, "std")
    np.testing.assert_array_equal(y_raw, y_std, err_msg="labels, raw against std")
    np.testing.assert_allclose(std, raw / C.SIGMA, rtol=1e-15)
    with pytest.raises(ValueError, match="scale"):
        C.crash_batch(np.random.default_rng(1), 5, 5, "percent")


# ------------------------------------------------------------------------- analytic results


def test_exploding_grid_at_zero_input_is_W_h_to_the_T():
    # with no input, h stays at 0, tanh'(0) = 1, and dh_T/dh_0 is exactly W_h^T
    grid = X.exploding_grid()
    for k, T in enumerate(X.HEAT_T):
        np.testing.assert_allclose(grid[k, :, 0], X.HEAT_W_H**T, rtol=1e-12)
    np.testing.assert_array_equal(grid[:, 0, :], 0.0, err_msg="W_h = 0: no path back at all")


def test_exploding_needs_an_unsaturated_input():
    # every cell above 1 sits where the constant input is small: a saturated tanh kills the product
    grid = X.exploding_grid()
    above = np.argwhere(grid > 1)
    assert X.HEAT_SCALE[above[:, 2]].max() < 0.5


def test_pascanu_chain_is_the_rnn_models_own_jacobian():
    # one draw alone, through the model's unstacked forward pass and its own Jacobian product
    sigma, H, T = 1.5, 4, 12
    rnns = {k: v[0] for k, v in X.random_rnns(sigma, 1, H, T).items()}
    J = rnn.cumulative_jacobians(rnn.forward(**rnns))[0, 0]  # dh_T/dh_0
    row = X.pascanu_draws((sigma,), draws=1, H=H, T=T)[0]
    assert row["largest_full"] == pytest.approx(np.linalg.norm(J, 2), rel=1e-12)


def test_pascanu_bound_holds_on_every_draw():
    for row in X.pascanu_draws():
        assert row["worst_ratio"] <= 1.0
        if row["sigma"] < 1:
            assert row["largest_full"] <= row["bound_full"]


# ------------------------------------------------------------------- trained results: bands


@pytest.mark.parametrize("band", bands.BANDS, ids=lambda b: b.claim)
def test_committed_seeds_inside_their_band(band):
    assert len(bands.values(band)) >= 10 * len(band.cells), "a band needs at least 10 seeds per cell"
    problems = bands.outside(band)
    assert not problems, f"{band.claim}:\n" + "\n".join(problems)


@pytest.mark.parametrize("count", bands.COUNTS, ids=lambda c: c.claim)
def test_committed_seed_counts_match_the_words_on_the_page(count):
    assert count.holds(), f"{count.claim}: {count.counts()} not in [{count.lo}, {count.hi}]"


def test_bands_table_says_every_band_holds():
    assert "| NO |" not in bands_table(bands.band_records())


def test_a_band_reports_the_cell_and_seed_outside_it():
    band = bands.BANDS[1]  # the LSTM and the GRU solve lag 20: its LSTM cell
    cells = tuple(c for c in band.cells if c.kwargs["kind"] == "lstm")
    tight = bands.Band(band.claim, band.experiment, cells, 0.999, 1.0)
    problems = bands.outside(tight)
    assert problems and all(
        p.startswith("experiment main (experiments.md: the accuracy-by-lag") for p in problems
    )
    unnamed = [p for p in problems if not ("cell kind=lstm, L=20," in p and ", seed " in p)]
    assert not unnamed, f"problems that do not name the cell and seed: {unnamed}"
