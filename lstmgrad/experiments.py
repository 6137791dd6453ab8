"""Experiments that test the article's claims: RNN, LSTM and GRU on the crash-at-lag task.

Trained results are declared here as `lstmgrad.store.Experiment` cells of
`lstmgrad.studies.crash_runs.crash_cell`, trained by ``make experiments`` and loaded from
``lstmgrad/results/``; the analytic results (the exploding region, Pascanu's bound) are
computed on every build. The page that shows all of it is ``docs/experiments.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmgrad.store import Cell, Experiment, load, provenance_line
from lstmgrad.studies.crash_runs import crash_cell
from lstmgrad.tasks.crash import CRASH, PREFIX, SIGMA, seed_batches
from lstmgrad.train.params import init_params

# ------------------------------------------------------------ the exploding region (analytic)

#: The heatmap grid: recurrent weight W_h x constant input drive u = W_x x, and the lengths.
HEAT_W_H = np.linspace(0.0, 3.0, 121)
HEAT_SCALE = np.linspace(0.0, 2.0, 81)
HEAT_T = (5, 20, 100)


def exploding_grid() -> np.ndarray:
    """|dh_T/dh_0| of the scalar RNN on the heatmap grid, shape (len(HEAT_T), W_h, scale)."""
    from lstmgrad.studies.sweeps import scalar_sweep

    return np.abs(scalar_sweep(HEAT_W_H, HEAT_SCALE, list(HEAT_T)))


def exploding_table() -> str:
    """Per T: the share of the (W_h, W_x x) grid where |dh_T/dh_0| > 1 and < 1e-5; the largest value."""
    from lstmgrad.present.markdown import markdown_table

    grid = exploding_grid()
    rows = []
    for T, g in zip(HEAT_T, grid, strict=True):
        i, j = np.unravel_index(int(np.argmax(g)), g.shape)
        driven = g[:, HEAT_SCALE >= 1.0]  # inputs that alone push tanh onto its shoulder
        rows.append(
            [
                str(T),
                f"{(g > 1).mean():.1%}",
                f"{(g < 1e-5).mean():.1%}",
                f"{(driven > 1).mean():.1%}",
                f"{g[i, j]:.3g}",
                f"{HEAT_W_H[i]:.3g}",
                f"{HEAT_SCALE[j]:.3g}",
            ]
        )
    header = ["T", "grid > 1", "grid < 1e-5", "> 1 where W_x x ≥ 1", "largest", "at W_h", "at W_x x"]
    return markdown_table(header, rows)


#: The spans T - k at which Pascanu's bound is checked.
SPANS = (1, 2, 5, 10, 20, 50)


def pascanu_draws(
    sigmas: tuple[float, ...] = (0.5, 0.9, 0.99, 1.5),
    draws: int = 200,
    H: int = 16,
    T: int = 50,
    seed: int = 0,
) -> list[dict[str, float]]:
    """Random matrix RNNs: the worst ratio ||dh_T/dh_k||_2 / sigma_max^(T-k) over draws and T-k in SPANS.

    Each draw: W_h = N(0, 1) entries rescaled to largest singular value sigma, W_x ~ N(0, 1)
    (H x 1), b ~ N(0, 0.1^2), inputs x_t ~ N(0, 1), h_0 = 0. Since |tanh'| <= 1, each step's
    Jacobian diag(tanh'(z_t)) W_h has norm <= sigma, so the ratio can never exceed 1
    (Pascanu, Mikolov & Bengio 2013); for sigma < 1 that forces the gradient to vanish.
    """
    out = []
    for sigma in sigmas:
        rng = np.random.default_rng([seed, int(round(sigma * 1000))])
        W_h = rng.normal(size=(draws, H, H))
        W_h *= sigma / np.linalg.norm(W_h, 2, axis=(1, 2))[:, None, None]
        W_x = rng.normal(size=(draws, H))
        b = rng.normal(0.0, 0.1, size=(draws, H))
        x = rng.normal(size=(T, draws, 1))
        h = np.zeros((draws, H))
        steps = []
        for t in range(T):
            h = np.tanh(np.einsum("nij,nj->ni", W_h, h) + W_x * x[t] + b)
            steps.append((1.0 - h**2)[:, :, None] * W_h)  # J_t = diag(tanh'(z_t)) W_h
        J = np.broadcast_to(np.eye(H), (draws, H, H))
        worst = 0.0
        for k in range(T - 1, -1, -1):
            J = J @ steps[k]  # dh_T/dh_k = J_T ... J_{k+1}
            if T - k in SPANS:
                worst = max(worst, float((np.linalg.norm(J, 2, axis=(1, 2)) / sigma ** (T - k)).max()))
        full = np.linalg.norm(J, 2, axis=(1, 2))  # k = 0: the whole span
        # the spectral radius, not sigma_max, sets how W_h^n itself grows for large n
        radius = np.abs(np.linalg.eigvals(W_h)).max(axis=1)
        out.append(
            {
                "sigma": sigma,
                "worst_ratio": worst,
                "largest_full": float(full.max()),
                "bound_full": sigma**T,
                "median_radius": float(np.median(radius)),
            }
        )
    return out


def pascanu_table() -> str:
    """Pascanu's bound on random draws (200 matrix RNNs per row, H = 16, T = 50, T - k in SPANS)."""
    from lstmgrad.present.markdown import markdown_table

    rows = [
        [
            f"{r['sigma']:g}",
            f"{r['worst_ratio']:.4f}",
            "yes" if r["worst_ratio"] <= 1 else "no",
            f"{r['largest_full']:.3g}",
            f"{r['bound_full']:.3g}",
            f"{r['median_radius']:.2f}",
        ]
        for r in pascanu_draws()
    ]
    header = ["σ_max(W_h)", "max ‖∂h_T/∂h_k‖ / σ_max^(T−k)", "bound holds", "max ‖∂h_50/∂h_0‖", "σ_max^50"]
    header.append("median spectral radius ρ(W_h)")
    return markdown_table(header, rows)


# ------------------------------------------- trained experiments (`make experiments` trains them)

#: The main comparison: one setting for all three models, stated on the page.
SEEDS = tuple(range(10))
LAGS = (2, 5, 10, 20, 50, 90)
MAIN: dict[str, Any] = {"H": 16, "B": 32, "lr": 1e-2, "clip": 1.0, "budget": 8192, "scale": "std", "b_f": 1.0}
MODELS = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}


