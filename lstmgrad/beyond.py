"""Beyond the recurrent view: what bidirectional models and self-attention buy, measured.

Two of the article's claims reach past the LSTM:

1. *Honest limitations*: a unidirectional RNN or LSTM is blind to future context;
   a bidirectional model or full self-attention fixes that.
   -> the **future-context task**: x_t ~ N(0, 1) for t = 1..T, and the label at step t is
   ``1[x_{t+k} > 0]`` (steps with t + k > T carry no label). A left-to-right model has not
   read x_{t+k} when it answers at t, so for k >= 1 it can only guess.
2. *When to use which model*: "LSTM + attention or Transformer" for 200 steps and more.
   -> the **crash-at-lag task** of :mod:`lstmgrad.experiments` (same generator, same data
   streams, same training rules), with the single-head attention model of
   :mod:`lstmgrad.attention` beside that module's RNN and LSTM, every model in a row under the same budget.

Every function that trains is cached (`lstmgrad.cache.cached`); tables and plots
are returned as text for the snippets to print.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from lstmgrad import experiments, lstm, rnn
from lstmgrad.attention import (
    activation_bytes,
    attention_backward,
    attention_forward,
    init_attention,
)
from lstmgrad.bidirectional import bidirectional_backward, bidirectional_forward, stored_bytes
from lstmgrad.cache import cached
from lstmgrad.plots import _style, svg_text
from lstmgrad.tables import markdown_table
from lstmgrad.train import Adam, clip_grad_norm, init_params, loss_and_grads

Params = dict[str, np.ndarray]

# ----------------------------------------------------------------------- the future-context task

#: Sequence length and offsets k of the future-context task.
FUTURE_T = 16
FUTURE_KS = (0, 1, 2, 4, 8)
#: The models compared on it: unidirectional and bidirectional RNN and LSTM, and attention.
TAGGERS = ("rnn", "birnn", "lstm", "bilstm", "attention")
TAGGER_NAMES = {
    "rnn": "RNN",
    "birnn": "BiRNN",
    "lstm": "LSTM",
    "bilstm": "BiLSTM",
    "attention": "Attention",
}
SEEDS = (0, 1, 2)


def future_batch(rng: np.random.Generator, B: int, k: int, T: int = FUTURE_T) -> tuple[np.ndarray, ...]:
    """``B`` sequences of the future-context task: x (B, T, 1), labels y (B, T), label mask (B, T).

    ``y[:, t] = 1[x[:, t + k] > 0]`` where t + k < T; the mask is 0 on the last k steps.
    """
    if not 0 <= k < T:
        raise ValueError(f"k must be in [0, T) = [0, {T}), got {k}")
    x = rng.normal(size=(B, T, 1))
    y = np.zeros((B, T))
    mask = np.zeros((B, T))
    y[:, : T - k] = x[:, k:, 0] > 0
    mask[:, : T - k] = 1.0
    return x, y, mask


def _cell(model: str) -> Any:
    return lstm if model.endswith("lstm") else rnn


def init_tagger(model: str, H: int, seed: int) -> Params:
    """Seeded parameters of a per-step tagger; every model reads out one logit per step.

    Recurrent models are drawn like PyTorch (``train.init_params``; LSTM forget bias 1). A
    bidirectional one adds ``W_x_bw, W_h_bw, b_bw`` for its right-to-left layer, and its
    readout ``W_y`` (2H,) reads [h_fw_t ; h_bw_t]. ``attention`` has width d = H.
    """
    if model == "attention":
        return init_attention(1, H, seed)
    if model not in TAGGERS:
        raise ValueError(f"model must be one of {TAGGERS}, got {model!r}")
    kind = "lstm" if model.endswith("lstm") else "rnn"
    forget = 1.0 if kind == "lstm" else None
    p = init_params(kind, H, 1, seed, forget_bias=forget)
    if model.startswith("bi"):
        q = init_params(kind, H, 1, seed + 10_000, forget_bias=forget)
        p.update({"W_x_bw": q["W_x"], "W_h_bw": q["W_h"], "b_bw": q["b"]})
        p["W_y"] = np.concatenate([p["W_y"], q["W_y"]])
    return p


def tagger_forward(model: str, p: Params, x: np.ndarray) -> tuple[np.ndarray, Any]:
    """Logits (B, T), one per step, and the trace the backward pass needs."""
    if model == "attention":
        return attention_forward(p, x)
    fw = {"W_x": p["W_x"], "W_h": p["W_h"], "b": p["b"]}
    if model.startswith("bi"):
        bw = {"W_x": p["W_x_bw"], "W_h": p["W_h_bw"], "b": p["b_bw"]}
        trace: Any = bidirectional_forward(_cell(model), x, fw, bw)
    else:
        trace = _cell(model).forward(x, **fw)
    return trace.h @ p["W_y"] + p["b_y"], trace


def tagger_backward(model: str, p: Params, trace: Any, dlogits: np.ndarray) -> Params:
    """Gradients for every entry of ``p`` given dL/dlogits (B, T)."""
    if model == "attention":
        return attention_backward(p, trace, dlogits)[0]
    g: Params = {"W_y": np.einsum("bt,bth->h", dlogits, trace.h), "b_y": np.asarray(dlogits.sum())}
    dh = dlogits[..., None] * p["W_y"]
    if model.startswith("bi"):
        both = bidirectional_backward(trace, dh)
        g.update({k: both["fw"][k] for k in ("W_x", "W_h", "b")})
        g.update({f"{k}_bw": both["bw"][k] for k in ("W_x", "W_h", "b")})
    else:
        layer = _cell(model).backward(trace, dh)
        g.update({k: layer[k] for k in ("W_x", "W_h", "b")})
    return g


def masked_logistic(logits: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean logistic loss over the labelled steps, and its gradient w.r.t. the logits (B, T)."""
    n = mask.sum()
    loss = float(((np.logaddexp(0.0, logits) - y * logits) * mask).sum() / n)
    return loss, (0.5 * (1.0 + np.tanh(0.5 * logits)) - y) * mask / n


