"""The comparisons the Experiments and Beyond pages (``docs/experiments.md``, ``docs/beyond.md``)
make in words, each with its test.

A `Comparison` names two trained cells and what the page says about them: that they differ
(``shown=True``: the page may say "more", "fewer", "sooner") or that ten seeds do not show a
difference (``shown=False``: the page must not). `compare` computes the statistics from the
committed results; ``tests/test_comparisons.py`` asserts every ``shown`` against them, so a
retrain that moves a p across `lstmgrad.studies.stats.ALPHA` fails until the words change.

- ``stat="solved"``: seeds with test accuracy >= 95 % in each cell, with Wilson intervals,
  Fisher's exact test, and the exact McNemar test when the two cells train on the same
  sequences (same seeds, same lag: the data streams depend on nothing else).
- any other ``stat`` (``max_grad_norm``, ``sequences``, ``final_loss``): a per-seed measurement,
  compared by the exact Wilcoxon signed-rank test, seed against seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.store import Cell
from lstmgrad.studies import beyond as B
from lstmgrad.studies import experiments as E
from lstmgrad.studies import stats
from lstmgrad.studies.records import load_cells


@dataclass(frozen=True)
class Comparison:
    """What a page says about cell ``a`` against cell ``b``, in ``section`` of ``page``."""

    page: str
    section: str
    claim: str
    a: tuple[str, Cell]
    b: tuple[str, Cell]
    shown: bool
    stat: str = "solved"


def paired(a: Cell, b: Cell) -> bool:
    """Whether the two cells' seeds train and test on the same sequences (same seeds and lag), so
    that ``docs/experiments.md`` may compare them seed by seed."""
    return bool(a.kwargs["seeds"] == b.kwargs["seeds"] and a.kwargs["L"] == b.kwargs["L"])


def compare(c: Comparison) -> dict[str, Any]:
    """The statistics of ``c`` from the committed results, and ``sources`` (the experiments read),
    for the comparison tables of ``docs/experiments.md`` and ``docs/beyond.md``.

    ``p`` is every p the verdict rests on; ``differ`` is True if all of them are below ALPHA,
    False if none is, and None if the tests disagree."""
    records = load_cells([({"side": "a"}, c.a[1]), ({"side": "b"}, c.b[1])])
    ra, rb = records.get(side="a"), records.get(side="b")
    out: dict[str, Any] = {"comparison": c, "sources": records.sources, "paired": paired(c.a[1], c.b[1])}
    if c.stat == "solved":
        sa, sb = ([a >= stats.SOLVED for a in r["accuracy"]] for r in (ra, rb))
        ka, kb, na, nb = sum(sa), sum(sb), len(sa), len(sb)
        out.update(k=(ka, kb), n=(na, nb), interval=(stats.wilson(ka, na), stats.wilson(kb, nb)))
        out["p"] = {"Fisher": stats.fisher_exact(ka, na, kb, nb)}
        if out["paired"]:
            out["p"]["McNemar"] = stats.mcnemar_exact(sa, sb)
    else:
        if not out["paired"]:
            raise ValueError(f"{c.claim}: a per-seed measurement needs paired cells")
        va, vb = np.asarray(ra[c.stat], float), np.asarray(rb[c.stat], float)
        w = stats.wilcoxon_exact(list(va), list(vb))
        out.update(median=(float(np.median(va)), float(np.median(vb))), lower=int((va < vb).sum()),
                   ties=int((va == vb).sum()), n=(len(va), len(vb)))  # fmt: skip
        out["p"] = {"Wilcoxon": w["p"]}
    below = [p < stats.ALPHA for p in out["p"].values()]
    out["differ"] = True if all(below) else False if not any(below) else None
    return out


def comparison_records(page: str, section: str | None = None) -> list[dict[str, Any]]:
    """`compare` for every declared comparison of ``page`` (``docs/experiments.md`` or
    ``docs/beyond.md``, named without ``docs/``) and ``section``, if given."""
    return [compare(c) for c in COMPARISONS if c.page == page and section in (None, c.section)]


# ------------------------------------------------------------------------------ the comparisons


def _main(kind: str, L: int, **kw: Any) -> tuple[str, Cell]:
    names = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}
    label = ", ".join([names[kind], *(f"{k} {v}" for k, v in kw.items() if k != "budget")])
    if "budget" in kw:
        label += f", {kw['budget']:,} seq."
    return label, E.main_cell(kind, L, **kw)


def _rnn(
    init: str, clip: float, L: int, scale: str = "std", lr: float | None = None
) -> tuple[str, Cell]:
    label = f"RNN {init}, clip {clip:g}" + (", raw" if scale == "raw" else "")
    label += f", lr {lr:g}" if lr else ""
    rate: dict[str, Any] = {"lr": lr} if lr else {}
    return label, E.main_cell("rnn", L, init=init, clip=clip, scale=scale, **rate)


def _lstm(b_f: float | str, L: int, scale: str = "std") -> tuple[str, Cell]:
    label = f"LSTM b_f = {b_f}" if b_f != "chrono" else "LSTM chrono"
    return label + (", raw" if scale == "raw" else ""), E.main_cell("lstm", L, scale=scale, b_f=b_f)


def _crash(model: str, L: int) -> tuple[str, Cell]:
    names = {"lstm": "LSTM b_f = 1", "lstm_chrono": "LSTM chrono", "attention": "attention", "rnn": "RNN"}
    return names[model], B.contestant_cell(*B.CONTESTANTS[model], L, B.CRASH_BUDGETS[L])


def _pilot(lr: float, L: int) -> tuple[str, Cell]:
    return f"attention, lr {lr:g}", B.contestant_cell(
        "attention", 1.0, lr, L, B.CRASH_BUDGETS[L], B.PILOT_SEEDS
    )


X, BY = "experiments.md", "beyond.md"
COMPARISONS: tuple[Comparison, ...] = (
    # section 1: accuracy against lag, and the budget sweep
    Comparison(X, "lag", "lag 20: the LSTM against the GRU", _main("lstm", 20), _main("gru", 20), False),
    Comparison(X, "lag", "lag 20: the LSTM against the tanh RNN", _main("lstm", 20), _main("rnn", 20), False),
    Comparison(X, "lag", "lag 20: the tanh RNN against the GRU", _main("rnn", 20), _main("gru", 20), False),
    Comparison(X, "budget", "lag 50: the GRU solves more seeds at 4x the budget than at 1x",
               _main("gru", 50, budget=32768), _main("gru", 50), True),
    Comparison(X, "budget", "lag 90, 4x the budget: the GRU solves more seeds than the LSTM",
               _main("gru", 90, budget=32768), _main("lstm", 90, budget=32768), True),
    Comparison(X, "budget", "lag 90, 16x the budget: the GRU solves more seeds than the LSTM",
               _main("gru", 90, budget=131072), _main("lstm", 90, budget=131072), True),
    Comparison(X, "budget", "lag 90: the GRU solves more seeds at 16x the budget than at 1x",
               _main("gru", 90, budget=131072), _main("gru", 90), True),
    Comparison(X, "budget", "lag 90: the tanh RNN at 16x the budget against 1x",
               _main("rnn", 90, budget=131072), _main("rnn", 90), False),
    # section 3: the RNN's best effort
    Comparison(X, "rnn", "lag 50: the orthogonal start against the default",
               _rnn("orthogonal", 1.0, 50), _rnn("uniform", 1.0, 50), False),
    Comparison(X, "rnn", "lag 90: the orthogonal start against the default",
               _rnn("orthogonal", 1.0, 90), _rnn("uniform", 1.0, 90), False),
    Comparison(X, "rnn", "lag 50: the orthogonal start, clip 10 against clip 1",
               _rnn("orthogonal", 10.0, 50), _rnn("orthogonal", 1.0, 50), False),
    Comparison(X, "rnn", "lag 20: the identity solves fewer seeds than the orthogonal start",
               _rnn("identity", 1.0, 20), _rnn("orthogonal", 1.0, 20), True),
    Comparison(X, "rnn", "lag 50, clip 1: the identity against the orthogonal start",
               _rnn("identity", 1.0, 50), _rnn("orthogonal", 1.0, 50), False),
    Comparison(X, "rnn", "lag 50, clip 10: the identity against the orthogonal start",
               _rnn("identity", 10.0, 50), _rnn("orthogonal", 10.0, 50), False),
    Comparison(X, "rnn", "lag 90, clip 1: the identity against the orthogonal start",
               _rnn("identity", 1.0, 90), _rnn("orthogonal", 1.0, 90), False),
    Comparison(X, "rnn", "lag 90, clip 10: the identity against the orthogonal start",
               _rnn("identity", 10.0, 90), _rnn("orthogonal", 10.0, 90), False),
    Comparison(X, "rnn", "lag 50, orthogonal, clip 1: raw returns against standardised",
               _rnn("orthogonal", 1.0, 50, "raw"), _rnn("orthogonal", 1.0, 50), False),
    Comparison(X, "rnn", "lag 50, orthogonal, clip 10: raw returns against standardised",
               _rnn("orthogonal", 10.0, 50, "raw"), _rnn("orthogonal", 10.0, 50), False),
    Comparison(X, "rnn", "lag 90, orthogonal, clip 1: raw returns against standardised",
               _rnn("orthogonal", 1.0, 90, "raw"), _rnn("orthogonal", 1.0, 90), False),
    Comparison(X, "rnn", "lr 0.01, lag 50: the orthogonal start solves more seeds than the default",
               _rnn("orthogonal", 1.0, 50, lr=0.01), _rnn("uniform", 1.0, 50, lr=0.01), True),
    Comparison(X, "rnn", "lag 50, orthogonal: lr 0.01 against lr 0.03",
               _rnn("orthogonal", 1.0, 50, lr=0.01), _rnn("orthogonal", 1.0, 50), False),
    # section 5: what it takes for an LSTM to bridge lag 90
    Comparison(X, "bridge", "lag 90: b_f = 5 solves more seeds than b_f = 1",
               _lstm(5.0, 90), _lstm(1.0, 90), True),
    Comparison(X, "bridge", "lag 50, chrono: standardised returns solve more seeds than raw",
               _lstm("chrono", 50), _lstm("chrono", 50, "raw"), True),
    Comparison(X, "bridge", "lag 90: chrono against b_f = 5", _lstm("chrono", 90), _lstm(5.0, 90), False),
    Comparison(X, "bridge", "lag 90: b_f = 5 against b_f = 3", _lstm(5.0, 90), _lstm(3.0, 90), False),
    # section 6: clipping (the same seeds, with and without)
    Comparison(X, "clipping", "largest gradient norm: clip 1 against no clip",
               ("clip 1", E.CLIPPING.cells[0]), ("no clip", E.CLIPPING.cells[1]), False, "max_grad_norm"),
    Comparison(X, "clipping", "final training loss: clip 1 against no clip",
               ("clip 1", E.CLIPPING.cells[0]), ("no clip", E.CLIPPING.cells[1]), False, "final_loss"),
    # Beyond: attention on the crash task, and its learning-rate pilot
    Comparison(BY, "pilot", "lag 200: learning rate 0.03 against 0.01",
               _pilot(0.03, 200), _pilot(0.01, 200), False),
    Comparison(BY, "pilot", "lag 500: learning rate 0.03 against 0.01",
               _pilot(0.03, 500), _pilot(0.01, 500), False),
    Comparison(BY, "crash", "lag 90: attention solves more seeds than the LSTM (b_f = 1)",
               _crash("attention", 90), _crash("lstm", 90), True),
    Comparison(BY, "crash", "lag 200: attention solves more seeds than the LSTM (b_f = 1)",
               _crash("attention", 200), _crash("lstm", 200), True),
    Comparison(BY, "crash", "lag 500: attention solves more seeds than the LSTM (b_f = 1)",
               _crash("attention", 500), _crash("lstm", 500), True),
    Comparison(BY, "crash", "lag 200: attention against the chrono LSTM",
               _crash("attention", 200), _crash("lstm_chrono", 200), False),
    Comparison(BY, "crash", "lag 500: attention solves more seeds than the chrono LSTM",
               _crash("attention", 500), _crash("lstm_chrono", 500), True),
    Comparison(BY, "crash", "lag 20: sequences used, chrono LSTM against attention",
               _crash("lstm_chrono", 20), _crash("attention", 20), False, "sequences"),
    Comparison(BY, "crash", "lag 90: sequences used, chrono LSTM against attention",
               _crash("lstm_chrono", 90), _crash("attention", 90), False, "sequences"),
)  # fmt: skip

# beyond / model-choice / exercises (post2): lags 200 and 500 at the main budget (long_lags)
from lstmgrad.studies import followups as F  # noqa: E402  (a separate block, for the merge)

_LONG_NAMES = {"lstm_chrono": "LSTM chrono", "lstm_b_f_5": "LSTM b_f = 5", "attention": "attention"}


def _long(model: str, L: int) -> tuple[str, Cell]:
    return f"{_LONG_NAMES[model]}, 8,192 seq.", F.long_cell(model, L)


COMPARISONS = COMPARISONS + (
    Comparison(BY, "long", "lag 200, main budget: attention against the chrono LSTM",
               _long("attention", 200), _long("lstm_chrono", 200), False),
    Comparison(BY, "long", "lag 500, main budget: attention against the chrono LSTM",
               _long("attention", 500), _long("lstm_chrono", 500), False),
    Comparison(BY, "long", "lag 200, main budget: attention solves more seeds than the b_f = 5 LSTM",
               _long("attention", 200), _long("lstm_b_f_5", 200), True),
    Comparison(BY, "long", "lag 500, main budget: attention solves more seeds than the b_f = 5 LSTM",
               _long("attention", 500), _long("lstm_b_f_5", 500), True),
    Comparison(BY, "long", "lag 200, main budget: the chrono LSTM solves more seeds than the b_f = 5 LSTM",
               _long("lstm_chrono", 200), _long("lstm_b_f_5", 200), True),
    Comparison(BY, "long", "lag 500, main budget: the chrono LSTM solves more seeds than the b_f = 5 LSTM",
               _long("lstm_chrono", 500), _long("lstm_b_f_5", 500), True),
    Comparison(BY, "long", "lag 200, main budget: sequences used, chrono LSTM against attention",
               _long("lstm_chrono", 200), _long("attention", 200), False, "sequences"),
    Comparison(BY, "long", "lag 500, main budget: attention stops sooner than the chrono LSTM",
               _long("lstm_chrono", 500), _long("attention", 500), True, "sequences"),
)  # fmt: skip
