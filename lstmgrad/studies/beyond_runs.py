"""One cell of the future-context experiment: train a stack of taggers, one per seed.

Shown on the Beyond page (`docs/beyond.md`, "Reading the future"). The task is
`lstmgrad.tasks.future`; the models are `lstmgrad.models.readout` with a readout at every
step; the loop is `lstmgrad.train.loop.fit`. (Attention on the crash task is
`lstmgrad.studies.crash_runs.crash_cell` with ``kind="attention"``.)
"""

from __future__ import annotations

from typing import Any

from lstmgrad.checks import as_count
from lstmgrad.tasks.future import seed_batches
from lstmgrad.train.loop import accuracy, fit
from lstmgrad.train.params import init_params

#: The models compared on it: unidirectional and bidirectional RNN and LSTM, and attention.
TAGGERS = ("rnn", "birnn", "lstm", "bilstm", "attention")


def tagger_cell(
    model: str, k: int, seeds: list[int], H: int = 8, B: int = 32, budget: int = 3200, lr: float = 2e-2
) -> dict[str, list[Any]]:
    """Train ``model`` (one of `TAGGERS`, width H; LSTM forget bias 1) at offset k for every seed:
    at most ``budget`` sequences in batches of B, Adam at ``lr``, clipping at 1, stopping at 99 %
    held-out accuracy (checked every 10 updates on 256 sequences).

    Returns the accuracy on 512 fresh test sequences and the sequences used, one entry per seed.
    """
    if model not in TAGGERS:
        raise ValueError(f"model must be one of {TAGGERS}, got {model!r}")
    seeds = list(seeds)
    as_count("budget", budget, lo=as_count("B", B), why="the budget is in sequences: at least one batch of B")
    P = init_params(model, H, 1, seeds)
    held_out = seed_batches(seeds, 1, 256, k)()
    run = fit(
        model, P, seed_batches(seeds, 0, B, k), held_out, budget // B, lr, clip=1.0,
        every_step=True, eval_every=10, desc=f"{model} k={k}",
    )  # fmt: skip
    test = seed_batches(seeds, 2, 512, k)()
    return {
        "accuracy": [float(a) for a in accuracy(model, P, test, every_step=True)],
        "sequences": run.sequences,
    }
