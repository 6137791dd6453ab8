"""Every piece of `lstmgrad.train`, tested by its behaviour, so that a training bug fails here
before any retrain (and not only through the stale digest of the committed results).

- the loss and its label mask: a hand computation, central differences, and (in
  ``tests/test_torch_crosscheck.py``) torch's ``binary_cross_entropy_with_logits``;
- accuracy and ``loss_and_grads`` with a mask: masked entries count for nothing;
- clipping and the global norm: by hand;
- Adam: its first steps by hand (the bias correction), and a stopped model's parameters AND
  moments left exactly as they were;
- the loop: early stop freezes a stopped seed's parameters and Adam state while the other
  seeds train on, and the sequences counted, the 95 % mark, the curve and the largest norm
  are what the loop saw;
- the initialiser: ranges, the forget bias, chrono, seeds alone and in a stack.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_gradcheck import numeric_gradient

from lstmgrad.models import readout
from lstmgrad.tasks.future import seed_batches as future_batches
from lstmgrad.train import loop
from lstmgrad.train.loop import accuracy, fit, loss_and_grads
from lstmgrad.train.loss import logistic_loss, sigmoid
from lstmgrad.train.optim import Adam, clip_factor, clip_grads, grad_norm
from lstmgrad.train.params import init_params

# --------------------------------------------------------------------------------------- loss

Z = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, -2.0]])  # two models of a stack (S = 2), 3 answers each
Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
MASK = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])  # each model keeps two of its three answers


def _bce(z: float, y: float) -> float:
    """-y log sigma(z) - (1 - y) log(1 - sigma(z)), written the long way round."""
    p = 1.0 / (1.0 + math.exp(-z))
    return -(y * math.log(p) + (1.0 - y) * math.log(1.0 - p))


def test_masked_loss_and_gradient_match_a_hand_computation():
    loss, grad = logistic_loss(Z, Y, MASK)
    for s in range(2):
        kept = [j for j in range(3) if MASK[s, j]]
        by_hand = sum(_bce(Z[s, j], Y[s, j]) for j in kept) / len(kept)
        assert loss[s] == pytest.approx(by_hand, rel=1e-14), f"model {s}: loss {loss[s]} != {by_hand}"
        for j in range(3):
            sig = 1.0 / (1.0 + math.exp(-Z[s, j]))
            want = (sig - Y[s, j]) / len(kept) if MASK[s, j] else 0.0
            assert grad[s, j] == pytest.approx(want, rel=1e-13, abs=1e-300), (
                f"model {s}, answer {j} (mask {MASK[s, j]:g}): dL/dz = {grad[s, j]!r}, by hand {want!r}"
            )
    # the same numbers, printed: model 0 keeps z = 2 (y = 1) and z = -1 (y = 0)
    assert f"{loss[0]:.6f}" == "0.220095", loss
    assert [f"{g:.7f}" for g in grad[0, :2]] == ["-0.0596015", "0.1344707"], grad[0]


def test_masked_loss_gradient_is_the_derivative_of_the_loss():
    z = Z.copy()

    def total() -> float:
        return float(logistic_loss(z, Y, MASK)[0].sum())

    _, grad = logistic_loss(z, Y, MASK)
    numeric = numeric_gradient(total, z)
    np.testing.assert_allclose(grad, numeric, rtol=1e-7, atol=1e-10, err_msg="dL/dlogits with a mask")
    assert np.all(grad[MASK == 0] == 0.0), f"masked entries got gradient {grad[MASK == 0]}"


def test_unmasked_loss_is_the_mean_over_every_entry():
    loss, grad = logistic_loss(Z, Y)
    for s in range(2):
        want = sum(_bce(Z[s, j], Y[s, j]) for j in range(3)) / 3
        assert loss[s] == pytest.approx(want, rel=1e-14), f"model {s}"
    np.testing.assert_allclose(grad, (1 / (1 + np.exp(-Z)) - Y) / 3, rtol=1e-13, err_msg="dL/dz, no mask")
    # a mask of ones is no mask at all
    ones_loss, ones_grad = logistic_loss(Z, Y, np.ones_like(Z))
    np.testing.assert_allclose(ones_loss, loss, rtol=1e-15, err_msg="loss, mask of ones")
    np.testing.assert_allclose(ones_grad, grad, rtol=1e-15, err_msg="gradient, mask of ones")


def test_sigmoid_is_exact_far_out_and_never_overflows():
    a = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
    with np.errstate(all="raise"):
        s = sigmoid(a)
    # (1 + tanh(a/2)) / 2 keeps every digit of absolute precision (far left it loses relative ones)
    np.testing.assert_allclose(s[1:-1], 1 / (1 + np.exp(-a[1:-1])), rtol=1e-12, atol=1e-16, err_msg="sigmoid")
    assert (s[0], s[3], s[-1]) == (0.0, 0.5, 1.0), s
    loss, _ = logistic_loss(np.array([[1000.0, -1000.0]]), np.array([[0.0, 1.0]]))
    assert loss[0] == pytest.approx(1000.0, rel=1e-15), f"log(1 + e^1000) - 0 = 1000, got {loss[0]}"


def test_accuracy_counts_only_the_labelled_answers():
    P = init_params("rnn", 3, 1, [0])
    X = np.random.default_rng(0).normal(size=(1, 2, 4, 1))
    logits, _ = readout.forward("rnn", P, X, every_step=True)
    right = (logits > 0) * 1.0  # labels that the model gets right everywhere ...
    y = right.copy()
    mask = np.ones_like(y)
    y[0, 0, 0], mask[0, 0, 0] = 1.0 - y[0, 0, 0], 0.0  # ... but one answer is wrong and masked out
    assert accuracy("rnn", P, (X, y, mask), every_step=True)[0] == 1.0
    full = accuracy("rnn", P, (X, y), every_step=True)[0]
    assert full == pytest.approx(7 / 8), f"unmasked, one of 8 wrong: accuracy {full}"


def test_loss_and_grads_with_a_mask_match_central_differences():
    """The taggers train with a label mask (the future-context task); its gradient must be the
    gradient of the masked loss, for every parameter."""
    seeds = [0, 1]
    P = init_params("lstm", 3, 1, seeds)
    X, y, mask = future_batches(seeds, 0, 3, 4)()
    batch = (X, y, mask)
    _, grads = loss_and_grads("lstm", P, batch, every_step=True)

    def total() -> float:
        return float(loss_and_grads("lstm", P, batch, every_step=True)[0].sum())

    for name, value in P.items():
        np.testing.assert_allclose(
            grads[name], numeric_gradient(total, value), rtol=1e-6, atol=1e-9, err_msg=f"masked: d/d{name}"
        )
    # labels on masked steps do not matter at all
    flipped = np.where(mask == 1, y, 1.0 - y)
    _, grads_flipped = loss_and_grads("lstm", P, (X, flipped, mask), every_step=True)
    for name in P:
        np.testing.assert_array_equal(grads_flipped[name], grads[name], err_msg=f"masked labels moved {name}")


# ---------------------------------------------------------------------------- norm, clipping


def test_grad_norm_and_clipping_by_hand():
    grads = {"a": np.array([[3.0, 0.0], [0.0, 0.0], [1.0, 1.0]]), "b": np.array([[4.0], [0.0], [1.0]])}
    norm = grad_norm(grads)
    np.testing.assert_allclose(norm, [5.0, 0.0, math.sqrt(3.0)], rtol=1e-15, err_msg="norm per model")
    assert float(grad_norm({"a": grads["a"][0], "b": grads["b"][0]}, stacked=False)) == 5.0
    factor = clip_factor(norm, 1.0)
    np.testing.assert_allclose(factor, [0.2, 1.0, 1 / math.sqrt(3.0)], rtol=1e-15, err_msg="clip factors")
    np.testing.assert_array_equal(clip_factor(norm, None), [1.0, 1.0, 1.0], err_msg="no clipping")
    g = {k: v.copy() for k, v in grads.items()}
    before, applied = clip_grads(g, 1.0, active=np.array([True, True, False]))
    np.testing.assert_array_equal(before, norm, err_msg="clip_grads returns the norms before clipping")
    np.testing.assert_allclose(applied, [0.2, 1.0, 0.0], rtol=1e-15, err_msg="a stopped model gets 0")
    np.testing.assert_allclose(g["a"][0], [0.6, 0.0], rtol=1e-15, err_msg="model 0 clipped to norm 1")
    assert np.all(g["a"][2] == 0) and np.all(g["b"][2] == 0), f"stopped model kept {g['a'][2]}, {g['b'][2]}"
    np.testing.assert_allclose(grad_norm(g)[:2], [1.0, 0.0], rtol=1e-15, err_msg="norms after clipping")


# --------------------------------------------------------------------------------------- Adam


def test_adam_first_steps_by_hand():
    """Step 1: the bias-corrected moments are g and g^2, so each entry moves lr * g / (|g| + eps)."""
    p = {"w": np.array([1.0, -2.0, 0.5])}
    opt = Adam(p, lr=0.1)
    g1, g2 = np.array([0.4, -3.0, 1e-3]), np.array([-0.2, 1.0, 2e-3])
    opt.step(p, {"w": g1})
    np.testing.assert_allclose(p["w"], [1.0, -2.0, 0.5] - 0.1 * g1 / (np.abs(g1) + 1e-8), rtol=1e-14)
    m = 0.1 * g1
    v = 0.001 * g1**2
    want = p["w"].copy()
    m, v = 0.9 * m + 0.1 * g2, 0.999 * v + 0.001 * g2**2
    want -= 0.1 * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-8)
    opt.step(p, {"w": g2})
    np.testing.assert_allclose(p["w"], want, rtol=1e-14, err_msg="Adam step 2")
    np.testing.assert_allclose(opt.m["w"], m, rtol=1e-15, err_msg="first moment after step 2")
    np.testing.assert_allclose(opt.v["w"], v, rtol=1e-15, err_msg="second moment after step 2")
    assert opt.t == 2, opt.t


def test_adam_leaves_an_inactive_model_exactly_as_it_was():
    rng = np.random.default_rng(0)
    P = {"W": rng.normal(size=(2, 3, 3)), "b": rng.normal(size=(2, 3))}
    opt = Adam(P, lr=0.05)
    for _ in range(3):  # both active: moments are nonzero
        opt.step(P, {k: rng.normal(size=v.shape) for k, v in P.items()})
    frozen = {k: (P[k][0].copy(), opt.m[k][0].copy(), opt.v[k][0].copy()) for k in P}
    moving = {k: P[k][1].copy() for k in P}
    for step in range(4):  # model 0 stopped; its gradients are zero, as clip_grads makes them
        grads = {k: rng.normal(size=v.shape) for k, v in P.items()}
        for g in grads.values():
            g[0] = 0.0
        opt.step(P, grads, active=np.array([False, True]))
        for k, (p0, m0, v0) in frozen.items():
            for what, now, then in (
                ("parameter", P[k][0], p0),
                ("m", opt.m[k][0], m0),
                ("v", opt.v[k][0], v0),
            ):
                assert np.array_equal(now, then), (
                    f"stopped model 0, {what} of {k} moved at step {step + 1} after the stop: "
                    f"max change {np.abs(now - then).max():.3g}"
                )
    assert all(not np.array_equal(P[k][1], moving[k]) for k in P), "the active model did not train"


# --------------------------------------------------------------------------------------- loop


class SpyAdam(Adam):
    """Adam that keeps a copy of the parameters and moments after every step."""

    made: list[SpyAdam] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.history: list[dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]] = []
        SpyAdam.made.append(self)

    def step(self, params, grads, active=None):
        super().step(params, grads, active)
        self.history.append({k: (params[k].copy(), self.m[k].copy(), self.v[k].copy()) for k in params})


@pytest.fixture
def spy(monkeypatch):
    SpyAdam.made = []
    monkeypatch.setattr(loop, "Adam", SpyAdam)
    return SpyAdam


def test_early_stop_freezes_a_stopped_seeds_parameters_and_adam_state(spy, monkeypatch):
    """Seed 0 reaches stop_at at the first check (update 4); seed 1 never does. From update 5
    on, seed 0's parameters and both Adam moments must stay bit for bit what they were."""
    from lstmgrad.tasks.crash import seed_batches

    seeds, B, every, steps = [0, 1], 8, 4, 12
    monkeypatch.setattr(loop, "accuracy", lambda *a, **k: np.array([1.0, 0.5]))
    P = init_params("lstm", 4, 1, seeds, T=8)
    run = fit("lstm", P, seed_batches(seeds, 0, B, 3), seed_batches(seeds, 1, 16, 3)(), steps, 0.05,
              eval_every=every)  # fmt: skip
    (opt,) = spy.made
    assert len(opt.history) == steps, f"{len(opt.history)} Adam steps for {steps} updates"
    at_stop = opt.history[every - 1]
    for step in range(every, steps):
        for name, (p, m, v) in opt.history[step].items():
            for what, now, then in (("parameter", p, at_stop[name][0]), ("m", m, at_stop[name][1]),
                                    ("v", v, at_stop[name][2])):  # fmt: skip
                assert np.array_equal(now[0], then[0]), (
                    f"seed 0 stopped at update {every}, but its {what} of {name} changed by up to "
                    f"{np.abs(now[0] - then[0]).max():.3g} at update {step + 1}"
                )
    for name in P:
        assert not np.array_equal(opt.history[-1][name][0][1], at_stop[name][0][1]), f"seed 1 froze: {name}"
        np.testing.assert_array_equal(P[name][0], at_stop[name][0][0], err_msg=f"seed 0's final {name}")
    assert run.sequences == [every * B, steps * B], run.sequences
    assert run.to_95 == [every * B, None], run.to_95


