"""One model code for one model and for a stack of seeds: the stacked run equals the per-seed
runs (min-char-rnn's batch check, across seeds), the gradients of every model and readout match
central differences, and the training loop treats the seeds of a stack independently."""

from __future__ import annotations

import numpy as np
import pytest
from test_gradcheck import numeric_gradient

from lstmgrad.models import gru, lstm, readout, rnn
from lstmgrad.models.attention import attention_backward, attention_forward
from lstmgrad.studies.crash_runs import crash_cell
from lstmgrad.tasks.crash import PREFIX, seed_batches
from lstmgrad.train.loop import fit, loss_and_grads
from lstmgrad.train.params import init_params

LAYERS = {"rnn": rnn, "lstm": lstm, "gru": gru}


def _layer_args(kind, P, s=None):
    names = ("W_x", "W_h", "b_x", "b_h") if kind == "gru" else ("W_x", "W_h", "b")
    return {n: P[n] if s is None else P[n][s] for n in names}


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_stacked_layer_equals_the_layer_seed_by_seed(kind):
    rng = np.random.default_rng(3)
    P = init_params(kind, 5, 2, [0, 1, 2], b_f=2.0)
    X = rng.normal(size=(3, 4, 6, 2))
    dh = rng.normal(size=(3, 4, 6, 5))  # a loss on every step
    module = LAYERS[kind]
    stacked = module.forward(X, **_layer_args(kind, P))
    grads = module.backward(stacked, dh)
    for s in range(3):
        alone = module.forward(X[s], **_layer_args(kind, P, s))
        np.testing.assert_allclose(
            stacked.h[s], alone.h, rtol=1e-13, atol=1e-15, err_msg=f"{kind} seed {s}: h"
        )
        ref = module.backward(alone, dh[s])
        for name, value in ref.items():
            np.testing.assert_allclose(
                grads[name][s], value, rtol=1e-10, atol=1e-13, err_msg=f"{kind} seed {s}: {name}"
            )


@pytest.mark.parametrize("kind", ["birnn", "bilstm", "attention"])
def test_stacked_tagger_equals_the_tagger_seed_by_seed(kind):
    rng = np.random.default_rng(4)
    P = init_params(kind, 4, 1, [0, 1])
    X = rng.normal(size=(2, 3, 7, 1))
    dlogits = rng.normal(size=(2, 3, 7))
    logits, trace = readout.forward(kind, P, X, every_step=True)
    grads, dX = readout.backward(kind, P, trace, dlogits, every_step=True)
    for s in range(2):
        p = {k: v[s] for k, v in P.items()}
        ref_logits, ref_trace = readout.forward(kind, p, X[s], every_step=True)
        ref, ref_dx = readout.backward(kind, p, ref_trace, dlogits[s], every_step=True)
        np.testing.assert_allclose(logits[s], ref_logits, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dX[s], ref_dx, rtol=1e-10, atol=1e-13)
        for name in ref:
            np.testing.assert_allclose(
                grads[name][s], ref[name], rtol=1e-10, atol=1e-13, err_msg=f"{kind}: {name}"
            )


# a bidirectional model answers at every step, so it has no last-step-only readout
READOUTS = [(k, e) for k in readout.KINDS for e in (False, True) if e or not k.startswith("bi")]


@pytest.mark.parametrize(("kind", "every_step"), READOUTS)
def test_readout_gradients_match_central_differences(kind, every_step):
    rng = np.random.default_rng(2)
    P = init_params(kind, 4, 2, [0, 1])
    X = rng.normal(size=(2, 3, 5, 2))
    y = (rng.random((2, 3, 5) if every_step else (2, 3)) < 0.5) * 1.0
    batch = (X, y)
    _, grads = loss_and_grads(kind, P, batch, every_step)
    _, trace = readout.forward(kind, P, X, every_step)

    def loss():
        return float(loss_and_grads(kind, P, batch, every_step)[0].sum())

    for name, value in P.items():
        np.testing.assert_allclose(
            grads[name], numeric_gradient(loss, value), rtol=1e-6, atol=1e-9, err_msg=f"{kind}: d/d{name}"
        )


