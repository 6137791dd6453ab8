"""The experiments that settle the open rows of the Experiments and Beyond pages, and the
mechanisms those pages name, measured (issue 21).

Declared as `lstmgrad.store.Experiment` cells of `lstmgrad.studies.crash_runs.crash_cell`
(``make experiments`` trains them) and read back as `Records`:

- `LONG_LAGS`: the long row of Which-model-when at the main budget (8,192 sequences), lags
  200 and 500: the chrono LSTM, the b_f = 5 LSTM, attention and the orthogonal RNN.
- `BUDGET_SWEEP_50`: the LSTM and the GRU at sixteen times the budget at lag 50.
- `MORE_SEEDS`: twenty more seeds (15 to 34; 10 to 14 are the pilots') wherever a verdict rests
  on a gap of 2 to 6 seeds of ten; `seeds_records` joins them to the ten committed ones.
- `RNN_WIDE`: a tanh RNN with about the LSTM's parameter count (H = 32: 1,121 against 1,169).
- `MECHANISMS`: a GRU started with an update-gate bias, an LSTM whose forget gate is shut
  (b_f = -20: the cell keeps nothing from one step to the next), and the clipping runs rerun
  from a start perturbed in its twelfth digit.

Every crash cell also logs ||W_x|| and the mean forget (LSTM) or update (GRU) gate every 20
updates, and attention's weight on the crash step (`lstmgrad.studies.crash_runs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmgrad.store import Cell, Experiment
from lstmgrad.studies import beyond
from lstmgrad.studies import experiments as E
from lstmgrad.studies.records import Records, load_cells

#: Seeds that extend the committed ten to thirty (10 to 14 are the learning-rate pilots' seeds).
EXTRA_SEEDS = tuple(range(15, 35))
SEEDS_30 = E.SEEDS + EXTRA_SEEDS

# ------------------------------------------------------------------- the long lags, main budget

LONG = (200, 500)
#: The long row's models, by name: (crash_cell kind, the setting beyond the main one).
LONG_MODELS: dict[str, tuple[str, dict[str, Any]]] = {
    "lstm_chrono": ("lstm", {"b_f": "chrono"}),
    "lstm_b_f_5": ("lstm", {"b_f": 5.0}),
    "attention": ("attention", {"lr": beyond.ATTENTION_LR}),
    "rnn_orthogonal": ("rnn", {"init": "orthogonal"}),
    # the RNN's pilot rate (0.03) comes from its uniform start; its orthogonal start, piloted at
    # lag 90, solved more seeds at 0.01 (`experiments.LR_PILOT`), so the long row has both
    "rnn_orthogonal_lr_0.01": ("rnn", {"init": "orthogonal", "lr": 1e-2}),
}


def long_cell(model: str, L: int, seeds: Sequence[int] = E.SEEDS, budget: int = E.MAIN["budget"]) -> Cell:
    """``model`` (a name of `LONG_MODELS`) at lag L under the main setting and budget."""
    kind, setting = LONG_MODELS[model]
    return E.main_cell(kind, L, seeds, budget=budget, **setting)


LONG_LAGS = Experiment(
    "long_lags",
    tuple(long_cell(m, L) for L in LONG for m in LONG_MODELS),
    f"{len(E.SEEDS)} seeds per cell, {E.MAIN['budget']:,} training sequences at most",
    "beyond.md",
    "the long-lags table at the main budget",
)

# ------------------------------------------------------------------------- 16x budget at lag 50

BUDGET_SWEEP_50 = Experiment(
    "budget_sweep_50",
    tuple(E.main_cell(kind, 50, budget=E.SWEEP_BUDGETS[-1]) for kind in ("lstm", "gru")),
    f"{len(E.SEEDS)} seeds per cell, {E.SWEEP_BUDGETS[-1]:,} training sequences at most",
    "experiments.md",
    "the budget-sweep table (the LSTM and the GRU at lag 50 and 131,072 sequences)",
)

# ------------------------------------------------------------------------------ thirty seeds


def _more(cells: Sequence[Cell]) -> tuple[Cell, ...]:
    return tuple(c.with_seeds(list(EXTRA_SEEDS)) for c in cells)


#: The cells whose verdict rests on a gap of 2 to 6 seeds of ten, by the table they feed.
THIRTY: dict[str, tuple[Cell, ...]] = {
    "lag 20": tuple(E.main_cell(kind, 20) for kind in E.MODELS),
    "RNN control": E.RNN_CONTROL.cells + E.RNN_CONTROL_RAW.cells,
    "forget bias": tuple(
        E.main_cell("lstm", L, b_f=b_f) for b_f in (3.0, 5.0, "chrono") for L in E.BRIDGE_LAGS
    ),
    "attention, long lags": tuple(long_cell("attention", L) for L in LONG),
    "clipping": E.CLIPPING.cells,
}
MORE_SEEDS = Experiment(
    "more_seeds",
    tuple(c for cells in THIRTY.values() for c in _more(cells)),
    f"{len(EXTRA_SEEDS)} more seeds ({EXTRA_SEEDS[0]} to {EXTRA_SEEDS[-1]}) per cell, each cell's budget",
    "experiments.md",
    "the thirty-seed counts (with the ten seeds of each cell's own experiment)",
)

# ------------------------------------------------------------------- parameter-matched RNN

WIDE_H = 32
RNN_WIDE = Experiment(
    "rnn_wide",
    tuple(E.main_cell("rnn", L, H=WIDE_H) for L in E.LAGS) + _more([E.main_cell("rnn", 20, H=WIDE_H)]),
    f"{len(E.SEEDS)} seeds per cell (thirty at lag 20), {E.MAIN['budget']:,} sequences at most, H = {WIDE_H}",
    "experiments.md",
    "the parameter-matched RNN row",
)


def parameter_count(kind: str, H: int, D: int = 1) -> int:
    """Trainable parameters of a ``kind`` model of width H with a readout (W_y, b_y)."""
    from lstmgrad.train.params import init_params

    return int(sum(np.asarray(v).size for v in init_params(kind, H, D).values()))


# ------------------------------------------------------------------------------- mechanisms

#: The GRU's update-gate bias: z_t starts near sigmoid(b_z) (0.95 and 0.993), so h_t keeps that
#: share of h_{t-1}, the GRU's analogue of the LSTM's forget bias.
GRU_B_Z = (3.0, 5.0)
#: The LSTM with its forget gate shut: f_t = sigmoid(-20) ~ 2e-9, so C_t = i_t C~_t and the only
#: path from step to step is h_{t-1} through W_h, as in the RNN (the log shows f_t stays shut).
SHUT = -20.0
MECH_LAGS = (20, 50, 90)
#: The clipping runs rerun from a start multiplied by 1 + 1e-12 N(0, 1), entry by entry.
PERTURB = 1e-12
MECHANISMS = Experiment(
    "mechanisms",
    tuple(E.main_cell("gru", L, b_z=b_z) for b_z in GRU_B_Z for L in MECH_LAGS)
    + tuple(E.main_cell("lstm", L, b_f=SHUT) for L in MECH_LAGS)
    + tuple(Cell(c.fn, {**c.kwargs, "perturb": PERTURB}) for c in E.CLIPPING.cells),
    f"{len(E.SEEDS)} seeds per cell, the main budget (clipping: its own)",
    "experiments.md",
    "the update-gate-bias GRU, the shut-forget-gate LSTM and the perturbed clipping reruns",
)

#: The RNN control of section 3 at the learning rate it had before the pilot, 0.01, beside the
#: pilot's 0.03 for the RNN (`experiments.LR`): the better starts may want the smaller rate (the
#: orthogonal start did in the pilot). Thirty seeds with standardised inputs, ten with raw.
RNN_CONTROL_LR = 1e-2
_CONTROL_01 = tuple(
    E.main_cell("rnn", L, init=init, clip=clip, scale=scale, lr=RNN_CONTROL_LR)
    for scale in ("std", "raw")
    for init, clip in E.RNN_BEST
    for L in E.RNN_BEST_LAGS
)
RNN_CONTROL_01 = Experiment(
    "rnn_control_lr_0.01",
    _CONTROL_01 + _more([c for c in _CONTROL_01 if c.kwargs["scale"] == "std"]),
    f"{len(E.SEEDS)} seeds per cell and {len(EXTRA_SEEDS)} more with standardised inputs, "
    f"{E.MAIN['budget']:,} training sequences at most, learning rate {RNN_CONTROL_LR:g}",
    "experiments.md",
    "the RNN control at learning rate 0.01",
)

EXPERIMENTS = (LONG_LAGS, BUDGET_SWEEP_50, MORE_SEEDS, RNN_WIDE, MECHANISMS, RNN_CONTROL_01)

# ------------------------------------------------------------------------------------- records


def _join(results: Sequence[dict[str, list[Any]]]) -> dict[str, list[Any]]:
    """One cell's results over several seed groups, in order: per-seed lists joined; lists by
    step or check (``curve``, ``log_*``) joined step by step where the groups have as many steps."""
    out: dict[str, list[Any]] = {}
    for key in results[0]:
        parts = [r[key] for r in results]
        if not isinstance(parts[0], list):  # a setting or a label, the same in every group
            out[key] = parts[0]
        elif parts[0] and isinstance(parts[0][0], list):
            if len({len(p) for p in parts}) == 1:
                out[key] = [sum((p[i] for p in parts), []) for i in range(len(parts[0]))]
        else:
            out[key] = sum(parts, [])
    return out


def seeds_records(cells: Sequence[tuple[dict[str, Any], Cell]]) -> Records:
    """``cells`` (coordinates, the ten-seed cell) with their thirty seeds, 0 to 9 and 15 to 34:
    one row per cell with its results joined (`_join`) and ``seeds``. A cell whose twenty extra
    seeds were not trained raises `lstmgrad.studies.records.NotTrained`."""
    ten = load_cells(cells)
    more = load_cells([(coords, c.with_seeds(list(EXTRA_SEEDS))) for coords, c in cells])
    rows = tuple(
        {**{k: v for k, v in a.items() if k in coords}, **_join([a, b]), "seeds": list(SEEDS_30)}
        for (coords, _), a, b in zip(cells, ten.rows, more.rows, strict=True)
    )
    names = {e.name: e for e in ten.sources + more.sources}  # an Experiment holds dicts: not hashable
    return Records(rows, tuple(names.values()))


def thirty_records(table: str) -> Records:
    """The cells of one `THIRTY` table (or "RNN control, lr 0.01": `RNN_CONTROL_01`'s standardised
    cells) with their thirty seeds: rows ``kind``, ``L`` and the cell's own settings (``init``,
    ``clip``, ``scale``, ``b_f``, ``lr``, ``budget``)."""
    names = ("kind", "L", "init", "clip", "scale", "b_f", "lr", "budget", "sigma_max")
    if table == "RNN control, lr 0.01":
        cells: Sequence[Cell] = [c for c in _CONTROL_01 if c.kwargs["scale"] == "std"]
    else:
        cells = THIRTY[table]
    return seeds_records([({k: c.kwargs[k] for k in names if k in c.kwargs}, c) for c in cells])


def rnn_control_lr_records(
    lrs: Sequence[float] = (RNN_CONTROL_LR, E.LR["rnn"]), seeds: Sequence[int] = E.SEEDS
) -> Records:
    """The RNN control of section 3 at each learning rate, seeds 0 to 9: rows ``lr``, ``scale``,
    ``init``, ``clip``, ``L``."""
    return load_cells(
        [({"lr": lr, "scale": scale, "init": init, "clip": clip, "L": L},
          E.main_cell("rnn", L, seeds, init=init, clip=clip, scale=scale, lr=lr))
         for lr in lrs for scale in ("std", "raw") for init, clip in E.RNN_BEST for L in E.RNN_BEST_LAGS]
    )  # fmt: skip


def long_records(models: Sequence[str] = tuple(LONG_MODELS), lags: Sequence[int] = LONG) -> Records:
    """Each long-row model at each long lag, main budget, seeds 0 to 9: rows ``model``, ``L``.
    Shown on ``docs/beyond.md``."""
    return load_cells([({"model": m, "L": L}, long_cell(m, L)) for L in lags for m in models])


def wide_records(lags: Sequence[int] = E.LAGS) -> Records:
    """The tanh RNN at H = 16 and at H = 32, each lag, seeds 0 to 9: rows ``H``, ``L``."""
    return load_cells(
        [({"H": H, "L": L}, E.main_cell("rnn", L, H=H))
         for H in (E.MAIN["H"], WIDE_H) for L in lags]
    )  # fmt: skip


def gru_bias_records(
    b_zs: Sequence[float | None] = (None, *GRU_B_Z), lags: Sequence[int] = MECH_LAGS
) -> Records:
    """The GRU at each update-gate bias (None: the drawn biases, the main grid's) and lag: rows
    ``b_z``, ``L``."""
    return load_cells(
        [({"b_z": b, "L": L}, E.main_cell("gru", L, b_z=b))
         for b in b_zs for L in lags]
    )  # fmt: skip


def shut_records(lags: Sequence[int] = MECH_LAGS) -> Records:
    """The LSTM with b_f = 1 (the main grid) and with its forget gate shut, per lag: rows ``b_f``, ``L``."""
    return load_cells(
        [({"b_f": b, "L": L}, E.main_cell("lstm", L, b_f=b))
         for b in (1.0, SHUT) for L in lags]
    )  # fmt: skip


def perturbed_records() -> Records:
    """Each clipping run and its rerun from the perturbed start: rows ``training``, ``perturb``."""
    cells = [
        (
            {"training": name, "clip": clip, "perturb": p},
            Cell(c.fn, {**c.kwargs, **({"perturb": p} if p else {})}),
        )
        for (name, clip), c in zip(E.CLIPS.items(), E.CLIPPING.cells, strict=True)
        for p in (0.0, PERTURB)
    ]
    return load_cells(cells)


def trajectory(records: Records, stat: str = "gate_mean", **coords: Any) -> dict[str, list[float]]:
    """The log of ``stat`` at one row: its median over the seeds at each check, and the
    training sequences at that check (20 updates of the row's batch apart)."""
    row = records.get(**coords)
    log = np.asarray(row[f"log_{stat}"])
    B = E.MAIN["B"]
    seqs = [min(i * 20 * B, max(row["sequences"])) for i in range(len(log))]
    return {"sequences": seqs, "median": [float(v) for v in np.median(log, axis=1)]}


def pilot_records(lrs: Sequence[float] = E.PILOT_LRS, seeds: Sequence[int] = E.PILOT_SEEDS) -> Records:
    """The shared learning-rate pilot: each piloted model (`experiments.PILOT_MODELS`) at each lag
    and rate: rows ``kind``, ``setting`` (its name: "main", "chrono", "orthogonal"), ``L``, ``lr``.
    Shown on ``docs/experiments.md`` (the learning-rate pilot)."""
    cells = [
        ({"kind": kind, "setting": next(iter(map(str, setting.values())), "main"), "L": L, "lr": lr},
         E.main_cell(kind, L, seeds, lr=lr, **setting))
        for kind, setting, lags in E.PILOT_MODELS
        for L in lags
        for lr in lrs
    ]  # fmt: skip
    return load_cells(cells)


def chosen_rates(records: Records, solved: float = 0.95) -> dict[str, dict[str, Any]]:
    """Per model kind, the pilot's rule (`experiments.PILOT_LRS`'s comment): the rate that solves
    the most (seed, cell) pairs; on a tie the one with the fewest training sequences in all; on a
    tie again 0.01. Returns each kind's ``lr`` and, per rate, ``solved`` and ``sequences``."""
    out: dict[str, dict[str, Any]] = {}
    for kind in records.values("kind"):
        score = {}
        for lr in records.values("lr"):
            rows = [r for r in records.rows if r["kind"] == kind and r["lr"] == lr]
            score[lr] = (
                sum(a >= solved for r in rows for a in r["accuracy"]),
                sum(s for r in rows for s in r["sequences"]),
            )
        best = max(score, key=lambda lr: (score[lr][0], -score[lr][1], lr == 1e-2))
        out[kind] = {"lr": best, **{lr: {"solved": n, "sequences": q} for lr, (n, q) in score.items()}}
    return out


def attention_records() -> Records:
    """Attention at every lag and budget it was trained at on the crash task, seeds 0 to 9: the
    Beyond page's comparison (`beyond.CRASH_BUDGETS`) and the long lags at the main budget; rows
    ``L``, ``budget``, with its weight on the crash step (``attn_*``)."""
    spec = beyond.CONTESTANTS["attention"]
    cells = [
        ({"L": L, "budget": b}, beyond.contestant_cell(*spec, L, b)) for L, b in beyond.CRASH_BUDGETS.items()
    ]
    cells += [({"L": L, "budget": E.MAIN["budget"]}, long_cell("attention", L)) for L in LONG]
    return load_cells(cells)


def saturation_at_init(
    scales: Sequence[str] = E.BRIDGE_SCALES, L: int = 20, seeds: Sequence[int] = E.SEEDS, n: int = 64
) -> list[dict[str, Any]]:
    """The tanh RNN of the main grid at initialisation (no training), fed each input scale: over
    ``n`` probe sequences (stream 3), every step and unit, the mean of tanh'(z_t) = 1 - h_t^2 and
    the share of units with |h_t| > 0.9 (tanh' < 0.19), at the crash step and elsewhere, pooled
    over the seeds. Shown on ``docs/experiments.md`` (section 7)."""
    from lstmgrad.models import readout
    from lstmgrad.tasks.crash import PREFIX, seed_batches
    from lstmgrad.train.params import init_params

    seeds = list(seeds)
    P = init_params("rnn", E.MAIN["H"], 1, seeds, T=L + PREFIX)
    rows = []
    for scale in scales:
        X, y = seed_batches(seeds, 3, n, L, scale)()
        h = readout.forward("rnn", P, X)[1].h  # (S, n, T, H)
        crash = h[:, :, PREFIX - 1, :][y == 1.0]  # the step that reads a crash, crash sequences only
        rest = np.delete(h, PREFIX - 1, axis=2)
        row: dict[str, Any] = {"scale": scale, "L": L, "seeds": len(seeds)}
        for name, a in (("", rest), ("_crash", crash)):
            row["slope" + name] = float(np.mean(1 - a**2))
            row["saturated" + name] = float(np.mean(np.abs(a) > 0.9))
        rows.append(row)
    return rows
