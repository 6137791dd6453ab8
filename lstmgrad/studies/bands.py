"""Bands for the trained results: each is a claim the Experiments page (``docs/experiments.md``)
or the Beyond page (``docs/beyond.md``) makes about every seed of some cells. The Experiments
page lists them all ("What the tests pin").

A band holds when every committed seed (``lstmgrad/results/``, seeds 0-9) lies inside it;
``tests/test_reproduce.py`` also retrains a sample on the machine that runs the tests and
requires the retrained seeds to land inside the same bands. No cell function imports this
module, so tuning a band changes no results digest.
"""

from __future__ import annotations

from typing import Any

from lstmgrad.store import Cell
from lstmgrad.studies import beyond
from lstmgrad.studies import experiments as E
from lstmgrad.studies import followups as F
from lstmgrad.studies.band_types import Band, Count, committed, outside, values, where_is

__all__ = ["BANDS", "COUNTS", "Band", "Count", "band_records", "committed", "outside", "sample", "sample_of"]
__all__ += ["unsampled", "values", "where_is"]


def _main(kinds: tuple[str, ...], lags: tuple[int, ...], **overrides: object) -> tuple[Cell, ...]:
    return tuple(E.main_cell(kind, L, **overrides) for kind in kinds for L in lags)  # type: ignore[arg-type]


def _bridge(scale: str, b_fs: tuple[float | str, ...], lags: tuple[int, ...]) -> tuple[Cell, ...]:
    return tuple(E.main_cell("lstm", L, scale=scale, b_f=b_f) for b_f in b_fs for L in lags)


def _crash(model: str, lags: tuple[int, ...]) -> tuple[Cell, ...]:
    return tuple(beyond.contestant_cell(*beyond.CONTESTANTS[model], L, beyond.CRASH_BUDGETS[L]) for L in lags)


def _future(models: tuple[str, ...], ks: tuple[int, ...]) -> tuple[Cell, ...]:
    return tuple(
        c for c in beyond.FUTURE_CONTEXT.cells if c.kwargs["model"] in models and c.kwargs["k"] in ks
    )


ALL = E.MODELS
BANDS = (
    Band("every model solves lags 2 to 10", E.MAIN_RUNS, _main(ALL, (2, 5, 10)), 0.95, 1.0),
    Band("the LSTM solves lag 20", E.MAIN_RUNS, _main(("lstm",), (20,)), 0.95, 1.0),
    Band(
        "the LSTM (b_f = 1) and the GRU stay below 95 % at lags 50 and 90",
        E.MAIN_RUNS,
        _main(("lstm", "gru"), (50, 90)),
        0.40,
        0.95,
    ),
    Band(
        "the tanh RNN reaches 95 % with no seed at lags 50 and 90",
        E.MAIN_RUNS,
        _main(("rnn",), (50, 90)),
        0.40,
        0.95,
    ),
    Band(
        "the RNN with orthogonal W_h solves lag 20, clipped at 1 or 10",
        E.RNN_CONTROL,
        tuple(E.main_cell("rnn", 20, init="orthogonal", clip=c) for c in (1.0, 10.0)),
        0.95,
        1.0,
    ),
    Band(
        "the LSTM on raw returns stays below 95 % at lags 50 and 90, whatever b_f",
        E.BRIDGE,
        _bridge("raw", E.BRIDGE_B_F, E.BRIDGE_LAGS),
        0.40,
        0.95,
    ),
    Band(
        "standardised, b_f = 0: the LSTM stays below 95 % at lags 50 and 90",
        E.BRIDGE,
        _bridge("std", (0.0,), E.BRIDGE_LAGS),
        0.40,
        0.95,
    ),
    Band("standardised, b_f = 5: the LSTM solves lag 50", E.BRIDGE, _bridge("std", (5.0,), (50,)), 0.95, 1.0),
    Band(
        "standardised, chrono: the LSTM solves lags 50 and 90",
        E.BRIDGE,
        _bridge("std", ("chrono",), E.BRIDGE_LAGS),
        0.95,
        1.0,
    ),
    Band(
        "attention solves the crash at lags 20 and 90",
        beyond.CRASH_COMPARISON,
        _crash("attention", (20, 90)),
        0.95,
        1.0,
    ),
    Band(
        "the RNN and the LSTM (b_f = 1) stay below 95 % from lag 90 on",
        beyond.CRASH_COMPARISON,
        _crash("rnn", (90, 200, 500)) + _crash("lstm", (90, 200, 500)),
        0.40,
        0.95,
    ),
    Band(
        "every tagger reads the present (k = 0)",
        beyond.FUTURE_CONTEXT,
        _future(beyond.TAGGERS, (0,)),
        0.95,
        1.0,
    ),
    Band(
        "the left-to-right RNN and LSTM guess the future (k ≥ 1)",
        beyond.FUTURE_CONTEXT,
        _future(("rnn", "lstm"), (1, 2, 4, 8)),
        0.40,
        0.60,
    ),
    Band(
        "the bidirectional RNN and LSTM solve k = 1",
        beyond.FUTURE_CONTEXT,
        _future(("birnn", "bilstm"), (1,)),
        0.95,
        1.0,
    ),
    Band(
        "attention lands between chance and solved (k ≥ 1)",
        beyond.FUTURE_CONTEXT,
        _future(("attention",), (1, 2, 4, 8)),
        0.45,
        0.95,
    ),
    Band(
        "the tanh RNN with H = 32 (1,121 parameters) solves lags 2 and 5",
        F.RNN_WIDE,
        _main(("rnn",), (2, 5), H=F.WIDE_H),
        0.95,
        1.0,
    ),
    Band(
        "the tanh RNN with H = 32 stays below 95 % at lags 50 and 90",
        F.RNN_WIDE,
        _main(("rnn",), (50, 90), H=F.WIDE_H),
        0.40,
        0.95,
    ),
    Band(
        "the GRU started with b_z = 3 or 5 solves lags 20, 50 and 90",
        F.MECHANISMS,
        tuple(E.main_cell("gru", L, b_z=b) for b in F.GRU_B_Z for L in F.MECH_LAGS),
        0.95,
        1.0,
    ),
    Band(
        "the LSTM with its forget gate shut (b_f = -20) stays below 95 % at lags 20, 50 and 90",
        F.MECHANISMS,
        _main(("lstm",), F.MECH_LAGS, b_f=F.SHUT),
        0.40,
        0.95,
    ),
    Band(
        "the orthogonal RNN, at 0.03 or 0.01, stays below 95 % at lags 200 and 500 (main budget)",
        F.LONG_LAGS,
        tuple(F.long_cell(m, L) for m in ("rnn_orthogonal", "rnn_orthogonal_lr_0.01") for L in F.LONG),
        0.40,
        0.95,
    ),
    Band(
        "at the main budget attention and the chrono LSTM solve lags 200 and 500",
        F.LONG_LAGS,
        tuple(F.long_cell(m, L) for m in ("attention", "lstm_chrono") for L in F.LONG),
        0.95,
        1.0,
    ),
    Band(
        "trained attention puts more than half its last step's weight on the crash (lags 200, 500)",
        F.LONG_LAGS,
        tuple(F.long_cell("attention", L) for L in F.LONG),
        0.5,
        1.0,
        "attn_crash_trained",
    ),
)


