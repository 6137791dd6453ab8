"""What a band and a count are, and how they are checked against committed results: the types of
`lstmgrad.studies.bands`, which lists the claims themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lstmgrad.store import Cell, Experiment, load


@dataclass(frozen=True)
class Band:
    """A claim about trained models: every seed's ``stat`` in every listed cell lies in [lo, hi]."""

    claim: str
    experiment: Experiment
    cells: tuple[Cell, ...]
    lo: float
    hi: float
    stat: str = "accuracy"


def committed(band: Band) -> list[tuple[Cell, dict[str, list[Any]]]]:
    """The band's cells with their committed results."""
    runs = load(band.experiment)
    return [(cell, runs[cell.key]) for cell in band.cells]


def values(band: Band) -> list[float]:
    """Every committed seed's ``band.stat`` in the band's cells."""
    return [float(v) for _, run in committed(band) for v in run[band.stat]]


def outside(band: Band, runs: list[tuple[Cell, dict[str, list[Any]]]] | None = None) -> list[str]:
    """One line per cell and seed whose ``band.stat`` is outside the band (default: the committed runs)."""
    lines = []
    for cell, run in committed(band) if runs is None else runs:
        for seed, v in zip(cell.kwargs["seeds"], run[band.stat], strict=True):
            if not band.lo <= v <= band.hi:
                where = where_is(band.experiment, cell)
                lines.append(f"{where}, seed {seed}: {band.stat} {v:.3f} outside [{band.lo:g}, {band.hi:g}]")
    return lines


def where_is(exp: Experiment, cell: Cell) -> str:
    """The experiment, its page and the cell's coordinates, for an error message."""
    names = ("kind", "model", "L", "k", "H", "scale", "b_f", "b_z", "init", "clip", "lr", "budget", "perturb")
    shown = ", ".join(f"{k}={cell.kwargs[k]}" for k in names if k in cell.kwargs)
    return f"experiment {exp.name} ({exp.page}: {exp.shown}), cell {shown}"


@dataclass(frozen=True)
class Count:
    """A claim about how many committed seeds of each listed cell reach ``at`` accuracy: [lo, hi]."""

    claim: str
    experiment: Experiment
    cells: tuple[Cell, ...]
    lo: int
    hi: int
    at: float = 0.95

    def counts(self) -> list[int]:
        runs = load(self.experiment)
        return [sum(a >= self.at for a in runs[c.key]["accuracy"]) for c in self.cells]

    def holds(self) -> bool:
        return all(self.lo <= n <= self.hi for n in self.counts())
