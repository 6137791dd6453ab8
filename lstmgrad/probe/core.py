"""Per-step gradients of a PyTorch recurrent model: what the site measures on the anchor, in yours.

`probe` runs your model once on a batch, with every ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` inside
it unrolled one step at a time (the same weights, the same math: the unrolled output is checked
against the module's own), so that every hidden state h_t, every forget gate f_t and every step's
use of W_hh is a node of the graph. One ``torch.autograd.grad`` call then gives, per step t:

- ‖∂L/∂x_t‖, the gradient reaching the input at step t (over the batch and the features);
- ‖∂L/∂h_t‖ per layer and direction, through every path (t = 0 is the initial state);
- for an LSTM, the cell path ∂C_T/∂C_t along the cell state alone, Π_{s>t} f_s, read from the
  model's own forget gates (the mean over the batch and the units);
- each step's share of ∂L/∂W_hh: the step's term G_t of the sum G = Σ_t G_t, projected on G,
  ⟨G_t, G⟩ / ‖G‖², so the shares add up to 1.

Nothing is written to your parameters' ``.grad``. Shown in "Measure it in your own model"
(``docs/probe.md``); checked against the anchor's tables in ``tests/test_probe.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as err:  # pragma: no cover - depends on the install
    raise ImportError(
        "lstmgrad.probe needs PyTorch, which lstmgrad does not install by default: "
        "pip install 'lstmgrad[torch]'"
    ) from err


class ProbeError(ValueError):
    """A model or batch the probe cannot measure; the message names what is missing."""


@dataclass(frozen=True)
class State:
    """One layer and direction of one recurrent module, indexed by processing step k = 0..T
    (k = 0 the initial state; for a reverse direction step k reads input t = T + 1 - k)."""

    name: str
    reverse: bool
    h: np.ndarray  # (T+1,) ‖∂L/∂h_k‖
    cell_path: np.ndarray | None  # (T+1,) mean of Π_{j>k} f_j, LSTM only
    w_hh: np.ndarray | None  # (T+1,) ⟨G_k, G⟩/‖G‖², NaN at k = 0
    w_hh_norm: np.ndarray | None  # (T+1,) ‖G_k‖, NaN at k = 0

    def at_time(self, values: np.ndarray) -> np.ndarray:
        """``values`` by input time t = 0..T+1 instead of processing step (NaN where none)."""
        T = len(values) - 1
        out = np.full(T + 2, np.nan)
        if self.reverse:
            out[1 : T + 2] = values[::-1]
        else:
            out[: T + 1] = values
        return out


@dataclass(frozen=True)
class Probe:
    """What `probe` measured: the loss, ‖∂L/∂x_t‖ for t = 1..T, and one `State` per layer and direction.

    `lstmgrad.probe.probe_table` and `lstmgrad.probe.probe_plot` print it as the site does."""

    loss: float
    x: np.ndarray  # (T,)
    states: dict[str, State]

    @property
    def T(self) -> int:
        return len(self.x)


_KINDS = (nn.RNN, nn.LSTM, nn.GRU)


def _check_module(name: str, m: nn.RNNBase) -> None:
    if not isinstance(m, _KINDS):
        raise ProbeError(f"cannot probe {name}: {type(m).__name__} is not nn.RNN, nn.LSTM or nn.GRU")
    if getattr(m, "proj_size", 0):
        raise ProbeError(f"cannot probe {name}: nn.LSTM with proj_size > 0 is not supported")
    if m.training and m.dropout > 0 and m.num_layers > 1:
        raise ProbeError(f"cannot probe {name}: dropout between layers is random; call model.eval() first")


class _Unroll:
    """Forward hooks that replace each recurrent module's output by a step-by-step unroll of it."""

    def __init__(self, names: dict[Any, str]) -> None:
        self.names = names
        self.records: list[dict[str, Any]] = []  # one per layer and direction, in call order
        self.calls: dict[str, int] = {}

    def hook(self, m: nn.RNNBase, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any) -> Any:
        name = self.names[m]
        self.calls[name] = self.calls.get(name, 0) + 1
        if self.calls[name] > 1:
            name = f"{name}#{self.calls[name]}"
        inp = args[0] if args else kwargs["input"]
        hx = args[1] if len(args) > 1 else kwargs.get("hx")
        if isinstance(inp, nn.utils.rnn.PackedSequence):
            raise ProbeError(f"cannot probe {name}: it was given a PackedSequence; pad the batch instead")
        if inp.dim() != 3:
            raise ProbeError(
                f"cannot probe {name}: it needs a batched input (3-D), got shape {tuple(inp.shape)}"
            )
        mine = self.unroll(name, m, inp, hx)
        theirs, ours = output[0], mine[0]
        tol = 1e-10 if theirs.dtype == torch.float64 else 1e-4
        if not torch.allclose(ours, theirs, rtol=tol, atol=tol):
            raise ProbeError(f"cannot probe {name}: its step-by-step unroll differs from its own output")
        return mine

    def unroll(self, name: str, m: nn.RNNBase, inp: torch.Tensor, hx: Any) -> Any:
        seq = inp.transpose(0, 1) if m.batch_first else inp  # (T, B, D)
        T, B = seq.shape[0], seq.shape[1]
        dirs, H = (2 if m.bidirectional else 1), m.hidden_size
        lstm = isinstance(m, nn.LSTM)
        if hx is None:
            zeros = seq.new_zeros(m.num_layers * dirs, B, H)
            h0, c0 = zeros, zeros
        elif lstm:
            h0, c0 = hx
        else:
            h0, c0 = hx, None
        h_n, c_n = [], []
        layer_in = seq
        for layer in range(m.num_layers):
            outs = []
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                weights = [getattr(m, f"{w}{sfx}") for w in ("weight_ih", "weight_hh")]
                biases = [getattr(m, f"{b}{sfx}") for b in ("bias_ih", "bias_hh")] if m.bias else [None, None]
                idx = layer * dirs + d
                h = h0[idx].detach().clone().requires_grad_(True)
                c = c0[idx] if c0 is not None else None
                rec: dict[str, Any] = {
                    "name": f"{name}.l{layer}" + (".reverse" if d else ""),
                    "reverse": d == 1,
                }
                rec.update(h=[h], W=[], f=[])
                order = range(T - 1, -1, -1) if d else range(T)
                out = [None] * T
                for t in order:
                    W_t = weights[1].clone()  # this step's use of W_hh: its gradient is the step's term
                    h, c, f = _step(m, layer_in[t], h, c, weights[0], W_t, *biases)
                    rec["h"].append(h)
                    rec["W"].append(W_t)
                    if f is not None:
                        rec["f"].append(f.detach())
                    out[t] = h
                self.records.append(rec)
                outs.append(torch.stack(out))  # type: ignore[arg-type]
                h_n.append(h)
                if c is not None:
                    c_n.append(c)
            layer_in = torch.cat(outs, dim=-1)
        output = layer_in.transpose(0, 1) if m.batch_first else layer_in
        if lstm:
            return output, (torch.stack(h_n), torch.stack(c_n))
        return output, torch.stack(h_n)


