"""Tables of the follow-up experiments (`lstmgrad.studies.followups`): the learning-rate pilot,
the long lags at the main budget, thirty seeds, the parameter-matched RNN and the mechanisms.
Shown on ``docs/experiments.md`` and ``docs/beyond.md``, in their "settled" sections.

Counts print as "k/n"; their intervals and tests come from `lstmgrad.studies.stats` where the
pages compare them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lstmgrad.present.experiments import INPUTS, NAMES, count, solved, with_provenance
from lstmgrad.present.markdown import markdown_table
from lstmgrad.studies.records import Records

#: How the follow-up tables name a model with its start.
MODEL_NAMES = {
    **NAMES,
    "attention": "attention",
    "lstm_chrono": "LSTM, chrono",
    "lstm_b_f_5": "LSTM, b_f = 5",
    "rnn_orthogonal": "tanh RNN, orthogonal W_h",
    "rnn_orthogonal_lr_0.01": "tanh RNN, orthogonal W_h, lr 0.01",
}


def _count(values: Sequence[float], at: float = 0.95) -> str:
    """Seeds at ``at`` or above, "k/n", with the count's 95 % Wilson interval."""
    return count(sum(a >= at for a in values), len(values))


def _median(values: Sequence[float], fmt: str) -> str:
    return f"{np.median(np.asarray(values, dtype=float)):{fmt}}"


def pilot_table(records: Records, rates: dict[str, dict[str, Any]]) -> str:
    """Per piloted model, lag and rate: seeds ≥ 95 % of five and the mean sequences used; then
    each kind's totals and the rate its rule chose (`lstmgrad.studies.followups.chosen_rates`)."""
    lrs = records.values("lr")
    rows = []
    for kind in records.values("kind"):
        for setting in dict.fromkeys(r["setting"] for r in records.rows if r["kind"] == kind):
            for L in dict.fromkeys(
                r["L"] for r in records.rows if r["kind"] == kind and r["setting"] == setting
            ):
                cells = [records.get(kind=kind, setting=setting, L=L, lr=lr) for lr in lrs]
                name = MODEL_NAMES[kind] + ("" if setting == "main" else f", {setting}")
                rows.append(
                    [name, str(L)]
                    + [f"{_count(c['accuracy'])}, {np.mean(c['sequences']):,.0f}" for c in cells]
                    + [""]
                )
        total = rates[kind]
        rows.append(
            [f"**{MODEL_NAMES[kind]}: all cells**", ""]
            + [f"**{total[lr]['solved']}**, {total[lr]['sequences']:,}" for lr in lrs]
            + [f"**{total['lr']:g}**"]
        )
    header = ["model", "lag L"] + [f"lr {lr:g}: seeds ≥ 95 %, sequences" for lr in lrs] + ["chosen"]
    return with_provenance(markdown_table(header, rows), records)


def long_table(records: Records) -> str:
    """The long row at the main budget: accuracy % (seeds ≥ 95 %) and median sequences, per lag."""
    lags = records.values("L")
    rows = []
    for m in records.values("model"):
        row = [MODEL_NAMES[m]]
        for L in lags:
            r = records.get(model=m, L=L)
            row += [solved(r["accuracy"]), f"{np.median(r['sequences']):,.0f}"]
        rows.append(row)
    header = ["model"] + [h for L in lags for h in (f"L = {L}: acc % (seeds ≥ 95 %)", f"L = {L}: sequences")]
    return with_provenance(markdown_table(header, rows), records)


def _setting(r: dict[str, Any]) -> str:
    parts = [MODEL_NAMES[r["kind"]]]
    if r.get("init", "uniform") != "uniform":
        parts.append(f"{r['init']} W_h")
    if r["kind"] == "lstm":
        parts.append(f"b_f = {r['b_f']}" if r["b_f"] == "chrono" else f"b_f = {r['b_f']:g}")
    if r.get("scale", "std") != "std":
        parts.append(INPUTS[r["scale"]])
    if r.get("sigma_max") is not None:
        parts.append(f"σ_max = {r['sigma_max']:g}")
    return ", ".join(parts)


def thirty_table(records: Records, first: int = 10) -> str:
    """Per cell: seeds ≥ 95 % among the first ``first`` (the committed ten) and among all thirty,
    and the thirty seeds' accuracy, mean (min–max)."""
    rows = [
        [_setting(r), str(r["L"]), "none" if r.get("clip") is None else f"{r['clip']:g}", f"{r['budget']:,}",
         _count(r["accuracy"][:first]), _count(r["accuracy"]), solved(r["accuracy"]).rsplit(",", 1)[0]]
        for r in records.rows
    ]  # fmt: skip
    header = ["model", "lag L", "clip", "budget", "seeds 0–9 ≥ 95 %", "30 seeds ≥ 95 %", "acc %, 30 seeds"]
    return with_provenance(markdown_table(header, rows, align="left"), records)


