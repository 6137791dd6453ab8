"""Tables of the Experiments page (``docs/experiments.md``), formatted from the records that
`lstmgrad.studies.experiments`, `lstmgrad.studies.exploding` and `lstmgrad.studies.bands`
compute. Each trained table ends with the provenance line of every experiment it was read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmgrad.present.markdown import markdown_table
from lstmgrad.store import provenance_line
from lstmgrad.studies.records import Records
from lstmgrad.studies.stats import SOLVED, solved_count, wilson

#: How the pages name the models.
NAMES = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}
INPUTS = {"std": "standardised", "raw": "raw (≈ 0.01)"}


def spread(values: Sequence[float], fmt: str = ".0f", scale: float = 100.0) -> str:
    """Mean and min–max of per-seed values, times ``scale`` (default: fractions as percent)."""
    a = scale * np.asarray(values)
    return f"{a.mean():{fmt}} ({a.min():{fmt}}–{a.max():{fmt}})"


#: A word joiner, after a range's dash: a narrow table cell breaks its line elsewhere.
JOIN = "\u2060"


def count(k: int, n: int) -> str:
    """``k/n`` and its 95 % Wilson interval in percent, e.g. ``6/10 [31–83 %]``."""
    lo, hi = wilson(k, n)
    return f"{k}/{n}\u00a0[{100 * lo:.0f}–{JOIN}{100 * hi:.0f}\u00a0%]"  # one unit: no line break inside


def solved(values: Sequence[float], at: float = SOLVED) -> str:
    """A table cell: mean (min–max) accuracy in percent, how many seeds reached ``at``, and the
    95 % interval of that count."""
    return f"{spread(values)}, {count(solved_count(values, at), len(values))}"


#: The header of a column of `solved` cells.
SOLVED_HEADER = "acc % (seeds ≥ 95 % [95 % interval])"


def p_value(p: float) -> str:
    """A p as a table states it: ``p = 0.17`` (two significant digits), or ``p < 0.001``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def with_provenance(table: str, records: Records) -> str:
    """``table`` and, under it, how and where each experiment it reads was trained."""
    return "\n\n".join([table, *(provenance_line(exp) for exp in records.sources)])


def _ranges(values: Sequence[float], fmt: str) -> str:
    """Median (min–max), for spreads that are not accuracies."""
    a = np.asarray(values)
    return f"{np.median(a):{fmt}} ({a.min():{fmt}}–{a.max():{fmt}})"


def comparison_table(rows: Sequence[dict[str, Any]]) -> str:
    """Each comparison a page makes in words (`lstmgrad.studies.comparisons.compare`): the two
    cells, their seeds ≥ 95 % with 95 % intervals (or medians of a per-seed measurement), each
    test's p, and whether the difference is shown at p < 0.05."""
    body = []
    for r in rows:
        c = r["comparison"]
        if "k" in r:
            a, b = (count(k, n) for k, n in zip(r["k"], r["n"], strict=True))
        else:
            a, b = (f"median {m:.3g}" for m in r["median"])
            a += f", lower on {r['lower']} of {r['n'][0]} seeds" + (
                f" ({r['ties']} tied)" if r["ties"] else ""
            )
        tests = "; ".join(f"{name} {p_value(p)}" for name, p in r["p"].items())
        verdict = {True: "yes", False: "no", None: "the tests disagree"}[r["differ"]]
        body.append([c.claim, f"{c.a[0]}: {a}", f"{c.b[0]}: {b}", tests, verdict])
    header = ["comparison", "first", "second", "exact test, two-sided", "shown at p < 0.05"]
    seen = {exp.name: exp for r in rows for exp in r["sources"]}
    return with_provenance(markdown_table(header, body, align="left"), Records((), tuple(seen.values())))


def lag_table(records: Records) -> str:
    """Accuracy vs lag: mean (min–max) over seeds and how many seeds reached 95 %, per model; and
    each lag's chance level, the majority share of each seed's test set."""
    models = records.values("model")
    rows = [
        [str(L)]
        + [solved(records.get(model=m, L=L)["accuracy"]) for m in models]
        + [spread(records.get(model=models[0], L=L)["chance"])]
        for L in records.values("L")
    ]
    header = ["lag L"] + [f"{NAMES[m]}: {SOLVED_HEADER}" for m in models] + ["chance %"]
    return with_provenance(markdown_table(header, rows), records)


def _log_cell(summary: dict[str, float]) -> str:
    return f"{summary['geomean']:.1e} ({summary['min']:.0e}–{JOIN}{summary['max']:.0e})"