def test_fit_records_what_it_saw(spy, monkeypatch):
    """The curve is each update's loss before the step, the largest norm is over every update,
    the 95 % mark and the stop come from the checks every eval_every updates and after the last."""
    from lstmgrad.tasks.crash import seed_batches

    seeds, B, steps = [0, 1], 4, 7
    checks = iter([np.array([0.5, 0.96]), np.array([0.97, 0.98]), np.array([0.5, 0.995])])
    seen: list[int] = []

    def fake_accuracy(*args, **kwargs):
        seen.append(len(spy.made[0].history))
        return next(checks)

    monkeypatch.setattr(loop, "accuracy", fake_accuracy)
    norms: list[np.ndarray] = []
    real_clip = loop.clip_grads

    def recording_clip(grads, clip, active):
        norm, factor = real_clip(grads, clip, active)
        norms.append(norm.copy())
        return norm, factor

    monkeypatch.setattr(loop, "clip_grads", recording_clip)
    P = init_params("rnn", 3, 1, seeds, T=7)
    draw = seed_batches(seeds, 0, B, 2)
    P0 = {k: v.copy() for k, v in P.items()}
    run = fit("rnn", P, draw, seed_batches(seeds, 1, 8, 2)(), steps, 0.01, clip=0.5, eval_every=3)
    assert seen == [3, 6, 7], f"accuracy checked after updates {seen}, expected 3, 6 and the last, 7"
    # seed 1: 95 % at the first check, stops at 99 % at the last; seed 0 reaches 95 % at the second
    assert run.to_95 == [6 * B, 3 * B], run.to_95
    assert run.sequences == [7 * B, 7 * B], run.sequences
    assert len(run.curve) == steps and all(len(c) == 2 for c in run.curve), run.curve
    first, _ = loss_and_grads("rnn", P0, seed_batches(seeds, 0, B, 2)())
    np.testing.assert_allclose(run.curve[0], first, rtol=1e-14, err_msg="curve[0]: the loss before update 1")
    np.testing.assert_allclose(run.max_grad_norm, np.max(norms, axis=0), rtol=0, err_msg="largest norm")


