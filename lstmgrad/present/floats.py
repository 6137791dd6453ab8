"""Markdown tables of the float thresholds that `lstmgrad.studies.floats` measures.

`negligible_table` and `underflow_table` are on the Limitations page (``docs/limitations.md``),
`not_zero_table` and `flush_to_zero_table` in the errata (``docs/errata.md``).
"""

from __future__ import annotations

from lstmgrad.present.markdown import markdown_table
from lstmgrad.studies.floats import DTYPES, flush_to_zero_rows, not_zero, walk_product


def _step(T: int | None) -> str:
    return "never" if T is None else str(T)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def negligible_table(factors: tuple[float, ...] = (0.7, 0.1), max_steps: int = 3000) -> str:
    """For each factor and dtype, from which T the lag-T term no longer moves the sum."""
    rows = []
    for factor in factors:
        for dtype in DTYPES:
            w = walk_product(factor, dtype, max_steps)
            cells = [f"{factor:g}", w.dtype, f"{w.eps:.2g}", f"{w.at_100:.2g}"]
            rows.append([*cells, _step(w.below_eps), _step(w.negligible)])
    header = ["factor", "dtype", "eps", "factor^100"]
    header += ["first T with factor^T < eps", "first T the sum ignores it"]
    return markdown_table(header, rows)


def underflow_table(factors: tuple[float, ...] = (0.7, 0.1), max_steps: int = 3000) -> str:
    """For each factor and dtype, when ``factor**T`` goes subnormal, hits 0.0, or sticks."""
    rows = []
    for factor in factors:
        for dtype in DTYPES:
            w = walk_product(factor, dtype, max_steps)
            cells = [f"{factor:g}", w.dtype, _step(w.subnormal), _step(w.zero), _step(w.stuck)]
            rows.append([*cells, f"{w.final:.2g}"])
    header = ["factor", "dtype", "first T subnormal", "first T exactly 0.0", "stuck from T"]
    return markdown_table([*header, f"factor^T at T={max_steps}"], rows)


def not_zero_table(factor: float = 0.7, max_steps: int = 3000) -> str:
    """``factor**100`` in each dtype, against 0.0, against 1, and the first T it is 0.0."""
    rows = [
        [
            r["dtype"],
            f"{r['at_100']:.2e}",
            _yes(r["is_zero"]),
            f"{r['tiny']:.2e}",
            _yes(r["one_absorbs"]),
            _step(r["zero"]),
        ]
        for r in not_zero(factor, max_steps)
    ]
    f = f"{factor:g}"
    header = ["dtype", f"{f}^100", "== 0.0?", "smallest normal"]
    header += [f"1 + {f}^100 == 1?", f"first T with {f}^T == 0.0"]
    return markdown_table(header, rows)


def flush_to_zero_table(factors: tuple[float, ...] = (0.7, 0.1), max_steps: int = 3000) -> str:
    """When a chain reaches exactly 0.0, with gradual underflow and with flush-to-zero.

    One row per chain and dtype: constant chains of each of ``factors``, and the anchor RNN's
    own local factors (its five prices repeated), all followed up to ``max_steps`` steps.
    """
    rows = []
    for r in flush_to_zero_rows(factors, max_steps):
        anchor = r["chain"] == "anchor"
        name = "the anchor's own factors (its prices repeated)" if anchor else f"{r['chain']:g} at every step"
        rows.append([name, r["dtype"], _step(r["subnormal"]), _step(r["gradual"]), _step(r["flushed"])])
    header = [
        "chain",
        "dtype",
        "first T subnormal",
        "first T exactly 0.0, gradual underflow",
        "first T exactly 0.0, flush-to-zero",
    ]
    return markdown_table(header, rows)
