"""The article's chapters, computed: the numbers behind their tables, plots and diagrams.

Each function names the page (``docs/*.md``) that shows its numbers; `lstmgrad.present` formats
them. The RNN is the scalar one of `lstmgrad.models.rnn`, the LSTM `lstmgrad.models.lstm`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from lstmgrad.checks import as_count, as_counts, as_float, as_sequence
from lstmgrad.models import lstm
from lstmgrad.models.rnn import (
    MAX_RECORDS,
    bptt_steps,
    cumulative_factors,
    local_factors,
    scalar_forward,
    sweep_rows,
)
from lstmgrad.studies.gates import lstm_trace
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE

Record = TypeVar("Record")

#: The article's eight recurrent weights (``docs/sensitivity.md``, "Sensitivity to W_h").
SWEEP_W_HS = (0.1, 0.3, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0)


def at_lags(records: Sequence[Record], lags: Iterable[int]) -> list[tuple[int, Record]]:
    """``(k, record t = T-k+1)`` for each lag k: the record whose chain spans the last k steps."""
    T = len(records)
    lags = as_counts("lags", lags, hi=T, why=f"the sequence has T = {T} steps")
    return [(k, records[T - k]) for k in lags]


def dh_T_dh_t(steps: Sequence[dict[str, float]]) -> list[float]:
    """``dh_T/dh_t`` for t = 0..T, from `lstmgrad.models.rnn.bptt_steps`: entry 0 is the whole chain,
    dh_T/dh_0; entry T is dh_T/dh_T = 1."""
    return [s["cumulative"] for s in steps] + [1.0]


@dataclass(frozen=True)
class ChainBack:
    """The chain ``dh_T/dh_{T-k}`` at each lag k beside ``reference**k``, and the local factors' range."""

    T: int
    lags: list[int]
    chain: list[float]  # dh_T/dh_{T-k}: the product of the last k local factors
    reference: list[float]  # reference**k
    local_min: float
    local_max: float


def chain_back(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    b: float = 0.0,
    h_0: float = 0.0,
    reference: float = 0.7,
    lags: Iterable[int] | None = None,
) -> ChainBack:
    """How far back the gradient reaches: at each lag k (default 1..T), dh_T/dh_{T-k} and ``reference**k``.

    Shown in the BPTT chapter (``docs/bptt.md``, the decay plot), on the failure case
    (``docs/failure-case.md``, 90 days) and in the exercises (``docs/exercises.md``).
    """
    T = len(as_sequence("sequence", sequence))
    if lags is None and T > MAX_RECORDS:
        raise ValueError(
            f"sequence has {T:,} steps; chain_back at every lag takes at most {MAX_RECORDS:,}: pass lags"
        )
    trace = scalar_forward(sequence, W_h=W_h, W_x=W_x, b=b, h_0=h_0)  # arrays, not records: cheap at 10^6
    local = local_factors(trace)
    cumulative = cumulative_factors(local)  # entry T-k: dh_T/dh_{T-k}
    ks = list(range(1, T + 1)) if lags is None else [k for k, _ in at_lags(range(T), lags)]
    reference = as_float("reference", reference)
    if abs(reference) > 1:  # reference**k underflows harmlessly below 1, but overflows above it
        why = f"{reference:g}^k overflows a 64-bit float beyond it"
        as_count("the largest lag", max(ks), hi=power_limit(reference), why=why)
    return ChainBack(
        T=T,
        lags=ks,
        chain=cumulative[T - np.asarray(ks)].tolist(),
        reference=[reference**k for k in ks],
        local_min=float(local.min()),
        local_max=float(local.max()),
    )


def constant_powers(factor: float = 0.7, steps: Sequence[int] = (5, 100)) -> list[dict[str, float]]:
    """A chain of T equal factors: ``factor**T`` and the shrinkage ``factor**-T``, one record per T.

    Shown in the BPTT chapter (``docs/bptt.md``) and the errata (``docs/errata.md``).
    """
    factor = as_float("factor", factor)
    if factor == 0:
        raise ValueError("factor must be a nonzero number (its shrinkage is 1/factor^T), got 0")
    why = f"beyond it {factor:g}^T or 1/{factor:g}^T overflows a 64-bit float"
    return [
        {"T": T, "power": factor**T, "shrinkage": factor**-T}
        for T in as_counts("steps", steps, hi=power_limit(factor), why=why)
    ]


def power_limit(factor: float) -> int | None:
    """The largest T for which ``factor**T`` and ``factor**-T`` are both finite floats (None: any T)."""
    a = abs(float(factor))
    if a == 1:
        return None
    T = math.floor(math.log(sys.float_info.max) / abs(math.log(a)))
    while T > 0:
        try:
            a**T, a**-T
            return T
        except (OverflowError, ZeroDivisionError):
            T -= 1
    return 0


def w_h_grid(lo: float, hi: float, step: float) -> np.ndarray:
    """Recurrent weights from ``lo`` to ``hi`` (inclusive) in steps of ``step``, rounded to 6 decimals."""
    return np.round(np.arange(lo, hi + step / 2, step), 6)


