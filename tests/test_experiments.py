"""The experiments chapter: the training code against independent references (finite differences,
lstmgrad's single-model LSTM and GRU), the analytic results against closed forms, and every
trained result inside a band that ten seeds justify."""

from __future__ import annotations

import numpy as np
import pytest

from lstmgrad import crash as C
from lstmgrad import expbands, gru, lstm, rnn, train
from lstmgrad import experiments as E

KINDS = ("rnn", "lstm", "gru")


# ----------------------------------------------------------------------------- the task


def test_crash_sits_exactly_L_steps_before_the_end_and_only_when_labelled():
    L = 7
    x, y = C.crash_batch(np.random.default_rng(0), 400, L, "raw")
    T = L + C.PREFIX
    assert x.shape == (400, T, 1) and y.shape == (400,)
    crash = x[:, :, 0] == -C.CRASH
    # a crash happens iff the label says so, and then exactly at t = T - L (index T - 1 - L)
    assert np.array_equal(crash.any(axis=1), y == 1.0)
    assert np.array_equal(crash[:, T - 1 - L], y == 1.0)
    assert 0.4 < y.mean() < 0.6


def test_standardised_input_is_raw_divided_by_sigma():
    raw, y_raw = C.crash_batch(np.random.default_rng(1), 50, 5, "raw")
    std, y_std = C.crash_batch(np.random.default_rng(1), 50, 5, "std")
    assert np.array_equal(y_raw, y_std)
    np.testing.assert_allclose(std, raw / C.SIGMA, rtol=1e-15)
    with pytest.raises(ValueError, match="scale"):
        C.crash_batch(np.random.default_rng(1), 5, 5, "percent")


# ------------------------------------------------------------------ the seed-stacked models


def _loss(kind, P, X, y):
    return C.logistic_loss(C.forward(kind, P, X)[0], y)[0].sum()


@pytest.mark.parametrize("kind", KINDS)
def test_backward_matches_central_differences(kind):
    rng = np.random.default_rng(2)
    P = C.init_params(kind, [0, 1], H=3, D=2)
    X = rng.normal(size=(2, 4, 5, 2))
    y = (rng.random((2, 4)) < 0.5) * 1.0
    logits, cache = C.forward(kind, P, X)
    grads, dX = C.backward(kind, P, cache, C.logistic_loss(logits, y)[1])
    for name, value in [*P.items(), ("X", X)]:
        analytic = dX if name == "X" else grads[name]
        numeric = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            old = value[i]
            value[i] = old + 1e-6
            up = _loss(kind, P, X, y)
            value[i] = old - 1e-6
            down = _loss(kind, P, X, y)
            value[i] = old
            numeric[i] = (up - down) / 2e-6
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9, err_msg=f"{kind}: d/d{name}")


def _as_train_params(kind, P, s):
    """Seed s of the stacked params under lstmgrad.train's names."""
    p = {
        "W_x": P["W_x"][s].copy(),
        "W_h": P["W_h"][s].copy(),
        "W_y": P["w"][s].copy(),
        "b_y": np.array(P["c"][s]),
    }
    if kind == "gru":
        p["b_x"], p["b_h"] = P["b"][s].copy(), P["b_h"][s].copy()
    else:
        p["b"] = P["b"][s].copy()
    return p


@pytest.mark.parametrize("kind", KINDS)
def test_each_seed_slice_is_lstmgrads_own_model(kind):
    """Seed s of the stacked model is exactly lstmgrad's rnn / lstm / gru with seed s's weights."""
    rng = np.random.default_rng(3)
    P = C.init_params(kind, [0, 1, 2], H=5, b_f=2.0)
    X = rng.normal(size=(3, 4, 6, 1))
    dlogits = rng.normal(size=(3, 4))
    logits, cache = C.forward(kind, P, X)
    grads, dX = C.backward(kind, P, cache, dlogits)
    for s in range(3):
        module = {"rnn": rnn, "lstm": lstm, "gru": gru}[kind]
        if kind == "gru":
            trace = gru.forward(X[s], P["W_x"][s], P["W_h"][s], P["b"][s], P["b_h"][s])
        else:
            trace = module.forward(X[s], P["W_x"][s], P["W_h"][s], P["b"][s])
        h_T = trace.h[:, -1]
        np.testing.assert_allclose(logits[s], h_T @ P["w"][s] + P["c"][s], rtol=1e-12, atol=1e-14)
        ref = module.backward(trace, dlogits[s][:, None] * P["w"][s])
        ours = {"W_x": grads["W_x"][s], "W_h": grads["W_h"][s], "x": dX[s]}
        ours["b_x" if kind == "gru" else "b"] = grads["b"][s]
        if kind == "gru":
            ours["b_h"] = grads["b_h"][s]
        for name, value in ours.items():
            np.testing.assert_allclose(
                value, ref[name], rtol=1e-10, atol=1e-13, err_msg=f"{kind} seed {s}: {name}"
            )


