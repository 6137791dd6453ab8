"""What makes training fast changes no result: the workers' allocator setting is bit-identical,
float32 is a cell's own setting (part of its key), and the grid runs longest first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lstmgrad import store
from lstmgrad.studies.crash_runs import crash_cell

ROOT = Path(__file__).resolve().parent.parent

#: A short crash cell at the grid's size (T = 95, 5 seeds, batch 32, 4H = 64: trace arrays of 7.8 MB),
#: its test set one chunk so training dominates: big enough that glibc maps its arrays afresh.
_RUN = """
import json, resource, sys
from lstmgrad.machine import keep_freed_memory
from lstmgrad.studies.crash_runs import TEST_CHUNK, crash_cell
kept = keep_freed_memory() if sys.argv[1] == "keep" else None
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
out = crash_cell("{kind}", 90, [0, 1, 2, 3, 4], budget=32 * 4, stop_at=2.0, curve=True, n_test=TEST_CHUNK)
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print(json.dumps({{"kept": kept, "faults": faults, "out": out}}))
"""


def _train(kind: str, mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN.format(kind=kind), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's")
@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
def test_keeping_freed_memory_changes_no_result_bit_for_bit(kind):
    plain, kept = _train(kind, "plain"), _train(kind, "keep")
    assert kept["kept"] is True
    assert kept["out"] == plain["out"]  # every float of every seed, the loss curve included
    # and the setting did something: the trace arrays are no longer mapped afresh every update
    assert kept["faults"] < plain["faults"] / 2, (kept["faults"], plain["faults"])


def test_float32_is_part_of_the_cells_key_and_trains_in_float32():
    c64 = store.Cell(crash_cell, {"kind": "lstm", "L": 2, "seeds": [0]})
    c32 = store.Cell(crash_cell, {"kind": "lstm", "L": 2, "seeds": [0], "dtype": "float32"})
    assert json.loads(c64.key)["dtype"] == "float64" and json.loads(c32.key)["dtype"] == "float32"
    out32 = crash_cell("lstm", 2, [0], budget=64, dtype="float32")
    out64 = crash_cell("lstm", 2, [0], budget=64)
    assert out32 != out64  # float32 arithmetic, not float64 relabelled
    assert np.allclose(out32["final_loss"], out64["final_loss"], rtol=1e-3)
    with pytest.raises(ValueError, match="dtype"):
        crash_cell("lstm", 2, [0], budget=64, dtype="float16")


def _cell(L: int, budget: int, kind: str = "rnn", **more) -> store.Cell:
    return store.Cell(crash_cell, {"kind": kind, "L": L, "seeds": [0], "budget": budget, **more})


def test_the_grid_starts_with_its_longest_cells():
    known = _cell(2, 32)
    before = {known.key: 1e6}  # its committed time wins over the estimate
    cells = [_cell(5, 64), _cell(90, 8192, "lstm"), _cell(90, 8192, "lstm", dtype="float32"), known]
    order = sorted(cells, key=lambda c: -store._expected_seconds(c, before))
    assert order == [known, cells[1], cells[2], cells[0]]


def test_each_experiment_records_its_own_wall_time(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "RESULTS", tmp_path)
    cells = (_cell(2, 32), _cell(5, 32))
    exp = store.Experiment("timed", cells, "1 seed", "x.md", "a table")
    spans: dict[str, tuple[float, float]] = {}
    done = store.run_cells(cells, jobs=1, spans=spans)
    assert set(spans) == {c.key for c in cells} and all(0 <= s <= e for s, e in spans.values())
    store.write(exp, done, wall=9.0, jobs=1, spans=spans)
    wall = store.provenance(exp)["wall_seconds"]
    first, last = min(s for s, _ in spans.values()), max(e for _, e in spans.values())
    assert wall == round(last - first, 1) and wall <= 9.0
