"""The article's anchor example: five days of closing prices and the weights it runs them through."""

from __future__ import annotations

from collections.abc import Sequence

from lstmgrad.checks import as_count

#: The article's anchor: five days of closing prices, and the weights it uses.
ANCHOR_SEQUENCE = (100.0, 102.0, 105.0, 103.0, 108.0)
ANCHOR_WEIGHTS = {"W_h": 0.5, "W_x": 0.01, "b": 0.0, "h_0": 0.0}


def repeated_sequence(days: int, sequence: Sequence[float] = ANCHOR_SEQUENCE) -> list[float]:
    """``sequence`` repeated end to end and cut at ``days`` items: prices staying in the anchor's range."""
    days = as_count("days", days)
    if not len(sequence):
        raise ValueError("sequence is empty: it needs at least one price to repeat")
    return [float(sequence[i % len(sequence)]) for i in range(days)]
