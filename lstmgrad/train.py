"""Training pieces, no framework: losses, Adam, gradient-norm clipping, seeded initialisers,
and one small model interface shared by the RNN, the LSTM and the GRU.

The model interface
-------------------
A model is a ``kind`` (``"rnn"``, ``"lstm"`` or ``"gru"``) and a dict of float64 arrays::

    params = init_params("lstm", H=8, D=1, seed=0, forget_bias=1.0)
    logits, trace = model_forward("lstm", params, x)      # x (B, T, D) -> logits (B,)
    loss, dlogits = logistic_loss(logits, y)               # y (B,) in {0, 1}
    grads = model_backward("lstm", params, trace, dlogits) # same keys and shapes as params
    norm = clip_grad_norm(grads, max_norm=1.0)             # pre-clip global norm
    opt.step(params, grads)                                # opt = Adam(params, lr=5e-3)

``params`` holds the layer's weights under the names its module uses (``W_x``, ``W_h``,
``b``; the GRU has ``b_x`` and ``b_h``) plus a linear readout of the last hidden state,
``logit = h_T . W_y + b_y`` with ``W_y`` (H,) and ``b_y`` (). `loss_and_grads` does the
forward, loss and backward in one call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

from lstmgrad import gru, lstm, rnn
from lstmgrad.checks import as_array, as_float

__all__ = [
    "GATES",
    "Adam",
    "clip_grad_norm",
    "identity",
    "init_params",
    "logistic_loss",
    "loss_and_grads",
    "model_backward",
    "model_forward",
    "mse_loss",
    "orthogonal",
    "torch_uniform",
]

Params = dict[str, np.ndarray]

#: How many H-row blocks each model stacks in W_x and W_h (rnn: 1; lstm: i, f, g, o; gru: r, z, n).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
_MODULES: dict[str, ModuleType] = {"rnn": rnn, "lstm": lstm, "gru": gru}


def _module(kind: str) -> ModuleType:
    if kind not in _MODULES:
        raise ValueError(f"kind must be one of {sorted(_MODULES)}, got {kind!r}")
    return _MODULES[kind]


# --- losses: each returns (loss, dloss/dinput) ------------------------------------------------


def mse_loss(pred: Any, target: Any) -> tuple[float, np.ndarray]:
    """Mean squared error ``L = mean((pred - target)^2)`` and ``dL/dpred = 2 (pred - target) / N``.

    ``pred`` and ``target`` have the same shape (N elements in all).
    """
    pred = as_array("pred", pred, np.ndim(pred))
    target = as_array("target", target, np.ndim(target))
    if pred.shape != target.shape:
        raise ValueError(f"target must have the shape of pred {pred.shape}, got {target.shape}")
    diff = pred - target
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


def logistic_loss(logits: Any, y: Any) -> tuple[float, np.ndarray]:
    """Binary cross-entropy on logits, averaged over the batch, and its gradient.

    ``L = mean(log(1 + e^s) - y s)`` for logits s (B,) and labels y (B,) in [0, 1];
    ``dL/ds = (sigmoid(s) - y) / B``. Written with logaddexp so large |s| cannot overflow.
    """
    s = as_array("logits", logits, 1)
    y = as_array("y", y, 1)
    if s.shape != y.shape:
        raise ValueError(f"y must have the shape of logits {s.shape}, got {y.shape}")
    if np.any((y < 0) | (y > 1)):
        raise ValueError("y must hold labels in [0, 1]")
    loss = float(np.mean(np.logaddexp(0.0, s) - y * s))
    p = 0.5 * (1.0 + np.tanh(0.5 * s))  # sigmoid(s), no overflow
    return loss, (p - y) / s.size


# --- initialisers --------------------------------------------------------------------------------


def torch_uniform(rng: np.random.Generator, shape: tuple[int, ...], H: int) -> np.ndarray:
    """PyTorch's default for recurrent layers: every entry from ``U(-1/sqrt(H), 1/sqrt(H))``."""
    k = 1.0 / math.sqrt(H)
    return rng.uniform(-k, k, size=shape)