def _step(
    m: nn.RNNBase, x: Any, h: Any, c: Any, W_ih: Any, W_hh: Any, b_ih: Any, b_hh: Any
) -> tuple[Any, ...]:
    """One step of ``m``'s cell, as PyTorch defines it (gate order i, f, g, o; GRU r, z, n)."""
    gi = x @ W_ih.T + (b_ih if b_ih is not None else 0)
    gh = h @ W_hh.T + (b_hh if b_hh is not None else 0)
    if isinstance(m, nn.LSTM):
        i, f, g, o = (gi + gh).chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        return o * torch.tanh(c), c, f
    if isinstance(m, nn.GRU):
        ir, iz, i_n = gi.chunk(3, dim=-1)
        hr, hz, hn = gh.chunk(3, dim=-1)
        r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
        n = torch.tanh(i_n + r * hn)
        return (1 - z) * n + z * h, None, None
    act = torch.tanh if m.nonlinearity == "tanh" else torch.relu
    return act(gi + gh), None, None


def _norms(grads: list[Any], dims: tuple[int, ...] | None = None) -> np.ndarray:
    return np.array([0.0 if g is None else float(torch.linalg.vector_norm(g.double())) for g in grads])


def _given_states(output: Any, T: int) -> list[Any] | None:
    """The per-step states a module returns as the last element of a tuple: T or T+1 tensors."""
    if isinstance(output, tuple) and output and isinstance(output[-1], (list, tuple)):
        states = list(output[-1])
        if len(states) in (T, T + 1) and all(isinstance(s, torch.Tensor) and s.requires_grad for s in states):
            return states
    return None


