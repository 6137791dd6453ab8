"""The exercises that use the explorables, answered: each searches the grid a slider moves on.

Shown on "Test your understanding" (``docs/exercises.md``, questions 6 to 9). The grids are the
sliders' (``docs/javascripts/explorable.js``: b from -5 to 5 in steps of 0.01, W_x from -0.1 to
0.1 in steps of 0.001, b_f from -4 to 6 in steps of 0.1); the snippets state them.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmgrad.models.rnn import bptt_steps
from lstmgrad.studies.article import lstm_path_rows, w_h_grid
from lstmgrad.studies.loss_terms import loss_terms, term_ratio
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE, repeated_sequence


def best_bias(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lo: float = -5.0,
    hi: float = 5.0,
    step: float = 0.01,
) -> dict[str, float]:
    """The bias b on the grid ``lo..hi`` (``step``) at which the whole chain dh_T/dh_0 is largest.

    Returns ``b``, ``chain`` there, ``chain_at_0`` (b = 0) and ``bound`` = |W_h|**T, which no
    chain can pass because tanh' <= 1.
    """
    grid = w_h_grid(lo, hi, step)
    chains = [bptt_steps(sequence, W_h=W_h, W_x=W_x, b=float(b))[0]["cumulative"] for b in grid]
    best = max(range(len(grid)), key=lambda k: chains[k])
    return {
        "b": float(grid[best]),
        "chain": chains[best],
        "chain_at_0": bptt_steps(sequence, W_h=W_h, W_x=W_x)[0]["cumulative"],
        "bound": abs(float(W_h)) ** len(sequence),
    }


def exploding_input_weights(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 1.5,
    lo: float = -0.1,
    hi: float = 0.1,
    step: float = 0.001,
) -> list[dict[str, float]]:
    """Every input weight W_x on the grid ``lo..hi`` (``step``) at which |dh_T/dh_0| exceeds 1, with b = 0."""
    rows = []
    for W_x in w_h_grid(lo, hi, step):
        chain = bptt_steps(sequence, W_h=W_h, W_x=float(W_x))[0]["cumulative"]
        if abs(chain) > 1:
            rows.append({"W_x": float(W_x), "chain": chain})
    return rows


def forget_bias_to_keep(
    share: float = 0.5, days: int = 90, lo: float = -4.0, hi: float = 6.0, step: float = 0.1
) -> dict[str, float]:
    """The smallest forget bias b_f on the grid at which the LSTM chapter's cell path over all ``days``
    (`lstmgrad.studies.article.lstm_path_rows`, the anchor repeated) keeps at least ``share``.

    Returns ``b_f``, ``cell_path`` there, and ``below``, the cell path one grid step lower.
    Raises ``ValueError`` if no b_f on the grid keeps that much.
    """
    seq = repeated_sequence(days)
    previous = None
    for b_f in w_h_grid(lo, hi, step):
        path = lstm_path_rows(seq, b_f=float(b_f))[0]["cell_path"]
        if path >= share:
            return {
                "b_f": float(b_f),
                "cell_path": path,
                "below": previous if previous is not None else float("nan"),
            }
        previous = path
    raise ValueError(f"no b_f in [{lo:g}, {hi:g}] keeps {share:g} of the cell path over {days} days")


def closest_first_term(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lo: float = -5.0,
    hi: float = 5.0,
    step: float = 0.01,
) -> dict[str, float]:
    """The bias b on the grid at which day 1's term of dL/dW_x comes closest in size to day T's: the
    smallest ratio |term_T| / |term_1| of `lstmgrad.studies.loss_terms.loss_terms`.

    Returns ``b``, ``ratio`` there, ``ratio_at_0`` (b = 0) and ``floor`` = |x_T / x_1| / |W_h|**(T-1):
    the ratio is that floor divided by tanh'(z_1) ... tanh'(z_{T-1}), each at most 1, so no bias
    brings it lower.
    """
    grid = w_h_grid(lo, hi, step)
    T = len(sequence)
    ratios = [term_ratio(loss_terms(sequence, W_h=W_h, W_x=W_x, b=float(b)), "W_x", T, 1) for b in grid]
    best = min(range(len(grid)), key=lambda k: ratios[k])
    return {
        "b": float(grid[best]),
        "ratio": ratios[best],
        "ratio_at_0": term_ratio(loss_terms(sequence, W_h=W_h, W_x=W_x), "W_x", T, 1),
        "floor": abs(sequence[-1] / sequence[0]) / abs(float(W_h)) ** (T - 1),
    }
