"""Markdown for the pages: tables of already-formatted cells, and digits as sub- and superscripts."""

from __future__ import annotations

from collections.abc import Sequence


def _sub(n: int) -> str:
    """``n`` in Unicode subscript digits, for column labels such as ∂h₅/∂hₜ₋₁."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _sup(n: int) -> str:
    """``n`` in Unicode superscript digits, for powers such as W_h⁵."""
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "right") -> str:
    """Format ``rows`` of already-formatted cells as a Markdown table."""
    rule = {"right": "---:", "left": ":---", "center": ":---:"}[align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
