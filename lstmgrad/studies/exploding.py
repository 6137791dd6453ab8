"""The exploding region and Pascanu's bound, computed on every build: section 4 of the
Experiments page (``docs/experiments.md``, "The exploding region"). Nothing here is trained.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmgrad.models import rnn

#: The heatmap grid: recurrent weight W_h x constant input drive u = W_x x, and the lengths.
HEAT_W_H = np.linspace(0.0, 3.0, 121)
HEAT_SCALE = np.linspace(0.0, 2.0, 81)
HEAT_T = (5, 20, 100)


def exploding_grid() -> np.ndarray:
    """|dh_T/dh_0| of the scalar RNN on the heatmap grid, shape (len(HEAT_T), W_h, scale).

    Shown on ``docs/experiments.md`` (section 4, the heatmap)."""
    from lstmgrad.models.sweeps import scalar_sweep

    return np.abs(scalar_sweep(HEAT_W_H, HEAT_SCALE, list(HEAT_T)))


def exploding_records() -> list[dict[str, Any]]:
    """Per T in HEAT_T: the share of the (W_h, W_x x) grid where |dh_T/dh_0| > 1 and < 1e-5, the
    share > 1 where the input alone reaches tanh's shoulder (W_x x >= 1), and the largest value
    with where it sits. Shown on ``docs/experiments.md`` (section 4, the table)."""
    rows = []
    for T, g in zip(HEAT_T, exploding_grid(), strict=True):
        i, j = np.unravel_index(int(np.argmax(g)), g.shape)
        driven = g[:, HEAT_SCALE >= 1.0]
        rows.append(
            {
                "T": T,
                "above_1": float((g > 1).mean()),
                "below_1e-5": float((g < 1e-5).mean()),
                "driven_above_1": float((driven > 1).mean()),
                "largest": float(g[i, j]),
                "at_W_h": float(HEAT_W_H[i]),
                "at_scale": float(HEAT_SCALE[j]),
            }
        )
    return rows


#: The spans T - k at which Pascanu's bound is checked.
SPANS = (1, 2, 5, 10, 20, 50)


def random_rnns(sigma: float, draws: int, H: int, T: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``draws`` random matrix RNNs as one stack, and an input sequence for each: W_h (draws, H, H)
    with N(0, 1) entries rescaled to largest singular value ``sigma``, W_x (draws, H, 1) ~ N(0, 1),
    b (draws, H) ~ N(0, 0.1^2), x (draws, 1, T, 1) ~ N(0, 1): the arguments of
    `lstmgrad.models.rnn.forward`, for Pascanu's bound on ``docs/experiments.md``."""
    rng = np.random.default_rng([seed, int(round(sigma * 1000))])
    W_h = rng.normal(size=(draws, H, H))
    W_h *= sigma / np.linalg.norm(W_h, 2, axis=(1, 2))[:, None, None]
    W_x = rng.normal(size=(draws, H, 1))
    b = rng.normal(0.0, 0.1, size=(draws, H))
    x = np.moveaxis(rng.normal(size=(T, draws, 1)), 0, 1)[:, None]  # (draws, B = 1, T, D = 1)
    return {"x": x, "W_x": W_x, "W_h": W_h, "b": b}


def pascanu_draws(
    sigmas: tuple[float, ...] = (0.5, 0.9, 0.99, 1.5),
    draws: int = 200,
    H: int = 16,
    T: int = 50,
    seed: int = 0,
) -> list[dict[str, float]]:
    """Random matrix RNNs (`random_rnns`, h_0 = 0): the worst ratio ||dh_T/dh_k||_2 / sigma_max^(T-k)
    over draws and T-k in SPANS, the largest ||dh_T/dh_0||_2 and the median spectral radius of W_h.

    The draws run through `lstmgrad.models.rnn.forward` as one stack of models. Since
    |tanh'| <= 1, each step's Jacobian diag(tanh'(z_t)) W_h has norm <= sigma, so the ratio can
    never exceed 1 (Pascanu, Mikolov & Bengio 2013); for sigma < 1 that forces the gradient to
    vanish. Shown on ``docs/experiments.md`` (section 4, Pascanu's bound).
    """
    out = []
    for sigma in sigmas:
        rnns = random_rnns(sigma, draws, H, T, seed)
        W_h = rnns["W_h"]
        slope = 1.0 - rnn.forward(**rnns).h[:, 0] ** 2  # tanh'(z_t), (draws, T, H)
        J = np.broadcast_to(np.eye(H), (draws, H, H))
        worst = 0.0
        for k in range(T - 1, -1, -1):
            J = J @ (slope[:, k, :, None] * W_h)  # dh_T/dh_k = J_T ... J_{k+1}, J_t = diag(tanh'(z_t)) W_h
            if T - k in SPANS:
                worst = max(worst, float((np.linalg.norm(J, 2, axis=(1, 2)) / sigma ** (T - k)).max()))
        full = np.linalg.norm(J, 2, axis=(1, 2))  # k = 0: the whole span
        # the spectral radius, not sigma_max, sets how W_h^n itself grows for large n
        radius = np.abs(np.linalg.eigvals(W_h)).max(axis=1)
        out.append(
            {
                "sigma": sigma,
                "worst_ratio": worst,
                "largest_full": float(full.max()),
                "bound_full": sigma**T,
                "median_radius": float(np.median(radius)),
            }
        )
    return out


def jacobian_growth(
    W_h: np.ndarray, patterns: dict[str, list[tuple[float, ...]]], span: int = 50
) -> list[dict[str, Any]]:
    """How the product of step Jacobians J_t = diag(tanh'(z_t)) W_h grows, for slopes tanh'(z_t)
    repeating with period p (``patterns``: name -> the p slope vectors). Per pattern: rho(W_h),
    sigma_max(W_h), the growth rate per step exp(lambda) = rho(J_p ... J_1)^(1/p), which is
    exactly the top Lyapunov exponent lambda of a periodic product, and ||J_span ... J_1||_2.
    Shown on ``docs/experiments.md`` (section 4: the spectral radius of W_h alone does not set it).
    """
    W_h = np.asarray(W_h, dtype=float)
    rows = []
    for name, slopes in patterns.items():
        steps = [np.diag(np.asarray(d, dtype=float)) @ W_h for d in slopes]
        period = np.eye(len(W_h))
        for J in steps:
            period = J @ period
        product = np.eye(len(W_h))
        for t in range(span):
            product = steps[t % len(steps)] @ product
        growth = float(np.abs(np.linalg.eigvals(period)).max() ** (1 / len(steps)))
        rows.append(
            {
                "pattern": name,
                "radius_W": float(np.abs(np.linalg.eigvals(W_h)).max()),
                "sigma_W": float(np.linalg.norm(W_h, 2)),
                "growth": growth,
                "lyapunov": float(np.log(growth)),
                "span": span,
                "norm_span": float(np.linalg.norm(product, 2)),
            }
        )
    return rows
