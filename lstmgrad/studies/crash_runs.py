"""One cell of a crash-task experiment: train a stack of seeds, then measure what the pages show.

Shown on the Experiments page (`docs/experiments.md`) and, for the recurrent rows of the
crash comparison, on the Beyond page (`docs/beyond.md`). The model code is
`lstmgrad.models`; the loop is `lstmgrad.train.loop.fit`; the data is `lstmgrad.tasks.crash`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmgrad.checks import as_count
from lstmgrad.models import readout
from lstmgrad.tasks.crash import PREFIX, seed_batches
from lstmgrad.train.loop import accuracy, fit
from lstmgrad.train.loss import sigmoid
from lstmgrad.train.params import init_params

Params = dict[str, np.ndarray]


def input_gradients(
    kind: str, P: Params, L: int, seeds: list[int], scale: str = "std", n: int = 64
) -> dict[str, np.ndarray]:
    """Per seed (S,): mean |dloss/dx_{T-L}| and mean |dlogit/dx_{T-L}| over ``n`` held-out sequences."""
    X, y = seed_batches(seeds, 3, n, L, scale)()
    logits, trace = readout.forward(kind, P, X)
    # one backward pass with dlogit = 1 per sequence gives dlogit/dx; the loss's gradient is
    # that times dloss/dlogit = sigmoid(logit) - y, sequence by sequence
    _, dx = readout.backward(kind, P, trace, np.ones_like(logits))
    dlogit = dx[:, :, PREFIX - 1, 0]  # x_{T-L} sits at index T-1-L = PREFIX-1
    dloss = (sigmoid(logits) - y) * dlogit
    return {"loss": np.abs(dloss).mean(axis=1), "logit": np.abs(dlogit).mean(axis=1)}


def _floats(a: Any) -> list[float]:
    return [float(x) for x in a]


def crash_cell(
    kind: str,
    L: int,
    seeds: list[int],
    H: int = 16,
    B: int = 32,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    budget: int = 8192,
    scale: str = "std",
    b_f: float | str = 1.0,
    init: str = "uniform",
    sigma_max: float | None = None,
    stop_at: float = 0.99,
    curve: bool = False,
    n_test: int = 4096,
    b_z: float | None = None,
    perturb: float = 0.0,
    dtype: str = "float64",
) -> dict[str, list[Any]]:
    """Train ``kind`` (rnn, lstm, gru or attention, width H) at lag L for every seed, at most
    ``budget`` sequences in batches of B, Adam at ``lr``, clipping at ``clip``.

    Returns lists with one entry per seed (JSON-able, for ``lstmgrad/results/``): test accuracy
    on ``n_test`` fresh sequences (`fresh_test_set`), sequences used, sequences to 95 %, the
    largest gradient norm, the mean training loss of the last 16 updates, the gradient reaching
    the crash input before and after training, and what `_state` logs every 20 updates
    (``[check][seed]``). Attention adds its weight on the crash step (`attention_on_crash`).
    ``curve=True`` adds the training loss of every update, ``[step][seed]``. ``b_z`` sets the
    GRU's update-gate bias; ``perturb`` > 0 multiplies every initial weight by
    ``1 + perturb * N(0, 1)`` (a rerun from a start that differs in its last digits).
    ``dtype`` ("float64" or "float32") is the arithmetic the model trains and is measured in.
    """
    if dtype not in ("float64", "float32"):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    seeds = list(seeds)
    as_count("budget", budget, lo=as_count("B", B), why="the budget is in sequences: at least one batch of B")
    T = L + PREFIX
    P0 = init_params(
        kind, H, 1, seeds, b_f=b_f, init=init, sigma_max=sigma_max, T=T, dtype=np.dtype(dtype), b_z=b_z
    )
    if perturb:
        P0 = _perturbed(P0, seeds, perturb)
    P = {k: v.copy() for k, v in P0.items()}
    held_out = seed_batches(seeds, 1, 128, L, scale)()
    probe = seed_batches(seeds, 4, 32, L, scale)()  # its own stream: logging changes no training draw
    log: list[dict[str, list[float]]] = []
    draw = _logged(kind, P, seed_batches(seeds, 0, B, L, scale), probe, log)
    run = fit(kind, P, draw, held_out, budget // B, lr, clip, stop_at=stop_at, desc=f"{kind} L={L}")
    log.append(_state(kind, P, probe))  # after the last update
    tests = fresh_test_set(seeds, L, scale, n_test)
    out: dict[str, list[Any]] = {
        "accuracy": _floats(np.mean([accuracy(kind, P, t) for t in tests], axis=0)),
        "sequences": run.sequences,
        "to_95": run.to_95,
        "max_grad_norm": run.max_grad_norm,
        "final_loss": _floats(np.asarray(run.curve[-16:]).mean(axis=0)),
    }
    before, after = input_gradients(kind, P0, L, seeds, scale), input_gradients(kind, P, L, seeds, scale)
    out.update(
        grad_loss_init=_floats(before["loss"]),
        grad_loss_trained=_floats(after["loss"]),
        grad_logit_init=_floats(before["logit"]),
        grad_logit_trained=_floats(after["logit"]),
    )
    out.update({f"log_{k}": [entry[k] for entry in log] for k in log[0]})
    if kind == "attention":
        out.update(attention_on_crash(P0, L, seeds, scale, "init"))
        out.update(attention_on_crash(P, L, seeds, scale, "trained"))
    if curve:
        out["curve"] = run.curve
    return out


#: Test sequences per forward pass: the test set is drawn and scored in chunks of this size.
TEST_CHUNK = 128
#: Updates between two `_state` logs: the loop's held-out checks (`lstmgrad.train.loop.fit`).
LOG_EVERY = 20


def fresh_test_set(seeds: list[int], L: int, scale: str = "std", n_test: int = 4096) -> list[Any]:
    """Each seed's ``n_test`` test sequences (stream 2), as ``n_test / TEST_CHUNK`` batches of
    (S, TEST_CHUNK, T, 1) inputs and (S, TEST_CHUNK) labels, so a long lag fits in memory."""
    if n_test <= 0 or n_test % TEST_CHUNK:
        raise ValueError(f"n_test must be a positive multiple of {TEST_CHUNK}, got {n_test}")
    draw = seed_batches(seeds, 2, TEST_CHUNK, L, scale)
    return [draw() for _ in range(n_test // TEST_CHUNK)]


def _state(kind: str, P: Params, probe: Any) -> dict[str, list[float]]:
    """Per seed: the norm ||W_x|| (Frobenius, all gates; attention: W_e) and, for the LSTM (f_t) and
    the GRU (z_t), the gate's mean over the probe's sequences, steps and units, and its largest
    mean over the steps and sequences for one unit (the unit that keeps the most)."""
    W = P["W_e" if kind == "attention" else "W_x"]
    state = {"w_x_norm": _floats(np.linalg.norm(W.reshape(W.shape[0], -1), axis=1))}
    gate = {"lstm": "f", "gru": "z"}.get(kind)
    if gate is not None:
        g = readout.forward(kind, P, probe[0])[1].gate(gate)  # (S, B, T, H)
        state["gate_mean"] = _floats(g.mean(axis=(1, 2, 3)))
        state["gate_max_unit"] = _floats(g.mean(axis=(1, 2)).max(axis=1))
    return state


def _logged(kind: str, P: Params, draw: Any, probe: Any, log: list[dict[str, list[float]]]) -> Any:
    """``draw`` that first logs `_state` of ``P`` (trained in place) before update 1, 21, 41, ...:
    the state at the start and after every LOG_EVERY updates."""
    calls = [0]

    def logged_draw() -> Any:
        if calls[0] % LOG_EVERY == 0:
            log.append(_state(kind, P, probe))
        calls[0] += 1
        return draw()

    return logged_draw


def _perturbed(P: Params, seeds: list[int], size: float) -> Params:
    """Each seed's parameters times ``1 + size * N(0, 1)``, entry by entry, from its own stream."""
    out = {k: v.copy() for k, v in P.items()}
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng([seed, 104729])
        for k in sorted(out):
            out[k][i] = out[k][i] * (1.0 + size * rng.standard_normal(out[k].shape[1:]))
    return out


def attention_on_crash(
    P: Params, L: int, seeds: list[int], scale: str, when: str, n: int = 64
) -> dict[str, list[float]]:
    """Per seed: the attention weight the last step puts on step T - L (where a crash would be),
    averaged over ``n`` probe sequences (stream 3) with a crash (``attn_crash_<when>``) and without
    (``attn_none_<when>``); a weight spread evenly would be 1 / T."""
    X, y = seed_batches(seeds, 3, n, L, scale)()
    A = readout.forward("attention", P, X)[1]["A"][..., 0, PREFIX - 1]  # (S, n): the last query's row
    crash = y == 1.0
    return {
        f"attn_crash_{when}": _floats((A * crash).sum(axis=1) / crash.sum(axis=1)),
        f"attn_none_{when}": _floats((A * ~crash).sum(axis=1) / (~crash).sum(axis=1)),
    }
