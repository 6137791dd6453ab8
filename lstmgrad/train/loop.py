"""The training loop every trained number of the site comes from.

A stack of S models (one per seed, leading axis S) trains as one block: each seed has its own
data stream, its own gradient-norm clipping and its own early stop, so seed s gives the same
run whether it trains alone or in a stack. Adam updates; a seed stops (its weights freeze)
once its held-out accuracy reaches ``stop_at``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstmgrad.checks import as_count
from lstmgrad.models import readout
from lstmgrad.train.loss import logistic_loss
from lstmgrad.train.optim import Adam, clip_grads

Params = dict[str, np.ndarray]
#: A batch per model of the stack: inputs (S, B, T, D), labels (S, B) or (S, B, T), and
#: optionally a label mask shaped like the labels.
Batch = tuple[np.ndarray, ...]


@dataclass
class Run:
    """What one stack of seeds produced; every list has one entry per seed."""

    sequences: list[int]  # training sequences seen before the early stop (or the budget)
    to_95: list[int | None]  # sequences seen when held-out accuracy first reached 95 %
    max_grad_norm: list[float]  # largest global gradient norm before clipping
    curve: list[list[float]] = field(default_factory=list)  # training loss per update, [step][seed]


def _progress(total: int, desc: str) -> Any:
    """A tqdm bar on a terminal; nothing inside a page build or a pipe."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, leave=False, disable=not sys.stderr.isatty())


def accuracy(kind: str, P: Params, batch: Batch, every_step: bool = False) -> np.ndarray:
    """Fraction of (labelled) answers that are right, per seed (S,)."""
    X, y, *mask = batch
    logits, _ = readout.forward(kind, P, X, every_step)
    right = (logits > 0) == (y == 1.0)
    axes = tuple(range(1, right.ndim))
    if mask:
        return (right * mask[0]).sum(axis=axes) / mask[0].sum(axis=axes)
    return right.mean(axis=axes)


def loss_and_grads(kind: str, P: Params, batch: Batch, every_step: bool = False) -> tuple[np.ndarray, Params]:
    """The logistic loss of a stack of models on a batch (S,), and its gradients for every parameter."""
    X, y, *mask = batch
    logits, trace = readout.forward(kind, P, X, every_step)
    loss, dlogits = logistic_loss(logits, y, *mask)
    return loss, readout.backward(kind, P, trace, dlogits, every_step)[0]


def fit(
    kind: str,
    P: Params,
    draw: Callable[[], Batch],
    held_out: Batch,
    steps: int,
    lr: float,
    clip: float | None = 1.0,
    every_step: bool = False,
    eval_every: int = 20,
    stop_at: float = 0.99,
    desc: str = "",
) -> Run:
    """Train the stack ``P`` (in place) for up to ``steps`` updates on batches from ``draw()``.

    Per update: forward, logistic loss, backward, each seed's gradients clipped to global norm
    ``clip``, one Adam step. Every ``eval_every`` updates (and after the last) each active
    seed's accuracy on ``held_out`` is checked; the block stops when every seed has stopped.
    """
    steps, eval_every = as_count("steps", steps), as_count("eval_every", eval_every)
    S = next(iter(P.values())).shape[0]
    opt = Adam(P, lr=lr)
    active = np.ones(S, dtype=bool)
    run = Run([0] * S, [None] * S, [0.0] * S)
    with _progress(steps, desc) as bar:
        for step in range(1, steps + 1):
            batch = draw()
            B = batch[0].shape[1]
            loss, grads = loss_and_grads(kind, P, batch, every_step)
            run.curve.append([float(a) for a in loss])
            norm, factor = clip_grads(grads, clip, active)  # stopped seeds get a zero step
            run.max_grad_norm = [max(a, float(b)) for a, b in zip(run.max_grad_norm, norm, strict=True)]
            opt.step(P, grads, active=factor > 0)
            bar.update(1)
            if step % eval_every == 0 or step == steps:
                acc = accuracy(kind, P, held_out, every_step)
                for s in np.flatnonzero(active):
                    run.sequences[s] = step * B
                    if run.to_95[s] is None and acc[s] >= 0.95:
                        run.to_95[s] = step * B
                    if acc[s] >= stop_at:
                        active[s] = False
                if not active.any():
                    break
    return run
