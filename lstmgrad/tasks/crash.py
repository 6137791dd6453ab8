"""The crash-at-lag task, which every trained result of the Experiments chapter runs.

A sequence holds T = L + PREFIX daily returns r_t ~ N(0, SIGMA). With probability 1/2 a
crash, r = -CRASH, sits exactly L steps before the end (at t = T - L, counting the last step
as t = T). The label is 1 if the crash happened; the model answers at the last step.

Input scaling: ``scale="raw"`` feeds r_t as it is (about 0.01); ``scale="std"`` feeds
r_t / SIGMA (unit variance; the crash is then -CRASH / SIGMA = -8).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lstmgrad.checks import as_count

#: Task constants: daily-return noise, crash size, noise days before the crash.
SIGMA = 0.01
CRASH = 0.08
PREFIX = 5


def crash_batch(
    rng: np.random.Generator, B: int, L: int, scale: str = "std"
) -> tuple[np.ndarray, np.ndarray]:
    """``B`` sequences of the crash-at-lag task: inputs (B, T, 1) and labels (B,), T = L + PREFIX."""
    B, L = as_count("B", B), as_count("L", L, lo=0)
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
    seeds: list[int], stream: int, B: int, L: int, scale: str = "std"
) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    """A source of (S, B, T, 1) inputs and (S, B) labels: one generator per seed and ``stream``
    (0 training, 1 held out, 2 test, 3 gradient probes), so seed s sees the same data in any stack."""
    rngs = [np.random.default_rng([seed, stream, L]) for seed in seeds]

    def draw() -> tuple[np.ndarray, np.ndarray]:
        pairs = [crash_batch(rng, B, L, scale) for rng in rngs]
        return np.stack([x for x, _ in pairs]), np.stack([y for _, y in pairs])

    return draw
