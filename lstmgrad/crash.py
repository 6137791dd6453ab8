"""The crash-at-lag task and the seed-stacked training that every trained result of the site runs.

The task. A sequence holds T = L + PREFIX daily returns r_t ~ N(0, SIGMA). With
probability 1/2 a crash, r = -CRASH, sits exactly L steps before the end (at
t = T - L, counting the last step as t = T). The label is 1 if the crash happened.
The model reads the returns one by one and answers at the last step with
p = sigmoid(w . h_T + c), trained with the logistic loss.

Input scaling: ``scale="raw"`` feeds r_t as it is (about 0.01); ``scale="std"``
feeds r_t / SIGMA (unit variance; the crash is then -CRASH / SIGMA = -8).

Speed. Several seeds of one model train as one block with a leading seed axis S:
every array is (S, B, ...), the matmuls are batched, and each seed keeps its own
data stream, its own global-norm clipping and its own early stop, so seed s gives
the same run whether it trains alone or in a block.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Task constants: daily-return noise, crash size, noise days before the crash.
SIGMA = 0.01
CRASH = 0.08
PREFIX = 5


# --------------------------------------------------------------------------- the task


def crash_batch(
    rng: np.random.Generator, B: int, L: int, scale: str = "std"
) -> tuple[np.ndarray, np.ndarray]:
    """``B`` sequences of the crash-at-lag task: inputs (B, T, 1) and labels (B,), T = L + PREFIX."""
    T = L + PREFIX
    r = rng.normal(0.0, SIGMA, size=(B, T))
    y = (rng.random(B) < 0.5).astype(np.float64)
    # the crash replaces the return exactly L steps before the end (index T - L, 0-based T-1 is the end)
    r[:, T - 1 - L] = np.where(y == 1.0, -CRASH, r[:, T - 1 - L])
    if scale == "std":
        r = r / SIGMA
    elif scale != "raw":
        raise ValueError(f"scale must be 'raw' or 'std', got {scale!r}")
    return r[:, :, None], y


def seed_batches(
    seeds: list[int], stream: int, B: int, L: int, scale: str
) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    """A source of (S, B, T, 1) inputs and (S, B) labels; each seed has its own generator."""
    rngs = [np.random.default_rng([seed, stream, L]) for seed in seeds]

    def draw() -> tuple[np.ndarray, np.ndarray]:
        pairs = [crash_batch(rng, B, L, scale) for rng in rngs]
        return np.stack([x for x, _ in pairs]), np.stack([y for _, y in pairs])

    return draw


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # no overflow warnings for large |a|


def _T(W: np.ndarray) -> np.ndarray:
    return np.swapaxes(W, -1, -2)


# ------------------------------------------------------- seed-stacked models (leading axis S)
# Same equations and PyTorch layouts as lstmgrad.rnn / lstm / gru; tests check a slice of
# each against the single-model code. Params: dict of (S, ...) arrays; inputs X are (S, B, T, D).

Params = dict[str, np.ndarray]


def _uniform(rng: np.random.Generator, shape: tuple[int, ...], k: float) -> np.ndarray:
    return rng.uniform(-k, k, size=shape)


def init_params(
    kind: str,
    seeds: list[int],
    H: int,
    D: int = 1,
    b_f: float | str = 1.0,
    init: str = "uniform",
    sigma_max: float | None = None,
    T: int = 100,
) -> Params:
    """Seed-stacked initial parameters, PyTorch style: every weight ~ U(-1/sqrt(H), 1/sqrt(H)).

    ``b_f`` sets the LSTM forget-gate bias (``"chrono"``: b_f ~ log U(1, T-1), b_i = -b_f).
    ``init`` = "orthogonal" or "identity" replaces the RNN's W_h; ``sigma_max`` then rescales
    W_h so its largest singular value is exactly that.
    """
    k = 1.0 / np.sqrt(H)
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    out: dict[str, list[np.ndarray]] = {}
    for seed in seeds:
        rng = np.random.default_rng([seed, 7919])
        p: Params = {
            "W_x": _uniform(rng, (gates * H, D), k),
            "W_h": _uniform(rng, (gates * H, H), k),
            "b": _uniform(rng, (gates * H,), k),
            "w": _uniform(rng, (H,), k),
            "c": _uniform(rng, (), k),
        }
        if kind == "gru":
            p["b_h"] = _uniform(rng, (gates * H,), k)  # GRU keeps b_hn inside r * (...)
        if kind == "rnn" and init == "orthogonal":
            q, r = np.linalg.qr(rng.normal(size=(H, H)))
            p["W_h"] = q * np.sign(np.diag(r))
        elif kind == "rnn" and init == "identity":
            p["W_h"] = np.eye(H)
            p["b"] = np.zeros(H)
        elif init != "uniform":
            raise ValueError(f"init must be 'uniform', 'orthogonal' or 'identity', got {init!r}")
        if kind == "rnn" and sigma_max is not None:
            p["W_h"] = p["W_h"] * (sigma_max / np.linalg.norm(p["W_h"], 2))
        if kind == "lstm":
            if b_f == "chrono":
                p["b"][H : 2 * H] = np.log(rng.uniform(1.0, T - 1.0, size=H))
                p["b"][:H] = -p["b"][H : 2 * H]
            else:
                p["b"][H : 2 * H] = float(b_f)
        for name, value in p.items():
            out.setdefault(name, []).append(np.asarray(value, dtype=np.float64))
    return {name: np.stack(values) for name, values in out.items()}


def forward(kind: str, P: Params, X: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """Logits (S, B) for inputs X (S, B, T, D), and what backward needs."""
    S, B, T, _ = X.shape
    H = P["W_h"].shape[-1]
    # the input part of every step at once; stored time-major (T, S, B, .) so each step is contiguous
    U = np.ascontiguousarray(np.moveaxis(X @ _T(P["W_x"])[:, None] + P["b"][:, None, None, :], 2, 0))
    W_hT = _T(P["W_h"])
    Hs = np.zeros((T + 1, S, B, H))  # Hs[t] is h_t; h_0 = 0
    cache: dict[str, Any] = {"X": X, "Hs": Hs}
    h = Hs[0]
    if kind == "rnn":
        for t in range(T):
            h = Hs[t + 1] = np.tanh(U[t] + h @ W_hT)
    elif kind == "lstm":
        G = np.empty((T, S, B, 4 * H))  # gate values i, f, g, o
        Cs = np.zeros((T + 1, S, B, H))
        tanhC = np.empty((T, S, B, H))
        # sigmoid(a) = (1 + tanh(a/2)) / 2: halve the i, f, o rows so one tanh gives all four gates
        half = np.full(4 * H, 0.5)
        half[2 * H : 3 * H] = 1.0
        offset = np.where(half == 0.5, 0.5, 0.0)
        U *= half
        W_hT = W_hT * half
        ig = np.empty((S, B, H))
        for t in range(T):
            g = G[t]
            np.matmul(h, W_hT, out=g)
            g += U[t]
            np.tanh(g, out=g)
            g *= half
            g += offset
            np.multiply(g[..., H : 2 * H], Cs[t], out=Cs[t + 1])  # C_t = f_t * C_{t-1} + i_t * g_t
            np.multiply(g[..., :H], g[..., 2 * H : 3 * H], out=ig)
            Cs[t + 1] += ig
            np.tanh(Cs[t + 1], out=tanhC[t])
            h = Hs[t + 1]
            np.multiply(g[..., 3 * H :], tanhC[t], out=h)  # h_t = o_t * tanh(C_t)
        cache.update(G=G, Cs=Cs, tanhC=tanhC)
    elif kind == "gru":
        G = np.empty((T, S, B, 3 * H))  # r, z, n
        Ahn = np.empty((T, S, B, H))  # W_hn h_{t-1} + b_hn, kept for dr
        # sigmoid(a) = (1 + tanh(a/2)) / 2 for r and z: halve their rows, one tanh for both
        U[..., : 2 * H] *= 0.5
        W_hT = W_hT.copy()
        W_hT[..., : 2 * H] *= 0.5
        b_h = P["b_h"][:, None, :].copy()
        b_h[..., : 2 * H] *= 0.5
        ah = np.empty((S, B, 3 * H))
        for t in range(T):
            g = G[t]
            np.matmul(h, W_hT, out=ah)
            ah += b_h
            rz = g[..., : 2 * H]
            np.add(U[t, ..., : 2 * H], ah[..., : 2 * H], out=rz)
            np.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            n = g[..., 2 * H :]
            np.multiply(g[..., :H], ah[..., 2 * H :], out=n)  # reset applied after the matmul
            Ahn[t] = ah[..., 2 * H :]
            n += U[t, ..., 2 * H :]
            np.tanh(n, out=n)
            h_new = Hs[t + 1]
            np.subtract(h, n, out=h_new)  # h_t = n_t + z_t * (h_{t-1} - n_t)
            h_new *= g[..., H : 2 * H]
            h_new += n
            h = h_new
        cache.update(G=G, Ahn=Ahn)
    else:
        raise ValueError(f"kind must be 'rnn', 'lstm' or 'gru', got {kind!r}")
    logits = np.einsum("sbh,sh->sb", h, P["w"]) + P["c"][:, None]
    return logits, cache


def backward(kind: str, P: Params, cache: dict[str, Any], dlogits: np.ndarray) -> tuple[Params, np.ndarray]:
    """Gradients of the loss w.r.t. every parameter (S, ...) and w.r.t. the inputs X (S, B, T, D)."""
    X, Hs = cache["X"], cache["Hs"]
    S, B, T, D = X.shape
    H = P["W_h"].shape[-1]
    W_h = P["W_h"]
    grads: Params = {"w": np.einsum("sbh,sb->sh", Hs[T], dlogits), "c": dlogits.sum(axis=1)}
    dh = dlogits[..., None] * P["w"][:, None, :]
    if kind == "rnn":
        dU = 1.0 - Hs[1:] ** 2  # tanh'(z_t) for every step, overwritten by dL/dz_t below
        for t in range(T - 1, -1, -1):
            dz = dU[t]
            dz *= dh  # back through tanh
            dh = dz @ W_h
        dRec = dU
    elif kind == "lstm":
        G, Cs, tanhC = cache["G"], cache["Cs"], cache["tanhC"]
        i, f, g, o = (G[..., k * H : (k + 1) * H] for k in range(4))
        # everything that does not depend on the incoming gradient, for all steps at once:
        # dC_t/dh_t-path factor, and each gate's input times its own derivative
        to_C = o * (1.0 - tanhC**2)
        ifg = np.stack([g * i * (1.0 - i), Cs[:T] * f * (1.0 - f), i * (1.0 - g**2)], axis=3)  # (T,S,B,3,H)
        o_fac = tanhC * o * (1.0 - o)
        dU = np.empty((T, S, B, 4 * H))
        dc = np.zeros((S, B, H))
        for t in range(T - 1, -1, -1):
            da = dU[t]
            dc += dh * to_C[t]  # h_t = o_t * tanh(C_t)
            np.multiply(dc[:, :, None, :], ifg[t], out=da[..., : 3 * H].reshape(S, B, 3, H))
            np.multiply(dh, o_fac[t], out=da[..., 3 * H :])
            dc *= f[t]  # the cell-state path: only the forget gate multiplies
            dh = da @ W_h
        dRec = dU
    elif kind == "gru":
        G, Ahn = cache["G"], cache["Ahn"]
        r, z, n = G[..., :H], G[..., H : 2 * H], G[..., 2 * H :]
        # the factors that do not depend on the incoming gradient, for all steps at once
        to_n = (1.0 - z) * (1.0 - n**2)
        to_r = Ahn * r * (1.0 - r)
        to_z = (Hs[:T] - n) * z * (1.0 - z)
        dU = np.empty((T, S, B, 3 * H))
        dRec = np.empty((T, S, B, 3 * H))
        for t in range(T - 1, -1, -1):
            du, dah = dU[t], dRec[t]
            dan = du[..., 2 * H :]
            np.multiply(dh, to_n[t], out=dan)
            np.multiply(dan, to_r[t], out=du[..., :H])
            np.multiply(dh, to_z[t], out=du[..., H : 2 * H])
            dah[..., : 2 * H] = du[..., : 2 * H]
            np.multiply(dan, r[t], out=dah[..., 2 * H :])
            dh = dh * z[t]
            dh += dah @ W_h
        grads["b_h"] = dRec.sum(axis=(0, 2))
    else:
        raise ValueError(f"kind must be 'rnn', 'lstm' or 'gru', got {kind!r}")
    # weight gradients: sums over time and batch, as one matmul per seed
    flatU = np.moveaxis(dU, 0, 1).reshape(S, T * B, -1)
    flatR = flatU if dRec is dU else np.moveaxis(dRec, 0, 1).reshape(S, T * B, -1)
    grads["W_h"] = _T(flatR) @ np.moveaxis(Hs[:T], 0, 1).reshape(S, T * B, H)
    grads["W_x"] = _T(flatU) @ np.moveaxis(X, 2, 1).reshape(S, T * B, D)
    grads["b"] = flatU.sum(axis=1)
    return grads, np.moveaxis(dU @ P["W_x"], 0, 2)


def logistic_loss(logits: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean logistic loss per seed (S,) and its gradient w.r.t. the logits (S, B)."""
    loss = np.logaddexp(0.0, logits) - y * logits
    return loss.mean(axis=1), (_sigmoid(logits) - y) / logits.shape[1]


