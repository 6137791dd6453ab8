"""lstmgrad against PyTorch autograd: nn.RNN, nn.LSTM and nn.GRU in float64, outputs and every
gradient to a relative error of 1e-10 (issue 4), plus the masked loss, Adam and gradient clipping.

torch is not in the reader's install (it is the ``crosscheck`` extra, which ``.ci/run``
installs). Without torch this module is skipped on a reader's machine and FAILS under CI,
so the cross-check cannot silently stop running there.

Run ``python tests/test_torch_crosscheck.py`` to print the worst relative error per model.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

try:
    import torch
except ImportError:  # pragma: no cover - depends on the install
    if os.environ.get("CI"):
        pytest.fail(
            "torch is missing under CI: install the crosscheck extra "
            "(pip install -c constraints.txt -e '.[crosscheck]')",
            pytrace=False,
        )
    pytest.skip(
        "torch not installed: pip install -c constraints.txt -e '.[crosscheck]'", allow_module_level=True
    )

from lstmgrad.models import gru, lstm, rnn
from lstmgrad.train.loss import logistic_loss
from lstmgrad.train.optim import Adam, clip_grads

BAR = 1e-10  # issue 4: "to a relative error of 1e-10"


def relative_error(ours: np.ndarray, theirs: np.ndarray) -> float:
    """``||ours - theirs|| / ||theirs||``, Euclidean norms over the whole array."""
    return float(np.linalg.norm(np.asarray(ours) - theirs) / np.linalg.norm(theirs))


TORCH_LAYERS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
MODULES = {"rnn": rnn, "lstm": lstm, "gru": gru}


def torch_vs_lstmgrad(
    kind: str, seed: int, B: int, T: int, D: int, H: int, last_only: bool
) -> dict[str, float]:
    """Relative errors of lstmgrad against torch for the output h and every gradient."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    layer = TORCH_LAYERS[kind](D, H, batch_first=True).double()
    x = torch.tensor(rng.normal(size=(B, T, D)), requires_grad=True)
    h_0 = torch.tensor(rng.normal(0, 0.5, (1, B, H)), requires_grad=True)
    R = rng.normal(size=(B, H) if last_only else (B, T, H))
    if kind == "lstm":
        C_0 = torch.tensor(rng.normal(0, 0.5, (1, B, H)), requires_grad=True)
        out, (_, C_T) = layer(x, (h_0, C_0))
    else:
        out, _ = layer(x, h_0)
    target = out[:, -1] if last_only else out
    L = (target * torch.tensor(R)).sum()
    if kind == "lstm":
        R_C = rng.normal(size=(B, H))
        L = L + (C_T[0] * torch.tensor(R_C)).sum()
    L.backward()

    p = {name: v.detach().numpy() for name, v in layer.named_parameters()}
    g = {name: v.grad.numpy() for name, v in layer.named_parameters()}
    ours_in = {
        "x": x.detach().numpy(),
        "W_x": p["weight_ih_l0"],
        "W_h": p["weight_hh_l0"],
        "h_0": h_0.detach()[0].numpy(),
    }
    if kind == "gru":
        ours_in |= {"b_x": p["bias_ih_l0"], "b_h": p["bias_hh_l0"]}
    else:
        ours_in["b"] = p["bias_ih_l0"] + p["bias_hh_l0"]  # torch's two biases only ever appear summed
    if kind == "lstm":
        ours_in["C_0"] = C_0.detach()[0].numpy()
    trace = MODULES[kind].forward(**ours_in)
    if kind == "lstm":
        grads = lstm.backward(trace, R, R_C)
    else:
        grads = MODULES[kind].backward(trace, R)

    errors = {
        "h": relative_error(trace.h, out.detach().numpy()),
        "W_x": relative_error(grads["W_x"], g["weight_ih_l0"]),
        "W_h": relative_error(grads["W_h"], g["weight_hh_l0"]),
        "x": relative_error(grads["x"], x.grad.numpy()),
        "h_0": relative_error(grads["h_0"], h_0.grad.numpy()[0]),
    }
    if kind == "gru":
        errors["b_x"] = relative_error(grads["b_x"], g["bias_ih_l0"])
        errors["b_h"] = relative_error(grads["b_h"], g["bias_hh_l0"])
    else:
        # dL/db equals both torch bias gradients
        errors["b"] = max(
            relative_error(grads["b"], g["bias_ih_l0"]), relative_error(grads["b"], g["bias_hh_l0"])
        )
    if kind == "lstm":
        errors["C_T"] = relative_error(trace.C_tm[-1], C_T.detach().numpy()[0])
        errors["C_0"] = relative_error(grads["C_0"], C_0.grad.numpy()[0])
    return errors