def _accuracy(logits: np.ndarray, y: np.ndarray, mask: np.ndarray) -> float:
    return float((((logits > 0) == (y == 1.0)) * mask).sum() / mask.sum())


def _progress(total: int, desc: str) -> Any:
    """A tqdm bar on a terminal; silent inside a page build or a pipe."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, leave=False, disable=not sys.stderr.isatty())


def train_tagger(
    model: str,
    k: int,
    seed: int,
    H: int = 8,
    B: int = 32,
    budget: int = 3200,
    lr: float = 2e-2,
    clip: float = 1.0,
    eval_every: int = 10,
    n_eval: int = 256,
    n_test: int = 512,
    stop_at: float = 0.99,
) -> dict[str, float]:
    """Train one tagger on the future-context task with Adam and global-norm clipping.

    Stops early once held-out accuracy reaches ``stop_at``. Returns the accuracy on a
    fresh test set and the training sequences used.
    """
    p = init_tagger(model, H, seed)
    opt = Adam(p, lr=lr)
    rng = np.random.default_rng([seed, 0, k])
    X_eval, y_eval, m_eval = future_batch(np.random.default_rng([seed, 1, k]), n_eval, k)
    used = 0
    for step in range(1, budget // B + 1):
        x, y, mask = future_batch(rng, B, k)
        logits, trace = tagger_forward(model, p, x)
        _, dlogits = masked_logistic(logits, y, mask)
        grads = tagger_backward(model, p, trace, dlogits)
        clip_grad_norm(grads, clip)
        opt.step(p, grads)
        used = step * B
        if step % eval_every == 0:
            if _accuracy(tagger_forward(model, p, X_eval)[0], y_eval, m_eval) >= stop_at:
                break
    X_test, y_test, m_test = future_batch(np.random.default_rng([seed, 2, k]), n_test, k)
    return {"accuracy": _accuracy(tagger_forward(model, p, X_test)[0], y_test, m_test), "sequences": used}


@cached
def future_context_runs(
    ks: Sequence[int] = FUTURE_KS, models: Sequence[str] = TAGGERS, seeds: Sequence[int] = SEEDS
) -> dict[str, dict[int, list[dict[str, float]]]]:
    """Every (model, k, seed) run of `train_tagger`: ``out[model][k]`` is one dict per seed."""
    out: dict[str, dict[int, list[dict[str, float]]]] = {m: {} for m in models}
    with _progress(len(ks) * len(models) * len(seeds), "future context") as bar:
        for model in models:
            for k in ks:
                out[model][k] = []
                for seed in seeds:
                    out[model][k].append(train_tagger(model, k, seed))
                    bar.update(1)
    return out


def _cell_text(accs: Sequence[float]) -> str:
    return f"{np.mean(accs):.2f} ({min(accs):.2f}–{max(accs):.2f})"


def future_context_table(ks: Sequence[int] = FUTURE_KS, models: Sequence[str] = TAGGERS) -> str:
    """Held-out accuracy per model (columns) and offset k (rows): mean (min–max) over the seeds."""
    runs = future_context_runs(list(ks), list(models))
    rows = [[str(k)] + [_cell_text([r["accuracy"] for r in runs[m][k]]) for m in models] for k in ks]
    return markdown_table(["k"] + [TAGGER_NAMES[m] for m in models], rows)


def blind_gradient_table(k: int = 1, T: int = 8, H: int = 4) -> str:
    """|dlogit_t / dx_{t+k}| at initialisation, largest over t: exactly 0 for a left-to-right model."""
    x = np.random.default_rng(0).normal(size=(1, T, 1))
    rows = []
    for model in TAGGERS:
        p = init_tagger(model, H, seed=0)
        _, trace = tagger_forward(model, p, x)
        worst = 0.0
        for t in range(T - k):
            dl = np.zeros((1, T))
            dl[0, t] = 1.0
            # dx of the logit at step t, through the model's own backward pass
            if model == "attention":
                dx = attention_backward(p, trace, dl)[1]
            elif model.startswith("bi"):
                dx = bidirectional_backward(trace, dl[..., None] * p["W_y"])["x"]
            else:
                dx = _cell(model).backward(trace, dl[..., None] * p["W_y"])["x"]
            worst = max(worst, abs(float(dx[0, t + k, 0])))
        rows.append([TAGGER_NAMES[model], f"{worst:.3g}"])
    header = ["model", f"largest dlogit_t/dx_(t+{k}) over t, in absolute value"]
    return markdown_table(header, rows, align="left")


# ------------------------------------------------------------------ crash-at-lag: attention


#: Lags of the attention comparison and the sequence budget of each row, the same for every
#: model in a row: the experiments chapter's main setting where it has the lag, and 1024
#: sequences at 200 and 500, where one recurrent run costs seconds.
_MAIN_BUDGET = int(experiments.MAIN["budget"])
CRASH_BUDGETS: dict[int, int] = {20: _MAIN_BUDGET, 90: _MAIN_BUDGET, 200: 1024, 500: 1024}
CRASH_LAGS = tuple(CRASH_BUDGETS)
#: The attention model's learning rate, picked from {0.01, 0.03} on a five-seed pilot; the
#: recurrent models keep the experiments chapter's 0.01.
ATTENTION_LR = 3e-2
ATTENTION_D = 16  # the same width as the recurrent models' H = 16


def train_attention(
    L: int,
    seeds: Sequence[int],
    d: int = ATTENTION_D,
    B: int = 32,
    budget: int = 6144,
    lr: float = ATTENTION_LR,
    clip: float = 1.0,
    eval_every: int = 20,
    n_eval: int = 128,
    n_test: int = 512,
    stop_at: float = 0.99,
) -> experiments.Run:
    """The attention model on the crash-at-lag task, under `experiments.train`'s rules.

    Same data streams per seed (train 0, held-out 1, test 2), Adam, global-norm clipping,
    the same early stop. Only the last step's logit is read, so ``queries="last"``
    (identical logit and gradients to the full layer, without the unused T x T rows).
    """
    run = experiments.Run([], [], [], [])
    for seed in seeds:
        p = init_attention(1, d, seed)
        opt = Adam(p, lr=lr)
        draw = experiments.seed_batches([seed], 0, B, L, "std")
        X_eval, y_eval = experiments.seed_batches([seed], 1, n_eval, L, "std")()
        used, to_95, top = 0, None, 0.0
        for step in range(1, budget // B + 1):
            X, y = draw()
            logits, cache = attention_forward(p, X[0], queries="last")
            _, dlogits = experiments.logistic_loss(logits[None, :, 0], y)
            grads, _ = attention_backward(p, cache, dlogits[0][:, None])
            top = max(top, clip_grad_norm(grads, clip))
            opt.step(p, grads)
            used = step * B
            if step % eval_every == 0:
                logits, _ = attention_forward(p, X_eval[0], queries="last")
                acc = float(((logits[:, 0] > 0) == (y_eval[0] == 1)).mean())
                if to_95 is None and acc >= 0.95:
                    to_95 = used
                if acc >= stop_at:
                    break
        X_test, y_test = experiments.seed_batches([seed], 2, n_test, L, "std")()
        logits, _ = attention_forward(p, X_test[0], queries="last")
        run.accuracy.append(float(((logits[:, 0] > 0) == (y_test[0] == 1)).mean()))
        run.sequences.append(used)
        run.to_95.append(to_95)
        run.max_grad_norm.append(top)
    return run


@cached
def attention_cell(L: int, seeds: Sequence[int], budget: int, lr: float = ATTENTION_LR) -> dict[str, Any]:
    """`train_attention` at lag L: test accuracy and sequences used, one entry per seed."""
    run = train_attention(L, list(seeds), budget=budget, lr=lr)
    return {"accuracy": run.accuracy, "sequences": run.sequences}


#: The recurrent contestants: (experiments kind, forget-gate bias); the rest is the main setting.
#: "chrono" is the initialisation with which the experiments chapter's LSTM bridged lag 90.
RECURRENT = {"rnn": ("rnn", 1.0), "lstm": ("lstm", 1.0), "lstm_chrono": ("lstm", "chrono")}
CRASH_MODELS = {"rnn": "RNN", "lstm": "LSTM", "lstm_chrono": "LSTM chrono", "attention": "Attention"}


@cached  # three snippets show these runs; train them once
def crash_comparison_runs(
    budgets: dict[int, int] | None = None, seeds: Sequence[int] = SEEDS
) -> dict[str, dict[int, dict[str, list[Any]]]]:
    """Accuracy and sequences used per model, lag and seed; every model in a row has the same budget.

    The recurrent cells are `experiments.crash_cell` with the main setting (the very cells
    the experiments chapter shows, where it has them); attention follows the same rules.
    """
    budgets = CRASH_BUDGETS if budgets is None else budgets
    out: dict[str, dict[int, dict[str, list[Any]]]] = {m: {} for m in CRASH_MODELS}
    with _progress(len(CRASH_MODELS) * len(budgets), "attention vs recurrence") as bar:
        for L, budget in budgets.items():
            for model, (kind, b_f) in RECURRENT.items():
                setting: dict[str, Any] = {**experiments.MAIN, "budget": budget, "b_f": b_f}
                run = experiments.crash_cell(kind, L, list(seeds), **setting)["run"]
                out[model][L] = {"accuracy": run.accuracy, "sequences": run.sequences}
                bar.update(1)
            out["attention"][L] = attention_cell(L, list(seeds), budget)
            bar.update(1)
    return out


def crash_comparison_table() -> str:
    """Per lag: the row's budget, each model's test accuracy mean (min–max) over the seeds, and the
    training sequences each used before its early stop (mean over the seeds)."""
    runs = crash_comparison_runs()
    rows = []
    for L, budget in CRASH_BUDGETS.items():
        row = [str(L), str(budget)]
        row += [_cell_text(runs[m][L]["accuracy"]) for m in CRASH_MODELS]
        row += [f"{np.mean(runs[m][L]['sequences']):.0f}" for m in CRASH_MODELS]
        rows.append(row)
    header = ["lag L", "budget"] + [f"{n} accuracy" for n in CRASH_MODELS.values()]
    header += [f"{n} sequences used" for n in CRASH_MODELS.values()]
    return markdown_table(header, rows)


def crossover(solved: float = 0.95) -> str:
    """For each LSTM, the smallest lag at which attention is solved on every seed (test accuracy
    >= ``solved``) and that LSTM is not, at the row's budget."""
    runs = crash_comparison_runs()
    lines = []
    for model in ("lstm", "lstm_chrono"):
        name = "the LSTM (forget bias 1)" if model == "lstm" else "the LSTM with chrono initialisation"
        for L, budget in CRASH_BUDGETS.items():
            att_ok = min(runs["attention"][L]["accuracy"]) >= solved
            lstm_ok = min(runs[model][L]["accuracy"]) >= solved
            if att_ok and not lstm_ok:
                lines.append(
                    f"Against {name}: crossover at lag {L}. With {budget} training sequences each, attention "
                    f"reaches a test accuracy of at least {solved} on every seed and the LSTM does not."
                )
                break
        else:
            lines.append(f"Against {name}: no crossover at lags {list(CRASH_BUDGETS)}.")
    return "\n\n".join(lines)


