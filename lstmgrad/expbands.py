"""Tolerance bands for the experiments' trained results: each is a claim the page makes, a
range every seed must fall in, and the range ten seeds gave offline.

Kept apart from :mod:`lstmgrad.experiments` so that tuning a band does not change that
module's source, and so does not invalidate its cached results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.experiments import (
    BRIDGE_B_F,
    BRIDGE_LAGS,
    CLIP_RUN,
    MODELS,
    Run,
    bridge_records,
    clipping_runs,
    main_cell,
    main_cells,
    rnn_best_runs,
)

#: How to rerun each experiment's cell ``key`` with other seeds (for ``justify_bands``).
_SPECS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "main": lambda key: {"kind": key[0], "L": key[1]},
    "rnn": lambda key: {"kind": "rnn", "init": key[0], "clip": key[1], "L": key[2]},
    "bridge": lambda key: {"kind": "lstm", "scale": key[0], "b_f": key[1], "L": key[2]},
    "clip": lambda key: {"kind": "rnn", **CLIP_RUN, "clip": 1.0 if key == "clip 1" else None},
}


@dataclass(frozen=True)
class Band:
    """A claim about trained models: every seed's ``stat`` in every listed cell lies in [lo, hi].

    ``offline`` is the range the same cells gave over ten seeds (0-9), run once with
    ``justify_bands``; the band is set around it, so it holds for any reasonable seed.
    """

    claim: str
    experiment: str  # "main", "rnn", "bridge" or "clip"
    keys: tuple[Any, ...]
    lo: float
    hi: float
    offline: str
    stat: str = "accuracy"


def _long(*lags: int) -> tuple[tuple[str, int], ...]:
    return tuple((kind, L) for kind in MODELS for L in lags)


# The "offline" ranges are what justify_bands() printed for seeds 0-9 at the main setting
# (8,192 sequences), run once; each band is set so that all ten seeds lie inside it.
BANDS = (
    Band("every model solves lags 2 to 10", "main", _long(2, 5, 10), 0.95, 1.0, "0.963 to 1"),
    Band("the LSTM solves lag 20", "main", (("lstm", 20),), 0.95, 1.0, "0.994 to 1"),
    Band(
        "the LSTM (b_f = 1) and the GRU are at chance at lags 50 and 90",
        "main",
        tuple((kind, L) for kind in ("lstm", "gru") for L in (50, 90)),
        0.40,
        0.60,
        "0.443 to 0.541",
    ),
    Band(
        "the tanh RNN reaches 95 % with no seed at lags 50 and 90",
        "main",
        (("rnn", 50), ("rnn", 90)),
        0.40,
        0.95,
        "0.443 to 0.852",
    ),
    Band(
        "the RNN with orthogonal W_h solves lag 20, clipped at 1 or 10",
        "rnn",
        (("orthogonal", 1.0, 20), ("orthogonal", 10.0, 20)),
        0.95,
        1.0,
        "0.975 to 1",
    ),
    Band(
        "the LSTM on raw returns stays near chance at lags 50 and 90, whatever b_f",
        "bridge",
        tuple(("raw", b_f, L) for b_f in BRIDGE_B_F for L in BRIDGE_LAGS),
        0.40,
        0.65,
        "0.443 to 0.582",
    ),
    Band(
        "standardised, b_f = 0: the LSTM is at chance at lags 50 and 90",
        "bridge",
        tuple(("std", 0.0, L) for L in BRIDGE_LAGS),
        0.40,
        0.60,
        "0.443 to 0.541",
    ),
    Band(
        "standardised, b_f = 5: the LSTM solves lag 50",
        "bridge",
        (("std", 5.0, 50),),
        0.95,
        1.0,
        "0.994 to 1",
    ),
    Band(
        "standardised, chrono: the LSTM solves lags 50 and 90",
        "bridge",
        tuple(("std", "chrono", L) for L in BRIDGE_LAGS),
        0.95,
        1.0,
        "0.977 to 1",
    ),
)


def band_values(band: Band) -> list[float]:
    """Every seed's value of ``band.stat`` in the band's cells, from the page's (cached) results."""
    values: list[float] = []
    for key in band.keys:
        if band.experiment == "main":
            run = main_cells()[key]["run"]
        elif band.experiment == "rnn":
            run = rnn_best_runs()[key]
        elif band.experiment == "bridge":
            record = next(r for r in bridge_records() if (r["scale"], r["b_f"], r["L"]) == key)
            run = Run(record["accuracy"], [], record["to_95"], [])
        else:
            run = Run(**clipping_runs()[key])
        values += _stat(run, band.stat)
    return values


def _stat(run: Run, stat: str) -> list[float]:
    if stat == "accuracy":
        return list(run.accuracy)
    if stat == "final_loss":  # mean training loss over the last 16 updates
        return [float(x) for x in np.asarray(run.curve[-16:]).mean(axis=0)]
    return list(run.max_grad_norm)


def bands_table() -> str:
    """Each band the tests assert, the values measured on this page, and whether they lie inside."""
    from lstmgrad.tables import markdown_table

    rows = []
    for band in BANDS:
        v = band_values(band)
        inside = all(band.lo <= x <= band.hi for x in v)
        rows.append(
            [
                band.claim,
                f"{band.stat} in [{band.lo:g}, {band.hi:g}]",
                f"{min(v):.3f} to {max(v):.3f}",
                band.offline,
                "yes" if inside else "NO",
            ]
        )
    header = ["claim (every seed, every cell)", "band", "this page", "seeds 0–9, offline", "inside"]
    return markdown_table(header, rows, align="left")


def justify_bands(seeds: tuple[int, ...] = tuple(range(10))) -> list[str]:
    """Rerun every band's cells with ``seeds`` (slow: minutes) and report the range of each band's values."""
    out = []
    for band in BANDS:
        values: list[float] = []
        for key in band.keys:
            run = main_cell(seeds=seeds, **_SPECS[band.experiment](key))["run"]
            values += _stat(run, band.stat)
        out.append(f"{band.claim}: {min(values):.3f} to {max(values):.3f}")
    return out