def _rnn(init: str, clips: tuple[float, ...], L: int, scale: str = "std") -> tuple[Cell, ...]:
    """The RNN control at learning rate 0.01 (`followups.RNN_CONTROL_01`): what its counts describe."""
    return tuple(E.main_cell("rnn", L, init=init, clip=c, scale=scale, lr=F.RNN_CONTROL_LR) for c in clips)


#: The per-seed counts the Experiments page states in words ("some", "most", "all but one").
COUNTS = (
    Count(
        "lag 20: the tanh RNN and the GRU solve some seeds, not all",
        E.MAIN_RUNS,
        _main(("rnn", "gru"), (20,)),
        1,
        9,
    ),
    Count(
        "the tanh RNN's best seeds keep some signal at lags 50 and 90",
        E.MAIN_RUNS,
        _main(("rnn",), (50, 90)),
        1,
        10,
        0.75,
    ),
    Count(
        "lr 0.01, orthogonal W_h: most seeds solve lag 50",
        F.RNN_CONTROL_01,
        _rnn("orthogonal", (1.0, 10.0), 50),
        6,
        10,
    ),
    Count(
        "lr 0.01, orthogonal W_h: a few seeds solve lag 90",
        F.RNN_CONTROL_01,
        _rnn("orthogonal", (1.0, 10.0), 90),
        1,
        4,
    ),
    Count(
        "lr 0.01, identity W_h: one seed solves lag 90",
        F.RNN_CONTROL_01,
        _rnn("identity", (1.0, 10.0), 90),
        1,
        1,
    ),
    Count("standardised, b_f = 3: most seeds solve lag 50", E.BRIDGE, _bridge("std", (3.0,), (50,)), 6, 10),
    Count(
        "standardised, b_f = 3: about half the seeds solve lag 90",
        E.BRIDGE,
        _bridge("std", (3.0,), (90,)),
        3,
        7,
    ),
    Count(
        "standardised, b_f = 5: all seeds but one solve lag 90", E.BRIDGE, _bridge("std", (5.0,), (90,)), 9, 9
    ),
    Count(
        "4x the budget: no seed of the LSTM or the GRU solves lag 50 or 90",
        E.BUDGET_SWEEP,
        tuple(E.main_cell(k, L, budget=32768) for k in ("lstm", "gru") for L in E.SWEEP_LAGS),
        0,
        0,
    ),
    Count(
        "4x and 16x the budget: the tanh RNN solves one seed at lags 50 and 90",
        E.BUDGET_SWEEP,
        tuple(E.main_cell("rnn", L, budget=b) for L in E.SWEEP_LAGS for b in (32768, 131072)),
        1,
        1,
    ),
    Count(
        "16x the budget at lag 90: the LSTM (b_f = 1) solves no seed",
        E.BUDGET_SWEEP_90,
        E.BUDGET_SWEEP_90.cells[:1],
        0,
        0,
    ),
    Count(
        "16x the budget at lag 90: the GRU solves a few seeds",
        E.BUDGET_SWEEP_90,
        E.BUDGET_SWEEP_90.cells[1:],
        1,
        4,
    ),
    Count(
        "lr 0.01, raw returns: the orthogonal start solves lag 20 on most seeds",
        F.RNN_CONTROL_01,
        _rnn("orthogonal", (1.0, 10.0), 20, scale="raw"),
        6,
        10,
    ),
    Count(
        "the tanh RNN with H = 32 solves lag 20 on some seeds, not all",
        F.RNN_WIDE,
        _main(("rnn",), (20,), H=F.WIDE_H),
        1,
        9,
    ),
)