def probe(
    model: nn.Module,
    x: torch.Tensor,
    loss_fn: Callable[[Any], torch.Tensor],
    batch_first: bool | None = None,
) -> Probe:
    """Per-step gradients of ``loss_fn(model(x))``: see the module's docstring.

    ``x`` is a batch, (B, T, D) or, with ``batch_first=False``, (T, B, D); by default the layout
    of the first recurrent module in ``model``. ``loss_fn`` maps the model's output to a scalar.
    A model with no nn.RNN, nn.LSTM or nn.GRU can still be probed if its forward returns its
    states: a tuple whose last element is the list of h_t (T tensors, or T+1 with h_0), each
    part of the graph. Raises `ProbeError`, naming what is missing, for a model it cannot probe.
    """
    if not isinstance(model, nn.Module):
        raise ProbeError(f"cannot probe a {type(model).__name__}: the probe needs a torch.nn.Module")
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.dim() != 3:
        got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ProbeError(f"cannot probe: x must be a 3-D floating-point tensor (B, T, D), got {got}")
    for pname, p in model.named_parameters():
        if p.device.type != "cpu":
            raise ProbeError(
                f"cannot probe: the probe runs on the CPU, but parameter {pname} is on {p.device}"
            )
    if x.device.type != "cpu":
        raise ProbeError(f"cannot probe: the probe runs on the CPU, but x is on {x.device}")
    names = {
        m: (n or type(m).__name__.lower()) for n, m in model.named_modules() if isinstance(m, nn.RNNBase)
    }
    for m, n in names.items():
        _check_module(n, m)
    if batch_first is None:
        batch_first = next(iter(names)).batch_first if names else True
    T = x.shape[1] if batch_first else x.shape[0]
    x = x.detach().clone().requires_grad_(True)
    unroll = _Unroll(names)
    handles = [m.register_forward_hook(unroll.hook, with_kwargs=True) for m in names]
    try:
        output = model(x)
    finally:
        for handle in handles:
            handle.remove()
    given = None if unroll.records else _given_states(output, T)
    if not unroll.records and given is None:
        raise ProbeError(
            f"cannot probe {type(model).__name__}: it holds no nn.RNN, nn.LSTM or nn.GRU, and its forward "
            "does not return its states (a tuple whose last element lists the T tensors h_t)"
        )
    loss = loss_fn(output)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
        raise ProbeError(f"cannot probe: loss_fn must return a scalar tensor, got {shape}")
    if not loss.requires_grad:
        raise ProbeError("cannot probe: the loss does not depend on the model (no gradient flows to it)")
    if given is not None:
        unroll.records.append({"name": "states", "reverse": False, "h": given, "W": [], "f": []})
    inputs = [x] + [t for r in unroll.records for t in r["h"] + r["W"]]
    grads = list(torch.autograd.grad(loss, inputs, allow_unused=True))
    time_axis = 1 if batch_first else 0
    dx = grads.pop(0)
    x_norms = _norms(list(dx.unbind(time_axis))) if dx is not None else np.zeros(T)
    states = {}
    for rec in unroll.records:
        dh = [grads.pop(0) for _ in rec["h"]]
        dW = [grads.pop(0) for _ in rec["W"]]
        h = _norms(dh)
        if len(h) == T:  # a module's own states without h_0
            h = np.concatenate([[np.nan], h])
        share = norm = path = None
        if dW:
            G_t = [
                torch.zeros_like(W) if g is None else g.double() for g, W in zip(dW, rec["W"], strict=True)
            ]
            G = torch.stack(G_t).sum(0)
            total = float((G * G).sum())
            share = np.array([np.nan] + [float((g * G).sum()) / total if total else np.nan for g in G_t])
            norm = np.concatenate([[np.nan], _norms(G_t)])
        if rec["f"]:
            f = torch.stack(rec["f"]).double()  # (T, B, H), processing order
            ones = torch.ones_like(f[:1])
            # Π_{j>k} f_j for k = 0..T: the reversed cumulative product, then 1 at k = T
            tail = torch.cat([torch.flip(torch.cumprod(torch.flip(f, [0]), 0), [0]), ones])
            path = tail.mean(dim=(1, 2)).numpy()
        states[rec["name"]] = State(rec["name"], rec["reverse"], h, path, share, norm)
    return Probe(float(loss.detach()), x_norms, states)