def main_cell(kind: str, L: int, seeds: tuple[int, ...] = SEEDS, **overrides: Any) -> Cell:
    """A `crash_cell` with the main setting, the page's seeds and any ``overrides``."""
    return Cell(crash_cell, {"kind": kind, "L": L, "seeds": list(seeds), **MAIN, **overrides})


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


def main_cells() -> dict[tuple[str, int], dict[str, list[Any]]]:
    """Every (model, lag) cell of the main comparison, as committed: lists with one entry per seed."""
    runs = load(MAIN_RUNS)
    return {(c.kwargs["kind"], c.kwargs["L"]): runs[c.key] for c in MAIN_RUNS.cells}


def rnn_best_runs() -> dict[tuple[str, str, float, int], dict[str, list[Any]]]:
    """The RNN control runs, keyed (scale, init, clip, L)."""
    out = {}
    for exp in (RNN_CONTROL, RNN_CONTROL_RAW):
        runs = load(exp)
        for c in exp.cells:
            out[c.kwargs["scale"], c.kwargs["init"], c.kwargs["clip"], c.kwargs["L"]] = runs[c.key]
    return out


def budget_runs() -> dict[tuple[str, int, int], dict[str, list[Any]]]:
    """The budget sweep, keyed (model, L, budget); the 8,192 column is the main comparison's."""
    runs = {**load(MAIN_RUNS), **load(BUDGET_SWEEP), **load(BUDGET_SWEEP_90)}
    cells = {(k, L, b): main_cell(k, L, budget=b) for k in MODELS for L in SWEEP_LAGS for b in SWEEP_BUDGETS}
    return {key: runs[cell.key] for key, cell in cells.items() if cell.key in runs}


def bridge_runs() -> dict[tuple[str, float | str, int], dict[str, list[Any]]]:
    """LSTM runs for every input scale, forget bias and lag, keyed (scale, b_f, L)."""
    runs = load(BRIDGE)
    return {(c.kwargs["scale"], c.kwargs["b_f"], c.kwargs["L"]): runs[c.key] for c in BRIDGE.cells}


def clipping_runs() -> dict[str, dict[str, list[Any]]]:
    """The two clipping runs, keyed "clip 1" and "no clip"."""
    runs = load(CLIPPING)
    return {name: runs[c.key] for name, c in zip(CLIPS, CLIPPING.cells, strict=True)}