def orthogonal(rng: np.random.Generator, n: int, gain: float = 1.0) -> np.ndarray:
    """A random n x n orthogonal matrix times ``gain`` (QR of a Gaussian, signs fixed so the
    distribution is uniform); all its singular values equal ``gain``."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return gain * q * np.sign(np.diag(r))


def identity(n: int, gain: float = 1.0) -> np.ndarray:
    """``gain`` times the n x n identity: the IRNN start, where dh_t/dh_{t-1} = gain * diag(tanh')."""
    return gain * np.eye(n)


def init_params(
    kind: str,
    H: int,
    D: int,
    seed: int,
    recurrent: str = "uniform",
    forget_bias: float | None = None,
) -> Params:
    """Seeded parameters for ``kind`` with hidden size H and input size D, plus the readout.

    Everything is drawn like PyTorch's default (``torch_uniform``); for the RNN and the LSTM,
    ``b`` is the sum of two such draws, as ``bias_ih + bias_hh`` is in torch. ``recurrent``
    = ``"orthogonal"`` or ``"identity"`` replaces each H x H gate block of ``W_h``.
    ``forget_bias`` (LSTM only) sets ``b[H:2H]``. Shapes: ``W_x`` (G*H, D), ``W_h`` (G*H, H),
    biases (G*H,), ``W_y`` (H,), ``b_y`` () with G = ``GATES[kind]``.
    """
    _module(kind)
    if not (isinstance(H, int) and H > 0):
        raise ValueError(f"H must be a positive integer, got {H!r}")
    if not (isinstance(D, int) and D > 0):
        raise ValueError(f"D must be a positive integer, got {D!r}")
    rng = np.random.default_rng(seed)
    G = GATES[kind]
    p: Params = {"W_x": torch_uniform(rng, (G * H, D), H), "W_h": torch_uniform(rng, (G * H, H), H)}
    if kind == "gru":
        p["b_x"] = torch_uniform(rng, (G * H,), H)
        p["b_h"] = torch_uniform(rng, (G * H,), H)
    else:
        p["b"] = torch_uniform(rng, (G * H,), H) + torch_uniform(rng, (G * H,), H)
    if recurrent == "orthogonal":
        p["W_h"] = np.concatenate([orthogonal(rng, H) for _ in range(G)])
    elif recurrent == "identity":
        p["W_h"] = np.concatenate([identity(H) for _ in range(G)])
    elif recurrent != "uniform":
        raise ValueError(f"recurrent must be 'uniform', 'orthogonal' or 'identity', got {recurrent!r}")
    if forget_bias is not None:
        if kind != "lstm":
            raise ValueError(f"forget_bias applies to the LSTM only, not to {kind!r}")
        p["b"] = lstm.set_forget_bias(p["b"], as_float("forget_bias", forget_bias))
    p["W_y"] = torch_uniform(rng, (H,), H)
    p["b_y"] = np.zeros(())
    return p


# --- the model interface -------------------------------------------------------------------------


def _layer_params(kind: str, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    names = ("W_x", "W_h", "b_x", "b_h") if kind == "gru" else ("W_x", "W_h", "b")
    missing = [n for n in names + ("W_y", "b_y") if n not in params]
    if missing:
        raise ValueError(f"params for {kind!r} lack {missing}")
    return {n: params[n] for n in names}


def model_forward(kind: str, params: Mapping[str, np.ndarray], x: Any) -> tuple[np.ndarray, Any]:
    """Logits ``h_T . W_y + b_y`` (B,) for a batch x (B, T, D), and the layer's trace for the backward."""
    trace = _module(kind).forward(x, **_layer_params(kind, params))
    h_T = trace.h_tm[-1]
    return h_T @ params["W_y"] + params["b_y"], trace


def model_backward(kind: str, params: Mapping[str, np.ndarray], trace: Any, dlogits: Any) -> Params:
    """Gradients of the loss for every entry of ``params``, given ``dlogits`` = dL/dlogits (B,)."""
    dlogits = as_array("dlogits", dlogits, 1)
    h_T = trace.h_tm[-1]
    if dlogits.shape != (h_T.shape[0],):
        raise ValueError(f"dlogits must have shape ({h_T.shape[0]},), got {dlogits.shape}")
    # logit = h_T . W_y + b_y  =>  dL/dh_T = dL/dlogit * W_y
    layer = _module(kind).backward(trace, dlogits[:, None] * params["W_y"])
    grads = {k: layer[k] for k in _layer_params(kind, params)}
    grads["W_y"] = h_T.T @ dlogits
    grads["b_y"] = np.asarray(dlogits.sum())
    return grads


def loss_and_grads(kind: str, params: Mapping[str, np.ndarray], x: Any, y: Any) -> tuple[float, Params]:
    """Logistic loss of the model on (x (B, T, D), y (B,)) and its gradients for every parameter."""
    logits, trace = model_forward(kind, params, x)
    loss, dlogits = logistic_loss(logits, y)
    return loss, model_backward(kind, params, trace, dlogits)


# --- optimisation ------------------------------------------------------------------------------


def clip_grad_norm(grads: Mapping[str, np.ndarray], max_norm: float) -> float:
    """Scale all ``grads`` in place so their global norm is at most ``max_norm``; return the norm
    before clipping.

    Global norm ``||g|| = sqrt(sum_k ||g_k||^2)``; the scale is ``min(1, max_norm / (||g|| + 1e-6))``,
    as in ``torch.nn.utils.clip_grad_norm_``, so the direction of the step is kept.
    """
    max_norm = as_float("max_norm", max_norm)
    if max_norm <= 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    scale = max_norm / (norm + 1e-6)
    if scale < 1.0:
        for g in grads.values():
            g *= scale
    return norm


class Adam:
    """Adam (Kingma & Ba 2015), updating a params dict in place, with torch's defaults.

    ``m = b1 m + (1-b1) g``; ``v = b2 v + (1-b2) g^2``;
    ``p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)``.
    """

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.lr = as_float("lr", lr)
        self.b1, self.b2 = as_float("betas[0]", betas[0]), as_float("betas[1]", betas[1])
        self.eps = as_float("eps", eps)
        self.t = 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """One Adam update of every array in ``params`` (in place) from ``grads``."""
        self.t += 1
        c1, c2 = 1.0 - self.b1**self.t, 1.0 - self.b2**self.t
        for k, p in params.items():
            g = grads[k]
            self.m[k] = self.b1 * self.m[k] + (1.0 - self.b1) * g
            self.v[k] = self.b2 * self.v[k] + (1.0 - self.b2) * g * g
            p -= self.lr * (self.m[k] / c1) / (np.sqrt(self.v[k] / c2) + self.eps)