# ------------------------------------------------------------------------------ memory and time


def _stored_bytes_recurrent(kind: str, T: int, H: int) -> int:
    p = init_params(kind, H, 1, 0)
    trace = (lstm if kind == "lstm" else rnn).forward(np.zeros((1, T, 1)), p["W_x"], p["W_h"], p["b"])
    return stored_bytes(trace)


def memory_rows(Ts: Sequence[int], H: int = ATTENTION_D) -> list[dict[str, int]]:
    """Bytes of stored activations for one sequence of length T, measured from the arrays kept."""
    rows = []
    for T in Ts:
        x = np.zeros((1, T, 1))
        p = init_attention(1, H)
        rows.append(
            {
                "T": T,
                "rnn": _stored_bytes_recurrent("rnn", T, H),
                "lstm": _stored_bytes_recurrent("lstm", T, H),
                "attention": activation_bytes(attention_forward(p, x)[1]),
                "attention_last": activation_bytes(attention_forward(p, x, queries="last")[1]),
            }
        )
    return rows


#: Sequence lengths: those of the crash task's lags (T = L + PREFIX), then longer.
MEMORY_TS = tuple(L + experiments.PREFIX for L in CRASH_LAGS) + (1000, 2000)


def memory_table(Ts: Sequence[int] = MEMORY_TS, H: int = ATTENTION_D) -> str:
    """Stored activations per sequence (kB = 1000 bytes, float64), H = d = 16."""
    rows = [
        [
            str(r["T"]),
            f"{r['rnn'] / 1000:.1f}",
            f"{r['lstm'] / 1000:.1f}",
            f"{r['attention'] / 1000:.1f}",
            f"{r['attention_last'] / 1000:.1f}",
            f"{r['attention'] / r['lstm']:.2f}",
        ]
        for r in memory_rows(Ts, H)
    ]
    header = ["T", "RNN kB", "LSTM kB", "attention kB", "attention, last query only kB", "attention / LSTM"]
    return markdown_table(header, rows)


