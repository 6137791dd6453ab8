"""lstmgrad.probe against lstmgrad: with the anchor's weights loaded into nn.RNN and nn.LSTM, the
probe's per-step gradients reproduce the BPTT table and the LSTM cell-path table to 1e-12 in
float64; its unroll agrees with torch's own modules (batch-first or not, stacked, bidirectional,
GRU); a model it cannot probe gets a one-line error naming what is missing.

torch is the ``[torch]`` extra: without it this module skips locally and FAILS under CI=true.
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
            "torch is missing under CI: pip install -c constraints.txt -e '.[crosscheck]'", pytrace=False
        )
    pytest.skip("torch not installed: pip install -c constraints.txt -e '.[torch]'", allow_module_level=True)

from torch import nn

from lstmgrad.models.rnn import bptt_steps
from lstmgrad.probe import ProbeError, probe, probe_plot, probe_table
from lstmgrad.studies.article import lstm_path_rows
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

BAR = 1e-12  # issue 23: "to 1e-12 in float64"


def anchor_x() -> torch.Tensor:
    return torch.tensor(ANCHOR_SEQUENCE, dtype=torch.float64).reshape(1, -1, 1)


def anchor_rnn(W_h: float = 0.5, W_x: float = 0.01) -> nn.RNN:
    rnn = nn.RNN(1, 1, batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.fill_(W_x)
        rnn.weight_hh_l0.fill_(W_h)
        rnn.bias_ih_l0.zero_()
        rnn.bias_hh_l0.zero_()
    return rnn


def anchor_lstm(w_x: float = 0.01, w_h: float = 0.5, b_f: float = 2.0) -> nn.LSTM:
    lstm = nn.LSTM(1, 1, batch_first=True).double()
    with torch.no_grad():
        lstm.weight_ih_l0.fill_(w_x)
        lstm.weight_hh_l0.fill_(w_h)
        lstm.bias_ih_l0.copy_(torch.tensor([0.0, b_f, 0.0, 0.0]))  # gate order i, f, g, o
        lstm.bias_hh_l0.zero_()
    return lstm


def last_h(output) -> torch.Tensor:
    return output[0][:, -1].sum()


def relative(ours: np.ndarray, theirs: np.ndarray) -> float:
    return float(np.max(np.abs(np.asarray(ours) - theirs) / np.abs(theirs)))


def test_probe_reproduces_the_bptt_table():
    p = probe(anchor_rnn(), anchor_x(), last_h)
    steps = bptt_steps(np.array(ANCHOR_SEQUENCE), W_h=0.5, W_x=0.01)
    # the table's row t is dh_5/dh_{t-1}; the probe's entry k is ||dL/dh_k|| with L = h_5
    cumulative = np.array([s["cumulative"] for s in steps])
    assert relative(p.states["rnn.l0"].h[:-1], cumulative) < BAR
    assert p.states["rnn.l0"].h[-1] == 1.0
    local = np.array([s["local"] for s in steps])
    assert relative(p.states["rnn.l0"].h[:-1] / p.states["rnn.l0"].h[1:], local) < BAR


def test_probe_reproduces_the_lstm_cell_path_table():
    p = probe(anchor_lstm(), anchor_x(), last_h)
    rows = lstm_path_rows(ANCHOR_SEQUENCE, lstm_w_x=0.01, lstm_w_h=0.5, b_f=2.0)
    path = np.array([r["cell_path"] for r in rows])  # row t: prod f_t..f_5 = dC_5/dC_{t-1}
    assert relative(p.states["lstm.l0"].cell_path[:-1], path) < BAR
    assert p.states["lstm.l0"].cell_path[-1] == 1.0


def test_w_hh_shares_add_up_to_one_and_to_the_gradient():
    rnn = anchor_rnn()
    p = probe(rnn, anchor_x(), last_h)
    s = p.states["rnn.l0"]
    assert abs(np.nansum(s.w_hh) - 1.0) < BAR
    out = rnn(anchor_x())
    (g,) = torch.autograd.grad(last_h(out), [rnn.weight_hh_l0])
    # one hidden unit: the terms are scalars, so their norms add up to |dL/dW_hh| when all have one sign
    assert abs(np.nansum(s.w_hh_norm) - abs(float(g))) < 1e-14
    assert rnn.weight_hh_l0.grad is None, "the probe must not write .grad"


class Head(nn.Module):
    """A recurrent module and a linear readout on the last step, as a reader's model looks."""

    def __init__(self, rnn: nn.RNNBase) -> None:
        super().__init__()
        self.rnn = rnn
        width = rnn.hidden_size * (2 if rnn.bidirectional else 1)
        self.out = nn.Linear(width, 1).double()

    def forward(self, x):
        h, _ = self.rnn(x)
        last = h[:, -1] if self.rnn.batch_first else h[-1]
        return self.out(last).squeeze(-1)


def _reference_x_grad(model, x, loss_fn):
    x = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(loss_fn(model(x)), [x])
    return g


