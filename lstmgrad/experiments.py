"""Experiments that test the article's claims: RNN, LSTM and GRU on a crash-at-lag task.

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

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstmgrad.cache import cached

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


# ------------------------------------------------------------ the exploding region (analytic)

#: The heatmap grid: recurrent weight W_h x constant input drive u = W_x x, and the lengths.
HEAT_W_H = np.linspace(0.0, 3.0, 121)
HEAT_SCALE = np.linspace(0.0, 2.0, 81)
HEAT_T = (5, 20, 100)


def exploding_grid() -> np.ndarray:
    """|dh_T/dh_0| of the scalar RNN on the heatmap grid, shape (len(HEAT_T), W_h, scale)."""
    from lstmgrad.sweeps import scalar_sweep

    return np.abs(scalar_sweep(HEAT_W_H, HEAT_SCALE, list(HEAT_T)))


def exploding_table() -> str:
    """Per T: the share of the (W_h, W_x x) grid where |dh_T/dh_0| > 1 and < 1e-5; the largest value."""
    from lstmgrad.tables import markdown_table

    grid = exploding_grid()
    rows = []
    for T, g in zip(HEAT_T, grid, strict=True):
        i, j = np.unravel_index(int(np.argmax(g)), g.shape)
        driven = g[:, HEAT_SCALE >= 1.0]  # inputs that alone push tanh onto its shoulder
        rows.append(
            [
                str(T),
                f"{(g > 1).mean():.1%}",
                f"{(g < 1e-5).mean():.1%}",
                f"{(driven > 1).mean():.1%}",
                f"{g[i, j]:.3g}",
                f"{HEAT_W_H[i]:.3g}",
                f"{HEAT_SCALE[j]:.3g}",
            ]
        )
    header = ["T", "grid > 1", "grid < 1e-5", "> 1 where W_x x ≥ 1", "largest", "at W_h", "at W_x x"]
    return markdown_table(header, rows)


#: The spans T - k at which Pascanu's bound is checked.
SPANS = (1, 2, 5, 10, 20, 50)


def pascanu_draws(
    sigmas: tuple[float, ...] = (0.5, 0.9, 0.99, 1.5),
    draws: int = 200,
    H: int = 16,
    T: int = 50,
    seed: int = 0,
) -> list[dict[str, float]]:
    """Random matrix RNNs: the worst ratio ||dh_T/dh_k||_2 / sigma_max^(T-k) over draws and T-k in SPANS.

    Each draw: W_h = N(0, 1) entries rescaled to largest singular value sigma, W_x ~ N(0, 1)
    (H x 1), b ~ N(0, 0.1^2), inputs x_t ~ N(0, 1), h_0 = 0. Since |tanh'| <= 1, each step's
    Jacobian diag(tanh'(z_t)) W_h has norm <= sigma, so the ratio can never exceed 1
    (Pascanu, Mikolov & Bengio 2013); for sigma < 1 that forces the gradient to vanish.
    """
    out = []
    for sigma in sigmas:
        rng = np.random.default_rng([seed, int(round(sigma * 1000))])
        W_h = rng.normal(size=(draws, H, H))
        W_h *= sigma / np.linalg.norm(W_h, 2, axis=(1, 2))[:, None, None]
        W_x = rng.normal(size=(draws, H))
        b = rng.normal(0.0, 0.1, size=(draws, H))
        x = rng.normal(size=(T, draws, 1))
        h = np.zeros((draws, H))
        steps = []
        for t in range(T):
            h = np.tanh(np.einsum("nij,nj->ni", W_h, h) + W_x * x[t] + b)
            steps.append((1.0 - h**2)[:, :, None] * W_h)  # J_t = diag(tanh'(z_t)) W_h
        J = np.broadcast_to(np.eye(H), (draws, H, H))
        worst = 0.0
        for k in range(T - 1, -1, -1):
            J = J @ steps[k]  # dh_T/dh_k = J_T ... J_{k+1}
            if T - k in SPANS:
                worst = max(worst, float((np.linalg.norm(J, 2, axis=(1, 2)) / sigma ** (T - k)).max()))
        full = np.linalg.norm(J, 2, axis=(1, 2))  # k = 0: the whole span
        out.append(
            {"sigma": sigma, "worst_ratio": worst, "largest_full": float(full.max()), "bound_full": sigma**T}
        )
    return out


def pascanu_table() -> str:
    """Pascanu's bound on random draws (200 matrix RNNs per row, H = 16, T = 50, T - k in SPANS)."""
    from lstmgrad.tables import markdown_table

    rows = [
        [
            f"{r['sigma']:g}",
            f"{r['worst_ratio']:.4f}",
            "yes" if r["worst_ratio"] <= 1 else "no",
            f"{r['largest_full']:.3g}",
            f"{r['bound_full']:.3g}",
        ]
        for r in pascanu_draws()
    ]
    header = ["σ_max(W_h)", "max ‖∂h_T/∂h_k‖ / σ_max^(T−k)", "bound holds", "max ‖∂h_50/∂h_0‖", "σ_max^50"]
    return markdown_table(header, rows)


# ------------------------------------------------------------ experiment cells (cached)

#: The main comparison: one setting for all three models, stated on the page.
SEEDS = (0, 1, 2)
LAGS = (2, 5, 10, 20, 50, 90)
MAIN: dict[str, Any] = {"H": 16, "B": 32, "lr": 1e-2, "clip": 1.0, "budget": 8192, "scale": "std", "b_f": 1.0}
MODELS = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}


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
) -> dict[str, Any]:
    """One cell of an experiment: ``train`` for every seed, with the trained and initial weights."""
    run, P = train(
        kind,
        L,
        list(seeds),
        H=H,
        B=B,
        budget=budget,
        lr=lr,
        clip=clip,
        scale=scale,
        b_f=b_f,
        init=init,
        sigma_max=sigma_max,
        stop_at=stop_at,
    )
    P0 = init_params(kind, list(seeds), H, b_f=b_f, init=init, sigma_max=sigma_max, T=L + PREFIX)
    return {"run": run, "params": P, "init": P0}