def _update(model: str, x: np.ndarray, y: np.ndarray) -> Any:
    """One training update of a fresh ``model`` on (x (B, T, 1), y (B,)), as a callable."""
    if model in ("rnn", "lstm"):
        p = init_params(model, ATTENTION_D, 1, 0, forget_bias=1.0 if model == "lstm" else None)
    else:
        p = init_attention(1, ATTENTION_D)
    opt = Adam(p)

    def update() -> None:
        if model in ("rnn", "lstm"):
            _, grads = loss_and_grads(model, p, x, y)
        else:
            queries = "last" if model == "attention_last" else "all"
            logits, cache = attention_forward(p, x, queries=queries)
            _, d_last = experiments.logistic_loss(logits[None, :, -1], y[None])
            dlogits = np.zeros_like(logits)
            dlogits[:, -1] = d_last[0]
            grads = attention_backward(p, cache, dlogits)[0]
        clip_grad_norm(grads, 1.0)
        opt.step(p, grads)

    return update


def timing_table(lags: Sequence[int] = CRASH_LAGS, B: int = 32, calls: int = 3) -> str:
    """Seconds of training (forward, loss, backward, clipping, Adam) per 1000 sequences, one model
    at a time, batch ``B``, fastest of ``calls`` updates: a measurement of this machine, not pinned."""
    rows = []
    for L in lags:
        X, y = experiments.seed_batches([0], 0, B, L, "std")()
        row = [str(L)]
        for model in ("rnn", "lstm", "attention", "attention_last"):
            row.append(f"{_seconds_per(_update(model, X[0], y[0]), calls) * 1000 / B:.2f}")
        rows.append(row)
    header = ["lag L", "RNN s", "LSTM s", "attention (all queries) s", "attention (last query) s"]
    return markdown_table(header, rows)