def grid_table(records: Records, key: str, label: str, names: dict[Any, str] | None = None) -> str:
    """One row per value of ``key`` (named by ``names``), one column per lag: accuracy % (seeds ≥ 95 %)."""
    lags = records.values("L")
    rows = [
        [(names or {}).get(v, str(v))] + [solved(records.get(**{key: v, "L": L})["accuracy"]) for L in lags]
        for v in records.values(key)
    ]
    return with_provenance(
        markdown_table([label] + [f"L = {L}: acc % (seeds ≥ 95 %)" for L in lags], rows), records
    )


def state_table(records: Records, B: int = 32) -> str:
    """The logged state of each bridge cell: median over the seeds of ||W_x|| and of the mean and
    the largest unit's forget gate, at the start and at the last check."""
    rows = []
    for r in records.rows:
        w, g, top = (np.asarray(r[f"log_{s}"]) for s in ("w_x_norm", "gate_mean", "gate_max_unit"))
        b_f = r["b_f"] if r["b_f"] == "chrono" else f"{r['b_f']:g}"
        rows.append(
            [INPUTS[r.get("scale", "std")], b_f, str(r["L"])]
            + [_median(a[i], ".3g") for a in (w, g, top) for i in (0, -1)]
        )
    header = ["input", "b_f", "lag L", "‖W_x‖ at start", "at end", "mean f at start", "at end"]
    header += ["largest unit's f at start", "at end"]
    return with_provenance(markdown_table(header, rows), records)


def attention_weight_table(records: Records) -> str:
    """Attention's weight on step T − L, median over the seeds: with a crash there, at the start
    and trained; without one, trained; and 1/T, an even spread."""
    rows = [
        [str(r["L"]), f"{r['budget']:,}", _median(r["attn_crash_init"], ".3f"),
         _median(r["attn_crash_trained"], ".3f"), _median(r["attn_none_trained"], ".4f"),
         f"{1 / (r['L'] + 5):.4f}", _count(r["accuracy"])]
        for r in records.rows
    ]  # fmt: skip
    header = ["lag L", "budget", "weight on the crash: start", "trained", "no crash there: trained", "1/T"]
    header.append("seeds ≥ 95 %")
    return with_provenance(markdown_table(header, rows), records)


def perturbed_table(records: Records) -> str:
    """Each clipping run against its rerun from the perturbed start, seed by seed: the final loss's
    change (median, largest), the largest change of accuracy, and the seeds whose solved status flips."""
    rows = []
    for name in records.values("training"):
        a, b = (
            records.get(training=name, perturb=0.0),
            records.get(training=name, perturb=max(records.values("perturb"))),
        )
        dl = np.abs(np.subtract(a["final_loss"], b["final_loss"]))
        da = np.abs(np.subtract(a["accuracy"], b["accuracy"]))
        flips = sum((x >= 0.95) != (y >= 0.95) for x, y in zip(a["accuracy"], b["accuracy"], strict=True))
        rows.append(
            [name, f"{np.median(dl):.3g}", f"{dl.max():.3g}", f"{100 * da.max():.1f}", f"{flips}/{len(dl)}"]
        )
    header = [
        "training",
        "median change of the final loss",
        "largest change of the final loss",
        "largest change of accuracy (points)",
        "seeds that flip at 95 %",
    ]
    return with_provenance(markdown_table(header, rows), records)


def saturation_table(rows: Sequence[dict[str, Any]]) -> str:
    """The tanh RNN at initialisation, per input scale: mean tanh'(z_t) and the share of units
    with |h_t| > 0.9 (in percent), on the noise steps and on the step that reads the crash."""
    body = [
        [INPUTS[r["scale"]], f"{r['slope']:.2f}", f"{100 * r['saturated']:.0f} %", f"{r['slope_crash']:.2f}",
         f"{100 * r['saturated_crash']:.0f} %"]
        for r in rows
    ]  # fmt: skip
    header = ["input", "noise steps: mean tanh′", "noise steps: units past ±0.9", "crash step: mean tanh′"]
    header.append("crash step: units past ±0.9")
    return markdown_table(header, body)
