"""Trained results: computed once by ``make experiments``, committed with their provenance, never stale.

Numbers that come out of training depend on the last bit of every matrix product, and
OpenBLAS rounds differently on different CPUs; training amplifies that. So the pages do
not train. ``make experiments`` (``python -m lstmgrad.store``) trains every cell of every
`Experiment`, in parallel with joblib, and writes ``lstmgrad/results/<name>.json``:

- ``cells``: each cell's function, its arguments (the seeds and the budget among them)
  and its result, one entry per seed;
- ``code``: the SHA-256 of every ``lstmgrad`` module the cells' functions reach;
- ``provenance``: numpy, the BLAS library and its kernel, the CPU (`lstmgrad.machine`), the
  date, the wall time;
- ``digest``: the SHA-256 of all of the above, so a file edited by hand is caught.

`load` refuses a result whose code digest no longer matches the code on disk, naming the
file, the modules that changed and the command that regenerates it. Tables and plots read the
results through `load`, so two builds of one commit publish the same pages anywhere. The tests
retrain a sample of every experiment here and check it against the committed seeds.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import hashlib
import importlib
import inspect
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmgrad.cache import import_closure
from lstmgrad.machine import blas, cpu, keep_freed_memory

#: Where results live: inside the package, so an installed lstmgrad loads what the pages show.
RESULTS = Path(__file__).resolve().parent / "results"
#: The study modules that declare experiments (each has an ``EXPERIMENTS`` tuple).
STUDIES = ("lstmgrad.studies.experiments", "lstmgrad.studies.beyond", "lstmgrad.studies.followups")
COMMAND = "make experiments"
_signature = functools.cache(inspect.signature)  # a function's signature, read once (keys are asked often)


class StaleResult(RuntimeError):
    """A committed result that cannot be used: missing, unreadable (truncated, not JSON, not a
    mapping, binary), edited by hand or stale. Its message names the file and the
    ``make experiments ONLY=<name>`` that regenerates it."""


@dataclass(frozen=True)
class Cell:
    """One unit of training work: ``fn(**kwargs)`` returns JSON-able lists, one entry per seed."""

    fn: Callable[..., dict[str, list[Any]]]
    kwargs: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.fn.__module__}.{self.fn.__qualname__}"

    def arguments(self) -> dict[str, Any]:
        """The call's arguments with the defaults filled in (so equal calls have equal keys)."""
        bound = _signature(self.fn).bind(**self.kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)

    @property
    def key(self) -> str:
        return json.dumps({"fn": self.name, **self.arguments()}, sort_keys=True, allow_nan=False)

    def with_seeds(self, seeds: list[int]) -> Cell:
        return Cell(self.fn, {**self.kwargs, "seeds": list(seeds)})


@dataclass(frozen=True)
class Experiment:
    """A named set of cells whose results one page shows: ``page`` and ``shown``, the tables and
    plots drawn from it; ``about`` states the seeds and budget."""

    name: str
    cells: tuple[Cell, ...]
    about: str
    page: str
    shown: str

    @property
    def path(self) -> Path:
        return RESULTS / f"{self.name}.json"

    def code(self) -> dict[str, str]:
        """SHA-256 of each ``lstmgrad`` module the cells' functions can reach, by module name."""
        modules: dict[str, Path] = {}
        for module in dict.fromkeys(cell.fn.__module__ for cell in self.cells):  # each module once
            modules.update(import_closure(module))
        return {
            # line endings normalised: a checkout with CRLF (git on Windows) is the same code
            name: hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()
            for name, path in sorted(modules.items())
            # the digest's own module and the package's __init__ (its version string) are not math
            if name not in ("lstmgrad.cache", "lstmgrad")
        }

    def seeds(self) -> list[int]:
        return sorted({s for cell in self.cells for s in cell.kwargs.get("seeds", [])})


def _digest(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "digest"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, allow_nan=False).encode()).hexdigest()


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path(__file__).resolve().parent.parent))
    except ValueError:
        return str(path)