def lag_records() -> list[dict[str, Any]]:
    """Held-out accuracy of each model at each lag (main setting), one record per cell."""
    return [{"model": kind, "L": L, **run} for (kind, L), run in main_cells().items()]


def gradient_records() -> list[dict[str, Any]]:
    """The gradient that reaches the crash input, per model and lag: the mean over seeds."""
    cells = main_cells()
    stats = ("grad_loss_init", "grad_loss_trained", "grad_logit_init", "grad_logit_trained")
    return [
        {"model": kind, "L": L, **{s.removeprefix("grad_"): float(np.mean(cells[kind, L][s])) for s in stats}}
        for kind in MODELS
        for L in LAGS
    ]


# ------------------------------------------------------------------------------ presentation


def _spread(values: list[float]) -> str:
    """Mean and min–max of per-seed accuracies, in percent."""
    a = 100 * np.asarray(values)
    return f"{a.mean():.0f} ({a.min():.0f}–{a.max():.0f})"


def _trained(table: str, exp: Experiment) -> str:
    return f"{table}\n\n{provenance_line(exp)}"


def chance(L: int, seeds: tuple[int, ...] = SEEDS, n_test: int = 512) -> np.ndarray:
    """Per seed: the majority share of its test set, what always guessing the commoner label scores."""
    _, y = seed_batches(list(seeds), 2, n_test, L, MAIN["scale"])()
    share = y.mean(axis=1)
    return np.maximum(share, 1.0 - share)


def _solved(values: list[float]) -> str:
    """A table cell: mean (min–max) accuracy in percent, and how many seeds reached 95 %."""
    return f"{_spread(values)}, {sum(a >= 0.95 for a in values)}/{len(values)}"


def lag_table() -> str:
    """Accuracy vs lag: mean (min–max) over seeds and how many seeds reached 95 %, per model; and
    each lag's chance level, the majority share of each seed's test set."""
    from lstmgrad.present.markdown import markdown_table

    cells = main_cells()
    rows = [
        [str(L)] + [_solved(cells[kind, L]["accuracy"]) for kind in MODELS] + [_spread(list(chance(L)))]
        for L in LAGS
    ]
    header = ["lag L"] + [f"{name}: acc % (seeds ≥ 95 %)" for name in MODELS.values()] + ["chance %"]
    return _trained(markdown_table(header, rows), MAIN_RUNS)


def gradient_table() -> str:
    """Mean |dloss/dx_{T-L}| at initialisation and after training, and |dlogit/dx_{T-L}| after training."""
    from lstmgrad.present.markdown import markdown_table

    rows = [
        [
            MODELS[r["model"]],
            str(r["L"]),
            f"{r['loss_init']:.2e}",
            f"{r['loss_trained']:.2e}",
            f"{r['logit_trained']:.2e}",
        ]
        for r in gradient_records()
    ]
    header = [
        "model",
        "lag L",
        "‖∂loss/∂x_{T−L}‖ at init",
        "after training",
        "‖∂logit/∂x_{T−L}‖ after training",
    ]
    return _trained(markdown_table(header, rows), MAIN_RUNS)


def rnn_best_table() -> str:
    """The tanh RNN with orthogonal or identity W_h and clipping at 1 or 10: accuracy % per lag."""
    from lstmgrad.present.markdown import markdown_table

    runs = rnn_best_runs()
    rows = []
    for scale in ("std", "raw"):
        for init, clip in RNN_BEST:
            row = ["standardised" if scale == "std" else "raw (≈ 0.01)", init, f"{clip:g}"]
            for L in RNN_BEST_LAGS:
                acc = runs[scale, init, clip, L]["accuracy"]
                row.append(_solved(acc))
            rows.append(row)
    header = ["input", "W_h init", "clip"] + [f"L = {L}: acc % (seeds ≥ 95 %)" for L in RNN_BEST_LAGS]
    table = _trained(markdown_table(header, rows), RNN_CONTROL)
    return f"{table}\n\n{provenance_line(RNN_CONTROL_RAW)}"


