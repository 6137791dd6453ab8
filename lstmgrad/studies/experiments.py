"""The Experiments page's trained results (``docs/experiments.md``): RNN, LSTM and GRU on the
crash-at-lag task, declared as `lstmgrad.store.Experiment` cells of
`lstmgrad.studies.crash_runs.crash_cell` and read back as `Records`.

``make experiments`` trains every declared cell and commits the results to
``lstmgrad/results/``. Each ``*_records`` function takes the setting a table shows (models,
lags, seeds, budget, initialisation), builds the same cells and loads their committed results:
a setting that was never trained raises `lstmgrad.studies.records.NotTrained`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmgrad.store import Cell, Experiment
from lstmgrad.studies.crash_runs import crash_cell
from lstmgrad.studies.records import Records, load_cells
from lstmgrad.tasks.crash import seed_batches
from lstmgrad.train.params import init_params

# ------------------------------------------- trained experiments (`make experiments` trains them)

#: The main comparison: one setting for all three models, stated on the page.
SEEDS = tuple(range(10))
LAGS = (2, 5, 10, 20, 50, 90)
MAIN: dict[str, Any] = {"H": 16, "B": 32, "lr": 1e-2, "clip": 1.0, "budget": 8192, "scale": "std", "b_f": 1.0}
MODELS = ("rnn", "lstm", "gru")
#: The arithmetic each model trains in. float32 for the LSTM and the GRU: about 2.5x faster, and a
#: trial that trained all 41 of their cells in float32 kept every band and every count in range.
#: float64 for the rest: the RNN's counts rest on single seeds ("one seed solves lag 90"), three of
#: them moved when it trained in float32 (issue 25's study), and it is the cheapest model anyway.
DTYPES = {"lstm": "float32", "gru": "float32"}


def main_cell(kind: str, L: int, seeds: Sequence[int] = SEEDS, **overrides: Any) -> Cell:
    """A `crash_cell` with the main setting, the page's seeds and any ``overrides``: every trained
    cell of ``docs/experiments.md`` and the recurrent ones of ``docs/beyond.md``."""
    dtype = DTYPES.get(kind, "float64")
    return Cell(
        crash_cell,
        {"kind": kind, "L": L, "seeds": [int(s) for s in seeds], **MAIN, "dtype": dtype, **overrides},
    )


#: The RNN control: better initialisations, two clipping thresholds.
RNN_BEST_LAGS = (20, 50, 90)
RNN_BEST = (
    ("uniform", 1.0),
    ("orthogonal", 1.0),
    ("orthogonal", 10.0),
    ("identity", 1.0),
    ("identity", 10.0),
)
#: What it takes for an LSTM to bridge lag 90: input scale x forget bias.
BRIDGE_SCALES = ("raw", "std")
BRIDGE_B_F: tuple[float | str, ...] = (0.0, 1.0, 3.0, 5.0, "chrono")
BRIDGE_LAGS = (50, 90)
#: Clipping: an RNN whose W_h has largest singular value 1.5, trained with and without clipping
#: (no early stop, so every seed has a full loss curve).
CLIP_RUN: dict[str, Any] = {"sigma_max": 1.5, "budget": 4096, "stop_at": 2.0}
CLIP_LAG = 20
CLIPS = {"clip 1": 1.0, "no clip": None}

_ABOUT = f"{len(SEEDS)} seeds per cell, {MAIN['budget']:,} training sequences at most"
MAIN_RUNS = Experiment(
    "main",
    tuple(main_cell(kind, L) for L in LAGS for kind in MODELS),
    _ABOUT,
    "experiments.md",
    "the accuracy-by-lag table and plot, the gradient-at-the-crash table and plot",
)
RNN_CONTROL = Experiment(
    "rnn_control",
    tuple(main_cell("rnn", L, init=init, clip=clip) for init, clip in RNN_BEST for L in RNN_BEST_LAGS),
    _ABOUT,
    "experiments.md",
    "the RNN-control table",
)
RNN_CONTROL_RAW = Experiment(
    "rnn_control_raw",
    tuple(
        main_cell("rnn", L, init=init, clip=clip, scale="raw")
        for init, clip in RNN_BEST
        for L in RNN_BEST_LAGS
    ),
    _ABOUT + ", raw returns",
    "experiments.md",
    "the RNN-control table (raw-returns rows)",
)
#: The budget sweep for the cells whose verdict is "no seed reaches 95 %": the main setting at
#: four and sixteen times the budget (the main comparison's cells are the 8,192 column).
SWEEP_LAGS = (50, 90)
SWEEP_BUDGETS = (8192, 32768, 131072)
BUDGET_SWEEP = Experiment(
    "budget_sweep",
    tuple(
        main_cell(kind, L, budget=budget)
        for kind in MODELS
        for L in SWEEP_LAGS
        for budget in SWEEP_BUDGETS[1:]
        if kind == "rnn" or budget < SWEEP_BUDGETS[-1]
    ),
    f"{len(SEEDS)} seeds per cell, 32,768 sequences, and 131,072 for the tanh RNN",
    "experiments.md",
    "the budget-sweep table",
)
#: The LSTM and the GRU at sixteen times the budget, at the article's lag only: two cells of
#: ten minutes or more each on this machine.
BUDGET_SWEEP_90 = Experiment(
    "budget_sweep_90",
    tuple(main_cell(kind, 90, budget=SWEEP_BUDGETS[-1]) for kind in ("lstm", "gru")),
    f"{len(SEEDS)} seeds per cell, 131,072 training sequences at most",
    "experiments.md",
    "the budget-sweep table (the LSTM and the GRU at lag 90 and 131,072 sequences)",
)
BRIDGE = Experiment(
    "bridge",
    tuple(
        main_cell("lstm", L, scale=scale, b_f=b_f)
        for scale in BRIDGE_SCALES
        for b_f in BRIDGE_B_F
        for L in BRIDGE_LAGS
    ),
    _ABOUT,
    "experiments.md",
    "the input-scale by forget-bias table",
)
CLIPPING = Experiment(
    "clipping",
    tuple(main_cell("rnn", CLIP_LAG, **CLIP_RUN, clip=clip, curve=True) for clip in CLIPS.values()),
    f"{len(SEEDS)} seeds per run, {CLIP_RUN['budget']:,} training sequences, no early stop",
    "experiments.md",
    "the clipping table and plot",
)
EXPERIMENTS = (MAIN_RUNS, RNN_CONTROL, RNN_CONTROL_RAW, BUDGET_SWEEP, BUDGET_SWEEP_90, BRIDGE, CLIPPING)

# ------------------------------------------------------------------- records of the trained cells


def chance(L: int, seeds: Sequence[int] = SEEDS, scale: str = "std", n_test: int = 512) -> list[float]:
    """Per seed: the majority share of its test set, what always guessing the commoner label scores
    (the chance column of ``docs/experiments.md``, section 1)."""
    _, y = seed_batches(list(seeds), 2, n_test, L, scale)()
    share = y.mean(axis=1)
    return [float(c) for c in np.maximum(share, 1.0 - share)]


def lag_records(
    models: Sequence[str] = MODELS,
    lags: Sequence[int] = LAGS,
    seeds: Sequence[int] = SEEDS,
    budget: int = MAIN["budget"],
    **setting: Any,
) -> Records:
    """Each model at each lag under the main setting (``setting`` overrides it, e.g. ``init``,
    ``b_f``): one row per cell, ``model``, ``L``, the cell's per-seed results and ``chance``, each
    seed's majority share. Shown on ``docs/experiments.md`` (section 1, accuracy against lag)."""
    seeds, lags = list(seeds), list(lags)
    chances = {L: chance(L, seeds, setting.get("scale", MAIN["scale"])) for L in lags}
    cells = [
        ({"model": kind, "L": L, "chance": chances[L]}, main_cell(kind, L, seeds, budget=budget, **setting))
        for L in lags
        for kind in models
    ]
    return load_cells(cells)


