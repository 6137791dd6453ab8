"""Tables and plots of the Beyond page (``docs/beyond.md``), formatted from the records that
`lstmgrad.studies.beyond` computes. Plots are SVG documents returned as strings.

``python -m lstmgrad.present.beyond > snippets/beyond_timing.md`` measures the timings again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad.present.experiments import count, spread, with_provenance
from lstmgrad.present.figures import style, svg_text
from lstmgrad.present.markdown import markdown_table
from lstmgrad.studies.records import Records
from lstmgrad.studies.stats import solved_count

NAMES = {
    "rnn": "RNN",
    "birnn": "BiRNN",
    "lstm": "LSTM",
    "bilstm": "BiLSTM",
    "lstm_chrono": "LSTM chrono",
    "attention": "Attention",
}


def _accuracy(values: Sequence[float]) -> str:
    """Mean (min–max) of per-seed accuracies, as fractions."""
    return spread(values, ".2f", scale=1.0)


def future_context_table(records: Records) -> str:
    """Held-out accuracy per model (columns) and offset k (rows): mean (min–max) over the seeds."""
    models = records.values("model")
    rows = [
        [str(k)] + [_accuracy(records.get(model=m, k=k)["accuracy"]) for m in models]
        for k in records.values("k")
    ]
    return with_provenance(markdown_table(["k"] + [NAMES[m] for m in models], rows), records)


def blind_gradient_table(records: Sequence[dict[str, Any]]) -> str:
    """|dlogit_t / dx_{t+k}| at initialisation, largest over t, per model."""
    rows = [[NAMES[r["model"]], f"{r['largest']:.3g}"] for r in records]
    header = ["model", f"largest dlogit_t/dx_(t+{records[0]['k']}) over t, in absolute value"]
    return markdown_table(header, rows, align="left")


def _solved(values: Sequence[float]) -> str:
    """Mean (min–max) accuracy as fractions, seeds ≥ 0.95 and the count's 95 % Wilson interval."""
    return f"{_accuracy(values)}, {count(solved_count(values), len(values))}"


def attention_pilot_table(records: Records) -> str:
    """Attention's accuracy per learning rate and lag: mean (min–max), seeds ≥ 0.95 [95 % interval]."""
    budgets = {r["L"]: r["budget"] for r in records.rows}
    rows = []
    for lr in records.values("lr"):
        row = [f"{lr:g}"]
        for L in budgets:
            row.append(_solved(records.get(lr=lr, L=L)["accuracy"]))
        rows.append(row)
    header = ["learning rate"] + [f"lag {L} (budget {b:,})" for L, b in budgets.items()]
    return with_provenance(markdown_table(header, rows), records)


def crash_comparison_table(records: Records) -> str:
    """Per lag: the row's budget, each model's test accuracy mean (min–max) over the seeds with its
    seeds ≥ 0.95 [95 % interval], and the training sequences each used before its early stop
    (mean over the seeds)."""
    models = records.values("model")
    rows = []
    for L in records.values("L"):
        runs = [records.get(model=m, L=L) for m in models]
        row = [str(L), str(runs[0]["budget"])]
        row += [_solved(r["accuracy"]) for r in runs]
        row += [f"{np.mean(r['sequences']):.0f}" for r in runs]
        rows.append(row)
    header = ["lag L", "budget"] + [f"{NAMES[m]} accuracy (seeds ≥ 0.95 [95 % interval])" for m in models]
    header += [f"{NAMES[m]} sequences used" for m in models]
    return with_provenance(markdown_table(header, rows), records)


def crossover_text(rows: Sequence[dict[str, Any]]) -> str:
    """One sentence per LSTM: the crossover `lstmgrad.studies.beyond.crossover` found, or none."""
    lines = []
    for r in rows:
        name = "the LSTM (forget bias 1)" if r["model"] == "lstm" else "the LSTM with chrono initialisation"
        if r["L"] is None:
            lines.append(f"Against {name}: no crossover at lags {r['lags']}.")
        else:
            lines.append(
                f"Against {name}: crossover at lag {r['L']}. With {r['budget']} training sequences each, "
                f"attention reaches a test accuracy of at least {r['solved']} on every seed and the LSTM "
                "does not."
            )
    return "\n\n".join(lines)


def memory_table(rows: Sequence[dict[str, int]]) -> str:
    """Stored activations per sequence (kB = 1000 bytes, float64)."""
    cells = [
        [
            str(r["T"]),
            *(f"{r[m] / 1000:.1f}" for m in ("rnn", "lstm", "attention", "attention_last")),
            f"{r['attention'] / r['lstm']:.2f}",
        ]
        for r in rows
    ]
    header = ["T", "RNN kB", "LSTM kB", "attention kB", "attention, last query only kB", "attention / LSTM"]
    return markdown_table(header, cells)


def timing_table(rows: Sequence[dict[str, float]]) -> str:
    """Seconds of training per 1000 sequences, per lag and model."""
    cells = [
        [str(r["L"])] + [f"{r[m]:.2f}" for m in ("rnn", "lstm", "attention", "attention_last")] for r in rows
    ]
    header = ["lag L", "RNN s", "LSTM s", "attention (all queries) s", "attention (last query) s"]
    return markdown_table(header, cells)


def timing_report(rows: Sequence[dict[str, float]]) -> str:
    """`timing_table` with the machine, the versions and the load it was measured under."""
    import datetime
    import os
    import platform

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Measured {when} on {platform.machine()} ({os.cpu_count()} cores, load average {load:.1f} "
        f"at the end), Python {platform.python_version()}, numpy {np.__version__}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}.\n\n{timing_table(rows)}\n"
    )


