"""The Beyond page's numbers (``docs/beyond.md``): what bidirectional models and self-attention buy.

Two of the article's claims reach past the LSTM:

1. *Honest limitations*: a unidirectional RNN or LSTM is blind to future context;
   a bidirectional model or full self-attention fixes that.
   -> the **future-context task** (`lstmgrad.tasks.future`): the label at step t is
   ``1[x_{t+k} > 0]``; a left-to-right model has not read x_{t+k} when it answers at t.
2. *When to use which model*: "LSTM + attention or Transformer" for 200 steps and more.
   -> the **crash-at-lag task** of the Experiments page (`lstmgrad.studies.experiments`: same
   data streams, same training rules), with attention beside the RNN and the LSTM, every
   model in a row under the same budget.

Trained results are `lstmgrad.store.Experiment` cells read back as `Records`; the gradients at
initialisation, the memory counts and the timings are computed here, on every build.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmgrad.models import readout
from lstmgrad.models.attention import activation_bytes
from lstmgrad.models.bidirectional import stored_bytes
from lstmgrad.store import Cell, Experiment
from lstmgrad.studies.beyond_runs import TAGGERS, tagger_cell
from lstmgrad.studies.experiments import LR, MAIN, PILOT_SEEDS, SEEDS, main_cell
from lstmgrad.studies.records import Records, load_cells
from lstmgrad.tasks.crash import PREFIX, seed_batches
from lstmgrad.tasks.future import FUTURE_KS, FUTURE_T
from lstmgrad.train.loop import loss_and_grads
from lstmgrad.train.optim import Adam, clip_grads
from lstmgrad.train.params import init_params

# ----------------------------------------------------------------------- the future-context task

#: The future-context comparison: every tagger at every offset k, one cell each.
FUTURE_CONTEXT = Experiment(
    "future_context",
    tuple(Cell(tagger_cell, {"model": m, "k": k, "seeds": list(SEEDS)}) for m in TAGGERS for k in FUTURE_KS),
    f"{len(SEEDS)} seeds per cell, 3,200 training sequences at most, T = {FUTURE_T}, H = 8",
    "beyond.md",
    "the future-context table and plot",
)


def future_records(
    models: Sequence[str] = TAGGERS,
    ks: Sequence[int] = FUTURE_KS,
    seeds: Sequence[int] = SEEDS,
    budget: int = 3200,
    H: int = 8,
) -> Records:
    """Each tagger at each offset k: rows ``model``, ``k``, with the per-seed ``accuracy`` and
    ``sequences``. Shown on ``docs/beyond.md`` ("Blind to the future")."""
    seeds = [int(s) for s in seeds]
    cells = [
        (
            {"model": m, "k": k},
            Cell(tagger_cell, {"model": m, "k": k, "seeds": seeds, "budget": budget, "H": H}),
        )
        for m in models
        for k in ks
    ]
    return load_cells(cells)


def blind_gradients(k: int = 1, T: int = 8, H: int = 4) -> list[dict[str, Any]]:
    """Per tagger at initialisation (seed 0, one sequence of length T): the largest |dlogit_t /
    dx_{t+k}| over t, through the model's own backward pass; exactly 0 for a left-to-right model.
    Shown on ``docs/beyond.md`` ("Blind to the future")."""
    x = np.random.default_rng(0).normal(size=(1, T, 1))
    rows = []
    for model in TAGGERS:
        p = init_params(model, H, 1, seeds=0)
        _, trace = readout.forward(model, p, x, every_step=True)
        worst = 0.0
        for t in range(T - k):
            dl = np.zeros((1, T))
            dl[0, t] = 1.0
            dx = readout.backward(model, p, trace, dl, every_step=True)[1]
            worst = max(worst, abs(float(dx[0, t + k, 0])))
        rows.append({"model": model, "k": k, "largest": worst})
    return rows


# ------------------------------------------------------------------ crash-at-lag: attention


#: Lags of the attention comparison and the sequence budget of each row, the same for every
#: model in a row: the experiments chapter's main setting where it has the lag, and 1024
#: sequences at 200 and 500, where one recurrent run costs seconds.
CRASH_BUDGETS: dict[int, int] = {20: MAIN["budget"], 90: MAIN["budget"], 200: 1024, 500: 1024}
CRASH_LAGS = tuple(CRASH_BUDGETS)
#: The attention model's learning rate, picked from {0.01, 0.03} on a five-seed pilot, and the
#: shared pilot's choice (`lstmgrad.studies.experiments.LR`, where every model's rate is).
ATTENTION_LR = LR["attention"]
ATTENTION_D = 16  # the same width as the recurrent models' H = 16

#: The contestants, by name: (crash_cell kind, forget-gate bias b_f, learning rate); the rest is
#: the main setting. "chrono" is the initialisation with which the experiments chapter's LSTM
#: bridged lag 90 (b_f does not apply to the RNN and attention, which keep the main setting's).
CONTESTANTS: dict[str, tuple[str, float | str, float]] = {
    "rnn": ("rnn", 1.0, LR["rnn"]),
    "lstm": ("lstm", 1.0, LR["lstm"]),
    "lstm_chrono": ("lstm", "chrono", LR["lstm"]),
    "attention": ("attention", 1.0, ATTENTION_LR),
}


def contestant_cell(
    kind: str, b_f: float | str, lr: float, L: int, budget: int, seeds: Sequence[int] = SEEDS
) -> Cell:
    """A model at lag L under the main setting's rules with the row's budget, for ``docs/beyond.md``:
    the recurrent models' cells are those of ``docs/experiments.md`` (the very same where it has them)."""
    return main_cell(kind, L, seeds, budget=budget, b_f=b_f, lr=lr)