def budget_table() -> str:
    """The cells where no seed reached 95 %, at larger budgets: accuracy % and seeds ≥ 95 %."""
    from lstmgrad.present.markdown import markdown_table

    runs = budget_runs()
    rows = []
    for kind in MODELS:
        for L in SWEEP_LAGS:
            row = [MODELS[kind], str(L)]
            for b in SWEEP_BUDGETS:
                run = runs.get((kind, L, b))  # the LSTM and GRU at lag 50 and 131,072: not run
                row.append(_solved(run["accuracy"]) if run else "not run")
            rows.append(row)
    header = ["model", "lag L"] + [f"{b:,} sequences: acc % (seeds ≥ 95 %)" for b in SWEEP_BUDGETS]
    lines = [provenance_line(exp) for exp in (MAIN_RUNS, BUDGET_SWEEP, BUDGET_SWEEP_90)]
    return "\n\n".join([markdown_table(header, rows), *lines])


def _to_95(values: list[int | None]) -> str:
    reached = sorted(v for v in values if v is not None)
    if not reached:
        return "not reached"
    return f"median {int(np.median(reached)):,} ({len(reached)} seeds)"


def bridge_table() -> str:
    """Input scale x forget-gate bias: LSTM accuracy % and sequences to reach 95 % at lags 50 and 90."""
    from lstmgrad.present.markdown import markdown_table

    runs = bridge_runs()
    rows = []
    for scale in BRIDGE_SCALES:
        for b_f in BRIDGE_B_F:
            row = [
                "raw (≈ 0.01)" if scale == "raw" else "standardised",
                f"{b_f:g}" if b_f != "chrono" else "chrono",
            ]
            for L in BRIDGE_LAGS:
                run = runs[scale, b_f, L]
                row += [_solved(run["accuracy"]), _to_95(run["to_95"])]
            rows.append(row)
    header = ["input", "b_f"] + [
        h for L in BRIDGE_LAGS for h in (f"L = {L}: acc % (seeds ≥ 95 %)", f"L = {L}: sequences to 95 %")
    ]
    return _trained(markdown_table(header, rows), BRIDGE)


def clipping_table() -> str:
    """Largest gradient norm seen, final training loss and held-out accuracy, with and without clipping."""
    from lstmgrad.present.markdown import markdown_table

    W_h = init_params("rnn", MAIN["H"], 1, list(SEEDS), sigma_max=CLIP_RUN["sigma_max"])["W_h"]
    radius = np.abs(np.linalg.eigvals(W_h)).max(axis=1)  # per seed, at initialisation
    rows = []
    for name, run in clipping_runs().items():
        g, loss = np.asarray(run["max_grad_norm"]), np.asarray(run["final_loss"])
        rows.append(
            [
                name,
                f"{np.median(radius):.2f} ({radius.min():.2f}–{radius.max():.2f})",
                f"{np.median(g):.3g} ({g.min():.3g}–{g.max():.3g})",
                f"{np.median(loss):.3f} ({loss.min():.3f}–{loss.max():.3f})",
                _spread(run["accuracy"]),
            ]
        )
    header = ["training", "ρ(W_h) at init", "largest ‖g‖: median (min–max)", "final loss: median (min–max)"]
    header.append("accuracy %")
    return _trained(markdown_table(header, rows), CLIPPING)


def setup_table() -> str:
    """The main setting, as the page states it."""
    from lstmgrad.present.markdown import markdown_table

    m = MAIN
    rows = [
        ["daily returns r_t", f"N(0, {SIGMA:g}²); the crash is r = −{CRASH:g}, with probability 1/2"],
        ["sequence length", f"T = L + {PREFIX}; the crash sits at t = T − L"],
        ["input (main setting)", f"standardised, r_t / {SIGMA:g} (the crash becomes −{CRASH / SIGMA:g})"],
        ["models", f"tanh RNN, LSTM, GRU; hidden size H = {m['H']}; readout sigmoid(w·h_T + c)"],
        [
            "initialisation",
            f"PyTorch's: every weight and bias ~ U(±1/√H); LSTM forget bias b_f = {m['b_f']:g}",
        ],
        ["loss, optimiser", f"logistic loss; Adam, learning rate {m['lr']:g}, batch {m['B']}"],
        ["clipping", f"global gradient norm clipped to {m['clip']:g}, each seed on its own"],
        ["budget", f"{m['budget']:,} training sequences per seed ({m['budget'] // m['B']} updates)"],
        ["early stop", "held-out accuracy ≥ 99 % on 128 sequences, checked every 20 updates"],
        ["reported accuracy", "on 512 fresh sequences per seed, after the stop"],
        ["seeds", f"{SEEDS[0]}–{SEEDS[-1]} ({len(SEEDS)} seeds) for every trained cell on this page"],
    ]
    return markdown_table(["setting", "value"], rows, align="left")
