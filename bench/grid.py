"""The experiment grid, new code against old, in one run (``make bench``; `bench.py` calls `bench_grid`).

The grid the issue timed is the old commit's: 119 cells, ten seeds each, many minutes. By default
the contest is a sample: every distinct setting of the grid (the cell function, the model, the
sequence length and the dtype) trains for a few updates with no early stop, once under the old
code and once under the new, alternating. The ratio of their times, per update, scales each
cell's committed training time (``lstmgrad/results/*.json``, written by the old code); the grid's
wall time on ``jobs`` workers follows from the cells' times with the order `lstmgrad.store.run_cells`
uses (longest first, each worker takes the next cell when it is free).

``--grid full`` trains the old grid's 119 cells whole, under each code's own ``run_cells`` on every
core, the old code first: the same settings, seeds, budgets and early stop, and the old test-set
size (512 sequences); the new code trains the LSTM and GRU cells in float32, as its own
experiments do (`lstmgrad.studies.experiments.DTYPES`).

The old code is the commit ``OLD`` as `git archive` writes it; each side runs in a worker
process of its own, as ``make experiments`` runs it (the new one keeps its freed memory, the old
one does not).
"""

from __future__ import annotations

import heapq
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The commit whose grid the issue timed (the last retrain before the speed-ups).
OLD = "d430e99"
#: Updates per probe at lag 90 (fewer at longer lags, more at shorter: about the same time each),
#: enough that the per-update time dominates the cell's fixed costs.
UPDATES = 24

_WORKER = r"""
import importlib, json, sys, time
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "new":
    from lstmgrad.machine import keep_freed_memory
    keep_freed_memory()
for line in sys.stdin:
    job = json.loads(line)
    module, name = job["fn"].rsplit(".", 1)
    fn = getattr(importlib.import_module(module), name)
    start = time.perf_counter()
    fn(**job["kwargs"])
    print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
"""