def _seconds_per(fn: Any, calls: int) -> float:
    """The fastest of ``calls`` timed calls (the first one also pays for first-touch allocations)."""
    best = float("inf")
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


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


def future_context_plot(ks: Sequence[int] = FUTURE_KS, models: Sequence[str] = TAGGERS) -> str:
    """Accuracy against the offset k, one line per model (mean, bars for min–max over the seeds)."""
    runs = future_context_runs(list(ks), list(models))
    with _style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for m in models:
            accs = [[r["accuracy"] for r in runs[m][k]] for k in ks]
            _errorbars(ax, ks, accs, _MARKERS[m], _COLOURS[m], TAGGER_NAMES[m])
        ax.axhline(0.5, color="grey", lw=0.8)
        ax.set_xticks(list(ks))
        ax.set_xlabel("offset k: the label at step t is the sign of x at step t + k")
        ax.set_ylabel("held-out accuracy")
        ax.set_ylim(0.4, 1.02)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # outside: no line hidden
    mean = {m: [float(np.mean([r["accuracy"] for r in runs[m][k]])) for k in ks] for m in models}
    alt = (
        f"Accuracy against k from {ks[0]} to {ks[-1]}. Every model is near 1 at k = 0. For k of 1 and more "
        f"the left-to-right RNN and LSTM (dotted lines) stay at 0.5; the bidirectional ones (solid lines) "
        f"start near 1 and fall to {mean['birnn'][-1]:.2f} (BiRNN) and {mean['bilstm'][-1]:.2f} (BiLSTM) "
        f"at k = {ks[-1]}; attention (dashed, triangles) sits between {min(mean['attention'][1:]):.2f} "
        f"and {max(mean['attention'][1:]):.2f}."
    )
    return svg_text(fig, alt)