# ------------------------------------------------------------------------------------- plots

_MARKERS = {"rnn": "o:", "birnn": "o-", "lstm": "s:", "bilstm": "s-", "attention": "^--"}
_COLOURS = {"rnn": "C0", "birnn": "C0", "lstm": "C1", "bilstm": "C1", "attention": "C2"}


def _errorbars(
    ax: Any, xs: Sequence[float], accs: Sequence[Sequence[float]], style: str, colour: str, label: str
) -> None:
    mean = np.array([np.mean(a) for a in accs])
    low = mean - np.array([min(a) for a in accs])
    high = np.array([max(a) for a in accs]) - mean
    ax.errorbar(xs, mean, yerr=[low, high], fmt=style, color=colour, capsize=3, label=label)


def future_context_plot(records: Records) -> str:
    """Accuracy against the offset k, one line per model (mean, bars for min–max over the seeds)."""
    ks, models = records.values("k"), records.values("model")
    accs = {m: [records.get(model=m, k=k)["accuracy"] for k in ks] for m in models}
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for m in models:
            _errorbars(ax, ks, accs[m], _MARKERS[m], _COLOURS[m], NAMES[m])
        ax.axhline(0.5, color="grey", lw=0.8)
        ax.set_xticks(list(ks))
        ax.set_xlabel("offset k: the label at step t is the sign of x at step t + k")
        ax.set_ylabel("held-out accuracy")
        ax.set_ylim(0.4, 1.02)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # outside: no line hidden
    mean = {m: [float(np.mean(a)) for a in accs[m]] for m in models}
    alt = (
        f"Accuracy against k from {ks[0]} to {ks[-1]}. Every model is near 1 at k = 0. For k of 1 and more "
        f"the left-to-right RNN and LSTM (dotted lines) stay at 0.5; the bidirectional ones (solid lines) "
        f"start near 1 and fall to {mean['birnn'][-1]:.2f} (BiRNN) and {mean['bilstm'][-1]:.2f} (BiLSTM) "
        f"at k = {ks[-1]}; attention (dashed, triangles) sits between {min(mean['attention'][1:]):.2f} "
        f"and {max(mean['attention'][1:]):.2f}."
    )
    return svg_text(fig, alt)


def crash_comparison_plot(records: Records) -> str:
    """Accuracy against lag (log axis) for the RNN, the LSTM and attention, each row at its budget."""
    lags, models = records.values("L"), records.values("model")
    accs = {m: [records.get(model=m, L=L)["accuracy"] for L in lags] for m in models}
    budgets = [records.get(model=models[0], L=L)["budget"] for L in lags]
    styles = {
        "rnn": ("o:", "C0"),
        "lstm": ("s-", "C1"),
        "lstm_chrono": ("D-.", "C3"),
        "attention": ("^--", "C2"),
    }
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for m in models:
            _errorbars(ax, lags, accs[m], *styles[m], NAMES[m])
        ax.set_xscale("log")
        ax.set_xticks(lags, [f"{L}\n({b} seq.)" for L, b in zip(lags, budgets, strict=True)])
        ax.minorticks_off()
        ax.axhline(0.5, color="grey", lw=0.8)
        ax.set_xlabel("lag L from the crash to the answer (training sequences per model)")
        ax.set_ylabel("test accuracy")
        ax.set_ylim(0.4, 1.02)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # outside: no line hidden
    mean = {m: ", ".join(f"{np.mean(a):.2f}" for a in accs[m]) for m in models}
    alt = (
        f"Test accuracy against lag {', '.join(map(str, lags))}, mean over seeds. Attention (dashed, "
        f"triangles): {mean['attention']}. LSTM with forget bias 1 (solid, squares): {mean['lstm']}. "
        f"LSTM with chrono initialisation (dash-dot, diamonds): {mean['lstm_chrono']}. RNN (dotted, "
        f"circles): {mean['rnn']}."
    )
    return svg_text(fig, alt)


def memory_plot(rows: Sequence[dict[str, int]]) -> str:
    """Stored activations per sequence against T, log-log: slope 1 for recurrence, 2 for attention."""
    series = {
        "RNN": ("rnn", "o:", "C0"),
        "LSTM": ("lstm", "s-", "C1"),
        "attention, all queries": ("attention", "^--", "C2"),
        "attention, last query": ("attention_last", "v-.", "C3"),
    }
    Ts = [r["T"] for r in rows]
    with style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for label, (key, fmt, colour) in series.items():
            ax.loglog(Ts, [r[key] / 1000 for r in rows], fmt, color=colour, label=label)
        ax.set_xlabel("sequence length T")
        ax.set_ylabel("stored activations per sequence, kB")
        ax.legend(loc="upper left", fontsize=8)
    alt = (
        f"Log-log chart of stored activations against T from {Ts[0]} to {Ts[-1]}. The RNN, the LSTM and "
        f"last-query attention are straight lines of slope 1; full attention bends up to slope 2 and "
        f"reaches {rows[-1]['attention'] / 1000:.0f} kB at T = {Ts[-1]}, against "
        f"{rows[-1]['lstm'] / 1000:.0f} kB for the LSTM."
    )
    return svg_text(fig, alt)


if __name__ == "__main__":
    # `python -m lstmgrad.present.beyond > snippets/beyond_timing.md` refreshes the measured timings
    from lstmgrad.studies.beyond import timing_rows

    print(timing_report(timing_rows()), end="")
