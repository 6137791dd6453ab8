"""The trained runs of "Measure it in your own model" (``docs/probe.md``): a small ``nn.LSTM`` and
``nn.RNN`` trained with PyTorch on the crash task, probed before and after training, as a
`lstmgrad.store.Experiment` of `lstmgrad.probe.runs.probe_cell` cells, and the claims the page
makes about every seed.

``python -m lstmgrad.probe.study`` trains every cell (it needs torch: ``pip install -c
constraints.txt -e '.[crosscheck]'``) and writes ``lstmgrad/results/probe.json``; the page only
loads it, so the site builds without torch. This experiment is not in `lstmgrad.store.STUDIES`:
``make experiments`` and ``tests/test_reproduce.py`` train numpy models only, and a reader's
``make test`` must pass without torch. ``tests/test_probe_results.py`` checks that the committed
file matches the code, that every claim holds on every committed seed, and (with torch, in CI)
that a retrained seed lands inside every claim on the machine that runs the tests.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstmgrad.probe.runs import probe_cell
from lstmgrad.store import Cell, Experiment, StaleResult, problem, run_cells, write
from lstmgrad.store import load as _load

#: Ten seeds per cell; every model trains on the same data and starts from the same torch seed.
SEEDS = tuple(range(10))
LAGS = (20, 90)
#: The setting, stated on the page: width 16, batches of 32, Adam 1e-2, clipping at 1, 4,096 sequences.
SETTING: dict[str, Any] = {"H": 16, "B": 32, "lr": 1e-2, "clip": 1.0, "budget": 4096}
#: (model, forget-gate bias): the LSTM with b_f = 1 and b_f = 0, the tanh RNN (no forget gate).
MODELS: tuple[tuple[str, float | None], ...] = (("lstm", 1.0), ("lstm", 0.0), ("rnn", None))
COMMAND = "python -m lstmgrad.probe.study"
Runs = dict[str, dict[str, list[Any]]]


def probe_run(model: str, b_f: float | None, L: int, seeds: Sequence[int] = SEEDS) -> Cell:
    """The cell for one model, forget bias and lag, with the page's setting and seeds."""
    return Cell(probe_cell, {"model": model, "L": L, "seeds": [int(s) for s in seeds], "b_f": b_f, **SETTING})


PROBE_RUNS = Experiment(
    "probe",
    tuple(probe_run(m, b, L) for m, b in MODELS for L in LAGS),
    f"PyTorch float32, {len(SEEDS)} seeds per cell, {SETTING['budget']:,} training sequences",
    "docs/probe.md",
    "the before-and-after and forget-bias tables and the plot",
)


def load(exp: Experiment = PROBE_RUNS) -> Runs:
    """The committed results by cell key; a stale or missing file raises `StaleResult` naming the command."""
    why = problem(exp)
    if why is not None:
        raise StaleResult(why.replace("make experiments ONLY=probe", COMMAND))
    return _load(exp)


def result(model: str, b_f: float | None, L: int, runs: dict[str, dict[str, list[Any]]] | None = None) -> Any:
    """The committed (or given) result of one cell, lists with one entry per seed."""
    runs = load() if runs is None else runs
    return runs[probe_run(model, b_f, L, _seeds(runs)).key]


def _seeds(runs: dict[str, dict[str, list[Any]]]) -> list[int]:
    import json

    return json.loads(next(iter(runs)))["seeds"]


def relative(r: dict[str, list[Any]], when: str) -> np.ndarray:
    """Per seed: ‖∂L/∂h‖ at the crash state over ‖∂L/∂h_T‖ at the last step (``when`` before or after)."""
    return np.asarray(r[f"{when}_h_crash"]) / np.asarray(r[f"{when}_h_last"])


def fisher_greater(a: int, n_a: int, b: int, n_b: int) -> float:
    """One-sided Fisher exact test: the chance of ``a`` or more successes of ``n_a`` in the first
    group, given ``a + b`` successes of ``n_a + n_b`` in all, if both groups succeed alike."""
    from math import comb

    k = a + b
    total = comb(n_a + n_b, k)
    return sum(comb(n_a, i) * comb(n_b, k - i) for i in range(a, min(n_a, k) + 1)) / total