def crash_comparison_plot() -> str:
    """Accuracy against lag (log axis) for the RNN, the LSTM and attention, each row at its budget."""
    runs = crash_comparison_runs()
    lags = list(CRASH_BUDGETS)
    styles = {
        "rnn": ("o:", "C0"),
        "lstm": ("s-", "C1"),
        "lstm_chrono": ("D-.", "C3"),
        "attention": ("^--", "C2"),
    }
    with _style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for m, name in CRASH_MODELS.items():
            _errorbars(ax, lags, [runs[m][L]["accuracy"] for L in lags], *styles[m], name)
        ax.set_xscale("log")
        ax.set_xticks(lags, [f"{L}\n({CRASH_BUDGETS[L]} seq.)" for L in lags])
        ax.minorticks_off()
        ax.axhline(0.5, color="grey", lw=0.8)
        ax.set_xlabel("lag L from the crash to the answer (training sequences per model)")
        ax.set_ylabel("test accuracy")
        ax.set_ylim(0.4, 1.02)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # outside: no line hidden
    mean = {m: [float(np.mean(runs[m][L]["accuracy"])) for L in lags] for m in CRASH_MODELS}
    alt = (
        f"Test accuracy against lag {', '.join(map(str, lags))}, mean over seeds. Attention (dashed, "
        f"triangles): {', '.join(f'{a:.2f}' for a in mean['attention'])}. LSTM with forget bias 1 (solid, "
        f"squares): {', '.join(f'{a:.2f}' for a in mean['lstm'])}. LSTM with chrono initialisation "
        f"(dash-dot, diamonds): {', '.join(f'{a:.2f}' for a in mean['lstm_chrono'])}. RNN (dotted, "
        f"circles): {', '.join(f'{a:.2f}' for a in mean['rnn'])}."
    )
    return svg_text(fig, alt)


def memory_plot(Ts: Sequence[int] = MEMORY_TS, H: int = ATTENTION_D) -> str:
    """Stored activations per sequence against T, log-log: slope 1 for recurrence, 2 for attention."""
    rows = memory_rows(Ts, H)
    series = {
        "RNN": ("rnn", "o:", "C0"),
        "LSTM": ("lstm", "s-", "C1"),
        "attention, all queries": ("attention", "^--", "C2"),
        "attention, last query": ("attention_last", "v-.", "C3"),
    }
    with _style():
        fig, ax = plt.subplots(figsize=(6.0, 3.4))
        for label, (key, fmt, colour) in series.items():
            ax.loglog([r["T"] for r in rows], [r[key] / 1000 for r in rows], fmt, color=colour, label=label)
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


def timing_report() -> str:
    """`timing_table` with the machine, the versions and the load it was measured under."""
    import datetime
    import os
    import platform

    table = timing_table()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Measured {when} on {platform.machine()} ({os.cpu_count()} cores, load average {load:.1f} "
        f"at the end), Python {platform.python_version()}, numpy {np.__version__}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}.\n\n{table}\n"
    )


if __name__ == "__main__":
    # `python -m lstmgrad.beyond > snippets/beyond_timing.md` refreshes the measured timings
    print(timing_report(), end="")