def _record(exp: Experiment) -> dict[str, Any]:
    """``exp``'s results file as written; `StaleResult`, naming the file and the command that
    regenerates it, when it is missing, binary, not JSON (truncated), not a mapping or not a results file."""
    where, again = _relative(exp.path), f"regenerate it with `{COMMAND} ONLY={exp.name}`"
    if not exp.path.exists():
        raise StaleResult(f"{where} is missing: {again}")
    try:
        record = json.loads(exp.path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise StaleResult(f"{where} cannot be read: it is not UTF-8 text (binary?): {again}") from None
    except json.JSONDecodeError as err:  # a subclass of ValueError, like UnicodeDecodeError
        why = f"it is not valid JSON ({err.msg} at line {err.lineno} column {err.colno}; truncated?)"
        raise StaleResult(f"{where} cannot be read: {why}: {again}") from None
    except OSError as err:
        raise StaleResult(f"{where} cannot be read: {err.strerror or err}: {again}") from None
    cells = record.get("cells") if isinstance(record, dict) else None
    if not (
        isinstance(cells, list)
        and all(isinstance(c, dict) and {"key", "result"} <= c.keys() for c in cells)
        and all(isinstance(record.get(k), dict) for k in ("code", "provenance"))
    ):
        got = "a results file" if isinstance(record, dict) else f"a JSON {type(record).__name__}"
        why = f"it holds {got} without cells (key, result), code, provenance"
        raise StaleResult(f"{where} cannot be read: {why}: {again}")
    return record


def _problem(exp: Experiment, record: dict[str, Any]) -> str | None:
    where, again = _relative(exp.path), f"regenerate it with `{COMMAND} ONLY={exp.name}`"
    try:
        edited = record.get("digest") != _digest(record)
    except ValueError:  # NaN or infinity: a results file never holds them
        edited = True
    if edited:
        return f"{where} was edited by hand (its digest does not match its content): {again}"
    old, new = record["code"], exp.code()
    changed = sorted(m for m in old.keys() | new.keys() if old.get(m) != new.get(m))
    if changed:
        return f"{where} is stale: the code it was trained with changed in {', '.join(changed)}; {again}"
    if [c["key"] for c in record["cells"]] != [c.key for c in exp.cells]:
        return f"{where} is stale: the experiment's cells (settings, seeds or budgets) changed; {again}"
    return None


def problem(exp: Experiment) -> str | None:
    """Why ``exp``'s committed result cannot be used (missing, unreadable, edited, stale), or None."""
    try:
        return _problem(exp, _record(exp))
    except StaleResult as err:
        return str(err)


def load(exp: Experiment) -> dict[str, dict[str, list[Any]]]:
    """The committed results of ``exp``, by cell key; raises `StaleResult` if they cannot be used."""
    record = _record(exp)
    why = _problem(exp, record)
    if why is not None:
        raise StaleResult(why)
    return {c["key"]: c["result"] for c in record["cells"]}


def committed(exp: Experiment) -> list[dict[str, Any]]:
    """The cells of ``exp``'s results file as written, ``{"key", "result", "seconds"}`` each, in
    the experiment's order, without the staleness check (the tests compare retrained cells with them)."""
    return list(_record(exp)["cells"])


def provenance(exp: Experiment) -> dict[str, Any]:
    return dict(_record(exp)["provenance"])


def provenance_line(exp: Experiment) -> str:
    """One line for under a trained table: how, where and when its numbers were trained."""
    p = provenance(exp)
    return (
        f"*Trained by `{COMMAND}` ({exp.about}) on {p['date'][:10]}: {p['cpu']}, numpy {p['numpy']}, "
        f"{p['blas']}; {p['cell_seconds']:.0f} s of training. "
        f"Loaded from `lstmgrad/results/{exp.name}.json`, whose code digest matches this build.*"
    )


# ------------------------------------------------------------------------ running experiments


def all_experiments() -> dict[str, Experiment]:
    """Every experiment of every study module, by name."""
    return {exp.name: exp for module in STUDIES for exp in importlib.import_module(module).EXPERIMENTS}


def _timed(cell: Cell) -> tuple[str, dict[str, list[Any]], float, float]:
    keep_freed_memory()  # in the worker process, before the cell allocates anything
    start = time.time()
    return cell.key, cell.fn(**cell.kwargs), start, time.time()  # left to right: the end after the cell


#: Time per update and step of each model relative to the float64 RNN's (from the committed cells).
_COST = {"lstm": 8.0, "gru": 7.0, "bilstm": 16.0, "birnn": 2.0, "attention": 1.0, "rnn": 1.0}


def _expected_seconds(cell: Cell, before: dict[str, float]) -> float:
    """``cell``'s time in the committed results, else budget x length x its model's `_COST`."""
    if cell.key in before:
        return before[cell.key]
    a = cell.kwargs
    cost = _COST.get(a.get("kind", a.get("model", "rnn")), 1.0)
    cost *= 0.4 if a.get("dtype") == "float32" else 1.0
    return 1e-5 * cost * (a.get("L", a.get("k", 1)) + 5) * a.get("budget", 8192)


def _committed_seconds() -> dict[str, float]:
    """Every committed cell's training time, by cell key (what orders the next run)."""
    found: dict[str, float] = {}
    for path in sorted(RESULTS.glob("*.json")):
        with contextlib.suppress(ValueError, KeyError, TypeError):  # a broken file just loses its times
            found.update({c["key"]: float(c["seconds"]) for c in json.loads(path.read_text())["cells"]})
    return found


def run_cells(
    cells: Iterable[Cell],
    jobs: int = -1,
    desc: str = "cells",
    spans: dict[str, tuple[float, float]] | None = None,
) -> dict[str, tuple[Any, float]]:
    """Train every distinct cell, ``jobs`` at a time (joblib; -1 = every core), with a progress bar.

    Returns ``{cell.key: (result, seconds)}``; ``spans`` receives each cell's (start, end), in
    seconds from the run's start. The longest cells (`_expected_seconds`) start first, and a
    worker takes the next cell as soon as it is free (one cell per dispatch), so none idles while
    cells remain. Each worker keeps its freed memory (`keep_freed_memory`).
    """
    from joblib import Parallel, delayed
    from tqdm import tqdm

    todo = list({c.key: c for c in cells}.values())
    before = _committed_seconds()
    todo.sort(key=lambda c: -_expected_seconds(c, before))
    began = time.time()
    parallel = Parallel(n_jobs=jobs, return_as="generator_unordered", batch_size=1)
    tasks = parallel(delayed(_timed)(c) for c in todo)
    out: dict[str, tuple[Any, float]] = {}
    for key, value, start, end in tqdm(tasks, total=len(todo), desc=desc, unit="cell", file=sys.stderr):
        out[key] = (value, end - start)
        (spans if spans is not None else {})[key] = (start - began, end - began)
    return out


def write(
    exp: Experiment,
    done: dict[str, tuple[Any, float]],
    wall: float,
    jobs: int,
    spans: dict[str, tuple[float, float]] | None = None,
) -> Path:
    """Write ``exp``'s results file from the trained cells in ``done``; with ``spans`` (`run_cells`),
    the provenance adds its own wall time, from its first cell's start to its last cell's end."""
    import numpy

    record: dict[str, Any] = {
        "experiment": exp.name,
        "about": exp.about,
        "page": exp.page,
        "code": exp.code(),
        "cells": [
            {"key": c.key, "result": done[c.key][0], "seconds": round(done[c.key][1], 2)} for c in exp.cells
        ],
        "provenance": {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "numpy": numpy.__version__,
            "blas": blas(),
            "cpu": cpu(),
            "python": platform.python_version(),
            "cell_seconds": round(sum(done[c.key][1] for c in exp.cells), 1),
            "run_wall_seconds": round(wall, 1),
            "jobs": jobs,
        },
    }
    if spans:
        ends = [spans[c.key] for c in exp.cells]
        record["provenance"]["wall_seconds"] = round(max(e for _, e in ends) - min(s for s, _ in ends), 1)
    record["digest"] = _digest(record)
    exp.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = exp.path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True, allow_nan=False) + "\n")
    os.replace(tmp, exp.path)
    return exp.path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lstmgrad.store", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="experiments to run (default: all); see --list")
    parser.add_argument("--jobs", type=int, default=-1, help="parallel workers (default: every core)")
    parser.add_argument("--stale", action="store_true", help="run only the missing or stale experiments")
    parser.add_argument("--list", action="store_true", help="list the experiments and their state, then exit")
    args = parser.parse_args(argv)
    experiments = all_experiments()
    if args.list:
        for name, exp in experiments.items():
            print(f"{name:18s} {problem(exp) or 'up to date'}")
        return 0
    unknown = [n for n in args.names if n not in experiments]
    if unknown:
        parser.error(f"unknown experiment(s) {', '.join(unknown)}; known: {', '.join(experiments)}")
    chosen = [experiments[n] for n in (args.names or experiments)]
    if args.stale:
        chosen = [e for e in chosen if problem(e) is not None]
    if not chosen:
        print("every result is up to date")
        return 0
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    start = time.perf_counter()
    spans: dict[str, tuple[float, float]] = {}
    done = run_cells([c for e in chosen for c in e.cells], jobs, ", ".join(e.name for e in chosen), spans)
    wall = time.perf_counter() - start
    for exp in chosen:
        path = write(exp, done, wall, jobs, spans)
        print(f"wrote {_relative(path)} ({provenance(exp)['wall_seconds']:.1f} s wall)")
    print(f"{len(done)} cells in {wall:.1f} s on {jobs} worker(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