def test_fit_stops_the_block_when_every_seed_has_stopped(spy, monkeypatch):
    from lstmgrad.tasks.crash import seed_batches

    monkeypatch.setattr(loop, "accuracy", lambda *a, **k: np.array([1.0, 1.0]))
    P = init_params("gru", 3, 1, [0, 1], T=7)
    run = fit(
        "gru", P, seed_batches([0, 1], 0, 4, 2), seed_batches([0, 1], 1, 8, 2)(), 100, 0.01, eval_every=5
    )
    assert len(spy.made[0].history) == 5, f"ran {len(spy.made[0].history)} updates after both stopped at 5"
    assert run.sequences == [20, 20] and len(run.curve) == 5, (run.sequences, len(run.curve))


# -------------------------------------------------------------------------------- initialiser


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru", "birnn", "bilstm"])
def test_recurrent_weights_are_uniform_within_one_over_root_H(kind):
    H = 16
    P = init_params(kind, H, 2, seeds=3, b_f=0.5)
    k = 1 / math.sqrt(H)
    for name, value in P.items():
        values = value.ravel()
        if kind.endswith("lstm") and name in ("b", "b_bw"):
            values = np.concatenate([value[:H], value[2 * H :]])  # the forget rows are set to b_f
        assert np.abs(values).max() <= k, f"{kind} {name}: |entry| up to {np.abs(values).max():.4f} > {k}"
        if values.size >= 64:  # spread over the whole interval, not a corner of it
            assert np.abs(values).max() > 0.8 * k, f"{kind} {name}: max |entry| {np.abs(values).max():.4f}"
    if kind.endswith("lstm"):
        assert np.all(P["b"][H : 2 * H] == 0.5), f"{kind} forget bias rows H:2H = {P['b'][H : 2 * H]}"