@pytest.mark.parametrize("kind", [nn.RNN, nn.LSTM, nn.GRU])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize(("layers", "bidirectional"), [(1, False), (2, False), (2, True)])
def test_unroll_agrees_with_torch(kind, batch_first, layers, bidirectional):
    torch.manual_seed(0)
    rnn = kind(3, 4, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first).double()
    model = Head(rnn)
    B, T = 2, 6
    x = torch.randn((B, T, 3) if batch_first else (T, B, 3), dtype=torch.float64)
    y = torch.randn(B, dtype=torch.float64)

    def loss_fn(out):
        return ((out - y) ** 2).mean()

    p = probe(model, x, loss_fn)
    g = _reference_x_grad(model, x, loss_fn)
    ref = torch.linalg.vector_norm(g, dim=(0, 2) if batch_first else (1, 2)).numpy()
    assert relative(p.x, ref) < 1e-12
    dirs = 2 if bidirectional else 1
    assert len(p.states) == layers * dirs
    for s in p.states.values():
        assert (s.cell_path is not None) == (kind is nn.LSTM)
        if np.nansum(s.w_hh_norm) > 0:  # the top reverse direction reads only h_0 = 0 at t = T: G = 0
            assert abs(np.nansum(s.w_hh) - 1.0) < 1e-9
    # the last state of each direction reaches the loss: through the readout (forward) or as h at t=T
    assert all(np.isfinite(s.h).all() for s in p.states.values())


def test_reverse_direction_is_the_forward_one_on_flipped_input():
    torch.manual_seed(1)
    bi = nn.LSTM(2, 3, bidirectional=True, batch_first=True).double()
    uni = nn.LSTM(2, 3, batch_first=True).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(uni, f"{name}_l0").copy_(getattr(bi, f"{name}_l0_reverse"))
    x = torch.randn(2, 7, 2, dtype=torch.float64)
    p_bi = probe(bi, x, lambda out: out[0][:, 0, 3:].sum())  # the reverse half at t = 1: its last step
    p_uni = probe(uni, x.flip(1), lambda out: out[0][:, -1].sum())
    rev, fwd = p_bi.states["lstm.l0.reverse"], p_uni.states["lstm.l0"]
    assert relative(rev.h, fwd.h) < 1e-12
    assert relative(rev.cell_path, fwd.cell_path) < 1e-12


def test_table_and_plot():
    p = probe(anchor_lstm(), anchor_x(), last_h)
    table = probe_table(p, lags=[0, 4, 5])
    lines = table.splitlines()
    assert lines[0].startswith("| steps back k | t | ‖∂L/∂xₜ‖ | ‖∂L/∂hₜ‖ | cell path")
    assert [line.split("|")[1].strip() for line in lines[2:]] == ["0", "4", "5"]
    svg = probe_plot(p)
    assert svg.startswith("<svg") and "lstm.l0" in svg


class Returns(nn.Module):
    """A hand-written RNN that returns its states: the probe reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.W_h = nn.Parameter(torch.tensor([[0.5]], dtype=torch.float64))
        self.W_x = nn.Parameter(torch.tensor([[0.01]], dtype=torch.float64))

    def forward(self, x):
        h = torch.zeros(x.shape[0], 1, dtype=x.dtype, requires_grad=True)
        states = [h]
        for t in range(x.shape[1]):
            h = torch.tanh(h @ self.W_h.T + x[:, t] @ self.W_x.T)
            states.append(h)
        return h, states


def test_a_module_that_returns_its_states():
    p = probe(Returns(), anchor_x(), lambda out: out[0].sum())
    ref = probe(anchor_rnn(), anchor_x(), last_h)
    assert relative(p.states["states"].h, ref.states["rnn.l0"].h) < 1e-12


class NoStates(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(1, 1)

    def forward(self, x):
        return self.lin(x).sum()


@pytest.mark.parametrize(
    ("model", "x", "loss_fn", "says"),
    [
        (NoStates(), torch.randn(2, 3, 1), lambda out: out, "holds no nn.RNN, nn.LSTM or nn.GRU"),
        (nn.RNN(1, 2, batch_first=True), torch.randn(2, 3), lambda out: out[0].sum(), "3-D"),
        (nn.RNN(1, 2, batch_first=True), torch.randn(2, 3, 1), lambda out: out[0], "scalar"),
        (
            nn.LSTM(1, 2, proj_size=1, batch_first=True),
            torch.randn(2, 3, 1),
            lambda o: o[0].sum(),
            "proj_size",
        ),
        (
            nn.LSTM(1, 2, num_layers=2, dropout=0.5),
            torch.randn(2, 3, 1),
            lambda o: o[0].sum(),
            "model.eval()",
        ),
        (lambda x: x, torch.randn(2, 3, 1), lambda o: o.sum(), "torch.nn.Module"),
    ],
    ids=["no-states", "2-D", "not-scalar", "proj_size", "dropout", "not-a-module"],
)
def test_a_model_it_cannot_probe_gets_one_line_naming_why(model, x, loss_fn, says):
    with pytest.raises(ProbeError) as err:
        probe(model, x, loss_fn)
    message = str(err.value)
    assert says in message and "\n" not in message, message