def old_tree(dest: Path) -> Path:
    """The ``OLD`` commit's package, unpacked into ``dest`` (no checkout, no change to the repository)."""
    archive = subprocess.run(["git", "archive", OLD, "lstmgrad"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def _setting(key: dict[str, Any]) -> tuple:
    """What a cell's time per update depends on: its function, model, length and dtype."""
    return (
        key["fn"],
        key.get("kind", key.get("model")),
        key.get("L", key.get("k")),
        key.get("dtype", "float64"),
    )


def adapt(key: dict[str, Any]) -> dict[str, Any]:
    """An old grid cell's key as the new code trains it: the old test set (512 sequences) and the
    dtype the new code's experiments give its model (`lstmgrad.studies.experiments.DTYPES`)."""
    from lstmgrad.studies.experiments import DTYPES

    if not key["fn"].endswith(".crash_cell"):
        return dict(key)
    return {**key, "n_test": 512, "dtype": DTYPES.get(key["kind"], "float64")}


def _probe(key: dict[str, Any]) -> dict[str, Any]:
    """A short run of the cell ``key`` (its JSON): ``UPDATES`` updates, no early stop."""
    kwargs = {k: v for k, v in key.items() if k != "fn"}
    T = kwargs.get("L", kwargs.get("k", 90)) + 5
    kwargs["budget"] = max(4, min(4 * UPDATES, UPDATES * 95 // T)) * kwargs.get("B", 32)
    if key["fn"].endswith("crash_cell"):
        kwargs["stop_at"] = 2.0
    return {"fn": key["fn"], "kwargs": kwargs}


class _Worker:
    def __init__(self, tree: Path, side: str) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tree), side],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def run(self, job: dict[str, Any]) -> float:
        """Seconds for ``job``."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        return float(json.loads(self.proc.stdout.readline())["seconds"])

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait()


def wall_on(seconds: list[float], jobs: int) -> float:
    """The wall time of cells taking ``seconds`` on ``jobs`` workers, longest first, each worker
    taking the next cell when it is free (what `lstmgrad.store.run_cells` does)."""
    free = [0.0] * jobs
    for s in sorted(seconds, reverse=True):
        heapq.heappush(free, heapq.heappop(free) + s)
    return max(free)


def old_grid(tree: Path) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """The keys of every cell the old code's ``make experiments`` trains (its tree at ``tree``),
    and each one's committed training time (its ``lstmgrad/results/``, written by the old code)."""
    listing = subprocess.run(
        [sys.executable, "-c", _KEYS],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    seconds: dict[str, float] = {}
    for path in sorted((tree / "lstmgrad" / "results").glob("*.json")):
        seconds.update({c["key"]: c["seconds"] for c in json.loads(path.read_text())["cells"]})
    keys = [json.loads(line) for line in listing.splitlines()]
    return keys, {json.dumps(k, sort_keys=True): seconds[json.dumps(k, sort_keys=True)] for k in keys}


def bench_grid(jobs: int = 2, rounds: int = 2) -> dict[str, Any]:
    """The sampled grid contest (see the module docstring)."""
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        keys, committed = old_grid(old_tree(Path(tmp)))
        cells = {json.dumps(k, sort_keys=True): k for k in keys}
        setting_of = {c: _setting(adapt(k)) for c, k in cells.items()}
        settings = {setting_of[c]: k for c, k in reversed(cells.items())}
        workers = {"old": _Worker(Path(tmp), "old"), "new": _Worker(ROOT, "new")}
        times: dict[tuple, dict[str, list[float]]] = {s: {"old": [], "new": []} for s in settings}
        side_key = {"old": lambda k: k, "new": adapt}
        try:
            for side in workers:  # warm-up: imports, first calls
                workers[side].run(_probe(side_key[side]({**keys[0], "L": 2})))
            for _ in range(rounds):
                for s, key in settings.items():
                    for side in ("old", "new"):
                        times[s][side].append(workers[side].run(_probe(side_key[side](key))))
        finally:
            for w in workers.values():
                w.close()
    ratio = {s: min(t["new"]) / min(t["old"]) for s, t in times.items()}
    new_seconds = {c: committed[c] * ratio[setting_of[c]] for c in cells}
    per_model: dict[str, dict[str, float]] = {}
    for c in cells:
        row = per_model.setdefault(f"{setting_of[c][1]}, {setting_of[c][3]}", {"old_s": 0.0, "new_s": 0.0})
        row["old_s"] += committed[c]
        row["new_s"] += new_seconds[c]
    old_wall = wall_on(list(committed.values()), jobs)
    new_wall = wall_on(list(new_seconds.values()), jobs)
    return {
        "cells": len(cells),
        "jobs": jobs,
        "settings": len(settings),
        "updates": UPDATES,
        "old_cell_s": sum(committed.values()),
        "new_cell_s": sum(new_seconds.values()),
        "old_wall_s": old_wall,
        "new_wall_s": new_wall,
        "longest_new_s": max(new_seconds.values()),
        "ratio": new_wall / old_wall,
        "per_model": dict(sorted(per_model.items(), key=lambda kv: -kv[1]["old_s"])),
    }


#: Trains the cells whose keys (JSON, one per line) come on stdin with the ``run_cells`` of the
#: tree on sys.path, on argv[1] workers; prints the wall time and the sequences they trained on.
_TRAIN_CELLS = r"""
import importlib, json, sys, time
from lstmgrad.store import Cell, run_cells
cells = []
for line in sys.stdin:
    kwargs = json.loads(line)
    module, name = kwargs.pop("fn").rsplit(".", 1)
    cells.append(Cell(getattr(importlib.import_module(module), name), kwargs))
start = time.perf_counter()
done = run_cells(cells, jobs=int(sys.argv[1]))
wall = time.perf_counter() - start
used = sum(sum(v.get("sequences", [])) for v, _ in done.values())
print(json.dumps({"wall_s": wall, "cells": len(done), "sequences": used}))
"""


def bench_grid_full(jobs: int = 2) -> dict[str, Any]:
    """The old grid's cells, whole, trained by the old code, then by the new (see the module
    docstring), each in a copy of its own package (the working tree's results are not touched)."""
    sys.path.insert(0, str(ROOT))
    out: dict[str, Any] = {"jobs": jobs}
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old", Path(tmp) / "new"
        old.mkdir()
        new.mkdir()
        keys, _ = old_grid(old_tree(old))
        subprocess.run(["cp", "-r", str(ROOT / "lstmgrad"), str(new / "lstmgrad")], check=True)
        for side, tree, side_keys in (("old", old, keys), ("new", new, [adapt(k) for k in keys])):
            load = os.getloadavg()[0]
            proc = subprocess.run(
                [sys.executable, "-c", _TRAIN_CELLS, str(jobs)],
                cwd=tree,
                env={**os.environ, "PYTHONPATH": str(tree)},
                input="".join(json.dumps(k) + "\n" for k in side_keys),
                capture_output=True,
                text=True,
            )
            if proc.returncode:
                raise RuntimeError(f"training the {side} grid failed:\n{proc.stderr[-3000:]}")
            out[side] = {**json.loads(proc.stdout.splitlines()[-1]), "load": [load, os.getloadavg()[0]]}
    out["ratio"] = out["new"]["wall_s"] / out["old"]["wall_s"]
    return out


#: The keys of every distinct cell ``make experiments`` trains in the tree on sys.path, one per line.
_KEYS = (
    "from lstmgrad.store import all_experiments as a; "
    "print(*sorted({c.key for e in a().values() for c in e.cells}), sep=chr(10))"
)
