"""Committed results as records: what every trained table and plot of the Experiments page
(``docs/experiments.md``) and the Beyond page (``docs/beyond.md``) reads.

A study function states a setting, builds the very cells ``make experiments`` trains for it,
and `load_cells` finds them among the committed results of every declared `Experiment`.
A setting that was never trained raises `NotTrained`, naming the cell and the nearest one
that was; a result whose code changed raises `lstmgrad.store.StaleResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lstmgrad.store import Cell, Experiment, all_experiments, load

Row = dict[str, Any]


class NotTrained(LookupError):
    """A setting whose cell no committed result holds: ``make experiments`` never trained it."""


@dataclass(frozen=True)
class Records:
    """One row per trained cell: its coordinates (``model``, ``L``, ...) and its result, lists with
    one entry per seed. ``sources`` are the experiments the rows come from, in declaration order."""

    rows: tuple[Row, ...]
    sources: tuple[Experiment, ...]

    def find(self, **coords: Any) -> Row | None:
        """The row at ``coords``, or None if that cell was not trained."""
        found = [r for r in self.rows if all(r[k] == v for k, v in coords.items())]
        if len(found) > 1:
            raise KeyError(f"{len(found)} rows have the coordinates {coords}: name more of them")
        return found[0] if found else None

    def get(self, **coords: Any) -> Row:
        """The row at ``coords``; a KeyError names them if there is none."""
        row = self.find(**coords)
        if row is None:
            raise KeyError(f"no row has the coordinates {coords}")
        return row

    def values(self, name: str) -> list[Any]:
        """The values coordinate ``name`` takes, in the order of the rows."""
        return list(dict.fromkeys(r[name] for r in self.rows))


def describe(cell: Cell) -> str:
    """The cell as the call that trains it, e.g. ``crash_cell(kind='lstm', L=90, seeds=[0, ..., 9])``."""
    args = []
    for k, v in cell.kwargs.items():
        if k == "seeds" and len(v) > 3 and list(v) == list(range(v[0], v[0] + len(v))):
            v = f"[{v[0]}, ..., {v[-1]}]"
        else:
            v = repr(v)
        args.append(f"{k}={v}")
    return f"{cell.fn.__name__}({', '.join(args)})"


def _nearest(cell: Cell, declared: Sequence[Experiment]) -> str:
    """The declared cell of the same function that differs from ``cell`` in the fewest arguments."""
    mine = cell.arguments()
    best: tuple[int, str] | None = None
    for exp in declared:
        for other in exp.cells:
            if other.fn is not cell.fn:
                continue
            theirs = other.arguments()
            diff = [f"{k}={theirs[k]!r}" for k in theirs if theirs[k] != mine.get(k)]
            if best is None or len(diff) < best[0]:
                best = (len(diff), f"the nearest trained cell has {', '.join(diff)} (experiment {exp.name})")
    return best[1] if best else f"no experiment trains {cell.fn.__name__} at all"


def load_cells(cells: Sequence[tuple[Row, Cell]], missing_ok: bool = False) -> Records:
    """The committed results of ``cells``, each given with its coordinates, as `Records`.

    Each cell is looked up by its key (its function and every argument, seeds and budget among
    them) in the fewest declared experiments that hold them all. A cell that none holds raises
    `NotTrained`, unless ``missing_ok``: then it has no row.
    """
    declared = list(all_experiments().values())
    held = [{c.key for c in exp.cells} for exp in declared]
    missing = [c for _, c in cells if not any(c.key in keys for keys in held)]
    if missing and not missing_ok:
        cell = missing[0]
        raise NotTrained(
            f"{describe(cell)} was never trained ({len(missing)} of {len(cells)} cells asked for are "
            f"not among the committed results): {_nearest(cell, declared)}; "
            "`python -m lstmgrad.store --list` lists the experiments"
        )
    todo = {c.key for _, c in cells} - {c.key for c in missing}
    chosen: list[int] = []
    while todo:  # the experiment holding the most cells still to find, the first declared on a tie
        i = max(range(len(declared)), key=lambda i: len(todo & held[i]))
        chosen.append(i)
        todo -= held[i]
    runs: dict[str, dict[str, list[Any]]] = {}
    for i in chosen:
        runs = {**load(declared[i]), **runs}
    rows = tuple({**coords, **runs[c.key]} for coords, c in cells if c.key in runs)
    return Records(rows, tuple(declared[i] for i in sorted(chosen)))