def test_attention_last_query_is_the_full_layers_last_answer():
    rng = np.random.default_rng(5)
    P = init_params("attention", 6, 1, [0, 1])
    X = rng.normal(size=(2, 3, 8, 1))
    full, _ = attention_forward(P, X)
    last, cache = attention_forward(P, X, queries="last")
    np.testing.assert_allclose(last[..., 0], full[..., -1], rtol=1e-12)
    dy = rng.normal(size=last.shape)
    g_last, dx_last = attention_backward(P, cache, dy)
    _, cache_all = attention_forward(P, X)
    dy_all = np.zeros(full.shape)
    dy_all[..., -1] = dy[..., 0]
    g_all, dx_all = attention_backward(P, cache_all, dy_all)
    np.testing.assert_allclose(dx_last, dx_all, rtol=1e-10, atol=1e-14)
    for name in g_all:
        np.testing.assert_allclose(g_last[name], g_all[name], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru", "attention"])
def test_a_seed_trains_the_same_alone_as_in_a_stack(kind):
    """Seeds share nothing: own data, own clipping, own early stop."""
    runs = {}
    for seeds in ([0, 1, 2], [1]):
        P = init_params(kind, 8, 1, seeds, T=10 + PREFIX)
        run = fit(
            kind,
            P,
            seed_batches(seeds, 0, 16, 10),
            seed_batches(seeds, 1, 64, 10)(),
            20,
            1e-2,
            0.1,
            eval_every=5,
            stop_at=0.9,
        )
        runs[len(seeds)] = (run, P)
    (block, P_block), (alone, P_alone) = runs[3], runs[1]
    assert [c[1] for c in block.curve[: len(alone.curve)]] == [c[0] for c in alone.curve]
    assert block.sequences[1] == alone.sequences[0]
    for name in P_block:
        np.testing.assert_array_equal(P_block[name][1], P_alone[name][0], err_msg=f"seed 1's {name}")


def test_float32_trains_like_float64():
    """float32 weights train in float32 throughout, and end near the float64 run."""
    seeds = [0, 1]
    out = {}
    for dtype in (np.float32, np.float64):
        P = init_params("lstm", 8, 1, seeds, T=15, dtype=dtype)
        draw = seed_batches(seeds, 0, 16, 10)

        def draw_as(dtype=dtype, draw=draw):
            return tuple(a.astype(dtype) for a in draw())

        run = fit("lstm", P, draw_as, seed_batches(seeds, 1, 64, 10)(), 10, 1e-2)
        wrong = {k: v.dtype for k, v in P.items() if v.dtype != dtype}
        assert not wrong, f"trained in {np.dtype(dtype)}, but these ended in another dtype: {wrong}"
        out[dtype] = (run, P)
    np.testing.assert_allclose(out[np.float32][0].curve, out[np.float64][0].curve, rtol=1e-4)
    np.testing.assert_allclose(out[np.float32][1]["W_h"], out[np.float64][1]["W_h"], atol=1e-4)


def test_init_options():
    P = init_params("rnn", 6, 1, [0, 1], init="orthogonal")
    np.testing.assert_allclose(P["W_h"][0] @ P["W_h"][0].T, np.eye(6), atol=1e-12)
    P = init_params("rnn", 6, 1, [0], sigma_max=1.5)
    assert np.linalg.norm(P["W_h"][0], 2) == pytest.approx(1.5, rel=1e-12)
    P = init_params("lstm", 4, 1, [0], b_f=3.0)
    np.testing.assert_array_equal(P["b"][0, 4:8], 3.0, err_msg="forget-gate bias rows H:2H")
    P = init_params("lstm", 4, 1, [0], b_f="chrono", T=50)
    b_f = P["b"][0, 4:8]
    assert b_f.min() >= 0 and b_f.max() <= np.log(49), f"chrono b_f outside [0, log 49]: {b_f}"
    np.testing.assert_array_equal(P["b"][0, :4], -b_f, err_msg="chrono: b_i = -b_f")
    # a stack draws each seed exactly as it is drawn alone
    for kind in readout.KINDS:
        stack, alone = init_params(kind, 4, 1, [3, 7]), init_params(kind, 4, 1, 7)
        differ = [k for k in alone if not np.array_equal(stack[k][1], alone[k])]
        assert not differ, f"{kind}: seed 7 in a stack differs from seed 7 alone in {differ}"


def test_crash_cell_reports_every_seed_and_honours_stop_at():
    out = crash_cell("lstm", 5, [0, 1], H=4, budget=640, stop_at=0.5)
    assert set(out) >= {"accuracy", "sequences", "to_95", "max_grad_norm", "final_loss", "grad_loss_init"}
    assert {k: len(v) for k, v in out.items() if len(v) != 2} == {}, "entries not one per seed"
    assert out["sequences"] == [20 * 32, 20 * 32]  # stopped at the first check (every 20 updates)
    never = crash_cell("lstm", 5, [0, 1], H=4, budget=640, stop_at=2.0)
    assert never["sequences"] == [640, 640]