CRASH_COMPARISON = Experiment(
    "crash_comparison",
    tuple(
        contestant_cell(*CONTESTANTS[m], L, budget)
        for L, budget in CRASH_BUDGETS.items()
        for m in CONTESTANTS
    ),
    f"{len(SEEDS)} seeds per cell; the budget of each row is in its second column",
    "beyond.md",
    "the attention-vs-recurrence table and plot, the crossover",
)

#: A pilot for attention's learning rate on seeds that no table reports (10 to 14), at the lags
#: and budgets of the comparison; ATTENTION_LR was first picked on seeds 0 to 4, which it reports.
PILOT_LRS = (1e-2, 3e-2)
ATTENTION_LR_PILOT = Experiment(
    "attention_lr_pilot",
    tuple(
        contestant_cell("attention", 1.0, lr, L, budget, PILOT_SEEDS)
        for L, budget in CRASH_BUDGETS.items()
        for lr in PILOT_LRS
    ),
    f"{len(PILOT_SEEDS)} unreported seeds per cell, the comparison's budgets",
    "beyond.md",
    "the attention learning-rate pilot",
)

EXPERIMENTS = (FUTURE_CONTEXT, CRASH_COMPARISON, ATTENTION_LR_PILOT)


def crash_records(
    contestants: dict[str, tuple[str, float | str, float]] = CONTESTANTS,
    budgets: dict[int, int] = CRASH_BUDGETS,
    seeds: Sequence[int] = SEEDS,
) -> Records:
    """Each contestant (name: (kind, b_f, learning rate)) at each lag L with the budget
    ``budgets[L]``, the same for every model of a row: rows ``model`` (the name), ``L``,
    ``budget``. Shown on ``docs/beyond.md`` ("Attention on the crash-at-lag task")."""
    cells = [
        ({"model": name, "L": L, "budget": budget}, contestant_cell(*spec, L, budget, seeds))
        for L, budget in budgets.items()
        for name, spec in contestants.items()
    ]
    return load_cells(cells)


def pilot_records(
    lrs: Sequence[float] = PILOT_LRS,
    budgets: dict[int, int] = CRASH_BUDGETS,
    seeds: Sequence[int] = PILOT_SEEDS,
) -> Records:
    """Attention (b_f does not apply) at each learning rate and lag, with the budget ``budgets[L]``:
    rows ``lr``, ``L``, ``budget``. Shown on ``docs/beyond.md`` (the learning-rate pilot)."""
    cells = [
        ({"lr": lr, "L": L, "budget": budget}, contestant_cell("attention", 1.0, lr, L, budget, seeds))
        for L, budget in budgets.items()
        for lr in lrs
    ]
    return load_cells(cells)


