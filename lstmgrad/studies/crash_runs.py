"""One cell of a crash-task experiment: train a stack of seeds, then measure what the pages show.

Shown on the Experiments page (`docs/experiments.md`) and, for the recurrent rows of the
crash comparison, on the Beyond page (`docs/beyond.md`). The model code is
`lstmgrad.models`; the loop is `lstmgrad.train.loop.fit`; the data is `lstmgrad.tasks.crash`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

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
    dtype: str = "float64",
) -> dict[str, list[Any]]:
    """Train ``kind`` (rnn, lstm, gru or attention, width H) at lag L for every seed, at most
    ``budget`` sequences in batches of B, Adam at ``lr``, clipping at ``clip``.

    Returns lists with one entry per seed (JSON-able, for ``lstmgrad/results/``): test accuracy
    on 512 fresh sequences, sequences used, sequences to 95 %, the largest gradient norm, the
    mean training loss of the last 16 updates, and the gradient reaching the crash input before
    and after training. ``curve=True`` adds the training loss of every update, ``[step][seed]``.
    ``dtype`` ("float64" or "float32") is the arithmetic the model trains and is measured in.
    """
    if dtype not in ("float64", "float32"):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    seeds = list(seeds)
    T = L + PREFIX
    P0 = init_params(kind, H, 1, seeds, b_f=b_f, init=init, sigma_max=sigma_max, T=T, dtype=np.dtype(dtype))
    P = {k: v.copy() for k, v in P0.items()}
    held_out = seed_batches(seeds, 1, 128, L, scale)()
    draw = seed_batches(seeds, 0, B, L, scale)
    run = fit(kind, P, draw, held_out, budget // B, lr, clip, stop_at=stop_at, desc=f"{kind} L={L}")
    test = seed_batches(seeds, 2, 512, L, scale)()
    out: dict[str, list[Any]] = {
        "accuracy": _floats(accuracy(kind, P, test)),
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
    if curve:
        out["curve"] = run.curve
    return out