def gradient_records(
    models: Sequence[str] = MODELS,
    lags: Sequence[int] = LAGS,
    seeds: Sequence[int] = SEEDS,
    budget: int = MAIN["budget"],
    **setting: Any,
) -> Records:
    """The gradient that reaches the crash input, per model and lag, mean over the seeds:
    ``loss_init``, ``loss_trained`` (|dloss/dx_{T-L}|), ``logit_init``, ``logit_trained``
    (|dlogit/dx_{T-L}|). Shown on ``docs/experiments.md`` (section 2)."""
    runs = lag_records(models, lags, seeds, budget, **setting)
    stats = ("grad_loss_init", "grad_loss_trained", "grad_logit_init", "grad_logit_trained")
    rows = tuple(
        {"model": r["model"], "L": r["L"], **{s.removeprefix("grad_"): float(np.mean(r[s])) for s in stats}}
        for r in runs.rows
    )
    return Records(rows, runs.sources)


def rnn_control_records(
    starts: Sequence[tuple[str, float]] = RNN_BEST,
    lags: Sequence[int] = RNN_BEST_LAGS,
    scales: Sequence[str] = ("std", "raw"),
    seeds: Sequence[int] = SEEDS,
    budget: int = MAIN["budget"],
) -> Records:
    """The tanh RNN from each (W_h initialisation, clipping threshold) in ``starts``, at each lag and
    input scale: rows ``scale``, ``init``, ``clip``, ``L``. Shown on ``docs/experiments.md`` (section 3)."""
    cells = [
        ({"scale": scale, "init": init, "clip": clip, "L": L},
         main_cell("rnn", L, seeds, budget=budget, init=init, clip=clip, scale=scale))
        for scale in scales
        for init, clip in starts
        for L in lags
    ]  # fmt: skip
    return load_cells(cells)