def test_attention_weights_have_variance_one_over_fan_in():
    P = init_params("attention", 64, 4, seeds=0)
    for name, fan_in in (("W_e", 4), ("W_q", 64), ("W_k", 64), ("W_v", 64)):
        var = float(P[name].var())
        assert abs(var * fan_in - 1) < 0.25, f"{name}: variance {var:.4f}, expected 1/{fan_in}"


def test_chrono_bias_spans_log_1_to_log_T_minus_1_with_b_i_opposite():
    H, T = 200, 50
    P = init_params("lstm", H, 1, seeds=1, b_f="chrono", T=T)
    b_f, b_i = P["b"][H : 2 * H], P["b"][:H]
    assert b_f.min() >= 0 and b_f.max() <= math.log(T - 1), (b_f.min(), b_f.max())
    assert b_f.max() > 0.9 * math.log(T - 1), f"chrono's largest b_f {b_f.max():.3f} of log(T-1)"
    np.testing.assert_array_equal(b_i, -b_f, err_msg="chrono: b_i = -b_f")


def test_seeds_are_reproducible_and_distinct_and_dtype_is_honoured():
    a, b, c = init_params("lstm", 4, 1, 5), init_params("lstm", 4, 1, 5), init_params("lstm", 4, 1, 6)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=f"seed 5 twice: {name}")
    assert not np.array_equal(a["W_h"], c["W_h"]), "seeds 5 and 6 gave the same W_h"
    P32 = init_params("gru", 4, 1, [0, 1], dtype=np.float32)
    assert {str(v.dtype) for v in P32.values()} == {"float32"}, {k: v.dtype for k, v in P32.items()}