def main_cell(kind: str, L: int, seeds: tuple[int, ...] = SEEDS, **overrides: Any) -> dict[str, Any]:
    """``crash_cell`` with the main setting, the page's seeds and any ``overrides``."""
    return crash_cell(kind, L, list(seeds), **{**MAIN, **overrides})


def _cells(desc: str, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run ``main_cell(**spec)`` for every spec, with one progress bar."""
    out = []
    with _progress(len(specs), desc) as bar:
        for spec in specs:
            out.append(main_cell(**spec))
            bar.update(1)
    return out


# One cache entry per experiment, not per cell: computing a cache key reads the sources.
@functools.cache  # once per process, even when the disk cache stands aside
@cached
def main_cells() -> dict[tuple[str, int], dict[str, Any]]:
    """Every (model, lag) cell of the main comparison, trained."""
    keys = [(kind, L) for L in LAGS for kind in MODELS]
    return dict(zip(keys, _cells("crash-at-lag", [{"kind": k, "L": L} for k, L in keys]), strict=True))


def _spread(values: list[float]) -> str:
    """Mean and min–max of per-seed accuracies, in percent."""
    a = 100 * np.asarray(values)
    return f"{a.mean():.0f} ({a.min():.0f}–{a.max():.0f})"


def lag_records() -> list[dict[str, Any]]:
    """Held-out accuracy of each model at each lag (main setting), one record per cell."""
    return [
        {
            "model": kind,
            "L": L,
            "accuracy": cell["run"].accuracy,
            "sequences": cell["run"].sequences,
            "to_95": cell["run"].to_95,
        }
        for (kind, L), cell in main_cells().items()
    ]


def lag_table() -> str:
    """Accuracy vs lag: mean (min–max) over seeds, per model, in percent."""
    from lstmgrad.tables import markdown_table

    by = {(r["model"], r["L"]): r for r in lag_records()}
    rows = [[str(L)] + [_spread(by[kind, L]["accuracy"]) for kind in MODELS] for L in LAGS]
    return markdown_table(["lag L"] + [f"{name} accuracy %" for name in MODELS.values()], rows)


def input_gradients(kind: str, P: Params, L: int, seeds: list[int], n: int = 64) -> dict[str, np.ndarray]:
    """Per seed (S,): mean |dloss/dx_{T-L}| and mean |dlogit/dx_{T-L}| over ``n`` held-out sequences."""
    X, y = seed_batches(seeds, 3, n, L, MAIN["scale"])()
    logits, cache = forward(kind, P, X)
    # one backward pass with dlogit = 1 per sequence gives dlogit/dx; the loss's gradient is
    # that times dloss/dlogit = sigmoid(logit) - y, sequence by sequence
    _, dx = backward(kind, P, cache, np.ones_like(logits))
    dlogit = dx[:, :, PREFIX - 1, 0]  # x_{T-L} sits at index T-1-L = PREFIX-1
    dloss = (_sigmoid(logits) - y) * dlogit
    return {"loss": np.abs(dloss).mean(axis=1), "logit": np.abs(dlogit).mean(axis=1)}


@functools.cache  # once per process, even when the disk cache stands aside
@cached
def gradient_records() -> list[dict[str, Any]]:
    """The gradient that reaches the crash input, for every model and lag, before and after training."""
    cells = main_cells()
    records = []
    for kind in MODELS:
        for L in LAGS:
            cell = cells[kind, L]
            before = input_gradients(kind, cell["init"], L, list(SEEDS))
            after = input_gradients(kind, cell["params"], L, list(SEEDS))
            records.append(
                {
                    "model": kind,
                    "L": L,
                    "loss_init": float(before["loss"].mean()),
                    "loss_trained": float(after["loss"].mean()),
                    "logit_init": float(before["logit"].mean()),
                    "logit_trained": float(after["logit"].mean()),
                }
            )
    return records


def gradient_table() -> str:
    """Mean |dloss/dx_{T-L}| at initialisation and after training, and |dlogit/dx_{T-L}| after training."""
    from lstmgrad.tables import markdown_table

    rows = [
        [
            MODELS[r["model"]],
            str(r["L"]),
            f"{r['loss_init']:.2e}",
            f"{r['loss_trained']:.2e}",
            f"{r['logit_trained']:.2e}",
        ]
        for r in gradient_records()
    ]
    header = [
        "model",
        "lag L",
        "‖∂loss/∂x_{T−L}‖ at init",
        "after training",
        "‖∂logit/∂x_{T−L}‖ after training",
    ]
    return markdown_table(header, rows)


#: The RNN control: better initialisations, two clipping thresholds.
RNN_BEST_LAGS = (20, 50, 90)
RNN_BEST = (
    ("uniform", 1.0),
    ("orthogonal", 1.0),
    ("orthogonal", 10.0),
    ("identity", 1.0),
    ("identity", 10.0),
)


@functools.cache  # once per process, even when the disk cache stands aside
@cached
def rnn_best_runs() -> dict[tuple[str, float, int], Run]:
    """The RNN control runs, keyed (init, clip, L)."""
    keys = [(init, clip, L) for init, clip in RNN_BEST for L in RNN_BEST_LAGS]
    specs = [{"kind": "rnn", "L": L, "init": init, "clip": clip} for init, clip, L in keys]
    return {key: cell["run"] for key, cell in zip(keys, _cells("RNN control", specs), strict=True)}


def rnn_best_table() -> str:
    """The tanh RNN with orthogonal or identity W_h and clipping at 1 or 10: accuracy % per lag."""
    from lstmgrad.tables import markdown_table

    runs = rnn_best_runs()
    rows = []
    for init, clip in RNN_BEST:
        row = [init, f"{clip:g}"]
        for L in RNN_BEST_LAGS:
            run = runs[init, clip, L]
            solved = sum(a >= 0.95 for a in run.accuracy)
            row.append(f"{_spread(run.accuracy)}, {solved}/{len(run.accuracy)}")
        rows.append(row)
    header = ["W_h init", "clip"] + [f"L = {L}: acc % (seeds ≥ 95 %)" for L in RNN_BEST_LAGS]
    return markdown_table(header, rows)


#: What it takes for an LSTM to bridge lag 90: input scale x forget bias.
BRIDGE_SCALES = ("raw", "std")
BRIDGE_B_F: tuple[float | str, ...] = (0.0, 1.0, 3.0, 5.0, "chrono")
BRIDGE_LAGS = (50, 90)
#: Two seeds, not three: this grid's 20 cells would otherwise be most of the experiments' cost.
BRIDGE_SEEDS = SEEDS[:2]


@functools.cache  # once per process, even when the disk cache stands aside
@cached
def bridge_records() -> list[dict[str, Any]]:
    """LSTM accuracy and sequences-to-95 % for every input scale, forget bias and lag."""
    keys = [(scale, b_f, L) for scale in BRIDGE_SCALES for b_f in BRIDGE_B_F for L in BRIDGE_LAGS]
    # the main setting's LSTM cells are this grid's (standardised, b_f = 1) cells: reuse their seeds
    shared = {("std", MAIN["b_f"], L): main_cells()["lstm", L]["run"] for L in BRIDGE_LAGS}
    todo = [key for key in keys if key not in shared]
    specs = [
        {"kind": "lstm", "L": L, "seeds": BRIDGE_SEEDS, "scale": scale, "b_f": b_f} for scale, b_f, L in todo
    ]
    runs = {key: cell["run"] for key, cell in zip(todo, _cells("LSTM bridge", specs), strict=True)}
    n = len(BRIDGE_SEEDS)
    for key, run in shared.items():  # seeds are independent, so the first n are the same runs
        runs[key] = Run(run.accuracy[:n], run.sequences[:n], run.to_95[:n], run.max_grad_norm[:n])
    return [
        {
            "scale": scale,
            "b_f": b_f,
            "L": L,
            "accuracy": runs[scale, b_f, L].accuracy,
            "to_95": runs[scale, b_f, L].to_95,
        }
        for scale, b_f, L in keys
    ]


def _to_95(values: list[int | None]) -> str:
    reached = sorted(v for v in values if v is not None)
    if not reached:
        return "not reached"
    return f"{len(reached)}/{len(values)}: " + ", ".join(f"{v:,}" for v in reached)


def bridge_table() -> str:
    """Input scale x forget-gate bias: LSTM accuracy % and sequences to reach 95 % at lags 50 and 90."""
    from lstmgrad.tables import markdown_table

    by = {(r["scale"], str(r["b_f"]), r["L"]): r for r in bridge_records()}
    rows = []
    for scale in BRIDGE_SCALES:
        for b_f in BRIDGE_B_F:
            row = [
                "raw (≈ 0.01)" if scale == "raw" else "standardised",
                f"{b_f:g}" if b_f != "chrono" else "chrono",
            ]
            for L in BRIDGE_LAGS:
                r = by[scale, str(b_f), L]
                row += [_spread(r["accuracy"]), _to_95(r["to_95"])]
            rows.append(row)
    header = ["input", "b_f"] + [
        h for L in BRIDGE_LAGS for h in (f"L = {L} acc %", f"L = {L}: sequences to 95 %")
    ]
    return markdown_table(header, rows)


#: Clipping: an RNN whose W_h has largest singular value 1.5, trained with and without clipping.
CLIP_RUN = {"L": 20, "sigma_max": 1.5, "budget": 4096, "stop_at": 2.0}


@functools.cache  # once per process, even when the disk cache stands aside
@cached
def clipping_runs() -> dict[str, dict[str, Any]]:
    """The two clipping runs (no early stop: full loss curves), keyed "clip 1" and "no clip"."""
    settings = {"clip 1": 1.0, "no clip": None}
    specs = [{"kind": "rnn", **CLIP_RUN, "clip": clip} for clip in settings.values()]
    cells = _cells("clipping", specs)
    return {name: cell["run"].__dict__ for name, cell in zip(settings, cells, strict=True)}


def clipping_table() -> str:
    """Largest gradient norm seen, final training loss and held-out accuracy, with and without clipping."""
    from lstmgrad.tables import markdown_table

    rows = []
    for name, run in clipping_runs().items():
        last = np.asarray(run["curve"][-16:]).mean(axis=0)  # last 16 updates, per seed
        rows.append(
            [
                name,
                ", ".join(f"{g:.3g}" for g in run["max_grad_norm"]),
                ", ".join(f"{x:.3f}" for x in last),
                _spread(run["accuracy"]),
            ]
        )
    return markdown_table(["training", "largest ‖g‖ per seed", "final loss per seed", "accuracy %"], rows)


def setup_table() -> str:
    """The main setting, as the page states it."""
    from lstmgrad.tables import markdown_table

    m = MAIN
    rows = [
        ["daily returns r_t", f"N(0, {SIGMA:g}²); the crash is r = −{CRASH:g}, with probability 1/2"],
        ["sequence length", f"T = L + {PREFIX}; the crash sits at t = T − L"],
        ["input (main setting)", f"standardised, r_t / {SIGMA:g} (the crash becomes −{CRASH / SIGMA:g})"],
        ["models", f"tanh RNN, LSTM, GRU; hidden size H = {m['H']}; readout sigmoid(w·h_T + c)"],
        [
            "initialisation",
            f"PyTorch's: every weight and bias ~ U(±1/√H); LSTM forget bias b_f = {m['b_f']:g}",
        ],
        ["loss, optimiser", f"logistic loss; Adam, learning rate {m['lr']:g}, batch {m['B']}"],
        ["clipping", f"global gradient norm clipped to {m['clip']:g}, each seed on its own"],
        ["budget", f"{m['budget']:,} training sequences per seed ({m['budget'] // m['B']} updates)"],
        ["early stop", "held-out accuracy ≥ 99 % on 128 sequences, checked every 20 updates"],
        ["reported accuracy", "on 512 fresh sequences per seed, after the stop"],
        ["seeds", ", ".join(str(s) for s in SEEDS) + f"; section 5 uses the first {len(BRIDGE_SEEDS)} only"],
    ]
    return markdown_table(["setting", "value"], rows, align="left")
