"""The exploding region and Pascanu's bound, computed on every build: section 4 of the
Experiments page (``docs/experiments.md``, "The exploding region"). Nothing here is trained.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: The heatmap grid: recurrent weight W_h x constant input drive u = W_x x, and the lengths.
HEAT_W_H = np.linspace(0.0, 3.0, 121)
HEAT_SCALE = np.linspace(0.0, 2.0, 81)
HEAT_T = (5, 20, 100)


def exploding_grid() -> np.ndarray:
    """|dh_T/dh_0| of the scalar RNN on the heatmap grid, shape (len(HEAT_T), W_h, scale).

    Shown on ``docs/experiments.md`` (section 4, the heatmap)."""
    from lstmgrad.sweeps import scalar_sweep

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
    Shown on ``docs/experiments.md`` (section 4, Pascanu's bound).
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
