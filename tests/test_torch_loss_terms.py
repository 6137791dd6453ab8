"""The BPTT chapter's weight gradient on the anchor (``docs/bptt.md``) against PyTorch autograd.

The anchor RNN is written out in torch step by step (float64): the total dL/dW_h, dL/dW_x and dL/db
from a shared weight; each step's term from a copy of the weight used at that step alone; and
truncated BPTT as a framework does it, with ``h = h.detach()`` k steps before the loss.

Like tests/test_torch_crosscheck.py: without torch this module is skipped on a reader's machine and
FAILS under CI (``.ci/run`` installs the ``crosscheck`` extra).
"""

from __future__ import annotations

import pytest

# skips this module without torch on a reader's machine, and fails it under CI, as it does there
from test_torch_crosscheck import torch

from lstmgrad.studies.loss_terms import loss_terms, truncated
from lstmgrad.tasks.anchor import ANCHOR_HEAD, ANCHOR_SEQUENCE, ANCHOR_TARGET, ANCHOR_WEIGHTS

BAR = 1e-12


def _scalar(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64, requires_grad=True)


def torch_loss(weights: list[dict[str, torch.Tensor]], detach_before: int | None = None) -> torch.Tensor:
    """L = (W_y h_T + b_y - y)^2 / 2, with ``weights[t-1]`` the (W_h, W_x, b) used at step t.

    ``detach_before=s`` cuts the graph at h_{s-1}, as ``h = h.detach()`` does in a training loop.
    """
    h = torch.tensor(ANCHOR_WEIGHTS["h_0"], dtype=torch.float64)
    for t, (x, w) in enumerate(zip(ANCHOR_SEQUENCE, weights, strict=True), start=1):
        if t == detach_before:
            h = h.detach()
        h = torch.tanh(w["W_h"] * h + w["W_x"] * x + w["b"])
    y_hat = ANCHOR_HEAD["W_y"] * h + ANCHOR_HEAD["b_y"]
    return 0.5 * (y_hat - ANCHOR_TARGET) ** 2


def _shared() -> dict[str, torch.Tensor]:
    return {n: _scalar(ANCHOR_WEIGHTS[n]) for n in ("W_h", "W_x", "b")}


def test_total_weight_gradient_matches_torch():
    w = _shared()
    L = torch_loss([w] * len(ANCHOR_SEQUENCE))
    L.backward()
    r = loss_terms()
    assert r.loss == pytest.approx(L.item(), rel=BAR)
    for name in ("W_h", "W_x", "b"):
        assert r.total(name) == pytest.approx(w[name].grad.item(), rel=BAR), name


def test_each_step_term_matches_torch():
    # one leaf per step: its gradient is that step's term of the shared weight's gradient
    per_step = [_shared() for _ in ANCHOR_SEQUENCE]
    torch_loss(per_step).backward()
    for s, w in zip(loss_terms().steps, per_step, strict=True):
        for name in ("W_h", "W_x", "b"):
            ours, theirs = getattr(s, name), w[name].grad.item()
            if theirs == 0.0:
                assert ours == 0.0, (s.t, name)  # day 1's W_h term: h_0 = 0
            else:
                assert ours == pytest.approx(theirs, rel=BAR), (s.t, name)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_truncated_gradient_matches_torch_detach(k):
    T = len(ANCHOR_SEQUENCE)
    w = _shared()
    torch_loss([w] * T, detach_before=T - k + 1).backward()  # the graph keeps steps T-k+1..T
    row = truncated(loss_terms(), [k])[0]
    for name in ("W_h", "W_x"):
        assert getattr(row, name) == pytest.approx(w[name].grad.item(), rel=BAR), (k, name)
