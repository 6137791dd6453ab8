"""The Experiments page's trained results (``docs/experiments.md``): RNN, LSTM and GRU on the
crash-at-lag task, declared as `lstmgrad.store.Experiment` cells of
`lstmgrad.studies.crash_runs.crash_cell` and read back as `Records`.

``make experiments`` trains every declared cell and commits the results to
``lstmgrad/results/``. Each ``*_records`` function takes the setting a table shows (models,
lags, seeds, budget, initialisation), builds the same cells and loads their committed results:
a setting that was never trained raises `lstmgrad.studies.records.NotTrained`.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmgrad.store import Cell, Experiment
from lstmgrad.studies.crash_runs import crash_cell, fresh_test_set
from lstmgrad.studies.records import NotTrained, Records, load_cells
from lstmgrad.studies.stats import log_summary
from lstmgrad.train.params import init_params

# ------------------------------------------- trained experiments (`make experiments` trains them)

#: The main comparison: one setting for all three models, stated on the page.
SEEDS = tuple(range(10))
LAGS = (2, 5, 10, 20, 50, 90)
MAIN: dict[str, Any] = {"H": 16, "B": 32, "clip": 1.0, "budget": 8192, "scale": "std", "b_f": 1.0}
MODELS = ("rnn", "lstm", "gru")
#: Each model's Adam learning rate, chosen from 0.003, 0.01 and 0.03 by the shared pilot
#: (`LR_PILOT`, seeds 10 to 14, its rule stated there); attention's agrees with its first pilot
#: (`lstmgrad.studies.beyond.ATTENTION_LR_PILOT`). Every cell of a model uses its rate.
LR: dict[str, float] = {"rnn": 3e-2, "lstm": 1e-2, "gru": 3e-2, "attention": 3e-2}
#: Test sequences per seed behind every reported accuracy (`crash_cell`'s default).
N_TEST: int = inspect.signature(crash_cell).parameters["n_test"].default
#: The arithmetic each model trains in. float32 for the LSTM and the GRU: about 2.5x faster, and a
#: trial that trained all 41 of their cells in float32 kept every band and every count in range.
#: float64 for the rest: the RNN's counts rest on single seeds ("one seed solves lag 90"), three of
#: them moved when it trained in float32 (issue 25's study), and it is the cheapest model anyway.
DTYPES = {"lstm": "float32", "gru": "float32"}


def main_cell(kind: str, L: int, seeds: Sequence[int] = SEEDS, **overrides: Any) -> Cell:
    """A `crash_cell` with the main setting, the model's learning rate `LR` and arithmetic `DTYPES`,
    the page's seeds and any ``overrides``: every trained cell of ``docs/experiments.md`` and the
    crash cells of ``docs/beyond.md``."""
    setting = {**MAIN, "lr": LR[kind], "dtype": DTYPES.get(kind, "float64"), **overrides}
    return Cell(crash_cell, {"kind": kind, "L": L, "seeds": [int(s) for s in seeds], **setting})


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
#: The learning-rate pilot: every model a verdict compares, at each rate, on seeds that no table
#: reports (10 to 14), the same way for each (attention's first pilot, at the Beyond page's lags
#: and budgets, is `lstmgrad.studies.beyond.ATTENTION_LR_PILOT`).
#: The rule, fixed before the pilot ran: per model, the rate that solves the most (seed, cell)
#: pairs of its pilot cells; on a tie the one that uses the fewest training sequences in all;
#: on a tie again 0.01.
PILOT_SEEDS = tuple(range(10, 15))
PILOT_LRS = (3e-3, 1e-2, 3e-2)
PILOT_LAGS = (20, 50, 90)
#: (kind, setting) of each piloted model and the lags it is piloted at: the main setting at the
#: verdicts' lags, the two starts the long lags compare (chrono LSTM, orthogonal RNN) at 90,
#: and attention.
PILOT_MODELS: tuple[tuple[str, dict[str, Any], tuple[int, ...]], ...] = (
    ("rnn", {}, PILOT_LAGS),
    ("lstm", {}, PILOT_LAGS),
    ("gru", {}, PILOT_LAGS),
    ("lstm", {"b_f": "chrono"}, (90,)),
    ("rnn", {"init": "orthogonal"}, (90,)),
    ("attention", {}, PILOT_LAGS),
)
LR_PILOT = Experiment(
    "lr_pilot",
    tuple(
        main_cell(kind, L, PILOT_SEEDS, lr=lr, **setting)
        for kind, setting, lags in PILOT_MODELS
        for L in lags
        for lr in PILOT_LRS
    ),
    f"{len(PILOT_SEEDS)} unreported seeds per cell, {MAIN['budget']:,} training sequences at most",
    "experiments.md",
    "the learning-rate pilot table",
)
EXPERIMENTS = (
    MAIN_RUNS, RNN_CONTROL, RNN_CONTROL_RAW, BUDGET_SWEEP, BUDGET_SWEEP_90, BRIDGE, CLIPPING, LR_PILOT,
)  # fmt: skip

# ------------------------------------------------------------------- records of the trained cells


def chance(L: int, seeds: Sequence[int] = SEEDS, scale: str = "std", n_test: int = N_TEST) -> list[float]:
    """Per seed: the majority share of its test set (`crash_runs.fresh_test_set`), what always
    guessing the commoner label scores (the chance column of ``docs/experiments.md``, section 1)."""
    share = np.mean([y.mean(axis=1) for _, y in fresh_test_set(list(seeds), L, scale, n_test)], axis=0)
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
    """The gradient that reaches the crash input, per model and lag: ``loss_init``,
    ``loss_trained`` (|dloss/dx_{T-L}|), ``logit_init``, ``logit_trained`` (|dlogit/dx_{T-L}|),
    each a `lstmgrad.studies.stats.log_summary` over the seeds (geometric mean, median, min, max:
    the seeds spread over orders of magnitude, so one seed would dominate an arithmetic mean).
    Shown on ``docs/experiments.md`` (section 2)."""
    runs = lag_records(models, lags, seeds, budget, **setting)
    names = ("grad_loss_init", "grad_loss_trained", "grad_logit_init", "grad_logit_trained")
    rows = tuple(
        {"model": r["model"], "L": r["L"], **{s.removeprefix("grad_"): log_summary(r[s]) for s in names}}
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


def budget_seconds(
    models: Sequence[str] = ("lstm", "gru"),
    L: int = 50,
    budget: int = SWEEP_BUDGETS[1],
    seeds: Sequence[int] = SEEDS,
    **setting: Any,
) -> list[dict[str, Any]]:
    """The recorded training time of each model's cell at lag ``L`` and ``budget`` (all its seeds
    on one worker), from the committed results: rows ``model``, ``L``, ``budget``, ``seconds``.
    Shown on ``docs/experiments.md`` (section 1: what the missing cells of the budget sweep would cost)."""
    from lstmgrad.store import all_experiments, committed

    keys = {main_cell(kind, L, seeds, budget=budget, **setting).key: kind for kind in models}
    found = {
        keys[c["key"]]: float(c["seconds"])
        for exp in all_experiments().values()
        if exp.path.exists()
        for c in committed(exp)
        if c["key"] in keys
    }
    missing = sorted(set(models) - set(found))
    if missing:
        raise NotTrained(f"no committed result holds {missing} at L={L}, budget={budget}")
    return [{"model": kind, "L": L, "budget": budget, "seconds": found[kind]} for kind in models]


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
