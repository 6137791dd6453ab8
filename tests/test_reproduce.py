"""Trained results reproduce on this machine: a sample of every experiment is retrained here,
with the code on disk, and must land inside the bands the committed seeds justify.

The committed results (``lstmgrad/results/``) were trained once, on one machine; the pages
show them. Retraining on another CPU rounds the matrix products differently, so the digits
may move, but every claim must still hold. For each sampled cell:

- the retrained seed lies inside every claim band (``lstmgrad.studies.bands.BANDS``) covering it;
- its accuracy lies inside the committed seeds' range, widened by ``MARGIN``.

A failure names the experiment, the page and table it feeds, the cell and the seed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, background, job_result
from lstmgrad.store import all_experiments, committed
from lstmgrad.studies import bands

#: How far outside the committed seeds' accuracy range a retrained seed may land.
MARGIN = 0.05
EXPERIMENTS = all_experiments()


_RETRAIN = """
import json, sys
from lstmgrad.store import run_cells
from lstmgrad.studies import bands
done = run_cells(bands.sample(), jobs=2, desc="retrain sample")
with open(sys.argv[1], "w") as f:
    json.dump({key: value for key, (value, _) in done.items()}, f)
"""


@background("retrained", low=True)
def retrain_sample() -> dict:
    """``{cell.key: result}`` for every sampled cell, trained here on two workers, started with the
    session in a process of its own (its progress bar stays out of the tests' terminal)."""
    with tempfile.TemporaryDirectory(prefix="lstmgrad-retrain-") as tmp:
        out = Path(tmp) / "retrained.json"
        proc = subprocess.run(
            [sys.executable, "-c", _RETRAIN, str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert proc.returncode == 0, f"retraining the sample failed:\n{proc.stderr[-4000:]}"
        return json.loads(out.read_text())


@pytest.fixture(scope="session")
def retrained() -> dict:
    return job_result("retrained")


@pytest.mark.parametrize("name", [n for n in EXPERIMENTS if n not in bands.UNSAMPLED_EXPERIMENTS])
def test_retrained_sample_inside_the_committed_range(name, retrained):
    exp = EXPERIMENTS[name]
    # compared cell by cell in the experiment's order, so a changed setting is retrained and
    # compared with what the committed setting gave (test_store.py reports the change itself)
    cells = committed(exp)
    assert len(cells) == len(exp.cells), f"{exp.name}: the experiment's cells changed; run make experiments"
    problems = []
    for cell, old in zip(exp.cells, cells, strict=True):
        sampled = bands.sample_of(cell)
        if sampled is None:
            continue
        acc = np.asarray(old["result"]["accuracy"])
        lo, hi = acc.min() - MARGIN, acc.max() + MARGIN
        for seed, a in zip(sampled.kwargs["seeds"], retrained[sampled.key]["accuracy"], strict=True):
            if not lo <= a <= hi:
                problems.append(
                    f"{bands.where_is(exp, cell)}, seed {seed}: retrained accuracy {a:.3f}, "
                    f"committed seeds {acc.min():.3f} to {acc.max():.3f} (± {MARGIN})"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("band", bands.BANDS, ids=lambda b: b.claim)
def test_retrained_sample_inside_each_claim_band(band, retrained):
    runs = [(s, retrained[s.key]) for c in band.cells if (s := bands.sample_of(c)) is not None]
    assert runs, f"{band.claim}: no cell of this band is in the sample"
    problems = bands.outside(band, runs)
    assert not problems, f"{band.claim} (retrained here):\n" + "\n".join(problems)


def test_every_experiment_is_sampled():
    sampled = {c.key for c in bands.sample()}
    for exp in EXPERIMENTS.values():
        if exp.name in bands.UNSAMPLED_EXPERIMENTS:
            continue
        assert any(s.key in sampled for c in exp.cells if (s := bands.sample_of(c))), exp.name