def budget_records(
    models: Sequence[str] = MODELS,
    lags: Sequence[int] = SWEEP_LAGS,
    budgets: Sequence[int] = SWEEP_BUDGETS,
    seeds: Sequence[int] = SEEDS,
    **setting: Any,
) -> Records:
    """The main setting (``setting`` overrides it) at larger budgets: rows ``model``, ``L``,
    ``budget``. A (model, lag) that
    was not trained at some budget has no row there, but every budget must have been trained for
    some model and lag. Shown on ``docs/experiments.md`` (section 1, the budget sweep)."""
    budgets = list(budgets)
    cells = [
        ({"model": kind, "L": L, "budget": b}, main_cell(kind, L, seeds, budget=b, **setting))
        for kind in models
        for L in lags
        for b in budgets
    ]
    records = load_cells(cells, missing_ok=True)
    for b in budgets:
        if b not in records.values("budget"):  # a budget nothing was trained at: NotTrained names it
            load_cells([c for c in cells if c[0]["budget"] == b])
    return records


def bridge_records(
    scales: Sequence[str] = BRIDGE_SCALES,
    b_fs: Sequence[float | str] = BRIDGE_B_F,
    lags: Sequence[int] = BRIDGE_LAGS,
    seeds: Sequence[int] = SEEDS,
    budget: int = MAIN["budget"],
) -> Records:
    """The LSTM at each input scale, forget-gate bias ``b_f`` (a number, or "chrono") and lag: rows
    ``scale``, ``b_f``, ``L``. Shown on ``docs/experiments.md`` (section 5)."""
    cells = [
        (
            {"scale": scale, "b_f": b_f, "L": L},
            main_cell("lstm", L, seeds, budget=budget, scale=scale, b_f=b_f),
        )
        for scale in scales
        for b_f in b_fs
        for L in lags
    ]
    return load_cells(cells)


def clipping_records(
    clips: dict[str, float | None] = CLIPS,
    L: int = CLIP_LAG,
    sigma_max: float = CLIP_RUN["sigma_max"],
    seeds: Sequence[int] = SEEDS,
    budget: int = CLIP_RUN["budget"],
    stop_at: float = CLIP_RUN["stop_at"],
) -> Records:
    """The tanh RNN started with largest singular value ``sigma_max`` of W_h, trained with each
    clipping threshold in ``clips`` (by name; None: no clipping) with its loss curve: rows
    ``training``, ``B`` (the batch) and ``radius``, each seed's spectral radius rho(W_h) at
    initialisation. Shown on ``docs/experiments.md`` (section 6)."""
    seeds = list(seeds)
    W_h = init_params("rnn", MAIN["H"], 1, seeds, sigma_max=sigma_max)["W_h"]
    radius = [float(r) for r in np.abs(np.linalg.eigvals(W_h)).max(axis=1)]
    run = {"sigma_max": sigma_max, "budget": budget, "stop_at": stop_at, "curve": True}
    cells = [
        ({"training": name, "B": MAIN["B"], "radius": radius}, main_cell("rnn", L, seeds, clip=clip, **run))
        for name, clip in clips.items()
    ]
    return load_cells(cells)