def gradient_table(records: Records) -> str:
    """|dloss/dx_{T-L}| at initialisation and after training, and |dlogit/dx_{T-L}| after
    training: geometric mean (min–max) over the seeds."""
    rows = []
    for m in records.values("model"):
        for L in records.values("L"):
            r = records.get(model=m, L=L)
            rows.append(
                [NAMES[m], str(L), *(_log_cell(r[s]) for s in ("loss_init", "loss_trained", "logit_trained"))]
            )
    header = [
        "model",
        "lag L",
        "‖∂loss/∂x_{T−L}‖ at init: geometric mean (min–max)",
        "after training",
        "‖∂logit/∂x_{T−L}‖ after training",
    ]
    return with_provenance(markdown_table(header, rows), records)


def rnn_control_table(records: Records) -> str:
    """The tanh RNN from each W_h initialisation and clipping threshold: accuracy % per lag."""
    lags = records.values("L")
    starts = list(dict.fromkeys((r["init"], r["clip"]) for r in records.rows))
    rows = [
        [INPUTS[scale], init, f"{clip:g}"]
        + [solved(records.get(scale=scale, init=init, clip=clip, L=L)["accuracy"]) for L in lags]
        for scale in records.values("scale")
        for init, clip in starts
    ]
    header = ["input", "W_h init", "clip"] + [f"L = {L}: {SOLVED_HEADER}" for L in lags]
    return with_provenance(markdown_table(header, rows), records)


def budget_table(records: Records) -> str:
    """Accuracy % and seeds ≥ 95 % per model, lag and budget; "not run" where no cell was trained."""
    budgets = sorted(records.values("budget"))
    rows = []
    for m in records.values("model"):
        for L in sorted(records.values("L")):
            row = [NAMES[m], str(L)]
            for b in budgets:
                run = records.find(model=m, L=L, budget=b)
                row.append(solved(run["accuracy"]) if run else "not run")
            rows.append(row)
    header = ["model", "lag L"] + [f"{b:,} sequences: {SOLVED_HEADER}" for b in budgets]
    return with_provenance(markdown_table(header, rows), records)


def _to_95(values: Sequence[int | None]) -> str:
    reached = sorted(v for v in values if v is not None)
    if not reached:
        return "not reached"
    return f"median {int(np.median(reached)):,} ({len(reached)} seeds)"


def bridge_table(records: Records) -> str:
    """Input scale x forget-gate bias: LSTM accuracy % and sequences to reach 95 % per lag."""
    lags = records.values("L")
    rows = []
    for scale in records.values("scale"):
        for b_f in records.values("b_f"):
            row = [INPUTS[scale], b_f if b_f == "chrono" else f"{b_f:g}"]
            for L in lags:
                run = records.get(scale=scale, b_f=b_f, L=L)
                row += [solved(run["accuracy"]), _to_95(run["to_95"])]
            rows.append(row)
    header = ["input", "b_f"] + [
        h for L in lags for h in (f"L = {L}: {SOLVED_HEADER}", f"L = {L}: sequences to 95 %")
    ]
    return with_provenance(markdown_table(header, rows), records)


def clipping_table(records: Records) -> str:
    """Spectral radius at initialisation, largest gradient norm seen, final training loss and
    held-out accuracy, per training (with and without clipping)."""
    rows = [
        [
            r["training"],
            _ranges(r["radius"], ".2f"),
            _ranges(r["max_grad_norm"], ".3g"),
            _ranges(r["final_loss"], ".3f"),
            spread(r["accuracy"]),
        ]
        for r in records.rows
    ]
    header = ["training", "ρ(W_h) at init", "largest ‖g‖: median (min–max)", "final loss: median (min–max)"]
    header.append("accuracy %")
    return with_provenance(markdown_table(header, rows), records)


