"""One cell of the probe chapter's trained runs: a small ``nn.LSTM`` or ``nn.RNN`` trained with
PyTorch on the crash task for a few seconds, probed before and after training.

Shown in "Measure it in your own model" (``docs/probe.md``) through `lstmgrad.probe.study`, which
declares the cells; ``python -m lstmgrad.probe.study`` trains them (it needs torch) and commits
``lstmgrad/results/probe.json``. The data is `lstmgrad.tasks.crash`; the measurement is
`lstmgrad.probe.core.probe`. torch is imported inside the cell, so declaring and loading the
results needs no torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmgrad.tasks.crash import crash_batch


def _batch(seed: int, stream: int, B: int, L: int) -> tuple[Any, Any]:
    """Crash-task inputs (B, T, 1) and labels (B,) as float32 tensors, one generator per seed and stream
    (0 training, 2 test, 3 probe), standardised as on the Experiments page."""
    import torch

    x, y = crash_batch(np.random.default_rng([seed, stream, L]), B, L, "std")
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def _model(model: str, H: int, b_f: float | None) -> Any:
    import torch
    from torch import nn

    class Classifier(nn.Module):
        """The recurrent layer and a linear readout of its last state: one logit per sequence."""

        def __init__(self) -> None:
            super().__init__()
            rnn: Any = (nn.LSTM if model == "lstm" else nn.RNN)(1, H, batch_first=True)
            if model == "lstm" and b_f is not None:
                with torch.no_grad():  # torch's gate order i, f, g, o: rows H..2H are the forget gate's
                    rnn.bias_ih_l0[H : 2 * H] = b_f
                    rnn.bias_hh_l0[H : 2 * H] = 0.0
            self.rnn = rnn
            self.out = nn.Linear(H, 1)

        def forward(self, x: Any) -> Any:
            h, _ = self.rnn(x)
            return self.out(h[:, -1]).squeeze(-1)

    return Classifier()


def _measure(net: Any, x: Any, y: Any, L: int) -> dict[str, Any]:
    """The probe on one batch: at the crash input, k = L steps back from the last step."""
    import torch

    from lstmgrad.probe.core import probe

    p = probe(net, x, lambda logit: torch.nn.functional.binary_cross_entropy_with_logits(logit, y))
    s = p.states["rnn.l0"]
    T = p.T
    crash = T - L  # the crash input's time step t (1-based); h_t there is the state that has just read it
    out = {
        "x_crash": float(p.x[crash - 1]),
        "h_crash": float(s.h[crash]),
        "h_last": float(s.h[T]),
        "h_curve": [float(f"{v:.6g}") for v in s.h],  # every step, k = 0..T: for the plot (6 digits)
        # the share of dL/dW_hh that comes from the steps up to and including the crash
        "w_hh_early": float(np.nansum(s.w_hh[1 : crash + 1])) if s.w_hh is not None else float("nan"),
    }
    if s.cell_path is not None:
        out["cell_path_crash"] = float(s.cell_path[crash])
    return out


def probe_cell(
    model: str,
    L: int,
    seeds: list[int],
    H: int = 16,
    B: int = 32,
    lr: float = 1e-2,
    clip: float = 1.0,
    budget: int = 4096,
    b_f: float | None = 1.0,
    n_probe: int = 64,
) -> dict[str, list[Any]]:
    """Train ``model`` (lstm or rnn, width H, float32) at lag L for each seed: ``budget`` sequences in
    batches of B, Adam at ``lr``, gradient norm clipped at ``clip``, the LSTM's forget-gate bias set
    to ``b_f`` (None: PyTorch's default). Probe ``n_probe`` held-out sequences before and after.

    Returns one entry per seed: test accuracy on 512 fresh sequences, and the probe's readings
    (`_measure`) before and after training, each prefixed ``before_`` or ``after_``.
    """
    import torch

    torch.set_num_threads(1)  # one cell per core (joblib), and the same reduction order on every run
    out: dict[str, list[Any]] = {"accuracy": [], "torch": []}
    for seed in seeds:
        torch.manual_seed(seed)
        net = _model(model, H, b_f)
        x_probe, y_probe = _batch(seed, 3, n_probe, L)
        before = _measure(net, x_probe, y_probe, L)
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        for step in range(budget // B):
            x, y = _batch(seed * 100_000 + step, 0, B, L)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(x), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
            opt.step()
        x_test, y_test = _batch(seed, 2, 512, L)
        with torch.no_grad():
            out["accuracy"].append(float(((net(x_test) > 0).float() == y_test).float().mean()))
        after = _measure(net, x_probe, y_probe, L)
        out["torch"].append(torch.__version__)
        for when, reading in (("before", before), ("after", after)):
            for key, value in reading.items():
                out.setdefault(f"{when}_{key}", []).append(value)
    return out
