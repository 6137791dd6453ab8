"""The experiment grid, new code against old, in one run (``make bench``; `bench.py` calls `bench_grid`).

The whole grid (119 cells, ten seeds each) takes many minutes, so by default the contest is a
sample: every distinct setting of the grid (the cell function, the model, the sequence length
and the dtype) trains for a few updates with no early stop, once under the old code and once
under the new, alternating. The ratio of their times, per update, scales each cell's committed
training time (``lstmgrad/results/*.json``, written by the old code); the grid's wall time on
``jobs`` workers follows from the cells' times with the order `lstmgrad.store.run_cells` uses
(longest first, each worker takes the next cell when it is free). ``--grid full`` trains both
whole grids instead, the old one first, each on every core.

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
import time
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
    try:
        fn(**job["kwargs"])
    except TypeError as e:  # a setting the old code does not have (a newer argument)
        print(json.dumps({"error": str(e)}), flush=True)
        continue
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


def _probe(key: dict[str, Any], old: bool) -> dict[str, Any]:
    """A short run of the cell ``key`` (its JSON): ``UPDATES`` updates, no early stop; the old
    code has no dtype argument (it always trained in float64)."""
    kwargs = {k: v for k, v in key.items() if k != "fn"}
    T = kwargs.get("L", kwargs.get("k", 90)) + 5
    kwargs["budget"] = max(4, min(4 * UPDATES, UPDATES * 95 // T)) * kwargs.get("B", 32)
    if key["fn"].endswith("crash_cell"):
        kwargs["stop_at"] = 2.0
    if old:
        kwargs.pop("dtype", None)
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

    def run(self, job: dict[str, Any]) -> float | None:
        """Seconds for ``job``; None if this side's code has no such setting."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        return None if "error" in answer else float(answer["seconds"])

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


def bench_grid(jobs: int = 2, rounds: int = 2) -> dict[str, Any]:
    """The sampled grid contest (see the module docstring)."""
    sys.path.insert(0, str(ROOT))
    from lstmgrad import store

    new_cells = list({c.key: c for e in store.all_experiments().values() for c in e.cells}.values())
    committed: dict[str, float] = {}
    for path in sorted(store.RESULTS.glob("*.json")):
        committed.update({c["key"]: c["seconds"] for c in json.loads(path.read_text())["cells"]})
    old_seconds: dict[str, float] = {}  # each new cell's committed (old-code, float64) time
    for c in new_cells:
        k = json.loads(c.key)
        k.pop("dtype", None)
        old_seconds[c.key] = committed.get(
            json.dumps(k, sort_keys=True, allow_nan=False), committed.get(c.key, 0.0)
        )
    settings: dict[tuple, dict[str, Any]] = {}
    for c in new_cells:
        settings.setdefault(_setting(json.loads(c.key)), json.loads(c.key))
    with tempfile.TemporaryDirectory() as tmp:
        workers = {"old": _Worker(old_tree(Path(tmp)), "old"), "new": _Worker(ROOT, "new")}
        times: dict[tuple, dict[str, list[float]]] = {s: {"old": [], "new": []} for s in settings}
        try:
            for side in workers:  # warm-up: imports, first calls
                workers[side].run(_probe({**next(iter(settings.values())), "L": 2}, side == "old"))
            for _ in range(rounds):
                for s, key in settings.items():
                    for side in ("old", "new"):
                        if (seconds := workers[side].run(_probe(key, side == "old"))) is not None:
                            times[s][side].append(seconds)
        finally:
            for w in workers.values():
                w.close()
    missing = [s for s, t in times.items() if not (t["old"] and t["new"])]
    new_cells = [c for c in new_cells if _setting(json.loads(c.key)) not in missing]
    ratio = {s: min(t["new"]) / min(t["old"]) for s, t in times.items() if s not in missing}
    setting_of = {c.key: _setting(json.loads(c.key)) for c in new_cells}
    new_seconds = {c.key: old_seconds[c.key] * ratio[setting_of[c.key]] for c in new_cells}
    per_model: dict[str, dict[str, float]] = {}
    for c in new_cells:
        row = per_model.setdefault(
            f"{setting_of[c.key][1]}, {setting_of[c.key][3]}", {"old_s": 0.0, "new_s": 0.0}
        )
        row["old_s"] += old_seconds[c.key]
        row["new_s"] += new_seconds[c.key]
    old_wall = wall_on(list(old_seconds.values()), jobs)
    new_wall = wall_on(list(new_seconds.values()), jobs)
    return {
        "cells": len(new_cells),
        "jobs": jobs,
        "settings": len(settings) - len(missing),
        "not_in_old": [list(s) for s in missing],
        "updates": UPDATES,
        "old_cell_s": sum(old_seconds.values()),
        "new_cell_s": sum(new_seconds.values()),
        "old_wall_s": old_wall,
        "new_wall_s": new_wall,
        "longest_new_s": max(new_seconds.values()),
        "ratio": new_wall / old_wall,
        "per_model": dict(sorted(per_model.items(), key=lambda kv: -kv[1]["old_s"])),
    }


#: The number of distinct cells `make experiments` trains, in the tree it runs in.
_COUNT = (
    "from lstmgrad.store import all_experiments as a; "
    "print(len({c.key for e in a().values() for c in e.cells}))"
)


def bench_grid_full(jobs: int = 2) -> dict[str, Any]:
    """Both whole grids, old then new, each by ``python -m lstmgrad.store --jobs jobs`` in a copy
    of its own package (so the working tree's results are not touched)."""
    out: dict[str, Any] = {"jobs": jobs}
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old", Path(tmp) / "new"
        old.mkdir()
        new.mkdir()
        old_tree(old)
        subprocess.run(["cp", "-r", str(ROOT / "lstmgrad"), str(new / "lstmgrad")], check=True)
        for side, tree in (("old", old), ("new", new)):
            load = os.getloadavg()[0]
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "lstmgrad.store", "--jobs", str(jobs)],
                cwd=tree,
                env={**os.environ, "PYTHONPATH": str(tree)},
                check=True,
                capture_output=True,
            )
            out[side] = {"wall_s": time.perf_counter() - start, "load": [load, os.getloadavg()[0]]}
            count = subprocess.run(
                [sys.executable, "-c", _COUNT],
                cwd=tree,
                env={**os.environ, "PYTHONPATH": str(tree)},
                capture_output=True,
                text=True,
            )
            out[side]["cells"] = int(count.stdout) if count.returncode == 0 else None
    out["ratio"] = out["new"]["wall_s"] / out["old"]["wall_s"]
    return out
