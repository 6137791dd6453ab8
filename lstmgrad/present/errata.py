"""The errata's and the exercises' tables (``docs/errata.md``, ``docs/exercises.md``): Markdown strings.

The numbers come from `lstmgrad.studies.errata`; this module only formats them.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmgrad.present.markdown import _sub, markdown_table
from lstmgrad.studies.errata import (
    chain_ends,
    constant_chain,
    hand_product,
    input_scale_rows,
    learning_rate_terms,
    mean_factors,
    orders,
    orders_readings,
)
from lstmgrad.tasks.anchor import ANCHOR_SEQUENCE


def chain_ends_table(sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01) -> str:
    """`lstmgrad.studies.errata.chain_ends`: dh_T/dh_0 (the row labelled t = 1) beside the chain to day 1."""
    ends = chain_ends(sequence, W_h=W_h, W_x=W_x)
    T = _sub(len(sequence))
    rows: list[tuple[str, str, float]] = [
        (f"∂h{T}/∂h₀", "the row labelled t = 1: ends at h₀, so includes local₁", ends["h_0"]),
        (f"∂h{T}/∂h₁", "ends at day 1's state h₁", ends["h_1"]),
        (f"∂h{T}/∂z₁", "on through tanh'(z₁) to day 1's pre-activation", ends["z_1"]),
        (f"∂h{T}/∂x₁", "on through W_x to day 1's price", ends["x_1"]),
    ]
    return markdown_table(
        ["quantity", "what it is", "6 decimals", "3 digits"],
        [[q, what, f"{v:.6f}", f"{v:.2e}"] for q, what, v in rows],
        align="left",
    )


def orders_table(sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01) -> str:
    """How many orders of magnitude the chain loses from t = T to t = 1, from printed and from full values."""
    o = orders(sequence, W_h=W_h, W_x=W_x)
    printed, full = o["printed"], o["full"]
    rows = [
        ["as printed (6 decimals)", f"{printed['late']:.6f}", f"{printed['early']:.6f}"],
        ["full precision", f"{full['late']:.6e}", f"{full['early']:.6e}"],
    ]
    return markdown_table(
        ["values", "cumulative at t = T", "cumulative at t = 1", "ratio", "orders of magnitude (log₁₀)"],
        [
            [*row, f"{r['ratio']:.0f}", f"{r['orders']:.2f}"]
            for row, r in zip(rows, (printed, full), strict=True)
        ],
    )


def orders_readings_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> str:
    """`lstmgrad.studies.errata.orders_readings`: orders of magnitude for each way of reading the rows."""
    T, before = _sub(len(sequence)), _sub(len(sequence) - 1)
    label = {"row_T": f"∂h{T}/∂h{before}", "h_T": f"∂h{T}/∂h{T}", "h_0": f"∂h{T}/∂h₀", "h_1": f"∂h{T}/∂h₁"}
    name = {
        ("row_T", "h_0"): "rows as printed (t = T against t = 1)",
        ("row_T", "h_1"): "t = T row against the chain to day 1",
        ("h_T", "h_1"): f"h{T} itself against day 1's state",
        ("h_T", "h_0"): f"h{T} itself against the blank h₀",
    }
    rows = [
        [
            name[r["late"], r["early"]],
            f"{label[r['late']]} = {r['late_value']:.6g}",
            f"{label[r['early']]} = {r['early_value']:.4e}",
            f"{r['ratio']:.0f}",
            f"{r['orders']:.2f}",
        ]
        for r in orders_readings(sequence, W_h=W_h, W_x=W_x)
    ]
    return markdown_table(["reading", "late end", "early end", "ratio", "orders of magnitude (log₁₀)"], rows)


#: How `mean_factor_table` names `lstmgrad.studies.errata.mean_factors`' candidates.
MEAN_NAMES = {"article": "the article's ~0.1", "arithmetic": "arithmetic mean", "geometric": "geometric mean"}


def mean_factor_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01, steps: int = 20
) -> str:
    """`lstmgrad.studies.errata.mean_factors`: each "average" local factor to the powers T and ``steps``."""
    m = mean_factors(sequence, W_h=W_h, W_x=W_x, steps=steps)
    rows = [
        [MEAN_NAMES[c["name"]], f"{c['value']:.4f}", f"{c['at_T']:.3e}", f"{c['at_steps']:.2e}"]
        for c in m["candidates"]
    ]
    rows.append(["exact chain", "", f"{m['exact']:.3e}", ""])
    return markdown_table(["average factor", "value", f"value^{m['T']}", f"value^{steps}"], rows)


def hand_product_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 0.5, W_x: float = 0.01
) -> str:
    """The product of the local factors as printed (4 decimals) against the exact product."""
    p = hand_product(sequence, W_h=W_h, W_x=W_x)
    rows = [
        [" · ".join(f"{v:.4f}" for v in p["rounded"]), f"{p['by_hand']:.4e}", f"{p['by_hand']:.6f}"],
        ["the same factors at full precision", f"{p['exact']:.4e}", f"{p['exact']:.6f}"],
    ]
    table = markdown_table(["product of", "value", "6 decimals"], rows, align="left")
    return table + f"\n\nThe rounding changes the product by {p['change']:.2%}."


def input_scale_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE, W_h: float = 1.5, W_xs: Sequence[float] = (0.01, 0.0001)
) -> str:
    """One W_h, several input weights: saturated z_t makes the chain vanish, z_t near 0 lets it grow."""
    rows = [
        [
            f"{r['W_h']:g}",
            f"{r['W_x']:g}",
            f"{r['z_min']:.4f} to {r['z_max']:.4f}",
            f"{r['local_min']:.4f} to {r['local_max']:.4f}",
            f"{r['chain']:.8f}",
            f"{r['W_h_T']:.4f}",
        ]
        for r in input_scale_rows(sequence, W_h=W_h, W_xs=W_xs)
    ]
    T = _sub(len(sequence))
    header = ["W_h", "W_x", "z_t", "local factors", f"∂h{T}/∂h₀", f"W_h^{len(sequence)}"]
    return markdown_table(header, rows)


def constant_chain_table(
    factors: Sequence[float] = (0.1, 0.7, 0.9, 0.99), steps: Sequence[int] = (5, 20, 100)
) -> str:
    """``factor**T`` by repeated multiplication, for RNN-like factors and LSTM-like forget gates."""
    products = constant_chain(factors, steps)
    rows = [[str(T), *(f"{p:.2e}" for p in row)] for T, row in zip(steps, products, strict=True)]
    return markdown_table(["T", *(f"{f:g}ᵀ" for f in factors)], rows)


def learning_rate_table(
    sequence: Sequence[float] = ANCHOR_SEQUENCE,
    W_h: float = 0.5,
    W_x: float = 0.01,
    lrs: Sequence[float] = (0.01, 1.0, 100.0),
) -> str:
    """`lstmgrad.studies.errata.learning_rate_terms` as three tables.

    The two ends of the sum dh_T/dW_x, the update each learning rate makes from each of them,
    and a term that underflowed in float32 with what any rate makes of it.
    """
    g = learning_rate_terms(sequence, W_h=W_h, W_x=W_x, lrs=lrs)
    T = g["T"]
    grad = markdown_table(
        ["term of ∂h" + _sub(T) + "/∂W_x", "value", "share of the sum"],
        [
            [f"day {T}", f"{g['last']:.4f}", f"{g['share_last']:.4%}"],
            ["day 1", f"{g['first']:.6f}", f"{g['share_first']:.4%}"],
            ["ratio", f"{g['ratio']:.0f}", ""],
        ],
    )
    updates = markdown_table(
        ["learning rate", "update from day 1", f"update from day {T}"],
        [[f"{lr:g}", f"{first:.6f}", f"{last:.4f}"] for lr, first, last in g["updates"]],
    )
    zero = markdown_table(
        ["a term after 46 factors of 0.1 in float32", *(f"× {lr:g}" for lr in lrs)],
        [[f"{g['underflowed']:g}", *(f"{u:g}" for u in g["underflowed_updates"])]],
    )
    return "\n\n".join([grad, updates, zero])
