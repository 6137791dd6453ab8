"""The errata and the exercises, computed: the numbers that check or extend the article's claims.

Each function names the page that shows its numbers (``docs/errata.md`` or ``docs/exercises.md``);
`lstmgrad.present.errata` formats them. The RNN is the scalar one of `lstmgrad.models.rnn`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmgrad.models.rnn import bptt_steps
from lstmgrad.studies.article import dh_T_dh_t
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE


def chain_ends(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> dict[str, float]:
    """Where the BPTT chain ends: ``h_0`` (dh_T/dh_0, the BPTT table's row labelled t = 1) beside the
    chain that stops at day 1: ``h_1`` (dh_T/dh_1), ``z_1`` (dh_T/dz_1) and ``x_1`` (dh_T/dx_1).

    dh_T/dh_1 drops the factor h_0 -> h_1; dh_T/dz_1 and dh_T/dx_1 go on from h_1 to day 1's
    pre-activation and to day 1's input. Shown in the errata (``docs/errata.md``).
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    chain = dh_T_dh_t(steps)
    to_z1 = chain[1] * (1.0 - steps[0]["h"] ** 2)  # dh_1/dz_1 = tanh'(z_1)
    return {"h_0": chain[0], "h_1": chain[1], "z_1": to_z1, "x_1": to_z1 * W_x}  # dz_1/dx_1 = W_x


def orders(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> dict[str, dict[str, float]]:
    """How many orders of magnitude the chain loses from the row t = T to the row t = 1 of the BPTT table.

    ``printed``: from the values rounded to 6 decimals, as the table prints them; ``full``: from
    the values at full precision. Each holds ``late``, ``early``, ``ratio`` and ``orders`` (log10
    of the ratio). Shown in the errata (``docs/errata.md``).
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    late, early = steps[-1]["cumulative"], steps[0]["cumulative"]
    out = {}
    for name, (a, b) in {"printed": (round(late, 6), round(early, 6)), "full": (late, early)}.items():
        out[name] = {"late": a, "early": b, "ratio": a / b, "orders": float(np.log10(a / b))}
    return out


#: The ends `orders_readings` compares, late end first: the BPTT table's row t = T (dh_T/dh_{T-1})
#: or h_T itself (dh_T/dh_T = 1), against the row t = 1 (dh_T/dh_0) or day 1's state (dh_T/dh_1).
READINGS = (("row_T", "h_0"), ("row_T", "h_1"), ("h_T", "h_1"), ("h_T", "h_0"))


def orders_readings(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> list[dict[str, Any]]:
    """Orders of magnitude between the late and the early end of the chain, one record per pair in `READINGS`.

    The row labelled t = T holds dh_T/dh_{T-1}, one factor already; the gradient arriving at h_T
    itself is dh_T/dh_T = 1. The row labelled t = 1 holds dh_T/dh_0; the chain to day 1's state
    is dh_T/dh_1. Each record: ``late``, ``early`` (the keys), their values ``late_value`` and
    ``early_value``, ``ratio`` and ``orders`` (log10). Shown in the errata (``docs/errata.md``).
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    chain = dh_T_dh_t(steps)
    value = {"row_T": steps[-1]["cumulative"], "h_T": 1.0, "h_0": chain[0], "h_1": chain[1]}
    return [
        {
            "late": late,
            "early": early,
            "late_value": value[late],
            "early_value": value[early],
            "ratio": value[late] / value[early],
            "orders": float(np.log10(value[late] / value[early])),
        }
        for late, early in READINGS
    ]


def mean_factors(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01, steps: int = 20
) -> dict[str, Any]:
    """Which "average" local factor reproduces the chain: the article's 0.1, the arithmetic or geometric mean.

    ``candidates`` holds one record per average (``name``: ``article``, ``arithmetic`` or
    ``geometric``; ``value``; ``at_T``, its T-th power, to compare with the exact chain ``exact``
    = dh_T/dh_0; ``at_steps``, its power ``steps``). Shown in the errata and the exercises
    (``docs/errata.md``, ``docs/exercises.md``).
    """
    records = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    local = np.array([s["local"] for s in records])
    T = len(local)
    means = {
        "article": 0.1,
        "arithmetic": float(local.mean()),
        "geometric": float(np.exp(np.log(local).mean())),
    }
    candidates = [{"name": k, "value": m, "at_T": m**T, "at_steps": m**steps} for k, m in means.items()]
    return {"T": T, "steps": steps, "candidates": candidates, "exact": records[0]["cumulative"]}


def hand_product(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> dict[str, Any]:
    """The product of the local factors as printed (rounded to 4 decimals) against the exact product.

    ``rounded`` lists the rounded factors from t = T down to 1; ``by_hand`` is their product,
    ``exact`` that of the factors at full precision, ``change`` = |by_hand / exact - 1|.
    Shown in the exercises (``docs/exercises.md``).
    """
    local = [s["local"] for s in bptt_steps(sequence, W_h=W_h, W_x=W_x)]
    rounded = [round(v, 4) for v in local]
    by_hand = float(np.prod(rounded[::-1]))
    exact = float(np.prod(local[::-1]))
    return {"rounded": rounded[::-1], "by_hand": by_hand, "exact": exact, "change": abs(by_hand / exact - 1)}


def input_scale_rows(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 1.5, W_xs: Sequence[float] = (0.01, 0.0001)
) -> list[dict[str, float]]:
    """One W_h, several input weights: saturated z_t makes the chain vanish, z_t near 0 lets it grow.

    One record per W_x: the ranges of z_t (``z_min``, ``z_max``) and of the local factors
    (``local_min``, ``local_max``), the chain dh_T/dh_0 (``chain``) and ``W_h_T`` = W_h**T.
    Shown in the errata and the exercises (``docs/errata.md``, ``docs/exercises.md``).
    """
    rows = []
    for W_x in W_xs:
        steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
        z = [s["z"] for s in steps]
        local = [s["local"] for s in steps]
        rows.append(
            {
                "W_h": W_h,
                "W_x": W_x,
                "z_min": min(z),
                "z_max": max(z),
                "local_min": min(local),
                "local_max": max(local),
                "chain": steps[0]["cumulative"],
                "W_h_T": W_h ** len(steps),
            }
        )
    return rows


def constant_chain(
    factors: Sequence[float] = (0.1, 0.7, 0.9, 0.99), steps: Sequence[int] = (5, 20, 100)
) -> list[list[float]]:
    """``factor**T`` by repeated multiplication: one row per T in ``steps``, one entry per factor.

    RNN-like factors beside LSTM-like forget gates. Shown in the exercises (``docs/exercises.md``).
    """
    rows = []
    for T in steps:
        row = []
        for f in factors:
            product = 1.0
            for _ in range(T):
                product *= f
            row.append(product)
        rows.append(row)
    return rows


def learning_rate_terms(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lrs: Sequence[float] = (0.01, 1.0, 100.0),
) -> dict[str, Any]:
    """What a learning rate does to the per-day terms of dh_T/dW_x: it scales them all alike.

    Day t's term is ``dh_T/dh_t * tanh'(z_t) * x_t``. ``first`` and ``last`` are day 1's and
    day T's, with their ``share_first``, ``share_last`` of the sum and ``ratio`` = last / first;
    ``updates`` holds ``(lr, lr * first, lr * last)`` per rate. ``underflowed`` is a term that
    underflowed (0.1 multiplied 46 times in float32) and ``underflowed_updates`` what each rate
    makes of it, in float32. Shown in the exercises (``docs/exercises.md``).
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    to_h = dh_T_dh_t(steps)[1:]  # dh_T/dh_t, t = 1..T
    terms = [to_h[t] * (1.0 - steps[t]["h"] ** 2) * steps[t]["x"] for t in range(len(steps))]
    first, last = terms[0], terms[-1]
    underflowed = np.float32(1.0)
    for _ in range(46):
        underflowed = np.float32(underflowed * np.float32(0.1))
    return {
        "T": len(steps),
        "first": first,
        "last": last,
        "share_first": first / sum(terms),
        "share_last": last / sum(terms),
        "ratio": last / first,
        "updates": [(lr, lr * first, lr * last) for lr in lrs],
        "underflowed": float(underflowed),
        "underflowed_updates": [float(np.float32(lr) * underflowed) for lr in lrs],
    }