@pytest.mark.parametrize("kind", KINDS)
def test_training_steps_match_lstmgrad_train(kind):
    """A seed's updates are lstmgrad.train's: model_backward, clip_grad_norm, then Adam."""
    steps, B, L, lr, clip = 12, 8, 6, 1e-2, 0.1  # clip small enough to act on most steps
    run, P_ours = C.train(kind, L, [4], H=5, B=B, budget=steps * B, lr=lr, clip=clip, stop_at=2.0)
    P = C.init_params(kind, [4], 5, T=L + C.PREFIX)
    params = _as_train_params(kind, P, 0)
    opt = train.Adam(params, lr=lr)
    draw = C.seed_batches([4], 0, B, L, "std")
    norms = []
    for _ in range(steps):
        X, y = draw()
        _, grads = train.loss_and_grads(kind, params, X[0], y[0])
        norms.append(train.clip_grad_norm(grads, clip))
        opt.step(params, grads)
    assert run.max_grad_norm[0] == pytest.approx(max(norms), rel=1e-6)
    # lstmgrad.train clips by max_norm / (norm + 1e-6), as torch does; ours by max_norm / norm
    np.testing.assert_allclose(P_ours["W_h"][0], params["W_h"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(P_ours["w"][0], params["W_y"], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_a_seed_trains_the_same_alone_as_in_a_block(kind):
    """Seeds share nothing: own data, own clipping, own early stop."""
    block, P_block = C.train(kind, 10, [0, 1, 2], budget=640, stop_at=2.0)
    alone, P_alone = C.train(kind, 10, [1], budget=640, stop_at=2.0)
    assert block.accuracy[1] == alone.accuracy[0]
    assert [c[1] for c in block.curve] == [c[0] for c in alone.curve]
    for name in P_block:
        assert np.array_equal(P_block[name][1], P_alone[name][0])


def test_init_options():
    P = C.init_params("rnn", [0, 1], H=6, init="orthogonal")
    np.testing.assert_allclose(P["W_h"][0] @ P["W_h"][0].T, np.eye(6), atol=1e-12)
    P = C.init_params("rnn", [0], H=6, init="uniform", sigma_max=1.5)
    assert np.linalg.norm(P["W_h"][0], 2) == pytest.approx(1.5, rel=1e-12)
    P = C.init_params("lstm", [0], H=4, b_f=3.0)
    assert np.all(P["b"][0, 4:8] == 3.0)
    P = C.init_params("lstm", [0], H=4, b_f="chrono", T=50)
    b_f = P["b"][0, 4:8]
    assert np.all((b_f >= 0) & (b_f <= np.log(49))) and np.array_equal(P["b"][0, :4], -b_f)


# ------------------------------------------------------------------------- analytic results


def test_exploding_grid_at_zero_input_is_W_h_to_the_T():
    # with no input, h stays at 0, tanh'(0) = 1, and dh_T/dh_0 is exactly W_h^T
    grid = E.exploding_grid()
    for k, T in enumerate(E.HEAT_T):
        np.testing.assert_allclose(grid[k, :, 0], E.HEAT_W_H**T, rtol=1e-12)
    assert np.all(grid[:, 0, :] == 0.0)  # W_h = 0: no path back at all


def test_exploding_needs_an_unsaturated_input():
    # every cell above 1 sits where the constant input is small: a saturated tanh kills the product
    grid = E.exploding_grid()
    above = np.argwhere(grid > 1)
    assert E.HEAT_SCALE[above[:, 2]].max() < 0.5


def test_pascanu_bound_holds_on_every_draw():
    for row in E.pascanu_draws():
        assert row["worst_ratio"] <= 1.0
        if row["sigma"] < 1:
            assert row["largest_full"] <= row["bound_full"]


# ------------------------------------------------------------------- trained results: bands


@pytest.mark.parametrize("band", expbands.BANDS, ids=lambda b: b.claim)
def test_committed_seeds_inside_their_band(band):
    assert len(expbands.values(band)) >= 10 * len(band.cells), "a band needs at least 10 seeds per cell"
    problems = expbands.outside(band)
    assert not problems, f"{band.claim}:\n" + "\n".join(problems)


@pytest.mark.parametrize("count", expbands.COUNTS, ids=lambda c: c.claim)
def test_committed_seed_counts_match_the_words_on_the_page(count):
    assert count.holds(), f"{count.claim}: {count.counts()} not in [{count.lo}, {count.hi}]"


def test_bands_table_says_every_band_holds():
    assert "| NO |" not in expbands.bands_table()


def test_a_band_reports_the_cell_and_seed_outside_it():
    band = expbands.BANDS[1]  # the LSTM solves lag 20
    tight = expbands.Band(band.claim, band.experiment, band.cells, 0.999, 1.0)
    problems = expbands.outside(tight)
    assert problems and all(
        p.startswith("experiment main (experiments.md: the accuracy-by-lag") for p in problems
    )
    assert all("cell kind=lstm, L=20," in p and ", seed " in p for p in problems)
