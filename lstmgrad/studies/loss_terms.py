"""The loss on the anchor and its weight gradient, as a sum of one term per step.

Shown in the BPTT chapter (``docs/bptt.md``: the terms' table and bar chart, truncated BPTT) and
the forward-pass chapter (``docs/forward-pass.md``: tanh and its slope at the anchor's z_t).

The head, target and loss are the site's choice (`lstmgrad.tasks.anchor`):

    y_hat = W_y h_T + b_y,    L = (y_hat - y)**2 / 2,    dL/dh_T = (y_hat - y) W_y

W_h, W_x and b are used at every step, so each of their gradients is a sum over the steps t = 1..T:

    dL/dz_t  = dL/dh_T * dh_T/dh_t * tanh'(z_t)
    dL/dW_h  = sum_t dL/dz_t * h_{t-1}      dL/dW_x = sum_t dL/dz_t * x_t      dL/db = sum_t dL/dz_t

``dh_T/dh_t`` is the chain of the BPTT table (`lstmgrad.models.rnn.bptt_steps`); nothing here
runs a second backward pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from lstmgrad.checks import as_float
from lstmgrad.models.rnn import bptt_steps
from lstmgrad.studies.article import dh_T_dh_t
from lstmgrad.tasks.anchor import ANCHOR_HEAD, ANCHOR_SEQUENCE, ANCHOR_TARGET, ANCHOR_WEIGHTS


@dataclass(frozen=True)
class StepTerm:
    """Step t's share of the weight gradient, and the factors it is made of."""

    t: int
    x: float  # x_t
    h_prev: float  # h_{t-1}
    z: float  # z_t
    chain: float  # dh_T/dh_t, 1 for t = T
    slope: float  # tanh'(z_t) = 1 - h_t**2
    dz: float  # dL/dz_t = dL/dh_T * chain * slope
    W_h: float  # dz * h_{t-1}: step t's term of dL/dW_h
    W_x: float  # dz * x_t: step t's term of dL/dW_x
    b: float  # dz: step t's term of dL/db


@dataclass(frozen=True)
class LossTerms:
    """The prediction, the loss and the per-step terms of its weight gradient."""

    y_hat: float
    y: float
    loss: float
    dL_dh_T: float
    steps: list[StepTerm]  # t = 1..T

    @property
    def T(self) -> int:
        return len(self.steps)

    def total(self, weight: str) -> float:
        """dL/dW for ``weight`` in ``"W_h"``, ``"W_x"``, ``"b"``: the sum of its terms."""
        return float(sum(getattr(s, weight) for s in self.steps))


def loss_terms(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = ANCHOR_WEIGHTS["W_h"],
    W_x: float = ANCHOR_WEIGHTS["W_x"],
    b: float = ANCHOR_WEIGHTS["b"],
    h_0: float = ANCHOR_WEIGHTS["h_0"],
    W_y: float = ANCHOR_HEAD["W_y"],
    b_y: float = ANCHOR_HEAD["b_y"],
    y: float = ANCHOR_TARGET,
) -> LossTerms:
    """The squared-error loss on ``y_hat = W_y h_T + b_y``, and each step's term of its weight gradient."""
    W_y, b_y, y = as_float("W_y", W_y), as_float("b_y", b_y), as_float("y", y)
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x, b=b, h_0=h_0)
    chain = dh_T_dh_t(steps)  # entry t: dh_T/dh_t, t = 0..T
    h = [float(h_0)] + [s["h"] for s in steps]  # h_0 .. h_T
    y_hat = W_y * h[-1] + b_y
    dL_dh_T = (y_hat - y) * W_y
    terms = []
    for s in steps:
        t = int(s["t"])
        slope = 1.0 - s["h"] ** 2  # tanh'(z_t), from h_t = tanh(z_t)
        dz = dL_dh_T * chain[t] * slope
        terms.append(
            StepTerm(
                t=t, x=s["x"], h_prev=h[t - 1], z=s["z"], chain=chain[t], slope=slope,
                dz=dz, W_h=dz * h[t - 1], W_x=dz * s["x"], b=dz,
            )
        )  # fmt: skip
    return LossTerms(y_hat=y_hat, y=y, loss=0.5 * (y_hat - y) ** 2, dL_dh_T=dL_dh_T, steps=terms)


def term_ratio(terms: LossTerms, weight: str, near: int, far: int) -> float:
    """``|term at step near| / |term at step far|`` for ``weight``: how many times smaller ``far``'s is."""
    by_t = {s.t: getattr(s, weight) for s in terms.steps}
    if by_t[far] == 0:
        raise ValueError(f"the {weight} term of step {far} is exactly 0; the ratio is undefined")
    return abs(by_t[near]) / abs(by_t[far])


@dataclass(frozen=True)
class Truncation:
    """Truncated BPTT with window k: the weight gradient from the last k steps only."""

    k: int
    W_h: float
    W_x: float
    W_h_error: float  # |truncated - full| / |full|
    W_x_error: float


def truncated(terms: LossTerms, windows: Iterable[int] | None = None) -> list[Truncation]:
    """For each window k (default 1..T): dL/dW_h and dL/dW_x summed over steps T-k+1..T only.

    That is what the gradient becomes when the backward pass stops k steps before the loss
    (in PyTorch, ``h.detach()`` on the state k steps back): the terms of steps 1..T-k are dropped.
    """
    T = terms.T
    ks = list(range(1, T + 1) if windows is None else windows)
    for k in ks:
        if not 1 <= k <= T:
            raise ValueError(f"windows must lie in 1..{T}, got {k}")
    full = {w: terms.total(w) for w in ("W_h", "W_x")}
    rows = []
    for k in ks:
        kept = terms.steps[T - k :]
        part = {w: float(sum(getattr(s, w) for s in kept)) for w in ("W_h", "W_x")}
        rows.append(
            Truncation(
                k=k,
                W_h=part["W_h"],
                W_x=part["W_x"],
                W_h_error=abs(part["W_h"] - full["W_h"]) / abs(full["W_h"]),
                W_x_error=abs(part["W_x"] - full["W_x"]) / abs(full["W_x"]),
            )
        )
    return rows


@dataclass(frozen=True)
class TanhCurve:
    """tanh and its slope on a grid, and the anchor's pre-activations z_t on them."""

    z: np.ndarray  # the grid
    tanh: np.ndarray
    slope: np.ndarray  # tanh'(z) = 1 - tanh(z)**2
    z_t: list[float]  # the anchor's z_1 .. z_T
    h_t: list[float]  # tanh(z_t)
    slope_t: list[float]  # tanh'(z_t)


def tanh_curve(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = ANCHOR_WEIGHTS["W_h"],
    W_x: float = ANCHOR_WEIGHTS["W_x"],
    lo: float = -3.0,
    hi: float = 3.0,
    n: int = 241,
) -> TanhCurve:
    """tanh(z) and tanh'(z) for z from ``lo`` to ``hi``, with the forward pass's z_t, h_t and tanh'(z_t)."""
    grid = np.linspace(as_float("lo", lo), as_float("hi", hi), n)
    th = np.tanh(grid)
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    return TanhCurve(
        z=grid,
        tanh=th,
        slope=1.0 - th**2,
        z_t=[s["z"] for s in steps],
        h_t=[s["h"] for s in steps],
        slope_t=[1.0 - s["h"] ** 2 for s in steps],
    )