def sweep_peak(sequence: Sequence[float], grid: Any, W_x: float = 0.01) -> tuple[list[dict[str, float]], int]:
    """`lstmgrad.models.rnn.sweep_rows` over the W_h in ``grid``, and the index where dh_T/dh_0 peaks.

    Shown on the sensitivity page (``docs/sensitivity.md``, table and plot) and in the errata
    (``docs/errata.md``). The index is that of the first largest ``cumulative``.
    """
    rows = sweep_rows(sequence, grid, W_x=W_x)
    return rows, max(range(len(rows)), key=lambda i: rows[i]["cumulative"])


def saturation_rows(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_hs: Sequence[float] = SWEEP_W_HS,
    W_x: float = 0.01,
) -> list[dict[str, float]]:
    """dh_T/dh_0 = W_h**T * prod tanh'(z_t), split into its two parts, one record per W_h.

    Record keys: ``W_h``, ``z_max`` (the largest z_t), ``W_h_T`` (W_h**T), ``tanh_slopes``
    (prod tanh'(z_t)) and ``chain`` (dh_T/dh_0). The first part grows with W_h; the second
    shrinks, because a larger W_h pushes every z_t further into tanh's flat tails.
    Shown on the sensitivity page (``docs/sensitivity.md``).
    """
    rows = []
    for W_h in W_hs:
        steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
        slopes = np.array([1.0 - s["h"] ** 2 for s in steps])  # tanh'(z_t), from h_t = tanh(z_t)
        rows.append(
            {
                "W_h": float(W_h),
                "z_max": max(s["z"] for s in steps),
                "W_h_T": float(W_h) ** len(steps),
                "tanh_slopes": float(np.prod(slopes)),
                "chain": steps[0]["cumulative"],
            }
        )
    return rows


def lstm_path_rows(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lstm_w_x: float = 0.01,
    lstm_w_h: float = 0.5,
    b_i: float = 0.0,
    b_f: float = 2.0,
    b_g: float = 0.0,
    b_o: float = 0.0,
) -> list[dict[str, float]]:
    """The RNN's chain beside a one-unit LSTM's cell path, one record per step t = 1..T.

    The RNN is the anchor's (``W_h``, ``W_x``, b = 0, h_0 = 0). Every LSTM gate has input weight
    ``lstm_w_x`` and recurrent weight ``lstm_w_h``; the biases are ``b_i, b_f, b_g, b_o``.
    Record t holds ``rnn_local`` (dh_t/dh_{t-1}), ``rnn_chain`` (dh_T/dh_{t-1}), ``f`` (f_t),
    ``cell_path`` (prod f_t..f_T = dC_T/dC_{t-1} along the cell state alone) and ``cell_full``
    (dC_T/dC_{t-1} with the paths through h and the gates included).
    Shown in the LSTM chapter (``docs/lstm.md``: table, plot and cell diagram) and by ``lstmgrad lstm``
    (``docs/cli.md``).

    ``docs/javascripts/explorable.js`` repeats the RNN chain, ``f`` and ``cell_path`` in the reader's
    browser (the LSTM chapter's b_f slider); ``tests/test_explorable.py`` checks it against this
    function via ``lstmgrad lstm``.
    """
    steps = bptt_steps(sequence, W_h=W_h, W_x=W_x)
    trace = lstm_trace(sequence, w_x=lstm_w_x, w_h=lstm_w_h, b_f=b_f, b_i=b_i, b_g=b_g, b_o=b_o)
    f = trace.f[0, :, 0]
    path = lstm.cell_path(trace)[0, :, 0]  # entry k: dC_T/dC_k, k = 0..T
    full = lstm.cell_jacobian(trace)[0, :, 0, 0]
    return [
        {
            "t": t,
            "x": s["x"],
            "rnn_local": s["local"],
            "rnn_chain": s["cumulative"],
            "f": float(f[t - 1]),
            "cell_path": float(path[t - 1]),
            "cell_full": float(full[t - 1]),
        }
        for t, s in enumerate(steps, start=1)
    ]


def forget_retention_rows(
    b_fs: Iterable[float] = (0.0, 1.0, 3.0, 5.0), lags: Sequence[int] = (50, 90)
) -> list[dict[str, Any]]:
    """What an untrained forget gate keeps, one record per bias b_f.

    ``f`` = sigma(b_f) kept per step, ``forgotten`` = 1 - sigma(b_f), ``kept`` = sigma(b_f)**L for
    each lag L, and ``memory`` = 1 + e^b_f. With the gate's weights small next to its bias, f_t is
    about sigma(b_f), so the cell path keeps sigma(b_f)**L of C over L steps; the gate forgets
    1 / (1 + e^b_f) per step, so a memory lasts about 1 + e^b_f steps.
    Shown on the Experiments page (``docs/experiments.md``, section 5).
    """
    rows = []
    for b in b_fs:
        f = 1.0 / (1.0 + np.exp(-float(b)))  # sigma(b_f)
        rows.append(
            {
                "b_f": float(b),
                "f": f,
                "forgotten": 1.0 - f,
                "kept": [f**L for L in lags],
                "memory": 1.0 + np.exp(float(b)),
            }
        )
    return rows


def chrono_bias_range(T: int) -> tuple[float, float]:
    """The forget biases chrono initialisation (b_f = log u, u ~ U(1, T - 1)) spans for length T.

    Shown on the Experiments page (``docs/experiments.md``, section 5) through `forget_retention_rows`.
    """
    return 0.0, float(np.log(T - 1.0))  # log of the ends of U(1, T - 1)
