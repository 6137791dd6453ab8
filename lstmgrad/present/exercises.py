"""The answers to the exercises that use the explorables, as Markdown tables (``docs/exercises.md``).

The numbers are `lstmgrad.studies.explorables`'; this module only formats them.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmgrad.present.markdown import _sub, _sup, markdown_table
from lstmgrad.studies.explorables import (
    best_bias,
    closest_first_term,
    exploding_input_weights,
    forget_bias_to_keep,
)
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE


def best_bias_table(sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01) -> str:
    """The bias that makes the anchor's whole chain largest, beside b = 0 and the bound |W_h|**T
    (headed W_h**T: W_h > 0 here)."""
    r = best_bias(sequence, W_h=W_h, W_x=W_x)
    T = len(sequence)
    header = [
        "best b on the slider",
        f"∂h{_sub(T)}/∂h₀ there",
        f"∂h{_sub(T)}/∂h₀ at b = 0",
        f"bound W_h{_sup(T)}",
    ]
    return markdown_table(
        header, [[f"{r['b']:g}", f"{r['chain']:.4e}", f"{r['chain_at_0']:.4e}", f"{r['bound']:.4e}"]]
    )


def exploding_table(sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 1.5) -> str:
    """Every input weight on the W_x slider at which the chain exceeds 1, for recurrent weight ``W_h``."""
    rows = [[f"{r['W_x']:g}", f"{r['chain']:.4f}"] for r in exploding_input_weights(sequence, W_h=W_h)]
    return markdown_table(["W_x", f"∂h{_sub(len(sequence))}/∂h₀"], rows)


def forget_bias_table(share: float = 0.5, days: int = 90) -> str:
    """The smallest b_f on the slider whose cell path over ``days`` keeps ``share``, and one step below."""
    r = forget_bias_to_keep(share, days)
    header = ["smallest b_f on the slider", f"Π f over {days} steps there", "one step (0.1) lower"]
    return markdown_table(header, [[f"{r['b_f']:g}", f"{r['cell_path']:.4f}", f"{r['below']:.4f}"]])


def closest_first_term_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> str:
    """The bias that brings day 1's term of dL/dW_x closest to day T's, beside b = 0 and the floor."""
    r = closest_first_term(sequence, W_h=W_h, W_x=W_x)
    T = len(sequence)
    header = [
        "b on the slider",
        f"day {T}'s W_x term / day 1's there",
        "the same at b = 0",
        f"floor (x{_sub(T)}/x₁) / W_h{_sup(T - 1)}",
    ]
    return markdown_table(
        header, [[f"{r['b']:g}", f"{r['ratio']:.2f}", f"{r['ratio_at_0']:.3g}", f"{r['floor']:.2f}"]]
    )