def setup_table() -> str:
    """The main setting, as the page states it (`lstmgrad.studies.experiments.MAIN`)."""
    from lstmgrad.studies.experiments import LR, MAIN, MODELS, N_TEST, SEEDS
    from lstmgrad.tasks.crash import CRASH, PREFIX, SIGMA

    m = MAIN
    rates = ", ".join(f"{LR[k]:g} ({NAMES[k]})" for k in MODELS)
    rows = [
        ["daily returns r_t", f"N(0, {SIGMA:g}²); the crash is r = −{CRASH:g}, with probability 1/2"],
        ["sequence length", f"T = L + {PREFIX}; the crash sits at t = T − L"],
        ["input (main setting)", f"standardised, r_t / {SIGMA:g} (the crash becomes −{CRASH / SIGMA:g})"],
        ["models", f"tanh RNN, LSTM, GRU; hidden size H = {m['H']}; readout sigmoid(W_y·h_T + b_y)"],
        [
            "initialisation",
            f"PyTorch's: every weight and bias ~ U(±1/√H); LSTM forget bias b_f = {m['b_f']:g}",
        ],
        ["loss, optimiser", f"logistic loss; Adam, batch {m['B']}, learning rate {rates} (pilot: section 7)"],
        ["clipping", f"global gradient norm clipped to {m['clip']:g}, each seed on its own"],
        ["budget", f"{m['budget']:,} training sequences per seed ({m['budget'] // m['B']} updates)"],
        ["early stop", "held-out accuracy ≥ 99 % on 128 sequences, checked every 20 updates"],
        ["reported accuracy", f"on {N_TEST:,} fresh sequences per seed, after the stop"],
        ["seeds", f"{SEEDS[0]}–{SEEDS[-1]} ({len(SEEDS)} per cell); section 7 adds 15–34, pilots on 10–14"],
    ]
    return markdown_table(["setting", "value"], rows, align="left")


def exploding_table(records: Sequence[dict[str, Any]]) -> str:
    """Per T: the share of the (W_h, W_x x) grid where |dh_T/dh_0| > 1 and < 1e-5; the largest value."""
    rows = [
        [
            str(r["T"]),
            f"{r['above_1']:.1%}",
            f"{r['below_1e-5']:.1%}",
            f"{r['driven_above_1']:.1%}",
            f"{r['largest']:.3g}",
            f"{r['at_W_h']:.3g}",
            f"{r['at_scale']:.3g}",
        ]
        for r in records
    ]
    header = ["T", "grid > 1", "grid < 1e-5", "> 1 where W_x x ≥ 1", "largest", "at W_h", "at W_x x"]
    return markdown_table(header, rows)


def growth_table(records: Sequence[dict[str, Any]]) -> str:
    """`lstmgrad.studies.exploding.jacobian_growth`: rho and sigma_max of W_h, the growth rate per
    step of the Jacobian product and its norm over the span, per pattern of tanh' slopes."""
    rows = [
        [
            r["pattern"],
            f"{r['radius_W']:.4f}",
            f"{r['sigma_W']:.4f}",
            f"{r['growth']:.4f}",
            f"{r['lyapunov']:+.4f}",
            f"{r['norm_span']:.3g}",
        ]
        for r in records
    ]
    span = records[0]["span"]
    header = ["tanh′(z_t) per unit, repeating", "ρ(W_h)", "σ_max(W_h)", "growth per step e^λ", "λ"]
    header.append(f"‖∂h_{span}/∂h_0‖")
    return markdown_table(header, rows)


def pascanu_table(records: Sequence[dict[str, float]]) -> str:
    """Pascanu's bound on random draws: the worst ratio, whether it holds, the full span's chain."""
    rows = [
        [
            f"{r['sigma']:g}",
            f"{r['worst_ratio']:.4f}",
            "yes" if r["worst_ratio"] <= 1 else "no",
            f"{r['largest_full']:.3g}",
            f"{r['bound_full']:.3g}",
            f"{r['median_radius']:.2f}",
        ]
        for r in records
    ]
    header = ["σ_max(W_h)", "max ‖∂h_T/∂h_k‖ / σ_max^(T−k)", "bound holds", "max ‖∂h_50/∂h_0‖", "σ_max^50"]
    header.append("median spectral radius ρ(W_h)")
    return markdown_table(header, rows)


def bands_table(records: Sequence[dict[str, Any]]) -> str:
    """Each band the tests assert, the committed seeds' range, and whether every seed lies inside."""
    rows = []
    for r in records:
        v = r["values"]
        if r["kind"] == "band":
            claim = f"{r['stat']} in [{r['lo']:g}, {r['hi']:g}]"
            seen = f"{min(v):.3f} to {max(v):.3f}"
        else:
            claim = f"seeds with accuracy ≥ {r['at']:g}: {r['lo']} to {r['hi']} of 10, per cell"
            seen = ", ".join(count(k, r.get("n", 10)) for k in v)  # band_records gives no n: 10 seeds
        rows.append([r["claim"], claim, seen, str(len(v)), "yes" if r["inside"] else "NO"])
    header = ["claim", "band", "seeds 0–9 on this page", "cells or values", "inside"]
    return markdown_table(header, rows, align="left")