def band_records() -> list[dict[str, Any]]:
    """Each band and count the tests assert, with the committed seeds' values and whether every
    one lies inside: ``claim``, ``kind`` ("band" or "count"), the claim's own fields, ``values``
    (a band's seeds, or a count's seeds at ``at`` per cell) and ``inside``. Shown on
    ``docs/experiments.md`` ("What the tests pin")."""
    rows: list[dict[str, Any]] = [
        {"kind": "band", "claim": b.claim, "stat": b.stat, "lo": b.lo, "hi": b.hi, "values": values(b),
         "inside": not outside(b)}
        for b in BANDS
    ]  # fmt: skip
    rows += [
        {"kind": "count", "claim": c.claim, "at": c.at, "lo": c.lo, "hi": c.hi, "values": c.counts(),
         "inside": c.holds()}
        for c in COUNTS
    ]  # fmt: skip
    return rows


# ------------------------------------------------------------ the sample the tests retrain

#: The seed the tests retrain for every sampled cell (the committed results hold seeds 0-9).
SAMPLE_SEED = 0


def unsampled(cell: Cell) -> bool:
    """Cells left out of the sample to keep ``make test`` within two minutes: the costliest (5 to
    10 s for one seed), whose claim the sample tests in a cheaper cell of the same row."""
    a = cell.kwargs
    if cell.fn.__name__ != "crash_cell":
        return False
    # the budget sweep: the LSTM and GRU at 32,768 (a minute a seed) and the RNN at 131,072
    if a.get("budget", 0) > 8192 and (a["kind"] != "rnn" or a["budget"] > 32768):
        return True
    # the forget-bias grid at lag 90 on raw returns and for b_f = 0 and 3: lag 50 tests the same claims
    if a["L"] == 90 and (a.get("scale") == "raw" or a.get("b_f") in (0.0, 3.0)):
        return True
    # the pilot beyond lag 20, and costly follow-ups from lag 90 on: lag 20 or 50 tests the same claims
    if list(a["seeds"]) == list(E.PILOT_SEEDS) and a["L"] > 20:
        return True
    if a["L"] >= 90 and (a.get("b_z") is not None or a.get("b_f") == -20.0):
        return True
    if a["kind"] == "rnn" and a.get("lr") != E.LR["rnn"] and (a.get("scale") == "raw" or a["L"] >= 90):
        return True  # the RNN control at its second rate: standardised, lags 20 and 50
    if a["L"] >= 200 and a.get("budget", 0) > 1024 and a["kind"] == "lstm" and a.get("b_f") != "chrono":
        return True
    # the recurrent models at lag 500 (T = 505): lags 90 and 200 test the same claim
    return bool(a["L"] == 500)


#: Experiments with no cell in the sample, and why.
UNSAMPLED_EXPERIMENTS = {
    "budget_sweep_90": "the LSTM and the GRU at 131,072 sequences: one seed takes minutes",
    "budget_sweep_50": "the LSTM and the GRU at 131,072 sequences: one seed takes a minute",
}


def sample_of(cell: Cell) -> Cell | None:
    """``cell`` with its first seed alone, at the cell's own budget; None if it is `unsampled`."""
    return None if unsampled(cell) else cell.with_seeds([SAMPLE_SEED])


def sample() -> list[Cell]:
    """Every sampled cell of every experiment, each once."""
    from lstmgrad.store import all_experiments

    cells = {s.key: s for exp in all_experiments().values() for c in exp.cells if (s := sample_of(c))}
    return list(cells.values())