# ------------------------------------------------------------------- training


def _progress(total: int, desc: str) -> Any:
    """A tqdm bar on a terminal; nothing inside a page build or a pipe."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, leave=False, disable=not sys.stderr.isatty())


@dataclass
class Run:
    """What one block of seeds produced; every list has one entry per seed."""

    accuracy: list[float]  # on a fresh test set, after training
    sequences: list[int]  # training sequences seen before the early stop (or the budget)
    to_95: list[int | None]  # sequences seen when held-out accuracy first reached 95 %
    max_grad_norm: list[float]  # largest global gradient norm before clipping
    curve: list[list[float]] = field(default_factory=list)  # training loss per update, [step][seed]


def accuracy(kind: str, P: Params, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fraction of sequences classified right, per seed (S,)."""
    logits, _ = forward(kind, P, X)
    return np.asarray(((logits > 0) == (y == 1.0)).mean(axis=1))


def train(
    kind: str,
    L: int,
    seeds: list[int],
    H: int = 16,
    B: int = 32,
    budget: int = 20_000,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    scale: str = "std",
    b_f: float | str = 1.0,
    init: str = "uniform",
    sigma_max: float | None = None,
    eval_every: int = 20,
    n_eval: int = 128,
    n_test: int = 512,
    stop_at: float = 0.99,
) -> tuple[Run, Params]:
    """Train one model per seed on the crash-at-lag task with Adam and per-seed norm clipping.

    A seed stops (its weights freeze) once its held-out accuracy reaches ``stop_at``; the
    block stops when every seed has stopped or ``budget`` training sequences are used up.
    """
    S = len(seeds)
    T = L + PREFIX
    P = init_params(kind, seeds, H, b_f=b_f, init=init, sigma_max=sigma_max, T=T)
    m = {k: np.zeros_like(v) for k, v in P.items()}
    v = {k: np.zeros_like(v) for k, v in P.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    draw = seed_batches(seeds, 0, B, L, scale)
    X_eval, y_eval = seed_batches(seeds, 1, n_eval, L, scale)()
    active = np.ones(S, dtype=bool)
    run = Run([0.0] * S, [0] * S, [None] * S, [0.0] * S)
    steps = budget // B
    with _progress(steps, f"{kind} L={L}") as bar:
        for step in range(1, steps + 1):
            X, y = draw()
            logits, cache = forward(kind, P, X)
            loss, dlogits = logistic_loss(logits, y)
            run.curve.append([float(a) for a in loss])
            grads, _ = backward(kind, P, cache, dlogits)
            norm = np.sqrt(sum((g**2).reshape(S, -1).sum(axis=1) for g in grads.values()))
            run.max_grad_norm = [max(a, float(b)) for a, b in zip(run.max_grad_norm, norm, strict=True)]
            # per-seed global-norm clipping; frozen seeds get a zero step
            factor = np.where(active, 1.0, 0.0)
            if clip is not None:
                factor = factor * np.minimum(1.0, clip / np.maximum(norm, 1e-300))
            for k, g in grads.items():
                f = factor.reshape((S,) + (1,) * (g.ndim - 1))
                g = g * f
                m[k] = np.where(f > 0, beta1 * m[k] + (1 - beta1) * g, m[k])
                v[k] = np.where(f > 0, beta2 * v[k] + (1 - beta2) * g**2, v[k])
                m_hat = m[k] / (1 - beta1**step)
                v_hat = v[k] / (1 - beta2**step)
                P[k] = P[k] - (f > 0) * lr * m_hat / (np.sqrt(v_hat) + eps)
            bar.update(1)
            if step % eval_every == 0 or step == steps:
                acc = accuracy(kind, P, X_eval, y_eval)
                for s in np.flatnonzero(active):
                    run.sequences[s] = step * B
                    if run.to_95[s] is None and acc[s] >= 0.95:
                        run.to_95[s] = step * B
                    if acc[s] >= stop_at:
                        active[s] = False
                if not active.any():
                    break
    X_test, y_test = seed_batches(seeds, 2, n_test, L, scale)()
    run.accuracy = [float(a) for a in accuracy(kind, P, X_test, y_test)]
    return run, P


def input_gradients(
    kind: str, P: Params, L: int, seeds: list[int], scale: str = "std", n: int = 64
) -> dict[str, np.ndarray]:
    """Per seed (S,): mean |dloss/dx_{T-L}| and mean |dlogit/dx_{T-L}| over ``n`` held-out sequences."""
    X, y = seed_batches(seeds, 3, n, L, scale)()
    logits, cache = forward(kind, P, X)
    # one backward pass with dlogit = 1 per sequence gives dlogit/dx; the loss's gradient is
    # that times dloss/dlogit = sigmoid(logit) - y, sequence by sequence
    _, dx = backward(kind, P, cache, np.ones_like(logits))
    dlogit = dx[:, :, PREFIX - 1, 0]  # x_{T-L} sits at index T-1-L = PREFIX-1
    dloss = (_sigmoid(logits) - y) * dlogit
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
) -> dict[str, list[Any]]:
    """One cell of an experiment: ``train`` every seed, then measure what the pages show.

    Returns lists with one entry per seed (JSON-able, for ``lstmgrad/results/``): test accuracy,
    sequences used, sequences to 95 %, the largest gradient norm, the mean training loss of the
    last 16 updates, and the gradient reaching the crash input before and after training.
    ``curve=True`` adds the training loss of every update, ``[step][seed]``.
    """
    seeds = list(seeds)
    run, P = train(
        kind, L, seeds, H=H, B=B, budget=budget, lr=lr, clip=clip, scale=scale,
        b_f=b_f, init=init, sigma_max=sigma_max, stop_at=stop_at,
    )  # fmt: skip
    P0 = init_params(kind, seeds, H, b_f=b_f, init=init, sigma_max=sigma_max, T=L + PREFIX)
    before = input_gradients(kind, P0, L, seeds, scale)
    after = input_gradients(kind, P, L, seeds, scale)
    out: dict[str, list[Any]] = {
        "accuracy": run.accuracy,
        "sequences": run.sequences,
        "to_95": run.to_95,
        "max_grad_norm": run.max_grad_norm,
        "final_loss": _floats(np.asarray(run.curve[-16:]).mean(axis=0)),
        "grad_loss_init": _floats(before["loss"]),
        "grad_loss_trained": _floats(after["loss"]),
        "grad_logit_init": _floats(before["logit"]),
        "grad_logit_trained": _floats(after["logit"]),
    }
    if curve:
        out["curve"] = run.curve
    return out
