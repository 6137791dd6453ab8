"""Seeded initial parameters for every model in `lstmgrad.models.readout`: the one initialiser.

Recurrent layers are drawn as PyTorch draws them: every weight and bias from
``U(-1/sqrt(H), 1/sqrt(H))``, and so is the readout ``W_y, b_y``. Attention's weights are
Gaussian with variance 1/fan_in, so its scores start at order 1.

``seeds`` is one integer (one model) or a list (a stack: every array gets a leading axis S,
seed s drawn exactly as it would be alone).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmgrad.checks import as_count
from lstmgrad.models import lstm
from lstmgrad.models.readout import KINDS, layer_names

Params = dict[str, np.ndarray]

#: How many H-row blocks each layer stacks in W_x and W_h (rnn: 1; lstm: i, f, C~, o; gru: r, z, n).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random n x n orthogonal matrix (QR of a Gaussian, signs fixed so the distribution is
    uniform); all its singular values are 1."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def _layer(rng: np.random.Generator, kind: str, H: int, D: int) -> Params:
    k = 1.0 / np.sqrt(H)
    rows = GATES[kind] * H
    p = {"W_x": rng.uniform(-k, k, (rows, D)), "W_h": rng.uniform(-k, k, (rows, H))}
    p["b_x" if kind == "gru" else "b"] = rng.uniform(-k, k, rows)
    return p


def _one(
    kind: str,
    H: int,
    D: int,
    seed: int,
    b_f: float | str,
    init: str,
    sigma_max: float | None,
    T: int,
    b_z: float | None = None,
) -> Params:
    rng = np.random.default_rng([seed, 7919])
    if kind == "attention":
        if H < 2 or H % 2:
            raise ValueError(f"attention needs an even width H >= 2, got {H}")
        return {
            "W_e": rng.normal(0.0, 1.0 / np.sqrt(D), (D, H)),
            "b_e": np.zeros(H),
            "W_q": rng.normal(0.0, 1.0 / np.sqrt(H), (H, H)),
            "W_k": rng.normal(0.0, 1.0 / np.sqrt(H), (H, H)),
            "W_v": rng.normal(0.0, 1.0 / np.sqrt(H), (H, H)),
            "W_y": rng.normal(0.0, 1.0 / np.sqrt(H), H),
            "b_y": np.zeros(()),
        }
    layer = kind.removeprefix("bi")
    k = 1.0 / np.sqrt(H)
    p = _layer(rng, layer, H, D)
    p["W_y"] = rng.uniform(-k, k, 2 * H if kind.startswith("bi") else H)
    p["b_y"] = rng.uniform(-k, k, ())
    if layer == "gru":
        p["b_h"] = rng.uniform(-k, k, 3 * H)  # the GRU keeps b_hn inside r_t * (...)
        if b_z is not None:  # the update gate's whole bias b_xz + b_hz, drawn after the weights
            p["b_x"][H : 2 * H], p["b_h"][H : 2 * H] = float(b_z), 0.0
    if kind.startswith("bi"):
        p.update({f"{n}_bw": v for n, v in _layer(rng, layer, H, D).items()})
    if init in ("orthogonal", "identity"):
        if kind != "rnn":
            raise ValueError(f"init={init!r} applies to the RNN only, not to {kind!r}")
        p["W_h"] = orthogonal(rng, H) if init == "orthogonal" else np.eye(H)
        if init == "identity":
            p["b"] = np.zeros(H)
    elif init != "uniform":
        raise ValueError(f"init must be 'uniform', 'orthogonal' or 'identity', got {init!r}")
    if sigma_max is not None:
        if kind != "rnn":
            raise ValueError(f"sigma_max applies to the RNN only, not to {kind!r}")
        p["W_h"] = p["W_h"] * (sigma_max / np.linalg.norm(p["W_h"], 2))
    if layer == "lstm":
        for name in ("b", "b_bw") if kind.startswith("bi") else ("b",):
            if b_f == "chrono":  # Tallec & Ollivier 2018: b_f ~ log U(1, T-1), b_i = -b_f
                b_chrono = np.log(rng.uniform(1.0, T - 1.0, size=H))
                p[name][H : 2 * H] = b_chrono
                p[name][:H] = -b_chrono
            else:
                p[name] = lstm.set_forget_bias(p[name], float(b_f))
    return p


def init_params(
    kind: str,
    H: int,
    D: int = 1,
    seeds: int | list[int] = 0,
    b_f: float | str = 1.0,
    init: str = "uniform",
    sigma_max: float | None = None,
    T: int = 100,
    dtype: Any = np.float64,
    b_z: float | None = None,
) -> Params:
    """Initial parameters of a ``kind`` model (`lstmgrad.models.readout.KINDS`) with hidden size H
    (attention: width H) and input size D, for one seed or a stack of ``seeds``.

    ``b_f`` sets the LSTM forget-gate bias (``"chrono"``: b_f ~ log U(1, T-1), b_i = -b_f).
    ``init`` = "orthogonal" or "identity" replaces the RNN's W_h (identity also zeroes b);
    ``sigma_max`` then rescales W_h so its largest singular value is exactly that.
    ``dtype`` float32 gives a model that trains in float32.
    ``b_z`` sets the GRU's update-gate bias (b_xz = b_z, b_hz = 0: z_t starts near sigmoid(b_z),
    so h_t keeps that share of h_{t-1}); None keeps the drawn biases.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if not (isinstance(H, (int, np.integer)) and H > 0):
        raise ValueError(f"H must be a positive integer, got {H!r}")
    if not (isinstance(D, (int, np.integer)) and D > 0):
        raise ValueError(f"D must be a positive integer, got {D!r}")
    if kind != "attention":
        layer_names(kind)
    if b_f == "chrono":
        if as_count("T", T) < 2:
            raise ValueError(f"T must be at least 2 for b_f='chrono' (b_f = log u, u ~ U(1, T - 1)), got {T}")
    elif isinstance(b_f, str):
        raise ValueError(f"b_f must be a number or 'chrono', got {b_f!r}")
    if b_z is not None and kind != "gru":
        raise ValueError(f"b_z (the update-gate bias) applies to the GRU only, not to {kind!r}")
    if isinstance(seeds, (int, np.integer)):
        one = _one(kind, H, D, int(seeds), b_f, init, sigma_max, T, b_z)
        return {k: np.asarray(v, dtype) for k, v in one.items()}
    stack = [_one(kind, H, D, int(s), b_f, init, sigma_max, T, b_z) for s in seeds]
    if not stack:
        raise ValueError("seeds is empty: give at least one seed")
    return {k: np.stack([np.asarray(p[k], dtype) for p in stack]) for k in stack[0]}