def crossover(records: Records, solved: float = 0.95) -> list[dict[str, Any]]:
    """For each LSTM of ``records`` (``lstm``, ``lstm_chrono``): the smallest lag ``L`` at which
    attention is solved on every seed (test accuracy >= ``solved``) and that LSTM is not, with the
    row's ``budget``; both None if there is none among ``lags``. Shown on ``docs/beyond.md``."""
    lags = records.values("L")
    out = []
    for model in ("lstm", "lstm_chrono"):
        L = next(
            (
                L
                for L in lags
                if min(records.get(model="attention", L=L)["accuracy"]) >= solved
                and min(records.get(model=model, L=L)["accuracy"]) < solved
            ),
            None,
        )
        budget = None if L is None else records.get(model=model, L=L)["budget"]
        out.append({"model": model, "L": L, "budget": budget, "solved": solved, "lags": lags})
    return out


# ------------------------------------------------------------------------------ memory and time

#: Sequence lengths: those of the crash task's lags (T = L + PREFIX), then longer.
MEMORY_TS = tuple(L + PREFIX for L in CRASH_LAGS) + (1000, 2000)


def memory_rows(Ts: Sequence[int] = MEMORY_TS, H: int = ATTENTION_D) -> list[dict[str, int]]:
    """Bytes of stored activations for one sequence of length T, measured from the arrays each
    model's forward pass keeps. Shown on ``docs/beyond.md`` ("Memory")."""
    rows = []
    for T in Ts:
        x = np.zeros((1, T, 1))
        row = {"T": T}
        for kind in ("rnn", "lstm"):
            row[kind] = stored_bytes(readout.forward(kind, init_params(kind, H, 1, 0), x)[1])
        p = init_params("attention", H)
        row["attention"] = activation_bytes(readout.forward("attention", p, x, every_step=True)[1])
        row["attention_last"] = activation_bytes(readout.forward("attention", p, x)[1])
        rows.append(row)
    return rows


def _update(model: str, x: np.ndarray, y: np.ndarray) -> Any:
    """One training update of `lstmgrad.train.loop.fit` (loss and gradients, clipping at 1, Adam)
    for a fresh ``model`` on (x (B, T, 1), y (B,)), as a callable."""
    kind = "attention" if model.startswith("attention") else model
    p = init_params(kind, ATTENTION_D, 1, [0])
    opt = Adam(p)
    # full attention answers at every step (queries="all"); the loss reads the last answer only
    every_step = model == "attention"
    batch: tuple[np.ndarray, ...] = (x[None], y[None])
    if every_step:
        mask = np.zeros(x.shape[:2])
        mask[:, -1] = 1.0
        batch = (x[None], np.repeat(y[:, None], x.shape[1], axis=1)[None], mask[None])

    def update() -> None:
        _, grads = loss_and_grads(kind, p, batch, every_step)
        clip_grads(grads, 1.0)
        opt.step(p, grads)

    return update


def _seconds_per(fn: Any, calls: int) -> float:
    """The fastest of ``calls`` timed calls (the first one also pays for first-touch allocations)."""
    best = float("inf")
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def timing_rows(lags: Sequence[int] = CRASH_LAGS, B: int = 32, calls: int = 3) -> list[dict[str, float]]:
    """Seconds of training per 1000 sequences, per lag and model, one model at a time, batch
    ``B``, fastest of ``calls`` updates: a measurement of this machine, never pinned. Shown on
    ``docs/beyond.md`` ("Time per 1000 training sequences")."""
    rows = []
    for L in lags:
        X, y = seed_batches([0], 0, B, L, "std")()
        row: dict[str, float] = {"L": L}
        for model in ("rnn", "lstm", "attention", "attention_last"):
            row[model] = _seconds_per(_update(model, X[0], y[0]), calls) * 1000 / B
        rows.append(row)
    return rows