# --------------------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Claim:
    """A claim the page makes about every seed: ``stat(runs)`` lies in [lo, hi] for each seed."""

    claim: str
    stat: Callable[[dict[str, dict[str, list[Any]]]], np.ndarray]
    lo: float
    hi: float

    def outside(self, runs: dict[str, dict[str, list[Any]]] | None = None) -> list[str]:
        values = self.stat(load() if runs is None else runs)
        return [
            f"{self.claim}: seed {i}, {v:.3g} outside [{self.lo:g}, {self.hi:g}]"
            for i, v in enumerate(values)
            if not self.lo <= v <= self.hi
        ]


def _acc(model: str, b_f: float | None, L: int) -> Callable[..., np.ndarray]:
    return lambda runs: np.asarray(result(model, b_f, L, runs)["accuracy"])


def _ratio(model: str, b_f: float | None, L: int, when: str = "before") -> Callable[..., np.ndarray]:
    return lambda runs: relative(result(model, b_f, L, runs), when)


def _over(a: Callable[..., np.ndarray], b: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """Seed by seed (every cell trains the same seeds on the same data): ``a`` over ``b``."""
    return lambda runs: a(runs) / b(runs)


def _all(*stats: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    return lambda runs: np.concatenate([s(runs) for s in stats])


def _start_of_solved(runs: Runs) -> np.ndarray:
    """The untrained fraction at the crash of every seed, in every cell, that solved its task (>= 95 %)."""
    out = [
        v
        for m, b in MODELS
        for L in LAGS
        for v, a in zip(
            relative(result(m, b, L, runs), "before"), result(m, b, L, runs)["accuracy"], strict=True
        )
        if a >= 0.95
    ]
    return np.asarray(out)


CLAIMS = (
    Claim("no model solves lag 90 in 4,096 sequences", _all(*(_acc(m, b, 90) for m, b in MODELS)), 0.0, 0.95),
    Claim("the LSTM with b_f = 0 solves lag 20 with no seed", _acc("lstm", 0.0, 20), 0.0, 0.95),
    Claim(
        "untrained, lag 90: the LSTM (b_f = 1) gets around 1e-8 of the gradient to the crash",
        _ratio("lstm", 1.0, 90),
        1e-11,
        1e-5,
    ),
    Claim(
        "untrained, lag 90: the RNN gets a billion times less than the LSTM, or less",
        _over(_ratio("lstm", 1.0, 90), _ratio("rnn", None, 90)),
        1e9,
        np.inf,
    ),
    Claim(
        "untrained, lag 20: the LSTM (b_f = 1) gets about a thousandth", _ratio("lstm", 1.0, 20), 1e-4, 1e-1
    ),
    Claim(
        "untrained, lag 20: the RNN gets tens to thousands of times less than the LSTM",
        _over(_ratio("lstm", 1.0, 20), _ratio("rnn", None, 20)),
        10.0,
        1e6,
    ),
    Claim(
        "lag 90: training shrinks the LSTM's fraction at least tenfold",
        _over(_ratio("lstm", 1.0, 90, "after"), _ratio("lstm", 1.0, 90)),
        0.0,
        0.1,
    ),
    Claim(
        "untrained, lag 90: b_f = 1 brings a billion times more gradient to the crash than b_f = 0, or more",
        _over(_ratio("lstm", 1.0, 90), _ratio("lstm", 0.0, 90)),
        1e9,
        np.inf,
    ),
    Claim(
        "untrained, lag 20, b_f = 0: the steps up to the crash carry under 1e-3 of dL/dW_hh",
        lambda runs: np.abs(result("lstm", 0.0, 20, runs)["before_w_hh_early"]),
        0.0,
        1e-3,
    ),
    Claim(
        "every seed that solved its task started with at least 1e-7 of the gradient at the crash",
        _start_of_solved,
        1e-7,
        np.inf,
    ),
)


def main(argv: list[str] | None = None) -> int:
    """Train every cell (two workers) and write ``lstmgrad/results/probe.json``."""
    jobs = int((argv or sys.argv[1:] or ["2"])[0])
    start = time.perf_counter()
    done = run_cells(PROBE_RUNS.cells, jobs=jobs, desc="probe")
    path = write(PROBE_RUNS, done, time.perf_counter() - start, jobs)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
