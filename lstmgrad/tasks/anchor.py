"""The article's anchor example: five days of closing prices and the weights it runs them through.

The source article stops at h_5 and names no prediction head, no day-6 target and no loss. The
site chooses them (``docs/bptt.md`` says so): the simplest head, ``y_hat = W_y h_5 + b_y`` with
``W_y = 1`` and ``b_y = 0``, a target ``y = 1.0`` and the squared error ``L = (y_hat - y)**2 / 2``.
Every weight-gradient term is proportional to ``y_hat - y``, so another target rescales all of
them alike and leaves their ratios as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmgrad.checks import as_count

#: The article's anchor: five days of closing prices, and the weights it uses.
ANCHOR_SEQUENCE = (100.0, 102.0, 105.0, 103.0, 108.0)
ANCHOR_WEIGHTS = {"W_h": 0.5, "W_x": 0.01, "b": 0.0, "h_0": 0.0}

#: The site's choice (not the article's): the prediction head on h_5 and the day-6 target.
ANCHOR_HEAD = {"W_y": 1.0, "b_y": 0.0}
ANCHOR_TARGET = 1.0


def repeated_sequence(days: int, sequence: Sequence[float] = ANCHOR_SEQUENCE) -> list[float]:
    """``sequence`` repeated end to end and cut at ``days`` items: prices staying in the anchor's range."""
    days = as_count("days", days)
    if not len(sequence):
        raise ValueError("sequence is empty: it needs at least one price to repeat")
    return [float(sequence[i % len(sequence)]) for i in range(days)]