CASES = [
    # seed, B, T, D, H, loss on the last step only
    (0, 3, 7, 2, 4, False),
    (1, 1, 1, 1, 1, False),
    (2, 4, 12, 3, 5, True),
    (3, 2, 30, 1, 8, False),
]


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: "B{1}-T{2}-D{3}-H{4}".format(*c) + ("-last" if c[5] else "")
)
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_outputs_and_gradients_match_torch(kind, case):
    errors = torch_vs_lstmgrad(kind, *case)
    worst = max(errors, key=errors.__getitem__)
    assert errors[worst] < BAR, f"{kind}: {worst} relative error {errors[worst]:.2e} (all: {errors})"


def test_lstm_gate_layout_is_torchs():
    # torch's chunk order i, f, g, o: the forget bias set through lstmgrad lands on torch's f rows
    H = 3
    layer = torch.nn.LSTM(1, H, batch_first=True).double()
    with torch.no_grad():
        for v in layer.parameters():
            v.zero_()
        layer.bias_ih_l0.copy_(torch.tensor(lstm.set_forget_bias(np.zeros(4 * H), 50.0)))
        layer.bias_ih_l0[2 * H : 3 * H] = 50.0  # g_t = 1
        layer.bias_ih_l0[:H] = 50.0  # i_t = 1
    x = torch.zeros(1, 4, 1)
    _, (_, C_T) = layer(x.double())
    # f = i = g = 1: the cell counts steps, C_T = T, only if f sits in rows H:2H
    assert C_T.detach().numpy()[0, 0] == pytest.approx(np.full(H, 4.0))


def test_adam_matches_torch():
    rng = np.random.default_rng(0)
    ours = {"w": rng.normal(size=(3, 2)), "c": np.array(0.3)}
    theirs = [
        torch.tensor(ours["w"].copy(), requires_grad=True),
        torch.tensor(0.3, dtype=torch.float64, requires_grad=True),
    ]
    opt, topt = Adam(ours, lr=0.05), torch.optim.Adam(theirs, lr=0.05)
    for _ in range(10):
        g = {"w": rng.normal(size=(3, 2)), "c": np.array(rng.normal())}
        theirs[0].grad, theirs[1].grad = torch.tensor(g["w"]), torch.tensor(g["c"])
        opt.step(ours, g)
        topt.step()
    assert relative_error(ours["w"], theirs[0].detach().numpy()) < BAR
    assert abs(float(ours["c"]) - theirs[1].item()) < BAR


def test_masked_logistic_loss_matches_torch():
    """Our masked loss and its gradient against torch's binary_cross_entropy_with_logits, masked
    by weight and averaged over the kept entries of each model of the stack, by autograd."""
    rng = np.random.default_rng(2)
    z = rng.normal(size=(3, 4, 5)) * 3
    y = (rng.random(z.shape) < 0.5) * 1.0
    mask = (rng.random(z.shape) < 0.6) * 1.0
    mask[:, 0, 0] = 1.0  # every model keeps at least one entry
    loss, grad = logistic_loss(z, y, mask)
    tz = torch.tensor(z, requires_grad=True)
    per = torch.nn.functional.binary_cross_entropy_with_logits(
        tz, torch.tensor(y), weight=torch.tensor(mask), reduction="none"
    )
    theirs = per.sum(dim=(1, 2)) / torch.tensor(mask).sum(dim=(1, 2))
    theirs.sum().backward()
    assert relative_error(loss, theirs.detach().numpy()) < BAR, (loss, theirs)
    assert relative_error(grad, tz.grad.numpy()) < BAR, "dL/dlogits against torch autograd"
    assert np.all(grad[mask == 0] == 0), "a masked entry got a gradient"


@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(max_norm):
    rng = np.random.default_rng(1)
    grads = {"a": rng.normal(size=(4, 3)), "b": rng.normal(size=5)}
    tensors = [torch.zeros(4, 3, dtype=torch.float64), torch.zeros(5, dtype=torch.float64)]
    for t, g in zip(tensors, grads.values(), strict=True):
        t.grad = torch.tensor(g.copy())
    torch_norm = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    stacked = {k: g[None] for k, g in grads.items()}  # a stack of one model
    norm, _ = clip_grads(stacked, max_norm)
    grads = {k: g[0] for k, g in stacked.items()}
    assert norm[0] == pytest.approx(float(torch_norm), rel=BAR)
    # torch scales by max_norm / (norm + 1e-6), lstmgrad by max_norm / norm: the same up to 1e-6 / norm
    for t, g in zip(tensors, grads.values(), strict=True):
        assert relative_error(g, t.grad.numpy()) < (1e-6 / norm[0] * 1.01 if max_norm < norm[0] else BAR)


if __name__ == "__main__":
    for kind in ("rnn", "lstm", "gru"):
        worst = max(
            (
                (err, f"{name} at {case}")
                for case in CASES
                for name, err in torch_vs_lstmgrad(kind, *case).items()
            )
        )
        print(f"{kind}: worst relative error vs torch {worst[0]:.2e} ({worst[1]})")
