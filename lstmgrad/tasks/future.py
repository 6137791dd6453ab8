"""The future-context task: a label that depends on an input the model has not read yet.

x_t ~ N(0, 1) for t = 1..T, and the label at step t is ``1[x_{t+k} > 0]`` (steps with
t + k > T carry no label). A left-to-right model has not read x_{t+k} when it answers at t,
so for k >= 1 it can only guess; a bidirectional model or attention can read it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lstmgrad.checks import as_count

#: Sequence length and offsets k of the future-context task.
FUTURE_T = 16
FUTURE_KS = (0, 1, 2, 4, 8)


def future_batch(rng: np.random.Generator, B: int, k: int, T: int = FUTURE_T) -> tuple[np.ndarray, ...]:
    """``B`` sequences of the future-context task: x (B, T, 1), labels y (B, T), label mask (B, T).

    ``y[:, t] = 1[x[:, t + k] > 0]`` where t + k < T; the mask is 0 on the last k steps.
    """
    B, T = as_count("B", B), as_count("T", T)
    if not 0 <= k < T:
        raise ValueError(f"k must be in [0, T) = [0, {T}), got {k}")
    x = rng.normal(size=(B, T, 1))
    y = np.zeros((B, T))
    mask = np.zeros((B, T))
    y[:, : T - k] = x[:, k:, 0] > 0
    mask[:, : T - k] = 1.0
    return x, y, mask


def seed_batches(seeds: list[int], stream: int, B: int, k: int) -> Callable[[], tuple[np.ndarray, ...]]:
    """A source of stacked batches (S, B, ...), one generator per seed and ``stream``
    (0 training, 1 held out, 2 test)."""
    rngs = [np.random.default_rng([seed, stream, k]) for seed in seeds]

    def draw() -> tuple[np.ndarray, ...]:
        triples = [future_batch(rng, B, k) for rng in rngs]
        return tuple(np.stack(parts) for parts in zip(*triples, strict=True))

    return draw
